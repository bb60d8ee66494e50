"""The frame every main screen shares: a top bar, the body, a short footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from cunwu_tui.ui.screens.guard import Guarded

from cunwu_tui.ui.widgets import TopBar

if TYPE_CHECKING:
    from cunwu_tui.services import Services


class AppScreen(Guarded, Screen):
    def compose(self) -> ComposeResult:
        yield TopBar()
        yield from self.compose_body()
        # Compact, without the palette entry: ten function keys must fit in
        # 80 columns (Ctrl+P is listed in F1 help).
        yield Footer(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    @property
    def services(self) -> Services | None:
        return self.app.services  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows from the services."""
