"""``cunwu copy``: a village's database moved onto a PostgreSQL server (or
back into a file), checked (db/transfer.py: counts and chain heads inside
the copy's transaction; then the full evidence check of the destination as
the app runs it)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cunwu_tui.db.transfer import TransferError, TransferResult, copy_database
from cunwu_tui.paths import is_postgres_url, sqlite_file

log = logging.getLogger("cunwu.services")

__all__ = ["CopyResult", "TransferError", "check_source", "copy_between"]


@dataclass(frozen=True)
class CopyResult:
    transfer: TransferResult
    check_lines: tuple[str, ...]  # the destination's full check, as `cunwu verify` words it
    ok: bool
    warnings: tuple[str, ...] = ()  # the destination's, as at its every start (a server not ordering like C)


def check_source(url: str) -> None:
    """A server database to copy from must be a village's already (opening
    an empty one would set it up); TransferError otherwise."""
    from cunwu_tui.db.engine import make_engine, stored_revisions

    if not is_postgres_url(url):
        return
    engine = make_engine(url)
    try:
        from cunwu_tui.db.engine import check_server

        check_server(engine)
        if stored_revisions(engine) is None:
            raise TransferError("源数据库是空的（还不是村务通的数据库），没有可复制的内容。")
    finally:
        engine.dispose()


def copy_between(source_url: str, target_url: str) -> CopyResult:
    """Copy the database at ``source_url`` into the empty one at
    ``target_url`` (created and migrated if need be). An SQLite source is
    held with the exclusive instance lock for the copy: no window may be
    writing to it (what it wrote after the copy would be left behind).
    Raises TransferError (or DatabaseError) in Chinese."""
    from cunwu_tui.db.engine import DatabaseError, make_engine, upgrade
    from cunwu_tui.db.lock import DatabaseInUse, hold_exclusive

    if source_url == target_url:
        raise TransferError("源数据库和目标数据库是同一个。")
    src_file = sqlite_file(source_url)
    if src_file is None and not is_postgres_url(source_url):
        raise TransferError("只能从数据库文件或 PostgreSQL 服务器复制。")
    if src_file is not None and not src_file.exists():
        raise TransferError(f"找不到数据库文件：{src_file}")
    dst_file = sqlite_file(target_url)
    if dst_file is None and not is_postgres_url(target_url):
        raise TransferError("只能复制到数据库文件或 PostgreSQL 服务器。")
    lock = None
    try:
        if src_file is not None:
            lock = hold_exclusive(src_file)
    except DatabaseInUse as exc:
        raise TransferError(f"{exc}（复制时不能有窗口在写这个数据库，否则之后登记的内容不会被带走）") from exc
    try:
        source = make_engine(source_url)
        target = make_engine(target_url)
        try:
            upgrade(source)
            upgrade(target)
            result = copy_database(source, target)
        finally:
            source.dispose()
            target.dispose()
    except DatabaseError as exc:
        raise TransferError(str(exc)) from exc
    finally:
        if lock is not None:
            lock.release()
    log.info("database copied: %d rows", sum(result.counts.values()))
    from cunwu_tui.services import open_services

    services = open_services(target_url)
    try:
        report = services.evidence.verify(full=True, restore=False)
        seal = services.seal_register.verify()
        warnings = tuple(services.info.warnings)
    finally:
        services.close()
    lines = (seal.message, *report.lines())
    return CopyResult(result, tuple(lines), report.ok and seal.ok, warnings)
