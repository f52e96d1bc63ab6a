"""Build the .deb for 统信UOS / 银河麒麟 / Debian from the frozen program, with dpkg-deb alone.

    pyinstaller installer/station-app.spec --distpath dist --workpath build --noconfirm
    python installer/build_deb.py                 # dist/station-app → dist/station-app_<version>_<arch>.deb

The package puts the one-folder program under /opt/station-app, a /usr/bin/station-app that starts it, a
desktop entry (中文名 代表联络站工作台) and the program's icon in the hicolor theme. Removing the package takes
/opt/station-app away whole; each user's data folder (~/.local/share/StationApp) stays, as a removal must.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "station-app"
INSTALL_DIR = Path("/opt/station-app")
ICON_SIZES = (48, 128, 256)
#: what the bundle links to but does not carry: the C library, OpenGL (the machine's own driver) and the two xcb
#: helpers PyInstaller leaves to the system. libc6's lowest version is read from the bundle's binaries.
SYSTEM_DEPENDS = ("libgl1", "libegl1", "libxcb1", "libxcb-icccm4", "libxcb-keysyms1")

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Version=1.0
Name=Representative Liaison Station Workbench
Name[zh_CN]=代表联络站工作台
GenericName=Liaison station workbench
GenericName[zh_CN]=人大代表联络站工作台
Comment=Reception, referrals, duty roster, subsidies and monthly reports of a representative liaison station
Comment[zh_CN]=人大代表联络站的接待登记、交办、排班值班、误工补贴和月度报表
Keywords=station;representative;reception;roster;
Keywords[zh_CN]=人大;代表;联络站;监督站;接待;交办;排班;
Exec=station-app
Icon=station-app
Terminal=false
Categories=Office;
StartupNotify=true
"""

LAUNCHER = f"""\
#!/bin/sh
exec {INSTALL_DIR}/station-app "$@"
"""

# the desktop's menu and icon caches; each tool may be missing on a minimal system, which is no error
REFRESH_CACHES = """\
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi
"""

POSTINST = "#!/bin/sh\nset -e\n" + REFRESH_CACHES
# dpkg removes the files it installed; anything the program or a person left in its folder goes too
POSTRM = f"""\
#!/bin/sh
set -e
case "$1" in
    remove|purge) rm -rf {INSTALL_DIR} ;;
esac
""" + REFRESH_CACHES


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def lowest_glibc(bundle: Path) -> str:
    """The newest GLIBC_2.x symbol version any binary in the bundle asks for: the oldest C library it runs on."""
    needed = (0, 0)
    pattern = re.compile(rb"GLIBC_2\.(\d+)(?:\.(\d+))?\x00")
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink() and (path.suffix == ".so" or ".so." in path.name
                                                           or path.name == PACKAGE):
            for match in pattern.finditer(path.read_bytes()):
                needed = max(needed, (int(match.group(1)), int(match.group(2) or 0)))
    return f"2.{needed[0]}" + (f".{needed[1]}" if needed[1] else "")


def _folder_size_kib(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) // 1024 + 1


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def stage(bundle: Path, root: Path, version: str, arch: str) -> None:
    """Lay out the package's file tree under ``root`` (what dpkg-deb packs)."""
    if not (bundle / PACKAGE).is_file():
        raise SystemExit(f"{bundle}: no {PACKAGE} program here; build it first (pyinstaller installer/station-app.spec)")
    target = root / INSTALL_DIR.relative_to("/")
    shutil.copytree(bundle, target, symlinks=True)
    _write(root / "usr/bin" / PACKAGE, LAUNCHER, 0o755)
    _write(root / "usr/share/applications" / f"{PACKAGE}.desktop", DESKTOP_ENTRY)
    icons = ROOT / "resources" / "icons"
    for size in ICON_SIZES:
        destination = root / f"usr/share/icons/hicolor/{size}x{size}/apps/{PACKAGE}.png"
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icons / f"station-app-{size}.png", destination)
    scalable = root / f"usr/share/icons/hicolor/scalable/apps/{PACKAGE}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icons / "station-app.svg", scalable)
    depends = ", ".join([f"libc6 (>= {lowest_glibc(bundle)})", *SYSTEM_DEPENDS])
    control = f"""\
Package: {PACKAGE}
Version: {version}
Architecture: {arch}
Maintainer: Station App maintainers <station-app@localhost>
Installed-Size: {_folder_size_kib(root)}
Depends: {depends}
Section: misc
Priority: optional
Description: 代表联络站工作台 — representative liaison station workbench
 Desktop workbench for people's-congress representative liaison and
 monitoring stations: registry, duty roster and attendance, reception,
 referrals, subsidies, the duty record and monthly reports. Runs without
 Python or network access; each user's data stays in their own folder.
"""
    _write(root / "DEBIAN/control", control)
    _write(root / "DEBIAN/postinst", POSTINST, 0o755)
    _write(root / "DEBIAN/postrm", POSTRM, 0o755)
    for path in [root, *root.rglob("*")]:  # a umask of 077 must not make the installed program unreadable
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def build_deb(bundle: Path, out_dir: Path, version: str | None = None, compression: str = "xz") -> Path:
    """Pack ``bundle`` (PyInstaller's dist/station-app) into ``out_dir``/station-app_<version>_<arch>.deb.

    xz (the release: about 70 MB) is what every dpkg reads, down to UOS 20's, but takes minutes on a busy
    machine; gzip (about 92 MB) takes seconds, for a test that only installs the package and removes it."""
    version = version or project_version()
    arch = architecture()
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="station-deb-") as staging:
        root = Path(staging) / "root"
        stage(bundle, root, version, arch)
        # --root-owner-group: the files are root's in the package without fakeroot
        subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(deb)],
                       check=True, stdout=subprocess.DEVNULL)
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE, help="the frozen program's folder")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .deb goes")
    parser.add_argument("--fast", action="store_true", help="gzip instead of xz: seconds instead of minutes, 30%% larger")
    args = parser.parse_args(argv)
    deb = build_deb(args.bundle, args.out, compression="gzip" if args.fast else "xz")
    print(f"built {deb} ({deb.stat().st_size / 2**20:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
