"""Summaries kept on write and indexes for the lists (#18): a case's next
deadline (what and whether provisional), current step and missing documents
beside its status, so the F4 lists and the 工作台 read one row per case;
an index on the operation log's entity (the seal register's check and the
audit views filter on it) and one on the evidence links' time per register
(a month's heads on the ledgers: link times never go backwards within a
register, so the last link before a time is found by seeking).

The new columns start at ``summary_version`` 0: the app fills them in by
its own replay of each case's events when it opens the upgraded database
(features/cases/service.py ``resummarize_all``). They are not under the evidence
chain (domain/evidence.py lists case_record's covered columns).

Added with plain ADD COLUMN (no table copy: case_record's triggers stay).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.add_column("case_record", sa.Column("next_due_what", S(length=64), nullable=False, server_default=""))
    op.add_column("case_record", sa.Column("next_due_provisional", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column("case_record", sa.Column("current_step", sa.Integer(), nullable=True))
    op.add_column("case_record", sa.Column("missing_documents", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("case_record", sa.Column("summary_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_index(op.f("ix_audit_log_entity"), "audit_log", ["entity"], unique=False)
    op.create_index("ix_evidence_link_at", "evidence_link", ["register_name", "at", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_evidence_link_at", table_name="evidence_link")
    op.drop_index(op.f("ix_audit_log_entity"), table_name="audit_log")
    for name in ("summary_version", "missing_documents", "current_step", "next_due_provisional", "next_due_what"):
        op.execute(f"ALTER TABLE case_record DROP COLUMN {name}")
