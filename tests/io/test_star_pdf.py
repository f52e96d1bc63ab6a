"""The 代表之星 notice: one A4 portrait page a station with its stars, what they did, the basis and the foot."""
from __future__ import annotations

import datetime as dt

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4

from station_app.io.star_pdf import StarLine, StarNotice, write_star_notice
from station_app.services import points
from station_app.services.errors import StationError
from tests.services.test_points import County

CHENGGUAN = "东河县城关镇人大代表联络站"
NANHU = "东河县南湖镇人大代表联络站"

#: the day the tests' rules are entered: before every month they score
SET_UP_ON = dt.date(2026, 1, 1)


def page_texts(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        assert all((round(p.width), round(p.height)) == (round(A4[0]), round(A4[1])) for p in pdf.pages)
        return [page.extract_text() for page in pdf.pages]


def within_page(path) -> None:
    """No character leaves the page's margins (nothing clipped)."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for ch in page.chars:
                assert 40 < ch["x0"] and ch["x1"] < page.width - 40 and 30 < ch["top"] < page.height - 30, ch["text"]


@pytest.fixture
def month_with_stars(ctx, db):
    county = County(db)
    for name in ("王秀兰", "李建国", "张伟"):
        county.rep(name)
    county.rep("南湖人", station=NANHU, delegation="南湖镇代表团", level="乡")
    county.rep("无积分", station=NANHU)
    day = dt.date(2026, 11, 4)
    county.visits("王秀兰", day, 5)
    county.duty("王秀兰", day)
    county.suggestion("王秀兰", day)
    county.duty("李建国", day)
    county.visits("张伟", day)
    county.visits("南湖人", day, 2)
    points.set_marks(ctx, "2026-11", county.ids["李建国"], "8", "9")
    return county


def test_the_notice_names_each_station_s_stars_with_what_they_did(ctx, month_with_stars, tmp_path):
    path = tmp_path / "代表之星.pdf"
    printed = points.print_stars(ctx, "2026-11", path, today=dt.date(2026, 12, 1))
    assert [s.station for s in printed] == [CHENGGUAN, NANHU]
    chengguan, nanhu = page_texts(path)
    flat = chengguan.replace("\n", "")
    assert chengguan.startswith(CHENGGUAN) and "2026年11月“代表之星”" in chengguan
    assert "评出本月“代表之星” 3 名" in chengguan
    # in order: 王秀兰 21 (12 + 4 + 5), 李建国 17 (4 + 8 × 0.5 + 9), 张伟 4
    assert flat.index("王秀兰") < flat.index("李建国") < flat.index("张伟")
    assert "王秀兰 21" in chengguan and "李建国 17" in chengguan and "张伟 4" in chengguan  # the points beside the name
    assert "城关镇代表团 · 县级代表" in chengguan
    assert "履职情况：值班 1 次、接待选民 5 次、提出建议 1 件" in chengguan
    assert "评选依据：按《履职积分规则》（默认规则）计当月积分" in flat and "互评每分计 1 分" in flat
    assert "特此公示。" in chengguan and chengguan.rstrip().endswith(f"{CHENGGUAN}\n2026年12月1日")
    assert "南湖人" in nanhu and "南湖镇代表团 · 乡级代表" in nanhu and "无积分" not in nanhu
    assert "评出本月“代表之星” 1 名" in nanhu
    within_page(path)


def test_a_saved_rule_is_named_with_its_first_day_in_the_basis(ctx, month_with_stars, tmp_path):
    import dataclasses

    points.save_rule(ctx, dataclasses.replace(points.DEFAULT_RULE, valid_from=dt.date(2026, 1, 1)), today=SET_UP_ON)
    path = tmp_path / "代表之星.pdf"
    points.print_stars(ctx, "2026-11", path, station_id=month_with_stars.stations[NANHU], today=dt.date(2026, 12, 1))
    (page,) = page_texts(path)
    assert "《履职积分规则》（2026年1月1日起施行）" in page.replace("\n", "")


def test_a_month_with_no_star_prints_nothing_and_says_why(ctx, month_with_stars, tmp_path):
    path = tmp_path / "代表之星.pdf"
    with pytest.raises(StationError, match="2026年10月还没有“代表之星”"):
        points.print_stars(ctx, "2026-10", path)
    assert not path.exists()
    with pytest.raises(StationError, match="PDF"):
        points.print_stars(ctx, "2026-11", tmp_path / "x.xlsx")


def test_more_stars_than_a_page_holds_go_on_to_a_second_page_with_the_foot_last(tmp_path):
    deeds = "值班 3 次、接待选民 12 次、视察调研 2 次、参加会议 4 次、提出建议 2 件、助力重点项目 1 次、学习培训 2 次、其他活动 3 次"
    stars = [StarLine(f"代表{n:02d}", "东河县城关镇代表团", "县", str(80 - n), deeds) for n in range(12)]
    path = tmp_path / "many.pdf"
    pages = write_star_notice(path, [StarNotice(CHENGGUAN, "2026年11月“代表之星”", stars, "x", dt.date(2026, 12, 1))])
    texts = page_texts(path)
    assert pages == len(texts) >= 2
    assert "（续）" in texts[1] and "特此公示" not in texts[0] and "特此公示" in texts[-1]
    assert [n for n in range(12) if any(f"代表{n:02d}" in t for t in texts)] == list(range(12))
    within_page(path)
