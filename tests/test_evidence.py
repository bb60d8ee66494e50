"""Tamper evidence for every register (services/evidence.py): edits,
deletions, insertions and swaps made with sqlite3 behind the app's back,
dropped triggers, and a rewrite with the app's own code caught by an
earlier export."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from cunwu_tui.db import evidence as db_evidence
from cunwu_tui.domain import evidence as ev
from cunwu_tui.services import open_services
from cunwu_tui.services.demo import DEMO_PIN, fill_demo

TODAY = date(2026, 11, 22)

# Rows made by hand for the tables the demo leaves with fewer than two.
EXTRA = {
    "duty_change": "INSERT INTO duty_change (day, role, old_name, new_name, reason, operator_id, operator_name,"
    " recorded_at) VALUES ('2026-11-20', '值班人员', '甲', '乙', '调班', NULL, '', '2026-11-19 10:00:00')",
    "duty_void": "INSERT INTO duty_void (kind, target_id, reason, operator_name, recorded_at) SELECT 'log', id, '测试',"
    " '', '2026-11-20 10:00:00' FROM duty_log ORDER BY id LIMIT 2",
    "duty_case_link": "INSERT INTO duty_case_link (log_id, case_id, case_number, operator_name, recorded_at) SELECT id,"
    " 1, '〔2026〕第0001号', '', '2026-11-20 10:00:00' FROM duty_log ORDER BY id LIMIT 2",
    "holiday_rota": 'INSERT INTO holiday_rota (name, start, "end", filed_at, filed_to, filed_by, notified_at,'
    " notified_note, notified_by, created_at) VALUES ('元旦', '2027-01-01', '2027-01-03', NULL, '',"
    " '', NULL, '', '', '2026-11-20 10:00:00')",
    "notice_objection": "INSERT INTO notice_objection (notice_id, received_at, from_name, content, received_by,"
    " recorded_at) SELECT notice_id, received_at, '', '再提异议', received_by, recorded_at"
    " FROM notice_objection LIMIT 1",
    "objection_outcome": "INSERT INTO objection_outcome (objection_id, handling, result, answered_at, operator_name,"
    " recorded_at) SELECT MAX(id), '核实', '不成立', NULL, '', '2026-11-20 10:00:00'"
    " FROM notice_objection",
    "resident_merge": "INSERT INTO resident_merge (duplicate_id, kept_id, reason, operator_id, operator_name,"
    " recorded_at) SELECT id, 1, '重复登记', NULL, '', '2026-11-20 10:00:00' FROM resident"
    " WHERE id > 1 ORDER BY id DESC LIMIT 2",
}

# A covered column to change in each table, and the Chinese label verify must name.
CHANGE = {
    "seal_use": ("title", "文件名称"),
    "seal_void": ("reason", ""),
    "case_record": ("applicant_name", ""),
    "case_event": ("text", ""),
    "duty_change": ("reason", ""),
    "duty_log": ("content", "内容"),
    "duty_substitution": ("note", ""),
    "duty_handover": ("note", ""),
    "duty_item": ("text", ""),
    "duty_item_close": ("note", ""),
    "duty_confirm": ("by_name", ""),
    "duty_void": ("reason", ""),
    "duty_case_link": ("case_number", ""),
    "holiday_rota": ("filed_to", ""),
    "notice": ("title", ""),
    "notice_person": ("name", ""),
    "notice_objection": ("content", ""),
    "objection_outcome": ("handling", ""),
    "resident": ("phone", "电话"),
    "resident_merge": ("reason", ""),
    "staff": ("name", ""),
    "audit_log": ("after", ""),
    "staff_credential": ("pin_hash", ""),
    "approval": ("approver_name", "审批人"),
}

# Unique columns bent so that a copied row can be slipped in.
UNIQUE = {
    "seal_use": {
        "chain_seq": "chain_seq + 100000",
        "hash": "hash || 'x'",
        "seq": "seq + 1000",
        "number": "number || 'x'",
    },
    "seal_void": {"chain_seq": "chain_seq + 100000", "use_id": "use_id + 100000", "hash": "hash || 'x'"},
    "case_record": {"number": "number || 'x'", "seq": "seq + 1000"},
    "notice": {"seq": "seq + 1000"},
    "duty_item_close": {"item_id": "item_id + 100000"},
    "duty_confirm": {"handover_id": "handover_id + 100000"},
    "duty_void": {"target_id": "target_id + 100000"},
    "duty_case_link": {"log_id": "log_id + 100000"},
    "holiday_rota": {"start": "'2099-01-01'"},
    "objection_outcome": {"objection_id": "objection_id + 100000"},
    "resident_merge": {"duplicate_id": "duplicate_id + 100000"},
    "staff_credential": {"staff_id": "staff_id + 100000"},
}


def _file(url: str) -> str:
    return url.removeprefix("sqlite:///")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """A demo database where every evidence table has at least two rows,
    all vouched for by the chain."""
    folder = tmp_path_factory.mktemp("evidence")
    url = "sqlite:///" + str(folder / "base.db")
    s = open_services(url)
    try:
        fill_demo(s, today=TODAY)
        entry = next(u for u in s.seal_register.list() if not u.voided)
        s.seal_register.void(entry.id, "测试作废")
        with s.core.engine.begin() as conn:
            for table, sql in EXTRA.items():
                conn.execute(text(sql))
            db_evidence.chain_existing(conn, list(ev.EVIDENCE), datetime(2026, 11, 22, 12, 0))
            for table in ev.EVIDENCE:
                assert conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar() >= 2, table
        assert s.evidence.verify().ok
    finally:
        s.close()
    return folder / "base.db"


@pytest.fixture
def copy(filled, tmp_path) -> str:
    target = tmp_path / "cunwu.db"
    src = sqlite3.connect(filled)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return "sqlite:///" + str(target)


def _tamper(url: str, *sql: str, args: tuple = ()) -> None:
    con = sqlite3.connect(_file(url))
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f'DROP TRIGGER "{name}"')
    for statement in sql:
        con.execute(statement, args) if args else con.execute(statement)
    con.commit()
    con.close()


def _ids(url: str, table: str) -> list[int]:
    con = sqlite3.connect(_file(url))
    ids = [r[0] for r in con.execute(f'SELECT id FROM "{table}" ORDER BY id')]
    con.close()
    return ids


def _check(url: str, table: str):
    s = open_services(url)
    try:
        report = s.evidence.verify(full=True)
    finally:
        s.close()
    register = ev.EVIDENCE[table].register
    broken = {r.register: r for r in report.broken}
    assert set(broken) == {register}, [r.message for r in report.registers]
    assert report.triggers  # they were dropped ...
    assert report.restored  # ... and are back
    return broken[register]


TABLES = sorted(ev.EVIDENCE)


@pytest.mark.parametrize("table", TABLES)
def test_update_is_named(copy, table):
    column, label = CHANGE[table]
    row = _ids(copy, table)[1]
    _tamper(copy, f'UPDATE "{table}" SET "{column}" = "{column}" || \'改\' WHERE id = {row}')
    r = _check(copy, table)
    assert r.what == "被改动", r.message
    if label:
        assert label in r.detail, r.message
    assert str(row) in r.record or table in ("seal_use", "seal_void", "case_record", "case_event", "notice", "staff"), (
        r.message
    )


@pytest.mark.parametrize("table", TABLES)
def test_delete_is_named(copy, table):
    row = _ids(copy, table)[1]
    _tamper(copy, f'DELETE FROM "{table}" WHERE id = {row}')
    r = _check(copy, table)
    assert r.what == "被删除" and str(row) in r.record, r.message


@pytest.mark.parametrize("table", TABLES)
def test_insert_is_named(copy, table):
    con = sqlite3.connect(_file(copy))
    columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")') if r[1] != "id"]
    con.close()
    exprs = ", ".join(UNIQUE.get(table, {}).get(c, f'"{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    row = _ids(copy, table)[0]
    _tamper(copy, f'INSERT INTO "{table}" ({names}) SELECT {exprs} FROM "{table}" WHERE id = {row}')
    r = _check(copy, table)
    assert r.what == "未经本程序登记的记录", r.message


@pytest.mark.parametrize("table", TABLES)
def test_swap_is_named(copy, table):
    a, b = _ids(copy, table)[:2]
    _tamper(
        copy,
        f'UPDATE "{table}" SET id = -1 WHERE id = {a}',
        f'UPDATE "{table}" SET id = {a} WHERE id = {b}',
        f'UPDATE "{table}" SET id = {b} WHERE id = -1',
    )
    r = _check(copy, table)
    assert r.what == "顺序被调换", r.message


def test_records_are_named_in_words(copy):
    con = sqlite3.connect(_file(copy))
    case_id, number = con.execute("SELECT id, number FROM case_record ORDER BY id LIMIT 1").fetchone()
    third = con.execute(
        "SELECT id FROM case_event WHERE case_id = ? ORDER BY id LIMIT 1 OFFSET 2", (case_id,)
    ).fetchone()
    con.close()
    if third is None:
        pytest.skip("demo case with fewer than three events")
    _tamper(
        copy,
        f"UPDATE case_event SET text = '改过' WHERE id = {third[0]}",
        "UPDATE audit_log SET after = '{}' WHERE id = 7",
    )
    s = open_services(copy)
    try:
        report = s.evidence.verify()
    finally:
        s.close()
    by = {r.register: r for r in report.broken}
    assert by["办件"].record == f"办件{number} 的第3条办理记录"
    assert by["操作日志"].record == "操作日志第7条" and "修改后" in by["操作日志"].detail


def test_summary_columns_of_a_case_are_not_evidence(copy):
    _tamper(copy, "UPDATE case_record SET status = '已办结' WHERE id = 1")
    s = open_services(copy)
    try:
        report = s.evidence.verify()
        assert not report.broken and report.triggers
    finally:
        s.close()


def test_changes_made_by_the_app_are_chained(demo_services):
    s = demo_services
    person = s.staff.list()[0]
    s.staff.update(person.id, person.name + "甲", "13900000001", person.roles, admin_pin=DEMO_PIN)
    with s.core.engine.connect() as conn:
        ops = [
            r[0]
            for r in conn.execute(
                text("SELECT op FROM evidence_link WHERE table_name = 'staff' AND row_id = :i ORDER BY seq"),
                {"i": person.id},
            )
        ]
    assert ops[0] == "新增" and ops[-1] == "修改"
    assert s.evidence.verify().ok


def test_declared_triggers_are_what_the_migrations_create(services):
    with services.core.engine.connect() as conn:
        have = {
            n: " ".join(sql.split())
            for n, sql in conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        }
        assert db_evidence.trigger_problems(conn) == []
    assert have == {n: " ".join(sql.split()) for n, sql in db_evidence.EXPECTED_TRIGGERS.items()}


def test_append_only_tables_refuse_changes(demo_services):
    con = sqlite3.connect(_file(str(demo_services.core.engine.url)))
    for table in ("audit_log", "evidence_link", "notice_person", "notice_objection", "objection_outcome"):
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(f'DELETE FROM "{table}"')
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(f'UPDATE "{table}" SET id = id')
    con.close()


def test_dropped_and_altered_triggers_are_restored_on_the_record(copy):
    con = sqlite3.connect(_file(copy))
    con.execute("DROP TRIGGER duty_log_no_update")
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END")
    con.commit()
    con.close()
    s = open_services(copy)
    try:
        report = s.evidence.verify(full=False)
        assert {(t.name, t.state) for t in report.triggers} == {
            ("duty_log_no_update", "缺失"),
            ("audit_log_no_delete", "被改动"),
        }
        assert report.restored and "已按原样恢复" in report.trigger_message
        assert not report.broken
        again = s.evidence.verify(full=False)
        assert again.ok
        last = s.audit.recent(1)[0]
        assert last.action == "恢复触发器"
    finally:
        s.close()


def test_incremental_check_catches_deletions_and_insertions(copy):
    s = open_services(copy)
    try:
        assert s.evidence.verify(full=True).ok  # sets the checkpoint
        s.set_operator(next(p.id for p in s.staff.list() if p.name == "赵丽"), DEMO_PIN)
        s.staff.add("新来的", "", (), admin_pin=DEMO_PIN)
        quick = s.evidence.verify(full=False)
        assert quick.ok and not quick.full
    finally:
        s.close()
    _tamper(copy, "DELETE FROM duty_log WHERE id = (SELECT MAX(id) FROM duty_log)")
    s = open_services(copy)
    try:
        quick = s.evidence.verify(full=False)
        assert [r.register for r in quick.broken] == ["值班记录"]
        assert quick.broken[0].what == "被删除"
    finally:
        s.close()


def test_removing_the_last_row_with_its_link_is_caught_by_the_checkpoint(copy):
    s = open_services(copy)
    try:
        assert s.evidence.verify().ok
    finally:
        s.close()
    _tamper(
        copy,
        "DELETE FROM evidence_link WHERE id = (SELECT MAX(id) FROM evidence_link WHERE table_name = 'staff')",
        "DELETE FROM staff WHERE id = (SELECT MAX(id) FROM staff)",
    )
    s = open_services(copy)
    try:
        report = s.evidence.verify(full=False)
        assert [r.register for r in report.broken] == ["人员"] and report.broken[0].what == "链被改写"
    finally:
        s.close()


def _rewrite_with_the_apps_own_code(url: str, at: datetime) -> None:
    """An insider changes a duty entry, then recomputes every chain with the
    app's own functions: the database alone looks whole again."""
    _tamper(
        url,
        "UPDATE duty_log SET content = '改写过的内容' WHERE id = 1",
        "DELETE FROM evidence_link",
        "DELETE FROM setting WHERE key = 'evidence_checkpoint'",
    )
    s = open_services(url)
    try:
        with s.core.engine.begin() as conn:
            db_evidence.chain_existing(conn, list(ev.EVIDENCE), at)
        with s.core.engine.begin() as conn:
            db_evidence.restore_triggers(conn, [n for n, _ in db_evidence.trigger_problems(conn)])
        assert s.evidence.verify().ok
    finally:
        s.close()


