"""The Textual app: function keys to every screen, the operator, the theme,
and errors that never reach the screen as a traceback.

The database opens in a worker after the first frame: SQLAlchemy, Alembic
and the migrations stay off the start-up path.
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from cunwu_tui import __version__
from cunwu_tui.ui.palette import ChinesePalette

if TYPE_CHECKING:
    from cunwu_tui.services import Services

log = logging.getLogger("cunwu.ui")

WEEKDAYS = "一二三四五六日"

# Screens reachable by function key: key, mode, Chinese name. A feature's
# screen is listed here only once it has landed.
SCREENS: tuple[tuple[str, str, str], ...] = (
    ("f2", "dashboard", "工作台"),
    ("f3", "lookup", "事项查询"),
    ("f4", "cases", "受理登记"),
    ("f5", "seals", "用印登记"),
    ("f6", "duty", "值班"),
    ("f7", "notices", "公示"),
    ("f8", "export", "台账导出"),
    ("f9", "settings", "设置"),
)


def _modes():
    from cunwu_tui.ui.screens.cases import CasesScreen
    from cunwu_tui.ui.screens.dashboard import DashboardScreen
    from cunwu_tui.ui.screens.duty import DutyScreen
    from cunwu_tui.ui.screens.export import ExportScreen
    from cunwu_tui.ui.screens.lookup import LookupScreen
    from cunwu_tui.ui.screens.notices import NoticesScreen
    from cunwu_tui.ui.screens.seal_register import SealRegisterScreen
    from cunwu_tui.ui.screens.settings import SettingsScreen

    return {"dashboard": DashboardScreen, "export": ExportScreen, "lookup": LookupScreen, "notices": NoticesScreen, "settings": SettingsScreen,
            "seals": SealRegisterScreen, "cases": CasesScreen, "duty": DutyScreen}


class CunwuApp(App[int]):
    TITLE = "村务通"
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    DEFAULT_MODE = "dashboard"
    COMMAND_PALETTE_DISPLAY = "^P"
    BINDINGS = [
        Binding("f1", "help", "帮助", id="help", key_display="F1"),
        Binding("f2", "go('dashboard')", "工作台", id="dashboard", key_display="F2"),
        Binding("f3", "go('lookup')", "查询", id="lookup", key_display="F3"),
        Binding("f4", "go('cases')", "受理", id="cases", key_display="F4"),
        Binding("f5", "go('seals')", "用印", id="seals", key_display="F5"),
        Binding("f6", "go('duty')", "值班", id="duty", key_display="F6"),
        Binding("f7", "go('notices')", "公示", id="notices", key_display="F7"),
        Binding("f8", "go('export')", "导出", id="export", key_display="F8"),
        Binding("f9", "go('settings')", "设置", id="settings", key_display="F9"),
        Binding("ctrl+o", "choose_operator", "换操作员", id="operator", show=False, key_display="^O"),
        Binding("ctrl+p", "command_palette", "命令", id="palette", show=False, key_display="^P"),
        # Not in the footer: nine function keys fill 80 columns. F1 help and the
        # Ctrl+C hint name it.
        Binding("ctrl+q", "quit", "退出", id="quit", priority=True, show=False, key_display="^Q"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, db_url: str, today: date | None = None):
        from cunwu_tui.logsetup import setup_logging

        setup_logging()
        self.MODES = _modes()
        super().__init__()
        self.db_url = db_url
        self._today = today
        self.services: Services | None = None
        self.open_error: str = ""
        self.seal_check = None  # the seal register's chain, checked after the database opens

    # -- start-up -----------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    def on_mount(self) -> None:
        self.theme = _pick_theme(self.console.color_system)
        self.open_database()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def open_database(self) -> None:
        try:
            from cunwu_tui.services import open_services

            services = open_services(self.db_url)
        except Exception as exc:  # shown as a message, details in the log
            log.exception("cannot open database %s", self.db_url)
            from cunwu_tui.logsetup import log_path

            self.call_from_thread(self._database_failed, f"{exc}" if _is_chinese(exc) else
                                  f"无法打开数据库：{self.db_url}（{type(exc).__name__}）", str(log_path()))
            return
        self.call_from_thread(self._database_ready, services)
        try:  # the seal register's hash chain: the 工作台 warns when broken
            check = services.seal_register.verify()
        except Exception:
            log.exception("seal register check failed")
        else:
            self.call_from_thread(self.seal_checked, check)
        try:  # F3 answers at once when the clerk gets there
            services.catalog.warm()
        except Exception:  # F3 shows the message when it is opened
            log.exception("catalog failed to load")

    def _database_ready(self, services: Services) -> None:
        self.services = services
        if services.info.backup:
            self.notify(f"数据库已升级，原文件已备份到：{services.info.backup}", timeout=10)
        self.refresh_screen()
        self.action_choose_operator(required=True)

    def seal_checked(self, check) -> None:
        self.seal_check = check
        self.refresh_screen()

    def _database_failed(self, message: str, log_file: str) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        self.open_error = message
        self.refresh_screen()
        self.push_screen(MessageDialog("无法打开数据库", f"{message}\n\n详细信息已写入日志：{log_file}\n按 Ctrl+Q 退出。"))

    # -- operator -----------------------------------------------------------
    def action_choose_operator(self, required: bool = False) -> None:
        if self.services is None:
            return
        from cunwu_tui.ui.screens.operator import OperatorScreen

        def chosen(staff_id: int | None) -> None:
            if staff_id is not None and self.services is not None:
                op = self.services.set_operator(staff_id)
                self.notify(f"当前操作员：{op.name}")
            self.refresh_screen()

        self.push_screen(OperatorScreen(self.services, required=required or self.services.operator is None), chosen)

    # -- navigation ---------------------------------------------------------
    def ready(self) -> bool:
        return self.services is not None and self.services.operator is not None

    def action_go(self, mode: str) -> None:
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

    def action_help(self) -> None:
        from cunwu_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

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
        if self.use_command_palette and not ChinesePalette.is_open(self):
            self.push_screen(ChinesePalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("帮助（F1）", "按键说明与数据文件位置", self.action_help)
        for key, mode, name in SCREENS:
            yield SystemCommand(f"{name}（{key.upper()}）", f"打开{name}", lambda m=mode: self.action_go(m))
        yield SystemCommand("换操作员（Ctrl+O）", "选择当前操作的人员", self.action_choose_operator)
        yield SystemCommand("切换配色", "在彩色与16色配色之间切换", self.action_toggle_colours)
        yield SystemCommand("退出（Ctrl+Q）", "退出村务通", self.action_quit)

    def action_toggle_colours(self) -> None:
        self.theme = "textual-dark" if self.theme == "ansi-dark" else "ansi-dark"

    # -- errors -------------------------------------------------------------
    async def _dispatch_action(self, namespace, action_name: str, params) -> bool:
        """Every key action: an unexpected error is reported, not fatal."""
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as exc:  # noqa: BLE001 - reported in unexpected()
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
        dialog = MessageDialog("出错了", "刚才的操作没有完成，也没有保存任何改动；已填写的内容仍在。\n"
                                         f"详细信息已写入日志：{log_path()}\n可以重试；"
                                         "如果再次出现，请把日志文件交给维护人员。")
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
