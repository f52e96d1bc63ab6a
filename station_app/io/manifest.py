"""The 元数据 sheet of a machine-read workbook (format, schema version, station, rows, checksum).

Any export another copy of the program reads back (the county sync, the registry sent to the
stations, a monthly report) ends with this sheet: one row per item, a machine key, a Chinese label
and the value. ``checksum`` is a SHA-256 over every data cell, sheet by sheet and row by row, of the
text as written, so a cell changed by hand, a row taken out or a sheet emptied is found on reading.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import python_calamine

from station_app.i18n import tr

MANIFEST_SHEET = "元数据"
#: the labels shown beside the machine keys (a key not listed is shown as itself)
LABELS = {
    "format": "文件格式",
    "schema": "数据库版本",
    "station_code": "站点代码",
    "station_name": "站点名称",
    "since": "变动起始（不含）",
    "up_to": "变动截至",
    "period": "期间",
    "generated_at": "生成时间（UTC）",
    "generated_by": "生成人",
    "total": "记录总数",
    "checksum": "校验值（SHA-256）",
}
ROWS_PREFIX = "rows:"

_CELL, _ROW, _SHEET = "\x1f", "\x1e", "\x1d"


class Checksum:
    """SHA-256 over the cells of the data sheets, fed sheet by sheet and row by row."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def sheet(self, name: str) -> None:
        self._hash.update((_SHEET + name + _ROW).encode())

    def row(self, cells: Sequence[str]) -> None:
        self._hash.update((_CELL.join(cells) + _ROW).encode())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def checksum(sheets: Iterable[tuple[str, Iterable[Sequence[str]]]]) -> str:
    """The checksum of ``(sheet name, rows of cell texts)`` in order; the header row counts as a row."""
    digest = Checksum()
    for name, rows in sheets:
        digest.sheet(name)
        for cells in rows:
            digest.row(cells)
    return digest.hexdigest()


#: the 元数据 sheet's columns and their widths (characters)
MANIFEST_COLUMNS = (("key", 22), ("项目", 22), ("内容", 70))


def manifest_rows(items: Mapping[str, object]) -> Iterable[list[str]]:
    """The 元数据 sheet's rows, header first: key, label in the reader's language, value as text."""
    yield [MANIFEST_COLUMNS[0][0], *(tr(title) for title, _width in MANIFEST_COLUMNS[1:])]
    for key, value in items.items():
        label = tr(LABELS[key]) if key in LABELS else (
            tr("{table} 行数", table=key[len(ROWS_PREFIX):]) if key.startswith(ROWS_PREFIX) else key)
        yield [key, label, "" if value is None else str(value)]


def read_manifest(source: Path | str | python_calamine.CalamineWorkbook) -> dict[str, str] | None:
    """The items of the 元数据 sheet, or None when the workbook has none."""
    workbook = source if isinstance(source, python_calamine.CalamineWorkbook) \
        else python_calamine.CalamineWorkbook.from_path(str(source))
    if MANIFEST_SHEET not in workbook.sheet_names:
        return None
    items: dict[str, str] = {}
    for index, row in enumerate(workbook.get_sheet_by_name(MANIFEST_SHEET).iter_rows()):
        if index == 0 or not row or not str(row[0]).strip():
            continue
        items[str(row[0]).strip()] = str(row[2]) if len(row) > 2 else ""
    return items


def row_counts(items: Mapping[str, str]) -> dict[str, int]:
    """The rows per sheet a manifest states: {"visits": 120, ...}."""
    counts: dict[str, int] = {}
    for key, value in items.items():
        if key.startswith(ROWS_PREFIX):
            try:
                counts[key[len(ROWS_PREFIX):]] = int(value)
            except ValueError:
                counts[key[len(ROWS_PREFIX):]] = -1
    return counts
