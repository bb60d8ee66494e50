"""值班 (duty): the month's rota, who is on duty now, the duty log,
substitutions, handovers with their open items, and long-holiday rotas.

- The rota of a month is generated fairly (``features.duty.rota``) from the active
  staff with the 值班员 role (带班领导 and, on holidays, 值班领导 likewise),
  edited by hand while it is a 草稿, then published. After publishing every
  change is also written to the append-only ``duty_change`` register.
- The log, substitutions, handovers, open items, their closing and the
  confirmations are append-only (triggers refuse UPDATE/DELETE). A log
  entry or substitution written in error is voided by a ``duty_void`` row.
- Every write runs in one transaction with its audit record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from sqlmodel import Session, col, select

from cunwu_tui.db.models import (
    DutyCaseLink,
    DutyChange,
    DutyConfirm,
    DutyDay,
    DutyHandover,
    DutyItem,
    DutyItemClose,
    DutyLog,
    DutyMonth,
    DutySubstitution,
    DutyVoid,
    HolidayRota,
    Staff,
)
from cunwu_tui.features.duty import rules
from cunwu_tui.domain import inputs
from cunwu_tui.features.duty import rota as fair
from cunwu_tui.domain.actions import Prompt
from cunwu_tui.features.duty.actions import (
    HolidayAction,
    HolidayFacts,
    LogAction,
    LogFacts,
    RotaAction,
    RotaFacts,
    holiday_actions,
    holiday_refusal,
    holiday_why_not,
    log_actions,
    log_refusal,
    log_why_not,
    rota_actions,
    rota_refusal,
    rota_why_not,
)
from cunwu_tui.domain.roles import split_roles
from cunwu_tui.features.duty.ledgers import DutyLogLine
from cunwu_tui.services.core import Core, ValidationError

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.domain.workdays import WorkCalendar
    from cunwu_tui.services.identity import ApprovalInfo

_Plan = dict[date, int | None]  # who has a post on each day

DRAFT, PUBLISHED = "草稿", "已发布"
DUTY_ROLE, LEADER_ROLE, CHIEF_ROLE = "值班员", "带班领导", "值班领导"
ROLE_WORDS = {"staff": "值班人员", "night": "夜间值班", "leader": "带班领导", "chief": "值班领导"}
_KEEP = object()  # set_day: leave the night person as it is
HOLIDAY_MIN_DAYS = 3  # 中长假: a break of three days or more
_ONE_DAY = timedelta(days=1)


# -- what callers get --------------------------------------------------------
@dataclass(frozen=True)
class DutyDayInfo:
    day: date
    kind: str
    holiday: str
    staff_id: int | None
    staff_name: str
    staff_phone: str
    leader_id: int | None
    leader_name: str
    leader_phone: str
    chief_id: int | None
    chief_name: str
    chief_phone: str
    night_id: int | None = None
    night_name: str = ""
    night_phone: str = ""

    @property
    def kind_text(self) -> str:
        return self.holiday or self.kind


@dataclass(frozen=True)
class ChangeInfo:
    id: int
    day: date
    role: str
    old_name: str
    new_name: str
    reason: str
    operator_name: str
    recorded_at: datetime

    @property
    def text(self) -> str:
        return (
            f"{self.recorded_at:%m-%d %H:%M} {self.operator_name}：{self.day:%m-%d}{self.role}"
            f"{self.old_name or '（空）'}改为{self.new_name or '（空）'}，{self.reason}"
        )


@dataclass(frozen=True)
class MonthRota:
    year: int
    month: int
    exists: bool
    status: str
    leave_lines: str
    published_at: datetime | None
    published_by: str
    days: tuple[DutyDayInfo, ...]
    changes: tuple[ChangeInfo, ...]
    night: bool = False

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def facts(self) -> RotaFacts:
        """What ``features.duty.actions`` decides the month's actions on."""
        published = self.status == PUBLISHED
        return RotaFacts(self.label, self.exists, (self.published_at or datetime.min) if published else None)

    @property
    def actions(self) -> tuple[RotaAction, ...]:
        """generate / publish / replan, as the month allows now."""
        return rota_actions(self.facts)

    def why_not(self, action: RotaAction) -> Prompt:
        return rota_why_not(self.facts, action)

    def counts(self) -> list[tuple[str, int, int, int, int, int]]:
        """(name, total, 工作日, 休息日, 节假日, 夜间) per person on duty."""
        table: dict[str, list[int]] = {}
        for d in self.days:
            if d.staff_name:
                row = table.setdefault(d.staff_name, [0, 0, 0, 0, 0])
                row[0] += 1
                row[1 + fair.KINDS.index(d.kind)] += 1
            if d.night_name:
                table.setdefault(d.night_name, [0, 0, 0, 0, 0])[4] += 1
        return [(name, *row) for name, row in table.items()]  # type: ignore[misc]


@dataclass(frozen=True)
class SubInfo:
    id: int
    start_at: datetime
    end_at: datetime
    away_name: str
    by_id: int
    by_name: str
    reason: str
    note: str
    operator_name: str
    recorded_at: datetime
    voided: bool = False
    void_reason: str = ""

    @property
    def text(self) -> str:
        end = f"{self.end_at:%H:%M}" if self.end_at.date() == self.start_at.date() else f"{self.end_at:%m-%d %H:%M}"
        return f"{self.start_at:%m-%d %H:%M}至{end} {self.by_name}替{self.away_name or '值班人员'}（{self.reason}）"


@dataclass(frozen=True)
class NowInfo:
    at: datetime
    day: date
    person_id: int | None
    person_name: str
    person_phone: str
    scheduled_name: str
    substitution: SubInfo | None
    leader_name: str
    leader_phone: str
    chief_name: str
    chief_phone: str
    night_shift: bool = False


def on_duty_text(n: NowInfo) -> str:
    """``2026-11-22 12:10（11-22的班）值班：陈明 139...（替赵丽，就餐，
    12:00至12:40）；带班领导：王建国 139...``"""

    def who(name: str, phone: str) -> str:
        return f"{name} {phone}".strip() if name else "（未排班）"

    text = (
        f"{n.at:%Y-%m-%d %H:%M}（{n.day:%m-%d}的班{'，夜间' if n.night_shift else ''}）"
        f"值班：{who(n.person_name, n.person_phone)}"
    )
    if n.substitution is not None:
        sub = n.substitution
        text += f"（替{n.scheduled_name or '值班人员'}，{sub.reason}，{sub.start_at:%m-%d %H:%M}至{sub.end_at:%m-%d %H:%M}）"
    text += f"；带班领导：{who(n.leader_name, n.leader_phone)}"
    if n.chief_name:
        text += f"；值班领导：{who(n.chief_name, n.chief_phone)}"
    return text


@dataclass(frozen=True)
class LogInfo:
    id: int
    shift_day: date
    at: datetime
    kind: str
    content: str
    action: str
    staff_name: str
    leader_told: bool
    told_at: datetime | None
    leader_name: str
    refers_to_id: int | None
    operator_name: str
    recorded_at: datetime
    voided: bool = False
    void_reason: str = ""
    case_id: int | None = None
    case_number: str = ""

    @property
    def leader_text(self) -> str:
        return rules.leader_note(self.leader_told, self.told_at, self.leader_name)

    @property
    def facts(self) -> LogFacts:
        """What ``features.duty.actions`` decides the entry's actions on."""
        return LogFacts(self.kind, self.voided, self.case_number if self.case_id is not None else "")

    @property
    def actions(self) -> tuple[LogAction, ...]:
        return log_actions(self.facts)

    def why_not(self, action: LogAction) -> Prompt:
        return log_why_not(self.facts, action)

    @property
    def can_take_in(self) -> bool:
        """A 来访 or 来信 not voided nor taken in yet: it can become a case."""
        return LogAction.TAKE_IN in self.actions

    @property
    def intake_channel(self) -> str:
        return rules.INTAKE_CHANNELS.get(self.kind, "")

    @property
    def origin_text(self) -> str:
        """What the case says of where it came from."""
        return f"来自值班记录第{self.id}条：{self.at:%Y-%m-%d %H:%M} {self.kind}（值班 {self.staff_name}）{self.content[:120]}"


