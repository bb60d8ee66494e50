"""The app at 80x24, driven by real keys through Textual's Pilot."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.features.cases.screens import CasesScreen
from cunwu_tui.ui.screens.dashboard import DashboardScreen
from cunwu_tui.features.duty.screens import DutyScreen
from cunwu_tui.ui.screens.export import ExportScreen
from cunwu_tui.ui.screens.help import HelpScreen
from cunwu_tui.features.lookup.screens import LetterDialog, LookupScreen, MatterScreen
from cunwu_tui.features.notices.screens import NoticeDetailScreen, NoticesScreen
from cunwu_tui.ui.screens.operator import OperatorScreen
from cunwu_tui.features.seals.screens import SealRegisterScreen
from cunwu_tui.ui.screens.settings import SettingsScreen
from identity_helpers import PIN

SIZE = (80, 24)
TODAY = date(2026, 11, 22)


async def wait_for(pilot, predicate, tries: int = 400):
    for _ in range(tries):
        await pilot.pause(0.02)
        if predicate():
            return
    raise AssertionError("condition not reached")


async def start(pilot, pin: str = PIN):
    """Wait for the database, then accept the operator the picker offers and
    type their PIN."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen))
    await pilot.press("enter")
    await pilot.press(*list(pin), "enter")
    await wait_for(pilot, lambda: app.ready() and not isinstance(app.screen, OperatorScreen))


async def type_text(pilot, text: str):
    await pilot.press(*list(text))


async def test_every_function_key_reaches_its_screen(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert app.services.operator.name == "赵丽"
        assert isinstance(app.screen, DashboardScreen)
        for key, cls in (
            ("f9", SettingsScreen),
            ("f8", ExportScreen),
            ("f2", DashboardScreen),
            ("f3", LookupScreen),
            ("f4", CasesScreen),
            ("f5", SealRegisterScreen),
            ("f6", DutyScreen),
            ("f7", NoticesScreen),
            ("f8", ExportScreen),
            ("f9", SettingsScreen),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, cls), key
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        # Every function key from F1 to F9 is bound: all features have landed.
        bound = set(app.active_bindings)
        assert {f"f{n}" for n in range(1, 10)} <= bound


async def test_dashboard_shows_today_operator_and_calendar_warning(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        text = app.screen.query_one("#today").render()
        assert "2026年11月22日" in str(text) and "休息日" in str(text) and "赵丽" in str(text)
        attention = str(app.screen.query_one("#attention").render())
        assert "2027年节假日安排尚未录入" in attention


async def test_fresh_database_registers_operator_then_settings_round_trip(db_url):
    app = CunwuApp(db_url, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen))
        # Escape cannot skip choosing an operator.
        await pilot.press("escape")
        assert isinstance(app.screen, OperatorScreen)
        await type_text(pilot, "赵丽")
        await pilot.press("enter", "enter")  # name, then the phone (left empty)
        await type_text(pilot, "12345")
        await pilot.press("enter")
        await type_text(pilot, "12345")
        await pilot.press("enter")
        await pilot.pause()
        assert "至少6位" in str(app.screen.query_one("#err-pin").render())  # a PIN too short: refused
        assert app.services.staff.list() == []
        app.screen.query_one("#f-pin", Input).focus()
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.ready())
        assert app.services.operator.name == "赵丽"
        assert app.services.staff.list()[0].admin  # the first person is the administrator

        await pilot.press("f9")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        # Village profile: a bad phone is refused at the field, typed text kept.
        screen.query_one("#f-village", Input).focus()
        await type_text(pilot, "青山村")
        await pilot.press("tab")
        await type_text(pilot, "柳河镇")
        await pilot.press("tab", "tab")
        await type_text(pilot, "12ab")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "电话" in str(screen.query_one("#err-phone").render())
        assert screen.query_one("#f-village", Input).value == "青山村"
        assert app.services.settings.profile().village == ""
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.services.settings.profile().village == "青山村"

        # Staff: new member through the form.
        screen.query_one("#tabs").active = "tab-staff"
        await pilot.pause()
        screen.query_one("#staff-table", DataTable).focus()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "陈明")
        await pilot.press("tab")
        await type_text(pilot, "13903510005")
        await pilot.press("tab", "down", "down", "down", "down", "down", "down", "space")  # roles list: 会计
        form = app.screen
        form.query_one("#f-pin", Input).focus()
        await type_text(pilot, "135792")  # his first PIN
        await pilot.press("ctrl+s")
        await pilot.pause()
        # without the administrator's PIN: refused at the field, the form keeps what was typed
        assert "请赵丽" in str(form.query_one("#err-admin_pin").render())
        assert [p.name for p in app.services.staff.list()] == ["赵丽"]
        assert form.query_one("#f-name", Input).value == "陈明"
        form.query_one("#f-admin_pin", Input).focus()
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [(p.name, p.roles, p.has_pin) for p in app.services.staff.list()] == [
            ("赵丽", (), True),
            ("陈明", ("会计",), True),
        ]
        await pilot.press("ctrl+q")

    # Restart on the same database: everything is still there.
    app2 = CunwuApp(db_url, today=TODAY)
    async with app2.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert app2.services.operator.name == "赵丽"  # remembered
        await pilot.press("f9")
        await pilot.pause()
        screen = app2.screen
        assert screen.query_one("#f-village", Input).value == "青山村"
        table = screen.query_one("#staff-table", DataTable)
        names = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert names == ["赵丽", "陈明"]


