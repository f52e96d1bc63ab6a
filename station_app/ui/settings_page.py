"""设置 page: this station (its row of the registry), numbering, deadlines, subsidy rate, QR templates, backups."""
from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
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

from station_app import config
from station_app.i18n import tr
from station_app.services import database as database_service
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.settings import (
    QR_PLACEHOLDERS,
    STATION_QR_PLACEHOLDERS,
    StationSettings,
    ThisStationInput,
)
from station_app.ui.backup_section import BackupSection
from station_app.ui.forms import ERROR_FIELD_STYLE, error_label
from station_app.vocab import DeadlineUnit, PaidMonthChange, StationKind

#: this station's own row: settings page field → ``ThisStationInput`` attribute
STATION_FIELDS = {"station_name": "name", "station_code": "code", "station_kind": "kind",
                  "station_address": "address", "station_phone": "phone"}
LABELS = {
    "station_name": tr("本站名称"),
    "station_code": tr("站点代码"),
    "station_kind": tr("本站类型"),
    "station_address": tr("本站地址"),
    "station_phone": tr("本站电话"),
    "county_name": tr("所属县（市、区）"),
    "qr_template": tr("代表二维码内容模板"),
    "station_qr_template": tr("一站一码内容模板"),
    "referral_number_template": tr("交办单编号格式"),
    "referral_abbr": tr("编号简称"),
    "referral_deadline_count": tr("交办办理期限"),
    "subsidy_paid_month_change": tr("补贴已发放月份的签到变动"),
    "suggestion_township_days": tr("乡镇建议交付期限（天）"),
    "suggestion_report_working_days": tr("县级建议报送期限（工作日）"),
    "suggestion_letter_days": tr("县级建议交办函期限（天）"),
    "suggestion_answer_months": tr("建议答复期限（月）"),
    "activity_kinds": tr("本站增加的活动类别（每行一个）"),
    "visit_categories": tr("问题类别（每行一个）"),
    "referral_units": tr("承办单位（每行一个）"),
    "county_mode": tr("县级汇总模式"),
    "sync_send_phones": tr("报送文件中保留电话号码"),
    "backup_keep_days": tr("自动备份按天保留（天）"),
    "backup_keep_months": tr("自动备份按月保留（月）"),
    "export_full_id_numbers": tr("导出文件中保留完整身份证号"),
}
HINTS = {
    "county_mode": tr("本机是县人大的汇总电脑：在“县站同步”页合并各站的报送文件，并把代表名册与节假日发给各站。"),
    "sync_send_phones": tr("不勾选时，报送给县里的代表和群众电话隐去中间四位；身份证号总是隐去中间几位。"),
    "backup_keep_months": tr("程序每次打开和关闭时自动备份本机数据库：今天的备份全部保留，此前每天保留最后一份，"
                             "更早的每月保留最后一份。"),
    "export_full_id_numbers": tr("不勾选时，导出的代表名册和报表中身份证号隐去中间几位（只有管理员可以改）。"
                                 "报送给县里的文件总是隐去。"),
    "qr_template": tr("可用占位符：") + " ".join("{" + p + "}" for p in QR_PLACEHOLDERS)
    + tr("。可改为县网上联络平台地址，如 https://平台地址/rep/{id}"),
    "station_qr_template": tr("可用占位符：") + " ".join("{" + p + "}" for p in STATION_QR_PLACEHOLDERS),
    "referral_number_template": tr("{abbr} 简称，{year} 年份，{seq} 年内序号，如 濮监交〔2025〕12号"),
    "subsidy_paid_month_change": tr("某月补贴发放后再改该月签到：拒绝修改，或允许修改并把差额作为更正行计入下一批。"
                                    "补贴标准在“误工补贴”页按起始日期设置。"),
    "suggestion_answer_months": tr("天数从建议登记之日算起（报送期限跳过节假日）；答复期限从交付或交办函之日算起。"
                                   "默认：乡镇事项一周内交付；县级事项3个工作日内报县人大常委会，一周内以交办函交办；"
                                   "承办单位1个月内答复。"),
    "referral_deadline_count": tr("按工作日计算时跳过节假日；按月计算时到几个月后的同一日（该月没有这一日的为月末），"
                                  "遇节假日顺延到下一个工作日。登记交办时也可为一件单独改定。"),
}
#: fields chosen from a list of words
CHOICES = {"station_kind": StationKind, "subsidy_paid_month_change": PaidMonthChange}
#: shown in the same row as the field before it
BESIDE = {"referral_deadline_unit": "referral_deadline_count"}


