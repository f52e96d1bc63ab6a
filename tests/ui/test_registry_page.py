from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase

from station_app.services import registry
from station_app.services.context import OperatorRef, ServiceContext
from station_app.services.registry import RepFilter, RepresentativeInput
from station_app.ui.forms import FormDialog
from station_app.ui.import_dialog import ImportDialog
from station_app.ui.main_window import MainWindow
from station_app.ui.registry_page import RepresentativesTab
from station_app.ui.table_model import RowTableModel, TableColumn
from station_app.ui.widgets import select_row
from station_app.vocab import Role
from tests.workbooks import bad_rows_list, county_list


def test_table_model_sorts_chinese_by_pinyin_and_keeps_the_sort_on_refresh():
    model = RowTableModel([TableColumn("姓名", lambda r: r)])
    model.set_rows(["王伟", "陈静", "张三"])
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [model.index(i, 0).data() for i in range(3)] == ["陈静", "王伟", "张三"]
    model.set_rows(["赵丽", "安然"])
    assert model.rows == ["安然", "赵丽"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "姓名"


def test_main_window_shows_the_pages_station_and_database(app, qtbot, db):
    window = MainWindow(ServiceContext(db))
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    # An empty database opens on the first-start guide (tests/ui/test_first_start.py), before the ten pages.
    assert titles == ["开始使用", "接待登记", "三单办理", "代表名册", "排班", "签到与空岗", "误工补贴", "代表履职", "报表与报送", "代表二维码",
                      "节假日与闭站", "审计日志", "设置"]
    assert "尚未设置" in window.station_label.text()
    assert "test.sqlite" in window.db_label.text()
    assert "WenQuanYi Micro Hei" in QFontDatabase.families()


def test_empty_registry_shows_a_hint_instead_of_an_empty_table(app, qtbot, ctx):
    tab = RepresentativesTab(ctx)
    qtbot.addWidget(tab)
    assert tab.pane.stack.currentWidget() is tab.pane.hint
    assert "导入 Excel" in tab.pane.hint.text()


def test_search_as_you_type_filters_the_list(app, qtbot, ctx, tmp_path):
    registry.commit_import(ctx, registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx")))
    tab = RepresentativesTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 4
    qtbot.keyClicks(tab.search, "lxy")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.index(0, 0).data() == "李秀英"
    assert "显示 1 人 / 名册共 4 人" == tab.count.text()
    tab.search.clear()
    tab.level.setCurrentIndex(tab.level.findData("市"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.index(0, 0).data() == "张建国"


def test_edit_dialog_shows_each_error_beside_its_field_and_saves_when_fixed(app, qtbot, ctx):
    tab = RepresentativesTab(ctx)
    qtbot.addWidget(tab)
    dialog = tab.open_dialog()
    qtbot.addWidget(dialog)
    dialog.widgets["name"].setText("王伟")
    dialog.widgets["phone"].setText("1381234")
    dialog.save()
    assert "格式不对" in dialog.errors["phone"].text()
    assert "级别" in dialog.errors["level"].text()
    assert dialog.errors["name"].text() == ""
    assert dialog.result() == 0
    assert registry.list_representatives(ctx, RepFilter(state="all")) == []
    dialog.widgets["level"].setCurrentText("县")
    dialog.widgets["phone"].setText("13812345678")
    dialog.save()
    assert dialog.result() == 1
    tab.refresh()
    assert tab.model.rowCount() == 1 and tab.model.index(0, 0).data() == "王伟"


def test_voiding_from_the_page_asks_a_reason_and_hides_the_person(app, qtbot, ctx, monkeypatch):
    registry.save_representative(ctx, RepresentativeInput(name="张三", level="县"))
    tab = RepresentativesTab(ctx)
    qtbot.addWidget(tab)
    select_row(tab.view, 0)
    monkeypatch.setattr("station_app.ui.registry_page.ask_void_reason", lambda _parent, _what: "已调离")
    tab.void()
    assert tab.model.rowCount() == 0
    tab.state.setCurrentIndex(tab.state.findData("voided"))
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 9).data() == "已作废"


def test_import_preview_lists_refused_rows_first_and_needs_consent_to_skip_them(app, qtbot, ctx, tmp_path):
    preview = registry.preview_import(ctx, bad_rows_list(tmp_path / "有错.xlsx"))
    dialog = ImportDialog(preview, lambda skip: registry.commit_import(ctx, preview, skip_refused=skip),
                          title="导入代表名册", label_header="姓名")
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 0).text() == "4" and dialog.table.item(0, 2).text() == "拒绝"
    assert not dialog.import_button.isEnabled()
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert [r.name for r in registry.list_representatives(ctx)] == ["刘洋"]


def test_window_unit_tab_adds_searches_and_voids(app, qtbot, ctx, monkeypatch):
    from station_app.ui.registry_page import WindowUnitsTab

    tab = WindowUnitsTab(ctx)
    qtbot.addWidget(tab)
    assert "新增窗口单位" in tab.pane.hint.text()
    monkeypatch.setattr(FormDialog, "exec", lambda self: (self.widgets["name"].setText("县税务局"),
                                                          self.widgets["head_name"].setText("周强"),
                                                          self.save(), self.result())[-1])
    tab.open_dialog(None)
    assert tab.model.rowCount() == 1 and tab.model.index(0, 1).data() == "周强"
    tab.search.setText("不存在")
    assert tab.model.rowCount() == 0
    tab.search.clear()
    select_row(tab.view, 0)
    monkeypatch.setattr("station_app.ui.registry_page.ask_void_reason", lambda _parent, _what: "窗口撤并")
    tab.void()
    assert tab.model.rowCount() == 0



def test_the_page_imports_through_the_shared_preview_dialog(app, qtbot, ctx, tmp_path):
    tab = RepresentativesTab(ctx)
    qtbot.addWidget(tab)
    dialog = tab.import_dialog(registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx")))
    assert dialog.windowTitle() == "导入预览：名册.xlsx"
    dialog.import_button.click()
    assert (dialog.result.added, dialog.result.refused) == (4, 0)
    tab.refresh()
    assert tab.model.rowCount() == 4


def test_a_clerk_is_told_that_voiding_is_for_an_administrator(app, qtbot, db, ctx, monkeypatch, _no_message_boxes):
    registry.save_representative(ctx, RepresentativeInput(name="张三", level="县"))
    tab = RepresentativesTab(ServiceContext(db, OperatorRef("clerk", "王登记", Role.CLERK)))
    qtbot.addWidget(tab)
    select_row(tab.view, 0)
    monkeypatch.setattr("station_app.ui.registry_page.ask_void_reason", lambda _parent, _what: "已调离")
    tab.void()
    assert _no_message_boxes and _no_message_boxes[-1][0] == "作废" and "管理员" in _no_message_boxes[-1][1]
    assert tab.model.rowCount() == 1


def test_levels_kinds_and_genders_are_shown_by_their_label_and_kept_as_stored(app, qtbot, ctx):
    from station_app.i18n import set_language

    registry.save_representative(ctx, RepresentativeInput(name="张三", level="县", gender="男"))
    set_language("en")
    try:
        tab = RepresentativesTab(ctx)
        qtbot.addWidget(tab)
        assert [tab.model.index(0, column).data() for column in (1, 2, 3)] == [
            "Male", "County", "People's congress representative"]
        county = tab.level.findData("县")
        assert tab.level.itemText(county) == "County"
        dialog = tab.open_dialog(tab.model.row_at(0))
        qtbot.addWidget(dialog)
        assert (dialog.widgets["level"].currentText(), dialog.values()["level"]) == ("County", "县")
    finally:
        set_language("zh")
