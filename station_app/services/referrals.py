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

import calendar
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station_app.db.models import (
    Referral,
    ReferralEvent,
    ReferralFeedback,
    ReferralFollowUp,
    ReferralRound,
    Representative,
    Visit,
    VisitRepresentative,
    new_id,
)
from station_app.i18n import chinese_date, tr
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.messages import Message
from station_app.services.settings import DeadlineRule, StationSettings
from station_app.services.voiding import mark_void
from station_app.services.work_calendar import WorkCalendar
from station_app.vocab import DeadlineUnit, FollowUpMethod, ReferralAction, ReferralForm, ReferralState, Satisfaction

if TYPE_CHECKING:  # the PDF library is imported when a form is printed, not when the window opens
    from station_app.io.forms_pdf import ReferralPrint

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


# --- Deadlines -------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later; the month's last day when it has no such day
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline_after(work: WorkCalendar, start: dt.date, rule: DeadlineRule) -> dt.date:
    """The last day a unit has for a referral handed over on ``start``.

    In working days: that many official working days after ``start`` (holidays skipped, 调休 days
    counted). In months, as the civil code counts a period: the same day of the month ``count``
    months on (the month's end when it has no such day); a last day that is a day off moves on to
    the next working day."""
    if rule.unit == DeadlineUnit.WORKING_DAYS:
        return work.add_working_days(start, rule.count)
    end = add_months(start, rule.count)
    while not work.is_workday(end):
        end += dt.timedelta(days=1)
    return end


def _rule(settings: StationSettings, count: int | None = None) -> DeadlineRule:
    """The station's rule, or ``count`` in the station's unit when a deadline was set for one referral."""
    rule = settings.deadline_rule
    return DeadlineRule(count, rule.unit) if count else rule


def _deadline_note(rule: DeadlineRule, deadline: dt.date) -> Message:
    return Message.of("期限 {rule}，至 {date}", rule=rule.message(), date=deadline)


# --- Finding a referral by what was typed ----------------------------------------------------

_BRACKETS = str.maketrans({"[": "〔", "【": "〔", "(": "〔", "〖": "〔", "{": "〔",
                           "]": "〕", "】": "〕", ")": "〕", "〗": "〕", "}": "〕"})


def canonical_number(text: str) -> str:
    """A referral number as typed, in one form to compare: full-width characters made plain, every
    kind of bracket made 〔〕, spaces dropped and the closing 号 made optional. "东监交[2026] 12",
    "东监交（2026）12号" and "东监交〔2026〕12号" are all "东监交〔2026〕12"."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split()).translate(_BRACKETS).removesuffix("号")


def _matches(session: Session, key: str, station_id: str | None = None, today: dt.date | None = None) -> list[Referral]:
    """The referrals ``key`` names: an id, a number typed with any brackets and spaces, or the plain
    sequence number of this year ("12" is 东监交〔2026〕12号 in 2026). This station's first, then the
    ones not voided."""
    referral = session.get(Referral, key)
    if referral is not None:
        return [referral]
    text = canonical_number(key)
    if not text:
        return []
    if text.isdigit() and len(text) <= 6:
        found = list(session.scalars(select(Referral).where(
            Referral.year == (today or dt.date.today()).year, Referral.seq == int(text))))
    else:
        found = list(session.scalars(select(Referral).where(Referral.number == key.strip())))
        digits = re.findall(r"\d+", text)
        years = [int(d) for d in digits if len(d) == 4]
        if not found and years and len(digits) >= 2:
            found = [r for r in session.scalars(select(Referral).where(
                Referral.year == years[0], Referral.seq == int(digits[-1]))) if canonical_number(r.number) == text]
        if not found:  # a template that puts the sequence elsewhere: compare every number
            found = [session.get(Referral, referral_id) for referral_id, number in session.execute(
                select(Referral.id, Referral.number)) if canonical_number(number) == text]
    return sorted(found, key=lambda r: (r.station_id != station_id, r.is_voided, -r.year))


def _find(session: Session, key: str, station_id: str | None = None, today: dt.date | None = None) -> Referral:
    found = _matches(session, key, station_id, today)
    if not found:
        raise NotFound(tr("找不到交办单：{key}", key=key))
    return found[0]


def _find_for(ctx: ServiceContext, session: Session, key: str, today: dt.date | None = None) -> Referral:
    return _find(session, key, ctx.station_id, today)


# --- Rounds and history ----------------------------------------------------------------------


def _round(session: Session, referral: Referral, number: int | None = None) -> ReferralRound:
    """Round ``number`` (the current one by default) of ``referral``; made from the referral's own
    fields if it is missing."""
    number = number or referral.rounds
    row = session.scalars(select(ReferralRound).where(ReferralRound.referral_id == referral.id,
                                                      ReferralRound.round == number)).first()
    if row is None:
        row = ReferralRound(referral_id=referral.id, round=number, unit_name=referral.unit_name,
                            issued_on=referral.issued_on, deadline=referral.deadline, signed_on=referral.signed_on,
                            signed_by=referral.signed_by or "")
        session.add(row)
    return row


def _start_round(session: Session, referral: Referral, unit: str, issued_on: dt.date, deadline: dt.date) -> None:
    """A new round (the first 交办, or a 重办): the referral's current fields follow it."""
    session.add(ReferralRound(referral_id=referral.id, round=referral.rounds, unit_name=unit, issued_on=issued_on,
                              deadline=deadline, signed_on=None, signed_by=""))
    referral.unit_name, referral.issued_on, referral.deadline = unit, issued_on, deadline
    referral.signed_on, referral.signed_by = None, ""


