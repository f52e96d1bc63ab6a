"""站点设置 — the station's own settings, stored as key/value rows with typed defaults.

This station's name, code, kind, address and phone are not settings: they live in its row of the
``stations`` table, which the setting ``local_station_id`` names (``services.context``). The
settings page edits both through ``save()``, in one transaction.
"""
from __future__ import annotations

import dataclasses
import string
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station_app.db.models import DutyPlan, Representative, Setting, Station
from station_app.i18n import tr
from station_app.services import money
from station_app.services.context import (
    LOCAL_STATION_KEY,
    UNNAMED_STATION,
    ServiceContext,
    StationRef,
    local_station,
)
from station_app.services.errors import ValidationFailed

if TYPE_CHECKING:
    from station_app.services.messages import Message

from station_app.vocab import DeadlineUnit, PaidMonthChange, StationKind

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
    county_name: str = ""
    qr_template: str = DEFAULT_QR_TEMPLATE
    station_qr_template: str = DEFAULT_STATION_QR_TEMPLATE
    referral_number_template: str = "{abbr}交〔{year}〕{seq}号"
    referral_abbr: str = "监"
    #: a referral's deadline: so many working days, or so many calendar months (the seeds: 1个月内)
    referral_deadline_count: int = 1
    referral_deadline_unit: str = DeadlineUnit.MONTHS.value
    #: what an attendance change in a month whose subsidy is paid does (the rates are kept in subsidy_rates)
    subsidy_paid_month_change: str = PaidMonthChange.REFUSE.value
    #: 代表建议 deadlines (the seeds): a township matter handed over within 7 days; a county matter reported
    #: within 3 working days and sent by 交办函 within 7 days; the unit answers within 1 month
    suggestion_township_days: int = 7
    suggestion_report_working_days: int = 3
    suggestion_letter_days: int = 7
    suggestion_answer_months: int = 1
    #: one per line: activity kinds this station records besides the standard ones (视察调研, 参加会议 …)
    activity_kinds: str = ""
    #: one per line: the categories a visit can be filed under, and the units a problem can be referred to
    visit_categories: str = DEFAULT_CATEGORIES
    referral_units: str = DEFAULT_UNITS
    #: 县级汇总模式: this copy of the program is the county office's, which merges the stations' sync workbooks
    county_mode: bool = False
    #: send representatives' and citizens' phone numbers to the county unmasked (ID numbers are always masked)
    sync_send_phones: bool = False
    #: automatic backups (services/backup.py): the newest copy of each day kept so many days, of each month so many months
    backup_keep_days: int = 30
    backup_keep_months: int = 12
    #: write ID numbers whole in the registry export and the report workbooks (masked otherwise); the sync
    #: workbook masks them always
    export_full_id_numbers: bool = False

    def replace(self, **changes: object) -> StationSettings:
        return dataclasses.replace(self, **changes)

    @property
    def categories(self) -> list[str]:
        return _lines(self.visit_categories)

    @property
    def units(self) -> list[str]:
        return _lines(self.referral_units)

    @property
    def extra_activity_kinds(self) -> list[str]:
        return _lines(self.activity_kinds)

    def suggestion_number(self, year: int, seq: int) -> str:
        """"东监建〔2026〕3号": the referral format with 建 for 交."""
        return self.referral_number_template.replace("交", "建").format_map(
            {"abbr": self.referral_abbr, "year": year, "seq": seq})

    @property
    def deadline_rule(self) -> DeadlineRule:
        return DeadlineRule(self.referral_deadline_count, DeadlineUnit.parse(self.referral_deadline_unit)
                            or DeadlineUnit.MONTHS)

    def referral_number(self, year: int, seq: int) -> str:
        return self.referral_number_template.format_map({"abbr": self.referral_abbr, "year": year, "seq": seq})


#: the longest deadline a station may set, per unit
DEADLINE_MAX = {DeadlineUnit.WORKING_DAYS: 365, DeadlineUnit.MONTHS: 12}


@dataclass(frozen=True)
class DeadlineRule:
    """How long a unit has to answer a referral: ``count`` working days or calendar months."""

    count: int
    unit: DeadlineUnit

    def describe(self) -> str:
        """"1 个月" or "15 个工作日"."""
        return self.message().render()

    def message(self) -> Message:
        from station_app.services.messages import Message  # it draws on io's date style: imported when used

        if self.unit == DeadlineUnit.MONTHS:
            return Message.of("{n} 个月", n=self.count)
        return Message.of("{n} 个工作日", n=self.count)


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
    if PaidMonthChange.parse(settings.subsidy_paid_month_change) is None:
        errors["subsidy_paid_month_change"] = tr("已发放月份的签到变动应为：{choices}",
                                                 choices="、".join(c.label for c in PaidMonthChange))
    for key, low, high in (("suggestion_township_days", 1, 60), ("suggestion_report_working_days", 1, 30),
                           ("suggestion_letter_days", 1, 60), ("suggestion_answer_months", 1, 12),
                           ("backup_keep_days", 1, 3660), ("backup_keep_months", 0, 240)):
        if not low <= getattr(settings, key) <= high:
            errors[key] = tr("应为 {low} 到 {high}", low=low, high=high)
    unit = DeadlineUnit.parse(settings.referral_deadline_unit)
    if unit is None:
        errors["referral_deadline_unit"] = tr("办理期限应按：{choices}", choices="、".join(u.label for u in DeadlineUnit))
    elif not 1 <= settings.referral_deadline_count <= DEADLINE_MAX[unit]:
        errors["referral_deadline_count"] = tr("办理期限应为 1 到 {max}{unit}", max=DEADLINE_MAX[unit], unit=unit.label)
    return errors


