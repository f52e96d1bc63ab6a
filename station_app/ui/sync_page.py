"""县站同步 page. At a station: export the sync workbook for the county (since the last export, a period, or the
last one again) and the list of past exports. In county mode: merge the stations' workbooks (many at once) with
the summary per file, and export the registry and holidays for the stations.

Every rule is in ``services.sync``; the page shows what it answers.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.excel import WorkbookError
from station_app.io.files import FileWriteError
from station_app.services import sync
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.sync import FileSummary, PastExport
from station_app.ui.subsidy_page import date_edit
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import TablePane, error_box, make_table

NOTE_STYLE = "color:#616161;"
REFUSED_BACKGROUND = "#ffebee"
#: what the export sends: its key, and the words of the choice
EXPORT_CHOICES = (("since_last", "上次导出以来的变动"), ("period", "一段期间内的变动"), ("resend", "重新发送上次"))


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def describe_export(export: PastExport) -> str:
    """What an export covered, in a few words."""
    if export.period_start is not None:
        text = tr("{start} 至 {end} 的变动", start=export.period_start, end=export.period_end)
    elif export.since is not None:
        text = tr("{since} 以后的变动", since=_when(export.since))
    else:
        text = tr("全部记录")
    return tr("{what}（重新发送）", what=text) if export.resent else text


class SummaryModel(RowTableModel):
    """A refused file's row in a light red."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and self.row_at(index.row()).refused:
            return QBrush(QColor(REFUSED_BACKGROUND))
        return super().data(index, role)


def _result(summary: FileSummary) -> str:
    return tr("拒绝：{reason}", reason=summary.reason) if summary.refused else tr("已合并")


SUMMARY_COLUMNS = [
    TableColumn(tr("文件"), lambda s: s.path.name, 160),
    TableColumn(tr("站点"), lambda s: s.station_name or s.station_code, 190),
    TableColumn(tr("新增"), lambda s: "" if s.refused else s.added, 64, True),
    TableColumn(tr("更新"), lambda s: "" if s.refused else s.updated, 64, True),
    TableColumn(tr("未变"), lambda s: "" if s.refused else s.unchanged, 64, True),
    TableColumn(tr("较旧忽略"), lambda s: "" if s.refused else s.older_ignored, 80, True),
    TableColumn(tr("结果"), _result, 300),
]
EXPORT_COLUMNS = [
    TableColumn(tr("导出时间（UTC）"), lambda e: _when(e.exported_at), 150),
    TableColumn(tr("内容"), describe_export, 260),
    TableColumn(tr("记录数"), lambda e: e.total, 80, True),
    TableColumn(tr("操作员"), lambda e: e.made_by, 90),
    TableColumn(tr("文件"), lambda e: e.path, 420),
]


