"""Personal PINs (个人密码): what a PIN may be, how it is kept, and how
wrong tries slow down and lock.

- A PIN is at least 6 digits, or a passphrase of at least 8 characters.
  Digits typed with the IME in full-width mode (１２３４５６) are the same
  digits. Trivial PINs (one digit repeated, a plain run such as 123456) are
  refused.
- It is kept only as a slow, salted hash: ``hashlib.scrypt`` (standard
  library, memory-hard; no extra dependency to build on an office PC or in
  the offline bundle), stored as ``scrypt$n$r$p$salt$hash`` so the cost can
  be raised later without losing the old hashes.
- Wrong tries: the first ones cost nothing, then each must wait a growing
  delay, and after ``LOCK_AFTER`` wrong tries in a row the person is locked
  for ``LOCK_MINUTES`` (an administrator's PIN reset unlocks at once).

Pure: no database, no Textual. The services keep the counters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_DIGITS = 6
MIN_PASSPHRASE = 8
MAX_LENGTH = 64

# scrypt cost: n=2**14, r=8 -> 16 MiB and roughly 0.1 s on an old office PC.
# (The test suite lowers SCRYPT_N for speed; the stored hash names its own
# cost, so a PIN always verifies with the cost it was made with.)
PRODUCTION_N = 2**14
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES, SALT_BYTES = PRODUCTION_N, 8, 1, 32, 16

# Wrong tries in a row: no wait for the first FREE_TRIES, then a growing wait,
# then a lock.
FREE_TRIES = 2
LOCK_AFTER = 6
LOCK_MINUTES = 15

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


class PinError(ValueError):
    """A PIN that cannot be set: ``str()`` is the Chinese message."""


def normalize(pin: object) -> str:
    """What the person typed, as compared: full-width digits as ASCII, NFC,
    surrounding spaces dropped (an Input never shows them)."""
    text = unicodedata.normalize("NFC", str(pin or "")).translate(_FULLWIDTH)
    return text.strip()


def check_new(pin: object, again: object | None = None) -> str:
    """The PIN to keep, or PinError: digits only and at least 6 of them, or a
    passphrase of at least 8 characters; typed twice the same."""
    text = normalize(pin)
    if not text:
        raise PinError("请设置个人密码：至少6位数字，或至少8个字的密码短语。")
    if len(text) > MAX_LENGTH:
        raise PinError(f"密码最多{MAX_LENGTH}个字。")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise PinError("密码中不能有控制字符。")
    if text.isascii() and text.isdigit():
        if len(text) < MIN_DIGITS:
            raise PinError(f"数字密码至少{MIN_DIGITS}位（现在是{len(text)}位）。")
        if trivial(text):
            raise PinError("这个密码太容易被猜到（同一数字重复或连续数字），请换一个。")
    elif len(text) < MIN_PASSPHRASE:
        raise PinError(f"不全是数字的密码至少{MIN_PASSPHRASE}个字（现在是{len(text)}个）。")
    if again is not None and normalize(again) != text:
        raise PinError("两次输入的密码不一样，请重新输入。")
    return text


def trivial(digits: str) -> bool:
    """One digit repeated, or a run up or down (123456, 987654, 890123)."""
    if len(set(digits)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:])}
    return steps in ({1}, {9})


def hash_pin(pin: str, salt: bytes | None = None, n: int | None = None, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$n$r$p$salt$key`` (base64). The PIN itself is never kept."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    n = n or SCRYPT_N
    key = hashlib.scrypt(
        normalize(pin).encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=256 * 1024 * 1024
    )
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(key).decode()}"


def matches(pin: object, stored: str) -> bool:
    """Whether ``pin`` is the one ``stored`` was made from (constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(key)
        got = hashlib.scrypt(
            normalize(pin).encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def delay_after(failures: int) -> timedelta:
    """How long to wait before the next try after ``failures`` wrong tries in
    a row: nothing for the first FREE_TRIES, then 5, 15, 30 seconds …
    ``LOCK_AFTER`` and more: the lock."""
    if failures <= FREE_TRIES:
        return timedelta(0)
    if failures >= LOCK_AFTER:
        return timedelta(minutes=LOCK_MINUTES)
    return timedelta(seconds=(5, 15, 30, 60)[min(failures - FREE_TRIES - 1, 3)])


@dataclass(frozen=True)
class TryState:
    """Wrong tries in a row and when the next try is allowed."""

    failures: int = 0
    not_before: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.failures >= LOCK_AFTER and self.not_before is not None and now < self.not_before

    def wait(self, now: datetime) -> timedelta:
        if self.not_before is None or now >= self.not_before:
            return timedelta(0)
        return self.not_before - now

    def after_failure(self, now: datetime) -> TryState:
        failures = self.failures + 1
        if self.failures >= LOCK_AFTER and self.not_before is not None and now >= self.not_before:
            failures = 1  # the lock ran out: counting starts again
        return TryState(failures, now + delay_after(failures) if delay_after(failures) else None)

    def refusal(self, now: datetime) -> str:
        """The Chinese sentence for a try that is not allowed yet ('' when it is)."""
        left = self.wait(now)
        if not left:
            return ""
        if self.locked(now):
            minutes = max(1, -(-int(left.total_seconds()) // 60))
            return f"密码连续输错{self.failures}次，已锁定，请{minutes}分钟后再试，或请管理员重设密码。"
        return f"密码输错次数较多，请{max(1, int(left.total_seconds()))}秒后再试。"

    def tries_left(self) -> int:
        return max(0, LOCK_AFTER - self.failures)
