"""履职活动 — what representatives did besides duty and reception: 视察调研, 参加会议, 学习培训 and the kinds a
station adds; who took part, who was absent, and for a training who passed. Record, edit, void, list,
import from Excel (the common pipeline), export.

An activity belongs to the station that recorded it. Its participants are representatives: each
present or absent, and for 学习培训 passed, failed or not assessed. An edit replaces the participants:
a person no longer named is voided from the activity, a person named again comes back, so the
history of who was listed stays in the database.

A workbook names representatives as the pages do: the name alone, or for a name two people share,
the name with what tells them apart (``张建华（西岭乡代表团）``, ``张建华（尾号0985）``) — the export writes
them so, and the import reads them back.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from station_app.db.functions import contains_text
from station_app.db.models import (
    Activity,
    ActivityParticipant,
    Delegation,
    RepGroup,
    Representative,
    Station,
    new_id,
    utcnow,
)
from station_app.i18n import tr
from station_app.io.excel import SheetRow, clean_text
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.services import importing
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, ValidationFailed
from station_app.services.importing import ImportPreview, ImportResult, ImportRow
from station_app.services.roster_people import NamedPerson, display_names
from station_app.services.validation import normalize_name, parse_yes_no
from station_app.services.voiding import mark_void
from station_app.services.work_calendar import parse_day
from station_app.vocab import ActivityKind, ImportAction

#: why a participant left an activity when an edit no longer names them
_DROPPED = "编辑活动时移出参加名单"


@dataclass(frozen=True)
class Participant:
    """One representative on an activity: present or absent; for 学习培训 passed (True), failed (False) or
    not assessed (None)."""

    representative_id: str
    present: bool = True
    passed: bool | None = None


@dataclass
class ActivityInput:
    """What the dialog and an import row carry."""

    kind: str = ""
    day: dt.date | None = None
    place: str = ""
    theme: str = ""
    notes: str = ""
    participants: list[Participant] = field(default_factory=list)
    #: the station it belongs to; None: this PC's station (an import row may name another)
    station_id: str | None = None


@dataclass(frozen=True)
class ActivityRow:
    """One activity in the list."""

    id: str
    kind: str
    day: dt.date
    place: str
    theme: str
    participants: int
    present: int
    passed: int
    station: str
    voided: bool = False


@dataclass(frozen=True)
class ParticipantRow:
    representative_id: str
    #: the name told apart from namesakes (张建华（西岭乡代表团）)
    name: str
    unit: str
    present: bool
    passed: bool | None


@dataclass(frozen=True)
class ActivityDetail:
    id: str
    kind: str
    day: dt.date
    place: str
    theme: str
    notes: str
    station: str
    recorded_by: str
    voided: bool
    void_reason: str
    participants: tuple[ParticipantRow, ...]

    def as_input(self) -> ActivityInput:
        return ActivityInput(self.kind, self.day, self.place, self.theme, self.notes,
                             [Participant(p.representative_id, p.present, p.passed) for p in self.participants])


@dataclass(frozen=True)
class PickableRepresentative:
    """A representative who can be named on an activity, as the picker lists them."""

    id: str
    #: the name told apart from namesakes
    name: str
    #: delegation, or group
    unit: str
    pinyin: str


# --- Kinds -----------------------------------------------------------------------------------


def kinds(ctx: ServiceContext) -> list[str]:
    """The kinds an activity may have: the standard ones, then those the station added in its settings."""
    standard = list(ActivityKind.values())
    return standard + [k for k in settings_service.read(ctx).extra_activity_kinds if k not in standard]


def kind_label(kind: str) -> str:
    """A kind as a person reads it: a standard kind in the interface language, a station's own as typed."""
    return ActivityKind.label_of(kind)


def _parse_kind(text: str, allowed: Sequence[str]) -> str | None:
    """The stored kind written as ``text`` (a standard kind by either label), or None when not allowed."""
    member = ActivityKind.parse(text)
    if member is not None:
        return member.value
    text = (text or "").strip()
    return text if text in allowed else None


