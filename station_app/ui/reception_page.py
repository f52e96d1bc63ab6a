"""接待登记 page: a keyboard-only entry form for the next citizen, and the searchable list of every visit."""
from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QDateTime, QModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.services import reception, referrals
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.reception import ReferralInput, VisitFilter, VisitInput
from station_app.ui.forms import ERROR_FIELD_STYLE, ask_void_reason, error_label
from station_app.ui.import_dialog import ImportDialog, open_and_preview
from station_app.ui.printing import print_with_preview
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, error_box, fit_columns, make_table
from station_app.vocab import Channel, Outcome, ReferralForm, ReferralState

PAGE = 200


class RepresentativeChooser(QWidget):
    """Type part of a name or its pinyin initials; Enter or a click adds the representative."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(tr("输入姓名或拼音首字母，回车选中；退格删除"))
        self.chosen_label = QLabel()
        self.chosen_label.setStyleSheet("color:#1565c0;")
        self.chosen: list[tuple[str, str]] = []
        self.people: list[tuple[str, str, str]] = []      # id, display, haystack
        self.matches = QStringListModel()
        self.completer = QCompleter(self.matches, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self.edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.chosen_label)
        self.edit.textEdited.connect(self._filter)
        self.completer.activated.connect(self._pick_display)
        self.edit.installEventFilter(self)
        self._show_chosen()

    def set_people(self, people: list[reception.ReceivingRepresentative]) -> None:
        self.people = [(p.id, f"{p.name}　{p.unit}" + (tr("（今日值班）") if p.on_duty else ""),
                        f"{p.name}{p.unit}{p.pinyin}".lower()) for p in people]

    def _candidates(self, text: str) -> list[tuple[str, str]]:
        text = text.strip().lower()
        chosen = {rep_id for rep_id, _ in self.chosen}
        return [(rep_id, display) for rep_id, display, hay in self.people
                if text and text in hay and rep_id not in chosen][:20]

    def _filter(self, text: str) -> None:
        self.matches.setStringList([display for _, display in self._candidates(text)])
        if self.matches.rowCount():
            self.completer.complete()
        else:
            self.completer.popup().hide()

    def _pick_display(self, display: str) -> None:
        for rep_id, shown, _ in self.people:
            if shown == display:
                self.add(rep_id, shown.split("　")[0])
                break
        QTimer.singleShot(0, self.edit, self.edit.clear)   # not once the form is gone

    def add(self, rep_id: str, name: str) -> None:
        if rep_id not in {r for r, _ in self.chosen}:
            self.chosen.append((rep_id, name))
            self._show_chosen()
            self.changed.emit()

    def clear(self) -> None:
        self.chosen.clear()
        self.edit.clear()
        self._show_chosen()

    def ids(self) -> list[str]:
        return [rep_id for rep_id, _ in self.chosen]

    def _show_chosen(self) -> None:
        self.chosen_label.setText(tr("已选：{names}", names="、".join(n for _, n in self.chosen))
                                  if self.chosen else tr("未选接待代表"))

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.edit and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.edit.text().strip():
                popup = self.completer.popup()
                if popup.isVisible() and popup.currentIndex().isValid():
                    display = popup.currentIndex().data()
                else:
                    found = self._candidates(self.edit.text())
                    display = found[0][1] if found else None
                popup.hide()
                if display:
                    self._pick_display(display)
                return True
            if event.key() == Qt.Key.Key_Backspace and not self.edit.text() and self.chosen:
                self.chosen.pop()
                self._show_chosen()
                return True
        return False


class EntryForm(QWidget):
    """The form a clerk fills while the citizen talks; Enter saves and the form is ready for the next.

    接待时间 is when the visitor is recorded: it follows ``now`` (the wall clock; a test passes its own)
    until the clerk edits it, and an edited time stays until the save.
    """

    saved = Signal(object)
    #: how often the shown time catches up with the clock
    CLOCK_INTERVAL_MS = 15_000

    def __init__(self, ctx: ServiceContext, now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        super().__init__()
        self.ctx = ctx
        self.now = now
        self.time_edited = False
        self._showing_clock = False
        self.visited_at = QDateTimeEdit()
        self.visited_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.visited_at.setCalendarPopup(True)
        self.now_button = QPushButton(tr("现在"))
        self.now_button.setToolTip(tr("接待时间重新跟随当前时间"))
        self.time_note = QLabel()
        self.time_note.setStyleSheet("color:#757575;")
        self.clock_timer = QTimer(self, interval=self.CLOCK_INTERVAL_MS)
        self.citizen_name = QLineEdit()
        self.citizen_name.setPlaceholderText(tr("可不填（匿名）"))
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.address.setPlaceholderText(tr("如：城关镇东街村"))
        self.people_count = QSpinBox()
        self.people_count.setRange(1, 500)
        self.channel = QComboBox()
        self.channel.addItems([c.label for c in Channel])
        self.category = QComboBox()
        self.category.setPlaceholderText(tr("请选择（↑↓）"))
        self.content = QPlainTextEdit()
        self.content.setTabChangesFocus(True)
        self.content.setPlaceholderText(tr("群众反映的问题（回车保存，Shift+回车换行）"))
        self.content.setMinimumHeight(90)
        self.representatives = RepresentativeChooser()
        self.outcome = QComboBox()
        self.outcome.addItems([o.label for o in Outcome])
        self.outcome_note = QLineEdit()
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.requirement = QLineEdit()
        self.requirement.setPlaceholderText(tr("如：请于期限内办理并书面反馈"))
        self.deadline_days = QSpinBox()
        self.deadline_days.setRange(1, 365)
        self.deadline_days.setSuffix(tr(" 个工作日"))
        self.save_button = QPushButton(tr("保存（回车）"))
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(tr("清空"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        #: the referral the last save opened, offered for printing: (id, number)
        self.last_referral: tuple[str, str] | None = None
        self.print_bar = QFrame()
        self.print_bar.setObjectName("printBar")
        self.print_bar.setStyleSheet("#printBar { background:#e3f2fd; border:1px solid #90caf9; border-radius:4px; }")
        self.print_label = QLabel()
        self.print_label.setWordWrap(True)
        self.print_button = QPushButton(tr("打印交办单（Ctrl+P）"))
        self.print_dismiss = QPushButton(tr("不打印"))
        self.print_dismiss.setFlat(True)
        for button in (self.print_button, self.print_dismiss):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # Tab keeps going round the form itself
        offer = QHBoxLayout(self.print_bar)
        offer.addWidget(self.print_label, 1)
        offer.addWidget(self.print_button)
        offer.addWidget(self.print_dismiss)
        self.print_bar.hide()
        self.errors = {key: error_label(key) for key in (
            "visited_at", "citizen_name", "phone", "address", "people_count", "channel", "category", "content",
            "representatives", "outcome", "outcome_note", "unit", "requirement", "deadline_days")}
        for label in self.errors.values():
            label.setMinimumWidth(160)

        self.referral_box = QGroupBox(Outcome.REFERRED.label)
        referral_form = QFormLayout(self.referral_box)
        referral_form.addRow(tr("承办单位"), self._with_error(self.unit, "unit"))
        referral_form.addRow(tr("交办要求"), self._with_error(self.requirement, "requirement"))
        referral_form.addRow(tr("办理期限"), self._with_error(self.deadline_days, "deadline_days"))

        when = QHBoxLayout()
        when.addWidget(self.visited_at)
        when.addWidget(self.now_button)
        when.addWidget(self.time_note)
        when.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("接待时间"), self._with_error(when, "visited_at"))
        form.addRow(tr("来访人"), self._with_error(self.citizen_name, "citizen_name"))
        form.addRow(tr("联系电话"), self._with_error(self.phone, "phone"))
        form.addRow(tr("住址/村（社区）"), self._with_error(self.address, "address"))
        form.addRow(tr("人数"), self._with_error(self.people_count, "people_count"))
        form.addRow(tr("渠道"), self._with_error(self.channel, "channel"))
        form.addRow(tr("问题类别"), self._with_error(self.category, "category"))
        form.addRow(tr("反映问题"), self._with_error(self.content, "content"))
        form.addRow(tr("接待代表"), self._with_error(self.representatives, "representatives"))
        form.addRow(tr("办理结果"), self._with_error(self.outcome, "outcome"))
        form.addRow(tr("说明"), self._with_error(self.outcome_note, "outcome_note"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.referral_box)
        layout.addLayout(buttons)
        layout.addWidget(self.print_bar)
        layout.addStretch(1)

        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.now_button.clicked.connect(self.follow_clock)
        self.visited_at.dateTimeChanged.connect(self._time_changed)
        self.clock_timer.timeout.connect(self._tick)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.reset)
        for line in (self.citizen_name, self.phone, self.address, self.outcome_note, self.requirement):
            line.returnPressed.connect(self.save)
        self.content.installEventFilter(self)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        # Lives on the bar, so it works only while the bar offers something to print.
        QShortcut(QKeySequence("Ctrl+P"), self.print_bar, activated=self.print_referral)
        self.print_button.clicked.connect(self.print_referral)
        self.print_dismiss.clicked.connect(self.print_bar.hide)
        self.reload_choices()
        self.reset()
        self.clock_timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        """Opening the page (or its 登记 tab) puts the cursor where the next visitor's name goes."""
        super().showEvent(event)
        self._tick()
        self.citizen_name.setFocus()

    def _clock_minute(self) -> dt.datetime:
        return self.now().replace(second=0, microsecond=0)

    def _show_clock(self) -> None:
        self._showing_clock = True
        try:
            self.visited_at.setDateTime(QDateTime(self._clock_minute()))
        finally:
            self._showing_clock = False

    def _time_changed(self) -> None:
        if not self._showing_clock and not self.time_edited:
            self.time_edited = True
            self.time_note.setText(tr("已手动修改，保存后恢复为当前时间"))

    def _tick(self) -> None:
        if not self.time_edited:
            self._show_clock()

    def follow_clock(self) -> None:
        """现在: the time follows the clock again."""
        self.time_edited = False
        self.time_note.setText(tr("随当前时间"))
        self._show_clock()

    def _with_error(self, widget_or_layout: Any, key: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        if isinstance(widget_or_layout, QWidget):
            row.addWidget(widget_or_layout, 1)
        else:
            row.addLayout(widget_or_layout, 1)
        row.addWidget(self.errors[key])
        return box

    def reload_choices(self) -> None:
        settings = settings_service.read(self.ctx)
        people = reception.representatives_for_reception(self.ctx, self.now().date())
        self.settings = settings
        # A category the clerk chose stays; none chosen stays none (never the first of the list).
        current = self.category.currentText() if self.category.currentIndex() >= 0 else ""
        self.category.clear()
        self.category.addItems(settings.categories)
        self.category.setCurrentIndex(self.category.findText(current) if current else -1)
        self.unit.clear()
        self.unit.addItems(settings.units)
        self.unit.setCurrentIndex(-1)
        self.representatives.set_people(people)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.content and event.type() == event.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.save()
            return True
        return False

    def _outcome_changed(self) -> None:
        self.referral_box.setVisible(list(Outcome)[self.outcome.currentIndex()] == Outcome.REFERRED)

    def reset(self) -> None:
        self.follow_clock()
        for line in (self.citizen_name, self.phone, self.address, self.outcome_note, self.requirement):
            line.clear()
        self.content.clear()
        self.people_count.setValue(1)
        self.channel.setCurrentIndex(0)
        self.category.setCurrentIndex(-1)
        self.outcome.setCurrentIndex(0)
        self.unit.setCurrentIndex(-1)
        rule = self.settings.deadline_rule  # the station's rule: so many working days, or months
        self.deadline_days.setValue(rule.count)
        self.deadline_days.setSuffix(" " + rule.unit.label)
        self.representatives.clear()
        self.show_errors({})
        self._outcome_changed()
        self.citizen_name.setFocus()

    def current(self) -> VisitInput:
        outcome = list(Outcome)[self.outcome.currentIndex()]
        referral = (ReferralInput(self.unit.currentText(), self.requirement.text(), self.deadline_days.value())
                    if outcome == Outcome.REFERRED else None)
        visited_at = (self.visited_at.dateTime().toPython().replace(second=0, microsecond=0) if self.time_edited
                      else self._clock_minute())
        return VisitInput(visited_at=visited_at,
                          citizen_name=self.citizen_name.text(), phone=self.phone.text(), address=self.address.text(),
                          people_count=self.people_count.value(), channel=list(Channel)[self.channel.currentIndex()],
                          category=self.category.currentText(), content=self.content.toPlainText(), outcome=outcome,
                          outcome_note=self.outcome_note.text(), representative_ids=self.representatives.ids(),
                          referral=referral)

    def show_errors(self, errors: dict[str, str]) -> None:
        widgets = {"citizen_name": self.citizen_name, "address": self.address, "outcome_note": self.outcome_note,
                   "requirement": self.requirement, "phone": self.phone, "people_count": self.people_count, "channel": self.channel,
                   "category": self.category, "content": self.content, "outcome": self.outcome, "unit": self.unit,
                   "deadline_days": self.deadline_days, "visited_at": self.visited_at,
                   "representatives": self.representatives.edit}
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            widgets[key].setStyleSheet(ERROR_FIELD_STYLE if key in errors else "")
        for key in ("visited_at", "phone", "people_count", "channel", "category", "content", "representatives",
                    "outcome", "unit", "deadline_days"):
            if key in errors:
                widgets[key].setFocus()
                break

    def save(self) -> None:
        self._tick()            # the time shown is the time saved
        data = self.current()
        try:
            saved = reception.record_visit(self.ctx, data, now=self.now())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            self.message.setStyleSheet("color:#c62828;")
            self.message.setText(tr("有 {n} 处需要改正，见红字。", n=len(exc.errors)))
            return
        name = self.citizen_name.text().strip() or tr("匿名")
        text = tr("已保存：{time} {name}", time=data.visited_at.strftime("%H:%M"), name=name)
        if saved.referral_number:
            text += tr("，已生成交办单 {number}", number=saved.referral_number)
        if saved.suggestion_number:
            text += tr("，已生成代表建议 {number}（待研判）", number=saved.suggestion_number)
        unit = data.referral.unit if data.referral else ""
        self.reset()
        self.message.setStyleSheet("color:#2e7d32;")
        self.message.setText(text)
        self.offer_print(saved, unit)
        self.saved.emit(saved)

    def offer_print(self, saved: reception.VisitSaved, unit: str = "") -> None:
        """After a 交办 save, the bar below the form offers that referral's 交办单; any other save takes it away."""
        self.last_referral = (saved.referral_id, saved.referral_number) if saved.referral_id else None
        if self.last_referral is None:
            self.print_bar.hide()
            return
        self.print_label.setText(tr("交办单 {number} 已生成（{unit}），现在打印交给承办单位？",
                                    number=saved.referral_number, unit=unit))
        self.print_bar.show()

    def print_referral(self) -> None:
        """The 交办单 of the referral the last save opened, by its id: never another one."""
        if self.last_referral is None:
            return
        referral_id, number = self.last_referral
        path = Path(tempfile.mkdtemp(prefix="station-forms-")) / f"{ReferralForm.ISSUE.label}.pdf"
        try:
            referrals.forms_for(self.ctx, [referral_id], path, forms=[ReferralForm.ISSUE])
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("打印交办单"), exc)
            return
        print_with_preview(self, path, tr("交办单 {number}", number=number))


