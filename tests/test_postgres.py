"""The app on a PostgreSQL server (issue #20): the migrations on an empty
database, the append-only triggers as PL/pgSQL, tampering caught and the
triggers restored, the start-up checks' Chinese words, backups left to
pg_dump (the backup page too), four processes writing at once without a
duplicate number or a lost record, and two windows of the real app (F5 and
F4 with real keys) at once, each seeing the other's entries.

Needs a server: CUNWU_TEST_PG (see tests/conftest.py; .ci/run starts one).
Without it every test here is skipped, saying so. The service tests run on
the server as a whole with CUNWU_TEST_BACKEND=postgresql (.ci/run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

TODAY = date(2026, 11, 22)


@pytest.fixture
def db_url(pg_url):
    """Every database of this module is a new one on the test server."""
    return pg_url


@contextmanager
def _new_database(url: str, prefix: str, options: str = "") -> Iterator[str]:
    """A new, empty database on the server of ``url`` (as its user), dropped
    afterwards: its URL."""
    import secrets

    from conftest import _pg_admin, _pg_url_for

    name = f"{prefix}_{secrets.token_hex(6)}"
    with _pg_admin(url) as con:
        con.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' {options}")
    try:
        yield _pg_url_for(url, name)
    finally:
        with _pg_admin(url) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_pg(pg_template):
    """A new database with nothing in it (not even the migrations)."""
    with _new_database(pg_template[0], "cunwu_e") as url:
        yield url


def test_every_migration_runs_on_an_empty_server(empty_pg):
    from cunwu_tui.db import evidence as db_evidence
    from cunwu_tui.db.engine import HEADS, make_engine, stored_revisions, upgrade

    engine = make_engine(empty_pg)
    try:
        assert stored_revisions(engine) is None
        upgrade(engine)
        assert stored_revisions(engine) == HEADS
        upgrade(engine)  # a second start: nothing to do
        with engine.connect() as conn:
            assert db_evidence.trigger_problems(conn) == []
            names = {r[0] for r in conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))}
        assert names == set(db_evidence.EXPECTED_POSTGRES)
        assert {n for n in names if n.endswith("_no_truncate")}  # TRUNCATE skips row triggers: refused too
    finally:
        engine.dispose()


def _release_together(procs: list[subprocess.Popen], go: Path) -> None:
    """Start processes' work at one moment: each writes ``go`` plus
    ``.ready-<its pid>`` when set up and then waits for ``go``; written once
    all are ready (a process that ends early fails the test with its
    error)."""
    deadline = time.monotonic() + 180
    while not all(go.with_name(f"{go.name}.ready-{p.pid}").exists() for p in procs):
        for p in procs:
            if p.poll() is not None:
                _out, err = p.communicate()
                raise AssertionError(f"a process ended before the start: {err[-2000:]}")
        assert time.monotonic() < deadline, "the processes did not get ready"
        time.sleep(0.05)  # polling a condition
    go.write_text("go")


def test_two_pcs_upgrading_at_once_both_open(empty_pg, tmp_path):
    """The migrations take an advisory lock: the second PC waits, then
    finds the schema current. (Processes: Alembic's context is one per
    process.)"""
    from cunwu_tui.db import evidence as db_evidence
    from cunwu_tui.db.engine import HEADS, make_engine, stored_revisions

    go = tmp_path / "go"
    code = (
        "import os, sys, time\n"
        "from cunwu_tui.db.engine import make_engine, upgrade\n"
        "e = make_engine(sys.argv[1])\n"
        "open(f'{sys.argv[2]}.ready-{os.getpid()}', 'w').close()\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.01)\n"
        "upgrade(e)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, empty_pg, str(go)], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    _release_together(procs, go)
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
    engine = make_engine(empty_pg)
    try:
        assert stored_revisions(engine) == HEADS
        with engine.connect() as conn:
            assert db_evidence.trigger_problems(conn) == []
    finally:
        engine.dispose()


def test_a_database_of_another_program_is_left_alone(empty_pg):
    from cunwu_tui.db.engine import DatabaseError, make_engine, upgrade

    engine = make_engine(empty_pg)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE accounts (id integer)"))
        with pytest.raises(DatabaseError, match="不是村务通的数据库"):
            upgrade(engine)
    finally:
        engine.dispose()


def test_a_password_in_a_url_is_never_shown():
    from cunwu_tui.paths import is_postgres_url, shown_url

    assert (
        shown_url("postgresql+psycopg://cunwu:pw@10.0.0.2/qingshan")
        == "postgresql+psycopg://cunwu:***@10.0.0.2/qingshan"
    )
    assert shown_url("postgresql+psycopg://cunwu@/q?host=/tmp/x") == "postgresql+psycopg://cunwu@/q?host=/tmp/x"
    assert is_postgres_url("postgres://a@b/c") and is_postgres_url("postgresql+psycopg://a@b/c")
    assert not is_postgres_url("sqlite:///cunwu.db")


def test_without_psycopg_the_extra_is_named(monkeypatch):
    from cunwu_tui.db.engine import DatabaseError, make_engine

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg raises ImportError
    with pytest.raises(DatabaseError, match=r"cunwu-tui\[postgres\]"):
        make_engine("postgresql+psycopg://cunwu@server/qingshan")


def test_an_unreachable_server_is_said_in_chinese_without_the_password(tmp_path):
    pytest.importorskip("psycopg")
    from cunwu_tui.db.engine import DatabaseError
    from cunwu_tui.services import open_services

    url = f"postgresql+psycopg://cunwu:secret-pw@/nothing?host={tmp_path}"  # no server on that socket
    with pytest.raises(DatabaseError) as exc:
        open_services(url)
    assert "无法连接数据库服务器" in str(exc.value) and "secret-pw" not in str(exc.value)


def test_one_writer_at_a_time_readers_never_wait(services, monkeypatch):
    """The write lock (pg_advisory_xact_lock, SQLite's BEGIN IMMEDIATE): a
    second write waits for it, at most the busy timeout, then says so in
    Chinese; a read does not wait."""
    from cunwu_tui.db import engine as db_engine
    from cunwu_tui.services import SaveError

    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 300)
    with services.core.engine.connect() as other:
        other.execute(text(f"SELECT pg_advisory_xact_lock({db_engine.WRITE_LOCK_KEY})"))  # another window saving
        assert services.staff.list() == []  # reading: no wait
        t0 = time.perf_counter()
        with pytest.raises(SaveError, match="另一个窗口正在保存"):
            with services.core.write() as s:
                s.execute(text("SELECT 1"))
        assert time.perf_counter() - t0 < 5
        other.rollback()  # its write ends
    with services.core.write() as s:
        s.execute(text("SELECT 1"))


def test_append_only_tables_refuse_update_delete_and_truncate(demo_services):
    from sqlalchemy.exc import IntegrityError

    from cunwu_tui.db import evidence as db_evidence

    engine = demo_services.core.engine
    tables = {table for table, _sql in db_evidence.EXPECTED_POSTGRES.values()}
    tried = 0
    for table in sorted(tables):
        with engine.connect() as conn:
            if conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar() == 0:
                continue
        sqls = [f'DELETE FROM "{table}"', f'TRUNCATE "{table}" CASCADE']
        if f"{table}_no_update" in db_evidence.EXPECTED_POSTGRES:
            sqls.append(f'UPDATE "{table}" SET id = id')
        for sql in sqls:
            with engine.connect() as conn, pytest.raises(IntegrityError, match="只能"):
                conn.execute(text(sql))
            tried += 1
    assert tried >= 40
    # the intake of a case is kept; its summary columns move
    with engine.begin() as conn:
        conn.execute(text("UPDATE case_record SET status = status"))
    with engine.connect() as conn, pytest.raises(IntegrityError, match="办件记录只能追加"):
        conn.execute(text("UPDATE case_record SET applicant_name = 'x'"))


def test_tampering_is_caught_and_the_triggers_restored(demo_services):
    s = demo_services
    with s.core.engine.begin() as conn:
        conn.execute(text("ALTER TABLE seal_use DISABLE TRIGGER seal_use_no_update"))
        conn.execute(text("UPDATE seal_use SET title = '改过的' WHERE id = (SELECT min(id) FROM seal_use)"))
        conn.execute(text("DROP TRIGGER duty_log_no_delete ON duty_log"))
        conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION cunwu_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
            )
        )
    report = s.evidence.verify(full=True)
    assert not report.ok
    assert {(t.name, t.state) for t in report.triggers} == {
        ("cunwu_refuse", "被改动"),
        ("seal_use_no_update", "被改动"),
        ("duty_log_no_delete", "缺失"),
    }
    assert report.restored
    assert any("用印登记" in line and "被改动" in line for line in report.lines())
    seal_check = s.seal_register.verify()
    assert not seal_check.ok and "改过的" in seal_check.message
    again = s.evidence.verify(full=True)
    assert again.triggers == ()


def test_a_clean_database_verifies(demo_services):
    s = demo_services
    report = s.evidence.verify(full=True)
    assert report.ok, report.lines()
    assert s.seal_register.verify().ok


def test_a_row_has_the_same_digest_on_both_engines(pg_url, tmp_path):
    """Values read from the server are brought to the form SQLite stores
    (db.evidence.stored): the digest of a row is the same on both, so a
    database copied from one to the other keeps its chains."""
    from datetime import datetime
    from decimal import Decimal

    import sqlalchemy as sa

    from cunwu_tui.db import evidence as db_evidence
    from cunwu_tui.db.engine import make_engine
    from cunwu_tui.domain import evidence as ev

    meta = sa.MetaData()
    table = sa.Table(
        "probe",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime),
        sa.Column("on", sa.Date),
        sa.Column("flag", sa.Boolean),
        sa.Column("amount", sa.Numeric(14, 2)),
        sa.Column("words", sa.String),
        sa.Column("n", sa.Integer),
    )
    values = [
        dict(
            id=1,
            at=datetime(2026, 11, 23, 9, 30),
            on=date(2026, 11, 23),
            flag=True,
            amount=Decimal("1260.00"),
            words="王桂英",
            n=3,
        ),
        dict(
            id=2,
            at=datetime(2026, 11, 23, 9, 30, 5, 120),
            on=None,
            flag=False,
            amount=Decimal("980.50"),
            words="",
            n=None,
        ),
    ]
    digests = []
    for url in ("sqlite:///" + str(tmp_path / "probe.db"), pg_url):
        engine = make_engine(url)
        try:
            meta.create_all(engine)
            with engine.begin() as conn:
                conn.execute(table.insert(), values)
            with engine.connect() as conn:
                rows = db_evidence.raw_rows(
                    conn, 'SELECT id, "at", "on", flag, amount, words, n FROM probe ORDER BY id'
                )
            digests.append([ev.row_digest(["at", "on", "flag", "amount", "words", "n"], r[1:]) for r in rows])
        finally:
            engine.dispose()
    assert digests[0] == digests[1]


def test_backups_are_left_to_pg_dump(demo_services, db_url, capsys):
    from cunwu_tui.cli import main
    from cunwu_tui.services.backup import SERVER_BACKUP, SERVER_BACKUP_LINE, BackupError

    with pytest.raises(BackupError, match="pg_dump"):
        demo_services.backups.backup_now(None)
    assert demo_services.backups.auto_backup(TODAY) is None
    status = demo_services.backups.status()
    assert status.warning == "" and status.lines == [SERVER_BACKUP_LINE]
    assert "pg_dump" in demo_services.backups.current_settings().managed_dir
    assert main(["--db", db_url, "backup"]) == 2
    assert SERVER_BACKUP in capsys.readouterr().err


async def test_the_backup_page_on_a_server_says_pg_dump(demo_db, tmp_path):
    """The app's backup and restore (tests/test_app_backup.py, SQLite only)
    at 80x24 on a server: the 工作台 says who backs it up, and Ctrl+B, a
    restore and the palette's 立即备份 say pg_dump, write nothing here."""
    from textual.command import CommandList
    from textual.widgets import Static

    from cunwu_tui.services.backup import SERVER_BACKUP, SERVER_BACKUP_LINE
    from cunwu_tui.ui.app import CunwuApp
    from cunwu_tui.ui.screens.dashboard import DashboardScreen
    from cunwu_tui.ui.screens.dialogs import MessageDialog
    from cunwu_tui.ui.screens.settings import SettingsScreen
    from test_app import SIZE, start, type_text, wait_for
    from test_app_backup import dialog_text, open_backup_page

    stick = tmp_path / "U"
    stick.mkdir()
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: app._startup_done.is_set())
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await wait_for(pilot, lambda: SERVER_BACKUP_LINE in str(screen.query_one("#backup", Static).render()))
        assert "U盘" not in str(screen.query_one("#attention", Static).render())  # no stick to remind of

        await open_backup_page(pilot)
        await type_text(pilot, str(stick))
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert "没有备份" in dialog_text(app) and SERVER_BACKUP in dialog_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        for _ in range(4):  # 保留（日、月）、提醒、从备份恢复
            await pilot.press("tab")
        await type_text(pilot, str(stick / "青山村_备份.db"))
        await pilot.press("enter")
        err = app.screen.query_one("#err-restore_file", Static)
        await wait_for(pilot, lambda: SERVER_BACKUP in str(err.render()))
        assert isinstance(app.screen, SettingsScreen)

        await pilot.press("f2", "ctrl+p")
        await pilot.pause()
        await type_text(pilot, "立即备份")
        await wait_for(pilot, lambda: any(c.option_count for c in app.screen.query(CommandList)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog) and SERVER_BACKUP in dialog_text(app))
        await pilot.press("enter")
    assert list(stick.iterdir()) == []
    assert not any(tmp_path.glob("*_备份"))


