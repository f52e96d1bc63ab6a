"""The month's 代表之星 notice for a station's board: A4 portrait, one page a station, large type.

The station in red over the title ("2026年11月“代表之星”") and the red double rule; a line saying how
they were chosen; one card per star (name, delegation and level, points, what they did that month);
the selection basis in small type; 特此公示 and the station and date at the foot. The service
(``services.points.print_stars``) gives the words; this module only lays them out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from station_app.i18n import tr
from station_app.io.files import atomic_path
from station_app.io.pdf import (
    GREY,
    INK,
    RED,
    chinese_date,
    draw_double_rule,
    draw_text,
    fit_line,
    new_canvas,
    register_pdf_fonts,
    text_width,
    wrap_text,
)

PAGE_W, PAGE_H = A4
MARGIN_X = 22 * mm
TOP = PAGE_H - 20 * mm
BOTTOM = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN_X
CARD_FILL = HexColor("#fff7e8")
CARD_EDGE = HexColor("#e8c9a0")
STAR_GOLD = HexColor("#d98e04")
CARD_GAP = 5 * mm
#: the sizes a card's text is tried at, largest first, until the stars fit the page; more stars than fit
#: at the smallest go on to another page at that size
SCALES = (1.25, 1.15, 1.0, 0.9, 0.8)
#: the most room left between two cards when the page has room to spare
GAP_MAX = 9 * mm


@dataclass(frozen=True)
class StarLine:
    """A star as the notice prints them: the words ready."""

    name: str
    delegation: str
    level: str
    points: str
    deeds: str


@dataclass(frozen=True)
class StarNotice:
    """One station's page."""

    station: str
    title: str
    stars: Sequence[StarLine]
    basis: str
    day: dt.date


def intro_text(count: int) -> str:
    return tr("依据当月履职积分，评出本月“代表之星” {n} 名，现予公示：", n=count)


def basis_text(basis: str) -> str:
    return tr("评选依据：{basis}", basis=basis)


def points_label(points: str) -> str:
    return tr("{points} 分", points=points)


def deeds_text(deeds: str) -> str:
    return tr("履职情况：{deeds}", deeds=deeds or tr("无"))


def who_text(star: StarLine) -> str:
    """"城关镇代表团 · 县级代表"."""
    parts = [star.delegation, tr("{level}级代表", level=star.level) if star.level else ""]
    return " · ".join(part for part in parts if part)


class _Card:
    """A star's card at a scale: its height is known before it is drawn."""

    def __init__(self, star: StarLine, scale: float, font: str) -> None:
        self.star, self.scale, self.font = star, scale, font
        self.pad = 5 * mm * scale
        self.badge = 15 * mm * scale
        self.name_size = 26 * scale
        self.who_size = 13 * scale
        self.points_size = 26 * scale
        self.deeds_size = 13.5 * scale
        self.leading = self.deeds_size * 1.45
        self.text_left = self.pad + self.badge + 4 * mm * scale
        self.deeds_width = WIDTH - self.text_left - self.pad
        self.deeds = wrap_text(deeds_text(star.deeds), self.deeds_size, self.deeds_width, font)
        self.head = self.name_size * 1.25
        self.height = self.pad * 2 + self.head + 2.5 * mm * scale + self.leading * len(self.deeds)

    def draw(self, canvas: Canvas, top: float) -> None:
        s, font, star = self.scale, self.font, self.star
        left, bottom = MARGIN_X, top - self.height
        canvas.saveState()
        canvas.setFillColor(CARD_FILL)
        canvas.setStrokeColor(CARD_EDGE)
        canvas.setLineWidth(0.8)
        canvas.roundRect(left, bottom, WIDTH, self.height, 3 * mm, stroke=1, fill=1)
        canvas.saveState()  # the red band down the left edge follows the card's rounded corners
        edge = canvas.beginPath()
        edge.roundRect(left, bottom, WIDTH, self.height, 3 * mm)
        canvas.clipPath(edge, stroke=0, fill=0)
        canvas.setFillColor(RED)
        canvas.rect(left, bottom, 1.8 * mm, self.height, stroke=0, fill=1)
        canvas.restoreState()
        # the badge: a gold star in a red ring, level with the name
        cx, cy = left + self.pad + self.badge / 2, top - self.pad - self.head / 2
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(1.4 * s)
        canvas.setFillColor(HexColor("#ffffff"))
        canvas.circle(cx, cy, self.badge / 2, stroke=1, fill=1)
        canvas.restoreState()
        star_size = self.badge * 0.78
        draw_text(canvas, "★", cx, cy - star_size * 0.36, star_size, font=font, color=STAR_GOLD, align="center")
        # the name, who they are, and the points on the right
        baseline = top - self.pad - self.head + (self.head - self.name_size) / 2 + self.name_size * 0.12
        points = points_label(star.points)
        number_width = text_width(star.points, self.points_size, font)
        unit = points[len(star.points):]
        unit_size = self.who_size
        right = left + WIDTH - self.pad
        unit_width = draw_text(canvas, unit, right, baseline, unit_size, font=font, color=RED, align="right")
        draw_text(canvas, star.points, right - unit_width, baseline, self.points_size, font=font, color=RED,
                  align="right", bold=True)
        room = right - unit_width - number_width - 6 * mm * s - (left + self.text_left)
        name, name_size = fit_line(star.name, room * 0.55, self.name_size, 14 * s, font)
        name_width = draw_text(canvas, name, left + self.text_left, baseline, name_size, font=font, color=INK, bold=True)
        who_room = room - name_width - 4 * mm * s
        if who_room > 10 * mm:
            who, who_size = fit_line(who_text(star), who_room, self.who_size, 9 * s, font)
            draw_text(canvas, who, left + self.text_left + name_width + 4 * mm * s, baseline, who_size, font=font,
                      color=GREY)
        # what they did
        y = top - self.pad - self.head - 2.5 * mm * s - self.deeds_size
        for line in self.deeds:
            draw_text(canvas, line, left + self.text_left, y, self.deeds_size, font=font, color=INK)
            y -= self.leading


