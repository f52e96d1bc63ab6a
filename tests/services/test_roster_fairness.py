"""Fair over a year: a clerk generates one month at a time, and every yearly count stays within one.

The demo's two real cases (the monitoring station by delegation, the township station's Wednesday
one by one) are generated for 2027 month by month, as a clerk does, on top of the demo's own year
of history; each test prints the yearly spread it found.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter

from sqlalchemy import select

from station_app.db.models import (
    Delegation,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Representative,
    Station,
    WindowUnit,
)
from station_app.services import attendance, registry, roster_generation, roster_plans
from station_app.services.demo import MONITORING_STATION, TOWNSHIP_STATION
from station_app.services.roster_people import PersonRef
from station_app.vocab import Attendance

YEAR = 2027


def plans(ctx) -> dict[str, str]:
    return {p.name: p.id for p in roster_plans.list_plans(ctx)}


def generate_month_by_month(ctx, plan_id: str, year: int = YEAR) -> None:
    """Jan..Dec, each month generated on its own first day, as a clerk does."""
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        report = roster_generation.generate(ctx, plan_id, first, last, today=first)
        assert report.uncovered == [], report.lines()


def yearly_counts(db, plan_id: str, year: int = YEAR) -> tuple[dict[str, int], dict[str, int], Counter]:
    """(representative id → turns, window-unit id → turns, delegation name → days) in ``year``, over the
    plan's whole pool: a representative or head never drawn counts 0."""
    with db.session() as s:
        plan = s.get(DutyPlan, plan_id)
        reps = {r.id: 0 for r in s.scalars(select(Representative).where(
            Representative.station_id == plan.station_id, Representative.active.is_(True),
            Representative.voided_at.is_(None)))}
        heads = {u.id: 0 for u in s.scalars(select(WindowUnit).where(WindowUnit.head_name != "")
                                              .where(WindowUnit.station_id == plan.station_id))} \
            if plan.heads_per_slot else {}
        delegation_of = dict(s.execute(select(Representative.id, Delegation.name)
                                       .join(Delegation, Representative.delegation_id == Delegation.id)).all())
        days: dict[dt.date, set[str]] = {}
        for rep_id, unit_id, day in s.execute(
            select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutySlot.day)
            .join(DutySlot, DutyAssignment.slot_id == DutySlot.id)
            .where(DutySlot.plan_id == plan_id, DutyAssignment.voided_at.is_(None),
                   DutySlot.day >= dt.date(year, 1, 1), DutySlot.day <= dt.date(year, 12, 31))
        ):
            if rep_id:
                reps[rep_id] += 1
                days.setdefault(day, set()).add(delegation_of.get(rep_id, ""))
            else:
                heads[unit_id] += 1
    return reps, heads, Counter(group for groups in days.values() for group in groups)


def spread(counts: dict[str, int]) -> int:
    return max(counts.values()) - min(counts.values())


def test_2027_generated_month_by_month_keeps_every_yearly_count_within_one(demo_ctx, demo_db):
    found = {}
    for name, plan_id in plans(demo_ctx).items():
        generate_month_by_month(demo_ctx, plan_id)
        reps, heads, _days = yearly_counts(demo_db, plan_id)
        found[name] = (spread(reps), sorted(Counter(reps.values()).items()),
                       spread(heads) if heads else None, sorted(Counter(heads.values()).items()))
    report = "; ".join(f"{name}: 代表 极差 {r} 次数分布 {rd}" + (f"，窗口单位负责人 极差 {h} 次数分布 {hd}" if h is not None else "")
                       for name, (r, rd, h, hd) in found.items())
    print(f"\n{YEAR} 年逐月生成的全年值班次数：{report}")
    assert len(found) == 2, found
    assert all(r <= 1 and (h is None or h <= 1) for r, _rd, h, _hd in found.values()), report


