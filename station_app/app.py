"""Start the window: font, translations, one instance per database, the database, the main window."""
from __future__ import annotations

import getpass
import logging
import os
import re
import sys
import tempfile
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QLibraryInfo, QLocale, QLockFile, QSize, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from station_app import config
from station_app.i18n import language, set_language, tr

if TYPE_CHECKING:
    from station_app.services.context import OperatorRef, ServiceContext

log = logging.getLogger(__name__)


def install_font(app: QApplication) -> str:
    """Register the bundled WenQuanYi Micro Hei so Chinese never shows as boxes, and use it."""
    font_id = QFontDatabase.addApplicationFont(str(config.FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else config.FONT_FAMILY
    if font_id < 0:
        log.warning("could not load bundled font %s", config.FONT_FILE)
    font = QFont(family)
    font.setPointSize(10)
    app.setFont(font)
    return family


def install_qt_translations(app: QApplication) -> None:
    """Qt's own texts (确定/取消 on standard buttons) and dates (星期五, 十一月) in Chinese."""
    if language() != "zh":
        return
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) or translator.load(
            "qt_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)


def application_icon() -> QIcon:
    """The program's red-and-gold badge, at the sizes it was rendered to."""
    icon = QIcon()
    for size in (48, 128, 256):
        icon.addFile(str(config.ICONS / f"station-app-{size}.png"), QSize(size, size))
    return icon


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(config.APP_TITLE)
    app.setOrganizationName(config.APP_NAME)
    app.setWindowIcon(application_icon())
    app.setDesktopFileName("station-app")  # the installed desktop entry: its icon in the task bar on Wayland
    install_font(app)
    install_qt_translations(app)
    return app


def _show_unexpected(exc_type, exc, tb) -> None:
    from station_app.services.database import safe_error_text, write_problem

    log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    problem = write_problem(exc)  # busy or read-only: its own line; never the statement or its values
    if problem is not None:
        QMessageBox.warning(None, tr("代表联络站工作台"), str(problem))
        return
    QMessageBox.critical(None, tr("程序出错"), tr("程序遇到意外问题：{error}\n\n数据未受影响。详细信息已写入日志：\n{log}",
                                                  error=config.redact(safe_error_text(exc)), log=config.log_file()))


def instance_dir() -> Path:
    """A folder of this user's that does not move with the data folder (STATION_APP_HOME): where the
    one-window locks live, so two data folders cannot open two windows on one database file."""
    try:
        with warnings.catch_warnings():  # platformdirs warns where XDG_RUNTIME_DIR is unset, and falls back itself
            warnings.simplefilter("ignore")
            path = Path(platformdirs.user_runtime_dir(config.APP_NAME, appauthor=False))
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:  # no runtime folder for this user (a service account): one of ours in the temp folder
        path = Path(tempfile.gettempdir()) / f"{config.APP_NAME}-{getpass.getuser()}"
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


#: a SQLite URL the window's lock can be named from without loading SQLAlchemy (the usual one: a file's path)
_PLAIN_SQLITE = re.compile(r"sqlite:///([^?%]+)")


def instance_name(db_url: str) -> str:
    """``services.database.instance_name``, for the usual ``sqlite:///PATH`` without loading SQLAlchemy, so the
    window's frame is on screen before the database is opened (tests/ui/test_one_window.py checks they agree)."""
    plain = _PLAIN_SQLITE.fullmatch(db_url.strip())
    if plain is None:
        from station_app.services.database import instance_name as of_any_url

        return of_any_url(db_url)
    real = os.path.normcase(os.path.realpath(Path(plain.group(1)).expanduser()))
    return config.window_lock_name(f"sqlite:///{real}")  # database_key's form for a file


def instance_lock(db_url: str) -> QLockFile:
    """One window per database on this PC: the same file (by its real path: any spelling, a symlink, a
    relative path, another data folder), or the same server database."""
    lock = QLockFile(str(instance_dir() / f"{instance_name(db_url)}.lock"))
    lock.setStaleLockTime(0)
    return lock


def listen_for_second_starts(db_url: str, window: QWidget) -> QLocalServer:
    """The first window answers a second start on the same database by coming to the front."""
    name = instance_name(db_url)
    server = QLocalServer(window)
    QLocalServer.removeServer(name)  # a socket left by a window that was killed: we hold the lock, so it is stale
    if not server.listen(name):
        log.warning("cannot listen for second starts: %s", server.errorString())

    def bring_forward() -> None:
        while (connection := server.nextPendingConnection()) is not None:
            connection.disconnected.connect(connection.deleteLater)
            connection.disconnectFromServer()
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
            window.show()
            window.raise_()
            window.activateWindow()

    server.newConnection.connect(bring_forward)
    return server


def ask_first_window_forward(db_url: str) -> bool:
    """Ask the window already open on this database to come to the front; False when none answers."""
    socket = QLocalSocket()
    socket.connectToServer(instance_name(db_url))
    if not socket.waitForConnected(1000):
        return False
    socket.write(b"show\n")
    socket.waitForBytesWritten(1000)
    socket.disconnectFromServer()
    return True


def _operator_from_environment(ctx: ServiceContext) -> OperatorRef | None:
    """A script's sign-in, the command line's way: STATION_APP_OPERATOR and STATION_APP_PASSWORD both set, and
    right (checked, counted and locked as if typed). Anything less, or a refusal, goes to the sign-in dialog.
    The installer's test and the start-up benchmark open the window this way."""
    from station_app.services import accounts

    name = os.environ.get(accounts.OPERATOR_ENV, "").strip()
    password = os.environ.get(accounts.PASSWORD_ENV)
    if not name or password is None or not accounts.has_accounts(ctx):
        return None
    try:
        return accounts.sign_in(ctx, name, password)
    except accounts.SignInRefused as refused:
        log.warning("sign-in from the environment refused: %s", refused)
        return None


def run_window(db_url: str | None = None, lang: str | None = None) -> int:
    """Open the window on ``db_url``, in ``lang`` when given (``--lang``), else in the language chosen in
    the settings page. The language is set before any page is built, so every page is in it.

    The window's frame is painted first, then the database is opened (SQLAlchemy, the schema check), the
    operator signs in and the first page comes in: a clerk sees the window at once."""
    set_language(lang or config.interface_language())
    from station_app.ui.first_paint import report_first_paint
    from station_app.ui.main_window import MainWindow

    config.setup_logging()
    app = make_application()
    url = db_url or config.default_db_url()
    lock = instance_lock(url)
    if not lock.tryLock(100):
        if ask_first_window_forward(url):
            log.info("the window already open on this database was brought to the front")
            return 0
        QMessageBox.warning(None, tr("代表联络站工作台"), tr("工作台已经在运行（同一个数据库只能打开一个窗口）。"))
        return 1
    sys.excepthook = _show_unexpected
    frame = MainWindow()
    frame.show()
    probe = report_first_paint(frame, wait=True)  # only when the start-up benchmark asks
    app.processEvents()  # painted now, before the database is loaded
    from station_app.services.context import open_context

    try:
        ctx = open_context(url)
    except Exception as exc:
        from station_app.services.database import display_url, open_problem

        log.exception("cannot open database %s", display_url(url))
        message = tr("无法打开数据库 {url}：{error}\n日志：{log}", url=display_url(url), error=open_problem(url, exc),
                     log=config.log_file())
        if not db_url and config.chosen_db_url():  # the settings' choice: say how to get back to this PC's file
            message += "\n\n" + tr("这是设置页选定的数据库。可用 station-app --db {local} 打开本机数据库文件，"
                                     "再到 设置 → 数据库 清空地址并保存。", local=config.local_db_url())
        QMessageBox.critical(frame, tr("代表联络站工作台"), message)
        frame.close()
        return 1
    from station_app.services.backup import CLOSE, START, backup_quietly
    from station_app.services.database import DatabaseBusy
    from station_app.services.work_calendar import seed_from_package
    from station_app.ui import sign_in

    # the first administrator's password on a new database (county mode too), else signing in
    operator = _operator_from_environment(ctx) or sign_in.sign_in_at_start(ctx, frame)
    if operator is None:
        frame.close()
        ctx.dispose()
        lock.unlock()
        return 0
    ctx.operator = operator
    backup_problem = backup_quietly(ctx, START)  # a copy of the database as it was when the window opened
    if operator.is_admin and not ctx.db.read_only:  # a read-only database is opened to look and export from
        try:
            seed_from_package(ctx)  # a new database gets the official holidays in its editable table; later runs add nothing
        except DatabaseBusy:
            log.warning("the database was busy; the holidays are added at the next start")
    windows: list[MainWindow] = []

    def open_window() -> None:
        window = MainWindow(ctx)
        window.sign_out_requested.connect(switch_user)
        windows[:] = [window]
        listen_for_second_starts(url, window)
        window.show()

    def switch_user() -> None:
        """退出登录 / 切换用户: the window goes, the sign-in comes; a new window for who signs in (their role's)."""
        old = windows[0]
        app.setQuitOnLastWindowClosed(False)
        old.hide()
        signed = sign_in.sign_in_at_start(ctx)
        old.close()
        old.deleteLater()
        if signed is None:
            app.quit()
        else:
            ctx.operator = signed
            open_window()
        app.setQuitOnLastWindowClosed(True)

    frame.attach(ctx)
    frame.sign_out_requested.connect(switch_user)
    listen_for_second_starts(url, frame)
    windows.append(frame)
    if ctx.db.read_only:
        windows[0].statusBar().showMessage(tr("数据库文件是只读的：只能查看和导出，不能修改"))
    elif ctx.db.backup_made:
        windows[0].statusBar().showMessage(tr("数据库已升级，升级前的副本保存在 {path}", path=ctx.db.backup_made),
                                           15000)
    elif backup_problem:
        windows[0].statusBar().showMessage(backup_problem, 15000)
    if probe is not None:
        probe.ready()
    code = app.exec()
    backup_quietly(ctx, CLOSE)
    ctx.dispose()
    lock.unlock()
    return code
