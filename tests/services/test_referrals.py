from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from station_app.db.models import Referral, ReferralEvent
from station_app.services import reception, referrals
from station_app.services import settings as settings_service
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.reception import ReferralInput
from station_app.services.work_calendar import WorkCalendar
from station_app.vocab import DeadlineUnit
from tests.services.test_reception import NOW, visit


def refer(ctx, unit="县住房和城乡建设局", when=NOW, days=None):
    """A visit referred to ``unit``; ``days`` is a deadline in the station's unit for this one referral."""
    return reception.record_visit(ctx, visit(visited_at=when, outcome="交办",
                                            referral=ReferralInput(unit, "尽快修复", days)), now=when).referral_id


def count_deadlines_in(ctx, unit: str, count: int) -> None:
    """The station counts deadlines in ``unit`` (working days or months)."""
    settings_service.save(ctx, settings_service.read(ctx).replace(referral_deadline_unit=unit,
                                                                 referral_deadline_count=count))


def state(db, referral_id):
    with db.session() as s:
        return s.get(Referral, referral_id).state


def test_deadline_counts_working_days_across_the_spring_festival(db, ctx, reception_station):
    count_deadlines_in(ctx, DeadlineUnit.WORKING_DAYS, 30)
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
        referrals.return_referral(ctx, rid, " ", dt.date(2026, 3, 5))
    referrals.return_referral(ctx, rid, "不属于本单位职责，应由交通局办理", dt.date(2026, 3, 5))
    assert state(db, rid) == "退回"
    referrals.reassign(ctx, rid, "县交通运输局", dt.date(2026, 3, 6))
    detail = referrals.referral_detail(ctx, rid)
    assert (detail.summary.state, detail.summary.unit, detail.summary.number) == ("待交办", "县交通运输局", "东监交〔2026〕1号")
    assert "不属于本单位职责" in detail.events[1].note and "改派" == detail.events[2].action


def test_extension_needs_a_reason_and_a_later_date(db, ctx, reception_station):
    rid = refer(ctx)
    with db.session() as s:
        old = s.get(Referral, rid).deadline
    with pytest.raises(ValidationFailed):
        referrals.extend(ctx, rid, old + dt.timedelta(days=10), "", dt.date(2026, 3, 10))
    with pytest.raises(ValidationFailed):
        referrals.extend(ctx, rid, old, "需要招标", dt.date(2026, 3, 10))
    referrals.extend(ctx, rid, old + dt.timedelta(days=10), "需要招标", dt.date(2026, 3, 10))
    with db.session() as s:
        assert s.get(Referral, rid).deadline == old + dt.timedelta(days=10)


def test_overdue_and_due_soon_by_unit(db, ctx, reception_station):
    count_deadlines_in(ctx, DeadlineUnit.WORKING_DAYS, 30)
    late = refer(ctx, "县住房和城乡建设局", days=5)
    soon = refer(ctx, "县交通运输局", days=20)
    answered = refer(ctx, "县住房和城乡建设局", days=5)
    referrals.sign(ctx, answered, dt.date(2026, 3, 5), "刘科长")
    referrals.record_feedback(ctx, answered, "刘", dt.date(2026, 3, 9), "已办", True)
    with db.session() as s:
        deadline_soon = s.get(Referral, soon).deadline
    report = referrals.overdue_report(ctx, today=deadline_soon - dt.timedelta(days=1))
    assert [r.id for r in report.overdue] == [late]
    assert [r.id for r in report.due_soon] == [soon]
    assert report.by_unit() == {"县住房和城乡建设局": (1, 0), "县交通运输局": (0, 1)}


# --- Forms tell the truth ----------------------------------------------------------------------


