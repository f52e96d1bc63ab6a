"""本月报表 — a station's month (or the whole county's) in figures and in one workbook.

``month_figures`` counts a month; ``summary`` sets it beside the month before and the year to date;
``per_station`` is the county's side-by-side table; ``write_month_report`` writes the workbook: 汇总
(the summary with a native bar chart), the detail sheets 接待登记, 交办台账, 值班与考勤, 误工补贴, 履职统计,
for a county a 各站 sheet, and 元数据 (station, period, schema version, row counts, a checksum over the
data cells).

The figures take their definitions from the services that already count: empty posts are
``attendance._empty_posts``; a follow-up is satisfied as ``performance.SATISFIED`` says; a suggestion is
answered as ``performance.ANSWERED`` says; a referral is overdue as ``referrals.overdue_count`` says (past
its deadline with the unit's answer owed), seen at the end of the period; the subsidy paid is the lines of
the period's batches once paid (``subsidy._paid_lines``); the 履职统计 sheet is ``record._records``, which
reads ``performance`` 's tally. Each event counts on its own day in the period.

``station_id`` None means every station in the database: what a county sees once it has merged the
stations' workbooks. On a station's PC every record is its own, and records kept before the station was
named (no station) count as the local station's.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station_app.db.models import (
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Referral,
    ReferralFeedback,
    ReferralFollowUp,
    Representative,
    Station,
    SubsidyBatch,
    Suggestion,
    Visit,
    VisitRepresentative,
)
from station_app.i18n import tr
from station_app.io.excel_write import BarChartSpec, Column, SheetSpec, WriteSummary, write_workbook
from station_app.services import record as record_service
from station_app.services.attendance import _empty_posts
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError
from station_app.services.performance import ANSWERED, SATISFIED
from station_app.services.reception import VISIT_HEADERS, VISIT_WIDTHS
from station_app.services.referrals import AWAITING_UNIT
from station_app.services.roster_people import PersonRef, _names
from station_app.services.subsidy import Month, _paid_lines
from station_app.vocab import Attendance, Channel, Outcome, ReferralState

#: the workbook's schema: raised when a sheet or column changes meaning
SCHEMA_VERSION = "report-1"
ZERO = Decimal("0.00")


# --- Figures ---------------------------------------------------------------------------------


@dataclass
class MonthFigures:
    """What a station (or the county) did from ``start`` to ``end``: a month, or the year to date."""

    start: dt.date
    end: dt.date
    visits: int = 0
    people: int = 0
    by_channel: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    by_outcome: Counter = field(default_factory=Counter)
    referrals_issued: int = 0
    referrals_answered: int = 0
    referrals_followed: int = 0
    referrals_satisfied: int = 0
    referrals_closed: int = 0
    #: past the deadline at the end of the period with the unit's answer still owed then
    referrals_overdue: int = 0
    suggestions_opened: int = 0
    suggestions_answered: int = 0
    slots_planned: int = 0
    slots_covered: int = 0
    #: 空岗: representative name → empty posts, window unit → empty posts
    empty_by_person: Counter = field(default_factory=Counter)
    empty_by_unit: Counter = field(default_factory=Counter)
    representatives_on_duty: int = 0
    subsidy_paid: Decimal = ZERO

    @property
    def solved_on_spot(self) -> int:
        """当场解决."""
        return self.by_outcome.get(Outcome.SOLVED.value, 0)

    @property
    def empty_posts(self) -> int:
        return sum(self.empty_by_person.values()) + sum(self.empty_by_unit.values())

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意 and 基本满意 over the follow-ups of the period, in per cent (one decimal); None without any."""
        if not self.referrals_followed:
            return None
        return (Decimal(100 * self.referrals_satisfied) / self.referrals_followed).quantize(Decimal("0.1"))


def _scope(column, station_id: str | None, local_id: str | None) -> list:
    """The condition putting a record in ``station_id`` (none: every station). A record with no station was
    kept before this PC's station was named, so it is the local station's."""
    if station_id is None:
        return []
    if station_id == local_id:
        return [(column == station_id) | column.is_(None)]
    return [column == station_id]


