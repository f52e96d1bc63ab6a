from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from station_app.db.models import Delegation, DutyAssignment, DutySlot, Representative, Station, WindowUnit
from station_app.services import attendance, roster_generation, roster_output, roster_plans
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.roster_people import PersonRef
from station_app.services.roster_plans import monitoring_preset, wednesday_preset
from station_app.vocab import Attendance

TODAY = dt.date(2026, 1, 5)


@pytest.fixture
def station(db):
    with db.transaction() as s:
        station = Station(name="东河县人大代表监督站", code="DHJD")
        s.add(station)
        delegations = [Delegation(name=f"{n}代表团") for n in ("城关镇", "南湖镇", "清水镇")]
        s.add_all(delegations)
        for i in range(12):
            s.add(Representative(name=f"代表{i:02d}", level="县", station=station, delegation=delegations[i % 3],
                                 pinyin=f"dai biao {i:02d}"))
        for i in range(3):
            s.add(WindowUnit(name=f"县第{i}局", head_name=f"局长{i}", station=station))
    return "东河县人大代表监督站"


def slots_of(db, plan_id):
    with db.session() as s:
        return {(slot.day, slot.slot_name): slot for slot in s.scalars(select(DutySlot).where(DutySlot.plan_id == plan_id))}


def turns(db, plan_id, day=None):
    with db.session() as s:
        query = (select(DutyAssignment).join(DutySlot).where(DutySlot.plan_id == plan_id,
                                                              DutyAssignment.voided_at.is_(None)))
        if day:
            query = query.where(DutySlot.day == day)
        return list(s.scalars(query))


def person(a: DutyAssignment) -> PersonRef:
    return PersonRef.of(a)


def test_wednesday_plan_staffs_every_wednesday_with_two(db, ctx, station):
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    report = roster_generation.generate(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 3, 31), today=TODAY)
    assert report.days == 4 and report.uncovered == []
    days = sorted({day for day, _ in slots_of(db, plan)})
    assert days == [dt.date(2026, 3, 4), dt.date(2026, 3, 11), dt.date(2026, 3, 18), dt.date(2026, 3, 25)]
    assert len(turns(db, plan)) == 8


def test_spring_festival_is_skipped_and_the_make_up_saturday_is_worked(db, ctx, station):
    plan = roster_plans.save_plan(ctx, monitoring_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 2, 9), dt.date(2026, 3, 1), today=TODAY)
    days = {day for day, _ in slots_of(db, plan)}
    festival = {dt.date(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)}
    assert not days & festival
    assert dt.date(2026, 2, 14) in days and dt.date(2026, 2, 28) in days       # 调休 Saturdays
    assert dt.date(2026, 2, 13) in days and dt.date(2026, 2, 24) in days
    views = roster_output.day_views(ctx, plan, dt.date(2026, 2, 15), dt.date(2026, 2, 15))
    assert views[0].off and "春节" in views[0].note
    wednesday = roster_plans.save_plan(ctx, wednesday_preset(station))
    roster_generation.generate(ctx, wednesday, dt.date(2026, 2, 9), dt.date(2026, 3, 1), today=TODAY)
    assert sorted({day for day, _ in slots_of(db, wednesday)}) == [dt.date(2026, 2, 11), dt.date(2026, 2, 25)]


def test_a_2027_plan_is_made_on_weekdays_with_a_clear_warning(db, ctx, station):
    plan = roster_plans.save_plan(ctx, monitoring_preset(station))
    report = roster_generation.generate(ctx, plan, dt.date(2026, 12, 28), dt.date(2027, 1, 8), today=TODAY)
    assert report.warning and "2027" in report.warning
    assert any("2027" in line for line in report.lines())
    days = sorted({day for day, _ in slots_of(db, plan)})
    assert dt.date(2027, 1, 1) not in days                # no official data yet: 元旦 is an estimated day off
    assert dt.date(2027, 1, 4) in days and all(day.isoweekday() <= 5 for day in days)


def test_monitoring_plan_keeps_a_delegation_together_with_a_head_each_slot(db, ctx, station):
    plan = roster_plans.save_plan(ctx, monitoring_preset(station))
    report = roster_generation.generate(ctx, plan, dt.date(2026, 3, 2), dt.date(2026, 3, 13), today=TODAY)
    assert report.uncovered == []
    with db.session() as s:
        delegation_of = {r.id: r.delegation_id for r in s.scalars(select(Representative))}
    for day in {day for day, _ in slots_of(db, plan)}:
        on_day = turns(db, plan, day)
        assert len(on_day) == 6
        assert len({delegation_of[a.representative_id] for a in on_day if a.representative_id}) == 1
        assert sum(1 for a in on_day if a.window_unit_id) == 2
        assert len({person(a) for a in on_day}) == 6


