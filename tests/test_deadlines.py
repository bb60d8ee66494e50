"""否定报备 and 信访 deadlines, case numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cunwu_tui.features.cases import deadlines as dl
from cunwu_tui.domain.workdays import WorkCalendar

CAL = WorkCalendar()  # the package's years (the services pass their own)


def test_case_numbers():
    assert dl.case_number(2026, 1) == "〔2026〕第0001号"
    assert dl.case_number(2026, 1234) == "〔2026〕第1234号"
    with pytest.raises(ValueError):
        dl.case_number(2026, 0)


def test_refusal_over_the_national_day():
    # refused on 2026-09-28: 3 日 ends 10-01 (holiday) -> 10-08; 10 工作日 skip the
    # break and count the 调休 Saturday 10-10: 9-29, 9-30, 10-8, 9, 10, 12, 13, 14, 15, 16
    leader, notice = dl.refusal_deadlines(date(2026, 9, 28), beyond_authority=True, calendar=CAL)
    assert (leader.what, leader.date) == ("领导审核意见", date(2026, 10, 8))
    assert (notice.what, notice.date) == ("书面告知申请人", date(2026, 10, 16))
    assert not leader.provisional and not notice.provisional
    assert [d.what for d in dl.refusal_deadlines(date(2026, 9, 28), beyond_authority=False, calendar=CAL)] == [
        "书面告知申请人"
    ]


def test_refusal_into_a_year_without_data_is_provisional():
    [notice] = dl.refusal_deadlines(date(2026, 12, 24), False, WorkCalendar())
    assert notice.provisional and notice.text.endswith("（预计）") and "2027" in notice.reason


def test_petition_timeline():
    received = date(2026, 11, 2)
    assert dl.petition_acceptance(received, CAL).date == date(2026, 11, 17)
    conclusion = dl.petition_conclusion(date(2026, 11, 5), calendar=WorkCalendar())
    assert conclusion.date == date(2027, 1, 4) and conclusion.provisional  # 2027 not entered yet
    # 60 日 from 08-03 end 10-02 (holiday) -> 10-08; 30 more end 11-07 (Saturday) -> 11-09
    assert dl.petition_conclusion(date(2026, 8, 3), calendar=CAL).date == date(2026, 10, 8)
    extended = dl.petition_conclusion(date(2026, 8, 3), 30, "涉及多个部门，需联合调查", calendar=CAL)
    assert extended.date == date(2026, 11, 9) and extended.what == "办结（已延期）"


@pytest.mark.parametrize(
    ("days", "reason", "words"), [(31, "复杂", "不得超过30日"), (10, " ", "延期理由"), (-1, "x", "不得超过")]
)
def test_petition_extension_rules(days, reason, words):
    with pytest.raises(ValueError, match=words):
        dl.petition_conclusion(date(2026, 8, 3), days, reason, calendar=CAL)


def test_review_windows():
    assert dl.review_request_window(date(2026, 6, 1), calendar=CAL).date == date(2026, 7, 1)
    assert dl.review_request_window(date(2026, 6, 1), second=True, calendar=CAL).what == "可申请复核"
    assert dl.review_decision(date(2026, 6, 1), calendar=CAL).what == "提出复查意见"


@settings(max_examples=80, deadline=None)
@given(st.dates(date(2004, 1, 1), date(2026, 10, 1)), st.booleans())
def test_refusal_deadlines_never_early_and_in_order(start, beyond):
    ds = dl.refusal_deadlines(start, beyond, CAL)
    assert all(d.date > start for d in ds)
    if beyond:
        # 3 days never end after 10 working days
        assert ds[0].date <= ds[1].date


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2004, 1, 1), date(2026, 6, 1)), st.integers(0, 30))
def test_extension_never_shortens(accepted, days):
    base = dl.petition_conclusion(accepted, calendar=CAL)
    ext = dl.petition_conclusion(accepted, days, "理由" if days else "", calendar=CAL)
    assert ext.date >= base.date
    assert (ext.date - base.date).days <= days + 10  # at most the days plus a holiday break


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2005, 1, 1), date(2026, 12, 1)), st.integers(-40, 40))
def test_working_days_left_sign(today, offset):
    due = today + timedelta(days=offset)
    left = dl.working_days_left(today, due, CAL)
    assert (left > 0) <= (due > today) and (left < 0) <= (due < today)
    assert abs(left) <= abs(offset)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), st.integers(min_value=0, max_value=10))
def test_last_day_within_bounds_exactly_the_days_within(today, n):
    from cunwu_tui.features.cases.deadlines import last_day_within, working_days_left

    last = last_day_within(today, n, CAL)
    assert last >= today
    for k in range(0, (last - today).days + 20):
        day = today + timedelta(days=k)
        assert (working_days_left(today, day, CAL) <= n) == (day <= last), (today, n, day)
