"""features.duty.actions: what a month's rota, a duty log entry and a long
holiday's rota allow, in the order offered, and why an action is refused
(issue #17)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from cunwu_tui.features.duty.rules import INTAKE_CHANNELS, LOG_KINDS
from cunwu_tui.features.duty.actions import (
    HolidayAction,
    HolidayFacts,
    LogAction,
    LogFacts,
    RotaAction,
    RotaFacts,
    holiday_actions,
    holiday_refusal,
    holiday_why_not,
    log_actions,
    log_refusal,
    redo,
    rota_actions,
    rota_refusal,
    rota_why_not,
)

R = RotaAction
AT = datetime(2026, 11, 20, 9, 5)


def test_a_month_without_a_rota_is_generated_first():
    f = RotaFacts("2026年12月")
    assert rota_actions(f) == (R.GENERATE,)
    p = rota_why_not(f, R.PUBLISH)
    assert p.words() == "2026年12月还没有值班表：请先生成值班表。" and p.action is R.GENERATE
    assert rota_refusal(f, R.REPLAN) == "值班表还没有发布：草稿请直接重新生成。"
    assert redo(f).target is R.GENERATE


def test_a_draft_is_generated_again_or_published():
    f = RotaFacts("2026年12月", exists=True)
    assert rota_actions(f) == (R.GENERATE, R.PUBLISH)
    assert rota_refusal(f, R.REPLAN) == "值班表还没有发布：草稿请直接重新生成。"
    assert redo(f).words == "重新生成草稿"


def test_a_published_month_is_only_replanned():
    f = RotaFacts("2026年11月", exists=True, published_at=AT)
    assert rota_actions(f) == (R.REPLAN,)
    assert rota_refusal(f, R.PUBLISH) == "2026年11月的值班表已于 11-20 09:05 发布。"
    p = rota_why_not(f, R.GENERATE)
    assert p.words() == (
        "2026年11月的值班表已发布，不能重新生成：请逐日调整，或从某一天起重新安排（写明原因，记录在案）。"
    )
    assert p.action is R.REPLAN
    assert redo(f).target is R.REPLAN and redo(f).words == "从某一天起重新安排"


@given(exists=st.booleans(), published=st.booleans())
def test_rota_allowed_exactly_when_there_is_no_reason(exists, published):
    f = RotaFacts("2026年12月", exists=exists or published, published_at=AT if published else None)
    allowed = rota_actions(f)
    for action in R:
        assert (action in allowed) == (rota_refusal(f, action) == "")
    assert (R.GENERATE in allowed) != (R.REPLAN in allowed)  # G always does exactly one of them
    assert redo(f).target in allowed


def test_a_visit_or_letter_is_taken_in_once():
    for kind in INTAKE_CHANNELS:
        assert log_actions(LogFacts(kind)) == (LogAction.TAKE_IN,)
    assert log_refusal(LogFacts("来访"), LogAction.TAKE_IN) == ""
    assert log_refusal(LogFacts("来访", voided=True), LogAction.TAKE_IN) == "这条记录已作废。"
    taken = LogFacts("来信", case_number="受理〔2026〕第003号")
    assert log_actions(taken) == ()
    assert log_refusal(taken, LogAction.TAKE_IN) == "这条记录已受理为 受理〔2026〕第003号。"


@given(kind=st.sampled_from(LOG_KINDS), voided=st.booleans(), taken=st.booleans())
def test_log_allowed_exactly_when_there_is_no_reason(kind, voided, taken):
    f = LogFacts(kind, voided, "受理〔2026〕第003号" if taken else "")
    allowed = log_actions(f)
    assert (LogAction.TAKE_IN in allowed) == (log_refusal(f, LogAction.TAKE_IN) == "")
    assert (LogAction.TAKE_IN in allowed) == (kind in INTAKE_CHANNELS and not voided and not taken)
    if kind not in INTAKE_CHANNELS:
        assert log_refusal(f, LogAction.TAKE_IN) == f"{kind}记录不能受理为办件（只有来访、来信）。"


H = HolidayAction


def test_a_holiday_rota_is_signed_then_filed_and_told_any_time():
    f = HolidayFacts("2027年春节")
    assert holiday_actions(f) == (H.SIGN, H.NOTIFY)
    p = holiday_why_not(f, H.FILE)
    assert p.words() == "请先由领导审签（领导本人输入密码），再报上级机关备案。" and p.action is H.SIGN
    signed = HolidayFacts("2027年春节", signed_at=AT, signed_by="王建国")
    assert holiday_actions(signed) == (H.FILE, H.NOTIFY)
    assert holiday_refusal(signed, H.SIGN) == "已由王建国于 11-20 09:05 审签。"
    done = HolidayFacts("2027年春节", AT, "王建国", AT, "柳河镇党政办", AT)
    assert holiday_actions(done) == ()
    assert holiday_refusal(done, H.FILE) == "已于 11-20 09:05 报柳河镇党政办备案。"
    assert holiday_refusal(done, H.NOTIFY) == "已于 11-20 09:05 通知。"
    # where no PINs are kept (a rota service alone), filing needs no signature
    assert H.FILE in holiday_actions(HolidayFacts("2027年春节", signature_required=False))


@given(st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_holiday_allowed_exactly_when_there_is_no_reason(signed, filed, told, required):
    f = HolidayFacts(
        "2027年春节",
        AT if signed else None,
        "王建国" if signed else "",
        AT if filed else None,
        "柳河镇党政办" if filed else "",
        AT if told else None,
        required,
    )
    for action in H:
        assert (action in holiday_actions(f)) == (not holiday_refusal(f, action)), action
