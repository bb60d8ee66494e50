"""F8 台账导出: month, ledgers, folder; a progress bar; the written files."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from cunwu_tui.ui.screens.base import AppScreen
from cunwu_tui.ui.screens.exporting import Exporter
from cunwu_tui.ui.widgets import CheckList, FieldError, Form, StepProgress, field_row


class ExportScreen(AppScreen):
    # Not in the footer: the button says Ctrl+S, and ten function keys fill 80 columns.
    BINDINGS = [Binding("ctrl+s", "export", "导出", key_display="^S", show=False)]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll():
            with Form(id="export-form"):
                yield from field_row("月份", "month", Input(placeholder="如：2026-10", max_length=7))
                yield Label("台账（空格键勾选，默认全部）")
                yield CheckList(id="f-ledgers")
                yield FieldError("ledgers")
                yield from field_row("输出文件夹", "out_dir", Input())
                yield FieldError("profile")
                with Horizontal(classes="buttons"):
                    yield Button("导出（Ctrl+S）", id="export", compact=True)
                yield StepProgress(id="progress")
            yield Static("", id="result")
            with Horizontal(classes="buttons", id="open-buttons"):
                yield Button("打开文件夹", id="open-folder", compact=True)
                yield Button("打开第一个文件（打印）", id="open-file", compact=True)

    def on_mount(self) -> None:
        self._loaded = False
        self._exporter = Exporter(self, field="out_dir")
        self._written: list[Path] = []
        self.query_one("#open-buttons").display = False
        self.refresh_data()

    @on(Button.Pressed, "#open-folder")
    def open_folder(self) -> None:
        if self._written:
            self._open(self._written[0].parent)

    @on(Button.Pressed, "#open-file")
    def open_file(self) -> None:
        if self._written:
            self._open(self._written[0])

    def _open(self, path: Path) -> None:
        from cunwu_tui.desktop import open_path

        problem = open_path(path)
        self.query_one("#result", Static).update(problem or f"已打开：{path}")

    def refresh_data(self) -> None:
        services = self.services
        if services is None or self._loaded:
            return
        from cunwu_tui.services.export import default_month, ledger_choices

        self._loaded = True
        self.query_one("#f-month", Input).value = default_month(self.app.today())  # type: ignore[attr-defined]
        lst = self.query_one("#f-ledgers", CheckList)
        choices = ledger_choices()
        self._titles = {c.name: c.title for c in choices}
        lst.set_choices([(f"{c.title}（{c.name}）", c.name, True) for c in choices])
        lst.styles.height = min(lst.option_count, 5) + 2
        self.query_one("#f-out_dir", Input).value = str(services.exports.default_dir())
        self.query_one("#f-month", Input).focus()

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self._exporter.running:
            self.query_one("#result", Static).update("正在导出，请等这一次导出完成。")
            return
        form = self.query_one(Form)
        form.clear_errors()
        month = self.query_one("#f-month", Input).value
        names = list(self.query_one("#f-ledgers", CheckList).selected)
        if not names:
            form.show_errors({"ledgers": "请至少选择一种台账。"})
            return
        out_dir = self.query_one("#f-out_dir", Input).value.strip()
        self.query_one("#result", Static).update("正在导出，请稍候。")
        titles = [self._titles[n] for n in names]
        bar = self.query_one("#progress", StepProgress)
        bar.update_progress(0, len(names), titles[0])
        services, today = self.live, self.app.today()  # type: ignore[attr-defined]
        self._exporter.start(
            lambda progress: services.exports.export(
                month, names, out_dir or None, remember_dir=True, today=today, on_ledger=progress
            ),
            self._done,
            self._failed,
            lambda done: self._step(done, titles),
        )

    def _step(self, done: int, titles: list[str]) -> None:
        label = titles[done] if done < len(titles) else "完成"
        self.query_one("#progress", StepProgress).update_progress(done, len(titles), label)

    def _failed(self, errors: dict[str, str]) -> None:
        self.query_one("#progress", StepProgress).display = False
        self.query_one("#result", Static).update("导出未完成，请看上面的提示。")
        self.query_one(Form).show_errors(errors)

    def _done(self, paths: list[Path]) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        self._written = [p.resolve() for p in paths]
        self.query_one("#open-buttons").display = bool(paths)
        lines = [str(p.resolve()) for p in paths]
        result = self.query_one("#result", Static)
        result.update("\n".join([f"已导出 {len(paths)} 个文件："] + lines))
        result.scroll_visible()
        # A dialog, not a toast: a toast would cover the paths at 80 columns.
        self.app.push_screen(MessageDialog(f"已导出 {len(paths)} 个文件", "\n".join(lines)))
