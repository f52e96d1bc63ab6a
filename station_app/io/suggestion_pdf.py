"""代表建议交办函 — the letter that hands a representative's suggestion to the unit that answers it.

Files only: the caller gives a plain record and gets an A4 portrait PDF with the bundled CJK font
embedded, written atomically. No database, no business rules.

Laid out like the three forms (:mod:`station_app.io.forms_pdf`, whose building blocks it uses): the
station's name in red over the red double rule, the title and the number on the right; the letter to
the unit with the day the answer is due; the station's name and the date to seal; then the suggestion
in a ruled table (number, representatives, title, content, unit, deadline) with the station head's
signature and the unit's signature for receipt.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from station_app.i18n import tr
from station_app.io.forms_pdf import (
    CONTENT_W,
    FRAME_H,
    LETTER_LEADING,
    LETTER_SIZE,
    _build,
    _date,
    _Heading,
    _Rows,
    _SignArea,
    _SignOff,
    _Text,
)
from station_app.io.pdf import SectionStart, chinese_date, register_pdf_fonts
from station_app.vocab import SuggestionScope


@dataclass(frozen=True)
class LetterPrint:
    """One suggestion as its 交办函 prints it; a date of None is left blank to write by hand."""

    station: str  # "东河县人大代表监督站"
    number: str  # "东监建〔2026〕3号"
    representatives: str  # "张三、李四"
    title: str
    content: str
    unit: str  # 承办单位
    scope: str  # a SuggestionScope
    opened_on: datetime.date | None
    letter_on: datetime.date | None  # the letter's date (the handover's, for a township matter)
    answer_by: datetime.date | None  # the day the answer is due; None: counted from the letter
    answer_months: int = 1


def letter_title() -> str:
    return tr("代表建议交办函")


def write_letter(path: Path | str, letter: LetterPrint) -> int:
    """The 交办函 of one suggestion. Returns the page count."""
    font = register_pdf_fonts()
    title = letter_title()
    indent = 2 * LETTER_SIZE
    r = letter

    def paragraph(text: str, **options) -> _Text:
        return _Text(text, font=font, size=LETTER_SIZE, leading=LETTER_LEADING, justify=True, **options)

    if r.answer_by is not None:
        due = tr("请于{date}前", date=chinese_date(r.answer_by))
    else:
        due = tr("请自本函发出之日起{n}个月内", n=r.answer_months)
    # "关于……的建议" is not followed by 建议 again
    quoted = r.title.rstrip("。．.，,；;：: ")
    named = (tr("“{title}”", title=quoted) if quoted.endswith(tr("建议"))
             else tr("“{title}”建议", title=quoted))
    body = tr("现将{reps}代表提出的{named}（{number}）交由你单位办理。请认真研究，积极采纳，"
              "{due}将办理结果书面答复代表本人，同时抄送我站；确因客观原因不能按期答复的，请书面说明原因。",
              reps=r.representatives, named=named, number=r.number, due=due)
    story: list[Flowable] = [
        SectionStart(title, r.number),
        _Heading(r.station, title, r.number, "", font),
        paragraph(tr("{unit}：", unit=r.unit)),
        paragraph(body, indent=indent),
        paragraph(tr("特此函告。"), indent=indent),
        _SignOff(r.station, chinese_date(r.letter_on) or tr("　　　　年　　月　　日"), font),
        Spacer(1, 2 * mm),
    ]
    rows = _Rows(font)
    rows.pair(tr("建议编号"), r.number, tr("提出日期"), _date(r.opened_on))
    rows.wide(tr("提出代表"), r.representatives)
    rows.wide(tr("建议标题"), r.title)
    rows.text(tr("建议内容"), r.content, min_height=40 * mm)
    rows.pair(tr("承办单位"), r.unit, tr("办理层级"), SuggestionScope.label_of(r.scope))
    rows.pair(tr("交办日期"), _date(r.letter_on), tr("答复期限"), _date(r.answer_by))
    rows.wide(tr("交办意见"), _SignArea([tr("经办人（签字）："), tr("站长（签字）：")], chinese_date(r.letter_on), font,
                                     height=20 * mm))
    rows.wide(tr("签　　收"), _SignArea([tr("承办单位签收人（签字）：")], "", font, seal=False, height=15 * mm))
    above = sum(flowable.wrap(CONTENT_W, FRAME_H)[1] for flowable in story)
    rows.fit(tr("注：本函一式两份，监督站、承办单位各留存一份。承办单位答复后，监督站请提出建议的代表对答复作出评价。"),
             FRAME_H - above)
    story.append(rows.table())
    return _build(path, story, title, font)
