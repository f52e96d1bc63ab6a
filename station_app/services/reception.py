"""接待登记 — citizens received at (or reaching) the station: record, search, void, import, export.

A visit whose outcome is 交办 opens a referral in the same transaction (``services.referrals``).
Searching reads one page at a time, so the list stays fast at 200,000 visits. Every public
function takes the ``ServiceContext``: any operator may record a visit, only an administrator
may void one, and the visit names the operator who recorded it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from station_app.db.functions import contains_text
from station_app.db.models import (
    Delegation,
    DutyAssignment,
    DutySlot,
    Referral,
    RepGroup,
    Representative,
    Visit,
    VisitRepresentative,
    VisitSearch,
)
from station_app.i18n import tr
from station_app.io.excel import SheetRow
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.services import referrals, suggestions
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.importing import ImportPreview, ImportResult, ImportRow, commit_import, preview_import
from station_app.services.settings import DEADLINE_MAX
from station_app.services.validation import normalize_name, normalize_phone, phone_error
from station_app.services.voiding import mark_void
from station_app.services.work_calendar import parse_day
from station_app.vocab import (
    FALLBACK_CATEGORY,
    Attendance,
    Channel,
    DeadlineUnit,
    ImportAction,
    Outcome,
    ReferralState,
)


@dataclass
class ReferralInput:
    unit: str = ""
    requirement: str = ""
    #: the deadline for this one referral, in the station's unit (working days or months); None takes the
    #: station's rule
    deadline_count: int | None = None


@dataclass
class VisitInput:
    visited_at: dt.datetime | None = None
    citizen_name: str = ""
    phone: str = ""
    address: str = ""
    people_count: int = 1
    channel: str = Channel.STATION
    category: str = ""
    content: str = ""
    outcome: str = Outcome.SOLVED
    outcome_note: str = ""
    representative_ids: list[str] = field(default_factory=list)
    referral: ReferralInput | None = None


@dataclass(frozen=True)
class VisitSaved:
    visit_id: str
    referral_id: str | None = None
    referral_number: str = ""
    #: 转为代表建议: the suggestion the visit opened
    suggestion_id: str | None = None
    suggestion_number: str = ""


def _clean_visit(data: VisitInput, categories: Sequence[str], now: dt.datetime | None = None,
                 open_referral: bool = True, deadline_unit: DeadlineUnit = DeadlineUnit.WORKING_DAYS
                 ) -> tuple[VisitInput, dict[str, str]]:
    """Normalise what was typed; say, field by field, what is wrong.

    ``open_referral`` False (an import of old logs) keeps 交办 as an outcome without asking for a unit.
    """
    now = now or dt.datetime.now()
    errors: dict[str, str] = {}
    cleaned = replace(data, citizen_name=normalize_name(data.citizen_name), phone=normalize_phone(data.phone),
                      address=(data.address or "").strip(), content=(data.content or "").strip(),
                      outcome_note=(data.outcome_note or "").strip(), visited_at=data.visited_at or now,
                      representative_ids=list(dict.fromkeys(data.representative_ids)))
    if cleaned.visited_at > now + dt.timedelta(minutes=5):
        errors["visited_at"] = tr("接待时间不能晚于现在")
    elif cleaned.visited_at.year < 2000:
        errors["visited_at"] = tr("接待时间不对")
    if message := phone_error(cleaned.phone):
        errors["phone"] = tr(message)
    if not 1 <= cleaned.people_count <= 500:
        errors["people_count"] = tr("人数应在 1 到 500 之间")
    if cleaned.channel not in Channel.values():
        errors["channel"] = tr("渠道应为：{choices}", choices="、".join(c.label for c in Channel))
    if cleaned.category not in categories:
        errors["category"] = tr("请选择问题类别（可在“设置”中增加）")
    if not cleaned.content:
        errors["content"] = tr("请填写群众反映的问题")
    if cleaned.outcome not in Outcome.values():
        errors["outcome"] = tr("办理结果应为：{choices}", choices="、".join(o.label for o in Outcome))
    if cleaned.outcome == Outcome.SUGGESTION and open_referral and not cleaned.representative_ids:
        errors["representatives"] = tr("转为代表建议须选择接待代表（建议由他们提出）")
    if cleaned.outcome == Outcome.REFERRED and open_referral:
        ref = cleaned.referral or ReferralInput()
        if not ref.unit.strip():
            errors["unit"] = tr("交办须选择承办单位")
        most = DEADLINE_MAX[deadline_unit]
        if ref.deadline_count is not None and not 1 <= ref.deadline_count <= most:
            errors["deadline_days"] = tr("办理期限应为 1 到 {max}{unit}", max=most, unit=deadline_unit.label)
        cleaned.referral = replace(ref, unit=ref.unit.strip(), requirement=ref.requirement.strip())
    else:
        cleaned.referral = None
    return cleaned, errors


def _add_visit(session: Session, data: VisitInput, station_id: str | None, recorded_by: str) -> Visit:
    """Write a cleaned visit and its receiving representatives."""
    visit = Visit(station_id=station_id, visited_at=data.visited_at, citizen_name=data.citizen_name,
                  phone=data.phone, address=data.address, people_count=data.people_count, channel=data.channel,
                  category=data.category, content=data.content, outcome=data.outcome,
                  outcome_note=data.outcome_note, recorded_by=recorded_by)
    session.add(visit)
    session.flush()
    session.add_all(VisitRepresentative(visit_id=visit.id, representative_id=rep_id)
                    for rep_id in data.representative_ids)
    return visit


def record_visit(ctx: ServiceContext, data: VisitInput, now: dt.datetime | None = None) -> VisitSaved:
    """Save a visit in one transaction: for 交办 with its referral, for 转为代表建议 with a suggestion made by
    its receiving representatives, each with a new number. Any operator may."""
    with ctx.write() as session:
        settings = settings_service.read(ctx)
        cleaned, errors = _clean_visit(data, settings.categories, now, deadline_unit=settings.deadline_rule.unit)
        if errors:
            raise ValidationFailed(errors)
        known = set(session.scalars(select(Representative.id).where(Representative.id.in_(cleaned.representative_ids))))
        if missing := [i for i in cleaned.representative_ids if i not in known]:
            raise ValidationFailed({"representatives": tr("找不到接待代表：{ids}", ids="、".join(missing))})
        visit = _add_visit(session, cleaned, ctx.station_id, ctx.operator.name)
        if cleaned.outcome == Outcome.SUGGESTION:
            suggestion = suggestions._open_from_visit(session, visit, cleaned.representative_ids, settings,
                                                      ctx.operator.name)
            return VisitSaved(visit.id, suggestion_id=suggestion.id, suggestion_number=suggestion.number)
        if cleaned.referral is None:
            return VisitSaved(visit.id)
        ref = cleaned.referral
        referral = referrals._open_referral(session, visit, settings, ref.unit, ref.requirement,
                                            cleaned.visited_at.date(), ref.deadline_count, at=cleaned.visited_at,
                                            by_whom=ctx.operator.name)
        return VisitSaved(visit.id, referral.id, referral.number)


def void_visit(ctx: ServiceContext, visit_id: str, reason: str) -> None:
    """作废 — a visit recorded by mistake stays in the database, marked void with the reason. Administrators only.
    A suggestion it opened goes with it while still 待研判; one already routed stops the void."""
    with ctx.write(admin_only=True) as session:
        open_refs = session.scalars(select(Referral.number).where(
            Referral.visit_id == visit_id, Referral.voided_at.is_(None),
            Referral.state != ReferralState.CLOSED)).all()
        if open_refs:
            raise StationError(tr("这次接待有未办结的交办单 {numbers}，请先在“三单办理”中作废或办结",
                                  numbers="、".join(open_refs)))
        visit = session.get(Visit, visit_id)
        mark_void(visit, reason, ctx.operator.name, record_id=visit_id)
        suggestions._release_visit(session, visit, tr("已作废：{reason}", reason=reason.strip()),
                                   by_whom=ctx.operator.name)


# --- Searching -------------------------------------------------------------------------------


@dataclass
class VisitFilter:
    text: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    channel: str = ""
    category: str = ""
    outcome: str = ""
    representative_id: str = ""
    include_voided: bool = False
    #: a column of VisitRow to sort by, and its direction
    sort: str = "visited_at"
    descending: bool = True


@dataclass(frozen=True)
class VisitRow:
    id: str
    visited_at: dt.datetime
    citizen_name: str
    phone: str
    address: str
    people_count: int
    channel: str
    category: str
    content: str
    outcome: str
    voided: bool


SORTABLE = {"visited_at": Visit.visited_at, "citizen_name": Visit.citizen_name, "phone": Visit.phone,
            "address": Visit.address, "people_count": Visit.people_count, "channel": Visit.channel,
            "category": Visit.category, "outcome": Visit.outcome, "content": Visit.content}


def _filtered(query: Select, flt: VisitFilter) -> Select:
    if not flt.include_voided:
        query = query.where(Visit.voided_at.is_(None))
    if flt.start:
        query = query.where(Visit.visited_at >= dt.datetime.combine(flt.start, dt.time.min))
    if flt.end:
        query = query.where(Visit.visited_at < dt.datetime.combine(flt.end + dt.timedelta(days=1), dt.time.min))
    for column, value in ((Visit.channel, flt.channel), (Visit.category, flt.category), (Visit.outcome, flt.outcome)):
        if value:
            query = query.where(column == value)
    if flt.representative_id:
        query = query.where(Visit.id.in_(select(VisitRepresentative.visit_id).where(
            VisitRepresentative.representative_id == flt.representative_id)))
    words = flt.text.lower().split()
    if words:
        # Driven by the narrow search table, newest first, so a page of matches stops the scan early.
        query = query.join(VisitSearch, VisitSearch.visit_id == Visit.id)
        for word in words:
            query = query.where(contains_text(VisitSearch.text, word))
    return query


def count_visits(ctx: ServiceContext, flt: VisitFilter, cap: int | None = None) -> int:
    """How many visits match; with ``cap``, stop counting there (a search box needs no more)."""
    inner = _filtered(select(Visit.id), flt)
    if cap is not None:
        inner = inner.limit(cap)
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(inner.subquery())) or 0


def visit_page(ctx: ServiceContext, flt: VisitFilter, offset: int, limit: int) -> list[VisitRow]:
    """One page of the matching visits, in the filter's order."""
    column = SORTABLE.get(flt.sort, Visit.visited_at)
    if column is Visit.visited_at and flt.text.split():
        column = VisitSearch.visited_at
    order = [column.desc() if flt.descending else column.asc()]
    if column not in (Visit.visited_at, VisitSearch.visited_at):
        order.append(Visit.visited_at.desc())
    query = _filtered(select(Visit.id, Visit.visited_at, Visit.citizen_name, Visit.phone, Visit.address,
                             Visit.people_count, Visit.channel, Visit.category, Visit.content, Visit.outcome,
                             Visit.voided_at), flt).order_by(*order).offset(offset).limit(limit)
    with ctx.read() as session:
        return [VisitRow(*row[:10], row[10] is not None) for row in session.execute(query)]


