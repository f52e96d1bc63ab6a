"""Tell people apart: two 张建华 in one delegation (as in the demo county) are never shown or printed alike.

A name nobody else bears is shown as it is; a shared one gets what separates its bearers, the
delegation first, then the last four digits of the phone. Exports carry each person's 编号.
"""
from __future__ import annotations

import datetime as dt

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from station_app.db.models import Delegation, DutyAssignment, DutySlot, Representative, Station, WindowUnit
from station_app.i18n import set_language
from station_app.services import attendance, registry, roster_generation, roster_output, roster_plans
from station_app.services.roster_people import PersonRef, people_for_picking
from station_app.vocab import Attendance, ImportAction

STATION = "东河县人大代表监督站"
TODAY = dt.date(2026, 1, 5)
MARCH = (dt.date(2026, 3, 2), dt.date(2026, 3, 31))
#: how the namesakes must be shown
JIANHUA_A, JIANHUA_B = "张建华（尾号0985）", "张建华（尾号0682）"
WANGFANG_XILING, WANGFANG_CHENGGUAN = "王芳（西岭乡代表团）", "王芳（城关镇代表团）"
LIUYANG_REP, LIUYANG_HEAD = "刘洋（城关镇代表团）", "刘洋（县第0局）"


@pytest.fixture
def namesakes(db) -> dict[str, str]:
    """A monitoring station with two 张建华 in 西岭乡代表团 (phones ending 0985 and 0682), a 王芳 in each
    delegation, a representative 刘洋 and a window-unit head 刘洋; returns the shown name → id."""
    with db.transaction() as s:
        station = Station(name=STATION, code="DHJD")
        xiling, chengguan = Delegation(name="西岭乡代表团"), Delegation(name="城关镇代表团")
        s.add_all([station, xiling, chengguan])
        people = [("张建华", xiling, "13977190985", JIANHUA_A), ("张建华", xiling, "18433240682", JIANHUA_B),
                  ("王芳", xiling, "13500001111", WANGFANG_XILING), ("赵敏", xiling, "13500004444", "赵敏"),
                  ("钱进", xiling, "13500005555", "钱进"), ("王芳", chengguan, "13500002222", WANGFANG_CHENGGUAN),
                  ("刘洋", chengguan, "13500003333", LIUYANG_REP), ("孙丽", chengguan, "13500006666", "孙丽"),
                  ("周强", chengguan, "13500007777", "周强"), ("吴刚", chengguan, "13500008888", "吴刚")]
        reps = {shown: Representative(name=name, level="县", station=station, delegation=delegation, phone=phone,
                                      pinyin=registry.pinyin_key(name))
                for name, delegation, phone, shown in people}
        s.add_all(reps.values())
        heads = {LIUYANG_HEAD: WindowUnit(name="县第0局", head_name="刘洋", head_phone="13600000000", station=station),
                 "郑华": WindowUnit(name="县第1局", head_name="郑华", station=station)}
        s.add_all(heads.values())
        s.flush()
        return {shown: row.id for shown, row in {**reps, **heads}.items()}


@pytest.fixture
def march(ctx, namesakes) -> str:
    """The monitoring plan generated for March 2026: every representative and head is on it."""
    plan = roster_plans.save_plan(ctx, roster_plans.monitoring_preset(STATION))
    report = roster_generation.generate(ctx, plan, *MARCH, today=TODAY)
    assert report.uncovered == []
    return plan


def shown_names(views) -> set[str]:
    return {p.name for view in views for slot in view.slots for p in slot.people}


def turn_of(db, plan, person_id) -> tuple[str, dt.date]:
    """(assignment id, day) of the first turn of a representative or a head in ``plan``."""
    with db.session() as s:
        return s.execute(select(DutyAssignment.id, DutySlot.day).join(DutySlot, DutyAssignment.slot_id == DutySlot.id)
                         .where(DutySlot.plan_id == plan, DutyAssignment.voided_at.is_(None),
                                (DutyAssignment.representative_id == person_id)
                                | (DutyAssignment.window_unit_id == person_id))
                         .order_by(DutySlot.day)).first()


