"""Personal data inside free text: ID numbers and phone numbers typed into a
duty entry, a note, an error message. ``mask_personal`` hides them the way
lists and ledgers hide them everywhere else (ID 6+4, phone 3+4); the log
filter and the ledgers both call it.

Patterns, each standing alone (no digit right before or after):
- an 18-character ID number (17 digits and a digit or X), or a 15-digit old
  one; groups may be separated by single spaces (110105 19491231 002X);
- an 11-digit mobile 1[3-9]..., optionally +86 in front and with spaces or
  hyphens in the usual places (138 0013 8000, 138-0013-8000);
- a landline with its area code (0371-12345678, 010 12345678, 03716012345).
Fullwidth digits count as digits. Dates, times, amounts and record numbers
(2026-11-22, 〔2026〕第0001号, 20261122-093000) are shorter or shaped
differently and stay as they are.
"""

from __future__ import annotations

import re
from typing import TypeVar, overload

_T = TypeVar("_T")

__all__ = ["mask_personal", "has_personal"]

_D = "[0-9\uff10-\uff19]"  # ASCII or fullwidth digit
_X = "[0-9\uff10-\uff19Xx\uff38\uff58]"
_EDGE_L = f"(?<!{_D})"
_EDGE_R = f"(?!{_D})"

_ID18 = f"{_D}{{6}} ?{_D}{{8}} ?{_D}{{3}}{_X}"
_ID15 = f"{_D}{{15}}"
_MOBILE = f"(?:(?:\\+|00)?86[ -]?)?[1\uff11][3-9\uff13-\uff19]{_D}[ -]?{_D}{{4}}[ -]?{_D}{{4}}"
# area codes are 010, 02x, 03xx-09xx: never a second 0 (so 0000000000 is no phone)
_LANDLINE = f"\\(?[0\uff10][1-9\uff11-\uff19]{_D}{{1,2}}\\)?[ -]?{_D}{{7,8}}"

_PATTERN = re.compile(
    f"{_EDGE_L}(?:(?P<id>{_ID18}(?![0-9\uff10-\uff19Xx])|{_ID15}{_EDGE_R})"
    f"|(?P<mobile>{_MOBILE}){_EDGE_R}|(?P<landline>{_LANDLINE}){_EDGE_R})"
)


def _mask_id(s: str) -> str:
    digits = [i for i, ch in enumerate(s) if not ch.isspace()]
    keep = set(digits[:6]) | set(digits[-4:])
    return "".join(ch if (i in keep or ch.isspace()) else "*" for i, ch in enumerate(s))


def _keep(s: str, keep: set[int]) -> str:
    return "".join(ch if (i in keep or not ch.isdigit()) else "*" for i, ch in enumerate(s))


def _mask_mobile(s: str) -> str:
    """138****8000; +86 in front stays; separators stay where they were."""
    digits = [i for i, ch in enumerate(s) if ch.isdigit()]
    return _keep(s, set(digits[:-8]) | set(digits[-4:]))


def _mask_landline(s: str) -> str:
    """0371-****5678: the area code and the last four digits stay."""
    digits = [i for i, ch in enumerate(s) if ch.isdigit()]
    sep = next((i for i, ch in enumerate(s) if ch in " -)"), None)
    if sep is not None:
        head = {i for i in digits if i < sep}
    else:
        head = set(digits[: 3 if s[1] in "12\uff11\uff12" else 4])
    return _keep(s, head | set(digits[-4:]))


def _replace(m: re.Match[str]) -> str:
    if m.group("id"):
        return _mask_id(m.group(0))
    if m.group("mobile"):
        return _mask_mobile(m.group(0))
    return _mask_landline(m.group(0))


@overload
def mask_personal(text: str) -> str: ...
@overload
def mask_personal(text: _T) -> _T: ...
def mask_personal(text: object) -> object:
    """``text`` with every ID number and phone number in it masked; anything
    that is not a string is returned as it is."""
    if not isinstance(text, str) or not text:
        return text
    return _PATTERN.sub(_replace, text)


def has_personal(text: object) -> bool:
    return isinstance(text, str) and _PATTERN.search(text) is not None
