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
from decimal import Decimal

from faker import Faker
from sqlalchemy import func, select
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
    new_id,
)
from station_app.i18n import tr
from station_app.services import attendance, roster_generation, roster_plans, work_calendar
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext, StationRef
from station_app.services.errors import StationError
from station_app.services.messages import Message
from station_app.services.registry import pinyin_key
from station_app.services.roster_people import PersonRef
from station_app.vocab import (
    FALLBACK_CATEGORY,
    ActivityKind,
    Attendance,
    Channel,
    FollowUpMethod,
    Gender,
    Level,
    Outcome,
    ReferralAction,
    RepKind,
    Satisfaction,
    SlotName,
    StationKind,
    SuggestionScope,
)

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
    visits: int = 0
    referrals: int = 0
    suggestions: int = 0
    activities: int = 0
    #: months of 误工补贴 paid, and what they paid (yuan)
    subsidy_months: int = 0
    subsidy_paid: Decimal = Decimal("0.00")


class _Ids:
    """Repeatable UUIDs, so two demo databases made with the same seed have the same ids."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def fill_demo(ctx: ServiceContext, seed: int = 2025, today: dt.date | None = None,
              with_duty: bool = True) -> DemoSummary:
    """Fill an empty database with the demo county; refuse a database that already has people.

    Besides the registry: both duty plans generated over the last twelve months and the next two,
    with attendance for the days already past, and a year of visits and referrals. The whole demo is
    one transaction: a demo stopped half-way leaves nothing behind.
    """
    today = today or dt.date.today()
    with ctx.write(admin_only=True) as session:
        registry_summary = _fill_registry(ctx, session, seed)
        if not with_duty:
            return registry_summary
        turns, uncovered = _fill_duty(ctx, session, random.Random(seed + 2), today)
        fake = Faker("zh_CN")
        fake.seed_instance(seed + 3)
        visits, referral_count, suggestion_count = _fill_visits(ctx, session, random.Random(seed + 3), fake, today)
        activities = _fill_activities(ctx, session, random.Random(seed + 4), today)
        _fill_review_marks(session, random.Random(seed + 5), today)
        months, paid = _fill_subsidy(ctx, today)
    return DemoSummary(**{**registry_summary.__dict__, "duty_turns": turns, "uncovered": uncovered, "visits": visits,
                          "referrals": referral_count, "suggestions": suggestion_count, "activities": activities, "subsidy_months": months,
                          "subsidy_paid": paid})


#: what a demo activity of each kind is about, and how many a station holds a month (on average)
ACTIVITY_THEMES: dict[str, tuple[float, tuple[str, ...]]] = {
    ActivityKind.INSPECTION: (1.5, ("农村人居环境整治视察", "城区老旧小区改造调研", "义务教育均衡发展视察", "食品安全监管调研",
                                    "高标准农田建设视察", "养老服务体系建设调研")),
    ActivityKind.MEETING: (1.0, ("县人大常委会会议列席", "代表小组活动会议", "联络站季度工作会议")),
    ActivityKind.TRAINING: (0.5, ("新修订代表法学习培训", "代表履职能力提升培训班", "预算审查监督专题培训")),
    ActivityKind.PROJECT: (0.8, ("产业集聚区重点项目建设现场推进", "城乡供水一体化工程协调", "乡村振兴示范村建设")),
    ActivityKind.DIRECTOR_VISIT: (1.0, ("县人社局局长进站接待", "县住建局局长进站接待", "县医保局局长进站接待",
                                        "县教育局局长进站接待")),
    ActivityKind.BRIEFING: (0.35, ("上半年经济运行情况通报会", "重点民生实事进展通报会")),
    ActivityKind.REVIEW: (0.2, ("县政府组成部门述职评议", "代表向选民述职")),
    ActivityKind.COLLECTIVE_VISIT: (0.8, ("“代表进村入户”集中走访", "春节前走访困难群众", "秋收时节走访种植大户")),
}
#: a kind of the demo station's own (kept in its settings), held in the flood season
OWN_KIND = "防汛巡查"


def _fill_activities(ctx: ServiceContext, session: Session, rng: random.Random, today: dt.date) -> int:
    """A year of activities at both stations: inspections, meetings, trainings (with who passed), key projects,
    bureau heads at the station, briefings, appraisals, door-to-door visits, and the station's own flood patrols."""
    from station_app.db.models import Activity, ActivityParticipant

    settings_service.save(ctx, settings_service.read(ctx).replace(activity_kinds=OWN_KIND))
    stations = {s.code: s for s in session.scalars(select(Station))}
    members = {code: list(session.scalars(select(Representative.id).where(Representative.station_id == s.id)
                                          .order_by(Representative.pinyin, Representative.id)))
               for code, s in stations.items()}
    count = 0
    month = dt.date(today.year - 1, today.month, 1)
    while month <= today:
        last = _months_ahead(month, 0)
        for code, scale in (("DHJD", 1.0), ("DHCG", 0.5)):
            kinds = [kind for kind, (per_month, _t) in ACTIVITY_THEMES.items() for _ in range(_draws(rng, per_month * scale))]
            if month.month in (6, 7, 8) and code == "DHJD":
                kinds.append(OWN_KIND)
            for kind in kinds:
                day = month + dt.timedelta(days=rng.randrange((last - month).days + 1))
                if day >= today:
                    continue
                themes = ACTIVITY_THEMES.get(kind, (0, ("汛期河道堤防巡查",)))[1]
                activity = Activity(id=new_id(), station_id=stations[code].id, kind=kind, day=day,
                                    place=rng.choice(TOWNSHIPS) + rng.choice(("政府会议室", "村委会", "项目现场", "联络站")),
                                    theme=rng.choice(themes), recorded_by="演示")
                session.add(activity)
                for rep_id in rng.sample(members[code], min(len(members[code]), rng.randint(6, 20))):
                    present = rng.random() < 0.9
                    passed = (rng.random() < 0.95) if kind == ActivityKind.TRAINING and present else None
                    session.add(ActivityParticipant(activity_id=activity.id, representative_id=rep_id, present=present,
                                                    passed=passed))
                count += 1
        month = last + dt.timedelta(days=1)
    return count


