"""Bad input at 80x24 (#12): ①, 𠮷, a pasted 2,000-character line and an
escape sequence typed into every field of the forms a clerk meets; the app
keeps running, the form keeps what was typed, nothing is half-saved; an
unexpected error in a screen is a Chinese message, not the end of the app."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from cunwu_tui.ui.screens.modal import ModalForm

from test_app import SIZE, TODAY, start, wait_for

LONG = "长" * 2000
ESCAPE = "\x1b[31m红字\x1b[0m\x00"

# (function key, key that opens the form) for the forms of every register.
FORMS = [("f5", "n"), ("f6", "l"), ("f6", "t"), ("f6", "h"), ("f7", "n"), ("f4", "n")]


def fields(screen) -> list:
    return [w for w in screen.query("Input, TextArea") if w.id and w.id.startswith("f-") and not w.disabled]


async def paste(pilot, widget, text: str) -> None:
    widget.focus()
    await pilot.pause()
    widget.post_message(events.Paste(text))
    await pilot.pause()


async def close_form(pilot) -> None:
    app = pilot.app
    await pilot.press("escape")
    await pilot.pause()
    if isinstance(app.screen, ConfirmDialog):  # "discard what was typed?"
        await pilot.press("y")
        await pilot.pause()


@pytest.mark.parametrize("screen_key, form_key", FORMS, ids=[f"{a}-{b}" for a, b in FORMS])
async def test_ime_symbols_long_lines_and_escapes_in_every_field(demo_db, screen_key, form_key):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press(screen_key)
        await pilot.pause()
        await pilot.press(form_key)
        await wait_for(pilot, lambda: isinstance(app.screen, ModalForm))
        form = app.screen
        widgets = fields(form)
        assert widgets, f"{type(form).__name__} has no text fields"
        counts = {name: len(list(getattr(app.services, name).list())) for name in ("seal_register", "notices")}
        for value in ("①", "𠮷", LONG, ESCAPE):
            for w in widgets:
                if value in ("①", "𠮷"):
                    w.focus()
                    await pilot.pause()
                    await pilot.press(value)  # typed, as an IME delivers it
                else:
                    await paste(pilot, w, value)
            # what was typed is kept, except a PIN, which never stays on screen after a try
            kept = [w for w in widgets if not getattr(w, "password", False)]
            typed = {w.id: (w.value if isinstance(w, Input) else w.text) for w in kept}
            await pilot.press("ctrl+s")
            await pilot.pause(0.05)
            assert app.is_running
            if app.screen is form:  # refused: what was typed is still there
                assert typed == {w.id: (w.value if isinstance(w, Input) else w.text) for w in kept}
                assert all(w.value == "" for w in widgets if getattr(w, "password", False))
            else:  # saved (only sane text can be): back to the register
                assert not getattr(app.screen, "unexpected_report", False)
                break
        if app.screen is form:
            await close_form(pilot)
        assert app.is_running
        # nothing with control characters was stored
        for name, before in counts.items():
            for row in list(getattr(app.services, name).list())[
                : max(0, len(list(getattr(app.services, name).list())) - before)
            ]:
                assert "\x1b" not in repr(row) and "\\x00" not in repr(row)


async def test_an_unexpected_error_in_a_form_keeps_the_app_and_the_typing(demo_db, monkeypatch):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, ModalForm))
        form = app.screen
        content = form.query_one("#f-content")
        await paste(pilot, content, "张大爷来电反映路灯不亮")

        def boom(*_a, **_k):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(app.services.duty, "add_log", boom)
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert app.is_running and app.screen is form
        text = content.value if isinstance(content, Input) else content.text
        assert "张大爷来电反映路灯不亮" in text
        assert "程序出错" in str(form.query_one("#err-form").render())

        # a key action that fails is a message too, and the screen stays
        await close_form(pilot)
        screen = app.screen
        monkeypatch.setattr(type(screen), "action_log", lambda self: boom())
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert getattr(app.screen, "unexpected_report", False) and "出错了" in str(
            app.screen.query("Static").first().render()
        )
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and app.screen is screen

    from cunwu_tui.logsetup import log_path

    assert "disk on fire" in log_path().read_text(encoding="utf-8")
