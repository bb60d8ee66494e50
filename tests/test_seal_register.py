"""用印登记: every rule refuses and saves nothing; numbering per seal per
year (gap-free, never reused, two instances at once); 作废 as its own
record; the hash chain catches a row changed, removed or rewritten directly
in SQLite and names it; the ledger read back; counts, filters, demo, CLI."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cunwu_tui.features.seals import numbers as rules
from cunwu_tui.services import ValidationError
from identity_helpers import PIN, add_person, update_person

NOW = datetime(2026, 11, 23, 10, 0)  # a Monday


def sheet(path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def db_file(services) -> str:
    return services.core.engine.url.database


class Village:
    """A village with its staff and seals, the clerk at work, a settable clock."""

    def __init__(self, services):
        from cunwu_tui.services.demo import VILLAGE

        self.s = services
        services.settings.save_profile(VILLAGE)

        def add(name, phone, roles):
            return add_person(services, name, phone, roles)

        self.wang = add("王建国", "13903510001", ["书记"])
        self.li = add("李秀英", "13903510002", ["主任"])
        self.zhao = add("赵丽", "13903510004", ["文书"])
        self.chen = add("陈明", "13903510005", ["会计"])
        self.zhou = add("周海", "13903510008", ["集体经济组织负责人"])
        self.sun = add("孙强", "", ["主任"])  # a second 主任, to be made inactive
        services.set_operator(self.zhao.id, PIN)
        seals = {x.name: x for x in services.seals.list()}
        for name, keeper in (
            ("党支部印章", self.chen),
            ("村(居)委会印章", self.zhao),
            ("村集体经济组织印章", self.chen),
        ):
            x = seals[name]
            services.seals.update(
                x.id,
                x.name,
                x.short_name,
                x.approver_role,
                keeper.id,
                x.major_body,
                admin_id=self.wang.id,
                admin_pin=PIN,
            )  # the first person: the administrator
        self.seals = {x.name: x for x in services.seals.list()}
        self.party = self.seals["党支部印章"]
        self.committee = self.seals["村(居)委会印章"]
        self.economy = self.seals["村集体经济组织印章"]
        self.moment = NOW
        services.core.clock = lambda: self.moment

    def at(self, when: datetime) -> None:
        self.moment = when

    def use(self, **kw):
        args = dict(
            seal_id=self.committee.id,
            title="关于申请村道维修资金的报告",
            purpose="申请维修资金",
            copies=2,
            destination="柳河镇人民政府",
            applicant_id=self.zhao.id,
            approver_id=self.li.id,
            used_at="2026-11-23 09:30",
            approver_pin=PIN,
        )  # the approver is there
        args.update(kw)
        return self.s.seal_register.add(**args)


@pytest.fixture
def v(services):
    return Village(services)


# --------------------------------------------------------------------------
# pure rules


def test_number_format_and_parse():
    assert rules.format_number("村委", 2026, 15) == "村委〔2026〕第015号"
    assert rules.format_number("经济组织", 2027, 1234) == "经济组织〔2027〕第1234号"
    assert rules.parse_number("村委〔2026〕第015号") == ("村委", 2026, 15)
    with pytest.raises(ValueError, match="编号格式不对"):
        rules.parse_number("村委2026-15")


@given(st.lists(st.integers(1, 500), unique=True))
def test_next_number_follows_the_highest_and_gaps_are_found(used):
    n = rules.next_seq(used)
    assert n not in used and n == max(used, default=0) + 1
    gaps = rules.missing_seqs(used)
    assert sorted(set(gaps) | set(used)) == list(range(1, n))


def test_moments_and_days():
    assert rules.parse_moment("2026-11-23 09:30") == datetime(2026, 11, 23, 9, 30)
    assert rules.parse_moment("２０２６-１１-２３　９:３０") == datetime(2026, 11, 23, 9, 30)  # fullwidth
    assert rules.parse_day("2026/11/20") == date(2026, 11, 20)
    for bad in ("2026-11-23", "明天上午", "2026-13-01 09:00"):
        with pytest.raises(ValueError, match="用印时间"):
            rules.parse_moment(bad)
    with pytest.raises(ValueError, match="请填写会议日期"):
        rules.parse_day("", "会议日期")
    assert rules.parse_month("2026-10") == rules.parse_month("2026年10月") == date(2026, 10, 1)
    assert rules.parse_month(date(2026, 10, 31)) == date(2026, 10, 1)
    for bad in ("2026-13", "十月", ""):
        with pytest.raises(ValueError, match="月份"):
            rules.parse_month(bad)


def _chain(n: int) -> list[rules.Link]:
    links, prev = [], rules.GENESIS
    for i in range(1, n + 1):
        fields = {
            "id": i,
            "title": f"文件{i}",
            "copies": i,
            "used_at": datetime(2026, 10, i, 9, 0),
            "major": i % 2 == 0,
            "meeting_date": date(2026, 10, i) if i % 2 == 0 else None,
        }
        h = rules.link_hash(rules.USE, fields, prev)
        links.append(rules.Link(rules.USE, i, f"第{i:03d}号", fields, prev, h))
        prev = h
    return links


def test_a_whole_chain_verifies():
    links = _chain(6)
    assert rules.verify_chain(links) is None
    assert rules.verify_chain(links, [rules.Anchor(link.position, link.label, link.hash) for link in links]) is None


@settings(max_examples=60)
@given(st.integers(0, 5), st.sampled_from(["title", "copies", "used_at", "major", "meeting_date", "id"]), st.data())
def test_any_changed_field_is_found_at_its_link(i, key, data):
    links = _chain(6)
    old = links[i].fields[key]
    new = data.draw(
        {
            "title": st.text(min_size=1).filter(lambda t: t != old),
            "copies": st.integers().filter(lambda n: n != old),
            "used_at": st.datetimes().map(lambda d: d.replace(microsecond=0)).filter(lambda d: d != old),
            "major": st.just(not old),
            "meeting_date": st.dates().filter(lambda d: d != old),
            "id": st.integers().filter(lambda n: n != old),
        }[key]
    )
    changed = dict(links[i].fields)
    changed[key] = new
    links[i] = rules.Link(rules.USE, links[i].position, links[i].label, changed, links[i].prev_hash, links[i].hash)
    fault = rules.verify_chain(links)
    assert fault is not None and fault.index == i and fault.code == rules.CONTENT


def _checked_as_read(links):
    """The links as the full check keeps them: content checked, fields dropped."""
    return [
        rules.Link(
            link.kind,
            link.position,
            link.label,
            {},
            link.prev_hash,
            link.hash,
            rules.content_matches(link.kind, link.fields, link.prev_hash, link.hash),
        )
        for link in links
    ]


@settings(max_examples=40)
@given(st.integers(0, 5), st.sampled_from(["title", "copies", "hash", "prev"]), st.booleans())
def test_links_checked_as_they_are_read_give_the_same_verdict(i, what, drop):
    """seal_register's full check keeps no fields (content_ok): the verdict
    is the same as checking the fields, for a sound chain and a tampered one."""
    links = _chain(6)
    link = links[i]
    if what in ("title", "copies"):
        fields = {**link.fields, what: link.fields[what] * 2}
        links[i] = rules.Link(link.kind, link.position, link.label, fields, link.prev_hash, link.hash)
    elif what == "hash":
        links[i] = rules.Link(link.kind, link.position, link.label, link.fields, link.prev_hash, "0" * 64)
    else:
        links[i] = rules.Link(link.kind, link.position, link.label, link.fields, "f" * 64, link.hash)
    if drop:
        del links[i]
    assert rules.verify_chain(_checked_as_read(links)) == rules.verify_chain(links)
    assert rules.verify_chain(_checked_as_read(_chain(6))) is None


def test_removed_reordered_and_rewritten_links_are_named():
    links = _chain(5)
    anchors = [rules.Anchor(link.position, link.label, link.hash) for link in links]
    fault = rules.verify_chain(links[:2] + links[3:], anchors)
    assert fault.label == "第004号" and fault.code == rules.GAP and "第003号" in fault.message
    fault = rules.verify_chain(links[:4], anchors)  # the last one removed: only the log knows
    assert fault.index is None and fault.label == "第005号" and fault.code == rules.MISSING
    assert rules.verify_chain(links[:4]) is None  # (which is why the log is checked)
    # Link 3 rewritten with a fresh hash, and every later link re-chained.
    forged, prev = list(links[:2]), links[1].hash
    for link in links[2:]:
        fields = dict(link.fields, copies=99) if link.position == 3 else link.fields
        h = rules.link_hash(rules.USE, fields, prev)
        forged.append(rules.Link(rules.USE, link.position, link.label, fields, prev, h))
        prev = h
    assert rules.verify_chain(forged) is None
    fault = rules.verify_chain(forged, anchors)
    assert fault.label == "第003号" and fault.code == rules.ANCHOR
    # A link whose predecessor changed hands: the link is named.
    swapped = (
        links[:2]
        + [
            rules.Link(
                rules.USE,
                3,
                "第003号",
                links[2].fields,
                "f" * 64,
                rules.link_hash(rules.USE, links[2].fields, "f" * 64),
            )
        ]
        + links[3:]
    )
    assert rules.verify_chain(swapped).code == rules.LINK
    dup = links + [links[-1]]
    assert rules.verify_chain(dup).code == rules.DUPLICATE


# --------------------------------------------------------------------------
# an entry and its rules


def test_an_entry_with_its_approval(v):
    u = v.use()
    assert u.number == "村委〔2026〕第001号" and not u.voided and u.status == "有效"
    assert (u.applicant_text, u.approver_name, u.keeper_name) == ("赵丽", "李秀英", "赵丽")  # keeper: the seal's
    assert u.used_at == datetime(2026, 11, 23, 9, 30) and u.operator_name == "赵丽" and u.recorded_at == NOW
    assert u.approved_by == "李秀英" and u.approved_at == NOW and not u.pending  # the approver typed their PIN
    approval, e = v.s.audit.recent(2)
    assert (approval.entity, approval.action, approval.subject) == ("用印登记", "用印审批", "村委〔2026〕第001号")
    assert "审批人：李秀英" in approval.change[1]
    assert (e.entity, e.action, e.subject) == ("用印登记", "新增", "村委〔2026〕第001号")
    _, after = e.change
    assert "文件名称：关于申请村道维修资金的报告" in after and "审批人：李秀英" in after and "hash" not in after


def test_defaults_outsider_and_major(v):
    u = v.use(
        used_at="",
        applicant_id=None,
        applicant_name=" 郑国强 ",
        keeper_id=v.chen.id,
        major=True,
        meeting_type="两委联席会议",
        meeting_date="2026-11-20",
        meeting_ref="纪要〔2026〕4号",
    )
    assert u.used_at == NOW  # now by default
    assert u.applicant_outsider and u.applicant_id is None and u.applicant_text == "郑国强（村外）"
    assert u.keeper_name == "陈明"
    assert u.meeting_text == "两委联席会议，2026-11-20，纪要〔2026〕4号"
    # A typed name that is an active member's is that member (the rule holds).
    w = v.use(applicant_id=None, applicant_name="陈明")
    assert w.applicant_id == v.chen.id and not w.applicant_outsider
    # General business keeps no meeting.
    g = v.use(major=False, meeting_type="支委会", meeting_ref="x")
    assert g.meeting_text == "" and g.meeting_type == ""


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"seal_id": None}, "seal", "请选择印章"),
        ({"title": "  "}, "title", "请填写文件名称"),
        ({"title": "文" * 201}, "title", "最多200字"),
        ({"purpose": ""}, "purpose", "用印事由"),
        ({"copies": 0}, "copies", "份数"),
        ({"copies": "两"}, "copies", "份数"),
        ({"copies": 1000}, "copies", "份数"),
        ({"destination": ""}, "destination", "送往单位"),
        ({"used_at": "2026-11-23 10:01"}, "used_at", "不能晚于现在"),
        ({"used_at": "2026-11-23"}, "used_at", "格式不对"),
        ({"used_at": "1949-09-30 09:00"}, "used_at", "年份"),
        ({"used_at": "9999-12-31 09:00"}, "used_at", "不能晚于"),
        ({"copies": "①"}, "copies", "只能填数字"),
        ({"copies": "²"}, "copies", "只能填数字"),
        ({"copies": "1e9"}, "copies", "只能填数字"),
        ({"applicant_id": None}, "applicant", "请选择经办人"),
        ({"approver_id": None}, "approver", "请选择审批人"),
        ({"approver": "wang"}, "approver", "村(居)委会印章由主任审批，王建国不是主任"),
        ({"applicant": "li"}, "approver", "审批人不能是经办人本人"),
        ({"applicant_id": None, "applicant_name": "李秀英"}, "approver", "审批人不能是经办人本人"),
        ({"major": True, "meeting_date": "2026-11-20", "meeting_ref": "x"}, "meeting_type", "会议类型"),
        ({"major": True, "meeting_type": "支委会", "meeting_ref": "x"}, "meeting_date", "会议日期"),
        ({"major": True, "meeting_type": "支委会", "meeting_date": "2026-11-20"}, "meeting_ref", "决议"),
        (
            {
                "major": True,
                "meeting_type": "支委会",
                "meeting_date": "2026-11-21",
                "meeting_ref": "x",
                "used_at": "2026-11-20 09:00",
            },
            "meeting_date",
            "不能晚于用印日期",
        ),
        (
            {"major": True, "meeting_type": "开会", "meeting_date": "2026-11-20", "meeting_ref": "x"},
            "meeting_type",
            "会议类型",
        ),
        ({"note": "备" * 501}, "note", "备注最多500字"),
    ],
)
def test_every_rule_refuses_and_saves_nothing(v, kw, field, words):
    people = {"wang": v.wang.id, "li": v.li.id}
    if "approver" in kw:
        kw = {"approver_id": people[kw.pop("approver")], **kw}
    if "applicant" in kw:
        kw = {"applicant_id": people[kw.pop("applicant")], **kw}
    logged = len(v.s.audit.recent(500))
    with pytest.raises(ValidationError) as exc:
        v.use(**kw)
    assert words in exc.value.errors[field]
    assert v.s.seal_register.list() == []
    assert len(v.s.audit.recent(500)) == logged
    assert v.use().number == "村委〔2026〕第001号"  # nothing was taken


def test_rules_about_people_and_seals_that_changed(v):
    s = v.s
    update_person(s, v.sun.id, "孙强", "", ["主任"], active=False)
    with pytest.raises(ValidationError) as exc:
        v.use(approver_id=v.sun.id)
    assert "在岗" in exc.value.errors["approver"]
    with pytest.raises(ValidationError) as exc:
        v.use(applicant_id=v.sun.id)
    assert "在岗" in exc.value.errors["applicant"]
    with pytest.raises(ValidationError) as exc:
        v.use(keeper_id=v.sun.id)
    assert "监印人" in exc.value.errors["keeper"]
    new = s.seals.add("村务监督委员会印章", "监委", "监委会主任", admin_id=v.wang.id, admin_pin=PIN)  # no keeper yet
    with pytest.raises(ValidationError) as exc:
        v.use(seal_id=new.id, approver_id=v.li.id)
    assert "尚未指定保管人" in exc.value.errors["keeper"] and "监委会主任" in exc.value.errors["approver"]
    c = v.committee
    s.seals.update(
        c.id,
        c.name,
        c.short_name,
        c.approver_role,
        c.keeper_id,
        c.major_body,
        active=False,
        admin_id=v.wang.id,
        admin_pin=PIN,
    )
    with pytest.raises(ValidationError) as exc:
        v.use()
    assert "已停用" in exc.value.errors["seal"]
    assert s.seal_register.list() == []


def test_approvers_follow_the_seal(v):
    reg = v.s.seal_register
    assert [n for _, n in reg.approvers(v.committee.id)] == ["李秀英", "孙强"]
    assert [n for _, n in reg.approvers(v.party.id)] == ["王建国"]
    assert [n for _, n in reg.approvers(v.economy.id)] == ["周海"]


# --------------------------------------------------------------------------
# numbering


def test_numbers_per_seal_per_year_over_many_entries_and_a_year_change(v):
    got: dict[str, list[str]] = {}
    day = datetime(2026, 1, 5, 9, 0)
    for i in range(60):
        seal, approver = [(v.committee, v.li), (v.party, v.wang), (v.economy, v.zhou)][i % 3]
        v.at(day + timedelta(minutes=1))
        u = v.use(seal_id=seal.id, approver_id=approver.id, used_at=day, applicant_id=v.chen.id)
        got.setdefault(seal.short_name, []).append(u.number)
        day += timedelta(days=7)  # 60 entries run into 2027
    for short, numbers in got.items():
        years = [rules.parse_number(n)[1] for n in numbers]
        assert years == sorted(years) and {2026, 2027} <= set(years)
        for year in (2026, 2027):
            seqs = [rules.parse_number(n)[2] for n in numbers if rules.parse_number(n)[1] == year]
            assert seqs == list(range(1, len(seqs) + 1)), (short, year)
    assert got["村委"][0] == "村委〔2026〕第001号" and "村委〔2027〕第001号" in got["村委"]
    # Late in January, a December use registered late takes December's year.
    late = v.use(used_at="2026-12-30 16:00")
    assert late.number.startswith("村委〔2026〕第") and late.number not in got["村委"]
    assert v.s.seal_register.verify().ok


def test_a_voided_number_is_never_given_again(v):
    first = v.use()
    second = v.use(title="第二份")
    v.at(NOW + timedelta(minutes=5))
    v.s.seal_register.void(second.id, "文件名称填错")
    third = v.use(title="第三份")
    assert [first.number, second.number, third.number] == [
        "村委〔2026〕第001号",
        "村委〔2026〕第002号",
        "村委〔2026〕第003号",
    ]


def test_two_instances_at_once_never_share_a_number(v, db_url):
    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import Operator

    other = open_services(db_url)
    try:
        other.core.operator = Operator(v.chen.id, "陈明")
        other.core.clock = lambda: NOW
        errors: list[BaseException] = []

        def write(services, n: int) -> None:
            try:
                for i in range(n):
                    services.seal_register.add(
                        v.committee.id,
                        f"文件{i}",
                        "事由",
                        1,
                        "本村存档",
                        applicant_id=v.chen.id,
                        approver_id=v.li.id,
                        used_at="2026-11-23 09:00",
                    )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(x, 15)) for x in (v.s, other, v.s, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        numbers = [u.number for u in v.s.seal_register.list()]
        assert len(numbers) == 60
        assert sorted(rules.parse_number(n)[2] for n in numbers) == list(range(1, 61))
        check = other.seal_register.verify()
        assert check.ok, check.message
    finally:
        other.close()


# --------------------------------------------------------------------------
# 作废 and correction


def test_void_is_its_own_record_and_the_entry_stays(v):
    s = v.s
    u = v.use(applicant_id=None, applicant_name="郑国强", title="介绍信（林权证）", destination="清源县林业局")
    con = sqlite3.connect(db_file(s))
    row_before = con.execute("SELECT * FROM seal_use WHERE id = ?", (u.id,)).fetchone()
    for bad in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            s.seal_register.void(u.id, bad)
        assert "原因" in exc.value.errors["reason"]
    v.at(NOW + timedelta(minutes=20))
    voided = s.seal_register.void(u.id, "抬头单位写错，原件已收回")
    assert voided.voided and voided.void_reason == "抬头单位写错，原件已收回" and voided.voided_by == "赵丽"
    assert voided.voided_at == NOW + timedelta(minutes=20)
    assert con.execute("SELECT * FROM seal_use WHERE id = ?", (u.id,)).fetchone() == row_before
    assert con.execute("SELECT number, reason FROM seal_void").fetchall() == [(u.number, "抬头单位写错，原件已收回")]
    con.close()
    with pytest.raises(ValidationError) as exc:
        s.seal_register.void(u.id, "再作废一次")
    assert "已于" in exc.value.errors["reason"]
    # Voided entries stay visible and marked.
    assert [x.voided for x in s.seal_register.list()] == [True]
    assert s.seal_register.list(voided=False) == []
    assert "【作废】抬头单位写错" in s.seal_register.get(u.id).remark
    # The correction refers to it, once.
    fixed = v.use(applicant_id=None, applicant_name="郑国强", title="介绍信（林权登记）", refers_to_id=u.id)
    assert fixed.refers_to_number == u.number and f"更正 {u.number}" in fixed.remark
    assert s.seal_register.get(u.id).corrected_by_number == fixed.number
    with pytest.raises(ValidationError) as exc:
        v.use(refers_to_id=u.id)
    assert "已由" in exc.value.errors["refers_to"]
    with pytest.raises(ValidationError) as exc:
        v.use(refers_to_id=fixed.id)
    assert "只能更正已作废的登记" in exc.value.errors["refers_to"]
    actions = [(e.action, e.entity) for e in s.audit.recent(5, changes_only=True)]
    assert actions == [
        ("用印审批", "用印登记"),
        ("新增", "用印登记"),
        ("作废", "用印登记"),
        ("用印审批", "用印登记"),
        ("新增", "用印登记"),
    ]
    assert s.seal_register.verify().ok


def test_rows_cannot_be_changed_or_deleted_even_in_sqlite(v):
    u = v.use()
    v.s.seal_register.void(u.id, "填错")
    con = sqlite3.connect(db_file(v.s))
    for sql in (
        "UPDATE seal_use SET copies = 9",
        "DELETE FROM seal_use",
        "UPDATE seal_void SET reason = 'x'",
        "DELETE FROM seal_void",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="只能新增"):
            con.execute(sql)
    con.close()
    assert v.s.seal_register.get(u.id).copies == 2


# --------------------------------------------------------------------------
# verify: tampering directly in SQLite


def _tamper(services, *sql: str) -> None:
    con = sqlite3.connect(db_file(services))
    for t in ("seal_use", "seal_void"):
        for e in ("update", "delete"):
            con.execute(f"DROP TRIGGER IF EXISTS {t}_no_{e}")
    for q in sql:
        con.execute(q)
    con.commit()
    con.close()


def _several(v) -> list:
    out = []
    for i, (seal, approver) in enumerate(
        [(v.committee, v.li), (v.party, v.wang), (v.committee, v.li), (v.economy, v.zhou), (v.committee, v.li)]
    ):
        out.append(
            v.use(seal_id=seal.id, approver_id=approver.id, title=f"文件{i + 1}", used_at=f"2026-11-{10 + i} 09:00")
        )
    v.s.seal_register.void(out[1].id, "盖错了")
    return out


def test_a_row_changed_in_sqlite_is_named_with_what_changed(v):
    uses = _several(v)
    assert v.s.seal_register.verify().ok
    _tamper(v.s, f"UPDATE seal_use SET copies = 5, destination = '别处' WHERE id = {uses[2].id}")
    check = v.s.seal_register.verify()
    assert not check.ok and check.number == "村委〔2026〕第002号"
    assert "登记后被改动过" in check.problem
    assert (
        "份数（登记时 2，现在 5）" in check.problem and "送往单位（登记时 柳河镇人民政府，现在 别处）" in check.problem
    )
    assert check.message.startswith("用印登记校验不一致：村委〔2026〕第002号：")


def test_a_rewritten_chain_is_caught_by_the_operation_log(v):
    """Someone who recomputes every hash after a change still leaves the
    operation log's record of the entry as it was saved."""
    from cunwu_tui.db.models import SealUse, SealVoid
    from cunwu_tui.features.seals.service import USE_FIELDS, VOID_FIELDS
    from sqlmodel import Session, select

    uses = _several(v)
    _tamper(v.s, f"UPDATE seal_use SET title = '改过的文件' WHERE id = {uses[0].id}")
    prev = rules.GENESIS
    updates = []
    with Session(v.s.core.engine) as session:
        rows = [(rules.USE, r, USE_FIELDS) for r in session.exec(select(SealUse))]
        rows += [(rules.VOID, r, VOID_FIELDS) for r in session.exec(select(SealVoid))]
        for kind, r, names in sorted(rows, key=lambda x: x[1].chain_seq):
            h = rules.link_hash(kind, {n: getattr(r, n) for n in names}, prev)
            updates.append(
                f"UPDATE {'seal_use' if kind == rules.USE else 'seal_void'} SET prev_hash = '{prev}', "
                f"hash = '{h}' WHERE id = {r.id}"
            )
            prev = h
    _tamper(v.s, *updates)
    check = v.s.seal_register.verify()
    assert not check.ok and check.number == "村委〔2026〕第001号"
    assert "操作日志" in check.problem and "文件名称（登记时 文件1，现在 改过的文件）" in check.problem