def _last_event(session: Session, referral: Referral) -> ReferralEvent | None:
    return session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(
        ReferralEvent.at.desc(), ReferralEvent.created_at.desc())).first()


def _moment(day: dt.date, after: dt.datetime | None = None) -> dt.datetime:
    """When a step dated ``day`` is put in the history: now if it happened today, else the start of
    that day; never before the step it follows, so the history keeps its order."""
    now = dt.datetime.now()
    at = now if day == now.date() else dt.datetime.combine(day, dt.time())
    return max(at, after) if after is not None else at


def _record_event(session: Session, referral: Referral, action: ReferralAction, from_state: str,
                  note: str | Message = "", at: dt.datetime | None = None, *, by_whom: str = "") -> None:
    """One step of the history. A note the program writes is a ``Message``, shown in the reader's language;
    a note a person typed (a reason) is kept as typed."""
    parts = note.to_json() if isinstance(note, Message) else None
    text = note.render() if isinstance(note, Message) else note
    session.add(ReferralEvent(referral_id=referral.id, action=action, from_state=from_state, to_state=referral.state,
                              at=at or dt.datetime.now(), by_whom=by_whom, note=text, note_parts=parts))


def event_note(event: ReferralEvent) -> str:
    """What a history line says after the step's name, in the interface language of now."""
    return Message.from_json(event.note_parts).render() if event.note_parts else event.note


def _open_referral(session: Session, visit: Visit, settings: StationSettings, unit: str, requirement: str,
                   issued_on: dt.date, deadline_count: int | None = None, work: WorkCalendar | None = None,
                   at: dt.datetime | None = None, *, by_whom: str = "") -> Referral:
    """交办 — inside the visit's transaction: a new number, the unit, the first round and its deadline
    by the station's rule (or ``deadline_count`` in the station's unit)."""
    work = work or WorkCalendar.load(session)
    rule = _rule(settings, deadline_count)
    deadline = deadline_after(work, issued_on, rule)
    seq = _next_seq(session, visit.station_id, issued_on.year)
    referral = Referral(id=new_id(), visit_id=visit.id, station_id=visit.station_id, year=issued_on.year, seq=seq,
                        number=settings.referral_number(issued_on.year, seq), unit_name=unit, requirement=requirement,
                        issued_on=issued_on, deadline=deadline, state=ReferralState.PENDING, rounds=1)
    session.add(referral)
    _start_round(session, referral, unit, issued_on, deadline)
    _record_event(session, referral, ReferralAction.ISSUE, "",
                  Message.of("{unit}，{deadline}", unit=unit, deadline=_deadline_note(rule, deadline)),
                  at or _moment(issued_on), by_whom=by_whom)
    return referral


