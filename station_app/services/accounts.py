"""操作员 — accounts, passwords and roles.

A 管理员 may do everything (settings, accounts, paying subsidies, voiding); a 登记员 does the daily
entry (visits, referrals' progress, attendance). The services check the role
(``ctx.write(admin_only=True)``), so the window and the command line allow the same things.

Passwords are kept as argon2id hashes. ``sign_in`` counts wrong passwords: ``MAX_FAILURES`` in a row
lock the account for ``LOCK_MINUTES``. The first account of a database is its administrator, made with
``create_first_admin`` (the window's first-start page, or ``station-app operator add``); there is no
built-in account or password.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station_app.db.models import Operator, utcnow
from station_app.i18n import tr
from station_app.services.context import OPERATOR_ENV, OperatorRef, ServiceContext
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.vocab import Role

#: wrong passwords in a row that lock an account, and for how long
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
#: the environment variable a script gives its operator's password in
PASSWORD_ENV = "STATION_APP_PASSWORD"

_hasher = PasswordHasher()
#: checked against when the user name is unknown, so a wrong name takes as long as a wrong password
_NOBODY = _hasher.hash("no such operator")


class SignInRefused(StationError):
    """The user name or password is wrong, or the account is locked or voided."""


@dataclass(frozen=True)
class OperatorRow:
    """One account as the accounts list shows it."""

    id: str
    username: str
    display_name: str
    role: Role
    failed_attempts: int
    #: local time the lock ends, or None when not locked
    locked_until: dt.datetime | None
    voided: bool

    @property
    def name(self) -> str:
        return self.display_name or self.username


def _local(moment: dt.datetime) -> dt.datetime:
    """A stored UTC time as this PC's local time."""
    return moment.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def _row(op: Operator, now: dt.datetime) -> OperatorRow:
    locked = op.locked_until if op.locked_until and op.locked_until > now else None
    return OperatorRow(op.id, op.username, op.display_name, Role(op.role), op.failed_attempts or 0,
                       _local(locked) if locked else None, op.is_voided)


def _ref(op: Operator) -> OperatorRef:
    return OperatorRef(username=op.username, display_name=op.display_name or op.username, role=Role(op.role))


def _live(session: Session):
    return select(Operator).where(Operator.voided_at.is_(None))


def _find(session: Session, username: str) -> Operator:
    op = session.scalars(_live(session).where(Operator.username == username.strip())).first()
    if op is None:
        raise NotFound(tr("没有用户名为“{name}”的操作员", name=username))
    return op


def has_accounts(ctx: ServiceContext) -> bool:
    """True once the database has an account: from then on every start and every command signs in."""
    with ctx.read() as session:
        return bool(session.scalar(select(func.count()).select_from(Operator).where(Operator.voided_at.is_(None))))


def list_operators(ctx: ServiceContext, include_voided: bool = False, now: dt.datetime | None = None
                   ) -> list[OperatorRow]:
    query = select(Operator).order_by(Operator.role, Operator.username)
    if not include_voided:
        query = query.where(Operator.voided_at.is_(None))
    now = now or utcnow()
    with ctx.read() as session:
        return [_row(op, now) for op in session.scalars(query)]


def _checked_account(username: str, display_name: str, role: Role | str, password: str) -> tuple[str, str, Role]:
    username, display_name = username.strip(), display_name.strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = tr("用户名不能为空")
    elif len(username) > 32 or any(ch.isspace() for ch in username):
        errors["username"] = tr("用户名最多 32 个字符，不能有空格")
    if len(display_name) > 50:
        errors["display_name"] = tr("姓名最多 50 个字")
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = tr("角色只能是“管理员”或“登记员”")
    if message := password_problem(password):
        errors["password"] = message
    if errors:
        raise ValidationFailed(errors)
    return username, display_name or username, role


def password_problem(password: str) -> str:
    """Why a new password cannot be used, or "" when it can."""
    if len(password) < MIN_PASSWORD:
        return tr("密码至少 {n} 位", n=MIN_PASSWORD)
    if password != password.strip():
        return tr("密码的开头和结尾不能是空格")
    return ""


def _add(session: Session, username: str, display_name: str, role: Role, password: str) -> Operator:
    if session.scalar(select(Operator.id).where(Operator.username == username)):
        raise ValidationFailed({"username": tr("用户名“{name}”已被使用（作废的账户也占用其用户名）", name=username)})
    op = Operator(username=username, display_name=display_name, role=role.value,
                  password_hash=_hasher.hash(password), failed_attempts=0)
    session.add(op)
    return op


def create_first_admin(ctx: ServiceContext, username: str, display_name: str, password: str) -> OperatorRef:
    """The database's first account, its administrator. Refused once any account exists."""
    username, display_name, role = _checked_account(username, display_name, Role.ADMIN, password)
    first = ServiceContext(ctx.db, OperatorRef(username, display_name, Role.ADMIN))
    with first.write() as session:
        if session.scalar(select(func.count()).select_from(Operator).where(Operator.voided_at.is_(None))):
            raise StationError(tr("这个数据库已有操作员账户，请由管理员登录后新增账户"))
        op = _add(session, username, display_name, role, password)
        return _ref(op)


def add_operator(ctx: ServiceContext, username: str, display_name: str, role: Role | str, password: str) -> str:
    """A new account (a 管理员's action); returns its id."""
    username, display_name, role = _checked_account(username, display_name, role, password)
    with ctx.write(admin_only=True) as session:
        return _add(session, username, display_name, role, password).id


