"""metrics past due index: open cases only (a waiting case's clock is paused, so it is never past due)

The dashboard, its minute snapshot and the queue count "past due" by one rule
(frontdoor.metrics.definitions.past_due_sql: state_category = 'open'). The partial index the count
reads took every case not closed, so the count had to visit the table to leave waiting cases out;
on open cases only it is answered from the index again.

Revision ID: 0195_metrics_past_due_index
Revises: 0180_console_rule_outcome
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0195_metrics_past_due_index"
down_revision = "0180_console_rule_outcome"
branch_labels = None
depends_on = None

COLUMNS = ["sla_due_at", "workflow_id", "team_id", "channel"]


def _index(where: str) -> None:
    op.create_index("ix_cases_open_due", "cases", COLUMNS, postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def upgrade():
    op.drop_index("ix_cases_open_due", table_name="cases")
    _index("state_category = 'open'")


def downgrade():
    op.drop_index("ix_cases_open_due", table_name="cases")
    _index("state_category <> 'closed'")
