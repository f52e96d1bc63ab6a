"""The roster as people read it: day views of a month, per-person counts, the workbook and the printouts.

``day_views`` gives every day of a span with its calendar note (holiday, make-up day, closure) and
the slots with their people; ``month_view`` is what the roster page shows of one plan's month.
``export_month`` writes the month's 值班表, counts and 空岗 as a workbook (its words stay Chinese in
any interface language: it is data the county office reads); ``print_month`` and
``print_empty_posts`` hand the same facts to the PDF writers in ``io.roster_pdf``.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import DutyAssignment, DutyPlan, DutySlot, Station
from station_app.i18n import WEEKDAYS_LONG, tr
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.io.roster_pdf import (
    EmptyPost,
    PrintedDay,
    PrintedPerson,
    PrintedSlot,
    write_empty_posts_pdf,
    write_month_roster_pdf,
)
from station_app.services.attendance import _ON_PLAN, _ON_SLOT, EMPTY_POST, _empty_posts
from station_app.services.context import ServiceContext
from station_app.services.errors import ValidationFailed
from station_app.services.roster_people import PersonOnDuty, PersonRef, _names, _people_by_slot
from station_app.services.roster_plans import PlanRow, _describe, _plan
from station_app.services.work_calendar import WorkCalendar, _closed_days
from station_app.vocab import AssignmentSource, Attendance, SlotName


@dataclass(frozen=True)
class SlotView:
    slot_id: str
    name: str
    needed: int
    people: tuple[PersonOnDuty, ...]

    @property
    def missing(self) -> int:
        return max(0, self.needed - sum(1 for p in self.people if p.attendance != Attendance.REPLACED))


@dataclass(frozen=True)
class DayView:
    day: dt.date
    note: str
    off: bool
    slots: tuple[SlotView, ...]
    #: a day off estimated (推定) for a year without official holiday data; its note says so
    estimated: bool = False


@dataclass(frozen=True)
class PersonCount:
    person: PersonRef
    name: str
    unit: str
    scheduled: int
    attended: int
    missed: int


@dataclass(frozen=True)
class MonthView:
    """What the roster page shows of one plan's month."""

    plan: PlanRow
    #: the six weeks the month grid shows, Monday first
    days: list[DayView]
    counts: list[PersonCount]
    #: set when the month reaches a year without official holiday data
    warning: str | None


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> tuple[int, int]:
    """'2026-11' (also '2026/11', '2026年11月') → (2026, 11)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationFailed({"month": tr("月份格式应为 YYYY-MM，如 2026-11：“{text}”", text=text)})
    return int(match.group(1)), int(match.group(2))


def _day_views(
    session: Session, plan_id: str | None, start: dt.date, end: dt.date, station_id: str | None = None
) -> list[DayView]:
    work = WorkCalendar.load(session)
    query = (
        select(DutySlot)
        .join(DutyPlan, _ON_PLAN)
        .where(DutySlot.day >= start, DutySlot.day <= end, DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None))
    )
    if plan_id:
        query = query.where(DutySlot.plan_id == plan_id)
    elif station_id:
        query = query.where(DutyPlan.station_id == station_id)
    slots = list(session.scalars(query.order_by(DutySlot.day)))
    order = {name: i for i, name in enumerate(SlotName)}
    people = _people_by_slot(session, [s.id for s in slots])
    closures = _closed_days(session, station_id, start, end) if station_id else set()
    per_day: dict[dt.date, list[SlotView]] = defaultdict(list)
    for slot in sorted(slots, key=lambda s: (s.day, order.get(s.slot_name, 9))):
        per_day[slot.day].append(SlotView(slot.id, slot.slot_name, slot.headcount, people.get(slot.id, ())))
    views = []
    day = start
    while day <= end:
        note = work.day_note(day)
        if day in closures:
            note = tr("闭站")
        off = not work.is_workday(day) or day in closures
        slots = tuple(per_day.get(day, ()))
        if off:  # a slot made before the day became a day off (the notice came), now with nobody on it, is no post
            slots = tuple(slot for slot in slots if slot.people)
        views.append(DayView(day, note, off, slots, estimated=work.is_estimated(day) and day not in closures))
        day += dt.timedelta(days=1)
    return views


def day_views(
    ctx: ServiceContext, plan_id: str | None, start: dt.date, end: dt.date, station_id: str | None = None
) -> list[DayView]:
    """Every day from ``start`` to ``end`` with its note and the plan's (or station's) slots and people;
    with ``station_id``, the station's closures are marked too."""
    with ctx.read() as session:
        return _day_views(session, plan_id, start, end, station_id)


