"""The list of a notice for the notice board (公示名单), A4 portrait through
the ledger writer. It is meant for public posting: ID numbers are masked (no
more than the first 6 and last 4 characters shown) and there is no phone
column at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from cunwu_tui.ledgers.engine import Column, cn_date
from cunwu_tui.ledgers.naming import safe_filename


@dataclass(frozen=True)
class ListedPerson:
    """One line of the list (the ID number is masked when written)."""

    seq: int
    name: str
    group: str
    id_number: str
    amount: Decimal | None
    note: str


@dataclass(frozen=True)
class PublicListView:
    """A notice's list as posted (built by features/notices/service.py): the
    notice's title, number and period, the committee's name and phone."""

    title: str
    number: str
    start_at: datetime
    end: date
    provisional: bool
    length_text: str
    village: str
    township: str
    phone: str
    people: tuple[ListedPerson, ...]


def committee_names(village: str) -> tuple[str, str]:
    """(委员会, 监督委员会) of the village: 青山村 -> 青山村村民委员会, 村务监督委员会;
    石门社区 -> 石门社区居民委员会, 居务监督委员会. Without a name: 村(居)民委员会."""
    village = (village or "").strip()
    if village.endswith("社区") or village.endswith("居委会"):
        return (village if village.endswith("居委会") else f"{village}居民委员会"), "居务监督委员会"
    if village:
        return f"{village}村民委员会", "村务监督委员会"
    return "村(居)民委员会", "村(居)务监督委员会"


def public_list_filename(view: PublicListView) -> str:
    return safe_filename(f"{view.village or '本村'}_公示_{view.title[:40]}_{view.start_at:%Y-%m-%d}") + ".xlsx"


def write_public_list(view: PublicListView, path: Path) -> Path:
    from cunwu_tui.ledgers.sheets import DocInfo, Sheet
    from cunwu_tui.ledgers.writer import write_workbook

    people = view.people
    village, township, phone = view.village, view.township, view.phone
    has_amount = any(p.amount is not None for p in people)
    columns = [
        Column("序号", 6, "integer"),
        Column("姓名", 12),
        Column("组别", 10),
        Column("身份证号", 22, "id_number"),
    ]
    if has_amount:
        columns.append(Column("金额（元）", 14, "money", total=True))
    columns.append(Column("备注", 26, wrap=True))
    rows = [(p.seq, p.name, p.group, p.id_number) + ((p.amount,) if has_amount else ()) + (p.note,) for p in people]
    end = cn_date(view.end) + ("（预计）" if view.provisional else "")
    committee, supervisors = committee_names(village)
    closing = (
        f"公示期：{cn_date(view.start_at.date())}至{end}（{view.length_text}）。"
        f"如有异议，请在公示期内向{committee}或{supervisors}反映"
        + (f"，联系电话：{phone}。" if phone else "。")
        + f"\n{committee}　{cn_date(view.start_at.date())}"
    )
    sheet = Sheet(
        name="公示名单",
        title=view.title,
        unit=f"{township}{village}",
        filled=f"公示日期：{cn_date(view.start_at.date())}",
        columns=columns,
        rows=rows,
        orientation="portrait",
        totals=has_amount,
        count_label="共{n}人",
        closing=closing,
        label="公示名单",
        mask_ids=True,
        report_progress=False,
    )
    write_workbook(path, [sheet], doc=DocInfo(title=view.title, subject=view.number, category="公示"))
    return path
