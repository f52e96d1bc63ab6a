"""履职档案 on paper: one representative's record for a period, on one A4 portrait page.

The red title 人大代表履职档案 over the double rule, the period (and, for one who left or was voided, a red
mark); who the representative is; a table of the counts (duty, reception, suggestions, activities by kind,
points); the lists (duty turns, visits received, activities, suggestions), each cut at a length that keeps a
busy year on one page, with "…等 N 项" under a list that was cut; the 审核人 / 日期 lines. What does not fit
goes on to a second page headed "人大代表履职档案（续）" with the name and period. The service
(``services.record.print_record``) gives the record; this module only lays it out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
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
    clip_line,
    document_info,
    draw_double_rule,
    draw_text,
    fit_line,
    register_pdf_fonts,
    text_width,
)
from station_app.services.record import (
    Count,
    RepresentativeRecord,
    counts,
    gender_text,
    level_text,
    record_title,
    suggestion_state_text,
)
from station_app.vocab import ActivityKind, Attendance, Outcome, RepKind, SlotName

PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 15 * mm
WIDTH = PAGE_W - 2 * MARGIN_X

#: how many of each list the page shows at most, and at least before the page runs on to a second: the
#: longest list is cut first, down to its least, until the page fits; the rest are counted ("…等 N 项")
MOST = {"turns": 24, "visits": 20, "activities": 15, "suggestions": 10}
LEAST = {"turns": 8, "visits": 6, "activities": 6, "suggestions": 5}
#: the duty turns are cut a row at a time
STEP = {"turns": 4, "visits": 1, "activities": 1, "suggestions": 1}
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
TURNS_PER_ROW = 4
#: counts per row of the counts table
COUNTS_PER_ROW = 6

LABEL_FILL = HexColor("#f2f2f2")
GROUP_FILL = HexColor("#e6e6e6")
RULE = HexColor("#8c8c8c")
CELL = 8.5
PAD = 2.2


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=CELL, leading=CELL * 1.3, textColor=INK, wordWrap="CJK")
    return {
        "cell": base,
        "centre": ParagraphStyle("centre", parent=base, alignment=1),
        "label": ParagraphStyle("label", parent=base, alignment=1, textColor=GREY),
        "number": ParagraphStyle("number", parent=base, alignment=1, fontSize=10.5, leading=13),
        "section": ParagraphStyle("section", parent=base, fontSize=10.5, leading=14, spaceBefore=3.2 * mm,
                                  spaceAfter=1.4 * mm),
        "more": ParagraphStyle("more", parent=base, textColor=GREY, fontSize=8, leading=10.5, spaceBefore=0.8 * mm),
        "none": ParagraphStyle("none", parent=base, textColor=GREY),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


# --- Words -------------------------------------------------------------------------------------


def more_text(total: int) -> str:
    return tr("…等 {n} 项", n=total)


def turns_heading(n: int) -> str:
    return tr("值班记录（共 {n} 次）", n=n)


def visits_heading(n: int) -> str:
    return tr("接待选民（共 {n} 次）", n=n)


def activities_heading(n: int) -> str:
    return tr("参加活动（共 {n} 次）", n=n)


def suggestions_heading(n: int) -> str:
    return tr("提出建议（共 {n} 件）", n=n)


def state_mark(record: RepresentativeRecord) -> str:
    """"已作废" / "已离任" for one no longer in office; "" otherwise."""
    return "" if record.person.in_office else record.person.state


def _day(day: dt.date, with_year: bool) -> str:
    if with_year:
        return tr("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day)
    return tr("{month}月{day}日", month=day.month, day=day.day)


# --- Flowables ---------------------------------------------------------------------------------


class _Heading(Flowable):
    """The red title and double rule; under them the period in the middle and a red state mark on the right."""

    def __init__(self, title: str, period: str, mark: str, font: str) -> None:
        super().__init__()
        self.title, self.period, self.mark, self.font = title, period, mark, font

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, 22 + 13 * mm
        return self.width, self.height

    def draw(self) -> None:
        canvas, font, width = self.canv, self.font, self.width
        line, size = fit_line(self.title, width, 22, 14, font)
        top = self.height
        draw_text(canvas, line, width / 2, top - size, size, font=font, color=RED, align="center", bold=True)
        rule_y = top - size - 4.5 * mm
        draw_double_rule(canvas, 0, width, rule_y)
        baseline = rule_y - 1.4 * mm - 6 * mm
        mark_width = 0.0
        if self.mark:
            size = 11
            mark_width = text_width(self.mark, size, font)
            canvas.saveState()
            canvas.setStrokeColor(RED)
            canvas.setLineWidth(1)
            canvas.rect(width - mark_width - 4 * mm, baseline - 2 * mm, mark_width + 4 * mm, size + 2.6 * mm)
            canvas.restoreState()
            draw_text(canvas, self.mark, width - 2 * mm, baseline, size, font=font, color=RED, align="right", bold=True)
        period, size = fit_line(tr("履职期间：{period}", period=self.period), width - 2 * (mark_width + 8 * mm), 11, 8,
                                font)
        draw_text(canvas, period, width / 2, baseline, size, font=font, color=INK, align="center")


class _SignLines(Flowable):
    """审核人 and 日期 to sign by hand, and the day the page was made."""

    SIZE = 10.5

    def __init__(self, font: str, made: dt.date) -> None:
        super().__init__()
        self.font, self.made = font, made

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, 20 * mm  # 4 mm above the lines
        return self.width, self.height

    def draw(self) -> None:
        canvas, font, size = self.canv, self.font, self.SIZE
        y = self.height - size - 4 * mm
        for x, label, length in ((0, tr("审核人："), 45 * mm), (self.width * 0.5, tr("日期："), 45 * mm)):
            shift = draw_text(canvas, label, x, y, size, font=font, color=INK)
            canvas.saveState()
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.6)
            canvas.line(x + shift + 1 * mm, y - 1.5, x + shift + 1 * mm + length, y - 1.5)
            canvas.restoreState()
        draw_text(canvas, tr("制表日期：{day}", day=chinese_date(self.made)), self.width, 0, 8, font=font, color=GREY,
                  align="right")


# --- Tables ------------------------------------------------------------------------------------


def _grid(data: list[list], widths: Sequence[float], extra: Sequence[tuple] = (), header: bool = False) -> Table:
    table = Table(data, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL))
    table.setStyle(TableStyle([*style, *extra]))
    return table


def _person_table(record: RepresentativeRecord, st: dict[str, ParagraphStyle]) -> Table:
    p = record.person
    label, cell = st["label"], st["cell"]
    kind = RepKind.label_of(p.kind) if p.kind and p.kind != RepKind.DEPUTY else ""
    level = tr("{level}级", level=level_text(p.level)) if p.level else ""
    data = [
        [_p(tr("姓名"), label), _p(p.name, cell), _p(tr("性别"), label), _p(gender_text(p.gender), cell),
         _p(tr("级别"), label), _p("　".join(x for x in (level, kind) if x), cell)],
        [_p(tr("代表团"), label), _p(p.delegation, cell), _p(tr("代表小组"), label), _p(p.group, cell),
         _p(tr("届别"), label), _p(p.term, cell)],
        [_p(tr("联络站"), label), _p(p.station, cell), "", "", _p(tr("状态"), label),
         Paragraph(f'<font color="#{(RED if not p.in_office else INK).hexval()[2:]}">{escape(p.state)}</font>', cell)],
        [_p(tr("工作单位及职务"), label), _p(p.work_unit, cell), "", "", "", ""],
    ]
    widths = [26 * mm, 44 * mm, 20 * mm, 34 * mm, 18 * mm, WIDTH - 142 * mm]
    extra = [("SPAN", (1, 2), (3, 2)), ("SPAN", (1, 3), (5, 3))]
    extra += [("BACKGROUND", (c, r), (c, r), LABEL_FILL) for r in range(4) for c in (0, 2, 4) if not (r == 3 and c)]
    return _grid(data, widths, extra)


def _counts_table(record: RepresentativeRecord, st: dict[str, ParagraphStyle]) -> Table:
    groups: dict[str, list[Count]] = {}
    for count in counts(record):
        groups.setdefault(count.group, []).append(count)
    group_w = 17 * mm  # 代表建议, 履职活动 on one line
    pair = (WIDTH - group_w) / COUNTS_PER_ROW
    label_w, value_w = pair - 10 * mm, 10 * mm
    widths = [group_w] + [label_w, value_w] * COUNTS_PER_ROW
    data: list[list] = []
    extra: list[tuple] = [("BACKGROUND", (0, 0), (0, -1), GROUP_FILL)]
    for group, items in groups.items():
        first = len(data)
        for start in range(0, len(items), COUNTS_PER_ROW):
            row: list = [_p(group, st["centre"]) if start == 0 else ""]
            for count in items[start:start + COUNTS_PER_ROW]:
                value_style = st["number"]
                row += [_p(count.label, st["label"]), _p(count.value, value_style)]
            row += [""] * (len(widths) - len(row))
            data.append(row)
        if len(data) - first > 1:
            extra.append(("SPAN", (0, first), (0, len(data) - 1)))
    for c in range(1, len(widths), 2):
        extra.append(("BACKGROUND", (c, 0), (c, -1), LABEL_FILL))
    return _grid(data, widths, extra)


def _cut(items: Sequence, shown: int) -> tuple[Sequence, int]:
    """The first ``shown`` of ``items`` and, when some were left out, how many there are in all (else 0)."""
    return (items[:shown], len(items)) if len(items) > shown else (items, 0)


def _list(story: list, heading: str, table: Table | None, more: int, st: dict[str, ParagraphStyle]) -> None:
    part: list[Flowable] = [_p(heading, st["section"])]
    if table is None:
        part.append(_p(tr("（无）"), st["none"]))
    else:
        part.append(table)
        if more:
            part.append(_p(more_text(more), st["more"]))
    # a list's heading never stands alone at the foot of a page
    story.append(CondPageBreak(24 * mm))
    story.extend(part)


def _turns_table(record: RepresentativeRecord, shown: int, with_year: bool, st: dict[str, ParagraphStyle],
                 font: str) -> tuple[Table | None, int]:
    turns, more = _cut(record.turns, shown)
    if not turns:
        return None, 0
    per_row = TURNS_PER_ROW - 1 if with_year else TURNS_PER_ROW  # a date with its year takes more room
    cell_w = WIDTH / per_row
    cells = []
    for turn in turns:
        mark = turn.mark_text
        colour = RED if turn.mark == Attendance.ABSENT else INK
        text = f"{_day(turn.day, with_year)} {SlotName.label_of(turn.slot)} "
        room = cell_w - 2 * PAD - text_width(text, CELL, font)
        mark = clip_line(mark, CELL, max(room, 10 * mm), font)
        cells.append(Paragraph(f'{escape(text)}<font color="#{colour.hexval()[2:]}">{escape(mark)}</font>', st["cell"]))
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    return _grid(rows, [cell_w] * per_row), more


def _one_line(text: str, width: float, font: str) -> str:
    return clip_line(" ".join(text.split()), CELL, width - 2 * PAD, font)


def _visits_table(record: RepresentativeRecord, shown: int, with_year: bool, st: dict[str, ParagraphStyle],
                  font: str) -> tuple[Table | None, int]:
    visits, more = _cut(record.visits, shown)
    if not visits:
        return None, 0
    widths = [24 * mm, 22 * mm, WIDTH - 80 * mm, 34 * mm]
    data = [[_p(tr("日期"), st["centre"]), _p(tr("类别"), st["centre"]), _p(tr("反映问题"), st["centre"]),
             _p(tr("办理结果"), st["centre"])]]
    for v in visits:
        data.append([_p(_day(v.day, with_year), st["cell"]), _p(_one_line(v.category, widths[1], font), st["cell"]),
                     _p(_one_line(v.issue, widths[2], font), st["cell"]),
                     _p(_one_line(Outcome.label_of(v.outcome), widths[3], font), st["cell"])])
    return _grid(data, widths, header=True), more


def _activities_table(record: RepresentativeRecord, shown: int, with_year: bool, st: dict[str, ParagraphStyle],
                      font: str) -> tuple[Table | None, int]:
    activities, more = _cut(record.activities, shown)
    if not activities:
        return None, 0
    widths = [24 * mm, 34 * mm, WIDTH - 76 * mm, 18 * mm]
    data = [[_p(tr("日期"), st["centre"]), _p(tr("类别"), st["centre"]), _p(tr("主题"), st["centre"]),
             _p(tr("培训考核"), st["centre"])]]
    for a in activities:
        passed = {True: tr("合格"), False: tr("不合格"), None: ""}[a.passed]
        data.append([_p(_day(a.day, with_year), st["cell"]),
                     _p(_one_line(ActivityKind.label_of(a.kind), widths[1], font), st["cell"]),
                     _p(_one_line(a.theme, widths[2], font), st["cell"]), _p(passed, st["centre"])])
    return _grid(data, widths, header=True), more


def _suggestions_table(record: RepresentativeRecord, shown: int, st: dict[str, ParagraphStyle],
                       font: str) -> tuple[Table | None, int]:
    suggestions, more = _cut(record.suggestions, shown)
    if not suggestions:
        return None, 0
    widths = [42 * mm, WIDTH - 64 * mm, 22 * mm]
    data = [[_p(tr("编号"), st["centre"]), _p(tr("标题"), st["centre"]), _p(tr("状态"), st["centre"])]]
    for s in suggestions:
        data.append([_p(_one_line(s.number, widths[0], font), st["cell"]), _p(_one_line(s.title, widths[1], font),
                                                                               st["cell"]),
                     _p(suggestion_state_text(s.state), st["centre"])])
    return _grid(data, widths, header=True), more


def _story(record: RepresentativeRecord, made: dt.date, font: str, shown: dict[str, int]) -> list[Flowable]:
    st = _styles(font)
    title = record_title()
    with_year = record.start.year != record.end.year
    story: list[Flowable] = [SectionStart(title, f"{record.person.name}　{record.period}"),
                             _Heading(title, record.period, state_mark(record), font), Spacer(1, 3 * mm),
                             _person_table(record, st), _p(tr("履职情况统计"), st["section"]),
                             _counts_table(record, st)]
    table, more = _turns_table(record, shown["turns"], with_year, st, font)
    _list(story, turns_heading(len(record.turns)), table, more, st)
    table, more = _visits_table(record, shown["visits"], with_year, st, font)
    _list(story, visits_heading(len(record.visits)), table, more, st)
    table, more = _activities_table(record, shown["activities"], with_year, st, font)
    _list(story, activities_heading(len(record.activities)), table, more, st)
    table, more = _suggestions_table(record, shown["suggestions"], st, font)
    _list(story, suggestions_heading(len(record.suggestions)), table, more, st)
    story.append(_SignLines(font, made))
    return story


def _height(story: list[Flowable]) -> float:
    """How tall ``story`` is on one endless page."""
    total = 0.0
    for flowable in story:
        if isinstance(flowable, CondPageBreak):
            continue
        total += flowable.wrap(WIDTH, 10 * FRAME_H)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _fitted_story(record: RepresentativeRecord, made: dt.date, font: str) -> list[Flowable]:
    """The story with each list cut so the page fits, the longest list first; a list at its least is not cut
    further, and what is left then runs on to a second page."""
    lengths = {"turns": len(record.turns), "visits": len(record.visits), "activities": len(record.activities),
               "suggestions": len(record.suggestions)}
    shown = {key: min(MOST[key], n) for key, n in lengths.items()}
    while True:
        story = _story(record, made, font, shown)
        if _height(story) <= FRAME_H - 2 * mm:
            return story
        cuttable = [key for key in shown if shown[key] > LEAST[key]]
        if not cuttable:
            return story
        longest = max(cuttable, key=lambda key: (shown[key] / STEP[key], key))
        shown[longest] = max(LEAST[longest], shown[longest] - STEP[longest])


def write_record(path: Path | str, record: RepresentativeRecord, made: dt.date) -> int:
    """The archive page of ``record`` to ``path`` (written whole or not at all); returns the page count."""
    font = register_pdf_fonts()
    title = record_title()
    with atomic_path(Path(path)) as tmp:
        document = BaseDocTemplate(
            str(tmp), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, **document_info(f"{title}　{record.person.name}", font))
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        document.addPageTemplates([PageTemplate(id="record", frames=[frame])])
        continued = ContinuedHeading(left=MARGIN_X, right=PAGE_W - MARGIN_X, y=PAGE_H - MARGIN_TOP + 4 * mm, size=9)
        return build_numbered(document, _fitted_story(record, made, font), font=font, continued=continued)

