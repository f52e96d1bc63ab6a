"""设置 → 数据库: a county types its PostgreSQL server's URL, tests the connection, and keeps it for the next start."""
from __future__ import annotations

from sqlalchemy.engine import make_url

from station_app import config
from station_app.ui.settings_page import SettingsPage


def test_the_connection_test_says_the_server_version_and_saving_keeps_the_url_for_the_next_start(app, qtbot, ctx,
                                                                                                 pg_databases):
    url = make_url(pg_databases.create()).set(drivername="postgresql").render_as_string(hide_password=False)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.database.text() == "" and str(ctx.db.display_name) in page.database_note.text()
    page.database.setText(url)
    page.test_button.click()
    assert page.database_note.text().startswith("连接成功：PostgreSQL ")
    assert config.chosen_db_url() == ""  # a test alone keeps nothing
    page.use_button.click()
    assert "已保存" in page.database_note.text()
    assert config.default_db_url() == url
    assert SettingsPage(ctx).database.text() == url


def test_a_server_that_refuses_is_named_in_chinese_and_nothing_is_kept(app, qtbot, ctx):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.database.setText("postgresql://clerk:secret@127.0.0.1:1/county")
    page.use_button.click()
    note = page.database_note.text()
    assert "拒绝连接" in note and "secret" not in note and page.database.styleSheet()
    assert config.default_db_url() == config.local_db_url()
    page.database.setText("")
    page.test_button.click()
    assert page.database_note.text().startswith("连接成功：SQLite ")
