"""The frame every main screen shares (a top bar, the body, a short
footer) and the skeleton of every detail: one record's text in a scrolling
body, a hint line of the keys that apply, Esc back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from cunwu_tui.ui.screens.guard import Guarded

from cunwu_tui.ui.widgets import KeysFooter, TopBar

if TYPE_CHECKING:
    from rich.console import RenderableType

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


if TYPE_CHECKING:
    _ScreenType = Screen
else:
    _ScreenType = object


class DetailView(_ScreenType):
    """The skeleton of a detail, for a full screen (``DetailScreen``) or a
    dialog (F6's log entry): a scrolling Static body, focused so that the
    arrow keys scroll it; a hint line of keys; Esc back (``action_back``);
    ``refresh_data`` reloads both through ``load``.

    A detail names its widgets (tests and CSS use the ids), implements
    ``load(services)`` returning (body, keys: a list joined by a wide space,
    a line, or None to keep the line as it is) and may add a hook run once
    after the first load (``shown``). Mix in before the Textual class."""

    SCROLL_ID = "detail-scroll"
    SCROLL_CLASSES = ""
    SCROLL_FOCUS = True  # focused at first; False when something below the body takes the keys
    BODY_ID = "detail"
    KEYS_ID = "keys"
    KEYS = ""  # the key line to start with (for a detail whose keys never change)

    if TYPE_CHECKING:

        @property
        def services(self) -> Services | None: ...

    def compose_detail(self) -> ComposeResult:
        with VerticalScroll(id=self.SCROLL_ID, classes=self.SCROLL_CLASSES, can_focus=True):
            yield Static("", id=self.BODY_ID)
        yield from self.compose_below()
        yield Static(self.KEYS, id=self.KEYS_ID, classes="hint")

    def compose_below(self) -> ComposeResult:
        """Widgets between the body and the key line (a table of related records)."""
        yield from ()

    def on_mount(self) -> None:
        if self.SCROLL_FOCUS:
            self.query_one(f"#{self.SCROLL_ID}").focus()
        self.refresh_data()
        self.shown()

    def shown(self) -> None:
        """Run once after the first load (e.g. offer a paper at once)."""

    def refresh_data(self) -> None:
        services = self.services
        if services is None:
            return
        loaded = self.load(services)
        if loaded is not None:
            self.show(*loaded)

    def load(self, services: Services) -> tuple[RenderableType, Sequence[str] | str | None] | None:
        """Read the record: (body, keys), or None when there is nothing to show."""
        raise NotImplementedError  # pragma: no cover - overridden

    def show(self, body: RenderableType, keys: Sequence[str] | str | None = None) -> None:
        self.query_one(f"#{self.BODY_ID}", Static).update(body)
        if keys is not None:
            self.query_one(f"#{self.KEYS_ID}", Static).update(keys if isinstance(keys, str) else "　".join(keys))

    def action_back(self) -> None:
        self.app.pop_screen()


class DetailScreen(DetailView, AppScreen):
    """A detail as a full screen between the top bar and the footer."""

    BINDINGS = [Binding("escape", "back", "返回", show=False)]

    def compose_body(self) -> ComposeResult:
        yield from self.compose_detail()
