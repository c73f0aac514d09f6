"""identity: two factors for local staff accounts (TOTP secret, last step used, recovery codes)

Revision ID: 0200_identity_two_factor
Revises: 0197_uow_refund_requested
Create Date: 2026-12-04 19:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0200_identity_two_factor"
down_revision = "0197_uow_refund_requested"
branch_labels = None
depends_on = None

def upgrade():
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("two_factor_enabled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_recovery_codes_staff_id", "staff_recovery_codes", ["staff_id"])

def downgrade():
    op.drop_index("ix_staff_recovery_codes_staff_id", "staff_recovery_codes")
    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("two_factor_enabled_at")
        batch.drop_column("totp_secret")
