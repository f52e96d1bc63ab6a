"""A new station is led from an empty database to its first day's work, and no page leaves it stuck."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from station_app.services import registry, roster_plans
from station_app.services import settings as settings_service
from station_app.services.registry import RepresentativeInput
from station_app.services.settings import ThisStationInput
from station_app.ui.forms import FormDialog
from station_app.ui.import_dialog import ImportDialog
from station_app.ui.main_window import MainWindow
from station_app.ui.roster_page import PlanDialog, RosterPage
from station_app.vocab import StationKind
from tests.workbooks import county_list


def _add_one_representative(monkeypatch) -> None:
    """The representative dialog, filled in and saved as a clerk would."""
    def fill_and_save(dialog: FormDialog) -> int:
        dialog.widgets["name"].setText("王伟")
        dialog.widgets["level"].setCurrentIndex(dialog.widgets["level"].findData("县"))
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(FormDialog, "exec", fill_and_save)


def _choose_the_wednesday_plan(monkeypatch) -> None:
    monkeypatch.setattr(PlanDialog, "exec", lambda dialog: (dialog.wednesday.click(), dialog.save(), dialog.result())[-1])


def test_setup_steps_say_what_a_new_station_still_needs(ctx):
    assert [(step.key, step.done) for step in settings_service.setup_steps(ctx)] == [
        ("station", False), ("registry", False), ("plan", False)]
    settings_service.save_this_station(ctx, ThisStationInput("东河县人大代表监督站", "DHJD", StationKind.MONITORING))
    registry.save_representative(ctx, RepresentativeInput(name="王伟", level="县"))
    steps = settings_service.setup_steps(ctx)
    assert [step.done for step in steps] == [True, True, False]
    assert steps[0].detail == "东河县人大代表监督站（DHJD）" and "1 位代表" in steps[1].detail
    roster_plans.save_plan(ctx, roster_plans.wednesday_preset("东河县人大代表监督站"))
    assert settings_service.setup_done(ctx)


def test_an_empty_database_opens_on_the_guide_until_the_station_has_a_name_people_and_a_plan(
        app, qtbot, ctx, monkeypatch):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    guide = window.first_start
    assert window.pages.currentWidget() is guide and window.nav.item(0).text() == "开始使用"
    assert [card.state.text() for card in (guide.station_card, guide.registry_card, guide.plan_card)] == [
        "未完成", "请先完成上一步", "请先完成上一步"]
    assert not guide.import_button.isEnabled() and not guide.plan_button.isEnabled()

    # 1. This station: a name is needed, then it is saved in its row of the registry.
    guide.code.setText("DHJD")
    guide.save_station_button.click()
    assert guide.errors["station_name"].text() == "站点名称不能为空" and not ctx.station.configured
    guide.name.setText("东河县人大代表监督站")
    guide.kind.setCurrentIndex(guide.kind.findData(StationKind.MONITORING.value))
    guide.save_station_button.click()
    assert ctx.station.name == "东河县人大代表监督站" and ctx.station.code == "DHJD"
    assert guide.station_card.state.text() == "✓ 已完成：东河县人大代表监督站（DHJD）"
    assert "东河县人大代表监督站" in window.station_label.text() and "东河县人大代表监督站" in window.windowTitle()
    assert window.settings.widgets["station_name"].text() == "东河县人大代表监督站"
    assert guide.import_button.isEnabled() and guide.add_button.isEnabled() and not guide.plan_button.isEnabled()

    # 2. One representative, through the registry page's own dialog.
    _add_one_representative(monkeypatch)
    guide.add_button.click()
    assert [r.name for r in registry.list_representatives(ctx)] == ["王伟"]
    assert guide.registry_card.state.text().startswith("✓ 已完成") and guide.plan_button.isEnabled()
    assert window.pages.currentWidget() is guide  # still guided: one step is left

    # 3. A duty plan from the preset; with that the guide is gone and the first page shows.
    _choose_the_wednesday_plan(monkeypatch)
    guide.plan_button.click()
    assert [p.station for p in roster_plans.list_plans(ctx)] == ["东河县人大代表监督站"]
    assert window.first_start is None
    assert [window.nav.item(i).text() for i in range(window.nav.count())][:2] == ["接待登记", "三单办理"]
    assert window.nav.count() == window.pages.count() == 12  # eleven pages and an administrator's 审计日志
    assert window.pages.currentWidget() is window.reception and window.nav.currentRow() == 0
    assert window.roster.plan.count() == 1


def test_the_guide_imports_the_county_list_through_the_registry_import(app, qtbot, ctx, monkeypatch, tmp_path):
    settings_service.save_this_station(ctx, ThisStationInput("东河县人大代表监督站", "DHJD", StationKind.MONITORING))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    workbook = county_list(tmp_path / "名册.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(workbook), ""))
    monkeypatch.setattr(ImportDialog, "exec", lambda dialog: (dialog.apply(), dialog.result is not None)[-1])
    window.first_start.import_button.click()
    assert len(registry.list_representatives(ctx)) == 4
    assert window.first_start.registry_card.state.text() == "✓ 已完成：名册中有 4 位代表"
    assert window.registry.representatives.model.rowCount() == 4


def test_a_step_done_on_its_own_page_also_ends_the_guide(app, qtbot, ctx, monkeypatch):
    settings_service.save_this_station(ctx, ThisStationInput("东河县代表联络站", "DHLL", StationKind.TOWNSHIP))
    registry.save_representative(ctx, RepresentativeInput(name="王伟", level="县"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.pages.currentWidget() is window.first_start
    window.go_to("roster")
    _choose_the_wednesday_plan(monkeypatch)
    window.roster.new_plan_button.click()
    window.go_to("registry")  # moving on: the guide sees the plan and steps aside
    assert window.first_start is None and window.pages.currentWidget() is window.registry
    assert window.nav.item(window.nav.currentRow()).text() == "代表名册"


def test_a_station_already_set_up_opens_on_the_reception_page(app, qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    assert window.first_start is None and window.pages.currentWidget() is window.reception
    assert window.nav.item(0).text() == "接待登记"


def test_the_roster_page_of_an_empty_database_says_what_to_do_first(app, qtbot, ctx, _no_message_boxes):
    page = RosterPage(ctx)
    qtbot.addWidget(page)
    assert "设置" in page.empty_hint.text() and "本站名称" in page.empty_hint.text()
    dialog = PlanDialog(ctx, parent=page)
    qtbot.addWidget(dialog)
    assert dialog.station.count() == 0 and "设置" in dialog.error.text()
    page.declare_unavailable()  # nobody to choose: it says where people come from
    assert _no_message_boxes[-1] == ("登记不能值班", "名册还是空的。请先在“代表名册”中导入或新增代表。")

    settings_service.save_this_station(ctx, ThisStationInput("东河县代表联络站", "DHLL", StationKind.TOWNSHIP))
    page.refresh()
    assert "代表名册" in page.empty_hint.text() and "导入" in page.empty_hint.text()
    registry.save_representative(ctx, RepresentativeInput(name="王伟", level="县"))
    page.refresh()
    assert "新建方案" in page.empty_hint.text() and "周三代表活动日" in page.empty_hint.text()
    dialog = PlanDialog(ctx, parent=page)
    qtbot.addWidget(dialog)
    assert dialog.station.currentText() == "东河县代表联络站" and dialog.error.text() == ""


def test_the_first_start_screen_is_drawn_whole(app, qtbot, ctx, tmp_path: Path):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    image = window.grab()
    assert image.width() == 1280 and window.first_start.isVisible()
    assert window.first_start.plan_card.geometry().bottom() < window.first_start.height()


def test_a_county_office_in_county_mode_opens_on_its_pages_without_the_guide(app, qtbot, ctx):
    settings_service.save(ctx, replace(settings_service.read(ctx), county_mode=True))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.first_start is None and window.nav.item(0).text() == "接待登记"
