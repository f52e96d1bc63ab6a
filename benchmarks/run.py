"""The project's benchmark: builds a county-scale database and prints each figure beside its baseline.

    python benchmarks/run.py                          # a table
    python benchmarks/run.py --json                   # the same figures as JSON
    python benchmarks/run.py --only startup           # one group: startup, sync or report
    python benchmarks/run.py --only startup --frozen dist/station-app/station-app   # the built program's too

A figure is measured beside its baseline, in the same run: the same work done by a raw library
(xlsxwriter's constant-memory mode for an export, a raw sqlite3 query for a search, zxing-cpp for the
QR codes) or a bare PySide6 window for the start-up. Its target bounds the ratio ours ÷ baseline, so a
figure means the same on a slow or a loaded machine; a figure with no baseline has a target in its own
unit. Times are wall-clock seconds on this machine, the best of a few runs where a run is cheap.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STATION_APP_HOME", tempfile.mkdtemp(prefix="station-bench-home-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@dataclass
class Figure:
    name: str
    #: ours, in ``unit``
    value: float
    unit: str
    #: the bound on ``ratio`` when there is a baseline (unless ``target_on_value``), else on ``value``
    target: float
    note: str = ""
    #: the same work done in the same run by a raw library or a bare Qt window, in ``unit``
    baseline: float | None = None
    #: the target bounds the value even though there is a baseline (memory: 150 MB, whatever Qt takes)
    target_on_value: bool = False

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def on_ratio(self) -> bool:
        return self.ratio is not None and not self.target_on_value

    @property
    def met(self) -> bool:
        return (self.ratio if self.on_ratio else self.value) <= self.target


def print_table(figures: list[Figure]) -> None:
    """figure, ours, baseline, ratio, target, ok/MISSED — one line each."""
    width = max(_width(f.name) for f in figures) + 2
    print(_pad("figure", width) + f"{'ours':>12}{'baseline':>12}{'ratio':>9}{'target':>12}  ok")
    for f in figures:
        baseline = f"{f.baseline:.3g}{f.unit}" if f.baseline is not None else "—"
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "—"
        target = f"≤ {f.target:g}×" if f.on_ratio else f"≤ {f.target:g}{f.unit}"
        print(_pad(f.name, width) + f"{f'{f.value:.3g}{f.unit}':>12}{baseline:>12}{ratio:>9}{target:>12}  "
              + ("ok" if f.met else "MISSED") + (f"  ({f.note})" if f.note else ""))


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def station_app(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env, capture_output=True, text=True,
                          check=True)


def measure_startup_alone(work: Path, frozen: Path | None = None) -> list[Figure]:
    """The start-up figures on a fresh demo database."""
    env = {**os.environ, "STATION_APP_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    url = f"sqlite:///{work / 'demo.sqlite'}"
    station_app("--db", url, "demo", env=env)
    return measure_startup(url, env, frozen)


def measure(work: Path, frozen: Path | None = None) -> list[Figure]:
    from station_app.services.context import open_context

    env = {**os.environ, "STATION_APP_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    figures: list[Figure] = []
    url = f"sqlite:///{work / 'county.sqlite'}"

    demo_times = []
    for target in (url, f"sqlite:///{work / 'county-again.sqlite'}"):  # best of two: one run is noisy
        started = time.perf_counter()
        station_app("--db", target, "demo", env=env)
        demo_times.append(time.perf_counter() - started)
    figures.append(Figure("station-app demo（490 人、一年值班、5 千余条接待、7 百余件交办，含进程启动，两次取最好）",
                          min(demo_times), "s", 10.0))

    figures += measure_startup(url, env, frozen)

    ctx = open_context(url)
    figures += measure_registry(ctx, work)
    qr_times = []
    for attempt in range(2):  # the command a clerk runs, process start included; best of two
        started = time.perf_counter()
        station_app("--db", url, "qr", "--out", str(work / f"qr-cli-{attempt}"), env=env)
        qr_times.append(time.perf_counter() - started)
    figures.append(Figure("station-app qr --out 目录（490 张 PNG + 卡片 PDF，含进程启动，两次取最好）",
                          min(qr_times), "s", 5.0))
    ctx.dispose()
    figures += measure_roster(work)
    figures += measure_reception(work, env)
    figures += measure_sync(work, env)
    figures += measure_report(work)
    return figures


def raw_sqlite(ctx, action: Callable[[], object]) -> Callable[[], None]:
    """The statements ``action`` sends to the database, captured once, as a function that runs them with
    sqlite3 alone and fetches every row: a search's baseline, the same query plan without the ORM and service."""
    import sqlite3

    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        statements.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", capture)
    connection = sqlite3.connect(ctx.db.engine.url.database)

    def run() -> None:
        for statement, parameters in statements:
            connection.execute(statement, parameters).fetchall()

    return run


