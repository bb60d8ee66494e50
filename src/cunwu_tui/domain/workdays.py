"""The working-day calendar and statutory time limits (法定期限).

Where the data comes from, per year:

1. our own table (``YearSchedule`` objects: years entered in Settings or
   files shipped in ``data/holidays/``); these win for their year;
2. otherwise the ``chinesecalendar`` package (2004-2026 in 1.11.0);
3. otherwise nothing: weekends only, and every result is marked provisional
   (预计) so the clerk knows the date may move once the State Council
   publishes that year's schedule.

Time limits follow the Civil Code (民法典) art. 201 and 203: the start day is
not counted; a period in days (日) ends on start + n days, moved to the next
working day when that day is a weekend or a holiday (调休上班日 are working
days); a period in working days (工作日) ends on the n-th working day after
the start day.

Pure Python and cheap to import: ``chinese_calendar`` is imported lazily.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

__all__ = [
    "DAY",
    "WORKDAY",
    "UNITS",
    "MAKEUP_LABEL",
    "YearSchedule",
    "DayInfo",
    "Due",
    "WorkCalendar",
    "due_date",
    "parse_schedule_toml",
    "load_schedule_file",
    "load_schedule_dir",
    "parse_schedule_lines",
    "format_schedule_lines",
    "package_schedule",
]

DAY = "日"
WORKDAY = "工作日"
UNITS: tuple[str, ...] = (DAY, WORKDAY)
MAKEUP_LABEL = "调休上班"
# Also understood on input; always written as MAKEUP_LABEL.
_MAKEUP_ALIASES = frozenset({MAKEUP_LABEL, "补班", "上班"})

PACKAGE_SOURCE = "chinesecalendar"
LINES_SOURCE = "设置录入"

_ONE_DAY = timedelta(days=1)
_MIN_YEAR, _MAX_YEAR = 1900, 2199
_WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# chinesecalendar names (English) -> the names used in State Council notices.
PACKAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "New Year's Day": "元旦",
        "Spring Festival": "春节",
        "Tomb-sweeping Day": "清明节",
        "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节",
        "Mid-autumn Festival": "中秋节",
        "National Day": "国庆节",
        "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
    }
)


# ---------------------------------------------------------------------------
# Data types
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class YearSchedule:
    """One year's holiday arrangement (国务院办公厅节假日安排).

    ``holidays`` maps every day off of the holiday breaks (weekend days
    inside a break included) to the Chinese holiday name; ``makeup_workdays``
    are the weekend days that are working days (调休上班). A 元旦 break and its
    makeup day may start in the previous December, as in the notices.
    """

    year: int
    holidays: Mapping[date, str]
    makeup_workdays: frozenset[date]
    source: str

    def __post_init__(self) -> None:
        # Read-only copies, so a schedule can be shared and cached safely.
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "makeup_workdays", frozenset(self.makeup_workdays))


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    holiday: str | None  # Chinese holiday name if inside a holiday break
    makeup_workday: bool  # 调休上班
    provisional: bool  # year not covered -> weekends only


@dataclass(frozen=True)
class Due:
    date: date
    provisional: bool
    reason: str  # "" when not provisional
    missing_years: tuple[int, ...]


# ---------------------------------------------------------------------------
# The chinesecalendar package
# ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _package_tables() -> tuple[dict[int, dict[date, str]], dict[int, set[date]], tuple[int, int] | None]:
    """The package's data by year, with Chinese names.

    The package leaves out some weekend days of a break (2024-06-08/09 of
    the 端午节 break, 2011-06-05 inside it); those days are rest days anyway,
    so they are added under the break's name: weekend days next to a holiday,
    up to the next working day.
    """
    try:
        import chinese_calendar as cc
    except ImportError:  # pragma: no cover - it is a dependency
        return {}, {}, None
    raw_holidays: dict[date, str] = dict(cc.holidays)
    raw_workdays: dict[date, str] = dict(cc.workdays)
    if not raw_holidays:  # pragma: no cover
        return {}, {}, None
    # The package's own idea of its range (is_workday raises outside it).
    span = (min(raw_holidays).year, max(raw_holidays).year)

    def chinese(name: str) -> str:
        if name in PACKAGE_NAMES:
            return PACKAGE_NAMES[name]
        for member in getattr(cc, "Holiday", ()):
            if member.value == name:
                return str(member.chinese)
        return name

    days: dict[date, str] = {d: chinese(n) for d, n in raw_holidays.items()}
    for d, name in list(days.items()):
        for step in (_ONE_DAY, -_ONE_DAY):
            e = d + step
            while e.weekday() >= 5 and e not in raw_workdays and e not in days:
                days[e] = name
                e += step
    holidays: dict[int, dict[date, str]] = {}
    for d, name in days.items():
        if span[0] <= d.year <= span[1]:
            holidays.setdefault(d.year, {})[d] = name
    makeup: dict[int, set[date]] = {}
    for d in raw_workdays:
        if span[0] <= d.year <= span[1]:
            makeup.setdefault(d.year, set()).add(d)
    return holidays, makeup, span


def _package_span() -> tuple[int, int] | None:
    return _package_tables()[2]


@lru_cache(maxsize=None)
def package_schedule(year: int) -> YearSchedule | None:
    """The chinesecalendar package's schedule for ``year`` with Chinese
    names, or None when the package does not cover that year."""
    span = _package_span()
    if span is None or not isinstance(year, int) or not span[0] <= year <= span[1]:
        return None
    holidays, makeup, _ = _package_tables()
    return YearSchedule(year, holidays.get(year, {}), frozenset(makeup.get(year, ())), PACKAGE_SOURCE)


# ---------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------
def _years_text(years: Iterable[int]) -> str:
    """2027 -> "2027"; 2027, 2028 -> "2027、2028"; 2030..2040 -> "2030至2040"."""
    ys = sorted(set(years))
    parts: list[str] = []
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{ys[i]}至{ys[j]}")
        else:
            parts.extend(str(y) for y in ys[i : j + 1])
        i = j + 1
    return "、".join(parts)


def _check_start(start: object, what: str = "开始日期") -> date:
    if isinstance(start, datetime):
        return start.date()
    if not isinstance(start, date):
        raise ValueError(f"请填写{what}。")
    return start


def _check_n_unit(n: object, unit: object) -> None:
    if unit not in UNITS:
        raise ValueError(f"期限单位应为日或工作日，不能是{unit}。")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"期限应为不小于0的整数，不能是{n}。")


class WorkCalendar:
    """Which days are working days, and statutory time limits.

    ``schedules`` (our own table: Settings or data/holidays) override the
    chinesecalendar package for their year. A year without any data is
    computed with weekends only and marked provisional; nothing here raises
    for an uncovered year.
    """

    def __init__(self, schedules: Iterable[YearSchedule] = (), use_package: bool = True):
        own: dict[int, YearSchedule] = {}
        for sch in schedules:
            if sch.year in own:
                raise ValueError(f"{sch.year}年的节假日安排重复：{own[sch.year].source}；{sch.source}。")
            own[sch.year] = sch
        self._own = own
        self._use_package = use_package

    def __repr__(self) -> str:
        return f"WorkCalendar(own={sorted(self._own)}, use_package={self._use_package})"

    # -- coverage -----------------------------------------------------------
    def _package_covers(self, year: int) -> bool:
        if not self._use_package:
            return False
        span = _package_span()
        return span is not None and span[0] <= year <= span[1]

    def covered(self, year: int) -> bool:
        return year in self._own or self._package_covers(year)

    def covered_years(self) -> list[int]:
        years = set(self._own)
        span = _package_span() if self._use_package else None
        if span is not None:
            years.update(range(span[0], span[1] + 1))
        return sorted(years)

    def schedule(self, year: int) -> YearSchedule | None:
        """The schedule used for ``year`` (ours first, then the package)."""
        if year in self._own:
            return self._own[year]
        if self._package_covers(year):
            return package_schedule(year)
        return None

    # -- days ---------------------------------------------------------------
    def _lookup(self, d: date) -> tuple[str | None, bool]:
        """(holiday name, is makeup workday) from the data, if any mentions d."""
        y = d.year
        # Our table for the day's year, then the next year's (a 元旦 break
        # or its makeup day may lie in the previous December).
        for sch in (self._own.get(y), self._own.get(y + 1)):
            if sch is not None:
                name = sch.holidays.get(d)
                if name is not None:
                    return name, False
                if d in sch.makeup_workdays:
                    return None, True
        if y not in self._own and self._package_covers(y):
            sch = package_schedule(y)
            if sch is not None:
                name = sch.holidays.get(d)
                if name is not None:
                    return name, False
                if d in sch.makeup_workdays:
                    return None, True
        return None, False

    def _is_workday(self, d: date) -> bool:
        name, makeup = self._lookup(d)
        return makeup or (name is None and d.weekday() < 5)

    def day_info(self, d: date) -> DayInfo:
        d = _check_start(d, "日期")
        name, makeup = self._lookup(d)
        return DayInfo(
            date=d,
            is_workday=makeup or (name is None and d.weekday() < 5),
            holiday=name,
            makeup_workday=makeup,
            provisional=not self.covered(d.year),
        )

    def is_workday(self, d: date) -> bool:
        """Uncovered years: Monday to Friday."""
        return self._is_workday(_check_start(d, "日期"))

    # -- periods ------------------------------------------------------------
    def due_date(self, start: date, n: int, unit: str) -> Due:
        """The last day of a period of ``n`` 日 or 工作日 from ``start``.

        The start day is not counted. 日: start + n days, moved to the next
        working day when that day is not one. 工作日: the n-th working day
        after start. n == 0: 工作日 gives start itself; 日 gives start, moved
        to the next working day when start is not one.
        """
        start = _check_start(start)
        _check_n_unit(n, unit)
        try:
            if unit == DAY:
                end = start + timedelta(days=n)
                while not self._is_workday(end):
                    end += _ONE_DAY
            else:
                end = start
                left = n
                while left:
                    end += _ONE_DAY
                    if self._is_workday(end):
                        left -= 1
        except OverflowError:
            raise ValueError("期限超出可计算的日期范围。") from None
        missing = tuple(y for y in range(start.year, end.year + 1) if not self.covered(y))
        if not missing:
            return Due(end, False, "", ())
        return Due(end, True, f"{_years_text(missing)}年节假日安排尚未录入，暂按周末计算", missing)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when end <= start."""
        start, end = _check_start(start), _check_start(end, "结束日期")
        count = 0
        d = start
        while d < end:
            d += _ONE_DAY
            if self._is_workday(d):
                count += 1
        return count


