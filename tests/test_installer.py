"""The frozen program and its .deb, built and run the way a station's PC runs them (no Python, no source tree).

One slow test (about two to four minutes: PyInstaller, the demo data twice, dpkg-deb), run by default and in CI;
``pytest -m "not slow"`` leaves it out. One test, not two, because the .deb is made from the same build and the
suite's workers cannot share a build (xdist's loadgroup does not group tests under pytest 9.2). The build is
made in a temporary folder, removed afterwards. What it does is printed as ``[installer]`` lines in the run's
summary (tests/conftest.py).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "station-app.spec"
EXE = "station-app.exe" if sys.platform == "win32" else "station-app"
DEMO_DAY = "2026-12-02"
PASSWORD = "frozen-test-1"
#: what only the offscreen platform says on stderr; anything else there is a problem
HARMLESS_STDERR = ("This plugin does not support propagateSizeHints()",)

pytestmark = pytest.mark.slow


class Steps:
    """The test's log: printed as it goes, the test's temporary folder written $TMP; tests/conftest.py repeats
    the lines in the run's summary."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = str(tmp)

    def say(self, text: str) -> None:
        print(f"[installer] {text.replace(self.tmp, '$TMP')}", flush=True)

    def run(self, command: list[str], env: dict[str, str], timeout: float = 300,
            stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run ``command``, say what ran, how it ended and how long it took, and fail on a bad exit or a
        traceback or import error on stderr."""
        started = time.perf_counter()
        done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout)
        first = (done.stdout.strip().splitlines() or [""])[-1 if command[-1] != "--help" else 0]
        self.say(f"$ {' '.join(command)}  → exit {done.returncode} in {time.perf_counter() - started:.1f} s: "
                 f"{first[:90]}")
        problems = [line for line in done.stderr.splitlines() if line.strip() and line not in HARMLESS_STDERR]
        assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
        assert not [p for p in problems if "Error" in p or "Traceback" in p], "\n".join(problems)
        return done


def _size(path: Path) -> str:
    return subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()[0]


def build_frozen(work: Path, steps: Steps) -> Path:
    """The one-folder program, built from this checkout by installer/station-app.spec into ``work``."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
                           "--distpath", str(work / "dist"), "--workpath", str(work / "build")],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    folder = work / "dist" / "station-app"
    steps.say(f"built the frozen program in {time.perf_counter() - started:.0f} s: {folder.name}/, {_size(folder)}")
    return folder


def _clean_env(home: Path) -> dict[str, str]:
    """A station's environment: a data folder of its own, no Python paths; offscreen, as there is no display."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STATION_APP", "VIRTUAL_ENV"))}
    return {**env, "STATION_APP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def test_frozen_program_runs_and_its_deb_installs_runs_and_removes_cleanly(tmp_path):
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed: pip install -e '.[build]'")
    steps = Steps(tmp_path)
    try:
        folder = build_frozen(tmp_path / "frozen", steps)
        check_frozen_program(folder / EXE, tmp_path / "run", steps)
        check_deb(folder, tmp_path / "deb", steps)
    finally:
        for big in ("frozen", "deb"):  # some 600 MB of build, bundle and package
            shutil.rmtree(tmp_path / big, ignore_errors=True)


def check_frozen_program(program: Path, work: Path, steps: Steps) -> None:
    """``--help``, the demo data into a fresh database, and the window opened offscreen until it is painted."""
    env = _clean_env(work / "home")
    db = f"sqlite:///{work / 'station.sqlite'}"

    helped = steps.run([str(program), "--help"], env)
    assert "代表联络站工作台" in helped.stdout and "demo" in helped.stdout

    loaded = steps.run([str(program), "--db", db, "demo", "--today", DEMO_DAY], env)
    assert "已装入演示数据" in loaded.stdout

    # the first administrator, as a script makes one (the password on standard input); the window then signs in
    # with the same name and password from the environment, as the command line does
    steps.run([str(program), "--db", db, "operator", "add", "admin", "--name", "管理员"], env, stdin=PASSWORD + "\n")
    painted = work / "painted.json"  # the start-up benchmark's hook (ui/first_paint.py): written at the first paint
    signed_in = {"STATION_APP_OPERATOR": "admin", "STATION_APP_PASSWORD": PASSWORD}
    steps.run([str(program), "--db", db], {**env, **signed_in, "STATION_APP_REPORT_PAINT": str(painted)}, timeout=120)
    report = json.loads(painted.read_text(encoding="utf-8"))
    steps.say(f"the main window was painted, then the program quit; {report['rss_mb']:.0f} MB resident at that moment")
    log = (work / "home" / "logs" / "station-app.log").read_text(encoding="utf-8")
    assert " ERROR " not in log and "could not load bundled font" not in log


def _root_command() -> list[str] | None:
    """How this test may act as root: directly, through password-less sudo, or not at all (None)."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def _installed(package: str) -> bool:
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True).stdout
    return status.endswith("installed") and "not-installed" not in status


