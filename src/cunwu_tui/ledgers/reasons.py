"""Short Chinese reasons for an OSError, for the messages of LedgerError
(a folder on a write-protected USB stick, a file open in WPS)."""

from __future__ import annotations

import errno

__all__ = ["os_reason"]

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
