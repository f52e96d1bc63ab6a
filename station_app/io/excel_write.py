"""Writing Excel workbooks — files only, no business rules. Reading is :mod:`station_app.io.excel`.

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
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from station_app.i18n import tr
from station_app.io.excel import _INVISIBLE, clean_text, strip_controls
from station_app.io.files import atomic_path

if TYPE_CHECKING:  # xlsxwriter itself is imported at the first write, not when the window opens
    import xlsxwriter
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

__all__ = ["BarChartSpec", "Column", "SheetSpec", "WriteSummary", "cell_checksum", "inline_text", "write_workbook"]

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
#: characters XML 1.0 cannot hold (what openpyxl refuses as illegal) and the two non-characters; taken out of every
#: text written
_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    digest.update(b"\x1e" + _cleaned_row(cells).encode("utf-8"))


#: whitespace, but not the unit separator that stands between two cells in :func:`_cleaned_row`
_SPACE_RUN = re.compile(r"[^\S\x1f]+")
_SPACE_AT_SEPARATOR = re.compile(r" ?\x1f ?")


def _cleaned_row(cells: Sequence[object]) -> str:
    """``"\x1f".join(clean_text(c) for c in cells)``, cleaning the row's text once rather than cell by cell.

    The same string: the separator is a character NFKC neither composes nor reorders across, so normalising
    the joined row normalises each cell (the control characters and escape sequences are taken out of each cell
    first, as :func:`clean_text` does); the runs of whitespace then collapse within each cell, and the
    spaces left beside a separator or at the ends are what stripping each cell takes away.
    A cell that holds the separator itself is cleaned on its own.
    """
    parts = [strip_controls(c) if type(c) is str else clean_text(c) for c in cells]
    joined = "\x1f".join(parts)
    if joined.count("\x1f") != len(parts) - 1:
        return "\x1f".join(clean_text(c) for c in cells)
    joined = _SPACE_RUN.sub(" ", unicodedata.normalize("NFKC", _INVISIBLE.sub("", joined)))
    return _SPACE_AT_SEPARATOR.sub("\x1f", joined).strip(" ")


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

    import xlsxwriter  # here, not at start-up: the window opens without the Excel libraries

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
            close_workbook(workbook)
        except BaseException:
            discard_row_files(workbook)
            raise
    if metadata is not None:
        counts.pop(specs[-1].title, None)
    return summary()


def close_workbook(workbook: xlsxwriter.Workbook) -> None:
    """Write the file; a disk problem comes out as the OSError it is (atomic_path turns it into FileWriteError)."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        workbook.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise cause from exc


def discard_row_files(workbook: xlsxwriter.Workbook) -> None:
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
    stream = _RowStream(ws, row + 1, last_col, cell_formats)
    convert = [(_CONVERTERS[kind], key) for kind, key in kinds]
    for record in spec.rows:
        row += 1
        if height_of is not None:
            height = height_of(record)
        values = [to(record.get(key)) for to, key in convert]
        if digest is not None:
            _digest_row(digest, values)
        stream.write(row, values, height)
        for rows, chart in zip(picked, spec.charts):
            if chart.pick(record):
                rows.append(row)
    stream.close(row)
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
#: the last row Excel has (0-based)
_MAX_ROW = 1_048_575
#: what must be escaped in a cell's text: XML's own characters, text shaped like Excel's _xHHHH_ escape
#: (which Excel would decode), and the two non-characters
_NEEDS_ESCAPE = re.compile("[&<>\r\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")


