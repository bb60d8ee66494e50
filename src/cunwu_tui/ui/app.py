"""The Textual app: function keys to every screen, the operator, the theme,
and errors that never reach the screen as a traceback.

The database opens in a worker after the first frame: SQLAlchemy, Alembic
and the migrations stay off the start-up path.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import Initialize, Reactive
from textual.screen import Screen

from cunwu_tui import __version__
from cunwu_tui.paths import shown_url
from cunwu_tui.ui.places import MENU_KEY, PLACES, function_keys, place

if TYPE_CHECKING:
    from cunwu_tui.services import Services

log = logging.getLogger("cunwu.ui")

WEEKDAYS = "一二三四五六日"

# Every screen, its key and how it opens: ui/places.PLACES (the bindings,
# the modes, the 登记簿 menu, help and the palette are built from it).


class _LazyScreen:
    """A mode's screen, imported when first shown (Textual calls it to make
    the screen): the first frame imports only the 工作台's module."""

    def __init__(self, ref: str):
        self.ref = ref  # "module:Class" (cunwu_tui/feature.py Place.screen)

    @property
    def screen_class(self) -> type:
        from cunwu_tui.feature import load

        cls: type = load(self.ref)
        return cls

    def __call__(self):
        return self.screen_class()


def _modes():
    """A mode per main screen of PLACES; the 工作台 (the first frame)
    imported now, the others when first shown."""
    from cunwu_tui.ui.screens.dashboard import DashboardScreen

    lazy = {p.id: _LazyScreen(p.screen) for p in PLACES if p.screen and p.id != "dashboard"}
    return {"dashboard": DashboardScreen, **lazy}


