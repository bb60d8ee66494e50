"""The registers' chain heads on a ledger (防篡改 anchors outside the
database): a footer line, a small sheet 校验 (per register: 登记簿, 条数,
校验码 at the end of the month, and at the end of the month before), and
the full hashes in the workbook's properties.

``cunwu verify --against 台账.xlsx`` reads them back (``read_sheet``) and
the township's merge compares a village's month with what it sent the
month before (``read_village``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cunwu_tui.domain import evidence as ev
from cunwu_tui.ledgers.engine import INTEGER, TEXT, Column, LedgerContext, LedgerError, Period, cn_date
from cunwu_tui.ledgers.sheets import Sheet

SHEET = "校验"
PROP = "cunwu_evidence"
HEADERS = ("登记簿", "条数", "校验码", "上月末条数", "上月末校验码")


def footnote(ctx: LedgerContext, period: Period) -> str:
    return f"登记簿校验码（截至{cn_date(period.last_day)}，见「{SHEET}」表）：" + ev.heads_text(ctx.evidence)


def evidence_sheet(ctx: LedgerContext, period: Period):
    previous = {h.register: h for h in ctx.evidence_previous}
    rows = []
    for h in ctx.evidence:
        p = previous.get(h.register)
        rows.append((h.register, h.count, h.digest, p.count if p else None, p.digest if p else ""))
    when = ctx.exported_at
    exported = f"{when:%Y-%m-%d %H:%M}" if when is not None else cn_date(ctx.filled_on)
    return Sheet(
        name=SHEET,
        title=f"{ctx.village}登记簿校验码（{period.label}）",
        unit=f"填报单位：{ctx.township}{ctx.village}",
        filled=f"导出时间：{exported}",
        columns=(
            Column(HEADERS[0], 12, TEXT),
            Column(HEADERS[1], 10, INTEGER),
            Column(HEADERS[2], 24, TEXT),
            Column(HEADERS[3], 12, INTEGER),
            Column(HEADERS[4], 24, TEXT),
        ),
        rows=rows,
        orientation="portrait",
        totals=False,
        count_label=None,
        closing=(
            f"截至{cn_date(period.last_day)}各登记簿的条数和校验码。用 cunwu verify --against 本文件 "
            f"可证明登记簿仍是本台账导出时所依据的内容。"
        ),
        label=SHEET,
        report_progress=False,
    )


def custom_props(ctx: LedgerContext, period: Period) -> dict[str, Any]:
    data = {
        "version": ev.CHAIN_VERSION,
        "month": period.iso,
        "village": ctx.village,
        "end": {h.register: [h.count, h.hash] for h in ctx.evidence},
        "previous": {h.register: [h.count, h.hash] for h in ctx.evidence_previous},
    }
    return {PROP: json.dumps(data, ensure_ascii=False, separators=(",", ":"))}


@dataclass(frozen=True)
class VillageHeads:
    village: str
    month: str
    end: dict[str, tuple[int, str]]  # register -> (count, digest)
    previous: dict[str, tuple[int, str]]


def _props(wb) -> dict[str, Any]:
    try:
        return {p.name: p.value for p in wb.custom_doc_props.props}
    except Exception:
        return {}


def read_village(path: Path) -> VillageHeads | None:
    """The heads a village ledger (or a township summary's villages, see
    merge) carries; None for a file without them."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return None
    try:
        raw = _props(wb).get(PROP)
    finally:
        wb.close()
    if not raw:
        return None
    try:
        data = json.loads(raw)
        conv = lambda m: {r: (int(c), ev.short_digest(h)) for r, (c, h) in m.items()}  # noqa: E731
        return VillageHeads(
            str(data.get("village", "")),
            str(data.get("month", "")),
            conv(data.get("end", {})),
            conv(data.get("previous", {})),
        )
    except (ValueError, TypeError, AttributeError):
        return None


def read_sheet(path: Path) -> tuple[str, list[tuple[str, int, str]]]:
    """(what it is, [(register, count, digest)]) from a ledger's 校验 sheet;
    ValueError (Chinese) when it has none."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise ValueError(f"无法读取 {path.name}：不是 Excel 工作簿（.xlsx）或已损坏。") from None
    try:
        if SHEET not in wb.sheetnames:
            raise ValueError(f"{path.name} 没有「{SHEET}」表：不是带校验码的村务通台账（升级前导出的台账没有）。")
        out = []
        header = False
        for row in wb[SHEET].iter_rows(values_only=True):
            cells: list[Any] = list(row) + [None] * 3
            if not header:
                header = cells[0] == HEADERS[0]
                continue
            if cells[0] in ev.registers() and cells[1] is not None and cells[2]:
                out.append((str(cells[0]), int(cells[1]), ev.parse_head(f"{cells[0]}:{int(cells[1])}:{cells[2]}")[2]))
        if not out:
            raise ValueError(f"{path.name} 的「{SHEET}」表中没有校验码。")
        month = ""
        props = _props(wb)
        try:
            month = json.loads(props.get(PROP) or "{}").get("month", "")
        except ValueError:
            pass
        return f"台账 {path.name}" + (f"（{month} 月末）" if month else ""), out
    finally:
        wb.close()


# -- the township's summary ---------------------------------------------------

VILLAGES_PROP = "cunwu_evidence_villages"
CONTINUES = "衔接"


def heads_line(end: dict[str, tuple[int, str]]) -> str:
    return "；".join(f"{r}{c}条 {d}" for r, (c, d) in end.items())


def villages_prop(heads: dict[str, VillageHeads]) -> str:
    return json.dumps(
        {v: {r: list(x) for r, x in h.end.items()} for v, h in heads.items()}, ensure_ascii=False, separators=(",", ":")
    )


def read_villages(path: Path) -> dict[str, dict[str, tuple[int, str]]]:
    """village -> {register: (count, digest)} from last month's summary;
    LedgerError (Chinese) when the file is not one."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise LedgerError(f"无法读取上月汇总 {path.name}：文件不存在、已损坏或不是 Excel 工作簿。") from None
    try:
        raw = _props(wb).get(VILLAGES_PROP)
    finally:
        wb.close()
    if not raw:
        raise LedgerError(f"{path.name} 不是带校验码的乡镇汇总表（请选择上月用 cunwu merge 生成的汇总文件）。")
    try:
        data = json.loads(raw)
        return {v: {r: (int(c), str(d)) for r, (c, d) in m.items()} for v, m in data.items()}
    except (ValueError, TypeError, AttributeError):
        raise LedgerError(f"{path.name} 中的校验码已损坏。") from None
