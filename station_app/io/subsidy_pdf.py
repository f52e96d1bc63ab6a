"""误工补贴 on paper: the month's sign-off sheet (签领表) and its meals sheet (值班用餐统计).

Files only: the caller gives a :class:`~station_app.services.subsidy.Batch` (plain dataclasses, no
database) and gets an A4 portrait PDF with the bundled CJK font embedded, written atomically.

* :func:`write_signoff_sheet` -- one row per line of the batch (序号, 姓名, 代表团, 值班日期, 天数,
  标准, 金额, 签名, 备注). The dates wrap inside their cell; the 签名 cell is left blank and tall
  enough to sign by hand. The header row is repeated on every page, the pages are numbered, and the
  total (in figures and in Chinese capitals) with the 经办人 / 审核人 / 日期 lines closes the last
  page only. A draft says so on every page: it is not a voucher to pay against.
* :func:`write_meals_sheet` -- the breakfasts and lunches served, one row per duty day, with their
  totals and the same sign lines.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer, Table, TableStyle

from station_app.i18n import tr
from station_app.io.files import atomic_path
from station_app.io.pdf import (
    BORDER,
    GREY,
    INK,
    RED,
    ContinuedHeading,
    SectionStart,
    build_numbered,
    chinese_date,
    document_info,
    draw_double_rule,
    draw_text,
    fit_font_size,
    fit_line,
    month_day_weekday,
    register_pdf_fonts,
    text_width,
    wrap_text,
)
from station_app.services import money
from station_app.services.subsidy import Batch, Line
from station_app.vocab import BatchState, Meal, SubsidyLineKind

PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 16 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X

CELL_SIZE = 9.0
CELL_LEADING = 11.5
SMALL_SIZE = 8.0  # 备注 and 标准, which are long or narrow
SMALL_LEADING = 10.0
PAD_X, PAD_Y = 3.0, 3.0
SIGN_ROW_H = 10 * mm  # every person's row: room to sign by hand (at least 9 mm)

#: the sign-off sheet's columns: header (as :func:`signoff_headers` words it), width, alignment
SIGNOFF_COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("序号", 9 * mm, "center"),
    ("姓名", 16 * mm, "center"),
    ("代表团", 25 * mm, "left"),
    ("值班日期", 38 * mm, "left"),
    ("天数", 10 * mm, "center"),
    ("标准", 15 * mm, "center"),
    ("金额", 20 * mm, "right"),
    ("签名", 22 * mm, "center"),
    ("备注", CONTENT_W - 155 * mm, "left"),
)
MEALS_WIDTHS = (14 * mm, 50 * mm, 32 * mm, 32 * mm, CONTENT_W - 128 * mm)

HEADER_FILL = HexColor("#ececec")
TOTAL_FILL = HexColor("#f5f5f5")
CORRECTION_FILL = HexColor("#fff6e0")  # a correction line stands out from the month's own lines
RULE = HexColor("#8c8c8c")
DRAFT_INK = RED
WATERMARK = HexColor("#f6dede")


# ---------------------------------------------------------------------------------------------
# Words


def sheet_station(batch: Batch, county: str = "") -> str:
    """The station as the title names it: "东河县人大代表监督站" (the county put before a station
    name that does not already start with it)."""
    station, county = batch.station_name.strip(), (county or "").strip()
    return station if not county or station.startswith(county) else county + station


def signoff_title(batch: Batch, county: str = "") -> str:
    """"东河县人大代表监督站 2026年11月误工补贴签领表"."""
    return tr("{station} {month}误工补贴签领表", station=sheet_station(batch, county), month=batch.month.label).strip()


def meals_title(batch: Batch, county: str = "") -> str:
    """"东河县人大代表监督站 2026年11月值班用餐统计"."""
    return tr("{station} {month}值班用餐统计", station=sheet_station(batch, county), month=batch.month.label).strip()


def signoff_headers() -> list[str]:
    """The sign-off sheet's column headers, in the PDF and the workbook alike."""
    return [tr("序号"), tr("姓名"), tr("代表团"), tr("值班日期"), tr("天数"), tr("标准"), tr("金额"), tr("签名"), tr("备注")]


