"""县站同步 — a station's records to the county, and the county's registry and holidays back to the stations.

A station exports the records created or changed since its last export (or in a chosen period, or
the last export again) as one workbook: one sheet per table, every record with its UUID and its
``updated_at``, and a 元数据 sheet (format, schema version, station, row counts, checksum). ID
numbers are always masked; phones too unless the setting ``sync_send_phones`` allows them.

The county (setting ``county_mode``) merges any number of these workbooks, each in its own
transaction: a workbook of another format or schema version, with a failed checksum, a missing
sheet or column, or from a station the county does not know is refused whole, and the others go
on. A record is matched by its UUID: new ones are added; a known one is replaced only by a newer
``updated_at`` (the replaced version is kept in ``merge_history``); the same workbook merged twice
changes nothing. A masked value (an ID number, a phone) never replaces an unmasked one the county
already has; a new record keeps the masked value as sent.

The county sends back the registry (stations, delegations, groups, representatives, window units)
and the holiday table the same way (``export_registry``); a station merges it with the same rules
(``merge_registry``).

The merge writes with SQLAlchemy Core bulk statements, not one ORM object per row, so the audit
hook does not see it: what a merge changed is in ``merge_history`` and in the summary it returns.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    Table,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from station_app.db.models import Base, MergeHistory, Station, SyncExport, VisitSearch, utcnow
from station_app.db.search_index import search_text
from station_app.db.session import SCHEMA_HEAD
from station_app.i18n import tr
from station_app.io.excel import WorkbookError, strip_controls
from station_app.io.manifest import row_counts
from station_app.io.sync_workbook import TableSheet, clean_cell, read_tables, write_tables
from station_app.services import settings as settings_service
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.importing import shorten
from station_app.services.validation import is_masked, mask_id_number  # noqa: F401  (sync's names too)

FORMAT_STATION = "station-sync"
FORMAT_REGISTRY = "county-registry"
#: kept on each PC only: settings, accounts, the audit log, the search index, the sync bookkeeping
LOCAL_ONLY = frozenset({"settings", "operators", "audit_log", "visit_search", "sync_exports", "merge_history"})
#: what the county sends back to the stations; a station sends these unfiltered (not by station)
REGISTRY_TABLES = frozenset({"stations", "delegations", "rep_groups", "representatives", "window_units",
                             "calendar_days"})
#: the county keeps the holiday table and sends it; a station does not send its own back
COUNTY_ONLY = frozenset({"calendar_days"})
#: always masked; phones are masked unless the setting allows them (a station's own office phone is public)
ID_COLUMNS = frozenset({"id_number"})
PHONE_COLUMNS = frozenset({"phone", "head_phone"})
PUBLIC_PHONE_TABLES = frozenset({"stations"})
_CHUNK = 500
_INSERT_BATCH = 5000


def synced_tables() -> list[Table]:
    """The tables a station sends to the county, parents before children (foreign-key order)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in LOCAL_ONLY | COUNTY_ONLY]


def registry_tables() -> list[Table]:
    """The tables the county sends back to the stations, parents first."""
    return [t for t in Base.metadata.sorted_tables if t.name in REGISTRY_TABLES]


# --- Masking ---------------------------------------------------------------------------------


def mask_phone(text: str) -> str:
    """13812341234 → 138****1234."""
    if not text:
        return text
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "****" + text[-4:]


def _maskers(table: Table, send_phones: bool) -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {}
    for column in table.columns:
        if column.name in ID_COLUMNS:
            found[column.name] = mask_id_number
        elif column.name in PHONE_COLUMNS and not send_phones and table.name not in PUBLIC_PHONE_TABLES:
            found[column.name] = mask_phone
    return found


# --- Cells as text, and back ----------------------------------------------------------------


