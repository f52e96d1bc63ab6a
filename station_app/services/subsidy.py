"""误工补贴 — the duty subsidy: the rates, who earns a day, the monthly batch, and the lock once paid.

Who earns what (each rule is a function below, with its test in tests/services/test_subsidy.py):

- ``earns_the_day``: a representative (never a window unit's head) marked 出勤 on a turn of one of
  this station's plans, without fixed income as the flag stood on that day (``IncomeChange``). A
  stand-in's turn is marked 出勤 and earns; the turn they took over is marked 替班 and does not.
- ``share_of_the_day``: one payment per person per day, however many turns they served; where the
  rate in force says so, a day served only in the morning or only in the afternoon earns half.
- ``rate_on``: each day is paid at the rate in force that day (``SubsidyRate``, kept with the day it
  starts), so a new rate never rewrites a month already computed.
- meals (``_meals``): for each duty day, a breakfast for every representative on duty that morning
  (上午 or 全天) and a lunch for every representative on duty that day, for the station's accounts.

A month's batch goes 草稿 → 已确认 → 已发放. A draft follows the attendance: it is computed again
whenever it is shown (``refresh_draft``), keeping each adjustment as the difference the clerk made,
with its reason. Confirming needs the month to have ended and no earlier month left in draft; it
computes the draft once more inside its transaction and refuses if the total moved from the one the
reviewer saw. A confirmed month is frozen (the administrator can withdraw the confirmation); a paid
month is locked: a later attendance change in it is refused, or, when the administrator has chosen
so in the settings, allowed and carried into the next open batch as a correction line
(``_corrections``): the difference, day by day, between what the month would pay now and what it
computed when paid, less the corrections already confirmed. Money already paid never changes.

Amounts are ``Decimal`` yuan exact to the fen (``services.money``); a line's total is the sum of its
days, and a batch's total the sum of its lines, as printed.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import (
    DutyAssignment,
    DutyPlan,
    DutySlot,
    IncomeChange,
    Representative,
    Station,
    SubsidyBatch,
    SubsidyLine,
    SubsidyRate,
    utcnow,
)
from station_app.i18n import tr
from station_app.services import money
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.messages import Message
from station_app.services.registry import pinyin_key
from station_app.services.roster_people import PersonRef, _names
from station_app.services.settings import _load as _load_settings
from station_app.services.voiding import mark_void
from station_app.vocab import Attendance, BatchState, BatchStep, PaidMonthChange, SlotName, SubsidyLineKind

#: the rate a station pays until it sets one: the seeds' 100 yuan a day
DEFAULT_RATE = Decimal("100.00")
#: the highest daily rate the program accepts (a typo guard: 1000 for 100.0 is caught)
RATE_MAX = Decimal("2000.00")
HALF = Decimal("0.5")
ONE = Decimal("1")
_ORDER = {name: i for i, name in enumerate(SlotName)}


# --- Months ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, as a batch is kept: ``Month(2026, 11)``, stored as "2026-11"."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str | Month) -> Month:
        """'2026-11' (also '2026/11', '2026年11月') → Month(2026, 11); a clear message otherwise."""
        if isinstance(text, Month):
            return text
        match = re.fullmatch(r"\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*", str(text or ""))
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationFailed({"month": tr("月份格式应为 YYYY-MM，如 2026-11：“{text}”", text=text)})
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def label(self) -> str:
        """"2026年11月"."""
        return tr("{year}年{month}月", year=self.year, month=self.month)

    def __str__(self) -> str:
        return self.key


# --- Rates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A daily rate from ``valid_from`` on; ``id`` None for the default a station has before it sets one."""

    id: str | None
    valid_from: dt.date
    daily_rate: Decimal
    half_day_half: bool
    note: str = ""


DEFAULT = Rate(None, dt.date.min, DEFAULT_RATE, False, "")


def _rates(session: Session, station_id: str) -> list[Rate]:
    rows = session.scalars(select(SubsidyRate).where(SubsidyRate.station_id == station_id,
                                                     SubsidyRate.voided_at.is_(None))
                           .order_by(SubsidyRate.valid_from, SubsidyRate.created_at)).all()
    return [Rate(r.id, r.valid_from, money.yuan(r.daily_rate), r.half_day_half, r.note) for r in rows]


def rate_on(rates: list[Rate], day: dt.date) -> Rate:
    """The rate in force on ``day``: the latest that starts on or before it (the default before any)."""
    found = DEFAULT
    for rate in rates:
        if rate.valid_from <= day:
            found = rate
    return found


def rates(ctx: ServiceContext) -> list[Rate]:
    """This station's rates, oldest first (empty: the default 100 yuan a day applies)."""
    with ctx.read() as session:
        return _rates(session, _station_id(ctx))


