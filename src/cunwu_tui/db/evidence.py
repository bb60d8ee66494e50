"""The evidence chain in the database: appending links in the write's own
transaction, chaining an older database's rows, and the triggers every
migrated database must have (declared once; a test checks this equals what
the migrations create).

Everything here is SQLAlchemy Core over one connection and reads values
as SQLite stores them (``text()`` selects, no type conversion), so the
digest is of what is on disk.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from cunwu_tui.domain import evidence as ev

# -- triggers ---------------------------------------------------------------

_SEAL = "用印登记只能新增，不能修改或删除；登记有误请作废后重新登记。"
_DUTY = "值班记录只能新增，不能修改或删除；有误请作废后重新登记。"
_CASE = "办件记录只能追加，不能修改或删除"
_MERGE = "居民合并记录只能追加，不能修改或删除"
# 0014 (evidence)
_NOTICE = "公示名单、异议及其处理记录只能新增，不能修改或删除。"
_AUDIT = "操作日志只能新增，不能修改或删除。"
_LINK = "校验记录只能新增，不能修改或删除。"
# 0013 (identity)
_APPROVAL = "审批记录只能新增，不能修改或删除。"

_CASE_INTAKE = (
    "year, seq, number, matter_code, matter_name, seed, resident_id, applicant_name, channel, "
    "first_officer_id, first_officer_name, kind, petition, documents, note, received_at, limit_value, "
    "limit_unit, due_date, due_provisional, operator_id, operator_name, recorded_at"
)


def _refuse(table: str, event: str, message: str) -> tuple[str, str]:
    name = f"{table}_no_{event.lower()}"
    return name, f"CREATE TRIGGER {name} BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END"


def _append_only(tables: Iterable[str], message: str) -> list[tuple[str, str]]:
    return [_refuse(t, e, message) for t in tables for e in ("UPDATE", "DELETE")]


# Every trigger the migrations create: name -> SQL as SQLite keeps it.
EXPECTED_TRIGGERS: dict[str, str] = dict(
    [
        *_append_only(("seal_use", "seal_void"), _SEAL),
        *_append_only(
            (
                "duty_change",
                "duty_log",
                "duty_substitution",
                "duty_handover",
                "duty_item",
                "duty_item_close",
                "duty_confirm",
                "duty_void",
                "duty_case_link",
            ),
            _DUTY,
        ),
        *_append_only(("case_event",), _CASE),
        (
            "case_record_keep_intake",
            f"CREATE TRIGGER case_record_keep_intake BEFORE UPDATE OF {_CASE_INTAKE} "
            f"ON case_record BEGIN SELECT RAISE(ABORT, '{_CASE}'); END",
        ),
        _refuse("case_record", "DELETE", _CASE),
        *_append_only(("resident_merge",), _MERGE),
        *_append_only(("notice_person", "notice_objection", "objection_outcome"), _NOTICE),
        *_append_only(("audit_log",), _AUDIT),
        *_append_only(("evidence_link",), _LINK),
        *_append_only(("approval",), _APPROVAL),
    ]
)

# The triggers migration 0014 (evidence) adds (it keeps its own copy of the SQL).
NEW_IN_0014 = tuple(
    n
    for n in EXPECTED_TRIGGERS
    if n.split("_no_")[0] in ("notice_person", "notice_objection", "objection_outcome", "audit_log", "evidence_link")
)


def _squash(sql: str | None) -> str:
    return " ".join((sql or "").split())


def trigger_problems(conn: Connection) -> list[tuple[str, str]]:
    """(name, 缺失 / 被改动) for every expected trigger not as created."""
    have = {n: s for n, s in conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))}
    out = []
    for name, sql in EXPECTED_TRIGGERS.items():
        if name not in have:
            out.append((name, "缺失"))
        elif _squash(have[name]) != _squash(sql):
            out.append((name, "被改动"))
    return out


def restore_triggers(conn: Connection, names: Iterable[str]) -> None:
    for name in names:
        conn.execute(text(f'DROP TRIGGER IF EXISTS "{name}"'))
        conn.execute(text(EXPECTED_TRIGGERS[name]))


# -- links --------------------------------------------------------------------

LINK_COLUMNS = "register_name, seq, table_name, row_id, op, at, row_digest, tags, prev_hash, hash"


def read_rows(
    conn: Connection, table: str, ids: Sequence[int] | None = None, after_id: int | None = None
) -> list[tuple[Any, ...]]:
    """(id, covered values...) as stored; all rows, the rows ``ids``, or
    the rows after ``after_id``, by id."""
    cols = ", ".join(f'"{c}"' for c in ev.EVIDENCE[table].columns)
    sql = f'SELECT id, {cols} FROM "{table}"'
    out: list[tuple[Any, ...]] = []
    if ids is None:
        where = f" WHERE id > {int(after_id)}" if after_id is not None else ""
        return raw_rows(conn, sql + where + " ORDER BY id")
    ids = sorted(set(int(i) for i in ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        out += [tuple(r) for r in conn.execute(text(f"{sql} WHERE id IN ({', '.join(map(str, chunk))})"))]
    return sorted(out)


def raw_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """A whole table's worth of rows, straight from the driver (the full
    check reads every row: SQLAlchemy's row objects would double its time).
    Same connection, same transaction."""
    conn.execute(text("SELECT 1"))  # make sure the transaction has begun on this connection
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection
    rows: list[tuple[Any, ...]] = driver.execute(sql, tuple(params)).fetchall()
    return rows


def head(conn: Connection, register: str) -> tuple[int, str, Any]:
    """(seq, hash, at) of the register's last link; (0, GENESIS, None)."""
    row = conn.execute(
        text("SELECT seq, hash, at FROM evidence_link WHERE register_name = :r ORDER BY seq DESC LIMIT 1"),
        {"r": register},
    ).first()
    return (0, ev.GENESIS, None) if row is None else (int(row[0]), str(row[1]), row[2])


