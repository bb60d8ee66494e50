"""An unexpected error in a screen's handler never closes the app.

Textual stops a widget's message loop at the first exception and ends the
app. Every screen of ours mixes in ``Guarded``: an exception from one of its
handlers is logged (the log never shows it on screen) and answered with a
Chinese message, and the screen, with whatever was typed in it, stays as it
was. Key actions are guarded the same way in ``CunwuApp._dispatch_action``.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class Guarded:
    """Mix in before the Textual screen class: ``class X(Guarded, ModalScreen)``."""

    async def _on_message(self, message: Message) -> None:
        try:
            await super()._on_message(message)  # type: ignore[misc]
        except Exception as exc:  # any error: reported, never swallowed silently
            report_unexpected(self, exc)


def report_unexpected(node: Any, exc: BaseException) -> None:
    """Log ``exc`` and tell the clerk in Chinese; the app keeps running."""
    app = getattr(node, "app", node)
    handler = getattr(app, "unexpected", None)
    if handler is None:  # not our app (a test harness): let Textual handle it
        raise exc
    handler(exc)
