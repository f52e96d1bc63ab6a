"""The printed forms of the closed loop (三单闭环) and the reminder to a unit (催办通知).

Files only: the caller gives plain records and gets an A4 portrait PDF with the bundled CJK font
embedded, written atomically. No database, no business rules.

* :func:`write_forms` -- for each referral, each requested form of :data:`FORMS`:
  交办单 (接待群众反映问题交办单, to the unit), 反馈单 (接待群众反映问题办理情况反馈单, the unit's
  reply) and 回访单 (交办问题回访记录单, the station's call back to the citizen).
* :func:`write_blank_form` -- one empty form, to be filled in by hand.
* :func:`write_reminder` -- 关于督促办理人大代表监督站交办事项的通知, listing a unit's overdue referrals.

A form is laid out like a government form: the station's name in red over a red double rule,
the form's title, the number (东监交〔2026〕12号) on the right, then every field in a ruled table
(labels on light grey, values wrapping inside their cells, room to write in the long ones),
ticked boxes for choices, and a signature and seal area. A form that outgrows a page goes on
to the next one with its first table row repeated, "（续）" and the number at the top; each
form counts its own pages ("第 1 页 / 共 2 页").
"""
from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from station_app.i18n import tr
from station_app.io.files import atomic_path
from station_app.io.pdf import (
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
    register_pdf_fonts,
    text_width,
    wrap_text,
)
from station_app.vocab import FollowUpMethod, ReferralForm, Satisfaction

FORMS: tuple[ReferralForm, ...] = tuple(ReferralForm)
"""The forms of the closed loop, in the order they are printed for a referral."""

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 17 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
LABEL_W = 26 * mm  # the grey label columns
VALUE_W = (CONTENT_W - 2 * LABEL_W) / 2
WIDE_W = CONTENT_W - LABEL_W  # a value spanning the rest of the row

LABEL_FILL = HexColor("#ededed")
RULE = INK
RULE_W, BOX_W = 0.6, 1.2
VALUE_SIZE, LEADING = 10.5, 15.0
LETTER_SIZE, LETTER_LEADING = 12.0, 22.0  # the reminder's text
PAD_X, PAD_TOP, PAD_BOTTOM = 5.0, 4.0, 5.0
CELL_MIN = 9.5 * mm - PAD_TOP - PAD_BOTTOM  # every row is tall enough to write in by hand
MAX_ROW_LINES = 20  # a longer text is cut into rows of CHUNK_LINES so the table can break between them
CHUNK_LINES = 10
NOTE_GAP = 2 * mm  # between the table and the note under it
SUMMARY_MAX = 200  # characters of a summary in the reminder's list
OVERDUE_WIDTHS = [12 * mm, 40 * mm, CONTENT_W - 102 * mm, 30 * mm, 20 * mm]  # the reminder's list


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class ReferralPrint:
    """One referral as printed on its forms; empty fields leave their cells empty to write in."""

    station: str  # "东河县人大代表监督站"
    number: str  # "东监交〔2026〕12号"
    # the visit
    visited_at: datetime.datetime | None
    citizen: str  # '' for an anonymous citizen, printed "（匿名）"
    phone: str
    address: str
    people_count: int
    channel: str  # a Channel
    category: str
    content: str  # what they raised
    representatives: str  # "张三、李四", who received them
    # the referral
    unit: str  # 承办单位
    requirement: str  # 交办要求
    issued_on: datetime.date | None
    deadline: datetime.date | None
    rounds: int = 1  # the round these forms are of; > 1: handed back for re-handling (重办), "第 2 次交办"
    # who signed for the unit, and when (None / '' = not yet: the 签收 box is left to sign by hand)
    signed_on: datetime.date | None = None
    signed_by: str = ""
    # the unit's feedback (None / '' = not yet)
    handler: str = ""
    replied_on: datetime.date | None = None
    result: str = ""
    solved: bool | None = None
    # the follow-up
    followed_on: datetime.date | None = None
    follow_by: str = ""
    follow_method: str = ""  # a FollowUpMethod
    citizen_words: str = ""
    satisfaction: str = ""  # a Satisfaction
    history: tuple[str, ...] = ()  # "2026年3月5日 交办 交 县住建局 办理…", up to this round's end, on the 交办单


