"""三单闭环 — referrals (交办单), the unit's feedback (反馈单), the follow-up (回访单), deadlines and overdue.

States and the only moves allowed between them (``MOVES``), the same in the window and on the
command line:

    待交办 ─签收→ 已交办 ─反馈→ 已反馈 ─回访→ 已回访 ─办结→ 办结
                    ↑                      │ 不满意: 重办 (rounds + 1, a new deadline)
                    └──────────────────────┘
    待交办/已交办 ─退回→ 退回 ─改派→ 待交办 (another unit)
    待交办/已交办 ─延期→ the same state with a new deadline (a reason is required)

Every move is a ``ReferralEvent`` naming the operator who made it; nothing is overwritten without
a trace. Numbers follow the station's template with a sequence per station and year that is never
reused, even when a referral is voided.

Every public function takes the ``ServiceContext``; a move is one ``ctx.write()``, open to any
operator, and voiding is for administrators. The session-level helpers (``_open_referral``,
``_apply_move``) are for services that already hold the transaction: a visit opens its referral
inside its own write, and the demo builds a year of history in one transaction.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station_app.db.models import (
    Referral,
    ReferralEvent,
    ReferralFeedback,
    ReferralFollowUp,
    Representative,
    Visit,
    VisitRepresentative,
    new_id,
)
from station_app.i18n import tr
from station_app.io.forms_pdf import FORMS, ReferralPrint, write_blank_form, write_forms, write_reminder
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.settings import StationSettings
from station_app.services.voiding import mark_void
from station_app.services.work_calendar import WorkCalendar
from station_app.vocab import FollowUpMethod, ReferralAction, ReferralState, Satisfaction

#: action → (the states it may start from, the state it leads to; None = stays)
MOVES: dict[ReferralAction, tuple[tuple[ReferralState, ...], ReferralState | None]] = {
    ReferralAction.SIGN: ((ReferralState.PENDING,), ReferralState.ISSUED),
    ReferralAction.FEEDBACK: ((ReferralState.ISSUED,), ReferralState.ANSWERED),
    ReferralAction.FOLLOW_UP: ((ReferralState.ANSWERED,), ReferralState.FOLLOWED),
    ReferralAction.REHANDLE: ((ReferralState.FOLLOWED,), ReferralState.ISSUED),
    ReferralAction.CLOSE: ((ReferralState.FOLLOWED,), ReferralState.CLOSED),
    ReferralAction.RETURN: ((ReferralState.PENDING, ReferralState.ISSUED), ReferralState.RETURNED),
    ReferralAction.REASSIGN: ((ReferralState.RETURNED,), ReferralState.PENDING),
    ReferralAction.EXTEND: ((ReferralState.PENDING, ReferralState.ISSUED), None),
}
#: states in which the unit still owes an answer, so the deadline matters
AWAITING_UNIT = (ReferralState.PENDING, ReferralState.ISSUED)
DUE_SOON_DAYS = 3


def _next_seq(session: Session, station_id: str | None, year: int) -> int:
    # Voided referrals count too: a number once given is never given again.
    current = session.scalar(select(func.max(Referral.seq)).where(
        Referral.year == year, Referral.station_id.is_(None) if station_id is None else Referral.station_id == station_id))
    return (current or 0) + 1


def _record_event(session: Session, referral: Referral, action: ReferralAction, from_state: str, note: str = "",
                  at: dt.datetime | None = None, *, by_whom: str = "") -> None:
    session.add(ReferralEvent(referral_id=referral.id, action=action, from_state=from_state, to_state=referral.state,
                              at=at or dt.datetime.now(), by_whom=by_whom, note=note))


def _open_referral(session: Session, visit: Visit, settings: StationSettings, unit: str, requirement: str,
                   issued_on: dt.date, deadline_days: int | None = None, work: WorkCalendar | None = None,
                   at: dt.datetime | None = None, *, by_whom: str = "") -> Referral:
    """交办 — inside the visit's transaction: a new number, the unit, the deadline in working days."""
    work = work or WorkCalendar.load(session)
    days = deadline_days or settings.referral_deadline_days
    seq = _next_seq(session, visit.station_id, issued_on.year)
    referral = Referral(id=new_id(), visit_id=visit.id, station_id=visit.station_id, year=issued_on.year, seq=seq,
                        number=settings.referral_number(issued_on.year, seq), unit_name=unit, requirement=requirement,
                        issued_on=issued_on, deadline=work.add_working_days(issued_on, days),
                        state=ReferralState.PENDING, rounds=1)
    session.add(referral)
    _record_event(session, referral, ReferralAction.ISSUE, "",
                  tr("交 {unit} 办理，期限 {days} 个工作日", unit=unit, days=days), at, by_whom=by_whom)
    return referral