def _person_counts(
    session: Session, plan_id: str | None, start: dt.date, end: dt.date, station_id: str | None = None
) -> list[PersonCount]:
    query = (
        select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutyAssignment.attendance)
        .join(DutySlot, _ON_SLOT)
        .join(DutyPlan, _ON_PLAN)
        .where(DutySlot.day >= start, DutySlot.day <= end, DutyAssignment.voided_at.is_(None))
    )
    if plan_id:
        query = query.where(DutySlot.plan_id == plan_id)
    elif station_id:
        query = query.where(DutyPlan.station_id == station_id)
    tally: dict[PersonRef, list[int]] = defaultdict(lambda: [0, 0, 0])
    for rep_id, unit_id, attendance in session.execute(query):
        entry = tally[PersonRef.from_columns(rep_id, unit_id)]
        entry[0] += 1
        entry[1] += attendance == Attendance.PRESENT
        entry[2] += attendance in EMPTY_POST
    names = _names(session, tally)
    rows = [PersonCount(person, *names.get(person, ("?", "")), *counts) for person, counts in tally.items()]
    return sorted(rows, key=lambda r: (r.person.is_head, r.unit, r.name))


def person_counts(
    ctx: ServiceContext, plan_id: str | None, start: dt.date, end: dt.date, station_id: str | None = None
) -> list[PersonCount]:
    """Per person: turns scheduled, attended (出勤), missed (缺勤 or 请假 with nobody standing in)."""
    with ctx.read() as session:
        return _person_counts(session, plan_id, start, end, station_id)


def month_view(ctx: ServiceContext, plan_id: str, year: int, month: int) -> MonthView:
    """One plan's month for the roster page: six weeks of days (the plan's station's closures marked),
    the month's per-person counts, and the warning for a year without holiday data."""
    start, end = month_span(year, month)
    grid_start = start - dt.timedelta(days=start.weekday())
    with ctx.read() as session:
        plan = _plan(session, plan_id)
        row = PlanRow(plan.id, plan.name, plan.station.name, plan.station_id, _describe(plan))
        days = _day_views(session, plan.id, grid_start, grid_start + dt.timedelta(days=41), station_id=plan.station_id)
        counts = _person_counts(session, plan.id, start, end)
        warning = WorkCalendar.load(session).warning(start, end)
    return MonthView(row, days, counts, warning)


# --- Export ------------------------------------------------------------------------------------


def export_month(ctx: ServiceContext, year: int, month: int, path: Path | str, plan_key: str | None = None) -> int:
    """值班表 for a month as a workbook: every turn, the per-person counts, and the 空岗 list. Returns turns.

    Every row names its person as the pages do (told apart from namesakes, in Chinese) and carries their
    编号 (the id of the representative, or of the head's window unit). The 备注 column carries the day's
    calendar note; a day off estimated (推定) for a year without official holiday data gets a line of its
    own, so the reader can check it against the notice when it comes."""
    start, end = month_span(year, month)
    with ctx.read() as session:
        plans = [_plan(session, plan_key)] if plan_key else list(
            session.scalars(select(DutyPlan).where(DutyPlan.voided_at.is_(None)).order_by(DutyPlan.created_at)))
        work = WorkCalendar.load(session)
        views = {plan.id: _day_views(session, plan.id, start, end) for plan in plans}
        tallies = {plan.id: _person_counts(session, plan.id, start, end) for plan in plans}
        station_ids = {plan.station_id for plan in plans}
        posts = [p for p in _empty_posts(session, start, end) if not plan_key or p.plan == plans[0].name]
        people = ({p.person for days in views.values() for view in days for slot in view.slots for p in slot.people}
                  | {c.person for counts in tallies.values() for c in counts} | {p.person for p in posts})
        names = {person: name for person, (name, _unit) in _names(session, people, chinese=True).items()}
        title = _station_names(session, station_ids)
    turns: list[dict[str, object]] = []
    counts: list[dict[str, object]] = []
    for plan in plans:
        for view in views[plan.id]:
            # the day's holiday or make-up note, in the stored words (an estimated day off says 推定)
            note = work.day_note(view.day, stored=True)
            if view.estimated and not view.slots:  # a day off the program estimated is listed, to be checked
                turns.append({"day": view.day, "weekday": WEEKDAYS_LONG[view.day.weekday()], "plan": plan.name,
                              "slot": "", "name": "", "who": "", "unit": "", "source": "", "attendance": "",
                              "stands_in_for": "", "at": "", "note": note, "code": ""})
            for slot in view.slots:
                for p in slot.people:
                    turns.append({"day": view.day, "weekday": WEEKDAYS_LONG[view.day.weekday()],
                                  "plan": plan.name, "slot": slot.name, "name": names.get(p.person, p.name),
                                  "who": p.person.kind.value, "unit": p.unit,
                                  "source": p.source.value, "attendance": p.attendance.value,
                                  "stands_in_for": names.get(p.stands_in_for_person, p.stands_in_for)
                                  if p.stands_in_for_person else "",
                                  "at": p.attended_at.strftime("%H:%M") if p.attended_at else "",
                                  "note": note, "code": p.person.id})
                if slot.missing:
                    turns.append({"day": view.day, "weekday": WEEKDAYS_LONG[view.day.weekday()],
                                  "plan": plan.name, "slot": slot.name, "name": f"（缺 {slot.missing} 人）",
                                  "who": "", "unit": "", "source": "", "attendance": "未排满",
                                  "stands_in_for": "", "at": "", "note": note, "code": ""})
        counts += [{"plan": plan.name, "name": names.get(c.person, c.name), "unit": c.unit,
                    "scheduled": c.scheduled, "attended": c.attended, "missed": c.missed, "code": c.person.id}
                   for c in tallies[plan.id]]
    heading = f"{title} {year}年{month}月值班表"
    code = Column("code", "编号", 38)
    write_workbook(Path(path), [
        SheetSpec("值班表", [Column("day", "日期", 12, "date"), Column("weekday", "星期", 8), Column("plan", "排班方案", 16),
                             Column("slot", "时段", 8), Column("name", "姓名", 14), Column("who", "身份", 14),
                             Column("unit", "代表团/单位", 20), Column("source", "安排方式", 10),
                             Column("attendance", "签到", 8), Column("stands_in_for", "替谁值班", 12),
                             Column("at", "签到时间", 10), Column("note", "备注", 18), code], turns, heading=heading,
                  landscape=True),
        SheetSpec("值班统计", [Column("plan", "排班方案", 16), Column("name", "姓名", 14), Column("unit", "代表团/单位", 20),
                               Column("scheduled", "排班次数", 10, "int"), Column("attended", Attendance.PRESENT.value, 8, "int"),
                               Column("missed", "缺勤请假", 10, "int"), code], counts,
                  heading=f"{title} {year}年{month}月值班统计"),
        SheetSpec("空岗", [Column("day", "日期", 12, "date"), Column("slot", "时段", 8), Column("plan", "排班方案", 16),
                           Column("name", "姓名", 14), Column("unit", "代表团/单位", 20), Column("status", "情况", 8),
                           Column("note", "备注", 24), code],
                  [{"day": p.day, "slot": p.slot, "plan": p.plan, "name": names.get(p.person, p.name), "unit": p.unit,
                    "status": p.status.value, "note": p.note, "code": p.person.id} for p in posts],
                  heading=f"{title} {year}年{month}月空岗情况"),
    ])
    return sum(1 for t in turns if t["who"])


