"""The first administrator's page, the sign-in, sign-out, and what a 登记员's window shows."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from station_app import app as app_module
from station_app.services import accounts
from station_app.services.context import OperatorRef, ServiceContext
from station_app.ui.main_window import MainWindow
from station_app.ui.sign_in import FirstAdminDialog, SignInDialog
from station_app.vocab import Role


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _fill(dialog: FirstAdminDialog, username: str, name: str, password: str, again: str | None = None) -> None:
    dialog.username.setText(username)
    dialog.display_name.setText(name)
    dialog.password.setText(password)
    dialog.again.setText(password if again is None else again)
    dialog.create_button.click()


def test_the_first_start_asks_for_the_administrators_password_and_says_what_is_wrong(app, qtbot, db):
    dialog = FirstAdminDialog(ServiceContext(db))
    qtbot.addWidget(dialog)
    _fill(dialog, "admin", "王站长", "geheim123", "geheim124")
    assert dialog.errors["again"].text() == "两次输入的密码不一致" and dialog.result() == 0
    _fill(dialog, "admin", "王站长", "short")
    assert dialog.errors["password"].text() == "密码至少 8 位"
    assert not accounts.has_accounts(ServiceContext(db))
    _fill(dialog, "admin", "王站长", "geheim123")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.operator == OperatorRef("admin", "王站长", Role.ADMIN)
    assert accounts.sign_in(ServiceContext(db), "admin", "geheim123").is_admin


def test_signing_in_shows_a_wrong_password_and_the_lock_in_chinese(app, qtbot, db):
    admin = accounts.create_first_admin(ServiceContext(db), "admin", "王站长", "geheim123")
    dialog = SignInDialog(ServiceContext(db, admin), "admin")
    qtbot.addWidget(dialog)
    for _ in range(5):
        dialog.password.setText("wrong")
        dialog.sign_in_button.click()
    assert "已锁定 15 分钟" in dialog.error.text() and dialog.password.text() == ""
    accounts.unlock(ServiceContext(db, admin), "admin")
    dialog.password.setText("geheim123")
    dialog.sign_in_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.operator.name == "王站长"


def test_a_new_database_opens_on_the_administrators_page_before_the_window(app, monkeypatch, tmp_path):
    shown: list[str] = []

    def exec_first(dialog):
        shown.append(type(dialog).__name__)
        _fill(dialog, "admin", "王站长", "geheim123")
        return dialog.result()

    windows: list[MainWindow] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(FirstAdminDialog, "exec", exec_first)
    monkeypatch.setattr(MainWindow, "show", lambda self: windows.append(self))
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    assert app_module.run_window(url) == 0
    assert shown == ["FirstAdminDialog"]
    assert windows[-1].ctx.operator.name == "王站长"
    assert "王站长（管理员）" in windows[-1].operator_label.text()


def test_quitting_the_sign_in_opens_no_window(app, monkeypatch, tmp_path):
    from station_app.db.session import open_database

    url = f"sqlite:///{tmp_path / 'kept.sqlite'}"
    database = open_database(url)
    accounts.create_first_admin(ServiceContext(database), "admin", "王站长", "geheim123")
    database.dispose()
    windows: list[MainWindow] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(SignInDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    monkeypatch.setattr(MainWindow, "show", lambda self: windows.append(self))
    assert app_module.run_window(url) == 0
    # only the window's frame was shown (it is painted before the database is opened), never with the pages
    assert [window.ctx for window in windows] == [None] and windows[0].nav.count() == 12


@pytest.fixture
def clerk_ctx(db) -> ServiceContext:
    admin = accounts.create_first_admin(ServiceContext(db), "admin", "王站长", "geheim123")
    accounts.add_operator(ServiceContext(db, admin), "li", "小李", Role.CLERK, "clerkpass1")
    return ServiceContext(db, accounts.sign_in(ServiceContext(db), "li", "clerkpass1"))


def test_a_clerk_sees_no_audit_page_and_a_managers_buttons_greyed_with_the_reason(app, qtbot, clerk_ctx):
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "审计日志" not in titles and window.audit is None
    reps = window.registry.representatives
    for button in (reps.add_button, reps.void_button, window.subsidy.batch.pay_button, window.settings.save_button):
        assert not button.isEnabled()
        assert "只有管理员" in button.toolTip()
    reps.void_button.setEnabled(True)  # what the page does when a row is chosen
    assert not reps.void_button.isEnabled()
    assert "只有管理员" not in window.reception.entry.save_button.toolTip()  # the daily entry stays open
    assert "只有管理员" not in window.attendance.attendance.present.toolTip()


def test_an_administrator_has_the_audit_page_and_signing_out_asks_for_the_sign_in(app, qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.nav.item(window.pages.indexOf(window.audit)).text() == "审计日志"
    assert window.registry.representatives.add_button.isEnabled()
    with qtbot.waitSignal(window.sign_out_requested, timeout=1000):
        window.sign_out_button.click()


def test_switching_user_closes_the_window_signs_in_again_and_opens_one_for_the_new_role(app, monkeypatch, tmp_path):
    from station_app.db.session import open_database

    url = f"sqlite:///{tmp_path / 'two.sqlite'}"
    database = open_database(url)
    admin = accounts.create_first_admin(ServiceContext(database), "admin", "王站长", "geheim123")
    accounts.add_operator(ServiceContext(database, admin), "li", "小李", Role.CLERK, "clerkpass1")
    database.dispose()
    who = iter([("admin", "geheim123"), ("li", "clerkpass1")])

    def exec_sign_in(dialog):
        username, password = next(who)
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.sign_in_button.click()
        return dialog.result()

    windows: list[MainWindow] = []

    def run_app(_app):
        windows[-1].sign_out_button.click()
        return 0

    def show(window):
        windows.append(window)

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(SignInDialog, "exec", exec_sign_in)
    monkeypatch.setattr(MainWindow, "show", show)
    monkeypatch.setattr(QApplication, "exec", run_app)
    assert app_module.run_window(url) == 0
    names = [window.operator_label.text() for window in windows]
    entries = [[window.nav.item(i).text() for i in range(window.nav.count())] for window in windows]
    assert names == ["操作员：王站长（管理员）", "操作员：小李（登记员）"]
    assert "审计日志" in entries[0] and "审计日志" not in entries[1]
    assert windows[1].audit is None
