"""值班 (duty): the month's rota and its changes after publishing, the duty
log, substitutions, handovers with their open items and confirmations,
voids, and the long-holiday rotas with their filing.

Triggers refuse UPDATE and DELETE on the registers (changes, log,
substitutions, handovers, items, closures, confirmations, voids): a mistake
is voided or corrected by a new record.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from cunwu_tui.db import triggers

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString

APPEND_ONLY = "值班记录只能新增，不能修改或删除；有误请作废后重新登记。"
REGISTERS = (
    "duty_change",
    "duty_log",
    "duty_substitution",
    "duty_handover",
    "duty_item",
    "duty_item_close",
    "duty_confirm",
    "duty_void",
)


def upgrade() -> None:
    op.create_table(
        "duty_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("status", S(length=8), nullable=False),
        sa.Column("leave_lines", S(), nullable=False),
        sa.Column("night", sa.Boolean(), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by", S(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "month", name="uq_duty_month"),
    )
    op.create_table(
        "duty_void",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", S(), nullable=False),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "target_id", name="uq_duty_void_target"),
    )
    op.create_table(
        "holiday_rota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", S(length=16), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=True),
        sa.Column("filed_to", S(length=64), nullable=False),
        sa.Column("filed_by", S(length=32), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("notified_note", S(), nullable=False),
        sa.Column("notified_by", S(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("start", name="uq_holiday_rota_start"),
    )
    op.create_table(
        "duty_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("role", S(length=8), nullable=False),
        sa.Column("old_name", S(length=32), nullable=False),
        sa.Column("new_name", S(length=32), nullable=False),
        sa.Column("reason", S(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_duty_change_day"), "duty_change", ["day"], unique=False)
    op.create_table(
        "duty_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", S(length=8), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_name", S(length=32), nullable=False),
        sa.Column("night_id", sa.Integer(), nullable=True),
        sa.Column("night_name", S(length=32), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("leader_name", S(length=32), nullable=False),
        sa.Column("chief_id", sa.Integer(), nullable=True),
        sa.Column("chief_name", S(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["chief_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day"),
    )
    op.create_table(
        "duty_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_day", sa.Date(), nullable=False),
        sa.Column("handed_at", sa.DateTime(), nullable=False),
        sa.Column("outgoing_id", sa.Integer(), nullable=True),
        sa.Column("outgoing_name", S(length=32), nullable=False),
        sa.Column("incoming_id", sa.Integer(), nullable=True),
        sa.Column("incoming_name", S(length=32), nullable=False),
        sa.Column("note", S(), nullable=False),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incoming_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["outgoing_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_duty_handover_shift_day"), "duty_handover", ["shift_day"], unique=False)
    op.create_table(
        "duty_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", S(length=8), nullable=False),
        sa.Column("content", S(), nullable=False),
        sa.Column("action", S(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_name", S(length=32), nullable=False),
        sa.Column("leader_told", sa.Boolean(), nullable=False),
        sa.Column("told_at", sa.DateTime(), nullable=True),
        sa.Column("leader_name", S(length=32), nullable=False),
        sa.Column("refers_to_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["refers_to_id"],
            ["duty_log.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_duty_log_at"), "duty_log", ["at"], unique=False)
    op.create_index(op.f("ix_duty_log_shift_day"), "duty_log", ["shift_day"], unique=False)
    op.create_table(
        "duty_substitution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("away_id", sa.Integer(), nullable=True),
        sa.Column("away_name", S(length=32), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("by_name", S(length=32), nullable=False),
        sa.Column("reason", S(length=8), nullable=False),
        sa.Column("note", S(), nullable=False),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["away_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_duty_substitution_start_at"), "duty_substitution", ["start_at"], unique=False)
    op.create_table(
        "duty_confirm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("by_name", S(length=32), nullable=False),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["duty_handover.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handover_id"),
    )
    op.create_table(
        "duty_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("text", S(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["duty_handover.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_duty_item_handover_id"), "duty_item", ["handover_id"], unique=False)
    op.create_table(
        "duty_item_close",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("note", S(), nullable=False),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["duty_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )

    for table in REGISTERS:
        for event in ("UPDATE", "DELETE"):
            triggers.create(
                op,
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
            )


def downgrade() -> None:
    for table in REGISTERS:
        for event in ("update", "delete"):
            triggers.drop(op, f"{table}_no_{event}", table)
    op.drop_table("duty_item_close")
    op.drop_index(op.f("ix_duty_item_handover_id"), table_name="duty_item")
    op.drop_table("duty_item")
    op.drop_table("duty_confirm")
    op.drop_index(op.f("ix_duty_substitution_start_at"), table_name="duty_substitution")
    op.drop_table("duty_substitution")
    op.drop_index(op.f("ix_duty_log_shift_day"), table_name="duty_log")
    op.drop_index(op.f("ix_duty_log_at"), table_name="duty_log")
    op.drop_table("duty_log")
    op.drop_index(op.f("ix_duty_handover_shift_day"), table_name="duty_handover")
    op.drop_table("duty_handover")
    op.drop_table("duty_day")
    op.drop_index(op.f("ix_duty_change_day"), table_name="duty_change")
    op.drop_table("duty_change")
    op.drop_table("holiday_rota")
    op.drop_table("duty_void")
    op.drop_table("duty_month")
