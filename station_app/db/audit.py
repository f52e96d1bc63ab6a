"""The one place that stamps times and writes the audit log, for every session and every caller.

Services never write ``AuditLog`` rows themselves: they change records, and the ``before_flush``
hook below records who changed what (from ``session.info["operator"]``), when, and the column
values before and after. Deleting a record is refused: records are voided with a reason.
"""
from __future__ import annotations

import datetime as dt
import decimal
import getpass
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from station_app.db.models import AuditLog, Record, new_id, utcnow
from station_app.vocab import AuditAction

#: Set ``session.info[KEEP_TIMES] = True`` when merging records from elsewhere, so their own
#: created/updated times are kept instead of being stamped with now.
KEEP_TIMES = "keep_times"
OPERATOR = "operator"
_SKIP = {"created_at", "updated_at"}


class DeletionRefused(Exception):
    """A record would have been deleted; records are voided instead."""


def default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service environments
        return "system"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: Record) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in _SKIP}


def _changes(obj: Record) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if _plain(old) == _plain(new):
            continue
        before[attr.key] = _plain(old)
        after[attr.key] = _plain(new)
    return before, after


@event.listens_for(Session, "before_flush")
def _refuse_deletes_and_stamp_times(session: Session, _flush_context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, Record):
            raise DeletionRefused(f"{type(obj).__tablename__}:{obj.id}")
    keep_times = session.info.get(KEEP_TIMES, False)
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, Record):
            if obj.id is None:
                obj.id = new_id()
            if not (keep_times and obj.updated_at):
                obj.created_at = now
                obj.updated_at = now
    for obj in session.dirty:
        if isinstance(obj, Record) and session.is_modified(obj, include_collections=False):
            if not (keep_times and inspect(obj).attrs["updated_at"].history.has_changes()):
                obj.updated_at = now


@event.listens_for(Session, "after_flush")
def _write_audit_log(session: Session, _flush_context: Any) -> None:
    """After the flush every default and foreign key is filled in, and history still holds the old values."""
    operator = session.info.get(OPERATOR) or default_operator()
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Record):
            rows.append(dict(at=now, operator=operator, table_name=obj.__tablename__, record_id=obj.id,
                             action=AuditAction.INSERT.value, before=None, after=snapshot(obj)))
    for obj in session.dirty:
        if not isinstance(obj, Record):
            continue
        before, after = _changes(obj)
        if after:
            action = (AuditAction.VOID if after.get("voided_at") else AuditAction.UPDATE).value
            rows.append(dict(at=now, operator=operator, table_name=obj.__tablename__, record_id=obj.id,
                             action=action, before=before, after=after))
    if rows:
        session.connection().execute(insert(AuditLog), rows)
