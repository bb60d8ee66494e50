"""Quick lookup (事项查询): find matters by Chinese text, pinyin, initials,
aliases and document names while the clerk types.

Matching
--------
The query and every searchable text are compared after ``normalize_text``
(NFKC, whitespace removed) and ``str.lower``, so case, spaces and
half/fullwidth forms do not matter.

* **Text**: the query is a substring of the text (any characters).
* **Pinyin** (only when the query holds a latin letter): the query splits
  into pieces that match a run of consecutive characters of the text,
  anywhere in it, one piece per character; a piece is a non-empty prefix of
  one of the character's readings. So full pinyin (``dibao``), initials
  (``dbsq``, ``zdshbz``), mixtures (``dibsq``, ``dbshenqing``, ``zhdshbz``)
  and a partly typed last syllable (``dib``) all match. Every reading of a
  character counts (pypinyin's heteronym list, character by character, not
  its phrase guesses): 曾 matches ``zeng`` and ``ceng``, 单 ``shan`` and
  ``dan``, 重 ``zhong`` and ``chong``. ü is typed ``v`` or ``u`` (绿 ``lv``
  / ``lu``). A character without pinyin (digit, latin letter, punctuation)
  matches only itself, and so may any Chinese character: ``低bao`` works.

Ranking
-------
One hit per key (the record's best match), sorted by ``Hit.rank``, smaller
first, compared in this order:

1. the field group: name or alias, then document, then extra;
2. the match quality: the whole text (exact), the start of the text
   (prefix), somewhere inside (contains); a pinyin match is exact when it
   covers every character of the text;
3. text before pinyin, for the same group and quality;
4. the shorter matched text (normalized length);
5. record order (the order given to ``build``);
6. within a record: name before aliases, then field order.

So an exact name or alias comes first, then names/aliases starting with the
query, then those containing it; documents and extras come after every
name or alias match.

Speed
-----
Per unique normalized text the index keeps the set of characters its
readings use (a query needing other characters is skipped without
looking), and an inverted list from each reading's first character to the
(text, position) pairs where a match can start. Per keystroke only those
starts are tried, with a small dynamic programme over the query positions
(bitmask of "query consumed up to k"), whose per-character transitions are
computed once per query. Readings are looked up with pypinyin once, at
build time; ``to_json`` stores them, so loading a cached index never
imports pypinyin (``load_or_build``).

Pure domain module: no textual, sqlalchemy or openpyxl; pypinyin is
imported only when an index is built.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence


__all__ = [
    "INDEX_FORMAT",
    "SearchRecord",
    "Hit",
    "SearchIndex",
    "fingerprint",
    "load_or_build",
]

INDEX_FORMAT = "cunwu-search-1"
"""Changes whenever the cached JSON or the matching rules change."""

log = logging.getLogger("cunwu.search")

FIELDS = ("name", "alias", "document", "extra")
_GROUP = {"name": 0, "alias": 0, "document": 1, "extra": 2}

EXACT, PREFIX, CONTAINS = 0, 1, 2
TEXT, PINYIN = 0, 1

_PINYIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzüê")
_DOUBLE_INITIALS = frozenset(("zh", "ch", "sh"))


@dataclass(frozen=True)
class SearchRecord:
    key: str
    """A matter code."""
    name: str
    aliases: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    """Names of required documents."""
    extra: tuple[str, ...] = ()
    """Other searchable words (e.g. the category), lowest rank."""


@dataclass(frozen=True)
class Hit:
    key: str
    field: str
    """"name", "alias", "document" or "extra": the field of the best match."""
    text: str
    """The text that matched, as given in the record."""
    rank: tuple[Any, ...]
    """Sort key, smaller is better (opaque to callers)."""


_PUNCT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]"})


def normalize_text(text: str) -> str:
    """Text for comparison: NFKC (fullwidth ，；：（） → ASCII), curly quotes
    straightened, all whitespace removed."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return "".join(ch for ch in text if not ch.isspace())


def _norm(text: str) -> str:
    return normalize_text(text).lower()


