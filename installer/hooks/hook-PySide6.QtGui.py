"""QtGui for the frozen program: PyInstaller's own hook, less the Qt plugins a desktop window never loads.

Kept: the platforms xcb (X11, and XWayland under a Wayland session), offscreen (tests, servers), windows; the
input contexts (ibus and compose: Chinese input methods); the image formats and icon engine a desktop theme uses.
Dropped: the embedded-device platforms (eglfs, linuxfb, vnc, …) with their device plugins, the native Wayland
client (Qt falls back to xcb through XWayland by itself), and the GTK3 theme, which would bundle GTK, cairo and
their kin (about 15 MB) for native colours and file dialogs the program does not need.
"""
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

DROPPED_KINDS = {"egldeviceintegrations", "generic", "wayland-decoration-client", "wayland-graphics-integration-client",
                 "wayland-graphics-integration-server", "wayland-shell-integration"}
DROPPED_PLUGINS = {"qeglfs", "qlinuxfb", "qminimal", "qminimalegl", "qvkkhrdisplay", "qvnc", "qwayland", "qgtk3",
                   "qdirect2d", "qicns", "qtga", "qtiff", "qwbmp", "qwebp", "qpdf"}


def _kept(source: str, destination: str) -> bool:
    path = Path(source)
    if "plugins" not in Path(destination).parts:
        return True
    name = path.name.split(".")[0].removeprefix("lib")
    return path.parent.name not in DROPPED_KINDS and name not in DROPPED_PLUGINS


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries if _kept(source, destination)]