def _kind_refusal(text: str, allowed: Sequence[str]) -> str:
    return tr("活动类型“{kind}”不在可选的类型中（{kinds}；可在“设置”中增加本站的类型）", kind=text,
              kinds="、".join(kind_label(k) for k in allowed))


# --- Recording -------------------------------------------------------------------------------


def _clean(data: ActivityInput, allowed: Sequence[str]) -> tuple[ActivityInput, dict[str, str]]:
    """Normalise what was typed; say, field by field, what is wrong."""
    errors: dict[str, str] = {}
    kind = _parse_kind(data.kind, allowed)
    if not (data.kind or "").strip():
        errors["kind"] = tr("请选择活动类型")
    elif kind is None:
        errors["kind"] = _kind_refusal(data.kind, allowed)
    if data.day is None:
        errors["day"] = tr("请填写活动日期")
    elif data.day.year < 2000:
        errors["day"] = tr("活动日期不对：{day}", day=data.day.isoformat())
    training = kind == ActivityKind.TRAINING
    people: dict[str, Participant] = {}
    for person in data.participants:
        passed = person.passed if person.present else None  # nobody passes a training they missed
        if passed is not None and not training:
            errors["passed"] = tr("只有学习培训可以记“通过”与否")
        people[person.representative_id] = Participant(person.representative_id, bool(person.present), passed)
    if not people:
        errors["participants"] = tr("请至少选择一位参加的代表")
    cleaned = ActivityInput(kind or (data.kind or "").strip(), data.day, (data.place or "").strip(),
                            (data.theme or "").strip(), (data.notes or "").strip(), list(people.values()),
                            data.station_id)
    if len(cleaned.place) > 200:
        errors["place"] = tr("地点太长（最多 200 字）")
    if len(cleaned.theme) > 300:
        errors["theme"] = tr("主题太长（最多 300 字）")
    return cleaned, errors


def _check_people(session: Session, participants: Sequence[Participant]) -> None:
    ids = [p.representative_id for p in participants]
    found: dict[str, Representative] = {}
    for chunk in _chunks(ids):
        found.update((rep.id, rep) for rep in session.scalars(select(Representative).where(Representative.id.in_(chunk))))
    if missing := [i for i in ids if i not in found]:
        raise ValidationFailed({"participants": tr("找不到代表：{ids}", ids="、".join(missing))})
    if voided := [found[i].name for i in ids if found[i].is_voided]:
        raise ValidationFailed({"participants": tr("代表“{names}”已作废，不能记入活动", names="、".join(voided))})


def _write(session: Session, activity: Activity, data: ActivityInput, operator: str, *, new: bool = False) -> None:
    """Put ``data`` into ``activity`` and make its participants exactly ``data.participants``; ``new``: an
    activity not yet stored (its id given), which has no participants to look up."""
    activity.kind, activity.day, activity.place = data.kind, data.day, data.place
    activity.theme, activity.notes = data.theme, data.notes
    if new:
        session.add(activity)
        session.add_all(ActivityParticipant(activity_id=activity.id, representative_id=p.representative_id,
                                            present=p.present, passed=p.passed) for p in data.participants)
        return
    session.flush()
    stored = {p.representative_id: p for p in session.scalars(
        select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id)
        .order_by(ActivityParticipant.voided_at.is_(None)))}  # a live row wins over a voided one
    wanted = {p.representative_id: p for p in data.participants}
    for rep_id, row in stored.items():
        if rep_id not in wanted and not row.is_voided:
            row.voided_at, row.void_reason, row.voided_by = utcnow(), _DROPPED, operator
    for rep_id, person in wanted.items():
        row = stored.get(rep_id)
        if row is None:
            session.add(ActivityParticipant(activity_id=activity.id, representative_id=rep_id,
                                            present=person.present, passed=person.passed))
            continue
        if row.is_voided:
            row.voided_at = row.void_reason = row.voided_by = None
        if (row.present, row.passed) != (person.present, person.passed):
            row.present, row.passed = person.present, person.passed


