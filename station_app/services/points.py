"""履职积分 and 代表之星 — the points rule, the monthly and yearly ranking, the review marks and the month's stars.

The rule (``Rule``, kept in ``PointsRule`` rows, each from its ``valid_from`` day):

- per item (``PointItem``) the points of the first one in a month, of each further one, and a cap per
  month (``RuleItem(first, each, cap)``; ``item_points``). The counts are ``performance.tally``'s, by month:
  nothing is counted twice here.
- deductions (``Deduction``): each unexcused absence from duty (缺勤) takes points away; leave (请假) is
  excused and costs nothing.
- the review: a representative's self review (自评) and peer review (互评) marks, 0-10 to one decimal, kept
  per month (``ReviewMark``), add ``mark × weight`` points.
- how many 代表之星 a station names each month.

``DEFAULT_RULE`` applies until the county office saves one. It follows the seeds (Wen county's six
counted items: 接待选民, 视察调研, 参加会议, 提出建议, 助力重点项目, 学习培训; plus duty, Yichuan's basis):
the things a representative does on their own initiative score more than being present:

============  =====  ==========  ===========
item          first  each more   cap a month
============  =====  ==========  ===========
接待选民        4      2           12
视察调研        5      3           15
参加会议        3      2           9
提出建议        5      3           15
助力重点项目    5      3           15
学习培训        3      2           9
值班            4      2           12
其他活动        2      1           6
============  =====  ==========  ===========

无故缺勤 takes 5 points each; the self review weighs 0.5 point per mark and the peer review 1 point per
mark (the peers' view counts twice one's own, and a full 10/10 review, 15 points, is worth about one
item at its cap); a station names 3 stars a month.

Scoring: a month is scored under the rule in force on its first day (``rule_for``), so a rule from
June on leaves May as it was; a year is the sum of its twelve months, each under its own rule. The
ranking orders by total, then duty attended, then visits received (the seeds' tie-breakers), then
by name; representatives who tie on all three share a rank. The stars of a station are the
first ``stars_per_station`` of its representatives in that order who scored above zero; those who tie
with the last of them on all three (and come after by name only) are listed beside the stars, so the
station can decide, and are not printed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.db.models import PointsRule, Representative, ReviewMark, Station
from station_app.i18n import tr
from station_app.services import performance
from station_app.services.context import ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.performance import Tally
from station_app.services.registry import pinyin_key
from station_app.services.subsidy import Month
from station_app.services.voiding import mark_void
from station_app.vocab import Deduction, Level, PointItem

ZERO = Decimal("0")
#: a review mark: 0 to 10, to one decimal
MARK_MAX = Decimal("10")
TENTH = Decimal("0.1")
#: the largest number a rule may give for one item or deduction (a typo guard: 400 for 4.0 is caught)
POINTS_MAX = Decimal("1000")
WEIGHT_MAX = Decimal("10")
STARS_MAX = 20


# --- The rule ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleItem:
    """An item's points in a month: ``first`` for the first one, ``each`` for every further one, at most
    ``cap`` (None: no cap)."""

    first: Decimal
    each: Decimal
    cap: Decimal | None


@dataclass(frozen=True)
class Rule:
    """The points rule in force from ``valid_from`` on (``id`` None for the default before any is saved)."""

    valid_from: dt.date
    items: Mapping[PointItem, RuleItem]
    deductions: Mapping[Deduction, Decimal]
    self_weight: Decimal
    peer_weight: Decimal
    stars_per_station: int
    id: str | None = None
    note: str = ""

    def item(self, item: PointItem) -> RuleItem:
        return self.items.get(item) or RuleItem(ZERO, ZERO, ZERO)

    def deduction(self, deduction: Deduction) -> Decimal:
        return self.deductions.get(deduction, ZERO)

    @property
    def first_month(self) -> Month:
        """The first month scored under this rule: the one starting on or after ``valid_from``."""
        month = Month.of(self.valid_from) if self.valid_from > dt.date.min else Month(1, 1)
        return month if month.first >= self.valid_from else month.next()

    def describe(self) -> str:
        """The selection basis in one paragraph, as the notice and the pages print it."""
        items = tr("，").join(tr("{item} {first}、{each}、{cap} 分", item=item.label, first=points_text(r.first),
                             each=points_text(r.each), cap=points_text(r.cap) if r.cap is not None else tr("不限"))
                         for item, r in ((item, self.item(item)) for item in PointItem) if r.first or r.each)
        since = tr("默认规则") if self.id is None else tr("{day}起施行", day=_chinese_day(self.valid_from))
        return tr("按《履职积分规则》（{since}）计当月积分，各项首次、其后每次、当月上限分别为：{items}；{absence}每次扣 {points} 分；"
                  "代表自评每分计 {own} 分，互评每分计 {peer} 分。积分相同的，先比出勤值班次数，再比接待选民次数。",
                  since=since, items=items, absence=Deduction.ABSENCE.label,
                  points=points_text(self.deduction(Deduction.ABSENCE)), own=points_text(self.self_weight),
                  peer=points_text(self.peer_weight))


def _chinese_day(day: dt.date) -> str:
    return tr("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day)


def _d(text: str) -> Decimal:
    return Decimal(text)


DEFAULT_RULE = Rule(
    valid_from=dt.date.min,
    items={
        PointItem.RECEPTION: RuleItem(_d("4"), _d("2"), _d("12")),
        PointItem.INSPECTION: RuleItem(_d("5"), _d("3"), _d("15")),
        PointItem.MEETING: RuleItem(_d("3"), _d("2"), _d("9")),
        PointItem.SUGGESTION: RuleItem(_d("5"), _d("3"), _d("15")),
        PointItem.PROJECT: RuleItem(_d("5"), _d("3"), _d("15")),
        PointItem.TRAINING: RuleItem(_d("3"), _d("2"), _d("9")),
        PointItem.DUTY: RuleItem(_d("4"), _d("2"), _d("12")),
        PointItem.OTHER: RuleItem(_d("2"), _d("1"), _d("6")),
    },
    deductions={Deduction.ABSENCE: _d("5")},
    self_weight=_d("0.5"),
    peer_weight=_d("1"),
    stars_per_station=3,
)


def points_text(value: Decimal | None) -> str:
    """Points as a person writes them: 12, 0.5, −5 (never 12.00 or 1E+1)."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace("-", "−")


