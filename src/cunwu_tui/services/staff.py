"""Staff (人员): added and edited, made inactive, never deleted. Every
change needs an administrator's PIN (services/identity.py) and is on the
record; the last active administrator cannot be removed."""

from __future__ import annotations

import builtins
from typing import Any, Iterable
from dataclasses import dataclass

from sqlmodel import col, select

from cunwu_tui.db.models import Staff, StaffCredential
from cunwu_tui.domain import pins
from cunwu_tui.domain.roles import LEADER_ROLES, join_roles, split_roles
from cunwu_tui.services.core import Core, ValidationError
from cunwu_tui.services.people import clean_person


@dataclass(frozen=True)
class StaffInfo:
    id: int
    name: str
    phone: str
    roles: tuple[str, ...]
    active: bool
    admin: bool = False
    has_pin: bool = False

    @property
    def roles_text(self) -> str:
        return join_roles(self.roles)


def _info(row: Staff, has_pin: bool = False) -> StaffInfo:
    assert row.id is not None
    return StaffInfo(row.id, row.name, row.phone, split_roles(row.roles), row.active, bool(row.admin), has_pin)


def _record(info: StaffInfo) -> dict[str, Any]:
    """A person as the operation log keeps them (no PIN state)."""
    return {
        "name": info.name,
        "phone": info.phone,
        "roles": info.roles_text,
        "active": info.active,
        "admin": info.admin,
    }


class StaffService:
    def __init__(self, core: Core, identity: Any = None):
        self.core = core
        self.identity = identity  # services/identity.IdentityService (set by the facade)

    def list(self, active_only: bool = False) -> list[StaffInfo]:
        with self.core.read() as s:
            q = select(Staff).order_by(col(Staff.active).desc(), col(Staff.id))
            if active_only:
                q = q.where(Staff.active == True)  # noqa: E712
            with_pin = set(s.exec(select(StaffCredential.staff_id)).all())
            return [_info(r, r.id in with_pin) for r in s.exec(q)]

    def get(self, staff_id: int) -> StaffInfo | None:
        with self.core.read() as s:
            row = s.get(Staff, staff_id)
            from cunwu_tui.services.identity import credential

            return _info(row, credential(s, staff_id) is not None) if row else None

    def with_role(self, role: str, active_only: bool = True) -> builtins.list[StaffInfo]:
        return [p for p in self.list(active_only) if role in p.roles]

    def leaders(self) -> builtins.list[StaffInfo]:
        """Active staff holding a leading post (domain.roles.LEADER_ROLES):
        who may approve a refusal, a 延期, a holiday rota."""
        return [p for p in self.list(active_only=True) if LEADER_ROLES & set(p.roles)]

    def leader(self, staff_id: int | None, field: str, message: str) -> StaffInfo:
        """``staff_id`` if they are an active leader, else ValidationError
        at ``field`` with ``message``."""
        person = self.get(staff_id) if staff_id is not None else None
        if person is None or not person.active or not (LEADER_ROLES & set(person.roles)):
            raise ValidationError({field: message})
        return person

    def add(
        self,
        name: str,
        phone: str = "",
        roles: Iterable[str] = (),
        admin: bool = False,
        pin: object = "",
        pin_again: object | None = None,
        *,
        admin_id: int | None = None,
        admin_pin: object = "",
    ) -> StaffInfo:
        """A new person, by an administrator (``admin_id``, default the
        operator, with their ``admin_pin``). ``pin``: the person's first PIN
        (they can change it later); without it they cannot start work until
        an administrator sets one."""
        errors: dict[str, str] = {}
        try:
            name, phone, roles = clean_person(name, phone, roles)
        except ValidationError as exc:
            errors.update(exc.errors)
        first_pin = ""
        if str(pin or "").strip():
            try:
                first_pin = pins.check_new(pin, pin if pin_again is None else pin_again)
            except pins.PinError as exc:
                errors["pin"] = str(exc)
        if errors:
            raise ValidationError(errors)
        with self.core.read() as s:
            clash = s.exec(select(Staff).where(Staff.name == name, Staff.active == True)).first()  # noqa: E712
        if clash is not None:
            raise ValidationError({"name": f"已有在岗人员「{name}」，同名请加以区分（如 {name}（二组））。"})
        by = self.identity.admin(admin_id, admin_pin)
        digest = pins.hash_pin(first_pin) if first_pin else ""
        with self.core.write() as s:
            clash = s.exec(select(Staff).where(Staff.name == name, Staff.active == True)).first()  # noqa: E712
            if clash is not None:
                raise ValidationError({"name": f"已有在岗人员「{name}」，同名请加以区分（如 {name}（二组））。"})
            row = Staff(
                name=name,
                phone=phone,
                roles=join_roles(roles),
                active=True,
                created_at=self.core.now(),
                admin=bool(admin),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            if digest:
                self.identity.store_initial(s, row.id, digest, by.id, by.name)
            info = _info(row, bool(digest))
            self.core.audit(s, "staff", row.id, "新增", None, {**_record(info), "confirmed_by": by.name})
            if digest:
                self.core.audit(s, "staff", row.id, "设置密码", None, {"name": row.name, "confirmed_by": by.name})
        return info

    def update(
        self,
        staff_id: int,
        name: str,
        phone: str,
        roles: Iterable[str],
        active: bool = True,
        admin: bool | None = None,
        *,
        admin_id: int | None = None,
        admin_pin: object = "",
    ) -> StaffInfo:
        """Name, phone, roles, administrator, in post or not: by an
        administrator. The last active administrator stays one."""
        name, phone, roles = clean_person(name, phone, roles)
        current = self.get(staff_id)
        if current is None:
            raise ValidationError({"name": "该人员不存在。"})
        make_admin = current.admin if admin is None else bool(admin)
        if current.admin and (not active or not make_admin) and self._other_admins(staff_id) == 0:
            raise ValidationError(
                {"admin" if active else "active": f"{current.name}是唯一的管理员：请先把另一位在岗人员设为管理员。"}
            )
        by = self.identity.admin(admin_id, admin_pin)
        with self.core.write() as s:
            row = s.get(Staff, staff_id)
            if row is None:
                raise ValidationError({"name": "该人员不存在。"})
            before = _info(row, current.has_pin)
            if active:
                clash = s.exec(
                    select(Staff).where(Staff.name == name, Staff.active == True, Staff.id != staff_id)  # noqa: E712
                ).first()
                if clash is not None:
                    raise ValidationError({"name": f"已有在岗人员「{name}」。"})
            row.name, row.phone, row.roles, row.active = name, phone, join_roles(roles), active
            row.admin = make_admin and active
            s.add(row)
            s.flush()
            after = _info(row, current.has_pin)
            if after != before:
                self.core.audit(
                    s, "staff", staff_id, "修改", _record(before), {**_record(after), "confirmed_by": by.name}
                )
        return after

    def _other_admins(self, staff_id: int) -> int:
        with self.core.read() as s:
            q = (
                select(Staff.id)
                .join(StaffCredential, col(StaffCredential.staff_id) == col(Staff.id))
                .where(Staff.active == True, Staff.admin == True, Staff.id != staff_id)  # noqa: E712
            )
            return len(s.exec(q).all())