def add_rate(ctx: ServiceContext, valid_from: dt.date, daily_rate: object, half_day_half: bool = False,
             note: str = "") -> str:
    """A new daily rate from ``valid_from`` on. Administrators only. It may not start inside a month whose
    batch is confirmed or paid: that month keeps what it was computed with."""
    amount = money.yuan(daily_rate, "daily_rate")
    if amount <= 0 or amount > RATE_MAX:
        raise ValidationFailed({"daily_rate": tr("补贴标准应在 0.01 到 {max} 元之间：{amount}",
                                                 max=money.format_yuan(RATE_MAX), amount=amount)})
    if not isinstance(valid_from, dt.date):
        raise ValidationFailed({"valid_from": tr("请填写标准的起始日期")})
    with ctx.write(admin_only=True) as session:
        station_id = _station_id(ctx)
        _refuse_in_closed_month(session, station_id, valid_from, tr("新标准"))
        if any(r.valid_from == valid_from for r in _rates(session, station_id)):
            raise StationError(tr("已有从 {day} 起的标准；请先作废那一条再新设", day=valid_from))
        row = SubsidyRate(station_id=station_id, valid_from=valid_from, daily_rate=amount,
                          half_day_half=bool(half_day_half), note=(note or "").strip())
        session.add(row)
        session.flush()
        return row.id


def void_rate(ctx: ServiceContext, rate_id: str, reason: str) -> None:
    """Withdraw a rate (a typo, a rate that will not start after all); not one a closed month was paid with."""
    with ctx.write(admin_only=True) as session:
        row = session.get(SubsidyRate, rate_id)
        if row is not None and not row.is_voided:
            _refuse_in_closed_month(session, row.station_id, row.valid_from, tr("这条标准"))
            later = [r for r in _rates(session, row.station_id) if r.valid_from > row.valid_from]
            end = later[0].valid_from if later else None
            for batch in _batches(session, row.station_id):
                month = Month.parse(batch.month)
                if batch.state != BatchState.DRAFT and month.last >= row.valid_from and (end is None or month.first < end):
                    raise StationError(tr("{month}的补贴{state}，是按这条标准计算的，不能作废",
                                          month=month.label, state=BatchState.label_of(batch.state)))
        mark_void(row, reason, ctx.operator.name, record_id=rate_id)


def _refuse_in_closed_month(session: Session, station_id: str, day: dt.date, what: str) -> None:
    closed = [Month.parse(b.month) for b in _batches(session, station_id) if b.state != BatchState.DRAFT]
    later = [m for m in closed if m.last >= day]
    if later:
        month = max(later)
        raise StationError(tr("{month}的补贴已确认或发放，{what}最早从 {day} 起", month=month.label, what=what,
                              day=month.next().first))


# --- Who earns a day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyDay:
    """One day of a line: the turns served, the share of the day paid (1 or 0.5; negative in a correction
    that takes a day back), the rate of that day and the amount."""

    day: dt.date
    slots: tuple[str, ...]
    share: Decimal
    rate: Decimal
    amount: Decimal

    def to_json(self) -> dict:
        return {"day": self.day.isoformat(), "slots": list(self.slots), "share": str(self.share),
                "rate": str(self.rate), "amount": str(self.amount)}

    @classmethod
    def from_json(cls, data: dict) -> DutyDay:
        return cls(dt.date.fromisoformat(data["day"]), tuple(data.get("slots", ())), Decimal(data["share"]),
                   money.yuan(Decimal(data["rate"])), money.yuan(Decimal(data["amount"])))


def earns_the_day(person: PersonRef, attendance: str, fixed_income: bool) -> bool:
    """A representative marked present who had no fixed income that day; a window unit's head never."""
    return not person.is_head and attendance == Attendance.PRESENT and not fixed_income


def share_of_the_day(slots: Iterable[str], rate: Rate) -> Decimal:
    """One payment a day: the whole day for 全天 or both halves; for one half, half where the rate says so."""
    served = set(slots)
    if SlotName.WHOLE_DAY in served or {SlotName.MORNING, SlotName.AFTERNOON} <= served:
        return ONE
    return HALF if rate.half_day_half else ONE


def _pay(day: dt.date, slots: Iterable[str], rate: Rate) -> DutyDay:
    share = share_of_the_day(slots, rate)
    ordered = tuple(sorted(set(slots), key=lambda s: _ORDER.get(s, 9)))
    return DutyDay(day, ordered, share, rate.daily_rate, money.yuan(rate.daily_rate * share))


