"""代表之星 tab: a month's stars per station with what each did, the month's self and peer review marks to
enter, and the notice for the station's board (打印公示).

Who is a star, and how the marks weigh, is ``services.points``; the tab shows its answer.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
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
from station_app.io.files import FileWriteError
from station_app.services import points
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.points import MarkRow, StationStars
from station_app.services.subsidy import Month
from station_app.ui.forms import ERROR_STYLE
from station_app.ui.printing import print_with_preview
from station_app.ui.subsidy_page import file_name, set_allowed
from station_app.ui.table_model import RowTableModel, TableColumn, collation_key
from station_app.ui.widgets import FlowLayout, TablePane, Today, error_box, fit_columns, make_table

NOTE_STYLE = "color:#616161;"
TIED_STYLE = "color:#e65100; background:#fff3e0; padding:6px; border-radius:3px;"
EDITED_BACKGROUND = "#fff8e1"
WRONG_BACKGROUND = "#ffebee"


class StarLine:
    """A row of the stars table: a star, or a station with none."""

    def __init__(self, station: str, star: points.Star | None) -> None:
        self.station, self.star = station, star


class StarsModel(RowTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line: StarLine = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and line.star is None:
            return QBrush(QColor("#9e9e9e"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 4):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5 and line.star is not None:
            return line.star.deeds
        return super().data(index, role)


def star_columns() -> list[TableColumn]:
    return [
        TableColumn(tr("联络站"), lambda r: r.station, 180),
        TableColumn(tr("名次"), lambda r: r.star.rank if r.star else "", 44),
        TableColumn(tr("姓名"), lambda r: r.star.name if r.star else tr("本月没有代表取得积分"), 80),
        TableColumn(tr("代表团"), lambda r: r.star.delegation if r.star else "", 120),
        TableColumn(tr("积分"), lambda r: points.points_text(r.star.total) if r.star else "", 50),
        TableColumn(tr("履职情况"), lambda r: r.star.deeds if r.star else "", 300),
    ]


def mark_text(mark: Decimal | None) -> str:
    return "" if mark is None else format(mark, "f")


class StarsTab(QWidget):
    """代表之星: the month's stars per station, the review marks, and the notice to print."""

    MARK_COLUMNS = (2, 3)

    def __init__(self, ctx: ServiceContext, today: Today | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.today: Today = today or dt.date.today
        self.found: list[StationStars] = []
        self.mark_rows: list[MarkRow] = []
        self._loading = False
        start = Month.of(self.today()).previous()
        self.month_edit = QDateEdit(QDate(start.year, start.month, 1))
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setKeyboardTracking(False)
        self.month_edit.setMinimumWidth(self.month_edit.fontMetrics().horizontalAdvance("2026-12") + 48)
        self.prev_button, self.next_button = QPushButton("◀"), QPushButton("▶")
        for button, tip in ((self.prev_button, tr("上个月")), (self.next_button, tr("下个月"))):
            button.setFixedWidth(36)
            button.setToolTip(tip)
        self.station = QComboBox()
        self.station.addItem(tr("全部联络站"), "")
        self.station.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.print_button = QPushButton(tr("打印公示"))
        self.basis = QLabel()
        self.basis.setWordWrap(True)
        self.basis.setStyleSheet(NOTE_STYLE)
        self.tied = QLabel()
        self.tied.setWordWrap(True)
        self.tied.setStyleSheet(TIED_STYLE)

        self.model = StarsModel(star_columns())
        self.view = make_table(self.model)
        self.view.setSortingEnabled(False)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.pane = TablePane(self.view)

        self.marks_title = QLabel()
        self.marks_title.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.find = QLineEdit()
        self.find.setPlaceholderText(tr("查找姓名或拼音"))
        self.find.setClearButtonEnabled(True)
        self.find.setMinimumWidth(self.find.fontMetrics().horizontalAdvance(self.find.placeholderText()) + 40)
        self.save_button = QPushButton(tr("保存评分"))
        self.marks_note = QLabel()
        self.marks_note.setWordWrap(True)
        self.marks_note.setStyleSheet(NOTE_STYLE)
        self.marks_error = QLabel()
        self.marks_error.setWordWrap(True)
        self.marks_error.setStyleSheet(ERROR_STYLE)
        self.marks = QTableWidget(0, 5)
        self.marks.setHorizontalHeaderLabels([tr("姓名"), tr("代表团"), tr("自评（0-10）"), tr("互评（0-10）"), tr("联络站")])
        self.marks.verticalHeader().setVisible(False)
        self.marks.verticalHeader().setDefaultSectionSize(28)
        self.marks.setAlternatingRowColors(True)
        self.marks.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.marks.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        fit_columns(self.marks.horizontalHeader(), [80, 120, 100, 100, 180])
        self.marks.horizontalHeader().setStretchLastSection(True)

        bar = FlowLayout()
        bar.addWidget(QLabel(tr("月份")))
        for widget in (self.prev_button, self.month_edit, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(QLabel(tr("联络站")))
        bar.addWidget(self.station)
        bar.addStretch(1)
        bar.addWidget(self.print_button)

        stars_box = QWidget()
        stars_layout = QVBoxLayout(stars_box)
        stars_layout.setContentsMargins(0, 0, 0, 0)
        stars_layout.addWidget(self.pane, 1)
        stars_layout.addWidget(self.tied)
        stars_layout.addWidget(self.basis)
        marks_box = QWidget()
        marks_layout = QVBoxLayout(marks_box)
        marks_layout.setContentsMargins(0, 6, 0, 0)
        marks_bar = QHBoxLayout()
        marks_bar.addWidget(self.marks_title)
        marks_bar.addStretch(1)
        marks_bar.addWidget(self.find)
        marks_bar.addWidget(self.save_button)
        marks_layout.addLayout(marks_bar)
        marks_layout.addWidget(self.marks_note)
        marks_layout.addWidget(self.marks, 1)
        marks_layout.addWidget(self.marks_error)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(stars_box)
        splitter.addWidget(marks_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.month_edit.dateChanged.connect(self.refresh)
        self.prev_button.clicked.connect(lambda: self.month_edit.setDate(self.month_edit.date().addMonths(-1)))
        self.next_button.clicked.connect(lambda: self.month_edit.setDate(self.month_edit.date().addMonths(1)))
        self.station.currentIndexChanged.connect(self.refresh)
        self.print_button.clicked.connect(self.print_notice)
        self.save_button.clicked.connect(self.save_marks)
        self.find.textChanged.connect(self.filter_marks)
        self.marks.itemChanged.connect(self.mark_edited)
        self._stations_loaded = False

    @property
    def month(self) -> Month:
        date = self.month_edit.date()
        return Month(date.year(), date.month())

    @property
    def station_id(self) -> str | None:
        return self.station.currentData() or None

    def load_stations(self) -> None:
        chosen = self.station_id
        self.station.blockSignals(True)
        while self.station.count() > 1:
            self.station.removeItem(1)
        for station_id, name in points.choices(self.ctx).stations:
            self.station.addItem(name, station_id)
        self.station.setCurrentIndex(max(0, self.station.findData(chosen)))
        self.station.blockSignals(False)
        self._stations_loaded = True

    # --- what is shown ---

    def refresh(self) -> None:
        """Read the month's stars and marks again (what showing the tab does)."""
        month = self.month
        try:
            if not self._stations_loaded:
                self.load_stations()
            self.found = points.stars(self.ctx, month, self.station_id)
            self.mark_rows = points.marks(self.ctx, month, self.station_id)
        except StationError as exc:
            self.found, self.mark_rows = [], []
            self.model.set_rows([])
            self.pane.show_rows(0, str(exc))
            self.fill_marks()
            self.update_buttons()
            return
        lines = [StarLine(s.station, star) for s in self.found for star in s.stars]
        lines += [StarLine(s.station, None) for s in self.found if not s.stars]
        self.model.set_rows(lines)
        self.pane.show_rows(sum(len(s.stars) for s in self.found), tr(
            "{month}还没有“代表之星”：没有代表取得积分。\n值班签到、接待登记、履职活动和代表建议录入后，按积分规则计分；"
            "也可以在下面录入本月的自评、互评。", month=month.label))
        tied = [tr("{station}：{names} 与第 {rank} 名积分、出勤值班、接待选民都相同，按姓名排序未列入，可由站里商定",
                   station=s.station, names=tr("、").join(s.tied), rank=s.stars[-1].rank) for s in self.found if s.tied]
        self.tied.setText("\n".join(tied))
        self.tied.setVisible(bool(tied))
        rule = self.found[0].rule if self.found else points.rule_for(self.ctx, month)
        self.basis.setText(tr("评选依据：{basis}", basis=rule.describe()))
        self.marks_title.setText(tr("{month}自评、互评", month=month.label))
        self.marks_note.setText(tr("每项 0 到 10 分，可有一位小数；空着表示没有评。自评每分计 {own} 分，互评每分计 {peer} 分。"
                                   "改完按“保存评分”。", own=points.points_text(rule.self_weight),
                                   peer=points.points_text(rule.peer_weight)))
        self.fill_marks()
        self.update_buttons()

    def fill_marks(self) -> None:
        self._loading = True
        self.marks.setRowCount(len(self.mark_rows))
        for row, mark in enumerate(self.mark_rows):
            for column, text in zip((0, 1, 4), (mark.name, mark.delegation, mark.station)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(Qt.ItemDataRole.UserRole, mark.representative_id)
                self.marks.setItem(row, column, item)
            for column, value in zip(self.MARK_COLUMNS, (mark.self_mark, mark.peer_mark)):
                item = QTableWidgetItem(mark_text(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.marks.setItem(row, column, item)
        self._loading = False
        self.marks_error.setText("")
        self.filter_marks()

    def filter_marks(self) -> None:
        wanted = self.find.text().strip().lower()
        for row, mark in enumerate(self.mark_rows):
            hit = not wanted or wanted in mark.name or wanted.replace(" ", "") in collation_key(mark.name).replace(" ", "") \
                or wanted in _initials(mark.name)
            self.marks.setRowHidden(row, not hit)

    def edited(self) -> dict[str, tuple[str, str]]:
        """The representatives whose marks differ from what is stored: {rep id: (self, peer) as typed}."""
        changed = {}
        for row, mark in enumerate(self.mark_rows):
            own, peer = (self.marks.item(row, c).text().strip() for c in self.MARK_COLUMNS)
            if (own, peer) != (mark_text(mark.self_mark), mark_text(mark.peer_mark)):
                changed[mark.representative_id] = (own, peer)
        return changed

    def mark_edited(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() not in self.MARK_COLUMNS:
            return
        self._loading = True
        row = item.row()
        stored = self.mark_rows[row]
        for column, value in zip(self.MARK_COLUMNS, (stored.self_mark, stored.peer_mark)):
            cell = self.marks.item(row, column)
            changed = cell.text().strip() != mark_text(value)
            cell.setBackground(QBrush(QColor(EDITED_BACKGROUND)) if changed else QBrush())
        self._loading = False
        self.update_buttons()

    def update_buttons(self) -> None:
        has_stars = any(s.stars for s in self.found)
        set_allowed(self.print_button, has_stars, tr("这个月还没有“代表之星”"))
        set_allowed(self.save_button, bool(self.edited()), tr("没有改动的评分"))

    # --- actions ---

    def save_marks(self) -> None:
        changed = self.edited()
        if not changed:
            return
        try:
            points.save_marks(self.ctx, self.month, changed)
        except ValidationFailed as exc:
            self.show_mark_errors(exc.errors)
            return
        except StationError as exc:
            error_box(self, tr("保存评分"), exc)
            return
        self.refresh()

    def show_mark_errors(self, errors: dict[str, str]) -> None:
        rows = {mark.representative_id: row for row, mark in enumerate(self.mark_rows)}
        self._loading = True
        names = []
        for key in errors:
            rep_id, _, part = key.rpartition(":")
            row = rows.get(rep_id)
            if row is None:
                continue
            self.marks.item(row, self.MARK_COLUMNS[part == "peer"]).setBackground(QBrush(QColor(WRONG_BACKGROUND)))
            names.append(self.mark_rows[row].name)
        self._loading = False
        self.marks_error.setText(tr("没有保存，请改正标红的评分：{problems}", problems="；".join(
            f"{name}：{message}" for name, message in zip(names, errors.values()))))

    def print_notice(self) -> None:
        title = points.notice_title(self.month)
        path = Path(tempfile.mkdtemp(prefix="station-stars-")) / file_name(title + ".pdf")
        try:
            points.print_stars(self.ctx, self.month, path, self.station_id, today=self.today())
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("打印公示"), exc)
            return
        print_with_preview(self, path, title)


def _initials(name: str) -> str:
    return "".join(part[:1] for part in collation_key(name).split())

