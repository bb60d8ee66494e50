"""Township summary: merge the same ledger of several villages into one file.

Each input must be a village ledger written by this app (``write_ledger``):
its kind, month, village and column types are read from the workbook's
document properties (fallback for files whose custom properties were lost:
the keywords, the title row and the header row, matched against the
registered ledgers). All inputs must be the same ledger and month.

The output has the engine's layout (same writer): a sheet with every row of
every village in file order, a first column 村(社区) added, types kept
(dates stay dates, money stays numeric), and a second sheet 汇总 with the
number of entries (and sums of the total columns) per village.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Generator, Iterator, Sequence

from cunwu_tui.ledgers.engine import (
    INTEGER,
    MONEY,
    TEXT,
    Column,
    Ledger,
    LedgerContext,
    LedgerError,
    Period,
    all_ledgers,
    closing_line,
    cn_date,
)
from cunwu_tui.ledgers.naming import ensure_writable_folder, ledger_filename, unique_path
from cunwu_tui.ledgers.reasons import os_reason

__all__ = ["LedgerError", "merge_ledgers"]

VILLAGE_HEADER = "村(社区)"
SUMMARY_SHEET = "汇总"
_KEYWORDS = re.compile(r"cunwu-ledger(-merged)?:([a-z][a-z0-9_-]*):(\d{4}-\d{2})")
_TITLE_PERIOD = re.compile(r"（(\d{4})年(\d{1,2})月）\s*$")


@dataclass
class _Source:
    path: Path
    shown: str
    name: str
    title: str
    period: Period
    village: str
    township: str
    columns: tuple[Column, ...]
    public: bool
    totals: bool
    orientation: str
    header_row: int
    rows: int | None  # None: find the end by scanning
    count: int = 0
    sums: dict[int, Any] = field(default_factory=dict)


def _open(path: Path, shown: str):
    from openpyxl import load_workbook

    if not path.exists():
        raise LedgerError(f"找不到文件：{shown}。")
    if path.is_dir():
        raise LedgerError(f"{shown} 是文件夹，不是台账文件。")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise LedgerError(f"无法读取文件 {shown}：{os_reason(exc, reading=True)}。") from exc
    except Exception as exc:
        raise LedgerError(f"无法读取文件 {shown}：文件已损坏，或不是 Excel 工作簿（.xlsx）。") from exc


def _not_ledger(shown: str) -> LedgerError:
    return LedgerError(f"文件 {shown} 不是村务通导出的台账，无法合并。")


def _inspect(path: Path, shown: str) -> _Source:
    from cunwu_tui.ledgers.writer import FORMAT_VERSION, HEADER_ROW, parse_columns_spec

    wb = _open(path, shown)
    try:
        try:
            props = {p.name: p.value for p in wb.custom_doc_props.props}
            keywords = wb.properties.keywords or ""
            ws = wb.worksheets[0] if wb.worksheets else None
            header_row = props.get("cunwu_header_row", HEADER_ROW)
            if not isinstance(header_row, int) or not 1 <= header_row <= 50:
                raise _not_ledger(shown)
            head = list(ws.iter_rows(min_row=1, max_row=header_row, values_only=True)) if ws else []
        except LedgerError:
            raise
        except Exception as exc:
            raise LedgerError(f"无法读取文件 {shown}：文件已损坏。") from exc
        if props.get("cunwu_kind") == "merged" or keywords.startswith("cunwu-ledger-merged:"):
            raise LedgerError(f"文件 {shown} 已经是乡镇汇总表，请选择各村导出的台账。")
        if len(head) < header_row:
            raise _not_ledger(shown)
        title_text = str(head[0][0] or "") if head[0] else ""
        headers = [("" if v is None else str(v)) for v in head[header_row - 1]]
        while headers and not headers[-1]:
            headers.pop()
        if "cunwu_format" in props:
            return _from_properties(path, shown, props, headers, header_row, parse_columns_spec, FORMAT_VERSION)
        return _from_layout(path, shown, keywords, title_text, headers, header_row)
    finally:
        wb.close()


def _from_properties(path, shown, props, headers, header_row, parse_columns_spec, version) -> _Source:
    fmt = props.get("cunwu_format")
    if not isinstance(fmt, int) or props.get("cunwu_kind") != "ledger":
        raise _not_ledger(shown)
    if fmt > version:
        raise LedgerError(f"文件 {shown} 由更新版本的村务通导出，请先升级本程序再合并。")
    try:
        period = Period.parse(str(props["cunwu_period"]))
        columns = parse_columns_spec(props["cunwu_columns"], headers)
        rows = props.get("cunwu_rows")
        if not isinstance(rows, int) or rows < 0:
            raise ValueError("rows")
        return _Source(
            path=path,
            shown=shown,
            name=str(props["cunwu_ledger"]),
            title=str(props.get("cunwu_title") or props["cunwu_ledger"]),
            period=period,
            village=str(props.get("cunwu_village") or ""),
            township=str(props.get("cunwu_township") or ""),
            columns=columns,
            public=bool(props.get("cunwu_public", False)),
            totals=bool(props.get("cunwu_totals", True)),
            orientation=str(props.get("cunwu_orientation") or ""),
            header_row=header_row,
            rows=rows,
        )
    except (KeyError, ValueError, IndexError):
        raise LedgerError(f"文件 {shown} 的表头或文件信息被改动过，无法识别，请让村里重新导出。") from None


def _variants(ledger: Ledger) -> list[Ledger]:
    """The ledger as declared and as its public/non-public twin (the
    header rows differ when there are phone columns)."""
    out = [ledger]
    try:
        out.append(dataclasses.replace(ledger, public=not ledger.public))
    except ValueError:
        pass
    return out


def _from_layout(path, shown, keywords, title_text, headers, header_row) -> _Source:
    """No custom properties (e.g. lost by a re-save): recognise a registered
    ledger by its header row; the month from the keywords or the title."""
    try:
        from cunwu_tui.ledgers.registers import declare_ledgers

        declare_ledgers()
    except ImportError:  # pragma: no cover
        pass
    m = _KEYWORDS.fullmatch(keywords.strip())
    wanted = m.group(2) if m else None
    matches = [variant for ledger in all_ledgers() for variant in _variants(ledger) if list(variant.headers) == headers]
    if wanted is not None:
        matches = [x for x in matches if x.name == wanted] or matches
    if not matches:
        raise _not_ledger(shown)
    ledger = matches[0]
    public = ledger.public
    if m:
        period = Period.parse(m.group(3))
    else:
        t = _TITLE_PERIOD.search(title_text)
        if not t:
            raise _not_ledger(shown)
        period = Period(int(t.group(1)), int(t.group(2)))
    at = title_text.find(ledger.title)
    village = title_text[:at].strip() if at > 0 else ""
    return _Source(
        path=path,
        shown=shown,
        name=ledger.name,
        title=ledger.title,
        period=period,
        village=village,
        township="",
        columns=tuple(c for _, c in ledger.output_columns),
        public=public,
        totals=ledger.totals,
        orientation=ledger.orientation,
        header_row=header_row,
        rows=None,
    )


def _check_same(sources: list[_Source]) -> None:
    first = sources[0]
    seen_paths: dict[Path, _Source] = {}
    seen_villages: dict[str, _Source] = {}
    for s in sources:
        key = s.path.resolve()
        if key in seen_paths:
            raise LedgerError(f"文件 {s.shown} 选了两次。")
        seen_paths[key] = s
        if s.name != first.name:
            raise LedgerError(
                f"文件 {s.shown} 是{s.title}，与第一个文件 {first.shown}（{first.title}）不是同一种台账，不能合并。"
            )
        if s.period != first.period:
            raise LedgerError(
                f"文件 {s.shown} 是{s.period.label}的台账，与第一个文件 {first.shown}（{first.period.label}）月份不同，不能合并。"
            )
        if s.public != first.public:
            raise LedgerError(
                f"文件 {s.shown} 与第一个文件 {first.shown} 一个是公示版（身份证号已隐藏）、一个不是，不能合并。"
            )
        if [c.header for c in s.columns] != [c.header for c in first.columns] or [c.type for c in s.columns] != [
            c.type for c in first.columns
        ]:
            raise LedgerError(
                f"文件 {s.shown} 的表头与第一个文件 {first.shown} 不一致（可能由不同版本导出），不能合并。"
            )
        if s.village:
            other = seen_villages.get(s.village)
            if other is not None:
                raise LedgerError(f"文件 {s.shown} 与 {other.shown} 都是{s.village}的台账，请只保留一份。")
            seen_villages[s.village] = s


def _is_total_row(first: Any) -> bool:
    return isinstance(first, str) and first.strip().startswith("合计")


def _is_closing_row(first: Any) -> bool:
    return isinstance(first, str) and first.strip().startswith("单位负责人")


def _number(v: Any, ctype: str) -> Any:
    """A total column's value as Decimal/int for the summary (None if not a number)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        if ctype == MONEY:
            return Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v).strip())
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return int(v) if isinstance(v, int) else int(str(v).strip())
    except (InvalidOperation, ValueError):
        return None


