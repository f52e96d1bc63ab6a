"""误工补贴: who earns a day, at which rate, the batch from draft to paid, and the lock once paid."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from station_app.db.models import (
    AuditLog,
    Delegation,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Representative,
    Station,
    SubsidyBatch,
    SubsidyLine,
    WindowUnit,
)
from station_app.services import attendance, money, registry, subsidy
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.roster_people import PersonRef
from station_app.services.settings import ThisStationInput
from station_app.services.subsidy import Month
from station_app.vocab import Attendance, BatchState, PaidMonthChange, Role, SlotName, SubsidyLineKind

AFTER_NOVEMBER = dt.date(2026, 12, 2)


class Station_:
    """A station with a plan, people, and a helper to put a person on a slot with an attendance mark."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        settings_service.save_this_station(ctx, ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
        with ctx.db.transaction() as s:
            station = s.scalar(select(Station).where(Station.code == "DHJD"))
            delegation = Delegation(name="城关镇代表团")
            s.add(delegation)
            self.people = {}
            for name, fixed in (("王秀兰", False), ("李建国", False), ("赵永强", True), ("孙丽", False)):
                rep = Representative(name=name, level="县", station=station, delegation=delegation,
                                     has_fixed_income=fixed, pinyin=registry.pinyin_key(name))
                s.add(rep)
                s.flush()
                self.people[name] = rep.id
            unit = WindowUnit(name="县民政局", head_name="周局长", station=station)
            s.add(unit)
            plan = DutyPlan(station_id=station.id, name="监督站每日值班", slots=["上午", "下午"])
            s.add(plan)
            s.flush()
            self.unit_id, self.plan_id, self.station_id = unit.id, plan.id, station.id
        self.slots: dict[tuple[dt.date, str], str] = {}

    def slot(self, day: dt.date, slot: str) -> str:
        if (day, slot) not in self.slots:
            with self.ctx.db.transaction() as s:
                row = DutySlot(plan_id=self.plan_id, day=day, slot_name=slot, headcount=2)
                s.add(row)
                s.flush()
                self.slots[(day, slot)] = row.id
        return self.slots[(day, slot)]

    def turn(self, name: str, day: dt.date, slot: str = SlotName.MORNING, mark: str = Attendance.PRESENT) -> str:
        with self.ctx.db.transaction() as s:
            row = DutyAssignment(slot_id=self.slot(day, slot), attendance=str(mark),
                                 **({"window_unit_id": self.unit_id} if name == "周局长"
                                    else {"representative_id": self.people[name]}))
            s.add(row)
            s.flush()
            return row.id


@pytest.fixture
def st(ctx) -> Station_:
    return Station_(ctx)


def lines_by_name(batch: subsidy.Batch) -> dict[str, subsidy.Line]:
    return {line.name: line for line in batch.lines if line.kind == SubsidyLineKind.DUTY}


# --- Who earns a day ---------------------------------------------------------------------------


def test_the_default_rate_pays_100_yuan_a_present_day_without_fixed_income(ctx, st):
    st.turn("王秀兰", dt.date(2026, 11, 4))
    st.turn("赵永强", dt.date(2026, 11, 4))  # has fixed income
    st.turn("李建国", dt.date(2026, 11, 4), mark=Attendance.ABSENT)
    st.turn("孙丽", dt.date(2026, 11, 4), mark=Attendance.LEAVE)
    st.turn("周局长", dt.date(2026, 11, 4))  # a window unit's head is never paid
    batch = subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER)
    assert [(line.name, line.day_count, line.amount) for line in batch.lines] == [("王秀兰", 1, Decimal("100.00"))]
    assert batch.total == Decimal("100.00") and batch.state == BatchState.DRAFT and batch.id is None