def save_activity(ctx: ServiceContext, data: ActivityInput, activity_id: str | None = None) -> str:
    """Record a new activity, or change one (its participants become those given); returns its id."""
    allowed = kinds(ctx)
    cleaned, errors = _clean(data, allowed)
    if errors:
        raise ValidationFailed(errors)
    with ctx.write() as session:
        _check_people(session, cleaned.participants)
        if activity_id is None:
            activity = Activity(id=new_id(), station_id=cleaned.station_id or ctx.station_id,
                                recorded_by=ctx.operator.name)
        else:
            activity = session.get(Activity, activity_id)
            if activity is None:
                raise NotFound(tr("找不到这次活动：{id}", id=activity_id))
            if activity.is_voided:
                raise ValidationFailed({"activity": tr("这次活动已作废，不能再修改")})
        _write(session, activity, cleaned, ctx.operator.name, new=activity_id is None)
        session.flush()
        return activity.id


def void_activity(ctx: ServiceContext, activity_id: str, reason: str) -> None:
    """作废 — an activity recorded by mistake stays in the database, marked void with the reason; it no
    longer counts for anyone's record or points. Administrators only (as for a visit)."""
    with ctx.write(admin_only=True) as session:
        mark_void(session.get(Activity, activity_id), reason, ctx.operator.name, record_id=activity_id)


# --- Reading ---------------------------------------------------------------------------------


def _rep_names(session: Session, *, chinese: bool = False) -> dict[str, tuple[str, str]]:
    """Every representative not voided → (the name told apart from namesakes, delegation or group)."""
    people = [NamedPerson(rep_id, name, delegation or group or "", phone or "", rep_id)
              for rep_id, name, delegation, group, phone in session.execute(
                  select(Representative.id, Representative.name, Delegation.name, RepGroup.name, Representative.phone)
                  .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
                  .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
                  .where(Representative.voided_at.is_(None)))]
    shown = display_names(people, chinese=chinese)
    return {p.key: (shown[p.key], p.unit) for p in people}


def representatives_for_activity(ctx: ServiceContext) -> list[PickableRepresentative]:
    """The representatives in office, in pinyin order, each under the name that tells them apart."""
    with ctx.read() as session:
        names = _rep_names(session)
        rows = session.execute(select(Representative.id, Representative.pinyin).where(
            Representative.voided_at.is_(None), Representative.active.is_(True))
            .order_by(Representative.pinyin, Representative.id)).all()
    return [PickableRepresentative(rep_id, *names[rep_id], pinyin or "") for rep_id, pinyin in rows]


def list_activities(ctx: ServiceContext, start: dt.date | None = None, end: dt.date | None = None,
                    kind: str | None = None, text: str | None = None, rep_id: str | None = None,
                    include_voided: bool = False) -> list[ActivityRow]:
    """The activities of a period (both ends included), newest first, with how many took part, were present
    and passed; narrowed by kind, by words of the theme, place or notes, and by one representative."""
    live = ActivityParticipant.voided_at.is_(None)
    counts = (select(ActivityParticipant.activity_id.label("activity_id"),
                     func.count().label("people"),
                     func.sum(case((ActivityParticipant.present.is_(True), 1), else_=0)).label("present"),
                     func.sum(case((ActivityParticipant.passed.is_(True), 1), else_=0)).label("passed"))
              .where(live).group_by(ActivityParticipant.activity_id).subquery())
    query = (select(Activity.id, Activity.kind, Activity.day, Activity.place, Activity.theme,
                    func.coalesce(counts.c.people, 0), func.coalesce(counts.c.present, 0),
                    func.coalesce(counts.c.passed, 0), func.coalesce(Station.name, ""), Activity.voided_at)
             .outerjoin(counts, counts.c.activity_id == Activity.id)
             .outerjoin(Station, Activity.station_id == Station.id))
    if not include_voided:
        query = query.where(Activity.voided_at.is_(None))
    if start:
        query = query.where(Activity.day >= start)
    if end:
        query = query.where(Activity.day <= end)
    if kind:
        query = query.where(Activity.kind == kind)
    for word in (text or "").lower().split():
        query = query.where(or_(*(contains_text(func.lower(column), word)
                                  for column in (Activity.theme, Activity.place, Activity.notes, Activity.kind))))
    if rep_id:
        query = query.where(Activity.id.in_(select(ActivityParticipant.activity_id).where(
            ActivityParticipant.representative_id == rep_id, live)))
    query = query.order_by(Activity.day.desc(), Activity.created_at.desc())
    with ctx.read() as session:
        return [ActivityRow(*row[:9], row[9] is not None) for row in session.execute(query)]