@dataclass(frozen=True)
class VisitDetail:
    visit: VisitRow
    outcome_note: str
    recorded_by: str
    void_reason: str
    representatives: tuple[str, ...]
    referrals: tuple[referrals.ReferralSummary, ...]


def visit_detail(ctx: ServiceContext, visit_id: str) -> VisitDetail:
    """A visit with who received it, who recorded it, and the referrals it opened."""
    with ctx.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFound(tr("找不到这条接待记录"))
        names = tuple(session.scalars(select(Representative.name).join(
            VisitRepresentative, VisitRepresentative.representative_id == Representative.id).where(
            VisitRepresentative.visit_id == visit_id, VisitRepresentative.voided_at.is_(None))))
        row = VisitRow(visit.id, visit.visited_at, visit.citizen_name, visit.phone, visit.address, visit.people_count,
                       visit.channel, visit.category, visit.content, visit.outcome, visit.is_voided)
        note, recorded_by, void_reason = visit.outcome_note, visit.recorded_by, visit.void_reason or ""
    return VisitDetail(row, note, recorded_by, void_reason, names,
                       tuple(referrals.summaries_for_visit(ctx, visit_id)))


# --- Import and export -----------------------------------------------------------------------

VISIT_HEADERS: dict[str, tuple[str, ...]] = {
    "visited_at": ("接待时间", "来访时间", "日期", "时间"),
    "citizen_name": ("来访人", "姓名", "来访人姓名", "群众姓名"),
    "phone": ("联系电话", "电话", "手机"),
    "address": ("住址", "地址", "村(社区)", "村（社区）", "所在村"),
    "people_count": ("人数", "来访人数"),
    "channel": ("渠道", "接待方式", "来访方式"),
    "category": ("问题类别", "类别", "分类"),
    "content": ("反映问题", "反映内容", "诉求内容", "主要内容", "问题"),
    "representatives": ("接待代表", "接待人", "代表"),
    "outcome": ("办理结果", "处理结果", "办理情况", "结果"),
    "outcome_note": ("备注", "说明"),
}
VISIT_WIDTHS = {"visited_at": 17, "citizen_name": 10, "phone": 14, "address": 22, "people_count": 6, "channel": 10,
                "category": 10, "content": 50, "representatives": 16, "outcome": 12, "outcome_note": 24}


