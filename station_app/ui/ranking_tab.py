"""积分排名 tab: the ranking for a month or the whole year, narrowed by station, level and delegation; its
Excel export; and the points rule (see it, and for an administrator, save a new version from a day on).

Every rule is in ``services.points``; the tab shows what it answers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.services import points
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.points import Filters, RankRow, Rule, RuleItem
from station_app.services.subsidy import Month
from station_app.ui.forms import ERROR_FIELD_STYLE, ERROR_STYLE, ask_void_reason
from station_app.ui.subsidy_page import date_edit, file_name, set_allowed
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, Today, error_box, fit_columns, make_table
from station_app.vocab import Deduction, Level, PointItem, Role

NOTE_STYLE = "color:#616161;"
TOP_BACKGROUND = "#fff3e0"


def shown(value: Decimal) -> str:
    """Points in a cell: blank for none, else as a person writes them (12, 0.5, −5)."""
    return points.points_text(value) if value else ""


def _item_cell(item: PointItem) -> Callable[[RankRow], str]:
    return lambda r: shown(r.items.get(item, Decimal(0)))


class RankingModel(RowTableModel):
    """Numbers on the right; the total in bold; the first three in a warm colour."""

    FIRST_NUMBER = 5

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row: RankRow = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and (column >= self.FIRST_NUMBER or column == 0):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.columns[column].header == tr("总分"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and row.rank <= 3 and row.total > 0:
            return QBrush(QColor(TOP_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole and column >= self.FIRST_NUMBER and row.score.deductions \
                and self.columns[column].header == tr("扣分"):
            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.score.deeds() or tr("这段时间没有可计分的履职")
        return super().data(index, role)


def ranking_columns() -> list[TableColumn]:
    return [
        TableColumn(tr("名次"), lambda r: r.rank, 44),
        TableColumn(tr("姓名"), lambda r: r.name, 72),
        TableColumn(tr("代表团"), lambda r: r.delegation, 110),
        TableColumn(tr("联络站"), lambda r: r.station, 140),
        TableColumn(tr("级别"), lambda r: Level.label_of(r.level), 44, True),
        TableColumn(tr("总分"), lambda r: points.points_text(r.total), 52),
        *[TableColumn(item.label, _item_cell(item), 56) for item in PointItem],
        TableColumn(tr("扣分"), lambda r: shown(r.deductions), 48),
        TableColumn(tr("评议"), lambda r: shown(r.review), 48),
        TableColumn(tr("出勤值班"), lambda r: r.duty_attended, 64),
        TableColumn(tr("接待选民"), lambda r: r.visits_received, 64),
    ]


def _combo(items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class RankingTab(QWidget):
    """积分排名: pick the year and a month (or the whole year), narrow by station, level and delegation."""

    def __init__(self, ctx: ServiceContext, today: Today | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.today: Today = today or dt.date.today
        self.rows: list[RankRow] = []
        start = Month.of(self.today()).previous()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(start.year)
        self.year.setSuffix(tr(" 年"))
        self.year.setKeyboardTracking(False)
        self.month = _combo([(tr("全年"), 0), *((tr("{month}月", month=m), m) for m in range(1, 13))])
        self.month.setCurrentIndex(start.month)
        self.station = _combo([(tr("全部联络站"), "")])
        self.level = _combo([(tr("全部级别"), "")])
        self.delegation = _combo([(tr("全部代表团"), "")])
        self.delegation.setMaximumWidth(220)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 14px;")
        self.rule_button = QPushButton(tr("积分规则…"))
        self.export_button = QPushButton(tr("导出 Excel…"))
        self.model = RankingModel(ranking_columns())
        self.view = make_table(self.model)
        self.view.setSortingEnabled(False)  # the ranking's own order: total, duty attended, visits received
        self.view.verticalHeader().setVisible(False)  # 名次 is the number that counts
        self.view.setWordWrap(False)
        fit_columns(self.view.horizontalHeader(), [c.width for c in self.model.columns])
        self.pane = TablePane(self.view)
        self.basis = QLabel()
        self.basis.setWordWrap(True)
        self.basis.setStyleSheet(NOTE_STYLE)
        self.basis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bar = FlowLayout()
        for label, widget in ((tr("年份"), self.year), (tr("月份"), self.month), (tr("联络站"), self.station),
                              (tr("级别"), self.level), (tr("代表团"), self.delegation)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.rule_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.pane, 1)
        layout.addWidget(self.basis)

        self.year.valueChanged.connect(self.refresh)
        for combo in (self.month, self.station, self.level, self.delegation):
            combo.currentIndexChanged.connect(self.refresh)
        self.rule_button.clicked.connect(self.edit_rule)
        self.export_button.clicked.connect(self.export)
        self._choices_loaded = False

    # --- what is shown ---

    @property
    def period(self) -> tuple[int, int | None]:
        return self.year.value(), self.month.currentData() or None

    @property
    def filters(self) -> Filters:
        return Filters(self.station.currentData() or None, self.level.currentData() or None,
                       self.delegation.currentData() or None)

    def load_choices(self) -> None:
        """Fill the filters with the stations, levels and delegations there are (keeping what is chosen)."""
        choices = points.choices(self.ctx)
        for combo, items in ((self.station, choices.stations),
                             (self.level, [(level, Level.label_of(level)) for level in choices.levels]),
                             (self.delegation, [(name, name) for name in choices.delegations])):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for data, text in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self._choices_loaded = True

    def refresh(self) -> None:
        """Read the ranking again (what showing the tab does)."""
        try:
            if not self._choices_loaded:
                self.load_choices()
            year, month = self.period
            filters = self.filters
            self.rows = points.ranking(self.ctx, year, month, filters.station_id, filters.level, filters.delegation)
            rule = points.rule_for(self.ctx, Month(year, month)) if month else None
        except StationError as exc:
            self.rows = []
            self.model.set_rows([])
            self.pane.show_rows(0, str(exc))
            self.summary.setText("")
            self.basis.setText("")
            set_allowed(self.export_button, False, str(exc))
            return
        self.model.set_rows(self.rows)
        scored = [r for r in self.rows if r.total]
        period = points.period_label(year, month)
        self.pane.show_rows(len(self.rows), tr("没有符合条件的代表。\n请换一个联络站、级别或代表团。"))
        if scored:
            self.summary.setText(tr("{period}：{n} 位代表，{scored} 位有积分；最高 {top} 分", period=period,
                                    n=len(self.rows), scored=len(scored), top=points.points_text(self.rows[0].total)))
        else:
            self.summary.setText(tr("{period}：{n} 位代表，还没有人取得积分（值班签到、接待登记、活动和建议录入后即可计分）",
                                    period=period, n=len(self.rows)))
        self.basis.setText(rule.describe() if rule is not None else
                           tr("全年积分为各月积分之和，每月按当月第一天施行的积分规则计算。") + " " +
                           tr("积分相同的，先比出勤值班次数，再比接待选民次数。"))
        set_allowed(self.export_button, bool(self.rows), tr("没有可导出的代表"))

    # --- actions ---

    def export(self) -> None:
        year, month = self.period
        title = tr("{period}履职积分排名", period=points.period_label(year, month))
        name, _ = QFileDialog.getSaveFileName(self, tr("导出积分排名"), file_name(title + ".xlsx"),
                                              tr("Excel 文件 (*.xlsx)"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        try:
            points.export_ranking(self.ctx, path, year, month, self.filters)
        except (StationError, FileWriteError) as exc:
            error_box(self, tr("导出积分排名"), exc)
            return
        QMessageBox.information(self, tr("导出积分排名"), tr("已导出到 {file}", file=path))

    def edit_rule(self) -> None:
        dialog = RuleDialog(self.ctx, self.today, self)
        dialog.exec()
        if dialog.changed:
            self.refresh()


# --- 积分规则 -----------------------------------------------------------------------------------


class RuleDialog(QDialog):
    """The points rule: pick a version to see it; an administrator saves what is in the fields as a new
    version from its start day on, or withdraws a saved version."""

    def __init__(self, ctx: ServiceContext, today: Today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.changed = False
        self.setWindowTitle(tr("积分规则"))
        self.setMinimumWidth(640)
        admin = ctx.operator.is_admin
        self.version = QComboBox()
        self.void_button = QPushButton(tr("作废这一版…"))
        self.fields: dict[str, QLineEdit] = {}
        self.errors = QLabel()
        self.errors.setStyleSheet(ERROR_STYLE)
        self.errors.setWordWrap(True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(4, 1)  # the fields sit beside their labels; the room to spare is on the right
        for column, text in enumerate((tr("项目"), tr("首次（分）"), tr("其后每次（分）"), tr("当月上限（分）"))):
            header = QLabel(f"<b>{text}</b>")
            grid.addWidget(header, 0, column, Qt.AlignmentFlag.AlignCenter if column else Qt.AlignmentFlag.AlignLeft)
        for row, item in enumerate(PointItem, start=1):
            grid.addWidget(QLabel(item.label), row, 0)
            for column, part in enumerate(("first", "each", "cap"), start=1):
                grid.addWidget(self._field(f"item:{item.value}:{part}"), row, column)
        row = len(PointItem) + 1
        grid.addWidget(QLabel(tr("{deduction}（每次扣）", deduction=Deduction.ABSENCE.label)), row, 0)
        grid.addWidget(self._field(f"deduction:{Deduction.ABSENCE.value}"), row, 1)
        grid.addWidget(QLabel(tr("自评（每分计）")), row + 1, 0)
        grid.addWidget(self._field("self_weight"), row + 1, 1)
        grid.addWidget(QLabel(tr("互评（每分计）")), row + 2, 0)
        grid.addWidget(self._field("peer_weight"), row + 2, 1)
        grid.addWidget(QLabel(tr("每站每月“代表之星”（名）")), row + 3, 0)
        self.stars = QSpinBox()
        self.stars.setRange(1, points.STARS_MAX)
        grid.addWidget(self.stars, row + 3, 1)
        grid.addWidget(QLabel(tr("起始日期")), row + 4, 0)
        self.valid_from = date_edit(Month.of(today()).next().first)
        grid.addWidget(self.valid_from, row + 4, 1, 1, 2)
        grid.addWidget(QLabel(tr("备注")), row + 5, 0)
        self.note = QLineEdit()
        grid.addWidget(self.note, row + 5, 1, 1, 4)
        self.fields_note = QLabel(tr("当月上限留空表示不设上限。"))
        self.fields_note.setStyleSheet(NOTE_STYLE)
        grid.addWidget(self.fields_note, row + 6, 0, 1, 4)

        intro = QLabel(tr("每个月按当月 1 日施行的规则计分。新规则的起始日期在月初的，当月起适用；在月中的，下个月起适用。"
                          "之前的月份仍按原规则，排名不变。"))
        intro.setWordWrap(True)
        intro.setStyleSheet(NOTE_STYLE)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("查看")))
        top.addWidget(self.version, 1)
        top.addWidget(self.void_button)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(tr("保存为新规则"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

        only_admin = tr("只有{role}可以设置积分规则", role=Role.ADMIN.label)
        set_allowed(self.save_button, admin, only_admin)
        for widget in (*self.fields.values(), self.note):
            widget.setReadOnly(not admin)
        self.stars.setEnabled(admin)
        self.valid_from.setEnabled(admin)
        self.version.currentIndexChanged.connect(self.show_version)
        self.void_button.clicked.connect(self.void)
        self.load()

    def _field(self, key: str) -> QLineEdit:
        field = QLineEdit()
        field.setMaximumWidth(90)
        field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields[key] = field
        return field

    def load(self, select_id: str | None = None) -> None:
        """The versions: the default, then each saved one; the one in force today is chosen."""
        try:
            saved = points.rules(self.ctx)
        except StationError as exc:
            self.errors.setText(str(exc))
            saved = []
        self.rules: list[Rule] = [points.DEFAULT_RULE, *saved]
        now = points.in_force(saved, Month.of(self.today()))
        self.version.blockSignals(True)
        self.version.clear()
        for rule in self.rules:
            if rule.id is None:
                text = tr("默认规则（未另设规则的月份）")
            else:
                text = tr("{day} 起（{month}起适用）", day=rule.valid_from.isoformat(), month=rule.first_month.label)
            if rule is now or (rule.id is not None and rule.id == now.id):
                text += tr("　· 现行")
            self.version.addItem(text, rule.id)
        wanted = select_id if select_id is not None else now.id
        self.version.setCurrentIndex(max(0, self.version.findData(wanted)))
        self.version.blockSignals(False)
        self.show_version()

    @property
    def shown_rule(self) -> Rule:
        return self.rules[max(0, self.version.currentIndex())]

    def show_version(self) -> None:
        rule = self.shown_rule
        for item in PointItem:
            values = rule.item(item)
            self.fields[f"item:{item.value}:first"].setText(points.points_text(values.first))
            self.fields[f"item:{item.value}:each"].setText(points.points_text(values.each))
            self.fields[f"item:{item.value}:cap"].setText(points.points_text(values.cap))
        self.fields[f"deduction:{Deduction.ABSENCE.value}"].setText(points.points_text(rule.deduction(Deduction.ABSENCE)))
        self.fields["self_weight"].setText(points.points_text(rule.self_weight))
        self.fields["peer_weight"].setText(points.points_text(rule.peer_weight))
        self.stars.setValue(rule.stars_per_station)
        self.note.setText(rule.note)
        self.show_errors({})
        admin = self.ctx.operator.is_admin
        set_allowed(self.void_button, admin and rule.id is not None,
                    tr("只有{role}可以设置积分规则", role=Role.ADMIN.label) if not admin else tr("默认规则不能作废"))

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, field in self.fields.items():
            field.setStyleSheet(ERROR_FIELD_STYLE if key in errors else "")
            field.setToolTip(errors.get(key, ""))
        self.errors.setStyleSheet(ERROR_STYLE)
        self.errors.setText("；".join(dict.fromkeys(errors.values())))

    def entered_rule(self) -> Rule:
        """What the fields say, as a rule from the chosen start day (checked by the service)."""
        text = {key: field.text() for key, field in self.fields.items()}
        return dataclasses.replace(
            points.DEFAULT_RULE, id=None, valid_from=self.valid_from.date().toPython(),
            items={item: RuleItem(text[f"item:{item.value}:first"], text[f"item:{item.value}:each"],
                                  text[f"item:{item.value}:cap"]) for item in PointItem},
            deductions={Deduction.ABSENCE: text[f"deduction:{Deduction.ABSENCE.value}"]},
            self_weight=text["self_weight"], peer_weight=text["peer_weight"], stars_per_station=self.stars.value(),
            note=self.note.text())

    def save(self) -> None:
        try:
            rule_id = points.save_rule(self.ctx, self.entered_rule(), today=self.today())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except StationError as exc:
            self.show_errors({})
            self.errors.setText(str(exc))
            return
        self.changed = True
        self.load(rule_id)
        self.errors.setStyleSheet("color:#2e7d32;")
        self.errors.setText(tr("已保存：{month}起按这一版计分", month=self.shown_rule.first_month.label))

    def void(self) -> None:
        rule = self.shown_rule
        if rule.id is None:
            return
        reason = ask_void_reason(self, tr("从 {day} 起的积分规则", day=rule.valid_from))
        if not reason:
            return
        try:
            points.void_rule(self.ctx, rule.id, reason, today=self.today())
        except StationError as exc:
            error_box(self, tr("作废积分规则"), exc)
            return
        self.changed = True
        self.load()
