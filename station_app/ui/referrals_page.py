"""三单办理 page: the referrals with their state, the allowed next step, the three forms, and the overdue list."""
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
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import chinese_date, tr
from station_app.io.files import FileWriteError
from station_app.io.forms_pdf import FORMS
from station_app.services import referrals, suggestions
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.referrals import ReferralSummary
from station_app.services.work_calendar import parse_day
from station_app.ui.forms import FieldSpec, FormDialog, ask_void_reason
from station_app.ui.printing import print_with_preview
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, error_box, fit_columns, make_table
from station_app.vocab import (
    FollowUpMethod,
    ReferralAction,
    ReferralForm,
    ReferralState,
    Satisfaction,
    SuggestionScope,
    SuggestionState,
)

#: the dialogs' date fields: the day the step happened, which its history line and its form carry
DATE_FIELDS = ("signed_on", "replied_on", "followed_on", "closed_on", "returned_on", "reassigned_on", "extended_on")
#: the buttons of the moves a clerk can make, with what each button says (a button asks, an action names)
ACTION_LABELS = {ReferralAction.SIGN: tr("单位签收…"), ReferralAction.FEEDBACK: tr("登记反馈…"),
                 ReferralAction.FOLLOW_UP: tr("登记回访…"), ReferralAction.CLOSE: tr("确认办结"),
                 ReferralAction.RETURN: tr("单位退回…"), ReferralAction.REASSIGN: tr("改派他单位…"),
                 ReferralAction.EXTEND: tr("延长期限…"), ReferralAction.VOID: tr("作废…")}


def _days_left(r: ReferralSummary) -> str:
    if r.days_left is None:
        return ""
    if r.days_left < 0:
        return tr("超期 {n} 个工作日", n=-r.days_left)
    return tr("剩 {n} 个工作日", n=r.days_left)


