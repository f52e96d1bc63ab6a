"""Shared fixtures: every test gets its own data folder and a fresh database."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from station_app.db.session import Database, open_database
from station_app.i18n import set_language


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