def parse_points(value: object, key: str, *, allow_empty: bool = False, maximum: Decimal = POINTS_MAX) -> Decimal | None:
    """``value`` (Decimal, int or text such as "4", "0.5") as points, 0 to ``maximum``; a float is refused."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError(f"points must not be a {type(value).__name__}: {value!r}")
    text = str(value if value is not None else "").strip().translate(_FULL_WIDTH)
    if not text:
        if allow_empty:
            return None
        raise ValidationFailed({key: tr("请填写分值")})
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed({key: tr("“{text}”不是数字", text=value)}) from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise ValidationFailed({key: tr("分值应在 0 到 {max} 之间：{text}", max=points_text(maximum), text=value)})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationFailed({key: tr("分值最多两位小数：{text}", text=value)})
    return number


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _rule(row: PointsRule) -> Rule:
    items = {}
    for item in PointItem:
        stored = (row.items or {}).get(item.value)
        if stored:
            cap = stored.get("cap")
            items[item] = RuleItem(Decimal(str(stored.get("first", 0))), Decimal(str(stored.get("each", 0))),
                                   None if cap in (None, "") else Decimal(str(cap)))
    deductions = {d: Decimal(str((row.deductions or {}).get(d.value, 0))) for d in Deduction}
    return Rule(row.valid_from, items, deductions, Decimal(row.self_weight), Decimal(row.peer_weight),
                int(row.stars_per_station), row.id, row.note or "")


def _rules(session: Session) -> list[Rule]:
    rows = session.scalars(select(PointsRule).where(PointsRule.voided_at.is_(None))
                           .order_by(PointsRule.valid_from, PointsRule.created_at))
    return [_rule(row) for row in rows]


def rules(ctx: ServiceContext) -> list[Rule]:
    """The saved rules, oldest first (empty: ``DEFAULT_RULE`` applies to every month)."""
    with ctx.read() as session:
        return _rules(session)


def in_force(saved: Iterable[Rule], month: Month | str) -> Rule:
    """The rule a month is scored under: the latest that starts on or before its first day."""
    first = Month.parse(month).first
    found = DEFAULT_RULE
    for rule in saved:
        if rule.valid_from <= first and (found.id is None or rule.valid_from >= found.valid_from):
            found = rule
    return found


def rule_for(ctx: ServiceContext, month: Month | str) -> Rule:
    """The rule ``month`` is scored under (a rule from June 1 on leaves May under the one before)."""
    return in_force(rules(ctx), month)


def clean_rule(rule: Rule) -> Rule:
    """``rule`` checked: every number 0 to its maximum, a valid-from day, 1 to 20 stars; ValidationFailed
    names each wrong field (``item:接待选民:cap``, ``deduction:无故缺勤``, ``self_weight`` …)."""
    errors: dict[str, str] = {}

    def check(value: object, key: str, **options) -> Decimal | None:
        try:
            return parse_points(value, key, **options)
        except ValidationFailed as exc:
            errors.update(exc.errors)
            return ZERO

    items = {}
    for item in PointItem:
        given = rule.items.get(item)
        if given is None:
            continue
        first = check(given.first, f"item:{item.value}:first")
        each = check(given.each, f"item:{item.value}:each")
        cap = check(given.cap, f"item:{item.value}:cap", allow_empty=True)
        items[item] = RuleItem(first, each, cap)
    deductions = {d: check(v, f"deduction:{d.value}") for d, v in rule.deductions.items()}
    self_weight = check(rule.self_weight, "self_weight", maximum=WEIGHT_MAX)
    peer_weight = check(rule.peer_weight, "peer_weight", maximum=WEIGHT_MAX)
    if not isinstance(rule.valid_from, dt.date) or rule.valid_from == dt.date.min:
        errors["valid_from"] = tr("请填写规则的起始日期")
    try:
        stars = int(rule.stars_per_station)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= STARS_MAX:
        errors["stars_per_station"] = tr("每站每月评选的“代表之星”应为 1 到 {max} 名", max=STARS_MAX)
    if errors:
        raise ValidationFailed(errors)
    return replace(rule, items=items, deductions=deductions, self_weight=self_weight, peer_weight=peer_weight,
                   stars_per_station=stars, note=(rule.note or "").strip())


def _first_month_scored(valid_from: dt.date) -> dt.date:
    """The first day of the first month a rule from ``valid_from`` scores (a month takes the rule of its 1st)."""
    if valid_from.day == 1:
        return valid_from
    return (valid_from.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _scores_an_ended_month(valid_from: dt.date, today: dt.date) -> bool:
    """A month that has ended keeps its score: no rule may start, or be withdrawn, before this month."""
    return _first_month_scored(valid_from) < today.replace(day=1)


def save_rule(ctx: ServiceContext, rule: Rule, today: dt.date | None = None) -> str:
    """Save ``rule`` as a new version from its ``valid_from`` on (administrators only). The months before it
    keep the rule they were scored under: a rule may not start before this month (``today``'s), so a month
    that has ended is never scored again. Refused when a version already starts that day."""
    rule = clean_rule(rule)
    today = today or dt.date.today()
    if _scores_an_ended_month(rule.valid_from, today):
        raise StationError(tr("积分规则最早从本月1日（{first}）起用；已经结束的月份按当时的规则计分，不能改（{day}）",
                              first=today.replace(day=1).isoformat(), day=rule.valid_from.isoformat()))
    with ctx.write(admin_only=True) as session:
        same_day = [r for r in _rules(session) if r.valid_from == rule.valid_from]
        if same_day:
            raise StationError(tr("已有从 {day} 起的积分规则；请换一个起始日期，或先作废那一条再保存",
                                  day=rule.valid_from.isoformat()))
        row = PointsRule(
            valid_from=rule.valid_from,
            items={item.value: {"first": str(r.first), "each": str(r.each), "cap": None if r.cap is None else str(r.cap)}
                   for item, r in rule.items.items()},
            deductions={d.value: str(v) for d, v in rule.deductions.items()},
            self_weight=rule.self_weight, peer_weight=rule.peer_weight, stars_per_station=rule.stars_per_station,
            note=rule.note)
        session.add(row)
        session.flush()
        return row.id


def void_rule(ctx: ServiceContext, rule_id: str, reason: str, today: dt.date | None = None) -> None:
    """Withdraw a saved rule that has not scored an ended month yet (a typo, a rule that will not start after
    all); administrators only. One that has stays: a new version replaces it from this month on."""
    with ctx.write(admin_only=True) as session:
        row = session.get(PointsRule, rule_id)
        today = today or dt.date.today()
        if row is not None and not row.is_voided and _scores_an_ended_month(row.valid_from, today):
            raise StationError(tr("这条积分规则（{day} 起）已用于已经结束的月份，不能作废；请从本月1日（{first}）起新设一条",
                                  day=row.valid_from.isoformat(), first=today.replace(day=1).isoformat()))
        mark_void(row, reason, ctx.operator.name, record_id=rule_id)


# --- Scoring -----------------------------------------------------------------------------------


def item_points(count: int, item: RuleItem) -> Decimal:
    """The points ``count`` things of one item earn in a month: 0 for none, else ``first`` + ``each`` for every
    further one, at most ``cap`` (5 receptions under 4/2/12: 4 + 2×4 = 12, capped at 12)."""
    if count <= 0:
        return ZERO
    earned = item.first + item.each * (count - 1)
    return min(earned, item.cap) if item.cap is not None else earned


@dataclass(frozen=True)
class Marks:
    """A month's self and peer review marks (None: not given)."""

    self_mark: Decimal | None = None
    peer_mark: Decimal | None = None


@dataclass(frozen=True)
class Score:
    """A representative's points for a month (or a year, the sum of its months)."""

    counts: dict[PointItem, int]
    items: dict[PointItem, Decimal]
    absences: int
    #: the points taken away (zero or negative)
    deductions: Decimal
    review: Decimal
    duty_attended: int
    visits_received: int
    self_mark: Decimal | None = None
    peer_mark: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.items.values(), ZERO) + self.deductions + self.review

    def add(self, other: Score) -> Score:
        return Score({i: self.counts.get(i, 0) + other.counts.get(i, 0) for i in PointItem},
                     {i: self.items.get(i, ZERO) + other.items.get(i, ZERO) for i in PointItem},
                     self.absences + other.absences, self.deductions + other.deductions, self.review + other.review,
                     self.duty_attended + other.duty_attended, self.visits_received + other.visits_received)

    def deeds(self) -> str:
        """What the counts say in words: "值班 2 次、接待选民 5 次、视察调研 1 次、提出建议 1 件"."""
        parts = []
        for item in (PointItem.DUTY, *(i for i in PointItem if i != PointItem.DUTY)):
            n = self.counts.get(item, 0)
            if n:
                unit = tr("{n} 件", n=n) if item == PointItem.SUGGESTION else tr("{n} 次", n=n)
                parts.append(f"{item.label} {unit}")
        return tr("、").join(parts)


