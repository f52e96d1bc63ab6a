"""Duty-roster printouts: the month calendar (A4 landscape, names kept inside their day's cell,
count pages after it) and the month's empty posts (A4 portrait, header row on every page)."""
from __future__ import annotations

import datetime
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.pdfbase import pdfmetrics

from station_app.io.fonts import register_pdf_fonts
from station_app.io.pdf import month_day_weekday
from station_app.io.roster_pdf import (
    COUNT_BLOCKS,
    COUNT_GUTTER,
    COUNT_NUM_W,
    MARGIN_X,
    PAGE_SIZE,
    EmptyPost,
    PrintedDay,
    PrintedPerson,
    PrintedSlot,
    cell_box,
    write_empty_posts_pdf,
    write_month_roster_pdf,
)

STATION = "濮阳县城关镇人大代表联络站"
PLAN = "2026年第四季度值班计划"
D = datetime.date
P = PrintedPerson
REPS = ["王伟", "李娜", "张秀英", "刘洋", "陈静", "赵磊", "孙丽", "周杰", "马晓燕", "黄建军"]
HEADS = [("郑主任", "县税务局"), ("冯科长", "县市场监督管理局"), ("韩股长", "县人社局")]
# The busy day: six long-ish names, two of them window-unit heads; these names appear nowhere else.
CROWDED = (
    PrintedSlot("上午", (P("欧阳建国"), P("阿不都热合曼·买买提", mark="替班"), P("司马相如", unit="县市场监督管理局")), 3),
    PrintedSlot("下午", (P("诸葛孔明"), P("买买提·艾力", mark="调班"), P("上官婉儿", unit="县人力资源和社会保障局")), 3),
)
CROWDED_DAY = 20
CROWDED_NAMES = ["欧阳建国", "阿不都热合曼·买买提", "司马相如", "诸葛孔明", "买买提·艾力", "上官婉儿"]


def october_2026() -> list[PrintedDay]:
    """October 2026: National Day 1-7 off (国庆节), Saturday 10-10 a make-up working day (调休上班),
    two slots (2 representatives + 1 window head each) on every working day; 10-15 afternoon is one
    short, 10-09 has a swap (调班) and a stand-in (替班), 10-12 a manual assignment (手工)."""
    days = [PrintedDay(D(2026, 10, d), "国庆节", off=True) for d in range(1, 8)]
    for d in range(8, 32):
        day = D(2026, 10, d)
        if day.weekday() >= 5 and d != 10:
            continue
        if d == CROWDED_DAY:
            days.append(PrintedDay(day, slots=CROWDED))
            continue
        i = d % len(REPS)
        am = (P(REPS[i]), P(REPS[(i + 1) % 10], mark="调班" if d == 9 else ""), P(HEADS[d % 3][0], unit=HEADS[d % 3][1]))
        pm = (P(REPS[(i + 2) % 10], mark="替班" if d == 9 else ""), P(REPS[(i + 3) % 10], mark="手工" if d == 12 else ""),
              P(HEADS[(d + 1) % 3][0], unit=HEADS[(d + 1) % 3][1]))
        if d == 15:
            pm = pm[:2]
        days.append(PrintedDay(day, "调休上班" if d == 10 else "",
                               slots=(PrintedSlot("上午", am, 3), PrintedSlot("下午", pm, 3))))
    return days


