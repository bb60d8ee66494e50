"""Which tables are evidence, and the hash chain that vouches for them
(pure: no SQL, no UI).

Every row of an evidence table, as written by the app, gets a *link* in its
register's chain (table ``evidence_link``): the row's digest over the
covered columns as read back from the database, a short tag per column (so
a check can say which fields changed), and a hash over the previous link
and all of it. A row the app changes (a notice closed, a resident
corrected) gets a new link (修改); the check compares the latest link of
each row with the row as it is now.

To put a table under the chain, add one line to its feature's
``evidence.py`` (the kernel's: ``KERNEL`` here; when it is append-only, its
triggers in ``db/evidence.py``). A table that
already has rows in users' databases needs its migration to chain them
(``db.evidence.chain_existing``), or the check reports them as not
registered by the app; a new, empty table needs nothing. Columns are listed
explicitly: a column added later to a table is not covered until it is
listed here, and the digests of rows already written stay valid.

The serialization and the hash below are frozen (``CHAIN_VERSION``): the
migration that chains an older database uses them, and exported ledgers
carry hashes made with them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Iterable, Iterator, Mapping, Sequence

CHAIN_VERSION = "cunwu-evidence-v1"
GENESIS = "0" * 64
ADDED, CHANGED = "新增", "修改"

# The kernel's registers (one chain each); each feature names its own
# (features/<name>/evidence.py).
STAFF, APPROVALS, AUDIT = "人员", "审批", "操作日志"


@dataclass(frozen=True)
class Evidence:
    """A table under a register's chain: the columns covered (``id`` is
    always bound by the link itself), what one row is called, and whether
    the app ever changes a row (then a 修改 link follows each change)."""

    table: str
    register: str
    columns: tuple[str, ...]
    noun: str
    mutable: bool = False


def evidence_table(table: str, register: str, noun: str, columns: str, mutable: bool = False) -> Evidence:
    """One table under ``register``'s chain; ``columns`` space-separated."""
    return Evidence(table, register, tuple(columns.split()), noun, mutable)


KERNEL: tuple[Evidence, ...] = (
    evidence_table("staff", STAFF, "人员", "name phone roles active created_at admin", mutable=True),
    # a PIN's hash: replaced by a reset or a change, never by hand
    evidence_table(
        "staff_credential", STAFF, "个人密码", "staff_id pin_hash set_at set_by_id set_by_name", mutable=True
    ),
    # approvals given in person (seal uses, leaders' opinions, 延期, holiday rota sign-offs)
    evidence_table(
        "approval",
        APPROVALS,
        "审批记录",
        "kind subject_table subject_id approver_id approver_name agree text operator_id operator_name recorded_at",
    ),
    evidence_table("audit_log", AUDIT, "操作日志", "at operator_id operator_name entity entity_id action before after"),
)


class _Tables(Mapping[str, Evidence]):
    """Every evidence table by name: the features' (in the order of the
    features, cunwu_tui/feature.py) and then the kernel's. Read when first
    used: the list of features is plain data, their tables are too."""

    def _all(self) -> dict[str, Evidence]:
        return _tables()

    def __getitem__(self, table: str) -> Evidence:
        return self._all()[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, table: object) -> bool:  # on every flush (services/core.py)
        return table in self._all()


@cache
def _tables() -> dict[str, Evidence]:
    from cunwu_tui.feature import evidence_specs

    specs: tuple[Evidence, ...] = (*evidence_specs(), *KERNEL)
    return {e.table: e for e in specs}


EVIDENCE: Mapping[str, Evidence] = _Tables()


def registers() -> list[str]:
    """Every register, in declaration order."""
    return list(dict.fromkeys(e.register for e in EVIDENCE.values()))


def tables_of(register: str) -> list[Evidence]:
    return [e for e in EVIDENCE.values() if e.register == register]


# -- serialization (frozen) -------------------------------------------------


def _norm(value: Any) -> Any:
    """A stored value in one fixed form. Values are those read back from
    SQLite as stored (text for times, integers for booleans)."""
    if value is None or isinstance(value, (bool, int, str)):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, float):
        return "f:" + repr(value)
    if isinstance(value, Decimal):
        return "d:" + str(value)
    if isinstance(value, bytes):
        return "b:" + value.hex()
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__} for the evidence chain")


