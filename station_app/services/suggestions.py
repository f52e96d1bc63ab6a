"""代表建议 — suggestions: opened from a visit (转为代表建议) or entered directly, routed, answered, rated.

States and the only steps allowed between them (``NEXT_STEPS``), the same in the window and on the
command line:

    待研判 ─交付 (乡镇)→ 已交付 ──────────────────────答复→ 已答复 ─评价→ 已评价
           └报送 (县级)→ 已报送 ─发交办函 (state stays)─答复┘

Each step carries the day it happened, as typed, and is refused when that day is before the step
it follows (or after today). Every step is a ``SuggestionEvent`` naming the operator. Numbers
follow ``settings.suggestion_number`` with a sequence per station and year that is never reused,
even when a suggestion is voided.

Deadlines (the seeds, each settable): a township matter is handed over within
``suggestion_township_days`` calendar days of being opened; a county matter is reported within
``suggestion_report_working_days`` working days (the work calendar's holidays skipped, 调休 days
counted), its 交办函 sent within ``suggestion_letter_days`` days of the report, and the answer due
``suggestion_answer_months`` months after the letter (after the handover for a township matter),
moved past a day off as a referral's deadline is. A suggestion still 待研判 runs against the deadline
of the scope it was opened with (乡镇 unless said otherwise).

The session-level helpers (``_open_suggestion``, ``_route``, ``_send_letter``, ``_answer``,
``_rate``, ``_void``, ``_release_visit``) are for services that already hold the transaction: a
visit opens its suggestion inside its own write, and the demo builds a year of history in one.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from station_app.db.models import (
    Representative,
    Suggestion,
    SuggestionEvent,
    SuggestionRepresentative,
    Visit,
)
from station_app.i18n import chinese_date, tr
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.referrals import deadline_after
from station_app.services.settings import DeadlineRule, StationSettings
from station_app.services.voiding import mark_void
from station_app.services.work_calendar import WorkCalendar
from station_app.vocab import DeadlineUnit, Satisfaction, SuggestionScope, SuggestionState, SuggestionStep

#: step → (the states it may start from, the state it leads to; None = stays)
MOVES: dict[SuggestionStep, tuple[tuple[SuggestionState, ...], SuggestionState | None]] = {
    SuggestionStep.HAND_OVER: ((SuggestionState.PENDING,), SuggestionState.HANDED_OVER),
    SuggestionStep.REPORT: ((SuggestionState.PENDING,), SuggestionState.REPORTED),
    SuggestionStep.LETTER: ((SuggestionState.REPORTED,), None),
    SuggestionStep.ANSWER: ((SuggestionState.HANDED_OVER, SuggestionState.REPORTED), SuggestionState.ANSWERED),
    SuggestionStep.RATE: ((SuggestionState.ANSWERED,), SuggestionState.RATED),
}
#: the longest title a suggestion keeps (the column's size); a visit's text is cut there
TITLE_MAX = 200
TITLE_FROM_VISIT = 40
#: the stops a title does not end with (it is quoted in the 交办函's sentence)
TRAILING = "。．.，,；;：:、 "
DUE_SOON_DAYS = 3


# --- Numbers and finding ---------------------------------------------------------------------


def _next_seq(session: Session, station_id: str | None, year: int) -> int:
    # Voided suggestions count too: a number once given is never given again.
    current = session.scalar(select(func.max(Suggestion.seq)).where(
        Suggestion.year == year,
        Suggestion.station_id.is_(None) if station_id is None else Suggestion.station_id == station_id))
    return (current or 0) + 1


def _find(session: Session, key: str) -> Suggestion:
    """The suggestion ``key`` names: its id, or its number as printed (东监建〔2026〕3号)."""
    key = (key or "").strip()
    suggestion = session.get(Suggestion, key) if key else None
    if suggestion is None and key:
        suggestion = session.scalars(select(Suggestion).where(Suggestion.number == key).order_by(
            Suggestion.voided_at.is_not(None))).first()
    if suggestion is None:
        raise NotFound(tr("找不到代表建议：{key}", key=key))
    return suggestion


def next_steps(suggestion: Suggestion) -> list[SuggestionStep]:
    """The steps its state allows now: 交付 or 报送 by its scope while 待研判 (the routing may change the
    scope), 发交办函 once reported, 答复 once handed over or the letter sent, 评价 once answered."""
    if suggestion.is_voided:
        return []
    state = suggestion.state
    if state == SuggestionState.PENDING:
        return [SuggestionStep.HAND_OVER, SuggestionStep.REPORT]
    if state == SuggestionState.REPORTED:
        return [SuggestionStep.ANSWER] if suggestion.letter_on else [SuggestionStep.LETTER]
    if state == SuggestionState.HANDED_OVER:
        return [SuggestionStep.ANSWER]
    if state == SuggestionState.ANSWERED:
        return [SuggestionStep.RATE]
    return []


# --- History ---------------------------------------------------------------------------------


def _events(session: Session, suggestion: Suggestion) -> list[SuggestionEvent]:
    return list(session.scalars(select(SuggestionEvent).where(SuggestionEvent.suggestion_id == suggestion.id)
                                .order_by(SuggestionEvent.day, SuggestionEvent.created_at)))


def _last_day(suggestion: Suggestion) -> tuple[dt.date, SuggestionStep]:
    """The day of the step a new one follows, and that step."""
    for day, step in ((suggestion.rated_on, SuggestionStep.RATE), (suggestion.answered_on, SuggestionStep.ANSWER),
                      (suggestion.letter_on, SuggestionStep.LETTER)):
        if day is not None:
            return day, step
    if suggestion.routed_on is not None:
        scope = SuggestionStep.REPORT if suggestion.scope == SuggestionScope.COUNTY else SuggestionStep.HAND_OVER
        return suggestion.routed_on, scope
    return suggestion.opened_on, SuggestionStep.OPEN


def _record(session: Session, suggestion: Suggestion, step: SuggestionStep, before: str, day: dt.date,
            note: str = "", *, by_whom: str = "") -> None:
    session.add(SuggestionEvent(suggestion_id=suggestion.id, step=step, from_state=before, to_state=suggestion.state,
                                day=day, by_whom=by_whom, note=note))


def _move(session: Session, suggestion: Suggestion, step: SuggestionStep, day: dt.date, note: str = "", *,
          by_whom: str = "", field: str = "date", today: dt.date | None = None) -> None:
    """Make ``step`` on ``day`` if it is a legal next step, on or after the day of the step before."""
    if suggestion.is_voided:
        raise StationError(tr("代表建议 {number} 已作废", number=suggestion.number))
    if step not in next_steps(suggestion):
        allowed = "、".join(s.label for s in next_steps(suggestion)) or tr("无")
        raise StationError(tr("代表建议 {number} 当前为“{state}”，不能{step}（下一步只能是：{allowed}）",
                              number=suggestion.number, state=SuggestionState.label_of(suggestion.state),
                              step=step.label, allowed=allowed))
    if not isinstance(day, dt.date):
        raise ValidationFailed({field: tr("请填写日期")})
    last, last_step = _last_day(suggestion)
    if day < last:
        raise ValidationFailed({field: tr("日期不能早于上一步（{date}{step}）", date=chinese_date(last),
                                          step=last_step.label)})
    if today is not None and day > today:
        raise ValidationFailed({field: tr("日期 {date} 还没有到", date=chinese_date(day))})
    before = suggestion.state
    target = MOVES[step][1]
    if target is not None:
        suggestion.state = target
    _record(session, suggestion, step, before, day, note, by_whom=by_whom)


# --- Opening ---------------------------------------------------------------------------------


def _title_from(text: str) -> str:
    """A title from a visit's text: its first line without its closing stop, cut short with "…"."""
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "").rstrip(TRAILING)
    return line if len(line) <= TITLE_FROM_VISIT else line[:TITLE_FROM_VISIT - 1] + "…"


