"""履职档案 tab: pick a representative and a period, see the counts and what they did one by one, print the
A4 archive page, or export the records of all representatives to Excel.

Every count comes from ``services.record``; the tab shows what it answers.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.services import record as record_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.record import Choice, RepresentativeRecord
from station_app.ui.printing import print_with_preview
from station_app.ui.subsidy_page import date_edit, file_name, set_allowed
from station_app.ui.widgets import EmptyHint, FlowLayout, TablePane, Today, error_box, today_of
from station_app.vocab import ActivityKind, Attendance, Outcome, SlotName

NOTE_STYLE = "color:#616161;"
ABSENT_COLOUR = "#c62828"
#: how many names the list shows at once (typing narrows it)
LIST_MOST = 500


def _table(headers: list[str], widths: list[int]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(24)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], colours: list[str | None] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if colours and colours[r] and c == len(row) - 1:
                item.setForeground(QBrush(QColor(colours[r])))
            table.setItem(r, c, item)


class RecordTab(QWidget):
    """履职档案: the representatives on the left (type to find one), the chosen one's record on the right."""

    def __init__(self, ctx: ServiceContext, today: Today | dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today: Today = today_of(today)
        self.choices: list[Choice] = []
        self.shown: RepresentativeRecord | None = None
        now = self.today()
        self.start = date_edit(dt.date(now.year, 1, 1))
        self.end = date_edit(now)
        self.print_button = QPushButton(tr("打印档案"))
        self.export_button = QPushButton(tr("导出全部…"))
        self.export_button.setToolTip(tr("把这段时间全部代表的履职情况导出为 Excel"))
        self.period_error = QLabel()
        self.period_error.setStyleSheet(f"color:{ABSENT_COLOUR};")

        # the people
        self.find = QLineEdit()
        self.find.setPlaceholderText(tr("查找姓名、拼音、代表团或手机尾号"))
        self.find.setClearButtonEnabled(True)
        self.people = QListWidget()
        self.people_note = QLabel()
        self.people_note.setStyleSheet(NOTE_STYLE)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.find)
        left_layout.addWidget(self.people, 1)
        left_layout.addWidget(self.people_note)

        # the record
        self.who = QLabel()
        self.who.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setStyleSheet(NOTE_STYLE)
        self.counts_box = QGroupBox(tr("履职情况统计"))
        self.counts_grid = QGridLayout(self.counts_box)
        self.counts_grid.setHorizontalSpacing(14)
        self.count_labels: dict[str, QLabel] = {}
        self.turns = _table([tr("日期"), tr("时段"), tr("签到")], [110, 70, 120])
        self.visits = _table([tr("日期"), tr("类别"), tr("办理结果"), tr("反映问题")], [100, 80, 110, 300])
        self.activities = _table([tr("日期"), tr("类别"), tr("培训考核"), tr("主题")], [100, 130, 70, 300])
        self.suggestions = _table([tr("编号"), tr("状态"), tr("提出日期"), tr("标题")], [150, 70, 100, 300])
        self.lists = QTabWidget()
        self.panes = [TablePane(table) for table in (self.turns, self.visits, self.activities, self.suggestions)]
        self.tab_titles = [tr("值班 {n}"), tr("接待 {n}"), tr("活动 {n}"), tr("建议 {n}")]
        for pane, title in zip(self.panes, self.tab_titles):
            self.lists.addTab(pane, title.format(n=0))
        record_box = QWidget()
        record_layout = QVBoxLayout(record_box)
        record_layout.setContentsMargins(0, 0, 0, 0)
        record_layout.addWidget(self.who)
        record_layout.addWidget(self.details)
        record_layout.addWidget(self.counts_box)
        record_layout.addWidget(self.lists, 1)
        self.hint = EmptyHint()
        self.hint.setText(tr("选择一位代表，查看其履职档案。\n在左边输入姓名、拼音首字母或手机尾号查找。"))
        self.right = QStackedWidget()
        self.right.addWidget(self.hint)
        self.right.addWidget(record_box)

        bar = FlowLayout()
        for label, widget in ((tr("从"), self.start), (tr("至"), self.end)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.period_error)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.find.textChanged.connect(self.filter_people)
        self.find.returnPressed.connect(self._take_first)
        self.people.currentItemChanged.connect(lambda *_: self.show_record())
        self.start.dateChanged.connect(lambda *_: self.show_record())
        self.end.dateChanged.connect(lambda *_: self.show_record())
        self.print_button.clicked.connect(self.print_record)
        self.export_button.clicked.connect(self.export_all)
        self.update_buttons()

    # --- what is shown ---

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.start.date().toPython(), self.end.date().toPython()

    @property
    def chosen_id(self) -> str | None:
        item = self.people.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def set_period(self, start: dt.date, end: dt.date) -> None:
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.show_record()

    def refresh(self) -> None:
        """Read the representatives again, keeping the one chosen (what showing the tab does)."""
        try:
            self.choices = record_service.people(self.ctx)
        except StationError as exc:
            self.choices = []
            self.people_note.setText(str(exc))
        self.filter_people(self.find.text())
        self.show_record()

    def filter_people(self, text: str = "") -> None:
        chosen = self.chosen_id
        words = text.strip().lower().split()
        self.people.blockSignals(True)
        self.people.clear()
        matched = 0
        for choice in self.choices:
            if any(word not in choice.search for word in words):
                continue
            matched += 1
            if matched > LIST_MOST:
                continue
            parts = [choice.delegation or choice.station]
            if choice.phone_tail:
                parts.append(tr("尾号{tail}", tail=choice.phone_tail))
            text_line = f"{choice.name}　{'，'.join(p for p in parts if p)}"
            if choice.state != tr("在任"):
                text_line += f"（{choice.state}）"
            item = QListWidgetItem(text_line)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            if choice.state != tr("在任"):
                item.setForeground(QBrush(QColor("#9e9e9e")))
            self.people.addItem(item)
            if choice.id == chosen:
                self.people.setCurrentItem(item)
        self.people.blockSignals(False)
        if matched > LIST_MOST:
            self.people_note.setText(tr("共 {n} 位，显示前 {m} 位；输入可缩小范围", n=matched, m=LIST_MOST))
        elif not self.choices:
            self.people_note.setText(tr("名册里还没有代表"))
        elif not matched:
            self.people_note.setText(tr("没有找到“{text}”", text=text.strip()))
        else:
            self.people_note.setText(tr("共 {n} 位代表", n=matched))
        if chosen is not None and self.chosen_id != chosen:
            self.show_record()

    def choose(self, rep_id: str) -> bool:
        """Choose the representative ``rep_id`` in the list (as a click does); False when not listed."""
        for row in range(self.people.count()):
            if self.people.item(row).data(Qt.ItemDataRole.UserRole) == rep_id:
                self.people.setCurrentRow(row)
                return True
        return False

    def _take_first(self) -> None:
        if self.people.count() and self.people.currentItem() is None:
            self.people.setCurrentRow(0)

    def show_record(self) -> None:
        rep_id = self.chosen_id
        start, end = self.period
        self.period_error.setText("")
        self.shown = None
        if rep_id is None:
            self.right.setCurrentWidget(self.hint)
            self.update_buttons()
            return
        try:
            self.shown = record_service.record(self.ctx, rep_id, start, end)
        except StationError as exc:
            self.period_error.setText(str(exc))
            self.right.setCurrentWidget(self.hint)
            self.update_buttons()
            return
        self._show(self.shown)
        self.right.setCurrentWidget(self.right.widget(1))
        self.update_buttons()

    def _show(self, found: RepresentativeRecord) -> None:
        p = found.person
        state = "" if p.in_office else f"　<span style='color:{ABSENT_COLOUR}'>{p.state}</span>"
        self.who.setText(f"{p.name}{state}")
        level = tr("{level}级代表", level=record_service.level_text(p.level)) if p.level else ""
        parts = [record_service.gender_text(p.gender), level, p.delegation, p.group, p.station, p.work_unit, p.term]
        self.details.setText("　".join(x for x in parts if x) + "\n" + tr("履职期间：{period}", period=found.period))
        self._show_counts(found)
        with_year = found.start.year != found.end.year

        def day(d: dt.date) -> str:
            return d.isoformat() if with_year else tr("{month}月{day}日", month=d.month, day=d.day)

        _fill(self.turns, [[day(t.day), SlotName.label_of(t.slot), t.mark_text] for t in found.turns],
              [ABSENT_COLOUR if t.mark == Attendance.ABSENT else None for t in found.turns])
        _fill(self.visits, [[day(v.day), v.category, Outcome.label_of(v.outcome), v.issue] for v in found.visits])
        passed = {True: tr("合格"), False: tr("不合格"), None: ""}
        _fill(self.activities, [[day(a.day), ActivityKind.label_of(a.kind), passed[a.passed], a.theme]
                                for a in found.activities])
        _fill(self.suggestions, [[s.number, record_service.suggestion_state_text(s.state), day(s.opened_on), s.title]
                                 for s in found.suggestions])
        for index, (pane, n, hint) in enumerate((
                (self.panes[0], len(found.turns), tr("这段时间没有值班")),
                (self.panes[1], len(found.visits), tr("这段时间没有接待选民")),
                (self.panes[2], len(found.activities), tr("这段时间没有参加活动")),
                (self.panes[3], len(found.suggestions), tr("这段时间没有提出建议")))):
            pane.show_rows(n, hint)
            self.lists.setTabText(index, self.tab_titles[index].format(n=n))

    def _show_counts(self, found: RepresentativeRecord) -> None:
        while self.counts_grid.count():
            widget = self.counts_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.count_labels = {}
        bold = QFont()
        bold.setBold(True)
        row, column, group = -1, 0, None
        per_row = 6
        for count in record_service.counts(found):
            if count.group != group or column >= per_row:
                row += 1
                column = 0
                if count.group != group:
                    heading = QLabel(count.group)
                    heading.setFont(bold)
                    self.counts_grid.addWidget(heading, row, 0)
                group = count.group
            label = QLabel(count.label)
            label.setStyleSheet(NOTE_STYLE)
            value = QLabel(str(count.value))
            value.setFont(bold)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(28)
            self.counts_grid.addWidget(label, row, 1 + 2 * column)
            self.counts_grid.addWidget(value, row, 2 + 2 * column)
            self.count_labels[f"{count.group}/{count.label}"] = value
            column += 1
        self.counts_grid.setColumnStretch(1 + 2 * per_row, 1)

    def count_text(self, group: str, label: str) -> str:
        """The number shown for a count (``group``/``label`` as ``record.counts`` words them)."""
        found = self.count_labels.get(f"{group}/{label}")
        return found.text() if found is not None else ""

    def update_buttons(self) -> None:
        set_allowed(self.print_button, self.shown is not None, tr("先选择一位代表"))
        start, end = self.period
        set_allowed(self.export_button, start <= end, tr("起始日期晚于截止日期"))

    # --- actions ---

    def print_record(self) -> None:
        found = self.shown
        if found is None:
            return
        title = record_service.file_title(found.person, found.start, found.end)
        path = Path(tempfile.mkdtemp(prefix="station-record-")) / file_name(title + ".pdf")
        try:
            record_service.print_record(self.ctx, found.person.id, found.start, found.end, path, today=self.today())
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("打印档案"), exc)
            return
        print_with_preview(self, path, title)

    def export_all(self) -> None:
        start, end = self.period
        title = tr("履职档案汇总_{start}至{end}", start=start.isoformat(), end=end.isoformat())
        name, _ = QFileDialog.getSaveFileName(self, tr("导出全部代表的履职档案"), file_name(title + ".xlsx"),
                                              tr("Excel 文件 (*.xlsx)"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        try:
            found = record_service.export_records(self.ctx, path, start, end)
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出全部代表的履职档案"), exc)
            return
        QMessageBox.information(self, tr("导出全部代表的履职档案"),
                                tr("已导出 {n} 位代表的履职情况到 {file}", n=len(found.rows), file=path))

