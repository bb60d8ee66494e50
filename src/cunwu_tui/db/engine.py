"""The engine: SQLite in WAL mode with synchronous=FULL, foreign keys on and a
busy timeout, so that two instances on one PC can both work; migrations
applied at open, with a copy of the old file set aside first."""

from __future__ import annotations

import contextvars
import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from cunwu_tui.paths import sqlite_file

log = logging.getLogger("cunwu.db")

BUSY_TIMEOUT_MS = 15000

# Set while a write unit of work begins: its transaction starts with
# BEGIN IMMEDIATE, so a second instance waits (busy timeout) instead of failing
# halfway through on a lock upgrade.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """A database that cannot be opened or upgraded; str() is Chinese."""


def make_engine(url: str) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建数据文件夹：{path.parent}（{exc.strerror or exc}）") from exc
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own
        # transaction handling is bypassed), see the SQLAlchemy SQLite docs.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revisions() -> frozenset[str]:
    """The newest revisions. Features may add migrations side by side (one
    branch each off a common revision); all heads are applied."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


def current_revisions(engine: Engine) -> frozenset[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def backup_sqlite(path: Path, suffix: str | None = None) -> Path:
    """A consistent copy of an SQLite file (WAL included) next to it."""
    stamp = suffix or datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{stamp}.bak{path.suffix}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.stem}.{stamp}-{n}.bak{path.suffix}")
        n += 1
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def engine_file(engine: Engine) -> Path | None:
    """The SQLite file behind ``engine`` (None for memory or a server).

    From ``url.database``, never from ``str(engine.url)``: SQLAlchemy renders
    a path such as D:\\村务\\cunwu.db percent-encoded there, and a copy made
    from that name would silently not be made."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def upgrade(engine: Engine, revision: str = "heads") -> Path | None:
    """Bring the schema to ``revision`` (default: every head). An existing
    file that needs a migration is first copied aside; returns that copy's
    path, if any."""
    from alembic import command

    path = engine_file(engine)
    current = current_revisions(engine)
    target = head_revisions() if revision in ("head", "heads") else frozenset({revision})
    if current == target:
        return None
    backup = None
    if path is not None and path.exists() and path.stat().st_size > 0 and current:
        backup = backup_sqlite(path)
        log.info("database %s copied to %s before migrating %s -> %s", path, backup, sorted(current), sorted(target))
    elif path is not None and not current and _has_tables(engine):
        raise DatabaseError(f"{path} 不是村务通的数据库（没有版本信息），为防止破坏数据，未作任何改动。")
    command.upgrade(_alembic_config(engine), "heads" if revision in ("head", "heads") else revision)
    return backup


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())
