"""Phone numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cunwu_tui.domain.phone import is_mobile, mask_phone, validate_phone


@pytest.mark.parametrize(
    "text, expected",
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("１３８\u3000００１３\u3000８０００", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("19912345678", "19912345678"),
        ("0371-12345678", "0371-12345678"),
        ("037112345678", "0371-12345678"),
        ("0371 1234567", "0371-1234567"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("02187654321", "021-87654321"),
        ("０３７１－１２３４５６７８", "0371-12345678"),
        ("(0371)12345678", "0371-12345678"),
        ("（010）12345678", "010-12345678"),
        ("0371-12345678-123", "0371-12345678-123"),
        ("0371-12345678转8001", "0371-12345678-8001"),
    ],
)
def test_valid(text, expected):
    assert validate_phone(text) == expected
    assert validate_phone(expected) == expected  # normalized form is stable


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "请填写电话号码"),
        (None, "请填写电话号码"),
        ("1380013800", "手机号应为11位数字，现在是10位"),
        ("138001380001", "现在是12位"),
        ("12800138000", "第二位应为3至9"),
        ("12345678", "请加区号"),
        ("1234567", "请加区号"),
        ("0371-123456", "座机号码不正确"),
        ("0371-123456789", "座机号码不正确"),
        ("0371-12345678-1234567", "座机号码不正确"),
        ("0012345678", "区号不正确"),
        ("138O0138000", "无法识别的字符"),
        ("电话", "无法识别的字符"),
        ("400-123-4567", "电话号码格式不正确"),
        ("110", "电话号码格式不正确"),
    ],
)
def test_invalid(text, fragment):
    with pytest.raises(ValueError) as err:
        validate_phone(text)
    assert fragment in str(err.value)


def test_mask():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("0371-12345678") == "0371-****5678"
    assert mask_phone("010-1234567-12") == "010-***4567-12"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""
    assert mask_phone("12345") == "1***5"


def test_is_mobile():
    assert is_mobile("13812345678")
    assert not is_mobile("0371-12345678")
    assert not is_mobile("")


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobiles(number):
    assert validate_phone(number) == number
    assert validate_phone(" ".join([number[:3], number[3:7], number[7:]])) == number
    assert mask_phone(number) == number[:3] + "****" + number[7:]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_validate_raises_only_value_error_and_mask_hides(text):
    try:
        validate_phone(text)
    except ValueError:
        pass
    out = mask_phone(text)
    compact = "".join(ch for ch in text if not ch.isspace())
    # Something is always hidden, and at most 3 + 4 characters show of an
    # invalid number.
    assert "*" in out or not compact
    try:
        validate_phone(text)
    except ValueError:
        assert len(out) == len(compact)
        assert sum(1 for a, b in zip(out, compact) if a == b and a != "*") <= 7
