"""Printed duty rosters (排班): the month calendar with per-person counts, and the month's
empty-posts report (空岗情况).

Files only: the caller gives plain records (who is on duty when, who missed a post) and gets an
A4 PDF with the bundled CJK font embedded, written atomically. No database, no business rules.

* :func:`write_month_roster_pdf` -- A4 landscape calendar, Monday first, one cell per day. Names
  shrink (down to 6 pt) and wrap so they never leave their cell; :func:`cell_box` tells where a
  day's cell is. Optional pages after it: "值班次数统计", four blocks of the table side by side.
* :func:`write_empty_posts_pdf` -- A4 portrait: summary, counts by person and by window unit,
  then the detail list with its header row repeated on every page.
"""
from __future__ import annotations

import calendar
import datetime
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from station_app.i18n import tr, weekday
from station_app.io.files import atomic_path
from station_app.io.pdf import (
    BORDER,
    GREY,
    INK,
    LIGHT,
    RED,
    ContinuedHeading,
    SectionStart,
    build_numbered,
    clip_line,
    document_info,
    draw_double_rule,
    draw_text,
    fit_font_size,
    fit_line,
    month_day_weekday,
    new_canvas,
    page_label,
    register_pdf_fonts,
    text_width,
    wrap_text,
)
from station_app.vocab import AssignmentSource, Attendance, HolidayBasis, SlotName

PAGE_SIZE = landscape(A4)
"""The month roster's page: A4 landscape, in points."""

WEEKEND_FILL = HexColor("#f3f3f3")  # a Saturday or Sunday with nothing given
OFF_FILL = HexColor("#e2e2e2")  # holiday, weekend or closure given as ``off``
HEADER_FILL = HexColor("#ececec")
RULE = HexColor("#8c8c8c")  # the grid lines
SEPARATOR = HexColor("#d4d4d4")  # between the slots of a day
# The same colours as the roster page's legend on screen.
MARK_COLORS = {AssignmentSource.MANUAL: HexColor("#1565c0"), AssignmentSource.SWAP: HexColor("#6a1b9a"),
               AssignmentSource.STAND_IN: HexColor("#ef6c00")}
# The one-character tag printed after the name.
MARK_TAGS = {AssignmentSource.SWAP: "调", AssignmentSource.STAND_IN: "替", AssignmentSource.MANUAL: "手"}
OTHER_MARK = HexColor("#5d4037")
RED_HEX = "#" + RED.hexval()[2:]  # for Paragraph markup

MIN_NAME_SIZE = 6.0
MAX_NAME_SIZE = 9.0
MIN_TAG_SIZE = 5.0  # the boxed one-character mark tags
KEEP_WHOLE_SHRINK = 1.5  # shrink up to this much more to keep a person's name and unit on one line
NOTE_MIN_SIZE = 6.5  # a note that needs less goes under the day number, wrapped


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class PrintedPerson:
    name: str
    mark: str = ""  # "" when generated, else how the person came to the slot (an AssignmentSource)
    unit: str = ""  # window unit for window-unit heads (e.g. "县税务局"); "" for representatives


@dataclass(frozen=True)
class PrintedSlot:
    name: str  # a SlotName
    people: tuple[PrintedPerson, ...]
    needed: int  # headcount required

    @property
    def uncovered(self) -> int:
        """How many people are still missing (never negative)."""
        return max(0, self.needed - len(self.people))


@dataclass(frozen=True)
class PrintedDay:
    day: datetime.date
    note: str = ""  # a holiday (国庆节), a make-up working day (CalendarKind.MAKE_UP), "闭站：…"
    off: bool = False  # holiday/weekend/closed: grey background, no slots
    slots: tuple[PrintedSlot, ...] = ()
    estimated: bool = False  # a day off estimated (推定) before the State Council's notice; the note says so


@dataclass(frozen=True)
class EmptyPost:
    day: datetime.date
    slot: str
    person: str
    unit: str  # delegation or window unit
    status: str  # Attendance.ABSENT or Attendance.LEAVE
    note: str = ""


class Box(NamedTuple):
    """A rectangle in PDF points, origin at the bottom-left of the page."""
    x0: float
    y0: float
    x1: float
    y1: float


# ---------------------------------------------------------------------------------------------
# The heading of every page


def _draw_heading(canvas: Canvas, title: str, subtitle: str | None, *, top: float, left: float, right: float,
                  font: str) -> None:
    """The red title centred between ``left`` and ``right`` (first baseline 15 pt under ``top``),
    the grey subtitle under it and the red double rule of an official document, its lower line
    :func:`heading_height` under ``top``. ``subtitle=None`` leaves out the subtitle's line (``""``
    keeps it, empty)."""
    width = right - left
    line, size = fit_line(title, width, 18, 12, font)
    baseline = top - 15
    draw_text(canvas, line, (left + right) / 2, baseline, size, font=font, color=RED, align="center", bold=True)
    if subtitle:
        line, size = fit_line(subtitle, width, 10, 8, font)
        draw_text(canvas, line, (left + right) / 2, baseline - 6.5 * mm, size, font=font, color=GREY, align="center")
    draw_double_rule(canvas, left, right, top - _heading_height(subtitle is not None) + 1.4 * mm)


