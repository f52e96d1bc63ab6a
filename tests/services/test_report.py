"""本月报表: the month's figures beside the month before and the year, and the workbook they go out in."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from station_app.db.models import Station, Visit
from station_app.services import reception, referrals, report, subsidy
from station_app.services.reception import ReferralInput, VisitInput
from station_app.vocab import Attendance, DeadlineUnit, SlotName
from tests.services.test_referrals import count_deadlines_in
from tests.services.test_subsidy import Station_

TODAY = dt.date(2026, 12, 2)


def visit(ctx, when: dt.datetime, channel: str = "站内接待", people: int = 1, content: str = "路灯坏了",
          outcome: str = "当场解决", unit: str = "") -> str:
    saved = reception.record_visit(ctx, VisitInput(
        visited_at=when, citizen_name="王大妈", people_count=people, channel=channel, category="城乡建设",
        content=content, outcome=outcome, referral=ReferralInput(unit, "尽快修复") if unit else None), now=when)
    return saved.visit_id


@pytest.fixture
def month(ctx):
    """November 2026 at 东河 (DHJD): three visits (one referred, never answered), a voided one, a duty day
    with an absence and a window unit on leave, and the subsidy of October and November paid."""
    st = Station_(ctx)
    count_deadlines_in(ctx, DeadlineUnit.WORKING_DAYS, 5)
    visit(ctx, dt.datetime(2026, 10, 20, 9, 0), channel="电话")
    visit(ctx, dt.datetime(2026, 11, 2, 9, 0), people=3)
    visit(ctx, dt.datetime(2026, 11, 3, 10, 30), content="=1+1")
    visit(ctx, dt.datetime(2026, 11, 5, 15, 0), channel="电话", outcome="交办", unit="县交通局")
    voided = visit(ctx, dt.datetime(2026, 11, 6, 9, 0))
    reception.void_visit(ctx, voided, "重复登记")
    st.turn("王秀兰", dt.date(2026, 10, 14))
    st.turn("王秀兰", dt.date(2026, 11, 4))
    st.turn("李建国", dt.date(2026, 11, 4), mark=Attendance.ABSENT)
    st.turn("周局长", dt.date(2026, 11, 4), slot=SlotName.AFTERNOON, mark=Attendance.LEAVE)
    for key, paid_on in (("2026-10", dt.date(2026, 11, 10)), ("2026-11", dt.date(2026, 12, 1))):
        subsidy.refresh_draft(ctx, key, today=TODAY)
        subsidy.confirm(ctx, key, today=TODAY)
        subsidy.pay(ctx, key, paid_on, "出纳", today=TODAY)
    return st


def test_the_months_figures_are_counted_exactly(ctx, month):
    f = report.month_figures(ctx, "2026-11", ctx.station_id, today=TODAY)
    assert (f.visits, f.people) == (3, 5)  # the voided visit and October's are not counted
    assert dict(f.by_channel) == {"站内接待": 2, "电话": 1}
    assert dict(f.by_outcome) == {"当场解决": 2, "交办": 1} and f.solved_on_spot == 2
    assert (f.referrals_issued, f.referrals_answered, f.referrals_closed) == (1, 0, 0)
    # past its deadline with no answer at the end of November: what the referrals page counts on that day
    assert f.referrals_overdue == 1 == referrals.overdue_count(ctx, today=dt.date(2026, 11, 30))
    assert (f.slots_planned, f.slots_covered, f.representatives_on_duty) == (2, 1, 1)
    assert dict(f.empty_by_person) == {"李建国": 1} and sum(f.empty_by_unit.values()) == 1 and f.empty_posts == 2
    assert f.subsidy_paid == Decimal("100.00")
    assert f.satisfaction_rate is None  # nobody followed up yet


def test_a_referral_answered_after_the_month_still_counts_overdue_in_it(ctx, month):
    number = referrals.list_referrals(ctx, today=TODAY)[0].number
    referrals.sign(ctx, number, dt.date(2026, 11, 6), "李科长")
    referrals.record_feedback(ctx, number, "李科长", dt.date(2026, 12, 1), "已修复", True)
    assert report.month_figures(ctx, "2026-11", today=TODAY).referrals_overdue == 1
    assert report.month_figures(ctx, "2026-12", today=TODAY).referrals_overdue == 0


def test_the_summary_sets_the_month_beside_the_last_and_the_year(ctx, month):
    found = report.summary(ctx, "2026-11", today=TODAY)
    rows = {row.label: (row.this, row.previous, row.year) for row in found.rows if not row.group}
    assert rows["接待群众（批次）"] == (3, 1, 4)
    assert rows["电话"] == (1, 1, 2)
    assert rows["网格走访"] == (0, 0, 0)  # every channel is listed, counted or not
    assert rows["误工补贴发放（元）"] == (Decimal("100.00"), Decimal("100.00"), Decimal("200.00"))
    assert rows["空岗（代表）"] == (1, 0, 1)
    assert [r.label for r in found.section("channel")][:2] == ["站内接待", "流动/摆摊"]
    assert found.station_name == "东河县人大代表监督站" and found.station_code == "DHJD"


def test_the_county_table_has_a_row_per_station(ctx, month):
    with ctx.db.transaction() as s:
        s.add(Station(name="西山乡代表联络站", code="XSX"))
    table = report.per_station(ctx, "2026-11", today=TODAY)
    assert [(r.code, r.figures.visits) for r in table] == [("DHJD", 3), ("XSX", 0)]
    # the whole database counts every station: here the same as 东河's own month
    assert report.month_figures(ctx, "2026-11", today=TODAY).visits == 3


def sheet_rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_workbook_has_the_summary_with_a_chart_the_detail_sheets_and_the_metadata(ctx, month, tmp_path):
    path = tmp_path / "十一月.xlsx"
    written = report.write_month_report(ctx, "2026-11", path, ctx.station_id, today=TODAY)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "接待登记", "交办台账", "值班与考勤", "误工补贴", "履职统计", "元数据"]
    top = wb["汇总"]
    assert top["A1"].value == "东河县人大代表监督站2026年11月工作报表"
    assert [c.value for c in top[2]] == ["项目", "本月", "上月", "本年累计"]
    assert top.freeze_panes == "A3"
    assert [c.value for c in top[3]] == ["接待群众（批次）", 3, 1, 4]
    assert len(top._charts) == 1 and top._charts[0].title is not None
    assert top.page_setup.orientation == "landscape" and (top.page_setup.fitToWidth or 1) == 1  # 1: left out
    assert top.sheet_properties.pageSetUpPr.fitToPage

    visits = wb["接待登记"]
    assert visits["A2"].value == "接待时间" and visits.freeze_panes == "A3"
    assert isinstance(visits["A3"].value, dt.datetime) and visits["A3"].value == dt.datetime(2026, 11, 2, 9, 0)
    assert visits["E3"].value == 3  # 人数, a number
    assert visits.column_dimensions["H"].width == 50
    formula_like = visits["H4"]
    assert formula_like.value == "=1+1" and formula_like.data_type == "s" and formula_like.quotePrefix

    paid = wb["误工补贴"]
    assert [c.value for c in paid[2]][:4] == ["联络站", "序号", "姓名", "代表团"]
    assert paid["C3"].value == "王秀兰" and paid["H3"].value == 100 and paid["H3"].number_format == "#,##0.00"
    ledger = sheet_rows(wb["交办台账"])
    assert ledger[2][12] == "是" and isinstance(ledger[2][1], dt.datetime)  # overdue; the date a real date
    duty = sheet_rows(wb["值班与考勤"])
    assert sorted(row[7] for row in duty[2:]) == ["出勤", "缺勤", "请假"]

    meta = {row[0]: row[1] for row in sheet_rows(wb["元数据"])[1:]}
    assert meta["站点名称"] == "东河县人大代表监督站" and meta["站点代码"] == "DHJD"
    assert meta["格式版本"] == "report-1" and meta["报表月份"] == "2026-11"
    assert meta["行数：接待登记"] == "3" and written.rows["接待登记"] == 3
    assert meta["校验和（SHA-256）"] == written.checksum
    assert report.report_checksum(path) == (written.checksum, written.checksum)


def test_the_checksum_changes_when_a_data_cell_changes(ctx, month, tmp_path):
    path = tmp_path / "r.xlsx"
    written = report.write_month_report(ctx, "2026-11", path, today=TODAY)
    wb = openpyxl.load_workbook(path)
    wb["接待登记"]["B3"] = "李大爷"
    wb.save(path)
    stored, now = report.report_checksum(path)
    assert stored == written.checksum and now != stored


def test_formula_like_text_reads_back_as_text(ctx, month, tmp_path):
    path = tmp_path / "r.xlsx"
    report.write_month_report(ctx, "2026-11", path, today=TODAY)
    values = [row[7] for row in sheet_rows(openpyxl.load_workbook(path)["接待登记"])[2:]]
    assert "=1+1" in values
    with ctx.read() as s:
        assert "=1+1" in s.scalars(select(Visit.content))


def test_a_county_report_adds_the_table_of_stations(ctx, month, tmp_path):
    with ctx.db.transaction() as s:
        s.add(Station(name="西山乡代表联络站", code="XSX"))
    path = tmp_path / "county.xlsx"
    written = report.write_month_report(ctx, "2026-11", path, today=TODAY)
    wb = openpyxl.load_workbook(path)
    assert "各站" in wb.sheetnames and written.rows["各站"] == 2
    assert [row[:3] for row in sheet_rows(wb["各站"])[2:]] == [["DHJD", "东河县人大代表监督站", 3],
                                                             ["XSX", "西山乡代表联络站", 0]]
    assert wb["汇总"]["A1"].value.startswith("全县")
    assert {row[0]: row[1] for row in sheet_rows(wb["元数据"])[1:]}["范围"] == "全县"


def test_a_report_is_only_an_xlsx(ctx, month, tmp_path):
    with pytest.raises(Exception, match=".xlsx"):
        report.write_month_report(ctx, "2026-11", tmp_path / "r.pdf", today=TODAY)


def test_the_year_to_date_report_lists_every_month_from_january(ctx, month, tmp_path):
    path = tmp_path / "year.xlsx"
    written = report.write_month_report(ctx, "2026-11", path, today=TODAY, county=True, year_to_date=True)
    assert written.rows["接待登记"] == 4 and written.rows["各站"] == 1  # October's visit too
    wb = openpyxl.load_workbook(path)
    assert wb["接待登记"]["A1"].value == "东河县人大代表监督站2026年1至11月接待群众登记表"
    assert wb["各站"]["C3"].value == 4
