"""三单闭环 — referrals (交办单), the unit's feedback (反馈单), the follow-up (回访单), deadlines and overdue.

States and the only moves allowed between them (``MOVES``), the same in the window and on the
command line:

    待交办 ─签收→ 已交办 ─反馈→ 已反馈 ─回访→ 已回访 ─办结→ 办结
                    ↑                      │ 不满意: 重办 (rounds + 1, a new deadline)
                    └──────────────────────┘
    待交办/已交办 ─退回→ 退回 ─改派→ 待交办 (another unit)
    待交办/已交办 ─延期→ the same state with a new deadline (a reason is required)

Every move is a ``ReferralEvent``; nothing is overwritten without a trace. Numbers follow the
station's template with a sequence per station and year that is never reused, even when a
referral is voided.
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
    SATISFACTION,
    Referral,
    ReferralEvent,
    ReferralFeedback,
    ReferralFollowUp,
    Representative,
    Visit,
    VisitRepresentative,
    new_id,
    utcnow,
)
from station_app.db.session import Database
from station_app.i18n import tr
from station_app.io.forms_pdf import FORMS, ReferralPrint, write_blank_form, write_forms, write_reminder
from station_app.services import settings as settings_service
from station_app.services.context import UNNAMED_STATION, local_station
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.settings import StationSettings
from station_app.services.work_calendar import WorkCalendar

PENDING, ISSUED, ANSWERED, FOLLOWED, CLOSED, RETURNED = "待交办", "已交办", "已反馈", "已回访", "办结", "退回"
#: action → (the states it may start from, the state it leads to; None = stays)
MOVES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "签收": ((PENDING,), ISSUED),
    "反馈": ((ISSUED,), ANSWERED),
    "回访": ((ANSWERED,), FOLLOWED),
    "重办": ((FOLLOWED,), ISSUED),
    "办结": ((FOLLOWED,), CLOSED),
    "退回": ((PENDING, ISSUED), RETURNED),
    "改派": ((RETURNED,), PENDING),
    "延期": ((PENDING, ISSUED), None),
}
#: states in which the unit still owes an answer, so the deadline matters
AWAITING_UNIT = (PENDING, ISSUED)
DUE_SOON_DAYS = 3


def _next_seq(session: Session, station_id: str | None, year: int) -> int:
    # Voided referrals count too: a number once given is never given again.
    current = session.scalar(select(func.max(Referral.seq)).where(
        Referral.year == year, Referral.station_id.is_(None) if station_id is None else Referral.station_id == station_id))
    return (current or 0) + 1


def record_event(session: Session, referral: Referral, action: str, from_state: str, note: str = "",
           at: dt.datetime | None = None) -> None:
    session.add(ReferralEvent(referral_id=referral.id, action=action, from_state=from_state, to_state=referral.state,
                              at=at or dt.datetime.now(), by_whom=session.info.get("operator") or "", note=note))


def open_referral(session: Session, visit: Visit, settings: StationSettings, unit: str, requirement: str,
                  issued_on: dt.date, deadline_days: int | None = None, work: WorkCalendar | None = None,
                  at: dt.datetime | None = None) -> Referral:
    """交办 — inside the visit's transaction: a new number, the unit, the deadline in working days."""
    work = work or WorkCalendar.load(session)
    days = deadline_days or settings.referral_deadline_days
    seq = _next_seq(session, visit.station_id, issued_on.year)
    referral = Referral(id=new_id(), visit_id=visit.id, station_id=visit.station_id, year=issued_on.year, seq=seq,
                        number=settings.referral_number(issued_on.year, seq), unit_name=unit, requirement=requirement,
                        issued_on=issued_on, deadline=work.add_working_days(issued_on, days), state=PENDING, rounds=1)
    session.add(referral)
    record_event(session, referral, "交办", "", tr("交 {unit} 办理，期限 {days} 个工作日", unit=unit, days=days), at)
    return referral


def _find(session: Session, key: str) -> Referral:
    referral = session.get(Referral, key)
    if referral is None:
        referral = session.scalars(select(Referral).where(Referral.number == key.strip())).first()
    if referral is None:
        raise NotFound(tr("找不到交办单：{key}", key=key))
    return referral


def apply_move(session: Session, referral: Referral, action: str, note: str = "", at: dt.datetime | None = None) -> str:
    if referral.is_voided:
        raise StationError(tr("交办单 {number} 已作废", number=referral.number))
    allowed, target = MOVES[action]
    if referral.state not in allowed:
        raise StationError(tr("交办单 {number} 当前为“{state}”，不能{action}（只有在{allowed}时可以）",
                              number=referral.number, state=tr(referral.state), action=tr(action),
                              allowed="、".join(tr("“{state}”", state=tr(s)) for s in allowed)))
    before = referral.state
    if target:
        referral.state = target
    record_event(session, referral, action, before, note, at)
    return before


def allowed_actions(state: str) -> list[str]:
    return [action for action, (sources, _) in MOVES.items() if state in sources]


