"""The xlsx writer behind ``write_ledger`` and ``merge_ledgers``.

Imports openpyxl at module level, so only import it from functions that
actually write (``naming.write_ledger`` does). One sheet layout for every
ledger, village export or township summary:

    row 1   title, merged across, 宋体 18 bold, centred
    row 2   填报单位：... (left part)   填报时间：... (right part)
    row 3   header (bold, borders, wrapped, centred)   <- HEADER_ROW
    row 4+  one row per entry                          <- FIRST_DATA_ROW
            合计 row (when the sheet has totals)
            blank row
            单位负责人：... closing line, merged across

Speed: openpyxl's write-only mode spends most of its time serialising
cells. Styles are built once per workbook: every column gets one
pre-styled cell object whose style id is computed once; each data row
only sets values on those cells and hands the same list to the sheet. The
only openpyxl internals touched are ``WriteOnlyWorksheet._values_to_row``
(replaced per sheet by a function that passes our cells straight through)
and ``Workbook._cell_styles`` (to look a style id up once); if either is
missing in some future openpyxl, the same cells go through the public
``append`` path, only slower.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import unicodedata
from copy import copy
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import BoolProperty, IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from cunwu_tui.ledgers.engine import (
    BOOL,
    DATE,
    DATETIME,
    ID_NUMBER,
    INTEGER,
    MONEY,
    PHONE,
    TEXT,
    Column,
    Ledger,
    LedgerContext,
    LedgerError,
    Period,
    closing_line,
    cn_date,
)
from cunwu_tui.ledgers import anchors
from cunwu_tui.ledgers.reasons import os_reason
from cunwu_tui.ledgers.sheets import DocInfo, Sheet, SheetResult

FONT_NAME = "宋体"
GB2312_CHARSET = 134
FORMAT_VERSION = 1
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
KEYWORD_PREFIX = "cunwu-ledger"
FOOTER = "第 &P 页，共 &N 页"
MAX_TEXT = 32767  # Excel's limit for one cell

TYPE_CODES = {TEXT: "s", DATE: "d", DATETIME: "t", INTEGER: "i", MONEY: "m", BOOL: "b", ID_NUMBER: "n", PHONE: "p"}
CODE_TYPES = {v: k for k, v in TYPE_CODES.items()}

_NUMBER_FORMATS = {
    TEXT: "@",
    ID_NUMBER: "@",
    PHONE: "@",
    BOOL: "@",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    INTEGER: "0",
    MONEY: "0.00",
}
_HORIZONTAL = {
    TEXT: "left",
    ID_NUMBER: "center",
    PHONE: "center",
    BOOL: "center",
    DATE: "center",
    DATETIME: "center",
    INTEGER: "right",
    MONEY: "right",
}
_CENT = Decimal("0.01")


# --------------------------------------------------------------------------
# Text helpers


def display_width(text: str, size: float = 11, bold: bool = False) -> float:
    """Rough printed width of ``text`` in Excel column units (one unit is a
    digit of the default 11 pt font; a Chinese character is about two)."""
    units = 0.0
    for ch in text:
        units += 2.1 if unicodedata.east_asian_width(ch) in "WF" else 1.05
    return units * size / 11 * (1.06 if bold else 1.0)


def line_count(text: str, width: float, size: float = 11, bold: bool = False) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` units wide."""
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, math.ceil(display_width(part, size, bold) / max(width - 0.5, 1)))
    return lines


ROW_HEIGHT = 20.0  # points: default height of every row (one line plus air for handwriting-size print)
LINE_HEIGHT = 15.0  # points per wrapped line of 11 pt text (SimSun needs ~14.3; estimated_lines assumes SimSun widths)
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def estimated_lines(text: str, width: float) -> int:
    """Fast estimate of the lines ``text`` wraps to in a column ``width``
    units wide (used for every wrapped cell, so no per-character Python
    loop: a character taking 3 UTF-8 bytes is counted as wide)."""
    if "\n" in text:
        return sum(estimated_lines(part, width) for part in text.split("\n"))
    n = len(text)
    if n == 0:
        return 1
    wide = (len(text.encode("utf-8", "surrogatepass")) - n) // 2
    units = (n - wide) * 1.05 + wide * 2.1
    return max(1, math.ceil(units * 1.03 / max(width - 0.7, 1)))


