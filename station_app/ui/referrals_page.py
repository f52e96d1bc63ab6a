"""三单办理 page: the referrals with their state, the allowed next step, the three forms, and the overdue list."""
from __future__ import annotations

import datetime as dt
import tempfile
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
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

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.io.forms_pdf import FORMS
from station_app.services import referrals
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.referrals import ReferralSummary
from station_app.services.work_calendar import parse_day
from station_app.ui.forms import FieldSpec, FormDialog, ask_void_reason
from station_app.ui.printing import print_with_preview
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, error_box, make_table
from station_app.vocab import FollowUpMethod, ReferralAction, ReferralForm, ReferralState, Satisfaction

DATE_FIELDS = ("signed_on", "replied_on", "followed_on")
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
    day = parse_day(text)
    if day is None:
        raise ValidationFailed({key: tr("日期格式应为 YYYY-MM-DD")})
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
        printing = FlowLayout()
        for button in (self.print_button, self.pdf_button, self.batch_button, self.blank_button):
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

    def refresh(self) -> None:
        current = self.selected_ids()
        rows = referrals.list_referrals(self.ctx, state=self.state.currentData() or "",
                                        unit=self.unit.currentData() or "", text=self.search.text(),
                                        only_overdue=self.only_overdue.isChecked())
        self.model.set_rows(rows)
        self.pane.show_rows(len(rows), tr("没有交办单。\n在“接待登记”中把办理结果选为“交办”，就会生成交办单。"))
        ids = [r.id for r in rows]
        if current and current[0] in ids:
            self.view.selectRow(ids.index(current[0]))
        elif rows:
            self.view.selectRow(0)
        self.show_detail()

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
                tr("<p>交办日期：{issued}　办理期限：{deadline}　<b>{left}</b></p>", issued=s.issued_on, deadline=s.deadline,
                   left=_days_left(s))]
        if d.requirement:
            html.append(tr("<p>交办要求：{text}</p>", text=escape(d.requirement)))
        html.append(tr("<p>来访人：{name}</p><p style='background:#f5f5f5;padding:6px'>{content}</p>",
                       name=escape(s.citizen or tr("匿名")), content=escape(s.content)))
        if d.void_reason:
            html.append(tr("<p style='color:#c62828'>已作废：{reason}</p>", reason=escape(d.void_reason)))
        html.append(tr("<h4>办理记录</h4>"))
        for e in d.events:
            html.append(f"<p>{e.at:%Y-%m-%d %H:%M}　<b>{ReferralAction.label_of(e.action)}</b>　{escape(e.note)}"
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
        today = dt.date.today().isoformat()
        units = settings_service.read(self.ctx).units
        try:
            if action == ReferralAction.CLOSE:
                referrals.close(self.ctx, key, dt.date.today())
            elif action == ReferralAction.VOID:
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
            return ([FieldSpec("signed_on", tr("签收日期"), required=True), FieldSpec("by", tr("签收人"))],
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
        if action == ReferralAction.RETURN:
            return ([FieldSpec("reason", tr("退回理由"), "multiline", required=True)],
                    lambda f: referrals.return_referral(self.ctx, key, f["reason"]))
        if action == ReferralAction.REASSIGN:
            return ([FieldSpec("unit", tr("新的承办单位"), "editable", units, required=True),
                     FieldSpec("requirement", tr("交办要求"))],
                    lambda f: referrals.reassign(self.ctx, key, f["unit"], f["requirement"]))
        return ([FieldSpec("deadline", tr("新的期限"), required=True, placeholder="YYYY-MM-DD"),
                 FieldSpec("reason", tr("延期理由"), "multiline", required=True)],
                lambda f: referrals.extend(self.ctx, key, _date(f["deadline"], "deadline"), f["reason"]))

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

    def blank(self, form: str) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("保存空白表"), tr("空白{form}.pdf", form=ReferralForm.label_of(form)),
                                              tr("PDF 文件 (*.pdf)"))
        if name:
            try:
                referrals.blank_form(self.ctx, form, Path(name))
            except (StationError, FileWriteError) as exc:
                error_box(self, tr("空白表"), exc)


class OverdueTab(QWidget):
    UNIT_COLUMNS = [TableColumn(tr("承办单位"), lambda r: r[0], 200), TableColumn(tr("超期"), lambda r: r[1], 60, True),
                    TableColumn(tr("三日内到期"), lambda r: r[2], 90, True)]

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
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.reminder_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.units_pane)
        splitter.addWidget(self.items_view)
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
        self.currentChanged.connect(lambda _i: self.refresh())

    def refresh(self) -> None:
        self.list.refresh()
        self.refresh_overdue()

    def refresh_overdue(self) -> None:
        report = self.overdue.refresh()
        self.counts_changed.emit(len(report.overdue))