def test_removed_entries_are_named(v, db_url):
    uses = _several(v)
    _tamper(v.s, f"DELETE FROM seal_use WHERE id = {uses[3].id}")  # in the middle
    check = v.s.seal_register.verify()
    assert not check.ok and "缺少" in check.problem and "经济组织〔2026〕第001号" in check.problem


def test_the_last_record_removed_is_named_from_the_log(v):
    _several(v)
    last = v.use(title="最后一份")
    _tamper(v.s, f"DELETE FROM seal_use WHERE id = {last.id}")
    check = v.s.seal_register.verify()
    assert not check.ok and check.number == last.number == "村委〔2026〕第004号" and "已没有" in check.problem
    _tamper(v.s, "DELETE FROM seal_void")  # a void removed: the entry would look valid again
    check = v.s.seal_register.verify()
    assert not check.ok and check.number == "党支部〔2026〕第001号 的作废记录" and "已没有" in check.problem


def test_a_changed_void_is_named(v):
    uses = _several(v)
    _tamper(v.s, "UPDATE seal_void SET reason = '另一个原因'")
    check = v.s.seal_register.verify()
    assert not check.ok and check.number == f"{uses[1].number} 的作废记录"
    assert "作废原因（登记时 盖错了，现在 另一个原因）" in check.problem


