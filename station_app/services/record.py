"""履职档案 — the record of one representative over a period, its A4 archive page, and the Excel of all.

The counts are ``performance.tally``'s (each event counted once, on its own day); this module adds who
the representative is, what they did one by one (the duty turns, the visits received, the activities, the
suggestions) and, when the period is whole months, the points (``points``: every month under its own rule).

The lists on the page carry no visitor's name, phone or ID number: a visit is its day, its category and
the issue in short.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from station_app.db.models import (
    Activity,
    ActivityParticipant,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Representative,
    Suggestion,
    SuggestionRepresentative,
    Visit,
    VisitRepresentative,
)
from station_app.i18n import tr
from station_app.services import performance, points
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.performance import Tally
from station_app.services.points import Score
from station_app.services.registry import pinyin_key
from station_app.services.subsidy import Month
from station_app.services.validation import normalize_name
from station_app.vocab import ActivityKind, AssignmentSource, Attendance, Gender, Level, SlotName, SuggestionState

#: how long the issue of a visit is kept for a list line
ISSUE_CHARS = 40


# --- What a record holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Who the record is of."""

    id: str
    name: str
    gender: str
    kind: str
    level: str
    delegation: str
    group: str
    station: str
    work_unit: str
    term: str
    phone_tail: str
    active: bool
    voided: bool
    void_reason: str = ""

    @property
    def state(self) -> str:
        """在任, 已离任 or 已作废."""
        if self.voided:
            return tr("已作废")
        return tr("在任") if self.active else tr("已离任")

    @property
    def in_office(self) -> bool:
        return self.active and not self.voided


@dataclass(frozen=True)
class DutyTurn:
    """A duty turn: its day and slot, the sign-in mark, and whether it was taken for someone else (替班)."""

    day: dt.date
    slot: str
    mark: str
    stand_in: bool = False

    @property
    def mark_text(self) -> str:
        """"出勤", "缺勤", "他人替班" (their turn, taken by someone else), "出勤（替班）" (they stood in)."""
        if self.mark == Attendance.REPLACED and not self.stand_in:
            return tr("他人替班")
        text = Attendance.label_of(self.mark)
        return tr("{mark}（替班）", mark=text) if self.stand_in else text


@dataclass(frozen=True)
class VisitLine:
    """A visit received: the day, the category and the issue in short (never the visitor's name or numbers)."""

    day: dt.date
    category: str
    issue: str
    outcome: str


@dataclass(frozen=True)
class ActivityLine:
    day: dt.date
    kind: str
    theme: str
    #: training only: passed (True), failed (False), not assessed (None)
    passed: bool | None = None


@dataclass(frozen=True)
class SuggestionLine:
    number: str
    title: str
    state: str
    opened_on: dt.date


@dataclass(frozen=True)
class RepresentativeRecord:
    """履职档案 — one representative's record from ``start`` to ``end``."""

    person: Person
    start: dt.date
    end: dt.date
    tally: Tally
    #: the activity kinds to show a count for, in order (the standard ones, the station's, any others done)
    kinds: list[str]
    #: the points, when the period is whole months (None otherwise)
    score: Score | None = None
    turns: list[DutyTurn] = field(default_factory=list)
    visits: list[VisitLine] = field(default_factory=list)
    activities: list[ActivityLine] = field(default_factory=list)
    suggestions: list[SuggestionLine] = field(default_factory=list)

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)

    @property
    def empty(self) -> bool:
        return not (self.turns or self.visits or self.activities or self.suggestions)


@dataclass(frozen=True)
class Count:
    """One count of the record, as the page and the tab show it."""

    group: str
    label: str
    value: int | str


