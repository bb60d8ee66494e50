"""The ledgers this app exports, declared once each. Rows come from the
service layer (``source`` is a ``cunwu_tui.services.Services``).

Each register's feature adds its ledger here."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from cunwu_tui.ledgers.engine import Column, Ledger, Period, register


def _staff_rows(source: Any, period: Period) -> Iterable[Sequence]:
    for i, p in enumerate(source.staff.list(), start=1):
        yield (i, p.name, p.roles_text, p.phone, "在岗" if p.active else "离岗")


def _audit_rows(source: Any, period: Period) -> Iterable[Sequence]:
    for i, e in enumerate(source.audit.between(period.first_day, period.next_month_first_day), start=1):
        before, after = e.change
        yield (i, e.at, e.operator, e.entity, e.subject, e.action, before, after)


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
