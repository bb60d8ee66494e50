"""Which actions F6's records allow now, decided once (issue #17): a
month's rota (generate a draft, publish it, re-plan a published month from
a day on), a duty log entry (take a 来访 or 来信 in as a case) and a long
holiday's rota (a leader signs it, it is filed with the township, the
people on it are told).

``rota_actions`` / ``log_actions`` / ``holiday_actions`` say what is
allowed in the order the screen offers it; ``*_why_not`` say why an action
is refused (empty when it is not), naming the action that would help with a
``Mention``. The screens build their keys and help from these values;
``DutyService`` refuses generate / publish / replan / link_case / sign /
file / notify with the same words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from cunwu_tui.domain.actions import NO_PROMPT, Mention, Prompt, prompt
from cunwu_tui.features.duty.rules import INTAKE_CHANNELS


class RotaAction(str, Enum):
    """What can be done with a month's rota; the value is its stable id."""

    GENERATE = "generate"  # a fair draft (again, while it is a draft)
    PUBLISH = "publish"
    REPLAN = "replan"  # a published month, from a day on, with a reason


@dataclass(frozen=True)
class RotaFacts:
    label: str  # 2026年11月
    exists: bool = False
    published_at: datetime | None = None

    @property
    def published(self) -> bool:
        return self.published_at is not None


def rota_actions(f: RotaFacts) -> tuple[RotaAction, ...]:
    """The actions the month's rota allows now, in the order they are offered."""
    if f.published:
        return (RotaAction.REPLAN,)
    return (RotaAction.GENERATE, RotaAction.PUBLISH) if f.exists else (RotaAction.GENERATE,)


def redo(f: RotaFacts) -> Mention:
    """The action that plans the month again (after the holidays were
    entered): re-plan a published month from a day on, else a new draft."""
    if f.published:
        return Mention(RotaAction.REPLAN, "从某一天起重新安排")
    return Mention(RotaAction.GENERATE, "重新生成草稿")


def rota_why_not(f: RotaFacts, action: RotaAction) -> Prompt:
    """Why ``action`` is refused now (empty when it is allowed)."""
    if action in rota_actions(f):
        return NO_PROMPT
    a = RotaAction
    if action is a.GENERATE:
        return prompt(
            f"{f.label}的值班表已发布，不能重新生成：请逐日调整，或",
            Mention(a.REPLAN, "从某一天起重新安排"),
            "（写明原因，记录在案）。",
        )
    if action is a.PUBLISH:
        if f.published_at is not None:
            return prompt(f"{f.label}的值班表已于 {f.published_at:%m-%d %H:%M} 发布。")
        return prompt(f"{f.label}还没有值班表：请先", Mention(a.GENERATE, "生成值班表"), "。")
    return prompt("值班表还没有发布：草稿请直接", Mention(a.GENERATE, "重新生成"), "。")


def rota_refusal(f: RotaFacts, action: RotaAction) -> str:
    return rota_why_not(f, action).words()


class LogAction(str, Enum):
    """What can be done with a duty log entry; the value is its stable id."""

    TAKE_IN = "take_in"  # 受理为办件: a 来访 or 来信 becomes a case, linked both ways


@dataclass(frozen=True)
class LogFacts:
    kind: str  # 来访, 来信, 来电, 突发事件 ...
    voided: bool = False
    case_number: str = ""  # the case it was taken in as


def log_actions(f: LogFacts) -> tuple[LogAction, ...]:
    """The actions the entry allows now."""
    if f.kind in INTAKE_CHANNELS and not f.voided and not f.case_number:
        return (LogAction.TAKE_IN,)
    return ()


def log_why_not(f: LogFacts, action: LogAction) -> Prompt:
    """Why ``action`` is refused now (empty when it is allowed)."""
    if action in log_actions(f):
        return NO_PROMPT
    if f.kind not in INTAKE_CHANNELS:
        return prompt(f"{f.kind}记录不能受理为办件（只有来访、来信）。")
    if f.voided:
        return prompt("这条记录已作废。")
    return prompt(f"这条记录已受理为 {f.case_number}。")


def log_refusal(f: LogFacts, action: LogAction) -> str:
    return log_why_not(f, action).words()


class HolidayAction(str, Enum):
    """What can be done with a long holiday's rota; the value is its stable id."""

    SIGN = "sign"  # 领导审签: a leader, present, types their own PIN
    FILE = "file"  # 报上级机关备案, after the signature
    NOTIFY = "notify"  # 带班领导、值班领导和值班人员都已通知


@dataclass(frozen=True)
class HolidayFacts:
    name: str  # 2027年春节
    signed_at: datetime | None = None
    signed_by: str = ""
    filed_at: datetime | None = None
    filed_to: str = ""
    notified_at: datetime | None = None
    signature_required: bool = True  # before filing (always, where PINs are kept)


def holiday_actions(f: HolidayFacts) -> tuple[HolidayAction, ...]:
    """The actions the holiday's rota allows now, in the order they are offered."""
    a = HolidayAction
    out: list[HolidayAction] = []
    if f.signed_at is None:
        out.append(a.SIGN)
    if f.filed_at is None and (f.signed_at is not None or not f.signature_required):
        out.append(a.FILE)
    if f.notified_at is None:
        out.append(a.NOTIFY)
    return tuple(out)


def holiday_why_not(f: HolidayFacts, action: HolidayAction) -> Prompt:
    """Why ``action`` is refused now (empty when it is allowed)."""
    if action in holiday_actions(f):
        return NO_PROMPT
    a = HolidayAction
    if action is a.SIGN and f.signed_at is not None:
        return prompt(f"已由{f.signed_by}于 {f.signed_at:%m-%d %H:%M} 审签。")
    if action is a.FILE:
        if f.filed_at is not None:
            return prompt(f"已于 {f.filed_at:%m-%d %H:%M} 报{f.filed_to}备案。")
        return prompt("请先由领导", Mention(a.SIGN, "审签"), "（领导本人输入密码），再报上级机关备案。")
    if f.notified_at is not None:
        return prompt(f"已于 {f.notified_at:%m-%d %H:%M} 通知。")
    return NO_PROMPT


def holiday_refusal(f: HolidayFacts, action: HolidayAction) -> str:
    return holiday_why_not(f, action).words()