def _heading_height(with_subtitle: bool = True) -> float:
    """From the top of :func:`_draw_heading` down to its lower red rule."""
    return 15 + (10.5 if with_subtitle else 4) * mm + 1.4 * mm


HEADING_HEIGHT = _heading_height()


# ---------------------------------------------------------------------------------------------
# Month roster: geometry

MARGIN_X = 10 * mm
MARGIN_TOP = 9 * mm
WEEKDAY_ROW_H = 6.5 * mm
GRID_BOTTOM = 18 * mm  # room under the grid for the legend and the footer
LEGEND_Y = 11.5 * mm  # baseline of the legend line
FOOTER_Y = 6 * mm  # baseline of the footer and the page number


def _grid_top(page_size: tuple[float, float]) -> float:
    """Top of the day cells (the weekday row sits above it)."""
    return page_size[1] - MARGIN_TOP - HEADING_HEIGHT - 2.5 * mm - WEEKDAY_ROW_H


def _weeks(year: int, month: int) -> list[list[int]]:
    """The month as weeks Monday-first; 0 for days of the neighbouring months."""
    return calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)


def cell_box(year: int, month: int, day: int, page_size: tuple[float, float] = PAGE_SIZE) -> Box:
    """Where day ``day`` of the month is drawn on the first page of the month roster.

    The grid has one row per calendar week (4 to 6); everything printed for the day lies
    inside this box. Raises ``ValueError`` for a day the month does not have.
    """
    weeks = _weeks(year, month)
    for row, week in enumerate(weeks):
        if day in week and day:
            return _grid_box(row, week.index(day), len(weeks), page_size)
    raise ValueError(tr("{year}年{month}月没有 {day} 日", year=year, month=month, day=day))


def _grid_box(row: int, col: int, rows: int, page_size: tuple[float, float]) -> Box:
    left, right = MARGIN_X, page_size[0] - MARGIN_X
    top = _grid_top(page_size)
    col_w = (right - left) / 7
    row_h = (top - GRID_BOTTOM) / rows
    x0 = left + col * col_w
    y1 = top - row * row_h
    return Box(x0, y1 - row_h, x0 + col_w, y1)


# ---------------------------------------------------------------------------------------------
# Month roster: what goes in a cell
#
# A cell is a header line (day number left, note right) and a body of lines. Each slot of the day
# is a block of lines: its name as a small grey label, then the people flowing after it with a
# hanging indent; a person (name, mark tag, window unit) stays on one line whenever that fits.
# The largest font size from 9 pt down to 6 pt at which everything fits is used.

CELL_PAD = 2.6  # points, inside the cell on every side
DAY_SIZE = 10.5
HEADER_H = 13.0  # the day-number line


@dataclass
class _Token:
    text: str
    size: float
    color: Color
    gap: float  # space before it when it does not start a line
    kind: str = "text"  # "text", "tag" (a boxed character) or "label" (the slot name)

    @property
    def width(self) -> float:
        return text_width(self.text, self.size) + (2.4 if self.kind == "tag" else 0)


@dataclass
class _Line:
    items: list[tuple[float, _Token]]  # x offset from the left of the cell's content, token
    size: float  # the font size that sets the line's height
    separator: bool = False  # a hairline above it (between two slots)

    @property
    def height(self) -> float:
        return self.size * 1.24


def _mark_tag(mark: str) -> tuple[str, Color]:
    return MARK_TAGS.get(mark, mark[:1]), MARK_COLORS.get(mark, OTHER_MARK)


def _person_tokens(person: PrintedPerson, size: float) -> list[_Token]:
    tokens = [_Token(person.name, size, INK, gap=size * 0.55)]
    if person.mark:
        tag, color = _mark_tag(person.mark)
        tokens.append(_Token(tag, max(MIN_TAG_SIZE, round(size * 0.74, 2)), color, gap=size * 0.12, kind="tag"))
    if person.unit:
        tokens.append(_Token(person.unit, max(MIN_NAME_SIZE, round(size * 0.8, 2)), GREY, gap=size * 0.22))
    return tokens


