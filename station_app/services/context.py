"""The service context: what every service call is made with.

A ``ServiceContext`` carries the database, the signed-in operator and their role, and this
station. The window and the command line each make one when they start and pass it to every
service call, for reads as well as writes; neither opens a database session itself.

``ctx.read()`` gives a session to read with; ``ctx.write()`` opens the one transaction of a user
action, checks the operator's role, and names the operator to the audit hook. Inside a write, a
nested ``read()`` or ``write()`` joins the open transaction, so a service may call another service
and the user action stays one transaction, committed in one place.
"""
from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from station_app.db.audit import OPERATOR
from station_app.db.models import Setting, Station
from station_app.db.session import Database, open_database
from station_app.i18n import tr
from station_app.services.errors import StationError
from station_app.vocab import Role, StationKind

#: the settings key that names this PC's own station (a row of the ``stations`` table)
LOCAL_STATION_KEY = "local_station_id"
#: the environment variable that names the operator of a command-line run
OPERATOR_ENV = "STATION_APP_OPERATOR"


class PermissionDenied(StationError):
    """The signed-in operator's role does not allow this action."""


@dataclass(frozen=True)
class OperatorRef:
    """Who is doing the work: the name written into every record they touch and every audit row."""

    username: str
    display_name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def name(self) -> str:
        """The name written into ``made_by``, ``recorded_by``, ``voided_by`` and the audit log."""
        return self.display_name or self.username

    @classmethod
    def from_environment(cls, name: str | None = None) -> "OperatorRef":
        """The name given (or STATION_APP_OPERATOR, or the login name) as an administrator: what the
        command line works as on a database that has no account yet (``accounts.command_line_operator``).
        Once a database has accounts, an operator is who signed in with a password."""
        name = (name or os.environ.get(OPERATOR_ENV) or _login_name()).strip() or "system"
        return cls(username=name, display_name=name, role=Role.ADMIN)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service environments
        return "system"


@dataclass(frozen=True)
class StationRef:
    """This PC's station, as the ``stations`` table holds it (the one source of its name and code)."""

    id: str | None
    name: str
    code: str
    kind: str
    address: str
    phone: str

    @property
    def configured(self) -> bool:
        return self.id is not None


#: what a database that has not been told its station yet shows
UNNAMED_STATION = StationRef(id=None, name="未命名代表联络站", code="ZD01", kind=StationKind.MONITORING.value,
                             address="", phone="")


class ServiceContext:
    """The database, the operator and this station: passed to every service call."""

    def __init__(self, db: Database, operator: OperatorRef | None = None) -> None:
        self.db = db
        self.operator = operator or OperatorRef.from_environment()
        self._active: Session | None = None
        self._station: StationRef | None = None

    # --- Sessions ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session to read with; inside a write it is the write's own session."""
        if self._active is not None:
            yield self._active
            return
        session = self.db.session()
        session.info[OPERATOR] = self.operator.name
        try:
            yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def write(self, *, admin_only: bool = False) -> Iterator[Session]:
        """The one transaction of a user action: committed whole on success, rolled back whole on error.

        The operator's role is checked here, before anything is read or written. A write inside a
        write joins the outer transaction.
        """
        if admin_only and not self.operator.is_admin:
            raise PermissionDenied(tr("只有管理员可以做这件事（当前操作员：{name}，{role}）",
                                      name=self.operator.name, role=self.operator.role.label))
        if self._active is not None:
            yield self._active
            return
        from station_app.services.database import DatabaseReadOnly, write_problem

        if self.db.read_only:
            raise DatabaseReadOnly(tr("数据库文件 {path} 是只读的：只能查看和导出，不能修改", path=self.db.display_name))
        try:
            with self.db.transaction(immediate=True, **{OPERATOR: self.operator.name}) as session:
                self._active = session
                try:
                    yield session
                finally:
                    self._active = None
        except DBAPIError as exc:  # busy, read-only, disk full: one line, never the statement or its values
            problem = write_problem(exc)
            if problem is None:
                raise
            raise problem from None
        self._station = None  # the station row may have changed with this action

    # --- This station -------------------------------------------------------------------------

    @property
    def station(self) -> StationRef:
        """This PC's station; ``UNNAMED_STATION`` until one is set in the settings."""
        if self._station is None or self._active is not None:
            with self.read() as session:
                station = local_station(session)
            found = UNNAMED_STATION if station is None else StationRef(
                station.id, station.name, station.code, station.kind, station.address, station.phone)
            if self._active is not None:
                return found
            self._station = found
        return self._station

    @property
    def station_id(self) -> str | None:
        return self.station.id

    def dispose(self) -> None:
        self.db.dispose()


def local_station(session: Session) -> Station | None:
    """The ``Station`` row the settings name as this PC's own, if any."""
    station_id = session.scalar(select(Setting.value).where(Setting.key == LOCAL_STATION_KEY,
                                                            Setting.voided_at.is_(None)))
    if not station_id:
        return None
    station = session.get(Station, station_id)
    return station if station is not None and not station.is_voided else None


def open_context(url: str, operator: OperatorRef | None = None) -> ServiceContext:
    """Open (and upgrade) the database at ``url`` and make the context to work on it with.

    A server that cannot be reached raises DatabaseUnreachable, a file that cannot be opened (not a database,
    made by a newer program, a missing folder) DatabaseCannotOpen, each saying why in words a clerk can act on."""
    from station_app.services.database import check_url, reaching

    url = check_url(url)
    with reaching(url):
        return ServiceContext(open_database(url), operator)