def _page(canvas: Canvas, notice: StarNotice, stars: Sequence[StarLine], font: str,
          continued: bool) -> list[StarLine]:
    """Draw one page of ``notice`` with as many of ``stars`` as fit; returns those left for the next page.
    A later page draws its cards at the smallest size, as the first page did when they did not fit."""
    y = TOP
    station, size = fit_line(notice.station, WIDTH, 22, 14, font)
    y -= size
    draw_text(canvas, station, PAGE_W / 2, y, size, font=font, color=RED, align="center")
    title = notice.title + (tr("（续）") if continued else "")
    title, size = fit_line(title, WIDTH, 38, 20, font)
    y -= size + 5 * mm
    draw_text(canvas, title, PAGE_W / 2, y, size, font=font, color=RED, align="center", bold=True)
    y -= 6 * mm
    draw_double_rule(canvas, MARGIN_X, PAGE_W - MARGIN_X, y)
    y -= 10 * mm
    intro_size = 15
    for number, line in enumerate(wrap_text(intro_text(len(notice.stars)), intro_size, WIDTH - 2 * intro_size, font)):
        y -= intro_size
        indent = 2 * intro_size if number == 0 else 0  # the first line of a paragraph is indented two characters
        draw_text(canvas, line, MARGIN_X + indent, y, intro_size, font=font, color=INK)
        y -= intro_size * 0.5
    y -= 4 * mm

    # the foot, from the bottom up: the date, the station, 特此公示, the basis
    foot_size = 15
    date_y = BOTTOM + 6 * mm
    station_y = date_y + foot_size * 1.7
    basis_size = 10.5
    basis = wrap_text(basis_text(notice.basis), basis_size, WIDTH, font)
    notice_y = station_y + foot_size * 2.6
    basis_top = notice_y + foot_size * 1.6 + basis_size * 1.5 * len(basis)
    room = y - basis_top - 6 * mm

    def height(cards: list[_Card]) -> float:
        return sum(c.height for c in cards) + CARD_GAP * (len(cards) - 1)

    cards: list[_Card] = []
    for scale in SCALES[-1:] if continued else SCALES:
        cards = [_Card(star, scale, font) for star in stars]
        if height(cards) <= room:
            break
    last = height(cards) <= room
    if not last:  # the foot goes on a later page; this one is all cards, and leaves at least one for the next
        room = y - BOTTOM - 8 * mm
    fitted, used = [], 0.0
    for card in cards:
        if fitted and (used + CARD_GAP + card.height > room or (not last and len(fitted) == len(cards) - 1)):
            break
        used += (CARD_GAP if fitted else 0) + card.height
        fitted.append(card)
    gap = CARD_GAP
    if len(fitted) > 1 and last:  # room to spare goes between the cards, up to a point
        gap = min(GAP_MAX, CARD_GAP + (room - used) / (len(fitted) - 1))
    for card in fitted:
        card.draw(canvas, y)
        y -= card.height + gap
    if not last:
        return list(stars[len(fitted):])

    for line in basis:
        basis_top -= basis_size * 1.5
        draw_text(canvas, line, MARGIN_X, basis_top, basis_size, font=font, color=GREY)
    draw_text(canvas, tr("特此公示。"), MARGIN_X + 2 * foot_size, notice_y, foot_size, font=font, color=INK)
    right = PAGE_W - MARGIN_X - 4 * mm
    station_line, station_size = fit_line(notice.station, WIDTH * 0.7, foot_size, 10, font)
    draw_text(canvas, station_line, right, station_y, station_size, font=font, color=INK, align="right")
    draw_text(canvas, chinese_date(notice.day), right, date_y, foot_size, font=font, color=INK, align="right")
    return []


def write_star_notice(path: Path | str, notices: Sequence[StarNotice]) -> int:
    """The notices to ``path``, one page a station (a station with more stars than a page holds goes on);
    returns the page count."""
    font = register_pdf_fonts()
    pages = 0
    with atomic_path(Path(path)) as tmp:
        canvas = new_canvas(tmp, notices[0].title if notices else tr("代表之星"), font)
        for notice in notices:
            left, continued = list(notice.stars), False
            while True:
                left = _page(canvas, notice, left, font, continued)
                canvas.showPage()
                pages += 1
                if not left:
                    break
                continued = True
        canvas.save()
    return pages
