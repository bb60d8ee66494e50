"""Bad input and faults (#12): one normalisation layer for numbers, dates
and text; every service entry point either refuses at a named field with a
Chinese message and changes nothing, or stores a sane value; a write in a
fresh process never waits on itself; the CLI speaks Chinese."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import unicodedata
from datetime import date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cunwu_tui.features.cases.service import CaseIntake
from cunwu_tui.domain import inputs
from cunwu_tui.services import ValidationError
from identity_helpers import add_person, PIN

TODAY = date(2026, 11, 22)

# What real people type and paste: IME symbols, rare characters, full-width
# digits, terminal escapes, control characters, very long lines.
NASTY = [
    "①",
    "②③",
    "²",
    "㈠",
    "𠮷",
    "１２",
    "1e9",
    "NaN",
    "inf",
    "-3",
    "0",
    "1.5",
    "  ",
    "\u3000",
    "=1+1",
    "@SUM(A1)",
    "\x00",
    "a\x00b",
    "\x1b[31m红\x1b[0m",
    "\x1b]0;标题\x07",
    "\x07\x08",
    "\u202e反转",
    "\r\n",
    "第一行\n第二行",
    "x" * 2001,
    "中" * 2000 + "文",
    "2026-13-01",
    "1800-01-01",
    "9999-12-31",
    "2026-02-30",
    "12:60",
    "25:00",
    "２０２６－１１－２０",
    "2026年11月20日",
    "e\u0301",
    "é",
]
nasty = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=40), st.text(alphabet=st.characters(codec="utf-8"), max_size=600)
)


# -- the layer itself ---------------------------------------------------------


@pytest.mark.parametrize("raw", ["①", "²", "1e9", "NaN", "-3", "1.5", "０x", "３²", 1.5, True])
def test_integer_refuses_what_is_not_digits(raw):
    with pytest.raises(inputs.InputError, match="份数"):
        inputs.integer(raw, "份数", 1, 999)


@pytest.mark.parametrize("raw, value", [("12", 12), ("１２", 12), (" 7 ", 7), (3, 3), ("007", 7)])
def test_integer_takes_ascii_and_fullwidth_digits(raw, value):
    assert inputs.integer(raw, "份数", 1, 999) == value


def test_integer_range_and_empty():
    with pytest.raises(inputs.InputError, match="1至999"):
        inputs.integer("0", "份数", 1, 999)
    with pytest.raises(inputs.InputError, match="请填写份数"):
        inputs.integer("　", "份数", 1, 999)
    assert inputs.integer("", "份数", 1, 999, required=False) is None


@given(st.text(max_size=30))
def test_integer_never_raises_anything_but_input_error(raw):
    try:
        value = inputs.integer(raw, "数量", 1, 999)
    except inputs.InputError as exc:
        assert "数量" in str(exc)
    else:
        assert value is not None and 1 <= value <= 999
        assert all(ch in "0123456789０１２３４５６７８９ " for ch in inputs.clean(raw))


@given(nasty, st.booleans())
def test_text_is_clean_or_refused(raw, multiline):
    try:
        out = inputs.text(raw, "备注", inputs.LINE, multiline=multiline)
    except inputs.InputError as exc:
        assert "备注最多500字" in str(exc)
        return
    assert len(out) <= inputs.LINE
    assert "\x1b" not in out and "\x00" not in out
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in out)
    assert unicodedata.is_normalized("NFC", out)
    if not multiline:
        assert "\n" not in out and out == out.strip()
    assert inputs.text(out, "备注", inputs.LINE, multiline=multiline) == out  # idempotent


def test_text_escape_sequences_go_whole():
    assert inputs.clean("\x1b[31m红\x1b[0m字") == "红字"
    assert inputs.clean("a\x00b\x07c") == "abc"
    assert inputs.clean("甲\n乙\t丙") == "甲 乙 丙"
    assert inputs.clean("甲\r\n乙\t丙 ", multiline=True) == "甲\n乙\t丙"
    with pytest.raises(inputs.InputError, match="请填写原因"):
        inputs.text(" \u3000\t", "原因", required=True)


def test_a_search_key_holds_nothing_that_is_never_stored():
    assert inputs.search_key(" 王\x1b[31m 小\x00明\x1b[0m ") == "王小明"
    assert inputs.search_key("ａｂ　１２") == "AB12"
    assert inputs.search_key("\x00") == ""


def test_dates_in_their_window():
    past = inputs.past(TODAY)
    assert inputs.day("２０２６－１１－２０", "日期", past) == date(2026, 11, 20)
    assert inputs.day("2026年11月20日", "日期", past) == date(2026, 11, 20)
    for bad, words in [
        ("1800-01-01", "1949年10月1日"),
        ("9999-12-31", "不能晚于"),
        ("2026-02-30", "格式不对"),
        ("2026-1①-20", "格式不对"),
        ("明天", "格式不对"),
    ]:
        with pytest.raises(inputs.InputError, match=words):
            inputs.day(bad, "日期", past)
    assert inputs.moment("2026-11-20", "时间", past, date_only_at=time(8)) == datetime(2026, 11, 20, 8)
    with pytest.raises(inputs.InputError, match="格式不对"):
        inputs.moment("2026-11-20", "时间", past)
    assert inputs.clock("２１：４０") == time(21, 40)
    with pytest.raises(inputs.InputError, match="小时为0至23"):
        inputs.clock("25:00")
    assert inputs.month("2026年10月") == date(2026, 10, 1)
    with pytest.raises(inputs.InputError, match="不能晚于 2026-11"):
        inputs.month("9999-12", "月份", past)


# -- every service entry point --------------------------------------------------


class Env:
    def __init__(self, s):
        self.s = s
        people = {p.name: p.id for p in s.staff.list()}
        self.people = people
        s.set_operator(people["赵丽"], PIN)
        self.seal = next(x.id for x in s.seals.list() if x.name == "村(居)委会印章")
        self.resident = s.residents.search("王桂英")[0].id
        self.case = s.cases.add(
            CaseIntake("MS-DIBAO", self.resident, "来访", people["赵丽"], "承诺件", limit_value=20)
        ).id
        self.notice = s.notices.add("测试公示", "其他", "公开栏", datetime.now(), 7, "日").id
        self.use = s.seal_register.list()[0].id


def _calls():
    """(name, call(env, value)): one nasty value into one field."""
    seal = lambda e, **kw: e.s.seal_register.add(  # noqa: E731
        **{
            "seal_id": e.seal,
            "title": "证明",
            "purpose": "开具证明",
            "copies": 1,
            "destination": "本村存档",
            "applicant_name": "王某",
            "approver_id": e.people["李秀英"],
            "keeper_id": e.people["赵丽"],
            **kw,
        }
    )
    notice = lambda e, **kw: e.s.notices.add(  # noqa: E731
        **{
            "title": "名单公示",
            "kind": "其他",
            "places": "公开栏",
            "start": datetime.now(),
            "length": 7,
            "unit": "日",
            **kw,
        }
    )
    resident = lambda e, **kw: e.s.residents.add(  # noqa: E731
        **{
            "name": "测试人",
            "id_type": "其他",
            "id_number": "X123",
            **kw,
        }
    )
    intake = lambda e, **kw: e.s.cases.add(  # noqa: E731
        CaseIntake(
            **{
                "matter_code": "MS-DIBAO",
                "resident_id": e.resident,
                "channel": "来访",
                "first_officer_id": e.people["赵丽"],
                "kind": "承诺件",
                "limit_value": 20,
                "limit_unit": "工作日",
                **kw,
            }
        )
    )
    log = lambda e, **kw: e.s.duty.add_log(**{"kind": "来访", "content": "群众来访", **kw})  # noqa: E731
    return [
        ("seal.title", lambda e, v: seal(e, title=v)),
        ("seal.purpose", lambda e, v: seal(e, purpose=v)),
        ("seal.copies", lambda e, v: seal(e, copies=v)),
        ("seal.destination", lambda e, v: seal(e, destination=v)),
        ("seal.note", lambda e, v: seal(e, note=v)),
        ("seal.used_at", lambda e, v: seal(e, used_at=v)),
        ("seal.applicant", lambda e, v: seal(e, applicant_name=v)),
        (
            "seal.meeting_date",
            lambda e, v: seal(
                e, major=True, meeting_type="村民代表会议", meeting_date=v, meeting_ref="村代〔2026〕1号"
            ),
        ),
        (
            "seal.meeting_ref",
            lambda e, v: seal(e, major=True, meeting_type="村民代表会议", meeting_date="2026-11-01", meeting_ref=v),
        ),
        ("seal.void", lambda e, v: e.s.seal_register.void(e.use, v)),
        ("notice.title", lambda e, v: notice(e, title=v)),
        ("notice.summary", lambda e, v: notice(e, summary=v)),
        ("notice.start", lambda e, v: notice(e, start=v, backdate_reason="补登记")),
        ("notice.length", lambda e, v: notice(e, length=v)),
        ("notice.persons", lambda e, v: notice(e, persons=v)),
        ("notice.backdate", lambda e, v: notice(e, start="2026-11-01", backdate_reason=v)),
        ("objection.content", lambda e, v: e.s.notices.add_objection(e.notice, "", "", v)),
        ("objection.from", lambda e, v: e.s.notices.add_objection(e.notice, "", v, "有异议")),
        ("objection.at", lambda e, v: e.s.notices.add_objection(e.notice, v, "", "有异议")),
        ("resident.name", lambda e, v: resident(e, name=v)),
        ("resident.id", lambda e, v: resident(e, id_type="居民身份证", id_number=v)),
        ("resident.phone", lambda e, v: resident(e, phone=v)),
        ("resident.group", lambda e, v: resident(e, group=v)),
        ("resident.address", lambda e, v: resident(e, address=v)),
        ("resident.note", lambda e, v: resident(e, note=v)),
        ("staff.name", lambda e, v: add_person(e.s, v, "", ["委员"])),
        ("staff.phone", lambda e, v: add_person(e.s, "新人员", v, ["委员"])),
        ("case.note", lambda e, v: intake(e, note=v)),
        ("case.limit", lambda e, v: intake(e, limit_value=v)),
        ("case.escalate_to", lambda e, v: e.s.cases.escalate(e.case, "上报", v, "2026-12-20")),
        ("case.chase", lambda e, v: e.s.cases.escalate(e.case, "上报", "镇民政办", v)),
        ("case.refuse_reason", lambda e, v: e.s.cases.refuse(e.case, "不予受理", v, "依据")),
        ("case.void", lambda e, v: e.s.cases.void(e.case, v)),
        ("case.back", lambda e, v: e.s.cases.go_back(e.case, 1, v)),
        ("duty.content", lambda e, v: log(e, content=v)),
        ("duty.action", lambda e, v: log(e, action=v)),
        ("duty.at", lambda e, v: log(e, at=v)),
        ("duty.sub_note", lambda e, v: e.s.duty.add_substitution("09:00", "10:00", e.people["张伟"], "其他", v)),
        ("duty.sub_start", lambda e, v: e.s.duty.add_substitution(v, "10:00", e.people["张伟"], "就餐")),
        (
            "duty.handover_items",
            lambda e, v: e.s.duty.hand_over(date(2026, 11, 1), e.people["赵丽"], e.people["张伟"], v),
        ),
        ("case.refuse_basis", lambda e, v: e.s.cases.refuse(e.case, "不予受理", "不符合条件", v)),
        ("case.conclude", lambda e, v: e.s.cases.conclude(e.case, v)),
        ("case.step_note", lambda e, v: e.s.cases.complete_step(e.case, 1, v)),
        ("notice.withdraw", lambda e, v: e.s.notices.withdraw(e.notice, v)),
        (
            "profile.village",
            lambda e, v: e.s.settings.save_profile(
                __import__("dataclasses").replace(e.s.settings.profile(), village=v)
            ),
        ),
        (
            "profile.county",
            lambda e, v: e.s.settings.save_profile(__import__("dataclasses").replace(e.s.settings.profile(), county=v)),
        ),
        ("local.name", lambda e, v: e.s.catalog.add_local(v, documents="户口簿")),
        ("local.where", lambda e, v: e.s.catalog.add_local("本村测试事项", where=v)),
        ("local.time_limit", lambda e, v: e.s.catalog.add_local("本村测试事项二", time_limit=v)),
        ("catalog.document", lambda e, v: e.s.catalog.add_document("MS-DIBAO", v, "原件")),
        ("catalog.count", lambda e, v: e.s.catalog.add_document("MS-DIBAO", "户口簿", "原件", v)),
        ("catalog.note", lambda e, v: e.s.catalog.add_note("MS-DIBAO", v)),
    ]


CALLS = _calls()


def _counts(url: str) -> dict[str, int]:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def _raw_controls(url: str) -> list[tuple[str, str]]:
    """(table, value) of every stored text with a control character."""
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    bad = []
    try:
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in con.execute(f'SELECT * FROM "{t}"'):
                for v in row:
                    if isinstance(v, str) and any(ch not in "\n\t" and unicodedata.category(ch) == "Cc" for ch in v):
                        bad.append((t, v[:40]))
    finally:
        con.close()
    return bad


@pytest.mark.parametrize("name, call", CALLS, ids=[c[0] for c in CALLS])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=nasty)
def test_every_entry_point_refuses_at_a_field_or_stores_sane_text(demo_services, db_url, name, call, value):
    env = Env(demo_services)
    before = _counts(db_url)
    try:
        call(env, value)
    except ValidationError as exc:
        assert exc.errors, name
        for field, message in exc.errors.items():
            assert field and message and any("\u4e00" <= ch <= "\u9fff" for ch in message), (name, field, message)
        assert _counts(db_url) == before, f"{name}: a refused write changed the database"
    else:
        assert not _raw_controls(db_url), name


def test_the_known_crashes_are_field_messages(demo_services):
    env = Env(demo_services)
    for name, value, field in [
        ("seal.copies", "①", "copies"),
        ("notice.length", "²", "length"),
        ("case.limit", 1.5, "limit"),
        ("duty.at", "1800-01-01 09:00", "at"),
        ("seal.meeting_date", "9999-12-31", "meeting_date"),
        ("case.chase", "9999-12-31", "chase"),
        ("duty.content", "情" * 2001, "content"),
        ("duty.handover_items", "事" * 501, "items"),
    ]:
        call = dict(CALLS)[name]
        with pytest.raises(ValidationError) as exc:
            call(env, value)
        assert field in exc.value.errors, (name, exc.value.errors)


def test_a_case_received_before_1949_is_refused(demo_services):
    env = Env(demo_services)
    with pytest.raises(ValidationError) as exc:
        dict(_calls())["case.note"]  # the intake helper is inside; call the service directly
        demo_services.cases.add(
            CaseIntake(
                "MS-DIBAO",
                env.resident,
                "来访",
                env.people["赵丽"],
                "承诺件",
                limit_value=20,
                received_at=datetime(1800, 1, 1, 9, 0),
            )
        )
    assert "received_at" in exc.value.errors


def test_nul_and_escape_never_reach_a_register(demo_services, db_url):
    env = Env(demo_services)
    demo_services.duty.add_log("来访", "王某\x00来访\x1b[2J", "已\x07答复")
    demo_services.seal_register.add(
        env.seal,
        "证明\x1b]0;x\x07",
        "开具\x00证明",
        "１",
        "本村存档",
        applicant_name="王\x1b[1m某",
        approver_id=env.people["李秀英"],
        keeper_id=env.people["赵丽"],
        note="第一行\n第二行\x00",
    )
    assert not _raw_controls(db_url)
    assert demo_services.seal_register.list()[0].title == "证明"
    assert demo_services.seal_register.verify().ok


# -- no second connection inside a write ------------------------------------------


def test_first_intake_in_a_fresh_process_is_saved_at_once(demo_db_path):
    """Before any screen loaded the catalog: the intake reads the catalog
    inside its own write and must not wait on a second connection."""
    script = f"""
