"""Holiday schedules: the chinesecalendar package (2004-2026), files shipped
in data/holidays/, and years the clerk enters or imports in Settings (these
win over the others for their year)."""

from __future__ import annotations

from typing import Callable

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from cunwu_tui.db.models import HolidaySchedule
from cunwu_tui.domain import workdays
from cunwu_tui.paths import data_dir
from cunwu_tui.services.core import Core, ValidationError

log = logging.getLogger("cunwu.holidays")


@dataclass(frozen=True)
class ScheduleInfo:
    year: int
    source: str
    content: str  # line format, editable
    origin: str  # 设置录入 / 随软件提供


def shipped_schedules() -> list[workdays.YearSchedule]:
    folder = data_dir() / "holidays"
    if not folder.is_dir():
        return []
    try:
        return workdays.load_schedule_dir(folder)
    except ValueError:
        log.exception("bad shipped holiday file")
        return []


class HolidayService:
    def __init__(self, core: Core):
        self.core = core
        self.on_change: Callable[[], object] | None = None  # set by the facade: the cases' summaries again

    def entered(self) -> list[ScheduleInfo]:
        with self.core.read() as s:
            rows = s.exec(select(HolidaySchedule).order_by(col(HolidaySchedule.year))).all()
            return [ScheduleInfo(r.year, r.source, r.content, "设置录入") for r in rows]

    def schedules(self) -> list[ScheduleInfo]:
        """Every year with our own data (entered or shipped), by year."""
        mine = {i.year: i for i in self.entered()}
        for sch in shipped_schedules():
            if sch.year not in mine:
                mine[sch.year] = ScheduleInfo(sch.year, sch.source, workdays.format_schedule_lines(sch), "随软件提供")
        return [mine[y] for y in sorted(mine)]

    def load(self) -> workdays.WorkCalendar:
        """Build the calendar with all known years (shipped files, then the
        years entered in Settings) and make it the services' calendar
        (``Services.calendar``), which every deadline is counted by."""
        by_year = {s.year: s for s in shipped_schedules()}
        for info in self.entered():
            try:
                by_year[info.year] = workdays.parse_schedule_lines(info.year, info.content, info.source or "设置录入")
            except ValueError:
                log.exception("stored holiday schedule %s does not parse", info.year)
        cal = workdays.WorkCalendar(by_year.values())
        self.core.calendar = cal
        return cal

    def calendar(self) -> workdays.WorkCalendar:
        """The calendar in use (as last loaded)."""
        return self.core.calendar

    def covered(self, year: int) -> bool:
        """Whether ``year``'s holiday arrangement is known (else working
        days of that year are counted by weekends only, 预计)."""
        return self.core.calendar.covered(year)

    def covered_years(self) -> list[int]:
        """Every year whose arrangement is known (the package's and ours)."""
        return self.core.calendar.covered_years()

    def day_info(self, day: date) -> workdays.DayInfo:
        """Whether ``day`` is a working day, and its holiday if any."""
        return self.core.calendar.day_info(day)

    def save_year(self, year: int | str, text: str, source: str = "") -> ScheduleInfo:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise ValidationError({"year": "请填写年份（如 2027）。"}) from None
        if not 2000 <= year <= 2100:
            raise ValidationError({"year": "年份应在2000至2100之间。"})
        try:
            sch = workdays.parse_schedule_lines(year, text, source.strip() or "设置录入")
        except ValueError as exc:
            raise ValidationError({"content": str(exc)}) from None
        return self._store(sch)

    def import_file(self, path: str | Path) -> ScheduleInfo:
        p = Path(path).expanduser()
        if not p.is_file():
            raise ValidationError({"path": f"找不到文件：{p}"})
        try:
            sch = workdays.load_schedule_file(p)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise ValidationError({"path": f"{p.name}：{exc}"}) from None
        return self._store(sch)

    def _store(self, sch: workdays.YearSchedule) -> ScheduleInfo:
        content = workdays.format_schedule_lines(sch)
        with self.core.write() as s:
            row = s.get(HolidaySchedule, sch.year)
            before = None if row is None else {"source": row.source, "content": row.content}
            if row is None:
                row = HolidaySchedule(year=sch.year, source=sch.source, content=content, updated_at=self.core.now())
            else:
                row.source, row.content, row.updated_at = sch.source, content, self.core.now()
            s.add(row)
            self.core.audit(
                s,
                "holiday_schedule",
                sch.year,
                "录入" if before is None else "修改",
                before,
                {"year": sch.year, "source": sch.source, "content": content},
            )
        self.load()
        if self.on_change is not None:  # the cases' summaries count working days by this calendar
            self.on_change()
        return ScheduleInfo(sch.year, sch.source, content, "设置录入")
