from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from station_app.db.models import Delegation, DutyAssignment, Representative, Station, WindowUnit
from station_app.services import roster
from station_app.ui.attendance_page import AttendancePage
from station_app.ui.roster_page import PlanDialog, RosterPage

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


def test_empty_roster_page_says_how_to_start(app, qtbot, db):
    page = RosterPage(db)
    qtbot.addWidget(page)
    assert page.empty_hint.isVisibleTo(page) and not page.grid.isVisibleTo(page)
    assert "新建方案" in page.empty_hint.text()
    assert not page.generate_button.isEnabled()


def test_plan_dialog_presets_fill_the_two_real_cases(app, qtbot, db, station):
    dialog = PlanDialog(db)
    qtbot.addWidget(dialog)
    dialog.monitoring.click()
    data = dialog.current()
    assert (data.day_rule, data.slots, data.headcount, data.heads_per_slot, data.rotation) == (
        "workdays", ["上午", "下午"], 2, 1, "delegation")
    dialog.wednesday.click()
    assert (dialog.current().day_rule, dialog.current().weekdays) == ("weekdays", [3])
    dialog.save()
    assert dialog.result() == 1
    with db.session() as s:
        assert [p.name for p in roster.list_plans(s)] == ["周三代表活动日"]


def test_month_view_shows_names_uncovered_slots_and_the_day_panel(app, qtbot, db, station):
    plan = roster.save_plan(db, roster.monitoring_preset(station))
    first = dt.date(TODAY.year, TODAY.month, 1) + dt.timedelta(days=40)
    start = first.replace(day=1)
    roster.generate(db, plan, start, start + dt.timedelta(days=27))
    page = RosterPage(db)
    qtbot.addWidget(page)
    page.year, page.month = start.year, start.month
    page.refresh()
    duty_day = min(day for day, view in page.grid.views.items() if view.slots and day.month == start.month)
    with db.session() as s:
        turn = roster.day_views(s, plan, duty_day, duty_day)[0].slots[0].people[0]
    roster.remove(db, turn.assignment_id, "临时有事")
    page.refresh()
    row, column = next(k for k, v in page.grid.days.items() if v == duty_day)
    html = page.grid.cellWidget(row, column).text()
    assert "缺1人" in html and turn.name not in html
    page.grid.cellClicked.emit(row, column)
    top = page.day_tree.topLevelItem(0)
    assert "缺 1 人" in top.text(0) and top.childCount() == 2


def test_stand_in_from_the_day_panel_is_shown_distinctly(app, qtbot, db, station, monkeypatch):
    plan = roster.save_plan(db, roster.wednesday_preset(station))
    start = TODAY + dt.timedelta(days=1)
    roster.generate(db, plan, start, start + dt.timedelta(days=13))
    page = RosterPage(db)
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


def test_attendance_marks_present_with_f2_and_moves_to_the_next(app, qtbot, db, station):
    plan = roster.save_plan(db, roster.monitoring_preset(station))
    day = dt.date(2026, 3, 4)                      # a past working day, generated as if it were ahead
    roster.generate(db, plan, day, day, today=day)
    page = AttendancePage(db)
    qtbot.addWidget(page)
    tab = page.attendance
    tab.date.setDate(day)
    assert tab.model.rowCount() == 6 and "已签到 0" in tab.summary.text()
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    tab.view.setFocus()
    tab.view.selectRow(0)
    qtbot.keyClick(tab.view, Qt.Key.Key_F2)
    with db.session() as s:
        marked = s.scalars(select(DutyAssignment).where(DutyAssignment.attendance == "出勤")).all()
    assert len(marked) == 1 and marked[0].attended_at.date() == day
    assert tab.view.currentIndex().row() == 1
    assert tab.model.index(0, 5).data() == "出勤"
    tab.view.selectRow(1)
    qtbot.keyClick(tab.view, Qt.Key.Key_F3)
    page.setCurrentIndex(1)
    posts = page.empty_posts
    posts.year.setValue(2026)
    posts.month.setValue(3)
    assert posts.detail.rowCount() == 1 and posts.detail.index(0, 5).data() == "缺勤"
