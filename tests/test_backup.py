"""Backups and restore (services/backup.py, `cunwu backup`, `cunwu restore`):
consistent under a concurrent writer, refused files change nothing, the
instance lock, generations, owner-only files."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import shutil
import sqlite3
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cunwu_tui.cli import main
from cunwu_tui.errors import ValidationError
from cunwu_tui.paths import backup_dir_for, sqlite_file
from cunwu_tui.services import open_services
from cunwu_tui.services.backup import BACKUP_NOW, BackupError, inspect_backup, prune, restore_backup, sha256_of
from identity_helpers import add_person, PIN

TODAY = date(2026, 11, 22)
POSIX = os.name == "posix"


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, in rowid order (a WITHOUT ROWID table: sorted)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            (r[0], "WITHOUT ROWID" in (r[1] or "").upper())
            for r in con.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall())
            if clustered
            else con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
            for t, clustered in tables
        }
    finally:
        con.close()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def demo_db(db_url):
    from cunwu_tui.services.demo import fill_demo

    s = open_services(db_url)
    fill_demo(s, today=TODAY)
    s.close()
    return db_url


# -- backing up ---------------------------------------------------------------
def _writer(path: str, n: int, started) -> None:
    """Another window saving: each transaction adds a staff row and its audit
    record together."""
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("PRAGMA busy_timeout=30000")
    for i in range(n):
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "INSERT INTO staff (name, phone, roles, active, created_at) VALUES (?, '', '', 1, ?)",
            (f"写入{i}", "2026-11-22 09:00:00"),
        )
        con.execute(
            "INSERT INTO audit_log (at, operator_name, entity, entity_id, action, before, after) "
            "VALUES (?, '系统', 'writer', ?, '新增', '', '')",
            ("2026-11-22 09:00:00", str(i)),
        )
        con.execute("COMMIT")
        if i == 5:
            started.set()
    con.close()


def test_backup_while_another_process_writes_is_consistent(services, tmp_path):
    db = sqlite_file(services.info.url)
    ctx = multiprocessing.get_context("spawn")
    started = ctx.Event()
    proc = ctx.Process(target=_writer, args=(str(db), 400, started))
    proc.start()
    try:
        assert started.wait(60)
        results = [services.backups.backup_now(str(tmp_path / "u盘"))]
        while proc.is_alive():
            results.append(services.backups.backup_now(str(tmp_path / "u盘")))
    finally:
        proc.join(60)
    assert proc.exitcode == 0
    results.append(services.backups.backup_now(str(tmp_path / "u盘")))
    seen = set()
    for r in results:
        con = sqlite3.connect(r.path)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        staff = con.execute("SELECT COUNT(*) FROM staff WHERE name LIKE '写入%'").fetchone()[0]
        audit = con.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'writer'").fetchone()[0]
        con.close()
        assert staff == audit  # never half of a transaction
        manifest = json.loads(r.manifest.read_text(encoding="utf-8"))
        assert manifest["sha256"] == sha256_of(r.path) and manifest["tables"]["staff"] == staff
        seen.add(staff)
    assert max(seen) == 400  # the last one, after the writer, has everything


def test_backup_names_manifest_and_remembered_place(demo_db, tmp_path):
    (tmp_path / "U盘").mkdir()  # the stick is plugged in; its folder is made
    s = open_services(demo_db)
    try:
        s.backups.save_settings(str(tmp_path / "U盘" / "村务通备份"), 7, 12, 7)
        r = s.backups.backup_now()
    finally:
        s.close()
    assert r.path.parent == tmp_path / "U盘" / "村务通备份"
    assert r.path.name.startswith("青山村_备份_") and r.path.suffix == ".db"
    m = json.loads(r.manifest.read_text(encoding="utf-8"))
    assert m["village"] == "青山村" and m["app_version"] and m["schema_revisions"]
    assert m["tables"]["seal_use"] == 20 and m["seal_chain_head"]["position"] > 0
    assert m["sha256"] == sha256_of(r.path) and m["size"] == r.path.stat().st_size
    # self-contained: no -wal needed, opens anywhere
    assert listing(r.path.parent) == sorted([r.path.name, r.manifest.name])


def test_destination_missing_read_only_or_full(services, tmp_path, monkeypatch):
    with pytest.raises(ValidationError) as e:
        services.backups.backup_now(str(tmp_path / "没插" / "村务通备份"))
    assert "不存在" in e.value.errors["dir"] and "U盘" in e.value.errors["dir"]
    assert services.backups.status().warning.endswith(e.value.errors["dir"])

    out = tmp_path / "只读"
    out.mkdir()
    import cunwu_tui.db.engine as engine

    real_open = os.open

    def refuse(path, flags, mode=0o777, *a, **k):
        if str(path).startswith(str(out)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, mode, *a, **k)

    monkeypatch.setattr(engine.os, "open", refuse)
    with pytest.raises(ValidationError) as e:
        services.backups.backup_now(str(out))
    assert "只读" in e.value.errors["dir"]
    monkeypatch.setattr(engine.os, "open", real_open)
    assert listing(out) == []

    import cunwu_tui.services.backup as backup

    monkeypatch.setattr(backup.shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10, 10, 0))
    with pytest.raises(ValidationError) as e:
        services.backups.backup_now(str(out))
    assert "空间不足" in e.value.errors["dir"]
    monkeypatch.undo()

    # full in the middle of writing: nothing half-written stays
    def full(src, dst):
        raise sqlite3.OperationalError("database or disk is full")

    real_connect = sqlite3.connect

    class FullDest:
        def __init__(self, con):
            self.con = con

        def backup(self, target, *a, **k):
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name):
            return getattr(self.con, name)

    monkeypatch.setattr(engine.sqlite3, "connect", lambda *a, **k: FullDest(real_connect(*a, **k)))
    with pytest.raises(ValidationError) as e:
        services.backups.backup_now(str(out))
    assert "磁盘空间不足" in e.value.errors["dir"]
    assert listing(out) == []


def test_integrity_failure_of_the_database_itself(services, tmp_path, monkeypatch):
    import cunwu_tui.db.engine as engine

    def broken(*a, **k):
        raise engine.SnapshotCheckFailed("*** in database main ***")

    monkeypatch.setattr(engine, "snapshot", broken)
    with pytest.raises(BackupError, match="自检未通过"):
        services.backups.backup_now(str(tmp_path))


def test_automatic_backup_once_a_day_and_generations(services):
    first = services.backups.auto_backup(TODAY)
    assert first is not None and first.path.parent == backup_dir_for(sqlite_file(services.info.url))
    assert "_自动备份_" in first.path.name
    assert services.backups.auto_backup(TODAY) is None  # once a day
    second = services.backups.auto_backup(TODAY + timedelta(days=1))
    assert second is not None and "_自动备份_20261123-" in second.path.name
    # automatic copies sit on the same disk: the 工作台 still asks for the stick
    status = services.backups.status(datetime(2026, 11, 23, 18, 0))
    assert "还没有把数据备份到U盘" in status.warning and "上次自动备份" in "\n".join(status.lines)
    # in words (the CLI); the screens add F9 / Ctrl+B for the action it names
    assert status.warning == "还没有把数据备份到U盘：请在设置的备份页立即备份。"
    assert status.warning_action == BACKUP_NOW and status.warning_fact == "还没有把数据备份到U盘"


def test_dashboard_warnings(services, tmp_path):
    b = services.backups
    with pytest.raises(ValidationError):
        b.backup_now(str(tmp_path / "没插" / "u"))
    assert "备份失败" in b.status().warning and "不存在" in b.status().warning
    made = b.backup_now(str(tmp_path))
    status = b.status(made.at)
    assert status.warning == "" and str(made.path) in "\n".join(status.lines)
    b.save_settings("", 7, 12, 3)
    assert "已经3天没有备份到U盘了" in b.status(made.at + timedelta(days=3)).warning
    assert b.status(made.at + timedelta(days=2)).warning == ""
    b.auto_backup(made.at.date() + timedelta(days=5))  # does not count as a backup to the stick
    assert "已经5天" in b.status(made.at + timedelta(days=5)).warning


def test_prune_keeps_7_daily_and_12_monthly_oldest_removed_first(tmp_path):
    start = datetime(2025, 1, 1, 9, 0)
    made = []
    for d in range(0, 500, 3):
        t = start + timedelta(days=d)
        p = tmp_path / f"青山村_自动备份_{t:%Y%m%d-%H%M%S}.db"
        p.write_bytes(b"x")
        p.with_suffix(".json").write_text("{}", encoding="utf-8")
        made.append((t, p))
    manual = tmp_path / "青山村_备份_20250101-090000.db"
    manual.write_bytes(b"x")
    before_migration = tmp_path / "cunwu_升级前_20250101-090000.db"
    before_migration.write_bytes(b"x")
    removed = prune(tmp_path, 7, 12)
    kept = sorted(p for p in tmp_path.glob("*_自动备份_*.db"))
    newest = sorted(made, reverse=True)
    daily = {p for _, p in newest[:7]}
    monthly = {}
    for t, p in newest:
        monthly.setdefault((t.year, t.month), p)
    monthly_kept = {p for _, p in sorted(monthly.items(), reverse=True)[:12]}
    assert set(kept) == daily | monthly_kept
    assert manual.exists() and before_migration.exists()
    assert [p for p in removed] == sorted(removed)  # oldest first
    assert not any(p.with_suffix(".json").exists() for p in removed)


# -- restoring ------------------------------------------------------------------
def test_restore_round_trip_keeps_every_register(demo_db, tmp_path):
    s = open_services(demo_db)
    backup = s.backups.backup_now(str(tmp_path / "u"))
    add_person(s, "恢复后不该有的人", "", ())
    s.close()
    saved = dump(backup.path)

    result = restore_backup(demo_db, backup.path)
    db = sqlite_file(demo_db)
    now = dump(db)
    for table, rows in saved.items():
        if table == "audit_log":
            assert now[table][:-1] == rows
            assert now[table][-1][list(now[table][-1]).index("恢复")] == "恢复"
        elif table == "evidence_link":  # the restore's record, chained
            assert now[table][:-1] == rows and now[table][-1][3] == "audit_log"
        else:
            assert now[table] == rows, table
    assert result.set_aside is not None and result.set_aside.parent == backup_dir_for(db)
    aside = dump(result.set_aside)
    assert "恢复后不该有的人" in {r[1] for r in aside["staff"]}
    s = open_services(demo_db)
    try:
        assert s.seal_register.verify().ok
    finally:
        s.close()


def test_restore_after_a_dead_disk_into_a_new_place(demo_db, tmp_path):
    s = open_services(demo_db)
    backup = s.backups.backup_now(str(tmp_path / "u"))
    s.close()
    fresh = "sqlite:///" + str(tmp_path / "新电脑" / "数据" / "cunwu.db")
    result = restore_backup(fresh, backup.path)
    assert result.set_aside is None
    s = open_services(fresh)
    try:
        assert s.settings.profile().village == "青山村"
        assert len(s.staff.list()) == 9
    finally:
        s.close()


def test_older_backup_is_upgraded_through_the_migrations(tmp_path, db_url):
    from cunwu_tui.db.engine import current_revisions, head_revisions, make_engine, upgrade
    from sqlalchemy import text

    old = tmp_path / "old.db"
    engine = make_engine("sqlite:///" + str(old))
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO staff (name, phone, roles, active, created_at) VALUES ('老文书', '', '文书', 1, :t)"),
            {"t": datetime(2026, 1, 5, 9, 0)},
        )
    engine.dispose()
    info = inspect_backup(old)
    assert info.needs_upgrade and info.revisions == ("0001",)
    restore_backup(db_url, old)
    s = open_services(db_url)
    try:
        assert current_revisions(s.core.engine) == head_revisions()
        assert [p.name for p in s.staff.list()] == ["老文书"]
    finally:
        s.close()


def _bad_files(good: Path, tmp: Path) -> dict[str, Path]:
    data = good.read_bytes()
    files = {}
    files["truncated"] = tmp / "truncated.db"
    files["truncated"].write_bytes(data[: len(data) // 2])
    files["cut_mid_page"] = tmp / "cut.db"
    files["cut_mid_page"].write_bytes(data[:-100])
    corrupt = bytearray(data)
    page = int.from_bytes(data[16:18], "big")
    for i in range(page * 3, len(data) - page, page):  # scribble over every page but the first
        corrupt[i : i + 64] = os.urandom(64)
    files["corrupted"] = tmp / "corrupted.db"
    files["corrupted"].write_bytes(bytes(corrupt))
    files["text"] = tmp / "notes.db"
    files["text"].write_text("这不是数据库", encoding="utf-8")
    files["foreign"] = tmp / "foreign.db"
    con = sqlite3.connect(files["foreign"])
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.commit()
    con.close()
    files["newer"] = tmp / "newer.db"
    shutil.copy(good, files["newer"])
    con = sqlite3.connect(files["newer"])
    con.execute(
        "UPDATE alembic_version SET version_num = '9999' WHERE version_num = (SELECT MAX(version_num) FROM alembic_version)"
    )
    con.commit()
    con.close()
    files["manifest_mismatch"] = tmp / "mismatch.db"
    shutil.copy(good, files["manifest_mismatch"])
    m = json.loads(good.with_suffix(".json").read_text(encoding="utf-8"))
    m["sha256"] = "0" * 64
    files["manifest_mismatch"].with_suffix(".json").write_text(json.dumps(m), encoding="utf-8")
    return files


MESSAGES = {
    "truncated": "不完整",
    "cut_mid_page": "不完整",
    "corrupted": "损坏",
    "text": "不是村务通",
    "foreign": "不是村务通",
    "newer": "更新版本",
    "manifest_mismatch": "校验值不一致",
}


def test_bad_files_are_refused_and_nothing_changes(demo_db, tmp_path):
    s = open_services(demo_db)
    good = s.backups.backup_now(str(tmp_path / "u"))
    s.close()
    db = sqlite_file(demo_db)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    files = _bad_files(good.path, bad_dir)
    before = dump(db)
    db_hash = sha256_of(db)
    folder_before = listing(db.parent)
    managed_before = listing(backup_dir_for(db))
    for name, path in files.items():
        content = path.read_bytes()
        with pytest.raises(BackupError) as e:
            restore_backup(demo_db, path)
        assert MESSAGES[name] in str(e.value), (name, str(e.value))
        assert path.read_bytes() == content  # the file itself untouched
        assert sha256_of(db) == db_hash and listing(db.parent) == folder_before, name
        assert listing(backup_dir_for(db)) == managed_before, name
    assert dump(db) == before


def test_restore_refused_while_another_window_has_the_database(demo_db, tmp_path):
    s = open_services(demo_db)
    backup = s.backups.backup_now(str(tmp_path / "u"))
    add_person(s, "仍在", "", ())
    try:
        with pytest.raises(BackupError, match="其他窗口"):
            restore_backup(demo_db, backup.path)
        assert "仍在" in [p.name for p in s.staff.list()]
    finally:
        s.close()
    # the lock goes with the window: now it works
    restore_backup(demo_db, backup.path)


def test_lock_of_a_crashed_process_does_not_block(demo_db, tmp_path):
    """The OS drops a dead process's lock: no stale lock file blocks."""
    import subprocess
    import sys

    s = open_services(demo_db)
    backup = s.backups.backup_now(str(tmp_path / "u"))
    s.close()
    code = f"import os, sys; from cunwu_tui.services import open_services; s = open_services({demo_db!r}); os._exit(0)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert sqlite_file(demo_db).with_name("cunwu.db.lock").exists()
    restore_backup(demo_db, backup.path)