def _find(session: Session, key: str) -> Referral:
    referral = session.get(Referral, key)
    if referral is None:
        referral = session.scalars(select(Referral).where(Referral.number == key.strip())).first()
    if referral is None:
        raise NotFound(tr("找不到交办单：{key}", key=key))
    return referral


def _apply_move(session: Session, referral: Referral, action: ReferralAction, note: str = "",
                at: dt.datetime | None = None, *, by_whom: str = "") -> str:
    """Move ``referral`` by ``action`` if ``MOVES`` allows it from its state, and record the event."""
    action = ReferralAction(action)  # the demo passes the stored words
    if referral.is_voided:
        raise StationError(tr("交办单 {number} 已作废", number=referral.number))
    allowed, target = MOVES[action]
    if referral.state not in allowed:
        raise StationError(tr("交办单 {number} 当前为“{state}”，不能{action}（只有在{allowed}时可以）",
                              number=referral.number, state=ReferralState.label_of(referral.state),
                              action=action.label,
                              allowed="、".join(tr("“{state}”", state=s.label) for s in allowed)))
    before = referral.state
    if target:
        referral.state = target
    _record_event(session, referral, action, before, note, at, by_whom=by_whom)
    return before


def _allowed_actions(state: str) -> list[ReferralAction]:
    return [action for action, (sources, _) in MOVES.items() if state in sources]


def _move(ctx: ServiceContext, session: Session, referral: Referral, action: ReferralAction, note: str = "") -> None:
    """A move made by the context's operator, inside their write."""
    _apply_move(session, referral, action, note, by_whom=ctx.operator.name)


def sign(ctx: ServiceContext, key: str, signed_on: dt.date, signed_by: str = "") -> None:
    """签收 — the unit has received the referral; ``signed_by`` is who signed for the unit."""
    with ctx.write() as session:
        referral = _find(session, key)
        _move(ctx, session, referral, ReferralAction.SIGN,
              tr("{unit} {name} 签收", unit=referral.unit_name, name=signed_by.strip()))
        referral.signed_on, referral.signed_by = signed_on, signed_by.strip()


def record_feedback(ctx: ServiceContext, key: str, handler: str, replied_on: dt.date, result: str,
                    solved: bool) -> str:
    """反馈 — the unit's report (办理情况反馈单): who handled it, when, what was done, solved or not."""
    errors = {}
    if not handler.strip():
        errors["handler"] = tr("请填写承办人")
    if not result.strip():
        errors["result"] = tr("请填写办理情况")
    if errors:
        raise ValidationFailed(errors)
    with ctx.write() as session:
        referral = _find(session, key)
        _move(ctx, session, referral, ReferralAction.FEEDBACK, tr("已解决") if solved else tr("未解决"))
        feedback = ReferralFeedback(referral_id=referral.id, handler=handler.strip(), replied_on=replied_on,
                                    result=result.strip(), solved=solved)
        session.add(feedback)
        session.flush()
        return feedback.id


def record_follow_up(ctx: ServiceContext, key: str, followed_on: dt.date, by_whom: str, method: str,
                     citizen_words: str, satisfaction: str, redo_days: int | None = None) -> str:
    """回访 — the station asks the citizen (``by_whom`` made the call or visit). 不满意 sends the referral
    back to the unit (重办) with a new deadline."""
    errors = {}
    if satisfaction not in Satisfaction.values():
        errors["satisfaction"] = tr("满意度应为：{choices}", choices=tr("、").join(s.label for s in Satisfaction))
    if not by_whom.strip():
        errors["by_whom"] = tr("请填写回访人")
    if method not in FollowUpMethod.values():
        errors["method"] = tr("回访方式应为：{choices}", choices=tr("、").join(m.label for m in FollowUpMethod))
    if errors:
        raise ValidationFailed(errors)
    with ctx.write() as session:
        referral = _find(session, key)
        _move(ctx, session, referral, ReferralAction.FOLLOW_UP,
              tr("{method}回访，{satisfaction}", method=FollowUpMethod.label_of(method),
                 satisfaction=Satisfaction.label_of(satisfaction)))
        follow = ReferralFollowUp(referral_id=referral.id, followed_on=followed_on, by_whom=by_whom.strip(),
                                  method=method, citizen_words=citizen_words.strip(), satisfaction=satisfaction)
        session.add(follow)
        if satisfaction == Satisfaction.NOT_SATISFIED:
            days = redo_days or settings_service.read(ctx).referral_deadline_days
            _move(ctx, session, referral, ReferralAction.REHANDLE,
                  tr("群众不满意，第 {n} 次交办，期限 {days} 个工作日", n=referral.rounds + 1, days=days))
            referral.rounds += 1
            referral.deadline = WorkCalendar.load(session).add_working_days(followed_on, days)
        session.flush()
        return follow.id


