"""履职活动 tab: the demo's year listed and filtered, the dialog that records an activity, void, import, export."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from station_app.services import activities
from station_app.services.context import OperatorRef, ServiceContext
from station_app.ui.activities_tab import ActivitiesTab, ActivityDialog
from station_app.ui.widgets import select_row
from station_app.vocab import ActivityKind, Role
from tests.conftest import DEMO_DAY


def open_tab(qtbot, ctx, today=DEMO_DAY) -> ActivitiesTab:
    tab = ActivitiesTab(ctx, today=today)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def column(tab: ActivitiesTab, header: str) -> list[str]:
    model = tab.model
    number = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == header)
    return [str(model.index(r, number).data()) for r in range(model.rowCount())]


def test_the_tab_lists_the_demo_year_newest_first_and_filters_by_kind_and_words(app, qtbot, demo_ctx):
    tab = open_tab(qtbot, demo_ctx)
    days = column(tab, "日期")
    assert len(days) > 50 and days == sorted(days, reverse=True)
    assert days[0] <= DEMO_DAY.isoformat() and tab.pane.stack.currentWidget() is tab.view
    assert "次活动" in tab.count.text()
    assert tab.kind.itemText(tab.kind.count() - 1) == "防汛巡查"  # the demo station's own kind
    tab.kind.setCurrentIndex(tab.kind.findData(ActivityKind.TRAINING))
    assert set(column(tab, "类型")) == {"学习培训"}
    assert all(int(n) <= int(p) for n, p in zip(column(tab, "通过"), column(tab, "出席")))
    tab.kind.setCurrentIndex(0)
    tab.search.setText("防汛")
    tab.refresh()
    assert set(column(tab, "类型")) == {"防汛巡查"}
    tab.search.setText("没有这样的活动")
    tab.refresh()
    assert tab.pane.stack.currentWidget() is tab.pane.hint and "搜索词" in tab.pane.hint.text()
    assert not tab.edit_button.isEnabled() and not tab.void_button.isEnabled()


def test_an_empty_database_shows_how_to_begin(app, qtbot, ctx):
    tab = open_tab(qtbot, ctx)
    assert tab.model.rowCount() == 0 and "新增" in tab.pane.hint.text() and "导入 Excel" in tab.pane.hint.text()


def test_the_dialog_saves_an_activity_with_two_people_one_absent(app, qtbot, demo_ctx):
    tab = open_tab(qtbot, demo_ctx)
    before = tab.model.rowCount()
    dialog = ActivityDialog(demo_ctx, today=DEMO_DAY, parent=tab)
    qtbot.addWidget(dialog)
    assert dialog.kind.currentIndex() == -1 and dialog.tally.text() == "还没有添加代表"
    dialog.save()
    assert "活动类型" in dialog.error.text() and "至少选择一位" in dialog.error.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ActivityKind.INSPECTION))
    assert dialog.people.isColumnHidden(dialog.PASSED) and not dialog.assessed.isVisible()
    dialog.theme.setText("冬季供暖视察")
    dialog.place.setText("城关镇")
    dialog.day.setDate(QDate(2026, 11, 19))
    picker = dialog.picker()
    qtbot.addWidget(picker)
    assert picker.multiple
    picker.search.setText(picker.people[0][1])
    picker.search.returnPressed.emit()
    picker.search.setText(picker.people[1][1])
    picker.search.returnPressed.emit()
    assert len(picker.chosen_all) == 2 and "已勾选 2 人" in picker.error.text()
    dialog.add_picked(picker.chosen_all)
    assert dialog.tally.text() == "共 2 人，出席 2 人"
    dialog.people.item(1, dialog.PRESENT).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.tally.text() == "共 2 人，出席 1 人"
    dialog.save()
    assert dialog.result() == ActivityDialog.DialogCode.Accepted, dialog.error.text()
    detail = activities.activity_detail(demo_ctx, dialog.saved_id)
    assert (detail.kind, detail.day, detail.theme, detail.place) == ("视察调研", dt.date(2026, 11, 19), "冬季供暖视察",
                                                                     "城关镇")
    assert sorted(p.present for p in detail.participants) == [False, True]
    tab.refresh()
    assert tab.model.rowCount() == before + 1 and "冬季供暖视察" in column(tab, "主题")


def test_a_training_shows_who_passed_and_an_absent_person_cannot_pass(app, qtbot, demo_ctx):
    dialog = ActivityDialog(demo_ctx, today=DEMO_DAY)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ActivityKind.TRAINING))
    dialog.theme.setText("代表法培训")
    picker = dialog.picker()
    dialog.add_picked([p[0] for p in picker.people[:3]])
    assert dialog.people.isColumnHidden(dialog.PASSED)
    dialog.assessed.setChecked(True)
    assert not dialog.people.isColumnHidden(dialog.PASSED)
    dialog.people.item(1, dialog.PASSED).setCheckState(Qt.CheckState.Unchecked)
    dialog.people.item(2, dialog.PRESENT).setCheckState(Qt.CheckState.Unchecked)
    absent = dialog.people.item(2, dialog.PASSED)
    assert absent.checkState() == Qt.CheckState.Unchecked and not absent.flags() & Qt.ItemFlag.ItemIsEnabled
    assert [(p.present, p.passed) for p in dialog.value().participants] == [(True, True), (True, False), (False, None)]
    dialog.save()
    row, = [r for r in activities.list_activities(demo_ctx, DEMO_DAY, DEMO_DAY) if r.theme == "代表法培训"]
    assert (row.participants, row.present, row.passed) == (3, 2, 1)


def test_edit_opens_the_chosen_activity_and_void_asks_why(app, qtbot, demo_ctx, monkeypatch):
    tab = open_tab(qtbot, demo_ctx)
    select_row(tab.view, 0)
    first = tab.selected()
    opened = []
    monkeypatch.setattr(ActivityDialog, "exec", lambda self: opened.append(self) or 0)
    tab.edit()
    assert opened[0].theme.text() == first.theme and opened[0].people.rowCount() == first.participants
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("录错了", True)))
    tab.void()
    assert first.id not in {r.id for r in tab.rows}


def test_a_clerk_who_is_not_an_administrator_cannot_void(app, qtbot, demo_db):
    clerk = ServiceContext(demo_db, OperatorRef("clerk", "值班员", Role.CLERK))
    tab = open_tab(qtbot, clerk)
    assert tab.model.rowCount() and not tab.void_button.isEnabled() and tab.add_button.isEnabled()


def test_export_then_import_through_the_preview_changes_nothing(app, qtbot, demo_ctx, tmp_path, monkeypatch,
                                                                 _no_message_boxes):
    tab = open_tab(qtbot, demo_ctx)
    shown = tab.model.rowCount()
    path = tmp_path / "活动.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    tab.export_workbook()
    assert f"已导出 {shown} 次活动" in _no_message_boxes[-1][1]
    assert load_workbook(path).active.max_row == shown + 2  # the title, the header, a row an activity
    preview = activities.preview_activity_import(demo_ctx, path)
    dialog = tab.import_dialog(preview)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()  # nothing to add or change
    assert f"不变 {shown}" in preview.summary()


@pytest.mark.parametrize("content", [b"", b"not a workbook"])
def test_a_bad_file_is_refused_with_its_name(app, qtbot, demo_ctx, tmp_path, monkeypatch, _no_message_boxes, content):
    tab = open_tab(qtbot, demo_ctx)
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    tab.import_workbook()
    assert _no_message_boxes[-1][0] == "导入履职活动" and "坏文件.xlsx" in _no_message_boxes[-1][1]