def test_a_rate_change_on_the_15th_pays_the_old_rate_before_and_the_new_one_after(ctx, st):
    subsidy.add_rate(ctx, dt.date(2026, 11, 15), "120")
    for day in (4, 11, 18, 25):
        st.turn("王秀兰", dt.date(2026, 11, day))
    line = lines_by_name(subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER))["王秀兰"]
    assert [(d.day.day, d.rate) for d in line.days] == [(4, Decimal("100.00")), (11, Decimal("100.00")),
                                                        (18, Decimal("120.00")), (25, Decimal("120.00"))]
    assert line.amount == Decimal("440.00") and line.rate_text == "100.00/120.00"
    # the rate from the 15th did not touch October, nor does a rate dated inside a confirmed month
    st.turn("王秀兰", dt.date(2026, 10, 14))
    assert subsidy.batch(ctx, "2026-10", today=AFTER_NOVEMBER).total == Decimal("100.00")
    subsidy.confirm(ctx, "2026-10", today=AFTER_NOVEMBER)
    with pytest.raises(StationError, match="最早从 2026-11-01 起"):
        subsidy.add_rate(ctx, dt.date(2026, 10, 20), "150")


def test_a_stand_in_is_paid_and_the_person_replaced_is_not(ctx, st):
    day = dt.date(2026, 11, 4)
    turn = st.turn("王秀兰", day, mark=Attendance.PENDING)
    attendance.stand_in(ctx, turn, PersonRef.representative(st.people["李建国"]), "王秀兰生病", today=day)
    batch = subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER)
    assert [(line.name, line.amount) for line in batch.lines] == [("李建国", Decimal("100.00"))]


def test_both_halves_of_one_day_are_paid_once(ctx, st):
    day = dt.date(2026, 11, 4)
    st.turn("王秀兰", day, SlotName.MORNING)
    st.turn("王秀兰", day, SlotName.AFTERNOON)
    st.turn("李建国", dt.date(2026, 11, 5), SlotName.WHOLE_DAY)
    lines = lines_by_name(subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER))
    assert (lines["王秀兰"].day_count, lines["王秀兰"].amount) == (1, Decimal("100.00"))
    assert lines["王秀兰"].days[0].slots == (SlotName.MORNING, SlotName.AFTERNOON)
    assert lines["李建国"].amount == Decimal("100.00")


def test_a_station_may_pay_half_the_rate_for_a_half_day(ctx, st):
    subsidy.add_rate(ctx, dt.date(2026, 11, 1), "100.01", half_day_half=True)
    st.turn("王秀兰", dt.date(2026, 11, 4), SlotName.MORNING)
    st.turn("王秀兰", dt.date(2026, 11, 5), SlotName.MORNING)
    st.turn("王秀兰", dt.date(2026, 11, 5), SlotName.AFTERNOON)
    line = lines_by_name(subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER))["王秀兰"]
    assert [(d.share, d.amount) for d in line.days] == [(Decimal("0.5"), Decimal("50.01")), (1, Decimal("100.01"))]
    assert line.day_count == Decimal("1.5") and line.amount == Decimal("150.02")
    assert "4日（上午）" in line.dates_text


def test_the_fixed_income_flag_is_read_as_of_the_duty_day(ctx, st):
    st.turn("王秀兰", dt.date(2026, 11, 4))
    st.turn("王秀兰", dt.date(2026, 12, 9))
    row = registry.get_representative(ctx, st.people["王秀兰"])
    data = registry.RepresentativeInput(name=row.name, level=row.level, delegation=row.delegation,
                                        station=row.station, has_fixed_income=True)
    registry.save_representative(ctx, data, row.id, today=dt.date(2026, 12, 1))  # found a job on 1 December
    assert subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER).total == Decimal("100.00")
    assert subsidy.batch(ctx, "2026-12", today=dt.date(2027, 1, 2)).total == Decimal("0.00")


def test_meals_are_counted_per_duty_day(ctx, st):
    day = dt.date(2026, 11, 4)
    st.turn("王秀兰", day, SlotName.MORNING)
    st.turn("王秀兰", day, SlotName.AFTERNOON)
    st.turn("赵永强", day, SlotName.AFTERNOON)  # fixed income: no subsidy, but lunch
    st.turn("李建国", day, SlotName.MORNING, mark=Attendance.ABSENT)
    st.turn("周局长", day, SlotName.MORNING)
    batch = subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER)
    assert [(m.day, m.breakfast, m.lunch) for m in batch.meals] == [(day, 1, 2)]


