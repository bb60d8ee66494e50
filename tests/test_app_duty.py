"""F6 值班 at 80x24, driven by real keys: an emergency refused until the
带班领导 was told, then logged; the handover with an item carried over and
shown on the screen; the month rota and the holiday rota screens; the
工作台 panel."""

from __future__ import annotations

from datetime import date, datetime

from textual.widgets import DataTable, Input, Select, Static

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dashboard import DashboardScreen
from cunwu_tui.features.duty.screens import DutyScreen, HandoverForm, HolidayScreen, LogForm, RotaScreen

from identity_helpers import PIN
from test_app import SIZE, TODAY, start, type_text, wait_for
from test_app_seals import choose

NOW = datetime(2026, 11, 22, 21, 30)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_f6_log_an_emergency_and_hand_over(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        duty = app.services.duty
        on = duty.on_duty(NOW)
        assert on.person_name and on.leader_name
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DutyScreen)
        now_text = text_of(screen, "#duty-now")
        assert on.person_name in now_text and on.leader_name in now_text and on.leader_phone in now_text
        assert "11-21的班" in now_text and "没有交接班记录" in now_text  # the demo left it out
        before = len(duty.shift_logs(on.day))

        await pilot.press("l")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LogForm)
        await choose(pilot, form.query_one("#f-kind"), 3)  # 来电 -> 突发事件
        assert form.query_one("#f-kind").value == "突发事件"
        await pilot.press("tab", "tab")  # the time stays: now
        await type_text(pilot, "三组山坡落石")
        await pilot.press("tab")
        await type_text(pilot, "设置警示标志")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "必须立即报告带班领导" in str(form.query_one("#err-leader_told").render())
        assert form.query_one("#f-content", Input).value == "三组山坡落石"  # kept
        assert len(duty.shift_logs(on.day)) == before  # nothing saved
        await choose(pilot, form.query_one("#f-leader_told"), 1)  # 未报告 -> 已报告
        await pilot.press("tab")
        await type_text(pilot, "21:30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        entry = duty.shift_logs(on.day)[-1]
        assert (entry.kind, entry.content, entry.action) == ("突发事件", "三组山坡落石", "设置警示标志")
        assert entry.leader_told and entry.leader_name == on.leader_name and entry.staff_name == on.person_name
        table = screen.query_one("#duty-log", DataTable)
        assert any("三组山坡落石" in str(table.get_row_at(i)[2]) for i in range(table.row_count))

        # The handover: the form offers yesterday's forgotten shift first (补记),
        # with defaults that save; the reminder goes once it is handed over.
        await pilot.press("h")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, HandoverForm)
        assert form.query_one("#f-day").value == "2026-11-21" and "补记" in text_of(form, "#handover-title")
        plan = duty.handover_plan(date(2026, 11, 21), NOW)
        assert form.query_one("#f-outgoing").value == plan.outgoing_id != plan.incoming_id
        assert form.query_one("#f-incoming").value == plan.incoming_id
        assert form.query_one("#f-at", Input).value == "2026-11-22 08:30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "没有交接班记录" not in text_of(screen, "#duty-now")
        assert duty.missing_handovers(NOW) == []
        # Then today's shift, to tomorrow's person, an item carried over.
        await pilot.press("h")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-day").value == "2026-11-22"
        day, out, inc = duty.handover_defaults(NOW)
        assert day == date(2026, 11, 22)
        assert form.query_one("#f-outgoing").value == out and form.query_one("#f-incoming").value == inc
        await pilot.press("tab", "tab", "tab", "tab")  # 班次 -> 交班人 -> 接班人 -> 交接时间 -> 遗留事项
        await type_text(pilot, "三组落石待清理")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # confirmed there and then by tomorrow's person, who is not the operator: their own PIN
        assert inc != app.services.operator.id and app.screen is form
        assert "输入本人密码" in str(form.query_one("#err-incoming_pin").render())
        assert form.query_one("#f-items").text == "三组落石待清理"  # kept
        form.query_one("#f-incoming_pin", Input).focus()
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        [h] = [x for x in duty.handovers(datetime(2026, 11, 22), datetime(2026, 11, 23)) if x.shift_day == day]
        assert h.confirmed and [i.text for i in h.items] == ["三组落石待清理"]
        assert "三组落石待清理" in text_of(screen, "#duty-items")
        # Handing the same shift over twice is refused, at the form.
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "已于" in str(app.screen.query_one("#err-form").render())
        await pilot.press("escape")
        await pilot.pause()

        # The 工作台 panel shows who is on duty and the item.
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        panel = text_of(app.screen, "#duty")
        assert on.person_name in panel and on.leader_phone in panel and "三组落石待清理" in panel
        assert "11-21的班" not in panel and "F6 后按 H" not in panel


