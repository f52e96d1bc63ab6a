"""The 三单 page's action dialogs: the date each asks for is the date the step carries."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from station_app.services import reception, referrals
from station_app.services import settings as settings_service
from station_app.services.reception import ReferralInput, VisitInput
from station_app.ui.referrals_page import ReferralListTab
from station_app.vocab import ReferralAction


@pytest.fixture
def referred(ctx):
    settings_service.save(ctx, settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
    saved = reception.record_visit(ctx, VisitInput(visited_at=dt.datetime(2026, 3, 4, 9), category="其他",
                                                  content="路灯坏了", outcome="交办",
                                                  referral=ReferralInput("县住房和城乡建设局")),
                                   now=dt.datetime(2026, 3, 4, 9, 30))
    return saved.referral_id


@pytest.fixture
def tab(app, qtbot, ctx, referred):
    tab = ReferralListTab(ctx)
    qtbot.addWidget(tab)
    tab.reload_units()
    return tab


def answer(monkeypatch, **values):
    """Make the next dialog fill in ``values`` and press 保存; remember what it offered."""
    offered = {}

    def exec_(dialog):
        offered.update({key: widget for key, widget in dialog.widgets.items()})
        offered["dates"] = {key: widget.text() for key, widget in dialog.widgets.items() if key.endswith("_on")}
        for key, value in values.items():
            widget = dialog.widgets[key]
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findData(value)) if not widget.isEditable() else widget.setEditText(value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                widget.setText(value)
        dialog.save()
        offered["error"] = {key: label.text() for key, label in dialog.errors.items() if label.text()}
        return dialog.result()

    monkeypatch.setattr("station_app.ui.referrals_page.FormDialog.exec", exec_)
    return offered


def test_each_step_carries_the_date_given_in_its_dialog(tab, ctx, referred, monkeypatch):
    offered = answer(monkeypatch, signed_on="2026年3月5日", by="刘科长")
    tab.act(ReferralAction.SIGN)
    today = dt.date.today()
    assert offered["dates"] == {"signed_on": f"{today.year}年{today.month}月{today.day}日"}  # offered: today
    answer(monkeypatch, replied_on="2026-03-20", handler="刘科长", result="已修复")
    tab.act(ReferralAction.FEEDBACK)
    answer(monkeypatch, followed_on="2026/3/25", by_whom="站长")
    tab.act(ReferralAction.FOLLOW_UP)  # 满意度 left empty: the dialog stays open, nothing moves
    assert referrals.referral_detail(ctx, referred).summary.state == "已反馈"
    offered = answer(monkeypatch, followed_on="2026/3/25", by_whom="站长", satisfaction="满意", method="电话")
    tab.act(ReferralAction.FOLLOW_UP)
    offered = answer(monkeypatch, closed_on="2026年3月26日")
    tab.act(ReferralAction.CLOSE)  # 办结 asks for its date too
    assert "closed_on" in offered["dates"]
    detail = referrals.referral_detail(ctx, referred)
    assert detail.summary.state == "办结" and detail.closed_on == dt.date(2026, 3, 26)
    assert [(e.action, e.at.date()) for e in detail.events][1:] == [
        ("签收", dt.date(2026, 3, 5)), ("反馈", dt.date(2026, 3, 20)), ("回访", dt.date(2026, 3, 25)),
        ("办结", dt.date(2026, 3, 26))]
    shown = tab.detail.toPlainText()
    assert "2026年3月5日" in shown and "2026年3月26日" in shown and "2026-03" not in shown


def test_a_date_before_the_step_before_is_refused_beside_the_field(tab, ctx, referred, monkeypatch):
    offered = answer(monkeypatch, signed_on="2026年3月3日", by="刘科长")
    tab.act(ReferralAction.SIGN)
    assert "不能早于上一步（2026年3月4日交办）" in offered["error"]["signed_on"]
    assert referrals.referral_detail(ctx, referred).summary.state == "待交办"


def test_the_reassign_dialog_does_not_offer_the_unit_that_returned_it(tab, ctx, referred, monkeypatch):
    answer(monkeypatch, returned_on="2026年3月5日", reason="不归我们管")
    tab.act(ReferralAction.RETURN)
    offered = answer(monkeypatch, reassigned_on="2026年3月6日", unit="县住房和城乡建设局")
    tab.act(ReferralAction.REASSIGN)
    units = offered["unit"]
    assert units.findText("县住房和城乡建设局") < 0 and units.findText("县交通运输局") >= 0
    assert "不能再改派给它" in offered["error"]["unit"]  # typed in anyway: refused with the reason
    answer(monkeypatch, reassigned_on="2026年3月6日", unit="县交通运输局")
    tab.act(ReferralAction.REASSIGN)
    detail = referrals.referral_detail(ctx, referred)
    assert (detail.summary.unit, detail.summary.issued_on, detail.events[-1].at.date()) == (
        "县交通运输局", dt.date(2026, 3, 6), dt.date(2026, 3, 6))


def test_the_ledger_is_exported_from_the_page(tab, tmp_path, monkeypatch, _no_message_boxes):
    target = tmp_path / "台账.xlsx"
    monkeypatch.setattr("station_app.ui.referrals_page.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    assert tab.ledger_button.text() == "导出交办台账…"
    tab.ledger_button.click()
    rows = list(load_workbook(target)["交办台账"].iter_rows(values_only=True))
    assert rows[1][0] == "交办单编号" and rows[2][0] == "东监交〔2026〕1号"
    assert _no_message_boxes[-1] == ("导出交办台账", f"已导出 1 件交办单到 {target}")


def test_the_date_a_dialog_offers_in_english_is_one_it_accepts(tab, ctx, referred, monkeypatch):
    from station_app.i18n import set_language

    set_language("en")
    offered = answer(monkeypatch, by="Liu")  # the offered date (today) kept as it is
    tab.act(ReferralAction.SIGN)
    today = dt.date.today()
    assert offered["dates"] == {"signed_on": f"{today.month}/{today.day}/{today.year}"} and not offered["error"]
    assert referrals.referral_detail(ctx, referred).events[-1].at.date() == today
