"""A county's database on a PostgreSQL server: opened by its plain postgresql:// URL, built on first open,
and a server that cannot be reached is named with the reason in Chinese."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from station_app.cli import main
from station_app.db.models import Representative
from station_app.db.session import current_revision, head_revision, open_database
from station_app.services.database import DatabaseUnreachable, check_database, check_url, database_key
from station_app.services.errors import ValidationFailed


def plain(url: str) -> str:
    """The URL as a county types it: postgresql://, no driver named."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_the_first_open_of_an_empty_server_database_builds_every_table_without_a_file_copy(pg_databases):
    url = plain(pg_databases.create(migrated=False))
    database = open_database(url)
    try:
        assert database.is_server and database.backup_made is None
        assert current_revision(database.engine) == head_revision()
        assert {"representatives", "visits", "referrals", "audit_log"} <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def test_the_command_line_works_on_a_server_database(pg_databases, tmp_path, capsys):
    from tests.workbooks import county_list

    url = plain(pg_databases.create(migrated=False))
    path = county_list(tmp_path / "名册.xlsx")
    assert main(["--db", url, "reps", "import", str(path)]) == 0
    database = open_database(url)
    with database.session() as s:
        assert s.scalars(select(Representative.name)).all()
    database.dispose()
    assert main(["--db", url, "reps", "export", str(tmp_path / "导出.xlsx")]) == 0
    assert (tmp_path / "导出.xlsx").stat().st_size > 0


def test_the_connection_test_names_the_server_that_answered(pg_databases):
    assert check_database(plain(pg_databases.server_url.render_as_string(hide_password=False))).startswith("PostgreSQL ")


@pytest.mark.parametrize(("url", "says"), [
    ("postgresql://clerk:secret@127.0.0.1:1/county", "拒绝连接"),
    ("postgresql://clerk@no-such-host.invalid/county", "找不到服务器 no-such-host.invalid"),
])
def test_a_server_that_cannot_be_reached_is_named_with_the_reason_and_no_password(url, says):
    with pytest.raises(DatabaseUnreachable) as caught:
        check_database(url)
    assert says in str(caught.value) and "secret" not in str(caught.value)


def test_a_missing_database_or_user_on_the_server_is_named(pg_databases):
    server = make_url(plain(pg_databases.server_url.render_as_string(hide_password=False)))
    with pytest.raises(DatabaseUnreachable, match="服务器上没有数据库 nothing_here"):
        check_database(server.set(database="nothing_here").render_as_string(hide_password=False))
    with pytest.raises(DatabaseUnreachable, match="服务器上没有用户 nobody_here"):
        check_database(server.set(username="nobody_here").render_as_string(hide_password=False))


@pytest.mark.parametrize(("url", "says"), [("mysql://a@b/c", "只支持"), ("nonsense", "格式不对"),
                                           ("postgresql://a@b", "服务器和数据库名")])
def test_a_url_of_another_kind_is_refused_before_any_connection(url, says):
    with pytest.raises(ValidationFailed) as caught:
        check_url(url)
    assert says in caught.value.errors["database"]


def test_one_database_has_one_key_however_its_url_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert database_key("sqlite:///a.sqlite") == database_key(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert database_key("postgresql://clerk:one@host/county") == database_key("postgres://clerk:two@host/county")
    assert "one" not in database_key("postgresql://clerk:one@host/county")
