from __future__ import annotations

import datetime as dt

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from station_app.db.models import (
    Delegation,
    RepGroup,
    Representative,
    Station,
    WindowUnit,
)
from station_app.db.session import open_database
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.demo import fill_demo
from station_app.services.errors import ValidationFailed
from station_app.services.qr import export_codes, payload_for, station_payload
from station_app.services.validation import gender_from_id, id_number_error, phone_error
from tests.conftest import DEMO_DAY


def test_demo_county_has_the_real_figures(demo_db, demo_template):
    summary = demo_template[1]
    with demo_db.session() as s:
        monitoring = s.scalars(select(Station).where(Station.kind == "人大代表监督站")).one()
        at_monitoring = s.scalars(select(Representative).where(Representative.station_id == monitoring.id)).all()
        township = s.scalars(select(Representative).where(Representative.station_id != monitoring.id,
                                                          Representative.kind == "人大代表")).all()
        assert len(at_monitoring) == 420
        assert {r.level for r in at_monitoring} == {"市", "县"}
        assert len({r.delegation_id for r in at_monitoring}) == 22
        assert len(township) == 62
        assert s.scalar(select(func.count()).select_from(WindowUnit)) == 18
        assert s.scalar(select(func.count()).select_from(RepGroup)) == 5
        assert s.scalar(select(func.count()).select_from(Delegation)) == 22
        everyone = s.scalars(select(Representative)).all()
    free = sum(not r.has_fixed_income for r in everyone)
    assert 0.25 < free / len(everyone) < 0.42 and free == summary.without_fixed_income
    assert all(phone_error(r.phone) is None for r in everyone)
    assert len({r.phone for r in everyone}) == len(everyone)
    with_id = [r for r in everyone if r.id_number]
    assert all(id_number_error(r.id_number) is None and gender_from_id(r.id_number) == r.gender for r in with_id)


def test_demo_is_repeatable_for_the_same_seed(tmp_path):
    def people(name: str) -> list[tuple[str, str, str]]:
        database = open_database(f"sqlite:///{tmp_path / name}")
        fill_demo(ServiceContext(database), seed=7, with_duty=False)
        with database.session() as s:
            rows = sorted(s.execute(select(Representative.id, Representative.name, Representative.phone)).all())
        database.dispose()
        return [tuple(r) for r in rows]

    assert people("a.sqlite") == people("b.sqlite")


def test_payload_template_fills_every_placeholder(db, ctx):
    fill_demo(ctx, with_duty=False)
    settings = settings_service.read(ctx).replace(
        qr_template="{id}|{name}|{phone}|{station}|{station_code}|{level}|{title}|{delegation}|{group}")
    with db.session() as s:
        rep = s.scalars(select(Representative).where(Representative.kind == "人大代表",
                                                     Representative.level == "县")).first()
        payload = payload_for(rep, settings, ctx.station)
    assert payload == (f"{rep.id}|{rep.name}|{rep.phone}|东河县人大代表监督站|DHJD|县|县级人大代表|"
                       f"{rep.delegation.name}|")
    assert station_payload(settings, ctx.station).startswith("东河县人大代表监督站\n地址：东河县政务服务中心")


def test_a_bad_template_stops_the_export_before_any_file(db, ctx, tmp_path):
    fill_demo(ctx, with_duty=False)
    with ctx.write() as s:
        settings_service._store(s, settings_service.read(ctx).replace(qr_template="{name} {wechat}"))
    with pytest.raises(ValidationFailed) as caught:
        export_codes(ctx, tmp_path / "out")
    assert "{wechat}" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_default_vcard_codes_scan_back_exactly_and_the_poster_is_written(db, ctx, tmp_path):
    fill_demo(ctx, with_duty=False)
    settings = settings_service.read(ctx)
    with db.session() as s:
        reps = s.scalars(select(Representative).limit(3)).all()
        expected = {r.id: payload_for(r, settings, ctx.station) for r in reps}
    output = export_codes(ctx, tmp_path, [r.id for r in reps], poster=True, on_duty_keys=[reps[0].id])
    decoded = sorted(zxingcpp.read_barcodes(Image.open(p))[0].text for p in output.pngs)
    assert decoded == sorted(expected.values())
    assert all("BEGIN:VCARD" in text and "ORG:" in text for text in decoded)
    assert output.cards_pdf.exists() and output.poster_pdf.exists()


