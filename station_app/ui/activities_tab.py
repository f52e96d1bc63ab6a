"""履职活动 tab: the activities of a period (narrowed by kind and words), and the dialog that records one with
the representatives who took part, present or absent, and for a training who passed; Excel import and export.

Every rule is in ``services.activities``; the tab shows what it answers.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.services import activities
from station_app.services.activities import ActivityDetail, ActivityInput, ActivityRow, Participant
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.ui.forms import ERROR_STYLE, ask_void_reason, ok_cancel
from station_app.ui.import_dialog import ImportDialog, open_and_preview
from station_app.ui.person_picker import PersonPicker
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, Today, error_box, fit_columns, make_table, today_of
from station_app.vocab import ActivityKind

NOTE_STYLE = "color:#616161;"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> dt.date:
    return edit.date().toPython()


def activity_columns() -> list[TableColumn]:
    return [
        TableColumn(tr("日期"), lambda r: r.day.isoformat(), 92),
        TableColumn(tr("类型"), lambda r: activities.kind_label(r.kind), 120),
        TableColumn(tr("主题"), lambda r: r.theme, 240),
        TableColumn(tr("地点"), lambda r: r.place, 150),
        TableColumn(tr("参加"), lambda r: r.participants, 48),
        TableColumn(tr("出席"), lambda r: r.present, 48),
        TableColumn(tr("通过"), lambda r: r.passed if r.kind == ActivityKind.TRAINING else "", 48),
        TableColumn(tr("联络站"), lambda r: r.station, 160),
    ]


class ActivityModel(RowTableModel):
    """The counts on the right."""

    NUMBERS = (4, 5, 6)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class ActivitiesTab(QWidget):
    """履职活动: pick a period, a kind, type words of the theme or place; add, edit, void, import, export."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, today: dt.date | Today | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today_of(today)
        now = self.today()
        self.start = _date_edit(now)  # the twelve months up to today, from the first of the month
        self.start.setDate(_qdate(now.replace(day=1)).addMonths(-11))
        self.end = _date_edit(now)
        self.kind = QComboBox()
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索主题、地点、备注…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.count = QLabel()
        self.count.setStyleSheet(NOTE_STYLE)
        self.model = ActivityModel(activity_columns())
        self.view = make_table(self.model)
        self.view.setWordWrap(False)
        fit_columns(self.view.horizontalHeader(), [c.width for c in self.model.columns],
                    {1: [activities.kind_label(k) for k in ActivityKind]})
        self.pane = TablePane(self.view)
        self.add_button = QPushButton(tr("新增"))
        self.edit_button = QPushButton(tr("编辑"))
        self.void_button = QPushButton(tr("作废"))
        self.import_button = QPushButton(tr("导入 Excel…"))
        self.export_button = QPushButton(tr("导出 Excel…"))
        if not ctx.operator.is_admin:
            self.void_button.setEnabled(False)
            self.void_button.setToolTip(tr("只有管理员可以作废"))

        filters = FlowLayout()
        for label, widget in ((tr("从"), self.start), (tr("到"), self.end), (tr("类型"), self.kind)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search)
        actions = FlowLayout()
        for button in (self.add_button, self.edit_button, self.void_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.pane, 1)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.void_button.clicked.connect(self.void)
        self.import_button.clicked.connect(self.import_workbook)
        self.export_button.clicked.connect(self.export_workbook)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.rows: list[ActivityRow] = []

    # --- what is shown ---

    def load_kinds(self) -> None:
        """The kinds there are (the station's own ones too), keeping the one chosen."""
        chosen = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(tr("全部类型"), "")
        for kind in activities.kinds(self.ctx):
            self.kind.addItem(activities.kind_label(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(chosen)))
        self.kind.blockSignals(False)

    def refresh(self) -> None:
        """Read the activities again (what showing the tab does)."""
        if self.kind.count() == 0:
            self.load_kinds()
        start, end = _day(self.start), _day(self.end)
        try:
            self.rows = activities.list_activities(self.ctx, start, end, self.kind.currentData() or None,
                                                   self.search.text())
        except StationError as exc:
            error_box(self, tr("履职活动"), exc)
            self.rows = []
        self.model.set_rows(self.rows)
        self.count.setText(tr("共 {n} 次活动，出席 {present} 人次", n=len(self.rows),
                              present=sum(r.present for r in self.rows)))
        filtered = bool(self.search.text().strip() or self.kind.currentData())
        if self.rows:
            hint = ""
        elif start > end:
            hint = tr("开始日期晚于结束日期。\n请调整日期范围。")
        elif filtered:
            hint = tr("这段时间没有符合条件的活动。\n请检查类型和搜索词。")
        else:
            hint = tr("{start} 至 {end} 还没有履职活动记录。\n点击“新增”录入一次视察、会议或培训，"
                      "或点击“导入 Excel…”导入以往的活动登记。", start=start.isoformat(), end=end.isoformat())
        self.pane.show_rows(len(self.rows), hint)
        has = bool(self.rows)
        self.edit_button.setEnabled(has)
        self.void_button.setEnabled(has and self.ctx.operator.is_admin)

    def selected(self) -> ActivityRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    # --- actions ---

    def dialog(self, detail: ActivityDetail | None = None) -> ActivityDialog:
        return ActivityDialog(self.ctx, detail, today=self.today(), parent=self)

    def add(self) -> None:
        if self.dialog().exec():
            self._after_change()

    def edit(self) -> None:
        row = self.selected()
        if row is None:
            QMessageBox.information(self, tr("编辑"), tr("请先在表格中选中一次活动。"))
            return
        try:
            detail = activities.activity_detail(self.ctx, row.id)
        except StationError as exc:
            error_box(self, tr("编辑"), exc)
            return
        if self.dialog(detail).exec():
            self._after_change()

    def void(self) -> None:
        row = self.selected()
        if row is None:
            QMessageBox.information(self, tr("作废"), tr("请先在表格中选中要作废的活动。"))
            return
        reason = ask_void_reason(self, f"{row.day.isoformat()} {row.theme or activities.kind_label(row.kind)}")
        if reason is None:
            return
        try:
            activities.void_activity(self.ctx, row.id, reason)
        except StationError as exc:
            error_box(self, tr("作废"), exc)
        self._after_change()

    def import_workbook(self) -> None:
        preview = open_and_preview(self, tr("选择履职活动 Excel 文件"), tr("导入履职活动"),
                                   lambda path: activities.preview_activity_import(self.ctx, path))
        if preview is not None and self.import_dialog(preview).exec():
            self._after_change()

    def import_dialog(self, preview) -> ImportDialog:
        """The preview of a workbook of activities; its 导入 button commits it through the service."""
        return ImportDialog(preview, lambda skip: activities.commit_activity_import(self.ctx, preview,
                                                                                    skip_refused=skip),
                            title=tr("导入履职活动"), label_header=tr("活动"), parent=self)

    def export_workbook(self) -> None:
        start, end = _day(self.start), _day(self.end)
        suggested = tr("履职活动{start}至{end}.xlsx", start=start.isoformat(), end=end.isoformat())
        name, _ = QFileDialog.getSaveFileName(self, tr("导出履职活动"), suggested, tr("Excel 工作簿 (*.xlsx)"))
        if not name:
            return
        try:
            count = activities.export_activities(self.ctx, Path(name), start, end)
        except (FileWriteError, StationError) as exc:
            error_box(self, tr("导出履职活动"), exc)
            return
        QMessageBox.information(self, tr("导出履职活动"), tr("已导出 {n} 次活动到\n{file}", n=count, file=name))

    def _after_change(self) -> None:
        self.refresh()
        self.changed.emit()