def _encoder(column) -> Callable[[object], str]:
    kind = column.type
    if isinstance(kind, JSON):
        return lambda v: "" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(kind, Boolean):
        return lambda v: "" if v is None else ("1" if v else "0")
    if isinstance(kind, (Date, DateTime)):
        return lambda v: "" if v is None else v.isoformat()
    if isinstance(kind, (Integer, Numeric)):
        return lambda v: "" if v is None else str(v)
    return lambda v: "" if v is None else clean_cell(str(v))


def _decoder(column) -> Callable[[str], object]:
    kind = column.type
    empty = None if column.nullable else ""

    def wrap(convert: Callable[[str], object], blank: object = None) -> Callable[[str], object]:
        return lambda t: blank if t == "" else convert(t)

    if isinstance(kind, JSON):
        return wrap(json.loads)
    if isinstance(kind, Boolean):
        return wrap(_boolean)
    if isinstance(kind, DateTime):
        return wrap(_datetime)
    if isinstance(kind, Date):
        return wrap(lambda t: dt.date.fromisoformat(t[:10]))
    if isinstance(kind, Integer):
        return wrap(_integer)
    if isinstance(kind, Numeric):
        return wrap(_decimal)
    return wrap(strip_controls, empty)  # an escape sequence or a bidi override is no one's text


_INTEGER = re.compile(r"-?\d{1,18}(?:\.0*)?")


def _integer(text: str) -> int:
    """An integer as the program writes it: "12" (or "12.0" once Excel has retyped it); never 1e999 or inf."""
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise ValueError(text[:40])
    return int(text.split(".")[0])


def _decimal(text: str) -> Decimal:
    """An amount: a finite decimal of at most 18 digits before the point (not NaN, inf or 1e999)."""
    value = Decimal(text.strip())
    if not value.is_finite() or value.adjusted() > 18:
        raise ValueError(text[:40])
    return value


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "是"):
        return True
    if value in ("0", "false", "否"):
        return False
    raise ValueError(text)


