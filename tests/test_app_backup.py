"""F9 设置 -> 备份 at 80x24 with real keys: back up to the stick with Ctrl+B,
restore with its confirmation, refused while another window is open; the
automatic backup and the 工作台 panel."""

from __future__ import annotations


import pytest
from textual.widgets import Static, TabbedContent

from cunwu_tui.paths import backup_dir_for, sqlite_file
from cunwu_tui.services import open_services
from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dashboard import DashboardScreen
from cunwu_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from cunwu_tui.ui.screens.forms import AdminConfirmForm
from cunwu_tui.ui.screens.operator import OperatorScreen
from cunwu_tui.ui.screens.settings import SettingsScreen

from tests.test_app import SIZE, TODAY, start, type_text, wait_for
from identity_helpers import PIN, add_person


@pytest.fixture
def demo_db(db_url):
    from cunwu_tui.services.demo import fill_demo

    s = open_services(db_url)
    fill_demo(s, today=TODAY)
    s.close()
    return db_url


def dialog_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def open_backup_page(pilot):
    app = pilot.app
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
    for _ in range(4):  # F9 again turns the page (the first field has the focus, not the tabs)
        await pilot.press("f9")
        await pilot.pause()
    assert app.screen.query_one("#tabs", TabbedContent).active == "tab-backup"


async def test_automatic_backup_at_start_and_the_dashboard(demo_db):
    managed = backup_dir_for(sqlite_file(demo_db))
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: any("_自动备份_20261122-" in p.name for p in managed.glob("*.db")))
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await wait_for(pilot, lambda: "上次自动备份" in str(screen.query_one("#backup", Static).render()))
        # nothing on a stick yet: the reminder says so
        assert "还没有把数据备份到U盘" in str(screen.query_one("#attention", Static).render())


async def test_ctrl_b_backs_up_to_the_stick_and_restore_asks(demo_db, tmp_path):
    stick = tmp_path / "U"
    stick.mkdir()
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await open_backup_page(pilot)  # the page's first field, 备份位置, has the focus
        await type_text(pilot, str(stick))
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert "已备份" in dialog_text(app) and "已通过自检" in dialog_text(app)
        [made] = list(stick.glob("*.db"))
        assert made.name.startswith("青山村_备份_") and made.with_suffix(".json").exists()
        await pilot.press("enter")
        assert app.services.backups.current_settings().dir == str(stick)  # remembered

        add_person(app.services, "备份之后才来的人", "", ())
        for _ in range(4):  # 保留（日、月）、提醒、从备份恢复
            await pilot.press("tab")
        await type_text(pilot, str(made))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        text = dialog_text(app)
        assert "青山村" in text and "人员9条" in text and "确认恢复吗" in text
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert "备份之后才来的人" in [p.name for p in app.services.staff.list()]

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        # an administrator's decision: their own PIN first (a wrong one is refused, nothing replaced)
        await wait_for(pilot, lambda: isinstance(app.screen, AdminConfirmForm))
        await type_text(pilot, "135792")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "密码不对" in str(app.screen.query_one("#err-admin_pin").render())
        assert "备份之后才来的人" in [p.name for p in app.services.staff.list()]
        app.screen.query_one("#f-admin_pin").focus()
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog) and "已恢复" in dialog_text(app))
        assert "原来的数据库已移到" in dialog_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen))
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.ready() and not isinstance(app.screen, OperatorScreen))
        assert "备份之后才来的人" not in [p.name for p in app.services.staff.list()]
        assert len(app.services.staff.list()) == 9


async def test_restore_refused_while_another_window_is_open(demo_db, tmp_path):
    other = open_services(demo_db)  # the night-duty window
    made = other.backups.backup_now(str(tmp_path)).path
    add_person(other, "夜班登记的人", "", ())
    app = CunwuApp(demo_db, today=TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            await open_backup_page(pilot)
            app.screen.query_one("#f-restore_file").focus()
            await pilot.pause()
            await type_text(pilot, str(made))
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("y")
            await wait_for(pilot, lambda: isinstance(app.screen, AdminConfirmForm))
            await type_text(pilot, PIN)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog) and "没有恢复" in dialog_text(app))
            assert "其他" in dialog_text(app) and "窗口" in dialog_text(app)
            await pilot.press("enter")
            await pilot.pause()
            # this window works on, with the data unchanged
            assert "夜班登记的人" in [p.name for p in app.services.staff.list()]
    finally:
        other.close()


async def test_bad_file_is_refused_at_the_field(demo_db, tmp_path):
    bad = tmp_path / "坏.db"
    bad.write_text("不是数据库", encoding="utf-8")
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await open_backup_page(pilot)
        for _ in range(4):  # from 备份位置 (focused) to 从备份恢复
            await pilot.press("tab")
        await type_text(pilot, str(bad))
        await pilot.press("enter")
        err = app.screen.query_one("#err-restore_file", Static)
        await wait_for(pilot, lambda: "不是村务通" in str(err.render()))
        assert isinstance(app.screen, SettingsScreen)


async def test_backup_from_the_command_palette(demo_db):
    managed = backup_dir_for(sqlite_file(demo_db))
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "立即备份")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog) and "已备份" in dialog_text(app))
        assert any(p.name.startswith("青山村_备份_") for p in managed.glob("*.db"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#tabs", TabbedContent).active == "tab-backup"
