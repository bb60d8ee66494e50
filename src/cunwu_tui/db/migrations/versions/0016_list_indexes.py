"""For the pages of F4, F5 and F7 (#18): indexes (an entry's correction is
found by the entry it corrects: seal_use.refers_to_id; the live notices by
their closing time, none yet; the closed ones newest first by their start)
case_status_count, the number of cases in each status, kept by the case
service with every change of a status (F4's totals), and seal_tally, the
seal register's totals (F5), both filled here; case_search_char, the
characters each case is found by (F4's search), filled by the app's own
function from every case.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_status_count",
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("status"),
    )
    op.execute("INSERT INTO case_status_count (status, n) SELECT status, COUNT(*) FROM case_record GROUP BY status")
    op.create_table(
        "seal_tally",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.execute(
        "INSERT INTO seal_tally (key, entries, copies) SELECT 'all', COUNT(*), COALESCE(SUM(CASE WHEN "
        "v.id IS NULL THEN u.copies ELSE 0 END), 0) FROM seal_use u LEFT JOIN seal_void v ON v.use_id = u.id"
    )
    op.create_table(
        "case_search_char",
        sa.Column("ch", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ch", "case_id"),
        sqlite_with_rowid=False,
    )
    from cunwu_tui.domain.inputs import search_chars

    conn = op.get_bind()
    last = 0
    while True:  # a thousand cases at a time: ten years never in memory at once
        rows = conn.execute(
            sa.text(
                "SELECT id, applicant_name, matter_name, matter_code, number FROM case_record "
                "WHERE id > :last ORDER BY id LIMIT 1000"
            ),
            {"last": last},
        ).all()
        if not rows:
            break
        conn.execute(
            sa.text("INSERT INTO case_search_char (ch, case_id) VALUES (:c, :i)"),
            [{"c": ch, "i": r[0]} for r in rows for ch in search_chars(*r[1:])],
        )
        last = rows[-1][0]
    op.create_index(op.f("ix_seal_use_refers_to_id"), "seal_use", ["refers_to_id"], unique=False)
    op.create_index(op.f("ix_notice_start_at"), "notice", ["start_at"], unique=False)
    op.create_index(op.f("ix_notice_closed_at"), "notice", ["closed_at"], unique=False)


def downgrade() -> None:
    op.drop_table("case_search_char")
    op.drop_table("seal_tally")
    op.drop_table("case_status_count")
    op.drop_index(op.f("ix_notice_closed_at"), table_name="notice")
    op.drop_index(op.f("ix_notice_start_at"), table_name="notice")
    op.drop_index(op.f("ix_seal_use_refers_to_id"), table_name="seal_use")
