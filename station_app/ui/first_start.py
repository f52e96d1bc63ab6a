"""开始使用 — the guide a new station opens on: name this station, fill the registry, make a duty plan.

The main window shows it first while a step is missing (``services.settings.setup_steps``) and
takes it away once all three are done. Each step says whether it is done and has the button that
does it; a step waits for the one before it, so nothing leads to an empty choice.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.settings import SetupStep, ThisStationInput
from station_app.ui.forms import ERROR_FIELD_STYLE, ERROR_STYLE
from station_app.ui.widgets import FlowLayout
from station_app.vocab import StationKind

CARD_STYLE = "QFrame#step { background: white; border: 1px solid #e0e0e0; border-radius: 6px; }"
DONE_STYLE = "color: #2e7d32; font-weight: bold;"
TODO_STYLE = "color: #c62828; font-weight: bold;"
WAITING_STYLE = "color: #9e9e9e;"


class StepCard(QFrame):
    """One step: its number and title, done or not, what it is about, and its buttons."""

    def __init__(self, number: int, title: str, about: str) -> None:
        super().__init__()
        self.setObjectName("step")
        self.setStyleSheet(CARD_STYLE)
        self.title = QLabel(tr("第 {n} 步　{title}", n=number, title=title))
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.state = QLabel()
        self.about = QLabel(about)
        self.about.setWordWrap(True)
        self.about.setStyleSheet("color: #616161;")
        self.body = QVBoxLayout()
        self.buttons = FlowLayout()
        layout = QGridLayout(self)
        layout.addWidget(self.title, 0, 0)
        layout.addWidget(self.state, 0, 1, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.about, 1, 0, 1, 2)
        layout.addLayout(self.body, 2, 0, 1, 2)
        layout.addLayout(self.buttons, 3, 0, 1, 2)
        layout.setColumnStretch(0, 1)

    def show_state(self, step: SetupStep, ready: bool) -> None:
        """Done (with what there is), to do, or waiting for the step before."""
        if step.done:
            self.state.setText(tr("✓ 已完成") + (tr("：{detail}", detail=step.detail) if step.detail else ""))
            self.state.setStyleSheet(DONE_STYLE)
        elif ready:
            self.state.setText(tr("未完成"))
            self.state.setStyleSheet(TODO_STYLE)
        else:
            self.state.setText(tr("请先完成上一步"))
            self.state.setStyleSheet(WAITING_STYLE)


class FirstStartPage(QWidget):
    """The first-start guide. Its signals ask the main window to open the page (or dialog) of a step."""

    #: this station was named here
    station_saved = Signal()
    import_registry = Signal()
    add_representative = Signal()
    new_plan = Signal()
    #: go to a page of the main window: "settings", "registry", "roster"
    go_to = Signal(str)

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        heading = QLabel(tr("欢迎使用代表联络站工作台"))
        heading.setStyleSheet("font-size: 22px; font-weight: bold;")
        intro = QLabel(tr("这个数据库还是空的。开始日常工作前，请按顺序完成下面三步；三步都完成后，本页自动关闭，"
                          "以后打开程序直接进入“接待登记”。"))
        intro.setWordWrap(True)

        self.station_card = StepCard(1, tr("本站名称、代码和类型"),
                                     tr("本站的名称和代码印在交办单、值班表和二维码上；类型决定值班方式"
                                        "（监督站每日值班，联络站周三代表活动日）。地址和电话可稍后在“设置”中填写。"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("如：某某县人大代表监督站"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("字母数字，如 PYJD"))
        self.kind = QComboBox()
        for kind in StationKind:
            self.kind.addItem(kind.label, kind.value)
        self.errors = {key: QLabel() for key in ("station_name", "station_code", "station_kind")}
        for label in self.errors.values():
            label.setStyleSheet(ERROR_STYLE)
        form = QGridLayout()
        for row, (text, widget, key) in enumerate(((tr("本站名称"), self.name, "station_name"),
                                                   (tr("站点代码"), self.code, "station_code"),
                                                   (tr("本站类型"), self.kind, "station_kind"))):
            form.addWidget(QLabel(text), row, 0)
            form.addWidget(widget, row, 1)
            form.addWidget(self.errors[key], row, 2)
        form.setColumnStretch(1, 1)
        self.station_card.body.addLayout(form)
        self.save_station_button = QPushButton(tr("保存本站"))
        self.station_settings_button = QPushButton(tr("转到“设置”页"))
        self.station_card.buttons.addWidget(self.save_station_button)
        self.station_card.buttons.addWidget(self.station_settings_button)

        self.registry_card = StepCard(2, tr("代表名册"),
                                      tr("导入县里下发的代表名册（Excel，有标题行、合并单元格也可以），或逐个新增代表。"
                                         "排班和接待登记都从名册中选人。"))
        self.import_button = QPushButton(tr("导入县代表名册…"))
        self.add_button = QPushButton(tr("逐个新增代表…"))
        self.registry_button = QPushButton(tr("转到“代表名册”页"))
        for button in (self.import_button, self.add_button, self.registry_button):
            self.registry_card.buttons.addWidget(button)

        self.plan_card = StepCard(3, tr("值班方案"),
                                  tr("新建一个排班方案：常用的“周三代表活动日”和“监督站每日值班”一键即可选用。"
                                     "保存后在“排班”页生成每月的值班表。"))
        self.plan_button = QPushButton(tr("新建值班方案…"))
        self.roster_button = QPushButton(tr("转到“排班”页"))
        for button in (self.plan_button, self.roster_button):
            self.plan_card.buttons.addWidget(button)

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(40, 30, 40, 30)
        column.setSpacing(16)
        column.addWidget(heading)
        column.addWidget(intro)
        for card in (self.station_card, self.registry_card, self.plan_card):
            column.addWidget(card)
        column.addStretch(1)
        inner.setMaximumWidth(900)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.save_station_button.clicked.connect(self.save_station)
        self.station_settings_button.clicked.connect(lambda: self.go_to.emit("settings"))
        self.import_button.clicked.connect(self.import_registry)
        self.add_button.clicked.connect(self.add_representative)
        self.registry_button.clicked.connect(lambda: self.go_to.emit("registry"))
        self.plan_button.clicked.connect(self.new_plan)
        self.roster_button.clicked.connect(lambda: self.go_to.emit("roster"))
        self.refresh()
        station = ThisStationInput.of(ctx.station)
        if ctx.station.configured:
            self.name.setText(station.name)
            self.code.setText(station.code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(station.kind)))

    def refresh(self) -> list[SetupStep]:
        """Show each step done or not; a step's buttons wait for the step before it."""
        steps = settings_service.setup_steps(self.ctx)
        ready = True
        for step, card, buttons in (
                (steps[0], self.station_card, ()),
                (steps[1], self.registry_card, (self.import_button, self.add_button)),
                (steps[2], self.plan_card, (self.plan_button,))):
            card.show_state(step, ready)
            for button in buttons:
                button.setEnabled(ready)
            ready = ready and step.done
        return steps

    def save_station(self) -> None:
        station = ThisStationInput.of(self.ctx.station)
        station.name, station.code = self.name.text().strip(), self.code.text().strip()
        station.kind = self.kind.currentData()
        try:
            settings_service.save_this_station(self.ctx, station)
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except StationError as exc:  # not an administrator
            self.show_errors({"station_name": str(exc)})
            return
        self.show_errors({})
        self.refresh()
        self.station_saved.emit()

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
        for key, widget in (("station_name", self.name), ("station_code", self.code), ("station_kind", self.kind)):
            widget.setStyleSheet(ERROR_FIELD_STYLE if key in errors else "")
