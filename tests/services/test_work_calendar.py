from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select

from station_app.db.models import CalendarDay, Referral
from station_app.services import registry, roster_generation, roster_output, roster_plans, work_calendar
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.registry import StationInput
from station_app.services.work_calendar import WorkCalendar
from station_app.vocab import CalendarKind
from tests.services.test_referrals import refer

HOLIDAY, MAKEUP = CalendarKind.HOLIDAY, CalendarKind.MAKE_UP
# the demo's plans (its 联络站 meets on Wednesdays; its 监督站 every working day) and a day before 2027
WEDNESDAY_PLAN, MONITORING_PLAN = "周三代表活动日", "监督站每日值班"
TODAY = dt.date(2026, 12, 1)

D = dt.date


def calendar(db) -> WorkCalendar:
    with db.session() as s:
        return WorkCalendar.load(s)


def days_of(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def row_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(CalendarDay))


def calendar_list(path, rows, headers=("日期", "类型", "名称")):
    wb = Workbook()
    ws = wb.active
    ws.append(["2027年节假日安排"])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


# --- The package's years, before anything is in the table ------------------------------------


def test_spring_festival_2026_days_off_are_not_workdays_and_its_makeup_saturdays_are(db):
    cal = calendar(db)
    for day in (D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 20), D(2026, 2, 23)):  # Monday … Monday
        assert not cal.is_workday(day) and cal.is_holiday(day)
        assert cal.day_note(day) == "春节"
    for day in (D(2026, 2, 14), D(2026, 2, 28)):  # Saturdays
        assert cal.is_workday(day) and cal.is_makeup_day(day)
        assert cal.day_note(day) == "调休上班"
    assert cal.is_workday(D(2026, 2, 24)) and cal.day_note(D(2026, 2, 24)) == ""
    assert not cal.is_workday(D(2026, 3, 1))  # an ordinary Sunday


def test_national_day_2025_days_off_are_not_workdays_and_its_makeup_days_are(db):
    cal = calendar(db)
    for day in range(1, 9):
        assert not cal.is_workday(D(2025, 10, day))
    assert cal.day_note(D(2025, 10, 1)) == "国庆节" and cal.day_note(D(2025, 10, 6)) == "中秋节"
    assert cal.is_workday(D(2025, 9, 28)) and cal.is_workday(D(2025, 10, 11))  # Sunday, Saturday
    assert cal.is_workday(D(2025, 10, 9))
    assert cal.has_official_data(2025) and not cal.uses_table(2025)


def test_after_seeding_the_table_agrees_with_the_package_every_day_2020_to_2026(db, ctx):
    added = work_calendar.seed_from_package(ctx)
    assert added > 200
    cal = calendar(db)
    for year in range(2020, 2027):
        assert cal.uses_table(year)
        for day in days_of(year):
            assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
    assert work_calendar.seed_from_package(ctx) == 0
    assert row_count(db) == added


def test_seeded_names_are_chinese_and_weekend_days_of_a_break_are_kept_named(ctx):
    work_calendar.seed_from_package(ctx, [2026])
    rows = work_calendar.list_calendar_days(ctx, 2026)
    by_day = {row.day: row for row in rows}
    assert by_day[D(2026, 2, 15)].name == "春节" and by_day[D(2026, 2, 15)].kind == HOLIDAY  # a Sunday
    assert by_day[D(2026, 2, 14)].kind == MAKEUP and by_day[D(2026, 2, 14)].name == "春节"
    assert {row.name for row in rows} == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
    assert [row.day for row in rows] == sorted(by_day)


def test_seeding_a_year_the_package_does_not_cover_adds_nothing(db, ctx):
    assert work_calendar.seed_from_package(ctx, [2027, 1999]) == 0
    assert row_count(db) == 0


# --- Years without data -----------------------------------------------------------------------


