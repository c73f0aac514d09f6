"""gazetteer addresses: USRN and street, grid coordinates, parent, classification and logical status on
properties; the gazetteer's streets

Revision ID: 0220_gazetteer_addresses
Revises: 0210_seclow_sign_in_lockouts
Create Date: 2026-12-04 19:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0220_gazetteer_addresses"
# The head's file is named 0190 but its revision id is 0180_console_rule_outcome.
down_revision = "0210_seclow_sign_in_lockouts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gazetteer_streets",
        sa.Column("usrn", sa.String(length=12), primary_key=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("town", sa.String(length=100), nullable=True),
        sa.Column("administrative_area", sa.String(length=100), nullable=True),
    )
    with op.batch_alter_table("properties") as batch:
        batch.add_column(sa.Column("usrn", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("street", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("easting", sa.Float(), nullable=True))
        batch.add_column(sa.Column("northing", sa.Float(), nullable=True))
        batch.add_column(sa.Column("parent_uprn", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("classification", sa.String(length=6), nullable=True))
        batch.add_column(sa.Column("address_kind", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("logical_status", sa.String(length=12), nullable=False, server_default="approved"))
        batch.add_column(sa.Column("gazetteer_updated_on", sa.Date(), nullable=True))
        batch.create_index(batch.f("ix_properties_usrn"), ["usrn"])
        batch.create_check_constraint(
            op.f("ck_properties_logical_status_known"),
            "logical_status IN ('approved', 'provisional', 'historic', 'rejected')")
        batch.create_check_constraint(
            op.f("ck_properties_address_kind_known"),
            "address_kind IS NULL OR address_kind IN ('residential', 'commercial', 'parent_shell', 'dual_use', 'other')")


def downgrade():
    with op.batch_alter_table("properties") as batch:
        batch.drop_constraint(op.f("ck_properties_address_kind_known"), type_="check")
        batch.drop_constraint(op.f("ck_properties_logical_status_known"), type_="check")
        batch.drop_index(batch.f("ix_properties_usrn"))
        for column in ("gazetteer_updated_on", "logical_status", "address_kind", "classification", "parent_uprn",
                       "northing", "easting", "street", "usrn"):
            batch.drop_column(column)
    op.drop_table("gazetteer_streets")
