"""draft uploads: files uploaded to forms not yet submitted, capped per draft and swept on expiry

Revision ID: 0180_sec_draft_uploads
Revises: 0170
Create Date: 2026-12-04 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0180_sec_draft_uploads"
down_revision = "0170"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draft_uploads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_id", sa.String(64), nullable=False, unique=True),
        sa.Column("draft_key", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_draft_uploads_draft_key", "draft_uploads", ["draft_key"])
    op.create_index("ix_draft_uploads_expires_at", "draft_uploads", ["expires_at"])
    op.create_index("ix_draft_uploads_client", "draft_uploads", ["client", "created_at"])


def downgrade():
    op.drop_table("draft_uploads")