def test_a_rewrite_is_caught_against_an_earlier_export(copy, tmp_path, capsys):
    from python_calamine import CalamineWorkbook

    from cunwu_tui.cli import main

    s = open_services(copy)
    try:
        path = s.exports.export("2026-11", ["duty_log"], tmp_path / "out", today=date(2026, 12, 6))[0]
    finally:
        s.close()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("校验").to_python()
    header = next(i for i, r in enumerate(sheet) if r[0] == "登记簿")
    rows = {r[0]: r for r in sheet[header + 1 :] if r[0] in ev.registers()}
    assert set(rows) == set(ev.registers())
    duty = rows["值班记录"]
    assert int(duty[1]) > 0 and len(duty[2]) == 19
    typed = f"值班记录:{int(duty[1])}:{duty[2]}"

    assert main(["--db", copy, "verify", "--against", str(path), "--against", typed]) == 0
    _rewrite_with_the_apps_own_code(copy, datetime(2026, 11, 25, 9, 0))
    capsys.readouterr()
    assert main(["--db", copy, "verify"]) == 0  # the database alone cannot tell
    assert main(["--db", copy, "verify", "--against", str(path)]) == 1
    err = capsys.readouterr().err
    assert "值班记录：与台账" in err and "不一致" in err
    assert main(["--db", copy, "verify", "--against", typed]) == 1