async def test_f6_who_was_on_duty_at_a_time(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        duty = app.services.duty
        sub = next(x for x in duty.substitutions(datetime(2026, 10, 1), NOW) if not x.voided)
        await pilot.press("f6", "w")
        await pilot.pause()
        field = app.screen.query_one("#f-at", Input)
        field.value = ""
        await type_text(pilot, f"{sub.start_at:%Y-%m-%d} {sub.start_at.hour:02d}:{sub.start_at.minute + 5:02d}")
        await pilot.press("enter")
        await pilot.pause()
        answer = text_of(app.screen, "#who-answer")
        assert f"值班：{sub.by_name}" in answer and f"替{sub.away_name}" in answer


async def test_f6_month_rota_and_holiday_rota_screens(demo_db):
    from cunwu_tui.ui.screens.dialogs import MessageDialog

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        await pilot.press("f6", "r")
        await pilot.pause()
        rota = app.screen
        assert isinstance(rota, RotaScreen)
        assert "2026年11月值班表：已于" in text_of(rota, "#rota-head")
        assert rota.query_one("#rota-table", DataTable).row_count == 30
        await pilot.press("full_stop")
        await pilot.pause()
        assert "2026年12月值班表：草稿" in text_of(rota, "#rota-head")
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.services.duty.month(2026, 12).status == "已发布"
        # An adjustment after publishing needs a reason.
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        staff = form.query_one("#f-staff")
        was = staff.value
        staff.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("up", "enter")  # the one above in the list
        await pilot.pause()
        assert staff.value not in (was, Select.NULL)
        await pilot.press("ctrl+s")
        await pilot.pause()
        errs = {e.id: str(e.render()) for e in form.query(".error")}
        assert "必须写明原因" in str(form.query_one("#err-reason").render()), errs
        form.query_one("#f-reason", Input).focus()
        await type_text(pilot, "对调")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is rota and len(app.services.duty.month(2026, 12).changes) == 1
        await pilot.press("escape", "j")
        await pilot.pause()
        holiday = app.screen
        assert isinstance(holiday, HolidayScreen)
        assert "国庆节" in str(holiday.query_one("#holiday-table", DataTable).get_row_at(0))
        assert "值班领导" in text_of(holiday, "#holiday-detail")
        # Filed already (the demo did): F is not on the key line, and pressing
        # it says when it was filed, before anything is typed; nothing changes.
        assert "报上级机关备案" not in text_of(holiday, "#holiday-keys")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert "已于" in "".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is holiday)


async def test_f6_an_entry_in_another_shift_asks_first(demo_db):
    """At 21:30 an entry at 07:40 belongs to the night of the day before:
    the form says which shift and people it goes to and asks."""
    from cunwu_tui.ui.screens.dialogs import ConfirmDialog

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        duty = app.services.duty
        earlier = duty.on_duty(datetime(2026, 11, 22, 7, 40))
        assert earlier.day == date(2026, 11, 21)
        before = len(duty.shift_logs(earlier.day))
        await pilot.press("f6", "l")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LogForm)
        await pilot.press("tab")
        form.query_one("#f-at", Input).value = ""
        await type_text(pilot, "07:40")
        await pilot.press("tab")
        await type_text(pilot, "村民来电询问停水")
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        message = str(dialog.query_one("Static.title").render()) + "".join(
            str(w.render()) for w in dialog.query("Static")
        )
        assert "11-21的班" in message and earlier.person_name in message and earlier.leader_name in message
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and len(duty.shift_logs(earlier.day)) == before  # nothing filed
        assert form.query_one("#f-content", Input).value == "村民来电询问停水"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DutyScreen)
        entry = duty.shift_logs(earlier.day)[-1]
        assert entry.content == "村民来电询问停水" and entry.staff_name == earlier.person_name
        # An entry in this shift is filed without a question.
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("tab", "tab")
        await type_text(pilot, "夜间巡查")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DutyScreen)
        assert duty.shift_logs(date(2026, 11, 22))[-1].content == "夜间巡查"