def _open_suggestion(session: Session, *, station_id: str | None, opened_on: dt.date, title: str, content: str,
                     rep_ids: Sequence[str], visit_id: str | None = None, recorded_by: str,
                     settings: StationSettings, scope: str = SuggestionScope.TOWNSHIP) -> Suggestion:
    """提出 — inside the caller's transaction: a new number of ``opened_on``'s year at ``station_id``, the
    representatives who made it, and the first line of its history. ``scope`` is where it is expected to
    go (its deadline runs by it until it is routed)."""
    errors: dict[str, str] = {}
    title, content = (title or "").strip(), (content or "").strip()
    rep_ids = list(dict.fromkeys(rep_ids))
    if not title:
        errors["title"] = tr("请填写建议标题")
    elif len(title) > TITLE_MAX:
        errors["title"] = tr("建议标题不能超过 {n} 个字", n=TITLE_MAX)
    if not rep_ids:
        errors["representatives"] = tr("请选择提出建议的代表")
    if SuggestionScope.parse(scope) is None:
        errors["scope"] = tr("范围应为：{choices}", choices="、".join(s.label for s in SuggestionScope))
    if not isinstance(opened_on, dt.date):
        errors["opened_on"] = tr("请填写提出日期")
    if errors:
        raise ValidationFailed(errors)
    known = set(session.scalars(select(Representative.id).where(Representative.id.in_(rep_ids))))
    if missing := [i for i in rep_ids if i not in known]:
        raise ValidationFailed({"representatives": tr("找不到代表：{ids}", ids="、".join(missing))})
    seq = _next_seq(session, station_id, opened_on.year)
    suggestion = Suggestion(station_id=station_id, visit_id=visit_id, number=settings.suggestion_number(
        opened_on.year, seq), year=opened_on.year, seq=seq, title=title, content=content,
        scope=SuggestionScope.parse(scope).value, state=SuggestionState.PENDING, opened_on=opened_on,
        recorded_by=recorded_by)
    session.add(suggestion)
    session.flush()
    session.add_all(SuggestionRepresentative(suggestion_id=suggestion.id, representative_id=rep_id)
                    for rep_id in rep_ids)
    _record(session, suggestion, SuggestionStep.OPEN, "", opened_on, by_whom=recorded_by)
    return suggestion


