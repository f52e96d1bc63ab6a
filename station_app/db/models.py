"""The whole domain as SQLAlchemy 2 typed models.

Every domain table follows the same rules (``Record``):
- ``id`` is a UUID made on this PC; it survives export to the county and merging back;
- ``created_at`` / ``updated_at`` (UTC) are set centrally in ``db.audit`` on flush;
- rows are voided with a reason (``voided_at``, ``void_reason``, ``voided_by``), never deleted;
- every insert, change and void writes an ``AuditLog`` row (also in ``db.audit``).

Domain values (级别, 性别, 渠道 ...) are stored as the Chinese words the stations use, because
they are what the exported workbooks carry and what the county office merges.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from station_app.vocab import (
    FALLBACK_CATEGORY,
    AssignmentSource,
    Attendance,
    BatchState,
    Channel,
    DayRule,
    FollowUpMethod,
    Gender,
    Level,
    Outcome,
    ReferralState,
    RepKind,
    Role,
    Rotation,
    Satisfaction,
    SlotName,
    StationKind,
    SubsidyLineKind,
    SuggestionScope,
    SuggestionState,
    check_constraint,
)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Record(Base):
    """Columns every domain table carries: stable id, times, voiding."""

    __abstract__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[str | None] = mapped_column(String(64))

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


# --- Registry -----------------------------------------------------------------------------


class Station(Record):
    """代表联络站 / 人大代表监督站."""

    __tablename__ = "stations"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default=StationKind.MONITORING)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Delegation(Record):
    """代表团 — representatives grouped by delegation (Puyang: 22)."""

    __tablename__ = "delegations"

    name: Mapped[str] = mapped_column(String(100), unique=True)


class RepGroup(Record):
    """代表小组 — a working group by area or trade."""

    __tablename__ = "rep_groups"

    name: Mapped[str] = mapped_column(String(100), unique=True)


class Representative(Record):
    """人大代表 or 议政代表 on a station's list."""

    __tablename__ = "representatives"
    __table_args__ = (
        CheckConstraint(check_constraint("level", Level), name="ck_rep_level"),
        CheckConstraint(check_constraint("gender", Gender, allow_empty=True), name="ck_rep_gender"),
        Index("ix_rep_name_phone", "name", "phone"),
    )

    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(2), default="")
    kind: Mapped[str] = mapped_column(String(10), default=RepKind.DEPUTY)
    level: Mapped[str] = mapped_column(String(4))
    delegation_id: Mapped[str | None] = mapped_column(ForeignKey("delegations.id"), index=True)
    group_id: Mapped[str | None] = mapped_column(ForeignKey("rep_groups.id"), index=True)
    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"), index=True)
    work_unit: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    has_fixed_income: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    term: Mapped[str] = mapped_column(String(30), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: full pinyin and initials of the name ("zhang san|zhangsan|zs"): sorting, and typing 'zs' to find 张三
    pinyin: Mapped[str] = mapped_column(String(200), default="", index=True)

    delegation: Mapped[Delegation | None] = relationship(lazy="joined")
    group: Mapped[RepGroup | None] = relationship(lazy="joined")
    station: Mapped[Station | None] = relationship(lazy="joined")


class WindowUnit(Record):
    """窗口单位 — a government office with a counter in the service centre, and its head."""

    __tablename__ = "window_units"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"), index=True)
    head_name: Mapped[str] = mapped_column(String(50), default="")
    head_title: Mapped[str] = mapped_column(String(100), default="")
    head_phone: Mapped[str] = mapped_column(String(30), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    station: Mapped[Station | None] = relationship(lazy="joined")


# --- Duty -----------------------------------------------------------------------------------


class DutyPlan(Record):
    """排班方案 — which days, which slots, how many people, drawn from which pool."""

    __tablename__ = "duty_plans"

    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: "weekdays" (chosen weekdays, e.g. [3] for Wednesday) or "workdays" (every official working day)
    day_rule: Mapped[str] = mapped_column(String(20), default=DayRule.WEEKDAYS)
    weekdays: Mapped[list] = mapped_column(JSON, default=list)
    slots: Mapped[list] = mapped_column(JSON, default=lambda: [SlotName.WHOLE_DAY.value])
    #: representatives per slot
    headcount: Mapped[int] = mapped_column(Integer, default=2)
    #: window-unit heads per slot, on top of the representatives (monitoring stations)
    heads_per_slot: Mapped[int] = mapped_column(Integer, default=0)
    #: who may be drawn: {"levels": [...], "kinds": [...], "delegations": [...], "groups": [...], "stations": [...]}
    #: (names; an empty or missing list means any)
    pool: Mapped[dict] = mapped_column(JSON, default=dict)
    #: "person" (one by one), or 编组排班 where a whole group takes the day together:
    #: "delegation" (by 代表团) or "rep_group" (by 代表小组)
    rotation: Mapped[str] = mapped_column(String(10), default=Rotation.PERSON)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    station: Mapped[Station] = relationship()


class DutySlot(Record):
    """One slot of one day of a plan (全天, 上午, 下午)."""

    __tablename__ = "duty_slots"
    __table_args__ = (UniqueConstraint("plan_id", "day", "slot_name"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("duty_plans.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    slot_name: Mapped[str] = mapped_column(String(10), default=SlotName.WHOLE_DAY)
    headcount: Mapped[int] = mapped_column(Integer, default=2)

    plan: Mapped[DutyPlan] = relationship()


class DutyAssignment(Record):
    """A person on a slot: a representative or a window-unit head; how it got there; attendance."""

    __tablename__ = "duty_assignments"
    __table_args__ = (
        CheckConstraint(
            "(representative_id IS NULL) <> (window_unit_id IS NULL)", name="ck_assignment_one_person"
        ),
    )

    slot_id: Mapped[str] = mapped_column(ForeignKey("duty_slots.id"), index=True)
    representative_id: Mapped[str | None] = mapped_column(ForeignKey("representatives.id"), index=True)
    window_unit_id: Mapped[str | None] = mapped_column(ForeignKey("window_units.id"), index=True)
    #: ``AssignmentSource``: by the generator, or by hand (manual, swap, stand-in)
    source: Mapped[str] = mapped_column(String(10), default=AssignmentSource.GENERATED)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    made_by: Mapped[str] = mapped_column(String(64), default="")
    attendance: Mapped[str] = mapped_column(String(10), default=Attendance.PENDING)
    attended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    substitute_id: Mapped[str | None] = mapped_column(ForeignKey("representatives.id"))
    #: for a 替班 (stand-in) assignment: the assignment of the person it stands in for
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("duty_assignments.id"))

    slot: Mapped[DutySlot] = relationship()


class Unavailability(Record):
    """A span a person declared they cannot do duty."""

    __tablename__ = "unavailability"

    representative_id: Mapped[str | None] = mapped_column(ForeignKey("representatives.id"), index=True)
    window_unit_id: Mapped[str | None] = mapped_column(ForeignKey("window_units.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class CalendarDay(Record):
    """An official holiday or make-up working day (调休), editable beyond the package's data."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    #: ``CalendarKind``: a holiday, or a make-up working day
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(50), default="")


class StationClosure(Record):
    """A date a station is closed for its own reasons."""

    __tablename__ = "station_closures"
    __table_args__ = (UniqueConstraint("station_id", "day"),)

    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


# --- Reception and the closed loop ----------------------------------------------------------


class Visit(Record):
    """接待登记 — a citizen or a group received at (or reached by) the station."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visit_station_time", "station_id", "visited_at"),)

    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"))
    visited_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    citizen_name: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[str] = mapped_column(String(10), default=Channel.STATION)
    category: Mapped[str] = mapped_column(String(20), default=FALLBACK_CATEGORY)
    content: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(10), default=Outcome.SOLVED)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class VisitSearch(Base):
    """Search index of the visits: one narrow row per visit, kept in visit time order.

    Derived data, rewritten from ``Visit`` on every flush (``services.reception``), never edited.
    A search as you type scans this small table newest first and stops after a page of matches,
    instead of walking the wide visits table.
    """

    __tablename__ = "visit_search"
    __table_args__ = {"sqlite_with_rowid": False}

    visited_at: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    visit_id: Mapped[str] = mapped_column(String(36), ForeignKey("visits.id"), primary_key=True, index=True)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    #: name, phone, address and content, lower-case
    text: Mapped[str] = mapped_column(Text, default="")


class VisitRepresentative(Record):
    """A representative who received a visit."""

    __tablename__ = "visit_representatives"
    __table_args__ = (UniqueConstraint("visit_id", "representative_id"),)

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    representative_id: Mapped[str] = mapped_column(ForeignKey("representatives.id"), index=True)


class Referral(Record):
    """交办单 — a problem referred to a responsible unit (承办单位)."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("station_id", "year", "seq"),)

    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"))
    number: Mapped[str] = mapped_column(String(50), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    unit_name: Mapped[str] = mapped_column(String(100))
    requirement: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(10), default=ReferralState.PENDING, index=True)
    #: how many times it has been handed to a unit: 不满意 at follow-up sends it back (重办)
    rounds: Mapped[int] = mapped_column(Integer, default=1)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(50), default="")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class ReferralRound(Record):
    """One round of a referral: the first 交办, and each 重办 after a dissatisfied follow-up.

    Each round keeps the unit it went to, its own 交办日期 and deadline, and who signed for it, so the
    forms of every round can still be printed after the next one starts. The referral's own
    ``issued_on`` is the first round's date; its ``deadline`` and ``signed_*`` are the current round's.
    """

    __tablename__ = "referral_rounds"
    __table_args__ = (UniqueConstraint("referral_id", "round"),)

    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    unit_name: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(50), default="")


class ReferralFeedback(Record):
    """办理情况反馈单 — the unit's report of how it handled a referral."""

    __tablename__ = "referral_feedback"

    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    #: the round (``ReferralRound.round``) this feedback answers
    round: Mapped[int] = mapped_column(Integer, default=1)
    handler: Mapped[str] = mapped_column(String(50), default="")
    replied_on: Mapped[dt.date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")
    solved: Mapped[bool] = mapped_column(Boolean, default=False)


class ReferralFollowUp(Record):
    """回访记录单 — the station's follow-up call or visit to the citizen."""

    __tablename__ = "referral_follow_ups"

    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    #: the round (``ReferralRound.round``) this follow-up closes
    round: Mapped[int] = mapped_column(Integer, default=1)
    followed_on: Mapped[dt.date | None] = mapped_column(Date)
    by_whom: Mapped[str] = mapped_column(String(50), default="")
    method: Mapped[str] = mapped_column(String(10), default=FollowUpMethod.PHONE)
    citizen_words: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[str] = mapped_column(String(10), default=Satisfaction.SATISFIED)


class ReferralEvent(Record):
    """One step in a referral's history (交办, 签收, 反馈, 回访, 重办, 退回, 延期, 办结)."""

    __tablename__ = "referral_events"

    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    from_state: Mapped[str] = mapped_column(String(10), default="")
    to_state: Mapped[str] = mapped_column(String(10), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    by_whom: Mapped[str] = mapped_column(String(64), default="")
    #: the note as written when the step was saved, in that operator's language
    note: Mapped[str] = mapped_column(Text, default="")
    #: a note the program wrote: its template and values (``services.messages``), so it is shown in the
    #: reader's language; None for a note a person typed (a reason), which is shown as typed
    note_parts: Mapped[dict | None] = mapped_column(JSON)


# --- Performance (履职) -------------------------------------------------------------------------


class Activity(Record):
    """A representatives' activity besides duty and reception: 视察调研, 参加会议, 学习培训 …"""

    __tablename__ = "activities"

    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"), index=True)
    #: an ``ActivityKind`` or a kind the station added in its settings
    kind: Mapped[str] = mapped_column(String(30), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    theme: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class ActivityParticipant(Record):
    """A representative who took part in an activity: present or not, and for training whether they passed."""

    __tablename__ = "activity_participants"

    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"), index=True)
    representative_id: Mapped[str] = mapped_column(ForeignKey("representatives.id"), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    #: training only: passed (True), failed (False), not assessed (None)
    passed: Mapped[bool | None] = mapped_column(Boolean)


class Suggestion(Record):
    """代表建议: opened from a visit (转为代表建议) or entered directly, routed to the township or the county.

    The dates of each step are kept as typed; the deadlines follow from them and the settings
    (township: handed over within a week; county: reported within 3 working days, 交办函 within a
    week, answered within a month).
    """

    __tablename__ = "suggestions"

    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"), index=True)
    number: Mapped[str] = mapped_column(String(50), default="", index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(10), default=SuggestionScope.TOWNSHIP)
    state: Mapped[str] = mapped_column(String(10), default=SuggestionState.PENDING, index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: the unit it is handed to (a township government, or the county body that handles it)
    unit_name: Mapped[str] = mapped_column(String(100), default="")
    #: township: the day it was handed over; county: the day it was reported to the county congress
    routed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: county: the day the 交办函 went out
    letter_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    rated_on: Mapped[dt.date | None] = mapped_column(Date)
    #: the representative's rating of the answer: a ``Satisfaction``
    rating: Mapped[str] = mapped_column(String(10), default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class SuggestionRepresentative(Record):
    """A representative who made (or co-signed) a suggestion."""

    __tablename__ = "suggestion_representatives"

    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    representative_id: Mapped[str] = mapped_column(ForeignKey("representatives.id"), index=True)


class SuggestionEvent(Record):
    """One step in a suggestion's history (提出, 交付/报送, 发交办函, 答复, 评价, 作废), on the day typed."""

    __tablename__ = "suggestion_events"

    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    #: a ``SuggestionStep``
    step: Mapped[str] = mapped_column(String(10))
    from_state: Mapped[str] = mapped_column(String(10), default="")
    to_state: Mapped[str] = mapped_column(String(10), default="")
    #: the day the step happened, as typed
    day: Mapped[dt.date] = mapped_column(Date)
    by_whom: Mapped[str] = mapped_column(String(64), default="")
    #: what the step names: the unit, the rating, the reason (as typed, shown as it is)
    note: Mapped[str] = mapped_column(Text, default="")


class PointsRule(Record):
    """履职积分 rule in force from ``valid_from`` on: per item the points of the first one, of each further one,
    and the cap per month; the deductions; how the self and peer review marks weigh; the stars per station.

    ``items``: {"接待选民": {"first": 4, "each": 2, "cap": 12}, ...}; ``deductions``: {"无故缺勤": 5}.
    A new rule is a new row: a month is scored under the rule in force on its first day.
    """

    __tablename__ = "points_rules"

    valid_from: Mapped[dt.date] = mapped_column(Date, index=True)
    items: Mapped[dict] = mapped_column(JSON, default=dict)
    deductions: Mapped[dict] = mapped_column(JSON, default=dict)
    #: points per mark (0-10) of the self review and of the peer review
    self_weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0.5"))
    peer_weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1.0"))
    #: how many 代表之星 a station names each month
    stars_per_station: Mapped[int] = mapped_column(Integer, default=3)
    note: Mapped[str] = mapped_column(Text, default="")


class ReviewMark(Record):
    """A representative's self and peer review marks (0-10) for a month at a station (代表自评和互评)."""

    __tablename__ = "review_marks"
    __table_args__ = (UniqueConstraint("station_id", "month", "representative_id"),)

    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    representative_id: Mapped[str] = mapped_column(ForeignKey("representatives.id"), index=True)
    self_mark: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    peer_mark: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))


# --- Subsidy ---------------------------------------------------------------------------------


class SubsidyRate(Record):
    """误工补贴标准: a station's daily rate from ``valid_from`` on, until a later rate starts.

    A new rate is a new row: a month already computed keeps the rate of each day it paid.
    """

    __tablename__ = "subsidy_rates"

    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    #: yuan per duty day, exact to the fen
    daily_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    #: a half day (上午 or 下午 only) pays half the rate; otherwise any turn on a day pays the whole day
    half_day_half: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class IncomeChange(Record):
    """A representative's fixed-income flag from ``since`` on, so a past month is paid as it stood then."""

    __tablename__ = "income_changes"

    representative_id: Mapped[str] = mapped_column(ForeignKey("representatives.id"), index=True)
    since: Mapped[dt.date] = mapped_column(Date)
    has_fixed_income: Mapped[bool] = mapped_column(Boolean)


class SubsidyBatch(Record):
    """误工补贴 monthly batch: 草稿 → 已确认 → 已发放 (locked once paid)."""

    __tablename__ = "subsidy_batches"
    __table_args__ = (UniqueConstraint("station_id", "month"),)

    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    #: "2026-11"
    month: Mapped[str] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(10), default=BatchState.DRAFT)
    computed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[str] = mapped_column(String(64), default="")
    #: the day the money was handed out, as the clerk typed it, and who handed it out
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_by: Mapped[str] = mapped_column(String(64), default="")
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: the meals served on the month's duty days: [{"day": "2026-11-04", "早餐": 2, "午餐": 3}, ...]
    meals: Mapped[list] = mapped_column(JSON, default=list)
    #: its steps (确认, 撤回确认, 发放): [{"at", "by", "action", "note"}]
    events: Mapped[list] = mapped_column(JSON, default=list)


class SubsidyLine(Record):
    """One person's line in a batch: their duty days of the month, or a correction to a paid month.

    The name and delegation are kept as they were when the line was computed, so a sheet printed
    again later reads as the one signed.
    """

    __tablename__ = "subsidy_lines"

    batch_id: Mapped[str] = mapped_column(ForeignKey("subsidy_batches.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default=SubsidyLineKind.DUTY)
    representative_id: Mapped[str] = mapped_column(ForeignKey("representatives.id"), index=True)
    name: Mapped[str] = mapped_column(String(50), default="")
    delegation: Mapped[str] = mapped_column(String(100), default="")
    #: days worked, a half day counting 0.5
    days: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))
    #: yuan as computed from attendance, and as paid (the same unless adjusted with a reason); never floats
    computed: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    adjust_reason: Mapped[str] = mapped_column(Text, default="")
    #: for a correction: the paid month it corrects ("2026-10")
    corrects_month: Mapped[str] = mapped_column(String(7), default="")
    #: the days: [{"day": "2026-11-04", "slots": ["上午"], "share": "1", "rate": "100.00", "amount": "100.00"}]
    detail: Mapped[list] = mapped_column(JSON, default=list)


# --- Administration -------------------------------------------------------------------------


class Setting(Record):
    """A station setting (name, code, numbering format, subsidy rate, QR template ...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Operator(Record):
    """操作员 — an account: 管理员 or 登记员, with an argon2 password hash (services/accounts.py).

    A voided account cannot sign in. Repeated wrong passwords lock it until ``locked_until``."""

    __tablename__ = "operators"

    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(50), default="")
    role: Mapped[str] = mapped_column(String(10), default=Role.CLERK)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    #: unused since accounts are voided (``voided_at``); kept so a database of the first schema upgrades as it is
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: wrong passwords since the last sign-in; reaching the limit locks the account
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditLog(Base):
    """Who changed what, when, with the values before and after. Append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    operator: Mapped[str] = mapped_column(String(64), default="")
    table_name: Mapped[str] = mapped_column(String(64), index=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    #: ``AuditAction``
    action: Mapped[str] = mapped_column(String(10))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


# --- County sync ------------------------------------------------------------------------------


class SyncExport(Record):
    """报送记录 — one sync workbook a station sent to the county: what it covered, so the next one sends
    only what changed since, and the last one can be sent again."""

    __tablename__ = "sync_exports"

    exported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    station_code: Mapped[str] = mapped_column(String(32), default="")
    #: the records sent were changed after ``since`` (None: from the beginning) and up to ``up_to``
    since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    up_to: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: a chosen period (the days the records were changed in), instead of "since the last export"
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    #: the export this one sent again
    resend_of: Mapped[str | None] = mapped_column(String(36))
    path: Mapped[str] = mapped_column(Text, default="")
    #: rows per table: {"visits": 120, ...}
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[int] = mapped_column(Integer, default=0)
    made_by: Mapped[str] = mapped_column(String(64), default="")


class MergeHistory(Base):
    """A record's version replaced by a newer one from a merged workbook, kept as it was. Append-only."""

    __tablename__ = "merge_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    table_name: Mapped[str] = mapped_column(String(64), index=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    #: the code of the station the newer version came from ("" for the county's registry)
    station_code: Mapped[str] = mapped_column(String(32), default="")
    source_file: Mapped[str] = mapped_column(Text, default="")
    #: the replaced row, every column, as JSON-ready values (dates as ISO text, amounts as text)
    replaced: Mapped[dict] = mapped_column(JSON, default=dict)
