"""The 代表履职 page: five tabs on the main window, each reading what it shows when it comes into view."""
from __future__ import annotations

import datetime as dt

from station_app.services import activities
from station_app.ui.main_window import MainWindow
from tests.conftest import DEMO_DAY


def test_the_page_sits_after_the_subsidy_and_reads_each_tab_when_shown(app, qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    page = window.performance
    page.activities.today = lambda: DEMO_DAY
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles.index("代表履职") == titles.index("误工补贴") + 1
    assert [page.tabText(i) for i in range(page.count())] == ["履职活动", "代表建议", "履职档案", "积分排名", "代表之星"]
    assert page.activities.model.rowCount() == 0          # nothing is read before the page is shown

    window.go_to("performance")
    assert window.pages.currentWidget() is page and page.currentWidget() is page.activities
    shown = page.activities.model.rowCount()
    assert shown > 50                                      # a year of the demo's activities

    page.show_tab("suggestions")
    assert page.suggestions.model.rowCount() > 50

    page.show_tab("ranking")
    page.ranking.year.setValue(2026)
    page.ranking.month.setCurrentIndex(10)                 # October
    assert page.ranking.model.rowCount() > 100 and page.ranking.rows[0].rank == 1

    # an activity recorded elsewhere shows when the tab comes back into view
    people = activities.representatives_for_activity(demo_ctx)[:2]
    activities.save_activity(demo_ctx, activities.ActivityInput(
        kind="视察调研", day=dt.date(2026, 11, 10), place="城关镇", theme="页面测试视察", notes="",
        participants=[activities.Participant(p.id) for p in people]))
    page.show_tab("activities")
    assert page.activities.model.rowCount() == shown + 1
