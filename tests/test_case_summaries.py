"""#18: a case's summary columns (status, next deadline, current step,
missing documents), written in the transaction of each event, always equal
what replaying its events gives (the detail's own replay), after any
sequence of operations; and an upgraded database gets them once (the app's start-up worker)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from cunwu_tui.features.cases.service import CaseIntake
from cunwu_tui.services import ValidationError
from identity_helpers import PIN, add_person

ID = "11010519491231002X"
OPS = (
    "step",
    "step",
    "step",
    "escalate",
    "feedback",
    "conclude",
    "refuse",
    "refuse_beyond",
    "agree",
    "disagree",
    "told",
    "documents",
    "postpone",
    "void",
    "day",
    "week",
)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _stored(s, case_id):
    with s.core.engine.connect() as conn:
        return conn.execute(
            text("SELECT current_step, summary_version FROM case_record WHERE id = :i"), {"i": case_id}
        ).one()


def check(s, case_id, today):
    replayed = s.cases.row(case_id, today)  # replays the events
    listed = next(r for r in s.cases.list("全部", today=today) if r.id == case_id)  # the summary columns
    assert listed == replayed
    member = {f: case_id in {r.id for r in s.cases.list(f, today=today)} for f in ("在办", "即将到期", "逾期", "办结")}
    assert member["逾期"] == replayed.overdue
    assert member["即将到期"] == (replayed.soon and not replayed.overdue)
    assert member["在办"] == (replayed.status in ("在办", "待反馈"))
    assert member["办结"] == (replayed.status == "办结")
    current, version = _stored(s, case_id)
    assert current == s.cases.detail(case_id, today).current_step
    assert version >= 1
    kept_counts_match(s)  # the per-status counts kept on write (F4's totals)
    for f in ("在办", "办结", "不予受理", "全部"):
        assert s.cases.page(f, "", today).total == len(s.cases.list(f, today=today, limit=100_000))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(st.sampled_from(OPS), max_size=12),
    code=st.sampled_from(["MS-DIBAO", "MS-HUKOU-QIANYI"]),
    petition=st.booleans(),
)
def test_summary_equals_replay_after_any_events(services, ops, code, petition):
    s = services
    if s.identity.needs_setup():
        clerk = add_person(s, "赵丽", "13903510004", ["文书", "值班员"])
        add_person(s, "李秀英", "13903510002", ["主任", "带班领导"])
        s.set_operator(clerk.id, PIN)
        s.residents.add("王桂英", "居民身份证", ID, "13903510001", "一组")
    clock = Clock(datetime(2026, 9, 28, 9, 0))
    s.core.clock = clock
    clerk_id = next(p.id for p in s.staff.list() if p.name == "赵丽")
    leader_id = next(p.id for p in s.staff.list() if p.name == "李秀英")
    rid = s.residents.search("王桂英")[0].id
    d = s.cases.intake_defaults(code)
    row = s.cases.add(
        CaseIntake(code, rid, "来访", clerk_id, "承诺件", [False] * len(d.documents), "", 20, "工作日", petition)
    )
    check(s, row.id, clock.at.date())
    for op in ops:
        today = clock.at.date()
        try:
            if op == "step":
                det = s.cases.detail(row.id, today)
                if det.choices:
                    label, first = det.choices[0].label, det.choices[0].first_step
                    s.cases.choose(row.id, label, first)
                elif det.current_step is not None:
                    s.cases.complete_step(row.id, det.current_step)
            elif op == "escalate":
                s.cases.escalate(row.id, "上报", "镇民政办", today + timedelta(days=5))
            elif op == "feedback":
                s.cases.feedback(row.id, "镇里已回复")
            elif op == "conclude":
                s.cases.conclude(row.id, "已办结", "材料后补")
            elif op in ("refuse", "refuse_beyond"):
                s.cases.refuse(row.id, "不予受理", "不符合条件", "有关规定", op == "refuse_beyond", leader_id)
            elif op in ("agree", "disagree"):
                s.cases.leader_opinion(row.id, op == "agree", "意见", PIN)
            elif op == "told":
                s.cases.refusal_told(row.id, today)
            elif op == "documents":
                s.cases.receive_documents(row.id, [0], clerk_id, today)
            elif op == "postpone":
                s.cases.postpone(row.id, today + timedelta(days=40), "当事人申请延期", leader_id, leader_pin=PIN)
            elif op == "void":
                s.cases.void(row.id, "登记错误")
            elif op == "day":
                clock.at += timedelta(days=1)
            elif op == "week":
                clock.at += timedelta(days=9)
        except ValidationError:
            pass
        check(s, row.id, clock.at.date())
        check(s, row.id, clock.at.date() + timedelta(days=30))


def test_upgraded_database_gets_summaries_once(services, db_url):
    from cunwu_tui.services import open_services

    s = services
    clerk = add_person(s, "赵丽", "13903510004", ["文书"])
    s.set_operator(clerk.id, PIN)
    rid = s.residents.add("王桂英", "居民身份证", ID, "13903510001", "一组").id
    d = s.cases.intake_defaults("MS-DIBAO")
    row = s.cases.add(
        CaseIntake("MS-DIBAO", rid, "来访", clerk.id, "承诺件", [False] * len(d.documents), "", 20, "工作日")
    )
    s.cases.complete_step(row.id, s.cases.detail(row.id).current_step)
    want = s.cases.list("全部")
    with s.core.engine.begin() as conn:  # as an older version left it: only status/next_due kept
        conn.execute(
            text(
                "UPDATE case_record SET summary_version = 0, next_due_what = '', current_step = NULL, "
                "missing_documents = 0"
            )
        )
    assert s.cases.list("全部") == want  # not summarised yet: replayed
    s.close()
    again = open_services(db_url)
    try:
        assert again.cases.list("全部") == want
        assert again.cases.resummarize_all() == 1  # the app's start-up worker does this once
        kept_counts_match(again)
        assert _stored(again, row.id)[1] == 1
        assert again.cases.list("全部") == want
        assert again.cases.resummarize_all() == 0
    finally:
        again.close()


def test_holiday_calendar_change_moves_stored_deadlines(services):
    s = services
    clerk = add_person(s, "赵丽", "13903510004", ["文书"])
    s.set_operator(clerk.id, PIN)
    s.core.clock = Clock(datetime(2026, 12, 20, 9, 0))
    rid = s.residents.add("王桂英", "居民身份证", ID, "13903510001", "一组").id
    d = s.cases.intake_defaults("MS-DIBAO")
    row = s.cases.add(
        CaseIntake("MS-DIBAO", rid, "来访", clerk.id, "承诺件", [False] * len(d.documents), "", 20, "工作日")
    )
    before = s.cases.list("全部")[0]
    assert before.provisional  # 2027's holidays not entered yet
    from pathlib import Path

    s.holidays.import_file(Path(__file__).parent / "fixtures" / "holidays_2027_example.toml")
    assert s.cases.list("全部")[0] == s.cases.row(row.id)


def kept_counts_match(s) -> None:
    with s.core.engine.connect() as conn:
        real = dict(conn.execute(text("SELECT status, COUNT(*) FROM case_record GROUP BY status")).all())
        kept = dict(conn.execute(text("SELECT status, n FROM case_status_count WHERE n != 0")).all())
    assert kept == real
