"""Residents: validated identities, no double registration, masked in lists
and in the operation log, corrections on the record."""

from __future__ import annotations

import pytest

from cunwu_tui.features.cases.service import CaseIntake
from cunwu_tui.services import ValidationError
from identity_helpers import add_person, PIN

ID = "11010519491231002X"


@pytest.fixture
def s(services):
    clerk = add_person(services, "赵丽", "13903510004", ["文书"])
    services.set_operator(clerk.id, PIN)
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


# ---------------------------------------------------------------------------
# The register: pages, search by name / ID tail / phone / group, merging a duplicate


def _many(s, n=25):
    from cunwu_tui.services.demo_base import demo_id_number

    out = []
    for i in range(n):
        out.append(
            s.residents.add(
                f"村民{i:02d}",
                "居民身份证",
                demo_id_number("19600101", f"{i + 100:03d}"),
                f"139035{i:05d}",
                "一组" if i % 2 else "二组",
            )
        )
    return out


def test_register_pages_and_searches(s):
    people = _many(s)
    first = s.residents.page("", 0, 10)
    assert first.total == 25 and len(first.items) == 10 and (first.page, first.pages) == (1, 3)
    last = s.residents.page("", 20, 10)
    assert len(last.items) == 5 and last.page == 3
    assert s.residents.page("", 999, 10).page == 3  # past the end: the last page
    assert {r.name for r in s.residents.page("二组", 0, 50).items} == {p.name for p in people[::2]}
    tail = people[7].id_number[-4:]
    assert [r.id for r in s.residents.page(tail).items] == [people[7].id]
    assert [r.id for r in s.residents.page("00007").items] == [people[7].id]  # phone tail
    assert s.residents.page("村民1").total == 10


def test_merge_a_duplicate_with_a_reason(s):
    kept = s.residents.add("王桂英", "居民身份证", ID, "13903510001", "一组")
    dup = s.residents.add("王桂英", "户口簿", "A1234567", "", "一组")
    with pytest.raises(ValidationError, match="原因"):
        s.residents.merge(dup.id, kept.id, " ")
    with pytest.raises(ValidationError, match="自己"):
        s.residents.merge(dup.id, dup.id, "重复")
    merged = s.residents.merge(dup.id, kept.id, "同一人用户口簿重复登记")
    assert merged.merged_into == kept.id and merged.merge_reason == "同一人用户口簿重复登记"
    assert s.residents.registrations(kept.id) == (kept.id, dup.id)
    # the duplicate is no longer offered for a new case, but stays in the register, marked
    assert [r.id for r in s.residents.search("王桂英")] == [kept.id]
    assert {r.id: r.merged_into for r in s.residents.page("王桂英").items} == {kept.id: None, dup.id: kept.id}
    with pytest.raises(ValidationError, match="已合并"):
        s.residents.merge(dup.id, kept.id, "再合并")
    log = s.audit.recent(1)[0]
    assert log.action == "合并" and ID not in str(log)
    # the merge record is append-only: the database refuses to change it
    import sqlite3

    from sqlalchemy.engine import make_url

    con = sqlite3.connect(make_url(str(s.core.engine.url)).database)
    for sql in ("DELETE FROM resident_merge", "UPDATE resident_merge SET reason = 'x'"):
        with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
            con.execute(sql)
    con.close()


def test_a_residents_cases_in_every_status_with_its_duplicates(s):
    kept = s.residents.add("王桂英", "居民身份证", ID, "13903510001", "一组")
    dup = s.residents.add("王桂英", "户口簿", "A1234567")
    clerk = next(p.id for p in s.staff.list())
    n = len(s.cases.intake_defaults("MS-HUKOU-QIANYI").documents)
    a = s.cases.add(CaseIntake("MS-HUKOU-QIANYI", kept.id, "来访", clerk, "即办件", [True] * n))
    b = s.cases.add(CaseIntake("MS-HUKOU-QIANYI", dup.id, "来访", clerk, "即办件", [True] * n))
    s.cases.conclude(a.id, "已办")
    s.residents.merge(dup.id, kept.id, "重复登记")
    rows = s.cases.for_residents(s.residents.registrations(kept.id))
    assert {r.number: r.status for r in rows} == {a.number: "办结", b.number: "在办"}