def form_title(form: str) -> str:
    """The printed title of one of :data:`FORMS`; ``ValueError`` for any other name."""
    titles = {
        ReferralForm.ISSUE: tr("接待群众反映问题交办单"),
        ReferralForm.FEEDBACK: tr("接待群众反映问题办理情况反馈单"),
        ReferralForm.FOLLOW_UP: tr("交办问题回访记录单"),
    }
    if form not in titles:
        raise ValueError(tr("没有名为“{form}”的表单，可选：{forms}", form=form, forms=tr("、").join(FORMS)))
    return titles[form]


# ---------------------------------------------------------------------------------------------
# Public writers


def write_forms(path: Path | str, referrals: Sequence[ReferralPrint], forms: Sequence[str] = FORMS) -> int:
    """One PDF: for each referral, each of ``forms`` (names from :data:`FORMS`) starting on a new
    page. Returns the page count. Raises ``ValueError`` (writing nothing) for an unknown form
    name or when there is nothing to print."""
    referrals, forms = list(referrals), [forms] if isinstance(forms, str) else list(forms)
    for form in forms:
        form_title(form)
    if not referrals or not forms:
        raise ValueError(tr("没有可打印的表单"))
    font = register_pdf_fonts()
    story: list[Flowable] = []
    for referral in referrals:
        for form in forms:
            if story:
                story.append(PageBreak())
            story += _form_story(form, referral, font, blank=False)
    title = form_title(forms[0]) if len(referrals) == 1 and len(forms) == 1 else tr("三单闭环表单")
    return _build(path, story, title, font)


def write_blank_form(path: Path | str, form: str, station: str) -> int:
    """An empty ``form`` of ``station`` (number "〔　　〕　号") to fill in by hand. Returns the page
    count; ``ValueError`` for an unknown form."""
    title = form_title(form)
    font = register_pdf_fonts()
    blank = ReferralPrint(station=station, number=tr("〔　　　　〕　　　号"), visited_at=None, citizen="", phone="",
                          address="", people_count=0, channel="", category="", content="", representatives="",
                          unit="", requirement="", issued_on=None, deadline=None)
    return _build(path, _form_story(form, blank, font, blank=True), title, font)


def write_reminder(path: Path | str, *, station: str, unit: str, today: datetime.date,
                   overdue: Sequence[tuple[str, str, datetime.date, int]], reply_days: int = 5) -> int:
    """催办通知 to ``unit``: "关于督促办理人大代表监督站交办事项的通知", a table of its overdue
    referrals (``overdue``: number, summary of the content, deadline, days overdue), the request to
    reply within ``reply_days`` days, the station's name and ``today`` to sign and seal.
    Returns the page count; ``ValueError`` (writing nothing) when ``overdue`` is empty."""
    overdue = list(overdue)
    if not overdue:
        raise ValueError(tr("没有超期的交办事项，无需催办"))
    font = register_pdf_fonts()
    title = tr("关于督促办理人大代表监督站交办事项的通知")
    indent = 2 * LETTER_SIZE

    def paragraph(text: str, **options) -> _Text:
        return _Text(text, font=font, size=LETTER_SIZE, leading=LETTER_LEADING, justify=True, **options)

    body = tr("我站交由你单位办理的以下{count}件群众反映问题，已超过办理时限，至今未收到办理情况反馈。"
              "为切实解决群众反映的问题，现予督促。请你单位高度重视，抓紧办理，并于收到本通知之日起"
              "{days}日内将办理情况书面反馈我站；确因客观原因不能按期办结的，请书面说明原因及预计办结时间。",
              count=len(overdue), days=reply_days)
    story: list[Flowable] = [
        SectionStart(title),
        _Heading(station, title, "", "", font, title_size=16),
        paragraph(tr("{unit}：", unit=unit)),
        paragraph(body, indent=indent),
        paragraph(tr("特此通知。"), indent=indent),
        Spacer(1, 4 * mm),
        _Text(tr("超期未办结事项清单"), font=font, size=LETTER_SIZE, leading=LETTER_LEADING, align="center"),
        Spacer(1, 1 * mm),
        _overdue_table(overdue, _SignOff(station, chinese_date(today), font), font),
    ]
    return _build(path, story, title, font)


# ---------------------------------------------------------------------------------------------
# Text in cells
#
# Lines are broken by fonts.wrap_text rather than by reportlab's CJK Paragraph: that one lets
# "。" and "）" hang past the right edge (over the cell's rule) and starts lines with "，".


