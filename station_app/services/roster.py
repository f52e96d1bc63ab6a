"""排班与签到 — duty plans, generating rosters, manual changes (指派, 移除, 调班, 替班), attendance, 空岗.

Who is on duty is a ``DutyAssignment`` on a ``DutySlot`` of a ``DutyPlan``. The generator
(``roster_generator.plan_roster``) decides; this module feeds it from the database and writes
its answer. Manual changes are pinned assignments (or pinned voids, for removals) that every
regeneration keeps; days before today never change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import (
    Delegation,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    RepGroup,
    Representative,
    Station,
    Unavailability,
    WindowUnit,
    utcnow,
)
from station_app.db.session import Database
from station_app.i18n import WEEKDAYS_LONG, tr, weekday
from station_app.io.excel import Column, SheetSpec, write_workbook
from station_app.io.roster_pdf import (
    EmptyPost,
    PrintedDay,
    PrintedPerson,
    PrintedSlot,
    write_empty_posts_pdf,
    write_month_roster_pdf,
)
from station_app.services import settings as settings_service
from station_app.services.context import UNNAMED_STATION, local_station
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.roster_generator import Candidate, RosterInput, Uncovered, plan_roster
from station_app.services.work_calendar import WorkCalendar, closed_days

SLOT_CHOICES = ("全天", "上午", "下午")
ROTATIONS = {"person": "逐人轮换", "delegation": "按代表团编组", "rep_group": "按代表小组编组"}
#: attendance states a clerk can set directly; 替班 is set by recording a stand-in
MARKABLE = ("待签到", "出勤", "缺勤", "请假")
EMPTY_POST = ("缺勤", "请假")
# Explicit join conditions: DutyAssignment also points at itself (replaces_id), so joins must say which way.
_ON_SLOT = DutyAssignment.slot_id == DutySlot.id
_ON_PLAN = DutySlot.plan_id == DutyPlan.id


# --- Plans -----------------------------------------------------------------------------------


@dataclass
class PlanInput:
    name: str = ""
    station: str = ""
    #: "weekdays" (the chosen weekdays, when they are working days) or "workdays" (every official working day)
    day_rule: str = "weekdays"
    weekdays: list[int] = field(default_factory=lambda: [3])
    slots: list[str] = field(default_factory=lambda: ["全天"])
    headcount: int = 2
    heads_per_slot: int = 0
    rotation: str = "person"
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
        day_rule="weekdays",
        weekdays=[3],
        slots=["全天"],
        headcount=2,
        rotation="person",
    )


def monitoring_preset(station: str) -> PlanInput:
    """监督站值班: every official working day, morning and afternoon, delegations in turn with window-unit heads."""
    return PlanInput(
        name="监督站每日值班",
        station=station,
        day_rule="workdays",
        slots=["上午", "下午"],
        headcount=2,
        heads_per_slot=1,
        rotation="delegation",
    )


@dataclass(frozen=True)
class PlanRow:
    id: str
    name: str
    station: str
    station_id: str
    description: str


def describe(plan: DutyPlan) -> str:
    days = (
        tr("每个法定工作日")
        if plan.day_rule == "workdays"
        else tr("每周{days}", days="、".join(weekday(d - 1, short=True) for d in sorted(plan.weekdays)))
    )
    text = tr("{days}，{slots}，每班 {n} 名代表", days=days, slots="/".join(plan.slots), n=plan.headcount)
    if plan.heads_per_slot:
        text += tr("、{n} 名窗口单位负责人", n=plan.heads_per_slot)
    return text + tr("，{rotation}", rotation=tr(ROTATIONS.get(plan.rotation, plan.rotation)))


def list_plans(session: Session) -> list[PlanRow]:
    plans = session.scalars(select(DutyPlan).where(DutyPlan.voided_at.is_(None)).order_by(DutyPlan.created_at))
    return [PlanRow(p.id, p.name, p.station.name, p.station_id, describe(p)) for p in plans]


def plan_input(session: Session, plan_id: str) -> PlanInput:
    plan = _plan(session, plan_id)
    pool = plan.pool or {}
    return PlanInput(
        name=plan.name,
        station=plan.station.name,
        day_rule=plan.day_rule,
        weekdays=list(plan.weekdays),
        slots=list(plan.slots),
        headcount=plan.headcount,
        heads_per_slot=plan.heads_per_slot,
        rotation=plan.rotation,
        levels=pool.get("levels", []),
        kinds=pool.get("kinds", []),
        delegations=pool.get("delegations", []),
        groups=pool.get("groups", []),
        own_station_only=pool.get("own_station_only", True),
    )


def _plan(session: Session, key: str) -> DutyPlan:
    plan = session.get(DutyPlan, key)
    if plan is None:
        plan = session.scalars(
            select(DutyPlan).where(DutyPlan.name == key.strip(), DutyPlan.voided_at.is_(None))
        ).first()
    if plan is None or plan.is_voided:
        raise NotFound(tr("找不到排班方案：{key}", key=key))
    return plan


def save_plan(db: Database, data: PlanInput, plan_id: str | None = None) -> str:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = tr("请填写方案名称")
    if data.day_rule not in ("weekdays", "workdays"):
        errors["day_rule"] = tr("请选择值班日")
    if data.day_rule == "weekdays" and not data.weekdays:
        errors["weekdays"] = tr("请至少选择一个星期几")
    if not data.slots or any(s not in SLOT_CHOICES for s in data.slots):
        errors["slots"] = tr("时段应为“全天”，或“上午”和“下午”")
    if data.headcount < 0 or data.heads_per_slot < 0 or data.headcount + data.heads_per_slot == 0:
        errors["headcount"] = tr("每班至少需要 1 人")
    if data.rotation not in ROTATIONS:
        errors["rotation"] = tr("请选择轮换方式")
    with db.transaction() as session:
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
        plan.day_rule, plan.weekdays = data.day_rule, sorted(set(data.weekdays)) if data.day_rule == "weekdays" else []
        plan.slots, plan.headcount, plan.heads_per_slot = list(data.slots), data.headcount, data.heads_per_slot
        plan.rotation = data.rotation
        plan.pool = {
            "levels": data.levels,
            "kinds": data.kinds,
            "delegations": data.delegations,
            "groups": data.groups,
            "own_station_only": data.own_station_only,
        }
        session.flush()
        return plan.id


# --- People ----------------------------------------------------------------------------------


def rep_key(rep_id: str) -> str:
    return f"r:{rep_id}"


def head_key(unit_id: str) -> str:
    return f"u:{unit_id}"


def _person_of(assignment: DutyAssignment) -> str:
    return (
        rep_key(assignment.representative_id) if assignment.representative_id else head_key(assignment.window_unit_id)
    )


def _candidates(session: Session, plan: DutyPlan) -> list[Candidate]:
    pool = plan.pool or {}
    query = (
        select(Representative, Delegation.name, RepGroup.name)
        .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
        .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
        .where(Representative.voided_at.is_(None), Representative.active.is_(True))
    )
    if pool.get("own_station_only", True):
        query = query.where(Representative.station_id == plan.station_id)
    for key, column in (
        ("levels", Representative.level),
        ("kinds", Representative.kind),
        ("delegations", Delegation.name),
        ("groups", RepGroup.name),
    ):
        if pool.get(key):
            query = query.where(column.in_(pool[key]))
    people = []
    for rep, delegation, group in session.execute(query.order_by(Representative.pinyin, Representative.id)).unique():
        rotation_group = delegation if plan.rotation == "delegation" else group if plan.rotation == "rep_group" else ""
        people.append(Candidate(rep_key(rep.id), rep.name, group=rotation_group or "", order=rep.pinyin))
    if plan.heads_per_slot:
        units = session.scalars(
            select(WindowUnit)
            .where(
                WindowUnit.voided_at.is_(None),
                WindowUnit.head_name != "",
                (WindowUnit.station_id == plan.station_id) | WindowUnit.station_id.is_(None),
            )
            .order_by(WindowUnit.name)
        )
        people += [Candidate(head_key(u.id), u.head_name, is_head=True, order=u.name) for u in units]
    return people


def _names(session: Session, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """key → (name, unit): a representative's delegation, or a head's window unit."""
    keys = set(keys)
    rep_ids = [k[2:] for k in keys if k.startswith("r:")]
    unit_ids = [k[2:] for k in keys if k.startswith("u:")]
    names: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(rep_ids):
        for rep_id, name, delegation, group in session.execute(
            select(Representative.id, Representative.name, Delegation.name, RepGroup.name)
            .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
            .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
            .where(Representative.id.in_(chunk))
        ):
            names[rep_key(rep_id)] = (name, delegation or group or "")
    for chunk in _chunks(unit_ids):
        for unit_id, head, unit in session.execute(
            select(WindowUnit.id, WindowUnit.head_name, WindowUnit.name).where(WindowUnit.id.in_(chunk))
        ):
            names[head_key(unit_id)] = (head, unit)
    return names


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Generating ------------------------------------------------------------------------------


def duty_days(plan: DutyPlan, work: WorkCalendar, closed: set[dt.date], start: dt.date, end: dt.date) -> list[dt.date]:
    """The days a plan staffs: official working days (or its weekdays that are working days), minus closures."""
    days = []
    day = start
    while day <= end:
        if (
            day not in closed
            and work.is_workday(day)
            and (plan.day_rule == "workdays" or day.isoweekday() in plan.weekdays)
        ):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass
class GenerateReport:
    plan: str
    start: dt.date
    end: dt.date
    days: int = 0
    filled: int = 0
    kept: int = 0
    cleared: int = 0
    uncovered: list[Uncovered] = field(default_factory=list)
    warning: str | None = None
    past_skipped: bool = False

    def lines(self) -> list[str]:
        lines = [
            tr(
                "方案“{plan}”：{start} 至 {end}，共 {days} 个值班日；新排 {filled} 人次，保留手工安排和已签到 {kept} 人次。",
                plan=self.plan,
                start=self.start,
                end=self.end,
                days=self.days,
                filled=self.filled,
                kept=self.kept,
            )
        ]
        if self.past_skipped:
            lines.append(tr("今天以前的日期保持不变。"))
        if self.warning:
            lines.append(tr("注意：") + self.warning)
        if self.uncovered:
            lines.append(tr("有 {n} 个班次未排满：", n=len(self.uncovered)))
            lines += [
                tr(
                    "  {day} {slot} 缺{who} {n} 人：{reason}",
                    day=u.day,
                    slot=u.slot,
                    who=tr(u.who),
                    n=u.missing,
                    reason=u.reason,
                )
                for u in self.uncovered
            ]
        else:
            lines.append(tr("所有班次均已排满。"))
        return lines


def _kept(assignment: DutyAssignment) -> bool:
    """Assignments a regeneration never touches: manual ones, and any whose attendance was recorded."""
    return assignment.pinned or assignment.source != "生成" or assignment.attendance != "待签到"


def generate(db: Database, plan_key: str, start: dt.date, end: dt.date, today: dt.date | None = None) -> GenerateReport:
    """Generate (or regenerate) ``plan``'s roster from ``start`` to ``end`` in one transaction."""
    today = today or dt.date.today()
    if end < start:
        raise ValidationFailed({"end": tr("结束日期 {end} 早于开始日期 {start}", end=end, start=start)})
    if (end - start).days > 800:
        raise ValidationFailed({"end": tr("一次最多生成两年的排班")})
    with db.transaction() as session:
        plan = _plan(session, plan_key)
        report = GenerateReport(plan.name, start, end)
        if start < today:
            report.past_skipped = True
            start = today
        if start > end:
            return report
        work = WorkCalendar.load(session)
        report.warning = work.warning(start, end)
        days = duty_days(plan, work, closed_days(session, plan.station_id, start, end), start, end)
        report.days = len(days)
        staffed = set(days)

        slots = {
            (s.day, s.slot_name): s
            for s in session.scalars(
                select(DutySlot).where(DutySlot.plan_id == plan.id, DutySlot.day >= start, DutySlot.day <= end)
            )
        }
        in_span = list(
            session.scalars(
                select(DutyAssignment)
                .join(DutySlot, _ON_SLOT)
                .where(DutySlot.plan_id == plan.id, DutySlot.day >= start, DutySlot.day <= end)
            )
        )
        fixed: dict[tuple[dt.date, str], list[str]] = defaultdict(list)
        removed: dict[str, set[dt.date]] = defaultdict(set)
        replaceable: dict[tuple[str, str], DutyAssignment] = {}
        for a in in_span:
            key = (a.slot.day, a.slot.slot_name)
            if a.is_voided:
                if a.pinned:  # a manual removal or a swapped-out turn: keep that person off that day
                    removed[_person_of(a)].add(a.slot.day)
            elif _kept(a):
                if a.attendance != "替班":
                    fixed[key].append(_person_of(a))
                report.kept += 1
            elif a.slot.day in staffed and a.slot.slot_name in plan.slots:
                replaceable[(a.slot_id, _person_of(a))] = a
            else:
                _void(a, tr("该日不再值班（节假日、闭站或方案改变）"), session)
                report.cleared += 1

        candidates = _candidates(session, plan)
        history = _history(session, plan.id, start)
        unavailable = _unavailable(session, start, end)
        for person, dates in removed.items():
            unavailable.setdefault(person, set()).update(dates)
        busy = _busy_elsewhere(session, plan.id, start, end)
        served = {key: count for key, (count, _last) in history.items()}
        for keys in fixed.values():
            for key in keys:
                served[key] = served.get(key, 0) + 1
        result = plan_roster(
            RosterInput(
                days=days,
                slot_names=list(plan.slots),
                headcount=plan.headcount,
                heads_per_slot=plan.heads_per_slot,
                rotation=plan.rotation,
                candidates=candidates,
                served=served,
                last_served={key: last for key, (_count, last) in history.items()},
                unavailable=unavailable,
                busy=busy,
                fixed=dict(fixed),
            )
        )
        report.uncovered = result.uncovered
        operator = session.info.get("operator") or db.operator or ""
        for day in days:
            for slot_name in plan.slots:
                slot = slots.get((day, slot_name))
                if slot is None:
                    slot = DutySlot(plan_id=plan.id, day=day, slot_name=slot_name)
                    session.add(slot)
                    slots[(day, slot_name)] = slot
                slot.headcount = plan.headcount + plan.heads_per_slot
                for person in result.assignments.get((day, slot_name), []):
                    existing = replaceable.pop((slot.id, person), None) if slot.id else None
                    if existing is None:
                        session.add(_new_assignment(slot, person, "生成", made_by=operator))
                    report.filled += 1
        for leftover in replaceable.values():
            _void(leftover, tr("重新生成排班"), session)
            report.cleared += 1
        return report