EMPTY_SCORE = Score({i: 0 for i in PointItem}, {i: ZERO for i in PointItem}, 0, ZERO, ZERO, 0, 0)


def score_month(tally: Tally | None, rule: Rule, marks: Marks | None = None) -> Score:
    """A month's score from its tally under ``rule``: each item's points, the absences' deductions (leave is
    excused) and the review marks × their weights."""
    tally = tally or Tally()
    marks = marks or Marks()
    counts = tally.items()
    items = {item: item_points(counts.get(item, 0), rule.item(item)) for item in PointItem}
    deductions = -rule.deduction(Deduction.ABSENCE) * tally.duty_absent
    review = (marks.self_mark or ZERO) * rule.self_weight + (marks.peer_mark or ZERO) * rule.peer_weight
    return Score(counts, items, tally.duty_absent, deductions, review, tally.duty_attended, tally.visits_received,
                 marks.self_mark, marks.peer_mark)


def _months(year: int, month: int | None) -> list[Month]:
    return [Month(year, month)] if month else [Month(year, m) for m in range(1, 13)]


def _marks(session: Session, months: list[str]) -> dict[tuple[str, str], Marks]:
    found: dict[tuple[str, str], tuple] = {}
    for rep, month, own, peer, updated in session.execute(
            select(ReviewMark.representative_id, ReviewMark.month, ReviewMark.self_mark, ReviewMark.peer_mark,
                   ReviewMark.updated_at)
            .where(ReviewMark.month.in_(months), ReviewMark.voided_at.is_(None))):
        key = (rep, month)
        if key not in found or updated > found[key][0]:  # a representative who moved station: the latest marks
            found[key] = (updated, Marks(own, peer))
    return {key: marks for key, (_updated, marks) in found.items()}


