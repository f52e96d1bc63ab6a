"""The frozen program's entry point (PyInstaller): the same as main.py and the station-app command.

A Windows build without a console (the Start-menu shortcut's station-app-window.exe) has no stdout or stderr:
Python sets them to None and the first print would fail, so they go to the null device there.
"""
import os
import sys

if sys.stdout is None or sys.stderr is None:
    null = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 — open for the life of the process
    sys.stdout = sys.stdout or null
    sys.stderr = sys.stderr or null

from station_app.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