def zxing_pngs(ctx, folder: Path) -> None:
    """The QR baseline: zxing-cpp encoding each representative's payload and Pillow writing it as a PNG
    (no caption, no card sheet)."""
    import zxingcpp
    from PIL import Image

    from station_app.io.qr import ERROR_CORRECTION
    from station_app.services import settings as settings_service
    from station_app.services.qr import _selected, payload_for

    settings, station = settings_service.read(ctx), ctx.station
    with ctx.read() as session:
        payloads = [payload_for(rep, settings, station) for rep in _selected(session, None)]
    folder.mkdir(exist_ok=True)
    for number, payload in enumerate(payloads):
        options = {"ec_level": ERROR_CORRECTION} | ({} if payload.isascii() else {"eci": "UTF8"})
        barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, **options)
        Image.fromarray(barcode.to_image(scale=10)).save(folder / f"{number}.png")


def measure_registry(ctx, work: Path) -> list[Figure]:
    """Issues 1 and 7 on the demo: the registry's export, import preview and search; the QR codes."""
    from station_app.services import registry
    from station_app.services.qr import export_codes
    from station_app.services.registry import RepFilter

    exported = work / "名册.xlsx"
    ours = best_of(3, lambda: registry.export_representatives(ctx, exported))
    cells = _cells_of(exported)
    raw = best_of(3, lambda: xlsxwriter_writes(work / "名册-raw.xlsx", cells, constant_memory=True))
    search = RepFilter(text="zh")
    raw_search = raw_sqlite(ctx, lambda: registry.list_representatives(ctx, search))
    figures = [
        Figure("导出名册 490 人到 Excel ÷ xlsxwriter constant_memory 写同样单元格", ours, "s", 2.5, baseline=raw),
        Figure("导入预览 490 行（全部匹配为“不变”）", best_of(3, lambda: registry.preview_import(ctx, exported)), "s", 3.0,
               "无基线：预览是逐行与名册比对，没有同样工作的原生库"),
        Figure("名册搜索一次（拼音首字母，490 人）÷ 原生 sqlite3 执行同样的语句",
               1000 * best_of(5, lambda: registry.list_representatives(ctx, search)), "ms", 5.0,
               baseline=1000 * best_of(5, raw_search)),
    ]
    ours = best_of(1, lambda: export_codes(ctx, work / "qr"))
    raw = best_of(1, lambda: zxing_pngs(ctx, work / "qr-raw"))
    figures.append(Figure("二维码：490 张 PNG + 卡片 PDF ÷ zxing-cpp 编码并写出同样的 490 张 PNG", ours, "s", 2.0,
                          "本程序的 PNG 带姓名与层级的文字，另有卡片 PDF", raw))
    return figures


def start_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds from starting ``command`` to its window's first paint and to its first page being in, and its
    memory then (MB): the program writes them itself (station_app/ui/first_paint.py)."""
    from station_app.ui.first_paint import REPORT_ENV

    with tempfile.TemporaryDirectory(prefix="station-paint-") as folder:
        report = Path(folder) / "painted.json"
        started = time.time()  # the clock the program writes its moment with
        try:
            subprocess.run(command, env={**env, REPORT_ENV: str(report)}, check=True, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired as exc:  # a build older than first_paint.py never says, and never quits
            raise SystemExit(f"{command[0]} did not report its first paint within 2 minutes "
                             f"(does it have station_app/ui/first_paint.py?)") from exc
        painted = json.loads(report.read_text(encoding="utf-8"))
    return painted["painted_at"] - started, painted.get("ready_at", painted["painted_at"]) - started, painted["rss_mb"]


def _bench_operator(url: str) -> dict[str, str]:
    """An administrator account on the benchmark's database (made once), as the environment that signs it in."""
    from station_app.db.session import open_database
    from station_app.services import accounts
    from station_app.services.context import ServiceContext

    database = open_database(url)
    try:
        if not accounts.has_accounts(ServiceContext(database)):
            accounts.create_first_admin(ServiceContext(database), "bench", "基准测试", "benchmark-password")
    finally:
        database.dispose()
    return {accounts.OPERATOR_ENV: "bench", accounts.PASSWORD_ENV: "benchmark-password"}


