"""Reading and writing Excel tables — files only, no business rules.

Reading (:func:`read_table`) is tolerant of the lists county offices keep: title rows above the
header, headers with line breaks, "*" markers and "（必填）" notes, merged cells, full-width
digits, blank rows and 合计 rows. Every value comes back as cleaned text; what the text means is
the caller's business.

Reading uses python-calamine for every file. It is fast (a 200,000-row sheet is read in seconds,
not minutes as with openpyxl), it reports merged ranges for .xlsx, and it recognises content
rather than trusting the file extension, so an old .xls (or an .xlsx saved with the wrong name)
is read too. Cell values are taken as Excel stored them (the cached result of a formula; a
formula never calculated, e.g. in a file written by a script, reads as empty).

Writing (:func:`write_workbook`) uses xlsxwriter in constant-memory mode: each row goes to a
temporary file as soon as the next one is started, so a generator of 200,000 rows never sits in
memory, and it writes several times faster than openpyxl's write-only mode. Everything the output
needs is there (formats per cell, frozen panes, column widths, autofilter, merged titles, native
charts, print setup); rows must be written in order, and a row's height set before its cells,
which is how :func:`_write_sheet` goes. What it cannot do is measure text to auto-size columns,
hence the explicit :attr:`Column.width`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape as xml_escape

import python_calamine
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from station_app.i18n import tr
from station_app.io.files import atomic_path

__all__ = [
    "BarChartSpec",
    "Column",
    "SheetRow",
    "SheetSpec",
    "SheetTable",
    "WorkbookError",
    "WriteSummary",
    "cell_checksum",
    "clean_text",
    "normalise_header",
    "read_table",
    "write_workbook",
]

# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------

# Zero-width characters arrive with text pasted from web pages and WeChat; they are invisible
# in Excel but would make "王伟" and "王\u200b伟" different names.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
# Excel shows at most 15 significant digits; more digits from a float are noise, not data.
_EXCEL_DIGITS = 15


def clean_text(value: object) -> str:
    """Turn one cell value into the text a person sees, normalised for comparison.

    ``None`` → ``''``; whole numbers stored as floats lose the ``.0`` and never use scientific
    notation; dates → ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM`` when there is a time of day);
    booleans → ``是``/``否``; strings are NFKC-normalised (full-width digits, letters,
    punctuation and the ideographic space become their ordinary forms), stripped, and runs of
    whitespace collapse to one space. Inner spaces are kept: removing them from names is a
    business rule for the caller.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_string(value)
    if isinstance(value, bool):
        return "是" if value else "否"  # data, not a message: not translated
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, Decimal):
        return _format_decimal(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        sign = "-" if minutes < 0 else ""
        hours, minutes = divmod(abs(minutes), 60)
        return f"{sign}{hours}:{minutes:02d}"
    return _clean_string(str(value))


def _clean_string(text: str) -> str:
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return _WHITESPACE.sub(" ", text).strip()


def _format_float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return ""
    if value == 0:
        return "0"  # also turns -0.0 into "0"
    if value.is_integer() and abs(value) < 10**_EXCEL_DIGITS:
        return str(int(value))
    return _format_decimal(Decimal(format(value, f".{_EXCEL_DIGITS}g")))


def _format_decimal(value: Decimal) -> str:
    if not value.is_finite():
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_HEADER_SCAN_ROWS = 30
_TOTAL_WORDS = frozenset({"合计", "总计", "小计", "共计"})
_SERIAL_HEADERS = frozenset({"序号", "序", "编号", "no", "no."})
# Notes in any kind of bracket: （必填） (选填) 【必填】 〔注〕 <可选> 《说明》.
_BRACKETED = re.compile(r"[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]")
_MARKERS = "*"  # NFKC has already turned "＊" into "*"


class WorkbookError(Exception):
    """A workbook could not be read; the message is ready to show.

    It names the file, and the sheet, row or column where that helps the user find the problem.
    """


@dataclass(frozen=True)
class SheetRow:
    """One data row of a table."""

    row_number: int  # 1-based Excel row number, for messages
    values: dict[str, str]  # field key -> cleaned text ('' when empty)


@dataclass
class SheetTable:
    """The rows found under the header of one sheet.

    ``rows[i].values`` has every key of the ``fields`` passed to :func:`read_table`; a field whose
    column is missing from the sheet reads as ``''`` (``columns`` tells which columns were found).
    """

    path: Path
    sheet_name: str
    header_row: int  # 1-based
    columns: dict[str, str]  # field key -> the header text found
    rows: list[SheetRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row_number, Chinese reason)


@dataclass(frozen=True)
class _Header:
    row_index: int  # 0-based
    last_row_index: int  # the header's last row when header cells are merged downwards
    columns: dict[str, int]  # field key -> 0-based column index
    texts: dict[str, str]  # field key -> header text as shown
    serial_column: int | None  # 序号, looked at for 合计 rows even when it is not a field


def normalise_header(text: object) -> str:
    """The comparable form of a header text: ``"＊联系\\n电话（必填）"`` → ``"联系电话"``."""
    text = _WHITESPACE.sub("", clean_text(text))
    text = _BRACKETED.sub("", text)
    return text.strip(_MARKERS).casefold()


def read_table(
    path: Path | str,
    fields: Mapping[str, Sequence[str]],
    required: Iterable[str] = (),
    sheet: str | None = None,
) -> SheetTable:
    """Read the table of one sheet of an Excel workbook.

    ``fields`` maps a field key to the header texts accepted for it, preferred first, e.g.
    ``{"name": ("姓名", "代表姓名"), "phone": ("手机", "联系电话")}``. The header row is found
    among the first 30 rows: the row naming the most fields, which must include every
    ``required`` field and at least two fields. Without ``sheet`` the first sheet with such a
    header is used (visible sheets before hidden ones).

    Vertically merged cells give their value to every row they cover (in their first column).
    Blank rows are dropped; 合计/总计/小计/共计 rows and repeated header rows are listed in
    ``skipped``. Raises :class:`WorkbookError` with a message naming the file.
    """
    path = Path(path)
    required = tuple(required)
    unknown = [key for key in required if key not in fields]
    if unknown:
        raise ValueError(f"required fields not in fields: {unknown}")
    if not fields:
        raise ValueError("fields must not be empty")
    aliases = {key: tuple(dict.fromkeys(normalise_header(a) for a in names if normalise_header(a)))
               for key, names in fields.items()}

    workbook = _open_workbook(path)
    try:
        return _read_from_workbook(workbook, path, fields, aliases, required, sheet)
    except python_calamine.CalamineError as exc:
        raise WorkbookError(tr("{file} 已损坏，无法读取：{error}", file=path.name, error=exc)) from exc
    finally:
        workbook.close()


#: the largest workbook read: a county's 200,000 visits take about 15 MB
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024
#: the most an .xlsx (a zip) may unpack to: a few times what 200,000 visits need, far below what a
#: "zip bomb" (a small file that unpacks to many gigabytes) would fill memory with
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024


def _check_size(path: Path) -> None:
    """Refuse, before reading, a file too large to be a station's list, or one that unpacks to far more."""
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        raise WorkbookError(tr("{file} 太大（{size} MB，最多 {limit} MB），不像是一份名册或登记表，未读取",
                               file=path.name, size=size // (1024 * 1024), limit=MAX_WORKBOOK_BYTES // (1024 * 1024)))
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # calamine says what is wrong with it
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookError(tr("{file} 解压后有 {size} MB（最多 {limit} MB），可能是恶意构造的压缩文件，未读取",
                               file=path.name, size=unpacked // (1024 * 1024),
                               limit=MAX_UNPACKED_BYTES // (1024 * 1024)))


def _open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    if not path.exists():
        raise WorkbookError(tr("找不到文件 {path}", path=path))
    if path.is_dir():
        raise WorkbookError(tr("{file} 是文件夹，不是 Excel 工作簿（.xlsx）", file=path.name))
    _check_size(path)
    try:
        with path.open("rb") as stream:
            # from_filelike looks at the content, not the extension, so a real .xls or an
            # .xlsx saved under another name is still read.
            return python_calamine.CalamineWorkbook.from_filelike(stream)
    except PermissionError as exc:
        raise WorkbookError(
            tr("无法打开 {file}：没有读取权限，或文件正在被 Excel 等程序占用，请关闭后重试", file=path.name)
        ) from exc
    except OSError as exc:
        raise WorkbookError(
            tr("无法打开 {file}：{error}", file=path.name, error=exc.strerror or exc)
        ) from exc
    except python_calamine.PasswordError as exc:
        raise WorkbookError(
            tr("{file} 设置了打开密码，无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入", file=path.name)
        ) from exc
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        if path.suffix.lower() == ".xls":
            message = tr("{file} 是旧版 Excel 文件（.xls），无法读取。请在 Excel 中另存为 .xlsx 后再导入",
                         file=path.name)
        else:
            message = tr("{file} 不是有效的 Excel 工作簿（.xlsx），可能已损坏或并非 Excel 文件。"
                         "请在 Excel 中打开并另存为 .xlsx 后再导入", file=path.name)
        raise WorkbookError(message) from exc


def _read_from_workbook(
    workbook: python_calamine.CalamineWorkbook,
    path: Path,
    fields: Mapping[str, Sequence[str]],
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    sheet: str | None,
) -> SheetTable:
    worksheets = [m for m in workbook.sheets_metadata
                  if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    if sheet is not None:
        if sheet not in workbook.sheet_names:
            raise WorkbookError(tr("{file} 中没有名为“{sheet}”的工作表（现有：{names}）",
                                   file=path.name, sheet=sheet, names="、".join(workbook.sheet_names)))
        candidates = [sheet]
    else:
        visible = [m.name for m in worksheets if m.visible == python_calamine.SheetVisibleEnum.Visible]
        hidden = [m.name for m in worksheets if m.name not in visible]
        candidates = visible + hidden

    best_miss: tuple[int, str, int, list[str]] | None = None  # (score, sheet, row, missing)
    any_data = False
    for name in candidates:
        calamine_sheet = workbook.get_sheet_by_name(name)
        if calamine_sheet.start is None:  # nothing in it (iter_rows would fail)
            continue
        any_data = True
        rows = _SheetRows(calamine_sheet)
        head = rows.take(_HEADER_SCAN_ROWS)
        header, miss = _find_header(head, aliases, required)
        if header is None:
            if miss is not None and (best_miss is None or miss[0] > best_miss[0]):
                best_miss = (miss[0], name, miss[1], miss[2])
            continue
        return _collect_rows(path, name, header, itertools.chain(head, rows), fields)

    if not any_data:
        if sheet is not None:
            raise WorkbookError(tr("{file} 的工作表“{sheet}”是空的", file=path.name, sheet=sheet))
        raise WorkbookError(tr("{file} 是空的工作簿，没有任何数据", file=path.name))
    if best_miss is not None:
        _score, name, row_index, missing = best_miss
        raise WorkbookError(tr("{file}：工作表“{sheet}”第 {row} 行的表头缺少列：{names}",
                               file=path.name, sheet=name, row=row_index + 1,
                               names=_describe_fields(fields, missing)))
    names = _describe_fields(fields, list(required) or list(fields))
    if sheet is not None:
        raise WorkbookError(tr("{file}：工作表“{sheet}”中找不到表头，应包含列：{names}",
                               file=path.name, sheet=sheet, names=names))
    raise WorkbookError(tr("{file}：找不到表头，应包含列：{names}", file=path.name, names=names))


def _describe_fields(fields: Mapping[str, Sequence[str]], keys: Iterable[str]) -> str:
    """``姓名（或 代表姓名）、手机`` — how the user can name each column."""
    parts = []
    for key in keys:
        names = [clean_text(n) for n in fields[key]] or [key]
        text = names[0]
        if len(names) > 1:
            text += tr("（或 {others}）", others="、".join(names[1:]))
        parts.append(text)
    return "、".join(parts)


class _RawRow(NamedTuple):
    """One sheet row as read, 0-based, with vertically merged cells filled down."""

    index: int
    cells: list[object]
    filled: frozenset[int]  # columns whose value was carried down from a merged cell above
    spans: Mapping[int, int]  # column -> last row of the vertical merge covering this cell


_NO_SPANS: Mapping[int, int] = {}


class _SheetRows:
    """Rows of a calamine sheet from A1, produced lazily.

    A 200,000-row sheet is never copied into Python lists at once. Only the first column of a
    merged range receives its value: spreading a note merged across several columns would put it
    into unrelated fields.
    """

    def __init__(self, sheet: python_calamine.CalamineSheet) -> None:
        # iter_rows pads the empty rows above the data but starts at the first used column.
        self._col_offset = sheet.start[1]
        self._rows = iter(sheet.iter_rows())
        self._index = -1
        self._merges: dict[int, list[tuple[int, int]]] = {}  # first row -> [(column, last row)]
        for (r0, c0), (r1, _c1) in sheet.merged_cell_ranges or ():
            if r1 > r0:
                self._merges.setdefault(r0, []).append((c0, r1))
        self._active: dict[int, tuple[object, int]] = {}  # column -> (value, last row)

    def take(self, count: int) -> list[_RawRow]:
        """The next ``count`` rows (fewer at the end of the sheet)."""
        head = []
        for row in self:
            head.append(row)
            if len(head) >= count:
                break
        return head

    def __iter__(self) -> Iterator[_RawRow]:
        return self

    def __next__(self) -> _RawRow:
        raw = next(self._rows)
        self._index += 1
        index = self._index
        cells: list[object] = [""] * self._col_offset + raw if self._col_offset else raw
        for column, end in self._merges.pop(index, ()):
            self._active[column] = (cells[column] if column < len(cells) else "", end)
        if not self._active:
            return _RawRow(index, cells, frozenset(), _NO_SPANS)
        filled = set()
        spans = {}
        for column, (value, end) in list(self._active.items()):
            if index > end:
                del self._active[column]
                continue
            spans[column] = end
            if column >= len(cells):
                cells.extend([""] * (column + 1 - len(cells)))
            if cells[column] in ("", None):
                cells[column] = value
                filled.add(column)
        return _RawRow(index, cells, frozenset(filled), spans)


def _find_header(
    head: list[_RawRow],
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
) -> tuple[_Header | None, tuple[int, int, list[str]] | None]:
    """The header row among ``head``, else the closest miss as (score, row, missing required).

    The row naming the most fields wins; on a tie the upper row.
    """
    minimum = min(2, len(aliases))
    best: _Header | None = None
    miss: tuple[int, int, list[str]] | None = None
    for row in head:
        normalised = [normalise_header(v) for v in row.cells]
        columns = _match_columns(normalised, aliases)
        score = len(columns)
        if score < minimum:
            continue
        missing = [key for key in required if key not in columns]
        if missing:
            if miss is None or score > miss[0]:
                miss = (score, row.index, missing)
            continue
        if best is None or score > len(best.columns):
            # A header cell merged downwards makes a two-storey header; its lower rows are
            # header too, not data.
            last = max((row.spans.get(col, row.index) for col in columns.values()), default=row.index)
            best = _Header(
                row_index=row.index,
                last_row_index=last,
                columns=columns,
                texts={key: clean_text(row.cells[col]) for key, col in columns.items()},
                serial_column=next(
                    (i for i, text in enumerate(normalised) if text in _SERIAL_HEADERS), None),
            )
    return best, (None if best else miss)


def _match_columns(headers: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Field key -> column: exact header matches first, then headers starting with an alias.

    Aliases are tried in the order given, so the caller's preferred name wins when a sheet has
    both. Prefix candidates go longest alias first so that "代表团名称" goes to the field with
    alias "代表团" rather than to one whose alias is merely "代表".
    """
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for key, names in aliases.items():
        for name in names:
            col = next((i for i, h in enumerate(headers) if h == name and i not in taken), None)
            if col is not None:
                columns[key] = col
                taken.add(col)
                break
    candidates = sorted(
        (-len(name), rank, col, key)
        for key, names in aliases.items() if key not in columns
        for rank, name in enumerate(names)
        for col, header in enumerate(headers)
        # "日期：2024年3月1日" on a 填报单位 line is a label with its value, not a header.
        if header.startswith(name) and not header[len(name):].startswith(":")
    )
    for _length, _rank, col, key in candidates:
        if key not in columns and col not in taken:
            columns[key] = col
            taken.add(col)
    return columns


def _is_total(value: object) -> bool:
    """合计/总计/小计/共计, also written "合 计", "合计：" or "合计（人）"."""
    if value in ("", None):
        return False
    text = _BRACKETED.sub("", _WHITESPACE.sub("", clean_text(value))).rstrip(":")
    return text in _TOTAL_WORDS


def _collect_rows(
    path: Path,
    sheet_name: str,
    header: _Header,
    rows: Iterable[_RawRow],
    fields: Mapping[str, Sequence[str]],
) -> SheetTable:
    table = SheetTable(
        path=path,
        sheet_name=sheet_name,
        header_row=header.row_index + 1,
        columns={key: header.texts[key] for key in fields if key in header.columns},
    )
    header_norm = [(key, normalise_header(text)) for key, text in header.texts.items()]
    mapped = [(key, header.columns.get(key)) for key in fields]
    serial = header.serial_column
    skipped_total = tr("合计行，已跳过")
    skipped_header = tr("重复的表头行，已跳过")

    for row in rows:
        if row.index <= header.last_row_index:
            continue
        cells = row.cells
        width = len(cells)
        values: dict[str, str] = {}
        own_content = False
        first_mapped = ""
        for key, col in mapped:
            text = clean_text(cells[col]) if col is not None and col < width else ""
            values[key] = text
            if text:
                own_content = own_content or col not in row.filled
                first_mapped = first_mapped or text
        row_number = row.index + 1
        first_any = next((v for v in cells if v not in ("", None) and clean_text(v)), "")
        if (_is_total(first_any) or _is_total(first_mapped)
                or (serial is not None and serial < width and _is_total(cells[serial]))):
            table.skipped.append((row_number, skipped_total))
            continue
        if not own_content:
            # Blank, or only values carried down from a merged cell.
            continue
        if len(header_norm) >= 2 and all(normalise_header(values[k]) == h for k, h in header_norm):
            table.skipped.append((row_number, skipped_header))
            continue
        table.rows.append(SheetRow(row_number=row_number, values=values))
    return table


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

_KINDS = ("text", "int", "number", "money", "date", "datetime")
_NUMBER_FORMATS = {
    "text": "@",
    "int": "0",
    "number": "General",  # a count that may be a half: 4, 3.5
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_TITLE = 31
_MAX_CELL_TEXT = 32767
_A4 = 9

_BORDER = {"border": 1, "border_color": "#808080"}
_HEADER_STYLE = {**_BORDER, "bold": True, "pattern": 1, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter",
                 "text_wrap": True}
_HEADING_STYLE = {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}
_SUBHEADING_STYLE = {"align": "left", "valign": "vcenter", "text_wrap": True}
_TEXT_ALIGN = {"valign": "vcenter", "text_wrap": True}
_VALUE_ALIGN = {"valign": "vcenter"}
_TOTAL_STYLE = {"bold": True, "pattern": 1, "bg_color": "#F2F2F2"}
_NOTE_STYLE = {"align": "left", "valign": "vcenter"}
#: xlsxwriter's pixels per character of column width (Calibri 11's widest digit): a width given in pixels as
#: ``width * 7`` is stored in the file as exactly ``width``, as the column widths always were
_PIXELS_PER_CHARACTER = 7
#: pixels per centimetre at the 96 dpi xlsxwriter sizes charts in
_PIXELS_PER_CM = 96 / 2.54
#: characters XML 1.0 cannot hold (what openpyxl refuses as illegal); taken out of every text written
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")


@dataclass(frozen=True)
class Column:
    """One column of an output sheet."""

    key: str
    header: str  # Chinese header
    width: float = 12  # Excel column width in characters (a Chinese character takes about 2)
    kind: str = "text"  # "text" | "int" | "number" | "money" | "date" | "datetime"

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {_KINDS}")


@dataclass(frozen=True)
class BarChartSpec:
    """A native Excel bar chart drawn from the data rows ``pick`` selects (they must be consecutive):
    one bar group per row, labelled by the ``label_key`` column, one series per ``value_keys`` column."""

    title: str
    label_key: str
    value_keys: Sequence[str]
    pick: Callable[[Mapping[str, object]], bool]
    anchor: str  # the top-left cell of the chart, e.g. "F3"
    y_title: str = ""
    width_cm: float = 16.0
    height_cm: float = 8.0


@dataclass
class SheetSpec:
    """One output sheet; ``rows`` may be a generator and is consumed exactly once."""

    title: str  # sheet name (Chinese, at most 31 characters)
    columns: list[Column]
    rows: Iterable[Mapping[str, object]]
    heading: str | None = None  # merged title row above the header
    landscape: bool = False
    #: a merged line between the heading and the header (what the sheet is about: a rate, a state)
    subheading: str | None = None
    #: bold, filled rows under the data (合计), outside the autofilter; same columns and kinds as the rows
    totals: Sequence[Mapping[str, object]] = ()
    #: lines under the table, each merged across the columns (经办人、审核人 to sign a printed sheet)
    notes: Sequence[str] = ()
    #: the data rows' height in points, or a function of the row giving it (None: Excel's own)
    row_height: float | Callable[[Mapping[str, object]], float | None] | None = None
    #: printed at the top of every page (a draft's mark)
    page_header: str = ""
    autofilter: bool = True
    #: native bar charts over some of the data rows
    charts: Sequence[BarChartSpec] = ()
    #: whether the data rows count in the workbook's checksum (:attr:`WriteSummary.checksum`)
    checksummed: bool = True


@dataclass(frozen=True)
class WriteSummary:
    """What :func:`write_workbook` wrote: data rows per sheet (by the name given) and the SHA-256 of the data."""

    rows: dict[str, int]
    #: SHA-256 over every data cell of the checksummed sheets, in order (:func:`cell_checksum`)
    checksum: str


def cell_checksum(sheets: Iterable[tuple[str, Iterable[Sequence[object]]]]) -> str:
    """The SHA-256 over the data cells of ``sheets`` ((title, rows of cell values) in order).

    Each cell counts as :func:`clean_text` shows it, so the values as written (``Decimal``, ``date``) and
    the same cells read back from the file (floats, datetimes) give the same checksum.
    """
    digest = hashlib.sha256()
    for title, rows in sheets:
        _digest_title(digest, title)
        for row in rows:
            _digest_row(digest, row)
    return digest.hexdigest()


def _digest_title(digest: "hashlib._Hash", title: str) -> None:
    digest.update(b"\x1d" + title.encode("utf-8"))


def _digest_row(digest: "hashlib._Hash", cells: Sequence[object]) -> None:
    digest.update(b"\x1e" + "\x1f".join(clean_text(c) for c in cells).encode("utf-8"))


def write_workbook(
    path: Path | str,
    sheets: list[SheetSpec],
    metadata: Mapping[str, str] | Callable[[WriteSummary], Mapping[str, str]] | None = None,
) -> WriteSummary:
    """Write ``sheets`` (and a last sheet "元数据" when ``metadata`` is given) to ``path``.

    ``metadata`` may be a function: it is called once the data sheets are written, with their row counts
    and checksum, so the metadata sheet can carry them. Returns the row counts and checksum.

    Each sheet gets a bold, filled, bordered header row, frozen panes and an autofilter under
    it, the given column widths, and A4 print setup (fit to page width, header row repeated on
    every page, page numbers in the footer). Values keep their kind: "text" columns hold text
    (phone and ID numbers stay exactly as given), "int"/"money" hold numbers, "date"/"datetime"
    real Excel dates. Time-zone-aware datetimes are shown in local time. Text that a spreadsheet would
    take for a formula (starting with ``=``, ``+``, ``-`` or ``@``) is stored as text, marked so that
    Excel keeps it text when the cell is edited.

    The file is replaced only when everything was written: if a rows generator raises, or the
    disk fills, the previous file is left untouched and no temporary file remains. Disk
    problems raise :class:`~station_app.io.files.FileWriteError`; an exception from a rows
    generator propagates unchanged.
    """
    specs = list(sheets)
    counts: dict[str, int] = {}
    digest = hashlib.sha256()

    def summary() -> WriteSummary:
        return WriteSummary(dict(counts), digest.hexdigest())

    if metadata is not None:
        def metadata_rows() -> Iterator[dict[str, object]]:
            values = metadata(summary()) if callable(metadata) else metadata
            yield from ({"key": k, "value": v} for k, v in values.items())

        specs.append(SheetSpec(
            title=tr("元数据"),
            columns=[Column("key", tr("项目"), 24), Column("value", tr("内容"), 60)],
            rows=metadata_rows(),
            checksummed=False,
        ))
    if not specs:
        raise ValueError("write_workbook needs at least one sheet")
    for spec in specs:
        if not spec.columns:
            raise ValueError(f"sheet {spec.title!r} has no columns")

    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
        try:
            workbook.set_properties({"author": tr("代表联络站工作台")})
            formats = _Formats(workbook)
            titles: set[str] = {"history"}  # a name Excel keeps for itself
            for spec in specs:
                worksheet = workbook.add_worksheet(_unique_title(spec.title, titles))
                if spec.checksummed:
                    _digest_title(digest, spec.title)
                counts[spec.title] = _write_sheet(workbook, worksheet, formats, spec,
                                                  digest if spec.checksummed else None)
            _close(workbook)
        except BaseException:
            _discard_row_files(workbook)
            raise
    if metadata is not None:
        counts.pop(specs[-1].title, None)
    return summary()


def _close(workbook: xlsxwriter.Workbook) -> None:
    """Write the file; a disk problem comes out as the OSError it is (atomic_path turns it into FileWriteError)."""
    try:
        workbook.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise cause from exc


def _discard_row_files(workbook: xlsxwriter.Workbook) -> None:
    """Remove the temporary files constant-memory sheets stream their rows into.

    xlsxwriter deletes them when the workbook is closed; a write that failed half-way never closes it.
    """
    for ws in workbook.worksheets():
        handle = getattr(ws, "row_data_fh", None)  # xlsxwriter offers no public cleanup
        name = getattr(ws, "row_data_filename", None)
        try:
            if handle is not None:
                handle.close()
        except Exception:  # the stream may already be broken; the file is removed below anyway
            pass
        if name:
            try:
                os.remove(name)
            except OSError:
                pass


def _unique_title(title: str, taken: set[str]) -> str:
    """A valid sheet name: no []:*?/\\, at most 31 characters, unique in the workbook."""
    base = _SHEET_TITLE_FORBIDDEN.sub("_", title).strip("'").strip() or "Sheet"
    base = base[:_MAX_TITLE]
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f"({number})"
        candidate = base[: _MAX_TITLE - len(suffix)] + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


class _Formats:
    """The workbook's cell formats, one per distinct set of properties (xlsxwriter wants them shared)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._made: dict[tuple, Format] = {}

    def get(self, *styles: Mapping[str, object], **more: object) -> Format:
        properties = {key: value for style in styles for key, value in style.items()}
        properties.update(more)
        key = tuple(sorted(properties.items()))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._workbook.add_format(properties)
        return made

    def pair(self, *styles: Mapping[str, object], **more: object) -> tuple[Format, Format]:
        """The format, and the same marked with the quote prefix (for text a spreadsheet takes for a formula)."""
        return self.get(*styles, **more), self.get(*styles, quote_prefix=True, **more)


def _write_sheet(workbook: xlsxwriter.Workbook, ws: Worksheet, formats: _Formats, spec: SheetSpec,
                 digest: "hashlib._Hash | None" = None) -> int:
    """Write one sheet; returns its data rows (feeding each to ``digest`` as :func:`cell_checksum` does).

    Constant-memory mode writes a row out as soon as a later row is started, so rows are written in order,
    and a row's height is set before its first cell.
    """
    columns = spec.columns
    last_col = len(columns) - 1
    header_row = 1 + bool(spec.heading) + bool(spec.subheading)  # 1-based, as Excel numbers it

    for index, column in enumerate(columns):
        ws.set_column_pixels(index, index, column.width * _PIXELS_PER_CHARACTER)
    ws.freeze_panes(header_row, 0)

    row = -1  # 0-based, as xlsxwriter counts
    if spec.heading:
        row += 1
        ws.set_row(row, 28)
        _write_line(ws, formats, row, last_col, spec.heading, _HEADING_STYLE)
    if spec.subheading:
        row += 1
        ws.set_row(row, 20)
        _write_line(ws, formats, row, last_col, spec.subheading, _SUBHEADING_STYLE)

    row += 1
    for index, column in enumerate(columns):
        _write_text(ws, row, index, _text_value(column.header), formats.pair(_HEADER_STYLE))

    # One pair of formats per column (plain, quote-prefixed), shared by every row.
    cell_formats = [formats.pair(_BORDER, _TEXT_ALIGN if column.kind == "text" else _VALUE_ALIGN,
                                 num_format=_NUMBER_FORMATS[column.kind]) for column in columns]
    kinds = [(column.kind, column.key) for column in columns]
    height_of = spec.row_height if callable(spec.row_height) else None
    height = None if height_of else spec.row_height

    picked: list[list[int]] = [[] for _ in spec.charts]
    for record in spec.rows:
        row += 1
        if height_of is not None:
            height = height_of(record)
        if height:
            ws.set_row(row, height)
        values = [_convert(kind, record.get(key)) for kind, key in kinds]
        if digest is not None:
            _digest_row(digest, values)
        _write_row(ws, row, values, cell_formats)
        for rows, chart in zip(picked, spec.charts):
            if chart.pick(record):
                rows.append(row)
    filtered_to = row
    for rows, chart in zip(picked, spec.charts):
        if rows:
            _add_bar_chart(workbook, ws, spec, chart, rows[0], rows[-1])

    total_formats = [formats.pair(_BORDER, _TOTAL_STYLE, _TEXT_ALIGN if column.kind == "text" else _VALUE_ALIGN,
                                  num_format=_NUMBER_FORMATS[column.kind]) for column in columns]
    for record in spec.totals:
        row += 1
        _write_row(ws, row, [_convert(kind, record.get(key)) for kind, key in kinds], total_formats)
    if spec.notes:
        row += 1  # a blank line between the table and what is signed under it
    for note in spec.notes:
        row += 1
        ws.set_row(row, 24)
        _write_line(ws, formats, row, last_col, note, _NOTE_STYLE)

    if spec.autofilter:
        ws.autofilter(header_row - 1, 0, filtered_to, last_col)
    ws.repeat_rows(header_row - 1)
    ws.set_paper(_A4)
    if spec.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # the width of one page, as many pages as the rows need
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if spec.page_header:
        ws.set_header("&C" + spec.page_header.replace("&", "&&"))
    ws.set_footer("&C" + tr("第 &P 页，共 &N 页"))
    return filtered_to - header_row + 1


def _write_line(ws: Worksheet, formats: _Formats, row: int, last_col: int, text: str,
                style: Mapping[str, object]) -> None:
    """A line of text merged across the sheet's columns (a title, a line to sign)."""
    value = _text_value(text)
    cell_format = formats.pair(style)[value.startswith(_FORMULA_START)]
    if last_col > 0:
        # merge_range would take "=…" for a formula: it merges blank cells, and the text is written as text.
        ws.merge_range(row, 0, row, last_col, "", cell_format)
    ws.write_string(row, 0, inline_text(value), cell_format)


def _write_row(ws: Worksheet, row: int, values: Sequence[object], cell_formats: Sequence[tuple[Format, Format]]) -> None:
    for col, (value, pair) in enumerate(zip(values, cell_formats)):
        if value is None:
            ws.write_blank(row, col, None, pair[0])  # the border of an empty cell
        elif isinstance(value, str):
            _write_text(ws, row, col, value, pair)
        elif isinstance(value, (dt.date, dt.datetime)):
            ws.write_datetime(row, col, value, pair[0])
        elif isinstance(value, int):
            ws.write_number(row, col, value, pair[0])
        elif math.isfinite(number := float(value)):  # a float or a Decimal
            ws.write_number(row, col, number, pair[0])
        else:
            ws.write_blank(row, col, None, pair[0])  # NaN, infinity: no number Excel could show


#: what a spreadsheet takes for the start of a formula when the text is typed or imported
_FORMULA_START = ("=", "+", "-", "@")


def _write_text(ws: Worksheet, row: int, col: int, value: str, pair: tuple[Format, Format]) -> None:
    # Always a string cell: "=1+1" in a remark is not a formula. The quote prefix keeps "=1+1" (or "-3 户") text in
    # Excel even after someone edits the cell.
    ws.write_string(row, col, inline_text(value), pair[1] if value.startswith(_FORMULA_START) else pair[0])


def inline_text(text: str) -> str:
    """The string to give xlsxwriter's constant-memory mode so that the cell reads back as ``text``.

    That mode writes a string shaped like ``<r>…</r>`` into the file as it is (its form for rich text), so a
    remark typed that way would come out as markup, or break the file; it is given as one escaped run of rich text.
    """
    if text.startswith("<r>") and text.endswith("</r>"):
        markup = '<r><t xml:space="preserve"></t></r>'
        return markup[:-8] + xml_escape(text[:_MAX_CELL_TEXT - len(markup)]) + markup[-8:]
    return text


def _add_bar_chart(workbook: xlsxwriter.Workbook, ws: Worksheet, spec: SheetSpec, chart: BarChartSpec,
                   first: int, last: int) -> None:
    """The chart over the 0-based rows ``first``..``last``; each series is named by its column's header."""
    keys = [column.key for column in spec.columns]
    header_row = bool(spec.heading) + bool(spec.subheading)  # 0-based
    label = keys.index(chart.label_key)
    bar = workbook.add_chart({"type": "column"})
    for key in chart.value_keys:
        col = keys.index(key)
        bar.add_series({"name": [ws.name, header_row, col], "categories": [ws.name, first, label, last, label],
                        "values": [ws.name, first, col, last, col]})
    bar.set_title({"name": chart.title})
    if chart.y_title:
        bar.set_y_axis({"name": chart.y_title})
    bar.set_size({"width": round(chart.width_cm * _PIXELS_PER_CM), "height": round(chart.height_cm * _PIXELS_PER_CM)})
    ws.insert_chart(chart.anchor, bar)


def _convert(kind: str, value: object) -> object:
    """The value to store for a column kind; unconvertible values are kept as text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)  # Excel has no time zones
    if kind == "text":
        return _text_value(value if isinstance(value, str) else clean_text(value))
    if kind == "int":
        return _to_int(value)
    if kind in ("money", "number"):
        return _to_money(value)
    if kind == "date":
        return _to_date(value, with_time=False)
    return _to_date(value, with_time=True)


def _text_value(text: str) -> str:
    return _ILLEGAL_CHARACTERS.sub("", text)[:_MAX_CELL_TEXT]


def _to_int(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)) and value == int(value):
        return int(value)
    if isinstance(value, (float, Decimal)):
        return value
    if isinstance(value, str):
        try:
            number = Decimal(clean_text(value).replace(",", ""))
        except InvalidOperation:
            return _text_value(value)
        return int(number) if number == int(number) else number
    return _text_value(clean_text(value))


def _to_money(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, str):
        try:
            return Decimal(clean_text(value).replace(",", "").lstrip("¥￥"))
        except InvalidOperation:
            return _text_value(value)
    return _text_value(clean_text(value))


def _to_date(value: object, *, with_time: bool) -> object:
    if isinstance(value, dt.datetime):
        return value if with_time else value.date()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()) if with_time else value
    if isinstance(value, str):
        text = clean_text(value)
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return _text_value(value)
        return parsed if with_time else parsed.date()
    return _text_value(clean_text(value))