@dataclass(frozen=True)
class LogTarget:
    at: datetime
    day: date
    staff_name: str
    leader_name: str
    elsewhere: bool
    other_shift: bool

    @property
    def text(self) -> str:
        return (
            f"{self.at:%m-%d %H:%M}属于{self.day:%m-%d}的班：值班人员 {self.staff_name or '（未排班）'}，"
            f"带班领导 {self.leader_name or '（未排班）'}。"
        )


@dataclass(frozen=True)
class ItemInfo:
    id: int
    handover_id: int
    from_day: date
    text: str
    recorded_at: datetime
    closed_at: datetime | None = None
    close_note: str = ""
    closed_by: str = ""

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class HandoverInfo:
    id: int
    shift_day: date
    handed_at: datetime
    outgoing_name: str
    incoming_id: int | None
    incoming_name: str
    note: str
    items: tuple[ItemInfo, ...]
    confirmed_at: datetime | None
    confirmed_by: str
    operator_name: str

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


@dataclass(frozen=True)
class HandoverChoice:
    """A shift that can be handed over: ``ended`` without a handover (补记),
    or the one ending now."""

    day: date
    staff_name: str
    ended: bool


@dataclass(frozen=True)
class HandoverPlan:
    day: date
    outgoing_id: int | None
    incoming_id: int | None
    at: datetime
    ended: bool
    note: str = ""


@dataclass(frozen=True)
class HolidayPeriod:
    name: str
    start: date
    end: date

    @property
    def text(self) -> str:
        return f"{self.name} {self.start:%Y-%m-%d}至{self.end:%m-%d}（{(self.end - self.start).days + 1}天）"


@dataclass(frozen=True)
class HolidayRotaInfo:
    id: int
    name: str
    start: date
    end: date
    filed_at: datetime | None
    filed_to: str
    filed_by: str
    notified_at: datetime | None
    notified_note: str
    notified_by: str
    days: tuple[DutyDayInfo, ...]
    signed_at: datetime | None = None  # 领导审签: the leader typed their own PIN
    signed_by: str = ""

    @property
    def status_text(self) -> str:
        signed = f"{self.signed_by}{self.signed_at:%m-%d}审签" if self.signed_at else "未审签"
        filed = f"{self.filed_at:%m-%d}已报{self.filed_to}备案" if self.filed_at else "未报备"
        told = f"{self.notified_at:%m-%d}已通知" if self.notified_at else "未通知"
        return f"{signed}，{filed}，{told}"

    @property
    def facts(self) -> HolidayFacts:
        """What features.duty.actions decides this rota's actions on."""
        return HolidayFacts(self.name, self.signed_at, self.signed_by, self.filed_at, self.filed_to, self.notified_at)

    @property
    def actions(self) -> tuple[HolidayAction, ...]:
        """The actions it allows now, in the order they are offered."""
        return holiday_actions(self.facts)

    def why_not(self, action: HolidayAction) -> Prompt:
        """Why ``action`` is refused now (empty when allowed)."""
        return holiday_why_not(self.facts, action)

    @property
    def short_status(self) -> str:
        """The list's column: 已审签、已备案、未通知."""
        return "、".join(
            (
                "已审签" if self.signed_at else "未审签",
                "已备案" if self.filed_at else "未报备",
                "已通知" if self.notified_at else "未通知",
            )
        )


# -- helpers -------------------------------------------------------------------
def month_days(year: int, month: int) -> list[date]:
    d, out = date(year, month, 1), []
    while d.month == month:
        out.append(d)
        d += _ONE_DAY
    return out


def handover_day(now: datetime) -> date:
    """The duty day a handover at ``now`` is for: the morning's handover
    closes yesterday's day; one in the afternoon or evening, today's."""
    return now.date() - _ONE_DAY if now.time() < time(12, 0) else now.date()


def _clean(text: str, limit: int, field: str, label: str, multiline: bool = False) -> str:
    """The shared input rules (domain/inputs): too long is refused at the
    field, never cut."""
    try:
        return inputs.text(text, label, limit, multiline=multiline)
    except inputs.InputError as exc:
        raise ValidationError({field: str(exc)}) from None


def _id(row: Staff) -> int:
    """The id of a person read from the database (never None there)."""
    assert row.id is not None
    return row.id


def _also_off(off: dict[int, set[date]], *plans: Mapping[date, int | None]) -> dict[int, set[date]]:
    """``off`` plus the days each person already has a post in ``plans``."""
    out = {p: set(days) for p, days in off.items()}
    for plan in plans:
        for d, p in plan.items():
            if p is not None:
                out.setdefault(p, set()).add(d)
    return out


