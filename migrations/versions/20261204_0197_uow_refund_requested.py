"""uow refund requested: a refund is recorded as requested and sent to the provider after the commit

Revision ID: 0197_uow_refund_requested
Revises: 0195_metrics_past_due_index
Create Date: 2026-12-04 19:30:00

"""
from alembic import op

revision = "0197_uow_refund_requested"
down_revision = "0195_metrics_past_due_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("refunds") as batch:
        batch.drop_constraint(op.f("ck_refunds_status"), type_="check")
        batch.create_check_constraint(op.f("ck_refunds_status"), "status IN ('requested', 'submitted', 'success', 'failed')")


def downgrade():
    # A refund never sent cannot be shown as sent: it is marked failed (its amount was never returned).
    op.execute("UPDATE refunds SET status = 'failed' WHERE status = 'requested'")
    with op.batch_alter_table("refunds") as batch:
        batch.drop_constraint(op.f("ck_refunds_status"), type_="check")
        batch.create_check_constraint(op.f("ck_refunds_status"), "status IN ('submitted', 'success', 'failed')")