class SummaryModel(RowTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.rows[index.row()]
            if row.overdue:
                return QBrush(QColor("#c62828"))
            if row.days_left is not None and row.days_left <= referrals.DUE_SOON_DAYS:
                return QBrush(QColor("#ef6c00"))
        return super().data(index, role)


def _date(text: str, key: str) -> dt.date:
    """The date typed in a dialog: 2026年12月5日, 2026-12-05, 2026/12/5, or as English dates are shown (12/5/2026)."""
    day = parse_day(text)
    if day is None:
        try:
            day = dt.datetime.strptime(text.strip(), "%m/%d/%Y").date()
        except ValueError:
            day = None
    if day is None:
        raise ValidationFailed({key: tr("日期应写成 2026年12月5日 或 2026-12-05")})
    return day


class ReferralListTab(QWidget):
    COLUMNS = [
        TableColumn(tr("编号"), lambda r: r.number, 150),
        TableColumn(tr("承办单位"), lambda r: r.unit, 150),
        TableColumn(tr("状态"), lambda r: ReferralState.label_of(r.state)
                    + (tr("（第{n}次）", n=r.rounds) if r.rounds > 1 else ""), 125),
        TableColumn(tr("交办日期"), lambda r: r.issued_on, 90),
        TableColumn(tr("期限"), lambda r: r.deadline, 90),
        TableColumn(tr("剩余"), _days_left, 120),
        TableColumn(tr("来访人"), lambda r: r.citizen, 70),
        TableColumn(tr("反映问题"), lambda r: r.content.replace("\n", " ")[:60], 300),
    ]

    changed = Signal()

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索编号、单位、内容…"))
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox()
        self.state.addItem(tr("全部状态"), "")
        for state in ReferralState:
            self.state.addItem(state.label, state.value)
        self.unit = QComboBox()
        self.only_overdue = QCheckBox(tr("只看超期"))
        self.model = SummaryModel(self.COLUMNS)
        self.view = make_table(self.model)
        self.view.setSelectionMode(self.view.SelectionMode.ExtendedSelection)
        self.pane = TablePane(self.view)
        self.detail = QTextBrowser()
        self.action_buttons: dict[ReferralAction, QPushButton] = {}
        actions = FlowLayout()
        for action, label in ACTION_LABELS.items():
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, a=action: self.act(a))
            self.action_buttons[action] = button
            actions.addWidget(button, 1)
        self.print_button = QPushButton(tr("打印三单…"))
        self.pdf_button = QPushButton(tr("三单存为 PDF…"))
        self.batch_button = QPushButton(tr("打印今日交办单…"))
        self.blank_button = QPushButton(tr("空白表…"))
        blank_menu = QMenu(self)
        for form in FORMS:
            blank_menu.addAction(tr("空白{form}", form=ReferralForm.label_of(form)), lambda f=form: self.blank(f))
        self.blank_button.setMenu(blank_menu)
        self.ledger_button = QPushButton(tr("导出交办台账…"))
        printing = FlowLayout()
        for button in (self.print_button, self.pdf_button, self.batch_button, self.blank_button, self.ledger_button):
            printing.addWidget(button, 1)

        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.state)
        top.addWidget(self.unit, 1)
        top.addWidget(self.only_overdue)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addLayout(actions)
        right_layout.addLayout(printing)
        splitter = QSplitter()
        splitter.addWidget(self.pane)
        splitter.addWidget(right)
        splitter.setSizes([830, 350])  # the list's key columns (number to days left) in sight at 1280 px
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.search.textChanged.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)
        self.unit.currentIndexChanged.connect(self.refresh)
        self.only_overdue.toggled.connect(self.refresh)
        self.view.selectionModel().selectionChanged.connect(self.show_detail)
        self.print_button.clicked.connect(self.print_selected)
        self.pdf_button.clicked.connect(self.save_selected)
        self.batch_button.clicked.connect(self.print_today)
        self.ledger_button.clicked.connect(self.export_ledger)
        self.reload_units(refresh=False)  # the list loads when the page is first shown

    def reload_units(self, refresh: bool = True) -> None:
        units = settings_service.read(self.ctx).units
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(tr("全部单位"), "")
        for unit in units:
            self.unit.addItem(unit, unit)
        self.unit.blockSignals(False)
        if refresh:
            self.refresh()

    def refresh(self, select: str | None = None, newest: bool = False) -> None:
        """Reread the list. The selection follows its referral (by id, wherever the sort puts it), or moves to
        ``select``; with ``newest``, or when the referral is no longer listed, the newest is selected."""
        current = self.selected_ids()
        keep = select or (None if newest or not current else current[0])
        rows = referrals.list_referrals(self.ctx, state=self.state.currentData() or "",
                                        unit=self.unit.currentData() or "", text=self.search.text(),
                                        only_overdue=self.only_overdue.isChecked())
        self.model.set_rows(rows)
        self.pane.show_rows(len(rows), tr("没有交办单。\n在“接待登记”中把办理结果选为“交办”，就会生成交办单。"))
        # The service lists the newest first; the model may be sorted by a column since.
        if not (keep and self.select_referral(keep)) and rows:
            self.select_referral(rows[0].id)
        self.show_detail()

    def select_referral(self, referral_id: str) -> bool:
        """Select the row of this referral, if it is listed, and scroll to it."""
        for row, summary in enumerate(self.model.rows):
            if summary.id == referral_id:
                index = self.model.index(row, 0)
                flags = QItemSelectionModel.SelectionFlag
                self.view.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
                self.view.scrollTo(index)
                return True
        return False

    def show_referral(self, referral_id: str) -> None:
        """Open one referral: selected, with the filters cleared if they hide it."""
        self.refresh(select=referral_id)
        if self.selected_ids() == [referral_id]:
            return
        for widget, reset in ((self.search, lambda: self.search.clear()), (self.state, lambda: self.state.setCurrentIndex(0)),
                              (self.unit, lambda: self.unit.setCurrentIndex(0)),
                              (self.only_overdue, lambda: self.only_overdue.setChecked(False))):
            widget.blockSignals(True)
            reset()
            widget.blockSignals(False)
        self.refresh(select=referral_id)

    def selected_ids(self) -> list[str]:
        return [self.model.row_at(i.row()).id for i in self.view.selectionModel().selectedRows()]

    def show_detail(self) -> None:
        ids = self.selected_ids()
        for button in self.action_buttons.values():
            button.setEnabled(False)
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(bool(ids))
        if not ids:
            self.detail.setHtml(tr("<p style='color:#757575'>选中一张交办单查看详情。</p>"))
            return
        d = referrals.referral_detail(self.ctx, ids[0])
        s = d.summary
        html = [f"<h3>{escape(s.number)}　<span style='color:#1565c0'>{ReferralState.label_of(s.state)}</span></h3>",
                tr("<p>承办单位：<b>{unit}</b>　第 {n} 次交办</p>", unit=escape(s.unit), n=s.rounds),
                tr("<p>交办日期：{issued}　办理期限：{deadline}　<b>{left}</b></p>", issued=chinese_date(s.issued_on),
                   deadline=chinese_date(s.deadline), left=_days_left(s))]
        if d.requirement:
            html.append(tr("<p>交办要求：{text}</p>", text=escape(d.requirement)))
        html.append(tr("<p>来访人：{name}</p><p style='background:#f5f5f5;padding:6px'>{content}</p>",
                       name=escape(s.citizen or tr("匿名")), content=escape(s.content)))
        if d.void_reason:
            html.append(tr("<p style='color:#c62828'>已作废：{reason}</p>", reason=escape(d.void_reason)))
        html.append(tr("<h4>办理记录</h4>"))
        for e in d.events:
            html.append(f"<p>{chinese_date(e.at)}　<b>{ReferralAction.label_of(e.action)}</b>　{escape(e.note)}"
                        f"<span style='color:#9e9e9e'>　{escape(e.by_whom)}</span></p>")
        self.detail.setHtml("".join(html))
        for action in d.actions:
            self.action_buttons[action].setEnabled(True)
        self.action_buttons[ReferralAction.VOID].setEnabled(not s.voided)

    def act(self, action: ReferralAction) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        key = ids[0]
        today = chinese_date(dt.date.today())  # the day the step happened: today unless the clerk says otherwise
        units = settings_service.read(self.ctx).units
        try:
            if action == ReferralAction.VOID:
                reason = ask_void_reason(self, tr("这张交办单"))
                if not reason:
                    return
                referrals.void_referral(self.ctx, key, reason)
            else:
                specs, save = self._dialog(action, key, today, units)
                values = {s.key: today if s.key in DATE_FIELDS else "" for s in specs}
                if not FormDialog(action.label, specs, values, save, self).exec():
                    return
        except StationError as exc:
            error_box(self, action.label, exc)
        self.refresh()
        self.changed.emit()

    def _dialog(self, action: ReferralAction, key: str, today: str, units: list[str]):
        if action == ReferralAction.SIGN:
            return ([FieldSpec("signed_on", tr("签收日期"), required=True),
                     FieldSpec("by", tr("签收人"), required=True)],
                    lambda f: referrals.sign(self.ctx, key, _date(f["signed_on"], "signed_on"), f["by"]))
        if action == ReferralAction.FEEDBACK:
            return ([FieldSpec("handler", tr("承办人"), required=True),
                     FieldSpec("replied_on", tr("反馈日期"), required=True),
                     FieldSpec("result", tr("办理情况"), "multiline", required=True),
                     FieldSpec("solved", tr("是否解决"), "bool", placeholder=tr("问题已解决"))],
                    lambda f: referrals.record_feedback(self.ctx, key, f["handler"],
                                                        _date(f["replied_on"], "replied_on"), f["result"], f["solved"]))
        if action == ReferralAction.FOLLOW_UP:
            return ([FieldSpec("followed_on", tr("回访日期"), required=True),
                     FieldSpec("by_whom", tr("回访人"), required=True),
                     FieldSpec("method", tr("回访方式"), "choice", list(FollowUpMethod), required=True),
                     FieldSpec("citizen_words", tr("群众意见"), "multiline"),
                     FieldSpec("satisfaction", tr("满意度"), "choice", list(Satisfaction), required=True)],
                    lambda f: referrals.record_follow_up(self.ctx, key, _date(f["followed_on"], "followed_on"),
                                                         f["by_whom"], f["method"], f["citizen_words"],
                                                         f["satisfaction"]))
        if action == ReferralAction.CLOSE:
            return ([FieldSpec("closed_on", tr("办结日期"), required=True)],
                    lambda f: referrals.close(self.ctx, key, _date(f["closed_on"], "closed_on")))
        if action == ReferralAction.RETURN:
            return ([FieldSpec("returned_on", tr("退回日期"), required=True),
                     FieldSpec("reason", tr("退回理由"), "multiline", required=True)],
                    lambda f: referrals.return_referral(self.ctx, key, f["reason"], _date(f["returned_on"], "returned_on")))
        if action == ReferralAction.REASSIGN:
            returned_by = referrals.referral_detail(self.ctx, key).summary.unit  # it cannot go back there
            return ([FieldSpec("reassigned_on", tr("改派日期"), required=True),
                     FieldSpec("unit", tr("新的承办单位"), "editable", [u for u in units if u != returned_by],
                               required=True),
                     FieldSpec("requirement", tr("交办要求"))],
                    lambda f: referrals.reassign(self.ctx, key, f["unit"], _date(f["reassigned_on"], "reassigned_on"),
                                                 f["requirement"]))
        deadline = referrals.referral_detail(self.ctx, key).summary.deadline
        return ([FieldSpec("extended_on", tr("延期日期"), required=True),
                 FieldSpec("deadline", tr("新的期限"), required=True,
                           placeholder=tr("原期限 {date}", date=chinese_date(deadline)) if deadline else ""),
                 FieldSpec("reason", tr("延期理由"), "multiline", required=True)],
                lambda f: referrals.extend(self.ctx, key, _date(f["deadline"], "deadline"), f["reason"],
                                           _date(f["extended_on"], "extended_on")))

    def _write(self, keys: list[str], path: Path) -> bool:
        try:
            referrals.forms_for(self.ctx, keys, path)
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("打印三单"), exc)
            return False
        return True

    def print_selected(self) -> None:
        keys = self.selected_ids()
        path = Path(tempfile.mkdtemp(prefix="station-forms-")) / "三单.pdf"
        if keys and self._write(keys, path):
            print_with_preview(self, path, tr("三单"))

    def save_selected(self) -> None:
        keys = self.selected_ids()
        if not keys:
            return
        name, _ = QFileDialog.getSaveFileName(self, tr("保存三单 PDF"), tr("三单.pdf"), tr("PDF 文件 (*.pdf)"))
        if name:
            self._write(keys, Path(name))

    def print_today(self) -> None:
        keys = referrals.issued_on_day(self.ctx, dt.date.today())
        if not keys:
            QMessageBox.information(self, tr("打印今日交办单"), tr("今天还没有交办单。"))
            return
        path = Path(tempfile.mkdtemp(prefix="station-forms-")) / "今日交办单.pdf"
        try:
            referrals.forms_for(self.ctx, keys, path, forms=FORMS[:1])  # the 交办单 alone, for the units
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("打印今日交办单"), exc)
            return
        print_with_preview(self, path, tr("今日交办单"))

    def export_ledger(self) -> None:
        """交办台账 as a workbook: every referral with each round's feedback and follow-up."""
        name, _ = QFileDialog.getSaveFileName(self, tr("导出交办台账"), tr("交办台账.xlsx"), tr("Excel 文件 (*.xlsx)"))
        if not name:
            return
        try:
            count = referrals.export_ledger(self.ctx, Path(name))
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出交办台账"), exc)
            return
        QMessageBox.information(self, tr("导出交办台账"), tr("已导出 {n} 件交办单到 {file}", n=count, file=name))

    def blank(self, form: str) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("保存空白表"), tr("空白{form}.pdf", form=ReferralForm.label_of(form)),
                                              tr("PDF 文件 (*.pdf)"))
        if name:
            try:
                referrals.blank_form(self.ctx, form, Path(name))
            except (StationError, FileWriteError) as exc:
                error_box(self, tr("空白表"), exc)