def test_copy_onto_the_server_and_back_keeps_every_record_and_chain(sqlite_demo_url, pg_url, tmp_path):
    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import Operator
    from cunwu_tui.services.transfer import TransferError, copy_between

    there = copy_between(sqlite_demo_url, pg_url)
    assert there.ok, there.check_lines
    assert there.transfer.counts["seal_use"] == 20 and there.transfer.counts["audit_log"] > 100
    with pytest.raises(TransferError, match="已经有数据"):
        copy_between(sqlite_demo_url, pg_url)  # never mixed into a database in use
    # the server carries on: ids continue after the copied ones
    s = open_services(pg_url)
    try:
        clerk = next(p for p in s.staff.list() if p.name == "赵丽")
        s.core.operator = Operator(clerk.id, clerk.name)
        s.residents.add("新居民", "居民身份证", "11010519491231002X", "", "一组")
        assert s.evidence.verify(full=True).ok
    finally:
        s.close()
    back_url = "sqlite:///" + str(tmp_path / "back.db")
    back = copy_between(pg_url, back_url)
    assert back.ok, back.check_lines
    assert back.transfer.counts["resident"] == there.transfer.counts["resident"] + 1
    assert back.transfer.heads["用印登记"] == there.transfer.heads["用印登记"]
    assert back.transfer.seal_head == there.transfer.seal_head