async def test_bad_staff_form_keeps_input_and_saves_nothing(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#tabs").active = "tab-staff"
        await pilot.pause()
        app.screen.query_one("#staff-table", DataTable).focus()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "=HYPERLINK")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert "请填写姓名" in str(form.query_one("#err-name").render())
        assert form.query_one("#f-phone", Input).value == "=HYPERLINK"
        assert len(app.services.staff.list()) == 9


async def test_command_palette_is_chinese(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        from textual.command import CommandInput

        assert app.screen.query_one(CommandInput).placeholder == "输入命令名称搜索"
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in commands)
        await type_text(pilot, "shezhi")
        await pilot.press("escape")


async def test_unopenable_database_shows_chinese_message(tmp_path):
    import sqlite3

    bad = tmp_path / "other.db"
    con = sqlite3.connect(bad)
    con.execute("CREATE TABLE x (id INTEGER)")
    con.commit()
    con.close()
    app = CunwuApp("sqlite:///" + str(bad), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert "不是村务通的数据库" in app.open_error
        await pilot.press("f9")  # nothing opens without a database
        await pilot.pause()
        assert app.services is None


async def test_unexpected_error_is_logged_not_shown_as_traceback(demo_db, tmp_path):
    from cunwu_tui.logsetup import log_path

    app = CunwuApp(demo_db, today=TODAY)

    def broken() -> None:
        raise RuntimeError("boom in a handler")

    seen: list = []
    original = app._print_error_renderables

    def capture() -> None:  # what Textual prints on the console at exit
        seen.extend(app._exit_renderables)
        original()

    app._print_error_renderables = capture

    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            app.call_later(broken)
            await pilot.pause(0.2)
    shown = "".join(str(r) for r in seen)
    assert "村务通出错" in shown and "Traceback" not in shown
    assert "boom in a handler" in log_path().read_text(encoding="utf-8")


async def test_f8_exports_last_month_without_overwriting(demo_db, tmp_path, monkeypatch):
    from textual.widgets import Static

    from cunwu_tui.ui.widgets import CheckList, StepProgress

    monkeypatch.chdir(tmp_path)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        month = screen.query_one("#f-month", Input)
        assert month.value == "2026-10" and month.has_focus
        ledgers = screen.query_one("#f-ledgers", CheckList)
        from cunwu_tui.services.export import ledger_choices

        every = [c.name for c in ledger_choices()]
        assert ledgers.selected == every  # all by default
        assert screen.query_one("#f-out_dir", Input).value == str(tmp_path / "exports")

        # A bad month: message at the field, nothing written, input kept.
        await pilot.press("end", "backspace", "backspace")
        await type_text(pilot, "13")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "月份" in str(screen.query_one("#err-month").render()))
        assert month.value == "2026-13"
        assert not (tmp_path / "exports").exists()
        assert not screen.query_one("#progress", StepProgress).display

        # Fix it, untick 操作日志 with the keyboard, export.
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "10")
        await pilot.press("tab", "down", "space")
        assert ledgers.selected == [n for n in every if n != "audit"]
        await pilot.press("ctrl+s")
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        first = tmp_path / "exports" / "青山村_人员名册_2026-10.xlsx"
        # the dialog is pushed before it is composed: wait for its text too
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, MessageDialog)
                and str(first) in " ".join(str(w.render()) for w in app.screen.query(Static))
            ),
        )
        assert first.exists()
        await pilot.press("enter")  # closes the dialog; the list stays on the screen
        assert app.screen is screen
        result = screen.query_one("#result", Static)
        assert str(first) in str(result.render())
        assert str(screen.query_one("#err-month").render()).strip() == ""
        bar = screen.query_one("#progress", StepProgress)
        n = len(every) - 1
        assert bar.progress == bar.total == n and "[" + "#" * bar.WIDTH + f"] {n}/{n}" in str(bar.render())

        # Again: a numbered sibling, never an overwrite.
        before = first.stat().st_mtime_ns
        await pilot.press("ctrl+s")
        second = tmp_path / "exports" / "青山村_人员名册_2026-10 (2).xlsx"
        await wait_for(pilot, lambda: str(second) in str(result.render()))
        await pilot.press("enter")
        assert first.stat().st_mtime_ns == before
        # The folder is remembered for the next time.
        assert app.services.exports.default_dir() == tmp_path / "exports"


