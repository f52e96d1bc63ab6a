from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from station_app.db.models import Delegation, DutyAssignment, Representative, Station, WindowUnit
from station_app.services import roster_generation, roster_output, roster_plans
from station_app.ui.attendance_page import AttendancePage
from station_app.ui.roster_page import PlanDialog, RosterPage
from station_app.ui.widgets import select_row
from station_app.vocab import Attendance

TODAY = dt.date.today()


@pytest.fixture
def station(db):
    with db.transaction() as s:
        station = Station(name="东河县人大代表监督站", code="DHJD")
        s.add(station)
        delegations = [Delegation(name=f"{n}代表团") for n in ("城关镇", "南湖镇")]
        for i in range(10):
            s.add(Representative(name=f"代表{i}", level="县", station=station, delegation=delegations[i % 2],
                                 pinyin=f"dai biao {i}"))
        for i in range(2):
            s.add(WindowUnit(name=f"县第{i}局", head_name=f"局长{i}", station=station))
    return "东河县人大代表监督站"


def test_empty_roster_page_says_how_to_start(app, qtbot, ctx):
    page = RosterPage(ctx)
    qtbot.addWidget(page)
    assert page.empty_hint.isVisibleTo(page) and not page.grid.isVisibleTo(page)
    assert "新建方案" in page.empty_hint.text()
    assert not page.generate_button.isEnabled()


def test_plan_dialog_presets_fill_the_two_real_cases(app, qtbot, ctx, station):
    dialog = PlanDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.monitoring.click()
    data = dialog.current()
    assert (data.day_rule, data.slots, data.headcount, data.heads_per_slot, data.rotation) == (
        "workdays", ["上午", "下午"], 2, 1, "delegation")
    dialog.wednesday.click()
    assert (dialog.current().day_rule, dialog.current().weekdays) == ("weekdays", [3])
    dialog.save()
    assert dialog.result() == 1
    assert [p.name for p in roster_plans.list_plans(ctx)] == ["周三代表活动日"]


def test_month_view_shows_names_uncovered_slots_and_the_day_panel(app, qtbot, ctx, station):
    plan = roster_plans.save_plan(ctx, roster_plans.monitoring_preset(station))
    first = dt.date(TODAY.year, TODAY.month, 1) + dt.timedelta(days=40)
    start = first.replace(day=1)
    roster_generation.generate(ctx, plan, start, start + dt.timedelta(days=27))
    page = RosterPage(ctx)
    qtbot.addWidget(page)
    page.year, page.month = start.year, start.month
    page.refresh()
    duty_day = min(day for day, view in page.grid.views.items() if view.slots and day.month == start.month)
    turn = roster_output.day_views(ctx, plan, duty_day, duty_day)[0].slots[0].people[0]
    roster_generation.remove(ctx, turn.assignment_id, "临时有事")
    page.refresh()
    row, column = next(k for k, v in page.grid.days.items() if v == duty_day)
    html = page.grid.cellWidget(row, column).text()
    assert "缺1人" in html and turn.name not in html
    page.grid.cellClicked.emit(row, column)
    top = page.day_tree.topLevelItem(0)
    assert "缺 1 人" in top.text(0) and top.childCount() == 2


def test_stand_in_from_the_day_panel_is_shown_distinctly(app, qtbot, ctx, station, monkeypatch):
    plan = roster_plans.save_plan(ctx, roster_plans.wednesday_preset(station))
    start = TODAY + dt.timedelta(days=1)
    roster_generation.generate(ctx, plan, start, start + dt.timedelta(days=13))
    page = RosterPage(ctx)
    qtbot.addWidget(page)
    day = min(d for d, v in page.grid.views.items() if v.slots and d >= start)
    page.selected_day = day
    page.year, page.month = day.year, day.month
    page.refresh()
    slot = page.day_tree.topLevelItem(0)
    on_duty = {slot.child(i).text(0) for i in range(slot.childCount())}
    page.day_tree.setCurrentItem(slot.child(0))
    replaced = page.day_tree.currentItem().text(0)

    class Picker:
        def __init__(self, _title, people, _parent, **_kw):
            self.chosen = next(key for key, name, _unit in people if name not in on_duty and name.startswith("代表"))
            self.reason = type("R", (), {"text": lambda _self: "生病"})()

        def exec(self):
            return True

    monkeypatch.setattr("station_app.ui.roster_page.PersonPicker", Picker)
    page.stand_in()
    slot = page.day_tree.topLevelItem(0)
    statuses = [slot.child(i).text(3) for i in range(slot.childCount())]
    assert "替班" in statuses and any("替" + replaced in s for s in statuses)
    row, column = next(k for k, v in page.grid.days.items() if v == day)
    assert "［替］" in page.grid.cellWidget(row, column).text()


