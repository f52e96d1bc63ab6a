"""Making a plan's roster: generating it, and changing it by hand in ways every regeneration keeps.

``generate`` feeds the pure generator (``roster_generator.plan_roster``) from the database (the
plan's duty days by the working-day calendar and closures, its candidates, what each has served,
who is away or busy elsewhere, what is pinned) and writes its answer in one transaction. Days
before today never change. Manual changes are pinned: a 指派 (assign) is a pinned assignment, a
移除 (remove) or a 调班 (swap) leaves a pinned void that keeps the person off that day, and
declared unavailability keeps the generator away. Generating is an administrator's action; the
manual changes are any operator's. The stand-in (替班) is recorded with attendance, in
``attendance``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import DutyAssignment, DutyPlan, DutySlot, Unavailability, utcnow
from station_app.i18n import tr
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.roster_generator import RosterInput, Uncovered, plan_roster
from station_app.services.roster_people import PersonRef, _candidates, _name_of, _names
from station_app.services.roster_plans import _plan
from station_app.services.work_calendar import WorkCalendar, _closed_days
from station_app.vocab import AssignmentSource, Attendance, DayRule, Rotation, SlotName

# Explicit join condition: DutyAssignment also points at itself (replaces_id), so joins must say which way.
_ON_SLOT = DutyAssignment.slot_id == DutySlot.id
#: how far ahead the swap picker looks for turns to exchange with
SWAP_HORIZON_DAYS = 120


# --- Generating ------------------------------------------------------------------------------


def _duty_days(plan: DutyPlan, work: WorkCalendar, closed: set[dt.date], start: dt.date, end: dt.date) -> list[dt.date]:
    """The days a plan staffs: official working days (or its weekdays that are working days), minus closures."""
    days = []
    day = start
    while day <= end:
        if (
            day not in closed
            and work.is_workday(day)
            and (plan.day_rule == DayRule.WORKDAYS or day.isoweekday() in plan.weekdays)
        ):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass
class GenerateReport:
    plan: str
    start: dt.date
    end: dt.date
    days: int = 0
    filled: int = 0
    kept: int = 0
    cleared: int = 0
    uncovered: list[Uncovered] = field(default_factory=list)
    warning: str | None = None
    past_skipped: bool = False

    def lines(self) -> list[str]:
        lines = [
            tr(
                "方案“{plan}”：{start} 至 {end}，共 {days} 个值班日；新排 {filled} 人次，保留手工安排和已签到 {kept} 人次。",
                plan=self.plan,
                start=self.start,
                end=self.end,
                days=self.days,
                filled=self.filled,
                kept=self.kept,
            )
        ]
        if self.past_skipped:
            lines.append(tr("今天以前的日期保持不变。"))
        if self.warning:
            lines.append(tr("注意：") + self.warning)
        if self.uncovered:
            lines.append(tr("有 {n} 个班次未排满：", n=len(self.uncovered)))
            lines += [
                tr(
                    "  {day} {slot} 缺{who} {n} 人：{reason}",
                    day=u.day,
                    slot=u.slot,
                    who=u.who.label,
                    n=u.missing,
                    reason=u.reason,
                )
                for u in self.uncovered
            ]
        else:
            lines.append(tr("所有班次均已排满。"))
        return lines


def _kept(assignment: DutyAssignment) -> bool:
    """Assignments a regeneration never touches: manual ones, and any whose attendance was recorded."""
    return (assignment.pinned or assignment.source != AssignmentSource.GENERATED
            or assignment.attendance != Attendance.PENDING)


def generate(ctx: ServiceContext, plan_key: str, start: dt.date, end: dt.date,
             today: dt.date | None = None) -> GenerateReport:
    """Generate (or regenerate) ``plan``'s roster from ``start`` to ``end`` in one transaction; an
    administrator's action. Days before ``today`` are left as they are."""
    today = today or dt.date.today()
    if end < start:
        raise ValidationFailed({"end": tr("结束日期 {end} 早于开始日期 {start}", end=end, start=start)})
    if (end - start).days > 800:
        raise ValidationFailed({"end": tr("一次最多生成两年的排班")})
    with ctx.write(admin_only=True) as session:
        plan = _plan(session, plan_key)
        report = GenerateReport(plan.name, start, end)
        if start < today:
            report.past_skipped = True
            start = today
        if start > end:
            return report
        work = WorkCalendar.load(session)
        report.warning = work.warning(start, end)
        days = _duty_days(plan, work, _closed_days(session, plan.station_id, start, end), start, end)
        report.days = len(days)
        staffed = set(days)

        slots = {
            (s.day, s.slot_name): s
            for s in session.scalars(
                select(DutySlot).where(DutySlot.plan_id == plan.id, DutySlot.day >= start, DutySlot.day <= end)
            )
        }
        in_span = list(
            session.scalars(
                select(DutyAssignment)
                .join(DutySlot, _ON_SLOT)
                .where(DutySlot.plan_id == plan.id, DutySlot.day >= start, DutySlot.day <= end)
            )
        )
        fixed: dict[tuple[dt.date, str], list[PersonRef]] = defaultdict(list)
        removed: dict[PersonRef, set[dt.date]] = defaultdict(set)
        replaceable: dict[tuple[str, PersonRef], DutyAssignment] = {}
        for a in in_span:
            key = (a.slot.day, a.slot.slot_name)
            if a.is_voided:
                if a.pinned:  # a manual removal or a swapped-out turn: keep that person off that day
                    removed[PersonRef.of(a)].add(a.slot.day)
            elif _kept(a):
                if a.attendance != Attendance.REPLACED:
                    fixed[key].append(PersonRef.of(a))
                report.kept += 1
            elif a.slot.day in staffed and a.slot.slot_name in plan.slots:
                replaceable[(a.slot_id, PersonRef.of(a))] = a
            else:
                _void(a, tr("该日不再值班（节假日、闭站或方案改变）"), ctx.operator.name)
                report.cleared += 1

        candidates = _candidates(session, plan)
        history = _history(session, plan.id, start)
        unavailable = _unavailable(session, start, end)
        for person, dates in removed.items():
            unavailable.setdefault(person, set()).update(dates)
        busy = _busy_elsewhere(session, plan.id, start, end)
        result = plan_roster(
            RosterInput(
                days=days,
                slot_names=list(plan.slots),
                headcount=plan.headcount,
                heads_per_slot=plan.heads_per_slot,
                rotation=Rotation(plan.rotation),
                candidates=candidates,
                served={key: count for key, (count, _last) in history.items() if count},
                last_served={key: last for key, (_count, last) in history.items()},
                unavailable=unavailable,
                busy=busy,
                fixed=dict(fixed),
            )
        )
        report.uncovered = result.uncovered
        for day in days:
            for slot_name in plan.slots:
                slot = slots.get((day, slot_name))
                if slot is None:
                    slot = DutySlot(plan_id=plan.id, day=day, slot_name=slot_name)
                    session.add(slot)
                    slots[(day, slot_name)] = slot
                slot.headcount = plan.headcount + plan.heads_per_slot
                for person in result.assignments.get((day, slot_name), []):
                    existing = replaceable.pop((slot.id, person), None) if slot.id else None
                    if existing is None:
                        session.add(_new_assignment(slot, person, AssignmentSource.GENERATED,
                                                    made_by=ctx.operator.name))
                    report.filled += 1
        for leftover in replaceable.values():
            _void(leftover, tr("重新生成排班"), ctx.operator.name)
            report.cleared += 1
        return report


