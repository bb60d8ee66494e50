"""Which actions a public notice (公示) allows now, decided once (issue #17).

``notice_actions(facts)`` says what can be done with a notice in the order
the F7 detail offers it; ``why_not(facts, action)`` says why an action is
refused (empty when it is not), naming the action that would help with a
``Mention``. The detail screen builds its keys, key line and help from these
values; ``NoticeService`` refuses an objection, its handling, the close and
the withdrawal inside its write with the same words.

A notice takes objections from its start until it is closed or withdrawn;
an objection not yet handled is handled; it is closed (with its result) on
its end day or later and only once every objection is handled; it may be
withdrawn until it is closed; its list for the notice board can always be
printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from cunwu_tui.features.notices import rules
from cunwu_tui.domain.actions import NO_PROMPT, Mention, Prompt, prompt


class NoticeAction(str, Enum):
    """What can be done with a notice; the value is its stable id."""

    OBJECTION = "objection"
    HANDLE = "handle"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    BOARD_LIST = "board_list"


OPEN = (rules.PENDING, rules.RUNNING, rules.EXPIRED)  # neither closed nor withdrawn


@dataclass(frozen=True)
class NoticeFacts:
    """What the rule needs to know about a notice, as plain values."""

    status: str  # 待发布, 公示中, 已期满, 已结束, 已撤回 (features.notices.rules.status)
    start_at: datetime
    end: date  # the last day of the period
    ends_today: bool = False  # today is the end day
    open_objections: int = 0  # objections without a recorded outcome
    result: str = ""

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def period_over(self) -> bool:
        """Its end day has come (closing is never early: ``notices.can_close``)."""
        return self.status == rules.EXPIRED or (self.status == rules.RUNNING and self.ends_today)


def notice_actions(f: NoticeFacts) -> tuple[NoticeAction, ...]:
    """The actions the notice allows now, in the order they are offered."""
    a = NoticeAction
    out: list[NoticeAction] = []
    if f.open:
        if f.status != rules.PENDING:
            out.append(a.OBJECTION)
        if f.open_objections:
            out.append(a.HANDLE)
        elif f.period_over:
            out.append(a.CLOSE)
        out.append(a.WITHDRAW)
    out.append(a.BOARD_LIST)
    return tuple(out)


def why_not(f: NoticeFacts, action: NoticeAction) -> Prompt:
    """Why ``action`` is refused now (empty when it is allowed)."""
    if action in notice_actions(f):
        return NO_PROMPT
    a = NoticeAction
    if f.status == rules.WITHDRAWN:
        return prompt("该公示已撤回。")
    if f.status == rules.CLOSED:
        return prompt(f"该公示已结束（{f.result}）。")
    if action is a.OBJECTION:
        return prompt(f"公示 {f.start_at:%Y-%m-%d %H:%M} 才开始，还不能登记异议。")
    if action is a.HANDLE:
        return prompt("没有待处理的异议。")
    assert action is a.CLOSE  # the others are allowed while the notice is open
    if not f.period_over:
        return prompt(f"公示期到 {f.end:%Y-%m-%d} 才满，期满前不能结束。")
    return prompt(f"还有 {f.open_objections} 条异议未处理，请先", Mention(a.HANDLE, "登记处理结果"), "。")


def refusal(f: NoticeFacts, action: NoticeAction) -> str:
    """``why_not`` in words ("" when the action is allowed)."""
    return why_not(f, action).words()
