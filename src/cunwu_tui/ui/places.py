"""Every screen the clerk can go to: the app's own (工作台, 台账导出, 设置)
and those the features declare (cunwu_tui/feature.py ``Place``), in one
list (#17).

``PLACES`` is read by the app (its function-key bindings and modes), the
登记簿 menu (Ctrl+L, ui/screens/places.py), F1 help and the command palette
(Ctrl+P): a new register's screens come with its feature's folder.

Plain data: this module imports nothing of Textual, and no feature's code.
"""

from __future__ import annotations

from cunwu_tui.feature import Place, features

__all__ = ["MENU_KEY", "MENU_KEY_TEXT", "Place", "PLACES", "place", "menu_letter", "function_keys"]

# The 登记簿 menu's key. F10-F12 are often taken by the console (F10 the
# menu bar, F11 full screen in Windows Terminal); Ctrl+L reaches the app in
# Windows Terminal, conhost and every terminal Textual supports, no widget
# of ours or of Textual binds it, and it reads "List" (列表).
MENU_KEY = "ctrl+l"
MENU_KEY_TEXT = "Ctrl+L"


# The app's own places; the features add theirs (cunwu_tui/feature.py).
SHELL_PLACES: tuple[Place, ...] = (
    Place(
        "dashboard",
        "工作台",
        "今日提醒、办件、值班、公示、用印、备份",
        key="f2",
        label="工作台",
        screen="cunwu_tui.ui.screens.dashboard:DashboardScreen",
    ),
    Place(
        "export",
        "台账导出",
        "各登记簿的月度台账",
        key="f8",
        label="导出",
        screen="cunwu_tui.ui.screens.export:ExportScreen",
    ),
    Place(
        "settings",
        "设置",
        "村(社区)信息、人员、印章、节假日、备份",
        key="f9",
        label="设置",
        screen="cunwu_tui.ui.screens.settings:SettingsScreen",
    ),
    Place("staff", "人员名单", "人员、职务、密码、管理员", within="settings", action="page('tab-staff')"),
    Place("holidays", "节假日安排", "各年的节假日和调休", within="settings", action="page('tab-holidays')"),
)


def _ordered(places: tuple[Place, ...]) -> tuple[Place, ...]:
    """The main screens in the order of their function keys (those without
    one after them, as declared), each followed by the places opened from it."""
    mains = [p for p in places if not p.within]
    mains.sort(key=lambda p: (p.key is None, int(p.key[1:]) if p.key else 0))
    return tuple(x for m in mains for x in (m, *(p for p in places if p.within == m.id)))


PLACES: tuple[Place, ...] = _ordered(SHELL_PLACES + tuple(p for f in features() for p in f.places))

_MENU_LETTERS = "123456789abcdefghijkmnopqrstuvwxyz"  # no l: Ctrl+L's letter


def menu_letter(index: int) -> str:
    """The menu's key for the ``index``-th place: 1-9, then a, b, c ...
    (shown upper-case, as every letter key of the app)."""
    return _MENU_LETTERS[index]


def place(place_id: str) -> Place:
    return next(p for p in PLACES if p.id == place_id)


def function_keys() -> tuple[Place, ...]:
    """The places with a function key, in key order."""
    return tuple(p for p in PLACES if p.key)


def _check() -> None:
    ids = [p.id for p in PLACES]
    assert len(set(ids)) == len(ids), "place ids must be unique"
    keys = [p.key for p in PLACES if p.key]
    assert len(set(keys)) == len(keys), "function keys must be unique"
    for p in PLACES:
        assert bool(p.screen) != bool(p.within), p.id  # a main screen, or opened from one
        assert not p.within or place(p.within).screen, p.id
    assert len(PLACES) <= len(_MENU_LETTERS)


_check()
