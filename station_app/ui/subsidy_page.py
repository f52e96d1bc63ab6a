"""误工补贴 page: the month's batch from draft to paid, the daily rates, and the year's summary.

Every rule is in ``services.subsidy``; the sheets are written by ``services.subsidy_output``. The page
shows what they answer and turns each button into one call: opening a month computes its draft
(``refresh_draft``), confirming passes the total on screen so a change made at another desk since is
refused, and a 登记员 sees the month but cannot adjust, confirm or pay.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.services import money, subsidy, subsidy_output
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.subsidy import Batch, Line, Month, Rate
from station_app.ui.forms import ERROR_FIELD_STYLE, ERROR_STYLE, ask_void_reason, error_label, ok_cancel
from station_app.ui.printing import print_with_preview
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import (
    CELL_PADDING,
    FlowLayout,
    TablePane,
    Today,
    error_box,
    fit_columns,
    make_table,
    select_row,
)
from station_app.vocab import Attendance, BatchState, Meal, PaidMonthChange, Role, SubsidyLineKind

STATE_COLOURS = {BatchState.DRAFT: "#ef6c00", BatchState.CONFIRMED: "#1565c0", BatchState.PAID: "#2e7d32"}
#: a line whose amount was adjusted by hand, and a correction to a month already paid
ADJUSTED_BACKGROUND, ADJUSTED_TEXT = "#ffe0b2", "#e65100"
CORRECTION_BACKGROUND, CORRECTION_TEXT = "#d6eafc", "#0d47a1"
HINT_STYLE = "color:#e65100; background:#fff3e0; padding:6px; border-radius:3px;"
NOTE_STYLE = "color:#616161;"



def number(value: Decimal) -> str:
    """A count of days as a person writes it: 3, 1.5, −1 (never 3.0 or 1E+1)."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace("-", "−")


def yuan(amount: Decimal) -> str:
    return money.format_yuan(amount).replace("-", "−")


def capitals(amount: Decimal) -> str:
    """The amount in Chinese capitals, as the sign-off sheet writes it (a negative total says 负)."""
    words = money.capitals(abs(amount))
    return tr("负{words}", words=words) if amount < 0 else words


