"""The county merge's benchmark data: a county database that knows 30 stations, and 30 station workbooks
(visits and who received them) of ``total`` records in all, written as ``services.sync`` writes them."""
from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

from sqlalchemy import insert

from station_app.db.models import Representative, Station, Visit, VisitRepresentative
from station_app.db.session import SCHEMA_HEAD, open_database
from station_app.io.sync_workbook import TableSheet, write_tables
from station_app.services import sync

STATIONS = 30


def build(folder: Path, total: int = 200_000, url: str | None = None) -> tuple[str, list[Path], dict[str, list[tuple]]]:
    """The county's URL (a new SQLite file unless ``url`` names an empty database), the workbooks, and the
    rows they hold as tuples per table (for the baseline)."""
    rng = random.Random(11)
    url = url or f"sqlite:///{folder / 'county-merge.sqlite'}"
    db = open_database(url)
    now = dt.datetime(2026, 11, 30, 12)
    stations = [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "name": f"第{i + 1}联络站", "code": f"ZD{i + 1:02d}",
                 "kind": "代表联络站", "address": "", "contact": "", "phone": "", "notes": "", "created_at": now,
                 "updated_at": now} for i in range(STATIONS)]
    reps = [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "name": f"代表{i}", "level": "县", "gender": "",
             "kind": "人大代表", "station_id": stations[i % STATIONS]["id"], "work_unit": "", "phone": "",
             "has_fixed_income": True, "active": True, "term": "", "notes": "", "pinyin": "", "created_at": now,
             "updated_at": now} for i in range(STATIONS * 10)]
    with db.engine.begin() as conn:
        conn.execute(insert(Station.__table__), stations)
        conn.execute(insert(Representative.__table__), reps)
    db.dispose()
    visits_table, receivers_table = Visit.__table__, VisitRepresentative.__table__
    rows: dict[str, list[tuple]] = {"visits": [], "visit_representatives": []}
    paths = []
    per_station = total // STATIONS // 2
    for index, station in enumerate(stations):
        own = [r["id"] for r in reps if r["station_id"] == station["id"]]
        visits, receivers = [], []
        for n in range(per_station):
            at = now - dt.timedelta(minutes=rng.randrange(500_000))
            visit = {"id": str(uuid.UUID(int=rng.getrandbits(128))), "created_at": at, "updated_at": at,
                     "voided_at": None, "void_reason": None, "voided_by": None, "station_id": station["id"],
                     "visited_at": at, "citizen_name": f"群众{n}", "phone": "138****0000", "address": "城关镇东村",
                     "people_count": 1, "channel": "来站", "category": "城乡建设",
                     "content": "村口的路灯坏了三个月，晚上出行不便，希望尽快修好。", "outcome": "当场解决",
                     "outcome_note": "", "recorded_by": "基准"}
            visits.append(visit)
            receivers.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "created_at": at, "updated_at": at,
                              "voided_at": None, "void_reason": None, "voided_by": None, "visit_id": visit["id"],
                              "representative_id": rng.choice(own)})
        rows["visits"] += [tuple(v[c] for c in visits_table.columns.keys()) for v in visits]
        rows["visit_representatives"] += [tuple(r[c] for c in receivers_table.columns.keys()) for r in receivers]
        data = {"visits": visits, "visit_representatives": receivers}

        def cells(table, records):
            encoders = [sync._encoder(c) for c in table.columns]
            for record in records:
                yield [encode(record[c.name]) for encode, c in zip(encoders, table.columns)]

        sheets = [TableSheet(t.name, list(t.columns.keys()), cells(t, data.get(t.name, ()))) for t in sync.synced_tables()]
        path = folder / f"{station['code']}.xlsx"
        write_tables(path, sheets, {"format": sync.FORMAT_STATION, "schema": SCHEMA_HEAD, "station_code": station["code"],
                                    "station_name": station["name"]})
        paths.append(path)
    return url, paths, rows
