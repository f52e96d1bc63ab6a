"""Who can be on a duty roster, and how a person on it is named.

A person on duty is a representative or the head of a window unit; everywhere in the roster
services they are a ``PersonRef`` (its kind and the id of the row it points at), built from an
assignment's two columns in one place and written back in one place. This module also finds the
people a plan draws from (``_candidates``, for the generator), the people a clerk may pick by hand
(``people_for_picking``), the names and units shown beside them, and the people on each slot as
the pages and printouts show them (``PersonOnDuty``).

Two people may share a name (the demo county has two 张建华 in one delegation). Wherever a name is
shown or printed it comes from ``display_names``: a name nobody else in the registry bears is shown
as it is; a shared one gets what separates its bearers, the delegation (or group, or window unit)
first, then the last four digits of the phone (``张建华（尾号0985）``).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
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
from station_app.i18n import tr
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
    #: for a stand-in: the name of whoever they stand in for, and who that is
    stands_in_for: str = ""
    stands_in_for_person: PersonRef | None = None

    @property
    def is_head(self) -> bool:
        return self.person.is_head


def people_for_picking(ctx: ServiceContext, station_id: str | None = None) -> list[PickablePerson]:
    """Everyone who can be put on duty by hand: active representatives (of ``station_id``, when given)
    by pinyin, then the window-unit heads by unit; each under the name that tells them apart."""
    reps = select(Representative.id).where(Representative.voided_at.is_(None), Representative.active.is_(True))
    if station_id:
        reps = reps.where(Representative.station_id == station_id)
    with ctx.read() as session:
        people = [PersonRef.representative(i) for i in session.scalars(reps.order_by(Representative.pinyin,
                                                                                     Representative.id))]
        people += [PersonRef.head(i) for i in session.scalars(
            select(WindowUnit.id).where(WindowUnit.voided_at.is_(None), WindowUnit.head_name != "")
            .order_by(WindowUnit.name))]
        names = _names(session, people)
        return [PickablePerson(person, *names[person]) for person in people if person in names]


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


@dataclass(frozen=True)
class NamedPerson:
    """What tells a person apart from others of the same name."""

    key: Hashable
    name: str
    #: a representative's delegation (or group), a head's window unit
    unit: str = ""
    phone: str = ""
    #: the person's 编号 (the id of their row), the last resort
    code: str = ""


def _words(chinese: bool) -> tuple[str, str, str, str]:
    """The words of a told-apart name: in the reader's language, or Chinese (for exports)."""
    if chinese:
        return "{name}（{what}）", "尾号{digits}", "编号{code}", "，"
    return tr("{name}（{what}）"), tr("尾号{digits}"), tr("编号{code}"), tr("，")


def display_names(people: Iterable[NamedPerson], namesakes: Iterable[NamedPerson] = (), *,
                  chinese: bool = False) -> dict[Hashable, str]:
    """The name each of ``people`` is shown and printed under, told apart from everyone else of the same
    name among ``people`` and ``namesakes`` (the rest of the registry): the name alone when nobody else
    bears it; else the name with the first of these that separates it from all its namesakes: the unit
    (delegation, group or window unit), the last four digits of the phone, both, and at last the 编号.

    With ``chinese`` the added words stay Chinese whatever the interface language (for exports)."""
    words = _words(chinese)
    people = list(people)
    everyone: dict[Hashable, NamedPerson] = {p.key: p for p in namesakes}
    everyone.update((p.key, p) for p in people)
    by_name: dict[str, list[NamedPerson]] = defaultdict(list)
    for person in everyone.values():
        by_name[person.name].append(person)
    shown = {}
    for person in people:
        others = [o for o in by_name[person.name] if o.key != person.key]
        shown[person.key] = person.name if not others else words[0].format(
            name=person.name, what=_what_separates(person, others, words))
    return shown


def _what_separates(person: NamedPerson, others: list[NamedPerson], words: tuple[str, str, str, str]) -> str:
    _told_apart, phone_tail, code, joined = words
    tail = _phone_tail(person.phone)
    choices = []
    if person.unit:
        choices.append(((person.unit, None), person.unit))
    if tail:
        phone = phone_tail.format(digits=tail)
        choices.append(((None, tail), phone))
        if person.unit:
            choices.append(((person.unit, tail), person.unit + joined + phone))
    for (unit, digits), text in choices:
        if not any((unit is None or o.unit == unit) and (digits is None or _phone_tail(o.phone) == digits)
                   for o in others):
            return text
    return code.format(code=person.code[:8] or "?")


def _phone_tail(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else ""


def _names(session: Session, people: Iterable[PersonRef], *, chinese: bool = False) -> dict[PersonRef, tuple[str, str]]:
    """person → (the name they are shown under, their unit): a representative's delegation (or group),
    or a head's window unit. A name someone else in the registry also bears is told apart
    (``display_names``)."""
    people = set(people)
    rep_ids = [p.id for p in people if not p.is_head]
    unit_ids = [p.id for p in people if p.is_head]
    found: list[NamedPerson] = []
    for chunk in _chunks(rep_ids):
        found += _named_representatives(session, Representative.id.in_(chunk))
    for chunk in _chunks(unit_ids):
        found += _named_heads(session, WindowUnit.id.in_(chunk))
    namesakes: list[NamedPerson] = []
    for chunk in _chunks(sorted({p.name for p in found})):
        namesakes += _named_representatives(session, Representative.name.in_(chunk),
                                            Representative.voided_at.is_(None))
        namesakes += _named_heads(session, WindowUnit.head_name.in_(chunk), WindowUnit.voided_at.is_(None))
    shown = display_names(found, namesakes, chinese=chinese)
    return {p.key: (shown[p.key], p.unit) for p in found}


def _named_representatives(session: Session, *where) -> list[NamedPerson]:
    return [NamedPerson(PersonRef.representative(rep_id), name, delegation or group or "", phone or "", rep_id)
            for rep_id, name, delegation, group, phone in session.execute(
                select(Representative.id, Representative.name, Delegation.name, RepGroup.name, Representative.phone)
                .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
                .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
                .where(*where))]


def _named_heads(session: Session, *where) -> list[NamedPerson]:
    return [NamedPerson(PersonRef.head(unit_id), head, unit, phone or "", unit_id)
            for unit_id, head, unit, phone in session.execute(
                select(WindowUnit.id, WindowUnit.head_name, WindowUnit.name, WindowUnit.head_phone).where(*where))]


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
    replaced_person = {a.id: PersonRef.of(a) for a in everyone}
    return {
        slot_id: tuple(
            PersonOnDuty(
                a.id,
                PersonRef.of(a),
                *names.get(PersonRef.of(a), ("?", "")),
                AssignmentSource(a.source),
                Attendance(a.attendance),
                a.attended_at,
                names.get(replaced_person.get(a.replaces_id), ("", ""))[0],
                replaced_person.get(a.replaces_id),
            )
            for a in sorted(items, key=lambda a: (a.window_unit_id is not None, a.created_at))
        )
        for slot_id, items in by_slot.items()
    }


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
