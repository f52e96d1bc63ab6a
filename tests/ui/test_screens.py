"""The window fits the screens stations have, in both languages, and English is English throughout."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from station_app import app as app_module
from station_app import cli, config
from station_app.i18n import language, set_language
from station_app.ui.settings_page import SettingsPage
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import FlowLayout, make_table
from station_app.vocab import AssignmentSource, Attendance, SlotName

ROOT = Path(__file__).resolve().parents[2]
#: a 1280 × 720 screen less the window frame and a taskbar; 1366 × 768 likewise
SCREENS = {(1280, 720): (1264, 680), (1366, 768): (1350, 728)}


def probe(url: str, lang: str, tmp_path: Path) -> dict:
    """The main window opened in a fresh process in ``lang``, at each screen size (tests/ui/window_probe.py)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STATION_APP_HOME": str(tmp_path / "probe-home")}
    sizes = ",".join(f"{width}x{height}" for width, height in SCREENS)
    done = subprocess.run([sys.executable, "-m", "tests.ui.window_probe", lang, url, sizes],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def probes(demo_template, tmp_path_factory) -> dict[str, dict]:
    """Each language, on a copy of the demo."""
    from station_app.db.session import copy_sqlite

    folder = tmp_path_factory.mktemp("screens")
    copy_sqlite(demo_template[0], folder / "demo.sqlite")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    return {lang: probe(url, lang, folder) for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_fits_the_screen_with_nothing_clipped(probes, lang, screen):
    report = probes[lang]["sizes"]["{}x{}".format(*screen)]
    room = SCREENS[screen]
    width, height = report["minimum"]
    assert width <= room[0] and height <= room[1], f"the window needs at least {width} × {height}"
    assert len(report["pages"]) >= 15  # every page, every tab
    clipped = {page: problems for page, problems in report["pages"].items() if problems}
    assert not clipped, clipped


def test_the_english_roster_and_sign_in_pages_have_no_chinese_duty_words(probes):
    shown = probes["en"]["roster_and_sign_in"]
    words = [w.value for w in (*SlotName, *Attendance)] + ["系统排班", AssignmentSource.GENERATED.value]
    found = {word: [text for text in shown if word in text][:3] for word in words}
    assert not {word: texts for word, texts in found.items() if texts}
    assert any("AM" in text for text in shown) and any("Not signed in" in text for text in shown)
    assert any("Attended" in text for text in shown)
    assert set(probes["en"]["arrangements"]) == {"Generated"}
    assert probes["en"]["title"].startswith("Representative Liaison Station Workbench")


def test_the_arrangement_column_says_system_generated_in_chinese(probes):
    report = probes["zh"]
    assert set(report["arrangements"]) == {"系统排班"}
    assert not any("生成" in text and "生成排班" not in text for text in report["roster_and_sign_in"])


def test_generated_turns_are_labelled_as_generated_in_both_languages():
    assert AssignmentSource.GENERATED.label == "系统排班"
    set_language("en")
    try:
        assert AssignmentSource.GENERATED.label == "Generated"
        assert [s.short_label for s in SlotName] == ["Day", "AM", "PM"]
    finally:
        set_language("zh")
    assert AssignmentSource.GENERATED == "生成"  # the stored value is unchanged
    assert SlotName.MORNING.short_label == "上午"


def test_a_column_is_never_narrower_than_its_header_or_its_words(app, qtbot):
    model = RowTableModel([TableColumn("Fixed income", lambda r: r, 70),
                           TableColumn("Category", lambda r: r, 60)])
    view = make_table(model)
    qtbot.addWidget(view)
    header = view.horizontalHeader()
    assert header.sectionSize(0) >= header.fontMetrics().horizontalAdvance("Fixed income") + 8
    from station_app.ui.widgets import fit_columns

    fit_columns(header, [70, 60], {1: ["People's congress representative"]})
    assert header.sectionSize(1) >= view.fontMetrics().horizontalAdvance("People's congress representative")


def test_a_toolbar_wraps_whole_groups_and_never_widens_the_page(app, qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    bar = FlowLayout(page)
    bar.setContentsMargins(0, 0, 0, 0)
    left = [QPushButton(f"Move {n}") for n in range(3)]
    right = [QPushButton(f"Generate roster {n}…") for n in range(4)]
    for button in left:
        bar.addWidget(button)
    bar.addStretch(1)
    for button in right:
        bar.addWidget(button)
    widest = max(b.sizeHint().width() for b in left + right)
    assert bar.minimumSize().width() <= widest  # the page may be as narrow as its widest button
    one_line = bar.sizeHint().width()
    page.resize(one_line + 50, 200)
    page.show()
    QApplication.processEvents()
    assert {b.y() for b in left + right} == {left[0].y()}
    assert right[-1].geometry().right() >= one_line  # the stretch pushes the right group to the right edge
    page.resize(one_line - 20, 200)
    QApplication.processEvents()
    # Too narrow: the right group moves to the next line as a whole, the left stays together.
    assert {b.y() for b in left} == {left[0].y()} and {b.y() for b in right} == {right[0].y()} != {left[0].y()}
    assert right[0].x() == left[0].x()
    assert bar.heightForWidth(one_line - 20) > bar.heightForWidth(one_line + 50)


def test_the_interface_language_is_kept_for_the_user_and_read_at_start(app, qtbot, ctx, monkeypatch, tmp_path):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.language.currentData() == "zh"
    page.language.setCurrentIndex(page.language.findData("en"))
    assert json.loads(config.preferences_file().read_text(encoding="utf-8"))["language"] == "en"
    assert config.preferences_file().parent == config.data_dir()
    assert "English" in page.language_note.text()
    assert settings_rows(ctx) == []  # not in the station's database

    from station_app.ui.main_window import MainWindow

    windows: list[MainWindow] = []
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(MainWindow, "show", lambda self: windows.append(self))
    monkeypatch.setattr("station_app.ui.sign_in.sign_in_at_start", lambda ctx, *a, **k: ctx.operator)
    monkeypatch.setattr(QApplication, "exec", lambda self: seen.append((language(), windows[-1].windowTitle())) or 0)
    url = f"sqlite:///{tmp_path / 'start.sqlite'}"
    try:
        assert app_module.run_window(url) == 0
        assert seen[-1] == ("en", "Representative Liaison Station Workbench")
        assert cli.main(["--db", url]) == 0          # the window without --lang: the chosen language
        assert seen[-1][0] == "en"
        assert cli.main(["--lang", "zh", "--db", url]) == 0   # --lang on the command line wins
        assert seen[-1] == ("zh", "代表联络站工作台")
    finally:
        set_language("zh")


def settings_rows(ctx) -> list[str]:
    """The station settings stored in the database that name a language."""
    from sqlalchemy import select

    from station_app.db.models import Setting

    with ctx.read() as session:
        return [key for key in session.scalars(select(Setting.key)) if "lang" in key]


def test_a_long_database_path_does_not_widen_the_window(app, qtbot, ctx, monkeypatch):
    from station_app.ui.main_window import MainWindow

    monkeypatch.setattr(type(ctx.db), "display_name", property(lambda _db: "C:\\" + "很长的文件夹\\" * 30 + "station.sqlite"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.db_label.width() <= 420 and window.db_label.toolTip().endswith("station.sqlite")
    assert window.minimumSizeHint().width() <= SCREENS[(1280, 720)][0]
    assert "…" in window.db_label.text()  # shortened in its middle