def _open_from_visit(session: Session, visit: Visit, rep_ids: Sequence[str], settings: StationSettings,
                     recorded_by: str) -> Suggestion:
    """转为代表建议 — the visit's suggestion: its receiving representatives, its text as title and content."""
    return _open_suggestion(session, station_id=visit.station_id, opened_on=visit.visited_at.date(),
                            title=_title_from(visit.content), content=visit.content, rep_ids=rep_ids,
                            visit_id=visit.id, recorded_by=recorded_by, settings=settings)


def open_suggestion(ctx: ServiceContext, *, opened_on: dt.date, title: str, content: str, rep_ids: Sequence[str],
                    scope: str = SuggestionScope.TOWNSHIP, today: dt.date | None = None) -> str:
    """A suggestion entered directly (not from a visit), at this station. Returns its id."""
    if isinstance(opened_on, dt.date) and opened_on > (today or dt.date.today()):
        raise ValidationFailed({"opened_on": tr("日期 {date} 还没有到", date=chinese_date(opened_on))})
    with ctx.write() as session:
        suggestion = _open_suggestion(session, station_id=ctx.station_id, opened_on=opened_on, title=title,
                                      content=content, rep_ids=rep_ids, recorded_by=ctx.operator.name,
                                      settings=settings_service.read(ctx), scope=scope)
        return suggestion.id


# --- Steps -----------------------------------------------------------------------------------


def _route(session: Session, suggestion: Suggestion, scope: str, unit_name: str, routed_on: dt.date, *,
           by_whom: str = "", today: dt.date | None = None) -> None:
    """研判 — 乡镇: handed over to ``unit_name`` (已交付); 县级: reported to the county (已报送), on ``routed_on``."""
    chosen = SuggestionScope.parse(scope)
    unit_name = (unit_name or "").strip()
    errors = {}
    if chosen is None:
        errors["scope"] = tr("范围应为：{choices}", choices="、".join(s.label for s in SuggestionScope))
    if not unit_name:
        errors["unit"] = tr("请填写承办单位")
    if errors:
        raise ValidationFailed(errors)
    step = SuggestionStep.REPORT if chosen == SuggestionScope.COUNTY else SuggestionStep.HAND_OVER
    _move(session, suggestion, step, routed_on, unit_name, by_whom=by_whom, field="routed_on", today=today)
    suggestion.scope, suggestion.unit_name, suggestion.routed_on = chosen.value, unit_name, routed_on


def _send_letter(session: Session, suggestion: Suggestion, letter_on: dt.date, *, by_whom: str = "",
                 today: dt.date | None = None) -> None:
    """发交办函 — a county suggestion, once reported: the 交办函 went out on ``letter_on``."""
    _move(session, suggestion, SuggestionStep.LETTER, letter_on, suggestion.unit_name, by_whom=by_whom,
          field="letter_on", today=today)
    suggestion.letter_on = letter_on