def due_date(start: date, n: int, unit: str, calendar: WorkCalendar) -> Due:
    """``calendar.due_date``: there is no process-wide calendar; the
    services own theirs (``Services.calendar``) and pass it."""
    return calendar.due_date(start, n, unit)


# ---------------------------------------------------------------------------
# Building and checking schedules
# ---------------------------------------------------------------------------
_DATE_RE = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?$")


def _parse_date(text: str) -> date | None:
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _bad_date(text: str) -> str:
    return f"{text}不是有效日期，请按 2027-01-01 的格式填写。"


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"年份应为整数，不能是{year}。")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"年份应在{_MIN_YEAR}至{_MAX_YEAR}之间，不能是{year}。")
    return year


def _check_name(name: object, where: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}：请填写节日名称。")
    name = unicodedata.normalize("NFKC", name).strip()
    if any(ch.isspace() for ch in name):
        raise ValueError(f"{where}：节日名称{name}中不能有空格。")
    if name.startswith("#") or _parse_date(name) is not None or name in _MAKEUP_ALIASES:
        raise ValueError(f"{where}：{name}不能作为节日名称。")
    return name


def _build(
    year: int, holiday_items: Iterable[tuple[Any, ...]], makeup_items: Iterable[tuple[Any, ...]], source: str
) -> YearSchedule:
    """Check and assemble a schedule.

    holiday_items: (name, start, end, where); makeup_items: (day, where);
    ``where`` names the line or TOML entry for error messages.
    """
    year = _check_year(year)
    first, last = date(year - 1, 12, 1), date(year, 12, 31)

    def in_year(d: date, where: str, allow_december: bool = True) -> None:
        if d > last:
            raise ValueError(f"{where}：{d.isoformat()}不在{year}年内。")
        if d < (first if allow_december else date(year, 1, 1)):
            raise ValueError(
                f"{where}：{d.isoformat()}不在{year}年内（只有元旦假期及其调休上班日可以从上一年12月开始）。"
            )

    holidays: dict[date, str] = {}
    seen: dict[date, str] = {}
    for name, start, end, where in holiday_items:
        if end < start:
            raise ValueError(f"{where}：结束日期{end.isoformat()}早于开始日期{start.isoformat()}。")
        in_year(start, where)
        in_year(end, where, allow_december=False)
        d = start
        while d <= end:
            old = holidays.get(d)
            if old is not None and old != name:
                raise ValueError(f"{where}：{d.isoformat()}已在{seen[d]}列为{old}，不能再列为{name}。")
            if old is None:
                holidays[d], seen[d] = name, where
            d += _ONE_DAY
    makeup: set[date] = set()
    for d, where in makeup_items:
        in_year(d, where)
        if d.weekday() < 5:
            raise ValueError(f"{where}：{d.isoformat()}是{_WEEKDAY_NAMES[d.weekday()]}，调休上班日应为星期六或星期日。")
        if d in holidays:
            raise ValueError(f"{where}：{d.isoformat()}已在{seen[d]}列为{holidays[d]}假日，不能又是调休上班日。")
        makeup.add(d)
    if not holidays:
        raise ValueError(f"{year}年没有填写任何放假安排，请至少填写一个节日（如 元旦 {year}-01-01 至 {year}-01-03）。")
    return YearSchedule(year, holidays, frozenset(makeup), source)