def test_merge_warns_when_a_village_does_not_continue(copy, tmp_path):
    from cunwu_tui.ledgers.merge import merge_ledgers

    s = open_services(copy)
    try:
        nov = s.exports.export("2026-11", ["duty_log"], tmp_path / "nov", today=date(2026, 12, 6))[0]
        dec = s.exports.export("2026-12", ["duty_log"], tmp_path / "dec", today=date(2026, 12, 6))[0]
    finally:
        s.close()
    last = merge_ledgers([nov], tmp_path / "nov_sum.xlsx", "柳河镇")
    warnings: list[str] = []
    merge_ledgers([dec], tmp_path / "dec_sum.xlsx", "柳河镇", previous=last, warnings=warnings)
    assert warnings == []

    _rewrite_with_the_apps_own_code(copy, datetime(2026, 11, 25, 9, 0))
    s = open_services(copy)
    try:
        dec2 = s.exports.export("2026-12", ["duty_log"], tmp_path / "dec2", today=date(2026, 12, 6))[0]
    finally:
        s.close()
    warnings = []
    out = merge_ledgers([dec2], tmp_path / "dec_sum2.xlsx", "柳河镇", previous=last, warnings=warnings)
    assert warnings and "青山村" in warnings[0] and "不衔接" in warnings[0]
    from python_calamine import CalamineWorkbook

    summary = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()
    assert any("不衔接" in str(c) for r in summary for c in r)
    assert any("值班记录" in str(c) and "条" in str(c) for r in summary for c in r)


