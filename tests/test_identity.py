"""Identity (#13): personal PINs, the administrator, wrong tries and the
lock, approvals given in person, and every impersonation the issue names."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from cunwu_tui.features.cases.service import CaseIntake
from cunwu_tui.db.models import Approval, AuditLog, StaffCredential
from cunwu_tui.domain import pins
from cunwu_tui.services import ValidationError
from identity_helpers import PIN, add_person, setup_admin

OTHER = "975310"  # a valid PIN that is nobody's


# -- the rules of a PIN ------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=0, max_size=12))
def test_digit_pins_need_six_digits_and_no_obvious_run(digits):
    try:
        kept = pins.check_new(digits, digits)
    except pins.PinError as exc:
        assert len(digits) < pins.MIN_DIGITS or pins.trivial(digits), str(exc)
    else:
        assert kept == digits and len(digits) >= pins.MIN_DIGITS and not pins.trivial(digits)


def test_pin_rules_in_words():
    for pin, words in (
        ("", "请设置"),
        ("12345", "至少6位"),
        ("111111", "容易被猜到"),
        ("123456", "容易被猜到"),
        ("987654", "容易被猜到"),
        ("abc12", "至少8个字"),
        ("2468\x1b[31m", "控制字符"),
    ):
        with pytest.raises(pins.PinError, match=words):
            pins.check_new(pin)
    with pytest.raises(pins.PinError, match="两次输入"):
        pins.check_new("246810", "246801")
    assert pins.check_new("青山村委会①号𠮷", "青山村委会①号𠮷") == "青山村委会①号𠮷"  # a passphrase, IME symbols too
    assert pins.check_new("２４６８１０", "246810") == "246810"  # full-width digits from the IME are the same


def test_hash_is_salted_slow_and_never_the_pin():
    assert pins.PRODUCTION_N == 2**14 and pins.SCRYPT_R == 8  # 16 MiB a try (the suite runs cheaper)
    a, b = pins.hash_pin(PIN, n=pins.PRODUCTION_N), pins.hash_pin(PIN, n=pins.PRODUCTION_N)
    assert a != b and PIN not in a and a.startswith("scrypt$16384$8$1$")
    assert pins.matches(PIN, a) and pins.matches("２４６８１０", a) and not pins.matches(OTHER, a)
    assert not pins.matches(PIN, "md5$abc") and not pins.matches(PIN, "garbage")


@given(st.integers(0, 20))
def test_waits_grow_and_end_in_the_lock(n):
    assert pins.delay_after(n) <= pins.delay_after(n + 1)
    assert (pins.delay_after(n) == timedelta(minutes=pins.LOCK_MINUTES)) == (n >= pins.LOCK_AFTER)


def test_try_state_locks_and_starts_again_after_the_lock():
    now = datetime(2026, 12, 1, 9, 0)
    state = pins.TryState()
    for _ in range(pins.LOCK_AFTER):
        state = state.after_failure(now)
    assert state.locked(now) and "已锁定" in state.refusal(now)
    later = now + timedelta(minutes=pins.LOCK_MINUTES)
    assert not state.locked(later) and state.refusal(later) == ""
    assert state.after_failure(later).failures == 1


# -- the first run and starting work ----------------------------------------------


def test_first_run_sets_up_the_administrator_once(services):
    assert services.identity.needs_setup()
    with pytest.raises(ValidationError) as exc:
        services.identity.setup("赵丽", "", ("文书",), "1234", "1234")
    assert "至少6位" in exc.value.errors["pin"] and services.staff.list() == []
    op = services.identity.setup("赵丽", "13903510004", ("文书",), PIN, PIN)
    assert services.operator == op and not services.identity.needs_setup()
    me = services.staff.get(op.id)
    assert me.admin and me.has_pin
    with pytest.raises(ValidationError, match="已有管理员"):
        services.identity.setup("王五", "", (), PIN, PIN)
    with services.core.read() as s:
        stored = s.exec(select(StaffCredential).where(StaffCredential.staff_id == op.id)).one().pin_hash
        audit = " ".join(a.before + a.after for a in s.exec(select(AuditLog)))
    assert PIN not in stored and PIN not in audit and "scrypt" not in audit


def test_an_upgraded_database_lets_one_of_its_staff_become_the_administrator(services):
    from cunwu_tui.db.models import Staff

    with services.core.write() as s:  # as a database from before PINs has them
        s.add(Staff(name="赵丽", phone="", roles="文书", active=True, created_at=datetime(2026, 1, 5)))
        s.add(Staff(name="王建国", phone="", roles="书记", active=True, created_at=datetime(2026, 1, 5)))
    assert services.identity.needs_setup()
    people = services.identity.people()
    assert [p.has_pin for p in people] == [False, False]
    zhao = people[0].id
    services.identity.setup("", "", (), PIN, PIN, staff_id=zhao)
    assert services.operator.name == "赵丽" and services.staff.get(zhao).admin
    wang = people[1].id
    with pytest.raises(ValidationError, match="还没有设置个人密码"):  # the others: the administrator sets theirs
        services.identity.start(wang, PIN)
    services.identity.set_pin(wang, OTHER, OTHER, zhao, PIN)
    assert services.identity.start(wang, OTHER).name == "王建国"


def test_starting_work_needs_the_persons_own_pin(services):
    zhao = setup_admin(services)
    wang = add_person(services, "王建国", "", ("书记",))
    services.sign_out()
    with pytest.raises(ValidationError) as exc:
        services.set_operator(wang.id, "")
    assert "输入本人密码" in exc.value.errors["pin"] and services.operator is None
    with pytest.raises(ValidationError, match="密码不对"):
        services.set_operator(wang.id, OTHER)
    assert services.set_operator(wang.id, PIN).name == "王建国"
    assert services.set_operator(zhao.id, PIN).name == "赵丽"
    assert [e.action for e in services.audit.recent(3)] == ["开始操作", "开始操作", "密码错误"]


def test_wrong_tries_wait_then_lock_and_an_administrator_unlocks(services, caplog):
    setup_admin(services)
    chen = add_person(services, "陈明", "", ("会计",))
    clock = [datetime(2026, 12, 1, 9, 0)]
    services.core.clock = lambda: clock[0]
    messages = []
    caplog.set_level(logging.DEBUG)
    for _ in range(pins.FREE_TRIES):
        with pytest.raises(ValidationError) as exc:
            services.identity.start(chen.id, OTHER)
        messages.append(exc.value.errors["pin"])
    assert all("秒后再试" not in m for m in messages)
    with pytest.raises(ValidationError) as exc:
        services.identity.start(chen.id, OTHER)
    assert "秒后再试" in exc.value.errors["pin"]
    with pytest.raises(ValidationError, match="秒后再试"):  # even the right PIN waits: no guessing at speed
        services.identity.start(chen.id, PIN)
    for _ in range(pins.LOCK_AFTER - pins.FREE_TRIES - 1):
        clock[0] += timedelta(minutes=2)
        with pytest.raises(ValidationError):
            services.identity.start(chen.id, OTHER)
    clock[0] += timedelta(minutes=2)
    with pytest.raises(ValidationError) as exc:
        services.identity.start(chen.id, PIN)
    assert "已锁定" in exc.value.errors["pin"] and "管理员重设" in exc.value.errors["pin"]
    with services.core.read() as s:
        rows = list(s.exec(select(AuditLog).where(AuditLog.entity == "operator")))
    assert [r.action for r in rows].count("密码错误") == pins.LOCK_AFTER and "锁定" in [r.action for r in rows]
    assert all(json.loads(r.after)["operator"] == "陈明" for r in rows if r.action == "密码错误")
    # the administrator resets the PIN: unlocked at once
    services.identity.set_pin(chen.id, OTHER, OTHER, None, PIN)
    assert services.identity.start(chen.id, OTHER).name == "陈明"
    assert OTHER not in caplog.text and PIN not in caplog.text


def test_change_own_pin_needs_the_old_one(services):
    setup_admin(services)
    with pytest.raises(ValidationError) as exc:
        services.identity.change_own(OTHER, "135792", "135792")
    assert "密码不对" in exc.value.errors["old_pin"]
    services.identity.change_own(PIN, "135792", "135792")
    op = services.operator
    services.sign_out()
    with pytest.raises(ValidationError):
        services.identity.start(op.id, PIN)
    assert services.identity.start(op.id, "135792").id == op.id


# -- administrators -------------------------------------------------------------------


def test_staff_changes_need_an_administrators_pin(services):
    zhao = setup_admin(services)
    chen = add_person(services, "陈明", "", ("会计",))
    services.set_operator(chen.id, PIN)  # not an administrator
    # The clerk's impersonation from the issue: give oneself 书记 …
    with pytest.raises(ValidationError) as exc:
        services.staff.update(chen.id, "陈明", "", ("会计", "书记"), admin_pin=PIN)
    assert "不是管理员" in exc.value.errors["admin_pin"]
    # … add a made-up 书记, deactivate the real one: the same
    with pytest.raises(ValidationError, match="不是管理员"):
        services.staff.add("王书记", "", ("书记",), admin_pin=PIN)
    with pytest.raises(ValidationError, match="密码不对"):
        services.staff.update(chen.id, "陈明", "", ("会计", "书记"), admin_id=zhao.id, admin_pin=OTHER)
    assert services.staff.get(chen.id).roles == ("会计",)
    # The administrator, present, types her PIN: done, and on the record with her name.
    services.staff.update(chen.id, "陈明", "", ("会计", "报账员"), admin_id=zhao.id, admin_pin=PIN)
    assert services.staff.get(chen.id).roles == ("会计", "报账员")
    entry = services.audit.recent(1)[0]
    assert entry.operator == "陈明" and "确认的管理员：赵丽" in entry.change[1]


def test_the_last_administrator_stays(services):
    zhao = setup_admin(services)
    with pytest.raises(ValidationError, match="唯一的管理员"):
        services.staff.update(zhao.id, "赵丽", "", ("文书",), active=False, admin_pin=PIN)
    with pytest.raises(ValidationError, match="唯一的管理员"):
        services.staff.update(zhao.id, "赵丽", "", ("文书",), admin=False, admin_pin=PIN)
    wang = add_person(services, "王建国", "", ("书记",), admin=True)
    services.staff.update(zhao.id, "赵丽", "", ("文书",), active=False, admin_pin=PIN)
    assert not services.staff.get(zhao.id).active and services.staff.get(wang.id).admin


def test_idle_minutes_are_a_setting_on_the_record(services):
    setup_admin(services)
    assert services.identity.idle_minutes() == 10
    for bad in ("0", "121", "①", "ten"):
        with pytest.raises(ValidationError):
            services.identity.set_idle_minutes(bad)
    assert services.identity.set_idle_minutes("５") == 5 and services.identity.idle_minutes() == 5
    assert services.audit.recent(1)[0].action == "修改"


# -- approvals given in person -------------------------------------------------------


@pytest.fixture
def office(services):
    from cunwu_tui.services.demo import VILLAGE

    services.settings.save_profile(VILLAGE)
    zhao = setup_admin(services, "赵丽", "13903510004", ("文书",))
    people = {"赵丽": zhao}
    for name, roles in (
        ("王建国", ("书记", "带班领导")),
        ("李秀英", ("主任", "带班领导")),
        ("王某", ("书记",)),
        ("陈明", ("会计",)),
    ):
        people[name] = add_person(services, name, "", roles)
    seals = {x.name: x for x in services.seals.list()}
    for x in seals.values():
        services.seals.update(x.id, x.name, x.short_name, x.approver_role, zhao.id, x.major_body, admin_pin=PIN)
    services.people = people
    services.party_seal = seals["党支部印章"]
    return services


def test_a_seal_use_approved_by_the_book_is_only_approved_by_the_approvers_pin(office):
    s, p = office, office.people
    reg = s.seal_register

    def use(**kw):
        args = dict(
            seal_id=s.party_seal.id,
            title="党员组织关系介绍信",
            purpose="转出组织关系",
            copies=1,
            destination="柳河镇党委",
            applicant_id=p["赵丽"].id,
            approver_id=p["王建国"].id,
        )
        args.update(kw)
        return reg.add(**args)

    # The clerk types her own PIN into the 书记's approval: refused, nothing saved.
    with pytest.raises(ValidationError) as exc:
        use(approver_pin="135792")
    assert "王建国的密码不对" in exc.value.errors["approver_pin"] and reg.list() == []
    # Without the 书记's PIN it is saved as waiting, and says so.
    pending = use()
    assert pending.pending and pending.status == "待审批" and pending.approved_at is None
    assert [u.number for u in reg.pending()] == [pending.number]
    with pytest.raises(ValidationError, match="须由其本人"):
        reg.approve(pending.id, PIN, approver_id=p["李秀英"].id)
    approved = reg.approve(pending.id, PIN)
    assert approved.approved_by == "王建国" and not approved.pending and reg.pending() == []
    with pytest.raises(ValidationError, match="已审批"):
        reg.approve(pending.id, PIN)
    with s.core.read() as db:
        [a] = db.exec(select(Approval)).all()
    assert (a.kind, a.subject_id, a.approver_id, a.operator_name) == ("用印审批", pending.id, p["王建国"].id, "赵丽")
    # The applicant cannot approve, not even under an outsider's spelling of their name.
    with pytest.raises(ValidationError) as exc:
        use(applicant_id=None, applicant_name="王 某", approver_id=p["王某"].id, approver_pin=PIN)
    assert "不能是经办人本人" in exc.value.errors["approver"]
    with pytest.raises(ValidationError) as exc:
        use(applicant_id=None, applicant_name="王　某（村外）", approver_id=p["王某"].id)
    assert "不能是经办人本人" in exc.value.errors["approver"]
    assert reg.verify().ok


def test_the_entries_waiting_for_approval_are_kept_as_the_register_says(office):
    """seal_pending (#18) follows every entry, approval and void: pending()
    lists what reading the whole register finds; a start-up check heals it."""
    from cunwu_tui.features.seals.service import AUDIT_ENTITY
    from cunwu_tui.services.identity import SEAL_USE

    s, p = office, office.people
    reg = s.seal_register

    def by_reading() -> list[int]:  # the definition: saved without the PIN, neither approved nor voided
        with s.core.read() as db:
            approved = {
                a.subject_id for a in db.exec(select(Approval)) if (a.subject_table, a.kind) == (AUDIT_ENTITY, SEAL_USE)
            }
        return [u.id for u in reg.list() if u.needs_approval and not u.voided and u.id not in approved][::-1]

    def use(pin=None):
        return reg.add(
            seal_id=s.party_seal.id,
            title="介绍信",
            purpose="转出组织关系",
            copies=1,
            destination="柳河镇党委",
            applicant_id=p["赵丽"].id,
            approver_id=p["王建国"].id,
            approver_pin=pin,
        )

    a, b, c, d = use(), use(PIN), use(), use()
    assert [u.id for u in reg.pending()] == [a.id, c.id, d.id] == sorted(by_reading())
    reg.approve(c.id, PIN)
    reg.void(a.id, "登记错了")
    reg.void(b.id, "登记错了")  # approved at once: nothing was waiting
    assert [u.id for u in reg.pending()] == [d.id] == by_reading()
    with s.core.write() as db:  # kept rows off (a copy from elsewhere): the start-up check recounts them
        db.connection().exec_driver_sql(f"INSERT INTO seal_pending (use_id) VALUES ({a.id})")
        db.connection().exec_driver_sql(f"DELETE FROM seal_pending WHERE use_id = {d.id}")
    assert reg.verify(quick=True).ok
    assert [u.id for u in reg.pending()] == [d.id]


def test_a_refusal_opinion_is_given_by_the_leader_it_went_to(office):
    s, p = office, office.people
    r = s.residents.add("王桂英", id_number="11010519491231002X", phone="13903510011", group="一组")
    s.core.clock = lambda: datetime(2026, 11, 23, 9, 0)
    docs = s.cases.intake_defaults("MS-DIBAO").documents
    case = s.cases.add(
        CaseIntake("MS-DIBAO", r.id, "来访", p["赵丽"].id, "承诺件", [False] * len(docs), "", 20, "工作日")
    )
    s.cases.refuse(case.id, "不予受理", "收入超过标准", "《最低生活保障审核确认办法》第十条", True, p["李秀英"].id)
    assert s.cases.refusal_leader(case.id) == (p["李秀英"].id, "李秀英")
    with pytest.raises(ValidationError) as exc:  # the clerk, typing for the 主任
        s.cases.leader_opinion(case.id, True, "同意", leader_pin="135792")
    assert "李秀英的密码不对" in exc.value.errors["leader_pin"]
    with pytest.raises(ValidationError, match="输入本人密码"):
        s.cases.leader_opinion(case.id, True, "同意")
    s.cases.leader_opinion(case.id, True, "同意", leader_pin=PIN)
    detail = s.cases.detail(case.id)
    assert detail.refusal.leader_opinion == "同意" and detail.refusal.opinion_given
    with s.core.read() as db:
        [a] = db.exec(select(Approval)).all()
    assert (a.kind, a.approver_name, a.agree) == ("否定报备领导意见", "李秀英", True)


def test_the_cli_export_needs_an_operator_and_pin(demo_db_path, tmp_path, monkeypatch, capsys):
    import io
    import sys

    from cunwu_tui.cli import main

    out = tmp_path / "out"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["export", "--db", demo_db_path, "--month", "2026-10", "--out", str(out)]) == 2
    assert "赵丽" in capsys.readouterr().err and not out.exists()  # the last operator, but no PIN: refused
    monkeypatch.setattr(sys, "stdin", io.StringIO(OTHER + "\n"))
    assert main(["export", "--db", demo_db_path, "--month", "2026-10", "--out", str(out), "--operator", "王建国"]) == 2
    assert "密码不对" in capsys.readouterr().err and not out.exists()
    monkeypatch.setattr(sys, "stdin", io.StringIO(PIN + "\n"))
    assert (
        main(
            [
                "export",
                "--db",
                demo_db_path,
                "--month",
                "2026-10",
                "--out",
                str(out),
                "--ledger",
                "staff",
                "--operator",
                "王 建国",
            ]
        )
        == 0
    )
    from cunwu_tui.services import open_services

    s = open_services("sqlite:///" + demo_db_path)
    try:
        entries = [e for e in s.audit.recent(5) if e.operator == "王建国"]
    finally:
        s.close()
    assert entries  # the export is on the record under the person who typed the PIN


@pytest.fixture
def demo_db_path(tmp_path):
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo

    path = tmp_path / "demo.db"
    s = open_services("sqlite:///" + str(path))
    fill_demo(s, today=datetime(2026, 11, 22).date())
    s.close()
    return str(path)


def test_demo_staff_share_the_documented_pin(demo_services):
    from cunwu_tui.services.demo import DEMO_PIN

    people = demo_services.identity.people()
    assert all(p.has_pin for p in people) and {p.name for p in people if p.admin} == {"王建国", "赵丽"}
    for p in people:
        assert demo_services.identity.start(p.id, DEMO_PIN).name == p.name
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"`{DEMO_PIN}`" in readme  # documented where a newcomer looks


def test_lock_is_on_the_record_under_the_person_who_leaves_and_signs_out(services):
    from identity_helpers import PIN, setup_admin

    admin = setup_admin(services)
    services.set_operator(admin.id, PIN)
    services.identity.lock()
    assert services.operator is None
    entry = services.audit.recent(1)[0]
    assert (entry.action, entry.operator) == ("锁屏", admin.name)
    services.identity.lock()  # nobody working: nothing more on the record
    assert services.audit.recent(1)[0].id == entry.id
