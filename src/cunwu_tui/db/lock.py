"""Who has the database open: an OS-level lock on a file beside it.

Every open database (each window of the app, each CLI command) holds a
*shared* lock on ``<db>.lock`` for as long as it is open; a restore needs the
*exclusive* lock, which the OS grants only when nobody else holds any. The OS
drops the locks of a process that dies, so a crashed window never blocks a
restore (no stale PID files).

- POSIX: ``fcntl.flock`` (LOCK_SH / LOCK_EX, non-blocking). flock locks
  belong to the open file, so two opens in one process exclude each other
  too (the tests rely on that).
- Windows: ``msvcrt.locking`` has only exclusive byte-range locks, so each
  open database locks one byte of its own among SLOTS bytes (a shared
  lock), and a restore locks all of them at once (the exclusive lock).

Where the file system refuses locks altogether (some network shares), the
lock is skipped with a line in the log: the app still opens.
"""

from __future__ import annotations

import errno
import logging
import os
import random
from pathlib import Path

from cunwu_tui.paths import PRIVATE_FILE, lock_file_for, make_private

log = logging.getLogger("cunwu.db")

SLOTS = 1024  # Windows: how many windows may have the database open at once
WINDOWS = os.name == "nt"

_BUSY = {errno.EAGAIN, errno.EACCES, getattr(errno, "EWOULDBLOCK", errno.EAGAIN), errno.EDEADLK}


class DatabaseInUse(Exception):
    """The lock is held elsewhere; str() is Chinese."""


class DatabaseLock:
    def __init__(self, db_path: Path):
        self.path = lock_file_for(Path(db_path))
        self._fd: int | None = None
        self._region: tuple[int, int] | None = None  # Windows: (offset, length)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _open(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
        make_private(self.path)
        return fd

    def acquire(self, exclusive: bool) -> bool:
        """Take the lock without waiting: True if taken (or locks are not
        supported here), False if another open database holds it."""
        if self._fd is not None:
            raise RuntimeError("lock already held")
        try:
            fd = self._open()
        except OSError as exc:
            log.warning("no instance lock at %s: %s", self.path, exc)
            return True
        try:
            ok = self._lock(fd, exclusive)
        except OSError as exc:  # locks not supported on this file system
            log.warning("instance lock not supported at %s: %s", self.path, exc)
            os.close(fd)
            return True
        if not ok:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def _lock(self, fd: int, exclusive: bool) -> bool:
        if WINDOWS:
            import msvcrt

            regions = [(0, SLOTS + 1)] if exclusive else [(1 + i, 1) for i in random.sample(range(SLOTS), 64)]
            for offset, length in regions:
                os.lseek(fd, offset, os.SEEK_SET)
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, length)  # type: ignore[attr-defined]  # Windows only
                except OSError:
                    continue
                self._region = (offset, length)
                return True
            return False
        import fcntl

        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in _BUSY:
                return False
            raise
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if WINDOWS and self._region is not None:
                import msvcrt

                offset, length = self._region
                os.lseek(fd, offset, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, length)  # type: ignore[attr-defined]  # Windows only
            elif not WINDOWS:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            pass
        finally:
            self._region = None
            os.close(fd)


def hold_shared(db_path: Path | None) -> DatabaseLock | None:
    """The shared lock of an open database (None for an in-memory one);
    DatabaseInUse while a restore holds the exclusive lock."""
    if db_path is None:
        return None
    lock = DatabaseLock(db_path)
    if not lock.acquire(exclusive=False):
        raise DatabaseInUse("数据库正在恢复，请稍候再打开。")
    return lock


def hold_exclusive(db_path: Path) -> DatabaseLock:
    """The exclusive lock for a restore; DatabaseInUse if any window or
    command has the database open."""
    lock = DatabaseLock(db_path)
    if not lock.acquire(exclusive=True):
        raise DatabaseInUse("数据库正被其他窗口使用（村务通还开着）：请先关闭其他村务通窗口，再恢复。")
    return lock