def test_cli_copy_needs_the_admin_and_an_empty_destination(sqlite_demo_url, pg_url, pin_stdin, capsys):
    from cunwu_tui.cli import main

    source = sqlite_demo_url.removeprefix("sqlite:///")
    assert main(["copy", "--from", source, "--to", pg_url, "--operator", "李秀英"]) == 2  # not an administrator
    assert "不是管理员" in capsys.readouterr().err
    assert main(["copy", "--from", source, "--to", pg_url, "--operator", "赵丽"]) == 0
    out, err = capsys.readouterr()
    assert "复制完成，两边一致" in out and "用印登记：完整" in out
    assert "警告" not in err  # the test server's databases order text like C
    assert main(["copy", "--from", source, "--to", pg_url, "--operator", "赵丽"]) == 2
    err = capsys.readouterr().err
    assert "已经有数据" in err and "Traceback" not in err


WORKER = textwrap.dedent(
    """
    import os, sys, time
    from datetime import datetime
    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import Operator

    url, go, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = open_services(url)
    staff = {p.name: p.id for p in s.staff.list()}
    s.core.operator = Operator(staff["赵丽"], "赵丽")
    s.core.clock = lambda: datetime(2026, 11, 23, 10, 0)
    seal = next(x for x in s.seals.list() if x.name == "村(居)委会印章")
    resident = s.residents.search("王")[0].id
    CaseIntake = sys.modules[type(s.cases).__module__].CaseIntake
    flags = [True] * len(s.cases.intake_defaults("MS-DIBAO").documents)
    open(f"{go}.ready-{os.getpid()}", "w").close()
    while not os.path.exists(go):
        time.sleep(0.01)
    for i in range(n):
        s.seal_register.add(seal.id, f"并发{me}-{i}", "事由", 1, "本村存档",
                            applicant_id=staff["赵丽"], approver_id=staff["李秀英"], used_at="2026-11-23 09:00")
        s.cases.add(CaseIntake("MS-DIBAO", resident, "来访", staff["赵丽"], "承诺件", flags, f"并发{me}-{i}", 20, "工作日"))
        s.notices.add(title=f"并发公示{me}-{i}", kind="低保", places=["公开栏"], start="2026-11-23 10:00",
                      length=7, unit="日", persons="张三 三组")
    s.close()
    print("done", me)
    """
)


