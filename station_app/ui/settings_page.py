"""设置 page: the station's name and code, numbering, deadlines, subsidy rate, QR templates."""
from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.db.session import Database
from station_app.i18n import tr
from station_app.services import settings as settings_service
from station_app.services.errors import ValidationFailed
from station_app.services.settings import (
    QR_PLACEHOLDERS,
    STATION_QR_PLACEHOLDERS,
    StationSettings,
)
from station_app.ui.forms import ERROR_FIELD_STYLE, error_label

LABELS = {
    "station_name": tr("本站名称"),
    "station_code": tr("站点代码"),
    "station_address": tr("本站地址"),
    "station_phone": tr("本站电话"),
    "county_name": tr("所属县（市、区）"),
    "qr_template": tr("代表二维码内容模板"),
    "station_qr_template": tr("一站一码内容模板"),
    "referral_number_template": tr("交办单编号格式"),
    "referral_abbr": tr("编号简称"),
    "referral_deadline_days": tr("交办办理期限（工作日）"),
    "subsidy_rate": tr("误工补贴标准（元/天）"),
    "visit_categories": tr("问题类别（每行一个）"),
    "referral_units": tr("承办单位（每行一个）"),
}
HINTS = {
    "qr_template": tr("可用占位符：") + " ".join("{" + p + "}" for p in QR_PLACEHOLDERS)
    + tr("。可改为县网上联络平台地址，如 https://平台地址/rep/{id}"),
    "station_qr_template": tr("可用占位符：") + " ".join("{" + p + "}" for p in STATION_QR_PLACEHOLDERS),
    "referral_number_template": tr("{abbr} 简称，{year} 年份，{seq} 年内序号，如 濮监交〔2025〕12号"),
}


class SettingsPage(QWidget):
    saved = Signal()

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(1, 1)
        row = 0
        for field in fields(StationSettings):
            label = QLabel(LABELS[field.name])
            if field.type in ("int", int):
                widget = QSpinBox()
                widget.setRange(0, 100000)
            elif field.name.endswith("qr_template") or field.name in ("visit_categories", "referral_units"):
                widget = QPlainTextEdit()
                widget.setFixedHeight(120)
            else:
                widget = QLineEdit()
            error = error_label(field.name)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row, 2)
            self.widgets[field.name] = widget
            self.errors[field.name] = error
            row += 1
            if field.name in HINTS:
                hint = QLabel(HINTS[field.name])
                hint.setStyleSheet("color:#757575;")
                hint.setWordWrap(True)
                grid.addWidget(hint, row, 1, 1, 2)
                row += 1
        grid.setColumnMinimumWidth(2, 220)
        grid.setRowStretch(row, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.save_button = QPushButton(tr("保存设置"))
        self.reset_button = QPushButton(tr("恢复二维码默认模板"))
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset_templates)
        self.load()

    def load(self) -> None:
        self.show_settings(settings_service.read(self.db))

    def show_settings(self, settings: StationSettings) -> None:
        for key, widget in self.widgets.items():
            value = getattr(settings, key)
            if isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(str(value))
            else:
                widget.setText(str(value))

    def current(self) -> StationSettings:
        values = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, QPlainTextEdit):
                values[key] = widget.toPlainText()
            else:
                values[key] = widget.text().strip()
        return StationSettings(**values)

    def reset_templates(self) -> None:
        defaults = StationSettings()
        self.widgets["qr_template"].setPlainText(defaults.qr_template)
        self.widgets["station_qr_template"].setPlainText(defaults.station_qr_template)

    def save(self) -> None:
        try:
            settings_service.save(self.db, self.current())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        self.show_errors({})
        self.saved.emit()
        QMessageBox.information(self, tr("设置"), tr("设置已保存。"))

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            self.widgets[key].setStyleSheet(ERROR_FIELD_STYLE if key in errors else "")
