"""履职积分 and 代表之星: the rule and its versions, scoring a month and a year, the ranking, the marks, the stars."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from station_app.db.models import (
    Activity,
    ActivityParticipant,
    Delegation,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Representative,
    Station,
    Suggestion,
    SuggestionRepresentative,
    Visit,
    VisitRepresentative,
)
from station_app.services import points
from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.points import DEFAULT_RULE, Rule, RuleItem
from station_app.services.registry import pinyin_key
from station_app.vocab import ActivityKind, Attendance, Deduction, PointItem, Role

D = Decimal

#: the day the tests' rules are entered: before every month they score
SET_UP_ON = dt.date(2026, 1, 1)


class County:
    """Stations and representatives, and what they did, written with the models."""

    def __init__(self, db) -> None:
        self.db = db
        self.ids: dict[str, str] = {}
        self.stations: dict[str, str] = {}
        self._slots: dict[tuple[str, dt.date], str] = {}
        self._seq = 0
        with db.transaction() as s:
            for name, code in (("东河县城关镇人大代表联络站", "CG"), ("东河县南湖镇人大代表联络站", "NH")):
                station = Station(name=name, code=code)
                s.add(station)
                s.flush()
                self.stations[name] = station.id
                plan = DutyPlan(station_id=station.id, name=f"{name}值班")
                s.add(plan)
                s.flush()
                self.stations[code] = plan.id

    def rep(self, name: str, station: str = "东河县城关镇人大代表联络站", level: str = "县", delegation: str = "城关镇代表团",
            active: bool = True) -> str:
        with self.db.transaction() as s:
            found = s.query(Delegation).filter_by(name=delegation).first() or Delegation(name=delegation)
            rep = Representative(name=name, level=level, station_id=self.stations[station], delegation=found,
                                 pinyin=pinyin_key(name), active=active)
            s.add(rep)
            s.flush()
            self.ids[name] = rep.id
        return self.ids[name]

    def duty(self, name: str, day: dt.date, mark: str = Attendance.PRESENT) -> None:
        with self.db.transaction() as s:
            plan_id = self.stations["CG"]
            slot_id = self._slots.get((plan_id, day))
            if slot_id is None:
                slot = DutySlot(plan_id=plan_id, day=day, slot_name="全天")
                s.add(slot)
                s.flush()
                slot_id = self._slots[(plan_id, day)] = slot.id
            s.add(DutyAssignment(slot_id=slot_id, representative_id=self.ids[name], attendance=mark))

    def visits(self, name: str, day: dt.date, n: int = 1) -> None:
        with self.db.transaction() as s:
            for i in range(n):
                visit = Visit(visited_at=dt.datetime.combine(day, dt.time(9, i)), content="路灯不亮")
                s.add(visit)
                s.flush()
                s.add(VisitRepresentative(visit_id=visit.id, representative_id=self.ids[name]))

    def activity(self, name: str, day: dt.date, kind: str, present: bool = True) -> None:
        with self.db.transaction() as s:
            activity = Activity(kind=kind, day=day, theme="调研")
            s.add(activity)
            s.flush()
            s.add(ActivityParticipant(activity_id=activity.id, representative_id=self.ids[name], present=present))

    def suggestion(self, name: str, day: dt.date) -> None:
        self._seq += 1
        with self.db.transaction() as s:
            suggestion = Suggestion(number=f"东监建〔2026〕{self._seq}号", year=day.year, seq=self._seq, title="修桥",
                                    opened_on=day)
            s.add(suggestion)
            s.flush()
            s.add(SuggestionRepresentative(suggestion_id=suggestion.id, representative_id=self.ids[name]))


@pytest.fixture
def county(db) -> County:
    return County(db)


def flat_rule(valid_from: dt.date, first: str = "4", each: str = "2", cap: str | None = "12", **changes) -> Rule:
    """Every item first/each/cap alike, so a test can make totals equal on purpose."""
    item = RuleItem(D(first), D(each), None if cap is None else D(cap))
    return dataclasses.replace(DEFAULT_RULE, valid_from=valid_from, items={i: item for i in PointItem}, **changes)


def row_of(rows, name):
    return next(r for r in rows if r.name == name)


# --- the rule --------------------------------------------------------------------------------


def test_the_cap_stops_points_at_12_for_5_receptions_under_4_2_12(ctx, county):
    reception = DEFAULT_RULE.items[PointItem.RECEPTION]
    assert (reception.first, reception.each, reception.cap) == (4, 2, 12)
    assert [points.item_points(n, reception) for n in range(6)] == [0, 4, 6, 8, 10, 12]
    assert points.item_points(5, RuleItem(D("4"), D("2"), None)) == 12
    assert points.item_points(9, RuleItem(D("4"), D("2"), None)) == 20  # no cap: every one counts

    county.rep("王秀兰")
    county.visits("王秀兰", dt.date(2026, 11, 4), 5)
    wang = row_of(points.ranking(ctx, 2026, 11), "王秀兰")
    assert wang.score.counts[PointItem.RECEPTION] == 5
    assert wang.items[PointItem.RECEPTION] == 12 and wang.total == 12
    county.visits("王秀兰", dt.date(2026, 11, 5), 3)
    assert row_of(points.ranking(ctx, 2026, 11), "王秀兰").items[PointItem.RECEPTION] == 12  # the cap holds


def test_the_default_rule_follows_the_seeds_six_items_plus_duty():
    rule = DEFAULT_RULE
    as_numbers = {item.value: (r.first, r.each, r.cap) for item, r in rule.items.items()}
    assert as_numbers == {"接待选民": (4, 2, 12), "视察调研": (5, 3, 15), "参加会议": (3, 2, 9), "提出建议": (5, 3, 15),
                          "助力重点项目": (5, 3, 15), "学习培训": (3, 2, 9), "值班": (4, 2, 12), "其他活动": (2, 1, 6)}
    assert rule.deductions[Deduction.ABSENCE] == 5
    assert (rule.self_weight, rule.peer_weight, rule.stars_per_station) == (D("0.5"), D("1"), 3)
    assert all(isinstance(v, Decimal) for r in rule.items.values() for v in (r.first, r.each, r.cap))


def test_a_rule_change_in_june_leaves_mays_ranking_unchanged(ctx, county):
    county.rep("王秀兰")
    county.rep("李建国")
    county.visits("王秀兰", dt.date(2026, 5, 12), 5)
    county.duty("李建国", dt.date(2026, 5, 13))
    county.duty("李建国", dt.date(2026, 5, 20))
    county.visits("王秀兰", dt.date(2026, 6, 9), 5)
    before = [(r.rank, r.name, r.total) for r in points.ranking(ctx, 2026, 5)]
    assert before == [(1, "王秀兰", 12), (2, "李建国", 6)]

    points.save_rule(ctx, flat_rule(dt.date(2026, 6, 1), first="10", each="10", cap="50"), today=SET_UP_ON)

    assert [(r.rank, r.name, r.total) for r in points.ranking(ctx, 2026, 5)] == before
    assert points.rule_for(ctx, "2026-05") is DEFAULT_RULE
    assert points.rule_for(ctx, "2026-06").valid_from == dt.date(2026, 6, 1)
    assert row_of(points.ranking(ctx, 2026, 6), "王秀兰").total == 50  # June under the new rule


def test_a_rule_from_mid_june_scores_from_july(ctx, county):
    county.rep("王秀兰")
    county.visits("王秀兰", dt.date(2026, 6, 20), 1)
    county.visits("王秀兰", dt.date(2026, 7, 20), 1)
    rule_id = points.save_rule(ctx, flat_rule(dt.date(2026, 6, 15), first="10"), today=SET_UP_ON)
    assert row_of(points.ranking(ctx, 2026, 6), "王秀兰").total == 4  # June began under the default
    assert row_of(points.ranking(ctx, 2026, 7), "王秀兰").total == 10
    assert points.rules(ctx)[0].first_month == points.Month(2026, 7)
    points.void_rule(ctx, rule_id, "录错了", today=SET_UP_ON)
    assert points.rules(ctx) == [] and row_of(points.ranking(ctx, 2026, 7), "王秀兰").total == 4


def test_a_second_rule_on_the_same_day_is_refused_with_a_clear_message(ctx):
    points.save_rule(ctx, flat_rule(dt.date(2026, 1, 1)), today=SET_UP_ON)
    with pytest.raises(StationError, match="已有从 2026-01-01 起的积分规则"):
        points.save_rule(ctx, flat_rule(dt.date(2026, 1, 1), first="6"), today=SET_UP_ON)
    assert len(points.rules(ctx)) == 1


def test_a_rule_is_stored_as_decimals_and_read_back_alike(ctx):
    rule = flat_rule(dt.date(2026, 1, 1), first="4.5", each="0.25", cap=None, self_weight=D("0.2"),
                     peer_weight=D("1.5"), stars_per_station=5, deductions={Deduction.ABSENCE: D("2.5")})
    points.save_rule(ctx, rule, today=SET_UP_ON)
    saved = points.rules(ctx)[0]
    assert saved.items[PointItem.DUTY] == RuleItem(D("4.5"), D("0.25"), None)
    assert (saved.self_weight, saved.peer_weight, saved.stars_per_station) == (D("0.2"), D("1.5"), 5)
    assert saved.deductions[Deduction.ABSENCE] == D("2.5") and saved.id is not None


def test_a_wrong_rule_is_refused_field_by_field(ctx):
    bad = flat_rule(dt.date(2026, 1, 1), first="-1", stars_per_station=0, self_weight=D("20"))
    with pytest.raises(ValidationFailed) as caught:
        points.save_rule(ctx, bad, today=SET_UP_ON)
    assert {"item:接待选民:first", "stars_per_station", "self_weight"} <= set(caught.value.errors)
    with pytest.raises(TypeError):
        points.parse_points(4.0, "x")  # a float never becomes points
    assert points.rules(ctx) == []


def test_only_an_administrator_sets_the_rule(db):
    clerk = ServiceContext(db, OperatorRef("clerk", "登记员甲", Role.CLERK))
    with pytest.raises(PermissionDenied):
        points.save_rule(clerk, flat_rule(dt.date(2026, 1, 1)), today=SET_UP_ON)


# --- scoring ---------------------------------------------------------------------------------


def test_an_unexcused_absence_costs_points_but_leave_does_not(ctx, county):
    county.rep("王秀兰")
    county.rep("李建国")
    county.duty("王秀兰", dt.date(2026, 11, 4))
    county.duty("王秀兰", dt.date(2026, 11, 11), Attendance.ABSENT)
    county.duty("李建国", dt.date(2026, 11, 4))
    county.duty("李建国", dt.date(2026, 11, 11), Attendance.LEAVE)
    rows = points.ranking(ctx, 2026, 11)
    wang, li = row_of(rows, "王秀兰"), row_of(rows, "李建国")
    assert (wang.items[PointItem.DUTY], wang.score.absences, wang.deductions, wang.total) == (4, 1, -5, -1)
    assert (li.items[PointItem.DUTY], li.score.absences, li.deductions, li.total) == (4, 0, 0, 4)
    assert [r.name for r in rows] == ["李建国", "王秀兰"]


def test_each_kind_of_work_scores_under_its_item(ctx, county):
    county.rep("王秀兰")
    day = dt.date(2026, 11, 6)
    county.activity("王秀兰", day, ActivityKind.INSPECTION)
    county.activity("王秀兰", day, ActivityKind.BRIEFING)  # a briefing is a meeting
    county.activity("王秀兰", day, ActivityKind.MEETING, present=False)  # not attended: nothing
    county.activity("王秀兰", day, "防汛巡查")  # a station's own kind scores as 其他活动
    county.suggestion("王秀兰", day)
    county.suggestion("王秀兰", day)
    wang = row_of(points.ranking(ctx, 2026, 11), "王秀兰")
    assert {i.value: p for i, p in wang.items.items() if p} == {"视察调研": 5, "参加会议": 3, "提出建议": 8, "其他活动": 2}
    assert wang.total == 18
    assert wang.score.deeds() == "视察调研 1 次、参加会议 1 次、提出建议 2 件、其他活动 1 次"


def test_review_marks_weigh_in_as_the_rule_says(ctx, county):
    county.rep("王秀兰")
    county.rep("李建国")
    county.visits("李建国", dt.date(2026, 11, 3))
    points.set_marks(ctx, "2026-11", county.ids["王秀兰"], "8", Decimal("9.5"))
    wang = row_of(points.ranking(ctx, 2026, 11), "王秀兰")
    assert (wang.score.self_mark, wang.score.peer_mark) == (D("8.0"), D("9.5"))
    assert wang.review == D("13.5") and wang.total == D("13.5")  # 8 × 0.5 + 9.5 × 1
    assert [r.name for r in points.ranking(ctx, 2026, 11)][:2] == ["王秀兰", "李建国"]

    points.save_rule(ctx, flat_rule(dt.date(2026, 11, 1), self_weight=D("0"), peer_weight=D("0.2")), today=SET_UP_ON)
    assert row_of(points.ranking(ctx, 2026, 11), "王秀兰").review == D("1.9")
    listed = {m.name: (m.self_mark, m.peer_mark) for m in points.marks(ctx, "2026-11")}
    assert listed == {"王秀兰": (D("8.0"), D("9.5")), "李建国": (None, None)}
    points.set_marks(ctx, "2026-11", county.ids["王秀兰"], "", "")  # cleared
    assert row_of(points.ranking(ctx, 2026, 11), "王秀兰").review == 0


@pytest.mark.parametrize("mark, message", [("10.5", "0 到 10"), ("-1", "0 到 10"), ("8.55", "一位小数"), ("八", "不是数字")])
def test_a_mark_outside_0_to_10_to_one_decimal_is_refused_and_nothing_is_saved(ctx, county, mark, message):
    county.rep("王秀兰")
    county.rep("李建国")
    with pytest.raises(ValidationFailed, match=message):
        points.save_marks(ctx, "2026-11", {county.ids["李建国"]: ("9", "9"), county.ids["王秀兰"]: ("8", mark)})
    assert all(m.self_mark is None for m in points.marks(ctx, "2026-11"))


def test_the_yearly_ranking_sums_months_each_under_its_own_rule(ctx, county):
    county.rep("王秀兰")
    county.visits("王秀兰", dt.date(2026, 5, 12), 5)  # May, default 4/2/12: 12
    county.visits("王秀兰", dt.date(2026, 6, 9), 5)  # June, 10/10/50: 50
    county.duty("王秀兰", dt.date(2026, 7, 1), Attendance.ABSENT)  # July, 无故缺勤 3 under the new rule: −3
    points.set_marks(ctx, "2026-07", county.ids["王秀兰"], "6", "6")  # 6 × 0.5 + 6 × 1 = 9
    points.save_rule(ctx, flat_rule(dt.date(2026, 6, 1), first="10", each="10", cap="50",
                                    deductions={Deduction.ABSENCE: D("3")}), today=SET_UP_ON)
    year = row_of(points.ranking(ctx, 2026), "王秀兰")
    assert year.items[PointItem.RECEPTION] == 62 and year.score.counts[PointItem.RECEPTION] == 10
    assert (year.deductions, year.review, year.total) == (-3, 9, 68)
    # summed month by month, not scored on the year's counts (10 receptions under one rule would give 50 or 12)
    months = [row_of(points.ranking(ctx, 2026, m), "王秀兰").total for m in range(1, 13)]
    assert sum(months) == year.total


# --- the ranking -----------------------------------------------------------------------------


def test_a_tie_is_broken_by_duty_attended_then_visits_received(ctx, county):
    points.save_rule(ctx, flat_rule(dt.date(2026, 1, 1)), today=SET_UP_ON)  # every item 4/2/12: equal totals on purpose
    for name in ("赵duty", "钱visits", "孙both", "李inspect", "周meeting", "吴nothing"):
        county.rep(name)
    day = dt.date(2026, 11, 4)
    county.duty("赵duty", day)
    county.duty("赵duty", dt.date(2026, 11, 11))  # 6 points: 2 duty
    county.visits("钱visits", day, 2)  # 6 points: 2 visits
    county.duty("孙both", day)
    county.visits("孙both", day)  # 8: 1 duty, 1 visit
    county.duty("李inspect", day)
    county.activity("李inspect", day, ActivityKind.INSPECTION)  # 8: 1 duty, 0 visits
    county.duty("周meeting", day)
    county.activity("周meeting", day, ActivityKind.MEETING)  # 8: 1 duty, 0 visits — ties 李 on all three
    rows = points.ranking(ctx, 2026, 11)
    assert [(r.rank, r.name, r.total) for r in rows] == [
        (1, "孙both", 8), (2, "李inspect", 8), (2, "周meeting", 8), (4, "赵duty", 6), (5, "钱visits", 6),
        (6, "吴nothing", 0)]
    assert (row_of(rows, "赵duty").duty_attended, row_of(rows, "钱visits").visits_received) == (2, 2)


def test_everyone_in_office_is_ranked_and_the_filters_narrow_it(ctx, county):
    county.rep("王秀兰")
    county.rep("李建国", level="市", delegation="南湖镇代表团")
    county.rep("张南湖", station="东河县南湖镇人大代表联络站", delegation="南湖镇代表团")
    county.rep("陈离任", active=False)
    county.rep("刘离任", active=False)
    county.visits("陈离任", dt.date(2026, 11, 2))  # left office, but scored this month: still ranked
    county.visits("王秀兰", dt.date(2026, 11, 2), 2)
    names = [r.name for r in points.ranking(ctx, 2026, 11)]
    assert names[:2] == ["王秀兰", "陈离任"] and set(names[2:]) == {"李建国", "张南湖"}
    nanhu = county.stations["东河县南湖镇人大代表联络站"]
    assert [r.name for r in points.ranking(ctx, 2026, 11, station_id=nanhu)] == ["张南湖"]
    assert [r.name for r in points.ranking(ctx, 2026, 11, level="市")] == ["李建国"]
    assert [r.name for r in points.ranking(ctx, 2026, 11, delegation="南湖镇代表团")] == ["李建国", "张南湖"]
    choices = points.choices(ctx)
    assert choices.levels == ["市", "县"] and choices.delegations == ["城关镇代表团", "南湖镇代表团"]


def test_the_ranking_exports_with_each_item_as_a_column_and_a_totals_row(ctx, county, tmp_path):
    county.rep("王秀兰")
    county.rep("李建国")
    county.visits("王秀兰", dt.date(2026, 11, 2), 5)
    county.duty("李建国", dt.date(2026, 11, 4), Attendance.ABSENT)
    path = tmp_path / "排名.xlsx"
    rows = points.export_ranking(ctx, path, 2026, 11)
    assert len(rows) == 2
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "2026年11月履职积分排名"
    assert "接待选民 4、2、12 分" in values[1][0]
    header = values[2]
    assert header[:5] == ["名次", "姓名", "代表团", "联络站", "级别"]
    assert header[5:13] == [item.value for item in PointItem] and header[13:16] == ["扣分", "评议", "总分"]
    wang, li, totals = values[3], values[4], values[5]
    assert wang[:2] == [1, "王秀兰"] and wang[5] == 12 and wang[15] == 12 and wang[18] == "接待选民 5 次"
    assert li[:2] == [2, "李建国"] and li[13] == -5 and li[15] == -5
    assert totals[1] == "合计" and totals[15] == 7
    with pytest.raises(StationError):
        points.export_ranking(ctx, tmp_path / "排名.csv", 2026)


# --- 代表之星 ----------------------------------------------------------------------------------


def test_each_station_names_its_top_three_with_what_they_did(ctx, county):
    for name in ("甲", "乙", "丙", "丁", "戊"):
        county.rep(name)
    county.rep("南一", station="东河县南湖镇人大代表联络站")
    county.rep("南二", station="东河县南湖镇人大代表联络站")
    day = dt.date(2026, 11, 4)
    county.visits("甲", day, 5)  # 12
    county.duty("乙", day)
    county.activity("乙", day, ActivityKind.INSPECTION)  # 9
    county.duty("丙", day)  # 4, 1 duty, 0 visits
    county.visits("丁", day, 1)  # 4, 0 duty: after 丙
    county.visits("南一", day, 1)
    county.visits("甲", dt.date(2026, 10, 4), 3)  # another month: not this one
    found = {s.station: s for s in points.stars(ctx, "2026-11")}
    chengguan = found["东河县城关镇人大代表联络站"]
    assert [(s.rank, s.name, s.total) for s in chengguan.stars] == [(1, "甲", 12), (2, "乙", 9), (3, "丙", 4)]
    assert chengguan.stars[1].deeds == "值班 1 次、视察调研 1 次"
    assert chengguan.tied == []
    nanhu = found["东河县南湖镇人大代表联络站"]
    assert [s.name for s in nanhu.stars] == ["南一"]  # nobody with no points is a star


def test_a_tie_at_the_last_star_is_named_beside_the_stars(ctx, county):
    points.save_rule(ctx, flat_rule(dt.date(2026, 1, 1), stars_per_station=1), today=SET_UP_ON)
    county.rep("王秀兰")
    county.rep("李建国")
    county.visits("王秀兰", dt.date(2026, 11, 4))
    county.visits("李建国", dt.date(2026, 11, 4))
    found = {s.station: s for s in points.stars(ctx, "2026-11")}["东河县城关镇人大代表联络站"]
    assert [s.name for s in found.stars] == ["李建国"] and found.tied == ["王秀兰"]  # 李 before 王 by name only


def test_a_rule_cannot_start_in_or_be_withdrawn_from_a_month_that_has_ended(ctx):
    december = dt.date(2026, 12, 2)
    with pytest.raises(StationError, match="最早从本月1日（2026-12-01）起用"):
        points.save_rule(ctx, flat_rule(dt.date(2026, 11, 1)), today=december)
    rule_id = points.save_rule(ctx, flat_rule(dt.date(2026, 11, 2)), today=dt.date(2026, 11, 1))  # scores from December
    points.save_rule(ctx, flat_rule(dt.date(2026, 12, 1), first="6"), today=december)
    earlier = points.save_rule(ctx, flat_rule(dt.date(2026, 10, 1), first="7"), today=dt.date(2026, 10, 1))
    with pytest.raises(StationError, match="已用于已经结束的月份，不能作废"):
        points.void_rule(ctx, earlier, "录错了", today=december)
    points.void_rule(ctx, rule_id, "不用了", today=december)  # it has scored no month that has ended
    assert [r.valid_from for r in points.rules(ctx)] == [dt.date(2026, 10, 1), dt.date(2026, 12, 1)]
