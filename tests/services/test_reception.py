from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from station_app.db.models import Referral, ReferralEvent, Visit, VisitRepresentative, VisitSearch
from station_app.services import reception, referrals
from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.reception import ReferralInput, VisitFilter, VisitInput
from station_app.vocab import Role

NOW = dt.datetime(2026, 3, 4, 9, 30)


def visit(**changes) -> VisitInput:
    base = VisitInput(visited_at=NOW, citizen_name="王　大妈", phone="１３８００１３８０００", address="城关镇东街村",
                      people_count=1, channel="站内接待", category="城乡建设", content="村口路灯坏了三个月没人修",
                      outcome="当场解决")
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_a_visit_is_saved_with_its_representatives_and_search_index(db, ctx, reception_station):
    saved = reception.record_visit(ctx, visit(representative_ids=[reception_station["张三"], reception_station["李四"]]), now=NOW)
    with db.session() as s:
        row = s.get(Visit, saved.visit_id)
        assert (row.citizen_name, row.phone, row.recorded_by) == ("王大妈", "13800138000", "测试员")
        (index,) = s.scalars(select(VisitSearch).where(VisitSearch.visit_id == row.id)).all()
        assert "路灯" in index.text and "13800138000" in index.text and index.visited_at == NOW
        assert s.scalar(select(func.count()).select_from(VisitRepresentative)) == 2
        assert row.station_id is not None
    assert saved.referral_id is None


def test_bad_fields_are_named_and_nothing_is_written(db, ctx, reception_station):
    with pytest.raises(ValidationFailed) as caught:
        reception.record_visit(ctx, visit(phone="123", content="", category="不存在", people_count=0,
                                         visited_at=NOW + dt.timedelta(days=1)), now=NOW)
    assert set(caught.value.errors) == {"phone", "content", "category", "people_count", "visited_at"}
    with pytest.raises(ValidationFailed) as caught:
        reception.record_visit(ctx, visit(outcome="交办", referral=ReferralInput(unit="")), now=NOW)
    assert "unit" in caught.value.errors
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0


def test_referral_numbers_follow_the_template_per_year_and_are_never_reused(db, ctx, reception_station):
    first = reception.record_visit(ctx, visit(outcome="交办", referral=ReferralInput("县住房和城乡建设局", "一周内修复")), now=NOW)
    assert first.referral_number == "东监交〔2026〕1号"
    referrals.void_referral(ctx, first.referral_id, "重复登记")
    second = reception.record_visit(ctx, visit(outcome="交办", referral=ReferralInput("县交通运输局")), now=NOW)
    assert second.referral_number == "东监交〔2026〕2号"
    next_year = dt.datetime(2027, 1, 4, 9, 0)
    third = reception.record_visit(ctx, visit(visited_at=next_year, outcome="交办",
                                             referral=ReferralInput("县交通运输局")), now=next_year)
    assert third.referral_number == "东监交〔2027〕1号"


def test_search_filters_and_sorting_page_by_page(db, ctx, reception_station):
    for i in range(30):
        reception.record_visit(ctx, visit(visited_at=NOW - dt.timedelta(days=i), citizen_name=f"群众{i:02d}",
                                         channel="电话" if i % 3 == 0 else "站内接待",
                                         content=f"第{i}件事" + ("，低保" if i % 5 == 0 else ""),
                                         representative_ids=[reception_station["张三"]] if i < 4 else []), now=NOW)
    assert reception.count_visits(ctx, VisitFilter()) == 30
    assert reception.count_visits(ctx, VisitFilter(text="低保")) == 6
    assert reception.count_visits(ctx, VisitFilter(text="低保", channel="电话")) == 2
    assert reception.count_visits(ctx, VisitFilter(representative_id=reception_station["张三"])) == 4
    assert reception.count_visits(ctx, VisitFilter(start=NOW.date() - dt.timedelta(days=6), end=NOW.date())) == 7
    assert reception.count_visits(ctx, VisitFilter(), cap=10) == 10
    page = reception.visit_page(ctx, VisitFilter(), 0, 5)
    assert [r.citizen_name for r in page] == [f"群众{i:02d}" for i in range(5)]
    by_name = reception.visit_page(ctx, VisitFilter(sort="citizen_name", descending=False), 10, 3)
    assert [r.citizen_name for r in by_name] == ["群众10", "群众11", "群众12"]
    assert reception.count_visits(ctx, VisitFilter(text="100%")) == 0


def test_voiding_keeps_the_visit_and_needs_the_referral_closed_first(db, ctx, reception_station):
    plain = reception.record_visit(ctx, visit(), now=NOW)
    reception.void_visit(ctx, plain.visit_id, "重复录入")
    assert reception.count_visits(ctx, VisitFilter()) == 0
    assert reception.count_visits(ctx, VisitFilter(include_voided=True)) == 1
    assert reception.visit_detail(ctx, plain.visit_id).void_reason == "重复录入"
    referred = reception.record_visit(ctx, visit(outcome="交办", referral=ReferralInput("县交通运输局")), now=NOW)
    with pytest.raises(StationError, match="未办结的交办单"):
        reception.void_visit(ctx, referred.visit_id, "误录")


