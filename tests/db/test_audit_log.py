"""The audit log is append-only for the program, bulk statements included; an added record's row holds its values."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from station_app.db.audit import AuditLogLocked, DeletionRefused
from station_app.db.models import AuditLog, Representative
from station_app.services import registry
from tests.workbooks import county_list


def _log(db, record_id: str | None = None) -> list[AuditLog]:
    with db.session() as s:
        query = select(AuditLog).order_by(AuditLog.id)
        if record_id:
            query = query.where(AuditLog.record_id == record_id)
        return list(s.scalars(query))


def _two_people(ctx) -> list[str]:
    with ctx.write() as s:
        s.add_all([Representative(name="张三", level="县", phone="13800000001"),
                   Representative(name="李四", level="县", phone="13800000002")])
    with ctx.read() as s:
        return list(s.scalars(select(Representative.id).order_by(Representative.name)))


def test_a_bulk_update_through_the_session_is_audited_row_by_row(db, ctx):
    ids = _two_people(ctx)
    with ctx.write() as s:
        s.execute(update(Representative).where(Representative.level == "县").values(notes="批量"))
    for rep_id in ids:
        change = _log(db, rep_id)[-1]
        assert (change.action, change.operator) == ("修改", "测试员")
        assert (change.before, change.after) == ({"notes": ""}, {"notes": "批量"})
    with ctx.read() as s:
        assert all(r.updated_at > r.created_at for r in s.scalars(select(Representative)))


def test_a_bulk_void_is_logged_as_a_void(db, ctx):
    ids = _two_people(ctx)
    with ctx.write() as s:
        s.execute(update(Representative).where(Representative.id == ids[0])
                  .values(voided_at=func.now(), void_reason="重复", voided_by="测试员"))
    assert _log(db, ids[0])[-1].action == "作废"
    assert [e.action for e in _log(db, ids[1])] == ["新增"]


def test_a_bulk_delete_of_records_is_refused_and_nothing_changes(db, ctx):
    _two_people(ctx)
    with pytest.raises(DeletionRefused):
        with ctx.write() as s:
            s.execute(delete(Representative).where(Representative.name == "张三"))
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Representative)) == 2


def test_audit_rows_cannot_be_changed_or_deleted_through_a_session(db, ctx):
    _two_people(ctx)
    before = [(e.id, e.operator, e.after) for e in _log(db)]
    attempts = [
        lambda s: setattr(s.scalars(select(AuditLog)).first(), "operator", "别人"),
        lambda s: s.delete(s.scalars(select(AuditLog)).first()),
        lambda s: s.add(AuditLog(operator="伪造", table_name="representatives", record_id="x", action="新增")),
        lambda s: s.execute(update(AuditLog).values(operator="别人")),
        lambda s: s.execute(delete(AuditLog)),
    ]
    for attempt in attempts:
        with pytest.raises(AuditLogLocked):
            with ctx.write() as s:
                attempt(s)
                s.flush()
    assert [(e.id, e.operator, e.after) for e in _log(db)] == before


def test_an_imported_persons_added_row_holds_the_values_written_and_no_change_rows_follow(db, ctx, tmp_path):
    preview = registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx"))
    registry.commit_import(ctx, preview)
    with ctx.read() as s:
        wang = s.scalars(select(Representative).where(Representative.name == "王伟")).one()
        delegation_id, phone = wang.delegation_id, wang.phone
    entries = _log(db, wang.id)
    assert [e.action for e in entries] == ["新增"]
    assert entries[0].after["name"] == "王伟" and entries[0].after["phone"] == phone
    assert entries[0].after["delegation_id"] == delegation_id is not None
    assert entries[0].after["has_fixed_income"] is True


def test_a_record_added_then_changed_in_one_transaction_has_one_added_row_with_the_final_values(db, ctx):
    with ctx.write() as s:
        rep = Representative(name="张三", level="县")
        s.add(rep)
        s.flush()
        rep.phone = "13800000009"
        s.flush()
        rep.notes = "后补"
    entries = _log(db, rep.id)
    assert [e.action for e in entries] == ["新增"]
    assert (entries[0].after["phone"], entries[0].after["notes"]) == ("13800000009", "后补")
    with ctx.write() as s:  # a later transaction's change is a change row again
        s.get(Representative, rep.id).notes = "再改"
    assert [e.action for e in _log(db, rep.id)] == ["新增", "修改"]
