"""garden subscriptions: reference, request key, cancel reason

Revision ID: 0100
Revises: 0080
Create Date: 2026-11-24 01:05:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0100"
down_revision = "0080"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("garden_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("request_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_garden_subscriptions_reference"), ["reference"])
        batch_op.create_unique_constraint(batch_op.f("uq_garden_subscriptions_request_key"), ["request_key"])
    # Rows made before references existed keep the id-based one the rule facts already used.
    op.execute("UPDATE garden_subscriptions SET reference = 'GW-' || id WHERE reference IS NULL")


def downgrade():
    with op.batch_alter_table("garden_subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_garden_subscriptions_request_key"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_garden_subscriptions_reference"), type_="unique")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("request_key")
        batch_op.drop_column("reference")