def _fill_review_marks(session: Session, rng: random.Random, today: dt.date) -> None:
    """The township station reviews its representatives each month (自评 and 互评, 0-10): the last three
    months before this one, so its stars weigh them as the rule says."""
    from station_app.db.models import ReviewMark

    station = session.scalars(select(Station).where(Station.code == "DHCG")).one()
    members = list(session.scalars(select(Representative.id).where(Representative.station_id == station.id)
                                   .order_by(Representative.id)))
    first = today.replace(day=1)
    for back in (3, 2, 1):
        month = _months_ahead(first, -back)
        for rep_id in members:
            own = Decimal(rng.choice(("8", "8.5", "9", "9.5", "10")))
            peer = Decimal(rng.choice(("6", "7", "7.5", "8", "8.5", "9", "9.5", "10")))
            session.add(ReviewMark(station_id=station.id, month=f"{month.year:04d}-{month.month:02d}",
                                   representative_id=rep_id, self_mark=own, peer_mark=peer))


def _draws(rng: random.Random, mean: float) -> int:
    """How many of something a month holds: ``mean`` on average, whole numbers."""
    whole = int(mean)
    return whole + (rng.random() < mean - whole)


def _fill_subsidy(ctx: ServiceContext, today: dt.date) -> tuple[int, Decimal]:
    """This station's 误工补贴: every month of the demo's duty before this one confirmed and paid (on the 5th of
    the month after, or today if that is still to come), the current month left as a draft."""
    from station_app.services import subsidy

    current = subsidy.Month.of(today)
    month = subsidy.Month.of(_months_ahead(today, -12))
    months, paid = 0, Decimal("0.00")
    while month < current:
        draft = subsidy.refresh_draft(ctx, month, today=today)
        if draft.lines:
            subsidy.confirm(ctx, month, today=today)
            following = month.next().first
            done = subsidy.pay(ctx, month, min(following.replace(day=5), today), "站长", today=today)
            months, paid = months + 1, paid + done.total
        month = month.next()
    subsidy.refresh_draft(ctx, current, today=today)
    return months, paid


