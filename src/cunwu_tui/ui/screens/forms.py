"""Modal forms for Settings: a staff member, a seal, PINs, the idle lock.

They are ``ModalForm``s (ui/screens/modal.py): ``save()`` reads the fields
(clearing any PIN from the screen) and calls the service; a ValidationError
is shown at the fields and the form keeps what was typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, Static


from typing import TYPE_CHECKING

from cunwu_tui.domain.roles import ROLES

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.services.seals import SealInfo
    from cunwu_tui.services.staff import StaffInfo
from cunwu_tui.ui.screens.modal import ModalForm
from cunwu_tui.ui.widgets import CheckList, FieldError, Form, field_row


def admin_rows(services: Services) -> ComposeResult:
    """Who confirms as administrator (the operator when they are one) and
    their PIN: the last rows of every form that changes staff or PINs."""
    admins = [(p.name, p.id) for p in services.identity.people() if p.admin and p.has_pin]
    op = services.operator
    default = op.id if op is not None and any(i == op.id for _, i in admins) else (admins[0][1] if admins else None)
    yield from field_row(
        "确认管理员",
        "admin_id",
        Select(admins, value=default if default is not None else Select.NULL, prompt="请选择", compact=True),
    )
    yield from field_row(
        "管理员密码", "admin_pin", Input(password=True, max_length=64, placeholder="管理员本人输入个人密码")
    )


class StaffForm(ModalForm):
    """A person: adding one, changing roles, administrator, in post or not
    all need an administrator's PIN (services/staff.py)."""

    DEFAULT_CSS = """
    #staff-fields { height: auto; max-height: 17; }
    #f-flags { height: auto; }
    """

    def __init__(self, services: Services, person: StaffInfo | None = None):
        super().__init__(services)
        self.person = person

    def compose(self) -> ComposeResult:
        p = self.person
        with Form(classes="dialog", id="staff-form"):
            yield Static("编辑人员" if p else "新增人员", classes="title")
            # 80x24: the fields scroll (Tab brings each into view), the buttons stay
            with VerticalScroll(id="staff-fields"):
                yield from field_row("姓名", "name", Input(p.name if p else "", placeholder="必填", max_length=32))
                yield from field_row("联系电话", "phone", Input(p.phone if p else "", placeholder="手机或座机，可不填"))
                yield Label("职务（可多选，空格键勾选）")
                yield CheckList([(r, r, bool(p and r in p.roles)) for r in ROLES], id="f-roles", classes="roles")
                yield FieldError("roles")
                yield CheckList(
                    [
                        ("在岗（离岗人员不删除，只是不再出现在选择名单中）", "active", p.active if p else True),
                        ("管理员（登记人员、改职务、重设密码）", "admin", bool(p and p.admin)),
                    ],
                    id="f-flags",
                )
                yield FieldError("active")
                yield FieldError("admin")
                if p is None:
                    yield from field_row(
                        "初始密码",
                        "pin",
                        Input(password=True, max_length=64, placeholder="至少6位数字；本人以后可以修改"),
                    )
                yield from admin_rows(self.services)
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def save(self):
        name = self.query_one("#f-name", Input).value
        phone = self.query_one("#f-phone", Input).value
        roles = [r for r in ROLES if r in self.query_one("#f-roles", CheckList).selected]
        flags = self.query_one("#f-flags", CheckList).selected
        active, admin = "active" in flags, "admin" in flags
        admin_id, admin_pin = self.picked("admin_id"), self.query_one("#f-admin_pin", Input).value
        self.query_one("#f-admin_pin", Input).value = ""  # never kept on screen after a try
        if self.person is None:
            pin = self.query_one("#f-pin", Input).value
            return self.services.staff.add(name, phone, roles, admin, pin, admin_id=admin_id, admin_pin=admin_pin)
        else:
            pid = self.person.id
            return self.services.staff.update(
                pid, name, phone, roles, active, admin, admin_id=admin_id, admin_pin=admin_pin
            )


class PinForm(ModalForm):
    """A PIN: an administrator sets or resets someone's (``person``), or the
    operator changes their own (``person`` None)."""

    GUARD = False  # nothing worth asking about: PINs are typed again

    def __init__(self, services: Services, person: StaffInfo | None = None):
        super().__init__(services)
        self.person = person

    def compose(self) -> ComposeResult:
        p = self.person
        with Form(classes="dialog", id="pin-form"):
            if p is None:
                op = self.services.operator
                yield Static(f"修改我的密码（{op.name if op else ''}）", classes="title")
                yield from field_row("原密码", "old_pin", Input(password=True, max_length=64))
            else:
                yield Static(f"为{p.name}{'重设' if p.has_pin else '设置'}个人密码", classes="title")
                yield Static("重设后原密码作废，锁定同时解除；请把新密码当面告诉本人，并请其尽快修改。", classes="hint")
            yield from field_row(
                "新密码", "pin", Input(password=True, max_length=64, placeholder="至少6位数字，或至少8个字")
            )
            yield from field_row("再输一次", "pin2", Input(password=True, max_length=64))
            if p is not None:
                yield from admin_rows(self.services)
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-old_pin" if self.person is None else "#f-pin", Input).focus()

    def save(self):
        values = {w.id: w.value for w in self.query(Input)}
        for w in self.query(Input):
            w.value = ""  # a PIN never stays on screen after a try
        identity = self.services.identity
        if self.person is None:
            return identity.change_own(values["f-old_pin"], values["f-pin"], values["f-pin2"])
        else:
            pid, admin_id = self.person.id, self.picked("admin_id")
            return identity.set_pin(pid, values["f-pin"], values["f-pin2"], admin_id, values["f-admin_pin"])