class VisitTableModel(QAbstractTableModel):
    """Reads visits a page at a time from the service; never all 200,000 at once."""

    COLUMNS = [("visited_at", tr("接待时间"), 130), ("citizen_name", tr("来访人"), 80), ("phone", tr("联系电话"), 110),
               ("address", tr("住址"), 140), ("people_count", tr("人数"), 45), ("channel", tr("渠道"), 80),
               ("category", tr("类别"), 80), ("content", tr("反映问题"), 280), ("outcome", tr("办理结果"), 80)]
    COUNT_CAP = 10000

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.filter = VisitFilter()
        self.rows: list[reception.VisitRow] = []
        #: None while a text search has not been counted yet (the page answers first, the count follows)
        self.total: int | None = 0
        self.total_capped = False
        self._more = False

    def set_filter(self, flt: VisitFilter, count: bool = True) -> None:
        """Show the first page at once; with ``count`` False (typing), leave the count for ``count_now``."""
        self.beginResetModel()
        self.filter = flt
        self.rows = reception.visit_page(self.ctx, flt, 0, PAGE)
        self._more = len(self.rows) == PAGE
        self.total, self.total_capped = (len(self.rows), False) if not self._more else (None, False)
        self.endResetModel()
        if self._more and count:
            self.count_now()

    def count_now(self) -> None:
        """Count the matches; a text search stops counting at the cap (a rare word means reading every row)."""
        if self.total is not None:
            return
        capped = self.filter.text.strip() != ""
        self.total = reception.count_visits(self.ctx, self.filter, self.COUNT_CAP if capped else None)
        self.total_capped = capped and self.total >= self.COUNT_CAP

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802
        more = reception.visit_page(self.ctx, self.filter, len(self.rows), PAGE)
        self._more = len(more) == PAGE
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            value = getattr(row, key)
            if key == "visited_at":
                return value.strftime("%Y-%m-%d %H:%M")
            if key == "content":
                return value.replace("\n", " ")[:120]
            if key == "channel":
                return Channel.label_of(value)
            if key == "outcome":
                return Outcome.label_of(value)
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole and key == "content":
            return row.content
        if role == Qt.ItemDataRole.ForegroundRole and row.voided:
            return QBrush(QColor("#9e9e9e"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section][1]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.COLUMNS):
            self.filter.sort = self.COLUMNS[column][0]
            self.filter.descending = order == Qt.SortOrder.DescendingOrder
            self.set_filter(self.filter)