def _station_names(session: Session, station_ids: set[str]) -> str:
    names = sorted(session.scalars(select(Station.name).where(Station.id.in_(station_ids))))
    return "、".join(names) if names else ""


# --- Printing ----------------------------------------------------------------------------------


def print_month(ctx: ServiceContext, plan_key: str, year: int, month: int, path: Path | str) -> int:
    """The month's 值班表 as an A4 landscape PDF, with the per-person counts after it. Returns pages."""
    start, end = month_span(year, month)
    with ctx.read() as session:
        plan = _plan(session, plan_key)
        views = _day_views(session, plan.id, start, end, station_id=plan.station_id)
        counts = _person_counts(session, plan.id, start, end)
        station, plan_name, description = plan.station.name, plan.name, _describe(plan)
    days = []
    for view in views:
        if not view.slots and not view.note:
            continue
        slots = tuple(
            PrintedSlot(slot.name, tuple(PrintedPerson(p.name, p.source.value if p.source != AssignmentSource.GENERATED
                                                       else "", p.unit if p.is_head and p.unit not in p.name else "")
                                         for p in slot.people if p.attendance != Attendance.REPLACED), slot.needed)
            for slot in view.slots)
        days.append(PrintedDay(view.day, view.note, view.off, slots, estimated=view.estimated))
    return write_month_roster_pdf(path, station=station, plan=f"{plan_name}（{description}）", year=year, month=month,
                                  days=days, counts=[(c.name, c.scheduled, c.attended, c.missed) for c in counts])


def print_empty_posts(ctx: ServiceContext, year: int, month: int, path: Path | str,
                      station_id: str | None = None) -> int:
    """空岗表: the month's empty posts by person, by window unit, and in detail, as an A4 PDF. Returns pages.

    Titled with ``station_id``'s name, or this station's when none is given."""
    start, end = month_span(year, month)
    with ctx.read() as session:
        posts = _empty_posts(session, start, end, station_id)
        station = _station_names(session, {station_id}) if station_id else None
    station = ctx.station.name if station is None else station
    by_person: dict[tuple[str, str], int] = defaultdict(int)
    by_unit: dict[str, int] = defaultdict(int)
    for post in posts:
        by_person[(post.name, post.unit)] += 1
        if post.is_head:
            by_unit[post.unit] += 1
    return write_empty_posts_pdf(
        path, station=station, year=year, month=month,
        posts=[EmptyPost(p.day, p.slot, p.name, p.unit, p.status.value, p.note) for p in posts],
        by_person=sorted(((name, unit, n) for (name, unit), n in by_person.items()), key=lambda r: (-r[2], r[1], r[0])),
        by_unit=sorted(by_unit.items(), key=lambda r: (-r[1], r[0])))
