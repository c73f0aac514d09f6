"""dashboard monthly rollups (contacts, advisors, cases), a narrower advisor rollup, open cases by due time

Revision ID: 0120
Revises: 0080

contact_monthly and advisor_monthly let a month, quarter or year read a few thousand rows.
advisor_daily loses its outcome column (two counts instead): rollups are derived data, so the
new tables are filled from the old ones here and `flask metrics rebuild` can always redo them.
"""
from alembic import op
import sqlalchemy as sa


revision = "0120"
down_revision = "0100"
branch_labels = None
depends_on = None

_RESOLVED = "CASE WHEN outcome = 'resolved_first_contact' THEN contacts ELSE 0 END"
_COUNTED = "outcome NOT IN ('progress_chase', 'repeat')"


def _month(col: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"date_trunc('month', {col})::date"
    return f"date({col}, 'start of month')"


def _advisor_table(name: str, first: str):
    op.create_table(
        name,
        sa.Column(first, sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("assisted", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(first, "staff_id", "service", "channel", "team_id", name=op.f(f"pk_{name}")),
    )


def upgrade():
    op.create_table(
        "contact_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "service", "channel", "outcome", "team_id", name=op.f("pk_contact_monthly")),
    )
    op.execute(f"""INSERT INTO contact_monthly (month, service, channel, outcome, team_id, contacts)
        SELECT {_month('day')}, service, channel, outcome, team_id, sum(contacts) FROM contact_daily
        GROUP BY 1, 2, 3, 4, 5""")
    op.create_table(
        "case_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("closed_in_sla", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "service", "team_id", "ward", "channel", name=op.f("pk_case_monthly")),
    )
    op.execute(f"""INSERT INTO case_monthly (month, service, team_id, ward, channel, closed, closed_in_sla)
        SELECT {_month('day')}, service, team_id, ward, channel, sum(closed), sum(closed_in_sla) FROM case_daily
        GROUP BY 1, 2, 3, 4, 5""")
    op.rename_table("advisor_daily", "advisor_daily_old")
    if op.get_bind().dialect.name == "postgresql":  # its primary key's index keeps the name, which is global there
        op.execute("ALTER TABLE advisor_daily_old RENAME CONSTRAINT pk_advisor_daily TO pk_advisor_daily_old")
    _advisor_table("advisor_daily", "day")
    _advisor_table("advisor_monthly", "month")
    op.execute(f"""INSERT INTO advisor_daily (day, staff_id, service, channel, team_id, assisted, resolved)
        SELECT day, staff_id, service, channel, team_id, sum(contacts), sum({_RESOLVED}) FROM advisor_daily_old
        WHERE {_COUNTED} GROUP BY 1, 2, 3, 4, 5""")
    op.execute("""INSERT INTO advisor_monthly (month, staff_id, service, channel, team_id, assisted, resolved)
        SELECT {m}, staff_id, service, channel, team_id, sum(assisted), sum(resolved) FROM advisor_daily
        GROUP BY 1, 2, 3, 4, 5""".format(m=_month("day")))
    op.drop_table("advisor_daily_old")
    op.create_index("ix_cases_open_due", "cases", ["sla_due_at", "workflow_id", "team_id", "channel"],
                    postgresql_where=sa.text("state_category <> 'closed'"),
                    sqlite_where=sa.text("state_category <> 'closed'"))


def downgrade():
    op.drop_index("ix_cases_open_due", table_name="cases")
    op.drop_table("advisor_monthly")
    op.drop_table("case_monthly")
    op.drop_table("advisor_daily")
    op.create_table(
        "advisor_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "staff_id", "service", "channel", "outcome", "team_id",
                                name=op.f("pk_advisor_daily")),
    )
    op.drop_table("contact_monthly")  # advisor_daily comes back empty: run `flask metrics rebuild`