def draft_mark() -> str:
    """What every page of a draft says."""
    return tr("草稿（未确认，不作发放凭据）")


def number_text(value: Decimal) -> str:
    """A count of days as printed: "4", "3.5", "-1" (no trailing zeros)."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def rates_text(batch: Batch) -> str:
    """The month's rates: "100.00 元/天", "100.00 / 120.00 元/天"; "半天减半" where a half day was paid half."""
    rates = sorted({d.rate for line in batch.lines for d in line.days})
    if not rates:
        return ""
    text = tr("{rates} 元/天", rates=" / ".join(money.format_yuan(r) for r in rates))
    if any(d.share.copy_abs() == Decimal("0.5") for line in batch.lines for d in line.days):
        text += tr("（半天减半）")
    return text


def summary_text(batch: Batch) -> str:
    """The line under the title: "标准：100.00 元/天　人数：15 人　天数：62 天"."""
    parts = []
    if rates_text(batch):
        parts.append(tr("标准：{rates}", rates=rates_text(batch)))
    parts.append(tr("人数：{count} 人", count=batch.people))
    parts.append(tr("天数：{days} 天", days=number_text(batch.day_total)))
    return "　".join(parts)


def _local_date(at: dt.datetime | None) -> dt.date | None:
    """A stored (naive UTC) moment as the local day."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().date()


def state_text(batch: Batch) -> str:
    """Where the batch stands: "状态：草稿", "状态：已确认（刘站长确认于2026年12月2日）",
    "状态：已发放（刘站长确认于2026年12月2日，2026年12月5日发放）"."""
    if batch.state == BatchState.DRAFT:
        return tr("状态：{state}", state=BatchState.DRAFT.label)
    confirmed = tr("{by}确认于{day}", by=batch.confirmed_by, day=chinese_date(_local_date(batch.confirmed_at)))
    if batch.state == BatchState.PAID:
        return tr("状态：{state}（{confirmed}，{day}发放）", state=BatchState.PAID.label, confirmed=confirmed,
                  day=chinese_date(batch.paid_on))
    return tr("状态：{state}（{confirmed}）", state=BatchState.CONFIRMED.label, confirmed=confirmed)


def total_figures(amount: Decimal) -> str:
    """"￥13,200.00"."""
    return "￥" + money.format_yuan(amount)


def total_capitals(amount: Decimal) -> str:
    """"人民币（大写）壹万叁仟贰佰元整"."""
    return tr("人民币（大写）{capitals}", capitals=money.capitals(amount))


# ---------------------------------------------------------------------------------------------
# Flowables


class _Cell(Flowable):
    """Text wrapped to its cell's width (never clipped: the row grows), drawn with the bundled font.

    ``shrink`` first tries smaller sizes, down to that one, to keep the text on one line (a long
    delegation, a six-figure amount); ``keep`` breaks only after that character, so "11月18日" is
    never split between its digits and 日."""

    def __init__(self, text: str, font: str, *, size: float = CELL_SIZE, leading: float = CELL_LEADING,
                 align: str = "left", color: Color = INK, bold: bool = False, shrink: float | None = None,
                 keep: str = "") -> None:
        super().__init__()
        self.text, self.font, self.size, self.leading = text or "", font, size, leading
        self.align, self.color, self.bold, self.shrink, self.keep = align, color, bold, shrink, keep
        self.lines: list[str] = []
        self.drawn_size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.drawn_size = self.size
        if self.shrink is not None and "\n" not in self.text:
            self.drawn_size = fit_font_size(self.text, avail_width, self.size, self.shrink, self.font)
            if text_width(self.text, self.drawn_size, self.font) > avail_width:
                self.drawn_size = self.size  # too long even small: wrap at the normal size
        self.lines = _wrap(self.text, self.drawn_size, avail_width, self.font, self.keep) if self.text else []
        self.height = max(1, len(self.lines)) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        x = {"left": 0.0, "center": self.width / 2, "right": self.width}[self.align]
        baseline = self.height - self.leading + (self.leading - self.drawn_size) / 2 + self.drawn_size * 0.12
        for line in self.lines:
            draw_text(self.canv, line, x, baseline, self.drawn_size, font=self.font, color=self.color,
                      align=self.align, bold=self.bold)
            baseline -= self.leading


class _Stack(Flowable):
    """Cells one under the other in one table cell."""

    def __init__(self, cells: Sequence[_Cell]) -> None:
        super().__init__()
        self.cells = list(cells)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = sum(cell.wrap(avail_width, avail_height)[1] for cell in self.cells)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for cell in self.cells:
            y -= cell.height
            cell.drawOn(self.canv, 0, y)


def _name_cell(name: str, font: str) -> Flowable:
    """A name; what tells namesakes apart ("张建华（西岭乡代表团，尾号0985）") in small grey type under it."""
    bare, sep, rest = name.partition("（")
    if not sep or not bare:
        return _Cell(name, font, align="center", shrink=7.5)
    return _Stack([_Cell(bare, font, align="center", shrink=7.5),
                   _Cell(sep + rest, font, size=6.5, leading=8, align="center", color=GREY)])


def _wrap(text: str, size: float, width: float, font: str, keep: str = "") -> list[str]:
    """:func:`wrap_text`, or with ``keep`` (a separator such as "、") lines that break only after it; an item
    wider than the line on its own is wrapped by :func:`wrap_text`."""
    if not keep:
        return wrap_text(text, size, width, font)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        items = [item + keep for item in paragraph.split(keep)]
        items[-1] = items[-1][:-len(keep)]
        line = ""
        for item in items:
            if text_width(line + item.rstrip(keep), size, font) <= width:
                line += item
                continue
            if line:
                lines.append(line)
            pieces = wrap_text(item, size, width, font) if text_width(item.rstrip(keep), size, font) > width else [item]
            lines += pieces[:-1]
            line = pieces[-1]
        lines.append(line)
    return lines


class _Heading(Flowable):
    """The red title, its double rule, and under it the month's facts (left) and the batch's state (right;
    on a line of its own when the two do not fit side by side)."""

    SIZE = 9.5
    ROW = 5.5 * mm

    def __init__(self, title: str, left: str, right: str, font: str, *, right_color: Color = GREY) -> None:
        super().__init__()
        self.title, self.left, self.right, self.font, self.right_color = title, left, right, font, right_color

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        both = text_width(self.left, self.SIZE, self.font) + text_width(self.right, self.SIZE, self.font) + 8 * mm
        self.rows = 1 if both <= avail_width or not (self.left and self.right) else 2
        self.height = 15 + 7.5 * mm + self.rows * self.ROW
        return self.width, self.height

    def draw(self) -> None:
        canvas, font, width = self.canv, self.font, self.width
        line, size = fit_line(self.title, width, 17, 12, font)
        top = self.height
        draw_text(canvas, line, width / 2, top - 15, size, font=font, color=RED, align="center", bold=True)
        rule_y = top - 15 - 5 * mm
        draw_double_rule(canvas, 0, width, rule_y)
        baseline = rule_y - 1.4 * mm - 5.5 * mm
        if self.left:
            left_line, left_size = fit_line(self.left, width, self.SIZE, 7.5, font)
            draw_text(canvas, left_line, 0, baseline, left_size, font=font, color=INK)
        if self.right:
            baseline -= (self.rows - 1) * self.ROW
            right_line, right_size = fit_line(self.right, width, self.SIZE, 7.5, font)
            draw_text(canvas, right_line, width, baseline, right_size, font=font, color=self.right_color, align="right")


class _Nothing(Flowable):
    """"本月没有应发的误工补贴" in a light frame, clear at a glance."""

    def __init__(self, text: str, hint: str, font: str) -> None:
        super().__init__()
        self.text, self.hint, self.font = text, hint, font

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 30 * mm

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(BORDER)
        canvas.setFillColor(HexColor("#f7f7f7"))
        canvas.roundRect(0, 0, self.width, 28 * mm, 2 * mm, stroke=1, fill=1)
        canvas.restoreState()
        draw_text(canvas, self.text, self.width / 2, 16 * mm, 15, font=self.font, color=INK, align="center", bold=True)
        if self.hint:
            line, size = fit_line(self.hint, self.width - 10 * mm, 9.5, 7, self.font)
            draw_text(canvas, line, self.width / 2, 8 * mm, size, font=self.font, color=GREY, align="center")


class _SignLines(Flowable):
    """The lines to sign under the total: 经办人, 审核人 and 日期 on one row; under them, once paid, the
    发放日期 and 发放人 the batch records."""

    ROW = 10 * mm
    LINE_W = 30 * mm

    def __init__(self, font: str, paid: tuple[str, str] | None = None, size: float = 10.5) -> None:
        super().__init__()
        self.font, self.paid, self.size = font, paid, size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.ROW * (2 if self.paid else 1) + 2 * mm
        return self.width, self.height

    def _row(self, y: float, items: Sequence[tuple[str, str, float]]) -> None:
        """Label then a line (with the value on it, if any), items spread over the width."""
        canvas, font, size = self.canv, self.font, self.size
        step = self.width / len(items)
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        for index, (label, value, line_w) in enumerate(items):
            x = index * step
            x += draw_text(canvas, label, x, y, size, font=font)
            line_w = min(line_w, step - (x - index * step) - 4 * mm)
            canvas.line(x + 1, y - 2.5, x + 1 + line_w, y - 2.5)
            if value:
                text, text_size = fit_line(value, line_w - 2, size, 7, font)
                draw_text(canvas, text, x + 1 + line_w / 2, y, text_size, font=font, align="center")
        canvas.restoreState()

    def draw(self) -> None:
        y = self.height - self.ROW + 2 * mm
        self._row(y, [(tr("经办人："), "", self.LINE_W), (tr("审核人："), "", self.LINE_W),
                      (tr("日期："), "", self.LINE_W + 6 * mm)])
        if self.paid:
            self._row(y - self.ROW, [(tr("发放日期："), self.paid[0], self.LINE_W + 6 * mm),
                                     (tr("发放人："), self.paid[1], self.LINE_W)])


# ---------------------------------------------------------------------------------------------
# The sign-off sheet


def _line_row(line: Line, font: str) -> list[Flowable]:
    correction = line.kind == SubsidyLineKind.CORRECTION
    small = {"size": SMALL_SIZE, "leading": SMALL_LEADING}
    return [
        _Cell(str(line.seq), font, align="center"),
        _name_cell(line.name, font),
        _Cell(line.delegation, font, shrink=7.5),
        _Cell(line.dates_text, font, keep="、"),
        _Cell(number_text(line.day_count), font, align="center"),
        _Cell(line.rate_text.replace("/", "/\n"), font, align="center", shrink=7),
        _Cell(money.format_yuan(line.amount), font, align="right", color=RED if line.amount < 0 else INK, shrink=6.5),
        Spacer(1, SIGN_ROW_H - 2 * PAD_Y),
        _Cell(line.remark, font, color=RED if correction or line.adjusted else INK, **small),
    ]


def _signoff_table(batch: Batch, font: str) -> Table:
    header = [_Cell(text, font, align="center", bold=True) for text in signoff_headers()]
    data: list[list] = [header]
    data += [_line_row(line, font) for line in batch.lines]
    n = len(data)  # the first row after the lines
    data.append([_Cell(tr("合计"), font, align="center", bold=True), "", "",
                 _Cell(tr("{count} 人", count=batch.people), font, align="left"),
                 _Cell(number_text(batch.day_total), font, align="center", bold=True), "",
                 _Cell(total_figures(batch.total), font, align="right", bold=True, shrink=6.5), "", ""])
    data.append([_Cell(total_capitals(batch.total), font, size=10.5, leading=14, bold=True), *[""] * 8])
    paid = (chinese_date(batch.paid_on), batch.paid_by) if batch.state == BatchState.PAID else None
    data.append([_SignLines(font, paid), *[""] * 8])
    style = [
        ("FONT", (0, 0), (-1, -1), font, CELL_SIZE),  # never the default Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, n + 1), 0.5, RULE),
        ("BOX", (0, 0), (-1, n + 1), 0.9, INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, INK),
        ("LINEABOVE", (0, n), (-1, n), 0.9, INK),
        ("BACKGROUND", (0, n), (-1, n + 1), TOTAL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("SPAN", (0, n), (2, n)),
        ("SPAN", (0, n + 1), (-1, n + 1)),
        ("TOPPADDING", (0, n + 1), (-1, n + 1), 2.5 * mm),
        ("BOTTOMPADDING", (0, n + 1), (-1, n + 1), 2.5 * mm),
        ("LEFTPADDING", (0, n + 1), (-1, n + 1), 3 * mm),
        # the sign lines: an unruled last row
        ("SPAN", (0, n + 2), (-1, n + 2)),
        ("LEFTPADDING", (0, n + 2), (-1, n + 2), 0),
        ("RIGHTPADDING", (0, n + 2), (-1, n + 2), 0),
        ("TOPPADDING", (0, n + 2), (-1, n + 2), 6 * mm),
        ("BOTTOMPADDING", (0, n + 2), (-1, n + 2), 0),
        # the total never stands alone on a page: it keeps the last line and the sign lines with it
        ("NOSPLIT", (0, n - 1), (-1, n + 2)),
    ]
    for row, line in enumerate(batch.lines, start=1):
        if line.kind == SubsidyLineKind.CORRECTION:
            style.append(("BACKGROUND", (0, row), (-1, row), CORRECTION_FILL))
    table = Table(data, colWidths=[w for _t, w, _a in SIGNOFF_COLUMNS], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def write_signoff_sheet(path: Path | str, batch: Batch, *, county: str = "") -> int:
    """The month's 误工补贴签领表 as an A4 PDF at ``path``; returns the page count."""
    font = register_pdf_fonts()
    title = signoff_title(batch, county)
    draft = batch.state == BatchState.DRAFT
    story: list[Flowable] = [SectionStart(title),
                             _Heading(title, summary_text(batch) if batch.lines else "", state_text(batch), font,
                                      right_color=DRAFT_INK if draft else GREY),
                             Spacer(1, 3 * mm)]
    if batch.lines:
        story.append(_signoff_table(batch, font))
    else:
        story.append(_Nothing(tr("本月没有应发的误工补贴"),
                              tr("{month}没有无固定收入的代表出勤值班，无需签领", month=batch.month.label), font))
    return _build(path, story, title, font, draft=draft)