def _new_assignment(
    slot: DutySlot,
    person: PersonRef,
    source: AssignmentSource,
    *,
    pinned: bool = False,
    reason: str = "",
    made_by: str = "",
    replaces: DutyAssignment | None = None,
) -> DutyAssignment:
    return DutyAssignment(
        slot=slot,
        representative_id=person.representative_id,
        window_unit_id=person.window_unit_id,
        source=str(source),
        pinned=pinned,
        reason=reason,
        made_by=made_by,
        attendance=str(Attendance.PENDING),
        replaces_id=replaces.id if replaces else None,
    )


def _void(assignment: DutyAssignment, reason: str, voided_by: str, pinned: bool | None = None) -> None:
    assignment.voided_at = utcnow()
    assignment.void_reason = reason
    assignment.voided_by = voided_by
    if pinned is not None:
        assignment.pinned = pinned


def _history(session: Session, plan_id: str, before: dt.date) -> dict[PersonRef, tuple[int, dt.date]]:
    """What each person served in this plan before ``before``: their turns in ``before``'s calendar year
    (the count the generator keeps level over the year), and their last day in any year (its spacing).

    A turn taken by a stand-in counts for the stand-in, not for the one replaced."""
    rows = session.execute(
        select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutySlot.day)
        .join(DutySlot, _ON_SLOT)
        .where(DutySlot.plan_id == plan_id, DutySlot.day < before, DutyAssignment.voided_at.is_(None),
               DutyAssignment.attendance != Attendance.REPLACED)
    )
    history: dict[PersonRef, list] = {}
    for rep_id, unit_id, day in rows:
        entry = history.setdefault(PersonRef.from_columns(rep_id, unit_id), [0, dt.date.min])
        entry[0] += day.year == before.year
        entry[1] = max(entry[1], day)
    return {k: (v[0], v[1]) for k, v in history.items()}


