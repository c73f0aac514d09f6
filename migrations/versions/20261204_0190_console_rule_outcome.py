"""contact rule outcome: the repeat rule's outcome where it disagrees with the advisor's choice

Revision ID: 0180_console_rule_outcome
Revises: 0180_sec_draft_uploads
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0180_console_rule_outcome"
down_revision = "0180_sec_draft_uploads"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("rule_outcome", sa.String(length=30), nullable=True))
        batch.create_check_constraint(
            op.f("ck_contacts_rule_outcome"),
            "rule_outcome IS NULL OR rule_outcome IN ('self_served', 'resolved_first_contact', 'handed_off', "
            "'progress_chase', 'repeat')")


def downgrade():
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint(op.f("ck_contacts_rule_outcome"), type_="check")
        batch.drop_column("rule_outcome")