# ---------------------------------------------------------------------------------------------
# The meals sheet


def meals_summary(batch: Batch) -> str:
    """"值班 12 天　早餐 30 份　午餐 46 份"."""
    return tr("值班 {days} 天　{breakfast} {b} 份　{lunch} {l} 份", days=len(batch.meals),
              breakfast=Meal.BREAKFAST.label, b=batch.breakfasts, lunch=Meal.LUNCH.label, l=batch.lunches)


def _meals_table(batch: Batch, font: str) -> Table:
    headers = [tr("序号"), tr("日期"), tr("{meal}（份）", meal=Meal.BREAKFAST.label),
               tr("{meal}（份）", meal=Meal.LUNCH.label), tr("备注")]
    data: list[list] = [[_Cell(text, font, align="center", bold=True) for text in headers]]
    for index, meal in enumerate(batch.meals, start=1):
        data.append([_Cell(str(index), font, align="center"), _Cell(month_day_weekday(meal.day), font, align="center"),
                     _Cell(str(meal.breakfast), font, align="center"), _Cell(str(meal.lunch), font, align="center"),
                     ""])
    n = len(data)
    data.append([_Cell(tr("合计"), font, align="center", bold=True),
                 _Cell(tr("{days} 天", days=len(batch.meals)), font, align="center"),
                 _Cell(str(batch.breakfasts), font, align="center", bold=True),
                 _Cell(str(batch.lunches), font, align="center", bold=True), ""])
    data.append([_SignLines(font), *[""] * 4])
    table = Table(data, colWidths=list(MEALS_WIDTHS), repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, CELL_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, n), 0.5, RULE),
        ("BOX", (0, 0), (-1, n), 0.9, INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, INK),
        ("LINEABOVE", (0, n), (-1, n), 0.9, INK),
        ("BACKGROUND", (0, n), (-1, n), TOTAL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("SPAN", (0, n + 1), (-1, n + 1)),
        ("LEFTPADDING", (0, n + 1), (-1, n + 1), 0),
        ("RIGHTPADDING", (0, n + 1), (-1, n + 1), 0),
        ("TOPPADDING", (0, n + 1), (-1, n + 1), 6 * mm),
        ("BOTTOMPADDING", (0, n + 1), (-1, n + 1), 0),
        ("NOSPLIT", (0, n - 1), (-1, n + 1)),
    ]))
    return table


