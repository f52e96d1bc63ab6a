"""The window opens without the libraries only other pages use: they are imported on first use."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: what the first page never needs: PDF, Excel, migrations, the demo's fake names, pinyin
NOT_AT_START = ("reportlab", "openpyxl", "xlsxwriter", "alembic", "faker", "pypinyin")

# The program as a clerk starts it (station-app --db URL), with the event loop replaced by one pass
# that reports which modules are loaded once the main window is shown.
OPEN_WINDOW = """
import json, sys
from PySide6.QtWidgets import QApplication

def one_pass(app):
    QApplication.processEvents()
    window = QApplication.activeWindow() or next(w for w in QApplication.topLevelWidgets() if w.isVisible())
    print(json.dumps({"window": type(window).__name__, "title": window.windowTitle(),
                      "page": type(window.pages.currentWidget()).__name__,
                      "modules": sorted({name.split(".")[0] for name in sys.modules})}))
    return 0

QApplication.exec = one_pass
from station_app.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def test_opening_the_main_window_imports_no_pdf_excel_migration_demo_or_pinyin_library(demo_url):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", OPEN_WINDOW, demo_url], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["window"] == "MainWindow" and shown["page"] == "ReceptionPage" and "代表联络站工作台" in shown["title"]
    assert "sqlalchemy" in shown["modules"] and "PySide6" in shown["modules"]
    assert [name for name in NOT_AT_START if name in shown["modules"]] == []
