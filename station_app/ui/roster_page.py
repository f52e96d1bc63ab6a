"""排班 page: a month calendar of one plan, the selected day's slots with manual changes, per-person counts."""
from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr, weekday
from station_app.io.files import FileWriteError
from station_app.services import attendance, roster_generation, roster_output, roster_plans
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.roster_output import DayView
from station_app.services.roster_people import PersonOnDuty, people_for_picking
from station_app.services.roster_plans import PlanInput
from station_app.ui.forms import ERROR_STYLE, ok_cancel
from station_app.ui.person_picker import PersonPicker
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, fit_columns, make_table
from station_app.vocab import AssignmentSource, Attendance, DayRule, Level, RepKind, Rotation, SlotName

ESTIMATED_COLOUR = "#e65100"  # the colour of the warning above the grid
SOURCE_COLOURS = {AssignmentSource.MANUAL: "#1565c0", AssignmentSource.SWAP: "#6a1b9a",
                  AssignmentSource.STAND_IN: "#ef6c00"}


def source_tag(source: AssignmentSource) -> tuple[str, str] | None:
    """The mark of a hand-made arrangement in the month view (［手］, or ［M］ in English) and its colour."""
    marks = {AssignmentSource.MANUAL: tr("手"), AssignmentSource.SWAP: tr("调"), AssignmentSource.STAND_IN: tr("替")}
    return (marks[source], SOURCE_COLOURS[source]) if source in SOURCE_COLOURS else None


def person_html(person: PersonOnDuty) -> str:
    name = escape(person.name)
    if person.is_head:
        name = f"<span style='color:#00695c'>{name}</span>"
    if person.attendance == Attendance.REPLACED:
        return f"<s style='color:#9e9e9e'>{escape(person.name)}</s>"
    tag = source_tag(person.source)
    if tag:
        name += f"<span style='color:{tag[1]}'>［{tag[0]}］</span>"
    if person.attendance in attendance.EMPTY_POST:
        status = tr("（{status}）", status=escape(Attendance.label_of(person.attendance)))
        name = f"<span style='color:#c62828'>{name}{status}</span>"
    return name


def _short_slot(name: str) -> str:
    slot = SlotName.parse(name)
    return slot.short_label if slot is not None else name


def day_html(view: DayView, in_month: bool) -> str:
    colour = "#212121" if in_month else "#bdbdbd"
    head = f"<b style='color:{colour};font-size:13px'>{view.day.day}</b>"
    if view.note:
        # an estimated day off (推定) takes the colour of the warning above the grid that explains it
        colour = ESTIMATED_COLOUR if view.estimated else "#c62828" if view.off else "#2e7d32"
        head += f" <span style='color:{colour}'>{escape(view.note)}</span>"
    lines = [head]
    for slot in view.slots:
        people = "、".join(person_html(p) for p in slot.people)
        label = ("" if slot.name == SlotName.WHOLE_DAY and len(view.slots) == 1
                 else f"<span style='color:#757575'>{_short_slot(slot.name)}</span> ")
        missing = f" <b style='color:#c62828'>{tr('缺{n}人', n=slot.missing)}</b>" if slot.missing else ""
        lines.append(f"{label}{people}{missing}")
    return "<br>".join(lines)


class MonthGrid(QTableWidget):
    """Six weeks of seven days, Monday first; each cell the day's slots and names."""

    def __init__(self) -> None:
        super().__init__(6, 7)
        self.setHorizontalHeaderLabels([weekday(i) for i in range(7)])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.days: dict[tuple[int, int], dt.date] = {}
        self.views: dict[dt.date, DayView] = {}
        self.backgrounds: dict[tuple[int, int], str] = {}
        self.currentCellChanged.connect(self._highlight)

    def show_month(self, year: int, month: int, views: list[DayView]) -> None:
        first = dt.date(year, month, 1)
        start = first - dt.timedelta(days=first.weekday())
        self.views = {v.day: v for v in views}
        self.days.clear()
        self.clearContents()
        for index in range(42):
            day = start + dt.timedelta(days=index)
            row, column = divmod(index, 7)
            self.days[(row, column)] = day
            view = self.views.get(day, DayView(day, "", day.weekday() >= 5, ()))
            label = QLabel(day_html(view, day.month == month))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setMargin(3)
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 0.88)  # a busy monitoring-station day has seven names
            label.setFont(font)
            background = "#f5f5f5" if view.off or day.month != month else "white"
            if any(slot.missing for slot in view.slots):
                background = "#ffebee"
            if day == dt.date.today():
                background = "#fffde7"
            self.backgrounds[(row, column)] = background
            label.setStyleSheet(f"background:{background};")
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self.setCellWidget(row, column, label)

    def _highlight(self, row: int, column: int, old_row: int, old_column: int) -> None:
        """Cell widgets hide Qt's own selection, so the chosen day gets a border of its own."""
        for (r, c), frame in (((old_row, old_column), ""), ((row, column), "border: 2px solid #c62828;")):
            label = self.cellWidget(r, c) if r >= 0 and c >= 0 else None
            if label is not None:
                label.setStyleSheet(f"background:{self.backgrounds.get((r, c), 'white')};{frame}")

    def day_at(self, row: int, column: int) -> dt.date | None:
        return self.days.get((row, column))

    def select_day(self, day: dt.date) -> None:
        for (row, column), value in self.days.items():
            if value == day:
                self.setCurrentCell(row, column)
                self._highlight(row, column, -1, -1)


