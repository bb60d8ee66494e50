"""SVG snapshots of every screen at 80x24 (pytest-textual-snapshot).

Each test drives the app on the demo village to one screen and compares
the screen with ``tests/__snapshots__/test_snapshots/<test>.svg``. After an
intended change of the UI: ``python -m pytest tests/test_snapshots.py
--snapshot-update``, then look at the changed SVGs (README, 运行测试).

Deterministic by construction:
- the day is TODAY and the clock NOW (``Core.clock``, set as soon as the
  app's worker has opened the database: every record, the sign-in and the
  day's automatic backup carry NOW);
- the database is ``cunwu.db`` in the test's own folder, opened by a
  relative URL from there, so the backup folder and files on screen are
  ``cunwu_备份/...``; the export folder is a fixed setting;
- the start-up worker is through before anything is pressed, every
  worker before the screenshot, and each step waits for its screen's data;
- no toast (they leave on a timer) and no blinking cursor (a 0.5 s timer)
  at the moment of the screenshot;
- ``check_no_temp_path`` refuses a screen showing the test's folder.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from textual.widgets import DataTable, OptionList

from identity_helpers import PIN

TODAY = date(2026, 11, 22)  # a Sunday, as in the other Pilot tests
NOW = datetime(2026, 11, 22, 9, 30)
SIZE = (80, 24)
DB_URL = "sqlite:///cunwu.db"  # relative to the test's folder (see _in_tmp)
EXPORT_DIR = "exports"  # F8 and the letters: the test's own folder (cwd), shown as "exports"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def _demo_file(tmp_path_factory):
    """The demo village, made once per module (per xdist worker) and copied
    for each test. Made under a patched HOME like every test (conftest)."""
    import os
    import shutil

    from cunwu_tui.domain import pins
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo
    from cunwu_tui.services.settings import EXPORT_DIR as EXPORT_KEY

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("demo-home")
        for var, sub in (
            ("HOME", ""),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
        ):
            mp.setenv(var, str(home / sub) if sub else str(home))
        mp.delenv("CUNWU_DB", raising=False)
        mp.setattr(pins, "SCRYPT_N", 2**10)
        mp.chdir(folder)
        services = open_services(DB_URL)
        try:
            fill_demo(services, today=TODAY)
            services.core.clock = lambda: NOW
            services.settings.set(EXPORT_KEY, EXPORT_DIR)
        finally:
            services.close()
    assert not any(p.name.endswith(("-wal", "-shm")) for p in folder.iterdir()), os.listdir(folder)
    db = folder / "cunwu.db"
    assert db.exists()
    yield db
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def make_app(_demo_file, tmp_path, monkeypatch):
    """A CunwuApp on a copy of the demo village, the clock at NOW."""
    import shutil

    import cunwu_tui.services as services_module
    import cunwu_tui.ui.app as app_module
    from cunwu_tui.ui.app import CunwuApp

    shutil.copyfile(_demo_file, tmp_path / "cunwu.db")
    real_open = services_module.open_services

    def open_at_now(url, *args, **kwargs):
        services = real_open(url, *args, **kwargs)
        services.core.clock = lambda: NOW
        return services

    monkeypatch.setattr(services_module, "open_services", open_at_now)

    # The version in the top bar: fixed, so that a release does not touch
    # every snapshot.
    monkeypatch.setattr(app_module, "__version__", "0.0.0")

    def make(theme: str = "colour") -> CunwuApp:
        # The app's own switch (README, 按键: CUNWU_THEME). Without it the
        # theme follows the terminal, and a headless run reports 16 colours.
        monkeypatch.setenv("CUNWU_THEME", theme)
        return CunwuApp(DB_URL, today=TODAY)

    return make


async def wait_for(pilot, predicate, tries: int = 3000):
    """Poll (never a timed assertion): generous, for a loaded CI machine."""
    for _ in range(tries):
        await pilot.pause(0.02)
        if predicate():
            return
    raise AssertionError("condition not reached")


async def until_ready(pilot):
    """The database worker is through (checks, catalog, automatic backup)
    and the operator picker is up."""
    from cunwu_tui.ui.screens.operator import OperatorScreen

    app = pilot.app
    await wait_for(pilot, lambda: app._startup_done.is_set() and isinstance(app.screen, OperatorScreen))
    await pilot.pause()


async def sign_in(pilot):
    """As test_app.start: the remembered operator (赵丽), the demo PIN."""
    app = pilot.app
    await until_ready(pilot)
    await pilot.press("enter")
    await pilot.press(*PIN, "enter")
    await wait_for(
        pilot,
        lambda: (
            app.ready()
            and screen_is(app, "DashboardScreen")
            and "操作员：赵丽" in str(app.screen.query_one("#today").render())
        ),
    )
    # "当前操作员：赵丽" leaves on a timer: gone before another screen is
    # pushed (a toast stays in the rack of the screen it was shown on)
    app.clear_notifications()
    await pilot.pause()


async def settle(pilot):
    """What the screenshot must not depend on: a worker still running (a
    search, the palette's), toasts (timed), the cursor's blink (timed).
    And the test's folder must not be on screen."""
    app = pilot.app
    await wait_for(pilot, lambda: all(w.is_finished for w in app.workers))
    app.clear_notifications()
    for screen in app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False
    await pilot.pause()
    check_no_temp_path(app)


def check_no_temp_path(app):
    import os
    import re

    svg = app.export_screenshot()
    cwd = os.getcwd()
    plain = re.sub(r"<[^>]+>", "", svg).replace("&#160;", " ")
    found = [part for part in (os.path.basename(cwd), "pytest-of-") if part in plain]
    assert not found, f"a temporary path is on screen ({found}): a screen showing a path needs a fixed one"


def screen_is(app, name: str) -> bool:
    return type(app.screen).__name__ == name


async def go(pilot, key: str, screen: str, ready=None):
    """Press ``key``, wait until ``screen`` (a class name) is on top and
    ``ready(screen)`` holds (its data is in place)."""
    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: screen_is(app, screen) and (ready is None or ready(app.screen)))
    await pilot.pause()


