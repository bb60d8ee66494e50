"""Which actions an entry of the seal register allows now, decided once
(issue #17).

``seal_actions(facts)`` says what can be done with an entry in the order
the detail screen offers it; ``why_not(facts, action)`` says why an action
is refused (empty when it is not), naming the action that would help with a
``Mention``. The F5 detail builds its keys, key line and help from these
values; ``SealRegisterService`` refuses approve / void / correct inside its
write with the same words.

An entry is 待审批 until its approver types their own PIN (entries from
before PINs need no approval); it may be voided once; a voided entry may be
re-registered (corrected) once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from cunwu_tui.domain.actions import NO_PROMPT, Mention, Prompt, prompt


class SealAction(str, Enum):
    """What can be done with an entry of the seal register; the value is its stable id."""

    APPROVE = "approve"
    VOID = "void"
    CORRECT = "correct"


@dataclass(frozen=True)
class SealFacts:
    """What the rule needs to know about an entry, as plain values."""

    number: str
    needs_approval: bool = True  # entered after PINs existed: approval in person required
    approved_at: datetime | None = None
    approved_by: str = ""
    voided_at: datetime | None = None
    corrected_by: str = ""  # the number of the entry that re-registers it

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def pending(self) -> bool:
        """待审批: entered without the approver's PIN and not approved since."""
        return self.needs_approval and self.approved_at is None and not self.voided


def seal_actions(f: SealFacts) -> tuple[SealAction, ...]:
    """The actions the entry allows now, in the order they are offered."""
    out: list[SealAction] = []
    if f.pending:
        out.append(SealAction.APPROVE)
    if not f.voided:
        out.append(SealAction.VOID)
    elif not f.corrected_by:
        out.append(SealAction.CORRECT)
    return tuple(out)


def why_not(f: SealFacts, action: SealAction) -> Prompt:
    """Why ``action`` is refused now (empty when it is allowed)."""
    if action in seal_actions(f):
        return NO_PROMPT
    if action is SealAction.APPROVE:
        if f.voided:
            return prompt(f"{f.number} 已作废，不能审批。")
        if f.approved_at is not None:
            return prompt(f"{f.number} 已审批（{f.approved_by}，{f.approved_at:%m-%d %H:%M}）。")
        return prompt(f"{f.number} 是本版以前的登记，无需审批。")
    if action is SealAction.VOID:
        assert f.voided_at is not None
        return prompt(f"{f.number} 已于 {f.voided_at:%Y-%m-%d %H:%M} 作废。")
    if f.corrected_by:
        return prompt(f"{f.number} 已由 {f.corrected_by} 更正（重新登记）。")
    return prompt(f"只能更正已作废的登记：{f.number} 尚未作废，请先", Mention(SealAction.VOID, "作废"), "。")


def refusal(f: SealFacts, action: SealAction) -> str:
    """``why_not`` in words ("" when the action is allowed)."""
    return why_not(f, action).words()
