"""Workbooks of database tables as text: one sheet per table, column names as the header, and 元数据.

Every cell is written as text (a date as 2026-11-02, a time as 2026-11-02T08:15:00.123456, an
amount as 100.50, a flag as 1/0), so what is read back is exactly what was written and the
checksum over the cells holds; what the text means is the caller's business (``services.sync``).
Written with xlsxwriter's constant-memory mode (streamed, every cell a string), read with python-calamine.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from station_app.i18n import tr
from station_app.io.excel import WorkbookError, check_workbook, damaged_message
from station_app.io.excel_write import close_workbook, discard_row_files, inline_text
from station_app.io.files import atomic_path
from station_app.io.manifest import (
    MANIFEST_COLUMNS,
    MANIFEST_SHEET,
    ROWS_PREFIX,
    Checksum,
    manifest_rows,
    read_manifest,
)


@dataclass
class TableSheet:
    """One table to write: its name (the sheet's), its column names, and rows of cell texts."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence[str]]


@dataclass
class ReadWorkbook:
    """What a table workbook holds: the 元数据 items, each sheet's header and rows, the checksum found."""

    path: Path
    manifest: dict[str, str] | None
    headers: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, list[list[str]]] = field(default_factory=dict)
    checksum: str = ""


#: characters XML 1.0 cannot hold (what openpyxl refuses as illegal)
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")
#: xlsxwriter's pixels per character of column width: ``width * 7`` pixels is stored as ``width``
_PIXELS_PER_CHARACTER = 7


def clean_cell(text: str) -> str:
    """The text as it can be stored in a cell (characters XML forbids taken out)."""
    return _ILLEGAL_CHARACTERS.sub("", text)


def write_tables(path: Path | str, tables: Iterable[TableSheet],
                 manifest: Mapping[str, object] | Callable[[], Mapping[str, object]]) -> dict[str, int]:
    """Write the tables, then 元数据 with ``manifest`` plus each sheet's row count and the checksum.

    ``manifest`` may be a function, called once the rows are written (when it depends on what they held).
    Returns the rows written per table. The file is replaced only when everything was written.
    """
    counts: dict[str, int] = {}
    digest = Checksum()
    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
        try:
            for table in tables:
                sheet = workbook.add_worksheet(table.name)
                header = [clean_cell(c) for c in table.columns]
                sheet.freeze_panes(1, 1)
                digest.sheet(table.name)
                digest.row(header)
                _write_row(sheet, 0, header)
                count = 0
                for cells in table.rows:
                    digest.row(cells)
                    count += 1
                    _write_row(sheet, count, cells)
                counts[table.name] = count
            items = {**(manifest() if callable(manifest) else manifest),
                     **{f"{ROWS_PREFIX}{name}": n for name, n in counts.items()},
                     "total": sum(counts.values()), "checksum": digest.hexdigest()}
            _write_manifest(workbook, items)
            close_workbook(workbook)
        except BaseException:
            discard_row_files(workbook)
            raise
    return counts


def _write_row(sheet: Worksheet, row: int, cells: Sequence[str]) -> None:
    """Every cell as a string ("=1+1" too: never a formula); an empty one is left out, and reads back as ''."""
    write = sheet.write_string
    for col, text in enumerate(cells):
        if text:
            write(row, col, inline_text(text))


def _write_manifest(workbook: xlsxwriter.Workbook, items: Mapping[str, object]) -> None:
    """The 元数据 sheet (:func:`station_app.io.manifest.manifest_rows`), every cell as text."""
    sheet = workbook.add_worksheet(MANIFEST_SHEET)
    for col, (_title, width) in enumerate(MANIFEST_COLUMNS):
        sheet.set_column_pixels(col, col, width * _PIXELS_PER_CHARACTER)
    for row, cells in enumerate(manifest_rows(items)):
        _write_row(sheet, row, cells)


def read_tables(path: Path | str) -> ReadWorkbook:
    """Every sheet but 元数据, as text, with the checksum of what was found (to compare with the manifest's)."""
    path = Path(path)
    check_workbook(path)  # a pipe, a device, a bomb, an encrypted or damaged file: refused before reading
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors for a file that is not a workbook
        raise WorkbookError(tr("无法读取“{file}”：不是有效的 Excel 文件（{error}）", file=path.name,
                               error=" ".join(str(exc).split())[:80])) from exc
    try:
        return _read_tables(path, workbook)
    except python_calamine.CalamineError as exc:
        raise WorkbookError(damaged_message(path, exc)) from exc
    finally:
        workbook.close()


def _read_tables(path: Path, workbook: python_calamine.CalamineWorkbook) -> ReadWorkbook:
    result = ReadWorkbook(path, read_manifest(workbook))
    digest = Checksum()
    for name in workbook.sheet_names:
        if name == MANIFEST_SHEET:
            continue
        digest.sheet(name)
        rows = workbook.get_sheet_by_name(name).iter_rows()
        header = [_text(v) for v in next(rows, [])]
        while header and header[-1] == "":
            header.pop()
        digest.row(header)
        width = len(header)
        found = []
        for raw in rows:
            cells = [_text(v) for v in raw[:width]]
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            digest.row(cells)
            found.append(cells)
        result.headers[name] = header
        result.rows[name] = found
    result.checksum = digest.hexdigest()
    return result


def _text(value: object) -> str:
    """A cell as text: what the program wrote comes back unchanged; a cell retyped by hand in Excel is read
    as the text it shows, so a changed value still changes the checksum."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)