def _scores(session: Session, months: list[Month], rep_ids: Iterable[str] | None = None) -> dict[str, Score]:
    """Each representative's score over ``months`` (one month, or a year), every month under its own rule."""
    saved = _rules(session)
    keys = [m.key for m in months]
    rep_ids = set(rep_ids) if rep_ids is not None else None
    tallies = performance._tally(session, months[0].first, months[-1].last, rep_ids, by_month=True)
    marks = _marks(session, keys)
    scores: dict[str, Score] = {}
    for rep, key in set(tallies) | set(marks):
        if rep_ids is not None and rep not in rep_ids:
            continue
        month = Month.parse(key)
        score = score_month(tallies.get((rep, key)), in_force(saved, month), marks.get((rep, key)))
        scores[rep] = scores[rep].add(score) if rep in scores else score
    return scores


def scores(ctx: ServiceContext, year: int, month: int | None = None) -> dict[str, Score]:
    """{representative id: Score} for a month, or the year (the sum of its months); a representative with
    nothing to score has no entry."""
    with ctx.read() as session:
        return _scores(session, _months(year, month))


# --- The ranking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    """One line of the ranking."""

    rank: int
    representative_id: str
    name: str
    delegation: str
    station_id: str | None
    station: str
    level: str
    score: Score

    @property
    def total(self) -> Decimal:
        return self.score.total

    @property
    def items(self) -> dict[PointItem, Decimal]:
        return self.score.items

    @property
    def deductions(self) -> Decimal:
        return self.score.deductions

    @property
    def review(self) -> Decimal:
        return self.score.review

    @property
    def duty_attended(self) -> int:
        return self.score.duty_attended

    @property
    def visits_received(self) -> int:
        return self.score.visits_received


