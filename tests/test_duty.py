"""值班 services: rota generation and publishing, changes on record, who is
on duty at T with substitutions, the log's emergency rule, handover
carry-over, the holiday rota from the calendar, append-only registers and
the three ledgers read back."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from cunwu_tui.services.core import Operator, ValidationError
from identity_helpers import PIN, add_person


@pytest.fixture
def duty(services):
    """A small office: four on duty, two leaders, one 值班领导; a clock."""
    s = services
    s.settings.save_profile(
        __import__("cunwu_tui.services.settings", fromlist=["VillageProfile"]).VillageProfile(
            village="青山村", township="柳河镇", county="清源县", phone="0351-6012345"
        )
    )
    people = {}
    for name, roles in (
        ("王建国", ("书记", "带班领导")),
        ("李秀英", ("主任", "带班领导")),
        ("张伟", ("值班员", "值班领导")),
        ("赵丽", ("文书", "值班员")),
        ("陈明", ("值班员",)),
        ("刘芳", ("值班员",)),
    ):
        people[name] = add_person(s, name, f"1390351{len(people):04d}", roles)
    clerk = people["赵丽"]
    s.core.operator = Operator(clerk.id, clerk.name, clerk.phone)
    clock = [datetime(2026, 11, 25, 9, 0)]
    s.core.clock = lambda: clock[0]
    s.people = people
    s.clock = clock
    return s


def test_generate_is_fair_and_respects_leave(duty):
    rota = duty.duty.generate(2026, 12, "赵丽 2026-12-03 至 2026-12-06 请假")
    assert rota.exists and rota.status == "草稿" and len(rota.days) == 31
    assert all(d.staff_name and d.leader_name for d in rota.days)
    assert all(d.staff_name != "赵丽" for d in rota.days if date(2026, 12, 3) <= d.day <= date(2026, 12, 6))
    totals = {name: total for name, total, *_ in rota.counts()}
    assert set(totals) == {"张伟", "赵丽", "陈明", "刘芳"}
    assert max(totals.values()) - min(totals.values()) <= 1
    assert all(a.staff_name != b.staff_name for a, b in zip(rota.days, rota.days[1:]))
    assert {d.staff_phone for d in rota.days} <= {p.phone for p in duty.people.values()}


def test_leave_line_naming_a_stranger_is_refused_at_the_field(duty):
    with pytest.raises(ValidationError) as e:
        duty.duty.generate(2026, 12, "某某 2026-12-03")
    assert "不是值班人员" in e.value.errors["leave"]
    assert not duty.duty.month(2026, 12).exists


def test_no_duty_staff_is_a_clear_message(services):
    add_person(services, "王建国", "", ("书记",))
    with pytest.raises(ValidationError) as e:
        services.duty.generate(2026, 12)
    assert "值班员" in e.value.errors["month"]


def test_publish_then_changes_need_a_reason_and_are_recorded(duty):
    d = duty.duty
    d.generate(2026, 12)
    day = date(2026, 12, 10)
    first = next(x for x in d.month(2026, 12).days if x.day == day)
    other = next(p for p in duty.people.values() if "值班员" in p.roles and p.name != first.staff_name)
    # A draft is edited freely, without a change record.
    d.set_day(day, other.id, first.leader_id)
    assert d.month(2026, 12).changes == ()
    d.publish(2026, 12)
    with pytest.raises(ValidationError) as e:
        d.generate(2026, 12)
    assert "已发布" in e.value.errors["month"]
    with pytest.raises(ValidationError) as e:
        d.set_day(day, first.staff_id, first.leader_id)
    assert "原因" in e.value.errors["reason"]
    with pytest.raises(ValidationError) as e:
        d.set_day(day, duty.people["王建国"].id, first.leader_id, reason="调班")
    assert "值班员" in e.value.errors["staff"]
    d.set_day(day, first.staff_id, first.leader_id, reason="陈明外出学习")
    rota = d.month(2026, 12)
    assert rota.status == "已发布" and len(rota.changes) == 1
    c = rota.changes[0]
    assert (c.role, c.old_name, c.new_name, c.reason, c.operator_name) == (
        "值班人员",
        other.name,
        first.staff_name,
        "陈明外出学习",
        "赵丽",
    )
    # The change register is append-only in the database itself.
    path = duty.core.engine.url.database
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="只能新增"):
        con.execute("UPDATE duty_change SET reason = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="只能新增"):
        con.execute("DELETE FROM duty_change")
    con.close()


def test_publish_refuses_a_day_nobody_is_on(duty):
    leave = "\n".join(f"{n} 2026-12-08" for n in ("张伟", "赵丽", "陈明", "刘芳"))
    d = duty.duty
    d.generate(2026, 12, leave)
    with pytest.raises(ValidationError) as e:
        d.publish(2026, 12)
    assert "12-08" in e.value.errors["month"]


def test_who_was_on_duty_at_t_with_a_substitution(duty):
    d = duty.duty
    d.generate(2026, 11)
    day = next(x for x in d.month(2026, 11).days if x.day == date(2026, 11, 25))
    assert d.on_duty(datetime(2026, 11, 25, 10, 0)).person_name == day.staff_name
    night = next(x for x in d.month(2026, 11).days if x.day == date(2026, 11, 24))
    assert d.on_duty(datetime(2026, 11, 25, 3, 0)).person_name == night.staff_name  # the night before
    cover = next(p for p in duty.people.values() if p.name not in (day.staff_name,))
    duty.clock[0] = datetime(2026, 11, 25, 11, 20)
    sub = d.add_substitution("11:30", "12:30", cover.id, "就餐")
    assert sub.away_name == day.staff_name and sub.by_name == cover.name
    now = d.on_duty(datetime(2026, 11, 25, 12, 0))
    assert now.person_name == cover.name and now.scheduled_name == day.staff_name and now.substitution.id == sub.id
    assert now.leader_name == day.leader_name and now.leader_phone
    assert d.on_duty(datetime(2026, 11, 25, 12, 30)).person_name == day.staff_name
    # Voided, it no longer counts; the record stays.
    d.void("substitution", sub.id, "记错了")
    assert d.on_duty(datetime(2026, 11, 25, 12, 0)).person_name == day.staff_name
    [kept] = d.substitutions(datetime(2026, 11, 25), datetime(2026, 11, 26))
    assert kept.voided and kept.void_reason == "记错了"
    with pytest.raises(ValidationError) as e:
        d.add_substitution("13:00", "14:00", None, "其他")
    assert set(e.value.errors) == {"by", "note"}
    with pytest.raises(ValidationError) as e:
        d.add_substitution("13:00", "14:00", day.staff_id, "就餐")
    assert "本来就在值班" in e.value.errors["by"]


def test_emergency_must_say_the_leader_was_told(duty):
    d = duty.duty
    d.generate(2026, 11)
    duty.clock[0] = datetime(2026, 11, 25, 22, 10)
    with pytest.raises(ValidationError) as e:
        d.add_log("突发事件", "三组山坡落石挡路", "已设警示", at="21:40")
    assert "带班领导" in e.value.errors["leader_told"]
    with pytest.raises(ValidationError) as e:
        d.add_log("突发事件", "三组山坡落石挡路", at="21:40", leader_told=True, told_at="21:30")
    assert "早于" in e.value.errors["told_at"]
    with pytest.raises(ValidationError) as e:
        d.add_log("", "", at="23:59")
    assert set(e.value.errors) >= {"kind", "content"}
    entry = d.add_log("突发事件", "三组山坡落石挡路", "已设警示", at="21:40", leader_told=True, told_at="21:45")
    day = next(x for x in d.month(2026, 11).days if x.day == date(2026, 11, 25))
    assert entry.staff_name == day.staff_name and entry.leader_name == day.leader_name
    assert entry.leader_text == f"是，11-25 21:45 {day.leader_name}"
    call = d.add_log("来电", "村民询问医保缴费", "告知到村委会办理")
    assert [e.id for e in d.shift_logs(date(2026, 11, 25))] == [entry.id, call.id]
    d.void("log", call.id, "重复登记")
    with pytest.raises(ValidationError):
        d.void("log", call.id, "again")
    assert d.shift_logs(date(2026, 11, 25))[1].voided
    con = sqlite3.connect(duty.core.engine.url.database)
    with pytest.raises(sqlite3.DatabaseError, match="只能新增"):
        con.execute("UPDATE duty_log SET content = 'x'")
    con.close()


def test_handover_carries_open_items_until_closed_and_reminds_when_missing(duty):
    d = duty.duty
    d.generate(2026, 11)
    days = {x.day: x for x in d.month(2026, 11).days}
    duty.clock[0] = datetime(2026, 11, 26, 8, 40)
    missing = [x.day for x in d.missing_handovers()]
    assert missing and missing[-1] == date(2026, 11, 25)
    # The default is the oldest shift without a handover; any of them can be chosen.
    assert d.handover_defaults()[0] == missing[0] == date(2026, 11, 19)
    assert [c.day for c in d.handover_choices()] == missing and all(c.ended for c in d.handover_choices())
    day, out, inc = d.handover_defaults(day=date(2026, 11, 25))
    assert day == date(2026, 11, 25) and out == days[day].staff_id and inc == days[date(2026, 11, 26)].staff_id
    assert d.handover_plan(day).at == datetime(2026, 11, 26, 8, 30)  # 补记: the shift's end
    with pytest.raises(ValidationError) as e:
        d.hand_over(day, out, out)
    assert "同一人" in e.value.errors["incoming"]
    h = d.hand_over(day, out, inc, "三组落石待清理\n\n王大爷低保材料明天来补", "夜间平稳")
    assert not h.confirmed and [i.text for i in h.items] == ["三组落石待清理", "王大爷低保材料明天来补"]
    assert date(2026, 11, 25) not in [x.day for x in d.missing_handovers()]
    with pytest.raises(ValidationError) as e:
        d.hand_over(day, out, inc)
    assert "已于" in e.value.errors["form"]
    assert [x.id for x in d.unconfirmed()] == [h.id]
    incoming = days[date(2026, 11, 26)]
    if incoming.staff_id != duty.operator.id:  # the incoming person's own act: their PIN
        with pytest.raises(ValidationError) as e:
            d.confirm(h.id)
        assert incoming.staff_name in e.value.errors["pin"] and not d.unconfirmed()[0].confirmed
        with pytest.raises(ValidationError, match="密码不对"):
            d.confirm(h.id, "975310")
    h = d.confirm(h.id, PIN)
    assert h.confirmed and h.confirmed_by == incoming.staff_name
    # The items stay open, shown on the next shifts, until closed.
    items = d.open_items()
    assert [i.text for i in items] == ["三组落石待清理", "王大爷低保材料明天来补"] and items[0].from_day == day
    d.close_item(items[0].id, "已清理")
    assert [i.text for i in d.open_items()] == ["王大爷低保材料明天来补"]
    with pytest.raises(ValidationError):
        d.close_item(items[0].id)


def test_holiday_rota_from_the_calendar_filed_and_notified(duty):
    d = duty.duty
    periods = {p.name: p for p in d.holiday_periods(2026)}
    national = periods["国庆节"]
    assert (national.start, national.end) == (date(2026, 10, 1), date(2026, 10, 7))
    assert "春节" in periods and all((p.end - p.start).days >= 2 for p in periods.values())
    duty.clock[0] = datetime(2026, 9, 20, 10, 0)
    r = d.create_holiday_rota(national)
    assert d.month(2026, 10).exists  # the month's rota was drawn up for it
    # The only 值班领导 (also a 值班员) leads every holiday day and so is not on duty then.
    assert len(r.days) == 7 and all(x.staff_name and x.leader_name and x.chief_name == "张伟" for x in r.days)
    assert all(len({x.staff_name, x.leader_name, x.chief_name}) == 3 for x in r.days)
    assert all(x.kind == "节假日" and x.holiday == "国庆节" for x in r.days)
    assert r.status_text == "未审签，未报备，未通知"
    with pytest.raises(ValidationError):
        d.create_holiday_rota(national)
    with pytest.raises(ValidationError) as e:
        d.file_holiday_rota(r.id, "")
    assert "上级机关" in e.value.errors["filed_to"]
    # Filed only once a leader signed it off, in person (their own PIN).
    with pytest.raises(ValidationError) as e:
        d.file_holiday_rota(r.id, "柳河镇党政办")
    assert "审签" in e.value.errors["form"]
    clerk = duty.people["赵丽"]
    with pytest.raises(ValidationError) as e:  # the clerk is no leader, whatever PIN she knows
        d.sign_holiday_rota(r.id, clerk.id, PIN)
    assert "领导" in e.value.errors["leader"]
    leader = duty.people["王建国"]
    with pytest.raises(ValidationError) as e:
        d.sign_holiday_rota(r.id, leader.id, "975310")
    assert "密码不对" in e.value.errors["leader_pin"]
    r = d.sign_holiday_rota(r.id, leader.id, PIN)
    assert r.signed_by == "王建国" and r.signed_at == datetime(2026, 9, 20, 10, 0)
    with pytest.raises(ValidationError, match="已由王建国"):
        d.sign_holiday_rota(r.id, leader.id, PIN)
    r = d.file_holiday_rota(r.id, "柳河镇党政办")
    r = d.notify_holiday_rota(r.id, "电话和微信群通知")
    assert r.status_text == "王建国09-20审签，09-20已报柳河镇党政办备案，09-20已通知"
    with pytest.raises(ValidationError):
        d.file_holiday_rota(r.id, "柳河镇党政办")


def test_audit_names_every_duty_write(duty):
    d = duty.duty
    d.generate(2026, 11)
    d.add_log("来访", "村民反映路灯不亮")
    kinds = {e.entity for e in duty.audit.recent(5)}
    assert {"值班表", "值班记录"} <= kinds


def test_ledgers_read_back(duty, tmp_path):
    from python_calamine import CalamineWorkbook

    d = duty.duty
    duty.clock[0] = datetime(2026, 9, 20, 10, 0)
    d.create_holiday_rota(next(p for p in d.holiday_periods(2026) if p.name == "国庆节"))
    d.sign_holiday_rota(d.holiday_rotas()[0].id, duty.people["李秀英"].id, PIN)
    d.file_holiday_rota(d.holiday_rotas()[0].id, "柳河镇党政办")
    duty.clock[0] = datetime(2026, 10, 2, 21, 0)
    d.add_log("巡查", "夜间巡查村委会院内", "门窗完好", at="20:30")
    duty.clock[0] = datetime(2026, 10, 3, 8, 40)
    day, out, inc = d.handover_defaults(day=date(2026, 10, 2))
    d.hand_over(day, out, inc, "水库水位观察", confirmed=True, incoming_pin=PIN)
    paths = duty.exports.export("2026-10", ["duty_rota", "duty_log", "duty_holiday"], tmp_path, today=date(2026, 11, 2))
    sheets = {p.name: CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python() for p in paths}
    rota = next(v for k, v in sheets.items() if "值班表" in k and "中长假" not in k)
    assert "青山村值班表（2026年10月）" in str(rota[0][0])
    header = rota[next(i for i, r in enumerate(rota) if "值班人员" in r)]
    assert list(header[:4]) == ["日期", "星期", "类别", "值班人员"]
    assert any("国庆节" in str(r) for r in rota)
    log = next(v for k, v in sheets.items() if "值班记录及交接班台账" in k)
    flat = str(log)
    assert "夜间巡查村委会院内" in flat and "交接班" in flat and "水库水位观察" in flat and "确认接班" in flat
    holiday = next(v for k, v in sheets.items() if "中长假值班表" in k)
    flat = str(holiday)
    assert "国庆节" in flat and "张伟" in flat and "值班领导" in flat and "柳河镇党政办" in flat
    rows = [r for r in holiday if isinstance(r[0], (int, float)) and r[0] >= 1]
    assert len(rows) == 7


def test_cli_duty_answers_who_at_t(demo_services, capsys):
    from cunwu_tui.cli import main

    url = str(demo_services.core.engine.url)
    s = demo_services.duty
    sub = next(x for x in s.substitutions(datetime(2026, 10, 1), datetime(2026, 11, 22)) if not x.voided)
    moment = sub.start_at.replace(minute=sub.start_at.minute + 10)
    demo_services.close()
    assert main(["duty", "--db", url, "--at", f"{moment:%Y-%m-%d %H:%M}"]) == 0
    out = capsys.readouterr().out
    assert f"值班：{sub.by_name}" in out and f"替{sub.away_name}" in out and "带班领导：" in out
    assert main(["duty", "--db", url, "--at", "明天"]) == 2
    assert "格式不对" in capsys.readouterr().err


def test_demo_fills_a_month_of_duty(demo_services):
    s = demo_services.duty
    assert s.month(2026, 10).status == "已发布" and s.month(2026, 11).status == "已发布"
    assert s.month(2026, 12).status == "草稿"
    assert len(s.month(2026, 10).changes) == 1
    logs = s.logs(datetime(2026, 10, 1), datetime(2026, 11, 22))
    assert len(logs) > 15 and any(e.kind == "突发事件" and e.leader_told for e in logs)
    assert len(s.handovers(datetime(2026, 10, 1), datetime(2026, 11, 23))) > 25
    assert s.open_items()
    # Yesterday's shift was not handed over: the reminder.
    assert [d.day for d in s.missing_handovers(datetime(2026, 11, 22, 10, 0))] == [date(2026, 11, 21)]
    assert [r.name for r in s.holiday_rotas()] == ["国庆节"] and s.holiday_rotas()[0].filed_at


def test_separate_night_duty(duty):
    d = duty.duty
    rota = d.generate(2026, 12, night=True)
    assert rota.night and all(x.night_name for x in rota.days)
    days = {x.day: x for x in rota.days}
    for x in rota.days:
        assert x.night_name != x.staff_name
        nxt = days.get(x.day + timedelta(days=1))
        if nxt:
            assert x.night_name != nxt.staff_name  # no night and then the next day
    nights = {}
    for x in rota.days:
        nights[x.night_name] = nights.get(x.night_name, 0) + 1
    assert max(nights.values()) - min(nights.values()) <= 1
    day = days[date(2026, 12, 9)]
    assert d.on_duty(datetime(2026, 12, 9, 15, 0)).person_name == day.staff_name
    night = d.on_duty(datetime(2026, 12, 9, 23, 0))
    assert night.person_name == day.night_name and night.night_shift and night.scheduled_name == day.night_name
    assert d.on_duty(datetime(2026, 12, 10, 7, 0)).person_name == day.night_name
    # The morning handover is the night person's.
    _, out, inc = d.handover_defaults(datetime(2026, 12, 10, 8, 40), day=date(2026, 12, 9))
    assert out == day.night_id and inc == days[date(2026, 12, 10)].staff_id
    # Adjusting a night; the same person day and night is refused.
    with pytest.raises(ValidationError) as e:
        d.set_day(day.day, day.staff_id, day.leader_id, night_id=day.staff_id)
    assert "同一人" in e.value.errors["night"]
    other = next(p for p in duty.people.values() if "值班员" in p.roles and p.id not in (day.staff_id, day.night_id))
    d.publish(2026, 12)
    d.set_day(day.day, day.staff_id, day.leader_id, night_id=other.id, reason="夜间对调")
    assert [(c.role, c.new_name) for c in d.month(2026, 12).changes] == [("夜间值班", other.name)]
    # Without night duty the day's person keeps the night.
    d.generate(2027, 1)
    assert not d.month(2027, 1).night
    first = d.month(2027, 1).days[3]
    assert d.on_duty(datetime.combine(first.day, datetime.min.time()).replace(hour=23)).person_name == first.staff_name


def test_handover_defaults_with_a_substitution_running_pass_the_forms_rules(duty):
    """A substitute covering the afternoon is not the one handing over, and
    the defaults never name one person twice."""
    d = duty.duty
    d.generate(2026, 11)
    days = {x.day: x for x in d.month(2026, 11).days}
    today, tomorrow = date(2026, 11, 25), date(2026, 11, 26)
    duty.clock[0] = datetime(2026, 11, 25, 15, 0)
    for c in d.handover_choices():  # the earlier shifts, back-filled with their defaults
        if c.ended:
            prev = d.handover_plan(c.day)
            d.hand_over(c.day, prev.outgoing_id, prev.incoming_id, at=prev.at)
    # Tomorrow's person covers this afternoon.
    d.add_substitution("14:00", "16:00", days[tomorrow].staff_id, "外出办事")
    assert d.on_duty().person_id == days[tomorrow].staff_id
    assert [c.day for c in d.handover_choices()] == [today]
    plan = d.handover_plan()
    assert plan.day == today and not plan.ended
    assert (plan.outgoing_id, plan.incoming_id) == (days[today].staff_id, days[tomorrow].staff_id)
    h = d.hand_over(plan.day, plan.outgoing_id, plan.incoming_id, at=plan.at)  # the defaults save
    assert h.outgoing_name == days[today].staff_name
    assert d.handover_choices() == []
    # A shift not begun yet cannot be handed over.
    with pytest.raises(ValidationError) as e:
        d.hand_over(tomorrow, days[tomorrow].staff_id, days[today].staff_id)
    assert "还没有开始" in e.value.errors["day"]


def test_handover_pair_never_one_person_twice():
    from hypothesis import given, strategies as st

    from cunwu_tui.features.duty.rules import handover_pair

    ids = st.one_of(st.none(), st.integers(1, 4))

    @given(st.lists(ids, max_size=3), st.lists(ids, max_size=3))
    def check(outs, ins):
        a, b = handover_pair(outs, ins)
        assert a is None or b is None or a != b
        if b is not None:
            assert b in ins
        if any(x is not None for x in outs):
            assert a in outs

    check()
    assert handover_pair([5, 2], [5, 3]) == (5, 3)
    assert handover_pair([5, 2], [5]) == (2, 5)
    assert handover_pair([5], [5]) == (5, None)


SCHEDULE_2027 = """元旦 2027-01-01 至 2027-01-03
春节 2027-02-06 至 2027-02-13
调休上班 2027-02-20
"""


def test_publishing_without_the_years_holidays_says_so_and_a_published_month_can_be_replanned(duty):
    d = duty.duty
    duty.clock[0] = datetime(2026, 12, 2, 10, 0)
    rota = d.generate(2027, 1)
    assert {x.kind for x in rota.days if x.day == date(2027, 1, 1)} == {"工作日"}  # not known yet
    warning = d.publish_warning(2027, 1)
    assert "2027年的节假日安排还没有录入" in warning and "设置的节假日页" in warning and "从某一天起重新安排" in warning
    assert "F9" not in warning and "按 G" not in warning  # the service names no keys (#17)
    assert d.publish_warning(2026, 12) == ""
    d.publish(2027, 1)
    # J offers next year's long holidays as soon as they are entered.
    assert not any(p.start.year == 2027 for p in d.upcoming_holidays(date(2026, 12, 2)))
    duty.holidays.save_year(2027, SCHEDULE_2027)
    names = [p.name for p in d.upcoming_holidays(date(2026, 12, 2)) if p.start.year == 2027]
    assert names == ["元旦", "春节"]
    # Re-planning needs a reason and a day not begun yet, in the month.
    with pytest.raises(ValidationError) as e:
        d.replan(2027, 1, "2027-01-01", "")
    assert "原因" in e.value.errors["reason"]
    with pytest.raises(ValidationError) as e:
        d.replan(2027, 1, "2027-02-01", "x")
    assert "1月之内" in e.value.errors["from_day"]
    duty.clock[0] = datetime(2027, 1, 5, 10, 0)
    with pytest.raises(ValidationError) as e:
        d.replan(2027, 1, "2027-01-05", "x")
    assert "已经开始" in e.value.errors["from_day"]
    duty.clock[0] = datetime(2026, 12, 20, 10, 0)
    old = {x.day: x for x in d.month(2027, 1).days}
    new = d.replan(2027, 1, "2027-01-01", "已录入2027年节假日安排")
    assert new.status == "已发布"
    days = {x.day: x for x in new.days}
    assert days[date(2027, 1, 1)].kind == "节假日" and days[date(2027, 1, 1)].chief_name == "张伟"
    # Every changed day is in the change register, with the reason.
    changed = {c.day for c in new.changes}
    for day, x in days.items():
        differs = (x.kind, x.staff_name, x.leader_name, x.chief_name) != (
            old[day].kind,
            old[day].staff_name,
            old[day].leader_name,
            old[day].chief_name,
        )
        assert differs == (day in changed), day
    assert all(c.reason == "已录入2027年节假日安排" for c in new.changes)
    assert any(c.role == "类别" and c.new_name == "节假日" for c in new.changes)
    con = sqlite3.connect(duty.core.engine.url.database)
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("DELETE FROM duty_change")
    con.close()
    # Fair still: totals within one.
    totals = [t for _, t, *_ in new.counts()]
    assert max(totals) - min(totals) <= 1
    with pytest.raises(ValidationError) as e:
        d.replan(2026, 12, "2026-12-25", "x")
    assert "还没有发布" in e.value.errors["form"]


def test_a_handover_is_confirmed_by_the_incoming_person_in_person(duty):
    """接班确认 is the incoming person's own act: as the operator, or with
    their own PIN typed at the handover (compared by staff id)."""
    d, people = duty.duty, duty.people
    d.generate(2026, 11)
    duty.clock[0] = datetime(2026, 11, 25, 8, 40)
    chen, liu = people["陈明"], people["刘芳"]
    with pytest.raises(ValidationError) as e:  # the clerk ticks "confirmed" for 刘芳
        d.hand_over(date(2026, 11, 24), chen.id, liu.id, confirmed=True)
    assert "刘芳" in e.value.errors["incoming_pin"]
    with pytest.raises(ValidationError, match="刘芳的密码不对"):
        d.hand_over(date(2026, 11, 24), chen.id, liu.id, confirmed=True, incoming_pin="975310")
    assert d.unconfirmed() == [] and d.handovers(datetime(2026, 11, 24), datetime(2026, 11, 26)) == []
    h = d.hand_over(date(2026, 11, 24), chen.id, liu.id, confirmed=True, incoming_pin=PIN)
    assert h.confirmed and h.confirmed_by == "刘芳"
    # confirmed later by the incoming person working as the operator: no PIN asked again
    duty.clock[0] = datetime(2026, 11, 26, 8, 40)
    h2 = d.hand_over(date(2026, 11, 25), liu.id, chen.id)
    duty.set_operator(chen.id, PIN)
    assert d.confirm(h2.id).confirmed_by == "陈明"
