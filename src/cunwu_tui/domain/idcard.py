"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

Only the 18-character number is accepted: 6-digit address code, 8-digit
birth date, 3-digit sequence (odd for men, even for women) and a check
character (0-9 or X) computed with ISO 7064 MOD 11-2.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = ["validate_id_number", "mask_id_number", "birth_date", "gender", "check_character"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_LENGTH_HINT = "不接受15位旧身份证号，请使用18位身份证号"


def _compact(text: object) -> str:
    """Fullwidth digits/letters to ASCII, whitespace removed, X uppercase."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return "".join(ch for ch in text if not ch.isspace()).upper()


def check_character(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def validate_id_number(text: object, *, today: date | None = None) -> str:
    """The normalized 18-character number (uppercase X).

    Spaces (ASCII or fullwidth), fullwidth digits and a lowercase x are
    tolerated; anything else wrong raises ValueError with a Chinese message.
    """
    number = _compact(text)
    if not number:
        raise ValueError("请填写身份证号。")
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise ValueError("这是15位的旧身份证号，系统不接受，请使用18位身份证号。")
    if len(number) != 18:
        raise ValueError(f"身份证号应为18位，现在是{len(number)}位（{_LENGTH_HINT}）。")
    if not _SHAPE.fullmatch(number):
        raise ValueError("身份证号前17位应为数字，最后一位应为数字或X。")
    raw_birth = number[6:14]
    try:
        born = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:]))
    except ValueError:
        raise ValueError(f"身份证号中的出生日期{raw_birth}不存在，请核对。") from None
    if born.year < 1900:
        raise ValueError(f"身份证号中的出生日期{raw_birth}早于1900年，请核对。")
    if born > (today or date.today()):
        raise ValueError(f"身份证号中的出生日期{raw_birth}晚于今天，请核对。")
    if check_character(number[:17]) != number[17]:
        raise ValueError("身份证号未通过校验（校验码不正确），请逐位核对。")
    return number


def birth_date(number: object, *, today: date | None = None) -> date:
    """The birth date of a valid number (ValueError otherwise)."""
    n = validate_id_number(number, today=today)
    return date(int(n[6:10]), int(n[10:12]), int(n[12:14]))


def gender(number: object, *, today: date | None = None) -> str:
    """男 or 女, from the sequence code of a valid number (ValueError otherwise)."""
    n = validate_id_number(number, today=today)
    return "男" if int(n[16]) % 2 else "女"


def mask_id_number(text: object) -> str:
    """Hide the middle of a number: at most the first 6 and the last 4
    characters stay visible, the rest become '*' (18 -> 110105********002X).

    Works on any string: whitespace is dropped, otherwise the characters
    and the length are kept. Shorter strings show proportionally less (at
    most a third at the front and a quarter at the end), so at least 40% is
    always hidden; empty gives empty.
    """
    s = "" if text is None else "".join(str(text).split())  # whitespace dropped (split() is isspace's set)
    n = len(s)
    head = min(6, n // 3)
    tail = min(4, n // 4)
    return s[:head] + "*" * (n - head - tail) + (s[n - tail :] if tail else "")
