"""Seals (印章): the village's seals, each with its keeper (专人管理) and the
role that approves its use. Seals are edited or made inactive, never deleted."""

from __future__ import annotations

from typing import Any

from dataclasses import asdict, dataclass

from sqlmodel import Session, col, select

from cunwu_tui.db.models import Seal, Staff
from cunwu_tui.domain.roles import ROLES
from cunwu_tui.services.core import Core, ValidationError

# The three village seals (seeds 002/003; DOMAIN.md): name, register prefix,
# approving role, who decides major matters.
DEFAULT_SEALS: tuple[tuple[str, str, str, str], ...] = (
    ("党支部印章", "党支部", "书记", "支部委员会"),
    ("村(居)委会印章", "村委", "主任", "村(居)委会"),
    ("村集体经济组织印章", "经济组织", "集体经济组织负责人", "集体经济组织"),
)


@dataclass(frozen=True)
class SealInfo:
    id: int
    name: str
    short_name: str
    keeper_id: int | None
    keeper_name: str
    approver_role: str
    major_body: str
    active: bool
    note: str


class SealService:
    """The seals, their keepers and who approves their use. Adding or
    changing a seal (above all its approving role) is an administrator's
    decision, confirmed with their PIN (services/identity.py): whoever may
    approve a seal decides who may stamp."""

    def __init__(self, core: Core, identity: Any = None):
        self.core = core
        self.identity = identity

    def _info(self, s: Session, row: Seal) -> SealInfo:
        keeper = s.get(Staff, row.keeper_id) if row.keeper_id else None
        assert row.id is not None
        return SealInfo(
            row.id,
            row.name,
            row.short_name,
            row.keeper_id,
            keeper.name if keeper else "",
            row.approver_role,
            row.major_body,
            row.active,
            row.note,
        )

    def list(self, active_only: bool = False) -> list[SealInfo]:
        with self.core.read() as s:
            q = select(Seal).order_by(col(Seal.id))
            if active_only:
                q = q.where(Seal.active == True)  # noqa: E712
            return [self._info(s, r) for r in s.exec(q)]

    def ensure_defaults(self) -> None:
        """Create the three village seals on a new database."""
        with self.core.write() as s:
            if s.exec(select(Seal)).first() is not None:
                return
            for name, short, role, body in DEFAULT_SEALS:
                row = Seal(name=name, short_name=short, approver_role=role, major_body=body, active=True, note="")
                s.add(row)
                s.flush()
                self.core.audit(s, "seal", row.id, "新增", None, self._info(s, row))

    def _validate(
        self,
        s: Session,
        name: str,
        short_name: str,
        keeper_id: int | None,
        approver_role: str,
        seal_id: int | None = None,
    ) -> tuple[str, str]:
        errors: dict[str, str] = {}
        from cunwu_tui.domain.inputs import clean

        name = clean(name)
        short_name = clean(short_name)
        if not name:
            errors["name"] = "请填写印章名称。"
        else:
            clash = s.exec(select(Seal).where(Seal.name == name)).first()
            if clash is not None and clash.id != seal_id:
                errors["name"] = f"已有印章「{name}」。"
        if not short_name:
            errors["short_name"] = "请填写编号简称（如 村委），用于用印编号。"
        elif len(short_name) > 8:
            errors["short_name"] = "编号简称最多8个字。"
        if approver_role not in ROLES:
            errors["approver_role"] = "请选择审批该印章的职务。"
        if keeper_id is not None:
            keeper = s.get(Staff, keeper_id)
            if keeper is None or not keeper.active:
                errors["keeper_id"] = "保管人须为在岗人员。"
        if errors:
            raise ValidationError(errors)
        return name, short_name

    def add(
        self,
        name: str,
        short_name: str,
        approver_role: str,
        keeper_id: int | None = None,
        major_body: str = "",
        note: str = "",
        *,
        admin_id: int | None = None,
        admin_pin: object = "",
    ) -> SealInfo:
        with self.core.read() as s:
            self._validate(s, name, short_name, keeper_id, approver_role)
        by = self.identity.admin(admin_id, admin_pin)
        with self.core.write() as s:
            name, short_name = self._validate(s, name, short_name, keeper_id, approver_role)
            row = Seal(
                name=name,
                short_name=short_name,
                keeper_id=keeper_id,
                approver_role=approver_role,
                major_body=_clean(major_body),
                active=True,
                note=_clean(note),
            )
            s.add(row)
            s.flush()
            info = self._info(s, row)
            self.core.audit(s, "seal", row.id, "新增", None, {**asdict(info), "confirmed_by": by.name})
        return info

    def update(
        self,
        seal_id: int,
        name: str,
        short_name: str,
        approver_role: str,
        keeper_id: int | None,
        major_body: str = "",
        note: str = "",
        active: bool = True,
        *,
        admin_id: int | None = None,
        admin_pin: object = "",
    ) -> SealInfo:
        with self.core.read() as s:
            if s.get(Seal, seal_id) is None:
                raise ValidationError({"name": "该印章不存在。"})
            self._validate(s, name, short_name, keeper_id, approver_role, seal_id)
        by = self.identity.admin(admin_id, admin_pin)
        with self.core.write() as s:
            row = s.get(Seal, seal_id)
            if row is None:
                raise ValidationError({"name": "该印章不存在。"})
            name, short_name = self._validate(s, name, short_name, keeper_id, approver_role, seal_id)
            before = self._info(s, row)
            row.name, row.short_name, row.keeper_id = name, short_name, keeper_id
            row.approver_role, row.major_body, row.note, row.active = (
                approver_role,
                _clean(major_body),
                _clean(note),
                active,
            )
            s.add(row)
            s.flush()
            after = self._info(s, row)
            if after != before:
                self.core.audit(s, "seal", seal_id, "修改", before, {**asdict(after), "confirmed_by": by.name})
        return after


def _clean(text: str) -> str:
    from cunwu_tui.domain.inputs import clean

    return clean(text)
