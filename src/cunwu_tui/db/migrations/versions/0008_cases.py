"""Cases (受理登记) and their append-only events.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from cunwu_tui.db import triggers

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString

APPEND_ONLY = "办件记录只能追加，不能修改或删除"
# What was taken in: never changed after the intake.
INTAKE_COLUMNS = (
    "year",
    "seq",
    "number",
    "matter_code",
    "matter_name",
    "seed",
    "resident_id",
    "applicant_name",
    "channel",
    "first_officer_id",
    "first_officer_name",
    "kind",
    "petition",
    "documents",
    "note",
    "received_at",
    "limit_value",
    "limit_unit",
    "due_date",
    "due_provisional",
    "operator_id",
    "operator_name",
    "recorded_at",
)


def upgrade() -> None:
    op.create_table(
        "case_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", S(length=32), nullable=False),
        sa.Column("matter_code", S(length=64), nullable=False),
        sa.Column("matter_name", S(length=200), nullable=False),
        sa.Column("seed", S(length=64), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("applicant_name", S(length=32), nullable=False),
        sa.Column("channel", S(length=16), nullable=False),
        sa.Column("first_officer_id", sa.Integer(), nullable=True),
        sa.Column("first_officer_name", S(length=32), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("petition", sa.Boolean(), nullable=False),
        sa.Column("documents", S(), nullable=False),
        sa.Column("note", S(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("limit_value", sa.Integer(), nullable=True),
        sa.Column("limit_unit", S(length=8), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["first_officer_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("year", "seq", name="uq_case_number"),
    )
    for col in ("matter_code", "resident_id", "received_at", "status", "next_due"):
        op.create_index(f"ix_case_record_{col}", "case_record", [col])
    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=24), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("label", S(length=64), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("text", S(), nullable=False),
        sa.Column("data", S(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_event_case_id", "case_event", ["case_id"])
    op.create_index("ix_case_event_recorded_at", "case_event", ["recorded_at"])
    for event in ("UPDATE", "DELETE"):
        triggers.create(
            op,
            f"CREATE TRIGGER case_event_no_{event.lower()} BEFORE {event} ON case_event "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
        )
    triggers.create(
        op,
        f"CREATE TRIGGER case_record_keep_intake BEFORE UPDATE OF {', '.join(INTAKE_COLUMNS)} ON case_record "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    )
    triggers.create(
        op,
        f"CREATE TRIGGER case_record_no_delete BEFORE DELETE ON case_record "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    )


def downgrade() -> None:
    for trigger in ("case_event_no_update", "case_event_no_delete", "case_record_keep_intake", "case_record_no_delete"):
        triggers.drop(op, trigger, trigger.split("_no_")[0].removesuffix("_keep_intake"))
    op.drop_index("ix_case_event_recorded_at", table_name="case_event")
    op.drop_index("ix_case_event_case_id", table_name="case_event")
    op.drop_table("case_event")
    for col in ("matter_code", "resident_id", "received_at", "status", "next_due"):
        op.drop_index(f"ix_case_record_{col}", table_name="case_record")
    op.drop_table("case_record")
