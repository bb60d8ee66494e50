"""受理登记台账 and 否定报备台账: the month's cases and refusals, with their typed lines.

Declared on import (cunwu_tui/feature.py Feature.ledgers); the lines come
from the feature's lines.py. Nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Iterable, Sequence

from cunwu_tui.ledgers.engine import Column, Ledger, Period, register

if TYPE_CHECKING:  # a case's deadlines, as the domain tracks them (kept out of the import cost)
    from cunwu_tui.features.cases.rules import Tracked


@dataclass(frozen=True)
class LateDocument:
    """A document brought after the case was received (补交材料)."""

    name: str
    received_on: date
    received_by: str


@dataclass(frozen=True)
class Refusal:
    kind: str  # 不予受理 / 不予确认
    reason: str


@dataclass(frozen=True)
class Escalation:
    mode: str  # 上报 / 转办
    to: str


@dataclass(frozen=True)
class CaseLine:
    """A case received in the month, as it stands on the day of export."""

    number: str
    received_at: datetime
    applicant: str
    applicant_masked_id: str
    matter_name: str
    channel: str
    kind: str
    petition: bool
    first_officer: str
    status: str
    closed_at: datetime | None
    missing: tuple[str, ...]  # documents still missing
    late_documents: tuple[LateDocument, ...]
    missing_reason: str  # 办结 with documents missing: why
    deadlines: tuple[Tracked, ...]
    void_reason: str
    result: str
    refusal: Refusal | None
    escalation: Escalation | None
    step_order: int | None  # the current step, if any
    step_text: str


def _case_rows(lines: Iterable[CaseLine], period: Period) -> Iterable[Sequence]:
    """受理登记台账: the cases received in the month, as they stand on the
    day of export. Identity numbers are masked (6+4); phones are left out:
    the full details stay in the case file."""
    for i, d in enumerate(lines, start=1):
        missing = "、".join(d.missing)
        if d.late_documents:
            missing = (
                (missing + "\n" if missing else "齐全\n")
                + "补交："
                + "；".join(f"{doc.name}（{doc.received_on:%m-%d} {doc.received_by}收）" for doc in d.late_documents)
            )
        if d.missing_reason:
            missing += f"\n缺材料办结理由：{d.missing_reason}"
        promised = next(
            (t for t in d.deadlines if t.what in ("承诺办结", "承诺办结（已延期）", "办结", "办结（已延期）")), None
        )
        due = f"{promised.date:%Y-%m-%d}" + ("\n（预计）" if promised.provisional else "") if promised else ""
        if d.void_reason:
            outcome = f"作废：{d.void_reason}"
        elif d.status == "办结":
            outcome = d.result
        elif d.refusal:
            outcome = f"{d.refusal.kind}：{d.refusal.reason}"
        elif d.escalation and d.status == "待反馈":
            outcome = f"{d.escalation.mode}至{d.escalation.to}，待反馈"
        else:
            outcome = f"办理中：第{d.step_order}步 {d.step_text}" if d.step_order is not None else "办理中"
        late = any(
            t.office and ((t.met_on or period.next_month_first_day) > t.date)
            for t in d.deadlines
            if t.met_on is not None or t.date < period.next_month_first_day
        )
        yield (
            i,
            d.number,
            d.received_at,
            d.applicant,
            d.applicant_masked_id,
            d.matter_name,
            d.channel,
            d.kind + ("（信访）" if d.petition else ""),
            d.first_officer,
            missing or "齐全",
            due,
            d.status,
            d.closed_at,
            outcome,
            late,
        )


CASES = register(
    Ledger(
        name="cases",
        title="受理登记台账",
        columns=(
            Column("序号", 6, "integer"),
            Column("编号", 18),
            Column("受理时间", 17, "datetime"),
            Column("申请人", 10),
            Column("证件号码", 20),
            Column("事项", 24, wrap=True),
            Column("渠道", 8),
            Column("类型", 13, wrap=True),
            Column("首问人", 8),
            Column("尚缺材料", 20, wrap=True),
            Column("承诺办结", 12, wrap=True),
            Column("状态", 8),
            Column("办结时间", 17, "datetime"),
            Column("办理结果/进度", 26, wrap=True),
            Column("是否逾期", 8, "bool"),
        ),
        rows=_case_rows,
    )
)


@dataclass(frozen=True)
class RefusalLine:
    number: str
    refused_at: datetime
    applicant: str
    matter_name: str
    kind: str
    reason: str
    basis: str
    beyond_authority: bool
    leader: str
    leader_opinion: str
    leader_due: date | None
    told_on: date | None
    told_due: date
    materials: str
    operator: str


def _refusal_rows(lines: Iterable[RefusalLine], period: Period) -> Iterable[Sequence]:
    for i, r in enumerate(lines, start=1):
        leader = ""
        if r.beyond_authority:
            leader = f"{r.leader}（{r.leader_due:%m-%d}前）" + (
                f"：{r.leader_opinion}" if r.leader_opinion else "：未登记"
            )
        told = f"{r.told_on:%Y-%m-%d}" if r.told_on else f"未告知（{r.told_due:%m-%d}前）"
        yield (
            i,
            r.number,
            r.refused_at,
            r.applicant,
            r.matter_name,
            r.kind,
            r.reason,
            r.basis,
            leader or "经办人权限内",
            told,
            r.materials,
            r.operator,
        )


REFUSALS = register(
    Ledger(
        name="refusals",
        title="否定报备台账",
        columns=(
            Column("序号", 6, "integer"),
            Column("编号", 18),
            Column("日期", 17, "datetime"),
            Column("申请人", 10),
            Column("事项", 22, wrap=True),
            Column("类型", 10),
            Column("理由", 26, wrap=True),
            Column("依据", 24, wrap=True),
            Column("领导审核意见", 22, wrap=True),
            Column("书面告知", 16, wrap=True),
            Column("退还材料及签收", 22, wrap=True),
            Column("经办人", 8),
        ),
        rows=_refusal_rows,
    )
)