def rows(table_id: str):
    return lambda screen: screen.query_one(table_id, DataTable).row_count > 0


def shown(static_id: str):
    return lambda screen: str(screen.query_one(static_id).render()).strip() != ""


def filled(input_id: str):
    return lambda screen: screen.query_one(input_id).value != ""


def steps(*actions):
    """A run_before: sign in, run ``actions`` (each ``await action(pilot)``),
    settle."""

    async def run(pilot):
        await sign_in(pilot)
        for action in actions:
            await action(pilot)
        await settle(pilot)

    return run


def to(key: str, screen: str, ready=None):
    async def action(pilot):
        await go(pilot, key, screen, ready)

    return action


def typing(text: str, ready=None):
    async def action(pilot):
        await pilot.press(*text)
        if ready is not None:
            await wait_for(pilot, lambda: ready(pilot.app.screen))
        await pilot.pause()

    return action


def shot(snap_compare, app, *actions) -> bool:
    return snap_compare(app, run_before=steps(*actions), terminal_size=SIZE)


catalog_ready = lambda screen: screen.app.services.catalog.ready  # noqa: E731
F3 = to("f3", "LookupScreen", lambda s: catalog_ready(s) and s.query_one("#results", OptionList).option_count > 100)
SEARCH = typing("低保", lambda s: 0 < s.query_one("#results", OptionList).option_count < 100)
MATTER = to("enter", "MatterScreen", shown("#detail"))  # Enter from the search box opens the first result
F4 = to("f4", "CasesScreen", rows("#case-table"))
F5 = to("f5", "SealRegisterScreen", rows("#seal-table"))
F6 = to("f6", "DutyScreen", shown("#duty-now"))
F7 = to("f7", "NoticesScreen", rows("#notice-table"))
F9 = to("f9", "SettingsScreen", filled("#f-village"))


def tab(name: str, ready=None):
    """F9 again turns the page (README, 备份与恢复)."""

    async def action(pilot):
        screen = pilot.app.screen
        await pilot.press("f9")
        await wait_for(pilot, lambda: screen.query_one("#tabs").active == name and (ready is None or ready(screen)))
        await pilot.pause()

    return action


STAFF = tab("tab-staff", rows("#staff-table"))
SEALS = tab("tab-seals", rows("#seal-table"))


# -- before anyone works --------------------------------------------------


def test_operator_picker(snap_compare, make_app):
    """The picker after start: the last operator (赵丽) preselected."""

    async def run(pilot):
        await until_ready(pilot)
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run, terminal_size=SIZE)


def test_operator_wrong_pin(snap_compare, make_app):
    """赵丽 chosen, a wrong PIN: refused at the field."""

    async def run(pilot):
        await until_ready(pilot)
        await pilot.press("enter", *"135792", "enter")
        await wait_for(pilot, lambda: "密码不对" in str(pilot.app.screen.query_one("#err-pin").render()))
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run, terminal_size=SIZE)