class VisitDetailDialog(QDialog):
    """One visit in full, with the referrals it opened; a button opens a referral on the 三单 page."""

    def __init__(self, ctx: ServiceContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: the referral the clerk asked to open, once the dialog is closed that way
        self.chosen_referral: str | None = None
        self.open_buttons: dict[str, QPushButton] = {}
        self.setWindowTitle(tr("接待记录"))
        self.resize(640, 520)
        detail = reception.visit_detail(ctx, visit_id)
        v = detail.visit
        lines = [
            f"<h3>{v.visited_at:%Y-%m-%d %H:%M}　{v.citizen_name or tr('匿名')}</h3>",
            tr("<p>电话：{phone}　住址：{address}　人数：{n}</p>", phone=v.phone, address=v.address, n=v.people_count),
            tr("<p>渠道：{channel}　类别：{category}　接待代表：{reps}</p>", channel=Channel.label_of(v.channel), category=v.category,
               reps="、".join(detail.representatives) or tr("无")),
            f"<p style='background:#f5f5f5;padding:6px'>{v.content}</p>",
            tr("<p>办理结果：<b>{outcome}</b>　{note}</p>", outcome=Outcome.label_of(v.outcome),
               note=detail.outcome_note),
            tr("<p style='color:#757575'>登记人：{who}</p>", who=detail.recorded_by),
        ]
        if v.voided:
            lines.append(tr("<p style='color:#c62828'>已作废：{reason}</p>", reason=detail.void_reason))
        if detail.referrals:
            lines.append(tr("<h4>交办记录</h4>"))
            for r in detail.referrals:
                state = tr("已作废") if r.voided else ReferralState.label_of(r.state)
                lines.append(tr("<p>{number}　{unit}　<b>{state}</b>　期限 {deadline}</p>", number=r.number, unit=r.unit,
                                state=state, deadline=r.deadline))
        self.text = QTextBrowser()
        self.text.setHtml("".join(lines))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        for r in detail.referrals:
            if r.voided:            # the 三单 list does not show a voided referral
                continue
            button = QPushButton(tr("在三单办理中打开 {number}", number=r.number))
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda _=False, key=r.id: self._open_referral(key))
            self.open_buttons[r.id] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def _open_referral(self, referral_id: str) -> None:
        self.chosen_referral = referral_id
        self.accept()


