"""履职档案 tab: find a representative, see the counts, print the page, export all."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pdfplumber
from PySide6.QtCore import QDate

from station_app.ui import record_tab
from station_app.ui.record_tab import RecordTab
from tests.services.test_record import people  # noqa: F401  (the fixture)

TODAY = dt.date(2026, 12, 31)


def open_tab(qtbot, ctx) -> RecordTab:
    tab = RecordTab(ctx, today=TODAY)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def test_the_tab_asks_for_a_representative_until_one_is_chosen(qtbot, app, ctx, people):  # noqa: F811
    tab = open_tab(qtbot, ctx)
    assert tab.right.currentWidget() is tab.hint and "选择一位代表" in tab.hint.text()
    assert not tab.print_button.isEnabled()
    assert tab.start.date() == QDate(2026, 1, 1) and tab.end.date() == QDate(2026, 12, 31)
    assert tab.people.count() == 4


def test_choosing_a_person_shows_the_counts_and_the_lists(qtbot, app, ctx, people):  # noqa: F811
    tab = open_tab(qtbot, ctx)
    tab.find.setText("wxl")  # 王秀兰 by the initials of her name
    assert tab.people.count() == 1
    tab.people.setCurrentRow(0)
    assert tab.right.currentIndex() == 1 and "王秀兰" in tab.who.text()
    assert (tab.count_text("值班", "应值班"), tab.count_text("值班", "出勤"), tab.count_text("值班", "缺勤"),
            tab.count_text("值班", "替他人值班"), tab.count_text("接待", "接待选民"),
            tab.count_text("接待", "评价满意"), tab.count_text("履职活动", "防汛巡查"),
            tab.count_text("履职活动", "培训合格")) == ("4", "2", "1", "1", "2", "1", "1", "1")
    assert tab.turns.rowCount() == 5 and tab.visits.rowCount() == 2 and tab.activities.rowCount() == 3
    assert tab.lists.tabText(1) == "接待 2"
    # a shorter period counts less
    tab.start.setDate(QDate(2026, 3, 10))
    tab.end.setDate(QDate(2026, 3, 20))
    assert tab.count_text("值班", "应值班") == "2" and tab.visits.rowCount() == 0
    assert tab.panes[1].stack.currentWidget() is tab.panes[1].hint


def test_a_period_that_ends_before_it_starts_says_so(qtbot, app, ctx, people):  # noqa: F811
    tab = open_tab(qtbot, ctx)
    tab.choose(people["王秀兰"])
    tab.start.setDate(QDate(2026, 6, 1))
    tab.end.setDate(QDate(2026, 5, 1))
    assert "晚于" in tab.period_error.text() and not tab.print_button.isEnabled()
    assert not tab.export_button.isEnabled()


def test_printing_makes_the_archive_page(qtbot, app, ctx, people, monkeypatch):  # noqa: F811
    printed: list[Path] = []
    monkeypatch.setattr(record_tab, "print_with_preview", lambda _parent, path, _title: printed.append(path))
    tab = open_tab(qtbot, ctx)
    tab.choose(people["李建国"])
    tab.print_button.click()
    with pdfplumber.open(printed[0]) as pdf:
        assert "李建国" in pdf.pages[0].extract_text()


def test_export_all_writes_every_representative(qtbot, app, ctx, people, monkeypatch, tmp_path, _no_message_boxes):  # noqa: F811
    target = tmp_path / "out" / "all"
    monkeypatch.setattr(record_tab.QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    tab = open_tab(qtbot, ctx)
    tab.export_button.click()
    rows = list(openpyxl.load_workbook(target.with_suffix(".xlsx")).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[3:-1]} == {"王秀兰", "李建国", "刘丽"} and len(rows[3:-1]) == 4
    assert "4" in _no_message_boxes[-1][1]
