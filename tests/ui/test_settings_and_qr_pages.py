from __future__ import annotations

import zxingcpp
from PIL import Image

from station_app.services import registry
from station_app.services import settings as settings_service
from station_app.services.registry import RepresentativeInput
from station_app.ui.qr_page import QrPage
from station_app.ui.settings_page import SettingsPage


def test_settings_page_refuses_an_unknown_placeholder_and_keeps_the_old_value(app, qtbot, ctx):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.widgets["station_name"].setText("东河县人大代表监督站")
    page.widgets["qr_template"].setPlainText("https://example.org/rep/{uid}")
    page.save()
    assert "{uid}" in page.errors["qr_template"].text()
    assert ctx.station.name == "未命名代表联络站" and not ctx.station.configured
    page.widgets["qr_template"].setPlainText("https://example.org/rep/{id}")
    page.save()
    stored = settings_service.read(ctx)
    assert (ctx.station.name, stored.qr_template) == ("东河县人大代表监督站", "https://example.org/rep/{id}")
    assert [s.name for s in registry.list_stations(ctx)] == ["东河县人大代表监督站"]


def test_qr_page_shows_the_payload_and_writes_codes_that_scan_back(app, qtbot, ctx, tmp_path, monkeypatch):
    settings_service.save(ctx, settings_service.StationSettings(qr_template="https://example.org/rep/{id}?n={name}"),
                          settings_service.ThisStationInput(name="东河县人大代表监督站"))
    rep_id = registry.save_representative(ctx, RepresentativeInput(name="王伟", level="县", phone="13812345678"))
    page = QrPage(ctx)
    qtbot.addWidget(page)
    assert page.payload.toPlainText() == f"https://example.org/rep/{rep_id}?n=王伟"
    assert page.code.pixmap() is not None and not page.code.pixmap().isNull()
    monkeypatch.setattr(page, "_choose_folder", lambda: tmp_path / "out")
    page.export_selected.click()
    (png,) = (tmp_path / "out").glob("*.png")
    (code,) = zxingcpp.read_barcodes(Image.open(png))
    assert code.text == f"https://example.org/rep/{rep_id}?n=王伟"
    assert list((tmp_path / "out").glob("*.pdf"))


def test_the_deadline_is_set_in_working_days_or_months_and_starts_at_one_month(app, qtbot, ctx):
    from station_app.vocab import DeadlineUnit

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    count, unit = page.widgets["referral_deadline_count"], page.widgets["referral_deadline_unit"]
    assert (count.value(), unit.currentText()) == (1, "个月")  # the seeds: the unit answers within one month
    assert count.parentWidget() is unit.parentWidget()       # one row: "1 [个月]"
    page.widgets["station_name"].setText("东河县人大代表监督站")
    count.setValue(13)
    page.save()
    assert "1 到 12个月" in page.errors["referral_deadline_count"].text()
    unit.setCurrentIndex(unit.findData(DeadlineUnit.WORKING_DAYS.value))
    count.setValue(15)
    page.save()
    rule = settings_service.read(ctx).deadline_rule
    assert (rule.count, rule.unit) == (15, DeadlineUnit.WORKING_DAYS)
    again = SettingsPage(ctx)
    qtbot.addWidget(again)
    assert (again.widgets["referral_deadline_count"].value(), again.widgets["referral_deadline_unit"].currentText()) == (
        15, "个工作日")