def _load(session: Session) -> StationSettings:
    stored = {row.key: row.value for row in session.scalars(select(Setting).where(Setting.voided_at.is_(None)))}
    values: dict[str, object] = {}
    for field in fields(StationSettings):
        if field.name in stored:
            raw = stored[field.name]
            if field.type in ("bool", bool):
                values[field.name] = raw in ("True", "true", "1")
            elif field.type in ("int", int):
                values[field.name] = int(raw)
            elif field.type in ("Decimal", Decimal):
                values[field.name] = money.yuan(raw)
            else:
                values[field.name] = raw
    return StationSettings(**values)


def read(ctx: ServiceContext) -> StationSettings:
    with ctx.read() as session:
        return _load(session)


@dataclass
class ThisStationInput:
    """This PC's station as the settings page edits it."""

    name: str = UNNAMED_STATION.name
    code: str = UNNAMED_STATION.code
    kind: str = UNNAMED_STATION.kind
    address: str = ""
    phone: str = ""

    @classmethod
    def of(cls, station: StationRef) -> ThisStationInput:
        return cls(station.name, station.code, station.kind, station.address, station.phone)


def validate_station(station: ThisStationInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not station.name.strip():
        errors["station_name"] = tr("站点名称不能为空")
    if not station.code.strip():
        errors["station_code"] = tr("站点代码不能为空")
    if StationKind.parse(station.kind) is None:
        errors["station_kind"] = tr("站点类型应为：{choices}", choices="、".join(k.label for k in StationKind))
    return errors


def save(ctx: ServiceContext, settings: StationSettings, station: ThisStationInput | None = None) -> None:
    """Save the settings (and this station's own row, when given) in one transaction. Administrators only."""
    errors = validate(settings)
    if station is not None:
        errors.update(validate_station(station))
    if errors:
        raise ValidationFailed(errors)
    with ctx.write(admin_only=True) as session:
        _store(session, settings)
        if station is not None:
            _store_station(session, station)


def save_this_station(ctx: ServiceContext, station: ThisStationInput) -> StationRef:
    """Name this PC's station: its row of ``stations`` is updated, found by code, or added."""
    errors = validate_station(station)
    if errors:
        raise ValidationFailed(errors)
    with ctx.write(admin_only=True) as session:
        _store_station(session, station)
    return ctx.station


def _store(session: Session, settings: StationSettings) -> None:
    """Write the settings that differ from what is stored, inside the caller's transaction."""
    existing = {row.key: row for row in session.scalars(select(Setting))}
    for field in fields(StationSettings):
        _store_value(session, existing, field.name, str(getattr(settings, field.name)))


def _store_value(session: Session, existing: dict[str, Setting], key: str, value: str) -> None:
    row = existing.get(key)
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value or row.is_voided:
        row.value = value
        row.voided_at = None


def _store_station(session: Session, station: ThisStationInput) -> None:
    name, code = station.name.strip(), station.code.strip()
    row = local_station(session)
    if row is None:
        # A station already in the registry with this code (or name) becomes this PC's own.
        row = session.scalars(select(Station).where(Station.code == code, Station.voided_at.is_(None))).first() \
            or session.scalars(select(Station).where(Station.name == name, Station.voided_at.is_(None))).first()
    if row is None:
        row = Station(name=name, code=code)
        session.add(row)
    else:
        clash = session.scalars(select(Station).where(Station.id != row.id, Station.voided_at.is_(None),
                                                      (Station.code == code) | (Station.name == name))).first()
        if clash is not None:
            field = "station_code" if clash.code == code else "station_name"
            raise ValidationFailed({field: tr("名册中已有站点“{name}”（{code}），不能重名",
                                              name=clash.name, code=clash.code)})
    row.name, row.code, row.kind = name, code, station.kind
    row.address, row.phone = station.address.strip(), station.phone.strip()
    session.flush()
    existing = {r.key: r for r in session.scalars(select(Setting).where(Setting.key == LOCAL_STATION_KEY))}
    _store_value(session, existing, LOCAL_STATION_KEY, row.id)


# --- The first start -------------------------------------------------------------------------


@dataclass(frozen=True)
class SetupStep:
    """One thing a new station needs before its daily work, in the order it is done (the first-start guide)."""

    #: "station" (this station's name, code and kind), "registry" (people to put on duty), "plan" (a duty plan)
    key: str
    done: bool
    #: what there is now, for the guide to say: "东河县人大代表监督站（DHJD）", "490 位代表", "2 个排班方案"
    detail: str = ""


SETUP_ORDER = ("station", "registry", "plan")


def setup_steps(ctx: ServiceContext) -> list[SetupStep]:
    """The steps of a new station's setup, in order, each done or not: a database made today has none done."""
    station = ctx.station  # the window shows it too: read once
    with ctx.read() as session:
        people, plans = session.execute(select(
            select(func.count()).select_from(Representative).where(Representative.voided_at.is_(None)).scalar_subquery(),
            select(func.count()).select_from(DutyPlan).where(DutyPlan.voided_at.is_(None)).scalar_subquery())).one()
    return [
        SetupStep("station", station.configured,
                  tr("{name}（{code}）", name=station.name, code=station.code) if station.configured else ""),
        SetupStep("registry", people > 0, tr("名册中有 {n} 位代表", n=people) if people else ""),
        SetupStep("plan", plans > 0, tr("已有 {n} 个排班方案", n=plans) if plans else ""),
    ]


def setup_done(ctx: ServiceContext) -> bool:
    """True once this station is named, has people on its registry and a duty plan; a county office (county
    mode), which keeps no station of its own and merges the stations' records, needs no guide."""
    return read(ctx).county_mode or all(step.done for step in setup_steps(ctx))
