"""Residents: validated identities, no double registration, masked in lists
and in the operation log, corrections on the record."""

from __future__ import annotations

import pytest

from cunwu_tui.services import ValidationError

ID = "11010519491231002X"


@pytest.fixture
def s(services):
    clerk = services.staff.add("赵丽", "13903510004", ["文书"])
    services.set_operator(clerk.id)
    return services


def test_add_normalizes_and_masks(s):
    r = s.residents.add(" 王 桂英 ", "居民身份证", "110105 19491231 002x", "139-0351-0001", "一组", "青山村一组12号")
    assert (r.name, r.id_number, r.phone, r.group) == ("王 桂英", ID, "13903510001", "一组")
    assert r.masked_id == "110105********002X" and r.masked_phone == "139****0001"
    assert r.label == "王 桂英（一组，110105********002X）"


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (("", "居民身份证", ID), "name", "姓名"),
        (("张三", "居民身份证", ""), "id_number", "其他证件"),
        (("张三", "居民身份证", "110105194912310021"), "id_number", "校验"),
        (("张三", "居民身份证", "11010519990230002X"), "id_number", "日期"),
        (("张三", "居民身份证", "1101051949123100"), "id_number", "18"),
        (("张三", "护照", ""), "id_number", "护照号码"),
        (("张三", "驾驶证", "123"), "id_type", "证件类型"),
    ],
)
def test_bad_identity_saves_nothing(s, args, field, words):
    with pytest.raises(ValidationError) as exc:
        s.residents.add(*args)
    assert words in exc.value.errors[field]
    assert s.residents.search("") == []


def test_bad_phone(s):
    with pytest.raises(ValidationError) as exc:
        s.residents.add("张三", "居民身份证", ID, "12ab")
    assert "phone" in exc.value.errors


def test_other_documents(s):
    r = s.residents.add("John Smith", "护照", "E12345678")
    assert r.masked_id == "E1*****78"


def test_no_double_registration(s):
    s.residents.add("王桂英", "居民身份证", ID)
    with pytest.raises(ValidationError) as exc:
        s.residents.add("王贵英", "居民身份证", ID.lower())
    assert "王桂英" in exc.value.errors["id_number"]


def test_search_by_name_id_tail_and_phone(s):
    a = s.residents.add("王桂英", "居民身份证", ID, "13903510001", "一组")
    b = s.residents.add("李德全", "户口簿", "HK-3301", "0351-6012345")
    assert [r.id for r in s.residents.search("桂英")] == [a.id]
    assert [r.id for r in s.residents.search("002x")] == [a.id]
    assert [r.id for r in s.residents.search(ID)] == [a.id]
    assert [r.id for r in s.residents.search("2345")] == [b.id]
    assert s.residents.search("nobody") == []


def test_correction_is_on_the_record_masked(s):
    r = s.residents.add("王桂英", "居民身份证", ID, "13903510001")
    s.residents.update(r.id, "王桂英", "居民身份证", ID, "13903510002", "二组")
    e = s.audit.recent(1)[0]
    assert e.action == "修改" and e.subject == "王桂英"
    before, after = e.change
    assert before == "电话：139****0001\n村民小组：（空）" and after == "电话：139****0002\n村民小组：二组"
    added = s.audit.recent(2)[1].change[1]
    assert "110105********002X" in added and ID not in added
