"""One import pipeline for every workbook the program reads.

Each import goes the same way: read the workbook and find its header (``io.excel.read_table``:
title rows, merged cells, full-width digits, blank and 合计 rows), clean and check every row
against what is stored, show a preview with a row-by-row report, then commit all or nothing, or
(on request) the accepted rows without the refused ones. The window and the command line show the
same report.

A kind of workbook plugs in as an ``Importer``: its columns, how one row is checked, how accepted
rows are written. The registry, the visits log and the holiday table are importers today; the
county merge will be the next.

The commit checks every row again inside its write transaction, against what is stored then: if
another import or another clerk changed the data since the preview, nothing is written and the
clerk is asked to preview again, so two imports of one list never add the same people twice.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from station_app.db.session import lock_for_writing
from station_app.i18n import tr
from station_app.io.excel import SheetRow, WorkbookError, read_table
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.vocab import ImportAction

T = TypeVar("T")
Known = TypeVar("Known")

#: the longest text a field of an imported row may hold (free text: 反映问题, 备注); a field stored in a
#: shorter column says so in the importer's ``max_lengths``
MAX_FIELD_CHARS = 2000
#: how much of a label or a reason a report line shows: a 1 MB cell must not become a 1 MB message
_LABEL_CHARS = 40
_REASON_CHARS = 200


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with "…" where it was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def lengths_of(model: Any, keys: Any) -> dict[str, int]:
    """The longest text each field may hold: the length of the model's column of that name, at least 50
    characters (a word the importer shortens, such as 县级人大代表 for the level 县, fits before it is shortened)."""
    columns = model.__table__.columns
    return {key: max(50, columns[key].type.length) for key in keys
            if key in columns and getattr(columns[key].type, "length", None)}


@dataclass
class ImportRow(Generic[T]):
    """What importing one row would do, and why a refused row is refused."""

    row_number: int
    #: who or what the row is, for the report: a name, a date, "王大妈 2025-03-05 09:30"
    label: str
    action: ImportAction
    reasons: list[str] = field(default_factory=list)
    #: the cleaned record to write (None when refused)
    data: T | None = None
    #: the stored record an update changes
    match_id: str | None = None
    #: the row as read, so the commit can check it again
    source: SheetRow | None = None

    @property
    def refused(self) -> bool:
        return self.action == ImportAction.REFUSE


@dataclass
class ImportPreview(Generic[T]):
    """Every row of a workbook with what importing it would do. Nothing is written yet."""

    path: Path
    sheet: str
    header_row: int
    rows: list[ImportRow[T]]
    #: (row number, reason) for rows left out on purpose: 合计 rows, repeated headers
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def count(self, action: ImportAction) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def refused(self) -> list[ImportRow[T]]:
        return [row for row in self.rows if row.refused]

    def report_lines(self) -> list[str]:
        """'名册.xlsx 第 7 行（李四）：联系电话：…' for every refused row, then every skipped row."""
        lines = [tr("{file} 第 {row} 行（{name}）：{reasons}", file=self.path.name, row=row.row_number,
                    name=shorten(row.label, _LABEL_CHARS) or tr("无姓名"), reasons=_reasons(row))
                 for row in self.refused]
        lines += [tr("{file} 第 {row} 行：{reason}", file=self.path.name, row=number,
                     reason=shorten(reason, _REASON_CHARS)) for number, reason in self.skipped]
        return lines

    def summary(self) -> str:
        return tr("共 {total} 行：新增 {new}，更新 {upd}，不变 {same}，拒绝 {bad}，跳过 {skip}",
                  total=len(self.rows) + len(self.skipped), new=self.count(ImportAction.ADD),
                  upd=self.count(ImportAction.UPDATE), same=self.count(ImportAction.SAME),
                  bad=self.count(ImportAction.REFUSE), skip=len(self.skipped))

    def refusal(self) -> str:
        """One line for a refused import: the file, how many rows, and the first of them."""
        first = self.refused[0]
        return tr("{file} 有 {n} 行不能导入，未写入任何数据。第一处：第 {row} 行，{reason}",
                  file=self.path.name, n=len(self.refused), row=first.row_number, reason=_reasons(first))


def _reasons(row: ImportRow[Any]) -> str:
    """A refused row's reasons on one line, each cut short."""
    return "；".join(" ".join(shorten(reason, _REASON_CHARS).split()) for reason in row.reasons)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    refused: int
    skipped: int = 0

    def summary(self) -> str:
        return tr("导入完成：新增 {a}，更新 {u}，不变 {s}，拒绝 {r}。", a=self.added, u=self.updated,
                  s=self.unchanged, r=self.refused)