def show_visit(ctx: ServiceContext, visit_id: str, parent: QWidget, open_referral: Any) -> None:
    """The visit's detail; when the clerk asks for one of its referrals, ``open_referral`` (a signal) says which."""
    dialog = VisitDetailDialog(ctx, visit_id, parent)
    dialog.exec()
    if dialog.chosen_referral:
        open_referral.emit(dialog.chosen_referral)


class VisitListTab(QWidget):
    #: a referral's id, asked for from a visit's detail
    open_referral = Signal(str)

    def __init__(self, ctx: ServiceContext, load: bool = True) -> None:
        """With ``load`` False the tab reads nothing until :meth:`show_current` (the reception page's
        查询 tab, which the window does not show first)."""
        super().__init__()
        self.ctx = ctx
        self.loaded = False
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索姓名、电话、住址、反映内容…"))
        self.search.setClearButtonEnabled(True)
        self.use_dates = QCheckBox(tr("日期"))
        today = QDate.currentDate()
        self.start = QDateEdit(today.addMonths(-1))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.channel = QComboBox()
        self.category = QComboBox()
        self.outcome = QComboBox()
        self.representative = QComboBox()
        self.include_voided = QCheckBox(tr("含已作废"))
        self.count = QLabel()
        self.model = VisitTableModel(ctx)
        self.view = make_table(self.model)
        fit_columns(self.view.horizontalHeader(), [width for _, _, width in VisitTableModel.COLUMNS],
                    {5: [c.label for c in Channel], 8: [o.label for o in Outcome]})
        self.pane = TablePane(self.view)
        self.open_button = QPushButton(tr("查看详情"))
        self.void_button = QPushButton(tr("作废…"))
        self.import_button = QPushButton(tr("导入 Excel…"))
        self.export_button = QPushButton(tr("导出 Excel…"))
        filters = QGridLayout()
        filters.addWidget(self.search, 0, 0, 1, 4)
        filters.addWidget(self.use_dates, 0, 4)
        filters.addWidget(self.start, 0, 5)
        filters.addWidget(QLabel("—"), 0, 6)
        filters.addWidget(self.end, 0, 7)
        for column, (label, combo) in enumerate(((tr("渠道"), self.channel), (tr("类别"), self.category),
                                                 (tr("结果"), self.outcome), (tr("接待代表"), self.representative))):
            box = QHBoxLayout()
            box.addWidget(QLabel(label))
            box.addWidget(combo, 1)
            filters.addLayout(box, 1, column * 2, 1, 2)
        filters.addWidget(self.include_voided, 0, 8)
        actions = FlowLayout()
        actions.addWidget(self.count, 1)
        for button in (self.open_button, self.void_button, self.import_button, self.export_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.pane, 1)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.search_typed)
        self.search.textChanged.connect(self._debounce.start)
        self._count_timer = QTimer(self, singleShot=True, interval=500)
        self._count_timer.timeout.connect(self.count_when_idle)
        self.use_dates.toggled.connect(lambda on: (self.start.setEnabled(on), self.end.setEnabled(on), self.refresh()))
        for widget in (self.start, self.end):
            widget.dateChanged.connect(self.refresh)
        for combo in (self.channel, self.category, self.outcome, self.representative):
            combo.currentIndexChanged.connect(self.refresh)
        self.include_voided.toggled.connect(self.refresh)
        self.view.doubleClicked.connect(lambda _i: self.open_detail())
        self.open_button.clicked.connect(self.open_detail)
        self.void_button.clicked.connect(self.void)
        self.import_button.clicked.connect(self.import_workbook)
        self.export_button.clicked.connect(self.export_workbook)
        if load:
            self.reload_choices()

    def show_current(self) -> None:
        """The tab is shown: its choices are read the first time, its rows every time."""
        if self.loaded:
            self.refresh()
        else:
            self.reload_choices()

    def reload_choices(self) -> None:
        self.loaded = True
        settings = settings_service.read(self.ctx)
        people = reception.representatives_for_reception(self.ctx, dt.date.today())
        for combo, values in ((self.channel, [(c.label, c.value) for c in Channel]),
                              (self.category, [(c, c) for c in settings.categories]),
                              (self.outcome, [(o.label, o.value) for o in Outcome]),
                              (self.representative, [(p.name, p.id) for p in sorted(people, key=lambda p: p.pinyin)])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("全部"), "")
            for label, value in values:
                combo.addItem(label, value)
            combo.blockSignals(False)
        self.refresh()

    def current_filter(self) -> VisitFilter:
        return VisitFilter(text=self.search.text(),
                           start=self.start.date().toPython() if self.use_dates.isChecked() else None,
                           end=self.end.date().toPython() if self.use_dates.isChecked() else None,
                           channel=self.channel.currentData() or "", category=self.category.currentData() or "",
                           outcome=self.outcome.currentData() or "",
                           representative_id=self.representative.currentData() or "",
                           include_voided=self.include_voided.isChecked(), sort=self.model.filter.sort,
                           descending=self.model.filter.descending)

    def refresh(self, count: bool = True) -> None:
        self.model.set_filter(self.current_filter(), count=count)
        self.show_count()
        self.pane.show_rows(self.model.rowCount(), tr("没有符合条件的接待记录。\n在“登记”中录入，或导入以往的 Excel 登记表。"))

    def search_typed(self) -> None:
        """Each keystroke (after a short pause) shows the first page; the count follows when typing stops."""
        self.refresh(count=False)
        if self.model.total is None:
            self._count_timer.start()

    def count_when_idle(self) -> None:
        self.model.count_now()
        self.show_count()

    def show_count(self) -> None:
        if self.model.total is None:
            self.count.setText(tr("共 {n}+ 条（统计中…）", n=self.model.rowCount()))
            return
        total = tr("{n}+", n=self.model.total) if self.model.total_capped else str(self.model.total)
        self.count.setText(tr("共 {total} 条", total=total))

    def selected_id(self) -> str | None:
        indexes = self.view.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()].id if indexes else None

    def open_detail(self) -> None:
        visit_id = self.selected_id()
        if visit_id:
            show_visit(self.ctx, visit_id, self, self.open_referral)

    def void(self) -> None:
        visit_id = self.selected_id()
        if visit_id is None:
            QMessageBox.information(self, tr("作废"), tr("请先选中一条接待记录。"))
            return
        reason = ask_void_reason(self, tr("这条接待记录"))
        if not reason:
            return
        try:
            reception.void_visit(self.ctx, visit_id, reason)
        except StationError as exc:
            error_box(self, tr("作废"), exc)
        self.refresh()

    def import_workbook(self) -> None:
        preview = open_and_preview(self, tr("选择接待登记 Excel 文件"), tr("导入接待登记"),
                                   lambda path: reception.preview_visit_import(self.ctx, path))
        if preview is None:
            return
        dialog = ImportDialog(preview, lambda skip: reception.commit_visit_import(self.ctx, preview, skip_refused=skip),
                              title=tr("导入接待登记"), label_header=tr("来访人"), parent=self)
        if not dialog.exec() or dialog.result is None:
            return
        QMessageBox.information(self, tr("导入接待登记"), tr("已导入 {n} 条。", n=dialog.result.added))
        self.refresh()

    def export_workbook(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("导出接待登记"), tr("接待登记.xlsx"), tr("Excel 工作簿 (*.xlsx)"))
        if not name:
            return
        try:
            count = reception.export_visits(self.ctx, Path(name), self.current_filter())
        except (FileWriteError, StationError) as exc:
            error_box(self, tr("导出接待登记"), exc)
            return
        QMessageBox.information(self, tr("导出接待登记"), tr("已导出 {n} 条到\n{file}", n=count, file=name))


