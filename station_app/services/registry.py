"""代表与人员名册 — representatives, 议政代表, window units and stations: list, edit, void, import, export."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from station_app.db.models import (
    GENDERS,
    LEVELS,
    REP_KINDS,
    STATION_KINDS,
    Delegation,
    RepGroup,
    Representative,
    Station,
    WindowUnit,
    utcnow,
)
from station_app.db.session import Database
from station_app.i18n import tr
from station_app.io.excel import Column, SheetSpec, read_table, write_workbook
from station_app.services.context import UNNAMED_STATION, local_station
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.validation import (
    gender_from_id,
    id_number_error,
    normalize_level,
    normalize_name,
    normalize_phone,
    parse_yes_no,
    phone_error,
)

# --- Representatives ------------------------------------------------------------------------


@dataclass
class RepresentativeInput:
    """What the edit dialog and an import row carry; names, not ids, for delegation and group."""

    name: str = ""
    gender: str = ""
    kind: str = REP_KINDS[0]
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


def pinyin_key(name: str) -> str:
    """'张三' → 'zhang san|zs': sorts by full pinyin; typing 'zs' or 'zhangsan' finds him."""
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


def list_representatives(session: Session, flt: RepFilter | None = None) -> list[RepRow]:
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
            Representative.name.like(like), Representative.phone.like(like),
            Representative.work_unit.like(like), Representative.pinyin.like(f"%{word.lower()}%"),
            Delegation.name.like(like), RepGroup.name.like(like), Representative.id_number.like(like),
        ))
    query = query.order_by(Representative.kind, Delegation.name.is_(None), Delegation.name, Representative.pinyin)
    return [_row(rep) for rep in session.scalars(query).unique()]


def get_representative(session: Session, rep_id: str) -> RepRow:
    rep = session.get(Representative, rep_id)
    if rep is None:
        raise NotFound(tr("找不到编号为 {id} 的代表", id=rep_id))
    return _row(rep)


def find_representative(session: Session, key: str) -> Representative:
    """By full id, by a unique id prefix (≥ 6 characters), or by a unique name."""
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
        kind=(data.kind or REP_KINDS[0]).strip(),
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
    if cleaned.gender and cleaned.gender not in GENDERS:
        gender = {"男性": "男", "女性": "女", "m": "男", "f": "女"}.get(cleaned.gender.lower())
        if gender:
            cleaned.gender = gender
        else:
            errors["gender"] = tr("性别应为“男”或“女”")
    if cleaned.kind not in REP_KINDS:
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


def _apply(session: Session, rep: Representative, data: RepresentativeInput, cache: dict | None = None) -> None:
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
    rep.has_fixed_income = bool(data.has_fixed_income)
    rep.active = bool(data.active)
    rep.term = data.term
    rep.notes = data.notes
    rep.pinyin = pinyin_key(data.name)


def save_representative(db: Database, data: RepresentativeInput, rep_id: str | None = None) -> str:
    """Add (``rep_id`` None) or change a representative; raises ValidationFailed with field messages."""
    cleaned, errors = clean_representative(data)
    with db.transaction() as session:
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
        _apply(session, rep, cleaned)
        session.flush()
        return rep.id


def void_record(db: Database, model: type, record_id: str, reason: str) -> None:
    """作废 — keep the row, mark it void with who and why. Used for every voidable record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": tr("作废必须填写原因")})
    with db.transaction() as session:
        record = session.get(model, record_id)
        if record is None:
            raise NotFound(tr("找不到要作废的记录：{id}", id=record_id))
        if record.is_voided:
            raise StationError(tr("这条记录已于 {at} 作废", at=record.voided_at.strftime("%Y-%m-%d %H:%M")))
        record.voided_at = utcnow()
        record.void_reason = reason
        record.voided_by = session.info.get("operator") or db.operator or ""


def void_representative(db: Database, rep_id: str, reason: str) -> None:
    void_record(db, Representative, rep_id, reason)