def counts(record: RepresentativeRecord) -> list[Count]:
    """The counts in the order they are read: duty, reception, suggestions, activities, points."""
    t = record.tally
    duty, reception, suggestion, activity = tr("值班"), tr("接待"), tr("代表建议"), tr("履职活动")
    found = [
        Count(duty, tr("应值班"), t.duty_scheduled),
        Count(duty, tr("出勤"), t.duty_attended),
        Count(duty, tr("缺勤"), t.duty_absent),
        Count(duty, tr("请假"), t.duty_leave),
        Count(duty, tr("替他人值班"), t.stood_in),
        Count(duty, tr("由他人替班"), t.replaced),
        Count(reception, tr("接待选民"), t.visits_received),
        Count(reception, tr("提出交办"), t.referrals_raised),
        Count(reception, tr("交办办结"), t.referrals_solved),
        Count(reception, tr("评价满意"), t.referrals_satisfied),
        Count(suggestion, tr("提出建议"), t.suggestions_made),
        Count(suggestion, tr("建议已答复"), t.suggestions_answered),
    ]
    found += [Count(activity, ActivityKind.label_of(kind), t.activities.get(kind, 0)) for kind in record.kinds]
    found.append(Count(activity, tr("培训合格"), t.trainings_passed))
    if record.score is not None:
        found.append(Count(tr("积分"), tr("履职积分"), points.points_text(record.score.total)))
    return found


# --- Words -------------------------------------------------------------------------------------


def period_text(start: dt.date, end: dt.date) -> str:
    """"2026年1月1日至2026年12月2日"."""
    return tr("{start}至{end}", start=_chinese_day(start), end=_chinese_day(end))


def _chinese_day(day: dt.date) -> str:
    return tr("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day)


def record_title() -> str:
    return tr("人大代表履职档案")


def file_title(person: Person, start: dt.date, end: dt.date) -> str:
    """"履职档案_王秀兰_2026-01-01至2026-12-02"."""
    return tr("履职档案_{name}_{start}至{end}", name=person.name, start=start.isoformat(), end=end.isoformat())


def whole_months(start: dt.date, end: dt.date) -> list[Month] | None:
    """The months from ``start`` to ``end`` when the period is whole months (1st to a last day), else None."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return None
    months, month = [], Month.of(start)
    while month.first <= end:
        months.append(month)
        month = month.next()
    return months


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start is None or end is None:
        raise ValidationFailed({"period": tr("请填写起止日期")})
    if start > end:
        raise ValidationFailed({"period": tr("起始日期 {start} 晚于截止日期 {end}", start=start.isoformat(),
                                             end=end.isoformat())})


def _phone_tail(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-4:]


def _person(rep: Representative) -> Person:
    return Person(rep.id, rep.name, rep.gender or "", rep.kind, rep.level,
                  rep.delegation.name if rep.delegation else "", rep.group.name if rep.group else "",
                  rep.station.name if rep.station else "", rep.work_unit or "", rep.term or "",
                  _phone_tail(rep.phone), bool(rep.active), rep.is_voided, rep.void_reason or "")


def gender_text(gender: str) -> str:
    return Gender.label_of(gender)


def level_text(level: str) -> str:
    return Level.label_of(level)


# --- Finding the representative -----------------------------------------------------------------


def _find(session: Session, key: str) -> Representative:
    """The representative ``key`` names: an id (or a unique id prefix of 6 or more characters), or a name.
    A name that fits several people is refused, listing them so the clerk can pick one by its id."""
    key = (key or "").strip()
    if not key:
        raise ValidationFailed({"rep": tr("请填写代表的姓名或编号")})
    rep = session.get(Representative, key)
    if rep is not None:
        return rep
    if len(key) >= 6:
        found = session.scalars(select(Representative).where(Representative.id.like(f"{key}%"))).all()
        if len(found) == 1:
            return found[0]
    named = list(session.scalars(select(Representative).where(
        or_(Representative.name == key, Representative.name == normalize_name(key)))).unique())
    if not named:
        raise NotFound(tr("找不到代表：{key}（请填写姓名或编号）", key=key))
    if len(named) == 1:
        return named[0]
    named.sort(key=lambda r: (r.is_voided, r.delegation.name if r.delegation else "", r.id))
    people = "；".join(_who(rep) for rep in named)
    raise ValidationFailed({"rep": tr("有 {n} 位代表叫“{name}”，请用编号指定其中一位：{people}", n=len(named), name=key,
                                      people=people)})


def _who(rep: Representative) -> str:
    """"王秀兰（城关镇代表团，尾号0985，编号 3f2a9c1e）"."""
    parts = [rep.delegation.name if rep.delegation else tr("无代表团")]
    tail = _phone_tail(rep.phone)
    if tail:
        parts.append(tr("尾号{tail}", tail=tail))
    if rep.is_voided:
        parts.append(tr("已作废"))
    elif not rep.active:
        parts.append(tr("已离任"))
    parts.append(tr("编号 {id}", id=rep.id[:8]))
    return f"{rep.name}（{'，'.join(parts)}）"


def find(ctx: ServiceContext, key: str) -> Person:
    """The representative named by id or name (see ``_find``)."""
    with ctx.read() as session:
        return _person(_find(session, key))


@dataclass(frozen=True)
class Choice:
    """A representative as the tab's list offers them."""

    id: str
    name: str
    delegation: str
    station: str
    phone_tail: str
    state: str
    #: lower-case name, pinyin, delegation, station and phone tail: what typing searches
    search: str


def people(ctx: ServiceContext, include_voided: bool = False) -> list[Choice]:
    """Every representative (in office first, then those who left; the voided too when asked), by pinyin."""
    with ctx.read() as session:
        query = select(Representative)
        if not include_voided:
            query = query.where(Representative.voided_at.is_(None))
        reps = sorted(session.scalars(query).unique(),
                      key=lambda r: (r.is_voided, not r.active, r.pinyin or pinyin_key(r.name), r.name))
        out = []
        for rep in reps:
            person = _person(rep)
            out.append(Choice(rep.id, rep.name, person.delegation, person.station, person.phone_tail, person.state,
                              " ".join((rep.name, rep.pinyin or pinyin_key(rep.name), person.delegation,
                                        person.station, person.phone_tail)).lower()))
        return out


# --- The record --------------------------------------------------------------------------------


def _kinds(session: Session, found: Counter | None = None) -> list[str]:
    """The activity kinds a record counts: the standard ones, the station's own, then any other found."""
    kinds = list(ActivityKind.values())
    for kind in settings_service._load(session).extra_activity_kinds:
        if kind not in kinds:
            kinds.append(kind)
    for kind in sorted(found or ()):
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def _turns(session: Session, rep_id: str, start: dt.date, end: dt.date) -> list[DutyTurn]:
    rows = session.execute(
        select(DutySlot.day, DutySlot.slot_name, DutyAssignment.attendance, DutyAssignment.source)
        .join(DutySlot, DutyAssignment.slot_id == DutySlot.id).join(DutyPlan, DutySlot.plan_id == DutyPlan.id)
        .where(DutyAssignment.representative_id == rep_id, DutySlot.day >= start, DutySlot.day <= end,
               DutyAssignment.voided_at.is_(None), DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None))
        .order_by(DutySlot.day, DutySlot.slot_name)).all()
    slot_order = {name: n for n, name in enumerate(SlotName.values())}
    turns = [DutyTurn(day, slot, mark, source == AssignmentSource.STAND_IN) for day, slot, mark, source in rows]
    return sorted(turns, key=lambda t: (t.day, slot_order.get(t.slot, 9)))


