"""#18: F5 and F7 list a page and give the totals; the page is the head of
the whole list in the same order, the totals are the whole list's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cunwu_tui.features.notices import rules


def test_notice_page_is_the_head_of_the_list(demo_services):
    s = demo_services
    for status in (None, rules.RUNNING, rules.EXPIRED, rules.PENDING, rules.CLOSED, rules.WITHDRAWN):
        whole = s.notices.list(status)
        for limit in range(1, len(whole) + 2):
            infos, total = s.notices.page(status, limit)
            assert total == len(whole)
            assert infos == whole[:limit], (status, limit)


def test_seal_tally_counts_what_the_list_gives(demo_services):
    s = demo_services
    seals = [None, *[x.id for x in s.seals.list()]]
    for seal_id in seals:
        for major in (None, True, False):
            for voided in (None, True, False):
                for search in ("", "证明"):
                    f = dict(seal_id=seal_id, major=major, voided=voided, search=search)
                    whole = s.seal_register.list(**f)
                    assert s.seal_register.tally(**f) == (len(whole), sum(u.copies for u in whole if not u.voided))
                    assert s.seal_register.list(**f, limit=3) == whole[:3]
    month = s.seal_register.list()[0].used_at.strftime("%Y-%m")
    whole = s.seal_register.list(month=month)
    assert s.seal_register.tally(month=month)[0] == len(whole)


def test_pending_seal_uses_are_the_unapproved_ones(demo_services):
    s = demo_services
    want = [u for u in s.seal_register.list() if u.pending]
    assert sorted(u.id for u in s.seal_register.pending()) == sorted(u.id for u in want)
    assert s.seal_register.pending_count() == len(want)  # what the 工作台 says, without reading them all
    staff = {p.name: p.id for p in s.staff.list()}
    seal = next(x for x in s.seals.list() if x.name == "村(居)委会印章")
    for i in range(4):  # entered without the approver's PIN: waiting
        s.seal_register.add(
            seal.id, f"待批{i}", "事由", 1, "本村存档", applicant_id=staff["赵丽"], approver_id=staff["李秀英"]
        )
    every = s.seal_register.pending()
    assert len(every) == len(want) + 4 == s.seal_register.pending_count()
    assert s.seal_register.pending(limit=3) == every[:3]

    from cunwu_tui.features.seals.screens import seal_lines

    panel = seal_lines(s, s.today(), None).plain
    assert f"待审批 {len(every)} 条" in panel and panel.count("（李秀英）") == 3 and "等" in panel


def test_case_pages_put_together_are_the_whole_list(demo_services):
    """Any page size: the pages in turn give the whole list once, in its
    order (a deadline running first, nearest first; then newest first), and
    the total is the list's length."""
    from cunwu_tui.features.cases import rules as case_rules

    s = demo_services
    today = s.core.now().date()
    for f in case_rules.FILTERS:
        for query in ("", "王", "2026"):
            whole = s.cases.page(f, query, today, 0, 10_000)
            assert not whole.more
            assert whole.total in (None, len(whole.rows)) and (whole.total is None) == bool(query)
            due = [r for r in whole.rows if r.next_due is not None]
            rest = [r for r in whole.rows if r.next_due is None]
            assert list(whole.rows) == due + rest, f
            assert [r.next_due for r in due] == sorted(r.next_due for r in due)
            assert [r.id for r in rest] == sorted((r.id for r in rest), reverse=True)
            for size in (1, 2, 3, 7):
                got, offset = [], 0
                while True:
                    page = s.cases.page(f, query, today, offset, size)
                    got += page.rows
                    offset += size
                    if not page.more:
                        break
                    assert len(page.rows) == size
                assert got == list(whole.rows), (f, query, size)


