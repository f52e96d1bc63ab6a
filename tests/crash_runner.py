"""The program, started many times over for the crash test (tests/test_crash.py), without paying for Python's
imports each time: this process imports the command line and the services once, then forks one child per
command. A child is ``python main.py ARGS`` exactly from there on: it runs ``station_app.cli.main(ARGS)``
and exits with its code. The test SIGKILLs children at random moments.

    stdin:  one JSON line per command: {"argv": [...], "marks": "/path/of/the/marks/file"}
    stdout: one line per command: the child's pid

Each child writes its marks file as it goes, each line "<mark> <time.monotonic()>": S (started),
B (first touched the database), C (a transaction committed), D <exit code> (main returned). A kill leaves
the marks written before it, which is how the test tells where each kill landed.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time

import alembic.command  # noqa: F401  (the first open, in every child)
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

# everything the verbs import, once, before any fork
import station_app.cli  # noqa: F401
import station_app.cli_county  # noqa: F401
import station_app.cli_performance  # noqa: F401
import station_app.io.excel  # noqa: F401
import station_app.io.excel_write  # noqa: F401
import station_app.io.pdf  # noqa: F401
import station_app.services.demo  # noqa: F401
import station_app.services.reception  # noqa: F401
import station_app.services.referrals  # noqa: F401
import station_app.services.registry  # noqa: F401
import station_app.services.subsidy  # noqa: F401
import station_app.services.subsidy_output  # noqa: F401


def _child(argv: list[str], marks_path: str) -> None:
    marks = os.open(marks_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    touched = []

    def mark(text: str) -> None:
        os.write(marks, f"{text} {time.monotonic():.6f}\n".encode())

    def on_begin(_conn) -> None:
        if not touched:
            touched.append(True)
            mark("B")

    event.listen(Engine, "begin", on_begin)
    event.listen(Session, "after_commit", lambda _s: mark("C"))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    mark("S")
    code = 1
    try:
        code = station_app.cli.main(argv)
    finally:
        os.write(marks, f"D {time.monotonic():.6f} {code}\n".encode())
        os._exit(code if isinstance(code, int) else 1)


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system: a dead child's pid is gone
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _child(command["argv"], command["marks"])
        print(pid, flush=True)


if __name__ == "__main__":
    main()