def close(ctx: ServiceContext, key: str, closed_on: dt.date) -> None:
    """办结 — the loop is closed after a satisfied (or basically satisfied) follow-up."""
    with ctx.write() as session:
        referral = _find(session, key)
        _move(ctx, session, referral, ReferralAction.CLOSE)
        referral.closed_on = closed_on


def return_referral(ctx: ServiceContext, key: str, reason: str) -> None:
    """退回 — the unit says it is not its job; the reason is kept."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("退回须写明理由")})
    with ctx.write() as session:
        _move(ctx, session, _find(session, key), ReferralAction.RETURN, reason.strip())


def reassign(ctx: ServiceContext, key: str, unit: str, requirement: str = "", deadline_days: int | None = None,
             today: dt.date | None = None) -> None:
    """改派 — a returned referral goes to another unit, keeping its number and history."""
    if not unit.strip():
        raise ValidationFailed({"unit": tr("请选择承办单位")})
    today = today or dt.date.today()
    with ctx.write() as session:
        referral = _find(session, key)
        days = deadline_days or settings_service.read(ctx).referral_deadline_days
        old_unit = referral.unit_name
        _move(ctx, session, referral, ReferralAction.REASSIGN, tr("由 {old} 改派 {new}", old=old_unit, new=unit.strip()))
        referral.unit_name = unit.strip()
        if requirement.strip():
            referral.requirement = requirement.strip()
        referral.issued_on = today
        referral.deadline = WorkCalendar.load(session).add_working_days(today, days)
        referral.signed_on, referral.signed_by = None, ""


def extend(ctx: ServiceContext, key: str, new_deadline: dt.date, reason: str) -> None:
    """延期 — a later deadline, only with a reason."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("延期须写明理由")})
    with ctx.write() as session:
        referral = _find(session, key)
        if referral.deadline and new_deadline <= referral.deadline:
            raise ValidationFailed({"deadline": tr("新的期限应晚于原期限 {old}", old=referral.deadline)})
        _move(ctx, session, referral, ReferralAction.EXTEND, tr("期限由 {old} 延至 {new}：{reason}",
                                                                old=referral.deadline, new=new_deadline,
                                                                reason=reason.strip()))
        referral.deadline = new_deadline


