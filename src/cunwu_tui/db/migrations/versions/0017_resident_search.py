"""resident_search_char: the characters each resident's name holds, so that
the applicant picker and the residents' list find part of a name (a given
name) without reading every resident (#18), and an index on 村民小组 (a
search is by either); filled here by the app's own
function from every resident, then kept by the resident service.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resident_search_char",
        sa.Column("ch", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ch", "resident_id"),
        sqlite_with_rowid=False,
    )
    from cunwu_tui.domain.inputs import search_chars

    conn = op.get_bind()
    last = 0
    while True:  # a thousand at a time
        rows = conn.execute(
            sa.text("SELECT id, name FROM resident WHERE id > :last ORDER BY id LIMIT 1000"), {"last": last}
        ).all()
        if not rows:
            break
        pairs = [{"c": ch, "i": r[0]} for r in rows for ch in search_chars(r[1])]
        if pairs:
            conn.execute(sa.text("INSERT INTO resident_search_char (ch, resident_id) VALUES (:c, :i)"), pairs)
        last = rows[-1][0]
    # a search is by part of a name OR a 村民小组: with both indexed, SQLite reads the two and not every resident
    op.create_index(op.f("ix_resident_group_name"), "resident", ["group_name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_resident_group_name"), table_name="resident")
    op.drop_table("resident_search_char")