def test_a_year_without_data_warns_by_year_that_its_holidays_are_estimated(db):
    cal = calendar(db)
    assert not cal.has_official_data(2027)
    assert not cal.is_workday(D(2027, 1, 1)) and cal.is_estimated(D(2027, 1, 1))  # 元旦, a Friday: 推定
    assert cal.day_note(D(2027, 1, 1)) == "元旦（推定）"
    assert cal.is_workday(D(2027, 1, 4)) and not cal.is_workday(D(2027, 1, 2))
    assert cal.years_without_data(D(2026, 7, 1), D(2028, 2, 1)) == [2027, 2028]
    message = cal.warning(D(2026, 9, 1), D(2027, 3, 31))
    assert "2027 年还没有官方节假日安排" in message and "推定" in message and "不含调休上班" in message
    assert cal.warning(D(2026, 1, 1), D(2026, 12, 31)) is None


def test_the_years_of_the_official_data_have_no_estimated_day(db):
    cal = calendar(db)
    assert not any(cal.is_estimated(day) for year in range(2020, 2027) for day in days_of(year))
    assert "推定" not in "".join(cal.day_note(day) for day in days_of(2026))


def plan_id(ctx, name: str) -> str:
    return next(plan.id for plan in roster_plans.list_plans(ctx) if plan.name == name)


