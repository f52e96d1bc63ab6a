"""代表二维码 page: pick representatives, see the code and its payload, write PNGs, the card PDF, the poster."""
from __future__ import annotations

from pathlib import Path

from PIL.ImageQt import ImageQt
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.io.files import FileWriteError
from station_app.io.qr import qr_image
from station_app.services import qr as qr_service
from station_app.services import registry
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.registry import RepFilter
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import TablePane, fit_columns, make_table, select_row
from station_app.vocab import Level


class QrPage(QWidget):
    COLUMNS = [
        TableColumn(tr("姓名"), lambda r: r.name, 90),
        TableColumn(tr("级别"), lambda r: Level.label_of(r.level), 50, True),
        TableColumn(tr("代表团"), lambda r: r.delegation, 130),
        TableColumn(tr("代表小组"), lambda r: r.group, 110),
        TableColumn(tr("联系电话"), lambda r: r.phone, 120),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索姓名、拼音首字母、代表团…"))
        self.search.setClearButtonEnabled(True)
        self.model = RowTableModel(self.COLUMNS)
        self.view = make_table(self.model)
        fit_columns(self.view.horizontalHeader(), [column.width for column in self.COLUMNS],
                    {1: [v.label for v in Level]})
        self.pane = TablePane(self.view)

        self.code = QLabel()
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setMinimumSize(260, 260)
        self.code.setStyleSheet("background: white; border: 1px solid #ddd;")
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.payload = QPlainTextEdit()
        self.payload.setReadOnly(True)
        self.payload.setMaximumHeight(150)

        self.with_png = QCheckBox(tr("每人一张 PNG 图片"))
        self.with_png.setChecked(True)
        self.with_cards = QCheckBox(tr("A4 裁剪卡片 PDF"))
        self.with_cards.setChecked(True)
        self.export_selected = QPushButton(tr("导出选中代表的二维码…"))
        self.export_all = QPushButton(tr("导出全部在任代表的二维码…"))
        self.poster = QPushButton(tr("一站一码海报（选中者为值班代表）…"))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.pane, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.caption)
        right_layout.addWidget(self.code, 1)
        right_layout.addWidget(QLabel(tr("二维码内容（在“设置”中修改模板）：")))
        right_layout.addWidget(self.payload)
        output = QGroupBox(tr("导出"))
        output_layout = QVBoxLayout(output)
        options = QHBoxLayout()
        options.addWidget(self.with_png)
        options.addWidget(self.with_cards)
        output_layout.addLayout(options)
        for button in (self.export_selected, self.export_all, self.poster):
            output_layout.addWidget(button)
        right_layout.addWidget(output)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([620, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.view.selectionModel().selectionChanged.connect(self.show_current)
        self.export_selected.clicked.connect(lambda: self.export(selected_only=True))
        self.export_all.clicked.connect(lambda: self.export(selected_only=False))
        self.poster.clicked.connect(self.make_poster)
        self.refresh()

    def refresh(self) -> None:
        rows = registry.list_representatives(self.ctx, RepFilter(text=self.search.text()))
        self.model.set_rows(rows)
        self.pane.show_rows(len(rows), tr("没有在任的代表。\n请先在“代表名册”中导入或录入代表。"))
        if rows:
            select_row(self.view, 0)
        else:
            self.show_current()

    def selected_ids(self) -> list[str]:
        return [self.model.row_at(index.row()).id for index in self.view.selectionModel().selectedRows()]

    def show_current(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.code.clear()
            self.caption.setText(tr("选中一位代表查看二维码"))
            self.payload.clear()
            return
        shown = qr_service.preview(self.ctx, ids[0])
        caption, payload = shown.caption, shown.payload
        self.caption.setText(caption)
        self.payload.setPlainText(payload)
        try:
            image = qr_image(payload, box_size=6)
        except ValueError as exc:
            self.code.setText(str(exc))
            return
        pixmap = QPixmap.fromImage(ImageQt(image.convert("RGB")))
        self.code.setPixmap(pixmap.scaled(250, 250, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.FastTransformation))

    def _choose_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, tr("选择保存二维码的文件夹"))
        return Path(folder) if folder else None

    def export(self, selected_only: bool) -> None:
        ids = self.selected_ids() if selected_only else None
        if selected_only and not ids:
            QMessageBox.information(self, tr("导出二维码"), tr("请先在表格中选中代表（可按住 Ctrl 多选）。"))
            return
        folder = self._choose_folder()
        if folder is None:
            return
        dialog = QProgressDialog(tr("正在生成二维码…"), tr("请稍候"), 0, 0, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(500)

        def progress(done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(tr("正在生成二维码图片：{done} / {total}", done=done, total=total))

        try:
            self._run(lambda: qr_service.export_codes(self.ctx, folder, ids, pngs=self.with_png.isChecked(),
                                                      cards=self.with_cards.isChecked(), progress=progress), folder)
        finally:
            dialog.close()

    def make_poster(self) -> None:
        folder = self._choose_folder()
        if folder is None:
            return
        self._run(lambda: qr_service.export_codes(self.ctx, folder, pngs=False, cards=False, poster=True,
                                                  on_duty_keys=self.selected_ids()), folder)

    def _run(self, action, folder: Path) -> None:
        try:
            output = action()
        except (StationError, FileWriteError, ValueError) as exc:
            QMessageBox.warning(self, tr("导出二维码"), str(exc))
            return
        files = [str(p) for p in (output.cards_pdf, output.poster_pdf) if p]
        text = tr("已保存到 {folder}", folder=folder)
        if output.pngs:
            text += "\n" + tr("二维码图片 {n} 张", n=len(output.pngs))
        if files:
            text += "\n" + "\n".join(files)
        QMessageBox.information(self, tr("导出二维码"), text)
