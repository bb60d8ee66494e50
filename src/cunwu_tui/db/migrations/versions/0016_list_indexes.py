"""Indexes for the pages of F5 and F7 (#18): an entry's correction is found
by the entry it corrects (seal_use.refers_to_id: F5 asks for the page's
entries), the live notices by their closing time (none yet) and the closed
ones newest first by their start.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_seal_use_refers_to_id"), "seal_use", ["refers_to_id"], unique=False)
    op.create_index(op.f("ix_notice_start_at"), "notice", ["start_at"], unique=False)
    op.create_index(op.f("ix_notice_closed_at"), "notice", ["closed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notice_closed_at"), table_name="notice")
    op.drop_index(op.f("ix_notice_start_at"), table_name="notice")
    op.drop_index(op.f("ix_seal_use_refers_to_id"), table_name="seal_use")
