"""The PDF toolkit every printout uses: the bundled Chinese font, the house colours, text drawing,
Chinese dates, the official red rule, a new canvas, and the canvas that numbers the pages
("第 1 页 / 共 2 页") once the document is complete.

The printouts (:mod:`forms_pdf`, :mod:`roster_pdf`, :mod:`qr_pdf`) import from here and keep only
what is particular to them. The font itself is registered and measured in :mod:`station_app.io.fonts`;
its helpers are re-exported here so a printout needs this one module.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from station_app.config import APP_TITLE
from station_app.i18n import chinese_date, tr, weekday  # noqa: F401  (chinese_date: the printouts' own name for it)
from station_app.io.fonts import FONT_NAME, fit_font_size, register_pdf_fonts, text_width, wrap_text

__all__ = [
    "BORDER", "FONT_NAME", "GREY", "INK", "LIGHT", "RED",
    "ContinuedHeading", "NumberedCanvas", "SectionStart",
    "build_numbered", "chinese_date", "clip_line", "document_info", "draw_double_rule", "draw_text",
    "fit_font_size", "fit_line", "month_day_weekday", "new_canvas", "page_label", "register_pdf_fonts",
    "text_width", "wrap_text",
]

# ---------------------------------------------------------------------------------------------
# Colours

INK = HexColor("#1a1a1a")  # text: a soft black
GREY = HexColor("#5c5c5c")  # secondary text: subtitles, notes, page numbers
LIGHT = HexColor("#9a9a9a")  # hints, cut lines, placeholders
BORDER = HexColor("#c8c8c8")  # light frames and row rules
RED = HexColor("#c00000")  # the red of official headings


# ---------------------------------------------------------------------------------------------
# Dates and page numbers


def month_day_weekday(day: datetime.date) -> str:
    """"12月5日 星期六": the short date with its weekday, for a table column whose page already
    names the year and month."""
    return tr("{month}月{day}日 {weekday}", month=day.month, day=day.day, weekday=weekday(day.weekday()))


def page_label(page: int, pages: int) -> str:
    """"第 1 页 / 共 2 页"."""
    return tr("第 {page} 页 / 共 {pages} 页", page=page, pages=pages)


# ---------------------------------------------------------------------------------------------
# Text


def draw_text(canvas: Canvas, text: str, x: float, y: float, size: float, *, font: str, color: Color | None = INK,
              align: str = "left", bold: bool = False) -> float:
    """One line of text on a reportlab canvas; ``bold`` thickens the strokes (the bundled font has no bold
    face). ``align`` is "left", "center" or "right" about ``x``. Returns the text's width."""
    width = text_width(text, size, font)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    canvas.saveState()
    if color is not None:
        canvas.setFillColor(color)
    text_object = canvas.beginText(x, y)
    text_object.setFont(font, size)
    if bold:
        if color is not None:
            canvas.setStrokeColor(color)
        canvas.setLineWidth(size * 0.035)
        text_object.setTextRenderMode(2)
    text_object.textOut(text)
    canvas.drawText(text_object)
    canvas.restoreState()
    return width


def clip_line(text: str, size: float, width: float, font: str) -> str:
    """``text`` cut with "…" so it fits ``width`` at ``size``."""
    if text_width(text, size, font) <= width:
        return text
    while text and text_width(text + "…", size, font) > width:
        text = text[:-1]
    return text + "…"


def fit_line(text: str, width: float, size: float, min_size: float, font: str) -> tuple[str, float]:
    """``text`` on one line of ``width``: the size shrinks from ``size`` down to ``min_size``, and
    what still does not fit is cut with "…". Returns the line and its size."""
    size = fit_font_size(text, width, size, min_size, font)
    return clip_line(text, size, width, font), size


def draw_double_rule(canvas: Canvas, left: float, right: float, y: float, *, widths: tuple[float, float] = (1.6, 0.5),
                     gap: float = 1.4 * mm, color: Color = RED) -> None:
    """The double rule under the heading of an official (red-headed) document: a thick line at
    ``y`` and a thin one ``gap`` under it."""
    canvas.saveState()
    canvas.setStrokeColor(color)
    canvas.setLineWidth(widths[0])
    canvas.line(left, y, right, y)
    canvas.setLineWidth(widths[1])
    canvas.line(left, y - gap, right, y - gap)
    canvas.restoreState()