class DutyService:
    def __init__(self, core: Core, identity: Any = None, staff: Any = None):
        self.core = core
        self.identity = identity  # services/identity.IdentityService: the leader's sign-off
        self.staff = staff  # services/staff.StaffService: who is a leader
        self.cases: Any = None  # set by the facade: services/cases.CaseService (take_in)

    # -- staff ------------------------------------------------------------------
    def _people(self, s: Session, role: str) -> list[Staff]:
        rows = s.exec(select(Staff).where(Staff.active == True).order_by(Staff.id)).all()  # noqa: E712
        return [r for r in rows if role in split_roles(r.roles)]

    @staticmethod
    def _phones(s: Session) -> dict[int | None, str]:
        return {r.id: r.phone for r in s.exec(select(Staff))}

    def _person(
        self, s: Session, staff_id: int | None, field: str, role: str | None = None, required: bool = True
    ) -> Staff | None:
        if staff_id is None:
            if required:
                raise ValidationError({field: "请选择人员。"})
            return None
        row = s.get(Staff, staff_id)
        if row is None or not row.active:
            raise ValidationError({field: "请选择在岗人员。"})
        if role and role not in split_roles(row.roles):
            raise ValidationError({field: f"{row.name} 没有「{role}」职务：请在设置的人员页中加上，或另选他人。"})
        return row

    def candidates(self, role: str) -> list[tuple[int, str]]:
        """(id, name) of the active staff with ``role``."""
        with self.core.read() as s:
            return [(r.id, r.name) for r in self._people(s, role)]  # type: ignore[misc]

    # -- rota ---------------------------------------------------------------------
    def _day_info(self, r: DutyDay, phones: dict[int | None, str], cal: WorkCalendar) -> DutyDayInfo:
        info = cal.day_info(r.day)
        holiday = info.holiday if r.kind == fair.HOLIDAY and info.holiday else ""
        return DutyDayInfo(
            r.day,
            r.kind,
            holiday,
            r.staff_id,
            r.staff_name,
            phones.get(r.staff_id, ""),
            r.leader_id,
            r.leader_name,
            phones.get(r.leader_id, ""),
            r.chief_id,
            r.chief_name,
            phones.get(r.chief_id, ""),
            r.night_id,
            r.night_name,
            phones.get(r.night_id, "") if r.night_id else "",
        )

    def days(self, start: date, end: date) -> list[DutyDayInfo]:
        """Rota days with start <= day <= end."""
        cal = self.core.calendar
        with self.core.read() as s:
            phones = self._phones(s)
            rows = s.exec(select(DutyDay).where(DutyDay.day >= start, DutyDay.day <= end).order_by(DutyDay.day)).all()
            return [self._day_info(r, phones, cal) for r in rows]

    def month(self, year: int, month: int) -> MonthRota:
        days = month_days(year, month)
        with self.core.read() as s:
            m = s.exec(select(DutyMonth).where(DutyMonth.year == year, DutyMonth.month == month)).first()
            changes = s.exec(
                select(DutyChange).where(DutyChange.day >= days[0], DutyChange.day <= days[-1]).order_by(DutyChange.id)
            ).all()
            change_infos = tuple(
                ChangeInfo(c.id, c.day, c.role, c.old_name, c.new_name, c.reason, c.operator_name, c.recorded_at)
                for c in changes
            )
        rows = tuple(self.days(days[0], days[-1])) if m else ()
        return MonthRota(
            year,
            month,
            m is not None,
            m.status if m else "",
            m.leave_lines if m else "",
            m.published_at if m else None,
            m.published_by if m else "",
            rows,
            change_infos,
            bool(m.night) if m else False,
        )

    def _plan(
        self, s: Session, days: list[date], kinds: dict[date, str], leave_text: str, night: bool
    ) -> tuple[_Plan, _Plan, _Plan, _Plan, dict[int | None, str]]:
        """A fair plan for ``days`` (consecutive, in order): (on duty, nights,
        带班领导, 值班领导 on holidays, names by id)."""
        staff, leaders, chiefs = (self._people(s, r) for r in (DUTY_ROLE, LEADER_ROLE, CHIEF_ROLE))
        if not staff:
            raise ValidationError({"month": "没有在岗的值班员：请在设置的人员页中给值班人员加上「值班员」职务。"})
        everyone = {r.name: _id(r) for r in (*staff, *leaders, *chiefs)}
        try:
            leaves = fair.parse_leave_lines(leave_text, everyone)
        except ValueError as exc:
            raise ValidationError({"leave": str(exc)}) from None
        off: dict[int, set[date]] = {}
        for lv in leaves:
            off.setdefault(everyone[lv.name], set()).update(lv.days())
        prev = s.exec(select(DutyDay).where(DutyDay.day == days[0] - _ONE_DAY)).first()
        names = {r.id: r.name for r in (*staff, *leaders, *chiefs)}
        # Nobody holds two posts on one day: the 值班领导 of the holidays
        # first, then who is on duty, then the 带班领导.
        holidays = [d for d in days if kinds[d] == fair.HOLIDAY]
        chief = fair.generate(holidays, [_id(r) for r in chiefs], kinds, off) if chiefs else {}
        on = fair.generate(days, [_id(r) for r in staff], kinds, _also_off(off, chief), prev.staff_id if prev else None)
        # A night is not given to that day's day person, nor to the
        # next day's (they would work the night and then the day).
        next_day = {d - _ONE_DAY: p for d, p in on.items()}
        nights = (
            fair.generate(
                days,
                [_id(r) for r in staff],
                kinds,
                _also_off(off, chief, on, next_day),
                prev.night_id if prev else None,
            )
            if night
            else {}
        )
        lead = fair.generate(
            days, [_id(r) for r in leaders], kinds, _also_off(off, chief, on, nights), prev.leader_id if prev else None
        )
        return on, nights, lead, chief, names

    def generate(self, year: int, month: int, leave_text: str = "", night: bool = False) -> MonthRota:
        """A fair draft rota for the month (replacing an earlier draft).
        ``night``: the village keeps separate night duty; the nights are
        shared out fairly on their own, never to that day's day person."""
        days = month_days(year, month)
        kinds = fair.classify(days, self.core.calendar)
        op = self.core.operator
        with self.core.write() as s:
            m = s.exec(select(DutyMonth).where(DutyMonth.year == year, DutyMonth.month == month)).first()
            why = rota_refusal(self._rota_facts(m, year, month), RotaAction.GENERATE)
            if why:
                raise ValidationError({"month": why})
            on, nights, lead, chief, names = self._plan(s, days, kinds, leave_text, night)
            existing = {
                r.day: r for r in s.exec(select(DutyDay).where(DutyDay.day >= days[0], DutyDay.day <= days[-1]))
            }
            for d in days:
                row = existing.get(d) or DutyDay(day=d, kind=kinds[d])
                row.kind = kinds[d]
                row.staff_id, row.leader_id, row.chief_id = on.get(d), lead.get(d), chief.get(d)
                row.night_id = nights.get(d)
                row.night_name = names.get(row.night_id, "") if row.night_id else ""
                row.staff_name = names.get(row.staff_id, "") if row.staff_id else ""
                row.leader_name = names.get(row.leader_id, "") if row.leader_id else ""
                row.chief_name = names.get(row.chief_id, "") if row.chief_id else ""
                s.add(row)
            if m is None:
                m = DutyMonth(year=year, month=month)
            m.status, m.leave_lines, m.generated_at = DRAFT, leave_text.strip(), self.core.now()
            m.night = bool(night)
            s.add(m)
            s.flush()
            empty = [d for d in days if on.get(d) is None]
            self.core.audit(
                s,
                "duty_month",
                f"{year}-{month:02d}",
                "生成",
                None,
                {
                    "month": f"{year}年{month}月",
                    "people": [names[i] for i in dict.fromkeys(v for v in on.values() if v)],
                    "leave": leave_text.strip(),
                    "empty": [f"{d:%m-%d}" for d in empty],
                    "night": bool(night),
                    "operator": op.name if op else "",
                },
            )
        return self.month(year, month)

    @staticmethod
    def _rota_facts(m: DutyMonth | None, year: int, month: int) -> RotaFacts:
        """The month's rota facts from its row, read inside a write."""
        published = m is not None and m.status == PUBLISHED
        at = (m.published_at or datetime.min) if m is not None and published else None
        return RotaFacts(f"{year}年{month}月", m is not None, at)

    def publish_warning(self, year: int, month: int) -> str:
        """What publishing the month now means, when its year's holiday
        schedule is not entered yet ("" when it is)."""
        if self.core.calendar.covered(year):
            return ""
        return (
            f"{year}年的节假日安排还没有录入：元旦、春节等法定节假日和调休上班日暂按普通工作日、周末排班，"
            f"节假日不排值班领导，节假日与工作日的天数不能分别均衡。"
            f"建议先在设置的节假日页中录入{year}年安排，再重新生成草稿后发布；"
            f"发布后也可以从某一天起重新安排（写明原因，每一处改动记录在案）。"
        )

    def replan(
        self, year: int, month: int, from_day: date | str, reason: str, leave_text: str | None = None
    ) -> MonthRota:
        """Re-plan a published month from ``from_day`` to its end, fairly, with
        the calendar as it is now (e.g. after the holidays were entered). The
        days before stay; every change of every day (类别 and people) goes
        into the change register with ``reason``."""
        reason = _clean(reason, inputs.TITLE, "reason", "重新安排的原因")
        errors: dict[str, str] = {}
        if isinstance(from_day, str):
            from cunwu_tui.features.seals.numbers import parse_moment

            try:
                parsed = parse_moment(from_day.strip() + " 00:00", "开始日期").date() if from_day.strip() else None
            except ValueError:
                parsed = None
            if parsed is None:
                errors["from_day"] = "请填写开始日期，如 2027-01-01。"
            else:
                from_day = parsed
        today = self.core.now().date()
        if isinstance(from_day, date):
            if (from_day.year, from_day.month) != (year, month):
                errors["from_day"] = f"开始日期应在{year}年{month}月之内。"
            elif from_day <= today:
                errors["from_day"] = f"已经开始的班不能重新安排：请从明天（{today + _ONE_DAY:%m-%d}）或以后的日子开始。"
        if not reason:
            errors["reason"] = "请写明重新安排的原因（记录在案），如：已录入节假日安排。"
        rota = self.month(year, month)
        why = rota_refusal(rota.facts, RotaAction.REPLAN)
        if why:
            errors["form"] = why
        if errors:
            raise ValidationError(errors)
        assert isinstance(from_day, date)
        days = [d for d in month_days(year, month) if d >= from_day]
        kinds = fair.classify(days, self.core.calendar)
        leave_text = rota.leave_lines if leave_text is None else leave_text
        op = self.core.operator
        now = self.core.now()
        changed_days = 0
        with self.core.write() as s:
            on, nights, lead, chief, names = self._plan(s, days, kinds, leave_text, rota.night)
            existing = {
                r.day: r for r in s.exec(select(DutyDay).where(DutyDay.day >= days[0], DutyDay.day <= days[-1]))
            }
            changes = []
            for d in days:
                row = existing.get(d) or DutyDay(day=d, kind=kinds[d])
                new = {
                    "staff": on.get(d),
                    "leader": lead.get(d),
                    "chief": chief.get(d),
                    "night": nights.get(d) if rota.night else None,
                }
                day_changes = []
                if d in existing and row.kind != kinds[d]:
                    day_changes.append(("类别", row.kind, kinds[d]))
                for k, pid in new.items():
                    if getattr(row, f"{k}_id") != pid:
                        day_changes.append(
                            (ROLE_WORDS[k], getattr(row, f"{k}_name"), names.get(pid, "") if pid else "")
                        )
                        setattr(row, f"{k}_id", pid)
                        setattr(row, f"{k}_name", names.get(pid, "") if pid else "")
                row.kind = kinds[d]
                s.add(row)
                for role, old, name in day_changes:
                    s.add(
                        DutyChange(
                            day=d,
                            role=role,
                            old_name=old,
                            new_name=name,
                            reason=reason,
                            operator_id=op.id if op else None,
                            operator_name=op.name if op else "",
                            recorded_at=now,
                        )
                    )
                    changes.append(f"{d:%m-%d}{role}：{old or '（空）'}改为{name or '（空）'}")
                changed_days += bool(day_changes)
            empty = [f"{d:%m-%d}" for d in days if on.get(d) is None]
            if empty:
                raise ValidationError(
                    {"from_day": f"重新安排后有没人值班的日子：{'、'.join(empty)}。请检查请假名单和值班员。"}
                )
            m = s.exec(select(DutyMonth).where(DutyMonth.year == year, DutyMonth.month == month)).one()
            m.leave_lines = (leave_text or "").strip()
            s.add(m)
            self.core.audit(
                s,
                "duty_month",
                f"{year}-{month:02d}",
                "重新安排",
                None,
                {
                    "month": rota.label,
                    "from": from_day.isoformat(),
                    "reason": reason,
                    "changes": changes,
                    "days": changed_days,
                },
            )
        return self.month(year, month)

    def publish(self, year: int, month: int) -> MonthRota:
        rota = self.month(year, month)
        why = rota_refusal(rota.facts, RotaAction.PUBLISH)
        if why:
            raise ValidationError({"month": why})
        empty = [f"{d.day:%m-%d}" for d in rota.days if not d.staff_name or (rota.night and not d.night_name)]
        if empty:
            raise ValidationError({"month": f"还有没人值班的日子：{'、'.join(empty)}。请先调整后再发布。"})
        op = self.core.operator
        with self.core.write() as s:
            m = s.exec(select(DutyMonth).where(DutyMonth.year == year, DutyMonth.month == month)).one()
            why = rota_refusal(self._rota_facts(m, year, month), RotaAction.PUBLISH)  # published meanwhile
            if why:
                raise ValidationError({"month": why})
            m.status, m.published_at, m.published_by = PUBLISHED, self.core.now(), op.name if op else ""
            s.add(m)
            self.core.audit(
                s,
                "duty_month",
                f"{year}-{month:02d}",
                "发布",
                {"status": DRAFT},
                {"month": rota.label, "status": PUBLISHED},
            )
        return self.month(year, month)

    def set_day(
        self,
        day: date,
        staff_id: int | None,
        leader_id: int | None,
        chief_id: int | None = None,
        reason: str = "",
        night_id: Any = _KEEP,
    ) -> DutyDayInfo:
        """Change one day by hand. A published month needs a reason, and the
        change is recorded in the rota's change register."""
        reason = _clean(reason, inputs.TITLE, "reason", "调整原因")
        op = self.core.operator
        with self.core.write() as s:
            m = s.exec(select(DutyMonth).where(DutyMonth.year == day.year, DutyMonth.month == day.month)).first()
            row = s.exec(select(DutyDay).where(DutyDay.day == day)).first()
            if m is None or row is None:
                raise ValidationError({"staff": f"{day.year}年{day.month}月还没有值班表：请先生成。"})
            person = self._person(s, staff_id, "staff", DUTY_ROLE)
            leader = self._person(s, leader_id, "leader", LEADER_ROLE, required=False)
            chief = self._person(s, chief_id, "chief", CHIEF_ROLE, required=False)
            new = {"staff": person, "leader": leader, "chief": chief}
            if night_id is not _KEEP:
                new["night"] = self._person(s, night_id, "night", DUTY_ROLE, required=False)
                if new["night"] is not None and new["night"].id == person.id:  # type: ignore[union-attr]
                    raise ValidationError({"night": "夜间值班和白天值班不能是同一人。"})
            changed = [
                (k, getattr(row, f"{k}_name"), p.name if p else "")
                for k, p in new.items()
                if getattr(row, f"{k}_id") != (p.id if p else None)
            ]
            if not changed:
                raise ValidationError({"staff": "没有改动。"})
            if m.status == PUBLISHED and not reason:
                raise ValidationError({"reason": "值班表已发布，调整必须写明原因（记录在案）。"})
            before = {f"{ROLE_WORDS[k]}": old for k, old, _ in changed}
            for k, p in new.items():
                setattr(row, f"{k}_id", p.id if p else None)
                setattr(row, f"{k}_name", p.name if p else "")
            s.add(row)
            if m.status == PUBLISHED:
                for k, old, name in changed:
                    s.add(
                        DutyChange(
                            day=day,
                            role=ROLE_WORDS[k],
                            old_name=old,
                            new_name=name,
                            reason=reason,
                            operator_id=op.id if op else None,
                            operator_name=op.name if op else "",
                            recorded_at=self.core.now(),
                        )
                    )
            self.core.audit(
                s,
                "duty_day",
                day.isoformat(),
                "调整",
                {"day": day.isoformat(), **before},
                {"day": day.isoformat(), **{ROLE_WORDS[k]: n for k, _, n in changed}, "reason": reason},
            )
            s.flush()
            info = self._day_info(row, self._phones(s), self.core.calendar)
        return info

    # -- who is on duty ---------------------------------------------------------------
    def _sub_info(self, r: DutySubstitution, void: DutyVoid | None = None) -> SubInfo:
        return SubInfo(
            r.id,  # type: ignore[arg-type]
            r.start_at,
            r.end_at,
            r.away_name,
            r.by_id,
            r.by_name,
            r.reason,
            r.note,
            r.operator_name,
            r.recorded_at,
            void is not None,
            void.reason if void else "",
        )

    def _voids(self, s: Session, kind: str) -> dict[int, DutyVoid]:
        return {v.target_id: v for v in s.exec(select(DutyVoid).where(DutyVoid.kind == kind))}

    def substitutions(self, start: datetime, end: datetime, include_voided: bool = True) -> list[SubInfo]:
        """Substitutions overlapping [start, end), oldest first."""
        with self.core.read() as s:
            voids = self._voids(s, "substitution")
            rows = s.exec(
                select(DutySubstitution)
                .where(DutySubstitution.start_at < end, DutySubstitution.end_at > start)
                .order_by(DutySubstitution.start_at, DutySubstitution.id)
            ).all()
            out = [self._sub_info(r, voids.get(r.id)) for r in rows]
        return out if include_voided else [x for x in out if not x.voided]

    def on_duty(self, at: datetime | None = None) -> NowInfo:
        """Who is (was) on duty at ``at`` (default now): the rota and the
        substitutions in force, with the 带班领导 of that duty day."""
        at = at or self.core.now()
        day = rules.shift_day(at)
        with self.core.read() as s:
            phones = self._phones(s)
            names = {r.id: r.name for r in s.exec(select(Staff))}
            row = s.exec(select(DutyDay).where(DutyDay.day == day)).first()
        subs = self.substitutions(at - timedelta(days=8), at + timedelta(minutes=1), include_voided=False)
        who = rules.on_duty_at(
            at,
            {day: row.staff_id} if row else {},
            [rules.Cover(x.id, x.start_at, x.end_at, x.by_id, x.by_name) for x in subs],
            nights={day: row.night_id} if row else None,
        )
        night = bool(row and row.night_id and rules.is_night(at))
        sub = next((x for x in subs if x.id == who.substitution), None)
        return NowInfo(
            at,
            day,
            who.person,
            names.get(who.person, "") if who.person else "",
            phones.get(who.person, "") if who.person else "",
            (row.night_name if night else row.staff_name) if row else "",
            sub,
            row.leader_name if row else "",
            phones.get(row.leader_id, "") if row else "",
            row.chief_name if row else "",
            phones.get(row.chief_id, "") if row else "",
            night,
        )

    def add_substitution(
        self, start: str | datetime, end: str | datetime, by_id: int | None, reason: str, note: str = ""
    ) -> SubInfo:
        now = self.core.now()
        errors: dict[str, str] = {}
        try:
            a, b = rules.parse_span(start, end, now)
        except ValueError as exc:
            errors["start"] = str(exc)
        if reason not in rules.SUB_REASONS:
            errors["reason"] = "请选择替班原因（外出办事、就餐、请假、其他）。"
        note = _clean(note, inputs.TITLE, "note", "说明")
        if reason == "其他" and not note:
            errors["note"] = "原因选「其他」时请写明。"
        if by_id is None:
            errors["by"] = "请选择替班人。"
        if errors:
            raise ValidationError(errors)
        scheduled = self.on_duty(a)
        op = self.core.operator
        with self.core.write() as s:
            by = self._person(s, by_id, "by")
            if scheduled.person_id == by.id:  # type: ignore[union-attr]
                raise ValidationError({"by": f"{by.name} 这时本来就在值班，请选择替班的人。"})  # type: ignore[union-attr]
            row = DutySubstitution(
                start_at=a,
                end_at=b,
                away_id=scheduled.person_id,
                away_name=scheduled.person_name,
                by_id=by.id,  # type: ignore[union-attr]
                by_name=by.name,  # type: ignore[union-attr]
                reason=reason,
                note=note,
                operator_name=op.name if op else "",
                recorded_at=now,
            )
            s.add(row)
            s.flush()
            info = self._sub_info(row)
            self.core.audit(
                s,
                "duty_substitution",
                row.id,
                "新增",
                None,
                {
                    "name": info.text,
                    "start": a,
                    "end": b,
                    "by": by.name,  # type: ignore[union-attr]
                    "away": scheduled.person_name,
                    "reason": reason,
                    "note": note,
                },
            )
        return info

    def void(self, kind: str, target_id: int, reason: str) -> None:
        """作废 a log entry (kind ``log``) or a substitution; the record stays."""
        reason = _clean(reason, inputs.TITLE, "reason", "作废原因")
        if not reason:
            raise ValidationError({"reason": "作废必须写明原因。"})
        model = {"log": DutyLog, "substitution": DutySubstitution}[kind]
        with self.core.write() as s:
            if s.get(model, target_id) is None:
                raise ValidationError({"reason": "该记录不存在。"})
            if s.exec(select(DutyVoid).where(DutyVoid.kind == kind, DutyVoid.target_id == target_id)).first():
                raise ValidationError({"reason": "该记录已作废。"})
            op = self.core.operator
            s.add(
                DutyVoid(
                    kind=kind,
                    target_id=target_id,
                    reason=reason,
                    operator_name=op.name if op else "",
                    recorded_at=self.core.now(),
                )
            )
            self.core.audit(s, f"duty_{kind}", target_id, "作废", None, {"void_reason": reason})

    # -- duty log -------------------------------------------------------------------
    def _log_info(self, r: DutyLog, void: DutyVoid | None, link: DutyCaseLink | None = None) -> LogInfo:
        return LogInfo(
            r.id,  # type: ignore[arg-type]
            r.shift_day,
            r.at,
            r.kind,
            r.content,
            r.action,
            r.staff_name,
            r.leader_told,
            r.told_at,
            r.leader_name,
            r.refers_to_id,
            r.operator_name,
            r.recorded_at,
            void is not None,
            void.reason if void else "",
            link.case_id if link else None,
            link.case_number if link else "",
        )

    def log(self, log_id: int) -> LogInfo:
        """One entry, in full (its 处理情况, the case it became)."""
        with self.core.read() as s:
            r = s.get(DutyLog, log_id)
            if r is None:
                raise ValidationError({"form": "该值班记录不存在。"})
            void = s.exec(select(DutyVoid).where(DutyVoid.kind == "log", DutyVoid.target_id == log_id)).first()
            link = s.exec(select(DutyCaseLink).where(DutyCaseLink.log_id == log_id)).first()
            return self._log_info(r, void, link)

    def take_in(self, log_id: int, intake: Any) -> Any:
        """Take entry ``log_id`` in as a case (``intake``: the CaseIntake
        of ``CaseService.add``) and link the two: one user action, one
        transaction, so a refused link leaves no case behind. Returns the
        case's row."""
        with self.core.write():
            row = self.cases.add(intake)
            self.link_case(log_id, row.id)
        return row

    def link_case(self, log_id: int, case_id: int) -> LogInfo:
        """Record that entry ``log_id`` was taken in as case ``case_id``
        (append-only; once per entry)."""
        from cunwu_tui.db.models import CaseRecord

        op = self.core.operator
        with self.core.write() as s:
            entry = self.log(log_id)  # read inside the write: refused with features.duty.actions' words
            why = log_refusal(entry.facts, LogAction.TAKE_IN)
            if why:
                raise ValidationError({"form": why})
            case = s.get(CaseRecord, case_id)
            if case is None:
                raise ValidationError({"form": "该办件不存在。"})
            s.add(
                DutyCaseLink(
                    log_id=log_id,
                    case_id=case_id,
                    case_number=case.number,
                    operator_name=op.name if op else "",
                    recorded_at=self.core.now(),
                )
            )
            self.core.audit(
                s,
                "duty_log",
                log_id,
                "受理为办件",
                None,
                {"name": f"{entry.kind}：{entry.content[:16]}", "case": case.number},
            )
        return self.log(log_id)

    def add_log(
        self,
        kind: str,
        content: str,
        action: str = "",
        at: str | datetime = "",
        leader_told: bool = False,
        told_at: str | datetime = "",
        refers_to_id: int | None = None,
    ) -> LogInfo:
        """One entry of the duty log. An emergency must say whether and when
        the 带班领导 was told, and it must have been."""
        now = self.core.now()
        errors: dict[str, str] = {}
        if kind not in rules.LOG_KINDS:
            errors["kind"] = "请选择类别。"
        f = inputs.Fields()
        content = f.text(
            "content", content, "情况", inputs.TEXT, required="请填写情况（什么人、什么事）。", multiline=True
        )
        action = f.text("action", action, "处理情况", inputs.TEXT, multiline=True)
        errors.update(f.errors)
        moment = told = None
        try:
            moment = rules.parse_when(at or now, now, "发生时间")
        except ValueError as exc:
            errors["at"] = str(exc)
        if leader_told:
            try:
                told = rules.parse_when(told_at, now, "报告时间")
                if moment and told < moment:
                    errors["told_at"] = "报告时间不能早于发生时间。"
            except ValueError as exc:
                errors["told_at"] = str(exc)
        elif kind == rules.EMERGENCY:
            errors["leader_told"] = "突发事件必须立即报告带班领导：请选择「已报告」并填写报告时间。"
        if errors:
            raise ValidationError(errors)
        assert moment is not None
        who = self.on_duty(moment)
        op = self.core.operator
        staff_id = who.person_id if who.person_id else (op.id if op else None)
        staff_name = who.person_name if who.person_id else (op.name if op else "")
        with self.core.write() as s:
            row = DutyLog(
                shift_day=who.day,
                at=moment,
                kind=kind,
                content=content,
                action=action,
                staff_id=staff_id,
                staff_name=staff_name,
                leader_told=bool(leader_told),
                told_at=told,
                leader_name=who.leader_name if leader_told else "",
                refers_to_id=refers_to_id,
                operator_name=op.name if op else "",
                recorded_at=now,
            )
            s.add(row)
            s.flush()
            info = self._log_info(row, None)
            self.core.audit(
                s,
                "duty_log",
                row.id,
                "新增",
                None,
                {
                    "name": f"{kind}：{content[:16]}",
                    "at": moment,
                    "kind": kind,
                    "content": content,
                    "action": action,
                    "handler": staff_name,
                    "leader": info.leader_text,
                },
            )
        return info

    def log_target(self, at: str | datetime = "") -> LogTarget:
        """Where an entry at ``at`` will be filed: its duty day, who was on
        duty and the 带班领导 then; ``elsewhere`` when that is not the shift
        (or not the person) on duty now, so the clerk can be asked first."""
        now = self.core.now()
        try:
            moment = rules.parse_when(at or now, now, "发生时间")
        except ValueError as exc:
            raise ValidationError({"at": str(exc)}) from None
        then, current = self.on_duty(moment), self.on_duty(now)
        elsewhere = then.day != current.day or then.person_id != current.person_id
        return LogTarget(moment, then.day, then.person_name, then.leader_name, elsewhere, then.day != current.day)

    def logs(self, start: datetime, end: datetime) -> list[LogInfo]:
        """Entries with start <= at < end, oldest first (voided ones marked)."""
        with self.core.read() as s:
            voids = self._voids(s, "log")
            rows = s.exec(
                select(DutyLog).where(DutyLog.at >= start, DutyLog.at < end).order_by(DutyLog.at, DutyLog.id)
            ).all()
            links = (
                {
                    k.log_id: k
                    for k in s.exec(select(DutyCaseLink).where(col(DutyCaseLink.log_id).in_([r.id for r in rows])))
                }
                if rows
                else {}
            )
            return [self._log_info(r, voids.get(r.id), links.get(r.id)) for r in rows]

    def shift_logs(self, day: date) -> list[LogInfo]:
        a, b = rules.shift_bounds(day)
        return self.logs(a, b)

    # -- handover -----------------------------------------------------------------------
    def _handover_infos(self, s: Session, rows: Iterable[DutyHandover]) -> list[HandoverInfo]:
        rows = list(rows)
        ids = [r.id for r in rows]
        if not ids:
            return []
        confirms = {c.handover_id: c for c in s.exec(select(DutyConfirm).where(col(DutyConfirm.handover_id).in_(ids)))}
        items = self._item_infos(
            s, s.exec(select(DutyItem).where(col(DutyItem.handover_id).in_(ids)).order_by(DutyItem.id)).all()
        )
        out = []
        for r in rows:
            c = confirms.get(r.id)
            out.append(
                HandoverInfo(
                    r.id,  # type: ignore[arg-type]
                    r.shift_day,
                    r.handed_at,
                    r.outgoing_name,
                    r.incoming_id,
                    r.incoming_name,
                    r.note,
                    tuple(i for i in items if i.handover_id == r.id),
                    c.confirmed_at if c else None,
                    c.by_name if c else "",
                    r.operator_name,
                )
            )
        return out

    def _item_infos(self, s: Session, rows: Iterable[DutyItem]) -> list[ItemInfo]:
        rows = list(rows)
        if not rows:
            return []
        closes = {
            c.item_id: c
            for c in s.exec(select(DutyItemClose).where(col(DutyItemClose.item_id).in_([r.id for r in rows])))
        }
        days = {
            h.id: h.shift_day
            for h in s.exec(select(DutyHandover).where(col(DutyHandover.id).in_({r.handover_id for r in rows})))
        }
        out = []
        for r in rows:
            assert r.id is not None  # read from the database
            c = closes.get(r.id)
            out.append(
                ItemInfo(
                    r.id,
                    r.handover_id,
                    days[r.handover_id],
                    r.text,
                    r.recorded_at,
                    c.closed_at if c else None,
                    c.note if c else "",
                    c.operator_name if c else "",
                )
            )
        return out

    def handover_choices(self, now: datetime | None = None) -> list[HandoverChoice]:
        """The shifts a handover can be written for now, oldest first: those
        of the last days that ended without one (补记), then the shift being
        handed over now, if not handed over yet."""
        now = now or self.core.now()
        missing = {d.day: d for d in self.missing_handovers(now)}
        current = handover_day(now)
        with self.core.read() as s:
            done = s.exec(select(DutyHandover).where(DutyHandover.shift_day == current)).first()
        days = sorted(set(missing) | ({current} if done is None else set()))
        rota = {d.day: d for d in self.days(days[0], days[-1])} if days else {}
        out = []
        for d in days:
            info = rota.get(d)
            ended = rules.shift_bounds(d)[1] <= now
            out.append(HandoverChoice(d, info.staff_name if info else "", ended))
        return out

    def handover_defaults(
        self, now: datetime | None = None, day: date | None = None
    ) -> tuple[date, int | None, int | None]:
        """(duty day, outgoing, incoming) suggested for a handover: by default
        the oldest shift that ended without one (else the one ending now).
        See ``handover_plan``."""
        p = self.handover_plan(day, now)
        return p.day, p.outgoing_id, p.incoming_id

    def handover_plan(self, day: date | None = None, now: datetime | None = None) -> HandoverPlan:
        """The defaults for handing over ``day`` (default: the oldest shift
        without a handover): the outgoing person is who is on duty at the
        shift's end (the night person where there is one, a substitute only
        if the substitution runs to the end), then the rota's person; the
        incoming one is who is on duty at the next shift's start, then the
        rota's. Never the same person twice (``rules.handover_pair``). The
        time defaults to the shift's end for a shift already over (补记),
        else now."""
        now = now or self.core.now()
        if day is None:
            choices = self.handover_choices(now)
            day = choices[0].day if choices else handover_day(now)
        end = rules.shift_bounds(day)[1]
        with self.core.read() as s:
            rows = {r.day: r for r in s.exec(select(DutyDay).where(DutyDay.day >= day, DutyDay.day <= day + _ONE_DAY))}
        this, nxt = rows.get(day), rows.get(day + _ONE_DAY)
        at_end = self.on_duty(end - timedelta(minutes=1)).person_id
        at_next = self.on_duty(end).person_id
        scheduled_out = (this.night_id or this.staff_id) if this else None
        outs = [at_end, scheduled_out, this.staff_id if this else None]
        ins = [at_next, nxt.staff_id if nxt else None]
        out, inc = rules.handover_pair(outs, ins)
        note = ""
        if inc is None:
            note = (
                "下一个班还没有排班：请选择接班人。"
                if not any(ins)
                else "值班表上交班人和接班人是同一人：请选择另一位接班人。"
            )
        ended = end <= now
        return HandoverPlan(day, out, inc, end if ended else now.replace(second=0, microsecond=0), ended, note)

    def hand_over(
        self,
        day: date,
        outgoing_id: int | None,
        incoming_id: int | None,
        items: str = "",
        note: str = "",
        at: str | datetime = "",
        confirmed: bool = False,
        incoming_pin: object = "",
    ) -> HandoverInfo:
        """交接班 for duty ``day``: open items, one per line, stay open (and
        shown) until closed. ``confirmed``: the incoming person confirmed
        there and then: they are the operator, or they type their own PIN
        (``incoming_pin``)."""
        now = self.core.now()
        errors: dict[str, str] = {}
        try:
            moment = rules.parse_when(at or now, now, "交接时间")
        except ValueError as exc:
            errors["at"] = str(exc)
        if outgoing_id is None:
            errors["outgoing"] = "请选择交班人。"
        if incoming_id is None:
            errors["incoming"] = "请选择接班人。"
        elif incoming_id == outgoing_id:
            errors["incoming"] = "交班人和接班人不能是同一人。"
        if day > rules.shift_day(now):
            errors["day"] = f"{day:%m-%d}的班还没有开始，不能交接。"
        elif "at" not in errors and moment < rules.shift_bounds(day)[0]:
            errors["at"] = f"交接时间不能早于{day:%m-%d}的班开始（{rules.shift_bounds(day)[0]:%m-%d %H:%M}）。"
        try:
            lines = [
                x
                for x in (
                    inputs.clean(x) for x in inputs.text(items, "遗留事项", inputs.TEXT, multiline=True).splitlines()
                )
                if x
            ]
            long = next((x for x in lines if len(x) > inputs.LINE), None)
            if long is not None:
                errors["items"] = f"遗留事项每行最多{inputs.LINE}字（「{long[:8]}」这一行有{len(long)}字），请分行写。"
        except inputs.InputError as exc:
            errors["items"] = str(exc)
            lines = []
        try:
            note = inputs.text(note, "备注", inputs.LINE)
        except inputs.InputError as exc:
            errors["note"] = str(exc)
        if errors:
            raise ValidationError(errors)
        op = self.core.operator
        if confirmed:  # only for a handover that can be saved: no PIN asked in vain
            self._handed_over_already(day)
            self._incoming_in_person(incoming_id, incoming_pin, "incoming_pin")
        with self.core.write() as s:
            self._handed_over_already(day)
            out = self._person(s, outgoing_id, "outgoing")
            inc = self._person(s, incoming_id, "incoming")
            assert out is not None and inc is not None  # required: _person raised
            row = DutyHandover(
                shift_day=day,
                handed_at=moment,
                outgoing_id=out.id,
                outgoing_name=out.name,
                incoming_id=inc.id,
                incoming_name=inc.name,
                note=note,
                operator_name=op.name if op else "",
                recorded_at=now,
            )
            s.add(row)
            s.flush()
            for text in lines:
                s.add(DutyItem(handover_id=row.id, text=text, recorded_at=now))
            if confirmed:
                s.add(
                    DutyConfirm(
                        handover_id=row.id,
                        confirmed_at=moment,
                        by_id=inc.id,
                        by_name=inc.name,
                        operator_name=op.name if op else "",
                        recorded_at=now,
                    )
                )
            s.flush()
            info = self._handover_infos(s, [row])[0]
            self.core.audit(
                s,
                "duty_handover",
                row.id,
                "新增",
                None,
                {
                    "name": f"{day:%m-%d} {out.name}交{inc.name}",
                    "items": lines,
                    "note": row.note,
                    "confirmed": confirmed,
                },
            )
        return info

    def _handed_over_already(self, day: date) -> None:
        with self.core.read() as s:
            done = s.exec(select(DutyHandover).where(DutyHandover.shift_day == day)).first()
        if done is not None:
            raise ValidationError(
                {
                    "form": f"{day:%m-%d}的班已于 {done.handed_at:%m-%d %H:%M} 交接"
                    f"（{done.outgoing_name}交{done.incoming_name}）。"
                }
            )

    def confirm_needs_pin(self, incoming_id: int | None) -> bool:
        """接班确认 is the incoming person's own act: they are the operator,
        or they type their own PIN (compared by staff id)."""
        op = self.core.operator
        return self.identity is not None and incoming_id is not None and (op is None or op.id != incoming_id)

    def _incoming_in_person(self, incoming_id: int | None, pin: object, field: str) -> None:
        if self.confirm_needs_pin(incoming_id):
            self.identity.confirm(incoming_id, pin, field, "接班人")

    def confirm(self, handover_id: int, pin: object = "") -> HandoverInfo:
        """The incoming person confirms the handover (接班确认): as the
        operator, or with their own PIN."""
        now = self.core.now()
        op = self.core.operator
        with self.core.read() as s:
            first = s.get(DutyHandover, handover_id)
        if first is None:
            raise ValidationError({"form": "该交接记录不存在。"})
        if s_confirmed := self._confirmation(handover_id):
            raise ValidationError({"form": s_confirmed})
        self._incoming_in_person(first.incoming_id, pin, "pin")
        with self.core.write() as s:
            row = s.get(DutyHandover, handover_id)
            if row is None:
                raise ValidationError({"form": "该交接记录不存在。"})
            c = s.exec(select(DutyConfirm).where(DutyConfirm.handover_id == handover_id)).first()
            if c is not None:
                raise ValidationError({"form": f"{c.by_name} 已于 {c.confirmed_at:%m-%d %H:%M} 确认接班。"})
            s.add(
                DutyConfirm(
                    handover_id=handover_id,
                    confirmed_at=now,
                    by_id=row.incoming_id,
                    by_name=row.incoming_name,
                    operator_name=op.name if op else "",
                    recorded_at=now,
                )
            )
            self.core.audit(
                s,
                "duty_handover",
                handover_id,
                "确认",
                None,
                {"name": f"{row.shift_day:%m-%d} {row.incoming_name}确认接班"},
            )
            s.flush()
            info = self._handover_infos(s, [row])[0]
        return info

    def _confirmation(self, handover_id: int) -> str:
        """'' while unconfirmed, else the sentence that says who and when."""
        with self.core.read() as s:
            c = s.exec(select(DutyConfirm).where(DutyConfirm.handover_id == handover_id)).first()
        return f"{c.by_name} 已于 {c.confirmed_at:%m-%d %H:%M} 确认接班。" if c is not None else ""

    def handovers(self, start: datetime, end: datetime) -> list[HandoverInfo]:
        with self.core.read() as s:
            rows = s.exec(
                select(DutyHandover)
                .where(DutyHandover.handed_at >= start, DutyHandover.handed_at < end)
                .order_by(DutyHandover.handed_at, DutyHandover.id)
            ).all()
            return self._handover_infos(s, rows)

    def unconfirmed(self) -> list[HandoverInfo]:
        with self.core.read() as s:
            done = select(DutyConfirm.handover_id)
            rows = s.exec(
                select(DutyHandover)
                .where(col(DutyHandover.id).not_in(done))
                .order_by(col(DutyHandover.id).desc())
                .limit(5)
            ).all()
            return self._handover_infos(s, rows)

    def open_items(self) -> list[ItemInfo]:
        """Items carried over and not yet closed, oldest first."""
        with self.core.read() as s:
            closed = select(DutyItemClose.item_id)
            rows = s.exec(select(DutyItem).where(col(DutyItem.id).not_in(closed)).order_by(DutyItem.id)).all()
            return self._item_infos(s, rows)

    def close_item(self, item_id: int, note: str = "") -> ItemInfo:
        note = _clean(note, inputs.LINE, "note", "办结情况")
        now = self.core.now()
        op = self.core.operator
        with self.core.write() as s:
            item = s.get(DutyItem, item_id)
            if item is None:
                raise ValidationError({"note": "该事项不存在。"})
            if s.exec(select(DutyItemClose).where(DutyItemClose.item_id == item_id)).first():
                raise ValidationError({"note": "该事项已办结。"})
            s.add(
                DutyItemClose(
                    item_id=item_id, closed_at=now, note=note, operator_name=op.name if op else "", recorded_at=now
                )
            )
            self.core.audit(s, "duty_item", item_id, "办结", None, {"name": item.text, "note": note})
            s.flush()
            info = self._item_infos(s, [item])[0]
        return info

    def missing_handovers(self, now: datetime | None = None, days_back: int = 7) -> list[DutyDayInfo]:
        """Duty days of the last ``days_back`` days that have ended (08:30 the
        next morning) without a handover, oldest first."""
        now = now or self.core.now()
        last_ended = rules.shift_day(now) - _ONE_DAY
        first = last_ended - timedelta(days=days_back - 1)
        days = [d for d in self.days(first, last_ended) if d.staff_name]
        with self.core.read() as s:
            done = {h.shift_day for h in s.exec(select(DutyHandover).where(DutyHandover.shift_day >= first))}
        missing = set(rules.missing_handovers([d.day for d in days], done))
        return [d for d in days if d.day in missing]

    # -- holiday rotas ------------------------------------------------------------------
    def holiday_periods(self, year: int) -> list[HolidayPeriod]:
        """The long holidays (3 days or more) of ``year`` from the calendar."""
        cal = self.core.calendar
        sch = cal.schedule(year)
        if sch is None:
            return []
        runs: list[list[Any]] = []
        for d in sorted(sch.holidays):
            name = sch.holidays[d]
            if runs and runs[-1][0] == name and runs[-1][2] + _ONE_DAY == d:
                runs[-1][2] = d
            else:
                runs.append([name, d, d])
        return [HolidayPeriod(n, a, b) for n, a, b in runs if (b - a).days + 1 >= HOLIDAY_MIN_DAYS and a.year == year]

    def upcoming_holidays(self, today: date) -> list[HolidayPeriod]:
        out = [p for y in (today.year, today.year + 1) for p in self.holiday_periods(y)]
        return [p for p in out if p.end >= today]

    def _rota_info(self, r: HolidayRota) -> HolidayRotaInfo:
        signed = self._signed(r.id)  # type: ignore[arg-type]
        return HolidayRotaInfo(
            r.id,  # type: ignore[arg-type]
            r.name,
            r.start,
            r.end,
            r.filed_at,
            r.filed_to,
            r.filed_by,
            r.notified_at,
            r.notified_note,
            r.notified_by,
            tuple(self.days(r.start, r.end)),
            signed.recorded_at if signed else None,
            signed.approver_name if signed else "",
        )

    def _signed(self, rota_id: int) -> ApprovalInfo | None:
        from cunwu_tui.services.identity import HOLIDAY_ROTA

        if self.identity is None:
            return None
        return next(
            iter(
                a for a in self.identity.approvals("holiday_rota", [rota_id]).get(rota_id, ()) if a.kind == HOLIDAY_ROTA
            ),
            None,
        )

    def sign_leaders(self) -> list[tuple[str, int]]:
        """Who may sign a long holiday's rota off: active leaders (name, id)."""
        return [(p.name, p.id) for p in self.staff.leaders()]

    def sign_holiday_rota(self, rota_id: int, leader_id: int | None, leader_pin: object) -> HolidayRotaInfo:
        """领导审签 before filing: a leader, present, types their own PIN."""
        from cunwu_tui.services.identity import HOLIDAY_ROTA

        r = self._holiday_gate(rota_id, HolidayAction.SIGN)
        if leader_id is None:
            raise ValidationError({"leader": "请选择审签的领导。"})
        self.staff.leader(leader_id, "leader", "中长假值班表须由领导审签（书记、主任或带班、值班领导）。")
        approver = self.identity.confirm(leader_id, leader_pin, "leader_pin", "领导")
        with self.core.write() as s:
            self._holiday_gate(rota_id, HolidayAction.SIGN)  # again, inside the write
            self.identity.record_approval(
                s, HOLIDAY_ROTA, "holiday_rota", rota_id, approver, text=r.name, audit=("holiday_rota", str(rota_id))
            )
        return self.holiday_rota(rota_id)

    def _holiday_gate(self, rota_id: int, action: HolidayAction) -> HolidayRotaInfo:
        """The rota, or the refusal of ``action`` in features.duty.actions'
        words (inside a write: read in its transaction). Without PINs kept
        (a service made without identity: tests of the rota alone) filing
        needs no signature."""
        r = self.holiday_rota(rota_id)
        facts = replace(r.facts, signature_required=self.identity is not None)
        refused = holiday_refusal(facts, action)
        if refused:
            raise ValidationError({"form": refused})
        return r

    def holiday_rotas(self) -> list[HolidayRotaInfo]:
        with self.core.read() as s:
            rows = s.exec(select(HolidayRota).order_by(HolidayRota.start.desc())).all()  # type: ignore[attr-defined]
        return [self._rota_info(r) for r in rows]

    def holiday_rota(self, rota_id: int) -> HolidayRotaInfo:
        with self.core.read() as s:
            r = s.get(HolidayRota, rota_id)
        if r is None:
            raise ValidationError({"form": "该中长假值班表不存在。"})
        return self._rota_info(r)

    def create_holiday_rota(self, period: HolidayPeriod) -> HolidayRotaInfo:
        """The rota of a long holiday: the months it touches get a rota if they
        have none; each day gets a 值班领导 (from the 值班领导 role)."""
        with self.core.read() as s:
            clash = s.exec(select(HolidayRota).where(HolidayRota.start == period.start)).first()
        if clash is not None:
            raise ValidationError({"period": f"{period.name}的值班表已经编制。"})
        months = sorted({(d.year, d.month) for d in (period.start, period.end)})
        for y, m in months:
            if not self.month(y, m).exists:
                self.generate(y, m)
        days = [period.start + timedelta(days=i) for i in range((period.end - period.start).days + 1)]
        op = self.core.operator
        now = self.core.now()
        with self.core.write() as s:
            chiefs = self._people(s, CHIEF_ROLE)
            rows = {
                r.day: r for r in s.exec(select(DutyDay).where(DutyDay.day >= period.start, DutyDay.day <= period.end))
            }
            kinds = {d: rows[d].kind if d in rows else fair.HOLIDAY for d in days}
            busy = {d: r.staff_id for d, r in rows.items()}
            plan = fair.generate(days, [_id(c) for c in chiefs], kinds, _also_off({}, busy)) if chiefs else {}
            names = {c.id: c.name for c in chiefs}
            published = {(m.year, m.month) for m in s.exec(select(DutyMonth).where(DutyMonth.status == PUBLISHED))}
            for d in days:
                row = rows.get(d)
                if row is None or row.chief_id or plan.get(d) is None:
                    continue
                row.chief_id, row.chief_name = plan[d], names[plan[d]]
                s.add(row)
                if (d.year, d.month) in published:
                    s.add(
                        DutyChange(
                            day=d,
                            role="值班领导",
                            old_name="",
                            new_name=row.chief_name,
                            reason=f"编制{period.name}值班表",
                            operator_id=op.id if op else None,
                            operator_name=op.name if op else "",
                            recorded_at=now,
                        )
                    )
            r = HolidayRota(name=period.name, start=period.start, end=period.end, created_at=now)
            s.add(r)
            s.flush()
            self.core.audit(s, "holiday_rota", r.id, "编制", None, {"name": period.text})
        return self.holiday_rota(r.id)  # type: ignore[arg-type]

    def file_holiday_rota(self, rota_id: int, filed_to: str, at: str | datetime = "") -> HolidayRotaInfo:
        """报上级机关备案: to whom and when."""
        now = self.core.now()
        errors: dict[str, str] = {}
        filed_to = _clean(filed_to, inputs.SHORT, "filed_to", "报送的上级机关")
        if not filed_to:
            errors["filed_to"] = "请填写报送的上级机关，如 柳河镇党政办。"
        try:
            moment = rules.parse_when(at or now, now, "报备时间")
        except ValueError as exc:
            errors["at"] = str(exc)
        if errors:
            raise ValidationError(errors)
        op = self.core.operator
        with self.core.write() as s:
            self._holiday_gate(rota_id, HolidayAction.FILE)
            r = s.get(HolidayRota, rota_id)
            assert r is not None  # the gate read it
            r.filed_at, r.filed_to, r.filed_by = moment, filed_to, op.name if op else ""
            s.add(r)
            self.core.audit(
                s, "holiday_rota", rota_id, "报备", None, {"name": r.name, "filed_to": filed_to, "at": moment}
            )
        return self.holiday_rota(rota_id)

    def notify_holiday_rota(self, rota_id: int, note: str = "", at: str | datetime = "") -> HolidayRotaInfo:
        """带班领导、值班领导和值班人员都已通知: when and how."""
        now = self.core.now()
        note = _clean(note, inputs.TITLE, "note", "通知情况")
        try:
            moment = rules.parse_when(at or now, now, "通知时间")
        except ValueError as exc:
            raise ValidationError({"at": str(exc)}) from None
        op = self.core.operator
        with self.core.write() as s:
            self._holiday_gate(rota_id, HolidayAction.NOTIFY)
            r = s.get(HolidayRota, rota_id)
            assert r is not None  # the gate read it
            r.notified_at, r.notified_note, r.notified_by = moment, note, op.name if op else ""
            s.add(r)
            self.core.audit(
                s, "holiday_rota", rota_id, "通知", None, {"name": r.name, "note": r.notified_note, "at": moment}
            )
        return self.holiday_rota(rota_id)

    def holiday_rotas_between(self, start: date, end: date) -> list[HolidayRotaInfo]:
        """Holiday rotas starting in [start, end)."""
        return sorted((r for r in self.holiday_rotas() if start <= r.start < end), key=lambda r: r.start)

    # -- the register of a month ------------------------------------------------------
    def register_rows(self, start: date, end: date) -> list[DutyLogLine]:
        """值班记录及交接班: log entries, substitutions and handovers of
        [start, end) in time order, as the ledger prints them."""
        a, b = datetime.combine(start, time.min), datetime.combine(end, time.min)
        rows: list[tuple[Any, ...]] = []
        for e in self.logs(a, b):
            remark = f"【作废】{e.void_reason}" if e.voided else ""
            if e.refers_to_id:
                remark = "；".join(x for x in (remark, f"更正第{e.refers_to_id}条") if x)
            rows.append((e.at, 0, e.staff_name, e.kind, e.content, e.action, e.leader_text, remark))
        for x in self.substitutions(a, b):
            if not (a <= x.start_at < b):
                continue
            remark = "；".join(p for p in (x.note, f"【作废】{x.void_reason}" if x.voided else "") if p)
            rows.append((x.start_at, 1, x.by_name, "替班", f"{x.text}", "", "", remark))
        for h in self.handovers(a, b):
            items = "；".join(i.text + ("（已办结）" if not i.open else "") for i in h.items) or "无"
            confirm = f"{h.confirmed_by} {h.confirmed_at:%m-%d %H:%M}确认接班" if h.confirmed_at else "接班人未确认"
            rows.append(
                (
                    h.handed_at,
                    2,
                    h.outgoing_name,
                    "交接班",
                    f"{h.shift_day:%m-%d}的班，{h.outgoing_name}交{h.incoming_name}",
                    f"遗留事项：{items}",
                    "",
                    "；".join(p for p in (confirm, h.note) if p),
                )
            )
        rows.sort(key=lambda r: (r[0], r[1]))
        return [DutyLogLine(r[0], *r[2:]) for r in rows]


def install(services: Services) -> None:
    """The feature's service on the facade (cunwu_tui/feature.py Feature.install);
    a duty log entry is taken in as a case (take_in) through the cases' service."""
    services.duty = DutyService(services.core, services.identity, services.staff)
    services.duty.cases = services.cases
