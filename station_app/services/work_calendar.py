"""工作日历 — official holidays, make-up working days (调休上班) and station closure dates.

The package ``chinese_calendar`` carries the State Council's holiday arrangements only up to
the year it was released for (2026 for 1.11) and raises ``NotImplementedError`` after that.
The program therefore keeps its own editable table (``CalendarDay``), seeded from the package,
added to by hand or imported from a small Excel list when the next year's notice comes out.

Which source decides a day (:class:`WorkCalendar`):

1. a year with any non-voided row in the table: the table (plus the Monday–Friday rule);
2. a year with no rows that the package covers: the package;
3. any other year counts as *without data*: its days off are estimated (推定) from the national holiday
   regulation (全国年节及纪念日放假办法) and the lunar calendar by the ``holidays`` package's China
   calendar — 元旦, 春节 (除夕 to 初三), 清明节, 劳动节 (5/1–5/2), 端午节, 中秋节, 国庆节 (10/1–10/3),
   and the weekday the regulation gives in lieu of a statutory day that falls on a weekend (补假).
   No make-up working day (调休上班) is guessed: only the notice sets those. Everything else is
   Monday to Friday, and a plan reaching such a year carries a clear warning
   (:meth:`WorkCalendar.warning`). The first row the clerk enters or imports for the year makes it
   a table year (rule 1), so the notice replaces the estimate whole.

Because rule 1 makes the table the whole truth for a year, adding or importing a day into a
year the package covers first copies that year from the package (in the same transaction);
otherwise one hand-made row would silently drop the year's official holidays.

Editing the table (adding, voiding, copying from the package, importing) and station closures is
an administrator's action. The holiday-table import goes through the one import pipeline
(``services.importing``) as a ``CalendarImporter``: preview row by row, then commit all or
nothing, or the accepted rows without the refused ones on request.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import CalendarDay, Station, StationClosure
from station_app.i18n import WEEKDAYS_SHORT, language, tr, weekday
from station_app.io.excel import SheetRow
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.importing import ImportPreview, ImportResult, ImportRow, commit_import, preview_import
from station_app.services.voiding import mark_void
from station_app.vocab import CalendarKind, HolidayBasis, ImportAction

#: Names offered in the add dialog; any other name may be typed.
HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
#: Seeding starts here: older years matter to no roster.
SEED_FROM_YEAR = 2020

#: what the 类型 column of an imported holiday list may say, besides the vocabulary's own words
_HOLIDAY_WORDS = {CalendarKind.HOLIDAY.value, "法定节假日", "放假", "休", "休息", "假"}
_MAKEUP_WORDS = {CalendarKind.MAKE_UP.value, "上班", "补班", "班", "调休工作日", "工作日"}
# The State Council's notices say 清明节, 端午节, 中秋节; the package's Chinese names drop 节.
_NAME_FIXES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
_PACKAGE_NAMES = {h.value: _NAME_FIXES.get(h.chinese, h.chinese) for h in chinese_calendar.Holiday}
_PACKAGE_HOLIDAYS: dict[dt.date, str] = dict(chinese_calendar.holidays)
_PACKAGE_WORKDAYS: dict[dt.date, str] = dict(chinese_calendar.workdays)
# The same range chinese_calendar checks before it raises NotImplementedError.
PACKAGE_FIRST_YEAR = min(_PACKAGE_HOLIDAYS).year
PACKAGE_LAST_YEAR = max(_PACKAGE_HOLIDAYS).year
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_NAME_MAX = 50


def package_covers(year: int) -> bool:
    """True when chinese_calendar has the official arrangement for ``year``."""
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def package_days(year: int) -> list[tuple[dt.date, CalendarKind, str]]:
    """(day, kind, Chinese name) of the package's holidays and make-up days in ``year``, by date.

    Weekend days inside a holiday are included, named, so the calendar shows the whole break.
    """
    if not package_covers(year):
        return []
    days = [(day, CalendarKind.HOLIDAY, _PACKAGE_NAMES.get(name, name)) for day, name in _PACKAGE_HOLIDAYS.items()
            if day.year == year]
    days += [(day, CalendarKind.MAKE_UP, _PACKAGE_NAMES.get(name, name)) for day, name in _PACKAGE_WORKDAYS.items()
             if day.year == year]
    return sorted(days)


# The holidays package names the eve 农历除夕, joins two holidays of one day with "; " and marks days past its
# lunar tables （推定）; every day it gives for a year without data is an estimate here, so its own mark is
# dropped and ours is shown instead.
_LIBRARY_MARK = re.compile(r"（(补假)?，?推定）$")


@functools.lru_cache(maxsize=32)
def _estimated_holidays(year: int) -> dict[dt.date, str]:
    import holidays  # its lunar tables take a while to import, and only a year past the official data needs them

    china = holidays.country_holidays("CN", years=year, language="zh_CN")
    days = {}
    for day, names in china.items():
        names = [_LIBRARY_MARK.sub(lambda m: "（补假）" if m.group(1) else "", name).replace("农历除夕", "除夕")
                 for name in names.split("; ")]
        days[day] = "、".join(dict.fromkeys(names))
    return days


def _marked(name: str, mark: str, chinese: bool) -> str:
    """春节（推定）, 春节（补假，推定）; Spring Festival (Estimated)."""
    if not chinese:
        return f"{name} ({mark})"
    return f"{name[:-1]}，{mark}）" if name.endswith("）") else f"{name}（{mark}）"


def estimated_days(year: int) -> list[tuple[dt.date, str]]:
    """(day, Chinese name) of the days off the holiday regulation and the lunar calendar give ``year``, by date:
    the statutory days and their 补假 (a weekday in lieu of a statutory day on a weekend). What the calendar
    uses for a year without official data (:meth:`WorkCalendar.is_estimated`)."""
    return sorted(_estimated_holidays(year).items())


def parse_day(value: object) -> dt.date | None:
    """A date from what a clerk types or a cell holds: 2027-01-01, 2027/1/1, 2027.1.1, 2027年1月1日,
    20270101, a real date, or an Excel date serial number. None when it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern in (_DATE_TEXT, _COMPACT_DATE):
        if match := pattern.match(text):
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    # A date cell that lost its date format reads as a serial number (46388 is 2027-01-01).
    if re.fullmatch(r"\d{5}", text) and 36526 <= int(text) <= 73051:  # 2000-01-01 … 2099-12-31
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    return None