class SettingsPage(QWidget):
    saved = Signal()

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(1, 1)
        row = 0
        keyed = [(key, None) for key in STATION_FIELDS] + [(field.name, field.type) for field in fields(StationSettings)]
        for key, kind in keyed:
            if key in BESIDE:
                continue
            label = QLabel(LABELS[key])
            cell = None
            if key in CHOICES:
                widget = QComboBox()
                for word in CHOICES[key]:
                    widget.addItem(word.label, word.value)
            elif key == "referral_deadline_count":
                widget = QSpinBox()
                widget.setRange(1, 365)
                unit = QComboBox()
                for deadline_unit in DeadlineUnit:
                    unit.addItem(deadline_unit.label, deadline_unit.value)
                self.widgets["referral_deadline_unit"] = unit
                cell = QWidget()
                beside = QHBoxLayout(cell)
                beside.setContentsMargins(0, 0, 0, 0)
                beside.addWidget(widget)
                beside.addWidget(unit)
                beside.addStretch(1)
            elif kind in ("bool", bool):
                widget = QCheckBox()
            elif kind in ("int", int):
                widget = QSpinBox()
                widget.setRange(0, 100000)
            elif kind in ("Decimal", Decimal):
                widget = QDoubleSpinBox()
                widget.setDecimals(2)
                widget.setRange(0, 100000)
            elif key.endswith("qr_template") or key in ("visit_categories", "referral_units", "activity_kinds"):
                widget = QPlainTextEdit()
                widget.setFixedHeight(120)
            else:
                widget = QLineEdit()
            error = error_label(key)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(cell or widget, row, 1)
            grid.addWidget(error, row, 2)
            self.widgets[key] = widget
            self.errors[key] = error
            row += 1
            if key in HINTS:
                hint = QLabel(HINTS[key])
                hint.setStyleSheet("color:#757575;")
                hint.setWordWrap(True)
                grid.addWidget(hint, row, 1, 1, 2)
                row += 1
        self.backup = BackupSection(ctx)  # below its two rotation settings
        grid.addWidget(self.backup, row, 0, 1, 3)
        row += 1
        grid.setColumnMinimumWidth(2, 220)
        grid.setRowStretch(row, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.save_button = QPushButton(tr("保存设置"))
        self.reset_button = QPushButton(tr("恢复二维码默认模板"))
        # The interface language is this user's own choice on this PC, kept outside the station's database.
        self.language = QComboBox()
        for code, name in config.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(config.interface_language())))
        self.language_note = QLabel(tr("只影响本机本用户，重新启动程序后生效。"))
        self.language_note.setStyleSheet("color:#757575;")
        language_row = QHBoxLayout()
        language_row.addWidget(QLabel(tr("界面语言")))
        language_row.addWidget(self.language)
        language_row.addWidget(self.language_note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(language_row)
        layout.addLayout(self._database_rows())
        layout.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.language.currentIndexChanged.connect(self.choose_language)
        self.reset_button.clicked.connect(self.reset_templates)
        self.backup.restored.connect(self._restored)
        self.load()

    def _database_rows(self) -> QGridLayout:
        """数据库: the database this user opens on this PC; a county types its PostgreSQL server's URL here."""
        self.database = QLineEdit(config.chosen_db_url())
        self.database.setPlaceholderText(tr("留空为本机数据库文件；县级服务器如 postgresql://用户名:密码@服务器:5432/数据库名"))
        self.test_button = QPushButton(tr("测试连接"))
        self.use_button = QPushButton(tr("保存数据库"))
        self.database_note = QLabel(tr("正在使用：{name}。只影响本机本用户，重新启动程序后生效。",
                                       name=self.ctx.db.display_name))
        self.database_note.setWordWrap(True)
        self.database_note.setStyleSheet("color:#757575;")
        rows = QGridLayout()
        rows.setColumnStretch(1, 1)
        rows.addWidget(QLabel(tr("数据库")), 0, 0)
        rows.addWidget(self.database, 0, 1)
        rows.addWidget(self.test_button, 0, 2)
        rows.addWidget(self.use_button, 0, 3)
        rows.addWidget(self.database_note, 1, 1, 1, 3)
        self.test_button.clicked.connect(self.test_database)
        self.use_button.clicked.connect(self.use_database)
        return rows

    def _say_about_database(self, text: str, problem: bool) -> None:
        self.database_note.setText(text)
        self.database_note.setStyleSheet("color:#c62828;" if problem else "color:#2e7d32;")
        self.database.setStyleSheet(ERROR_FIELD_STYLE if problem else "")

    def _reach_database(self) -> tuple[str, str] | None:
        """Connect to the typed database (this PC's own file when empty): (url, what answered), or None after saying why not."""
        url = self.database.text().strip() or config.local_db_url()
        try:
            return url, database_service.check_database(url)
        except ValidationFailed as exc:
            self._say_about_database(exc.errors.get("database", str(exc)), True)
        except StationError as exc:
            self._say_about_database(str(exc), True)
        return None

    def test_database(self) -> None:
        """测试连接: connect once and say which server answered, or why none did."""
        reached = self._reach_database()
        if reached:
            self._say_about_database(tr("连接成功：{server}", server=reached[1]), False)

    def use_database(self) -> None:
        """Open the typed database from the next start on, once it answers (empty: this PC's own file)."""
        if self._reach_database() is None:
            return
        typed = self.database.text().strip()
        try:
            config.save_db_url(typed)
        except OSError as exc:
            self._say_about_database(tr("无法保存数据库设置：{error}", error=exc), True)
            return
        shown = database_service.display_url(typed) if typed else tr("本机数据库文件")
        self._say_about_database(tr("已保存：重新启动程序后打开 {url}。首次打开新的服务器数据库时会建好各表。", url=shown), False)

    def choose_language(self) -> None:
        """Keep the chosen language for the next start (nothing else changes until then)."""
        try:
            config.save_interface_language(self.language.currentData())
        except OSError as exc:
            QMessageBox.warning(self, tr("界面语言"), tr("无法保存界面语言：{error}", error=exc))
            return
        self.language_note.setText(tr("已保存：重新启动程序后界面为 {language}。", language=self.language.currentText()))

    def _restored(self) -> None:
        """The database was replaced: show its settings, and let the window show its station."""
        self.load()
        self.saved.emit()

    def load(self) -> None:
        self.show_settings(settings_service.read(self.ctx), ThisStationInput.of(self.ctx.station))

    def show_settings(self, settings: StationSettings, station: ThisStationInput | None = None) -> None:
        values = {key: getattr(settings, key) for key in (f.name for f in fields(StationSettings))}
        if station is not None:
            values.update({key: getattr(station, attr) for key, attr in STATION_FIELDS.items()})
        for key, value in values.items():
            widget = self.widgets[key]
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(float(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(str(value))
            else:
                widget.setText(str(value))

    def _value(self, key: str) -> object:
        widget = self.widgets[key]
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QDoubleSpinBox):
            return Decimal(f"{widget.value():.2f}")  # exact to the fen, as the spin box shows it
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        return widget.text().strip()

    def current(self) -> StationSettings:
        return StationSettings(**{f.name: self._value(f.name) for f in fields(StationSettings)})

    def current_station(self) -> ThisStationInput:
        return ThisStationInput(**{attr: self._value(key) for key, attr in STATION_FIELDS.items()})

    def reset_templates(self) -> None:
        defaults = StationSettings()
        self.widgets["qr_template"].setPlainText(defaults.qr_template)
        self.widgets["station_qr_template"].setPlainText(defaults.station_qr_template)

    def save(self) -> None:
        try:
            settings_service.save(self.ctx, self.current(), self.current_station())
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
