"""审计日志 — who changed what and when, before and after; filter by record, person and days. Read-only.

The list is fetched a page at a time as it scrolls (``AuditModel.fetchMore``), so a log of 100,000 rows
opens at once. The page is in the navigation of a 管理员 only; the service refuses anyone else too.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.services import audit_trail
from station_app.services.audit_trail import AuditEntry, AuditFilter
from station_app.services.context import ServiceContext
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import TablePane, fit_columns, make_table, today_of
from station_app.vocab import AuditAction

Index = QModelIndex | QPersistentModelIndex

def columns() -> list[TableColumn]:
    return [
        TableColumn(tr("时间"), lambda e: e.at.strftime("%Y-%m-%d %H:%M:%S"), 160, True),
        TableColumn(tr("操作员"), lambda e: e.operator, 110),
        TableColumn(tr("记录"), lambda e: e.table_label, 100),
        TableColumn(tr("编号"), lambda e: e.record_id[:8], 90),
        TableColumn(tr("操作"), lambda e: e.action.label, 70, True),
        TableColumn(tr("内容"), lambda e: e.summary, 400),
    ]


class AuditModel(RowTableModel):
    """The log's rows, newest first, a page at a time: Qt asks ``fetchMore`` as the view scrolls down."""

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(columns())
        self.ctx = ctx
        self.filter = AuditFilter()
        self.total = 0

    def load(self, flt: AuditFilter) -> None:
        """The first page of what ``flt`` matches."""
        self.filter = flt
        page = audit_trail.search(self.ctx, flt)
        self.total = page.total
        self.set_rows(page.entries)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        page = audit_trail.search(self.ctx, self.filter, offset=len(self.rows))
        if not page.entries:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.entries) - 1)
        self.rows.extend(page.entries)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 3:
            return self.rows[index.row()].record_id
        return super().data(index, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Always newest first: the rows come a page at a time, so a sort would order only those fetched."""


class AuditPage(QWidget):
    """The 审计日志 page of the main window."""

    def __init__(self, ctx: ServiceContext, today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today_of(today)
        self.table = QComboBox()
        self.table.setMinimumWidth(130)
        self.record = QLineEdit()
        self.record.setPlaceholderText(tr("编号或其开头"))
        self.record.setClearButtonEnabled(True)
        self.record.setMaximumWidth(220)
        self.operator = QComboBox()
        self.operator.setMinimumWidth(130)
        self.by_date = QCheckBox(tr("日期"))
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        day = self.today()
        self.start.setDate(QDate(day.year, day.month, 1))
        self.end.setDate(QDate(day.year, day.month, day.day))
        self.search_button = QPushButton(tr("查询"))
        self.clear_button = QPushButton(tr("清除筛选"))
        bar = QHBoxLayout()
        for widget in (QLabel(tr("记录")), self.table, self.record, QLabel(tr("操作员")), self.operator,
                       self.by_date, self.start, QLabel("—"), self.end, self.search_button, self.clear_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.count = QLabel()
        self.count.setStyleSheet("color:#616161;")
        note = QLabel(tr("审计日志只能查看：程序不提供修改或删除日志的途径。"))
        note.setStyleSheet("color:#616161;")
        info = QHBoxLayout()
        info.addWidget(self.count)
        info.addStretch(1)
        info.addWidget(note)

        self.model = AuditModel(ctx)
        self.view = make_table(self.model)
        self.view.setSortingEnabled(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pane = TablePane(self.view)
        self.detail_title = QLabel()
        self.detail_title.setStyleSheet("font-weight: bold;")
        self.detail = QTableWidget(0, 3)
        self.detail.setHorizontalHeaderLabels([tr("字段"), tr("之前"), tr("之后")])
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.verticalHeader().setVisible(False)
        fit_columns(self.detail.horizontalHeader(), [140, 300, 300])
        for column in (1, 2):
            self.detail.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.detail_title)
        below_layout.addWidget(self.detail, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.pane)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(info)
        layout.addWidget(splitter, 1)

        self.by_date.toggled.connect(self.start.setEnabled)
        self.by_date.toggled.connect(self.end.setEnabled)
        self.search_button.clicked.connect(self.refresh)
        self.record.returnPressed.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _previous: self.show_entry(current.row()))
        self.reload_choices()
        self.refresh()

    def reload_choices(self) -> None:
        """The tables and the people that appear in the log, for the filters (keeping what is chosen)."""
        table, operator = self.table.currentData(), self.operator.currentData()
        for combo, items in ((self.table, audit_trail.tables(self.ctx)),
                             (self.operator, [(name, name) for name in audit_trail.operators(self.ctx)])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("全部"), "")
            for value, text in items:
                combo.addItem(text, value)
            combo.blockSignals(False)
        self.table.setCurrentIndex(max(0, self.table.findData(table)))
        self.operator.setCurrentIndex(max(0, self.operator.findData(operator)))

    def current_filter(self) -> AuditFilter:
        start = end = None
        if self.by_date.isChecked():
            start, end = self.start.date().toPython(), self.end.date().toPython()
        return AuditFilter(table=self.table.currentData() or "", record=self.record.text().strip(),
                           operator=self.operator.currentData() or "", start=start, end=end)

    def refresh(self) -> None:
        flt = self.current_filter()
        self.model.load(flt)
        filtered = flt != AuditFilter()
        self.count.setText(tr("共 {n} 条", n=self.model.total) + (tr("（已筛选）") if filtered else ""))
        self.pane.show_rows(self.model.rowCount(), tr("没有符合筛选条件的记录。请放宽条件，或点“清除筛选”。")
                            if filtered else tr("还没有任何修改记录。新增、修改或作废一条记录后，会在这里看到谁在何时改了什么。"))
        self.show_entry(-1)

    def clear(self) -> None:
        self.table.setCurrentIndex(0)
        self.operator.setCurrentIndex(0)
        self.record.clear()
        self.by_date.setChecked(False)
        self.refresh()

    def show_entry(self, row: int) -> None:
        """The chosen row's fields, before and after."""
        if row < 0 or row >= self.model.rowCount():
            self.detail_title.setText(tr("选中一行，查看每个字段修改前后的值。"))
            self.detail.setRowCount(0)
            return
        entry: AuditEntry = self.model.row_at(row)
        self.detail_title.setText(tr("{time}　{who}　{action}{table}　编号 {id}", time=entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                                     who=entry.operator, action=entry.action.label, table=entry.table_label,
                                     id=entry.record_id))
        self.detail.setRowCount(len(entry.changes))
        for number, change in enumerate(entry.changes):
            before = "" if entry.action == AuditAction.INSERT else change.before
            for column, text in enumerate((change.label, before, change.after)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.detail.setItem(number, column, item)