def _restore(v: Any) -> Any:
    """openpyxl leaves OOXML _xHHHH_ escapes in strings; undo them."""
    if isinstance(v, str) and "_x" in v:
        from cunwu_tui.ledgers.writer import unescape_text

        return unescape_text(v)
    return v


def _read_rows(src: _Source) -> Generator[tuple[Any, ...], None, None]:
    """The data rows of one village file, as read (types restored later by
    the writer's converters), with ``src.count``/``src.sums`` updated."""
    wb = _open(src.path, src.shown)
    n = len(src.columns)
    totals = [(j, c.type) for j, c in enumerate(src.columns) if c.total]
    src.sums = {j: (Decimal(0) if t == MONEY else 0) for j, t in totals}
    try:
        try:
            ws = wb.worksheets[0]
            it = ws.iter_rows(min_row=src.header_row + 1, max_col=n, values_only=True)
            while True:
                if src.rows is not None and src.count == src.rows:
                    _check_end(src, next(it, None))
                    return
                row = next(it, None)
                if row is None:
                    if src.rows is not None:
                        raise _changed(src)
                    return
                if src.rows is None and (
                    all(v is None for v in row) or _is_total_row(row[0]) or _is_closing_row(row[0])
                ):
                    return
                row = tuple(_restore(v) for v in row)
                src.count += 1
                for j, t in totals:
                    x = _number(row[j], t)
                    if x is not None:
                        src.sums[j] += x
                yield row
        except LedgerError:
            raise
        except Exception as exc:
            raise LedgerError(f"无法读取文件 {src.shown}：文件已损坏。") from exc
    finally:
        wb.close()


