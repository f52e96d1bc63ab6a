"""The crash test: the program is SIGKILLed at random moments, over two hundred times, during an import, a
referral's step, a subsidy confirmation, a demo, a first open and an export. After every kill the database
passes ``PRAGMA integrity_check`` and holds each operation wholly or not at all.

The program is ``python main.py --db … VERB``, forked from one process that has done Python's imports already
(tests/crash_runner.py), so the kills land in the work rather than in the imports. One demo database is built
once (which also times the demo); each kill works on its own copy. A kill's delay is random within the
measured duration of its command, from a little before it first touches the database; where it landed is
read from the marks the child wrote before it died (started, touched the database, committed, finished) and
printed at the end.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from station_app.db.session import SCHEMA_HEAD
from tests.workbooks import _valid_id

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash test forks")]

ROOT = Path(__file__).resolve().parent.parent
#: kills per operation (at least 200 in all)
KILLS = {"import": 50, "referral": 45, "subsidy": 35, "export": 35, "first open": 30, "demo": 5}
#: where the demo's kills fall, as parts of the time to its one commit: in the first open, early and half-way
#: through its long transaction, and (the last, at the commit's moment less 20 ms) while the commit is written
DEMO_POINTS = (0.01, 0.05, 0.2, 0.99)
NEW_PEOPLE = 60


class Program:
    """The zygote: starts ``main.py ARGS`` children on request and says their pid."""

    def __init__(self, home: Path) -> None:
        env = dict(os.environ, STATION_APP_HOME=str(home), PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "crash_runner.py")], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._lock = threading.Lock()

    def start(self, argv: list[str], marks: Path) -> int:
        with self._lock:
            self.process.stdin.write(json.dumps({"argv": argv, "marks": str(marks)}) + "\n")
            self.process.stdin.flush()
            return int(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _marks(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, *rest = line.split()
            found.setdefault(name, rest)
    return found


def run(program: Program, argv: list[str], marks: Path, kill_after: float | None = None,
        from_mark: str | None = None) -> str:
    """Run ``argv``; SIGKILL it ``kill_after`` seconds in (counted from its ``from_mark`` mark when one is given,
    so the kill lands in the work however loaded the machine is). Where it was: before (had not touched the
    database), mid (inside its work, nothing committed), committed (killed after a commit, while finishing),
    finished."""
    pid = program.start(argv, marks)
    if from_mark is not None:
        while _alive(pid) and from_mark not in _marks(marks):
            time.sleep(0.002)
    ends = time.monotonic() + (kill_after if kill_after is not None else 600)
    while _alive(pid) and time.monotonic() < ends:
        time.sleep(0.002)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.002)
    seen = _marks(marks)
    if "D" in seen:
        return "finished"
    if "B" not in seen:
        return "before"
    return "committed" if "C" in seen else "mid"


def duration(marks: Path, until: str = "D") -> float:
    """Seconds from the start of the run whose marks are at ``marks`` to its ``until`` mark (D: the end)."""
    seen = _marks(marks)
    return float(seen[until][0]) - float(seen["S"][0])


def _integrity(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _changed(path: Path, before: os.stat_result) -> bool:
    """Whether the program wrote anything into the copy at ``path`` (its file, or a WAL beside it)."""
    now = path.stat()
    wal = path.with_name(path.name + "-wal")
    return (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or (wal.exists() and wal.stat().st_size > 0)


def people_workbook(path: Path) -> tuple[Path, set[str]]:
    """``NEW_PEOPLE`` representatives none of whom the demo has."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "性别", "代表层级", "代表团", "工作单位及职务", "联系电话", "身份证号", "是否有固定收入"])
    ids = set()
    for n in range(NEW_PEOPLE):
        number = _valid_id(f"41092819770707{2 * n + 1:03d}")
        ids.add(number)
        ws.append([n + 1, f"新代表{n:02d}号", "男", "县级", "城关镇代表团", "个体工商户", f"1390000{n:04d}", number, "否"])
    wb.save(path)
    return path, ids


@dataclass
class Base:
    path: Path
    people: int
    visits: int
    referral: str
    referral_events: int
    month: str
    today: dt.date
    tables: int


@pytest.fixture(scope="module")
def crash_room(tmp_path_factory):
    room = tmp_path_factory.mktemp("crash")
    program = Program(room / "home")
    yield room, program
    program.close()


