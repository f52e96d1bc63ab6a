"""What a 登记员 sees of a 管理员's actions: the buttons stay in place, greyed, saying why.

The services refuse the action anyway (``ctx.write(admin_only=True)``); this only spares the clerk a
button that would say no. A page may enable its buttons again as rows are chosen, so each button is
kept disabled by an event filter rather than disabled once.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from station_app.i18n import tr
from station_app.services.context import ServiceContext


class _KeepDisabled(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget) and watched.isEnabled():
            watched.setEnabled(False)
        return False


def admin_only_reason(ctx: ServiceContext) -> str:
    return tr("只有管理员可以做这件事（当前操作员：{name}，{role}）", name=ctx.operator.name,
              role=ctx.operator.role.label)


def admin_only(ctx: ServiceContext, *widgets: QWidget) -> None:
    """For a 登记员: each widget disabled for good, its tooltip saying that only a 管理员 may use it."""
    if ctx.operator.is_admin:
        return
    reason = admin_only_reason(ctx)
    for widget in widgets:
        guard = _KeepDisabled(widget)
        widget.installEventFilter(guard)
        widget.setEnabled(False)
        widget.setToolTip(reason)
