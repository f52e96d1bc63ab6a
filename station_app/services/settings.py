"""站点设置 — the station's own settings, stored as key/value rows with typed defaults."""
from __future__ import annotations

import dataclasses
import string
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import Setting
from station_app.db.session import Database
from station_app.i18n import tr
from station_app.services.errors import ValidationFailed

DEFAULT_QR_TEMPLATE = (
    "BEGIN:VCARD\nVERSION:3.0\nN:{name};;;;\nFN:{name}\nTEL;TYPE=CELL:{phone}\nORG:{station}\n"
    "TITLE:{title}\nEND:VCARD"
)
DEFAULT_STATION_QR_TEMPLATE = "{station}\n地址：{address}\n电话：{station_phone}"
QR_PLACEHOLDERS = ("id", "name", "phone", "station", "station_code", "level", "title", "delegation", "group")
STATION_QR_PLACEHOLDERS = ("station", "station_code", "address", "station_phone")
DEFAULT_CATEGORIES = "城乡建设\n交通出行\n社会保障\n教育医疗\n生态环境\n营商环境\n政务服务\n矛盾纠纷\n农业农村\n其他"
DEFAULT_UNITS = (
    "县人民政府办公室\n县发展和改革委员会\n县教育局\n县公安局\n县民政局\n县人力资源和社会保障局\n县自然资源局\n"
    "县住房和城乡建设局\n县城市管理局\n县交通运输局\n县水利局\n县农业农村局\n县卫生健康委员会\n县市场监督管理局\n"
    "县医疗保障局\n县生态环境分局\n县监察委员会\n县人民法院\n县人民检察院\n有关乡镇人民政府"
)


@dataclass
class StationSettings:
    station_name: str = "未命名代表联络站"
    station_code: str = "ZD01"
    station_address: str = ""
    station_phone: str = ""
    county_name: str = ""
    qr_template: str = DEFAULT_QR_TEMPLATE
    station_qr_template: str = DEFAULT_STATION_QR_TEMPLATE
    referral_number_template: str = "{abbr}交〔{year}〕{seq}号"
    referral_abbr: str = "监"
    referral_deadline_days: int = 30
    subsidy_rate: int = 100
    #: one per line: the categories a visit can be filed under, and the units a problem can be referred to
    visit_categories: str = DEFAULT_CATEGORIES
    referral_units: str = DEFAULT_UNITS

    def replace(self, **changes: object) -> "StationSettings":
        return dataclasses.replace(self, **changes)

    @property
    def categories(self) -> list[str]:
        return _lines(self.visit_categories)

    @property
    def units(self) -> list[str]:
        return _lines(self.referral_units)

    def referral_number(self, year: int, seq: int) -> str:
        return self.referral_number_template.format_map({"abbr": self.referral_abbr, "year": year, "seq": seq})


def _lines(text: str) -> list[str]:
    seen: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and line not in seen:
            seen.append(line)
    return seen


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValidationFailed({"qr_template": tr("模板中的花括号不成对：{error}", error=exc)}) from exc


def validate(settings: StationSettings) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not settings.station_name.strip():
        errors["station_name"] = tr("站点名称不能为空")
    if not settings.station_code.strip():
        errors["station_code"] = tr("站点代码不能为空")
    for key, allowed in (("qr_template", QR_PLACEHOLDERS), ("station_qr_template", STATION_QR_PLACEHOLDERS)):
        template = getattr(settings, key)
        if not template.strip():
            errors[key] = tr("二维码内容模板不能为空")
            continue
        try:
            unknown = _placeholders(template) - set(allowed)
        except ValidationFailed as exc:
            errors[key] = exc.errors["qr_template"]
            continue
        if unknown:
            errors[key] = tr("模板中有不认识的占位符：{names}（可用：{allowed}）",
                             names="、".join(sorted("{" + n + "}" for n in unknown)),
                             allowed="、".join("{" + n + "}" for n in allowed))
    number_fields = _placeholders(settings.referral_number_template)
    if "seq" not in number_fields or number_fields - {"abbr", "year", "seq"}:
        errors["referral_number_template"] = tr("编号格式须含 {seq}，只能用 {abbr}、{year}、{seq}")
    if not _lines(settings.visit_categories):
        errors["visit_categories"] = tr("至少要有一个问题类别")
    if not _lines(settings.referral_units):
        errors["referral_units"] = tr("至少要有一个承办单位")
    if settings.subsidy_rate < 0:
        errors["subsidy_rate"] = tr("补贴标准不能为负数")
    if settings.referral_deadline_days <= 0:
        errors["referral_deadline_days"] = tr("办理期限应大于 0 天")
    return errors


def load(session: Session) -> StationSettings:
    stored = {row.key: row.value for row in session.scalars(select(Setting).where(Setting.voided_at.is_(None)))}
    values: dict[str, object] = {}
    for field in fields(StationSettings):
        if field.name in stored:
            raw = stored[field.name]
            values[field.name] = int(raw) if field.type in ("int", int) else raw
    return StationSettings(**values)


def save(db: Database, settings: StationSettings) -> None:
    errors = validate(settings)
    if errors:
        raise ValidationFailed(errors)
    with db.transaction() as session:
        store(session, settings)


def store(session: Session, settings: StationSettings) -> None:
    """Write the settings that differ from what is stored, inside the caller's transaction."""
    existing = {row.key: row for row in session.scalars(select(Setting))}
    for field in fields(StationSettings):
        value = str(getattr(settings, field.name))
        row = existing.get(field.name)
        if row is None:
            session.add(Setting(key=field.name, value=value))
        elif row.value != value:
            row.value = value


def read(db: Database) -> StationSettings:
    with db.session() as session:
        return load(session)