def test_attendance_marks_present_with_f2_and_moves_to_the_next(app, qtbot, db, ctx, station):
    plan = roster_plans.save_plan(ctx, roster_plans.monitoring_preset(station))
    day = dt.date(2026, 3, 4)                      # a past working day, generated as if it were ahead
    roster_generation.generate(ctx, plan, day, day, today=day)
    page = AttendancePage(ctx)
    qtbot.addWidget(page)
    tab = page.attendance
    tab.date.setDate(day)
    assert tab.model.rowCount() == 6 and "已签到 0" in tab.summary.text()
    page.show()
    page.raise_()
    page.activateWindow()
    # the shortcuts belong to the page's window: it must be the active one (another test's window may still be)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page.window())
    tab.view.setFocus()
    # under a parallel run the focus may land a moment later than the activation
    # the shortcut map follows the focus window of the platform, which may trail the widget's activation
    qtbot.waitUntil(lambda: tab.view.hasFocus() and QApplication.activeWindow() is page.window()
                    and QGuiApplication.focusWindow() is page.window().windowHandle())
    select_row(tab.view, 0)  # not view.selectRow: it toggles while Qt thinks Ctrl is held (a test before pressed Ctrl+P)
    qtbot.keyClick(tab.view, Qt.Key.Key_F2)

    def marked():
        with db.session() as s:
            return s.scalars(select(DutyAssignment).where(DutyAssignment.attendance == "出勤")).all()
    qtbot.waitUntil(lambda: len(marked()) == 1, timeout=2000)
    assert marked()[0].attended_at.date() == day
    assert tab.view.currentIndex().row() == 1
    assert tab.model.index(0, 5).data() == "出勤"
    select_row(tab.view, 1)
    qtbot.keyClick(tab.view, Qt.Key.Key_F3)
    page.setCurrentIndex(1)
    posts = page.empty_posts
    posts.year.setValue(2026)
    posts.month.setValue(3)
    assert posts.detail.rowCount() == 1 and posts.detail.index(0, 5).data() == "缺勤"


def picker_choosing(name: str, seen: list | None = None):
    """A stand-in for PersonPicker that picks the entry called ``name`` (and notes what it was offered)."""
    class Picker:
        def __init__(self, _title, people, _parent, **_kw):
            if seen is not None:
                seen.append(list(people))
            self.chosen = next((value for value, entry, _unit in people if entry == name), None)
            self.reason = type("R", (), {"text": lambda _self: "生病"})()

        def exec(self):
            return self.chosen is not None

    return Picker