async def test_f3_lookup_to_printed_letter(demo_db, tmp_path, monkeypatch):
    from textual.widgets import OptionList, Static

    monkeypatch.chdir(tmp_path)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        results = screen.query_one("#results", OptionList)
        await wait_for(pilot, lambda: results.option_count > 100)  # the whole catalog, before typing
        await type_text(pilot, "dbsq")
        await wait_for(pilot, lambda: results.option_count < 100)
        first = str(results.get_option_at_index(0).prompt)
        assert "低保" in first or "最低生活保障" in first
        await pilot.press("down", "enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, MatterScreen)
        text = str(detail.query_one("#detail", Static).render())
        assert "所需材料" in text

        # the village adds a document: shown at once, marked
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "村民小组长证明")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        assert "村民小组长证明〔本村补充〕" in str(detail.query_one("#detail", Static).render())

        # P: the letter on screen, saved for printing
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterDialog))
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "一次性告知书" in shown and "村民小组长证明" in shown and "赵丽" in shown
        files = list((tmp_path / "exports").glob("青山村_一次性告知书_*.xlsx"))
        assert len(files) == 1 and str(files[0]) in shown
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen  # back at the search, query kept
        assert screen.query_one("#q", Input).value == "dbsq"


async def test_f3_new_local_matter_keeps_input_on_error(demo_db):
    from textual.widgets import OptionList, Static

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f3")
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#results", OptionList).option_count > 100)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "农村建房申请")
        await pilot.press("tab", "tab", "tab", "tab")
        await type_text(pilot, "尽快")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert "时限请写成" in str(form.query_one("#err-time_limit").render())
        assert form.query_one("#f-name", Input).value == "农村建房申请"
        assert app.services.catalog.local_matters() == []
        form.query_one("#f-time_limit", Input).value = "5个工作日"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MatterScreen)
        assert "农村建房申请" in str(app.screen.query_one("#detail", Static).render())
        assert [m.name for m in app.services.catalog.local_matters()] == ["农村建房申请"]


