from __future__ import annotations

import datetime as dt

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from station_app.db.models import Suggestion, SuggestionEvent, SuggestionRepresentative
from station_app.services import performance, reception, suggestions
from station_app.services.errors import StationError, ValidationFailed
from station_app.vocab import Outcome, Satisfaction, SuggestionScope, SuggestionState, SuggestionStep
from tests.services.test_reception import visit

OPENED = dt.date(2026, 3, 4)


def open_one(ctx, reps, *, opened_on=OPENED, scope=SuggestionScope.TOWNSHIP, title="修建村口便民桥",
             today=None) -> str:
    return suggestions.open_suggestion(ctx, opened_on=opened_on, title=title, content="村口小河没有桥，群众出行不便",
                                       rep_ids=[reps["张三"]], scope=scope, today=today or opened_on)


def late(ctx, today):
    """The numbers overdue on ``today``, with the step and the days."""
    return [(r.number, r.next_step, r.days_late) for r in suggestions.overdue(ctx, today)]


@pytest.mark.parametrize("opened_on, due", [
    (dt.date(2026, 11, 6), dt.date(2026, 11, 11)),  # Friday: Mon, Tue, Wed are the three working days
    (dt.date(2026, 4, 3), dt.date(2026, 4, 9)),  # Friday before 清明 (4/4–4/6 off): Tue, Wed, Thu
    (dt.date(2026, 10, 7), dt.date(2026, 10, 10)),  # the last day of 国庆: Thu, Fri, and the 调休 Saturday
])
def test_a_suggestion_routed_to_the_county_is_overdue_after_3_working_days_unreported(ctx, reception_station,
                                                                                     opened_on, due):
    sid = open_one(ctx, reception_station, opened_on=opened_on, scope=SuggestionScope.COUNTY)
    (report, *_rest) = suggestions.deadlines(ctx, sid, today=opened_on)
    assert (report.step, report.due) == (SuggestionStep.REPORT, due)
    day = opened_on
    while day <= due:  # not before the 4th working day, whatever lies between
        assert late(ctx, day) == [], day
        day += dt.timedelta(days=1)
    fourth = due + dt.timedelta(days=1)
    assert late(ctx, fourth) == [("东监建〔%d〕1号" % opened_on.year, SuggestionStep.REPORT, 1)]
    # reported late, it is no longer overdue; the record says by how much it was late
    suggestions.route(ctx, sid, SuggestionScope.COUNTY, "县人大常委会选联工委", fourth, today=fourth)
    assert late(ctx, fourth) == []
    assert suggestions.deadlines(ctx, sid, today=fourth)[0].days_late == 1


def test_a_township_suggestion_is_overdue_after_7_days_not_handed_over(ctx, reception_station):
    sid = open_one(ctx, reception_station)  # Wednesday 3/4
    assert late(ctx, dt.date(2026, 3, 11)) == []
    assert late(ctx, dt.date(2026, 3, 12)) == [("东监建〔2026〕1号", SuggestionStep.HAND_OVER, 1)]
    assert late(ctx, dt.date(2026, 3, 20)) == [("东监建〔2026〕1号", SuggestionStep.HAND_OVER, 9)]
    suggestions.route(ctx, sid, SuggestionScope.TOWNSHIP, "城关镇人民政府", dt.date(2026, 3, 10), today=dt.date(2026, 3, 20))
    rows = suggestions.deadlines(ctx, sid, today=dt.date(2026, 3, 20))
    assert [(r.step, r.due, r.done_on, r.days_late) for r in rows] == [
        (SuggestionStep.HAND_OVER, dt.date(2026, 3, 11), dt.date(2026, 3, 10), 0),
        (SuggestionStep.ANSWER, dt.date(2026, 4, 10), None, 0)]  # a month after the handover
    assert late(ctx, dt.date(2026, 4, 13)) == [("东监建〔2026〕1号", SuggestionStep.ANSWER, 3)]


def test_the_county_steps_letter_and_answer_deadlines(ctx, reception_station):
    sid = open_one(ctx, reception_station, scope=SuggestionScope.COUNTY)
    suggestions.route(ctx, sid, SuggestionScope.COUNTY, "县交通运输局", dt.date(2026, 3, 6), today=dt.date(2026, 3, 6))
    assert late(ctx, dt.date(2026, 3, 13)) == []
    assert late(ctx, dt.date(2026, 3, 14)) == [("东监建〔2026〕1号", SuggestionStep.LETTER, 1)]
    suggestions.send_letter(ctx, sid, dt.date(2026, 3, 9), today=dt.date(2026, 3, 14))
    answer_row = suggestions.deadlines(ctx, sid, today=dt.date(2026, 3, 14))[-1]
    assert (answer_row.step, answer_row.due) == (SuggestionStep.ANSWER, dt.date(2026, 4, 9))
    assert late(ctx, dt.date(2026, 4, 10)) == [("东监建〔2026〕1号", SuggestionStep.ANSWER, 1)]