# -- F2 工作台, F1, Ctrl+P ----------------------------------------------------


def test_dashboard(snap_compare, make_app):
    assert shot(snap_compare, make_app())


def test_dashboard_end(snap_compare, make_app):
    """Scrolled to the end: 用印, 备份 (the day's automatic backup, at NOW),
    最近的修改."""

    async def to_end(pilot):
        pilot.app.screen.query_one("#dashboard").scroll_end(animate=False)
        await pilot.pause()

    assert shot(snap_compare, make_app(), to_end)


def test_help(snap_compare, make_app):
    assert shot(snap_compare, make_app(), to("f1", "HelpScreen"))


def test_places_menu(snap_compare, make_app):
    """Ctrl+L: the 登记簿 menu, every place (ui/places.PLACES)."""
    assert shot(snap_compare, make_app(), to("ctrl+l", "PlacesMenu"))


def test_command_palette(snap_compare, make_app):
    """Ctrl+P, initials typed: 新建受理 and its neighbours."""
    from textual.command import CommandList

    found = lambda s: s.query_one(CommandList).option_count > 0  # noqa: E731
    assert shot(snap_compare, make_app(), to("ctrl+p", "ChinesePalette"), typing("xjsl", found))


# -- F3 事项查询 -------------------------------------------------------------


def test_f3_search(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F3, SEARCH)


def test_f3_matter(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F3, SEARCH, MATTER)


def test_f3_letter(snap_compare, make_app):
    """P: the 一次性告知书 on screen (its Excel file goes to ./exports)."""
    assert shot(
        snap_compare, make_app(), F3, SEARCH, MATTER, to("p", "LetterDialog", lambda s: s.query("#letter Static"))
    )


# -- F4 受理登记 -------------------------------------------------------------


def test_f4_cases(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F4)


def test_f4_case_detail(snap_compare, make_app):
    """The first case of the list (the most overdue)."""
    assert shot(snap_compare, make_app(), F4, to("enter", "CaseDetailScreen", shown("#case-detail")))


def test_f4_intake_form(snap_compare, make_app):
    ready = lambda s: catalog_ready(s)  # noqa: E731
    assert shot(snap_compare, make_app(), F4, to("n", "IntakeForm", ready))


def test_f4_residents(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F4, to("r", "ResidentsScreen", rows("#res-table")))


# -- F5 用印登记 -------------------------------------------------------------


def test_f5_seal_register(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F5)


def test_f5_seal_detail(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F5, to("enter", "SealUseDetailScreen", shown("#seal-detail")))


def test_f5_seal_form(snap_compare, make_app):
    """N: the time field says NOW."""
    assert shot(snap_compare, make_app(), F5, to("n", "SealUseForm"))


# -- F6 值班 -----------------------------------------------------------------


def test_f6_duty(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F6)


def test_f6_rota(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F6, to("r", "RotaScreen", rows("#rota-table")))


def test_f6_holiday_rota(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F6, to("j", "HolidayScreen", rows("#holiday-table")))


# -- F7 公示 -----------------------------------------------------------------


def test_f7_notices(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F7)


def test_f7_notice_detail(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F7, to("enter", "NoticeDetailScreen", shown("#notice-detail")))


# -- F8 台账导出 -------------------------------------------------------------


def test_f8_export(snap_compare, make_app):
    assert shot(snap_compare, make_app(), to("f8", "ExportScreen", filled("#f-month")))


# -- F9 设置, page by page ---------------------------------------------------


def test_f9_profile(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F9)


def test_f9_staff(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F9, STAFF)


def test_f9_seals(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F9, STAFF, SEALS)


def test_f9_holidays(snap_compare, make_app):
    assert shot(snap_compare, make_app(), F9, STAFF, SEALS, tab("tab-holidays"))


def test_f9_backup(snap_compare, make_app):
    """The managed folder beside the database: ``cunwu_备份`` (relative)."""
    assert shot(snap_compare, make_app(), F9, STAFF, SEALS, tab("tab-holidays"), tab("tab-backup"))


# -- the 16-colour theme (CUNWU_THEME=ansi, as on an old Windows console) ---


def test_ansi_dashboard(snap_compare, make_app):
    assert shot(snap_compare, make_app(theme="ansi"))


def test_ansi_seal_form(snap_compare, make_app):
    """A form: inputs, a select, buttons, the scroll bar."""
    assert shot(snap_compare, make_app(theme="ansi"), F5, to("n", "SealUseForm"))
