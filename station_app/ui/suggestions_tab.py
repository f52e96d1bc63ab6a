"""代表建议 tab: the suggestions with their deadlines (overdue ones in red), one suggestion's history, and
buttons for the step its state allows — each step in a small dialog asking the day it happened.

Every rule (which step comes next, the deadlines, the dates allowed) is in ``services.suggestions``;
the tab shows its answers.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from html import escape
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import chinese_date, tr
from station_app.io.files import FileWriteError
from station_app.services import reception, suggestions
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.suggestions import SuggestionRow
from station_app.ui.forms import FieldSpec, FormDialog, ask_void_reason
from station_app.ui.printing import print_with_preview
from station_app.ui.reception_page import RepresentativeChooser
from station_app.ui.referrals_page import _date as typed_date
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, Today, error_box, fit_columns, make_table, today_of
from station_app.vocab import Satisfaction, SuggestionScope, SuggestionState, SuggestionStep

NOTE_STYLE = "color:#616161;"
OVERDUE_COLOUR, SOON_COLOUR = "#c62828", "#ef6c00"
#: the buttons of the steps, with what each says (a button asks, a step names)
STEP_BUTTONS = {"route": tr("研判交付/报送…"), SuggestionStep.LETTER: tr("发交办函…"),
                SuggestionStep.ANSWER: tr("登记答复…"), SuggestionStep.RATE: tr("代表评价…")}


def due_text(row: SuggestionRow) -> str:
    """"报送 2026年3月9日": the step owed now and its day."""
    if row.next_step is None or row.due is None:
        return ""
    return tr("{step} {date}", step=row.next_step.label, date=chinese_date(row.due))


def left_text(row: SuggestionRow, today: dt.date) -> str:
    left = row.days_left(today)
    if left is None:
        return ""
    if row.overdue:
        return tr("超期 {n} 天", n=row.days_late)
    return tr("今天到期") if left == 0 else tr("剩 {n} 天", n=left)


class SuggestionModel(RowTableModel):
    """Overdue rows in red, the ones due within three days in orange."""

    def __init__(self, columns, today: Today) -> None:
        super().__init__(columns)
        self.today = today

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row: SuggestionRow = self.rows[index.row()]
            if row.overdue:
                return QBrush(QColor(OVERDUE_COLOUR))
            left = row.days_left(self.today())
            if left is not None and left <= suggestions.DUE_SOON_DAYS:
                return QBrush(QColor(SOON_COLOUR))
        return super().data(index, role)


def suggestion_columns(today: Today) -> list[TableColumn]:
    return [
        TableColumn(tr("编号"), lambda r: r.number, 140),
        TableColumn(tr("标题"), lambda r: r.title, 190),
        TableColumn(tr("状态"), lambda r: SuggestionState.label_of(r.state), 64),
        TableColumn(tr("下一步期限"), due_text, 165),
        TableColumn(tr("剩余"), lambda r: left_text(r, today()), 100),
        TableColumn(tr("提出代表"), lambda r: r.representatives, 100),
        TableColumn(tr("层级"), lambda r: SuggestionScope.label_of(r.scope), 50),
        TableColumn(tr("承办单位"), lambda r: r.unit, 130),
        TableColumn(tr("提出日期"), lambda r: r.opened_on, 90),
    ]


class SuggestionsTab(QWidget):
    """代表建议: filter, pick one, make its next step, print its 交办函, export the ledger."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, today: Today | dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today: Today = today_of(today)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索编号、标题、内容、单位、代表…"))
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox()
        self.state.addItem(tr("全部状态"), "")
        for state in SuggestionState:
            self.state.addItem(state.label, state.value)
        self.scope = QComboBox()
        self.scope.addItem(tr("全部层级"), "")
        for scope in SuggestionScope:
            self.scope.addItem(scope.label, scope.value)
        self.only_overdue = QCheckBox(tr("只看超期"))
        self.new_button = QPushButton(tr("新建建议…"))
        self.export_button = QPushButton(tr("导出台账…"))
        self.summary = QLabel()
        self.summary.setStyleSheet(NOTE_STYLE)
        self.model = SuggestionModel(suggestion_columns(self.today), self.today)
        self.view = make_table(self.model)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        fit_columns(self.view.horizontalHeader(), [c.width for c in self.model.columns],
                    {2: [s.label for s in SuggestionState], 6: [s.label for s in SuggestionScope]})
        self.pane = TablePane(self.view)
        self.detail = QTextBrowser()
        self.step_buttons: dict[object, QPushButton] = {}
        steps = FlowLayout()
        for key, label in STEP_BUTTONS.items():
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, k=key: self.step(k))
            self.step_buttons[key] = button
            steps.addWidget(button, 1)
        self.print_button = QPushButton(tr("打印交办函…"))
        self.void_button = QPushButton(tr("作废…"))
        for button in (self.print_button, self.void_button):
            steps.addWidget(button, 1)

        bar = FlowLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.state)
        bar.addWidget(self.scope)
        bar.addWidget(self.only_overdue)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.export_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addLayout(steps)
        splitter = QSplitter()
        splitter.addWidget(self.pane)
        splitter.addWidget(right)
        splitter.setSizes([860, 360])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

        self.search.textChanged.connect(lambda _t: self.refresh())
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.only_overdue.toggled.connect(lambda _b: self.refresh())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.show_detail())
        self.new_button.clicked.connect(self.new_suggestion)
        self.export_button.clicked.connect(self.export_ledger)
        self.print_button.clicked.connect(self.print_letter)
        self.void_button.clicked.connect(self.void)
        self.show_detail()

    # --- the list ---

    def refresh(self, select: str | None = None) -> None:
        """Reread the list; the selection stays on its suggestion (or moves to ``select``)."""
        keep = select or self.selected_id()
        today = self.today()
        rows = suggestions.list_suggestions(self.ctx, state=self.state.currentData() or None,
                                            scope=self.scope.currentData() or None, text=self.search.text(),
                                            today=today)
        if self.only_overdue.isChecked():
            rows = [r for r in rows if r.overdue]
        self.model.set_rows(rows)
        filtered = bool(self.search.text().strip() or self.state.currentData() or self.scope.currentData()
                        or self.only_overdue.isChecked())
        self.pane.show_rows(len(rows), tr("没有符合条件的代表建议。") if filtered else tr(
            "还没有代表建议。\n在“接待登记”中把办理结果选为“转为代表建议”，或点“新建建议…”直接登记代表提出的建议。"))
        late = sum(r.overdue for r in rows)
        self.summary.setText(tr("共 {n} 件，超期 {late} 件（{date}）", n=len(rows), late=late, date=chinese_date(today)))
        if not (keep and self.show_suggestion(keep)) and rows:
            self.show_suggestion(rows[0].id)
        self.show_detail()

    def show_suggestion(self, suggestion_id: str) -> bool:
        for number, row in enumerate(self.model.rows):
            if row.id == suggestion_id:
                index = self.model.index(number, 0)
                flags = QItemSelectionModel.SelectionFlag
                self.view.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
                self.view.scrollTo(index)
                return True
        return False

    def selected_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def show_detail(self) -> None:
        key = self.selected_id()
        for button in (*self.step_buttons.values(), self.print_button, self.void_button):
            button.setVisible(False)
        if key is None:
            self.detail.setHtml(tr("<p style='color:#757575'>选中一件代表建议，查看期限和办理经过。</p>"))
            return
        d = suggestions.suggestion_detail(self.ctx, key, self.today())
        r = d.row
        html = [f"<h3>{escape(r.number)}　<span style='color:#1565c0'>{SuggestionState.label_of(r.state)}</span></h3>",
                f"<p><b>{escape(r.title)}</b></p>",
                tr("<p>提出代表：{reps}　提出日期：{date}</p>", reps=escape(r.representatives),
                   date=chinese_date(r.opened_on)),
                tr("<p>办理层级：{scope}　承办单位：{unit}</p>", scope=SuggestionScope.label_of(r.scope),
                   unit=escape(r.unit) or tr("（未定）"))]
        if d.content and d.content != r.title:
            html.append(f"<p style='background:#f5f5f5;padding:6px'>{escape(d.content)}</p>")
        if d.answer:
            html.append(tr("<p>答复：{text}</p>", text=escape(d.answer)))
        if r.rating:
            html.append(tr("<p>代表评价：<b>{rating}</b></p>", rating=Satisfaction.label_of(r.rating)))
        if d.void_reason:
            html.append(tr("<p style='color:#c62828'>已作废：{reason}</p>", reason=escape(d.void_reason)))
        html.append(tr("<h4>期限</h4>"))
        for line in d.deadlines:
            if line.due is None:
                html.append(tr("<p>{step}：上一步完成后起算</p>", step=line.step.label))
                continue
            if line.done_on is not None:
                state = tr("{date}已完成", date=chinese_date(line.done_on)) + (
                    tr("，迟 {n} 天", n=line.days_late) if line.days_late else "")
            elif line.overdue:
                state = f"<b style='color:{OVERDUE_COLOUR}'>" + tr("超期 {n} 天", n=line.days_late) + "</b>"
            elif r.voided:
                state = ""
            else:
                state = tr("剩 {n} 天", n=(line.due - self.today()).days)
            html.append(tr("<p>{step}：期限 {due}　{state}</p>", step=line.step.label, due=chinese_date(line.due),
                           state=state))
        html.append(tr("<h4>办理经过</h4>"))
        for e in d.events:
            html.append(f"<p>{escape(suggestions.history_line(e.day, e.step, e.note))}"
                        f"<span style='color:#9e9e9e'>　{escape(e.by_whom)}</span></p>")
        self.detail.setHtml("".join(html))
        steps = set(d.steps)
        self.step_buttons["route"].setVisible(SuggestionStep.HAND_OVER in steps)
        for step in (SuggestionStep.LETTER, SuggestionStep.ANSWER, SuggestionStep.RATE):
            self.step_buttons[step].setVisible(step in steps)
        self.print_button.setVisible(d.can_print_letter)
        self.void_button.setVisible(not r.voided)

    # --- the steps ---

    def _today_text(self) -> str:
        return chinese_date(self.today())

    def step(self, which: object) -> None:
        key = self.selected_id()
        if key is None:
            return
        today = self.today()
        if which == "route":
            detail = suggestions.suggestion_detail(self.ctx, key, today)
            units = settings_service.read(self.ctx).units
            specs = [FieldSpec("scope", tr("办理层级"), "choice", list(SuggestionScope), required=True),
                     FieldSpec("unit", tr("承办单位"), "editable", units, required=True),
                     FieldSpec("routed_on", tr("交付/报送日期"), required=True)]
            values = {"scope": detail.row.scope, "unit": "", "routed_on": self._today_text()}
            title = tr("研判交付/报送")

            def save(f):
                suggestions.route(self.ctx, key, f["scope"], f["unit"], typed_date(f["routed_on"], "routed_on"), today)
        elif which == SuggestionStep.LETTER:
            specs = [FieldSpec("letter_on", tr("交办函日期"), required=True)]
            values = {"letter_on": self._today_text()}
            title = SuggestionStep.LETTER.label

            def save(f):
                suggestions.send_letter(self.ctx, key, typed_date(f["letter_on"], "letter_on"), today)
        elif which == SuggestionStep.ANSWER:
            specs = [FieldSpec("answered_on", tr("答复日期"), required=True),
                     FieldSpec("answer", tr("答复内容"), "multiline", required=True)]
            values = {"answered_on": self._today_text(), "answer": ""}
            title = tr("登记答复")

            def save(f):
                suggestions.answer(self.ctx, key, typed_date(f["answered_on"], "answered_on"), f["answer"], today)
        else:
            specs = [FieldSpec("rated_on", tr("评价日期"), required=True),
                     FieldSpec("rating", tr("代表评价"), "choice", list(Satisfaction), required=True)]
            values = {"rated_on": self._today_text(), "rating": ""}
            title = tr("代表评价")

            def save(f):
                suggestions.rate(self.ctx, key, typed_date(f["rated_on"], "rated_on"), f["rating"] or "", today)
        if FormDialog(title, specs, values, save, self).exec():
            self.refresh(select=key)
            self.changed.emit()

    def void(self) -> None:
        key = self.selected_id()
        if key is None:
            return
        reason = ask_void_reason(self, tr("这件代表建议"))
        if not reason:
            return
        try:
            suggestions.void(self.ctx, key, reason)
        except StationError as exc:
            error_box(self, tr("作废"), exc)
            return
        self.refresh()
        self.changed.emit()

    def new_suggestion(self) -> None:
        """新建建议: a suggestion a representative makes directly (not from a visit)."""
        today = self.today()
        chooser = RepresentativeChooser()
        chooser.set_people(reception.representatives_for_reception(self.ctx, today))
        specs = [FieldSpec("opened_on", tr("提出日期"), required=True),
                 FieldSpec("title", tr("建议标题"), required=True),
                 FieldSpec("content", tr("建议内容"), "multiline"),
                 FieldSpec("scope", tr("办理层级"), "choice", list(SuggestionScope), required=True)]
        created: list[str] = []

        def save(f):
            created.append(suggestions.open_suggestion(
                self.ctx, opened_on=typed_date(f["opened_on"], "opened_on"), title=f["title"], content=f["content"],
                rep_ids=chooser.ids(), scope=f["scope"] or SuggestionScope.TOWNSHIP, today=today))

        dialog = FormDialog(tr("新建代表建议"), specs, {"opened_on": self._today_text(),
                                                    "scope": SuggestionScope.TOWNSHIP}, save, self)
        grid = dialog.layout().itemAt(0).layout()
        row = grid.rowCount()
        label = QLabel(tr("提出代表") + "<span style='color:#c62828'> *</span>")
        grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(chooser, row, 1)
        dialog.chooser = chooser
        if dialog.exec() and created:
            self.refresh(select=created[0])
            self.changed.emit()

    # --- files ---

    def print_letter(self) -> None:
        key = self.selected_id()
        if key is None:
            return
        path = Path(tempfile.mkdtemp(prefix="station-letter-")) / tr("交办函.pdf")
        try:
            suggestions.print_letter(self.ctx, key, path, self.today())
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("打印交办函"), exc)
            return
        print_with_preview(self, path, tr("代表建议交办函"))

    def export_ledger(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("导出代表建议台账"), tr("代表建议台账.xlsx"),
                                              tr("Excel 文件 (*.xlsx)"))
        if not name:
            return
        try:
            count = suggestions.export_ledger(self.ctx, Path(name), self.today())
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出代表建议台账"), exc)
            return
        QMessageBox.information(self, tr("导出代表建议台账"), tr("已导出 {n} 件代表建议到 {file}", n=count, file=name))
