"""Residents: a duplicate registration merged into the one kept, with its
reason (append-only: the merge is a record of its own; cases keep the
registration they were taken in under).

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from cunwu_tui.db import triggers

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString

APPEND_ONLY = "居民合并记录只能追加，不能修改或删除"


def upgrade() -> None:
    op.create_table(
        "resident_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("reason", S(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["duplicate_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["kept_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("duplicate_id", name="uq_resident_merge_duplicate"),
    )
    op.create_index("ix_resident_merge_kept_id", "resident_merge", ["kept_id"])
    for event in ("UPDATE", "DELETE"):
        triggers.create(
            op,
            f"CREATE TRIGGER resident_merge_no_{event.lower()} BEFORE {event} ON resident_merge "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
        )


def downgrade() -> None:
    for event in ("update", "delete"):
        triggers.drop(op, f"resident_merge_no_{event}", "resident_merge")
    op.drop_index("ix_resident_merge_kept_id", table_name="resident_merge")
    op.drop_table("resident_merge")
