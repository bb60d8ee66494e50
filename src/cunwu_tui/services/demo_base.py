"""What every register's demo part shares (services/demo.py lays the
village, then calls each part): the context it works in, and invented ID
numbers (valid check digits, in the fictitious region code 140431 of the
invented 清源县)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable

from cunwu_tui.domain.idcard import check_character

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.services.staff import StaffInfo

REGION = "140431"

# Every invented person's PIN, printed by `cunwu demo` and in the README.
DEMO_PIN = "246810"


@dataclass
class DemoContext:
    """What a register's demo part needs: the services (operator: the
    clerk), the staff by name, the first day of last month, today, and the
    clock (``at(moment)`` sets the time the next write is recorded at);
    ``now()`` is the services' clock as it was before the demo took it over
    (the real time, or the day a test fixed): no entry is laid later."""

    services: Services
    people: dict[str, StaffInfo]
    start: date
    today: date
    at: Callable[[datetime], None]
    now: Callable[[], datetime] = datetime.now


def demo_id_number(birth: str, seq: str) -> str:
    """An 18-character ID number for someone born on ``birth`` (YYYYMMDD)
    with sequence ``seq`` (3 digits); never a real person's."""
    first = f"{REGION}{birth}{seq}"
    return first + check_character(first)
