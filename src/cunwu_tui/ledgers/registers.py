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


def _notice_rows(source: Any, period: Period) -> Iterable[Sequence]:
    for i, n in enumerate(source.notices.between(period.first_day, period.next_month_first_day), start=1):
        end = n.end.isoformat() + ("（预计）" if n.provisional else "")
        yield (i, n.number, n.title, n.kind + (f"（{n.round}）" if n.round else ""), "、".join(n.places),
               n.start_at, end, n.length_text, n.status, n.objections, n.result_text, n.operator_name)


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


def _seal_rows(source: Any, period: Period) -> Iterable[Sequence]:
    for i, u in enumerate(source.seal_register.between(period.first_day, period.next_month_first_day), start=1):
        # A voided entry stays, marked; its copies are left out of the 合计.
        yield (i, u.number + ("（作废）" if u.voided else ""), u.used_at, u.seal_name, u.title, u.purpose,
               None if u.voided else u.copies, u.destination, u.applicant_text,
               u.approved_by or u.approver_name, u.approved_at, u.major,
               u.meeting_text, u.keeper_name, u.remark)


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


def _duty_rota_rows(source: Any, period: Period) -> Iterable[Sequence]:
    rota = source.duty.month(period.year, period.month)
    changes: dict = {}
    for c in rota.changes:
        changes.setdefault(c.day, []).append(f"{c.recorded_at:%m-%d} {c.role}{c.old_name or '（空）'}改为"
                                             f"{c.new_name or '（空）'}（{c.reason}，{c.operator_name}）")
    for d in rota.days:
        yield (d.day, f"星期{_WEEKDAYS[d.day.weekday()]}", d.kind_text, d.staff_name, d.staff_phone,
               d.night_name, d.night_phone, d.leader_name, d.leader_phone, "；".join(changes.get(d.day, [])))


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


def _duty_log_rows(source: Any, period: Period) -> Iterable[Sequence]:
    for i, row in enumerate(source.duty.register_rows(period.first_day, period.next_month_first_day), start=1):
        yield (i, *row)


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


def _duty_holiday_rows(source: Any, period: Period) -> Iterable[Sequence]:
    n = 0
    for r in source.duty.holiday_rotas_between(period.first_day, period.next_month_first_day):
        filing = "；".join(x for x in (
            f"{r.filed_at:%Y-%m-%d}报{r.filed_to}备案" if r.filed_at else "",
            f"{r.notified_at:%Y-%m-%d}已通知带班领导、值班领导、值班人员" if r.notified_at else "") if x)
        for j, d in enumerate(r.days):
            n += 1
            yield (n, d.day, f"星期{_WEEKDAYS[d.day.weekday()]}", r.name, d.staff_name, d.staff_phone,
                   d.night_name, d.night_phone, d.leader_name, d.leader_phone, d.chief_name, d.chief_phone,
                   filing if j == 0 else "")


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


def _case_rows(source: Any, period: Period) -> Iterable[Sequence]:
    """受理登记台账: the cases received in the month, as they stand on the
    day of export. Identity numbers are masked (6+4); phones are left out:
    the full details stay in the case file."""
    for i, d in enumerate(source.cases.received_between(period.first_day, period.next_month_first_day), start=1):
        r = d.row
        missing = "、".join(d.missing)
        late = [doc for doc in d.documents if doc.received_on is not None]
        if late:
            missing = (missing + "\n" if missing else "齐全\n") + "补交：" + "；".join(
                f"{doc.name}（{doc.received_on:%m-%d} {doc.received_by}收）" for doc in late)
        if d.missing_reason:
            missing += f"\n缺材料办结理由：{d.missing_reason}"
        promised = next((t for t in d.deadlines if t.what in ("承诺办结", "承诺办结（已延期）", "办结", "办结（已延期）")), None)
        due = f"{promised.date:%Y-%m-%d}" + ("\n（预计）" if promised.provisional else "") if promised else ""
        if d.void_reason:
            outcome = f"作废：{d.void_reason}"
        elif r.status == "办结":
            outcome = d.result
        elif d.refusal:
            outcome = f"{d.refusal.get('kind', '')}：{d.refusal.get('reason', '')}"
        elif d.escalation and r.status == "待反馈":
            outcome = f"{d.escalation.get('mode', '')}至{d.escalation.get('to', '')}，待反馈"
        else:
            cur = next((s for s in d.steps if s.order == d.current_step), None)
            outcome = f"办理中：第{cur.order}步 {cur.text}" if cur else "办理中"
        late = any(t.office and ((t.met_on or period.next_month_first_day) > t.date) for t in d.deadlines
                   if t.met_on is not None or t.date < period.next_month_first_day)
        yield (i, r.number, r.received_at, r.applicant, r.applicant_masked_id, r.matter_name,
               r.channel, r.kind + ("（信访）" if r.petition else ""), r.first_officer, missing or "齐全", due,
               r.status, r.closed_at, outcome, late)


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


def _refusal_rows(source: Any, period: Period) -> Iterable[Sequence]:
    for i, r in enumerate(source.cases.refusals_between(period.first_day, period.next_month_first_day), start=1):
        leader = ""
        if r.beyond_authority:
            leader = f"{r.leader}（{r.leader_due:%m-%d}前）" + (f"：{r.leader_opinion}" if r.leader_opinion else "：未登记")
        told = f"{r.told_on:%Y-%m-%d}" if r.told_on else f"未告知（{r.told_due:%m-%d}前）"
        yield (i, r.number, r.refused_at, r.applicant, r.matter_name, r.kind, r.reason, r.basis, leader or "经办人权限内",
               told, r.materials, r.operator)


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
