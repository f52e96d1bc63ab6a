"""误工补贴 page: a month opened from the attendance, reviewed, adjusted, confirmed and paid; rates; the year."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QDateEdit, QPlainTextEdit

from station_app.services import subsidy, subsidy_output
from station_app.services.context import OperatorRef, ServiceContext
from station_app.services.subsidy import Month
from station_app.ui import subsidy_page
from station_app.ui.subsidy_page import ADJUSTED_BACKGROUND, FieldsDialog, SubsidyPage
from station_app.ui.widgets import select_row
from station_app.vocab import Attendance, BatchState, Role, SlotName
from tests.services.test_subsidy import AFTER_NOVEMBER, Station_

COLUMNS = ["序号", "姓名", "代表团", "值班日期", "天数", "标准", "应发", "实发", "备注"]


@pytest.fixture
def st(ctx) -> Station_:
    return Station_(ctx)


def open_page(qtbot, ctx, today: dt.date = AFTER_NOVEMBER) -> SubsidyPage:
    page = SubsidyPage(ctx, today=lambda: today)
    qtbot.addWidget(page)
    page.refresh()  # what the main window does when the page is shown
    return page


def cells(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def november(st: Station_) -> None:
    st.turn("王秀兰", dt.date(2026, 11, 4))
    st.turn("王秀兰", dt.date(2026, 11, 11))
    st.turn("李建国", dt.date(2026, 11, 4), SlotName.MORNING)
    st.turn("李建国", dt.date(2026, 11, 4), SlotName.AFTERNOON)
    st.turn("赵永强", dt.date(2026, 11, 4))  # fixed income: no subsidy
    st.turn("孙丽", dt.date(2026, 11, 5), mark=Attendance.ABSENT)


def answer(monkeypatch, **values):
    """Make the next dialogs fill in ``values`` and press OK; remember what they offered and said."""
    seen: dict = {}

    def exec_(dialog: FieldsDialog) -> int:
        seen["offered"] = dialog.values()
        seen["title"] = dialog.windowTitle()
        for key, value in values.items():
            widget = dialog.widgets[key]
            if isinstance(widget, QDateEdit):
                widget.setDate(QDate(value.year, value.month, value.day))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                widget.setText(value)
        dialog.save()
        seen["errors"] = {key: label.text() for key, label in dialog.errors.items() if label.text()}
        seen["general"] = dialog.general_error.text()
        return dialog.result()

    monkeypatch.setattr(FieldsDialog, "exec", exec_)
    return seen


def stored(ctx) -> subsidy.Batch:
    return subsidy.batch(ctx, "2026-11", today=AFTER_NOVEMBER)


def test_opening_a_month_shows_its_lines_as_the_attendance_gives_them_and_keeps_the_draft(app, qtbot, ctx, st):
    november(st)
    page = open_page(qtbot, ctx)
    tab = page.batch
    assert tab.month == Month(2026, 11)  # nothing waiting: the month before this one
    assert [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(9)] == COLUMNS
    assert cells(tab.model) == [
        ["1", "李建国", "城关镇代表团", "11月4日", "1", "100.00", "100.00", "100.00", ""],
        ["2", "王秀兰", "城关镇代表团", "11月4日、11日", "2", "100.00", "200.00", "200.00", ""],
    ]
    assert tab.state_label.text() == "草稿"
    assert tab.summary.text() == "2 人 · 3 天 · 合计 ￥300.00（叁佰元整）　早餐 4 份 · 午餐 4 份"  # 赵永强 eats too
    assert not tab.blockers.isVisibleTo(page)  # November has ended and nothing before it waits
    assert stored(ctx).id is not None  # opening the month kept its draft
    # the draft follows the attendance: signed in at another desk, seen when the month is shown again
    st.turn("孙丽", dt.date(2026, 11, 18))
    page.refresh()
    assert [row[1] for row in cells(tab.model)] == ["李建国", "孙丽", "王秀兰"]
    assert tab.confirm_button.isEnabled() and tab.print_button.isEnabled() and tab.meals_button.isEnabled()


def test_a_month_still_running_shows_why_it_cannot_be_confirmed_yet(app, qtbot, ctx, st):
    st.turn("王秀兰", dt.date(2026, 11, 4))
    page = open_page(qtbot, ctx, today=dt.date(2026, 11, 20))
    tab = page.batch
    tab.open_month("2026-11")
    assert tab.blockers.isVisibleTo(page) and "2026年11月还没有结束，月底后才能确认" in tab.blockers.text()
    assert not tab.confirm_button.isEnabled() and "还没有结束" in tab.confirm_button.toolTip()


def test_the_month_picker_opens_on_the_latest_ended_month_not_paid_and_steps_by_month(app, qtbot, ctx, st):
    st.turn("王秀兰", dt.date(2026, 9, 9))
    st.turn("王秀兰", dt.date(2026, 10, 14))
    subsidy.confirm(ctx, "2026-09", today=AFTER_NOVEMBER)
    subsidy.pay(ctx, "2026-09", dt.date(2026, 10, 8), today=AFTER_NOVEMBER)
    subsidy.confirm(ctx, "2026-10", today=AFTER_NOVEMBER)  # confirmed, waiting to be paid
    page = open_page(qtbot, ctx)
    tab = page.batch
    assert tab.month == Month(2026, 10) and tab.state_label.text() == "已确认"
    assert not tab.confirm_button.isEnabled() and tab.pay_button.isEnabled() and tab.withdraw_button.isEnabled()
    tab.prev_button.click()
    assert tab.month == Month(2026, 9) and tab.state_label.text() == "已发放"
    assert "2026-10-08 由 测试员 发放" in tab.state_note.text()
    tab.next_button.click()
    tab.next_button.click()
    assert tab.month == Month(2026, 11)
    assert tab.pane.stack.currentWidget() is tab.pane.hint


def test_a_month_typed_in_the_field_opens_only_when_entered(app, qtbot, ctx, st, monkeypatch):
    st.turn("王秀兰", dt.date(2026, 3, 4))
    page = open_page(qtbot, ctx)
    tab = page.batch
    opened = []
    refresh = subsidy.refresh_draft
    monkeypatch.setattr(subsidy, "refresh_draft", lambda c, m, **k: opened.append(Month.parse(m)) or refresh(c, m, **k))
    tab.month_edit.setFocus()
    tab.month_edit.setSelectedSection(QDateEdit.Section.MonthSection)
    qtbot.keyClicks(tab.month_edit, "0")  # on the way to 03: month 0 is no month, and no draft is made for it
    assert opened == [] and tab.month == Month(2026, 11)
    qtbot.keyClicks(tab.month_edit, "3")
    assert opened == []
    qtbot.keyClick(tab.month_edit, Qt.Key.Key_Return)
    assert opened == [Month(2026, 3)] and tab.model.rowCount() == 1


def test_an_empty_month_says_there_is_nothing_to_pay_and_why(app, qtbot, ctx, st):
    st.turn("赵永强", dt.date(2026, 11, 4))  # fixed income
    st.turn("周局长", dt.date(2026, 11, 4))  # a window unit's head
    page = open_page(qtbot, ctx)
    tab = page.batch
    assert tab.model.rowCount() == 0 and tab.pane.stack.currentWidget() is tab.pane.hint
    hint = tab.pane.hint.text()
    assert "2026年11月没有要发放的误工补贴" in hint and "无固定收入" in hint and "出勤" in hint
    assert tab.state_label.text() == "无补贴"
    for button in (tab.adjust_button, tab.confirm_button, tab.pay_button, tab.print_button, tab.export_button):
        assert not button.isEnabled()


def test_without_this_station_the_page_says_what_to_do_first(app, qtbot, ctx):
    page = open_page(qtbot, ctx)
    assert "请先在“设置”中填写本站名称和代码" in page.batch.pane.hint.text()
    page.setCurrentWidget(page.year)
    assert "请先在“设置”中填写本站名称和代码" in page.year.pane.hint.text()


def test_confirming_moves_the_month_to_confirmed_with_the_total_on_screen(app, qtbot, ctx, st, monkeypatch):
    november(st)
    page = open_page(qtbot, ctx)
    tab = page.batch
    passed = []
    confirm = subsidy.confirm
    monkeypatch.setattr(subsidy, "confirm", lambda *a, **k: passed.append(k["reviewed_total"]) or confirm(*a, **k))
    tab.confirm_button.click()
    assert passed == [Decimal("300.00")]
    assert tab.state_label.text() == "已确认" and "由 测试员 确认" in tab.state_note.text()
    assert (stored(ctx).state, stored(ctx).confirmed_by) == (BatchState.CONFIRMED, "测试员")
    assert not tab.confirm_button.isEnabled() and not tab.adjust_button.isEnabled()
    assert tab.withdraw_button.isEnabled() and tab.pay_button.isEnabled()
    assert "确认" in tab.history.toPlainText() and "合计 300.00 元" in tab.history.toPlainText()
    # withdrawn with a reason, it is a draft again
    seen = answer(monkeypatch, reason="")
    tab.withdraw_button.click()
    assert seen["errors"] == {"reason": "撤回确认必须填写原因"} and stored(ctx).state == BatchState.CONFIRMED
    answer(monkeypatch, reason="李建国补签到")
    tab.withdraw_button.click()
    assert tab.state_label.text() == "草稿" and stored(ctx).state == BatchState.DRAFT
    assert "李建国补签到" in tab.history.toPlainText()


def test_a_confirm_after_a_change_at_another_desk_is_refused_and_the_month_stays_a_draft(
        app, qtbot, ctx, st, _no_message_boxes):
    st.turn("王秀兰", dt.date(2026, 11, 4))
    page = open_page(qtbot, ctx)
    tab = page.batch
    assert tab.model.rowCount() == 1
    st.turn("李建国", dt.date(2026, 11, 5))  # signed in at another desk while the page was open
    tab.confirm_button.click()
    assert _no_message_boxes == [("确认误工补贴", "审核后签到有变动：合计由 100.00 元变为 200.00 元。请核对后再确认")]
    assert tab.state_label.text() == "草稿" and stored(ctx).state == BatchState.DRAFT
    assert tab.model.rowCount() == 2  # the page shows the month as it now stands, to be reviewed again
    tab.confirm_button.click()
    assert stored(ctx).state == BatchState.CONFIRMED


def test_adjusting_a_line_shows_the_paid_amount_and_the_reason(app, qtbot, ctx, st, monkeypatch):
    november(st)
    page = open_page(qtbot, ctx)
    tab = page.batch
    assert not tab.adjust_button.isEnabled() and tab.adjust_button.toolTip() == "先在表中选中一行"
    select_row(tab.view, 0)  # 李建国
    assert tab.adjust_button.isEnabled()
    seen = answer(monkeypatch, amount="50", reason="")
    tab.adjust_button.click()
    assert seen["offered"] == {"amount": "100.00", "reason": ""}
    assert seen["errors"] == {"reason": "调整金额必须填写原因"}
    assert cells(tab.model)[0][7] == "100.00"
    seen = answer(monkeypatch, amount="五十", reason="只值了半天")
    tab.adjust_button.click()
    assert "不是数字" in seen["errors"]["amount"]
    answer(monkeypatch, amount="50", reason="只值了半天")
    tab.adjust_button.click()
    row = cells(tab.model)[0]
    assert row[6:] == ["100.00", "50.00", "应发 100.00 元，调整为 50.00 元：只值了半天"]
    assert tab.model.index(0, 7).data(Qt.ItemDataRole.BackgroundRole).color().name() == ADJUSTED_BACKGROUND
    assert tab.model.index(1, 7).data(Qt.ItemDataRole.BackgroundRole) is None
    assert tab.legend.isVisibleTo(page)
    assert "合计 ￥250.00（贰佰伍拾元整）" in tab.summary.text()
    assert tab.selected_line().name == "李建国"  # the selection stays on the line adjusted
    assert stored(ctx).lines[0].amount == Decimal("50.00")


def test_paying_marks_the_month_paid_and_disables_its_buttons(app, qtbot, ctx, st, monkeypatch):
    november(st)
    page = open_page(qtbot, ctx)
    tab = page.batch
    tab.confirm_button.click()
    seen = answer(monkeypatch, paid_on=dt.date(2026, 12, 3))
    tab.pay_button.click()
    assert seen["offered"] == {"paid_on": AFTER_NOVEMBER, "paid_by": "测试员"}  # today, by the operator
    assert seen["errors"] == {"paid_on": "发放日期 2026-12-03 还没到"} and stored(ctx).state == BatchState.CONFIRMED
    answer(monkeypatch, paid_on=dt.date(2026, 12, 1), paid_by="出纳 陈红")
    tab.pay_button.click()
    assert tab.state_label.text() == "已发放" and "2026-12-01 由 出纳 陈红 发放" in tab.state_note.text()
    assert (stored(ctx).state, stored(ctx).paid_on, stored(ctx).paid_by) == (BatchState.PAID, dt.date(2026, 12, 1),
                                                                            "出纳 陈红")
    select_row(tab.view, 0)
    for button in (tab.adjust_button, tab.confirm_button, tab.withdraw_button, tab.pay_button):
        assert not button.isEnabled()
    assert tab.pay_button.toolTip() == "2026年11月的补贴已发放"
    assert tab.print_button.isEnabled() and tab.export_button.isEnabled()


def test_a_clerk_sees_the_month_but_cannot_adjust_confirm_pay_or_set_a_rate(app, qtbot, ctx, st, db):
    november(st)
    clerk = ServiceContext(db, OperatorRef("li", "李登记", Role.CLERK))
    page = open_page(qtbot, clerk)
    tab = page.batch
    assert tab.model.rowCount() == 2 and tab.state_label.text() == "草稿"
    select_row(tab.view, 0)
    for button in (tab.adjust_button, tab.confirm_button, tab.withdraw_button, tab.pay_button):
        assert not button.isEnabled() and "只有管理员" in button.toolTip()
    assert tab.print_button.isEnabled() and tab.export_button.isEnabled()
    page.setCurrentWidget(page.rates)
    assert not page.rates.add_button.isEnabled() and "只有管理员" in page.rates.add_button.toolTip()


@pytest.fixture
def written(monkeypatch, tmp_path):
    """The sheet writers and the print preview replaced by fakes that record what the page asked for."""
    calls: dict[str, list] = {"sheet": [], "year": [], "preview": []}

    def write_sheet(ctx, month, path, *, meals=False, today=None):
        Path(path).write_bytes(b"%PDF-1.4 fake")
        calls["sheet"].append((Month.parse(month), Path(path), meals))
        return subsidy.refresh_draft(ctx, month, today=today)

    def write_year(ctx, year, path, since=None):
        Path(path).write_bytes(b"PK fake")
        calls["year"].append((year, Path(path), since))
        return subsidy.year_summary(ctx, year)

    monkeypatch.setattr(subsidy_output, "write_sheet", write_sheet)
    monkeypatch.setattr(subsidy_output, "write_year", write_year)
    monkeypatch.setattr(subsidy_page, "print_with_preview",
                        lambda parent, path, title: calls["preview"].append((Path(path), title, Path(path).exists())))
    return calls


def test_printing_writes_the_months_sheet_and_opens_the_print_preview(app, qtbot, ctx, st, written, monkeypatch,
                                                                     tmp_path, _no_message_boxes):
    november(st)
    page = open_page(qtbot, ctx)
    tab = page.batch
    tab.print_button.click()
    tab.meals_button.click()
    (month, sheet, meals), (_m, meals_sheet, meals_flag) = written["sheet"]
    assert (month, sheet.suffix, meals, meals_flag) == (Month(2026, 11), ".pdf", False, True)
    assert written["preview"] == [(sheet, "2026年11月误工补贴签领表", True),
                                  (meals_sheet, "2026年11月误工补贴用餐表", True)]
    target = tmp_path / "十一月签领表"
    monkeypatch.setattr(subsidy_page.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.export_button.click()
    assert written["sheet"][-1] == (Month(2026, 11), target.with_suffix(".xlsx"), False)
    assert _no_message_boxes[-1][0] == "导出误工补贴" and target.with_suffix(".xlsx").exists()


def test_in_english_the_sheet_is_named_without_a_slash_of_its_month(app, qtbot, ctx, st, written):
    from station_app.i18n import set_language

    november(st)
    page = open_page(qtbot, ctx)
    set_language("en")
    try:
        page.batch.print_button.click()
    finally:
        set_language("zh")
    sheet, title, exists = written["preview"][0]
    assert (sheet.name, title, exists) == ("Duty subsidy sign-off sheet 11-2026.pdf",
                                           "Duty subsidy sign-off sheet 11/2026", True)


def test_a_sheet_the_service_refuses_shows_the_message_and_nothing_is_printed(app, qtbot, ctx, st, written,
                                                                            monkeypatch, _no_message_boxes):
    from station_app.services.errors import StationError

    november(st)
    page = open_page(qtbot, ctx)

    def refuse(*_a, **_k):
        raise StationError("签领表只能保存为 PDF 或 Excel（.pdf、.xlsx）：x.doc")

    monkeypatch.setattr(subsidy_output, "write_sheet", refuse)
    page.batch.print_button.click()
    assert _no_message_boxes == [("2026年11月误工补贴签领表", "签领表只能保存为 PDF 或 Excel（.pdf、.xlsx）：x.doc")]
    assert written["preview"] == []


def test_a_new_rate_appears_in_the_rates_tab_and_can_be_voided(app, qtbot, ctx, st, monkeypatch):
    page = open_page(qtbot, ctx)
    page.setCurrentWidget(page.rates)
    tab = page.rates
    assert cells(tab.model) == [["—", "100.00", "否", "默认标准：没有设定标准的日子按此发放"]]
    assert tab.current.text() == "现行标准：100.00 元/天（默认标准，尚未另设）"
    assert "设置" in tab.policy.text() and "拒绝修改" in tab.policy.text()
    seen = answer(monkeypatch, valid_from=dt.date(2026, 12, 1), daily_rate="5000")
    tab.add_button.click()
    assert seen["offered"]["valid_from"] == dt.date(2027, 1, 1) and seen["offered"]["daily_rate"] == "100.00"
    assert "补贴标准应在" in seen["errors"]["daily_rate"]
    answer(monkeypatch, valid_from=dt.date(2026, 12, 1), daily_rate="120", half_day_half=True, note="县财政局通知")
    tab.add_button.click()
    assert cells(tab.model)[1] == ["2026-12-01", "120.00", "是", "县财政局通知"]
    assert tab.current.text() == "现行标准：120.00 元/天，只值半天的按一半发放"
    assert [(r.valid_from, r.daily_rate) for r in subsidy.rates(ctx)] == [(dt.date(2026, 12, 1), Decimal("120.00"))]
    answer(monkeypatch, valid_from=dt.date(2027, 1, 1), daily_rate="150")
    tab.add_button.click()
    assert tab.current.text() == "现行标准：120.00 元/天，只值半天的按一半发放；2027-01-01 起改为 150.00 元/天"
    select_row(tab.view, 2)
    monkeypatch.setattr(subsidy_page, "ask_void_reason", lambda parent, what: "重复")
    tab.void_button.click()
    select_row(tab.view, 0)
    assert not tab.void_button.isEnabled()  # the default is not a record
    select_row(tab.view, 1)
    monkeypatch.setattr(subsidy_page, "ask_void_reason", lambda parent, what: "录错了")
    tab.void_button.click()
    assert tab.model.rowCount() == 1 and subsidy.rates(ctx) == []


def test_the_year_tab_sums_each_person_and_month_with_a_totals_row(app, qtbot, ctx, st, written, monkeypatch, tmp_path):
    st.turn("王秀兰", dt.date(2026, 10, 14))
    november(st)
    st.turn("李建国", dt.date(2026, 12, 1))
    for month, paid_on in (("2026-10", dt.date(2026, 11, 3)), ("2026-11", dt.date(2026, 12, 1))):
        subsidy.confirm(ctx, month, today=AFTER_NOVEMBER)
        subsidy.pay(ctx, month, paid_on, today=AFTER_NOVEMBER)
    page = open_page(qtbot, ctx)
    page.setCurrentWidget(page.year)
    tab = page.year
    assert tab.year.value() == 2026 and tab.since.date().toPython() == dt.date(2025, 1, 1)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    assert headers == ["姓名", "代表团", *[f"{m}月" for m in range(1, 13)], "天数", "合计"]
    empty = [""] * 9
    assert cells(tab.model) == [
        ["李建国", "城关镇代表团", *empty, "", "100.00", "", "1", "100.00"],
        ["王秀兰", "城关镇代表团", *empty, "100.00", "200.00", "", "3", "300.00"],
        ["合计", "2 人", *empty, "100.00", "300.00", "", "4", "400.00"],
    ]
    assert tab.year_total.text().strip() == "全年已发放 ￥400.00（肆佰元整）"
    assert tab.running.text() == "以来共发放 400.00 元（肆佰元整），2 个月，2 人，4 人次"
    tab.since.setDate(QDate(2026, 11, 1))
    assert tab.running.text() == "以来共发放 300.00 元（叁佰元整），1 个月，2 人，3 人次"
    tab.year.setValue(2025)
    assert tab.model.rowCount() == 0 and "2025年还没有已发放的误工补贴" in tab.pane.hint.text()
    tab.year.setValue(2026)
    target = tmp_path / "年度.xlsx"
    monkeypatch.setattr(subsidy_page.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.export_button.click()
    assert written["year"] == [(2026, target, dt.date(2026, 11, 1))]


def test_the_main_window_lists_the_subsidy_page_and_opens_it_on_its_month(app, qtbot, ctx, st):
    from station_app.ui.main_window import MainWindow

    st.turn("王秀兰", dt.date(2026, 11, 4))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "误工补贴" in titles
    window.subsidy.today = window.subsidy.batch.today = lambda: AFTER_NOVEMBER
    window.subsidy.batch.open_month("2026-11")
    window.nav.setCurrentRow(titles.index("误工补贴"))
    assert window.pages.currentWidget() is window.subsidy
    assert window.subsidy.batch.model.rowCount() == 1
