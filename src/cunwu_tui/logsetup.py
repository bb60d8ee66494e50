"""Error log in the user log dir: details go there, never onto the screen.

The log never holds personal data: every record passes ``PersonalDataFilter``
(ID numbers and phones masked in the message, its arguments, the exception
text and the stack), SQLAlchemy is told to leave statement parameters out of
its errors (db/engine.py, ``hide_parameters``), and the file is created
owner-only (0600 in a 0700 folder on POSIX).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

_configured: Path | None = None


class PersonalDataFilter(logging.Filter):
    """Masks ID-number and phone patterns in every record (domain/privacy.py).

    The record's message is rendered with its arguments and masked, so an
    argument can never bring a number back; the exception and stack text are
    rendered and masked the same way."""

    def filter(self, record: logging.LogRecord) -> bool:
        from cunwu_tui.domain.privacy import mask_personal

        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what can be kept
            message = f"{record.msg!s} {record.args!r}"
        record.msg = mask_personal(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
            # the text stands for the exception: a formatter must not render
            # the unmasked original again
            record.exc_info = None
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


def _private_log_file(path: Path) -> None:
    """Create the log owner-only; tighten an older one (POSIX)."""
    from cunwu_tui.paths import PRIVATE_FILE, make_private

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)
    make_private(path)


def setup_logging() -> Path:
    global _configured
    if _configured is not None:
        return _configured
    from cunwu_tui.paths import private_mkdir, user_log_dir

    folder = user_log_dir()
    try:
        private_mkdir(folder)
        path = folder / "cunwu.log"
        _private_log_file(path)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path = Path("cunwu.log")
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger("cunwu")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    _configured = path
    return path


def log_path() -> Path:
    return setup_logging()
