"""Small things a clerk sees: the village in the top bar after first-run
setup, F1 naming the database file, the duty screen using a wider terminal,
tick boxes that keep their label, the month rota on one printed page, the
letter not sending the resident to ask the clerk who wrote it."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from textual.widgets import DataTable, Static

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dashboard import DashboardScreen
from cunwu_tui.ui.widgets import TopBar, checkbox_line

from identity_helpers import PIN
from test_app import SIZE, TODAY, start, type_text, wait_for


async def test_first_run_village_in_the_top_bar_and_f1_names_the_file(db_url, tmp_path):
    from sqlalchemy.engine import make_url

    from cunwu_tui.paths import sqlite_file
    from cunwu_tui.ui.screens.help import HelpScreen
    from cunwu_tui.ui.screens.operator import OperatorScreen

    app = CunwuApp(db_url, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen))
        # its text, once composed (a busy machine shows the screen a frame before)
        await wait_for(pilot, lambda: "按回车" in "".join(str(w.render()) for w in app.screen.query(Static)))
        await type_text(pilot, "赵丽")
        await pilot.press("enter", "enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.ready())
        await pilot.press("f9")
        await pilot.pause()
        await type_text(pilot, "青山村")
        await pilot.press("tab")
        await type_text(pilot, "柳河镇")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "青山村" in str(app.screen.query_one(TopBar).render())
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "".join(str(w.render()) for w in app.screen.query(Static))
        if sqlite_file(db_url):  # the file, not its URL
            assert "sqlite:" not in text and str(tmp_path / "cunwu.db") in text
        else:  # the database on the server, by its name (CUNWU_TEST_BACKEND=postgresql)
            assert "数据库：postgresql" in text and make_url(db_url).database in text


async def _duty_content_width(db, size) -> int:
    app = CunwuApp(db, today=TODAY)
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: datetime(2026, 11, 22, 21, 30)
        app.services.duty.add_log(
            "来访", "三组村民反映村道两侧路灯不亮已经一个多星期，晚上出行不便，希望尽快修好并安排电工巡查", at="21:00"
        )
        await pilot.press("f6")
        await pilot.pause()
        table = app.screen.query_one("#duty-log", DataTable)
        return max(len(str(table.get_row_at(i)[2])) for i in range(table.row_count))


async def test_the_duty_log_uses_a_wider_terminal(demo_db):
    narrow = await _duty_content_width(demo_db, SIZE)
    wide = await _duty_content_width(demo_db, (100, 30))
    assert wide >= narrow + 10


def test_a_tick_box_keeps_its_label_on_its_line():
    console = Console(width=24, record=True, color_system=None)
    console.print(checkbox_line(False, "户口簿首页及本人页复印件一份、身份证复印件"))
    lines = console.export_text().splitlines()
    assert lines[0].startswith("[ ] 户口簿") and all(line.startswith("    ") for line in lines[1:]) and len(lines) > 1


def test_the_month_rota_prints_on_one_page(demo_services, tmp_path):
    from openpyxl import load_workbook

    from datetime import date

    paths = demo_services.exports.export("2026-11", ["duty_rota", "duty_log"], tmp_path, today=date(2026, 12, 2))
    pages = {p.name: load_workbook(p).active.page_setup for p in paths}
    rota = next(v for k, v in pages.items() if "值班表" in k)
    log = next(v for k, v in pages.items() if "值班记录" in k)
    assert (rota.fitToWidth, rota.fitToHeight) == (1, 1)
    assert log.fitToHeight == 0  # a long register may run to several pages


def test_the_letter_does_not_send_the_resident_to_the_clerk():
    from cunwu_tui.features.lookup.service import NOT_STATED

    assert "经办人" not in NOT_STATED and "未载明" in NOT_STATED


def test_the_theme_is_the_terminals_from_the_start(monkeypatch, db_url):
    """The app starts on the theme the terminal can show (16 colours: ansi;
    more: the colour one; CUNWU_THEME overrides), guessed before Textual's
    console exists the way that console detects it: the guess agrees with
    it, so no theme change restyles everything before the first frame."""
    from cunwu_tui.ui import app as app_module

    cases = [
        ({"TERM": "xterm", "COLORTERM": ""}, None),
        ({"TERM": "xterm-256color", "COLORTERM": ""}, None),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, None),
        ({"TERM": "dumb", "COLORTERM": ""}, None),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "ansi"),
        ({"TERM": "xterm", "COLORTERM": ""}, "colour"),
    ]
    seen = set()
    for env, wanted in cases:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        if wanted:
            monkeypatch.setenv("CUNWU_THEME", wanted)
        else:
            monkeypatch.delenv("CUNWU_THEME", raising=False)
        app = CunwuApp(db_url)
        assert app_module._color_system() == app.console.color_system, env
        expected = app_module._pick_theme(app.console.color_system)
        assert app.theme == expected and app.current_theme.name == expected
        assert ("ansi" in app.theme) == app.native_ansi_color  # the colours drawn follow the theme
        assert app.has_class("-dark-mode")
        seen.add(app.theme)
    assert seen == {"ansi-dark", "textual-dark"}
