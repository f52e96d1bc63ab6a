"""审计日志 — who changed what and when, with the values before and after (read-only, a 管理员's page).

The rows are written by the audit hook (db/audit.py), never here. ``search`` answers a page at a time
(newest first) so a log of 100,000 rows opens at once; the window fetches the next page as the clerk
scrolls.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from station_app.db.models import AuditLog
from station_app.i18n import language, tr
from station_app.services.context import PermissionDenied, ServiceContext
from station_app.vocab import AuditAction

PAGE_SIZE = 200


@functools.lru_cache(maxsize=4)
def _labels(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each table, and the columns most rows carry, as a clerk calls them, in ``lang`` (read once per language)."""
    tables = {
        "stations": tr("联络站"), "delegations": tr("代表团"), "rep_groups": tr("代表小组"),
        "representatives": tr("代表"), "window_units": tr("窗口单位"), "duty_plans": tr("排班方案"),
        "duty_slots": tr("值班时段"), "duty_assignments": tr("值班安排"), "unavailability": tr("不能值班"),
        "calendar_days": tr("节假日"), "station_closures": tr("闭站"), "visits": tr("接待登记"),
        "visit_representatives": tr("接待代表"), "referrals": tr("交办单"), "referral_rounds": tr("交办轮次"),
        "referral_feedback": tr("办理反馈"), "referral_follow_ups": tr("回访"), "referral_events": tr("交办记录"),
        "activities": tr("履职活动"), "activity_participants": tr("活动参加人"), "suggestions": tr("代表建议"),
        "suggestion_representatives": tr("建议代表"), "suggestion_events": tr("建议记录"),
        "points_rules": tr("积分规则"), "review_marks": tr("评议分"), "subsidy_rates": tr("补贴标准"),
        "income_changes": tr("固定收入变更"), "subsidy_batches": tr("补贴批次"), "subsidy_lines": tr("补贴明细"),
        "settings": tr("设置"), "operators": tr("操作员"), "sync_exports": tr("报送记录"),
    }
    fields = {
        "id": tr("编号"), "name": tr("姓名/名称"), "phone": tr("电话"), "voided_at": tr("作废时间"),
        "void_reason": tr("作废原因"), "voided_by": tr("作废人"), "notes": tr("备注"), "state": tr("状态"),
        "username": tr("用户名"), "display_name": tr("姓名"), "role": tr("角色"), "password_hash": tr("密码"),
        "failed_attempts": tr("输错密码次数"), "locked_until": tr("锁定到"), "key": tr("设置项"), "value": tr("值"),
        "station_id": tr("联络站"), "representative_id": tr("代表"), "day": tr("日期"), "attendance": tr("签到"),
        "amount": tr("金额"), "recorded_by": tr("登记人"), "made_by": tr("经办人"), "gender": tr("性别"),
        "kind": tr("类别"), "level": tr("层级"), "work_unit": tr("工作单位"), "title": tr("职务/标题"),
        "group_id": tr("代表小组"), "delegation_id": tr("代表团"), "id_number": tr("身份证号"), "pinyin": tr("拼音"),
        "has_fixed_income": tr("有固定收入"), "active": tr("在职"), "address": tr("地址"), "visited_at": tr("接待时间"),
        "citizen_name": tr("来访人"), "people_count": tr("人数"), "channel": tr("渠道"), "category": tr("类别"),
        "content": tr("内容"), "outcome": tr("处理方式"), "outcome_note": tr("处理说明"), "number": tr("文号"),
        "unit_name": tr("承办单位"), "deadline": tr("办理期限"), "signed_on": tr("签收日期"), "signed_by": tr("签收人"),
        "closed_on": tr("办结日期"), "issued_on": tr("交办日期"), "requirement": tr("办理要求"), "rounds": tr("轮次"),
        "theme": tr("主题"), "place": tr("地点"), "month": tr("月份"), "daily_rate": tr("日标准"),
        "valid_from": tr("起始日期"), "paid_on": tr("发放日期"), "paid_by": tr("发放人"), "confirmed_by": tr("确认人"),
        "confirmed_at": tr("确认时间"), "computed": tr("应发"), "adjust_reason": tr("调整原因"), "days": tr("天数"),
        "reason": tr("原因"), "slot_id": tr("时段"), "window_unit_id": tr("窗口单位"), "replaces_id": tr("替谁值班"),
    }
    return tables, fields


