"""customer notes: notes about a customer rather than one case, shown in their history

Revision ID: 0240_con2_customer_notes
Revises: 0230_bindays_calendar
Create Date: 2026-12-04 20:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0240_con2_customer_notes"
down_revision = "0230_bindays_calendar"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "customer_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_customer_notes_customer_id_customers")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name=op.f("fk_customer_notes_staff_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_notes")),
    )
    op.create_index("ix_customer_notes_customer_created", "customer_notes", ["customer_id", "created_at"])


def downgrade():
    op.drop_index("ix_customer_notes_customer_created", table_name="customer_notes")
    op.drop_table("customer_notes")
