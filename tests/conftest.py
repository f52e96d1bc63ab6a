"""Shared fixtures: every test gets its own data folder and a fresh database.

The demo county takes seconds to build, so it is built once per test run (``demo_template``) and
each test that needs it gets its own copy (``demo_db``, ``demo_url``).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from station_app.db.session import Database, copy_sqlite, open_database
from station_app.i18n import set_language
from station_app.services.context import OperatorRef, ServiceContext
from station_app.vocab import Role

#: the operator every test works as
TESTER = OperatorRef(username="tester", display_name="测试员", role=Role.ADMIN)
#: the day the shared demo is built for: its year of history ends here, its rosters run two months on
DEMO_DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_APP_HOME", str(tmp_path / "home"))
    set_language("zh")
    yield


@pytest.fixture
def db(tmp_path) -> Database:
    database = open_database(f"sqlite:///{tmp_path / 'test.sqlite'}")
    yield database
    database.dispose()


@pytest.fixture
def ctx(db) -> ServiceContext:
    """The service context a test calls services with: the test database, signed in as 测试员."""
    return ServiceContext(db, TESTER)


def build_demo(path: Path, **options: object):
    """The demo county in a new database file at ``path``; returns the demo's summary."""
    from station_app.services.demo import fill_demo

    database = open_database(f"sqlite:///{path}")
    try:
        return fill_demo(ServiceContext(database, TESTER), **{"today": DEMO_DAY, **options})
    finally:
        database.dispose()


def demo_picture(path: Path):
    """What a demo database holds, in an order that does not depend on its random ids: every duty turn,
    every visit, every referral. Two demos built for the same day and seed have the same picture."""
    from sqlalchemy import select

    from station_app.db.models import DutyAssignment, DutySlot, Referral, Visit

    database = open_database(f"sqlite:///{path}")
    try:
        with database.session() as s:
            turns = sorted(s.execute(select(DutySlot.day, DutySlot.slot_name, DutyAssignment.representative_id,
                                            DutyAssignment.window_unit_id, DutyAssignment.attendance)
                                     .join(DutySlot, DutyAssignment.slot_id == DutySlot.id)).all(), key=str)
            visits = sorted(s.execute(select(Visit.visited_at, Visit.citizen_name, Visit.outcome)).all())
            refs = sorted(s.execute(select(Referral.number, Referral.state, Referral.rounds)).all())
    finally:
        database.dispose()
    return turns, visits, refs


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, object]:
    """The whole demo (registry, a year of duty and visits) built once per run: (file, summary)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    return path, build_demo(path)


@pytest.fixture
def demo_url(demo_template, tmp_path) -> str:
    """A database URL of this test's own copy of the demo."""
    target = tmp_path / "demo.sqlite"
    copy_sqlite(demo_template[0], target)
    return f"sqlite:///{target}"


@pytest.fixture
def demo_db(demo_url) -> Database:
    database = open_database(demo_url)
    yield database
    database.dispose()


@pytest.fixture
def demo_ctx(demo_db) -> ServiceContext:
    return ServiceContext(demo_db, TESTER)