import sys
from cunwu_tui.services import open_services
from cunwu_tui.features.cases.service import CaseIntake
s = open_services({demo_db_path!r})
s.set_operator(next(p.id for p in s.staff.list() if p.name == "赵丽"), {PIN!r})
r = s.residents.search("王桂英")[0].id
row = s.cases.add(CaseIntake("MS-LINSHI-JIUZHU", r, "来访", s.core.operator.id, "承诺件", limit_value=10))
print(row.number)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "〔20" in out.stdout


def test_a_write_inside_a_write_joins_it(services):
    core = services.core
    with core.write() as outer:
        with core.write() as inner:
            assert inner is outer
        with core.read() as r:
            assert r is outer


@pytest.fixture
def demo_db_path(db_url):
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo

    s = open_services(db_url)
    fill_demo(s, today=TODAY)
    s.close()
    return db_url


# -- the CLI in Chinese -----------------------------------------------------------


def run_cli(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "cunwu_tui", *args] + (["--db", db] if db else [])
    from identity_helpers import PIN

    # a command that writes asks for the operator's PIN: one line of stdin
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, encoding="utf-8", input=PIN + "\n")


@pytest.mark.parametrize("args", [["--help"], ["export", "--help"], ["lookup", "--help"], ["merge", "--help"]])
def test_help_is_chinese_and_aligned(args):
    from cunwu_tui.cli_zh import width

    out = run_cli(*args)
    assert out.returncode == 0
    text = out.stdout
    for english in ("usage:", "positional arguments", "options:", "show this help"):
        assert english not in text
    assert text.startswith("用法：")
    # help texts start in one column whatever the width of the option names
    starts = set()
    for line in text.splitlines():
        if line.startswith("  -") and "  " in line.strip():
            head = line[: line.index("  ", 3)].rstrip() if "  " in line[3:] else line
            rest = line[len(head) :]
            starts.add(width(head) + len(rest) - len(rest.lstrip()))
    assert len(starts) <= 1, starts
    assert all(width(line) <= 80 for line in text.splitlines() if not line.startswith("  cunwu")), text