def _parse_time(text: str) -> dt.datetime | None:
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    day = parse_day(text)
    return dt.datetime.combine(day, dt.time(9, 0)) if day else None


_VISIT_LABELS = {key: headers[0] for key, headers in VISIT_HEADERS.items()}


@dataclass(frozen=True)
class _KnownForVisits:
    """What a visit row is checked against: the categories, and the representatives by name."""

    categories: list[str]
    reps_by_name: dict[str, list[str]]


class VisitImporter:
    """An old paper log typed into Excel. Imported visits are history: an outcome of 交办 is kept as
    the outcome, without opening a referral; a category the station does not use becomes 其他."""

    headers = VISIT_HEADERS
    required = ("visited_at", "content")

    def __init__(self, ctx: ServiceContext, now: dt.datetime | None = None) -> None:
        self.ctx = ctx
        self.now = now

    def known(self, session: Session) -> _KnownForVisits:
        reps: dict[str, list[str]] = {}
        for rep_id, name in session.execute(select(Representative.id, Representative.name).where(
                Representative.voided_at.is_(None))):
            reps.setdefault(name, []).append(rep_id)
        return _KnownForVisits(settings_service.read(self.ctx).categories, reps)

    def check(self, sheet_row: SheetRow, known: _KnownForVisits) -> ImportRow[VisitInput]:
        values = sheet_row.values
        errors: dict[str, str] = {}
        visited_at = _parse_time(values["visited_at"])
        if visited_at is None:
            errors["visited_at"] = tr("时间“{text}”看不懂，应为 2025-03-05 09:30 或 2025-03-05", text=values["visited_at"])
        count_text = values["people_count"] or "1"
        try:
            people = int(float(count_text))
        except ValueError:
            people = 1
            errors["people_count"] = tr("人数“{text}”不是数字", text=count_text)
        rep_ids = []
        for name in filter(None, (normalize_name(n) for n in values["representatives"].replace("，", "、").replace(
                ",", "、").replace(" ", "、").split("、"))):
            found = known.reps_by_name.get(name, [])
            if len(found) != 1:
                errors["representatives"] = (tr("名册中没有代表“{name}”", name=name) if not found
                                             else tr("名册中有 {n} 位“{name}”", n=len(found), name=name))
            else:
                rep_ids.append(found[0])
        category = values["category"] or FALLBACK_CATEGORY
        data = VisitInput(visited_at=visited_at, citizen_name=values["citizen_name"], phone=values["phone"],
                          address=values["address"], people_count=people,
                          channel=values["channel"] or Channel.STATION,
                          category=category if category in known.categories else FALLBACK_CATEGORY,
                          content=values["content"], outcome=values["outcome"] or Outcome.OTHER,
                          outcome_note=values["outcome_note"], representative_ids=rep_ids)
        cleaned, field_errors = _clean_visit(data, known.categories + [FALLBACK_CATEGORY], self.now,
                                             open_referral=False)
        for key, message in field_errors.items():
            errors.setdefault(key, message)
        label = f"{cleaned.citizen_name or tr('匿名')} {values['visited_at']}"
        reasons = [f"{tr(_VISIT_LABELS.get(k, k))}：{v}" for k, v in errors.items()]
        if reasons:
            return ImportRow(sheet_row.row_number, label, ImportAction.REFUSE, reasons)
        return ImportRow(sheet_row.row_number, label, ImportAction.ADD, data=cleaned)

    def write(self, session: Session, rows: Sequence[ImportRow[VisitInput]], known: _KnownForVisits) -> None:
        station_id, operator = self.ctx.station_id, self.ctx.operator.name
        for row in rows:
            if row.data is not None:
                _add_visit(session, row.data, station_id, operator)