# -- files only the office can read ---------------------------------------------
@pytest.mark.skipif(not POSIX, reason="POSIX mode bits")
def test_files_with_personal_data_are_owner_only(tmp_path, monkeypatch):
    from cunwu_tui import logsetup

    monkeypatch.setattr(os, "umask", os.umask)  # restored by monkeypatch
    old = os.umask(0o022)  # as on a typical PC: files 0644 unless we say otherwise
    try:
        url = "sqlite:///" + str(tmp_path / "新" / "cunwu.db")
        s = open_services(url)
        add_person(s, "甲", "13800138000", ())
        from cunwu_tui.services.settings import VillageProfile

        s.settings.save_profile(VillageProfile("青山村", "柳河镇"))
        db = sqlite_file(url)
        backup = s.backups.backup_now()
        auto = s.backups.auto_backup(date(2030, 1, 1))
        s.set_operator(s.staff.list()[0].id, PIN)
        exported = s.exports.export("2026-10", ["staff"], tmp_path / "exports")
        for p in (
            db,
            db.with_name("cunwu.db-wal"),
            db.with_name("cunwu.db-shm"),
            backup.path,
            backup.manifest,
            auto.path,
            *exported,
        ):
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
        for d in (backup_dir_for(db), db.parent, tmp_path / "exports"):
            assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
        s.close()
        monkeypatch.setattr(logsetup, "_configured", None)
        monkeypatch.setattr(logsetup, "user_log_dir", lambda: tmp_path / "log", raising=False)
        import cunwu_tui.paths as paths

        monkeypatch.setattr(paths, "user_log_dir", lambda: tmp_path / "logs")
        log_file = logsetup.setup_logging()
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
    finally:
        os.umask(old)
        import logging

        root = logging.getLogger("cunwu")
        for h in list(root.handlers):
            if getattr(h, "baseFilename", "").startswith(str(tmp_path)):
                root.removeHandler(h)
                h.close()