def _unavailable(session: Session, start: dt.date, end: dt.date) -> dict[PersonRef, set[dt.date]]:
    result: dict[PersonRef, set[dt.date]] = defaultdict(set)
    for row in session.scalars(
        select(Unavailability).where(
            Unavailability.voided_at.is_(None), Unavailability.start_date <= end, Unavailability.end_date >= start
        )
    ):
        person = PersonRef.of(row)
        day = max(row.start_date, start)
        while day <= min(row.end_date, end):
            result[person].add(day)
            day += dt.timedelta(days=1)
    return result


def _busy_elsewhere(session: Session, plan_id: str, start: dt.date, end: dt.date) -> dict[dt.date, set[PersonRef]]:
    busy: dict[dt.date, set[PersonRef]] = defaultdict(set)
    for rep_id, unit_id, day in session.execute(
        select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutySlot.day)
        .join(DutySlot, _ON_SLOT)
        .where(
            DutySlot.plan_id != plan_id,
            DutySlot.day >= start,
            DutySlot.day <= end,
            DutyAssignment.voided_at.is_(None),
            DutySlot.voided_at.is_(None),
        )
    ):
        busy[day].add(PersonRef.from_columns(rep_id, unit_id))
    return busy


# --- Manual changes --------------------------------------------------------------------------


def _assignment(session: Session, assignment_id: str) -> DutyAssignment:
    assignment = session.get(DutyAssignment, assignment_id)
    if assignment is None or assignment.is_voided:
        raise NotFound(tr("找不到这条值班安排（可能已被移除）"))
    return assignment


def _not_past(day: dt.date, today: dt.date) -> None:
    if day < today:
        raise StationError(tr("{day} 已经过去，排班不能再改；如需记录实际情况，请在“签到”中登记", day=day))


