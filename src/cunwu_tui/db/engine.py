"""The engine: SQLite in WAL mode with synchronous=FULL, foreign keys on and a
busy timeout, so that two instances on one PC can both work; or a PostgreSQL
server (``postgresql+psycopg://...``, issue #20) for several PCs on one
database. Migrations applied at open, with a copy of an old SQLite file set
aside first."""

from __future__ import annotations

import contextvars
import errno
import logging
import os
import secrets
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config  # imported when a migration runs, not at every start

from cunwu_tui.paths import PRIVATE_FILE, backup_dir_for, is_postgres_url, make_private, private_mkdir, sqlite_file

log = logging.getLogger("cunwu.db")

BUSY_TIMEOUT_MS = 15000
CACHE_KIB = -1024  # PRAGMA cache_size: negative = KiB

# Set while a write unit of work begins: its transaction starts with
# BEGIN IMMEDIATE, so a second instance waits (busy timeout) instead of failing
# halfway through on a lock upgrade. On PostgreSQL the same guarantee (one
# writer at a time: numbers allocated and chain heads read inside the write
# never collide, a gate checked inside the write still holds at its commit)
# comes from a transaction-level advisory lock taken first thing
# (WRITE_LOCK_KEY), waited for at most as long as SQLite's busy timeout.
# Readers never wait for it.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)

# pg_advisory_xact_lock's key for "the write" (any constant; this one is
# "cunwu" in ASCII). Released by the commit or rollback.
WRITE_LOCK_KEY = 0x63756E7775

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """A database that cannot be opened or upgraded; str() is Chinese."""


