"""Duty plans (排班方案): what a station staffs, when, with how many, drawn how.

A plan names its station, its days (chosen weekdays, or every official working day), its slots
(a whole day, or morning and afternoon), how many representatives and window-unit heads each slot
needs, how it rotates (one by one, or whole delegations or representative groups in turn) and the
pool it draws from. The two real cases are a preset away: the township station's Wednesday
activity day and the monitoring station's daily duty. Saving a plan is an administrator's action;
generating its roster is in ``roster_generation``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import Delegation, DutyPlan, RepGroup, Station
from station_app.i18n import tr, weekday
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, ValidationFailed
from station_app.vocab import DayRule, Rotation, SlotName


@dataclass
class PlanInput:
    name: str = ""
    #: the station's name
    station: str = ""
    #: the chosen weekdays (when they are working days), or every official working day
    day_rule: DayRule = DayRule.WEEKDAYS
    #: ISO weekdays, Monday = 1
    weekdays: list[int] = field(default_factory=lambda: [3])
    slots: list[SlotName] = field(default_factory=lambda: [SlotName.WHOLE_DAY])
    headcount: int = 2
    heads_per_slot: int = 0
    rotation: Rotation = Rotation.PERSON
    #: the pool: ``Level`` and ``RepKind`` values, delegation and group names (empty: all)
    levels: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    delegations: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    #: draw only representatives of the plan's station
    own_station_only: bool = True


def wednesday_preset(station: str) -> PlanInput:
    """周三代表活动日: every Wednesday, at least 2 representatives of any level, in rotation."""
    return PlanInput(
        name="周三代表活动日",
        station=station,
        day_rule=DayRule.WEEKDAYS,
        weekdays=[3],
        slots=[SlotName.WHOLE_DAY],
        headcount=2,
        rotation=Rotation.PERSON,
    )


def monitoring_preset(station: str) -> PlanInput:
    """监督站值班: every official working day, morning and afternoon, delegations in turn with window-unit heads."""
    return PlanInput(
        name="监督站每日值班",
        station=station,
        day_rule=DayRule.WORKDAYS,
        slots=[SlotName.MORNING, SlotName.AFTERNOON],
        headcount=2,
        heads_per_slot=1,
        rotation=Rotation.DELEGATION,
    )


@dataclass(frozen=True)
class PlanRow:
    id: str
    name: str
    station: str
    station_id: str
    description: str


@dataclass(frozen=True)
class PlanOptions:
    """What the plan dialog offers: the stations, and the delegations and groups a pool may be limited to."""

    stations: list[str]
    delegations: list[str]
    groups: list[str]


def _describe(plan: DutyPlan) -> str:
    days = (
        DayRule.WORKDAYS.label
        if plan.day_rule == DayRule.WORKDAYS
        else tr("每周{days}", days="、".join(weekday(d - 1, short=True) for d in sorted(plan.weekdays)))
    )
    text = tr("{days}，{slots}，每班 {n} 名代表", days=days, slots="/".join(SlotName.label_of(s) for s in plan.slots), n=plan.headcount)
    if plan.heads_per_slot:
        text += tr("、{n} 名窗口单位负责人", n=plan.heads_per_slot)
    return text + tr("，{rotation}", rotation=Rotation.label_of(plan.rotation))


def _plan_rows(session: Session) -> list[PlanRow]:
    plans = session.scalars(select(DutyPlan).where(DutyPlan.voided_at.is_(None)).order_by(DutyPlan.created_at))
    return [PlanRow(p.id, p.name, p.station.name, p.station_id, _describe(p)) for p in plans]


def list_plans(ctx: ServiceContext) -> list[PlanRow]:
    """Every plan in force, oldest first, with a one-line description."""
    with ctx.read() as session:
        return _plan_rows(session)


def plan_input(ctx: ServiceContext, plan_id: str) -> PlanInput:
    """A stored plan as the dialog edits it."""
    with ctx.read() as session:
        plan = _plan(session, plan_id)
        pool = plan.pool or {}
        return PlanInput(
            name=plan.name,
            station=plan.station.name,
            day_rule=DayRule(plan.day_rule),
            weekdays=list(plan.weekdays),
            slots=[SlotName(s) for s in plan.slots],
            headcount=plan.headcount,
            heads_per_slot=plan.heads_per_slot,
            rotation=Rotation(plan.rotation),
            levels=pool.get("levels", []),
            kinds=pool.get("kinds", []),
            delegations=pool.get("delegations", []),
            groups=pool.get("groups", []),
            own_station_only=pool.get("own_station_only", True),
        )


def plan_options(ctx: ServiceContext) -> PlanOptions:
    def names(model: type) -> list[str]:
        return list(session.scalars(select(model.name).where(model.voided_at.is_(None)).order_by(model.name)))

    with ctx.read() as session:
        stations = list(session.scalars(select(Station.name).where(Station.voided_at.is_(None))
                                        .order_by(Station.code)))
        return PlanOptions(stations, names(Delegation), names(RepGroup))


def _plan(session: Session, key: str) -> DutyPlan:
    """A plan in force, by id or by name."""
    plan = session.get(DutyPlan, key)
    if plan is None:
        plan = session.scalars(
            select(DutyPlan).where(DutyPlan.name == key.strip(), DutyPlan.voided_at.is_(None))
        ).first()
    if plan is None or plan.is_voided:
        raise NotFound(tr("找不到排班方案：{key}", key=key))
    return plan


def save_plan(ctx: ServiceContext, data: PlanInput, plan_id: str | None = None) -> str:
    """Add a plan (or change ``plan_id``); an administrator's action. Raises ValidationFailed per field."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = tr("请填写方案名称")
    if data.day_rule not in DayRule.values():
        errors["day_rule"] = tr("请选择值班日")
    if data.day_rule == DayRule.WEEKDAYS and not data.weekdays:
        errors["weekdays"] = tr("请至少选择一个星期几")
    if not data.slots or any(s not in SlotName.values() for s in data.slots):
        errors["slots"] = tr("时段应为“全天”，或“上午”和“下午”")
    if data.headcount < 0 or data.heads_per_slot < 0 or data.headcount + data.heads_per_slot == 0:
        errors["headcount"] = tr("每班至少需要 1 人")
    if data.rotation not in Rotation.values():
        errors["rotation"] = tr("请选择轮换方式")
    with ctx.write(admin_only=True) as session:
        station = session.scalars(
            select(Station).where(Station.name == data.station, Station.voided_at.is_(None))
        ).first()
        if station is None:
            errors["station"] = tr("请选择站点")
        clash = session.scalars(
            select(DutyPlan).where(
                DutyPlan.name == data.name.strip(), DutyPlan.voided_at.is_(None), DutyPlan.id != (plan_id or "")
            )
        ).first()
        if clash:
            errors["name"] = tr("已有同名的排班方案")
        if errors:
            raise ValidationFailed(errors)
        plan = DutyPlan() if plan_id is None else _plan(session, plan_id)
        if plan_id is None:
            session.add(plan)
        plan.name, plan.station = data.name.strip(), station
        plan.day_rule = str(data.day_rule)
        plan.weekdays = sorted(set(data.weekdays)) if data.day_rule == DayRule.WEEKDAYS else []
        plan.slots, plan.headcount, plan.heads_per_slot = [str(s) for s in data.slots], data.headcount, data.heads_per_slot
        plan.rotation = str(data.rotation)
        plan.pool = {
            "levels": [str(v) for v in data.levels],
            "kinds": [str(v) for v in data.kinds],
            "delegations": list(data.delegations),
            "groups": list(data.groups),
            "own_station_only": data.own_station_only,
        }
        session.flush()
        return plan.id
