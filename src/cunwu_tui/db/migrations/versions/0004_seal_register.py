"""The seal register (用印登记): entries and their voids, append-only.

Triggers refuse any UPDATE or DELETE of a written record: a mistake is
voided by a new record. (Someone who drops the triggers and edits the file
is caught by the hash chain: ``cunwu verify``.)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from cunwu_tui.db import triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString

APPEND_ONLY = "用印登记只能新增，不能修改或删除；登记有误请作废后重新登记。"


def upgrade() -> None:
    op.create_table(
        "seal_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("seal_id", sa.Integer(), nullable=False),
        sa.Column("seal_name", S(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", S(length=48), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.Column("title", S(length=200), nullable=False),
        sa.Column("purpose", S(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("destination", S(length=200), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=True),
        sa.Column("applicant_name", S(length=32), nullable=False),
        sa.Column("applicant_outsider", sa.Boolean(), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=False),
        sa.Column("approver_name", S(length=32), nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("meeting_type", S(length=16), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("meeting_ref", S(length=64), nullable=False),
        sa.Column("keeper_id", sa.Integer(), nullable=False),
        sa.Column("keeper_name", S(length=32), nullable=False),
        sa.Column("note", S(), nullable=False),
        sa.Column("refers_to_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("prev_hash", S(length=64), nullable=False),
        sa.Column("hash", S(length=64), nullable=False),
        sa.ForeignKeyConstraint(["seal_id"], ["seal.id"]),
        sa.ForeignKeyConstraint(["applicant_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["approver_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["keeper_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["refers_to_id"], ["seal_use.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chain_seq"),
        sa.UniqueConstraint("hash"),
        sa.UniqueConstraint("seal_id", "year", "seq", name="uq_seal_use_number"),
    )
    op.create_index("ix_seal_use_used_at", "seal_use", ["used_at"])
    op.create_table(
        "seal_void",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("use_id", sa.Integer(), nullable=False),
        sa.Column("number", S(length=48), nullable=False),
        sa.Column("reason", S(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("prev_hash", S(length=64), nullable=False),
        sa.Column("hash", S(length=64), nullable=False),
        sa.ForeignKeyConstraint(["use_id"], ["seal_use.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chain_seq"),
        sa.UniqueConstraint("hash"),
        sa.UniqueConstraint("use_id"),
    )
    for table in ("seal_use", "seal_void"):
        for event in ("UPDATE", "DELETE"):
            triggers.create(
                op,
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
            )


def downgrade() -> None:
    for table in ("seal_void", "seal_use"):
        for event in ("update", "delete"):
            triggers.drop(op, f"{table}_no_{event}", table)
    op.drop_table("seal_void")
    op.drop_index("ix_seal_use_used_at", table_name="seal_use")
    op.drop_table("seal_use")
