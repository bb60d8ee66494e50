"""The service layer: every read and write of the app, the CLI and the ledger
exporters goes through here. ``open_services`` opens (and migrates) the
database and returns the facade."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cunwu_tui.services.core import Clock, Core, Operator, SaveError, ValidationError

if TYPE_CHECKING:
    from datetime import date, datetime

    from cunwu_tui.db.lock import DatabaseLock
    from cunwu_tui.domain.workdays import WorkCalendar

__all__ = ["Services", "open_services", "Operator", "SaveError", "ValidationError"]

log = logging.getLogger("cunwu.services")


@dataclass
class OpenInfo:
    url: str
    backup: Path | None
    # Said once when the database opens (the app's notice, the CLI's stderr):
    # a PostgreSQL database that does not order text like C (db/engine.py).
    warnings: tuple[str, ...] = ()


class Services:
    """The facade: one object per open database. The kernel's services are
    made here; each feature (cunwu_tui/feature.py) then puts its own on it
    (``Feature.install``), in the order of cunwu_tui.features.INSTALLED."""

    if TYPE_CHECKING:  # made by the features; declared for the type checker
        from cunwu_tui.features.cases.service import CaseService
        from cunwu_tui.features.duty.service import DutyService
        from cunwu_tui.features.lookup.service import CatalogService
        from cunwu_tui.features.notices.service import NoticeService
        from cunwu_tui.features.residents.service import ResidentService
        from cunwu_tui.features.seals.service import SealRegisterService

        catalog: CatalogService
        residents: ResidentService
        notices: NoticeService
        seal_register: SealRegisterService
        cases: CaseService
        duty: DutyService

    def __init__(self, core: Core, info: OpenInfo):
        from cunwu_tui.feature import features, load
        from cunwu_tui.services.audit import AuditService
        from cunwu_tui.services.backup import BackupService
        from cunwu_tui.services.evidence import EvidenceService
        from cunwu_tui.services.export import ExportService
        from cunwu_tui.services.holidays import HolidayService
        from cunwu_tui.services.identity import IdentityService
        from cunwu_tui.services.seals import SealService
        from cunwu_tui.services.settings import SettingsService
        from cunwu_tui.services.staff import StaffService

        self.core = core
        self.info = info
        self._lock: DatabaseLock | None = None  # the shared instance lock, see open_services
        self.settings = SettingsService(core)
        self.identity = IdentityService(core)
        self.staff = StaffService(core, self.identity)
        self.seals = SealService(core, self.identity)
        self.holidays = HolidayService(core)
        self.audit = AuditService(core)
        self.exports = ExportService(core, self.settings, self.settings.profile, self)
        self.backups = BackupService(core, self.settings, info.url)
        self.evidence = EvidenceService(core, self.settings)
        for feature in features():
            if feature.install:
                load(feature.install)(self)

    # -- the clock and the calendar ----------------------------------------
    def now(self) -> datetime:
        """The one clock of the app, the CLI and every service."""
        return self.core.now()

    def today(self) -> date:
        return self.core.today()

    def set_clock(self, clock: Clock | None) -> Clock | None:
        """Fix the clock (tests, the demo); None: the real time again.
        Returns the clock it replaces."""
        before, self.core.clock = self.core.clock, clock
        return before

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar (holidays.load() keeps it current)."""
        return self.core.calendar

    # -- the query planner's statistics -----------------------------------
    def refresh_statistics(self) -> None:
        """SQLite's statistics for its query planner (sqlite_stat1): a full
        ANALYZE, about 0.35 s on ten years of a large village, run once a
        day by the start-up worker. Without statistics SQLite guesses and
        F4's 办结 reads every case (7 ms on ten years); from a sample
        (``analysis_limit``) it chose worse still (办结 9 ms, the searches
        3-5× the demo's); with them every list is within 2× of the demo's
        (benchmarks/README.md). Not data, so not on the record. PostgreSQL
        keeps its own (autovacuum)."""
        if self.core.engine.dialect.name != "sqlite":
            return
        with self.core.write() as s:
            conn = s.connection()
            conn.exec_driver_sql("PRAGMA analysis_limit=0")  # every row of every index
            conn.exec_driver_sql("ANALYZE")

    # -- operator ---------------------------------------------------------
    @property
    def operator(self) -> Operator | None:
        return self.core.operator

    def set_operator(self, staff_id: int, pin: object) -> Operator:
        """Who is working from now on, proven by their PIN: remembered, and
        on the record (services/identity.py)."""
        return self.identity.start(staff_id, pin)

    def sign_out(self) -> None:
        """Nobody is working (the screen is locked or the operator changes)."""
        self.core.operator = None

    def remembered_operator_id(self) -> int | None:
        from cunwu_tui.services.settings import LAST_OPERATOR

        raw = self.settings.get(LAST_OPERATOR)
        return int(raw) if raw.isdigit() else None

    def close(self) -> None:
        self.core.engine.dispose()
        lock, self._lock = getattr(self, "_lock", None), None
        if lock is not None:
            lock.release()


def open_services(url: str, *, lock: bool = True, clock: Clock | None = None) -> Services:
    """Open the database at ``url``: create or migrate it (copying an existing
    file aside first), set up defaults and the holiday calendar.

    While open, the database's shared instance lock is held (db/lock.py), so
    that a restore knows a window has it open; ``lock=False`` only for the
    restore itself, which holds the exclusive lock. ``clock``: the services'
    clock from the start (None: the real time; see Services.set_clock)."""
    from cunwu_tui.db.engine import DatabaseError, collation_warning, make_engine, secure_database_files, upgrade
    from cunwu_tui.db.lock import DatabaseInUse, hold_shared
    from cunwu_tui.paths import sqlite_file

    engine = make_engine(url)
    held = None
    try:
        if lock:
            held = hold_shared(sqlite_file(url))
        backup = upgrade(engine)
        secure_database_files(sqlite_file(url))
        warning = collation_warning(engine)
        services = Services(Core(engine, clock), OpenInfo(url, backup, (warning,) if warning else ()))
        services._lock = held
        services.seals.ensure_defaults()
        services.holidays.load()
    except DatabaseInUse as exc:
        engine.dispose()
        raise DatabaseError(str(exc)) from exc
    except BaseException:
        engine.dispose()
        if held is not None:
            held.release()
        raise
    return services
