"""Staff (人员): added and edited, made inactive, never deleted."""

from __future__ import annotations

from dataclasses import dataclass
from sqlmodel import select

from cunwu_tui.db.models import Staff
from cunwu_tui.domain.roles import ROLES, join_roles, split_roles
from cunwu_tui.services.core import Core, ValidationError


@dataclass(frozen=True)
class StaffInfo:
    id: int
    name: str
    phone: str
    roles: tuple[str, ...]
    active: bool

    @property
    def roles_text(self) -> str:
        return join_roles(self.roles)


def _info(row: Staff) -> StaffInfo:
    assert row.id is not None
    return StaffInfo(row.id, row.name, row.phone, split_roles(row.roles), row.active)


def _clean(name: str, phone: str, roles) -> tuple[str, str, tuple[str, ...]]:
    errors: dict[str, str] = {}
    from cunwu_tui.domain.inputs import clean

    name = clean(name)
    if not name:
        errors["name"] = "请填写姓名。"
    elif len(name) > 32:
        errors["name"] = "姓名过长（最多32字）。"
    phone = clean(phone)
    if phone:
        from cunwu_tui.domain.phone import validate_phone

        try:
            phone = validate_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    roles = tuple(dict.fromkeys(r.strip() for r in roles if r and r.strip()))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        errors["roles"] = f"未知的职务：{'、'.join(unknown)}。"
    if errors:
        raise ValidationError(errors)
    return name, phone, roles


class StaffService:
    def __init__(self, core: Core):
        self.core = core

    def list(self, active_only: bool = False) -> list[StaffInfo]:
        with self.core.read() as s:
            q = select(Staff).order_by(Staff.active.desc(), Staff.id)  # type: ignore[attr-defined]
            if active_only:
                q = q.where(Staff.active == True)  # noqa: E712
            return [_info(r) for r in s.exec(q)]

    def get(self, staff_id: int) -> StaffInfo | None:
        with self.core.read() as s:
            row = s.get(Staff, staff_id)
            return _info(row) if row else None

    def with_role(self, role: str, active_only: bool = True) -> list[StaffInfo]:
        return [p for p in self.list(active_only) if role in p.roles]

    def add(self, name: str, phone: str = "", roles=()) -> StaffInfo:
        name, phone, roles = _clean(name, phone, roles)
        with self.core.write() as s:
            clash = s.exec(select(Staff).where(Staff.name == name, Staff.active == True)).first()  # noqa: E712
            if clash is not None:
                raise ValidationError({"name": f"已有在岗人员「{name}」，同名请加以区分（如 {name}（二组））。"})
            row = Staff(name=name, phone=phone, roles=join_roles(roles), active=True, created_at=self.core.now())
            s.add(row)
            s.flush()
            info = _info(row)
            self.core.audit(s, "staff", row.id, "新增", None, info)
        return info

    def update(self, staff_id: int, name: str, phone: str, roles, active: bool = True) -> StaffInfo:
        name, phone, roles = _clean(name, phone, roles)
        with self.core.write() as s:
            row = s.get(Staff, staff_id)
            if row is None:
                raise ValidationError({"name": "该人员不存在。"})
            before = _info(row)
            if active:
                clash = s.exec(
                    select(Staff).where(Staff.name == name, Staff.active == True, Staff.id != staff_id)  # noqa: E712
                ).first()
                if clash is not None:
                    raise ValidationError({"name": f"已有在岗人员「{name}」。"})
            row.name, row.phone, row.roles, row.active = name, phone, join_roles(roles), active
            s.add(row)
            s.flush()
            after = _info(row)
            if after != before:
                self.core.audit(s, "staff", staff_id, "修改", before, after)
        return after