# ---------------------------------------------------------------------------------------------
# Canvases and documents


def document_info(title: str, font: str) -> dict[str, object]:
    """The options every document template gets: its title and author, and the bundled font as the
    initial font, so the PDF references no (unembedded) base-14 font at all."""
    return {"title": title, "author": APP_TITLE, "creator": APP_TITLE, "initialFontName": font,
            "initialFontSize": 10, "pageCompression": 1}


def new_canvas(path: Path | str, title: str, font: str, page_size: tuple[float, float] = A4) -> Canvas:
    """A canvas for a printout drawn page by page (it knows its page count before it starts)."""
    canvas = Canvas(str(path), pagesize=page_size, pageCompression=1, initialFontName=font, initialFontSize=10)
    canvas.setTitle(title)
    canvas.setCreator(APP_TITLE)
    canvas.setAuthor(APP_TITLE)
    return canvas


@dataclass(frozen=True)
class _Section:
    first_page: int
    title: str
    number: str


class SectionStart(Flowable):
    """Zero-size: a section (one form, one report) starts on this page. Its pages are counted on
    their own, and its later pages are headed "{title}（续）" with ``number`` on the right."""

    def __init__(self, title: str, number: str = "") -> None:
        super().__init__()
        self.title, self.number = title, number

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.sections.append(_Section(self.canv.getPageNumber(), self.title, self.number))


@dataclass(frozen=True)
class ContinuedHeading:
    """Where a section's later pages say "{title}（续）" (from ``left``) and its number (up to ``right``)."""

    left: float
    right: float
    y: float  # the baseline
    size: float


class NumberedCanvas(Canvas):
    """A canvas that holds its pages back until the document is complete, then writes
    "第 1 页 / 共 N 页" at the foot of each (counted per :class:`SectionStart`; without one the whole
    document is one section) and, given ``continued``, the heading of each section's later pages."""

    FOOTER_Y = 9 * mm  # the page number's baseline
    FOOTER_SIZE = 8.5

    def __init__(self, *args, font: str, continued: ContinuedHeading | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.font, self.continued = font, continued
        self.sections: list[_Section] = []
        self.page_count = 0
        self._held: list[dict] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        held, total = self._held, len(self._held)
        sections = self.sections or [_Section(1, "", "")]
        ends = [section.first_page for section in sections[1:]] + [total + 1]
        for section, end in zip(sections, ends):
            count = end - section.first_page
            for page in range(section.first_page, end):
                self.__dict__.update(held[page - 1])  # the page as it was when shown
                draw_text(self, page_label(page - section.first_page + 1, count), self._pagesize[0] / 2,
                          self.FOOTER_Y, self.FOOTER_SIZE, font=self.font, color=GREY, align="center")
                if page > section.first_page and self.continued is not None:
                    self._draw_continued(section)
                super().showPage()
        self.page_count = total
        super().save()

    def _draw_continued(self, section: _Section) -> None:
        heading, font = self.continued, self.font
        room = heading.right - heading.left
        if section.number:
            room -= draw_text(self, section.number, heading.right, heading.y, heading.size, font=font, color=GREY,
                              align="right") + 6 * mm
        title = clip_line(tr("{title}（续）", title=section.title), heading.size, room, font)
        draw_text(self, title, heading.left, heading.y, heading.size, font=font, color=GREY)


def build_numbered(document: BaseDocTemplate, story: list[Flowable], *, font: str,
                   continued: ContinuedHeading | None = None) -> int:
    """Build ``document`` from ``story`` on a :class:`NumberedCanvas`; returns the page count."""
    made: list[NumberedCanvas] = []

    def canvasmaker(*args, **kwargs) -> NumberedCanvas:
        made.append(NumberedCanvas(*args, font=font, continued=continued, **kwargs))
        return made[-1]

    document.build(story, canvasmaker=canvasmaker)
    return made[-1].page_count