def _apply_move(session: Session, referral: Referral, action: ReferralAction, note: str | Message = "",
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
    """The moves a clerk may choose in ``state``; 重办 is not one: a dissatisfied follow-up makes it."""
    return [action for action, (sources, _) in MOVES.items()
            if state in sources and action != ReferralAction.REHANDLE]


def _step(session: Session, referral: Referral, action: ReferralAction, day: dt.date, note: str | Message = "", *,
          by_whom: str = "", field: str = "date", today: dt.date | None = None) -> None:
    """A move dated ``day``: the day the step happened, never later than today nor earlier than the
    step before it. The history line carries that day."""
    last = _last_event(session, referral)
    if day > (today or dt.date.today()):
        raise ValidationFailed({field: tr("日期 {date} 还没有到", date=chinese_date(day))})
    if last is not None and day < last.at.date():
        raise ValidationFailed({field: tr("日期不能早于上一步（{date}{action}）", date=chinese_date(last.at),
                                          action=ReferralAction.label_of(last.action))})
    _apply_move(session, referral, action, note, _moment(day, last.at if last else None), by_whom=by_whom)


def sign(ctx: ServiceContext, key: str, signed_on: dt.date, signed_by: str) -> None:
    """签收 — the unit has received the referral; ``signed_by`` is who signed for the unit, on ``signed_on``."""
    if not signed_by.strip():
        raise ValidationFailed({"by": tr("请填写签收人")})
    with ctx.write() as session:
        referral = _find_for(ctx, session, key)
        _step(session, referral, ReferralAction.SIGN, signed_on,
              Message.of("{unit} {name} 签收", unit=referral.unit_name, name=signed_by.strip()),
              by_whom=ctx.operator.name, field="signed_on")
        referral.signed_on, referral.signed_by = signed_on, signed_by.strip()
        current = _round(session, referral)
        current.signed_on, current.signed_by = signed_on, signed_by.strip()


def record_feedback(ctx: ServiceContext, key: str, handler: str, replied_on: dt.date, result: str,
                    solved: bool) -> str:
    """反馈 — the unit's report (办理情况反馈单) for the current round: who handled it, when, what was
    done, solved or not."""
    errors = {}
    if not handler.strip():
        errors["handler"] = tr("请填写承办人")
    if not result.strip():
        errors["result"] = tr("请填写办理情况")
    if errors:
        raise ValidationFailed(errors)
    with ctx.write() as session:
        referral = _find_for(ctx, session, key)
        _step(session, referral, ReferralAction.FEEDBACK, replied_on, Message.of("已解决") if solved else Message.of("未解决"),
              by_whom=ctx.operator.name, field="replied_on")
        feedback = ReferralFeedback(referral_id=referral.id, round=referral.rounds, handler=handler.strip(),
                                    replied_on=replied_on, result=result.strip(), solved=solved)
        session.add(feedback)
        session.flush()
        return feedback.id


def record_follow_up(ctx: ServiceContext, key: str, followed_on: dt.date, by_whom: str, method: str,
                     citizen_words: str, satisfaction: str, redo_days: int | None = None) -> str:
    """回访 — the station asks the citizen (``by_whom`` made the call or visit). 不满意 sends the referral
    back to the unit (重办): a new round from ``followed_on``, with a deadline by the station's rule
    (or ``redo_days`` working days)."""
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
        referral = _find_for(ctx, session, key)
        _step(session, referral, ReferralAction.FOLLOW_UP, followed_on,
              Message.of("{method}回访，{satisfaction}", method=FollowUpMethod(method),
                         satisfaction=Satisfaction(satisfaction)), by_whom=ctx.operator.name, field="followed_on")
        follow = ReferralFollowUp(referral_id=referral.id, round=referral.rounds, followed_on=followed_on,
                                  by_whom=by_whom.strip(), method=method, citizen_words=citizen_words.strip(),
                                  satisfaction=satisfaction)
        session.add(follow)
        if satisfaction == Satisfaction.NOT_SATISFIED:
            rule = (DeadlineRule(redo_days, DeadlineUnit.WORKING_DAYS) if redo_days
                    else settings_service.read(ctx).deadline_rule)
            _rehandle(session, referral, followed_on, rule, by_whom=ctx.operator.name)
        session.flush()
        return follow.id


def _rehandle(session: Session, referral: Referral, day: dt.date, rule: DeadlineRule,
              work: WorkCalendar | None = None, *, by_whom: str = "") -> None:
    """重办 — the citizen is not satisfied: the same unit again, a new round from ``day``."""
    deadline = deadline_after(work or WorkCalendar.load(session), day, rule)
    last = _last_event(session, referral)
    _apply_move(session, referral, ReferralAction.REHANDLE,
                Message.of("群众不满意，第 {n} 次交办，{deadline}", n=referral.rounds + 1,
                           deadline=_deadline_note(rule, deadline)),
                _moment(day, last.at if last else None), by_whom=by_whom)
    referral.rounds += 1
    _start_round(session, referral, referral.unit_name, day, deadline)


def close(ctx: ServiceContext, key: str, closed_on: dt.date) -> None:
    """办结 — the loop is closed after a satisfied (or basically satisfied) follow-up, on ``closed_on``."""
    with ctx.write() as session:
        referral = _find_for(ctx, session, key)
        _step(session, referral, ReferralAction.CLOSE, closed_on, by_whom=ctx.operator.name, field="closed_on")
        referral.closed_on = closed_on


def return_referral(ctx: ServiceContext, key: str, reason: str, returned_on: dt.date) -> None:
    """退回 — on ``returned_on`` the unit says it is not its job; the reason is kept."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("退回须写明理由")})
    with ctx.write() as session:
        _step(session, _find_for(ctx, session, key), ReferralAction.RETURN, returned_on, reason.strip(),
              by_whom=ctx.operator.name, field="returned_on")


def reassign(ctx: ServiceContext, key: str, unit: str, reassigned_on: dt.date, requirement: str = "") -> None:
    """改派 — on ``reassigned_on`` a returned referral goes to another unit, keeping its number and history;
    its deadline runs again from that day. The unit that returned it cannot have it back."""
    unit = unit.strip()
    if not unit:
        raise ValidationFailed({"unit": tr("请选择承办单位")})
    with ctx.write() as session:
        referral = _find_for(ctx, session, key)
        if referral.state == ReferralState.RETURNED and unit == referral.unit_name:  # the unit that sent it back
            raise ValidationFailed({"unit": tr("{unit} 已退回这张交办单，不能再改派给它，请选择其他承办单位", unit=unit)})
        rule = settings_service.read(ctx).deadline_rule
        deadline = deadline_after(WorkCalendar.load(session), reassigned_on, rule)
        old_unit = referral.unit_name
        _step(session, referral, ReferralAction.REASSIGN, reassigned_on,
              Message.of("由 {old} 改派 {new}，{deadline}", old=old_unit, new=unit,
                         deadline=_deadline_note(rule, deadline)),
              by_whom=ctx.operator.name, field="reassigned_on")
        _reassign_round(session, referral, unit, reassigned_on, deadline)
        if requirement.strip():
            referral.requirement = requirement.strip()


def _reassign_round(session: Session, referral: Referral, unit: str, day: dt.date, deadline: dt.date) -> None:
    """The current round goes to ``unit`` from ``day``; nobody has signed for it there yet."""
    current = _round(session, referral)
    current.unit_name, current.issued_on, current.deadline = unit, day, deadline
    current.signed_on, current.signed_by = None, ""
    referral.unit_name, referral.issued_on, referral.deadline = unit, day, deadline
    referral.signed_on, referral.signed_by = None, ""


def extend(ctx: ServiceContext, key: str, new_deadline: dt.date, reason: str, extended_on: dt.date) -> None:
    """延期 — on ``extended_on``, a later deadline for the current round, only with a reason."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("延期须写明理由")})
    with ctx.write() as session:
        referral = _find_for(ctx, session, key)
        if referral.deadline and new_deadline <= referral.deadline:
            raise ValidationFailed({"deadline": tr("新的期限应晚于原期限 {old}", old=chinese_date(referral.deadline))})
        _step(session, referral, ReferralAction.EXTEND, extended_on,
              Message.of("期限由 {old} 延至 {new}：{reason}", old=referral.deadline, new=new_deadline,
                         reason=reason.strip()),
              by_whom=ctx.operator.name, field="extended_on")
        referral.deadline = new_deadline
        _round(session, referral).deadline = new_deadline


def void_referral(ctx: ServiceContext, key: str, reason: str) -> None:
    """作废 — kept with its number (never reused) and the reason. Administrators only."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("作废必须填写原因")})
    with ctx.write(admin_only=True) as session:
        referral = _find_for(ctx, session, key)
        if referral.is_voided:
            raise StationError(tr("交办单 {number} 已作废", number=referral.number))
        mark_void(referral, reason, ctx.operator.name)
        last = _last_event(session, referral)
        _record_event(session, referral, ReferralAction.VOID, referral.state, reason.strip(),
                      max(dt.datetime.now(), last.at) if last else None, by_whom=ctx.operator.name)


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
    """The referrals that pass the filters, newest first. ``text`` is a referral number typed any
    way (brackets, spaces, or this year's plain sequence number), or words each of which must be in
    the number, the unit, the content or the citizen's name."""
    today = today or dt.date.today()
    query = select(Referral, Visit).outerjoin(Visit, Referral.visit_id == Visit.id)
    if not include_voided:
        query = query.where(Referral.voided_at.is_(None))
    if state:
        query = query.where(Referral.state == state)
    if unit:
        query = query.where(Referral.unit_name == unit)
    if only_overdue:
        query = query.where(Referral.state.in_(AWAITING_UNIT), Referral.deadline < today)
    with ctx.read() as session:
        numbered = [r.id for r in _matches(session, text, ctx.station_id, today)] if re.search(r"\d", text) else []
        if numbered:
            query = query.where(Referral.id.in_(numbered))
        for word in ([] if numbered else text.split()):
            query = query.where(Referral.number.contains(word) | Referral.unit_name.contains(word)
                                | Visit.content.contains(word) | Visit.citizen_name.contains(word))
        work = WorkCalendar.load(session)
        return [_summary(r, v, work, today) for r, v in session.execute(query.order_by(Referral.year.desc(),
                                                                                      Referral.seq.desc()))]


def find_referral(ctx: ServiceContext, key: str, today: dt.date | None = None) -> ReferralSummary:
    """The referral ``key`` names: its id, its number typed with any brackets and spaces, or this
    year's plain sequence number. ``NotFound`` when there is none."""
    today = today or dt.date.today()
    with ctx.read() as session:
        referral = _find_for(ctx, session, key, today)
        visit = session.get(Visit, referral.visit_id) if referral.visit_id else None
        return _summary(referral, visit, WorkCalendar.load(session), today)


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
class RoundRow:
    """One round: the unit it went to, its 交办日期 and deadline, who signed for it and when."""

    round: int
    unit: str
    issued_on: dt.date | None
    deadline: dt.date | None
    signed_on: dt.date | None
    signed_by: str


@dataclass(frozen=True)
class FeedbackRow:
    """One 反馈单: the unit's report."""

    handler: str
    replied_on: dt.date | None
    result: str
    solved: bool
    round: int = 1


@dataclass(frozen=True)
class FollowUpRow:
    """One 回访单: what the citizen said when the station asked."""

    followed_on: dt.date | None
    by_whom: str
    method: str
    citizen_words: str
    satisfaction: str
    round: int = 1


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
    rounds: tuple[RoundRow, ...] = ()


def _events(session: Session, referral: Referral) -> list[ReferralEvent]:
    return list(session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(
        ReferralEvent.at, ReferralEvent.created_at)))


def _rounds(session: Session, referral: Referral) -> list[ReferralRound]:
    rows = {r.round: r for r in session.scalars(select(ReferralRound).where(
        ReferralRound.referral_id == referral.id, ReferralRound.voided_at.is_(None)))}
    return [rows.get(n) or ReferralRound(referral_id=referral.id, round=n, unit_name=referral.unit_name)
            for n in range(1, referral.rounds + 1)]


def _feedback_rows(session: Session, referral: Referral) -> list[ReferralFeedback]:
    return list(session.scalars(select(ReferralFeedback).where(
        ReferralFeedback.referral_id == referral.id, ReferralFeedback.voided_at.is_(None)).order_by(
        ReferralFeedback.round, ReferralFeedback.replied_on, ReferralFeedback.created_at)))


def _follow_up_rows(session: Session, referral: Referral) -> list[ReferralFollowUp]:
    return list(session.scalars(select(ReferralFollowUp).where(
        ReferralFollowUp.referral_id == referral.id, ReferralFollowUp.voided_at.is_(None)).order_by(
        ReferralFollowUp.round, ReferralFollowUp.followed_on, ReferralFollowUp.created_at)))


def referral_detail(ctx: ServiceContext, key: str, today: dt.date | None = None) -> ReferralDetail:
    """A referral (by id or number as typed) with its history, its rounds and their forms, and the
    moves allowed now."""
    today = today or dt.date.today()
    with ctx.read() as session:
        referral = _find_for(ctx, session, key, today)
        visit = session.get(Visit, referral.visit_id) if referral.visit_id else None
        events = tuple(EventRow(e.at, e.action, e.from_state, e.to_state, e.by_whom, event_note(e))
                       for e in _events(session, referral))
        feedback = tuple(FeedbackRow(f.handler, f.replied_on, f.result, f.solved, f.round)
                         for f in _feedback_rows(session, referral))
        follow_ups = tuple(FollowUpRow(f.followed_on, f.by_whom, f.method, f.citizen_words, f.satisfaction, f.round)
                           for f in _follow_up_rows(session, referral))
        rounds = tuple(RoundRow(r.round, r.unit_name, r.issued_on, r.deadline, r.signed_on, r.signed_by or "")
                       for r in _rounds(session, referral))
        return ReferralDetail(_summary(referral, visit, WorkCalendar.load(session), today),
                              referral.requirement, referral.signed_on, referral.signed_by, referral.closed_on,
                              referral.void_reason or "", referral.visit_id, events, feedback, follow_ups,
                              () if referral.is_voided else tuple(_allowed_actions(referral.state)), rounds)


def history_line(at: dt.datetime | dt.date, action: str, note: str) -> str:
    """One line of a referral's history: "2026年3月5日 签收 县住建局 刘科长 签收"."""
    return " ".join(part for part in (chinese_date(at), ReferralAction.label_of(action), note) if part)


# --- Printing --------------------------------------------------------------------------------


def _print_data(session: Session, referral: Referral, station: str, only_round: int | None = None
                ) -> list[ReferralPrint]:
    """What the forms of each round of ``referral`` print (of round ``only_round`` alone, when given):
    that round's unit, 交办日期, deadline and signature, its feedback and follow-up, and the
    history up to its end."""
    from station_app.io.forms_pdf import ReferralPrint

    visit = session.get(Visit, referral.visit_id) if referral.visit_id else None
    reps = "、".join(session.scalars(select(Representative.name).join(
        VisitRepresentative, VisitRepresentative.representative_id == Representative.id).where(
        VisitRepresentative.visit_id == referral.visit_id))) if visit else ""
    feedback = {f.round: f for f in _feedback_rows(session, referral)}  # the latest of each round
    follow = {f.round: f for f in _follow_up_rows(session, referral)}
    history: list[tuple[int, str]] = []  # (round, line); a 重办 starts the next round
    number = 1
    for event in _events(session, referral):
        if event.action == ReferralAction.REHANDLE:
            number += 1
        history.append((number, history_line(event.at, event.action, event_note(event))))
    prints = []
    for row in _rounds(session, referral):
        if only_round is not None and row.round != only_round:
            continue
        fb, fu = feedback.get(row.round), follow.get(row.round)
        prints.append(ReferralPrint(
            station=station, number=referral.number, visited_at=visit.visited_at if visit else None,
            citizen=visit.citizen_name if visit else "", phone=visit.phone if visit else "",
            address=visit.address if visit else "", people_count=visit.people_count if visit else 1,
            channel=visit.channel if visit else "", category=visit.category if visit else "",
            content=visit.content if visit else "", representatives=reps, unit=row.unit_name,
            requirement=referral.requirement, issued_on=row.issued_on, deadline=row.deadline,
            rounds=row.round, signed_on=row.signed_on, signed_by=row.signed_by or "",
            handler=fb.handler if fb else "", replied_on=fb.replied_on if fb else None,
            result=fb.result if fb else "", solved=fb.solved if fb else None,
            followed_on=fu.followed_on if fu else None, follow_by=fu.by_whom if fu else "",
            follow_method=fu.method if fu else "", citizen_words=fu.citizen_words if fu else "",
            satisfaction=fu.satisfaction if fu else "",
            history=tuple(line for n, line in history if n <= row.round)))
    return prints


def forms_for(ctx: ServiceContext, keys: Sequence[str], path: Path | str,
              forms: Sequence[str] = tuple(ReferralForm), round_number: int | None = None) -> int:
    """The three forms of each referral, filled as far as it has gone, in one PDF: every round of a
    re-handled referral in turn (round ``round_number`` alone, when given). Returns the pages."""
    from station_app.io.forms_pdf import write_forms

    station = ctx.station.name
    data: list[ReferralPrint] = []
    with ctx.read() as session:
        for key in keys:
            referral = _find_for(ctx, session, key)
            if round_number is not None and not 1 <= round_number <= referral.rounds:
                raise StationError(tr("交办单 {number} 只交办过 {n} 次，没有第 {round} 次",
                                      number=referral.number, n=referral.rounds, round=round_number))
            data += _print_data(session, referral, station, round_number)
    if not data:
        raise StationError(tr("没有可打印的交办单"))
    return write_forms(Path(path), data, forms)


def issued_on_day(ctx: ServiceContext, day: dt.date) -> list[str]:
    """Ids of the referrals handed to a unit on ``day``: a first 交办, a 重办 or an 改派 (for printing
    the day's batch)."""
    with ctx.read() as session:
        return list(session.scalars(select(Referral.id).where(Referral.issued_on == day, Referral.voided_at.is_(None))
                                    .order_by(Referral.seq)))


def blank_form(ctx: ServiceContext, form: str, path: Path | str) -> int:
    """One empty ``form`` (a ``ReferralForm``) with this station's name, to fill in by hand."""
    from station_app.io.forms_pdf import write_blank_form

    return write_blank_form(Path(path), form, ctx.station.name)


def reminder_for_unit(ctx: ServiceContext, unit: str, path: Path | str, today: dt.date | None = None) -> int:
    """催办通知 to one unit, listing its overdue referrals."""
    from station_app.io.forms_pdf import write_reminder

    today = today or dt.date.today()
    overdue = [r for r in overdue_report(ctx, today).overdue if r.unit == unit]
    if not overdue:
        raise StationError(tr("{unit} 没有超期的交办单", unit=unit))
    return write_reminder(Path(path), station=ctx.station.name, unit=unit, today=today,
                          overdue=[(r.number, r.content[:60], r.deadline, -r.days_left) for r in overdue])


# --- The ledger ------------------------------------------------------------------------------


def _round_columns(number: int) -> list[Column]:
    prefix = f"第{number}次"
    return [Column(f"issued_{number}", f"{prefix}交办日期", 13, "date"),
            Column(f"deadline_{number}", f"{prefix}办结时限", 13, "date"),
            Column(f"replied_{number}", f"{prefix}答复日期", 13, "date"),
            Column(f"solved_{number}", f"{prefix}办理结果", 10),
            Column(f"result_{number}", f"{prefix}办理情况", 36),
            Column(f"followed_{number}", f"{prefix}回访日期", 13, "date"),
            Column(f"satisfaction_{number}", f"{prefix}满意度", 10),
            Column(f"words_{number}", f"{prefix}群众意见", 24)]


def export_ledger(ctx: ServiceContext, path: Path | str, today: dt.date | None = None) -> int:
    """交办台账: one row per referral (voided ones left out) — number, date, unit, deadline, state, the
    feedback and follow-up of each round, the citizen's last word on it, the days it has taken and
    whether it went past a deadline. In Chinese whatever the interface language, as every export
    the county merges. Returns the rows written."""
    today = today or dt.date.today()
    station = ctx.station.name
    with ctx.read() as session:
        pairs = session.execute(select(Referral, Visit).outerjoin(Visit, Referral.visit_id == Visit.id).where(
            Referral.voided_at.is_(None)).order_by(Referral.year, Referral.seq)).all()
        by_referral: dict[str, dict[str, dict[int, object]]] = defaultdict(lambda: defaultdict(dict))
        for model, kind, order in ((ReferralRound, "rounds", ReferralRound.created_at),
                                   (ReferralFeedback, "feedback", ReferralFeedback.replied_on),
                                   (ReferralFollowUp, "follow", ReferralFollowUp.followed_on)):
            for row in session.scalars(select(model).where(model.voided_at.is_(None)).order_by(order, model.created_at)):
                by_referral[row.referral_id][kind][row.round] = row  # the latest of each round
    most = max((referral.rounds for referral, _ in pairs), default=1)

    def records() -> Iterable[dict[str, object]]:
        for referral, visit in pairs:
            known = by_referral[referral.id]
            row: dict[str, object] = {
                "number": referral.number, "unit": referral.unit_name, "deadline": referral.deadline,
                "state": referral.state, "rounds": referral.rounds, "closed_on": referral.closed_on,
                "citizen": (visit.citizen_name or "（匿名）") if visit else "",
                "content": visit.content if visit else ""}
            overdue, satisfaction = False, ""
            for number in range(1, referral.rounds + 1):
                this = known["rounds"].get(number)
                fb, fu = known["feedback"].get(number), known["follow"].get(number)
                deadline = this.deadline if this else (referral.deadline if number == referral.rounds else None)
                row.update({f"issued_{number}": this.issued_on if this else None, f"deadline_{number}": deadline,
                            f"replied_{number}": fb.replied_on if fb else None,
                            f"solved_{number}": ("已解决" if fb.solved else "未解决") if fb else "",
                            f"result_{number}": fb.result if fb else "",
                            f"followed_{number}": fu.followed_on if fu else None,
                            f"satisfaction_{number}": fu.satisfaction if fu else "",
                            f"words_{number}": fu.citizen_words if fu else ""})
                if fu:
                    satisfaction = fu.satisfaction
                if this and this.signed_on:  # the last round the unit signed for (a 重办 is not signed again)
                    row.update({"signed_on": this.signed_on, "signed_by": this.signed_by})
                if deadline is not None:
                    answered = fb.replied_on if fb else None
                    if (answered or today) > deadline and (answered or referral.state in AWAITING_UNIT):
                        overdue = True
            first = known["rounds"].get(1)
            issued = (first.issued_on if first else None) or referral.issued_on
            row.update({"issued_on": issued, "satisfaction": satisfaction,
                        "days": ((referral.closed_on or today) - issued).days if issued else None,
                        "overdue": "是" if overdue else "否"})
            yield row

    columns = [Column("number", "交办单编号", 20), Column("issued_on", "交办日期", 13, "date"),
               Column("unit", "承办单位", 22), Column("deadline", "办结时限", 13, "date"), Column("state", "状态", 9),
               Column("rounds", "交办次数", 9, "int"), Column("citizen", "反映人", 10), Column("content", "反映问题", 40),
               Column("signed_on", "签收日期", 13, "date"), Column("signed_by", "签收人", 10)]
    for number in range(1, most + 1):
        columns += _round_columns(number)
    columns += [Column("satisfaction", "满意度", 10), Column("closed_on", "办结日期", 13, "date"),
                Column("days", "用时（天）", 10, "int"), Column("overdue", "是否超期", 9)]
    write_workbook(Path(path), [SheetSpec("交办台账", columns, records(), heading=f"{station}交办台账",
                                          landscape=True)])
    return len(pairs)
