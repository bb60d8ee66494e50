"""Reading the audit log (操作日志)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Iterator

from sqlmodel import select

from cunwu_tui.db.models import AuditLog
from cunwu_tui.services.core import Core

# What the 操作日志 calls the kernel's entities; each feature names its own
# (cunwu_tui/feature.py Feature.audit_names): entity_names() has them all.
ENTITY_NAMES = {
    "setting": "设置",
    "village_profile": "村(社区)信息",
    "staff": "人员",
    "seal": "印章",
    "holiday_schedule": "节假日安排",
    "operator": "",
    "backup": "数据库备份",
    "approval": "审批",
}


@cache
def entity_names() -> dict[str, str]:
    """Every entity's name in the 操作日志: the kernel's and the features'."""
    from cunwu_tui.feature import audit_names

    return {**ENTITY_NAMES, **audit_names()}


# Chinese labels of the fields recorded in audit entries, in display order.
FIELD_NAMES = {
    "name": "名称",
    "short_name": "简称",
    "village": "村(社区)",
    "township": "乡镇(街道)",
    "county": "县(市、区)",
    "roles": "职务",
    "phone": "电话",
    "major_body": "所属组织",
    "keeper_name": "保管人",
    "approver_role": "审批职务",
    "active": "状态",
    "year": "年份",
    "source": "来源",
    "content": "内容",
    "value": "值",
    "note": "备注",
    "aliases": "别名",
    "category": "类别",
    "where": "办理地点",
    "fees": "收费",
    "time_limit": "时限",
    "conditions": "条件",
    "documents": "材料",
    "notes": "说明",
    "kind": "类型",
    "text": "内容",
    "form": "原件/复印件",
    "count": "份数",
    "applicant": "申请人",
    "file": "文件",
    "round": "轮次",
    "places": "公示地点",
    "start": "开始",
    "length": "期限",
    "end": "结束",
    "persons": "名单人数",
    "status": "状态",
    "result": "结果",
    "from": "异议人",
    "handling": "核实处理",
    "answered": "答复时间",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "group": "村民小组",
    "address": "住址",
    "number": "编号",
    "seal": "印章",
    "used_at": "用印时间",
    "document": "文件名称",
    "purpose": "用印事由",
    "copies": "份数",
    "destination": "送往单位",
    "handler": "经办人",
    "approver": "审批人",
    "admin": "管理员",
    "confirmed_by": "确认的管理员",
    "major": "重大事项",
    "meeting_type": "会议类型",
    "meeting_date": "会议日期",
    "meeting_ref": "决议/记录编号",
    "keeper": "监印人",
    "refers_to": "更正的登记",
    "void_reason": "作废原因",
    "matter": "事项",
    "channel": "受理渠道",
    "first_officer": "首问人",
    "due": "办结期限",
    "missing": "尚缺材料",
    "received_by": "收件人",
    "step": "步骤",
    "basis": "依据",
    "to": "上报/转办至",
    "chase": "催办日期",
    "month": "月份",
    "people": "值班人员",
    "leave": "请假及不能值班",
    "empty": "无人值班的日子",
    "operator": "操作员",
    "day": "日期",
    "值班人员": "值班人员",
    "夜间值班": "夜间值班",
    "night": "夜间单独排班",
    "带班领导": "带班领导",
    "值班领导": "值班领导",
    "reason": "原因",
    "by": "替班人",
    "away": "原值班人员",
    "action": "处理情况",
    "leader": "报告带班领导",
    "items": "遗留事项",
    "confirmed": "接班人确认",
    "filed_to": "报备机关",
    "at": "时间",
}
_HIDDEN_FIELDS = {"id", "keeper_id", "code", "matter_code", "chain", "hash"}
# Setting keys (services.settings) as a clerk would name them.
SETTING_NAMES = {"ui.last_operator_id": "上次的操作员", "export.dir": "台账导出文件夹"}