def test_the_quick_check_continues_from_the_checkpoint(v):
    """#18: the start-up check reads only the entries since the last clean
    check; what it cannot vouch for sends it to the full check, which names
    the record."""
    from cunwu_tui.features.seals.service import CHECKPOINT

    _several(v)  # five entries, one voided
    assert v.s.settings.get(CHECKPOINT) == ""
    full = v.s.seal_register.verify(quick=True)  # no checkpoint yet: every entry
    assert full.ok and (full.entries, full.voids) == (5, 1)
    assert v.s.settings.get(CHECKPOINT)
    later = v.use(title="新的一份", used_at="2026-11-20 10:00")
    v.s.seal_register.void(later.id, "份数写错")
    quick = v.s.seal_register.verify(quick=True)
    assert quick == full.__class__(True, 6, 2)
    # an entry after the checkpoint changed: caught by the quick check itself
    newest = v.use(title="再一份", used_at="2026-11-21 10:00")
    _tamper(v.s, f"UPDATE seal_use SET copies = 9 WHERE id = {newest.id}")
    check = v.s.seal_register.verify(quick=True)
    assert not check.ok and check.number == newest.number and "份数（登记时 2，现在 9）" in check.problem


def test_the_quick_check_sees_an_old_entry_removed(v):
    uses = _several(v)
    assert v.s.seal_register.verify().ok  # leaves the checkpoint
    v.use(title="新的一份", used_at="2026-11-20 10:00")
    _tamper(v.s, f"DELETE FROM seal_use WHERE id = {uses[3].id}")  # before the checkpoint
    check = v.s.seal_register.verify(quick=True)
    assert not check.ok and "缺少" in check.problem and "经济组织〔2026〕第001号" in check.problem


