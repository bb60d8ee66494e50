"""The lines of the feature's ledgers (ledgers.py), built from its service
for one month: ``LINES`` maps each ledger to its builder
(cunwu_tui/feature.py Feature.ledger_lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from cunwu_tui.ledgers.engine import Period
from cunwu_tui.features.duty.ledgers import DutyDayLine, DutyLogLine, HolidayRotaLine, RotaChangeLine

if TYPE_CHECKING:
    from datetime import date

    from cunwu_tui.services import Services
    from cunwu_tui.features.duty.service import DutyDayInfo


def _day(d: DutyDayInfo, changes: tuple[RotaChangeLine, ...] = ()) -> DutyDayLine:
    return DutyDayLine(
        d.day,
        d.kind_text,
        d.staff_name,
        d.staff_phone,
        d.night_name,
        d.night_phone,
        d.leader_name,
        d.leader_phone,
        d.chief_name,
        d.chief_phone,
        changes,
    )


def duty_rota_lines(services: Services, period: Period) -> Iterator[DutyDayLine]:
    rota = services.duty.month(period.year, period.month)
    changes: dict[date, list[RotaChangeLine]] = {}
    for c in rota.changes:
        changes.setdefault(c.day, []).append(
            RotaChangeLine(c.recorded_at, c.role, c.old_name, c.new_name, c.reason, c.operator_name)
        )
    for d in rota.days:
        yield _day(d, tuple(changes.get(d.day, ())))


def duty_log_lines(services: Services, period: Period) -> Iterator[DutyLogLine]:
    yield from services.duty.register_rows(period.first_day, period.next_month_first_day)


def duty_holiday_lines(services: Services, period: Period) -> Iterator[HolidayRotaLine]:
    for r in services.duty.holiday_rotas_between(period.first_day, period.next_month_first_day):
        yield HolidayRotaLine(r.name, r.filed_at, r.filed_to, r.notified_at, tuple(_day(d) for d in r.days))


LINES: dict[str, Callable[[Services, Period], Iterable[Any]]] = {
    "duty_rota": duty_rota_lines,
    "duty_log": duty_log_lines,
    "duty_holiday": duty_holiday_lines,
}
