"""What the writer is asked to write: a sheet (title, unit row, columns,
rows, closing line) and the workbook's document properties. Plain data, no
openpyxl, so that the documents built on the writer (anchors, letter,
public_list, merge) can describe their sheets without loading it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from cunwu_tui.ledgers.engine import Column

__all__ = ["DocInfo", "Sheet", "SheetResult"]


@dataclass
class Sheet:
    """One sheet to write. ``rows`` yields sequences of ``row_width``
    values; column ``j`` takes item ``sources[j]`` of each row."""

    name: str
    title: str
    unit: str
    filled: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    sources: Sequence[int] | None = None
    row_width: int | None = None
    orientation: str = "landscape"
    totals: bool = True
    count_label: str | None = "共{n}条"
    closing: str = ""
    label: str = ""
    mask_ids: bool = False
    # ID and phone numbers typed into free text (a caller's phone in a duty
    # entry) are masked in text columns (domain/privacy.py); ``phone`` columns
    # (staff's work phones) are not text columns and stay whole.
    mask_free_text: bool = False
    lenient: bool = False
    report_progress: bool = True
    one_page: bool = False  # scaled to one page tall as well as wide
    footnote: str = ""  # a line under the closing line (the registers' 校验码)


@dataclass
class SheetResult:
    count: int = 0
    sums: dict[int, Any] = field(default_factory=dict)  # column index -> total


@dataclass(frozen=True)
class DocInfo:
    title: str = ""
    subject: str = ""
    keywords: str = ""
    description: str = ""
    category: str = ""
