"""The 一次性告知书 as an A4 portrait workbook, through the ledger writer:
the same title, unit row, borders, 宋体 and page set-up as every ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cunwu_tui.ledgers.engine import Column, cn_date
from cunwu_tui.ledgers.naming import safe_filename

TITLE = "一次性告知书"
COLUMNS = (Column("项目", 12, wrap=True), Column("内容", 70, wrap=True))


@dataclass(frozen=True)
class LetterView:
    """An 一次性告知书 as printed (built by features/lookup/service.py): who
    issues it, for what and whom, and its (项目, 内容) rows."""

    village: str
    township: str
    matter_name: str
    applicant: str
    clerk: str
    on: date
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PaperView:
    """A case's paper for the applicant as printed (built by
    features/cases/service.py): 收件回执 or 不予受理告知书, its (项目, 内容) rows and
    the signature line at the foot."""

    kind: str
    number: str
    applicant: str
    matter_name: str
    village: str
    township: str
    on: date
    rows: tuple[tuple[str, str], ...]
    closing: str
    unit_label: str = "出具单位"


def letter_filename(letter: LetterView) -> str:
    """〈村名〉_一次性告知书_〈事项〉_2026-11-23.xlsx, safe on Windows."""
    name = letter.matter_name[:40]
    who = f"_{letter.applicant}" if letter.applicant else ""
    return safe_filename(f"{letter.village or '本村'}_{TITLE}_{name}{who}_{letter.on.isoformat()}") + ".xlsx"


def write_inform_letter(letter: LetterView, path: Path) -> Path:
    """Write ``letter`` to ``path`` (atomically: a temp file, then rename)."""
    from cunwu_tui.ledgers.sheets import DocInfo, Sheet
    from cunwu_tui.ledgers.writer import write_workbook

    gap = "\u3000" * 6
    closing = f"申请人签收：{gap}　　告知人：{letter.clerk or gap}　　日期：{cn_date(letter.on)}"
    sheet = Sheet(
        name=TITLE,
        title=f"{letter.village}{TITLE}",
        unit=f"告知单位：{letter.township}{letter.village}",
        filled=f"告知日期：{cn_date(letter.on)}",
        columns=COLUMNS,
        rows=list(letter.rows),
        orientation="portrait",
        totals=False,
        count_label=None,
        closing=closing,
        label=TITLE,
        report_progress=False,
    )
    write_workbook(
        path,
        [sheet],
        doc=DocInfo(title=f"{letter.village}{TITLE}：{letter.matter_name}", subject=letter.matter_name, category=TITLE),
    )
    return path


def paper_filename(paper: PaperView) -> str:
    """〈村名〉_收件回执_〈编号〉_〈申请人〉_2026-11-23.xlsx, safe on Windows."""
    return (
        safe_filename(f"{paper.village or '本村'}_{paper.kind}_{paper.number}_{paper.applicant}_{paper.on.isoformat()}")
        + ".xlsx"
    )


def write_case_paper(paper: PaperView, path: Path) -> Path:
    """A case's paper for the applicant (收件回执, 不予受理告知书): A4
    portrait through the ledger writer, like the 一次性告知书, with its
    signature lines at the foot."""
    from cunwu_tui.ledgers.sheets import DocInfo, Sheet
    from cunwu_tui.ledgers.writer import write_workbook

    sheet = Sheet(
        name=paper.kind,
        title=f"{paper.village}{paper.kind}",
        unit=f"{paper.unit_label}：{paper.township}{paper.village}",
        filled=f"编号：{paper.number}",
        columns=COLUMNS,
        rows=list(paper.rows),
        orientation="portrait",
        totals=False,
        count_label=None,
        closing=paper.closing,
        label=paper.kind,
        report_progress=False,
    )
    write_workbook(
        path,
        [sheet],
        doc=DocInfo(
            title=f"{paper.village}{paper.kind}：{paper.number}", subject=paper.matter_name, category=paper.kind
        ),
    )
    return path
