"""#18: F5 and F7 list a page and give the totals; the page is the head of
the whole list in the same order, the totals are the whole list's."""

from __future__ import annotations

import pytest

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