class PlanDialog(QDialog):
    """新建/编辑排班方案, with the two real cases one click away."""

    def __init__(self, ctx: ServiceContext, plan_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id = plan_id
        self.setWindowTitle(tr("编辑排班方案") if plan_id else tr("新建排班方案"))
        self.resize(620, 640)
        options = roster_plans.plan_options(ctx)
        stations = options.stations
        current = roster_plans.plan_input(ctx, plan_id) if plan_id else None
        self.name = QComboBox()
        self.name.setEditable(True)
        self.station = QComboBox()
        self.station.addItems(stations)
        preset_row = QHBoxLayout()
        self.wednesday = QPushButton(tr("周三代表活动日"))
        self.monitoring = QPushButton(tr("监督站每日值班"))
        preset_row.addWidget(QLabel(tr("常用方案：")))
        preset_row.addWidget(self.wednesday)
        preset_row.addWidget(self.monitoring)
        preset_row.addStretch(1)
        self.by_weekday = QRadioButton(tr("每周固定星期"))
        self.every_workday = QRadioButton(tr("每个法定工作日（含调休上班日）"))
        self.weekday_boxes = [QCheckBox(weekday(i, short=True)) for i in range(7)]
        weekday_row = QHBoxLayout()
        for box in self.weekday_boxes:
            weekday_row.addWidget(box)
        self.whole_day = QRadioButton(tr("全天一个班"))
        self.half_days = QRadioButton(tr("上午、下午两个班"))
        # Two separate choices: without their own groups all four radio buttons would exclude each other.
        self.day_choice, self.slot_choice = QButtonGroup(self), QButtonGroup(self)
        for group, buttons in ((self.day_choice, (self.by_weekday, self.every_workday)),
                               (self.slot_choice, (self.whole_day, self.half_days))):
            for button in buttons:
                group.addButton(button)
        self.headcount = QSpinBox()
        self.headcount.setRange(0, 20)
        self.heads = QSpinBox()
        self.heads.setRange(0, 10)
        self.rotation = QComboBox()
        for rotation in Rotation:
            self.rotation.addItem(rotation.label, rotation.value)
        # Each box shows its word's label and keeps the stored value (its object name).
        self.levels = [self._word_box(level) for level in Level]
        level_row = QHBoxLayout()
        for box in self.levels:
            level_row.addWidget(box)
        level_row.addStretch(1)
        self.kinds = [self._word_box(kind) for kind in RepKind]
        kind_row = QHBoxLayout()
        for box in self.kinds:
            kind_row.addWidget(box)
        kind_row.addStretch(1)
        self.delegations = self._checklist(options.delegations)
        self.groups = self._checklist(options.groups)
        self.own_station = QCheckBox(tr("只从本站的代表中抽取"))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(preset_row)
        form.addRow(tr("方案名称"), self.name)
        form.addRow(tr("站点"), self.station)
        form.addRow(tr("值班日"), self.by_weekday)
        form.addRow("", weekday_row)
        form.addRow("", self.every_workday)
        form.addRow(tr("时段"), self.whole_day)
        form.addRow("", self.half_days)
        form.addRow(tr("每班代表人数"), self.headcount)
        form.addRow(tr("每班窗口单位负责人"), self.heads)
        form.addRow(tr("轮换方式"), self.rotation)
        form.addRow(tr("代表级别（不选为全部）"), level_row)
        form.addRow(tr("类别（不选为全部）"), kind_row)
        lists = QHBoxLayout()
        for title, widget in ((tr("代表团（不选为全部）"), self.delegations), (tr("代表小组（不选为全部）"), self.groups)):
            box = QVBoxLayout()
            box.addWidget(QLabel(title))
            box.addWidget(widget)
            lists.addLayout(box)
        form.addRow(lists)
        form.addRow("", self.own_station)
        buttons = ok_cancel(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # A new plan is for this station; with no station at all the dialog says where to name one.
        station = ctx.station.name if ctx.station.name in stations else (stations[0] if stations else "")
        if not stations:
            self.error.setText(tr("还没有站点可选。请先在“设置”中填写本站名称、代码和类型（或在“代表名册 › 联络站”中添加站点）。"))
        self.wednesday.clicked.connect(
            lambda: self.show_input(roster_plans.wednesday_preset(self.station.currentText())))
        self.monitoring.clicked.connect(
            lambda: self.show_input(roster_plans.monitoring_preset(self.station.currentText())))
        self.show_input(current or roster_plans.wednesday_preset(station))
        self.result_id: str | None = None

    @staticmethod
    def _word_box(word: Level | RepKind) -> QCheckBox:
        box = QCheckBox(word.label)
        box.setObjectName(word.value)
        return box

    @staticmethod
    def _checklist(values: list[str]) -> QListWidget:
        widget = QListWidget()
        widget.setMaximumHeight(120)
        for value in values:
            item = QListWidgetItem(value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)
        return widget

    @staticmethod
    def _checked(widget: QListWidget) -> list[str]:
        return [widget.item(i).text() for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked]

    def show_input(self, data: PlanInput) -> None:
        self.name.setEditText(data.name)
        if data.station:
            self.station.setCurrentText(data.station)
        self.by_weekday.setChecked(data.day_rule == DayRule.WEEKDAYS)
        self.every_workday.setChecked(data.day_rule == DayRule.WORKDAYS)
        for number, box in enumerate(self.weekday_boxes, 1):
            box.setChecked(number in data.weekdays)
        self.whole_day.setChecked(data.slots == [SlotName.WHOLE_DAY])
        self.half_days.setChecked(data.slots != [SlotName.WHOLE_DAY])
        self.headcount.setValue(data.headcount)
        self.heads.setValue(data.heads_per_slot)
        self.rotation.setCurrentIndex(max(0, self.rotation.findData(str(data.rotation))))
        for box in self.levels:
            box.setChecked(box.objectName() in data.levels)
        for box in self.kinds:
            box.setChecked(box.objectName() in data.kinds)
        for widget, chosen in ((self.delegations, data.delegations), (self.groups, data.groups)):
            for i in range(widget.count()):
                item = widget.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.text() in chosen else Qt.CheckState.Unchecked)
        self.own_station.setChecked(data.own_station_only)

    def current(self) -> PlanInput:
        return PlanInput(
            name=self.name.currentText().strip(), station=self.station.currentText(),
            day_rule=DayRule.WORKDAYS if self.every_workday.isChecked() else DayRule.WEEKDAYS,
            weekdays=[n for n, box in enumerate(self.weekday_boxes, 1) if box.isChecked()],
            slots=[SlotName.WHOLE_DAY] if self.whole_day.isChecked() else [SlotName.MORNING, SlotName.AFTERNOON],
            headcount=self.headcount.value(),
            heads_per_slot=self.heads.value(), rotation=Rotation(self.rotation.currentData()),
            levels=[b.objectName() for b in self.levels if b.isChecked()],
            kinds=[b.objectName() for b in self.kinds if b.isChecked()],
            delegations=self._checked(self.delegations), groups=self._checked(self.groups),
            own_station_only=self.own_station.isChecked())

    def save(self) -> None:
        try:
            self.result_id = roster_plans.save_plan(self.ctx, self.current(), self.plan_id)
        except ValidationFailed as exc:
            self.error.setText("；".join(exc.errors.values()))
            return
        except StationError as exc:  # not an administrator
            self.error.setText(str(exc))
            return
        self.accept()


class GenerateDialog(QDialog):
    def __init__(self, plan_name: str, start: dt.date, end: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("生成排班：{plan}", plan=plan_name))
        self.start = QDateEdit(QDate(start.year, start.month, start.day))
        self.end = QDateEdit(QDate(end.year, end.month, end.day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        note = QLabel(tr("跳过法定节假日和闭站日，包含调休上班日。今天以前的日期、手工指派、调班、替班和已签到的安排都会保留。"))
        note.setWordWrap(True)
        note.setStyleSheet("color:#616161;")
        buttons = ok_cancel(self, self.accept, tr("生成"))
        form = QFormLayout(self)
        form.addRow(tr("从"), self.start)
        form.addRow(tr("到"), self.end)
        form.addRow(note)
        form.addRow(buttons)

    def span(self) -> tuple[dt.date, dt.date]:
        return self.start.date().toPython(), self.end.date().toPython()


class RosterPage(QWidget):
    # The counts before the unit, which takes what room is left: the numbers stay in sight in the side panel.
    COUNT_COLUMNS = [
        TableColumn(tr("姓名"), lambda r: r.name, 120),
        TableColumn(tr("排班"), lambda r: r.scheduled, 50, True),
        TableColumn(Attendance.PRESENT.label, lambda r: r.attended, 50, True),
        TableColumn(Attendance.ABSENT.label, lambda r: r.missed, 50, True),
        TableColumn(tr("代表团/单位"), lambda r: r.unit, 130),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        today = dt.date.today()
        self.year, self.month = today.year, today.month
        self.selected_day = today
        self.plan = QComboBox()
        self.plan.setMinimumWidth(220)
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        for button in (self.prev_button, self.next_button):
            button.setFixedWidth(36)
        self.month_label = QLabel()
        self.month_label.setStyleSheet("font-size: 17px; font-weight: bold; padding: 0 8px;")
        self.today_button = QPushButton(tr("本月"))
        self.generate_button = QPushButton(tr("生成排班…"))
        self.new_plan_button = QPushButton(tr("新建方案…"))
        self.edit_plan_button = QPushButton(tr("修改方案…"))
        self.unavailable_button = QPushButton(tr("登记不能值班…"))
        self.print_button = QPushButton(tr("打印本月…"))
        self.export_button = QPushButton(tr("导出 Excel…"))
        self.warning = QLabel()
        self.warning.setStyleSheet("color:#e65100; padding: 2px;")
        self.warning.setWordWrap(True)
        self.description = QLabel()
        self.description.setStyleSheet("color:#616161;")
        self.grid = MonthGrid()
        self.empty_hint = QLabel(tr("还没有排班方案。点击“新建方案…”，选“周三代表活动日”或“监督站每日值班”，再点“生成排班…”。"))
        self.empty_hint.setStyleSheet("color:#757575; font-size: 15px; padding: 30px;")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)

        self.day_title = QLabel()
        self.day_title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.day_tree = QTreeWidget()
        self.day_tree.setHeaderLabels([tr("时段 / 姓名"), tr("单位"), tr("方式"), tr("签到")])
        fit_columns(self.day_tree.header(), [100, 110, 40])
        self.assign_button = QPushButton(tr("指派…"))
        self.remove_button = QPushButton(tr("移除…"))
        self.swap_button = QPushButton(tr("调班…"))
        self.stand_in_button = QPushButton(tr("替班…"))
        self.legend = QLabel(tr("图例：<span style='color:#1565c0'>［手］</span>手工指派　<span style='color:#6a1b9a'>［调］</span>调班　"
                                "<span style='color:#ef6c00'>［替］</span>替班　<span style='color:#00695c'>绿色</span>为窗口单位负责人　"
                                "<span style='color:#c62828'>红色</span>为缺勤、请假或未排满　灰色划线为已由他人替班"))
        self.legend.setWordWrap(True)
        self.counts = RowTableModel(self.COUNT_COLUMNS)
        self.counts_view = make_table(self.counts)
        self.counts_view.verticalHeader().setVisible(False)  # the counts, not row numbers, in the narrow side panel

        top = FlowLayout()
        top.addWidget(QLabel(tr("方案")))
        top.addWidget(self.plan)
        top.addWidget(self.prev_button)
        top.addWidget(self.month_label)
        top.addWidget(self.next_button)
        top.addWidget(self.today_button)
        top.addStretch(1)
        for button in (self.generate_button, self.new_plan_button, self.edit_plan_button, self.unavailable_button,
                       self.print_button, self.export_button):
            top.addWidget(button)
        day_panel = QWidget()
        day_layout = QVBoxLayout(day_panel)
        day_layout.setContentsMargins(0, 0, 0, 0)
        day_layout.addWidget(self.day_title)
        day_layout.addWidget(self.day_tree, 1)
        actions = QGridLayout()
        actions.addWidget(self.assign_button, 0, 0)
        actions.addWidget(self.remove_button, 0, 1)
        actions.addWidget(self.swap_button, 1, 0)
        actions.addWidget(self.stand_in_button, 1, 1)
        day_layout.addLayout(actions)
        side = QTabWidget()
        side.addTab(day_panel, tr("当日安排"))
        side.addTab(self.counts_view, tr("本月人员统计"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.description)
        left_layout.addWidget(self.warning)
        left_layout.addWidget(self.grid, 1)
        left_layout.addWidget(self.empty_hint, 1)
        left_layout.addWidget(self.legend)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(side)
        splitter.setSizes([880, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.plan.currentIndexChanged.connect(self.refresh)
        self.prev_button.clicked.connect(lambda: self.move_month(-1))
        self.next_button.clicked.connect(lambda: self.move_month(1))
        self.today_button.clicked.connect(self.go_today)
        self.grid.cellClicked.connect(self.pick_day)
        self.generate_button.clicked.connect(self.generate)
        self.new_plan_button.clicked.connect(lambda: self.edit_plan(None))
        self.edit_plan_button.clicked.connect(lambda: self.edit_plan(self.plan_id()))
        self.unavailable_button.clicked.connect(self.declare_unavailable)
        self.print_button.clicked.connect(self.print_month)
        self.export_button.clicked.connect(self.export_month)
        self.assign_button.clicked.connect(self.assign)
        self.remove_button.clicked.connect(self.remove)
        self.swap_button.clicked.connect(self.swap)
        self.stand_in_button.clicked.connect(self.stand_in)
        self.reload_plans()

    # --- state ---

    def plan_id(self) -> str | None:
        return self.plan.currentData()

    def reload_plans(self, select: str | None = None) -> None:
        plans = roster_plans.list_plans(self.ctx)
        current = select or self.plan_id()
        self.plan.blockSignals(True)
        self.plan.clear()
        for plan in plans:
            self.plan.addItem(f"{plan.name}（{plan.station}）", plan.id)
            self.plan.setItemData(self.plan.count() - 1, plan.description, Qt.ItemDataRole.ToolTipRole)
        self.plan.setCurrentIndex(max(0, self.plan.findData(current)))
        self.plan.blockSignals(False)
        self.refresh()

    def _empty_hint(self) -> str:
        """What to do when there is no plan: name the station or fill the registry first, where that is missing."""
        steps = {step.key: step.done for step in settings_service.setup_steps(self.ctx)}
        if not steps["station"]:
            return tr("还没有设置本站。\n请先在“设置”中填写本站名称、代码和类型，再回到这里点击“新建方案…”。")
        if not steps["registry"]:
            return tr("名册还是空的，排班要从名册中选人。\n请先在“代表名册”中导入县代表名册或新增代表，再回到这里点击“新建方案…”。")
        return tr("还没有排班方案。点击“新建方案…”，选“周三代表活动日”或“监督站每日值班”，再点“生成排班…”。")

    def move_month(self, step: int) -> None:
        index = self.year * 12 + self.month - 1 + step
        self.year, self.month = divmod(index, 12)
        self.month += 1
        self.selected_day = dt.date(self.year, self.month, 1)
        self.refresh()

    def go_today(self) -> None:
        today = dt.date.today()
        self.year, self.month, self.selected_day = today.year, today.month, today
        self.refresh()

    def refresh(self) -> None:
        plan_id = self.plan_id()
        has_plan = plan_id is not None
        self.grid.setVisible(has_plan)
        self.empty_hint.setVisible(not has_plan)
        for button in (self.generate_button, self.edit_plan_button, self.print_button, self.export_button,
                       self.assign_button, self.remove_button, self.swap_button, self.stand_in_button):
            button.setEnabled(has_plan)
        self.month_label.setText(tr("{year}年{month}月", year=self.year, month=self.month))
        if not has_plan:
            self.description.clear()
            self.warning.clear()
            self.empty_hint.setText(self._empty_hint())
            return
        start, _end = roster_output.month_span(self.year, self.month)
        grid_start = start - dt.timedelta(days=start.weekday())
        month = roster_output.month_view(self.ctx, plan_id, self.year, self.month)
        self.description.setText(month.plan.description)
        self.warning.setText(month.warning or "")
        self.warning.setVisible(bool(month.warning))
        self.grid.show_month(self.year, self.month, month.days)
        self.counts.set_rows(month.counts)
        if not (grid_start <= self.selected_day <= grid_start + dt.timedelta(days=41)):
            self.selected_day = start
        self.grid.select_day(self.selected_day)
        self.show_day()

    def pick_day(self, row: int, column: int) -> None:
        day = self.grid.day_at(row, column)
        if day:
            self.selected_day = day
            self.show_day()

    def show_day(self) -> None:
        view = self.grid.views.get(self.selected_day)
        title = tr("{month}月{day}日 {weekday}", month=self.selected_day.month, day=self.selected_day.day,
                   weekday=weekday(self.selected_day.weekday()))
        if view and view.note:
            title += f"　{view.note}"
        self.day_title.setText(title)
        self.day_tree.clear()
        by_hand = False
        if not view or not view.slots:
            QTreeWidgetItem(self.day_tree, [tr("这一天没有排班")])
            return
        for slot in view.slots:
            label = SlotName.label_of(slot.name) + (tr("（缺 {n} 人）", n=slot.missing) if slot.missing else "")
            parent = QTreeWidgetItem(self.day_tree, [label])
            parent.setData(0, Qt.ItemDataRole.UserRole, ("slot", slot.slot_id))
            if slot.missing:
                parent.setForeground(0, Qt.GlobalColor.red)
            for person in slot.people:
                by_hand = by_hand or person.source != AssignmentSource.GENERATED
                how = AssignmentSource.label_of(person.source) if person.source != AssignmentSource.GENERATED else ""
                status = Attendance.label_of(person.attendance)
                if person.stands_in_for:
                    status += tr("（替{name}）", name=person.stands_in_for)
                item = QTreeWidgetItem(parent, [person.name, person.unit, how, status])
                item.setData(0, Qt.ItemDataRole.UserRole, ("turn", person.assignment_id))
                item.setToolTip(0, person.name)
            parent.setExpanded(True)
        # The arrangement column only on a day someone was put on by hand: the sign-in column stays in sight.
        self.day_tree.setColumnHidden(2, not by_hand)
        # a name told apart from a namesake is longer (张建华（尾号0985）): show it whole, and the unit
        # column takes what room is left
        shown = [column for column in (0, 2, 3) if not self.day_tree.isColumnHidden(column)]
        for column in shown:
            self.day_tree.resizeColumnToContents(column)
        self.day_tree.setColumnWidth(0, max(100, self.day_tree.columnWidth(0)))
        spare = self.day_tree.viewport().width() - sum(self.day_tree.columnWidth(c) for c in shown)
        self.day_tree.setColumnWidth(1, max(90, spare))

    def selected_turn(self) -> str | None:
        item = self.day_tree.currentItem()
        data = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        return data[1] if data and data[0] == "turn" else None

    def selected_slot(self) -> str | None:
        item = self.day_tree.currentItem()
        if item is None:
            return None
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data and data[0] == "turn":
            data = item.parent().data(0, Qt.ItemDataRole.UserRole)
        return data[1] if data else None

    # --- actions ---

    def _run(self, title: str, action) -> bool:
        try:
            action()
        except (StationError, FileWriteError) as exc:
            QMessageBox.warning(self, title, str(exc))
            return False
        self.refresh()
        return True

    def _people(self) -> list[tuple[object, str, str]]:
        return [(p.person, p.name, p.unit) for p in people_for_picking(self.ctx)]

    def edit_plan(self, plan_id: str | None) -> None:
        dialog = PlanDialog(self.ctx, plan_id, self)
        if dialog.exec():
            self.reload_plans(dialog.result_id)

    def generate(self) -> None:
        start = max(dt.date.today(), dt.date(self.year, self.month, 1))
        _, end = roster_output.month_span(self.year, self.month)
        dialog = GenerateDialog(self.plan.currentText(), start, max(start, end), self)
        if not dialog.exec():
            return
        first, last = dialog.span()
        try:
            report = roster_generation.generate(self.ctx, self.plan_id(), first, last)
        except StationError as exc:
            QMessageBox.warning(self, tr("生成排班"), str(exc))
            return
        self.refresh()
        box = QMessageBox.warning if report.uncovered or report.warning else QMessageBox.information
        box(self, tr("生成排班"), "\n".join(report.lines()[:25]))

    def assign(self) -> None:
        slot_id = self.selected_slot()
        if slot_id is None:
            QMessageBox.information(self, tr("指派"), tr("请先在右侧选中一个时段。"))
            return
        picker = PersonPicker(tr("指派值班人员"), self._people(), self, reason_label=tr("指派原因（必填）"))
        if picker.exec():
            self._run(tr("指派"), lambda: roster_generation.assign(self.ctx, slot_id, picker.chosen,
                                                                 picker.reason.text()))

    def remove(self) -> None:
        turn = self.selected_turn()
        if turn is None:
            QMessageBox.information(self, tr("移除"), tr("请先在右侧选中一个人。"))
            return
        reason, ok = QInputDialog.getText(self, tr("移除"), tr("移除原因（必填）："))
        if ok:
            self._run(tr("移除"), lambda: roster_generation.remove(self.ctx, turn, reason))

    def swap(self) -> None:
        turn = self.selected_turn()
        if turn is None:
            QMessageBox.information(self, AssignmentSource.SWAP.label, tr("请先在右侧选中要调班的人。"))
            return
        try:
            choices = roster_generation.swap_candidates(self.ctx, turn)
        except StationError as exc:
            QMessageBox.warning(self, AssignmentSource.SWAP.label, str(exc))
            return
        others = [(c.assignment_id, c.name, tr("{month}月{day}日", month=c.day.month, day=c.day.day)
                   + f" {SlotName.label_of(c.slot)}　{c.unit}") for c in choices]
        picker = PersonPicker(tr("与谁调班（今后 120 天内的值班）"), others, self, reason_label=tr("调班原因（必填）"))
        if picker.exec():
            self._run(AssignmentSource.SWAP.label, lambda: roster_generation.swap(self.ctx, turn, picker.chosen,
                                                                                picker.reason.text()))

    def stand_in(self) -> None:
        turn = self.selected_turn()
        if turn is None:
            QMessageBox.information(self, AssignmentSource.STAND_IN.label, tr("请先在右侧选中需要替班的人。"))
            return
        picker = PersonPicker(tr("由谁替班"), self._people(), self, reason_label=tr("替班原因（必填）"))
        if picker.exec():
            self._run(AssignmentSource.STAND_IN.label, lambda: attendance.stand_in(self.ctx, turn, picker.chosen,
                                                                                 picker.reason.text()))

    def declare_unavailable(self) -> None:
        if not self._people():
            QMessageBox.information(self, tr("登记不能值班"), tr("名册还是空的。请先在“代表名册”中导入或新增代表。"))
            return
        picker = PersonPicker(tr("登记不能值班：选择人员"), self._people(), self, reason_label=tr("原因（如：外出学习）"))
        if not picker.exec():
            return
        dialog = GenerateDialog(picker.list.currentItem().text(), self.selected_day, self.selected_day, self)
        dialog.setWindowTitle(tr("不能值班的日期"))
        if dialog.exec():
            first, last = dialog.span()
            if self._run(tr("登记不能值班"), lambda: roster_generation.declare_unavailable(
                    self.ctx, picker.chosen, first, last, picker.reason.text())):
                QMessageBox.information(self, tr("登记不能值班"), tr("已登记。重新生成排班时将避开这些日期；已排的班次请用“替班”或“调班”调整。"))

    def print_month(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("保存值班表 PDF"), tr("{year}年{month}月值班表.pdf",
                                                                            year=self.year, month=self.month),
                                              tr("PDF 文件 (*.pdf)"))
        if name:
            self._run(tr("打印值班表"), lambda: roster_output.print_month(self.ctx, self.plan_id(), self.year,
                                                                       self.month, Path(name)))

    def export_month(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("导出值班表"), tr("{year}年{month}月值班表.xlsx",
                                                                       year=self.year, month=self.month),
                                              tr("Excel 工作簿 (*.xlsx)"))
        if name:
            self._run(tr("导出值班表"), lambda: roster_output.export_month(self.ctx, self.year, self.month,
                                                                        Path(name), self.plan_id()))
