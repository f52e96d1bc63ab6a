"""On a full disk an export says one line and leaves nothing behind; files are on the disk before their rename."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from station_app.io import files

ROOT = Path(__file__).resolve().parent.parent


def run_full(budget: int, url: str, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "STATION_APP_HOME": str(tmp_path / "home"), "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tests.full_disk", str(budget), "--db", url, *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [
    ["visits", "export", "{out}/接待.xlsx"],
    ["sync", "export", "--out", "{out}/报送.xlsx"],
    ["subsidy", "--month", "2026-10", "--out", "{out}/签领表.pdf"],
    ["qr", "--out", "{out}"],
], ids=["visits", "sync", "subsidy-pdf", "qr"])
def test_a_full_disk_gets_one_line_no_ignored_exception_and_no_leftovers(demo_url, tmp_path, args):
    out = tmp_path / "out"
    out.mkdir()
    done = run_full(30_000, demo_url, [a.format(out=out) for a in args], tmp_path)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip() and "二维码图片" not in line]
    assert len(lines) == 1 and "No space left on device" in lines[0] and "无法写入文件" in lines[0], done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
    left = [p for p in out.rglob("*") if p.name.startswith(".") or p.stat().st_size == 0]
    assert left == []  # no temporary or empty file in the folder
    assert list((tmp_path / "scratch").iterdir()) == []  # nor xlsxwriter's row files in the temporary folder


def test_a_file_is_synced_to_the_disk_before_it_takes_its_name(tmp_path, monkeypatch):
    happened: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: happened.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: happened.append("rename") or real_replace(a, b))
    with files.atomic_path(tmp_path / "a.txt") as tmp:
        tmp.write_text("x")
    assert happened[:2] == ["fsync", "rename"] and (tmp_path / "a.txt").read_text() == "x"