async def test_f7_new_notice_and_an_objection(demo_db):
    from textual.widgets import DataTable, Select, Static

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f7")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NoticesScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "2026年11月低保对象公示")
        await pilot.press("tab", "enter")  # the kind list opens
        await pilot.pause()
        await pilot.press("down", "down", "down", "down", "enter")  # 低保
        await pilot.pause()
        assert form.query_one("#f-kind", Select).value == "低保"
        assert form.query_one("#f-length", Input).value == "7"  # the matter's rule
        # Saving without a list is fine; a bad ID number in the list is not.
        form.query_one("#f-persons").text = "张三 三组 110105194912310021 620"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "校验" in str(form.query_one("#err-persons").render())
        assert not any(i.title == "2026年11月低保对象公示" for i in app.services.notices.list())
        assert form.query_one("#f-title", Input).value == "2026年11月低保对象公示"
        form.query_one("#f-persons").text = "张三 三组 11010519491231002X 620"
        await pilot.press("ctrl+s")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, NoticeDetailScreen)
        text = str(detail.query_one("#notice-detail", Static).render())
        assert "公示中" in text and "110105********002X" in text and "11010519491231002X" not in text

        # Closing today is refused at once (features.notices.actions): the period has not ended.
        notes: list[str] = []
        detail.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is detail and len(notes) == 1 and "期满前不能结束" in notes[0]

        # An anonymous objection.
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("tab")  # 异议人 left empty: anonymous
        await type_text(pilot, "张三家有车")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        text = str(detail.query_one("#notice-detail", Static).render())
        assert "匿名" in text and "张三家有车" in text and "尚未处理" in text
        await pilot.press("escape")
        await pilot.pause()
        table = screen.query_one("#notice-table", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        mine = [r for r in rows if str(r[1]).startswith("2026年11月低保对象")]
        assert len(mine) == 1 and str(mine[0][5]) == "1" and str(mine[0][2]) == "公示中"


async def test_idle_lock_keeps_the_form_and_asks_the_same_persons_pin(demo_db):
    import time

    from cunwu_tui.ui.screens.operator import LockScreen
    from cunwu_tui.features.seals.screens import SealUseForm

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SealUseForm))
        form = app.screen
        form.query_one("#f-title", Input).focus()
        await type_text(pilot, "村道维修①")
        # Ten quiet minutes later (the default): the screen locks, nobody is the operator.
        app._last_input = time.monotonic() - 10 * 60 - 1
        app.check_idle_lock()
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        assert app.services.operator is None and not app.ready()
        await pilot.press("f4")  # no way round the lock
        assert isinstance(app.screen, LockScreen)
        await type_text(pilot, "135792")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and "密码不对" in str(app.screen.query_one("#err-pin").render())
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is form)
        assert app.services.operator.name == "赵丽"
        assert form.query_one("#f-title", Input).value == "村道维修①"  # what was typed is still there
        entries = app.services.audit.recent(4)
        assert [e.action for e in entries[:3]] == ["开始操作", "密码错误", "锁屏"]
        assert entries[2].operator == "赵丽"  # who left the screen


async def test_another_person_takes_over_a_locked_screen_with_their_own_pin(demo_db):
    from cunwu_tui.ui.screens.operator import LockScreen, OperatorScreen

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.lock_screen()
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen))
        await pilot.press("up", "enter")  # 张伟, above 赵丽
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.ready())
        assert app.services.operator.name == "张伟"


async def test_f9_an_administrator_resets_a_pin_and_the_person_starts_with_it(demo_db):
    from cunwu_tui.ui.screens.forms import PinForm

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#tabs").active = "tab-staff"
        await pilot.pause()
        table = app.screen.query_one("#staff-table", DataTable)
        table.focus()
        table.move_cursor(row=next(i for i in range(table.row_count) if table.get_row_at(i)[0] == "陈明"))
        await pilot.pause()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PinForm))
        form = app.screen
        await type_text(pilot, "５７９１３５")  # typed with the IME in full-width mode
        await pilot.press("tab")
        await type_text(pilot, "579135")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "请赵丽" in str(form.query_one("#err-admin_pin").render())  # the administrator's own PIN
        assert all(w.value == "" for w in form.query(Input))  # PINs never stay on screen
        form.query_one("#f-pin", Input).focus()
        await type_text(pilot, "579135")
        await pilot.press("tab")
        await type_text(pilot, "579135")
        form.query_one("#f-admin_pin", Input).focus()
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, PinForm))
        chen = next(p for p in app.services.staff.list() if p.name == "陈明")
        app.services.sign_out()
        from cunwu_tui.errors import ValidationError

        with pytest.raises(ValidationError, match="密码不对"):
            app.services.identity.start(chen.id, PIN)  # the old one is gone
        assert app.services.identity.start(chen.id, "579135").name == "陈明"


