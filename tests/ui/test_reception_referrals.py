"""From a 交办 visit to its referral: the print offer after the save, the visit's detail, the 三单 list's selection."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from station_app.db.models import Representative, Station
from station_app.services import reception, referrals
from station_app.services import settings as settings_service
from station_app.services.reception import ReferralInput, VisitInput, VisitSaved
from station_app.ui import reception_page
from station_app.ui.main_window import MainWindow
from station_app.ui.reception_page import EntryForm, VisitDetailDialog
from station_app.ui.referrals_page import ReferralsPage
from station_app.ui.widgets import select_row
from station_app.vocab import Outcome, ReferralState


@pytest.fixture
def station(db, ctx):
    settings_service.save(ctx, settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
    with db.transaction() as s:
        s.add(Representative(name="张三", level="县", station=s.get(Station, ctx.station_id),
                             pinyin="zhang san|zhangsan|zs"))


def refer(ctx, citizen: str, at: dt.datetime, unit: str = "县住房和城乡建设局") -> VisitSaved:
    return reception.record_visit(ctx, VisitInput(visited_at=at, citizen_name=citizen, category="其他",
                                                  content=f"{citizen}反映路灯坏了", outcome=Outcome.REFERRED,
                                                  referral=ReferralInput(unit)), now=at)


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def shown(qtbot, widget):
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


def open_page(window: MainWindow, page) -> None:
    window.nav.setCurrentRow(window.pages.indexOf(page))


def fill_referral(entry: EntryForm, citizen: str) -> None:
    entry.citizen_name.setText(citizen)
    entry.category.setCurrentIndex(0)
    entry.content.setPlainText("工程款被拖欠")
    entry.outcome.setCurrentIndex(list(Outcome).index(Outcome.REFERRED))
    entry.unit.setCurrentText("县人力资源和社会保障局")


def test_saving_a_referral_offers_to_print_that_referral_and_no_other(app, qtbot, ctx, station, monkeypatch):
    old = refer(ctx, "赵六", dt.datetime(2026, 3, 2, 9))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    shown(qtbot, window)
    open_page(window, window.referrals)
    assert window.referrals.list.selected_ids() == [old.referral_id]        # the 三单 list has the old one
    open_page(window, window.reception)
    printed: list[tuple[str, str]] = []
    monkeypatch.setattr(reception_page, "print_with_preview",
                        lambda _parent, path, title: printed.append((title, pdf_text(path))))
    entry = window.reception.entry
    assert not entry.print_bar.isVisibleTo(entry)

    fill_referral(entry, "王大妈")
    entry.save()
    new = referrals.list_referrals(ctx)[0]
    assert new.id != old.referral_id and new.citizen == "王大妈"
    assert entry.print_bar.isVisibleTo(entry) and new.number in entry.print_label.text()
    assert entry.citizen_name.hasFocus()                     # the offer does not take the cursor from the next visitor
    qtbot.keyClick(entry.citizen_name, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)   # one key
    assert len(printed) == 1
    title, text = printed[0]
    assert new.number in title and new.number in text and "交办单" in text
    assert old.referral_number not in text
    assert "共 1 页" in text and "回访记录单" not in text                     # that 交办单 alone
    entry.print_button.click()                                                # or one click
    assert len(printed) == 2 and new.number in printed[1][1]

    open_page(window, window.referrals)                       # and the 三单 page opens on it, too
    assert window.referrals.list.selected_ids() == [new.id]
    open_page(window, window.reception)
    entry.citizen_name.setText("李大爷")
    entry.category.setCurrentIndex(0)
    entry.content.setPlainText("问政策")
    entry.save()
    assert "已保存" in entry.message.text() and not entry.print_bar.isVisibleTo(entry)   # nothing new to print


def test_a_referred_visits_detail_shows_its_referral_and_opens_it_on_the_referrals_page(app, qtbot, ctx, station,
                                                                                       monkeypatch):
    old = refer(ctx, "赵六", dt.datetime(2026, 3, 2, 9))
    newer = refer(ctx, "钱七", dt.datetime(2026, 3, 3, 9))
    dialog = VisitDetailDialog(ctx, old.visit_id)
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert old.referral_number in text and ReferralState.PENDING.label in text
    assert newer.referral_number not in text
    assert old.referral_number in dialog.open_buttons[old.referral_id].text()

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    shown(qtbot, window)
    open_page(window, window.referrals)
    window.referrals.list.search.setText("钱七")              # a filter that hides the old referral
    assert window.referrals.list.selected_ids() == [newer.referral_id]
    open_page(window, window.reception)
    visits = window.reception.list
    window.reception.setCurrentWidget(visits)
    row = next(i for i, v in enumerate(visits.model.rows) if v.id == old.visit_id)
    select_row(visits.view, row)
    monkeypatch.setattr(VisitDetailDialog, "exec",
                        lambda self: (self.open_buttons[old.referral_id].click(), self.result())[-1])
    visits.open_detail()
    assert window.pages.currentWidget() is window.referrals
    assert window.nav.currentRow() == window.pages.indexOf(window.referrals)
    assert window.referrals.list.selected_ids() == [old.referral_id]
    assert old.referral_number in window.referrals.list.detail.toPlainText()


def test_the_referrals_page_opens_on_the_newest_and_its_selection_follows_a_referral(app, qtbot, ctx, station):
    first = refer(ctx, "赵六", dt.datetime(2026, 3, 2, 9), unit="县交通运输局")
    second = refer(ctx, "钱七", dt.datetime(2026, 3, 3, 9), unit="县住房和城乡建设局")
    third = refer(ctx, "孙八", dt.datetime(2026, 3, 4, 9), unit="县水利局")
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    page.refresh()                                            # what opening the page does
    assert page.list.selected_ids() == [third.referral_id]
    page.list.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)   # by unit: 交通, 水利, 住房
    assert [r.id for r in page.list.model.rows] == [first.referral_id, third.referral_id, second.referral_id]
    flags = QItemSelectionModel.SelectionFlag
    page.list.view.selectionModel().setCurrentIndex(page.list.model.index(0, 0), flags.ClearAndSelect | flags.Rows)
    assert page.list.selected_ids() == [first.referral_id]
    page.list.refresh()                                       # after a step, a filter typed, the list reread
    assert page.list.selected_ids() == [first.referral_id]
    assert first.referral_number in page.list.detail.toPlainText()
    page.setCurrentIndex(1)
    page.setCurrentIndex(0)
    assert page.list.selected_ids() == [first.referral_id]

    fourth = refer(ctx, "周九", dt.datetime(2026, 3, 5, 9), unit="县交通运输局")
    page.refresh()                                            # the page opened again: on the newest
    assert page.list.selected_ids() == [fourth.referral_id]
    page.show_referral(second.referral_id)                   # opened from its visit
    assert page.list.selected_ids() == [second.referral_id]
