"""Who can be on a duty roster, and how a person on it is named.

A person on duty is a representative or the head of a window unit; everywhere in the roster
services they are a ``PersonRef`` (its kind and the id of the row it points at), built from an
assignment's two columns in one place and written back in one place. This module also finds the
people a plan draws from (``_candidates``, for the generator), the people a clerk may pick by hand
(``people_for_picking``), the names and units shown beside them, and the people on each slot as
the pages and printouts show them (``PersonOnDuty``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import (
    Delegation,
    DutyAssignment,
    DutyPlan,
    RepGroup,
    Representative,
    WindowUnit,
)
from station_app.services.context import ServiceContext
from station_app.services.roster_generator import Candidate
from station_app.vocab import AssignmentSource, Attendance, PersonKind, Rotation


class _HasPerson(Protocol):
    representative_id: str | None
    window_unit_id: str | None


@dataclass(frozen=True, order=True)
class PersonRef:
    """A person a roster can name: a representative (by id) or a window unit's head (by the unit's id)."""

    kind: PersonKind
    id: str

    @classmethod
    def representative(cls, representative_id: str) -> PersonRef:
        return cls(PersonKind.REPRESENTATIVE, representative_id)

    @classmethod
    def head(cls, window_unit_id: str) -> PersonRef:
        return cls(PersonKind.WINDOW_HEAD, window_unit_id)

    @classmethod
    def of(cls, row: _HasPerson) -> PersonRef:
        """The person of an assignment or an unavailability row (exactly one of its two columns is set)."""
        return cls.from_columns(row.representative_id, row.window_unit_id)

    @classmethod
    def from_columns(cls, representative_id: str | None, window_unit_id: str | None) -> PersonRef:
        return cls.representative(representative_id) if representative_id else cls.head(window_unit_id or "")

    @property
    def is_head(self) -> bool:
        return self.kind == PersonKind.WINDOW_HEAD

    @property
    def representative_id(self) -> str | None:
        """The value of a ``representative_id`` column for this person."""
        return None if self.is_head else self.id

    @property
    def window_unit_id(self) -> str | None:
        """The value of a ``window_unit_id`` column for this person."""
        return self.id if self.is_head else None


@dataclass(frozen=True)
class PickablePerson:
    """Someone a clerk may put on duty by hand, as the picker lists them."""

    person: PersonRef
    name: str
    #: a representative's delegation (or group), a head's window unit
    unit: str


@dataclass(frozen=True)
class PersonOnDuty:
    """One person on one slot, as the roster and sign-in pages show them."""

    assignment_id: str
    person: PersonRef
    name: str
    unit: str
    source: AssignmentSource
    attendance: Attendance
    attended_at: dt.datetime | None
    #: for a stand-in: the name of whoever they stand in for
    stands_in_for: str = ""

    @property
    def is_head(self) -> bool:
        return self.person.is_head


def people_for_picking(ctx: ServiceContext, station_id: str | None = None) -> list[PickablePerson]:
    """Everyone who can be put on duty by hand: active representatives (of ``station_id``, when given)
    by pinyin, then the window-unit heads by unit."""
    reps = (
        select(Representative.id, Representative.name, Delegation.name, RepGroup.name)
        .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
        .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
        .where(Representative.voided_at.is_(None), Representative.active.is_(True))
    )
    if station_id:
        reps = reps.where(Representative.station_id == station_id)
    with ctx.read() as session:
        people = [PickablePerson(PersonRef.representative(i), n, d or g or "")
                  for i, n, d, g in session.execute(reps.order_by(Representative.pinyin))]
        units = session.execute(
            select(WindowUnit.id, WindowUnit.head_name, WindowUnit.name)
            .where(WindowUnit.voided_at.is_(None), WindowUnit.head_name != "")
            .order_by(WindowUnit.name)
        )
        return people + [PickablePerson(PersonRef.head(i), h, u) for i, h, u in units]


def _candidates(session: Session, plan: DutyPlan) -> list[Candidate]:
    """The people ``plan`` draws from: its pool of representatives, and window-unit heads when it needs them."""
    pool = plan.pool or {}
    query = (
        select(Representative, Delegation.name, RepGroup.name)
        .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
        .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
        .where(Representative.voided_at.is_(None), Representative.active.is_(True))
    )
    if pool.get("own_station_only", True):
        query = query.where(Representative.station_id == plan.station_id)
    for key, column in (
        ("levels", Representative.level),
        ("kinds", Representative.kind),
        ("delegations", Delegation.name),
        ("groups", RepGroup.name),
    ):
        if pool.get(key):
            query = query.where(column.in_(pool[key]))
    people = []
    for rep, delegation, group in session.execute(query.order_by(Representative.pinyin, Representative.id)).unique():
        rotation_group = (delegation if plan.rotation == Rotation.DELEGATION
                          else group if plan.rotation == Rotation.REP_GROUP else "")
        people.append(Candidate(PersonRef.representative(rep.id), rep.name, group=rotation_group or "",
                                order=rep.pinyin))
    if plan.heads_per_slot:
        units = session.scalars(
            select(WindowUnit)
            .where(
                WindowUnit.voided_at.is_(None),
                WindowUnit.head_name != "",
                (WindowUnit.station_id == plan.station_id) | WindowUnit.station_id.is_(None),
            )
            .order_by(WindowUnit.name)
        )
        people += [Candidate(PersonRef.head(u.id), u.head_name, is_head=True, order=u.name) for u in units]
    return people


def _names(session: Session, people: Iterable[PersonRef]) -> dict[PersonRef, tuple[str, str]]:
    """person → (name, unit): a representative's delegation (or group), or a head's window unit."""
    people = set(people)
    rep_ids = [p.id for p in people if not p.is_head]
    unit_ids = [p.id for p in people if p.is_head]
    names: dict[PersonRef, tuple[str, str]] = {}
    for chunk in _chunks(rep_ids):
        for rep_id, name, delegation, group in session.execute(
            select(Representative.id, Representative.name, Delegation.name, RepGroup.name)
            .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
            .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
            .where(Representative.id.in_(chunk))
        ):
            names[PersonRef.representative(rep_id)] = (name, delegation or group or "")
    for chunk in _chunks(unit_ids):
        for unit_id, head, unit in session.execute(
            select(WindowUnit.id, WindowUnit.head_name, WindowUnit.name).where(WindowUnit.id.in_(chunk))
        ):
            names[PersonRef.head(unit_id)] = (head, unit)
    return names


def _name_of(session: Session, person: PersonRef) -> str:
    return _names(session, [person]).get(person, ("", ""))[0]


def _people_by_slot(session: Session, slot_ids: Sequence[str]) -> dict[str, tuple[PersonOnDuty, ...]]:
    """slot id → the people on it (not voided): representatives first, then heads, each in the order placed."""
    by_slot: dict[str, list[DutyAssignment]] = defaultdict(list)
    for chunk in _chunks(list(slot_ids)):
        for a in session.scalars(
            select(DutyAssignment).where(DutyAssignment.slot_id.in_(chunk), DutyAssignment.voided_at.is_(None))
        ):
            by_slot[a.slot_id].append(a)
    everyone = [a for items in by_slot.values() for a in items]
    names = _names(session, {PersonRef.of(a) for a in everyone})
    replaced_name = {a.id: names.get(PersonRef.of(a), ("", ""))[0] for a in everyone}
    return {
        slot_id: tuple(
            PersonOnDuty(
                a.id,
                PersonRef.of(a),
                *names.get(PersonRef.of(a), ("?", "")),
                AssignmentSource(a.source),
                Attendance(a.attendance),
                a.attended_at,
                replaced_name.get(a.replaces_id, ""),
            )
            for a in sorted(items, key=lambda a: (a.window_unit_id is not None, a.created_at))
        )
        for slot_id, items in by_slot.items()
    }


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
