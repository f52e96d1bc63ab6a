from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from station_app.services.roster_generator import Candidate, RosterInput, plan_roster
from station_app.vocab import PersonKind

REPRESENTATIVE, WINDOW_HEAD = PersonKind.REPRESENTATIVE, PersonKind.WINDOW_HEAD


def weekdays(start: dt.date, end: dt.date, only: set[int] | None = None) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.isoweekday() <= 5 and (only is None or day.isoweekday() in only):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def people(n: int, groups: int = 0) -> list[Candidate]:
    return [Candidate(f"r:{i:03d}", f"代表{i}", group=f"第{i % groups}团" if groups else "", order=f"{i:03d}")
            for i in range(n)]


def heads(n: int) -> list[Candidate]:
    return [Candidate(f"u:{i:02d}", f"负责人{i}", is_head=True, order=f"{i:02d}") for i in range(n)]


def counts(result) -> dict[str, int]:
    tally: dict[str, int] = {}
    for keys in result.assignments.values():
        for key in keys:
            tally[key] = tally.get(key, 0) + 1
    return tally


def test_every_slot_gets_its_headcount_and_nobody_works_twice_a_day():
    days = weekdays(dt.date(2026, 1, 5), dt.date(2026, 3, 27))
    result = plan_roster(RosterInput(days, ["上午", "下午"], headcount=2, heads_per_slot=1,
                                     candidates=people(30) + heads(5)))
    assert result.uncovered == []
    for day in days:
        on_day = result.assignments[(day, "上午")] + result.assignments[(day, "下午")]
        assert len(on_day) == 6 and len(set(on_day)) == 6
        assert sum(key.startswith("u:") for key in result.assignments[(day, "上午")]) == 1


def test_fair_shares_stay_within_one_and_count_what_was_already_served():
    days = weekdays(dt.date(2026, 1, 1), dt.date(2026, 12, 31), only={3})
    served = {"r:000": 5, "r:001": 5}
    result = plan_roster(RosterInput(days, ["全天"], headcount=2, candidates=people(20), served=served))
    tally = counts(result)
    totals = [tally.get(f"r:{i:03d}", 0) + served.get(f"r:{i:03d}", 0) for i in range(20)]
    assert max(totals) - min(totals) <= 1
    assert tally.get("r:000", 0) < tally.get("r:005", 0)


def test_rotation_advances_per_slot_so_a_wednesday_plan_reaches_everyone():
    days = weekdays(dt.date(2026, 1, 1), dt.date(2026, 6, 30), only={3})
    result = plan_roster(RosterInput(days, ["全天"], headcount=2, candidates=people(7)))
    assert set(counts(result)) == {f"r:{i:03d}" for i in range(7)}


def test_spacing_puts_the_same_person_as_far_apart_as_possible():
    days = weekdays(dt.date(2026, 1, 5), dt.date(2026, 1, 30))
    result = plan_roster(RosterInput(days, ["全天"], headcount=1, candidates=people(5)))
    turns: dict[str, list[dt.date]] = {}
    for (day, _slot), keys in sorted(result.assignments.items()):
        turns.setdefault(keys[0], []).append(day)
    gaps = [(b - a).days for dates in turns.values() for a, b in zip(dates, dates[1:])]
    assert min(gaps) >= 7


def test_unavailable_people_are_never_placed_and_a_short_day_says_why():
    days = [dt.date(2026, 3, 4)]
    cands = people(3)
    result = plan_roster(RosterInput(days, ["全天"], headcount=3, candidates=cands,
                                     unavailable={"r:000": {dt.date(2026, 3, 4)}}, busy={days[0]: {"r:001"}}))
    assert result.assignments[(days[0], "全天")] == ["r:002"]
    (short,) = result.uncovered
    assert (short.slot, short.who, short.missing) == ("全天", REPRESENTATIVE, 2)
    assert "1 人当天不能值班" in short.reason and "1 人当天已有值班" in short.reason


def test_no_heads_in_the_pool_is_reported_per_slot():
    result = plan_roster(RosterInput([dt.date(2026, 3, 4)], ["上午", "下午"], headcount=1, heads_per_slot=1,
                                     candidates=people(4)))
    assert [(u.slot, u.who, u.reason) for u in result.uncovered] == [
        ("上午", WINDOW_HEAD, "排班范围内没有窗口单位负责人"), ("下午", WINDOW_HEAD, "排班范围内没有窗口单位负责人")]


def test_kept_assignments_count_toward_the_headcount():
    day = dt.date(2026, 3, 4)
    result = plan_roster(RosterInput([day], ["全天"], headcount=2, candidates=people(5),
                                     fixed={(day, "全天"): ["r:004"]}))
    assert len(result.assignments[(day, "全天")]) == 1
    assert "r:004" not in result.assignments[(day, "全天")]


