"""Ctrl+L: the 登记簿 menu, every register and screen (ui/places.PLACES),
those without a function key too. Up/down and Enter, or the digit or letter
in front of a line; dismisses with the chosen place's id (the app opens it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cunwu_tui.ui.places import PLACES, Place, menu_letter
from cunwu_tui.ui.screens.guard import Guarded
from cunwu_tui.ui.widgets import cut

_TITLE_CELLS = 14  # 中长假值班表 and two columns


def menu_line(index: int, p: Place) -> str:
    """ "1  工作台        F2   今日提醒、办件……" within the menu's width."""
    from rich.cells import cell_len

    title = p.title + " " * max(0, _TITLE_CELLS - cell_len(p.title))
    return cut(f"{menu_letter(index).upper()}  {title}{p.key_text:<5}{p.about}", 66)


class PlacesMenu(Guarded, ModalScreen[str | None]):
    DEFAULT_CSS = """
    #places-list { height: auto; max-height: 15; }
    """

    BINDINGS = [
        Binding("escape,ctrl+l", "close", "关闭"),
        *(Binding(menu_letter(i), f"pick('{p.id}')", p.title, show=False) for i, p in enumerate(PLACES)),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="places-menu"):
            yield Static("登记簿", classes="title")
            yield OptionList(*(Option(menu_line(i, p), id=p.id) for i, p in enumerate(PLACES)), id="places-list")
            yield Static("上下键选择、回车打开，或直接按前面的数字或字母；Esc 关闭", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, place_id: str) -> None:
        self.dismiss(place_id)

    def action_close(self) -> None:
        self.dismiss(None)
