"""The start-up benchmark's hook: when a window is first painted, write the moment and the process's memory
to a file and quit.

``STATION_APP_REPORT_PAINT=FILE station-app`` (the program as a clerk starts it, frozen or not) writes
``{"painted_at": <time.time()>, "rss_mb": ...}`` to FILE once the main window is on screen, then exits.
The benchmark starts the program and a bare Qt window the same way and compares the two.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

#: the environment variable naming the file to write
REPORT_ENV = "STATION_APP_REPORT_PAINT"


def rss_mb() -> float:
    """This process's resident memory now (Linux; 0 where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, path: str) -> None:
        super().__init__(window)
        self.path = path
        self.seen = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            # The window's children are painted in the same pass; the timer fires once it is flushed to screen.
            QTimer.singleShot(0, self.report)
        return False

    def report(self) -> None:
        Path(self.path).write_text(json.dumps({"painted_at": time.time(), "rss_mb": rss_mb()}), encoding="utf-8")
        QApplication.quit()


def report_first_paint(window: QWidget) -> bool:
    """When REPORT_ENV names a file: write to it once ``window`` is first painted, then quit. False otherwise."""
    path = os.environ.get(REPORT_ENV)
    if path:
        _FirstPaint(window, path)
    return bool(path)