def _datetime(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is not None:  # the models keep naive UTC
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def _plain(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- Export (station → county) ------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What a sync or registry export wrote."""

    path: Path
    counts: dict[str, int]
    total: int
    #: the records sent were changed after ``since`` and up to ``up_to`` (None: no bound)
    since: dt.datetime | None = None
    up_to: dt.datetime | None = None
    period: tuple[dt.date, dt.date] | None = None
    resent: bool = False


@dataclass(frozen=True)
class PastExport:
    """One earlier export, as the sync page lists it."""

    id: str
    exported_at: dt.datetime
    path: str
    total: int
    since: dt.datetime | None
    up_to: dt.datetime | None
    period_start: dt.date | None
    period_end: dt.date | None
    resent: bool
    made_by: str


def past_exports(ctx: ServiceContext, limit: int = 100) -> list[PastExport]:
    """The station's exports, newest first."""
    with ctx.read() as session:
        rows = session.scalars(select(SyncExport).where(SyncExport.voided_at.is_(None))
                               .order_by(SyncExport.exported_at.desc()).limit(limit)).all()
        return [PastExport(r.id, r.exported_at, r.path, r.total, r.since, r.up_to, r.period_start, r.period_end,
                           r.resend_of is not None, r.made_by) for r in rows]


def _scope(table: Table, station_id: str) -> ColumnElement[bool] | None:
    """The rows of ``table`` that are this station's: its own ``station_id`` (or none), or a parent's.
    None for the registry and for tables no station owns (sent whole)."""
    if table.name in REGISTRY_TABLES:
        return None
    if "station_id" in table.c:
        return or_(table.c.station_id == station_id, table.c.station_id.is_(None))
    for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
        parent = fk.column.table
        if parent is table:
            continue
        condition = _scope(parent, station_id)
        if condition is not None:
            return fk.parent.in_(select(parent.c.id).where(condition))
    return None


def export_changes(ctx: ServiceContext, path: Path | str, since: dt.date | None = None,
                   start: dt.date | None = None, end: dt.date | None = None, resend: bool = False) -> ExportResult:
    """Write this station's sync workbook for the county and remember what it sent.

    By default the records changed since the last export (everything, the first time); ``since`` a
    day: those changed from that day on; ``start``/``end``: those changed in those days (UTC);
    ``resend``: the same records as the last export, as they are now.
    """
    station = ctx.station
    if not station.configured:
        raise StationError(tr("本站尚未设置名称和代码，不能导出报送文件：请先在“设置”中填写本站"))
    if (start is None) != (end is None):
        raise StationError(tr("期间须同时给出起止日期"))
    if start is not None and end is not None and end < start:
        raise StationError(tr("期间的截止日期 {end} 早于起始日期 {start}", start=start, end=end))
    settings = settings_service.read(ctx)
    path = Path(path)
    with ctx.write(admin_only=True) as session:
        lower: dt.datetime | None = None
        upper: dt.datetime | None = None
        inclusive = False
        resend_of = None
        if resend:
            last = session.scalars(select(SyncExport).where(SyncExport.voided_at.is_(None))
                                   .order_by(SyncExport.exported_at.desc()).limit(1)).first()
            if last is None:
                raise StationError(tr("还没有导出过报送文件，没有可以重新发送的"))
            resend_of = last.resend_of or last.id
            lower, upper = last.since, last.up_to
            start, end = last.period_start, last.period_end
            if start is not None:
                lower, upper, inclusive = None, None, True
        elif start is not None and end is not None:
            inclusive = True
        elif since is not None:
            lower, inclusive = dt.datetime.combine(since, dt.time()), True
        else:
            lower = session.scalar(select(SyncExport.up_to).where(SyncExport.voided_at.is_(None))
                                   .order_by(SyncExport.exported_at.desc()).limit(1))
        newest: list[dt.datetime] = []

        def where(table: Table) -> list[ColumnElement[bool]]:
            conditions = []
            scope = _scope(table, station.id)
            if scope is not None:
                conditions.append(scope)
            if start is not None and end is not None:
                conditions += [table.c.updated_at >= dt.datetime.combine(start, dt.time()),
                               table.c.updated_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time())]
            elif lower is not None:
                conditions.append(table.c.updated_at >= lower if inclusive else table.c.updated_at > lower)
            if upper is not None:
                conditions.append(table.c.updated_at <= upper)
            return conditions

        def rows(table: Table) -> Iterator[list[str]]:
            connection = session.connection()
            encoders = [_encoder(c) for c in table.columns]
            maskers = _maskers(table, settings.sync_send_phones)
            masked = [maskers.get(c.name) for c in table.columns]
            position = list(table.columns.keys()).index("updated_at")
            latest = None
            query = select(table).where(*where(table)).order_by(table.c.created_at, table.c.id)
            for record in connection.execute(query):
                values = list(record)
                if latest is None or values[position] > latest:
                    latest = values[position]
                cells = [encode(value) for encode, value in zip(encoders, values)]
                for index, mask in enumerate(masked):
                    if mask is not None:
                        cells[index] = mask(cells[index])
                yield cells
            if latest is not None:
                newest.append(latest)

        tables = [TableSheet(t.name, list(t.columns.keys()), rows(t)) for t in synced_tables()]
        period = f"{start.isoformat()}..{end.isoformat()}" if start is not None and end is not None else ""

        def manifest() -> dict[str, object]:
            return {"format": FORMAT_STATION, "schema": SCHEMA_HEAD, "station_code": station.code,
                    "station_name": station.name, "since": _iso(lower),
                    "up_to": _iso(upper or max(newest, default=None) or lower),
                    "period": period, "generated_at": utcnow().isoformat(timespec="seconds"),
                    "generated_by": ctx.operator.name}

        counts = write_tables(path, tables, manifest)
        up_to = upper or max(newest, default=None) or lower
        record = SyncExport(station_code=station.code, since=lower, up_to=up_to, period_start=start, period_end=end,
                            resend_of=resend_of, path=str(path), counts=counts, total=sum(counts.values()),
                            made_by=ctx.operator.name)
        session.add(record)
    return ExportResult(path, counts, sum(counts.values()), lower, up_to,
                        (start, end) if start is not None and end is not None else None, resend)


def export_registry(ctx: ServiceContext, path: Path | str) -> ExportResult:
    """The county's registry and holiday table, for the stations to merge (``merge_registry``); unmasked."""
    path = Path(path)
    with ctx.read() as session:
        connection = session.connection()

        def rows(table: Table) -> Iterator[list[str]]:
            encoders = [_encoder(c) for c in table.columns]
            for record in connection.execute(select(table).order_by(table.c.created_at, table.c.id)):
                yield [encode(value) for encode, value in zip(encoders, record)]

        tables = [TableSheet(t.name, list(t.columns.keys()), rows(t)) for t in registry_tables()]
        station = ctx.station
        counts = write_tables(path, tables, {
            "format": FORMAT_REGISTRY, "schema": SCHEMA_HEAD, "station_code": station.code,
            "station_name": settings_service.read(ctx).county_name or station.name,
            "generated_at": utcnow().isoformat(timespec="seconds"), "generated_by": ctx.operator.name})
    return ExportResult(path, counts, sum(counts.values()))


# --- Merge ---------------------------------------------------------------------------------------


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older_ignored: int = 0


@dataclass
class FileSummary:
    """What merging one workbook did, or why it was refused (then nothing of it was written)."""

    path: Path
    station_code: str = ""
    station_name: str = ""
    refused: bool = False
    reason: str = ""
    tables: dict[str, TableCounts] = field(default_factory=dict)

    def _sum(self, attr: str) -> int:
        return sum(getattr(t, attr) for t in self.tables.values())

    @property
    def added(self) -> int:
        return self._sum("added")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def unchanged(self) -> int:
        return self._sum("unchanged")

    @property
    def older_ignored(self) -> int:
        return self._sum("older_ignored")


def county_mode(ctx: ServiceContext) -> bool:
    return settings_service.read(ctx).county_mode


def merge_files(ctx: ServiceContext, paths: Sequence[Path | str],
                progress: Callable[[int, int], None] | None = None) -> list[FileSummary]:
    """Merge the stations' sync workbooks into this county database, each file in its own transaction.

    A refused file is reported with its reason and leaves nothing behind; the other files go on.
    Only in county mode, and only for an administrator.
    """
    if not county_mode(ctx):
        raise StationError(tr("本机不是县级汇总模式，不能合并各站的报送文件：请先在“设置”中勾选“县级汇总模式”"))
    summaries = []
    for index, path in enumerate(paths):
        summaries.append(_merge_file(ctx, Path(path), FORMAT_STATION, synced_tables()))
        if progress is not None:
            progress(index + 1, len(paths))
    return summaries


def merge_registry(ctx: ServiceContext, path: Path | str) -> FileSummary:
    """Merge the county's registry and holiday workbook at a station: newer wins, the older kept in history."""
    return _merge_file(ctx, Path(path), FORMAT_REGISTRY, registry_tables())


class _Refused(StationError):
    pass


def _merge_file(ctx: ServiceContext, path: Path, expected: str, tables: list[Table]) -> FileSummary:
    summary = FileSummary(path)
    try:
        found = _read_checked(path, expected, tables, summary)
        if expected == FORMAT_STATION:
            with ctx.read() as session:
                known = session.scalar(select(Station.id).where(Station.code == summary.station_code,
                                                                Station.voided_at.is_(None)))
            if known is None:
                raise _Refused(tr("“{file}”来自站点“{name}”（代码 {code}），县里的站点名册中没有这个站点，未合并："
                                  "请先在代表名册中添加该站点", file=path.name, name=summary.station_name,
                                  code=summary.station_code))
        decoded = [(table, _decode(path, table, found.headers[table.name], found.rows[table.name]))
                   for table in tables]
        with ctx.write(admin_only=expected == FORMAT_STATION) as session:
            connection = session.connection()
            for table, rows in decoded:
                try:
                    summary.tables[table.name] = _merge_table(connection, table, rows, summary)
                except DBAPIError as exc:
                    raise _Refused(tr("“{file}”的工作表“{sheet}”与本机已有的数据冲突（编号或名称重复，或引用的记录不存在），"
                                      "未合并；请与站点核对后重新导出。数据库提示：{error}", file=path.name, sheet=table.name,
                                      error=str(exc.orig).splitlines()[0])) from exc
    except (_Refused, WorkbookError) as exc:
        summary.refused, summary.reason, summary.tables = True, str(exc), {}
    return summary


def _shown(value: object) -> str:
    """A value of the file's own metadata as a message may quote it: a tampered file's can be any length."""
    return shorten(str(value), 60) if value else ""


def _read_checked(path: Path, expected: str, tables: list[Table], summary: FileSummary):
    found = read_tables(path)
    manifest = found.manifest
    kind = tr("报送文件") if expected == FORMAT_STATION else tr("名册与节假日文件")
    if manifest is None or manifest.get("format") != expected:
        raise _Refused(tr("“{file}”不是本程序导出的{kind}（文件格式：{found}），未合并", file=path.name, kind=kind,
                          found=_shown((manifest or {}).get("format")) or tr("无“元数据”工作表")))
    summary.station_code = _shown(manifest.get("station_code"))
    summary.station_name = _shown(manifest.get("station_name"))
    if manifest.get("schema") != SCHEMA_HEAD:
        raise _Refused(tr("“{file}”的数据库版本为 {found}，本机为 {head}：请两边使用同一版本的程序后重新导出，未合并",
                          file=path.name, found=_shown(manifest.get("schema")) or "?", head=SCHEMA_HEAD))
    for table in tables:
        if table.name not in found.headers:
            raise _Refused(tr("“{file}”缺少工作表“{sheet}”，未合并", file=path.name, sheet=table.name))
        missing = [c for c in table.columns.keys() if c not in found.headers[table.name]]
        if missing:
            raise _Refused(tr("“{file}”的工作表“{sheet}”缺少列：{columns}，未合并", file=path.name, sheet=table.name,
                              columns="、".join(missing)))
    if manifest.get("checksum") != found.checksum:
        raise _Refused(tr("“{file}”的校验值不符：文件在导出后被改动过或已损坏，未合并；请让站点重新导出", file=path.name))
    for sheet, count in row_counts(manifest).items():
        if len(found.rows.get(sheet, ())) != count:
            raise _Refused(tr("“{file}”的工作表“{sheet}”应有 {n} 行，实有 {m} 行，未合并", file=path.name, sheet=sheet,
                              n=count, m=len(found.rows.get(sheet, ()))))
    return found


def _decode(path: Path, table: Table, header: list[str], rows: list[list[str]]) -> list[dict[str, object]]:
    columns = list(table.columns)
    positions = [header.index(c.name) for c in columns]
    decoders = [_decoder(c) for c in columns]
    decoded = []
    for number, cells in enumerate(rows, start=2):
        record = {}
        for column, position, decode in zip(columns, positions, decoders):
            text = cells[position]
            try:
                record[column.name] = decode(text)
            except (ValueError, InvalidOperation, TypeError, OverflowError, RecursionError) as exc:
                raise _Refused(tr("“{file}”的工作表“{sheet}”第 {row} 行“{column}”列的值“{value}”无法识别，未合并",
                                  file=path.name, sheet=table.name, row=number, column=column.name,
                                  value=text[:40])) from exc
        if not record.get("id") or record.get("updated_at") is None:
            raise _Refused(tr("“{file}”的工作表“{sheet}”第 {row} 行缺少编号或修改时间，未合并",
                              file=path.name, sheet=table.name, row=number))
        decoded.append(record)
    return decoded


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for index in range(0, len(items), size):
        yield items[index:index + size]


def _merge_table(connection, table: Table, rows: list[dict[str, object]], summary: FileSummary) -> TableCounts:
    counts = TableCounts()
    if not rows:
        return counts
    existing: dict[str, dt.datetime] = {}
    for chunk in _chunks([r["id"] for r in rows]):
        existing.update(connection.execute(select(table.c.id, table.c.updated_at).where(table.c.id.in_(chunk))).all())
    new_rows, newer = [], []
    seen: set[str] = set()
    for record in rows:
        record_id = record["id"]
        if record_id in seen:
            continue
        seen.add(record_id)
        stored = existing.get(record_id)
        if stored is None:
            new_rows.append(record)
        elif record["updated_at"] > stored:
            newer.append(record)
        elif record["updated_at"] == stored:
            counts.unchanged += 1
        else:
            counts.older_ignored += 1
    for batch in _chunks(new_rows, _INSERT_BATCH):
        connection.execute(insert(table), list(batch))
    counts.added = len(new_rows)
    if newer:
        _replace(connection, table, newer, summary)
        counts.updated = len(newer)
    if table.name == "visits":
        _reindex(connection, new_rows + newer)
    return counts


def _replace(connection, table: Table, newer: list[dict[str, object]], summary: FileSummary) -> None:
    """Update the newer rows by id; keep each replaced version in ``merge_history``."""
    guarded = [c.name for c in table.columns if c.name in ID_COLUMNS | PHONE_COLUMNS]
    now = utcnow()
    history, params = [], []
    for chunk in _chunks(newer):
        old = {row.id: row._mapping for row in
               connection.execute(select(table).where(table.c.id.in_([r["id"] for r in chunk])))}
        for record in chunk:
            before = old[record["id"]]
            history.append({"merged_at": now, "table_name": table.name, "record_id": record["id"],
                            "station_code": summary.station_code, "source_file": summary.path.name,
                            "replaced": {k: _plain(v) for k, v in before.items()}})
            values = {k: v for k, v in record.items() if k != "id"}
            for name in guarded:  # a masked value never replaces the real one
                if is_masked(values.get(name)) and before[name] and not is_masked(before[name]):
                    values[name] = before[name]
            values["_id"] = record["id"]
            params.append(values)
    statement = update(table).where(table.c.id == bindparam("_id"))
    for batch in _chunks(params, _INSERT_BATCH):
        connection.execute(statement, list(batch))
    for batch in _chunks(history, _INSERT_BATCH):
        connection.execute(insert(MergeHistory), list(batch))


def _reindex(connection, visits: list[dict[str, object]]) -> None:
    """Keep the visit search index in step with merged visits (the ORM hook does not see Core writes)."""
    for chunk in _chunks(visits):
        connection.execute(delete(VisitSearch).where(VisitSearch.visit_id.in_([v["id"] for v in chunk])))
        connection.execute(insert(VisitSearch), [
            {"visited_at": v["visited_at"], "visit_id": v["id"], "voided": v["voided_at"] is not None,
             "text": search_text(SimpleNamespace(**v))} for v in chunk])


def history(ctx: ServiceContext, table: str, record_id: str) -> list[dict[str, object]]:
    """The versions of a record that merges replaced, oldest first."""
    with ctx.read() as session:
        return [dict(r) for r in session.scalars(
            select(MergeHistory.replaced).where(MergeHistory.table_name == table, MergeHistory.record_id == record_id)
            .order_by(MergeHistory.id))]


def totals(summaries: Iterable[FileSummary]) -> TableCounts:
    """The counts of every accepted file together."""
    total = TableCounts()
    for summary in summaries:
        total.added += summary.added
        total.updated += summary.updated
        total.unchanged += summary.unchanged
        total.older_ignored += summary.older_ignored
    return total