def test_a_stand_in_from_the_roster_page_and_from_the_sign_in_page_writes_the_same_rows(app, qtbot, db, ctx, station,
                                                                                       monkeypatch):
    plan = roster_plans.save_plan(ctx, roster_plans.monitoring_preset(station))
    day = dt.date(2026, 3, 4)                      # a past working day: the stand-in was there
    roster_generation.generate(ctx, plan, day, day, today=day)
    (morning, afternoon) = roster_output.day_views(ctx, plan, day, day)[0].slots
    on_duty = {p.name for slot in (morning, afternoon) for p in slot.people}
    spare = sorted(f"代表{i}" for i in range(10) if f"代表{i}" not in on_duty)
    first, second = morning.people[0], afternoon.people[0]

    roster = RosterPage(ctx)
    qtbot.addWidget(roster)
    roster.year, roster.month, roster.selected_day = day.year, day.month, day
    roster.refresh()
    slot_item = roster.day_tree.topLevelItem(0)
    roster.day_tree.setCurrentItem(next(slot_item.child(i) for i in range(slot_item.childCount())
                                        if slot_item.child(i).text(0) == first.name))
    monkeypatch.setattr("station_app.ui.roster_page.PersonPicker", picker_choosing(spare[0]))
    roster.stand_in()

    sign_in = AttendancePage(ctx)
    qtbot.addWidget(sign_in)
    tab = sign_in.attendance
    tab.date.setDate(day)
    select_row(tab.view, next(i for i, row in enumerate(tab.model.rows)
                            if row.person.assignment_id == second.assignment_id))
    monkeypatch.setattr("station_app.ui.attendance_page.PersonPicker", picker_choosing(spare[1]))
    tab.stand_in()

    def picture(original_id: str):
        with db.session() as s:
            original = s.get(DutyAssignment, original_id)
            new = s.scalars(select(DutyAssignment).where(DutyAssignment.replaces_id == original_id)).one()
            return ((original.attendance, original.substitute_id is not None, original.voided_at),
                    (new.source, new.pinned, new.reason, new.made_by, new.attendance, new.attended_at is not None,
                     new.slot.day))

    assert picture(first.assignment_id) == picture(second.assignment_id)
    assert picture(first.assignment_id) == (("替班", True, None), ("替班", True, "生病", "测试员", "出勤", True, day))