def void_referral(ctx: ServiceContext, key: str, reason: str) -> None:
    """作废 — kept with its number (never reused) and the reason. Administrators only."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("作废必须填写原因")})
    with ctx.write(admin_only=True) as session:
        referral = _find(session, key)
        if referral.is_voided:
            raise StationError(tr("交办单 {number} 已作废", number=referral.number))
        mark_void(referral, reason, ctx.operator.name)
        _record_event(session, referral, ReferralAction.VOID, referral.state, reason.strip(),
                      by_whom=ctx.operator.name)


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralSummary:
    id: str
    number: str
    unit: str
    state: str
    issued_on: dt.date | None
    deadline: dt.date | None
    rounds: int
    voided: bool
    content: str = ""
    citizen: str = ""
    #: working days to the deadline (negative = overdue); None when the unit no longer owes an answer
    days_left: int | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def _summary(referral: Referral, visit: Visit | None, work: WorkCalendar, today: dt.date) -> ReferralSummary:
    left = None
    if referral.state in AWAITING_UNIT and referral.deadline and not referral.is_voided:
        left = work.working_days_between(today, referral.deadline)
        if referral.deadline < today:
            left = min(left, -1)
    return ReferralSummary(referral.id, referral.number, referral.unit_name, referral.state, referral.issued_on,
                           referral.deadline, referral.rounds, referral.is_voided,
                           visit.content if visit else "", visit.citizen_name if visit else "", left)


def summaries_for_visit(ctx: ServiceContext, visit_id: str, today: dt.date | None = None) -> list[ReferralSummary]:
    """The referrals a visit opened, in number order."""
    with ctx.read() as session:
        work = WorkCalendar.load(session)
        visit = session.get(Visit, visit_id)
        return [_summary(r, visit, work, today or dt.date.today()) for r in session.scalars(
            select(Referral).where(Referral.visit_id == visit_id).order_by(Referral.seq))]


def list_referrals(ctx: ServiceContext, state: str = "", unit: str = "", text: str = "", only_overdue: bool = False,
                   include_voided: bool = False, today: dt.date | None = None) -> list[ReferralSummary]:
    today = today or dt.date.today()
    query = select(Referral, Visit).outerjoin(Visit, Referral.visit_id == Visit.id)
    if not include_voided:
        query = query.where(Referral.voided_at.is_(None))
    if state:
        query = query.where(Referral.state == state)
    if unit:
        query = query.where(Referral.unit_name == unit)
    for word in text.split():
        query = query.where(Referral.number.contains(word) | Referral.unit_name.contains(word)
                            | Visit.content.contains(word) | Visit.citizen_name.contains(word))
    if only_overdue:
        query = query.where(Referral.state.in_(AWAITING_UNIT), Referral.deadline < today)
    with ctx.read() as session:
        work = WorkCalendar.load(session)
        return [_summary(r, v, work, today) for r, v in session.execute(query.order_by(Referral.year.desc(),
                                                                                      Referral.seq.desc()))]


@dataclass(frozen=True)
class OverdueReport:
    overdue: list[ReferralSummary]
    due_soon: list[ReferralSummary]

    def by_unit(self) -> dict[str, tuple[int, int]]:
        units: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.overdue:
            units[r.unit][0] += 1
        for r in self.due_soon:
            units[r.unit][1] += 1
        return {unit: (a, b) for unit, (a, b) in sorted(units.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))}


def overdue_count(ctx: ServiceContext, today: dt.date | None = None) -> int:
    """How many referrals are past their deadline with the unit's answer still owed (one quick count)."""
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(Referral).where(
            Referral.voided_at.is_(None), Referral.state.in_(AWAITING_UNIT),
            Referral.deadline < (today or dt.date.today()))) or 0


def overdue_report(ctx: ServiceContext, today: dt.date | None = None) -> OverdueReport:
    """超期: past the deadline with no answer; 临期: due within three working days."""
    today = today or dt.date.today()
    waiting = [r for r in list_referrals(ctx, today=today) if r.days_left is not None]
    return OverdueReport([r for r in waiting if r.overdue],
                         [r for r in waiting if not r.overdue and r.days_left <= DUE_SOON_DAYS])


@dataclass(frozen=True)
class EventRow:
    at: dt.datetime
    #: a ``ReferralAction`` value as stored
    action: str
    from_state: str
    to_state: str
    #: the operator who made the move
    by_whom: str
    note: str


@dataclass(frozen=True)
class FeedbackRow:
    """One 反馈单: the unit's report."""

    handler: str
    replied_on: dt.date | None
    result: str
    solved: bool


@dataclass(frozen=True)
class FollowUpRow:
    """One 回访单: what the citizen said when the station asked."""

    followed_on: dt.date | None
    by_whom: str
    method: str
    citizen_words: str
    satisfaction: str


@dataclass(frozen=True)
class ReferralDetail:
    summary: ReferralSummary
    requirement: str
    signed_on: dt.date | None
    signed_by: str
    closed_on: dt.date | None
    void_reason: str
    visit_id: str | None
    events: tuple[EventRow, ...]
    feedback: tuple[FeedbackRow, ...]
    follow_ups: tuple[FollowUpRow, ...]
    #: the moves its state allows now (none once voided)
    actions: tuple[ReferralAction, ...]


def referral_detail(ctx: ServiceContext, key: str, today: dt.date | None = None) -> ReferralDetail:
    """A referral (by id or number) with its history, its forms' rounds and the moves allowed now."""
    with ctx.read() as session:
        referral = _find(session, key)
        visit = session.get(Visit, referral.visit_id) if referral.visit_id else None
        events = tuple(EventRow(e.at, e.action, e.from_state, e.to_state, e.by_whom, e.note) for e in session.scalars(
            select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.at,
                                                                                           ReferralEvent.created_at)))
        feedback = tuple(FeedbackRow(f.handler, f.replied_on, f.result, f.solved) for f in session.scalars(
            select(ReferralFeedback).where(ReferralFeedback.referral_id == referral.id,
                                           ReferralFeedback.voided_at.is_(None)).order_by(ReferralFeedback.created_at)))
        follow_ups = tuple(FollowUpRow(f.followed_on, f.by_whom, f.method, f.citizen_words, f.satisfaction)
                           for f in session.scalars(select(ReferralFollowUp).where(
                               ReferralFollowUp.referral_id == referral.id, ReferralFollowUp.voided_at.is_(None))
                               .order_by(ReferralFollowUp.created_at)))
        return ReferralDetail(_summary(referral, visit, WorkCalendar.load(session), today or dt.date.today()),
                              referral.requirement, referral.signed_on, referral.signed_by, referral.closed_on,
                              referral.void_reason or "", referral.visit_id, events, feedback, follow_ups,
                              () if referral.is_voided else tuple(_allowed_actions(referral.state)))