def test_a_visit_turned_into_a_suggestion_opens_one_with_its_representatives(db, ctx, reception_station):
    reps = [reception_station["张三"], reception_station["李四"]]
    saved = reception.record_visit(ctx, visit(outcome=Outcome.SUGGESTION, representative_ids=reps,
                                              content="建议在东街村口修一座便民桥\n雨季孩子上学要绕行三公里"),
                                   now=dt.datetime(2026, 3, 4, 9, 30))
    assert saved.suggestion_number == "东监建〔2026〕1号" and saved.referral_id is None
    with db.session() as s:
        row = s.get(Suggestion, saved.suggestion_id)
        assert (row.visit_id, row.opened_on, row.state, row.recorded_by) == (
            saved.visit_id, dt.date(2026, 3, 4), SuggestionState.PENDING, "测试员")
        assert row.title == "建议在东街村口修一座便民桥" and "绕行三公里" in row.content
        assert sorted(s.scalars(select(SuggestionRepresentative.representative_id).where(
            SuggestionRepresentative.suggestion_id == row.id))) == sorted(reps)
    # and the representatives' tally counts it
    tally = performance.tally(ctx, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [tally[r].suggestions_made for r in reps] == [1, 1]


def test_a_visit_turned_into_a_suggestion_needs_its_representatives(db, ctx, reception_station):
    with pytest.raises(ValidationFailed) as failed:
        reception.record_visit(ctx, visit(outcome=Outcome.SUGGESTION), now=dt.datetime(2026, 3, 4, 9, 30))
    assert "representatives" in failed.value.errors
    with db.session() as s:
        assert s.scalars(select(Suggestion)).all() == []


def test_voiding_the_visit_voids_its_pending_suggestion_but_not_a_routed_one(db, ctx, reception_station):
    reps = [reception_station["张三"]]
    first = reception.record_visit(ctx, visit(outcome=Outcome.SUGGESTION, representative_ids=reps),
                                   now=dt.datetime(2026, 3, 4, 9, 30))
    reception.void_visit(ctx, first.visit_id, "录错了")
    with db.session() as s:
        row = s.get(Suggestion, first.suggestion_id)
        assert row.is_voided and "2026年3月4日 王大妈 的接待登记" in row.void_reason and "录错了" in row.void_reason
        assert s.scalars(select(SuggestionEvent.step).where(SuggestionEvent.suggestion_id == row.id).order_by(
            SuggestionEvent.created_at)).all() == [SuggestionStep.OPEN, SuggestionStep.VOID]
    second = reception.record_visit(ctx, visit(outcome=Outcome.SUGGESTION, representative_ids=reps),
                                    now=dt.datetime(2026, 3, 5, 9, 30))
    assert second.suggestion_number == "东监建〔2026〕2号"  # the voided number is not given again
    suggestions.route(ctx, second.suggestion_id, SuggestionScope.TOWNSHIP, "城关镇人民政府", dt.date(2026, 3, 6),
                      today=dt.date(2026, 3, 6))
    with pytest.raises(StationError, match="已在办理中"):
        reception.void_visit(ctx, second.visit_id, "录错了")
    with db.session() as s:
        assert not s.get(Suggestion, second.suggestion_id).is_voided
        assert s.get(reception.Visit, second.visit_id).voided_at is None


def test_steps_out_of_order_or_dated_before_the_last_are_refused(db, ctx, reception_station):
    sid = open_one(ctx, reception_station)
    today = dt.date(2026, 6, 1)
    with pytest.raises(StationError, match="不能答复"):
        suggestions.answer(ctx, sid, dt.date(2026, 3, 10), "已答复", today=today)
    with pytest.raises(StationError, match="不能发交办函"):
        suggestions.send_letter(ctx, sid, dt.date(2026, 3, 10), today=today)
    with pytest.raises(ValidationFailed) as before_opened:
        suggestions.route(ctx, sid, SuggestionScope.TOWNSHIP, "城关镇人民政府", dt.date(2026, 3, 3), today=today)
    assert "routed_on" in before_opened.value.errors
    with pytest.raises(ValidationFailed, match="还没有到"):
        suggestions.route(ctx, sid, SuggestionScope.TOWNSHIP, "城关镇人民政府", dt.date(2026, 6, 2), today=today)
    suggestions.route(ctx, sid, SuggestionScope.TOWNSHIP, "城关镇人民政府", dt.date(2026, 3, 9), today=today)
    with pytest.raises(StationError, match="不能发交办函"):  # a township matter has no 交办函 step
        suggestions.send_letter(ctx, sid, dt.date(2026, 3, 10), today=today)
    with pytest.raises(ValidationFailed) as early:
        suggestions.answer(ctx, sid, dt.date(2026, 3, 8), "已列入计划", today=today)
    assert "answered_on" in early.value.errors
    with pytest.raises(StationError, match="不能评价"):
        suggestions.rate(ctx, sid, dt.date(2026, 4, 1), Satisfaction.SATISFIED, today=today)
    with db.session() as s:
        row = s.get(Suggestion, sid)
        assert (row.state, row.answered_on) == (SuggestionState.HANDED_OVER, None)


def test_a_county_suggestion_is_not_answered_before_its_letter(ctx, reception_station):
    sid = open_one(ctx, reception_station, scope=SuggestionScope.COUNTY)
    today = dt.date(2026, 6, 1)
    suggestions.route(ctx, sid, SuggestionScope.COUNTY, "县交通运输局", dt.date(2026, 3, 6), today=today)
    assert suggestions.suggestion_detail(ctx, sid, today).steps == (SuggestionStep.LETTER,)
    with pytest.raises(StationError, match="不能答复"):
        suggestions.answer(ctx, sid, dt.date(2026, 3, 20), "已答复", today=today)


def test_each_step_stores_the_day_typed_and_writes_its_history(db, ctx, reception_station):
    sid = open_one(ctx, reception_station, scope=SuggestionScope.COUNTY)
    today = dt.date(2026, 12, 1)  # long after: the days stored are the ones typed, not today's
    suggestions.route(ctx, sid, SuggestionScope.COUNTY, "县交通运输局", dt.date(2026, 3, 6), today=today)
    suggestions.send_letter(ctx, sid, dt.date(2026, 3, 9), today=today)
    suggestions.answer(ctx, sid, dt.date(2026, 4, 2), "已列入明年计划", today=today)
    suggestions.rate(ctx, sid, dt.date(2026, 4, 8), Satisfaction.FAIRLY, today=today)
    with db.session() as s:
        row = s.get(Suggestion, sid)
        assert (row.routed_on, row.letter_on, row.answered_on, row.rated_on) == (
            dt.date(2026, 3, 6), dt.date(2026, 3, 9), dt.date(2026, 4, 2), dt.date(2026, 4, 8))
        assert (row.state, row.unit_name, row.answer, row.rating) == (
            SuggestionState.RATED, "县交通运输局", "已列入明年计划", "基本满意")
    detail = suggestions.suggestion_detail(ctx, sid, today)
    assert [(e.day, e.step, e.to_state, e.by_whom) for e in detail.events] == [
        (dt.date(2026, 3, 4), SuggestionStep.OPEN, SuggestionState.PENDING, "测试员"),
        (dt.date(2026, 3, 6), SuggestionStep.REPORT, SuggestionState.REPORTED, "测试员"),
        (dt.date(2026, 3, 9), SuggestionStep.LETTER, SuggestionState.REPORTED, "测试员"),
        (dt.date(2026, 4, 2), SuggestionStep.ANSWER, SuggestionState.ANSWERED, "测试员"),
        (dt.date(2026, 4, 8), SuggestionStep.RATE, SuggestionState.RATED, "测试员")]
    assert detail.steps == () and detail.row.next_step is None and not detail.row.overdue
    assert suggestions.history_line(detail.events[-1].day, detail.events[-1].step, detail.events[-1].note) == \
        "2026年4月8日 评价 基本满意"
    # the tally counts it answered
    tally = performance.tally(ctx, dt.date(2026, 1, 1), dt.date(2026, 12, 31))[reception_station["张三"]]
    assert (tally.suggestions_made, tally.suggestions_answered) == (1, 1)


def test_numbers_run_per_year_and_a_void_keeps_its_number(db, ctx, reception_station):
    first = open_one(ctx, reception_station)
    suggestions.void(ctx, first, "重复登记")
    second = open_one(ctx, reception_station)
    third = open_one(ctx, reception_station, opened_on=dt.date(2027, 1, 4))
    with db.session() as s:
        assert [s.get(Suggestion, i).number for i in (first, second, third)] == [
            "东监建〔2026〕1号", "东监建〔2026〕2号", "东监建〔2027〕1号"]
    assert [r.id for r in suggestions.list_suggestions(ctx, today=dt.date(2027, 1, 5))] == [third, second]
    with pytest.raises(StationError, match="已作废"):
        suggestions.route(ctx, first, SuggestionScope.TOWNSHIP, "城关镇人民政府", OPENED, today=OPENED)


def test_the_list_filters_by_state_scope_text_and_dates(ctx, reception_station):
    a = open_one(ctx, reception_station, title="修建村口便民桥")
    b = open_one(ctx, reception_station, title="增设公交站点", scope=SuggestionScope.COUNTY,
                 opened_on=dt.date(2026, 5, 6))
    suggestions.route(ctx, b, SuggestionScope.COUNTY, "县交通运输局", dt.date(2026, 5, 7), today=dt.date(2026, 5, 7))
    listed = lambda **f: [r.id for r in suggestions.list_suggestions(ctx, today=dt.date(2026, 6, 1), **f)]  # noqa: E731
    assert listed() == [b, a]
    assert listed(state=SuggestionState.REPORTED) == [b]
    assert listed(scope=SuggestionScope.TOWNSHIP) == [a]
    assert listed(text="公交") == [b] and listed(text="交通运输局") == [b] and listed(text="张三") == [b, a]
    assert listed(start=dt.date(2026, 4, 1)) == [b] and listed(end=dt.date(2026, 4, 1)) == [a]


def test_the_ledger_has_a_row_per_suggestion_with_each_step(tmp_path, ctx, reception_station):
    sid = open_one(ctx, reception_station, scope=SuggestionScope.COUNTY)
    today = dt.date(2026, 12, 1)
    suggestions.route(ctx, sid, SuggestionScope.COUNTY, "县交通运输局", dt.date(2026, 3, 6), today=today)
    suggestions.send_letter(ctx, sid, dt.date(2026, 3, 9), today=today)
    suggestions.answer(ctx, sid, dt.date(2026, 4, 2), "已列入明年计划", today=today)
    suggestions.rate(ctx, sid, dt.date(2026, 4, 8), Satisfaction.SATISFIED, today=today)
    open_one(ctx, reception_station, title="增设垃圾桶", opened_on=dt.date(2026, 11, 2))
    path = tmp_path / "台账.xlsx"
    assert suggestions.export_ledger(ctx, path, today=today) == 2
    sheet = load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "建议编号"))
    heads = rows[header]
    first = dict(zip(heads, rows[header + 1]))
    assert first["建议编号"] == "东监建〔2026〕1号" and first["提出代表"] == "张三"
    assert first["提出日期"].date() == dt.date(2026, 3, 4) and first["交付/报送日期"].date() == dt.date(2026, 3, 6)
    assert first["交办函日期"].date() == dt.date(2026, 3, 9) and first["答复日期"].date() == dt.date(2026, 4, 2)
    assert first["评价日期"].date() == dt.date(2026, 4, 8) and first["代表评价"] == "满意"
    assert (first["办理层级"], first["承办单位"], first["状态"]) == ("县级", "县交通运输局", "已评价")
    second = dict(zip(heads, rows[header + 2]))
    assert second["建议标题"] == "增设垃圾桶" and second["状态"] == "待研判"
    assert second["超期情况"] == "交付超期22天"


def test_the_letter_prints_the_suggestion_the_unit_and_the_deadline(tmp_path, ctx, reception_station):
    sid = open_one(ctx, reception_station, scope=SuggestionScope.COUNTY)
    with pytest.raises(StationError, match="不能打印交办函"):
        suggestions.print_letter(ctx, sid, tmp_path / "early.pdf")
    today = dt.date(2026, 12, 1)
    suggestions.route(ctx, sid, SuggestionScope.COUNTY, "县交通运输局", dt.date(2026, 3, 6), today=today)
    suggestions.send_letter(ctx, sid, dt.date(2026, 3, 9), today=today)
    path = tmp_path / "交办函.pdf"
    assert suggestions.print_letter(ctx, sid, path, today=today) == 1
    with pdfplumber.open(path) as pdf:
        text = "".join(pdf.pages[0].extract_text().split())
    for expected in ("东河县人大代表监督站", "代表建议交办函", "东监建〔2026〕1号", "县交通运输局：", "张三代表",
                     "修建村口便民桥", "村口小河没有桥", "请于2026年4月9日前", "2026年3月9日", "站长（签字）"):
        assert expected in text, expected
