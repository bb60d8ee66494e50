"""Modal forms for Settings: a staff member, a seal.

They call the service; a ValidationError is shown at the fields and the
form keeps what was typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from cunwu_tui.ui.screens.guard import Guarded

from typing import TYPE_CHECKING

from cunwu_tui.domain.roles import ROLES
from cunwu_tui.errors import SaveError, ValidationError

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.services.seals import SealInfo
    from cunwu_tui.services.staff import StaffInfo
from cunwu_tui.ui.widgets import CheckList, FieldError, Form, field_row


class _FormScreen(Guarded, ModalScreen[bool]):
    BINDINGS = [Binding("ctrl+s", "save", "保存", key_display="^S"), Binding("escape", "cancel", "取消")]

    def __init__(self, services: Services):
        super().__init__()
        self.services = services

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(False)

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("保存（Ctrl+S）", id="save", compact=True)
            yield Button("取消（Esc）", id="cancel", compact=True)

    def run_save(self, save) -> None:
        form = self.query_one(Form)
        try:
            save()
        except ValidationError as exc:
            form.show_errors(exc.errors)
            return
        except SaveError as exc:
            form.show_errors({"form": str(exc)})
            return
        self.dismiss(True)


class StaffForm(_FormScreen):
    def __init__(self, services: Services, person: StaffInfo | None = None):
        super().__init__(services)
        self.person = person

    def compose(self) -> ComposeResult:
        p = self.person
        with Form(classes="dialog", id="staff-form"):
            yield Static("编辑人员" if p else "新增人员", classes="title")
            yield from field_row("姓名", "name", Input(p.name if p else "", placeholder="必填"))
            yield from field_row("联系电话", "phone", Input(p.phone if p else "", placeholder="手机或座机，可不填"))
            yield Label("职务（可多选，空格键勾选）")
            yield CheckList([(r, r, bool(p and r in p.roles)) for r in ROLES], id="f-roles", classes="roles")
            yield FieldError("roles")
            yield CheckList([("在岗（离岗人员不删除，只是不再出现在选择名单中）", "active", p.active if p else True)],
                            id="f-active", classes="one")
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def action_save(self) -> None:
        name = self.query_one("#f-name", Input).value
        phone = self.query_one("#f-phone", Input).value
        roles = [r for r in ROLES if r in self.query_one("#f-roles", CheckList).selected]
        active = "active" in self.query_one("#f-active", CheckList).selected
        if self.person is None:
            self.run_save(lambda: self.services.staff.add(name, phone, roles))
        else:
            pid = self.person.id
            self.run_save(lambda: self.services.staff.update(pid, name, phone, roles, active))


class SealForm(_FormScreen):
    def __init__(self, services: Services, seal: SealInfo | None = None):
        super().__init__(services)
        self.seal = seal

    def compose(self) -> ComposeResult:
        s = self.seal
        staff = self.services.staff.list(active_only=True)
        keeper_options = [(f"{p.name}　{p.roles_text}", p.id) for p in staff]
        with Form(classes="dialog", id="seal-form"):
            yield Static("编辑印章" if s else "新增印章", classes="title")
            yield from field_row("印章名称", "name", Input(s.name if s else "", placeholder="如：村(居)委会印章"))
            yield from field_row("编号简称", "short_name", Input(s.short_name if s else "", placeholder="用印编号前缀，如：村委"))
            yield from field_row(
                "审批职务", "approver_role",
                Select([(r, r) for r in ROLES], value=s.approver_role if s and s.approver_role in ROLES else Select.NULL,
                       prompt="请选择", compact=True),
            )
            yield from field_row(
                "保管人", "keeper_id",
                Select(keeper_options, value=s.keeper_id if s and s.keeper_id in {p.id for p in staff} else Select.NULL,
                       prompt="请选择", compact=True),
            )
            yield from field_row("重大事项决定", "major_body", Input(s.major_body if s else "", placeholder="如：村(居)委会"))
            yield CheckList([("启用", "active", s.active if s else True)], id="f-active", classes="one")
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def action_save(self) -> None:
        name = self.query_one("#f-name", Input).value
        short = self.query_one("#f-short_name", Input).value
        role = self.query_one("#f-approver_role", Select).value
        keeper = self.query_one("#f-keeper_id", Select).value
        role_s = role if isinstance(role, str) else ""
        keeper_id = keeper if isinstance(keeper, int) else None
        body = self.query_one("#f-major_body", Input).value
        active = "active" in self.query_one("#f-active", CheckList).selected
        if self.seal is None:
            self.run_save(lambda: self.services.seals.add(name, short, role_s, keeper_id, body))
        else:
            s = self.seal
            self.run_save(lambda: self.services.seals.update(s.id, name, short, role_s, keeper_id, body, s.note, active))
