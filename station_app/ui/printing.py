"""Print a PDF we made through the system print dialog, with a preview, the same on every PC.

The PDF (reportlab, fonts embedded) is the one layout; for the printer its pages are rendered by
PDFium at the printer's resolution and painted page by page.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtWidgets import QWidget

from station_app.i18n import tr

if TYPE_CHECKING:  # PDFium, Pillow and Qt's printing module load when something is printed, not at start-up
    from PySide6.QtPrintSupport import QPrinter


def paint_pdf(printer: QPrinter, pdf_path: Path) -> int:
    """Paint every page of ``pdf_path`` onto ``printer``; returns the number of pages."""
    import pypdfium2 as pdfium
    from PIL.ImageQt import ImageQt

    document = pdfium.PdfDocument(str(pdf_path))
    painter = QPainter()
    try:
        if not painter.begin(printer):
            return 0
        dpi = min(printer.resolution(), 300)
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            landscape = width > height
            printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                       else QPageLayout.Orientation.Portrait)
            if number:
                printer.newPage()
            image: QImage = ImageQt(page.render(scale=dpi / 72).to_pil().convert("RGB"))
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.x(), target.y(), scaled.width(), scaled.height()), image)
        return len(document)
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def print_with_preview(parent: QWidget, pdf_path: Path, title: str) -> None:
    """Open the system print preview for ``pdf_path``; printing goes to the chosen printer."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(tr("打印预览：{title}", title=title))
    dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf_path))
    dialog.resize(900, 1000)
    dialog.exec()
