"""Reading the audit log (操作日志)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import select

from cunwu_tui.db.models import AuditLog
from cunwu_tui.services.core import Core

ENTITY_NAMES = {
    "setting": "设置",
    "village_profile": "村(社区)信息",
    "staff": "人员",
    "seal": "印章",
    "holiday_schedule": "节假日安排",
    "operator": "",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    operator: str
    entity: str       # Chinese name of the entity kind
    entity_id: str
    action: str
    before: str
    after: str
    kind: str = ""    # the raw entity key, e.g. "staff"

    @property
    def subject(self) -> str:
        """What the entry is about, in words: a name, a year, a setting."""
        if self.kind == "operator":
            return ""  # the operator column already says who
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
    return AuditEntry(r.id or 0, r.at, r.operator_name, ENTITY_NAMES.get(r.entity, r.entity),
                      r.entity_id, r.action, r.before, r.after, r.entity)


class AuditService:
    def __init__(self, core: Core):
        self.core = core

    def between(self, start: date, end: date):
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
