"""A fair duty rota (值班表), pure: no database, no screen.

Fair means, for the people given:

- every kind of day (working day, weekend, holiday) is shared out
  separately and as evenly as possible: counts differ by at most one;
- the totals differ by at most one as well (the one-day surpluses of the
  kinds go round the people in turn, never twice to the same person while
  someone else has none);
- nobody is on duty two days running where someone else can take the day;
- nobody is put on a day they are on leave or unavailable;
- the same input always gives the same rota.

With leave the quotas may not be reachable; the rota then stays as even as
the available days allow and a day nobody can take is left empty (None).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from cunwu_tui.domain.workdays import DayInfo, WorkCalendar

WORKDAY, WEEKEND, HOLIDAY = "工作日", "休息日", "节假日"
KINDS: tuple[str, ...] = (WORKDAY, WEEKEND, HOLIDAY)

_ONE_DAY = timedelta(days=1)


def day_kind(info: DayInfo) -> str:
    """The fairness class of a ``workdays.DayInfo``: a day of a holiday break
    is 节假日, another day off is 休息日 (调休上班 days are working days)."""
    if info.holiday and not info.is_workday:
        return HOLIDAY
    return WORKDAY if info.is_workday else WEEKEND


def classify(days: Iterable[date], calendar: WorkCalendar) -> dict[date, str]:
    return {d: day_kind(calendar.day_info(d)) for d in days}


def _quotas(
    days: Sequence[date], kinds: Mapping[date, str], people: Sequence[int], pointer: int = 0
) -> dict[tuple[int, str], int]:
    """How many days of each kind each person should get: the floor for
    everyone, the remainders handed out round the people in turn, carrying
    on from kind to kind, so that the totals stay within one as well."""
    n = len(people)
    quotas: dict[tuple[int, str], int] = {}
    for kind in KINDS:
        count = sum(1 for d in days if kinds[d] == kind)
        base, extra = divmod(count, n)
        for p in people:
            quotas[(p, kind)] = base
        for _ in range(extra):
            quotas[(people[pointer % n], kind)] += 1
            pointer += 1
    return quotas


def generate(
    days: Sequence[date],
    people: Sequence[int],
    kinds: Mapping[date, str],
    unavailable: Mapping[int, Iterable[date]] | None = None,
    before: int | None = None,
) -> dict[date, int | None]:
    """Assign one person to each day of ``days`` (in date order).

    ``people`` are ids in a fixed order (the order breaks ties, so the
    result is deterministic); ``kinds`` maps every day to one of KINDS;
    ``unavailable`` maps a person to the days they cannot take; ``before``
    is who had the day before the first day (so the month boundary is not
    back to back either)."""
    days = sorted(set(days))
    people = list(dict.fromkeys(people))
    if not people:
        return {d: None for d in days}
    off = {p: frozenset(unavailable.get(p, ())) if unavailable else frozenset() for p in people}
    # The surpluses start after whoever had the day before the first day.
    quotas = _quotas(days, kinds, people, people.index(before) + 1 if before in people else 0)
    total_quota = {p: sum(quotas[(p, k)] for k in KINDS) for p in people}
    counts = {(p, k): 0 for p in people for k in KINDS}
    totals = {p: 0 for p in people}
    last: dict[int, date] = {}
    order = {p: i for i, p in enumerate(people)}
    result: dict[date, int | None] = {}
    previous = before
    for i, d in enumerate(days):
        kind = kinds[d]
        free = [p for p in people if d not in off[p]]
        if not free:
            result[d] = None
            previous = None
            continue
        following = days[i + 1] if i + 1 < len(days) else None

        def key(p: int) -> tuple[Any, ...]:
            left_kind = quotas[(p, kind)] - counts[(p, kind)]
            left_total = total_quota[p] - totals[p]
            # Someone whose next day is blocked by leave is best used now.
            return (
                left_kind <= 0,  # within this kind's quota first
                p == previous,  # not two days running
                left_total <= 0,  # within the total quota
                -left_kind,  # the most still owed of this kind
                -left_total,
                following is not None and following in off[p],
                last.get(p, date.min),  # longest rested
                order[p],
            )

        chosen = min(free, key=key)
        result[d] = chosen
        counts[(chosen, kind)] += 1
        totals[chosen] += 1
        last[chosen] = d
        previous = chosen
    _rebalance(days, kinds, off, result, people)
    _untangle(days, kinds, off, result, before)
    return result


def _rebalance(
    days: list[date],
    kinds: Mapping[date, str],
    off: Mapping[int, frozenset[date]],
    result: dict[date, int | None],
    people: list[int],
) -> None:
    """Leave can leave the totals uneven: move days from whoever has two
    more than someone else to them, a day of a kind the giver has more of
    first, a day not next to the taker's own days first."""
    for _ in range(len(days) * 2):
        totals = {p: 0 for p in people}
        by_kind = {(p, k): 0 for p in people for k in KINDS}
        for d, p in result.items():
            if p is not None:
                totals[p] += 1
                by_kind[(p, kinds[d])] += 1
        moved = False
        givers = sorted(people, key=lambda p: (-totals[p], people.index(p)))
        takers = sorted(people, key=lambda p: (totals[p], people.index(p)))
        for giver in givers:
            for taker in takers:
                if totals[giver] - totals[taker] < 2:
                    continue
                mine = {d for d, p in result.items() if p == taker}
                options = [d for d in days if result[d] == giver and d not in off[taker]]
                if not options:
                    continue
                d = min(
                    options,
                    key=lambda d: (
                        by_kind[(giver, kinds[d])] <= by_kind[(taker, kinds[d])],
                        (d - _ONE_DAY) in mine or (d + _ONE_DAY) in mine,
                        d,
                    ),
                )
                result[d] = taker
                moved = True
                break
            if moved:
                break
        if not moved:
            return