def test_overdue_and_soon_pages_hold_exactly_those_cases(demo_services):
    from cunwu_tui.features.cases import rules as case_rules

    s = demo_services
    today = s.core.now().date()
    every = s.cases.page(case_rules.F_ALL, "", today, 0, 10_000).rows
    overdue = s.cases.page(case_rules.F_OVERDUE, "", today, 0, 10_000).rows
    soon = s.cases.page(case_rules.F_SOON, "", today, 0, 10_000).rows
    assert {r.id for r in overdue} == {r.id for r in every if r.overdue}
    assert {r.id for r in soon} == {r.id for r in every if r.soon and not r.overdue}


def test_notice_and_seal_pages_from_any_offset(demo_services):
    s = demo_services
    for status in (None, rules.RUNNING, rules.EXPIRED, rules.PENDING, rules.CLOSED, rules.WITHDRAWN):
        whole = s.notices.list(status)
        for size in (1, 2, 5):
            got = []
            for offset in range(0, len(whole) + size, size):
                infos, total = s.notices.page(status, size, offset=offset)
                assert total == len(whole)
                got += infos
            assert got == whole, (status, size)
    whole = s.seal_register.list()
    for size in (1, 4):
        got = []
        for offset in range(0, len(whole) + size, size):
            got += s.seal_register.list(limit=size, offset=offset)
        assert got == whole


async def test_lists_read_the_next_page_as_the_cursor_goes_down(demo_db, monkeypatch):
    """F4, F5 and F7 at 80x24 with a page of 3: the table holds a page or
    two, Down reads the next before the cursor reaches the end, and every
    entry is reached in the list's order."""
    from cunwu_tui.ui.app import CunwuApp
    from cunwu_tui.features.cases.screens import CasesScreen
    from cunwu_tui.features.notices.screens import NoticesScreen
    from cunwu_tui.features.seals.screens import SealRegisterScreen
    from cunwu_tui.ui.widgets import PagedTable
    from textual.widgets import Static

    from test_app import SIZE, TODAY, start, wait_for

    monkeypatch.setattr(PagedTable, "PAGE", 3)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        s = app.services
        for key, screen, table_id, filter_id, whole in (
            ("f4", CasesScreen, "#case-table", "#case-filter", lambda: s.cases.list("全部", today=TODAY)),
            ("f5", SealRegisterScreen, "#seal-table", "#seal-filter", lambda: s.seal_register.list()),
            ("f7", NoticesScreen, "#notice-table", "#notice-filter", lambda: s.notices.list()),
        ):
            await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(app.screen, screen))
            if key == "f4":
                for _ in range(5):  # 在办 -> 全部
                    await pilot.press("s")
            await pilot.pause()
            table = app.screen.query_one(table_id, PagedTable)
            want = [str(x.id) for x in whole()]
            assert len(want) > 3
            # whole pages (the next ones read at once: the screen is taller than a page), in order
            assert table.row_count % 3 == 0 or not table.more
            assert [k.value for k in table.rows] == want[: table.row_count]
            assert "向下翻看" in str(app.screen.query_one(filter_id, Static).render()) or not table.more
            for _ in range(len(want) + 2):
                await pilot.press("down")
            await pilot.pause()
            assert [k.value for k in table.rows] == want, key
            assert not table.more


async def test_paged_table_reads_a_page_a_screenful_before_the_end():
    from textual.app import App

    from cunwu_tui.ui.widgets import PagedTable

    reads = []

    def fetch(offset, limit):
        reads.append(offset)
        rows = list(range(offset, min(offset + limit, 95)))
        return rows, offset + limit < 95

    class Probe(App):
        CSS = "PagedTable { height: 7; }"  # a header and six rows on screen

        def compose(self):
            yield PagedTable(cursor_type="row")

        def on_mount(self):
            t = self.query_one(PagedTable)
            t.add_column("n")
            t.show(fetch, lambda n: t.add_row(str(n), key=str(n)))
            t.focus()

    app = Probe()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PagedTable)
        assert table.PAGE == 30
        await pilot.pause()
        assert table.row_count == 30 and reads == [0]
        for _ in range(22):
            await pilot.press("down")
        assert table.row_count == 30  # the cursor is more than the table's height from the end
        await pilot.press("down")
        assert table.row_count == 60 and reads == [0, 30]
        for _ in range(20):  # a page down at a time: never stops at the edge of what has been read
            await pilot.press("pagedown")
            assert table.cursor_row < table.row_count - 1 or not table.more
        assert table.row_count == 95 and not table.more and reads == [0, 30, 60, 90]
        assert [int(k.value) for k in table.rows] == list(range(95))