def test_a_shared_name_is_told_apart_by_delegation_then_the_phone_and_a_unique_one_is_left_alone():
    from station_app.services.roster_people import NamedPerson, display_names

    people = [NamedPerson(1, "张建华", "西岭乡代表团", "139 7719 0985"), NamedPerson(2, "张建华", "西岭乡代表团", "18433240682"),
              NamedPerson(3, "张建华", "东岭乡代表团", "13000000985"), NamedPerson(4, "李四", "西岭乡代表团", "1"),
              NamedPerson(5, "王五", "", "", "0c1d2e3f-aaaa"), NamedPerson(6, "王五", "", "", "9f8e7d6c-bbbb")]
    assert display_names(people) == {
        1: "张建华（西岭乡代表团，尾号0985）",   # the tail alone would not separate him from 3
        2: "张建华（尾号0682）",
        3: "张建华（东岭乡代表团）",
        4: "李四",
        5: "王五（编号0c1d2e3f）",
        6: "王五（编号9f8e7d6c）",
    }
    # a namesake elsewhere in the registry makes a name ambiguous even when only one is shown
    assert display_names(people[3:4], [NamedPerson(7, "李四", "东岭乡代表团")]) == {4: "李四（西岭乡代表团）"}
    set_language("en")
    try:
        assert display_names(people[1:2], people[:1]) == {2: "张建华 (phone …0682)"}
        assert display_names(people[1:2], people[:1], chinese=True) == {2: "张建华（尾号0682）"}
    finally:
        set_language("zh")


def test_the_month_view_and_its_counts_tell_the_two_zhang_jianhua_apart(ctx, namesakes, march):
    view = roster_output.month_view(ctx, march, 2026, 3)
    names = shown_names(view.days)
    assert {JIANHUA_A, JIANHUA_B, WANGFANG_XILING, WANGFANG_CHENGGUAN, LIUYANG_REP, LIUYANG_HEAD, "赵敏"} <= names
    assert "张建华" not in names and "王芳" not in names and "刘洋" not in names
    counts = {c.name: c for c in view.counts}
    assert counts[JIANHUA_A].person == PersonRef.representative(namesakes[JIANHUA_A])
    assert counts[JIANHUA_B].person == PersonRef.representative(namesakes[JIANHUA_B])
    assert counts[JIANHUA_A].unit == counts[JIANHUA_B].unit == "西岭乡代表团"


def test_the_sign_in_list_tells_them_apart_and_so_does_a_stand_in(db, ctx, namesakes, march):
    first, day = turn_of(db, march, namesakes[JIANHUA_A])
    on_day = {row.person.person for row in attendance.sign_in_sheet(ctx, day)}
    other = PersonRef.representative(namesakes[JIANHUA_B])
    if other in on_day:  # the other 张建华 is on duty the same day: a stand-in from the other delegation
        other = PersonRef.representative(namesakes[WANGFANG_CHENGGUAN])
    attendance.stand_in(ctx, first, other, "本人生病", today=day, at=dt.datetime.combine(day, dt.time(9)))
    rows = attendance.sign_in_sheet(ctx, day)
    shown = {row.person.name: row.person for row in rows}
    assert shown[JIANHUA_A].attendance == Attendance.REPLACED
    stand_in = next(row.person for row in rows if row.person.person == other)
    assert stand_in.stands_in_for == JIANHUA_A and stand_in.name in (JIANHUA_B, WANGFANG_CHENGGUAN)
    assert "张建华" not in shown


def test_the_picker_and_the_swap_choices_tell_them_apart(db, ctx, namesakes, march):
    picked = {p.name: p for p in people_for_picking(ctx)}
    assert picked[JIANHUA_A].person == PersonRef.representative(namesakes[JIANHUA_A])
    assert picked[JIANHUA_B].person == PersonRef.representative(namesakes[JIANHUA_B])
    assert picked[LIUYANG_HEAD].person == PersonRef.head(namesakes[LIUYANG_HEAD])
    assert {LIUYANG_REP, WANGFANG_XILING, WANGFANG_CHENGGUAN, "赵敏"} <= set(picked)
    assert not {"张建华", "王芳", "刘洋"} & set(picked)
    turn, _day = turn_of(db, march, namesakes["赵敏"])
    choices = {c.name for c in roster_generation.swap_candidates(ctx, turn, today=TODAY)}
    assert {JIANHUA_A, JIANHUA_B} <= choices and "张建华" not in choices