async def test_f6_publish_without_next_years_holidays_asks_then_replan_and_j_offers_them(demo_db):
    from cunwu_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog
    from cunwu_tui.features.duty.screens import GenerateForm, ReplanForm

    from test_duty import SCHEDULE_2027

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        duty = app.services.duty
        await pilot.press("f6", "j")
        await pilot.pause()
        holiday = app.screen
        assert "2027年节假日安排尚未录入" in text_of(holiday, "#holiday-next") and "F9" in text_of(
            holiday, "#holiday-next"
        )
        await pilot.press("escape", "r", "full_stop", "full_stop")
        await pilot.pause()
        rota = app.screen
        assert "2027年1月值班表：还没有生成" in text_of(rota, "#rota-head")
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GenerateForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is rota and duty.month(2027, 1).status == "草稿"
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        said = "".join(str(w.render()) for w in dialog.query("Static"))
        assert "2027年的节假日安排还没有录入" in said and "按普通工作日" in said
        await pilot.press("y")
        await pilot.pause()
        assert duty.month(2027, 1).status == "已发布"
        # The holidays are entered (F9); J lists them, the rota is re-planned.
        app.services.holidays.save_year(2027, SCHEDULE_2027)
        await pilot.press("g")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReplanForm)
        assert form.query_one("#f-from_day", Input).value == "2027-01-01"  # the first day not begun
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "原因" in str(form.query_one("#err-reason").render())
        assert app.focused is form.query_one("#f-reason")  # the error took the focus there
        await type_text(pilot, "已录入节假日安排")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is rota
        jan = duty.month(2027, 1)
        assert jan.days[0].kind == "节假日" and any(c.role == "类别" for c in jan.changes)
        await pilot.press("escape", "j")
        await pilot.pause()
        table = app.screen.query_one("#holiday-table", DataTable)
        rows = [str(table.get_row_at(i)) for i in range(table.row_count)]
        assert any("元旦" in r and "2027" in r for r in rows) and any("春节" in r for r in rows)
        assert not app.screen.query_one("#holiday-next").display


async def test_f6_a_visit_opens_in_full_and_is_taken_in_as_a_case(demo_db):
    """Enter opens a row with its whole 处理情况; N on a 来访 starts F4's
    intake, prefilled; the link is kept both ways."""
    from cunwu_tui.features.cases.screens import IntakeForm
    from cunwu_tui.features.duty.screens import LogDetailScreen

    from test_app import wait_for

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        services = app.services
        action = "已登记，告知带户口簿和住院发票复印件来村委会，并电话联系镇医保站核实报销比例，约好下周二上午再来"
        visit = services.duty.add_log("来访", "五组村民王某咨询住院报销", action, at="21:00")
        resident = services.residents.add("李四", "居民身份证", "11010519491231002X")
        await pilot.press("f6")
        await pilot.pause()
        table = app.screen.query_one("#duty-log", DataTable)
        row = next(i for i in range(table.row_count) if "五组村民王某" in str(table.get_row_at(i)[2]))
        table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, LogDetailScreen)
        assert action in text_of(detail, "#log-detail")  # in full, not cut
        assert "N 受理为办件" in text_of(detail, "#log-keys")
        await wait_for(pilot, lambda: services.catalog.ready)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IntakeForm)
        assert form.query_one("#f-channel").value == "来访"
        assert f"来自值班记录第{visit.id}条" in form.query_one("#f-note", Input).value
        await type_text(pilot, "住院报销")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "李四")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert form.resident_id == resident.id
        form.query_one("#f-limit", Input).value = "5"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        linked = services.duty.log(visit.id)
        assert linked.case_number and not linked.can_take_in
        assert linked.case_number in text_of(detail, "#log-detail")
        assert "N 受理为办件" not in text_of(detail, "#log-keys")
        case = services.cases.detail(linked.case_id)
        assert f"来自值班记录第{visit.id}条" in case.note and services.cases.row(linked.case_id).channel == "来访"
        # Once only.
        from cunwu_tui.errors import ValidationError

        try:
            services.duty.link_case(visit.id, linked.case_id)
        except ValidationError as exc:
            assert "已受理为" in "".join(exc.errors.values())
        else:
            raise AssertionError("linked twice")


