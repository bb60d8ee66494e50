"""Small modal dialogs: a message, a yes/no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from cunwu_tui.ui.screens.guard import Guarded


class MessageDialog(Guarded, ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "关闭")]

    def __init__(self, title: str, message: str):
        super().__init__()
        self._title, self._message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Static(self._message, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("确定", id="ok", compact=True)

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Guarded, ModalScreen[bool]):
    BINDINGS = [Binding("y", "answer(True)", "是"), Binding("n,escape", "answer(False)", "否")]

    def __init__(self, title: str, message: str):
        super().__init__()
        self._title, self._message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Static(self._message, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("是（Y）", id="yes", compact=True)
                yield Button("否（N）", id="no", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
