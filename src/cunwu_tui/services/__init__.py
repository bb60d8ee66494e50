"""The service layer: every read and write of the app, the CLI and the ledger
exporters goes through here. ``open_services`` opens (and migrates) the
database and returns the facade."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cunwu_tui.services.core import Core, Operator, SaveError, ValidationError

__all__ = ["Services", "open_services", "Operator", "SaveError", "ValidationError"]

log = logging.getLogger("cunwu.services")


@dataclass
class OpenInfo:
    url: str
    backup: Path | None


class Services:
    """The facade: one object per open database."""

    def __init__(self, core: Core, info: OpenInfo):
        from cunwu_tui.services.audit import AuditService
        from cunwu_tui.services.cases import CaseService
        from cunwu_tui.services.catalog import CatalogService
        from cunwu_tui.services.duty import DutyService
        from cunwu_tui.services.export import ExportService
        from cunwu_tui.services.holidays import HolidayService
        from cunwu_tui.services.notices import NoticeService
        from cunwu_tui.services.residents import ResidentService
        from cunwu_tui.services.seals import SealService
        from cunwu_tui.services.seal_register import SealRegisterService
        from cunwu_tui.services.settings import SettingsService
        from cunwu_tui.services.staff import StaffService

        self.core = core
        self.info = info
        self.settings = SettingsService(core)
        self.staff = StaffService(core)
        self.seals = SealService(core)
        self.seal_register = SealRegisterService(core)
        self.holidays = HolidayService(core)
        self.audit = AuditService(core)
        self.exports = ExportService(core, self.settings, self.settings.profile, self)
        self.catalog = CatalogService(core, self.settings)
        self.notices = NoticeService(core, self.settings, self.catalog)
        self.residents = ResidentService(core)
        self.cases = CaseService(core, self.settings, self.catalog, self.residents, self.notices, self.staff)
        self.notices.case_gate = self.cases.notice_gate
        self.duty = DutyService(core)

    # -- operator ---------------------------------------------------------
    @property
    def operator(self) -> Operator | None:
        return self.core.operator

    def set_operator(self, staff_id: int) -> Operator:
        """Who is working from now on: remembered, and on the record."""
        from cunwu_tui.services.settings import LAST_OPERATOR, put_setting

        person = self.staff.get(staff_id)
        if person is None or not person.active:
            raise ValidationError({"operator": "请选择在岗人员作为操作员。"})
        self.core.operator = Operator(person.id, person.name, person.phone)
        with self.core.write() as s:
            put_setting(s, LAST_OPERATOR, str(person.id))
            self.core.audit(s, "operator", person.id, "开始操作")
        return self.core.operator

    def remembered_operator_id(self) -> int | None:
        from cunwu_tui.services.settings import LAST_OPERATOR

        raw = self.settings.get(LAST_OPERATOR)
        return int(raw) if raw.isdigit() else None

    def close(self) -> None:
        self.core.engine.dispose()


def open_services(url: str) -> Services:
    """Open the database at ``url``: create or migrate it (copying an existing
    file aside first), set up defaults and the holiday calendar."""
    from cunwu_tui.db.engine import make_engine, upgrade

    engine = make_engine(url)
    backup = upgrade(engine)
    services = Services(Core(engine), OpenInfo(url, backup))
    services.seals.ensure_defaults()
    services.holidays.calendar()
    return services
