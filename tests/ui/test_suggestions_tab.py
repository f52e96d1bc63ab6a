"""The 代表建议 tab: the list with its deadlines, the step buttons its state allows, each step's dialog and date."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from station_app.db.models import Representative, Station
from station_app.services import settings as settings_service
from station_app.services import suggestions
from station_app.ui.referrals_page import OverdueTab
from station_app.ui.suggestions_tab import SuggestionsTab
from station_app.vocab import SuggestionScope, SuggestionState, SuggestionStep

TODAY = dt.date(2026, 3, 20)


@pytest.fixture
def rep_id(db, ctx):
    settings_service.save(ctx, settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
    with db.transaction() as s:
        rep = Representative(name="张三", level="县", station=s.get(Station, ctx.station_id), pinyin="zhang san|zs")
        s.add(rep)
    return rep.id


@pytest.fixture
def opened(ctx, rep_id):
    return suggestions.open_suggestion(ctx, opened_on=dt.date(2026, 3, 4), title="修建村口便民桥",
                                       content="村口小河没有桥", rep_ids=[rep_id], scope=SuggestionScope.COUNTY,
                                       today=dt.date(2026, 3, 4))


@pytest.fixture
def tab(app, qtbot, ctx):
    tab = SuggestionsTab(ctx, today=TODAY)
    qtbot.addWidget(tab)
    return tab


def fill_next_dialog(monkeypatch, **values):
    """Make the next dialog fill in ``values`` and press 保存; remember what it offered."""
    offered = {}

    def exec_(dialog):
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
        offered["errors"] = {key: label.text() for key, label in dialog.errors.items() if label.text()}
        offered["general"] = dialog.general_error.text()
        return dialog.result()

    monkeypatch.setattr("station_app.ui.suggestions_tab.FormDialog.exec", exec_)
    return offered


def visible_buttons(tab) -> list[str]:
    buttons = [*tab.step_buttons.values(), tab.print_button, tab.void_button]
    return [b.text() for b in buttons if not b.isHidden()]


def test_an_empty_list_says_how_suggestions_come(tab):
    tab.refresh()
    assert tab.pane.stack.currentWidget() is tab.pane.hint
    assert "转为代表建议" in tab.pane.hint.text() and "新建建议" in tab.pane.hint.text()


def test_a_suggestion_is_routed_to_the_county_through_the_tab(tab, ctx, opened, monkeypatch, qtbot):
    tab.refresh()
    assert tab.model.rowCount() == 1 and tab.selected_id() == opened
    row = tab.model.rows[0]
    assert row.overdue and row.days_late == 11  # due 3/9 (three working days), today 3/20
    assert tab.model.data(tab.model.index(0, 4)) == "超期 11 天"
    assert visible_buttons(tab) == ["研判交付/报送…", "作废…"]  # only the legal next step
    offered = fill_next_dialog(monkeypatch, scope="县级", unit="县交通运输局", routed_on="2026年3月10日")
    tab.step_buttons["route"].click()
    assert offered["dates"] == {"routed_on": "2026年3月20日"}  # offered: today
    detail = suggestions.suggestion_detail(ctx, opened, TODAY)
    assert (detail.row.state, detail.row.unit, detail.routed_on) == (
        SuggestionState.REPORTED, "县交通运输局", dt.date(2026, 3, 10))  # the day typed, not today
    assert visible_buttons(tab) == ["发交办函…", "打印交办函…", "作废…"]
    shown = tab.detail.toPlainText()
    assert "2026年3月10日 报送 县交通运输局" in shown and "迟 1 天" in shown
    assert (tab.model.rows[0].next_step, tab.model.rows[0].days_late) == (SuggestionStep.LETTER, 3)  # due 3/17


def test_a_step_dated_before_the_last_keeps_the_dialog_open_and_says_why(tab, ctx, opened, monkeypatch):
    tab.refresh()
    offered = fill_next_dialog(monkeypatch, scope="县级", unit="县交通运输局", routed_on="2026-03-01")
    tab.step_buttons["route"].click()
    assert "不能早于上一步" in offered["errors"]["routed_on"]
    assert suggestions.suggestion_detail(ctx, opened, TODAY).row.state == SuggestionState.PENDING
    offered = fill_next_dialog(monkeypatch, scope="县级", unit="县交通运输局", routed_on="2026-03-10")
    tab.step_buttons["route"].click()
    fill_next_dialog(monkeypatch, letter_on="2026-03-12")
    tab.step_buttons[SuggestionStep.LETTER].click()
    offered = fill_next_dialog(monkeypatch, answered_on="2026-03-15", answer="")
    tab.step_buttons[SuggestionStep.ANSWER].click()
    assert "answer" in offered["errors"]
    fill_next_dialog(monkeypatch, answered_on="2026-03-15", answer="已列入计划")
    tab.step_buttons[SuggestionStep.ANSWER].click()
    fill_next_dialog(monkeypatch, rated_on="2026-03-18", rating="满意")
    tab.step_buttons[SuggestionStep.RATE].click()
    detail = suggestions.suggestion_detail(ctx, opened, TODAY)
    assert (detail.row.state, detail.row.rating, detail.rated_on) == ("已评价", "满意", dt.date(2026, 3, 18))
    assert visible_buttons(tab) == ["打印交办函…", "作废…"]


def test_the_overdue_referrals_tab_lists_the_overdue_suggestions_beside_them(app, qtbot, ctx, opened):
    overdue = OverdueTab(ctx)
    qtbot.addWidget(overdue)
    overdue.refresh()
    assert overdue.suggestions.rowCount() == 1 and "超期代表建议（1 件）" == overdue.suggestions_title.text()
    assert overdue.suggestions.data(overdue.suggestions.index(0, 6)) == "报送"
