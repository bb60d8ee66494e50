"""People with PINs for the tests: the first administrator and others
added by them, all with the demo's PIN (services/demo.DEMO_PIN)."""

from __future__ import annotations

from cunwu_tui.services.demo import DEMO_PIN

PIN = DEMO_PIN


def setup_admin(services, name: str = "赵丽", phone: str = "", roles=("文书",)):
    """The first run: ``name`` becomes the administrator and the operator."""
    op = services.identity.setup(name, phone, roles, PIN, PIN)
    return services.staff.get(op.id)


def add_person(services, name: str, phone: str = "", roles=(), admin: bool = False, admin_id: int | None = None):
    """A person with a PIN, added by the administrator (default: the
    operator; the first administrator is set up when there is none)."""
    if services.identity.needs_setup():
        current = services.operator
        person = setup_admin(services, name, phone, roles)
        if current is not None:
            services.core.operator = current
        return person
    if admin_id is None:
        admin_id = first_admin_id(services)
    return services.staff.add(name, phone, roles, admin=admin, pin=PIN, admin_id=admin_id, admin_pin=PIN)


def first_admin_id(services) -> int:
    op = services.operator
    people = services.identity.people()
    if op is not None and any(p.id == op.id and p.admin for p in people):
        return op.id
    return next(p.id for p in people if p.admin)


def update_person(services, staff_id: int, name: str, phone: str, roles, active: bool = True, admin=None):
    return services.staff.update(
        staff_id, name, phone, roles, active, admin, admin_id=first_admin_id(services), admin_pin=PIN
    )
