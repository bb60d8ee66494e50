"""One export at a time, in a thread, reported the same way everywhere.

Writing a month's ledgers can take seconds; the screen must keep drawing.
``Exporter`` runs the service call in a thread worker of its screen, holds
the one busy flag (a second start while one runs is refused), and hands the
result back on the screen's thread: the written paths, or the Chinese
messages by field (a ValidationError's own, a SaveError's text, or, for an
unexpected error, which is logged, where the log is).

``export_ledger`` is the one-key export of a register screen (F5's E, F6's
rota and holiday rota): a toast while it runs, a dialog with the files or
the reason. F8 (ui/screens/export.py) shows the same outcome in its form.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from textual.screen import Screen

    from cunwu_tui.services import Services

# The service's progress callback: (ledgers done, the file just written).
Progress = Callable[[int, Path], None]


class Exporter:
    """The export worker of one screen (one flag per screen, as before)."""

    def __init__(self, screen: Screen, field: str = "", group: str = "export"):
        self.screen = screen
        self.field = field  # where a message without a field of its own goes
        self.group = group
        self.running = False

    def start(
        self,
        call: Callable[[Progress], list[Path]],
        done: Callable[[list[Path]], None],
        failed: Callable[[dict[str, str]], None],
        step: Callable[[int], None] | None = None,
    ) -> bool:
        """Run ``call(progress)`` in a thread; then ``done(paths)`` or
        ``failed(errors)`` (and ``step(done_count)`` after each ledger) on
        the screen's thread. False, and nothing started, while one runs."""
        if self.running:
            return False
        self.running = True

        def work() -> None:
            self._run(call, done, failed, step)

        self.screen.run_worker(work, thread=True, group=self.group, exit_on_error=False)
        return True

    def _run(self, call, done, failed, step) -> None:
        from cunwu_tui.errors import SaveError, ValidationError

        app = self.screen.app

        def progress(count: int, _path: Path) -> None:
            if step is not None:
                app.call_from_thread(step, count)

        try:
            paths = call(progress)
        except (ValidationError, SaveError) as exc:
            errors = dict(getattr(exc, "errors", None) or {self.field: str(exc)})
            app.call_from_thread(self._finish, failed, errors)
            return
        except Exception:  # never a traceback on the screen: the log has it
            import logging

            from cunwu_tui.logsetup import log_path

            logging.getLogger("cunwu.ui").exception("export failed")
            app.call_from_thread(self._finish, failed, {self.field: f"导出失败，详细信息见日志：{log_path()}"})
            return
        app.call_from_thread(self._finish, done, paths)

    def _finish(self, report: Callable, outcome) -> None:
        self.running = False
        report(outcome)


def export_ledger(exporter: Exporter, services: Services, month: str, ledger: str, title: str, hint: str) -> None:
    """Export one ledger of ``month`` to the export folder: "正在导出" as a
    toast, then a dialog naming the files (and ``hint``: how to print it)
    or why not. A key pressed again while it runs does nothing."""
    screen = exporter.screen
    app = screen.app

    def done(paths: list[Path]) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        lines = "\n".join(str(p.resolve()) for p in paths)
        app.push_screen(MessageDialog(f"{month} {title}已导出", f"{lines}\n\n{hint}"))

    def failed(errors: dict[str, str]) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        app.push_screen(MessageDialog(f"未能导出{title}", "\n".join(errors.values())))

    if exporter.running:
        return
    screen.notify(f"正在导出 {month} {title}。")
    today = app.today()  # type: ignore[attr-defined]
    exporter.start(lambda _progress: services.exports.export(month, [ledger], today=today), done, failed)
