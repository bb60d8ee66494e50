"""File names and folders for exported ledgers, ``write_ledger`` and
``export_ledgers``.

Names must survive the township's Windows machines and USB sticks (FAT32,
exFAT): no <>:"/\\|?* or control characters, no trailing dots or spaces,
no reserved device names, and an existing file is never overwritten.

Cheap to import: openpyxl is loaded when a ledger is written (``writer``,
imported by ``write_ledger``).
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from cunwu_tui.ledgers.engine import Ledger, LedgerContext, LedgerError, Period
from cunwu_tui.ledgers.reasons import os_reason

__all__ = [
    "LedgerError",
    "ensure_writable_folder",
    "export_ledgers",
    "ledger_filename",
    "os_reason",
    "safe_filename",
    "unique_path",
    "write_ledger",
]

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in "123456789¹²³"]
    + [f"LPT{i}" for i in "123456789¹²³"]
)
_PART_MAX = 60  # characters per part: keeps whole paths well under 260


def _clean_part(text: Any) -> str:
    s = unicodedata.normalize("NFC", "" if text is None else str(text))
    s = _FORBIDDEN.sub("_", s).strip()
    return s[:_PART_MAX].strip()


def safe_filename(name: str, fallback: str = "台账") -> str:
    """``name`` with everything Windows refuses in a file name replaced:
    forbidden characters become '_', trailing dots and spaces go, and a
    reserved device name (CON, NUL, COM1, ... also as CON.txt) gets a '_'
    in front."""
    s = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", str(name))).strip().rstrip(". ")
    if not s:
        s = fallback
    if s.split(".")[0].strip().upper() in _RESERVED:
        s = "_" + s
    return s


def ledger_filename(village: str, ledger_title: str, period: Period) -> str:
    """〈村名〉_〈台账名〉_2026-11.xlsx, safe on Windows."""
    village_part = _clean_part(village) or "未填村名"
    title_part = _clean_part(ledger_title) or "台账"
    stem = safe_filename(f"{village_part}_{title_part}_{period.iso}")
    return f"{stem}.xlsx"


def unique_path(path: str | Path) -> Path:
    """``path`` if nothing is there, else the first free numbered sibling:
    X.xlsx -> X (2).xlsx, X (3).xlsx, ..."""
    path = Path(path)
    if not os.path.lexists(path):
        return path
    for i in itertools.count(2):
        candidate = path.with_name(f"{path.stem} ({i}){path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise AssertionError("unreachable")


def ensure_writable_folder(out_dir: str | Path) -> Path:
    """Create ``out_dir`` if needed and check that a file can be written in
    it; LedgerError (Chinese, naming the folder) otherwise."""
    folder = Path(out_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise LedgerError(f"{folder} 是一个文件，不是文件夹，请换一个输出文件夹。")
    try:
        from cunwu_tui.paths import private_mkdir

        private_mkdir(folder)  # a new folder is owner-only (POSIX)
    except OSError as exc:
        raise LedgerError(f"无法创建文件夹 {folder}：{os_reason(exc)}。请换一个输出文件夹。") from exc
    try:
        fd, probe = tempfile.mkstemp(prefix=".cunwu-probe-", suffix=".tmp", dir=folder)
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise LedgerError(f"文件夹 {folder} 不能写入：{os_reason(exc)}。请换一个输出文件夹。") from exc
    return folder


def write_ledger(
    ledger: Ledger,
    ctx: LedgerContext,
    period: Period,
    rows: Iterable[Sequence],
    path: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> Path:
    """Write one ledger sheet to ``path`` (an .xlsx file) and return the path.

    Streams ``rows`` (one sequence per entry, a value per declared column)
    through openpyxl's write-only mode. The file appears atomically: it is
    written to a hidden temporary file in the same folder and renamed over
    ``path`` (which is replaced if it exists; use ``naming.unique_path``
    to avoid that). On any error nothing is left behind. ``progress(n)``
    is called every ``progress_every`` rows and once at the end with the
    number of rows written so far.

    Raises LedgerError (Chinese) when the folder cannot be written or a
    value does not fit its column; errors raised by ``rows`` propagate
    unchanged.
    """
    from cunwu_tui.ledgers import writer

    return writer.write_ledger(ledger, ctx, period, rows, Path(path), progress=progress, progress_every=progress_every)


def export_ledgers(
    ledgers: Iterable[Ledger],
    source: Any,
    ctx: LedgerContext,
    period: Period,
    out_dir: str | Path,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write each ledger of ``period`` into ``out_dir`` (created if missing)
    under ``ledger_filename``, numbered if the name is taken. Returns the
    written paths in order. ``progress(n)`` counts the rows of the ledger
    being written (it starts again at 0 for the next ledger).

    Raises LedgerError (Chinese) if the folder cannot be created or written;
    a ledger that fails leaves no file, the ones before it stay."""
    folder = ensure_writable_folder(out_dir)
    paths: list[Path] = []
    for ledger in ledgers:
        target = unique_path(folder / ledger_filename(ctx.village, ledger.title, period))
        rows = ledger.rows(source, period)
        paths.append(write_ledger(ledger, ctx, period, rows, target, progress=progress))
    return paths
