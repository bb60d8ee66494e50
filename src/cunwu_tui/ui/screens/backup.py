"""F9 设置 -> 备份: back up now (Ctrl+B, to the remembered place, e.g. a USB
stick), the automatic backup's generations and warning, restore from a file.

The page is a TabPane of the settings screen; the work is done by
services/backup.py (the same calls as `cunwu backup` / `cunwu restore`), in
thread workers so that a large database never freezes the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static, TabbedContent

from cunwu_tui.errors import SaveError, ValidationError
from cunwu_tui.ui.widgets import FieldError, Form, backup_warning, field_row

if TYPE_CHECKING:
    from cunwu_tui.services import Services


def compose_backup_page() -> ComposeResult:
    with Form(id="backup-form"):
        yield Static("", id="backup-status", classes="hint")
        yield from field_row(
            "备份位置", "backup_dir", Input(placeholder="U盘上的文件夹，如 E:\\村务通备份；空着为本机备份文件夹")
        )
        with Horizontal(classes="row"):
            yield Label("自动备份保留", classes="label")
            yield Input(id="f-keep_daily", classes="num", max_length=3)
            yield Label("份（每天一份）", classes="unit")
            yield Input(id="f-keep_monthly", classes="num", max_length=3)
            yield Label("份（每月一份）", classes="unit")
        with Horizontal(classes="row"):
            yield Label("提醒", classes="label")
            yield Input(id="f-warn_days", classes="num", max_length=3)
            yield Label("天没有备份时在工作台提醒", classes="unit")
        for name in ("keep_daily", "keep_monthly", "warn_days"):
            yield FieldError(name)
        yield from field_row("从备份恢复", "restore_file", Input(placeholder="备份文件（.db）的完整路径，回车检查"))
        with Horizontal(classes="buttons"):
            yield Button("立即备份（Ctrl+B）", id="backup-now", compact=True)
            yield Button("保存设置（Ctrl+S）", id="save-backup", compact=True)
            yield Button("检查并恢复", id="restore", compact=True)


def _field_errors(exc: Exception) -> dict[str, str]:
    errors = dict(getattr(exc, "errors", None) or {"backup_dir": str(exc)})
    if "dir" in errors:
        errors["backup_dir"] = errors.pop("dir")
    return errors


class BackupPageMixin(Screen):
    """The 备份 page's loading and actions (mixed into SettingsScreen; a
    Screen subclass so that Textual collects its ``@on`` handlers)."""

    if TYPE_CHECKING:
        services: Services | None  # AppScreen's, in SettingsScreen
        live: Services

    def _load_backup(self) -> None:
        services = self.services
        if services is None:
            return
        current = services.backups.current_settings()
        self.query_one("#f-backup_dir", Input).value = current.dir
        self.query_one("#f-keep_daily", Input).value = str(current.keep_daily)
        self.query_one("#f-keep_monthly", Input).value = str(current.keep_monthly)
        self.query_one("#f-warn_days", Input).value = str(current.warn_days)
        self._show_backup_status()

    def _show_backup_status(self, extra: str = "") -> None:
        services = self.services
        if services is None:
            return
        status = services.backups.status()
        current = services.backups.current_settings()
        first = extra or backup_warning(status) or status.lines[0]
        lines = [first, f"每天第一次打开时自动备份到：{current.managed_dir}"]
        self.query_one("#backup-status", Static).update("\n".join(lines))

    @on(Button.Pressed, "#save-backup")
    def _save_backup_settings(self) -> None:
        form = self.query_one("#backup-form", Form)
        values = {
            f: self.query_one(f"#f-{f}", Input).value for f in ("backup_dir", "keep_daily", "keep_monthly", "warn_days")
        }
        try:
            self.live.backups.save_settings(
                values["backup_dir"], values["keep_daily"], values["keep_monthly"], values["warn_days"]
            )
        except (ValidationError, SaveError) as exc:
            form.show_errors(_field_errors(exc))
            return
        form.clear_errors()
        self.notify("备份设置已保存。")
        self._show_backup_status()

    # -- back up now ------------------------------------------------------
    @on(Button.Pressed, "#backup-now")
    def action_backup_now(self) -> None:
        if self.services is None:
            return
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active != "tab-backup":
            tabs.active = "tab-backup"
        form = self.query_one("#backup-form", Form)
        typed = self.query_one("#f-backup_dir", Input).value.strip()
        current = self.services.backups.current_settings().dir
        if typed != current:  # what is on the screen is where it goes: remember it first
            try:
                self.services.backups.save_settings(
                    typed,
                    *(self.query_one(f"#f-{f}", Input).value for f in ("keep_daily", "keep_monthly", "warn_days")),
                )
            except (ValidationError, SaveError) as exc:
                form.show_errors(_field_errors(exc))
                return
        form.clear_errors()
        self._show_backup_status("正在备份，请稍候。")
        self._run_backup()

    @work(thread=True, exclusive=True, group="backup", exit_on_error=False)
    def _run_backup(self) -> None:
        from cunwu_tui.services.backup import BackupError

        try:
            result = self.live.backups.backup_now()
        except (ValidationError, BackupError) as exc:
            self.app.call_from_thread(self._backup_failed, exc)
            return
        except Exception as exc:  # never a traceback on the screen
            import logging

            logging.getLogger("cunwu.ui").exception("backup failed")
            self.app.call_from_thread(self._backup_failed, BackupError(f"备份失败：{type(exc).__name__}"))
            return
        self.app.call_from_thread(self._backup_done, result)

    def _backup_failed(self, exc: Exception) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        errors = _field_errors(exc)
        self.query_one("#backup-form", Form).show_errors(errors)
        self._show_backup_status()
        self.app.push_screen(MessageDialog("没有备份", "\n".join(errors.values())))
        self.app.refresh_screen()  # type: ignore[attr-defined]  # the 工作台 shows the failure too

    def _backup_done(self, result) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        self._show_backup_status()
        self.app.push_screen(
            MessageDialog(
                "已备份",
                f"备份文件：{result.path}\n说明文件：{result.manifest.name}\n"
                f"大小：{max(1, result.size // 1024)} KB，已通过自检。",
            )
        )
        self.app.refresh_screen()  # type: ignore[attr-defined]

    # -- restore ----------------------------------------------------------
    @on(Input.Submitted, "#f-restore_file")
    @on(Button.Pressed, "#restore")
    def _check_restore(self) -> None:
        form = self.query_one("#backup-form", Form)
        path = self.query_one("#f-restore_file", Input).value.strip().strip('"')
        if self.live.backups.on_server:  # a server's database is restored there (pg_restore)
            from cunwu_tui.services.backup import SERVER_BACKUP

            form.show_errors({"restore_file": SERVER_BACKUP})
            return
        if not path:
            form.show_errors({"restore_file": "请填写要恢复的备份文件的完整路径。"})
            return
        form.clear_errors()
        self._show_backup_status("正在检查备份文件，请稍候。")
        self._inspect(path)

    @work(thread=True, exclusive=True, group="backup", exit_on_error=False)
    def _inspect(self, path: str) -> None:
        from cunwu_tui.services.backup import BackupError, inspect_backup

        try:
            info = inspect_backup(path)
        except BackupError as exc:
            self.app.call_from_thread(self._restore_refused, str(exc))
            return
        except Exception as exc:
            import logging

            logging.getLogger("cunwu.ui").exception("cannot inspect %s", path)
            self.app.call_from_thread(self._restore_refused, f"无法检查这个文件：{type(exc).__name__}")
            return
        self.app.call_from_thread(self._ask_restore, info)

    def _restore_refused(self, message: str) -> None:
        self.query_one("#backup-form", Form).show_errors({"restore_file": message})
        self._show_backup_status()

    def _ask_restore(self, info) -> None:
        from cunwu_tui.paths import backup_dir_for, sqlite_file
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog

        self._show_backup_status()
        db = sqlite_file(self.app.db_url)  # type: ignore[attr-defined]
        assert db is not None  # backups, and so a restore, only for a database file
        text = (
            f"{info.summary()}\n\n恢复后，现在的数据库先移到 {backup_dir_for(db)}，"
            f"再换成这个备份；其他村务通窗口须先关闭。确认恢复吗？"
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.app.restore_database(info)  # type: ignore[attr-defined]

        def answered(yes: bool | None) -> None:
            if yes:  # replacing the database is an administrator's decision (as for cunwu restore)
                from cunwu_tui.ui.screens.forms import AdminConfirmForm

                self.app.push_screen(
                    AdminConfirmForm(
                        self.live,
                        "从备份恢复：管理员确认",
                        f"将用 {info.path.name} 替换现在的数据库，须由管理员输入本人密码确认。",
                    ),
                    confirmed,
                )

        self.app.push_screen(ConfirmDialog("从备份恢复", text), answered)
