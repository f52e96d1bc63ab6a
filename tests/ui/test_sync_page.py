"""县站同步 page: a station's export and its list; in county mode the merge summary with a refused file."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from station_app.db.models import Representative, Station, Visit
from station_app.services import settings as settings_service
from station_app.services import sync
from station_app.ui.sync_page import SyncPage


def test_a_station_exports_and_sees_its_exports_listed(ctx, qtbot, tmp_path):
    settings_service.save_this_station(ctx, settings_service.ThisStationInput(name="东河县城关镇人大代表联络站", code="DHCG"))
    with ctx.write() as s:
        s.add(Visit(station_id=ctx.station_id, visited_at=dt.datetime(2026, 11, 2, 9), citizen_name="王五"))
    page = SyncPage(ctx, today=dt.date(2026, 12, 2))
    qtbot.addWidget(page)
    assert not page.station_box.isHidden() and page.county_box.isHidden()
    assert page.exports_pane.stack.currentWidget() is page.exports_pane.hint
    assert page.start.isHidden()
    page.choice.setCurrentIndex(page.choice.findData("period"))
    assert not page.start.isHidden()
    page.choice.setCurrentIndex(page.choice.findData("since_last"))
    result = page.export(tmp_path / "cg.xlsx")
    assert result.counts["visits"] == 1 and page.exports.rowCount() == 1
    assert page.exports.data(page.exports.index(0, 1)) == "全部记录"


def test_the_county_merges_and_a_refused_file_shows_its_reason(ctx, qtbot, tmp_path):
    settings_service.save(ctx, settings_service.read(ctx).replace(county_mode=True))
    with ctx.write() as s:
        s.add(Station(name="东河县城关镇人大代表联络站", code="DHCG"))
    (tmp_path / "bad.xlsx").write_bytes(b"broken")
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    assert page.station_box.isHidden() and not page.county_box.isHidden()
    assert page.summary_pane.stack.currentWidget() is page.summary_pane.hint
    summaries = page.merge([tmp_path / "bad.xlsx"])
    assert summaries[0].refused and page.summary.rowCount() == 1
    assert page.summary.data(page.summary.index(0, 6)).startswith("拒绝：")
    assert "拒绝 1 个" in page.totals_label.text()
    result = page.export_registry(tmp_path / "reg.xlsx")
    assert result.counts["stations"] == 1
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Representative)) == 0
    assert sync.county_mode(ctx)
