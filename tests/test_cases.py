"""Cases: intake with numbers and deadlines, the step checklist with
branches, notices and going back, outcomes, 否定报备 and 信访, the lists,
the 工作台 counts, append-only records."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from cunwu_tui.features.cases.service import CaseIntake
from cunwu_tui.features.cases import rules
from cunwu_tui.features.cases.actions import CaseAction
from cunwu_tui.services import ValidationError
from identity_helpers import add_person, PIN

ID = "11010519491231002X"


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def s(services):
    clerk = add_person(services, "赵丽", "13903510004", ["文书", "值班员"])
    add_person(services, "李秀英", "13903510002", ["主任", "带班领导"])
    services.set_operator(clerk.id, PIN)
    services.core.clock = Clock(datetime(2026, 9, 28, 9, 0))
    services.settings.save_profile(
        __import__("cunwu_tui.services.settings", fromlist=["VillageProfile"]).VillageProfile(
            village="青山村", township="柳河镇", county="清源县", phone="0351-6012345"
        )
    )
    return services


def staff_id(s, name):
    return next(p.id for p in s.staff.list() if p.name == name)


def resident(s):
    return s.residents.add("王桂英", "居民身份证", ID, "13903510001", "一组").id


def take_in(s, code="MS-DIBAO", kind="承诺件", limit=20, unit="工作日", received=None, petition=False, seed=None):
    d = s.cases.intake_defaults(code, seed)
    flags = received if received is not None else [False] * len(d.documents)
    return s.cases.add(
        CaseIntake(
            code,
            resident(s) if not s.residents.search("王桂英") else s.residents.search("王桂英")[0].id,
            "来访",
            staff_id(s, "赵丽"),
            kind,
            flags,
            "",
            limit,
            unit,
            petition,
            seed,
        )
    )


def test_intake_numbers_and_deadline(s):
    first = take_in(s)
    second = take_in(s)
    assert (first.number, second.number) == ("〔2026〕第0001号", "〔2026〕第0002号")
    # 20 工作日 from 09-28 across the National Day break
    assert first.next_due == date(2026, 10, 30) and first.next_due_what == "承诺办结" and not first.provisional
    assert first.applicant_masked_id == "110105********002X"
    assert first.status == "在办"
    s.core.clock = Clock(datetime(2027, 1, 4, 9, 0))
    third = take_in(s, limit=5)
    assert third.number == "〔2027〕第0001号"  # sequential per year
    assert third.provisional  # 2027 has no holiday data yet: 预计
    assert third.due_text.endswith("预计")


def test_immediate_case_due_the_same_working_day(s):
    s.core.clock = Clock(datetime(2026, 10, 3, 10, 0))  # a holiday
    row = take_in(s, kind="即办件", limit=None)
    assert row.next_due == date(2026, 10, 8)


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"channel": "传真"}, "channel", "受理渠道"),
        ({"kind": "急件"}, "kind", "办件类型"),
        ({"limit_value": None}, "limit", "承诺办结时限"),
        ({"limit_value": "三天"}, "limit", "整数"),
        ({"resident_id": None}, "resident", "申请人"),
        ({"matter_code": "NO-SUCH"}, "matter", "事项"),
    ],
)
def test_bad_intake_saves_nothing(s, kwargs, field, words):
    args = dict(
        matter_code="MS-DIBAO",
        resident_id=resident(s),
        channel="来访",
        first_officer_id=staff_id(s, "赵丽"),
        kind="承诺件",
        limit_value=10,
        limit_unit="日",
    )
    args.update(kwargs)
    with pytest.raises(ValidationError) as exc:
        s.cases.add(CaseIntake(**args))
    assert words in exc.value.errors[field]
    assert s.cases.list(rules.F_ALL) == []


def test_missing_documents_make_the_letter(s):
    d = s.cases.intake_defaults("MS-DIBAO")
    assert len(d.documents) >= 2
    flags = [True] + [False] * (len(d.documents) - 1)
    row = take_in(s, received=flags)
    assert row.missing_documents == len(flags) - 1
    letter = s.cases.letter(row.id)
    assert [x.line for x in letter.missing] == list(d.documents[1:])
    assert letter.applicant == "王桂英"
    path = s.catalog.write_letter(letter, s.core.now().date().isoformat() and None)
    from python_calamine import CalamineWorkbook

    text = str(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
    assert "尚缺材料" in text and d.documents[0].split("（")[0] not in text.split("已收材料")[0].split("尚缺材料")[1]


def test_steps_in_order_with_branches(s):
    row = take_in(s, seed="000_df0ea5699719fa07.txt")
    d = s.cases.detail(row.id)
    assert d.current_step == 1 and d.steps[0].state == "当前"
    with pytest.raises(ValidationError, match="按顺序"):
        s.cases.complete_step(row.id, 2)
    for n in (1, 2, 3):
        s.cases.complete_step(row.id, n, "已核对")
    d = s.cases.detail(row.id)
    assert d.current_step is None and [c.label for c in d.choices] == ["未通过", ""]
    with pytest.raises(ValidationError, match="选择办理情况"):
        s.cases.complete_step(row.id, 4)
    s.cases.choose(row.id, "", None, "审核通过")
    d = s.cases.detail(row.id)
    assert d.current_step == 6
    assert [t.what for t in d.timeline][:5] == ["受理登记", "完成步骤", "完成步骤", "完成步骤", "办理情况"]
    assert d.steps[0].state == "已办" and d.steps[0].done_by == "赵丽" and d.steps[0].note == "已核对"


def test_notice_step_waits_for_the_notice_and_an_objection_sends_back(s):
    row = take_in(s, seed="000_df0ea5699719fa07.txt")
    for n in (1, 2, 3):
        s.cases.complete_step(row.id, n)
    s.cases.choose(row.id, "")
    for n in (6, 7, 8):
        s.cases.complete_step(row.id, n)
    d = s.cases.detail(row.id)
    assert d.current_step == 9 and d.steps[8].needs_notice and "发布公示" in d.notice_block
    with pytest.raises(ValidationError, match="公示"):
        s.cases.complete_step(row.id, 9)
    info = s.cases.publish_notice(row.id, "低保第一次公示：王桂英", "公开栏", datetime(2026, 10, 9, 9, 0), 7, "日")
    assert info.case_ref == row.number and info.case_step == 9 and info.kind == "低保"
    with pytest.raises(ValidationError, match="期满"):
        s.cases.complete_step(row.id, 9)
    # an upheld objection: the notice ends 有异议, the step cannot complete; the case goes back
    s.core.clock = Clock(datetime(2026, 10, 12, 10, 0))
    obj = s.notices.add_objection(info.id, "2026-10-12 10:00", "李四", "家中有车辆")
    s.notices.handle_objection(obj.id, "入户核实，情况属实", "成立")
    n = s.notices.get(info.id)
    assert n.result == "有异议"
    d = s.cases.detail(row.id)
    assert "退回" in d.notice_block
    with pytest.raises(ValidationError):
        s.cases.complete_step(row.id, 9)
    with pytest.raises(ValidationError, match="原因"):
        s.cases.go_back(row.id, 7, "")
    s.cases.go_back(row.id, 7, "公示有异议，重新入户调查")
    d = s.cases.detail(row.id)
    assert d.current_step == 7
    s.cases.complete_step(row.id, 7, "重新调查")
    s.cases.complete_step(row.id, 8)
    second = s.cases.publish_notice(
        row.id, "低保第一次公示（重新公示）：王桂英", "公开栏", datetime(2026, 10, 12, 11, 0), 7, "日"
    )
    s.core.clock = Clock(datetime(2026, 10, 20, 9, 0))
    s.notices.close(second.id, "无异议")
    s.cases.complete_step(row.id, 9, "公示无异议")
    assert s.cases.detail(row.id).current_step is None  # the 有异议 decision


def test_conclude_and_lists(s):
    a = take_in(s)
    b = take_in(s, kind="即办件", limit=None)
    with pytest.raises(ValidationError, match="缺材料仍办结的理由") as exc:
        s.cases.conclude(b.id, "当场办结")
    assert set(exc.value.errors) == {"missing_reason"}
    s.cases.conclude(b.id, "当场办结", "经核实材料系统内已有，不需要再交")
    with pytest.raises(ValidationError, match="办理结果"):
        s.cases.conclude(a.id, " ")
    assert [r.number for r in s.cases.list(rules.F_OPEN)] == [a.number]
    assert [r.number for r in s.cases.list(rules.F_CONCLUDED)] == [b.number]
    with pytest.raises(ValidationError, match="已办结"):
        s.cases.complete_step(b.id, 1)
    assert [r.number for r in s.cases.list(rules.F_ALL, "0002")] == [b.number]
    assert [r.number for r in s.cases.list(rules.F_ALL, "王桂")] == [b.number, a.number] or {
        r.number for r in s.cases.list(rules.F_ALL, "王桂")
    } == {a.number, b.number}
    assert len(s.cases.list(rules.F_ALL, "002X")) == 2
    assert len(s.cases.list(rules.F_ALL, "低保")) == 2 or len(s.cases.list(rules.F_ALL, "最低生活")) == 2


def test_overdue_and_soon_and_counts(s):
    a = take_in(s, limit=3, unit="日")  # due 10-08 (10-01 falls in the holiday)
    b = take_in(s, limit=30, unit="日")  # due 10-28
    today = date(2026, 10, 9)
    assert [r.number for r in s.cases.list(rules.F_OVERDUE, today=today)] == [a.number]
    assert s.cases.list(rules.F_SOON, today=today) == []
    assert [r.number for r in s.cases.list(rules.F_SOON, today=date(2026, 10, 26))] == [b.number]
    c = s.cases.counts(today)
    assert (c.overdue, c.due_today, c.soon) == (1, 0, 0) and c.oldest_overdue.number == a.number
    assert s.cases.counts(date(2026, 10, 28)).due_today == 1


def test_escalate_and_feedback(s):
    row = take_in(s, kind="上报件", limit=15)
    with pytest.raises(ValidationError) as exc:
        s.cases.escalate(row.id, "上报", "", "2026-09-01")
    assert set(exc.value.errors) == {"to", "chase"}
    s.cases.escalate(row.id, "上报", "柳河镇民政办", "2026-10-09")
    r = s.cases.row(row.id, date(2026, 10, 9))
    assert r.status == "待反馈" and r.next_due == date(2026, 10, 9) and r.next_due_what == "催办反馈"
    assert s.cases.counts(date(2026, 10, 9)).due_today == 1
    s.cases.feedback(row.id, "镇民政办已审核，待县民政局审批")
    r = s.cases.row(row.id, date(2026, 10, 9))
    assert r.status == "在办" and r.next_due_what == "承诺办结"


def test_refusal_with_its_deadlines(s):
    row = take_in(s)
    with pytest.raises(ValidationError) as exc:
        s.cases.refuse(row.id, "不予受理", "", "", beyond_authority=True)
    assert set(exc.value.errors) == {"reason", "basis", "leader"}
    assert s.cases.row(row.id).status == "在办"
    s.cases.refuse(
        row.id,
        "不予受理",
        "家庭人均收入高于当地低保标准",
        "《最低生活保障审核确认办法》第十条",
        True,
        staff_id(s, "李秀英"),
    )
    r = s.cases.row(row.id, date(2026, 10, 9))
    assert r.status == "不予受理"
    d = s.cases.detail(row.id, date(2026, 10, 9))
    due = {t.what: t.date for t in d.deadlines if t.open}
    assert due == {"领导审核意见": date(2026, 10, 8), "书面告知申请人": date(2026, 10, 16)}
    assert r.overdue  # the leader's opinion is late on 10-09
    assert [x.number for x in s.cases.list(rules.F_REFUSED)] == [row.number]
    s.core.clock = Clock(datetime(2026, 9, 30, 9, 0))
    s.cases.leader_opinion(row.id, True, "同意", leader_pin=PIN)
    s.cases.refusal_told(row.id, "2026-09-30", "书面告知书当面送达")
    with pytest.raises(ValidationError, match="签收"):
        s.cases.return_materials(row.id, "户口簿复印件", "")
    s.cases.return_materials(row.id, "户口簿复印件、收入证明", "王桂英")
    r = s.cases.row(row.id, date(2026, 10, 20))
    assert not r.overdue and r.next_due is None
    [ledger] = s.cases.refusals_between(date(2026, 9, 1), date(2026, 10, 1))
    assert ledger.basis.startswith("《最低生活保障") and ledger.told_on == date(2026, 9, 30)
    assert "王桂英签收" in ledger.materials and ledger.leader == "李秀英"


def test_leader_disagreeing_reopens(s):
    row = take_in(s)
    s.cases.refuse(row.id, "不予受理", "材料不全", "本村规定", True, staff_id(s, "李秀英"))
    with pytest.raises(ValidationError, match="写明意见"):
        s.cases.leader_opinion(row.id, False, "", leader_pin=PIN)
    s.cases.leader_opinion(row.id, False, "材料可以补齐，应予受理", leader_pin=PIN)
    r = s.cases.row(row.id)
    assert r.status == "在办" and r.next_due_what == "承诺办结"


def test_petition_deadlines(s):
    s.core.clock = Clock(datetime(2026, 8, 3, 9, 0))
    row = take_in(s, code="PA-XINFANG", kind="承诺件", limit=None, petition=True)
    assert row.next_due == date(2026, 8, 18) and row.next_due_what == "决定是否受理并告知信访人"
    with pytest.raises(ValidationError, match="先登记受理"):
        s.cases.extend_petition(row.id, 30, "情况复杂", staff_id(s, "李秀英"), PIN)
    s.core.clock = Clock(datetime(2026, 8, 5, 9, 0))
    s.cases.accept_petition(row.id, "2026-08-03", "2026-08-05")
    r = s.cases.row(row.id)
    # 60 日 from 08-03 end 10-02 (holiday) -> 10-08
    assert r.next_due == date(2026, 10, 8) and r.next_due_what == "办结"
    with pytest.raises(ValidationError, match="不得超过30日"):
        s.cases.extend_petition(row.id, 31, "情况复杂", staff_id(s, "李秀英"), PIN)
    with pytest.raises(ValidationError, match="延期理由"):
        s.cases.extend_petition(row.id, 30, " ", staff_id(s, "李秀英"), PIN)
    s.cases.extend_petition(row.id, 30, "涉及多个部门，需联合调查", staff_id(s, "李秀英"), PIN)
    r = s.cases.row(row.id)
    assert r.next_due == date(2026, 11, 9) and r.next_due_what == "办结（已延期）"
    with pytest.raises(ValidationError, match="不能再次延长"):
        s.cases.extend_petition(row.id, 10, "再延", staff_id(s, "李秀英"), PIN)
    s.core.clock = Clock(datetime(2026, 10, 20, 9, 0))
    s.cases.conclude(row.id, "已书面答复信访人")
    d = s.cases.detail(row.id)
    window = [t for t in d.deadlines if not t.office]
    assert window and window[0].what == "可申请复查" and window[0].date == date(2026, 11, 19)
    assert s.cases.row(row.id, date(2026, 12, 1)).overdue is False  # the petitioner's window is never overdue
    with pytest.raises(ValidationError, match="不能晚于 2026-10-20"):  # not a request still to come
        s.cases.review(row.id, "复查", "2026-11-02")
    s.core.clock = Clock(datetime(2026, 11, 2, 9, 0))
    s.cases.review(row.id, "复查", "2026-11-02")
    r = s.cases.row(row.id, date(2026, 12, 3))
    assert r.next_due == date(2026, 12, 2) and r.next_due_what == "提出复查意见" and r.overdue
    with pytest.raises(ValidationError, match="不能早于申请日期"):
        s.cases.review(row.id, "复查", "2026-11-02", "2026-11-01", "维持原处理意见")
    s.core.clock = Clock(datetime(2026, 11, 30, 9, 0))
    s.cases.review(row.id, "复查", "2026-11-02", "2026-11-30", "维持原处理意见")
    d = s.cases.detail(row.id)
    assert [t.what for t in d.deadlines if not t.office] == ["可申请复查", "可申请复核"]


def test_event_records_cannot_be_changed(s, db_url):
    row = take_in(s)
    s.cases.complete_step(row.id, 1)
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    for sql in (
        "UPDATE case_event SET text = 'x'",
        "DELETE FROM case_event",
        "UPDATE case_record SET applicant_name = '张三'",
        "DELETE FROM case_record",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            con.execute(sql)
    con.close()


def test_audit_names_the_case_without_the_id_number(s):
    take_in(s)
    entries = s.audit.recent(5)
    case = [e for e in entries if e.kind == "case"]
    assert case and case[0].subject == "〔2026〕第0001号"
    assert ID not in (case[0].before + case[0].after)


def test_ledgers_read_back(s, tmp_path):
    from python_calamine import CalamineWorkbook

    a = take_in(s, received=[True] + [False] * (len(s.cases.intake_defaults("MS-DIBAO").documents) - 1))
    b = take_in(s, kind="即办件", limit=None)
    s.cases.conclude(b.id, "当场办结", "经核实不需要")
    c = take_in(s)
    s.cases.refuse(c.id, "不予受理", "收入超过标准", "《最低生活保障审核确认办法》", True, staff_id(s, "李秀英"))
    late = take_in(s, limit=1, unit="日")  # due 09-29, still open at the end of the month
    s.core.clock = Clock(datetime(2026, 9, 29, 9, 0))
    s.cases.refusal_told(c.id, "2026-09-29")
    s.cases.return_materials(c.id, "收入证明", "王桂英")
    s.cases.receive_documents(a.id, [1], on="2026-09-29")
    s.core.clock = Clock(datetime(2026, 10, 20, 9, 0))
    paths = s.exports.export("2026-09", ["cases", "refusals"], tmp_path, today=date(2026, 10, 20))
    names = [p.name for p in paths]
    assert names == ["青山村_受理登记台账_2026-09.xlsx", "青山村_否定报备台账_2026-09.xlsx"]

    def rows(path):
        data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        return [r for r in data[3:] if isinstance(r[0], (int, float)) and r[0] >= 1]

    cases = rows(paths[0])
    assert [r[1] for r in cases] == [a.number, b.number, c.number, late.number]
    assert cases[3][14] == "是"
    assert cases[0][3] == "王桂英" and cases[0][4] == "110105********002X"
    assert ID not in str(cases) and "13903510001" not in str(cases)
    assert cases[1][11] == "办结" and cases[1][13] == "当场办结"
    assert "缺材料办结理由：经核实不需要" in cases[1][9]
    assert "补交：书面申请书、家庭收入和财产状况的书面声明（09-29 赵丽收）" in cases[0][9]
    assert cases[0][11] == "在办" and str(cases[0][13]).startswith("办理中：第1步")
    assert cases[0][14] == "否"  # 20 工作日 from 09-28 end 10-30: not late at the end of September
    assert cases[2][11] == "不予受理" and "收入超过标准" in cases[2][13]
    [refusal] = rows(paths[1])
    assert refusal[1] == c.number and refusal[6] == "收入超过标准" and refusal[7] == "《最低生活保障审核确认办法》"
    assert refusal[8].startswith("李秀英（10-08前）：未登记")
    assert refusal[9] == "2026-09-29" and "收入证明（王桂英签收" in refusal[10]


def test_step_time_limit_is_tracked(s):
    # seed 004's 低保: 镇民政办 checks within 10 天 of receiving the report (step 3)
    row = take_in(s, seed="004_6236ee6db6d88bf7.txt", limit=60, unit="日")
    s.cases.complete_step(row.id, 1)
    s.core.clock = Clock(datetime(2026, 9, 29, 10, 0))
    s.cases.complete_step(row.id, 2)
    d = s.cases.detail(row.id)
    assert d.current_step == 3
    step_due = [t for t in d.deadlines if t.what == "第3步时限"]
    # 10 日 from 09-29 end 10-09 (a working day after the National Day break)
    assert step_due and step_due[0].date == date(2026, 10, 9)
    assert s.cases.row(row.id).next_due == date(2026, 10, 9)


def test_refusal_at_the_year_end_is_provisional(s):
    s.core.clock = Clock(datetime(2026, 12, 24, 9, 0))
    row = take_in(s, limit=10)
    s.cases.refuse(row.id, "不予受理", "不符合条件", "有关规定")
    d = s.cases.detail(row.id, date(2026, 12, 24))
    [told] = [t for t in d.deadlines if t.open]
    assert told.what == "书面告知申请人"
    # unless the clerk has entered 2027's schedule, the deadline is 预计
    assert told.provisional == (not s.calendar.covered(2027))
    assert told.text().endswith("（预计）") == told.provisional


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cunwu_tui.domain.workdays import WorkCalendar  # noqa: E402

_kinds = st.sampled_from(
    [
        rules.ESCALATE,
        rules.FEEDBACK,
        rules.CONCLUDE,
        rules.REFUSE,
        rules.LEADER_OPINION,
        rules.REFUSAL_NOTICE,
        rules.ACCEPT,
        rules.EXTEND,
        rules.REVIEW_REQUEST,
        rules.REVIEW_ANSWER,
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.booleans(), st.lists(st.tuples(_kinds, st.integers(0, 40), st.booleans()), max_size=8))
def test_summary_invariants(petition, raw):
    """Whatever happened to a case, its summary is consistent: the next due
    day is the earliest open office deadline, the petitioner's windows are
    never overdue, a concluded or refused case has no 承诺办结 running."""
    from datetime import timedelta

    received = date(2026, 3, 2)
    intake = rules.Intake(received, "承诺件", petition, None if petition else date(2026, 3, 16))
    events, day = [], received
    for kind, gap, flag in raw:
        day = day + timedelta(days=gap)
        data = {}
        if kind == rules.REFUSE:
            data = {"beyond_authority": flag}
        elif kind == rules.LEADER_OPINION:
            data = {"agree": flag}
        elif kind == rules.EXTEND:
            data = {"days": 30}
        events.append(
            rules.Event(
                kind,
                day,
                label=rules.REVIEW_LEVELS[int(flag)] if kind in (rules.REVIEW_REQUEST, rules.REVIEW_ANSWER) else "",
                date=day + timedelta(days=1) if kind == rules.ESCALATE else None,
                text="理由" if kind == rules.EXTEND else "",
                data=data,
            )
        )
    summary = rules.summarize(intake, events, WorkCalendar())
    assert summary.status in rules.STATUSES
    opened = summary.open_deadlines
    assert summary.next_due == (min(t.date for t in opened) if opened else None)
    assert all(t.office for t in opened)
    far = date(2030, 1, 1)
    assert summary.overdue(far) == bool(opened)
    if summary.status in (rules.CONCLUDED, rules.REFUSED):
        assert not any(t.what == "承诺办结" and t.open for t in summary.deadlines)


def test_a_case_taken_in_by_mistake_is_voided_not_deleted(s):
    row = take_in(s, limit=3, unit="日")
    with pytest.raises(ValidationError, match="作废原因"):
        s.cases.void(row.id, " ")
    s.cases.void(row.id, "申请人选错，已重新受理")
    r = s.cases.row(row.id, date(2026, 12, 1))
    assert r.status == "已作废" and r.next_due is None and not r.overdue
    assert s.cases.list(rules.F_OPEN) == [] and [x.number for x in s.cases.list(rules.F_ALL)] == [row.number]
    assert s.cases.detail(row.id).void_reason == "申请人选错，已重新受理"
    with pytest.raises(ValidationError, match="已作废"):
        s.cases.complete_step(row.id, 1)
    assert take_in(s).number == "〔2026〕第0002号"  # the number is not reused


def test_a_refusal_goes_only_to_a_leader(s):
    row = take_in(s)
    assert [n for n, _ in s.cases.refusal_leaders()] == ["李秀英"]
    with pytest.raises(ValidationError) as exc:
        s.cases.refuse(row.id, "不予受理", "材料不全", "有关规定", True, staff_id(s, "赵丽"))  # the clerk herself
    assert "领导" in exc.value.errors["leader"]
    assert s.cases.row(row.id).status == "在办"


# ---------------------------------------------------------------------------
# The 公示 chain: rounds follow the objection they answer and the case step they serve


def _to_notice_step(s):
    row = take_in(s, seed="000_df0ea5699719fa07.txt")
    for n in (1, 2, 3):
        s.cases.complete_step(row.id, n)
    s.cases.choose(row.id, "")
    for n in (6, 7, 8):
        s.cases.complete_step(row.id, n)
    return row


def test_second_round_waits_for_the_objection_and_the_case(s):
    row = _to_notice_step(s)
    s.core.clock = Clock(datetime(2026, 10, 9, 9, 0))
    first = s.cases.publish_notice(row.id, "低保第一次公示：王桂英", "公开栏", datetime(2026, 10, 9, 9, 0), 7, "日")
    # a notice for the step cannot be posted twice, nor start before the case got there
    with pytest.raises(ValidationError, match="已有公示"):
        s.notices.add("重复", "低保", "公开栏", datetime(2026, 10, 9, 10), 7, "日", case_ref=row.number, case_step=9)
    with pytest.raises(ValidationError, match="当前不在第5步"):
        s.notices.add(
            "别的步骤", "低保", "公开栏", datetime(2026, 10, 9, 10), 7, "日", case_ref=row.number, case_step=5
        )
    # a next round needs an upheld objection first
    with pytest.raises(ValidationError, match="没有异议成立"):
        s.notices.add(
            "第二次",
            "低保",
            "公开栏",
            datetime(2026, 10, 9, 10),
            7,
            "日",
            round="第二次",
            case_ref=row.number,
            case_step=9,
            previous_id=first.id,
        )
    s.core.clock = Clock(datetime(2026, 10, 12, 10, 0))
    obj = s.notices.add_objection(first.id, "2026-10-12 09:30", "李四", "家中有车辆")
    s.notices.handle_objection(obj.id, "入户核实，情况属实", "成立")
    d = s.cases.detail(row.id)
    # the block asks for sending back (no key: the screen adds it), not for the next round
    assert d.notice_action is CaseAction.GO_BACK and "请退回重新调查核实" in d.notice_block
    assert CaseAction.POST_NOTICE not in d.actions and CaseAction.COMPLETE_STEP not in d.actions
    assert d.why_not(CaseAction.COMPLETE_STEP).words() == d.notice_block
    # ... and the case sent back and worked again
    with pytest.raises(ValidationError, match="退回重新调查核实"):
        s.cases.publish_notice(row.id, "低保第二次公示", "公开栏", datetime(2026, 10, 12, 11, 0), 7, "日")
    s.core.clock = Clock(datetime(2026, 10, 12, 14, 0))
    s.cases.go_back(row.id, 8, "公示有异议，重新入户调查")
    s.cases.complete_step(row.id, 8, "重新调查")
    d = s.cases.detail(row.id)
    assert d.current_step == 9 and "请发布下一轮公示" in d.notice_block
    assert d.notice_action is CaseAction.POST_NOTICE and CaseAction.POST_NOTICE in d.actions
    defaults = s.cases.notice_defaults(row.id)
    assert defaults["previous_id"] == first.id and defaults["round"] == "第二次" and defaults["case_step"] == 9
    # back-dated before the objection was decided: refused
    with pytest.raises(ValidationError, match="不能早于这一天") as exc:
        s.notices.add(
            "低保第二次公示",
            "低保",
            "公开栏",
            datetime(2026, 10, 9, 9, 0),
            7,
            "日",
            round="第二次",
            backdate_reason="补登记",
            case_ref=row.number,
            case_step=9,
            previous_id=first.id,
        )
    assert "start" in exc.value.errors
    # a fresh first round instead of the chain's next one: refused
    with pytest.raises(ValidationError, match="接续"):
        s.notices.add(
            "另起一个", "低保", "公开栏", datetime(2026, 10, 12, 15), 7, "日", case_ref=row.number, case_step=9
        )
    second = s.cases.publish_notice(row.id, "低保第二次公示：王桂英", "公开栏", datetime(2026, 10, 12, 15, 0), 7, "日")
    assert second.previous_id == first.id and second.round == "第二次"
    assert [n.id for n in s.notices.chain(second.id)] == [first.id, second.id]
    # the step passes only on the latest round, after its period
    d = s.cases.detail(row.id)
    assert "期满并登记结果后" in d.notice_block
    assert "第001号" in d.steps[8].notice_text and "第002号" in d.steps[8].notice_text
    with pytest.raises(ValidationError, match="期满"):
        s.cases.complete_step(row.id, 9)
    s.core.clock = Clock(datetime(2026, 10, 19, 9, 0))
    s.notices.close(second.id, "无异议")
    s.cases.complete_step(row.id, 9, "第二次公示无异议")


def test_a_notice_from_before_going_back_does_not_serve_the_step(s):
    row = _to_notice_step(s)
    s.core.clock = Clock(datetime(2026, 10, 9, 9, 0))
    first = s.cases.publish_notice(row.id, "低保第一次公示：王桂英", "公开栏", datetime(2026, 10, 9, 9, 0), 7, "日")
    s.core.clock = Clock(datetime(2026, 10, 19, 9, 0))
    s.notices.close(first.id, "无异议")
    s.core.clock = Clock(datetime(2026, 10, 19, 10, 0))
    s.cases.go_back(row.id, 8, "发现漏报家庭成员，重新核实")
    s.cases.complete_step(row.id, 8)
    d = s.cases.detail(row.id)
    assert d.current_step == 9 and "退回之前" in d.notice_block
    with pytest.raises(ValidationError, match="退回之前"):
        s.cases.complete_step(row.id, 9)


def test_temporary_assistance_case_offers_only_reachable_branches_and_waits_on_its_notice(s):
    row = take_in(s, code="MS-LINSHI-JIUZHU", limit=10)
    for n in (1, 2, 3):
        s.cases.complete_step(row.id, n)
    d = s.cases.detail(row.id)
    assert [c.label for c in d.choices] == ["审核未通过", "急难型困难", "支出型困难"]
    s.cases.choose(row.id, "支出型困难", 8)
    for n in (8, 9, 10):
        s.cases.complete_step(row.id, n)
    # step 11 公示: the source gives no period, still the step waits for a notice
    d = s.cases.detail(row.id)
    assert d.current_step == 11 and d.notice_action is CaseAction.POST_NOTICE and not d.can_complete_step
    with pytest.raises(ValidationError, match="公示"):
        s.cases.complete_step(row.id, 11)
    info = s.cases.publish_notice(row.id, "临时救助对象公示", "公开栏", datetime(2026, 9, 28, 9, 0), 5, "日")
    s.core.clock = Clock(datetime(2026, 10, 9, 9, 0))
    s.notices.close(info.id, "无异议")
    s.cases.complete_step(row.id, 11)
    d = s.cases.detail(row.id)
    assert [c.label for c in d.choices] == ["有异议", "无异议"]
    s.cases.choose(row.id, "无异议", 13)
    s.cases.complete_step(row.id, 13)
    assert [c.label for c in s.cases.detail(row.id).choices] == ["不超过4倍", "4倍以上"]
    s.cases.choose(row.id, "不超过4倍", 14)
    s.cases.complete_step(row.id, 14)
    assert [c.label for c in s.cases.detail(row.id).choices] == ["审批未通过", "审批通过"]
    with pytest.raises(ValidationError, match="不在可选范围"):
        s.cases.choose(row.id, "4倍以上", 15)


def test_late_documents_are_an_event_and_the_letter_follows(s):
    row = take_in(s)
    n = len(s.cases.detail(row.id).documents)
    assert row.missing_documents == n
    with pytest.raises(ValidationError, match="勾选"):
        s.cases.receive_documents(row.id, [])
    with pytest.raises(ValidationError, match="不能晚于") as exc:
        s.cases.receive_documents(row.id, [0], on="2026-10-30")
    assert set(exc.value.errors) == {"on"}
    with pytest.raises(ValidationError, match="早于受理"):
        s.cases.receive_documents(row.id, [0], on="2026-09-01")
    s.core.clock = Clock(datetime(2026, 9, 30, 15, 0))
    after = s.cases.receive_documents(row.id, [0, 2], staff_id(s, "李秀英"), "2026-09-30", "本人送来")
    assert after.missing_documents == n - 2
    d = s.cases.detail(row.id)
    assert d.documents[0].received and d.documents[0].received_on == date(2026, 9, 30)
    assert d.documents[0].received_by == "李秀英" and not d.documents[1].received
    assert d.timeline[-1].what == "补交材料" and "李秀英收到" in d.timeline[-1].text
    with pytest.raises(ValidationError, match="已收到"):
        s.cases.receive_documents(row.id, [2])
    # the letter lists only what is still missing
    letter = s.cases.letter(row.id, date(2026, 9, 30))
    missing = [x.name for x in letter.missing]
    assert d.documents[0].name not in missing and d.documents[1].name in missing and len(missing) == n - 2
    assert s.audit.recent(1)[0].action == "补交材料"
    # the intake record itself is unchanged (append-only)
    assert sum(1 for doc in s.cases.detail(row.id).documents if doc.received_on is None and doc.received) == 0
    s.cases.receive_documents(row.id, [i for i in range(n) if not s.cases.detail(row.id).documents[i].received])
    assert s.cases.row(row.id).missing_documents == 0
    s.cases.conclude(row.id, "材料齐全，上报乡镇")


# ---------------------------------------------------------------------------
# Papers for the applicant: 收件回执 and 不予受理告知书, printed A4 through the ledger writer


def _sheet(path):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def test_receipt_names_documents_pages_due_date_and_handler(s, tmp_path):
    d = s.cases.intake_defaults("MS-DIBAO")
    n = len(d.documents)
    flags = [True, False, True] + [False] * (n - 3)
    rid = resident(s)
    with pytest.raises(ValidationError, match="页数填了 1 个") as exc:
        s.cases.add(
            CaseIntake("MS-DIBAO", rid, "来访", staff_id(s, "赵丽"), "承诺件", flags, "", 20, "工作日", pages="3")
        )
    assert set(exc.value.errors) == {"pages"}
    with pytest.raises(ValidationError, match="整数"):
        s.cases.add(
            CaseIntake("MS-DIBAO", rid, "来访", staff_id(s, "赵丽"), "承诺件", flags, "", 20, "工作日", pages="3 两")
        )
    row = s.cases.add(
        CaseIntake("MS-DIBAO", rid, "来访", staff_id(s, "赵丽"), "承诺件", flags, "", 20, "工作日", pages="３ 2")
    )
    paper = s.cases.receipt(row.id, date(2026, 9, 28))
    text = paper.text
    assert paper.kind == "收件回执" and row.number in text and "王桂英（110105********002X）" in text
    docs = s.cases.detail(row.id).documents
    assert f"1. {docs[0].name}（原件及复印件，3页）" in text
    assert f"2. {docs[2].name}（" in text and "2页）" in text
    assert docs[1].name not in text and f"{n - 2}项，见一次性告知书" in text
    assert "2026年10月30日" in text and "赵丽　电话：13903510004" in text
    assert "柳河镇青山村　电话：0351-6012345" in text and "申请人签字" in paper.closing
    assert ID not in text
    path = s.cases.write_paper(paper, tmp_path)
    assert path.exists() and path.name.startswith("青山村_收件回执_") and path.name.endswith("_王桂英_2026-09-28.xlsx")
    rows = _sheet(path)
    flat = "\n".join(str(c) for r in rows for c in r)
    assert "青山村收件回执" in flat and "3页" in flat and "经办人签字" in flat and ID not in flat
    assert s.audit.recent(1)[0].action == "出具收件回执"


def test_refusal_letter_reason_basis_report_and_handover(s, tmp_path):
    row = take_in(s)
    with pytest.raises(ValidationError, match="没有登记不予受理"):
        s.cases.refusal_paper(row.id)
    s.cases.refuse(
        row.id,
        "不予受理",
        "家庭人均收入超过低保标准",
        "《最低生活保障审核确认办法》第十条",
        True,
        staff_id(s, "李秀英"),
    )
    assert "李秀英：尚未提出意见" in s.cases.refusal_paper(row.id).text
    s.cases.leader_opinion(row.id, True, "按规定办理", leader_pin=PIN)
    paper = s.cases.refusal_paper(row.id, date(2026, 9, 29))
    text = paper.text
    assert paper.kind == "不予受理告知书"
    assert "理由" in text and "家庭人均收入超过低保标准" in text and "第十条" in text
    assert "李秀英：同意（按规定办理）" in text and "书面报上级机关（柳河镇）" in text and "签收备查" in text
    assert "柳河镇青山村" in text and "2026年9月29日" in paper.closing
    path = s.cases.write_paper(paper, tmp_path)
    assert "不予受理告知书" in path.name and path.exists()
    # W: when it was handed over
    s.core.clock = Clock(datetime(2026, 9, 30, 9, 0))
    s.cases.refusal_told(row.id, "2026-09-30", "书面告知书当面送达")
    assert s.cases.detail(row.id).refusal.told_on == date(2026, 9, 30)


def test_postpone_an_ordinary_case_needs_a_leader_and_a_later_date(s):
    row = take_in(s)  # 20 工作日 from 09-28: due 10-30
    clerk, leader = staff_id(s, "赵丽"), staff_id(s, "李秀英")
    with pytest.raises(ValidationError) as exc:
        s.cases.postpone(row.id, "2026-11-20", " ", clerk)
    assert set(exc.value.errors) == {"reason", "told", "leader"}  # the clerk is no leader
    with pytest.raises(ValidationError, match="晚于现在的期限 2026-10-30"):
        s.cases.postpone(row.id, "2026-10-20", "需入户核实", leader, told=True, leader_pin=PIN)
    with pytest.raises(ValidationError) as exc:  # the leader must be there: their own PIN
        s.cases.postpone(row.id, "2026-11-20", "需镇民政办联合入户核实", leader, told=True)
    assert "李秀英" in exc.value.errors["leader_pin"]
    with pytest.raises(ValidationError) as exc:
        s.cases.postpone(row.id, "2026-11-20", "需镇民政办联合入户核实", leader, told=True, leader_pin="135792")
    assert "密码不对" in exc.value.errors["leader_pin"]
    after = s.cases.postpone(row.id, "2026-11-20", "需镇民政办联合入户核实", leader, told=True, leader_pin=PIN)
    assert after.next_due == date(2026, 11, 20) and after.next_due_what == "承诺办结（已延期）"
    d = s.cases.detail(row.id)
    assert d.timeline[-1].what == "延期" and "李秀英批准" in d.timeline[-1].text and "2026-10-30" in d.timeline[-1].text
    assert [e.action for e in s.audit.recent(2)] == ["延期", "办件延期"]  # the leader's approval on the record
    # overdue is judged on the new date
    assert not s.cases.row(row.id, date(2026, 11, 5)).overdue and s.cases.row(row.id, date(2026, 11, 21)).overdue
    pet = take_in(s, code="PA-XINFANG", petition=True, limit=None)
    with pytest.raises(ValidationError, match="信访件"):
        s.cases.postpone(pet.id, "2026-12-20", "复杂", leader, told=True, leader_pin=PIN)


def test_one_leader_check_for_refusals_and_delays(s):
    with pytest.raises(ValidationError) as exc:
        s.cases.check_leader(staff_id(s, "赵丽"), "leader", "延期")
    assert "领导审批" in exc.value.errors["leader"]
    assert s.cases.check_leader(staff_id(s, "李秀英"), "leader", "延期").name == "李秀英"


def test_an_office_rule_is_never_taken_in(s):
    with pytest.raises(ValidationError, match="工作制度"):
        s.cases.intake_defaults("ZD-JIGUAN-XIAONENG")
    with pytest.raises(ValidationError, match="工作制度") as exc:
        s.cases.add(CaseIntake("ZD-JIGUAN-XIAONENG", resident(s), "来访", staff_id(s, "赵丽"), "即办件"))
    assert "matter" in exc.value.errors


def test_intake_returns_the_row_a_list_then_shows(demo_services):
    """add() builds the new case's row from its own write; it is the row a
    fresh read gives."""
    s = demo_services
    clerk = next(p for p in s.staff.list() if p.name == "赵丽")
    resident = s.residents.search("王", 1)[0]
    added = s.cases.add(
        CaseIntake("MS-HUKOU-QIANYI", resident.id, "来访", clerk.id, "承诺件", [], "比对", 10, "工作日")
    )
    assert added == s.cases.row(added.id)