def sign(db: Database, key: str, signed_on: dt.date, by_whom: str = "") -> None:
    """签收 — the unit has received the referral."""
    with db.transaction() as session:
        referral = _find(session, key)
        apply_move(session, referral, "签收", tr("{unit} {name} 签收", unit=referral.unit_name, name=by_whom.strip()))
        referral.signed_on, referral.signed_by = signed_on, by_whom.strip()


def record_feedback(db: Database, key: str, handler: str, replied_on: dt.date, result: str, solved: bool) -> str:
    """反馈 — the unit's report (办理情况反馈单): who handled it, when, what was done, solved or not."""
    errors = {}
    if not handler.strip():
        errors["handler"] = tr("请填写承办人")
    if not result.strip():
        errors["result"] = tr("请填写办理情况")
    if errors:
        raise ValidationFailed(errors)
    with db.transaction() as session:
        referral = _find(session, key)
        apply_move(session, referral, "反馈", tr("已解决") if solved else tr("未解决"))
        feedback = ReferralFeedback(referral_id=referral.id, handler=handler.strip(), replied_on=replied_on,
                                    result=result.strip(), solved=solved)
        session.add(feedback)
        session.flush()
        return feedback.id


def record_follow_up(db: Database, key: str, followed_on: dt.date, by_whom: str, method: str, citizen_words: str,
                     satisfaction: str, redo_days: int | None = None) -> str:
    """回访 — the station asks the citizen. 不满意 sends the referral back to the unit (重办) with a new deadline."""
    errors = {}
    if satisfaction not in SATISFACTION:
        errors["satisfaction"] = tr("满意度应为：满意、基本满意、不满意")
    if not by_whom.strip():
        errors["by_whom"] = tr("请填写回访人")
    if method not in ("电话", "上门"):
        errors["method"] = tr("回访方式应为“电话”或“上门”")
    if errors:
        raise ValidationFailed(errors)
    with db.transaction() as session:
        referral = _find(session, key)
        apply_move(session, referral, "回访", tr("{method}回访，{satisfaction}", method=tr(method),
                                             satisfaction=tr(satisfaction)))
        follow = ReferralFollowUp(referral_id=referral.id, followed_on=followed_on, by_whom=by_whom.strip(),
                                  method=method, citizen_words=citizen_words.strip(), satisfaction=satisfaction)
        session.add(follow)
        if satisfaction == "不满意":
            settings = settings_service.load(session)
            days = redo_days or settings.referral_deadline_days
            apply_move(session, referral, "重办", tr("群众不满意，第 {n} 次交办，期限 {days} 个工作日",
                                              n=referral.rounds + 1, days=days))
            referral.rounds += 1
            referral.deadline = WorkCalendar.load(session).add_working_days(followed_on, days)
        session.flush()
        return follow.id


def close(db: Database, key: str, closed_on: dt.date) -> None:
    """办结 — the loop is closed after a satisfied (or basically satisfied) follow-up."""
    with db.transaction() as session:
        referral = _find(session, key)
        apply_move(session, referral, "办结")
        referral.closed_on = closed_on


def return_referral(db: Database, key: str, reason: str) -> None:
    """退回 — the unit says it is not its job; the reason is kept."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("退回须写明理由")})
    with db.transaction() as session:
        apply_move(session, _find(session, key), "退回", reason.strip())


def reassign(db: Database, key: str, unit: str, requirement: str = "", deadline_days: int | None = None,
             today: dt.date | None = None) -> None:
    """改派 — a returned referral goes to another unit, keeping its number and history."""
    if not unit.strip():
        raise ValidationFailed({"unit": tr("请选择承办单位")})
    today = today or dt.date.today()
    with db.transaction() as session:
        referral = _find(session, key)
        settings = settings_service.load(session)
        days = deadline_days or settings.referral_deadline_days
        old_unit = referral.unit_name
        apply_move(session, referral, "改派", tr("由 {old} 改派 {new}", old=old_unit, new=unit.strip()))
        referral.unit_name = unit.strip()
        if requirement.strip():
            referral.requirement = requirement.strip()
        referral.issued_on = today
        referral.deadline = WorkCalendar.load(session).add_working_days(today, days)
        referral.signed_on, referral.signed_by = None, ""


def extend(db: Database, key: str, new_deadline: dt.date, reason: str) -> None:
    """延期 — a later deadline, only with a reason."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("延期须写明理由")})
    with db.transaction() as session:
        referral = _find(session, key)
        if referral.deadline and new_deadline <= referral.deadline:
            raise ValidationFailed({"deadline": tr("新的期限应晚于原期限 {old}", old=referral.deadline)})
        apply_move(session, referral, "延期", tr("期限由 {old} 延至 {new}：{reason}", old=referral.deadline, new=new_deadline,
                                        reason=reason.strip()))
        referral.deadline = new_deadline