def _answer(session: Session, suggestion: Suggestion, answered_on: dt.date, text: str, *, by_whom: str = "",
            today: dt.date | None = None) -> None:
    """答复 — the unit's answer, received on ``answered_on``."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({"answer": tr("请填写答复内容")})
    _move(session, suggestion, SuggestionStep.ANSWER, answered_on, by_whom=by_whom, field="answered_on", today=today)
    suggestion.answered_on, suggestion.answer = answered_on, text


def _rate(session: Session, suggestion: Suggestion, rated_on: dt.date, rating: str, *, by_whom: str = "",
          today: dt.date | None = None) -> None:
    """评价 — the representatives' rating of the answer (a ``Satisfaction``), on ``rated_on``."""
    chosen = Satisfaction.parse(rating)
    if chosen is None:
        raise ValidationFailed({"rating": tr("评价应为：{choices}", choices="、".join(s.label for s in Satisfaction))})
    _move(session, suggestion, SuggestionStep.RATE, rated_on, chosen.value, by_whom=by_whom, field="rated_on",
          today=today)
    suggestion.rated_on, suggestion.rating = rated_on, chosen.value


def _void(session: Session, suggestion: Suggestion, reason: str, *, by_whom: str = "",
          day: dt.date | None = None) -> None:
    """作废 — kept with its number (never reused), the reason in its history."""
    before = suggestion.state
    mark_void(suggestion, reason, by_whom, record_id=suggestion.id)
    _record(session, suggestion, SuggestionStep.VOID, before, max(day or dt.date.today(), _last_day(suggestion)[0]),
            reason.strip(), by_whom=by_whom)


def _visit_label(visit: Visit) -> str:
    return tr("{date} {citizen} 的接待登记", date=chinese_date(visit.visited_at),
              citizen=visit.citizen_name or tr("匿名"))


def _release_visit(session: Session, visit: Visit, why: str, *, by_whom: str = "") -> list[str]:
    """A visit is voided (or no longer 转为代表建议): its suggestions still 待研判 are voided with a reason
    naming the visit. One already routed is not voided behind anyone's back: ``StationError``, nothing
    changed. Returns the numbers voided."""
    own = list(session.scalars(select(Suggestion).where(Suggestion.visit_id == visit.id,
                                                        Suggestion.voided_at.is_(None)).order_by(Suggestion.seq)))
    routed = [s for s in own if s.state != SuggestionState.PENDING]
    if routed:
        raise StationError(tr("这次接待转成的代表建议 {numbers} 已在办理中（{state}），请先在“代表建议”中处理",
                              numbers="、".join(s.number for s in routed),
                              state="、".join(SuggestionState.label_of(s.state) for s in routed)))
    for suggestion in own:
        _void(session, suggestion, tr("{visit}{why}", visit=_visit_label(visit), why=why), by_whom=by_whom)
    return [s.number for s in own]


def route(ctx: ServiceContext, key: str, scope: str, unit_name: str, routed_on: dt.date,
          today: dt.date | None = None) -> None:
    """研判交付 (乡镇) or 报送 (县级), on the day typed."""
    with ctx.write() as session:
        _route(session, _find(session, key), scope, unit_name, routed_on, by_whom=ctx.operator.name,
               today=today or dt.date.today())


def send_letter(ctx: ServiceContext, key: str, letter_on: dt.date, today: dt.date | None = None) -> None:
    """发交办函 (county suggestions, once reported), on the day typed."""
    with ctx.write() as session:
        _send_letter(session, _find(session, key), letter_on, by_whom=ctx.operator.name,
                     today=today or dt.date.today())


def answer(ctx: ServiceContext, key: str, answered_on: dt.date, text: str, today: dt.date | None = None) -> None:
    """登记答复, on the day typed."""
    with ctx.write() as session:
        _answer(session, _find(session, key), answered_on, text, by_whom=ctx.operator.name,
                today=today or dt.date.today())


def rate(ctx: ServiceContext, key: str, rated_on: dt.date, rating: str, today: dt.date | None = None) -> None:
    """代表评价 of the answer, on the day typed."""
    with ctx.write() as session:
        _rate(session, _find(session, key), rated_on, rating, by_whom=ctx.operator.name,
              today=today or dt.date.today())


