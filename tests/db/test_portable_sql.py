"""The few things SQLite and PostgreSQL spell or compare differently mean the same in the services on both."""
from __future__ import annotations

from sqlalchemy import select

from station_app.db.functions import contains_text
from station_app.db.models import Representative, WindowUnit
from station_app.services import registry
from station_app.services.registry import RepFilter


def test_text_search_finds_what_was_typed_literally_with_percent_and_underscore(db):
    with db.transaction() as s:
        s.add_all([Representative(name="张三", level="县", work_unit="增长50%_的厂"),
                   Representative(name="李四", level="县", work_unit="增长500的厂")])
    with db.session() as s:
        found = s.scalars(select(Representative.name).where(contains_text(Representative.work_unit, "50%_"))).all()
        assert found == ["张三"]
        assert s.scalars(select(Representative.name).where(contains_text(Representative.work_unit, "无"))).all() == []


def test_registry_search_ignores_the_case_of_latin_letters_on_either_server(db, ctx):
    with db.transaction() as s:
        s.add_all([Representative(name="王五", level="县", work_unit="ABC Electric", id_number="41010119800101123X"),
                   WindowUnit(name="县 IT 中心", head_name="Li")])
    assert [r.name for r in registry.list_representatives(ctx, RepFilter(text="abc electric"))] == ["王五"]
    assert [r.name for r in registry.list_representatives(ctx, RepFilter(text="123x"))] == ["王五"]
    assert [u.name for u in registry.list_window_units(ctx, "it")] == ["县 IT 中心"]
