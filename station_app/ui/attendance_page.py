"""签到 page: mark the day's people present, absent, on leave or replaced; the month's 空岗 list."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr, weekday
from station_app.io.files import FileWriteError
from station_app.services import attendance, roster_output
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.roster_people import people_for_picking
from station_app.ui.person_picker import PersonPicker
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, fit_columns, make_table, select_row
from station_app.vocab import AssignmentSource, Attendance, PersonKind, SlotName

STATUS_COLOURS = {Attendance.PRESENT: "#2e7d32", Attendance.ABSENT: "#c62828", Attendance.LEAVE: "#ef6c00",
                  Attendance.REPLACED: "#757575", Attendance.PENDING: "#1565c0"}


class StatusModel(RowTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 5:
            return QBrush(QColor(STATUS_COLOURS.get(self.rows[index.row()].person.attendance, "#212121")))
        return super().data(index, role)


class AttendanceTab(QWidget):
    COLUMNS = [
        TableColumn(tr("方案"), lambda r: r.plan, 120),
        TableColumn(tr("时段"), lambda r: SlotName.label_of(r.slot), 60, True),
        TableColumn(tr("姓名"), lambda r: r.person.name, 160),
        TableColumn(tr("身份"), lambda r: r.person.person.kind.label, 110),
        TableColumn(tr("代表团/单位"), lambda r: r.person.unit, 150),
        TableColumn(tr("签到"), lambda r: r.person.attendance.label + (tr("（替{name}）", name=r.person.stands_in_for)
                                                                     if r.person.stands_in_for else ""), 120),
        TableColumn(tr("时间"), lambda r: r.person.attended_at.strftime("%H:%M") if r.person.attended_at else "", 60),
        TableColumn(tr("安排方式"), lambda r: r.person.source.label, 70),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd dddd")
        longest_day = max((self.date.locale().dayName(d) for d in range(1, 8)), key=self.date.fontMetrics().horizontalAdvance)
        self.date.setMinimumWidth(self.date.fontMetrics().horizontalAdvance(f"2026-12-30 {longest_day}") + 48)
        self.prev_button, self.next_button, self.today_button = QPushButton("◀"), QPushButton("▶"), QPushButton(tr("今天"))
        for button in (self.prev_button, self.next_button):
            button.setFixedWidth(36)
        self.present = QPushButton(tr("出勤 (F2)"))
        self.absent = QPushButton(tr("缺勤 (F3)"))
        self.leave = QPushButton(tr("请假 (F4)"))
        self.replaced = QPushButton(tr("替班… (F5)"))
        self.undo = QPushButton(tr("撤销签到"))
        self.summary = QLabel()
        self.model = StatusModel(self.COLUMNS)
        self.view = make_table(self.model)
        fit_columns(self.view.horizontalHeader(), [column.width for column in self.COLUMNS],
                    {1: [s.label for s in SlotName], 3: [k.label for k in PersonKind],
                     5: [a.label for a in Attendance], 7: [s.label for s in AssignmentSource]})
        self.view.setSelectionMode(self.view.SelectionMode.ExtendedSelection)
        self.pane = TablePane(self.view)
        bar = FlowLayout()
        bar.addWidget(QLabel(tr("日期")))
        for widget in (self.prev_button, self.date, self.next_button, self.today_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for button in (self.present, self.absent, self.leave, self.replaced, self.undo):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.pane, 1)
        self.date.dateChanged.connect(self.refresh)
        self.prev_button.clicked.connect(lambda: self.date.setDate(self.date.date().addDays(-1)))
        self.next_button.clicked.connect(lambda: self.date.setDate(self.date.date().addDays(1)))
        self.today_button.clicked.connect(lambda: self.date.setDate(QDate.currentDate()))
        for button, status, key in ((self.present, Attendance.PRESENT, "F2"), (self.absent, Attendance.ABSENT, "F3"),
                                    (self.leave, Attendance.LEAVE, "F4"), (self.undo, Attendance.PENDING, None)):
            button.clicked.connect(lambda _=False, s=status: self.mark(s))
            if key:
                QShortcut(QKeySequence(key), self, activated=lambda s=status: self.mark(s))
        self.replaced.clicked.connect(self.stand_in)
        QShortcut(QKeySequence("F5"), self, activated=self.stand_in)
        self.refresh()

    def day(self) -> dt.date:
        return self.date.date().toPython()

    def refresh(self) -> None:
        day = self.day()
        rows = attendance.sign_in_sheet(self.ctx, day)
        self.model.set_rows(rows)
        done = sum(1 for r in rows if r.person.attendance != Attendance.PENDING)
        self.summary.setText(tr("{day} 共 {n} 人次值班，已签到 {done}，未签到 {todo}", day=day, n=len(rows), done=done,
                                todo=len(rows) - done))
        self.pane.show_rows(len(rows), tr("这一天没有值班安排。\n请在“排班”页生成排班，或换一个日期。"))
        if rows:
            first_open = next((i for i, r in enumerate(rows) if r.person.attendance == Attendance.PENDING), 0)
            select_row(self.view, first_open)

    def selected(self) -> list[attendance.SignInRow]:
        return [self.model.row_at(i.row()) for i in self.view.selectionModel().selectedRows()]

    def mark(self, status: Attendance) -> None:
        rows = self.selected()
        if not rows:
            QMessageBox.information(self, tr("签到"), tr("请先选中要签到的人（可多选）。"))
            return
        now = dt.datetime.now()
        at = dt.datetime.combine(self.day(), now.time().replace(second=0, microsecond=0))
        last = self.view.currentIndex().row()
        try:
            attendance.mark_attendance(self.ctx, [row.person.assignment_id for row in rows], status, at=at)
        except StationError as exc:  # the message names the person; nobody was marked
            QMessageBox.warning(self, tr("签到"), str(exc))
        self.refresh()
        if 0 <= last + 1 < self.model.rowCount() and len(rows) == 1:
            select_row(self.view, last + 1)

    def stand_in(self) -> None:
        rows = self.selected()
        if len(rows) != 1:
            QMessageBox.information(self, AssignmentSource.STAND_IN.label, tr("请选中一位需要替班的人。"))
            return
        people = [(p.person, p.name, p.unit) for p in people_for_picking(self.ctx)]
        picker = PersonPicker(tr("由谁替 {name} 值班", name=rows[0].person.name), people, self,
                              reason_label=tr("替班原因（必填）"))
        if not picker.exec():
            return
        try:
            attendance.stand_in(self.ctx, rows[0].person.assignment_id, picker.chosen, picker.reason.text())
        except StationError as exc:
            QMessageBox.warning(self, AssignmentSource.STAND_IN.label, str(exc))
        self.refresh()


class EmptyPostsTab(QWidget):
    PERSON_COLUMNS = [TableColumn(tr("姓名"), lambda r: r[0], 160), TableColumn(tr("代表团/单位"), lambda r: r[1], 160),
                      TableColumn(tr("空岗次数"), lambda r: r[2], 80, True)]
    UNIT_COLUMNS = [TableColumn(tr("窗口单位"), lambda r: r[0], 200), TableColumn(tr("空岗次数"), lambda r: r[1], 80, True)]
    DETAIL_COLUMNS = [
        TableColumn(tr("日期"), lambda r: f"{r.day:%Y-%m-%d} " + weekday(r.day.weekday()), 130),
        TableColumn(tr("时段"), lambda r: SlotName.label_of(r.slot), 60, True), TableColumn(tr("方案"), lambda r: r.plan, 120),
        TableColumn(tr("姓名"), lambda r: r.name, 160), TableColumn(tr("代表团/单位"), lambda r: r.unit, 150),
        TableColumn(tr("情况"), lambda r: r.status.label, 60, True), TableColumn(tr("备注"), lambda r: r.note, 160),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(tr(" 年"))
        self.month = QSpinBox()
        self.month.setRange(1, 12)
        self.month.setValue(today.month)
        self.month.setSuffix(tr(" 月"))
        self.print_button = QPushButton(tr("打印空岗表…"))
        self.total = QLabel()
        self.by_person = RowTableModel(self.PERSON_COLUMNS)
        self.by_unit = RowTableModel(self.UNIT_COLUMNS)
        self.detail = RowTableModel(self.DETAIL_COLUMNS)
        self.detail_pane = TablePane(make_table(self.detail))
        fit_columns(self.detail_pane.view.horizontalHeader(), [column.width for column in self.DETAIL_COLUMNS],
                    {1: [s.label for s in SlotName], 5: [a.label for a in Attendance]})
        bar = QHBoxLayout()
        for widget in (QLabel(tr("月份")), self.year, self.month, self.total):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        upper = QSplitter()
        for title, model in ((tr("按人员"), self.by_person), (tr("按窗口单位"), self.by_unit)):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(QLabel(title))
            box_layout.addWidget(make_table(model))
            upper.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(upper, 1)
        layout.addWidget(QLabel(tr("明细")))
        layout.addWidget(self.detail_pane, 1)
        self.year.valueChanged.connect(self.refresh)
        self.month.valueChanged.connect(self.refresh)
        self.print_button.clicked.connect(self.print_posts)
        self.refresh()

    def refresh(self) -> None:
        start, end = roster_output.month_span(self.year.value(), self.month.value())
        posts = attendance.empty_posts(self.ctx, start, end)
        people: dict[tuple[str, str], int] = {}
        units: dict[str, int] = {}
        for post in posts:
            people[(post.name, post.unit)] = people.get((post.name, post.unit), 0) + 1
            if post.is_head:
                units[post.unit] = units.get(post.unit, 0) + 1
        self.by_person.set_rows(sorted(((n, u, c) for (n, u), c in people.items()), key=lambda r: (-r[2], r[1])))
        self.by_unit.set_rows(sorted(units.items(), key=lambda r: (-r[1], r[0])))
        self.detail.set_rows(posts)
        self.total.setText(tr("　本月空岗 {n} 人次", n=len(posts)))
        self.detail_pane.show_rows(len(posts), tr("本月没有空岗。"))

    def print_posts(self) -> None:
        year, month = self.year.value(), self.month.value()
        name, _ = QFileDialog.getSaveFileName(self, tr("保存空岗表 PDF"), tr("{year}年{month}月空岗表.pdf", year=year,
                                                                            month=month), tr("PDF 文件 (*.pdf)"))
        if not name:
            return
        try:
            roster_output.print_empty_posts(self.ctx, year, month, Path(name))
        except (StationError, FileWriteError) as exc:
            QMessageBox.warning(self, tr("打印空岗表"), str(exc))


class AttendancePage(QTabWidget):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.attendance = AttendanceTab(ctx)
        self.empty_posts = EmptyPostsTab(ctx)
        self.addTab(self.attendance, tr("当日签到"))
        self.addTab(self.empty_posts, tr("空岗情况"))
        self.currentChanged.connect(lambda _i: self.currentWidget().refresh())