def measure_startup(url: str, env: dict[str, str], frozen: Path | None = None, runs: int = 7) -> list[Figure]:
    """Issue 13: process start to the painted main window on the demo database, beside a bare PySide6
    QMainWindow, both as fresh processes taken in turn; the median of ``runs`` after one warm-up each."""
    import statistics

    # An installed program runs from compiled bytecode: the warm-up run writes it, even where the
    # environment says not to (PYTHONDONTWRITEBYTECODE), so no run pays for compiling the sources.
    env = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    # the window asks who is signing in; the benchmark signs in as a script does (checked like a typed password),
    # on a copy of the database, so the other figures' command lines need no account
    import shutil

    source = Path(url.removeprefix("sqlite:///"))
    copy = source.with_name(source.stem + "-startup.sqlite")
    shutil.copyfile(source, copy)
    url = f"sqlite:///{copy}"
    operator_env = _bench_operator(url)
    env.update(operator_env)
    commands = {"bare": [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")],
                "ours": [sys.executable, str(ROOT / "main.py"), "--db", url]}
    if frozen is not None:
        commands["frozen"] = [str(frozen), "--db", url]
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for run in range(runs + 1):
        for name, command in commands.items():
            measured = start_once(command, env)
            if run:  # the first is a warm-up: files into the disk cache
                results[name].append(measured)
    seconds = {name: statistics.median(s for s, _r, _m in values) for name, values in results.items()}
    ready = {name: statistics.median(r for _s, r, _m in values) for name, values in results.items()}
    memory = {name: statistics.median(m for _s, _r, m in values) for name, values in results.items()}
    figures = []
    for name, label in (("ours", ""), ("frozen", "，冻结程序")):
        if name in results:
            figures += [
                Figure(f"启动到主窗口画出（演示数据库{label}，进程启动起，{runs} 次中位数）÷ 空白 Qt 窗口",
                       seconds[name], "s", 3.0, f"各次：{' '.join(f'{s:.2f}' for s, _r, _m in results[name])}；"
                       f"空白窗口：{' '.join(f'{s:.2f}' for s, _r, _m in results['bare'])}", seconds["bare"]),
                Figure(f"启动到首页就绪（数据库已打开、已登录、接待页已读入{label}）÷ 空白 Qt 窗口（仅供参考）",
                       ready[name], "s", 3.0, "目标按秒计：打开后 3 秒内可以登记", seconds["bare"],
                       target_on_value=True),
                Figure(f"启动时内存（首页就绪时 RSS{label}）", memory[name], "MB", 150.0, baseline=memory["bare"],
                       target_on_value=True),
            ]
    return figures


def _cells_of(path: Path) -> list[tuple[str, list[list[object]]]]:
    """Every sheet's cells as calamine reads them back: what a baseline writer is given to write."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return [(name, workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names]


def xlsxwriter_writes(path: Path, sheets: list[tuple[str, list[list[object]]]], constant_memory: bool) -> None:
    """The baseline: xlsxwriter writing the same cells (dates as dates, numbers as numbers, text as text)."""
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    day, moment = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value == "" or value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, moment)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()


def measure_report(work: Path) -> list[Figure]:
    """Issue 11: 本月报表 — a station's month on the demo; the county's year on the 200,000-visit database."""
    import datetime as dt

    from station_app.services import report
    from station_app.services.context import open_context
    from station_app.services.subsidy import Month

    figures = []
    ctx = open_context(f"sqlite:///{work / 'county-again.sqlite'}")  # the demo as built, before the visits were added
    month = Month.of(dt.date.today()).previous()
    out = work / "station-month.xlsx"
    written = report.write_month_report(ctx, month, out, ctx.station_id)
    ours = best_of(3, lambda: report.write_month_report(ctx, month, out, ctx.station_id))
    cells = _cells_of(out)
    raw = best_of(3, lambda: xlsxwriter_writes(work / "station-month-raw.xlsx", cells, constant_memory=True))
    visits = written.rows["接待登记"]
    figures.append(Figure(f"本月报表：一个站一个月（{visits} 条接待，{sum(written.rows.values())} 行，含汇总图表）"
                          "÷ xlsxwriter constant_memory 写同样单元格", ours, "s", 2.0, "本程序另画汇总图表；目标仍是秒数",
                          raw, target_on_value=True))
    ctx.dispose()

    ctx = open_context(f"sqlite:///{work / 'county.sqlite'}")  # the demo and the 200,000 visits of 2016-2025
    out = work / "county-year.xlsx"
    started = time.perf_counter()
    written = report.write_month_report(ctx, "2025-12", out, None, county=True, year_to_date=True)
    ours = time.perf_counter() - started
    cells = _cells_of(out)
    raw = best_of(1, lambda: xlsxwriter_writes(work / "county-year-raw.xlsx", cells, constant_memory=True))
    figures.append(Figure(f"全县年报（2025 年，{written.rows['接待登记']} 条接待，{sum(written.rows.values())} 行）"
                          "÷ xlsxwriter constant_memory 写同样单元格", ours, "s", 1.5, baseline=raw))
    ctx.dispose()
    return figures


def measure_report_alone(work: Path) -> list[Figure]:
    """The report figures on the databases :func:`measure` builds for them: the demo, and the demo with 200,000 visits."""
    import shutil

    from benchmarks.visits_data import fill_visits
    from station_app.db.session import open_database

    env = {**os.environ, "STATION_APP_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    station_app("--db", f"sqlite:///{work / 'county-again.sqlite'}", "demo", env=env)
    shutil.copy(work / "county-again.sqlite", work / "county.sqlite")
    db = open_database(f"sqlite:///{work / 'county.sqlite'}")
    fill_visits(db, 200_000)
    db.dispose()
    return measure_report(work)


def measure_sync(work: Path, env: dict[str, str]) -> list[Figure]:
    """Issue 11: the county merges 30 station workbooks of 200,000 records in all (visits and who received
    them); the baseline is raw sqlite3 executemany of the same rows into the same schema, in the same run."""
    import json
    import sqlite3

    from benchmarks.sync_data import build
    from station_app.db.session import open_database

    folder = work / "sync"
    folder.mkdir(exist_ok=True)
    started = time.perf_counter()
    url, paths, rows = build(folder)
    generated = time.perf_counter() - started
    records = sum(len(r) for r in rows.values())
    baseline_path = folder / "baseline.sqlite"
    open_database(f"sqlite:///{baseline_path}").dispose()
    with sqlite3.connect(baseline_path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")  # the stations and representatives the rows point to are not there
        started = time.perf_counter()
        for table, values in rows.items():
            marks = ", ".join("?" * len(values[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})",
                             [tuple(v.isoformat(sep=" ") if hasattr(v, "isoformat") else v for v in row)
                              for row in values])
        conn.commit()
        baseline = time.perf_counter() - started
    probe = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "sync_probe.py"), url, *map(str, paths)],
                           env=env, check=True, capture_output=True, text=True)
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["added"] == records and result["refused"] == 0, result
    return [
        Figure(f"县里合并 {len(paths)} 个站点报送文件（共 {records} 条记录，SQLite）÷ 原生 sqlite3 executemany 写入同样的行",
               result["seconds"], "s", 60.0, f"生成文件用时 {generated:.1f} 秒；目标仍是秒数", baseline, target_on_value=True),
        Figure("县里合并进程内存峰值", result["rss_mb"], "MB", 500.0),
        *measure_sync_postgresql(folder, env),
    ]


def measure_sync_postgresql(folder: Path, env: dict[str, str]) -> list[Figure]:
    """The same merge on a throw-away PostgreSQL server (tools/pgserver.py); the baseline is psycopg's
    executemany of the same rows into the same schema, in the same run."""
    import json

    import psycopg
    from sqlalchemy import create_engine, text

    from benchmarks.sync_data import build
    from station_app.db.session import open_database
    from tools.pgserver import PgServer

    server = PgServer()
    try:
        admin = create_engine(server.start(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE county"))
            conn.execute(text("CREATE DATABASE baseline"))
        admin.dispose()
        base = server.url.rsplit("/", 1)[0]
        pg_folder = folder / "postgresql"
        pg_folder.mkdir(exist_ok=True)
        url, paths, rows = build(pg_folder, url=f"{base}/county")
        records = sum(len(r) for r in rows.values())
        open_database(f"{base}/baseline").dispose()
        with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname=baseline") as conn:
            conn.execute("SET session_replication_role = replica")  # no foreign keys: as the SQLite baseline
            started = time.perf_counter()
            with conn.cursor() as cur:
                for table, values in rows.items():
                    marks = ", ".join(["%s"] * len(values[0]))
                    cur.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
            conn.commit()
            baseline = time.perf_counter() - started
        probe = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "sync_probe.py"), url, *map(str, paths)],
                               env=env, check=True, capture_output=True, text=True)
        result = json.loads(probe.stdout.strip().splitlines()[-1])
        assert result["added"] == records and result["refused"] == 0, result
    finally:
        server.stop()
    return [
        Figure(f"县里合并 {len(paths)} 个站点报送文件（共 {records} 条记录，PostgreSQL）÷ psycopg executemany 写入同样的行",
               result["seconds"], "s", 60.0, "目标仍是秒数", baseline, target_on_value=True),
        Figure("县里合并进程内存峰值（PostgreSQL）", result["rss_mb"], "MB", 500.0),
    ]


def measure_reception(work: Path, env: dict[str, str]) -> list[Figure]:
    """Issue 4: 200,000 visits; the reception page, search per keystroke, memory; 100 referrals' forms."""
    import json

    from sqlalchemy import select

    from benchmarks.visits_data import fill_visits
    from station_app.db.models import Referral
    from station_app.db.session import open_database
    from station_app.services import referrals
    from station_app.services.context import open_context

    url = f"sqlite:///{work / 'county.sqlite'}"
    db = open_database(url)
    started = time.perf_counter()
    fill_visits(db, 200_000)
    generated = time.perf_counter() - started
    db.dispose()  # closes the connection, so the write-ahead log is checkpointed as it would be after a day's work
    probe = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "reception_probe.py"), url], env=env,
                           check=True, capture_output=True, text=True)
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    db = open_database(url)
    with db.session() as session:
        keys = list(session.scalars(select(Referral.id).limit(100)))
    db.dispose()
    ctx = open_context(url)
    forms_time = best_of(1, lambda: referrals.forms_for(ctx, keys, work / "forms.pdf"))
    ctx.dispose()
    return [
        Figure(f"接待页打开（{result['rows']} 条接待记录）", result["open_ms"], "ms", 300.0,
               f"生成 20 万条用时 {generated:.1f} 秒"),
        Figure("搜索每次按键（13 个词，最慢一次）÷ 原生 sqlite3 执行同样的语句", result["search_ms_max"], "ms", 100.0,
               "目标仍是毫秒数", result["raw_search_ms_max"], target_on_value=True),
        Figure("搜索每次按键（中位数）÷ 原生 sqlite3 执行同样的语句", result["search_ms_median"], "ms", 100.0,
               "目标仍是毫秒数", result["raw_search_ms_median"], target_on_value=True),
        Figure("停止输入后统计条数（最慢一次，上限 10000）", result["count_ms_max"], "ms", 300.0),
        Figure("向下滚动读取一页（200 条）", result["fetch_page_ms"], "ms", 100.0),
        Figure("接待页进程内存峰值", result["rss_mb"], "MB", 300.0),
        Figure(f"{len(keys)} 张交办单的三单写成 PDF", forms_time, "s", 5.0),
    ]