def write_meals_sheet(path: Path | str, batch: Batch, *, county: str = "") -> int:
    """The month's 值班用餐统计 as an A4 PDF at ``path``: breakfasts and lunches per duty day; returns the
    page count."""
    font = register_pdf_fonts()
    title = meals_title(batch, county)
    draft = batch.state == BatchState.DRAFT
    story: list[Flowable] = [SectionStart(title),
                             _Heading(title, meals_summary(batch) if batch.meals else "", state_text(batch), font,
                                      right_color=DRAFT_INK if draft else GREY),
                             Spacer(1, 3 * mm)]
    if batch.meals:
        story.append(_meals_table(batch, font))
    else:
        story.append(_Nothing(tr("本月没有值班用餐"), tr("{month}没有代表出勤值班", month=batch.month.label), font))
    return _build(path, story, title, font, draft=draft)


# ---------------------------------------------------------------------------------------------
# Building


def _draw_draft_mark(canvas: Canvas, font: str) -> None:
    """On every page of a draft: a light "草稿" across the page, under everything, and the red stamp
    "草稿（未确认，不作发放凭据）" in the top margin at the right."""
    canvas.saveState()
    canvas.setFillColor(WATERMARK)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(35)
    word = BatchState.DRAFT.label
    canvas.setFont(font, 110)
    canvas.drawCentredString(0, -40, word)
    canvas.restoreState()
    text = draft_mark()
    size = 9.5
    width = text_width(text, size, font)
    right = PAGE_W - MARGIN_X
    y = PAGE_H - MARGIN_TOP + 4 * mm
    canvas.saveState()
    canvas.setStrokeColor(DRAFT_INK)
    canvas.setLineWidth(0.9)
    canvas.rect(right - width - 4 * mm, y - 2.2 * mm, width + 4 * mm, size + 2.2 * mm + 1.2, stroke=1, fill=0)
    canvas.restoreState()
    draw_text(canvas, text, right - 2 * mm, y, size, font=font, color=DRAFT_INK, align="right", bold=True)


def _build(path: Path | str, story: list[Flowable], title: str, font: str, *, draft: bool) -> int:
    def on_page(canvas: Canvas, _document: BaseDocTemplate) -> None:
        if draft:
            _draw_draft_mark(canvas, font)

    with atomic_path(Path(path)) as tmp:
        document = BaseDocTemplate(
            str(tmp), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, **document_info(title, font))
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        document.addPageTemplates([PageTemplate(id="sheet", frames=[frame], onPage=on_page)])
        # later pages say "{title}（续）" at the top left; a draft's stamp takes the right of that line
        right = PAGE_W - MARGIN_X - (text_width(draft_mark(), 9.5, font) + 8 * mm if draft else 0)
        continued = ContinuedHeading(left=MARGIN_X, right=right, y=PAGE_H - MARGIN_TOP + 4 * mm, size=9)
        return build_numbered(document, story, font=font, continued=continued)
