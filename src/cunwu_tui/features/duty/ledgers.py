"""值班台账: the monthly rota, the duty log and the holiday rota, with their typed lines.

Declared on import (cunwu_tui/feature.py Feature.ledgers); the lines come
from the feature's lines.py. Nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

from cunwu_tui.ledgers.engine import Column, Ledger, Period, register


_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class RotaChangeLine:
    recorded_at: datetime
    role: str
    old_name: str
    new_name: str
    reason: str
    operator_name: str


@dataclass(frozen=True)
class DutyDayLine:
    """A day of the month's rota or of a holiday rota."""

    day: date
    kind_text: str
    staff_name: str
    staff_phone: str
    night_name: str
    night_phone: str
    leader_name: str
    leader_phone: str
    chief_name: str = ""
    chief_phone: str = ""
    changes: tuple[RotaChangeLine, ...] = ()  # the month's rota: the day's changes, in order


def _duty_rota_rows(lines: Iterable[DutyDayLine], period: Period) -> Iterable[Sequence]:
    for d in lines:
        changes = [
            f"{c.recorded_at:%m-%d} {c.role}{c.old_name or '（空）'}改为"
            f"{c.new_name or '（空）'}（{c.reason}，{c.operator_name}）"
            for c in d.changes
        ]
        yield (
            d.day,
            f"星期{_WEEKDAYS[d.day.weekday()]}",
            d.kind_text,
            d.staff_name,
            d.staff_phone,
            d.night_name,
            d.night_phone,
            d.leader_name,
            d.leader_phone,
            "；".join(changes),
        )


DUTY_ROTA = register(
    Ledger(
        name="duty_rota",
        title="值班表",
        columns=(
            Column("日期", 12, "date"),
            Column("星期", 8),
            Column("类别", 10),
            Column("值班人员", 10),
            Column("值班人员电话", 15, "phone"),
            Column("夜间值班", 10),
            Column("夜间值班电话", 15, "phone"),
            Column("带班领导", 10),
            Column("带班领导电话", 15, "phone"),
            Column("调整记录", 40, wrap=True),
        ),
        rows=_duty_rota_rows,
        totals=False,
        one_page=True,
    )
)


@dataclass(frozen=True)
class DutyLogLine:
    """值班记录及交接班: a log entry, a substitution or a handover."""

    at: datetime
    person: str  # 值班人员
    kind: str  # 类别
    situation: str  # 情况
    handling: str  # 处理情况
    reported: str  # 报告带班领导
    remark: str  # 备注


def _duty_log_rows(lines: Iterable[DutyLogLine], period: Period) -> Iterable[Sequence]:
    for i, x in enumerate(lines, start=1):
        yield (i, x.at, x.person, x.kind, x.situation, x.handling, x.reported, x.remark)


DUTY_LOG = register(
    Ledger(
        name="duty_log",
        title="值班记录及交接班台账",
        columns=(
            Column("序号", 6, "integer"),
            Column("时间", 17, "datetime"),
            Column("值班人员", 10),
            Column("类别", 8),
            Column("情况", 36, wrap=True),
            Column("处理情况", 30, wrap=True),
            Column("报告带班领导", 18, wrap=True),
            Column("备注", 24, wrap=True),
        ),
        rows=_duty_log_rows,
        totals=False,
    )
)


@dataclass(frozen=True)
class HolidayRotaLine:
    name: str
    filed_at: datetime | None
    filed_to: str
    notified_at: datetime | None
    days: tuple[DutyDayLine, ...]


def _duty_holiday_rows(lines: Iterable[HolidayRotaLine], period: Period) -> Iterable[Sequence]:
    n = 0
    for r in lines:
        filing = "；".join(
            x
            for x in (
                f"{r.filed_at:%Y-%m-%d}报{r.filed_to}备案" if r.filed_at else "",
                f"{r.notified_at:%Y-%m-%d}已通知带班领导、值班领导、值班人员" if r.notified_at else "",
            )
            if x
        )
        for j, d in enumerate(r.days):
            n += 1
            yield (
                n,
                d.day,
                f"星期{_WEEKDAYS[d.day.weekday()]}",
                r.name,
                d.staff_name,
                d.staff_phone,
                d.night_name,
                d.night_phone,
                d.leader_name,
                d.leader_phone,
                d.chief_name,
                d.chief_phone,
                filing if j == 0 else "",
            )


DUTY_HOLIDAY = register(
    Ledger(
        name="duty_holiday",
        title="中长假值班表",
        columns=(
            Column("序号", 6, "integer"),
            Column("日期", 12, "date"),
            Column("星期", 8),
            Column("假期", 8),
            Column("值班人员", 10),
            Column("值班人员电话", 15, "phone"),
            Column("夜间值班", 10),
            Column("夜间值班电话", 15, "phone"),
            Column("带班领导", 10),
            Column("带班领导电话", 15, "phone"),
            Column("值班领导", 10),
            Column("值班领导电话", 15, "phone"),
            Column("备案及通知", 24, wrap=True),
        ),
        rows=_duty_holiday_rows,
        totals=False,
    )
)
