"""The database: pragmas, migrations from the first revision, backup."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import text

from cunwu_tui.db.engine import DatabaseError, current_revisions, head_revisions, make_engine, upgrade
from identity_helpers import add_person


def test_pragmas_on_every_connection(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA cache_size")).scalar() == -1024  # 1 MiB a connection (memory of old PCs)
    engine.dispose()


def test_models_match_migrations(db_url):
    """Every model change has its migration: autogenerate finds nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from cunwu_tui.db import models  # noqa: F401

    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_from_first_migration_keeps_data_and_backs_up(tmp_path):
    path = tmp_path / "old.db"
    url = "sqlite:///" + str(path)
    engine = make_engine(url)
    upgrade(engine, "0001")
    assert current_revisions(engine) == {"0001"}
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO staff (name, phone, roles, active, created_at) VALUES ('老文书', '', '文书', 1, :t)"),
            {"t": datetime(2026, 1, 5, 9, 0)},
        )
    engine.dispose()

    from cunwu_tui.services import open_services

    services = open_services(url)
    try:
        assert current_revisions(services.core.engine) == head_revisions()
        assert [p.name for p in services.staff.list()] == ["老文书"]
        assert [s.name for s in services.seals.list()] == ["党支部印章", "村(居)委会印章", "村集体经济组织印章"]
        backup = services.info.backup
        # into the managed backup folder, not beside the database
        from cunwu_tui.paths import backup_dir_for

        assert backup is not None and backup.exists() and backup.parent == backup_dir_for(path)
        assert backup.name.startswith("old_升级前_")
        # The copy is the old database, at the old revision, with its data.
        con = sqlite3.connect(backup)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert con.execute("SELECT name FROM staff").fetchall() == [("老文书",)]
        con.close()
    finally:
        services.close()


def test_new_database_is_not_backed_up(services):
    assert services.info.backup is None


def test_up_to_date_database_opens_without_backup(db_url):
    from cunwu_tui.services import open_services

    open_services(db_url).close()
    again = open_services(db_url)
    assert again.info.backup is None
    again.close()


def test_foreign_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.commit()
    con.close()
    engine = make_engine("sqlite:///" + str(path))
    with pytest.raises(DatabaseError, match="不是村务通的数据库"):
        upgrade(engine)
    engine.dispose()
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["accounts"]
    con.close()


def test_two_instances_write_the_same_file(db_url):
    """The clerk by day and night duty: two open databases both save."""
    from cunwu_tui.services import open_services

    a = open_services(db_url)
    b = open_services(db_url)
    try:
        add_person(a, "甲", "", ())
        add_person(b, "乙", "", ())
        add_person(a, "丙", "", ())
        assert [p.name for p in b.staff.list()] == ["甲", "乙", "丙"]
    finally:
        a.close()
        b.close()


def test_a_database_in_a_chinese_folder_is_copied_before_migrating(tmp_path):
    """SQLAlchemy percent-encodes such a path in str(url): the copy must be
    made from the real file name."""
    from cunwu_tui.db.engine import engine_file, make_engine, upgrade

    folder = tmp_path / "村务 数据"
    url = "sqlite:///" + str(folder / "青山村.db")
    engine = make_engine(url)
    assert engine_file(engine) == folder / "青山村.db"
    upgrade(engine, "0003")
    backup = upgrade(engine)
    engine.dispose()
    from cunwu_tui.paths import backup_dir_for

    # in the managed backup folder beside it (itself with Chinese in its name)
    assert backup is not None and backup.exists() and backup.parent == backup_dir_for(folder / "青山村.db")
    assert backup.parent.parent == folder


def test_the_heads_written_down_are_the_migration_scripts_heads(services):
    """db.engine.HEADS lets a current database open without Alembic: it must
    name exactly the newest migrations (add a migration: update it)."""
    from cunwu_tui.db.engine import HEADS, stored_revisions

    assert HEADS == head_revisions()
    assert stored_revisions(services.core.engine) == HEADS


def test_a_current_database_opens_without_importing_alembic(db_url, tmp_path):
    import subprocess
    import sys

    from cunwu_tui.services import open_services

    open_services(db_url).close()  # created and migrated
    code = (
        "import sys; from cunwu_tui.services import open_services; s = open_services(sys.argv[1]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako'))); s.close()"
    )
    out = subprocess.run([sys.executable, "-c", code, db_url], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "[]"


def test_the_planner_statistics_are_refreshed_off_the_record(services):
    """Services.refresh_statistics (the start-up worker, daily): SQLite's
    sqlite_stat1 (a full ANALYZE), without an audit row; a partial index holds
    only the seal entries that correct another."""
    with services.core.read() as s:
        audit_before = s.connection().exec_driver_sql("SELECT COUNT(*) FROM audit_log").scalar()
    services.refresh_statistics()
    with services.core.read() as s:
        conn = s.connection()
        tables = {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
        assert "seal" in tables  # the three default seals
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM audit_log").scalar() == audit_before
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_seal_use_refers_to_id'").scalar()
        assert "WHERE refers_to_id IS NOT NULL" in sql
    services.refresh_statistics()  # again: the same table, refreshed
