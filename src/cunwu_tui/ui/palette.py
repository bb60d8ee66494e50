"""The command palette (Ctrl+P): its built-in English strings in Chinese,
and the app's own commands found by Chinese, pinyin or initials."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from rich.align import Align
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from cunwu_tui.ui.places import MENU_KEY_TEXT, PLACES, menu_letter


class ChinesePalette(CommandPalette):
    def __init__(self, **kwargs):
        kwargs.setdefault("placeholder", "输入命令名称搜索")
        super().__init__(**kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text("没有找到匹配的命令", style="not bold")), disabled=True, id=self._NO_MATCHES
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)


# -- the app's own commands (Ctrl+P) ------------------------------------------------
# Built from the app's declarations, never a hand list: every place
# (ui/places.PLACES: the function-key screens and those of the 登记簿 menu)
# and every key of a main screen that has a name (the screen class's
# BINDINGS), plus the app's system commands. Found by
# Chinese, full pinyin or initials through domain.search (as F3 does), in
# either order of screen and action ("新建受理", "受理新建", "shouli", "xjsl").

# Keys that only move about a screen: not commands.
_NOT_COMMANDS = frozenset({"back", "table", "focus_search", "close", "cancel"})


@dataclass(frozen=True)
class PaletteCommand:
    title: str  # what it does: 新建受理
    place: str  # where and which key: 受理登记（F4）N
    run: Callable[[], Any]
    words: tuple[str, ...]  # searchable texts, best first


def _key_text(binding: Binding) -> str:
    key = binding.key_display or binding.key.split(",")[0]
    return {"slash": "/", "comma": ",", "full_stop": "."}.get(key, key.upper() if len(key) == 1 else key)


def _own_bindings(cls: type) -> list[Binding | tuple]:
    """The bindings the app's own screen classes declare (Textual's Screen
    brings Tab, Shift+Tab and Ctrl+C in English: moving about, not commands)."""
    out: list[Binding | tuple] = []
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("cunwu_tui.") and "BINDINGS" in vars(klass):
            out += vars(klass)["BINDINGS"]
    return out


def _screen_action(app, mode: str, action: str) -> Callable[[], None]:
    def run() -> None:
        app.action_go(mode)
        app.call_after_refresh(app.run_on_main_screen, mode, action)  # back to the main screen first

    return run


def app_commands(app, screen) -> list[PaletteCommand]:
    """Every command the palette offers, from the app's declarations."""
    out: list[PaletteCommand] = []
    for i, p in enumerate(PLACES):
        name, key = p.title, p.key_text
        where = key or f"{MENU_KEY_TEXT} {menu_letter(i).upper()}"
        out.append(PaletteCommand(f"打开{name}", where, partial(app.action_open, p.id), (name, f"打开{name}")))
        if not p.screen:
            continue  # a screen opened from a main screen: its keys are that screen's own
        cls = app.MODES[p.id]
        cls = getattr(cls, "screen_class", cls)  # a screen imported when first shown (ui/app._LazyScreen)
        for b in _own_bindings(cls):
            if not isinstance(b, Binding) or not b.description or b.key == "escape" or b.action in _NOT_COMMANDS:
                continue
            desc = b.description
            words = tuple(dict.fromkeys((desc if name in desc else f"{desc}{name}", f"{name}{desc}", desc)))
            out.append(
                PaletteCommand(
                    desc if len(desc) > 2 or name in desc else f"{name}：{desc}",
                    f"{name}（{where}）{_key_text(b)}",
                    _screen_action(app, p.id, b.action),
                    words,
                )
            )
    names = {p.title for p in PLACES}
    for sc in app.get_system_commands(screen):
        title = sc.title.split("（")[0]
        if title in names:
            continue  # the screens are above
        out.append(PaletteCommand(title, sc.title[len(title) :].strip("（）"), sc.callback, (title, sc.help)))
    return out


def _subsequence(query: str, text: str) -> bool:
    it = iter(text)
    return all(ch in it for ch in query)


def find(commands: list[PaletteCommand], index, query: str) -> list[PaletteCommand]:
    """Commands matching ``query``, best first: the search index's order,
    then (for Chinese typed out of order or with gaps, 记值班) those whose
    words hold the typed characters in order."""
    hits = [commands[int(h.key)] for h in index.search(query)] if index is not None else []
    q = "".join(query.split())
    if q and not any("a" <= ch.lower() <= "z" for ch in q):
        seen = {id(c) for c in hits}
        hits += [c for c in commands if id(c) not in seen and any(_subsequence(q, w) for w in c.words)]
    return hits


_INDEXES: dict[tuple, Any] = {}  # by the commands' words: built once per process


def build_index(commands: list[PaletteCommand]):
    """The search index over ``commands`` (thread-safe to call from a
    worker; the app warms it after start-up so Ctrl+P answers at once)."""
    from pathlib import Path

    from platformdirs import user_cache_dir

    from cunwu_tui.domain.search import SearchRecord, load_or_build

    key = tuple(c.words for c in commands)
    if key not in _INDEXES:
        records = [SearchRecord(str(i), c.words[0], tuple(c.words[1:])) for i, c in enumerate(commands)]
        _INDEXES[key] = load_or_build(
            records, Path(user_cache_dir("cunwu-tui", appauthor=False)) / "palette-index.json"
        )
    return _INDEXES[key]


def warm(app) -> None:
    """Build the palette's index ahead of the first Ctrl+P (from a worker)."""
    build_index(app_commands(app, None))


class CunwuCommands(Provider):
    """The palette's only provider: the app's commands, in Chinese."""

    async def startup(self) -> None:
        import asyncio

        self._commands = app_commands(self.app, self.screen)
        try:  # pypinyin is imported here, off the start-up path, in a thread
            self._index = await asyncio.to_thread(build_index, self._commands)
        except Exception:  # the palette still finds Chinese text
            import logging

            logging.getLogger("cunwu.ui").exception("palette index failed")
            self._index = None

    async def discover(self) -> Hits:
        for c in self._commands:
            yield DiscoveryHit(c.title, c.run, help=c.place)

    async def search(self, query: str) -> Hits:
        found = find(self._commands, self._index, query)
        for i, c in enumerate(found):
            yield Hit(1.0 - i / (len(found) + 1), Text(c.title), c.run, help=c.place)
