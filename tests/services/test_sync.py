"""县站同步: a station's sync workbook, the county's merge of many, and the registry sent back."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlalchemy import func, select

from station_app.db.models import MergeHistory, Representative, Station, Visit, VisitSearch
from station_app.db.session import open_database
from station_app.io.manifest import read_manifest
from station_app.services import settings as settings_service
from station_app.services import sync
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from tests.conftest import TESTER


def _station_ctx(tmp_path, name: str, code: str, county: ServiceContext | None = None) -> ServiceContext:
    """A station's own database (SQLite) with its station row and two representatives; the county learns the
    registry from it, as if it had sent it."""
    database = open_database(f"sqlite:///{tmp_path / (code + '.sqlite')}")
    station = ServiceContext(database, TESTER)
    settings_service.save_this_station(station, settings_service.ThisStationInput(name=name, code=code))
    with station.write() as s:
        row = s.get(Station, station.station_id)
        s.add_all([Representative(name="张三", level="县", station=row, phone="13812345678",
                                  id_number="410102199001011234"),
                   Representative(name="李四", level="县", station=row, phone="13987654321")])
    if county is not None:
        sync.export_registry(station, tmp_path / f"{code}-registry.xlsx")
        assert not sync.merge_registry(county, tmp_path / f"{code}-registry.xlsx").refused
    return station


def _visit(station: ServiceContext, name: str, **values) -> str:
    with station.write() as s:
        visit = Visit(station_id=station.station_id, visited_at=dt.datetime(2026, 11, 2, 9, 30), citizen_name=name,
                      phone="13700001111", content=values.pop("content", "路灯坏了"), **values)
        s.add(visit)
        s.flush()
        return visit.id


@pytest.fixture
def county(ctx) -> ServiceContext:
    settings_service.save(ctx, settings_service.read(ctx).replace(county_mode=True))
    return ctx


@pytest.fixture
def station(tmp_path, county) -> ServiceContext:
    station = _station_ctx(tmp_path, "东河县城关镇人大代表联络站", "DHCG", county)
    _visit(station, "王五")
    _visit(station, "赵六", content="=1+1")
    yield station
    station.dispose()


def _count(ctx: ServiceContext, model) -> int:
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_merging_the_same_workbook_twice_changes_nothing(tmp_path, county, station):
    path = tmp_path / "cg.xlsx"
    sync.export_changes(station, path)
    first, = sync.merge_files(county, [path])
    assert not first.refused and first.tables["visits"].added == 2 and first.station_code == "DHCG"
    assert first.tables["representatives"].unchanged == 2
    again, = sync.merge_files(county, [path])
    assert (again.added, again.updated, again.older_ignored) == (0, 0, 0) and again.unchanged == first.added + first.unchanged
    assert _count(county, Visit) == 2 and _count(county, MergeHistory) == 0
    with county.read() as s:  # merged visits are found by the search as typed
        assert s.scalar(select(func.count()).select_from(VisitSearch).where(VisitSearch.text.contains("王五"))) == 1
        assert s.scalar(select(Visit.content).where(Visit.citizen_name == "赵六")) == "=1+1"


def test_a_newer_edit_wins_and_the_older_version_is_kept_in_history(tmp_path, county, station):
    sync.export_changes(station, tmp_path / "first.xlsx")
    with station.write() as s:
        visit = s.scalars(select(Visit).where(Visit.citizen_name == "王五")).one()
        visit.content = "路灯已修好，群众满意"
        visit_id = visit.id
    sync.export_changes(station, tmp_path / "second.xlsx")
    first, = sync.merge_files(county, [tmp_path / "first.xlsx"])
    assert first.tables["visits"].added == 2
    newer, = sync.merge_files(county, [tmp_path / "second.xlsx"])
    assert newer.tables["visits"].updated == 1 and (newer.added, newer.updated) == (0, 1)
    with county.read() as s:
        assert s.get(Visit, visit_id).content == "路灯已修好，群众满意"
        row = s.scalars(select(MergeHistory)).one()
        assert s.scalar(select(VisitSearch.text).where(VisitSearch.visit_id == visit_id)).endswith("路灯已修好，群众满意")
    assert (row.table_name, row.record_id, row.station_code, row.source_file) == \
        ("visits", visit_id, "DHCG", "second.xlsx")
    old, = sync.history(county, "visits", visit_id)
    assert old["content"] == "路灯坏了" and old["citizen_name"] == "王五"
    stale, = sync.merge_files(county, [tmp_path / "first.xlsx"])  # the older workbook again: ignored
    assert (stale.tables["visits"].older_ignored, stale.tables["visits"].unchanged, stale.updated) == (1, 1, 0)
    with county.read() as s:
        assert s.get(Visit, visit_id).content == "路灯已修好，群众满意"


def test_a_tampered_workbook_is_refused_and_nothing_is_written(tmp_path, county, station):
    path = tmp_path / "cg.xlsx"
    sync.export_changes(station, path)
    book = openpyxl.load_workbook(path)
    sheet = book["visits"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("content") + 1, value="改过的内容")
    book.save(path)
    summary, = sync.merge_files(county, [path])
    assert summary.refused and "cg.xlsx" in summary.reason and "校验值不符" in summary.reason
    assert summary.added == 0 and _count(county, Visit) == 0


def test_one_bad_file_among_three_leaves_the_other_two_merged(tmp_path, county, station):
    other = _station_ctx(tmp_path, "东河县南湖镇人大代表联络站", "DHNH", county)
    _visit(other, "孙七")
    sync.export_changes(station, tmp_path / "a.xlsx")
    sync.export_changes(other, tmp_path / "c.xlsx")
    (tmp_path / "b.xlsx").write_bytes(b"not a workbook")
    summaries = sync.merge_files(county, [tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"])
    assert [s.refused for s in summaries] == [False, True, False]
    assert "b.xlsx" in summaries[1].reason
    with county.read() as s:
        assert sorted(s.scalars(select(Visit.citizen_name))) == sorted(["王五", "赵六", "孙七"])
    other.dispose()


def test_a_station_the_county_does_not_know_is_refused(tmp_path, county):
    stranger = _station_ctx(tmp_path, "外县联络站", "WX01")
    _visit(stranger, "周八")
    sync.export_changes(stranger, tmp_path / "wx.xlsx")
    summary, = sync.merge_files(county, [tmp_path / "wx.xlsx"])
    assert summary.refused and "WX01" in summary.reason and "wx.xlsx" in summary.reason
    assert _count(county, Visit) == 0 and _count(county, Representative) == 0
    stranger.dispose()


def test_a_missing_sheet_or_column_is_refused(tmp_path, county, station):
    path = tmp_path / "cg.xlsx"
    sync.export_changes(station, path)
    book = openpyxl.load_workbook(path)
    del book["referrals"]
    book.save(tmp_path / "no-sheet.xlsx")
    book = openpyxl.load_workbook(path)
    book["visits"].delete_cols(5)
    book.save(tmp_path / "no-column.xlsx")
    no_sheet, no_column = sync.merge_files(county, [tmp_path / "no-sheet.xlsx", tmp_path / "no-column.xlsx"])
    assert no_sheet.refused and "缺少工作表“referrals”" in no_sheet.reason
    assert no_column.refused and "工作表“visits”缺少列" in no_column.reason
    assert _count(county, Visit) == 0


def test_a_workbook_of_another_schema_version_is_refused(tmp_path, county, station):
    path = tmp_path / "cg.xlsx"
    sync.export_changes(station, path)
    book = openpyxl.load_workbook(path)
    for row in book["元数据"].iter_rows():
        if row[0].value == "schema":
            row[2].value = "0003"
    book.save(path)
    summary, = sync.merge_files(county, [path])
    assert summary.refused and "0003" in summary.reason and _count(county, Visit) == 0


def test_id_numbers_are_always_masked_and_phones_unless_the_setting_allows(tmp_path, county, station):
    sync.export_changes(station, tmp_path / "masked.xlsx")
    book = openpyxl.load_workbook(tmp_path / "masked.xlsx")
    reps = list(book["representatives"].values)
    header = reps[0]
    zhang = next(r for r in reps if r[header.index("name")] == "张三")
    assert zhang[header.index("id_number")] == "410102********1234"
    assert zhang[header.index("phone")] == "138****5678"
    visits = list(book["visits"].values)
    assert {r[visits[0].index("phone")] for r in visits[1:]} == {"137****1111"}
    settings_service.save(station, settings_service.read(station).replace(sync_send_phones=True))
    sync.export_changes(station, tmp_path / "phones.xlsx", since=dt.date(2000, 1, 1))
    book = openpyxl.load_workbook(tmp_path / "phones.xlsx")
    reps = list(book["representatives"].values)
    zhang = next(r for r in reps if r[header.index("name")] == "张三")
    assert zhang[header.index("phone")] == "13812345678"
    assert zhang[header.index("id_number")] == "410102********1234"
    # the county already has the real ID number (from the registry): a masked one never replaces it
    with station.write() as s:
        s.scalars(select(Representative).where(Representative.name == "张三")).one().work_unit = "城关镇政府"
    sync.export_changes(station, tmp_path / "edit.xlsx")
    summary, = sync.merge_files(county, [tmp_path / "edit.xlsx"])
    assert summary.tables["representatives"].updated == 1
    with county.read() as s:
        rep = s.scalars(select(Representative).where(Representative.name == "张三")).one()
    assert (rep.work_unit, rep.id_number) == ("城关镇政府", "410102199001011234")


def test_an_export_since_the_last_holds_only_what_changed_and_resend_repeats_it(tmp_path, station):
    first = sync.export_changes(station, tmp_path / "1.xlsx")
    assert first.counts["visits"] == 2 and first.counts["representatives"] == 2
    _visit(station, "吴九")
    second = sync.export_changes(station, tmp_path / "2.xlsx")
    assert second.total == 1 and second.counts["visits"] == 1
    rows = list(openpyxl.load_workbook(tmp_path / "2.xlsx")["visits"].values)
    assert [r[rows[0].index("citizen_name")] for r in rows[1:]] == ["吴九"]
    assert [r[rows[0].index("visited_at")] for r in rows[1:]] == ["2026-11-02T09:30:00"]
    assert sync.export_changes(station, tmp_path / "3.xlsx").total == 0
    again = sync.export_changes(station, tmp_path / "again.xlsx", resend=True)
    assert again.resent and again.total == 0  # the last export (nothing new) sent again
    past = sync.past_exports(station)
    assert [p.total for p in past] == [0, 0, 1, first.total] and past[0].resent
    manifest = read_manifest(tmp_path / "2.xlsx")
    assert manifest["format"] == "station-sync" and manifest["station_code"] == "DHCG" and manifest["rows:visits"] == "1"


def test_a_chosen_period_and_a_resend_of_it(tmp_path, station):
    today = dt.datetime.now(dt.UTC).date()
    period = sync.export_changes(station, tmp_path / "p.xlsx", start=today - dt.timedelta(days=1), end=today)
    assert period.counts["visits"] == 2
    resent = sync.export_changes(station, tmp_path / "r.xlsx", resend=True)
    assert resent.counts == period.counts and resent.period == period.period
    assert sync.export_changes(station, tmp_path / "e.xlsx", start=today - dt.timedelta(days=9),
                               end=today - dt.timedelta(days=5)).total == 0


def test_the_county_registry_goes_back_to_the_station_with_the_same_rules(tmp_path, county, station):
    with county.write() as s:
        s.scalars(select(Representative).where(Representative.name == "李四")).one().work_unit = "县教育局"
    sync.export_registry(county, tmp_path / "reg.xlsx")
    summary = sync.merge_registry(station, tmp_path / "reg.xlsx")
    assert not summary.refused and summary.tables["representatives"].updated == 1
    assert sync.merge_registry(station, tmp_path / "reg.xlsx").updated == 0
    with station.read() as s:
        assert s.scalars(select(Representative.work_unit).where(Representative.name == "李四")).one() == "县教育局"
    assert not sync.merge_registry(station, tmp_path / "reg.xlsx").refused
    refused = sync.merge_registry(station, tmp_path / "missing.xlsx")
    assert refused.refused and "missing.xlsx" in refused.reason


def test_only_a_county_merges_and_a_station_file_is_not_a_registry(tmp_path, station):
    sync.export_changes(station, tmp_path / "cg.xlsx")
    with pytest.raises(StationError, match="县级汇总模式"):
        sync.merge_files(station, [tmp_path / "cg.xlsx"])
    summary = sync.merge_registry(station, tmp_path / "cg.xlsx")
    assert summary.refused and "station-sync" in summary.reason