def _wrap_lines(text: str, size: float, width: float, font: str, indent: float = 0.0) -> list[tuple[str, bool]]:
    """``text`` broken into lines no wider than ``width`` (the first ``indent`` narrower), each
    with whether it ends a paragraph (so is not stretched to the full width)."""
    lines: list[tuple[str, bool]] = []
    for paragraph in text.split("\n"):
        first_width = width - indent if not lines else width
        if text_width(paragraph, size, font) <= first_width:
            lines.append((paragraph, True))  # as it is: blanks to write in ("　　年　　月") are kept
            continue
        wrapped = wrap_text(paragraph, size, first_width, font)
        if not lines and indent and len(wrapped) > 1 and paragraph.startswith(wrapped[0]):
            wrapped = wrapped[:1] + wrap_text(paragraph[len(wrapped[0]):].lstrip(), size, width, font)
        lines += [(line, i == len(wrapped) - 1) for i, line in enumerate(wrapped)]
    return lines


def _mostly_cjk(line: str) -> bool:
    """Whether stretching the line between its characters looks right (not for English)."""
    return sum(ord(char) >= 0x2E80 for char in line) * 2 >= len(line)


class _Text(Flowable):
    """Lines of text in one font and size, at least ``min_height`` tall.

    ``valign`` places the lines in that height ("middle" or "top"); ``justify`` stretches every
    line but the last of a paragraph to the full width, as in an official document; ``indent``
    indents the first line. ``lines`` (from :func:`_wrap_lines` at ``width``) saves measuring
    again."""

    MAX_STRETCH = 2.0  # points between two characters at most when justifying

    def __init__(self, text: str = "", *, font: str, size: float = VALUE_SIZE, leading: float = LEADING,
                 min_height: float = 0.0, align: str = "left", valign: str = "middle", justify: bool = False,
                 indent: float = 0.0, color: Color = INK, lines: list[tuple[str, bool]] | None = None,
                 width: float | None = None) -> None:
        super().__init__()
        self.text, self.font, self.size, self.leading = text, font, size, leading
        self.min_height, self.align, self.valign, self.justify = min_height, align, valign, justify
        self.indent, self.color = indent, color
        self.lines, self._lines_width = lines, width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.lines is None or self._lines_width is None or abs(self._lines_width - avail_width) > 0.01:
            self.lines = _wrap_lines(self.text, self.size, avail_width, self.font, self.indent) if self.text else []
            self._lines_width = avail_width
        self.width = avail_width
        self.height = max(self.min_height, len(self.lines) * self.leading)
        return self.width, self.height

    @property
    def natural_height(self) -> float:
        """The lines' height, without the room to write in (after :meth:`wrap`)."""
        return len(self.lines or ()) * self.leading

    def draw(self) -> None:
        if not self.lines:
            return
        natural = self.natural_height
        offset = (self.height - natural) / 2 if self.valign == "middle" else 0.0
        # The first baseline: the glyphs' body (0.88 em over, 0.12 em under it) centred in its line.
        y = self.height - offset - self.leading / 2 - 0.38 * self.size
        text_object = self.canv.beginText()
        text_object.setFont(self.font, self.size)
        text_object.setFillColor(self.color)
        spaced = False
        for i, (line, last) in enumerate(self.lines):
            indent = self.indent if i == 0 else 0.0
            room = self.width - indent
            stretch = self.justify and not last and len(line) > 1 and _mostly_cjk(line)
            line_width = text_width(line, self.size, self.font) if stretch or self.align != "left" else 0.0
            space = (room - line_width) / (len(line) - 1) if stretch else 0.0
            if not 0 < space <= self.MAX_STRETCH:
                space = 0.0
            if space or spaced:
                text_object.setCharSpace(space)
                spaced = bool(space)
            x = indent
            if self.align == "center":
                x += (room - line_width) / 2
            elif self.align == "right":
                x += room - line_width
            text_object.setTextOrigin(x, y - i * self.leading)
            text_object.textOut(line)
        self.canv.drawText(text_object)


# ---------------------------------------------------------------------------------------------
# Drawing helpers




