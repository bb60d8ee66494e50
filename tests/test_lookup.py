"""The catalog as the office uses it: search, views, the village's own
matters and additions, the 一次性告知书 (read back with calamine), the CLI
and F3 at 80x24."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from cunwu_tui.cli import main
from cunwu_tui.features.lookup.catalog import default_catalog_dir
from cunwu_tui.services import ValidationError
from cunwu_tui.features.lookup.service import CatalogService, parse_time_limit
from identity_helpers import PIN

TODAY = date(2026, 11, 23)


def sheet(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


@pytest.fixture
def clerk(demo_services):
    clerk = next(p for p in demo_services.staff.list() if p.name == "赵丽")
    demo_services.set_operator(clerk.id, PIN)
    return demo_services


# --------------------------------------------------------------------------
# search and views


@pytest.mark.parametrize("query", ["低保", "dibao", "dbsq", "最低生活保障", "zuidishenghuobaozhang"])
def test_search_finds_minimum_living_allowance(clerk, query):
    codes = [r.code for r in clerk.catalog.search(query)]
    assert "MS-DIBAO" in codes[:5], codes


def test_exact_alias_first_and_document_reason(clerk):
    assert clerk.catalog.search("低保")[0].code == "MS-DIBAO"
    hits = clerk.catalog.search("残疾证")
    assert {"MS-DIBAO", "MS-DISHOURU", "MS-LINSHI-JIUZHU", "MS-LIANGXIANG-BUTIE"} <= {h.code for h in hits}
    dibao = next(h for h in hits if h.code == "MS-DIBAO")
    assert dibao.reason.startswith("所需材料：") and "残疾证" in dibao.reason


def test_view_of_a_matter_with_several_sources(clerk):
    v = clerk.catalog.view("MS-DIBAO")
    assert [t for _, t in v.variants] == [
        "八一社区工作流程",
        "沁源县村级组织（社区）履行职责事项流程",
        "规范权力运行制度汇编",
    ]
    assert v.seed == "000_df0ea5699719fa07.txt"  # the first source that lists documents
    assert v.documents[1].name == "书面申请书、家庭收入和财产状况的书面声明"
    # the form is not repeated when the seed's own words already say it
    assert v.documents[0].line.endswith("（出示原件，提供复印件）")
    other = clerk.catalog.view("MS-DIBAO", "004_6236ee6db6d88bf7.txt")
    assert [d.name for d in other.documents] == [
        "以书面形式阐明申请救济事由",
        "如实填报个人和家庭有关情况",
        "有关证明材料",
    ]
    assert any("10天内" in t for t in other.time_limits)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("5个工作日", 5, "工作日"),
        ("7日", 7, "日"),
        ("7天", 7, "日"),
        ("1个月", 1, "个月"),
        ("当日", 0, "日"),
        (" 15 个工作日 ", 15, "工作日"),
    ],
)
def test_time_limit_parsing(text, value, unit):
    t = parse_time_limit(text)
    assert (t.value, t.unit) == (value, unit)


@pytest.mark.parametrize("text", ["很快", "五个工作日", "5", "5周"])
def test_time_limit_refused(text):
    with pytest.raises(ValueError, match="时限请写成"):
        parse_time_limit(text)


# --------------------------------------------------------------------------
# the village's additions


def test_additions_are_shown_searchable_audited_and_withdrawn(clerk):
    cat = clerk.catalog
    doc = cat.add_document("MS-DIBAO", "  村民小组长证明  ", "原件", "1")
    cat.add_note("MS-DIBAO", "每周二、周四上午受理")
    v = cat.view("MS-DIBAO")
    assert v.documents[-1].line == "村民小组长证明（原件，1份）" and v.documents[-1].local
    assert v.notes[-1].text == "每周二、周四上午受理" and v.notes[-1].local
    # the same addition shows in every source's view
    assert cat.view("MS-DIBAO", "004_6236ee6db6d88bf7.txt").documents[-1].name == "村民小组长证明"
    assert cat.search("村民小组长证明")[0].code == "MS-DIBAO"
    entries = [e for e in clerk.audit.recent(5) if e.kind == "matter_addition"]
    assert entries[-1].subject == "最低生活保障认定" and entries[-1].operator == "赵丽"

    cat.withdraw_addition(doc.id)
    assert all(d.name != "村民小组长证明" for d in cat.view("MS-DIBAO").documents)
    assert [a.active for a in cat.additions("MS-DIBAO", active_only=False)] == [False, True]
    assert clerk.audit.recent(1)[0].action == "撤销"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", "", ""), "text"),
        (("身份证", "扫描件", ""), "form"),
        (("身份证", "", "0"), "count"),
        (("身份证", "", "两份"), "count"),
    ],
)
def test_bad_addition_saves_nothing(clerk, args, field):
    with pytest.raises(ValidationError) as exc:
        clerk.catalog.add_document("MS-DIBAO", *args)
    assert field in exc.value.errors
    assert clerk.catalog.additions() == []


def test_addition_to_unknown_matter_refused(clerk):
    with pytest.raises(ValidationError) as exc:
        clerk.catalog.add_note("XX-NONE", "说明")
    assert "XX-NONE" in exc.value.errors["text"]


def test_additions_survive_an_upgrade_of_the_shipped_catalog(clerk, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(default_catalog_dir(), old)
    before = CatalogService(clerk.core, clerk.settings, catalog_dir=old, cache_file=tmp_path / "i.json")
    before.add_document("MS-DIBAO", "村民小组长证明")
    own = before.add_local(
        "农村建房申请",
        aliases="建房、宅基地建房",
        documents="身份证\n户口簿",
        time_limit="5个工作日",
        conditions="本村村民",
    )
    # a new release changes the wording of a shipped document
    new = tmp_path / "new"
    shutil.copytree(old, new)
    f = new / "minsheng.toml"
    text = f.read_text(encoding="utf-8")
    f.write_text(
        text.replace("书面申请书、家庭收入和财产状况的书面声明", "书面申请书和家庭收入、财产状况书面声明", 1),
        encoding="utf-8",
    )
    after = CatalogService(clerk.core, clerk.settings, catalog_dir=new, cache_file=tmp_path / "i.json")
    docs = [d.name for d in after.view("MS-DIBAO").documents]
    assert "书面申请书和家庭收入、财产状况书面声明" in docs and docs[-1] == "村民小组长证明"
    assert after.view(own.code).documents[0].name == "身份证"
    assert after.search("jianfang")[0].code == own.code  # the index was rebuilt, not reused


def test_local_matter_round_trip(clerk):
    cat = clerk.catalog
    info = cat.add_local(
        "农村建房申请",
        aliases="建房、宅基地建房",
        where="村委会一楼",
        fees="免费",
        time_limit="5个工作日",
        conditions="本村村民\n\n有建房需要",
        documents="身份证\n户口簿",
        notes="需村民小组长签字",
    )
    assert info.code == "CUN-0001" and info.aliases == ("建房", "宅基地建房")
    v = cat.view(info.code)
    assert v.local and v.category == "本村事项" and v.conditions == ("本村村民", "有建房需要")
    assert v.time_limits == ("5个工作日",) and v.where == "村委会一楼"
    assert cat.search("nongcunjianfang")[0].code == info.code
    # withdrawn: gone from search, kept on record, the code never reused
    cat.update_local(info.id, "农村建房申请", active=False)
    assert info.code not in [r.code for r in cat.search("建房")]
    assert cat.add_local("农村建房申请").code == "CUN-0002"


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"name": ""}, "name", "请填写事项名称"),
        ({"name": "最低生活保障认定"}, "name", "已有"),
        ({"name": "农村建房", "time_limit": "尽快"}, "time_limit", "时限请写成"),
    ],
)
def test_bad_local_matter_saves_nothing(clerk, kwargs, field, words):
    with pytest.raises(ValidationError) as exc:
        clerk.catalog.add_local(**kwargs)
    assert words in exc.value.errors[field]
    assert clerk.catalog.local_matters() == []


# --------------------------------------------------------------------------
# 一次性告知书


def test_letter_lists_everything_and_prints_on_a4(clerk, tmp_path):
    cat = clerk.catalog
    cat.add_note("MS-DIBAO", "每周二、周四上午受理")
    letter = cat.letter("MS-DIBAO", today=TODAY)
    assert letter.village == "青山村" and letter.clerk == "赵丽" and letter.clerk_phone == "13903510004"
    rows = letter.rows()
    labels = [r[0] for r in rows if r[0]]
    assert labels == ["办理事项", "办理条件", "所需材料", "递交地点", "递交时间", "办理时限", "本村说明", "告知人"]
    assert sum(1 for r in rows if r[1][:2] in {f"{i}." for i in range(1, 10)}) >= 8

    path = cat.write_letter(letter, tmp_path / "告知书")
    assert path.name == "青山村_一次性告知书_最低生活保障认定_2026-11-23.xlsx"
    got = sheet(path)
    assert got[0][0] == "青山村一次性告知书"
    assert got[1][0].startswith("告知单位：柳河镇青山村")
    assert got[2][:2] == ["项目", "内容"]
    body = [r[:2] for r in got[3:] if r[0] or r[1]]
    assert body[: len(rows)] == [list(r) for r in rows]
    assert any("申请人签收" in str(r[0]) and "赵丽" in str(r[0]) for r in got)
    # a second print never overwrites the first
    assert cat.write_letter(letter, tmp_path / "告知书").name.endswith("(2).xlsx")
    assert clerk.audit.recent(1)[0].action == "出具"


def test_letter_from_a_case_lists_only_what_is_missing(clerk):
    view = clerk.catalog.view("MS-DIBAO")
    received = [True, False, True, False]
    letter = clerk.catalog.letter("MS-DIBAO", applicant="王小二", received=received, today=TODAY)
    text = letter.text
    assert "尚缺材料" in text and "所需材料" not in text
    assert view.documents[1].name in text and view.documents[3].name in text
    assert ("申请人", "王小二") in letter.rows()
    assert [d.name for d in letter.missing] == [view.documents[1].name, view.documents[3].name]


def test_letter_into_unwritable_folder_is_refused(clerk, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    letter = clerk.catalog.letter("MS-DIBAO", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        clerk.catalog.write_letter(letter, blocker)
    assert "不是文件夹" in exc.value.errors["out_dir"]


# --------------------------------------------------------------------------
# CLI


def test_cli_lookup(tmp_path, capsys):
    db = tmp_path / "v.db"
    assert main(["demo", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["lookup", "--db", str(db), "dbsq"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[1]
    assert "低保" in first or "最低生活保障" in first
    assert "所需材料" in out and "1." in out
    assert main(["lookup", "--db", str(db), "zzzzqqq"]) == 1
    assert "没有找到" in capsys.readouterr().err
