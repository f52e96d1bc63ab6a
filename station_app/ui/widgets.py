"""Widgets every page shares: a read-only table of rows, and its empty-state hint."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMessageBox, QStackedLayout, QTableView, QWidget

from station_app.ui.table_model import RowTableModel


def make_table(model: RowTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # No sort indicator until the clerk clicks a header: the service's order (by delegation, by pinyin) stands.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(28)
    view.horizontalHeader().setHighlightSections(False)
    for number, column in enumerate(getattr(model, "columns", ())):
        view.setColumnWidth(number, column.width)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class EmptyHint(QLabel):
    """Shown instead of an empty table: says why it is empty and what to do."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #757575; font-size: 15px; padding: 40px;")


class TablePane(QWidget):
    """A table with an empty-state hint in its place when it has no rows."""

    def __init__(self, view: QTableView) -> None:
        super().__init__()
        self.view = view
        self.hint = EmptyHint()
        self.stack = QStackedLayout(self)
        self.stack.addWidget(view)
        self.stack.addWidget(self.hint)

    def show_rows(self, count: int, hint: str) -> None:
        self.hint.setText(hint)
        self.stack.setCurrentWidget(self.view if count else self.hint)


def error_box(parent: QWidget, title: str, exc: Exception) -> None:
    """A service refused or failed: its message is ready to show."""
    QMessageBox.warning(parent, title, str(exc))
