"""Who is acting, proven by a personal PIN (个人密码).

- The first run (or the first start after upgrading a database that had no
  PINs) sets up the first person as the administrator (管理员), with a PIN.
- Starting work as an operator asks for that person's PIN; so does every
  approval given in person (``confirm``) and every administrator's action
  (``admin``: adding staff, changing roles, resetting a PIN, deactivating).
- Wrong tries are counted per person (domain.pins: growing waits, then a
  lock) and each one is on the operation log; a PIN is never logged.
- Approvals are written by ``approve`` only after the approver's own PIN
  was checked: the approver is compared by staff id, never by name.

A PIN check commits its own small write (the try counter), so it runs
before, never inside, the write it authorises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from cunwu_tui.db.models import Approval, PinState, Staff, StaffCredential
from cunwu_tui.domain import pins
from cunwu_tui.domain.roles import join_roles, split_roles
from cunwu_tui.services.core import Core, Operator, ValidationError

IDLE_LOCK = "security.idle_lock_minutes"
IDLE_DEFAULT, IDLE_MIN, IDLE_MAX = 10, 1, 120

# What an approval is for (Approval.kind).
SEAL_USE = "用印审批"
REFUSAL_OPINION = "否定报备领导意见"
CASE_POSTPONE = "办件延期"
PETITION_EXTEND = "信访延期"
HOLIDAY_ROTA = "中长假值班表审签"
APPROVAL_KINDS = (SEAL_USE, REFUSAL_OPINION, CASE_POSTPONE, PETITION_EXTEND, HOLIDAY_ROTA)


@dataclass(frozen=True)
class Person:
    """A member of staff as the operator picker shows them."""

    id: int
    name: str
    roles: tuple[str, ...]
    admin: bool
    has_pin: bool

    @property
    def label(self) -> str:
        extra = ("管理员",) if self.admin else ()
        return "、".join((*self.roles, *extra))


@dataclass(frozen=True)
class Confirmed:
    """A person whose PIN was just checked."""

    id: int
    name: str
    phone: str
    roles: tuple[str, ...]
    admin: bool


@dataclass(frozen=True)
class ApprovalInfo:
    id: int
    kind: str
    subject_table: str
    subject_id: int
    approver_id: int
    approver_name: str
    agree: bool
    text: str
    operator_name: str
    recorded_at: datetime


def credential(s: Session, staff_id: int) -> StaffCredential | None:
    """The person's PIN record, if they have one."""
    row: StaffCredential | None = s.exec(
        select(StaffCredential).where(col(StaffCredential.staff_id) == staff_id)
    ).first()
    return row


def _approval(a: Approval) -> ApprovalInfo:
    assert a.id is not None
    return ApprovalInfo(
        a.id,
        a.kind,
        a.subject_table,
        a.subject_id,
        a.approver_id,
        a.approver_name,
        a.agree,
        a.text,
        a.operator_name,
        a.recorded_at,
    )