def choices(session: Session) -> dict[str, list[str]]:
    """The values the filters and the edit dialog offer."""
    def names(model: type) -> list[str]:
        return list(session.scalars(select(model.name).where(model.voided_at.is_(None)).order_by(model.name)))

    return {"level": list(LEVELS), "kind": list(REP_KINDS), "gender": list(GENDERS),
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


@dataclass
class ImportRow:
    row_number: int
    name: str
    #: 新增 (new), 更新 (update an existing person), 不变 (same as stored), 拒绝 (refused)
    action: str
    reasons: list[str] = field(default_factory=list)
    data: RepresentativeInput | None = None
    match_id: str | None = None


@dataclass
class ImportPreview:
    path: Path
    sheet: str
    header_row: int
    rows: list[ImportRow]
    skipped: list[tuple[int, str]]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def refused(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == "拒绝"]

    def report_lines(self) -> list[str]:
        """'第 7 行（李四）联系电话：…' for every refused row, then the skipped rows."""
        lines = [tr("{file} 第 {row} 行（{name}）：{reasons}", file=self.path.name, row=row.row_number,
                    name=row.name or tr("无姓名"), reasons="；".join(row.reasons)) for row in self.refused]
        lines += [tr("{file} 第 {row} 行：{reason}", file=self.path.name, row=number, reason=reason)
                  for number, reason in self.skipped]
        return lines

    def summary(self) -> str:
        return tr("共 {total} 行：新增 {new}，更新 {upd}，不变 {same}，拒绝 {bad}，跳过 {skip}",
                  total=len(self.rows) + len(self.skipped), new=self.count("新增"), upd=self.count("更新"),
                  same=self.count("不变"), bad=self.count("拒绝"), skip=len(self.skipped))


_FIELD_LABELS = {key: headers[0] for key, headers in REP_HEADERS.items()}


def field_label(key: str) -> str:
    return tr(_FIELD_LABELS.get(key, key))


def _input_from_row(values: dict[str, str]) -> tuple[RepresentativeInput, dict[str, str]]:
    errors: dict[str, str] = {}
    data = RepresentativeInput(**{k: values.get(k, "") for k in (
        "name", "gender", "kind", "level", "delegation", "group", "station", "work_unit", "phone",
        "id_number", "term", "notes")})
    data.kind = data.kind or REP_KINDS[0]
    for key, default in (("has_fixed_income", True), ("active", True)):
        raw = values.get(key, "")
        if key == "active" and raw in ("在任", "正常"):
            parsed = True
        elif key == "active" and raw in ("离任", "不在任", "停止履职"):
            parsed = False
        else:
            parsed = parse_yes_no(raw) if raw else default
        if parsed is None:
            errors[key] = tr("“{value}”应填“是”或“否”", value=raw)
            parsed = default
        setattr(data, key, parsed)
    return data, errors


def preview_import(db: Database, path: Path | str) -> ImportPreview:
    """Read a county list and decide, row by row, what importing it would do. Writes nothing."""
    path = Path(path)
    table = read_table(path, REP_HEADERS, required=("name",))
    rows: list[ImportRow] = []
    with db.session() as session:
        existing = list(session.scalars(select(Representative).where(Representative.voided_at.is_(None))))
        stations = set(session.scalars(select(Station.name).where(Station.voided_at.is_(None))))
        by_id = {rep.id_number: rep for rep in existing if rep.id_number}
        by_name_phone = {(rep.name, rep.phone): rep for rep in existing if rep.phone}
        current = {rep.id: _row(rep).as_input() for rep in existing}
    seen_ids: dict[str, int] = {}
    seen_name_phone: dict[tuple[str, str], int] = {}
    for sheet_row in table.rows:
        data, errors = _input_from_row(sheet_row.values)
        cleaned, field_errors = clean_representative(data)
        errors.update(field_errors)
        if cleaned.station and cleaned.station not in stations:
            errors["station"] = tr("没有名为“{name}”的联络站", name=cleaned.station)
        reasons = [f"{field_label(k)}：{v}" for k, v in errors.items()]
        if cleaned.id_number and cleaned.id_number in seen_ids:
            reasons.append(tr("身份证号与第 {row} 行重复", row=seen_ids[cleaned.id_number]))
        elif cleaned.phone and (cleaned.name, cleaned.phone) in seen_name_phone:
            reasons.append(tr("与第 {row} 行同名同电话，重复", row=seen_name_phone[(cleaned.name, cleaned.phone)]))
        if reasons:
            rows.append(ImportRow(sheet_row.row_number, cleaned.name, "拒绝", reasons))
            continue
        if cleaned.id_number:
            seen_ids[cleaned.id_number] = sheet_row.row_number
        if cleaned.phone:
            seen_name_phone[(cleaned.name, cleaned.phone)] = sheet_row.row_number
        match = (by_id.get(cleaned.id_number) if cleaned.id_number else None) or by_name_phone.get(
            (cleaned.name, cleaned.phone))
        if match is None:
            rows.append(ImportRow(sheet_row.row_number, cleaned.name, "新增", data=cleaned))
            continue
        merged = _merge_for_update(current[match.id], cleaned, sheet_row.values)
        action = "不变" if merged == current[match.id] else "更新"
        rows.append(ImportRow(sheet_row.row_number, cleaned.name, action, data=merged, match_id=match.id))
    return ImportPreview(path, table.sheet_name, table.header_row, rows, list(table.skipped))


def _merge_for_update(stored: RepresentativeInput, incoming: RepresentativeInput,
                      present: dict[str, str]) -> RepresentativeInput:
    """Columns the workbook does not have, or leaves empty, keep what is stored."""
    merged = replace(stored)
    for key in REP_HEADERS:
        if key in present and present[key] != "":
            setattr(merged, key, getattr(incoming, key))
    return merged


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    refused: int


def apply_import(db: Database, preview: ImportPreview, *, allow_refused: bool = False) -> ImportResult:
    """Write the accepted rows in one transaction. With refused rows, nothing is written unless allowed."""
    if preview.refused and not allow_refused:
        first = preview.refused[0]
        raise StationError(tr("{file} 有 {n} 行不能导入，未写入任何数据。第一处：第 {row} 行，{reason}",
                              file=preview.path.name, n=len(preview.refused), row=first.row_number,
                              reason="；".join(first.reasons)))
    cache: dict = {}
    with db.transaction() as session:
        for row in preview.rows:
            if row.action == "新增":
                rep = Representative()
                session.add(rep)
            elif row.action == "更新":
                rep = session.get(Representative, row.match_id)
                if rep is None or rep.is_voided:
                    raise StationError(tr("第 {row} 行要更新的代表已被删除或作废，请重新预览", row=row.row_number))
            else:
                continue
            _apply(session, rep, row.data, cache)
    return ImportResult(preview.count("新增"), preview.count("更新"), preview.count("不变"), len(preview.refused))


def export_representatives(db: Database, path: Path | str, flt: RepFilter | None = None) -> int:
    """The same columns the import reads; returns the number of people written.

    Headers and yes/no values stay Chinese in any interface language: the workbook is data that
    the import (here or at the county office) must read back.
    """
    with db.session() as session:
        rows = list_representatives(session, flt or RepFilter(state="all"))
        station = _station_title(session)
    columns = [Column("seq", "序号", 6, "int")] + [
        Column(key, headers[0], REP_WIDTHS[key]) for key, headers in REP_HEADERS.items()]

    def records() -> Iterable[dict[str, object]]:
        for number, row in enumerate(rows, 1):
            values: dict[str, object] = {key: getattr(row, key) for key in REP_HEADERS}
            values["has_fixed_income"] = "是" if row.has_fixed_income else "否"
            values["active"] = "是" if row.active else "否"
            values["seq"] = number
            yield values

    write_workbook(Path(path), [SheetSpec("代表名册", columns, records(), heading=f"{station}代表名册", landscape=True)])
    return len(rows)


def _station_title(session: Session) -> str:
    return (local_station(session) or UNNAMED_STATION).name


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


def list_window_units(session: Session, text: str = "", include_voided: bool = False) -> list[WindowUnitRow]:
    query = select(WindowUnit).order_by(WindowUnit.name)
    if not include_voided:
        query = query.where(WindowUnit.voided_at.is_(None))
    for word in text.split():
        like = f"%{word}%"
        query = query.where(or_(WindowUnit.name.like(like), WindowUnit.head_name.like(like),
                                WindowUnit.head_phone.like(like)))
    return [WindowUnitRow(u.id, u.name, u.station.name if u.station else "", u.head_name, u.head_title,
                          u.head_phone, u.notes, u.is_voided) for u in session.scalars(query)]


def save_window_unit(db: Database, data: WindowUnitInput, unit_id: str | None = None) -> str:
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
    with db.transaction() as session:
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


@dataclass
class StationInput:
    name: str = ""
    code: str = ""
    kind: str = STATION_KINDS[0]
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


def list_stations(session: Session, include_voided: bool = False) -> list[StationRow]:
    query = select(Station).order_by(Station.code)
    if not include_voided:
        query = query.where(Station.voided_at.is_(None))
    counts: dict[str, int] = {}
    for station_id in session.scalars(select(Representative.station_id).where(Representative.voided_at.is_(None))):
        counts[station_id] = counts.get(station_id, 0) + 1
    return [StationRow(s.id, s.name, s.code, s.kind, s.address, s.contact, s.phone, s.notes, counts.get(s.id, 0),
                       s.is_voided) for s in session.scalars(query)]


def save_station(db: Database, data: StationInput, station_id: str | None = None) -> str:
    data = replace(data, name=data.name.strip(), code=data.code.strip().upper(), address=data.address.strip(),
                   contact=normalize_name(data.contact), phone=normalize_phone(data.phone), notes=data.notes.strip())
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = tr("站点名称不能为空")
    if not data.code:
        errors["code"] = tr("站点代码不能为空（如 PYJD）")
    if data.kind not in STATION_KINDS:
        errors["kind"] = tr("请选择站点类型")
    if message := phone_error(data.phone):
        errors["phone"] = tr(message)
    with db.transaction() as session:
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