class Importer(Protocol[T, Known]):
    """One kind of workbook: its columns, how a row is checked, how accepted rows are written."""

    #: field key → the header texts accepted for it, the one written on export first
    headers: dict[str, tuple[str, ...]]
    #: the fields a header row must have
    required: tuple[str, ...]

    def known(self, session: Session) -> Known:
        """What is stored that rows are checked against, read once per pass. It may also keep what
        earlier rows of the same pass held (to refuse a duplicate row)."""

    def check(self, row: SheetRow, known: Known) -> ImportRow[T]:
        """Clean and check one row: an ``ImportRow`` saying what importing it would do."""

    def write(self, session: Session, rows: Sequence[ImportRow[T]], known: Known) -> None:
        """Write the accepted rows (新增 and 更新) inside the commit's transaction."""


class UnreadableWorkbook(StationError, WorkbookError):
    """The workbook could not be read at all (not a workbook, damaged, encrypted, too large, no header):
    nothing was looked at, nothing written. Still a ``WorkbookError`` for callers that catch that."""


class ImportRefused(StationError):
    """An import with refused rows, and no permission to leave them out: nothing was written."""

    def __init__(self, preview: ImportPreview[Any]) -> None:
        self.preview = preview
        super().__init__(preview.refusal())


def preview_import(ctx: ServiceContext, importer: Importer[T, Any], path: Path | str) -> ImportPreview[T]:
    """Read the workbook and decide, row by row, what importing it would do. Writes nothing."""
    path = Path(path)
    try:
        table = read_table(path, importer.headers, required=importer.required)
    except UnreadableWorkbook:
        raise
    except WorkbookError as exc:
        raise UnreadableWorkbook(str(exc)) from exc
    with ctx.read() as session:
        known = importer.known(session)
        rows = [_checked(importer, sheet_row, known) for sheet_row in table.rows]
    return ImportPreview(path, table.sheet_name, table.header_row, rows, list(table.skipped))


def commit_import(ctx: ServiceContext, importer: Importer[T, Any], preview: ImportPreview[T], *,
                  skip_refused: bool = False) -> ImportResult:
    """Write the accepted rows in one transaction: all of them, or none.

    With refused rows nothing is written unless ``skip_refused``. Every row is checked again
    against what is stored at the moment of writing; a row whose verdict changed since the
    preview stops the whole import.
    """
    if preview.refused and not skip_refused:
        raise ImportRefused(preview)
    with ctx.write() as session:
        lock_for_writing(session, f"import:{type(importer).__name__}")  # two imports of one list take turns
        known = importer.known(session)
        again = [_checked(importer, row.source, known) if row.source is not None else row for row in preview.rows]
        for before, now in zip(preview.rows, again):
            if (before.action, before.match_id) != (now.action, now.match_id):
                raise StationError(tr("{file} 第 {row} 行：预览之后数据库中的数据有了变化（{before} → {now}），"
                                      "未写入任何数据，请重新预览后再导入", file=preview.path.name, row=now.row_number,
                                      before=before.action.label, now=now.action.label))
        importer.write(session, [row for row in again if row.action in (ImportAction.ADD, ImportAction.UPDATE)],
                       known)
    return ImportResult(preview.count(ImportAction.ADD), preview.count(ImportAction.UPDATE),
                        preview.count(ImportAction.SAME), len(preview.refused), len(preview.skipped))


def _checked(importer: Importer[T, Any], sheet_row: SheetRow, known: Any) -> ImportRow[T]:
    row = _too_long(importer, sheet_row) or importer.check(sheet_row, known)
    row.source = sheet_row
    return row


def _too_long(importer: Importer[T, Any], sheet_row: SheetRow) -> ImportRow[T] | None:
    """A row with a field longer than it may hold, refused before it is looked at: naming the row and the field."""
    limits: dict[str, int] = getattr(importer, "max_lengths", {})
    reasons = [tr("{field}：内容太长（{n} 字，最多 {limit} 字）", field=importer.headers[key][0], n=len(text),
                  limit=limits.get(key, MAX_FIELD_CHARS))
               for key, text in sheet_row.values.items() if len(text) > limits.get(key, MAX_FIELD_CHARS)]
    if not reasons:
        return None
    label = next((text for text in sheet_row.values.values() if 0 < len(text) <= _LABEL_CHARS), "")
    return ImportRow(sheet_row.row_number, label, ImportAction.REFUSE, reasons)