def station_by_code(ctx: ServiceContext, code: str) -> str:
    """The id of the station whose code is ``code`` (any case); ``NotFound`` naming the code otherwise."""
    with ctx.read() as session:
        found = session.scalar(select(Station.id).where(func.upper(Station.code) == code.strip().upper(),
                                                        Station.voided_at.is_(None)))
        if found is None:
            known = "、".join(session.scalars(select(Station.code).where(Station.voided_at.is_(None))
                                             .order_by(Station.code)))
            raise NotFound(tr("没有代码为“{code}”的站点（现有：{known}）", code=code, known=known or tr("无")))
        return found


def _check_station(session: Session, station_id: str | None) -> None:
    if station_id is not None and session.get(Station, station_id) is None:
        raise NotFound(tr("找不到站点：{id}", id=station_id))


def _figures(session: Session, start: dt.date, end: dt.date, station_id: str | None, local_id: str | None,
             today: dt.date) -> MonthFigures:
    out = MonthFigures(start, end)
    start_time = dt.datetime.combine(start, dt.time())
    end_time = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())

    # visits
    for channel, category, outcome, visits, people in session.execute(
        select(Visit.channel, Visit.category, Visit.outcome, func.count(), func.sum(Visit.people_count))
        .where(Visit.visited_at >= start_time, Visit.visited_at < end_time, Visit.voided_at.is_(None),
               *_scope(Visit.station_id, station_id, local_id))
        .group_by(Visit.channel, Visit.category, Visit.outcome)
    ):
        out.visits += visits
        out.people += int(people or 0)
        out.by_channel[channel] += visits
        out.by_category[category] += visits
        out.by_outcome[outcome] += visits

    # referrals
    in_scope = [Referral.voided_at.is_(None), *_scope(Referral.station_id, station_id, local_id)]
    out.referrals_issued = session.scalar(select(func.count()).select_from(Referral).where(
        Referral.issued_on >= start, Referral.issued_on <= end, *in_scope)) or 0
    out.referrals_closed = session.scalar(select(func.count()).select_from(Referral).where(
        Referral.closed_on >= start, Referral.closed_on <= end, *in_scope)) or 0
    out.referrals_answered = session.scalar(
        select(func.count(func.distinct(ReferralFeedback.referral_id)))
        .join(Referral, ReferralFeedback.referral_id == Referral.id)
        .where(ReferralFeedback.replied_on >= start, ReferralFeedback.replied_on <= end,
               ReferralFeedback.voided_at.is_(None), *in_scope)) or 0
    for (satisfaction,) in session.execute(
        select(ReferralFollowUp.satisfaction).join(Referral, ReferralFollowUp.referral_id == Referral.id)
        .where(ReferralFollowUp.followed_on >= start, ReferralFollowUp.followed_on <= end,
               ReferralFollowUp.voided_at.is_(None), *in_scope)
    ):
        out.referrals_followed += 1
        out.referrals_satisfied += satisfaction in SATISFIED
    out.referrals_overdue = _overdue_at(session, min(end, today), in_scope)

    # suggestions
    suggestion_scope = [Suggestion.voided_at.is_(None), *_scope(Suggestion.station_id, station_id, local_id)]
    out.suggestions_opened = session.scalar(select(func.count()).select_from(Suggestion).where(
        Suggestion.opened_on >= start, Suggestion.opened_on <= end, *suggestion_scope)) or 0
    out.suggestions_answered = session.scalar(select(func.count()).select_from(Suggestion).where(
        Suggestion.answered_on >= start, Suggestion.answered_on <= end, Suggestion.state.in_(ANSWERED),
        *suggestion_scope)) or 0

    # duty
    slot_scope = [DutySlot.day >= start, DutySlot.day <= end, DutySlot.voided_at.is_(None),
                  DutyPlan.voided_at.is_(None), *_scope(DutyPlan.station_id, station_id, None)]
    out.slots_planned = session.scalar(select(func.count()).select_from(DutySlot).join(
        DutyPlan, DutySlot.plan_id == DutyPlan.id).where(*slot_scope)) or 0
    present = (select(DutySlot.id, DutyAssignment.representative_id)
               .join(DutyPlan, DutySlot.plan_id == DutyPlan.id)
               .join(DutyAssignment, DutyAssignment.slot_id == DutySlot.id)
               .where(*slot_scope, DutyAssignment.voided_at.is_(None),
                      DutyAssignment.attendance == Attendance.PRESENT))
    rows = session.execute(present).all()
    out.slots_covered = len({slot for slot, _rep in rows})
    out.representatives_on_duty = len({rep for _slot, rep in rows if rep is not None})
    for post in _empty_posts(session, start, end, station_id):
        (out.empty_by_unit if post.is_head else out.empty_by_person)[post.name] += 1

    # subsidy: the period's batches, once paid
    for sid in _subsidy_stations(session, station_id):
        out.subsidy_paid += sum((Decimal(line.amount) for _m, line in _paid_lines(
            session, sid, Month.of(start), Month.of(end))), ZERO)
    return out