def test_the_quick_check_sees_the_checkpointed_entry_rewritten(v):
    uses = _several(v)
    assert v.s.seal_register.verify().ok
    _tamper(v.s, f"UPDATE seal_void SET hash = 'x' WHERE use_id = {uses[1].id}")  # the head at the checkpoint
    check = v.s.seal_register.verify(quick=True)
    assert not check.ok and check.number == f"{uses[1].number} 的作废记录"


@pytest.mark.parametrize("stored", ["", "not json", "[1, 2]", '{"position": "1"}'])
def test_a_damaged_checkpoint_means_a_full_check(v, stored):
    from cunwu_tui.features.seals.service import CHECKPOINT

    uses = _several(v)
    assert v.s.seal_register.verify().ok
    with v.s.core.write() as s:
        from cunwu_tui.services.settings import put_setting

        put_setting(s, CHECKPOINT, stored)
    _tamper(v.s, f"UPDATE seal_use SET copies = 7 WHERE id = {uses[0].id}")
    check = v.s.seal_register.verify(quick=True)
    assert not check.ok and check.number == uses[0].number


def test_quick_chain_check_equals_the_full_one_on_any_prefix():
    """The quick check from any position of a clean chain agrees with the
    check of the whole chain, and sees a change made after that position."""
    links = _chain(6)
    for start in range(len(links) + 1):
        prev = links[start - 1].hash if start else rules.GENESIS
        assert rules.verify_chain(links[start:], start=start, prev=prev) is None
    for start in range(len(links)):
        prev = links[start - 1].hash if start else rules.GENESIS
        bad = [*links[start:]]
        bad[-1] = rules.Link(
            bad[-1].kind,
            bad[-1].position,
            bad[-1].label,
            {**bad[-1].fields, "copies": 99},
            bad[-1].prev_hash,
            bad[-1].hash,
        )
        fault = rules.verify_chain(bad, start=start, prev=prev)
        assert fault is not None and fault.position == links[-1].position
        if start + 1 < len(links):  # one missing right after the checkpoint
            assert rules.verify_chain(links[start + 1 :], start=start, prev=prev).code == rules.GAP


