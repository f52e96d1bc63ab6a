"""The main window: navigation on the left, one page per capability, station and database below."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from station_app import config
from station_app.i18n import tr
from station_app.services import referrals as referrals_service
from station_app.services.context import ServiceContext
from station_app.ui.attendance_page import AttendancePage
from station_app.ui.calendar_page import CalendarPage
from station_app.ui.qr_page import QrPage
from station_app.ui.reception_page import ReceptionPage
from station_app.ui.referrals_page import ReferralsPage
from station_app.ui.registry_page import RegistryPage
from station_app.ui.roster_page import RosterPage
from station_app.ui.settings_page import SettingsPage

NAV_STYLE = """
QListWidget { background: #263238; color: #eceff1; border: none; font-size: 15px; outline: 0; }
QListWidget::item { padding: 12px 18px; }
QListWidget::item:selected { background: #c62828; color: white; }
QListWidget::item:hover:!selected { background: #37474f; }
"""


class MainWindow(QMainWindow):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.resize(1280, 800)
        self.nav = QListWidget()
        self.nav.setFixedWidth(200)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet(NAV_STYLE)
        self.nav.setIconSize(QSize(20, 20))
        self.pages = QStackedWidget()
        self.registry = RegistryPage(ctx)
        self.reception = ReceptionPage(ctx)
        self.referrals = ReferralsPage(ctx)
        self.roster = RosterPage(ctx)
        self.attendance = AttendancePage(ctx)
        self.qr = QrPage(ctx)
        self.calendar = CalendarPage(ctx)
        self.settings = SettingsPage(ctx)
        for title, page in ((tr("接待登记"), self.reception), (tr("三单办理"), self.referrals),
                            (tr("代表名册"), self.registry), (tr("排班"), self.roster), (tr("签到与空岗"), self.attendance),
                            (tr("代表二维码"), self.qr), (tr("节假日与闭站"), self.calendar), (tr("设置"), self.settings)):
            self.add_page(title, page)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.station_label = QLabel()
        self.db_label = QLabel()
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet("color:#c62828; font-weight:bold;")
        self.statusBar().addPermanentWidget(self.overdue_label)
        self.statusBar().addPermanentWidget(self.station_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self.nav.currentRowChanged.connect(self.show_page)
        # Wide enough for the longest entry in either language (the overdue count included).
        longest = max(self.nav.fontMetrics().horizontalAdvance(self.nav.item(i).text() + tr("（超期 {n}）", n=99))
                      for i in range(self.nav.count()))
        self.nav.setFixedWidth(max(200, longest + 48))
        self.registry.representatives.changed.connect(self.qr.refresh)
        self.referrals.counts_changed.connect(self.show_overdue)
        self.reception.referral_opened.connect(self.referrals.refresh)
        self.reception.open_referral.connect(self.open_referral)
        self.settings.saved.connect(self.update_status)
        self.nav.setCurrentRow(0)
        self.update_status()
        self.show_overdue(referrals_service.overdue_count(ctx))

    def add_page(self, title: str, page: QWidget) -> None:
        self.pages.addWidget(page)
        QListWidgetItem(title, self.nav)

    def show_page(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        page = self.pages.currentWidget()
        if page is self.qr:
            self.qr.refresh()
        elif page is self.roster:
            self.roster.reload_plans()
        elif page is self.attendance:
            self.attendance.currentWidget().refresh()
        elif page is self.reception:
            self.reception.entry.reload_choices()
        elif page is self.referrals:
            self.referrals.list.reload_units(refresh=False)
            self.referrals.refresh()

    def open_referral(self, referral_id: str) -> None:
        """A visit's detail asked for its referral: the 三单 page, on that referral."""
        self.nav.setCurrentRow(self.pages.indexOf(self.referrals))
        self.referrals.show_referral(referral_id)

    def show_overdue(self, count: int) -> None:
        """The overdue count stays in sight: on the navigation entry and in the status bar."""
        item = self.nav.item(self.pages.indexOf(self.referrals))
        item.setText(tr("三单办理（超期 {n}）", n=count) if count else tr("三单办理"))
        self.overdue_label.setText(tr("超期交办单 {n} 件", n=count) if count else "")
        self.overdue_label.setVisible(bool(count))

    def update_status(self) -> None:
        station = self.ctx.station
        self.setWindowTitle(f"{config.APP_TITLE} — {station.name}")
        self.station_label.setText(tr("本站：{name}（{code}）", name=station.name, code=station.code))
        self.db_label.setText(tr("数据库：{path}", path=self.ctx.db.display_name))
