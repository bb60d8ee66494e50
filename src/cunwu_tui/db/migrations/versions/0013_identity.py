"""Identity and approvals: personal PINs (hashed), the administrator flag,
wrong-try counters, and approvals given in person (append-only).

Revision ID: 0013
Revises: 0004, 0006, 0011, 0012
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from cunwu_tui.db import triggers

revision = "0013"
down_revision = ("0004", "0006", "0011", "0012")
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString

APPEND_ONLY = "审批记录只能新增，不能修改或删除。"


def upgrade() -> None:
    # plain ADD COLUMN (no table copy: seal_use keeps its triggers)
    op.add_column("staff", sa.Column("admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("seal_use", sa.Column("needs_approval", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "staff_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("pin_hash", S(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_name", S(length=32), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["set_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", name="uq_staff_credential_staff"),
    )
    op.create_table(
        "pin_state",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    op.create_table(
        "approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("subject_table", S(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=False),
        sa.Column("approver_name", S(length=32), nullable=False),
        sa.Column("agree", sa.Boolean(), nullable=False),
        sa.Column("text", S(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["approver_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["operator_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_approval_subject_id"), "approval", ["subject_id"], unique=False)
    for event in ("UPDATE", "DELETE"):
        triggers.create(
            op,
            f"CREATE TRIGGER approval_no_{event.lower()} BEFORE {event} ON approval "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
        )


def downgrade() -> None:
    for event in ("update", "delete"):
        triggers.drop(op, f"approval_no_{event}", "approval")
    op.drop_index(op.f("ix_approval_subject_id"), table_name="approval")
    op.drop_table("approval")
    op.drop_table("pin_state")
    op.drop_table("staff_credential")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("admin")
    with op.batch_alter_table("seal_use") as batch:
        batch.drop_column("needs_approval")
