"""Forms at 80x24, driven by real keys: nothing typed is lost without a
question (Esc, the 取消 button, Ctrl+Q, switching F9 pages); errors are
scrolled into view; focus starts on the first field."""

from __future__ import annotations

from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Input

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dialogs import ConfirmDialog
from cunwu_tui.features.duty.screens import DutyScreen, HandoverForm, LogForm, SubstitutionForm
from cunwu_tui.ui.screens.forms import StaffForm
from cunwu_tui.ui.screens.settings import SettingsScreen
from cunwu_tui.ui.widgets import FieldError, Form, field_row

from test_app import SIZE, TODAY, start, type_text


async def test_esc_on_a_half_filled_form_asks_before_discarding(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f6", "l")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LogForm)
        # Nothing typed: Esc closes at once.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DutyScreen)
        await pilot.press("l")
        await pilot.pause()
        form = app.screen
        await pilot.press("tab", "tab")
        await type_text(pilot, "村民来访")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and form.query_one("#f-content", Input).value == "村民来访"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DutyScreen)
        assert not any(e.content == "村民来访" for e in app.services.duty.shift_logs(TODAY))


async def test_settings_forms_and_ctrl_q_ask_too(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f9")
        await pilot.pause()
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        assert app.focused is settings.query_one("#f-village")  # typing goes into the first field
        # A staff form (the shared forms.py base) asks on Esc.
        await pilot.press("f9")  # the next page: 人员
        await pilot.pause()
        assert settings.query_one("#tabs").active == "tab-staff"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StaffForm)
        await type_text(pilot, "孙悦")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StaffForm)
        # Ctrl+Q inside the form asks; N goes back to it.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "退出" in str(app.screen.query_one(".title").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StaffForm) and app.is_running
        assert app.screen.query_one("#f-name", Input).value == "孙悦"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert app.screen is settings


async def test_switching_f9_pages_with_unsaved_village_information_asks(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f9")
        await pilot.pause()
        settings = app.screen
        village = settings.query_one("#f-village", Input)
        was = village.value
        await pilot.press("end")
        await type_text(pilot, "二")
        await pilot.press("f9")  # the next page
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "村(社区)信息" in str(app.screen.query_one(".title").render())
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is settings
        assert settings.query_one("#tabs").active == "tab-profile" and village.value == was + "二"
        # Ctrl+Q asks as well, on a page rather than a form.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert settings.query_one("#tabs").active == "tab-staff"
        assert village.value == was  # put back as saved
        assert app.services.settings.profile().village == was
        # Nothing unsaved: Ctrl+Q quits without a question.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_duty_forms_start_on_their_first_field(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f6", "t")
        await pilot.pause()
        assert isinstance(app.screen, SubstitutionForm) and app.focused is app.screen.query_one("#f-start")
        await pilot.press("escape", "h")
        await pilot.pause()
        assert isinstance(app.screen, HandoverForm) and app.focused is app.screen.query_one("#f-day")


class _TallForm(App):
    CSS = (
        "VerticalScroll { height: 12; } .row { height: 3; } .error { display: none; } .error.-shown { display: block; }"
    )

    def compose(self):
        with Form():
            with VerticalScroll(id="scroll"):
                for i in range(20):
                    yield from field_row(f"第{i}项", f"x{i}", Input())


async def test_an_error_below_the_visible_part_is_scrolled_into_view():
    app = _TallForm()
    async with app.run_test(size=SIZE) as pilot:
        form = app.query_one(Form)
        scroll = app.query_one("#scroll")
        # The field is just visible at the bottom edge: focusing it does not scroll.
        app.query_one("#f-x10").focus()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()  # a scroll still moving would undo scroll_to below
        scroll.scroll_to(y=21, animate=False)
        await pilot.pause()
        assert scroll.scroll_y == 21
        form.show_errors({"x10": "这一项必须填写。"})
        await pilot.pause()
        await pilot.pause()
        line = app.query_one("#err-x10", FieldError)
        assert app.focused is app.query_one("#f-x10")
        top, bottom = scroll.region.y, scroll.region.bottom
        assert top <= line.region.y < bottom and line.region.height == 1
