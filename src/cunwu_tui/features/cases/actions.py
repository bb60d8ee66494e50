"""Which actions a case allows now, decided once (issue #17).

``case_actions(facts)`` says what can be done with a case in the order the
detail screen offers it; ``refusal(facts, action)`` says why an action is
not possible ("" when it is). The screen builds its keys, hint line and
help from these values; the service refuses a write with the same words.
Nothing here knows a key: a message that asks for an action names it with
a ``Mention`` inside a ``Prompt``, and whoever shows it adds its key.

Pure: the service hands in ``CaseFacts`` (plain values read from the case's
replay, its notices and its documents)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cunwu_tui.features.cases import rules
from cunwu_tui.domain.actions import NO_PROMPT, Mention, Prompt, prompt

__all__ = [
    "CANNOT",
    "NOTICES_SCREEN",
    "NO_PROMPT",
    "STATUSES",
    "CaseAction",
    "CaseFacts",
    "Mention",
    "Prompt",
    "case_actions",
    "prompt",
    "refusal",
    "why_not",
]


class CaseAction(str, Enum):
    """What can be done with a case; the value is its stable id."""

    COMPLETE_STEP = "complete_step"
    CHOOSE_BRANCH = "choose_branch"
    GO_BACK = "go_back"
    POST_NOTICE = "post_notice"
    LETTER = "letter"
    ESCALATE = "escalate"
    FEEDBACK = "feedback"
    CONCLUDE = "conclude"
    REFUSE = "refuse"
    LEADER_OPINION = "leader_opinion"
    TOLD = "told"
    RETURN_MATERIALS = "return_materials"
    ACCEPT = "accept"
    POSTPONE = "postpone"
    REVIEW = "review"
    VOID = "void"
    LATE_DOCUMENTS = "late_documents"
    RECEIPT = "receipt"
    REFUSAL_PAPER = "refusal_paper"


NOTICES_SCREEN = "notices"  # not a case action: the 公示 screen, where a notice's result is entered

RUNNING = (rules.OPEN, rules.ESCALATED)  # statuses of a case still being worked on
REFUSED_STATUSES = rules.REFUSAL_KINDS  # 不予受理 / 不予确认 as the row shows them

# The statuses (as shown: 不予确认 too) in which each action applies at all.
STATUSES: dict[CaseAction, tuple[str, ...]] = {
    CaseAction.COMPLETE_STEP: RUNNING,
    CaseAction.CHOOSE_BRANCH: RUNNING,
    CaseAction.GO_BACK: RUNNING,
    CaseAction.POST_NOTICE: RUNNING,
    CaseAction.ESCALATE: (rules.OPEN,),
    CaseAction.FEEDBACK: (rules.ESCALATED,),
    CaseAction.CONCLUDE: RUNNING,
    CaseAction.REFUSE: RUNNING,
    CaseAction.ACCEPT: RUNNING,
    CaseAction.POSTPONE: RUNNING,
    CaseAction.LATE_DOCUMENTS: RUNNING,
    CaseAction.LEADER_OPINION: REFUSED_STATUSES,
    CaseAction.TOLD: REFUSED_STATUSES,
    CaseAction.RETURN_MATERIALS: REFUSED_STATUSES,
    CaseAction.REFUSAL_PAPER: REFUSED_STATUSES,
    CaseAction.REVIEW: (rules.CONCLUDED,),
    CaseAction.VOID: (*RUNNING, rules.CONCLUDED, *REFUSED_STATUSES),
    CaseAction.LETTER: (*RUNNING, rules.CONCLUDED, *REFUSED_STATUSES),
    CaseAction.RECEIPT: (*RUNNING, rules.CONCLUDED, *REFUSED_STATUSES),
}

CANNOT = "该办件当前不能办理此项。"


@dataclass(frozen=True)
class CaseFacts:
    """What the rule needs to know about a case, as plain values."""

    status: str  # as shown: 在办, 待反馈, 办结, 不予受理, 不予确认, 已作废
    petition: bool = False
    accepted: bool = False  # 信访: the decision to accept is recorded
    extension_days: int = 0  # 信访: days the time limit was extended by
    promise_running: bool = False  # an open 承诺办结 deadline (an ordinary case can be postponed)
    choosing: bool = False  # a branch is to be chosen before the next step
    current_step: int | None = None
    all_steps_done: bool = False
    notice_block: Prompt = NO_PROMPT  # why the current step cannot be completed yet
    conclude_block: str = ""  # why 办结 would be refused now
    missing_documents: bool = False
    refusal_beyond_authority: bool = False  # the refusal went to a leader
    refusal_opinion: bool = False  # ... whose opinion is recorded
    refusal_told: bool = False  # the written notice of the refusal was handed over

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def can_complete_step(self) -> bool:
        return self.current_step is not None and not self.choosing and not self.notice_block


def case_actions(f: CaseFacts) -> tuple[CaseAction, ...]:
    """The actions the case allows now, in the order they are offered."""
    a = CaseAction
    out: list[CaseAction] = []
    status = f.status
    if f.running:
        if f.choosing:
            out.append(a.CHOOSE_BRANCH)
        elif f.current_step is not None:
            if f.can_complete_step:
                out.append(a.COMPLETE_STEP)
            if f.notice_block.action is a.POST_NOTICE:
                out.append(a.POST_NOTICE)
        out.append(a.GO_BACK)
        if f.petition and not f.accepted:
            out.append(a.ACCEPT)
        if (f.petition and f.accepted and not f.extension_days) or (not f.petition and f.promise_running):
            out.append(a.POSTPONE)
        out.append(a.FEEDBACK if status == rules.ESCALATED else a.ESCALATE)
        if not f.conclude_block:
            out.append(a.CONCLUDE)
        out.append(a.REFUSE)
        if f.missing_documents:
            out.append(a.LATE_DOCUMENTS)
    elif status in REFUSED_STATUSES:
        if f.refusal_beyond_authority and not f.refusal_opinion:
            out.append(a.LEADER_OPINION)
        out.append(a.REFUSAL_PAPER)
        if not f.refusal_told:
            out.append(a.TOLD)
        out.append(a.RETURN_MATERIALS)
    elif status == rules.CONCLUDED and f.petition:
        out.append(a.REVIEW)
    if status != rules.VOIDED:
        if f.missing_documents:
            out.append(a.LETTER)
        out += [a.RECEIPT, a.VOID]
    return tuple(out)


def refusal(f: CaseFacts, action: CaseAction) -> str:
    """Why ``action`` is not possible now, in words ("" when it is)."""
    return why_not(f, action).words()


def why_not(f: CaseFacts, action: CaseAction) -> Prompt:
    """Why ``action`` is not possible now (empty when it is); a blocked step
    names the action that moves it on."""
    if action in case_actions(f):
        return NO_PROMPT
    a = CaseAction
    step_held = f.running and f.current_step is not None and not f.choosing and bool(f.notice_block)
    if action in (a.COMPLETE_STEP, a.POST_NOTICE) and step_held:
        return f.notice_block
    return prompt(_why_not(f, action))


def _why_not(f: CaseFacts, action: CaseAction) -> str:
    a = CaseAction
    if f.status not in STATUSES[action]:
        return f"该办件已{f.status.removeprefix('已')}，不能再办理此项。"
    if action in (a.ACCEPT, a.REVIEW) and not f.petition:
        return "该办件不是信访件。"
    if action is a.COMPLETE_STEP:
        if f.choosing:
            return "请先选择办理情况（分支）。"
        if f.current_step is None:
            return "步骤已全部完成。"
        return CANNOT
    if action is a.CHOOSE_BRANCH:
        return "当前没有需要选择的办理情况。"
    if action is a.POST_NOTICE:
        if f.current_step is None or f.choosing:
            return "当前没有需要公示的步骤。"
        return "本步不需要再发布公示。"
    if action is a.CONCLUDE:
        return f.conclude_block or CANNOT
    if action is a.ACCEPT:
        return "已登记受理。"
    if action is a.POSTPONE:
        if not f.petition:
            return "本件没有在办的承诺办结期限，无需延期。"
        if not f.accepted:
            return "请先登记受理，再延长办理期限。"
        return f"已延长{f.extension_days}日，不能再次延长。"
    if action is a.LEADER_OPINION:
        return "领导意见已登记。" if f.refusal_opinion else "该否定报备未报领导审核。"
    if action is a.TOLD:
        return "书面告知已登记。"
    if action is a.LATE_DOCUMENTS:
        return "材料已全部收齐，不用补交。"
    if action is a.LETTER:
        return "材料已全部收齐，不用出具一次性告知书。"
    return CANNOT
