"""Tamper evidence for every register: the chain table ``evidence_link``,
append-only triggers for the notice lists, objections, the operation log
and the chain itself, and a link for every row already there.

Rows written before this upgrade are vouched for as they were found at the
upgrade (their links carry the upgrade's time); from then on every write
adds its links in its own transaction.

Revision ID: 0014
Revises: 0013 (identity: its tables are chained here too)
Create Date: 2026-12-06
"""

from datetime import datetime

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from cunwu_tui.db import triggers

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString

NOTICE = "公示名单、异议及其处理记录只能新增，不能修改或删除。"
AUDIT = "操作日志只能新增，不能修改或删除。"
LINK = "校验记录只能新增，不能修改或删除。"
APPEND_ONLY = (
    ("notice_person", NOTICE),
    ("notice_objection", NOTICE),
    ("objection_outcome", NOTICE),
    ("audit_log", AUDIT),
    ("evidence_link", LINK),
)

# The tables chained at this upgrade, in this order (frozen here: tables
# added to domain/evidence.py later chain their rows in their own migration).
TABLES = (
    "seal_use",
    "seal_void",
    "case_record",
    "case_event",
    "duty_change",
    "duty_log",
    "duty_substitution",
    "duty_handover",
    "duty_item",
    "duty_item_close",
    "duty_confirm",
    "duty_void",
    "duty_case_link",
    "holiday_rota",
    "notice",
    "notice_person",
    "notice_objection",
    "objection_outcome",
    "resident",
    "resident_merge",
    "staff",
    "staff_credential",
    "approval",
    "audit_log",
)


def upgrade() -> None:
    op.create_table(
        "evidence_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register_name", S(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", S(length=32), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("op", S(length=8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("row_digest", S(length=64), nullable=False),
        sa.Column("tags", S(), nullable=False),
        sa.Column("prev_hash", S(length=64), nullable=False),
        sa.Column("hash", S(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("register_name", "seq", name="uq_evidence_link_seq"),
    )
    op.create_index("ix_evidence_link_row", "evidence_link", ["table_name", "row_id"])
    from cunwu_tui.db.evidence import chain_existing

    chain_existing(op.get_bind(), TABLES, datetime.now())
    for table, message in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            triggers.create(
                op,
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            )


def downgrade() -> None:
    for table, _ in APPEND_ONLY:
        for event in ("update", "delete"):
            triggers.drop(op, f"{table}_no_{event}", table)
    op.drop_index("ix_evidence_link_row", table_name="evidence_link")
    op.drop_table("evidence_link")
