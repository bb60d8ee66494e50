"""Services: validation, one transaction per write with its audit record."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from cunwu_tui.db.models import AuditLog, Staff
from cunwu_tui.services import SaveError, ValidationError
from cunwu_tui.services.settings import VillageProfile
from identity_helpers import add_person, update_person, PIN


def audit_rows(services):
    with services.core.read() as s:
        return list(s.exec(select(AuditLog).order_by(AuditLog.id)))


def test_staff_add_is_audited_with_operator(services):
    first = add_person(services, "赵丽", "139 0351 0004", ["文书", "值班员"])
    services.set_operator(first.id, PIN)
    second = add_person(services, "陈明", "", ["会计"])
    assert first.phone == "13903510004"
    rows = [r for r in audit_rows(services) if r.entity == "staff"]
    # the first run: the administrator and her PIN; then a person she added, with a first PIN
    assert [r.action for r in rows] == ["新增", "设置密码", "新增", "设置密码"]
    assert rows[0].operator_name == "赵丽" and json.loads(rows[0].after)["admin"] is True
    assert rows[2].operator_name == "赵丽" and rows[2].operator_id == first.id
    assert json.loads(rows[2].after)["name"] == "陈明" and json.loads(rows[2].after)["confirmed_by"] == "赵丽"
    assert all(PIN not in r.after and "scrypt" not in r.after for r in audit_rows(services))
    assert services.staff.get(second.id).roles == ("会计",)


@pytest.mark.parametrize(
    "name, phone, roles, field",
    [
        ("", "", [], "name"),
        ("  ", "", [], "name"),
        ("赵丽", "12345", [], "phone"),
        ("赵丽", "", ["皇帝"], "roles"),
        ("长" * 33, "", [], "name"),
    ],
)
def test_bad_staff_input_saves_nothing(services, name, phone, roles, field):
    before = len(audit_rows(services))
    with pytest.raises(ValidationError) as err:
        add_person(services, name, phone, roles)
    assert field in err.value.errors
    assert all("\u4e00" <= ch <= "\u9fff" for ch in err.value.errors[field][:2])
    assert services.staff.list() == []
    assert len(audit_rows(services)) == before


def test_staff_are_never_deleted_only_made_inactive(services):
    admin = add_person(services, "赵丽", "", ["文书"])
    p = add_person(services, "吴桂兰", "", ["委员"])
    update_person(services, p.id, p.name, p.phone, p.roles, active=False)
    assert services.staff.list(active_only=True) == [services.staff.get(admin.id)]
    assert [x.active for x in services.staff.list()] == [True, False]
    assert not hasattr(services.staff, "delete")


def test_duplicate_active_name_refused(services):
    add_person(services, "王建国", "", [])
    with pytest.raises(ValidationError, match="已有在岗人员"):
        add_person(services, "王建国", "", [])


def test_profile_round_trip_and_validation(services):
    with pytest.raises(ValidationError) as err:
        services.settings.save_profile(VillageProfile(village="", township="", phone="abc"))
    assert set(err.value.errors) == {"village", "township", "phone"}
    assert services.settings.profile() == VillageProfile()
    services.settings.save_profile(VillageProfile("青山村", "柳河镇", "清源县", "0351-6012345"))
    assert services.settings.profile().village == "青山村"
    assert [r.entity for r in audit_rows(services)].count("village_profile") == 1


def test_failed_write_rolls_back_audit_too(services, monkeypatch):
    """The audit record and the change commit together or not at all."""
    before = len(audit_rows(services))

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.core, "audit", boom)
    with pytest.raises(SaveError, match="保存失败"):
        add_person(services, "赵丽", "", [])
    monkeypatch.undo()
    with services.core.read() as s:
        assert list(s.exec(select(Staff))) == []
    assert len(audit_rows(services)) == before


def test_default_seals_and_edit(services):
    seals = services.seals.list()
    assert [(s.name, s.approver_role) for s in seals] == [
        ("党支部印章", "书记"),
        ("村(居)委会印章", "主任"),
        ("村集体经济组织印章", "集体经济组织负责人"),
    ]
    keeper = add_person(services, "赵丽", "", ["文书"])
    s = seals[1]
    with pytest.raises(ValidationError, match="密码不对"):  # whoever approves a seal is an administrator's call
        services.seals.update(
            s.id, s.name, s.short_name, "文书", keeper.id, s.major_body, admin_id=keeper.id, admin_pin="975310"
        )
    updated = services.seals.update(
        s.id, s.name, s.short_name, s.approver_role, keeper.id, s.major_body, admin_id=keeper.id, admin_pin=PIN
    )
    assert updated.keeper_name == "赵丽"
    with pytest.raises(ValidationError) as err:
        services.seals.add("", "", "国王")
    assert {"name", "short_name", "approver_role"} <= set(err.value.errors)


def test_operator_remembered(services):
    p = add_person(services, "赵丽", "", [])
    services.set_operator(p.id, PIN)
    assert services.remembered_operator_id() == p.id


def test_holiday_year_entered_makes_due_dates_exact(services):
    from datetime import date

    from cunwu_tui.domain import workdays

    cal = services.holidays.calendar()
    assert cal.due_date(date(2026, 12, 28), 7, "工作日").provisional
    with pytest.raises(ValidationError):
        services.holidays.save_year(2027, "元旦 2027-13-01")
    services.holidays.save_year(2027, "元旦 2027-01-01 至 2027-01-03\n")
    due = workdays.due_date(date(2026, 12, 28), 7, "工作日", services.calendar)
    assert not due.provisional
    assert [s.year for s in services.holidays.entered()] == [2027]


def test_demo_fills_an_empty_database_only(demo_services):
    from datetime import date

    from cunwu_tui.services.demo import fill_demo

    staff = demo_services.staff.list()
    assert len(staff) == 9 and sum(not p.active for p in staff) == 1
    assert demo_services.operator.name == "赵丽"
    assert all(s.keeper_name for s in demo_services.seals.list())
    # Last month has history, for the default export.
    last_month = list(demo_services.audit.between(date(2026, 10, 1), date(2026, 11, 1)))
    assert len(last_month) >= 10
    with pytest.raises(ValidationError, match="只填入空数据库"):
        fill_demo(demo_services, today=date(2026, 11, 22))
