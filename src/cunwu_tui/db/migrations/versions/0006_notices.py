"""Public notices (公示): notices, listed persons, objections and their handling.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("title", S(length=200), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("round", S(length=8), nullable=False),
        sa.Column("places", S(), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("unit", S(length=8), nullable=False),
        sa.Column("summary", S(), nullable=False),
        sa.Column("photo_path", S(), nullable=False),
        sa.Column("backdate_reason", S(), nullable=False),
        sa.Column("matter_code", S(length=32), nullable=False),
        sa.Column("case_ref", S(length=64), nullable=False),
        sa.Column("case_step", sa.Integer(), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("result", S(length=16), nullable=False),
        sa.Column("result_note", S(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdraw_reason", S(), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["previous_id"], ["notice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "seq", name="uq_notice_year_seq"),
    )
    op.create_table(
        "notice_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", S(length=32), nullable=False),
        sa.Column("group_name", S(length=32), nullable=False),
        sa.Column("id_number", S(length=18), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=True),
        sa.Column("note", S(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notice_person_notice_id", "notice_person", ["notice_id"])
    op.create_table(
        "notice_objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("from_name", S(length=32), nullable=False),
        sa.Column("content", S(), nullable=False),
        sa.Column("received_by", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notice_objection_notice_id", "notice_objection", ["notice_id"])
    op.create_table(
        "objection_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("handling", S(), nullable=False),
        sa.Column("result", S(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("operator_name", S(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["objection_id"], ["notice_objection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("objection_id"),
    )


def downgrade() -> None:
    op.drop_table("objection_outcome")
    op.drop_index("ix_notice_objection_notice_id", table_name="notice_objection")
    op.drop_table("notice_objection")
    op.drop_index("ix_notice_person_notice_id", table_name="notice_person")
    op.drop_table("notice_person")
    op.drop_table("notice")