def _flow(groups: list[list[_Token]], width: float, size: float) -> tuple[list[_Line], bool]:
    """Lay groups of tokens into lines no wider than ``width``; a group moves to a new line as a
    whole when it fits there, otherwise it breaks between tokens (and a token wider than a line
    breaks between characters). Returns the lines and whether a group had to be broken."""
    lines = [_Line([], size)]
    cursor = 0.0
    broken = False

    def place(token: _Token) -> bool:
        nonlocal cursor
        line = lines[-1]
        gap = token.gap if line.items else 0.0
        if cursor + gap + token.width > width + 0.01:
            return False
        line.items.append((cursor + gap, token))
        cursor += gap + token.width
        return True

    def new_line() -> None:
        nonlocal cursor
        lines.append(_Line([], size))
        cursor = 0.0

    for group in groups:
        group_w = group[0].width + sum(t.gap + t.width for t in group[1:])
        if lines[-1].items and cursor + group[0].gap + group_w > width and group_w <= width:
            new_line()
        broken = broken or group_w > width
        for token in group:
            if place(token):
                continue
            if lines[-1].items:
                new_line()
                if place(token):
                    continue
            # Wider than a whole line even on its own: break it between characters.
            pieces = wrap_text(token.text, token.size, width)
            for i, piece in enumerate(pieces):
                if i:
                    new_line()
                place(_Token(piece, token.size, token.color, token.gap, token.kind))
    return lines, broken


def _slot_lines(slot: PrintedSlot, width: float, size: float, *, labelled: bool) -> tuple[list[_Line], bool]:
    groups = [_person_tokens(person, size) for person in slot.people]
    if slot.uncovered:
        groups.append([_Token(tr("缺 {count} 人", count=slot.uncovered), size, RED, gap=size * 0.55)])
    if not groups:
        groups.append([_Token("—", size, LIGHT, gap=0)])
    indent = 0.0
    label = None
    if labelled and slot.name:
        label = _Token(slot.name, max(MIN_NAME_SIZE, round(size * 0.86, 2)), GREY, gap=0, kind="label")
        indent = label.width + 3.2 + size * 0.3
    lines, broken = _flow(groups, width - indent, size)
    for line in lines:
        line.items = [(x + indent, token) for x, token in line.items]
    if label is not None:
        lines[0].items.insert(0, (0.0, label))
    return lines, broken


@dataclass
class _CellLayout:
    note_in_header: bool
    note_size: float
    lines: list[_Line]


def _balanced_wrap(text: str, size: float, width: float) -> list[str]:
    """:func:`wrap_text`, with the lines made as even as the same number of lines allows (so a
    long note does not end in one orphaned character)."""
    lines = wrap_text(text, size, width)
    low, high = width / 2, width
    while len(lines) > 1 and high - low > 1:
        middle = (low + high) / 2
        if len(wrap_text(text, size, middle)) == len(lines):
            high = middle
        else:
            low = middle
    return wrap_text(text, size, high) if len(lines) > 1 else lines


def _note_header_room(box: Box, day: int) -> float:
    return box.x1 - box.x0 - 2 * CELL_PAD - text_width(str(day), DAY_SIZE) - 5


def _layout_cell(pday: PrintedDay | None, box: Box) -> _CellLayout:
    """The largest size (9 pt down to 6 pt, by quarter points) at which the day's lines fit the
    cell, preferring a size at which no person is split over two lines."""
    width = box.x1 - box.x0 - 2 * CELL_PAD
    room = box.y1 - box.y0 - 2 * CELL_PAD - HEADER_H
    if pday is None:
        return _CellLayout(True, 0, [])
    note_room = _note_header_room(box, pday.day.day)
    note_size = fit_font_size(pday.note, note_room, 7.5, NOTE_MIN_SIZE)
    note_in_header = not pday.note or text_width(pday.note, note_size) <= note_room
    slots = () if pday.off else pday.slots
    labelled = len(slots) > 1 or any(slot.name != SlotName.WHOLE_DAY for slot in slots)

    def attempt(size: float) -> tuple[list[_Line], float, bool]:
        lines: list[_Line] = []
        broken = False
        if not note_in_header:
            note_line_size = max(MIN_NAME_SIZE, min(7.5, size))
            color = RED if pday.off else GREY
            lines += [_Line([(0.0, _Token(text, note_line_size, color, 0))], note_line_size)
                      for text in _balanced_wrap(pday.note, note_line_size, width)]
        for i, slot in enumerate(slots):
            block, split = _slot_lines(slot, width, size, labelled=labelled)
            block[0].separator = i > 0
            lines += block
            broken = broken or split
        return lines, sum(line.height + (line.size * 0.45 if line.separator else 0) for line in lines), broken

    sizes = [MAX_NAME_SIZE - 0.25 * i for i in range(int((MAX_NAME_SIZE - MIN_NAME_SIZE) / 0.25) + 1)]
    best = None  # the largest size that fits, with or without breaking a person over two lines
    for size in sizes:
        lines, used, broken = attempt(size)
        if used > room:
            continue
        if best is None:
            best = size, lines, used
        if not broken:  # whole people at a size not much smaller: take it
            break
        if size <= best[0] - KEEP_WHOLE_SHRINK:
            lines, used = best[1], best[2]
            break
    else:
        if best is not None:
            lines, used = best[1], best[2]
    layout = _CellLayout(note_in_header, note_size, lines)
    if used > room:  # even 6 pt is too big: keep the lines that fit, the last one ends in "…"
        kept, total = [], 0.0
        for line in lines:
            step = line.height + (line.size * 0.45 if line.separator else 0)
            if total + step > room:
                break
            kept.append(line)
            total += step
        if kept:
            last = kept[-1]
            more = _Token("…", last.size, GREY, gap=1)
            while last.items and last.items[-1][0] + last.items[-1][1].width + 1 + more.width > width:
                last.items.pop()
            end = last.items[-1][0] + last.items[-1][1].width + 1 if last.items else 0
            last.items.append((end, more))
        layout.lines = kept
    return layout


