"""Widgets every page shares: a read-only table of rows, its empty-state hint, a toolbar that wraps."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from PySide6.QtCore import QItemSelectionModel, QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QMessageBox,
    QSizePolicy,
    QSpacerItem,
    QStackedLayout,
    QTableView,
    QWidget,
    QWidgetItem,
)

from station_app.ui.table_model import RowTableModel

#: where a page asks the date (a test passes a fixed day)
Today = Callable[[], dt.date]


def today_of(today: dt.date | Today | None) -> Today:
    """A page's clock: the real one, a fixed day, or a function a test passes."""
    if today is None:
        return dt.date.today
    if isinstance(today, dt.date):
        return lambda: today
    return today

#: room beside a header's text: the margins of the section and the sort arrow
HEADER_PADDING = 28
#: room beside a cell's text
CELL_PADDING = 14


def select_row(view: QAbstractItemView, row: int) -> None:
    """Make ``row`` the one selected and current row. ``QTableView.selectRow`` toggles the row instead while
    Ctrl is held (or was the last modifier Qt saw), which would leave nothing selected."""
    index = view.model().index(row, 0)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().setCurrentIndex(index, flags)


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
    fit_columns(view.horizontalHeader(), [column.width for column in getattr(model, "columns", ())])
    view.horizontalHeader().setStretchLastSection(True)
    return view


def fit_columns(header: QHeaderView, widths: Iterable[int], words: dict[int, Iterable[str]] | None = None) -> None:
    """Give each column its width, but never less than its header's text: no header is cut
    ("ixed income") in a language whose words are longer than the width was chosen for.
    ``words`` names, for a column that shows a vocabulary, every label it can show: it is as wide
    as the longest of them."""
    model = header.model()
    metrics = header.fontMetrics()
    cell_metrics = header.parentWidget().fontMetrics() if header.parentWidget() is not None else metrics
    for number, width in enumerate(widths):
        text = str(model.headerData(number, Qt.Orientation.Horizontal) or "") if model is not None else ""
        width = max(width, metrics.horizontalAdvance(text) + HEADER_PADDING)
        for word in (words or {}).get(number, ()):
            width = max(width, cell_metrics.horizontalAdvance(word) + CELL_PADDING)
        header.resizeSection(number, width)


class FlowLayout(QLayout):
    """A toolbar row that wraps onto the next line when the page is too narrow for it.

    Used like a ``QHBoxLayout``: ``addWidget(widget, stretch)``, ``addStretch()``, ``addSpacing()``.
    While the row fits on one line it looks the same: stretches push what follows to the right and
    widgets with a stretch share the spare room. A page never asks for more width than its widest
    single item, so no toolbar makes the window wider than the screen.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: dict[int, int] = {}
        if parent is None:
            self.setContentsMargins(0, 0, 0, 0)

    # --- building, as on a QHBoxLayout ---

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        self._items.append(item)
        if stretch:
            self._stretch[id(item)] = stretch
        self.invalidate()

    def addStretch(self, stretch: int = 1) -> None:  # noqa: N802
        item = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self._items.append(item)
        self._stretch[id(item)] = stretch
        self.invalidate()

    def addSpacing(self, size: int) -> None:  # noqa: N802
        self._items.append(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self._stretch.pop(id(item), None)
        return item

    # --- sizes ---

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:  # noqa: N802
        widths = [self._width(item) for item in self._visible()]
        height = max((item.sizeHint().height() for item in self._visible()), default=0)
        return self._grow(QSize(sum(widths) + self._gap() * max(0, len(widths) - 1), height))

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return self._grow(size)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    # --- placing ---

    def _gap(self) -> int:
        spacing = self.spacing()
        return spacing if spacing >= 0 else 6

    def _grow(self, size: QSize) -> QSize:
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if item.spacerItem() is not None or not item.isEmpty()]

    @staticmethod
    def _width(item: QLayoutItem) -> int:
        return item.sizeHint().width() if item.spacerItem() is None else item.spacerItem().sizeHint().width()

    def _is_stretch(self, item: QLayoutItem) -> bool:
        return item.spacerItem() is not None and id(item) in self._stretch

    def _runs(self) -> list[list[QLayoutItem]]:
        """The row cut at its stretches: the groups that move to the next line together."""
        runs: list[list[QLayoutItem]] = [[]]
        for item in self._visible():
            if self._is_stretch(item):
                runs.append([item])
            else:
                runs[-1].append(item)
        return [run for run in runs if run]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        """Whole groups go to the next line first; a group wider than a line wraps item by item."""
        lines: list[list[QLayoutItem]] = [[]]
        used = 0

        def place(item: QLayoutItem) -> None:
            nonlocal used
            line = lines[-1]
            if not line and item.spacerItem() is not None:  # a line never starts on a gap
                return
            used += (self._gap() if line else 0) + min(self._width(item), width)
            line.append(item)

        def new_line() -> None:
            nonlocal used
            while lines[-1] and lines[-1][-1].spacerItem() is not None:  # nor ends on one
                lines[-1].pop()
            if lines[-1]:
                lines.append([])
            used = 0

        for run in self._runs():
            run_width = sum(min(self._width(item), width) for item in run) + self._gap() * (len(run) - 1)
            if lines[-1] and used + self._gap() + run_width > width:
                new_line()
            for item in run:
                if lines[-1] and used + self._gap() + min(self._width(item), width) > width:
                    new_line()
                place(item)
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, move: bool) -> int:
        area = rect.marginsRemoved(self.contentsMargins())
        margins = self.contentsMargins().top() + self.contentsMargins().bottom()
        lines = self._lines(max(1, area.width()))
        if not lines:
            return margins
        y = area.y()
        for line in lines:
            widths = [min(self._width(item), area.width()) for item in line]
            spare = area.width() - sum(widths) - self._gap() * (len(line) - 1)
            stretches = [self._stretch.get(id(item), 0) for item in line]
            if spare > 0 and sum(stretches):
                total = sum(stretches)
                for index, stretch in enumerate(stretches):
                    widths[index] += spare * stretch // total
            height = max(item.sizeHint().height() for item in line)
            if move:
                x = area.x()
                for item, width in zip(line, widths, strict=True):
                    item_height = min(height, max(item.minimumSize().height(), item.sizeHint().height()))
                    if item.spacerItem() is None:
                        width = max(width, item.minimumSize().width())
                        item.setGeometry(QRect(QPoint(x, y + (height - item_height) // 2), QSize(width, item_height)))
                    x += width + self._gap()
            y += height + self._gap()
        return y - self._gap() - area.y() + margins


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