def _new_assignment(
    slot: DutySlot,
    person: str,
    source: str,
    *,
    pinned: bool = False,
    reason: str = "",
    made_by: str = "",
    replaces: DutyAssignment | None = None,
) -> DutyAssignment:
    kind, person_id = person.split(":", 1)
    return DutyAssignment(
        slot=slot,
        representative_id=person_id if kind == "r" else None,
        window_unit_id=person_id if kind == "u" else None,
        source=source,
        pinned=pinned,
        reason=reason,
        made_by=made_by,
        attendance="待签到",
        replaces_id=replaces.id if replaces else None,
    )


def _void(assignment: DutyAssignment, reason: str, session: Session, pinned: bool | None = None) -> None:
    assignment.voided_at = utcnow()
    assignment.void_reason = reason
    assignment.voided_by = session.info.get("operator") or ""
    if pinned is not None:
        assignment.pinned = pinned


def _history(session: Session, plan_id: str, before: dt.date) -> dict[str, tuple[int, dt.date]]:
    """Turns each person served in this plan before ``before``, and their last day."""
    rows = session.execute(
        select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutySlot.day)
        .join(DutySlot, _ON_SLOT)
        .where(DutySlot.plan_id == plan_id, DutySlot.day < before, DutyAssignment.voided_at.is_(None))
    )
    history: dict[str, list] = {}
    for rep_id, unit_id, day in rows:
        key = rep_key(rep_id) if rep_id else head_key(unit_id)
        entry = history.setdefault(key, [0, dt.date.min])
        entry[0] += 1
        entry[1] = max(entry[1], day)
    return {k: (v[0], v[1]) for k, v in history.items()}