def _bindings() -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    return [
        Binding("f1", "help", "帮助", id="help", key_display="F1"),
        *(Binding(p.key, f"go('{p.id}')", p.label, id=p.id, key_display=p.key_text) for p in function_keys() if p.key),
        # The 登记簿 menu: every place, those without a function key too
        # (ui/places.MENU_KEY says why this key). Not in the footer, which
        # the nine function keys fill at 80 columns; F1 and Ctrl+P name it.
        Binding(MENU_KEY, "places", "登记簿", id="places", show=False, key_display="^L"),
        Binding("ctrl+o", "choose_operator", "换操作员", id="operator", show=False, key_display="^O"),
        Binding("ctrl+p", "command_palette", "命令", id="palette", show=False, key_display="^P"),
        # Not in the footer: nine function keys fill 80 columns. F1 help and the
        # Ctrl+C hint name it.
        Binding("ctrl+q", "quit", "退出", id="quit", priority=True, show=False, key_display="^Q"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]


def _commands():
    """The palette's provider, imported when Ctrl+P is first pressed (not
    before the first frame)."""
    from cunwu_tui.ui.palette import CunwuCommands

    return CunwuCommands


class CunwuApp(App[int]):
    TITLE = "村务通"
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    DEFAULT_MODE = "dashboard"
    COMMAND_PALETTE_DISPLAY = "^P"
    COMMANDS = {_commands}  # the places, their keys and the system commands (get_system_commands)
    BINDINGS = _bindings()
    # The theme the terminal can show, as the app's first value: set in
    # __init__, Textual's watcher restyled every rule twice before the first
    # frame (≈10 ms); an initial value is no change and is not watched.
    theme: Reactive[str] = Reactive(Initialize(lambda app: _pick_theme(_color_system())))

    def __init__(self, db_url: str, today: date | None = None):
        from cunwu_tui.logsetup import setup_logging

        setup_logging()
        self.MODES = _modes()  # type: ignore[misc]  # built per app: the screens are imported late
        super().__init__()
        wanted = _pick_theme(self.console.color_system)  # the console Textual made: what it will draw on
        if self.theme != wanted:  # (the class's first value guessed the same; never seen to differ)
            self.theme = wanted
        self.db_url = db_url
        # The day the app runs on (tests); the services take it over as their
        # clock when they open, and from then on the app asks them.
        self._today = today
        self.services: Services | None = None
        self.open_error: str = ""
        self.seal_check = None  # the seal register's chain, checked after the database opens
        self.evidence_check = None  # every register's chain (services/evidence.py), likewise
        self.trigger_alert = ""  # stays on the 工作台 once protective triggers were found missing
        self._startup_done = threading.Event()  # set when open_database's worker is through
        self._last_input = time.monotonic()  # the idle lock (services/identity.py idle_minutes)
        self.locked = False

    # -- start-up -----------------------------------------------------------
    def today(self) -> date:
        """The services' day (their clock is the one clock); before the
        database is open, the day the app was started for, or the real one."""
        services = self.services
        if services is not None:
            return services.today()
        return self._today or datetime.now().date()

    def _clock(self):
        """The clock the services start with: None (the real time), or the
        fixed day of ``CunwuApp(today=...)`` at the real time of day."""
        if self._today is None:
            return None
        from cunwu_tui.services.core import day_clock

        return day_clock(self._today)

    def on_mount(self) -> None:
        # the worker imports SQLAlchemy and opens the file: after the first frame has painted, not competing with it
        self.call_after_refresh(self.open_database)
        self.set_interval(15, self.check_idle_lock)

    # -- the idle lock --------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def check_idle_lock(self) -> None:
        """Lock the screen once nobody has typed for the idle time."""
        services = self.services
        if self.locked or services is None or services.operator is None:
            return
        minutes = services.identity.idle_minutes()
        if time.monotonic() - self._last_input >= minutes * 60:
            self.lock_screen(minutes)

    def lock_screen(self, minutes: int | None = None) -> None:
        """The screen locks; what is on it stays. Nobody acts until the
        operator's PIN is typed again (or another person starts work)."""
        services = self.services
        op = services.operator if services is not None else None
        if self.locked or services is None or op is None or op.id is None:
            return
        from cunwu_tui.ui.screens.operator import LockScreen

        self.locked = True
        services.identity.lock()  # on the record under the person who leaves

        def unlocked(how: str | None) -> None:
            self.locked = False
            self._last_input = time.monotonic()
            if how == "switch":
                self.action_choose_operator(required=True)
            else:
                self.refresh_screen()

        self.push_screen(LockScreen(services, op.id, op.name, minutes), unlocked)

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def open_database(self) -> None:
        try:
            self._open_database()
        finally:
            self._startup_done.set()

    def _open_database(self) -> None:
        try:
            from cunwu_tui.services import open_services

            services = open_services(self.db_url, clock=self._clock())
        except Exception as exc:  # shown as a message, details in the log
            log.exception("cannot open database %s", shown_url(self.db_url))
            from cunwu_tui.logsetup import log_path

            self.call_from_thread(
                self._database_failed,
                f"{exc}" if _is_chinese(exc) else f"无法打开数据库：{shown_url(self.db_url)}（{type(exc).__name__}）",
                str(log_path()),
            )
            return
        self.call_from_thread(self._database_ready, services)
        self._check_seal_chain(services, quick=True)  # from the last checkpoint: quick
        self._check_evidence(services, full=False)
        try:  # an upgraded database: the cases' summary columns, once (until then the lists replay those cases)
            if services.cases.resummarize_all():
                self.call_from_thread(self.refresh_screen)
        except Exception:
            log.exception("case summaries failed")
        try:  # F3 answers at once when the clerk gets there
            services.catalog.warm()
        except Exception:  # F3 shows the message when it is opened
            log.exception("catalog failed to load")
        try:  # and so does Ctrl+P (pinyin)
            from cunwu_tui.ui.palette import warm

            warm(self)
        except Exception:  # the palette builds it when opened
            log.exception("palette index failed")
        try:  # the day's automatic backup: off the first frame, in this worker
            services.backups.auto_backup(services.today())
        except Exception:  # recorded by the service; never stops the app
            log.exception("automatic backup failed")
        try:  # once a day, every row of every register
            if services.evidence.full_check_due(services.today()):
                self._check_seal_chain(services, quick=False)
                self._check_evidence(services, full=True)
                services.refresh_statistics()  # and the query planner's, once a day
        except Exception:
            log.exception("evidence check failed")
        self.call_from_thread(self.refresh_screen)  # the 工作台 shows the last backup

    def _database_ready(self, services: Services) -> None:
        self.services = services
        if services.info.backup:
            self.notify(f"数据库已升级，原文件已备份到：{services.info.backup}", timeout=10)
        for warning in services.info.warnings:
            self.notify(warning, title="数据库排序规则", severity="warning", timeout=20)
        self.refresh_screen()
        self.action_choose_operator(required=True)

    def seal_checked(self, check) -> None:
        self.seal_check = check
        self.refresh_screen()

    def _check_seal_chain(self, services, quick: bool) -> None:
        """In a worker: the seal register's own hash chain (the 工作台 warns
        when broken)."""
        try:
            check = services.seal_register.verify(quick=quick)
        except Exception:
            log.exception("seal register check failed")
        else:
            self.call_from_thread(self.seal_checked, check)

    def _check_evidence(self, services, full: bool) -> None:
        """In a worker: every register's chain and the triggers (restored
        when missing); the 工作台 warns per register."""
        try:
            report = services.evidence.verify(full=full)
        except Exception:
            log.exception("evidence check failed")
        else:
            self.call_from_thread(self.evidence_checked, report)

    def evidence_checked(self, report) -> None:
        self.evidence_check = report
        if report.triggers:
            self.trigger_alert = report.trigger_message
        self.refresh_screen()

    def _database_failed(self, message: str, log_file: str) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        self.open_error = message
        self.refresh_screen()
        self.push_screen(
            MessageDialog("无法打开数据库", f"{message}\n\n详细信息已写入日志：{log_file}\n按 Ctrl+Q 退出。")
        )

    # -- restore (F9 备份 -> 恢复) ---------------------------------------------
    def restore_database(self, info) -> None:
        """Close this window's database (so that its instance lock is
        released), restore ``info`` (checked, see services/backup.py) in a
        worker, then open the result. Another window still open: refused,
        and this window's database is opened again unchanged."""
        if self.services is None:
            return
        from cunwu_tui.ui.screens.dialogs import BusyDialog

        services, self.services = self.services, None
        self.seal_check = self.evidence_check = None
        services.close()
        self.push_screen(BusyDialog("正在恢复", "正在检查并恢复备份，请稍候，不要关闭窗口。"))
        self._restore_worker(info)

    @work(thread=True, exclusive=True, group="restore", exit_on_error=False)
    def _restore_worker(self, info) -> None:
        from cunwu_tui.services import open_services
        from cunwu_tui.services.backup import BackupError, restore_backup

        result, error = None, ""
        # the start-up work (seal check, catalog, the automatic backup) reads
        # the file being replaced: let it finish first
        self._startup_done.wait(timeout=600)
        try:
            result = restore_backup(self.db_url, info.path, info.sha256)
        except BackupError as exc:
            error = str(exc)
        except Exception as exc:
            log.exception("restore failed")
            error = f"恢复失败（{type(exc).__name__}），未作任何改动。"
        before = self.services
        try:  # on the clock the app was running on
            services = open_services(self.db_url, clock=before.core.clock if before is not None else self._clock())
        except Exception as exc:
            log.exception("cannot open database %s after restore", shown_url(self.db_url))
            from cunwu_tui.logsetup import log_path

            self.call_from_thread(self.pop_screen)
            self.call_from_thread(
                self._database_failed,
                f"{exc}" if _is_chinese(exc) else f"无法打开数据库：{shown_url(self.db_url)}（{type(exc).__name__}）",
                str(log_path()),
            )
            return
        self.call_from_thread(self._restored, services, result, error)
        self._check_seal_chain(services, quick=False)
        self._check_evidence(services, full=True)
        try:  # a backup from an older version: the cases' summary columns
            if services.cases.resummarize_all():
                self.call_from_thread(self.refresh_screen)
        except Exception:
            log.exception("case summaries failed")

    def _restored(self, services, result, error: str) -> None:
        from cunwu_tui.ui.screens.dialogs import BusyDialog, MessageDialog

        if isinstance(self.screen, BusyDialog):
            self.pop_screen()
        self.services = services
        if error:
            self.refresh_screen()
            self.push_screen(MessageDialog("没有恢复", error))
            return
        aside = f"\n原来的数据库已移到：{result.set_aside}" if result.set_aside else ""
        self.refresh_screen()
        self.push_screen(
            MessageDialog("已恢复", f"已从 {result.info.path.name} 恢复。{aside}\n请重新选择操作员。"),
            lambda _: self.action_choose_operator(required=True),
        )

    # -- operator -----------------------------------------------------------
    def action_choose_operator(self, required: bool = False) -> None:
        if self.services is None:
            return
        from cunwu_tui.ui.screens.operator import OperatorScreen

        def chosen(started: bool | None) -> None:
            op = self.services.operator if self.services is not None else None
            if started and op is not None:
                self.notify(f"当前操作员：{op.name}")
            self.refresh_screen()

        self.push_screen(OperatorScreen(self.services, required=required or self.services.operator is None), chosen)

    # -- navigation ---------------------------------------------------------
    def ready(self) -> bool:
        return self.services is not None and self.services.operator is not None and not self.locked

    def action_go(self, mode: str) -> None:
        if self.locked:
            return
        if not self.ready():
            self.notify("请先选择操作员。" if self.services else "正在打开数据库，请稍候。", severity="warning")
            return
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen) and self.screen.is_modal and not self.screen.is_current:
            return
        if self.current_mode != mode:
            self.switch_mode(mode)
        elif hasattr(self.screen, "next_page"):
            self.screen.next_page()  # pressing F9 again on 设置 turns the page
        else:
            self.refresh_screen()

    def action_open(self, place_id: str) -> None:
        """Go to a place of ui/places.PLACES: a main screen by its mode;
        one opened from a main screen by that screen's own action."""
        p = place(place_id)
        if not p.within:
            self.action_go(p.id)
            return
        if self.locked or not self.ready():
            self.action_go(p.mode)  # says why not
            return
        if self.current_mode != p.mode:
            self.switch_mode(p.mode)
        self.call_after_refresh(self.run_on_main_screen, p.mode, p.action)

    def run_on_main_screen(self, mode: str, action: str):
        """Run ``action`` on ``mode``'s main screen (the palette's screen
        commands and the menu's places): from a list or detail opened on it,
        back to it first; never over a form holding typed data."""
        made: object = self.MODES[mode]
        cls = made if isinstance(made, type) else getattr(made, "screen_class")  # _LazyScreen: imported now
        if not isinstance(self.screen, cls):
            stack = list(self.screen_stack)
            if not any(isinstance(s, cls) for s in stack) or any(
                getattr(s, "has_unsaved", lambda: False)() for s in stack
            ):
                self.notify("请先关闭正在填写的表单。", severity="warning")
                return None
            while not isinstance(self.screen, cls):
                self.pop_screen()
        return self.run_action(action, self.screen)

    def action_places(self) -> None:
        """Ctrl+L: the 登记簿 menu, every place (ui/screens/places.py)."""
        if self.locked:
            return
        if not self.ready():
            self.action_go("dashboard")  # says why not
            return
        from cunwu_tui.ui.screens.places import PlacesMenu

        if isinstance(self.screen, PlacesMenu):
            return

        def chosen(place_id: str | None) -> None:
            if place_id:
                self.action_open(place_id)

        self.push_screen(PlacesMenu(), chosen)

    def action_help(self) -> None:
        from cunwu_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Ctrl+Q: quits, but asks first while a form holds typed data."""
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog

        if getattr(self.screen, "quit_question", False):
            return  # already asking
        stacks = getattr(self, "_screen_stacks", {}).values() or [self.screen_stack]  # every mode's screens
        unsaved = [sc for stack in stacks for sc in stack if getattr(sc, "has_unsaved", lambda: False)()]
        if not unsaved:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        dialog = ConfirmDialog(
            "退出村务通？",
            "正在填写的内容还没有保存，退出后将丢失。\n按 Y 放弃并退出，按 N 回去继续填写（Ctrl+S 保存）。",
        )
        dialog.quit_question = True  # type: ignore[attr-defined]
        self.push_screen(dialog, answer)

    def action_help_quit(self) -> None:
        self.notify("退出请按 Ctrl+Q。", title="要退出吗？")

    def refresh_screen(self) -> None:
        from cunwu_tui.ui.widgets import TopBar

        for screen in self.screen_stack:
            for bar in screen.query(TopBar):
                bar.update(self.top_bar_text())
            refresh = getattr(screen, "refresh_data", None)
            if refresh is not None and screen.is_mounted:
                refresh()

    def top_bar_text(self) -> str:
        d = self.today()
        parts = [f"村务通 {__version__}"]
        if self.services is not None:
            profile = self.services.settings.profile()
            if profile.village:
                parts.append(profile.village)
            op = self.services.operator
            parts.append(f"操作员：{op.name}" if op else "操作员：未选择")
        parts.append(f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}")
        return "　".join(parts)

    # -- command palette ----------------------------------------------------
    def action_command_palette(self) -> None:
        if self.locked or (self.services is not None and self.services.operator is None):
            return
        from cunwu_tui.ui.palette import ChinesePalette

        if self.use_command_palette and not ChinesePalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(ChinesePalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("帮助（F1）", "按键说明与数据文件位置", self.action_help)
        for p in function_keys():
            yield SystemCommand(f"{p.title}（{p.key_text}）", f"打开{p.title}", lambda m=p.id: self.action_go(m))
        yield SystemCommand("登记簿（Ctrl+L）", "全部登记簿和页面，按数字或字母打开", self.action_places)
        yield SystemCommand("换操作员（Ctrl+O）", "选择当前操作的人员，输入其个人密码", self.action_choose_operator)
        yield SystemCommand("锁屏", "暂时离开：锁定屏幕，回来时输入个人密码", self.lock_screen)
        yield SystemCommand("立即备份（F9 中 Ctrl+B）", "备份到设置中记住的位置（如U盘）", self.action_backup_now)
        yield SystemCommand("切换配色", "在彩色与16色配色之间切换", self.action_toggle_colours)
        yield SystemCommand("退出（Ctrl+Q）", "退出村务通", self.action_quit)

    def action_backup_now(self) -> None:
        """From the palette: open F9 设置 on its 备份 page and back up."""
        if not self.ready():
            return
        if self.current_mode != "settings":
            self.switch_mode("settings")
        self.call_after_refresh(lambda: getattr(self.screen, "action_backup_now", lambda: None)())

    def action_toggle_colours(self) -> None:
        self.theme = "textual-dark" if self.theme == "ansi-dark" else "ansi-dark"

    # -- errors -------------------------------------------------------------
    async def _dispatch_action(self, namespace, action_name: str, params) -> bool:
        """Every key action: an unexpected error is reported, not fatal."""
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as exc:  # any error: reported in unexpected()
            self.unexpected(exc)
            return True

    def unexpected(self, exc: BaseException) -> None:
        """An error no rule foresaw: the details go to the log, the clerk
        gets a Chinese message, and the app and the screen stay as they were
        (what was typed in a form is still there)."""
        from cunwu_tui.logsetup import log_path
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        log.error("unexpected error in a screen", exc_info=(type(exc), exc, exc.__traceback__))
        self.bell()
        if any(getattr(s, "unexpected_report", False) for s in self.screen_stack):
            return  # one message at a time
        dialog = MessageDialog(
            "出错了",
            "刚才的操作没有完成，也没有保存任何改动；已填写的内容仍在。\n"
            f"详细信息已写入日志：{log_path()}\n可以重试；"
            "如果再次出现，请把日志文件交给维护人员。",
        )
        dialog.unexpected_report = True  # type: ignore[attr-defined]
        self.push_screen(dialog)

    def _fatal_error(self) -> None:
        """An unexpected error: log the traceback, show a Chinese message."""
        from rich.text import Text

        from cunwu_tui.logsetup import log_path

        log.error("unexpected error", exc_info=self._exception)
        self.bell()
        self._exit_renderables.append(
            Text(f"村务通出错，已退出。已保存的记录不受影响。\n详细信息已写入日志：{log_path()}")
        )
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        if self.services is not None:
            self.services.close()


def _is_chinese(exc: BaseException) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))


def _color_system() -> str | None:
    """The colours the terminal shows, detected as Textual's console does
    (rich, TEXTUAL_COLOR_SYSTEM), before the app has made that console."""
    import io

    from rich.console import Console
    from textual import constants

    console = Console(
        color_system=constants.COLOR_SYSTEM,  # type: ignore[arg-type]
        file=io.StringIO(),
        force_terminal=True,
        legacy_windows=False,
        _environ={k: v for k, v in os.environ.items() if k != "NO_COLOR"},
    )
    return console.color_system


def _pick_theme(color_system: str | None) -> str:
    wanted = os.environ.get("CUNWU_THEME", "").strip().lower()
    if wanted in ("ansi", "16"):
        return "ansi-dark"
    if wanted in ("color", "colour", "dark"):
        return "textual-dark"
    return "ansi-dark" if color_system in (None, "standard", "windows") else "textual-dark"


def run_app(db_url: str) -> int:
    app = CunwuApp(db_url)
    app.run()
    return app.return_code or 0