def test_cli_verify(v, db_url, capsys):
    from cunwu_tui.cli import main

    _several(v)
    assert main(["verify", "--db", db_file(v.s)]) == 0
    assert "完整" in capsys.readouterr().out
    _tamper(v.s, "UPDATE seal_use SET copies = 7 WHERE seq = 3")
    assert main(["verify", "--db", db_file(v.s)]) == 1
    err = capsys.readouterr().err
    assert "村委〔2026〕第003号" in err and "份数" in err and "Traceback" not in err


# --------------------------------------------------------------------------
# lists, counts, the ledger


def test_filters_search_today_and_counts(v):
    s = v.s
    _several(v)
    v.at(datetime(2026, 11, 23, 11, 0))
    v.use(
        applicant_id=None,
        applicant_name="何秀兰",
        title="居住证明",
        used_at="2026-11-23 10:30",
        major=True,
        meeting_type="其他",
        meeting_date="2026-11-23",
        meeting_ref="记录1",
    )
    v.at(datetime(2026, 12, 1, 9, 0))
    v.use(title="十二月的文件", used_at="2026-12-01 08:45")
    v.use(title="采购usb存储盘的申请", used_at="2026-12-01 08:50")
    reg = s.seal_register
    assert [u.title for u in reg.list(search="居住")] == ["居住证明"]
    # ASCII letters in either case, on SQLite and on PostgreSQL alike (ILIKE there)
    assert (
        [u.title for u in reg.list(search="USB")]
        == [u.title for u in reg.list(search="usb")]
        == ["采购usb存储盘的申请"]
    )
    assert [u.title for u in reg.list(search="何秀")] == ["居住证明"]  # the applicant
    assert [u.title for u in reg.list(search="50%")] == []
    assert [u.title for u in reg.list(major=True)] == ["居住证明"]
    assert [u.title for u in reg.list(voided=True)] == ["文件2"]
    assert len(reg.list(month="2026-11")) == 6
    assert [u.title for u in reg.list(month="2026-12")] == ["采购usb存储盘的申请", "十二月的文件"]
    assert [u.title for u in reg.list(seal_id=v.party.id)] == ["文件2"]
    with pytest.raises(ValidationError) as exc:
        reg.list(month="2026-13")
    assert "月份" in exc.value.errors["month"]
    assert [u.title for u in reg.on_day(date(2026, 11, 23))] == ["居住证明"]
    counts = reg.counts(2026)
    rows = {r.seal: r for r in counts.rows}
    assert rows["村(居)委会印章"].months[10] == 4 and rows["村(居)委会印章"].months[11] == 2
    assert rows["党支部印章"].total == 0 and rows["党支部印章"].voided == 1  # voided entries apart
    assert rows["村(居)委会印章"].copies == 12


