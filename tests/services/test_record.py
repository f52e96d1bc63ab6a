"""履职档案: one representative's counts and lists for a period, the A4 page, and the workbook of all."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pdfplumber
import pytest

from station_app.db.models import (
    Activity,
    ActivityParticipant,
    Delegation,
    DutyAssignment,
    DutyPlan,
    DutySlot,
    Referral,
    ReferralFollowUp,
    Representative,
    Station,
    Suggestion,
    SuggestionRepresentative,
    Visit,
    VisitRepresentative,
)
from station_app.io.files import FileWriteError
from station_app.services import record
from station_app.services.errors import NotFound, StationError, ValidationFailed
from station_app.services.voiding import mark_void
from station_app.vocab import ActivityKind, AssignmentSource, Attendance

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def people(db):
    """王秀兰 with a duty turn of each mark (one taken over by 李建国), one she took for him, two visits (one
    referred, closed and rated satisfied), an inspection, a passed training, a station's own kind, a suggestion
    answered; 李建国; and two people named 刘丽."""
    with db.transaction() as s:
        station = Station(name="东河县人大代表监督站", code="DHJD")
        town, west = Delegation(name="城关镇代表团"), Delegation(name="西岭乡代表团")
        wang = Representative(name="王秀兰", gender="女", level="县", station=station, delegation=town,
                              work_unit="城关镇中心小学校长", term="第十四届", phone="13800001234")
        li = Representative(name="李建国", level="县", station=station, delegation=town, phone="13900005678")
        liu1 = Representative(name="刘丽", level="乡", station=station, delegation=town, phone="13700000985")
        liu2 = Representative(name="刘丽", level="乡", station=station, delegation=west, phone="13600002210")
        s.add_all([station, town, west, wang, li, liu1, liu2])
        plan = DutyPlan(station=station, name="监督站每日值班")
        s.add(plan)
        s.flush()
        slots: dict[dt.date, DutySlot] = {}

        def turn(rep, day, mark, source=AssignmentSource.GENERATED):
            if day not in slots:
                slots[day] = DutySlot(plan_id=plan.id, day=day, slot_name="上午")
                s.add(slots[day])
                s.flush()
            s.add(DutyAssignment(slot_id=slots[day].id, representative_id=rep.id, attendance=mark, source=source))

        turn(wang, dt.date(2026, 3, 4), Attendance.PRESENT)
        turn(wang, dt.date(2026, 3, 11), Attendance.ABSENT)
        turn(wang, dt.date(2026, 3, 18), Attendance.LEAVE)
        turn(wang, dt.date(2026, 3, 25), Attendance.REPLACED)
        turn(li, dt.date(2026, 3, 25), Attendance.PRESENT, AssignmentSource.STAND_IN)
        turn(li, dt.date(2026, 4, 1), Attendance.REPLACED)
        turn(wang, dt.date(2026, 4, 1), Attendance.PRESENT, AssignmentSource.STAND_IN)

        visit = Visit(visited_at=dt.datetime(2026, 5, 6, 9, 30), citizen_name="赵大妈", phone="13512345678",
                      category="城乡建设", content="路灯不亮，晚上出行不便", outcome="交办")
        other = Visit(visited_at=dt.datetime(2026, 5, 6, 10, 0), citizen_name="钱师傅", phone="13587654321",
                      category="社会保障", content="低保申请进度", outcome="解释答复")
        s.add_all([visit, other])
        s.flush()
        s.add_all([VisitRepresentative(visit_id=visit.id, representative_id=wang.id),
                   VisitRepresentative(visit_id=other.id, representative_id=wang.id)])
        referral = Referral(visit_id=visit.id, number="东监交〔2026〕1号", year=2026, seq=1, unit_name="县城市管理局",
                            state="办结")
        s.add(referral)
        s.flush()
        s.add(ReferralFollowUp(referral_id=referral.id, round=1, followed_on=dt.date(2026, 5, 28), satisfaction="满意"))
        suggestion = Suggestion(number="东监建〔2026〕1号", year=2026, seq=1, title="修建便民桥", scope="乡镇",
                                state="已答复", opened_on=dt.date(2026, 6, 5))
        s.add(suggestion)
        s.flush()
        s.add(SuggestionRepresentative(suggestion_id=suggestion.id, representative_id=wang.id))
        for kind, day, passed, theme in ((ActivityKind.INSPECTION, 6, None, "农村道路建设视察"),
                                         (ActivityKind.TRAINING, 7, True, "代表履职能力培训"),
                                         ("防汛巡查", 8, None, "汛期河道堤防巡查")):
            activity = Activity(kind=kind, day=dt.date(2026, 7, day), theme=theme)
            s.add(activity)
            s.flush()
            s.add(ActivityParticipant(activity_id=activity.id, representative_id=wang.id, present=True, passed=passed))
        ids = {"王秀兰": wang.id, "李建国": li.id, "刘丽1": liu1.id, "刘丽2": liu2.id}
    return ids


def test_the_record_counts_each_kind_of_event_exactly(ctx, people):
    found = record.record(ctx, people["王秀兰"], *YEAR)
    t = found.tally
    assert (t.duty_scheduled, t.duty_attended, t.duty_absent, t.duty_leave, t.replaced, t.stood_in) == (4, 2, 1, 1, 1, 1)
    assert (t.visits_received, t.referrals_raised, t.referrals_solved, t.referrals_satisfied) == (2, 1, 1, 1)
    assert (t.suggestions_made, t.suggestions_answered) == (1, 1)
    assert dict(t.activities) == {"视察调研": 1, "学习培训": 1, "防汛巡查": 1} and t.trainings_passed == 1
    assert found.kinds[-1] == "防汛巡查"  # the station's own kind gets its count too
    assert [(turn.day.day, turn.mark_text) for turn in found.turns] == [
        (4, "出勤"), (11, "缺勤"), (18, "请假"), (25, "他人替班"), (1, "出勤（替班）")]
    assert [(v.category, v.issue) for v in found.visits] == [("城乡建设", "路灯不亮，晚上出行不便"), ("社会保障", "低保申请进度")]
    assert [(a.kind, a.passed) for a in found.activities] == [("视察调研", None), ("学习培训", True), ("防汛巡查", None)]
    assert [(s.number, s.title, s.state) for s in found.suggestions] == [("东监建〔2026〕1号", "修建便民桥", "已答复")]
    shown = {(c.group, c.label): c.value for c in record.counts(found)}
    assert shown[("值班", "缺勤")] == 1 and shown[("接待", "评价满意")] == 1 and shown[("履职活动", "防汛巡查")] == 1
    assert found.score is not None and found.score.total > 0  # a whole year: the points too
    assert record.record(ctx, people["王秀兰"], dt.date(2026, 3, 5), dt.date(2026, 12, 31)).score is None


def test_a_period_counts_only_what_happened_in_it(ctx, people):
    found = record.record(ctx, "王秀兰", dt.date(2026, 3, 10), dt.date(2026, 3, 20))
    assert [t.day.day for t in found.turns] == [11, 18] and found.tally.duty_scheduled == 2
    assert found.visits == [] and found.tally.visits_received == 0


def test_the_archive_page_shows_the_name_the_period_and_the_counts_on_one_page(ctx, people, tmp_path):
    path = tmp_path / "out" / "档案.pdf"
    record.print_record(ctx, people["王秀兰"], *YEAR, path, today=dt.date(2026, 12, 31))
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    flat = text.replace(" ", "").replace("\n", "")
    for words in ("人大代表履职档案", "王秀兰", "城关镇代表团", "城关镇中心小学校长", "2026年1月1日至2026年12月31日",
                  "应值班4", "出勤2", "缺勤1", "请假1", "替他人值班1", "由他人替班1", "接待选民2", "提出交办1",
                  "交办办结1", "评价满意1", "提出建议1", "建议已答复1", "视察调研1", "防汛巡查1", "培训合格1",
                  "路灯不亮", "修建便民桥", "审核人", "日期"):
        assert words in flat, words
    assert "13512345678" not in flat and "赵大妈" not in flat  # no visitor's number or name on the page
    assert list(path.parent.iterdir()) == [path]


def test_a_busy_year_is_cut_to_one_page_saying_how_many_there_are(ctx, db, people, tmp_path):
    with db.transaction() as s:
        for n in range(60):
            visit = Visit(visited_at=dt.datetime(2026, 8, 1, 8, 0) + dt.timedelta(days=n % 28, minutes=n),
                          category="其他", content=f"第{n}件事情" + "很长的描述" * 10)
            s.add(visit)
            s.flush()
            s.add(VisitRepresentative(visit_id=visit.id, representative_id=people["王秀兰"]))
        for n in range(30):
            activity = Activity(kind=ActivityKind.MEETING, day=dt.date(2026, 9, 1 + n % 28), theme=f"会议{n}")
            s.add(activity)
            s.flush()
            s.add(ActivityParticipant(activity_id=activity.id, representative_id=people["王秀兰"], present=True))
    path = tmp_path / "busy.pdf"
    record.print_record(ctx, "王秀兰", *YEAR, path)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        flat = pdf.pages[0].extract_text().replace(" ", "")
    assert "…等62项" in flat and "…等33项" in flat and "接待选民（共62次）" in flat


def test_the_workbook_has_every_representative_with_numbers_and_a_totals_row(ctx, people, tmp_path):
    path = tmp_path / "all.xlsx"
    found = record.export_records(ctx, path, *YEAR)
    assert len(found.rows) == 4  # those who did nothing too
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2026年1月1日至2026年12月31日" in rows[0][0]
    header = rows[2]
    assert sheet.freeze_panes == "A4"
    wang = next(r for r in rows if r[1] == "王秀兰")
    cell = dict(zip(header, wang))
    assert (cell["应值班"], cell["出勤"], cell["缺勤"], cell["接待选民"], cell["评价满意"], cell["防汛巡查"],
            cell["培训合格"]) == (4, 2, 1, 2, 1, 1, 1)
    assert isinstance(cell["履职积分"], (int, float)) and cell["履职积分"] > 0
    li = dict(zip(header, next(r for r in rows if r[1] == "李建国")))
    assert (li["替他人值班"], li["由他人替班"]) == (1, 1)
    totals = dict(zip(header, rows[-1]))
    assert totals["姓名"] == "合计" and totals["出勤"] == 3 and totals["接待选民"] == 2


def test_one_representatives_row_sheet(ctx, people, tmp_path):
    path = tmp_path / "one.xlsx"
    found = record.export_records(ctx, path, *YEAR, rep_id="李建国")
    assert [r.person.name for r in found.rows] == ["李建国"]


def test_a_name_that_fits_two_people_is_refused_naming_both(ctx, people):
    with pytest.raises(ValidationFailed) as refused:
        record.record(ctx, "刘丽", *YEAR)
    message = str(refused.value)
    assert "城关镇代表团" in message and "西岭乡代表团" in message and "0985" in message and "2210" in message
    assert people["刘丽1"][:8] in message
    assert record.record(ctx, people["刘丽2"], *YEAR).person.delegation == "西岭乡代表团"
    with pytest.raises(NotFound):
        record.record(ctx, "张无忌", *YEAR)


def test_a_start_after_the_end_is_refused(ctx, people, tmp_path):
    with pytest.raises(ValidationFailed, match="晚于"):
        record.record(ctx, "王秀兰", dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    with pytest.raises(ValidationFailed, match="晚于"):
        record.export_records(ctx, tmp_path / "x.xlsx", dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    assert not (tmp_path / "x.xlsx").exists()


def test_a_voided_representative_is_marked_on_the_page(ctx, db, people, tmp_path):
    with db.transaction() as s:
        mark_void(s.get(Representative, people["王秀兰"]), "录入重复", "测试员")
    path = tmp_path / "void.pdf"
    found = record.print_record(ctx, people["王秀兰"], *YEAR, path)
    assert found.person.state == "已作废" and found.tally.visits_received == 2
    with pdfplumber.open(path) as pdf:
        assert "已作废" in pdf.pages[0].extract_text()
    # the voided are left out of the workbook unless they did something in the period
    names = [r.person.name for r in record.records(ctx, *YEAR).rows]
    assert "王秀兰" in names
    assert "王秀兰" not in [r.person.name for r in record.records(ctx, dt.date(2025, 1, 1), dt.date(2025, 12, 31)).rows]


def test_a_file_that_cannot_be_written_leaves_nothing_behind(ctx, people, tmp_path):
    taken = tmp_path / "out" / "档案.pdf"
    taken.mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(FileWriteError):
        record.print_record(ctx, "王秀兰", *YEAR, taken)
    assert [p.name for p in taken.parent.iterdir()] == ["档案.pdf"] and taken.is_dir()
    with pytest.raises(StationError, match=".pdf"):
        record.print_record(ctx, "王秀兰", *YEAR, tmp_path / "x.docx")
