"""What a case's record adds up to: its status and every deadline it has
running, met or missed. Pure: the service hands in the intake facts and the
case's events (oldest first); nothing here reads the database.

Paths and their deadlines:
- 承诺件/上报件/即办件: 承诺办结 (the intake's deadline) until 办结;
- 上报/转办: awaiting feedback, 催办反馈 on the chase date until the feedback;
- 不予受理/不予确认 (否定报备): 领导审核意见 within 3 日 when beyond the
  clerk's authority, 书面告知申请人 within 10 工作日; a leader who disagrees
  reopens the case;
- 信访 (信访工作条例): 决定是否受理并告知信访人 within 15 日 of receipt;
  办结 within 60 日 of acceptance (+ at most 30 日 with a reason); after the
  written answer the petitioner may ask for 复查 within 30 日 (shown, not the
  office's deadline), a 复查 is answered within 30 日; then 复核 likewise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from datetime import date as _date  # inside Tracked, ``date`` is its field
from typing import Any

from cunwu_tui.features.cases import deadlines as dl
from cunwu_tui.domain import workdays
from cunwu_tui.domain.workdays import WorkCalendar

CHANNELS: tuple[str, ...] = ("来访", "来电", "来信", "网上", "上级交办")
KINDS: tuple[str, ...] = ("即办件", "承诺件", "上报件")
REFUSAL_KINDS: tuple[str, ...] = ("不予受理", "不予确认")
ESCALATE_MODES: tuple[str, ...] = ("上报", "转办")
REVIEW_LEVELS: tuple[str, ...] = ("复查", "复核")

OPEN = "在办"
ESCALATED = "待反馈"
CONCLUDED = "办结"
REFUSED = "不予受理"
VOIDED = "已作废"  # taken in by mistake: the number stays used, the record stays
STATUSES: tuple[str, ...] = (OPEN, ESCALATED, CONCLUDED, REFUSED, VOIDED)

# List filters
F_OPEN = "在办"
F_SOON = "即将到期"
F_OVERDUE = "逾期"
F_CONCLUDED = "办结"
F_REFUSED = "不予受理"
F_ALL = "全部"
FILTERS: tuple[str, ...] = (F_OPEN, F_SOON, F_OVERDUE, F_CONCLUDED, F_REFUSED, F_ALL)
SOON_WORKDAYS = 3

# Event kinds (stored) and how the timeline names them
INTAKE = "intake"
STEP_DONE = "done"
STEP_BRANCH = "branch"
STEP_BACK = "back"
NOTICE_LINK = "notice"
ESCALATE = "escalate"
FEEDBACK = "feedback"
CONCLUDE = "conclude"
REFUSE = "refuse"
LEADER_OPINION = "leader"
REFUSAL_NOTICE = "told"
MATERIALS = "materials"
ACCEPT = "accept"
EXTEND = "extend"
REVIEW_REQUEST = "review"
REVIEW_ANSWER = "review_answer"
NOTE = "note"
VOID = "void"
DOCUMENTS = "documents"  # 补交材料: documents brought after the intake
POSTPONE = "postpone"  # 延期 of an ordinary case: a new promised date, approved by a leader

EVENT_NAMES: dict[str, str] = {
    INTAKE: "受理登记",
    STEP_DONE: "完成步骤",
    STEP_BRANCH: "办理情况",
    STEP_BACK: "退回步骤",
    NOTICE_LINK: "发布公示",
    ESCALATE: "上报/转办",
    FEEDBACK: "收到反馈",
    CONCLUDE: "办结",
    REFUSE: "否定报备",
    LEADER_OPINION: "领导意见",
    REFUSAL_NOTICE: "书面告知",
    MATERIALS: "退还材料",
    ACCEPT: "决定受理",
    EXTEND: "延期",
    REVIEW_REQUEST: "申请复查复核",
    REVIEW_ANSWER: "复查复核意见",
    NOTE: "备注",
    VOID: "作废",
    DOCUMENTS: "补交材料",
    POSTPONE: "延期",
}


@dataclass(frozen=True)
class Event:
    kind: str
    on: date  # the day it was recorded
    step: int | None = None
    label: str = ""
    date: date | None = None  # the date it names (chase on, told on, accepted on ...)
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tracked:
    """A deadline of a case. ``office`` is False for the petitioner's own
    windows (复查/复核 may be asked until ...), which are never overdue."""

    what: str
    date: date
    provisional: bool = False
    met_on: _date | None = None
    office: bool = True

    @property
    def open(self) -> bool:
        return self.met_on is None and self.office

    def text(self, today: _date | None = None) -> str:
        s = f"{self.what}：{self.date:%Y-%m-%d}" + ("（预计）" if self.provisional else "")
        if self.met_on is not None:
            late = "，逾期办理" if self.office and self.met_on > self.date else ""
            return s + f"（{self.met_on:%m-%d}已办{late}）"
        if today is not None and self.office and self.date < today:
            return s + f"（已逾期{(today - self.date).days}天）"
        return s


@dataclass(frozen=True)
class Intake:
    received_on: date
    kind: str
    petition: bool
    due_date: date | None
    due_provisional: bool = False


@dataclass(frozen=True)
class Summary:
    status: str
    refusal_kind: str
    deadlines: tuple[Tracked, ...]
    accepted_on: date | None = None  # 信访: the acceptance
    extension_days: int = 0

    @property
    def open_deadlines(self) -> tuple[Tracked, ...]:
        return tuple(d for d in self.deadlines if d.open)

    @property
    def next_due(self) -> date | None:
        days = [d.date for d in self.open_deadlines]
        return min(days) if days else None

    def overdue(self, today: date) -> bool:
        return any(d.date < today for d in self.open_deadlines)

    def due_within(self, today: date, calendar: WorkCalendar, workdays_n: int = SOON_WORKDAYS) -> bool:
        """Due today or within ``workdays_n`` working days, not yet overdue."""
        nd = self.next_due
        if nd is None or nd < today:
            return False
        return dl.working_days_left(today, nd, calendar) <= workdays_n

    def status_text(self) -> str:
        return self.refusal_kind if self.status == REFUSED and self.refusal_kind else self.status


def _track(d: dl.Deadline, met_on: date | None = None, office: bool = True) -> Tracked:
    return Tracked(d.what, d.date, d.provisional, met_on, office)


def summarize(intake: Intake, events: list[Event] | tuple[Event, ...], calendar: WorkCalendar) -> Summary:
    cal = calendar
    status = OPEN
    refusal_kind = ""
    out: list[Tracked] = []
    # the case's own deadline
    promise: Tracked | None = None
    if not intake.petition and intake.due_date is not None:
        promise = Tracked("承诺办结", intake.due_date, intake.due_provisional)
    acceptance: Tracked | None = _track(dl.petition_acceptance(intake.received_on, cal)) if intake.petition else None
    accepted_on: date | None = None
    extension = 0
    extension_reason = ""
    conclusion: Tracked | None = None
    chase: Tracked | None = None
    refusal: list[Tracked] = []
    reviews: list[Tracked] = []
    answered_on: date | None = None
    saved_promise: Tracked | None = None

    def petition_conclusion() -> Tracked:
        assert accepted_on is not None
        return _track(dl.petition_conclusion(accepted_on, extension, extension_reason, calendar=cal))

    for e in events:
        when = e.date or e.on
        if e.kind == ESCALATE:
            status = ESCALATED
            if chase is not None:
                out.append(chase)
            chase = Tracked("催办反馈", e.date, False) if e.date else None
        elif e.kind == FEEDBACK:
            status = OPEN
            if chase is not None:
                out.append(Tracked(chase.what, chase.date, chase.provisional, e.on))
                chase = None
        elif e.kind == CONCLUDE:
            status = CONCLUDED
            if promise is not None:
                promise = Tracked(promise.what, promise.date, promise.provisional, e.on)
            if conclusion is not None:
                conclusion = Tracked(conclusion.what, conclusion.date, conclusion.provisional, e.on)
            if chase is not None:
                out.append(Tracked(chase.what, chase.date, chase.provisional, e.on))
                chase = None
            if intake.petition:
                answered_on = when
                reviews.append(_track(dl.review_request_window(answered_on, False, calendar=cal), office=False))
        elif e.kind == REFUSE:
            status = REFUSED
            refusal_kind = e.label or REFUSAL_KINDS[0]
            saved_promise, promise = promise, None  # the refusal's own deadlines take over
            if acceptance is not None and acceptance.met_on is None:
                acceptance = Tracked(acceptance.what, acceptance.date, acceptance.provisional, e.on)
            if chase is not None:
                out.append(Tracked(chase.what, chase.date, chase.provisional, e.on))
                chase = None
            refusal = [_track(d) for d in dl.refusal_deadlines(e.on, bool(e.data.get("beyond_authority")), cal)]
        elif e.kind == LEADER_OPINION:
            refusal = [
                Tracked(t.what, t.date, t.provisional, e.on) if t.what == "领导审核意见" and t.met_on is None else t
                for t in refusal
            ]
            if not e.data.get("agree", True):
                # the leader does not agree with the refusal: the case is handled again
                status = OPEN
                refusal_kind = ""
                promise = saved_promise
                out.extend(t for t in refusal if t.met_on is not None)
                refusal = []
        elif e.kind == REFUSAL_NOTICE:
            refusal = [
                Tracked(t.what, t.date, t.provisional, when) if t.what == "书面告知申请人" and t.met_on is None else t
                for t in refusal
            ]
        elif e.kind == ACCEPT:
            accepted_on = when
            if acceptance is not None:
                acceptance = Tracked(
                    acceptance.what,
                    acceptance.date,
                    acceptance.provisional,
                    e.data.get("told_on") and date.fromisoformat(e.data["told_on"]) or when,
                )
            conclusion = petition_conclusion()
        elif e.kind == POSTPONE and promise is not None and e.date is not None:
            # 限时办结制: a delay approved by a leader moves the promised date; the first one stays on the record
            promise = Tracked("承诺办结（已延期）", e.date, bool(e.data.get("provisional")))
        elif e.kind == EXTEND:
            extension = int(e.data.get("days", 0))
            extension_reason = e.text
            if accepted_on is not None:
                conclusion = petition_conclusion()
        elif e.kind == REVIEW_REQUEST:
            second = e.label == REVIEW_LEVELS[1]
            reviews = [
                Tracked(t.what, t.date, t.provisional, when, t.office) if not t.office and t.met_on is None else t
                for t in reviews
            ]
            reviews.append(_track(dl.review_decision(when, second, calendar=cal)))
        elif e.kind == REVIEW_ANSWER:
            second = e.label == REVIEW_LEVELS[1]
            name = "提出复核意见" if second else "提出复查意见"
            reviews = [
                Tracked(t.what, t.date, t.provisional, when) if t.what == name and t.met_on is None else t
                for t in reviews
            ]
            if not second:
                reviews.append(_track(dl.review_request_window(when, True, calendar=cal), office=False))
    voided = any(e.kind == VOID for e in events)
    deadlines: list[Tracked] = []
    if acceptance is not None:
        deadlines.append(acceptance)
    if promise is not None:
        deadlines.append(promise)
    if conclusion is not None and status != REFUSED:
        deadlines.append(conclusion)
    deadlines += out
    if chase is not None:
        deadlines.append(chase)
    deadlines += refusal
    deadlines += reviews
    if voided:  # nothing runs on a case taken in by mistake
        return Summary(VOIDED, "", tuple(d for d in deadlines if d.met_on is not None), accepted_on, extension)
    return Summary(status, refusal_kind, tuple(deadlines), accepted_on, extension)


def promised_due(
    received_on: date, kind: str, limit_value: int | None, limit_unit: str, calendar: WorkCalendar
) -> workdays.Due | None:
    """The intake's deadline: 即办件 the same day; otherwise the time limit
    (日 or 工作日) counted from the day of receipt."""
    if kind == KINDS[0]:
        return workdays.due_date(received_on, 0, "日", calendar)
    if limit_value is None:
        return None
    return workdays.due_date(received_on, limit_value, limit_unit, calendar)


# -- the search index --------------------------------------------------------


def search_chars(*texts: str) -> frozenset[str]:
    """The characters a case is found by (its applicant's name, matter,
    matter code and number): see ``inputs.search_chars``."""
    from cunwu_tui.domain.inputs import search_chars as chars

    return chars(*texts)


def index_chars(applicant: str, matter_name: str, matter_code: str, number: str) -> frozenset[str]:
    """What case_search_char holds for a case: ``search_chars`` of all four,
    and the ASCII digits of the applicant, matter and code (a number's
    digits are in every case and stay out; a name's are in almost none, so a
    search made of digits finds them through the index)."""
    from cunwu_tui.domain.inputs import search_key

    named = search_key(applicant + matter_name + matter_code)
    return search_chars(applicant, matter_name, matter_code, number) | {
        ch for ch in named if ch.isascii() and ch.isdigit()
    }


# A case number as deadlines.case_number writes it: 〔year〕第seq号, the
# sequence in 4 digits (more past 9999). A search made of digits finds a
# number through its year and sequence, which are indexed, instead of
# comparing the text of every number.
SEQ_DIGITS = 4


def seqs_holding(digits: str) -> list[int]:
    """The sequence numbers up to 9999 whose written form (4 digits) holds
    ``digits``: built from where the digits can stand, not by writing out
    every number (20 of them for 3 digits, 1 for 4)."""
    free = SEQ_DIGITS - len(digits)
    if free < 0 or not digits.isdigit():
        return []
    out = set()
    for at in range(free + 1):
        for rest in range(10**free):
            written = f"{rest:0{free}d}" if free else ""
            n = int(written[:at] + digits + written[at:])
            if n >= 1:
                out.add(n)
    return sorted(out)


def digit_runs(text: str, at_least: int = 1) -> list[str]:
    """The runs of ASCII digits in ``text`` at least ``at_least`` long."""
    return [r for r in re.findall(r"[0-9]+", text) if len(r) >= at_least]


def typed_seq(q: str) -> int | None:
    """The sequence a search names, as a list shows it (第123号, 123, 〔0123):
    the digits left once the number's marks are taken away, up to
    SEQ_DIGITS of them; else None."""
    plain = q.lstrip("〔[(（").replace("第", "").replace("号", "")
    return int(plain) if plain.isdigit() and len(plain) <= SEQ_DIGITS else None


def years_holding(digits: str, first: int, last: int) -> list[int]:
    """The years ``first``..``last`` whose written form holds ``digits``."""
    return [y for y in range(first, last + 1) if digits in str(y)]