class _Heading(Flowable):
    """The station's name in red over the red double rule, the title, and the number on the
    right under it (``left``, e.g. "第 2 次交办", on the left of the same line). A name or title
    too long for one line even in a smaller size goes on two."""

    STATION_SIZE, STATION_MIN = 20.0, 13.0
    TITLE_MIN = 12.0
    NUMBER_SIZE = 11.0

    def __init__(self, station: str, title: str, number: str, left: str, font: str, title_size: float = 18) -> None:
        super().__init__()
        self.station, self.title, self.number, self.left = station, title, number, left
        self.font, self.title_size = font, title_size

    def _lines(self, text: str, size: float, min_size: float) -> tuple[float, list[str]]:
        size = fit_font_size(text, self.width, size, min_size, self.font)
        return size, wrap_text(text, size, self.width, self.font) if text else []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.station_size, self.station_lines = self._lines(self.station, self.STATION_SIZE, self.STATION_MIN)
        self.title_size_used, self.title_lines = self._lines(self.title, self.title_size, self.TITLE_MIN)
        # From the top: the name's lines, 5 mm to the rules, 11 mm to the title's first baseline,
        # its further lines, then the number's line 7.5 mm under the title and 5 mm under that.
        self.rule_y_from_top = 6 * mm + len(self.station_lines) * self.station_size * 1.25
        height = self.rule_y_from_top + 11.5 * mm + (len(self.title_lines) - 1) * self.title_size_used * 1.3
        height += 7.5 * mm + 5 * mm if self.number or self.left else 6 * mm
        self.height = height
        return self.width, self.height

    def draw(self) -> None:
        canvas, font, width = self.canv, self.font, self.width
        size = self.station_size
        for i, line in enumerate(self.station_lines):
            baseline = self.height - 1 * mm - size * 0.88 - i * size * 1.25
            draw_text(canvas, line, width / 2, baseline, size, font=font, color=RED, align="center", bold=True)
        rule_y = self.height - self.rule_y_from_top
        draw_double_rule(canvas, 0, width, rule_y)
        size = self.title_size_used
        baseline = rule_y - 11.5 * mm
        for i, line in enumerate(self.title_lines):
            baseline = rule_y - 11.5 * mm - i * size * 1.3
            draw_text(canvas, line, width / 2, baseline, size, font=font, align="center", bold=True)
        baseline -= 7.5 * mm
        if self.number:
            draw_text(canvas, self.number, width, baseline, self.NUMBER_SIZE, font=font, align="right")
        if self.left:
            draw_text(canvas, self.left, 0, baseline, self.NUMBER_SIZE, font=font, color=RED, bold=True)


class _Choices(Flowable):
    """Options, each after a square box; the chosen ones are ticked (✔ in the box)."""

    BOX = 3.3 * mm
    GAP = 6 * mm  # between two options
    LINE = LEADING

    def __init__(self, options: Sequence[tuple[str, bool]], font: str) -> None:
        super().__init__()
        self.options, self.font = list(options), font

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.placed: list[tuple[float, int, str, bool]] = []  # x, line, label, ticked
        x, line = 0.0, 0
        for label, ticked in self.options:
            item = self.BOX + 1.5 + text_width(label, VALUE_SIZE, self.font)
            if x > 0 and x + item > avail_width:
                x, line = 0.0, line + 1
            self.placed.append((x, line, label, ticked))
            x += item + self.GAP
        self.lines = line + 1
        self.height = max(CELL_MIN, self.lines * self.LINE)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        top = self.height - (self.height - self.lines * self.LINE) / 2
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.7)
        for x, line, label, ticked in self.placed:
            baseline = top - line * self.LINE - self.LINE / 2 - 0.38 * VALUE_SIZE
            box_y = baseline - 1.1
            canvas.rect(x, box_y, self.BOX, self.BOX, stroke=1, fill=0)
            if ticked:
                draw_text(canvas, "✔", x + self.BOX / 2, box_y + 1.4, 9, font=self.font, align="center")
            draw_text(canvas, label, x + self.BOX + 1.5, baseline, VALUE_SIZE, font=self.font)
        canvas.restoreState()


def _choices(options: Sequence[tuple[object, str]], chosen: object, font: str) -> _Choices:
    """``options`` as (value, printed label); the one equal to ``chosen`` is ticked."""
    items = [(label, value == chosen) for value, label in options]
    if chosen and chosen not in {value for value, _ in options}:  # a value the form does not foresee
        items.append((str(chosen), True))
    return _Choices(items, font)


