"""The step flow of a case: order, branches, returns, going back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cunwu_tui.features.cases.flow import BACK, BRANCH, CONTINUE, DONE, Flow, FlowError, FlowEvent, FlowStep
from cunwu_tui.features.lookup.catalog import load_catalog


def done(n):
    return FlowEvent(DONE, n)


def pick(label, step=None):
    return FlowEvent(BRANCH, step, label)


def flow_of(code: str, seed_prefix: str = "") -> Flow:
    m = load_catalog().by_code(code)
    steps = [s for s in m.steps if not seed_prefix or (s.seed or m.seeds[0]).startswith(seed_prefix)]
    return Flow([FlowStep(s.order, s.text, s.branch, s.next_on_branch, s.notice is not None) for s in steps])


def test_main_line_in_order():
    f = Flow([FlowStep(1, "申请"), FlowStep(2, "审查"), FlowStep(3, "办结")])
    s = f.initial()
    assert s.current == 1 and not s.finished
    with pytest.raises(FlowError, match="按顺序"):
        f.apply(s, done(2))
    s = f.replay([done(1), done(2), done(3)])
    assert s.finished and s.current is None and s.done == (1, 2, 3)


def test_dibao_refusal_branch_and_continue():
    f = flow_of("MS-DIBAO", "000")
    s = f.replay([done(1), done(2), done(3)])
    assert s.current is None and [c.label for c in s.choices] == ["未通过", CONTINUE]
    with pytest.raises(FlowError, match="选择办理情况"):
        f.apply(s, done(4))
    passed = f.apply(s, pick(CONTINUE))
    assert passed.current == 6 and passed.path == ("继续主线（不属于以上情况）",)
    refused = f.replay([done(1), done(2), done(3), pick("未通过"), done(4), done(5)])
    # after the 未通过 group the flow goes on to the next main-line step: the clerk
    # ends the case with a refusal (the case service), the flow does not guess
    assert refused.current == 6


def test_objection_then_second_notice():
    f = flow_of("MS-DIBAO", "000")
    events = [done(1), done(2), done(3), pick(CONTINUE), done(6), done(7), done(8), done(9)]
    s = f.replay(events)
    assert [c.label for c in s.choices] == ["有异议", CONTINUE]
    s = f.replay(events + [pick("有异议"), done(10)])
    assert s.current == 11
    s = f.replay(events + [pick(CONTINUE)])
    assert s.current == 11


def test_two_sided_branch_offers_both():
    f = flow_of("PA-XINFANG", "000")
    s = f.replay([done(1), done(2), done(3)])
    assert [c.label for c in s.choices] == ["职责范围内事项", "职责范围外事项", CONTINUE]
    inside = f.replay([done(1), done(2), done(3), pick("职责范围内事项")] + [done(n) for n in range(4, 10)])
    # the sibling group is still offered (the catalog does not say which branches nest)
    assert [c.label for c in inside.choices] == ["职责范围外事项", CONTINUE]
    after = f.apply(inside, pick(CONTINUE))
    assert after.current == 14
    outside = f.replay([done(1), done(2), done(3), pick("职责范围外事项")] + [done(n) for n in range(10, 14)])
    assert outside.current == 14 and outside.path == ("职责范围外事项",)


def test_next_on_branch_returns():
    f = flow_of("ST-RENJU-HUANJING")
    s = f.replay([done(n) for n in range(1, 6)])
    assert [c.label for c in s.choices] == ["村民有合理化建议", CONTINUE]
    s = f.replay([done(n) for n in range(1, 6)] + [pick("村民有合理化建议"), done(6)])
    assert s.current == 3  # back to 根据会商意见对方案进行修改完善
    s = f.replay([done(n) for n in range(1, 6)] + [pick(CONTINUE), done(7)])
    assert s.finished


def test_back_only_to_a_reached_step():
    f = Flow([FlowStep(1, "a"), FlowStep(2, "入户调查"), FlowStep(3, "公示", needs_notice=True), FlowStep(4, "上报")])
    s = f.replay([done(1), done(2)])
    with pytest.raises(FlowError, match="尚未办到"):
        f.apply(s, FlowEvent(BACK, 4))
    back = f.apply(s, FlowEvent(BACK, 2))
    assert back.current == 2 and back.done == (1, 2)
    again = f.replay([done(1), done(2), FlowEvent(BACK, 2), done(2), done(3), done(4)])
    assert again.finished and again.done == (1, 2, 2, 3, 4)


def test_flow_starting_with_a_branch_and_ending_in_one():
    f = Flow([FlowStep(1, "x", "甲"), FlowStep(2, "y", "乙"), FlowStep(3, "z"), FlowStep(4, "w", "丙")])
    s = f.initial()
    assert [c.label for c in s.choices] == ["甲", "乙", CONTINUE]
    s = f.apply(s, pick("乙"))
    s = f.apply(s, done(2))
    assert s.current == 3
    s = f.apply(s, done(3))
    assert [(c.label, c.first_step) for c in s.choices] == [("丙", 4), (CONTINUE, None)]
    assert f.apply(s, pick(CONTINUE)).finished


def test_every_catalog_flow_can_be_finished():
    """Walking any matter always taking the first choice ends (no cycles
    without a way out: a return is taken once, then 继续主线)."""
    cat = load_catalog()
    for m in cat:
        for seed in m.variants():
            steps = [s for s in m.steps if (s.seed or m.seeds[0]) == seed]
            if not steps:
                continue
            f = Flow([FlowStep(s.order, s.text, s.branch, s.next_on_branch) for s in steps])
            s = f.initial()
            returned: set[int] = set()
            for _ in range(500):
                if s.finished:
                    break
                if s.choices:
                    c = next((c for c in s.choices if c.label and c.first_step not in returned), s.choices[-1])
                    if c.first_step is not None:
                        returned.add(c.first_step)
                    s = f.apply(s, pick(c.label))
                else:
                    s = f.apply(s, done(s.current))
            assert s.finished, (m.code, seed)


labels = st.sampled_from(["", "", "", "甲", "乙"])


@st.composite
def flows(draw):
    n = draw(st.integers(1, 10))
    steps = [FlowStep(i, f"第{i}步", draw(labels)) for i in range(1, n + 1)]
    return Flow(steps)


@settings(max_examples=200, deadline=None)
@given(flows(), st.lists(st.integers(0, 100), max_size=40))
def test_any_valid_walk_keeps_the_invariants(flow, picks):
    s = flow.initial()
    for p in picks:
        if s.finished:
            break
        if s.choices:
            c = s.choices[p % len(s.choices)]
            s = flow.apply(s, pick(c.label, c.first_step))
            assert c.first_step is None or s.current == c.first_step or s.choices
        elif p % 7 == 0 and s.reached:
            target = sorted(s.reached)[p % len(s.reached)]
            s = flow.apply(s, FlowEvent(BACK, target))
            assert s.current == target
        else:
            before = s.current
            s = flow.apply(s, done(before))
            assert s.done[-1] == before
        assert (s.current is None) == (s.finished or bool(s.choices))
        assert s.current is None or s.current in s.reached
        # a decision offers only steps still ahead, and always 继续主线 last
        if s.choices:
            assert s.choices[-1].label == CONTINUE
