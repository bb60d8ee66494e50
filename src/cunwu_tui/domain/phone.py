"""Phone numbers: mainland mobiles and landlines with an area code.

Normalized forms: ``13800138000``; ``0371-12345678``; ``010-12345678-123``
(with an extension). Area codes starting 01 or 02 have three digits (010,
020-029), all others four (0371, 0755), so a number typed without a hyphen
can still be split.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["validate_phone", "mask_phone", "is_mobile"]

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LOCAL = re.compile(r"([0-9]{7,8})(?:-([0-9]{1,6}))?")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70"), "-")
_EXAMPLES = "手机号为11位（如 13800138000），座机请写区号（如 0371-12345678）"


def _clean(text: object) -> str:
    """Fullwidth to ASCII, dashes to '-', spaces dropped, (区号) and 转 (extension) to '-'."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).translate(_DASHES)
    s = "".join(ch for ch in s if not ch.isspace())
    s = s.replace("(", "").replace(")", "-").replace("转", "-")
    s = re.sub("-{2,}", "-", s)
    return s.strip("-")


def _strip_country_code(s: str) -> str:
    for prefix in ("+86", "0086", "86"):
        rest = s[len(prefix) :].lstrip("-")
        if s.startswith(prefix) and rest.replace("-", "").startswith("1"):
            return rest
    return s


def validate_phone(text: object) -> str:
    """The normalized number, or ValueError with a Chinese message.

    Accepts a mobile (11 digits, 1[3-9]..., an optional +86 in front) or a
    landline with area code (0 + 2-3 digits, optional '-', 7-8 digits,
    optional extension '-123' or '转123'); spaces, fullwidth digits and
    fullwidth hyphens are tolerated.
    """
    s = _clean(text)
    if not s:
        raise ValueError("请填写电话号码。")
    bad = sorted({ch for ch in s if ch not in "0123456789-+"})
    if bad:
        raise ValueError(f"电话号码中有无法识别的字符：{''.join(bad)}。{_EXAMPLES}。")
    s = _strip_country_code(s)
    digits = s.replace("-", "")
    if "+" in s:
        raise ValueError(f"电话号码格式不正确：{_EXAMPLES}。")
    if len(digits) in (7, 8) and not digits.startswith("0"):
        raise ValueError("座机号码请加区号，如 0371-12345678。")
    if digits.startswith("1") and len(digits) >= 9:
        if len(digits) != 11:
            raise ValueError(f"手机号应为11位数字，现在是{len(digits)}位。")
        if not _MOBILE.fullmatch(digits):
            raise ValueError("手机号不正确：第二位应为3至9。")
        return digits
    if digits.startswith("0"):
        area_len = 3 if s[1:2] in ("1", "2") else 4
        area, rest = s[:area_len], s[area_len:]
        if "-" in area or len(area) < area_len or area[1] == "0":
            raise ValueError("座机区号不正确：区号为010、02X或0XXX（如 0371）。")
        m = _LOCAL.fullmatch(rest[1:] if rest.startswith("-") else rest)
        if not m:
            raise ValueError(
                f"座机号码不正确：应为区号加7至8位号码，分机号用-隔开（如 {area}-12345678 或 {area}-12345678-123）。"
            )
        local, ext = m.group(1), m.group(2)
        return f"{area}-{local}" + (f"-{ext}" if ext else "")
    raise ValueError(f"电话号码格式不正确：{_EXAMPLES}。")


def is_mobile(number: str) -> bool:
    """Whether a normalized number is a mobile."""
    return bool(_MOBILE.fullmatch(number or ""))


def mask_phone(text: object) -> str:
    """Hide the middle: 138****5678, 0371-****5678, 010-****5678-123.

    A string that is not a valid number is masked generically (at most the
    first 3 and the last 4 characters visible, less for short strings);
    empty gives empty.
    """
    try:
        number = validate_phone(text)
    except ValueError:
        s = "" if text is None else "".join(ch for ch in str(text) if not ch.isspace())
        n = len(s)
        head, tail = min(3, n // 4), min(4, n // 4)
        return s[:head] + "*" * (n - head - tail) + (s[n - tail :] if tail else "")
    if is_mobile(number):
        return number[:3] + "****" + number[7:]
    area, local, *ext = number.split("-")
    return "-".join([area, "*" * (len(local) - 4) + local[-4:], *ext])
