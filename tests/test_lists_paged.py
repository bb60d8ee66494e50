"""#18: F5 and F7 list a page and give the totals; the page is the head of
the whole list in the same order, the totals are the whole list's."""

from __future__ import annotations

from cunwu_tui.domain import notices as rules


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
