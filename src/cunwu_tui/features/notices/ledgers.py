"""公示台账: the ledger of the month's notices, with its typed lines.

Declared on import (cunwu_tui/feature.py Feature.ledgers); the lines come
from the feature's lines.py. Nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

from cunwu_tui.ledgers.engine import Column, Ledger, Period, register


@dataclass(frozen=True)
class NoticeLine:
    number: str
    title: str
    kind: str
    round: str
    places: tuple[str, ...]
    start_at: datetime
    end: date
    provisional: bool
    length_text: str
    status: str
    objections: int
    result_text: str
    operator_name: str


def _notice_rows(lines: Iterable[NoticeLine], period: Period) -> Iterable[Sequence]:
    for i, n in enumerate(lines, start=1):
        end = n.end.isoformat() + ("（预计）" if n.provisional else "")
        yield (
            i,
            n.number,
            n.title,
            n.kind + (f"（{n.round}）" if n.round else ""),
            "、".join(n.places),
            n.start_at,
            end,
            n.length_text,
            n.status,
            n.objections,
            n.result_text,
            n.operator_name,
        )


NOTICES = register(
    Ledger(
        name="notices",
        title="公示台账",
        columns=(
            Column("序号", 6, "integer"),
            Column("编号", 18),
            Column("标题", 30, wrap=True),
            Column("类别", 12, wrap=True),
            Column("公示地点", 14, wrap=True),
            Column("开始", 17, "datetime"),
            Column("结束", 12),
            Column("期限", 8),
            Column("状态", 8),
            Column("异议数", 8, "integer", total=True),
            Column("结果", 20, wrap=True),
            Column("经办人", 10),
        ),
        rows=_notice_rows,
    )
)