class LateSuggestionModel(RowTableModel):
    """超期代表建议, in the red of the overdue referrals."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            return QBrush(QColor("#c62828"))
        return super().data(index, role)


class OverdueTab(QWidget):
    UNIT_COLUMNS = [TableColumn(tr("承办单位"), lambda r: r[0], 200), TableColumn(tr("超期"), lambda r: r[1], 60, True),
                    TableColumn(tr("三日内到期"), lambda r: r[2], 90, True)]
    #: 超期代表建议, beside the referrals: the step owed, its day, and how late
    SUGGESTION_COLUMNS = [
        TableColumn(tr("建议编号"), lambda r: r.number, 140),
        TableColumn(tr("标题"), lambda r: r.title, 220),
        TableColumn(tr("提出代表"), lambda r: r.representatives, 100),
        TableColumn(tr("层级"), lambda r: SuggestionScope.label_of(r.scope), 50),
        TableColumn(tr("承办单位"), lambda r: r.unit, 130),
        TableColumn(tr("状态"), lambda r: SuggestionState.label_of(r.state), 64),
        TableColumn(tr("超期的一步"), lambda r: r.next_step.label if r.next_step else "", 80),
        TableColumn(tr("期限"), lambda r: r.due, 90),
        TableColumn(tr("超期"), lambda r: tr("{n} 天", n=r.days_late), 70),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 14px;")
        self.units = RowTableModel(self.UNIT_COLUMNS)
        self.units_view = make_table(self.units)
        self.units_pane = TablePane(self.units_view)
        self.items = SummaryModel(ReferralListTab.COLUMNS)
        self.items_view = make_table(self.items)
        self.reminder_button = QPushButton(tr("打印催办通知…"))
        self.suggestions = LateSuggestionModel(self.SUGGESTION_COLUMNS)
        self.suggestions_view = make_table(self.suggestions)
        fit_columns(self.suggestions_view.horizontalHeader(), [c.width for c in self.SUGGESTION_COLUMNS],
                    {3: [s.label for s in SuggestionScope], 5: [s.label for s in SuggestionState]})
        self.suggestions_pane = TablePane(self.suggestions_view)
        self.suggestions_title = QLabel()
        self.suggestions_title.setStyleSheet("font-size: 14px; font-weight: bold; color: #c62828;")
        suggestions_box = QWidget()
        suggestions_layout = QVBoxLayout(suggestions_box)
        suggestions_layout.setContentsMargins(0, 6, 0, 0)
        suggestions_layout.addWidget(self.suggestions_title)
        suggestions_layout.addWidget(self.suggestions_pane, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.reminder_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.units_pane)
        splitter.addWidget(self.items_view)
        splitter.addWidget(suggestions_box)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.reminder_button.clicked.connect(self.print_reminder)

    def refresh(self) -> referrals.OverdueReport:
        report = referrals.overdue_report(self.ctx)
        self.units.set_rows([(unit, a, b) for unit, (a, b) in report.by_unit().items()])
        self.items.set_rows(report.overdue + report.due_soon)
        self.summary.setText(tr("超期 {a} 件，三个工作日内到期 {b} 件", a=len(report.overdue), b=len(report.due_soon)))
        self.units_pane.show_rows(self.units.rowCount(), tr("没有超期或临期的交办单。"))
        late = suggestions.overdue(self.ctx)
        self.suggestions.set_rows(late)
        self.suggestions_title.setText(tr("超期代表建议（{n} 件）", n=len(late)))
        self.suggestions_pane.show_rows(len(late), tr("没有超期的代表建议。"))
        return report

    def print_reminder(self) -> None:
        indexes = self.units_view.selectionModel().selectedRows()
        if not indexes:
            QMessageBox.information(self, tr("催办通知"), tr("请先选中一个承办单位。"))
            return
        unit = self.units.row_at(indexes[0].row())[0]
        path = Path(tempfile.mkdtemp(prefix="station-forms-")) / "催办通知.pdf"
        try:
            referrals.reminder_for_unit(self.ctx, unit, path)
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("催办通知"), exc)
            return
        print_with_preview(self, path, tr("催办通知"))


class ReferralsPage(QTabWidget):
    counts_changed = Signal(int)

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.list = ReferralListTab(ctx)
        self.overdue = OverdueTab(ctx)
        self.addTab(self.list, ReferralForm.ISSUE.label)
        self.addTab(self.overdue, tr("超期提醒"))
        self.list.changed.connect(self.refresh_overdue)
        self.currentChanged.connect(lambda _i: (self.list.refresh(), self.refresh_overdue()))

    def refresh(self) -> None:
        """What opening the page does: both tabs reread, the list on the newest referral (the one just issued)."""
        self.list.refresh(newest=True)
        self.refresh_overdue()

    def show_referral(self, referral_id: str) -> None:
        """Open the page on one referral (asked for from its visit)."""
        self.setCurrentWidget(self.list)
        self.list.show_referral(referral_id)

    def refresh_overdue(self) -> None:
        report = self.overdue.refresh()
        self.counts_changed.emit(len(report.overdue))