COUNTS = [(f"代表{i:03d}", 4, 4 - i % 3 // 2, i % 3 // 2) for i in range(440)]


def _write_month(path: Path, **overrides) -> int:
    arguments = {"station": STATION, "plan": PLAN, "year": 2026, "month": 10, "days": october_2026(),
                     "footer": "制表：城关镇人大办公室"}
    arguments.update(overrides)
    return write_month_roster_pdf(path, **arguments)


def _flat(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


def _render(pdf: Path, page: int = 1, scale: float = 1.0) -> Image.Image:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[page - 1].render(scale=scale).to_pil().convert("L")
    finally:
        document.close()


def _assert_font_embedded(path: Path) -> None:
    face = pdfmetrics.getFont(register_pdf_fonts()).face.name
    face = face.decode() if isinstance(face, bytes) else face
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert page.chars and all(face in char["fontname"] for char in page.chars)
            fonts = page.page_obj.resources["Font"].resolve()
            assert fonts
            for ref in fonts.values():
                font = ref.resolve()
                assert face in str(font["BaseFont"])
                assert "FontFile2" in font["FontDescriptor"].resolve()  # glyphs inside, not just named


@pytest.fixture(scope="module")
def month_pdf(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("roster") / "值班表.pdf"
    return path, _write_month(path)


@pytest.fixture(scope="module")
def month_with_counts(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("roster") / "值班表含统计.pdf"
    return path, _write_month(path, counts=COUNTS)


# ---------------------------------------------------------------------------------------------
# Month calendar


def test_month_roster_text(month_pdf):
    path, pages = month_pdf
    assert pages == 1
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        text = page.extract_text()
        cells = {day: page.within_bbox(_cell_bbox(2026, 10, day, page.height)).extract_text() for day in range(1, 32)}
    flat = _flat(text)
    assert f"{STATION} 2026年10月值班表" in text
    assert PLAN in flat
    for expected in ("星期一", "星期日", "第 1 页 / 共 1 页", "制表：城关镇人大办公室"):
        assert expected in text
    # Each day's cell holds its own day number, note and people.
    for day, cell in cells.items():
        assert cell.split()[0] == str(day)
        assert ("国庆节" in cell) == (day <= 7)
        assert ("缺 1 人" in cell) == (day == 15)
    assert "调休上班" in cells[10] and "上午" in cells[10] and "下午" in cells[10]
    assert cells[11].split() == ["11"] and cells[8].split()[1] == "上午"
    assert text.count("国庆节") == 7 and text.count("缺 1 人") == 1
    for day in (9, 13, 16):
        i = day % len(REPS)
        assert all(REPS[(i + k) % 10] in cells[day] for k in range(4))
        assert HEADS[day % 3][0] in cells[day] and HEADS[day % 3][1] in cells[day]  # window head with unit
    for name in CROWDED_NAMES:
        assert name in _flat(cells[CROWDED_DAY])
    # Marks: a one-character tag right after the name, explained in the legend.
    assert "调＝调班" in flat and "替＝替班" in flat and "手＝手工指派" in flat
    assert f"{REPS[0]}调" in _flat(cells[9]) and f"{REPS[1]}替" in _flat(cells[9])
    assert f"{REPS[5]}手" in _flat(cells[12])
    assert "阿不都热合曼·买买提替" in _flat(cells[CROWDED_DAY]) and "买买提·艾力调" in _flat(cells[CROWDED_DAY])


def test_month_roster_is_landscape_with_grey_days_off(month_pdf):
    path, _ = month_pdf
    image = _render(path)  # 1 pixel per point
    assert image.width > image.height
    assert image.width == pytest.approx(PAGE_SIZE[0], abs=1) and image.height == pytest.approx(PAGE_SIZE[1], abs=1)

    def shade(day: int) -> int:
        """Brightness near the bottom-right corner of the day's cell (away from any text)."""
        box = cell_box(2026, 10, day)
        x, y = int(box.x1 - 5), int(PAGE_SIZE[1] - box.y0 - 5)
        return image.getpixel((x, y))

    assert shade(3) < 235  # 国庆节: grey
    assert 235 <= shade(18) < 252  # a Sunday with nothing on it: light grey
    assert shade(13) > 252  # a working day: white
    assert shade(10) > 252  # the make-up Saturday is a working day


def test_cell_box_tiles_the_grid():
    monday, tuesday = cell_box(2026, 10, 5), cell_box(2026, 10, 6)
    assert cell_box(2026, 10, 1).x0 == pytest.approx(cell_box(2026, 10, 29).x0)  # both Thursdays
    assert cell_box(2026, 10, 1).x0 == pytest.approx(monday.x0 + 3 * (monday.x1 - monday.x0))
    assert cell_box(2026, 10, 4).x1 == pytest.approx(PAGE_SIZE[0] - monday.x0)  # Sunday is the last column
    assert monday.x1 == pytest.approx(tuesday.x0) and monday.y0 == pytest.approx(tuesday.y0)
    assert cell_box(2026, 10, 12).y1 == pytest.approx(monday.y0)  # the next week sits right under it
    assert monday.x1 - monday.x0 > 100 and monday.y1 - monday.y0 > 70
    # August 2026 starts on a Saturday and needs six rows; the grid keeps the same height.
    assert cell_box(2026, 8, 31).y0 == pytest.approx(cell_box(2026, 10, 31).y0)
    with pytest.raises(ValueError):
        cell_box(2026, 2, 29)


def _cell_bbox(year: int, month: int, day: int, page_height: float) -> tuple[float, float, float, float]:
    box = cell_box(year, month, day)
    return box.x0, page_height - box.y1, box.x1, page_height - box.y0  # pdfplumber: top-down


def _grid_bboxes(year: int, month: int, page_height: float) -> list[tuple[float, float, float, float]]:
    last = (D(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return [_cell_bbox(year, month, day, page_height) for day in range(1, last + 1)]


def _straddling(chars: list[dict], cells: list[tuple[float, float, float, float]]) -> list[str]:
    """Characters partly inside and partly outside some cell (i.e. over a grid line)."""
    eps = 0.01
    wrong = []
    for char in chars:
        for x0, top, x1, bottom in cells:
            overlaps = char["x0"] < x1 and char["x1"] > x0 and char["top"] < bottom and char["bottom"] > top
            inside = (char["x0"] >= x0 - eps and char["x1"] <= x1 + eps and char["top"] >= top - eps
                      and char["bottom"] <= bottom + eps)
            if overlaps and not inside:
                wrong.append(char["text"])
    return wrong


def test_crowded_day_stays_inside_its_cell(month_pdf):
    path, _ = month_pdf
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        bbox = _cell_bbox(2026, 10, CROWDED_DAY, page.height)
        inside = _flat(page.within_bbox(bbox).extract_text())
        everywhere = "".join(char["text"] for char in page.chars)
        for name in CROWDED_NAMES:
            assert name in inside, name  # so every character of it lies within the cell
            assert everywhere.count(name) == 1, name  # ... and it is not drawn anywhere else
        assert "县人力资源和社会保障局" in inside
        assert _straddling(page.chars, _grid_bboxes(2026, 10, page.height)) == []
        sizes = {round(char["size"], 2) for char in page.within_bbox(bbox).chars if char["text"] in "欧阳建国"}
    assert min(sizes) >= 6  # shrunk if need be, never below 6 pt


def test_overfull_day_is_cut_short_inside_its_cell(tmp_path):
    names = [f"阿不都热合曼·买买提{i}" for i in range(12)]
    slots = (PrintedSlot("上午", tuple(P(n, unit="县人力资源和社会保障局") for n in names[:6]), 8),
             PrintedSlot("下午", tuple(P(n, mark="调班") for n in names[6:]), 6))
    path = tmp_path / "overfull.pdf"
    # August 2026 has six rows, so its cells are the smallest.
    write_month_roster_pdf(path, station=STATION, plan=PLAN, year=2026, month=8,
                           days=[PrintedDay(D(2026, 8, 12), "闭站前最后一天：请各位代表提前到岗", slots=slots)])
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert _straddling(page.chars, _grid_bboxes(2026, 8, page.height)) == []
        inside = page.within_bbox(_cell_bbox(2026, 8, 12, page.height))
        assert "…" in inside.extract_text()
        assert min(char["size"] for char in inside.chars if char["text"] not in "调替手") >= 6
        assert min(char["size"] for char in inside.chars) >= 5  # the boxed mark tags


def test_long_note_on_a_closed_day_wraps_inside_the_cell(tmp_path):
    path = tmp_path / "closed.pdf"
    note = "闭站：办公楼电路改造，暂停接待，急事请联系镇人大办公室"
    write_month_roster_pdf(path, station=STATION, plan="", year=2026, month=10,
                           days=[PrintedDay(D(2026, 10, 27), note, off=True)])
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        inside = _flat(page.within_bbox(_cell_bbox(2026, 10, 27, page.height)).extract_text())
        assert _straddling(page.chars, _grid_bboxes(2026, 10, page.height)) == []
    assert note in inside


def test_month_roster_with_counts_adds_pages(month_with_counts):
    path, pages = month_with_counts
    assert 1 < pages <= 5
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == pages
        texts = [page.extract_text() for page in pdf.pages]
        sizes = [(page.width, page.height) for page in pdf.pages]
    assert all(width > height for width, height in sizes)
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {pages} 页" in text
    for text in texts[1:]:
        assert f"{STATION} 2026年10月值班次数统计" in text
        for header in ("姓名", "排班", "出勤", "缺勤"):
            assert header in text
    assert texts[1].count("姓名") >= 3  # side-by-side blocks, each with its header
    rest = "".join(texts[1:])
    assert all(name in rest for name, *_ in COUNTS)
    assert "代表001" not in texts[0]
    total_missed = sum(missed for *_, missed in COUNTS)
    assert f"合计 {440 * 4} {440 * 4 - total_missed} {total_missed}" in texts[-1]
    assert _render(path, 2).width > _render(path, 2).height


def test_a_name_told_apart_from_its_namesakes_is_printed_whole_in_the_calendar_and_the_counts(tmp_path):
    """Two 张建华 of one delegation are printed with what separates them; the longest such name (the
    delegation and the phone's last digits) is never cut short with "…", in its day's cell or in the
    narrow name column of the counts."""
    long_name = "张建华（西岭乡代表团，尾号0985）"
    names = [long_name, "张建华（尾号0682）", "王芳（城关镇代表团）"]
    day = PrintedDay(D(2026, 10, 12), slots=(
        PrintedSlot("上午", (P(names[0]), P(names[1]), P("刘洋（县税务局）", unit="县税务局")), 3),
        PrintedSlot("下午", (P(names[2]), P("李娜"), P("郑主任", unit="县税务局")), 3)))
    path = tmp_path / "namesakes.pdf"
    pages = _write_month(path, days=[day], counts=[(name, 1, 1, 0) for name in names] + COUNTS[:40])
    with pdfplumber.open(path) as pdf:
        box = cell_box(2026, 10, 12)
        height = pdf.pages[0].height
        cell = pdf.pages[0].crop((box.x0, height - box.y1, box.x1, height - box.y0))
        in_cell = _flat(cell.extract_text())
        # the first block's name column of the counts page
        block_w = (PAGE_SIZE[0] - 2 * MARGIN_X - (COUNT_BLOCKS - 1) * COUNT_GUTTER) / COUNT_BLOCKS
        column = pdf.pages[1].crop((MARGIN_X, 0, MARGIN_X + block_w - 3 * COUNT_NUM_W, height))
        counts = _flat(column.extract_text())
    assert pages == 2
    for name in names:
        assert name in in_cell
        assert name in counts
    assert "…" not in in_cell and "…" not in counts


def test_every_page_embeds_the_font(month_with_counts):
    _assert_font_embedded(month_with_counts[0])


def test_day_outside_the_month_is_refused_and_nothing_written(tmp_path):
    path = tmp_path / "roster.pdf"
    path.write_bytes(b"old")
    with pytest.raises(ValueError, match="2026-11-01"):
        _write_month(path, days=[PrintedDay(D(2026, 11, 1), "下月")])
    with pytest.raises(ValueError, match="2026-10-09"):
        _write_month(path, days=[PrintedDay(D(2026, 10, 9)), PrintedDay(D(2026, 10, 9))])
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.pdf"]


def test_single_all_day_slot_has_no_label(tmp_path):
    path = tmp_path / "allday.pdf"
    days = [PrintedDay(D(2026, 10, 13), slots=(PrintedSlot("全天", (P("王伟"), P("李娜")), 2),))]
    write_month_roster_pdf(path, station=STATION, plan=PLAN, year=2026, month=10, days=days)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        inside = page.within_bbox(_cell_bbox(2026, 10, 13, page.height)).extract_text()
    assert "王伟" in inside and "李娜" in inside
    assert "全天" not in inside and "缺" not in inside


# ---------------------------------------------------------------------------------------------
# Empty posts

UNITS = ["县税务局", "城关镇代表团", "县市场监督管理局", "文留镇代表团"]


def _posts(count: int) -> list[EmptyPost]:
    posts = []
    for i in range(count):
        day = D(2026, 11, 2 + i % 28)
        posts.append(EmptyPost(day, ("上午", "下午")[i % 2], f"{REPS[i % 10]}{i:02d}", UNITS[i % 4],
                               "请假" if i % 4 == 0 else "缺勤",
                               "因病住院，已提前三天电话告知联络站工作人员，另行安排补班" if i % 9 == 0 else ""))
    return posts


def _write_empty(path: Path, posts: list[EmptyPost]) -> int:
    by_person = [(post.person, post.unit, 1) for post in posts]
    by_unit = [("县税务局", 20), ("县市场监督管理局", 20)] if posts else []
    return write_empty_posts_pdf(path, station=STATION, year=2026, month=11, posts=posts, by_person=by_person,
                                 by_unit=by_unit)


def test_month_day_weekday():
    """The empty posts' date column: the page's title names the year and month already."""
    assert month_day_weekday(D(2025, 11, 5)) == "11月5日 星期三"
    assert month_day_weekday(D(2026, 10, 4)) == "10月4日 星期日"


def test_empty_posts_text_and_repeated_header(tmp_path):
    path = tmp_path / "空岗.pdf"
    posts = _posts(80)
    pages = _write_empty(path, posts)
    assert pages >= 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == pages
        texts = [page.extract_text() for page in pdf.pages]
        sizes = [(page.width, page.height) for page in pdf.pages]
    assert all(width < height for width, height in sizes)  # portrait
    first = texts[0]
    assert f"{STATION} 2026年11月空岗情况" in first
    assert "本月共有空岗 80 人次（缺勤 60 人次，请假 20 人次）。" in first
    assert "本月无空岗" not in "".join(texts)
    assert "一、按人员统计" in first
    flat = _flat("".join(texts))
    assert flat.index("一、按人员统计") < flat.index("二、按窗口单位统计") < flat.index("三、空岗明细")
    for post in posts:
        assert post.person in flat
    assert "11月4日星期三" in flat and "县市场监督管理局" in flat
    assert "因病住院" in flat and "另行安排补班" in flat  # a long note wraps within its cell
    # Header rows are repeated on every page a table runs over: 按人员 continues on page 2, then
    # the detail list runs to the last page.
    assert "姓名 单位 空岗次数" in texts[1] and "王伟00" not in texts[1]
    detail_header = "日期 时段 姓名 单位 情况 备注"
    start = next(i for i, text in enumerate(texts) if "三、空岗明细" in text)
    assert start < len(texts) - 1
    for text in texts[start:]:
        assert detail_header in text and "11月" in text
    for text in texts[1:]:
        assert "2026年11月空岗情况（续）" in text
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {pages} 页" in text
    _assert_font_embedded(path)


def test_no_empty_posts_says_so(tmp_path):
    path = tmp_path / "none.pdf"
    assert _write_empty(path, []) == 1
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    assert "本月无空岗" in text
    assert "空岗明细" not in text and "日期" not in text
    assert "第 1 页 / 共 1 页" in text
    _assert_font_embedded(path)


def test_markup_characters_in_data_are_printed_as_text(tmp_path):
    path = tmp_path / "markup.pdf"
    posts = [EmptyPost(D(2026, 11, 3), "上午", "王<伟>", "A&B 公司", "缺勤", "备注 <b>不是粗体</b>")]
    write_empty_posts_pdf(path, station=STATION, year=2026, month=11, posts=posts,
                          by_person=[("王<伟>", "A&B 公司", 1)], by_unit=[])
    with pdfplumber.open(path) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "王<伟>" in text and "A&B 公司" in text and "<b>不是粗体</b>" in text
    assert "二、按窗口单位统计" in text and "无" in text  # an empty table says so


# ---------------------------------------------------------------------------------------------
# A month past the official holiday data: the estimated days off (推定), printed and exported


MONITORING_PLAN = "监督站每日值班"  # the demo's plan for every working day


@pytest.fixture
def february_2027(demo_ctx) -> str:
    """The demo's monitoring-station plan generated over February 2027, a month no official notice covers yet."""
    from station_app.services import roster_generation

    roster_generation.generate(demo_ctx, MONITORING_PLAN, D(2027, 2, 1), D(2027, 2, 28), today=D(2026, 12, 1))
    return MONITORING_PLAN


def test_the_printed_roster_marks_the_estimated_days_off_and_says_what_they_rest_on(demo_ctx, february_2027,
                                                                                     tmp_path):
    from station_app.services import roster_output

    path = tmp_path / "2027年2月.pdf"
    roster_output.print_month(demo_ctx, february_2027, 2027, 2, path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        flat = _flat(page.extract_text())
        cells = {day: _flat(page.within_bbox(_cell_bbox(2027, 2, day, page.height)).extract_text())
                 for day in range(1, 29)}
    assert cells[5] == "5除夕（推定）" and cells[6] == "6春节（推定）"
    assert cells[10] == "10春节（补假，推定）"
    assert "推定" not in cells[11] and "上午" in cells[11]
    assert "推定＝国务院尚未公布当年放假安排，按放假办法和农历推算，不含调休上班" in flat


def test_the_exported_roster_carries_the_estimated_days_off(demo_ctx, february_2027, tmp_path):
    from openpyxl import load_workbook

    from station_app.services import roster_output

    path = tmp_path / "2027年2月.xlsx"
    roster_output.export_month(demo_ctx, 2027, 2, path, february_2027)
    sheet = load_workbook(path)["值班表"]
    header = [cell.value for cell in sheet[2]]
    rows = [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=3)]
    notes = {row["日期"].date(): row["备注"] for row in rows if row["备注"]}
    assert notes[D(2027, 2, 5)] == "除夕（推定）" and notes[D(2027, 2, 10)] == "春节（补假，推定）"
    assert [row["姓名"] for row in rows if row["日期"].date() == D(2027, 2, 10)] == [None]  # nobody on a day off
    assert D(2027, 2, 11) not in notes and any(row["日期"].date() == D(2027, 2, 11) and row["姓名"] for row in rows)
