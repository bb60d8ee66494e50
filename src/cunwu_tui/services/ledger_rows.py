"""The lines each ledger prints, built from the services for one month.

The ledgers (ledgers/registers.py) declare their columns and typed lines
and know nothing of the services; this module is the other half: for each
ledger, a generator of its lines. Adding a ledger adds a builder to ``ROWS``
(a test checks that every declared ledger has one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from cunwu_tui.ledgers.engine import Period
from cunwu_tui.ledgers.registers import (
    AuditLine,
    CaseLine,
    DutyDayLine,
    DutyLogLine,
    Escalation,
    HolidayRotaLine,
    LateDocument,
    NoticeLine,
    Refusal,
    RefusalLine,
    RotaChangeLine,
    SealLine,
    StaffLine,
)

if TYPE_CHECKING:
    from datetime import date

    from cunwu_tui.services import Services
    from cunwu_tui.services.duty import DutyDayInfo

__all__ = ["ROWS", "ledger_lines"]


def staff_lines(services: Services, period: Period) -> Iterator[StaffLine]:
    for p in services.staff.list():
        yield StaffLine(p.name, p.roles_text, p.phone, p.active)


def audit_lines(services: Services, period: Period) -> Iterator[AuditLine]:
    for e in services.audit.between(period.first_day, period.next_month_first_day):
        before, after = e.change
        yield AuditLine(e.at, e.operator, e.entity, e.subject, e.action, before, after)


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


ROWS: dict[str, Callable[[Services, Period], Iterable[Any]]] = {
    "staff": staff_lines,
    "audit": audit_lines,
    "notices": notice_lines,
    "seals": seal_lines,
    "duty_rota": duty_rota_lines,
    "duty_log": duty_log_lines,
    "duty_holiday": duty_holiday_lines,
    "cases": case_lines,
    "refusals": refusal_lines,
}


def ledger_lines(services: Services, name: str, period: Period) -> Iterable[Any]:
    """The lines of ledger ``name`` for ``period`` (lazily: the services are
    read when the writer asks for the first line)."""
    return ROWS[name](services, period)
