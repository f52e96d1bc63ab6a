from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from station_app.db.models import AuditLog, Delegation, Representative, Station, WindowUnit
from station_app.services import registry
from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
from station_app.services.errors import StationError, ValidationFailed
from station_app.services.registry import (
    RepFilter,
    RepresentativeInput,
    StationInput,
    WindowUnitInput,
)
from station_app.vocab import AuditAction, ImportAction, Role
from tests.workbooks import ID_FEMALE, ID_MALE, bad_rows_list, county_list


def rep_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Representative))


def test_saving_a_representative_normalises_what_was_typed(ctx):
    rep_id = registry.save_representative(ctx, RepresentativeInput(
        name="王　伟", level="县级", delegation="城关镇代表团", phone="１３８ ３９３１ ２３４５", id_number=ID_MALE.lower()))
    row = registry.get_representative(ctx, rep_id)
    assert (row.name, row.level, row.phone, row.gender, row.delegation) == ("王伟", "县", "13839312345", "男", "城关镇代表团")


def test_invalid_fields_are_reported_field_by_field_and_nothing_is_written(db, ctx):
    with pytest.raises(ValidationFailed) as caught:
        registry.save_representative(ctx, RepresentativeInput(name="", level="", phone="12345", id_number="410928198001010011"))
    assert set(caught.value.errors) == {"name", "level", "phone", "id_number"}
    assert "校验位" in caught.value.errors["id_number"]
    assert rep_count(db) == 0


def test_gender_contradicting_the_id_number_is_refused(ctx):
    with pytest.raises(ValidationFailed) as caught:
        registry.save_representative(ctx, RepresentativeInput(name="赵丽", level="县", gender="男", id_number=ID_FEMALE))
    assert "身份证号显示为女" in caught.value.errors["gender"]


def test_a_second_person_with_the_same_id_number_is_refused(ctx):
    registry.save_representative(ctx, RepresentativeInput(name="王伟", level="县", id_number=ID_MALE))
    with pytest.raises(ValidationFailed) as caught:
        registry.save_representative(ctx, RepresentativeInput(name="王小伟", level="县", id_number=ID_MALE))
    assert "王伟" in caught.value.errors["id_number"]


def test_search_finds_by_pinyin_initials_phone_and_delegation(ctx):
    registry.save_representative(ctx, RepresentativeInput(name="张三", level="县", delegation="城关镇代表团", phone="13800001111"))
    registry.save_representative(ctx, RepresentativeInput(name="李四", level="市", delegation="南湖镇代表团", phone="13900002222"))

    def names(**kw):
        return [r.name for r in registry.list_representatives(ctx, RepFilter(**kw))]
    assert names(text="zs") == ["张三"]
    assert names(text="0002222") == ["李四"]
    assert names(text="南湖") == ["李四"]
    assert names(level="县") == ["张三"]
    assert names(delegation="南湖镇代表团") == ["李四"]


def test_voiding_needs_a_reason_keeps_the_row_and_is_audited(db, ctx):
    rep_id = registry.save_representative(ctx, RepresentativeInput(name="张三", level="县"))
    with pytest.raises(ValidationFailed):
        registry.void_representative(ctx, rep_id, "  ")
    registry.void_representative(ctx, rep_id, "调离本县")
    assert registry.list_representatives(ctx) == []
    voided = registry.list_representatives(ctx, RepFilter(state="voided"))
    assert [(r.name, r.void_reason) for r in voided] == [("张三", "调离本县")]
    with db.session() as s:
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.record_id == rep_id).order_by(AuditLog.id)))
        assert s.get(Representative, rep_id).voided_by == "测试员"
    assert actions == [AuditAction.INSERT, AuditAction.VOID]
    with pytest.raises(StationError):
        registry.save_representative(ctx, RepresentativeInput(name="张三", level="市"), rep_id)


