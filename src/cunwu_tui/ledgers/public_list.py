"""The list of a notice for the notice board (公示名单), A4 portrait through
the ledger writer. It is meant for public posting: ID numbers are masked (no
more than the first 6 and last 4 characters shown) and there is no phone
column at all."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from cunwu_tui.ledgers.engine import Column, cn_date
from cunwu_tui.ledgers.naming import safe_filename

if TYPE_CHECKING:
    from cunwu_tui.services.notices import NoticeInfo, PersonLine
    from cunwu_tui.services.settings import VillageProfile


def committee_names(village: str) -> tuple[str, str]:
    """(委员会, 监督委员会) of the village: 青山村 -> 青山村村民委员会, 村务监督委员会;
    石门社区 -> 石门社区居民委员会, 居务监督委员会. Without a name: 村(居)民委员会."""
    village = (village or "").strip()
    if village.endswith("社区") or village.endswith("居委会"):
        return (village if village.endswith("居委会") else f"{village}居民委员会"), "居务监督委员会"
    if village:
        return f"{village}村民委员会", "村务监督委员会"
    return "村(居)民委员会", "村(居)务监督委员会"


def public_list_filename(village: str, info: "NoticeInfo") -> str:
    return safe_filename(f"{village or '本村'}_公示_{info.title[:40]}_{info.start_at:%Y-%m-%d}") + ".xlsx"


def write_public_list(info: "NoticeInfo", people: Sequence["PersonLine"], profile: "VillageProfile | None",
                      path: Path) -> Path:
    from cunwu_tui.ledgers.writer import DocInfo, Sheet, write_workbook

    village = profile.village if profile else ""
    township = profile.township if profile else ""
    has_amount = any(p.amount is not None for p in people)
    columns = [Column("序号", 6, "integer"), Column("姓名", 12), Column("组别", 10),
               Column("身份证号", 22, "id_number")]
    if has_amount:
        columns.append(Column("金额（元）", 14, "money", total=True))
    columns.append(Column("备注", 26, wrap=True))
    rows = [
        (p.seq, p.name, p.group, p.id_number) + ((p.amount,) if has_amount else ()) + (p.note,)
        for p in people
    ]
    end = cn_date(info.end) + ("（预计）" if info.provisional else "")
    committee, supervisors = committee_names(village)
    phone = profile.phone if profile else ""
    closing = (f"公示期：{cn_date(info.start_at.date())}至{end}（{info.length_text}）。"
               f"如有异议，请在公示期内向{committee}或{supervisors}反映"
               + (f"，联系电话：{phone}。" if phone else "。")
               + f"\n{committee}　{cn_date(info.start_at.date())}")
    sheet = Sheet(
        name="公示名单",
        title=info.title,
        unit=f"{township}{village}",
        filled=f"公示日期：{cn_date(info.start_at.date())}",
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
    write_workbook(path, [sheet], doc=DocInfo(title=info.title, subject=info.number, category="公示"))
    return path