async def test_f6_a_holiday_rota_is_signed_off_by_a_leader_in_person_before_filing(demo_db):
    from textual.widgets import Select

    from cunwu_tui.ui.screens.dialogs import MessageDialog
    from cunwu_tui.features.duty.screens import ReasonForm, SignForm
    from identity_helpers import PIN
    from test_duty import SCHEDULE_2027

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        app.services.holidays.save_year(2027, SCHEDULE_2027)
        await pilot.press("f6", "j")
        await pilot.pause()
        holiday = app.screen
        table = holiday.query_one("#holiday-table", DataTable)
        row = next(i for i in range(table.row_count) if "元旦" in str(table.get_row_at(i)))
        table.move_cursor(row=row)
        await pilot.press("enter")  # draw it up
        await pilot.pause()
        assert "未审签" in str(table.get_row_at(row))
        await pilot.press("f")  # filing first: refused, says what to do
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "G" in "".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press("enter")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, SignForm))
        form = app.screen
        form.query_one("#f-leader", Select).value = next(p.id for p in app.services.staff.list() if p.name == "王建国")
        form.query_one("#f-leader_pin", Input).focus()
        await type_text(pilot, "135792")  # the clerk does not know the 书记's PIN
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "王建国的密码不对" in str(form.query_one("#err-leader_pin").render())
        form.query_one("#f-leader_pin", Input).value = ""
        await type_text(pilot, PIN)  # the 书记, in person
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is holiday)
        assert "已审签" in str(table.get_row_at(row)) and "王建国" in text_of(holiday, "#holiday-detail")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonForm))
        await type_text(pilot, "柳河镇党政办")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is holiday)
        assert "已备案" in str(table.get_row_at(row))


async def test_f6_c_the_incoming_person_confirms_with_their_own_pin(demo_db):
    from cunwu_tui.features.duty.screens import ConfirmHandoverForm

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        duty = app.services.duty
        app.services.core.clock = lambda: NOW
        day, out, inc = duty.handover_defaults(NOW)
        others = [
            p.id for p in app.services.staff.list(active_only=True) if p.id not in (out, app.services.operator.id)
        ]
        incoming = inc if inc != app.services.operator.id else others[0]
        h = duty.hand_over(day, out, incoming, "三组落石待清理")  # confirmed later
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmHandoverForm))
        form = app.screen
        await type_text(pilot, "975310")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "密码不对" in str(form.query_one("#err-pin").render())
        assert not duty.unconfirmed()[0].confirmed
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmHandoverForm))
        assert h.id not in [x.id for x in duty.unconfirmed()]


async def test_f6_rota_and_log_keys_are_the_domains_and_a_refused_key_says_why(demo_db):
    """P and G on the rota and N on a log entry do what features.duty.actions
    allows; a refused key shows its reason with the key that helps."""
    from cunwu_tui.features.duty.screens import LogDetailScreen

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.services.core.clock = lambda: NOW
        call = app.services.duty.add_log("来电", "镇里通知明天开会", at="21:00")
        await pilot.press("f6", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, RotaScreen))
        rota = app.screen
        notes: list[str] = []
        rota.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        published = app.services.duty.month(2026, 11)
        await pilot.press("p")  # November is published (the demo)
        await pilot.pause()
        assert app.screen is rota
        assert notes == [f"2026年11月的值班表已于 {published.published_at:%m-%d %H:%M} 发布。"]
        await pilot.press("full_stop", "full_stop")  # January: not generated yet
        await pilot.pause()
        assert "2027年1月值班表：还没有生成，按 G 按值班员公平生成。" in text_of(rota, "#rota-head")
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is rota and notes[1] == "2027年1月还没有值班表：请先按 G 生成值班表。"

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DutyScreen))
        table = app.screen.query_one("#duty-log", DataTable)
        row = next(i for i in range(table.row_count) if "镇里通知明天开会" in str(table.get_row_at(i)[2]))
        table.move_cursor(row=row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LogDetailScreen))
        detail = app.screen
        assert detail.log_id == call.id
        assert text_of(detail, "#log-keys") == "上下键滚动　Esc 关闭"
        detail.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is detail and notes[2] == "来电记录不能受理为办件（只有来访、来信）。"