def void_referral(db: Database, key: str, reason: str) -> None:
    """作废 — kept with its number (never reused) and the reason."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("作废必须填写原因")})
    with db.transaction() as session:
        referral = _find(session, key)
        if referral.is_voided:
            raise StationError(tr("交办单 {number} 已作废", number=referral.number))
        referral.voided_at = utcnow()
        referral.void_reason = reason.strip()
        referral.voided_by = session.info.get("operator") or ""
        record_event(session, referral, "作废", referral.state, reason.strip())


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


def summaries_for_visit(session: Session, visit_id: str) -> list[ReferralSummary]:
    work = WorkCalendar.load(session)
    visit = session.get(Visit, visit_id)
    return [_summary(r, visit, work, dt.date.today())
            for r in session.scalars(select(Referral).where(Referral.visit_id == visit_id).order_by(Referral.seq))]


def list_referrals(session: Session, state: str = "", unit: str = "", text: str = "", only_overdue: bool = False,
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
    work = WorkCalendar.load(session)
    rows = [_summary(r, v, work, today) for r, v in session.execute(query.order_by(Referral.year.desc(),
                                                                                   Referral.seq.desc()))]
    return rows


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


def overdue_count(session: Session, today: dt.date | None = None) -> int:
    """How many referrals are past their deadline with the unit's answer still owed (one quick count)."""
    return session.scalar(select(func.count()).select_from(Referral).where(
        Referral.voided_at.is_(None), Referral.state.in_(AWAITING_UNIT),
        Referral.deadline < (today or dt.date.today()))) or 0


def overdue_report(session: Session, today: dt.date | None = None) -> OverdueReport:
    """超期: past the deadline with no answer; 临期: due within three working days."""
    today = today or dt.date.today()
    waiting = [r for r in list_referrals(session, today=today) if r.days_left is not None]
    return OverdueReport([r for r in waiting if r.overdue],
                         [r for r in waiting if not r.overdue and r.days_left <= DUE_SOON_DAYS])


@dataclass(frozen=True)
class EventRow:
    at: dt.datetime
    action: str
    from_state: str
    to_state: str
    by_whom: str
    note: str


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
    feedback: tuple[ReferralFeedback, ...]
    follow_ups: tuple[ReferralFollowUp, ...]
    actions: tuple[str, ...]


def referral_detail(session: Session, key: str, today: dt.date | None = None) -> ReferralDetail:
    referral = _find(session, key)
    visit = session.get(Visit, referral.visit_id) if referral.visit_id else None
    events = tuple(EventRow(e.at, e.action, e.from_state, e.to_state, e.by_whom, e.note) for e in session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.at,
                                                                                       ReferralEvent.created_at)))
    feedback = tuple(session.scalars(select(ReferralFeedback).where(
        ReferralFeedback.referral_id == referral.id, ReferralFeedback.voided_at.is_(None)).order_by(
        ReferralFeedback.created_at)))
    follow_ups = tuple(session.scalars(select(ReferralFollowUp).where(
        ReferralFollowUp.referral_id == referral.id, ReferralFollowUp.voided_at.is_(None)).order_by(
        ReferralFollowUp.created_at)))
    return ReferralDetail(_summary(referral, visit, WorkCalendar.load(session), today or dt.date.today()),
                          referral.requirement, referral.signed_on, referral.signed_by, referral.closed_on,
                          referral.void_reason or "", referral.visit_id, events, feedback, follow_ups,
                          () if referral.is_voided else tuple(allowed_actions(referral.state)))


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


def forms_for(db: Database, keys: Sequence[str], path: Path | str, forms: Sequence[str] = FORMS) -> int:
    """The three forms of each referral, filled as far as it has gone, in one PDF. Returns pages."""
    with db.session() as session:
        station = (local_station(session) or UNNAMED_STATION).name
        data = [_print_data(session, _find(session, key), station) for key in keys]
    if not data:
        raise StationError(tr("没有可打印的交办单"))
    return write_forms(Path(path), data, forms)


def issued_on_day(session: Session, day: dt.date) -> list[str]:
    """Ids of the referrals issued on ``day`` (for printing today's batch)."""
    return list(session.scalars(select(Referral.id).where(Referral.issued_on == day, Referral.voided_at.is_(None))
                                .order_by(Referral.seq)))


def blank_form(db: Database, form: str, path: Path | str) -> int:
    with db.session() as session:
        station = (local_station(session) or UNNAMED_STATION).name
    return write_blank_form(Path(path), form, station)


def reminder_for_unit(db: Database, unit: str, path: Path | str, today: dt.date | None = None) -> int:
    """催办通知 to one unit, listing its overdue referrals."""
    today = today or dt.date.today()
    with db.session() as session:
        station = (local_station(session) or UNNAMED_STATION).name
        overdue = [r for r in overdue_report(session, today).overdue if r.unit == unit]
    if not overdue:
        raise StationError(tr("{unit} 没有超期的交办单", unit=unit))
    return write_reminder(Path(path), station=station, unit=unit, today=today,
                          overdue=[(r.number, r.content[:60], r.deadline, -r.days_left) for r in overdue])
