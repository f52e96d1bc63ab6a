"""The main window: navigation on the left, one page per capability, station and database below.

Only the page shown first is built when the window opens. Every other page, and what it imports
(PDF, Excel, QR, pinyin), is built the first time it is shown or asked for (``window.registry``),
so the window opens about as fast as a bare Qt window.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

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
from station_app.vocab import ReferralAction

if TYPE_CHECKING:
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
    from station_app.ui.roster_page import RosterPage
    from station_app.ui.settings_page import SettingsPage
    from station_app.ui.subsidy_page import SubsidyPage
    from station_app.ui.sync_page import SyncPage

NAV_STYLE = """
QListWidget { background: #263238; color: #eceff1; border: none; font-size: 15px; outline: 0; }
QListWidget::item { padding: 12px 18px; }
QListWidget::item:selected { background: #c62828; color: white; }
QListWidget::item:hover:!selected { background: #37474f; }
"""


class _Page:
    """A page as an attribute of the window (``window.registry``): built the first time it is asked for."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, window: MainWindow | None, owner: type | None = None):
        return self if window is None else window.page(self.name)


class MainWindow(QMainWindow):
    reception: ReceptionPage = _Page()
    referrals: ReferralsPage = _Page()
    registry: RegistryPage = _Page()
    roster: RosterPage = _Page()
    attendance: AttendancePage = _Page()
    subsidy: SubsidyPage = _Page()
    performance: PerformancePage = _Page()
    #: the month's report and sending it to the county (or, in county mode, merging the stations') on one page
    reporting: QTabWidget = _Page()
    qr: QrPage = _Page()
    calendar: CalendarPage = _Page()
    settings: SettingsPage = _Page()
    #: who changed what: a 管理员's page only (the service refuses anyone else as well)
    audit: AuditPage = _Page()
    #: 退出登录 / 切换用户: app.py closes this window, asks who signs in, and opens a window for them
    sign_out_requested = Signal()

    def __init__(self, ctx: ServiceContext | None = None) -> None:
        """The window's frame (navigation, menus, status bar); with ``ctx``, its pages too (:meth:`attach`).

        The program shows the frame first, before the database (and SQLAlchemy) is loaded, so the window is
        on screen at once; the first page comes in when the database is open and the operator signed in."""
        super().__init__()
        self.ctx: ServiceContext | None = None
        # 1280 × 800, or less on a lower screen: every page fits 1280 × 720 and 1366 × 768.
        screen = self.screen().availableGeometry()
        self.resize(1280, min(800, screen.height() - 40) if screen.height() < 840 else 800)
        self.setWindowTitle(tr("代表联络站工作台"))
        self.nav = QListWidget()
        self.nav.setFixedWidth(200)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet(NAV_STYLE)
        self.nav.setIconSize(QSize(20, 20))
        self.pages = QStackedWidget()
        #: each page's builder, by name, in the navigation's order
        self._builders: dict[str, Callable[[], QWidget]] = {
            "reception": self._build_reception, "referrals": self._build_referrals, "registry": self._build_registry,
            "roster": self._build_roster, "attendance": self._build_attendance, "subsidy": self._build_subsidy,
            "performance": self._build_performance, "reporting": self._build_reporting, "qr": self._build_qr,
            "calendar": self._build_calendar, "audit": self._build_audit, "settings": self._build_settings}
        titles = [tr("接待登记"), tr("三单办理"), tr("代表名册"), tr("排班"), tr("签到与空岗"), tr("误工补贴"),
                  tr("代表履职"), tr("报表与报送"), tr("代表二维码"), tr("节假日与闭站"), tr("审计日志"), tr("设置")]
        #: what the stack holds for each page: an empty stand-in until the page is built, then the page
        self._slots: dict[str, QWidget] = {}
        self._built: dict[str, QWidget] = {}
        for name, title in zip(self._builders, titles, strict=True):
            self._slots[name] = QWidget()
            self.pages.addWidget(self._slots[name])
            QListWidgetItem(title, self.nav)
        self.nav.item(list(self._builders).index("audit")).setHidden(True)  # a 管理员's: shown once one signs in
        #: what the window says until the database is open
        self.opening = QLabel(tr("正在打开数据库…"))
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening.setStyleSheet("color:#607d8b; font-size:18px;")
        self.pages.insertWidget(0, self.opening)
        self.pages.setCurrentWidget(self.opening)
        self.nav.setEnabled(False)
        self.first_start: FirstStartPage | None = None
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
        self.operator_label = QLabel()
        self.sign_out_button = QPushButton(tr("退出登录"))
        self.sign_out_button.setToolTip(tr("退出登录后可换一个操作员登录"))
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.sign_out_button.setEnabled(False)
        self.account_corner = corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 8, 0)
        corner_layout.addWidget(self.operator_label)
        corner_layout.addWidget(self.sign_out_button)
        self.account_menu = account = self.menuBar().addMenu(tr("账户"))
        account.addAction(tr("修改我的密码…"), self.change_password)
        account.addSeparator()
        account.addAction(tr("切换用户…"), self.sign_out_requested.emit)
        account.addAction(tr("退出登录"), self.sign_out_requested.emit)
        account.setEnabled(False)
        self.menuBar().setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.statusBar().addPermanentWidget(self.overdue_label)
        self.statusBar().addPermanentWidget(self.station_label)
        self.statusBar().addPermanentWidget(self.db_label)
        # Wide enough for the longest entry in either language (the referrals entry with its overdue count).
        metrics = self.nav.fontMetrics()
        longest = max([metrics.horizontalAdvance(self.nav.item(i).text()) for i in range(self.nav.count())]
                      + [metrics.horizontalAdvance(tr("三单办理（超期 {n}）", n=999))])
        self.nav.setFixedWidth(max(180, longest + 48))
        if ctx is not None:
            self.attach(ctx)

    def attach(self, ctx: ServiceContext) -> None:
        """The database is open and the operator signed in: their entries, the first page, the station."""
        from station_app.services import referrals as referrals_service
        from station_app.services import settings as settings_service

        self.ctx = ctx
        self.pages.removeWidget(self.opening)  # now each entry is the page of the same row
        self.opening.deleteLater()
        if not ctx.operator.is_admin:  # 审计日志 is a 管理员's page
            stand_in = self._slots.pop("audit")
            self.nav.takeItem(self.pages.indexOf(stand_in))
            self.pages.removeWidget(stand_in)
            stand_in.deleteLater()
            del self._builders["audit"]
        else:
            self.nav.item(self.pages.indexOf(self._slots["audit"])).setHidden(False)
        self.operator_label.setText(tr("操作员：{name}（{role}）", name=ctx.operator.name, role=ctx.operator.role.label))
        self.sign_out_button.setEnabled(True)
        self.account_menu.setEnabled(True)
        self.nav.setEnabled(True)
        # A new station opens on the first-start guide until it is named, has people and a duty plan.
        if not settings_service.setup_done(ctx):
            from station_app.ui.first_start import FirstStartPage

            self.first_start = FirstStartPage(ctx)
            self.pages.insertWidget(0, self.first_start)
            self.nav.insertItem(0, QListWidgetItem(tr("开始使用")))
            self.first_start.station_saved.connect(self._station_named)
            self.first_start.import_registry.connect(lambda: self.registry.representatives.import_workbook())
            self.first_start.add_representative.connect(lambda: self.registry.representatives.add())
            self.first_start.new_plan.connect(self._new_plan)
            self.first_start.go_to.connect(self.go_to)
        self.nav.currentRowChanged.connect(self.show_page)
        self.nav.setCurrentRow(-1)
        self.nav.setCurrentRow(0)
        self.update_status()
        self.show_overdue(referrals_service.overdue_count(ctx))

    # --- the pages, each built on first use ---

    def page(self, name: str) -> QWidget | None:
        """The page called ``name`` ("reception", "registry", ...), built now if it has not been yet; None for a
        page this operator does not have (审计日志 for a 登记员)."""
        if name not in self._builders:
            return None
        if name not in self._built:
            page = self._builders[name]()
            self._grey_admin_actions(name, page)
            stand_in = self._slots[name]
            was_current = self.pages.currentWidget() is stand_in
            self.pages.insertWidget(self.pages.indexOf(stand_in), page)
            if was_current:
                self.pages.setCurrentWidget(page)
            self.pages.removeWidget(stand_in)
            stand_in.deleteLater()
            self._slots[name] = self._built[name] = page
        return self._built[name]

    def _row_of(self, name: str) -> int:
        return self.pages.indexOf(self._slots[name])

    def _name_at(self, row: int) -> str | None:
        widget = self.pages.widget(row)
        return next((name for name, slot in self._slots.items() if slot is widget), None)

    def _build_reception(self) -> QWidget:
        from station_app.ui.reception_page import ReceptionPage

        page = ReceptionPage(self.ctx)
        page.referral_opened.connect(lambda *_: self._refresh_if_built("referrals"))
        page.open_referral.connect(self.open_referral)
        return page

    def _build_referrals(self) -> QWidget:
        from station_app.ui.referrals_page import ReferralsPage

        page = ReferralsPage(self.ctx)
        page.counts_changed.connect(self.show_overdue)
        return page

    def _build_registry(self) -> QWidget:
        from station_app.ui.registry_page import RegistryPage

        page = RegistryPage(self.ctx)
        page.representatives.changed.connect(lambda: self._refresh_if_built("qr"))
        page.representatives.changed.connect(self.check_setup)
        return page

    def _build_roster(self) -> QWidget:
        from station_app.ui.roster_page import RosterPage

        return RosterPage(self.ctx)

    def _build_attendance(self) -> QWidget:
        from station_app.ui.attendance_page import AttendancePage

        return AttendancePage(self.ctx)

    def _build_subsidy(self) -> QWidget:
        from station_app.ui.subsidy_page import SubsidyPage

        return SubsidyPage(self.ctx)

    def _build_performance(self) -> QWidget:
        from station_app.ui.performance_page import PerformancePage

        return PerformancePage(self.ctx)

    def _build_reporting(self) -> QWidget:
        from station_app.ui.report_page import ReportPage
        from station_app.ui.sync_page import SyncPage

        reporting = QTabWidget()
        reporting.addTab(ReportPage(self.ctx), tr("本月报表"))
        reporting.addTab(SyncPage(self.ctx), tr("县站报送"))
        reporting.currentChanged.connect(lambda _index: reporting.currentWidget().refresh())
        return reporting

    def _build_qr(self) -> QWidget:
        from station_app.ui.qr_page import QrPage

        return QrPage(self.ctx)

    def _build_calendar(self) -> QWidget:
        from station_app.ui.calendar_page import CalendarPage

        return CalendarPage(self.ctx)

    def _build_settings(self) -> QWidget:
        from station_app.ui.settings_page import SettingsPage

        page = SettingsPage(self.ctx)
        page.saved.connect(self.update_status)
        page.saved.connect(self.check_setup)
        page.saved.connect(lambda: self._refresh_if_built("reporting", 1))
        return page

    def _build_audit(self) -> QWidget:
        from station_app.ui.audit_page import AuditPage

        return AuditPage(self.ctx)

    def _grey_admin_actions(self, name: str, page: QWidget) -> None:
        """A 登记员 sees a 管理员's buttons greyed, with a tooltip saying why (ui/roles.py)."""
        from station_app.ui.roles import admin_only

        if self.ctx.operator.is_admin:
            return
        if name == "registry":
            reps = page.representatives
            widgets = [reps.add_button, reps.edit_button, reps.void_button, reps.import_button,
                       *page.window_units.action_buttons, *page.stations.action_buttons]
        elif name == "reception":
            widgets = [page.list.void_button]
        elif name == "referrals":
            widgets = [page.list.action_buttons[ReferralAction.VOID]]
        elif name == "subsidy":
            widgets = [page.batch.adjust_button, page.batch.confirm_button, page.batch.withdraw_button,
                       page.batch.pay_button, page.rates.add_button, page.rates.void_button]
        elif name == "roster":
            widgets = [page.generate_button, page.new_plan_button, page.edit_plan_button]
        elif name == "calendar":
            widgets = [page.add_day_button, page.void_day_button, page.seed_button, page.import_button,
                       page.add_closure_button, page.void_closure_button]
        elif name == "performance":
            widgets = [page.activities.void_button, page.suggestions.void_button, page.ranking.rule_button,
                       page.stars.save_button]
        elif name == "reporting":
            sync = page.widget(1)
            widgets = [sync.export_button, sync.merge_button, sync.registry_button, sync.import_registry_button]
        elif name == "settings":
            widgets = [page.save_button, page.reset_button, page.use_button]
        else:
            widgets = []
        admin_only(self.ctx, *widgets)

    def change_password(self) -> None:
        from station_app.ui.sign_in import ChangePasswordDialog

        ChangePasswordDialog(self.ctx, self).exec()

    def _refresh_if_built(self, name: str, tab: int | None = None) -> None:
        """A page not built yet reads its data when it is built; a built one is told to read it again."""
        page = self._built.get(name)
        if page is not None:
            (page.widget(tab) if tab is not None else page).refresh()

    @property
    def report(self) -> ReportPage:
        return self.reporting.widget(0)

    @property
    def sync(self) -> SyncPage:
        return self.reporting.widget(1)

    def show_page(self, row: int) -> None:
        name = self._name_at(row)
        fresh = name is not None and name not in self._built  # built now: it has just read its data
        if name is not None:
            self.page(name)
        self.pages.setCurrentIndex(row)
        page = self.pages.currentWidget()
        if self.first_start is not None and page is not self.first_start:
            self.check_setup()  # a step may have been done on its own page
        if page is self.first_start:
            self.first_start.refresh()
        elif name in ("qr", "subsidy", "performance"):
            page.refresh()
        elif name == "roster":
            page.reload_plans()
        elif name in ("attendance", "reporting"):
            page.currentWidget().refresh()
        elif name == "referrals":
            page.list.reload_units(refresh=False)
            page.refresh()
        elif name == "reception" and not fresh:
            page.entry.reload_choices()
        elif name == "audit":
            page.reload_choices()
            page.refresh()

    def open_referral(self, referral_id: str) -> None:
        """A visit's detail asked for its referral: the 三单 page, on that referral."""
        self.nav.setCurrentRow(self._row_of("referrals"))
        self.referrals.show_referral(referral_id)

    # --- the first-start guide ---

    def go_to(self, name: str) -> None:
        """Show a page by its name: "settings", "registry", "roster", "reception", "subsidy", "performance",
        "report", "sync"."""
        if name in ("report", "sync"):
            self.reporting.setCurrentIndex(0 if name == "report" else 1)
            name = "reporting"
        self.nav.setCurrentRow(self._row_of(name))

    def _station_named(self) -> None:
        if (settings := self._built.get("settings")) is not None:
            settings.load()
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
            self.nav.setCurrentRow(self._row_of("reception"))
        else:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self.pages.currentIndex())
            self.nav.blockSignals(False)
        self.statusBar().showMessage(tr("本站已设置完成，可以开始日常工作。"), 8000)

    def show_overdue(self, count: int) -> None:
        """The overdue count stays in sight: on the navigation entry and in the status bar."""
        item = self.nav.item(self._row_of("referrals"))
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