async def test_an_upgraded_database_asks_one_of_its_staff_to_become_the_administrator(db_url):
    """A database from before PINs: staff, nobody with a PIN. The first
    person to start picks themself and sets a PIN; the others wait for it."""
    from db_helpers import execute

    from cunwu_tui.services import open_services

    open_services(db_url).close()
    execute(
        db_url,
        "INSERT INTO staff (name, phone, roles, active, created_at, admin) VALUES (:name, '', :roles, :yes, :at, :no)",
        [
            {"name": name, "roles": roles, "yes": True, "no": False, "at": "2026-01-05 09:00:00"}
            for name, roles in (("王建国", "书记"), ("赵丽", "文书"))
        ],
    )
    app = CunwuApp(db_url, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen) and bool(app.screen.query("#staff-list")))
        await pilot.pause()  # composed: read what it says
        said = "".join(str(w.render()) for w in app.screen.query("Static"))
        assert "设置管理员" in said and "（未设密码）" in str(
            app.screen.query_one("#staff-list").get_option_at_index(0).prompt
        )
        await pilot.press("down", "enter")  # 赵丽
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.ready())
        assert app.services.operator.name == "赵丽"
        assert [(p.name, p.admin, p.has_pin) for p in app.services.identity.people()] == [
            ("王建国", False, False),
            ("赵丽", True, True),
        ]


async def test_f9_who_approves_a_seal_is_changed_only_with_an_administrators_pin(demo_db):
    from textual.widgets import Select

    from cunwu_tui.ui.screens.forms import SealForm

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#tabs").active = "tab-seals"
        await pilot.pause()
        app.screen.query_one("#seal-table", DataTable).focus()
        await pilot.pause()
        await pilot.press("enter")  # 党支部印章
        await wait_for(pilot, lambda: isinstance(app.screen, SealForm))
        form = app.screen
        form.query_one("#f-approver_role", Select).value = "文书"  # the clerk would approve the party seal
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "请赵丽" in str(form.query_one("#err-admin_pin").render())
        assert app.services.seals.list()[0].approver_role == "书记"  # unchanged
        form.query_one("#f-approver_role", Select).value = "书记"
        form.query_one("#f-major_body", Input).value = "党支部委员会"
        form.query_one("#f-admin_pin", Input).focus()
        await type_text(pilot, PIN)  # 赵丽 is an administrator in the demo
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SealForm))
        assert app.services.seals.list()[0].major_body == "党支部委员会"
        before, after = app.services.audit.recent(1)[0].change
        assert "党支部委员会" in after and "确认的管理员：赵丽" in after


async def test_changing_screens_does_not_keep_old_footer_keys(demo_db):
    """Textual's Footer kept every key it had removed (bound to its
    ``compact`` flag) until the flag changed: memory grew with each visit
    to a screen. ui.widgets.KeysFooter drops them."""
    import gc

    from textual.widgets._footer import FooterKey

    def dead_keys() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, FooterKey) and not o.is_attached)

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        rounds = []
        for _ in range(6):
            for key in ("f2", "f4", "f8"):
                await pilot.press(key)
                await pilot.pause()
            rounds.append(dead_keys())
        assert rounds[-1] <= rounds[1], rounds  # no more kept after six rounds than after two


async def test_f7_detail_keys_follow_the_notice_and_a_refused_key_says_why(demo_db):
    """The key line lists what features.notices.actions allows; a refused key
    shows the domain's reason with the key of the action that helps."""
    from datetime import datetime

    from textual.widgets import DataTable, Static

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        notices = app.services.notices
        n = notices.add(
            title="测试公示",
            kind="村务",
            places=["公开栏"],
            start=datetime(2026, 11, 1, 9, 0),
            length=7,
            unit="日",
            backdate_reason="已张贴，补登记",
        )
        notices.add_objection(n.id, "2026-11-03 10:00", "王某", "名单有误")
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticesScreen))
        table = app.screen.query_one("#notice-table", DataTable)
        await pilot.press(*["down"] * table.get_row_index(str(n.id)), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NoticeDetailScreen))
        detail = app.screen
        notes: list[str] = []
        detail.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        keys = detail.query_one("#notice-keys", Static)
        assert str(keys.render()) == "O 登记异议　H 处理异议　W 撤回　L 公示名单　Esc 返回"
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is detail
        assert notes == ["还有 1 条异议未处理，请先按 H 登记处理结果。"]
        notices.withdraw(n.id, "内容有误")
        detail.refresh_data()
        await pilot.pause()
        assert str(keys.render()) == "L 公示名单　Esc 返回"
        await pilot.press("o", "w")
        await pilot.pause()
        assert app.screen is detail and notes[1:] == ["该公示已撤回。", "该公示已撤回。"]
