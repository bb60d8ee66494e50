"""The frame every main screen shares: a top bar, the body, a short footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen

from cunwu_tui.ui.screens.guard import Guarded

from cunwu_tui.ui.widgets import KeysFooter, TopBar

if TYPE_CHECKING:
    from cunwu_tui.services import Services


class AppScreen(Guarded, Screen):
    def compose(self) -> ComposeResult:
        yield TopBar()
        yield from self.compose_body()
        # Compact, without the palette entry: ten function keys must fit in
        # 80 columns (Ctrl+P is listed in F1 help).
        yield KeysFooter(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    @property
    def services(self) -> Services | None:
        return self.app.services  # type: ignore[attr-defined]

    @property
    def live(self) -> Services:
        """The services, where a screen needs them open: its keys and forms
        work once the database is open (None there was always a bug)."""
        services = self.services
        assert services is not None, "the database is not open yet"
        return services

    def on_screen_resume(self) -> None:
        for bar in self.query(TopBar):  # the village or operator may have changed on another screen
            bar.update(self.app.top_bar_text())  # type: ignore[attr-defined]
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows from the services."""