def _fixed_income_history(session: Session, rep_ids: Iterable[str]) -> dict[str, list[tuple[dt.date, bool]]]:
    history: dict[str, list[tuple[dt.date, bool]]] = defaultdict(list)
    ids = list(rep_ids)
    for start in range(0, len(ids), 500):
        for row in session.scalars(select(IncomeChange).where(IncomeChange.representative_id.in_(ids[start:start + 500]),
                                                              IncomeChange.voided_at.is_(None))
                                   .order_by(IncomeChange.since, IncomeChange.created_at)):
            history[row.representative_id].append((row.since, row.has_fixed_income))
    return history


def fixed_income_on(history: list[tuple[dt.date, bool]], current: bool, day: dt.date) -> bool:
    """The fixed-income flag as it stood on ``day``: the latest change on or before it, else the flag now."""
    found = None
    for since, flag in history:
        if since <= day:
            found = flag
    return current if found is None else found


def _served(session: Session, station_id: str, start: dt.date, end: dt.date) -> list[tuple[PersonRef, dt.date, str, str]]:
    """(person, day, slot, attendance) of every turn of this station's plans from ``start`` to ``end``."""
    rows = session.execute(
        select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutySlot.day, DutySlot.slot_name,
               DutyAssignment.attendance)
        .join(DutySlot, DutyAssignment.slot_id == DutySlot.id)
        .join(DutyPlan, DutySlot.plan_id == DutyPlan.id)
        .where(DutyPlan.station_id == station_id, DutySlot.day >= start, DutySlot.day <= end,
               DutyAssignment.voided_at.is_(None), DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None))
    ).all()
    return [(PersonRef.representative(rep) if rep else PersonRef.head(unit), day, slot, attendance)
            for rep, unit, day, slot, attendance in rows]


def _earned(session: Session, station_id: str, month: Month) -> dict[str, list[DutyDay]]:
    """representative id → the days they earn in ``month``, by the rules above."""
    turns = _served(session, station_id, month.first, month.last)
    rep_ids = {p.id for p, *_ in turns if not p.is_head}
    current = dict(session.execute(select(Representative.id, Representative.has_fixed_income)
                                   .where(Representative.id.in_(rep_ids))).all()) if rep_ids else {}
    history = _fixed_income_history(session, rep_ids)
    the_rates = _rates(session, station_id)
    slots: dict[str, dict[dt.date, set[str]]] = defaultdict(lambda: defaultdict(set))
    for person, day, slot, attendance in turns:
        fixed = True if person.is_head else fixed_income_on(history.get(person.id, []), current.get(person.id, True), day)
        if earns_the_day(person, attendance, fixed):
            slots[person.id][day].add(slot)
    return {rep: [_pay(day, served, rate_on(the_rates, day)) for day, served in sorted(days.items())]
            for rep, days in slots.items()}


def _meals(session: Session, station_id: str, month: Month) -> list[MealDay]:
    """Per duty day: breakfasts for the representatives on duty that morning, lunches for all on duty that day."""
    morning: dict[dt.date, set[str]] = defaultdict(set)
    anyone: dict[dt.date, set[str]] = defaultdict(set)
    for person, day, slot, attendance in _served(session, station_id, month.first, month.last):
        if person.is_head or attendance != Attendance.PRESENT:
            continue
        anyone[day].add(person.id)
        if slot in (SlotName.WHOLE_DAY, SlotName.MORNING):
            morning[day].add(person.id)
    return [MealDay(day, len(morning[day]), len(anyone[day])) for day in sorted(anyone)]


# --- Batches -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MealDay:
    day: dt.date
    breakfast: int
    lunch: int

    def to_json(self) -> dict:
        return {"day": self.day.isoformat(), "breakfast": self.breakfast, "lunch": self.lunch}

    @classmethod
    def from_json(cls, data: dict) -> MealDay:
        return cls(dt.date.fromisoformat(data["day"]), int(data["breakfast"]), int(data["lunch"]))


