"""Residents (村(居)民), reused across cases.

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "resident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", S(length=32), nullable=False),
        sa.Column("id_type", S(length=32), nullable=False),
        sa.Column("id_number", S(length=64), nullable=False),
        sa.Column("phone", S(length=32), nullable=False),
        sa.Column("group_name", S(length=32), nullable=False),
        sa.Column("address", S(), nullable=False),
        sa.Column("note", S(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resident_name", "resident", ["name"])
    op.create_index("ix_resident_id_number", "resident", ["id_number"])


def downgrade() -> None:
    op.drop_index("ix_resident_id_number", table_name="resident")
    op.drop_index("ix_resident_name", table_name="resident")
    op.drop_table("resident")
