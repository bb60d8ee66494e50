"""One user action, one transaction (#17): posting a case's notice adds the
notice and puts it on the case's record in one write, so a failure leaves
neither (nor an audit record of either)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import func, select

from cunwu_tui.db.models import AuditLog, Notice
from cunwu_tui.services import SaveError, ValidationError
from cunwu_tui.features.cases.service import CaseIntake
from test_cases import Clock, s as s, staff_id, take_in  # s: the fixture (a clerk at work)


def _at_notice_step(s):
    row = take_in(s, seed="000_df0ea5699719fa07.txt")
    for n in (1, 2, 3):
        s.cases.complete_step(row.id, n)
    s.cases.choose(row.id, "")
    for n in (6, 7, 8):
        s.cases.complete_step(row.id, n)
    assert s.cases.detail(row.id).current_step == 9
    return row


def _counts(s) -> tuple[int, int]:
    with s.core.read() as session:
        notices = session.exec(select(func.count()).select_from(Notice)).one()
        audits = session.exec(select(func.count()).select_from(AuditLog)).one()
    return notices, audits


def _form(s, row) -> dict:
    """What the F7 form hands over for the case (its defaults, filled in)."""
    d = s.cases.notice_defaults(row.id)
    return dict(
        title="低保第一次公示：王桂英",
        kind=d["kind"],
        places=["公开栏"],
        start=datetime(2026, 10, 9, 9, 0),
        length=d["length"],
        unit=d["unit"],
        matter_code=d["matter_code"],
        case_ref=d["case_ref"],
        case_step=d["case_step"],
    )


def test_a_failing_link_leaves_no_notice_and_no_audit_row(s, monkeypatch):
    row = _at_notice_step(s)
    s.core.clock = Clock(datetime(2026, 10, 9, 9, 0))
    before = _counts(s)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(s.cases, "_event", broken)  # the link fails after the notice was added
    with pytest.raises(SaveError):
        s.cases.post_notice(row.id, **_form(s, row))
    with pytest.raises(SaveError):
        s.cases.publish_notice(row.id, "低保第一次公示：王桂英", "公开栏", datetime(2026, 10, 9, 9, 0), 7, "日")
    assert _counts(s) == before
    assert s.notices.for_case(row.number) == []
    monkeypatch.undo()
    assert "发布公示" in s.cases.detail(row.id).notice_block  # still waiting for its notice


def test_a_refused_link_leaves_no_notice(s):
    row = _at_notice_step(s)
    s.core.clock = Clock(datetime(2026, 10, 9, 9, 0))
    other = take_in(s)  # a case whose current step needs no notice
    before = _counts(s)
    with pytest.raises(ValidationError):
        s.cases.post_notice(other.id, **_form(s, row))
    assert _counts(s) == before


def test_posting_adds_and_links_in_one_action(s):
    row = _at_notice_step(s)
    s.core.clock = Clock(datetime(2026, 10, 9, 9, 0))
    notices, audits = _counts(s)
    info = s.cases.post_notice(row.id, **_form(s, row))
    assert _counts(s) == (notices + 1, audits + 2)  # the notice's 发布 and the case's 发布公示
    assert [n.id for n in s.notices.for_case(row.number)] == [info.id]
    assert [a.action for a in s.audit.recent(2)] == ["发布公示", "发布"]


def _case_count(s) -> int:
    from cunwu_tui.db.models import CaseRecord

    with s.core.read() as session:
        return session.exec(select(func.count()).select_from(CaseRecord)).one()


def test_a_duty_entry_taken_in_twice_leaves_no_second_case(s):
    """F6's 受理为办件: the case and the entry's link in one write (the intake
    form hands its arguments to duty.take_in)."""
    visit = s.duty.add_log("来访", "五组村民王某咨询低保", "已登记", at="2026-09-28 08:30")
    rid = s.residents.add("王桂英", "居民身份证", "11010519491231002X").id
    intake = CaseIntake("MS-DIBAO", rid, "来访", staff_id(s, "赵丽"), "承诺件", (), "来自值班记录", 20, "工作日")
    row = s.duty.take_in(visit.id, intake)
    assert s.duty.log(visit.id).case_number == row.number
    cases, audits = _case_count(s), _counts(s)[1]
    with pytest.raises(ValidationError, match="已受理为"):
        s.duty.take_in(visit.id, intake)
    assert (_case_count(s), _counts(s)[1]) == (cases, audits)