def _draw_token(canvas: Canvas, token: _Token, x: float, baseline: float, *, font: str) -> None:
    if token.kind == "tag":
        size = token.size
        canvas.saveState()
        canvas.setStrokeColor(token.color)
        canvas.setFillColor(white)
        canvas.setLineWidth(0.5)
        canvas.roundRect(x + 0.25, baseline - 0.24 * size - 0.9, token.width - 0.5, size * 1.005 + 1.8, 1.1,
                         stroke=1, fill=1)
        canvas.restoreState()
        draw_text(canvas, token.text, x + 1.2, baseline, size, font=font, color=token.color)
    elif token.kind == "label":
        size = token.size
        canvas.saveState()
        canvas.setFillColor(HEADER_FILL)
        canvas.roundRect(x, baseline - 0.24 * size - 0.9, token.width + 3.2, size * 1.005 + 1.8, 1.1,
                         stroke=0, fill=1)
        canvas.restoreState()
        draw_text(canvas, token.text, x + 1.6, baseline, size, font=font, color=token.color)
    else:
        draw_text(canvas, token.text, x, baseline, token.size, font=font, color=token.color)


def _draw_cell(canvas: Canvas, box: Box, day: int, pday: PrintedDay | None, *, weekend: bool,
               font: str) -> None:
    fill = None
    if day and pday is not None and pday.off:
        fill = OFF_FILL
    elif day and pday is None and weekend:
        fill = WEEKEND_FILL
    if fill is not None:
        canvas.saveState()
        canvas.setFillColor(fill)
        canvas.rect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0, stroke=0, fill=1)
        canvas.restoreState()
    if day == 0:
        return

    left, top = box.x0 + CELL_PAD, box.y1 - CELL_PAD
    right = box.x1 - CELL_PAD
    off = pday is not None and pday.off
    number_color = RED if off else (GREY if weekend and pday is None else INK)
    header_base = top - 0.765 * DAY_SIZE - 0.6
    draw_text(canvas, str(day), left, header_base, DAY_SIZE, font=font, color=number_color, bold=True)
    if pday is None:
        return

    layout = _layout_cell(pday, box)
    if pday.note and layout.note_in_header:
        draw_text(canvas, pday.note, right, header_base, layout.note_size, font=font,
                  color=RED if off else GREY, align="right")
    y = top - HEADER_H
    for line in layout.lines:
        if line.separator:
            gap = line.size * 0.45
            canvas.saveState()
            canvas.setStrokeColor(SEPARATOR)
            canvas.setLineWidth(0.4)
            canvas.setDash(1.2, 1.2)
            canvas.line(left, y - gap / 2, right, y - gap / 2)
            canvas.restoreState()
            y -= gap
        baseline = y - (line.height - line.size * 1.005) / 2 - 0.765 * line.size
        for x, token in line.items:
            _draw_token(canvas, token, left + x, baseline, font=font)
        y -= line.height


# ---------------------------------------------------------------------------------------------
# Month roster: pages