class TodayList(QWidget):
    """Who has been received today, so the clerk sees the entry land and can open or void it."""

    COLUMNS = [TableColumn(tr("时间"), lambda r: r.visited_at.strftime("%H:%M"), 50),
               TableColumn(tr("来访人"), lambda r: r.citizen_name or tr("匿名"), 70),
               TableColumn(tr("类别"), lambda r: r.category, 70),
               TableColumn(tr("结果"), lambda r: Outcome.label_of(r.outcome), 70)]

    open_referral = Signal(str)

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:bold;")
        self.model = RowTableModel(self.COLUMNS)
        self.view = make_table(self.model)
        self.view.verticalHeader().setVisible(False)
        self.pane = TablePane(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.pane, 1)
        self.view.doubleClicked.connect(
            lambda index: show_visit(self.ctx, self.model.row_at(index.row()).id, self, self.open_referral))
        self.refresh()

    def refresh(self) -> None:
        today = dt.date.today()
        rows = reception.visit_page(self.ctx, VisitFilter(start=today, end=today), 0, 500)
        self.model.set_rows(rows)
        self.title.setText(tr("今日已接待 {n} 批 {people} 人", n=len(rows), people=sum(r.people_count for r in rows)))
        self.pane.show_rows(len(rows), tr("今天还没有接待记录。"))


class ReceptionPage(QTabWidget):
    #: a save opened a referral
    referral_opened = Signal()
    #: a visit's detail asked to open this referral on the 三单 page
    open_referral = Signal(str)

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.entry = EntryForm(ctx)
        self.today = TodayList(ctx)
        self.list = VisitListTab(ctx, load=False)  # read when its tab is first shown: the window opens on 登记
        entry_tab = QSplitter()
        entry_tab.addWidget(self.entry)
        entry_tab.addWidget(self.today)
        entry_tab.setSizes([900, 340])
        self.addTab(entry_tab, tr("登记"))
        self.addTab(self.list, tr("查询"))
        self.entry.saved.connect(self._saved)
        self.entry.saved.connect(lambda _saved: self.today.refresh())
        self.list.open_referral.connect(self.open_referral)
        self.today.open_referral.connect(self.open_referral)
        self.currentChanged.connect(lambda i: self.list.show_current() if self.widget(i) is self.list else None)

    def _saved(self, saved: reception.VisitSaved) -> None:
        if saved.referral_id:
            self.referral_opened.emit()
