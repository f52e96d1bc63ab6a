"""履职 tallies: what each representative did in a period, counted once, for the archive, the points and the stars.

One ``Tally`` per representative (or per representative and month) holds every count the
performance archive shows and the points rule scores:

- duty: turns scheduled for them (not counting turns they took over as a stand-in), attended
  (出勤, stand-ins included), absent (缺勤, unexcused), on leave (请假), stood in for others (替班
  turns they took), and turns of theirs someone else took;
- visits they received; the referrals raised from those visits, how many are closed (办结), and how
  many of those the citizen rated 满意 or 基本满意 at the last follow-up;
- suggestions (代表建议) they made, and how many have been answered;
- activities they attended, by kind, and trainings passed.

Each event counts on its own day: a turn on its duty day, a visit (and a referral raised from it) on
the day of the visit, a suggestion on the day it was opened, an activity on its day. ``items`` turns
a tally into the points rule's items (``PointItem``); ``ACTIVITY_ITEM`` says which item an activity
kind scores under (a kind a station added scores as 其他活动).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import (
    Activity,
    ActivityParticipant,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Referral,
    ReferralFollowUp,
    Suggestion,
    SuggestionRepresentative,
    Visit,
    VisitRepresentative,
)
from station_app.services.context import ServiceContext
from station_app.vocab import (
    ActivityKind,
    AssignmentSource,
    Attendance,
    PointItem,
    ReferralState,
    Satisfaction,
    SuggestionState,
)

#: the points item each standard activity kind scores under; any other kind scores as 其他活动
ACTIVITY_ITEM: dict[str, PointItem] = {
    ActivityKind.INSPECTION: PointItem.INSPECTION,
    ActivityKind.MEETING: PointItem.MEETING,
    ActivityKind.BRIEFING: PointItem.MEETING,
    ActivityKind.REVIEW: PointItem.MEETING,
    ActivityKind.DIRECTOR_VISIT: PointItem.MEETING,
    ActivityKind.TRAINING: PointItem.TRAINING,
    ActivityKind.PROJECT: PointItem.PROJECT,
    ActivityKind.COLLECTIVE_VISIT: PointItem.RECEPTION,
}
#: the follow-up answers that count a referral as rated satisfied
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.FAIRLY)
#: the suggestion states that count it as answered
ANSWERED = (SuggestionState.ANSWERED, SuggestionState.RATED)


@dataclass
class Tally:
    """What one representative did in a period (or one month of it)."""

    duty_scheduled: int = 0
    duty_attended: int = 0
    duty_absent: int = 0
    duty_leave: int = 0
    stood_in: int = 0
    replaced: int = 0
    visits_received: int = 0
    referrals_raised: int = 0
    referrals_solved: int = 0
    referrals_satisfied: int = 0
    suggestions_made: int = 0
    suggestions_answered: int = 0
    #: activity kind → activities attended
    activities: Counter = field(default_factory=Counter)
    trainings_passed: int = 0

    @property
    def duty_missed(self) -> int:
        """Turns left empty: absent or on leave."""
        return self.duty_absent + self.duty_leave

    @property
    def activity_total(self) -> int:
        return sum(self.activities.values())

    def items(self) -> dict[PointItem, int]:
        """The counts the points rule scores, item by item. A training counts when attended and not failed."""
        counts: Counter = Counter({PointItem.RECEPTION: self.visits_received, PointItem.SUGGESTION: self.suggestions_made,
                                   PointItem.DUTY: self.duty_attended})
        for kind, n in self.activities.items():
            counts[ACTIVITY_ITEM.get(kind, PointItem.OTHER)] += n
        return {item: counts.get(item, 0) for item in PointItem}

    def add(self, other: Tally) -> Tally:
        """This tally and ``other`` together (a year from its months)."""
        out = Tally(**{name: getattr(self, name) + getattr(other, name) for name in _COUNTS})
        out.activities = self.activities + other.activities
        return out


_COUNTS = ("duty_scheduled", "duty_attended", "duty_absent", "duty_leave", "stood_in", "replaced", "visits_received",
           "referrals_raised", "referrals_solved", "referrals_satisfied", "suggestions_made", "suggestions_answered",
           "trainings_passed")


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


class _Tallies:
    """Tallies keyed by representative, or by (representative, "YYYY-MM") when counted by month."""

    def __init__(self, by_month: bool) -> None:
        self.by_month = by_month
        self.data: dict = defaultdict(Tally)

    def __call__(self, rep_id: str, day: dt.date) -> Tally:
        return self.data[(rep_id, month_key(day)) if self.by_month else rep_id]


def _chunks(ids: list[str] | None) -> Iterator[list[str] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), 500):
        yield ids[start:start + 500]


def _tally(session: Session, start: dt.date, end: dt.date, rep_ids: Iterable[str] | None = None,
           by_month: bool = False) -> dict:
    """Inside a transaction: every representative's (or ``rep_ids``') tally from ``start`` to ``end``."""
    wanted = sorted(set(rep_ids)) if rep_ids is not None else None
    at = _Tallies(by_month)
    end_time = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    start_time = dt.datetime.combine(start, dt.time())
    for chunk in _chunks(wanted):
        def only(column, chunk=chunk):
            return [column.in_(chunk)] if chunk is not None else []

        # duty
        for rep, day, mark, source in session.execute(
            select(DutyAssignment.representative_id, DutySlot.day, DutyAssignment.attendance, DutyAssignment.source)
            .join(DutySlot, DutyAssignment.slot_id == DutySlot.id).join(DutyPlan, DutySlot.plan_id == DutyPlan.id)
            .where(DutySlot.day >= start, DutySlot.day <= end, DutyAssignment.representative_id.is_not(None),
                   DutyAssignment.voided_at.is_(None), DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None),
                   *only(DutyAssignment.representative_id))
        ):
            t = at(rep, day)
            if source == AssignmentSource.STAND_IN:
                t.stood_in += 1
            else:
                t.duty_scheduled += 1
            if mark == Attendance.PRESENT:
                t.duty_attended += 1
            elif mark == Attendance.ABSENT:
                t.duty_absent += 1
            elif mark == Attendance.LEAVE:
                t.duty_leave += 1
            elif mark == Attendance.REPLACED:
                t.replaced += 1
        # visits, and the referrals raised from them
        visit_reps: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
        for rep, visit_id, visited_at in session.execute(
            select(VisitRepresentative.representative_id, Visit.id, Visit.visited_at)
            .join(Visit, VisitRepresentative.visit_id == Visit.id)
            .where(Visit.visited_at >= start_time, Visit.visited_at < end_time, Visit.voided_at.is_(None),
                   VisitRepresentative.voided_at.is_(None), *only(VisitRepresentative.representative_id))
        ):
            at(rep, visited_at.date()).visits_received += 1
            visit_reps[visit_id].append((rep, visited_at.date()))
        if visit_reps:
            for visit_ids in _chunks(list(visit_reps)):
                referrals = session.execute(
                    select(Referral.id, Referral.visit_id, Referral.state)
                    .where(Referral.visit_id.in_(visit_ids), Referral.voided_at.is_(None))).all()
                satisfied = _last_satisfaction(session, [r for r, _v, _s in referrals])
                for referral_id, visit_id, state in referrals:
                    for rep, day in visit_reps[visit_id]:
                        t = at(rep, day)
                        t.referrals_raised += 1
                        if state == ReferralState.CLOSED:
                            t.referrals_solved += 1
                            if satisfied.get(referral_id) in SATISFIED:
                                t.referrals_satisfied += 1
        # suggestions
        for rep, opened_on, state in session.execute(
            select(SuggestionRepresentative.representative_id, Suggestion.opened_on, Suggestion.state)
            .join(Suggestion, SuggestionRepresentative.suggestion_id == Suggestion.id)
            .where(Suggestion.opened_on >= start, Suggestion.opened_on <= end, Suggestion.voided_at.is_(None),
                   SuggestionRepresentative.voided_at.is_(None), *only(SuggestionRepresentative.representative_id))
        ):
            t = at(rep, opened_on)
            t.suggestions_made += 1
            if state in ANSWERED:
                t.suggestions_answered += 1
        # activities
        for rep, day, kind, passed in session.execute(
            select(ActivityParticipant.representative_id, Activity.day, Activity.kind, ActivityParticipant.passed)
            .join(Activity, ActivityParticipant.activity_id == Activity.id)
            .where(Activity.day >= start, Activity.day <= end, Activity.voided_at.is_(None),
                   ActivityParticipant.voided_at.is_(None), ActivityParticipant.present.is_(True),
                   *only(ActivityParticipant.representative_id))
        ):
            t = at(rep, day)
            if kind == ActivityKind.TRAINING and passed is False:
                continue  # attended but failed: not counted as a training done
            t.activities[kind] += 1
            if kind == ActivityKind.TRAINING and passed:
                t.trainings_passed += 1
    return dict(at.data)


def _last_satisfaction(session: Session, referral_ids: list[str]) -> dict[str, str]:
    """referral id → the satisfaction of its latest follow-up."""
    found: dict[str, tuple] = {}
    for chunk in _chunks(referral_ids):
        for referral_id, round_, followed_on, created_at, satisfaction in session.execute(
            select(ReferralFollowUp.referral_id, ReferralFollowUp.round, ReferralFollowUp.followed_on,
                   ReferralFollowUp.created_at, ReferralFollowUp.satisfaction)
            .where(ReferralFollowUp.referral_id.in_(chunk), ReferralFollowUp.voided_at.is_(None))
        ):
            key = (round_, followed_on or dt.date.min, created_at)
            if referral_id not in found or key > found[referral_id][0]:
                found[referral_id] = (key, satisfaction)
    return {referral_id: satisfaction for referral_id, (_key, satisfaction) in found.items()}


def tally(ctx: ServiceContext, start: dt.date, end: dt.date, rep_ids: Iterable[str] | None = None,
          by_month: bool = False) -> dict:
    """Every representative's (or ``rep_ids``') tally from ``start`` to ``end``: {rep_id: Tally}, or with
    ``by_month`` {(rep_id, "YYYY-MM"): Tally}. A representative who did nothing has no entry."""
    with ctx.read() as session:
        return _tally(session, start, end, rep_ids, by_month)
