"""Public notices (公示): kinds, periods, status and countdown. Pure rules.

A notice posted at ``start`` for ``n`` 日 or 工作日 ends on the day
``workdays.due_date(start.date(), n, unit)`` gives (the start day is not
counted; a period in 日 that ends on a rest day runs to the next working
day), and runs to the end of that day. It may be closed (with a result) on
its end day or later, never before; it may be withdrawn at any time, but only
with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cunwu_tui.domain.workdays import WorkCalendar

KINDS: tuple[str, ...] = (
    "村务",
    "党务",
    "财务",
    "低保",
    "低收入家庭",
    "临时救助",
    "救灾",
    "宅基地",
    "惠农补贴",
    "党员发展",
    "后备干部",
    "决策",
    "其他",
)
ROUNDS: tuple[str, ...] = ("", "第一次", "第二次", "长期")
UNITS: tuple[str, ...] = ("日", "工作日")
PLACES: tuple[str, ...] = ("公开栏", "广播", "微信群", "村民小组", "政务公开网站", "其他")

# Status
PENDING = "待发布"
RUNNING = "公示中"
EXPIRED = "已期满"  # the period is over, no result recorded yet
CLOSED = "已结束"
WITHDRAWN = "已撤回"

# Results
NO_OBJECTION = "无异议"
HANDLED = "有异议已处理"
UPHELD = "有异议"  # an upheld objection ended the notice
RESULTS: tuple[str, ...] = (NO_OBJECTION, HANDLED)

OBJECTION_RESULTS: tuple[str, ...] = ("成立", "不成立")

# The catalog matter whose rule gives a kind's default length (the form's
# default; the clerk may change it).
KIND_MATTERS: dict[str, str] = {
    "村务": "YG-CUNWU",
    "党务": "YG-DANGWU",
    "财务": "YG-CAIWU",
    "低保": "MS-DIBAO",
    "低收入家庭": "MS-DISHOURU",
    "临时救助": "MS-LINSHI-JIUZHU",
    "救灾": "MS-JIUZAI",
    "宅基地": "MS-ZHAIJIDI",
    "惠农补贴": "RC-GENGDI-BUTIE",
    "党员发展": "DJ-FAZHAN-DANGYUAN",
    "后备干部": "RC-HOUBEI-XUANPEI",
    "决策": "YG-JUECE-GONGKAI",
}


def kind_of_matter(code: str) -> str:
    """The notice kind a matter's notices are posted as (其他 when none)."""
    return next((k for k, m in KIND_MATTERS.items() if m == code), KINDS[-1])


# Where the matter's rule gives no length.
DEFAULT_LENGTH = (7, "日")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: date  # the last day of the notice
    provisional: bool  # the end uses weekends only for a year without holiday data
    reason: str = ""


def period(start: datetime, n: int, unit: str, calendar: WorkCalendar) -> Period:
    """The notice's period; ValueError (Chinese) for a bad length or unit."""
    from cunwu_tui.domain import workdays

    if unit not in UNITS:
        raise ValueError("公示期限的单位只能是 日 或 工作日。")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError("公示期限至少1日。")
    if n > 366:
        raise ValueError("公示期限过长（最多366）。")
    due = workdays.due_date(start.date(), n, unit, calendar)
    return Period(start, due.date, due.provisional, due.reason)


def status(p: Period, now: datetime, closed: bool = False, withdrawn: bool = False) -> str:
    if withdrawn:
        return WITHDRAWN
    if closed:
        return CLOSED
    if now < p.start:
        return PENDING
    if now.date() <= p.end:
        return RUNNING
    return EXPIRED


def can_close(p: Period, today: date) -> bool:
    """Closing is allowed on the end day or later: never early."""
    return today >= p.end


@dataclass(frozen=True)
class Countdown:
    days: int  # days of the period still to run, today and the end day included
    workdays: int  # working days of the period still to run, today and the end day included
    ends_today: bool


# The start day is not counted in a period (民法典第二百零一条), so on the
# start day (and before it) the whole period is still to run: a 7-day
# notice shows 7, never 8.


def countdown(p: Period, today: date, calendar: WorkCalendar) -> Countdown:
    from datetime import timedelta

    if today > p.end:
        return Countdown(0, 0, False)
    first = max(today, p.start.date() + timedelta(days=1))
    days = (p.end - first).days + 1
    work = calendar.workdays_between(first - timedelta(days=1), p.end)
    return Countdown(days, work, today == p.end)