def build_base(room: Path, program: Program) -> tuple[Base, float]:
    """The demo, built once through the command line (the last day of last month is its 'today', so that month
    is a draft that has ended and may be confirmed): the base of every kill, and the demo's measured time."""
    today = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    path = room / "base.sqlite"
    marks = room / "base.marks"
    assert run(program, ["--db", f"sqlite:///{path}", "demo", "--today", today.isoformat()], marks) == "finished"
    assert _marks(marks)["D"][1] == "0"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copies below take the main file only
        people = conn.execute("SELECT count(*) FROM representatives").fetchone()[0]
        visits = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
        referral_id, number = conn.execute(  # one waiting to be signed for, its number its own
            "SELECT id, number FROM referrals r WHERE state = '待交办' AND "
            "(SELECT count(*) FROM referrals s WHERE s.number = r.number) = 1 ORDER BY number LIMIT 1").fetchone()
        events = conn.execute("SELECT count(*) FROM referral_events WHERE referral_id = ?", (referral_id,)).fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        state = conn.execute("SELECT state FROM subsidy_batches WHERE month = ?", (today.strftime("%Y-%m"),)).fetchone()
    assert state == ("草稿",)
    return Base(path, people, visits, number, events, today.strftime("%Y-%m"), today, tables), duration(marks, "C")


# --- what "wholly there or wholly absent" means for each operation -------------------------------------------

def check_import(conn: sqlite3.Connection, base: Base, ids: set[str]) -> str:
    marks = ",".join("?" * len(ids))
    added = conn.execute(f"SELECT count(*) FROM representatives WHERE id_number IN ({marks})", tuple(ids)).fetchone()[0]
    total = conn.execute("SELECT count(*) FROM representatives").fetchone()[0]
    assert (added, total) in ((0, base.people), (NEW_PEOPLE, base.people + NEW_PEOPLE))
    return "there" if added else "absent"


def check_referral(conn: sqlite3.Connection, base: Base) -> str:
    state, referral_id = conn.execute("SELECT state, id FROM referrals WHERE number = ?", (base.referral,)).fetchone()
    events = conn.execute("SELECT count(*) FROM referral_events WHERE referral_id = ?", (referral_id,)).fetchone()[0]
    assert (state, events) in (("待交办", base.referral_events), ("已交办", base.referral_events + 1))
    return "there" if state == "已交办" else "absent"


def check_subsidy(conn: sqlite3.Connection, base: Base) -> str:
    state, confirmed_at, by = conn.execute("SELECT state, confirmed_at, confirmed_by FROM subsidy_batches "
                                           "WHERE month = ?", (base.month,)).fetchone()
    assert (state == "已确认") == (confirmed_at is not None) == bool(by), (state, confirmed_at, by)
    assert state in ("草稿", "已确认")
    return "there" if state == "已确认" else "absent"


def check_export(target: Path, base: Base) -> str:
    if not target.exists():
        return "absent"
    wb = load_workbook(target, read_only=True)
    rows = sum(1 for _ in wb.active.iter_rows(values_only=True))
    wb.close()
    assert rows >= base.people  # every representative, under a header
    return "there"


def check_new_database(path: Path, base: Base) -> str:
    if not path.exists():
        return "absent"
    with sqlite3.connect(path) as conn:
        _integrity(conn)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_HEAD,)]
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == base.tables
    return "there"


def check_demo(path: Path, base: Base) -> str:
    if not path.exists():
        return "absent"
    with sqlite3.connect(path) as conn:
        _integrity(conn)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_HEAD,)]
        counts = (conn.execute("SELECT count(*) FROM representatives").fetchone()[0],
                  conn.execute("SELECT count(*) FROM visits").fetchone()[0],
                  conn.execute("SELECT count(*) FROM stations").fetchone()[0])
    assert counts in ((0, 0, 0), (base.people, base.visits, 2)), counts
    return "there" if counts[0] else "absent (an empty database, which the next demo fills)"