@dataclass(frozen=True)
class Line:
    """One row of the sign-off sheet."""

    id: str | None
    seq: int
    kind: SubsidyLineKind
    representative_id: str
    name: str
    delegation: str
    days: tuple[DutyDay, ...]
    computed: Decimal
    amount: Decimal
    adjust_reason: str = ""
    corrects_month: str = ""

    @property
    def day_count(self) -> Decimal:
        """Days worked, a half day counting 0.5 (negative where a correction takes days back)."""
        return sum((d.share for d in self.days), Decimal("0"))

    @property
    def adjusted(self) -> bool:
        return self.amount != self.computed

    @property
    def rates(self) -> tuple[Decimal, ...]:
        return tuple(sorted({d.rate for d in self.days}))

    @property
    def rate_text(self) -> str:
        """"100.00", or "100.00/120.00" where the rate changed within the month."""
        return "/".join(money.format_yuan(r) for r in self.rates)

    @property
    def dates_text(self) -> str:
        """The duty dates as a sheet prints them: "11月4日、11日、18日(上午)"; a correction marks each day + or −."""
        parts, month = [], None
        for d in self.days:
            text = tr("{month}月{day}日", month=d.day.month, day=d.day.day) if d.day.month != month else \
                tr("{day}日", day=d.day.day)
            month = d.day.month
            if d.share.copy_abs() == HALF:
                text += tr("（{slot}）", slot="、".join(SlotName.label_of(s) for s in d.slots))
            if self.kind == SubsidyLineKind.CORRECTION:
                text = ("+" if d.amount >= 0 else "−") + text
            parts.append(text)
        return "、".join(parts)

    @property
    def remark(self) -> str:
        """备注: what a correction corrects and the reason of an adjustment."""
        notes = []
        if self.kind == SubsidyLineKind.CORRECTION:
            notes.append(tr("{month}更正", month=Month.parse(self.corrects_month).label))
        if self.adjusted:
            notes.append(tr("应发 {computed} 元，调整为 {amount} 元：{reason}", computed=money.format_yuan(self.computed),
                            amount=money.format_yuan(self.amount), reason=self.adjust_reason))
        return "；".join(notes)


@dataclass(frozen=True)
class BatchEvent:
    """确认, 撤回确认 or 发放: when (UTC), who, and the note (rendered in the reader's language)."""

    at: dt.datetime
    by: str
    step: BatchStep
    note: str

    @classmethod
    def from_json(cls, data: dict) -> BatchEvent:
        note = data.get("note") or ""
        return cls(dt.datetime.fromisoformat(data["at"]), data.get("by", ""), BatchStep(data["step"]),
                   Message.from_json(note).render() if isinstance(note, dict) else str(note))