@dataclass(frozen=True)
class Filters:
    """What the ranking can be narrowed to: a station (id), a level, a delegation (name)."""

    station_id: str | None = None
    level: str | None = None
    delegation: str | None = None


@dataclass(frozen=True)
class Choices:
    """What the filters offer: stations (id, name), levels, delegations."""

    stations: list[tuple[str, str]]
    levels: list[str]
    delegations: list[str]


def choices(ctx: ServiceContext) -> Choices:
    """The stations, levels and delegations the representatives are in."""
    with ctx.read() as session:
        stations = [(s.id, s.name) for s in _stations(session)]
        reps = session.scalars(select(Representative).where(Representative.voided_at.is_(None))).all()
        present = {r.level for r in reps}
        levels = [level.value for level in Level if level.value in present]
        delegations = sorted({r.delegation.name for r in reps if r.delegation is not None}, key=pinyin_key)
    return Choices(stations, levels, delegations)


def _stations(session: Session) -> list[Station]:
    """The stations in the order a person looks for them: by pinyin."""
    return sorted(session.scalars(select(Station).where(Station.voided_at.is_(None))), key=lambda s: pinyin_key(s.name))


def order_key(score: Score) -> tuple[Decimal, int, int]:
    """What ranks a representative: total, then duty attended, then visits received (higher first)."""
    return (-score.total, -score.duty_attended, -score.visits_received)


