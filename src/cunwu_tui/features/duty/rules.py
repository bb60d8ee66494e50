"""Duty (值班) rules, pure: shifts, who is on duty at a moment, the log's
kinds and the substitution reasons.

A duty day (班次) runs from SHIFT_START on its date to SHIFT_START on the
next day: the person on the rota for 12-01 keeps the office and the phone
from 12-01 08:30 until the handover on 12-02 08:30, the night included.
Where the village keeps separate night duty (夜间值班), the night person of
the duty day takes over from NIGHT_START to the next morning's SHIFT_START.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping, Sequence

SHIFT_START = time(8, 30)
NIGHT_START = time(17, 30)

LOG_KINDS: tuple[str, ...] = ("来电", "来访", "来信", "突发事件", "巡查", "其他")
EMERGENCY = "突发事件"
SUB_REASONS: tuple[str, ...] = ("外出办事", "就餐", "请假", "其他")
# Entries a resident brought to the duty desk, which can be taken in as a
# case (受理登记), with the case's 受理渠道.
INTAKE_CHANNELS: dict[str, str] = {"来访": "来访", "来信": "来信"}


def shift_day(moment: datetime, start: time = SHIFT_START) -> date:
    """The duty day ``moment`` belongs to (before 08:30: the day before's)."""
    return moment.date() if moment.time() >= start else moment.date() - timedelta(days=1)


def shift_bounds(day: date, start: time = SHIFT_START) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, start)
    return begin, begin + timedelta(days=1)


@dataclass(frozen=True)
class Cover:
    """A substitution (替班): ``by`` covers from ``start`` to ``end``."""

    id: int
    start: datetime
    end: datetime
    by: int
    by_name: str = ""


@dataclass(frozen=True)
class OnDuty:
    day: date
    scheduled: int | None  # who the rota names for the duty day
    person: int | None  # who is actually on duty at the moment
    substitution: int | None  # the substitution in force, if any


def is_night(moment: datetime, start: time = SHIFT_START, night: time = NIGHT_START) -> bool:
    return moment.time() >= night or moment.time() < start


def on_duty_at(
    moment: datetime,
    rota: Mapping[date, int | None],
    covers: Iterable[Cover],
    start: time = SHIFT_START,
    nights: Mapping[date, int | None] | None = None,
) -> OnDuty:
    """Who was (is) on duty at ``moment``: the rota's person for the duty
    day (at night the night person, where ``nights`` names one), unless a
    substitution covers the moment; of several, the one recorded last
    (highest id) wins. Voided substitutions are not passed in."""
    day = shift_day(moment, start)
    scheduled = rota.get(day)
    if nights and nights.get(day) is not None and is_night(moment, start):
        scheduled = nights[day]
    active = [c for c in covers if c.start <= moment < c.end]
    if active:
        c = max(active, key=lambda c: c.id)
        return OnDuty(day, scheduled, c.by, c.id)
    return OnDuty(day, scheduled, scheduled, None)


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def parse_when(text: str | datetime, now: datetime, what: str = "时间") -> datetime:
    """``2026-12-01 21:40``, or ``21:40`` for today (the day before if that
    time is still to come: a night entry written after midnight). Not later
    than ``now``, not before 1949-10-01. ValueError with a Chinese message."""
    from cunwu_tui.domain import inputs

    if isinstance(text, datetime):
        moment = text.replace(second=0, microsecond=0)
    else:
        if not inputs.clean(text):
            raise ValueError(f"请填写{what}，如 {now:%H:%M} 或 {now:%Y-%m-%d %H:%M}。")
        at = inputs.clock(text, what)
        if at is not None:
            moment = datetime.combine(now.date(), at)
            if moment > now:
                moment -= timedelta(days=1)
        else:
            moment = inputs.moment(text, what, example=f"{now:%Y-%m-%d} 21:40")  # type: ignore[assignment]
    if moment > now + timedelta(minutes=1):
        raise ValueError(f"{what}不能晚于现在（{now:%Y-%m-%d %H:%M}）。")
    inputs.Window().check(moment.date(), what)
    return moment


def parse_span(start: str | datetime, end: str | datetime, now: datetime) -> tuple[datetime, datetime]:
    """A substitution's from-to: ``09:30``-``11:00`` on the day of ``now``
    (times may be in the future: a substitute is arranged before leaving)."""
    from cunwu_tui.domain import inputs

    def one(text: str | datetime, what: str) -> datetime:
        if isinstance(text, datetime):
            return text.replace(second=0, microsecond=0)
        if not inputs.clean(text):
            raise ValueError(f"请填写{what}，如 {now:%H:%M}。")
        at = inputs.clock(text, what, example="11:30")
        moment = datetime.combine(now.date(), at) if at is not None else inputs.moment(text, what)
        assert moment is not None  # required: a missing time raised
        inputs.planned(now.date(), 31).check(moment.date(), what)
        return moment

    a = one(start, "开始时间")
    b = one(end, "结束时间")
    if isinstance(end, str) and inputs.clock(end) is not None and b <= a:
        b += timedelta(days=1)  # 22:00 to 02:00: past midnight
    if b <= a:
        raise ValueError("结束时间应晚于开始时间。")
    if b - a > timedelta(days=7):
        raise ValueError("替班最长7天；更长的请调整值班表。")
    return a, b


def leader_note(told: bool, told_at: datetime | None, leader: str) -> str:
    """报告带班领导 column: 是，12-01 21:50 王建国 / 否."""
    if not told:
        return "否"
    return "是" + (f"，{told_at:%m-%d %H:%M}" if told_at else "") + (f" {leader}" if leader else "")


def handover_pair(outgoing: Sequence[int | None], incoming: Sequence[int | None]) -> tuple[int | None, int | None]:
    """The handover's default (交班人, 接班人): the first pair, in order of
    preference, of two different people. ``outgoing``/``incoming`` list the
    candidates best first (who is on duty with the substitutions, then who the
    rota names). When every pair is one person, the incoming one is left
    open for the clerk to choose: a default the form itself would refuse is
    never offered."""
    outs: list[int | None] = [p for p in outgoing if p is not None] or [None]
    ins = [p for p in incoming if p is not None]
    for a in outs:
        for b in ins:
            if a is None or a != b:
                return a, b
    return outs[0], None


def missing_handovers(ended_days: Iterable[date], handed_over: Iterable[date]) -> list[date]:
    """Duty days that have ended without a handover, oldest first."""
    done = set(handed_over)
    return sorted(d for d in set(ended_days) if d not in done)