class _SignArea(Flowable):
    """Room for the seal, and at the bottom right the signature lines
    ("回访人（签字）：______  站长（签字）：______ （盖章）") with the date under them. Signers
    that do not fit side by side go one under the other. ``names`` (signer → name) prints who
    signed on their line, when the record knows it."""

    LINE_W = 28 * mm  # to sign on
    ROW = 8.5 * mm  # from one signature line (or the date) to the next

    def __init__(self, signers: Sequence[str], date: str, font: str, *, seal: bool = True,
                 height: float = 22 * mm, names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.signers, self.date, self.font = list(signers), date or _blank_date(), font
        self.seal, self.min_height = seal, height
        self.names = {signer: name for signer, name in (names or {}).items() if name}

    def _width(self, signers: Sequence[str]) -> float:
        width = sum(text_width(signer, VALUE_SIZE, self.font) + self.LINE_W for signer in signers)
        width += 7 * mm * (len(signers) - 1) + 2 * mm
        if self.seal:
            width += text_width(tr("（盖章）"), VALUE_SIZE, self.font) + 3 * mm
        return width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        together = self._width(self.signers) <= avail_width
        self.rows = [self.signers] if together else [[signer] for signer in self.signers]
        self.height = max(self.min_height, 1.5 + self.ROW * len(self.rows) + 4 * mm)
        return self.width, self.height

    def draw(self) -> None:
        canvas, font, size = self.canv, self.font, VALUE_SIZE
        date_y = 1.5
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        for index, signers in enumerate(reversed(self.rows)):
            sign_y = date_y + (index + 1) * self.ROW
            x = self.width - 2 * mm
            if self.seal:
                seal = tr("（盖章）") if index == 0 else ""
                x -= text_width(tr("（盖章）"), size, font)
                draw_text(canvas, seal, x, sign_y, size, font=font)
                x -= 3 * mm
            labels = sum(text_width(signer, size, font) + 7 * mm for signer in signers)
            line_w = max(12 * mm, min(self.LINE_W, (x - labels) / len(signers)))
            for signer in reversed(signers):
                x -= line_w
                canvas.line(x, sign_y - 2.5, x + line_w, sign_y - 2.5)
                if signer in self.names:
                    name, name_size = fit_line(self.names[signer], line_w - 2, size, 7, font)
                    draw_text(canvas, name, x + line_w / 2, sign_y, name_size, font=font, align="center")
                x -= text_width(signer, size, font)
                draw_text(canvas, signer, max(0.0, x), sign_y, size, font=font)
                x -= 7 * mm
        canvas.restoreState()
        draw_text(canvas, self.date, self.width - 2 * mm, date_y, size, font=font, align="right")


class _SignOff(Flowable):
    """The notice's sign-off, right-aligned: the station's name and the date, room for the seal."""

    def __init__(self, station: str, date: str, font: str) -> None:
        super().__init__()
        self.station, self.date, self.font = station, date, font

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, 30 * mm
        return self.width, self.height

    def draw(self) -> None:
        font = self.font
        size = fit_font_size(self.station, self.width * 0.6, LETTER_SIZE, 9, font)
        widest = max(text_width(self.station, size, font), text_width(self.date, LETTER_SIZE, font))
        centre = self.width - 8 * mm - widest / 2
        draw_text(self.canv, self.station, centre, self.height - 14 * mm, size, font=font, align="center")
        draw_text(self.canv, self.date, centre, self.height - 22 * mm, LETTER_SIZE, font=font, align="center")


# ---------------------------------------------------------------------------------------------
# The three forms


class _Rows:
    """Collects a form's table: two label-value pairs a row, or one label with a wide value.

    A long text becomes several rows drawn as one cell (no rule between them), so the table can
    go on to the next page between them; every row stays whole."""

    def __init__(self, font: str) -> None:
        self.font = font
        self.data: list[list] = []
        self.pairs: list[int] = []  # rows with two label-value pairs
        self.joined: list[int] = []  # rows drawn as the continuation of the row above
        self.keep: list[tuple[int, int]] = []  # row ranges kept on one page
        self.roomy: list[_Text] = []  # text cells whose room to write in may shrink (see fit)
        self.note: _Text | None = None

    def _label(self, text: str) -> _Text:
        return _Text(text, font=self.font, leading=13.5, align="center")

    def _value(self, value: str | Flowable | list[Flowable]) -> Flowable | list[Flowable]:
        if isinstance(value, str):
            return _Text(value, font=self.font, min_height=CELL_MIN)
        return value

    def pair(self, label1: str, value1: str | Flowable, label2: str, value2: str | Flowable) -> None:
        self.pairs.append(len(self.data))
        self.data.append([self._label(label1), self._value(value1), self._label(label2), self._value(value2)])

    def wide(self, label: str, value: str | Flowable | list[Flowable], *, joined: bool = False) -> int:
        if joined:
            self.joined.append(len(self.data))
        self.data.append([self._label(label) if label else "", self._value(value), "", ""])
        return len(self.data) - 1

    def text(self, label: str, text: str, *, min_height: float = 0.0, size: float = VALUE_SIZE,
             leading: float = LEADING, below: Flowable | None = None) -> None:
        """A long text under ``label``, at least ``min_height`` tall, its lines at the top;
        ``below`` (a signature area) under it in the same cell."""
        width = WIDE_W - 2 * PAD_X
        lines = _wrap_lines(text, size, width, self.font) if text else []
        chunks = [lines] if len(lines) <= MAX_ROW_LINES else [
            lines[i:i + CHUNK_LINES] for i in range(0, len(lines), CHUNK_LINES)]
        for i, chunk in enumerate(chunks):
            cell = _Text(font=self.font, size=size, leading=leading, lines=chunk, width=width, justify=True,
                         min_height=max(CELL_MIN, min_height if len(chunks) == 1 else 0.0), valign="top")
            if len(chunks) == 1 and min_height > CELL_MIN:
                self.roomy.append(cell)
            if below is not None and len(chunks) == 1:
                self.wide(label, [cell, below])
                return
            last = self.wide("" if i else label, cell, joined=i > 0)
        if below is not None:
            self.keep.append((last, self.wide("", below, joined=True)))

    def fit(self, note: str, room: float) -> None:
        """Set the note under the table, and shrink the room to write in the long text cells
        (never below their text) as far as needed for the form to keep to one page of ``room``
        points. A form that cannot fit even so keeps all its room."""
        self.note = _Text(note, font=self.font, size=9, leading=13, color=GREY, justify=True)
        height = self._cell_height(self.note, CONTENT_W) + NOTE_GAP + PAD_BOTTOM
        for row, cells in enumerate(self.data):
            widths = [LABEL_W, VALUE_W, LABEL_W, VALUE_W] if row in self.pairs else [LABEL_W, WIDE_W]
            height += max(self._cell_height(cell, width) for cell, width in zip(cells, widths))
        height += 1.0  # reportlab's frames are strict to the point
        slack = [(cell, cell.min_height - max(CELL_MIN, cell.natural_height)) for cell in self.roomy]
        total = sum(spare for _, spare in slack if spare > 0)
        excess = height - room
        if excess <= 0 or excess > total:
            return
        for cell, spare in slack:
            if spare > 0:
                cell.min_height -= spare * excess / total

    @staticmethod
    def _cell_height(cell: str | Flowable | list[Flowable], width: float) -> float:
        inner = width - 2 * PAD_X
        if isinstance(cell, str):
            return 0.0
        cells = cell if isinstance(cell, list) else [cell]
        return sum(flowable.wrap(inner, PAGE_H)[1] for flowable in cells) + PAD_TOP + PAD_BOTTOM

    def table(self) -> Table:
        n = len(self.data)
        assert self.note is not None, "fit() first"
        note_cell = self.note
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), self.font, VALUE_SIZE),  # never the default Helvetica
            ("BACKGROUND", (0, 0), (0, n - 1), LABEL_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("LINEAFTER", (0, 0), (0, n - 1), RULE_W, RULE),
            ("LINEBELOW", (0, 0), (-1, 0), RULE_W, RULE),  # under the first row, repeated on every page
        ]
        for row in self.pairs:
            commands += [("BACKGROUND", (2, row), (2, row), LABEL_FILL),
                         ("LINEBEFORE", (2, row), (3, row), RULE_W, RULE)]
        for row in range(n):
            if row not in self.pairs:
                commands.append(("SPAN", (1, row), (3, row)))
            if row not in self.joined:
                commands.append(("LINEABOVE", (0, row), (-1, row), RULE_W, RULE))
        for first, last in self.keep:
            commands.append(("NOSPLIT", (0, first), (-1, last)))
        for row in self.joined:  # the lines of one text, spaced as in one cell
            commands += [("TOPPADDING", (0, row), (-1, row), 0), ("BOTTOMPADDING", (0, row - 1), (-1, row - 1), 0)]
        commands += [
            ("BOX", (0, 0), (-1, n - 1), BOX_W, RULE),
            # The note under the table, never alone on a page.
            ("SPAN", (0, n), (-1, n)),
            ("NOSPLIT", (0, n - 1), (-1, n)),
            ("LEFTPADDING", (0, n), (-1, n), 0),
            ("RIGHTPADDING", (0, n), (-1, n), 0),
            ("TOPPADDING", (0, n), (-1, n), NOTE_GAP),
        ]
        table = Table([*self.data, [note_cell, "", "", ""]], colWidths=[LABEL_W, VALUE_W, LABEL_W, VALUE_W],
                      repeatRows=1)
        table.setStyle(TableStyle(commands))
        return table