def write_month_roster_pdf(path: Path | str, *, station: str, plan: str, year: int, month: int,
                           days: Sequence[PrintedDay], counts: Sequence[tuple[str, int, int, int]] = (),
                           footer: str = "") -> int:
    """The month's duty roster as an A4 landscape calendar (Monday first), one cell per day.

    ``days`` are only the days with something to show (duty, holidays, closures); other days
    are empty cells, weekends light grey. ``counts`` (name, scheduled, attended, missed) adds
    the pages "值班次数统计". Returns the page count. Raises ``ValueError`` for a day outside
    the month or given twice.
    """
    if not 1 <= month <= 12:
        raise ValueError(tr("月份必须在 1 到 12 之间"))
    by_day: dict[int, PrintedDay] = {}
    for pday in days:
        if (pday.day.year, pday.day.month) != (year, month):
            raise ValueError(tr("{day} 不在 {year}年{month}月", day=pday.day.isoformat(), year=year, month=month))
        if pday.day.day in by_day:
            raise ValueError(tr("{day} 重复出现", day=pday.day.isoformat()))
        by_day[pday.day.day] = pday
    counts = list(counts)
    font = register_pdf_fonts()
    title = tr("{station} {year}年{month}月值班表", station=station, year=year, month=month).strip()
    per_page = _counts_per_page()
    pages = 1 + (math.ceil((len(counts) + 1) / per_page) if counts else 0)
    with atomic_path(Path(path)) as tmp:
        canvas = new_canvas(tmp, title, font, PAGE_SIZE)
        _draw_calendar_page(canvas, title=title, plan=plan, year=year, month=month, by_day=by_day,
                            font=font)
        _draw_footer(canvas, footer, 1, pages, font=font)
        canvas.showPage()
        if counts:
            rows = [(name, str(s), str(a), str(m), m > 0) for name, s, a, m in counts]
            rows.append((tr("合计"), str(sum(c[1] for c in counts)), str(sum(c[2] for c in counts)),
                         str(sum(c[3] for c in counts)), False))
            counts_title = tr("{station} {year}年{month}月值班次数统计", station=station, year=year,
                                  month=month).strip()
            for page in range(2, pages + 1):
                chunk = rows[(page - 2) * per_page:(page - 1) * per_page]
                _draw_counts_page(canvas, chunk, title=counts_title, plan=plan,
                                  has_total=page == pages, font=font)
                _draw_footer(canvas, footer, page, pages, font=font)
                canvas.showPage()
        canvas.save()
    return pages


def _draw_footer(canvas: Canvas, footer: str, page: int, pages: int, *, font: str) -> None:
    width, _ = PAGE_SIZE
    label_width = draw_text(canvas, page_label(page, pages), width - MARGIN_X, FOOTER_Y, 8, font=font, color=GREY,
                            align="right")
    if footer:
        line, size = fit_line(footer, width - 2 * MARGIN_X - label_width - 10 * mm, 8, 6.5, font)
        draw_text(canvas, line, MARGIN_X, FOOTER_Y, size, font=font, color=GREY)


def _draw_calendar_page(canvas: Canvas, *, title: str, plan: str, year: int, month: int,
                        by_day: dict[int, PrintedDay], font: str) -> None:
    width, height = PAGE_SIZE
    left, right = MARGIN_X, width - MARGIN_X
    _draw_heading(canvas, title, plan, top=height - MARGIN_TOP, left=left, right=right, font=font)
    weeks = _weeks(year, month)
    grid_top = _grid_top(PAGE_SIZE)
    col_w = (right - left) / 7

    # Weekday row: Monday first, the weekend in grey.
    canvas.saveState()
    canvas.setFillColor(HEADER_FILL)
    canvas.rect(left, grid_top, right - left, WEEKDAY_ROW_H, stroke=0, fill=1)
    canvas.restoreState()
    for col, name in enumerate(weekday(index) for index in range(7)):
        draw_text(canvas, name, left + (col + 0.5) * col_w, grid_top + WEEKDAY_ROW_H / 2 - 3.3, 9.5, font=font,
                  color=GREY if col >= 5 else INK, align="center", bold=True)

    for row, week in enumerate(weeks):
        for col, day in enumerate(week):
            box = _grid_box(row, col, len(weeks), PAGE_SIZE)
            _draw_cell(canvas, box, day, by_day.get(day), weekend=col >= 5, font=font)

    # Grid lines over the fills: thin inside, a firmer outer frame.
    bottom = _grid_box(len(weeks) - 1, 0, len(weeks), PAGE_SIZE).y0
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    for col in range(1, 7):
        canvas.line(left + col * col_w, bottom, left + col * col_w, grid_top + WEEKDAY_ROW_H)
    for row in range(len(weeks) + 1):
        y = _grid_box(row, 0, len(weeks), PAGE_SIZE).y1 if row < len(weeks) else bottom
        canvas.line(left, y, right, y)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.9)
    canvas.rect(left, bottom, right - left, grid_top + WEEKDAY_ROW_H - bottom, stroke=1, fill=0)
    canvas.restoreState()

    extra = sorted({person.mark for pday in by_day.values() for slot in pday.slots for person in slot.people
                    if person.mark and person.mark not in MARK_TAGS})
    _draw_legend(canvas, extra, left=left, right=right, font=font,
                 estimated=any(pday.estimated for pday in by_day.values()))