# --- The batch ---------------------------------------------------------------------------------


def test_a_batch_goes_from_draft_to_confirmed_to_paid(ctx, st):
    st.turn("王秀兰", dt.date(2026, 11, 4))
    st.turn("李建国", dt.date(2026, 11, 4))
    draft = subsidy.refresh_draft(ctx, "2026-11", today=AFTER_NOVEMBER)
    assert draft.id is not None and draft.total == Decimal("200.00") and not draft.blockers
    line = lines_by_name(draft)["李建国"]
    with pytest.raises(ValidationFailed, match="原因"):
        subsidy.adjust_line(ctx, line.id, "50", "")
    subsidy.adjust_line(ctx, line.id, "50", "只值了半天")
    adjusted = subsidy.refresh_draft(ctx, "2026-11", today=AFTER_NOVEMBER)
    assert lines_by_name(adjusted)["李建国"].amount == Decimal("50.00")
    assert "只值了半天" in lines_by_name(adjusted)["李建国"].remark
    with pytest.raises(StationError, match="须先确认"):
        subsidy.pay(ctx, "2026-11", dt.date(2026, 12, 1), today=AFTER_NOVEMBER)
    confirmed = subsidy.confirm(ctx, "2026-11", reviewed_total=Decimal("150.00"), today=AFTER_NOVEMBER)
    assert (confirmed.state, confirmed.confirmed_by, confirmed.total) == (BatchState.CONFIRMED, "测试员", Decimal("150.00"))
    with pytest.raises(ValidationFailed, match="还没到"):
        subsidy.pay(ctx, "2026-11", dt.date(2026, 12, 3), today=AFTER_NOVEMBER)
    paid = subsidy.pay(ctx, "2026-11", dt.date(2026, 12, 1), "出纳 陈红", today=AFTER_NOVEMBER)
    assert (paid.state, paid.paid_on, paid.paid_by) == (BatchState.PAID, dt.date(2026, 12, 1), "出纳 陈红")
    assert [(e.step, e.by, e.note) for e in paid.events] == [("确认", "测试员", "合计 150.00 元"),
                                                           ("发放", "测试员", "2026年12月1日 由 出纳 陈红 发放")]
    with ctx.read() as s:
        row = s.scalar(select(SubsidyBatch))
        assert (row.state, row.paid_on) == ("已发放", dt.date(2026, 12, 1))
        stored = sorted((line.name, line.computed, line.amount) for line in s.scalars(select(SubsidyLine)))
    assert stored == [("李建国", Decimal("100.00"), Decimal("50.00")), ("王秀兰", Decimal("100.00"), Decimal("100.00"))]


def test_a_month_is_confirmed_only_after_it_ends_and_after_the_months_before(ctx, st):
    st.turn("王秀兰", dt.date(2026, 10, 14))
    st.turn("王秀兰", dt.date(2026, 11, 4))
    subsidy.refresh_draft(ctx, "2026-10", today=dt.date(2026, 11, 30))
    with pytest.raises(StationError, match="还没有结束"):
        subsidy.confirm(ctx, "2026-11", today=dt.date(2026, 11, 30))
    with pytest.raises(StationError, match="请先确认2026年10月"):
        subsidy.confirm(ctx, "2026-11", today=AFTER_NOVEMBER)
    subsidy.confirm(ctx, "2026-10", today=AFTER_NOVEMBER)
    assert subsidy.confirm(ctx, "2026-11", today=AFTER_NOVEMBER).state == BatchState.CONFIRMED


def test_confirming_refuses_when_the_attendance_moved_since_the_review(ctx, st):
    st.turn("王秀兰", dt.date(2026, 11, 4))
    seen = subsidy.refresh_draft(ctx, "2026-11", today=AFTER_NOVEMBER).total
    st.turn("李建国", dt.date(2026, 11, 5))  # signed in at another desk while the page was open
    with pytest.raises(StationError, match="合计由 100.00 元变为 200.00 元"):
        subsidy.confirm(ctx, "2026-11", reviewed_total=seen, today=AFTER_NOVEMBER)
    assert subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER).state == BatchState.DRAFT


