"""Fixtures shared by the reception and referral tests."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from station_app.db.models import Representative, Station
from station_app.services import settings as settings_service


@pytest.fixture
def reception_station(db, ctx):
    """This PC's station (东监 numbering) with two representatives; returns their ids by name."""
    settings_service.save(ctx, settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
    with db.transaction() as s:
        station = s.get(Station, ctx.station_id)
        reps = [Representative(name=n, level="县", station=station, pinyin=p)
                for n, p in (("张三", "zhang san|zhangsan|zs"), ("李四", "li si|lisi|ls"))]
        s.add_all(reps)
    with db.session() as s:
        return {r.name: r.id for r in s.scalars(select(Representative))}
