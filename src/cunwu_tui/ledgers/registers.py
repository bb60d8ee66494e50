"""The ledgers this app exports, declared once each, with the typed lines
they print.

A ledger's ``rows(lines, period)`` turns the lines of one month into cells;
the service layer builds the lines (services/ledger_rows.py), so nothing
here knows about services, the database or the screens. Each register's
feature adds its line type and its ledger here, and its builder there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Iterable, Sequence

from cunwu_tui.ledgers.engine import Column, Ledger, Period, register

if TYPE_CHECKING:  # a case's deadlines, as the domain tracks them (kept out of the import cost)
    from cunwu_tui.domain.cases import Tracked


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


# -- 值班 ----------------------------------------------------------------------
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class RotaChangeLine:
    recorded_at: datetime
    role: str
    old_name: str
    new_name: str
    reason: str
    operator_name: str


@dataclass(frozen=True)
class DutyDayLine:
    """A day of the month's rota or of a holiday rota."""

    day: date
    kind_text: str
    staff_name: str
    staff_phone: str
    night_name: str
    night_phone: str
    leader_name: str
    leader_phone: str
    chief_name: str = ""
    chief_phone: str = ""
    changes: tuple[RotaChangeLine, ...] = ()  # the month's rota: the day's changes, in order


def _duty_rota_rows(lines: Iterable[DutyDayLine], period: Period) -> Iterable[Sequence]:
    for d in lines:
        changes = [
            f"{c.recorded_at:%m-%d} {c.role}{c.old_name or '（空）'}改为"
            f"{c.new_name or '（空）'}（{c.reason}，{c.operator_name}）"
            for c in d.changes
        ]
        yield (
            d.day,
            f"星期{_WEEKDAYS[d.day.weekday()]}",
            d.kind_text,
            d.staff_name,
            d.staff_phone,
            d.night_name,
            d.night_phone,
            d.leader_name,
            d.leader_phone,
            "；".join(changes),
        )


DUTY_ROTA = register(
    Ledger(
        name="duty_rota",
        title="值班表",
        columns=(
            Column("日期", 12, "date"),
            Column("星期", 8),
            Column("类别", 10),
            Column("值班人员", 10),
            Column("值班人员电话", 15, "phone"),
            Column("夜间值班", 10),
            Column("夜间值班电话", 15, "phone"),
            Column("带班领导", 10),
            Column("带班领导电话", 15, "phone"),
            Column("调整记录", 40, wrap=True),
        ),
        rows=_duty_rota_rows,
        totals=False,
        one_page=True,
    )
)


@dataclass(frozen=True)
class DutyLogLine:
    """值班记录及交接班: a log entry, a substitution or a handover."""

    at: datetime
    person: str  # 值班人员
    kind: str  # 类别
    situation: str  # 情况
    handling: str  # 处理情况
    reported: str  # 报告带班领导
    remark: str  # 备注


def _duty_log_rows(lines: Iterable[DutyLogLine], period: Period) -> Iterable[Sequence]:
    for i, x in enumerate(lines, start=1):
        yield (i, x.at, x.person, x.kind, x.situation, x.handling, x.reported, x.remark)


DUTY_LOG = register(
    Ledger(
        name="duty_log",
        title="值班记录及交接班台账",
        columns=(
            Column("序号", 6, "integer"),
            Column("时间", 17, "datetime"),
            Column("值班人员", 10),
            Column("类别", 8),
            Column("情况", 36, wrap=True),
            Column("处理情况", 30, wrap=True),
            Column("报告带班领导", 18, wrap=True),
            Column("备注", 24, wrap=True),
        ),
        rows=_duty_log_rows,
        totals=False,
    )
)


@dataclass(frozen=True)
class HolidayRotaLine:
    name: str
    filed_at: datetime | None
    filed_to: str
    notified_at: datetime | None
    days: tuple[DutyDayLine, ...]


def _duty_holiday_rows(lines: Iterable[HolidayRotaLine], period: Period) -> Iterable[Sequence]:
    n = 0
    for r in lines:
        filing = "；".join(
            x
            for x in (
                f"{r.filed_at:%Y-%m-%d}报{r.filed_to}备案" if r.filed_at else "",
                f"{r.notified_at:%Y-%m-%d}已通知带班领导、值班领导、值班人员" if r.notified_at else "",
            )
            if x
        )
        for j, d in enumerate(r.days):
            n += 1
            yield (
                n,
                d.day,
                f"星期{_WEEKDAYS[d.day.weekday()]}",
                r.name,
                d.staff_name,
                d.staff_phone,
                d.night_name,
                d.night_phone,
                d.leader_name,
                d.leader_phone,
                d.chief_name,
                d.chief_phone,
                filing if j == 0 else "",
            )


DUTY_HOLIDAY = register(
    Ledger(
        name="duty_holiday",
        title="中长假值班表",
        columns=(
            Column("序号", 6, "integer"),
            Column("日期", 12, "date"),
            Column("星期", 8),
            Column("假期", 8),
            Column("值班人员", 10),
            Column("值班人员电话", 15, "phone"),
            Column("夜间值班", 10),
            Column("夜间值班电话", 15, "phone"),
            Column("带班领导", 10),
            Column("带班领导电话", 15, "phone"),
            Column("值班领导", 10),
            Column("值班领导电话", 15, "phone"),
            Column("备案及通知", 24, wrap=True),
        ),
        rows=_duty_holiday_rows,
        totals=False,
    )
)


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
