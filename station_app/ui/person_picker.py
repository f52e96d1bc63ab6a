"""Pick a person by typing part of the name, the unit, or the pinyin initials (zs → 张三).

The names come from the services as people are shown everywhere: two of the same name are told
apart (张建华（尾号0985）), so typing the last digits of a phone finds one of them too."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.services.registry import pinyin_key
from station_app.ui.forms import ok_cancel


class PersonPicker(QDialog):
    """A search box over (value, name, unit) entries; Enter takes the first match, a reason can be asked too.

    ``chosen`` is the value of the entry picked: a ``PersonRef`` for a person, an assignment id for a turn.
    With ``multiple`` every entry has a box to tick (Enter in the search box, or a double click, ticks the
    match); the ticks survive a new search, and ``chosen_all`` lists the values ticked, in the order ticked.
    """

    def __init__(self, title: str, people: Sequence[tuple[Any, str, str]], parent: QWidget | None = None,
                 ask_reason: bool = True, reason_label: str = "", multiple: bool = False) -> None:
        super().__init__(parent)
        self.multiple = multiple
        self.ticked: dict[Any, None] = {}
        self.setWindowTitle(title)
        self.resize(460, 520)
        self.people = [(key, name, unit, f"{name}{unit}{pinyin_key(name)}".lower()) for key, name, unit in people]
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("输入姓名、拼音首字母或单位"))
        self.list = QListWidget()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(reason_label or tr("原因（必填）"))
        self.reason.setVisible(ask_reason)
        self.error = QLabel()
        self.error.setStyleSheet("color:#c62828;")
        buttons = ok_cancel(self, self._accept, tr("确定"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._filter)
        if multiple:
            self.search.returnPressed.connect(self._tick_current)
            self.list.itemDoubleClicked.connect(self._toggle)
            self.list.itemChanged.connect(self._ticked_changed)
            self.search.setPlaceholderText(tr("输入姓名、拼音首字母或单位，回车勾选；可勾选多人"))
        else:
            self.list.itemDoubleClicked.connect(lambda _item: self._accept())
        self._filter("")

    def _filter(self, text: str) -> None:
        text = text.strip().lower()
        self.list.blockSignals(True)
        self.list.clear()
        for key, name, unit, haystack in self.people:
            if text and text not in haystack:
                continue
            # a name told apart from a namesake may already say the unit (张建华（西岭乡代表团）)
            item = QListWidgetItem(f"{name}　{unit}" if unit and unit not in name else name)
            item.setData(Qt.ItemDataRole.UserRole, key)
            if self.multiple:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if key in self.ticked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if self.list.count() >= 300:
                break
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(0)

    @property
    def chosen(self) -> Any:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    @property
    def chosen_all(self) -> list[Any]:
        """With ``multiple``: the values ticked, in the order ticked."""
        return list(self.ticked)

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _tick_current(self) -> None:
        if (item := self.list.currentItem()) is not None:
            self._toggle(item)
            self.search.selectAll()

    def _ticked_changed(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.ticked[key] = None
        else:
            self.ticked.pop(key, None)
        self.error.setText(tr("已勾选 {n} 人", n=len(self.ticked)) if self.ticked else "")
        self.error.setStyleSheet("color:#1565c0;")

    def _accept(self) -> None:
        if self.multiple:
            if not self.ticked:
                self.error.setStyleSheet("color:#c62828;")
                self.error.setText(tr("请至少勾选一个人"))
                return
            self.accept()
            return
        if self.chosen is None:
            self.error.setText(tr("请先选择一个人"))
            return
        if self.reason.isVisible() and not self.reason.text().strip():
            self.error.setText(tr("请填写原因"))
            self.reason.setFocus()
            return
        self.accept()