def test_the_demo_verifies_clean(services, capsys):
    from cunwu_tui.cli import main

    fill_demo(services, today=TODAY)
    url = str(services.core.engine.url)
    services.close()
    assert main(["--db", url, "verify"]) == 0
    out = capsys.readouterr().out
    for register in ev.registers():
        assert f"{register}：完整" in out


def test_an_older_database_is_chained_at_the_upgrade(tmp_path):
    from cunwu_tui.db.engine import make_engine, upgrade

    path = tmp_path / "old.db"
    engine = make_engine("sqlite:///" + str(path))
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (name, phone, roles, active, created_at) "
                "VALUES ('老文书', '', '文书', 1, '2026-01-05 09:00:00.000000')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_log (at, operator_id, operator_name, entity, entity_id, action, before,"
                " after) VALUES ('2026-01-05 09:00:00.000000', NULL, '系统', 'staff', '1', '新增', '', '')"
            )
        )
    engine.dispose()
    s = open_services("sqlite:///" + str(path))
    try:
        with s.core.engine.connect() as conn:
            linked = {(t, i) for t, i in conn.execute(text("SELECT table_name, row_id FROM evidence_link"))}
        assert ("staff", 1) in linked and ("audit_log", 1) in linked
        assert s.evidence.verify().ok
    finally:
        s.close()
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET operator_name = '别人' WHERE id = 1")
    con.commit()
    con.close()
    s = open_services("sqlite:///" + str(path))
    try:
        report = s.evidence.verify()
        assert [r.record for r in report.broken] == ["操作日志第1条"]
    finally:
        s.close()