def _ranked(people: list[tuple[Representative, Score]]) -> list[RankRow]:
    people.sort(key=lambda p: (order_key(p[1]), p[0].pinyin or p[0].name, p[0].name, p[0].id))
    rows: list[RankRow] = []
    rank, previous = 0, None
    for index, (rep, score) in enumerate(people, start=1):
        key = order_key(score)
        if key != previous:
            rank, previous = index, key
        rows.append(RankRow(rank, rep.id, rep.name, rep.delegation.name if rep.delegation else "", rep.station_id,
                            rep.station.name if rep.station else "", rep.level, score))
    return rows


def _people(session: Session, filters: Filters, scored: Iterable[str]) -> list[Representative]:
    """The representatives a ranking lists: those in office, and any who scored in the period."""
    query = select(Representative).where(Representative.voided_at.is_(None))
    if filters.station_id:
        query = query.where(Representative.station_id == filters.station_id)
    if filters.level:
        query = query.where(Representative.level == filters.level)
    scored = set(scored)
    reps = [r for r in session.scalars(query).unique() if r.active or r.id in scored]
    if filters.delegation:
        reps = [r for r in reps if r.delegation is not None and r.delegation.name == filters.delegation]
    return reps


def ranking(ctx: ServiceContext, year: int, month: int | None = None, station_id: str | None = None,
            level: str | None = None, delegation: str | None = None) -> list[RankRow]:
    """The ranking for a month (or the whole year): every representative in office (and any who scored),
    highest total first, ties broken by duty attended then visits received; equal rank when all three tie.
    Those with no points are there too, at the bottom (a county ranks everyone)."""
    filters = Filters(station_id or None, level or None, delegation or None)
    with ctx.read() as session:
        found = _scores(session, _months(year, month))
        return _ranked([(rep, found.get(rep.id, EMPTY_SCORE)) for rep in _people(session, filters, found)])


def period_label(year: int, month: int | None) -> str:
    return Month(year, month).label if month else tr("{year}年", year=year)