def activity_detail(ctx: ServiceContext, activity_id: str) -> ActivityDetail:
    """An activity with everyone who took part (present ones first, then by pinyin)."""
    with ctx.read() as session:
        activity = session.get(Activity, activity_id)
        if activity is None:
            raise NotFound(tr("找不到这次活动：{id}", id=activity_id))
        station = session.get(Station, activity.station_id) if activity.station_id else None
        names = _rep_names(session)
        people = session.execute(
            select(ActivityParticipant.representative_id, ActivityParticipant.present, ActivityParticipant.passed,
                   Representative.name)
            .join(Representative, ActivityParticipant.representative_id == Representative.id)
            .where(ActivityParticipant.activity_id == activity_id, ActivityParticipant.voided_at.is_(None))
            .order_by(ActivityParticipant.present.desc(), Representative.pinyin, Representative.id)).all()
        participants = tuple(ParticipantRow(rep_id, *names.get(rep_id, (name, "")), present, passed)
                             for rep_id, present, passed, name in people)
        return ActivityDetail(activity.id, activity.kind, activity.day, activity.place, activity.theme, activity.notes,
                              station.name if station else "", activity.recorded_by, activity.is_voided,
                              activity.void_reason or "", participants)


# --- Import and export -----------------------------------------------------------------------

ACTIVITY_HEADERS: dict[str, tuple[str, ...]] = {
    "day": ("日期", "活动日期", "时间", "活动时间"),
    "kind": ("类型", "活动类型", "活动类别", "类别"),
    "place": ("地点", "活动地点"),
    "theme": ("主题", "活动主题", "活动名称", "活动内容", "内容"),
    "present": ("参加代表", "出席代表", "参加人员", "参加人"),
    "absent": ("缺席代表", "缺席人员", "请假代表"),
    "passed": ("通过", "是否通过", "考核通过", "培训通过"),
    "failed": ("未通过代表", "未通过人员"),
    "station": ("联络站", "所属联络站"),
    "notes": ("备注", "说明"),
}
ACTIVITY_WIDTHS = {"day": 12, "kind": 14, "place": 22, "theme": 32, "present": 48, "absent": 20, "passed": 8,
                   "failed": 16, "station": 22, "notes": 24}
_LABELS = {key: headers[0] for key, headers in ACTIVITY_HEADERS.items()}

_OPEN, _CLOSE = "(（[【〔", ")）]】〕"
_SEPARATORS = "、，,;；/ \t\n"
_PHONE_TAIL = re.compile(r"尾号\s*(\d{4})")
_CODE = re.compile(r"编号\s*([0-9a-fA-F-]{4,36})")


def split_names(text: str) -> list[str]:
    """'张三、李四，王五 赵六(西岭乡代表团,尾号0985)' → the names, each with what tells it apart; a separator
    inside brackets belongs to the name."""
    names, current, depth = [], [], 0
    for char in text or "":
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and char in _SEPARATORS:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]


def _key(text: str) -> str:
    return clean_text(text).replace(" ", "").casefold()


@dataclass(frozen=True)
class _Person:
    id: str
    name: str
    units: frozenset[str]
    phone_tail: str


@dataclass
class _KnownForActivities:
    """What activity rows are checked against: the kinds, the stations, the representatives by name,
    the stored activities by (day, kind, theme, station), and what earlier rows of this pass held."""

    kinds: list[str]
    stations: dict[str, str]
    people: dict[str, list[_Person]]
    #: (day, kind, theme, station id) → (activity id, what is stored, in the form a row is read into)
    stored: dict[tuple, tuple[str, ActivityInput]]
    seen: dict[tuple, int] = field(default_factory=dict)


def _find_person(token: str, known: _KnownForActivities) -> tuple[str | None, str]:
    """(the representative's id, '') for a name in a workbook, or (None, why not)."""
    token = clean_text(token)
    match = re.fullmatch(r"(.+?)\s*[(（\[【〔](.*)[)）\]】〕]", token)
    name, qualifier = (match.group(1), match.group(2)) if match else (token, "")
    name = normalize_name(name)
    found = known.people.get(name, [])
    if not found:
        return None, tr("名册中没有代表“{name}”", name=name)
    if qualifier:
        for part in re.split(r"[,，;；]", qualifier):
            part = part.strip()
            if not part:
                continue
            if tail := _PHONE_TAIL.fullmatch(part):
                found = [p for p in found if p.phone_tail == tail.group(1)]
            elif code := _CODE.fullmatch(part):
                found = [p for p in found if p.id.lower().startswith(code.group(1).lower())]
            else:
                found = [p for p in found if _key(part) in p.units]
        if not found:
            return None, tr("名册中没有“{token}”这位代表", token=token)
    if len(found) > 1:
        return None, tr("名册中有 {n} 位“{name}”，请写明代表团或手机尾号以区分，如“{name}（代表团名称）”",
                        n=len(found), name=name)
    return found[0].id, ""


def _names_in(text: str, known: _KnownForActivities, errors: list[str], column: str) -> list[str]:
    ids = []
    for token in split_names(text):
        rep_id, why = _find_person(token, known)
        if rep_id is None:
            errors.append(f"{tr(_LABELS[column])}：{why}")
        elif rep_id not in ids:
            ids.append(rep_id)
    return ids


def _same(a: ActivityInput, b: ActivityInput) -> bool:
    """Whether a row says what is stored, read as a workbook reads (full-width forms, line breaks)."""
    def people(x: ActivityInput) -> set[tuple[str, bool, bool | None]]:
        return {(p.representative_id, p.present, p.passed) for p in x.participants}

    def text(x: ActivityInput) -> tuple[str, ...]:
        return tuple(clean_text(v) for v in (x.kind, x.place, x.theme, x.notes))

    return a.day == b.day and text(a) == text(b) and people(a) == people(b)


def _activity_key(day: dt.date, kind: str, theme: str, station_id: str | None) -> tuple:
    """What makes two records one activity: the day, the kind, the theme (as a workbook reads it), the station."""
    return day, kind, _key(theme), station_id


