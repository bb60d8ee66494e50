"""Where things live: the database, the log file, the shipped data folder.

Cheap to import (platformdirs only); used before anything heavy is loaded.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

APP_NAME = "cunwu-tui"
DB_ENV = "CUNWU_DB"
DB_FILENAME = "cunwu.db"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return user_data_dir() / DB_FILENAME


def resolve_db_url(db: str | None = None) -> str:
    """The SQLAlchemy URL of the database to open.

    Order: the ``--db`` argument, then the ``CUNWU_DB`` environment variable
    (a path or an SQLAlchemy URL), then the file in the user data dir.
    """
    raw = db or os.environ.get(DB_ENV) or ""
    raw = raw.strip()
    if not raw:
        return "sqlite:///" + str(default_db_path())
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def is_postgres_url(url: str) -> bool:
    """A PostgreSQL server's URL (postgresql://, postgresql+psycopg://, postgres://)."""
    return url.split(":", 1)[0].split("+", 1)[0].strip().lower() in ("postgresql", "postgres")


def shown_url(url: str) -> str:
    """The URL as it may be shown or logged: a password in it replaced by ***."""
    return re.sub(r"^([A-Za-z0-9+.-]+://[^:/@?#]*:)[^@/?#]*@", r"\1***@", url)


def sqlite_file(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for memory or other databases."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :].split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def data_dir() -> Path:
    """The shipped data folder (catalog, holiday schedules).

    In a wheel it sits inside the package; in a source checkout it is the
    top-level ``data/`` folder.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parents[1] / "data"):
        if candidate.is_dir():
            return candidate
    return here / "data"


# -- files only the office can read ---------------------------------------
# The database, its -wal/-shm, backups, the log and exported ledgers hold
# residents' ID numbers and phones. On POSIX they are created owner-only
# (files 0600, folders 0700); Windows has no such mode bits: there the files
# live in the user's profile (AppData), which other users cannot read.

POSIX = os.name == "posix"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def restrict_umask() -> None:
    """Owner-only for every file and folder this process creates from now on
    (POSIX; a no-op on Windows)."""
    if POSIX:
        os.umask(0o077)


def make_private(path: Path) -> None:
    """chmod ``path`` owner-only (0600, a folder 0700) where the OS allows;
    never fails (a file on a FAT stick, or not ours, keeps its mode)."""
    if not POSIX:
        return
    try:
        mode = PRIVATE_DIR if path.is_dir() else PRIVATE_FILE
        os.chmod(path, mode)
    except OSError:
        pass


def private_mkdir(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; an existing folder
    is left as it is (it may be a USB stick or a shared folder)."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    for m in missing:
        make_private(m)
    return path


def backup_dir_for(db_path: Path) -> Path:
    """The managed backup folder of a database: beside it, named after it
    (``cunwu.db`` -> ``cunwu_备份``). Automatic backups and the copies made
    before a migration or a restore go there."""
    return db_path.with_name(f"{db_path.stem}_备份")


def lock_file_for(db_path: Path) -> Path:
    """The instance lock beside the database (see db/lock.py)."""
    return db_path.with_name(db_path.name + ".lock")
