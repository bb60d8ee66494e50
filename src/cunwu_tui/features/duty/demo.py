"""The demo village's duty: last month's and this month's rotas published
(with one change on record), next month's as a draft with separate night
duty, a long-holiday rota
filed and notified, a duty log with calls, visits, patrols and one
emergency told to the 带班领导, meal substitutions, and a handover every
morning except yesterday's (so the 工作台 shows the reminder), with open
items carried over, some closed. All invented."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cunwu_tui.services.demo_base import DemoContext

CALLS = (
    ("来电", "一组村民询问城乡居民医保缴费截止时间", "告知12月31日前到村委会或用手机缴费"),
    ("来访", "三组村民反映路灯不亮", "已登记，通知电工明天查看"),
    ("巡查", "夜间巡查村委会院内及仓库", "门窗完好，无异常"),
    ("来电", "镇党政办通知明天上午开安全生产会", "已转告书记"),
    ("来信", "收到二组村民关于灌溉渠清淤的来信", "已登记，转主任办理"),
    ("来访", "外地人员询问租房登记", "告知到网格员处登记"),
    ("其他", "快递送来镇里的文件一份", "已签收，放文书桌上"),
)
ITEMS = ("三组路灯待电工查看", "王大爷低保补充材料明天来交", "灌溉渠清淤来信待主任答复", "仓库门锁松动待修")


def _month(d: date, step: int) -> tuple[int, int]:
    m = d.month - 1 + step
    return d.year + m // 12, m % 12 + 1


def fill_demo_duty(ctx: DemoContext) -> str:
    from cunwu_tui.services.demo_base import DEMO_PIN

    s = ctx.services.duty
    start, today = ctx.start, ctx.today

    def at(day: date, hh: int, mm: int = 0) -> datetime:
        moment = datetime.combine(day, time(hh, mm))
        ctx.at(moment)
        return moment

    # The rotas: drawn up a few days before each month, then published.
    months = [_month(start, 0), _month(start, 1), _month(start, 2)]
    for i, (y, m) in enumerate(months):
        at(date(y, m, 1) - timedelta(days=5), 10)
        leave = "陈明 %04d-%02d-10 至 %04d-%02d-12 请假" % (y, m, y, m) if i == 1 else ""
        s.generate(y, m, leave, night=i == 2)  # next month tries separate night duty
        if i < 2:
            at(date(y, m, 1) - timedelta(days=4), 9)
            s.publish(y, m)
    # A change after publishing, with its reason.
    change_day = start + timedelta(days=17)
    row = next(d for d in s.month(change_day.year, change_day.month).days if d.day == change_day)
    other = next(
        p
        for p in ctx.people.values()
        if "值班员" in p.roles
        and p.active
        and p.id != row.staff_id
        and p.id
        not in (
            s.month(change_day.year, change_day.month).days[16].staff_id,
            s.month(change_day.year, change_day.month).days[18].staff_id,
        )
    )
    at(change_day - timedelta(days=2), 16)
    s.set_day(change_day, other.id, row.leader_id, row.chief_id, f"{row.staff_name}到镇里参加培训，与{other.name}对调")

    # A long holiday near the demo months: its rota, filed and notified.
    holidays = [
        p
        for y in {start.year, today.year}
        for p in s.holiday_periods(y)
        if start - timedelta(days=40) <= p.start <= today + timedelta(days=60)
    ]
    filed = ""
    for p in holidays[-1:]:
        when = min(p.start - timedelta(days=10), today - timedelta(days=1))
        at(when, 10)
        r = s.create_holiday_rota(p)
        if p.start - timedelta(days=8) < today:
            at(when + timedelta(days=1), 8)
            s.sign_holiday_rota(r.id, ctx.people["王建国"].id, DEMO_PIN)
            at(when + timedelta(days=1), 9)
            s.file_holiday_rota(r.id, "柳河镇党政办")
            at(when + timedelta(days=1), 15)
            s.notify_holiday_rota(r.id, "电话通知到人，并发村两委微信群")
        filed = f"，{p.name}值班表已报备"

    # Every day from the start until today: a few log entries; the morning
    # handover of the day before (yesterday's is left out for the reminder).
    logs = subs = handovers = 0
    open_items: list[int] = []
    day = start
    n = 0
    while day < today:
        rota_day = next((d for d in s.days(day, day)), None)
        if rota_day is None or not rota_day.staff_id:
            day += timedelta(days=1)
            continue
        # Items handed over are dealt with the next morning, except the
        # last few days' (still open, shown on F6 and the 工作台).
        if open_items and day < today - timedelta(days=4):
            for item_id in open_items:
                at(day, 9, 50)
                s.close_item(item_id, "已办结")
            open_items = []
        if n % 2 == 0:
            kind, content, action = CALLS[n % len(CALLS)]
            at(day, 10 if kind != "巡查" else 21, 15)
            s.add_log(kind, content, action)
            logs += 1
        if n % 3 == 1:
            kind, content, action = CALLS[(n + 3) % len(CALLS)]
            at(day, 15, 40)
            s.add_log(kind, content, action)
            logs += 1
        if n % 5 == 2:  # a meal substitution
            cover = next(
                p for p in ctx.people.values() if p.active and p.id != rota_day.staff_id and "值班员" in p.roles
            )
            at(day, 11, 50)
            s.add_substitution(
                datetime.combine(day, time(12, 0)), datetime.combine(day, time(12, 40)), cover.id, "就餐"
            )
            subs += 1
        if n == 9:  # the emergency: told to the 带班领导 at once
            at(day, 23, 5)
            s.add_log(
                "突发事件",
                "三组后山坡落石，村道半幅受阻",
                "设置警示标志，通知三组组长",
                at=datetime.combine(day, time(22, 40)),
                leader_told=True,
                told_at=datetime.combine(day, time(22, 45)),
            )
            logs += 1
        nxt = day + timedelta(days=1)
        following = next((d for d in s.days(nxt, nxt)), None)
        if nxt < today and following is not None and following.staff_id and following.staff_id != rota_day.staff_id:
            items = ITEMS[(n // 3) % len(ITEMS)] if n % 3 == 0 else ""
            at(nxt, 8, 35)
            h = s.hand_over(
                day,
                rota_day.staff_id,
                following.staff_id,
                items,
                "夜间平稳" if n % 2 else "",
                confirmed=n % 7 != 3,
                incoming_pin=DEMO_PIN,
            )
            if n % 7 == 3:
                at(nxt, 9, 10)
                s.confirm(h.id, DEMO_PIN)
            handovers += 1
            open_items += [i.id for i in h.items]
        day = nxt
        n += 1
    return f"值班：{len(months)}个月的值班表（上月和本月已发布，1次调整在案{filed}），值班记录 {logs} 条，替班 {subs} 次，交接班 {handovers} 次"