def test_ledger_read_back(v, tmp_path):
    from cunwu_tui.services.export import ledger_choices

    assert ("seals", "用印登记台账") in [(c.name, c.title) for c in ledger_choices()]
    uses = _several(v)
    v.use(
        title="重大事项文件",
        used_at="2026-11-20 15:00",
        major=True,
        meeting_type="村民代表会议",
        meeting_date="2026-11-18",
        meeting_ref="青村代决〔2026〕8号",
        note="=SUM(A1)",
    )
    v.use(title="上个月的", used_at="2026-10-30 09:00")
    v.s.seal_register.add(
        v.committee.id,
        "纠正件",
        "更正",
        3,
        "本村存档",
        applicant_id=v.zhao.id,
        approver_id=v.li.id,
        used_at="2026-11-11 09:30",
        refers_to_id=uses[1].id,
    )
    paths = v.s.exports.export("2026-11", ["seals"], tmp_path, today=NOW.date())
    assert [p.name for p in paths] == ["青山村_用印登记台账_2026-11.xlsx"]
    rows = sheet(paths[0])
    assert rows[0][0] == "青山村用印登记台账（2026年11月）"
    assert rows[2] == [
        "序号",
        "编号",
        "日期",
        "印章",
        "文件名称",
        "用印事由",
        "份数",
        "送往单位",
        "经办人",
        "审批人",
        "审批时间",
        "是否重大事项",
        "会议决议",
        "监印人",
        "备注/作废说明",
    ]
    body = [
        r for r in rows[3:] if r[0] not in ("", "合计") and not str(r[0]).startswith(("单位负责人", "登记簿校验码"))
    ]
    assert str(rows[-1][0]).startswith("登记簿校验码（截至2026年11月30日")  # the footer's anchors (防篡改)
    assert [r[4] for r in body] == ["文件1", "文件2", "纠正件", "文件3", "文件4", "文件5", "重大事项文件"]
    assert all(isinstance(r[2], datetime) for r in body)
    voided = body[1]
    assert voided[1] == "党支部〔2026〕第001号（作废）" and voided[6] in ("", None)
    assert voided[14].startswith("【作废】盖错了") and "已重新登记为 村委〔2026〕第006号" in voided[14]
    # entered without the approver's PIN: it waits, and the register says so
    assert body[2][14] == "更正 党支部〔2026〕第001号；待审批：审批人输入本人密码前不得用印"
    assert body[2][10] in ("", None)
    major = body[6]
    assert major[11] == "是" and major[12] == "村民代表会议，2026-11-18，青村代决〔2026〕8号"
    assert major[14] == "=SUM(A1)"  # text, never a formula
    assert body[0][8:10] == ["赵丽", "李秀英"] and body[0][13] == "赵丽"
    assert body[0][10] == NOW  # approved in person when it was entered
    total = next(r for r in rows if r[0] == "合计")
    assert total[6] == 2 * 5 + 2 + 3 - 2  # 份数 of the valid entries only