def test_demo_has_a_year_of_duty_visits_and_referrals_in_every_state(demo_db, demo_template):
    from station_app.db.models import DutyAssignment, Referral, Visit

    today = DEMO_DAY
    summary = demo_template[1]
    with demo_db.session() as s:
        visits = s.scalars(select(Visit)).all()
        referrals = s.scalars(select(Referral)).all()
        attendance = set(s.scalars(select(DutyAssignment.attendance)))
    assert summary.visits == len(visits) and 4000 < len(visits) < 7000
    assert min(v.visited_at for v in visits).date() >= today - dt.timedelta(days=366)
    assert {r.state for r in referrals} == {"待交办", "已交办", "已反馈", "已回访", "办结", "退回"}
    assert any(r.rounds > 1 for r in referrals)
    assert any(r.state in ("待交办", "已交办") and r.deadline < today for r in referrals)
    assert {"出勤", "缺勤", "请假", "替班", "待签到"} <= attendance


def test_demo_pays_its_past_months_and_leaves_this_month_in_draft(demo_ctx, demo_template):
    from station_app.services import subsidy

    summary = demo_template[1]
    months = dict(subsidy.months_with_batches(demo_ctx))
    assert months.pop(subsidy.Month(2026, 11)) == "草稿"
    assert set(months.values()) == {"已发放"} and len(months) == summary.subsidy_months >= 11
    running = subsidy.paid_since(demo_ctx, dt.date(2025, 1, 1))
    assert running.total == summary.subsidy_paid and running.total > 10000
    october = subsidy.batch(demo_ctx, "2026-10", today=DEMO_DAY)
    assert october.paid_on == dt.date(2026, 11, 5) and october.total == sum(line.amount for line in october.lines)
    assert october.meals and october.lunches >= october.breakfasts > 0


def test_demo_has_a_year_of_activities_and_suggestions_in_every_state(demo_ctx, demo_db, demo_template):
    from station_app.db.models import Activity, Suggestion, SuggestionRepresentative
    from station_app.services import suggestions

    summary = demo_template[1]
    with demo_db.session() as s:
        found = s.scalars(select(Suggestion)).all()
        activities = s.scalars(select(Activity)).all()
        made_by = {row.suggestion_id for row in s.scalars(select(SuggestionRepresentative))}
    assert summary.suggestions == len(found) and 60 < len(found) < 400
    assert summary.activities == len(activities) and {a.kind for a in activities} >= {"视察调研", "学习培训", "防汛巡查"}
    assert {x.state for x in found} == {"待研判", "已交付", "已报送", "已答复", "已评价"}
    assert {x.scope for x in found} == {"乡镇", "县级"}
    assert all(x.id in made_by for x in found)                      # each made by the visit's representatives
    county = [x for x in found if x.scope == "县级" and x.state != "已报送"]
    assert county and all(x.letter_on is not None for x in county)  # answered only after the 交办函
    assert all(x.opened_on <= (x.routed_on or x.opened_on) <= (x.answered_on or DEMO_DAY) for x in found)
    late = suggestions.overdue(demo_ctx, today=DEMO_DAY)
    assert late and all(row.overdue for row in late)


def test_demo_township_reviews_its_representatives_and_the_marks_weigh_in_its_stars(demo_ctx):
    from station_app.services import points

    township = next(s for s in points.stars(demo_ctx, "2026-10") if "城关镇" in s.station)
    marked = [row for row in points.marks(demo_ctx, "2026-10") if row.self_mark is not None]
    assert len(marked) >= 62 and all(row.peer_mark is not None for row in marked)
    assert len(township.stars) == 3 and all(star.score.review > 0 for star in township.stars)
    assert not [row for row in points.marks(demo_ctx, "2026-11") if row.self_mark is not None]  # this month: not yet
