"""The working-day calendar and statutory time limits."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar as cc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cunwu_tui.domain import workdays as w
from cunwu_tui.domain.workdays import DAY, WORKDAY, Due, WorkCalendar, YearSchedule

FIXTURE = Path(__file__).parent / "fixtures" / "holidays_2027_example.toml"
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "holidays"
ONE = timedelta(days=1)
FAST = settings(max_examples=150, deadline=None)


@pytest.fixture(scope="module")
def fixture_2027() -> YearSchedule:
    return w.load_schedule_file(FIXTURE)


def cc_workday(d: date) -> bool:
    return cc.is_workday(d)


# -- the required examples ---------------------------------------------------
def test_national_day_examples():
    cal = WorkCalendar()
    assert cal.due_date(date(2026, 9, 28), 7, DAY) == Due(date(2026, 10, 8), False, "", ())
    assert cal.due_date(date(2026, 9, 28), 7, WORKDAY) == Due(date(2026, 10, 13), False, "", ())
    assert w.due_date(date(2026, 9, 28), 7, DAY, cal).date == date(2026, 10, 8)


def test_crossing_into_an_uncovered_year_is_provisional(fixture_2027):
    due = WorkCalendar().due_date(date(2026, 12, 28), 7, WORKDAY)
    assert due.provisional
    assert due.missing_years == (2027,)
    assert due.reason == "2027年节假日安排尚未录入，暂按周末计算"
    assert due.date == date(2027, 1, 6)  # 2027-01-01 (Friday) counted as a working day

    due = WorkCalendar([fixture_2027]).due_date(date(2026, 12, 28), 7, WORKDAY)
    assert due == Due(date(2027, 1, 7), False, "", ())  # 元旦 2027-01-01..03 in the fixture


def test_module_level_due_date_uses_the_calendar_it_is_given(fixture_2027):
    # no process-wide calendar: the services own theirs and pass it (#17)
    assert w.due_date(date(2026, 12, 28), 7, WORKDAY, WorkCalendar()).provisional
    assert not w.due_date(date(2026, 12, 28), 7, WORKDAY, WorkCalendar([fixture_2027])).provisional
    assert not hasattr(w, "default_calendar") and not hasattr(w, "set_default_calendar")


def test_day_rule_extends_over_weekend_and_holiday():
    cal = WorkCalendar()
    # 2026-10-03 is inside 国庆节 -> next working day 10-08.
    assert cal.due_date(date(2026, 9, 30), 3, DAY).date == date(2026, 10, 8)
    # A makeup Saturday (2026-10-10) is a working day and ends the period.
    assert cal.due_date(date(2026, 10, 3), 7, DAY).date == date(2026, 10, 10)
    # Ordinary Saturday 2026-11-07 -> Monday 11-09.
    assert cal.due_date(date(2026, 11, 4), 3, DAY).date == date(2026, 11, 9)


def test_zero_periods():
    cal = WorkCalendar()
    assert cal.due_date(date(2026, 10, 3), 0, WORKDAY).date == date(2026, 10, 3)
    assert cal.due_date(date(2026, 11, 4), 0, DAY).date == date(2026, 11, 4)
    assert cal.due_date(date(2026, 10, 3), 0, DAY).date == date(2026, 10, 8)


@pytest.mark.parametrize(
    "n, unit", [(-1, DAY), (-5, WORKDAY), (3, "天"), (3, "周"), (3, ""), (1.5, DAY), (True, DAY), ("3", DAY)]
)
def test_bad_period_raises_in_chinese(n, unit):
    with pytest.raises(ValueError, match="期限"):
        WorkCalendar().due_date(date(2026, 1, 5), n, unit)


def test_bad_start_raises():
    with pytest.raises(ValueError, match="开始日期"):
        WorkCalendar().due_date(None, 3, DAY)


@pytest.mark.parametrize("year", [2003, 2027, 2030, 2050, 2099, 2100, 2500])
def test_uncovered_years_never_raise(year):
    cal = WorkCalendar()
    start = date(year, 12, 28)
    for unit in (DAY, WORKDAY):
        due = cal.due_date(start, 10, unit)
        assert due.provisional and year in due.missing_years
        assert due.reason.endswith("年节假日安排尚未录入，暂按周末计算")
    info = cal.day_info(date(year, 6, 1))
    assert info.provisional and info.holiday is None
    assert info.is_workday == (date(year, 6, 1).weekday() < 5)
    assert cal.workdays_between(date(year, 1, 1), date(year, 1, 31)) > 0


def test_years_text_groups_runs():
    due = WorkCalendar().due_date(date(2029, 12, 28), 700, WORKDAY)
    assert due.missing_years == (2029, 2030, 2031, 2032)
    assert due.reason.startswith("2029至2032年")
    assert w._years_text([2027, 2028]) == "2027、2028"


def test_date_overflow_is_a_value_error():
    with pytest.raises(ValueError, match="日期范围"):
        WorkCalendar().due_date(date(9999, 12, 20), 30, DAY)


# -- day info and coverage ---------------------------------------------------
def test_day_info_with_chinese_names():
    cal = WorkCalendar()
    info = cal.day_info(date(2026, 10, 1))
    assert (info.is_workday, info.holiday, info.makeup_workday, info.provisional) == (False, "国庆节", False, False)
    info = cal.day_info(date(2026, 10, 10))
    assert (info.is_workday, info.holiday, info.makeup_workday) == (True, None, True)
    assert cal.day_info(date(2015, 9, 3)).holiday == "抗战胜利70周年纪念日"
    assert cal.day_info(date(2026, 2, 17)).holiday == "春节"
    # Weekend days of a break the package leaves out carry the break's name.
    assert cal.day_info(date(2024, 6, 8)).holiday == "端午节"
    assert cal.day_info(date(2011, 6, 5)).holiday == "端午节"
    assert cal.day_info(date(2026, 11, 7)).holiday is None


def test_package_names_are_all_chinese():
    for year in range(2004, 2027):
        sch = w.package_schedule(year)
        assert sch is not None and sch.source == "chinesecalendar"
        for name in sch.holidays.values():
            assert name in w.PACKAGE_NAMES.values()
    assert w.package_schedule(2003) is None
    assert w.package_schedule(2027) is None


def test_covered_years():
    cal = WorkCalendar()
    assert cal.covered_years() == list(range(2004, 2027))
    assert cal.covered(2026) and not cal.covered(2027)
    cal = WorkCalendar([w.parse_schedule_lines(2030, "元旦 2030-01-01")], use_package=False)
    assert cal.covered_years() == [2030]
    assert not cal.covered(2026)
    assert cal.day_info(date(2026, 10, 1)).provisional


def test_workdays_between():
    cal = WorkCalendar()
    assert cal.workdays_between(date(2026, 9, 28), date(2026, 10, 13)) == 7
    assert cal.workdays_between(date(2026, 9, 28), date(2026, 9, 28)) == 0
    assert cal.workdays_between(date(2026, 10, 13), date(2026, 9, 28)) == 0


def test_custom_schedule_overrides_package():
    mine = YearSchedule(2026, {date(2026, 10, 8): "国庆节"}, frozenset({date(2026, 10, 11)}), "设置录入")
    cal = WorkCalendar([mine])
    assert cal.is_workday(date(2026, 10, 1))  # not in our table: a Thursday
    assert not cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 10, 11))  # our makeup Sunday
    assert not cal.is_workday(date(2026, 10, 10))  # the package's makeup day is ignored
    assert cal.day_info(date(2026, 10, 8)).holiday == "国庆节"
    assert cal.schedule(2026) is mine
    assert WorkCalendar().schedule(2026) == w.package_schedule(2026)


def test_next_year_schedule_may_reach_into_december():
    nxt = w.parse_schedule_lines(2027, "元旦 2026-12-31 至 2027-01-02\n调休上班 2026-12-26")
    cal = WorkCalendar([nxt])
    assert cal.day_info(date(2026, 12, 31)).holiday == "元旦"
    assert not cal.day_info(date(2026, 12, 31)).provisional
    assert cal.day_info(date(2026, 12, 26)).makeup_workday


def test_duplicate_years_in_a_calendar():
    a = w.parse_schedule_lines(2027, "元旦 2027-01-01")
    with pytest.raises(ValueError, match="重复"):
        WorkCalendar([a, a])


# -- properties ---------------------------------------------------------------
dates_any = st.dates(min_value=date(1990, 1, 1), max_value=date(2120, 12, 31))
dates_cc = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31))
units = st.sampled_from([DAY, WORKDAY])


@FAST
@given(start=dates_any, n=st.integers(0, 60), unit=units)
def test_never_before_start_and_strictly_later_for_n_ge_1(start, n, unit):
    due = WorkCalendar().due_date(start, n, unit)
    assert due.date >= start
    if n >= 1:
        assert due.date > start
    if unit == DAY:
        assert due.date >= start + timedelta(days=n)


@FAST
@given(start=dates_any, n=st.integers(0, 60), unit=units)
def test_monotonic_in_n(start, n, unit):
    cal = WorkCalendar()
    assert cal.due_date(start, n, unit).date <= cal.due_date(start, n + 1, unit).date


@FAST
@given(start=dates_cc, n=st.integers(0, 30))
def test_workday_unit_agrees_with_chinesecalendar(start, n):
    due = WorkCalendar().due_date(start, n, WORKDAY)
    assume(due.date.year <= 2026)
    assert not due.provisional
    counted = sum(cc_workday(start + ONE * i) for i in range(1, (due.date - start).days + 1))
    assert counted == n
    if n:
        assert cc_workday(due.date)
    assert WorkCalendar().workdays_between(start, due.date) == n


@FAST
@given(start=dates_cc, n=st.integers(0, 30))
def test_day_unit_agrees_with_chinesecalendar(start, n):
    due = WorkCalendar().due_date(start, n, DAY)
    assume(due.date.year <= 2026)
    assert not due.provisional
    d = start + timedelta(days=n)
    while not cc_workday(d):
        d += ONE
    assert due.date == d


@settings(max_examples=60, deadline=None)
@given(d=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_is_workday_agrees_with_chinesecalendar(d):
    cal = WorkCalendar()
    assert cal.is_workday(d) == cc.is_workday(d)
    info = cal.day_info(d)
    assert info.is_workday == cc.is_workday(d)
    assert info.makeup_workday == (d in cc.workdays)
    if d in cc.holidays:
        assert info.holiday == w.PACKAGE_NAMES[cc.holidays[d]]


def _own_table():
    return [
        w.parse_schedule_lines(2030, "元旦 2030-01-01\n国庆节 2030-10-01 至 2030-10-07\n调休上班 2030-09-29"),
        w.parse_schedule_lines(2032, "春节 2032-02-10 至 2032-02-16\n调休上班 2032-02-07"),
    ]


@FAST
@given(start=st.dates(min_value=date(2029, 6, 1), max_value=date(2033, 6, 30)), n=st.integers(0, 400), unit=units)
def test_provisional_exactly_when_a_year_is_missing(start, n, unit):
    cal = WorkCalendar(_own_table(), use_package=False)
    due = cal.due_date(start, n, unit)
    missing = tuple(y for y in range(start.year, due.date.year + 1) if y not in (2030, 2032))
    assert due.missing_years == missing
    assert due.provisional == bool(missing)
    assert (due.reason == "") == (not missing)


@FAST
@given(start=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 30)), n=st.integers(0, 120), unit=units)
def test_package_years_are_never_provisional(start, n, unit):
    due = WorkCalendar().due_date(start, n, unit)
    assert due.provisional == (due.date.year > 2026)


# -- line format --------------------------------------------------------------
def test_parse_lines():
    text = """