def test_signing_in_several_rows_is_one_step_and_a_refused_row_marks_none(app, qtbot, db, ctx, station,
                                                                          _no_message_boxes):
    from station_app.services import attendance
    from station_app.services.roster_people import PersonRef

    plan = roster_plans.save_plan(ctx, roster_plans.monitoring_preset(station))
    day = dt.date(2026, 3, 4)
    roster_generation.generate(ctx, plan, day, day, today=day)
    (morning, _afternoon) = roster_output.day_views(ctx, plan, day, day)[0].slots
    on_duty = {p.name for p in morning.people}
    with db.session() as s:
        spare = next(r.id for r in s.scalars(select(Representative).order_by(Representative.pinyin))
                     if r.name not in on_duty)
    replaced = morning.people[0]
    attendance.stand_in(ctx, replaced.assignment_id, PersonRef.representative(spare), "生病")
    page = AttendancePage(ctx)
    qtbot.addWidget(page)
    tab = page.attendance
    tab.date.setDate(day)
    rows = {row.person.assignment_id: i for i, row in enumerate(tab.model.rows)}
    pending = morning.people[1]
    selection = tab.view.selectionModel()
    tab.view.clearSelection()
    for assignment_id in (pending.assignment_id, replaced.assignment_id):
        selection.select(tab.model.index(rows[assignment_id], 0),
                         selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    assert len(tab.selected()) == 2
    tab.mark(Attendance.PRESENT)
    title, message = _no_message_boxes[-1]
    assert replaced.name in message and "请给替班人签到" in message
    with db.session() as s:
        assert s.get(DutyAssignment, pending.assignment_id).attendance == "待签到"
    tab.view.clearSelection()
    selection.select(tab.model.index(rows[pending.assignment_id], 0),
                     selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    tab.mark(Attendance.PRESENT)
    with db.session() as s:
        assert s.get(DutyAssignment, pending.assignment_id).attendance == "出勤"


def test_the_swap_choices_come_from_the_service_and_it_refuses_a_swap_with_oneself(app, qtbot, db, ctx, station,
                                                                                   monkeypatch, _no_message_boxes):
    plan = roster_plans.save_plan(ctx, roster_plans.wednesday_preset(station))
    start = TODAY + dt.timedelta(days=1)
    roster_generation.generate(ctx, plan, start, start + dt.timedelta(days=84))
    page = RosterPage(ctx)
    qtbot.addWidget(page)
    day = min(v.day for v in roster_output.day_views(ctx, plan, start, start + dt.timedelta(days=84)) if v.slots)
    page.year, page.month, page.selected_day = day.year, day.month, day
    page.refresh()
    page.day_tree.setCurrentItem(page.day_tree.topLevelItem(0).child(0))
    turn = page.selected_turn()
    name = page.day_tree.currentItem().text(0)
    offered: list = []
    monkeypatch.setattr("station_app.ui.roster_page.PersonPicker", picker_choosing(name, offered))
    page.swap()
    choices = roster_generation.swap_candidates(ctx, turn)
    assert offered[0] == [(c.assignment_id, c.name, f"{c.day.month}月{c.day.day}日 {c.slot}　{c.unit}") for c in choices]
    assert turn not in {c.assignment_id for c in choices} and name in {c.name for c in choices}
    assert _no_message_boxes[-1] == ("调班", "不能和自己调班")
    with db.session() as s:
        assert s.get(DutyAssignment, turn).voided_at is None


@pytest.fixture
def two_zhang_jianhua(db, station):
    """Two 张建华 in 城关镇代表团 (phones ending 0985 and 0682), the rest of the station as in ``station``."""
    with db.transaction() as s:
        home = s.scalars(select(Station)).one()
        chengguan = s.scalars(select(Delegation).where(Delegation.name == "城关镇代表团")).one()
        for phone in ("13977190985", "18433240682"):
            s.add(Representative(name="张建华", level="县", station=home, delegation=chengguan, phone=phone,
                                 pinyin="zhang jian hua|zhangjianhua|zjh"))
    return station


def test_the_month_view_and_the_day_panel_tell_two_of_the_same_name_apart(app, qtbot, ctx, two_zhang_jianhua):
    from station_app.ui.person_picker import PersonPicker

    plan = roster_plans.save_plan(ctx, roster_plans.monitoring_preset(two_zhang_jianhua))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 2), dt.date(2026, 3, 31), today=dt.date(2026, 3, 2))
    page = RosterPage(ctx)
    qtbot.addWidget(page)
    page.year, page.month = 2026, 3
    page.refresh()
    cells = "".join(page.grid.cellWidget(r, c).text() for r in range(6) for c in range(7))
    assert "张建华（尾号0985）" in cells and "张建华（尾号0682）" in cells
    assert "张建华、" not in cells and "张建华<" not in cells
    day = next(d for d, v in page.grid.views.items()
               if any(p.name.startswith("张建华") for s in v.slots for p in s.people))
    page.selected_day = day
    page.show_day()
    tree = {page.day_tree.topLevelItem(i).child(j).text(0) for i in range(page.day_tree.topLevelItemCount())
            for j in range(page.day_tree.topLevelItem(i).childCount())}
    assert tree & {"张建华（尾号0985）", "张建华（尾号0682）"} and "张建华" not in tree
    counts = {page.counts.index(r, 0).data() for r in range(page.counts.rowCount())}
    assert {"张建华（尾号0985）", "张建华（尾号0682）"} <= counts
    picker = PersonPicker("指派值班人员", page._people(), page)
    qtbot.addWidget(picker)
    picker.search.setText("张建华")
    offered = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert sorted(offered) == ["张建华（尾号0682）　城关镇代表团", "张建华（尾号0985）　城关镇代表团"]
    picker.search.setText("0985")
    assert picker.list.count() == 1 and picker.list.item(0).text().startswith("张建华（尾号0985）")


def test_the_sign_in_list_tells_two_of_the_same_name_apart(app, qtbot, ctx, two_zhang_jianhua):
    plan = roster_plans.save_plan(ctx, roster_plans.monitoring_preset(two_zhang_jianhua))
    roster_generation.generate(ctx, plan, dt.date(2026, 3, 2), dt.date(2026, 3, 31), today=dt.date(2026, 3, 2))
    days = {view.day for view in roster_output.day_views(ctx, plan, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
            for slot in view.slots for p in slot.people if p.name.startswith("张建华")}
    page = AttendancePage(ctx)
    qtbot.addWidget(page)
    tab = page.attendance
    seen = set()
    for day in sorted(days):
        tab.date.setDate(day)
        seen |= {tab.model.index(r, 2).data() for r in range(tab.model.rowCount())}
    assert {"张建华（尾号0985）", "张建华（尾号0682）"} <= seen and "张建华" not in seen
