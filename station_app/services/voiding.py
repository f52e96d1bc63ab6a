"""作废 — the one way a record leaves the lists: it stays in the database, marked void with who and why.

Records are never deleted (``db.audit`` refuses it); each service decides who may void what and
what must hold first (a visit with an open referral cannot go), then calls ``mark_void``.
"""
from __future__ import annotations

from station_app.db.models import Record, utcnow
from station_app.i18n import tr
from station_app.services.errors import NotFound, StationError, ValidationFailed


def mark_void(record: Record | None, reason: str, by: str, *, record_id: str = "") -> None:
    """Mark ``record`` void with ``reason`` and the operator ``by``, inside the caller's transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": tr("作废必须填写原因")})
    if record is None:
        raise NotFound(tr("找不到要作废的记录：{id}", id=record_id))
    if record.is_voided:
        raise StationError(tr("这条记录已于 {at} 作废", at=record.voided_at.strftime("%Y-%m-%d %H:%M")))
    record.voided_at = utcnow()
    record.void_reason = reason
    record.voided_by = by
