from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from PySide6.QtWidgets import QComboBox, QFileDialog

from station_app.services import registry, work_calendar
from station_app.services.registry import StationInput
from station_app.services.work_calendar import WorkCalendar
from station_app.ui.calendar_page import CalendarPage
from station_app.ui.forms import FormDialog
from station_app.ui.import_dialog import ImportDialog
from station_app.ui.widgets import select_row
from station_app.vocab import CalendarKind


def make_page(qtbot, ctx, year: int) -> CalendarPage:
    page = CalendarPage(ctx, year=year)
    qtbot.addWidget(page)
    return page


def import_pressed(previews: list):
    """A stand-in for ImportDialog.exec: note the preview shown, press 导入, report what exec would return."""
    def exec_(self):
        previews.append(self.preview)
        self.apply()
        return self.result is not None
    return exec_


def fill_and_save(values: dict[str, str]):
    """A stand-in for FormDialog.exec: type the values, press 保存, report what exec would return."""
    def exec_(self):
        for key, value in values.items():
            widget = self.widgets[key]
            if isinstance(widget, QComboBox):
                widget.setCurrentText(value)
            else:
                widget.setText(value)
        self.save()
        return self.result()
    return exec_


def test_the_page_shows_a_year_of_the_table_with_weekday_and_kind(app, qtbot, ctx):
    work_calendar.seed_from_package(ctx, [2026])
    page = make_page(qtbot, ctx, 2026)
    rows = [[page.days_model.index(r, c).data() for c in range(4)] for r in range(page.days_model.rowCount())]
    assert ["2026-02-14", "周六", "调休上班", "春节"] in rows
    assert ["2026-10-01", "周四", "节假日", "国庆节"] in rows
    assert page.days_pane.stack.currentWidget() is page.days_view
    assert "以本表为准" in page.source.text()


def test_the_warning_shows_for_a_year_without_data_and_hides_for_one_with_it(app, qtbot, ctx):
    page = make_page(qtbot, ctx, 2027)
    assert not page.warning.isHidden()
    assert "2027 年还没有官方节假日安排" in page.warning.text() and "推定" in page.warning.text()
    assert not page.seed_button.isEnabled()
    page.year.setValue(2026)
    assert page.warning.isHidden()
    # 2026 is covered by the built-in data but not yet in the table: the hint says how to copy it.
    assert "从官方数据导入" in page.days_pane.hint.text()
    assert page.seed_button.isEnabled()


def test_seeding_from_the_page_fills_the_selected_year(app, qtbot, ctx, _no_message_boxes):
    page = make_page(qtbot, ctx, 2025)
    page.seed()
    assert page.days_model.rowCount() == len(work_calendar.package_days(2025))
    assert "2025 年" in _no_message_boxes[-1][1]
    page.seed()
    assert "都已在表中" in _no_message_boxes[-1][1]


def test_adding_a_day_through_the_dialog_adds_a_row_and_ends_the_warning(app, qtbot, ctx, monkeypatch):
    page = make_page(qtbot, ctx, 2027)
    changed = []
    page.changed.connect(lambda: changed.append(True))
    monkeypatch.setattr(FormDialog, "exec", fill_and_save({"day": "2027年1月1日", "kind": CalendarKind.HOLIDAY, "name": "元旦"}))
    page.add_day()
    assert page.days_model.rowCount() == 1
    assert [page.days_model.index(0, c).data() for c in range(4)] == ["2027-01-01", "周五", "节假日", "元旦"]
    assert page.warning.isHidden() and changed


def test_the_add_dialog_shows_a_wrong_date_beside_the_field_and_stays_open(app, qtbot, db, ctx):
    page = make_page(qtbot, ctx, 2027)
    dialog = page.day_dialog()
    qtbot.addWidget(dialog)
    dialog.widgets["day"].setText("2027-01-06")
    dialog.widgets["kind"].setCurrentText("调休上班")
    dialog.save()
    assert dialog.result() == 0
    assert "周三" in dialog.errors["day"].text()
    dialog.widgets["day"].setText("2027-01-09")
    dialog.save()
    assert dialog.result() == 1
    with db.session() as s:
        assert WorkCalendar.load(s).is_makeup_day(dt.date(2027, 1, 9))


