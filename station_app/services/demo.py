"""演示数据 — a realistic, seeded, repeatable demo county: names and numbers from Faker, never real people.

A county monitoring station (人大代表监督站) with 420 city and county representatives in 22
delegations and 18 window units with their heads; a township liaison station with 62
representatives (and a few 议政代表) in 5 groups. About a third have no fixed income.
"""
from __future__ import annotations

import calendar
import datetime as dt
import random
import uuid
from dataclasses import dataclass

from faker import Faker
from sqlalchemy import func, select

from station_app.db.models import (
    Delegation,
    DutyAssignment,
    DutySlot,
    RepGroup,
    Representative,
    Station,
    Unavailability,
    WindowUnit,
)
from station_app.db.session import Database
from station_app.i18n import tr
from station_app.services import roster
from station_app.services import settings as settings_service
from station_app.services import work_calendar
from station_app.services.errors import StationError
from station_app.services.registry import pinyin_key

COUNTY = "东河县"
MONITORING_STATION = f"{COUNTY}人大代表监督站"
TOWNSHIP_STATION = f"{COUNTY}城关镇人大代表联络站"
TOWNSHIPS = (
    "城关镇", "东关街道", "西城街道", "南湖镇", "北岗镇", "清水镇", "白沙镇", "石桥镇", "柳林镇", "杨庄乡",
    "李寨乡", "王集乡", "新安镇", "马头镇", "高庙乡", "黄河乡", "双庙乡", "桑园镇", "河口乡", "东岭乡",
    "西岭乡", "梨园乡",
)
GROUPS = ("民主法治", "农业农村", "经济发展", "教科文卫", "社会建设")
WINDOW_UNITS = (
    "县公安局", "县人力资源和社会保障局", "县医疗保障局", "县市场监督管理局", "县不动产登记中心", "县税务局",
    "县自然资源局", "县住房和城乡建设局", "县交通运输局", "县民政局", "县卫生健康委员会", "县教育局",
    "县农业农村局", "县水利局", "县住房公积金管理中心", "县残疾人联合会", "县司法局", "县生态环境分局",
)
# Faker's zh_CN given names do not follow gender, so given names come from these lists.
MALE_GIVEN = ("建国", "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "飞", "鑫", "波", "斌",
              "宇", "浩", "凯", "健", "俊", "帆", "旭", "龙", "阳", "峰", "建华", "志强", "永刚", "海涛", "国庆", "文博",
              "晓东", "振华", "德明", "立新", "红军", "家豪")
FEMALE_GIVEN = ("芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "桂英", "玉兰", "丹", "萍", "红", "玲", "婷", "雪",
                "琳", "慧", "颖", "倩", "洁", "燕", "莉", "秀兰", "淑珍", "春梅", "海燕", "晓燕", "丽娟", "晓红", "金凤")
FIXED_JOBS = ("党支部书记", "副局长", "校长", "教师", "主治医师", "总经理", "工程师", "办公室主任", "护士长", "所长")
FREE_JOBS = ("个体工商户", "种植大户", "村民小组长", "养殖户", "农民专业合作社理事长", "快递网点负责人", "自由职业者")


@dataclass(frozen=True)
class DemoSummary:
    stations: int
    representatives: int
    delegations: int
    groups: int
    window_units: int
    without_fixed_income: int
    duty_turns: int = 0
    uncovered: int = 0


