"""Shared fixtures: every test gets its own data folder and a fresh database.

The demo county takes seconds to build, so it is built once per test run (``demo_template``) and
each test that needs it gets its own copy (``demo_db``, ``demo_url``).

The tests under tests/services and tests/db that take ``db`` (or ``ctx``) run twice: on SQLite and on a
real PostgreSQL server (ids ``[sqlite]``, ``[postgresql]``). Each test process starts its own throw-away
server (tools/pgserver.py) the first time a PostgreSQL test needs it, migrates one template database,
and gives each test a fresh copy of it. A test about SQLite itself says so with ``@pytest.mark.sqlite_only``.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from station_app.db.session import Database, copy_sqlite, open_database
from station_app.i18n import set_language
from station_app.services.context import OperatorRef, ServiceContext
from station_app.vocab import Role
from tools.pgserver import PgServer, PgServerError

#: the operator every test works as
TESTER = OperatorRef(username="tester", display_name="测试员", role=Role.ADMIN)
#: the day the shared demo is built for: its year of history ends here, its rosters run two months on
DEMO_DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_APP_HOME", str(tmp_path / "home"))
    set_language("zh")
    yield


#: the database servers a test of ``db`` runs on, in the folders below tests/ whose tests run on both
BACKENDS = ("sqlite", "postgresql")
BOTH_BACKENDS_UNDER = ("services", "db")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself; it runs on SQLite only")


def pytest_terminal_summary(terminalreporter):
    """The installer test's own [installer] lines (tests/test_installer.py) in the run's log, passed or not."""
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, content in getattr(report, "sections", []):
                if name == "Captured stdout call" and "[installer]" in content:
                    lines = [line for line in content.splitlines() if line.startswith("[installer]")]
                    terminalreporter.write_line("\n".join(lines))


def pytest_generate_tests(metafunc):
    if "db_backend" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    folder = Path(metafunc.definition.path).relative_to(Path(__file__).parent).parts[0]
    if folder in BOTH_BACKENDS_UNDER:
        metafunc.parametrize("db_backend", BACKENDS, indirect=True)


@pytest.fixture
def db_backend(request) -> str:
    """``sqlite`` or ``postgresql``: which server this test's ``db`` is on (SQLite unless parametrized)."""
    return getattr(request, "param", "sqlite")


class PgDatabases:
    """This test process's PostgreSQL server: a migrated template, and a fresh copy of it for each test."""

    TEMPLATE = "station_template"

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._numbers = itertools.count(1)
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-databases")
        self._spare: Future[str] | None = None
        self._execute(f"CREATE DATABASE {self.TEMPLATE}")
        open_database(self.url_of(self.TEMPLATE)).dispose()

    def url_of(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(statement))

    def create(self, migrated: bool = True) -> str:
        """A new database: a copy of the migrated template, or (``migrated=False``) an empty one.

        The next copy is made while the test runs, so a test waits for none."""
        if not migrated:
            return self._make(False)
        url = self._spare.result() if self._spare else self._make(True)
        self._spare = self._maker.submit(self._make, True)
        return url

    def _make(self, migrated: bool) -> str:
        name = f"test_{next(self._numbers)}"
        source = f"TEMPLATE {self.TEMPLATE} STRATEGY FILE_COPY" if migrated else ""  # FILE_COPY: faster here
        self._execute(f"CREATE DATABASE {name} {source}")
        return self.url_of(name)

    def close(self) -> None:
        if self._spare:
            self._spare.result()
        self._maker.shutdown()
        self.admin.dispose()

    def drop(self, url: str) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_databases() -> PgDatabases:
    """One PostgreSQL server for this test process (each xdist worker has its own, on its own port)."""
    server = PgServer()
    try:
        url = server.start()
    except PgServerError as exc:  # never skipped: a run that cannot reach PostgreSQL fails, saying why
        server.stop()
        pytest.fail(f"the PostgreSQL test server could not be started: {exc}", pytrace=False)
    databases = None
    try:
        databases = PgDatabases(url)
        yield databases
    finally:
        if databases is not None:
            databases.close()
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A database file migrated once per test process; each test's ``db`` starts as a copy of it."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def db(db_backend, tmp_path, request) -> Database:
    """This test's own empty database (migrated to the newest revision), on SQLite or PostgreSQL."""
    if db_backend == "postgresql":
        databases = request.getfixturevalue("pg_databases")
        url = databases.create()
        database = open_database(url)
        yield database
        database.dispose()
        databases.drop(url)
        return
    path = tmp_path / "test.sqlite"
    copy_sqlite(request.getfixturevalue("sqlite_template"), path)
    database = open_database(f"sqlite:///{path}")
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
