"""The evidence chain in the database: appending links in the write's own
transaction, chaining an older database's rows, and the triggers every
migrated database must have (declared once; a test checks this equals what
the migrations create).

Everything here is SQLAlchemy Core over one connection and reads values
as SQLite stores them (``text()`` selects, no type conversion), so the
digest is of what is on disk; on PostgreSQL the values are brought to the
same form (``stored``), so a row has one digest on both engines.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from cunwu_tui.db import triggers
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


# The same triggers on PostgreSQL (db/triggers.py): name -> (table, CREATE
# TRIGGER statement); the TRUNCATE triggers are added there.
EXPECTED_POSTGRES: dict[str, tuple[str, str]] = {
    name: (triggers.parse(sql).table, pg)
    for sql in EXPECTED_TRIGGERS.values()
    for name, pg in triggers.postgres_triggers(sql).items()
}


def trigger_problems(conn: Connection) -> list[tuple[str, str]]:
    """(name, 缺失 / 被改动) for every expected trigger not as created."""
    if conn.dialect.name == "postgresql":
        return _postgres_trigger_problems(conn)
    have = {n: s for n, s in conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))}
    out = []
    for name, sql in EXPECTED_TRIGGERS.items():
        if name not in have:
            out.append((name, "缺失"))
        elif _squash(have[name]) != _squash(sql):
            out.append((name, "被改动"))
    return out


def _postgres_trigger_problems(conn: Connection) -> list[tuple[str, str]]:
    """PostgreSQL: the triggers (a disabled one counts as altered) and the
    function they call."""
    have = {
        str(name): triggers.squash_definition(str(sql)) if enabled != "D" else ""
        for name, sql, enabled in conn.execute(
            text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t "
                "WHERE NOT t.tgisinternal AND pg_table_is_visible(t.tgrelid)"
            )
        )
    }
    out = []
    body = conn.execute(
        text("SELECT prosrc FROM pg_proc WHERE proname = :f AND pg_function_is_visible(oid)"),
        {"f": triggers.REFUSE_FUNCTION},
    ).scalar()
    if body is None:
        out.append((triggers.REFUSE_FUNCTION, "缺失"))
    elif _squash(str(body)) != _squash(triggers.REFUSE_BODY):
        out.append((triggers.REFUSE_FUNCTION, "被改动"))
    for name, (_table, sql) in EXPECTED_POSTGRES.items():
        if name not in have:
            out.append((name, "缺失"))
        elif have[name] != triggers.squash_definition(sql):
            out.append((name, "被改动"))
    return out


def restore_triggers(conn: Connection, names: Iterable[str]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(triggers.REFUSE_FUNCTION_SQL))
        for name in names:
            if name in EXPECTED_POSTGRES:
                table, sql = EXPECTED_POSTGRES[name]
                conn.execute(text(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"'))
                conn.execute(text(sql))
        return
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
        chunk = f"{sql} WHERE id IN ({', '.join(map(str, ids[i : i + 500]))})"
        if conn.dialect.name == "postgresql":
            out += [stored_row(r) for r in conn.execute(text(chunk))]
        else:  # straight from the driver: every write reads its rows back
            out += raw_rows(conn, chunk)
    return sorted(out)


def raw_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """A whole table's worth of rows, straight from the driver (the full
    check reads every row: SQLAlchemy's row objects would double its time).
    Same connection, same transaction. ``sql`` uses ``?`` placeholders."""
    if conn.dialect.name == "postgresql":
        return list(stream_rows(conn, sql, params))
    conn.execute(text("SELECT 1"))  # make sure the transaction has begun on this connection
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection
    rows: list[tuple[Any, ...]] = driver.execute(sql, tuple(params)).fetchall()
    return rows


_cursor_names = itertools.count(1)


def stream_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
    """Rows straight from the driver, a thousand at a time (same connection
    and transaction): ten years of a register are never all in memory at
    once. ``sql`` uses ``?`` placeholders; on PostgreSQL a server-side
    cursor, and values in the form SQLite stores them (``stored``)."""
    conn.execute(text("SELECT 1"))  # the transaction has begun on this connection
    driver: Any = conn.connection.driver_connection
    assert driver is not None  # an open connection
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        cur = driver.cursor(name=f"cunwu_stream_{next(_cursor_names)}")
        cur.execute(sql.replace("?", "%s"), tuple(params))
    else:
        cur = driver.execute(sql, tuple(params))
    try:
        while True:
            chunk = cur.fetchmany(1000)
            if not chunk:
                return
            if postgres:
                yield from (stored_row(r) for r in chunk)
            else:
                yield from chunk
    finally:
        cur.close()


def stored(value: Any) -> Any:
    """A value read from PostgreSQL in the form SQLite stores it, so that a
    row's digest is the same on both engines (a database copied from one to
    the other keeps its chains): booleans as 0/1, times as SQLAlchemy writes
    them to SQLite (microseconds always), dates ISO, NUMERIC as SQLite's
    NUMERIC affinity keeps a float (an integer when it is whole)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def stored_row(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(stored(v) for v in row)


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


def append_links(
    conn: Connection,
    changes: Iterable[tuple[str, int, str]],
    at: datetime,
    heads: dict[str, list[Any]] | None = None,
) -> int:
    """Append a link for each (table, row id, op) in the order given, after
    reading the row back; a 修改 whose covered columns did not change (or
    a row already linked as it is) adds nothing. Returns links added.

    ``heads``: register -> [seq, hash, at] of its last link, kept by the
    caller for one write transaction (which holds the write lock, so no
    other writer moves a head): the write's later flushes then need not
    read the heads again. Updated in place; a write that fails is rolled
    back whole and its session, with these heads, thrown away."""
    by_table: dict[str, dict[int, str]] = {}
    for table, row_id, op in changes:
        if table in ev.EVIDENCE and row_id is not None:
            ops = by_table.setdefault(table, {})
            ops.setdefault(int(row_id), op)
    if not by_table:
        return 0
    if heads is None:
        heads = {}
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
            else:  # a later flush of the same write: its time, never before the last link's
                heads[register][2] = _later(at, heads[register][2])
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
