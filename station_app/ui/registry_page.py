"""代表名册 page: representatives (and 议政代表), window units, stations."""
from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.services import registry
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.importing import ImportPreview
from station_app.services.registry import (
    RepFilter,
    RepresentativeInput,
    StationInput,
    WindowUnitInput,
)
from station_app.ui.forms import FieldSpec, FormDialog, ask_void_reason
from station_app.ui.import_dialog import ImportDialog, open_and_preview
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, TablePane, error_box, fit_columns, make_table
from station_app.vocab import Gender, Level, RepKind, StationKind


def rep_field_specs(options: dict[str, list[str]]) -> list[FieldSpec]:
    return [
        FieldSpec("name", tr("姓名"), required=True, placeholder=tr("如：王伟")),
        FieldSpec("gender", tr("性别"), "choice", options["gender"]),
        FieldSpec("kind", tr("类别"), "choice", options["kind"], required=True),
        FieldSpec("level", tr("级别"), "choice", options["level"], required=True),
        FieldSpec("delegation", tr("代表团"), "editable", options["delegation"]),
        FieldSpec("group", tr("代表小组"), "editable", options["group"]),
        FieldSpec("station", tr("联络站"), "choice", [""] + options["station"]),
        FieldSpec("work_unit", tr("工作单位及职务")),
        FieldSpec("phone", tr("联系电话"), placeholder=tr("手机 11 位，或座机 0393-4821234")),
        FieldSpec("id_number", tr("身份证号"), placeholder=tr("选填，18 位")),
        FieldSpec("has_fixed_income", tr("固定收入"), "bool", placeholder=tr("有固定收入（无则值班领误工补贴；改动从今天起算）")),
        FieldSpec("active", tr("在任"), "bool", placeholder=tr("在任，参加排班")),
        FieldSpec("term", tr("届次"), placeholder=tr("如：第十四届")),
        FieldSpec("notes", tr("备注"), "multiline"),
    ]