# --- Printing --------------------------------------------------------------------------------


def _print_data(session: Session, referral: Referral, station: str) -> ReferralPrint:
    visit = session.get(Visit, referral.visit_id) if referral.visit_id else None
    reps = "、".join(session.scalars(select(Representative.name).join(
        VisitRepresentative, VisitRepresentative.representative_id == Representative.id).where(
        VisitRepresentative.visit_id == referral.visit_id))) if visit else ""
    # The latest round: by its own date first, as several rounds can be written in one transaction.
    feedback = session.scalars(select(ReferralFeedback).where(
        ReferralFeedback.referral_id == referral.id, ReferralFeedback.voided_at.is_(None)).order_by(
        ReferralFeedback.replied_on.desc(), ReferralFeedback.created_at.desc())).first()
    follow = session.scalars(select(ReferralFollowUp).where(
        ReferralFollowUp.referral_id == referral.id, ReferralFollowUp.voided_at.is_(None)).order_by(
        ReferralFollowUp.followed_on.desc(), ReferralFollowUp.created_at.desc())).first()
    history = tuple(f"{e.at:%Y年%m月%d日} {e.action} {e.note}".strip() for e in session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.at)))
    return ReferralPrint(
        station=station, number=referral.number, visited_at=visit.visited_at if visit else None,
        citizen=visit.citizen_name if visit else "", phone=visit.phone if visit else "",
        address=visit.address if visit else "", people_count=visit.people_count if visit else 1,
        channel=visit.channel if visit else "", category=visit.category if visit else "",
        content=visit.content if visit else "", representatives=reps, unit=referral.unit_name,
        requirement=referral.requirement, issued_on=referral.issued_on, deadline=referral.deadline,
        rounds=referral.rounds, handler=feedback.handler if feedback else "",
        replied_on=feedback.replied_on if feedback else None, result=feedback.result if feedback else "",
        solved=feedback.solved if feedback else None, followed_on=follow.followed_on if follow else None,
        follow_by=follow.by_whom if follow else "", follow_method=follow.method if follow else "",
        citizen_words=follow.citizen_words if follow else "", satisfaction=follow.satisfaction if follow else "",
        history=history)


def forms_for(ctx: ServiceContext, keys: Sequence[str], path: Path | str, forms: Sequence[str] = FORMS) -> int:
    """The three forms of each referral, filled as far as it has gone, in one PDF. Returns pages."""
    station = ctx.station.name
    with ctx.read() as session:
        data = [_print_data(session, _find(session, key), station) for key in keys]
    if not data:
        raise StationError(tr("没有可打印的交办单"))
    return write_forms(Path(path), data, forms)


def issued_on_day(ctx: ServiceContext, day: dt.date) -> list[str]:
    """Ids of the referrals issued on ``day`` (for printing today's batch)."""
    with ctx.read() as session:
        return list(session.scalars(select(Referral.id).where(Referral.issued_on == day, Referral.voided_at.is_(None))
                                    .order_by(Referral.seq)))


def blank_form(ctx: ServiceContext, form: str, path: Path | str) -> int:
    """One empty ``form`` (a name from ``FORMS``) with this station's name, to fill in by hand."""
    return write_blank_form(Path(path), form, ctx.station.name)


def reminder_for_unit(ctx: ServiceContext, unit: str, path: Path | str, today: dt.date | None = None) -> int:
    """催办通知 to one unit, listing its overdue referrals."""
    today = today or dt.date.today()
    overdue = [r for r in overdue_report(ctx, today).overdue if r.unit == unit]
    if not overdue:
        raise StationError(tr("{unit} 没有超期的交办单", unit=unit))
    return write_reminder(Path(path), station=ctx.station.name, unit=unit, today=today,
                          overdue=[(r.number, r.content[:60], r.deadline, -r.days_left) for r in overdue])
