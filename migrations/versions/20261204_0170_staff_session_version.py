"""staff session version: sign-out, a password change and deactivation end every session

Revision ID: 0170
Revises: 0160
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0170"
down_revision = "0160"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("session_version")
