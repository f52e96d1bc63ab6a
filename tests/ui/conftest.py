from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from station_app.app import install_font


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch):
    """Message boxes would block a test; record what they said instead."""
    said: list[tuple[str, str]] = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda _parent, title, text, *a, **k: said.append((title, text))))
    return said


@pytest.fixture
def app(qapp):
    install_font(qapp)
    return qapp