def test_a_clerk_cannot_confirm_adjust_or_pay(ctx, st, db):
    st.turn("王秀兰", dt.date(2026, 11, 4))
    draft = subsidy.refresh_draft(ctx, "2026-11", today=AFTER_NOVEMBER)
    clerk = ServiceContext(db, ctx.operator.__class__("li", "李登记", Role.CLERK))
    with pytest.raises(StationError, match="只有管理员"):
        subsidy.confirm(clerk, "2026-11", today=AFTER_NOVEMBER)
    with pytest.raises(StationError, match="只有管理员"):
        subsidy.adjust_line(clerk, draft.lines[0].id, "1", "试试")
    assert subsidy.refresh_draft(clerk, "2026-11", today=AFTER_NOVEMBER).total == Decimal("100.00")


# --- The lock ----------------------------------------------------------------------------------


def pay_november(ctx) -> None:
    subsidy.confirm(ctx, "2026-11", today=AFTER_NOVEMBER)
    subsidy.pay(ctx, "2026-11", dt.date(2026, 12, 1), today=AFTER_NOVEMBER)


def test_a_paid_month_refuses_an_attendance_change(ctx, st):
    paid_turn = st.turn("王秀兰", dt.date(2026, 11, 4))
    late_turn = st.turn("李建国", dt.date(2026, 11, 5), mark=Attendance.PENDING)
    pay_november(ctx)
    with ctx.read() as s:
        audit_rows = s.query(AuditLog).count()
    with pytest.raises(StationError, match="2026年11月的误工补贴已于 2026-12-01 发放，该月签到已锁定"):
        attendance.mark_attendance(ctx, [late_turn], Attendance.PRESENT, today=AFTER_NOVEMBER)
    with pytest.raises(StationError, match="已锁定"):
        attendance.stand_in(ctx, paid_turn, PersonRef.representative(st.people["孙丽"]), "补录", today=AFTER_NOVEMBER)
    with ctx.read() as s:
        assert s.get(DutyAssignment, late_turn).attendance == Attendance.PENDING
        assert s.query(AuditLog).count() == audit_rows
    # December is open as before
    december = st.turn("李建国", dt.date(2026, 12, 2), mark=Attendance.PENDING)
    attendance.mark_attendance(ctx, [december], Attendance.PRESENT, today=AFTER_NOVEMBER)


def test_a_confirmed_month_refuses_a_change_until_the_confirmation_is_withdrawn(ctx, st):
    late_turn = st.turn("李建国", dt.date(2026, 11, 5), mark=Attendance.PENDING)
    st.turn("王秀兰", dt.date(2026, 11, 4))
    subsidy.confirm(ctx, "2026-11", today=AFTER_NOVEMBER)
    with pytest.raises(StationError, match="撤回确认"):
        attendance.mark_attendance(ctx, [late_turn], Attendance.PRESENT, today=AFTER_NOVEMBER)
    with pytest.raises(ValidationFailed):
        subsidy.withdraw(ctx, "2026-11", "")
    assert subsidy.withdraw(ctx, "2026-11", "李建国补签到", today=AFTER_NOVEMBER).state == BatchState.DRAFT
    attendance.mark_attendance(ctx, [late_turn], Attendance.PRESENT, today=AFTER_NOVEMBER)
    assert subsidy.confirm(ctx, "2026-11", today=AFTER_NOVEMBER).total == Decimal("200.00")