def _overdue_at(session: Session, day: dt.date, in_scope: list) -> int:
    """Referrals past their deadline on ``day`` with the unit's answer owed on that day: owed still
    (as ``referrals.overdue_count`` counts today), or answered only after ``day``."""
    owed = session.scalar(select(func.count()).select_from(Referral).where(
        Referral.state.in_(AWAITING_UNIT), Referral.deadline < day, Referral.issued_on <= day, *in_scope)) or 0
    answered_later = session.scalar(
        select(func.count(func.distinct(Referral.id))).join(ReferralFeedback, ReferralFeedback.referral_id == Referral.id)
        .where(Referral.state.not_in(AWAITING_UNIT), Referral.deadline < day, Referral.issued_on <= day,
               ReferralFeedback.voided_at.is_(None), ReferralFeedback.round == Referral.rounds,
               ReferralFeedback.replied_on > day,
               ~select(ReferralFeedback.id).where(ReferralFeedback.referral_id == Referral.id,
                                                  ReferralFeedback.round == Referral.rounds,
                                                  ReferralFeedback.voided_at.is_(None),
                                                  ReferralFeedback.replied_on <= day).correlate(Referral).exists(),
               *in_scope)) or 0
    return owed + answered_later


def _subsidy_stations(session: Session, station_id: str | None) -> list[str]:
    if station_id is not None:
        return [station_id]
    return list(session.scalars(select(SubsidyBatch.station_id).where(SubsidyBatch.voided_at.is_(None)).distinct()))


def month_figures(ctx: ServiceContext, month: Month | str, station_id: str | None = None,
                  today: dt.date | None = None) -> MonthFigures:
    """The month's figures for ``station_id`` (None: every station in the database)."""
    month = Month.parse(month)
    with ctx.read() as session:
        _check_station(session, station_id)
        return _figures(session, month.first, month.last, station_id, ctx.station_id, today or dt.date.today())


