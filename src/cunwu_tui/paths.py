"""Where things live: the database, the log file, the shipped data folder.

Cheap to import (platformdirs only); used before anything heavy is loaded.
"""

from __future__ import annotations

import os
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


def sqlite_file(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for memory or other databases."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix):].split("?", 1)[0]
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
