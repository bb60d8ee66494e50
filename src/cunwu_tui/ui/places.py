"""Every screen the clerk can go to, declared once (#17).

``PLACES`` is read by the app (its function-key bindings and modes), the
登记簿 menu (Ctrl+L, ui/screens/places.py), F1 help and the command palette
(Ctrl+P): a new register is one line here, beside its screen.

A place is either a mode's main screen (``screen``: "module.Class" under
ui/screens, imported when first shown), or a screen opened from one
(``within``: that place's id, ``action``: the action of its main screen
that opens it, the same as its key there: F4's R opens 居民登记).
Function keys F2-F9 are taken by the daily screens; the rest are reached
through the menu and the palette only (``key`` None).

Plain data: this module imports nothing of Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MENU_KEY", "MENU_KEY_TEXT", "Place", "PLACES", "place", "menu_letter", "function_keys"]

# The 登记簿 menu's key. F10-F12 are often taken by the console (F10 the
# menu bar, F11 full screen in Windows Terminal); Ctrl+L reaches the app in
# Windows Terminal, conhost and every terminal Textual supports, no widget
# of ours or of Textual binds it, and it reads "List" (列表).
MENU_KEY = "ctrl+l"
MENU_KEY_TEXT = "Ctrl+L"


@dataclass(frozen=True)
class Place:
    id: str  # the app mode for a main screen; unique
    title: str  # 居民登记: the menu, the palette (打开居民登记), help
    about: str  # what is there, a few words: help and the menu
    key: str | None = None  # its own function key ("f4"); None: the menu and the palette only
    label: str = ""  # the footer's short name beside its key (受理)
    screen: str = ""  # a mode's main screen: "module.Class" under ui/screens
    within: str = ""  # or: the place whose main screen opens it ...
    action: str = ""  # ... by this action (its key there)

    @property
    def mode(self) -> str:
        """The app mode it lives in."""
        return self.within or self.id

    @property
    def key_text(self) -> str:
        return self.key.upper() if self.key else ""


PLACES: tuple[Place, ...] = (
    Place("dashboard", "工作台", "今日提醒、办件、值班、公示、用印、备份", "f2", "工作台", "dashboard.DashboardScreen"),
    Place("lookup", "事项查询", "一次性告知", "f3", "查询", "lookup.LookupScreen"),
    Place("cases", "受理登记", "办件步骤、期限、否定报备、信访", "f4", "受理", "cases.CasesScreen"),
    Place("residents", "居民登记", "查找、详情、更正、合并重复登记", within="cases", action="residents"),
    Place("seals", "用印登记", "审批、编号、作废、校验", "f5", "用印", "seal_register.SealRegisterScreen"),
    Place("duty", "值班", "现在谁值班、值班记录、替班、交接班", "f6", "值班", "duty.DutyScreen"),
    Place("rota", "月值班表", "生成、发布、调整、统计、导出", within="duty", action="rota"),
    Place("holiday_rota", "中长假值班表", "编制、领导审签、报备、通知", within="duty", action="holidays"),
    Place("notices", "公示", "倒计时、异议登记、公示名单", "f7", "公示", "notices.NoticesScreen"),
    Place("export", "台账导出", "各登记簿的月度台账", "f8", "导出", "export.ExportScreen"),
    Place("settings", "设置", "村(社区)信息、人员、印章、节假日、备份", "f9", "设置", "settings.SettingsScreen"),
    Place("staff", "人员名单", "人员、职务、密码、管理员", within="settings", action="page('tab-staff')"),
    Place("holidays", "节假日安排", "各年的节假日和调休", within="settings", action="page('tab-holidays')"),
)

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