def _load(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {"value": raw}
    return data if isinstance(data, dict) else {"value": data}


# Said of a change, not of the record (who confirmed it): shown with 修改后 only.
_NOTES = frozenset({"confirmed_by"})

# Where one kind of record names a field differently.
_KIND_FIELD_NAMES = {"staff": {"name": "姓名"}}


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def _show(kind: str, key: str, value: object) -> str:
    if _empty(value):
        return "（空）"
    # The operation log is a ledger that leaves the office: residents' ID
    # and phone numbers appear masked there (the database keeps them whole).
    if key == "id_number":
        from cunwu_tui.domain.idcard import mask_id_number

        text = str(value)
        return mask_id_number(text) if len(text) == 18 else text[:2] + "*" * max(0, len(text) - 4) + text[-2:]
    if key == "phone" and kind == "resident":
        from cunwu_tui.domain.phone import mask_phone

        return mask_phone(str(value))
    if key == "active":
        if kind == "staff":
            return "在岗" if value else "离岗"
        return "在用" if value else "停用"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def describe_change(before: str, after: str, kind: str = "") -> tuple[str, str]:
    """Readable 修改前 / 修改后 texts of an entry's JSON snapshots: for a
    change the fields that differ, for a new record its filled-in fields.
    One field per line, as 字段：值; ``kind`` is the entity key (staff, seal…)."""
    old, new = _load(before), _load(after)
    keys = [k for k in FIELD_NAMES if k in old or k in new]
    keys += sorted(k for k in {*old, *new} if k not in FIELD_NAMES and k not in _HIDDEN_FIELDS)
    if old and new:
        keys = [k for k in keys if old.get(k) != new.get(k)]
    else:
        keys = [k for k in keys if not _empty((old or new).get(k))]
    names = {**FIELD_NAMES, **_KIND_FIELD_NAMES.get(kind, {})}

    def text(data: dict[str, Any], notes: bool = True) -> str:
        if not data:
            return ""
        return "\n".join(f"{names.get(k, k)}：{_show(kind, k, data.get(k))}" for k in keys if notes or k not in _NOTES)

    return text(old, notes=False), text(new)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    operator: str
    entity: str  # Chinese name of the entity kind
    entity_id: str
    action: str
    before: str
    after: str
    kind: str = ""  # the raw entity key, e.g. "staff"

    @property
    def change(self) -> tuple[str, str]:
        """(修改前, 修改后) in words; see describe_change."""
        return describe_change(self.before, self.after, self.kind)

    @property
    def subject(self) -> str:
        """What the entry is about, in words: a name, a year, a setting."""
        if self.kind == "operator":
            return ""  # the operator column already says who
        if self.kind == "setting":
            return SETTING_NAMES.get(self.entity_id, self.entity_id)
        for raw in (self.after, self.before):
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = None
            if isinstance(data, dict):
                for key in ("name", "village", "year"):
                    if data.get(key):
                        return str(data[key])
        return self.entity_id


def _entry(r: AuditLog) -> AuditEntry:
    return AuditEntry(
        r.id or 0,
        r.at,
        r.operator_name,
        entity_names().get(r.entity, r.entity),
        r.entity_id,
        r.action,
        r.before,
        r.after,
        r.entity,
    )


class AuditService:
    def __init__(self, core: Core):
        self.core = core

    def between(self, start: date, end: date) -> Iterator[AuditEntry]:
        """Entries with start <= at < end, oldest first (streamed)."""
        lo, hi = datetime.combine(start, time.min), datetime.combine(end, time.min)
        with self.core.read() as s:
            q = select(AuditLog).where(AuditLog.at >= lo, AuditLog.at < hi).order_by(AuditLog.at, AuditLog.id)
            for r in s.exec(q).yield_per(500):
                yield _entry(r)

    def recent(self, limit: int = 20, changes_only: bool = False) -> list[AuditEntry]:
        """The newest entries; ``changes_only`` leaves out who-started-work records."""
        with self.core.read() as s:
            q = select(AuditLog)
            if changes_only:
                q = q.where(AuditLog.entity != "operator")
            q = q.order_by(AuditLog.id.desc()).limit(limit)  # type: ignore[union-attr]
            return [_entry(r) for r in s.exec(q)]

    def count_on(self, day: date) -> int:
        return sum(1 for _ in self.between(day, day + timedelta(days=1)))
