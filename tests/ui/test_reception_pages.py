from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from sqlalchemy import func, select

from station_app.db.models import Referral, Representative, Station, Visit, VisitRepresentative
from station_app.services import reception
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.reception import ReferralInput, VisitFilter, VisitInput
from station_app.ui.main_window import MainWindow
from station_app.ui.reception_page import PAGE, EntryForm, VisitListTab
from station_app.ui.referrals_page import ReferralListTab
from station_app.vocab import ReferralAction


@pytest.fixture
def station(db, ctx):
    settings_service.save(ctx, settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(name="东河县人大代表监督站", code="DHJD"))
    with db.transaction() as s:
        station = s.get(Station, ctx.station_id)
        s.add(Representative(name="张三", level="县", station=station, pinyin="zhang san|zhangsan|zs"))
        s.add(Representative(name="李四", level="县", station=station, pinyin="li si|lisi|ls"))


def shown(qtbot, widget):
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def shown_time(form: EntryForm) -> dt.datetime:
    return form.visited_at.dateTime().toPython().replace(second=0, microsecond=0)


def stored_times(ctx) -> dict[str, dt.datetime]:
    return {v.citizen_name: v.visited_at for v in reception.visit_page(ctx, VisitFilter(), 0, 50)}


def fill(form: EntryForm, name: str) -> None:
    form.citizen_name.setText(name)
    form.category.setCurrentIndex(0)
    form.content.setPlainText("村口路灯坏了")


def test_the_reception_time_follows_the_clock_until_edited(app, qtbot, db, ctx, station):
    clock = Clock(dt.datetime(2026, 3, 4, 8, 30, 12))
    form = EntryForm(ctx, now=clock)
    qtbot.addWidget(form)
    assert shown_time(form) == dt.datetime(2026, 3, 4, 8, 30)
    assert form.clock_timer.isActive() and form.clock_timer.interval() <= 30_000
    clock.at = dt.datetime(2026, 3, 4, 8, 32, 5)
    form.clock_timer.timeout.emit()                       # the form left open two minutes
    assert shown_time(form) == dt.datetime(2026, 3, 4, 8, 32)

    clock.at = dt.datetime(2026, 3, 4, 10, 15, 40)         # no tick since: the time is taken at the save
    fill(form, "王大妈")
    form.save()
    assert stored_times(ctx)["王大妈"] == dt.datetime(2026, 3, 4, 10, 15)

    form.visited_at.setDateTime(QDateTime(QDate(2026, 3, 4), QTime(9, 0)))   # the clerk types the real time
    clock.at = dt.datetime(2026, 3, 4, 10, 40)
    form.clock_timer.timeout.emit()
    assert shown_time(form) == dt.datetime(2026, 3, 4, 9, 0)                 # an edited time stays
    fill(form, "李大爷")
    form.save()
    assert stored_times(ctx)["李大爷"] == dt.datetime(2026, 3, 4, 9, 0)

    assert shown_time(form) == dt.datetime(2026, 3, 4, 10, 40)               # after the save, the clock again
    clock.at = dt.datetime(2026, 3, 4, 10, 41)
    form.clock_timer.timeout.emit()
    assert shown_time(form) == dt.datetime(2026, 3, 4, 10, 41)
    form.visited_at.setDateTime(QDateTime(QDate(2026, 3, 4), QTime(9, 30)))
    form.now_button.click()                                                  # 现在: back to the clock
    clock.at = dt.datetime(2026, 3, 4, 10, 43)
    form.clock_timer.timeout.emit()
    assert shown_time(form) == dt.datetime(2026, 3, 4, 10, 43)


def test_the_category_starts_empty_on_every_entry_and_is_asked_for(app, qtbot, db, ctx, station):
    form = EntryForm(ctx)
    qtbot.addWidget(form)
    form.reload_choices()                     # what opening the page does, the first time each day too
    assert form.category.currentIndex() == -1 and form.category.currentText() == ""
    form.content.setPlainText("村口路灯坏了")
    form.save()
    assert "问题类别" in form.errors["category"].text()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0
    categories = settings_service.read(ctx).categories
    form.category.setCurrentIndex(1)
    form.reload_choices()                     # a choice already made survives the page being shown again
    assert form.category.currentText() == categories[1]
    form.save()
    with db.session() as s:
        assert s.scalars(select(Visit.category)).all() == [categories[1]]
    assert form.category.currentIndex() == -1
    form.reload_choices()
    assert form.category.currentIndex() == -1 and form.category.currentText() == ""


