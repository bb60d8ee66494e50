"""F5 用印登记 at 80x24, driven by real keys: a new entry refused then
saved, voided and registered again; filters and search; the month's ledger
in one key; the 工作台 panel and its broken-chain warning."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Input, Select, Static

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dashboard import DashboardScreen
from cunwu_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from cunwu_tui.features.seals.screens import (
    ApproveForm,
    SealRegisterScreen,
    SealUseDetailScreen,
    SealUseForm,
    VoidForm,
)

from db_helpers import drop_trigger, execute
from identity_helpers import PIN
from test_app import SIZE, TODAY, start, type_text, wait_for


def rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def detail_text(screen) -> str:
    return str(screen.query_one("#seal-detail", Static).render())


async def choose(pilot, select: Select, downs: int) -> None:
    """Open a Select, move ``downs`` lines from where it is, take it."""
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*(["down"] * downs), "enter")
    await pilot.pause()


async def test_f5_new_entry_refused_then_saved_voided_and_registered_again(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SealRegisterScreen)
        table = screen.query_one("#seal-table", DataTable)
        before = table.row_count
        reg = app.services.seal_register
        assert before == len(reg.list()) > 15

        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SealUseForm)
        seal = form.query_one("#f-seal", Select)
        assert seal.has_focus
        await choose(pilot, seal, 2)  # 请选择, 党支部印章, 村(居)委会印章
        assert seal.value == next(s.id for s in app.services.seals.list() if s.name == "村(居)委会印章")
        # The seal brings its approver (the only 主任) and its keeper.
        people = {p.name: p.id for p in app.services.staff.list()}
        assert form.query_one("#f-approver", Select).value == people["李秀英"]
        assert form.query_one("#f-keeper", Select).value == people["赵丽"]
        await pilot.press("tab", "tab")  # the time stays: now
        await type_text(pilot, "关于申请村道维修资金的报告")
        await pilot.press("tab")
        await type_text(pilot, "申请维修资金")
        await pilot.press("tab", "backspace")
        await type_text(pilot, "2")
        await pilot.press("tab")
        await type_text(pilot, "柳河镇人民政府")
        # 经办人: 李秀英 herself, who is also the approver: refused.
        applicant = form.query_one("#f-applicant", Select)
        await choose(pilot, applicant, 2)  # 请选择, 王建国, 李秀英
        assert applicant.value == people["李秀英"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "审批人不能是经办人本人" in str(form.query_one("#err-approver").render())
        assert form.query_one("#f-title", Input).value == "关于申请村道维修资金的报告"  # kept
        assert len(reg.list()) == before  # nothing saved

        # A 重大事项 needs its meeting: the fields appear, and are required.
        await choose(pilot, applicant, 2)  # from 李秀英 down to 赵丽
        assert applicant.value == people["赵丽"]
        assert not form.query_one("#meeting").display
        await choose(pilot, form.query_one("#f-major", Select), 1)
        assert form.query_one("#meeting").display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "会议类型" in str(form.query_one("#err-meeting_type").render())
        assert "会议日期" in str(form.query_one("#err-meeting_date").render())
        assert len(reg.list()) == before
        await choose(pilot, form.query_one("#f-meeting_type", Select), 2)  # 两委联席会议
        await pilot.press("tab")
        await type_text(pilot, TODAY.isoformat())
        await pilot.press("tab")
        await type_text(pilot, "两委联席会议纪要5号")
        await pilot.press("ctrl+s")
        await pilot.pause()

        detail = app.screen
        assert isinstance(detail, SealUseDetailScreen)
        saved = reg.get(detail.use_id)
        assert saved.number.startswith("村委〔") and saved.copies == 2 and saved.applicant_name == "赵丽"
        assert saved.major and saved.meeting_type == "两委联席会议" and saved.meeting_ref == "两委联席会议纪要5号"
        text = detail_text(detail)
        assert saved.number in text and "【待审批】" in text and "两委联席会议" in text
        assert saved.pending  # the approver was not there to type her PIN: it waits
        # Now 李秀英 is here: A, her own PIN (a wrong one first).
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ApproveForm))
        await type_text(pilot, "135792")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "李秀英的密码不对" in str(app.screen.query_one("#err-approver_pin").render())
        assert app.screen.query_one("#f-approver_pin", Input).value == ""  # never left on screen
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        text = detail_text(detail)
        assert "【有效】" in text and "李秀英本人确认" in text and not reg.get(saved.id).pending

        # 作废: a reason is required; the entry stays, marked; then again.
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, VoidForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "作废必须写明原因" in str(app.screen.query_one("#err-reason").render())
        await type_text(pilot, "份数填错")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, SealUseForm)
        assert again.query_one("#f-title", Input).value == "关于申请村道维修资金的报告"  # brought over
        again.query_one("#f-copies", Input).value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, SealUseDetailScreen) and second.use_id != detail.use_id
        assert f"更正：{saved.number}" in detail_text(second)
        assert reg.get(saved.id).voided and reg.get(saved.id).corrected_by_number == reg.get(second.use_id).number

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        listed = rows(table)
        assert len(listed) == before + 2
        marks = {r[0]: r[6] for r in listed}
        from cunwu_tui.features.seals.screens import short_number

        assert marks[short_number(saved.number)] == "作废"
        assert reg.verify().ok


async def test_f5_filters_search_and_the_ledger_in_one_key(demo_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#seal-table", DataTable)
        every = table.row_count
        await pilot.press("j")  # 重大事项: 是
        await pilot.pause()
        assert 0 < table.row_count < every and all(r[6] == "重大" for r in rows(table))
        await pilot.press("j", "j", "x")  # back to all; only the voided
        await pilot.pause()
        assert [r[6] for r in rows(table)] == ["作废"]
        await pilot.press("x", "x", "slash")
        await type_text(pilot, "何秀兰")
        await pilot.pause()
        found = rows(table)  # by the applicant (an outsider) or in the title
        assert sorted(r[3] for r in found) == ["何秀兰", "刘芳"] and found[1][2].startswith("高龄津贴")
        assert "共 2 条" in str(screen.query_one("#seal-filter", Static).render())
        await pilot.press("escape")
        assert table.has_focus
        # M: a month; a bad one is refused at the field.
        await pilot.press("m")
        await pilot.pause()
        await type_text(pilot, "2026-13")
        await pilot.press("enter")
        await pilot.pause()
        assert "月份" in str(app.screen.query_one("#err-month").render())
        app.screen.query_one("#f-month", Input).value = "2026-10"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.month == "2026-10"
        # The month's 用印登记台账 in one key press.
        screen.query_one("#seal-search", Input).value = ""
        await pilot.pause()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        written = tmp_path / "exports" / "青山村_用印登记台账_2026-10.xlsx"
        assert written.exists()
        assert str(written) in " ".join(str(w.render()) for w in app.screen.query(Static))
        await pilot.press("enter")
        # T: the counts of the year.
        await pilot.press("t")
        await pilot.pause()
        counts = app.screen.query_one("#counts-table", DataTable)
        october = [str(c) for c in counts.get_row_at(9)]
        assert october[0] == "10月" and int(october[-1]) == len(
            app.services.seal_register.list(month="2026-10", voided=False)
        )


async def test_dashboard_today_and_a_broken_chain(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: app.seal_check is not None)
        assert app.seal_check.ok
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        panel = str(screen.query_one("#seals", Static).render())
        assert "今天用印 1 次" in panel and "居住证明（何秀兰）" in panel
        assert "用印登记" not in str(screen.query_one("#attention", Static).render())
        await pilot.press("ctrl+q")

    # Someone edits the file behind the app's back.
    drop_trigger(demo_db, "seal_use_no_update", "seal_use")
    execute(demo_db, "UPDATE seal_use SET copies = 9 WHERE number = '经济组织〔2026〕第002号'")
    # The next day: the start's quick check reads on from its checkpoint (past
    # this entry); the day's first start reads every row.
    app = CunwuApp(demo_db, today=TODAY + timedelta(days=1))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: app.seal_check is not None)
        assert not app.seal_check.ok
        screen = app.screen
        await wait_for(pilot, lambda: "用印登记校验不一致" in str(screen.query_one("#attention", Static).render()))
        panel = str(screen.query_one("#seals", Static).render())
        assert "经济组织〔2026〕第002号" in panel and "份数" in panel
        # V on F5 checks again and says the same.
        await pilot.press("f5", "v")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "经济组织〔2026〕第002号" in shown


async def test_settings_seal_page_verifies_the_register(demo_db):
    from cunwu_tui.ui.screens.dialogs import MessageDialog
    from cunwu_tui.ui.screens.settings import SettingsScreen
    from textual.widgets import DataTable, Static

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#tabs").active = "tab-seals"
        await pilot.pause()
        app.screen.query_one("#seal-table", DataTable).focus()
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "用印登记完整" in shown


async def test_f5_detail_keys_follow_the_entry_and_a_refused_key_says_why(demo_db):
    """The key line lists what features.seals.actions allows; a key it refuses
    shows the domain's reason, with the key of the action that helps."""
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, SealRegisterScreen))
        await pilot.pause()
        await pilot.press("enter")  # the newest entry: 待审批 in the demo
        await wait_for(pilot, lambda: isinstance(app.screen, SealUseDetailScreen))
        detail = app.screen
        notes: list[str] = []
        detail.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        info = app.services.seal_register.get(detail.use_id)
        assert info.pending
        keys = detail.query_one("#seal-detail-keys", Static)
        assert str(keys.render()) == "A 审批（审批人输入密码）　W 作废　Esc 返回　（登记不能修改或删除）"
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is detail
        assert notes == [f"只能更正已作废的登记：{info.number} 尚未作废，请先按 W 作废。"]

        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, VoidForm))
        await type_text(pilot, "文件名称填错")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # not now
        await wait_for(pilot, lambda: app.screen is detail)
        assert str(keys.render()) == "R 重新登记　Esc 返回　（登记不能修改或删除）"
        voided = app.services.seal_register.get(detail.use_id)
        await pilot.press("a")
        await pilot.press("w")
        await pilot.pause()
        assert app.screen is detail
        assert notes[1:] == [
            f"{info.number} 已作废，不能审批。",
            f"{info.number} 已于 {voided.voided_at:%Y-%m-%d %H:%M} 作废。",
        ]
