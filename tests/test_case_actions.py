"""features.cases.actions: which actions a case allows, in the order offered,
and why one is refused (issue #17: decided once, for the screen and the
service alike)."""

from __future__ import annotations

from cunwu_tui.features.cases.actions import (
    NOTICES_SCREEN,
    CaseAction,
    CaseFacts,
    Mention,
    case_actions,
    prompt,
    refusal,
    why_not,
)

A = CaseAction


def test_an_open_case_at_a_step_offers_its_step_and_the_outcomes_in_order():
    f = CaseFacts("在办", current_step=2, promise_running=True, missing_documents=True)
    assert case_actions(f) == (
        A.COMPLETE_STEP,
        A.GO_BACK,
        A.POSTPONE,
        A.ESCALATE,
        A.CONCLUDE,
        A.REFUSE,
        A.LATE_DOCUMENTS,
        A.LETTER,
        A.RECEIPT,
        A.VOID,
    )
    assert refusal(f, A.COMPLETE_STEP) == ""


def test_a_step_held_by_its_notice_names_the_action_that_moves_it_on():
    block = prompt("本步须公示：", Mention(A.POST_NOTICE, "发布公示"), "，期满后才能完成。")
    f = CaseFacts("在办", current_step=9, notice_block=block)
    allowed = case_actions(f)
    assert A.POST_NOTICE in allowed and A.COMPLETE_STEP not in allowed
    assert why_not(f, A.COMPLETE_STEP) == block
    assert refusal(f, A.COMPLETE_STEP) == "本步须公示：发布公示，期满后才能完成。"  # words, no key
    assert block.action is A.POST_NOTICE
    assert block.render(lambda m: f"按 X {m.words}") == "本步须公示：按 X 发布公示，期满后才能完成。"
    # an upheld objection: send back first; waiting for the 公示 screen: nothing to press here
    back = prompt("异议成立：请", Mention(A.GO_BACK, "退回重新调查核实"), "。")
    assert A.POST_NOTICE not in case_actions(CaseFacts("在办", current_step=9, notice_block=back))
    wait = prompt("已期满，请在", Mention(NOTICES_SCREEN, "公示"), "中登记结果。")
    assert wait.action is None and wait.words() == "已期满，请在公示中登记结果。"


def test_choices_escalation_and_petitions():
    f = CaseFacts("待反馈", choosing=True, petition=True)
    assert case_actions(f)[:4] == (A.CHOOSE_BRANCH, A.GO_BACK, A.ACCEPT, A.FEEDBACK)
    assert refusal(f, A.COMPLETE_STEP) == "请先选择办理情况（分支）。"
    assert refusal(f, A.ESCALATE) == "该办件已待反馈，不能再办理此项。"
    assert refusal(f, A.POSTPONE) == "请先登记受理，再延长办理期限。"
    extended = CaseFacts("在办", petition=True, accepted=True, extension_days=30)
    assert refusal(extended, A.POSTPONE) == "已延长30日，不能再次延长。"
    assert refusal(extended, A.ACCEPT) == "已登记受理。"
    assert case_actions(CaseFacts("办结", petition=True))[0] is A.REVIEW
    assert refusal(CaseFacts("办结"), A.REVIEW) == "该办件不是信访件。"


def test_refused_and_voided_cases():
    f = CaseFacts("不予确认", refusal_beyond_authority=True)
    assert case_actions(f) == (
        A.LEADER_OPINION,
        A.REFUSAL_PAPER,
        A.TOLD,
        A.RETURN_MATERIALS,
        A.RECEIPT,
        A.VOID,
    )
    done = CaseFacts("不予受理", refusal_beyond_authority=True, refusal_opinion=True, refusal_told=True)
    assert refusal(done, A.LEADER_OPINION) == "领导意见已登记。"
    assert refusal(done, A.TOLD) == "书面告知已登记。"
    assert refusal(CaseFacts("不予受理"), A.LEADER_OPINION) == "该否定报备未报领导审核。"
    assert case_actions(CaseFacts("已作废", missing_documents=True)) == ()
    assert refusal(CaseFacts("已作废"), A.VOID) == "该办件已作废，不能再办理此项。"
    assert refusal(CaseFacts("在办", conclude_block="公示X尚未结束，不能办结。"), A.CONCLUDE).startswith("公示X")


def test_the_detail_screen_adds_its_keys_to_the_service_words():
    """The case screen shows what the services say with its own keys, as before
    the services stopped naming keys; the key line and the bindings come from
    its one table."""
    from cunwu_tui.features.cases.screens import CASE_KEYS, CaseDetailScreen, with_keys

    assert (
        with_keys(prompt("本步须公示：", Mention(A.POST_NOTICE, "发布公示"), "，…")) == "本步须公示：按 G 发布公示，…"
    )
    assert with_keys(prompt("请", Mention(A.GO_BACK, "退回重新调查核实"), "。")) == "请按 R 退回重新调查核实。"
    assert (
        with_keys(prompt("已期满，请在", Mention(NOTICES_SCREEN, "公示"), "中登记结果"))
        == "已期满，请在 F7 公示中登记结果"
    )
    assert {k.action for k in CASE_KEYS} == set(CaseAction)  # every action has its key
    assert len({k.key for k in CASE_KEYS}) == len(CASE_KEYS)
    bound = {b.key: b.action for b in CaseDetailScreen.BINDINGS}  # type: ignore[union-attr]
    assert all(bound[k.key.lower()] == k.method and hasattr(CaseDetailScreen, f"action_{k.method}") for k in CASE_KEYS)
