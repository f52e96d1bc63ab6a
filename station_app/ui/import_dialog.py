"""The import preview, the same for every workbook: what each row will do, what is refused and why,
and one click that writes it all (or, when chosen, all but the refused rows)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.excel import WorkbookError
from station_app.services.errors import StationError
from station_app.services.importing import ImportPreview, ImportResult
from station_app.ui.widgets import error_box
from station_app.vocab import ImportAction

ACTION_COLOURS = {ImportAction.ADD: "#2e7d32", ImportAction.UPDATE: "#1565c0", ImportAction.SAME: "#757575",
                  ImportAction.REFUSE: "#c62828"}


def open_and_preview(parent: QWidget, prompt: str, title: str,
                     preview: Callable[[Path], ImportPreview[Any]]) -> ImportPreview[Any] | None:
    """Ask for a workbook and read its preview (``preview(path)``); None when none was chosen or it could
    not be read, which is said in a box titled ``title`` naming the file and the problem."""
    name, _ = QFileDialog.getOpenFileName(parent, prompt, "", tr("Excel 工作簿 (*.xlsx *.xlsm)"))
    if not name:
        return None
    try:
        return preview(Path(name))
    except (WorkbookError, StationError) as exc:
        error_box(parent, title, exc)
        return None


class ImportDialog(QDialog):
    """Shows an ``ImportPreview``; ``commit(skip_refused)`` writes it through the service."""

    def __init__(self, preview: ImportPreview[Any], commit: Callable[[bool], ImportResult], *, title: str,
                 label_header: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.commit = commit
        self.title = title
        self.result: ImportResult | None = None
        self.setWindowTitle(tr("导入预览：{file}", file=preview.path.name))
        self.resize(900, 560)
        summary = QLabel(tr("工作表“{sheet}”，表头在第 {row} 行。", sheet=preview.sheet, row=preview.header_row)
                         + preview.summary())
        summary.setWordWrap(True)
        table = QTableWidget(len(preview.rows) + len(preview.skipped), 4)
        table.setHorizontalHeaderLabels([tr("行号"), label_header or tr("姓名"), tr("处理"), tr("原因")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lines = [(r.row_number, r.label, r.action.label, "；".join(r.reasons), ACTION_COLOURS[r.action])
                 for r in preview.rows]
        lines += [(number, "", tr("跳过"), reason, "#757575") for number, reason in preview.skipped]
        refused_label = ImportAction.REFUSE.label
        lines.sort(key=lambda line: (line[2] != refused_label, line[0]))
        for row, (number, label, action, reason, colour) in enumerate(lines):
            for column, value in enumerate((str(number), label, action, reason)):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setForeground(QBrush(QColor(colour)))
                table.setItem(row, column, item)
        table.setColumnWidth(0, 60)
        table.setColumnWidth(1, 140)
        table.setColumnWidth(2, 80)
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table = table
        self._writable = preview.count(ImportAction.ADD) + preview.count(ImportAction.UPDATE)
        self.skip_bad = QCheckBox(tr("跳过 {n} 个被拒绝的行，只导入其余 {m} 行", n=len(preview.refused),
                                     m=self._writable))
        self.skip_bad.setVisible(bool(preview.refused))
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        note = QLabel(tr("导入作为一个整体写入：要么全部写入，要么一行也不写。"))
        note.setStyleSheet("color:#757575;")
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(table, 1)
        layout.addWidget(self.skip_bad)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.skip_bad.toggled.connect(self._update_button)
        self._update_button()

    def _update_button(self) -> None:
        ok = self._writable > 0 and (not self.preview.refused or self.skip_bad.isChecked())
        self.import_button.setEnabled(ok)

    def apply(self) -> None:
        try:
            self.result = self.commit(self.skip_bad.isChecked())
        except StationError as exc:
            error_box(self, self.title, exc)
            return
        self.accept()