def _row_height(lines: int) -> float:
    return max(ROW_HEIGHT, min(MAX_ROW_HEIGHT, 6 + LINE_HEIGHT * lines))


def _row_attrs(lines: int) -> dict[str, str]:
    return {"ht": f"{_row_height(lines):g}", "customHeight": "1"}


def sheet_title(text: str) -> str:
    """A legal sheet name: no []:*?/\\, no leading/trailing apostrophe, <= 31."""
    s = re.sub(r"[\[\]:*?/\\]", "_", str(text)).strip().strip("'")
    return s[:31] or "台账"


# OOXML strings cannot hold most control characters, and a literal CR is
# turned into LF by any XML parser; both are written as _xHHHH_ escapes,
# which Excel, WPS and calamine decode. A literal "_xHHHH_" is protected
# the same way (its "_" becomes "_x005F_").
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")


def _escape_char(m: re.Match) -> str:
    ch = m.group()
    return "_x005F_" if ch == "_" else f"_x{ord(ch):04X}_"


def escape_text(s: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape_char, s)


def unescape_text(s: str) -> str:
    """The inverse of escape_text (openpyxl's reader does not do it)."""
    if "_x" not in s:
        return s
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), s)


# --------------------------------------------------------------------------
# Value conversion: value -> (cell value, openpyxl data type)


class _BadValue(Exception):
    pass


def _text(v: Any) -> tuple[Any, str]:
    if v is None:
        return None, "n"
    if not isinstance(v, str):
        if isinstance(v, bool):
            v = "是" if v else "否"
        elif isinstance(v, datetime):
            v = v.strftime("%Y-%m-%d %H:%M")
        elif isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, Decimal):
            v = format(v, "f")
        else:
            v = str(v)
    if not v.strip():
        # Blank: openpyxl writes whitespace-only text without
        # xml:space="preserve", so readers would drop it anyway.
        return None, "n"
    if len(v) > MAX_TEXT:
        v = v[:MAX_TEXT]
    if _NEEDS_ESCAPE.search(v):
        v = escape_text(v)
    return v, "s"  # always a string, never a formula


def _masked_text(v: Any) -> tuple[Any, str]:
    from cunwu_tui.domain.privacy import mask_personal

    value, kind = _text(v)
    return (mask_personal(value), kind) if kind == "s" else (value, kind)


def _masked_id(v: Any) -> tuple[Any, str]:
    from cunwu_tui.domain.idcard import mask_id_number

    return _text(None if v is None else mask_id_number(v))


def _date(v: Any) -> tuple[Any, str]:
    if v is None or v == "":
        return None, "n"
    if isinstance(v, datetime):
        v = v.date()
    elif not isinstance(v, date):
        if not isinstance(v, str):
            raise _BadValue(f"{v!s} 不是日期")
        try:
            v = date.fromisoformat(v.strip())
        except ValueError:
            raise _BadValue(f"{v} 不是日期（应为 年-月-日）") from None
    if v.year < 1900:
        raise _BadValue(f"日期 {v.isoformat()} 早于1900年")
    return v, "d"


def _datetime(v: Any) -> tuple[Any, str]:
    if v is None or v == "":
        return None, "n"
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone().replace(tzinfo=None)
    elif isinstance(v, date):
        v = datetime(v.year, v.month, v.day)
    elif isinstance(v, str):
        try:
            v = datetime.fromisoformat(v.strip())
        except ValueError:
            raise _BadValue(f"{v} 不是时间（应为 年-月-日 时:分）") from None
        if v.tzinfo is not None:
            v = v.astimezone().replace(tzinfo=None)
    else:
        raise _BadValue(f"{v!s} 不是时间")
    if v.year < 1900:
        raise _BadValue(f"时间 {v.isoformat()} 早于1900年")
    return v, "d"