class RepresentativesTab(QWidget):
    changed = Signal()

    COLUMNS = [
        TableColumn(tr("姓名"), lambda r: r.name, 90),
        TableColumn(tr("性别"), lambda r: Gender.label_of(r.gender), 50, True),
        TableColumn(tr("级别"), lambda r: Level.label_of(r.level), 50, True),
        TableColumn(tr("类别"), lambda r: RepKind.label_of(r.kind), 80),
        TableColumn(tr("代表团"), lambda r: r.delegation, 130),
        TableColumn(tr("代表小组"), lambda r: r.group, 120),
        TableColumn(tr("工作单位及职务"), lambda r: r.work_unit, 230),
        TableColumn(tr("联系电话"), lambda r: r.phone, 120),
        TableColumn(tr("固定收入"), lambda r: tr("有") if r.has_fixed_income else tr("无"), 70, True),
        TableColumn(tr("状态"), lambda r: tr("已作废") if r.voided else (tr("在任") if r.active else tr("不在任")), 70, True),
        TableColumn(tr("联络站"), lambda r: r.station, 200),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索姓名、拼音首字母、电话、单位、代表团…"))
        self.search.setClearButtonEnabled(True)
        self.level = QComboBox()
        self.delegation = QComboBox()
        self.group = QComboBox()
        self.state = QComboBox()
        for value, label in (("active", tr("在任")), ("inactive", tr("不在任")), ("all", tr("全部（不含作废）")),
                             ("voided", tr("已作废"))):
            self.state.addItem(label, value)
        self.count = QLabel()
        self.model = RowTableModel(self.COLUMNS, greyed=lambda r: r.voided or not r.active)
        self.view = make_table(self.model)
        fit_columns(self.view.horizontalHeader(), [column.width for column in self.COLUMNS],
                    {1: [g.label for g in Gender], 2: [v.label for v in Level], 3: [k.label for k in RepKind]})
        self.pane = TablePane(self.view)

        self.add_button = QPushButton(tr("新增代表"))
        self.edit_button = QPushButton(tr("编辑"))
        self.void_button = QPushButton(tr("作废"))
        self.import_button = QPushButton(tr("导入 Excel…"))
        self.export_button = QPushButton(tr("导出 Excel…"))

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for label, combo in ((tr("级别"), self.level), (tr("代表团"), self.delegation), (tr("小组"), self.group),
                             (tr("状态"), self.state)):
            filters.addWidget(QLabel(label))
            combo.setMinimumWidth(90)
            filters.addWidget(combo, 1)
        actions = FlowLayout()
        for button in (self.add_button, self.edit_button, self.void_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.pane, 1)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.level, self.delegation, self.group, self.state):
            combo.currentIndexChanged.connect(self.refresh)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.void_button.clicked.connect(self.void)
        self.import_button.clicked.connect(self.import_workbook)
        self.export_button.clicked.connect(self.export_workbook)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add)
        self.reload_choices()
        self.refresh()

    def reload_choices(self) -> None:
        self.options = registry.choices(self.ctx)
        for combo, key in ((self.level, "level"), (self.delegation, "delegation"), (self.group, "group")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("全部"), "")
            for value in self.options[key]:
                combo.addItem(Level.label_of(value) if key == "level" else value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def current_filter(self) -> RepFilter:
        return RepFilter(text=self.search.text(), level=self.level.currentData() or "",
                         delegation=self.delegation.currentData() or "", group=self.group.currentData() or "",
                         state=self.state.currentData() or "active")

    def refresh(self) -> None:
        rows = registry.list_representatives(self.ctx, self.current_filter())
        total = len(registry.list_representatives(self.ctx, RepFilter(state="all")))
        self.model.set_rows(rows)
        self.count.setText(tr("显示 {shown} 人 / 名册共 {total} 人", shown=len(rows), total=total))
        hint = (tr("名册还是空的。\n点击右上方“导入 Excel…”导入县里的代表名册，或点击“新增代表”逐个录入。")
                if total == 0 else tr("没有符合条件的代表。\n请检查搜索词和筛选条件。"))
        self.pane.show_rows(len(rows), hint)
        voided_view = self.state.currentData() == "voided"
        self.void_button.setEnabled(not voided_view)
        self.edit_button.setEnabled(not voided_view)

    def selected_rows(self) -> list:
        return [self.model.row_at(index.row()) for index in self.view.selectionModel().selectedRows()]

    def open_dialog(self, row=None) -> FormDialog:
        values = asdict(row.as_input()) if row else asdict(RepresentativeInput())
        title = tr("编辑代表：{name}", name=row.name) if row else tr("新增代表")
        rep_id = row.id if row else None

        def save(form: dict) -> str:
            data = RepresentativeInput(**{f.name: form.get(f.name, getattr(RepresentativeInput(), f.name))
                                          for f in fields(RepresentativeInput)})
            return registry.save_representative(self.ctx, data, rep_id)

        return FormDialog(title, rep_field_specs(self.options), values, save, self)

    def add(self) -> None:
        if self.open_dialog().exec():
            self._after_change()

    def edit(self) -> None:
        rows = self.selected_rows()
        if not rows:
            QMessageBox.information(self, tr("编辑"), tr("请先在表格中选中一位代表。"))
            return
        if self.open_dialog(rows[0]).exec():
            self._after_change()

    def void(self) -> None:
        rows = self.selected_rows()
        if not rows:
            QMessageBox.information(self, tr("作废"), tr("请先在表格中选中要作废的代表。"))
            return
        row = rows[0]
        reason = ask_void_reason(self, row.name)
        if reason is None:
            return
        try:
            registry.void_representative(self.ctx, row.id, reason)
        except StationError as exc:
            error_box(self, tr("作废"), exc)
        self._after_change()

    def import_workbook(self) -> None:
        preview = open_and_preview(self, tr("选择代表名册 Excel 文件"), tr("导入代表名册"),
                                   lambda path: registry.preview_import(self.ctx, path))
        if preview is not None and self.import_dialog(preview).exec():
            self._after_change()

    def import_dialog(self, preview: ImportPreview[RepresentativeInput]) -> ImportDialog:
        """The preview of a county list; its 导入 button commits it through the registry."""
        return ImportDialog(preview, lambda skip: registry.commit_import(self.ctx, preview, skip_refused=skip),
                            title=tr("导入代表名册"), label_header=tr("姓名"), parent=self)

    def export_workbook(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("导出代表名册"), tr("代表名册.xlsx"), tr("Excel 工作簿 (*.xlsx)"))
        if not name:
            return
        try:
            count = registry.export_representatives(self.ctx, Path(name), self.current_filter())
        except (FileWriteError, StationError) as exc:
            error_box(self, tr("导出代表名册"), exc)
            return
        QMessageBox.information(self, tr("导出代表名册"), tr("已导出 {n} 位代表到\n{file}", n=count, file=name))

    def _after_change(self) -> None:
        self.reload_choices()
        self.refresh()
        self.changed.emit()


class SimpleListTab(QWidget):
    """A list with add / edit / void and an optional search: the shape of window units and stations."""

    COLUMNS: list[TableColumn] = []
    #: column → every label it can show (a vocabulary's), for its width
    WORDS: dict[int, list[str]] = {}
    ADD_LABEL = ""
    SEARCH_HINT = ""

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.search.setVisible(bool(self.SEARCH_HINT))
        self.model = RowTableModel(self.COLUMNS)
        self.view = make_table(self.model)
        fit_columns(self.view.horizontalHeader(), [column.width for column in self.COLUMNS], self.WORDS)
        self.pane = TablePane(self.view)
        add, edit, void = QPushButton(self.ADD_LABEL), QPushButton(tr("编辑")), QPushButton(tr("作废"))
        self.action_buttons = (add, edit, void)  # a 管理员's (ui/roles.py greys them for a 登记员)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for button in (add, edit, void):
            bar.addWidget(button)
        if not self.SEARCH_HINT:
            bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.pane, 1)
        self.search.textChanged.connect(self.refresh)
        add.clicked.connect(lambda: self.open_dialog(None))
        edit.clicked.connect(self.edit)
        void.clicked.connect(self.void)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.refresh()

    def rows(self) -> tuple[list, str]:
        """The rows to show and the hint for when there are none."""
        raise NotImplementedError

    def open_dialog(self, row) -> None:
        raise NotImplementedError

    def void_row(self, row_id: str, reason: str) -> None:
        """Void the record through its service."""
        raise NotImplementedError

    def refresh(self) -> None:
        rows, hint = self.rows()
        self.model.set_rows(rows)
        self.pane.show_rows(len(rows), hint)

    def selected(self):
        indexes = self.view.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def run_dialog(self, dialog: FormDialog) -> None:
        if dialog.exec():
            self.refresh()

    def edit(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_dialog(row)

    def void(self) -> None:
        row = self.selected()
        if row is None:
            return
        reason = ask_void_reason(self, row.name)
        if not reason:
            return
        try:
            self.void_row(row.id, reason)
        except StationError as exc:
            error_box(self, tr("作废"), exc)
        self.refresh()


class WindowUnitsTab(SimpleListTab):
    COLUMNS = [
        TableColumn(tr("窗口单位"), lambda r: r.name, 220),
        TableColumn(tr("主要负责人"), lambda r: r.head_name, 100),
        TableColumn(tr("职务"), lambda r: r.head_title, 100),
        TableColumn(tr("联系电话"), lambda r: r.head_phone, 130),
        TableColumn(tr("所在站点"), lambda r: r.station, 220),
        TableColumn(tr("备注"), lambda r: r.notes, 200),
    ]
    ADD_LABEL = tr("新增窗口单位")
    SEARCH_HINT = tr("搜索单位名称、负责人、电话…")

    def rows(self) -> tuple[list, str]:
        rows = registry.list_window_units(self.ctx, self.search.text())
        return rows, tr("还没有窗口单位。\n点击“新增窗口单位”录入政务服务中心的窗口单位及其主要负责人。")

    def open_dialog(self, row) -> None:
        stations = [s.name for s in registry.list_stations(self.ctx)]
        specs = [
            FieldSpec("name", tr("单位名称"), required=True, placeholder=tr("如：县人力资源和社会保障局")),
            FieldSpec("head_name", tr("主要负责人"), required=True),
            FieldSpec("head_title", tr("职务")),
            FieldSpec("head_phone", tr("联系电话")),
            FieldSpec("station", tr("所在站点"), "choice", [""] + stations),
            FieldSpec("notes", tr("备注"), "multiline"),
        ]
        values = {f.name: getattr(row, f.name) for f in fields(WindowUnitInput)} if row else asdict(WindowUnitInput())
        self.run_dialog(FormDialog(tr("编辑窗口单位") if row else tr("新增窗口单位"), specs, values,
                                   lambda form: registry.save_window_unit(self.ctx, WindowUnitInput(**form),
                                                                          row.id if row else None), self))

    def void_row(self, row_id: str, reason: str) -> None:
        registry.void_window_unit(self.ctx, row_id, reason)


class StationsTab(SimpleListTab):
    COLUMNS = [
        TableColumn(tr("代码"), lambda r: r.code, 70),
        TableColumn(tr("站点名称"), lambda r: r.name, 240),
        TableColumn(tr("类型"), lambda r: StationKind.label_of(r.kind), 150),
        TableColumn(tr("代表人数"), lambda r: r.representatives, 80, True),
        TableColumn(tr("地址"), lambda r: r.address, 220),
        TableColumn(tr("联系人"), lambda r: r.contact, 80),
        TableColumn(tr("电话"), lambda r: r.phone, 120),
    ]
    WORDS = {2: [kind.label for kind in StationKind]}
    ADD_LABEL = tr("新增站点")

    def rows(self) -> tuple[list, str]:
        rows = registry.list_stations(self.ctx)
        return rows, tr("还没有站点。\n点击“新增站点”录入本县的代表联络站和监督站。")

    def open_dialog(self, row) -> None:
        specs = [
            FieldSpec("name", tr("站点名称"), required=True, placeholder=tr("如：某某县人大代表监督站")),
            FieldSpec("code", tr("站点代码"), required=True, placeholder=tr("字母数字，如 PYJD")),
            FieldSpec("kind", tr("类型"), "choice", list(StationKind), required=True),
            FieldSpec("address", tr("地址")),
            FieldSpec("contact", tr("联系人")),
            FieldSpec("phone", tr("电话")),
            FieldSpec("notes", tr("备注"), "multiline"),
        ]
        values = {f.name: getattr(row, f.name) for f in fields(StationInput)} if row else asdict(StationInput())
        self.run_dialog(FormDialog(tr("编辑站点") if row else tr("新增站点"), specs, values,
                                   lambda form: registry.save_station(self.ctx, StationInput(**form),
                                                                      row.id if row else None), self))

    def void_row(self, row_id: str, reason: str) -> None:
        registry.void_station(self.ctx, row_id, reason)


class RegistryPage(QTabWidget):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.representatives = RepresentativesTab(ctx)
        self.window_units = WindowUnitsTab(ctx)
        self.stations = StationsTab(ctx)
        self.addTab(self.representatives, tr("代表与议政代表"))
        self.addTab(self.window_units, tr("窗口单位"))
        self.addTab(self.stations, tr("联络站"))