def normalize_kind(text: str) -> CalendarKind | None:
    """'放假', '休' → 节假日; '上班', '补班' → 调休上班; anything else → None."""
    value = (text or "").strip().replace(" ", "")
    if value in _HOLIDAY_WORDS:
        return CalendarKind.HOLIDAY
    if value in _MAKEUP_WORDS:
        return CalendarKind.MAKE_UP
    return None


# --- The calendar the rosters use ------------------------------------------------------------


class WorkCalendar:
    """An immutable snapshot of the working-day calendar: loaded with one query, then dict lookups only.

    The roster generator asks it about every day of a year, so nothing here touches the database.
    """

    __slots__ = ("_kinds", "_names", "_table_years")

    def __init__(self, rows: Iterable[tuple[dt.date, str, str]] = ()) -> None:
        kinds: dict[dt.date, str] = {}
        names: dict[dt.date, str] = {}
        for day, kind, name in rows:
            kinds[day] = kind
            names[day] = name
        self._kinds = kinds
        self._names = names
        self._table_years = frozenset(day.year for day in kinds)

    @classmethod
    def load(cls, session: Session) -> WorkCalendar:
        """The table's non-voided rows, read once."""
        rows = session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name)
                               .where(CalendarDay.voided_at.is_(None))).all()
        return cls((day, kind, name or "") for day, kind, name in rows)

    def _kind(self, day: dt.date) -> str:
        """节假日, 调休上班 or '' for an ordinary day, by whichever source decides ``day``'s year."""
        if day.year in self._table_years:
            return self._kinds.get(day, "")
        if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
            if day in _PACKAGE_WORKDAYS:
                return CalendarKind.MAKE_UP
            if day in _PACKAGE_HOLIDAYS:
                return CalendarKind.HOLIDAY
            return ""
        return CalendarKind.HOLIDAY if day in _estimated_holidays(day.year) else ""

    def is_estimated(self, day: dt.date) -> bool:
        """A day off estimated (推定) from the holiday regulation, in a year without official data."""
        return not self.has_official_data(day.year) and day in _estimated_holidays(day.year)

    def is_workday(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        kind = self._kind(day)
        if kind == CalendarKind.HOLIDAY:
            return False
        return kind == CalendarKind.MAKE_UP or day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` official working days after ``start`` (holidays skipped, 调休 days counted)."""
        day = start
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_workday(start + dt.timedelta(days=i)))

    def is_holiday(self, day: dt.date) -> bool:
        """An official day off (节假日), whether or not it falls on a weekend."""
        return self._kind(day) == CalendarKind.HOLIDAY

    def is_makeup_day(self, day: dt.date) -> bool:
        """A weekend day worked in exchange for a holiday (调休上班)."""
        return self._kind(day) == CalendarKind.MAKE_UP

    def entry(self, day: dt.date) -> tuple[str, str] | None:
        """(kind, name) when ``day`` is a holiday or make-up day, else None."""
        kind = self._kind(day)
        if not kind:
            return None
        if day.year in self._table_years:
            return kind, self._names.get(day, "")
        if not package_covers(day.year):
            return kind, _estimated_holidays(day.year)[day]
        name = (_PACKAGE_HOLIDAYS if kind == CalendarKind.HOLIDAY else _PACKAGE_WORKDAYS)[day]
        return kind, _PACKAGE_NAMES.get(name, name)

    def day_note(self, day: dt.date, *, stored: bool = False) -> str:
        """'国庆节' for a holiday, '春节（推定）' for an estimated one, '调休上班' for a make-up day, '' for an
        ordinary day: in the interface language, or with ``stored`` in the Chinese words exports carry."""
        kind = self._kind(day)
        if kind == CalendarKind.MAKE_UP:
            return CalendarKind.MAKE_UP.value if stored else CalendarKind.MAKE_UP.label
        if kind != CalendarKind.HOLIDAY:
            return ""
        name = self.entry(day)[1] or (CalendarKind.HOLIDAY.value if stored else CalendarKind.HOLIDAY.label)
        if not self.is_estimated(day):
            return name
        if stored:
            return _marked(name, HolidayBasis.ESTIMATED.value, True)
        return _marked(name, HolidayBasis.ESTIMATED.label, language() != "en")

    def has_official_data(self, year: int) -> bool:
        return year in self._table_years or package_covers(year)

    def uses_table(self, year: int) -> bool:
        """True when the table (not the package) decides ``year``."""
        return year in self._table_years

    def years_without_data(self, start: dt.date, end: dt.date) -> list[int]:
        return [year for year in range(start.year, end.year + 1) if not self.has_official_data(year)]

    def warning(self, start: dt.date, end: dt.date) -> str | None:
        """A message for a plan spanning ``start``–``end`` when it reaches a year with no holiday data."""
        years = self.years_without_data(start, end)
        if not years:
            return None
        return tr("{years} 年还没有官方节假日安排，节假日已按放假办法和农历推定（标“{mark}”，不含调休上班）排班；"
                  "国务院公布后请在“节假日与闭站”中补录或导入，再重新生成。",
                  years="、".join(str(year) for year in years), mark=HolidayBasis.ESTIMATED.label)

    def special_days(self, year: int) -> list[tuple[dt.date, str, str]]:
        """(day, kind, name) of the holidays and make-up days that decide ``year``, by date
        (the estimated days off for a year without official data)."""
        if year in self._table_years:
            return sorted((day, kind, self._names.get(day, "")) for day, kind in self._kinds.items()
                          if day.year == year)
        if not package_covers(year):
            return [(day, CalendarKind.HOLIDAY, name) for day, name in estimated_days(year)]
        return package_days(year)


def load_work_calendar(ctx: ServiceContext) -> WorkCalendar:
    """The working-day calendar as it stands, for a page to ask about days (read once)."""
    with ctx.read() as session:
        return WorkCalendar.load(session)


# --- The editable table ----------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDayRow:
    """One line of the holiday table."""

    id: str
    day: dt.date
    kind: CalendarKind
    name: str
    voided: bool
    void_reason: str
    #: not a row of the table: a day off estimated (推定) for a year without official data; it has no id
    estimated: bool = False


def list_calendar_days(ctx: ServiceContext, year: int, include_voided: bool = False, *,
                       with_estimates: bool = False) -> list[CalendarDayRow]:
    """The table's days of ``year``, by date (the voided ones too, when asked). With ``with_estimates``, a year
    without official data (no rows in the table, not in the package) lists its estimated days off instead."""
    query = (select(CalendarDay)
             .where(CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))
             .order_by(CalendarDay.day))
    if not include_voided:
        query = query.where(CalendarDay.voided_at.is_(None))
    with ctx.read() as session:
        rows = [CalendarDayRow(row.id, row.day, CalendarKind(row.kind), row.name, row.is_voided, row.void_reason or "")
                for row in session.scalars(query)]
        estimate = with_estimates and not package_covers(year) and not _year_has_rows(session, year)
    if estimate:
        rows = sorted(rows + [CalendarDayRow("", day, CalendarKind.HOLIDAY, name, False, "", estimated=True)
                              for day, name in estimated_days(year)], key=lambda r: r.day)
    return rows


def _year_has_rows(session: Session, year: int) -> bool:
    return session.scalar(select(CalendarDay.id).where(
        CalendarDay.voided_at.is_(None),
        CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31)).limit(1)) is not None


def _seed_year(session: Session, year: int) -> int:
    """Copy one year from the package, skipping days the table already has (voided ones too:
    a day the clerk voided stays voided)."""
    present = set(session.scalars(select(CalendarDay.day).where(
        CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))))
    added = 0
    for day, kind, name in package_days(year):
        if day not in present:
            session.add(CalendarDay(day=day, kind=str(kind), name=name))
            added += 1
    return added


def _seed_before_editing(session: Session, year: int) -> None:
    """A year the package decides becomes a table year on its first edit: copy it first, whole."""
    if package_covers(year) and not _year_has_rows(session, year):
        _seed_year(session, year)
        session.flush()


def seed_from_package(ctx: ServiceContext, years: Iterable[int] | None = None) -> int:
    """Copy the package's holidays and make-up days into the table; returns the number of rows added.

    Without ``years``: every year the package covers from 2020 on. Years it does not cover add nothing.
    """
    chosen = [year for year in (sorted(set(years)) if years is not None else range(
        max(SEED_FROM_YEAR, PACKAGE_FIRST_YEAR), PACKAGE_LAST_YEAR + 1)) if package_covers(year)]
    if not chosen:
        return 0
    # Every start of the window asks: one read says whether there is anything to add, without a write.
    with ctx.read() as session:
        present = set(session.scalars(select(CalendarDay.day).where(
            CalendarDay.day >= dt.date(chosen[0], 1, 1), CalendarDay.day <= dt.date(chosen[-1], 12, 31))))
    if all(day in present for year in chosen for day, _kind, _name in package_days(year)):
        return 0
    with ctx.write(admin_only=True) as session:
        return sum(_seed_year(session, year) for year in chosen)


def _bad_date(value: object) -> str:
    return (tr("日期不认识：“{value}”，请写成 2027-01-01 或 2027年1月1日", value=value)
            if str(value or "").strip() else tr("请填写日期，如 2027-01-01"))


def _clean_day(day: dt.date | str, kind: str, name: str
               ) -> tuple[dt.date | None, CalendarKind | None, str, dict[str, str]]:
    errors: dict[str, str] = {}
    parsed = parse_day(day)
    if parsed is None:
        errors["day"] = _bad_date(day)
    typed = (kind or "").strip()
    cleaned = CalendarKind(typed) if typed in CalendarKind.values() else normalize_kind(typed)
    if cleaned is None:
        errors["kind"] = (tr("“{value}”不认识，应为 节假日（放假、休）或 调休上班（上班、补班）", value=typed)
                          if typed else tr("请选择类型：节假日 或 调休上班"))
    elif cleaned == CalendarKind.MAKE_UP and parsed is not None and parsed.weekday() < 5:
        errors["day"] = tr("{day} 是{weekday}，调休上班日应为周六或周日",
                           day=parsed.isoformat(), weekday=weekday(parsed.weekday(), short=True))
    name = (name or "").strip()
    if len(name) > _NAME_MAX:
        errors["name"] = tr("名称太长（最多 {n} 个字）", n=_NAME_MAX)
    return parsed, cleaned, name, errors


def _revive(row: CalendarDay | StationClosure) -> None:
    """The day is unique even among voided rows, so a voided day is brought back, not re-added.
    The audit log keeps its earlier voiding."""
    row.voided_at = None
    row.void_reason = None
    row.voided_by = None


def add_calendar_day(ctx: ServiceContext, day: dt.date | str, kind: CalendarKind | str, name: str = "") -> str:
    """Add a holiday or make-up day; ``day`` may be typed text. Raises ValidationFailed per field."""
    parsed, kind, name, errors = _clean_day(day, kind, name)
    if errors:
        raise ValidationFailed(errors)
    with ctx.write(admin_only=True) as session:
        _seed_before_editing(session, parsed.year)
        existing = session.scalars(select(CalendarDay).where(CalendarDay.day == parsed)).first()
        if existing is not None and not existing.is_voided:
            raise ValidationFailed({"day": tr("{day} 已登记为{kind}{name}，如需更改请先作废该行",
                                              day=parsed.isoformat(), kind=CalendarKind.label_of(existing.kind),
                                              name=f"（{existing.name}）" if existing.name else "")})
        row = existing or CalendarDay(day=parsed)
        if existing is None:
            session.add(row)
        else:
            _revive(row)
        row.kind, row.name = str(kind), name
        session.flush()
        return row.id


def void_calendar_day(ctx: ServiceContext, day_id: str, reason: str) -> None:
    with ctx.write(admin_only=True) as session:
        mark_void(session.get(CalendarDay, day_id), reason, ctx.operator.name, record_id=day_id)


# --- Import and export ------------------------------------------------------------------------

#: field key → accepted headers (the first is the one we write)
CALENDAR_HEADERS: dict[str, tuple[str, ...]] = {
    "day": ("日期", "放假日期", "时间"),
    "kind": ("类型", "安排", "类别", "放假/上班"),
    "name": ("名称", "节日", "节日名称", "节假日名称", "备注"),
}


@dataclass(frozen=True)
class CalendarEntry:
    """One cleaned row of a holiday list."""

    day: dt.date
    kind: CalendarKind
    name: str


@dataclass
class _TableState:
    """What the table will hold for each day once the import has copied the package's years it
    touches (so a preview says what the commit will do), and the days earlier rows already gave."""

    rows: dict[dt.date, tuple[CalendarKind, str, bool]]  # day → (kind, name, voided)
    table_years: set[int]
    seen: dict[dt.date, int] = field(default_factory=dict)
    _package: dict[int, dict[dt.date, tuple[CalendarKind, str]]] = field(default_factory=dict)

    def current(self, day: dt.date) -> tuple[CalendarKind, str] | None:
        if day.year in self.table_years:
            row = self.rows.get(day)
            return None if row is None or row[2] else (row[0], row[1])
        if package_covers(day.year) and day not in self.rows:  # a voided day stays voided when the year is copied
            if day.year not in self._package:
                self._package[day.year] = {d: (kind, name) for d, kind, name in package_days(day.year)}
            return self._package[day.year].get(day)
        return None


def _action(current: tuple[str, str] | None, kind: CalendarKind, name: str) -> ImportAction:
    """What an incoming (kind, name) does to the day's current (kind, name); an empty name keeps the stored one."""
    if current is None:
        return ImportAction.ADD
    return ImportAction.SAME if current[0] == kind and (not name or current[1] == name) else ImportAction.UPDATE


class CalendarImporter:
    """A list of 日期 / 类型 / 名称 (the State Council's notice, typed up): the holiday table's import."""

    headers = CALENDAR_HEADERS
    required = ("day", "kind")

    def known(self, session: Session) -> _TableState:
        rows = {day: (CalendarKind(kind), name or "", voided_at is not None) for day, kind, name, voided_at
                in session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name, CalendarDay.voided_at))}
        return _TableState(rows, {day.year for day, (_kind, _name, voided) in rows.items() if not voided})

    def check(self, row: SheetRow, known: _TableState) -> ImportRow[CalendarEntry]:
        values = row.values
        label = values["day"] or tr("无日期")
        parsed, kind, name, errors = _clean_day(values["day"], values["kind"], values["name"])
        labels = {"day": tr("日期"), "kind": tr("类型"), "name": tr("名称")}
        reasons = [f"{labels[key]}：{message}" for key, message in errors.items()]
        if parsed is not None and parsed in known.seen:
            reasons.append(tr("与第 {row} 行日期重复", row=known.seen[parsed]))
        if reasons:
            return ImportRow(row.row_number, label, ImportAction.REFUSE, reasons)
        known.seen[parsed] = row.row_number
        return ImportRow(row.row_number, label, _action(known.current(parsed), kind, name),
                         data=CalendarEntry(parsed, kind, name))

    def write(self, session: Session, rows: Sequence[ImportRow[CalendarEntry]], known: _TableState) -> None:
        for row in rows:
            entry = row.data
            existing = session.scalars(select(CalendarDay).where(CalendarDay.day == entry.day)).first()
            if existing is None:
                existing = CalendarDay(day=entry.day)
                session.add(existing)
            elif existing.is_voided:
                _revive(existing)
            existing.kind = str(entry.kind)
            if entry.name or row.action == ImportAction.ADD:
                existing.name = entry.name


@dataclass(frozen=True)
class CalendarImportResult(ImportResult):
    #: the years the accepted rows touched, in order
    years: tuple[int, ...] = ()

    def summary(self) -> str:
        text = tr("新增 {new} 天，更新 {upd} 天，不变 {same} 天", new=self.added, upd=self.updated, same=self.unchanged)
        if self.refused:
            text += tr("，跳过被拒绝的 {n} 行", n=self.refused)
        return text


def preview_calendar_import(ctx: ServiceContext, path: Path | str) -> ImportPreview[CalendarEntry]:
    """Read a list of 日期 / 类型 / 名称 and decide, row by row, what importing it would do. Writes nothing."""
    return preview_import(ctx, CalendarImporter(), path)


def commit_calendar_import(ctx: ServiceContext, preview: ImportPreview[CalendarEntry], *,
                           skip_refused: bool = False) -> CalendarImportResult:
    """Write the accepted rows in one transaction; an administrator's action. With refused rows nothing is
    written unless ``skip_refused``. A year the package decides is copied into the table first, whole."""
    years = tuple(sorted({row.data.day.year for row in preview.rows if row.data is not None}))
    with ctx.write(admin_only=True) as session:
        for year in years:
            _seed_before_editing(session, year)
        result = commit_import(ctx, CalendarImporter(), preview, skip_refused=skip_refused)
    return CalendarImportResult(result.added, result.updated, result.unchanged, result.refused, result.skipped,
                                years=years)


def import_calendar_days(ctx: ServiceContext, path: Path | str) -> CalendarImportResult:
    """Import a list of holidays and make-up days in one step: all rows or none (the StationError names
    the file and every refused row)."""
    preview = preview_calendar_import(ctx, path)
    if preview.refused:
        raise StationError(tr("{file} 有 {n} 行不能导入，未写入任何数据：", file=preview.path.name,
                              n=len(preview.refused)) + "\n" + "\n".join(preview.report_lines()))
    return commit_calendar_import(ctx, preview)


def export_calendar_days(ctx: ServiceContext, path: Path | str, year: int) -> int:
    """The days that decide ``year`` (the table's, or the package's for a year not yet in the table, or the
    estimated days off for a year without official data), in the columns the import reads; returns the number
    of days written.

    Headers and kinds stay Chinese in any interface language: the file is data to import back.
    """
    with ctx.read() as session:
        work = WorkCalendar.load(session)
        days = work.special_days(year)
    heading = f"{year} 年{CalendarKind.HOLIDAY}与{CalendarKind.MAKE_UP}安排"
    if not work.has_official_data(year):  # nothing official yet: the estimated days off, marked so
        heading += f"（{HolidayBasis.ESTIMATED}）"
    columns = [Column("day", "日期", 14, "date"), Column("weekday", "星期", 8),
               Column("kind", "类型", 12), Column("name", "名称", 20)]
    rows = ({"day": day, "weekday": WEEKDAYS_SHORT[day.weekday()], "kind": str(kind), "name": name}
            for day, kind, name in days)
    write_workbook(Path(path), [SheetSpec(CalendarKind.HOLIDAY.value, columns, rows,
                                          heading=heading)])
    return len(days)


# --- Station closures --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureRow:
    """闭站日 — one day a station is closed for its own reasons."""

    id: str
    station_id: str
    day: dt.date
    reason: str
    voided: bool


@dataclass(frozen=True)
class StationChoice:
    id: str
    name: str


def closure_stations(ctx: ServiceContext) -> list[StationChoice]:
    """The stations in force, by code: the ones a closure can be recorded for."""
    with ctx.read() as session:
        return [StationChoice(station_id, name) for station_id, name in session.execute(
            select(Station.id, Station.name).where(Station.voided_at.is_(None)).order_by(Station.code))]


def list_closures(ctx: ServiceContext, station_id: str, year: int | None = None,
                  include_voided: bool = False) -> list[ClosureRow]:
    query = select(StationClosure).where(StationClosure.station_id == station_id).order_by(StationClosure.day)
    if year is not None:
        query = query.where(StationClosure.day >= dt.date(year, 1, 1), StationClosure.day <= dt.date(year, 12, 31))
    if not include_voided:
        query = query.where(StationClosure.voided_at.is_(None))
    with ctx.read() as session:
        return [ClosureRow(c.id, c.station_id, c.day, c.reason, c.is_voided) for c in session.scalars(query)]


def add_closure(ctx: ServiceContext, station_id: str, day: dt.date | str, reason: str = "") -> str:
    """Record a day ``station_id`` is closed; ``day`` may be typed text. Raises ValidationFailed per field."""
    parsed = parse_day(day)
    errors: dict[str, str] = {}
    if parsed is None:
        errors["day"] = _bad_date(day)
    reason = (reason or "").strip()
    with ctx.write(admin_only=True) as session:
        station = session.get(Station, station_id)
        if station is None or station.is_voided:
            raise NotFound(tr("找不到该站点"))
        existing = None
        if parsed is not None:
            existing = session.scalars(select(StationClosure).where(
                StationClosure.station_id == station_id, StationClosure.day == parsed)).first()
            if existing is not None and not existing.is_voided:
                errors["day"] = tr("{station} {day} 已登记闭站", station=station.name, day=parsed.isoformat())
        if errors:
            raise ValidationFailed(errors)
        closure = existing or StationClosure(station_id=station_id, day=parsed)
        if existing is None:
            session.add(closure)
        else:
            _revive(closure)
        closure.reason = reason
        session.flush()
        return closure.id


def void_closure(ctx: ServiceContext, closure_id: str, reason: str) -> None:
    with ctx.write(admin_only=True) as session:
        mark_void(session.get(StationClosure, closure_id), reason, ctx.operator.name, record_id=closure_id)


def _closed_days(session: Session, station_id: str, start: dt.date, end: dt.date) -> set[dt.date]:
    return set(session.scalars(select(StationClosure.day).where(
        StationClosure.station_id == station_id, StationClosure.voided_at.is_(None),
        StationClosure.day >= start, StationClosure.day <= end)))


def closed_days(ctx: ServiceContext, station_id: str, start: dt.date, end: dt.date) -> set[dt.date]:
    """The days from ``start`` to ``end`` (inclusive) ``station_id`` is closed."""
    with ctx.read() as session:
        return _closed_days(session, station_id, start, end)