def test_the_picker_lists_names_beginning_with_what_was_typed_first(services):
    """The applicant picker (F4): every match, those whose name begins with
    what was typed first, each part in name order; merged duplicates out."""
    s = services
    for i, (name, group) in enumerate(
        (("王桂英", "一组"), ("小王", "二组"), ("王明", "三组"), ("李秀英", "王家组"), ("赵王氏", "一组"))
    ):
        s.residents.add(name, "户口簿", f"HK{i:04d}", "", group)
    got = [r.name for r in s.residents.search("王", 50)]
    assert got == ["王明", "王桂英", "小王", "赵王氏"]
    assert [r.name for r in s.residents.search("王", 3)] == ["王明", "王桂英", "小王"]
    assert [r.name for r in s.residents.search("王家组", 50)] == ["李秀英"]  # a 村民小组, as before
    assert [r.name for r in s.residents.search("秀英", 50)] == ["李秀英"]


# -- the name index (resident_search_char, #18) ---------------------------------

_NAMES = ("王秀英", "李秀兰", "张英", "秀", "王", "李王英", "赵丽", "英秀", "𠮷秀英", "Ｌｉ秀")


def _plain(services, query: str) -> set[int]:
    """What a search of names must find, by reading every resident."""
    from cunwu_tui.domain.inputs import search_key

    q = search_key(query)
    with services.core.read() as s:
        rows = s.connection().exec_driver_sql("SELECT id, name FROM resident").all()
    return {rid for rid, name in rows if q in name}


def test_a_part_of_a_given_name_is_found_through_the_index_as_by_reading_every_name(services):
    """Registrations and corrections keep the index: every search of part of
    a name finds exactly the residents a plain reading finds."""
    s = services
    ids = [s.residents.add(n, "户口簿", f"HK{i:04d}").id for i, n in enumerate(_NAMES)]
    s.residents.update(ids[0], "王丽英", "户口簿", "HK0000")  # 秀 gone, 丽 new
    s.residents.update(ids[6], "赵秀丽", "户口簿", "HK0006")
    for q in ("秀英", "秀", "英", "丽", "王秀", "丽英", "𠮷", "LI", "ｌｉ秀", "秀 英", "无此人"):
        found = {r.id for r in s.residents.search(q, 100)}
        assert found == _plain(s, q), q
        assert {r.id for r in s.residents.page(q, 0, 100).items} == found, q
    assert [r.name for r in s.residents.search("秀英", 100)] == ["𠮷秀英"]  # 王秀英 became 王丽英
    assert {r.name for r in s.residents.search("丽英", 100)} == {"王丽英"}


def test_residents_copied_in_without_the_index_are_indexed_at_start(services):
    """A row the index lacks (an older version's, or copied in) is indexed by
    the start-up check (CaseService.resummarize_all), and then found."""
    s = services
    with s.core.write() as w:
        w.connection().exec_driver_sql(
            "INSERT INTO resident (name, id_type, id_number, phone, group_name, address, note, created_at) "
            "VALUES ('周秀芝', '户口簿', 'HK9', '', '', '', '', '2026-01-05 09:00:00')"
        )
    assert s.residents.search("秀芝", 10) == []  # not indexed yet: the index is what is read
    s.cases.resummarize_all()
    assert [r.name for r in s.residents.search("秀芝", 10)] == ["周秀芝"]
    assert s.residents.reindex() == 0  # nothing left to do


def test_the_migration_indexes_the_residents_already_registered(tmp_path):
    from sqlalchemy import text

    from cunwu_tui.db.engine import make_engine, upgrade
    from cunwu_tui.services import open_services

    url = "sqlite:///" + str(tmp_path / "old.db")
    engine = make_engine(url)
    upgrade(engine, "0016")
    with engine.begin() as conn:
        for name in ("王秀英", "李秀兰"):
            conn.execute(
                text(
                    "INSERT INTO resident (name, id_type, id_number, phone, group_name, address, note, created_at)"
                    " VALUES (:n, '户口簿', :n, '', '', '', '', '2026-01-05 09:00:00')"
                ),
                {"n": name},
            )
    engine.dispose()
    services = open_services(url)
    try:
        assert [r.name for r in services.residents.search("秀英", 10)] == ["王秀英"]
        assert [r.name for r in services.residents.search("秀", 10)] == ["李秀兰", "王秀英"]
    finally:
        services.close()