def _citizen(referral: ReferralPrint, blank: bool) -> str:
    if blank:
        return ""
    return referral.citizen or tr("（匿名）")


def _date(day: datetime.date | None) -> str:
    return chinese_date(day) or _blank_date()


def _blank_date() -> str:
    return tr("　　　　年　　月　　日")


def _visit_time(at: datetime.datetime | None) -> str:
    if at is None:
        return tr("　　　　年　　月　　日　　时")
    if isinstance(at, datetime.datetime) and (at.hour, at.minute) != (0, 0):
        return f"{chinese_date(at)} {at.hour}:{at.minute:02d}"
    return chinese_date(at)


def _form_story(form: str, referral: ReferralPrint, font: str, *, blank: bool) -> list[Flowable]:
    title = form_title(form)
    rows = _Rows(font)
    r = referral
    left = tr("第 {rounds} 次交办", rounds=r.rounds) if r.rounds > 1 else ""
    story: list[Flowable] = [SectionStart(title, r.number), _Heading(r.station, title, r.number, left, font)]
    count = "" if blank or r.people_count <= 0 else tr("{count} 人", count=r.people_count)
    solved = _choices(((True, tr("已解决")), (False, tr("未解决"))), r.solved, font)
    if form == ReferralForm.ISSUE:
        rows.pair(tr("反映人"), _citizen(r, blank), tr("联系电话"), r.phone)
        rows.pair(tr("来访时间"), _visit_time(r.visited_at), tr("来访人数"), count)
        rows.wide(tr("住　　址"), r.address)
        rows.pair(tr("接待方式"), r.channel, tr("问题类别"), r.category)
        rows.wide(tr("接待代表"), r.representatives)
        rows.text(tr("反映问题"), r.content, min_height=66 * mm)
        rows.wide(tr("承办单位"), r.unit)
        rows.pair(tr("交办日期"), _date(r.issued_on), tr("办结时限"), _date(r.deadline))
        rows.text(tr("交办意见"), r.requirement, min_height=16 * mm,
                  below=_SignArea([tr("站长（签字）：")], chinese_date(r.issued_on), font))
        if r.history:
            rows.text(tr("办理记录"), "\n".join(r.history), size=9, leading=12.5)
        signer = tr("承办单位签收人（签字）：")
        rows.wide(tr("签　　收"), _SignArea([signer], chinese_date(r.signed_on), font, seal=False, height=15 * mm,
                                          names={signer: r.signed_by}))
        note = tr("注：本单一式两份，监督站、承办单位各留存一份。请承办单位在办结时限内办理，并填写"
                  "《接待群众反映问题办理情况反馈单》，加盖公章后反馈监督站。")
    elif form == ReferralForm.FEEDBACK:
        rows.pair(tr("交办编号"), "" if blank else r.number, tr("交办日期"), _date(r.issued_on))
        rows.pair(tr("承办单位"), r.unit, tr("办结时限"), _date(r.deadline))
        rows.pair(tr("反映人"), _citizen(r, blank), tr("联系电话"), r.phone)
        rows.text(tr("反映问题"), r.content, min_height=40 * mm)
        rows.text(tr("办理情况"), r.result, min_height=80 * mm)
        rows.wide(tr("办理结果"), solved)
        rows.pair(tr("经办人"), r.handler, tr("答复日期"), _date(r.replied_on))
        rows.wide(tr("承办单位意见"), _SignArea([tr("负责人（签字）：")], chinese_date(r.replied_on), font,
                                           height=26 * mm))
        note = tr("注：请承办单位在办结时限内填写本单，由负责人签字并加盖公章后送（寄）监督站；"
                  "问题未解决的，请在“办理情况”中说明原因和下一步措施。")
    else:
        rows.pair(tr("交办编号"), "" if blank else r.number, tr("承办单位"), r.unit)
        rows.pair(tr("反映人"), _citizen(r, blank), tr("联系电话"), r.phone)
        rows.text(tr("反映问题"), r.content, min_height=40 * mm)
        rows.pair(tr("办理结果"), solved, tr("答复日期"), _date(r.replied_on))
        rows.pair(tr("回访时间"), _date(r.followed_on), tr("回访人"), r.follow_by)
        methods = [(method, method.label) for method in FollowUpMethod]
        rows.wide(tr("回访方式"), _choices(methods, r.follow_method, font))
        rows.text(tr("群众意见"), r.citizen_words, min_height=70 * mm)
        levels = [(level, level.label) for level in Satisfaction]
        rows.wide(tr("满意程度"), _choices(levels, r.satisfaction, font))
        rows.wide(tr("监督站意见"), _SignArea([tr("回访人（签字）："), tr("站长（签字）：")],
                                         chinese_date(r.followed_on), font, height=26 * mm))
        note = tr("注：回访可采取电话或上门方式。群众对办理结果不满意的，由监督站重新交办。")
    heading = story[-1]
    rows.fit(note, FRAME_H - heading.wrap(CONTENT_W, FRAME_H)[1])
    story.append(rows.table())
    return story


