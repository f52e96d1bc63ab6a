"""The one place that stamps times and writes the audit log, for every session and every caller.

Services never write ``AuditLog`` rows themselves: they change records, and the hooks below record
who changed what (``session.info["operator"]``, the signed-in operator's name; never the computer's
login), when, and the column values before and after. Deleting a record is refused: records are
voided with a reason.

The log is append-only for the program:

- an ``AuditLog`` row cannot be added, changed or deleted through a session (``AuditLogLocked``);
- a bulk ``session.execute(update(Model)...)`` of a record table is audited row by row, like a
  change made on the objects; a bulk ``delete()`` of a record table, or any bulk statement on the
  audit log, is refused. (The county merge writes through the connection on purpose and keeps its own
  record in ``merge_history``; see services/sync.py.)
- a record added in a transaction has one 新增 row holding the values it was written with, even when
  the service sets more of them after a first flush (an import that looks something up in between):
  later flushes of the same transaction bring that row up to date instead of adding 修改 rows.
"""
from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlalchemy import bindparam, event, insert, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from station_app.db.models import AuditLog, Record, new_id, utcnow
from station_app.vocab import AuditAction

#: Set ``session.info[KEEP_TIMES] = True`` when merging records from elsewhere, so their own
#: created/updated times are kept instead of being stamped with now.
KEEP_TIMES = "keep_times"
OPERATOR = "operator"
#: who a session that names no operator writes as: a fixed word, not the computer's login name, so no
#: environment variable (LOGNAME, USER) can put another name in the log
NO_OPERATOR = "system"
_SKIP = {"created_at", "updated_at"}
#: columns whose values never go into the log
_SECRET = {"password_hash"}
#: (table, record id) of each record added in the session's open transaction, for its 新增 row
_INSERTED = "audit_inserted"


class DeletionRefused(Exception):
    """A record would have been deleted; records are voided instead."""


class AuditLogLocked(Exception):
    """Something tried to add, change or delete audit rows, or to change records out of the log's sight."""


def operator_of(session: Session) -> str:
    return session.info.get(OPERATOR) or NO_OPERATOR


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _shown(key: str, value: Any) -> Any:
    return "******" if key in _SECRET and value else _plain(value)


def snapshot(obj: Record) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {c.key: _shown(c.key, getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in _SKIP}


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
        before[attr.key] = _shown(attr.key, old)
        after[attr.key] = _shown(attr.key, new)
    return before, after


@event.listens_for(Session, "before_flush")
def _refuse_deletes_and_stamp_times(session: Session, _flush_context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, Record):
            raise DeletionRefused(f"{type(obj).__tablename__}:{obj.id}")
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AuditLog):
            raise AuditLogLocked(f"audit_log:{obj.id}")
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
    operator = operator_of(session)
    now = utcnow()
    inserted: set[tuple[str, str]] = session.info.setdefault(_INSERTED, set())
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Record):
            rows.append(dict(at=now, operator=operator, table_name=obj.__tablename__, record_id=obj.id,
                             action=AuditAction.INSERT.value, before=None, after=snapshot(obj)))
            inserted.add((obj.__tablename__, obj.id))
    refreshed: list[dict[str, Any]] = []
    for obj in session.dirty:
        if not isinstance(obj, Record):
            continue
        before, after = _changes(obj)
        if not after:
            continue
        if (obj.__tablename__, obj.id) in inserted:  # added in this transaction: its 新增 row takes the values
            refreshed.append(dict(t=obj.__tablename__, r=obj.id, values=snapshot(obj)))
            continue
        action = (AuditAction.VOID if after.get("voided_at") else AuditAction.UPDATE).value
        rows.append(dict(at=now, operator=operator, table_name=obj.__tablename__, record_id=obj.id,
                         action=action, before=before, after=after))
    connection = session.connection()
    if rows:
        connection.execute(insert(AuditLog), rows)
    if refreshed:
        connection.execute(_REFRESH_ADDED, refreshed)


#: the 新增 row of a record added earlier in the same transaction, brought up to its values now (one executemany)
_REFRESH_ADDED = update(AuditLog).where(
    AuditLog.table_name == bindparam("t"), AuditLog.record_id == bindparam("r"),
    AuditLog.action == AuditAction.INSERT.value).values(after=bindparam("values"))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_inserted(session: Session, *_args: Any) -> None:
    session.info.pop(_INSERTED, None)


@event.listens_for(Session, "do_orm_execute")
def _audit_or_refuse_bulk_statements(state: ORMExecuteState) -> Any:
    """A bulk ``update()`` of records is audited row by row; a bulk ``delete()``, or either on the log, refused."""
    if not (state.is_update or state.is_delete):
        return None
    table = state.statement.table
    if table.name == AuditLog.__tablename__:
        raise AuditLogLocked(f"audit_log: bulk {'update' if state.is_update else 'delete'}")
    model = _record_model(table.name)
    if model is None:  # not a record table (the search index): not audited
        return None
    if state.is_delete:
        raise DeletionRefused(f"{table.name}: bulk delete")
    return _audited_update(state, model)


def _record_model(table_name: str) -> type[Record] | None:
    for mapper in Record.registry.mappers:
        if issubclass(mapper.class_, Record) and mapper.local_table.name == table_name:
            return mapper.class_
    return None


def _audited_update(state: ORMExecuteState, model: type[Record]) -> Any:
    """Read the rows the statement will change, run it, read them again, and log each changed row."""
    session = state.session
    table = model.__table__
    statement = state.statement
    if not session.info.get(KEEP_TIMES, False):
        statement = statement.values(updated_at=utcnow())
    connection = session.connection()
    chosen = select(table) if statement.whereclause is None else select(table).where(statement.whereclause)
    before = {row.id: dict(row._mapping) for row in connection.execute(chosen)}
    result = state.invoke_statement(statement=statement)
    if not before:
        return result
    after = {row.id: dict(row._mapping) for row in connection.execute(
        select(table).where(table.c.id.in_(list(before))))}
    # column name → attribute name (the same in every table of this program, but said once here)
    keys = {attr.columns[0].name: attr.key for attr in inspect(model).column_attrs if attr.key not in _SKIP}
    operator, now = operator_of(session), utcnow()
    rows = []
    for record_id, old in before.items():
        new = after.get(record_id, {})
        changed = [name for name in keys if _plain(old.get(name)) != _plain(new.get(name))]
        if not changed:
            continue
        voided = "voided_at" in changed and new.get("voided_at") is not None
        rows.append(dict(at=now, operator=operator, table_name=table.name, record_id=record_id,
                         action=(AuditAction.VOID if voided else AuditAction.UPDATE).value,
                         before={keys[n]: _shown(keys[n], old.get(n)) for n in changed},
                         after={keys[n]: _shown(keys[n], new.get(n)) for n in changed}))
    if rows:
        connection.execute(insert(AuditLog), rows)
    return result
