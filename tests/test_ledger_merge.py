"""Township summary of village ledgers (merge_ledgers)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from cunwu_tui.ledgers import engine
from cunwu_tui.ledgers.engine import Column, Ledger, LedgerContext, LedgerError, Period, register
from cunwu_tui.ledgers.merge import merge_ledgers
from cunwu_tui.ledgers.naming import export_ledgers

NOV = Period(2026, 11)
AMBIGUOUS = "…“”—·"


def _rows(source, period):
    yield from source


SEALS = Ledger(
    name="seals",
    title="用印登记台账",
    columns=(
        Column("序号", 6, "integer"),
        Column("日期", 11, "date"),
        Column("事由", 30, wrap=True),
        Column("金额（元）", 12, "money", total=True),
        Column("份数", 6, "integer", total=True),
        Column("是否盖章", 8, "bool"),
        Column("联系电话", 13, "phone"),
    ),
    rows=_rows,
)
STAFF = Ledger(
    name="staff",
    title="人员名册",
    columns=(Column("序号", 6, "integer"), Column("姓名", 12), Column("联系电话", 16, "phone")),
    rows=_rows,
    orientation="portrait",
)


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    try:  # the app's own ledgers go to the real registry before it is swapped out
        from cunwu_tui.ledgers.registers import declare_ledgers

        declare_ledgers()
    except ImportError:
        pass
    monkeypatch.setattr(engine, "_REGISTRY", {})
    register(SEALS)
    register(STAFF)


def ctx(village: str) -> LedgerContext:
    return LedgerContext(village, "城关镇", "经办" + village[:1], "13900001111", date(2026, 12, 1))


def seal_rows(n: int, start: int = 1) -> list[tuple]:
    return [
        (i, date(2026, 11, i), f"事由{i}", Decimal("10.25") * i, i, i % 2 == 1, "13800138000")
        for i in range(start, start + n)
    ]


def export(folder: Path, village: str, rows, ledger: Ledger = SEALS, period: Period = NOV) -> Path:
    [path] = export_ledgers([ledger], rows, ctx(village), period, folder)
    return path


@pytest.fixture
def three(tmp_path) -> list[Path]:
    src = tmp_path / "villages"
    return [
        export(src, "张庄村", seal_rows(3)),
        export(src, "李家社区", seal_rows(2)),
        export(src, "王屯村", []),
    ]


def sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def test_merge_three_villages(tmp_path, three):
    out = merge_ledgers(
        three, tmp_path / "汇总.xlsx", "城关镇", operator="赵镇", phone="0371-12345678", filled_on=date(2026, 12, 5)
    )
    assert out == tmp_path / "汇总.xlsx"
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == ["用印登记台账", "汇总"]

    rows = sheet(out, "用印登记台账")
    assert rows[0][0] == "城关镇用印登记台账汇总（2026年11月）"
    assert rows[1][0] == "填报单位：城关镇" and "填报时间：2026年12月5日" in rows[1]
    assert rows[2] == ["村(社区)", "序号", "日期", "事由", "金额（元）", "份数", "是否盖章", "联系电话"]
    data = rows[3:8]
    assert [r[0] for r in data] == ["张庄村"] * 3 + ["李家社区"] * 2
    assert [r[1] for r in data] == [1, 2, 3, 1, 2]
    assert data[1][2] == date(2026, 11, 2) and not isinstance(data[1][2], datetime)
    assert [r[4] for r in data] == [10.25, 20.5, 30.75, 10.25, 20.5]
    assert all(isinstance(r[4], float) for r in data)
    assert [r[6] for r in data] == ["是", "否", "是", "是", "否"]
    assert rows[8][:2] == ["合计", "共5条"] and rows[8][4] == pytest.approx(92.25) and rows[8][5] == 9
    assert "经办人：赵镇" in rows[10][0] and "0371-12345678" in rows[10][0]

    summary = sheet(out, "汇总")
    assert summary[2] == ["村(社区)", "条数", "金额（元）", "份数"]
    assert summary[3:6] == [["张庄村", 3, 61.5, 6], ["李家社区", 2, 30.75, 3], ["王屯村", 0, 0, 0]]
    assert summary[6] == ["合计", 5, 92.25, 9]


def test_merged_file_page_setup_and_metadata(tmp_path, three):
    from openpyxl import load_workbook

    out = merge_ledgers(three, tmp_path / "汇总.xlsx")
    wb = load_workbook(out)
    ws = wb["用印登记台账"]
    assert ws.print_title_rows == "$1:$3" and ws.freeze_panes == "A4"
    assert ws["C4"].number_format == "yyyy-mm-dd" and ws["E4"].number_format == "0.00"
    assert ws["A1"].font.name == "宋体"
    assert wb["汇总"].print_title_rows == "$1:$3"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["cunwu_kind"] == "merged" and props["cunwu_rows"] == 5 and props["cunwu_villages"] == 3
    # township defaults to the one recorded in the village files
    assert ws["A1"].value == "城关镇用印登记台账汇总（2026年11月）"


def test_merge_with_a_context_and_into_a_folder(tmp_path, three):
    township = LedgerContext("", "城关镇", "赵镇", "0371-1", date(2026, 12, 5))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = merge_ledgers(three, out_dir, township)
    assert out == out_dir / "城关镇_用印登记台账汇总_2026-11.xlsx"
    again = merge_ledgers(three, out_dir, township)
    assert again == out_dir / "城关镇_用印登记台账汇总_2026-11 (2).xlsx"  # never overwrites silently
    assert "经办人：赵镇" in sheet(out, "汇总")[-1][0]


def test_merge_keeps_formula_like_text(tmp_path):
    tricky = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "_x000D_"]
    rows = [(i, date(2026, 11, i), t, 1, 1, True, "") for i, t in enumerate(tricky, 1)]
    a = export(tmp_path, "张庄村", rows)
    b = export(tmp_path, "李家社区", rows[:1])
    out = merge_ledgers([a, b], tmp_path / "汇总.xlsx")
    data = sheet(out, "用印登记台账")[3 : 3 + len(tricky)]
    assert [r[3] for r in data] == tricky


def test_refuses_mixed_kinds_naming_the_file(tmp_path, three):
    staff = export(tmp_path, "赵村", [(1, "张三", "13800138000")], ledger=STAFF)
    with pytest.raises(LedgerError) as err:
        merge_ledgers(three + [staff], tmp_path / "汇总.xlsx")
    msg = str(err.value)
    assert str(staff) in msg and "人员名册" in msg and "不是同一种台账" in msg
    assert not any(p.name.startswith("汇总") for p in tmp_path.iterdir())


def test_refuses_different_months_naming_the_file(tmp_path, three):
    october = export(tmp_path, "赵村", seal_rows(1), period=Period(2026, 10))
    with pytest.raises(LedgerError) as err:
        merge_ledgers([three[0], october], tmp_path / "汇总.xlsx")
    assert str(october) in str(err.value) and "2026年10月" in str(err.value)


def test_refuses_a_non_ledger_xlsx(tmp_path, three):
    from openpyxl import Workbook

    other = tmp_path / "工资表.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "工资"])
    wb.active.append(["张三", 3000])
    wb.save(other)
    with pytest.raises(LedgerError) as err:
        merge_ledgers([three[0], other], tmp_path / "汇总.xlsx")
    assert str(other) in str(err.value) and "不是村务通导出的台账" in str(err.value)


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken"])
def test_refuses_corrupt_files(tmp_path, three, content):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(content)
    with pytest.raises(LedgerError) as err:
        merge_ledgers([three[0], bad], tmp_path / "汇总.xlsx")
    msg = str(err.value)
    assert str(bad) in msg and "无法读取" in msg and not any(ch in msg for ch in AMBIGUOUS)


def test_refuses_missing_file(tmp_path, three):
    missing = tmp_path / "没有这个.xlsx"
    with pytest.raises(LedgerError, match="找不到文件") as err:
        merge_ledgers([three[0], missing], tmp_path / "汇总.xlsx")
    assert str(missing) in str(err.value)


def test_refuses_a_summary_as_input(tmp_path, three):
    out = merge_ledgers(three, tmp_path / "汇总.xlsx")
    with pytest.raises(LedgerError, match="已经是乡镇汇总表"):
        merge_ledgers([three[0], out], tmp_path / "再汇总.xlsx")


def test_refuses_the_same_village_twice(tmp_path):
    a = export(tmp_path, "张庄村", seal_rows(1))
    b = export(tmp_path, "张庄村", seal_rows(2))  # numbered sibling: 张庄村_... (2).xlsx
    with pytest.raises(LedgerError) as err:
        merge_ledgers([a, b], tmp_path / "汇总.xlsx")
    assert str(b) in str(err.value) and "请只保留一份" in str(err.value)
    with pytest.raises(LedgerError, match="选了两次"):
        merge_ledgers([a, a], tmp_path / "汇总.xlsx")


def test_refuses_to_overwrite_an_input(tmp_path, three):
    with pytest.raises(LedgerError, match="不能覆盖原始台账"):
        merge_ledgers(three, three[0], overwrite=True)


def test_refuses_empty_selection(tmp_path):
    with pytest.raises(LedgerError, match="至少选择一个"):
        merge_ledgers([], tmp_path / "汇总.xlsx")


def _strip_custom_properties(path: Path) -> None:
    """What a re-save by a program that drops custom properties leaves."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "docProps/custom.xml":
                zout.writestr(item, zin.read(item.filename))
    tmp.replace(path)


def test_files_without_custom_properties_are_recognised_by_their_layout(tmp_path, three):
    for p in three:
        _strip_custom_properties(p)
    out = merge_ledgers(three, tmp_path / "汇总.xlsx")
    summary = sheet(out, "汇总")
    assert summary[3:6] == [["张庄村", 3, 61.5, 6], ["李家社区", 2, 30.75, 3], ["王屯村", 0, 0, 0]]
    assert sheet(out, "用印登记台账")[3][2] == date(2026, 11, 1)


def test_rows_added_in_excel_are_detected(tmp_path, three):
    from openpyxl import load_workbook

    wb = load_workbook(three[0])  # keeps the custom properties
    wb.active.insert_rows(5)
    wb.active["A5"] = 99
    wb.save(three[0])
    with pytest.raises(LedgerError) as err:
        merge_ledgers(three, tmp_path / "汇总.xlsx")
    assert str(three[0]) in str(err.value) and "重新导出" in str(err.value)
    assert not (tmp_path / "汇总.xlsx").exists()


def test_progress_counts_merged_rows(tmp_path, three):
    seen = []
    merge_ledgers(three, tmp_path / "汇总.xlsx", progress=seen.append)
    assert seen[-1] == 5
