"""The start-up benchmark's hook: when a window is first painted, write the moment and the process's memory
to a file and quit.

``STATION_APP_REPORT_PAINT=FILE station-app`` (the program as a clerk starts it, frozen or not) writes
``{"painted_at": <time.time()>, "ready_at": ..., "rss_mb": ...}`` to FILE: when the main window was first
painted, when its first page was in (the database open, the operator signed in), and the memory then; then exits.
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
    def __init__(self, window: QWidget, path: str, wait: bool) -> None:
        super().__init__(window)
        self.path = path
        self.painted_at: float | None = None
        self.wait = wait
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.time()  # the moment the window is painted: its children are in the same pass
            if not self.wait:
                QTimer.singleShot(0, self.report)
        return False

    def ready(self) -> None:
        """The window has its first page: report once the event loop runs (then quit)."""
        QTimer.singleShot(0, self.report)

    def report(self) -> None:
        now = time.time()
        Path(self.path).write_text(json.dumps({"painted_at": self.painted_at or now, "ready_at": now,
                                               "rss_mb": rss_mb()}), encoding="utf-8")
        QApplication.quit()


def report_first_paint(window: QWidget, wait: bool = False) -> _FirstPaint | None:
    """When REPORT_ENV names a file: note when ``window`` is first painted, write it to the file and quit — at
    once, or with ``wait`` when :meth:`_FirstPaint.ready` is called (the program's window is painted before
    its database is open; it is ready once its first page is in). None when the benchmark is not asking."""
    path = os.environ.get(REPORT_ENV)
    return _FirstPaint(window, path, wait) if path else None
