"""Operators: argon2 passwords, the lock, roles checked in the services, the command line's operator."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from station_app.db.models import AuditLog, Operator, utcnow
from station_app.services import accounts, registry, settings
from station_app.services.accounts import SignInRefused
from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.vocab import Role


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    """argon2 with small costs: the same code, a few ms a hash instead of ~50."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def admin(db) -> OperatorRef:
    return accounts.create_first_admin(ServiceContext(db, OperatorRef("x", "x", Role.CLERK)), "admin", "王站长",
                                       "geheim123")


def test_the_first_account_is_an_administrator_with_an_argon2_hash_and_no_second_first(db, admin):
    ctx = ServiceContext(db, admin)
    assert admin == OperatorRef("admin", "王站长", Role.ADMIN)
    with db.session() as s:
        stored = s.scalars(select(Operator)).one()
    assert stored.password_hash.startswith("$argon2id$") and "geheim123" not in stored.password_hash
    with pytest.raises(StationError, match="已有操作员账户"):
        accounts.create_first_admin(ctx, "other", "", "geheim456")
    assert accounts.has_accounts(ctx)


def test_a_short_password_or_a_taken_name_is_refused_by_field(db, admin):
    ctx = ServiceContext(db, admin)
    with pytest.raises(ValidationFailed) as short:
        accounts.add_operator(ctx, "li", "小李", Role.CLERK, "1234")
    assert "password" in short.value.errors
    with pytest.raises(ValidationFailed) as taken:
        accounts.add_operator(ctx, "admin", "", Role.CLERK, "geheim123")
    assert "username" in taken.value.errors


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes_and_the_count_is_kept(db, admin):
    ctx = ServiceContext(db, admin)
    accounts.add_operator(ctx, "li", "小李", Role.CLERK, "clerkpass1")
    now = utcnow()
    for left in (4, 3, 2, 1):
        with pytest.raises(SignInRefused, match=f"再错 {left} 次账户将锁定 15 分钟"):
            accounts.sign_in(ctx, "li", "wrong", now=now)
    with pytest.raises(SignInRefused, match="连续输错 5 次.*已锁定 15 分钟"):
        accounts.sign_in(ctx, "li", "wrong", now=now)
    with pytest.raises(SignInRefused, match="已锁定"):  # even the right password, while locked
        accounts.sign_in(ctx, "li", "clerkpass1", now=now + dt.timedelta(minutes=14))
    assert accounts.sign_in(ctx, "li", "clerkpass1", now=now + dt.timedelta(minutes=16)).role == Role.CLERK
    with db.session() as s:
        li = s.scalars(select(Operator).where(Operator.username == "li")).one()
        assert (li.failed_attempts, li.locked_until) == (0, None)


def test_an_administrator_unlocks_and_a_voided_account_cannot_sign_in(db, admin):
    ctx = ServiceContext(db, admin)
    accounts.add_operator(ctx, "li", "小李", Role.CLERK, "clerkpass1")
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.sign_in(ctx, "li", "wrong")
    accounts.unlock(ctx, "li")
    assert accounts.sign_in(ctx, "li", "clerkpass1").name == "小李"
    accounts.void_operator(ctx, "li", "调离")
    with pytest.raises(SignInRefused, match="用户名或密码不正确"):
        accounts.sign_in(ctx, "li", "clerkpass1")
    with pytest.raises(StationError, match="唯一的管理员"):
        accounts.set_role(ctx, "admin", Role.CLERK)


def test_a_clerk_changes_only_their_own_password_giving_the_old_one(db, admin):
    ctx = ServiceContext(db, admin)
    accounts.add_operator(ctx, "li", "小李", Role.CLERK, "clerkpass1")
    clerk = ServiceContext(db, accounts.sign_in(ctx, "li", "clerkpass1"))
    with pytest.raises(ValidationFailed):
        accounts.change_password(clerk, "li", "newpass12", old_password="nope")
    accounts.change_password(clerk, "li", "newpass12", old_password="clerkpass1")
    assert accounts.sign_in(ctx, "li", "newpass12").username == "li"
    with pytest.raises(PermissionDenied):
        accounts.change_password(clerk, "admin", "hijacked1")


def test_roles_are_checked_in_the_services_not_only_in_the_window(db, admin):
    ctx = ServiceContext(db, admin)
    accounts.add_operator(ctx, "li", "小李", Role.CLERK, "clerkpass1")
    clerk = ServiceContext(db, accounts.sign_in(ctx, "li", "clerkpass1"))
    for refused in (lambda: settings.save(clerk, settings.read(clerk)),
                    lambda: registry.save_representative(clerk, registry.RepresentativeInput(name="张三", level="县")),
                    lambda: accounts.add_operator(clerk, "wang", "", Role.ADMIN, "geheim123")):
        with pytest.raises(PermissionDenied, match="只有管理员"):
            refused()


def test_the_command_line_works_as_the_login_until_the_first_account_and_then_needs_a_password(db, monkeypatch):
    monkeypatch.delenv("STATION_APP_OPERATOR", raising=False)
    monkeypatch.delenv(accounts.PASSWORD_ENV, raising=False)
    ctx = ServiceContext(db)
    before = accounts.command_line_operator(ctx, "脚本", lambda prompt: None)
    assert before == OperatorRef("脚本", "脚本", Role.ADMIN)
    accounts.create_first_admin(ctx, "admin", "王站长", "geheim123")
    with pytest.raises(SignInRefused, match="--operator"):
        accounts.command_line_operator(ctx, None, lambda prompt: None)
    with pytest.raises(SignInRefused, match="STATION_APP_PASSWORD"):
        accounts.command_line_operator(ctx, "admin", lambda prompt: None)
    asked = []
    assert accounts.command_line_operator(ctx, "admin", lambda prompt: asked.append(prompt) or "geheim123").is_admin
    assert asked == ["操作员 admin 的密码："]
    monkeypatch.setenv(accounts.PASSWORD_ENV, "wrong")
    with pytest.raises(SignInRefused, match="不正确"):
        accounts.command_line_operator(ctx, "admin", lambda prompt: "geheim123")


def test_the_audit_names_the_signed_in_operator_and_logname_changes_nothing(db, admin, monkeypatch):
    monkeypatch.setenv("LOGNAME", "mallory")
    monkeypatch.setenv("USER", "mallory")
    ctx = ServiceContext(db, accounts.sign_in(ServiceContext(db, admin), "admin", "geheim123"))
    rep_id = registry.save_representative(ctx, registry.RepresentativeInput(name="张三", level="县"))
    with db.transaction() as s:  # a session that names nobody writes a fixed word, not the login
        s.get(registry.Representative, rep_id).notes = "改"
    with db.session() as s:
        rows = s.scalars(select(AuditLog.operator).where(AuditLog.record_id == rep_id).order_by(AuditLog.id)).all()
        hashes = [str(r.after) for r in s.scalars(select(AuditLog).where(AuditLog.table_name == "operators"))]
    assert rows == ["王站长", "system"]
    assert "mallory" not in rows
    assert hashes and not any("argon2" in text for text in hashes)  # the hash never goes into the log
