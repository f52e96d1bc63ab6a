"""Printable QR material: sheets of cut-out representative cards and the station poster (一站一码).

A4, reportlab, the bundled CJK font embedded. Codes are drawn as vector squares from the same
module matrix as :func:`station_app.io.qr.qr_image`, so they are sharp at any printer
resolution and carry exactly the same data (UTF-8 with ECI 26 for Chinese payloads).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from station_app.i18n import tr
from station_app.io.files import atomic_path
from station_app.io.pdf import (
    BORDER,
    GREY,
    INK,
    LIGHT,
    RED,
    clip_line,
    draw_double_rule,
    draw_text,
    fit_font_size,
    fit_line,
    new_canvas,
    page_label,
    register_pdf_fonts,
    text_width,
    wrap_text,
)
from station_app.io.qr import QUIET_ZONE, dark_runs, qr_matrix

PAGE_W, PAGE_H = A4

# Cut-out cards: 2 columns x 4 rows of 94 x 63 mm, close to a business card.
CARD_COLS, CARD_ROWS = 2, 4
CARDS_PER_PAGE = CARD_COLS * CARD_ROWS
CARD_W, CARD_H = 94 * mm, 63 * mm
CARD_GRID_LEFT = (PAGE_W - CARD_COLS * CARD_W) / 2
CARD_GRID_TOP = PAGE_H - 20 * mm
CARD_QR_BOX = 49 * mm  # code plus its 4-module quiet zone; the code itself is 3.5-4.4 cm wide
CARD_QR_INSET = 2.5 * mm  # from the cut lines to the (white) quiet zone


@dataclass(frozen=True)
class QrCard:
    name: str
    level: str
    delegation: str
    payload: str
    note: str = ""


# ---------------------------------------------------------------------------------------------
# Drawing helpers


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, box: float) -> float:
    """Draw the code for ``payload`` in the square ``box`` (quiet zone included) with its
    lower-left corner at ``x, y``. Returns the module size in points.

    The dark modules go in as one filled path of whole-module rectangles, one per run of dark
    modules in a row, written in module units under a transform (so a card page of eight codes
    is a few thousand short integer operators, not hundreds of thousands of formatted floats).
    """
    count, runs = dark_runs(payload)
    module = box / (count + 2 * QUIET_ZONE)
    left = x + QUIET_ZONE * module
    top = y + box - QUIET_ZONE * module
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, box, box, stroke=0, fill=1)
    canvas.setFillColor(Color(0, 0, 0))
    canvas.transform(module, 0, 0, -module, left, top)  # origin at the code's top-left, one unit a module, y down
    ops = [f"{column} {row} {length} 1 re" for row, column, length in runs]
    ops.append("f")
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()
    return module


def _draw_block(canvas: Canvas, text: str, x: float, y: float, width: float, *, size: float,
                min_size: float, max_lines: int, font: str, color: Color = INK, align: str = "left",
                bold: bool = False, leading: float = 1.3) -> float:
    """Text that shrinks to fit ``width``, then wraps to at most ``max_lines`` (the last one
    ending in "…" if still too long). ``y`` is the first baseline; returns the last baseline."""
    size, lines = _layout_block(text, width, size=size, min_size=min_size, max_lines=max_lines, font=font)
    for i, line in enumerate(lines):
        draw_text(canvas, line, x, y - i * size * leading, size, font=font, color=color, align=align, bold=bold)
    return y - (len(lines) - 1) * size * leading


def _layout_block(text: str, width: float, *, size: float, min_size: float, max_lines: int,
                  font: str) -> tuple[float, list[str]]:
    size = fit_font_size(text, width, size, min_size, font)
    lines = wrap_text(text, size, width, font)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = clip_line(lines[-1] + "…", size, width, font)
    return size, lines


# ---------------------------------------------------------------------------------------------
# Cut-out cards


def write_cards_pdf(cards: Sequence[QrCard], path: Path | str, *, title: str) -> int:
    """A4 sheets of cut-out cards, 8 per page (2 x 4, 94 x 63 mm each), dashed cut lines.

    Each card: the name large, level and delegation, an optional note, the code and
    "扫一扫 找代表". Header: ``title``; footer: "第 1 页 / 共 2 页". Returns the page count.
    Raises ``ValueError`` when there are no cards.
    """
    cards = list(cards)
    if not cards:
        raise ValueError(tr("没有可打印的代表"))
    for card in cards:
        qr_matrix(card.payload)  # fail early (ValueError) before anything is written
    font = register_pdf_fonts()
    pages = math.ceil(len(cards) / CARDS_PER_PAGE)
    with atomic_path(Path(path)) as tmp:
        canvas = new_canvas(tmp, title, font)
        for page in range(pages):
            chunk = cards[page * CARDS_PER_PAGE:(page + 1) * CARDS_PER_PAGE]
            _draw_cards_page(canvas, chunk, title=title, page=page + 1, pages=pages, font=font)
            canvas.showPage()
        canvas.save()
    return pages


def _card_origin(index: int) -> tuple[float, float]:
    row, col = divmod(index, CARD_COLS)
    return CARD_GRID_LEFT + col * CARD_W, CARD_GRID_TOP - (row + 1) * CARD_H


def _draw_cards_page(canvas: Canvas, cards: Sequence[QrCard], *, title: str, page: int, pages: int,
                     font: str) -> None:
    left, right = CARD_GRID_LEFT, PAGE_W - CARD_GRID_LEFT
    # Header: title in the middle, cutting hint on the right.
    hint = tr("沿虚线剪开")
    hint_w = text_width(hint, 8, font)
    line, size = fit_line(title, right - left - 2 * hint_w - 12 * mm, 13, 9, font)
    draw_text(canvas, line, PAGE_W / 2, PAGE_H - 13 * mm, size, font=font, align="center", bold=True)
    draw_text(canvas, hint, right, PAGE_H - 13 * mm, 8, font=font, color=LIGHT, align="right")
    # Footer: page number.
    draw_text(canvas, page_label(page, pages), PAGE_W / 2, 12 * mm, 9, font=font, color=GREY, align="center")

    for index, card in enumerate(cards):
        _draw_card(canvas, card, *_card_origin(index), font=font)
    _draw_cut_lines(canvas, len(cards))


def _draw_cut_lines(canvas: Canvas, count: int) -> None:
    segments: set[tuple[float, float, float, float]] = set()
    for index in range(count):
        x, y = _card_origin(index)
        x1, y1 = x + CARD_W, y + CARD_H
        segments |= {(x, y, x1, y), (x, y1, x1, y1), (x, y, x, y1), (x1, y, x1, y1)}
    canvas.saveState()
    canvas.setStrokeColor(LIGHT)
    canvas.setLineWidth(0.5)
    canvas.setDash(4, 2.5)
    for x0, y0, x1, y1 in sorted(segments):  # shared edges drawn once, so the dashes stay crisp
        canvas.line(round(x0, 3), round(y0, 3), round(x1, 3), round(y1, 3))
    canvas.restoreState()


def _draw_card(canvas: Canvas, card: QrCard, x: float, y: float, *, font: str) -> None:
    box = CARD_QR_BOX
    box_x = x + CARD_W - CARD_QR_INSET - box
    box_y = y + CARD_H - CARD_QR_INSET - box
    draw_qr(canvas, card.payload, box_x, box_y, box)
    draw_text(canvas, tr("扫一扫 找代表"), box_x + box / 2, y + 5.5 * mm, 9.5, font=font, color=GREY,
              align="center")

    text_x = x + 6 * mm
    width = box_x - text_x - 1.5 * mm
    bottom = y + 4 * mm
    # Name: large, shrinking for long names, two lines at most; a short red rule under it.
    last = _draw_name(canvas, card.name, text_x, y + CARD_H - 15 * mm, width, font=font)
    rule_y = last - 4 * mm
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(1.2)
    canvas.line(text_x, rule_y, text_x + 10 * mm, rule_y)
    canvas.restoreState()

    cursor = rule_y - 6.5 * mm
    for text, size, color in ((card.level, 9.5, INK), (card.delegation, 9.5, INK), (card.note, 8.5, GREY)):
        if not text:
            continue
        room = min(2, int((cursor - bottom) // (size * 1.3)) + 1)
        if room < 1:
            break
        cursor = _draw_block(canvas, text, text_x, cursor, width, size=size, min_size=size - 1, max_lines=room,
                             font=font, color=color) - size * 1.3 - 1 * mm


def _draw_name(canvas: Canvas, name: str, x: float, y: float, width: float, *, font: str) -> float:
    """The name, 22 pt down to 14 pt; a longer one (e.g. 阿不都热合曼·买买提) goes on two lines,
    broken after the middle dot when it has one. Returns the last baseline."""
    size = fit_font_size(name, width, 22, 14, font)
    if text_width(name, size, font) <= width:
        draw_text(canvas, name, x, y, size, font=font, bold=True)
        return y
    dot = next((i for i, ch in enumerate(name) if ch in "·•‧・."), -1)
    if 0 < dot < len(name) - 1:
        lines = [name[:dot + 1], name[dot + 1:]]
        size = min(fit_font_size(line, width, 18, 11, font) for line in lines)
        lines = [clip_line(line, size, width, font) for line in lines]
    else:
        size, lines = _layout_block(name, width, size=18, min_size=13, max_lines=2, font=font)
    for i, line in enumerate(lines):
        draw_text(canvas, line, x, y - i * size * 1.2, size, font=font, bold=True)
    return y - (len(lines) - 1) * size * 1.2


# ---------------------------------------------------------------------------------------------
# Station poster (一站一码)

POSTER_MARGIN = 15 * mm
POSTER_COLS = 4
CELL_W = (PAGE_W - 2 * POSTER_MARGIN) / POSTER_COLS
CELL_H = 51 * mm
CELL_QR_BOX = 30 * mm
POSTER_FOOTER_Y = 12 * mm
POSTER_GRID_BOTTOM = 20 * mm  # lowest the grid goes with a one-line footer
NO_DUTY_H = 30 * mm


def write_station_poster(path: Path | str, *, station_name: str, station_payload: str, heading: str,
                         on_duty: Sequence[QrCard], footer: str = "") -> None:
    """A4 poster: the station name, the station's big code ("手机扫一扫 就能找代表"), then
    ``heading`` (e.g. "今日值班代表") over a grid of the on-duty representatives with a smaller
    code each (12 fit on the page; more continue on further pages), and ``footer``.
    With nobody on duty the grid says "暂无值班安排".
    """
    on_duty = list(on_duty)
    qr_matrix(station_payload)
    for card in on_duty:
        qr_matrix(card.payload)
    font = register_pdf_fonts()
    with atomic_path(Path(path)) as tmp:
        canvas = new_canvas(tmp, station_name, font)
        _draw_poster(canvas, font=font, station_name=station_name, station_payload=station_payload,
                     heading=heading, on_duty=on_duty, footer=footer)
        canvas.save()


def _draw_poster(canvas: Canvas, *, font: str, station_name: str, station_payload: str, heading: str,
                 on_duty: list[QrCard], footer: str) -> None:
    content_w = PAGE_W - 2 * POSTER_MARGIN
    grid_rows_first = max(1, min(3, math.ceil(len(on_duty) / POSTER_COLS)))

    # Station name in official red, with the double rule of a red-headed document under it.
    size, lines = _layout_block(station_name, content_w, size=30, min_size=20, max_lines=2, font=font)
    bracket = next((i for i, ch in enumerate(station_name) if ch in "（("), -1)
    if len(lines) > 1 and bracket > 0:
        # 城关镇人大代表联络站（人民路社区代表之家）: break before the bracket when both halves fit.
        halves = [station_name[:bracket].strip(), station_name[bracket:].strip()]
        if all(text_width(half, size, font) <= content_w for half in halves):
            lines = halves
    top = PAGE_H - POSTER_MARGIN - 11 * mm
    for i, line in enumerate(lines):
        draw_text(canvas, line, PAGE_W / 2, top - i * size * 1.2, size, font=font, color=RED, align="center",
                  bold=True)
    last = top - (len(lines) - 1) * size * 1.2
    rule_y = last - 7 * mm
    draw_double_rule(canvas, POSTER_MARGIN, PAGE_W - POSTER_MARGIN, rule_y, widths=(2, 0.6), gap=1.6 * mm)

    # The station's code: as big as the room left by the grid allows (44-95 mm with quiet zone, so
    # never under 3.5 cm of code); room left over is shared out between the sections.
    grid_h = grid_rows_first * CELL_H if on_duty else NO_DUTY_H
    below_code = 7 * mm + 13 * mm + 6 * mm  # caption, section heading, gap to the grid
    grid_bottom = max(POSTER_GRID_BOTTOM, _footer_top(footer, font) + 4 * mm)
    room = rule_y - 4 * mm - below_code - grid_h - grid_bottom
    box = max(44 * mm, min(95 * mm, room))
    spare = max(0.0, room - box)
    box_top = rule_y - 4 * mm - spare * 0.2
    draw_qr(canvas, station_payload, (PAGE_W - box) / 2, box_top - box, box)
    caption_y = box_top - box - 7 * mm
    draw_text(canvas, tr("手机扫一扫 就能找代表"), PAGE_W / 2, caption_y, 18, font=font, align="center", bold=True)

    heading_y = caption_y - 13 * mm - spare * 0.15
    grid_top = heading_y - 6 * mm
    rows_fit = max(1, int((grid_top - grid_bottom + 0.01) // CELL_H))
    first, rest = on_duty[:rows_fit * POSTER_COLS], on_duty[rows_fit * POSTER_COLS:]
    per_page = int((PAGE_H - POSTER_MARGIN - 12 * mm - grid_bottom) // CELL_H) * POSTER_COLS
    pages = 1 + math.ceil(len(rest) / per_page)

    _draw_section_heading(canvas, heading, heading_y, font=font)
    if on_duty:
        _draw_duty_grid(canvas, first, grid_top, font=font)
    else:
        _draw_no_duty(canvas, grid_top, font=font)
    _draw_poster_footer(canvas, footer, 1, pages, font=font)

    for page in range(2, pages + 1):
        canvas.showPage()
        chunk, rest = rest[:per_page], rest[per_page:]
        heading_y = PAGE_H - POSTER_MARGIN - 6 * mm
        _draw_section_heading(canvas, tr("{heading}（续）", heading=heading), heading_y, font=font)
        _draw_duty_grid(canvas, chunk, heading_y - 6 * mm, font=font)
        _draw_poster_footer(canvas, footer, page, pages, font=font)
    canvas.showPage()


def _draw_section_heading(canvas: Canvas, heading: str, y: float, *, font: str) -> None:
    heading, size = fit_line(heading, 120 * mm, 16, 11, font)
    draw_text(canvas, heading, PAGE_W / 2, y, size, font=font, align="center", bold=True)
    half = text_width(heading, size, font) / 2 + 5 * mm
    mid = y + size * 0.35
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(1)
    canvas.line(POSTER_MARGIN, mid, PAGE_W / 2 - half, mid)
    canvas.line(PAGE_W / 2 + half, mid, PAGE_W - POSTER_MARGIN, mid)
    canvas.restoreState()


def _draw_duty_grid(canvas: Canvas, cards: Sequence[QrCard], top: float, *, font: str) -> None:
    for row_start in range(0, len(cards), POSTER_COLS):
        row = cards[row_start:row_start + POSTER_COLS]
        # A short last row is centred under the full ones.
        left = POSTER_MARGIN + (POSTER_COLS - len(row)) * CELL_W / 2
        cell_top = top - (row_start // POSTER_COLS) * CELL_H
        for col, card in enumerate(row):
            _draw_duty_cell(canvas, card, left + col * CELL_W, cell_top - CELL_H, font=font)


def _draw_duty_cell(canvas: Canvas, card: QrCard, x: float, y: float, *, font: str) -> None:
    pad = 1.5 * mm
    canvas.saveState()
    canvas.setStrokeColor(BORDER)
    canvas.setLineWidth(0.6)
    canvas.roundRect(x + pad, y + pad, CELL_W - 2 * pad, CELL_H - 2 * pad, 2 * mm, stroke=1, fill=0)
    canvas.restoreState()
    center = x + CELL_W / 2
    box_top = y + CELL_H - pad - 1 * mm
    draw_qr(canvas, card.payload, center - CELL_QR_BOX / 2, box_top - CELL_QR_BOX, CELL_QR_BOX)
    width = CELL_W - 2 * pad - 3 * mm
    baseline = box_top - CELL_QR_BOX - 3.8 * mm
    name, size = fit_line(card.name, width, 12, 9, font)
    draw_text(canvas, name, center, baseline, size, font=font, align="center", bold=True)
    baseline -= 4.4 * mm
    if card.level:
        level, size = fit_line(card.level, width, 8.5, 7, font)
        draw_text(canvas, level, center, baseline, size, font=font, color=GREY, align="center")
        baseline -= 3.5 * mm
    if card.delegation:
        _draw_block(canvas, card.delegation, center, baseline, width, size=8.5, min_size=7.5,
                    max_lines=2 if card.level else 3, font=font, color=GREY, align="center", leading=1.2)


def _draw_no_duty(canvas: Canvas, top: float, *, font: str) -> None:
    height = NO_DUTY_H
    canvas.saveState()
    canvas.setStrokeColor(BORDER)
    canvas.setDash(4, 3)
    canvas.roundRect(POSTER_MARGIN + 20 * mm, top - height, PAGE_W - 2 * POSTER_MARGIN - 40 * mm, height, 3 * mm)
    canvas.restoreState()
    draw_text(canvas, tr("暂无值班安排"), PAGE_W / 2, top - height / 2 - 2 * mm, 16, font=font, color=GREY,
              align="center")


def _footer_lines(footer: str, font: str) -> tuple[float, list[str]]:
    if not footer:
        return 10, []
    return _layout_block(footer, PAGE_W - 2 * POSTER_MARGIN - 40 * mm, size=10, min_size=8, max_lines=2, font=font)


def _footer_top(footer: str, font: str) -> float:
    """Height of the top of the footer text above the bottom of the page."""
    size, lines = _footer_lines(footer, font)
    return POSTER_FOOTER_Y + max(0, len(lines) - 1) * size * 1.3 + size * 0.8


def _draw_poster_footer(canvas: Canvas, footer: str, page: int, pages: int, *, font: str) -> None:
    size, lines = _footer_lines(footer, font)
    for i, line in enumerate(lines):
        draw_text(canvas, line, PAGE_W / 2, POSTER_FOOTER_Y + (len(lines) - 1 - i) * size * 1.3, size,
                  font=font, color=GREY, align="center")
    if pages > 1:
        draw_text(canvas, page_label(page, pages), PAGE_W - POSTER_MARGIN, POSTER_FOOTER_Y, 8, font=font,
                  color=LIGHT, align="right")
