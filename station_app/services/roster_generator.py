"""排班生成 — the roster generator: a pure function from who/when/rules to assignments.

No database and no Qt here, so it is fast and testable in isolation; ``services.roster_generation``
feeds it from the database and writes what it returns.

Hard rules (never broken; a slot that cannot meet them is reported, with the reason):
- every slot gets its headcount of representatives and of window-unit heads ("零断档");
- nobody is placed on a day they declared unavailable (or were removed from by hand);
- nobody is on duty twice on one day (in any plan);
- with group rotation (编组排班) the day's representatives all come from one group.
Soft rules (how the choice is made among those allowed):
- fair shares: the person (or group, per member) with the fewest turns so far goes first,
  counting what they already served before the span;
- spacing: among equals, whoever served longest ago goes first;
- ties are broken by a stable order (pinyin, then id), so the same input gives the same roster.
The rotation advances per staffed slot, not per calendar day, so a plan that runs only on
some weekdays still reaches everyone.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from station_app.i18n import tr
from station_app.vocab import PersonKind, Rotation

#: who a candidate is, to the generator: any hashable identity that sorts (the services pass a
#: ``roster_people.PersonRef``); the generator only compares and counts it, never looks inside
PersonKey = Hashable
_NEVER = dt.date.min


@dataclass(frozen=True)
class Candidate:
    """Someone who may be drawn: a representative, or a window-unit head (``is_head``)."""

    key: PersonKey
    name: str
    is_head: bool = False
    #: the rotation group (代表团 or 代表小组 name) for 编组排班; "" when rotating one by one
    group: str = ""
    order: str = ""


@dataclass
class RosterInput:
    days: list[dt.date]
    slot_names: list[str]
    headcount: int
    heads_per_slot: int = 0
    #: one by one, or whole groups in turn (by delegation or by representative group)
    rotation: Rotation = Rotation.PERSON
    candidates: list[Candidate] = field(default_factory=list)
    #: turns already served (before the span, and the kept ones inside it)
    served: dict[PersonKey, int] = field(default_factory=dict)
    last_served: dict[PersonKey, dt.date] = field(default_factory=dict)
    unavailable: dict[PersonKey, set[dt.date]] = field(default_factory=dict)
    #: people already on duty that day (other plans, kept assignments of this one)
    busy: dict[dt.date, set[PersonKey]] = field(default_factory=dict)
    #: kept assignments per (day, slot): they count toward the headcount
    fixed: dict[tuple[dt.date, str], list[PersonKey]] = field(default_factory=dict)


@dataclass(frozen=True)
class Uncovered:
    day: dt.date
    slot: str
    who: PersonKind
    missing: int
    reason: str


@dataclass
class RosterResult:
    assignments: dict[tuple[dt.date, str], list[PersonKey]] = field(default_factory=dict)
    uncovered: list[Uncovered] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return sum(len(keys) for keys in self.assignments.values())


class _Ledger:
    """Turns served and the last day served, updated as the generator assigns."""

    def __init__(self, inp: RosterInput, candidates: Iterable[Candidate]) -> None:
        self.served = {c.key: inp.served.get(c.key, 0) for c in candidates}
        self.last = {c.key: inp.last_served.get(c.key, _NEVER) for c in candidates}

    def priority(self, c: Candidate) -> tuple[int, dt.date, str, PersonKey]:
        return (self.served[c.key], self.last[c.key], c.order, c.key)

    def record(self, key: PersonKey, day: dt.date) -> None:
        self.served[key] += 1
        if day > self.last[key]:
            self.last[key] = day


def _why_short(pool: list[Candidate], day: dt.date, inp: RosterInput, busy: set[PersonKey], what: PersonKind) -> str:
    if not pool:
        return tr("排班范围内没有{what}", what=what.label)
    unavailable = sum(1 for c in pool if day in inp.unavailable.get(c.key, ()))
    taken = sum(1 for c in pool if c.key in busy and day not in inp.unavailable.get(c.key, ()))
    return tr("{what}共 {n} 人：{unavailable} 人当天不能值班，{taken} 人当天已有值班", what=what.label, n=len(pool),
              unavailable=unavailable, taken=taken)


def _fill(
    needed: int, pool: list[Candidate], day: dt.date, inp: RosterInput, busy: set[PersonKey], ledger: _Ledger
) -> list[PersonKey]:
    eligible = [c for c in pool if c.key not in busy and day not in inp.unavailable.get(c.key, ())]
    chosen = heapq.nsmallest(needed, eligible, key=ledger.priority) if needed > 0 else []
    keys = [c.key for c in chosen]
    for key in keys:
        ledger.record(key, day)
        busy.add(key)
    return keys


def plan_roster(inp: RosterInput) -> RosterResult:
    """Fill every slot of every day in ``inp.days``; report what cannot be filled and why."""
    reps = [c for c in inp.candidates if not c.is_head]
    heads = [c for c in inp.candidates if c.is_head]
    ledger = _Ledger(inp, inp.candidates)
    grouped = inp.rotation in (Rotation.DELEGATION, Rotation.REP_GROUP)
    groups: dict[str, list[Candidate]] = defaultdict(list)
    if grouped:
        for c in reps:
            groups[c.group or "（未分组）"].append(c)
    group_last: dict[str, dt.date] = {
        g: max((ledger.last[c.key] for c in m), default=_NEVER) for g, m in groups.items()
    }
    result = RosterResult()
    heads_by_key = {c.key for c in heads}
    for day in sorted(inp.days):
        busy = set(inp.busy.get(day, ()))
        for slot in inp.slot_names:
            busy.update(inp.fixed.get((day, slot), ()))
        rep_pool = reps
        if grouped:
            rep_pool = _pick_group(day, inp, groups, group_last, ledger, busy, heads_by_key)
        for slot in inp.slot_names:
            fixed = inp.fixed.get((day, slot), [])
            fixed_heads = sum(1 for key in fixed if key in heads_by_key)
            new: list[PersonKey] = []
            for who, pool, needed in (
                (PersonKind.REPRESENTATIVE, rep_pool, inp.headcount - (len(fixed) - fixed_heads)),
                (PersonKind.WINDOW_HEAD, heads, inp.heads_per_slot - fixed_heads),
            ):
                if needed <= 0:
                    continue
                picked = _fill(needed, pool, day, inp, busy, ledger)
                new += picked
                if len(picked) < needed:
                    reason = _why_short(pool, day, inp, busy - set(picked), who)
                    if grouped and who == PersonKind.REPRESENTATIVE and pool:
                        reason = f"{pool[0].group}：" + reason
                    result.uncovered.append(Uncovered(day, slot, who, needed - len(picked), reason))
            if new:
                result.assignments[(day, slot)] = new
    return result


def _pick_group(
    day: dt.date,
    inp: RosterInput,
    groups: dict[str, list[Candidate]],
    group_last: dict[str, dt.date],
    ledger: _Ledger,
    busy: set[PersonKey],
    heads: set[PersonKey],
) -> list[Candidate]:
    """The group that takes the day: one with enough free members, the fewest turns per member first."""
    need = 0
    for slot in inp.slot_names:
        fixed_reps = sum(1 for key in inp.fixed.get((day, slot), []) if key not in heads)
        need += max(0, inp.headcount - fixed_reps)
    if need == 0 or not groups:
        return []

    def free(members: list[Candidate]) -> int:
        return sum(1 for c in members if c.key not in busy and day not in inp.unavailable.get(c.key, ()))

    def fairness(name: str) -> tuple[float, dt.date, str]:
        members = groups[name]
        return (sum(ledger.served[c.key] for c in members) / len(members), group_last[name], name)

    able = [name for name, members in groups.items() if free(members) >= need]
    if able:
        chosen = min(able, key=fairness)
    else:  # nobody can cover the whole day: the group that covers most of it, the least served among those
        chosen = max(groups, key=lambda name: (free(groups[name]), -fairness(name)[0]))
    group_last[chosen] = day
    return groups[chosen]