def _variants(reading: str) -> set[str]:
    """A pypinyin reading and the ways a clerk may type it (ü as v or u)."""
    r = reading.lower()
    out = {r}
    if "v" in r or "ü" in r:
        for u in ("v", "u", "ü"):
            out.add(r.replace("v", u).replace("ü", u))
    if "ê" in r:
        out.add(r.replace("ê", "e"))
    return out


def _pinyin_readings(chars: Iterable[str]) -> dict[str, list[str]]:
    """Every pypinyin reading of each character that has one (heteronyms
    included, character by character)."""
    from pypinyin import Style, pinyin

    out: dict[str, list[str]] = {}
    for ch in chars:
        found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        readings = [r for group in found for r in group if r and r != ch]
        if readings:
            out[ch] = list(dict.fromkeys(readings))
    return out


def _record_rows(records: Sequence[SearchRecord]) -> list[list[Any]]:
    return [[r.key, r.name, list(r.aliases), list(r.documents), list(r.extra)] for r in records]


def _pypinyin_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("pypinyin")
    except metadata.PackageNotFoundError:
        return "none"


def _fingerprint(rows: list[list[Any]], pypinyin_version: str) -> str:
    h = hashlib.sha256()
    h.update(INDEX_FORMAT.encode("utf-8") + b"\n")
    h.update(pypinyin_version.encode("utf-8") + b"\n")
    h.update(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return h.hexdigest()


def fingerprint(records: Sequence[SearchRecord]) -> str:
    """sha256 over the records, pypinyin's version (from the package
    metadata, without importing it) and ``INDEX_FORMAT``."""
    return _fingerprint(_record_rows(list(records)), _pypinyin_version())


def _as_record(r: SearchRecord) -> SearchRecord:
    return SearchRecord(str(r.key), str(r.name), tuple(r.aliases), tuple(r.documents), tuple(r.extra))


class _Query:
    """Per-query transition tables for the pinyin matcher.

    State bit ``k`` set: the first ``k`` query characters are consumed and
    the next piece starts at the current text character. For a character,
    ``fin`` has bit ``k`` when ``q[k:]`` is a prefix of one of its readings
    (the match ends there) and ``reach[k]`` the states after it.
    """

    __slots__ = ("q", "m", "readings", "_syll", "_chars")

    def __init__(self, q: str, readings: dict[str, tuple[str, ...]]):
        self.q = q
        self.m = len(q)
        self.readings = readings
        self._syll: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._chars: dict[str, tuple[int, tuple[int, ...]]] = {}

    def _syllable(self, r: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """For each query position k: the longest common prefix of ``r`` and
        ``q[k:]``, and the piece lengths a non-last piece may take there
        (bitmask of lengths: the initial letter, zh/ch/sh, or all of ``r``)."""
        got = self._syll.get(r)
        if got is None:
            q, m = self.q, self.m
            common, pieces = [], []
            for k in range(m):
                n = min(len(r), m - k)
                i = 0
                while i < n and r[i] == q[k + i]:
                    i += 1
                common.append(i)
                lengths = 0
                if i >= 1:
                    lengths |= 1 << 1
                    if i >= 2 and r[:2] in _DOUBLE_INITIALS:
                        lengths |= 1 << 2
                    if i == len(r):
                        lengths |= 1 << i
                pieces.append(lengths)
            got = self._syll[r] = (tuple(common), tuple(pieces))
        return got

    def table(self, ch: str) -> tuple[int, tuple[int, ...]]:
        got = self._chars.get(ch)
        if got is None:
            m = self.m
            fin = 0
            lengths = [0] * m
            for r in self.readings.get(ch, (ch,)):
                common, pieces = self._syllable(r)
                for k in range(m):
                    if common[k] >= m - k:
                        fin |= 1 << k
                    lengths[k] |= pieces[k]
            # Piece lengths at k become states k + length; states >= m
            # are dropped (a match ends through ``fin``).
            full = (1 << m) - 1
            reach = tuple(((lengths[k] << k) & full) for k in range(m))
            got = self._chars[ch] = (fin, reach)
        return got

    def quality(self, text: str, starts: tuple[int, ...]) -> int | None:
        """Best pinyin match quality of the text from these start positions
        (ascending), or None."""
        n = len(text)
        best = None
        for s in starts:
            if best is not None and s > 0:
                break  # a later start can only give CONTAINS, already found or worse
            state = 1
            j = s
            while j < n:
                fin, reach = self.table(text[j])
                if state & fin:
                    if s > 0:
                        return CONTAINS if best is None else best
                    if j == n - 1:
                        return EXACT
                    best = PREFIX
                nxt = 0
                while state:
                    low = state & -state
                    nxt |= reach[low.bit_length() - 1]
                    state ^= low
                state = nxt
                if not state:
                    break
                j += 1
        return best


class SearchIndex:
    """The lookup index over some records; see the module docstring."""

    fingerprint: str

    def __init__(
        self,
        records: Sequence[SearchRecord],
        readings: dict[str, list[str]],
        fingerprint: str,
        pypinyin_version: str = "",
    ):
        """Use ``build`` or ``from_json``; ``readings`` maps a character to
        its pypinyin readings (characters without any are left out)."""
        self.records: tuple[SearchRecord, ...] = tuple(records)
        self.fingerprint = fingerprint
        self._pypinyin_version = pypinyin_version
        self._raw_readings = {ch: list(rs) for ch, rs in readings.items()}
        self._prepare()

    # -- construction ---------------------------------------------------------
    @classmethod
    def build(cls, records: Iterable[SearchRecord]) -> "SearchIndex":
        """Index the records (imports pypinyin: about 0.4 s the first time)."""
        recs = [_as_record(r) for r in records]
        chars: set[str] = set()
        for r in recs:
            for text in (r.name, *r.aliases, *r.documents, *r.extra):
                chars.update(_norm(text))
        readings = _pinyin_readings(sorted(chars))
        version = _pypinyin_version()
        return cls(recs, readings, _fingerprint(_record_rows(recs), version), version)

    def _prepare(self) -> None:
        readings: dict[str, tuple[str, ...]] = {}
        for ch, rs in self._raw_readings.items():
            forms: set[str] = {ch}
            for reading in rs:
                forms |= _variants(reading)
            readings[ch] = tuple(sorted(forms))
        self._readings = readings

        texts: list[str] = []
        tid_of: dict[str, int] = {}
        postings: list[list[tuple[Any, ...]]] = []
        key_order: dict[str, int] = {}
        for rec_no, r in enumerate(self.records):
            key_order.setdefault(r.key, rec_no)
            fields = [("name", r.name)]
            fields += [("alias", a) for a in r.aliases]
            fields += [("document", d) for d in r.documents]
            fields += [("extra", e) for e in r.extra]
            for pos, (field, raw) in enumerate(fields):
                norm = _norm(raw)
                if not norm:
                    continue
                tid = tid_of.get(norm)
                if tid is None:
                    tid = tid_of[norm] = len(texts)
                    texts.append(norm)
                    postings.append([])
                postings[tid].append((_GROUP[field], key_order[r.key], pos, r.key, field, raw))
        self._texts = texts
        self._postings = postings

        # Characters any reading of the text uses, and where a match may start.
        charsets: list[frozenset[str]] = []
        starts: dict[str, dict[int, list[int]]] = {}
        for tid, text in enumerate(texts):
            used: set[str] = set()
            for j, ch in enumerate(text):
                ch_forms = readings.get(ch, (ch,))
                firsts = set()
                for f in ch_forms:
                    used.update(f)
                    firsts.add(f[0])
                for c in firsts:
                    starts.setdefault(c, {}).setdefault(tid, []).append(j)
            charsets.append(frozenset(used))
        self._charsets = charsets
        self._starts = {c: [(tid, tuple(js)) for tid, js in by.items()] for c, by in starts.items()}

    # -- searching ------------------------------------------------------------
    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        """Hits for the query, one per key, best first; [] for a blank query."""
        q = _norm(query)
        if not q:
            return []
        best: dict[int, tuple[int, int]] = {}
        for tid, text in enumerate(self._texts):
            if q in text:
                if text == q:
                    best[tid] = (EXACT, TEXT)
                elif text.startswith(q):
                    best[tid] = (PREFIX, TEXT)
                else:
                    best[tid] = (CONTAINS, TEXT)
        if any(ch in _PINYIN_LETTERS for ch in q):
            qset = set(q)
            matcher = _Query(q, self._readings)
            charsets, texts = self._charsets, self._texts
            for tid, js in self._starts.get(q[0], ()):
                have = best.get(tid)
                if have is not None and have[0] == EXACT:
                    continue
                if not qset <= charsets[tid]:
                    continue
                quality = matcher.quality(texts[tid], js)
                if quality is not None and (have is None or (quality, PINYIN) < have):
                    best[tid] = (quality, PINYIN)

        by_key: dict[str, tuple[tuple[Any, ...], str, str]] = {}
        for tid, (quality, kind) in best.items():
            length = len(self._texts[tid])
            for group, rec_no, pos, key, field, raw in self._postings[tid]:
                rank = (group, quality, kind, length, rec_no, pos)
                prev = by_key.get(key)
                if prev is None or rank < prev[0]:
                    by_key[key] = (rank, field, raw)
        ordered = sorted(by_key.items(), key=lambda item: item[1][0])
        if limit is not None:
            ordered = ordered[: max(limit, 0)]
        return [Hit(key, field, raw, rank) for key, (rank, field, raw) in ordered]

    # -- serialization --------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {
                "format": INDEX_FORMAT,
                "fingerprint": self.fingerprint,
                "pypinyin": self._pypinyin_version,
                "records": _record_rows(self.records),
                "readings": self._raw_readings,
            },
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> "SearchIndex":
        """The index ``to_json`` wrote; ValueError if the text is not one
        (other JSON, another format, edited by hand)."""
        try:
            data = json.loads(text)
        except RecursionError:
            raise ValueError("search index: nested too deeply") from None
        if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
            raise ValueError("search index: not a search index of this format")
        fp, version, rows, raw = (data.get(k) for k in ("fingerprint", "pypinyin", "records", "readings"))
        if not isinstance(fp, str) or not isinstance(version, str):
            raise ValueError("search index: fingerprint missing")
        if not isinstance(rows, list) or not isinstance(raw, dict):
            raise ValueError("search index: records or readings missing")

        def strs(value: object) -> tuple[str, ...]:
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise ValueError("search index: a record field is not a list of texts")
            return tuple(value)

        records = []
        for row in rows:
            if not (isinstance(row, list) and len(row) == 5 and isinstance(row[0], str) and isinstance(row[1], str)):
                raise ValueError("search index: malformed record")
            records.append(SearchRecord(row[0], row[1], strs(row[2]), strs(row[3]), strs(row[4])))
        readings: dict[str, list[str]] = {}
        for ch, rs in raw.items():
            rs = strs(rs)
            if not ch or not all(rs):
                raise ValueError("search index: malformed readings")
            readings[ch] = list(rs)
        if _fingerprint(_record_rows(records), version) != fp:
            raise ValueError("search index: fingerprint does not match its records")
        return cls(records, readings, fp, version)


def load_or_build(records: Sequence[SearchRecord], cache_file: Path) -> SearchIndex:
    """The index of the records: from ``cache_file`` when it holds one with
    the same fingerprint (pypinyin not imported), else built and written
    there atomically. A bad or unreachable cache is logged and bypassed,
    never raised."""
    records = [_as_record(r) for r in records]
    cache_file = Path(cache_file)
    wanted = fingerprint(records)
    try:
        text = cache_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("search index cache %s unreadable, rebuilding: %s", cache_file, exc)
    else:
        try:
            index = SearchIndex.from_json(text)
        except ValueError as exc:
            log.warning("search index cache %s is not usable, rebuilding: %s", cache_file, exc)
        else:
            if index.fingerprint == wanted:
                return index
            log.info("search index cache %s is out of date, rebuilding", cache_file)

    index = SearchIndex.build(records)
    _write_atomic(cache_file, index.to_json())
    return index


def _write_atomic(path: Path, text: str) -> None:
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile

        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        log.warning("search index cache %s not written: %s", path, exc)
    finally:
        if tmp is not None:
            try:
                tmp.unlink()
            except OSError:
                pass