def make_engine(url: str) -> Engine:
    if is_postgres_url(url):
        return _postgres_engine(url)
    path = sqlite_file(url)
    if path is not None:
        try:
            private_mkdir(path.parent)
            if not path.exists():  # created owner-only; SQLite gives -wal/-shm the same mode
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE))
        except OSError as exc:
            raise DatabaseError(f"无法创建数据文件夹：{path.parent}（{exc.strerror or exc}）") from exc
        secure_database_files(path)
    # hide_parameters: an error message (and so the log) never carries the
    # values of a statement: residents' ID numbers and phones.
    engine = create_engine(
        url, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - exercised by every test
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own
        # transaction handling is bypassed), see the SQLAlchemy SQLite docs.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Each pooled connection keeps its own page cache (2 MiB by default);
        # the app's reads go through indexes (a few pages) and the checks stream
        # whole tables once, which the operating system caches anyway: 1 MiB
        # each is as fast (benchmarks/README.md, sixth round) and leaves old
        # PCs the memory.
        cur.execute(f"PRAGMA cache_size={CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def _postgres_engine(url: str) -> Engine:
    if url.split(":", 1)[0].lower() in ("postgresql", "postgres"):
        url = "postgresql+psycopg:" + url.split(":", 1)[1]  # psycopg 3, the driver of the [postgres] extra
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise DatabaseError(
            '使用 PostgreSQL 数据库需要先安装 psycopg：pip install "cunwu-tui[postgres]"（或 pip install "psycopg[binary]"）。'
        ) from exc
    try:
        engine = create_engine(
            url,
            hide_parameters=True,
            pool_pre_ping=True,  # a server restarted overnight: the next write reconnects
            connect_args={"connect_timeout": 10, "application_name": "cunwu"},
        )
    except Exception as exc:  # a malformed URL: never echo it (it may carry a password)
        raise DatabaseError("数据库地址格式不对，应为 postgresql+psycopg://用户名@服务器/数据库名。") from exc
    _configure_postgres(engine)
    return engine


def _configure_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if write_intent.get():
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


# The newest revisions of this version, written down so that a database
# already at them opens without importing Alembic (about 10 MiB and 0.1 s at
# every start); tests/test_db.py checks it against the migration scripts.
HEADS = frozenset({"0019"})


def stored_revisions(engine: Engine) -> frozenset[str] | None:
    """The revisions recorded in the database, read with plain SQL; None
    when there is no version table (a new file, or not ours)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return frozenset(str(r[0]) for r in conn.execute(text("SELECT version_num FROM alembic_version")))


def head_revisions() -> frozenset[str]:
    """The newest revisions. Features may add migrations side by side (one
    branch each off a common revision); all heads are applied."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


def known_revisions() -> frozenset[str]:
    """Every revision this version of the app knows (a backup at any of them
    can be upgraded)."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    return frozenset(r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions())


def current_revisions(engine: Engine) -> frozenset[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def snapshot(src: Path, target: Path, *, read_only: bool = False) -> None:
    """Write a consistent, checked copy of the SQLite database ``src`` to
    ``target``, atomically: SQLite's online backup API (other connections may
    keep writing: in WAL mode the copy is the state of one moment) into a
    hidden temporary file beside ``target``, switched to a self-contained
    rollback journal, ``PRAGMA integrity_check``, fsync, then renamed into
    place. On any error nothing is left at ``target`` or in its folder; the
    error is raised as it came (OSError or sqlite3.Error), or
    SnapshotCheckFailed when the copy does not pass the check.
    ``read_only``: ``src`` is a closed file, perhaps on read-only media (a
    backup being restored): it is read without any lock or write."""
    folder = target.parent
    tmp = None
    for _ in range(100):
        candidate = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
        except FileExistsError:
            continue
        os.close(fd)
        tmp = candidate
        break
    if tmp is None:
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))
    try:
        mode = "?mode=ro&immutable=1" if read_only else "?mode=rw"
        source = sqlite3.connect(Path(src).resolve().as_uri() + mode, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dest = sqlite3.connect(str(tmp))
            try:
                source.backup(dest)  # one step: a single consistent read
                dest.execute("PRAGMA journal_mode=DELETE")
                result = [r[0] for r in dest.execute("PRAGMA integrity_check").fetchall()]
            finally:
                dest.close()
        finally:
            source.close()
        if result != ["ok"]:
            raise SnapshotCheckFailed("; ".join(map(str, result[:5])))
        make_private(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        tmp = None
        _fsync_dir(folder)
    finally:
        if tmp is not None:
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                try:
                    os.remove(leftover)
                except OSError:
                    pass


class SnapshotCheckFailed(Exception):
    """The copy did not pass ``PRAGMA integrity_check``."""


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows cannot open a folder)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_sqlite(path: Path, suffix: str | None = None, kind: str = "升级前") -> Path:
    """A consistent copy of an SQLite file (WAL included) in its managed
    backup folder (``cunwu_备份`` beside ``cunwu.db``), e.g.
    ``cunwu_升级前_20261122-093000.db``."""
    stamp = suffix or datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder = private_mkdir(backup_dir_for(path))
    except OSError as exc:
        raise DatabaseError(f"无法创建备份文件夹：{backup_dir_for(path)}（{exc.strerror or exc}）") from exc
    target = folder / f"{path.stem}_{kind}_{stamp}{path.suffix}"
    n = 2
    while target.exists():
        target = folder / f"{path.stem}_{kind}_{stamp}-{n}{path.suffix}"
        n += 1
    snapshot(path, target)
    return target


def secure_database_files(path: Path | None) -> None:
    """Owner-only for the database and its -wal/-shm (POSIX): also tightens
    the files of an older installation created 0644."""
    if path is None:
        return
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            make_private(p)


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
    path, if any. A PostgreSQL server is checked first (check_server)."""
    if engine.dialect.name == "postgresql":
        check_server(engine)
    if revision in ("head", "heads") and stored_revisions(engine) == HEADS:
        return None  # the usual start: nothing to migrate, Alembic not imported
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
    elif engine.dialect.name == "postgresql" and not current and _has_tables(engine):
        raise DatabaseError("这个 PostgreSQL 数据库里已有别的表，不是村务通的数据库；为防止破坏数据，未作任何改动。")
    elif engine.dialect.name == "postgresql" and current:
        # No file to copy aside: the server's backups are pg_dump's (README).
        # The upgrade is one transaction there (DDL included): it applies
        # whole or not at all.
        log.info(
            "PostgreSQL database migrating %s -> %s (no copy: back it up with pg_dump)", sorted(current), sorted(target)
        )
    command.upgrade(_alembic_config(engine), "heads" if revision in ("head", "heads") else revision)
    return backup


# EXECUTE FUNCTION in CREATE TRIGGER (11), the oldest release still in
# Debian/信创 distributions we know of that is supported upstream (13).
POSTGRES_MIN_VERSION = 130000


def check_server(engine: Engine) -> None:
    """The start-up check of a PostgreSQL server: reachable, recent enough,
    storing text as UTF-8. Raises DatabaseError in Chinese; the URL (and any
    password in it) never appears in the message or the log."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            version = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
            encoding = str(conn.exec_driver_sql("SHOW server_encoding").scalar_one())
    except DBAPIError as exc:
        log.warning("PostgreSQL server not usable: %s", type(exc.orig).__name__)
        reason = _connect_reason(exc)
        raise DatabaseError(f"无法连接数据库服务器{engine.url.host or ''}：{reason}") from exc
    if version < POSTGRES_MIN_VERSION:
        raise DatabaseError(
            f"数据库服务器的 PostgreSQL 版本太旧（{version // 10000}），村务通需要 {POSTGRES_MIN_VERSION // 10000} 或更新的版本。"
        )
    if encoding.upper() not in ("UTF8", "UTF-8"):
        raise DatabaseError(
            f"数据库的字符编码是 {encoding}，存不下全部汉字；请用 UTF8 编码新建数据库（createdb -E UTF8 -T template0 …）。"
        )


# What the database's default collation changes for this app (README asks
# for ``createdb --lc-collate=C``), found by reading every ORDER BY and text
# comparison of the services:
# - ORDER BY of text: only the residents' register and the applicant picker
#   (features/residents/service.py: ORDER BY resident.name). With C, names
#   come in code point order, as on SQLite (BINARY) on a single PC; with a
#   linguistic collation (zh_CN.UTF-8, ICU zh-CN, en_US.UTF-8) in pinyin or
#   dictionary order, Latin capitals among the small letters. Every other
#   ORDER BY is on numbers, dates or times.
# - The picker's "names beginning with what was typed" is the range
#   name >= q AND name < q || U+10FFFF: with C exactly the names that begin
#   with q; with a linguistic collation the range's ends are compared by its
#   rules (en_US ignores punctuation, ICU may weigh U+10FFFF otherwise), so it
#   may take in names that do not begin with q (they come first) or leave
#   out some that do (they still come, with the other matches, later).
# - Index use: none lost. No query uses LIKE 'x%' (which a plain btree index
#   serves only under C): searches are ILIKE '%x%' (never index-assisted;
#   names go through resident_search_char), and the range above uses
#   ix_resident_name under any collation.
# - Equality, UNIQUE, GROUP BY: the same (a database's default collation is
#   deterministic). Hash chains: computed in Python, the same.
# - Speed: another libc collation compares with strcoll(), slower to sort.
# So a database that orders text like C (libc "C.UTF-8" on glibc: code point
# order) only gets a line in the log; another collation gets a warning, not a
# refusal: an office may already work on it, and nothing is stored wrongly.
# The probe asks the server how it orders, whatever the provider (libc, ICU,
# PostgreSQL 17's builtin) or the name: capitals before small letters, no
# ignored punctuation, 张 before 李 (code points; pinyin says li < zhang),
# and U+10FFFF after any character.
_ORDER_PROBE = "SELECT 'B' < 'a' AND 'a-c' < 'ab' AND '张' < '李' AND 'abz' < 'ab' || chr(1114111)"


def collation_warning(engine: Engine) -> str | None:
    """A Chinese warning when the PostgreSQL database does not order text
    like C (see above), else None; logged either way (the collation's name
    only: no URL). Never raises: a failed check is logged and passed."""
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        return None
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM pg_database WHERE datname = current_database()")).mappings().one()
            like_c = bool(conn.exec_driver_sql(_ORDER_PROBE).scalar_one())
    except Exception as exc:  # the check only advises: never stops the start
        log.warning("PostgreSQL collation check failed: %s", type(exc).__name__)
        return None
    provider = str(row.get("datlocprovider") or "c")  # 15+: c libc, i ICU, b builtin (17)
    name = str((row.get("datlocale") or row.get("daticulocale")) if provider != "c" else row["datcollate"])
    if like_c:
        if provider == "b" or name in ("C", "POSIX"):
            return None
        log.info("PostgreSQL database collation %s orders text like C here (sorting is slower than with C)", name)
        return None
    log.warning(
        "PostgreSQL database collation is %s (provider %s), not C: names sort differently from SQLite", name, provider
    )
    return (
        f"这个数据库的排序规则是 {name}，不是 C：居民名单会按它排序（如按拼音），和单机版不同。"
        "数据照常保存，可以继续使用；方便时请按说明书“服务大厅”一节，改用 --lc-collate=C 建的数据库。"
    )


def _connect_reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).lower()
    if "password" in text or "authentication" in text:
        return "用户名或密码不对，或服务器不允许这台电脑连接（pg_hba.conf）。"
    if "does not exist" in text and "database" in text:
        return "服务器上没有这个数据库，请先建立（见说明书“服务大厅”一节）。"
    if "does not exist" in text and "role" in text:
        return "服务器上没有这个用户，请先建立（见说明书“服务大厅”一节）。"
    if "timeout" in text or "timed out" in text:
        return "连接超时，请检查网络和服务器地址。"
    return "服务器没有响应，请检查网络、服务器地址和端口，以及数据库服务是否已启动。"


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())
