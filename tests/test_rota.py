"""The fair rota and who is on duty at a moment, as properties."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cunwu_tui.features.duty import rota
from cunwu_tui.features.duty import rules as duty
from cunwu_tui.domain.workdays import WorkCalendar


def month_days(year: int, month: int) -> list[date]:
    d = date(year, month, 1)
    out = []
    while d.month == month:
        out.append(d)
        d += timedelta(days=1)
    return out


months = st.tuples(st.integers(2024, 2026), st.integers(1, 12))


def spread(values) -> int:
    values = list(values)
    return max(values) - min(values) if values else 0


@settings(max_examples=150, deadline=None)
@given(months, st.integers(1, 8))
def test_counts_and_kinds_differ_by_at_most_one_without_leave(ym, n):
    days = month_days(*ym)
    kinds = rota.classify(days, WorkCalendar())
    people = list(range(100, 100 + n))
    result = rota.generate(days, people, kinds)
    assert set(result) == set(days) and None not in result.values()
    counts = rota.counts_by_kind(result, kinds)
    totals = [sum(counts.get(p, {}).values()) for p in people]
    assert spread(totals) <= 1
    for kind in rota.KINDS:
        assert spread(counts.get(p, {}).get(kind, 0) for p in people) <= 1, kind


@settings(max_examples=150, deadline=None)
@given(months, st.integers(3, 8))
def test_nobody_twice_running_when_three_or_more(ym, n):
    days = month_days(*ym)
    kinds = rota.classify(days, WorkCalendar())
    result = rota.generate(days, list(range(n)), kinds, before=0)
    assert result[days[0]] != 0  # the month boundary counts too
    for a, b in zip(days, days[1:]):
        assert result[a] != result[b], (a, result[a])


@settings(max_examples=150, deadline=None)
@given(months, st.integers(2, 7), st.data())
def test_leave_is_respected_and_the_rest_stays_even(ym, n, data):
    days = month_days(*ym)
    kinds = rota.classify(days, WorkCalendar())
    people = list(range(n))
    on_leave = data.draw(st.sampled_from(people))
    off = set(data.draw(st.lists(st.sampled_from(days), max_size=10)))
    result = rota.generate(days, people, kinds, {on_leave: off})
    assert None not in result.values()
    for d in off:
        assert result[d] != on_leave
    # Those not on leave still share evenly among themselves.
    others = [p for p in people if p != on_leave]
    totals = [sum(1 for v in result.values() if v == p) for p in others]
    assert spread(totals) <= 1


@settings(max_examples=50, deadline=None)
@given(months, st.integers(1, 6))
def test_deterministic(ym, n):
    days = month_days(*ym)
    kinds = rota.classify(days, WorkCalendar())
    assert rota.generate(days, list(range(n)), kinds) == rota.generate(days, list(range(n)), kinds)


def test_a_day_nobody_can_take_stays_empty():
    days = month_days(2026, 12)
    kinds = rota.classify(days, WorkCalendar())
    result = rota.generate(days, [1, 2], kinds, {1: {days[3]}, 2: {days[3]}})
    assert result[days[3]] is None and all(result[d] for d in days if d != days[3])


def test_national_day_is_holiday_and_makeup_day_a_workday():
    cal = WorkCalendar()
    kinds = rota.classify(month_days(2026, 10), cal)
    assert all(kinds[date(2026, 10, d)] == rota.HOLIDAY for d in range(1, 8))
    assert kinds[date(2026, 10, 10)] == rota.WORKDAY  # 调休上班 (Saturday)
    assert kinds[date(2026, 10, 17)] == rota.WEEKEND


def test_holidays_shared_separately_from_weekends():
    days = month_days(2026, 10)
    kinds = rota.classify(days, WorkCalendar())
    result = rota.generate(days, [1, 2, 3], kinds)
    holidays = [result[d] for d in days if kinds[d] == rota.HOLIDAY]
    assert sorted(holidays.count(p) for p in (1, 2, 3)) == [2, 2, 3]


def test_leave_lines():
    leaves = rota.parse_leave_lines("赵丽 2026-12-03 至 2026-12-05 请假\n\n陈明 2026-12-09", ["赵丽", "陈明"])
    assert leaves[0].days() == [date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 5)]
    assert leaves[0].reason == "请假" and leaves[1].days() == [date(2026, 12, 9)]
    with pytest.raises(ValueError, match="第1行"):
        rota.parse_leave_lines("某某 2026-12-03", ["赵丽"])
    with pytest.raises(ValueError, match="看不懂"):
        rota.parse_leave_lines("赵丽 下周", ["赵丽"])
    with pytest.raises(ValueError, match="早于"):
        rota.parse_leave_lines("赵丽 2026-12-05 至 2026-12-03", ["赵丽"])


# -- who is on duty at T ---------------------------------------------------------
ROTA = {date(2026, 12, 1): 1, date(2026, 12, 2): 2}


def test_shift_runs_from_half_past_eight_to_the_next_morning():
    assert duty.shift_day(datetime(2026, 12, 2, 8, 29)) == date(2026, 12, 1)
    assert duty.shift_day(datetime(2026, 12, 2, 8, 30)) == date(2026, 12, 2)
    assert duty.on_duty_at(datetime(2026, 12, 2, 3, 0), ROTA, []).person == 1  # the night
    assert duty.on_duty_at(datetime(2026, 12, 2, 9, 0), ROTA, []).person == 2
    assert duty.on_duty_at(datetime(2026, 12, 5, 9, 0), ROTA, []).person is None


def test_substitution_covers_only_its_span_and_the_latest_wins():
    meal = duty.Cover(7, datetime(2026, 12, 1, 11, 30), datetime(2026, 12, 1, 12, 30), by=3)
    later = duty.Cover(9, datetime(2026, 12, 1, 12, 0), datetime(2026, 12, 1, 13, 0), by=4)
    at = lambda h, m: duty.on_duty_at(datetime(2026, 12, 1, h, m), ROTA, [meal, later])  # noqa: E731
    assert at(11, 29).person == 1
    assert at(11, 30).person == 3 and at(11, 30).substitution == 7 and at(11, 30).scheduled == 1
    assert at(12, 15).person == 4
    assert at(13, 0).person == 1 and at(13, 0).substitution is None


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 12, 1, 8, 30), max_value=datetime(2026, 12, 3, 8, 29)),
    st.integers(0, 600),
    st.integers(1, 600),
)
def test_on_duty_is_the_substitute_exactly_inside_the_span(moment, offset, length):
    start = datetime(2026, 12, 1, 8, 30) + timedelta(minutes=offset)
    cover = duty.Cover(1, start, start + timedelta(minutes=length), by=99)
    who = duty.on_duty_at(moment, ROTA, [cover])
    if start <= moment < start + timedelta(minutes=length):
        assert who.person == 99
    else:
        assert who.person == ROTA[duty.shift_day(moment)]


def test_parse_when_and_span():
    now = datetime(2026, 12, 2, 1, 30)
    assert duty.parse_when("23:10", now) == datetime(2026, 12, 1, 23, 10)  # last night
    assert duty.parse_when("01:05", now) == datetime(2026, 12, 2, 1, 5)
    with pytest.raises(ValueError, match="不能晚于现在"):
        duty.parse_when("2026-12-03 09:00", now)
    with pytest.raises(ValueError, match="请填写"):
        duty.parse_when("", now)
    a, b = duty.parse_span("22:00", "02:00", datetime(2026, 12, 1, 21, 0))
    assert (a, b) == (datetime(2026, 12, 1, 22, 0), datetime(2026, 12, 2, 2, 0))
    with pytest.raises(ValueError, match="晚于开始"):
        duty.parse_span("2026-12-01 10:00", "2026-12-01 09:00", now)


def test_leader_note_and_missing_handovers():
    assert duty.leader_note(False, None, "") == "否"
    assert duty.leader_note(True, datetime(2026, 12, 1, 21, 50), "王建国") == "是，12-01 21:50 王建国"
    days = [date(2026, 12, 1), date(2026, 12, 2)]
    assert duty.missing_handovers(days, [date(2026, 12, 1)]) == [date(2026, 12, 2)]