def export_ranking(ctx: ServiceContext, path: Path | str, year: int, month: int | None = None,
                   filters: Filters | None = None) -> list[RankRow]:
    """The ranking to an Excel workbook: one row per representative with each item's points as a column,
    the deductions, the review, the total and the tie-breakers; a totals row. Returns the rows written."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise StationError(tr("积分排名只能保存为 Excel（.xlsx）：{path}", path=path))
    filters = filters or Filters()
    rows = ranking(ctx, year, month, filters.station_id, filters.level, filters.delegation)
    rule = rule_for(ctx, Month(year, month or 1)) if month else None
    described = []
    if filters.station_id:
        described.append(dict(choices(ctx).stations).get(filters.station_id, ""))
    if filters.level:
        described.append(tr("{level}级代表", level=Level.label_of(filters.level)))
    if filters.delegation:
        described.append(filters.delegation)
    from station_app.io.excel_write import Column, SheetSpec, write_workbook

    columns = [Column("rank", tr("名次"), 6, "int"), Column("name", tr("姓名"), 10),
               Column("delegation", tr("代表团"), 16), Column("station", tr("联络站"), 24),
               Column("level", tr("级别"), 6)]
    columns += [Column(f"item{n}", item.label, 9, "number") for n, item in enumerate(PointItem)]
    columns += [Column("deductions", tr("扣分"), 7, "number"), Column("review", tr("评议"), 7, "number"),
                Column("total", tr("总分"), 8, "number"), Column("duty", tr("出勤值班"), 9, "int"),
                Column("visits", tr("接待选民"), 9, "int"), Column("deeds", tr("履职情况"), 40)]
    records = []
    for row in rows:
        record: dict[str, object] = {"rank": row.rank, "name": row.name, "delegation": row.delegation,
                                     "station": row.station, "level": Level.label_of(row.level),
                                     "deductions": row.deductions, "review": row.review, "total": row.total,
                                     "duty": row.duty_attended, "visits": row.visits_received,
                                     "deeds": row.score.deeds()}
        record.update({f"item{n}": row.items.get(item, ZERO) for n, item in enumerate(PointItem)})
        records.append(record)
    totals: dict[str, object] = {"name": tr("合计"), "delegation": tr("{n} 人", n=len(rows)),
                                 "deductions": sum((r.deductions for r in rows), ZERO),
                                 "review": sum((r.review for r in rows), ZERO),
                                 "total": sum((r.total for r in rows), ZERO),
                                 "duty": sum(r.duty_attended for r in rows),
                                 "visits": sum(r.visits_received for r in rows)}
    totals.update({f"item{n}": sum((r.items.get(item, ZERO) for r in rows), ZERO) for n, item in enumerate(PointItem)})
    heading = tr("{period}履职积分排名", period=period_label(year, month))
    if described:
        heading = "　".join(described) + "　" + heading
    basis = rule.describe() if rule is not None else tr("全年积分为各月积分之和，每月按当月第一天施行的积分规则计算。")
    write_workbook(path, [SheetSpec(tr("积分排名"), columns, records, heading=heading, subheading=basis,
                                    totals=[totals], landscape=True)])
    return rows


# --- Review marks ------------------------------------------------------------------------------


def parse_mark(value: object, key: str) -> Decimal | None:
    """A review mark: empty for none, else 0 to 10 to one decimal ("8.5"); a float is refused."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError(f"a mark must not be a {type(value).__name__}: {value!r}")
    text = str(value if value is not None else "").strip().translate(_FULL_WIDTH)
    if not text:
        return None
    try:
        mark = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed({key: tr("评分“{text}”不是数字", text=value)}) from None
    if not mark.is_finite() or not ZERO <= mark <= MARK_MAX:
        raise ValidationFailed({key: tr("评分应在 0 到 10 之间：{text}", text=value)})
    if mark != mark.quantize(TENTH):
        raise ValidationFailed({key: tr("评分最多一位小数：{text}", text=value)})
    return mark.quantize(TENTH)


@dataclass(frozen=True)
class MarkRow:
    """A representative's review marks for a month, as the entry table shows them."""

    representative_id: str
    name: str
    delegation: str
    station: str
    self_mark: Decimal | None
    peer_mark: Decimal | None


def save_marks(ctx: ServiceContext, month: Month | str, marks: Mapping[str, tuple[object, object]]) -> int:
    """Several representatives' review marks for ``month`` in one action: {rep id: (self, peer)}; an empty
    mark clears it. All are checked first; one wrong mark saves none. Returns how many were saved."""
    month = Month.parse(month)
    cleaned: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    errors: dict[str, str] = {}
    for rep_id, (own, peer) in marks.items():
        try:
            cleaned[rep_id] = (parse_mark(own, f"{rep_id}:self"), parse_mark(peer, f"{rep_id}:peer"))
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with ctx.write(admin_only=True) as session:
        for rep_id, (own, peer) in cleaned.items():
            rep = session.get(Representative, rep_id)
            if rep is None or rep.is_voided:
                raise NotFound(tr("找不到这位代表：{id}", id=rep_id))
            station_id = rep.station_id or ctx.station.id
            if station_id is None:
                raise StationError(tr("{name}不属于任何联络站，无法记录评分", name=rep.name))
            row = session.scalars(select(ReviewMark).where(
                ReviewMark.station_id == station_id, ReviewMark.month == month.key,
                ReviewMark.representative_id == rep_id)).first()
            if row is None:
                if own is None and peer is None:
                    continue
                row = ReviewMark(station_id=station_id, month=month.key, representative_id=rep_id)
                session.add(row)
            row.self_mark, row.peer_mark = own, peer
            row.voided_at = row.void_reason = row.voided_by = None
        return len(cleaned)


