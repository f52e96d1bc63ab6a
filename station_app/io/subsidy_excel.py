"""误工补贴 in Excel: the month's workbook (签领表, 用餐统计, 明细) and the year's summary (年度汇总).

Files only: the caller gives a :class:`~station_app.services.subsidy.Batch` or a
:class:`~station_app.services.subsidy.YearSummary` and gets a workbook written atomically through
:func:`station_app.io.excel_write.write_workbook`. Amounts are written as the ``Decimal`` they are (never
float arithmetic), so the total cell is the sum of the line cells to the fen.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from station_app.i18n import chinese_date, tr, weekday
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.io.subsidy_pdf import (
    draft_mark,
    meals_summary,
    meals_title,
    number_text,
    sheet_station,
    signoff_headers,
    signoff_title,
    state_text,
    summary_text,
    total_capitals,
)
from station_app.services import money
from station_app.services.subsidy import Batch, Month, PaidTotal, YearSummary
from station_app.vocab import BatchState, Meal, SlotName, SubsidyLineKind

SIGN_ROW_HEIGHT = 30.0  # points (10.6 mm): room to sign by hand
LINE_HEIGHT = 15.0  # points a wrapped line of text takes

#: the 签领表's columns, as the PDF prints them (headers from ``signoff_headers``): key, width, kind
SIGNOFF_COLUMNS = (("seq", 6, "int"), ("name", 10, "text"), ("delegation", 16, "text"), ("dates", 30, "text"),
                   ("days", 7, "number"), ("rate", 10, "text"), ("amount", 13, "money"), ("signature", 14, "text"),
                   ("remark", 24, "text"))


def _signoff_columns() -> list[Column]:
    return [Column(key, header, width, kind) for (key, width, kind), header in zip(SIGNOFF_COLUMNS, signoff_headers())]


def _display_width(text: str) -> int:
    """Excel's column units a text takes: a Chinese character two, a digit or letter one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    return max(1, math.ceil(_display_width(text) / max(1.0, width - 1.5)))


def sign_lines(batch: Batch | None = None) -> list[str]:
    """经办人, 审核人 and 日期 to sign by hand; once paid, the 发放日期 and 发放人 the batch records."""
    lines = [tr("经办人：{line}　　　　审核人：{line}　　　　日期：{date}", line="＿" * 8, date="＿＿＿＿年＿＿月＿＿日")]
    if batch is not None and batch.state == BatchState.PAID:
        lines.append(tr("发放日期：{day}　　　　发放人：{by}", day=chinese_date(batch.paid_on), by=batch.paid_by))
    return lines


def _signoff_sheet(batch: Batch, county: str) -> SheetSpec:
    widths = {key: width for key, width, _kind in SIGNOFF_COLUMNS}
    draft = batch.state == BatchState.DRAFT
    rows = [{"seq": line.seq, "name": line.name, "delegation": line.delegation, "dates": line.dates_text,
             "days": line.day_count, "rate": line.rate_text, "amount": line.amount, "signature": "",
             "remark": line.remark} for line in batch.lines]

    def height(row: Mapping[str, object]) -> float:
        wrapped = max(_lines(str(row[key] or ""), widths[key]) for key in ("dates", "remark", "delegation", "name"))
        return max(SIGN_ROW_HEIGHT, wrapped * LINE_HEIGHT + 4)

    subheading = "　".join(part for part in (summary_text(batch) if batch.lines else "", state_text(batch)) if part)
    if draft:
        subheading += "　" + draft_mark()
    totals = [{"seq": None, "name": tr("合计"), "delegation": tr("{count} 人", count=batch.people),
               "dates": total_capitals(batch.total), "days": batch.day_total, "amount": batch.total}]
    notes = sign_lines(batch)
    if not batch.lines:
        notes.insert(0, tr("{month}没有无固定收入的代表出勤值班，无需签领", month=batch.month.label))
    return SheetSpec(tr("签领表"), _signoff_columns(), rows, heading=signoff_title(batch, county),
                     subheading=subheading, totals=totals, notes=notes, row_height=height,
                     page_header=draft_mark() if draft else "", autofilter=False)


def _meals_sheet(batch: Batch, county: str) -> SheetSpec:
    columns = [Column("seq", tr("序号"), 6, "int"), Column("day", tr("日期"), 12, "date"),
               Column("weekday", tr("星期"), 8),
               Column("breakfast", tr("{meal}（份）", meal=Meal.BREAKFAST.label), 12, "int"),
               Column("lunch", tr("{meal}（份）", meal=Meal.LUNCH.label), 12, "int"), Column("remark", tr("备注"), 24)]
    rows = [{"seq": index, "day": meal.day, "weekday": weekday(meal.day.weekday()), "breakfast": meal.breakfast,
             "lunch": meal.lunch} for index, meal in enumerate(batch.meals, start=1)]
    draft = batch.state == BatchState.DRAFT
    subheading = "　".join(part for part in (meals_summary(batch) if batch.meals else "", state_text(batch)) if part)
    totals = [{"day": None, "weekday": tr("合计"), "breakfast": batch.breakfasts, "lunch": batch.lunches,
               "remark": tr("{days} 天", days=len(batch.meals))}]
    return SheetSpec(tr("用餐统计"), columns, rows, heading=meals_title(batch, county),
                     subheading=subheading, totals=totals, notes=sign_lines(), row_height=22,
                     page_header=draft_mark() if draft else "", autofilter=False)


