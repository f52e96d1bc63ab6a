"""The main window: navigation on the left, one page per capability, station and database below."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from station_app.i18n import tr
from station_app.services import referrals as referrals_service
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.ui.attendance_page import AttendancePage
from station_app.ui.audit_page import AuditPage
from station_app.ui.calendar_page import CalendarPage
from station_app.ui.first_start import FirstStartPage
from station_app.ui.performance_page import PerformancePage
from station_app.ui.qr_page import QrPage
from station_app.ui.reception_page import ReceptionPage
from station_app.ui.referrals_page import ReferralsPage
from station_app.ui.registry_page import RegistryPage
from station_app.ui.report_page import ReportPage
from station_app.ui.roles import admin_only
from station_app.ui.roster_page import RosterPage
from station_app.ui.settings_page import SettingsPage
from station_app.ui.sign_in import ChangePasswordDialog
from station_app.ui.subsidy_page import SubsidyPage
from station_app.ui.sync_page import SyncPage
from station_app.vocab import ReferralAction

NAV_STYLE = """
QListWidget { background: #263238; color: #eceff1; border: none; font-size: 15px; outline: 0; }
QListWidget::item { padding: 12px 18px; }
QListWidget::item:selected { background: #c62828; color: white; }
QListWidget::item:hover:!selected { background: #37474f; }
"""


class MainWindow(QMainWindow):
    #: 退出登录 / 切换用户: app.py closes this window, asks who signs in, and opens a window for them
    sign_out_requested = Signal()

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        # 1280 × 800, or less on a lower screen: every page fits 1280 × 720 and 1366 × 768.
        screen = self.screen().availableGeometry()
        self.resize(1280, min(800, screen.height() - 40) if screen.height() < 840 else 800)
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
        self.subsidy = SubsidyPage(ctx)
        self.performance = PerformancePage(ctx)
        self.sync = SyncPage(ctx)
        self.report = ReportPage(ctx)
        # the month's report and sending it to the county (or, in county mode, merging the stations') on one page
        self.reporting = QTabWidget()
        self.reporting.addTab(self.report, tr("本月报表"))
        self.reporting.addTab(self.sync, tr("县站报送"))
        self.reporting.currentChanged.connect(lambda _index: self.reporting.currentWidget().refresh())
        self.qr = QrPage(ctx)
        self.calendar = CalendarPage(ctx)
        self.settings = SettingsPage(ctx)
        # who changed what: a 管理员's page only (the service refuses anyone else as well)
        self.audit = AuditPage(ctx) if ctx.operator.is_admin else None
        for title, page in ((tr("接待登记"), self.reception), (tr("三单办理"), self.referrals),
                            (tr("代表名册"), self.registry), (tr("排班"), self.roster), (tr("签到与空岗"), self.attendance),
                            (tr("误工补贴"), self.subsidy), (tr("代表履职"), self.performance),
                            (tr("报表与报送"), self.reporting), (tr("代表二维码"), self.qr), (tr("节假日与闭站"), self.calendar),
                            (tr("审计日志"), self.audit), (tr("设置"), self.settings)):
            if page is not None:
                self.add_page(title, page)
        self._grey_admin_actions()
        # A new station opens on the first-start guide until it is named, has people and a duty plan.
        self.first_start: FirstStartPage | None = None
        if not settings_service.setup_done(ctx):
            self.first_start = FirstStartPage(ctx)
            self.pages.insertWidget(0, self.first_start)
            self.nav.insertItem(0, QListWidgetItem(tr("开始使用")))
            self.first_start.station_saved.connect(self._station_named)
            self.first_start.import_registry.connect(self.registry.representatives.import_workbook)
            self.first_start.add_representative.connect(self.registry.representatives.add)
            self.first_start.new_plan.connect(self._new_plan)
            self.first_start.go_to.connect(self.go_to)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.station_label = QLabel()
        self.db_label = QLabel()
        self.db_label.setMaximumWidth(420)  # a long path is shortened in the middle, not widening the window
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet("color:#c62828; font-weight:bold;")
        self.operator_label = QLabel(tr("操作员：{name}（{role}）", name=ctx.operator.name, role=ctx.operator.role.label))
        self.sign_out_button = QPushButton(tr("退出登录"))
        self.sign_out_button.setToolTip(tr("退出登录后可换一个操作员登录"))
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.account_corner = corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 8, 0)
        corner_layout.addWidget(self.operator_label)
        corner_layout.addWidget(self.sign_out_button)
        account = self.menuBar().addMenu(tr("账户"))
        account.addAction(tr("修改我的密码…"), self.change_password)
        account.addSeparator()
        account.addAction(tr("切换用户…"), self.sign_out_requested.emit)
        account.addAction(tr("退出登录"), self.sign_out_requested.emit)
        self.menuBar().setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.statusBar().addPermanentWidget(self.overdue_label)
        self.statusBar().addPermanentWidget(self.station_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self.nav.currentRowChanged.connect(self.show_page)
        # Wide enough for the longest entry in either language (the referrals entry with its overdue count).
        metrics = self.nav.fontMetrics()
        longest = max([metrics.horizontalAdvance(self.nav.item(i).text()) for i in range(self.nav.count())]
                      + [metrics.horizontalAdvance(tr("三单办理（超期 {n}）", n=999))])
        self.nav.setFixedWidth(max(180, longest + 48))
        self.registry.representatives.changed.connect(self.qr.refresh)
        self.registry.representatives.changed.connect(self.check_setup)
        self.referrals.counts_changed.connect(self.show_overdue)
        self.reception.referral_opened.connect(self.referrals.refresh)
        self.reception.open_referral.connect(self.open_referral)
        self.settings.saved.connect(self.update_status)
        self.settings.saved.connect(self.check_setup)
        self.settings.saved.connect(self.sync.refresh)
        self.nav.setCurrentRow(0)
        self.update_status()
        self.show_overdue(referrals_service.overdue_count(ctx))

    def _grey_admin_actions(self) -> None:
        """A 登记员 sees a 管理员's buttons greyed, with a tooltip saying why (ui/roles.py)."""
        reps, batch, rates = self.registry.representatives, self.subsidy.batch, self.subsidy.rates
        admin_only(self.ctx, reps.add_button, reps.edit_button, reps.void_button, reps.import_button,
                   *self.registry.window_units.action_buttons, *self.registry.stations.action_buttons,
                   self.reception.list.void_button, self.referrals.list.action_buttons[ReferralAction.VOID],
                   batch.adjust_button, batch.confirm_button, batch.withdraw_button, batch.pay_button,
                   rates.add_button, rates.void_button,
                   self.roster.generate_button, self.roster.new_plan_button, self.roster.edit_plan_button,
                   self.calendar.add_day_button, self.calendar.void_day_button, self.calendar.seed_button,
                   self.calendar.import_button, self.calendar.add_closure_button, self.calendar.void_closure_button,
                   self.performance.activities.void_button, self.performance.suggestions.void_button,
                   self.performance.ranking.rule_button, self.performance.stars.save_button,
                   self.sync.export_button, self.sync.merge_button, self.sync.registry_button,
                   self.sync.import_registry_button,
                   self.settings.save_button, self.settings.reset_button, self.settings.use_button)

    def change_password(self) -> None:
        ChangePasswordDialog(self.ctx, self).exec()

    def add_page(self, title: str, page: QWidget) -> None:
        self.pages.addWidget(page)
        QListWidgetItem(title, self.nav)

    def show_page(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        page = self.pages.currentWidget()
        if self.first_start is not None and page is not self.first_start:
            self.check_setup()  # a step may have been done on its own page
        if page is self.first_start:
            self.first_start.refresh()
        elif page is self.qr:
            self.qr.refresh()
        elif page is self.roster:
            self.roster.reload_plans()
        elif page is self.attendance:
            self.attendance.currentWidget().refresh()
        elif page is self.subsidy:
            self.subsidy.refresh()
        elif page is self.performance:
            self.performance.refresh()
        elif page is self.reporting:
            self.reporting.currentWidget().refresh()
        elif page is self.reception:
            self.reception.entry.reload_choices()
        elif page is self.referrals:
            self.referrals.list.reload_units(refresh=False)
            self.referrals.refresh()
        elif page is self.audit and self.audit is not None:
            self.audit.reload_choices()
            self.audit.refresh()

    def open_referral(self, referral_id: str) -> None:
        """A visit's detail asked for its referral: the 三单 page, on that referral."""
        self.nav.setCurrentRow(self.pages.indexOf(self.referrals))
        self.referrals.show_referral(referral_id)

    # --- the first-start guide ---

    def go_to(self, name: str) -> None:
        """Show a page by its name: "settings", "registry", "roster", "reception", "subsidy", "performance",
        "report", "sync"."""
        page = {"settings": self.settings, "registry": self.registry, "roster": self.roster,
                "reception": self.reception, "subsidy": self.subsidy, "performance": self.performance,
                "report": self.report, "sync": self.sync}[name]
        if page in (self.report, self.sync):
            self.reporting.setCurrentWidget(page)
            page = self.reporting
        self.nav.setCurrentRow(self.pages.indexOf(page))

    def _station_named(self) -> None:
        self.settings.load()
        self.update_status()
        self.check_setup()

    def _new_plan(self) -> None:
        self.roster.edit_plan(None)
        self.check_setup()

    def check_setup(self) -> None:
        """Take the guide away once every step is done; from the guide, go on to the first page."""
        if self.first_start is None:
            return
        if not all(step.done for step in self.first_start.refresh()):
            return
        guide, self.first_start = self.first_start, None
        was_showing = self.pages.currentWidget() is guide
        self.nav.blockSignals(True)
        self.nav.takeItem(self.pages.indexOf(guide))
        self.pages.removeWidget(guide)
        guide.deleteLater()
        self.nav.blockSignals(False)
        if was_showing:
            self.nav.setCurrentRow(-1)
            self.nav.setCurrentRow(self.pages.indexOf(self.reception))
        else:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self.pages.currentIndex())
            self.nav.blockSignals(False)
        self.statusBar().showMessage(tr("本站已设置完成，可以开始日常工作。"), 8000)

    def show_overdue(self, count: int) -> None:
        """The overdue count stays in sight: on the navigation entry and in the status bar."""
        item = self.nav.item(self.pages.indexOf(self.referrals))
        item.setText(tr("三单办理（超期 {n}）", n=count) if count else tr("三单办理"))
        self.overdue_label.setText(tr("超期交办单 {n} 件", n=count) if count else "")
        self.overdue_label.setVisible(bool(count))

    def update_status(self) -> None:
        station = self.ctx.station
        title = tr("代表联络站工作台")
        self.setWindowTitle(f"{title} — {station.name}" if station.configured else title)
        self.station_label.setText(tr("本站：{name}（{code}）", name=station.name, code=station.code)
                                   if station.configured else tr("本站：尚未设置"))
        text = tr("数据库：{path}", path=self.ctx.db.display_name)
        self.db_label.setText(self.db_label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle,
                                                                     self.db_label.maximumWidth()))
        self.db_label.setToolTip(text)