def change_password(ctx: ServiceContext, username: str, new_password: str, old_password: str | None = None) -> None:
    """A 管理员 sets anyone's password; anyone may change their own, giving the old one. Also unlocks."""
    if message := password_problem(new_password):
        raise ValidationFailed({"password": message})
    own = username.strip() == ctx.operator.username
    with ctx.write(admin_only=not own) as session:
        op = _find(session, username)
        if own and not ctx.operator.is_admin and not _matches(op.password_hash, old_password or ""):
            raise ValidationFailed({"old_password": tr("原密码不正确")})
        op.password_hash = _hasher.hash(new_password)
        op.failed_attempts, op.locked_until = 0, None


def set_role(ctx: ServiceContext, username: str, role: Role | str) -> None:
    role = Role(role)
    with ctx.write(admin_only=True) as session:
        op = _find(session, username)
        if role != Role.ADMIN and op.role == Role.ADMIN.value:
            _keep_an_admin(session, op)
        op.role = role.value


def unlock(ctx: ServiceContext, username: str) -> None:
    with ctx.write(admin_only=True) as session:
        op = _find(session, username)
        op.failed_attempts, op.locked_until = 0, None


def void_operator(ctx: ServiceContext, username: str, reason: str) -> None:
    """Close an account (it can no longer sign in; its name stays on what it did)."""
    if not reason.strip():
        raise ValidationFailed({"reason": tr("请填写作废原因")})
    with ctx.write(admin_only=True) as session:
        op = _find(session, username)
        if op.username == ctx.operator.username:
            raise StationError(tr("不能作废自己正在使用的账户"))
        if op.role == Role.ADMIN.value:
            _keep_an_admin(session, op)
        op.voided_at, op.void_reason, op.voided_by = utcnow(), reason.strip(), ctx.operator.name


def _keep_an_admin(session: Session, op: Operator) -> None:
    others = session.scalar(select(func.count()).select_from(Operator).where(
        Operator.voided_at.is_(None), Operator.role == Role.ADMIN.value, Operator.id != op.id))
    if not others:
        raise StationError(tr("“{name}”是唯一的管理员，不能作废或改为登记员", name=op.username))


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _NOBODY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sign_in(ctx: ServiceContext, username: str, password: str, now: dt.datetime | None = None) -> OperatorRef:
    """The operator with this user name and password, or SignInRefused saying why (in Chinese).

    Each wrong password is counted on the account; the ``MAX_FAILURES``-th locks it for ``LOCK_MINUTES``.
    A locked account is refused without looking at the password. The count is written even though the
    sign-in fails, under the name that was typed."""
    now = now or utcnow()
    username = username.strip()
    # the count of wrong passwords is written under the name typed, marked as a sign-in
    trying = ServiceContext(ctx.db, OperatorRef(username, f"登录：{username}"[:64], Role.CLERK))
    refusal = ""
    with trying.write() as session:
        op = session.scalars(_live(session).where(Operator.username == username)).first()
        if op is None:
            _matches(_NOBODY, password)
            raise SignInRefused(tr("用户名或密码不正确"))
        if op.locked_until and op.locked_until > now:
            raise SignInRefused(tr("账户“{name}”因多次输错密码已锁定，请于 {time} 后再试，或请管理员解锁",
                                   name=username, time=_local(op.locked_until).strftime("%H:%M")))
        if not _matches(op.password_hash, password):
            op.failed_attempts = (op.failed_attempts or 0) + 1
            if op.failed_attempts >= MAX_FAILURES:
                op.failed_attempts, op.locked_until = 0, now + dt.timedelta(minutes=LOCK_MINUTES)
                refusal = tr("密码连续输错 {n} 次，账户“{name}”已锁定 {m} 分钟（到 {time}），也可请管理员解锁",
                             n=MAX_FAILURES, name=username, m=LOCK_MINUTES,
                             time=_local(op.locked_until).strftime("%H:%M"))
            else:
                refusal = tr("用户名或密码不正确（再错 {n} 次账户将锁定 {m} 分钟）",
                             n=MAX_FAILURES - op.failed_attempts, m=LOCK_MINUTES)
        else:
            if op.failed_attempts or op.locked_until:
                op.failed_attempts, op.locked_until = 0, None
            if _hasher.check_needs_rehash(op.password_hash):
                op.password_hash = _hasher.hash(password)
            signed = _ref(op)
    if refusal:  # raised after the commit, so the count of wrong passwords is kept
        raise SignInRefused(refusal)
    return signed


def command_line_operator(ctx: ServiceContext, name: str | None, ask_password: Callable[[str], str | None]
                          ) -> OperatorRef:
    """Who a command-line run works as.

    Until the database has its first account, the command line works as it did before accounts: as an
    administrator named by ``--operator``, STATION_APP_OPERATOR or the login name (a script that fills a
    new database, ``demo``, keeps working). Once an account exists, the run must name one
    (``--operator`` or STATION_APP_OPERATOR) and give its password (STATION_APP_PASSWORD, or typed when
    asked); it is checked, counted and locked as in the window, and the account's role decides what the
    run may do."""
    if not has_accounts(ctx):
        return OperatorRef.from_environment(name)
    name = (name or os.environ.get(OPERATOR_ENV) or "").strip()
    if not name:
        raise SignInRefused(tr("这个数据库已设操作员账户：请用 --operator 用户名（或环境变量 {env}）指明操作员",
                               env=OPERATOR_ENV))
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = ask_password(tr("操作员 {name} 的密码：", name=name))
    if password is None:
        raise SignInRefused(tr("需要操作员 {name} 的密码：请设置环境变量 {env}，或在终端中运行以输入密码",
                               name=name, env=PASSWORD_ENV))
    return sign_in(ctx, name, password)
