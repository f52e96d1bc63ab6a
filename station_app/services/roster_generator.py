"""排班生成 — the roster generator: a pure function from who/when/rules to assignments.

No database and no Qt here, so it is fast and testable in isolation; ``services.roster_generation``
feeds it from the database and writes what it returns.

Hard rules (never broken; a slot that cannot meet them is reported, with the reason):
- every slot gets its headcount of representatives and of window-unit heads ("零断档");
- nobody is placed on a day they declared unavailable (or were removed from by hand);
- nobody is on duty twice on one day (in any plan);
- with group rotation (编组排班) the day's representatives all come from one group.
Soft rules (how the choice is made among those allowed):
- fair over the year: the person with the fewest turns so far this calendar year goes first,
  counting what they already served before the span (a clerk generates one month at a time, so
  each month starts from the year's counts, not from zero) and the kept turns inside it; on
  1 January every count starts again, and the spacing rule carries the rotation on;
- spacing: among equals, whoever served longest ago goes first;
- with group rotation a group takes a whole day, and days go to the groups in proportion to their
  size: the group whose members would be drawn with the fewest turns this year takes the day (so
  nobody goes a turn ahead while another group's members are still a turn behind), then the group
  with the fewest turns per member, then the one that served longest ago;
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
    #: turns already served in the calendar year of the first day, before the span (the kept turns
    #: inside the span are counted from ``fixed``, each in its own year)
    served: dict[PersonKey, int] = field(default_factory=dict)
    #: the last day each person served, in any year (the spacing rule)
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
    """Turns served this year and the last day served, updated as the generator assigns."""

    def __init__(self, inp: RosterInput, candidates: Iterable[Candidate]) -> None:
        self._keys = [c.key for c in candidates]
        self._before = inp.served
        self._kept: dict[int, dict[PersonKey, int]] = defaultdict(lambda: defaultdict(int))
        for (day, _slot), keys in inp.fixed.items():
            for key in keys:
                self._kept[day.year][key] += 1
        self.year: int | None = None
        self.served: dict[PersonKey, int] = {}
        self.last = {key: inp.last_served.get(key, _NEVER) for key in self._keys}

    def begin_year(self, year: int) -> None:
        """Start counting ``year``: what was served before the span (in its first year) and the kept turns."""
        first = self.year is None
        self.year = year
        kept = self._kept.get(year, {})
        self.served = {key: (self._before.get(key, 0) if first else 0) + kept.get(key, 0) for key in self._keys}

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
        if day.year != ledger.year:
            ledger.begin_year(day.year)
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
    """The group that takes the day, among those with enough free members: the one whose members that
    would be drawn have the fewest turns this year (the highest of them, then their sum), then the
    fewest turns per member (days in proportion to the group's size), then the one that served longest ago."""
    need = 0
    for slot in inp.slot_names:
        fixed_reps = sum(1 for key in inp.fixed.get((day, slot), []) if key not in heads)
        need += max(0, inp.headcount - fixed_reps)
    if need == 0 or not groups:
        return []

    free_counts = {
        name: sorted(ledger.served[c.key] for c in members
                     if c.key not in busy and day not in inp.unavailable.get(c.key, ()))
        for name, members in groups.items()
    }

    def per_member(name: str) -> float:
        return sum(ledger.served[c.key] for c in groups[name]) / len(groups[name])

    def fairness(name: str) -> tuple[int, int, float, dt.date, str]:
        drawn = free_counts[name][:need]
        return (drawn[-1], sum(drawn), per_member(name), group_last[name], name)

    able = [name for name, counts in free_counts.items() if len(counts) >= need]
    if able:
        chosen = min(able, key=fairness)
    else:  # nobody can cover the whole day: the group that covers most of it, the least served among those
        chosen = max(groups, key=lambda name: (len(free_counts[name]), -per_member(name)))
    group_last[chosen] = day
    return groups[chosen]
