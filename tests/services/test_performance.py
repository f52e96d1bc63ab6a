"""履职 tallies: each event counted once, on its own day, for the right representative."""
from __future__ import annotations

import datetime as dt

import pytest

from station_app.db.models import (
    Activity,
    ActivityParticipant,
    Delegation,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Referral,
    ReferralFollowUp,
    Representative,
    Station,
    Suggestion,
    SuggestionRepresentative,
    Visit,
    VisitRepresentative,
)
from station_app.services import performance
from station_app.vocab import ActivityKind, AssignmentSource, Attendance, PointItem


@pytest.fixture
def people(db):
    with db.transaction() as s:
        station = Station(name="东河县人大代表监督站", code="DHJD")
        delegation = Delegation(name="城关镇代表团")
        wang = Representative(name="王秀兰", level="县", station=station, delegation=delegation)
        li = Representative(name="李建国", level="县", station=station, delegation=delegation)
        s.add_all([station, delegation, wang, li])
        plan = DutyPlan(station=station, name="监督站每日值班")
        s.add(plan)
        s.flush()

        slots: dict[dt.date, DutySlot] = {}

        def turn(rep, day, mark, source=AssignmentSource.GENERATED):
            if day not in slots:
                slots[day] = DutySlot(plan_id=plan.id, day=day, slot_name="上午")
                s.add(slots[day])
                s.flush()
            s.add(DutyAssignment(slot_id=slots[day].id, representative_id=rep.id, attendance=mark, source=source))

        turn(wang, dt.date(2026, 11, 4), Attendance.PRESENT)
        turn(wang, dt.date(2026, 11, 11), Attendance.ABSENT)
        turn(wang, dt.date(2026, 11, 18), Attendance.REPLACED)
        turn(li, dt.date(2026, 11, 18), Attendance.PRESENT, AssignmentSource.STAND_IN)
        turn(wang, dt.date(2026, 12, 2), Attendance.LEAVE)

        visit = Visit(visited_at=dt.datetime(2026, 11, 4, 9, 30), content="路灯不亮")
        other = Visit(visited_at=dt.datetime(2026, 11, 4, 10, 0), content="低保")
        s.add_all([visit, other])
        s.flush()
        s.add_all([VisitRepresentative(visit_id=visit.id, representative_id=wang.id),
                   VisitRepresentative(visit_id=visit.id, representative_id=li.id),
                   VisitRepresentative(visit_id=other.id, representative_id=wang.id)])
        referral = Referral(visit_id=visit.id, number="东监交〔2026〕1号", year=2026, seq=1, unit_name="县城市管理局",
                            state="办结")
        s.add(referral)
        s.flush()
        s.add_all([ReferralFollowUp(referral_id=referral.id, round=1, followed_on=dt.date(2026, 11, 20),
                                    satisfaction="不满意"),
                   ReferralFollowUp(referral_id=referral.id, round=2, followed_on=dt.date(2026, 11, 28),
                                    satisfaction="满意")])
        suggestion = Suggestion(number="东监建〔2026〕1号", year=2026, seq=1, title="修建便民桥", scope="乡镇",
                                state="已答复", opened_on=dt.date(2026, 11, 5))
        s.add(suggestion)
        s.flush()
        s.add(SuggestionRepresentative(suggestion_id=suggestion.id, representative_id=wang.id))
        for kind, day, present, passed in ((ActivityKind.INSPECTION, 6, True, None),
                                           (ActivityKind.TRAINING, 7, True, True),
                                           (ActivityKind.TRAINING, 8, True, False),
                                           (ActivityKind.MEETING, 9, False, None),
                                           ("防汛巡查", 10, True, None)):
            activity = Activity(kind=kind, day=dt.date(2026, 11, day), theme="x")
            s.add(activity)
            s.flush()
            s.add(ActivityParticipant(activity_id=activity.id, representative_id=wang.id, present=present,
                                      passed=passed))
        return {"王秀兰": wang.id, "李建国": li.id}


def test_a_month_is_counted_once_per_event_for_each_representative(ctx, people):
    tallies = performance.tally(ctx, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    wang, li = tallies[people["王秀兰"]], tallies[people["李建国"]]
    assert (wang.duty_scheduled, wang.duty_attended, wang.duty_absent, wang.duty_leave, wang.replaced,
            wang.stood_in) == (3, 1, 1, 0, 1, 0)
    assert (li.duty_scheduled, li.duty_attended, li.stood_in) == (0, 1, 1)
    assert (wang.visits_received, wang.referrals_raised, wang.referrals_solved, wang.referrals_satisfied) == (2, 1, 1, 1)
    assert (li.visits_received, li.referrals_raised) == (1, 1)
    assert (wang.suggestions_made, wang.suggestions_answered) == (1, 1)
    # the failed training and the meeting not attended do not count; the station's own kind does
    assert dict(wang.activities) == {"视察调研": 1, "学习培训": 1, "防汛巡查": 1} and wang.trainings_passed == 1
    items = wang.items()
    assert (items[PointItem.RECEPTION], items[PointItem.INSPECTION], items[PointItem.TRAINING],
            items[PointItem.OTHER], items[PointItem.SUGGESTION], items[PointItem.DUTY]) == (2, 1, 1, 1, 1, 1)


def test_counting_by_month_puts_each_event_in_its_own_month(ctx, people):
    tallies = performance.tally(ctx, dt.date(2026, 11, 1), dt.date(2026, 12, 31), by_month=True)
    assert tallies[(people["王秀兰"], "2026-12")].duty_leave == 1
    assert tallies[(people["王秀兰"], "2026-11")].duty_leave == 0
    year = tallies[(people["王秀兰"], "2026-11")].add(tallies[(people["王秀兰"], "2026-12")])
    assert (year.duty_scheduled, year.duty_missed, year.activity_total) == (4, 2, 3)


def test_only_the_representatives_asked_for_are_counted(ctx, people):
    tallies = performance.tally(ctx, dt.date(2026, 11, 1), dt.date(2026, 11, 30), rep_ids=[people["李建国"]])
    assert list(tallies) == [people["李建国"]]
