"""审计日志: filters by record, person and days; before and after; a page at a time for a long log."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import QDate
from sqlalchemy import text

from station_app.db.models import utcnow
from station_app.services import audit_trail, registry
from station_app.services.audit_trail import AuditFilter
from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
from station_app.ui.audit_page import AuditPage
from station_app.vocab import Role


@pytest.fixture
def changed(ctx, db):
    """One person added by 测试员 and changed by 李站长."""
    rep_id = registry.save_representative(ctx, registry.RepresentativeInput(name="张三", level="县",
                                                                            phone="13800000000"))
    other = ServiceContext(db, OperatorRef("li", "李站长", Role.ADMIN))
    data = registry.RepresentativeInput(name="张三", level="县", phone="13900000000")
    registry.save_representative(other, data, rep_id)
    return rep_id


def test_the_trail_is_filtered_by_record_person_and_days_and_shows_before_and_after(app, qtbot, ctx, changed):
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.operator.setCurrentIndex(page.operator.findData("李站长"))
    page.record.setText(changed[:8])
    page.search_button.click()
    assert page.model.rowCount() == 1 and page.count.text() == "共 1 条（已筛选）"
    page.view.selectRow(0)
    cells = {page.detail.item(r, 0).text(): (page.detail.item(r, 1).text(), page.detail.item(r, 2).text())
             for r in range(page.detail.rowCount())}
    assert cells["电话"] == ("13800000000", "13900000000")
    assert "李站长" in page.detail_title.text() and "修改代表" in page.detail_title.text()
    page.clear()
    page.table.setCurrentIndex(page.table.findData("representatives"))
    page.by_date.setChecked(True)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    page.start.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    page.end.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    page.search_button.click()
    assert page.model.rowCount() == 0 and page.pane.stack.currentWidget() is page.pane.hint
    assert "清除筛选" in page.pane.hint.text()


def test_the_trail_is_read_only_and_an_administrators(ctx, db, changed):
    clerk = ServiceContext(db, OperatorRef("x", "小李", Role.CLERK))
    with pytest.raises(PermissionDenied, match="只有管理员"):
        audit_trail.search(clerk)
    entries = audit_trail.search(ctx, AuditFilter(record=changed)).entries
    assert [(e.action.value, e.operator) for e in entries] == [("修改", "李站长"), ("新增", "测试员")]
    assert entries[0].summary == "电话：13800000000 → 13900000000"


def test_a_long_log_opens_a_page_at_a_time(app, qtbot, ctx, db):
    with db.engine.begin() as conn:  # 100,000 rows written by SQLite itself: a second of Python saved
        conn.execute(text(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999) "
            "INSERT INTO audit_log (at, operator, table_name, record_id, action, before, after) "
            "SELECT :at, 'op' || (i % 7), 'visits', printf('%08d', i), '修改', '{\"notes\": \"a\"}', "
            "'{\"notes\": \"b\"}' FROM n"), {"at": utcnow()})
    started = time.perf_counter()
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    opened = time.perf_counter() - started
    assert page.model.total == 100_000 and page.model.rowCount() == audit_trail.PAGE_SIZE
    assert page.model.canFetchMore()
    page.model.fetchMore()
    assert page.model.rowCount() == 2 * audit_trail.PAGE_SIZE
    assert page.model.row_at(0).record_id == "00099999"  # newest first
    assert opened < 2.0, opened