def test_a_regeneration_keeps_a_swap_and_past_days(db, ctx, station):
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 4, 30), today=TODAY)
    first = turns(db, plan, dt.date(2026, 3, 11))[0]
    second = turns(db, plan, dt.date(2026, 4, 8))[0]
    new_first, new_second = roster_generation.swap(ctx, first.id, second.id, "本人出差", today=TODAY)
    report = roster_generation.generate(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 4, 30), today=TODAY)
    assert report.kept == 2
    on_11 = {person(a) for a in turns(db, plan, dt.date(2026, 3, 11))}
    on_8 = {person(a) for a in turns(db, plan, dt.date(2026, 4, 8))}
    assert person(second) in on_11 and person(first) not in on_11
    assert person(first) in on_8 and person(second) not in on_8
    with db.session() as s:
        swapped = s.get(DutyAssignment, new_first)
        assert (swapped.source, swapped.pinned, swapped.reason) == ("调班", True, "本人出差")
    before = {(a.slot_id, person(a)) for a in turns(db, plan, dt.date(2026, 3, 4))}
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 4, 30), today=dt.date(2026, 3, 10))
    assert {(a.slot_id, person(a)) for a in turns(db, plan, dt.date(2026, 3, 4))} == before


def test_regenerating_the_same_input_changes_nothing(db, ctx, station):
    plan = roster_plans.save_plan(ctx, monitoring_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 2), dt.date(2026, 3, 31), today=TODAY)
    before = {(a.id, person(a)) for a in turns(db, plan)}
    report = roster_generation.generate(ctx, plan, dt.date(2026, 3, 2), dt.date(2026, 3, 31), today=TODAY)
    assert {(a.id, person(a)) for a in turns(db, plan)} == before
    assert report.cleared == 0


def test_unavailable_days_and_manual_removals_are_respected(db, ctx, station):
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    with db.session() as s:
        reps = [PersonRef.representative(r.id) for r in s.scalars(select(Representative).order_by(Representative.pinyin))]
    roster_generation.declare_unavailable(ctx, reps[0], dt.date(2026, 3, 1), dt.date(2026, 3, 31), "住院")
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 3, 31), today=TODAY)
    assert reps[0] not in {person(a) for a in turns(db, plan)}
    victim = turns(db, plan, dt.date(2026, 3, 4))[0]
    roster_generation.remove(ctx, victim.id, "临时有事", today=TODAY)
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 3, 31), today=TODAY)
    on_day = turns(db, plan, dt.date(2026, 3, 4))
    assert len(on_day) == 2 and person(victim) not in {person(a) for a in on_day}


def test_manual_assignment_refuses_twice_a_day_and_unavailable(db, ctx, station):
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 4), dt.date(2026, 3, 4), today=TODAY)
    (slot,) = slots_of(db, plan).values()
    already = turns(db, plan)[0]
    with pytest.raises(StationError, match="同一天不能排两次"):
        roster_generation.assign(ctx, slot.id, person(already), "加派", today=TODAY)
    with db.session() as s:
        spare = next(PersonRef.representative(r.id) for r in s.scalars(select(Representative))
                     if PersonRef.representative(r.id) not in {person(a) for a in turns(db, plan)})
    roster_generation.declare_unavailable(ctx, spare, dt.date(2026, 3, 4), dt.date(2026, 3, 4), "开会")
    with pytest.raises(StationError, match="不能值班"):
        roster_generation.assign(ctx, slot.id, spare, "加派", today=TODAY)
    with pytest.raises(StationError, match="已经过去"):
        roster_generation.assign(ctx, slot.id, spare, "加派", today=dt.date(2026, 3, 5))