# -- line format ------------------------------------------------------------
_SEP_RE = re.compile("\\s*(?:至|到|~|\uff5e|\u2014|\u2013)\\s*")
_COMMENT = ("#", "＃")


def parse_schedule_lines(year: int, text: str, source: str = LINES_SOURCE) -> YearSchedule:
    """Parse what a clerk types in Settings, one item per line::

        元旦 2027-01-01 至 2027-01-03
        端午节 2027-06-09
        调休上班 2027-02-07

    Blank lines and lines starting with # are ignored; fullwidth characters
    and spaces are accepted. Errors name the line (第N行).
    """
    year = _check_year(year)
    holiday_items = []
    makeup_items = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(_COMMENT):
            continue
        line = unicodedata.normalize("NFKC", line).strip()
        where = f"第{number}行"
        line = _SEP_RE.sub(" 至 ", line)
        parts = line.split()
        if len(parts) == 2:
            label, start_text, end_text = parts[0], parts[1], None
        elif len(parts) == 4 and parts[2] == "至":
            label, start_text, end_text = parts[0], parts[1], parts[3]
        elif len(parts) >= 1 and _parse_date(parts[0]) is not None:
            raise ValueError(f"{where}：请先写节日名称，再写日期，如 元旦 {year}-01-01 至 {year}-01-03。")
        else:
            raise ValueError(
                f"{where}：无法识别，请按 节日名称 开始日期 至 结束日期 填写（如 国庆节 {year}-10-01 至 {year}-10-07），"
                f"调休上班日写作 调休上班 {year}-02-07。"
            )
        start = _parse_date(start_text)
        if start is None:
            if _parse_date(label) is not None:
                raise ValueError(f"{where}：请先写节日名称，再写日期。")
            raise ValueError(f"{where}：{_bad_date(start_text)}")
        end = start
        if end_text is not None:
            parsed = _parse_date(end_text)
            if parsed is None:
                raise ValueError(f"{where}：{_bad_date(end_text)}")
            end = parsed
        if label in _MAKEUP_ALIASES:
            if end < start:
                raise ValueError(f"{where}：结束日期{end.isoformat()}早于开始日期{start.isoformat()}。")
            d = start
            while d <= end:
                makeup_items.append((d, where))
                d += _ONE_DAY
        else:
            holiday_items.append((_check_name(label, where), start, end, where))
    return _build(year, holiday_items, makeup_items, source)