def latest_digests(conn: Connection, table: str, ids: Sequence[int]) -> dict[int, str]:
    """row id -> digest of its latest link (for the given rows)."""
    out: dict[int, tuple[int, str]] = {}
    ids = sorted(set(int(i) for i in ids))
    for i in range(0, len(ids), 500):
        chunk = ", ".join(map(str, ids[i : i + 500]))
        for row_id, seq, digest in conn.execute(
            text(f"SELECT row_id, seq, row_digest FROM evidence_link WHERE table_name = :t AND row_id IN ({chunk})"),
            {"t": table},
        ):
            if row_id not in out or seq > out[row_id][0]:
                out[row_id] = (seq, digest)
    return {k: v[1] for k, v in out.items()}


def append_links(conn: Connection, changes: Iterable[tuple[str, int, str]], at: datetime) -> int:
    """Append a link for each (table, row id, op) in the order given, after
    reading the row back; a 修改 whose covered columns did not change (or
    a row already linked as it is) adds nothing. Returns links added."""
    by_table: dict[str, dict[int, str]] = {}
    for table, row_id, op in changes:
        if table in ev.EVIDENCE and row_id is not None:
            ops = by_table.setdefault(table, {})
            ops.setdefault(int(row_id), op)
    if not by_table:
        return 0
    heads: dict[str, list[Any]] = {}
    pending: list[dict[str, Any]] = []
    for table, ops in by_table.items():
        spec = ev.EVIDENCE[table]
        rows = read_rows(conn, table, list(ops))
        changed = [i for i, op in ops.items() if op != ev.ADDED]  # a row the flush inserted has no link yet
        known = latest_digests(conn, table, changed) if changed else {}
        for row in rows:
            row_id = int(row[0])
            digest, tags = ev.row_digest(spec.columns, row[1:])
            if known.get(row_id) == digest:
                continue
            op = ev.CHANGED if row_id in known else ev.ADDED
            register = spec.register
            if register not in heads:
                seq, hash_, last_at = head(conn, register)
                heads[register] = [seq, hash_, _later(at, last_at)]
            h = heads[register]
            h[0] += 1
            link = ev.link_hash(h[1], register, h[0], table, row_id, op, h[2], digest, tags)
            pending.append(
                {
                    "r": register,
                    "s": h[0],
                    "t": table,
                    "i": row_id,
                    "o": op,
                    "a": ev.at_text(h[2]),
                    "d": digest,
                    "g": tags,
                    "p": h[1],
                    "h": link,
                }
            )
            h[1] = link
    if pending:
        conn.execute(
            text(f"INSERT INTO evidence_link ({LINK_COLUMNS}) VALUES (:r, :s, :t, :i, :o, :a, :d, :g, :p, :h)"), pending
        )
    return len(pending)


def _later(at: datetime, last_at: Any) -> datetime:
    """Link times never go backwards within a register (a month's head,
    once the month is over, stays the same)."""
    at = at.replace(microsecond=0)
    if last_at is None:
        return at
    last = last_at if isinstance(last_at, datetime) else datetime.fromisoformat(str(last_at)[:19])
    return max(at, last)


def chain_existing(conn: Connection, tables: Sequence[str], at: datetime) -> int:
    """Link every row of ``tables`` not linked yet (an older database at the
    upgrade: vouched for as found), in table order then id order."""
    added = 0
    for table in tables:
        linked = {
            int(r[0])
            for r in conn.execute(text("SELECT DISTINCT row_id FROM evidence_link WHERE table_name = :t"), {"t": table})
        }
        ids = [
            int(r[0]) for r in conn.execute(text(f'SELECT id FROM "{table}" ORDER BY id')) if int(r[0]) not in linked
        ]
        for i in range(0, len(ids), 5000):
            added += append_links(conn, [(table, x, ev.ADDED) for x in ids[i : i + 5000]], at)
    return added