# ---------------------------------------------------------------------------------------------
# The reminder's table


def _overdue_table(overdue: list[tuple[str, str, datetime.date, int]], sign_off: Flowable, font: str) -> Table:
    """The list of overdue referrals, its header row on every page, and the notice's sign-off
    under it as a last, unruled row, so it never stands alone on a page."""
    def cell(text: str, align: str = "center") -> _Text:
        return _Text(text, font=font, size=10, leading=14, align=align)

    data = [[cell(text) for text in (tr("序号"), tr("交办编号"), tr("反映问题（摘要）"), tr("办结时限"), tr("超期天数"))]]
    for index, (number, summary, deadline, days) in enumerate(overdue, start=1):
        if len(summary) > SUMMARY_MAX:
            summary = summary[:SUMMARY_MAX - 1] + "…"
        data.append([cell(str(index)), cell(number), cell(summary, "left"), cell(chinese_date(deadline)),
                     cell(tr("{days} 天", days=days))])
    n = len(data)
    data.append([sign_off, "", "", "", ""])
    table = Table(data, colWidths=OVERDUE_WIDTHS, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 10),  # never the default Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL),
        ("GRID", (0, 0), (-1, n - 1), RULE_W, RULE),
        ("BOX", (0, 0), (-1, n - 1), BOX_W, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("SPAN", (0, n), (-1, n)),
        ("NOSPLIT", (0, n - 1), (-1, n)),
        ("LEFTPADDING", (0, n), (-1, n), 0),
        ("RIGHTPADDING", (0, n), (-1, n), 0),
        ("TOPPADDING", (0, n), (-1, n), 6 * mm),
        ("BOTTOMPADDING", (0, n), (-1, n), 0),
    ]))
    return table


# ---------------------------------------------------------------------------------------------
# Building the document


def _build(path: Path | str, story: list[Flowable], title: str, font: str) -> int:
    with atomic_path(Path(path)) as tmp:
        document = BaseDocTemplate(
            str(tmp), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, **document_info(title, font))
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_W, FRAME_H, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        document.addPageTemplates([PageTemplate(id="form", frames=[frame])])
        # Each form counts its own pages; its later pages say "（续）" with its number at the top.
        continued = ContinuedHeading(left=MARGIN_X, right=PAGE_W - MARGIN_X, y=PAGE_H - MARGIN_TOP + 4 * mm, size=9)
        return build_numbered(document, story, font=font, continued=continued)
