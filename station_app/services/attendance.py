"""签到 — how each turn on duty went: present, absent, on leave, or taken by a stand-in; and 空岗.

Any operator records attendance. Signing in several people is one call and one transaction: a
refused row (a day still to come, a turn already taken by a stand-in) writes none of them. A
stand-in (替班) is one service for every page: the original turn is marked 替班 and linked to the
stand-in's new turn, and once the duty day has come the stand-in is marked present. A turn left
empty (absent or on leave, nobody standing in) is an empty post. The duty subsidy is paid from
these rows (``services.subsidy``): a change in a month whose subsidy is confirmed or paid goes
through ``check_attendance_change`` first.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import DutyAssignment, DutyPlan, DutySlot
from station_app.i18n import tr
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.roster_generation import _assignment, _check_free, _new_assignment, _require_reason
from station_app.services.roster_people import PersonOnDuty, PersonRef, _name_of, _names, _people_by_slot
from station_app.services.subsidy import check_attendance_change
from station_app.vocab import AssignmentSource, Attendance, SlotName

#: the marks a clerk sets directly; 替班 is set by recording a stand-in
MARKABLE = (Attendance.PENDING, Attendance.PRESENT, Attendance.ABSENT, Attendance.LEAVE)
#: the marks that leave a post empty
EMPTY_POST = (Attendance.ABSENT, Attendance.LEAVE)
_ON_SLOT = DutyAssignment.slot_id == DutySlot.id
_ON_PLAN = DutySlot.plan_id == DutyPlan.id


# --- Signing in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInRow:
    """One turn on the sign-in sheet of a day."""

    plan: str
    slot: str
    person: PersonOnDuty


def sign_in_sheet(ctx: ServiceContext, day: dt.date) -> list[SignInRow]:
    """Everyone on duty on ``day`` in every plan: plan by plan (oldest first), slot by slot."""
    order = {name: i for i, name in enumerate(SlotName)}
    with ctx.read() as session:
        slots = session.execute(
            select(DutySlot.id, DutySlot.slot_name, DutyPlan.id, DutyPlan.name)
            .join(DutyPlan, _ON_PLAN)
            .where(DutySlot.day == day, DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None))
            .order_by(DutyPlan.created_at)
        ).all()
        people = _people_by_slot(session, [slot_id for slot_id, *_ in slots])
    # plan by plan as the query lists them, then slot by slot in the day's order
    plan_order = {plan_id: i for i, plan_id in enumerate(dict.fromkeys(plan_id for _s, _n, plan_id, _p in slots))}
    slots = sorted(slots, key=lambda s: (plan_order[s[2]], order.get(s[1], 9)))
    return [SignInRow(plan, slot_name, person)
            for slot_id, slot_name, _plan_id, plan in slots for person in people.get(slot_id, ())]


def mark_attendance(
    ctx: ServiceContext,
    assignment_ids: Sequence[str],
    mark: Attendance | str,
    at: dt.datetime | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> None:
    """签到 — mark turns present, absent or on leave (or back to not signed in), with the time; only on or
    after the duty day. One transaction: if any turn is refused, none is marked, and the message names it."""
    mark = Attendance.parse(mark)
    if mark not in MARKABLE:
        raise ValidationFailed({"status": tr("签到状态应为：{choices}", choices="、".join(m.label for m in MARKABLE))})
    today = today or dt.date.today()
    at = at or dt.datetime.now()
    with ctx.write() as session:
        for assignment_id in assignment_ids:
            assignment = _assignment(session, assignment_id)
            try:
                if assignment.slot.day > today:
                    raise StationError(tr("{day} 还没到，不能签到", day=assignment.slot.day))
                if assignment.attendance == Attendance.REPLACED:
                    raise StationError(tr("这次值班已由他人替班，请给替班人签到"))
                if assignment.attendance != mark:
                    check_attendance_change(session, assignment.slot.plan.station_id, assignment.slot.day)
            except StationError as exc:
                raise StationError(tr("{name}：{error}", name=_name_of(session, PersonRef.of(assignment)),
                                      error=exc)) from exc
            assignment.attendance = str(mark)
            assignment.attended_at = at if mark != Attendance.PENDING else None
            if note:
                assignment.reason = note


def stand_in(ctx: ServiceContext, assignment_id: str, substitute: PersonRef, reason: str, *,
             at: dt.datetime | None = None, today: dt.date | None = None) -> str:
    """替班 — ``substitute`` takes the turn ``assignment_id``. The original turn stays, marked 替班 and linked
    to the new one; when the duty day has come the stand-in is there, so they are marked present (at ``at``,
    or now). The roster page and the sign-in page both record a stand-in with this call."""
    reason = _require_reason(reason)
    today = today or dt.date.today()
    with ctx.write() as session:
        original = _assignment(session, assignment_id)
        if original.attendance == Attendance.REPLACED:
            raise StationError(tr("这次值班已经有人替班"))
        if substitute == PersonRef.of(original):
            raise StationError(tr("替班人不能是本人"))
        _check_free(session, substitute, original.slot.day)
        check_attendance_change(session, original.slot.plan.station_id, original.slot.day)
        new = _record_stand_in(session, original, substitute, reason, ctx.operator.name)
        if original.slot.day <= today:
            new.attendance, new.attended_at = str(Attendance.PRESENT), at or dt.datetime.now()
        session.flush()
        return new.id


def _record_stand_in(session: Session, original: DutyAssignment, substitute: PersonRef, reason: str,
                     made_by: str) -> DutyAssignment:
    """The stand-in itself, inside the caller's transaction, once the checks are done (the demo writes
    its history with it, and marks the attendance itself)."""
    original.attendance = str(Attendance.REPLACED)
    if not substitute.is_head:
        original.substitute_id = substitute.id
    new = _new_assignment(original.slot, substitute, AssignmentSource.STAND_IN, pinned=True, reason=reason,
                          made_by=made_by, replaces=original)
    session.add(new)
    return new


# --- Empty posts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EmptyPostRow:
    """空岗 — a turn left empty: absent or on leave, with nobody standing in."""

    day: dt.date
    slot: str
    plan: str
    person: PersonRef
    name: str
    unit: str
    status: Attendance
    note: str

    @property
    def is_head(self) -> bool:
        return self.person.is_head


def _empty_posts(session: Session, start: dt.date, end: dt.date, station_id: str | None = None) -> list[EmptyPostRow]:
    query = (
        select(DutyAssignment, DutySlot.day, DutySlot.slot_name, DutyPlan.name)
        .join(DutySlot, _ON_SLOT)
        .join(DutyPlan, _ON_PLAN)
        .where(
            DutySlot.day >= start,
            DutySlot.day <= end,
            DutyAssignment.voided_at.is_(None),
            DutyAssignment.attendance.in_(EMPTY_POST),
        )
    )
    if station_id:
        query = query.where(DutyPlan.station_id == station_id)
    rows = session.execute(query.order_by(DutySlot.day)).all()
    names = _names(session, {PersonRef.of(a) for a, *_ in rows})
    return [
        EmptyPostRow(day, slot, plan, PersonRef.of(a), *names.get(PersonRef.of(a), ("?", "")),
                     Attendance(a.attendance), a.reason)
        for a, day, slot, plan in rows
    ]


def empty_posts(ctx: ServiceContext, start: dt.date, end: dt.date, station_id: str | None = None) -> list[EmptyPostRow]:
    """The empty posts from ``start`` to ``end`` (of ``station_id``'s plans, when given), by day."""
    with ctx.read() as session:
        return _empty_posts(session, start, end, station_id)
