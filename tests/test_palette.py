"""Ctrl+P at 80x24: the app's screens and actions found by Chinese, full
pinyin, initials, or Chinese typed out of order; built from the app's own
bindings."""

from __future__ import annotations

import pytest
from textual.command import CommandList

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.palette import ChinesePalette, app_commands, build_index, find
from cunwu_tui.features.cases.screens import CasesScreen, IntakeForm
from cunwu_tui.features.duty.screens import LogForm
from cunwu_tui.features.seals.screens import SealUseForm

from test_app import SIZE, TODAY, start, type_text, wait_for


def _titles(app, query: str) -> list[str]:
    commands = app_commands(app, app.screen)
    return [c.title for c in find(commands, build_index(commands), query)]


async def test_the_commands_come_from_the_apps_bindings_and_match_pinyin(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        commands = app_commands(app, app.screen)
        titles = {c.title for c in commands}
        # Every named key of every main screen is there, and every screen.
        from cunwu_tui.features.duty.screens import DutyScreen

        assert {f"值班：{b.description}" for b in DutyScreen.BINDINGS if len(b.description) <= 2} <= titles
        assert {"打开受理登记", "打开值班", "新建受理", "帮助", "退出"} <= titles
        # all in Chinese: Textual's own Tab / Ctrl+C bindings are not commands
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in titles), sorted(titles)
        for query, first in (
            ("新建受理", "新建受理"),
            ("shouli", None),
            ("xjsl", "新建受理"),
            ("登记用印", "用印登记：登记"),
            ("记值班", "值班：记录"),
            ("jilu", "值班：记录"),
            ("zhiban", None),
        ):
            got = _titles(app, query)
            assert got, query
            if first:
                assert got[0] == first, (query, got[:4])
        shouli = _titles(app, "shouli")
        assert shouli[0] == "打开受理登记" and "新建受理" in shouli and len(shouli) == len(set(shouli))
        assert _titles(app, "qqqq") == []


@pytest.mark.parametrize("query,form", [("xjsl", IntakeForm), ("记值班", LogForm), ("登记用印", SealUseForm)])
async def test_ctrl_p_runs_an_action_on_its_screen(demo_db, query, form):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: app.services.catalog.ready)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, ChinesePalette))
        await type_text(pilot, query)
        palette = app.screen
        await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 0)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, form))
        if form is IntakeForm:
            assert app.screen_stack[-2].__class__ is CasesScreen
