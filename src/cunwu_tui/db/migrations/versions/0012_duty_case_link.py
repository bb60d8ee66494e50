"""A duty log entry (来访、来信) taken in as a case: the link, append-only.

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from cunwu_tui.db import triggers

revision = "0012"
down_revision = "0005"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString

APPEND_ONLY = "值班记录只能新增，不能修改或删除；有误请作废后重新登记。"


def upgrade() -> None:
    # case_id: no foreign key, as the case tables come in on another branch
    # of the migrations (the service checks the case exists).
    op.create_table(
        "duty_case_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_number", S(length=32), nullable=False),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["duty_log.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("log_id", name="uq_duty_case_link_log"),
    )
    op.create_index(op.f("ix_duty_case_link_case_id"), "duty_case_link", ["case_id"], unique=False)
    for event in ("UPDATE", "DELETE"):
        triggers.create(
            op,
            f"CREATE TRIGGER duty_case_link_no_{event.lower()} BEFORE {event} ON duty_case_link "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
        )


def downgrade() -> None:
    for event in ("update", "delete"):
        triggers.drop(op, f"duty_case_link_no_{event}", "duty_case_link")
    op.drop_index(op.f("ix_duty_case_link_case_id"), table_name="duty_case_link")
    op.drop_table("duty_case_link")
