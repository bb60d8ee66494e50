"""The kernel's ledgers (人员名单, 操作日志), declared once each with the
typed lines they print, and ``declare_ledgers``, which declares every
feature's too (cunwu_tui/feature.py Feature.ledgers).

A ledger's ``rows(lines, period)`` turns the lines of one month into cells;
the service layer builds the lines (services/ledger_rows.py, a feature's
lines.py), so nothing here knows about services, the database or the
screens."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from cunwu_tui.ledgers.engine import Column, Ledger, Period, register


@dataclass(frozen=True)
class StaffLine:
    name: str
    roles_text: str
    phone: str
    active: bool


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    operator: str
    entity: str
    subject: str
    action: str
    before: str  # 修改前, in words
    after: str  # 修改后, in words


def _staff_rows(lines: Iterable[StaffLine], period: Period) -> Iterable[Sequence]:
    for i, p in enumerate(lines, start=1):
        yield (i, p.name, p.roles_text, p.phone, "在岗" if p.active else "离岗")


def _audit_rows(lines: Iterable[AuditLine], period: Period) -> Iterable[Sequence]:
    for i, e in enumerate(lines, start=1):
        yield (i, e.at, e.operator, e.entity, e.subject, e.action, e.before, e.after)


STAFF = register(
    Ledger(
        name="staff",
        title="人员名册",
        columns=(
            Column("序号", 6, "integer"),
            Column("姓名", 12),
            Column("职务", 30, wrap=True),
            Column("联系电话", 16, "phone"),
            Column("状态", 8),
        ),
        rows=_staff_rows,
        orientation="portrait",
    )
)

AUDIT = register(
    Ledger(
        name="audit",
        title="操作日志",
        columns=(
            Column("序号", 6, "integer"),
            Column("时间", 17, "datetime"),
            Column("操作员", 10),
            Column("对象", 12),
            Column("名称", 16, wrap=True),
            Column("操作", 10),
            Column("修改前", 36, wrap=True),
            Column("修改后", 36, wrap=True),
        ),
        rows=_audit_rows,
    )
)


def declare_ledgers() -> None:
    """Every ledger of the app declared: the kernel's (above) and each
    feature's (importing its ledgers module registers them)."""
    from cunwu_tui.feature import features, load

    for f in features():
        if f.ledgers:
            load(f.ledgers)


def app_ledgers() -> list[Ledger]:
    """Every ledger of the app in its order (F8's list, ``cunwu export``):
    the kernel's, then each feature's in the order of the features, each
    module's in the order it declares them. Not the registry's order, which
    is the order the modules happened to be imported in."""
    from cunwu_tui.feature import features, load

    declare_ledgers()
    modules = [sys.modules[__name__], *(load(f.ledgers) for f in features() if f.ledgers)]
    found: dict[str, Ledger] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Ledger):
                found.setdefault(value.name, value)  # once, where first met (a module may import another's)
    return list(found.values())
