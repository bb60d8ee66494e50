"""features.seals.actions: which actions an entry of the seal register allows,
in the order offered, and why one is refused (issue #17)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from cunwu_tui.domain.actions import Mention
from cunwu_tui.features.seals.actions import SealAction, SealFacts, refusal, seal_actions, why_not

S = SealAction
N = "村委〔2026〕第015号"
AT = datetime(2026, 11, 23, 9, 30)


def test_a_pending_entry_is_approved_or_voided():
    f = SealFacts(N)
    assert f.pending and seal_actions(f) == (S.APPROVE, S.VOID)
    assert refusal(f, S.APPROVE) == refusal(f, S.VOID) == ""
    # re-registering needs the void first, and says which action that is
    p = why_not(f, S.CORRECT)
    assert p.words() == f"只能更正已作废的登记：{N} 尚未作废，请先作废。"
    assert p.action is S.VOID and Mention(S.VOID, "作废") in p.parts


def test_an_approved_entry_is_only_voided():
    f = SealFacts(N, approved_at=AT, approved_by="李秀英")
    assert not f.pending and seal_actions(f) == (S.VOID,)
    assert refusal(f, S.APPROVE) == f"{N} 已审批（李秀英，11-23 09:30）。"


def test_an_entry_from_before_pins_needs_no_approval():
    f = SealFacts(N, needs_approval=False)
    assert seal_actions(f) == (S.VOID,)
    assert refusal(f, S.APPROVE) == f"{N} 是本版以前的登记，无需审批。"


def test_a_voided_entry_is_registered_again_once():
    f = SealFacts(N, voided_at=AT)
    assert not f.pending and seal_actions(f) == (S.CORRECT,)
    assert refusal(f, S.APPROVE) == f"{N} 已作废，不能审批。"
    assert refusal(f, S.VOID) == f"{N} 已于 2026-11-23 09:30 作废。"
    done = SealFacts(N, voided_at=AT, corrected_by="村委〔2026〕第016号")
    assert seal_actions(done) == ()
    assert refusal(done, S.CORRECT) == f"{N} 已由 村委〔2026〕第016号 更正（重新登记）。"
    # a voided entry is never approved, even one that was pending
    assert refusal(SealFacts(N, voided_at=AT, approved_at=None), S.APPROVE).endswith("不能审批。")


@given(
    needs=st.booleans(),
    approved=st.booleans(),
    voided=st.booleans(),
    corrected=st.booleans(),
)
def test_allowed_exactly_when_there_is_no_reason(needs, approved, voided, corrected):
    f = SealFacts(
        N,
        needs_approval=needs,
        approved_at=AT if approved else None,
        approved_by="李秀英" if approved else "",
        voided_at=AT if voided else None,
        corrected_by="村委〔2026〕第016号" if corrected else "",
    )
    allowed = seal_actions(f)
    assert list(allowed) == sorted(allowed, key=list(S).index)  # offered in one order
    for action in S:
        assert (action in allowed) == (refusal(f, action) == "")
        assert (action in allowed) != bool(why_not(f, action))
    assert (S.APPROVE in allowed) == (needs and not approved and not voided)
    assert (S.VOID in allowed) == (not voided)
    assert (S.CORRECT in allowed) == (voided and not corrected)