def void(ctx: ServiceContext, key: str, reason: str) -> None:
    """作废 — kept with its number and the reason. Administrators only."""
    if not (reason or "").strip():
        raise ValidationFailed({"reason": tr("作废必须填写原因")})
    with ctx.write(admin_only=True) as session:
        suggestion = _find(session, key)
        if suggestion.is_voided:
            raise StationError(tr("代表建议 {number} 已作废", number=suggestion.number))
        _void(session, suggestion, reason, by_whom=ctx.operator.name)


# --- Deadlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """One step with a deadline: when it was due, when it was done (None = not yet), and how many calendar
    days late it was done, or is now (0 = on time; None while a step before it is still open)."""

    step: SuggestionStep
    due: dt.date | None
    done_on: dt.date | None
    days_late: int | None

    @property
    def overdue(self) -> bool:
        """Not done, and past its day."""
        return self.done_on is None and bool(self.days_late)


def _deadline_rows(suggestion: Suggestion, settings: StationSettings, work: WorkCalendar,
                   today: dt.date) -> list[DeadlineRow]:
    def row(step: SuggestionStep, due: dt.date | None, done: dt.date | None) -> DeadlineRow:
        if due is None:
            return DeadlineRow(step, None, done, None)
        return DeadlineRow(step, due, done, max(0, ((done or today) - due).days))

    answer_rule = DeadlineRule(settings.suggestion_answer_months, DeadlineUnit.MONTHS)
    if suggestion.scope == SuggestionScope.COUNTY:
        reported_by = work.add_working_days(suggestion.opened_on, settings.suggestion_report_working_days)
        reported = suggestion.routed_on
        letter_by = reported + dt.timedelta(days=settings.suggestion_letter_days) if reported else None
        answer_by = deadline_after(work, suggestion.letter_on, answer_rule) if suggestion.letter_on else None
        rows = [row(SuggestionStep.REPORT, reported_by, reported),
                row(SuggestionStep.LETTER, letter_by, suggestion.letter_on)]
    else:
        handed_by = suggestion.opened_on + dt.timedelta(days=settings.suggestion_township_days)
        answer_by = deadline_after(work, suggestion.routed_on, answer_rule) if suggestion.routed_on else None
        rows = [row(SuggestionStep.HAND_OVER, handed_by, suggestion.routed_on)]
    return rows + [row(SuggestionStep.ANSWER, answer_by, suggestion.answered_on)]


def _pending_row(rows: list[DeadlineRow], suggestion: Suggestion) -> DeadlineRow | None:
    """The step the station (or the unit) owes now, if any has a deadline."""
    if suggestion.is_voided:
        return None
    return next((r for r in rows if r.done_on is None and r.due is not None), None)


def deadlines(ctx: ServiceContext, key: str, today: dt.date | None = None) -> list[DeadlineRow]:
    """Each deadline of a suggestion's scope, with the day its step was done and how late."""
    with ctx.read() as session:
        return _deadline_rows(_find(session, key), settings_service.read(ctx), WorkCalendar.load(session),
                              today or dt.date.today())


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRow:
    id: str
    number: str
    opened_on: dt.date
    title: str
    representatives: str
    scope: str
    unit: str
    state: str
    voided: bool
    #: the step owed now and its day (None when nothing is owed: answered, rated or voided)
    next_step: SuggestionStep | None = None
    due: dt.date | None = None
    #: calendar days past ``due`` (0 = not late)
    days_late: int = 0
    rating: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    def days_left(self, today: dt.date) -> int | None:
        return None if self.due is None else (self.due - today).days