def test_four_processes_at_once_no_duplicate_number_nothing_lost(demo_db, tmp_path):
    """Four windows on one server, each saving seal uses, cases and notices
    as fast as it can: every number once, contiguous, every record there,
    the chains whole."""
    from cunwu_tui.services import open_services

    n = 8
    s = open_services(demo_db)
    try:
        with s.core.engine.connect() as conn:
            before = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("seal_use", "case_record", "notice")
            }
    finally:
        s.close()
    go = tmp_path / "go"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).parent), env.get("PYTHONPATH", "")) if p)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, demo_db, str(go), str(me), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for me in range(4)
    ]
    _release_together(procs, go)
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "Traceback" not in err
    s = open_services(demo_db)
    try:
        with s.core.engine.connect() as conn:

            def numbers(sql: str) -> list[int]:
                return [int(r[0]) for r in conn.execute(text(sql))]

            after = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("seal_use", "case_record", "notice")
            }
            assert after == {t: before[t] + 4 * n for t in before}
            seal_seqs = numbers(
                "SELECT seq FROM seal_use WHERE seal_id = (SELECT seal_id FROM seal_use WHERE title = '并发0-0') "
                "AND year = 2026 ORDER BY seq"
            )
            assert seal_seqs == list(range(1, len(seal_seqs) + 1))
            case_seqs = numbers("SELECT seq FROM case_record WHERE year = 2026 ORDER BY seq")
            assert case_seqs == list(range(1, len(case_seqs) + 1))
            notice_seqs = numbers("SELECT seq FROM notice WHERE year = 2026 ORDER BY seq")
            assert notice_seqs == list(range(1, len(notice_seqs) + 1))
            for table, column in (("seal_use", "number"), ("case_record", "number")):
                dupes = conn.execute(text(f"SELECT {column} FROM {table} GROUP BY {column} HAVING count(*) > 1")).all()
                assert dupes == []
            mine = conn.execute(text("SELECT count(*) FROM seal_use WHERE title LIKE '并发%'")).scalar()
            assert mine == 4 * n
        report = s.evidence.verify(full=True)
        assert report.ok, report
        assert s.seal_register.verify().ok
    finally:
        s.close()


