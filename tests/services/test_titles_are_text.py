"""A title or heading cell is never a formula, whatever the station's name."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from station_app.services import reception, referrals, registry, report, suggestions
from station_app.services import settings as settings_service

HOSTILE = '=HYPERLINK("http://x","y")&"'


@pytest.mark.sqlite_only("the exports are the same on either database")
def test_a_station_named_like_a_formula_stays_text_in_a_1_of_every_export(demo_ctx, tmp_path):
    station = settings_service.ThisStationInput.of(demo_ctx.station)
    station.name = HOSTILE
    settings_service.save_this_station(demo_ctx, station)
    written = {
        "代表名册": lambda path: registry.export_representatives(demo_ctx, path),
        "接待登记": lambda path: reception.export_visits(demo_ctx, path),
        "交办台账": lambda path: referrals.export_ledger(demo_ctx, path),
        "建议台账": lambda path: suggestions.export_ledger(demo_ctx, path),
        "月报": lambda path: report.write_month_report(demo_ctx, "2026-11", path, demo_ctx.station_id),
    }
    for name, write in written.items():
        path = tmp_path / f"{name}.xlsx"
        write(path)
        workbook = load_workbook(path)
        first = workbook.worksheets[0]["A1"]
        assert first.data_type == "s" and first.value.startswith(HOSTILE), name
        formulas = [(ws.title, c.coordinate) for ws in workbook for row in ws.iter_rows() for c in row
                    if c.data_type == "f"]
        assert formulas == [], name