def test_demo_register(demo_services):
    reg = demo_services.seal_register
    all_ = reg.list()
    assert len(all_) >= 18
    assert sum(u.voided for u in all_) == 1
    majors = [u for u in all_ if u.major]
    assert len(majors) >= 4 and all(u.meeting_type and u.meeting_date and u.meeting_ref for u in majors)
    assert all(u.meeting_date <= u.used_at.date() for u in majors)
    assert len(reg.list(month="2026-10")) >= 12 and reg.list(month="2026-11")
    assert [u.title for u in reg.on_day(date(2026, 11, 22))] == ["居住证明（何秀兰）"]
    fixed = [u for u in all_ if u.refers_to_number]
    assert len(fixed) == 1 and reg.get(fixed[0].refers_to_id).voided
    assert {u.approver_name for u in all_} == {"王建国", "李秀英", "周海"}
    assert all(u.approver_id != u.applicant_id for u in all_)
    assert reg.verify().ok


def test_a_meeting_register_can_refuse_a_major_entry(v):
    """The hook for a later 会议记录 register: a 重大事项 whose meeting it
    does not know is refused at the reference field, nothing saved."""

    class Meetings:
        def check(self, meeting_type, day, reference):
            return (
                "" if reference == "纪要〔2026〕4号" else f"会议记录中没有 {reference}（{meeting_type}，{day:%m-%d}）。"
            )

    v.s.seal_register.meetings = Meetings()
    major = dict(major=True, meeting_type="两委联席会议", meeting_date="2026-11-20")
    with pytest.raises(ValidationError) as exc:
        v.use(meeting_ref="纪要〔2026〕9号", **major)
    assert "会议记录中没有" in exc.value.errors["meeting_ref"] and v.s.seal_register.list() == []
    assert v.use(meeting_ref="纪要〔2026〕4号", **major).meeting_ref == "纪要〔2026〕4号"


