"""The demo village's cases (受理登记): one in every state — in progress
at a public notice, escalated and awaiting feedback, due today, due soon,
overdue, concluded, refused with its 否定报备 done, refused and waiting
for the leader, a petition (信访) accepted and extended. All names and ID
numbers are invented (valid check digits, fictitious region 140431)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from cunwu_tui.features.cases.service import CaseIntake
from cunwu_tui.services.demo_base import demo_id_number

if TYPE_CHECKING:
    from cunwu_tui.features.cases.service import CaseRow
    from cunwu_tui.services.demo_base import DemoContext

RESIDENTS = (
    # name, ID birth/sequence, phone, group, address
    ("王桂英", ("19520314", "202"), "13835100101", "一组", "青山村一组12号"),
    ("李德全", ("19680925", "151"), "13835100102", "三组", "青山村三组3号"),
    ("赵春花", ("19750601", "362"), "13835100103", "三组", "青山村三组18号"),
    ("郑国强", ("19700812", "035"), "13835100104", "二组", "青山村二组7号"),
    ("何秀兰", ("19630407", "017"), "", "一组", "青山村一组30号"),
    ("刘长顺", ("19590120", "071"), "13835100106", "四组", "青山村四组2号"),
    ("陈小军", ("19880716", "093"), "13835100107", "五组", "青山村五组15号"),
    ("马玉珍", ("19450909", "124"), "13835100108", "二组", "青山村二组21号"),
)


def fill_demo_cases(ctx: DemoContext) -> str:
    services = ctx.services
    cases = services.cases
    start, today = ctx.start, ctx.today
    clerk = ctx.people["赵丽"].id
    leader = ctx.people["李秀英"].id

    def at(day: date, hh: int, mm: int = 0) -> datetime:
        moment = datetime.combine(day, time(hh, mm))
        ctx.at(moment)
        return moment

    people = {}
    at(start, 8, 40)
    for name, (birth, seq), phone, group, address in RESIDENTS:
        people[name] = services.residents.add(name, "居民身份证", demo_id_number(birth, seq), phone, group, address).id

    def take(
        code: str,
        who: str,
        when: datetime,
        kind: str = "承诺件",
        limit: int | None = None,
        unit: str = "工作日",
        got: int | None = None,
        channel: str = "来访",
        petition: bool = False,
        note: str = "",
        seed: str | None = None,
    ) -> CaseRow:
        ctx.at(when)
        docs = cases.intake_defaults(code, seed).documents
        n = len(docs) if got is None else got
        return cases.add(
            CaseIntake(
                matter_code=code,
                resident_id=people[who],
                channel=channel,
                first_officer_id=clerk,
                kind=kind,
                received=[i < n for i in range(len(docs))],
                note=note,
                limit_value=limit,
                limit_unit=unit,
                petition=petition,
                seed=seed,
            )
        )

    def steps(case_id: int, day: date, *labels: int | str, note: str = "") -> None:
        """Walk the case on: an int completes that step, a str takes a branch."""
        hh = 9
        for item in labels:
            at(day, hh, 10)
            hh = min(hh + 1, 17)
            if isinstance(item, int):
                cases.complete_step(case_id, item, note)
            else:
                d = cases.detail(case_id)
                first = next(c.first_step for c in d.choices if c.label == item)
                cases.choose(case_id, item, first)

    counts: dict[str, int] = {}

    def count(what: str) -> None:
        counts[what] = counts.get(what, 0) + 1

    # 1. 低保 (村级流程): received last month, 入户调查 and 民主评议 done, the
    #    notice posted for its step and closed without objection, 上报乡镇.
    dibao = take(
        "MS-DIBAO",
        "王桂英",
        at(start + timedelta(days=2), 9, 15),
        limit=30,
        unit="日",
        got=3,
        seed="002_d87d51b7e53a5638.txt",
        note="单人户，患慢性病",
    )
    steps(dibao.id, start + timedelta(days=3), 1, 2, 3, 4)
    ctx.at(datetime.combine(start + timedelta(days=11), time(8, 45)))
    notice = cases.publish_notice(
        dibao.id, "低保申请人王桂英公示", "公开栏", datetime.combine(start + timedelta(days=11), time(8, 45)), 7, "日"
    )
    at(notice.end, 17, 20)
    services.notices.close(notice.id, "无异议")
    steps(dibao.id, notice.end + timedelta(days=1), 5, note="公示7日无异议")
    at(notice.end + timedelta(days=1), 15)
    cases.escalate(dibao.id, "上报", "柳河镇民政办", notice.end + timedelta(days=8), "材料一式两份")
    count("上报待反馈")

    # 2. 户口迁移: last month, passed and concluded.
    hukou = take("MS-HUKOU-QIANYI", "李德全", at(start + timedelta(days=5), 10, 5), limit=5)
    steps(hukou.id, start + timedelta(days=6), 1, 2, "通过", 4, 5)
    at(start + timedelta(days=8), 16)
    cases.conclude(hukou.id, "准予迁入，已出具准予迁入证明")
    count("办结")

    # 3. 宅基地: last month, refused within the clerk's authority, the written
    #    notice given, the materials returned against signature.
    zhai = take("MS-ZHAIJIDI", "何秀兰", at(start + timedelta(days=9), 9, 40), limit=20)
    at(start + timedelta(days=10), 11)
    cases.refuse(
        zhai.id, "不予受理", "申请人已有一处宅基地，不符合一户一宅规定", "《中华人民共和国土地管理法》第六十二条"
    )
    at(start + timedelta(days=12), 10)
    cases.refusal_told(zhai.id, start + timedelta(days=12), "不予受理告知书当面送达")
    cases.return_materials(zhai.id, "宅基地和建房（规划许可）书面申请", "何秀兰", start + timedelta(days=12))
    count("不予受理")

    # 4. 信访 by letter: accepted, extended with its reason.
    petition = take(
        "PA-XINFANG",
        "刘长顺",
        at(start + timedelta(days=14), 14, 30),
        channel="来信",
        petition=True,
        note="反映村道排水沟堵塞，雨天积水进院",
    )
    at(start + timedelta(days=16), 9)
    cases.accept_petition(petition.id, start + timedelta(days=16), start + timedelta(days=16))
    steps(petition.id, start + timedelta(days=17), 1, 2, 3, "职责范围内事项", 4)
    at(start + timedelta(days=25), 10)
    from cunwu_tui.services.demo_base import DEMO_PIN

    cases.extend_petition(petition.id, 30, "需镇水利站现场勘查并列入维修计划", leader, DEMO_PIN)
    count("信访在办")

    # 5. 住院报销: this month, 5 工作日 promised, now overdue.
    late_day = today - timedelta(days=14)
    late = take("MS-ZHUYUAN-BAOXIAO", "郑国强", at(late_day, 9, 0), limit=5, got=0)
    steps(late.id, late_day, 1)
    count("逾期")

    # 6. 两项补贴: due in two working days, documents partly missing.
    soon_day = today - timedelta(days=5)
    in_two = ctx.services.calendar.workdays_between(soon_day, today) + 2
    soon = take("MS-LIANGXIANG-BUTIE", "陈小军", at(soon_day, 10, 30), limit=in_two, got=6)
    steps(soon.id, soon_day, 1)
    count("在办")

    # 7. 死亡注销: due today (5 日 from five days ago, when today is a working day).
    due_day = today - timedelta(days=5)
    take("MS-SIWANG-ZHUXIAO", "马玉珍", at(due_day, 15, 0), limit=5, unit="日", note="家属代办")
    count("在办")

    # 8. 即办件 done on the spot today.
    quick = take("MS-XINSHENGER", "赵春花", at(today, 8, 50), kind="即办件")
    at(today, 9, 5)
    cases.conclude(quick.id, "当场办理新生儿参保登记")
    count("办结")

    # 9. 不予确认 beyond the clerk's authority: the leader's opinion is due.
    refused = take(
        "MS-DIBAO", "李德全", at(today - timedelta(days=2), 9, 30), limit=30, unit="日", seed="002_d87d51b7e53a5638.txt"
    )
    steps(refused.id, today - timedelta(days=2), 1, 2)
    at(today - timedelta(days=2), 16)
    cases.refuse(
        refused.id,
        "不予确认",
        "入户调查：家庭人均收入高于本县低保标准",
        "《最低生活保障审核确认办法》第十条",
        True,
        leader,
    )
    count("否定报备待领导意见")

    total = sum(counts.values())
    parts = "，".join(f"{k} {v} 件" for k, v in counts.items())
    return f"居民 {len(RESIDENTS)} 名，办件 {total} 件（{parts}）"
