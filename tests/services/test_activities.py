"""履职活动: record, edit, void, list; import through the common pipeline; export that imports back unchanged."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from station_app.db.models import Activity, ActivityParticipant, Delegation, Representative
from station_app.io.excel import WorkbookError
from station_app.services import activities as act
from station_app.services import settings as settings_service
from station_app.services.activities import ActivityInput, Participant
from station_app.services.errors import ValidationFailed
from station_app.services.importing import ImportRefused
from station_app.vocab import ActivityKind, ImportAction

DAY = dt.date(2026, 3, 5)
HEADER = ["日期", "类型", "地点", "主题", "参加代表", "缺席代表", "通过", "未通过代表", "备注"]


@pytest.fixture
def people(db, ctx, reception_station):
    """张三, 李四, and two 张建华 in two delegations (namesakes): name → id (the 张建华 by delegation)."""
    with db.transaction() as s:
        for delegation, phone in (("西岭乡代表团", "13800000985"), ("城关镇代表团", "13900001234")):
            s.add(Representative(name="张建华", level="县", delegation=Delegation(name=delegation), phone=phone,
                                 station_id=ctx.station_id, pinyin="zhang jian hua|zhangjianhua|zjh"))
    with db.session() as s:
        ids = dict(reception_station)
        for rep_id, delegation in s.execute(select(Representative.id, Delegation.name).join(
                Delegation, Representative.delegation_id == Delegation.id).where(Representative.name == "张建华")):
            ids[delegation] = rep_id
        return ids


def workbook(path, *rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(["东河县代表履职活动登记表"])
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def count(db, model=Activity, *where) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_an_activity_is_recorded_edited_and_voided_with_its_participants(ctx, db, people):
    activity_id = act.save_activity(ctx, ActivityInput(ActivityKind.INSPECTION, DAY, "东河村", "人居环境视察", "",
                                                       [Participant(people["张三"]), Participant(people["李四"], False)]))
    row, = act.list_activities(ctx, DAY, DAY)
    assert (row.kind, row.participants, row.present, row.passed, row.station) == \
        ("视察调研", 2, 1, 0, "东河县人大代表监督站")
    act.save_activity(ctx, ActivityInput(ActivityKind.INSPECTION, DAY, "东河村", "人居环境视察", "补记",
                                         [Participant(people["李四"]), Participant(people["西岭乡代表团"])]),
                      activity_id)
    detail = act.activity_detail(ctx, activity_id)
    assert detail.notes == "补记"
    assert {(p.name, p.present) for p in detail.participants} == {("李四", True), ("张建华（西岭乡代表团）", True)}
    # 张三, dropped by the edit, stays in the database, voided
    with db.session() as s:
        dropped = s.scalar(select(ActivityParticipant).where(ActivityParticipant.representative_id == people["张三"]))
        assert dropped.voided_at is not None and dropped.voided_by == "测试员"
    assert [r.id for r in act.list_activities(ctx, rep_id=people["张三"])] == []
    assert [r.id for r in act.list_activities(ctx, rep_id=people["李四"])] == [activity_id]
    act.void_activity(ctx, activity_id, "重复录入")
    assert act.list_activities(ctx) == []
    assert act.list_activities(ctx, include_voided=True)[0].voided
    assert count(db) == 1


def test_only_a_training_records_who_passed(ctx, people):
    with pytest.raises(ValidationFailed) as caught:
        act.save_activity(ctx, ActivityInput(ActivityKind.MEETING, DAY, theme="季度会",
                                             participants=[Participant(people["张三"], True, True)]))
    assert "passed" in caught.value.errors
    training = act.save_activity(ctx, ActivityInput(ActivityKind.TRAINING, DAY, theme="代表法培训", participants=[
        Participant(people["张三"], True, True), Participant(people["李四"], True, False)]))
    row, = act.list_activities(ctx, kind=ActivityKind.TRAINING)
    assert (row.id, row.present, row.passed) == (training, 2, 1)


def test_unknown_kind_no_people_no_date_and_a_voided_representative_are_refused(ctx, db, people):
    with pytest.raises(ValidationFailed) as caught:
        act.save_activity(ctx, ActivityInput("踏青", None, participants=[]))
    assert set(caught.value.errors) == {"kind", "day", "participants"}
    assert "踏青" in caught.value.errors["kind"] and "设置" in caught.value.errors["kind"]
    settings_service.save(ctx, settings_service.read(ctx).replace(activity_kinds="防汛巡查"))
    assert act.kinds(ctx)[-1] == "防汛巡查"
    act.save_activity(ctx, ActivityInput("防汛巡查", DAY, participants=[Participant(people["张三"])]))
    with db.transaction() as s:
        s.get(Representative, people["李四"]).voided_at = dt.datetime(2026, 1, 1)
    with pytest.raises(ValidationFailed, match="李四.*已作废"):
        act.save_activity(ctx, ActivityInput(ActivityKind.MEETING, DAY, participants=[Participant(people["李四"])]))
    assert count(db) == 1


def test_the_picker_offers_representatives_in_office_with_namesakes_told_apart(ctx, people):
    names = {p.name for p in act.representatives_for_activity(ctx)}
    assert {"张三", "李四", "张建华（西岭乡代表团）", "张建华（城关镇代表团）"} <= names


def test_importing_the_same_workbook_twice_adds_nothing_the_second_time(ctx, db, people, tmp_path):
    path = workbook(tmp_path / "活动.xlsx",
                    ["2026-03-05", "视察调研", "东河村", "人居环境视察", "张三、李四", "", "", "", ""],
                    ["2026/3/12", "学习培训", "县委党校", "代表法培训", "张三，张建华(西岭乡代表团) 李四", "",
                     "是", "李四", ""],
                    ["2026年3月20日", "Meeting", "", "季度会", "张建华（尾号1234）", "张三", "", "", "补记"])
    preview = act.preview_activity_import(ctx, path)
    assert preview.count(ImportAction.ADD) == 3, preview.report_lines()
    assert act.commit_activity_import(ctx, preview).added == 3
    again = act.preview_activity_import(ctx, path)
    assert again.count(ImportAction.SAME) == 3
    act.commit_activity_import(ctx, again)
    assert count(db) == 3
    training = act.activity_detail(ctx, act.list_activities(ctx, kind=ActivityKind.TRAINING)[0].id)
    assert {p.name: p.passed for p in training.participants} == {
        "张三": True, "李四": False, "张建华（西岭乡代表团）": True}
    meeting = act.activity_detail(ctx, act.list_activities(ctx, kind=ActivityKind.MEETING)[0].id)
    assert {(p.name, p.present) for p in meeting.participants} == {("张建华（城关镇代表团）", True), ("张三", False)}


def test_a_changed_row_updates_the_stored_activity(ctx, db, people, tmp_path):
    first = workbook(tmp_path / "a.xlsx", ["2026-03-05", "视察调研", "东河村", "人居环境视察", "张三", "", "", "", ""])
    act.commit_activity_import(ctx, act.preview_activity_import(ctx, first))
    second = workbook(tmp_path / "b.xlsx", ["2026-03-05", "视察调研", "", "人居环境视察", "张三、李四", "", "", "", ""])
    preview = act.preview_activity_import(ctx, second)
    assert preview.count(ImportAction.UPDATE) == 1
    act.commit_activity_import(ctx, preview)
    row, = act.list_activities(ctx)
    assert (row.participants, row.place) == (2, "东河村")  # an empty place keeps the stored one


def test_refused_rows_say_why_and_nothing_is_written(ctx, db, people, tmp_path):
    path = workbook(tmp_path / "坏.xlsx",
                    ["2026-03-05", "视察调研", "", "好的一行", "张三", "", "", "", ""],
                    ["2026-03-06", "视察调研", "", "同名", "张建华", "", "", "", ""],
                    ["2026-03-07", "视察调研", "", "查无此人", "王五", "", "", "", ""],
                    ["2026-03-08", "踏青", "", "类型不对", "张三", "", "", "", ""],
                    ["三月八日", "视察调研", "", "日期不对", "张三", "", "", "", ""],
                    ["2026-03-09", "参加会议", "", "会议不考核", "张三", "", "是", "", ""],
                    ["2026-03-05", "视察调研", "", "好的一行", "李四", "", "", "", ""])
    preview = act.preview_activity_import(ctx, path)
    reasons = {row.label.split(" ", 1)[1]: "；".join(row.reasons) for row in preview.refused}
    assert "有 2 位“张建华”" in reasons["同名"] and "代表团" in reasons["同名"]
    assert "没有代表“王五”" in reasons["查无此人"]
    assert "踏青" in reasons["类型不对"]
    assert "看不懂" in reasons["日期不对"]
    assert "学习培训" in reasons["会议不考核"]
    assert "与第 3 行" in reasons["好的一行"]
    with pytest.raises(ImportRefused):
        act.commit_activity_import(ctx, preview)
    assert count(db) == 0
    assert act.commit_activity_import(ctx, preview, skip_refused=True).added == 1
    assert count(db) == 1


def test_export_then_import_changes_nothing(ctx, db, people, tmp_path):
    act.save_activity(ctx, ActivityInput(ActivityKind.TRAINING, DAY, "县委党校", "预算审查（专题）培训", "第一期\n上午", [
        Participant(people["西岭乡代表团"], True, True), Participant(people["城关镇代表团"], True, False),
        Participant(people["李四"], False)]))
    act.save_activity(ctx, ActivityInput(ActivityKind.INSPECTION, DAY + dt.timedelta(days=1), "东河村", "视察",
                                         participants=[Participant(people["张三"])]))
    path = tmp_path / "导出.xlsx"
    assert act.export_activities(ctx, path) == 2
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[2]]
    training = dict(zip(header, [c.value for c in sheet[3]]))
    assert set(training["参加代表"].split("、")) == {"张建华（城关镇代表团）", "张建华（西岭乡代表团）"}
    assert (training["缺席代表"], training["通过"], training["未通过代表"]) == ("李四", "是", "张建华（城关镇代表团）")
    assert act.export_activities(ctx, tmp_path / "后.xlsx", start=DAY + dt.timedelta(days=1)) == 1
    preview = act.preview_activity_import(ctx, path)
    assert preview.count(ImportAction.SAME) == 2, preview.report_lines()
    act.commit_activity_import(ctx, preview)
    assert count(db) == 2


@pytest.mark.parametrize("name, content", [
    ("空.xlsx", b""), ("坏.xlsx", b"PK\x03\x04 not really a zip"), ("文本.txt", "日期,类型\n".encode()),
])
def test_a_bad_workbook_is_refused_and_the_database_is_left_as_it_was(ctx, db, people, tmp_path, name, content):
    act.save_activity(ctx, ActivityInput(ActivityKind.MEETING, DAY, participants=[Participant(people["张三"])]))
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=name):
        act.preview_activity_import(ctx, path)
    with pytest.raises(WorkbookError, match="找不到文件"):
        act.preview_activity_import(ctx, tmp_path / "没有.xlsx")
    wrong = workbook(tmp_path / "名册.xlsx", ["王五", "男"], header=["姓名", "性别"])
    with pytest.raises(WorkbookError, match="表头"):
        act.preview_activity_import(ctx, wrong)
    assert count(db) == 1 and count(db, ActivityParticipant) == 1