class SyncPage(QWidget):
    def __init__(self, ctx: ServiceContext, today: dt.date | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.today = today
        self.summaries: list[FileSummary] = []
        layout = QVBoxLayout(self)
        self.mode_label = QLabel()
        self.mode_label.setWordWrap(True)
        self.mode_label.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.mode_label)

        # --- at a station ---
        self.station_box = QGroupBox(tr("向县里报送"))
        station = QVBoxLayout(self.station_box)
        row = QHBoxLayout()
        self.choice = QComboBox()
        for key, words in EXPORT_CHOICES:
            self.choice.addItem(tr(words), key)
        day = today or dt.date.today()
        self.start = date_edit(day.replace(day=1))
        self.end = date_edit(day)
        self.period_label = QLabel(tr("至"))
        self.export_button = QPushButton(tr("导出报送文件…"))
        row.addWidget(QLabel(tr("导出")))
        row.addWidget(self.choice)
        row.addWidget(self.start)
        row.addWidget(self.period_label)
        row.addWidget(self.end)
        row.addWidget(self.export_button)
        row.addStretch(1)
        self.import_registry_button = QPushButton(tr("导入县里的名册与节假日…"))
        row.addWidget(self.import_registry_button)
        station.addLayout(row)
        note = QLabel(tr("报送文件每张工作表是一类记录，带编号和修改时间；身份证号总是隐去中间几位，"
                         "电话除非在“设置”中允许也隐去。县里合并时，同一记录只以较新的为准。"))
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        station.addWidget(note)
        self.exports = RowTableModel(EXPORT_COLUMNS)
        exports_view = make_table(self.exports)
        exports_view.horizontalHeader().setStretchLastSection(True)
        self.exports_pane = TablePane(exports_view)
        station.addWidget(self.exports_pane, 1)
        layout.addWidget(self.station_box, 1)

        # --- in county mode ---
        self.county_box = QGroupBox(tr("县级汇总"))
        county = QVBoxLayout(self.county_box)
        row = QHBoxLayout()
        self.merge_button = QPushButton(tr("合并各站文件…"))
        self.registry_button = QPushButton(tr("导出名册与节假日…"))
        row.addWidget(self.merge_button)
        row.addWidget(self.registry_button)
        row.addStretch(1)
        county.addLayout(row)
        self.totals_label = QLabel()
        county.addWidget(self.totals_label)
        self.summary = SummaryModel(SUMMARY_COLUMNS)
        self.summary_view = make_table(self.summary)
        self.summary_view.setWordWrap(True)
        self.summary_view.horizontalHeader().setStretchLastSection(True)  # the reason wraps in what is left
        self.summary_pane = TablePane(self.summary_view)
        county.addWidget(self.summary_pane, 1)
        layout.addWidget(self.county_box, 1)

        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.export_button.clicked.connect(self.export_clicked)
        self.merge_button.clicked.connect(self.merge_clicked)
        self.registry_button.clicked.connect(self.registry_clicked)
        self.import_registry_button.clicked.connect(self.import_registry_clicked)
        self._choice_changed()
        self.refresh()

    # --- reading ---

    def refresh(self) -> None:
        county = sync.county_mode(self.ctx)
        self.station_box.setVisible(not county)
        self.county_box.setVisible(county)
        if county:
            self.mode_label.setText(tr("本机为县级汇总模式：合并各站报送的文件，并把代表名册与节假日发给各站。"))
            self.show_summaries(self.summaries)
        else:
            station = self.ctx.station
            self.mode_label.setText(tr("本站：{name}（{code}）。把本站的记录导出为报送文件交县人大；县里发来的代表名册与节假日"
                                       "在这里导入（按编号匹配，较新的为准）。", name=station.name, code=station.code)
                                    if station.configured else tr("本站尚未设置：请先在“设置”中填写本站名称和代码。"))
            past = sync.past_exports(self.ctx)
            self.exports.set_rows(past)
            self.exports_pane.show_rows(len(past), tr("还没有导出过报送文件。第一次导出包含本站的全部记录，"
                                                      "以后默认只导出上次以来新增或修改的记录。"))

    def show_summaries(self, summaries: list[FileSummary]) -> None:
        self.summaries = summaries
        self.summary.set_rows(summaries)
        self.summary_view.resizeRowsToContents()
        self.summary_pane.show_rows(len(summaries), tr("还没有合并文件。点“合并各站文件…”选择各站报送的 Excel 文件，"
                                                       "可一次选多个；每个文件单独处理，被拒绝的文件不写入任何记录。"))
        if summaries:
            refused = sum(s.refused for s in summaries)
            total = sync.totals(summaries)
            self.totals_label.setText(tr("共 {n} 个文件：合并 {ok} 个，拒绝 {bad} 个；新增 {added}，更新 {updated}，"
                                         "未变 {unchanged}，较旧忽略 {older}。", n=len(summaries),
                                         ok=len(summaries) - refused, bad=refused, added=total.added,
                                         updated=total.updated, unchanged=total.unchanged, older=total.older_ignored))
            self.totals_label.setStyleSheet("color:#c62828; font-weight:bold;" if refused else "font-weight:bold;")
        else:
            self.totals_label.setText("")

    def _choice_changed(self) -> None:
        period = self.choice.currentData() == "period"
        for widget in (self.start, self.period_label, self.end):
            widget.setVisible(period)

    # --- doing ---

    def export(self, path: Path) -> sync.ExportResult | None:
        choice = self.choice.currentData()
        start = end = None
        if choice == "period":
            start, end = self.start.date().toPython(), self.end.date().toPython()
        try:
            result = sync.export_changes(self.ctx, path, start=start, end=end, resend=choice == "resend")
        except (StationError, WorkbookError, FileWriteError) as exc:
            error_box(self, tr("导出报送文件"), exc)
            return None
        self.refresh()
        return result

    def export_clicked(self) -> None:
        station = self.ctx.station
        day = self.today or dt.date.today()
        name = tr("{code}报送{day}.xlsx", code=station.code, day=day.strftime("%Y%m%d"))
        path, _ = QFileDialog.getSaveFileName(self, tr("导出报送文件"), name, tr("Excel 文件 (*.xlsx)"))
        if path:
            result = self.export(Path(path))
            if result is not None:
                QMessageBox.information(self, tr("导出报送文件"),
                                        tr("已导出 {n} 条记录到 {path}。", n=result.total, path=result.path))

    def merge(self, paths: list[Path]) -> list[FileSummary]:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            summaries = sync.merge_files(self.ctx, paths)
        except StationError as exc:
            error_box(self, tr("合并各站文件"), exc)
            return []
        finally:
            QApplication.restoreOverrideCursor()
        self.show_summaries(summaries)
        return summaries

    def merge_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("选择各站的报送文件"), "", tr("Excel 文件 (*.xlsx)"))
        if paths:
            self.merge([Path(p) for p in paths])

    def export_registry(self, path: Path) -> sync.ExportResult | None:
        try:
            return sync.export_registry(self.ctx, path)
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出名册与节假日"), exc)
            return None

    def registry_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("导出名册与节假日"), tr("代表名册与节假日.xlsx"),
                                              tr("Excel 文件 (*.xlsx)"))
        if path:
            result = self.export_registry(Path(path))
            if result is not None:
                QMessageBox.information(self, tr("导出名册与节假日"),
                                        tr("已导出 {n} 条记录到 {path}，各站用“县站同步”或 sync registry-import 导入。",
                                           n=result.total, path=result.path))

    def import_registry(self, path: Path) -> FileSummary:
        summary = sync.merge_registry(self.ctx, path)
        if summary.refused:
            QMessageBox.warning(self, tr("导入县里的名册与节假日"), summary.reason)
        return summary

    def import_registry_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("导入县里的名册与节假日"), "", tr("Excel 文件 (*.xlsx)"))
        if path:
            summary = self.import_registry(Path(path))
            if not summary.refused:
                QMessageBox.information(self, tr("导入县里的名册与节假日"), tr(
                    "新增 {added}，更新 {updated}，未变 {unchanged}，较旧忽略 {older}。", added=summary.added,
                    updated=summary.updated, unchanged=summary.unchanged, older=summary.older_ignored))