def test_attendance_stand_in_and_empty_posts(db, ctx, station):
    plan = roster_plans.save_plan(ctx, monitoring_preset(station))
    day = dt.date(2026, 3, 2)
    roster_generation.generate(ctx, plan, day, day, today=TODAY)
    on_day = turns(db, plan, day)
    rep_turns = [a for a in on_day if a.representative_id]
    head_turn = next(a for a in on_day if a.window_unit_id)
    with pytest.raises(StationError, match="还没到"):
        attendance.mark_attendance(ctx, [rep_turns[0].id], Attendance.PRESENT, today=dt.date(2026, 3, 1))
    attendance.mark_attendance(ctx, [rep_turns[0].id], Attendance.PRESENT, at=dt.datetime(2026, 3, 2, 8, 55), today=day)
    attendance.mark_attendance(ctx, [rep_turns[1].id], Attendance.ABSENT, today=day)
    attendance.mark_attendance(ctx, [head_turn.id], Attendance.LEAVE, note="外出学习", today=day)
    with db.session() as s:
        spare = next(PersonRef.representative(r.id) for r in s.scalars(select(Representative))
                     if PersonRef.representative(r.id) not in {person(a) for a in on_day})
    stand = attendance.stand_in(ctx, rep_turns[2].id, spare, "本人生病", today=day)
    with db.session() as s:
        original = s.get(DutyAssignment, rep_turns[2].id)
        assert (original.attendance, original.substitute_id) == ("替班", spare.id)
        assert s.get(DutyAssignment, stand).replaces_id == original.id
    views = roster_output.day_views(ctx, plan, day, day)
    (morning, afternoon) = views[0].slots
    assert morning.missing == 0 and afternoon.missing == 0
    posts = attendance.empty_posts(ctx, day, day)
    counts = {c.name: c for c in roster_output.person_counts(ctx, plan, day, day)}
    assert sorted((p.status, p.is_head) for p in posts) == [("缺勤", False), ("请假", True)]
    assert next(p for p in posts if p.is_head).unit == "县第0局" or next(p for p in posts if p.is_head).unit.startswith("县第")
    present = counts[next(c for c in counts if counts[c].attended == 1)]
    assert (present.scheduled, present.attended, present.missed) == (1, 1, 0)


def test_month_export_and_print_carry_every_turn(db, ctx, station, tmp_path):
    import pdfplumber
    from openpyxl import load_workbook

    plan = roster_plans.save_plan(ctx, monitoring_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 10, 1), dt.date(2026, 10, 31), today=TODAY)
    count = roster_output.export_month(ctx, 2026, 10, tmp_path / "roster.xlsx")
    book = load_workbook(tmp_path / "roster.xlsx")
    assert book.sheetnames[:3] == ["值班表", "值班统计", "空岗"]
    rows = [[c.value for c in row] for row in book["值班表"].iter_rows()]
    header = next(r for r in rows if r[0] == "日期")
    body = rows[rows.index(header) + 1:]
    assert len(body) == count == len(turns(db, plan))
    assert not any(r[0] and str(r[0]).startswith("2026-10-0") and int(str(r[0])[8:10]) <= 7 for r in body)
    pages = roster_output.print_month(ctx, plan, 2026, 10, tmp_path / "roster.pdf")
    with pdfplumber.open(tmp_path / "roster.pdf") as pdf:
        assert len(pdf.pages) == pages and pages >= 2
        text = pdf.pages[0].extract_text()
    assert "2026年10月值班表" in text and "国庆节" in text


def test_bad_dates_and_months_are_refused_clearly(ctx, station):
    from station_app.services.errors import ValidationFailed

    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    with pytest.raises(ValidationFailed, match="早于"):
        roster_generation.generate(ctx, plan, dt.date(2026, 3, 31), dt.date(2026, 3, 1), today=TODAY)
    with pytest.raises(ValidationFailed, match="YYYY-MM"):
        roster_output.parse_month("2026-13")
    assert roster_output.parse_month("2026年3月") == (2026, 3)
    with pytest.raises(StationError, match="找不到排班方案"):
        roster_generation.generate(ctx, "没有这个方案", dt.date(2026, 3, 1), dt.date(2026, 3, 31), today=TODAY)


def test_signing_in_several_turns_is_one_transaction(db, ctx, station):
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 4), dt.date(2026, 3, 11), today=TODAY)
    today, later = turns(db, plan, dt.date(2026, 3, 4)), turns(db, plan, dt.date(2026, 3, 11))
    with pytest.raises(StationError, match="还没到") as caught:
        attendance.mark_attendance(ctx, [today[0].id, today[1].id, later[0].id], Attendance.PRESENT,
                                   today=dt.date(2026, 3, 4))
    with db.session() as s:
        name = s.get(Representative, later[0].representative_id).name
    assert name in str(caught.value)
    assert {a.attendance for a in turns(db, plan)} == {"待签到"}
    attendance.mark_attendance(ctx, [today[0].id, today[1].id], Attendance.PRESENT,
                               at=dt.datetime(2026, 3, 4, 9, 0), today=dt.date(2026, 3, 4))
    assert [(a.attendance, a.attended_at) for a in turns(db, plan, dt.date(2026, 3, 4))] == [
        ("出勤", dt.datetime(2026, 3, 4, 9, 0))] * 2
    with pytest.raises(ValidationFailed):
        attendance.mark_attendance(ctx, [today[0].id], Attendance.REPLACED, today=dt.date(2026, 3, 4))


