"""sign-in lock-outs: failed sign-ins per account and address; enough of them lock that pair out

Revision ID: 0210_seclow_sign_in_lockouts
Revises: 0200_identity_two_factor
Create Date: 2026-12-04 19:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0210_seclow_sign_in_lockouts"
down_revision = "0200_identity_two_factor"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_lockouts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_kind", sa.String(10), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("account_kind", "account_id", "address", name="uq_sign_in_lockouts_account_address"),
        sa.CheckConstraint("account_kind IN ('staff', 'resident')", name="ck_sign_in_lockouts_account_kind"),
    )
    op.create_index("ix_sign_in_lockouts_locked_until", "sign_in_lockouts", ["locked_until"])


def downgrade():
    op.drop_table("sign_in_lockouts")
