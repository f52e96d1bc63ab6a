"""The 本月报表 page: one click from the main window, the summary beside the month before and the year, a chart,
the county's table when more than one station has data, and the workbook exported from it."""
from __future__ import annotations

import openpyxl
from PySide6.QtWidgets import QFileDialog

from station_app.ui.main_window import MainWindow
from station_app.ui.report_page import ReportPage
from tests.conftest import DEMO_DAY
from tests.services.test_report import TODAY, month  # noqa: F401  (the fixture)


def test_the_page_sits_after_the_duty_record_and_shows_the_demos_last_month(app, qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles.index("报表与报送") == titles.index("代表履职") + 1   # one click to the page, whose first tab it is
    page = window.report
    page.today = lambda: DEMO_DAY
    page._fill_months()
    window.go_to("report")
    assert window.pages.currentWidget() is window.reporting and window.reporting.currentWidget() is page
    assert window.reporting.tabText(0) == "本月报表" and window.reporting.tabText(1) == "县站报送"
    assert page.month.currentData() == "2026-10"           # the month that last ended
    assert page.summary_model.rowCount() > 20
    first = page.summary_model.rows[0]
    assert first.label == "接待群众（批次）" and first.this > 0 and first.year >= first.this
    assert [label for label, *_ in page.chart.bars][:2] == ["站内接待", "流动/摆摊"]
    # the demo holds two stations with visits: the county's table shows both
    assert page.stations_model.rowCount() == 2 and not page.stations_view.isHidden()
    assert page.heading.text().startswith("全县")


def test_a_single_station_sees_its_own_month_and_exports_it(app, qtbot, ctx, month, tmp_path,  # noqa: F811
                                                            monkeypatch, _no_message_boxes):
    page = ReportPage(ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.refresh()
    assert page.month.currentText() == "2026年11月"
    shown = {page.summary_model.index(r, 0).data().strip(): page.summary_model.index(r, 1).data()
             for r in range(page.summary_model.rowCount())}
    assert shown["接待群众（批次）"] == "3" and shown["误工补贴发放（元）"] == "100.00"
    assert page.stations_view.isHidden() and page.heading.text() == "东河县人大代表监督站 2026年11月"
    assert ("站内接待", 2, 0) in page.chart.bars

    out = tmp_path / "十一月"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    page.export.click()
    wb = openpyxl.load_workbook(tmp_path / "十一月.xlsx")
    assert wb["汇总"]["B3"].value == 3 and "各站" not in wb.sheetnames
    assert _no_message_boxes[-1][0] == "导出本月报表"


def test_a_month_with_nothing_says_what_to_do(app, qtbot, ctx):
    page = ReportPage(ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.refresh()
    assert page.summary_pane.stack.currentWidget() is page.summary_pane.hint
    assert "接待登记" in page.summary_pane.hint.text()
    page.chart.grab()  # paints the empty chart without failing
