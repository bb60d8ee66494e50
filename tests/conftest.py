from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolate(tmp_path_factory, monkeypatch):
    """Never touch the real user data or log dirs, whatever the test does."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("CUNWU_DB", raising=False)
    monkeypatch.delenv("CUNWU_THEME", raising=False)
    # PINs: a cheaper scrypt for speed (the production cost is tested in
    # test_identity.py; each stored hash names the cost it was made with).
    from cunwu_tui.domain import pins

    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)


# -- PostgreSQL (issue #20) ----------------------------------------------------
# CUNWU_TEST_PG: the URL of a database on a PostgreSQL server the tests may
# create databases on (.ci/postgres.sh start prints one). With it, the tests
# that ask for ``pg_url`` run there (else they are skipped, saying why), and
# CUNWU_TEST_BACKEND=postgresql makes ``db_url`` (so ``services``,
# ``demo_services`` and ``demo_db``: every service test and every Pilot
# screen test) a new PostgreSQL database too; .ci/run runs the service,
# migration and concurrency tests and the app's screens (tests/test_app*.py,
# test_palette.py, test_places.py, test_features.py) that way. Tests about
# the SQLite file itself (sqlite3 on the file, its backup and restore, its
# PRAGMAs and statistics) are marked ``sqlite_only`` or listed in
# SQLITE_ONLY below and skipped on that run; a test that changes a database
# behind the app's back does it on either (tests/db_helpers.py).
PG_ENV = "CUNWU_TEST_PG"
BACKEND_ENV = "CUNWU_TEST_BACKEND"
NO_PG = f"no PostgreSQL server for the tests: set {PG_ENV} (.ci/postgres.sh start DIR prints its URL)"


def on_postgres() -> bool:
    return os.environ.get(BACKEND_ENV, "").lower() in ("postgresql", "postgres", "pg")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test is about the SQLite file; skipped on PostgreSQL")


# Service tests that reach into the SQLite file itself (sqlite3.connect to
# tamper with rows or drop triggers, PRAGMAs, sqlite_stat1): SQLite only.
# Kept here rather than as marks so that the files stay as they are;
# tests/test_postgres.py does the same tampering on PostgreSQL.
SQLITE_ONLY = {
    "test_seal_register.py": (
        "test_a_row_changed_in_sqlite_is_named_with_what_changed",
        "test_a_rewritten_chain_is_caught_by_the_operation_log",
        "test_removed_entries_are_named",
        "test_the_last_record_removed_is_named_from_the_log",
        "test_a_changed_void_is_named",
        "test_the_quick_check_continues_from_the_checkpoint",
        "test_the_quick_check_sees_an_old_entry_removed",
        "test_the_quick_check_sees_the_checkpointed_entry_rewritten",
        "test_a_damaged_checkpoint_means_a_full_check",
        "test_cli_verify",
        "test_void_is_its_own_record_and_the_entry_stays",
        "test_rows_cannot_be_changed_or_deleted_even_in_sqlite",
    ),
    "test_cases.py": ("test_event_records_cannot_be_changed",),
    "test_duty.py": (
        "test_publish_then_changes_need_a_reason_and_are_recorded",
        "test_emergency_must_say_the_leader_was_told",
        "test_publishing_without_the_years_holidays_says_so_and_a_published_month_can_be_replanned",
    ),
    "test_residents.py": ("test_merge_a_duplicate_with_a_reason",),
    "test_evidence.py": (
        "test_declared_triggers_are_what_the_migrations_create",
        "test_append_only_tables_refuse_changes",
    ),
    "test_db.py": (
        "test_pragmas_on_every_connection",
        "test_the_planner_statistics_are_refreshed_off_the_record",
    ),
    # The app backs up and restores the SQLite file (F9 备份, Ctrl+B, the
    # automatic backup beside the file, the palette's 立即备份); a server's
    # database is left to pg_dump, which test_postgres.py's
    # test_the_backup_page_on_a_server_says_pg_dump shows at 80x24.
    "test_app_backup.py": (
        "test_automatic_backup_at_start_and_the_dashboard",
        "test_ctrl_b_backs_up_to_the_stick_and_restore_asks",
        "test_restore_refused_while_another_window_is_open",
        "test_bad_file_is_refused_at_the_field",
        "test_backup_from_the_command_palette",
    ),
    # SQLite's planner statistics (sqlite_stat1), refreshed by the day's first start.
    "test_app_evidence.py": ("test_the_first_start_of_a_day_refreshes_the_planner_statistics",),
}


def pytest_collection_modifyitems(config, items):
    if not on_postgres():
        return
    skip = pytest.mark.skip(reason=f"SQLite only ({BACKEND_ENV}=postgresql)")
    for item in items:
        name = getattr(item, "originalname", item.name)
        if item.get_closest_marker("sqlite_only") or name in SQLITE_ONLY.get(item.path.name, ()):
            item.add_marker(skip)


def _pg_admin(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url).set(drivername="postgresql")
    return psycopg.connect(u.render_as_string(hide_password=False), autocommit=True)


def _pg_url_for(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template():
    """A migrated, empty database on the test server, one per xdist worker:
    each test's database is a copy of it (CREATE DATABASE ... TEMPLATE,
    milliseconds instead of running the migrations)."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(NO_PG)
    pytest.importorskip("psycopg")
    name = f"cunwu_tpl_{os.getpid()}"
    with _pg_admin(url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    from cunwu_tui.db.engine import make_engine, upgrade

    engine = make_engine(_pg_url_for(url, name))
    upgrade(engine)
    engine.dispose()
    yield url, name
    with _pg_admin(url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_demo_template(pg_template, tmp_path_factory):
    """The demo village as of 2026-11-22 on the test server, filled once per
    xdist worker (seconds on a server): each ``demo_db`` there is a copy of it.
    Filled as ``_isolate`` sets a test up: its own HOME, the cheap PIN hash."""
    from cunwu_tui.domain import pins
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo

    url, template = pg_template
    name = f"cunwu_demo_{os.getpid()}"
    with _pg_admin(url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("demo-home")
        mp.setenv("HOME", str(home))
        for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / var.lower()))
        mp.delenv("CUNWU_DB", raising=False)
        mp.setattr(pins, "SCRYPT_N", 2**10)
        s = open_services(_pg_url_for(url, name))
        try:
            fill_demo(s, today=date(2026, 11, 22))
        finally:
            s.close()
    yield url, name
    with _pg_admin(url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_copy(request, template_fixture: str) -> str:
    """A new database on the test server copied from a template database
    (CREATE DATABASE ... TEMPLATE: milliseconds), dropped after the test."""
    import secrets

    url, template = request.getfixturevalue(template_fixture)
    name = f"cunwu_t_{secrets.token_hex(6)}"
    with _pg_admin(url) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def drop() -> None:
        with _pg_admin(url) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    request.addfinalizer(drop)
    return _pg_url_for(url, name)


@pytest.fixture
def pg_url(request, pg_template):
    """A new, migrated PostgreSQL database for this test (dropped after)."""
    return _pg_copy(request, "pg_template")


@pytest.fixture
def db_url(tmp_path: Path, request) -> str:
    if on_postgres():
        return request.getfixturevalue("pg_url")
    return "sqlite:///" + str(tmp_path / "cunwu.db")


@pytest.fixture
def services(db_url):
    from cunwu_tui.services import open_services

    s = open_services(db_url)
    yield s
    s.close()


@pytest.fixture
def demo_services(services):
    from cunwu_tui.services.demo import fill_demo

    fill_demo(services, today=date(2026, 11, 22))
    return services


@pytest.fixture
def demo_db(db_url, request):
    """The demo village as of 2026-11-22 (test_app.TODAY) in a database the
    app tests open (test_backup and test_export lay their own); on the
    PostgreSQL server a copy of the one filled for this worker."""
    from cunwu_tui.paths import is_postgres_url
    from cunwu_tui.services import open_services

    if is_postgres_url(db_url):
        return _pg_copy(request, "pg_demo_template")
    from cunwu_tui.services.demo import fill_demo

    s = open_services(db_url)
    fill_demo(s, today=date(2026, 11, 22))
    s.close()
    return db_url


@pytest.fixture
def sqlite_demo_url(tmp_path):
    """The demo village in an SQLite file, whatever CUNWU_TEST_BACKEND says
    (tests/test_postgres.py copies it onto the server and back)."""
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo

    url = "sqlite:///" + str(tmp_path / "village.db")
    s = open_services(url)
    fill_demo(s, today=date(2026, 11, 22))
    s.close()
    return url


@pytest.fixture
def pin_stdin(monkeypatch):
    """The CLI reads the operator's PIN from stdin when it is not a terminal:
    the demo PIN, for as many commands as a test runs."""
    import io
    import sys

    from cunwu_tui.services.demo import DEMO_PIN

    monkeypatch.setattr(sys, "stdin", io.StringIO((DEMO_PIN + "\n") * 50))
