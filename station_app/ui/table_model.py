"""A plain QAbstractTableModel over a list of row dataclasses; tested without any widget."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Row = TypeVar("Row")


@lru_cache(maxsize=20000)
def collation_key(text: str) -> str:
    """Chinese sorts by pinyin, as clerks expect (陈 before 王), not by code point."""
    from pypinyin import lazy_pinyin  # its dictionaries take a while to load: at the first sort, not at start-up

    return " ".join(lazy_pinyin(text))

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class TableColumn(Generic[Row]):
    header: str
    value: Callable[[Any], Any]
    width: int = 100
    align_center: bool = False


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are whatever the service returns; columns say how to show them."""

    def __init__(self, columns: Sequence[TableColumn], greyed: Callable[[Any], bool] | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._greyed = greyed
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if self._sort:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_center:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._greyed and self._greyed(row):
            return QBrush(QColor("#9e9e9e"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Column < 0 keeps the order the service gave."""
        if column < 0 or column >= len(self.columns):
            self._sort = None
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        value = self.columns[column].value

        def key(row: Any) -> tuple[int, Any]:
            cell = value(row)
            if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                return (0, cell)
            return (1, collation_key("" if cell is None else str(cell)))

        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
