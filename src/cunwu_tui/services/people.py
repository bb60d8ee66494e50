"""A person's own fields (name, phone, roles), cleaned and checked the same
way for the staff list (services/staff.py) and the first administrator
(services/identity.py)."""

from __future__ import annotations

from typing import Iterable

from cunwu_tui.domain.roles import ROLES
from cunwu_tui.services.core import ValidationError


def clean_person(name: str, phone: str, roles: Iterable[str]) -> tuple[str, str, tuple[str, ...]]:
    errors: dict[str, str] = {}
    from cunwu_tui.domain.inputs import clean

    name = clean(name)
    if not name:
        errors["name"] = "请填写姓名。"
    elif len(name) > 32:
        errors["name"] = "姓名过长（最多32字）。"
    phone = clean(phone)
    if phone:
        from cunwu_tui.domain.phone import validate_phone

        try:
            phone = validate_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    roles = tuple(dict.fromkeys(r.strip() for r in roles if r and r.strip()))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        errors["roles"] = f"未知的职务：{'、'.join(unknown)}。"
    if errors:
        raise ValidationError(errors)
    return name, phone, roles