class _Ids:
    """Repeatable UUIDs, so two demo databases made with the same seed have the same ids."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def fill_demo(db: Database, seed: int = 2025, today: dt.date | None = None, with_duty: bool = True) -> DemoSummary:
    """Fill an empty database with the demo county; refuse a database that already has people.

    Besides the registry: both duty plans generated over the last twelve months and the next two,
    with attendance for the days already past.
    """
    today = today or dt.date.today()
    registry_summary = _fill_registry(db, seed)
    if not with_duty:
        return registry_summary
    turns, uncovered = _fill_duty(db, random.Random(seed + 2), today)
    return DemoSummary(**{**registry_summary.__dict__, "duty_turns": turns, "uncovered": uncovered})


def _fill_registry(db: Database, seed: int) -> DemoSummary:
    with db.transaction() as session:
        existing = session.scalar(select(func.count()).select_from(Representative))
        if existing:
            raise StationError(tr("数据库中已有 {n} 位代表；演示数据只装入空数据库，请用 --db 指定一个新文件",
                                  n=existing))
        rng = random.Random(seed)
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        new_id = _Ids(random.Random(seed + 1))

        monitoring = Station(id=new_id(), name=MONITORING_STATION, code="DHJD", kind="人大代表监督站",
                             address=f"{COUNTY}政务服务中心一楼东侧", contact=fake.last_name() + "主任", phone="0393-4821234")
        township = Station(id=new_id(), name=TOWNSHIP_STATION, code="DHCG", kind="乡镇(街道)代表联络站",
                           address=f"{COUNTY}城关镇人民政府院内", contact=fake.last_name() + "站长", phone="0393-4825678")
        session.add_all([monitoring, township])
        delegations = [Delegation(id=new_id(), name=f"{name}代表团") for name in TOWNSHIPS]
        groups = [RepGroup(id=new_id(), name=f"{name}代表小组") for name in GROUPS]
        session.add_all(delegations + groups)

        used_phones: set[str] = set()

        def phone() -> str:
            while True:
                number = fake.phone_number()
                if number not in used_phones:
                    used_phones.add(number)
                    return number

        def person(level: str, station: Station, delegation: Delegation | None, group: RepGroup | None,
                   kind: str = "人大代表") -> Representative:
            fixed = rng.random() >= 1 / 3
            gender = rng.choice("男男女")
            name = fake.last_name() + rng.choice(MALE_GIVEN if gender == "男" else FEMALE_GIVEN)
            job = rng.choice(FIXED_JOBS if fixed else FREE_JOBS)
            unit = fake.company() if fixed else f"{(delegation.name[:-3] if delegation else '城关镇')}{rng.choice('东西南北前后')}村"
            id_number = fake.ssn(min_age=28, max_age=65, gender="M" if gender == "男" else "F") if rng.random() < 0.7 else None
            return Representative(
                id=new_id(), name=name, gender=gender, kind=kind, level=level, delegation=delegation, group=group,
                station=station, work_unit=f"{unit}{job}", phone=phone(), id_number=id_number,
                has_fixed_income=fixed, active=True, term="第十四届" if level in ("县", "乡") else "第八届",
                pinyin=pinyin_key(name),
            )

        reps: list[Representative] = []
        for index in range(420):
            delegation = delegations[index % len(delegations)]
            reps.append(person("市" if rng.random() < 0.15 else "县", monitoring, delegation, None))
        for index in range(62):
            level = "县" if rng.random() < 0.2 else "乡"
            reps.append(person(level, township, delegations[0], groups[index % len(groups)]))
        for index in range(8):
            reps.append(person("乡", township, None, groups[index % len(groups)], kind="议政代表"))
        session.add_all(reps)
        units = []
        for name in WINDOW_UNITS:
            head = fake.last_name() + rng.choice(MALE_GIVEN + FEMALE_GIVEN)
            units.append(WindowUnit(id=new_id(), name=name, station=monitoring, head_name=head,
                                    head_title=rng.choice(("局长", "副局长", "主任", "副主任")), head_phone=phone()))
        session.add_all(units)
        settings_service.store(session, settings_service.StationSettings(
            station_name=MONITORING_STATION, station_code="DHJD", station_address=monitoring.address,
            station_phone=monitoring.phone, county_name=COUNTY, referral_abbr="东监"))
    return DemoSummary(stations=2, representatives=len(reps), delegations=len(delegations), groups=len(groups),
                       window_units=len(units), without_fixed_income=sum(not r.has_fixed_income for r in reps))


def _months_ahead(day: dt.date, months: int) -> dt.date:
    """The last day of the month ``months`` after ``day``'s month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _fill_duty(db: Database, rng: random.Random, today: dt.date) -> tuple[int, int]:
    work_calendar.seed_from_package(db)
    start = today - dt.timedelta(days=365)
    end = _months_ahead(today, 2)
    with db.session() as session:
        reps = {station: [r.id for r in session.scalars(select(Representative).where(
            Representative.station_id == station.id).order_by(Representative.pinyin))]
            for station in session.scalars(select(Station).order_by(Station.code))}
    with db.transaction() as session:
        for ids in reps.values():
            for rep_id in rng.sample(ids, max(1, len(ids) // 20)):
                first = start + dt.timedelta(days=rng.randrange(0, 420))
                session.add(Unavailability(representative_id=rep_id, start_date=first,
                                           end_date=first + dt.timedelta(days=rng.choice((3, 7, 14, 30))),
                                           reason=rng.choice(("外出学习", "住院治疗", "外地出差", "家中有事"))))
    plans = [roster.save_plan(db, roster.monitoring_preset(MONITORING_STATION)),
             roster.save_plan(db, roster.wednesday_preset(TOWNSHIP_STATION))]
    uncovered = 0
    for plan in plans:
        # The demo writes its history as if it had been generated day by day, so "past days" start at ``start``.
        report = roster.generate(db, plan, start, end, today=start)
        uncovered += len(report.uncovered)
    with db.transaction() as session:
        turns = session.scalars(select(DutyAssignment).join(DutySlot, DutyAssignment.slot_id == DutySlot.id)
                                .where(DutySlot.day < today, DutyAssignment.voided_at.is_(None))
                                .order_by(DutySlot.day, DutyAssignment.id)).all()
        by_station = {station.id: set(ids) for station, ids in reps.items()}
        on_day: dict[dt.date, set[str]] = {}
        for turn in turns:
            on_day.setdefault(turn.slot.day, set()).add(turn.representative_id or turn.window_unit_id)
        for turn in turns:
            day = turn.slot.day
            roll = rng.random()
            at = dt.datetime.combine(day, dt.time(8 if turn.slot.slot_name != "下午" else 14, rng.randrange(0, 30)))
            if roll < 0.03:
                turn.attendance = "缺勤"
            elif roll < 0.05:
                turn.attendance = "请假"
                turn.reason = rng.choice(("临时外出", "身体不适", "单位有会"))
            elif roll < 0.08 and turn.representative_id:
                pool = by_station[turn.slot.plan.station_id] - on_day[day]
                if not pool:
                    turn.attendance, turn.attended_at = "出勤", at
                    continue
                substitute = rng.choice(sorted(pool))
                on_day[day].add(substitute)
                new = roster.record_stand_in(session, turn, f"r:{substitute}", "本人临时有事，由同组代表替班", "演示")
                new.attendance, new.attended_at = "出勤", at
            else:
                turn.attendance, turn.attended_at = "出勤", at
    return len(turns), uncovered
