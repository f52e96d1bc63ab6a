"""The command line's 代表建议 verbs: the same steps and rules as the window."""
from __future__ import annotations

import datetime as dt

import pdfplumber
import pytest
from openpyxl import load_workbook

from station_app.cli import main
from station_app.db.models import Representative, Station
from station_app.db.session import open_database
from station_app.services import settings as settings_service
from station_app.services import suggestions
from station_app.services.context import ServiceContext
from tests.conftest import TESTER
from tests.test_cli import english_words


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


@pytest.fixture
def number(url) -> str:
    """A township suggestion made by 张三 on 2026-03-04 at a station numbering 东监."""
    database = open_database(url)
    ctx = ServiceContext(database, TESTER)
    settings_service.save(ctx, settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
    with database.transaction() as s:
        rep = Representative(name="张三", level="县", station=s.get(Station, ctx.station_id))
        s.add(rep)
    sid = suggestions.open_suggestion(ctx, opened_on=dt.date(2026, 3, 4), title="修建村口便民桥",
                                      content="村口小河没有桥", rep_ids=[rep.id], today=dt.date(2026, 3, 4))
    found = suggestions.suggestion_detail(ctx, sid).row.number
    database.dispose()
    return found


@pytest.mark.parametrize("verb", [["suggestion"], ["suggestion", "list"], ["suggestion", "route"],
                                  ["suggestion", "print"], ["suggestions", "export"]])
def test_the_suggestion_verbs_have_chinese_help(verb, capsys):
    with pytest.raises(SystemExit) as caught:
        main(verb + ["--help"])
    out = capsys.readouterr().out
    assert caught.value.code == 0 and out.startswith("用法：station-app") and english_words(out) == []


def test_a_suggestion_goes_through_its_steps_from_the_command_line(url, number, tmp_path, capsys):
    assert number == "东监建〔2026〕1号"
    assert main(["--db", url, "suggestion", "answer", number, "--date", "2026-03-05", "--text", "已答复"]) == 2
    assert "不能答复" in capsys.readouterr().err
    assert main(["--db", url, "suggestion", "route", number, "--scope", "乡镇", "--unit", "城关镇人民政府",
                 "--date", "2026-03-03"]) == 2
    assert "不能早于上一步" in capsys.readouterr().err
    assert main(["--db", url, "suggestion", "route", number, "--scope", "乡镇", "--unit", "城关镇人民政府",
                 "--date", "2026-03-06"]) == 0
    out = capsys.readouterr().out
    assert "已交付" in out and "2026年3月6日 交付 城关镇人民政府" in out and "下一步可以：答复" in out
    assert main(["--db", url, "suggestion", "answer", number, "--date", "2026-03-20", "--text", "已列入计划"]) == 0
    assert main(["--db", url, "suggestion", "rate", number, "--date", "2026-03-25", "--rating", "满意"]) == 0
    assert "2026年3月25日 评价 满意" in capsys.readouterr().out
    assert main(["--db", url, "suggestion", "list", "--today", "2026-04-01"]) == 0
    out = capsys.readouterr().out
    assert "东监建〔2026〕1号　已评价　修建村口便民桥　张三　城关镇人民政府" in out and "共 1 件" in out
    pdf = tmp_path / "交办函.pdf"
    assert main(["--db", url, "suggestion", "print", number, "--out", str(pdf)]) == 0
    with pdfplumber.open(pdf) as document:
        text = "".join(document.pages[0].extract_text().split())
    assert "城关镇人民政府：" in text and "请于2026年4月7日前" in text  # a month on from 3/6, past the weekend
    book = tmp_path / "台账.xlsx"
    assert main(["--db", url, "suggestions", "export", str(book)]) == 0
    cells = [c.value for row in load_workbook(book).active.iter_rows() for c in row]
    assert "东监建〔2026〕1号" in cells and "已列入计划" in cells and "满意" in cells


def test_the_overdue_list_from_the_command_line(url, number, capsys):
    assert main(["--db", url, "suggestion", "list", "--overdue", "--today", "2026-03-11"]) == 0
    assert "共 0 件" in capsys.readouterr().out
    assert main(["--db", url, "suggestion", "list", "--overdue", "--today", "2026-03-12"]) == 0
    assert "交付期限 2026年3月11日（超期 1 天）" in capsys.readouterr().out