_PLAIN = frozenset({str, int, type(None)})  # as _norm leaves them


def value_text(value: Any) -> str:
    return json.dumps(_norm(value), ensure_ascii=False, separators=(",", ":"))


def row_digest(columns: Sequence[str], values: Sequence[Any], with_tags: bool = True) -> tuple[str, str]:
    """(digest, tags) of a row: sha256 over one JSON text of the covered
    columns' names and values in declared order, and two hex characters per
    column (of the sha256 of its value) that tell which columns differ
    later ('' when not ``with_tags``: the check needs them only for a row
    that does not match)."""
    plain = _PLAIN
    payload = json.dumps(
        [list(columns), [v if type(v) in plain else _norm(v) for v in values]],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    if not with_tags:
        return digest, ""
    tags = "".join(hashlib.sha256(value_text(v).encode("utf-8")).hexdigest()[:2] for v in values)
    return digest, tags


def changed_columns(columns: Sequence[str], tags: str, now_tags: str) -> list[str]:
    """The columns whose tag differs (a changed column has a 1 in 256
    chance of keeping its tag; the row digest still tells it changed)."""
    out = []
    for i, c in enumerate(columns):
        if tags[2 * i : 2 * i + 2] != now_tags[2 * i : 2 * i + 2]:
            out.append(c)
    return out


def at_text(at: Any) -> str:
    if isinstance(at, datetime):
        return at.replace(microsecond=0).isoformat(sep=" ")
    return str(at or "")[:19]


def link_hash(
    prev_hash: str, register: str, seq: int, table: str, row_id: int, op: str, at: Any, digest: str, tags: str
) -> str:
    payload = "\n".join(
        (CHAIN_VERSION, prev_hash, register, str(seq), table, str(row_id), op, at_text(at), digest, tags)
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# -- anchors: a chain head as printed on a ledger ---------------------------


def short_digest(hash_: str) -> str:
    """The first 64 bits of a link hash, as printed: 3F2A-91BC-0D4E-7781."""
    h = (hash_ or GENESIS)[:16].upper()
    return "-".join(h[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class Head:
    """A register's chain head at some moment: ``count`` links, the last
    one's hash (GENESIS for none)."""

    register: str
    count: int
    hash: str

    @property
    def digest(self) -> str:
        return short_digest(self.hash)

    @property
    def text(self) -> str:
        """用印登记:57:3F2A-91BC-0D4E-7781 (what ``cunwu verify --against`` takes)."""
        return f"{self.register}:{self.count}:{self.digest}"


def parse_head(text: str) -> tuple[str, int, str]:
    """``用印登记:57:3F2A-91BC-0D4E-7781`` -> (register, count, digest);
    ValueError (Chinese) otherwise."""
    parts = [p.strip() for p in (text or "").replace("：", ":").split(":")]
    if len(parts) != 3 or parts[0] not in registers() or not parts[1].isdigit():
        raise ValueError(
            f"校验码格式不对：{text}，应如 {registers()[0]}:57:3F2A-91BC-0D4E-7781（登记簿：{'、'.join(registers())}）。"
        )
    digest = parts[2].upper().replace(" ", "")
    bare = digest.replace("-", "")
    if len(bare) != 16 or any(ch not in "0123456789ABCDEF" for ch in bare):
        raise ValueError(f"校验码格式不对：{parts[2]}，应为16位，如 3F2A-91BC-0D4E-7781。")
    return parts[0], int(parts[1]), short_digest(bare.lower() + "0" * 48)


def heads_text(heads: Iterable[Head]) -> str:
    return "；".join(f"{h.register}{h.count}条 {h.digest}" for h in heads)


def month_boundary(year: int, month: int) -> datetime:
    """The first moment of the month after (year, month)."""
    return datetime(year + (month == 12), month % 12 + 1, 1)


def heads_from_mapping(data: Mapping[str, Any]) -> list[Head]:
    out = []
    for register, value in data.items():
        count, hash_ = value
        out.append(Head(register, int(count), str(hash_)))
    return out