def test_focus_starts_on_the_visitor_when_the_page_opens_and_after_each_save(app, qtbot, db, ctx, station):
    from station_app.services import roster_plans

    roster_plans.save_plan(ctx, roster_plans.wednesday_preset("东河县人大代表监督站"))  # set up: no first-start guide
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    shown(qtbot, window)
    entry = window.reception.entry
    assert window.pages.currentWidget() is window.reception
    assert entry.citizen_name.hasFocus()
    assert entry.category.currentIndex() == -1
    window.nav.setFocus()
    window.nav.setCurrentRow(2)
    window.nav.setCurrentRow(0)
    assert entry.citizen_name.hasFocus() and entry.category.currentIndex() == -1
    window.reception.setCurrentIndex(1)
    window.reception.setCurrentIndex(0)
    assert entry.citizen_name.hasFocus()
    fill(entry, "王大妈")
    entry.content.setFocus()
    entry.save()
    assert "已保存" in entry.message.text()
    assert entry.citizen_name.hasFocus() and entry.category.currentIndex() == -1


def test_a_visit_is_recorded_from_the_keyboard_alone(app, qtbot, db, ctx, station):
    form = EntryForm(ctx)
    qtbot.addWidget(form)
    shown(qtbot, form)
    assert form.citizen_name.hasFocus()
    form.citizen_name.setText("王大妈")                      # Chinese comes from the input method
    qtbot.keyClick(form.citizen_name, Qt.Key.Key_Tab)
    assert form.phone.hasFocus()
    qtbot.keyClicks(form.phone, "13803931234")
    qtbot.keyClick(form.phone, Qt.Key.Key_Tab)
    assert form.address.hasFocus()
    form.address.setText("城关镇东街村")
    qtbot.keyClick(form.address, Qt.Key.Key_Tab)
    assert form.people_count.hasFocus()
    qtbot.keyClicks(form.people_count, "2")                 # Tab selected the 1, so typing replaces it
    assert form.people_count.value() == 2
    qtbot.keyClick(form.people_count, Qt.Key.Key_Tab)
    assert form.channel.hasFocus()
    qtbot.keyClick(form.channel, Qt.Key.Key_Tab)
    assert form.category.hasFocus() and form.category.currentIndex() == -1   # no category until one is chosen
    qtbot.keyClick(form.category, Qt.Key.Key_Down)
    qtbot.keyClick(form.category, Qt.Key.Key_Tab)
    assert form.content.hasFocus()
    form.content.setPlainText("村口路灯坏了")
    qtbot.keyClick(form.content, Qt.Key.Key_Tab)
    assert form.representatives.edit.hasFocus()
    qtbot.keyClicks(form.representatives.edit, "zs")
    qtbot.keyClick(form.representatives.edit, Qt.Key.Key_Return)
    assert form.representatives.ids() and "张三" in form.representatives.chosen_label.text()
    qtbot.keyClick(form.representatives.edit, Qt.Key.Key_Tab)
    assert form.outcome.hasFocus()
    qtbot.keyClick(form.outcome, Qt.Key.Key_Tab)
    qtbot.keyClick(form.outcome_note, Qt.Key.Key_Return)    # Enter saves
    with db.session() as s:
        visit = s.scalars(select(Visit)).one()
        reps = s.scalars(select(VisitRepresentative)).all()
    assert (visit.citizen_name, visit.phone, visit.people_count, visit.outcome) == ("王大妈", "13803931234", 2, "当场解决")
    assert visit.category == settings_service.read(ServiceContext(db)).categories[0] and len(reps) == 1
    assert "已保存" in form.message.text()
    assert form.citizen_name.text() == "" and form.citizen_name.hasFocus()    # ready for the next person


def test_choosing_refer_asks_for_the_unit_and_numbers_the_referral(app, qtbot, db, ctx, station):
    form = EntryForm(ctx)
    qtbot.addWidget(form)
    assert not form.referral_box.isVisibleTo(form)
    form.category.setCurrentIndex(0)
    form.content.setPlainText("工程款被拖欠")
    form.outcome.setCurrentIndex(2)
    assert form.referral_box.isVisibleTo(form)
    form.save()
    assert "承办单位" in form.errors["unit"].text()
    form.unit.setCurrentText("县住房和城乡建设局")
    form.save()
    assert "东监交〔" in form.message.text()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Referral)) == 1