def test_importing_a_messy_county_list(ctx, tmp_path):
    preview = registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx"))
    assert preview.header_row == 3
    assert [(r.row_number, r.label, r.action) for r in preview.rows] == [
        (4, "王伟", ImportAction.ADD), (5, "李秀英", ImportAction.ADD), (6, "张建国", ImportAction.ADD),
        (8, "赵丽", ImportAction.ADD)]
    assert preview.skipped and preview.skipped[0][0] == 9
    result = registry.commit_import(ctx, preview)
    assert (result.added, result.refused) == (4, 0)
    reps = {r.name: r for r in registry.list_representatives(ctx, RepFilter(state="all"))}
    assert reps["王伟"].phone == "13839312345"
    assert reps["李秀英"].delegation == "城关镇代表团"          # from the merged cell
    assert reps["张建国"].delegation == "城关镇代表团"
    assert reps["张建国"].phone == "0393-4821234"
    assert reps["李秀英"].has_fixed_income is False
    assert reps["赵丽"].gender == "女"                         # from the ID number
    assert reps["赵丽"].level == "县"


def test_importing_the_same_list_again_updates_instead_of_duplicating(db, ctx, tmp_path):
    path = county_list(tmp_path / "名册.xlsx")
    registry.commit_import(ctx, registry.preview_import(ctx, path))
    again = registry.preview_import(ctx, path)
    assert {r.action for r in again.rows} == {ImportAction.SAME}
    wb = load_workbook(path)
    wb.active["F4"] = "城关镇人民政府镇长"
    wb.save(path)
    changed = registry.preview_import(ctx, path)
    assert [(r.label, r.action) for r in changed.rows if r.action != ImportAction.SAME] == [
        ("王伟", ImportAction.UPDATE)]
    registry.commit_import(ctx, changed)
    assert rep_count(db) == 4
    (wang,) = registry.list_representatives(ctx, RepFilter(text="王伟"))
    assert wang.work_unit == "城关镇人民政府镇长"


def test_a_list_with_bad_rows_reports_each_and_writes_nothing(db, ctx, tmp_path):
    preview = registry.preview_import(ctx, bad_rows_list(tmp_path / "有错.xlsx"))
    refused = {r.row_number: "；".join(r.reasons) for r in preview.refused}
    assert sorted(refused) == [4, 5, 6, 7, 8]
    assert "联系电话" in refused[4]
    assert "级别" in refused[5] and "区" in refused[5]
    assert "姓名" in refused[6]
    assert "校验位" in refused[7]
    assert "第 3 行" in refused[8]
    with pytest.raises(StationError) as caught:
        registry.commit_import(ctx, preview)
    assert "有错.xlsx" in str(caught.value) and "第 4 行" in str(caught.value)
    assert rep_count(db) == 0
    result = registry.commit_import(ctx, preview, skip_refused=True)
    assert (result.added, result.refused, rep_count(db)) == (1, 5, 1)


def test_export_writes_the_columns_the_import_reads(ctx, tmp_path):
    registry.commit_import(ctx, registry.preview_import(ctx, county_list(tmp_path / "in.xlsx")))
    out = tmp_path / "out.xlsx"
    assert registry.export_representatives(ctx, out) == 4
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in values if row[0] == "序号")
    assert header[:4] == ["序号", "姓名", "性别", "类别"]
    wang = next(row for row in values if "王伟" in row)
    assert wang[header.index("联系电话")] == "13839312345"
    assert wang[header.index("身份证号")] == ID_MALE[:6] + "********" + ID_MALE[-4:]  # masked unless chosen
    again = registry.preview_import(ctx, out)
    assert {r.action for r in again.rows} == {ImportAction.SAME}  # a masked number keeps the stored one


def test_the_export_keeps_whole_id_numbers_only_when_an_administrator_chose_it(ctx, tmp_path):
    from station_app.services import settings as settings_service

    registry.save_representative(ctx, RepresentativeInput(name="赵敏", level="县", id_number=ID_MALE))  # no phone
    out = tmp_path / "out.xlsx"
    registry.export_representatives(ctx, out)
    text = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    assert ID_MALE not in text and ID_MALE[:6] + "********" + ID_MALE[-4:] in text
    again = registry.preview_import(ctx, out)  # found by its 编号: neither a number nor a phone to match on
    assert [r.action for r in again.rows] == [ImportAction.SAME]
    registry.commit_import(ctx, again)
    assert [r.id_number for r in registry.list_representatives(ctx, RepFilter(state="all"))] == [ID_MALE]

    settings_service.save(ctx, settings_service.read(ctx).replace(export_full_id_numbers=True))
    registry.export_representatives(ctx, out)
    assert ID_MALE in [c.value for row in load_workbook(out).active.iter_rows() for c in row]


