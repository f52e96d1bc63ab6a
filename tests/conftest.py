"""Shared fixtures: every test gets its own data folder and a fresh database."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from station_app.db.session import Database, open_database
from station_app.i18n import set_language
from station_app.services.context import OperatorRef, ServiceContext
from station_app.vocab import Role

#: the operator every test works as
TESTER = OperatorRef(username="tester", display_name="测试员", role=Role.ADMIN)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_APP_HOME", str(tmp_path / "home"))
    set_language("zh")
    yield


@pytest.fixture
def db(tmp_path) -> Database:
    database = open_database(f"sqlite:///{tmp_path / 'test.sqlite'}", operator="测试员")
    yield database
    database.dispose()


@pytest.fixture
def ctx(db) -> ServiceContext:
    """The service context a test calls services with: the test database, signed in as 测试员."""
    return ServiceContext(db, TESTER)