def _unavailable(session: Session, start: dt.date, end: dt.date) -> dict[str, set[dt.date]]:
    result: dict[str, set[dt.date]] = defaultdict(set)
    for row in session.scalars(
        select(Unavailability).where(
            Unavailability.voided_at.is_(None), Unavailability.start_date <= end, Unavailability.end_date >= start
        )
    ):
        key = rep_key(row.representative_id) if row.representative_id else head_key(row.window_unit_id)
        day = max(row.start_date, start)
        while day <= min(row.end_date, end):
            result[key].add(day)
            day += dt.timedelta(days=1)
    return result


def _busy_elsewhere(session: Session, plan_id: str, start: dt.date, end: dt.date) -> dict[dt.date, set[str]]:
    busy: dict[dt.date, set[str]] = defaultdict(set)
    for rep_id, unit_id, day in session.execute(
        select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutySlot.day)
        .join(DutySlot, _ON_SLOT)
        .where(
            DutySlot.plan_id != plan_id,
            DutySlot.day >= start,
            DutySlot.day <= end,
            DutyAssignment.voided_at.is_(None),
            DutySlot.voided_at.is_(None),
        )
    ):
        busy[day].add(rep_key(rep_id) if rep_id else head_key(unit_id))
    return busy


# --- Manual changes --------------------------------------------------------------------------


