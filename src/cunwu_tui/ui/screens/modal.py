"""The small modal form every feature uses: Ctrl+S saves through ``save()``,
Esc cancels; a ValidationError from the service is shown at its fields and
the form keeps what was typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select

from cunwu_tui.ui.screens.guard import Guarded

from cunwu_tui.ui.widgets import Form

if TYPE_CHECKING:
    from cunwu_tui.services import Services


class ModalForm(Guarded, ModalScreen):
    """Dismisses with what ``save()`` returned (True when it returned
    nothing), or None when cancelled."""

    BINDINGS = [Binding("ctrl+s", "save", "保存", key_display="^S"), Binding("escape", "cancel", "取消")]
    # The declared maximum length of a text field (domain/inputs), shown in
    # its placeholder; the service enforces the same number with a message.
    LIMITS: dict[str, int] = {}

    def __init__(self, services: Services):
        super().__init__()
        self.services = services

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
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
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
        except Exception as exc:  # noqa: BLE001 - the form stays, the log has it
            import logging

            logging.getLogger("cunwu.ui").error("unexpected error saving a form", exc_info=exc)
            form.show_errors({"form": "保存失败，未作任何改动（程序出错，详细信息已写入日志）；已填写的内容仍在，可以修改后重试。"})
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
