"""Moving a village's database between engines (issue #20, ``cunwu copy``):
an SQLite file onto a PostgreSQL server for a service hall, or back into a
file.

Both ends are brought to this version's schema first (the migrations). The
destination must be empty. Every table is copied in foreign-key order, rows
by primary key, in one transaction on the destination that is committed
only when the row counts of every table and the head of every evidence
chain (and the seal register's own chain) are the same on both sides. The
source is read in one snapshot. A server's id sequences are moved past the
copied ids. The evidence digests are of values in SQLite's stored form on
both engines (db/evidence.stored), so the chains continue unchanged; the
caller runs the full check on the destination afterwards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection, Engine

from cunwu_tui.db import evidence as db_evidence
from cunwu_tui.db.engine import write_intent
from cunwu_tui.domain import evidence as ev

log = logging.getLogger("cunwu.db")

BATCH = 2000

# Kept summaries, derived from the registers (the migrations seed some of
# them, the start-up worker recounts them): a destination may have them
# already; they are replaced by the source's.
SUMMARIES = frozenset({"case_status_count", "seal_tally", "seal_pending", "case_search_char", "resident_search_char"})


class TransferError(Exception):
    """The copy was refused or did not match; str() is Chinese. Nothing was
    written to the destination."""


@dataclass
class TransferResult:
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)  # register -> (links, last hash)
    seal_head: tuple[int, str] = (0, "")  # the seal register's own chain: (entries, last hash)


def tables() -> list[Table]:
    """Every table of the app, parents before children."""
    from sqlmodel import SQLModel

    from cunwu_tui.db import models  # noqa: F401  (registers the tables)

    return list(SQLModel.metadata.sorted_tables)


def counts(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in tables()}


def heads(conn: Connection) -> dict[str, tuple[int, str]]:
    out = {}
    for register in ev.registers():
        seq, hash_, _at = db_evidence.head(conn, register)
        out[register] = (seq, hash_)
    return out


def seal_head(conn: Connection) -> tuple[int, str]:
    """The seal register's own, older chain (uses and voids share it)."""
    best = (0, "")
    for table in ("seal_use", "seal_void"):
        row = conn.execute(text(f"SELECT chain_seq, hash FROM {table} ORDER BY chain_seq DESC LIMIT 1")).first()
        if row is not None and int(row[0]) > best[0]:
            best = (int(row[0]), str(row[1]))
    return best


def copy_database(source: Engine, target: Engine) -> TransferResult:
    """Copy every row of ``source`` into the empty ``target`` (both already
    migrated to the same revisions). Raises TransferError in Chinese."""
    from cunwu_tui.db.engine import current_revisions

    if current_revisions(source) != current_revisions(target):
        raise TransferError("两个数据库的版本不同，无法复制。")
    all_tables = tables()
    with source.connect() as src:
        if source.dialect.name == "postgresql":  # one snapshot of a server in use
            src = src.execution_options(isolation_level="REPEATABLE READ")
        src.execute(text("SELECT 1"))  # the read transaction (SQLite: one WAL snapshot) begins here
        token = write_intent.set(True)  # the destination's write: SQLite's BEGIN IMMEDIATE, the server's lock
        try:
            with target.connect() as dst:
                with dst.begin():
                    filled = {n: c for n, c in counts(dst).items() if c and n not in SUMMARIES}
                    if filled:
                        raise TransferError(
                            "目标数据库里已经有数据（"
                            + "、".join(f"{n} {c} 条" for n, c in sorted(filled.items())[:5])
                            + "），为防止混在一起，未作任何改动。请换一个新建的空数据库。"
                        )
                    for table in all_tables:
                        _copy_table(src, dst, table)
                    if dst.dialect.name == "postgresql":
                        _advance_sequences(dst, all_tables)
                    result = TransferResult(counts(src), heads(src), seal_head(src))
                    copied = TransferResult(counts(dst), heads(dst), seal_head(dst))
                    _compare(result, copied)
        finally:
            write_intent.reset(token)
    return result


def _copy_table(src: Connection, dst: Connection, table: Table) -> None:
    if table.name in SUMMARIES:
        dst.execute(table.delete())
    order = list(table.primary_key.columns) or list(table.columns)
    rows = src.execute(select(table).order_by(*order)).mappings()
    while True:
        batch = rows.fetchmany(BATCH)
        if not batch:
            return
        dst.execute(table.insert(), [dict(r) for r in batch])


def _advance_sequences(dst: Connection, all_tables: list[Table]) -> None:
    """Ids were copied as they are: the server's next id follows the copied ones."""
    for table in all_tables:
        for column in table.primary_key.columns:
            seq = dst.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if seq:
                top = dst.execute(select(func.max(column))).scalar()
                if top is not None:
                    dst.execute(text("SELECT setval(CAST(:s AS regclass), :v)"), {"s": seq, "v": int(top)})


def _compare(expected: TransferResult, got: TransferResult) -> None:
    bad: list[str] = []
    for name, n in expected.counts.items():
        if got.counts.get(name) != n:
            bad.append(f"{name}：原有 {n} 条，复制后 {got.counts.get(name)} 条")
    for register, head in expected.heads.items():
        if got.heads.get(register) != head:
            bad.append(f"{register}的校验链末端不一致")
    if got.seal_head != expected.seal_head:
        bad.append("用印登记的校验链末端不一致")
    if bad:
        log.error("copy mismatch: %s", bad)
        raise TransferError("复制后核对不一致，已全部撤销，目标数据库未作改动：" + "；".join(bad[:5]) + "。")


def describe(result: TransferResult) -> list[str]:
    """Lines for the CLI: the registers' counts and chain heads."""
    out = [f"共 {sum(result.counts.values())} 条记录，{sum(1 for c in result.counts.values() if c)} 张表有数据。"]
    for register, (seq, hash_) in result.heads.items():
        out.append(f"{register}：{seq} 个校验记录，末端 {ev.short_digest(hash_)}")
    if result.seal_head[0]:
        out.append(f"用印登记自身的校验链：{result.seal_head[0]} 条，末端 {ev.short_digest(result.seal_head[1])}")
    return out
