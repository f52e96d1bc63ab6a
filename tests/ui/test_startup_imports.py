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
                      "operator": window.operator_label.text(),
                      "page": type(window.pages.currentWidget()).__name__,
                      "modules": sorted({name.split(".")[0] for name in sys.modules})}))
    return 0

QApplication.exec = one_pass
from station_app.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def test_opening_the_main_window_imports_no_pdf_excel_migration_demo_or_pinyin_library(demo_url):
    from station_app.db.session import open_database
    from station_app.services import accounts
    from station_app.services.context import ServiceContext

    database = open_database(demo_url)
    accounts.create_first_admin(ServiceContext(database), "admin", "王站长", "geheim123")
    database.dispose()
    # signed in as a script signs in (STATION_APP_OPERATOR and STATION_APP_PASSWORD), so no dialog waits
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "STATION_APP_OPERATOR": "admin", "STATION_APP_PASSWORD": "geheim123"}
    done = subprocess.run([sys.executable, "-c", OPEN_WINDOW, demo_url], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["window"] == "MainWindow" and shown["page"] == "ReceptionPage" and "代表联络站工作台" in shown["title"]
    assert shown["operator"] == "操作员：王站长（管理员）"
    assert "sqlalchemy" in shown["modules"] and "PySide6" in shown["modules"]
    assert [name for name in NOT_AT_START if name in shown["modules"]] == []


FRAME_ONLY = """
import json, sys
from station_app.app import make_application
from station_app.ui.main_window import MainWindow

app = make_application()
frame = MainWindow()
frame.show()
app.processEvents()
print(json.dumps({"text": frame.opening.text(), "entries": frame.nav.count(), "enabled": frame.nav.isEnabled(),
                  "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def test_the_windows_frame_is_painted_before_the_database_library_is_loaded(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "STATION_APP_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", FRAME_ONLY], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["text"] == "正在打开数据库…" and shown["entries"] == 12 and not shown["enabled"]
    assert "sqlalchemy" not in shown["modules"] and "PySide6" in shown["modules"]


def test_the_window_lock_is_named_alike_without_loading_the_database_library(tmp_path, monkeypatch):
    from station_app.app import instance_name
    from station_app.services import database

    folder = tmp_path / "数据"
    folder.mkdir()
    (folder / "station.sqlite").touch()
    (tmp_path / "link.sqlite").symlink_to(folder / "station.sqlite")
    monkeypatch.chdir(tmp_path)
    for url in (f"sqlite:///{folder}/station.sqlite", f"sqlite:///{folder}/./station.sqlite",
                f"sqlite:///{folder}/../数据/station.sqlite", "sqlite:///数据/station.sqlite",
                f"sqlite:///{tmp_path}/link.sqlite", f"sqlite:///{folder}/station.sqlite?mode=ro",
                "postgresql://clerk:secret@server/county"):
        assert instance_name(url) == database.instance_name(url), url