def _check_free(session: Session, person: PersonRef, day: dt.date, ignore: Iterable[str] = ()) -> None:
    """Hard rules for a manual placement: not twice a day, not on a declared unavailable day."""
    column = DutyAssignment.window_unit_id if person.is_head else DutyAssignment.representative_id
    clash = session.scalars(
        select(DutyAssignment)
        .join(DutySlot, _ON_SLOT)
        .where(
            column == person.id,
            DutySlot.day == day,
            DutyAssignment.voided_at.is_(None),
            DutyAssignment.id.not_in(list(ignore)),
        )
    ).first()
    name = _name_of(session, person) or person.id
    if clash is not None:
        raise StationError(
            tr("{name} 在 {day} 已有值班（{slot}），同一天不能排两次", name=name, day=day, slot=clash.slot.slot_name)
        )
    owner = Unavailability.window_unit_id if person.is_head else Unavailability.representative_id
    away = session.scalars(
        select(Unavailability).where(
            owner == person.id,
            Unavailability.voided_at.is_(None),
            Unavailability.start_date <= day,
            Unavailability.end_date >= day,
        )
    ).first()
    if away is not None:
        raise StationError(
            tr(
                "{name} 已登记 {start} 至 {end} 不能值班（{reason}）",
                name=name,
                start=away.start_date,
                end=away.end_date,
                reason=away.reason or tr("未注明原因"),
            )
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": tr("请填写原因")})
    return reason


def assign(ctx: ServiceContext, slot_id: str, person: PersonRef, reason: str, today: dt.date | None = None) -> str:
    """手工指派 — put someone on a slot by hand; kept by every regeneration."""
    reason = _require_reason(reason)
    with ctx.write() as session:
        slot = session.get(DutySlot, slot_id)
        if slot is None:
            raise NotFound(tr("找不到这个班次"))
        _not_past(slot.day, today or dt.date.today())
        _check_free(session, person, slot.day)
        assignment = _new_assignment(slot, person, AssignmentSource.MANUAL, pinned=True, reason=reason,
                                     made_by=ctx.operator.name)
        session.add(assignment)
        session.flush()
        return assignment.id


def remove(ctx: ServiceContext, assignment_id: str, reason: str, today: dt.date | None = None) -> None:
    """移除 — take someone off a slot; the regeneration will not put them back on that day."""
    reason = _require_reason(reason)
    with ctx.write() as session:
        assignment = _assignment(session, assignment_id)
        _not_past(assignment.slot.day, today or dt.date.today())
        _void(assignment, tr("手工移除：{reason}", reason=reason), ctx.operator.name, pinned=True)


@dataclass(frozen=True)
class SwapChoice:
    """A turn the selected one may be exchanged with (调班)."""

    assignment_id: str
    name: str
    day: dt.date
    slot: str
    unit: str


def swap_candidates(ctx: ServiceContext, assignment_id: str, today: dt.date | None = None) -> list[SwapChoice]:
    """The turns of the same plan, from today on for ``SWAP_HORIZON_DAYS`` days, that ``assignment_id``
    may be offered to swap with: those not signed in yet, other than itself. ``swap`` has the last word."""
    start = today or dt.date.today()
    end = start + dt.timedelta(days=SWAP_HORIZON_DAYS)
    with ctx.read() as session:
        plan_id = _assignment(session, assignment_id).slot.plan_id
        rows = session.execute(
            select(DutyAssignment, DutySlot.day, DutySlot.slot_name)
            .join(DutySlot, _ON_SLOT)
            .join(DutyPlan, DutySlot.plan_id == DutyPlan.id)
            .where(DutySlot.plan_id == plan_id, DutySlot.day >= start, DutySlot.day <= end,
                   DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None), DutyAssignment.voided_at.is_(None),
                   DutyAssignment.id != assignment_id, DutyAssignment.attendance == Attendance.PENDING)
        ).all()
        names = _names(session, {PersonRef.of(a) for a, _day, _slot in rows})
    order = {name: i for i, name in enumerate(SlotName)}
    rows.sort(key=lambda r: (r[1], order.get(r[2], 9), r[0].window_unit_id is not None, r[0].created_at))
    return [SwapChoice(a.id, names.get(PersonRef.of(a), ("?", ""))[0], day, slot,
                       names.get(PersonRef.of(a), ("?", ""))[1]) for a, day, slot in rows]


def swap(ctx: ServiceContext, first_id: str, second_id: str, reason: str,
         today: dt.date | None = None) -> tuple[str, str]:
    """调班 — two people exchange their turns; both new turns are pinned, the old ones kept as voided history."""
    reason = _require_reason(reason)
    with ctx.write() as session:
        first, second = _assignment(session, first_id), _assignment(session, second_id)
        for a in (first, second):
            _not_past(a.slot.day, today or dt.date.today())
            if a.attendance != Attendance.PENDING:
                raise StationError(tr("已签到的值班不能调班"))
        a_person, b_person = PersonRef.of(first), PersonRef.of(second)
        if a_person == b_person:
            raise StationError(tr("不能和自己调班"))
        _check_free(session, a_person, second.slot.day, ignore=[first.id, second.id])
        _check_free(session, b_person, first.slot.day, ignore=[first.id, second.id])
        for old in (first, second):
            _void(old, tr("调班：{reason}", reason=reason), ctx.operator.name, pinned=True)
        new_first = _new_assignment(first.slot, b_person, AssignmentSource.SWAP, pinned=True, reason=reason,
                                    made_by=ctx.operator.name)
        new_second = _new_assignment(second.slot, a_person, AssignmentSource.SWAP, pinned=True, reason=reason,
                                     made_by=ctx.operator.name)
        session.add_all([new_first, new_second])
        session.flush()
        return new_first.id, new_second.id


def declare_unavailable(ctx: ServiceContext, person: PersonRef, start: dt.date, end: dt.date, reason: str) -> str:
    """A person cannot do duty from ``start`` to ``end`` (the generator will not place them)."""
    if end < start:
        raise ValidationFailed({"end": tr("结束日期早于开始日期")})
    with ctx.write() as session:
        row = Unavailability(
            representative_id=person.representative_id,
            window_unit_id=person.window_unit_id,
            start_date=start,
            end_date=end,
            reason=reason.strip(),
        )
        session.add(row)
        session.flush()
        return row.id