def _integer(v: Any) -> tuple[Any, str]:
    if v is None or v == "":
        return None, "n"
    if isinstance(v, bool):
        raise _BadValue(f"{v} 不是整数")
    if isinstance(v, int):
        return v, "n"
    try:
        if isinstance(v, str):
            s = v.strip().replace(",", "")
            d = Decimal(s)
        elif isinstance(v, (float, Decimal)):
            d = Decimal(repr(v)) if isinstance(v, float) else v
        else:
            raise _BadValue(f"{v!s} 不是整数")
        if d.is_finite() and d == d.to_integral_value():
            return int(d), "n"
    except (InvalidOperation, ValueError):
        pass
    raise _BadValue(f"{v} 不是整数")


def _money(v: Any) -> tuple[Any, str]:
    if v is None or v == "":
        return None, "n"
    try:
        if isinstance(v, Decimal):
            d = v
        elif isinstance(v, bool):
            raise _BadValue(f"{v} 不是金额")
        elif isinstance(v, int):
            d = Decimal(v)
        elif isinstance(v, float):
            d = Decimal(repr(v))
        elif isinstance(v, str):
            d = Decimal(v.strip().replace(",", ""))
        else:
            raise _BadValue(f"{v!s} 不是金额")
    except (InvalidOperation, ValueError):
        raise _BadValue(f"{v} 不是金额") from None
    if not d.is_finite():
        raise _BadValue(f"{v} 不是金额")
    return d.quantize(_CENT, ROUND_HALF_UP), "n"


# 1 and 0 are equal to True and False as keys, so they find the same entries.
_BOOL_TEXT = {True: "是", False: "否", "是": "是", "否": "否"}


def _bool(v: Any) -> tuple[Any, str]:
    if v is None or v == "":
        return None, "n"
    try:
        return _BOOL_TEXT[v], "s"
    except (KeyError, TypeError):
        raise _BadValue(f"{v!s} 不是 是/否") from None


_CONVERTERS: dict[str, Callable[[Any], tuple[Any, str]]] = {
    TEXT: _text,
    PHONE: _text,
    ID_NUMBER: _text,
    DATE: _date,
    DATETIME: _datetime,
    INTEGER: _integer,
    MONEY: _money,
    BOOL: _bool,
}


def _lenient(conv: Callable[[Any], tuple[Any, str]]) -> Callable[[Any], tuple[Any, str]]:
    """For merging: a value that no longer fits its column (someone edited
    the file) is kept as text instead of refusing the whole summary."""

    def convert(v: Any) -> tuple[Any, str]:
        try:
            return conv(v)
        except _BadValue:
            return _text(v)

    return convert


def _summing(conv: Callable[[Any], tuple[Any, str]], acc: list) -> Callable[[Any], tuple[Any, str]]:
    def convert(v: Any) -> tuple[Any, str]:
        value, kind = conv(v)
        if kind == "n" and value is not None:
            acc[0] += value
        return value, kind

    return convert


# --------------------------------------------------------------------------
# Sheets


class _FastCell(Cell):
    """A cell whose style id is looked up once, not at every write."""

    __slots__ = ("_sid",)
    _sid: int
    has_style = True

    @property
    def style_id(self) -> int:
        return self._sid


def _pass_cells(cells, row_idx):
    for c in cells:
        c.row = row_idx
    return cells


_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _font(size: float = 11, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, charset=GB2312_CHARSET)


