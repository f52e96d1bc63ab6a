"""A form dialog built from field specs; the service validates, the dialog shows each error beside its field."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from station_app.i18n import tr
from station_app.services.errors import StationError, ValidationFailed
from station_app.vocab import Word

ERROR_STYLE = "color: #c62828;"
ERROR_FIELD_STYLE = "border: 1px solid #c62828;"


def ok_cancel(dialog: QDialog, on_ok: Callable[[], Any], ok_text: str = "") -> QDialogButtonBox:
    """The dialog's two buttons, labelled in the interface language: ``ok_text`` (保存 by default) and 取消."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text or tr("保存"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def error_label(key: str) -> QLabel:
    """The red text beside a field that says what is wrong with it."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setMinimumWidth(280)
    label.setObjectName(f"error_{key}")
    return label


@dataclass
class FieldSpec:
    key: str
    label: str
    #: "text", "choice" (pick one), "editable" (pick or type), "bool", "multiline"
    kind: str = "text"
    #: stored values; ``Word`` members are shown by their label
    choices: Sequence[str] = field(default_factory=tuple)
    required: bool = False
    placeholder: str = ""


class FormDialog(QDialog):
    """Fields laid out label | widget | error; ``on_save(values)`` raises ValidationFailed to keep it open."""

    def __init__(self, title: str, specs: Sequence[FieldSpec], values: dict[str, Any],
                 on_save: Callable[[dict[str, Any]], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(800)
        self._on_save = on_save
        self.result_value: Any = None
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        for row, spec in enumerate(specs):
            label = QLabel(spec.label + ("<span style='color:#c62828'> *</span>" if spec.required else ""))
            label.setTextFormat(Qt.TextFormat.RichText)
            widget = self._make_widget(spec, values.get(spec.key))
            error = error_label(spec.key)
            label.setBuddy(widget)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row, 2)
            self.widgets[spec.key] = widget
            self.errors[spec.key] = error
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        buttons = ok_cancel(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

    @staticmethod
    def _make_widget(spec: FieldSpec, value: Any) -> QWidget:
        if spec.kind == "bool":
            box = QCheckBox(spec.placeholder)
            box.setChecked(bool(value))
            return box
        if spec.kind in ("choice", "editable"):
            combo = QComboBox()
            combo.setEditable(spec.kind == "editable")
            for choice in spec.choices:
                # A pick-one list shows the choice in the interface language and keeps the stored value as data:
                # a vocabulary word by its label, any other word through the translations.
                shown = choice
                if spec.kind == "choice" and choice:
                    shown = choice.label if isinstance(choice, Word) else tr(choice)
                combo.addItem(shown, str(choice))
            text = "" if value is None else str(value)
            if text and combo.findData(text) < 0:
                combo.addItem(text, text)
            combo.setCurrentIndex(combo.findData(text) if text else -1)
            return combo
        if spec.kind == "multiline":
            edit = QPlainTextEdit("" if value is None else str(value))
            edit.setFixedHeight(70)
            return edit
        line = QLineEdit("" if value is None else str(value))
        line.setPlaceholderText(spec.placeholder)
        return line

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QCheckBox):
                result[key] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                data = widget.currentData()
                editable_text = widget.currentText().strip()
                result[key] = editable_text if widget.isEditable() or data is None else data
            elif isinstance(widget, QPlainTextEdit):
                result[key] = widget.toPlainText()
            else:
                result[key] = widget.text()
        return result

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            self.widgets[key].setStyleSheet(ERROR_FIELD_STYLE if key in errors else "")
        unplaced = [message for key, message in errors.items() if key not in self.errors]
        self.general_error.setText("；".join(unplaced))
        for key in self.errors:
            if key in errors:
                self.widgets[key].setFocus()
                break

    def save(self) -> None:
        try:
            self.result_value = self._on_save(self.values())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except StationError as exc:
            self.show_errors({})
            self.general_error.setText(str(exc))
            return
        self.accept()


def ask_void_reason(parent: QWidget, what: str) -> str | None:
    """Ask why a record is voided; None when the clerk cancels."""
    while True:
        reason, ok = QInputDialog.getText(parent, tr("作废"), tr("作废“{what}”的原因（必填，记录保留可查）：", what=what))
        if not ok:
            return None
        if reason.strip():
            return reason.strip()
        QMessageBox.warning(parent, tr("作废"), tr("请填写作废原因。"))
