"""The demo village's seal register: a month of uses last month and a few
this month, on working days, some major (with the meeting that decided
them), one voided and registered again. Every name is invented."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple, Sequence

if TYPE_CHECKING:
    from cunwu_tui.domain.workdays import WorkCalendar
    from cunwu_tui.services.demo_base import DemoContext
    from cunwu_tui.features.seals.service import SealUseInfo

PARTY, COMMITTEE, ECONOMY = "党支部印章", "村(居)委会印章", "村集体经济组织印章"
APPROVERS = {PARTY: "王建国", COMMITTEE: "李秀英", ECONOMY: "周海"}


class Use(NamedTuple):
    seal: str
    title: str
    purpose: str
    copies: int
    destination: str
    applicant: str  # a member of staff, or an outsider's name
    meeting: tuple[str, int, str] | None = None  # type, days before the use, 决议/记录编号


LAST_MONTH: tuple[Use, ...] = (
    Use(COMMITTEE, "王桂英家庭经济状况证明", "低保申请入户调查佐证", 1, "柳河镇民政办", "赵丽"),
    Use(PARTY, "党员组织关系介绍信（刘志远）", "流动党员转出组织关系", 1, "清源县城关镇东街社区党委", "张伟"),
    Use(COMMITTEE, "2026年第三季度村级财务收支公开表", "财务公开张贴", 2, "本村公开栏", "陈明"),
    Use(
        ECONOMY,
        "东坡果园集体土地承包合同",
        "集体土地对外发包，签订合同",
        3,
        "承包方、柳河镇农经站",
        "陈明",
        ("村民代表会议", 6, "青村代决〔2026〕6号"),
    ),
    Use(COMMITTEE, "居住证明（李德全）", "子女办理入学", 1, "清源县第二小学", "李德全"),
    Use(
        PARTY,
        "关于推荐村级后备干部人选的报告",
        "报送后备干部人选",
        2,
        "柳河镇党委组织办",
        "赵丽",
        ("支委会", 3, "支委会会议记录2026第9期"),
    ),
    Use(
        COMMITTEE,
        "村道硬化工程一事一议财政奖补申请",
        "申请项目奖补资金",
        3,
        "柳河镇人民政府",
        "张伟",
        ("两委联席会议", 4, "两委联席会议纪要〔2026〕4号"),
    ),
    Use(COMMITTEE, "残疾人两项补贴申请审核表（赵春花）", "残疾人补贴村级审核意见", 1, "柳河镇残联", "刘芳"),
    Use(ECONOMY, "集体门面房租金收据", "收取第四季度租金", 2, "承租人、村会计存档", "陈明"),
    Use(COMMITTEE, "介绍信（郑国强办理林权证）", "开具介绍信", 1, "清源县林业局", "郑国强"),
    Use(PARTY, "第三季度党费收缴情况报表", "按季报送党费收缴情况", 1, "柳河镇党委", "陈明"),
    Use(COMMITTEE, "高龄津贴申请审核表（何秀兰）", "高龄津贴村级审核意见", 1, "柳河镇民政办", "刘芳"),
    Use(
        ECONOMY,
        "2026年度集体收益分配方案",
        "报镇农经站备案",
        2,
        "柳河镇农经站",
        "陈明",
        ("集体经济组织会议", 5, "成员代表会议决议〔2026〕2号"),
    ),
    Use(COMMITTEE, "村民小组长推选结果报告", "报送推选结果", 1, "柳河镇人民政府", "赵丽"),
)

# The entry of LAST_MONTH voided (wrong addressee), and its correction.
VOIDED_INDEX = 9
VOID_REASON = "介绍信抬头单位写错，原件已收回作废"
CORRECTION = Use(COMMITTEE, "介绍信（郑国强办理林权登记）", "开具介绍信", 1, "清源县不动产登记中心", "郑国强")

THIS_MONTH: tuple[Use, ...] = (
    Use(COMMITTEE, "临时救助申请审核意见（陈小梅）", "临时救助村级审核意见", 1, "柳河镇民政办", "赵丽"),
    Use(
        PARTY,
        "预备党员转正材料报送函",
        "报送预备党员转正材料",
        1,
        "柳河镇党委",
        "张伟",
        ("党员大会", 2, "党员大会决议〔2026〕3号"),
    ),
    Use(ECONOMY, "耕地地力保护补贴发放名单", "名单盖章确认", 2, "柳河镇农业综合服务中心", "陈明"),
    Use(
        COMMITTEE,
        "村民代表会议决议（村道硬化工程）",
        "决议张贴公开",
        1,
        "本村公开栏",
        "赵丽",
        ("村民代表会议", 1, "青村代决〔2026〕8号"),
    ),
)
TODAY = Use(COMMITTEE, "居住证明（何秀兰）", "办理养老保险待遇认证", 1, "清源县社保中心", "何秀兰")


def _working_days(first: date, stop: date, cal: WorkCalendar) -> list[date]:
    days, d = [], first
    while d < stop:
        if cal.is_workday(d):
            days.append(d)
        d += timedelta(days=1)
    return days


def fill_seal_uses(ctx: DemoContext) -> str:
    s = ctx.services
    register = s.seal_register
    seals = {x.name: x for x in s.seals.list()}
    people = ctx.people
    month_start = ctx.today.replace(day=1)

    from cunwu_tui.services.demo_base import DEMO_PIN

    def add(use: Use, when: datetime, refers_to: int | None = None, pin: str = DEMO_PIN) -> SealUseInfo:
        if when.date() == ctx.now().date():  # the clock outside the demo: never a use later than now
            now = ctx.now().replace(second=0, microsecond=0)
            when = max(datetime.combine(when.date(), time.min), min(when, now - timedelta(minutes=6)))
        ctx.at(when + timedelta(minutes=5))  # registered right after stamping
        applicant = people.get(use.applicant)
        meeting = use.meeting
        return register.add(
            seals[use.seal].id,
            use.title,
            use.purpose,
            use.copies,
            use.destination,
            applicant_id=applicant.id if applicant else None,
            applicant_name="" if applicant else use.applicant,
            approver_id=people[APPROVERS[use.seal]].id,
            used_at=when,
            major=meeting is not None,
            meeting_type=meeting[0] if meeting else "",
            meeting_date=(when.date() - timedelta(days=meeting[1])) if meeting else None,
            meeting_ref=meeting[2] if meeting else "",
            refers_to_id=refers_to,
            approver_pin=pin,
        )

    def spread(uses: Sequence[Use], days: list[date], first_hour: int = 9) -> list[tuple[Use, datetime]]:
        """(use, moment) pairs over ``days``, in order, a couple a day."""
        out = []
        for n, use in enumerate(uses):
            day = days[min(len(days) - 1, n * len(days) // max(1, len(uses)))] if days else ctx.today
            out.append((use, datetime.combine(day, time(first_hour + (n % 3) * 2, 10 + (n * 7) % 40))))
        return out

    last = _working_days(ctx.start + timedelta(days=1), month_start, s.calendar)
    count = major = 0
    for n, (use, when) in enumerate(spread(LAST_MONTH, last)):
        info = add(use, when)
        count += 1
        major += info.major
        if n == VOIDED_INDEX:
            ctx.at(when + timedelta(minutes=40))
            register.void(info.id, VOID_REASON)
            add(CORRECTION, when + timedelta(minutes=45), refers_to=info.id)
            count += 1
    this = _working_days(month_start, ctx.today, s.calendar)
    for use, when in spread(THIS_MONTH, this):
        info = add(use, when)
        count += 1
        major += info.major
    # This morning's first entry (unless the office has not opened yet): its
    # approver is out, so it waits (待审批) for their PIN.
    morning = datetime.combine(ctx.today, time(8, 40))
    pending = ""
    if ctx.today != ctx.now().date() or ctx.now() >= morning.replace(hour=7, minute=30):
        add(TODAY, morning, pin="")
        count += 1
        pending = "，今天 1 条待审批"
    last_month = len(LAST_MONTH) + 1
    return (
        f"用印登记 {count} 条（上月 {last_month} 条、本月 {count - last_month} 条，"
        f"重大事项 {major} 条，作废 1 条并已重新登记{pending}）"
    )
