"""past due snapshot: open cases past their due time, counted each minute by a job

Revision ID: 0150
Revises: 0140
Create Date: 2026-11-24 02:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0150"
down_revision = "0140"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "past_due_snapshot",
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service", "team_id", "channel", name=op.f("pk_past_due_snapshot")),
    )
    op.create_table(
        "metric_snapshots",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_metric_snapshots")),
    )


def downgrade():
    op.drop_table("metric_snapshots")
    op.drop_table("past_due_snapshot")