# 2027年（测试）
元旦 2027-01-01 至 2027-01-03
端午节　２０２７－０６－０９
国庆节 2027年10月1日至2027年10月7日
调休上班 2027-10-09

"""
    sch = w.parse_schedule_lines(2027, text)
    assert sch.year == 2027 and sch.source == "设置录入"
    assert sch.holidays[date(2027, 1, 2)] == "元旦"
    assert sch.holidays[date(2027, 6, 9)] == "端午节"
    assert len([d for d, n in sch.holidays.items() if n == "国庆节"]) == 7
    assert sch.makeup_workdays == frozenset({date(2027, 10, 9)})


def test_format_lines_round_trip_for_every_package_year():
    for year in range(2004, 2027):
        sch = w.package_schedule(year)
        text = w.format_schedule_lines(sch)
        again = w.parse_schedule_lines(year, text, sch.source)
        assert again == sch
        assert w.format_schedule_lines(again) == text


def test_format_lines_shape():
    sch = w.parse_schedule_lines(2027, "调休上班 2027-02-20\n端午节 2027-06-09\n春节 2027-02-05 至 2027-02-13")
    assert w.format_schedule_lines(sch) == ("春节 2027-02-05 至 2027-02-13\n调休上班 2027-02-20\n端午节 2027-06-09\n")


names = st.sampled_from(["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"])


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_round_trip_random_schedules(data):
    year = data.draw(st.integers(2000, 2100))
    days = data.draw(st.sets(st.dates(date(year, 1, 1), date(year, 12, 31)), min_size=1, max_size=40))
    holidays = {d: data.draw(names) for d in days}
    weekend = st.dates(date(year, 1, 1), date(year, 12, 31)).filter(lambda d: d.weekday() >= 5 and d not in holidays)
    makeup = data.draw(st.frozensets(weekend, max_size=5))
    sch = YearSchedule(year, holidays, makeup, "设置录入")
    assert w.parse_schedule_lines(year, w.format_schedule_lines(sch)) == sch


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("元旦 2027-13-01", "第1行：2027-13-01不是有效日期"),
        ("\n元旦 2027-01-01 至 2027-02-30", "第2行：2027-02-30不是有效日期"),
        ("元旦 2027-01-03 至 2027-01-01", "第1行：结束日期2027-01-01早于开始日期2027-01-03"),
        ("国庆节 2028-10-01", "第1行：2028-10-01不在2027年内"),
        ("国庆节 2026-10-01", "第1行：2026-10-01不在2027年内"),
        ("元旦 2026-12-30 至 2026-12-31", "不在2027年内"),
        ("元旦 2027-01-01\n调休上班 2027-02-08", "第2行：2027-02-08是星期一，调休上班日应为星期六或星期日"),
        (
            "元旦 2027-01-01 至 2027-01-03\n调休上班 2027-01-02",
            "第2行：2027-01-02已在第1行列为元旦假日，不能又是调休上班日",
        ),
        ("元旦 2027-01-01 至 2027-01-03\n春节 2027-01-03", "第2行：2027-01-03已在第1行列为元旦"),
        ("2027-01-01 元旦", "第1行：请先写节日名称"),
        ("元旦 2027-01-01 2027-01-03", "第1行：无法识别"),
        ("元旦", "第1行：无法识别"),
        ("# 只有注释\n\n", "没有填写任何放假安排"),
        ("调休上班 2027-02-06", "没有填写任何放假安排"),
    ],
)
def test_line_errors(text, fragment):
    with pytest.raises(ValueError) as err:
        w.parse_schedule_lines(2027, text)
    assert fragment in str(err.value)


def test_line_year_checked():
    with pytest.raises(ValueError, match="年份"):
        w.parse_schedule_lines("2027", "元旦 2027-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="年份"):
        w.parse_schedule_lines(99999, "元旦 2027-01-01")


# -- TOML format ----------------------------------------------------------------
TOML = """
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
[[holidays]]
name = "元旦"
start = 2027-01-01
end = 2027-01-03
[[holidays]]
name = "端午节"
start = 2027-06-09
[[makeup_workdays]]
date = 2027-02-07
note = "春节调休上班"
"""


def test_parse_toml():
    sch = w.parse_schedule_toml(TOML, "data/holidays/2027.toml")
    assert sch.year == 2027
    assert sch.source == "国务院办公厅关于2027年部分节假日安排的通知（测试）"
    assert sch.holidays == {
        date(2027, 1, 1): "元旦",
        date(2027, 1, 2): "元旦",
        date(2027, 1, 3): "元旦",
        date(2027, 6, 9): "端午节",
    }
    assert sch.makeup_workdays == frozenset({date(2027, 2, 7)})
    no_title = w.parse_schedule_toml(TOML.replace("source = ", "# source = "), "2027.toml")
    assert no_title.source == "2027.toml"


def test_toml_and_lines_agree():
    sch = w.parse_schedule_toml(TOML, "t.toml")
    assert w.parse_schedule_lines(2027, w.format_schedule_lines(sch), sch.source) == sch


@pytest.mark.parametrize(
    "change, fragment",
    [
        (("year = 2027", 'year = "2027"'), "year"),
        (("year = 2027", ""), "year"),
        (("end = 2027-01-03", "end = 2027-01-32"), "TOML"),
        (("end = 2027-01-03", 'end = "2027-13-03"'), "holidays 第1项 end：2027-13-03不是有效日期"),
        (("end = 2027-01-03", "end = 2026-12-31"), "holidays 第1项：结束日期2026-12-31早于开始日期2027-01-01"),
        (("start = 2027-06-09", "start = 2028-06-09"), "holidays 第2项：2028-06-09不在2027年内"),
        (("date = 2027-02-07", "date = 2027-02-08"), "makeup_workdays 第1项：2027-02-08是星期一"),
        (("date = 2027-02-07", "date = 2027-01-02"), "不能又是调休上班日"),
        (("[[makeup_workdays]]", "[[makeup_workday]]"), "未知字段 makeup_workday"),
        (('name = "端午节"', 'title = "端午节"'), "holidays 第2项：未知字段 title"),
        (("start = 2027-06-09", "start = 2027-06-09T08:00:00"), "只填日期"),
        (('name = "元旦"', 'name = ""'), "请填写节日名称"),
        (("year = 2027", "year = 2027\nyear = 2028"), "TOML"),
    ],
)
def test_toml_errors(change, fragment):
    old, new = change
    assert old in TOML
    with pytest.raises(ValueError) as err:
        w.parse_schedule_toml(TOML.replace(old, new, 1), "data/holidays/2027.toml")
    message = str(err.value)
    assert message.startswith("data/holidays/2027.toml：")
    assert fragment in message


def test_toml_plain_date_list_is_accepted():
    text = 'year = 2027\nmakeup_workdays = [2027-02-07, "2027-02-20"]\n[[holidays]]\nname = "春节"\nstart = 2027-02-08\nend = 2027-02-14\n'
    assert w.parse_schedule_toml(text, "x").makeup_workdays == frozenset({date(2027, 2, 7), date(2027, 2, 20)})


def test_load_files_and_dir(tmp_path, fixture_2027):
    assert w.load_schedule_dir(tmp_path / "missing") == []
    (tmp_path / "2027.toml").write_text(TOML, encoding="utf-8-sig")  # a BOM is fine
    (tmp_path / "README.md").write_text("not a schedule", encoding="utf-8")
    loaded = w.load_schedule_dir(tmp_path)
    assert [s.year for s in loaded] == [2027]
    (tmp_path / "other.toml").write_text(TOML, encoding="utf-8")
    with pytest.raises(ValueError, match="2027年的节假日安排重复"):
        w.load_schedule_dir(tmp_path)
    (tmp_path / "other.toml").unlink()
    (tmp_path / "2028.toml").write_text(TOML, encoding="utf-8")
    with pytest.raises(ValueError, match="文件名是2028年"):
        w.load_schedule_dir(tmp_path)
    assert fixture_2027.year == 2027 and fixture_2027.holidays[date(2027, 10, 1)] == "国庆节"


def test_shipped_files_all_parse():
    # Whatever is shipped in data/holidays must load (no year file is shipped yet).
    for sch in w.load_schedule_dir(SHIPPED):
        assert sch.holidays
    assert (SHIPPED / "README.md").is_file()


def test_import_is_cheap():
    import subprocess
    import sys

    code = (
        "import sys, cunwu_tui.domain.workdays, cunwu_tui.domain.idcard, cunwu_tui.domain.phone\n"
        "heavy = {'chinese_calendar', 'textual', 'sqlalchemy', 'sqlmodel', 'openpyxl'} & set(sys.modules)\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