# --- The summary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary: a figure this month, the month before and the year to date.

    ``kind`` is "int", "rate" (per cent) or "money"; ``group`` is True for a line that only heads the lines
    under it (按渠道 …); ``section`` names the group a line belongs to ("channel", "category" …)."""

    label: str
    this: int | Decimal | None
    previous: int | Decimal | None
    year: int | Decimal | None
    kind: str = "int"
    group: bool = False
    section: str = ""


@dataclass(frozen=True)
class Summary:
    station_name: str
    station_code: str
    month: Month
    this: MonthFigures
    previous: MonthFigures
    year: MonthFigures
    rows: tuple[SummaryRow, ...]

    def section(self, name: str) -> list[SummaryRow]:
        return [row for row in self.rows if row.section == name and not row.group]


def _keys(figures: Iterable[MonthFigures], attribute: str, first: Iterable[str] = ()) -> list[str]:
    """The standard words (``first``, in their order, counted or not), then any other word ``figures`` counted."""
    found: Counter = Counter()
    for f in figures:
        found.update(getattr(f, attribute))
    standard = list(first)
    return standard + sorted(word for word in found if word not in standard)


def _rows(this: MonthFigures, previous: MonthFigures, year: MonthFigures) -> list[SummaryRow]:
    trio = (this, previous, year)

    def row(label: str, value, kind: str = "int", section: str = "") -> SummaryRow:
        return SummaryRow(label, *(value(f) for f in trio), kind=kind, section=section)

    def group(label: str, section: str) -> SummaryRow:
        return SummaryRow(label, None, None, None, group=True, section=section)

    rows = [row(tr("接待群众（批次）"), lambda f: f.visits), row(tr("接待群众（人次）"), lambda f: f.people),
            group(tr("按接待方式"), "channel")]
    rows += [row(Channel.label_of(word), lambda f, w=word: f.by_channel.get(w, 0), section="channel")
             for word in _keys(trio, "by_channel", [c.value for c in Channel])]
    rows.append(group(tr("按问题类别"), "category"))
    rows += [row(word, lambda f, w=word: f.by_category.get(w, 0), section="category")
             for word in _keys(trio, "by_category")]
    rows.append(group(tr("按办理结果"), "outcome"))
    rows += [row(Outcome.label_of(word), lambda f, w=word: f.by_outcome.get(w, 0), section="outcome")
             for word in _keys(trio, "by_outcome", [o.value for o in Outcome])]
    rows += [group(tr("交办单"), "referral"),
             row(tr("新交办"), lambda f: f.referrals_issued, section="referral"),
             row(tr("承办单位反馈"), lambda f: f.referrals_answered, section="referral"),
             row(tr("回访"), lambda f: f.referrals_followed, section="referral"),
             row(tr("办结"), lambda f: f.referrals_closed, section="referral"),
             row(tr("超期未反馈（期末）"), lambda f: f.referrals_overdue, section="referral"),
             row(tr("满意率（%）"), lambda f: f.satisfaction_rate, "rate", section="referral"),
             group(tr("代表建议"), "suggestion"),
             row(tr("提出"), lambda f: f.suggestions_opened, section="suggestion"),
             row(tr("已答复"), lambda f: f.suggestions_answered, section="suggestion"),
             group(tr("值班"), "duty"),
             row(tr("计划时段"), lambda f: f.slots_planned, section="duty"),
             row(tr("有人出勤的时段"), lambda f: f.slots_covered, section="duty"),
             row(tr("空岗（代表）"), lambda f: sum(f.empty_by_person.values()), section="duty"),
             row(tr("空岗（窗口单位）"), lambda f: sum(f.empty_by_unit.values()), section="duty"),
             row(tr("出勤代表（人）"), lambda f: f.representatives_on_duty, section="duty"),
             row(tr("误工补贴发放（元）"), lambda f: f.subsidy_paid, "money")]
    return rows


def _station_label(session: Session, station_id: str | None, ctx: ServiceContext) -> tuple[str, str]:
    if station_id is None:
        stations = list(session.scalars(select(Station).where(Station.voided_at.is_(None))))
        if len(stations) <= 1:
            return ctx.station.name, ctx.station.code
        return tr("全县（{count} 个站）", count=len(stations)), tr("全县")
    station = session.get(Station, station_id)
    return station.name, station.code


def summary(ctx: ServiceContext, month: Month | str, station_id: str | None = None,
            today: dt.date | None = None) -> Summary:
    """This month, the month before and the year to date (January to the end of this month), side by side."""
    month = Month.parse(month)
    today = today or dt.date.today()
    with ctx.read() as session:
        _check_station(session, station_id)
        local = ctx.station_id
        this = _figures(session, month.first, month.last, station_id, local, today)
        before = month.previous()
        previous = _figures(session, before.first, before.last, station_id, local, today)
        year = _figures(session, dt.date(month.year, 1, 1), month.last, station_id, local, today)
        name, code = _station_label(session, station_id, ctx)
    return Summary(name, code, month, this, previous, year, tuple(_rows(this, previous, year)))


@dataclass(frozen=True)
class StationRow:
    """One station's line of the county's side-by-side table."""

    station_id: str
    code: str
    name: str
    figures: MonthFigures


def per_station(ctx: ServiceContext, month: Month | str, today: dt.date | None = None,
                year_to_date: bool = False) -> list[StationRow]:
    """Every station's month (or, ``year_to_date``, January to the end of the month), one row each in code
    order, for the county to see side by side."""
    month = Month.parse(month)
    today = today or dt.date.today()
    first = dt.date(month.year, 1, 1) if year_to_date else month.first
    with ctx.read() as session:
        stations = list(session.scalars(select(Station).where(Station.voided_at.is_(None)).order_by(Station.code)))
        return [StationRow(s.id, s.code, s.name, _figures(session, first, month.last, s.id, ctx.station_id, today))
                for s in stations]


#: the county table's columns: key, Chinese header, width, kind, and the figure
STATION_COLUMNS = (
    ("visits", "接待批次", 9, "int", lambda f: f.visits),
    ("people", "接待人次", 9, "int", lambda f: f.people),
    ("solved", Outcome.SOLVED.value, 9, "int", lambda f: f.solved_on_spot),
    ("issued", Outcome.REFERRED.value, 7, "int", lambda f: f.referrals_issued),
    ("closed", ReferralState.CLOSED.value, 7, "int", lambda f: f.referrals_closed),
    ("overdue", "超期", 7, "int", lambda f: f.referrals_overdue),
    ("rate", "满意率（%）", 10, "number", lambda f: f.satisfaction_rate),
    ("suggestions", "代表建议", 9, "int", lambda f: f.suggestions_opened),
    ("slots", "值班时段", 9, "int", lambda f: f.slots_planned),
    ("empty", "空岗", 7, "int", lambda f: f.empty_posts),
    ("on_duty", "出勤代表", 9, "int", lambda f: f.representatives_on_duty),
    ("subsidy", "误工补贴（元）", 13, "money", lambda f: f.subsidy_paid),
)


def station_table_headers() -> list[str]:
    """The county table's headers in the reader's language: 站点代码, 站点名称, then a figure each."""
    return [tr("站点代码"), tr("站点名称")] + [tr(header) for _k, header, *_rest in STATION_COLUMNS]


# --- The workbook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """The days the detail sheets cover when they are not one month: the year to date."""

    first: dt.date
    last: dt.date


def _summary_sheet(found: Summary) -> SheetSpec:
    columns = [Column("label", tr("项目"), 26), Column("this", tr("本月"), 12, "number"),
               Column("previous", tr("上月"), 12, "number"), Column("year", tr("本年累计"), 12, "number")]
    rows = [{"label": row.label if row.group or not row.section else "　" + row.label,
             "this": row.this, "previous": row.previous, "year": row.year, "section": row.section,
             "group": row.group} for row in found.rows]
    chart = BarChartSpec(tr("接待方式（本月与上月）"), "label", ("this", "previous"),
                         lambda r: r["section"] == "channel" and not r["group"], anchor="F3", y_title=tr("批次"))
    return SheetSpec(tr("汇总"), columns, rows,
                     heading=tr("{station}{month}工作报表", station=found.station_name, month=found.month.label),
                     notes=[tr("说明：本年累计为 {year} 年 1 月至本月；超期按期末统计；满意率 =（满意 + 基本满意）÷ 回访次数。",
                               year=found.month.year)],
                     landscape=True, autofilter=False, charts=[chart])


def _in_period(session: Session, model, column, start: dt.date, end: dt.date, station_id: str | None,
               local_id: str | None) -> list:
    return list(session.scalars(select(model).where(column >= start, column <= end, model.voided_at.is_(None),
                                                    *_scope(model.station_id, station_id, local_id))
                                .order_by(column)))


def _visits_sheet(session: Session, month: Month | Span, station_id: str | None, local_id: str | None,
                  heading: str) -> SheetSpec:
    """接待登记: the columns of ``reception.export_visits`` (what its import reads, then the referral)."""
    start = dt.datetime.combine(month.first, dt.time())
    end = dt.datetime.combine(month.last + dt.timedelta(days=1), dt.time())
    scope = [Visit.visited_at >= start, Visit.visited_at < end, Visit.voided_at.is_(None),
             *_scope(Visit.station_id, station_id, local_id)]
    referred: dict[str, list[tuple[str, str]]] = {}
    for visit_id, number, state in session.execute(
            select(Referral.visit_id, Referral.number, Referral.state).join(Visit, Referral.visit_id == Visit.id)
            .where(Referral.voided_at.is_(None), *scope).order_by(Referral.year, Referral.seq)):
        referred.setdefault(visit_id, []).append((number, state))
    reps_of: dict[str, list[str]] = {}
    for visit_id, name in session.execute(
            select(VisitRepresentative.visit_id, Representative.name)
            .join(Representative, VisitRepresentative.representative_id == Representative.id)
            .join(Visit, VisitRepresentative.visit_id == Visit.id)
            .where(VisitRepresentative.voided_at.is_(None), *scope)):
        reps_of.setdefault(visit_id, []).append(name)

    def rows() -> Iterator[dict[str, object]]:
        # plain rows of the columns shown, not ORM objects: a county's year holds tens of thousands
        shown = select(Visit.id, Visit.visited_at, Visit.citizen_name, Visit.phone, Visit.address, Visit.people_count,
                       Visit.channel, Visit.category, Visit.content, Visit.outcome, Visit.outcome_note)
        for visit in session.execute(shown.where(*scope).order_by(Visit.visited_at).execution_options(yield_per=2000)):
            found = referred.get(visit.id, [])
            yield {"visited_at": visit.visited_at, "citizen_name": visit.citizen_name, "phone": visit.phone,
                   "address": visit.address, "people_count": visit.people_count, "channel": visit.channel,
                   "category": visit.category, "content": visit.content,
                   "representatives": "、".join(reps_of.get(visit.id, [])), "outcome": visit.outcome,
                   "outcome_note": visit.outcome_note, "referral_number": "、".join(n for n, _ in found),
                   "referral_state": "、".join(s for _, s in found)}

    columns = [Column(key, headers[0], VISIT_WIDTHS[key],
                      "datetime" if key == "visited_at" else "int" if key == "people_count" else "text")
               for key, headers in VISIT_HEADERS.items()]
    columns += [Column("referral_number", "交办单编号", 20), Column("referral_state", "交办状态", 10)]
    return SheetSpec("接待登记", columns, rows(), heading=heading, landscape=True)


def _referrals_sheet(session: Session, month: Month | Span, station_id: str | None, local_id: str | None,
                     today: dt.date, heading: str) -> SheetSpec:
    """交办台账: the referrals open at some time in the month, with the ledger's main columns
    (``referrals.export_ledger``) and what happened to each within the month."""
    as_of = min(month.last, today)
    scope = [Referral.voided_at.is_(None), Referral.issued_on <= month.last,
             (Referral.closed_on.is_(None)) | (Referral.closed_on >= month.first),
             *_scope(Referral.station_id, station_id, local_id)]
    pairs = session.execute(select(Referral, Visit).outerjoin(Visit, Referral.visit_id == Visit.id)
                            .where(*scope).order_by(Referral.year, Referral.seq)).all()
    ids = [r.id for r, _v in pairs]
    feedback: dict[str, dt.date] = {}
    follow: dict[str, tuple[dt.date, str]] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for referral_id, replied_on in session.execute(
                select(ReferralFeedback.referral_id, ReferralFeedback.replied_on).where(
                    ReferralFeedback.referral_id.in_(chunk), ReferralFeedback.voided_at.is_(None),
                    ReferralFeedback.replied_on <= month.last).order_by(ReferralFeedback.replied_on)):
            feedback[referral_id] = replied_on
        for referral_id, followed_on, satisfaction in session.execute(
                select(ReferralFollowUp.referral_id, ReferralFollowUp.followed_on, ReferralFollowUp.satisfaction)
                .where(ReferralFollowUp.referral_id.in_(chunk), ReferralFollowUp.voided_at.is_(None),
                       ReferralFollowUp.followed_on <= month.last).order_by(ReferralFollowUp.followed_on)):
            follow[referral_id] = (followed_on, satisfaction)

    def rows() -> Iterator[dict[str, object]]:
        for referral, visit in pairs:
            replied = feedback.get(referral.id)
            followed = follow.get(referral.id)
            overdue = (referral.deadline is not None and referral.deadline < as_of
                       and (referral.state in AWAITING_UNIT and replied is None or (replied or as_of) > as_of))
            closed = referral.closed_on if referral.closed_on and referral.closed_on <= month.last else None
            yield {"number": referral.number, "issued_on": referral.issued_on, "unit": referral.unit_name,
                   "deadline": referral.deadline, "state": referral.state, "rounds": referral.rounds,
                   "citizen": (visit.citizen_name or "（匿名）") if visit else "",
                   "content": visit.content if visit else "", "replied_on": replied,
                   "followed_on": followed[0] if followed else None,
                   "satisfaction": followed[1] if followed else "", "closed_on": closed,
                   "overdue": "是" if overdue else "否"}

    columns = [Column("number", "交办单编号", 20), Column("issued_on", "交办日期", 12, "date"),
               Column("unit", "承办单位", 20), Column("deadline", "办结时限", 12, "date"), Column("state", "状态", 9),
               Column("rounds", "交办次数", 9, "int"), Column("citizen", "反映人", 10),
               Column("content", "反映问题", 40), Column("replied_on", "答复日期", 12, "date"),
               Column("followed_on", "回访日期", 12, "date"), Column("satisfaction", "满意度", 10),
               Column("closed_on", "办结日期", 12, "date"), Column("overdue", "是否超期", 9)]
    return SheetSpec("交办台账", columns, rows(), heading=heading, landscape=True)


def _duty_sheet(session: Session, month: Month | Span, station_id: str | None, heading: str) -> SheetSpec:
    """值班与考勤: every turn of the month with its sign-in, in the columns of ``roster_output.export_month``."""
    found = session.execute(
        select(DutyAssignment, DutySlot.day, DutySlot.slot_name, DutyPlan.name)
        .join(DutySlot, DutyAssignment.slot_id == DutySlot.id).join(DutyPlan, DutySlot.plan_id == DutyPlan.id)
        .where(DutySlot.day >= month.first, DutySlot.day <= month.last, DutyAssignment.voided_at.is_(None),
               DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None),
               *_scope(DutyPlan.station_id, station_id, None))
        .order_by(DutySlot.day, DutyPlan.name, DutySlot.slot_name, DutyAssignment.created_at)).all()
    names = _names(session, {PersonRef.of(a) for a, *_ in found}, chinese=True)
    rows = []
    for a, day, slot, plan in found:
        person = PersonRef.of(a)
        name, unit = names.get(person, ("?", ""))
        rows.append({"day": day, "slot": slot, "plan": plan, "name": name, "who": person.kind.value, "unit": unit,
                     "source": a.source, "attendance": a.attendance,
                     "at": a.attended_at, "note": a.reason})
    columns = [Column("day", "日期", 12, "date"), Column("slot", "时段", 8), Column("plan", "排班方案", 16),
               Column("name", "姓名", 14), Column("who", "身份", 14), Column("unit", "代表团/单位", 20),
               Column("source", "安排方式", 10), Column("attendance", "签到", 8),
               Column("at", "签到时间", 16, "datetime"), Column("note", "备注", 24)]
    return SheetSpec("值班与考勤", columns, rows, heading=heading, landscape=True)


def _subsidy_sheet(session: Session, month: Month | Span, station_id: str | None, heading: str) -> SheetSpec:
    """误工补贴: the month's paid lines, in the 签领表's columns (``io.subsidy_excel``)."""
    stations = {s.id: s.name for s in session.scalars(select(Station))}
    rows = []
    for sid in _subsidy_stations(session, station_id):
        for _m, line in _paid_lines(session, sid, Month.of(month.first), Month.of(month.last)):
            rows.append({"station": stations.get(sid, ""), "seq": line.seq, "name": line.name,
                         "delegation": line.delegation, "kind": line.kind, "days": Decimal(line.days),
                         "computed": Decimal(line.computed), "amount": Decimal(line.amount),
                         "remark": line.adjust_reason or (tr("更正 {month}", month=line.corrects_month)
                                                          if line.corrects_month else "")})
    columns = [Column("station", "联络站", 20), Column("seq", "序号", 6, "int"), Column("name", "姓名", 10),
               Column("delegation", "代表团", 16), Column("kind", "类别", 8), Column("days", "天数", 7, "number"),
               Column("computed", "应发金额", 12, "money"), Column("amount", "实发金额", 12, "money"),
               Column("remark", "备注", 24)]
    return SheetSpec("误工补贴", columns, rows, heading=heading, landscape=True)


#: the 履职统计 sheet's counts: a ``Tally`` field and its header, as ``record.export_records`` names them
RECORD_HEADERS = (("duty_scheduled", "应值班"), ("duty_attended", "出勤"), ("duty_absent", "缺勤"), ("duty_leave", "请假"),
               ("stood_in", "替他人值班"), ("replaced", "由他人替班"), ("visits_received", "接待选民"),
               ("referrals_raised", "提出交办"), ("referrals_solved", "交办办结"), ("referrals_satisfied", "评价满意"),
               ("suggestions_made", "提出建议"), ("suggestions_answered", "建议已答复"),
               ("activity_total", "活动合计"), ("trainings_passed", "培训合格"))


def _records_sheet(session: Session, month: Month | Span, station_id: str | None, heading: str) -> SheetSpec:
    """履职统计: each representative's month, the counts of ``record.export_records``."""
    found = record_service._records(session, month.first, month.last, station_id, scored=False)  # counts only
    numbers = RECORD_HEADERS
    columns = [Column("n", "序号", 6, "int"), Column("name", "姓名", 10), Column("delegation", "代表团", 16),
               Column("station", "联络站", 20), Column("state", "状态", 7)]
    columns += [Column(key, header, 8, "int") for key, header in numbers]
    rows = [{"n": n, "name": r.person.name, "delegation": r.person.delegation, "station": r.person.station,
             "state": r.person.state, **{key: getattr(r.tally, key) for key, _h in numbers}}
            for n, r in enumerate(found.rows, start=1)]
    return SheetSpec("履职统计", columns, rows, heading=heading, landscape=True)


