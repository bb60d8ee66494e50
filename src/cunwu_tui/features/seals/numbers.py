"""The seal register's numbers and its hash chain (pure: no SQL, no UI).

Numbers: per seal per year, ``村委〔2026〕第015号``.

Chain: every record of the register (an entry, or the void of an entry) is
a link. Its hash is sha256 over the previous link's hash and a canonical
serialization of every content field of the record, so a record changed,
removed or slipped in afterwards no longer matches. ``verify_chain`` walks
the links in chain order and names the first one that does not match.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Mapping, Sequence

GENESIS = "0" * 64
HASH_VERSION = "cunwu-seal-register-v1"

USE, VOID = "use", "void"

MEETING_TYPES: tuple[str, ...] = ("支委会", "两委联席会议", "村民代表会议", "党员大会", "集体经济组织会议", "其他")


def format_number(short_name: str, year: int, seq: int) -> str:
    """村委〔2026〕第015号 (three digits at least)."""
    return f"{short_name}〔{year}〕第{seq:03d}号"


_NUMBER = re.compile(r"(?P<short>.+)〔(?P<year>\d{4})〕第(?P<seq>\d+)号")


def parse_number(text: str) -> tuple[str, int, int]:
    """The inverse of ``format_number``; ValueError (Chinese) otherwise."""
    m = _NUMBER.fullmatch((text or "").strip())
    if not m:
        raise ValueError(f"编号格式不对：{text}，应如 村委〔2026〕第015号。")
    return m.group("short"), int(m.group("year")), int(m.group("seq"))


def next_seq(used: Sequence[int]) -> int:
    """The next number after those already given in a seal's year: numbers
    are never reused, so it follows the highest, voided ones included."""
    return max(used, default=0) + 1


def missing_seqs(used: Sequence[int]) -> list[int]:
    """Numbers absent from 1..max(used): a gap means a removed entry."""
    have = set(used)
    return [n for n in range(1, max(used, default=0) + 1) if n not in have]


# -- input --------------------------------------------------------------


def parse_moment(text: str | datetime, what: str = "用印时间") -> datetime:
    """``2026-11-23 09:30`` (a date alone is not enough: the register keeps
    the time of the use). ValueError with a Chinese message."""
    from cunwu_tui.domain import inputs

    return inputs.moment(text, what, inputs.Window())  # type: ignore[return-value]


def parse_day(text: str | date, what: str = "日期") -> date:
    """``2026-11-20``; ValueError with a Chinese message."""
    from cunwu_tui.domain import inputs

    return inputs.day(text, what, inputs.Window())  # type: ignore[return-value]


def parse_month(text: str | date) -> date:
    """``2026-10`` (also 2026/10, 2026年10月) or any day in it -> the first
    day of that month; ValueError with a Chinese message."""
    from cunwu_tui.domain import inputs

    return inputs.month(text, "月份", inputs.Window())


# -- the chain ----------------------------------------------------------


def _norm(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__} for the seal chain")


def canonical(kind: str, fields: Mapping[str, Any]) -> str:
    """One fixed text for a record's content: JSON with sorted keys, no
    spaces, UTF-8 as is; times to the second."""
    data = {k: _norm(v) for k, v in fields.items()}
    data["kind"] = kind
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def link_hash(kind: str, fields: Mapping[str, Any], prev_hash: str) -> str:
    """sha256 over the version tag, the previous link's hash and the record."""
    payload = f"{HASH_VERSION}\n{prev_hash}\n{canonical(kind, fields)}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """A record as stored: its kind, place in the chain, the number that
    names it to a person, its content fields, and the two stored hashes."""

    kind: str
    position: int
    label: str
    fields: Mapping[str, Any]
    prev_hash: str
    hash: str
    # Whether the content matches its hash, when the reader checked it as it
    # read (``content_matches``) and kept no fields: ten years of a register
    # are then checked without holding every record's fields at once.
    content_ok: bool | None = None


def content_matches(kind: str, fields: Mapping[str, Any], prev_hash: str, hash_: str) -> bool:
    """Whether a record's stored hash is the hash of its content."""
    return link_hash(kind, fields, prev_hash) == hash_


@dataclass(frozen=True)
class Anchor:
    """What the operation log recorded when a link was written (same
    transaction): its position, label and hash."""

    position: int
    label: str
    hash: str


@dataclass(frozen=True)
class Fault:
    """The first link that does not match. ``index`` is its place in the
    links given (``None`` when the record itself is gone)."""

    index: int | None
    position: int
    label: str
    code: str
    message: str


CONTENT, LINK, GAP, DUPLICATE, ANCHOR, MISSING = "content", "link", "gap", "duplicate", "anchor", "missing"


def verify_chain(
    links: Sequence[Link], anchors: Sequence[Anchor] = (), start: int = 0, prev: str = GENESIS
) -> Fault | None:
    """Check every link in chain order; the first fault, or None when the
    whole register matches. ``anchors`` (from the operation log) catch a
    removed last record and a record rewritten together with its hashes.

    ``start``/``prev``: the links continue a chain already checked up to
    position ``start`` whose last hash was ``prev`` (the quick check from a
    checkpoint); the default is the whole register from its first record."""
    by_position: dict[int, Anchor] = {}
    for a in anchors:
        by_position.setdefault(a.position, a)
    ordered = sorted(range(len(links)), key=lambda i: links[i].position)
    expected_prev = prev
    for place, i in enumerate(ordered, start + 1):
        link = links[i]
        if link.position < place:
            return Fault(i, link.position, link.label, DUPLICATE, f"链序号 {link.position} 重复：有记录被复制或插入。")
        if link.position > place:
            gone = by_position.get(place)
            what = f"（操作日志中为 {gone.label}）" if gone else ""
            return Fault(i, link.position, link.label, GAP, f"在它之前缺少第 {place} 条记录{what}：有记录被删除。")
        ok = link.content_ok
        if ok is None:
            ok = content_matches(link.kind, link.fields, link.prev_hash, link.hash)
        if not ok:
            return Fault(i, link.position, link.label, CONTENT, "内容与校验值不符：登记后被改动过。")
        if link.prev_hash != expected_prev:
            return Fault(i, link.position, link.label, LINK, "与上一条记录衔接不上：上一条记录被改动、替换或删除过。")
        anchor = by_position.get(link.position)
        if anchor is not None and anchor.hash != link.hash:
            return Fault(i, link.position, link.label, ANCHOR, "与保存时记入操作日志的校验值不同：登记后被改写过。")
        expected_prev = link.hash
    last = start + len(links)
    beyond = sorted(p for p in by_position if p > last)
    if beyond:
        a = by_position[beyond[0]]
        return Fault(
            None, a.position, a.label, MISSING, f"操作日志记有第 {a.position} 条记录，登记簿中已没有：记录被删除。"
        )
    return None


@dataclass(frozen=True)
class Changed:
    """A field whose value differs from what was recorded at the time."""

    field: str
    then: Any
    now: Any


def changed_fields(then: Mapping[str, Any], now: Mapping[str, Any], ignore: Sequence[str] = ()) -> list[Changed]:
    """Fields that differ between two snapshots of one record."""
    out: list[Changed] = []
    for key in list(dict.fromkeys([*then, *now])):
        if key in ignore:
            continue
        if then.get(key) != now.get(key):
            out.append(Changed(key, then.get(key), now.get(key)))
    return out
