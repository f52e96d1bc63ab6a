"""The PDF toolkit: the page-numbering canvas (per document and per section) and Chinese dates."""
from __future__ import annotations

import datetime
from pathlib import Path

import pdfplumber
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from station_app.i18n import set_language
from station_app.io.pdf import (
    ContinuedHeading,
    SectionStart,
    build_numbered,
    chinese_date,
    document_info,
    month_day_weekday,
    page_label,
    register_pdf_fonts,
)


def _texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _build(path: Path, story: list, **options) -> int:
    font = register_pdf_fonts()
    document = SimpleDocTemplate(str(path), pagesize=A4, **document_info("测试", font))
    return build_numbered(document, story, font=font, **options)


def _paragraph(text: str) -> Paragraph:
    return Paragraph(text, ParagraphStyle("body", fontName=register_pdf_fonts(), fontSize=12))


def test_numbered_canvas_writes_page_n_of_m_on_each_page(tmp_path):
    path = tmp_path / "two.pdf"
    assert _build(path, [_paragraph("第一页正文"), PageBreak(), _paragraph("第二页正文")]) == 2
    first, second = _texts(path)
    assert "第一页正文" in first and "第 1 页 / 共 2 页" in first
    assert "第二页正文" in second and "第 2 页 / 共 2 页" in second
    assert page_label(1, 2) == "第 1 页 / 共 2 页"


def test_each_section_counts_its_own_pages_and_says_continued(tmp_path):
    path = tmp_path / "sections.pdf"
    story = [SectionStart("甲表", "甲〔2026〕1号"), _paragraph("甲"),
             PageBreak(), SectionStart("乙表", "乙〔2026〕2号"), _paragraph("乙一"), PageBreak(), _paragraph("乙二")]
    continued = ContinuedHeading(left=20 * mm, right=A4[0] - 20 * mm, y=A4[1] - 12 * mm, size=9)
    assert _build(path, story, continued=continued) == 3
    first, second, third = _texts(path)
    assert "第 1 页 / 共 1 页" in first and "（续）" not in first
    assert "第 1 页 / 共 2 页" in second and "（续）" not in second
    assert "第 2 页 / 共 2 页" in third and "乙表（续）" in third and "乙〔2026〕2号" in third


def test_chinese_date_is_year_month_day_without_padding():
    assert chinese_date(datetime.date(2026, 12, 5)) == "2026年12月5日"
    assert chinese_date(datetime.date(2025, 3, 5)) == "2025年3月5日"
    assert chinese_date(datetime.datetime(2026, 12, 31, 17, 5)) == "2026年12月31日"  # the date only
    assert chinese_date(None) == ""


def test_month_day_weekday_for_a_table_column():
    assert month_day_weekday(datetime.date(2026, 12, 5)) == "12月5日 星期六"


def test_dates_in_english():
    set_language("en")
    assert chinese_date(datetime.date(2026, 12, 5)) == "12/5/2026"
    assert month_day_weekday(datetime.date(2026, 12, 5)) == "Saturday, 12/5"
    assert page_label(1, 2) == "Page 1 of 2"