def test_errors_show_beside_their_fields_and_nothing_is_saved(app, qtbot, db, ctx, station):
    form = EntryForm(ctx)
    qtbot.addWidget(form)
    form.phone.setText("12345")
    form.save()
    assert form.errors["phone"].text() and form.errors["content"].text() and form.errors["category"].text()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0


def test_the_list_reads_page_by_page_and_searches(app, qtbot, db, ctx, station):
    base = dt.datetime(2026, 3, 4, 9, 0)
    for i in range(PAGE + 50):
        reception.record_visit(ctx, VisitInput(visited_at=base - dt.timedelta(hours=i), citizen_name=f"群众{i}",
                                              category="其他", content="路灯坏了" if i % 10 == 0 else "问政策"),
                               now=base)
    tab = VisitListTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == PAGE and tab.model.canFetchMore()
    assert tab.count.text() == f"共 {PAGE + 50} 条"
    tab.model.fetchMore()
    assert tab.model.rowCount() == PAGE + 50 and not tab.model.canFetchMore()
    qtbot.keyClicks(tab.search, "lu")
    tab.search.setText("路灯")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 25)
    assert tab.model.index(0, 7).data() == "路灯坏了"


def test_referral_page_offers_only_the_allowed_next_steps(app, qtbot, db, ctx, station, monkeypatch):
    saved = reception.record_visit(ctx, VisitInput(visited_at=dt.datetime(2026, 3, 4, 9), category="其他",
                                                  content="路灯坏了", outcome="交办",
                                                  referral=ReferralInput("县住房和城乡建设局")),
                                   now=dt.datetime(2026, 3, 4, 9, 30))
    tab = ReferralListTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0          # nothing is read until the page is shown
    tab.reload_units()                        # what showing the page does
    enabled = {a for a, b in tab.action_buttons.items() if b.isEnabled()}
    assert enabled == {"签收", "退回", "延期", "作废"}
    assert saved.referral_number in tab.detail.toPlainText()
    monkeypatch.setattr("station_app.ui.referrals_page.FormDialog.exec",
                        lambda self: (self.widgets["by"].setText("刘科长"), self.save(), self.result())[-1])
    tab.act(ReferralAction.SIGN)
    with db.session() as s:
        assert s.get(Referral, saved.referral_id).state == "已交办"
    enabled = {a for a, b in tab.action_buttons.items() if b.isEnabled()}
    assert enabled == {"反馈", "退回", "延期", "作废"}
    assert "签收" in tab.detail.toPlainText()


def test_an_old_log_is_imported_through_the_common_preview(app, qtbot, db, ctx, station, tmp_path, monkeypatch,
                                                           _no_message_boxes):
    from openpyxl import Workbook

    from station_app.ui import reception_page

    wb = Workbook()
    wb.active.append(["来访时间", "姓名", "反映内容"])
    wb.active.append(["2025-05-06 09:30", "赵六", "医保报销慢"])
    wb.active.append(["昨天", "钱七", "问路灯"])
    wb.save(tmp_path / "登记.xlsx")
    tab = VisitListTab(ctx)
    qtbot.addWidget(tab)
    monkeypatch.setattr(reception_page.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(tmp_path / "登记.xlsx"), "")))
    shown = []

    def consent_to_skip(dialog):
        shown.append([dialog.table.item(row, 2).text() for row in range(dialog.table.rowCount())])
        assert not dialog.import_button.isEnabled()       # refused rows need consent
        dialog.skip_bad.setChecked(True)
        dialog.import_button.click()
        return dialog.result is not None

    monkeypatch.setattr(reception_page.ImportDialog, "exec", consent_to_skip)
    tab.import_workbook()
    assert shown == [["拒绝", "新增"]]
    assert _no_message_boxes[-1] == ("导入接待登记", "已导入 1 条。")
    with db.session() as s:
        assert s.scalars(select(Visit.citizen_name)).all() == ["赵六"]
    assert tab.count.text() == "共 1 条"
