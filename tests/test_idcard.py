"""Resident identity card numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cunwu_tui.domain.idcard import birth_date, check_character, gender, mask_id_number, validate_id_number

SAMPLE = "11010519491231002X"
TODAY = date(2026, 6, 1)


def make(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    "text",
    [
        SAMPLE,
        "11010519491231002x",
        " 110105 19491231 002x ",
        "110105\u300019491231\u3000002X",
        "１１０１０５１９４９１２３１００２ｘ",
    ],
)
def test_valid_forms_normalize(text):
    assert validate_id_number(text) == SAMPLE


def test_more_valid_numbers():
    for first17 in ("44030420000229123", "51012319800101001", "65010219001231456"):
        number = make(first17)
        assert validate_id_number(number, today=TODAY) == number


def test_birth_date_and_gender():
    assert birth_date(SAMPLE) == date(1949, 12, 31)
    assert gender(SAMPLE) == "女"
    assert gender(make("11010519491231001")) == "男"


def test_wrong_check_digit():
    wrong = SAMPLE[:17] + "1"
    with pytest.raises(ValueError, match="校验码不正确"):
        validate_id_number(wrong)
    # Swapping two digits is caught as well.
    with pytest.raises(ValueError, match="未通过校验"):
        validate_id_number("11010519491213002X")


def test_impossible_birth_date():
    number = make("11010519990230123")
    with pytest.raises(ValueError, match="出生日期19990230不存在"):
        validate_id_number(number)
    with pytest.raises(ValueError, match="不存在"):
        validate_id_number(make("11010520230229123"))  # 2023 is not a leap year


def test_birth_date_range():
    with pytest.raises(ValueError, match="早于1900年"):
        validate_id_number(make("11010518991231123"))
    with pytest.raises(ValueError, match="晚于今天"):
        validate_id_number(make("11010520260602123"), today=TODAY)
    assert validate_id_number(make("11010520260601123"), today=TODAY)


@pytest.mark.parametrize("text", ["110105491231002", "１１０１０５４９１２３１００２", "110105 491231 002"])
def test_fifteen_digit_numbers_rejected(text):
    with pytest.raises(ValueError) as err:
        validate_id_number(text)
    assert "15位" in str(err.value) and "请使用18位身份证号" in str(err.value)


@pytest.mark.parametrize("text", ["1101051949123100", "11010519491231002X1", "1234"])
def test_wrong_length(text):
    with pytest.raises(ValueError) as err:
        validate_id_number(text)
    message = str(err.value)
    assert "18位" in message and f"现在是{len(text)}位" in message and "15位" in message


@pytest.mark.parametrize(
    "text", ["1101051949A231002X", "X1010519491231002X", "11010519491231002Y", "110105-9491231002X"]
)
def test_wrong_characters(text):
    with pytest.raises(ValueError, match="前17位应为数字"):
        validate_id_number(text)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty(text):
    with pytest.raises(ValueError, match="请填写身份证号"):
        validate_id_number(text)


def test_mask_examples():
    assert mask_id_number(SAMPLE) == "110105********002X"
    assert mask_id_number("110105 19491231 002X") == "110105********002X"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""
    assert mask_id_number("1") == "*"
    assert mask_id_number("1234") == "1**4"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_characters="*"), max_size=40))
def test_mask_never_reveals_more_than_6_plus_4(text):
    s = "".join(ch for ch in text if not ch.isspace())
    out = mask_id_number(text)
    assert len(out) == len(s)
    visible = [i for i, ch in enumerate(out) if ch != "*"]
    # Only the first 6 and the last 4 may show, unchanged.
    assert all(out[i] == s[i] for i in visible)
    assert all(i < 6 or i >= len(s) - 4 for i in visible)
    assert len(visible) <= 10
    # Short strings show proportionally less: at least 40% hidden.
    assert len(s) - len(visible) >= 0.4 * len(s)


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[1-6][0-9]{5}(19[0-9]{2}|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}", fullmatch=True)
)
def test_generated_numbers_round_trip(first17):
    number = make(first17)
    assert validate_id_number(number.lower()) == number
    assert mask_id_number(number) == number[:6] + "*" * 8 + number[-4:]
    # Changing any single digit of the first 17 fails validation.
    for i in range(17):
        digit = str((int(number[i]) + 1) % 10)
        with pytest.raises(ValueError):
            validate_id_number(number[:i] + digit + number[i + 1 :], today=date(2100, 1, 1))
