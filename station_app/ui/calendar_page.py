"""节假日与闭站 page: the official holidays and make-up working days per year, and station closure days."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr, weekday
from station_app.io.files import FileWriteError
from station_app.services import work_calendar
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.work_calendar import HOLIDAY_NAMES, WorkCalendar
from station_app.ui.forms import FieldSpec, FormDialog, ask_void_reason
from station_app.ui.import_dialog import ImportDialog, open_and_preview
from station_app.ui.table_model import Index, RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, error_box, make_table
from station_app.vocab import CalendarKind, HolidayBasis

WARNING_STYLE = ("QLabel { color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0;"
                 " border-radius: 4px; padding: 8px 12px; }")
SOURCE_STYLE = "color: #616161; padding: 2px 2px;"
KIND_COLOURS = {CalendarKind.HOLIDAY: "#c62828", CalendarKind.MAKE_UP: "#1565c0"}
ESTIMATED_COLOUR = "#e65100"  # an estimated day off (推定): not in the table, the orange of a warning


def kind_text(row: work_calendar.CalendarDayRow) -> str:
    """节假日, 调休上班, or 节假日（推定） for a day off estimated before the State Council's notice."""
    if row.estimated:
        return tr("{kind}（{mark}）", kind=row.kind.label, mark=HolidayBasis.ESTIMATED.label)
    return row.kind.label


class CalendarDayModel(RowTableModel):
    """The holiday table; the kind column is coloured so days off and make-up days stand apart, and the
    estimated days off of a year without official data in another colour."""

    KIND_COLUMN = 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == self.KIND_COLUMN:
            row = self.rows[index.row()]
            colour = ESTIMATED_COLOUR if row.estimated else KIND_COLOURS.get(row.kind)
            return QBrush(QColor(colour)) if colour else None
        return super().data(index, role)