def test_seal_totals_kept_on_write_are_healed_by_the_start_up_check(demo_services):
    from sqlalchemy import text

    s = demo_services
    whole = s.seal_register.list()
    real = (len(whole), sum(u.copies for u in whole if not u.voided))
    assert s.seal_register.tally() == real  # kept through every entry and void of the demo
    with s.core.engine.begin() as conn:  # a copy of an older file, or a hand edit: the kept totals are off
        conn.execute(text("UPDATE seal_tally SET entries = entries + 5, copies = 0"))
    assert s.seal_register.tally() != real
    assert s.seal_register.verify(quick=True).ok
    assert s.seal_register.tally() == real


@pytest.mark.parametrize("rare", [1000, 1, 3], ids=["as-in-the-demo", "every-character-common", "mixed"])
def test_a_search_through_the_character_index_finds_what_reading_every_case_finds(demo_services, monkeypatch, rare):
    """F4's search reads only the cases holding every typed character
    (case_search_char, written at intake); it finds exactly what comparing
    the text of every case finds, in the same order, whichever way it takes:
    from the rarest character's cases (held by fewer than _RARE cases) or
    checking each case in the list's order (every character common, as 户口
    on ten years; the demo's few cases reach that with a low _RARE)."""
    from cunwu_tui.features.cases import rules as case_rules
    from cunwu_tui.features.cases import service as case_service

    monkeypatch.setattr(case_service, "_RARE", rare)
    s = demo_services
    today = s.core.now().date()
    rows = s.cases.list("全部", today=today, limit=10_000)
    names = sorted({r.applicant for r in rows})
    queries = [
        "王",
        "桂英",
        "低保",
        "最低生活",
        "ms-",
        "MS-DIBAO",
        "ｍｓ",
        "〔2026〕第",
        "第",
        "号",
        "王 桂",
        "无此人",
        "𠮷",
        "①",
        "，",
        *names[:5],
        *(n[1:] for n in names[:5]),
        *(r.matter_name[:3] for r in rows[:5]),
    ]
    with s.core.read() as r:  # ID numbers' ends, and the cases' years and sequences in digits
        ids = [str(x) for (x,) in r.connection().exec_driver_sql("SELECT id_number FROM resident LIMIT 6")]
    queries += [n[-4:] for n in ids] + [n[-6:] for n in ids] + [ids[0]]
    queries += ["0001", "001", "0012", "012", "2026", "026", "202", "12345", "9999", "000", "1号", "①②③"]
    queries += [rows[0].number, rows[-1].number, "〔2026〕第0001号", "第0001号", "第001号", "〔2026〕", "2026〕第00"]
    queries += ["6〕第0001", "〔2026〕第1号", "2026第0001", "〔2025〕第0001号", "0001号", "第1234号"]
    for q in queries:
        for f in case_rules.FILTERS:
            s.cases._indexed = True
            fast = s.cases.page(f, q, today, 0, 10_000)
            s.cases._indexed = False
            slow = s.cases.page(f, q, today, 0, 10_000)
            assert fast == slow, (q, f)
    s.cases._indexed = True


def test_search_index_covers_every_case_after_start_up(demo_services):
    from sqlalchemy import text

    s = demo_services
    with s.core.engine.begin() as conn:  # an older copy, or cases added outside the app
        conn.execute(text("DELETE FROM case_search_char WHERE case_id > 3"))
    s.cases.resummarize_all()  # the start-up worker's call
    with s.core.engine.connect() as conn:
        indexed = conn.execute(text("SELECT COUNT(DISTINCT case_id) FROM case_search_char")).scalar()
        cases = conn.execute(text("SELECT COUNT(*) FROM case_record")).scalar()
    assert indexed == cases


