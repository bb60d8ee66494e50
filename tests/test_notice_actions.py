"""features.notices.actions: which actions a notice allows, in the order
offered, and why one is refused (issue #17)."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from cunwu_tui.features.notices import rules
from cunwu_tui.features.notices.actions import NoticeAction, NoticeFacts, notice_actions, refusal, why_not

A = NoticeAction
START = datetime(2026, 11, 23, 10, 0)
END = date(2026, 11, 30)


def facts(status: str, **kw) -> NoticeFacts:
    return NoticeFacts(status, START, END, **kw)


def test_a_notice_not_yet_started_is_withdrawn_or_printed():
    f = facts(rules.PENDING)
    assert notice_actions(f) == (A.WITHDRAW, A.BOARD_LIST)
    assert refusal(f, A.OBJECTION) == "公示 2026-11-23 10:00 才开始，还不能登记异议。"
    assert refusal(f, A.HANDLE) == "没有待处理的异议。"
    assert refusal(f, A.CLOSE) == "公示期到 2026-11-30 才满，期满前不能结束。"


def test_a_running_notice_takes_objections_and_closes_on_its_end_day():
    f = facts(rules.RUNNING)
    assert notice_actions(f) == (A.OBJECTION, A.WITHDRAW, A.BOARD_LIST)
    assert refusal(f, A.CLOSE) == "公示期到 2026-11-30 才满，期满前不能结束。"
    assert notice_actions(facts(rules.RUNNING, ends_today=True)) == (A.OBJECTION, A.CLOSE, A.WITHDRAW, A.BOARD_LIST)
    assert notice_actions(facts(rules.EXPIRED)) == (A.OBJECTION, A.CLOSE, A.WITHDRAW, A.BOARD_LIST)


def test_an_open_objection_is_handled_before_the_close():
    f = facts(rules.EXPIRED, open_objections=2)
    assert notice_actions(f) == (A.OBJECTION, A.HANDLE, A.WITHDRAW, A.BOARD_LIST)
    p = why_not(f, A.CLOSE)
    assert p.words() == "还有 2 条异议未处理，请先登记处理结果。" and p.action is A.HANDLE
    # before the end day the period is the reason, as the service always said first
    assert refusal(facts(rules.RUNNING, open_objections=1), A.CLOSE).startswith("公示期到")


def test_a_closed_or_withdrawn_notice_is_only_printed():
    closed = facts(rules.CLOSED, result=rules.NO_OBJECTION)
    withdrawn = facts(rules.WITHDRAWN)
    for f in (closed, withdrawn):
        assert notice_actions(f) == (A.BOARD_LIST,)
    for action in (A.OBJECTION, A.HANDLE, A.CLOSE, A.WITHDRAW):
        assert refusal(closed, action) == "该公示已结束（无异议）。"
        assert refusal(withdrawn, action) == "该公示已撤回。"


@given(
    status=st.sampled_from([rules.PENDING, rules.RUNNING, rules.EXPIRED, rules.CLOSED, rules.WITHDRAWN]),
    ends_today=st.booleans(),
    open_objections=st.integers(0, 3),
)
def test_allowed_exactly_when_there_is_no_reason(status, ends_today, open_objections):
    f = facts(status, ends_today=ends_today, open_objections=open_objections, result=rules.HANDLED)
    allowed = notice_actions(f)
    assert list(allowed) == sorted(allowed, key=list(A).index)
    for action in A:
        assert (action in allowed) == (refusal(f, action) == "")
    assert A.BOARD_LIST in allowed
    assert (A.CLOSE in allowed) == (
        not open_objections and (status == rules.EXPIRED or (status == rules.RUNNING and ends_today))
    )
    assert not (A.CLOSE in allowed and A.HANDLE in allowed)
