"""Open the main window in a fresh process, in one language, and report what a person would see.

    python -m tests.ui.window_probe LANG DB_URL WIDTHxHEIGHT[,WIDTHxHEIGHT...] [SHOTS_DIR]

The language is set before any page is imported, as ``app.run_window`` does, so every page's
headers and buttons are in it (a test process has imported the pages in Chinese already). Prints
one JSON object: at each size, the window's minimum size and what is clipped on each page; and the
texts shown on the roster and sign-in pages with the demo's dates.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: the demo's own days (tests/conftest.py DEMO_DAY): a past month with sign-ins, a coming one still open
PAST_MONTH, SIGNED_DAY, OPEN_DAY = (2026, 11), dt.date(2026, 11, 18), dt.date(2026, 12, 2)


def texts(root) -> list[str]:
    """Every text shown in ``root``: labels, buttons, combo items, tab titles, table cells and headers."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLabel, QTabWidget, QTreeWidget

    found: list[str] = []
    for widget in [root, *root.findChildren(QLabel), *root.findChildren(QAbstractButton),
                   *root.findChildren(QComboBox), *root.findChildren(QTabWidget),
                   *root.findChildren(QAbstractItemView)]:
        if isinstance(widget, QLabel):
            found.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            found.append(widget.text())
        elif isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            found += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QTreeWidget):
            stack = [widget.topLevelItem(i) for i in range(widget.topLevelItemCount())]
            found += [widget.headerItem().text(c) for c in range(widget.columnCount())]
            while stack:
                item = stack.pop()
                found += [item.text(c) for c in range(widget.columnCount())]
                stack += [item.child(i) for i in range(item.childCount())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            found += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())]
            found += [str(model.index(r, c).data() or "") for r in range(model.rowCount())
                      for c in range(model.columnCount())]
    return [text for text in found if text]


def clipped(page) -> list[str]:
    """What does not fit on a page as it is shown: header sections narrower than their text, buttons
    narrower than their text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QHeaderView

    problems: list[str] = []
    for header in page.findChildren(QHeaderView):
        if header.orientation() != Qt.Orientation.Horizontal or not header.isVisibleTo(page) or header.model() is None:
            continue
        metrics = header.fontMetrics()
        for section in range(header.count()):
            text = str(header.model().headerData(section, Qt.Orientation.Horizontal) or "")
            if text and not header.isSectionHidden(section) and header.sectionSize(section) < metrics.horizontalAdvance(text) + 8:
                problems.append(f"header {text!r}: {header.sectionSize(section)} px for "
                                f"{metrics.horizontalAdvance(text)} px of text")
    for button in page.findChildren(QAbstractButton):
        needed = button.fontMetrics().horizontalAdvance(button.text()) + 12
        if button.isVisibleTo(page) and button.text() and button.width() < needed:
            problems.append(f"button {button.text()!r}: {button.width()} px for {needed} px of text")
    return problems


def look_at_every_page(app, window, prefix: str, shots: str | None) -> dict:
    """Every page and every tab of a page as the window is now: what is clipped, and the window's minimum."""
    from PySide6.QtWidgets import QTabWidget

    report: dict = {"pages": {}, "minimum": [0, 0]}
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        app.processEvents()
        page = window.pages.currentWidget()
        tabs = page if isinstance(page, QTabWidget) else page.findChild(QTabWidget)  # a page's own tabs
        for tab in range(tabs.count() if tabs else 1):
            if tabs:
                tabs.setCurrentIndex(tab)
                app.processEvents()
            name = window.nav.item(row).text() + (f" › {tabs.tabText(tab)}" if tabs else "")
            report["pages"][name] = clipped(page)
            hint = window.minimumSizeHint().expandedTo(window.minimumSize())
            report["minimum"] = [max(report["minimum"][0], hint.width()), max(report["minimum"][1], hint.height())]
            if shots:
                window.grab().save(os.path.join(shots, f"{prefix}-{row}-{tab}.png"))
        if tabs:
            tabs.setCurrentIndex(0)
    return report


def main(language: str, url: str, sizes: list[tuple[int, int]], shots: str | None = None) -> dict:
    from station_app.i18n import set_language

    set_language(language)
    from PySide6.QtWidgets import QApplication

    from station_app.app import install_font
    from station_app.services.context import open_context
    from station_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    install_font(app)
    ctx = open_context(url)
    window = MainWindow(ctx)
    window.show()
    report: dict = {"title": window.windowTitle(), "sizes": {}}
    window.roster.year, window.roster.month = PAST_MONTH
    window.attendance.attendance.date.setDate(SIGNED_DAY)
    for width, height in sizes:
        window.resize(width, height)
        app.processEvents()
        report["sizes"][f"{width}x{height}"] = look_at_every_page(app, window, f"{language}-{width}x{height}", shots)
    # The words of the roster and sign-in pages: a past month with sign-ins, and a day still to come.
    roster, sign_in = window.roster, window.attendance.attendance
    shown: list[str] = []
    for day in (SIGNED_DAY, OPEN_DAY):
        window.nav.setCurrentRow(window.pages.indexOf(roster))
        roster.year, roster.month = day.year, day.month
        roster.selected_day = day
        roster.refresh()
        shown += texts(roster)
        window.nav.setCurrentRow(window.pages.indexOf(window.attendance))
        sign_in.date.setDate(day)
        shown += texts(window.attendance)
    window.attendance.setCurrentWidget(window.attendance.empty_posts)
    window.attendance.empty_posts.month.setValue(PAST_MONTH[1])
    shown += texts(window.attendance.empty_posts)
    report["roster_and_sign_in"] = shown
    report["arrangements"] = [sign_in.model.index(r, 7).data() for r in range(sign_in.model.rowCount())]
    window.close()
    ctx.dispose()
    return report


if __name__ == "__main__":
    sizes = [tuple(int(n) for n in size.split("x")) for size in sys.argv[3].split(",")]
    print(json.dumps(main(sys.argv[1], sys.argv[2], sizes, sys.argv[4] if len(sys.argv) > 4 else None),
                     ensure_ascii=False))
