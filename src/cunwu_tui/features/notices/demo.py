"""The demo village's public notices: one in every state, one objection.
All names and ID numbers are invented (valid check digits, fictitious
region code 140431 of the invented 清源县)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from cunwu_tui.services.demo_base import demo_id_number

if TYPE_CHECKING:
    from cunwu_tui.services.demo_base import DemoContext


def fill_demo_notices(ctx: DemoContext) -> str:
    s = ctx.services.notices
    start, today = ctx.start, ctx.today

    def at(day: date, hh: int, mm: int = 0) -> datetime:
        moment = datetime.combine(day, time(hh, mm))
        ctx.at(moment)
        return moment

    # Last month: the quarter's accounts, posted and closed without objection.
    n1 = s.add(
        "2026年第三季度村级财务收支公开",
        "财务",
        ["公开栏", "微信群"],
        at(start + timedelta(days=8), 9),
        7,
        "日",
        summary="三季度收入、支出明细及结余",
        matter_code="YG-CAIWU",
    )
    at(n1.end, 17)
    s.close(n1.id, "无异议")

    # Last month: 低保 applicants, an objection checked and found unfounded.
    people = "\n".join(
        [
            f"王桂英\t一组\t{demo_id_number('19520314', '202')}\t\t单人户",
            f"李德全\t三组\t{demo_id_number('19680925', '151')}\t\t",
            f"赵春花\t三组\t{demo_id_number('19750601', '362')}\t\t",
        ]
    )
    n2 = s.add(
        "2026年10月新增低保对象公示（第一次）",
        "低保",
        ["公开栏", "村民小组"],
        at(start + timedelta(days=11), 8, 30),
        7,
        "日",
        round="第一次",
        persons=people,
        matter_code="MS-DIBAO",
    )
    o = s.add_objection(n2.id, at(start + timedelta(days=13), 10, 20), "刘某", "李德全家有一辆货车，收入不低")
    at(start + timedelta(days=15), 16)
    s.handle_objection(
        o.id, "入户核实：货车已于2025年出售，有过户凭证；收入符合条件", "不成立", start + timedelta(days=15, hours=16)
    )
    at(n2.end, 17, 30)
    s.close(n2.id, "有异议已处理", "异议经核实不成立，已当面答复")

    # Last month: withdrawn, with its reason.
    n3 = s.add("村级后备干部人选公示", "后备干部", ["公开栏"], at(start + timedelta(days=20), 9), 7, "日")
    at(start + timedelta(days=21), 11)
    s.withdraw(n3.id, "人选资格待乡镇党委复核，暂缓公示")

    # This month: one over without a result yet, one running, one not yet started.
    s.add(
        "耕地地力保护补贴发放名单公示",
        "惠农补贴",
        ["公开栏", "微信群"],
        at(today - timedelta(days=12), 9),
        7,
        "日",
        matter_code="RC-GENGDI-BUTIE",
        persons=f"郑国强\t二组\t{demo_id_number('19700812', '035')}\t1260.00\n何秀兰\t一组\t{demo_id_number('19630407', '017')}\t980.50",
    )
    s.add(
        "2026年11月临时救助对象公示",
        "临时救助",
        ["公开栏"],
        at(today - timedelta(days=5), 8, 30),
        7,
        "日",
        persons=f"陈小梅\t四组\t{demo_id_number('19890117', '244')}\t1500.00\t支出型",
    )
    at(today, 10)
    s.add(
        "村民代表会议决议公示（村道硬化工程）",
        "决策",
        ["公开栏", "广播"],
        datetime.combine(today + timedelta(days=1), time(9)),
        5,
        "工作日",
        matter_code="YG-JUECE-GONGKAI",
    )
    return "公示 6 条（各种状态都有，其中 1 条收到异议）"