def test_group_rotation_keeps_a_group_together_and_shares_days_fairly():
    days = weekdays(dt.date(2026, 1, 5), dt.date(2026, 6, 26))
    result = plan_roster(RosterInput(days, ["上午", "下午"], headcount=2, rotation="delegation",
                                     candidates=people(60, groups=6)))
    assert result.uncovered == []
    group_of = {c.key: c.group for c in people(60, groups=6)}
    days_per_group: dict[str, int] = {}
    for day in days:
        members = result.assignments[(day, "上午")] + result.assignments[(day, "下午")]
        (group,) = {group_of[key] for key in members}
        days_per_group[group] = days_per_group.get(group, 0) + 1
    assert max(days_per_group.values()) - min(days_per_group.values()) <= 1
    tally = counts(result)
    assert max(tally.values()) - min(tally.values()) <= 1


def test_group_rotation_skips_a_group_that_cannot_cover_the_day():
    day = dt.date(2026, 3, 4)
    cands = people(8, groups=2)          # 第0团: 0,2,4,6  第1团: 1,3,5,7
    away = {key: {day} for key in ("r:000", "r:002", "r:004")}
    result = plan_roster(RosterInput([day], ["上午", "下午"], headcount=1, rotation="delegation", candidates=cands,
                                     unavailable=away, served={"r:001": 3, "r:003": 3, "r:005": 3, "r:007": 3}))
    members = result.assignments[(day, "上午")] + result.assignments[(day, "下午")]
    assert {key for key in members} <= {"r:001", "r:003", "r:005", "r:007"}
    assert result.uncovered == []


def test_the_same_input_gives_the_same_roster():
    days = weekdays(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rng = random.Random(3)
    unavailable = {f"r:{i:03d}": {d for d in days if rng.random() < 0.05} for i in range(100)}

    def run():
        return plan_roster(RosterInput(days, ["上午", "下午"], headcount=2, heads_per_slot=1,
                                       candidates=people(100) + heads(18), unavailable=unavailable)).assignments

    assert run() == run()


def test_monitoring_station_year_is_fair_with_random_unavailability():
    days = weekdays(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rng = random.Random(2025)
    cands = people(420, groups=22) + heads(18)
    unavailable = {c.key: {d for d in days if rng.random() < 0.05} for c in cands}
    result = plan_roster(RosterInput(days, ["上午", "下午"], headcount=2, heads_per_slot=1, candidates=cands,
                                     unavailable=unavailable))
    assert result.uncovered == []
    tally = counts(result)
    rep_counts = [tally.get(c.key, 0) for c in cands if not c.is_head]
    head_counts = [tally.get(c.key, 0) for c in cands if c.is_head]
    assert max(rep_counts) - min(rep_counts) <= 1
    assert max(head_counts) - min(head_counts) <= 1


def test_delegations_of_different_sizes_get_days_in_proportion_and_a_level_year():
    """A delegation takes a whole day; a year of them keeps every member within one turn of every other
    member of any delegation, and each delegation's days within one of its share by size."""
    days = weekdays(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    sizes = (7, 12, 25, 30, 19, 19, 22, 15, 9, 40)
    cands = [Candidate(f"r:{g:02d}{i:02d}", f"代表{g}-{i}", group=f"第{g}团", order=f"{g:02d}{i:02d}")
             for g, n in enumerate(sizes) for i in range(n)]
    found = []
    for seed in range(10):
        rng = random.Random(seed)
        away = {c.key: {d for d in days if rng.random() < 0.03} for c in cands}
        result = plan_roster(RosterInput(days, ["上午", "下午"], headcount=2, rotation="delegation", candidates=cands,
                                         unavailable=away))
        assert result.uncovered == []
        tally = counts(result)
        group_days = {g: sum(1 for (_d, slot), keys in result.assignments.items()
                             if slot == "上午" and keys[0].startswith(f"r:{g:02d}")) for g in range(len(sizes))}
        off_share = max(abs(group_days[g] - len(days) * n / len(cands)) for g, n in enumerate(sizes))
        found.append((max(tally.get(c.key, 0) for c in cands) - min(tally.get(c.key, 0) for c in cands),
                      round(off_share, 2)))
    assert all(s <= 1 and off <= 1 for s, off in found), found


def test_counts_start_again_on_the_first_of_january_and_the_rotation_carries_on():
    """The year's counts are the year's: what 代表0 served in December weighs nothing in January, and in
    January the one who served longest ago goes first."""
    december = weekdays(dt.date(2026, 12, 21), dt.date(2026, 12, 25))
    january = weekdays(dt.date(2027, 1, 4), dt.date(2027, 1, 8))
    result = plan_roster(RosterInput(december + january, ["全天"], headcount=1, candidates=people(5),
                                     served={"r:000": 3}, last_served={"r:000": dt.date(2026, 12, 1)}))
    order = [result.assignments[(day, "全天")][0] for day in december + january]
    assert order[:5] == ["r:001", "r:002", "r:003", "r:004", "r:001"]   # December: 代表0 has served most
    assert order[5:] == ["r:000", "r:002", "r:003", "r:004", "r:001"]   # January: all 0, longest ago first
    assert set(Counter(order[5:]).values()) == {1}
