"""The data rows written straight into the sheet (io/excel_write._RowStream) are what xlsxwriter itself writes."""
from __future__ import annotations

import datetime as dt
import random
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import python_calamine

from station_app.io import excel_write
from station_app.io.excel import clean_text
from station_app.io.excel_write import Column, SheetSpec, cell_checksum, write_workbook

COLUMNS = [Column("text", "文本", 20), Column("count", "人数", 8, "int"), Column("money", "金额", 10, "money"),
           Column("day", "日期", 12, "date"), Column("at", "时间", 16, "datetime"), Column("half", "天数", 8, "number")]

#: what a cell may be given: text that needs escaping, spaces to keep, formulas, numbers of every kind, dates
AWKWARD = [
    {"text": "王伟", "count": 3, "money": Decimal("100.00"), "day": dt.date(2026, 12, 2),
     "at": dt.datetime(2026, 12, 2, 9, 30), "half": Decimal("0.5")},
    {"text": " 前后有空格 ", "count": "12", "money": "¥1,234.50", "day": "2026-01-31", "at": "2026-01-31 08:05"},
    {"text": "a & b < c > d \"引号\"", "count": 0, "money": 0, "half": 3.25},
    {"text": "=1+1", "count": -3, "money": Decimal("-0.01")},
    {"text": "-3 户"},
    {"text": "+86 139", "count": 10**15, "money": 1e20},
    {"text": "@某人"},
    {"text": "_x0041_ 像转义"},
    {"text": "制表\t换行\n回车\r"},
    {"text": "非字符\ufffe\uffff"},
    {"text": "控制\x00\x01\x1f字符"},
    {"text": None, "count": None, "money": None, "day": None, "at": None, "half": None},
    {"text": "", "count": "", "money": float("nan"), "half": Decimal("Infinity")},
    {"text": "😀" * 5, "count": True, "money": 2.5, "at": dt.datetime(2026, 12, 2, 23, 59, 59)},
    {"text": "不是数字", "count": "三", "money": "一百", "day": "明天", "at": "下午"},
    {"text": "x" * 40_000},
]


class _ThroughXlsxwriter:
    """The data rows written cell by cell through xlsxwriter's own calls: the reference."""

    def __init__(self, ws, first_row, last_col, cell_formats):
        self.ws, self.formats = ws, cell_formats

    def write(self, row, values, height):
        if height:
            self.ws.set_row(row, height)
        excel_write._write_row(self.ws, row, values, self.formats)

    def close(self, last_row):
        pass