# -- the database's collation (README: createdb --lc-collate=C) -------------------------
# Linguistic orderings to test the warning with: ICU's zh-CN (pinyin) where the
# server has ICU (PostgreSQL 15+), else a libc locale of the machine (locale -a).
LINGUISTIC = (
    ("zh-CN", "LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN'"),
    ("zh_CN.UTF-8", "LC_COLLATE 'zh_CN.UTF-8' LC_CTYPE 'zh_CN.UTF-8'"),
    ("en_US.UTF-8", "LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'"),
)


def _collated_db(pg_template, choices):
    """A new empty database with the first of ``choices`` (name, CREATE
    DATABASE options) the server accepts: (url, name, database); None when
    it accepts none."""
    import secrets

    import psycopg

    from conftest import _pg_admin, _pg_url_for

    url, _template = pg_template
    database = f"cunwu_l_{secrets.token_hex(6)}"
    for name, options in choices:
        with _pg_admin(url) as con:
            try:
                con.execute(f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' {options}")
            except psycopg.Error:
                continue
        return _pg_url_for(url, database), name, database
    return None


def _drop(pg_template, database):
    from conftest import _pg_admin

    with _pg_admin(pg_template[0]) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def linguistic_pg(pg_template):
    """A new, empty database that does not order text like C: (url, collation)."""
    made = _collated_db(pg_template, LINGUISTIC)
    if made is None:
        pytest.skip(
            "the test server has no ICU and the machine no zh_CN or en_US locale (locale -a): no other ordering"
        )
    url, name, database = made
    yield url, name
    _drop(pg_template, database)


def test_cli_copy_onto_another_collation_warns_before_the_windows_move(
    sqlite_demo_url, linguistic_pg, pin_stdin, capsys
):
    """`cunwu copy` into a database ordering text by other rules copies
    (nothing is refused) and says so at once, as every start of it will."""
    from cunwu_tui.cli import main

    url, name = linguistic_pg
    source = sqlite_demo_url.removeprefix("sqlite:///")
    assert main(["copy", "--from", source, "--to", url, "--operator", "赵丽"]) == 0
    out, err = capsys.readouterr()
    assert "复制完成，两边一致" in out
    assert err.count("警告：") == 1 and f"排序规则是 {name}，不是 C" in err


def test_a_database_ordered_like_c_is_not_warned(pg_template, caplog):
    """C says nothing; libc's C.UTF-8 orders like C (code points) and is only
    noted in the log (it sorts more slowly)."""
    import logging

    from cunwu_tui.db.engine import collation_warning, make_engine

    for choices, noted in (
        ((("C", "LC_COLLATE 'C'"),), False),
        ((("C.UTF-8", "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"), ("C.utf8", "LC_COLLATE 'C.utf8'")), True),
    ):
        made = _collated_db(pg_template, choices)
        if made is None:
            continue  # no C.UTF-8 on this machine: C alone is tested
        url, name, database = made
        engine = make_engine(url)
        caplog.clear()
        try:
            with caplog.at_level(logging.INFO, logger="cunwu.db"):
                assert collation_warning(engine) is None
        finally:
            engine.dispose()
            _drop(pg_template, database)
        notes = [r for r in caplog.records if "collation" in r.getMessage()]
        assert [r.levelno for r in notes] == ([logging.INFO] if noted else []), name
        assert all(name in r.getMessage() and "orders text like C" in r.getMessage() for r in notes)


async def test_another_collation_is_warned_once_on_screen_on_stderr_and_in_the_log(linguistic_pg, caplog, capsys):
    """Not refused (an office may already work on it): the app opens, says
    it in a notice, ``cunwu``'s commands on stderr, the log without the
    address. And what it is about: the residents' list sorts by the
    database's rules (pinyin with zh-CN), not by code point as on SQLite."""
    import logging

    from identity_helpers import PIN, add_person
    from textual.widgets import OptionList

    from cunwu_tui.cli import main
    from cunwu_tui.services import open_services
    from cunwu_tui.ui.app import CunwuApp
    from cunwu_tui.ui.screens.operator import OperatorScreen

    url, name = linguistic_pg
    host = url.split("host=")[-1]
    with caplog.at_level(logging.INFO, logger="cunwu.db"):
        s = open_services(url)
    try:
        (warning,) = s.info.warnings
        assert f"排序规则是 {name}，不是 C" in warning and "--lc-collate=C" in warning
        logged = [r for r in caplog.records if r.levelno == logging.WARNING and "collation" in r.getMessage()]
        assert len(logged) == 1 and name in logged[0].getMessage()
        assert all(host not in r.getMessage() and "postgresql" not in r.getMessage() for r in caplog.records)
        clerk = add_person(s, "赵丽", "", ["文书"])
        s.set_operator(clerk.id, PIN)
        for person, number in (("张伟", "11010519491231002X"), ("李明", "110105194912310038")):
            s.residents.add(person, "居民身份证", number, "", "一组")
        order = [r.name for r in s.residents.page().items]
        if "zh" in name:  # pinyin: li before zhang; code points (C, SQLite) say 张 (U+5F20) before 李 (U+674E)
            assert order == ["李明", "张伟"]
    finally:
        s.close()

    capsys.readouterr()
    assert main(["--db", url, "verify"]) == 0
    err = capsys.readouterr().err
    assert err.count("警告：") == 1 and f"警告：{warning}" in err

    def shown() -> list[str]:
        return [n.message for n in app._notifications]

    app = CunwuApp(url, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        # The notice is a message the app handles after the operator screen
        # was pushed, and that screen composes later still: wait for both
        # (by the clock, not a count of pauses: CI's machine is slow).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            if isinstance(app.screen, OperatorScreen) and isinstance(app.focused, OptionList) and warning in shown():
                break
        assert isinstance(app.screen, OperatorScreen)  # opened: the warning does not stop the start
        assert isinstance(app.focused, OptionList)  # the operator picker is up, ready for the keys
        await pilot.pause(0.2)
        assert shown().count(warning) == 1


def test_two_windows_at_once_in_the_real_app(demo_db, tmp_path):
    """Two PCs of the service hall on one server, each the real app at
    80x24 driven with real keys (tests/window_worker.py): both register
    seal uses on F5 and take cases in on F4 at the same time. Afterwards
    each window's searches show the other's entries, every number is there
    once and the year's numbers run on without a gap, nothing is lost, and
    the chains verify."""
    from cunwu_tui.features.seals.numbers import parse_number
    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import day_clock
    from cunwu_tui.services.demo_base import demo_id_number
    from identity_helpers import PIN

    rounds = 3
    windows = {"甲": "甲窗口申请人", "乙": "乙窗口申请人"}  # a window, the applicant of its cases
    s = open_services(demo_db, clock=day_clock(TODAY))
    try:
        s.set_operator(next(p.id for p in s.staff.list() if p.name == "赵丽"), PIN)
        for i, name in enumerate(windows.values()):
            s.residents.add(name, id_number=demo_id_number("19800101", f"9{i}1"))
        with s.core.engine.connect() as conn:
            before = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("seal_use", "case_record")}
    finally:
        s.close()

    sync = tmp_path / "sync"
    sync.mkdir()
    worker = Path(__file__).with_name("window_worker.py")
    procs = {}
    for me, other in (("甲", "乙"), ("乙", "甲")):
        home = tmp_path / f"pc-{me}"  # two PCs: their own settings, logs and papers
        home.mkdir()
        env = dict(
            os.environ,
            HOME=str(home),
            PYTHONPATH=os.pathsep.join(filter(None, (str(worker.parent), os.environ.get("PYTHONPATH")))),
        )
        for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            env[var] = str(home / var.lower())
        args = [demo_db, str(sync), me, other, str(rounds), windows[me], windows[other]]
        with open(home / "stderr.txt", "w", encoding="utf-8") as err:  # a file: no pipe to fill while we wait
            procs[me] = subprocess.Popen(
                [sys.executable, str(worker), *args], cwd=home, stdout=err, stderr=err, env=env
            )

    def stderr(me: str) -> str:
        return (tmp_path / f"pc-{me}" / "stderr.txt").read_text(encoding="utf-8", errors="replace")[-4000:]

    def wait_until(what, predicate, timeout: float = 600.0):
        """Until ``predicate()``, or a window ends early (its error shown)."""
        end = time.monotonic() + timeout
        while not predicate():
            for me, p in procs.items():
                if p.poll() is not None and not predicate():
                    pytest.fail(f"window {me} ended before {what}: {p.returncode}\n{stderr(me)}")
            assert time.monotonic() < end, f"not reached in {timeout:.0f} s: {what}"
            time.sleep(0.05)  # polling a condition, not a stand-in for one

    try:
        wait_until("both ready", lambda: all((sync / f"ready-{me}").exists() for me in windows))
        (sync / "go").write_text("go")
        for p in procs.values():
            p.wait(timeout=900)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    for me, p in procs.items():
        assert p.returncode == 0, f"window {me}: {stderr(me)}"
        assert "Traceback" not in stderr(me)
    done = {me: json.loads((sync / f"done-{me}.json").read_text(encoding="utf-8")) for me in windows}
    seen = {me: json.loads((sync / f"seen-{me}.json").read_text(encoding="utf-8")) for me in windows}
    # at the same time: each window began before the other had finished
    assert done["甲"]["began"] < done["乙"]["ended"] and done["乙"]["began"] < done["甲"]["ended"]

    # each window's screens show the other's entries
    for me, other in (("甲", "乙"), ("乙", "甲")):
        assert sorted(seen[me]["seal_titles"]) == [f"{other}窗口用印{i}" for i in range(rounds)]
        shown = set(seen[me]["seal_numbers"])
        for number in done[other]["seals"]:
            short, _year, seq = parse_number(number)
            assert f"{short}{seq:03d}" in shown
        assert sorted(seen[me]["case_numbers"]) == sorted(n[n.index("第") :] for n in done[other]["cases"])

    seal_numbers = [n for me in windows for n in done[me]["seals"]]
    case_numbers = [n for me in windows for n in done[me]["cases"]]
    assert len(set(seal_numbers)) == len(seal_numbers) == 2 * rounds
    assert len(set(case_numbers)) == len(case_numbers) == 2 * rounds
    s = open_services(demo_db)
    try:
        with s.core.engine.connect() as conn:

            def one_column(sql: str) -> list:
                return [r[0] for r in conn.execute(text(sql))]

            after = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("seal_use", "case_record")}
            assert after == {t: before[t] + 2 * rounds for t in before}  # nothing lost, nothing extra
            titles = one_column("SELECT title FROM seal_use WHERE title LIKE '%窗口用印%' ORDER BY title")
            assert titles == sorted(f"{me}窗口用印{i}" for me in windows for i in range(rounds))
            # the seal's numbers of the year run 1, 2, 3 ... and the two windows' are the last ones
            seal_id = one_column("SELECT seal_id FROM seal_use WHERE title = '甲窗口用印0'")[0]
            seqs = one_column(f"SELECT seq FROM seal_use WHERE seal_id = {seal_id} AND year = 2026 ORDER BY seq")
            assert seqs == list(range(1, len(seqs) + 1))
            assert sorted(parse_number(n)[2] for n in seal_numbers) == seqs[-2 * rounds :]
            stored = one_column(f"SELECT number FROM seal_use WHERE seal_id = {seal_id} ORDER BY seq")
            assert set(seal_numbers) <= set(stored)
            seqs = one_column("SELECT seq FROM case_record WHERE year = 2026 ORDER BY seq")
            assert seqs == list(range(1, len(seqs) + 1))
            stored = one_column("SELECT number FROM case_record WHERE year = 2026 ORDER BY seq")
            assert sorted(case_numbers, key=stored.index) == stored[-2 * rounds :]
        report = s.evidence.verify(full=True)
        assert report.ok, report.lines()
        assert s.seal_register.verify().ok
    finally:
        s.close()


