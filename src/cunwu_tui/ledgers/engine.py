"""Ledger (台账) declarations and the registry.

A ledger is declared once (columns, how its typed rows become cells) and
exported as a printable Excel sheet per month. This is the bottom of the
ledgers package: it imports nothing of the app, and nothing that writes
(``naming.write_ledger`` and ``writer`` do), so declaring ledgers costs
nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Sequence

__all__ = [
    "COLUMN_TYPES",
    "Column",
    "Ledger",
    "LedgerContext",
    "LedgerError",
    "Period",
    "UnknownLedgerError",
    "all_ledgers",
    "cn_date",
    "closing_line",
    "get_ledger",
    "register",
]

TEXT, DATE, DATETIME, INTEGER, MONEY, BOOL, ID_NUMBER, PHONE = (
    "text",
    "date",
    "datetime",
    "integer",
    "money",
    "bool",
    "id_number",
    "phone",
)
COLUMN_TYPES = frozenset({TEXT, DATE, DATETIME, INTEGER, MONEY, BOOL, ID_NUMBER, PHONE})
SUMMABLE_TYPES = frozenset({INTEGER, MONEY})
ORIENTATIONS = frozenset({"landscape", "portrait"})

_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_FULL_SPACE = "\u3000"


class LedgerError(Exception):
    """A ledger could not be written, read or merged. ``str(exc)`` is a
    Chinese sentence meant for the user (it names the file or folder)."""


class UnknownLedgerError(KeyError, ValueError):
    """``get_ledger`` with a name nobody registered (catch either KeyError or
    ValueError). ``str(exc)`` and ``exc.args[0]`` are the Chinese message."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


# --------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class Column:
    """One column of a ledger.

    ``width`` is in Excel character units (a Chinese character needs about
    2). ``type`` is one of COLUMN_TYPES; ``phone`` columns are left out of
    public ledgers, ``id_number`` columns are masked there. ``total`` sums
    the column in the 合计 row (integer and money only).
    """

    header: str
    width: float
    type: str = TEXT
    wrap: bool = False
    total: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.header, str) or not self.header.strip():
            raise ValueError("台账的列名不能为空。")
        if self.type not in COLUMN_TYPES:
            known = "、".join(sorted(COLUMN_TYPES))
            raise ValueError(f"列（{self.header}）的类型 {self.type} 不存在，可用：{known}。")
        if not (0 < float(self.width) <= 255):
            raise ValueError(f"列（{self.header}）的宽度应在0到255之间。")
        if self.total and self.type not in SUMMABLE_TYPES:
            raise ValueError(f"列（{self.header}）不是整数或金额，不能合计。")


