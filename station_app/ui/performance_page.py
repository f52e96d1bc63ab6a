"""代表履职: what representatives did besides duty, their suggestions, each one's record, the points and the stars.

One page, five tabs, each reading what it shows when it comes into view:

- 履职活动 (``ActivitiesTab``): 视察调研, 会议, 培训 … entered, imported and exported;
- 代表建议 (``SuggestionsTab``): the suggestions opened from visits or entered, routed, answered, rated;
- 履职档案 (``RecordTab``): one representative's record for a period, printed as the archive page;
- 积分排名 (``RankingTab``): the points ranking by month or year, the rule;
- 代表之星 (``StarsTab``): the month's stars per station, the review marks, the notice.
"""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from station_app.i18n import tr
from station_app.services.context import ServiceContext
from station_app.ui.activities_tab import ActivitiesTab
from station_app.ui.ranking_tab import RankingTab
from station_app.ui.record_tab import RecordTab
from station_app.ui.stars_tab import StarsTab
from station_app.ui.suggestions_tab import SuggestionsTab
from station_app.ui.widgets import Today


class PerformancePage(QTabWidget):
    """The 代表履职 page of the main window."""

    def __init__(self, ctx: ServiceContext, today: Today | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activities = ActivitiesTab(ctx, today=today)
        self.suggestions = SuggestionsTab(ctx, today=today)
        self.record = RecordTab(ctx, today=today)
        self.ranking = RankingTab(ctx, today=today)
        self.stars = StarsTab(ctx, today=today)
        for widget, title in ((self.activities, tr("履职活动")), (self.suggestions, tr("代表建议")),
                              (self.record, tr("履职档案")), (self.ranking, tr("积分排名")),
                              (self.stars, tr("代表之星"))):
            self.addTab(widget, title)
        self.currentChanged.connect(lambda _index: self.refresh())

    def refresh(self) -> None:
        """Read the tab in view again (what showing the page or the tab does)."""
        self.currentWidget().refresh()

    def show_tab(self, name: str) -> None:
        """Bring a tab into view by its name: activities, suggestions, record, ranking, stars."""
        self.setCurrentWidget(getattr(self, name))