def local_time(at: dt.datetime) -> str:
    """A stored UTC time as the clock on this PC read it: 2026-12-01 10:03."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def file_name(text: str) -> str:
    """A title as a file name: a month written 11/2026 (in English) makes no folder."""
    return text.replace("/", "-").replace("\\", "-")


def set_allowed(button: QAbstractButton, allowed: bool, why: str = "") -> None:
    """Enable a button, or disable it saying why in its tooltip."""
    button.setEnabled(allowed)
    button.setToolTip("" if allowed else why)


def starting_month(ctx: ServiceContext, today: dt.date) -> Month:
    """The month the page opens on: the latest month that has ended with its batch not yet paid (the one
    waiting for the administrator), else the month before this one."""
    current = Month.of(today)
    try:
        waiting = [month for month, state in subsidy.months_with_batches(ctx)
                   if state != BatchState.PAID and month < current]
    except StationError:
        waiting = []
    return max(waiting) if waiting else current.previous()


# --- A small dialog of fields -------------------------------------------------------------------


class FieldsDialog(QDialog):
    """Fields laid out label | widget | error; ``on_save(values)`` raises ValidationFailed to keep the dialog
    open with each message beside its field, or StationError to show it below them."""

    def __init__(self, title: str, on_save: Callable[[dict[str, Any]], Any], parent: QWidget | None = None,
                 ok_text: str = "", note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(760)
        self._on_save = on_save
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(10)
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        layout = QVBoxLayout(self)
        if note:
            intro = QLabel(note)
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(self.grid)
        layout.addWidget(self.general_error)
        layout.addWidget(ok_cancel(self, self.save, ok_text))

    def add(self, key: str, label: str, widget: QWidget, required: bool = False, wide: bool = False) -> QWidget:
        """A row; a ``wide`` one (a check box with its sentence) takes the room of the error beside it too."""
        row = self.grid.rowCount()
        text = QLabel(label + ("<span style='color:#c62828'> *</span>" if required else ""))
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setBuddy(widget)
        self.grid.addWidget(text, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if wide:
            self.grid.addWidget(widget, row, 1, 1, 2)
        else:
            error = error_label(key)
            self.grid.addWidget(widget, row, 1)
            self.grid.addWidget(error, row, 2)
            self.errors[key] = error
        self.widgets[key] = widget
        return widget

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QDateEdit):
                result[key] = widget.date().toPython()
            elif isinstance(widget, QCheckBox):
                result[key] = widget.isChecked()
            elif isinstance(widget, QPlainTextEdit):
                result[key] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                result[key] = widget.text()
        return result

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            self.widgets[key].setStyleSheet(ERROR_FIELD_STYLE if key in errors else "")
        self.general_error.setText("；".join(message for key, message in errors.items() if key not in self.errors))

    def save(self) -> None:
        try:
            self._on_save(self.values())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except StationError as exc:
            self.show_errors({})
            self.general_error.setText(str(exc))
            return
        self.accept()


def date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


# --- 月度发放 ---------------------------------------------------------------------------------------


class LineModel(RowTableModel):
    """The review table: an adjusted line's 实发 in orange on an orange row, a correction line on blue."""

    MONEY_COLUMNS = (5, 6, 7)
    PAID_COLUMN = 7

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line: Line = self.rows[index.row()]
        correction = line.kind == SubsidyLineKind.CORRECTION
        if role == Qt.ItemDataRole.BackgroundRole:
            if correction:
                return QBrush(QColor(CORRECTION_BACKGROUND))
            if line.adjusted:
                return QBrush(QColor(ADJUSTED_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.adjusted and index.column() == self.PAID_COLUMN:
                return QBrush(QColor(ADJUSTED_TEXT))
            if correction:
                return QBrush(QColor(CORRECTION_TEXT))
        if role == Qt.ItemDataRole.FontRole and line.adjusted and index.column() == self.PAID_COLUMN:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (1, 2, 3, 8):
            return super().data(index, Qt.ItemDataRole.DisplayRole) or None
        return super().data(index, role)


def _name(line: Line) -> str:
    if line.kind == SubsidyLineKind.CORRECTION:
        return tr("{name}（{kind}）", name=line.name, kind=SubsidyLineKind.CORRECTION.label)
    return line.name


class BatchTab(QWidget):
    """One month: pick it, see its state, review its lines, and move it from draft to paid."""

    COLUMNS = [
        TableColumn(tr("序号"), lambda r: r.seq, 44, True),
        TableColumn(tr("姓名"), _name, 100),
        TableColumn(tr("代表团"), lambda r: r.delegation, 105),
        TableColumn(tr("值班日期"), lambda r: r.dates_text, 140),
        TableColumn(tr("天数"), lambda r: number(r.day_count), 44, True),
        TableColumn(tr("标准"), lambda r: r.rate_text, 70),
        TableColumn(tr("应发"), lambda r: yuan(r.computed), 80),
        TableColumn(tr("实发"), lambda r: yuan(r.amount), 80),
        TableColumn(tr("备注"), lambda r: r.remark, 160),
    ]

    def __init__(self, ctx: ServiceContext, today: Today) -> None:
        super().__init__()
        self.ctx = ctx
        self.today = today
        self.batch: Batch | None = None
        start = starting_month(ctx, today())
        self.month_edit = QDateEdit(QDate(start.year, start.month, 1))
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setKeyboardTracking(False)  # a month half typed is not opened (nor its draft made)
        self.month_edit.setMinimumWidth(self.month_edit.fontMetrics().horizontalAdvance("2026-12") + 48)
        self.prev_button, self.next_button = QPushButton("◀"), QPushButton("▶")
        for button, tip in ((self.prev_button, tr("上个月")), (self.next_button, tr("下个月"))):
            button.setFixedWidth(36)
            button.setToolTip(tip)
        self.state_label = QLabel()
        self.state_note = QLabel()
        self.state_note.setStyleSheet(NOTE_STYLE)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 14px;")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        swatch = "<span style='background-color:{}'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;</span>"
        self.legend = QLabel(tr("{adjusted} 调整过金额　　{correction} 已发放月份的更正",
                                adjusted=swatch.format(ADJUSTED_BACKGROUND),
                                correction=swatch.format(CORRECTION_BACKGROUND)))
        self.legend.setStyleSheet(NOTE_STYLE)
        self.blockers = QLabel()
        self.blockers.setWordWrap(True)
        self.blockers.setStyleSheet(HINT_STYLE)
        self.adjust_button = QPushButton(tr("调整金额…"))
        self.confirm_button = QPushButton(tr("确认"))
        self.withdraw_button = QPushButton(tr("撤回确认…"))
        self.pay_button = QPushButton(tr("发放…"))
        self.print_button = QPushButton(tr("打印签领表"))
        self.meals_button = QPushButton(tr("打印用餐表"))
        self.export_button = QPushButton(tr("导出 Excel…"))
        self.model = LineModel(self.COLUMNS)
        self.view = make_table(self.model)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)  # 序号 is the sheet's own number
        fit_columns(self.view.horizontalHeader(), [column.width for column in self.COLUMNS])
        self.pane = TablePane(self.view)
        self.history = QTextBrowser()
        self.history.setMaximumHeight(86)
        self.history.setStyleSheet("QTextBrowser { background: #fafafa; border: 1px solid #e0e0e0; }")

        picker = FlowLayout()
        picker.addWidget(QLabel(tr("月份")))
        for widget in (self.prev_button, self.month_edit, self.next_button):
            picker.addWidget(widget)
        picker.addSpacing(12)
        picker.addWidget(self.state_label)
        picker.addWidget(self.state_note)
        picker.addStretch(1)
        for button in (self.adjust_button, self.confirm_button, self.withdraw_button, self.pay_button):
            picker.addWidget(button)
        outputs = FlowLayout()
        outputs.addWidget(self.summary, 1)
        for button in (self.print_button, self.meals_button, self.export_button):
            outputs.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addLayout(outputs)
        layout.addWidget(self.blockers)
        layout.addWidget(self.pane, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.history)

        self.month_edit.dateChanged.connect(self.refresh)
        self.prev_button.clicked.connect(lambda: self.month_edit.setDate(self.month_edit.date().addMonths(-1)))
        self.next_button.clicked.connect(lambda: self.month_edit.setDate(self.month_edit.date().addMonths(1)))
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.adjust_button.clicked.connect(self.adjust)
        self.confirm_button.clicked.connect(self.confirm)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.pay_button.clicked.connect(self.pay)
        self.print_button.clicked.connect(lambda: self.print_sheet(meals=False))
        self.meals_button.clicked.connect(lambda: self.print_sheet(meals=True))
        self.export_button.clicked.connect(self.export)
        self.show_batch(None, "")

    # --- the month ---

    @property
    def month(self) -> Month:
        date = self.month_edit.date()
        return Month(date.year(), date.month())

    def open_month(self, month: Month | str) -> None:
        """Show ``month`` (the picker moves to it; opening it computes its draft)."""
        month = Month.parse(month)
        if month == self.month:
            self.refresh()
        else:
            self.month_edit.setDate(QDate(month.year, month.month, 1))

    def refresh(self) -> None:
        """Open the month: a draft is computed again from the attendance and kept; a confirmed or paid month
        shows as it was kept."""
        selected = self.selected_line()
        try:
            batch = subsidy.refresh_draft(self.ctx, self.month, today=self.today())
        except StationError as exc:
            self.show_batch(None, str(exc))
            return
        self.show_batch(batch, "")
        if selected is not None:
            for row, line in enumerate(self.model.rows):
                if (line.kind, line.representative_id, line.corrects_month) == \
                        (selected.kind, selected.representative_id, selected.corrects_month):
                    select_row(self.view, row)
                    break

    def show_batch(self, batch: Batch | None, problem: str) -> None:
        self.batch = batch
        self.model.set_rows(batch.lines if batch else [])
        if batch is not None and batch.lines:  # a name made unique with its delegation is longer: up to a point
            longest = max(self.view.fontMetrics().horizontalAdvance(_name(line)) for line in batch.lines)
            self.view.horizontalHeader().resizeSection(1, max(self.COLUMNS[1].width, min(longest + CELL_PADDING, 170)))
        month = self.month
        if batch is None:
            self.pane.show_rows(0, problem or tr("选择一个月份。"))
            self.state_label.setText("")
            self.state_label.setStyleSheet("")
            self.state_note.setText("")
            self.summary.setText("")
            self.blockers.setVisible(False)
            self.legend.setVisible(False)
            self.history.setVisible(False)
            self.update_buttons()
            return
        stored = batch.id is not None
        state_text = batch.state.label if stored else tr("无补贴")
        colour = STATE_COLOURS[batch.state] if stored else "#9e9e9e"
        self.state_label.setText(state_text)
        self.state_label.setStyleSheet(f"background:{colour}; color:white; font-weight:bold; padding:3px 10px;"
                                       "border-radius:3px;")
        if batch.state == BatchState.PAID:
            note = tr("{day} 由 {name} 发放", day=batch.paid_on, name=batch.paid_by)
        elif batch.state == BatchState.CONFIRMED:
            note = tr("{at} 由 {name} 确认", at=local_time(batch.confirmed_at) if batch.confirmed_at else "",
                      name=batch.confirmed_by)
        else:
            note = tr("随签到自动更新") if stored else ""
        self.state_note.setText(note)
        self.pane.show_rows(len(batch.lines), self.empty_hint(month))
        if batch.lines:
            meals = tr("{meal} {n} 份", meal=Meal.BREAKFAST.label, n=batch.breakfasts) + " · " + \
                tr("{meal} {n} 份", meal=Meal.LUNCH.label, n=batch.lunches)
            self.summary.setText(tr("{people} 人 · {days} 天 · 合计 ￥{total}（{capitals}）", people=batch.people,
                                    days=number(batch.day_total), total=yuan(batch.total),
                                    capitals=capitals(batch.total)) + "　" + meals)
        else:
            self.summary.setText("")
        waiting = batch.state == BatchState.DRAFT and batch.lines and batch.blockers
        self.blockers.setText(tr("暂不能确认：{why}", why="；".join(batch.blockers)) if waiting else "")
        self.blockers.setVisible(bool(waiting))
        self.legend.setVisible(any(line.adjusted or line.kind == SubsidyLineKind.CORRECTION for line in batch.lines))
        self.history.setVisible(bool(batch.events))
        self.history.setHtml("".join(
            f"<div>{escape(local_time(e.at))}　{escape(e.by)}　<b>{escape(e.step.label)}</b>　{escape(e.note)}</div>"
            for e in batch.events))
        self.update_buttons()

    def empty_hint(self, month: Month) -> str:
        return tr("{month}没有要发放的误工补贴。\n误工补贴只发给无固定收入、在值班日签到为“{present}”的代表"
                  "（窗口单位负责人不发）；这个月还没有这样的值班。", month=month.label,
                  present=Attendance.PRESENT.label)

    def selected_line(self) -> Line | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def update_buttons(self) -> None:
        batch = self.batch
        admin = self.ctx.operator.is_admin
        state = batch.state if batch is not None and batch.id is not None else None
        has_lines = bool(batch and batch.lines)
        only_admin = tr("只有{role}可以调整、确认和发放误工补贴", role=Role.ADMIN.label)
        nothing = tr("这个月没有要发放的误工补贴")
        locked = tr("{month}的补贴{state}，金额不能再调整", month=self.month.label,
                    state=state.label if state else "")
        line = self.selected_line()
        if not admin:
            for button in (self.adjust_button, self.confirm_button, self.withdraw_button, self.pay_button):
                set_allowed(button, False, only_admin)
        else:
            set_allowed(self.adjust_button, state == BatchState.DRAFT and line is not None and line.id is not None,
                        nothing if not has_lines else locked if state != BatchState.DRAFT else tr("先在表中选中一行"))
            if state == BatchState.DRAFT:
                set_allowed(self.confirm_button, not batch.blockers, "；".join(batch.blockers))
            else:
                set_allowed(self.confirm_button, False,
                            nothing if state is None else tr("{month}的补贴{state}", month=self.month.label, state=state.label))
            set_allowed(self.withdraw_button, state == BatchState.CONFIRMED,
                        tr("已发放的月份不能撤回") if state == BatchState.PAID else tr("只有已确认、尚未发放的月份可以撤回"))
            set_allowed(self.pay_button, state == BatchState.CONFIRMED,
                        tr("{month}的补贴{state}", month=self.month.label, state=state.label) if state == BatchState.PAID
                        else nothing if state is None else tr("请先确认，再发放"))
        set_allowed(self.print_button, has_lines, nothing)
        set_allowed(self.export_button, has_lines, nothing)
        set_allowed(self.meals_button, bool(batch and batch.meals), tr("这个月没有值班用餐"))

    # --- moving the batch ---

    def adjust(self) -> None:
        line = self.selected_line()
        if line is None or line.id is None:
            QMessageBox.information(self, tr("调整金额"), tr("请先在表中选中要调整的一行。"))
            return
        dialog = FieldsDialog(tr("调整金额"), lambda f: subsidy.adjust_line(self.ctx, line.id, f["amount"], f["reason"]),
                              self, note=tr("{name}：按签到应发 {computed} 元（{days} 天）。调整的原因会印在签领表的备注里。",
                                            name=line.name, computed=yuan(line.computed), days=number(line.day_count)))
        amount = QLineEdit(money.format_yuan(line.amount).replace(",", ""))
        dialog.add("amount", tr("实发金额（元）"), amount, required=True)
        dialog.add("reason", tr("调整原因"), QLineEdit(line.adjust_reason), required=True)
        amount.setFocus()
        amount.selectAll()
        if dialog.exec():
            self.refresh()

    def confirm(self) -> None:
        if self.batch is None:
            return
        try:
            subsidy.confirm(self.ctx, self.month, reviewed_total=self.batch.total, today=self.today())
        except StationError as exc:
            error_box(self, tr("确认误工补贴"), exc)
        self.refresh()

    def withdraw(self) -> None:
        month = self.month
        dialog = FieldsDialog(tr("撤回确认"), lambda f: subsidy.withdraw(self.ctx, month, f["reason"], today=self.today()),
                              self, ok_text=tr("撤回确认"),
                              note=tr("撤回后{month}回到草稿，可以修改签到、重新计算，再确认。", month=month.label))
        reason = QPlainTextEdit()
        reason.setFixedHeight(70)
        dialog.add("reason", tr("撤回原因"), reason, required=True)
        if dialog.exec():
            self.refresh()

    def pay(self) -> None:
        month = self.month
        total = self.batch.total if self.batch else Decimal("0.00")
        dialog = FieldsDialog(tr("发放误工补贴"), lambda f: subsidy.pay(self.ctx, month, f["paid_on"], f["paid_by"],
                                                                  today=self.today()),
                              self, ok_text=tr("发放"),
                              note=tr("{month}合计 {total} 元。发放后该月锁定，签到不能再改。", month=month.label,
                                      total=yuan(total)))
        dialog.add("paid_on", tr("发放日期"), date_edit(self.today()), required=True)
        dialog.add("paid_by", tr("发放人"), QLineEdit(self.ctx.operator.name), required=True)
        if dialog.exec():
            self.refresh()

    # --- paper and Excel ---

    def print_sheet(self, meals: bool) -> None:
        title = tr("{month}误工补贴用餐表", month=self.month.label) if meals else \
            tr("{month}误工补贴签领表", month=self.month.label)
        path = Path(tempfile.mkdtemp(prefix="station-subsidy-")) / file_name(title + ".pdf")
        try:
            subsidy_output.write_sheet(self.ctx, self.month, path, meals=meals, today=self.today())
        except (StationError, FileWriteError) as exc:
            error_box(self, title, exc)
            return
        finally:
            self.refresh()  # the sheet was written from the month as it stands now
        print_with_preview(self, path, title)

    def export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("导出误工补贴"),
                                              file_name(tr("{month}误工补贴签领表.xlsx", month=self.month.label)),
                                              tr("Excel 文件 (*.xlsx)"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        try:
            subsidy_output.write_sheet(self.ctx, self.month, path, today=self.today())
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出误工补贴"), exc)
            return
        finally:
            self.refresh()
        QMessageBox.information(self, tr("导出误工补贴"), tr("已导出到 {file}", file=path))


# --- 补贴标准 ---------------------------------------------------------------------------------------


def _rate_start(rate: Rate) -> str:
    return "—" if rate.id is None else rate.valid_from.isoformat()


def _rate_note(rate: Rate) -> str:
    return tr("默认标准：没有设定标准的日子按此发放") if rate.id is None else rate.note


class RateModel(RowTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class RatesTab(QWidget):
    """The daily rates, each from its start day on; the default 100 yuan before any is set."""

    COLUMNS = [
        TableColumn(tr("起始日期"), _rate_start, 140),
        TableColumn(tr("标准（元/天）"), lambda r: yuan(r.daily_rate), 110),
        TableColumn(tr("半天减半"), lambda r: tr("是") if r.half_day_half else tr("否"), 80, True),
        TableColumn(tr("备注"), _rate_note, 300),
    ]

    def __init__(self, ctx: ServiceContext, today: Today) -> None:
        super().__init__()
        self.ctx = ctx
        self.today = today
        self.current = QLabel()
        self.current.setStyleSheet("font-size: 14px;")
        self.add_button = QPushButton(tr("新标准…"))
        self.void_button = QPushButton(tr("作废…"))
        self.model = RateModel(self.COLUMNS, greyed=lambda r: r.id is None)
        self.view = make_table(self.model)
        self.view.setSortingEnabled(False)  # oldest first, as they follow one another
        self.view.verticalHeader().setVisible(False)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.pane = TablePane(self.view)
        self.policy = QLabel()
        self.policy.setWordWrap(True)
        self.policy.setStyleSheet(NOTE_STYLE)
        bar = FlowLayout()
        bar.addWidget(self.current, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.void_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.pane, 1)
        layout.addWidget(self.policy)
        self.add_button.clicked.connect(self.add)
        self.void_button.clicked.connect(self.void)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)

    def refresh(self) -> None:
        try:
            rates = subsidy.rates(self.ctx)
            policy = PaidMonthChange.parse(settings_service.read(self.ctx).subsidy_paid_month_change)
        except StationError as exc:
            self.model.set_rows([])
            self.pane.show_rows(0, str(exc))
            self.current.setText("")
            self.policy.setText("")
            self.update_buttons()
            return
        self.model.set_rows([subsidy.DEFAULT, *rates])
        self.pane.show_rows(1 + len(rates), "")
        now = subsidy.rate_on(rates, self.today())
        text = tr("现行标准：{amount} 元/天", amount=yuan(now.daily_rate))
        if now.id is None:
            text += tr("（默认标准，尚未另设）") if not rates else tr("（默认标准）")
        elif now.half_day_half:
            text += tr("，只值半天的按一半发放")
        coming = [rate for rate in rates if rate.valid_from > self.today()]
        if coming:
            text += tr("；{day} 起改为 {amount} 元/天", day=coming[0].valid_from, amount=yuan(coming[0].daily_rate))
        self.current.setText(text)
        self.policy.setText(tr("新标准从起始日期起计算，不改已确认或已发放的月份。补贴发放后再改该月签到时，是拒绝修改还是"
                               "转入下月更正，在“设置”页选择（现在：{policy}）。",
                               policy=(policy or PaidMonthChange.REFUSE).label))
        self.update_buttons()

    def selected_rate(self) -> Rate | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def update_buttons(self) -> None:
        only_admin = tr("只有{role}可以设置补贴标准", role=Role.ADMIN.label)
        admin = self.ctx.operator.is_admin
        set_allowed(self.add_button, admin, only_admin)
        rate = self.selected_rate()
        set_allowed(self.void_button, admin and rate is not None and rate.id is not None,
                    only_admin if not admin else tr("默认标准不能作废") if rate is not None else tr("先在表中选中一条标准"))

    def add(self) -> None:
        rates = subsidy.rates(self.ctx)
        now = subsidy.rate_on(rates, self.today())
        start = Month.of(self.today()).next().first
        dialog = FieldsDialog(tr("新的补贴标准"), lambda f: subsidy.add_rate(self.ctx, f["valid_from"], f["daily_rate"],
                                                                           f["half_day_half"], f["note"]),
                              self, note=tr("新标准从起始日期起执行，之前的日子仍按原标准。"))
        dialog.add("valid_from", tr("起始日期"), date_edit(start), required=True)
        dialog.add("daily_rate", tr("标准（元/天）"), QLineEdit(money.format_yuan(now.daily_rate).replace(",", "")),
                   required=True)
        half = QCheckBox(tr("只值半天（上午或下午）的按一半发放"))
        half.setChecked(now.half_day_half)
        dialog.add("half_day_half", tr("半天按一半发放"), half, wide=True)
        dialog.add("note", tr("备注"), QLineEdit())
        if dialog.exec():
            self.refresh()

    def void(self) -> None:
        rate = self.selected_rate()
        if rate is None or rate.id is None:
            return
        reason = ask_void_reason(self, tr("从 {day} 起的标准", day=rate.valid_from))
        if not reason:
            return
        try:
            subsidy.void_rate(self.ctx, rate.id, reason)
        except StationError as exc:
            error_box(self, tr("作废补贴标准"), exc)
        self.refresh()


# --- 年度汇总 ---------------------------------------------------------------------------------------


MONTH_HEADERS = (tr("1月"), tr("2月"), tr("3月"), tr("4月"), tr("5月"), tr("6月"), tr("7月"), tr("8月"), tr("9月"),
                 tr("10月"), tr("11月"), tr("12月"))


@dataclass(frozen=True)
class YearLine:
    """A row of the year table: a person, or the totals."""

    name: str
    delegation: str
    by_month: dict[int, Decimal] = field(default_factory=dict)
    days: Decimal = Decimal("0")
    total: Decimal = Decimal("0.00")
    is_total: bool = False


def _month_cell(month: int) -> Callable[[YearLine], str]:
    return lambda r: yuan(r.by_month[month]) if r.by_month.get(month) else ""


class YearModel(RowTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line: YearLine = self.rows[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and line.is_total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and line.is_total:
            return QBrush(QColor("#eceff1"))
        return super().data(index, role)


class YearTab(QWidget):
    """The year's paid subsidy per person and month, and what has been paid since a chosen day."""

    COLUMNS = [TableColumn(tr("姓名"), lambda r: r.name, 70), TableColumn(tr("代表团"), lambda r: r.delegation, 105)] + [
        TableColumn(name, _month_cell(m), 60) for m, name in enumerate(MONTH_HEADERS, start=1)] + [
        TableColumn(tr("天数"), lambda r: number(r.days), 40),
        TableColumn(tr("合计"), lambda r: yuan(r.total), 80)]

    def __init__(self, ctx: ServiceContext, today: Today) -> None:
        super().__init__()
        self.ctx = ctx
        self.today = today
        day = today()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(Month.of(day).previous().year)
        self.year.setSuffix(tr(" 年"))
        self.year.setKeyboardTracking(False)
        self.since = date_edit(dt.date(day.year - 1, 1, 1))
        self.since.setKeyboardTracking(False)
        self.year_total = QLabel()
        self.year_total.setStyleSheet("font-size: 14px;")
        self.running = QLabel()
        self.running.setWordWrap(True)
        self.running.setStyleSheet("font-size: 14px;")
        self.running.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(tr("导出 Excel…"))
        self.model = YearModel(self.COLUMNS)
        self.view = make_table(self.model)
        self.view.setSortingEnabled(False)  # the totals row stays last
        self.view.verticalHeader().setVisible(False)
        self.pane = TablePane(self.view)
        bar = FlowLayout()
        bar.addWidget(QLabel(tr("年份")))
        bar.addWidget(self.year)
        bar.addWidget(self.year_total)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        since = QHBoxLayout()
        since.addWidget(QLabel(tr("自")))
        since.addWidget(self.since)
        since.addWidget(self.running, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.pane, 1)
        layout.addLayout(since)
        self.year.valueChanged.connect(self.refresh)
        self.since.dateChanged.connect(self.refresh_running)
        self.export_button.clicked.connect(self.export)

    def refresh(self) -> None:
        year = self.year.value()
        try:
            summary = subsidy.year_summary(self.ctx, year)
        except StationError as exc:
            self.model.set_rows([])
            self.pane.show_rows(0, str(exc))
            self.year_total.setText("")
            self.running.setText("")
            set_allowed(self.export_button, False, str(exc))
            return
        rows = [YearLine(r.name, r.delegation, r.by_month, r.days, r.total) for r in summary.rows]
        if rows:
            rows.append(YearLine(tr("合计"), tr("{n} 人", n=len(rows)), summary.by_month, summary.days, summary.total,
                                 is_total=True))
        self.model.set_rows(rows)
        self.pane.show_rows(len(rows), tr("{year}年还没有已发放的误工补贴。\n在“月度发放”中确认并发放一个月后，这里按人按月汇总。",
                                          year=year))
        self.year_total.setText(tr("　全年已发放 ￥{total}（{capitals}）", total=yuan(summary.total),
                                   capitals=capitals(summary.total)) if rows else "")
        set_allowed(self.export_button, True)
        self.refresh_running()

    def refresh_running(self) -> None:
        since = self.since.date().toPython()
        try:
            paid = subsidy.paid_since(self.ctx, since)
        except StationError as exc:
            self.running.setText(str(exc))
            return
        self.running.setText(tr("以来共发放 {total} 元（{capitals}），{months} 个月，{people} 人，{times} 人次",
                                total=yuan(paid.total), capitals=capitals(paid.total), months=paid.months,
                                people=paid.people, times=number(paid.person_days)))

    def export(self) -> None:
        year = self.year.value()
        name, _ = QFileDialog.getSaveFileName(self, tr("导出年度汇总"), tr("{year}年误工补贴汇总.xlsx", year=year),
                                              tr("Excel 文件 (*.xlsx)"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        try:
            subsidy_output.write_year(self.ctx, year, path, since=self.since.date().toPython())
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出年度汇总"), exc)
            return
        QMessageBox.information(self, tr("导出年度汇总"), tr("已导出到 {file}", file=path))


# --- The page ----------------------------------------------------------------------------------


class SubsidyPage(QTabWidget):
    """误工补贴: 月度发放, 补贴标准, 年度汇总. ``today`` is the clock (a test gives its own)."""

    def __init__(self, ctx: ServiceContext, today: Today | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.today: Today = today or dt.date.today
        self.batch = BatchTab(ctx, self.today)
        self.rates = RatesTab(ctx, self.today)
        self.year = YearTab(ctx, self.today)
        self.addTab(self.batch, tr("月度发放"))
        self.addTab(self.rates, tr("补贴标准"))
        self.addTab(self.year, tr("年度汇总"))
        self.currentChanged.connect(lambda _i: self.refresh())

    def refresh(self) -> None:
        """What showing the page does: the tab in sight rereads (a draft month computes again)."""
        self.currentWidget().refresh()