def test_a_change_to_a_paid_month_goes_into_the_next_batch_as_a_correction(ctx, st):
    settings_service.save(ctx, settings_service.read(ctx).replace(
        subsidy_paid_month_change=PaidMonthChange.CARRY.value))
    st.turn("王秀兰", dt.date(2026, 11, 4))
    wrong = st.turn("孙丽", dt.date(2026, 11, 6))
    late = st.turn("李建国", dt.date(2026, 11, 5), mark=Attendance.PENDING)
    st.turn("王秀兰", dt.date(2026, 12, 2))
    pay_november(ctx)
    attendance.mark_attendance(ctx, [late], Attendance.PRESENT, today=AFTER_NOVEMBER)
    attendance.mark_attendance(ctx, [wrong], Attendance.ABSENT, note="实际未到", today=AFTER_NOVEMBER)
    # November as paid has not moved
    november = subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER)
    assert (november.state, november.total) == (BatchState.PAID, Decimal("200.00"))
    st.turn("王秀兰", dt.date(2027, 1, 6))
    december = subsidy.refresh_draft(ctx, "2026-12", today=dt.date(2027, 1, 4))
    assert not [line for line in subsidy.refresh_draft(ctx, "2027-01", today=dt.date(2027, 1, 4)).lines
                if line.kind == SubsidyLineKind.CORRECTION]  # the first open batch after November takes it, once
    corrections = {line.name: line for line in december.lines if line.kind == SubsidyLineKind.CORRECTION}
    assert {name: line.amount for name, line in corrections.items()} == {"李建国": Decimal("100.00"),
                                                                         "孙丽": Decimal("-100.00")}
    assert corrections["孙丽"].day_count == -1 and corrections["孙丽"].dates_text == "−11月6日"
    assert corrections["李建国"].remark == "2026年11月更正"
    assert december.total == Decimal("100.00")  # 王秀兰's 100, +100, −100
    subsidy.confirm(ctx, "2026-12", today=dt.date(2027, 1, 4))
    # once confirmed, the correction is settled: January carries nothing for November
    january = subsidy.batch(ctx, "2027-01", today=dt.date(2027, 2, 1))
    assert [line.kind for line in january.lines] == [SubsidyLineKind.DUTY]


# --- Money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "words"), [
    ("13200.00", "壹万叁仟贰佰元整"),
    ("100.50", "壹佰元伍角"),
    ("0.05", "伍分"),
    ("10000000.00", "壹仟万元整"),
    ("1004.05", "壹仟零肆元零伍分"),
    ("100.00", "壹佰元整"),
])
def test_amounts_in_chinese_capitals(amount, words):
    assert money.capitals(Decimal(amount)) == words


# --- Totals --------------------------------------------------------------------------------------


def test_the_year_summary_and_the_running_total_count_paid_months_only(ctx, st):
    st.turn("王秀兰", dt.date(2026, 10, 14))
    st.turn("王秀兰", dt.date(2026, 11, 4))
    st.turn("李建国", dt.date(2026, 11, 4))
    st.turn("李建国", dt.date(2026, 12, 2))
    subsidy.confirm(ctx, "2026-10", today=AFTER_NOVEMBER)
    subsidy.pay(ctx, "2026-10", dt.date(2026, 11, 3), today=AFTER_NOVEMBER)
    pay_november(ctx)
    subsidy.refresh_draft(ctx, "2026-12", today=AFTER_NOVEMBER)
    summary = subsidy.year_summary(ctx, 2026)
    assert {(r.name, r.total, r.days) for r in summary.rows} == {("王秀兰", Decimal("200.00"), 2),
                                                                  ("李建国", Decimal("100.00"), 1)}
    assert summary.by_month == {10: Decimal("100.00"), 11: Decimal("200.00")}
    since = subsidy.paid_since(ctx, dt.date(2025, 1, 1))
    assert (since.total, since.months, since.people, since.person_days) == (Decimal("300.00"), 2, 2, 3)
    assert subsidy.paid_since(ctx, dt.date(2026, 11, 1)).total == Decimal("200.00")


def test_a_month_is_parsed_with_a_clear_message():
    assert Month.parse("2026年11月") == Month(2026, 11) and Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)
    with pytest.raises(ValidationFailed, match="2026-13"):
        Month.parse("2026-13")


def test_without_this_station_the_subsidy_says_what_to_do_first(ctx):
    with pytest.raises(StationError, match="请先在“设置”中填写本站"):
        subsidy.batch(ctx, "2026-11")