def test_the_program_killed_at_random_moments_leaves_every_operation_whole_or_absent(crash_room):
    started = time.monotonic()
    room, program = crash_room
    base, demo_commit = build_base(room, program)
    workbook, ids = people_workbook(room / "新代表.xlsx")
    rng = random.Random(20261202)

    def on_copy(name: str) -> tuple[Path, os.stat_result]:
        target = room / f"{name}.sqlite"
        shutil.copyfile(base.path, target)
        return target, target.stat()

    def db(path: Path) -> list[str]:
        return ["--db", f"sqlite:///{path}"]

    commands = {
        "import": lambda p, out: [*db(p), "reps", "import", str(workbook)],
        "referral": lambda p, out: [*db(p), "referral", "sign", base.referral, "--by", "王主任",
                                    "--date", dt.date.today().isoformat()],
        "subsidy": lambda p, out: [*db(p), "subsidy", "confirm", "--month", base.month],
        "export": lambda p, out: [*db(p), "reps", "export", str(out)],
        "first open": lambda p, out: [*db(p), "roster", "plans"],
        "demo": lambda p, out: [*db(p), "demo", "--today", base.today.isoformat()],
    }

    def kill_once(op: str, n: int, delay: float | None, from_mark: str | None = None) -> tuple[str, str, str]:
        name = f"{op.replace(' ', '_')}-{n}"
        folder = room / name
        folder.mkdir()
        out = folder / "代表名册.xlsx"
        if op in ("first open", "demo"):
            path, before = folder / "new.sqlite", None
        else:
            path = folder / "station.sqlite"
            shutil.copyfile(base.path, path)
            before = path.stat()
        landed = run(program, commands[op](path, out), folder / "marks", delay, from_mark)
        if op == "export":
            outcome = check_export(out, base)
        elif op == "first open":
            outcome = check_new_database(path, base)
        elif op == "demo":
            outcome = check_demo(path, base)
        else:
            with sqlite3.connect(path) as conn:
                if _changed(path, before):
                    _integrity(conn)
                outcome = {"import": check_import, "referral": check_referral,
                           "subsidy": check_subsidy}[op](conn, base, *((ids,) if op == "import" else ()))
        if landed == "finished" and op != "demo":
            assert outcome == "there", (op, n)
        if op not in ("first open", "demo"):
            shutil.rmtree(folder)
        return op, landed, outcome

    # the measured time of each command, from one full run of it
    timed, touched = {"demo": demo_commit}, {}
    for op in ("import", "referral", "subsidy", "export", "first open"):
        folder = room / f"timing-{op.replace(' ', '_')}"
        folder.mkdir()
        path = folder / ("new.sqlite" if op == "first open" else "station.sqlite")
        if op != "first open":
            shutil.copyfile(base.path, path)
        assert run(program, commands[op](path, folder / "out.xlsx"), folder / "marks") == "finished"
        assert _marks(folder / "marks")["D"][1] == "0", op
        timed[op] = duration(folder / "marks")
        touched[op] = duration(folder / "marks", "B")

    # from when the command first touches the database to a while after it should have ended (some kills miss)
    plan = [(op, n, rng.uniform(0, (timed[op] - touched[op]) * 1.2), "B") for op, count in KILLS.items()
            if op != "demo" for n in range(count)]
    plan += [("demo", n, point * demo_commit) for n, point in enumerate(DEMO_POINTS)]
    plan.append(("demo", len(DEMO_POINTS), demo_commit - 0.02))
    rng.shuffle(plan)
    plan.sort(key=lambda item: item[0] != "demo")  # the long demo kills first, the short ones fill in beside them
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda item: kill_once(*item), plan))

    # a first open that was killed left no database, or a whole one; the next start finishes it and clears
    # what the killed one left beside it
    for op, n in (("first open", i) for i in range(KILLS["first open"])):
        folder = room / f"first_open-{n}"
        if not (folder / "new.sqlite").exists() and any(folder.glob(".new.sqlite.creating-*")):
            assert run(program, commands["first open"](folder / "new.sqlite", None), folder / "again") == "finished"
            assert check_new_database(folder / "new.sqlite", base) == "there"
            assert not any(folder.glob(".new.sqlite.creating-*"))
            break

    landed = Counter((op, where) for op, where, _ in results)
    outcomes = Counter((op, outcome.split()[0]) for op, _, outcome in results)
    lines = [f"crash test: {len(results)} kills in {time.monotonic() - started:.0f} s "
             f"(measured: {', '.join(f'{op} {t:.2f} s' for op, t in timed.items())}; the demo's to its commit)"]
    for op in KILLS:
        lines.append(f"  {op:10} " + ", ".join(f"{where} {landed[(op, where)]}" for where in
                                               ("before", "mid", "committed", "finished"))
                     + f"; left it there {outcomes[(op, 'there')]}, absent {outcomes[(op, 'absent')]}")
    print("\n".join(lines))
    (room / "report.txt").write_text("\n".join(lines) + "\n")
    assert len(results) >= 200
    assert sum(n for (_op, where), n in landed.items() if where == "mid") >= 100  # most kills land inside the work


def test_two_programs_importing_one_list_at_once_add_each_person_once(crash_room):
    room, program = crash_room
    folder = room / "two-imports"
    folder.mkdir()
    path = folder / "station.sqlite"  # a new, small database is enough: the race is in the import's commit
    workbook, ids = people_workbook(folder / "新代表.xlsx")
    assert run(program, ["--db", f"sqlite:///{path}", "roster", "plans"], folder / "open") == "finished"
    pids = [program.start(["--db", f"sqlite:///{path}", "reps", "import", str(workbook)], folder / f"marks{n}")
            for n in range(2)]
    while any(_alive(pid) for pid in pids):
        time.sleep(0.01)
    with sqlite3.connect(path) as conn:
        numbers = [n for (n,) in conn.execute("SELECT id_number FROM representatives")]
    assert sorted(numbers) == sorted(ids)
    codes = sorted(_marks(folder / f"marks{n}")["D"][1] for n in range(2))
    assert codes[0] == "0"
