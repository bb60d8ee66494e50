"""Who is working, proven by their personal PIN.

- Normally: pick yourself from the staff list (the last operator is
  preselected), type your PIN, Enter.
- The first run: register yourself as the administrator with a PIN.
- A database upgraded from before PINs (staff, but no administrator with a
  PIN): pick yourself and set your PIN; you become the administrator.
- ``LockScreen``: after the idle time, the same person's PIN again; the
  screens below keep their state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cunwu_tui.errors import ValidationError
from cunwu_tui.ui.screens.guard import Guarded
from cunwu_tui.ui.widgets import FieldError, Form, field_row

if TYPE_CHECKING:
    from cunwu_tui.services import Services

PIN_HINT = "至少6位数字，或至少8个字"


def pin_input(placeholder: str = "个人密码") -> Input:
    return Input(placeholder=placeholder, password=True, max_length=64)


class OperatorScreen(Guarded, ModalScreen[bool]):
    """Dismisses True once someone has started work (their PIN checked)."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, services: Services, required: bool):
        super().__init__()
        self.services = services
        self.required = required
        self.setup = services.identity.needs_setup()
        self.people = services.identity.people()
        self.chosen: int | None = None

    def compose(self) -> ComposeResult:
        with Form(classes="dialog", id="operator-form"):
            if not self.setup:
                yield Static("选择操作员", classes="title")
                yield Static("上下键选择，回车；再输入本人密码，回车。以下操作都记在此人名下。", classes="hint")
                yield OptionList(*[Option(self._label(p), id=str(p.id)) for p in self.people], id="staff-list")
                yield from field_row("个人密码", "pin", pin_input())
            elif self.people:
                yield Static("设置管理员", classes="title")
                yield Static(
                    "数据库已升级，需要个人密码。请选择您自己（一般是文书），设置个人密码："
                    "您将成为管理员，再为其他人员设置密码（F9 人员）。",
                    classes="hint",
                )
                yield OptionList(*[Option(self._label(p), id=str(p.id)) for p in self.people], id="staff-list")
                yield from field_row("个人密码", "pin", pin_input(PIN_HINT))
                yield from field_row("再输一次", "pin2", pin_input("再输入一次密码"))
            else:
                yield Static("新的数据库：登记管理员", classes="title")
                yield Static("请登记您自己（一般是文书）：您将是管理员，负责登记人员、重设密码。", classes="hint")
                yield from field_row("姓名", "name", Input(placeholder="例如：赵丽", max_length=32))
                yield from field_row("联系电话", "phone", Input(placeholder="可不填", max_length=32))
                yield from field_row("个人密码", "pin", pin_input(PIN_HINT))
                yield from field_row("再输一次", "pin2", pin_input("再输入一次密码"))
                yield Static("密码只保存不可还原的校验值；忘记时由其他管理员重设。填好后按回车。", classes="hint")
            yield FieldError("operator")
            if self.people:
                yield FieldError("name")

    @staticmethod
    def _label(p) -> str:
        return f"{p.name}　{p.label}" + ("" if p.has_pin else "　（未设密码）")

    def on_mount(self) -> None:
        if self.people:
            lst = self.query_one(OptionList)
            remembered = self.services.remembered_operator_id()
            ids = [p.id for p in self.people]
            lst.highlighted = ids.index(remembered) if remembered in ids else 0
            lst.focus()
        else:
            self.query_one("#f-name", Input).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.chosen = int(event.option.id or 0)
        self.query_one(Form).clear_errors()
        self.query_one("#f-pin", Input).focus()

    def _selected(self) -> int | None:
        if self.chosen is not None:
            return self.chosen
        lst = self.query_one(OptionList)
        if lst.highlighted is None:
            return None
        return int(lst.get_option_at_index(lst.highlighted).id or 0)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        form = self.query_one(Form)
        if self.setup and event.input.id != "f-pin2":
            self.focus_next()
            return
        try:
            if not self.setup:
                self.services.identity.start(self._selected(), self.query_one("#f-pin", Input).value)
            elif self.people:
                person = self._selected()
                if person is None:
                    raise ValidationError({"operator": "请选择您自己。"})
                self.services.identity.setup(
                    "",
                    "",
                    (),
                    self.query_one("#f-pin", Input).value,
                    self.query_one("#f-pin2", Input).value,
                    staff_id=person,
                )
            else:
                self.services.identity.setup(
                    self.query_one("#f-name", Input).value,
                    self.query_one("#f-phone", Input).value,
                    (),
                    self.query_one("#f-pin", Input).value,
                    self.query_one("#f-pin2", Input).value,
                )
        except ValidationError as exc:
            form.show_errors(exc.errors)
            for field in ("pin", "pin2"):
                if field in exc.errors:
                    for box in self.query(f"#f-{field}"):
                        box.value = ""  # type: ignore[attr-defined]
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        if self.required:
            self.query_one(Form).show_errors({"operator": "请先选择操作员并输入密码（或按 Ctrl+Q 退出）。"})
            return
        self.dismiss(False)


class LockScreen(Guarded, ModalScreen[str]):
    """The screen locked after the idle time: the operator's PIN unlocks
    it ("unlocked"); Ctrl+O hands over to another person ("switch")."""

    BINDINGS = [Binding("ctrl+o", "switch", "换操作员", key_display="^O")]

    def __init__(self, services: Services, staff_id: int, name: str, minutes: int | None = None):
        super().__init__()
        self.services = services
        self.staff_id = staff_id
        self.person = name
        self.minutes = minutes

    def compose(self) -> ComposeResult:
        with Form(classes="dialog", id="lock-form"):
            yield Static("屏幕已锁定", classes="title")
            why = f"闲置超过{self.minutes}分钟，已自动锁定" if self.minutes else "已锁定"
            yield Static(
                f"{why}；正在填写的内容都还在。\n请{self.person}输入个人密码后回车继续；换人请按 Ctrl+O。",
                classes="hint",
            )
            yield from field_row("个人密码", "pin", pin_input())
            yield FieldError("operator")

    def on_mount(self) -> None:
        self.query_one("#f-pin", Input).focus()

    @on(Input.Submitted)
    def _unlock(self, event: Input.Submitted) -> None:
        try:
            self.services.identity.start(self.staff_id, event.input.value)
        except ValidationError as exc:
            event.input.value = ""
            self.query_one(Form).show_errors(exc.errors)
            return
        self.dismiss("unlocked")

    def action_switch(self) -> None:
        self.dismiss("switch")
