"""本月报表: the month's figures beside the month before and the year to date, a bar chart of the visits by
channel, and the workbook to export; with more than one station's data (a county), every station side by side.

Every figure comes from ``services.report``; the page only shows what it answers. The chart is drawn with
QPainter in the window's own (bundled) font, so it needs no Qt Charts.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.services import money, report
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.report import StationRow, Summary, SummaryRow
from station_app.services.subsidy import Month
from station_app.ui.subsidy_page import file_name
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import TablePane, Today, error_box, make_table

#: how many months back the picker offers
MONTHS_BACK = 24
THIS_COLOUR = QColor("#1e88e5")
PREVIOUS_COLOUR = QColor("#b0bec5")
NOTE_STYLE = "color:#616161;"


def figure_text(value: int | Decimal | None, kind: str) -> str:
    """A figure in a cell: money with two decimals, a rate with one and %, a count as it is; blank for none."""
    if value is None:
        return ""
    if kind == "money":
        return money.format_yuan(value)
    if kind == "rate":
        return f"{value}%"
    return str(value)


class SummaryModel(RowTableModel):
    """项目 | 本月 | 上月 | 本年累计: numbers on the right, the lines that head a group in bold."""

    def __init__(self) -> None:
        super().__init__([
            TableColumn(tr("项目"), lambda r: r.label if r.group or not r.section else "    " + r.label, 200),
            TableColumn(tr("本月"), lambda r: figure_text(r.this, r.kind), 90),
            TableColumn(tr("上月"), lambda r: figure_text(r.previous, r.kind), 90),
            TableColumn(tr("本年累计"), lambda r: figure_text(r.year, r.kind), 100)])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row: SummaryRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.group:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class StationsModel(RowTableModel):
    """The county's table: a station a row, a key figure a column."""

    def __init__(self) -> None:
        headers = report.station_table_headers()
        columns = [TableColumn(headers[0], lambda r: r.code, 70), TableColumn(headers[1], lambda r: r.name, 180)]
        for (key, _h, _w, kind, value), header in zip(report.STATION_COLUMNS, headers[2:]):
            shown = "money" if kind == "money" else "rate" if key == "rate" else "int"
            columns.append(TableColumn(header, lambda r, v=value, k=shown: figure_text(v(r.figures), k), 64))
        super().__init__(columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() > 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class BarChart(QWidget):
    """Bars of this month beside the month before, one pair per label, with the counts above them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.series: tuple[str, str] = ("", "")
        self.bars: list[tuple[str, int, int]] = []
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(480, 300)

    def show_bars(self, title: str, series: tuple[str, str], bars: list[tuple[str, int, int]]) -> None:
        self.title, self.series, self.bars = title, series, bars
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        line = metrics.height()
        width, height = self.width(), self.height()
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRectF(0, 4, width, line + 4), Qt.AlignmentFlag.AlignHCenter, self.title)
        painter.setFont(self.font())
        # the legend, under the title
        legend_y = 8 + line
        x = 12.0
        for colour, name in zip((THIS_COLOUR, PREVIOUS_COLOUR), self.series):
            painter.fillRect(QRectF(x, legend_y + line / 4, line / 2, line / 2), colour)
            painter.setPen(QColor("#424242"))
            painter.drawText(QRectF(x + line * 0.7, legend_y, width, line), Qt.AlignmentFlag.AlignLeft, name)
            x += line * 0.7 + metrics.horizontalAdvance(name) + 16
        top = legend_y + line * 2
        bottom = height - line * 2 - 6
        left, right = 12.0, width - 12.0
        if not self.bars or bottom - top < 20:
            painter.setPen(QColor("#757575"))
            painter.drawText(QRectF(0, top, width, bottom - top), Qt.AlignmentFlag.AlignCenter,
                             tr("这两个月没有接待登记"))
            painter.end()
            return
        highest = max(max(this, before) for _label, this, before in self.bars) or 1
        painter.setPen(QPen(QColor("#9e9e9e"), 1))
        painter.drawLine(int(left), int(bottom), int(right), int(bottom))
        group = (right - left) / len(self.bars)
        bar = min(group * 0.36, 48.0)
        for index, (label, this, before) in enumerate(self.bars):
            centre = left + group * (index + 0.5)
            for offset, value, colour in ((-bar, this, THIS_COLOUR), (0.0, before, PREVIOUS_COLOUR)):
                tall = (bottom - top) * value / highest
                rect = QRectF(centre + offset, bottom - tall, bar - 2, tall)
                painter.fillRect(rect, colour)
                painter.setPen(QColor("#424242"))
                painter.drawText(QRectF(rect.x() - 12, rect.y() - line, bar + 22, line),
                                 Qt.AlignmentFlag.AlignHCenter, str(value))
            painter.setPen(QColor("#212121"))
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(group) - 4)
            painter.drawText(QRectF(centre - group / 2, bottom + 4, group, line * 2),
                             Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, text)
        painter.end()


class ReportPage(QWidget):
    """The 本月报表 page of the main window."""

    def __init__(self, ctx: ServiceContext, today: Today | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today: Today = today or dt.date.today
        self.found: Summary | None = None
        self.stations_shown: list[StationRow] = []

        self.month = QComboBox()
        self._fill_months()
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.export = QPushButton(tr("导出 Excel…"))
        self.export.clicked.connect(self.export_workbook)
        self.heading = QLabel()
        heading_font = QFont(self.heading.font())
        heading_font.setPointSize(heading_font.pointSize() + 3)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("月份")))
        top.addWidget(self.month)
        top.addSpacing(12)
        top.addWidget(self.heading, 1)
        top.addWidget(self.export)

        self.summary_model = SummaryModel()
        self.summary_view = make_table(self.summary_model)
        self.summary_view.setSortingEnabled(False)
        self.summary_view.verticalHeader().hide()
        header = self.summary_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = header.fontMetrics()
        for column in (1, 2, 3):  # room for the header in either language, and for 12,345.00
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            title = self.summary_model.columns[column].header
            header.resizeSection(column, max(metrics.horizontalAdvance(title), metrics.horizontalAdvance("000,000.00")) + 28)
        self.summary_pane = TablePane(self.summary_view)
        self.chart = BarChart()
        self.note = QLabel(tr("本年累计为 1 月至所选月份；超期按月末统计；满意率 =（满意 + 基本满意）÷ 回访次数。"))
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.stations_model = StationsModel()
        self.stations_view = make_table(self.stations_model)
        self.stations_view.verticalHeader().hide()
        self.stations_label = QLabel(tr("各站对比"))
        right = QVBoxLayout()
        right.addWidget(self.chart, 3)
        right.addWidget(self.note)
        right.addWidget(self.stations_label)
        right.addWidget(self.stations_view, 2)
        body = QHBoxLayout()
        body.addWidget(self.summary_pane, 5)
        body.addLayout(right, 6)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def _fill_months(self) -> None:
        self.month.blockSignals(True)
        self.month.clear()
        month = Month.of(self.today())
        for _ in range(MONTHS_BACK + 1):
            self.month.addItem(month.label, month.key)
            month = month.previous()
        self.month.setCurrentIndex(1)  # the month that last ended
        self.month.blockSignals(False)

    @property
    def chosen(self) -> Month:
        return Month.parse(self.month.currentData())

    def refresh(self) -> None:
        """Read the chosen month again (what showing the page does)."""
        month, today = self.chosen, self.today()
        try:
            table = report.per_station(self.ctx, month, today=today)
            with_data = [row for row in table if row.figures.visits or row.figures.slots_planned]
            # a county (more than one station with data) sees the whole county; a station its own month
            station_id = None if len(with_data) > 1 else self.ctx.station_id
            self.found = report.summary(self.ctx, month, station_id, today=today)
        except StationError as exc:
            error_box(self, tr("本月报表"), exc)
            return
        found = self.found
        self.heading.setText(tr("{station} {month}", station=found.station_name, month=month.label))
        self.summary_model.set_rows(list(found.rows))
        self.summary_pane.show_rows(found.this.visits + found.year.visits + found.year.slots_planned,
                                    tr("{month}及今年以来还没有接待登记和值班。在“接待登记”页登记来访群众，"
                                       "在“排班”页排出值班后，这里就有本月报表。", month=month.label))
        bars = [(row.label, int(row.this or 0), int(row.previous or 0)) for row in found.section("channel")]
        self.chart.show_bars(tr("接待方式（本月与上月，批次）"), (month.label, month.previous().label),
                             bars if any(this or before for _l, this, before in bars) else [])
        self.stations_shown = table if len(with_data) > 1 else []
        self.stations_model.set_rows(self.stations_shown)
        for widget in (self.stations_label, self.stations_view):
            widget.setVisible(bool(self.stations_shown))

    def export_workbook(self) -> None:
        if self.found is None:
            self.refresh()
        if self.found is None:
            return
        month = self.chosen
        county = bool(self.stations_shown)
        station_id = None if county else self.ctx.station_id
        title = tr("{station}{month}工作报表", station=self.found.station_name, month=month.label)
        name, _ = QFileDialog.getSaveFileName(self, tr("导出本月报表"), file_name(title + ".xlsx"),
                                              tr("Excel 文件 (*.xlsx)"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        try:
            report.write_month_report(self.ctx, month, path, station_id, today=self.today(), county=county)
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出本月报表"), exc)
            return
        QMessageBox.information(self, tr("导出本月报表"), tr("已导出到 {file}", file=path))
