from __future__ import annotations

import datetime as dt

import pdfplumber
from PySide6.QtPrintSupport import QPrinter

from station_app.io.forms_pdf import ReferralPrint, write_forms
from station_app.ui.printing import paint_pdf


def test_our_pdf_goes_to_a_printer_page_by_page(app, tmp_path):
    source = tmp_path / "forms.pdf"
    pages = write_forms(source, [ReferralPrint(
        station="东河县人大代表监督站", number="东监交〔2026〕1号", visited_at=dt.datetime(2026, 3, 4, 9, 30),
        citizen="王大妈", phone="13803931234", address="城关镇东街村", people_count=1, channel="站内接待",
        category="城乡建设", content="村口路灯坏了", representatives="张三", unit="县住房和城乡建设局",
        requirement="尽快修复", issued_on=dt.date(2026, 3, 4), deadline=dt.date(2026, 4, 15))])
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    assert paint_pdf(printer, source) == pages == 3
    with pdfplumber.open(tmp_path / "printed.pdf") as printed:
        assert len(printed.pages) == 3
        assert printed.pages[0].images, "each page is painted as an image of the form"
