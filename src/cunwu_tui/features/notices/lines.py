"""The lines of the feature's ledgers (ledgers.py), built from its service
for one month: ``LINES`` maps each ledger to its builder
(cunwu_tui/feature.py Feature.ledger_lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from cunwu_tui.ledgers.engine import Period
from cunwu_tui.features.notices.ledgers import NoticeLine

if TYPE_CHECKING:
    from cunwu_tui.services import Services


def notice_lines(services: Services, period: Period) -> Iterator[NoticeLine]:
    for n in services.notices.between(period.first_day, period.next_month_first_day):
        yield NoticeLine(
            n.number,
            n.title,
            n.kind,
            n.round,
            tuple(n.places),
            n.start_at,
            n.end,
            n.provisional,
            n.length_text,
            n.status,
            n.objections,
            n.result_text,
            n.operator_name,
        )


LINES: dict[str, Callable[[Services, Period], Iterable[Any]]] = {"notices": notice_lines}
