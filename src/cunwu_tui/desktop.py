"""Open an exported file with its default program (WPS, Excel, LibreOffice)
or its folder in the file manager: os.startfile on Windows, xdg-open on
Linux (统信 UOS, 麒麟), open on macOS. Nothing here waits for the program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def open_path(path: str | Path) -> str:
    """Open ``path``; "" when handed to the system, else a Chinese message."""
    p = Path(path)
    if not p.exists():
        return f"找不到：{p}"
    try:
        if sys.platform == "win32" or os.name == "nt":
            os.startfile(str(p))  # type: ignore[attr-defined]  # Windows only
            return ""
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        found = shutil.which(opener)
        if found is None:
            return f"本机没有 {opener}，无法直接打开；请在文件管理器中打开：{p}"
        subprocess.Popen(
            [found, str(p)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return f"无法打开：{p}（{exc.strerror or exc}）"
    return ""
