"""File names and folders for exported ledgers, and ``export_ledgers``.

Names must survive the township's Windows machines and USB sticks (FAT32,
exFAT): no <>:"/\\|?* or control characters, no trailing dots or spaces,
no reserved device names, and an existing file is never overwritten.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterable

from cunwu_tui.ledgers.engine import Ledger, LedgerContext, LedgerError, Period, write_ledger

__all__ = [
    "LedgerError",
    "ensure_writable_folder",
    "export_ledgers",
    "ledger_filename",
    "os_reason",
    "safe_filename",
    "unique_path",
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


_REASONS = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘是只读的（U盘可能开了写保护）",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENOENT: "路径不存在",
    errno.ENOTDIR: "路径中有一段是文件，不是文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "路径太长",
    errno.EBUSY: "文件正被其他程序使用",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "磁盘配额已用完"
_WINERRORS = {
    5: "没有写入权限，或文件正被其他程序（如 Excel、WPS）打开",
    32: "文件正被其他程序（如 Excel、WPS）打开",
    33: "文件正被其他程序（如 Excel、WPS）打开",
}


def os_reason(exc: OSError, reading: bool = False) -> str:
    """A short Chinese reason for an OSError."""
    winerror = getattr(exc, "winerror", None)
    if reading and exc.errno == errno.EACCES:
        return "没有读取权限"
    if winerror in _WINERRORS:
        return _WINERRORS[winerror]
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or str(exc) or exc.__class__.__name__


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