def test_importing_an_old_paper_log_and_exporting_it_again(db, ctx, reception_station, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["东河县人大代表监督站接待群众登记表（2025年）"])
    ws.append(["序号", "来访时间", "姓名", "联系电话", "住址", "人数", "接待方式", "问题类别", "反映内容", "接待代表", "处理结果"])
    ws.append([1, dt.datetime(2025, 5, 6, 9, 30), "赵六", "13912345678", "南湖镇", 2, "站内接待", "社会保障", "医保报销慢", "张三、李四", "交办"])
    ws.append([2, "2025年5月7日", "钱七", "", "清水镇", "", "电话", "没有的类别", "问路灯", "", "解释答复"])
    ws.append([3, "五月八号", "孙八", "12345", "", 1, "站内接待", "其他", "", "王五", "当场解决"])
    ws.append(["合计", "", "", "", "", 3])
    wb.save(tmp_path / "旧登记.xlsx")
    preview = reception.preview_visit_import(ctx, tmp_path / "旧登记.xlsx", now=NOW)
    assert [(r.row_number, r.action) for r in preview.rows] == [(3, "新增"), (4, "新增"), (5, "拒绝")]
    reasons = "；".join(preview.refused[0].reasons)
    assert "五月八号" in reasons and "联系电话" in reasons and "王五" in reasons and "反映问题" in reasons
    with pytest.raises(StationError, match="旧登记.xlsx"):
        reception.commit_visit_import(ctx, preview, now=NOW)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0
    assert reception.commit_visit_import(ctx, preview, skip_refused=True, now=NOW).added == 2
    with db.session() as s:
        first = s.scalars(select(Visit).order_by(Visit.visited_at)).first()
        assert (first.outcome, first.people_count, first.category) == ("交办", 2, "社会保障")
        assert s.scalar(select(func.count()).select_from(Referral)) == 0
    assert reception.export_visits(ctx, tmp_path / "导出.xlsx") == 2
    rows = list(load_workbook(tmp_path / "导出.xlsx").active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "接待时间")
    zhao = next(r for r in rows if r and "赵六" in r)
    assert zhao[header.index("接待代表")] == "张三、李四" and zhao[header.index("联系电话")] == "13912345678"
    again = reception.preview_visit_import(ctx, tmp_path / "导出.xlsx", now=NOW)
    assert not again.refused and len(again.rows) == 2


def test_representatives_on_duty_today_come_first(db, ctx, reception_station):
    people = reception.representatives_for_reception(ctx, NOW.date())
    assert [p.name for p in people] == ["李四", "张三"] and not any(p.on_duty for p in people)


def test_the_visit_and_the_referral_history_name_the_operator_of_the_context(db, reception_station):
    # Not the database's own operator (测试员): the one signed in for this action.
    wang = ServiceContext(db, OperatorRef("wang", "王登记", Role.CLERK))
    saved = reception.record_visit(wang, visit(outcome="交办", referral=ReferralInput("县交通运输局")), now=NOW)
    referrals.sign(wang, saved.referral_id, NOW.date(), "刘科长")
    with db.session() as s:
        assert s.get(Visit, saved.visit_id).recorded_by == "王登记"
        events = s.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == saved.referral_id)
                           .order_by(ReferralEvent.at, ReferralEvent.created_at)).all()
    assert [(e.action, e.by_whom) for e in events] == [("交办", "王登记"), ("签收", "王登记")]
    assert [e.by_whom for e in referrals.referral_detail(wang, saved.referral_id).events] == ["王登记", "王登记"]


def test_a_clerk_records_visits_but_only_an_administrator_voids_them(db, ctx, reception_station):
    clerk = ServiceContext(db, OperatorRef("li", "李登记", Role.CLERK))
    saved = reception.record_visit(clerk, visit(), now=NOW)
    with pytest.raises(PermissionDenied, match="管理员"):
        reception.void_visit(clerk, saved.visit_id, "重复录入")
    assert reception.count_visits(ctx, VisitFilter()) == 1
    referred = reception.record_visit(clerk, visit(outcome="交办", referral=ReferralInput("县交通运输局")), now=NOW)
    with pytest.raises(PermissionDenied):
        referrals.void_referral(clerk, referred.referral_id, "重复登记")
    assert not referrals.referral_detail(ctx, referred.referral_id).summary.voided
    head = ServiceContext(db, OperatorRef("zhang", "张站长", Role.ADMIN))
    reception.void_visit(head, saved.visit_id, "重复录入")
    with db.session() as s:
        assert s.get(Visit, saved.visit_id).voided_by == "张站长"


def _sheet_rows(path, title=None) -> tuple[tuple, list[tuple]]:
    """(the header row, the rows under it) of a sheet written by io.excel_write.write_workbook."""
    book = load_workbook(path)
    sheet = book[title] if title else book.active
    rows = list(sheet.iter_rows(values_only=True))
    index = next(i for i, row in enumerate(rows) if row and row[0] in ("接待时间", "交办单编号"))
    return rows[index], rows[index + 1:]


def test_the_visits_export_names_the_referral_and_its_state_for_each_referred_visit(db, ctx, reception_station, tmp_path):
    plain = reception.record_visit(ctx, visit(citizen_name="钱七"), now=NOW)
    referred = reception.record_visit(ctx, visit(citizen_name="赵六", outcome="交办",
                                                 referral=ReferralInput("县交通运输局")), now=NOW)
    referrals.sign(ctx, referred.referral_id, dt.date(2026, 3, 5), "刘科长")
    assert plain.referral_id is None
    assert reception.export_visits(ctx, tmp_path / "接待.xlsx") == 2
    header, rows = _sheet_rows(tmp_path / "接待.xlsx")
    assert header[-2:] == ("交办单编号", "交办状态")
    by_name = {row[header.index("来访人")]: row for row in rows}
    assert by_name["赵六"][-2:] == ("东监交〔2026〕1号", "已交办")
    assert by_name["钱七"][-2:] in ((None, None), ("", ""))
    again = reception.preview_visit_import(ctx, tmp_path / "接待.xlsx", now=NOW)  # the import reads past them
    assert not again.refused and len(again.rows) == 2
