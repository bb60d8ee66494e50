"""Navigation beyond nine screens (#17): the 登记簿 menu (Ctrl+L) at 80x24,
by real keys, and the one list of places (ui/places.PLACES) that the
bindings, the menu, F1 help and the palette all read."""

from __future__ import annotations

from textual.widgets import OptionList, TabbedContent

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.places import MENU_KEY, PLACES, menu_letter
from cunwu_tui.features.cases.screens import CasesScreen
from cunwu_tui.ui.screens.dashboard import DashboardScreen
from cunwu_tui.features.duty.screens import DutyScreen, HolidayScreen, RotaScreen
from cunwu_tui.ui.screens.places import PlacesMenu
from cunwu_tui.features.residents.screens import ResidentsScreen
from cunwu_tui.ui.screens.settings import SettingsScreen

from test_app import SIZE, TODAY, start, wait_for


def test_one_list_feeds_the_bindings_the_help_and_the_palette():
    from cunwu_tui.ui.screens.help import help_text

    KEYS = help_text()

    bound = {b.key: b for b in CunwuApp.BINDINGS if not isinstance(b, tuple)}
    for i, p in enumerate(PLACES):
        if p.key:
            assert bound[p.key].action == f"go('{p.id}')"
            assert f"{p.key_text}        {p.title}" in KEYS
        assert f"{menu_letter(i).upper()} {p.title}" in KEYS
    assert MENU_KEY in bound and "Ctrl+L    登记簿" in KEYS
    # more places than function keys: the residents, the rotas, the staff list
    assert {"residents", "rota", "holiday_rota", "staff"} <= {p.id for p in PLACES if not p.key}


def test_every_help_line_fits_the_help_dialog_at_80_columns():
    """F1's text is wrapped by hand (a Chinese line wrapped by the terminal
    breaks mid-phrase): each line within the dialog's 70 cells, the
    features' sections too."""
    from rich.cells import cell_len

    from cunwu_tui.ui.screens.help import help_text

    too_long = [line for line in help_text().splitlines() if cell_len(line) > 70]
    assert not too_long, too_long


async def test_ctrl_l_opens_every_place_by_letter_and_by_arrows(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert isinstance(app.screen, DashboardScreen)

        async def menu():
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda: isinstance(app.screen, PlacesMenu))
            return app.screen

        # every place is listed, the whole list visible at 80x24
        shown = await menu()
        options = shown.query_one(OptionList)
        assert options.option_count == len(PLACES)
        assert [options.get_option_at_index(i).id for i in range(len(PLACES))] == [p.id for p in PLACES]
        box = shown.query_one("#places-menu").region
        assert box.bottom <= SIZE[1] and box.right <= SIZE[0]
        assert options.max_scroll_y == 0
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))

        # 4: 居民登记, opened from F4 as F4's R does
        await menu()
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentsScreen))
        assert app.current_mode == "cases" and isinstance(app.screen_stack[-2], CasesScreen)

        # arrows and Enter: 月值班表 (the 7th line), from a list opened on another screen
        await menu()
        await pilot.press("home", *["down"] * 6, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RotaScreen))
        assert app.current_mode == "duty"

        # 8: 中长假值班表, from the rota: back to 值班 first, then J
        await menu()
        await pilot.press("8")
        await wait_for(pilot, lambda: isinstance(app.screen, HolidayScreen))
        assert isinstance(app.screen_stack[-2], DutyScreen)

        # C: the staff list, on its page of 设置
        await menu()
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await wait_for(pilot, lambda: app.screen.query_one("#tabs", TabbedContent).active == "tab-staff")

        # 2: a function-key screen as its key would
        await menu()
        await pilot.press("2")
        await wait_for(pilot, lambda: app.current_mode == "lookup")


async def test_every_place_is_in_the_palette(demo_db):
    from cunwu_tui.ui.palette import app_commands

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        commands = {c.title: c for c in app_commands(app, app.screen)}
        for i, p in enumerate(PLACES):
            assert commands[f"打开{p.title}"].place == (p.key_text or f"Ctrl+L {menu_letter(i).upper()}")
        assert "登记簿" in commands
        commands["打开居民登记"].run()
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentsScreen))
