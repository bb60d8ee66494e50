"""The lines of the feature's ledgers (ledgers.py), built from its service
for one month: ``LINES`` maps each ledger to its builder
(cunwu_tui/feature.py Feature.ledger_lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from cunwu_tui.ledgers.engine import Period
from cunwu_tui.features.cases.ledgers import CaseLine, Escalation, LateDocument, Refusal, RefusalLine

if TYPE_CHECKING:
    from cunwu_tui.services import Services


def case_lines(services: Services, period: Period) -> Iterator[CaseLine]:
    for d in services.cases.received_between(period.first_day, period.next_month_first_day):
        r = d.row
        late = tuple(
            LateDocument(doc.name, doc.received_on, doc.received_by)
            for doc in d.documents
            if doc.received_on is not None
        )
        refusal = Refusal(d.refusal.kind, d.refusal.reason) if d.refusal else None
        escalation = Escalation(d.escalation.mode, d.escalation.to) if d.escalation else None
        cur = next((s for s in d.steps if s.order == d.current_step), None)
        yield CaseLine(
            r.number,
            r.received_at,
            r.applicant,
            r.applicant_masked_id,
            r.matter_name,
            r.channel,
            r.kind,
            r.petition,
            r.first_officer,
            r.status,
            r.closed_at,
            d.missing,
            late,
            d.missing_reason,
            tuple(d.deadlines),
            d.void_reason,
            d.result,
            refusal,
            escalation,
            cur.order if cur else None,
            cur.text if cur else "",
        )


def refusal_lines(services: Services, period: Period) -> Iterator[RefusalLine]:
    for r in services.cases.refusals_between(period.first_day, period.next_month_first_day):
        yield RefusalLine(
            r.number,
            r.refused_at,
            r.applicant,
            r.matter_name,
            r.kind,
            r.reason,
            r.basis,
            r.beyond_authority,
            r.leader,
            r.leader_opinion,
            r.leader_due,
            r.told_on,
            r.told_due,
            r.materials,
            r.operator,
        )


LINES: dict[str, Callable[[Services, Period], Iterable[Any]]] = {"cases": case_lines, "refusals": refusal_lines}
