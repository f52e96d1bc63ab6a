"""Reading Excel tables — files only, no business rules. Writing is :mod:`station_app.io.excel_write`.

Reading (:func:`read_table`) is tolerant of the lists county offices keep: title rows above the
header, headers with line breaks, "*" markers and "（必填）" notes, merged cells, full-width
digits, blank rows and 合计 rows. Every value comes back as cleaned text; what the text means is
the caller's business.

Reading uses python-calamine for every file. It is fast (a 200,000-row sheet is read in seconds,
not minutes as with openpyxl), it reports merged ranges for .xlsx, and it recognises content
rather than trusting the file extension, so an old .xls (or an .xlsx saved with the wrong name)
is read too. Cell values are taken as Excel stored them (the cached result of a formula; a
formula never calculated, e.g. in a file written by a script, reads as empty).
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from station_app.i18n import tr

if TYPE_CHECKING:
    import python_calamine

__all__ = [
    "SheetRow",
    "SheetTable",
    "WorkbookError",
    "clean_text",
    "normalise_header",
    "read_table",
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

    import python_calamine  # here, not at start-up: the window opens without the Excel libraries

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
    import python_calamine

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
    import python_calamine

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
