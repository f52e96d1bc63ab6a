"""The frozen program and its .deb, built and run the way a station's PC runs them (no Python, no source tree).

Slow (about two to four minutes: PyInstaller, the demo data twice, dpkg-deb): marked ``slow``, run by default and
in CI; ``pytest -m "not slow"`` leaves them out. Both tests share one build (the ``installer`` xdist group puts them
in one worker), made in a temporary folder that is removed afterwards. What they do is printed as ``[installer]``
lines in the run's summary.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "station-app.spec"
EXE = "station-app.exe" if sys.platform == "win32" else "station-app"
DEMO_DAY = "2026-12-02"
#: what only the offscreen platform says on stderr; anything else there is a problem
HARMLESS_STDERR = ("This plugin does not support propagateSizeHints()",)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("installer")]


@dataclass
class Steps:
    """The test's own log: printed as it goes, and shown in the run's summary (tests/conftest.py)."""
    lines: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        line = f"[installer] {text}"
        print(line, flush=True)
        self.lines.append(line)

    def run(self, command: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
        """Run ``command``, say what ran, how it ended and how long it took, and fail on a bad exit or a
        traceback or import error on stderr."""
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
        first = (done.stdout.strip().splitlines() or [""])[-1 if command[-1] != "--help" else 0]
        self.say(f"$ {' '.join(command)}  → exit {done.returncode} in {time.perf_counter() - started:.1f} s: "
                 f"{first[:100]}")
        problems = [line for line in done.stderr.splitlines() if line.strip() and line not in HARMLESS_STDERR]
        assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
        assert not [p for p in problems if "Error" in p or "Traceback" in p], "\n".join(problems)
        return done


@pytest.fixture
def steps(request):
    log = Steps()
    yield log
    request.node.add_report_section("call", "installer steps", "\n".join(log.lines))


def _size(path: Path) -> str:
    return subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()[0]


@dataclass
class Frozen:
    folder: Path
    build_seconds: float

    @property
    def program(self) -> Path:
        return self.folder / EXE


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    """The one-folder program, built from this checkout by installer/station-app.spec, removed afterwards."""
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed: pip install -e '.[build]'")
    work = tmp_path_factory.mktemp("frozen")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
                           "--distpath", str(work / "dist"), "--workpath", str(work / "build")],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    yield Frozen(work / "dist" / "station-app", time.perf_counter() - started)
    shutil.rmtree(work, ignore_errors=True)


def _clean_env(home: Path) -> dict[str, str]:
    """A station's environment: a data folder of its own, no Python paths; offscreen, as there is no display."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STATION_APP", "VIRTUAL_ENV"))}
    return {**env, "STATION_APP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def test_frozen_program_answers_help_loads_the_demo_and_opens_its_window(frozen, tmp_path, steps):
    steps.say(f"built the frozen program in {frozen.build_seconds:.0f} s: {frozen.folder.name}/, "
              f"{_size(frozen.folder)}")
    env = _clean_env(tmp_path / "home")
    db = f"sqlite:///{tmp_path / 'station.sqlite'}"

    helped = steps.run([str(frozen.program), "--help"], env)
    assert "代表联络站工作台" in helped.stdout and "demo" in helped.stdout

    loaded = steps.run([str(frozen.program), "--db", db, "demo", "--today", DEMO_DAY], env)
    assert "已装入演示数据" in loaded.stdout

    picture = tmp_path / "window.png"
    shown = steps.run([str(frozen.program), "--db", db], {**env, "STATION_APP_EXIT_WHEN_SHOWN": str(picture)})
    assert "station-app: main window shown: 代表联络站工作台" in shown.stdout
    assert picture.stat().st_size > 20_000  # a painted window, not a blank one
    log = (tmp_path / "home" / "logs" / "station-app.log").read_text(encoding="utf-8")
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


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("dpkg-deb"),
                    reason="the .deb is built and installed on Debian-based Linux only")
def test_deb_installs_under_opt_runs_and_removes_cleanly(frozen, tmp_path, steps):
    sys.path.insert(0, str(ROOT / "installer"))
    from build_deb import INSTALL_DIR, PACKAGE, SYSTEM_DEPENDS, build_deb

    root = _root_command()
    if root is None:
        pytest.skip("installing a .deb needs root or password-less sudo (sudo -n); neither is available here")
    if _installed(PACKAGE):
        pytest.skip(f"a {PACKAGE} package is already installed on this machine; the test will not replace it")
    missing = [p for p in SYSTEM_DEPENDS if not _installed(p)]
    if missing:
        pytest.skip(f"the .deb's system libraries are missing here: apt-get install {' '.join(missing)} "
                    "(.ci/run installs them)")

    started = time.perf_counter()
    deb = build_deb(frozen.folder, tmp_path / "deb", compression="gzip")
    steps.say(f"built {deb.name} in {time.perf_counter() - started:.0f} s: {deb.stat().st_size / 2**20:.1f} MB "
              "(gzip here for speed; the release is xz)")
    env = _clean_env(tmp_path / "home")
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
        loaded = steps.run([f"/usr/bin/{PACKAGE}", "--db", f"sqlite:///{tmp_path / 'station.sqlite'}", "demo",
                            "--today", DEMO_DAY], env)
        assert "已装入演示数据" in loaded.stdout
    finally:
        steps.run([*root, "dpkg", "-r", PACKAGE], env)
    left = [str(p) for p in (INSTALL_DIR, Path(f"/usr/bin/{PACKAGE}"),
                             Path(f"/usr/share/applications/{PACKAGE}.desktop")) if p.exists()]
    assert not left and not _installed(PACKAGE)
    steps.say(f"removed: {INSTALL_DIR} gone, /usr/bin/{PACKAGE} gone, desktop entry gone, package not installed")
