"""The lines each ledger prints, built from the services for one month.

The ledgers (ledgers/registers.py, a feature's ledgers.py) declare their
columns and typed lines and know nothing of the services; this module is
the other half for the kernel's ledgers, a feature's lines.py for its own:
for each ledger, a generator of its lines (a test checks that every
declared ledger has one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from cunwu_tui.ledgers.engine import Period
from cunwu_tui.ledgers.registers import AuditLine, StaffLine

if TYPE_CHECKING:
    from cunwu_tui.services import Services

__all__ = ["ROWS", "builders", "ledger_lines"]


def staff_lines(services: Services, period: Period) -> Iterator[StaffLine]:
    for p in services.staff.list():
        yield StaffLine(p.name, p.roles_text, p.phone, p.active)


def audit_lines(services: Services, period: Period) -> Iterator[AuditLine]:
    for e in services.audit.between(period.first_day, period.next_month_first_day):
        before, after = e.change
        yield AuditLine(e.at, e.operator, e.entity, e.subject, e.action, before, after)


ROWS: dict[str, Callable[[Services, Period], Iterable[Any]]] = {
    "staff": staff_lines,
    "audit": audit_lines,
}


def builders() -> dict[str, Callable[[Services, Period], Iterable[Any]]]:
    """Every ledger's builder: the kernel's and each feature's
    (cunwu_tui/feature.py Feature.ledger_lines)."""
    from cunwu_tui.feature import features, load

    out = dict(ROWS)
    for f in features():
        if f.ledger_lines:
            out.update(load(f.ledger_lines))
    return out


def ledger_lines(services: Services, name: str, period: Period) -> Iterable[Any]:
    """The lines of ledger ``name`` for ``period`` (lazily: the services are
    read when the writer asks for the first line)."""
    return builders()[name](services, period)