def _draw_legend(canvas: Canvas, extra_marks: list[str], *, left: float, right: float, font: str,
                 estimated: bool = False) -> None:
    size = 8
    x = left
    draw_text(canvas, tr("说明："), x, LEGEND_Y, size, font=font, color=GREY)
    x += text_width(tr("说明："), size, font)
    marks = [(AssignmentSource.SWAP, AssignmentSource.SWAP.label),
             (AssignmentSource.STAND_IN, AssignmentSource.STAND_IN.label),
             (AssignmentSource.MANUAL, tr("手工指派"))]
    marks += [(mark, mark) for mark in extra_marks]
    for mark, label in marks:
        tag, color = _mark_tag(mark)
        token = _Token(tag, round(size * 0.9, 2), color, 0, kind="tag")
        _draw_token(canvas, token, x, LEGEND_Y, font=font)
        x += token.width + 2
        draw_text(canvas, tr("＝{mark}", mark=label), x, LEGEND_Y, size, font=font, color=GREY)
        x += text_width(tr("＝{mark}", mark=label), size, font) + 4 * mm
    items = [
        (tr("缺 {count} 人", count="N"), RED, tr("＝{mark}", mark=tr("尚未排满的人数"))),
        (tr("小字"), GREY, tr("＝{mark}", mark=tr("窗口单位"))),
    ]
    for sample, color, text in items:
        sample_size = size if color == RED else size * 0.8
        draw_text(canvas, sample, x, LEGEND_Y, sample_size, font=font, color=color)
        x += text_width(sample, sample_size, font) + 1
        draw_text(canvas, text, x, LEGEND_Y, size, font=font, color=GREY)
        x += text_width(text, size, font) + 4 * mm
    # Swatch: grey days.
    canvas.saveState()
    canvas.setFillColor(OFF_FILL)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.rect(x, LEGEND_Y - 1.5, 5 * mm, size + 0.5, stroke=1, fill=1)
    canvas.restoreState()
    x += 5 * mm + 1.5
    text = tr("＝{mark}", mark=tr("休息日、节假日或闭站"))
    if x + text_width(text, size, font) <= right:
        draw_text(canvas, text, x, LEGEND_Y, size, font=font, color=GREY)
        x += text_width(text, size, font) + 4 * mm
    if estimated:  # the days off of a year without the State Council's notice: say what they rest on
        mark = HolidayBasis.ESTIMATED.label
        x += draw_text(canvas, mark, x, LEGEND_Y, size, font=font, color=RED)
        line, line_size = fit_line(tr("＝{mark}", mark=tr("国务院尚未公布当年放假安排，按放假办法和农历推算，不含调休上班")),
                                   right - x, size, 6, font)
        draw_text(canvas, line, x, LEGEND_Y, line_size, font=font, color=GREY)


# ---------------------------------------------------------------------------------------------
# Month roster: the count pages ("值班次数统计")

COUNT_BLOCKS = 4
COUNT_GUTTER = 6 * mm
COUNT_ROW_H = 13.5
COUNT_HEAD_H = 16.0
COUNT_NUM_W = 10 * mm
COUNT_TOP_GAP = 5 * mm  # between the heading rule and the table
COUNT_BOTTOM = 14 * mm
COUNT_TWO_LINE_SIZE = 6.0  # a long name's two lines in one row


def _counts_table_top() -> float:
    return PAGE_SIZE[1] - MARGIN_TOP - HEADING_HEIGHT - COUNT_TOP_GAP