def _assignment(session: Session, assignment_id: str) -> DutyAssignment:
    assignment = session.get(DutyAssignment, assignment_id)
    if assignment is None or assignment.is_voided:
        raise NotFound(tr("找不到这条值班安排（可能已被移除）"))
    return assignment


def _not_past(day: dt.date, today: dt.date) -> None:
    if day < today:
        raise StationError(tr("{day} 已经过去，排班不能再改；如需记录实际情况，请在“签到”中登记", day=day))


def _check_free(session: Session, person: str, day: dt.date, ignore: Iterable[str] = ()) -> None:
    """Hard rules for a manual placement: not twice a day, not on a declared unavailable day."""
    kind, person_id = person.split(":", 1)
    column = DutyAssignment.representative_id if kind == "r" else DutyAssignment.window_unit_id
    clash = session.scalars(
        select(DutyAssignment)
        .join(DutySlot, _ON_SLOT)
        .where(
            column == person_id,
            DutySlot.day == day,
            DutyAssignment.voided_at.is_(None),
            DutyAssignment.id.not_in(list(ignore)),
        )
    ).first()
    name = _names(session, [person]).get(person, (person, ""))[0]
    if clash is not None:
        raise StationError(
            tr("{name} 在 {day} 已有值班（{slot}），同一天不能排两次", name=name, day=day, slot=clash.slot.slot_name)
        )
    owner = Unavailability.representative_id if kind == "r" else Unavailability.window_unit_id
    away = session.scalars(
        select(Unavailability).where(
            owner == person_id,
            Unavailability.voided_at.is_(None),
            Unavailability.start_date <= day,
            Unavailability.end_date >= day,
        )
    ).first()
    if away is not None:
        raise StationError(
            tr(
                "{name} 已登记 {start} 至 {end} 不能值班（{reason}）",
                name=name,
                start=away.start_date,
                end=away.end_date,
                reason=away.reason or tr("未注明原因"),
            )
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": tr("请填写原因")})
    return reason


def assign(db: Database, slot_id: str, person: str, reason: str, today: dt.date | None = None) -> str:
    """手工指派 — put someone on a slot by hand; kept by every regeneration."""
    reason = _require_reason(reason)
    with db.transaction() as session:
        slot = session.get(DutySlot, slot_id)
        if slot is None:
            raise NotFound(tr("找不到这个班次"))
        _not_past(slot.day, today or dt.date.today())
        _check_free(session, person, slot.day)
        assignment = _new_assignment(
            slot, person, "手工", pinned=True, reason=reason, made_by=session.info.get("operator") or db.operator or ""
        )
        session.add(assignment)
        session.flush()
        return assignment.id


def remove(db: Database, assignment_id: str, reason: str, today: dt.date | None = None) -> None:
    """移除 — take someone off a slot; the regeneration will not put them back on that day."""
    reason = _require_reason(reason)
    with db.transaction() as session:
        assignment = _assignment(session, assignment_id)
        _not_past(assignment.slot.day, today or dt.date.today())
        _void(assignment, tr("手工移除：{reason}", reason=reason), session, pinned=True)


def swap(db: Database, first_id: str, second_id: str, reason: str, today: dt.date | None = None) -> tuple[str, str]:
    """调班 — two people exchange their turns; both new turns are pinned, the old ones kept as voided history."""
    reason = _require_reason(reason)
    with db.transaction() as session:
        first, second = _assignment(session, first_id), _assignment(session, second_id)
        for a in (first, second):
            _not_past(a.slot.day, today or dt.date.today())
            if a.attendance != "待签到":
                raise StationError(tr("已签到的值班不能调班"))
        a_person, b_person = _person_of(first), _person_of(second)
        if a_person == b_person:
            raise StationError(tr("不能和自己调班"))
        _check_free(session, a_person, second.slot.day, ignore=[first.id, second.id])
        _check_free(session, b_person, first.slot.day, ignore=[first.id, second.id])
        operator = session.info.get("operator") or db.operator or ""
        for old in (first, second):
            _void(old, tr("调班：{reason}", reason=reason), session, pinned=True)
        new_first = _new_assignment(first.slot, b_person, "调班", pinned=True, reason=reason, made_by=operator)
        new_second = _new_assignment(second.slot, a_person, "调班", pinned=True, reason=reason, made_by=operator)
        session.add_all([new_first, new_second])
        session.flush()
        return new_first.id, new_second.id


def stand_in(db: Database, assignment_id: str, substitute: str, reason: str, today: dt.date | None = None) -> str:
    """替班 — someone stands in for a turn. The original turn stays, marked 替班, linked to the new one."""
    reason = _require_reason(reason)
    with db.transaction() as session:
        original = _assignment(session, assignment_id)
        if original.attendance == "替班":
            raise StationError(tr("这次值班已经有人替班"))
        if substitute == _person_of(original):
            raise StationError(tr("替班人不能是本人"))
        _check_free(session, substitute, original.slot.day)
        new = record_stand_in(session, original, substitute, reason, session.info.get("operator") or db.operator or "")
        session.flush()
        return new.id


def record_stand_in(session: Session, original: DutyAssignment, substitute: str, reason: str,
                    operator: str) -> DutyAssignment:
    """The stand-in itself, inside the caller's transaction, once the checks are done."""
    original.attendance = "替班"
    if substitute.startswith("r:"):
        original.substitute_id = substitute[2:]
    new = _new_assignment(original.slot, substitute, "替班", pinned=True, reason=reason, made_by=operator,
                          replaces=original)
    session.add(new)
    return new


def mark_attendance(
    db: Database,
    assignment_id: str,
    status: str,
    at: dt.datetime | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> None:
    """签到 — present, absent or on leave, with the time; only on or after the duty day."""
    if status not in MARKABLE:
        raise ValidationFailed({"status": tr("签到状态应为：{choices}", choices="、".join(tr(m) for m in MARKABLE))})
    with db.transaction() as session:
        assignment = _assignment(session, assignment_id)
        if assignment.slot.day > (today or dt.date.today()):
            raise StationError(tr("{day} 还没到，不能签到", day=assignment.slot.day))
        if assignment.attendance == "替班":
            raise StationError(tr("这次值班已由他人替班，请给替班人签到"))
        assignment.attendance = status
        assignment.attended_at = (at or dt.datetime.now()) if status != "待签到" else None
        if note:
            assignment.reason = note


def declare_unavailable(db: Database, person: str, start: dt.date, end: dt.date, reason: str) -> str:
    """A person cannot do duty from ``start`` to ``end`` (the generator will not place them)."""
    if end < start:
        raise ValidationFailed({"end": tr("结束日期早于开始日期")})
    kind, person_id = person.split(":", 1)
    with db.transaction() as session:
        row = Unavailability(
            representative_id=person_id if kind == "r" else None,
            window_unit_id=person_id if kind == "u" else None,
            start_date=start,
            end_date=end,
            reason=reason.strip(),
        )
        session.add(row)
        session.flush()
        return row.id


# --- Views -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonOnDuty:
    assignment_id: str
    key: str
    name: str
    unit: str
    is_head: bool
    source: str
    attendance: str
    attended_at: dt.datetime | None
    stands_in_for: str = ""


@dataclass(frozen=True)
class SlotView:
    slot_id: str
    name: str
    needed: int
    people: tuple[PersonOnDuty, ...]

    @property
    def missing(self) -> int:
        return max(0, self.needed - sum(1 for p in self.people if p.attendance != "替班"))


@dataclass(frozen=True)
class DayView:
    day: dt.date
    note: str
    off: bool
    slots: tuple[SlotView, ...]


@dataclass(frozen=True)
class PersonCount:
    key: str
    name: str
    unit: str
    scheduled: int
    attended: int
    missed: int


def day_views(
    session: Session, plan_id: str | None, start: dt.date, end: dt.date, station_id: str | None = None
) -> list[DayView]:
    """Every day from ``start`` to ``end`` with its note and the plan's (or station's) slots and people."""
    work = WorkCalendar.load(session)
    query = (
        select(DutySlot)
        .join(DutyPlan, _ON_PLAN)
        .where(DutySlot.day >= start, DutySlot.day <= end, DutySlot.voided_at.is_(None), DutyPlan.voided_at.is_(None))
    )
    if plan_id:
        query = query.where(DutySlot.plan_id == plan_id)
    elif station_id:
        query = query.where(DutyPlan.station_id == station_id)
    slots = list(session.scalars(query.order_by(DutySlot.day)))
    order = {name: i for i, name in enumerate(SLOT_CHOICES)}
    by_slot: dict[str, list[DutyAssignment]] = defaultdict(list)
    slot_ids = [s.id for s in slots]
    for chunk in _chunks(slot_ids):
        for a in session.scalars(
            select(DutyAssignment).where(DutyAssignment.slot_id.in_(chunk), DutyAssignment.voided_at.is_(None))
        ):
            by_slot[a.slot_id].append(a)
    names = _names(session, {_person_of(a) for items in by_slot.values() for a in items})
    replaced_name = {a.id: names.get(_person_of(a), ("", ""))[0] for items in by_slot.values() for a in items}
    closures = closed_days(session, station_id, start, end) if station_id else set()
    per_day: dict[dt.date, list[SlotView]] = defaultdict(list)
    for slot in sorted(slots, key=lambda s: (s.day, order.get(s.slot_name, 9))):
        people = tuple(
            PersonOnDuty(
                a.id,
                _person_of(a),
                *names.get(_person_of(a), ("?", "")),
                a.window_unit_id is not None,
                a.source,
                a.attendance,
                a.attended_at,
                replaced_name.get(a.replaces_id, ""),
            )
            for a in sorted(by_slot[slot.id], key=lambda a: (a.window_unit_id is not None, a.created_at))
        )
        per_day[slot.day].append(SlotView(slot.id, slot.slot_name, slot.headcount, people))
    views = []
    day = start
    while day <= end:
        note = work.day_note(day)
        if day in closures:
            note = tr("闭站")
        views.append(DayView(day, note, not work.is_workday(day) or day in closures, tuple(per_day.get(day, ()))))
        day += dt.timedelta(days=1)
    return views


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def person_counts(
    session: Session, plan_id: str | None, start: dt.date, end: dt.date, station_id: str | None = None
) -> list[PersonCount]:
    """Per person: turns scheduled, attended (出勤), missed (缺勤 or 请假 with nobody standing in)."""
    query = (
        select(DutyAssignment.representative_id, DutyAssignment.window_unit_id, DutyAssignment.attendance)
        .join(DutySlot, _ON_SLOT)
        .join(DutyPlan, _ON_PLAN)
        .where(DutySlot.day >= start, DutySlot.day <= end, DutyAssignment.voided_at.is_(None))
    )
    if plan_id:
        query = query.where(DutySlot.plan_id == plan_id)
    elif station_id:
        query = query.where(DutyPlan.station_id == station_id)
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for rep_id, unit_id, attendance in session.execute(query):
        entry = tally[rep_key(rep_id) if rep_id else head_key(unit_id)]
        entry[0] += 1
        entry[1] += attendance == "出勤"
        entry[2] += attendance in EMPTY_POST
    names = _names(session, tally)
    rows = [PersonCount(key, *names.get(key, ("?", "")), *counts) for key, counts in tally.items()]
    return sorted(rows, key=lambda r: (r.key.startswith("u:"), r.unit, r.name))


@dataclass(frozen=True)
class EmptyPostRow:
    """空岗 — a turn left empty: absent or on leave, with nobody standing in."""

    day: dt.date
    slot: str
    plan: str
    key: str
    name: str
    unit: str
    is_head: bool
    status: str
    note: str


def empty_posts(session: Session, start: dt.date, end: dt.date, station_id: str | None = None) -> list[EmptyPostRow]:
    query = (
        select(DutyAssignment, DutySlot.day, DutySlot.slot_name, DutyPlan.name)
        .join(DutySlot, _ON_SLOT)
        .join(DutyPlan, _ON_PLAN)
        .where(
            DutySlot.day >= start,
            DutySlot.day <= end,
            DutyAssignment.voided_at.is_(None),
            DutyAssignment.attendance.in_(EMPTY_POST),
        )
    )
    if station_id:
        query = query.where(DutyPlan.station_id == station_id)
    rows = session.execute(query.order_by(DutySlot.day)).all()
    names = _names(session, {_person_of(a) for a, *_ in rows})
    return [
        EmptyPostRow(
            day,
            slot,
            plan,
            _person_of(a),
            *names.get(_person_of(a), ("?", "")),
            a.window_unit_id is not None,
            a.attendance,
            a.reason,
        )
        for a, day, slot, plan in rows
    ]


def people_for_picking(session: Session, station_id: str | None = None) -> list[tuple[str, str, str]]:
    """(key, name, unit) of everyone who can be put on duty by hand: active representatives and window-unit heads."""
    reps = (
        select(Representative.id, Representative.name, Delegation.name, RepGroup.name)
        .outerjoin(Delegation, Representative.delegation_id == Delegation.id)
        .outerjoin(RepGroup, Representative.group_id == RepGroup.id)
        .where(Representative.voided_at.is_(None), Representative.active.is_(True))
    )
    if station_id:
        reps = reps.where(Representative.station_id == station_id)
    people = [(rep_key(i), n, d or g or "") for i, n, d, g in session.execute(reps.order_by(Representative.pinyin))]
    units = session.execute(
        select(WindowUnit.id, WindowUnit.head_name, WindowUnit.name)
        .where(WindowUnit.voided_at.is_(None), WindowUnit.head_name != "")
        .order_by(WindowUnit.name)
    )
    return people + [(head_key(i), h, u) for i, h, u in units]


# --- Export ------------------------------------------------------------------------------------


def parse_month(text: str) -> tuple[int, int]:
    """'2026-11' (also '2026/11', '2026年11月') → (2026, 11)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationFailed({"month": tr("月份格式应为 YYYY-MM，如 2026-11：“{text}”", text=text)})
    return int(match.group(1)), int(match.group(2))


def export_month(db: Database, year: int, month: int, path, plan_key: str | None = None) -> int:
    """值班表 for a month as a workbook: every turn, the per-person counts, and the 空岗 list. Returns turns."""
    start, end = month_span(year, month)
    with db.session() as session:
        plans = [_plan(session, plan_key)] if plan_key else list(
            session.scalars(select(DutyPlan).where(DutyPlan.voided_at.is_(None)).order_by(DutyPlan.created_at)))
        turns: list[dict[str, object]] = []
        counts: list[dict[str, object]] = []
        for plan in plans:
            for view in day_views(session, plan.id, start, end):
                for slot in view.slots:
                    for p in slot.people:
                        turns.append({"day": view.day, "weekday": WEEKDAYS_LONG[view.day.weekday()],
                                      "plan": plan.name, "slot": slot.name, "name": p.name,
                                      "who": "窗口单位负责人" if p.is_head else "代表", "unit": p.unit,
                                      "source": p.source, "attendance": p.attendance,
                                      "stands_in_for": p.stands_in_for,
                                      "at": p.attended_at.strftime("%H:%M") if p.attended_at else ""})
                    if slot.missing:
                        turns.append({"day": view.day, "weekday": WEEKDAYS_LONG[view.day.weekday()],
                                      "plan": plan.name, "slot": slot.name, "name": f"（缺 {slot.missing} 人）",
                                      "who": "", "unit": "", "source": "", "attendance": "未排满",
                                      "stands_in_for": "", "at": ""})
            counts += [{"plan": plan.name, "name": c.name, "unit": c.unit, "scheduled": c.scheduled,
                        "attended": c.attended, "missed": c.missed}
                       for c in person_counts(session, plan.id, start, end)]
        station_ids = {plan.station_id for plan in plans}
        posts = [p for p in empty_posts(session, start, end) if not plan_key or p.plan == plans[0].name]
        title = _station_names(session, station_ids)
    heading = f"{title} {year}年{month}月值班表"
    write_workbook(Path(path), [
        SheetSpec("值班表", [Column("day", "日期", 12, "date"), Column("weekday", "星期", 8), Column("plan", "排班方案", 16),
                             Column("slot", "时段", 8), Column("name", "姓名", 12), Column("who", "身份", 14),
                             Column("unit", "代表团/单位", 20), Column("source", "安排方式", 10),
                             Column("attendance", "签到", 8), Column("stands_in_for", "替谁值班", 10),
                             Column("at", "签到时间", 10)], turns, heading=heading, landscape=True),
        SheetSpec("值班统计", [Column("plan", "排班方案", 16), Column("name", "姓名", 12), Column("unit", "代表团/单位", 20),
                               Column("scheduled", "排班次数", 10, "int"), Column("attended", "出勤", 8, "int"),
                               Column("missed", "缺勤请假", 10, "int")], counts, heading=heading),
        SheetSpec("空岗", [Column("day", "日期", 12, "date"), Column("slot", "时段", 8), Column("plan", "排班方案", 16),
                           Column("name", "姓名", 12), Column("unit", "代表团/单位", 20), Column("status", "情况", 8),
                           Column("note", "备注", 24)],
                  [{"day": p.day, "slot": p.slot, "plan": p.plan, "name": p.name, "unit": p.unit, "status": p.status,
                    "note": p.note} for p in posts], heading=f"{title} {year}年{month}月空岗情况"),
    ])
    return sum(1 for t in turns if t["who"])


def _station_names(session: Session, station_ids: set[str]) -> str:
    names = sorted(session.scalars(select(Station.name).where(Station.id.in_(station_ids))))
    return "、".join(names) if names else ""


# --- Printing ----------------------------------------------------------------------------------


def print_month(db: Database, plan_key: str, year: int, month: int, path: Path | str) -> int:
    """The month's 值班表 as an A4 landscape PDF, with the per-person counts after it. Returns pages."""
    start, end = month_span(year, month)
    with db.session() as session:
        plan = _plan(session, plan_key)
        views = day_views(session, plan.id, start, end, station_id=plan.station_id)
        counts = person_counts(session, plan.id, start, end)
        station, plan_name, description = plan.station.name, plan.name, describe(plan)
    days = []
    for view in views:
        if not view.slots and not view.note:
            continue
        slots = tuple(
            PrintedSlot(slot.name, tuple(PrintedPerson(p.name, p.source if p.source != "生成" else "",
                                                       p.unit if p.is_head else "")
                                         for p in slot.people if p.attendance != "替班"), slot.needed)
            for slot in view.slots)
        days.append(PrintedDay(view.day, view.note, view.off, slots))
    return write_month_roster_pdf(path, station=station, plan=f"{plan_name}（{description}）", year=year, month=month,
                                  days=days, counts=[(c.name, c.scheduled, c.attended, c.missed) for c in counts])


def print_empty_posts(db: Database, year: int, month: int, path: Path | str, station_id: str | None = None) -> int:
    """空岗表: the month's empty posts by person, by window unit, and in detail, as an A4 PDF. Returns pages."""
    start, end = month_span(year, month)
    with db.session() as session:
        posts = empty_posts(session, start, end, station_id)
        station = _station_names(session, {station_id}) if station_id else settings_title(session)
    by_person: dict[tuple[str, str], int] = defaultdict(int)
    by_unit: dict[str, int] = defaultdict(int)
    for post in posts:
        by_person[(post.name, post.unit)] += 1
        if post.is_head:
            by_unit[post.unit] += 1
    return write_empty_posts_pdf(
        path, station=station, year=year, month=month,
        posts=[EmptyPost(p.day, p.slot, p.name, p.unit, p.status, p.note) for p in posts],
        by_person=sorted(((name, unit, n) for (name, unit), n in by_person.items()), key=lambda r: (-r[2], r[1], r[0])),
        by_unit=sorted(by_unit.items(), key=lambda r: (-r[1], r[0])))


def settings_title(session: Session) -> str:
    return (local_station(session) or UNNAMED_STATION).name
