"""Ledger export end to end: the service behind F8 and ``cunwu export``, the
two shipped ledgers (人员名册, 操作日志), the CLI and the township merge.
Every file is read back with python-calamine, not with openpyxl."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from cunwu_tui.cli import main
from cunwu_tui.services import ValidationError
from cunwu_tui.services.audit import describe_change
from cunwu_tui.services.export import default_month, ledger_choices
from identity_helpers import PIN

TODAY = date(2026, 11, 22)


def sheet(path: Path, index: int = 0) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(index).to_python(skip_empty_area=False)


def sheet_names(path: Path) -> list[str]:
    return CalamineWorkbook.from_path(str(path)).sheet_names


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def data_rows(rows: list[list]) -> list[list]:
    """Rows between the header (row 3) and the 合计 row or closing line."""
    out = []
    for r in rows[3:]:
        if r[0] == "合计" or str(r[0]).startswith("单位负责人"):
            break
        out.append(r)
    return out


def test_default_month_is_last_month():
    assert default_month(date(2026, 11, 22)) == "2026-10"
    assert default_month(date(2027, 1, 1)) == "2026-12"


def test_shipped_ledgers():
    choices = [(c.name, c.title) for c in ledger_choices()]
    assert choices[:2] == [("staff", "人员名册"), ("audit", "操作日志")]
    assert len({n for n, _ in choices}) == len(choices) and len({t for _, t in choices}) == len(choices)


def test_demo_village_exports_last_month(demo_services, tmp_path):
    demo_services.set_operator(demo_services.staff.list()[3].id, PIN)  # 赵丽, the clerk
    out = tmp_path / "台账"  # created when missing
    paths = demo_services.exports.export("2026-10", None, out, today=TODAY)
    assert [p.name for p in paths][:2] == ["青山村_人员名册_2026-10.xlsx", "青山村_操作日志_2026-10.xlsx"]
    assert len(paths) == len(ledger_choices())  # all by default

    staff = sheet(paths[0])
    assert staff[0][0] == "青山村人员名册（2026年10月）"
    assert staff[1][0].startswith("填报单位：柳河镇青山村")
    assert staff[2][:5] == ["序号", "姓名", "职务", "联系电话", "状态"]
    people = data_rows(staff)
    assert len(people) == 9
    assert people[0][:2] == [1.0, "王建国"] or people[0][:2] == [1, "王建国"]
    assert sum(1 for r in people if r[4] == "离岗") == 1
    closing = [r[0] for r in staff if str(r[0]).startswith("单位负责人")]
    assert closing and "赵丽" in closing[0] and "13903510004" in closing[0]

    log = sheet(paths[1])
    assert log[0][0] == "青山村操作日志（2026年10月）"
    entries = data_rows(log)
    assert entries, "the demo lays its history in the previous month"
    for r in entries:
        assert isinstance(r[1], datetime)  # real date-times, not text
        assert datetime(2026, 10, 1) <= r[1] < datetime(2026, 11, 1)
        assert "{" not in str(r[6]) + str(r[7])  # words, not JSON
    changed = [r for r in entries if r[4] == "吴桂兰" and r[5] == "修改"]
    # made inactive by the clerk, confirmed with an administrator's PIN (#13)
    assert [(r[6], r[7]) for r in changed] == [("状态：在岗", "状态：离岗\n确认的管理员：赵丽")]
    added = [r for r in entries if r[4] == "王建国" and r[5] == "新增"]
    # free text in a ledger: phones masked (the roster above keeps the work phones whole)
    assert added[0][7] == "姓名：王建国\n职务：书记、带班领导\n电话：139****0001\n状态：在岗\n管理员：是"
    assert all(r[1] < datetime(2026, 11, 1) for r in entries)  # November's change is not in October's log


def test_audit_changes_in_words():
    before = '{"active": true, "id": 8, "name": "周海", "phone": "1", "roles": ["值班员"]}'
    after = '{"active": false, "id": 8, "name": "周海", "phone": "1", "roles": ["值班员", "委员"]}'
    assert describe_change(before, after, "staff") == ("职务：值班员\n状态：在岗", "职务：值班员、委员\n状态：离岗")
    assert describe_change("", '{"id": 3, "name": "党支部印章", "note": "", "active": true}', "seal") == (
        "",
        "名称：党支部印章\n状态：在用",
    )
    assert describe_change('{"note": "旧"}', '{"note": ""}') == ("备注：旧", "备注：（空）")
    assert describe_change('{"value": null}', '{"value": "D:\\\\台账"}') == ("值：（空）", "值：D:\\台账")
    assert describe_change("", "") == ("", "")


def test_existing_files_are_never_overwritten(demo_services, tmp_path):
    tmp_path = tmp_path / "out"
    first = demo_services.exports.export("2026-10", ["staff"], tmp_path, today=TODAY)
    second = demo_services.exports.export("2026-10", ["staff"], tmp_path, today=TODAY)
    assert first[0].name == "青山村_人员名册_2026-10.xlsx"
    assert second[0].name == "青山村_人员名册_2026-10 (2).xlsx"
    assert files(tmp_path) == ["青山村_人员名册_2026-10 (2).xlsx", "青山村_人员名册_2026-10.xlsx"]


def test_folder_is_remembered(demo_services, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert demo_services.exports.default_dir() == tmp_path / "exports"
    demo_services.exports.export("2026-10", ["staff"], tmp_path / "报乡镇", remember_dir=True, today=TODAY)
    assert demo_services.exports.default_dir() == (tmp_path / "报乡镇").resolve()


@pytest.mark.parametrize(
    ("month", "names", "field", "words"),
    [
        ("2026-13", None, "month", "月份"),
        ("十月", None, "month", "月份"),
        ("", None, "month", "请填写月份"),
        ("2026-10", ["no-such"], "ledgers", "no-such"),
    ],
)
def test_bad_requests_write_nothing(demo_services, tmp_path, month, names, field, words):
    out = tmp_path / "out"
    with pytest.raises(ValidationError) as exc:
        demo_services.exports.export(month, names, out, today=TODAY)
    assert words in exc.value.errors[field]
    assert files(out) == []


def test_incomplete_profile_is_refused(services, tmp_path):
    tmp_path = tmp_path / "out"
    with pytest.raises(ValidationError) as exc:
        services.exports.export("2026-10", None, tmp_path, today=TODAY)
    assert "请先在设置中填写" in exc.value.errors["profile"] and "F9" not in exc.value.errors["profile"]
    assert files(tmp_path) == []


def test_unwritable_folder_is_refused(demo_services, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ValidationError) as exc:
        demo_services.exports.export("2026-10", None, blocker / "sub", today=TODAY)
    assert "not-a-folder" in exc.value.errors["out_dir"]
    assert files(tmp_path) == ["not-a-folder"]


# --------------------------------------------------------------------------
# CLI


@pytest.fixture
def demo_db(tmp_path) -> Path:
    db = tmp_path / "示例.db"
    assert main(["demo", "--db", str(db)]) == 0
    return db


def test_cli_export_prints_full_paths(demo_db, tmp_path, capsys, pin_stdin):
    capsys.readouterr()
    out = tmp_path / "exports"
    assert main(["export", "--db", str(demo_db), "--month", "2026-10", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed[:2] == [str(out / "青山村_人员名册_2026-10.xlsx"), str(out / "青山村_操作日志_2026-10.xlsx")]
    assert len(printed) == len(ledger_choices())
    assert all(Path(p).is_absolute() and Path(p).exists() for p in printed)
    # the remembered operator signs the ledger
    assert any("经办人：赵丽" in str(r[0]) for r in sheet(Path(printed[0])))


def test_cli_export_default_month_and_folder(demo_db, tmp_path, monkeypatch, capsys, pin_stdin):
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(demo_db), "export", "--ledger", "staff"]) == 0
    printed = capsys.readouterr().out.split()
    last = default_month(date.today())
    assert printed == [str(tmp_path / "exports" / f"青山村_人员名册_{last}.xlsx")]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--month", "2026-13"], "月份"),
        (["--month", "2026-10", "--ledger", "nonsense"], "nonsense"),
    ],
)
def test_cli_export_errors_leave_no_file(demo_db, tmp_path, capsys, extra, words, pin_stdin):
    out = tmp_path / "out"
    assert main(["export", "--db", str(demo_db), "--out", str(out)] + extra) == 2
    err = capsys.readouterr().err
    assert words in err and "错误" in err and "Traceback" not in err
    assert files(out) == []


def test_cli_export_unwritable_folder(demo_db, tmp_path, capsys, pin_stdin):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    assert main(["export", "--db", str(demo_db), "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "错误" in err and "file.txt" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == []


def test_cli_help_lists_every_ledger(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    for c in ledger_choices():
        assert f"{c.name}（{c.title}）" in text


def _village_export(tmp_path: Path, village: str) -> Path:
    """The staff roster of one more village (a copy of the demo, renamed)."""
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo

    s = open_services("sqlite:///" + str(tmp_path / f"{village}.db"))
    try:
        fill_demo(s, today=TODAY)
        p = s.settings.profile()
        s.settings.save_profile(dataclasses.replace(p, village=village))
        return s.exports.export("2026-10", ["staff"], tmp_path / village, today=TODAY)[0]
    finally:
        s.close()


def test_cli_merge_three_villages(tmp_path, capsys):
    inputs = [_village_export(tmp_path, v) for v in ("青山村", "柳河村", "石门社区")]
    out = tmp_path / "汇总"
    out.mkdir()
    capsys.readouterr()
    args = ["merge", *map(str, inputs), "--out", str(out), "--operator", "钱进", "--phone", "0351-6010000"]
    assert main(args) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written == out / "柳河镇_人员名册汇总_2026-10.xlsx"
    assert sheet_names(written) == ["人员名册", "汇总"]
    rows = sheet(written)
    assert rows[0][0] == "柳河镇人员名册汇总（2026年10月）"
    assert rows[2][0] == "村(社区)"
    body = data_rows(rows)
    assert len(body) == 27 and {r[0] for r in body} == {"青山村", "柳河村", "石门社区"}
    assert any("经办人：钱进" in str(r[0]) and "0351-6010000" in str(r[0]) for r in rows)
    summary = sheet(written, 1)
    counts = {r[0]: r[1] for r in data_rows(summary)}
    assert counts == {"青山村": 9, "柳河村": 9, "石门社区": 9}


def test_cli_merge_refuses_mixed_kinds(demo_db, tmp_path, capsys, pin_stdin):
    out = tmp_path / "x"
    assert main(["export", "--db", str(demo_db), "--month", "2026-10", "--out", str(out)]) == 0
    staff, audit = (Path(p) for p in capsys.readouterr().out.split()[:2])
    target = tmp_path / "merged.xlsx"
    assert main(["merge", str(staff), str(audit), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert audit.name in err and "Traceback" not in err
    assert not target.exists()


def test_cli_merge_refuses_unreadable_file(tmp_path, capsys):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a workbook")
    target = tmp_path / "merged.xlsx"
    assert main(["merge", str(bad), "--out", str(target)]) == 2
    assert "坏文件.xlsx" in capsys.readouterr().err
    assert not target.exists()


def test_every_declared_ledger_has_its_lines():
    """Each ledger of ledgers/registers.py gets its typed lines from a builder
    in services/ledger_rows.py, and nothing else is built."""
    from cunwu_tui.services.ledger_rows import builders

    assert sorted(c.name for c in ledger_choices()) == sorted(builders())