@dataclass(frozen=True)
class Ledger:
    """A ledger declaration: what the sheet looks like and how its rows are
    made.

    ``rows(source, period)`` yields one sequence per entry with a value for
    every declared column (phone columns included; the writer drops them
    for public ledgers). ``source`` is what the caller of ``export_ledgers``
    hands over: for the app's ledgers, the typed lines of the month that the
    service layer built (ledgers/registers.py, services/ledger_rows.py)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Any, "Period"], Iterable[Sequence]]
    orientation: str = "landscape"
    public: bool = False
    totals: bool = True
    one_page: bool = False  # printed on one page (a month's rota: one sheet on the board)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise ValueError(f"台账代号 {self.name!s} 不合规：应为小写英文字母开头，只含小写字母、数字、- 和 _。")
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError(f"台账 {self.name} 缺少中文名称。")
        columns = tuple(self.columns)
        object.__setattr__(self, "columns", columns)
        if not columns:
            raise ValueError(f"台账（{self.title}）至少要有一列。")
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"台账（{self.title}）的纸张方向应为 landscape 或 portrait。")
        written = [c for c in columns if not (self.public and c.type == PHONE)]
        if not written:
            raise ValueError(f"台账（{self.title}）公示时没有可写的列。")
        if self.totals and written[0].total:
            raise ValueError(f"台账（{self.title}）的第一列要写合计二字，不能设为合计列。")
        headers = [c.header for c in written]
        if len(set(headers)) != len(headers):
            raise ValueError(f"台账（{self.title}）有重名的列。")

    @property
    def output_columns(self) -> tuple[tuple[int, Column], ...]:
        """(index in a source row, column) of every column written to the
        sheet: all of them, except phone columns of a public ledger."""
        return tuple((i, c) for i, c in enumerate(self.columns) if not (self.public and c.type == PHONE))

    @property
    def headers(self) -> tuple[str, ...]:
        """The header row as written."""
        return tuple(c.header for _, c in self.output_columns)


_PERIOD_SHAPE = re.compile(r"(\d+)\s*[-/.年]\s*(\d+)\s*月?")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, the unit a ledger is exported for."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not isinstance(self.month, int):
            raise ValueError("年份和月份应为整数。")
        if not 1900 <= self.year <= 9999:
            raise ValueError(f"年份 {self.year} 不对，应为4位数字，如 2026。")
        if not 1 <= self.month <= 12:
            raise ValueError(f"月份 {self.month} 不存在，应在1到12之间。")

    # -- text forms
    @property
    def label(self) -> str:
        """2026年11月"""
        return f"{self.year}年{self.month}月"

    @property
    def iso(self) -> str:
        """2026-11"""
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return self.iso

    # -- days
    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_month_first_day(self) -> date:
        return self.next().first_day

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next_month_first_day.toordinal() - 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and (day.year, day.month) == (self.year, self.month)

    # -- neighbours
    def next(self) -> "Period":
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def prev(self) -> "Period":
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    @classmethod
    def of(cls, day: date) -> "Period":
        """The month ``day`` is in."""
        return cls(day.year, day.month)

    @classmethod
    def previous(cls, today: date | None = None) -> "Period":
        """Last month: what the township expects at the start of a month."""
        return cls.of(today or date.today()).prev()

    @classmethod
    def parse(cls, text: str) -> "Period":
        """``2026-11`` (also 2026-1, 2026/11, 2026年11月, fullwidth digits).

        Raises ValueError with a Chinese message for anything else."""
        raw = "" if text is None else str(text)
        s = unicodedata.normalize("NFKC", raw).strip()
        if not s:
            raise ValueError("请填写月份，如 2026-11。")
        m = _PERIOD_SHAPE.fullmatch(s)
        if not m:
            raise ValueError(f"月份格式不对：{raw.strip()}。请写成 年-月，如 2026-11。")
        year, month = m.group(1), m.group(2)
        if len(year) != 4:
            raise ValueError(f"月份格式不对：{raw.strip()}。年份要写4位，如 2026-11。")
        if not 1 <= int(month) <= 12:
            raise ValueError(f"月份不存在：{raw.strip()}。月份应在1到12之间，如 2026-11。")
        try:
            return cls(int(year), int(month))
        except ValueError as exc:
            raise ValueError(f"月份不对：{raw.strip()}。{exc}") from None


@dataclass(frozen=True)
class LedgerContext:
    """Who files the ledger: printed in the title, row 2 and the closing line."""

    village: str
    township: str
    operator: str
    phone: str
    filled_on: date
    # the registers' chain heads (domain.evidence.Head) at the end of the
    # month and of the month before: printed in the footer and the 校验 sheet
    evidence: tuple = ()
    evidence_previous: tuple = ()
    exported_at: Any = None


def cn_date(day: date) -> str:
    """2026年11月3日"""
    return f"{day.year}年{day.month}月{day.day}日"


def closing_line(operator: str = "", phone: str = "") -> str:
    """The signature line under a ledger (fullwidth spaces leave room to sign)."""
    gap = _FULL_SPACE * 4
    return (
        f"单位负责人：{gap}审核人：{gap}"
        f"经办人：{(operator or '').strip() or gap}{_FULL_SPACE * 2}"
        f"联系电话：{(phone or '').strip() or gap}"
    )


# --------------------------------------------------------------------------
# Registry

_REGISTRY: dict[str, Ledger] = {}


def register(ledger: Ledger) -> Ledger:
    """Add ``ledger`` to the registry and return it (use at module level).

    Registering a ledger again under the same name and title replaces it
    (module reloads); a different ledger under a taken name is an error."""
    if not isinstance(ledger, Ledger):
        raise TypeError("register() expects a Ledger")
    old = _REGISTRY.get(ledger.name)
    if old is not None and old.title != ledger.title:
        raise ValueError(f"台账代号 {ledger.name} 已被（{old.title}）使用。")
    _REGISTRY[ledger.name] = ledger
    return ledger


def get_ledger(name: str) -> Ledger:
    """The registered ledger called ``name``; UnknownLedgerError (a KeyError
    and a ValueError) with a Chinese message listing the known names."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        pass
    if not _REGISTRY:
        raise UnknownLedgerError(f"没有名为 {name} 的台账：还没有登记任何台账。")
    known = "、".join(f"{led.name}（{led.title}）" for led in _REGISTRY.values())
    raise UnknownLedgerError(f"没有名为 {name} 的台账。可用的台账：{known}。")


def all_ledgers() -> list[Ledger]:
    """Every registered ledger, in registration order."""
    return list(_REGISTRY.values())
