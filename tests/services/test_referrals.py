from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from station_app.db.models import Referral, ReferralEvent
from station_app.services import reception, referrals
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.reception import ReferralInput
from station_app.services.work_calendar import WorkCalendar
from tests.services.test_reception import NOW, visit


def refer(ctx, unit="县住房和城乡建设局", when=NOW, days=None):
    return reception.record_visit(ctx, visit(visited_at=when, outcome="交办",
                                            referral=ReferralInput(unit, "尽快修复", days)), now=when).referral_id


def state(db, referral_id):
    with db.session() as s:
        return s.get(Referral, referral_id).state


def test_deadline_counts_working_days_across_the_spring_festival(db, ctx, reception_station):
    referral_id = refer(ctx, when=dt.datetime(2026, 2, 11, 10, 0), days=5)
    with db.session() as s:
        deadline = s.get(Referral, referral_id).deadline
    # 2/12, 2/13, 2/14 (make-up Saturday), then the festival 2/15–2/23, then 2/24, 2/25
    assert deadline == dt.date(2026, 2, 25)
    with db.session() as s:
        work = WorkCalendar.load(s)
    assert work.add_working_days(dt.date(2026, 3, 6), 1) == dt.date(2026, 3, 9)


def test_the_whole_loop_with_a_dissatisfied_citizen_and_re_handling(db, ctx, reception_station):
    rid = refer(ctx)
    referrals.sign(ctx, rid, dt.date(2026, 3, 5), "刘科长")
    referrals.record_feedback(ctx, rid, "刘科长", dt.date(2026, 3, 20), "已安排施工队维修", solved=True)
    referrals.record_follow_up(ctx, rid, dt.date(2026, 3, 25), "站长", "电话", "只修好了一个", "不满意")
    with db.session() as s:
        referral = s.get(Referral, rid)
        assert (referral.state, referral.rounds) == ("已交办", 2)
        assert referral.deadline > dt.date(2026, 3, 25)
    referrals.record_feedback(ctx, rid, "刘科长", dt.date(2026, 4, 10), "三个路灯全部修好", solved=True)
    referrals.record_follow_up(ctx, rid, dt.date(2026, 4, 12), "站长", "上门", "都亮了", "满意")
    referrals.close(ctx, rid, dt.date(2026, 4, 12))
    detail = referrals.referral_detail(ctx, rid)
    assert detail.summary.state == "办结" and detail.actions == ()
    assert [e.action for e in detail.events] == ["交办", "签收", "反馈", "回访", "重办", "反馈", "回访", "办结"]
    assert [f.satisfaction for f in detail.follow_ups] == ["不满意", "满意"]
    assert len(detail.feedback) == 2


def test_only_allowed_moves_are_possible(db, ctx, reception_station):
    rid = refer(ctx)
    with pytest.raises(StationError, match="当前为“待交办”，不能反馈"):
        referrals.record_feedback(ctx, rid, "刘", dt.date(2026, 3, 5), "已办", True)
    with pytest.raises(StationError, match="不能办结"):
        referrals.close(ctx, rid, dt.date(2026, 3, 5))
    with pytest.raises(ValidationFailed):
        referrals.record_follow_up(ctx, rid, dt.date(2026, 3, 5), "站长", "电话", "", "还行")
    assert state(db, rid) == "待交办"
    with db.session() as s:
        events = s.scalars(select(ReferralEvent.action).where(ReferralEvent.referral_id == rid)).all()
    assert events == ["交办"]


def test_a_unit_returns_it_and_it_is_reassigned_with_its_number_kept(db, ctx, reception_station):
    rid = refer(ctx)
    with pytest.raises(ValidationFailed):
        referrals.return_referral(ctx, rid, " ")
    referrals.return_referral(ctx, rid, "不属于本单位职责，应由交通局办理")
    assert state(db, rid) == "退回"
    referrals.reassign(ctx, rid, "县交通运输局", today=dt.date(2026, 3, 6))
    detail = referrals.referral_detail(ctx, rid)
    assert (detail.summary.state, detail.summary.unit, detail.summary.number) == ("待交办", "县交通运输局", "东监交〔2026〕1号")
    assert "不属于本单位职责" in detail.events[1].note and "改派" == detail.events[2].action


def test_extension_needs_a_reason_and_a_later_date(db, ctx, reception_station):
    rid = refer(ctx)
    with db.session() as s:
        old = s.get(Referral, rid).deadline
    with pytest.raises(ValidationFailed):
        referrals.extend(ctx, rid, old + dt.timedelta(days=10), "")
    with pytest.raises(ValidationFailed):
        referrals.extend(ctx, rid, old, "需要招标")
    referrals.extend(ctx, rid, old + dt.timedelta(days=10), "需要招标")
    with db.session() as s:
        assert s.get(Referral, rid).deadline == old + dt.timedelta(days=10)


def test_overdue_and_due_soon_by_unit(db, ctx, reception_station):
    late = refer(ctx, "县住房和城乡建设局", days=5)
    soon = refer(ctx, "县交通运输局", days=20)
    answered = refer(ctx, "县住房和城乡建设局", days=5)
    referrals.sign(ctx, answered, dt.date(2026, 3, 5))
    referrals.record_feedback(ctx, answered, "刘", dt.date(2026, 3, 9), "已办", True)
    with db.session() as s:
        deadline_soon = s.get(Referral, soon).deadline
    report = referrals.overdue_report(ctx, today=deadline_soon - dt.timedelta(days=1))
    assert [r.id for r in report.overdue] == [late]
    assert [r.id for r in report.due_soon] == [soon]
    assert report.by_unit() == {"县住房和城乡建设局": (1, 0), "县交通运输局": (0, 1)}