def _sheet_xml(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _spec(rows, **more) -> SheetSpec:
    return SheetSpec("明细", COLUMNS, rows, heading="某站接待登记表", subheading="2026年12月",
                     totals=[{"text": "合计", "count": 3}], notes=["经办人："], **more)


@pytest.mark.parametrize("height", [None, 30, lambda row: 40 if row.get("text") == "-3 户" else None],
                         ids=["no-height", "fixed-height", "height-per-row"])
def test_the_rows_are_the_xml_xlsxwriter_writes_for_the_same_cells(tmp_path, monkeypatch, height):
    ours = tmp_path / "ours.xlsx"
    write_workbook(ours, [_spec(AWKWARD, row_height=height)])
    monkeypatch.setattr(excel_write, "_RowStream", _ThroughXlsxwriter)
    reference = tmp_path / "reference.xlsx"
    write_workbook(reference, [_spec(AWKWARD, row_height=height)])

    assert _sheet_xml(ours) == _sheet_xml(reference)


def test_random_rows_are_the_xml_xlsxwriter_writes(tmp_path, monkeypatch):
    pick = random.Random(20261202)
    pieces = ["王", "伟", " ", "&", "<", ">", "_x00", "41_", "=", "-", "\t", "\n", "😀", "a", "1", ".", "\u3000"]
    rows = [{"text": "".join(pick.choice(pieces) for _ in range(pick.randint(0, 8))) or None,
             "count": pick.choice([None, pick.randint(-10**6, 10**6)]),
             "money": pick.choice([None, Decimal(pick.randint(-10**6, 10**6)) / 100, pick.random() * 1e6]),
             "day": pick.choice([None, dt.date(2026, 1, 1) + dt.timedelta(days=pick.randint(-40_000, 20_000))]),
             "at": pick.choice([None, dt.datetime(2026, 1, 1) + dt.timedelta(minutes=pick.randint(-10**6, 10**6))]),
             "half": pick.choice([None, Decimal("0.5") * pick.randint(0, 60)])} for _ in range(2_000)]
    ours = tmp_path / "ours.xlsx"
    write_workbook(ours, [_spec(rows)])
    monkeypatch.setattr(excel_write, "_RowStream", _ThroughXlsxwriter)
    reference = tmp_path / "reference.xlsx"
    write_workbook(reference, [_spec(rows)])

    assert _sheet_xml(ours) == _sheet_xml(reference)


def test_text_shaped_like_rich_text_markup_reads_back_as_the_text_typed(tmp_path):
    path = tmp_path / "x.xlsx"
    write_workbook(path, [SheetSpec("明细", COLUMNS, [{"text": "<r>加粗</r>"}, {"text": "<r><t>x</t></r>"}])])

    sheet = openpyxl.load_workbook(path)["明细"]
    assert [sheet["A2"].value, sheet["A3"].value] == ["<r>加粗</r>", "<r><t>x</t></r>"]


def test_the_cells_read_back_with_their_kinds_formats_and_borders(tmp_path):
    path = tmp_path / "x.xlsx"
    write_workbook(path, [SheetSpec("明细", COLUMNS, AWKWARD, row_height=24)])

    sheet = openpyxl.load_workbook(path)["明细"]
    first = [cell for cell in sheet[2]]
    assert [c.value for c in first] == ["王伟", 3, 100, dt.datetime(2026, 12, 2), dt.datetime(2026, 12, 2, 9, 30), 0.5]
    assert [c.number_format for c in first] == ["@", "0", "#,##0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "General"]
    assert sheet["A3"].value == " 前后有空格 "  # kept as typed, spaces and all
    assert sheet["B3"].value == 12 and sheet["C3"].value == 1234.5
    assert sheet["A5"].value == "=1+1" and sheet["A5"].data_type == "s" and sheet["A5"].quotePrefix
    assert sheet["A12"].value == "控制字符"
    empty = sheet["B13"]
    assert empty.value is None and empty.border.left.style == "thin"  # an empty cell keeps its border
    assert sheet["C14"].value is None and sheet["F14"].value is None  # NaN and infinity: no number
    assert sheet["B16"].value == "三" and sheet["D16"].value == "明天"  # what is not a number stays as written
    assert len(sheet["A17"].value) == 32_767  # Excel's longest cell
    assert sheet.row_dimensions[2].height == 24
    assert sheet.max_row == len(AWKWARD) + 1
    # as Excel reads them (openpyxl leaves Excel's escapes as they are in the file)
    read = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("明细").to_python()
    assert [read[8][0], read[9][0], read[10][0]] == ["_x0041_ 像转义", "制表\t换行\n回车\r", "非字符"]


def test_the_checksum_of_a_row_is_that_of_its_cells_cleaned_one_by_one():
    # cell_checksum cleans a row's text once, not cell by cell; it must be the same string
    pick = random.Random(7)
    alphabet = list(" \t\n\u3000\u00a0\u200b\ufeff\u0301\u1100\u1161ａ１，。\u212b\x1c\x1e\x1f王\u2474\ufdfa"
                    "\x07\x1b]\\[31m\u202e\x9b")
    for _ in range(20_000):
        cells = [pick.choice([None, 3, Decimal("1.50"), dt.date(2026, 1, 2),
                              "".join(pick.choice(alphabet) for _ in range(pick.randint(0, 6)))])
                 for _ in range(pick.randint(0, 5))]
        assert excel_write._cleaned_row(cells) == "\x1f".join(clean_text(c) for c in cells), cells


def test_the_checksum_of_the_file_read_back_is_the_checksum_written(tmp_path):
    path = tmp_path / "x.xlsx"
    written = write_workbook(path, [SheetSpec("明细", COLUMNS, AWKWARD)])

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("明细").to_python(
        skip_empty_area=False)[1:]
    rows = [list(row) + [""] * (len(COLUMNS) - len(row)) for row in rows]
    assert cell_checksum([("明细", rows)]) == written.checksum