def test_each_delegation_takes_days_in_proportion_to_its_size(demo_ctx, demo_db):
    plan_id = plans(demo_ctx)["监督站每日值班"]
    generate_month_by_month(demo_ctx, plan_id)
    _reps, _heads, days = yearly_counts(demo_db, plan_id)
    with demo_db.session() as s:
        sizes = Counter(name for name, in s.execute(
            select(Delegation.name).join(Representative, Representative.delegation_id == Delegation.id)
            .where(Representative.station.has(name=MONITORING_STATION), Representative.active.is_(True))))
    total_days, people = sum(days.values()), sum(sizes.values())
    off_share = {name: round(days[name] - total_days * size / people, 2) for name, size in sizes.items()}
    print(f"\n{YEAR} 年各代表团值班天数与按人数应得天数之差：{off_share}")
    assert all(abs(off) <= 1 for off in off_share.values()), off_share


def test_a_representative_elected_late_last_year_is_not_made_to_catch_up_this_year(demo_ctx, demo_db):
    """The year's counts start from the year's turns: a newcomer with no turns last year is not drawn
    over and over in January to catch up a year he was not there."""
    newcomers = [
        registry.save_representative(demo_ctx, registry.RepresentativeInput(
            name="补选甲", level="县", delegation="西岭乡代表团", station=MONITORING_STATION, phone="13900000001")),
        registry.save_representative(demo_ctx, registry.RepresentativeInput(
            name="补选乙", level="乡", group="民主法治代表小组", station=TOWNSHIP_STATION, phone="13900000002")),
    ]
    found = {}
    for name, plan_id in plans(demo_ctx).items():
        generate_month_by_month(demo_ctx, plan_id)
        reps, _heads, _days = yearly_counts(demo_db, plan_id)
        newcomer = next(rep_id for rep_id in newcomers if rep_id in reps)
        found[name] = (spread(reps), reps[newcomer], sorted(Counter(reps.values()).items()))
    print(f"\n补选代表加入后 {YEAR} 年的值班次数（极差, 补选代表次数, 分布）：{found}")
    assert all(s <= 1 for s, _n, _dist in found.values()), found


def test_a_turn_taken_by_a_stand_in_counts_for_the_stand_in(db, ctx):
    """Four representatives, two each Wednesday. On 6 January 丙 stands in for 甲: the turn is 丙's, so
    the next four Wednesdays are generated from 甲 1, 乙 2, 丙 3, 丁 2, and then everyone has done 4."""
    with db.transaction() as s:
        station = Station(name="小站", code="XZ")
        s.add(station)
        s.add_all([Representative(name=n, level="乡", station=station, pinyin=p)
                   for n, p in (("甲", "jia"), ("乙", "yi"), ("丙", "bing"), ("丁", "ding"))])
    with db.session() as s:
        rep = {r.name: PersonRef.representative(r.id) for r in s.scalars(select(Representative))}
    plan_id = roster_plans.save_plan(ctx, roster_plans.wednesday_preset("小站"))
    january, february = dt.date(YEAR, 1, 1), dt.date(YEAR, 2, 1)
    roster_generation.generate(ctx, plan_id, january, dt.date(YEAR, 1, 31), today=january)
    with db.session() as s:
        first_day = s.scalars(select(DutyAssignment).join(DutySlot, DutyAssignment.slot_id == DutySlot.id).where(
            DutySlot.plan_id == plan_id, DutySlot.day == dt.date(YEAR, 1, 6))).all()
    on_first_day = {PersonRef.of(a): a.id for a in first_day}
    replaced = next(p for p in rep.values() if p in on_first_day)
    substitute = next(p for p in rep.values() if p not in on_first_day)
    attendance.stand_in(ctx, on_first_day[replaced], substitute, "本人生病", today=dt.date(YEAR, 1, 6),
                        at=dt.datetime(YEAR, 1, 6, 9))
    # 10 February is an estimated day off (春节补假), so the second run reaches 3 March: four Wednesdays again
    roster_generation.generate(ctx, plan_id, february, dt.date(YEAR, 3, 3), today=february)
    with db.session() as s:
        done = Counter(PersonRef.representative(rep_id) for rep_id in s.scalars(
            select(DutyAssignment.representative_id).join(DutySlot, DutyAssignment.slot_id == DutySlot.id)
            .where(DutySlot.plan_id == plan_id, DutyAssignment.voided_at.is_(None),
                   DutyAssignment.attendance != Attendance.REPLACED)))
    names = {p: n for n, p in rep.items()}
    assert {names[p]: n for p, n in done.items()} == {n: 4 for n in rep}
