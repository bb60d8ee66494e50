"""Deadlines of the efficiency rules around a case: 否定报备 (a refusal) and
信访 (a petition under the 信访工作条例). Pure rules on top of
``workdays.due_date`` (the start day is not counted; a period in 日 whose
last day is a rest day runs to the next working day); every result carries
``provisional`` when a year inside the period has no holiday data.

Case numbers: 〔2026〕第0001号, sequential per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from cunwu_tui.domain import workdays
from cunwu_tui.domain.workdays import WorkCalendar

# 否定报备 (seeds: 否定报备制度)
LEADER_OPINION = (3, "日")  # the leader's opinion when the refusal is beyond the clerk's authority
WRITTEN_NOTICE = (10, "工作日")  # the written notice of refusal to the applicant

# 信访工作条例 (2022)
PETITION_ACCEPTANCE = (15, "日")  # decide acceptance and tell the petitioner (第二十三条)
PETITION_CONCLUSION = (60, "日")  # conclude, counted from acceptance (第三十二条)
PETITION_MAX_EXTENSION = 30  # days, with the reason recorded and told to the petitioner
REVIEW_WINDOW = (30, "日")  # ask for 复查 / 复核 after receiving the written answer (第三十五条)
REVIEW_DECISION = (30, "日")  # the 复查 / 复核 opinion after receiving the request


@dataclass(frozen=True)
class Deadline:
    what: str
    date: date
    provisional: bool
    reason: str = ""

    @property
    def text(self) -> str:
        return f"{self.what}：{self.date:%Y-%m-%d}" + ("（预计）" if self.provisional else "")


def _due(what: str, start: date, rule: tuple[int, str], calendar: WorkCalendar) -> Deadline:
    d = workdays.due_date(start, rule[0], rule[1], calendar)
    return Deadline(what, d.date, d.provisional, d.reason)


def case_number(year: int, seq: int) -> str:
    """〔2026〕第0001号"""
    if seq < 1:
        raise ValueError("办件序号从1开始。")
    return f"〔{year}〕第{seq:04d}号"


def refusal_deadlines(refused_on: date, beyond_authority: bool, calendar: WorkCalendar) -> list[Deadline]:
    """What a refusal (不予受理/不予确认) sets running: the leader's opinion
    (only when the refusal is beyond the clerk's authority) and the written
    notice to the applicant."""
    out = []
    if beyond_authority:
        out.append(_due("领导审核意见", refused_on, LEADER_OPINION, calendar))
    out.append(_due("书面告知申请人", refused_on, WRITTEN_NOTICE, calendar))
    return out


def petition_acceptance(received_on: date, calendar: WorkCalendar) -> Deadline:
    return _due("决定是否受理并告知信访人", received_on, PETITION_ACCEPTANCE, calendar)


def petition_conclusion(
    accepted_on: date, extension_days: int = 0, reason: str = "", *, calendar: WorkCalendar
) -> Deadline:
    """The 60-day conclusion, plus an extension of at most 30 days, which
    needs its reason. ValueError (Chinese) otherwise."""
    if extension_days < 0 or extension_days > PETITION_MAX_EXTENSION:
        raise ValueError(f"延长期限不得超过{PETITION_MAX_EXTENSION}日。")
    if extension_days and not (reason or "").strip():
        raise ValueError("延长办理期限必须记录延期理由。")
    base = _due("办结", accepted_on, PETITION_CONCLUSION, calendar)
    if not extension_days:
        return base
    # the extension runs on from the original last day
    ext = workdays.due_date(base.date, extension_days, "日", calendar)
    return Deadline("办结（已延期）", ext.date, base.provisional or ext.provisional, base.reason or ext.reason)


def review_request_window(answered_on: date, second: bool = False, *, calendar: WorkCalendar) -> Deadline:
    """Until when the petitioner may ask for 复查 (or, ``second``, 复核)."""
    return _due("可申请复核" if second else "可申请复查", answered_on, REVIEW_WINDOW, calendar)


def review_decision(requested_on: date, second: bool = False, *, calendar: WorkCalendar) -> Deadline:
    return _due("提出复核意见" if second else "提出复查意见", requested_on, REVIEW_DECISION, calendar)


def last_day_within(today: date, workdays_n: int, calendar: WorkCalendar) -> date:
    """The last calendar day whose deadline is at most ``workdays_n``
    working days away (``working_days_left(today, d) <= workdays_n`` holds
    exactly for the days d from today up to it): a list asks its database
    for deadlines in [today, this day] instead of testing every case."""
    day = today
    while working_days_left(today, day + timedelta(days=1), calendar) <= workdays_n:
        day += timedelta(days=1)
    return day


def working_days_left(today: date, due: date, calendar: WorkCalendar) -> int:
    """Working days from today to the due day (negative once overdue, 0 on
    the due day itself)."""
    if due >= today:
        return calendar.workdays_between(today, due)
    return -calendar.workdays_between(due, today)