def _rep_names(session: Session, ids: Iterable[str]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = defaultdict(list)
    ids = list(ids)
    for start in range(0, len(ids), 500):
        for suggestion_id, name in session.execute(
                select(SuggestionRepresentative.suggestion_id, Representative.name)
                .join(Representative, SuggestionRepresentative.representative_id == Representative.id)
                .where(SuggestionRepresentative.suggestion_id.in_(ids[start:start + 500]),
                       SuggestionRepresentative.voided_at.is_(None))
                .order_by(SuggestionRepresentative.created_at)):
            names[suggestion_id].append(name)
    return names


def _row(suggestion: Suggestion, names: list[str], settings: StationSettings, work: WorkCalendar,
         today: dt.date) -> SuggestionRow:
    pending = _pending_row(_deadline_rows(suggestion, settings, work, today), suggestion)
    return SuggestionRow(suggestion.id, suggestion.number, suggestion.opened_on, suggestion.title, "、".join(names),
                         suggestion.scope, suggestion.unit_name, suggestion.state, suggestion.is_voided,
                         pending.step if pending else None, pending.due if pending else None,
                         pending.days_late or 0 if pending else 0, suggestion.rating)


def list_suggestions(ctx: ServiceContext, state: str | None = None, scope: str | None = None, text: str | None = None,
                     start: dt.date | None = None, end: dt.date | None = None, include_voided: bool = False,
                     today: dt.date | None = None) -> list[SuggestionRow]:
    """The suggestions that pass the filters (opened from ``start`` to ``end``), newest first. ``text``: words
    each of which must be in the number, the title, the content, the unit or a representative's name."""
    today = today or dt.date.today()
    query = select(Suggestion)
    if not include_voided:
        query = query.where(Suggestion.voided_at.is_(None))
    if state:
        query = query.where(Suggestion.state == state)
    if scope:
        query = query.where(Suggestion.scope == scope)
    if start:
        query = query.where(Suggestion.opened_on >= start)
    if end:
        query = query.where(Suggestion.opened_on <= end)
    for word in (text or "").split():
        by_rep = select(SuggestionRepresentative.suggestion_id).join(
            Representative, SuggestionRepresentative.representative_id == Representative.id).where(
            Representative.name.contains(word), SuggestionRepresentative.voided_at.is_(None))
        query = query.where(or_(Suggestion.number.contains(word), Suggestion.title.contains(word),
                                Suggestion.content.contains(word), Suggestion.unit_name.contains(word),
                                Suggestion.id.in_(by_rep)))
    settings = settings_service.read(ctx)
    with ctx.read() as session:
        found = list(session.scalars(query.order_by(Suggestion.opened_on.desc(), Suggestion.year.desc(),
                                                    Suggestion.seq.desc())))
        names = _rep_names(session, [s.id for s in found])
        work = WorkCalendar.load(session)
        return [_row(s, names.get(s.id, []), settings, work, today) for s in found]


def overdue(ctx: ServiceContext, today: dt.date | None = None) -> list[SuggestionRow]:
    """超期代表建议: the ones whose owed step (交付, 报送, 发交办函 or 答复) is past its day, the latest first."""
    rows = [r for r in list_suggestions(ctx, today=today) if r.overdue]
    return sorted(rows, key=lambda r: (-r.days_late, r.number))


@dataclass(frozen=True)
class EventRow:
    day: dt.date
    #: a ``SuggestionStep`` value as stored
    step: str
    from_state: str
    to_state: str
    by_whom: str
    note: str


@dataclass(frozen=True)
class SuggestionDetail:
    row: SuggestionRow
    content: str
    visit_id: str | None
    routed_on: dt.date | None
    letter_on: dt.date | None
    answered_on: dt.date | None
    answer: str
    rated_on: dt.date | None
    recorded_by: str
    void_reason: str
    deadlines: tuple[DeadlineRow, ...]
    events: tuple[EventRow, ...]
    #: the steps its state allows now (none once voided)
    steps: tuple[SuggestionStep, ...]

    @property
    def can_print_letter(self) -> bool:
        return not self.row.voided and self.routed_on is not None


def suggestion_detail(ctx: ServiceContext, key: str, today: dt.date | None = None) -> SuggestionDetail:
    """A suggestion (by id or number) with its deadlines, its history and the steps allowed now."""
    today = today or dt.date.today()
    settings = settings_service.read(ctx)
    with ctx.read() as session:
        s = _find(session, key)
        work = WorkCalendar.load(session)
        rows = _deadline_rows(s, settings, work, today)
        events = tuple(EventRow(e.day, e.step, e.from_state, e.to_state, e.by_whom, e.note)
                       for e in _events(session, s))
        return SuggestionDetail(_row(s, _rep_names(session, [s.id]).get(s.id, []), settings, work, today),
                                s.content, s.visit_id, s.routed_on, s.letter_on, s.answered_on, s.answer, s.rated_on,
                                s.recorded_by, s.void_reason or "", tuple(rows), events, tuple(next_steps(s)))


def suggestions_for_visit(ctx: ServiceContext, visit_id: str) -> list[tuple[str, str, str]]:
    """(id, number, state) of the suggestions a visit opened, voided ones left out."""
    with ctx.read() as session:
        return [tuple(r) for r in session.execute(select(Suggestion.id, Suggestion.number, Suggestion.state).where(
            Suggestion.visit_id == visit_id, Suggestion.voided_at.is_(None)).order_by(Suggestion.seq))]


def history_line(day: dt.date, step: str, note: str) -> str:
    """"2026年3月5日 报送 县人大常委会选联工委"."""
    shown = Satisfaction.label_of(note) if step == SuggestionStep.RATE else note
    return " ".join(part for part in (chinese_date(day), SuggestionStep.label_of(step), shown) if part)


# --- The 交办函 --------------------------------------------------------------------------------


def print_letter(ctx: ServiceContext, key: str, path: Path | str, today: dt.date | None = None) -> int:
    """交办函 of a routed suggestion: its number, representatives, title, content, the unit, the day the
    answer is due, the station and the letter's date (the handover's for a township matter; left to write
    by hand when a county letter is printed before it is sent). Returns the pages."""
    settings = settings_service.read(ctx)
    station = ctx.station.name
    detail = suggestion_detail(ctx, key, today)
    if detail.row.voided:
        raise StationError(tr("代表建议 {number} 已作废", number=detail.row.number))
    if detail.routed_on is None:
        raise StationError(tr("代表建议 {number} 还没有研判交付或报送，没有承办单位，不能打印交办函",
                              number=detail.row.number))
    county = detail.row.scope == SuggestionScope.COUNTY
    letter_on = detail.letter_on if county else detail.routed_on
    answer_by = next((r.due for r in detail.deadlines if r.step == SuggestionStep.ANSWER), None)
    from station_app.io.suggestion_pdf import LetterPrint, write_letter  # the PDF library, when a letter is printed

    return write_letter(Path(path), LetterPrint(
        station=station, number=detail.row.number, representatives=detail.row.representatives,
        title=detail.row.title, content=detail.content, unit=detail.row.unit, scope=detail.row.scope,
        opened_on=detail.row.opened_on, letter_on=letter_on, answer_by=answer_by,
        answer_months=settings.suggestion_answer_months))


# --- The ledger ------------------------------------------------------------------------------


def export_ledger(ctx: ServiceContext, path: Path | str, today: dt.date | None = None) -> int:
    """代表建议台账: one row per suggestion (voided ones left out) — number, the day of each step, the
    representatives, the unit, the state, the rating, and the step overdue now. In Chinese whatever the
    interface language, as every export the county merges. Returns the rows written."""
    rows = {r.id: r for r in list_suggestions(ctx, today=today)}
    station = ctx.station.name
    with ctx.read() as session:
        found = list(session.scalars(select(Suggestion).where(Suggestion.id.in_(list(rows))).order_by(
            Suggestion.year, Suggestion.seq))) if rows else []

    def records() -> Iterable[dict[str, object]]:
        for s in found:
            r = rows[s.id]
            yield {"number": s.number, "opened_on": s.opened_on, "representatives": r.representatives,
                   "title": s.title, "content": s.content, "scope": s.scope, "unit": s.unit_name,
                   "routed_on": s.routed_on, "letter_on": s.letter_on, "answered_on": s.answered_on,
                   "answer": s.answer, "rated_on": s.rated_on, "rating": s.rating, "state": s.state,
                   "overdue": f"{r.next_step.chinese_label}超期{r.days_late}天" if r.overdue else ""}

    columns = [Column("number", "建议编号", 20), Column("opened_on", "提出日期", 13, "date"),
               Column("representatives", "提出代表", 16), Column("title", "建议标题", 30),
               Column("content", "建议内容", 40), Column("scope", "办理层级", 9), Column("unit", "承办单位", 22),
               Column("routed_on", "交付/报送日期", 14, "date"), Column("letter_on", "交办函日期", 13, "date"),
               Column("answered_on", "答复日期", 13, "date"), Column("answer", "答复内容", 36),
               Column("rated_on", "评价日期", 13, "date"), Column("rating", "代表评价", 10),
               Column("state", "状态", 9), Column("overdue", "超期情况", 16)]
    write_workbook(Path(path), [SheetSpec("代表建议台账", columns, records(), heading=f"{station}代表建议台账",
                                          landscape=True)])
    return len(found)