class ActivityDialog(QDialog):
    """One activity: its kind (the station's own kinds too), date, place, theme, notes, and the people who
    took part — each present or absent, and for a training with an assessment, passed or not."""

    NAME, UNIT, PRESENT, PASSED = range(4)

    def __init__(self, ctx: ServiceContext, detail: ActivityDetail | None = None, *, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.saved_id: str | None = None
        data = detail.as_input() if detail else ActivityInput(day=today or dt.date.today())
        self.setWindowTitle(tr("编辑履职活动") if detail else tr("新增履职活动"))
        self.resize(640, 640)
        self.kind = QComboBox()
        for kind in activities.kinds(ctx):
            self.kind.addItem(activities.kind_label(kind), kind)
        if data.kind and self.kind.findData(data.kind) < 0:  # a station kind since removed from the settings
            self.kind.addItem(activities.kind_label(data.kind), data.kind)
        self.kind.setCurrentIndex(self.kind.findData(data.kind) if data.kind else -1)
        self.kind.setPlaceholderText(tr("请选择"))
        self.day = _date_edit(data.day or dt.date.today())
        self.place = QLineEdit(data.place)
        self.place.setPlaceholderText(tr("如：东河村村委会"))
        self.theme = QLineEdit(data.theme)
        self.theme.setPlaceholderText(tr("如：农村人居环境整治视察"))
        self.notes = QPlainTextEdit(data.notes)
        self.notes.setFixedHeight(60)
        self.assessed = QCheckBox(tr("本次培训有考核（记录每人是否通过）"))
        self.assessed.setChecked(any(p.passed is not None for p in data.participants))

        self.people = QTableWidget(0, 4)
        self.people.setHorizontalHeaderLabels([tr("姓名"), tr("代表团或小组"), tr("出席"), tr("通过")])
        self.people.verticalHeader().setVisible(False)
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.people.horizontalHeader()
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.UNIT, QHeaderView.ResizeMode.Stretch)
        for column in (self.PRESENT, self.PASSED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.add_people = QPushButton(tr("添加代表…"))
        self.remove_people = QPushButton(tr("移除选中"))
        self.all_present = QPushButton(tr("全部出席"))
        self.tally = QLabel()
        self.tally.setStyleSheet(NOTE_STYLE)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(tr("类型"), self.kind)
        form.addRow(tr("日期"), self.day)
        form.addRow(tr("地点"), self.place)
        form.addRow(tr("主题"), self.theme)
        form.addRow(tr("备注"), self.notes)
        people_bar = QHBoxLayout()
        people_bar.addWidget(QLabel(tr("参加的代表")))
        people_bar.addWidget(self.tally, 1)
        people_bar.addWidget(self.all_present)
        people_bar.addWidget(self.add_people)
        people_bar.addWidget(self.remove_people)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.assessed)
        layout.addLayout(people_bar)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self.save))

        names = {p.representative_id: (p.name, p.unit) for p in detail.participants} if detail else {}
        for person in data.participants:
            self._add_row(person.representative_id, *names.get(person.representative_id, ("?", "")),
                          person.present, person.present and person.passed is not False)
        self.kind.currentIndexChanged.connect(self._update)
        self.assessed.toggled.connect(self._update)
        self.people.itemChanged.connect(self._person_changed)
        self.add_people.clicked.connect(self.pick_people)
        self.remove_people.clicked.connect(self.remove_selected)
        self.all_present.clicked.connect(self.mark_all_present)
        self._update()

    # --- the people ---

    def _add_row(self, rep_id: str, name: str, unit: str, present: bool = True, passed: bool = True) -> None:
        self.people.blockSignals(True)
        row = self.people.rowCount()
        self.people.insertRow(row)
        name_item = QTableWidgetItem(name)
        name_item.setData(Qt.ItemDataRole.UserRole, rep_id)
        self.people.setItem(row, self.NAME, name_item)
        self.people.setItem(row, self.UNIT, QTableWidgetItem(unit))
        for column, checked in ((self.PRESENT, present), (self.PASSED, passed)):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.people.setItem(row, column, item)
        self.people.blockSignals(False)

    def representative_ids(self) -> list[str]:
        return [self.people.item(row, self.NAME).data(Qt.ItemDataRole.UserRole) for row in range(self.people.rowCount())]

    def picker(self) -> PersonPicker:
        """The representatives in office not yet on the list, to tick as many as took part."""
        listed = set(self.representative_ids())
        self._offered = {p.id: p for p in activities.representatives_for_activity(self.ctx) if p.id not in listed}
        return PersonPicker(tr("添加参加活动的代表"), [(p.id, p.name, p.unit) for p in self._offered.values()],
                            self, ask_reason=False, multiple=True)

    def pick_people(self) -> None:
        picker = self.picker()
        if picker.exec():
            self.add_picked(picker.chosen_all)

    def add_picked(self, rep_ids: list[str]) -> None:
        for rep_id in rep_ids:
            person = self._offered[rep_id]
            self._add_row(person.id, person.name, person.unit)
        self._update()

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.people.selectionModel().selectedRows()}, reverse=True):
            self.people.removeRow(row)
        self._update()

    def mark_all_present(self) -> None:
        for row in range(self.people.rowCount()):
            self.people.item(row, self.PRESENT).setCheckState(Qt.CheckState.Checked)

    def _person_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == self.PRESENT:
            if item.checkState() == Qt.CheckState.Checked:  # back at the training: passed, as a newcomer is
                self.people.item(item.row(), self.PASSED).setCheckState(Qt.CheckState.Checked)
            self._update()

    def _checked(self, row: int, column: int) -> bool:
        return self.people.item(row, column).checkState() == Qt.CheckState.Checked

    def _training(self) -> bool:
        return self.kind.currentData() == ActivityKind.TRAINING

    def _update(self) -> None:
        """Show the 通过 column only for an assessed training; an absent person cannot pass."""
        training = self._training()
        self.assessed.setVisible(training)
        marks = training and self.assessed.isChecked()
        self.people.setColumnHidden(self.PASSED, not marks)
        self.people.blockSignals(True)
        for row in range(self.people.rowCount()):
            item = self.people.item(row, self.PASSED)
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            if self._checked(row, self.PRESENT):
                item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setFlags(flags)
                item.setCheckState(Qt.CheckState.Unchecked)
        self.people.blockSignals(False)
        total = self.people.rowCount()
        present = sum(self._checked(row, self.PRESENT) for row in range(total))
        self.tally.setText(tr("共 {n} 人，出席 {present} 人", n=total, present=present) if total
                           else tr("还没有添加代表"))
        self.remove_people.setEnabled(bool(total))
        self.all_present.setEnabled(bool(total))

    # --- saving ---

    def value(self) -> ActivityInput:
        marks = self._training() and self.assessed.isChecked()
        participants = []
        for row in range(self.people.rowCount()):
            present = self._checked(row, self.PRESENT)
            passed = self._checked(row, self.PASSED) if marks and present else None
            participants.append(Participant(self.people.item(row, self.NAME).data(Qt.ItemDataRole.UserRole),
                                            present, passed))
        return ActivityInput(self.kind.currentData() or "", _day(self.day), self.place.text(), self.theme.text(),
                             self.notes.toPlainText(), participants)

    def save(self) -> None:
        try:
            self.saved_id = activities.save_activity(self.ctx, self.value(), self.detail.id if self.detail else None)
        except ValidationFailed as exc:
            self.error.setText("\n".join(exc.errors.values()))
            return
        except StationError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
