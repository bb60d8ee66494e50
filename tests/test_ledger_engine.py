"""Ledger declarations, the xlsx writer and file naming.

Files are read back with python-calamine (a different reader than the
openpyxl that wrote them); page setup is checked with openpyxl.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cunwu_tui.ledgers import engine
from cunwu_tui.ledgers.engine import (
    Column,
    Ledger,
    LedgerContext,
    LedgerError,
    Period,
    all_ledgers,
    get_ledger,
    register,
)
from cunwu_tui.ledgers.naming import (
    export_ledgers,
    ledger_filename,
    safe_filename,
    unique_path,
    write_ledger,
)

AMBIGUOUS = "…“”—·"
CTX = LedgerContext("张庄村", "城关镇", "王小明", "13900001111", date(2026, 12, 1))
NOV = Period(2026, 11)
ID = "11010519491231002X"

COLUMNS = (
    Column("序号", 6, "integer"),
    Column("日期", 11, "date"),
    Column("时间", 16, "datetime"),
    Column("申请人", 10),
    Column("事由", 30, wrap=True),
    Column("金额（元）", 12, "money", total=True),
    Column("份数", 6, "integer", total=True),
    Column("是否盖章", 8, "bool"),
    Column("身份证号", 20, "id_number"),
    Column("联系电话", 13, "phone"),
)


def _rows(source, period):
    yield from source


def sample_rows() -> list[tuple]:
    return [
        (
            1,
            date(2026, 11, 2),
            datetime(2026, 11, 2, 9, 30),
            "张三",
            "开具证明",
            Decimal("12.50"),
            2,
            True,
            ID,
            "13800138000",
        ),
        (2, date(2026, 11, 3), datetime(2026, 11, 3, 14, 5), "李四", "盖章" * 40, 7, 1, False, ID, "13800138001"),
        (3, "2026-11-04", "2026-11-04T08:00", "王五", None, "1,000.456", "3", None, None, None),
        (4, datetime(2026, 11, 5, 17, 0), date(2026, 11, 5), "赵六", "备注", 0.1, 0, "是", ID, ""),
    ]


def make_ledger(**kw) -> Ledger:
    params = dict(name="seals", title="用印登记台账", columns=COLUMNS, rows=_rows)
    params.update(kw)
    return Ledger(**params)


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    try:  # the app's own ledgers go to the real registry before it is swapped out
        from cunwu_tui.ledgers.registers import declare_ledgers

        declare_ledgers()
    except ImportError:
        pass
    """A private registry per test (the app's ledgers are not touched)."""
    monkeypatch.setattr(engine, "_REGISTRY", {})
    return engine._REGISTRY


def read(path: Path, sheet: int = 0) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(sheet).to_python(skip_empty_area=False)


def no_ambiguous(text: str) -> bool:
    return not any(ch in text for ch in AMBIGUOUS)


# --------------------------------------------------------------------------
# Period


def test_period_texts_and_days():
    p = Period(2026, 11)
    assert p.label == "2026年11月"
    assert p.iso == "2026-11" == str(p)
    assert p.first_day == date(2026, 11, 1)
    assert p.last_day == date(2026, 11, 30)
    assert p.next_month_first_day == date(2026, 12, 1)
    assert Period(2024, 2).last_day == date(2024, 2, 29)
    assert Period(2026, 12).next() == Period(2027, 1)
    assert Period(2027, 1).prev() == Period(2026, 12)
    assert date(2026, 11, 30) in p and date(2026, 12, 1) not in p


def test_period_previous():
    assert Period.previous(date(2026, 12, 1)) == Period(2026, 11)
    assert Period.previous(date(2027, 1, 15)) == Period(2026, 12)


@pytest.mark.parametrize("text", ["2026-11", "2026.11", "2026/11", "2026年11月", "２０２６－１１", " 2026-11 "])
def test_period_parse_accepts(text):
    assert Period.parse(text) == Period(2026, 11)


@pytest.mark.parametrize(
    "text, hint",
    [
        ("2026-13", "1到12"),
        ("2026-00", "1到12"),
        ("26-1", "4位"),
        ("abc", "年-月"),
        ("", "请填写"),
        ("2026-11-05", "年-月"),
    ],
)
def test_period_parse_rejects_in_chinese(text, hint):
    with pytest.raises(ValueError) as err:
        Period.parse(text)
    msg = str(err.value)
    assert hint in msg and msg.endswith("。") and no_ambiguous(msg)


@given(st.integers(1900, 9999), st.integers(1, 12))
def test_period_iso_round_trip(year, month):
    p = Period(year, month)
    assert Period.parse(p.iso) == p
    assert Period.parse(p.label) == p


# --------------------------------------------------------------------------
# Declarations and registry


@pytest.mark.parametrize(
    "make",
    [
        lambda: Column("备注", 10, "colour"),
        lambda: Column("备注", 10, "text", total=True),
        lambda: Column("", 10),
        lambda: make_ledger(name="Seals"),
        lambda: make_ledger(columns=(Column("金额", 10, "money", total=True),)),
        lambda: make_ledger(orientation="sideways"),
        lambda: make_ledger(columns=(Column("序号", 6), Column("序号", 6))),
    ],
)
def test_bad_declarations_raise(make):
    with pytest.raises(ValueError) as err:
        make()
    assert no_ambiguous(str(err.value))


def test_registry():
    a = register(make_ledger())
    b = register(make_ledger(name="staff", title="人员名册"))
    assert get_ledger("seals") is a
    assert all_ledgers() == [a, b]
    register(make_ledger(columns=COLUMNS[:3]))  # same name and title: a reload replaces
    assert get_ledger("seals").columns == COLUMNS[:3]
    with pytest.raises(ValueError):
        register(make_ledger(title="别的台账"))


def test_unknown_ledger_lists_known_names():
    register(make_ledger())
    for exc_type in (KeyError, ValueError):
        with pytest.raises(exc_type) as err:
            get_ledger("nope")
        assert str(err.value) == err.value.args[0]
        assert "nope" in str(err.value) and "seals（用印登记台账）" in str(err.value)


def test_public_ledger_columns():
    led = make_ledger(public=True)
    assert "联系电话" not in led.headers
    assert len(led.output_columns) == len(COLUMNS) - 1


# --------------------------------------------------------------------------
# Writing


def test_sheet_content_read_back(tmp_path):
    path = write_ledger(make_ledger(), CTX, NOV, sample_rows(), tmp_path / "a.xlsx")
    rows = read(path)
    assert rows[0][0] == "张庄村用印登记台账（2026年11月）"
    assert rows[1][0] == "填报单位：城关镇张庄村"
    assert "填报时间：2026年12月1日" in rows[1]
    assert rows[2] == [c.header for c in COLUMNS]

    data = rows[3:7]
    assert [r[0] for r in data] == [1, 2, 3, 4]
    assert data[0][1] == date(2026, 11, 2) and isinstance(data[0][1], date) and not isinstance(data[0][1], datetime)
    assert data[0][2] == datetime(2026, 11, 2, 9, 30)
    assert data[2][1] == date(2026, 11, 4) and data[2][2] == datetime(2026, 11, 4, 8, 0)
    assert data[3][1] == date(2026, 11, 5)
    # a date in a datetime column is midnight; calamine reports a whole day as a date
    assert data[3][2] in (datetime(2026, 11, 5, 0, 0), date(2026, 11, 5))
    assert [r[5] for r in data] == [12.5, 7.0, 1000.46, 0.1]
    assert all(isinstance(r[5], float) for r in data)
    assert [r[6] for r in data] == [2, 1, 3, 0]
    assert [r[7] for r in data] == ["是", "否", "", "是"]
    assert data[0][8] == ID and data[0][9] == "13800138000"
    assert data[2][4] == "" and data[2][8] == ""

    total = rows[7]
    assert total[0] == "合计" and total[1] == "共4条"
    assert total[5] == pytest.approx(1020.06) and total[6] == 6
    assert all(v == "" for v in rows[8])
    assert rows[9][0].startswith("单位负责人：\u3000") and "经办人：王小明" in rows[9][0]
    assert "联系电话：13900001111" in rows[9][0]
    assert len(rows) == 10


def test_types_seen_by_openpyxl(tmp_path):
    from openpyxl import load_workbook

    path = write_ledger(make_ledger(), CTX, NOV, sample_rows(), tmp_path / "a.xlsx")
    ws = load_workbook(path).active
    assert ws["A4"].value == 1 and type(ws["A4"].value) is int
    assert ws["B4"].is_date and ws["B4"].number_format == "yyyy-mm-dd"
    assert ws["C4"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["F4"].number_format == "0.00" and ws["F4"].data_type == "n"
    assert ws["I4"].data_type == "s"  # the id number stays text, never 1.1E+17
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.b and ws["A1"].font.sz > ws["A4"].font.sz
    assert ws["A4"].font.name == "宋体" and ws["A4"].border.left.style == "thin"
    assert ws["A3"].font.b and ws["A3"].alignment.wrap_text and ws["A3"].alignment.horizontal == "center"
    assert ws["E4"].alignment.wrap_text and not ws["D4"].alignment.wrap_text
    assert ws.row_dimensions[5].height > 15  # 80 characters wrap: the row is made taller


def test_page_setup(tmp_path):
    from openpyxl import load_workbook

    path = write_ledger(make_ledger(), CTX, NOV, sample_rows(), tmp_path / "a.xlsx")
    ws = load_workbook(path).active
    assert ws.title == "用印登记台账"
    assert ws.print_title_rows == "$1:$3"
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.column_dimensions["E"].width == 30
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:J1" in merged and "A10:J10" in merged
    assert any(r.startswith("A2:") for r in merged)

    portrait = write_ledger(make_ledger(orientation="portrait"), CTX, NOV, [], tmp_path / "p.xlsx")
    assert load_workbook(portrait).active.page_setup.orientation == "portrait"


def test_metadata(tmp_path):
    from openpyxl import load_workbook

    path = write_ledger(make_ledger(), CTX, NOV, sample_rows(), tmp_path / "a.xlsx")
    wb = load_workbook(path, read_only=True)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert wb.properties.keywords == "cunwu-ledger:seals:2026-11"
    assert props["cunwu_ledger"] == "seals" and props["cunwu_period"] == "2026-11"
    assert props["cunwu_village"] == "张庄村" and props["cunwu_rows"] == 4 and props["cunwu_header_row"] == 3
    wb.close()


INJECTIONS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=1+1\r\n第二行",
    "_x000D_ 字面",
    " 前后空格 ",
]


def test_formula_injection_stays_text(tmp_path):
    led = make_ledger(columns=(Column("序号", 6, "integer"), Column("姓名", 20), Column("备注", 30, wrap=True)))
    rows = [(i, text, text) for i, text in enumerate(INJECTIONS, 1)]
    path = write_ledger(led, CTX, NOV, rows, tmp_path / "a.xlsx")
    data = read(path)[3 : 3 + len(INJECTIONS)]
    assert [r[1] for r in data] == INJECTIONS
    assert [r[2] for r in data] == INJECTIONS
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_public_ledger_masks_and_drops_phone(tmp_path):
    path = write_ledger(make_ledger(public=True), CTX, NOV, sample_rows(), tmp_path / "a.xlsx")
    rows = read(path)
    assert "联系电话" not in rows[2] and len(rows[2]) == len(COLUMNS) - 1
    masked = rows[3][8]
    assert masked == "110105********002X"
    assert len(masked) == 18 and masked[:6] == ID[:6] and masked[-4:] == ID[-4:]
    flat = "".join(str(v) for r in rows for v in r)
    assert "13800138000" not in flat and ID not in flat


def test_totals_off_and_no_rows(tmp_path):
    rows = read(write_ledger(make_ledger(totals=False), CTX, NOV, sample_rows(), tmp_path / "a.xlsx"))
    assert not any(r[0] == "合计" for r in rows)
    assert rows[-1][0].startswith("单位负责人")
    empty = read(write_ledger(make_ledger(), CTX, NOV, [], tmp_path / "b.xlsx"))
    assert empty[3][:2] == ["合计", "共0条"] and empty[3][5] == 0


def test_count_goes_into_the_first_cell_when_every_other_column_sums(tmp_path):
    led = make_ledger(columns=(Column("村组", 10), Column("金额", 10, "money", total=True)))
    rows = read(write_ledger(led, CTX, NOV, [("一组", 1), ("二组", 2)], tmp_path / "a.xlsx"))
    assert rows[5][:2] == ["合计（共2条）", 3]


def test_bad_value_names_row_and_column_and_leaves_nothing(tmp_path):
    rows = sample_rows()
    rows[1] = rows[1][:5] + ("十二元",) + rows[1][6:]
    with pytest.raises(LedgerError) as err:
        write_ledger(make_ledger(), CTX, NOV, rows, tmp_path / "a.xlsx")
    msg = str(err.value)
    assert "第2条" in msg and "金额（元）" in msg and "十二元" in msg and no_ambiguous(msg)
    assert list(tmp_path.iterdir()) == []


def test_wrong_row_length_is_refused(tmp_path):
    with pytest.raises(LedgerError, match="应为10项"):
        write_ledger(make_ledger(), CTX, NOV, [(1, 2)], tmp_path / "a.xlsx")


class Boom(RuntimeError):
    pass


def test_failure_mid_write_leaves_no_file(tmp_path):
    from openpyxl.worksheet import _writer

    def rows():
        yield from sample_rows()
        raise Boom("database went away")

    before = list(_writer.ALL_TEMP_FILES)
    target = tmp_path / "a.xlsx"
    with pytest.raises(Boom):
        write_ledger(make_ledger(), CTX, NOV, rows(), target)
    assert list(tmp_path.iterdir()) == []
    assert _writer.ALL_TEMP_FILES == before  # openpyxl's own temp file is gone too


def test_failure_keeps_an_existing_file(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")

    def rows():
        yield sample_rows()[0]
        raise Boom()

    with pytest.raises(Boom):
        write_ledger(make_ledger(), CTX, NOV, rows(), target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_progress(tmp_path):
    seen = []
    rows = sample_rows() * 5  # 20 rows
    write_ledger(make_ledger(), CTX, NOV, rows, tmp_path / "a.xlsx", progress=seen.append, progress_every=6)
    assert seen == [6, 12, 18, 20]


def test_public_append_path_writes_the_same(tmp_path, monkeypatch):
    from cunwu_tui.ledgers import writer

    fast = read(write_ledger(make_ledger(), CTX, NOV, sample_rows(), tmp_path / "fast.xlsx"))
    monkeypatch.setattr(writer, "FAST_PATH", False)
    slow_path = write_ledger(make_ledger(), CTX, NOV, sample_rows(), tmp_path / "slow.xlsx")
    assert read(slow_path) == fast
    from openpyxl import load_workbook

    ws = load_workbook(slow_path).active
    assert ws["F4"].number_format == "0.00" and ws["A4"].border.left.style == "thin"


def test_sheet_name_is_made_legal(tmp_path):
    from openpyxl import load_workbook

    led = make_ledger(title="用印/登记[台账]：" + "很长" * 20)
    path = write_ledger(led, CTX, NOV, [], tmp_path / "a.xlsx")
    name = load_workbook(path, read_only=True).sheetnames[0]
    assert len(name) <= 31 and not set("[]:*?/\\") & set(name)


def test_missing_folder_is_a_ledger_error(tmp_path):
    with pytest.raises(LedgerError, match="文件夹不存在"):
        write_ledger(make_ledger(), CTX, NOV, [], tmp_path / "nope" / "a.xlsx")


def test_declaring_does_not_load_openpyxl_or_the_ui():
    code = (
        "import sys; import cunwu_tui.ledgers, cunwu_tui.ledgers.engine, cunwu_tui.ledgers.naming, "
        "cunwu_tui.ledgers.merge; "
        "print(sorted(m for m in ('openpyxl', 'textual', 'sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------
# Naming and export


def test_ledger_filename():
    assert ledger_filename("张庄村", "用印登记台账", NOV) == "张庄村_用印登记台账_2026-11.xlsx"
    name = ledger_filename('张<庄>:村"/\\|?*\x01', "台账.", NOV)
    assert name == "张_庄__村________台账._2026-11.xlsx"
    assert not set('<>:"/\\|?*') & set(name)
    assert ledger_filename("", "", NOV) == "未填村名_台账_2026-11.xlsx"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("com1.xlsx", "_com1.xlsx"),
        ("lpt9", "_lpt9"),
        ("名册. . ", "名册"),
        ("a:b", "a_b"),
        ("   ", "台账"),
        ("CONTROL", "CONTROL"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_unique_path(tmp_path):
    p = tmp_path / "X.xlsx"
    assert unique_path(p) == p
    p.write_text("1")
    assert unique_path(p) == tmp_path / "X (2).xlsx"
    (tmp_path / "X (2).xlsx").write_text("2")
    assert unique_path(p) == tmp_path / "X (3).xlsx"


def test_export_ledgers_numbers_instead_of_overwriting(tmp_path):
    led = make_ledger()
    out = tmp_path / "新建文件夹" / "导出"
    first = export_ledgers([led], sample_rows(), CTX, NOV, out)
    second = export_ledgers([led], sample_rows()[:1], CTX, NOV, out)
    assert [p.name for p in first] == ["张庄村_用印登记台账_2026-11.xlsx"]
    assert [p.name for p in second] == ["张庄村_用印登记台账_2026-11 (2).xlsx"]
    assert read(first[0])[6][0] == 4 and read(second[0])[3][0] == 1
    assert sorted(p.name for p in out.iterdir()) == sorted([first[0].name, second[0].name])


def test_export_passes_source_and_period(tmp_path):
    seen = []

    def rows(source, period):
        seen.append((source, period))
        return []

    export_ledgers([make_ledger(rows=rows)], "the-source", CTX, NOV, tmp_path)
    assert seen == [("the-source", NOV)]


def test_export_into_a_file_path_is_a_ledger_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(LedgerError) as err:
        export_ledgers([make_ledger()], [], CTX, NOV, blocker / "sub")
    assert "无法创建文件夹" in str(err.value) and str(blocker) in str(err.value)
    with pytest.raises(LedgerError, match="不是文件夹"):
        export_ledgers([make_ledger()], [], CTX, NOV, blocker)


def test_export_to_unwritable_folder_is_a_ledger_error(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(LedgerError) as err:
        export_ledgers([make_ledger()], [], CTX, NOV, tmp_path)
    msg = str(err.value)
    assert "不能写入" in msg and "没有写入权限" in msg and str(tmp_path) in msg
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_export_to_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(LedgerError, match="不能写入"):
            export_ledgers([make_ledger()], [], CTX, NOV, folder)
    finally:
        folder.chmod(0o700)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=15))
def test_any_text_reads_back_unchanged(tmp_path_factory, texts):
    led = make_ledger(columns=(Column("序号", 6, "integer"), Column("内容", 30, wrap=True)), totals=False)
    path = tmp_path_factory.mktemp("any") / "a.xlsx"
    write_ledger(led, CTX, NOV, [(i, t) for i, t in enumerate(texts)], path)
    # whitespace-only text is written as an empty cell (see writer._text); what looks like an ID or
    # phone number is masked in a village ledger's free text (domain/privacy.py), the rest is unchanged
    from cunwu_tui.domain.privacy import mask_personal

    assert [r[1] for r in read(path)[3 : 3 + len(texts)]] == [mask_personal(t) if t.strip() else "" for t in texts]
