"""garden subscriptions: when the renewal invitation was sent

Revision ID: 0140
Revises: 0110
Create Date: 2026-11-24 02:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0140"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("garden_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("renewal_invited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("garden_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("renewal_invited_at")
