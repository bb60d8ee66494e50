"""The small modal form every feature uses: Ctrl+S saves through ``save()``,
Esc cancels (asking first when something was typed); a ValidationError from
the service is shown at its fields and the form keeps what was typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, TextArea

from cunwu_tui.ui.screens.guard import Guarded
from cunwu_tui.ui.widgets import Form

if TYPE_CHECKING:
    from cunwu_tui.services import Services


def input_values(root) -> tuple:
    """What the inputs under ``root`` hold now: text fields, text areas,
    choices and tick lists, in order."""
    from cunwu_tui.ui.widgets import CheckList

    out: list[Any] = []
    for w in root.query("Input, TextArea, Select, CheckList"):
        if isinstance(w, Input):
            out.append((w.id, w.value))
        elif isinstance(w, TextArea):
            out.append((w.id, w.text))
        elif isinstance(w, Select):
            out.append((w.id, w.value))
        elif isinstance(w, CheckList):
            out.append((w.id, tuple(w.selected)))
    return tuple(out)


DISCARD_TITLE = "放弃已填写的内容？"
DISCARD_TEXT = "这张表里填写的内容还没有保存。按 Y 放弃并关闭，按 N 回去继续填写（Ctrl+S 保存）。"


class ModalForm(Guarded, ModalScreen):
    """The one modal form base. A form declares its fields in ``compose``
    (``field_row`` ids ``f-<name>``), their text limits in ``LIMITS`` and
    implements ``save()``, which calls the service and returns what the form
    dismisses with (True when it returns nothing; None when cancelled).

    - Ctrl+S / 保存 run ``confirm_before_save()`` (an optional question,
      e.g. "file this under another shift?") and then ``save()``.
    - A ValidationError is shown at its fields (``Form.show_errors``), a
      SaveError and an unexpected error (logged) under the form; the form
      stays with what was typed. A PIN field is cleared by ``save()`` itself.
    - Esc, 取消 and Ctrl+Q (see the app) ask before discarding what was
      typed: the inputs' values are remembered after mount (after the
      form's own on_mount filled them). ``GUARD = False`` for a search or
      filter box or a PIN prompt: nothing to lose there.
    - ``value`` / ``choice`` / ``picked`` / ``values`` read the fields.
    """

    BINDINGS = [Binding("ctrl+s", "save", "保存", key_display="^S"), Binding("escape", "cancel", "取消")]
    # The declared maximum length of a text field (domain/inputs), shown in
    # its placeholder; the service enforces the same number with a message.
    LIMITS: dict[str, int] = {}
    GUARD = True
    _initial_values: tuple | None = None

    def __init__(self, services: Services):
        super().__init__()
        self.services = services

    # -- discarding what was typed -------------------------------------------
    @on(events.Mount)
    def _remember_initial_values(self) -> None:
        self.call_after_refresh(self.remember_values)

    def remember_values(self) -> None:
        self._initial_values = input_values(self)

    def has_unsaved(self) -> bool:
        return self.GUARD and self._initial_values is not None and input_values(self) != self._initial_values

    def ask_discard(self, then) -> None:
        """Run ``then()`` at once when nothing was typed, else after a yes."""
        if not self.has_unsaved():
            then()
            return
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmDialog(DISCARD_TITLE, DISCARD_TEXT), answer)

    def on_mount(self) -> None:
        from cunwu_tui.domain.inputs import limit_hint

        for field, limit in self.LIMITS.items():
            for widget in self.query(f"#f-{field}"):
                if hasattr(widget, "placeholder"):
                    hint = limit_hint(limit)
                    widget.placeholder = f"{widget.placeholder}（{hint}）" if widget.placeholder else hint

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("保存（Ctrl+S）", id="save", compact=True)
            yield Button("取消（Esc）", id="cancel", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.ask_discard(lambda: self.dismiss(None))

    def confirm_before_save(self) -> tuple[str, str] | None:
        """A (title, message) question to ask before saving, or None. May
        raise ValidationError like ``save()``."""
        return None

    def action_save(self) -> None:
        from cunwu_tui.errors import ValidationError

        form = self.query_one(Form)
        try:
            question = self.confirm_before_save()
        except ValidationError as exc:
            form.show_errors(exc.errors)
            return
        if question is None:
            self._save_now()
            return
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self._save_now()

        self.app.push_screen(ConfirmDialog(*question), answer)

    def _save_now(self) -> None:
        from cunwu_tui.errors import SaveError, ValidationError

        form = self.query_one(Form)
        try:
            result = self.save()
        except ValidationError as exc:
            form.show_errors(exc.errors)
            return
        except SaveError as exc:
            form.show_errors({"form": str(exc)})
            return
        except Exception as exc:  # any error: the form stays, the log has it
            import logging

            logging.getLogger("cunwu.ui").error("unexpected error saving a form", exc_info=exc)
            form.show_errors(
                {"form": "保存失败，未作任何改动（程序出错，详细信息已写入日志）；已填写的内容仍在，可以修改后重试。"}
            )
            return
        self.dismiss(result if result is not None else True)

    def save(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def value(self, field: str) -> str:
        return self.query_one(f"#f-{field}", Input).value

    def choice(self, field: str) -> str:
        """A Select of text values: its value, "" when nothing is chosen."""
        v = self.query_one(f"#f-{field}", Select).value
        return v if isinstance(v, str) else ""

    def picked(self, field: str) -> Any:
        """A Select of any values (ids ...): its value, None when nothing is chosen."""
        v = self.query_one(f"#f-{field}", Select).value
        return None if v is Select.BLANK or v == Select.NULL else v

    def values(self, *fields: str) -> dict[str, Any]:
        """The named fields' contents: an Input's or TextArea's text, a
        Select's value (None when nothing is chosen, as ``picked``), a
        CheckList's ticked values."""
        from cunwu_tui.ui.widgets import CheckList

        out: dict[str, Any] = {}
        for field in fields:
            widget = self.query_one(f"#f-{field}")
            if isinstance(widget, TextArea):
                out[field] = widget.text
            elif isinstance(widget, Select):
                out[field] = self.picked(field)
            elif isinstance(widget, CheckList):
                out[field] = list(widget.selected)
            else:
                out[field] = self.query_one(f"#f-{field}", Input).value
        return out


class PinPrompt(ModalForm):
    """Someone present types their own PIN to do one thing (approve an
    entry, confirm a handover): ``act(pin)`` calls the service, which
    checks it. The PIN never stays on screen after a try."""

    GUARD = False  # nothing typed to lose but a PIN

    def __init__(self, services: Services, title: str, hint: str, label: str, field: str = "pin"):
        super().__init__(services)
        self._title, self._hint, self._label, self._field = title, hint, label, field

    def compose(self) -> ComposeResult:
        from textual.widgets import Static

        from cunwu_tui.ui.widgets import FieldError, field_row

        with Form(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Static(self._hint, classes="hint")
            yield from field_row(self._label, self._field, Input(password=True, max_length=64))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one(f"#f-{self._field}", Input).focus()

    def save(self) -> Any:
        pin = self.value(self._field)
        self.query_one(f"#f-{self._field}", Input).value = ""
        return self.act(pin)

    def act(self, pin: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError
