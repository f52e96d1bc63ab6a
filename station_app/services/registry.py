"""代表与人员名册 — representatives, 议政代表, window units and stations: list, edit, void, import, export.

Every public function takes the ``ServiceContext`` first. Reading is open to every operator;
editing, importing and voiding the registry is for a 管理员 (``ctx.write(admin_only=True)``).
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from station_app.db.models import Delegation, IncomeChange, Record, RepGroup, Representative, Station, WindowUnit
from station_app.i18n import tr
from station_app.io.excel import SheetRow
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.services import importing
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.importing import ImportPreview, ImportResult, ImportRow
from station_app.services.validation import (
    gender_from_id,
    id_number_error,
    is_masked,
    mask_id_number,
    normalize_level,
    normalize_name,
    normalize_phone,
    parse_gender,
    parse_in_office,
    parse_yes_no,
    phone_error,
    yes_no,
)
from station_app.services.voiding import mark_void
from station_app.vocab import Gender, ImportAction, Level, RepKind, StationKind

# --- Representatives ------------------------------------------------------------------------


@dataclass
class RepresentativeInput:
    """What the edit dialog and an import row carry; names, not ids, for delegation and group."""

    name: str = ""
    gender: str = ""
    kind: str = RepKind.DEPUTY
    level: str = ""
    delegation: str = ""
    group: str = ""
    station: str = ""
    work_unit: str = ""
    phone: str = ""
    id_number: str = ""
    has_fixed_income: bool = True
    active: bool = True
    term: str = ""
    notes: str = ""


@dataclass(frozen=True)
class RepRow:
    """One line of the registry list."""

    id: str
    name: str
    gender: str
    kind: str
    level: str
    delegation: str
    group: str
    station: str
    work_unit: str
    phone: str
    id_number: str
    has_fixed_income: bool
    active: bool
    term: str
    notes: str
    voided: bool
    void_reason: str

    def as_input(self) -> RepresentativeInput:
        names = {f.name for f in fields(RepresentativeInput)}
        return RepresentativeInput(**{k: v for k, v in self.__dict__.items() if k in names})


@dataclass
class RepFilter:
    text: str = ""
    level: str = ""
    delegation: str = ""
    group: str = ""
    kind: str = ""
    station: str = ""
    #: "active" (在任), "inactive" (不在任), "all" (all not voided), "voided" (已作废)
    state: str = "active"


@functools.lru_cache(maxsize=8192)
def pinyin_key(name: str) -> str:
    """'张三' → 'zhang san|zs': sorts by full pinyin; typing 'zs' or 'zhangsan' finds him.

    Remembered: a list sorts 490 people by their 20 stations' and delegations' names."""
    syllables = lazy_pinyin(name, errors="ignore")
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))
    return f"{' '.join(syllables)}|{''.join(syllables)}|{initials}".lower()


def _row(rep: Representative) -> RepRow:
    return RepRow(
        id=rep.id, name=rep.name, gender=rep.gender, kind=rep.kind, level=rep.level,
        delegation=rep.delegation.name if rep.delegation else "",
        group=rep.group.name if rep.group else "",
        station=rep.station.name if rep.station else "",
        work_unit=rep.work_unit, phone=rep.phone, id_number=rep.id_number or "",
        has_fixed_income=rep.has_fixed_income, active=rep.active, term=rep.term, notes=rep.notes,
        voided=rep.is_voided, void_reason=rep.void_reason or "",
    )


def list_representatives(ctx: ServiceContext, flt: RepFilter | None = None) -> list[RepRow]:
    flt = flt or RepFilter()
    query = select(Representative).outerjoin(Representative.delegation).outerjoin(Representative.group)
    if flt.state == "voided":
        query = query.where(Representative.voided_at.is_not(None))
    else:
        query = query.where(Representative.voided_at.is_(None))
        if flt.state == "active":
            query = query.where(Representative.active.is_(True))
        elif flt.state == "inactive":
            query = query.where(Representative.active.is_(False))
    if flt.level:
        query = query.where(Representative.level == flt.level)
    if flt.kind:
        query = query.where(Representative.kind == flt.kind)
    if flt.delegation:
        query = query.where(Delegation.name == flt.delegation)
    if flt.group:
        query = query.where(RepGroup.name == flt.group)
    if flt.station:
        query = query.join(Station, Representative.station_id == Station.id).where(Station.name == flt.station)
    for word in flt.text.split():
        like = f"%{word}%"
        query = query.where(or_(
            Representative.name.ilike(like), Representative.phone.ilike(like),
            Representative.work_unit.ilike(like), Representative.pinyin.like(f"%{word.lower()}%"),
            Delegation.name.ilike(like), RepGroup.name.ilike(like), Representative.id_number.ilike(like),
        ))
    query = query.order_by(Representative.kind, Delegation.name.is_(None), Delegation.name, Representative.pinyin)
    with ctx.read() as session:
        return [_row(rep) for rep in session.scalars(query).unique()]


def get_representative(ctx: ServiceContext, rep_id: str) -> RepRow:
    with ctx.read() as session:
        rep = session.get(Representative, rep_id)
        if rep is None:
            raise NotFound(tr("找不到编号为 {id} 的代表", id=rep_id))
        return _row(rep)


def find_representative(ctx: ServiceContext, key: str) -> RepRow:
    """By full id, by a unique id prefix (≥ 6 characters), or by a unique name."""
    with ctx.read() as session:
        return _row(_find_representative(session, key))


def _find_representative(session: Session, key: str) -> Representative:
    """``find_representative`` for a service that needs the record itself inside its own session."""
    key = key.strip()
    rep = session.get(Representative, key)
    if rep is None and len(key) >= 6:
        found = session.scalars(select(Representative).where(Representative.id.like(f"{key}%"))).all()
        rep = found[0] if len(found) == 1 else None
    if rep is None:
        found = session.scalars(select(Representative).where(
            Representative.name == normalize_name(key), Representative.voided_at.is_(None))).all()
        if len(found) > 1:
            raise StationError(tr("有 {n} 位代表叫“{name}”，请改用编号", n=len(found), name=key))
        rep = found[0] if found else None
    if rep is None:
        raise NotFound(tr("找不到代表：{key}", key=key))
    return rep


def clean_representative(data: RepresentativeInput) -> tuple[RepresentativeInput, dict[str, str]]:
    """Normalise what was typed and say, field by field, what is wrong with it."""
    errors: dict[str, str] = {}
    id_number = (data.id_number or "").strip().upper()
    cleaned = replace(
        data,
        name=normalize_name(data.name),
        gender=(data.gender or "").strip(),
        kind=(data.kind or RepKind.DEPUTY).strip(),
        level=normalize_level(data.level),
        delegation=normalize_name(data.delegation),
        group=(data.group or "").strip(),
        station=(data.station or "").strip(),
        work_unit=(data.work_unit or "").strip(),
        phone=normalize_phone(data.phone),
        id_number=id_number,
        term=(data.term or "").strip(),
        notes=(data.notes or "").strip(),
    )
    if not cleaned.name:
        errors["name"] = tr("姓名不能为空")
    elif len(cleaned.name) > 30:
        errors["name"] = tr("姓名太长（最多 30 个字）")
    if not cleaned.level:
        errors["level"] = (tr("级别不认识：“{value}”，应为 全国/省/市/县/乡", value=data.level) if data.level
                           else tr("请选择代表级别（全国/省/市/县/乡）"))
    if cleaned.gender:
        gender = parse_gender(cleaned.gender)
        if gender:
            cleaned.gender = gender
        else:
            errors["gender"] = tr("性别应为“男”或“女”")
    if cleaned.kind not in RepKind.values():
        errors["kind"] = tr("类别应为“人大代表”或“议政代表”")
    if message := phone_error(cleaned.phone):
        errors["phone"] = tr(message)
    if message := id_number_error(id_number):
        errors["id_number"] = tr(message)
    elif id_number:
        from_id = gender_from_id(id_number)
        if not cleaned.gender:
            cleaned.gender = from_id
        elif cleaned.gender != from_id and "gender" not in errors:
            errors["gender"] = tr("性别与身份证号不符（身份证号显示为{gender}）", gender=from_id)
    return cleaned, errors


def _duplicate_errors(session: Session, data: RepresentativeInput, rep_id: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    alive = Representative.voided_at.is_(None)
    if data.id_number:
        other = session.scalars(select(Representative).where(
            alive, Representative.id_number == data.id_number, Representative.id != (rep_id or ""))).first()
        if other:
            errors["id_number"] = tr("身份证号与已有代表“{name}”重复", name=other.name)
    if data.phone:
        other = session.scalars(select(Representative).where(
            alive, Representative.name == data.name, Representative.phone == data.phone,
            Representative.id != (rep_id or ""))).first()
        if other:
            errors["name"] = tr("已有同名同电话的代表“{name}”", name=other.name)
    return errors


def _named(session: Session, model: type, name: str, cache: dict | None = None):
    """The Delegation/RepGroup/Station called ``name``, created if new (delegations, groups)."""
    if not name:
        return None
    key = (model, name)
    if cache is not None and key in cache:
        return cache[key]
    obj = session.scalars(select(model).where(model.name == name)).first()
    if obj is None:
        if model is Station:
            raise ValidationFailed({"station": tr("没有名为“{name}”的联络站，请先在“联络站”中添加", name=name)})
        obj = model(name=name)
        session.add(obj)
    if cache is not None:
        cache[key] = obj
    return obj


def _apply(session: Session, rep: Representative, data: RepresentativeInput, cache: dict | None = None,
           today: dt.date | None = None) -> None:
    rep.name = data.name
    rep.gender = data.gender
    rep.kind = data.kind
    rep.level = data.level
    rep.delegation = _named(session, Delegation, data.delegation, cache)
    rep.group = _named(session, RepGroup, data.group, cache)
    rep.station = _named(session, Station, data.station, cache) if data.station else None
    rep.work_unit = data.work_unit
    rep.phone = data.phone
    rep.id_number = data.id_number or None
    if rep.id is not None and rep.has_fixed_income is not None and rep.has_fixed_income != bool(data.has_fixed_income):
        _record_income_change(session, rep, bool(data.has_fixed_income), today or dt.date.today())
    rep.has_fixed_income = bool(data.has_fixed_income)
    rep.active = bool(data.active)
    rep.term = data.term
    rep.notes = data.notes
    rep.pinyin = pinyin_key(data.name)


def _record_income_change(session: Session, rep: Representative, has_fixed_income: bool, since: dt.date) -> None:
    """Keep the fixed-income flag's history, so a past month's subsidy is computed as the flag stood then:
    the first change also records what the flag was before it."""
    known = session.scalar(select(IncomeChange.id).where(IncomeChange.representative_id == rep.id,
                                                         IncomeChange.voided_at.is_(None)).limit(1))
    if known is None:
        session.add(IncomeChange(representative_id=rep.id, since=dt.date.min, has_fixed_income=rep.has_fixed_income))
    session.add(IncomeChange(representative_id=rep.id, since=since, has_fixed_income=has_fixed_income))


def save_representative(ctx: ServiceContext, data: RepresentativeInput, rep_id: str | None = None,
                        today: dt.date | None = None) -> str:
    """Add (``rep_id`` None) or change a representative; raises ValidationFailed with field messages.
    A change of the fixed-income flag counts from ``today`` (the day of the edit): months before keep
    the flag as it was, for the subsidy."""
    cleaned, errors = clean_representative(data)
    with ctx.write(admin_only=True) as session:
        errors = {**_duplicate_errors(session, cleaned, rep_id), **errors}
        if errors:
            raise ValidationFailed(errors)
        if rep_id is None:
            rep = Representative()
            session.add(rep)
        else:
            rep = session.get(Representative, rep_id)
            if rep is None:
                raise NotFound(tr("找不到编号为 {id} 的代表", id=rep_id))
            if rep.is_voided:
                raise StationError(tr("“{name}”已作废，不能再修改", name=rep.name))
        _apply(session, rep, cleaned, today=today)
        session.flush()
        return rep.id


def _void(ctx: ServiceContext, model: type[Record], record_id: str, reason: str) -> None:
    """The one way the registry voids a record: a 管理员's action, named in ``voided_by``."""
    with ctx.write(admin_only=True) as session:
        mark_void(session.get(model, record_id), reason, ctx.operator.name, record_id=record_id)


def void_representative(ctx: ServiceContext, rep_id: str, reason: str) -> None:
    _void(ctx, Representative, rep_id, reason)


def choices(ctx: ServiceContext) -> dict[str, list[str]]:
    """The values the filters and the edit dialog offer (the vocabulary's members for level, kind, gender)."""
    with ctx.read() as session:
        def names(model: type) -> list[str]:
            return list(session.scalars(select(model.name).where(model.voided_at.is_(None)).order_by(model.name)))

        return {"level": list(Level), "kind": list(RepKind), "gender": list(Gender),
                "delegation": names(Delegation), "group": names(RepGroup), "station": names(Station)}


# --- Import and export ----------------------------------------------------------------------

#: field key → accepted headers (the first is the one we write)
REP_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "代表姓名"),
    "gender": ("性别",),
    "kind": ("类别", "代表类别", "身份"),
    "level": ("级别", "代表层级", "代表级别", "层级"),
    "delegation": ("代表团", "所属代表团"),
    "group": ("代表小组", "所属小组", "小组"),
    "station": ("联络站", "所属联络站", "所在站点"),
    "work_unit": ("工作单位及职务", "工作单位和职务", "单位及职务", "工作单位", "职务"),
    "phone": ("联系电话", "手机号码", "手机号", "手机", "电话"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "has_fixed_income": ("是否有固定收入", "有无固定收入", "固定收入"),
    "active": ("是否在任", "状态"),
    "term": ("届次", "任期"),
    "notes": ("备注",),
}
REP_WIDTHS = {"name": 10, "gender": 6, "kind": 10, "level": 6, "delegation": 16, "group": 12, "station": 22,
              "work_unit": 30, "phone": 15, "id_number": 21, "has_fixed_income": 10, "active": 8, "term": 10,
              "notes": 20}

_FIELD_LABELS = {key: headers[0] for key, headers in REP_HEADERS.items()}


def field_label(key: str) -> str:
    return tr(_FIELD_LABELS.get(key, key))


def _input_from_row(values: dict[str, str]) -> tuple[RepresentativeInput, dict[str, str]]:
    errors: dict[str, str] = {}
    data = RepresentativeInput(**{k: values.get(k, "") for k in (
        "name", "gender", "kind", "level", "delegation", "group", "station", "work_unit", "phone",
        "id_number", "term", "notes")})
    data.kind = data.kind or RepKind.DEPUTY
    for key, parse in (("has_fixed_income", parse_yes_no), ("active", parse_in_office)):
        raw = values.get(key, "")
        parsed = parse(raw) if raw else True
        if parsed is None:
            errors[key] = tr("“{value}”应填“是”或“否”", value=raw)
            parsed = True
        setattr(data, key, parsed)
    return data, errors


def _merge_for_update(stored: RepresentativeInput, incoming: RepresentativeInput,
                      present: dict[str, str]) -> RepresentativeInput:
    """Columns the workbook does not have, or leaves empty, keep what is stored."""
    merged = replace(stored)
    for key in REP_HEADERS:
        if key in present and present[key] != "":
            setattr(merged, key, getattr(incoming, key))
    return merged


@dataclass
class _KnownRepresentatives:
    """What the rows of one pass are checked against: the registry as stored, and the earlier rows."""

    by_id_number: dict[str, str]
    by_name_phone: dict[tuple[str, str], str]
    #: representative id → what is stored, in the form a row is read into
    stored: dict[str, RepresentativeInput]
    stations: set[str]
    #: ID number / (name, phone) → the row of this workbook that first carried it
    seen_ids: dict[str, int] = field(default_factory=dict)
    seen_name_phone: dict[tuple[str, str], int] = field(default_factory=dict)


class RepresentativeImporter:
    """A county list of representatives: matched by ID number, then by name and phone.

    A row that matches a stored person updates them; the columns the workbook lacks (or leaves
    empty) keep what is stored. Two rows of one workbook for the same person are refused.
    """

    #: and 编号, the id the program's own export writes last: a row whose ID number was masked is found by it
    headers = {**REP_HEADERS, "rep_key": ("编号",)}
    required = ("name",)

    def known(self, session: Session) -> _KnownRepresentatives:
        existing = list(session.scalars(select(Representative).where(Representative.voided_at.is_(None))))
        return _KnownRepresentatives(
            by_id_number={rep.id_number: rep.id for rep in existing if rep.id_number},
            by_name_phone={(rep.name, rep.phone): rep.id for rep in existing if rep.phone},
            stored={rep.id: _row(rep).as_input() for rep in existing},
            stations=set(session.scalars(select(Station.name).where(Station.voided_at.is_(None)))))

    def check(self, row: SheetRow, known: _KnownRepresentatives) -> ImportRow[RepresentativeInput]:
        values = dict(row.values)
        masked = is_masked(values.get("id_number"))
        if masked:  # an export's masked number stands for the stored one: the column counts as left empty
            values["id_number"] = ""
        data, errors = _input_from_row(values)
        cleaned, field_errors = clean_representative(data)
        errors.update(field_errors)
        if cleaned.station and cleaned.station not in known.stations:
            errors["station"] = tr("没有名为“{name}”的联络站", name=cleaned.station)
        reasons = [f"{field_label(k)}：{v}" for k, v in errors.items()]
        if cleaned.id_number and cleaned.id_number in known.seen_ids:
            reasons.append(tr("身份证号与第 {row} 行重复", row=known.seen_ids[cleaned.id_number]))
        elif cleaned.phone and (cleaned.name, cleaned.phone) in known.seen_name_phone:
            reasons.append(tr("与第 {row} 行同名同电话，重复", row=known.seen_name_phone[(cleaned.name, cleaned.phone)]))
        if reasons:
            return ImportRow(row.row_number, cleaned.name, ImportAction.REFUSE, reasons)
        if cleaned.id_number:
            known.seen_ids[cleaned.id_number] = row.row_number
        if cleaned.phone:
            known.seen_name_phone[(cleaned.name, cleaned.phone)] = row.row_number
        match_id = (known.by_id_number.get(cleaned.id_number) if cleaned.id_number else None) or \
            (values.get("rep_key") if masked and values.get("rep_key") in known.stored else None) or \
            known.by_name_phone.get((cleaned.name, cleaned.phone))
        if match_id is None:
            return ImportRow(row.row_number, cleaned.name, ImportAction.ADD, data=cleaned)
        stored = known.stored[match_id]
        merged = _merge_for_update(stored, cleaned, values)
        action = ImportAction.SAME if merged == stored else ImportAction.UPDATE
        return ImportRow(row.row_number, cleaned.name, action, data=merged, match_id=match_id)

    def write(self, session: Session, rows: Sequence[ImportRow[RepresentativeInput]],
              known: _KnownRepresentatives) -> None:
        cache: dict = {}  # a delegation new to the registry is created once, however many rows name it
        for row in rows:
            if row.action == ImportAction.ADD:
                rep = Representative()
                session.add(rep)
            else:
                rep = session.get(Representative, row.match_id)
            _apply(session, rep, row.data, cache)