# -- over TCP with a password, as a service hall's windows reach the server --

TCP_ENV = "CUNWU_TEST_PG_TCP"


@pytest.fixture
def lan_url():
    """A new database on the test server reached over TCP (127.0.0.1) as a
    user who must give a password (.ci/postgres.sh writes that URL)."""
    url = os.environ.get(TCP_ENV, "").strip()
    if not url:
        pytest.skip(f"no PostgreSQL server over TCP for the tests: set {TCP_ENV} (.ci/postgres.sh writes DIR/tcp_url)")
    pytest.importorskip("psycopg")
    with _new_database(url, "cunwu_lan", "LC_COLLATE 'C' LC_CTYPE 'C'") as made:
        yield made


def _with_password(url: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


def test_a_window_reaches_its_server_over_tcp_with_a_password(lan_url, caplog, capsys):
    """Over the network (TCP to 127.0.0.1, password checked by the server):
    the database is set up, written and checked like any other, and the
    password is in no message, output or log line."""
    import logging

    from identity_helpers import PIN, add_person
    from sqlalchemy.engine import make_url

    from cunwu_tui.cli import main
    from cunwu_tui.services import open_services

    password = make_url(lan_url).password
    assert password
    with caplog.at_level(logging.DEBUG):
        s = open_services(lan_url)
        try:
            with s.core.engine.connect() as conn:  # TCP, not the socket the other tests use
                assert conn.execute(text("SELECT host(inet_client_addr())")).scalar() == "127.0.0.1"
            clerk = add_person(s, "赵丽", "", ["文书"])
            s.set_operator(clerk.id, PIN)
            s.residents.add("张伟", "居民身份证", "11010519491231002X", "", "一组")
            assert [r.name for r in s.residents.search("张")] == ["张伟"]
            assert s.evidence.verify(full=True).ok
        finally:
            s.close()
        assert main(["--db", lan_url, "verify"]) == 0
    out, err = capsys.readouterr()
    assert "完整" in out and password not in out + err
    assert caplog.records and all(password not in r.getMessage() for r in caplog.records)


async def test_a_wrong_password_over_tcp_is_said_in_chinese_and_never_shown(lan_url, caplog, capsys):
    """The server refuses the password: services, `cunwu` and the app each
    say so in Chinese (user name or password, or pg_hba.conf), and neither
    the wrong password nor the right one appears anywhere."""
    from sqlalchemy.engine import make_url

    from cunwu_tui.cli import main
    from cunwu_tui.db.engine import DatabaseError
    from cunwu_tui.services import open_services
    from cunwu_tui.ui.app import CunwuApp
    from cunwu_tui.ui.screens.dialogs import MessageDialog
    from test_app import SIZE, wait_for
    from test_app_backup import dialog_text

    right = str(make_url(lan_url).password)
    wrong = "wrong-" + right[::-1]
    bad = _with_password(lan_url, wrong)
    said = "用户名或密码不对"

    with pytest.raises(DatabaseError) as exc:
        open_services(bad)
    assert said in str(exc.value) and "127.0.0.1" in str(exc.value)
    assert main(["--db", bad, "verify"]) != 0
    out, err = capsys.readouterr()
    assert said in err and "Traceback" not in err

    app = CunwuApp(bad, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog) and said in dialog_text(app))
        shown = dialog_text(app)
        assert "无法打开数据库" in shown
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (right, wrong):
        assert all(secret not in text for text in (str(exc.value), out, err, shown, logged))
