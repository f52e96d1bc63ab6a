"""Generate 200,000 visits (ten years of a busy station) straight into a database, for the benchmark.

Rows go in through SQLAlchemy Core in large batches: this is test data, so it skips the audit log
that every clerk's action writes, and fills the search index itself.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import insert, select

from station_app.db.models import (
    Representative,
    Station,
    Visit,
    VisitRepresentative,
    VisitSearch,
    utcnow,
)
from station_app.db.session import Database
from station_app.services.demo import TOPICS, TOWNSHIPS
from station_app.vocab import Channel, Outcome

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建国", "丽")
BATCH = 20_000


def fill_visits(db: Database, count: int = 200_000, seed: int = 11) -> int:
    rng = random.Random(seed)
    with db.session() as session:
        station_id = session.scalars(select(Station.id).order_by(Station.code)).first()
        reps = list(session.scalars(select(Representative.id)))
    start = dt.datetime(2016, 1, 1, 8, 0)
    step = (dt.datetime(2026, 1, 1) - start) / count
    now = utcnow()
    categories = list(TOPICS)
    outcomes = [outcome for outcome in Outcome if outcome != Outcome.REFERRED]  # a referral needs its own rows
    with db.engine.begin() as conn:
        for first in range(0, count, BATCH):
            visits, search, links = [], [], []
            for i in range(first, min(count, first + BATCH)):
                category = rng.choice(categories)
                content = rng.choice(TOPICS[category]).format(village=rng.choice(TOWNSHIPS)[:2] + "东村",
                                                            town=rng.choice(TOWNSHIPS), n=rng.randint(2, 9))
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
                address = rng.choice(TOWNSHIPS) + rng.choice("东西南北") + "村"
                visit_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                at = start + step * i
                visits.append(dict(id=visit_id, created_at=now, updated_at=now, station_id=station_id, visited_at=at,
                                   citizen_name=name, phone=phone, address=address,
                                   people_count=rng.choice((1, 1, 1, 2, 3)), channel=rng.choice(list(Channel)),
                                   category=category, content=content, outcome=rng.choice(outcomes), outcome_note="",
                                   recorded_by="基准"))
                search.append(dict(visited_at=at, visit_id=visit_id, voided=False,
                                   text=f"{name} {phone} {address} {content}".lower()))
                if reps:
                    links.append(dict(id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), created_at=now,
                                      updated_at=now, visit_id=visit_id, representative_id=rng.choice(reps)))
            conn.execute(insert(Visit), visits)
            conn.execute(insert(VisitSearch), search)
            if links:
                conn.execute(insert(VisitRepresentative), links)
    return count