def preview_import(ctx: ServiceContext, path: Path | str) -> ImportPreview[RepresentativeInput]:
    """Read a county list and decide, row by row, what importing it would do. Writes nothing."""
    return importing.preview_import(ctx, RepresentativeImporter(), path)


def commit_import(ctx: ServiceContext, preview: ImportPreview[RepresentativeInput], *,
                  skip_refused: bool = False) -> ImportResult:
    """Write the accepted rows in one transaction (a 管理员's action). With refused rows nothing is
    written unless ``skip_refused``; a row whose verdict changed since the preview stops it all."""
    with ctx.write(admin_only=True):
        return importing.commit_import(ctx, RepresentativeImporter(), preview, skip_refused=skip_refused)


def export_representatives(ctx: ServiceContext, path: Path | str, flt: RepFilter | None = None) -> int:
    """The same columns the import reads, and last each person's 编号 (the id the command line and the
    roster exports name them by; the import leaves it alone); returns the number of people written.

    Headers and yes/no values stay Chinese in any interface language: the workbook is data that
    the import (here or at the county office) must read back.
    """
    rows = list_representatives(ctx, flt or RepFilter(state="all"))
    station = ctx.station.name
    # ID numbers leave the program masked unless an administrator chose otherwise in the settings; the import
    # reads a masked one as "keep the stored number" and finds the person by 编号 or by name and phone
    whole_ids = settings_service.read(ctx).export_full_id_numbers
    columns = [Column("seq", "序号", 6, "int")] + [
        Column(key, headers[0], REP_WIDTHS[key]) for key, headers in REP_HEADERS.items()] + [
        Column("id", "编号", 38)]

    def records() -> Iterable[dict[str, object]]:
        for number, row in enumerate(rows, 1):
            values: dict[str, object] = {key: getattr(row, key) for key in REP_HEADERS}
            values["has_fixed_income"] = yes_no(row.has_fixed_income)
            values["active"] = yes_no(row.active)
            values["seq"] = number
            values["id"] = row.id
            if not whole_ids:
                values["id_number"] = mask_id_number(row.id_number)
            yield values

    write_workbook(Path(path), [SheetSpec("代表名册", columns, records(), heading=f"{station}代表名册", landscape=True)])
    return len(rows)


# --- Window units and stations --------------------------------------------------------------


@dataclass
class WindowUnitInput:
    name: str = ""
    station: str = ""
    head_name: str = ""
    head_title: str = ""
    head_phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class WindowUnitRow:
    id: str
    name: str
    station: str
    head_name: str
    head_title: str
    head_phone: str
    notes: str
    voided: bool


