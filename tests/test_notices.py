"""公示: periods over holidays, status, never closed early, withdrawal with a
reason, objections, the masked list for the notice board, the ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cunwu_tui.features.notices import rules
from cunwu_tui.domain.workdays import WorkCalendar, parse_schedule_lines
from cunwu_tui.services import ValidationError
from cunwu_tui.features.notices.service import parse_moment, parse_persons
from identity_helpers import add_person, PIN

NOW = datetime(2026, 11, 23, 9, 30)  # a Monday
CAL = WorkCalendar()  # the package's years (the services pass their own)
PEOPLE = "张三\t三组\t11010519491231002X\t620.50\t单人户\n李四 二组 800元"


def sheet(path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


@pytest.fixture
def clock(services):
    """A village with its clerk working (no notices yet), at a settable time."""
    from cunwu_tui.services.demo import VILLAGE

    s = services
    s.settings.save_profile(VILLAGE)
    s.set_operator(add_person(s, "赵丽", "13903510004", ["文书"]).id, PIN)
    moment = [NOW]
    s.core.clock = lambda: moment[0]

    def at(when: datetime) -> None:
        moment[0] = when

    return s, at


def post(s, **kw):
    args = dict(
        title="2026年11月低保对象公示",
        kind="低保",
        places=["公开栏", "微信群"],
        start=NOW,
        length=7,
        unit="日",
        persons=PEOPLE,
    )
    args.update(kw)
    return s.notices.add(**args)


# --------------------------------------------------------------------------
# rules


def test_period_over_the_national_day_holiday():
    # 7 日 from 2026-09-28 ends on a holiday (10-05): runs to the next working day
    assert rules.period(datetime(2026, 9, 28, 9), 7, "日", CAL).end == date(2026, 10, 8)
    assert rules.period(datetime(2026, 9, 28, 9), 7, "工作日", CAL).end == date(2026, 10, 13)


def test_period_into_a_year_without_holiday_data_is_provisional():
    p = rules.period(datetime(2026, 12, 28, 9), 7, "工作日", WorkCalendar())
    assert p.provisional and "2027" in p.reason
    year = parse_schedule_lines(2027, "元旦 2027-01-01 至 2027-01-03")
    p2 = rules.period(datetime(2026, 12, 28, 9), 7, "工作日", WorkCalendar([year]))
    assert not p2.provisional and p2.end > p.end  # the holiday pushes it out


@pytest.mark.parametrize(("n", "unit"), [(0, "日"), (-1, "日"), (7, "周"), (400, "日")])
def test_bad_lengths(n, unit):
    with pytest.raises(ValueError):
        rules.period(NOW, n, unit, CAL)


@settings(max_examples=60, deadline=None)
@given(
    st.dates(date(2026, 1, 1), date(2026, 12, 20)),
    st.integers(1, 30),
    st.sampled_from(rules.UNITS),
    st.integers(-3, 40),
)
def test_status_and_countdown_agree(start, n, unit, offset):
    p = rules.period(datetime.combine(start, datetime.min.time()).replace(hour=9), n, unit, CAL)
    today = start + timedelta(days=offset)
    now = datetime.combine(today, datetime.min.time()).replace(hour=12)
    s = rules.status(p, now)
    cd = rules.countdown(p, today, CAL)
    assert p.end > start
    assert (s == rules.EXPIRED) == (today > p.end)
    assert rules.can_close(p, today) == (today >= p.end)
    if s == rules.RUNNING:
        first = max(today, start + timedelta(days=1))  # the start day is not counted
        assert cd.days == (p.end - first).days + 1 and 0 <= cd.workdays <= cd.days
        assert cd.ends_today == (today == p.end)
        if today == start:
            # On the day it is posted, the countdown is the notice's own period:
            # n working days, or n days (more only when the end moved off a rest day).
            if unit == "工作日":
                assert cd.workdays == n
            else:
                assert cd.days >= n and (cd.days == n) == (p.end == start + timedelta(days=n))


def test_a_seven_day_notice_never_shows_eight_days():
    # Posted Monday 2026-11-23: ends Monday 11-30; 7 days to run, not 8.
    p = rules.period(datetime(2026, 11, 23, 9), 7, "日", CAL)
    assert p.end == date(2026, 11, 30)
    assert rules.countdown(p, date(2026, 11, 23), CAL).days == 7
    assert rules.countdown(p, date(2026, 11, 24), CAL).days == 7
    assert rules.countdown(p, date(2026, 11, 30), CAL).days == 1
    w = rules.period(datetime(2026, 11, 23, 9), 5, "工作日", CAL)
    assert rules.countdown(w, date(2026, 11, 23), CAL).workdays == 5


def test_persons_parsing():
    rows = parse_persons(PEOPLE + "\n\n王五")
    assert rows[0] == ("张三", "三组", "11010519491231002X", pytest.approx(rows[0][3]), "单人户")
    assert str(rows[0][3]) == "620.50" and str(rows[1][3]) == "800.00" and rows[1][1] == "二组"
    assert rows[2] == ("王五", "", "", None, "")
    with pytest.raises(ValueError, match="第1行"):
        parse_persons("赵六 110105194912310021")  # wrong check digit
    with pytest.raises(ValueError, match="姓名"):
        parse_persons("13903510001 张三")


def test_moments():
    assert parse_moment("2026-11-23") == datetime(2026, 11, 23, 8, 0)
    assert parse_moment("２０２６-11-23 14:05") == datetime(2026, 11, 23, 14, 5)
    with pytest.raises(ValueError, match="格式不对"):
        parse_moment("明天上午")


# --------------------------------------------------------------------------
# the service


def test_post_number_and_countdown(clock):
    s, at = clock
    n = post(s)
    assert n.number == "公示〔2026〕第001号" and n.status == rules.RUNNING
    assert n.end == date(2026, 11, 30) and n.days_left == 7 and n.persons == 2
    assert n.operator_name == "赵丽" and n.places == ("公开栏", "微信群")
    assert post(s, title="第二个").number == "公示〔2026〕第002号"
    assert s.audit.recent(1)[0].action == "发布"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"title": " "}, "title"),
        ({"kind": "杂项"}, "kind"),
        ({"places": []}, "places"),
        ({"start": "下周一"}, "start"),
        ({"length": "七"}, "length"),
        ({"length": 0}, "length"),
        ({"unit": "周"}, "unit"),
        ({"persons": "张三 110105194912310021"}, "persons"),
        ({"start": NOW - timedelta(days=2)}, "backdate_reason"),
        ({"photo_path": "/no/such/photo.jpg"}, "photo_path"),
    ],
)
def test_every_rule_refuses_and_saves_nothing(clock, kw, field):
    s, _ = clock
    with pytest.raises(ValidationError) as exc:
        post(s, **kw)
    assert field in exc.value.errors
    assert s.notices.list() == []


def test_backdated_start_needs_and_keeps_a_reason(clock):
    s, _ = clock
    n = post(s, start="2026-11-20 10:00", backdate_reason="20日已张贴，今日补登记")
    assert n.backdate_reason == "20日已张贴，今日补登记" and n.start_at == datetime(2026, 11, 20, 10)


def test_a_notice_cannot_close_early(clock):
    s, at = clock
    n = post(s)
    with pytest.raises(ValidationError) as exc:
        s.notices.close(n.id, rules.NO_OBJECTION)
    assert "期满前不能结束" in exc.value.errors["result"]
    at(datetime(2026, 11, 30, 17, 0))  # the end day
    closed = s.notices.close(n.id, rules.NO_OBJECTION)
    assert closed.status == rules.CLOSED and closed.result == "无异议"
    with pytest.raises(ValidationError):
        s.notices.close(n.id, rules.NO_OBJECTION)


def test_expired_without_result_is_listed(clock):
    s, at = clock
    n = post(s)
    at(datetime(2026, 12, 2, 9, 0))
    assert [i.id for i in s.notices.without_result(date(2026, 12, 2))] == [n.id]
    assert s.notices.get(n.id).status == rules.EXPIRED


def test_ending_soon(clock):
    s, at = clock
    short = post(s, title="短", length=1)  # ends 11-24
    post(s, title="长", length=20)
    at(datetime(2026, 11, 23, 15, 0))
    assert [i.id for i in s.notices.ending_soon(date(2026, 11, 23))] == [short.id]


def test_withdrawal_needs_a_reason(clock):
    s, _ = clock
    n = post(s)
    with pytest.raises(ValidationError) as exc:
        s.notices.withdraw(n.id, "  ")
    assert "原因" in exc.value.errors["reason"]
    w = s.notices.withdraw(n.id, "名单有误，重新核对后另行公示")
    assert w.status == rules.WITHDRAWN and w.result_text == "撤回：名单有误，重新核对后另行公示"


def test_objection_not_upheld_then_close_as_handled(clock):
    s, at = clock
    n = post(s)
    at(datetime(2026, 11, 25, 10, 0))
    o = s.notices.add_objection(n.id, "2026-11-25 09:40", "", "张三家有车辆，不符合条件")
    assert o.who == "匿名" and o.received_by == "赵丽"
    at(datetime(2026, 11, 30, 16, 0))
    with pytest.raises(ValidationError) as exc:
        s.notices.close(n.id, rules.HANDLED)
    assert "未处理" in exc.value.errors["result"]
    s.notices.handle_objection(o.id, "入户核实，车辆为亲属所有", "不成立", "2026-11-28 10:00")
    with pytest.raises(ValidationError) as exc:
        s.notices.close(n.id, rules.NO_OBJECTION)
    assert "有异议已处理" in exc.value.errors["result"]
    done = s.notices.close(n.id, rules.HANDLED)
    assert done.result == "有异议已处理" and done.objections == 1 and done.open_objections == 0
    [got] = s.notices.objections(n.id)
    assert got.result == "不成立" and got.answered_at == datetime(2026, 11, 28, 10, 0)


def test_upheld_objection_ends_the_notice_and_offers_a_second_round(clock):
    s, at = clock
    n = post(s, round="第一次")
    at(datetime(2026, 11, 24, 11, 0))
    o = s.notices.add_objection(n.id, "", "王某", "李四已外出务工，收入超标")
    _, after = s.notices.handle_objection(o.id, "核实属实，重新调查核实", "成立")
    assert after.status == rules.CLOSED and after.result == "有异议"
    with pytest.raises(ValidationError):
        s.notices.handle_objection(o.id, "再来一次", "不成立")
    d = s.notices.second_round_defaults(n.id)
    assert d["round"] == "第二次" and d["previous_id"] == n.id and "11010519491231002X" in d["persons"]
    second = s.notices.add(**{k: v for k, v in d.items() if k != "case_step"}, start=datetime(2026, 11, 24, 14))
    assert second.round == "第二次" and second.previous_id == n.id and second.persons == 2


def test_objection_times_are_checked(clock):
    s, at = clock
    n = post(s, start=datetime(2026, 11, 23, 10, 0))
    with pytest.raises(ValidationError) as exc:
        s.notices.add_objection(n.id, "2026-11-23 09:00", "王某", "内容")
    assert "received_at" in exc.value.errors  # before it was posted
    with pytest.raises(ValidationError) as exc:
        s.notices.add_objection(n.id, "2026-11-23 10:30", "王某", " ")
    assert "content" in exc.value.errors
    assert s.notices.objections(n.id) == []


def test_public_list_masks_and_has_no_phone(clock, tmp_path):
    s, _ = clock
    n = post(s)
    path = s.notices.write_public_list(n.id, tmp_path)
    rows = sheet(path)
    text = "\n".join(str(c) for r in rows for c in r)
    assert rows[0][0] == "2026年11月低保对象公示"
    assert "11010519491231002X" not in text and "110105********002X" in text
    # No one's phone; the office's phone and the committee sign the list (落款).
    from cunwu_tui.services.demo import VILLAGE

    assert "1390351" not in text and "电话" not in "".join(str(c) for r in rows[:-1] for c in r[:-1])
    closing = next(str(r[0]) for r in rows if str(r[0]).startswith("公示期："))
    assert f"联系电话：{VILLAGE.phone}" in closing and "村(居)委会" not in text
    assert f"{VILLAGE.village}村民委员会或村务监督委员会" in closing
    assert closing.splitlines()[-1] == f"{VILLAGE.village}村民委员会　2026年11月23日"
    assert rows[2][:6] == ["序号", "姓名", "组别", "身份证号", "金额（元）", "备注"]
    assert rows[3][1] == "张三" and rows[3][4] == 620.5
    assert any(str(r[0]).startswith("公示期：2026年11月23日至2026年11月30日") for r in rows)


def test_ledger_of_the_month(clock, tmp_path):
    s, at = clock
    n = post(s)
    at(datetime(2026, 11, 24, 9, 0))
    s.notices.add_objection(n.id, "", "", "有异议")
    path = s.exports.export("2026-11", ["notices"], tmp_path, today=date(2026, 12, 1))[0]
    rows = sheet(path)
    assert rows[0][0] == "青山村公示台账（2026年11月）"
    assert rows[2] == [
        "序号",
        "编号",
        "标题",
        "类别",
        "公示地点",
        "开始",
        "结束",
        "期限",
        "状态",
        "异议数",
        "结果",
        "经办人",
    ]
    r = rows[3]
    assert r[1] == "公示〔2026〕第001号" and r[3] == "低保" and r[4] == "公开栏、微信群"
    assert r[5] == datetime(2026, 11, 23, 9, 30) and r[6] == "2026-11-30" and r[7] == "7日" and r[9] == 1


def test_the_service_refuses_with_the_words_the_detail_shows(clock):
    """close / objection / handling / withdrawal refuse with features.notices.actions' words."""
    from cunwu_tui.features.notices.actions import NoticeAction, refusal

    s, at = clock
    n = post(s)
    at(NOW + timedelta(hours=1))
    o = s.notices.add_objection(n.id, "", "王某", "名单有误")
    at(datetime(2026, 12, 2, 9, 0))  # past the end day
    info = s.notices.get(n.id)
    assert info.actions == (NoticeAction.OBJECTION, NoticeAction.HANDLE, NoticeAction.WITHDRAW, NoticeAction.BOARD_LIST)
    with pytest.raises(ValidationError) as exc:
        s.notices.close(n.id, rules.HANDLED)
    assert (
        exc.value.errors["result"]
        == refusal(info.facts, NoticeAction.CLOSE)
        == "还有 1 条异议未处理，请先登记处理结果。"
    )
    s.notices.handle_objection(o.id, "已核实，名单无误", "不成立")
    s.notices.withdraw(n.id, "张贴有误")
    gone = s.notices.get(n.id)
    for call, field in (
        (lambda: s.notices.add_objection(n.id, "", "李某", "又一条"), "content"),
        (lambda: s.notices.close(n.id, rules.HANDLED), "result"),
        (lambda: s.notices.withdraw(n.id, "再撤回"), "reason"),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.errors[field] == "该公示已撤回。" == refusal(gone.facts, NoticeAction.WITHDRAW)
