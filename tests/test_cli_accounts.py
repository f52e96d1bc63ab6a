"""station-app operator …, and how every verb signs in once the database has accounts."""
from __future__ import annotations

import io
import sys

import pytest

from station_app.cli import main
from station_app.services import accounts


@pytest.fixture(autouse=True)
def _cheap_hashes_and_no_operator(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.delenv("STATION_APP_OPERATOR", raising=False)
    monkeypatch.delenv(accounts.PASSWORD_ENV, raising=False)


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def run(monkeypatch, *argv: str, stdin: str = "", password: str | None = None) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    if password is None:
        monkeypatch.delenv(accounts.PASSWORD_ENV, raising=False)
    else:
        monkeypatch.setenv(accounts.PASSWORD_ENV, password)
    return main(list(argv))


def test_the_first_account_is_the_administrator_and_then_every_command_signs_in(url, monkeypatch, capsys):
    assert run(monkeypatch, "--db", url, "operator", "add", "li", "--role", "登记员", stdin="geheim123\n") == 2
    assert "第一个账户必须是管理员" in capsys.readouterr().err
    assert run(monkeypatch, "--db", url, "operator", "add", "admin", "--name", "王站长", stdin="geheim123\n") == 0
    assert "已建立管理员账户 admin（王站长）" in capsys.readouterr().out
    assert run(monkeypatch, "--db", url, "operator", "list") == 2
    assert "--operator" in capsys.readouterr().err
    assert run(monkeypatch, "--db", url, "--operator", "admin", "operator", "list") == 2  # no terminal, no password
    assert "STATION_APP_PASSWORD" in capsys.readouterr().err
    assert run(monkeypatch, "--db", url, "--operator", "admin", "operator", "add", "li", "--name", "小李",
               stdin="clerkpass1\n", password="geheim123") == 0
    monkeypatch.setenv("STATION_APP_OPERATOR", "admin")
    assert run(monkeypatch, "--db", url, "operator", "list", password="geheim123") == 0
    listed = capsys.readouterr().out
    assert "admin\t王站长\t管理员\t正常" in listed and "li\t小李\t登记员\t正常" in listed


def test_a_clerk_on_the_command_line_is_refused_what_the_window_refuses_and_locked_alike(url, monkeypatch, capsys):
    run(monkeypatch, "--db", url, "operator", "add", "admin", stdin="geheim123\n")
    run(monkeypatch, "--db", url, "--operator", "admin", "operator", "add", "li", stdin="clerkpass1\n",
        password="geheim123")
    capsys.readouterr()
    assert run(monkeypatch, "--db", url, "--operator", "li", "operator", "void", "admin", "--reason", "x",
               password="clerkpass1") == 2
    assert "只有管理员可以做这件事（当前操作员：li，登记员）" in capsys.readouterr().err
    monkeypatch.setattr(accounts, "MAX_FAILURES", 2)  # the count is the service's (five); two keep the test short
    for _ in range(2):
        assert run(monkeypatch, "--db", url, "--operator", "li", "operator", "list", password="wrong") == 2
    assert "已锁定 15 分钟" in capsys.readouterr().err
    assert run(monkeypatch, "--db", url, "--operator", "li", "operator", "list", password="clerkpass1") == 2
    assert "已锁定" in capsys.readouterr().err
    assert run(monkeypatch, "--db", url, "--operator", "admin", "operator", "unlock", "li", password="geheim123") == 0
    assert run(monkeypatch, "--db", url, "--operator", "li", "operator", "passwd", "li", stdin="newpass12\n",
               password="clerkpass1") == 0
    assert run(monkeypatch, "--db", url, "--operator", "li", "operator", "list", password="newpass12") == 0