def list_window_units(ctx: ServiceContext, text: str = "", include_voided: bool = False) -> list[WindowUnitRow]:
    query = select(WindowUnit).order_by(WindowUnit.name)
    if not include_voided:
        query = query.where(WindowUnit.voided_at.is_(None))
    for word in text.split():
        like = f"%{word}%"
        query = query.where(or_(WindowUnit.name.ilike(like), WindowUnit.head_name.ilike(like),
                                WindowUnit.head_phone.ilike(like)))
    with ctx.read() as session:
        return [WindowUnitRow(u.id, u.name, u.station.name if u.station else "", u.head_name, u.head_title,
                              u.head_phone, u.notes, u.is_voided) for u in session.scalars(query)]


def save_window_unit(ctx: ServiceContext, data: WindowUnitInput, unit_id: str | None = None) -> str:
    data = replace(data, name=data.name.strip(), head_name=normalize_name(data.head_name),
                   head_phone=normalize_phone(data.head_phone), head_title=data.head_title.strip(),
                   station=data.station.strip(), notes=data.notes.strip())
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = tr("单位名称不能为空")
    if not data.head_name:
        errors["head_name"] = tr("请填写主要负责人姓名")
    if message := phone_error(data.head_phone):
        errors["head_phone"] = tr(message)
    with ctx.write(admin_only=True) as session:
        clash = session.scalars(select(WindowUnit).where(
            WindowUnit.name == data.name, WindowUnit.id != (unit_id or ""))).first()
        if clash and data.name:
            errors["name"] = tr("已有名为“{name}”的窗口单位", name=data.name)
        if errors:
            raise ValidationFailed(errors)
        unit = WindowUnit() if unit_id is None else session.get(WindowUnit, unit_id)
        if unit is None:
            raise NotFound(tr("找不到该窗口单位"))
        if unit_id is None:
            session.add(unit)
        unit.name, unit.head_name, unit.head_title = data.name, data.head_name, data.head_title
        unit.head_phone, unit.notes = data.head_phone, data.notes
        unit.station = _named(session, Station, data.station) if data.station else None
        session.flush()
        return unit.id


def void_window_unit(ctx: ServiceContext, unit_id: str, reason: str) -> None:
    _void(ctx, WindowUnit, unit_id, reason)


@dataclass
class StationInput:
    name: str = ""
    code: str = ""
    kind: str = StationKind.MONITORING
    address: str = ""
    contact: str = ""
    phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class StationRow:
    id: str
    name: str
    code: str
    kind: str
    address: str
    contact: str
    phone: str
    notes: str
    representatives: int
    voided: bool


def list_stations(ctx: ServiceContext, include_voided: bool = False) -> list[StationRow]:
    query = select(Station).order_by(Station.code)
    if not include_voided:
        query = query.where(Station.voided_at.is_(None))
    counts: dict[str, int] = {}
    with ctx.read() as session:
        for station_id in session.scalars(select(Representative.station_id).where(Representative.voided_at.is_(None))):
            counts[station_id] = counts.get(station_id, 0) + 1
        return [StationRow(s.id, s.name, s.code, s.kind, s.address, s.contact, s.phone, s.notes,
                           counts.get(s.id, 0), s.is_voided) for s in session.scalars(query)]


def save_station(ctx: ServiceContext, data: StationInput, station_id: str | None = None) -> str:
    data = replace(data, name=data.name.strip(), code=data.code.strip().upper(), address=data.address.strip(),
                   contact=normalize_name(data.contact), phone=normalize_phone(data.phone), notes=data.notes.strip())
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = tr("站点名称不能为空")
    if not data.code:
        errors["code"] = tr("站点代码不能为空（如 PYJD）")
    if data.kind not in StationKind.values():
        errors["kind"] = tr("请选择站点类型")
    if message := phone_error(data.phone):
        errors["phone"] = tr(message)
    with ctx.write(admin_only=True) as session:
        for key, column in (("name", Station.name), ("code", Station.code)):
            value = getattr(data, key)
            clash = session.scalars(select(Station).where(column == value, Station.id != (station_id or ""))).first()
            if clash and value and key not in errors:
                errors[key] = tr("与已有站点“{name}”重复", name=clash.name)
        if errors:
            raise ValidationFailed(errors)
        station = Station() if station_id is None else session.get(Station, station_id)
        if station is None:
            raise NotFound(tr("找不到该站点"))
        if station_id is None:
            session.add(station)
        for key in ("name", "code", "kind", "address", "contact", "phone", "notes"):
            setattr(station, key, getattr(data, key))
        session.flush()
        return station.id


def void_station(ctx: ServiceContext, station_id: str, reason: str) -> None:
    _void(ctx, Station, station_id, reason)