def test_head_text_round_trips():
    head = ev.Head("用印登记", 57, "3f2a91bc0d4e7781" + "0" * 48)
    assert head.text == "用印登记:57:3F2A-91BC-0D4E-7781"
    assert ev.parse_head(head.text) == ("用印登记", 57, "3F2A-91BC-0D4E-7781")
    with pytest.raises(ValueError):
        ev.parse_head("用印:57:3F2A")


def test_declared_columns_exist_and_append_only_tables_are_fully_covered():
    from sqlmodel import SQLModel

    import cunwu_tui.db.models  # noqa: F401

    for table, spec in ev.EVIDENCE.items():
        have = [c.name for c in SQLModel.metadata.tables[table].columns if c.name != "id"]
        assert set(spec.columns) <= set(have), table
        if table != "case_record":
            assert list(spec.columns) == have, table


def test_backup_manifest_carries_every_head_and_anchors_a_check(copy, tmp_path, capsys):
    import json

    from cunwu_tui.cli import main

    s = open_services(copy)
    try:
        backup = s.backups.backup_now(str(tmp_path / "u"))
    finally:
        s.close()
    manifest = backup.path.with_suffix(".json")
    heads = json.loads(manifest.read_text(encoding="utf-8"))["evidence"]
    assert set(heads) == set(ev.registers()) and all(c > 0 for c, _ in heads.values())
    assert main(["--db", copy, "verify", "--against", str(manifest)]) == 0
    _rewrite_with_the_apps_own_code(copy, datetime(2026, 11, 25, 9, 0))
    capsys.readouterr()
    assert main(["--db", copy, "verify", "--against", str(manifest)]) == 1
    assert "备份说明" in capsys.readouterr().err