def _fill_registry(ctx: ServiceContext, session: Session, seed: int) -> DemoSummary:
    existing = session.scalar(select(func.count()).select_from(Representative))
    if existing:
        raise StationError(tr("数据库中已有 {n} 位代表；演示数据只装入空数据库，请用 --db 指定一个新文件",
                              n=existing))
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    new_id = _Ids(random.Random(seed + 1))

    monitoring = Station(id=new_id(), name=MONITORING_STATION, code="DHJD", kind=StationKind.MONITORING,
                         address=f"{COUNTY}政务服务中心一楼东侧", contact=fake.last_name() + "主任", phone="0393-4821234")
    township = Station(id=new_id(), name=TOWNSHIP_STATION, code="DHCG", kind=StationKind.TOWNSHIP,
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
               kind: RepKind = RepKind.DEPUTY) -> Representative:
        fixed = rng.random() >= 1 / 3
        gender = rng.choice((Gender.MALE, Gender.MALE, Gender.FEMALE))
        name = fake.last_name() + rng.choice(MALE_GIVEN if gender == Gender.MALE else FEMALE_GIVEN)
        job = rng.choice(FIXED_JOBS if fixed else FREE_JOBS)
        unit = fake.company() if fixed else f"{(delegation.name[:-3] if delegation else '城关镇')}{rng.choice('东西南北前后')}村"
        id_number = fake.ssn(min_age=28, max_age=65, gender="M" if gender == Gender.MALE else "F") if rng.random() < 0.7 else None
        return Representative(
            id=new_id(), name=name, gender=gender, kind=kind, level=level, delegation=delegation, group=group,
            station=station, work_unit=f"{unit}{job}", phone=phone(), id_number=id_number,
            has_fixed_income=fixed, active=True, term="第十四届" if level in (Level.COUNTY, Level.TOWNSHIP) else "第八届",
            pinyin=pinyin_key(name),
        )

    reps: list[Representative] = []
    for index in range(420):
        delegation = delegations[index % len(delegations)]
        reps.append(person(Level.CITY if rng.random() < 0.15 else Level.COUNTY, monitoring, delegation, None))
    for index in range(62):
        level = Level.COUNTY if rng.random() < 0.2 else Level.TOWNSHIP
        reps.append(person(level, township, delegations[0], groups[index % len(groups)]))
    for index in range(8):
        reps.append(person(Level.TOWNSHIP, township, None, groups[index % len(groups)], kind=RepKind.DELIBERATIVE))
    session.add_all(reps)
    units = []
    for name in WINDOW_UNITS:
        head = fake.last_name() + rng.choice(MALE_GIVEN + FEMALE_GIVEN)
        units.append(WindowUnit(id=new_id(), name=name, station=monitoring, head_name=head,
                                head_title=rng.choice(("局长", "副局长", "主任", "副主任")), head_phone=phone()))
    session.add_all(units)
    # This PC is the monitoring station: the settings service links its row (found by code) as this station.
    settings_service.save(ctx, settings_service.StationSettings(county_name=COUNTY, referral_abbr="东监"),
                          settings_service.ThisStationInput.of(StationRef(
                              monitoring.id, monitoring.name, monitoring.code, monitoring.kind, monitoring.address,
                              monitoring.phone)))
    return DemoSummary(stations=2, representatives=len(reps), delegations=len(delegations), groups=len(groups),
                       window_units=len(units), without_fixed_income=sum(not r.has_fixed_income for r in reps))