@pytest.mark.parametrize(
    "args, words",
    [
        (["bogus"], "没有「bogus」这个选项"),
        (["lookup", "--limit", "1e9", "低保"], "只能填数字"),
        (["lookup", "--limit", "0", "低保"], "1至200"),
        (["lookup"], "缺少必需的参数"),
        (["export", "--month"], "需要一个值"),
        (["--nonsense"], "无法识别的参数"),
    ],
)
def test_bad_arguments_get_a_chinese_sentence(args, words, tmp_path):
    out = run_cli(*args)
    assert out.returncode == 2
    assert words in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and "choose from" not in out.stderr and "出错了" not in out.stderr


def test_export_of_an_impossible_month_is_refused(demo_db_path, tmp_path):
    for month, words in [("9999-12", "不能晚于"), ("2026-13", "格式不对"), ("１８００－０１", "不能早于")]:
        out = run_cli("export", "--month", month, "--out", str(tmp_path / "out"), db=demo_db_path)
        assert out.returncode == 2, out.stderr
        assert words in out.stderr and "出错了" not in out.stderr
    assert not (tmp_path / "out").exists()


def test_a_closed_pipe_ends_quietly(demo_db_path):
    cmd = f"{sys.executable} -m cunwu_tui lookup --db '{demo_db_path}' 低保 | head -1"
    out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert out.stdout.startswith("与「低保」相关的事项")


@given(st.text())
def test_a_search_is_escaped_for_like_exactly_when_it_holds_a_wildcard_or_the_escape(text):
    """LIKE ... ESCAPE costs SQLite more: asked for only when the search
    holds % or _ (LIKE's wildcards) or / (SQLAlchemy's escape character)."""
    assert inputs.like_escaped(text) == bool({"%", "_", "/"} & set(text))