def test_voiding_a_day_from_the_page_asks_a_reason_and_removes_the_row(app, qtbot, ctx, monkeypatch):
    work_calendar.add_calendar_day(ctx, "2027-01-01", CalendarKind.HOLIDAY, "元旦")
    page = make_page(qtbot, ctx, 2027)
    select_row(page.days_view, 0)
    monkeypatch.setattr("station_app.ui.calendar_page.ask_void_reason", lambda _parent, what: "录错" if "元旦" in what else None)
    page.void_day()
    assert not page.warning.isHidden()
    # 2027 has no official data again: the estimated days come back, and none of them is a row to void
    assert page.days_model.rowCount() == len(work_calendar.estimated_days(2027))
    assert all(row.estimated for row in page.days_model.rows) and not page.void_day_button.isEnabled()


def test_importing_a_list_from_the_page_moves_to_its_year(app, qtbot, ctx, tmp_path, monkeypatch, _no_message_boxes):
    path = tmp_path / "2027安排.xlsx"
    wb = Workbook()
    wb.active.append(["日期", "类型", "名称"])
    wb.active.append(["2027-01-01", "休", "元旦"])
    wb.save(path)
    page = make_page(qtbot, ctx, 2026)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    previews = []
    monkeypatch.setattr(ImportDialog, "exec", import_pressed(previews))
    page.import_workbook()
    assert [(row.label, row.action) for row in previews[0].rows] == [("2027-01-01", "新增")]
    assert page.year.value() == 2027 and page.days_model.rowCount() == 1
    assert "新增 1 天" in _no_message_boxes[-1][1]


def test_the_import_preview_can_leave_out_refused_rows_and_reports_skipped_ones(app, qtbot, ctx, tmp_path,
                                                                               monkeypatch, _no_message_boxes):
    path = tmp_path / "有错的安排.xlsx"
    wb = Workbook()
    wb.active.append(["日期", "类型", "名称"])
    wb.active.append(["2027-01-01", "休", "元旦"])
    wb.active.append(["2027-13-01", "休", "元旦"])
    wb.active.append(["合计", "", ""])
    wb.save(path)
    page = make_page(qtbot, ctx, 2027)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    shown = []

    def exec_(dialog):
        shown.append(dialog)
        assert not dialog.import_button.isEnabled() and dialog.skip_bad.isVisibleTo(dialog)
        dialog.skip_bad.setChecked(True)
        dialog.apply()
        return dialog.result is not None

    monkeypatch.setattr(ImportDialog, "exec", exec_)
    page.import_workbook()
    lines = shown[0].preview.report_lines()
    assert any("第 3 行" in line and "2027-13-01" in line for line in lines)
    assert any("第 4 行" in line and "合计" in line for line in lines)
    assert page.days_model.rowCount() == 1
    assert "新增 1 天" in _no_message_boxes[-1][1] and "1 行" in _no_message_boxes[-1][1]


def test_closures_are_shown_per_station_and_added_through_the_dialog(app, qtbot, db, ctx, monkeypatch):
    page = make_page(qtbot, ctx, 2026)
    assert not page.add_closure_button.isEnabled()
    assert "还没有站点" in page.closure_pane.hint.text()
    first = registry.save_station(ctx, StationInput(name="城关镇代表联络站", code="CGZ"))
    registry.save_station(ctx, StationInput(name="南湖镇代表联络站", code="NHZ"))
    work_calendar.add_closure(ctx, first, "2026-12-01", "场地维修")
    page.reload_stations()
    assert page.station.currentText() == "城关镇代表联络站"
    assert page.closure_model.rowCount() == 1 and page.closure_model.index(0, 2).data() == "场地维修"
    page.station.setCurrentIndex(1)
    assert page.closure_model.rowCount() == 0 and "南湖镇代表联络站 2026 年没有闭站日" in page.closure_pane.hint.text()
    monkeypatch.setattr(FormDialog, "exec", fill_and_save({"day": "2026-12-08", "reason": "停电"}))
    page.add_closure()
    assert [page.closure_model.index(0, c).data() for c in (0, 2)] == ["2026-12-08", "停电"]
    select_row(page.closure_view, 0)
    monkeypatch.setattr("station_app.ui.calendar_page.ask_void_reason", lambda _parent, _what: "恢复供电")
    page.void_closure()
    assert page.closure_model.rowCount() == 0