def _months_ahead(day: dt.date, months: int) -> dt.date:
    """The last day of the month ``months`` after ``day``'s month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _fill_duty(ctx: ServiceContext, session: Session, rng: random.Random, today: dt.date) -> tuple[int, int]:
    work_calendar.seed_from_package(ctx)
    start = today - dt.timedelta(days=365)
    end = _months_ahead(today, 2)
    reps = {station: [r.id for r in session.scalars(select(Representative).where(
        Representative.station_id == station.id).order_by(Representative.pinyin))]
        for station in session.scalars(select(Station).order_by(Station.code))}
    for ids in reps.values():
        for rep_id in rng.sample(ids, max(1, len(ids) // 20)):
            first = start + dt.timedelta(days=rng.randrange(0, 420))
            session.add(Unavailability(representative_id=rep_id, start_date=first,
                                       end_date=first + dt.timedelta(days=rng.choice((3, 7, 14, 30))),
                                       reason=rng.choice(("外出学习", "住院治疗", "外地出差", "家中有事"))))
    plans = [roster_plans.save_plan(ctx, roster_plans.monitoring_preset(MONITORING_STATION)),
             roster_plans.save_plan(ctx, roster_plans.wednesday_preset(TOWNSHIP_STATION))]
    uncovered = 0
    for plan in plans:
        # The demo writes its history as if it had been generated day by day, so "past days" start at ``start``.
        report = roster_generation.generate(ctx, plan, start, end, today=start)
        uncovered += len(report.uncovered)
    turns = session.scalars(select(DutyAssignment).join(DutySlot, DutyAssignment.slot_id == DutySlot.id)
                            .where(DutySlot.day < today, DutyAssignment.voided_at.is_(None))
                            # by who, not by id: assignment ids are random, the demo must not be
                            .order_by(DutySlot.day, DutySlot.slot_name, DutyAssignment.representative_id,
                                      DutyAssignment.window_unit_id)).all()
    by_station = {station.id: set(ids) for station, ids in reps.items()}
    on_day: dict[dt.date, set[str]] = {}
    for turn in turns:
        on_day.setdefault(turn.slot.day, set()).add(turn.representative_id or turn.window_unit_id)
    for turn in turns:
        day = turn.slot.day
        roll = rng.random()
        at = dt.datetime.combine(day, dt.time(8 if turn.slot.slot_name != SlotName.AFTERNOON else 14, rng.randrange(0, 30)))
        if roll < 0.03:
            turn.attendance = Attendance.ABSENT
        elif roll < 0.05:
            turn.attendance = Attendance.LEAVE
            turn.reason = rng.choice(("临时外出", "身体不适", "单位有会"))
        elif roll < 0.08 and turn.representative_id:
            pool = by_station[turn.slot.plan.station_id] - on_day[day]
            if not pool:
                turn.attendance, turn.attended_at = Attendance.PRESENT, at
                continue
            substitute = rng.choice(sorted(pool))
            on_day[day].add(substitute)
            new = attendance._record_stand_in(session, turn, PersonRef.representative(substitute),
                                              "本人临时有事，由同组代表替班", "演示")
            new.attendance, new.attended_at = Attendance.PRESENT, at
        else:
            turn.attendance, turn.attended_at = Attendance.PRESENT, at
    return len(turns), uncovered


# --- Reception and referrals -------------------------------------------------------------------

TOPICS: dict[str, tuple[str, ...]] = {
    "城乡建设": ("{village}村口的路灯坏了{n}个月，晚上出行不便，希望尽快修好。", "{town}老旧小区楼道墙皮脱落、下水管道堵塞，希望纳入改造。",
             "{village}村内排水沟淤塞，一下雨就漫到路上。"),
    "交通出行": ("{town}到县城的公交车班次太少，早上七点前没有车。", "{village}通村道路坑洼不平，雨天积水严重。",
             "县二中门口上下学时段拥堵，希望增设交通协管员。"),
    "社会保障": ("家中老人申请低保已经{n}个月没有结果，想问问进度。", "灵活就业人员养老保险缴费基数怎么确定？", "异地就医报销手续繁琐，材料要交好几次。"),
    "教育医疗": ("孩子上小学的划片范围有变化，不知道该去哪所学校。", "{town}卫生院没有儿科医生，孩子看病要跑县城。", "{village}卫生室常用药品不全。"),
    "生态环境": ("{village}附近养殖场气味很大，夏天尤其严重。", "有人往{town}的河道里倾倒建筑垃圾。", "{town}工业园一家工厂夜间噪音扰民。"),
    "营商环境": ("办理食品经营许可证需要跑好几趟，希望一次办好。", "承包的工程完工{n}个月，工程款仍被拖欠。", "个体户门头牌匾审批时间太长。"),
    "政务服务": ("不动产登记窗口排队时间太长，上午排不上号。", "社保卡丢失补办需要哪些材料？", "希望政务服务中心中午也能办理业务。"),
    "矛盾纠纷": ("与邻居因宅基地边界发生纠纷，村里调解未成。", "土地流转租金已经拖欠{n}个月未付。", "小区物业费上涨，业主意见很大。"),
    "农业农村": ("小麦种植补贴什么时候发放？", "{village}灌溉机井损坏，春灌用水困难。", "农机购置补贴怎么申请？"),
    FALLBACK_CATEGORY: ("想了解怎样联系本镇的人大代表。", "建议在{town}增设便民服务点。", "咨询代表建议的办理流程。"),
}
UNITS_BY_TOPIC = {
    "城乡建设": "县住房和城乡建设局", "交通出行": "县交通运输局", "社会保障": "县人力资源和社会保障局", "教育医疗": "县卫生健康委员会",
    "生态环境": "县生态环境分局", "营商环境": "县市场监督管理局", "政务服务": "县人民政府办公室", "矛盾纠纷": "有关乡镇人民政府",
    "农业农村": "县农业农村局", FALLBACK_CATEGORY: "县人民政府办公室",
}


def _fill_visits(ctx: ServiceContext, session: Session, rng: random.Random, fake: Faker,
                 today: dt.date) -> tuple[int, int]:
    """Twelve months of visits: about 20 a working day at the monitoring station, a few at the township station."""
    from station_app.db.models import Visit, VisitRepresentative
    from station_app.services import referrals, suggestions
    from station_app.services.work_calendar import WorkCalendar

    # about one visit in thirty becomes a representative's suggestion: some 150 a year at the monitoring station
    outcomes = ((Outcome.SOLVED, 0.40), (Outcome.ANSWERED, 0.38), (Outcome.REFERRED, 0.14), (Outcome.SUGGESTION, 0.03),
                (Outcome.OTHER, 0.05))
    channels = ((Channel.STATION, 0.6), (Channel.PHONE, 0.12), (Channel.ONLINE, 0.12), (Channel.MOBILE, 0.1),
                (Channel.GRID, 0.06))

    def pick(weighted: tuple[tuple[str, float], ...]) -> str:
        roll, total = rng.random(), 0.0
        for value, weight in weighted:
            total += weight
            if roll < total:
                return value
        return weighted[-1][0]

    start = today - dt.timedelta(days=365)
    visits = referral_count = suggestion_count = 0
    steps = random.Random(rng.random())        # the suggestions' own dice: the visits stay as they were
    work = WorkCalendar.load(session)
    settings = settings_service.read(ctx)
    stations = {s.code: s for s in session.scalars(select(Station))}
    duty: dict[tuple[str, dt.date], list[str]] = {}
    for rep_id, day, station_id in session.execute(
            select(DutyAssignment.representative_id, DutySlot.day, Station.id)
            .join(DutySlot, DutyAssignment.slot_id == DutySlot.id)
            .join(DutyPlan, DutySlot.plan_id == DutyPlan.id)
            .join(Station, DutyPlan.station_id == Station.id)
            .where(DutyAssignment.representative_id.is_not(None), DutyAssignment.voided_at.is_(None),
                   DutyAssignment.attendance.in_((Attendance.PRESENT, Attendance.PENDING)))
            .order_by(DutySlot.day, DutySlot.slot_name, DutyAssignment.representative_id)):
        duty.setdefault((station_id, day), []).append(rep_id)
    members = {s.id: list(session.scalars(select(Representative.id).where(Representative.station_id == s.id)))
               for s in stations.values()}
    day = start
    while day < today:
        if work.is_workday(day):
            for code, per_day in (("DHJD", rng.randint(15, 26)), ("DHCG", rng.choice((0, 1, 1, 2, 3)))):
                station = stations[code]
                on_duty = duty.get((station.id, day)) or rng.sample(members[station.id], 2)
                for _ in range(per_day):
                    category = rng.choice(settings.categories)
                    text = rng.choice(TOPICS.get(category, TOPICS[FALLBACK_CATEGORY])).format(
                        village=rng.choice(TOWNSHIPS)[:2] + rng.choice("东西南北前后") + "村",
                        town=rng.choice(TOWNSHIPS), n=rng.randint(2, 8))
                    at = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randrange(0, 60, 5)))
                    anonymous = rng.random() < 0.1
                    visit = Visit(id=new_id(), station_id=station.id, visited_at=at,
                                  citizen_name="" if anonymous else fake.last_name() + rng.choice(MALE_GIVEN + FEMALE_GIVEN),
                                  phone="" if anonymous else fake.phone_number(),
                                  address=rng.choice(TOWNSHIPS) + rng.choice("东西南北前后") + "村",
                                  people_count=rng.choice((1, 1, 1, 1, 2, 2, 3, 5)), channel=pick(channels),
                                  category=category, content=text, outcome=pick(outcomes), recorded_by="演示")
                    session.add(visit)
                    receivers = rng.sample(on_duty, min(len(on_duty), rng.choice((1, 1, 2))))
                    for rep_id in receivers:
                        session.add(VisitRepresentative(visit_id=visit.id, representative_id=rep_id))
                    visits += 1
                    if visit.outcome == Outcome.SUGGESTION:
                        suggestion = suggestions._open_from_visit(session, visit, receivers, settings, "演示")
                        _advance_suggestion(session, steps, suggestion, work, today, UNITS_BY_TOPIC[category])
                        suggestion_count += 1
                    if visit.outcome == Outcome.REFERRED:
                        referral = referrals._open_referral(session, visit, settings, UNITS_BY_TOPIC[category],
                                                            "请于期限内办理并书面反馈办理结果。", day, work=work,
                                                            at=at)
                        _advance_referral(session, rng, referral, work, today, settings.deadline_rule)
                        referral_count += 1
        day += dt.timedelta(days=1)
    return visits, referral_count, suggestion_count


#: what a unit answers a demo suggestion
SUGGESTION_ANSWERS = ("已列入明年工作计划，资金落实后组织实施。", "经研究，已安排专项资金，预计年底前完成。",
                      "建议合理，已会同有关部门制定方案，分步推进。", "受政策限制暂难实施，已向代表当面说明。")


def _advance_suggestion(session: Session, rng: random.Random, suggestion, work, today: dt.date,
                        county_unit: str) -> None:
    """Move a demo suggestion along as far as its age allows: routed to the township or reported to the
    county (a few late), the county's 交办函, the answer (a few slow), the representatives' rating."""
    from station_app.services import suggestions

    day = suggestion.opened_on

    def after(days: int, working: bool = False) -> dt.date | None:
        nonlocal day
        nxt = work.add_working_days(day, days) if working else day + dt.timedelta(days=days)
        if nxt >= today:
            return None
        day = nxt
        return nxt

    county = rng.random() < 0.4
    late = rng.random() < 0.1
    if county:
        routed = after(rng.randint(4, 6) if late else rng.randint(1, 3), working=True)
    else:
        routed = after(rng.randint(8, 12) if late else rng.randint(1, 6))
    if routed is None:
        return
    scope = SuggestionScope.COUNTY if county else SuggestionScope.TOWNSHIP
    township = rng.choice(TOWNSHIPS)
    unit = county_unit if county else township + ("办事处" if township.endswith("街道") else "人民政府")
    suggestions._route(session, suggestion, scope, unit, routed, by_whom="演示", today=today)
    if county and after(rng.randint(9, 12) if rng.random() < 0.1 else rng.randint(1, 6)) is None:
        return
    if county:
        suggestions._send_letter(session, suggestion, day, by_whom="演示", today=today)
    answered = after(rng.randint(35, 50) if rng.random() < 0.12 else rng.randint(10, 28))
    if answered is None:
        return
    suggestions._answer(session, suggestion, answered, rng.choice(SUGGESTION_ANSWERS), by_whom="演示", today=today)
    rated = after(rng.randint(3, 15))
    if rated is None or rng.random() < 0.1:
        return
    suggestions._rate(session, suggestion, rated, rng.choice((Satisfaction.SATISFIED,) * 4 + (Satisfaction.FAIRLY,) * 2
                                                             + (Satisfaction.NOT_SATISFIED,)), by_whom="演示", today=today)


def _advance_referral(session, rng: random.Random, referral, work, today: dt.date, rule) -> None:
    """Move a demo referral along the loop as far as its age allows, with the odd return, re-handling, delay."""
    from station_app.db.models import ReferralFeedback, ReferralFollowUp
    from station_app.services.referrals import _apply_move as apply_move
    from station_app.services.referrals import _reassign_round, _rehandle, deadline_after
    from station_app.services.referrals import _round as current_round

    day = referral.issued_on

    def later(days: int) -> dt.date | None:
        nonlocal day
        nxt = work.add_working_days(day, days)
        if nxt >= today:
            return None
        day = nxt
        return nxt

    def at(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(10, 0))

    signed = later(rng.randint(1, 3))
    if signed is None:
        return
    if rng.random() < 0.06:
        old = referral.unit_name
        new = "有关乡镇人民政府" if old != "有关乡镇人民政府" else "县人民政府办公室"  # never back to the unit that returned it
        apply_move(session, referral, ReferralAction.RETURN, f"不属于本单位职责范围，建议交{new}办理", at(signed))
        if rng.random() < 0.3:
            return  # still waiting to be re-assigned
        again = later(2)
        if again is None:
            return
        apply_move(session, referral, ReferralAction.REASSIGN, Message.of("由 {old} 改派 {new}", old=old, new=new),
                   at(again))
        _reassign_round(session, referral, new, again, deadline_after(work, again, rule))
        signed = later(1)
        if signed is None:
            return
    apply_move(session, referral, ReferralAction.SIGN,
               Message.of("{unit} {name} 签收", unit=referral.unit_name, name="办公室收发员"), at(signed))
    current = current_round(session, referral)
    referral.signed_on, referral.signed_by = signed, "办公室收发员"
    current.signed_on, current.signed_by = signed, "办公室收发员"
    for _round in range(2):
        slow = rng.random() < 0.12          # the ones that end up overdue
        answered = later(rng.randint(25, 35) if slow else rng.randint(5, 18))  # the deadline: about 21 working days
        if answered is None:
            return
        solved = rng.random() < 0.85
        apply_move(session, referral, ReferralAction.FEEDBACK,
                   Message.of("已解决") if solved else Message.of("未解决"), at(answered))
        session.add(ReferralFeedback(referral_id=referral.id, round=referral.rounds, handler="承办科室负责人", replied_on=answered, solved=solved,
                                     result="经实地核查，已安排专人办理，并向反映人说明情况。" if solved
                                     else "因涉及多部门，正在协调解决，已向反映人解释。"))
        followed = later(rng.randint(2, 6))
        if followed is None:
            return
        unhappy = not solved or rng.random() < 0.05
        satisfaction = (Satisfaction.NOT_SATISFIED if unhappy and _round == 0
                        else rng.choice((Satisfaction.SATISFIED,) * 3 + (Satisfaction.FAIRLY,)))
        apply_move(session, referral, ReferralAction.FOLLOW_UP,
                   Message.of("{method}回访，{satisfaction}", method=FollowUpMethod.PHONE,
                              satisfaction=Satisfaction(satisfaction)), at(followed))
        session.add(ReferralFollowUp(referral_id=referral.id, round=referral.rounds, followed_on=followed, by_whom="站长", method=FollowUpMethod.PHONE,
                                     citizen_words="问题已得到处理" if satisfaction != Satisfaction.NOT_SATISFIED else "问题还没有解决",
                                     satisfaction=satisfaction))
        if satisfaction == Satisfaction.NOT_SATISFIED:
            _rehandle(session, referral, followed, rule, work)
            continue
        closed = later(1)
        if closed is None:
            return
        apply_move(session, referral, ReferralAction.CLOSE, "", at(closed))
        referral.closed_on = closed
        return
