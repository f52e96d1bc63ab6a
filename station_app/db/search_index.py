"""Keeps ``visit_search`` in step with ``visits``: on every flush, for every session and every caller."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, insert
from sqlalchemy.orm import Session

from station_app.db.models import Visit, VisitSearch


def search_text(visit: Visit) -> str:
    return " ".join((visit.citizen_name or "", visit.phone or "", visit.address or "", visit.content or "")).lower()


@event.listens_for(Session, "after_flush")
def _reindex_visits(session: Session, _flush_context: Any) -> None:
    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Visit)]
    if not changed:
        return
    connection = session.connection()
    connection.execute(delete(VisitSearch).where(VisitSearch.visit_id.in_([v.id for v in changed])))
    connection.execute(insert(VisitSearch), [
        {"visited_at": v.visited_at, "visit_id": v.id, "voided": v.voided_at is not None, "text": search_text(v)}
        for v in changed])