async def test_a_refresh_keeps_the_cursor_deep_in_the_list():
    from textual.app import App

    from cunwu_tui.ui.widgets import PagedTable

    def fetch(offset, limit):
        return list(range(offset, min(offset + limit, 95))), offset + limit < 95

    class Probe(App):
        def compose(self):
            yield PagedTable(cursor_type="row")

    app = Probe()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PagedTable)
        table.add_column("n")
        table.show(fetch, lambda n: table.add_row(str(n), key=str(n)))
        table.focus()
        for _ in range(5):
            await pilot.press("pagedown")
        deep = table.cursor_row
        assert deep > table.PAGE
        table.show(fetch, lambda n: table.add_row(str(n), key=str(n)), keep_cursor=True)  # after a change
        await pilot.pause()
        assert table.cursor_row == deep and table.row_count > deep


def test_a_search_of_digits_finds_them_in_a_name_a_number_and_an_id_number(demo_services):
    """A search made of digits goes through the indexes (the number's year
    and sequence, the digits of a name or matter, the residents' ID
    numbers) and finds what comparing every case finds; a migrated database
    (0019) has the digits of the names already indexed."""
    from cunwu_tui.features.cases.service import CaseIntake

    s = demo_services
    today = s.core.now().date()
    clerk = next(p for p in s.staff.list() if p.active)
    odd = s.residents.add("王①2三", "户口簿", "HK2026")  # digits in a name (as typed: NFKC makes ① a 1)
    case = s.cases.add(CaseIntake("MS-HUKOU-QIANYI", odd.id, "来访", clerk.id, "即办件", [], "", None, "日"))
    for q in ("2026", "202", "026", "12", "123"):
        s.cases._indexed = True
        fast = s.cases.page("全部", q, today, 0, 10_000)
        s.cases._indexed = False
        slow = s.cases.page("全部", q, today, 0, 10_000)
        s.cases._indexed = True
        assert fast == slow, q
    numbers = [r.number for r in s.cases.page("全部", case.number[-5:-1], today, 0, 10_000).rows]
    assert case.number in numbers  # its sequence, 4 digits
    assert [r.number for r in s.cases.page("全部", "2026", today, 0, 10_000).rows if r.number == case.number]
    assert not s.cases.page("全部", "9876", today, 0, 10_000).rows


def test_the_migration_indexes_the_digits_of_names_already_indexed(tmp_path):
    """0019: the cases indexed before it get the digits of their applicant,
    matter and code; a case not indexed at all is left to the start-up
    check, which indexes it whole (as before)."""
    from datetime import date

    from sqlalchemy import text

    from cunwu_tui.features.cases.service import CaseIntake
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo

    url = "sqlite:///" + str(tmp_path / "old.db")
    s = open_services(url)
    fill_demo(s, today=date(2026, 11, 22))
    clerk = next(p for p in s.staff.list() if p.active)
    ids = []
    for name in ("张3丰", "李四5"):
        who = s.residents.add(name, "户口簿", "HK" + name)
        ids.append(
            s.cases.add(CaseIntake("MS-HUKOU-QIANYI", who.id, "来访", clerk.id, "即办件", [], "", None, "日")).id
        )
    s.close()
    with s.core.engine.begin() as conn:  # as 0018 left it: no digits; the last case not indexed at all
        conn.execute(text("DELETE FROM case_search_char WHERE ch IN ('3', '5') OR case_id = :i"), {"i": ids[1]})
        conn.execute(text("UPDATE alembic_version SET version_num = '0018'"))
    s.core.engine.dispose()

    def digits(case_id):
        with s.core.engine.connect() as conn:
            return {
                r[0]
                for r in conn.execute(text("SELECT ch FROM case_search_char WHERE case_id = :i"), {"i": case_id})
                if r[0].isdigit()
            }

    s = open_services(url)  # migrates to 0019
    try:
        assert digits(ids[0]) == {"3"} and digits(ids[1]) == set()
        s.cases.resummarize_all()  # the start-up check
        assert digits(ids[1]) == {"5"}
        assert [r.applicant for r in s.cases.page("全部", "3", None, 0, 50).rows if r.applicant == "张3丰"]
    finally:
        s.close()