class IdentityService:
    def __init__(self, core: Core):
        self.core = core

    # -- reading ------------------------------------------------------------
    def needs_setup(self) -> bool:
        """True while no active administrator has a PIN: the first run, or
        the first start after upgrading an older database."""
        with self.core.read() as s:
            q = (
                select(Staff.id)
                .join(StaffCredential, col(StaffCredential.staff_id) == col(Staff.id))
                .where(Staff.active == True, Staff.admin == True)  # noqa: E712
            )
            return s.exec(q).first() is None

    def people(self) -> list[Person]:
        """Active staff, with whether each has a PIN yet."""
        with self.core.read() as s:
            with_pin = set(s.exec(select(StaffCredential.staff_id)).all())
            rows = s.exec(select(Staff).where(Staff.active == True).order_by(Staff.id)).all()  # noqa: E712
            return [Person(r.id, r.name, split_roles(r.roles), bool(r.admin), r.id in with_pin) for r in rows]

    def has_pin(self, staff_id: int) -> bool:
        with self.core.read() as s:
            return credential(s, staff_id) is not None

    def idle_minutes(self) -> int:
        from cunwu_tui.services.settings import get_setting

        with self.core.read() as s:
            raw = get_setting(s, IDLE_LOCK).strip()
        return int(raw) if raw.isdigit() and IDLE_MIN <= int(raw) <= IDLE_MAX else IDLE_DEFAULT

    def set_idle_minutes(self, minutes: int | str) -> int:
        from cunwu_tui.domain import inputs
        from cunwu_tui.services.settings import put_setting

        f = inputs.Fields()
        n = f.integer("idle", minutes, "自动锁屏时间", IDLE_MIN, IDLE_MAX, unit="分钟")
        f.done()
        assert n is not None
        before = self.idle_minutes()
        if n != before:
            with self.core.write() as s:
                put_setting(s, IDLE_LOCK, str(n))
                self.core.audit(s, "setting", IDLE_LOCK, "修改", {"value": f"{before}分钟"}, {"value": f"{n}分钟"})
        return n

    # -- the PIN check --------------------------------------------------------
    def _state(self, s: Session, staff_id: int) -> pins.TryState:
        row = s.get(PinState, staff_id)
        return pins.TryState(row.failures, row.not_before) if row else pins.TryState()

    def confirm(self, staff_id: int | None, pin: object, field: str = "pin", who: str = "") -> Confirmed:
        """The person ``staff_id``, if ``pin`` is theirs. Otherwise
        ValidationError at ``field``; a wrong try is counted and logged.
        ``who`` names the person's part in the message (审批人, 领导 …)."""
        if self.core._session.get() is not None:  # Core internals on purpose (see the module doc)
            raise RuntimeError("a PIN check must not run inside another write")
        part = who or "本人"
        if staff_id is None:
            raise ValidationError({field: f"请先选择{who or '人员'}。"})
        now = self.core.now()
        with self.core.read() as s:
            person = s.get(Staff, staff_id)
            cred = credential(s, staff_id)
            state = self._state(s, staff_id)
        if person is None or not person.active:
            raise ValidationError({field: f"{who or '该人员'}须为在岗人员。"})
        if cred is None:
            raise ValidationError({field: f"{person.name}还没有设置个人密码：请管理员在设置的人员页为其设置密码。"})
        waiting = state.refusal(now)
        if waiting:
            raise ValidationError({field: waiting})
        if not str(pin or "").strip():
            raise ValidationError({field: f"请{person.name}{'' if part == '本人' else f'（{part}）'}输入本人密码。"})
        if not pins.matches(pin, cred.pin_hash):
            after = state.after_failure(now)
            with self.core.write() as s:
                row = s.get(PinState, staff_id) or PinState(staff_id=staff_id)
                row.failures, row.not_before = after.failures, after.not_before
                s.add(row)
                self.core.audit(
                    s, "operator", staff_id, "密码错误", None, {"operator": person.name, "count": after.failures}
                )
            if after.locked(now):
                self._lock_logged(person, after)
                raise ValidationError({field: after.refusal(now)})
            left = after.tries_left()
            extra = f"再错{left}次将锁定{pins.LOCK_MINUTES}分钟。" if left <= 3 else ""
            wait = after.refusal(now)
            raise ValidationError({field: f"{person.name}的密码不对。{extra}{wait}"})
        if state.failures:
            with self.core.write() as s:
                reset = s.get(PinState, staff_id)
                if reset is not None:
                    reset.failures, reset.not_before = 0, None
                    s.add(reset)
        return Confirmed(person.id, person.name, person.phone, split_roles(person.roles), bool(person.admin))  # type: ignore[arg-type]

    def _lock_logged(self, person: Staff, state: pins.TryState) -> None:
        with self.core.write() as s:
            self.core.audit(
                s,
                "operator",
                person.id,
                "锁定",
                None,
                {"operator": person.name, "count": state.failures, "end": state.not_before},
            )

    def admin(self, admin_id: int | None, pin: object, field: str = "admin_pin") -> Confirmed:
        """An administrator, proven by their PIN (default: the operator)."""
        if admin_id is None and self.core.operator is not None:
            admin_id = self.core.operator.id
        person = self.confirm(admin_id, pin, field, "管理员")
        if not person.admin:
            raise ValidationError({field: f"{person.name}不是管理员：此项须由管理员输入本人密码。"})
        return person

    # -- starting work --------------------------------------------------------
    def lock(self) -> None:
        """The screen locks (idle, or the person steps away): on the record
        under the person who leaves, then nobody works until a PIN is typed."""
        op = self.core.operator
        if op is None or op.id is None:
            return
        with self.core.write() as s:
            self.core.audit(s, "operator", op.id, "锁屏")
        self.core.operator = None

    def start(self, staff_id: int | None, pin: object) -> Operator:
        """Work from now on as ``staff_id``: their PIN, then on the record."""
        from cunwu_tui.services.settings import LAST_OPERATOR, put_setting

        person = self.confirm(staff_id, pin, "pin")
        self.core.operator = Operator(person.id, person.name, person.phone)
        with self.core.write() as s:
            put_setting(s, LAST_OPERATOR, str(person.id))
            self.core.audit(s, "operator", person.id, "开始操作")
        return self.core.operator

    def setup(
        self, name: str, phone: str, roles: Iterable[str], pin: object, again: object, staff_id: int | None = None
    ) -> Operator:
        """The first administrator, with a PIN: a new person, or (a database
        upgraded from before PINs) one of its staff. Only while
        ``needs_setup()``; then starts work as them."""
        from cunwu_tui.services.settings import LAST_OPERATOR, put_setting
        from cunwu_tui.services.people import clean_person

        errors: dict[str, str] = {}
        try:
            new_pin = pins.check_new(pin, again)
        except pins.PinError as exc:
            errors["pin"] = str(exc)
        if staff_id is None:
            try:
                name, phone, roles = clean_person(name, phone, roles)
            except ValidationError as exc:
                errors.update(exc.errors)
        if errors:
            raise ValidationError(errors)
        now = self.core.now()
        with self.core.write() as s:
            taken = (
                select(Staff.id)
                .join(StaffCredential, col(StaffCredential.staff_id) == col(Staff.id))
                .where(Staff.active == True, Staff.admin == True)  # noqa: E712
            )
            if s.exec(taken).first() is not None:
                raise ValidationError({"name": "已有管理员：请由管理员在设置的人员页登记新人员。"})
            if staff_id is not None:
                row = s.get(Staff, staff_id)
                if row is None or not row.active:
                    raise ValidationError({"name": "请选择在岗人员。"})
                before = {"admin": bool(row.admin)}
                row.admin = True
                s.add(row)
            else:
                row = Staff(name=name, phone=phone, roles=join_roles(roles), active=True, created_at=now, admin=True)
                s.add(row)
                before = None
            s.flush()
            assert row.id is not None
            self.core.operator = Operator(row.id, row.name, row.phone)
            s.add(
                StaffCredential(
                    staff_id=row.id, pin_hash=pins.hash_pin(new_pin), set_at=now, set_by_id=row.id, set_by_name=row.name
                )
            )
            if before is None:
                self.core.audit(
                    s,
                    "staff",
                    row.id,
                    "新增",
                    None,
                    {"name": row.name, "phone": row.phone, "roles": row.roles, "active": True, "admin": True},
                )
            else:
                self.core.audit(s, "staff", row.id, "设为管理员", before, {"admin": True})
            self.core.audit(s, "staff", row.id, "设置密码", None, {"name": row.name})
            put_setting(s, LAST_OPERATOR, str(row.id))
            self.core.audit(s, "operator", row.id, "开始操作")
        return self.core.operator

    # -- PINs -----------------------------------------------------------------
    def set_pin(
        self, staff_id: int, pin: object, again: object, admin_id: int | None = None, admin_pin: object = ""
    ) -> None:
        """An administrator sets (or resets) someone's PIN; a reset also
        lifts a lock."""
        errors: dict[str, str] = {}
        try:
            new_pin = pins.check_new(pin, again)
        except pins.PinError as exc:
            errors["pin"] = str(exc)
        if errors:
            raise ValidationError(errors)
        admin = self.admin(admin_id, admin_pin)
        self._store(staff_id, new_pin, admin.id, admin.name, "重设密码")

    def change_own(self, old: object, pin: object, again: object) -> None:
        """The operator changes their own PIN (the old one first)."""
        op = self.core.operator
        if op is None or op.id is None:
            raise ValidationError({"old_pin": "请先选择操作员。"})
        try:
            new_pin = pins.check_new(pin, again)
        except pins.PinError as exc:
            raise ValidationError({"pin": str(exc)}) from None
        me = self.confirm(op.id, old, "old_pin")
        self._store(me.id, new_pin, me.id, me.name, "修改密码")

    def _store(self, staff_id: int, new_pin: str, by_id: int, by_name: str, action: str) -> None:
        now = self.core.now()
        digest = pins.hash_pin(new_pin)  # slow: before the write, not inside it
        with self.core.write() as s:
            person = s.get(Staff, staff_id)
            if person is None or not person.active:
                raise ValidationError({"pin": "只能为在岗人员设置密码。"})
            cred = credential(s, staff_id)
            if cred is None:
                cred = StaffCredential(
                    staff_id=staff_id, pin_hash=digest, set_at=now, set_by_id=by_id, set_by_name=by_name
                )
                action = "设置密码" if action == "重设密码" else action
            else:
                cred.pin_hash, cred.set_at, cred.set_by_id, cred.set_by_name = digest, now, by_id, by_name
            s.add(cred)
            state = s.get(PinState, staff_id)
            if state is not None and state.failures:
                state.failures, state.not_before = 0, None
                s.add(state)
            self.core.audit(s, "staff", staff_id, action, None, {"name": person.name})

    def store_initial(self, session: Session, staff_id: int, new_pin: str, by_id: int, by_name: str) -> None:
        """Inside the write that adds a person: their first PIN (hashed by
        the caller before the write)."""
        session.add(
            StaffCredential(
                staff_id=staff_id, pin_hash=new_pin, set_at=self.core.now(), set_by_id=by_id, set_by_name=by_name
            )
        )

    # -- approvals ------------------------------------------------------------
    def record_approval(
        self,
        session: Session,
        kind: str,
        subject_table: str,
        subject_id: int,
        approver: Confirmed,
        agree: bool = True,
        text: str = "",
        audit: tuple[str, str] | None = None,
    ) -> Approval:
        """Inside the caller's write: the approval of ``approver``, whose PIN
        the caller checked with ``confirm`` just before. ``audit``: the
        (entity, id) the operation log files it under (default: the
        approval itself)."""
        if kind not in APPROVAL_KINDS:
            raise ValueError(kind)
        op = self.core.operator
        row = Approval(
            kind=kind,
            subject_table=subject_table,
            subject_id=subject_id,
            approver_id=approver.id,
            approver_name=approver.name,
            agree=bool(agree),
            text=text,
            operator_id=op.id if op else None,
            operator_name=op.name if op else "",
            recorded_at=self.core.now().replace(microsecond=0),
        )
        session.add(row)
        session.flush()
        entity, entity_id = audit or ("approval", str(row.id))
        self.core.audit(
            session,
            entity,
            entity_id,
            kind,
            None,
            {"approver": approver.name, "result": "同意" if agree else "不同意", **({"text": text} if text else {})},
        )
        return row

    def approvals(self, subject_table: str, subject_ids: Iterable[int]) -> dict[int, list[ApprovalInfo]]:
        ids = list(subject_ids)
        if not ids:
            return {}
        out: dict[int, list[ApprovalInfo]] = {}
        with self.core.read() as s:
            q = (
                select(Approval)
                .where(Approval.subject_table == subject_table)
                .where(Approval.subject_id.in_(ids))  # type: ignore[attr-defined]
                .order_by(Approval.id)
            )
            for a in s.exec(q):
                out.setdefault(a.subject_id, []).append(_approval(a))
        return out