class _RowStream:
    """Writes a sheet's data rows as cell XML straight into its constant-memory row file.

    xlsxwriter's own ``write_*`` calls cost most of an export's time (argument checks, a cell object,
    attribute escaping, per cell); the data rows are written here instead, as xlsxwriter itself would write
    them in constant-memory mode (inline strings, the cell's format index, ``ht``/``customHeight`` for a
    row's height), while the heading, header, totals and notes still go through xlsxwriter. The rows before
    the first data row are flushed first, and xlsxwriter is handed the sheet back after the last, with its
    dimensions. tests/io/test_excel_write.py compares what this writes with what xlsxwriter writes.
    """

    def __init__(self, ws: Worksheet, first_row: int, last_col: int,
                 cell_formats: Sequence[tuple[Format, Format]]) -> None:
        if not ws.constant_memory:
            raise ValueError("_RowStream writes constant-memory sheets only")
        ws._write_single_row(first_row)  # the header row, still held by xlsxwriter
        self._ws = ws
        self._fh = ws.fh
        self._first = first_row
        self._last_col = last_col
        from xlsxwriter.utility import xl_col_to_name

        self._letters = [xl_col_to_name(col) for col in range(last_col + 1)]
        self._styles = cell_formats  # each format's number is given it when first used, as xlsxwriter does
        self._date_1904 = ws.date_1904
        from xlsxwriter.utility import _datetime_to_excel_datetime

        self._excel_date = _datetime_to_excel_datetime

    def write(self, row: int, values: Sequence[object], height: float | None) -> None:
        if row > _MAX_ROW:
            raise ValueError(tr("超过 Excel 一张表的行数上限（{rows} 行）", rows=_MAX_ROW + 1))
        r = row + 1
        if height:
            out = [f'<row r="{r}" ht="{int(height * 4.0 / 3.0 + 0.5) * 0.75:.16g}" customHeight="1">']
        else:
            out = [f'<row r="{r}">']
        for letter, (plain, quoted), value in zip(self._letters, self._styles, values):
            kind = type(value)
            if kind is str:
                style = (quoted if value.startswith(_FORMULA_START) else plain)._get_xf_index()
                text = _escape_cell_text(value)
                space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
                out.append(f'<c r="{letter}{r}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif value is None:
                out.append(f'<c r="{letter}{r}" s="{plain._get_xf_index()}"/>')
            elif kind is int or kind is float and math.isfinite(value):
                out.append(f'<c r="{letter}{r}" s="{plain._get_xf_index()}"><v>{value:.16G}</v></c>')
            elif isinstance(value, (dt.date, dt.datetime)):
                number = self._excel_date(value, self._date_1904, False)
                out.append(f'<c r="{letter}{r}" s="{plain._get_xf_index()}"><v>{number:.16G}</v></c>')
            elif isinstance(value, (int, float, Decimal)) and math.isfinite(number := float(value)):
                out.append(f'<c r="{letter}{r}" s="{plain._get_xf_index()}"><v>{number:.16G}</v></c>')
            else:  # NaN, infinity: no number Excel could show
                out.append(f'<c r="{letter}{r}" s="{plain._get_xf_index()}"/>')
        out.append("</row>")
        self._fh.write("".join(out))

    def close(self, last_row: int) -> None:
        """Give the sheet back to xlsxwriter: its next row is the one after ``last_row``."""
        ws = self._ws
        if last_row >= self._first:
            ws._check_dimensions(last_row, self._last_col)
        ws.previous_row = last_row + 1


def _escape_cell_text(text: str) -> str:
    """Text as xlsxwriter's constant-memory mode puts it in a cell (the illegal characters are already out; a
    carriage return is written as Excel's escape, since XML would read it as a line feed)."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "_x000D_")
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


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
        from xml.sax.saxutils import escape as xml_escape  # it imports urllib.request: not at start-up

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
    return _CONVERTERS[kind](value)


def _local(value: object) -> object:
    """``None`` for an empty value; a time-zone-aware datetime in local time (Excel has no time zones)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)
    return value


def _as_text(value: object) -> object:
    if type(value) is str:  # the common case first: a column of text holding text
        return _text_value(value) if value else None
    value = _local(value)
    return None if value is None else _text_value(value if isinstance(value, str) else clean_text(value))


def _as_int(value: object) -> object:
    if type(value) is int:
        return value
    value = _local(value)
    return None if value is None else _to_int(value)


def _as_money(value: object) -> object:
    if type(value) in (int, float, Decimal):
        return value
    value = _local(value)
    return None if value is None else _to_money(value)


def _as_date(value: object) -> object:
    if type(value) is dt.date:
        return value
    value = _local(value)
    return None if value is None else _to_date(value, with_time=False)


def _as_datetime(value: object) -> object:
    if type(value) is dt.datetime and value.tzinfo is None:
        return value
    value = _local(value)
    return None if value is None else _to_date(value, with_time=True)


_CONVERTERS: dict[str, Callable[[object], object]] = {
    "text": _as_text, "int": _as_int, "number": _as_money, "money": _as_money, "date": _as_date,
    "datetime": _as_datetime}


def _text_value(text: str) -> str:
    """The text without what XML cannot hold, cut to the 32,767 UTF-16 units an Excel cell holds."""
    if not text.isprintable() and _ILLEGAL_CHARACTERS.search(text):
        text = _ILLEGAL_CHARACTERS.sub("", text)
    if len(text) > _MAX_CELL_TEXT // 2 and len(units := text.encode("utf-16-le")) > 2 * _MAX_CELL_TEXT:
        text = units[:2 * _MAX_CELL_TEXT].decode("utf-16-le", errors="ignore")  # never half an emoji
    return text


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
