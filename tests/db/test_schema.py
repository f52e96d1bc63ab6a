from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from station_app.db.audit import DeletionRefused
from station_app.db.models import AuditLog, Base, Representative, Setting, Station
from station_app.db.session import current_revision, head_revision, open_database


def test_the_migrations_build_exactly_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert current_revision(db.engine) == head_revision()


def test_a_database_from_before_migrations_is_copied_aside_before_the_upgrade(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('旧数据')")
    database = open_database(f"sqlite:///{path}")
    assert database.backup_made is not None and database.backup_made.exists()
    with sqlite3.connect(database.backup_made) as conn:
        assert conn.execute("SELECT text FROM notes").fetchall() == [("旧数据",)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT text FROM notes").fetchall() == [("旧数据",)]
    assert current_revision(database.engine) == head_revision()
    database.dispose()
    again = open_database(f"sqlite:///{path}")
    assert again.backup_made is None
    again.dispose()


def test_every_insert_and_change_is_audited_with_operator_before_and_after(db, ctx):
    with ctx.write() as s:  # the service context names its operator to the audit hook
        s.add(Representative(name="张三", level="县", phone="13800000000"))
    with db.transaction(operator="李站长") as s:
        rep = s.scalars(select(Representative)).one()
        rep.phone = "13900000000"
        rep_id = rep.id
    with db.session() as s:
        entries = s.scalars(select(AuditLog).where(AuditLog.record_id == rep_id).order_by(AuditLog.id)).all()
    assert [(e.action, e.operator) for e in entries] == [("新增", "测试员"), ("修改", "李站长")]
    assert entries[0].after["name"] == "张三" and entries[0].after["kind"] == "人大代表"
    assert (entries[1].before, entries[1].after) == ({"phone": "13800000000"}, {"phone": "13900000000"})


def test_records_get_stable_ids_and_times_and_updated_at_moves_on_change(db):
    with db.transaction() as s:
        station = Station(name="东河县人大代表监督站", code="DHJD")
        s.add(station)
    with db.transaction() as s:
        again = s.get(Station, station.id)
        first_update = again.updated_at
        again.address = "政务服务中心"
    with db.session() as s:
        after = s.get(Station, station.id)
    assert len(after.id) == 36 and after.created_at <= first_update <= after.updated_at
    assert after.updated_at > first_update


def test_deleting_a_record_is_refused_and_nothing_changes(db):
    with db.transaction() as s:
        s.add(Representative(name="张三", level="县"))
    with pytest.raises(DeletionRefused):
        with db.transaction() as s:
            s.delete(s.scalars(select(Representative)).one())
    with db.session() as s:
        assert s.scalars(select(Representative.name)).all() == ["张三"]


def test_a_failed_action_writes_nothing_at_all(db):
    with pytest.raises(RuntimeError):
        with db.transaction() as s:
            s.add(Representative(name="张三", level="县"))
            s.flush()
            raise RuntimeError("power cut")
    with db.session() as s:
        assert s.scalars(select(Representative)).all() == []
        assert s.scalars(select(AuditLog)).all() == []


def test_a_database_of_revision_0001_is_upgraded_keeping_every_row(tmp_path):
    import shutil
    from pathlib import Path

    from station_app.db.models import DutyAssignment, DutyPlan

    path = tmp_path / "station.sqlite"
    shutil.copy(Path(__file__).parent.parent / "resources" / "station-0001.sqlite", path)
    database = open_database(f"sqlite:///{path}")
    assert database.backup_made is not None and "before-" in database.backup_made.name
    with sqlite3.connect(database.backup_made) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    with database.session() as s:
        assert s.scalars(select(Representative.name)).all() == ["旧代表"]
        plan = s.scalars(select(DutyPlan)).one()
        assert (plan.name, plan.heads_per_slot, plan.weekdays) == ("周三代表活动日", 0, [3])
        turn = s.scalars(select(DutyAssignment)).one()
        assert (turn.attendance, turn.replaces_id) == ("出勤", None)
    database.dispose()


def test_the_start_up_head_constant_is_alembics_head():
    from station_app.db.session import SCHEMA_HEAD

    assert SCHEMA_HEAD == head_revision()


def _database_at_0003(path, settings: dict[str, str], stations: list[tuple[str, str]] = ()) -> str:
    """A database as the program before 0004 left it: this station's name and code copied into the settings."""
    from alembic import command

    from station_app.db.session import alembic_config, make_engine

    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0003")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        for key, value in settings.items():
            conn.execute("INSERT INTO settings (id, created_at, updated_at, key, value) "
                         "VALUES (?, '2026-01-01', '2026-01-01', ?, ?)", (f"id-{key}", key, value))
        for name, code in stations:
            conn.execute("INSERT INTO stations (id, created_at, updated_at, name, code, kind, address, contact, "
                         "phone, notes) VALUES (?, '2026-01-01', '2026-01-01', ?, ?, '人大代表监督站', '', '', '', '')",
                         (f"station-{code}", name, code))
    return f"sqlite:///{path}"


def test_upgrading_moves_this_station_from_the_settings_to_its_row(tmp_path):
    from station_app.services.context import ServiceContext
    from station_app.services.settings import read

    url = _database_at_0003(tmp_path / "a.sqlite", {"station_name": "东河县人大代表监督站", "station_code": "DHJD",
                                                    "station_address": "政务服务中心", "station_phone": "0393-4821234",
                                                    "referral_abbr": "东监"})
    ctx = ServiceContext(open_database(url))
    station = ctx.station
    assert (station.name, station.code, station.address, station.phone) == (
        "东河县人大代表监督站", "DHJD", "政务服务中心", "0393-4821234")
    assert read(ctx).referral_abbr == "东监"
    with ctx.read() as session:
        keys = set(session.scalars(select(Setting.key)))
    assert "local_station_id" in keys and not keys & {"station_name", "station_code", "station_address", "station_phone"}
    ctx.dispose()


def test_upgrading_links_the_station_the_registry_already_has_by_its_code(tmp_path):
    from station_app.services.context import ServiceContext

    url = _database_at_0003(tmp_path / "b.sqlite", {"station_name": "旧名称", "station_code": "DHJD"},
                            stations=[("东河县人大代表监督站", "DHJD"), ("城关镇联络站", "DHCG")])
    ctx = ServiceContext(open_database(url))
    assert (ctx.station.id, ctx.station.name) == ("station-DHJD", "东河县人大代表监督站")
    with ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(Station)) == 2
    ctx.dispose()


def test_a_database_that_never_named_its_station_stays_unnamed(tmp_path):
    from station_app.services.context import UNNAMED_STATION, ServiceContext

    ctx = ServiceContext(open_database(_database_at_0003(tmp_path / "c.sqlite", {"referral_abbr": "东监"})))
    assert ctx.station == UNNAMED_STATION and not ctx.station.configured
    ctx.dispose()


def test_upgrading_gives_each_referral_its_rounds_and_the_deadline_setting_its_unit(tmp_path):
    from alembic import command

    from station_app.db.models import ReferralFeedback, ReferralFollowUp, ReferralRound
    from station_app.db.session import alembic_config, make_engine
    from station_app.services.context import ServiceContext
    from station_app.services.settings import read
    from station_app.vocab import DeadlineUnit

    path = tmp_path / "rounds.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0004")
    engine.dispose()
    stamp = "'2026-01-01 00:00:00'"
    record = f"{stamp}, {stamp}"
    with sqlite3.connect(path) as conn:
        conn.execute(f"INSERT INTO settings (id, created_at, updated_at, key, value) VALUES ('s1', {record}, "
                     "'referral_deadline_days', '15')")
        conn.execute(f"INSERT INTO referrals (id, created_at, updated_at, number, year, seq, unit_name, requirement, "
                     "issued_on, deadline, state, rounds, signed_on, signed_by) VALUES ('r1', "
                     f"{record}, '东监交〔2026〕1号', 2026, 1, '县住建局', '', '2026-03-04', '2026-04-27', '已交办', 2, "
                     "'2026-03-05', '刘科长')")
        conn.execute(f"INSERT INTO referral_events (id, created_at, updated_at, referral_id, action, from_state, "
                     f"to_state, at, by_whom, note) VALUES ('e1', {record}, 'r1', '重办', '已回访', '已交办', "
                     "'2026-03-25 10:00:00.000000', '', '')")
        for row_id, day, text in (("f2", "2026-04-10", "全部修好"), ("f1", "2026-03-20", "修了一个")):
            conn.execute(f"INSERT INTO referral_feedback (id, created_at, updated_at, referral_id, handler, replied_on, "
                         f"result, solved) VALUES ('{row_id}', {record}, 'r1', '刘', '{day}', '{text}', 1)")
        conn.execute(f"INSERT INTO referral_follow_ups (id, created_at, updated_at, referral_id, followed_on, by_whom, "
                     f"method, citizen_words, satisfaction) VALUES ('u1', {record}, 'r1', '2026-03-25', '站长', '电话', "
                     "'', '不满意')")
    database = open_database(f"sqlite:///{path}")
    with database.session() as s:
        rounds = s.scalars(select(ReferralRound).order_by(ReferralRound.round)).all()
        assert [(r.round, r.issued_on, r.deadline, r.signed_by) for r in rounds] == [
            (1, dt.date(2026, 3, 4), None, "刘科长"), (2, dt.date(2026, 3, 25), dt.date(2026, 4, 27), "")]
        assert {f.result: f.round for f in s.scalars(select(ReferralFeedback))} == {"修了一个": 1, "全部修好": 2}
        assert [f.round for f in s.scalars(select(ReferralFollowUp))] == [1]
    rule = read(ServiceContext(database)).deadline_rule
    assert (rule.count, rule.unit) == (15, DeadlineUnit.WORKING_DAYS)  # a station that had changed it keeps its days
    database.dispose()
