"""Settings (设置): the village profile and remembered choices, stored in the
database so that a backup carries them."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlmodel import Session

from cunwu_tui.db.models import Setting
from cunwu_tui.services.core import Core, ValidationError


@dataclass(frozen=True)
class VillageProfile:
    village: str = ""  # 村(社区)名称
    township: str = ""  # 所属乡镇(街道)
    county: str = ""  # 县(区)
    phone: str = ""  # 联系电话

    @property
    def complete(self) -> bool:
        return bool(self.village and self.township)


PROFILE_KEYS = {f.name: f"profile.{f.name}" for f in fields(VillageProfile)}

# Remembered choices.
LAST_OPERATOR = "ui.last_operator_id"
EXPORT_DIR = "export.dir"


def _get(session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else default


def get_setting(session: Session, key: str, default: str = "") -> str:
    return _get(session, key, default)


def put_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)


class SettingsService:
    def __init__(self, core: Core):
        self.core = core

    def get(self, key: str, default: str = "") -> str:
        with self.core.read() as s:
            return _get(s, key, default)

    def set(self, key: str, value: str) -> None:
        with self.core.write() as s:
            before = _get(s, key, "")
            if before == value:
                return
            put_setting(s, key, value)
            self.core.audit(s, "setting", key, "修改", {"value": before}, {"value": value})

    def profile(self) -> VillageProfile:
        with self.core.read() as s:
            return VillageProfile(**{name: _get(s, key) for name, key in PROFILE_KEYS.items()})

    def save_profile(self, profile: VillageProfile) -> VillageProfile:
        from cunwu_tui.domain.inputs import clean

        cleaned = VillageProfile(**{f.name: clean(getattr(profile, f.name)) for f in fields(VillageProfile)})
        errors: dict[str, str] = {}
        for name, label in (("township", "所属乡镇(街道)"), ("county", "所属县(市、区)")):
            if len(getattr(cleaned, name)) > 40:
                errors[name] = f"{label}最多40字。"
        if not cleaned.village:
            errors["village"] = "请填写村(社区)名称。"
        elif len(cleaned.village) > 40:
            errors["village"] = "村(社区)名称过长（最多40字）。"
        if not cleaned.township:
            errors["township"] = "请填写所属乡镇(街道)。"
        phone = cleaned.phone
        if phone:
            from cunwu_tui.domain.phone import validate_phone

            try:
                phone = validate_phone(phone)
            except ValueError as exc:
                errors["phone"] = str(exc)
        if errors:
            raise ValidationError(errors)
        cleaned = VillageProfile(cleaned.village, cleaned.township, cleaned.county, phone)
        with self.core.write() as s:
            before = VillageProfile(**{name: _get(s, key) for name, key in PROFILE_KEYS.items()})
            if before == cleaned:
                return cleaned
            for name, key in PROFILE_KEYS.items():
                put_setting(s, key, getattr(cleaned, name))
            self.core.audit(s, "village_profile", "", "修改", before, cleaned)
        return cleaned
