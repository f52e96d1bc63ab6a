"""备份与恢复 in the settings page: back up now, the automatic copies, and the restore confirmation."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QFileDialog

from station_app.services import backup, registry
from station_app.services import settings as settings_service
from station_app.services.registry import RepresentativeInput
from station_app.ui import backup_section
from station_app.ui.settings_page import SettingsPage


def names(ctx) -> list[str]:
    return sorted(r.name for r in registry.list_representatives(ctx, registry.RepFilter(state="all")))


def test_back_up_now_writes_the_chosen_file_and_the_list_shows_the_automatic_copies(app, qtbot, ctx, tmp_path,
                                                                                    monkeypatch):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    section = page.backup
    assert section.title() == "备份与恢复"
    assert section.empty.isVisibleTo(page) and not section.list.isVisibleTo(page)  # a hint, not an empty list
    assert "打开和关闭时" in section.empty.text()

    target = tmp_path / "usb" / "备份.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    section.backup_button.click()
    assert target.exists() and "已备份到" in section.result.text()

    backup.automatic_backup(ctx, backup.START, dt.datetime(2026, 12, 2, 8, 30))
    backup.automatic_backup(ctx, backup.CLOSE, dt.datetime(2026, 12, 2, 17, 45))
    section.refresh()
    assert [section.list.item(i).text().split("　")[:2] for i in range(section.list.count())] == [
        ["2026-12-02 17:45:00", "关闭程序时"], ["2026-12-02 08:30:00", "打开程序时"]]
    assert section.list.isVisibleTo(page) and not section.empty.isVisibleTo(page)


def test_restore_shows_the_files_date_station_and_counts_beside_the_current_and_restores_on_yes(app, qtbot, ctx,
                                                                                               tmp_path, monkeypatch):
    settings_service.save_this_station(ctx, settings_service.ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
    registry.save_representative(ctx, RepresentativeInput(name="王伟", level="县"))
    copy = tmp_path / "u.sqlite"
    backup.backup_to(ctx, copy)
    registry.save_representative(ctx, RepresentativeInput(name="李娜", level="县"))
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    saved = []
    page.saved.connect(lambda: saved.append(True))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(copy), "")))
    shown: list[str] = []
    answer = QDialog.DialogCode.Rejected

    def exec_(dialog):
        shown.append(dialog.text())
        return answer

    monkeypatch.setattr(backup_section.RestoreDialog, "exec", exec_)
    page.backup.restore_button.click()
    said = shown[-1]
    assert "u.sqlite" in said and "东河县人大代表监督站" in said and f"{dt.date.today():%Y-%m-%d}" in said
    assert "1 人" in said and "2 人" in said and "代表将减少 1" in said
    assert names(ctx) == ["李娜", "王伟"] and not saved  # 取消: nothing changed

    answer = QDialog.DialogCode.Accepted
    page.backup.restore_button.click()
    assert names(ctx) == ["王伟"] and saved
    assert "已用 u.sqlite 恢复数据库" in page.backup.result.text()
    reasons = [page.backup.list.item(i).text() for i in range(page.backup.list.count())]
    assert any("恢复之前" in text for text in reasons)


def test_a_clerk_may_back_up_but_not_restore(app, qtbot, db):
    from station_app.services.context import OperatorRef, ServiceContext
    from station_app.vocab import Role

    clerk = ServiceContext(db, OperatorRef("c", "登记员甲", Role.CLERK))
    page = SettingsPage(clerk)
    qtbot.addWidget(page)
    assert page.backup.backup_button.isEnabled()
    assert not page.backup.restore_button.isEnabled() and "管理员" in page.backup.restore_button.toolTip()


def test_the_window_backs_up_when_it_opens_and_when_it_closes(app, sqlite_template, tmp_path, monkeypatch):
    import sys

    from PySide6.QtWidgets import QApplication

    from station_app import app as app_module
    from station_app import config
    from station_app.db.session import copy_sqlite

    copy_sqlite(sqlite_template, tmp_path / "w.sqlite")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window installs its own; put it back after
    monkeypatch.setattr("station_app.ui.sign_in.sign_in_at_start", lambda ctx, *a, **k: ctx.operator)
    seen_while_open = []
    monkeypatch.setattr(QApplication, "exec", lambda self: seen_while_open.extend(
        (config.data_dir() / "backups").glob("*/*.sqlite")) or 0)
    assert app_module.run_window(f"sqlite:///{tmp_path / 'w.sqlite'}") == 0
    assert [p.name.rsplit("-", 1)[-1] for p in seen_while_open] == ["start.sqlite"]
    after = sorted(p.name.rsplit("-", 1)[-1] for p in (config.data_dir() / "backups").glob("w-*/*.sqlite"))
    assert after == ["close.sqlite", "start.sqlite"]
