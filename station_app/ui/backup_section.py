"""备份与恢复, a section of the settings page: back up now to a chosen file, restore from one, and the list of
automatic backups; the confirmation that sets the file beside the database in use before a restore."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.services import backup as backup_service
from station_app.services.backup import DatabaseFacts
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.ui.forms import ok_cancel
from station_app.ui.widgets import error_box

#: why an automatic copy was taken, as the list says it
REASONS = {backup_service.START: tr("打开程序时"), backup_service.CLOSE: tr("关闭程序时"),
           backup_service.BEFORE_RESTORE: tr("恢复之前")}


class BackupSection(QGroupBox):
    """立即备份…, 恢复…, and the automatic copies of this database, newest first."""

    #: the database was replaced by a restore: every page shows what it now holds
    restored = Signal()

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(tr("备份与恢复"))
        self.ctx = ctx
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#757575;")
        self.backup_button = QPushButton(tr("立即备份…"))
        self.restore_button = QPushButton(tr("恢复…"))
        self.restore_selected_button = QPushButton(tr("用选中的自动备份恢复"))
        self.list = QListWidget()
        self.list.setMinimumHeight(110)
        self.list.setMaximumHeight(160)
        self.empty = QLabel(tr("还没有自动备份。程序每次打开和关闭时会自动备份本机数据库。"))
        self.empty.setStyleSheet("color:#757575; padding: 8px;")
        self.result = QLabel()
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.restore_selected_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(tr("自动备份（最新的在前）：")))
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(self.result)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.choose_and_restore)
        self.restore_selected_button.clicked.connect(self.restore_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        supported = backup_service.supports_backup(self.ctx)
        self.list.clear()
        if not supported:
            self.note.setText(tr("当前数据库在 PostgreSQL 服务器上，本程序不能备份或恢复它。服务器数据库请由服务器管理员"
                                 "用 pg_dump 定期备份，用 pg_restore 恢复。"))
            self.note.setStyleSheet("color:#c62828;")
        else:
            self.note.setText(tr("自动备份保存在 {folder}。“立即备份”可把数据库另存到 U 盘等处；恢复前会先备份当前数据库。",
                                 folder=backup_service.backup_folder(self.ctx)))
            for copy in backup_service.list_backups(self.ctx):
                item = QListWidgetItem(tr("{time}　{reason}　{size:.1f} MB", time=f"{copy.taken_at:%Y-%m-%d %H:%M:%S}",
                                          reason=REASONS.get(copy.reason, copy.reason), size=copy.size / 1e6))
                item.setData(Qt.ItemDataRole.UserRole, str(copy.path))
                item.setToolTip(str(copy.path))
                self.list.addItem(item)
        self.list.setVisible(supported and self.list.count() > 0)
        self.empty.setVisible(supported and self.list.count() == 0)
        self.backup_button.setEnabled(supported)
        self._update_buttons()

    def _update_buttons(self) -> None:
        supported = backup_service.supports_backup(self.ctx)
        admin = self.ctx.operator.is_admin
        self.restore_button.setEnabled(supported and admin)
        self.restore_selected_button.setEnabled(supported and admin and bool(self.list.selectedItems()))
        tip = "" if admin else tr("只有管理员可以恢复数据库")
        self.restore_button.setToolTip(tip)
        self.restore_selected_button.setToolTip(tip)

    def back_up_now(self) -> None:
        suggested = tr("联络站数据备份-{day}.sqlite", day=f"{dt.date.today():%Y%m%d}")
        name, _ = QFileDialog.getSaveFileName(self, tr("备份到文件"), suggested, tr("数据库备份 (*.sqlite);;所有文件 (*)"))
        if not name:
            return
        try:
            facts = backup_service.backup_to(self.ctx, Path(name))
        except (StationError, OSError) as exc:
            error_box(self, tr("备份"), exc)
            return
        self.result.setText(tr("已备份到 {file}（{size:.1f} MB）。", file=name, size=facts.size / 1e6))
        self.result.setStyleSheet("color:#2e7d32;")

    def choose_and_restore(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("选择备份文件"), "", tr("数据库备份 (*.sqlite *.db);;所有文件 (*)"))
        if name:
            self.restore_from(Path(name))

    def restore_selected(self) -> None:
        items = self.list.selectedItems()
        if items:
            self.restore_from(Path(items[0].data(Qt.ItemDataRole.UserRole)))

    def restore_from(self, path: Path) -> None:
        """Check the file, set it beside the database in use, and restore it once the administrator agrees."""
        try:
            chosen = backup_service.inspect_file(path)
            current = backup_service.current_facts(self.ctx)
        except StationError as exc:
            error_box(self, tr("恢复"), exc)
            return
        if RestoreDialog(chosen, current, self).exec() != QDialog.DialogCode.Accepted:
            return
        try:
            result = backup_service.restore(self.ctx, path)
        except (StationError, OSError) as exc:
            error_box(self, tr("恢复"), exc)
            self.refresh()
            return
        self.refresh()
        self.result.setText(tr("已用 {file} 恢复数据库。恢复前的数据库已备份到 {copy}。", file=path.name,
                               copy=result.safety_copy))
        self.result.setStyleSheet("color:#2e7d32;")
        self.restored.emit()
        QMessageBox.information(self, tr("恢复"), tr("已恢复。恢复前的数据库已备份到：\n{copy}\n\n各页面打开时显示恢复后的数据。",
                                                   copy=result.safety_copy))


def describe_date(facts: DatabaseFacts) -> str:
    return f"{facts.taken_at:%Y-%m-%d %H:%M}"


class RestoreDialog(QDialog):
    """恢复确认: the file's date, station, people and visits beside the database in use, and what will happen."""

    def __init__(self, chosen: DatabaseFacts, current: DatabaseFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("确认恢复数据库"))
        self.setMinimumWidth(560)
        warning = QLabel(tr("恢复后，当前数据库的内容将被备份文件替换。替换前会先把当前数据库备份到自动备份文件夹，"
                            "恢复后仍可用那份备份找回。"))
        warning.setWordWrap(True)
        warning.setStyleSheet("color:#c62828;")
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        headers = ("", tr("备份文件"), tr("当前数据库"))
        rows = (
            (tr("文件"), chosen.path.name, current.path.name),
            (tr("日期"), describe_date(chosen), describe_date(current)),
            (tr("站点"), chosen.station or tr("未命名站点"), current.station or tr("未命名站点")),
            (tr("代表"), tr("{n} 人", n=chosen.people), tr("{n} 人", n=current.people)),
            (tr("接待登记"), tr("{n} 条", n=chosen.visits), tr("{n} 条", n=current.visits)),
            (tr("最近一次接待"), _day(chosen.last_visit), _day(current.last_visit)),
        )
        for col, text in enumerate(headers):
            label = QLabel(text)
            label.setStyleSheet("font-weight:bold;")
            grid.addWidget(label, 0, col)
        self.cells: dict[tuple[int, int], QLabel] = {}
        for row, values in enumerate(rows, 1):
            for col, text in enumerate(values):
                label = QLabel(text)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if col == 0:
                    label.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(label, row, col)
                self.cells[(row, col)] = label
        self.differences = QLabel(_differences(chosen, current))
        self.differences.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.differences)
        layout.addWidget(warning)
        layout.addWidget(ok_cancel(self, self.accept, tr("恢复")))

    def text(self) -> str:
        """Everything the dialog says, for a test to read."""
        return "\n".join(label.text() for label in self.findChildren(QLabel))


def _day(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else tr("无")


def _differences(chosen: DatabaseFacts, current: DatabaseFacts) -> str:
    """What the restore takes away or brings back, in a line."""
    parts = []
    if chosen.station != current.station:
        parts.append(tr("备份文件属于另一个站点"))
    for label, then, now in ((tr("代表"), chosen.people, current.people), (tr("接待登记"), chosen.visits, current.visits)):
        if now > then:
            parts.append(tr("{what}将减少 {n}", what=label, n=now - then))
        elif then > now:
            parts.append(tr("{what}将增加 {n}", what=label, n=then - now))
    return tr("恢复后：{changes}。", changes="；".join(parts)) if parts else tr("备份文件与当前数据库的代表和接待登记数量相同。")