def _detail_sheet(batch: Batch, county: str) -> SheetSpec:
    """One row per person and day; an adjusted line adds a row with the difference and its reason, so the
    sheet adds up to the 签领表's total."""
    columns = [Column("seq", tr("序号"), 6, "int"), Column("name", tr("姓名"), 10),
               Column("delegation", tr("代表团"), 16), Column("day", tr("日期"), 12, "date"),
               Column("slots", tr("时段"), 10), Column("share", tr("份额"), 7, "number"),
               Column("rate", tr("标准"), 10, "money"), Column("amount", tr("金额"), 12, "money"),
               Column("kind", tr("类别"), 8), Column("corrects", tr("更正月份"), 12), Column("remark", tr("备注"), 30)]

    def rows():
        for line in batch.lines:
            person = {"seq": line.seq, "name": line.name, "delegation": line.delegation, "kind": line.kind.label,
                      "corrects": Month.parse(line.corrects_month).label
                      if line.kind == SubsidyLineKind.CORRECTION else ""}
            for d in line.days:
                yield person | {"day": d.day, "slots": "、".join(SlotName.label_of(s) for s in d.slots),
                                "share": d.share, "rate": d.rate, "amount": d.amount}
            if line.adjusted:
                yield person | {"amount": line.amount - line.computed,
                                "remark": tr("调整：{reason}", reason=line.adjust_reason)}

    totals = [{"name": tr("合计"), "share": batch.day_total, "amount": batch.total}]
    return SheetSpec(tr("明细"), columns, rows(),
                     heading=tr("{station} {month}误工补贴明细", station=sheet_station(batch, county),
                                month=batch.month.label).strip(), totals=totals)


def write_batch_workbook(path: Path | str, batch: Batch, *, county: str = "") -> None:
    """The month's workbook at ``path``: 签领表 (to print and sign), 用餐统计 (per duty day) and 明细 (one row
    per person and day, what each amount is made of)."""
    write_workbook(path, [_signoff_sheet(batch, county), _meals_sheet(batch, county), _detail_sheet(batch, county)])


def running_text(running: PaidTotal) -> str:
    """"自 2025年1月1日 以来共发放 13,200.00 元（壹万叁仟贰佰元整），12 个月，15 人，132 人次"."""
    return tr("自 {since} 以来共发放 {total} 元（{capitals}），{months} 个月，{people} 人，{times} 人次",
              since=chinese_date(running.since), total=money.format_yuan(running.total),
              capitals=money.capitals(running.total), months=running.months, people=running.people,
              times=number_text(running.person_days))


def write_year_workbook(path: Path | str, summary: YearSummary, running: PaidTotal | None) -> None:
    """The year's paid subsidy at ``path``: one row per person (序号, 姓名, 代表团, 1月 … 12月, 天数, 合计) and a
    totals row; with ``running``, the total paid since its day above the table."""
    months = range(1, 13)
    columns = [Column("seq", tr("序号"), 6, "int"), Column("name", tr("姓名"), 10),
               Column("delegation", tr("代表团"), 16)]
    columns += [Column(f"m{m}", tr("{month}月", month=m), 10, "money") for m in months]
    columns += [Column("days", tr("天数"), 7, "number"), Column("total", tr("合计"), 12, "money")]
    rows = []
    for index, row in enumerate(summary.rows, start=1):
        record: dict[str, object] = {"seq": index, "name": row.name, "delegation": row.delegation,
                                     "days": row.days, "total": row.total}
        record.update({f"m{m}": row.by_month[m] for m in months if m in row.by_month})
        rows.append(record)
    by_month = summary.by_month
    totals: dict[str, object] = {"name": tr("合计"), "delegation": tr("{count} 人", count=len(summary.rows)),
                                 "days": summary.days, "total": summary.total}
    totals.update({f"m{m}": by_month.get(m, Decimal("0.00")) for m in months})
    lines = [running_text(running)] if running is not None else []
    if not summary.rows:
        lines.append(tr("{year}年没有已发放的误工补贴", year=summary.year))
    notes = [tr("合计：{total} 元（{capitals}）", total=money.format_yuan(summary.total),
                capitals=money.capitals(summary.total))]
    sheet = SheetSpec(tr("年度汇总"), columns, rows,
                      heading=tr("{station} {year}年误工补贴年度汇总", station=summary.station_name, year=summary.year),
                      subheading="　".join(lines) or None, totals=[totals], notes=notes, landscape=True,
                      autofilter=False)
    write_workbook(path, [sheet])
