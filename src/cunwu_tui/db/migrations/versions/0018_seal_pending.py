"""seal_pending: the seal register's entries waiting for their approver
(待审批), kept by the service with each entry, approval and void, so that
the 工作台 finds them without reading the whole register and every
approval (#18); filled here from the register. The index on refers_to_id
holds only the corrections (partial), so that the statistics see it as
selective.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The entries saved without the approver's PIN, neither approved nor voided
# (services/seal_register._pending_ids says the same).
PENDING = (
    "SELECT u.id FROM seal_use u WHERE u.needs_approval "
    "AND NOT EXISTS (SELECT 1 FROM seal_void v WHERE v.use_id = u.id) "
    "AND NOT EXISTS (SELECT 1 FROM approval a WHERE a.subject_table = 'seal_use' "
    "AND a.kind = '用印审批' AND a.subject_id = u.id)"
)


def upgrade() -> None:
    op.create_table(
        "seal_pending",
        sa.Column("use_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("use_id"),
    )
    op.execute("INSERT INTO seal_pending (use_id) " + PENDING)
    # only the corrections in the index on refers_to_id (see db/models.SealUse)
    op.drop_index("ix_seal_use_refers_to_id", table_name="seal_use")
    op.create_index(
        "ix_seal_use_refers_to_id",
        "seal_use",
        ["refers_to_id"],
        unique=False,
        sqlite_where=sa.text("refers_to_id IS NOT NULL"),
        postgresql_where=sa.text("refers_to_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_seal_use_refers_to_id", table_name="seal_use")
    op.create_index("ix_seal_use_refers_to_id", "seal_use", ["refers_to_id"], unique=False)
    op.drop_table("seal_pending")