def _runs(holidays: Mapping[date, str]) -> list[tuple[str, date, date]]:
    runs: list[tuple[str, date, date]] = []
    for d in sorted(holidays):
        name = holidays[d]
        if runs and runs[-1][0] == name and runs[-1][2] + _ONE_DAY == d:
            runs[-1] = (name, runs[-1][1], d)
        else:
            runs.append((name, d, d))
    return runs


def format_schedule_lines(schedule: YearSchedule) -> str:
    """The line format of ``schedule``, in date order; parse_schedule_lines
    gives the same schedule back."""
    items: list[tuple[date, str]] = []
    for name, start, end in _runs(schedule.holidays):
        if start == end:
            items.append((start, f"{name} {start.isoformat()}"))
        else:
            items.append((start, f"{name} {start.isoformat()} 至 {end.isoformat()}"))
    for d in schedule.makeup_workdays:
        items.append((d, f"{MAKEUP_LABEL} {d.isoformat()}"))
    items.sort(key=lambda item: item[0])
    return "".join(line + "\n" for _, line in items)


# -- TOML format ------------------------------------------------------------
def _toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"文件格式不正确（TOML）：{exc}") from None


def _toml_date(value: object, where: str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{where}：只填日期，不要填时间。")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        d = _parse_date(unicodedata.normalize("NFKC", value).strip())
        if d is None:
            raise ValueError(f"{where}：{_bad_date(value)}")
        return d
    raise ValueError(f"{where}：缺少日期或日期不正确。")


def _toml_keys(table: Mapping[str, object], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(f"{where}未知字段 {'、'.join(unknown)}（可用字段：{'、'.join(sorted(allowed))}）。")


def parse_schedule_toml(text: str, source: str) -> YearSchedule:
    """Parse a data/holidays/YYYY.toml file (see data/holidays/README.md).

    The schedule's source is the file's ``source`` field when given (the
    notice's title), else ``source``. Errors name ``source`` and the field.
    """
    try:
        doc = _toml_loads(text)
        _toml_keys(doc, {"year", "source", "holidays", "makeup_workdays"}, "")
        year = doc.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError("year：缺少年份或年份不是整数（如 year = 2027）。")
        title = doc.get("source", "")
        if not isinstance(title, str):
            raise ValueError("source：应为文字。")
        raw_holidays = doc.get("holidays", [])
        if not isinstance(raw_holidays, list):
            raise ValueError("holidays：应写作 [[holidays]] 表格。")
        holiday_items = []
        for i, item in enumerate(raw_holidays, start=1):
            where = f"holidays 第{i}项"
            if not isinstance(item, dict):
                raise ValueError(f"{where}：应写作 [[holidays]] 表格。")
            _toml_keys(item, {"name", "start", "end", "note"}, where + "：")
            name = _check_name(item.get("name"), f"{where} name")
            start = _toml_date(item.get("start"), f"{where} start")
            end = _toml_date(item["end"], f"{where} end") if "end" in item else start
            holiday_items.append((name, start, end, where))
        raw_makeup = doc.get("makeup_workdays", [])
        if not isinstance(raw_makeup, list):
            raise ValueError("makeup_workdays：应写作 [[makeup_workdays]] 表格。")
        makeup_items = []
        for i, item in enumerate(raw_makeup, start=1):
            where = f"makeup_workdays 第{i}项"
            if isinstance(item, dict):
                _toml_keys(item, {"date", "note"}, where + "：")
                makeup_items.append((_toml_date(item.get("date"), f"{where} date"), where))
            else:
                makeup_items.append((_toml_date(item, where), where))
        return _build(year, holiday_items, makeup_items, title.strip() or source)
    except ValueError as exc:
        raise ValueError(f"{source}：{exc}") from None


def load_schedule_file(path: str | os.PathLike[str]) -> YearSchedule:
    """Read one TOML schedule (UTF-8, a BOM is tolerated). A file named
    YYYY.toml must be for year YYYY."""
    p = Path(path)
    schedule = parse_schedule_toml(p.read_text(encoding="utf-8-sig"), str(p))
    if re.fullmatch(r"\d{4}", p.stem) and int(p.stem) != schedule.year:
        raise ValueError(f"{p}：文件名是{p.stem}年，内容却是 year = {schedule.year}。")
    return schedule


def load_schedule_dir(folder: str | os.PathLike[str]) -> list[YearSchedule]:
    """All *.toml schedules in ``folder`` by year; [] when it does not exist.
    Two files for the same year are an error."""
    root = Path(folder)
    if not root.is_dir():
        return []
    by_year: dict[int, tuple[Path, YearSchedule]] = {}
    for p in sorted(root.glob("*.toml")):
        schedule = load_schedule_file(p)
        if schedule.year in by_year:
            other = by_year[schedule.year][0]
            raise ValueError(f"{schedule.year}年的节假日安排重复：{other.name}和{p.name}。")
        by_year[schedule.year] = (p, schedule)
    return [by_year[y][1] for y in sorted(by_year)]