class _StyleBook:
    """Every style of the workbook, built once. ``cell()`` makes a cell that
    carries a shared style (and its id, in the fast path)."""

    def __init__(self, wb: Workbook, fast: bool):
        self.wb = wb
        self.fast = fast
        self._arrays: dict[tuple, Any] = {}
        self._fonts = {
            "title": _font(18, True),
            "plain": _font(11),
            "bold": _font(11, True),
        }

    def _spec(self, key: tuple) -> tuple[Font, Border | None, Alignment, str]:
        kind = key[0]
        if kind == "title":
            return self._fonts["title"], None, Alignment("center", "center", wrap_text=True), "General"
        if kind == "unit":
            return self._fonts["plain"], None, Alignment("left", "center", shrink_to_fit=True), "@"
        if kind == "filled":
            return self._fonts["plain"], None, Alignment("right", "center", shrink_to_fit=True), "@"
        if kind == "closing":
            return self._fonts["plain"], None, Alignment("left", "center", wrap_text=True), "@"
        if kind == "header":
            return self._fonts["bold"], _BORDER, Alignment("center", "center", wrap_text=True), "@"
        if kind == "total_label":
            return self._fonts["bold"], _BORDER, Alignment("center", "center", shrink_to_fit=True), "@"
        # ("body" | "total", column type, wrap)
        _, ctype, wrap = key
        font = self._fonts["bold" if kind == "total" else "plain"]
        align = Alignment(_HORIZONTAL[ctype], "center", wrap_text=bool(wrap))
        return font, _BORDER, align, _NUMBER_FORMATS[ctype]

    def _array(self, ws, key: tuple):
        sa = self._arrays.get(key)
        if sa is None:
            font, border, align, fmt = self._spec(key)
            t = Cell(ws, row=1, column=1)
            t.font = font
            if border is not None:
                t.border = border
            t.alignment = align
            t.number_format = fmt
            sa = self._arrays[key] = t._style  # type: ignore[attr-defined]  # openpyxl's private style array
        return sa

    def cell(self, ws, column: int, key: tuple, value: Any = None, data_type: str = "n") -> Cell:
        sa = self._array(ws, key)
        c: Cell
        if self.fast:
            c = _FastCell(ws, row=1, column=column, style_array=copy(sa))
            c._sid = self.wb._cell_styles.add(c._style)  # type: ignore[attr-defined]  # openpyxl internals
        else:
            c = Cell(ws, row=1, column=column, style_array=copy(sa))
        c._value, c.data_type = (value, data_type) if data_type != "s" else _text(value)  # type: ignore[attr-defined]
        return c