def short_issue(text: str, limit: int = ISSUE_CHARS) -> str:
    """The issue on one line, cut with "…" past ``limit`` characters."""
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _visits(session: Session, rep_id: str, start: dt.date, end: dt.date) -> list[VisitLine]:
    rows = session.execute(
        select(Visit.visited_at, Visit.category, Visit.content, Visit.outcome)
        .join(VisitRepresentative, VisitRepresentative.visit_id == Visit.id)
        .where(VisitRepresentative.representative_id == rep_id, VisitRepresentative.voided_at.is_(None),
               Visit.voided_at.is_(None), Visit.visited_at >= dt.datetime.combine(start, dt.time()),
               Visit.visited_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
        .order_by(Visit.visited_at)).all()
    return [VisitLine(at.date(), category or "", short_issue(content), outcome or "") for at, category, content, outcome
            in rows]


def _activities(session: Session, rep_id: str, start: dt.date, end: dt.date) -> list[ActivityLine]:
    rows = session.execute(
        select(Activity.day, Activity.kind, Activity.theme, ActivityParticipant.passed)
        .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
        .where(ActivityParticipant.representative_id == rep_id, ActivityParticipant.voided_at.is_(None),
               ActivityParticipant.present.is_(True), Activity.voided_at.is_(None), Activity.day >= start,
               Activity.day <= end)
        .order_by(Activity.day, Activity.created_at)).all()
    return [ActivityLine(day, kind, theme or "", passed if kind == ActivityKind.TRAINING else None)
            for day, kind, theme, passed in rows]


def _suggestions(session: Session, rep_id: str, start: dt.date, end: dt.date) -> list[SuggestionLine]:
    rows = session.execute(
        select(Suggestion.number, Suggestion.title, Suggestion.state, Suggestion.opened_on)
        .join(SuggestionRepresentative, SuggestionRepresentative.suggestion_id == Suggestion.id)
        .where(SuggestionRepresentative.representative_id == rep_id, SuggestionRepresentative.voided_at.is_(None),
               Suggestion.voided_at.is_(None), Suggestion.opened_on >= start, Suggestion.opened_on <= end)
        .order_by(Suggestion.opened_on, Suggestion.year, Suggestion.seq)).all()
    return [SuggestionLine(number or "", title or "", state, opened_on) for number, title, state, opened_on in rows]


def suggestion_state_text(state: str) -> str:
    return SuggestionState.label_of(state)


def record(ctx: ServiceContext, rep_id: str, start: dt.date, end: dt.date) -> RepresentativeRecord:
    """The record of the representative ``rep_id`` (an id or a name) from ``start`` to ``end``, both included.
    A voided representative's record can be read too: the person says so (``Person.state``)."""
    check_period(start, end)
    with ctx.read() as session:
        rep = _find(session, rep_id)
        tally = performance._tally(session, start, end, [rep.id]).get(rep.id, Tally())
        months = whole_months(start, end)
        score = None
        if months is not None:
            score = points._scores(session, months, [rep.id]).get(rep.id, points.EMPTY_SCORE)
        return RepresentativeRecord(
            _person(rep), start, end, tally, _kinds(session, tally.activities), score,
            _turns(session, rep.id, start, end), _visits(session, rep.id, start, end),
            _activities(session, rep.id, start, end), _suggestions(session, rep.id, start, end))


# --- All representatives -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """One representative's line of the export of all."""

    person: Person
    tally: Tally
    score: Score | None


@dataclass(frozen=True)
class Records:
    """Every representative's counts for a period, and the activity kinds to give a column each."""

    start: dt.date
    end: dt.date
    kinds: list[str]
    rows: list[RecordRow]


def _records(session: Session, start: dt.date, end: dt.date, station_id: str | None = None,
             rep_ids: list[str] | None = None, scored: bool = True) -> Records:
    """Every representative's counts over the period; with ``scored``, their points too (whole months only)."""
    query = select(Representative)
    if station_id:
        query = query.where(Representative.station_id == station_id)
    if rep_ids is not None:
        query = query.where(Representative.id.in_(rep_ids))
    reps = list(session.scalars(query).unique())
    ids = [r.id for r in reps] if (station_id or rep_ids is not None) else None
    tallies = performance._tally(session, start, end, ids)
    months = whole_months(start, end)
    scores = points._scores(session, months, ids) if months is not None and scored else None
    # the voided are listed only when they did something in the period; everyone else is, with nothing or not
    reps = [r for r in reps if not r.is_voided or r.id in tallies or rep_ids is not None]
    reps.sort(key=lambda r: (pinyin_key(r.station.name) if r.station else "~", r.delegation.name if r.delegation else "~",
                             r.pinyin or pinyin_key(r.name), r.name, r.id))
    found: Counter = Counter()
    for t in tallies.values():
        found.update(t.activities)
    rows = [RecordRow(_person(r), tallies.get(r.id, Tally()),
                      scores.get(r.id, points.EMPTY_SCORE) if scores is not None else None) for r in reps]
    return Records(start, end, _kinds(session, found), rows)


def records(ctx: ServiceContext, start: dt.date, end: dt.date, station_id: str | None = None) -> Records:
    """Every representative (of ``station_id``) with their counts from ``start`` to ``end``, those with nothing
    too; a voided one only when they did something in the period."""
    check_period(start, end)
    with ctx.read() as session:
        return _records(session, start, end, station_id)


def _check_suffix(path: Path, suffix: str, what: str) -> None:
    if path.suffix.lower() != suffix:
        raise StationError(tr("{what}只能保存为 {suffix} 文件：{path}", what=what, suffix=suffix, path=path))


def export_records(ctx: ServiceContext, path: Path | str, start: dt.date, end: dt.date, station_id: str | None = None,
                   rep_id: str | None = None) -> Records:
    """The records of all representatives (or of the one ``rep_id`` names) to an Excel workbook: a title row,
    a frozen header, one row per representative with a column per count and per activity kind, a totals row.
    Returns what was written."""
    path = Path(path)
    _check_suffix(path, ".xlsx", tr("履职档案汇总"))
    check_period(start, end)
    with ctx.read() as session:
        only = [_find(session, rep_id).id] if rep_id else None
        found = _records(session, start, end, station_id, only)
    _write_records(path, found)
    return found


def _write_records(path: Path, found: Records) -> None:
    from station_app.io.excel_write import Column, SheetSpec, write_workbook

    columns = [Column("n", tr("序号"), 6, "int"), Column("name", tr("姓名"), 10), Column("gender", tr("性别"), 5),
               Column("level", tr("级别"), 6), Column("delegation", tr("代表团"), 16), Column("station", tr("联络站"), 22),
               Column("state", tr("状态"), 7)]
    numbers = [("duty_scheduled", tr("应值班")), ("duty_attended", tr("出勤")), ("duty_absent", tr("缺勤")),
               ("duty_leave", tr("请假")), ("stood_in", tr("替他人值班")), ("replaced", tr("由他人替班")),
               ("visits_received", tr("接待选民")), ("referrals_raised", tr("提出交办")),
               ("referrals_solved", tr("交办办结")), ("referrals_satisfied", tr("评价满意")),
               ("suggestions_made", tr("提出建议")), ("suggestions_answered", tr("建议已答复"))]
    columns += [Column(key, header, 8, "int") for key, header in numbers]
    columns += [Column(f"kind{n}", ActivityKind.label_of(kind), 9, "int") for n, kind in enumerate(found.kinds)]
    columns += [Column("activity_total", tr("活动合计"), 8, "int"), Column("trainings_passed", tr("培训合格"), 8, "int")]
    scored = any(row.score is not None for row in found.rows)
    if scored:
        columns.append(Column("points", tr("履职积分"), 9, "number"))

    def line(n: int, row: RecordRow) -> dict[str, object]:
        p, t = row.person, row.tally
        out: dict[str, object] = {"n": n, "name": p.name, "gender": gender_text(p.gender), "level": level_text(p.level),
                                  "delegation": p.delegation, "station": p.station, "state": p.state,
                                  "activity_total": t.activity_total, "trainings_passed": t.trainings_passed}
        out.update({key: getattr(t, key) for key, _header in numbers})
        out.update({f"kind{i}": t.activities.get(kind, 0) for i, kind in enumerate(found.kinds)})
        if row.score is not None:
            out["points"] = row.score.total
        return out

    totals: dict[str, object] = {"name": tr("合计"), "delegation": tr("{n} 人", n=len(found.rows))}
    totals.update({key: sum(getattr(r.tally, key) for r in found.rows) for key, _header in numbers})
    totals.update({f"kind{i}": sum(r.tally.activities.get(kind, 0) for r in found.rows)
                   for i, kind in enumerate(found.kinds)})
    totals["activity_total"] = sum(r.tally.activity_total for r in found.rows)
    totals["trainings_passed"] = sum(r.tally.trainings_passed for r in found.rows)
    if scored:
        totals["points"] = sum((r.score.total for r in found.rows if r.score is not None), points.ZERO)
    heading = tr("人大代表履职情况汇总（{period}）", period=period_text(found.start, found.end))
    note = tr("每项按发生之日计入：值班按值班日，接待和由此提出的交办按接待日，建议按提出日，活动按活动日。")
    if scored:
        note += tr("履职积分按各月施行的积分规则计算。")
    write_workbook(path, [SheetSpec(tr("履职档案"), columns, (line(n, r) for n, r in enumerate(found.rows, start=1)),
                                    heading=heading, subheading=note, totals=[totals], landscape=True)])


def print_record(ctx: ServiceContext, rep_id: str, start: dt.date, end: dt.date, path: Path | str,
                 today: dt.date | None = None) -> RepresentativeRecord:
    """The A4 archive page of the representative ``rep_id`` (id or name) to ``path`` (a PDF). Returns the record."""
    path = Path(path)
    _check_suffix(path, ".pdf", tr("履职档案"))
    found = record(ctx, rep_id, start, end)
    from station_app.io.record_pdf import write_record

    write_record(path, found, today or dt.date.today())
    return found