def test_approve_void_and_correct_refuse_with_the_domains_words(v):
    """The service refuses with features.seals.actions' words, the same the F5
    detail shows; a refused approval counts no wrong PIN."""
    from cunwu_tui.features.seals.actions import SealAction, refusal

    reg = v.s.seal_register
    waiting = v.use(approver_pin="")
    assert waiting.pending and waiting.actions == (SealAction.APPROVE, SealAction.VOID)
    approved = reg.approve(waiting.id, PIN)
    with pytest.raises(ValidationError) as exc:
        reg.approve(waiting.id, "000000")  # refused before the PIN is checked
    assert exc.value.errors["approver_pin"] == refusal(approved.facts, SealAction.APPROVE)
    assert "已审批（李秀英，" in exc.value.errors["approver_pin"]
    voided = reg.void(waiting.id, "份数写错")
    for call, field, action in (
        (lambda: reg.approve(waiting.id, PIN), "approver_pin", SealAction.APPROVE),
        (lambda: reg.void(waiting.id, "再作废"), "reason", SealAction.VOID),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.errors[field] == refusal(voided.facts, action) != ""
    fixed = v.use(refers_to_id=waiting.id)
    with pytest.raises(ValidationError) as exc:
        v.use(refers_to_id=waiting.id)
    assert exc.value.errors["refers_to"] == refusal(reg.get(waiting.id).facts, SealAction.CORRECT)
    assert exc.value.errors["refers_to"] == f"{waiting.number} 已由 {fixed.number} 更正（重新登记）。"
    with pytest.raises(ValidationError) as exc:
        v.use(refers_to_id=fixed.id)
    assert exc.value.errors["refers_to"] == f"只能更正已作废的登记：{fixed.number} 尚未作废，请先作废。"
