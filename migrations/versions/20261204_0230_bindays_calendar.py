"""bin days: revised collection dates and service alerts

Revision ID: 0230_bindays_calendar
Revises: 0220_gazetteer_addresses
Create Date: 2026-12-04 20:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0230_bindays_calendar"
down_revision = "0220_gazetteer_addresses"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "collection_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("collection_rounds.id", name=op.f("fk_collection_revisions_round_id_collection_rounds")), nullable=True),
        sa.Column("usual_date", sa.Date(), nullable=False),
        sa.Column("revised_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", "usual_date", name="uq_collection_revisions_round_day"),
    )
    op.create_index(op.f("ix_collection_revisions_round_id"), "collection_revisions", ["round_id"])
    op.create_index(op.f("ix_collection_revisions_usual_date"), "collection_revisions", ["usual_date"])
    op.create_table(
        "service_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("wards", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("staff_users.id", name=op.f("fk_service_alerts_created_by_id_staff_users")), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_service_alerts_period")),
    )
    for column in ("service_id", "starts_at", "ends_at"):
        op.create_index(op.f(f"ix_service_alerts_{column}"), "service_alerts", [column])


def downgrade():
    op.drop_table("service_alerts")
    op.drop_table("collection_revisions")