def duty_days(ctx, plan: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days someone is on duty for the plan named ``plan``."""
    return [view.day for view in roster_output.day_views(ctx, plan_id(ctx, plan), start, end)
            if any(slot.people for slot in view.slots)]


def test_2027_spring_festival_from_the_eve_to_the_third_day_is_an_estimated_break_a_wednesday_plan_skips(
        demo_db, demo_ctx):
    # 2027-02-06 is 正月初一 (the holidays package's lunar calendar); the eve is a Friday, 初一 and 初二 fall on
    # the weekend, so the regulation gives the Tuesday and the Wednesday after 初三 in lieu (补假).
    assert work_calendar.estimated_days(2027)[1:7] == [
        (D(2027, 2, 5), "除夕"), (D(2027, 2, 6), "春节"), (D(2027, 2, 7), "春节"), (D(2027, 2, 8), "春节"),
        (D(2027, 2, 9), "春节（补假）"), (D(2027, 2, 10), "春节（补假）")]
    cal = calendar(demo_db)
    for day in (D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)):
        assert not cal.is_workday(day) and cal.is_holiday(day) and cal.is_estimated(day)
    assert cal.day_note(D(2027, 2, 5)) == "除夕（推定）" and cal.day_note(D(2027, 2, 10)) == "春节（补假，推定）"
    assert cal.is_workday(D(2027, 2, 11)) and not cal.is_makeup_day(D(2027, 2, 20))  # no make-up day is guessed
    report = roster_generation.generate(demo_ctx, WEDNESDAY_PLAN, D(2027, 2, 1), D(2027, 2, 28), today=TODAY)
    assert duty_days(demo_ctx, WEDNESDAY_PLAN, D(2027, 2, 1), D(2027, 2, 28)) == [
        D(2027, 2, 3), D(2027, 2, 17), D(2027, 2, 24)]
    assert "推定" in report.warning
    month = roster_output.month_view(demo_ctx, plan_id(demo_ctx, WEDNESDAY_PLAN), 2027, 2)
    views = {view.day: view for view in month.days}
    assert views[D(2027, 2, 10)].off and views[D(2027, 2, 10)].estimated
    assert views[D(2027, 2, 10)].note == "春节（补假，推定）" and not views[D(2027, 2, 10)].slots
    assert not views[D(2027, 2, 17)].estimated and views[D(2027, 2, 17)].note == ""


def test_a_deadline_counted_across_national_day_2027_skips_the_estimated_days_off(db, ctx, reception_station):
    from station_app.services import settings as settings_service
    from station_app.vocab import DeadlineUnit

    settings_service.save(ctx, settings_service.read(ctx).replace(referral_deadline_unit=DeadlineUnit.WORKING_DAYS,
                                                                  referral_deadline_count=30))
    referral_id = refer(ctx, when=dt.datetime(2027, 9, 30, 10, 0), days=3)
    with db.session() as s:
        deadline = s.get(Referral, referral_id).deadline
    # 10/1–10/3 (a Friday and the weekend), then 10/4 and 10/5 in lieu of the weekend: 10/6, 10/7, 10/8
    assert deadline == D(2027, 10, 8)
    assert calendar(db).working_days_between(D(2027, 9, 30), D(2027, 10, 8)) == 3


def test_importing_the_2027_notice_replaces_the_estimate_and_its_make_up_saturdays_are_worked(
        demo_db, demo_ctx, tmp_path):
    ctx, plan = demo_ctx, MONITORING_PLAN
    roster_generation.generate(ctx, plan, D(2027, 2, 1), D(2027, 2, 28), today=TODAY)
    assert D(2027, 2, 20) not in duty_days(ctx, plan, D(2027, 2, 1), D(2027, 2, 28))
    assert D(2027, 2, 10) not in duty_days(ctx, plan, D(2027, 2, 1), D(2027, 2, 28))
    # A notice as the State Council writes them: nine days off around the festival, two Saturdays worked.
    notice = [(D(2027, 1, 1), "休", "元旦")]
    notice += [(D(2027, 2, 5) + dt.timedelta(days=i), "休", "春节") for i in range(9)]
    notice += [(D(2027, 1, 30), "上班", "春节"), (D(2027, 2, 20), "上班", "春节")]
    work_calendar.import_calendar_days(ctx, calendar_list(tmp_path / "2027年放假安排.xlsx", notice))
    cal = calendar(demo_db)
    assert cal.has_official_data(2027) and cal.warning(D(2027, 1, 1), D(2027, 12, 31)) is None
    assert not any(cal.is_estimated(day) for day in days_of(2027))
    assert cal.day_note(D(2027, 2, 10)) == "春节" and not cal.is_workday(D(2027, 2, 12))
    assert cal.is_workday(D(2027, 1, 30)) and cal.is_workday(D(2027, 2, 20)) and cal.is_makeup_day(D(2027, 2, 20))
    assert cal.is_workday(D(2027, 10, 1))  # the table decides 2027 now: what it does not list is an ordinary day
    report = roster_generation.generate(ctx, plan, D(2027, 2, 1), D(2027, 2, 28), today=TODAY)
    assert report.warning is None
    days = duty_days(ctx, plan, D(2027, 2, 1), D(2027, 2, 28))
    assert D(2027, 2, 20) in days and D(2027, 2, 15) in days and D(2027, 2, 12) not in days
    views = roster_output.month_view(ctx, plan_id(ctx, plan), 2027, 2).days
    assert not any(view.estimated or "推定" in view.note for view in views)
    # 2/12 was a duty day under the estimate; a day off now, it shows no empty post to fill
    assert next(view for view in views if view.day == D(2027, 2, 12)).slots == ()


def test_importing_a_2027_list_gives_2027_data_and_the_days_behave(db, tmp_path, ctx):
    path = calendar_list(tmp_path / "2027年节假日.xlsx", [
        (dt.datetime(2027, 1, 1), "节假日", "元旦"),
        ("2027年2月6日", "补班", "春节"),      # a Saturday
        ("2027/2/8", "放假", "春节"),          # a Monday
    ])
    result = work_calendar.import_calendar_days(ctx, path)
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    cal = calendar(db)
    assert cal.has_official_data(2027)
    assert cal.warning(D(2027, 1, 1), D(2027, 12, 31)) is None
    assert not cal.is_workday(D(2027, 1, 1)) and cal.day_note(D(2027, 1, 1)) == "元旦"
    assert cal.is_workday(D(2027, 2, 6)) and cal.is_makeup_day(D(2027, 2, 6))
    assert not cal.is_workday(D(2027, 2, 8))
    assert cal.is_workday(D(2027, 2, 9)) and not cal.is_workday(D(2027, 2, 7))
    assert work_calendar.import_calendar_days(ctx, path).unchanged == 3


def test_import_with_bad_rows_writes_nothing_and_names_the_file_and_rows(db, tmp_path, ctx):
    path = calendar_list(tmp_path / "有错的安排.xlsx", [
        ("2027-01-01", "节假日", "元旦"),
        ("2027-13-01", "节假日", "元旦"),      # no such date
        ("2027-02-08", "加班", "春节"),         # unknown kind
        ("2027-01-06", "调休上班", "元旦"),     # a Wednesday
    ])
    with pytest.raises(StationError) as caught:
        work_calendar.import_calendar_days(ctx, path)
    message = str(caught.value)
    assert "有错的安排.xlsx" in message and "未写入任何数据" in message
    assert "第 4 行" in message and "2027-13-01" in message
    assert "第 5 行" in message and "加班" in message
    assert "第 6 行" in message and "周三" in message
    assert "第 3 行" not in message
    assert row_count(db) == 0


def test_import_updates_a_day_of_another_kind_and_counts_an_identical_one_unchanged(db, tmp_path, ctx):
    work_calendar.add_calendar_day(ctx, D(2027, 2, 6), HOLIDAY, "春节")
    work_calendar.add_calendar_day(ctx, D(2027, 1, 1), HOLIDAY, "元旦")
    path = calendar_list(tmp_path / "更正.xlsx", [("2027-02-06", "调休上班", "春节"), ("2027-01-01", "休", "")])
    result = work_calendar.import_calendar_days(ctx, path)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    cal = calendar(db)
    assert cal.is_makeup_day(D(2027, 2, 6)) and cal.day_note(D(2027, 1, 1)) == "元旦"
    assert row_count(db) == 2


def test_export_writes_the_columns_the_import_reads(tmp_path, ctx):
    work_calendar.add_calendar_day(ctx, "2027-01-01", HOLIDAY, "元旦")
    work_calendar.add_calendar_day(ctx, "2027年2月6日", MAKEUP, "春节")
    path = tmp_path / "导出.xlsx"
    assert work_calendar.export_calendar_days(ctx, path, 2027) == 2
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[2]] == ["日期", "星期", "类型", "名称"]
    assert sheet["A3"].value.date() == D(2027, 1, 1) and sheet["B3"].value == "周五"
    assert work_calendar.import_calendar_days(ctx, path).unchanged == 2
    # A year still decided by the package exports the package's days.
    assert work_calendar.export_calendar_days(ctx, tmp_path / "2026.xlsx", 2026) == len(work_calendar.package_days(2026))


# --- Editing the table ------------------------------------------------------------------------


def test_the_table_decides_its_years_so_voiding_a_seeded_holiday_makes_it_a_workday(db, ctx):
    work_calendar.seed_from_package(ctx, [2026])
    national_day = next(r for r in work_calendar.list_calendar_days(ctx, 2026) if r.day == D(2026, 10, 5))
    work_calendar.void_calendar_day(ctx, national_day.id, "本县另有安排")
    cal = calendar(db)
    assert cal.is_workday(D(2026, 10, 5)) and cal.day_note(D(2026, 10, 5)) == ""
    assert not cal.is_workday(D(2026, 10, 6))
    assert work_calendar.seed_from_package(ctx, [2026]) == 0  # a voided day stays voided
    assert D(2026, 10, 5) not in {r.day for r in work_calendar.list_calendar_days(ctx, 2026)}
    voided = work_calendar.list_calendar_days(ctx, 2026, include_voided=True)
    assert any(r.voided and r.void_reason == "本县另有安排" for r in voided)


def test_adding_a_day_to_a_package_year_copies_that_year_first_so_nothing_is_lost(db, ctx):
    work_calendar.add_calendar_day(ctx, "2026-12-31", HOLIDAY, "县庆")
    cal = calendar(db)
    assert cal.uses_table(2026)
    assert not cal.is_workday(D(2026, 12, 31)) and cal.day_note(D(2026, 12, 31)) == "县庆"
    assert not cal.is_workday(D(2026, 2, 16)) and cal.is_workday(D(2026, 2, 14))
    assert not cal.uses_table(2025)


def test_adding_a_day_checks_date_kind_weekend_and_duplicates(db, ctx):
    with pytest.raises(ValidationFailed) as caught:
        work_calendar.add_calendar_day(ctx, "明年元旦", "放假一天", "")
    assert "明年元旦" in caught.value.errors["day"] and "放假一天" in caught.value.errors["kind"]
    with pytest.raises(ValidationFailed) as caught:
        work_calendar.add_calendar_day(ctx, "2027-01-06", MAKEUP, "")
    assert caught.value.errors["day"] == "2027-01-06 是周三，调休上班日应为周六或周日"
    with pytest.raises(ValidationFailed) as caught:
        work_calendar.add_calendar_day(ctx, "", HOLIDAY, "")
    assert "请填写日期" in caught.value.errors["day"]
    day_id = work_calendar.add_calendar_day(ctx, "2027-01-02", HOLIDAY, "元旦")  # a Saturday holiday is fine
    with pytest.raises(ValidationFailed) as caught:
        work_calendar.add_calendar_day(ctx, "2027/1/2", MAKEUP, "")
    assert "已登记为节假日（元旦）" in caught.value.errors["day"]
    work_calendar.void_calendar_day(ctx, day_id, "录错")
    work_calendar.add_calendar_day(ctx, "2027/1/2", MAKEUP, "")  # a voided day can be entered again
    assert calendar(db).is_makeup_day(D(2027, 1, 2))


@pytest.mark.parametrize("text", ["2027-01-01", "2027/1/1", "2027.1.1", "2027年1月1日", "2027 年 1 月 1 日",
                                  "20270101", "46388", "2027-01-01 00:00"])
def test_dates_are_read_in_the_forms_clerks_write_them(text):
    assert work_calendar.parse_day(text) == D(2027, 1, 1)


@pytest.mark.parametrize("text", ["", "2027-02-30", "1月1日", "元旦", "12345"])
def test_what_is_not_a_date_is_not_read_as_one(text):
    assert work_calendar.parse_day(text) is None


def test_the_calendar_answers_a_whole_year_without_asking_the_database(db, ctx):
    work_calendar.seed_from_package(ctx, [2024])
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with db.session() as s:
        cal = WorkCalendar.load(s)
    assert len(statements) == 1
    workdays = [day for day in days_of(2024) if cal.is_workday(day)]
    notes = [cal.day_note(day) for day in days_of(2024)]
    assert len(statements) == 1
    assert len(workdays) == sum(chinese_calendar.is_workday(day) for day in days_of(2024))
    assert notes.count("调休上班") == len([d for d in chinese_calendar.workdays if d.year == 2024])


# --- Station closures -------------------------------------------------------------------------


def test_closures_are_listed_returned_as_closed_days_and_refused_twice(db, ctx):
    station = registry.save_station(ctx, StationInput(name="城关镇代表联络站", code="CGZ"))
    other = registry.save_station(ctx, StationInput(name="南湖镇代表联络站", code="NHZ"))
    work_calendar.add_closure(ctx, station, "2026-12-01", "场地维修")
    second = work_calendar.add_closure(ctx, station, D(2026, 12, 2), "场地维修")
    work_calendar.add_closure(ctx, station, "2027-01-05", "")
    work_calendar.add_closure(ctx, other, "2026-12-01", "停电")
    with pytest.raises(ValidationFailed) as caught:
        work_calendar.add_closure(ctx, station, "2026/12/1", "重复")
    assert "已登记闭站" in caught.value.errors["day"]
    with pytest.raises(ValidationFailed):
        work_calendar.add_closure(ctx, station, "下周一", "")
    assert work_calendar.closed_days(ctx, station, D(2026, 11, 1), D(2026, 12, 31)) == {D(2026, 12, 1), D(2026, 12, 2)}
    assert [c.day for c in work_calendar.list_closures(ctx, station, 2027)] == [D(2027, 1, 5)]
    assert len(work_calendar.list_closures(ctx, station)) == 3
    work_calendar.void_closure(ctx, second, "维修提前完成")
    assert work_calendar.closed_days(ctx, station, D(2026, 12, 1), D(2026, 12, 31)) == {D(2026, 12, 1)}
    work_calendar.add_closure(ctx, station, "2026-12-02", "再次维修")
    assert D(2026, 12, 2) in work_calendar.closed_days(ctx, station, D(2026, 12, 1), D(2026, 12, 31))


def test_the_import_previews_every_row_and_can_leave_out_the_refused_ones(db, ctx, tmp_path):
    from station_app.services.importing import ImportRefused

    path = calendar_list(tmp_path / "有错的安排.xlsx", [
        ("2027-01-01", "节假日", "元旦"),
        ("2027-13-01", "节假日", "元旦"),      # no such date
        ("合计", "", ""),                      # a total row: left out, and said so
        ("2027-02-06", "补班", "春节"),
    ])
    preview = work_calendar.preview_calendar_import(ctx, path)
    assert [(row.row_number, row.label, row.action) for row in preview.rows] == [
        (3, "2027-01-01", "新增"), (4, "2027-13-01", "拒绝"), (6, "2027-02-06", "新增")]
    lines = preview.report_lines()
    assert len(lines) == 2 and "第 4 行（2027-13-01）" in lines[0] and "第 5 行" in lines[1]
    with pytest.raises(ImportRefused):
        work_calendar.commit_calendar_import(ctx, preview)
    assert row_count(db) == 0
    result = work_calendar.commit_calendar_import(ctx, preview, skip_refused=True)
    assert (result.added, result.updated, result.unchanged, result.refused, result.years) == (2, 0, 0, 1, (2027,))
    assert result.summary() == "新增 2 天，更新 0 天，不变 0 天，跳过被拒绝的 1 行"
    assert calendar(db).is_makeup_day(D(2027, 2, 6)) and row_count(db) == 2


def test_an_import_into_a_year_of_the_package_copies_that_year_first_and_previews_what_it_will_do(db, ctx, tmp_path):
    path = calendar_list(tmp_path / "国庆.xlsx", [("2026-10-01", "休", "国庆节"), ("2026-12-31", "休", "县庆")])
    preview = work_calendar.preview_calendar_import(ctx, path)
    assert [row.action for row in preview.rows] == ["不变", "新增"]
    result = work_calendar.commit_calendar_import(ctx, preview)
    assert (result.added, result.unchanged) == (1, 1)
    cal = calendar(db)
    assert cal.uses_table(2026) and not cal.is_workday(D(2026, 12, 31)) and not cal.is_workday(D(2026, 2, 16))


def test_editing_the_holiday_table_and_closures_is_for_administrators(db, ctx, tmp_path):
    from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
    from station_app.vocab import Role

    clerk = ServiceContext(db, OperatorRef("xiaoli", "小李", Role.CLERK))
    station = registry.save_station(ctx, StationInput(name="城关镇代表联络站", code="CGZ"))
    path = calendar_list(tmp_path / "2027.xlsx", [("2027-01-01", "休", "元旦")])
    for edit in (lambda: work_calendar.add_calendar_day(clerk, "2027-01-01", HOLIDAY, "元旦"),
                 lambda: work_calendar.seed_from_package(clerk, [2026]),
                 lambda: work_calendar.commit_calendar_import(clerk, work_calendar.preview_calendar_import(clerk, path)),
                 lambda: work_calendar.add_closure(clerk, station, "2027-01-05", "维修")):
        with pytest.raises(PermissionDenied):
            edit()
    assert row_count(db) == 0 and work_calendar.list_closures(clerk, station) == []
    day = work_calendar.add_calendar_day(ctx, "2027-01-01", HOLIDAY, "元旦")
    with pytest.raises(PermissionDenied):
        work_calendar.void_calendar_day(clerk, day, "录错")
    work_calendar.void_calendar_day(ctx, day, "录错")
    assert work_calendar.list_calendar_days(clerk, 2027, include_voided=True)[0].void_reason == "录错"