def measure_roster(work: Path) -> list[Figure]:
    """Issue 3: a year of the monitoring station (420 representatives + 18 heads, 2 per slot, 5 % unavailable)."""
    import datetime as dt
    import random

    from sqlalchemy import select

    from station_app.app import make_application
    from station_app.db.models import DutyAssignment, DutySlot, Representative, Unavailability, WindowUnit
    from station_app.services import roster_generation, roster_plans
    from station_app.services.context import open_context
    from station_app.services.demo import MONITORING_STATION, fill_demo
    from station_app.services.roster_generator import plan_roster
    from station_app.ui.roster_page import RosterPage

    ctx = open_context(f"sqlite:///{work / 'roster.sqlite'}")
    db = ctx.db
    fill_demo(ctx, with_duty=False)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    rng = random.Random(5)
    with db.transaction() as session:
        station_reps = session.scalars(select(Representative.id).join(Representative.station).where(
            Representative.station.has(name=MONITORING_STATION))).all()
        units = session.scalars(select(WindowUnit.id)).all()
        day = start
        while day <= end:
            for rep_id in station_reps:
                if rng.random() < 0.05:
                    session.add(Unavailability(representative_id=rep_id, start_date=day, end_date=day, reason="基准"))
            for unit_id in units:
                if rng.random() < 0.05:
                    session.add(Unavailability(window_unit_id=unit_id, start_date=day, end_date=day, reason="基准"))
            day += dt.timedelta(days=1)
    figures = []
    for rotation, label in (("delegation", "按代表团编组"), ("person", "逐人轮换")):
        preset = roster_plans.monitoring_preset(MONITORING_STATION)
        preset.name, preset.rotation = f"基准：{label}", rotation
        plan = roster_plans.save_plan(ctx, preset)
        captured = {}
        original = roster_generation.plan_roster

        def timed(inp, captured=captured):
            started = time.perf_counter()
            result = plan_roster(inp)
            captured["seconds"] = time.perf_counter() - started
            return result

        roster_generation.plan_roster = timed
        started = time.perf_counter()
        report = roster_generation.generate(ctx, plan, start, end, today=start)
        total = time.perf_counter() - started
        roster_generation.plan_roster = original
        with db.session() as session:
            counts: dict[str, int] = {}
            for rep_id in session.scalars(select(DutyAssignment.representative_id).join(
                    DutySlot, DutyAssignment.slot_id == DutySlot.id).where(
                    DutySlot.plan_id == plan, DutyAssignment.representative_id.is_not(None),
                    DutyAssignment.voided_at.is_(None))):
                counts[rep_id] = counts.get(rep_id, 0) + 1
        spread = max(counts.values()) - min(counts.get(r, 0) for r in station_reps)
        figures += [
            Figure(f"一年监督站排班（{label}，{report.days} 天，{report.filled} 人次）：生成", captured["seconds"], "s", 1.0),
            Figure(f"一年监督站排班（{label}）：生成并写入数据库", total, "s", 3.0),
            Figure(f"一年监督站排班（{label}）：次数极差 max−min（未排满 {len(report.uncovered)} 班）", spread, "", 1.0),
        ]
    app = make_application()
    page = RosterPage(ctx)
    page.plan.setCurrentIndex(0)
    page.year, page.month = 2026, 10
    figures.append(Figure("排班月视图打开（一年排班中的 2026年10月）", 1000 * best_of(5, lambda: (page.refresh(), app.processEvents())),
                          "ms", 200.0))
    page.deleteLater()
    db.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--only", choices=("startup", "sync", "report"), help="only these figures (startup: builds "
                        "the demo first; report: the demo and the 200,000 visits, about a minute)")
    parser.add_argument("--frozen", type=Path, metavar="PATH", help="the built program (dist/station-app/station-app): "
                        "its start-up too, beside the same bare window")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="station-bench-") as folder:
        if args.only == "startup":
            figures = measure_startup_alone(Path(folder), args.frozen)
        elif args.only == "sync":
            env = {**os.environ, "STATION_APP_HOME": str(Path(folder) / "home"), "PYTHONPATH": str(ROOT)}
            figures = measure_sync(Path(folder), env)
        elif args.only == "report":
            figures = measure_report_alone(Path(folder))
        else:
            figures = measure(Path(folder), args.frozen)
    if args.json:
        print(json.dumps([{**asdict(f), "ratio": f.ratio, "target_on": "ratio" if f.on_ratio else "value",
                           "met": f.met} for f in figures], ensure_ascii=False, indent=1))
    else:
        print_table(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
