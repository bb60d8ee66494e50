"""The one export worker (ui/screens/exporting.py): one export at a time,
the screen keeps drawing, the outcome comes back on the screen's thread in
the same shape whatever went wrong."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.app import App
from textual.screen import Screen

from cunwu_tui.errors import SaveError, ValidationError
from cunwu_tui.ui.screens.exporting import Exporter

from test_app import wait_for


class _Host(App):
    def on_mount(self) -> None:
        self.push_screen(Screen())


async def test_one_export_at_a_time_and_its_outcome(tmp_path):
    app = _Host()
    async with app.run_test() as pilot:
        exporter = Exporter(app.screen, field="out_dir")
        release = threading.Event()
        outcome: list = []
        steps: list[int] = []
        main_thread = threading.get_ident()

        def call(progress):
            release.wait(5)
            progress(1, tmp_path / "a.xlsx")
            return [tmp_path / "a.xlsx"]

        def done(paths: list[Path]) -> None:
            assert threading.get_ident() == main_thread  # reported on the screen's thread
            outcome.append(paths)

        assert exporter.start(call, done, outcome.append, steps.append)
        assert exporter.running
        assert not exporter.start(call, done, outcome.append)  # a second start is refused
        release.set()
        await wait_for(pilot, lambda: bool(outcome))
        assert outcome == [[tmp_path / "a.xlsx"]] and steps == [1]
        assert not exporter.running

        def refuse(errors):
            def call(_progress):
                raise errors

            return call

        for exc, expected in [
            (ValidationError({"month": "月份写法不对"}), {"month": "月份写法不对"}),
            (SaveError("磁盘已满"), {"out_dir": "磁盘已满"}),
        ]:
            outcome.clear()
            assert exporter.start(refuse(exc), done, outcome.append)
            await wait_for(pilot, lambda: bool(outcome))
            assert outcome == [expected] and not exporter.running

        outcome.clear()
        assert exporter.start(refuse(RuntimeError("boom")), done, outcome.append)
        await wait_for(pilot, lambda: bool(outcome))
        (errors,) = outcome
        assert list(errors) == ["out_dir"] and errors["out_dir"].startswith("导出失败，详细信息见日志：")
        assert "boom" not in errors["out_dir"] and not exporter.running


async def test_f6_rota_e_exports_once_and_says_where(demo_db, tmp_path, monkeypatch):
    """E on the month's rota: a toast, then one dialog naming the file; E
    pressed again while it runs starts nothing."""
    from textual.widgets import Static

    from cunwu_tui.ui.app import CunwuApp
    from cunwu_tui.ui.screens.dialogs import MessageDialog
    from cunwu_tui.features.duty.screens import RotaScreen

    from test_app import SIZE, TODAY, start

    monkeypatch.chdir(tmp_path)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f6", "r")
        await pilot.pause()
        assert isinstance(app.screen, RotaScreen)
        await pilot.press("e", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        await pilot.pause(0.2)
        assert sum(isinstance(s, MessageDialog) for s in app.screen_stack) == 1
        (written,) = (tmp_path / "exports").glob("*值班表*.xlsx")
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "值班表已导出" in text and str(written) in text