def test_the_empty_posts_count_each_namesake_on_their_own(db, ctx, namesakes, march, tmp_path):
    for shown in (JIANHUA_A, JIANHUA_B):
        turn, _day = turn_of(db, march, namesakes[shown])
        attendance.mark_attendance(ctx, [turn], Attendance.ABSENT, today=MARCH[1])
    posts = attendance.empty_posts(ctx, *MARCH)
    assert sorted(p.name for p in posts) == sorted([JIANHUA_A, JIANHUA_B])
    with db.session() as s:
        station_id = s.scalars(select(Station.id)).one()
    roster_output.print_empty_posts(ctx, 2026, 3, tmp_path / "空岗.pdf", station_id=station_id)
    with pdfplumber.open(tmp_path / "空岗.pdf") as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert text.count(JIANHUA_A) == 2 and text.count(JIANHUA_B) == 2   # by person, and in the detail


def test_the_printed_month_tells_them_apart_in_the_calendar_and_the_counts(ctx, namesakes, march, tmp_path):
    pages = roster_output.print_month(ctx, march, 2026, 3, tmp_path / "roster.pdf")
    with pdfplumber.open(tmp_path / "roster.pdf") as pdf:
        calendar_text = pdf.pages[0].extract_text().replace("\n", "")
        counts_text = "".join(page.extract_text() for page in pdf.pages[1:pages])
    for shown in (JIANHUA_A, JIANHUA_B, WANGFANG_XILING, WANGFANG_CHENGGUAN):
        assert shown in counts_text
    assert "尾号0985" in calendar_text and "尾号0682" in calendar_text


def test_the_month_export_names_them_apart_in_chinese_and_carries_every_persons_code(db, ctx, namesakes, march,
                                                                                   tmp_path):
    turn, _day = turn_of(db, march, namesakes[JIANHUA_B])
    attendance.mark_attendance(ctx, [turn], Attendance.LEAVE, today=MARCH[1])
    set_language("en")
    try:
        roster_output.export_month(ctx, 2026, 3, tmp_path / "roster.xlsx")
    finally:
        set_language("zh")
    book = load_workbook(tmp_path / "roster.xlsx")

    def table(sheet: str) -> tuple[list, list[list]]:
        rows = [[c.value for c in row] for row in book[sheet].iter_rows()]
        header = next(r for r in rows if "姓名" in r)
        return header, rows[rows.index(header) + 1:]

    for sheet in ("值班表", "值班统计", "空岗"):
        header, body = table(sheet)
        assert header[-1] == "编号", sheet
        code_of = {row[header.index("姓名")]: row[-1] for row in body if row[-1]}
        assert code_of[JIANHUA_B] == namesakes[JIANHUA_B], sheet
        if sheet != "空岗":
            assert code_of[JIANHUA_A] == namesakes[JIANHUA_A]
            assert code_of[LIUYANG_HEAD] == namesakes[LIUYANG_HEAD]
            assert "张建华" not in code_of


def test_the_registry_export_carries_each_persons_code_and_still_imports_as_it_is(ctx, namesakes, tmp_path):
    out = tmp_path / "名册.xlsx"
    assert registry.export_representatives(ctx, out) == 10
    rows = [[c.value for c in row] for row in load_workbook(out).active.iter_rows()]
    header = next(r for r in rows if r[0] == "序号")
    body = rows[rows.index(header) + 1:]
    assert header[-1] == "编号"
    codes = {(row[header.index("姓名")], row[header.index("联系电话")]): row[-1] for row in body}
    assert codes[("张建华", "13977190985")] == namesakes[JIANHUA_A]
    assert codes[("张建华", "18433240682")] == namesakes[JIANHUA_B]
    again = registry.preview_import(ctx, out)
    assert {r.action for r in again.rows} == {ImportAction.SAME}


def test_the_demo_countys_two_zhang_jianhua_of_one_delegation_are_told_apart(demo_ctx):
    jianhua = [p for p in people_for_picking(demo_ctx) if p.name.startswith("张建华")]
    assert len(jianhua) == 2 and {p.unit for p in jianhua} == {"西岭乡代表团"}
    assert len({p.name for p in jianhua}) == 2 and all("尾号" in p.name for p in jianhua)
