"""积分排名 and 代表之星 tabs: the ranking with its filters and export, the rule dialog, the stars, the marks, the notice."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from PySide6.QtCore import QDate, Qt

from station_app.services import points
from station_app.services.context import OperatorRef, ServiceContext
from station_app.ui import ranking_tab, stars_tab
from station_app.ui.ranking_tab import RankingTab, RuleDialog
from station_app.ui.stars_tab import StarsTab
from station_app.vocab import ActivityKind, Attendance, PointItem, Role
from tests.services.test_points import County

TODAY = dt.date(2026, 12, 5)
CHENGGUAN = "东河县城关镇人大代表联络站"
NANHU = "东河县南湖镇人大代表联络站"

#: the day the tests' rules are entered: before every month they score
SET_UP_ON = dt.date(2026, 1, 1)


@pytest.fixture
def county(db) -> County:
    county = County(db)
    county.rep("王秀兰")
    county.rep("李建国", level="市")
    county.rep("张伟")
    county.rep("南湖人", station=NANHU, delegation="南湖镇代表团")
    day = dt.date(2026, 11, 4)
    county.visits("王秀兰", day, 5)  # 12
    county.duty("李建国", day)
    county.activity("李建国", day, ActivityKind.INSPECTION)  # 9
    county.duty("张伟", day, Attendance.ABSENT)  # −5
    county.visits("南湖人", day, 1)  # 4
    county.visits("王秀兰", dt.date(2026, 10, 8), 1)  # October: 4
    return county


def cells(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def headers(model) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def open_ranking(qtbot, ctx) -> RankingTab:
    tab = RankingTab(ctx, today=lambda: TODAY)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


# --- 积分排名 ----------------------------------------------------------------------------------


def test_the_ranking_opens_on_last_month_with_each_item_and_the_total(app, qtbot, ctx, county):
    tab = open_ranking(qtbot, ctx)
    assert (tab.year.value(), tab.month.currentText()) == (2026, "11月")
    head = headers(tab.model)
    assert head[:6] == ["名次", "姓名", "代表团", "联络站", "级别", "总分"]
    assert head[6:14] == [item.label for item in PointItem] and head[14:] == ["扣分", "评议", "出勤值班", "接待选民"]
    rows = cells(tab.model)
    assert [r[:2] + [r[5]] for r in rows] == [["1", "王秀兰", "12"], ["2", "李建国", "9"], ["3", "南湖人", "4"],
                                              ["4", "张伟", "−5"]]
    wang = rows[0]
    assert wang[6] == "12" and wang[7] == "" and wang[-2:] == ["0", "5"]
    assert rows[3][14] == "−5"
    assert tab.summary.text() == "2026年11月：4 位代表，4 位有积分；最高 12 分"
    assert "接待选民 4、2、12 分" in tab.basis.text()


def test_the_filters_and_the_whole_year_narrow_and_widen_the_ranking(app, qtbot, ctx, county):
    tab = open_ranking(qtbot, ctx)
    choose(tab.station, NANHU)
    assert [r[1] for r in cells(tab.model)] == ["南湖人"]
    choose(tab.station, "全部联络站")
    choose(tab.level, "市")
    assert [r[1] for r in cells(tab.model)] == ["李建国"]
    choose(tab.level, "全部级别")
    choose(tab.delegation, "南湖镇代表团")
    assert [r[1] for r in cells(tab.model)] == ["南湖人"]
    choose(tab.delegation, "全部代表团")
    choose(tab.month, "全年")
    wang = cells(tab.model)[0]
    assert wang[1] == "王秀兰" and wang[5] == "16"  # October's 4 and November's 12
    assert "各月积分之和" in tab.basis.text()


def test_a_station_with_no_match_says_so(app, qtbot, ctx, county):
    tab = open_ranking(qtbot, ctx)
    choose(tab.level, "市")
    choose(tab.delegation, "南湖镇代表团")
    assert tab.model.rowCount() == 0 and "没有符合条件的代表" in tab.pane.hint.text()
    assert not tab.export_button.isEnabled()


def test_exporting_writes_the_ranking_as_it_is_filtered(app, qtbot, ctx, county, monkeypatch, tmp_path):
    tab = open_ranking(qtbot, ctx)
    choose(tab.station, CHENGGUAN)
    target = tmp_path / "排名"
    offered = {}

    def save_name(_parent, _title, name, _filter):
        offered["name"] = name
        return str(target), ""

    monkeypatch.setattr(ranking_tab.QFileDialog, "getSaveFileName", save_name)
    tab.export_button.click()
    assert offered["name"] == "2026年11月履职积分排名.xlsx"
    sheet = openpyxl.load_workbook(tmp_path / "排名.xlsx").active
    assert sheet["A1"].value == f"{CHENGGUAN}　2026年11月履职积分排名"
    assert [row[1].value for row in sheet.iter_rows(min_row=4)] == ["王秀兰", "李建国", "张伟", "合计"]


# --- 积分规则 ----------------------------------------------------------------------------------


def test_the_rule_dialog_saves_a_new_version_from_its_day_and_the_ranking_follows(app, qtbot, ctx, county):
    tab = open_ranking(qtbot, ctx)
    dialog = RuleDialog(ctx, lambda: dt.date(2026, 11, 5), tab)  # entered while November is still running
    qtbot.addWidget(dialog)
    assert dialog.version.currentText().startswith("默认规则") and "现行" in dialog.version.currentText()
    assert dialog.fields["item:接待选民:cap"].text() == "12"
    assert dialog.valid_from.date().toPython() == dt.date(2026, 12, 1)  # the first of next month is offered
    dialog.fields["item:接待选民:first"].setText("6")
    dialog.fields["item:接待选民:cap"].setText("")  # no cap
    dialog.valid_from.setDate(QDate(2026, 10, 1))  # October has ended: its score stays
    dialog.save_button.click()
    assert not dialog.changed and "已经结束的月份按当时的规则计分" in dialog.errors.text() and points.rules(ctx) == []
    dialog.valid_from.setDate(QDate(2026, 11, 1))
    dialog.save_button.click()
    assert dialog.changed and "已保存：2026年11月起按这一版计分" in dialog.errors.text()
    saved = points.rules(ctx)
    assert len(saved) == 1 and saved[0].items[PointItem.RECEPTION] == points.RuleItem(Decimal(6), Decimal(2), None)
    assert dialog.version.currentText().startswith("2026-11-01 起（2026年11月起适用）")
    tab.refresh()
    assert cells(tab.model)[0][:2] + [cells(tab.model)[0][5]] == ["1", "王秀兰", "14"]  # 6 + 2 × 4, no cap
    choose(tab.month, "10月")
    assert cells(tab.model)[0][5] == "4"  # October keeps the rule it was scored under


def test_a_second_rule_on_the_same_day_and_a_wrong_number_are_refused_in_the_dialog(app, qtbot, ctx, county):
    points.save_rule(ctx, dataclasses.replace(points.DEFAULT_RULE, valid_from=dt.date(2027, 1, 1)), today=SET_UP_ON)
    dialog = RuleDialog(ctx, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.valid_from.setDate(QDate(2027, 1, 1))
    dialog.save_button.click()
    assert "已有从 2027-01-01 起的积分规则" in dialog.errors.text()
    dialog.valid_from.setDate(QDate(2027, 2, 1))
    dialog.fields["item:值班:each"].setText("两")
    dialog.save_button.click()
    assert "不是数字" in dialog.errors.text() and "c62828" in dialog.fields["item:值班:each"].styleSheet()
    assert len(points.rules(ctx)) == 1


def test_a_clerk_sees_the_rule_but_cannot_change_it(app, qtbot, db, county):
    clerk = ServiceContext(db, OperatorRef("li", "李登记", Role.CLERK))
    tab = open_ranking(qtbot, clerk)
    assert tab.rule_button.isEnabled() and tab.model.rowCount() == 4
    dialog = RuleDialog(clerk, lambda: TODAY, tab)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled() and "管理员" in dialog.save_button.toolTip()
    assert dialog.fields["item:接待选民:first"].isReadOnly() and not dialog.valid_from.isEnabled()


def test_voiding_a_version_goes_back_to_the_one_before(app, qtbot, ctx, county, monkeypatch):
    points.save_rule(ctx, dataclasses.replace(points.DEFAULT_RULE, valid_from=dt.date(2026, 12, 1),
                                              stars_per_station=5), today=SET_UP_ON)
    dialog = RuleDialog(ctx, lambda: TODAY)
    qtbot.addWidget(dialog)
    assert dialog.stars.value() == 5 and dialog.void_button.isEnabled()
    monkeypatch.setattr(ranking_tab, "ask_void_reason", lambda *_a: "录错了")
    dialog.void_button.click()
    assert points.rules(ctx) == [] and dialog.version.count() == 1 and dialog.stars.value() == 3


# --- 代表之星 ----------------------------------------------------------------------------------


def open_stars(qtbot, ctx) -> StarsTab:
    tab = StarsTab(ctx, today=lambda: TODAY)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def test_the_stars_tab_lists_each_station_s_stars_with_what_they_did(app, qtbot, ctx, county):
    tab = open_stars(qtbot, ctx)
    assert tab.month.key == "2026-11"
    assert cells(tab.model) == [
        [CHENGGUAN, "1", "王秀兰", "城关镇代表团", "12", "接待选民 5 次"],
        [CHENGGUAN, "2", "李建国", "城关镇代表团", "9", "值班 1 次、视察调研 1 次"],
        [NANHU, "1", "南湖人", "南湖镇代表团", "4", "接待选民 1 次"]]
    assert not tab.tied.isVisibleTo(tab) and tab.print_button.isEnabled()
    assert "评选依据：" in tab.basis.text()
    choose(tab.station, NANHU)
    assert [r[2] for r in cells(tab.model)] == ["南湖人"]
    assert [tab.marks.item(r, 0).text() for r in range(tab.marks.rowCount())] == ["南湖人"]


def test_a_month_with_no_star_says_why_and_cannot_be_printed(app, qtbot, ctx, county):
    tab = open_stars(qtbot, ctx)
    tab.prev_button.click()
    tab.prev_button.click()
    assert tab.month.key == "2026-09"
    assert "2026年9月还没有“代表之星”" in tab.pane.hint.text()
    assert not tab.print_button.isEnabled()


def test_marks_entered_in_the_table_are_saved_and_weigh_in(app, qtbot, ctx, county):
    tab = open_stars(qtbot, ctx)
    row = next(r for r in range(tab.marks.rowCount()) if tab.marks.item(r, 0).text() == "张伟")
    assert not tab.save_button.isEnabled()
    tab.marks.item(row, 2).setText("9")
    tab.marks.item(row, 3).setText("9.5")
    assert tab.save_button.isEnabled()
    tab.save_button.click()
    zhang = {m.name: m for m in points.marks(ctx, "2026-11")}["张伟"]
    assert (zhang.self_mark, zhang.peer_mark) == (Decimal("9.0"), Decimal("9.5"))
    # −5 + 9 × 0.5 + 9.5 = 9: ties 李建国 on points and duty, not on visits — after him, third
    assert [r[2] for r in cells(tab.model) if r[0] == CHENGGUAN] == ["王秀兰", "李建国", "张伟"]
    assert not tab.save_button.isEnabled()


def test_a_wrong_mark_is_marked_red_and_nothing_is_saved(app, qtbot, ctx, county):
    tab = open_stars(qtbot, ctx)
    rows = {tab.marks.item(r, 0).text(): r for r in range(tab.marks.rowCount())}
    tab.marks.item(rows["张伟"], 2).setText("8")
    tab.marks.item(rows["王秀兰"], 3).setText("11")
    tab.save_button.click()
    assert "王秀兰：评分应在 0 到 10 之间：11" in tab.marks_error.text()
    assert tab.marks.item(rows["王秀兰"], 3).background().color().name() == stars_tab.WRONG_BACKGROUND
    assert all(m.self_mark is None for m in points.marks(ctx, "2026-11"))


def test_printing_the_notice_opens_the_preview_of_the_month_s_pdf(app, qtbot, ctx, county, monkeypatch):
    shown = {}

    def preview(_parent, path: Path, title: str) -> None:
        shown["title"] = title
        with pdfplumber.open(path) as pdf:
            shown["pages"] = [page.extract_text() for page in pdf.pages]

    monkeypatch.setattr(stars_tab, "print_with_preview", preview)
    tab = open_stars(qtbot, ctx)
    choose(tab.station, CHENGGUAN)
    tab.print_button.click()
    assert shown["title"] == "2026年11月“代表之星”"
    (page,) = shown["pages"]
    assert page.startswith(CHENGGUAN) and "王秀兰" in page and "李建国" in page and "南湖人" not in page
    assert page.rstrip().endswith("2026年12月5日")
