"""登录 — before the main window: the first administrator's account on a new database, or signing in.

``FirstAdminDialog`` opens while the database has no account (every new station, and a county's
database too, whose first-start guide is skipped): there is no built-in password. ``SignInDialog``
opens on every later start, and after 退出登录 / 切换用户. Both leave the signed-in operator in
``.operator`` when accepted. The checks (password rules, wrong passwords, the lock) are the services'.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.services import accounts
from station_app.services.context import OperatorRef, ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.ui.forms import ERROR_FIELD_STYLE, ERROR_STYLE, ok_cancel

HEADING_STYLE = "font-size: 20px; font-weight: bold;"


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QPushButton, QPushButton, QWidget]:
    ok, quit_ = QPushButton(ok_text), QPushButton(tr("退出程序"))
    ok.setDefault(True)
    quit_.clicked.connect(dialog.reject)
    row = QWidget()
    layout = QGridLayout(row)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.setColumnStretch(0, 1)
    layout.addWidget(quit_, 0, 1)
    layout.addWidget(ok, 0, 2)
    return ok, quit_, row


def _stack(dialog: QDialog, *items: QWidget | QGridLayout) -> None:
    """The start dialogs' layout: the heading, what it is about, the form, the buttons, one under another."""
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(28, 24, 28, 20)
    layout.setSpacing(12)
    for item in items:
        if isinstance(item, QGridLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)


class FirstAdminDialog(QDialog):
    """设置管理员账户 — the first start of a database: its administrator's name and password."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.operator: OperatorRef | None = None
        self.setWindowTitle(tr("设置管理员账户"))
        heading = QLabel(tr("欢迎使用代表联络站工作台"))
        heading.setStyleSheet(HEADING_STYLE)
        about = QLabel(tr("这个数据库还没有操作员账户。请先设置管理员账户：管理员可以做所有的事，包括设置、操作员账户、"
                          "误工补贴的确认与发放、作废记录。日常登记（接待、交办办理、签到）的登记员账户，"
                          "由管理员稍后新增。程序没有预设密码，请记住这里设置的密码。"))
        about.setWordWrap(True)
        about.setStyleSheet("color: #616161;")
        self.username = QLineEdit()
        self.username.setPlaceholderText(tr("登录用，如 admin"))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(tr("记入每条修改记录，如 王站长"))
        self.password = _password_field()
        self.password.setPlaceholderText(tr("至少 {n} 位", n=accounts.MIN_PASSWORD))
        self.again = _password_field()
        self.errors = {key: QLabel() for key in ("username", "display_name", "password", "again")}
        form = QGridLayout()
        for row, (text, widget, key) in enumerate(((tr("用户名"), self.username, "username"),
                                                   (tr("姓名"), self.display_name, "display_name"),
                                                   (tr("密码"), self.password, "password"),
                                                   (tr("再输入一次密码"), self.again, "again"))):
            form.addWidget(QLabel(text), row * 2, 0)
            form.addWidget(widget, row * 2, 1)
            self.errors[key].setStyleSheet(ERROR_STYLE)
            self.errors[key].setWordWrap(True)
            form.addWidget(self.errors[key], row * 2 + 1, 1)
        form.setColumnStretch(1, 1)
        self.create_button, self.quit_button, buttons = _buttons(self, tr("建立账户并进入"))
        self.create_button.clicked.connect(self.create)
        _stack(self, heading, about, form, buttons)
        self.setMinimumWidth(560)

    def create(self) -> None:
        if self.password.text() != self.again.text():
            self.show_errors({"again": tr("两次输入的密码不一致")})
            return
        try:
            self.operator = accounts.create_first_admin(self.ctx, self.username.text(), self.display_name.text(),
                                                        self.password.text())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except StationError as exc:
            self.show_errors({"username": str(exc)})
            return
        self.accept()

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        for key, widget in (("username", self.username), ("display_name", self.display_name),
                            ("password", self.password), ("again", self.again)):
            widget.setStyleSheet(ERROR_FIELD_STYLE if key in errors else "")


class SignInDialog(QDialog):
    """登录 — user name and password; a wrong one, or a locked account, is said in red below."""

    def __init__(self, ctx: ServiceContext, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.operator: OperatorRef | None = None
        self.setWindowTitle(tr("登录"))
        station = ctx.station
        heading = QLabel(tr("代表联络站工作台"))
        heading.setStyleSheet(HEADING_STYLE)
        where = QLabel(station.name if station.configured else ctx.db.display_name)
        where.setStyleSheet("color: #616161;")
        self.username = QLineEdit(username)
        self.password = _password_field()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setMinimumHeight(self.error.fontMetrics().height() * 2 + 4)
        self.error.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        form = QGridLayout()
        form.addWidget(QLabel(tr("用户名")), 0, 0)
        form.addWidget(self.username, 0, 1)
        form.addWidget(QLabel(tr("密码")), 1, 0)
        form.addWidget(self.password, 1, 1)
        form.setColumnStretch(1, 1)
        self.sign_in_button, self.quit_button, buttons = _buttons(self, tr("登录"))
        self.sign_in_button.clicked.connect(self.sign_in)
        _stack(self, heading, where, form, self.error, buttons)
        self.setMinimumWidth(460)
        (self.password if username else self.username).setFocus()

    def sign_in(self) -> None:
        if not self.username.text().strip():
            self.error.setText(tr("请输入用户名"))
            return
        try:
            self.operator = accounts.sign_in(self.ctx, self.username.text(), self.password.text())
        except StationError as exc:
            self.error.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


def sign_in_at_start(ctx: ServiceContext, parent: QWidget | None = None, username: str = "") -> OperatorRef | None:
    """The operator to work as: the first administrator made now, or who signs in; None when the clerk quits."""
    dialog = (SignInDialog(ctx, username, parent) if accounts.has_accounts(ctx)
              else FirstAdminDialog(ctx, parent))
    return dialog.operator if dialog.exec() == QDialog.DialogCode.Accepted else None


class ChangePasswordDialog(QDialog):
    """修改我的密码 — the signed-in operator's own password, the old one first."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("修改我的密码"))
        self.old = _password_field()
        self.new = _password_field()
        self.new.setPlaceholderText(tr("至少 {n} 位", n=accounts.MIN_PASSWORD))
        self.again = _password_field()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QGridLayout()
        for row, (text, widget) in enumerate(((tr("原密码"), self.old), (tr("新密码"), self.new),
                                              (tr("再输入一次新密码"), self.again))):
            form.addWidget(QLabel(text), row, 0)
            form.addWidget(widget, row, 1)
        form.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("操作员：{name}", name=ctx.operator.name)))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self.save))
        self.setMinimumWidth(420)

    def save(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText(tr("两次输入的新密码不一致"))
            return
        try:
            accounts.sign_in(self.ctx, self.ctx.operator.username, self.old.text())
            accounts.change_password(self.ctx, self.ctx.operator.username, self.new.text(), self.old.text())
        except accounts.SignInRefused:
            self.error.setText(tr("原密码不正确"))
            return
        except StationError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