def _pdf_pages(path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return ["".join(page.extract_text().split()) for page in pdf.pages]


def _loop_with_a_dissatisfied_citizen(ctx) -> str:
    """Referred on 2026-03-04; round 1 signed, answered and followed up (不满意); round 2 answered."""
    rid = refer(ctx)
    referrals.sign(ctx, rid, dt.date(2026, 3, 5), "刘科长")
    referrals.record_feedback(ctx, rid, "刘科长", dt.date(2026, 3, 20), "已安排施工队维修", solved=True)
    referrals.record_follow_up(ctx, rid, dt.date(2026, 3, 25), "赵站长", "电话", "只修好了一个", "不满意")
    referrals.record_feedback(ctx, rid, "王科员", dt.date(2026, 4, 10), "三个路灯全部修好", solved=True)
    return rid


def test_every_history_line_carries_the_date_the_step_happened_not_the_day_it_was_typed(
        db, ctx, reception_station, tmp_path):
    rid = _loop_with_a_dissatisfied_citizen(ctx)
    referrals.record_follow_up(ctx, rid, dt.date(2026, 4, 12), "赵站长", "上门", "都亮了", "满意")
    referrals.close(ctx, rid, dt.date(2026, 4, 13))
    detail = referrals.referral_detail(ctx, rid)
    assert [(e.action, e.at.date()) for e in detail.events] == [
        ("交办", dt.date(2026, 3, 4)), ("签收", dt.date(2026, 3, 5)), ("反馈", dt.date(2026, 3, 20)),
        ("回访", dt.date(2026, 3, 25)), ("重办", dt.date(2026, 3, 25)), ("反馈", dt.date(2026, 4, 10)),
        ("回访", dt.date(2026, 4, 12)), ("办结", dt.date(2026, 4, 13))]
    referrals.forms_for(ctx, [rid], tmp_path / "三单.pdf")
    pages = _pdf_pages(tmp_path / "三单.pdf")
    round_two = pages[3]  # round 2's 交办单 lists the whole history, in one date style
    for line in ("2026年3月4日交办", "2026年3月5日签收", "2026年3月20日反馈", "2026年3月25日回访", "2026年3月25日重办",
                 "2026年4月10日反馈", "2026年4月12日回访", "2026年4月13日办结"):
        assert line in round_two
    typed_today = "".join(referrals.history_line(dt.date.today(), "", "").split())
    assert typed_today not in "".join(pages) and "年03月" not in "".join(pages)


def test_a_step_is_never_dated_before_the_step_it_follows_nor_after_today(db, ctx, reception_station):
    rid = refer(ctx)
    referrals.sign(ctx, rid, dt.date(2026, 3, 5), "刘科长")
    with pytest.raises(ValidationFailed) as caught:
        referrals.record_feedback(ctx, rid, "刘科长", dt.date(2026, 3, 4), "已修", solved=True)
    assert "不能早于上一步（2026年3月5日签收）" in caught.value.errors["replied_on"]
    with pytest.raises(ValidationFailed) as caught:
        referrals.record_feedback(ctx, rid, "刘科长", dt.date.today() + dt.timedelta(days=1), "已修", solved=True)
    assert "还没有到" in caught.value.errors["replied_on"]
    assert state(db, rid) == "已交办"


def test_round_one_forms_stay_printable_after_round_two_starts(db, ctx, reception_station, tmp_path):
    rid = _loop_with_a_dissatisfied_citizen(ctx)
    assert referrals.forms_for(ctx, [rid], tmp_path / "全部.pdf") == 6  # two rounds, three forms each
    issue_1, feedback_1, follow_1, issue_2, feedback_2, follow_2 = _pdf_pages(tmp_path / "全部.pdf")
    # Round 1: its 交办日期 and its own deadline (4 April falls in 清明, so 7 April), its feedback and follow-up.
    assert "交办日期2026年3月4日办结时限2026年4月7日" in issue_1 and "第1次交办" not in issue_1
    assert "已安排施工队维修" in feedback_1 and "答复日期2026年3月20日" in feedback_1
    assert "只修好了一个" in follow_1 and "回访时间2026年3月25日" in follow_1 and "三个路灯" not in follow_1
    # Round 2: handed over again on the day of the follow-up, one month on (25 April is a Saturday).
    assert "第2次交办" in issue_2 and "交办日期2026年3月25日办结时限2026年4月27日" in issue_2
    assert "三个路灯全部修好" in feedback_2 and "已安排施工队维修" not in feedback_2 and "第2次交办" in feedback_2
    assert "只修好了一个" not in follow_2
    assert referrals.forms_for(ctx, [rid], tmp_path / "第一次.pdf", round_number=1) == 3
    assert "已安排施工队维修" in _pdf_pages(tmp_path / "第一次.pdf")[1]
    with pytest.raises(StationError, match="只交办过 2 次"):
        referrals.forms_for(ctx, [rid], tmp_path / "第三次.pdf", round_number=3)
    detail = referrals.referral_detail(ctx, rid)
    assert [(r.round, r.issued_on, r.deadline) for r in detail.rounds] == [
        (1, dt.date(2026, 3, 4), dt.date(2026, 4, 7)), (2, dt.date(2026, 3, 25), dt.date(2026, 4, 27))]
    assert [f.round for f in detail.feedback] == [1, 2] and [f.round for f in detail.follow_ups] == [1]


def test_the_sign_box_shows_who_signed_and_when(db, ctx, reception_station, tmp_path):
    rid = refer(ctx)
    referrals.forms_for(ctx, [rid], tmp_path / "未签收.pdf", forms=["交办单"])
    assert "承办单位签收人（签字）：签收年月日注：" in _pdf_pages(tmp_path / "未签收.pdf")[0]  # to sign by hand
    with pytest.raises(ValidationFailed) as caught:
        referrals.sign(ctx, rid, dt.date(2026, 3, 5), " ")
    assert "by" in caught.value.errors
    referrals.sign(ctx, rid, dt.date(2026, 3, 5), "刘科长")
    referrals.forms_for(ctx, [rid], tmp_path / "已签收.pdf", forms=["交办单"])
    # the 签收 row: who signed on the signature line, and the date under it
    assert "承办单位签收人（签字）：刘科长签收2026年3月5日注：" in _pdf_pages(tmp_path / "已签收.pdf")[0]


def test_a_returned_referral_cannot_go_back_to_the_unit_that_returned_it(db, ctx, reception_station):
    rid = refer(ctx, "县住房和城乡建设局")
    referrals.return_referral(ctx, rid, "应由交通局办理", dt.date(2026, 3, 5))
    with pytest.raises(ValidationFailed) as caught:
        referrals.reassign(ctx, rid, " 县住房和城乡建设局 ", dt.date(2026, 3, 6))
    assert caught.value.errors["unit"] == "县住房和城乡建设局 已退回这张交办单，不能再改派给它，请选择其他承办单位"
    assert state(db, rid) == "退回"
    referrals.reassign(ctx, rid, "县交通运输局", dt.date(2026, 3, 6))
    detail = referrals.referral_detail(ctx, rid)
    assert (detail.summary.unit, detail.summary.issued_on, detail.summary.deadline) == (
        "县交通运输局", dt.date(2026, 3, 6), dt.date(2026, 4, 7))
    assert detail.events[-1].at.date() == dt.date(2026, 3, 6) and detail.rounds[0].unit == "县交通运输局"


# --- Deadlines as stations set them -------------------------------------------------------------


def test_the_default_deadline_is_one_month_as_the_seeds_say(db, ctx, reception_station):
    rule = settings_service.read(ctx).deadline_rule
    assert (rule.count, rule.unit) == (1, DeadlineUnit.MONTHS)
    rid = refer(ctx, when=dt.datetime(2026, 3, 31, 9, 0))
    with db.session() as s:
        assert s.get(Referral, rid).deadline == dt.date(2026, 4, 30)
    assert "期限 1 个月，至 2026年4月30日" in referrals.referral_detail(ctx, rid).events[0].note


@pytest.mark.parametrize("issued, expected", [
    (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),   # no 31 February: the month's end (a make-up Saturday, worked)
    (dt.date(2026, 3, 4), dt.date(2026, 4, 7)),     # 4 April is in 清明: the next working day
    (dt.date(2026, 9, 1), dt.date(2026, 10, 8)),    # 1 October is 国庆: after the holiday
    (dt.date(2026, 12, 31), dt.date(2027, 2, 1)),    # into the next year; 31 January 2027 is a Sunday
])
def test_a_deadline_in_months_ends_on_the_same_day_months_on_past_the_month_end_and_holidays(
        db, ctx, reception_station, issued, expected):
    with db.session() as s:
        work = WorkCalendar.load(s)
    assert referrals.deadline_after(work, issued, settings_service.DeadlineRule(1, DeadlineUnit.MONTHS)) == expected


def test_a_station_counting_working_days_gets_them_across_a_month_end_and_a_holiday(db, ctx, reception_station):
    count_deadlines_in(ctx, DeadlineUnit.WORKING_DAYS, 5)
    rid = refer(ctx, when=dt.datetime(2026, 9, 28, 9, 0))
    with db.session() as s:
        # 9/29, 9/30, then 国庆 10/1–10/7, then 10/8, 10/9 and the make-up Saturday 10/10
        assert s.get(Referral, rid).deadline == dt.date(2026, 10, 10)
    count_deadlines_in(ctx, DeadlineUnit.MONTHS, 2)
    rid = refer(ctx, when=dt.datetime(2026, 9, 28, 9, 0))
    with db.session() as s:
        assert s.get(Referral, rid).deadline == dt.date(2026, 11, 30)  # 28 November is a Saturday
    with pytest.raises(ValidationFailed) as caught:
        count_deadlines_in(ctx, DeadlineUnit.MONTHS, 13)
    assert "1 到 12个月" in caught.value.errors["referral_deadline_count"]


@pytest.mark.parametrize("typed", ["东监交〔2026〕12号", "东监交[2026]12号", "东监交（2026）12号", "东监交(2026)12号",
                                   "东监交 〔2026〕 12 号", "东监交［2026］１２", "东监交【2026】12", " 东监交[2026] 12 ",
                                   "12", "１２"])
def test_a_referral_number_is_found_however_it_was_typed(db, ctx, reception_station, typed):
    ids = [refer(ctx) for _ in range(12)]
    found = referrals.referral_detail(ctx, typed, today=dt.date(2026, 6, 1)).summary
    assert (found.id, found.number) == (ids[11], "东监交〔2026〕12号")
    assert [r.id for r in referrals.list_referrals(ctx, text=typed, today=dt.date(2026, 6, 1))] == [ids[11]]
    if not typed.strip().isdigit():  # the moves find it too (a plain number needs this year to be 2026)
        referrals.sign(ctx, typed, dt.date(2026, 3, 5), "刘科长")
        assert state(db, ids[11]) == "已交办"
    with pytest.raises(NotFound):
        referrals.referral_detail(ctx, "12", today=dt.date(2027, 6, 1))  # a plain number is this year's
    assert referrals.referral_detail(ctx, "1", today=dt.date(2026, 6, 1)).summary.id == ids[0]


# --- The ledger ----------------------------------------------------------------------------------


def test_the_ledger_has_each_referral_with_every_round_its_days_and_whether_it_was_late(
        db, ctx, reception_station, tmp_path):
    from openpyxl import load_workbook

    rehandled = _loop_with_a_dissatisfied_citizen(ctx)  # round 2 answered on 4/10, within its deadline 4/27
    referrals.record_follow_up(ctx, rehandled, dt.date(2026, 4, 12), "赵站长", "上门", "都亮了", "满意")
    referrals.close(ctx, rehandled, dt.date(2026, 4, 13))
    refer(ctx, "县交通运输局")  # deadline 4/7, still owed
    voided = refer(ctx)
    referrals.void_referral(ctx, voided, "重复登记")
    assert referrals.export_ledger(ctx, tmp_path / "台账.xlsx", today=dt.date(2026, 5, 4)) == 2
    book = load_workbook(tmp_path / "台账.xlsx")
    sheet = book["交办台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "东河县人大代表监督站交办台账"
    header = rows[1]
    assert sheet.freeze_panes == "A3" and sheet.column_dimensions["A"].width >= 20
    assert header[:5] == ("交办单编号", "交办日期", "承办单位", "办结时限", "状态")
    assert {"第1次答复日期", "第1次办理情况", "第1次满意度", "第2次交办日期", "第2次办结时限", "第2次办理情况",
            "满意度", "用时（天）", "是否超期"} <= set(header)
    cells = {row[0]: dict(zip(header, row)) for row in rows[2:]}
    assert set(cells) == {"东监交〔2026〕1号", "东监交〔2026〕2号"}
    done, owed = cells["东监交〔2026〕1号"], cells["东监交〔2026〕2号"]
    assert (done["交办日期"].date(), done["状态"], done["交办次数"]) == (dt.date(2026, 3, 4), "办结", 2)
    assert (done["第1次答复日期"].date(), done["第1次办理结果"], done["第1次办理情况"]) == (
        dt.date(2026, 3, 20), "已解决", "已安排施工队维修")
    assert (done["第1次满意度"], done["第1次群众意见"]) == ("不满意", "只修好了一个")
    assert (done["第2次交办日期"].date(), done["第2次办结时限"].date(), done["第2次办理情况"]) == (
        dt.date(2026, 3, 25), dt.date(2026, 4, 27), "三个路灯全部修好")
    assert (done["满意度"], done["办结日期"].date(), done["用时（天）"], done["是否超期"]) == ("满意", dt.date(2026, 4, 13), 40, "否")
    assert (owed["状态"], owed["办结时限"].date(), owed["用时（天）"], owed["是否超期"]) == ("待交办", dt.date(2026, 4, 7), 61, "是")
    assert owed["第2次交办日期"] is None and owed["满意度"] in (None, "")


def test_after_a_satisfied_follow_up_the_clerk_is_offered_closing_not_re_handling(db, ctx, reception_station):
    rid = refer(ctx)
    referrals.sign(ctx, rid, dt.date(2026, 3, 5), "刘科长")
    referrals.record_feedback(ctx, rid, "刘科长", dt.date(2026, 3, 20), "已修复", solved=True)
    referrals.record_follow_up(ctx, rid, dt.date(2026, 3, 25), "站长", "电话", "好了", "满意")
    assert referrals.referral_detail(ctx, rid).actions == ("办结",)  # 重办 comes of a 不满意 follow-up only


def test_the_ledger_names_who_signed_for_a_re_handled_referral(db, ctx, reception_station, tmp_path):
    from openpyxl import load_workbook

    _loop_with_a_dissatisfied_citizen(ctx)  # signed in round 1 by 刘科长; round 2 goes back without signing
    referrals.export_ledger(ctx, tmp_path / "台账.xlsx", today=dt.date(2026, 5, 4))
    rows = list(load_workbook(tmp_path / "台账.xlsx")["交办台账"].iter_rows(values_only=True))
    row = dict(zip(rows[1], rows[2]))
    assert (row["签收日期"].date(), row["签收人"]) == (dt.date(2026, 3, 5), "刘科长")


@pytest.mark.parametrize("written_in, read_in", [("zh", "en"), ("en", "zh")])
def test_the_history_the_program_wrote_is_read_in_the_readers_language(ctx, reception_station, written_in, read_in):
    from station_app.i18n import set_language

    set_language(written_in)
    referral_id = refer(ctx)
    referrals.sign(ctx, referral_id, dt.date(2026, 3, 5), "刘科长")
    referrals.record_feedback(ctx, referral_id, "刘科长", dt.date(2026, 3, 20), "已修复", True)
    referrals.record_follow_up(ctx, referral_id, dt.date(2026, 3, 23), "站长", "电话", "好了", "不满意")
    set_language(read_in)
    notes = [event.note for event in referrals.referral_detail(ctx, referral_id).events]
    expected = {
        "en": ["县住房和城乡建设局, deadline 1 month(s), until 4/7/2026", "Signed for: 县住房和城乡建设局 刘科长",
               "Solved", "Follow-up (Phone): Not satisfied",
               "Citizen not satisfied, referred again (round 2), deadline 1 month(s), until 4/23/2026"],
        "zh": ["县住房和城乡建设局，期限 1 个月，至 2026年4月7日", "县住房和城乡建设局 刘科长 签收", "已解决",
               "电话回访，不满意", "群众不满意，第 2 次交办，期限 1 个月，至 2026年4月23日"],
    }[read_in]
    assert notes == expected
    set_language("zh")