def _stations_sheet(table: list[StationRow], heading: str) -> SheetSpec:
    columns = [Column("code", "站点代码", 10), Column("name", "站点名称", 24)]
    columns += [Column(key, header, width, kind) for key, header, width, kind, _f in STATION_COLUMNS]
    rows = [{"code": r.code, "name": r.name, **{key: value(r.figures) for key, _h, _w, _k, value in STATION_COLUMNS}}
            for r in table]
    return SheetSpec("各站", columns, rows, heading=heading, landscape=True)


@dataclass(frozen=True)
class ReportWritten:
    path: Path
    summary: Summary
    rows: dict[str, int]
    checksum: str


def write_month_report(ctx: ServiceContext, month: Month | str, path: Path | str, station_id: str | None = None,
                       today: dt.date | None = None, county: bool | None = None,
                       year_to_date: bool = False) -> ReportWritten:
    """The month's workbook at ``path`` (replaced only once whole). A county report (``county``; by default
    when ``station_id`` is None and the database holds more than one station) adds the 各站 sheet. With
    ``year_to_date`` the detail sheets and the 各站 table cover January to the end of the month (the year's
    report, given December); the 汇总 sheet is the same."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise StationError(tr("报表只能保存为 .xlsx 文件：{path}", path=path))
    month = Month.parse(month)
    today = today or dt.date.today()
    found = summary(ctx, month, station_id, today)
    generated = dt.datetime.now().replace(microsecond=0)
    with ctx.read() as session:
        local = ctx.station_id
        stations = session.scalar(select(func.count()).select_from(Station).where(Station.voided_at.is_(None))) or 0
        if county is None:
            county = station_id is None and stations > 1
        span: Month | Span = Span(dt.date(month.year, 1, 1), month.last) if year_to_date else month
        period = tr("{year}年1至{month}月", year=month.year, month=month.month) if year_to_date else month.label
        who = f"{found.station_name}{period}"
        sheets = [_summary_sheet(found),
                  _visits_sheet(session, span, station_id, local, f"{who}接待群众登记表"),
                  _referrals_sheet(session, span, station_id, local, today, f"{who}交办台账"),
                  _duty_sheet(session, span, station_id, f"{who}值班与考勤"),
                  _subsidy_sheet(session, span, station_id, f"{who}误工补贴发放"),
                  _records_sheet(session, span, station_id, f"{who}代表履职统计")]
        if county:
            sheets.append(_stations_sheet(per_station(ctx, month, today, year_to_date), f"{who}各站情况"))

        def metadata(written: WriteSummary) -> dict[str, str]:
            out = {"站点名称": found.station_name, "站点代码": found.station_code,
                   "报表期间": f"{span.first.isoformat()} 至 {span.last.isoformat()}",
                   "报表月份": month.key, "范围": "全县" if county else "本站", "格式版本": SCHEMA_VERSION,
                   "生成时间": generated.isoformat(sep=" "), "生成人": ctx.operator.name}
            out.update({f"行数：{title}": str(count) for title, count in written.rows.items()})
            out["校验和（SHA-256）"] = written.checksum
            return out

        written = write_workbook(path, sheets, metadata=metadata)
    return ReportWritten(path, found, written.rows, written.checksum)


def report_checksum(path: Path | str) -> tuple[str, str]:
    """(the checksum the metadata sheet records, the checksum of the data cells as they are in the file now).

    The data rows of each sheet are the rows right under its header (the title row, then the header),
    as many as the metadata counts."""
    import python_calamine

    from station_app.io.excel import clean_text
    from station_app.io.excel_write import cell_checksum

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    meta = {clean_text(row[0]): clean_text(row[1]) for row in workbook.get_sheet_by_name("元数据").to_python()[1:]
            if row and row[0]}
    sheets = []
    prefix = clean_text("行数：")
    for key, count in meta.items():
        if not key.startswith(prefix):
            continue
        title = key.removeprefix(prefix)
        table = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        width = len([c for c in table[1] if c != ""])
        sheets.append((title, [list(row[:width]) + [""] * (width - len(row[:width]))
                               for row in table[2:2 + int(count)]]))
    return meta.get(clean_text("校验和（SHA-256）"), ""), cell_checksum(sheets)