def test_window_units_and_stations_are_validated_and_unique(ctx):
    registry.save_station(ctx, StationInput(name="东河县人大代表监督站", code="dhjd"))
    with pytest.raises(ValidationFailed) as caught:
        registry.save_station(ctx, StationInput(name="另一个站", code="DHJD"))
    assert "code" in caught.value.errors
    registry.save_window_unit(ctx, WindowUnitInput(name="县税务局", head_name="周强", head_phone="13800001234",
                                                  station="东河县人大代表监督站"))
    with pytest.raises(ValidationFailed) as caught:
        registry.save_window_unit(ctx, WindowUnitInput(name="县税务局", head_name="", head_phone="123"))
    assert set(caught.value.errors) == {"name", "head_name", "head_phone"}
    (unit,) = registry.list_window_units(ctx)
    (station,) = registry.list_stations(ctx)
    assert (unit.station, station.code) == ("东河县人大代表监督站", "DHJD")


def test_delegations_named_in_an_import_are_created_once(db, ctx, tmp_path):
    registry.commit_import(ctx, registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx")))
    with db.session() as s:
        assert sorted(s.scalars(select(Delegation.name))) == ["南湖镇代表团", "城关镇代表团"]


def test_export_headers_stay_chinese_when_the_interface_is_english(ctx, tmp_path):
    from station_app.i18n import set_language

    registry.commit_import(ctx, registry.preview_import(ctx, county_list(tmp_path / "in.xlsx")))
    set_language("en")
    registry.export_representatives(ctx, tmp_path / "out.xlsx")
    set_language("zh")
    again = registry.preview_import(ctx, tmp_path / "out.xlsx")
    assert {r.action for r in again.rows} == {ImportAction.SAME}


def test_a_clerk_may_read_the_registry_but_not_change_it(db, ctx, tmp_path):
    rep_id = registry.save_representative(ctx, RepresentativeInput(name="张三", level="县"))
    clerk = ServiceContext(db, OperatorRef("clerk", "王登记", Role.CLERK))
    assert [r.name for r in registry.list_representatives(clerk)] == ["张三"]
    with pytest.raises(PermissionDenied) as caught:
        registry.save_representative(clerk, RepresentativeInput(name="李四", level="县"))
    assert "王登记" in str(caught.value)
    with pytest.raises(PermissionDenied):
        registry.void_representative(clerk, rep_id, "调离本县")
    with pytest.raises(PermissionDenied):
        registry.save_station(clerk, StationInput(name="东河县人大代表监督站", code="DHJD"))
    preview = registry.preview_import(clerk, county_list(tmp_path / "名册.xlsx"))
    with pytest.raises(PermissionDenied):
        registry.commit_import(clerk, preview)
    assert rep_count(db) == 1
    assert not registry.get_representative(ctx, rep_id).voided
    assert registry.list_stations(ctx) == []


def test_a_person_added_elsewhere_after_the_preview_stops_the_import(db, ctx, tmp_path):
    preview = registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx"))
    assert preview.count(ImportAction.ADD) == 4
    other_pc = ServiceContext(db, OperatorRef("other", "另一位管理员", Role.ADMIN))
    registry.save_representative(other_pc, RepresentativeInput(name="王伟", level="县", id_number=ID_MALE))
    with pytest.raises(StationError) as caught:
        registry.commit_import(ctx, preview)
    assert "第 4 行" in str(caught.value) and "重新预览" in str(caught.value)
    assert rep_count(db) == 1


def test_window_units_and_stations_are_voided_by_the_operator_with_a_reason(db, ctx):
    station_id = registry.save_station(ctx, StationInput(name="东河县人大代表监督站", code="DHJD"))
    unit_id = registry.save_window_unit(ctx, WindowUnitInput(name="县税务局", head_name="周强"))
    with pytest.raises(ValidationFailed):
        registry.void_window_unit(ctx, unit_id, "")
    registry.void_window_unit(ctx, unit_id, "窗口撤并")
    registry.void_station(ctx, station_id, "站点合并")
    assert registry.list_window_units(ctx) == [] and registry.list_stations(ctx) == []
    (unit,) = registry.list_window_units(ctx, include_voided=True)
    (station,) = registry.list_stations(ctx, include_voided=True)
    assert unit.voided and station.voided
    with db.session() as s:
        assert s.get(WindowUnit, unit_id).voided_by == s.get(Station, station_id).voided_by == "测试员"
    with pytest.raises(StationError):
        registry.void_station(ctx, station_id, "又一次")
