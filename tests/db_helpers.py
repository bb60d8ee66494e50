"""Behind the app's back, on either database (CUNWU_TEST_BACKEND): what
someone holding the SQLite file, or the owner of the PostgreSQL database,
could do without the app: drop a protecting trigger and change a row,
insert rows with no audit record. The app's checks must see it the same on
both (tests/test_app_evidence.py, tests/test_app_seals.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text


def _run(db_url: str, sql: str, params: Any = None) -> Any:
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params or {})
            return result.all() if result.returns_rows else None
    finally:
        engine.dispose()


def execute(db_url: str, sql: str, params: Any = None) -> Any:
    """One statement in its own transaction; its rows, if it returns any."""
    return _run(db_url, sql, params)


def drop_trigger(db_url: str, name: str, table: str) -> None:
    if db_url.startswith("sqlite"):
        _run(db_url, f"DROP TRIGGER {name}")
    else:
        _run(db_url, f'DROP TRIGGER "{name}" ON "{table}"')


def has_trigger(db_url: str, name: str) -> bool:
    if db_url.startswith("sqlite"):
        sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = :name"
    else:
        sql = "SELECT COUNT(*) FROM pg_trigger WHERE tgname = :name AND NOT tgisinternal"
    return _run(db_url, sql, {"name": name})[0][0] == 1
