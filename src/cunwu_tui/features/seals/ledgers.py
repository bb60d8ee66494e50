"""用印登记台账: the ledger of the month's seal uses, with its typed lines.

Declared on import (cunwu_tui/feature.py Feature.ledgers); the lines come
from the feature's lines.py. Nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from cunwu_tui.ledgers.engine import Column, Ledger, Period, register


@dataclass(frozen=True)
class SealLine:
    number: str
    voided: bool
    used_at: datetime
    seal_name: str
    title: str
    purpose: str
    copies: int
    destination: str
    applicant_text: str
    approved_by: str  # who approved in person ("" before approval)
    approver_name: str  # who was asked to approve
    approved_at: datetime | None
    major: bool
    meeting_text: str
    keeper_name: str
    remark: str


def _seal_rows(lines: Iterable[SealLine], period: Period) -> Iterable[Sequence]:
    for i, u in enumerate(lines, start=1):
        # A voided entry stays, marked; its copies are left out of the 合计.
        yield (
            i,
            u.number + ("（作废）" if u.voided else ""),
            u.used_at,
            u.seal_name,
            u.title,
            u.purpose,
            None if u.voided else u.copies,
            u.destination,
            u.applicant_text,
            u.approved_by or u.approver_name,
            u.approved_at,
            u.major,
            u.meeting_text,
            u.keeper_name,
            u.remark,
        )


SEALS = register(
    Ledger(
        name="seals",
        title="用印登记台账",
        columns=(
            Column("序号", 6, "integer"),
            Column("编号", 22, wrap=True),
            Column("日期", 17, "datetime"),
            Column("印章", 12, wrap=True),
            Column("文件名称", 24, wrap=True),
            Column("用印事由", 20, wrap=True),
            Column("份数", 6, "integer", total=True),
            Column("送往单位", 14, wrap=True),
            Column("经办人", 13, wrap=True),
            Column("审批人", 8),
            Column("审批时间", 17, "datetime"),
            Column("是否重大事项", 8, "bool"),
            Column("会议决议", 20, wrap=True),
            Column("监印人", 8),
            Column("备注/作废说明", 24, wrap=True),
        ),
        rows=_seal_rows,
    )
)