def _split_point(widths: Sequence[float], left_need: float, right_need: float) -> int:
    """Columns [0, k) carry row 2's left text, [k, n) the right text."""
    n = len(widths)
    for k in range(n - 1, 0, -1):
        if sum(widths[k:]) >= right_need:
            return k
    return max(1, n // 2)


def _setup_page(ws, sheet: Sheet, n_cols: int) -> None:
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.sheet_format.defaultRowHeight = ROW_HEIGHT
    ws.sheet_format.customHeight = True
    for j, col in enumerate(sheet.columns, 1):
        ws.column_dimensions[get_column_letter(j)].width = float(col.width)
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = sheet.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if sheet.one_page else 0
    # every sheet is numbered from 1, also when the whole workbook is printed
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True
    ws.print_options.horizontalCentered = True
    # inches: a wider left margin for binding; footer room for page numbers
    ws.page_margins = PageMargins(left=0.75, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.oddFooter.center.text = FOOTER


def _write_sheet(
    wb: Workbook,
    styles: _StyleBook,
    sheet: Sheet,
    progress: Callable[[int], None] | None,
    every: int,
) -> SheetResult:
    ws = wb.create_sheet(sheet_title(sheet.name))
    cols = list(sheet.columns)
    n = len(cols)
    last = get_column_letter(n)
    widths = [float(c.width) for c in cols]
    total_width = sum(widths) + n * 5 / 7  # cell padding
    _setup_page(ws, sheet, n)
    if styles.fast:
        ws._values_to_row = _pass_cells  # see module docstring
    cell = styles.cell

    fast = styles.fast

    def add(row_idx: int, cells: list) -> None:
        if not fast and cells and len(cells) != cells[-1].column:
            # public append() numbers cells by position: fill the gaps
            padded: list = [None] * cells[-1].column
            for c in cells:
                padded[c.column - 1] = c
            cells = padded
        try:
            ws.append(cells)
        except OSError as exc:  # openpyxl's own temporary file
            raise LedgerError(f"写入临时文件失败：{os_reason(exc)}。") from exc

    # row 1: title
    title = sheet.title
    if line_count(title, total_width, 18, True) > 1 and "（" in title:
        at = title.rindex("（")  # wrap before （2026年11月）, not inside it
        title = title[:at].rstrip() + "\n" + title[at:]
    ws.row_dimensions[1].height = 10 + 24 * line_count(title, total_width, 18, True)
    if n > 1:
        ws.merged_cells.add(f"A1:{last}1")
    add(1, [cell(ws, 1, ("title",), title, "s")])

    # row 2: unit left, date right
    ws.row_dimensions[2].height = 22
    k = _split_point(widths, display_width(sheet.unit), display_width(sheet.filled) + 1) if n > 1 else 1
    if n == 1 or sum(widths[:k]) < display_width(sheet.unit):
        # too few columns to keep the two apart: one line across the sheet
        if n > 1:
            ws.merged_cells.add(f"A2:{last}2")
        add(2, [cell(ws, 1, ("unit",), f"{sheet.unit}\u3000\u3000{sheet.filled}", "s")])
    else:
        if k > 1:
            ws.merged_cells.add(f"A2:{get_column_letter(k)}2")
        if n - k > 1:
            ws.merged_cells.add(f"{get_column_letter(k + 1)}2:{last}2")
        add(2, [cell(ws, 1, ("unit",), sheet.unit, "s"), cell(ws, k + 1, ("filled",), sheet.filled, "s")])

    # row 3: header
    header_lines = max(line_count(c.header, w, 11, True) for c, w in zip(cols, widths))
    ws.row_dimensions[HEADER_ROW].height = 8 + 15 * header_lines
    add(HEADER_ROW, [cell(ws, j, ("header",), c.header, "s") for j, c in enumerate(cols, 1)])

    # data rows: one pre-styled cell per column, reused for every row
    sources = list(sheet.sources) if sheet.sources is not None else list(range(n))
    width = sheet.row_width if sheet.row_width is not None else (max(sources) + 1)
    result = SheetResult()
    accs: dict[int, list] = {}
    slots = []
    data_cells = []
    for j, (c, src) in enumerate(zip(cols, sources)):
        conv = _CONVERTERS[c.type]
        if c.type == ID_NUMBER and sheet.mask_ids:
            conv = _masked_id
        elif c.type == TEXT and sheet.mask_free_text:
            conv = _masked_text
        if sheet.lenient:
            conv = _lenient(conv)
        if sheet.totals and c.total:
            accs[j] = [Decimal(0) if c.type == MONEY else 0]
            conv = _summing(conv, accs[j])
        dc = cell(ws, j + 1, ("body", c.type, c.wrap))
        data_cells.append(dc)
        slots.append((dc, conv, src, j))

    # LibreOffice neither grows rows for wrapped text nor applies the
    # sheet's default row height when it opens the file (seen in its PDF
    # export), so every data row gets an explicit height: ROW_HEIGHT, more
    # when wrapped text needs several lines (estimated for SimSun, the
    # township's font). Set just before the row is written, dropped after,
    # so memory stays flat.
    wrapped = [(dc, float(c.width)) for dc, c in zip(data_cells, cols) if c.wrap]
    row_attrs: dict[int, dict[str, str]] = {}
    dims = ws.row_dimensions
    count = 0
    row_idx = FIRST_DATA_ROW
    for values in sheet.rows:
        count += 1
        if not isinstance(values, (tuple, list)):
            values = tuple(values)
        if len(values) != width:
            raise LedgerError(f"{sheet.label}第{count}条有{len(values)}项，应为{width}项。")
        for dc, conv, src, j in slots:
            try:
                dc._value, dc.data_type = conv(values[src])  # type: ignore[attr-defined]  # openpyxl internals
            except _BadValue as exc:
                raise LedgerError(f"{sheet.label}第{count}条第{j + 1}列（{cols[j].header}）：{exc}。") from None
        lines = 1
        for dc, w in wrapped:
            if dc.data_type == "s":
                k = estimated_lines(dc._value, w)  # type: ignore[attr-defined]
                if k > lines:
                    lines = k
        if fast:
            # write_row() only merges this mapping into the row's attributes
            dims[row_idx] = row_attrs.get(lines) or row_attrs.setdefault(lines, _row_attrs(lines))
        else:
            dims[row_idx].height = _row_height(lines)
        add(row_idx, data_cells)
        del dims[row_idx]
        row_idx += 1
        if progress is not None and sheet.report_progress and count % every == 0:
            progress(count)
    result.count = count
    if progress is not None and sheet.report_progress:
        progress(count)

    # 合计 row
    if sheet.totals:
        result.sums = {j: acc[0] for j, acc in accs.items()}
        label = "合计"
        count_col = next((j for j in range(1, n) if not cols[j].total), None)
        count_text = sheet.count_label.format(n=count) if sheet.count_label else None
        if count_text and count_col is None:
            label, count_text = f"合计（{count_text}）", None
        cells = [cell(ws, 1, ("total_label",), label, "s")]
        for j in range(1, n):
            c = cols[j]
            if j in accs:
                cells.append(cell(ws, j + 1, ("total", c.type, False), result.sums[j], "n"))
            elif j == count_col and count_text:
                cells.append(cell(ws, j + 1, ("total_label",), count_text, "s"))
            else:
                cells.append(cell(ws, j + 1, ("total", c.type, c.wrap)))
        ws.row_dimensions[row_idx].height = ROW_HEIGHT
        add(row_idx, cells)
        row_idx += 1

    # blank row, then the closing line
    add(row_idx, [])
    row_idx += 1
    closing = sheet.closing
    if line_count(closing, total_width) > 1 and "经办人：" in closing:
        head, _, tail = closing.partition("经办人：")  # two signature groups, not a ragged wrap
        closing = head.rstrip("\u3000") + "\n经办人：" + tail
    ws.row_dimensions[row_idx].height = 8 + 16 * line_count(closing, total_width)
    if n > 1:
        ws.merged_cells.add(f"A{row_idx}:{last}{row_idx}")
    add(row_idx, [cell(ws, 1, ("closing",), closing, "s")])
    if sheet.footnote:
        row_idx += 1
        ws.row_dimensions[row_idx].height = 8 + 16 * line_count(sheet.footnote, total_width)
        if n > 1:
            ws.merged_cells.add(f"A{row_idx}:{last}{row_idx}")
        add(row_idx, [cell(ws, 1, ("closing",), sheet.footnote, "s")])
    return result


def _create_temp(folder: Path, name: str) -> Path:
    for _ in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
            )  # owner-only: ledgers hold phones
        except FileExistsError:
            continue
        except OSError as exc:
            raise LedgerError(f"无法在文件夹 {folder} 中写入文件：{os_reason(exc)}。") from exc
        os.close(fd)
        return tmp
    raise LedgerError(f"无法在文件夹 {folder} 中写入文件。")


def _discard(wb: Workbook) -> None:
    """Close and delete openpyxl's per-sheet temporary files of a workbook
    that will not be saved (best effort)."""
    for ws in list(getattr(wb, "_sheets", [])):
        rows = getattr(ws, "_rows", None)
        writer = getattr(ws, "_writer", None)
        try:
            if rows is not None:
                rows.close()
        except Exception:
            pass
        if writer is not None:
            try:
                writer.close()
            except Exception:
                pass
            try:
                writer.cleanup()
            except Exception:
                pass


def _remove(path: Path) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def write_workbook(
    path: Path,
    sheets: Sequence[Sheet],
    *,
    doc: DocInfo,
    custom: Mapping[str, Any] | Iterable[tuple[str, Any]] | Callable[[list[SheetResult]], Mapping[str, Any]] = (),
    progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> list[SheetResult]:
    """Write ``sheets`` to ``path`` atomically (temp file + os.replace)."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise LedgerError(f"文件夹不存在：{folder}。")
    every = max(1, int(progress_every))
    tmp = _create_temp(folder, path.name)
    wb = Workbook(write_only=True)
    saved = False
    try:
        styles = _StyleBook(wb, fast=_fast_path_available(wb))
        results = [_write_sheet(wb, styles, s, progress, every) for s in sheets]
        props = wb.properties
        props.creator = "村务通"
        props.lastModifiedBy = "村务通"
        props.title = doc.title
        props.subject = doc.subject
        props.keywords = doc.keywords
        props.description = doc.description
        props.category = doc.category
        values = custom(results) if callable(custom) else dict(custom)
        for key, value in values.items():
            if isinstance(value, bool):
                wb.custom_doc_props.append(BoolProperty(name=key, value=value))  # type: ignore[attr-defined]  # not in the stubs
            elif isinstance(value, int):
                wb.custom_doc_props.append(IntProperty(name=key, value=value))  # type: ignore[attr-defined]
            else:
                wb.custom_doc_props.append(StringProperty(name=key, value=str(value)))  # type: ignore[attr-defined]
        try:
            wb.save(tmp)
            saved = True
            os.replace(tmp, path)
        except OSError as exc:
            raise LedgerError(f"无法写入文件 {path}：{os_reason(exc)}。") from exc
        return results
    except BaseException:
        if not saved:
            _discard(wb)
        _remove(tmp)
        for s in sheets:  # release what the row sources hold (files, cursors)
            close = getattr(s.rows, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:
                    pass
        raise


def _fast_path_available(wb: Workbook) -> bool:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    return FAST_PATH and hasattr(wb, "_cell_styles") and hasattr(WriteOnlyWorksheet, "_values_to_row")


FAST_PATH = True  # tests switch it off to check the public append path


# --------------------------------------------------------------------------
# Village ledgers


def columns_spec(columns: Sequence[Column]) -> str:
    """Compact column description stored in the file: i:6;sw:30;m+:12."""
    parts = []
    for c in columns:
        flags = ("w" if c.wrap else "") + ("+" if c.total else "")
        parts.append(f"{TYPE_CODES[c.type]}{flags}:{float(c.width):g}")
    return ";".join(parts)


def parse_columns_spec(spec: str, headers: Sequence[str]) -> tuple[Column, ...]:
    """The inverse of columns_spec (headers from the sheet). ValueError if
    the spec is malformed or does not match the headers."""
    parts = [p for p in str(spec).split(";") if p]
    if len(parts) != len(headers):
        raise ValueError("column count")
    out = []
    for part, header in zip(parts, headers):
        code, _, width = part.partition(":")
        ctype = CODE_TYPES[code[0]]
        out.append(Column(str(header), float(width), ctype, wrap="w" in code[1:], total="+" in code[1:]))
    return tuple(out)


def ledger_keywords(kind: str, name: str, period: Period) -> str:
    return (
        f"{KEYWORD_PREFIX}:{name}:{period.iso}" if kind == "ledger" else f"{KEYWORD_PREFIX}-{kind}:{name}:{period.iso}"
    )


def write_ledger(
    ledger: Ledger,
    ctx: LedgerContext,
    period: Period,
    rows: Iterable[Sequence],
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> Path:
    out = ledger.output_columns
    columns = tuple(c for _, c in out)
    title = f"{ctx.village}{ledger.title}（{period.label}）"
    sheet = Sheet(
        name=ledger.title,
        title=title,
        unit=f"填报单位：{ctx.township}{ctx.village}",
        filled=f"填报时间：{cn_date(ctx.filled_on)}",
        columns=columns,
        rows=rows,
        sources=[i for i, _ in out],
        row_width=len(ledger.columns),
        orientation=ledger.orientation,
        totals=ledger.totals,
        closing=closing_line(ctx.operator, ctx.phone),
        label=f"《{ledger.title}》",
        mask_ids=ledger.public,
        mask_free_text=True,
        one_page=ledger.one_page,
    )
    sheets = [sheet]
    if ctx.evidence:
        sheet.footnote = anchors.footnote(ctx, period)
        sheets.append(anchors.evidence_sheet(ctx, period))

    def custom(results: list[SheetResult]) -> dict[str, Any]:
        extra = {}
        if ctx.evidence:
            extra = anchors.custom_props(ctx, period)
        return {
            **extra,
            "cunwu_format": FORMAT_VERSION,
            "cunwu_kind": "ledger",
            "cunwu_ledger": ledger.name,
            "cunwu_title": ledger.title,
            "cunwu_period": period.iso,
            "cunwu_village": ctx.village,
            "cunwu_township": ctx.township,
            "cunwu_public": bool(ledger.public),
            "cunwu_totals": bool(ledger.totals),
            "cunwu_orientation": ledger.orientation,
            "cunwu_header_row": HEADER_ROW,
            "cunwu_rows": results[0].count,
            "cunwu_columns": columns_spec(columns),
        }

    write_workbook(
        path,
        sheets,
        doc=DocInfo(
            title=title,
            subject=ledger.title,
            keywords=ledger_keywords("ledger", ledger.name, period),
            description=f"{ctx.township}{ctx.village}{ledger.title}，{period.label}",
            category=ctx.village,
        ),
        custom=custom,
        progress=progress,
        progress_every=progress_every,
    )
    return path