def _changed(src: _Source) -> LedgerError:
    return LedgerError(
        f"文件 {src.shown} 的数据行数与导出时记录的不符（可能在 Excel 中增删过行），请让{src.village or '村里'}重新导出后再合并。"
    )


def _check_end(src: _Source, after: tuple | None) -> None:
    """The row after the recorded data rows must be the 合计 row (or empty
    when the ledger has no totals); otherwise rows were added or removed."""
    first = after[0] if after else None
    if src.totals:
        ok = _is_total_row(first)
    else:
        ok = after is None or all(v is None for v in after) or _is_closing_row(first)
    if not ok:
        raise _changed(src)


def merge_ledgers(
    paths: Sequence[str | Path],
    out_path: str | Path,
    township: str | LedgerContext | None = None,
    *,
    operator: str = "",
    phone: str = "",
    filled_on: date | None = None,
    progress: Callable[[int], None] | None = None,
    overwrite: bool = False,
    previous: str | Path | None = None,
    warnings: list[str] | None = None,
) -> Path:
    """Merge village ledgers (same kind, same month) into one workbook.

    ``out_path`` is a file, or an existing folder (a name such as
    城关镇_人员名册汇总_2026-11.xlsx is made up). An existing file is not
    replaced unless ``overwrite``: a numbered sibling is used instead, so
    use the returned path. ``township`` is the township's name (default:
    the one recorded in the first file) or a LedgerContext whose township,
    operator, phone and filled_on are used. ``progress(n)`` counts merged
    rows.

    Raises LedgerError (Chinese, naming the file) for a missing, unreadable
    or foreign file, a summary given as input, mixed kinds or months, or
    two files of the same village.

    Each village's registers' 校验码 (ledgers/anchors.py) are listed in the
    汇总 sheet and kept in the file. ``previous``: last month's summary of
    the same ledger; a village whose month does not continue from the
    校验码 it sent then gets a warning (appended to ``warnings``, and in the
    汇总 sheet's 与上月衔接 column).
    """
    from cunwu_tui.ledgers import writer

    if isinstance(township, LedgerContext):
        ctx = township
        township, operator, phone, filled_on = ctx.township, ctx.operator, ctx.phone, ctx.filled_on
    paths = [p for p in paths]
    if not paths:
        raise LedgerError("请至少选择一个台账文件。")
    sources = [_inspect(Path(p), str(p)) for p in paths]
    _check_same(sources)
    first = sources[0]
    town = (township if township is not None else first.township) or ""
    period = first.period

    out = Path(out_path).expanduser()
    if out.is_dir():
        out = out / ledger_filename(town or "乡镇", f"{first.title}汇总", period)
    elif out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    ensure_writable_folder(out.parent)
    inputs = {s.path.resolve() for s in sources}
    if out.resolve() in inputs:
        raise LedgerError(f"汇总文件不能覆盖原始台账：{out}。请换一个文件名。")
    if not overwrite:
        out = unique_path(out)

    village_width = max([10.0] + [writer.display_width(s.village) + 2 for s in sources])
    village_col = Column(VILLAGE_HEADER, min(village_width, 24.0), TEXT)
    columns = (village_col,) + first.columns
    width = sum(c.width for c in columns)
    orientation = "landscape" if width > 95 or first.orientation == "landscape" else "portrait"
    filled = f"填报时间：{cn_date(filled_on or date.today())}"
    closing = closing_line(operator, phone)

    def all_rows() -> Iterator[tuple]:
        for s in sources:
            rows = _read_rows(s)
            try:
                for row in rows:
                    yield (s.village,) + row
            finally:
                rows.close()  # closes the file now, also when the writer gives up

    data = writer.Sheet(
        name=first.title,
        title=f"{town}{first.title}汇总（{period.label}）",
        unit=f"填报单位：{town}",
        filled=filled,
        columns=columns,
        rows=all_rows(),
        orientation=orientation,
        totals=first.totals,
        closing=closing,
        label=f"《{first.title}》汇总",
        lenient=True,
    )

    total_cols = [(j, c) for j, c in enumerate(first.columns) if c.total]
    from cunwu_tui.ledgers import anchors

    heads = {s.path: anchors.read_village(s.path) for s in sources}
    links = _continuity(sources, heads, previous, period) if previous is not None else {}
    if warnings is not None:
        warnings += [w for w in links.values() if w != anchors.CONTINUES]
    evidence_cols: tuple[Column, ...] = ()
    if any(heads.values()):
        evidence_cols = (Column("月末校验码", 48, TEXT, wrap=True),)
        if previous is not None:
            evidence_cols += (Column("与上月衔接", 30, TEXT, wrap=True),)
    summary_columns = (
        (
            Column(VILLAGE_HEADER, max(village_col.width, 14.0), TEXT),
            Column("条数", 10, INTEGER, total=True),
        )
        + tuple(Column(c.header, max(c.width, 14), c.type, total=True) for _, c in total_cols)
        + evidence_cols
    )

    def summary_rows() -> Iterator[tuple]:
        for s in sources:
            extra: tuple = ()
            if evidence_cols:
                h = heads[s.path]
                extra = (anchors.heads_line(h.end) if h else "（无校验码：旧版本导出）",)
                if previous is not None:
                    extra += (links.get(s.path, ""),)
            yield (s.village or s.path.stem, s.count) + tuple(s.sums.get(j) for j, _ in total_cols) + extra

    summary_name = SUMMARY_SHEET if writer.sheet_title(first.title) != SUMMARY_SHEET else "汇总统计"
    summary = writer.Sheet(
        name=summary_name,
        title=f"{town}{first.title}分村统计（{period.label}）",
        unit=f"填报单位：{town}",
        filled=filled,
        columns=summary_columns,
        rows=summary_rows(),
        orientation="portrait" if sum(c.width for c in summary_columns) <= 95 else "landscape",
        totals=True,
        count_label=None,
        closing=closing,
        label="汇总",
        report_progress=False,
    )

    def custom(results: list) -> dict[str, Any]:
        return {
            "cunwu_format": writer.FORMAT_VERSION,
            "cunwu_kind": "merged",
            "cunwu_ledger": first.name,
            "cunwu_title": first.title,
            "cunwu_period": period.iso,
            "cunwu_township": town,
            "cunwu_villages": len(sources),
            "cunwu_public": first.public,
            "cunwu_totals": first.totals,
            "cunwu_header_row": writer.HEADER_ROW,
            "cunwu_rows": results[0].count,
            "cunwu_columns": writer.columns_spec(columns),
            anchors.VILLAGES_PROP: anchors.villages_prop(
                {s.village or s.path.stem: h for s in sources if (h := heads[s.path]) is not None}
            ),
        }

    writer.write_workbook(
        out,
        [data, summary],
        doc=writer.DocInfo(
            title=data.title,
            subject=f"{first.title}汇总",
            keywords=writer.ledger_keywords("merged", first.name, period),
            description=f"{town}{first.title}汇总，{period.label}，{len(sources)}个村(社区)",
            category=town,
        ),
        custom=custom,
        progress=progress,
    )
    return out


def _continuity(sources: list[_Source], heads: dict, previous: str | Path, period: Period) -> dict[Path, str]:
    """Per village: does its month continue from what it sent last month?"""
    from cunwu_tui.ledgers import anchors

    before = anchors.read_villages(Path(previous).expanduser())
    out: dict[Path, str] = {}
    for s in sources:
        name = s.village or s.path.stem
        h = heads.get(s.path)
        if h is None:
            out[s.path] = f"{name}：文件中没有校验码，无法核对与上月是否衔接。"
            continue
        then = before.get(name)
        if then is None:
            out[s.path] = f"{name}：上月汇总中没有该村的校验码，无法核对与上月是否衔接。"
            continue
        broken = [r for r, v in h.previous.items() if r in then and tuple(then[r]) != tuple(v)]
        if broken:
            r = broken[0]
            out[s.path] = (
                f"{name}：{r}不衔接：本月台账所记上月末为 {h.previous[r][0]} 条 {h.previous[r][1]}，"
                f"上月报来的是 {then[r][0]} 条 {then[r][1]}：上月报送之后登记簿被改写过，请核实。"
            )
        else:
            out[s.path] = anchors.CONTINUES
    return out