def _counts_rows_per_block() -> int:
    return int((_counts_table_top() - COUNT_BOTTOM - COUNT_HEAD_H) // COUNT_ROW_H)


def _counts_per_page() -> int:
    return COUNT_BLOCKS * _counts_rows_per_block()


def _count_name_lines(name: str, width: float, font: str) -> tuple[list[str], float]:
    """A name in the counts' name column: one line, shrinking from 9 pt to 6.5 pt; a longer one (a name
    told apart from its namesakes: 张建华（西岭乡代表团，尾号0985）) on two lines of 6 pt, so what
    separates it is never cut off; only what is longer still ends in "…"."""
    size = fit_font_size(name, width, 9, 6.5, font)
    if text_width(name, size, font) <= width + 0.01:
        return [name], size
    lines = wrap_text(name, COUNT_TWO_LINE_SIZE, width, font)
    if len(lines) > 2:
        lines = [lines[0], clip_line("".join(lines[1:]), COUNT_TWO_LINE_SIZE, width, font)]
    return lines, COUNT_TWO_LINE_SIZE


def _draw_counts_page(canvas: Canvas, rows: list[tuple[str, str, str, str, bool]], *, title: str, plan: str,
                      has_total: bool, font: str) -> None:
    width, height = PAGE_SIZE
    left, right = MARGIN_X, width - MARGIN_X
    _draw_heading(canvas, title, plan, top=height - MARGIN_TOP, left=left, right=right, font=font)
    per_block = _counts_rows_per_block()
    block_w = (right - left - (COUNT_BLOCKS - 1) * COUNT_GUTTER) / COUNT_BLOCKS
    name_w = block_w - 3 * COUNT_NUM_W
    top = _counts_table_top()
    headers = [tr("姓名"), tr("排班"), Attendance.PRESENT.label, Attendance.ABSENT.label]
    for block in range(COUNT_BLOCKS):
        chunk = rows[block * per_block:(block + 1) * per_block]
        if not chunk:
            break
        x0 = left + block * (block_w + COUNT_GUTTER)
        col_x = [x0, x0 + name_w, x0 + name_w + COUNT_NUM_W, x0 + name_w + 2 * COUNT_NUM_W, x0 + block_w]
        bottom = top - COUNT_HEAD_H - len(chunk) * COUNT_ROW_H
        canvas.saveState()
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(x0, top - COUNT_HEAD_H, block_w, COUNT_HEAD_H, stroke=0, fill=1)
        canvas.restoreState()
        for i, header in enumerate(headers):
            draw_text(canvas, header, (col_x[i] + col_x[i + 1]) / 2, top - COUNT_HEAD_H / 2 - 3.2, 9, font=font,
                      align="center", bold=True)
        last_is_total = has_total and block * per_block + len(chunk) == len(rows)
        for r, (name, scheduled, attended, missed, warn) in enumerate(chunk):
            row_top = top - COUNT_HEAD_H - r * COUNT_ROW_H
            baseline = row_top - COUNT_ROW_H / 2 - 3.1
            total = last_is_total and r == len(chunk) - 1
            if total:
                canvas.saveState()
                canvas.setFillColor(HEADER_FILL)
                canvas.rect(x0, row_top - COUNT_ROW_H, block_w, COUNT_ROW_H, stroke=0, fill=1)
                canvas.restoreState()
            lines, size = _count_name_lines(name, name_w - 6, font)
            step = size * 1.08
            for i, line in enumerate(lines):
                draw_text(canvas, line, x0 + 3, baseline + (len(lines) - 1) / 2 * step - i * step, size, font=font,
                          bold=total)
            for i, value in enumerate((scheduled, attended, missed)):
                color = RED if i == 2 and warn else INK
                draw_text(canvas, value, (col_x[i + 1] + col_x[i + 2]) / 2, baseline, 9, font=font, color=color,
                          align="center", bold=total)
        canvas.saveState()
        canvas.setStrokeColor(BORDER)
        canvas.setLineWidth(0.4)
        for r in range(1, len(chunk)):
            y = top - COUNT_HEAD_H - r * COUNT_ROW_H
            canvas.line(x0, y, x0 + block_w, y)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        for x in col_x[1:-1]:
            canvas.line(x, bottom, x, top)
        canvas.line(x0, top - COUNT_HEAD_H, x0 + block_w, top - COUNT_HEAD_H)
        if last_is_total:
            y = top - COUNT_HEAD_H - (len(chunk) - 1) * COUNT_ROW_H
            canvas.line(x0, y, x0 + block_w, y)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.8)
        canvas.rect(x0, bottom, block_w, top - bottom, stroke=1, fill=0)
        canvas.restoreState()


# ---------------------------------------------------------------------------------------------
# Empty posts (空岗情况), A4 portrait, platypus

EP_MARGIN_X = 18 * mm
EP_MARGIN_TOP = 14 * mm
EP_MARGIN_BOTTOM = 18 * mm
STATUS_ORDER = {Attendance.ABSENT: 0, Attendance.LEAVE: 1}


class _Heading(Flowable):
    """The red title and its double rule (no subtitle), as a flowable."""

    def __init__(self, title: str, font: str) -> None:
        super().__init__()
        self.title, self.font = title, font

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, _heading_height(with_subtitle=False)
        return self.width, self.height

    def draw(self) -> None:
        _draw_heading(self.canv, self.title, None, top=self.height, left=0, right=self.width, font=self.font)