class CalendarPage(QWidget):
    """Year selector over two tabs: 节假日与调休上班 (the table the rosters follow) and 闭站日 per station."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, year: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.calendar = WorkCalendar()

        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year or dt.date.today().year)
        self.year.setMinimumWidth(90)
        self.source = QLabel()
        self.source.setStyleSheet(SOURCE_STYLE)
        self.source.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.setObjectName("calendar_warning")

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("年份")))
        top.addWidget(self.year)
        top.addSpacing(12)
        top.addWidget(self.source, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_days_tab(), tr("节假日与调休上班"))
        self.tabs.addTab(self._build_closures_tab(), tr("闭站日"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        layout.addWidget(self.tabs, 1)

        self.year.valueChanged.connect(self.refresh)
        self.reload_stations()
        self.refresh()

    # --- layout -------------------------------------------------------------------------------

    def _build_days_tab(self) -> QWidget:
        columns = [
            TableColumn(tr("日期"), lambda r: r.day.isoformat(), 120, True),
            TableColumn(tr("星期"), lambda r: weekday(r.day.weekday(), short=True), 70, True),
            TableColumn(tr("类型"), kind_text, 130, True),
            TableColumn(tr("名称"), lambda r: r.name, 200),
        ]
        self.days_model = CalendarDayModel(columns)
        self.days_view = make_table(self.days_model)
        self.days_pane = TablePane(self.days_view)
        self.days_count = QLabel()
        self.days_count.setStyleSheet("color:#616161;")
        self.add_day_button = QPushButton(tr("新增"))
        self.void_day_button = QPushButton(tr("作废"))
        self.seed_button = QPushButton(tr("从官方数据导入"))
        self.import_button = QPushButton(tr("导入 Excel…"))
        self.export_button = QPushButton(tr("导出 Excel…"))
        bar = FlowLayout()
        bar.addWidget(self.add_day_button)
        bar.addWidget(self.void_day_button)
        bar.addSpacing(12)
        bar.addWidget(self.days_count)
        bar.addStretch(1)
        for button in (self.seed_button, self.import_button, self.export_button):
            bar.addWidget(button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(bar)
        layout.addWidget(self.days_pane, 1)
        self.add_day_button.clicked.connect(self.add_day)
        self.void_day_button.clicked.connect(self.void_day)
        self.seed_button.clicked.connect(self.seed)
        self.import_button.clicked.connect(self.import_workbook)
        self.export_button.clicked.connect(self.export_workbook)
        return tab

    def _build_closures_tab(self) -> QWidget:
        columns = [
            TableColumn(tr("日期"), lambda r: r.day.isoformat(), 120, True),
            TableColumn(tr("星期"), lambda r: weekday(r.day.weekday(), short=True), 70, True),
            TableColumn(tr("闭站原因"), lambda r: r.reason, 300),
        ]
        self.closure_model = RowTableModel(columns)
        self.closure_view = make_table(self.closure_model)
        self.closure_pane = TablePane(self.closure_view)
        self.station = QComboBox()
        self.station.setMinimumWidth(260)
        self.station.setPlaceholderText(tr("（还没有站点）"))
        self.add_closure_button = QPushButton(tr("新增闭站日"))
        self.void_closure_button = QPushButton(tr("作废"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("联络站")))
        bar.addWidget(self.station)
        bar.addSpacing(12)
        bar.addWidget(self.add_closure_button)
        bar.addWidget(self.void_closure_button)
        bar.addStretch(1)
        note = QLabel(tr("闭站日不排班；已排好的班次请在重新生成排班后核对。"))
        note.setStyleSheet("color:#757575;")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(bar)
        layout.addWidget(self.closure_pane, 1)
        layout.addWidget(note)
        self.station.currentIndexChanged.connect(self.refresh_closures)
        self.add_closure_button.clicked.connect(self.add_closure)
        self.void_closure_button.clicked.connect(self.void_closure)
        return tab

    def showEvent(self, event: QShowEvent) -> None:
        # Stations are added on another page; pick them up whenever this page comes back.
        self.reload_stations()
        super().showEvent(event)

    # --- holidays -----------------------------------------------------------------------------

    def refresh(self) -> None:
        year = self.year.value()
        self.calendar = work_calendar.load_work_calendar(self.ctx)
        rows = work_calendar.list_calendar_days(self.ctx, year, with_estimates=True)
        self.days_model.set_rows(rows)
        estimated = any(r.estimated for r in rows)
        holidays = sum(1 for r in rows if r.kind == CalendarKind.HOLIDAY)
        makeups = len(rows) - holidays
        if estimated:
            self.days_count.setText(tr("推定节假日 {h} 天，调休上班待国务院通知", h=holidays))
        else:
            self.days_count.setText(tr("节假日 {h} 天，调休上班 {m} 天", h=holidays, m=makeups) if rows else "")
        covered = work_calendar.package_covers(year)
        if self.calendar.uses_table(year):
            self.source.setText(tr("{year} 年以本表为准：表中的节假日不排班，调休上班日照常排班。", year=year))
            hint = ""
        elif covered:
            self.source.setText(tr("{year} 年暂用程序内置的国务院节假日安排。", year=year))
            hint = tr("{year} 年的节假日暂用程序内置的官方数据，还没有复制到本表。\n"
                      "点击右上方“从官方数据导入”复制后，即可在这里查看和修改。", year=year)
        else:
            self.source.setText(tr("{year} 年暂按放假办法和农历推定节假日（下表标“{mark}”的日子）；"
                                   "录入或导入国务院通知的第一天起，本年改以本表为准。",
                                   year=year, mark=HolidayBasis.ESTIMATED.label))
            hint = tr("{year} 年还没有节假日数据。\n国务院公布当年的节假日安排后，点击“新增”逐日录入，"
                      "或点击“导入 Excel…”导入（列：日期、类型、名称）。", year=year)
        self.days_pane.show_rows(len(rows), hint)
        has_data = self.calendar.has_official_data(year)
        self.warning.setText("" if has_data else tr(
            "{year} 年还没有官方节假日安排，排班暂按放假办法和农历推定的节假日（标“{mark}”，不含调休上班）。"
            "国务院公布后，请点击“新增”补录或“导入 Excel…”导入，再重新生成排班。",
            year=year, mark=HolidayBasis.ESTIMATED.label))
        self.warning.setVisible(not has_data)
        self.seed_button.setEnabled(covered)
        self.seed_button.setToolTip("" if covered else tr(
            "程序内置的官方数据只到 {last} 年", last=work_calendar.PACKAGE_LAST_YEAR))
        self.void_day_button.setEnabled(any(not r.estimated for r in rows))
        self.refresh_closures()

    def selected_day(self):
        """The selected row of the table (an estimated day is not a row of it: None)."""
        indexes = self.days_view.selectionModel().selectedRows()
        row = self.days_model.row_at(indexes[0].row()) if indexes else None
        return None if row is None or row.estimated else row

    def day_dialog(self) -> FormDialog:
        year = self.year.value()
        specs = [
            FieldSpec("day", tr("日期"), required=True,
                      placeholder=tr("如：{year}-01-01 或 {year}年1月1日", year=year)),
            FieldSpec("kind", tr("类型"), "choice", list(CalendarKind), required=True),
            FieldSpec("name", tr("名称"), "editable", ("",) + HOLIDAY_NAMES),
        ]
        values = {"day": "", "kind": CalendarKind.HOLIDAY.value, "name": ""}

        def save(form: dict) -> str:
            return work_calendar.add_calendar_day(self.ctx, form["day"], form["kind"], form["name"])

        dialog = FormDialog(tr("新增节假日或调休上班日"), specs, values, save, self)
        note = QLabel(tr("节假日：放假不排班（含周末）；调休上班：周六或周日照常上班、排班。"))
        note.setStyleSheet("color:#757575;")
        note.setWordWrap(True)
        dialog.layout().insertWidget(1, note)
        return dialog

    def add_day(self) -> None:
        dialog = self.day_dialog()
        if dialog.exec():
            added = work_calendar.parse_day(dialog.values()["day"])
            if added is not None and added.year != self.year.value():
                self.year.setValue(added.year)  # refreshes
            else:
                self.refresh()
            self.changed.emit()

    def void_day(self) -> None:
        row = self.selected_day()
        if row is None:
            QMessageBox.information(self, tr("作废"), tr("请先在表格中选中要作废的日子。"))
            return
        reason = ask_void_reason(self, f"{row.day.isoformat()} {row.name or row.kind.label}")
        if reason is None:
            return
        try:
            work_calendar.void_calendar_day(self.ctx, row.id, reason)
        except StationError as exc:
            error_box(self, tr("作废"), exc)
        self.refresh()
        self.changed.emit()

    def seed(self) -> None:
        year = self.year.value()
        try:
            added = work_calendar.seed_from_package(self.ctx, [year])
        except StationError as exc:
            error_box(self, tr("从官方数据导入"), exc)
            return
        self.refresh()
        if added:
            self.changed.emit()
            QMessageBox.information(self, tr("从官方数据导入"),
                                    tr("已从内置官方数据复制 {year} 年的 {n} 天。", year=year, n=added))
        else:
            QMessageBox.information(self, tr("从官方数据导入"),
                                    tr("{year} 年的官方数据都已在表中（作废过的日子不会恢复）。", year=year))

    def import_workbook(self) -> None:
        preview = open_and_preview(self, tr("选择节假日安排 Excel 文件"), tr("导入节假日安排"),
                                   lambda path: work_calendar.preview_calendar_import(self.ctx, path))
        if preview is None:
            return
        dialog = ImportDialog(preview, lambda skip: work_calendar.commit_calendar_import(
            self.ctx, preview, skip_refused=skip), title=tr("导入节假日安排"), label_header=tr("日期"), parent=self)
        if not dialog.exec() or dialog.result is None:
            return
        result = dialog.result
        if result.years and self.year.value() not in result.years:
            self.year.setValue(result.years[0])
        else:
            self.refresh()
        self.changed.emit()
        QMessageBox.information(self, tr("导入节假日安排"), tr("导入完成：{summary}", summary=result.summary()))

    def export_workbook(self) -> None:
        year = self.year.value()
        name, _ = QFileDialog.getSaveFileName(self, tr("导出节假日安排"), tr("{year}年节假日安排.xlsx", year=year),
                                              tr("Excel 工作簿 (*.xlsx)"))
        if not name:
            return
        try:
            count = work_calendar.export_calendar_days(self.ctx, Path(name), year)
        except (FileWriteError, StationError) as exc:
            error_box(self, tr("导出节假日安排"), exc)
            return
        QMessageBox.information(self, tr("导出节假日安排"), tr("已导出 {n} 天到\n{file}", n=count, file=name))

    # --- closures -----------------------------------------------------------------------------

    def reload_stations(self) -> None:
        stations = work_calendar.closure_stations(self.ctx)
        current = self.station.currentData()
        self.station.blockSignals(True)
        self.station.clear()
        for station in stations:
            self.station.addItem(station.name, station.id)
        self.station.setCurrentIndex(max(0, self.station.findData(current)))
        self.station.blockSignals(False)
        self.refresh_closures()

    def refresh_closures(self) -> None:
        station_id = self.station.currentData()
        year = self.year.value()
        rows = []
        if station_id is None:
            hint = tr("还没有站点。\n请先在“代表名册 › 联络站”中添加本县的联络站。")
        else:
            rows = work_calendar.list_closures(self.ctx, station_id, year)
            hint = tr("{station} {year} 年没有闭站日。\n站点因维修、停电等原因闭站时，点击“新增闭站日”登记，排班会跳过这些日子。",
                      station=self.station.currentText(), year=year)
        self.closure_model.set_rows(rows)
        self.closure_pane.show_rows(len(rows), hint)
        self.station.setEnabled(self.station.count() > 0)
        self.add_closure_button.setEnabled(station_id is not None)
        self.void_closure_button.setEnabled(bool(rows))

    def closure_dialog(self) -> FormDialog:
        station_id = self.station.currentData()
        specs = [
            FieldSpec("day", tr("日期"), required=True,
                      placeholder=tr("如：{year}-01-01 或 {year}年1月1日", year=self.year.value())),
            FieldSpec("reason", tr("闭站原因"), placeholder=tr("如：场地维修、停电")),
        ]

        def save(form: dict) -> str:
            return work_calendar.add_closure(self.ctx, station_id, form["day"], form["reason"])

        return FormDialog(tr("新增闭站日：{station}", station=self.station.currentText()), specs,
                          {"day": "", "reason": ""}, save, self)

    def add_closure(self) -> None:
        if self.station.currentData() is None:
            return
        dialog = self.closure_dialog()
        if dialog.exec():
            added = work_calendar.parse_day(dialog.values()["day"])
            if added is not None and added.year != self.year.value():
                self.year.setValue(added.year)
            else:
                self.refresh_closures()
            self.changed.emit()

    def void_closure(self) -> None:
        indexes = self.closure_view.selectionModel().selectedRows()
        if not indexes:
            QMessageBox.information(self, tr("作废"), tr("请先在表格中选中要作废的闭站日。"))
            return
        row = self.closure_model.row_at(indexes[0].row())
        reason = ask_void_reason(self, tr("{station} {day} 闭站", station=self.station.currentText(),
                                          day=row.day.isoformat()))
        if reason is None:
            return
        try:
            work_calendar.void_closure(self.ctx, row.id, reason)
        except StationError as exc:
            error_box(self, tr("作废"), exc)
        self.refresh_closures()
        self.changed.emit()