def test_a_stand_in_is_marked_present_once_the_day_has_come(db, ctx, station):
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 4), dt.date(2026, 3, 11), today=TODAY)
    past, future = turns(db, plan, dt.date(2026, 3, 4))[0], turns(db, plan, dt.date(2026, 3, 11))[0]
    with db.session() as s:
        busy = {person(a) for a in turns(db, plan)}
        spare = [PersonRef.representative(r.id) for r in s.scalars(select(Representative).order_by(Representative.pinyin))
                 if PersonRef.representative(r.id) not in busy]
    at = dt.datetime(2026, 3, 4, 9, 30)
    came = attendance.stand_in(ctx, past.id, spare[0], "生病", at=at, today=dt.date(2026, 3, 5))
    ahead = attendance.stand_in(ctx, future.id, spare[1], "出差", today=dt.date(2026, 3, 5))
    with db.session() as s:
        assert (s.get(DutyAssignment, came).attendance, s.get(DutyAssignment, came).attended_at) == ("出勤", at)
        assert (s.get(DutyAssignment, ahead).attendance, s.get(DutyAssignment, ahead).attended_at) == ("待签到", None)
        assert s.get(DutyAssignment, came).made_by == "测试员"
    with pytest.raises(StationError, match="已经有人替班"):
        attendance.stand_in(ctx, past.id, spare[2], "又病了", today=dt.date(2026, 3, 5))
    other = next(a for a in turns(db, plan, dt.date(2026, 3, 11)) if a.attendance == "待签到")
    with pytest.raises(StationError, match="不能是本人"):
        attendance.stand_in(ctx, other.id, person(other), "x", today=dt.date(2026, 3, 5))


def test_the_service_decides_who_may_swap_with_whom(db, ctx, station):
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 5, 31), today=TODAY)
    first, signed = turns(db, plan, dt.date(2026, 3, 4))
    attendance.mark_attendance(ctx, [signed.id], Attendance.LEAVE, today=dt.date(2026, 3, 4))
    choices = roster_generation.swap_candidates(ctx, first.id, today=dt.date(2026, 3, 1))
    offered = {c.assignment_id for c in choices}
    assert first.id not in offered and signed.id not in offered
    assert offered == {a.id for a in turns(db, plan) if a.id not in (first.id, signed.id)}
    assert [c.day for c in choices] == sorted(c.day for c in choices)
    same_person = next(a for a in turns(db, plan) if person(a) == person(first) and a.id != first.id)
    with pytest.raises(StationError, match="不能和自己调班"):
        roster_generation.swap(ctx, first.id, same_person.id, "换一天", today=TODAY)
    with pytest.raises(StationError, match="已签到的值班不能调班"):
        roster_generation.swap(ctx, first.id, signed.id, "换一天", today=TODAY)


def test_plans_and_generating_are_for_administrators_duty_changes_for_any_operator(db, ctx, station):
    from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
    from station_app.vocab import Role

    clerk = ServiceContext(db, OperatorRef("xiaoli", "小李", Role.CLERK))
    with pytest.raises(PermissionDenied):
        roster_plans.save_plan(clerk, wednesday_preset(station))
    plan = roster_plans.save_plan(ctx, wednesday_preset(station))
    with pytest.raises(PermissionDenied):
        roster_generation.generate(clerk, plan, dt.date(2026, 3, 4), dt.date(2026, 3, 4), today=TODAY)
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 4), dt.date(2026, 3, 11), today=TODAY)
    first, second = turns(db, plan, dt.date(2026, 3, 4))
    attendance.mark_attendance(clerk, [first.id], Attendance.PRESENT, today=dt.date(2026, 3, 4))
    with db.session() as s:
        spare = next(PersonRef.representative(r.id) for r in s.scalars(select(Representative))
                     if PersonRef.representative(r.id) not in {person(a) for a in turns(db, plan)})
    stand = attendance.stand_in(clerk, second.id, spare, "生病", today=dt.date(2026, 3, 4))
    later = turns(db, plan, dt.date(2026, 3, 11))[0]
    roster_generation.remove(clerk, later.id, "出差", today=TODAY)
    with db.session() as s:
        assert s.get(DutyAssignment, stand).made_by == "小李"
        assert s.get(DutyAssignment, later.id).voided_by == "小李"
    assert [p.name for p in roster_plans.list_plans(clerk)] == ["周三代表活动日"]