@dataclass(frozen=True)
class Batch:
    """A station's month: its state and lines. ``id`` None: not stored yet (a month nobody computed, shown
    as computed from the attendance now)."""

    id: str | None
    station_id: str
    station_name: str
    month: Month
    state: BatchState
    lines: tuple[Line, ...] = ()
    meals: tuple[MealDay, ...] = ()
    computed_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None
    confirmed_by: str = ""
    paid_on: dt.date | None = None
    paid_by: str = ""
    #: why a draft cannot be confirmed yet (the month still running, an earlier month left in draft ...)
    blockers: tuple[str, ...] = field(default=())
    #: the batch's steps, oldest first
    events: tuple[BatchEvent, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def computed_total(self) -> Decimal:
        return sum((line.computed for line in self.lines), Decimal("0.00"))

    @property
    def day_total(self) -> Decimal:
        return sum((line.day_count for line in self.lines), Decimal("0"))

    @property
    def people(self) -> int:
        return len({line.representative_id for line in self.lines})

    @property
    def breakfasts(self) -> int:
        return sum(m.breakfast for m in self.meals)

    @property
    def lunches(self) -> int:
        return sum(m.lunch for m in self.meals)

    @property
    def locked(self) -> bool:
        return self.state != BatchState.DRAFT


def _station_id(ctx: ServiceContext) -> str:
    station_id = ctx.station.id
    if station_id is None:
        raise StationError(tr("请先在“设置”中填写本站名称和代码，再计算误工补贴"))
    return station_id


def _batches(session: Session, station_id: str) -> list[SubsidyBatch]:
    return list(session.scalars(select(SubsidyBatch).where(SubsidyBatch.station_id == station_id,
                                                           SubsidyBatch.voided_at.is_(None))
                                .order_by(SubsidyBatch.month)))


def _batch_row(session: Session, station_id: str, month: Month) -> SubsidyBatch | None:
    return session.scalar(select(SubsidyBatch).where(SubsidyBatch.station_id == station_id,
                                                     SubsidyBatch.month == month.key,
                                                     SubsidyBatch.voided_at.is_(None)))


def _line_rows(session: Session, batch_id: str) -> list[SubsidyLine]:
    return list(session.scalars(select(SubsidyLine).where(SubsidyLine.batch_id == batch_id,
                                                          SubsidyLine.voided_at.is_(None))
                                .order_by(SubsidyLine.seq)))


def _line_of(row: SubsidyLine) -> Line:
    return Line(row.id, row.seq, SubsidyLineKind(row.kind), row.representative_id, row.name, row.delegation,
                tuple(DutyDay.from_json(d) for d in row.detail or ()), money.yuan(row.computed),
                money.yuan(row.amount), row.adjust_reason, row.corrects_month)


def _key(line: Line | SubsidyLine) -> tuple[str, str, str]:
    return (str(line.kind), line.representative_id, line.corrects_month)


def _computed_lines(session: Session, station_id: str, month: Month) -> list[Line]:
    """The month's lines as the attendance has them now: each person's duty days, then the corrections to
    paid months before it, in the order the sheet prints them (by delegation, then name)."""
    earned = _earned(session, station_id, month)
    corrections = _corrections(session, station_id, month)
    people = {PersonRef.representative(rep) for rep in earned} | {PersonRef.representative(rep) for rep, _m in corrections}
    # the sheet has a delegation column: a name told apart by its delegation needs no second copy of it
    # kept on the line as data: the Chinese form whatever the interface language
    names = {person: (name.removesuffix(f"（{unit}）") if unit else name, unit)
             for person, (name, unit) in _names(session, people, chinese=True).items()}
    lines: list[Line] = []
    for rep, days in earned.items():
        name, unit = names.get(PersonRef.representative(rep), ("?", ""))
        total = sum((d.amount for d in days), Decimal("0.00"))
        lines.append(Line(None, 0, SubsidyLineKind.DUTY, rep, name, unit, tuple(days), total, total))
    for (rep, paid_month), days in sorted(corrections.items(), key=lambda item: (item[0][1], item[0][0])):
        name, unit = names.get(PersonRef.representative(rep), ("?", ""))
        total = sum((d.amount for d in days), Decimal("0.00"))
        lines.append(Line(None, 0, SubsidyLineKind.CORRECTION, rep, name, unit, tuple(days), total, total,
                          corrects_month=paid_month))
    lines.sort(key=lambda line: (line.kind == SubsidyLineKind.CORRECTION, line.corrects_month, line.delegation,
                                 pinyin_key(line.name), line.representative_id))
    return [Line(None, seq, line.kind, line.representative_id, line.name, line.delegation, line.days, line.computed,
                 line.amount, corrects_month=line.corrects_month) for seq, line in enumerate(lines, start=1)]


def _corrections(session: Session, station_id: str, month: Month) -> dict[tuple[str, str], list[DutyDay]]:
    """(representative id, paid month) → the day-by-day difference between what that paid month would pay
    now and what it computed when paid, less corrections already confirmed or paid in any batch."""
    batches = _batches(session, station_id)
    drafts = [Month.parse(b.month) for b in batches if b.state == BatchState.DRAFT and Month.parse(b.month) != month]
    # a correction goes into the first open batch after the paid month, not into every later draft
    paid = [b for b in batches if b.state == BatchState.PAID and Month.parse(b.month) < month
            and not any(Month.parse(b.month) < draft < month for draft in drafts)]
    if not paid:
        return {}
    settled_ids = [b.id for b in batches if b.state != BatchState.DRAFT]
    out: dict[tuple[str, str], list[DutyDay]] = {}
    for batch in paid:
        paid_month = Month.parse(batch.month)
        # what has been settled for that month, per person and day: its own lines, and corrections since
        settled: dict[str, dict[dt.date, DutyDay]] = defaultdict(dict)
        rows = _line_rows(session, batch.id) + list(session.scalars(
            select(SubsidyLine).where(SubsidyLine.batch_id.in_(settled_ids), SubsidyLine.corrects_month == paid_month.key,
                                      SubsidyLine.voided_at.is_(None))))
        for row in rows:
            if row.kind == SubsidyLineKind.DUTY or row.corrects_month == paid_month.key:
                for d in (DutyDay.from_json(x) for x in row.detail or ()):
                    before = settled[row.representative_id].get(d.day)
                    settled[row.representative_id][d.day] = d if before is None else DutyDay(
                        d.day, tuple(dict.fromkeys(before.slots + d.slots)), before.share + d.share, d.rate,
                        before.amount + d.amount)
        now = {rep: {d.day: d for d in days} for rep, days in _earned(session, station_id, paid_month).items()}
        for rep in set(now) | set(settled):
            diff = []
            for day in sorted(set(now.get(rep, {})) | set(settled.get(rep, {}))):
                new, old = now.get(rep, {}).get(day), settled.get(rep, {}).get(day)
                amount = (new.amount if new else Decimal("0.00")) - (old.amount if old else Decimal("0.00"))
                share = (new.share if new else Decimal("0")) - (old.share if old else Decimal("0"))
                if amount or share:
                    source = new or old
                    diff.append(DutyDay(day, source.slots, share, source.rate, money.yuan(amount)))
            if diff:
                out[(rep, paid_month.key)] = diff
    return out


def _view(session: Session, station: Station, month: Month, row: SubsidyBatch | None, lines: list[Line],
          meals: list[MealDay], today: dt.date) -> Batch:
    state = BatchState(row.state) if row is not None else BatchState.DRAFT
    blockers: list[str] = []
    if state == BatchState.DRAFT:
        if today <= month.last:
            blockers.append(tr("{month}还没有结束，月底后才能确认", month=month.label))
        earlier = [Month.parse(b.month) for b in _batches(session, station.id)
                   if b.state == BatchState.DRAFT and Month.parse(b.month) < month]
        if earlier:
            blockers.append(tr("请先确认{month}的补贴", month=earlier[0].label))
        if not lines:
            blockers.append(tr("{month}没有应发补贴的值班", month=month.label))
    if row is None:
        return Batch(None, station.id, station.name, month, state, tuple(lines), tuple(meals), blockers=tuple(blockers))
    return Batch(row.id, station.id, station.name, month, state, tuple(lines), tuple(meals), row.computed_at,
                 row.confirmed_at, row.confirmed_by, row.paid_on, row.paid_by, tuple(blockers),
                 tuple(BatchEvent.from_json(e) for e in row.events or ()))


def _station(session: Session, station_id: str) -> Station:
    station = session.get(Station, station_id)
    if station is None:
        raise NotFound(tr("找不到站点：{id}", id=station_id))
    return station


def batch(ctx: ServiceContext, month: Month | str, today: dt.date | None = None) -> Batch:
    """The month as it stands, without writing: a stored confirmed or paid batch as it was kept; a draft
    (stored or not) as computed from the attendance now, with the adjustments the stored draft carries."""
    month = Month.parse(month)
    today = today or dt.date.today()
    with ctx.read() as session:
        station = _station(session, _station_id(ctx))
        row = _batch_row(session, station.id, month)
        if row is not None and row.state != BatchState.DRAFT:
            return _view(session, station, month, row, [_line_of(r) for r in _line_rows(session, row.id)],
                         [MealDay.from_json(m) for m in row.meals or ()], today)
        lines = _computed_lines(session, station.id, month)
        if row is not None:
            lines = _carry_adjustments(lines, [_line_of(r) for r in _line_rows(session, row.id)])
        return _view(session, station, month, row, lines, _meals(session, station.id, month), today)


def _carry_adjustments(lines: list[Line], before: list[Line]) -> list[Line]:
    """Keep each adjustment as the difference the clerk made, with its reason, on the recomputed line."""
    made = {_key(b): (b.amount - b.computed, b.adjust_reason, b.id) for b in before}
    out = []
    for line in lines:
        delta, reason, line_id = made.get(_key(line), (Decimal("0.00"), "", None))
        out.append(Line(line_id, line.seq, line.kind, line.representative_id, line.name, line.delegation, line.days,
                        line.computed, line.computed + delta, reason if delta else "", line.corrects_month))
    return out


def refresh_draft(ctx: ServiceContext, month: Month | str, today: dt.date | None = None) -> Batch:
    """Compute the month's draft from the attendance and keep it (adding the batch the first time there is
    something to pay). Any operator: it writes only what the attendance already says. A confirmed or paid
    month is returned as kept."""
    month = Month.parse(month)
    today = today or dt.date.today()
    with ctx.write() as session:
        station_id = _station_id(ctx)
        row = _batch_row(session, station_id, month)
        if row is not None and row.state != BatchState.DRAFT:
            return batch(ctx, month, today)
        _store_draft(session, station_id, month, row)
    return batch(ctx, month, today)


def _store_draft(session: Session, station_id: str, month: Month, row: SubsidyBatch | None) -> SubsidyBatch | None:
    lines = _computed_lines(session, station_id, month)
    meals = [m.to_json() for m in _meals(session, station_id, month)]
    if row is None:
        if not lines:
            return None
        row = SubsidyBatch(station_id=station_id, month=month.key, state=BatchState.DRAFT.value, meals=[])
        session.add(row)
        session.flush()
    existing = {_key(r): r for r in _line_rows(session, row.id)}
    changed = False
    for line in _carry_adjustments(lines, [_line_of(r) for r in existing.values()]):
        stored = existing.pop(_key(line), None)
        values = {"seq": line.seq, "kind": line.kind.value, "representative_id": line.representative_id,
                  "name": line.name, "delegation": line.delegation, "days": line.day_count,
                  "computed": line.computed, "amount": line.amount, "adjust_reason": line.adjust_reason,
                  "corrects_month": line.corrects_month, "detail": [d.to_json() for d in line.days]}
        if stored is None:
            session.add(SubsidyLine(batch_id=row.id, **values))
            changed = True
        elif _differs(stored, values):
            for name, value in values.items():
                setattr(stored, name, value)
            changed = True
    for gone in existing.values():
        mark_void(gone, tr("重新计算后已无应发补贴"), "system")
        changed = True
    if changed or row.meals != meals or row.computed_at is None:
        row.meals = meals
        row.computed_at = utcnow()
    session.flush()
    return row


def _differs(row: SubsidyLine, values: dict) -> bool:
    for name, value in values.items():
        stored = getattr(row, name)
        if isinstance(value, Decimal):
            if stored is None or Decimal(stored) != value:
                return True
        elif stored != value:
            return True
    return False


def adjust_line(ctx: ServiceContext, line_id: str, amount: object, reason: str) -> None:
    """Pay a line another amount than computed, with the reason written on the sheet. Drafts only;
    administrators only. The amount the attendance gives stays beside it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": tr("调整金额必须填写原因")})
    new = money.yuan(amount)
    with ctx.write(admin_only=True) as session:
        row = session.get(SubsidyLine, line_id)
        if row is None or row.is_voided:
            raise NotFound(tr("找不到这一行补贴：{id}", id=line_id))
        the_batch = session.get(SubsidyBatch, row.batch_id)
        if the_batch.state != BatchState.DRAFT:
            raise StationError(tr("{month}的补贴{state}，不能再调整", month=Month.parse(the_batch.month).label,
                                  state=BatchState.label_of(the_batch.state)))
        if row.kind == SubsidyLineKind.DUTY and new < 0:
            raise ValidationFailed({"amount": tr("金额不能为负数：{amount}", amount=new)})
        row.amount = new
        row.adjust_reason = reason if new != money.yuan(row.computed) else ""


def confirm(ctx: ServiceContext, month: Month | str, reviewed_total: Decimal | None = None,
            today: dt.date | None = None) -> Batch:
    """草稿 → 已确认: computes the draft once more and keeps it as it stands. Refused while the month runs,
    while an earlier month is still a draft, with nothing to pay, or if the total moved from
    ``reviewed_total`` (what the reviewer saw) since. Administrators only."""
    month = Month.parse(month)
    today = today or dt.date.today()
    with ctx.write(admin_only=True) as session:
        station_id = _station_id(ctx)
        row = _batch_row(session, station_id, month)
        if row is not None and row.state != BatchState.DRAFT:
            raise StationError(tr("{month}的补贴{state}", month=month.label, state=BatchState.label_of(row.state)))
        row = _store_draft(session, station_id, month, row)
        view = batch(ctx, month, today)
        if view.blockers:
            raise StationError("；".join(view.blockers))
        if reviewed_total is not None and money.yuan(reviewed_total) != view.total:
            raise StationError(tr("审核后签到有变动：合计由 {seen} 元变为 {now} 元。请核对后再确认",
                                  seen=money.format_yuan(reviewed_total), now=money.format_yuan(view.total)))
        row.state = BatchState.CONFIRMED.value
        row.confirmed_at = utcnow()
        row.confirmed_by = ctx.operator.name
        _log(row, ctx, BatchStep.CONFIRM, Message.of("合计 {total} 元", total=money.format_yuan(view.total)))
    return batch(ctx, month, today)


def withdraw(ctx: ServiceContext, month: Month | str, reason: str, today: dt.date | None = None) -> Batch:
    """已确认 → 草稿, to correct the month's attendance before it is paid. A paid month cannot go back."""
    month = Month.parse(month)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": tr("撤回确认必须填写原因")})
    with ctx.write(admin_only=True) as session:
        row = _batch_row(session, _station_id(ctx), month)
        if row is None or row.state != BatchState.CONFIRMED:
            state = BatchState.label_of(row.state) if row is not None else tr("未生成")
            raise StationError(tr("只有已确认的月份可以撤回（{month}：{state}）", month=month.label, state=state))
        row.state = BatchState.DRAFT.value
        row.confirmed_at = None
        row.confirmed_by = ""
        _log(row, ctx, BatchStep.WITHDRAW, reason)
    return batch(ctx, month, today)


def pay(ctx: ServiceContext, month: Month | str, paid_on: dt.date, paid_by: str = "",
        today: dt.date | None = None) -> Batch:
    """已确认 → 已发放 on ``paid_on`` (the day typed, not in the future, after the month), by ``paid_by``
    (the operator when not given). From then on the month is locked."""
    month = Month.parse(month)
    today = today or dt.date.today()
    paid_by = (paid_by or "").strip() or ctx.operator.name
    if not isinstance(paid_on, dt.date):
        raise ValidationFailed({"paid_on": tr("请填写发放日期")})
    if paid_on > today:
        raise ValidationFailed({"paid_on": tr("发放日期 {day} 还没到", day=paid_on)})
    if paid_on <= month.last:
        raise ValidationFailed({"paid_on": tr("发放日期应在{month}结束之后：{day}", month=month.label, day=paid_on)})
    with ctx.write(admin_only=True) as session:
        row = _batch_row(session, _station_id(ctx), month)
        if row is None or row.state != BatchState.CONFIRMED:
            state = BatchState.label_of(row.state) if row is not None else tr("未生成")
            raise StationError(tr("{month}的补贴须先确认再发放（现在：{state}）", month=month.label, state=state))
        row.state = BatchState.PAID.value
        row.paid_on = paid_on
        row.paid_by = paid_by
        row.paid_at = utcnow()
        _log(row, ctx, BatchStep.PAY, Message.of("{day} 由 {name} 发放", day=paid_on, name=paid_by))
    return batch(ctx, month, today)


def _log(row: SubsidyBatch, ctx: ServiceContext, step: BatchStep, note: Message | str) -> None:
    """A step in the batch's history, shown on its page: when, who, what, and the note (a reason as typed,
    or the program's sentence kept as a ``Message`` to be read in either language)."""
    row.events = [*(row.events or []), {"at": utcnow().isoformat(timespec="seconds"), "by": ctx.operator.name,
                                         "step": step.value,
                                         "note": note.to_json() if isinstance(note, Message) else note}]


# --- The lock ----------------------------------------------------------------------------------


def check_attendance_change(session: Session, station_id: str | None, day: dt.date) -> None:
    """Called by every attendance change of a past day: refused in a confirmed month; in a paid month refused
    or let through to become a correction, as the administrator chose in the settings."""
    if station_id is None:
        return
    month = Month.of(day)
    row = _batch_row(session, station_id, month)
    if row is None or row.state == BatchState.DRAFT:
        return
    if row.state == BatchState.CONFIRMED:
        raise StationError(tr("{month}的误工补贴已确认，该月签到不能再改；确需修改，请管理员先在“误工补贴”页撤回确认",
                              month=month.label))
    if PaidMonthChange.parse(_load_settings(session).subsidy_paid_month_change) != PaidMonthChange.CARRY:
        raise StationError(tr("{month}的误工补贴已于 {day} 发放，该月签到已锁定，不能再改",
                              month=month.label, day=row.paid_on))


# --- Totals over time --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    representative_id: str
    name: str
    delegation: str
    by_month: dict[int, Decimal]
    days: Decimal
    total: Decimal


@dataclass(frozen=True)
class YearSummary:
    station_name: str
    year: int
    rows: tuple[YearRow, ...]

    @property
    def by_month(self) -> dict[int, Decimal]:
        out: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for row in self.rows:
            for month, amount in row.by_month.items():
                out[month] += amount
        return dict(out)

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), Decimal("0.00"))

    @property
    def days(self) -> Decimal:
        return sum((row.days for row in self.rows), Decimal("0"))