class ActivityImporter:
    """Activities kept in Excel: one row an activity, its present and absent representatives by name.

    A row for an activity already stored (same day, kind, theme and station) updates it, or leaves it
    as it is when nothing differs, so importing one workbook twice adds nothing the second time. A place
    or a note left empty keeps what is stored.
    """

    headers = ACTIVITY_HEADERS
    required = ("day", "kind", "present")

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.station_id = ctx.station_id
        self.kinds = kinds(ctx)

    def known(self, session: Session) -> _KnownForActivities:
        people: dict[str, list[_Person]] = defaultdict(list)
        for rep_id, name, delegation, group, phone in session.execute(
                select(Representative.id, Representative.name, Delegation.name, RepGroup.name, Representative.phone)
                .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
                .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
                .where(Representative.voided_at.is_(None))):
            digits = re.sub(r"\D", "", phone or "")
            people[name].append(_Person(rep_id, name, frozenset(_key(u) for u in (delegation, group) if u),
                                        digits[-4:] if len(digits) >= 4 else ""))
        stations = {}
        for station_id, name, code in session.execute(select(Station.id, Station.name, Station.code).where(
                Station.voided_at.is_(None))):
            stations[_key(name)] = stations[_key(code)] = station_id
        by_activity: dict[str, list[Participant]] = defaultdict(list)
        for activity_id, rep_id, present, passed in session.execute(
                select(ActivityParticipant.activity_id, ActivityParticipant.representative_id,
                       ActivityParticipant.present, ActivityParticipant.passed)
                .join(Activity, ActivityParticipant.activity_id == Activity.id)
                .where(ActivityParticipant.voided_at.is_(None), Activity.voided_at.is_(None))):
            by_activity[activity_id].append(Participant(rep_id, present, passed))
        stored = {}
        for activity in session.scalars(select(Activity).where(Activity.voided_at.is_(None))
                                        .order_by(Activity.created_at)):
            key = _activity_key(activity.day, activity.kind, activity.theme, activity.station_id)
            stored.setdefault(key, (activity.id, ActivityInput(activity.kind, activity.day, activity.place,
                                                               activity.theme, activity.notes,
                                                               by_activity.get(activity.id, []))))
        return _KnownForActivities(self.kinds, stations, dict(people), stored)

    def check(self, row: SheetRow, known: _KnownForActivities) -> ImportRow[ActivityInput]:
        values = row.values
        reasons: list[str] = []
        day = parse_day(values["day"])
        if day is None:
            reasons.append(tr("日期：“{text}”看不懂，应为 2026-03-05", text=values["day"])
                           if values["day"] else tr("日期：未填写"))
        kind = _parse_kind(values["kind"], known.kinds)
        if kind is None:
            reasons.append(f"{tr('类型')}：" + (_kind_refusal(values["kind"], known.kinds) if values["kind"]
                                                 else tr("未填写")))
        station_id = self.station_id
        if values["station"]:
            station_id = known.stations.get(_key(values["station"]))
            if station_id is None:
                reasons.append(tr("联络站：没有名为“{name}”的联络站", name=values["station"]))
        present = _names_in(values["present"], known, reasons, "present")
        absent = _names_in(values["absent"], known, reasons, "absent")
        failed = _names_in(values["failed"], known, reasons, "failed")
        if both := [i for i in absent if i in present]:
            reasons.append(tr("缺席代表：{n} 人同时写在参加代表中", n=len(both)))
        passed_all = None
        if values["passed"]:
            passed_all = parse_yes_no(values["passed"])
            if passed_all is None:
                reasons.append(tr("通过：“{value}”应填“是”或“否”", value=values["passed"]))
        assessed = bool(values["passed"] or values["failed"])
        if assessed and kind is not None and kind != ActivityKind.TRAINING:
            reasons.append(tr("通过：只有学习培训可以记“通过”与否"))
        if [i for i in failed if i not in present]:
            reasons.append(tr("未通过代表：应是出席培训的代表"))
        if not present and not absent and not reasons:
            reasons.append(tr("参加代表：请至少写一位代表"))
        theme = values["theme"]
        label = f"{values['day']} {theme or values['kind']}".strip()
        if reasons:
            return ImportRow(row.row_number, label, ImportAction.REFUSE, reasons)

        def passed_of(rep_id: str) -> bool | None:
            if not assessed:
                return None
            return False if rep_id in failed or passed_all is False else True

        participants = [Participant(i, True, passed_of(i)) for i in present] + \
                       [Participant(i, False, None) for i in absent]
        data = ActivityInput(kind, day, values["place"], theme, values["notes"], participants)
        cleaned, errors = _clean(data, known.kinds)
        if errors:
            return ImportRow(row.row_number, label, ImportAction.REFUSE, list(errors.values()))
        key = _activity_key(cleaned.day, cleaned.kind, cleaned.theme, station_id)
        if key in known.seen:
            return ImportRow(row.row_number, label, ImportAction.REFUSE,
                             [tr("与第 {row} 行是同一天、同类型、同主题的活动，重复", row=known.seen[key])])
        known.seen[key] = row.row_number
        cleaned.station_id = station_id
        stored = known.stored.get(key)
        if stored is None:
            return ImportRow(row.row_number, label, ImportAction.ADD, data=cleaned)
        activity_id, before = stored
        cleaned.place = cleaned.place or before.place
        cleaned.notes = cleaned.notes or before.notes
        action = ImportAction.SAME if _same(cleaned, before) else ImportAction.UPDATE
        return ImportRow(row.row_number, label, action, data=cleaned, match_id=activity_id)

    def write(self, session: Session, rows: Sequence[ImportRow[ActivityInput]], known: _KnownForActivities) -> None:
        operator = self.ctx.operator.name
        for row in rows:
            data = row.data
            if data is None:
                continue
            if row.action == ImportAction.ADD:
                _write(session, Activity(id=new_id(), station_id=data.station_id, recorded_by=operator), data, operator,
                       new=True)
            else:
                _write(session, session.get(Activity, row.match_id), data, operator)