def preview_visit_import(ctx: ServiceContext, path: Path | str,
                         now: dt.datetime | None = None) -> ImportPreview[VisitInput]:
    """Read an old paper log typed into Excel and say, row by row, what importing it would do. Writes nothing."""
    return preview_import(ctx, VisitImporter(ctx, now), path)


def commit_visit_import(ctx: ServiceContext, preview: ImportPreview[VisitInput], skip_refused: bool = False,
                        now: dt.datetime | None = None) -> ImportResult:
    """Write the previewed visits in one transaction: all of them, or (``skip_refused``) all but the refused."""
    return commit_import(ctx, VisitImporter(ctx, now), preview, skip_refused=skip_refused)


def export_visits(ctx: ServiceContext, path: Path | str, flt: VisitFilter | None = None) -> int:
    """The same columns the import reads (streamed, so 200,000 visits fit); returns the rows written."""
    flt = flt or VisitFilter()
    total = count_visits(ctx, flt)
    station = ctx.station.name
    with ctx.read() as session:
        referred: dict[str, list[tuple[str, str]]] = {}  # visit → its referrals' numbers and states
        for visit_id, number, state in session.execute(select(Referral.visit_id, Referral.number, Referral.state).where(
                Referral.voided_at.is_(None), Referral.visit_id.is_not(None)).order_by(Referral.year, Referral.seq)):
            referred.setdefault(visit_id, []).append((number, state))
        reps_of: dict[str, list[str]] = {}
        for visit_id, name in session.execute(select(VisitRepresentative.visit_id, Representative.name).join(
                Representative, VisitRepresentative.representative_id == Representative.id).where(
                VisitRepresentative.voided_at.is_(None))):
            reps_of.setdefault(visit_id, []).append(name)

        def records() -> Iterable[dict[str, object]]:
            query = _filtered(select(Visit), flt).order_by(Visit.visited_at).execution_options(yield_per=2000)
            for visit in session.scalars(query):
                yield {"visited_at": visit.visited_at, "citizen_name": visit.citizen_name, "phone": visit.phone,
                       "address": visit.address, "people_count": visit.people_count, "channel": visit.channel,
                       "category": visit.category, "content": visit.content,
                       "representatives": "、".join(reps_of.get(visit.id, [])), "outcome": visit.outcome,
                       "outcome_note": visit.outcome_note,
                       "referral_number": "、".join(number for number, _ in referred.get(visit.id, [])),
                       "referral_state": "、".join(state for _, state in referred.get(visit.id, []))}

        columns = [Column(key, headers[0], VISIT_WIDTHS[key],
                          "datetime" if key == "visited_at" else "int" if key == "people_count" else "text")
                   for key, headers in VISIT_HEADERS.items()]
        # After the columns the import reads: what became of a referred visit (the import leaves these).
        columns += [Column("referral_number", "交办单编号", 20), Column("referral_state", "交办状态", 10)]
        write_workbook(Path(path), [SheetSpec("接待登记", columns, records(), heading=f"{station}接待群众登记表",
                                              landscape=True)])
    return total