def _paid_lines(session: Session, station_id: str, first: Month, last: Month) -> list[tuple[Month, SubsidyLine]]:
    out = []
    for b in _batches(session, station_id):
        month = Month.parse(b.month)
        if b.state == BatchState.PAID and first <= month <= last:
            out += [(month, row) for row in _line_rows(session, b.id)]
    return out


def year_summary(ctx: ServiceContext, year: int) -> YearSummary:
    """Each person's paid subsidy in ``year``, month by month (a correction counts in the month that paid it)."""
    with ctx.read() as session:
        station = _station(session, _station_id(ctx))
        people: dict[str, dict] = {}
        for month, row in _paid_lines(session, station.id, Month(year, 1), Month(year, 12)):
            person = people.setdefault(row.representative_id, {"name": row.name, "delegation": row.delegation,
                                                               "by_month": defaultdict(lambda: Decimal("0.00")),
                                                               "days": Decimal("0")})
            person["by_month"][month.month] += money.yuan(row.amount)
            person["days"] += Decimal(row.days)
        rows = [YearRow(rep, p["name"], p["delegation"], dict(p["by_month"]), p["days"],
                        sum(p["by_month"].values(), Decimal("0.00"))) for rep, p in people.items()]
        rows.sort(key=lambda r: (r.delegation, pinyin_key(r.name), r.representative_id))
        return YearSummary(station.name, year, tuple(rows))


@dataclass(frozen=True)
class PaidTotal:
    """去年以来共发放: what has been paid from ``since``'s month on."""

    since: dt.date
    total: Decimal
    months: int
    people: int
    person_days: Decimal


def paid_since(ctx: ServiceContext, since: dt.date) -> PaidTotal:
    with ctx.read() as session:
        lines = _paid_lines(session, _station_id(ctx), Month.of(since), Month(9999, 12))
        return PaidTotal(since, sum((money.yuan(r.amount) for _m, r in lines), Decimal("0.00")),
                         len({m for m, _r in lines}), len({r.representative_id for _m, r in lines}),
                         sum((Decimal(r.days) for _m, r in lines), Decimal("0")))


def months_with_batches(ctx: ServiceContext) -> list[tuple[Month, BatchState]]:
    """The months this station has a batch for, newest first, with their state."""
    with ctx.read() as session:
        return [(Month.parse(b.month), BatchState(b.state)) for b in reversed(_batches(session, _station_id(ctx)))]