def _untangle(
    days: list[date],
    kinds: Mapping[date, str],
    off: Mapping[int, frozenset[date]],
    result: dict[date, int | None],
    before: int | None,
) -> None:
    """Remove days back to back by swapping a day with another day of the
    same kind (so no count changes), where neither swap partner then lands
    next to one of their own days or on leave. Deterministic: days in order,
    the earliest partner that works."""
    index = {d: i for i, d in enumerate(days)}

    def neighbours(d: date) -> list[int | None]:
        i = index[d]
        prev = result[days[i - 1]] if i > 0 and days[i - 1] == d - _ONE_DAY else (before if i == 0 else None)
        nxt = result[days[i + 1]] if i + 1 < len(days) and days[i + 1] == d + _ONE_DAY else None
        return [prev, nxt]

    def clash(d: date) -> bool:
        p = result[d]
        return p is not None and p in neighbours(d)

    for _ in range(4):
        changed = False
        for d in days:
            if not clash(d):
                continue
            p = result[d]
            assert p is not None  # clash(d)
            for e in days:
                q = result[e]
                if e == d or q is None or q == p or kinds[e] != kinds[d]:
                    continue
                if d in off.get(q, ()) or e in off.get(p, ()):
                    continue
                result[d], result[e] = q, p
                if (
                    not clash(d)
                    and not clash(e)
                    and not any(
                        clash(x) for x in (d - _ONE_DAY, d + _ONE_DAY, e - _ONE_DAY, e + _ONE_DAY) if x in index
                    )
                ):
                    changed = True
                    break
                result[d], result[e] = p, q
        if not changed:
            break


def counts_by_kind(rota: Mapping[date, int | None], kinds: Mapping[date, str]) -> dict[int, dict[str, int]]:
    """{person: {kind: days}} of a rota (for the fairness summary)."""
    out: dict[int, dict[str, int]] = {}
    for d, p in rota.items():
        if p is None:
            continue
        out.setdefault(p, {k: 0 for k in KINDS})[kinds[d]] += 1
    return out


# -- leave lines ---------------------------------------------------------------
@dataclass(frozen=True)
class Leave:
    name: str
    start: date
    end: date
    reason: str = ""

    def days(self) -> list[date]:
        out, d = [], self.start
        while d <= self.end:
            out.append(d)
            d += _ONE_DAY
        return out


_LEAVE_RE = re.compile(
    r"^(?P<name>\S+)\s+(?P<start>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:至|到|~)\s*(?P<end>\d{4}-\d{1,2}-\d{1,2}))?(?:\s+(?P<reason>.+))?$"
)


def _day(text: str) -> date:
    y, m, d = (int(x) for x in text.split("-"))
    return date(y, m, d)


def parse_leave_lines(text: str, names: Iterable[str]) -> list[Leave]:
    """Leave and unavailable days, one per line: ``赵丽 2026-12-03 至
    2026-12-05 请假`` (the end and the reason may be left out). ValueError
    (Chinese, naming the line) for a line that does not read."""
    known = set(names)
    out: list[Leave] = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = " ".join(unicodedata.normalize("NFKC", raw).split())
        if not line or line.startswith("#"):
            continue
        m = _LEAVE_RE.match(line)
        if not m:
            raise ValueError(
                f"第{n}行看不懂：{line}。请写成 姓名 开始日期 至 结束日期 原因，如 赵丽 2026-12-03 至 2026-12-05 请假。"
            )
        if m["name"] not in known:
            raise ValueError(f"第{n}行：{m['name']} 不是值班人员。")
        try:
            start = _day(m["start"])
            end = _day(m["end"]) if m["end"] else start
        except ValueError:
            raise ValueError(f"第{n}行的日期不存在：{line}。") from None
        if end < start:
            raise ValueError(f"第{n}行：结束日期早于开始日期。")
        out.append(Leave(m["name"], start, end, (m["reason"] or "").strip()))
    return out