@dataclass(frozen=True)
class ReceivingRepresentative:
    """A representative who can be named as receiving a visit."""

    id: str
    name: str
    unit: str            # delegation, or group
    on_duty: bool        # on today's roster
    pinyin: str          # stored with the person: typing 'zs' finds 张三 without computing pinyin here


def representatives_for_reception(ctx: ServiceContext, day: dt.date) -> list[ReceivingRepresentative]:
    """Active representatives in pinyin order, today's duty first (not one whose turn went to a stand-in)."""
    on_duty = (select(DutyAssignment.id).join(DutySlot, DutyAssignment.slot_id == DutySlot.id).where(
        DutyAssignment.representative_id == Representative.id, DutySlot.day == day,
        DutyAssignment.voided_at.is_(None), DutyAssignment.attendance != Attendance.REPLACED).exists())
    with ctx.read() as session:
        rows = session.execute(
            select(Representative.id, Representative.name, Delegation.name, RepGroup.name, Representative.pinyin,
                   on_duty)
            .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
            .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
            .where(Representative.voided_at.is_(None), Representative.active.is_(True))
            .order_by(Representative.pinyin)).all()
    people = [ReceivingRepresentative(rep_id, name, delegation or group or "", bool(duty), pinyin)
              for rep_id, name, delegation, group, pinyin, duty in rows]
    return sorted(people, key=lambda p: not p.on_duty)