def set_marks(ctx: ServiceContext, month: Month | str, rep_id: str, self_mark: object, peer_mark: object) -> None:
    """A representative's self and peer review marks (0-10, one decimal; empty clears) for ``month``."""
    save_marks(ctx, month, {rep_id: (self_mark, peer_mark)})


def marks(ctx: ServiceContext, month: Month | str, station_id: str | None = None) -> list[MarkRow]:
    """Every representative in office (of ``station_id``), by station and name, with the month's marks."""
    key = Month.parse(month).key
    with ctx.read() as session:
        given = _marks(session, [key])
        query = select(Representative).where(Representative.voided_at.is_(None), Representative.active.is_(True))
        if station_id:
            query = query.where(Representative.station_id == station_id)
        reps = sorted(session.scalars(query).unique(),
                      key=lambda r: (pinyin_key(r.station.name) if r.station else "", r.pinyin or r.name, r.name))
        return [MarkRow(r.id, r.name, r.delegation.name if r.delegation else "", r.station.name if r.station else "",
                        given.get((r.id, key), Marks()).self_mark, given.get((r.id, key), Marks()).peer_mark)
                for r in reps]


# --- 代表之星 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Star:
    """One of a station's 代表之星 for a month."""

    rank: int
    representative_id: str
    name: str
    delegation: str
    level: str
    total: Decimal
    deeds: str
    score: Score


@dataclass(frozen=True)
class StationStars:
    """A station's stars for a month, with the rule they were chosen by."""

    station_id: str
    station: str
    month: Month
    rule: Rule
    stars: list[Star] = field(default_factory=list)
    #: those who tie with the last star on points, duty and visits but come after by name (the station decides)
    tied: list[str] = field(default_factory=list)


def stars(ctx: ServiceContext, month: Month | str, station_id: str | None = None) -> list[StationStars]:
    """Per station (or for ``station_id``), the month's first ``stars_per_station`` representatives in the
    ranking's order who scored above zero, and the names of any who tie with the last of them."""
    month = Month.parse(month)
    with ctx.read() as session:
        rule = in_force(_rules(session), month)
        found = _scores(session, [month])
        result = []
        for station in _stations(session):
            if station_id and station.id != station_id:
                continue
            reps = _people(session, Filters(station_id=station.id), found)
            if not reps:
                continue
            ranked = _ranked([(rep, found.get(rep.id, EMPTY_SCORE)) for rep in reps])
            scored = [row for row in ranked if row.total > 0]
            chosen = [Star(row.rank, row.representative_id, row.name, row.delegation, row.level, row.total,
                           row.score.deeds(), row.score) for row in scored[:rule.stars_per_station]]
            tied = [row.name for row in scored[rule.stars_per_station:] if chosen and row.rank == chosen[-1].rank]
            result.append(StationStars(station.id, station.name, month, rule, chosen, tied))
        return result


def notice_title(month: Month) -> str:
    """"2026年11月“代表之星”"."""
    return tr("{month}“代表之星”", month=month.label)


def print_stars(ctx: ServiceContext, month: Month | str, path: Path | str, station_id: str | None = None,
                today: dt.date | None = None) -> list[StationStars]:
    """The month's 代表之星 notice for each station's board (one A4 page a station) to ``path``; stations
    with no star are left out. Returns the stations printed."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise StationError(tr("“代表之星”公示只能保存为 PDF（.pdf）：{path}", path=path))
    month = Month.parse(month)
    found = [s for s in stars(ctx, month, station_id) if s.stars]
    if not found:
        raise StationError(tr("{month}还没有“代表之星”：没有代表取得积分。", month=month.label))
    from station_app.io.star_pdf import StarLine, StarNotice, write_star_notice

    day = today or dt.date.today()
    write_star_notice(path, [StarNotice(s.station, notice_title(month), [
        StarLine(star.name, star.delegation, Level.label_of(star.level), points_text(star.total), star.deeds)
        for star in s.stars], s.rule.describe(), day) for s in found])
    return found