@pytest.mark.skipif(not POSIX, reason="POSIX mode bits")
def test_an_older_world_readable_database_is_tightened(tmp_path):
    db = tmp_path / "cunwu.db"
    open_services("sqlite:///" + str(db)).close()
    os.chmod(db, 0o644)
    open_services("sqlite:///" + str(db)).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


# -- the command line -----------------------------------------------------------
def test_cli_backup_and_restore(demo_db, tmp_path, capsys, monkeypatch, pin_stdin):
    db = str(sqlite_file(demo_db))
    assert main(["backup", "--db", db, "--to", str(tmp_path / "u")]) == 0
    out = capsys.readouterr().out
    assert "已备份到：" in out and "校验值（sha256）" in out
    [made] = list((tmp_path / "u").glob("*.db"))

    assert main(["backup", "--db", db, "--to", str(tmp_path / "没有" / "这里")]) == 2
    assert "不存在" in capsys.readouterr().err

    missing = tmp_path / "打错了.db"
    assert main(["backup", "--db", str(missing), "--to", str(tmp_path / "u")]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err and not missing.exists()

    # no terminal and no --yes: refused, nothing changed
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert main(["restore", "--db", db, str(made)]) == 2
    captured = capsys.readouterr()
    assert "青山村" in captured.out and "--yes" in captured.err

    bad = tmp_path / "bad.db"
    bad.write_bytes(made.read_bytes()[:4096])
    assert main(["restore", "--db", db, str(bad), "--yes"]) == 2
    assert "不完整" in capsys.readouterr().err

    s = open_services(demo_db)
    try:
        assert main(["restore", "--db", db, str(made), "--yes"]) == 2
        assert "其他窗口" in capsys.readouterr().err
    finally:
        s.close()
    assert main(["restore", "--db", db, str(made), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "已恢复" in out and "原来的数据库已移到" in out


def test_cli_restore_asks_on_the_terminal(demo_db, tmp_path, capsys, monkeypatch, pin_stdin):
    db = str(sqlite_file(demo_db))
    assert main(["backup", "--db", db, "--to", str(tmp_path / "u")]) == 0
    [made] = list((tmp_path / "u").glob("*.db"))
    capsys.readouterr()
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PIN)  # the administrator's PIN, no echo
    monkeypatch.setattr("builtins.input", lambda prompt="": "")
    assert main(["restore", "--db", db, str(made)]) == 2
    assert "已取消" in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    assert main(["restore", "--db", db, str(made)]) == 0


def test_backup_settings_are_checked_per_field(services):
    b = services.backups
    assert b.current_settings().keep_daily == 7 and b.current_settings().keep_monthly == 12
    with pytest.raises(ValidationError) as e:
        b.save_settings("备份", "七", "0", "0")
    assert set(e.value.errors) == {"dir", "keep_daily", "warn_days"}  # 0 monthly copies is allowed
    assert b.current_settings().keep_daily == 7  # nothing saved
    saved = b.save_settings("/media/u盘/村务通备份", "１４", "6", "3")
    assert (saved.dir, saved.keep_daily, saved.keep_monthly, saved.warn_days) == ("/media/u盘/村务通备份", 14, 6, 3)


def test_windows_lock_slots_with_byte_range_locks(tmp_path, monkeypatch):
    """Windows has only exclusive byte-range locks (msvcrt.locking): each
    open database locks one slot byte, a restore all of them. Checked here
    against a model of LockFile semantics (a region held through another
    handle conflicts)."""
    import sys
    import types

    from cunwu_tui.db import lock as lockmod

    held: dict[int, tuple[int, int]] = {}  # fd -> (start, length)

    def locking(fd, mode, n):
        pos = os.lseek(fd, 0, os.SEEK_CUR)
        if mode == fake.LK_UNLCK:
            assert held.pop(fd) == (pos, n)
            return
        for other, (start, length) in held.items():
            if other != fd and start < pos + n and pos < start + length:
                raise OSError(errno.EACCES, "locked")
        assert fd not in held
        held[fd] = (pos, n)

    fake = types.SimpleNamespace(LK_NBLCK=2, LK_UNLCK=0, locking=locking)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(lockmod, "WINDOWS", True)
    db = tmp_path / "cunwu.db"
    first, second = lockmod.hold_shared(db), lockmod.hold_shared(db)  # two windows
    assert held[first._fd][1] == 1 and held[second._fd][1] == 1 and held[first._fd] != held[second._fd]
    with pytest.raises(lockmod.DatabaseInUse, match="其他窗口"):
        lockmod.hold_exclusive(db)
    first.release()
    with pytest.raises(lockmod.DatabaseInUse):
        lockmod.hold_exclusive(db)
    second.release()
    assert held == {}
    restore = lockmod.hold_exclusive(db)  # nobody left
    assert held[restore._fd] == (0, lockmod.SLOTS + 1)
    with pytest.raises(lockmod.DatabaseInUse, match="正在恢复"):
        lockmod.hold_shared(db)  # a window opened during the restore waits
    restore.release()
    assert held == {}
