"""case_search_char also holds the ASCII digits of a case's applicant,
matter and matter code (features.cases.rules.index_chars), so that F4's
search made of digits (a case number's, an ID number's end) finds the
cases through indexes instead of reading every case (#18). Added here for
the cases already indexed; a case not indexed yet is indexed whole at the
next start (CaseService._recount, from the highest case indexed), as
before. No schema change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

DIGITS = tuple("0123456789")


def _digits(*texts: str) -> set[str]:
    """The ASCII digits of the texts as a search compares them (NFKC: full-width
    and circled digits count), frozen here as features.cases.rules.index_chars
    takes them in this release."""
    return {ch for t in texts for ch in unicodedata.normalize("NFKC", t or "") if ch in DIGITS}


def upgrade() -> None:
    conn = op.get_bind()
    top = conn.execute(sa.text("SELECT MAX(case_id) FROM case_search_char")).scalar() or 0
    last = 0
    while last < top:  # a thousand at a time
        rows = conn.execute(
            sa.text(
                "SELECT id, applicant_name, matter_name, matter_code FROM case_record "
                "WHERE id > :last AND id <= :top ORDER BY id LIMIT 1000"
            ),
            {"last": last, "top": top},
        ).all()
        if not rows:
            break
        pairs = [{"c": ch, "i": r[0]} for r in rows for ch in sorted(_digits(r[1], r[2], r[3]))]
        if pairs:
            conn.execute(
                sa.text("INSERT INTO case_search_char (ch, case_id) VALUES (:c, :i) ON CONFLICT DO NOTHING"), pairs
            )
        last = rows[-1][0]


def downgrade() -> None:
    # before 0019 the index held no ASCII digit at all
    conn = op.get_bind()
    conn.execute(
        sa.text("DELETE FROM case_search_char WHERE ch IN :d").bindparams(sa.bindparam("d", expanding=True)),
        {"d": list(DIGITS)},
    )