def preview_activity_import(ctx: ServiceContext, path: Path | str) -> ImportPreview[ActivityInput]:
    """Read a workbook of activities and say, row by row, what importing it would do. Writes nothing."""
    return importing.preview_import(ctx, ActivityImporter(ctx), path)


def commit_activity_import(ctx: ServiceContext, preview: ImportPreview[ActivityInput], *,
                           skip_refused: bool = False) -> ImportResult:
    """Write the previewed activities in one transaction: all of them, or (``skip_refused``) all but the refused."""
    return importing.commit_import(ctx, ActivityImporter(ctx), preview, skip_refused=skip_refused)


def export_activities(ctx: ServiceContext, path: Path | str, start: dt.date | None = None,
                      end: dt.date | None = None) -> int:
    """The activities of a period in the columns the import reads (so the file imports back unchanged);
    returns the number of activities written. Headers and words stay Chinese in any interface language."""
    with ctx.read() as session:
        names = _rep_names(session, chinese=True)
        query = (select(Activity, Station.name).outerjoin(Station, Activity.station_id == Station.id)
                 .where(Activity.voided_at.is_(None)).order_by(Activity.day, Activity.created_at))
        if start:
            query = query.where(Activity.day >= start)
        if end:
            query = query.where(Activity.day <= end)
        activities = session.execute(query).all()
        people: dict[str, list[tuple[str, bool, bool | None]]] = defaultdict(list)
        for activity_id, rep_id, present, passed in session.execute(
                select(ActivityParticipant.activity_id, ActivityParticipant.representative_id,
                       ActivityParticipant.present, ActivityParticipant.passed)
                .join(Representative, ActivityParticipant.representative_id == Representative.id)
                .where(ActivityParticipant.voided_at.is_(None))
                .order_by(Representative.pinyin, Representative.id)):
            people[activity_id].append((rep_id, present, passed))

        def shown(rep_id: str) -> str:
            return names.get(rep_id, ("?", ""))[0]

        def records() -> Iterable[dict[str, object]]:
            for activity, station in activities:
                listed = people.get(activity.id, [])
                present = [p for p in listed if p[1]]
                failed = [p for p in present if p[2] is False]
                assessed = any(p[2] is not None for p in present)
                passed = ("否" if failed and len(failed) == len(present) else "是") if assessed else ""
                yield {"day": activity.day, "kind": activity.kind, "place": activity.place, "theme": activity.theme,
                       "present": "、".join(shown(p[0]) for p in present),
                       "absent": "、".join(shown(p[0]) for p in listed if not p[1]),
                       "passed": passed,
                       "failed": "、".join(shown(p[0]) for p in failed) if passed == "是" else "",
                       "station": station or "", "notes": activity.notes}

        columns = [Column(key, headers[0], ACTIVITY_WIDTHS[key], "date" if key == "day" else "text")
                   for key, headers in ACTIVITY_HEADERS.items()]
        write_workbook(Path(path), [SheetSpec("履职活动", columns, records(),
                                              heading=f"{ctx.station.name}代表履职活动登记表", landscape=True)])
    return len(activities)


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