def write_empty_posts_pdf(path: Path | str, *, station: str, year: int, month: int, posts: Sequence[EmptyPost],
                          by_person: Sequence[tuple[str, str, int]], by_unit: Sequence[tuple[str, int]]) -> int:
    """The month's empty posts (空岗): a summary line, counts by person (姓名, 单位, 空岗次数) and by
    window unit (单位, 空岗次数), then every empty post (日期, 时段, 姓名, 单位, 情况, 备注), the
    header row repeated on each page. With no posts the page says "本月无空岗". Returns the page
    count."""
    font = register_pdf_fonts()
    title = tr("{station} {year}年{month}月空岗情况", station=station, year=year, month=month).strip()
    posts, by_person, by_unit = list(posts), list(by_person), list(by_unit)
    styles = _styles(font)
    story: list[Flowable] = [SectionStart(title), _Heading(title, font), Spacer(1, 4 * mm)]
    if not posts:
        story.append(_NoPosts(tr("本月无空岗"), font))
    else:
        statuses = Counter(post.status for post in posts)
        order = sorted(statuses, key=lambda status: (STATUS_ORDER.get(status, len(STATUS_ORDER)), status))
        parts = [tr("{status} {count} 人次", status=escape(status), count=statuses[status]) for status in order]
        total = f'<font color="{RED_HEX}">{len(posts)}</font>'
        story.append(Paragraph(tr("本月共有空岗 {count} 人次（{parts}）。", count=total, parts=tr("，").join(parts)),
                               styles["summary"]))
        story += _section(tr("一、按人员统计"), [tr("姓名"), tr("单位"), tr("空岗次数")],
                          [[name, unit, str(count)] for name, unit, count in by_person],
                          [35 * mm, None, 22 * mm], centred={2}, styles=styles)
        story += _section(tr("二、按窗口单位统计"), [tr("单位"), tr("空岗次数")],
                          [[unit, str(count)] for unit, count in by_unit],
                          [None, 22 * mm], centred={1}, styles=styles)
        story += _section(tr("三、空岗明细"), [tr("日期"), tr("时段"), tr("姓名"), tr("单位"), tr("情况"), tr("备注")],
                          [[month_day_weekday(p.day), p.slot, p.person, p.unit, p.status, p.note] for p in posts],
                          [28 * mm, 12 * mm, 35 * mm, 40 * mm, 13 * mm, None], centred={1, 4}, styles=styles,
                          red={4: {Attendance.ABSENT}})

    with atomic_path(Path(path)) as tmp:
        document = SimpleDocTemplate(
            str(tmp), pagesize=A4, leftMargin=EP_MARGIN_X, rightMargin=EP_MARGIN_X, topMargin=EP_MARGIN_TOP,
            bottomMargin=EP_MARGIN_BOTTOM, **document_info(title, font))
        continued = ContinuedHeading(left=EP_MARGIN_X, right=A4[0] - EP_MARGIN_X,
                                     y=A4[1] - EP_MARGIN_TOP + 3 * mm, size=8)
        return build_numbered(document, story, font=font, continued=continued)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=11.5, textColor=INK, wordWrap="CJK")
    return {
        "cell": base,
        "centre": ParagraphStyle("centre", parent=base, alignment=1),
        "head": ParagraphStyle("head", parent=base, alignment=1, fontSize=9.5),
        "summary": ParagraphStyle("summary", parent=base, fontSize=10.5, leading=15, spaceAfter=2 * mm),
        "section": ParagraphStyle("section", parent=base, fontSize=12, leading=16, spaceBefore=5 * mm,
                                  spaceAfter=2 * mm),
        "none": ParagraphStyle("none", parent=base, textColor=GREY),
    }


def _section(heading: str, headers: list[str], rows: list[list[str]], widths: list[float | None], *,
             centred: set[int], styles: dict[str, ParagraphStyle],
             red: dict[int, set[str]] | None = None) -> list[Flowable]:
    title = Paragraph(escape(heading), styles["section"])
    if not rows:
        return [KeepTogether([title, Paragraph(escape(tr("无")), styles["none"])])]
    # A new page rather than a heading (and header row) stranded at the foot of one.
    start = CondPageBreak(38 * mm)
    content_w = A4[0] - 2 * EP_MARGIN_X
    fixed = sum(w for w in widths if w is not None)
    col_widths = [w if w is not None else content_w - fixed for w in widths]
    red = red or {}

    def cell(text: str, col: int) -> Paragraph:
        markup = escape(text)
        if text in red.get(col, ()):
            markup = f'<font color="{RED_HEX}">{markup}</font>'
        return Paragraph(markup, styles["centre"] if col in centred else styles["cell"])

    data = [[Paragraph(escape(h), styles["head"]) for h in headers]]
    data += [[cell(text, col) for col, text in enumerate(row)] for row in rows]
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), styles["cell"].fontName, 9),  # never the default Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BOX", (0, 0), (-1, -1), 0.9, INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    return [start, title, table]


class _NoPosts(Flowable):
    """"本月无空岗" in a light frame, clear at a glance."""

    def __init__(self, text: str, font: str) -> None:
        super().__init__()
        self.text, self.font = text, font

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 24 * mm

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(BORDER)
        canvas.setFillColor(HexColor("#f7f7f7"))
        canvas.roundRect(0, 0, self.width, 20 * mm, 2 * mm, stroke=1, fill=1)
        canvas.restoreState()
        draw_text(canvas, self.text, self.width / 2, 10 * mm - 5, 15, font=self.font, color=INK, align="center",
                  bold=True)
