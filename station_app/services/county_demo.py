"""县级汇总演示 — a county database with the demo stations' records merged, as a county office would have it.

The demo database holds two stations (the monitoring station and the township station). Each
station's own copy of it exports its sync workbook (only its own records, with the county's
registry), and the county merges both: first the registry, then the stations' workbooks.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from station_app.db.models import Representative, Setting, Station
from station_app.db.session import copy_sqlite, open_database
from station_app.i18n import tr
from station_app.services import settings as settings_service
from station_app.services import sync
from station_app.services.context import LOCAL_STATION_KEY, ServiceContext
from station_app.services.demo import COUNTY, fill_demo
from station_app.services.errors import StationError


def fill_county_demo(ctx: ServiceContext, seed: int = 2025, today: dt.date | None = None,
                     workdir: Path | None = None) -> list[sync.FileSummary]:
    """Fill an empty database as the demo county: the stations' workbooks built in ``workdir`` (a temporary
    folder by default) and merged here in county mode. Returns the merge's summary per station."""
    with ctx.read() as session:
        existing = session.scalar(select(func.count()).select_from(Representative))
    if existing:
        raise StationError(tr("数据库中已有 {n} 位代表；演示数据只装入空数据库，请用 --db 指定一个新文件", n=existing))
    with tempfile.TemporaryDirectory(prefix="county-demo-") as scratch:
        folder = Path(workdir or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        first = folder / "station-DHJD.sqlite"
        built = open_database(f"sqlite:///{first}")
        try:
            fill_demo(ServiceContext(built, ctx.operator), seed=seed, today=today)
        finally:
            built.dispose()
        copy_sqlite(first, folder / "station-DHCG.sqlite")  # before either exports: each sends its own first export
        workbooks = []
        for code in ("DHJD", "DHCG"):
            path = folder / f"station-{code}.sqlite"
            station_db = open_database(f"sqlite:///{path}")
            station = ServiceContext(station_db, ctx.operator)
            try:
                with station.write() as session:  # this copy is that station's own PC
                    station_id = session.scalar(select(Station.id).where(Station.code == code))
                    setting = session.scalars(select(Setting).where(Setting.key == LOCAL_STATION_KEY)).one()
                    setting.value = station_id
                if code == "DHJD":
                    sync.export_registry(station, folder / "registry.xlsx")
                workbooks.append(folder / f"{code}-报送.xlsx")
                sync.export_changes(station, workbooks[-1])
            finally:
                station_db.dispose()
        sync.merge_registry(ctx, folder / "registry.xlsx")
        settings_service.save(ctx, settings_service.read(ctx).replace(county_name=COUNTY, county_mode=True))
        return sync.merge_files(ctx, workbooks)