@given(st.text(alphabet="0123456789", min_size=1, max_size=6))
def test_the_sequences_holding_some_digits_are_those_whose_number_shows_them(digits):
    from cunwu_tui.features.cases import rules as case_rules

    assert case_rules.seqs_holding(digits) == [n for n in range(1, 10_000) if digits in f"{n:04d}"]


@given(st.text(alphabet="0123456789", min_size=1, max_size=5), st.integers(1949, 2100), st.integers(0, 30))
def test_the_years_holding_some_digits(digits, first, span):
    from cunwu_tui.features.cases import rules as case_rules

    got = case_rules.years_holding(digits, first, first + span)
    assert got == [y for y in range(first, first + span + 1) if digits in str(y)]


def test_a_search_pasted_with_control_characters_searches_what_it_shows(demo_services):
    """A search pasted with an escape sequence or a NUL (never stored) is
    the search it shows, on either database: PostgreSQL refuses a NUL in
    any text, so passing it on was an error screen there (#20)."""
    from cunwu_tui.features.cases import rules as case_rules

    s = demo_services
    today = s.core.now().date()
    junk = "\x1b[31m{}\x1b[0m\x00"
    for query in ("王", "证明", ""):
        dirty = junk.format(query)
        assert s.residents.search(dirty) == s.residents.search(query)
        assert s.residents.page(dirty) == s.residents.page(query)
        assert s.cases.page(case_rules.F_ALL, dirty, today) == s.cases.page(case_rules.F_ALL, query, today)
        assert s.seal_register.list(search=dirty) == s.seal_register.list(search=query)
        assert s.seal_register.tally(search=dirty) == s.seal_register.tally(search=query)
    assert s.residents.search("王") and s.cases.page(case_rules.F_ALL, "王", today).rows
    assert s.seal_register.list(search="证明")


def test_a_pasted_page_of_text_is_searched_without_an_error(demo_services):
    """A search of thousands of different characters (a page pasted into the
    field) asks the index about a few of them (inputs.PROBED_CHARS) and
    compares the text: no case or resident holds it, and nothing fails
    (it used to pass SQLite's limit on terms in one query)."""
    s = demo_services
    today = s.core.now().date()
    pasted = "".join(chr(0x4E00 + i) for i in range(2100))
    assert s.cases.page("全部", pasted, today, 0, 30).rows == ()
    assert s.residents.search(pasted, 20) == []
    assert s.residents.page(pasted, 0, 30).items == ()
    name = s.residents.search("王", 1)[0].name  # a real name, found whatever the cap
    assert name in {r.name for r in s.residents.search(name, 20)}


def test_a_percent_sign_or_underscore_typed_is_searched_as_typed(demo_services):
    """% and _ are LIKE's wildcards: typed into F4's or the residents'
    search they are the characters themselves (no case or resident of the
    demo holds them), not "anything"; the escape character too."""
    from cunwu_tui.features.cases import rules as case_rules

    s = demo_services
    today = s.core.now().date()
    for q in ("%", "_", "王%", "%王", "__", "%%%%", "1%", "0_01", "/", "//%"):
        for indexed in (True, False):
            s.cases._indexed = indexed
            assert s.cases.page(case_rules.F_ALL, q, today, 0, 30).rows == (), (q, indexed)
        assert s.residents.search(q, 20) == [], q
        assert s.residents.page(q, 0, 30).items == (), q
    s.cases._indexed = True
    assert s.cases.page(case_rules.F_ALL, "王", today, 0, 30).rows  # the searches themselves still find
    assert s.residents.search("王", 20)