def rows_of(page: CalendarPage) -> list[list[str]]:
    return [[page.days_model.index(r, c).data() for c in range(4)] for r in range(page.days_model.rowCount())]


def test_a_year_without_data_lists_its_estimated_days_off_marked_and_not_to_be_voided(app, qtbot, ctx):
    page = make_page(qtbot, ctx, 2027)
    rows = rows_of(page)
    assert ["2027-02-05", "周五", "节假日（推定）", "除夕"] in rows
    assert ["2027-02-10", "周三", "节假日（推定）", "春节（补假）"] in rows
    assert ["2027-10-01", "周五", "节假日（推定）", "国庆节"] in rows
    assert all(kind == "节假日（推定）" for _day, _weekday, kind, _name in rows)
    assert page.days_pane.stack.currentWidget() is page.days_view
    assert "推定" in page.source.text() and "推定节假日 19 天" in page.days_count.text()
    assert not page.void_day_button.isEnabled()
    select_row(page.days_view, 0)
    assert page.selected_day() is None  # an estimated day is not a row of the table
    page.year.setValue(2026)
    assert not any("推定" in kind for _day, _weekday, kind, _name in rows_of(page))


def test_importing_the_notice_on_the_page_replaces_the_estimated_days(app, qtbot, ctx, tmp_path, monkeypatch):
    path = tmp_path / "2027年放假安排.xlsx"
    wb = Workbook()
    wb.active.append(["日期", "类型", "名称"])
    for day in range(5, 14):
        wb.active.append([f"2027-02-{day:02d}", "休", "春节"])
    wb.active.append(["2027-02-20", "上班", "春节"])
    wb.save(path)
    page = make_page(qtbot, ctx, 2027)
    assert ["2027-02-20", "周六", "调休上班", "春节"] not in rows_of(page)
    assert ["2027-02-09", "周二", "节假日（推定）", "春节（补假）"] in rows_of(page)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(ImportDialog, "exec", import_pressed([]))
    page.import_workbook()
    rows = rows_of(page)
    assert len(rows) == 10 and ["2027-02-20", "周六", "调休上班", "春节"] in rows
    assert not any("推定" in kind for _day, _weekday, kind, _name in rows)
    assert page.warning.isHidden() and "以本表为准" in page.source.text()
    assert page.void_day_button.isEnabled()


def test_the_roster_month_view_marks_the_estimated_days_off(app, qtbot, demo_ctx):
    from station_app.services import roster_generation, roster_plans
    from station_app.ui.roster_page import ESTIMATED_COLOUR, RosterPage

    plan = next(plan.id for plan in roster_plans.list_plans(demo_ctx) if plan.name == "周三代表活动日")
    roster_generation.generate(demo_ctx, plan, dt.date(2027, 2, 1), dt.date(2027, 2, 28), today=dt.date(2026, 12, 1))
    page = RosterPage(demo_ctx)
    qtbot.addWidget(page)
    page.year, page.month = 2027, 2
    page.reload_plans(select=plan)

    def cell(day: int) -> str:
        row, column = next(k for k, v in page.grid.days.items() if v == dt.date(2027, 2, day))
        return page.grid.cellWidget(row, column).text()

    assert "春节（补假，推定）" in cell(10) and ESTIMATED_COLOUR in cell(10)
    assert "除夕（推定）" in cell(5) and "推定" not in cell(17)
    assert "推定" in page.warning.text() and page.warning.isVisibleTo(page)
    page.grid.cellClicked.emit(*next(k for k, v in page.grid.days.items() if v == dt.date(2027, 2, 10)))
    assert "春节（补假，推定）" in page.day_title.text()