class AdminConfirmForm(ModalForm):
    """An administrator confirms, with their own PIN, an action that is
    theirs to decide (replacing the database with a backup). Dismisses
    True once the PIN is checked (services/identity.py admin)."""

    GUARD = False

    def __init__(self, services: Services, title: str, what: str):
        super().__init__(services)
        self._title, self._what = title, what

    def compose(self) -> ComposeResult:
        with Form(classes="dialog", id="admin-form"):
            yield Static(self._title, classes="title")
            yield Static(self._what, classes="hint")
            yield from admin_rows(self.services)
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-admin_pin", Input).focus()

    def save(self):
        admin_id, pin = self.picked("admin_id"), self.query_one("#f-admin_pin", Input).value
        self.query_one("#f-admin_pin", Input).value = ""
        return self.services.identity.admin(admin_id, pin)


class IdleForm(ModalForm):
    """How many idle minutes before the screen locks."""

    def compose(self) -> ComposeResult:
        with Form(classes="dialog", id="idle-form"):
            yield Static("自动锁屏", classes="title")
            yield Static(
                "无人操作超过这个时间，屏幕自动锁定，需输入个人密码才能继续（正在填写的内容保留）。", classes="hint"
            )
            yield from field_row(
                "闲置分钟",
                "idle",
                Input(str(self.services.identity.idle_minutes()), max_length=3, placeholder="1至120，默认10"),
            )
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-idle", Input).focus()

    def save(self):
        value = self.query_one("#f-idle", Input).value
        return self.services.identity.set_idle_minutes(value)


class SealForm(ModalForm):
    """A seal, its keeper and the role that approves its use: an
    administrator's decision (their PIN at the bottom)."""

    DEFAULT_CSS = """
    #seal-fields { height: auto; max-height: 17; }
    """

    def __init__(self, services: Services, seal: SealInfo | None = None):
        super().__init__(services)
        self.seal = seal

    def compose(self) -> ComposeResult:
        s = self.seal
        staff = self.services.staff.list(active_only=True)
        keeper_options = [(f"{p.name}　{p.roles_text}", p.id) for p in staff]
        with Form(classes="dialog", id="seal-form"):
            yield Static("编辑印章" if s else "新增印章", classes="title")
            with VerticalScroll(id="seal-fields"):  # 80x24: the fields scroll, the buttons stay
                yield from field_row("印章名称", "name", Input(s.name if s else "", placeholder="如：村(居)委会印章"))
                yield from field_row(
                    "编号简称", "short_name", Input(s.short_name if s else "", placeholder="用印编号前缀，如：村委")
                )
                yield from field_row(
                    "审批职务",
                    "approver_role",
                    Select(
                        [(r, r) for r in ROLES],
                        value=s.approver_role if s and s.approver_role in ROLES else Select.NULL,
                        prompt="请选择",
                        compact=True,
                    ),
                )
                yield from field_row(
                    "保管人",
                    "keeper_id",
                    Select(
                        keeper_options,
                        value=s.keeper_id if s and s.keeper_id in {p.id for p in staff} else Select.NULL,
                        prompt="请选择",
                        compact=True,
                    ),
                )
                yield from field_row(
                    "重大事项决定", "major_body", Input(s.major_body if s else "", placeholder="如：村(居)委会")
                )
                yield CheckList([("启用", "active", s.active if s else True)], id="f-active", classes="one")
                yield from admin_rows(self.services)
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def save(self):
        name = self.query_one("#f-name", Input).value
        short = self.query_one("#f-short_name", Input).value
        role = self.query_one("#f-approver_role", Select).value
        keeper = self.query_one("#f-keeper_id", Select).value
        role_s = role if isinstance(role, str) else ""
        keeper_id = keeper if isinstance(keeper, int) else None
        body = self.query_one("#f-major_body", Input).value
        active = "active" in self.query_one("#f-active", CheckList).selected
        admin_id, admin_pin = self.picked("admin_id"), self.query_one("#f-admin_pin", Input).value
        self.query_one("#f-admin_pin", Input).value = ""  # never kept on screen after a try
        if self.seal is None:
            return self.services.seals.add(name, short, role_s, keeper_id, body, admin_id=admin_id, admin_pin=admin_pin)
        else:
            s = self.seal
            return self.services.seals.update(
                s.id, name, short, role_s, keeper_id, body, s.note, active, admin_id=admin_id, admin_pin=admin_pin
            )
