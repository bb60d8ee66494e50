"""The lines of the feature's ledgers (ledgers.py), built from its service
for one month: ``LINES`` maps each ledger to its builder
(cunwu_tui/feature.py Feature.ledger_lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from cunwu_tui.ledgers.engine import Period
from cunwu_tui.features.seals.ledgers import SealLine

if TYPE_CHECKING:
    from cunwu_tui.services import Services


def seal_lines(services: Services, period: Period) -> Iterator[SealLine]:
    for u in services.seal_register.between(period.first_day, period.next_month_first_day):
        yield SealLine(
            u.number,
            u.voided,
            u.used_at,
            u.seal_name,
            u.title,
            u.purpose,
            u.copies,
            u.destination,
            u.applicant_text,
            u.approved_by,
            u.approver_name,
            u.approved_at,
            u.major,
            u.meeting_text,
            u.keeper_name,
            u.remark,
        )


LINES: dict[str, Callable[[Services, Period], Iterable[Any]]] = {"seals": seal_lines}
