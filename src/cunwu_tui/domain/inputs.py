"""What a clerk types, made safe once for every form, service and command.

Every entry point of the services passes its raw input through these
functions; screens show the same limits. Each function returns the clean
value or raises ``InputError`` with the field's Chinese message, which the
services turn into a ``ValidationError`` naming the field.

- Numbers: ASCII or full-width digits and nothing else. ``①``, ``²``,
  ``1e9``, ``NaN``, ``-3`` and ``1.5`` are refused, not coerced (NFKC alone
  would turn ``①`` into ``1``).
- Dates: the usual ways of writing a day, checked against a window: nothing
  before the founding of the People's Republic for an office event, nothing
  in the future where the rule says so, planned dates within a horizon.
- Text: NFC, without control characters or terminal escape sequences
  (newline and tab kept only where the field has several lines), runs of
  spaces collapsed on one-line fields, whitespace alone counts as empty, a
  declared maximum length enforced with a message, never cut silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, TypeVar

_T = TypeVar("_T")

# The earliest day an office record can be about: 1949-10-01.
OFFICE_EPOCH = date(1949, 10, 1)
# How far ahead a planned date (a chase date, a leave, a rota) may lie.
PLAN_HORIZON_DAYS = 3 * 366

# Declared lengths (characters, as the clerk counts them: 𠮷 is one).
NAME = 32  # a person's name, a short label
SHORT = 64  # a reference number, a place, a unit
TITLE = 200  # a title, a one-line subject
LINE = 500  # a one-line note, a reason, a basis
TEXT = 2000  # a multi-line account: what happened, what was done
LIST = 20000  # pasted lists (a notice's persons, holiday schedules)

_DIGITS = frozenset("0123456789０１２３４５６７８９")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# ESC sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and
# two-character escapes. Removed whole, so no "[31m" is left behind.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[@-Z\\-_]"  # Fe escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


class InputError(ValueError):
    """A value that cannot be taken: ``str()`` is the Chinese message."""


@dataclass(frozen=True)
class Window:
    """The days a date field accepts, with the words to say so."""

    earliest: date = OFFICE_EPOCH
    latest: date | None = None

    def check(self, day: date, label: str) -> None:
        if day < self.earliest:
            if self.earliest == OFFICE_EPOCH:
                raise InputError(f"{label}不对：{day:%Y-%m-%d} 早于1949年10月1日，请核对年份。")
            raise InputError(f"{label}不能早于 {self.earliest:%Y-%m-%d}。")
        if self.latest is not None and day > self.latest:
            raise InputError(f"{label}不能晚于 {self.latest:%Y-%m-%d}，请核对年份。")


def past(today: date) -> Window:
    """Something that has happened: a duty entry, a meeting, a receipt."""
    return Window(OFFICE_EPOCH, today)


def planned(today: date, days: int = PLAN_HORIZON_DAYS, earliest: date | None = None) -> Window:
    """Something planned: from ``earliest`` (default the epoch) to a horizon."""
    return Window(earliest or OFFICE_EPOCH, today + timedelta(days=days))


def office(today: date, ahead_days: int = 366) -> Window:
    """An office event that may be dated a little ahead (a notice starting
    next week, a rota month)."""
    return Window(OFFICE_EPOCH, today + timedelta(days=ahead_days))


# -- text ----------------------------------------------------------------


def clean(raw: object, multiline: bool = False) -> str:
    """NFC text without control characters or escape sequences; one line
    unless ``multiline`` (then newlines and tabs stay, line ends trimmed)."""
    s = "" if raw is None else str(raw)
    s = unicodedata.normalize("NFC", s)
    s = _ESCAPES.sub("", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    keep = "\n\t" if multiline else ""
    s = "".join(ch if (ch in keep or not _is_control(ch)) else (" " if ch in "\n\t\x0b\x0c" else "") for ch in s)
    if multiline:
        lines = [line.rstrip() for line in s.split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines)
    return _SPACES.sub(" ", s).strip()


def search_key(text: str) -> str:
    """A search as typed, or a searched value, the way lists compare them:
    NFKC (full-width letters and digits as ASCII), no spaces, upper case,
    and none of what is never stored (escape sequences, control
    characters): a search pasted with them finds what it shows, and a
    PostgreSQL server, which refuses a NUL in any text, never sees one."""
    return "".join(unicodedata.normalize("NFKC", strip_controls(text or "")).split()).upper()


def like_escaped(q: str) -> bool:
    """Whether a search must be escaped to be compared with LIKE as typed:
    it holds LIKE's wildcards (% _) or the escape character SQLAlchemy
    uses (/). Only then: SQLite compares LIKE ... ESCAPE more slowly (an ID
    number's end over 5,000 residents 0.45 -> 0.75 ms)."""
    return any(ch in q for ch in "%_/")


def search_chars(*texts: str) -> frozenset[str]:
    """The characters a record is found by in a search index (a case's
    applicant, matter and number; a resident's name): each one as
    ``search_key`` gives it, except ASCII digits, which nearly every number
    holds (a search of digits reads the records instead). A search whose
    characters are all among a record's can match it; one whose characters
    are not cannot, so the index narrows a search to the few records holding
    every typed character before the text is compared."""
    return frozenset(ch for t in texts for ch in search_key(t) if not ch.isascii() or not ch.isdigit())


# How many of a search's characters the index is asked about: enough to
# narrow any real search to a few records; the text is compared anyway, so
# the rest need not be (a pasted page of text would otherwise ask the
# database one question per character, past what SQLite allows in a query).
PROBED_CHARS = 8


def probe_chars(q: str) -> list[str]:
    """The characters of the search ``q`` (a search key) that the index is
    asked about: ``search_chars``, at most PROBED_CHARS of them, in order."""
    return sorted(search_chars(q))[:PROBED_CHARS]


def strip_controls(s: str) -> str:
    """Only what can never be meant: escape sequences and control characters
    (newline and tab stay), nothing else changed. The last guard before a
    value is stored, idempotent on text that went through ``clean``."""
    if s.isprintable():
        return s
    s = _ESCAPES.sub("", s)
    return "".join(ch for ch in s if ch in "\n\t" or not _is_control(ch))


def _is_control(ch: str) -> bool:
    cat = unicodedata.category(ch)
    # Cc: C0/C1 controls and DEL; Cs: lone surrogates; U+2028/2029 line and
    # paragraph separators; bidi overrides that can disguise a text.
    return cat in ("Cc", "Cs") or ch in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def text(raw: object, label: str, limit: int = LINE, required: bool | str = False, multiline: bool = False) -> str:
    """Clean text of at most ``limit`` characters; "" allowed unless
    ``required`` (True, or the message to give when it is empty)."""
    s = clean(raw, multiline)
    if not s.strip():
        if required:
            raise InputError(required if isinstance(required, str) else f"请填写{label}。")
        return ""
    n = len(s)
    if n > limit:
        raise InputError(f"{label}最多{limit}字，现在是{n}字，请删减后再保存。")
    return s


def limit_hint(limit: int) -> str:
    """The limit as a form shows it."""
    return f"最多{limit}字"


# -- numbers ---------------------------------------------------------------


def integer(
    raw: object, label: str, low: int = 0, high: int = 999_999, required: bool = True, unit: str = ""
) -> int | None:
    """A whole number written with ASCII or full-width digits, ``low`` to
    ``high``. ``None`` for an empty optional field."""
    if isinstance(raw, bool):
        raise InputError(f"{label}应为{low}至{high}{unit}的整数。")
    if isinstance(raw, int):
        value = raw
    else:
        if isinstance(raw, float):
            s = repr(raw)
        else:
            s = clean(raw)
        s = s.replace(" ", "")
        if not s:
            if required:
                raise InputError(f"请填写{label}（{low}至{high}{unit}的整数）。")
            return None
        if len(s) > 12 or not all(ch in _DIGITS for ch in s):
            raise InputError(f"{label}只能填数字（{low}至{high}{unit}的整数），不能是「{s[:12]}」。")
        value = int(s.translate(_FULLWIDTH))
    if not low <= value <= high:
        raise InputError(f"{label}应为{low}至{high}{unit}的整数。")
    return value


# -- dates and times ---------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
_MOMENT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y%m%d %H:%M", "%Y.%m.%d %H:%M")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


def _date_text(raw: object) -> str:
    """One line, full-width digits and punctuation made ASCII. A digit-like
    character that is not a digit (①, ², 一) stays, so the format check
    refuses it: NFKC would quietly turn ① into 1."""
    s = clean(raw)
    if any((ch.isdigit() or ch.isnumeric()) and ch not in _DIGITS for ch in s):
        return s
    return " ".join(unicodedata.normalize("NFKC", s).split())


def _ascii_digits(s: str) -> bool:
    return all(ch in "0123456789" for ch in s if ch.isdigit() or ch.isnumeric())


def day(
    raw: object, label: str = "日期", window: Window | None = None, required: bool = True, example: str = "2026-11-20"
) -> date | None:
    """``2026-11-20`` (also 2026/11/20, 20261120, 2026.11.20, 2026年11月20日)."""
    value: date | None
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    else:
        s = _date_text(raw)
        if not s:
            if required:
                raise InputError(f"请填写{label}，如 {example}。")
            return None
        value = None
        if _ascii_digits(s):
            for fmt in _DATE_FORMATS:
                try:
                    value = datetime.strptime(s, fmt).date()
                    break
                except ValueError:
                    continue
        if value is None:
            raise InputError(f"{label}格式不对：{s[:20]}。请写成 年-月-日，如 {example}。")
    if window is not None:
        window.check(value, label)
    return value


def moment(
    raw: object,
    label: str = "时间",
    window: Window | None = None,
    required: bool = True,
    date_only_at: time | None = None,
    example: str = "2026-11-23 09:30",
) -> datetime | None:
    """``2026-11-23 09:30``; a date alone is accepted only when
    ``date_only_at`` says which time it means (then that time of the day)."""
    value: datetime | None
    if isinstance(raw, datetime):
        value = raw.replace(second=0, microsecond=0)
    elif isinstance(raw, date):
        if date_only_at is None:
            raise InputError(f"请填写{label}的时间，如 {example}。")
        value = datetime.combine(raw, date_only_at)
    else:
        s = _date_text(raw)
        if not s:
            if required:
                raise InputError(f"请填写{label}，如 {example}。")
            return None
        value = None
        if _ascii_digits(s):
            for fmt in _MOMENT_FORMATS:
                try:
                    value = datetime.strptime(s, fmt).replace(second=0)
                    break
                except ValueError:
                    continue
            if value is None and date_only_at is not None:
                for fmt in _DATE_FORMATS:
                    try:
                        value = datetime.combine(datetime.strptime(s, fmt).date(), date_only_at)
                        break
                    except ValueError:
                        continue
        if value is None:
            raise InputError(f"{label}格式不对：{s[:20]}。请写成 年-月-日 时:分，如 {example}。")
    if window is not None:
        window.check(value.date(), label)
    return value


def clock(raw: object, label: str = "时间", example: str = "21:40") -> time | None:
    """``21:40`` (or ``2140``); None when the text is not a bare time."""
    s = _date_text(raw).replace("：", ":")
    if not s or len(s) > 5 or not _ascii_digits(s):
        return None
    if ":" in s:
        hh, _, mm = s.partition(":")
    elif len(s) == 4 and s.isdigit():
        hh, mm = s[:2], s[2:]
    else:
        return None
    if not (hh.isdigit() and mm.isdigit() and len(mm) == 2 and 1 <= len(hh) <= 2):
        raise InputError(f"{label}格式不对：{s}。请写成 时:分，如 {example}。")
    h, m = int(hh), int(mm)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise InputError(f"{label}不对：{s}。小时为0至23，分钟为0至59。")
    return time(h, m)


def month(raw: object, label: str = "月份", window: Window | None = None) -> date:
    """``2026-10`` (also 2026/10, 2026年10月, or a date) -> its first day."""
    if isinstance(raw, date):
        value = date(raw.year, raw.month, 1)
    else:
        s = _date_text(raw)
        m = _MONTH.fullmatch(s) if _ascii_digits(s) else None
        if not s:
            raise InputError(f"请填写{label}，如 2026-10。")
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise InputError(f"{label}格式不对：{s[:20]}。请写成 年-月，如 2026-10。")
        value = date(int(m.group(1)), int(m.group(2)), 1)
    if window is not None:
        if value < date(window.earliest.year, window.earliest.month, 1):
            raise InputError(f"{label}不能早于 {window.earliest:%Y-%m}，请核对年份。")
        if window.latest is not None and value > window.latest:
            raise InputError(f"{label}不能晚于 {window.latest:%Y-%m}，请核对年份。")
    return value


# -- a form's worth of fields ------------------------------------------------


class Fields:
    """Collects one message per field while a service reads its input, then
    raises them together as a ``ValidationError`` (nothing is saved)::

        f = Fields()
        title = f.text("title", raw_title, "文件名称", TITLE, required=True)
        copies = f.integer("copies", raw_copies, "份数", 1, 999)
        f.done()
    """

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def _take(self, field: str, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T | None:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            self.errors.setdefault(field, str(exc))
            return None

    def text(
        self,
        field: str,
        raw: object,
        label: str,
        limit: int = LINE,
        required: bool | str = False,
        multiline: bool = False,
    ) -> str:
        return self._take(field, text, raw, label, limit, required, multiline) or ""

    def integer(
        self,
        field: str,
        raw: object,
        label: str,
        low: int = 0,
        high: int = 999_999,
        required: bool = True,
        unit: str = "",
    ) -> int | None:
        return self._take(field, integer, raw, label, low, high, required, unit)

    def day(
        self, field: str, raw: object, label: str = "日期", window: Window | None = None, required: bool = True
    ) -> date | None:
        return self._take(field, day, raw, label, window, required)

    def moment(
        self,
        field: str,
        raw: object,
        label: str = "时间",
        window: Window | None = None,
        required: bool = True,
        date_only_at: time | None = None,
    ) -> datetime | None:
        return self._take(field, moment, raw, label, window, required, date_only_at)

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def ok(self, field: str) -> bool:
        return field not in self.errors

    def done(self) -> None:
        if self.errors:
            from cunwu_tui.errors import ValidationError

            raise ValidationError(self.errors)
