"""Error log in the user log dir: details go there, never onto the screen."""

from __future__ import annotations

import logging
from pathlib import Path

_configured: Path | None = None


def setup_logging() -> Path:
    global _configured
    if _configured is not None:
        return _configured
    from cunwu_tui.paths import user_log_dir

    folder = user_log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "cunwu.log"
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path = Path("cunwu.log")
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("cunwu")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    _configured = path
    return path


def log_path() -> Path:
    return setup_logging()
