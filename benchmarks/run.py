"""The project's benchmark: builds a county-scale database and prints each figure beside its target.

    python benchmarks/run.py            # a table
    python benchmarks/run.py --json     # the same figures as JSON

Each later issue adds its figures here (visits, rosters, reports ...). Times are wall-clock
seconds on this machine, the best of a few runs where a run is cheap.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: float
    note: str = ""

    @property
    def met(self) -> bool:
        return self.value <= self.target


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


def measure(work: Path) -> list[Figure]:
    from station_app.db.session import open_database
    from station_app.services import registry
    from station_app.services.qr import export_codes
    from station_app.services.registry import RepFilter

    env = {**os.environ, "STATION_APP_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    figures: list[Figure] = []
    url = f"sqlite:///{work / 'county.sqlite'}"

    started = time.perf_counter()
    station_app("--db", url, "demo", env=env)
    figures.append(Figure("station-app demo（490 人、22 个代表团、18 个窗口单位，含进程启动）",
                          time.perf_counter() - started, "s", 10.0))

    probe = ROOT / "benchmarks" / "startup_probe.py"
    startups = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, str(probe), url], env=env, check=True, capture_output=True)
        startups.append(time.perf_counter() - started)
    figures.append(Figure("启动到主窗口显示（演示数据库，含进程启动，三次取最好）", min(startups), "s", 3.0))

    db = open_database(url)
    exported = work / "名册.xlsx"
    figures.append(Figure("导出名册 490 人到 Excel", best_of(3, lambda: registry.export_representatives(db, exported)),
                          "s", 2.0))
    figures.append(Figure("导入预览 490 行（全部匹配为“不变”）",
                          best_of(3, lambda: registry.preview_import(db, exported)), "s", 3.0))
    with db.session() as session:
        figures.append(Figure("名册搜索一次（拼音首字母，490 人）", 1000 * best_of(
            5, lambda: registry.list_representatives(session, RepFilter(text="zh"))), "ms", 100.0))
    figures.append(Figure("二维码：490 张 PNG + 卡片 PDF",
                          best_of(1, lambda: export_codes(db, work / "qr")), "s", 30.0))
    db.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="station-bench-") as folder:
        figures = measure(Path(folder))
    if args.json:
        print(json.dumps([{**asdict(f), "met": f.met} for f in figures], ensure_ascii=False, indent=1))
    else:
        width = max(len(f.name) for f in figures) + 2
        print(f"{'measure':<{width}}{'value':>10} {'target':>10}  met")
        for f in figures:
            print(f"{f.name:<{width}}{f.value:>9.2f}{f.unit:<2}{'≤ ' + format(f.target, 'g'):>8}{f.unit:<3} "
                  f"{'yes' if f.met else 'NO'}")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
