"""``cunwu demo``: an invented village with a past, so a newcomer sees a
living app and last month's export has content. Refuses a database that
already holds staff: demo data never mixes with real records."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from cunwu_tui.services import Services
from cunwu_tui.services.core import Operator, ValidationError
from cunwu_tui.services.demo_base import DEMO_PIN, DemoContext
from cunwu_tui.services.settings import VillageProfile

VILLAGE = VillageProfile(village="青山村", township="柳河镇", county="清源县", phone="0351-6012345")

# name, phone, roles, active (all invented)
STAFF: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("王建国", "13903510001", ("书记", "带班领导"), True),
    ("李秀英", "13903510002", ("主任", "带班领导"), True),
    ("张伟", "13903510003", ("副主任", "值班领导", "值班员"), True),
    ("赵丽", "13903510004", ("文书", "值班员"), True),
    ("陈明", "13903510005", ("会计", "报账员", "值班员"), True),
    ("刘芳", "13903510006", ("委员", "网格员", "值班员"), True),
    ("孙强", "13903510007", ("监委会主任",), True),
    ("周海", "13903510008", ("集体经济组织负责人", "值班员"), True),
    ("吴桂兰", "13903510009", ("委员",), False),
)

KEEPERS = {"党支部印章": "刘芳", "村(居)委会印章": "赵丽", "村集体经济组织印章": "陈明"}


def _month_start(d: date, back: int = 0) -> date:
    y, m = d.year, d.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def fill_demo(services: Services, today: date | None = None) -> list[str]:
    outside = services.core.clock  # the clock to give back (tests fix the day)
    outside_now = outside or datetime.now  # read while the demo's own clock runs
    today = today or services.today()
    if services.staff.list():
        raise ValidationError(
            {
                "demo": "数据库中已有人员，示例数据只填入空数据库。请用 --db 指定一个新文件，例如：cunwu demo --db 示例.db"
            }
        )
    core = services.core
    start = _month_start(today, 1)
    moment = [datetime.combine(start, time(8, 30))]

    def tick(minutes: int = 7) -> datetime:
        moment[0] += timedelta(minutes=minutes)
        return moment[0]

    services.set_clock(lambda: moment[0])
    try:
        services.settings.save_profile(VILLAGE)
        people = {}
        for name, phone, roles, active in STAFF:
            tick()
            if core.operator is None:  # the first run: the first administrator
                services.identity.setup(name, phone, roles, DEMO_PIN, DEMO_PIN)
                info = services.staff.list()[0]
            else:  # the clerk is an administrator too
                info = services.staff.add(name, phone, roles, admin=name == "赵丽", pin=DEMO_PIN, admin_pin=DEMO_PIN)
            people[name] = info
        # The clerk (文书) works from here on.
        clerk = people["赵丽"]
        core.operator = Operator(clerk.id, clerk.name, clerk.phone)
        for seal in services.seals.list():
            keeper = people.get(KEEPERS.get(seal.name, ""))
            if keeper:
                tick(3)
                services.seals.update(
                    seal.id,
                    seal.name,
                    seal.short_name,
                    seal.approver_role,
                    keeper.id,
                    seal.major_body,
                    seal.note,
                    True,
                    admin_pin=DEMO_PIN,
                )
        # Mid last month: a member leaves and is made inactive (never deleted).
        moment[0] = datetime.combine(start + timedelta(days=14), time(10, 5))
        retired = people["吴桂兰"]
        services.staff.update(retired.id, retired.name, retired.phone, retired.roles, active=False, admin_pin=DEMO_PIN)
        # This month: a phone number changes.
        moment[0] = datetime.combine(max(_month_start(today), today - timedelta(days=1)), time(9, 12))
        zhou = people["周海"]
        services.staff.update(zhou.id, zhou.name, "13903510018", zhou.roles, active=True, admin_pin=DEMO_PIN)

        def at(when: datetime) -> None:
            moment[0] = when

        ctx = DemoContext(services, people, start, today, at, outside_now)
        # Each feature lays its history of last month and this month
        # (cunwu_tui/feature.py Feature.demo), in the order of the features,
        # each returning a line for the report.
        from cunwu_tui.feature import features, load

        parts = [load(f.demo)(ctx) for f in features() if f.demo]
    finally:
        services.set_clock(outside)
    services.set_operator(clerk.id, DEMO_PIN)
    return [
        f"已填入示例村庄：{VILLAGE.township}{VILLAGE.village}",
        f"人员 {len(STAFF)} 名（其中 1 名已离岗），印章 {len(services.seals.list())} 枚，操作员：{clerk.name}",
        f"示例人员的个人密码都是 {DEMO_PIN}（管理员：{STAFF[0][0]}、{clerk.name}）。真实使用时请用新的数据库。",
        *parts,
        "现在运行 cunwu 打开界面。",
    ]