def table_label(name: str) -> str:
    return _labels(language())[0].get(name, name)


def field_label(name: str) -> str:
    """A column as a clerk calls it; a column without a label shows its own name."""
    return _labels(language())[1].get(name, name)


@dataclass(frozen=True)
class AuditFilter:
    """What to show: one table (its name), a record's 编号 (or the start of it), one operator, a span of days.
    Empty means any."""

    table: str = ""
    record: str = ""
    operator: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntry:
    """One audit row: when (local time), who, which record, what happened, and each field before and after."""

    id: int
    at: dt.datetime
    operator: str
    table: str
    table_label: str
    record_id: str
    action: AuditAction
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The changed fields in one line: "电话：138… → 139…"; for an addition, how many values were written."""
        if self.action == AuditAction.INSERT:
            return tr("新增记录（{n} 项）", n=len(self.changes))
        return "；".join(f"{c.label}：{c.before or '—'} → {c.after or '—'}" for c in self.changes)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    #: how many rows the filter matches in all
    total: int
    offset: int


def _require_admin(ctx: ServiceContext) -> None:
    if not ctx.operator.is_admin:
        raise PermissionDenied(tr("只有管理员可以查看审计日志（当前操作员：{name}，{role}）",
                                  name=ctx.operator.name, role=ctx.operator.role.label))


def _utc_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` on this PC's clock, as the UTC time the log stores."""
    local = dt.datetime.combine(day, dt.time()).astimezone()
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    return str(value)


def _changes(before: dict | None, after: dict | None) -> list[FieldChange]:
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [FieldChange(k, field_label(k), _text(before.get(k)), _text(after.get(k))) for k in keys
            if not (k not in before and after.get(k) in (None, ""))]


def _filtered(query, flt: AuditFilter):
    if flt.table:
        query = query.where(AuditLog.table_name == flt.table)
    if flt.record.strip():
        query = query.where(AuditLog.record_id.startswith(flt.record.strip()))
    if flt.operator:
        query = query.where(AuditLog.operator == flt.operator)
    if flt.start:
        query = query.where(AuditLog.at >= _utc_start(flt.start))
    if flt.end:
        query = query.where(AuditLog.at < _utc_start(flt.end + dt.timedelta(days=1)))
    return query


def search(ctx: ServiceContext, flt: AuditFilter | None = None, offset: int = 0, limit: int = PAGE_SIZE) -> AuditPage:
    """One page of the rows ``flt`` matches, newest first, with how many match in all."""
    _require_admin(ctx)
    flt = flt or AuditFilter()
    with ctx.read() as session:
        total = session.scalar(_filtered(select(func.count()).select_from(AuditLog), flt)) or 0
        rows = session.scalars(_filtered(select(AuditLog), flt).order_by(AuditLog.id.desc())
                               .offset(offset).limit(limit)).all()
        entries = [AuditEntry(row.id, _local(row.at), row.operator, row.table_name, table_label(row.table_name),
                              row.record_id, AuditAction(row.action), _changes(row.before, row.after))
                   for row in rows]
    return AuditPage(entries, total, offset)


def operators(ctx: ServiceContext) -> list[str]:
    """Every name that appears in the log, for the person filter."""
    _require_admin(ctx)
    with ctx.read() as session:
        return sorted(n for n in session.scalars(select(AuditLog.operator).distinct()) if n)


def tables(ctx: ServiceContext) -> list[tuple[str, str]]:
    """(table, label) of every table that appears in the log, for the record filter."""
    _require_admin(ctx)
    with ctx.read() as session:
        names = session.scalars(select(AuditLog.table_name).distinct()).all()
    return sorted(((n, table_label(n)) for n in names), key=lambda pair: pair[1])
