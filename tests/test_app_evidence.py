"""The 工作台 warns per register after a tamper, and F9's V runs the full
check of every register (80x24, real keys through Pilot)."""

from __future__ import annotations

import sqlite3

from textual.widgets import Static

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dashboard import DashboardScreen

from db_helpers import drop_trigger, execute, has_trigger
from test_app import SIZE, TODAY, start, wait_for


def _attention(app) -> str:
    return str(app.screen.query_one("#attention", Static).render())


async def test_dashboard_warns_per_register_after_a_tamper(demo_db):
    drop_trigger(demo_db, "duty_log_no_update", "duty_log")
    execute(demo_db, "UPDATE duty_log SET content = '被人改过' WHERE id = 2")
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: app.evidence_check is not None)
        assert [r.register for r in app.evidence_check.broken] == ["值班记录"]
        assert isinstance(app.screen, DashboardScreen)
        await wait_for(pilot, lambda: "值班记录校验不一致" in _attention(app))
        text = _attention(app)
        assert "保护触发器" in text and "duty_log_no_update" in text
        # the trigger is back, and the restore is on the record
        assert has_trigger(demo_db, "duty_log_no_update")
        assert execute(demo_db, "SELECT COUNT(*) FROM audit_log WHERE action = '恢复触发器'") == [(1,)]
        await pilot.press("ctrl+q")


async def test_f9_v_checks_every_register(demo_db):
    from cunwu_tui.ui.screens.dialogs import MessageDialog
    from cunwu_tui.ui.screens.settings import SettingsScreen

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: app.evidence_check is not None)
        assert app.evidence_check.ok
        assert "校验不一致" not in _attention(app)
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.pause()
        from textual.widgets import DataTable

        app.screen.query_one("#staff-table", DataTable).focus()  # the 人员 page: V is not typed into a field
        await pilot.pause()
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        for register in ("用印登记", "办件", "值班记录", "公示", "居民", "人员", "操作日志"):
            assert f"{register}：完整" in shown


async def test_the_first_start_of_a_day_refreshes_the_planner_statistics(demo_db):
    """The start-up worker's daily work ends with SQLite's statistics
    (Services.refresh_statistics): the lists' query plans rely on them."""
    con = sqlite3.connect(demo_db.removeprefix("sqlite:///"))
    con.execute("DROP TABLE IF EXISTS sqlite_stat1")
    con.commit()
    con.close()
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: app._startup_done.is_set())
        con = sqlite3.connect(demo_db.removeprefix("sqlite:///"))
        tables = {r[0] for r in con.execute("SELECT tbl FROM sqlite_stat1")}
        con.close()
        assert {"case_record", "seal_use", "notice"} <= tables
        await pilot.press("ctrl+q")
