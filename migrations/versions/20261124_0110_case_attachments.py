"""case_attachments

Revision ID: 0110
Revises: 0080
"""
from alembic import op
import sqlalchemy as sa

revision = "0110"
down_revision = "0120"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("visible_to_resident", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_attachments_case_id_cases")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["staff_users.id"],
                                name=op.f("fk_case_attachments_uploaded_by_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
        sa.UniqueConstraint("file_id", name=op.f("uq_case_attachments_file_id")),
        sa.UniqueConstraint("case_id", "sha256", name="uq_case_attachments_case_sha256"),
    )
    with op.batch_alter_table("case_attachments") as batch_op:
        batch_op.create_index(batch_op.f("ix_case_attachments_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("case_attachments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_attachments_case_id"))
    op.drop_table("case_attachments")