def check_deb(folder: Path, work: Path, steps: Steps) -> None:
    """The .deb built from ``folder``, installed with dpkg, its program run from /usr/bin, removed, and nothing
    left behind. Skipped, after the frozen program has passed, where a .deb cannot be installed."""
    def skip(reason: str) -> None:
        steps.say(f"the frozen program passed; the .deb is not tried: {reason}")
        pytest.skip(f"the frozen program passed; the .deb is not tried: {reason}")

    if not sys.platform.startswith("linux") or not shutil.which("dpkg-deb"):
        skip("not a Debian-based Linux (no dpkg-deb)")
    sys.path.insert(0, str(ROOT / "installer"))
    from build_deb import INSTALL_DIR, PACKAGE, SYSTEM_DEPENDS, build_deb

    root = _root_command()
    if root is None:
        skip("installing a .deb needs root or password-less sudo (sudo -n); neither is available here")
    if _installed(PACKAGE):
        skip(f"a {PACKAGE} package is already installed on this machine; the test will not replace it")
    missing = [p for p in SYSTEM_DEPENDS if not _installed(p)]
    if missing:
        skip(f"the .deb's system libraries are missing: apt-get install {' '.join(missing)} (.ci/run installs them)")

    started = time.perf_counter()
    deb = build_deb(folder, work, compression="gzip")
    steps.say(f"built {deb.name} in {time.perf_counter() - started:.0f} s: {deb.stat().st_size / 2**20:.1f} MB "
              "(gzip here for speed; the release is xz)")
    env = _clean_env(work / "home")
    steps.run([*root, "dpkg", "-i", str(deb)], env)
    try:
        assert (INSTALL_DIR / PACKAGE).is_file()
        entry = Path(f"/usr/share/applications/{PACKAGE}.desktop").read_text(encoding="utf-8")
        assert "Name[zh_CN]=代表联络站工作台" in entry and "Icon=station-app" in entry
        assert Path(f"/usr/share/icons/hicolor/256x256/apps/{PACKAGE}.png").is_file()
        steps.say(f"installed: {INSTALL_DIR}/ ({_size(INSTALL_DIR)}), /usr/bin/{PACKAGE}, "
                  f"/usr/share/applications/{PACKAGE}.desktop, hicolor icons 48/128/256/scalable")
        helped = steps.run([f"/usr/bin/{PACKAGE}", "--help"], env)
        assert "代表联络站工作台" in helped.stdout
        loaded = steps.run([f"/usr/bin/{PACKAGE}", "--db", f"sqlite:///{work / 'station.sqlite'}", "demo",
                            "--today", DEMO_DAY], env)
        assert "已装入演示数据" in loaded.stdout
    finally:
        steps.run([*root, "dpkg", "-r", PACKAGE], env)
    left = [str(p) for p in (INSTALL_DIR, Path(f"/usr/bin/{PACKAGE}"), Path(f"/usr/share/applications/{PACKAGE}.desktop"),
                             Path(f"/usr/share/icons/hicolor/256x256/apps/{PACKAGE}.png")) if p.exists()]
    assert not left, left
    assert not _installed(PACKAGE)
    steps.say(f"removed: nothing left of {INSTALL_DIR}, /usr/bin/{PACKAGE}, the desktop entry or the icons")
    steps.run([*root, "dpkg", "--purge", PACKAGE], env)  # and dpkg forgets it (its maintainer scripts) too
