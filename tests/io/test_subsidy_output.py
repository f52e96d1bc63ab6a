"""误工补贴 on paper and in Excel: the 签领表 (header on every page, totals and capitals on the last only,
room to sign), the meals sheet, the month's workbook and the year's summary; and the service that writes them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from station_app.io.fonts import register_pdf_fonts
from station_app.io.subsidy_excel import write_batch_workbook, write_year_workbook
from station_app.io.subsidy_pdf import MARGIN_X, SIGNOFF_COLUMNS, write_meals_sheet, write_signoff_sheet
from station_app.services import subsidy, subsidy_output
from station_app.services.errors import StationError
from station_app.services.subsidy import Batch, DutyDay, Line, MealDay, Month, PaidTotal, YearRow, YearSummary
from station_app.vocab import BatchState, SlotName, SubsidyLineKind

D = dt.date
HUNDRED = Decimal("100.00")
STATION = "东河县人大代表监督站"
DELEGATIONS = ("城关镇代表团", "八公桥镇代表团", "西岭乡代表团", "柳屯镇代表团")
# 60 three-character names, none inside another
NAMES = [s + g for s in "王李张刘陈杨黄赵周吴" for g in ("秀兰", "建国", "永强", "丽萍", "志刚", "桂英")]
HEADER = "序号姓名代表团值班日期天数标准金额签名备注"
DRAFT_MARK = "草稿（未确认，不作发放凭据）"


def day(d: dt.date, share: str = "1", slots: tuple[str, ...] = (SlotName.WHOLE_DAY,), rate: Decimal = HUNDRED) -> DutyDay:
    return DutyDay(d, slots, Decimal(share), rate, subsidy.money.yuan(rate * Decimal(share)))


def line(seq: int, name: str, days: tuple[DutyDay, ...], *, amount: Decimal | None = None, reason: str = "",
         kind: SubsidyLineKind = SubsidyLineKind.DUTY, corrects: str = "") -> Line:
    computed = sum((d.amount for d in days), Decimal("0.00"))
    return Line(f"l{seq}", seq, kind, f"rep-{name}", name, DELEGATIONS[seq % 4], days, computed,
                computed if amount is None else amount, reason, corrects)


def november(people: int = 15, state: BatchState = BatchState.DRAFT) -> Batch:
    """A realistic month: each person 4 to 8 duty days, one with a half day, one adjusted, and at the end a
    correction to October (a day added, one taken back)."""
    lines = []
    for i in range(people):
        dates = sorted({D(2026, 11, 2 + (i + 3 * j) % 27) for j in range(4 + i % 5)})
        days = [day(d) for d in dates]
        if i == 2:
            days[-1] = day(dates[-1], "0.5", (SlotName.MORNING,))
        if i == 4:
            computed = sum((d.amount for d in days), Decimal("0.00"))
            lines.append(line(i + 1, NAMES[i], tuple(days), amount=computed - Decimal("50.00"),
                              reason="11月12日提前离岗半天"))
            continue
        lines.append(line(i + 1, NAMES[i], tuple(days)))
    correction = (day(D(2026, 10, 14), slots=(SlotName.MORNING,)),
                  DutyDay(D(2026, 10, 21), (SlotName.MORNING,), Decimal("-1"), HUNDRED, Decimal("-100.00")),
                  day(D(2026, 10, 28), slots=(SlotName.AFTERNOON,)))
    lines.append(line(people + 1, NAMES[1], correction, kind=SubsidyLineKind.CORRECTION, corrects="2026-10"))
    meals = tuple(MealDay(D(2026, 11, d), 2 + d % 3, 3 + d % 2) for d in range(2, 28) if D(2026, 11, d).weekday() < 5)
    extra: dict = {}
    if state != BatchState.DRAFT:
        extra = {"confirmed_at": dt.datetime(2026, 12, 2, 1, 30), "confirmed_by": "刘站长"}
    if state == BatchState.PAID:
        extra |= {"paid_on": D(2026, 12, 5), "paid_by": "王会计"}
    return Batch("b1", "s1", STATION, Month(2026, 11), state, tuple(lines), meals, **extra)


def _pages(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return ["".join((page.extract_text() or "").split()) for page in pdf.pages]


def _assert_font_embedded(path: Path) -> None:
    face = pdfmetrics.getFont(register_pdf_fonts()).face.name
    face = face.decode() if isinstance(face, bytes) else face
    assert b"Helvetica" not in path.read_bytes()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert all(face in char["fontname"] for char in page.chars)


def _column_x(header: str) -> tuple[float, float]:
    x = MARGIN_X
    for text, width, _align in SIGNOFF_COLUMNS:
        if text == header:
            return x, x + width
        x += width
    raise KeyError(header)


def _table_rows(page) -> tuple[float, float]:
    """From the top of the header row to the top of the total row (or the page's foot)."""
    top = min(c["top"] for c in page.chars if c["text"] == "序") - 3
    totals = [c["top"] for c in page.chars if c["text"] == "合"]
    return top, min(totals) - 3 if totals else page.height - 15 * mm


def _column_text(path: Path, header: str) -> str:
    """The text inside one column of the table (header and lines), on every page, without spaces."""
    x0, x1 = _column_x(header)
    with pdfplumber.open(path) as pdf:
        return "".join("".join((page.within_bbox((x0, *_table_rows(page)[:1], x1, _table_rows(page)[1]))
                                .extract_text() or "").split()) for page in pdf.pages)


# --- The sign-off sheet (PDF) ------------------------------------------------------------------


def test_a_60_line_sheet_repeats_its_header_numbers_its_pages_and_totals_only_on_the_last(tmp_path):
    batch = november(60)
    path = tmp_path / "签领表.pdf"
    pages = write_signoff_sheet(path, batch, county="东河县")
    texts = _pages(path)
    assert pages == len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert HEADER in text, number
        assert f"第{number}页/共{pages}页" in text
        assert DRAFT_MARK in text
    assert "东河县人大代表监督站2026年11月误工补贴签领表" in texts[0]
    assert all("误工补贴签领表（续）" in text for text in texts[1:])
    for text in texts[:-1]:
        assert "合计" not in text and "人民币（大写）" not in text and "经办人" not in text
    last = texts[-1]
    assert "合计" in last and "￥" + f"{batch.total:,.2f}" in last
    assert "人民币（大写）" + subsidy.money.capitals(batch.total) in last
    assert "经办人：" in last and "审核人：" in last and "日期：" in last
    everything = "".join(texts)
    for name in NAMES:  # the second person also has the correction line at the end
        assert everything.count(name) == (2 if name == NAMES[1] else 1), name
    _assert_font_embedded(path)


def test_the_title_line_gives_the_rate_the_people_and_the_days(tmp_path):
    path = tmp_path / "s.pdf"
    write_signoff_sheet(path, november(15), county="东河县")
    first = _pages(path)[0]
    batch = november(15)
    assert f"标准：100.00元/天（半天减半）人数：15人天数：{batch.day_total.normalize():f}天" in first
    assert "状态：草稿" in first


def test_the_total_is_printed_in_figures_and_in_capitals(tmp_path):
    lines = tuple(line(i + 1, NAMES[i], tuple(day(D(2026, 11, d)) for d in range(2, 13))) for i in range(12))
    batch = Batch("b", "s", STATION, Month(2026, 11), BatchState.CONFIRMED, lines, (),
                  confirmed_at=dt.datetime(2026, 12, 2, 1), confirmed_by="刘站长")
    assert batch.total == Decimal("13200.00")
    path = tmp_path / "s.pdf"
    write_signoff_sheet(path, batch)
    last = _pages(path)[-1]
    assert "￥13,200.00" in last and "人民币（大写）壹万叁仟贰佰元整" in last


def test_the_duty_dates_wrap_inside_their_cell_and_are_never_clipped(tmp_path):
    many = tuple(day(D(2026, 11, d)) for d in range(1, 31))
    batch = Batch("b", "s", STATION, Month(2026, 11), BatchState.DRAFT, (line(1, "王秀兰", many),))
    path = tmp_path / "s.pdf"
    write_signoff_sheet(path, batch)
    x0, x1 = _column_x("值班日期")
    assert _column_text(path, "值班日期") == "值班日期" + batch.lines[0].dates_text
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        top, bottom = _table_rows(page)
        inside = page.within_bbox((x0, top, x1, bottom)).extract_text()
        dates = [c for c in page.chars if c["text"] in "日、" and top < c["top"] < bottom]
    assert len(inside.split("\n")) >= 6  # wrapped over many lines
    assert dates and all(x0 < c["x0"] and c["x1"] < x1 for c in dates)


def test_every_person_row_leaves_at_least_9_mm_to_sign(tmp_path):
    path = tmp_path / "s.pdf"
    batch = november(15)
    write_signoff_sheet(path, batch)
    x0, x1 = _column_x("签名")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        header = min(c["top"] for c in page.chars if c["text"] == "序")
        total = min(c["top"] for c in page.chars if c["text"] == "合")
        rules = sorted({round(edge["top"], 1) for edge in page.lines
                        if edge["height"] < 0.1 and edge["x0"] <= x0 + 1 and edge["x1"] >= x1 - 1
                        and header < edge["top"] < total})
    assert len(rules) == len(batch.lines) + 1  # under the header, then under each line
    assert all(b - a >= 9 * mm for a, b in zip(rules, rules[1:]))


def test_correction_and_adjusted_lines_say_so_in_the_remarks(tmp_path):
    path = tmp_path / "s.pdf"
    write_signoff_sheet(path, november(15))
    dates, remarks = _column_text(path, "值班日期"), _column_text(path, "备注")
    assert "+10月14日、−21日、+28日" in dates and "（上午）" in dates
    assert remarks == "备注应发800.00元，调整为750.00元：11月12日提前离岗半天2026年10月更正"


def test_a_confirmed_sheet_shows_who_confirmed_and_a_paid_one_who_paid_and_when(tmp_path):
    confirmed, paid = tmp_path / "c.pdf", tmp_path / "p.pdf"
    write_signoff_sheet(confirmed, november(60, BatchState.CONFIRMED))
    write_signoff_sheet(paid, november(15, BatchState.PAID))
    texts = _pages(confirmed)
    assert "刘站长确认于2026年12月2日" in texts[0]
    assert all(DRAFT_MARK not in text and "草稿" not in text for text in texts)
    assert "发放日期" not in texts[-1]
    paid_pages = _pages(paid)
    assert "已发放（刘站长确认于2026年12月2日，2026年12月5日发放）" in paid_pages[0]
    last = paid_pages[-1]
    assert "发放日期：2026年12月5日" in last and "发放人：王会计" in last


def test_a_month_with_nothing_to_pay_prints_one_page_saying_so(tmp_path):
    path = tmp_path / "s.pdf"
    assert write_signoff_sheet(path, Batch(None, "s", STATION, Month(2026, 11), BatchState.DRAFT)) == 1
    (text,) = _pages(path)
    assert "本月没有应发的误工补贴" in text and HEADER not in text and "第1页/共1页" in text


# --- The meals sheet ---------------------------------------------------------------------------


def test_the_meals_sheet_counts_each_duty_day_with_its_weekday_and_the_totals(tmp_path):
    batch = november(15, BatchState.CONFIRMED)
    path = tmp_path / "m.pdf"
    assert write_meals_sheet(path, batch, county="东河县") == 1
    (text,) = _pages(path)
    assert "东河县人大代表监督站2026年11月值班用餐统计" in text
    assert "序号日期早餐（份）午餐（份）备注" in text
    for meal in batch.meals:
        weekday = "一二三四五六日"[meal.day.weekday()]
        assert f"11月{meal.day.day}日星期{weekday}{meal.breakfast}{meal.lunch}" in text
    assert f"合计{len(batch.meals)}天{batch.breakfasts}{batch.lunches}" in text
    assert "经办人：" in text and "审核人：" in text and "第1页/共1页" in text
    _assert_font_embedded(path)


# --- The month's workbook ----------------------------------------------------------------------


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_the_workbook_sign_off_sheet_has_each_amount_and_a_total_equal_to_their_sum(tmp_path):
    batch = november(60, BatchState.PAID)
    path = tmp_path / "签领表.xlsx"
    write_batch_workbook(path, batch, county="东河县")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["签领表", "用餐统计", "明细"]
    ws = workbook["签领表"]
    rows = _rows(ws)
    assert rows[0][0] == "东河县人大代表监督站 2026年11月误工补贴签领表"
    assert "人数：60 人" in rows[1][0] and "刘站长确认于2026年12月2日" in rows[1][0]
    assert list(rows[2]) == ["序号", "姓名", "代表团", "值班日期", "天数", "标准", "金额", "签名", "备注"]
    body = rows[3:3 + len(batch.lines)]
    assert [r[1] for r in body] == [line.name for line in batch.lines]
    assert [r[3] for r in body] == [line.dates_text for line in batch.lines]
    assert [Decimal(str(r[6])) for r in body] == [line.amount for line in batch.lines]
    assert [Decimal(str(r[4])) for r in body] == [line.day_count for line in batch.lines]
    assert all(r[7] is None for r in body)  # left blank to sign
    assert ws.cell(4, 7).number_format == "#,##0.00"
    total = rows[3 + len(batch.lines)]
    assert total[1] == "合计" and Decimal(str(total[6])) == sum(Decimal(str(r[6])) for r in body) == batch.total
    assert total[3] == "人民币（大写）" + subsidy.money.capitals(batch.total)
    notes = [r[0] for r in rows[4 + len(batch.lines):] if r[0]]
    assert notes[0].startswith("经办人：") and "审核人：" in notes[0] and "日期：" in notes[0]
    assert notes[1].startswith("发放日期：2026年12月5日") and "发放人：王会计" in notes[1]
    # printable: A4, the header row repeated, every person's row tall enough to sign in
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$3:$3"
    assert all(ws.row_dimensions[r].height >= 9 / 25.4 * 72 for r in range(4, 4 + len(batch.lines)))


def test_a_draft_workbook_says_so_above_the_table_and_on_every_printed_page(tmp_path):
    path = tmp_path / "d.xlsx"
    write_batch_workbook(path, november(15))
    ws = openpyxl.load_workbook(path)["签领表"]
    assert DRAFT_MARK in ws["A2"].value
    assert ws.oddHeader.center.text == DRAFT_MARK


def test_the_workbook_amounts_are_exact_to_the_fen(tmp_path):
    odd = Decimal("33.37")  # half of it is 16.685, paid 16.69
    lines = tuple(line(i + 1, NAMES[i], (day(D(2026, 11, 3), rate=odd), day(D(2026, 11, 4), "0.5", rate=odd)))
                  for i in range(7))
    batch = Batch("b", "s", STATION, Month(2026, 11), BatchState.DRAFT, lines)
    path = tmp_path / "f.xlsx"
    write_batch_workbook(path, batch)
    rows = _rows(openpyxl.load_workbook(path)["签领表"])
    amounts = [Decimal(str(r[6])) for r in rows[3:10]]
    assert amounts == [Decimal("50.06")] * 7
    assert Decimal(str(rows[10][6])) == sum(amounts) == batch.total == Decimal("350.42")


def test_the_meals_and_detail_sheets(tmp_path):
    batch = november(15)
    path = tmp_path / "w.xlsx"
    write_batch_workbook(path, batch)
    workbook = openpyxl.load_workbook(path)
    meals = _rows(workbook["用餐统计"])
    assert list(meals[2]) == ["序号", "日期", "星期", "早餐（份）", "午餐（份）", "备注"]
    body = meals[3:3 + len(batch.meals)]
    assert [(r[1].date(), r[3], r[4]) for r in body] == [(m.day, m.breakfast, m.lunch) for m in batch.meals]
    assert body[0][2] == "星期一"
    assert meals[3 + len(batch.meals)][2:5] == ("合计", batch.breakfasts, batch.lunches)
    detail = _rows(workbook["明细"])
    assert list(detail[1]) == ["序号", "姓名", "代表团", "日期", "时段", "份额", "标准", "金额", "类别", "更正月份", "备注"]
    days = [(line, d) for line in batch.lines for d in line.days]
    rows = detail[2:3 + len(days)]  # and one row for the adjusted line
    adjustment = next(r for r in rows if r[3] is None)
    assert adjustment[1] == NAMES[4] and Decimal(str(adjustment[7])) == Decimal("-50.00")
    assert adjustment[10] == "调整：11月12日提前离岗半天"
    assert [(r[1], r[3].date(), Decimal(str(r[5])), Decimal(str(r[7]))) for r in rows if r is not adjustment] == \
        [(line.name, d.day, d.share, d.amount) for line, d in days]
    assert {r[8] for r in rows} == {"值班", "更正"}
    half = next(r for r in rows if r[4] == "上午" and r[8] == "值班")
    assert Decimal(str(half[5])) == Decimal("0.5") and Decimal(str(half[7])) == Decimal("50.00")
    correction = [r for r in rows if r[8] == "更正"]
    assert [Decimal(str(r[5])) for r in correction] == [1, -1, 1] and {r[9] for r in correction} == {"2026年10月"}
    total = detail[3 + len(days)]
    assert total[1] == "合计" and Decimal(str(total[7])) == sum(Decimal(str(r[7])) for r in rows) == batch.total


# --- The year's summary ------------------------------------------------------------------------


def test_the_year_workbook_gives_each_person_by_month_with_totals_and_the_running_total(tmp_path):
    summary = YearSummary(STATION, 2026, (
        YearRow("r1", "王秀兰", "城关镇代表团", {1: Decimal("400.00"), 3: Decimal("250.50")}, Decimal("6.5"), Decimal("650.50")),
        YearRow("r2", "李建国", "八公桥镇代表团", {3: Decimal("100.00"), 12: Decimal("0.05")}, Decimal("1"), Decimal("100.05")),
    ))
    running = PaidTotal(D(2025, 1, 1), Decimal("13200.00"), 12, 15, Decimal("132"))
    path = tmp_path / "y.xlsx"
    write_year_workbook(path, summary, running)
    ws = openpyxl.load_workbook(path)["年度汇总"]
    rows = _rows(ws)
    assert rows[0][0] == "东河县人大代表监督站 2026年误工补贴年度汇总"
    assert rows[1][0] == "自 2025年1月1日 以来共发放 13,200.00 元（壹万叁仟贰佰元整），12 个月，15 人，132 人次"
    assert list(rows[2]) == ["序号", "姓名", "代表团", *[f"{m}月" for m in range(1, 13)], "天数", "合计"]
    first, second, total = rows[3], rows[4], rows[5]
    assert first[:4] == (1, "王秀兰", "城关镇代表团", 400) and first[4] is None and Decimal(str(first[5])) == Decimal("250.5")
    assert Decimal(str(first[15])) == Decimal("6.5") and Decimal(str(first[16])) == Decimal("650.50")
    assert Decimal(str(second[14])) == Decimal("0.05")
    assert total[1] == "合计" and Decimal(str(total[5])) == Decimal("350.50") and Decimal(str(total[16])) == Decimal("750.55")
    assert Decimal(str(total[16])) == sum(Decimal(str(r[16])) for r in (first, second))
    assert ws.page_setup.orientation == "landscape"


def test_the_year_workbook_without_a_running_total(tmp_path):
    path = tmp_path / "y.xlsx"
    write_year_workbook(path, YearSummary(STATION, 2026, ()), None)
    rows = _rows(openpyxl.load_workbook(path)["年度汇总"])
    assert rows[1][0] == "2026年没有已发放的误工补贴"
    assert rows[2][1] == "姓名" and rows[3][1] == "合计" and rows[3][16] == 0


# --- Through the service, with a database ------------------------------------------------------


@pytest.fixture
def station(ctx):
    from tests.services.test_subsidy import Station_

    st = Station_(ctx)
    for d in (4, 11, 18, 25):
        st.turn("王秀兰", D(2026, 11, d))
    st.turn("李建国", D(2026, 11, 5), SlotName.MORNING)
    st.turn("李建国", D(2026, 11, 5), SlotName.AFTERNOON)
    st.turn("赵永强", D(2026, 11, 6))  # fixed income: not on the sheet
    return st


def test_the_service_writes_the_months_sheet_as_pdf_and_excel_and_the_year(ctx, station, tmp_path):
    after = D(2026, 12, 2)
    batch = subsidy_output.write_sheet(ctx, "2026-11", tmp_path / "x.pdf", today=after)
    assert batch.state == BatchState.DRAFT and batch.id is not None and batch.total == Decimal("500.00")
    (text,) = _pages(tmp_path / "x.pdf")
    assert "东河县人大代表监督站2026年11月误工补贴签领表" in text and DRAFT_MARK in text
    assert "王秀兰" in text and "李建国" in text and "赵永强" not in text
    assert "￥500.00" in text and "人民币（大写）伍佰元整" in text
    subsidy_output.write_sheet(ctx, "2026-11", tmp_path / "m.pdf", meals=True, today=after)
    assert "11月5日星期四11" in _pages(tmp_path / "m.pdf")[0]  # both halves: one breakfast, one lunch
    subsidy.confirm(ctx, "2026-11", reviewed_total=Decimal("500.00"), today=after)
    subsidy.pay(ctx, "2026-11", after, "王会计", today=after)
    subsidy_output.write_sheet(ctx, "2026-11", tmp_path / "x.xlsx", today=after)
    rows = _rows(openpyxl.load_workbook(tmp_path / "x.xlsx")["签领表"])
    assert [r[1] for r in rows[3:5]] == ["李建国", "王秀兰"] and rows[5][1] == "合计"
    assert Decimal(str(rows[5][6])) == Decimal("500.00")
    summary = subsidy_output.write_year(ctx, 2026, tmp_path / "y.xlsx", since=D(2026, 1, 1))
    assert summary.total == Decimal("500.00")
    year = _rows(openpyxl.load_workbook(tmp_path / "y.xlsx")["年度汇总"])
    assert year[1][0] == "自 2026年1月1日 以来共发放 500.00 元（伍佰元整），1 个月，2 人，5 人次"
    assert {r[1]: Decimal(str(r[13])) for r in year[3:5]} == {"王秀兰": Decimal("400.00"), "李建国": Decimal("100.00")}


def test_a_sheet_with_a_wrong_suffix_is_refused_in_chinese_and_nothing_is_written(ctx, station, tmp_path):
    with pytest.raises(StationError, match=r"签领表只能保存为 PDF 或 Excel（\.pdf、\.xlsx）"):
        subsidy_output.write_sheet(ctx, "2026-11", tmp_path / "x.docx", today=D(2026, 12, 2))
    with pytest.raises(StationError, match=r"年度汇总只能保存为 Excel（\.xlsx）"):
        subsidy_output.write_year(ctx, 2026, tmp_path / "y.pdf")
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "y.pdf").exists()
