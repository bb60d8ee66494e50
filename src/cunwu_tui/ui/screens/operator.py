"""Who is working: chosen from the staff list at start (the last one is
preselected), or registered on a new database."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cunwu_tui.ui.screens.guard import Guarded

from typing import TYPE_CHECKING

from cunwu_tui.errors import ValidationError

if TYPE_CHECKING:
    from cunwu_tui.services import Services
from cunwu_tui.ui.widgets import FieldError, Form, field_row


class OperatorScreen(Guarded, ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, services: Services, required: bool):
        super().__init__()
        self.services = services
        self.required = required
        self.staff = services.staff.list(active_only=True)

    def compose(self) -> ComposeResult:
        with Form(classes="dialog", id="operator-form"):
            yield Static("选择操作员", classes="title")
            if self.staff:
                yield Static("上下键选择，回车确认。以下操作都将记在此人名下。", classes="hint")
                yield OptionList(
                    *[Option(f"{p.name}　{p.roles_text}", id=str(p.id)) for p in self.staff], id="staff-list"
                )
                yield Static("不在名单中？输入姓名后回车，登记为新人员：", classes="hint")
            else:
                yield Static("这是新的数据库，还没有人员。请先登记您自己（姓名必填，职务可稍后在 F9 设置中填写）。",
                             classes="hint")
            yield from field_row("姓名", "name", Input(placeholder="例如：赵丽"))
            yield from field_row("联系电话", "phone", Input(placeholder="可不填"))
            yield FieldError("operator")

    def on_mount(self) -> None:
        if self.staff:
            lst = self.query_one(OptionList)
            remembered = self.services.remembered_operator_id()
            ids = [p.id for p in self.staff]
            lst.highlighted = ids.index(remembered) if remembered in ids else 0
            lst.focus()
        else:
            self.query_one("#f-name", Input).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    @on(Input.Submitted)
    def _register(self, _event: Input.Submitted) -> None:
        form = self.query_one(Form)
        name = self.query_one("#f-name", Input).value
        phone = self.query_one("#f-phone", Input).value
        if not name.strip():
            form.show_errors({"name": "请填写姓名。"})
            return
        try:
            person = self.services.staff.add(name, phone, ())
        except ValidationError as exc:
            form.show_errors(exc.errors)
            return
        self.dismiss(person.id)

    def action_cancel(self) -> None:
        if self.required:
            self.query_one(Form).show_errors({"operator": "请先选择操作员（或按 Ctrl+Q 退出）。"})
            return
        self.dismiss(None)
