"""Reading messy county-office Excel lists and writing printable workbooks."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from station_app.io.excel import SheetRow, WorkbookError, clean_text, normalise_header, read_table
from station_app.io.excel_write import Column, SheetSpec, write_workbook
from station_app.io.files import FileWriteError

REGISTER_FIELDS = {
    "delegation": ("代表团",),
    "name": ("姓名", "代表姓名"),
    "phone": ("手机", "联系电话"),
    "gender": ("性别",),
    "note": ("备注",),
}
TOTAL = "合计行，已跳过"


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def simple_sheet(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return save(wb, path)


@pytest.fixture
def messy_register(tmp_path) -> Path:
    """A register the way a county office really sends it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "代表名册"
    ws.append(["濮阳县人大代表名册"])  # row 1: title merged across all columns
    ws.merge_cells("A1:F1")
    ws.append(["填报单位：濮阳县人大常委会选联工委", None, None, "日期：2024年3月1日"])  # row 2
    ws.append(["序号", "代表团", "＊姓名\n（必填）", "联系电话(手机)", "性 别", "备注"])  # row 3
    ws.append([1, "城关镇", "王\u3000伟", "１３８００１３８０００", "男", None])  # row 4
    ws.append([2, None, " 李  娜 ", 13900139000, "女", "连任"])  # row 5
    ws.append([None] * 6)  # row 6: blank, inside the 代表团 merge
    ws.append([3, None, "张三", "13700137000", "男", None])  # row 7
    ws.merge_cells("B4:B7")  # 代表团 merged vertically over four rows
    ws.append([None] * 6)  # row 8: blank
    ws.append([4, "八公桥镇", "赵敏", "０３９３-１２３４５６７", "女", "Ａ组"])  # row 9
    ws.append(["合 计", None, "4人", None, None, None])  # row 10
    ws.append(["填表人：张某   审核人：李某"])  # row 11: a note in the 序号 column only
    return save(wb, tmp_path / "濮阳县代表名册.xlsx")


# ---------------------------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        (13800000000.0, "13800000000"),
        (13800000000, "13800000000"),
        (1.5, "1.5"),
        (0.1 + 0.2, "0.3"),
        (-0.0, "0"),
        (4.1e17, "410000000000000000"),
        (1.2345678901234567e19, "12345678901234600000"),
        (1e-7, "0.0000001"),
        (Decimal("12.50"), "12.5"),
        (True, "是"),
        (False, "否"),
        (dt.date(2024, 3, 1), "2024-03-01"),
        (dt.datetime(2024, 3, 1), "2024-03-01"),
        (dt.datetime(2024, 3, 1, 9, 5, 30), "2024-03-01 09:05"),
        (dt.time(14, 30), "14:30"),
        ("１３８００１３８０００", "13800138000"),
        ("王\u3000伟", "王 伟"),
        ("  李  娜\n", "李 娜"),
        ("ＡＢＣ（一）", "ABC(一)"),
        ("王\u200b伟", "王伟"),
    ],
)
def test_clean_text_normalises_cell_values(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("＊姓名\n（必填）", "姓名"),
        ("*联系电话(选填)", "联系电话"),
        ("性\u3000别", "性别"),
        ("身份证号【必填】＊", "身份证号"),
        (" E-Mail ", "e-mail"),
    ],
)
def test_normalise_header_drops_spaces_markers_and_bracketed_notes(header, expected):
    assert normalise_header(header) == expected


# ----------------------------------------------------------------------------- reading: happy


def test_read_table_finds_header_below_title_rows(messy_register):
    table = read_table(messy_register, REGISTER_FIELDS, required=["name"])

    assert table.path == messy_register
    assert table.sheet_name == "代表名册"
    assert table.header_row == 3
    assert table.columns == {
        "delegation": "代表团",
        "name": "*姓名 (必填)",
        "phone": "联系电话(手机)",
        "gender": "性 别",
        "note": "备注",
    }


def test_read_table_returns_clean_rows_with_excel_row_numbers(messy_register):
    table = read_table(messy_register, REGISTER_FIELDS, required=["name"])

    assert table.rows == [
        SheetRow(4, {"delegation": "城关镇", "name": "王 伟", "phone": "13800138000", "gender": "男", "note": ""}),
        SheetRow(5, {"delegation": "城关镇", "name": "李 娜", "phone": "13900139000", "gender": "女", "note": "连任"}),
        SheetRow(7, {"delegation": "城关镇", "name": "张三", "phone": "13700137000", "gender": "男", "note": ""}),
        SheetRow(9, {"delegation": "八公桥镇", "name": "赵敏", "phone": "0393-1234567", "gender": "女", "note": "A组"}),
    ]


def test_read_table_lists_total_rows_as_skipped_and_drops_blank_rows_silently(messy_register):
    table = read_table(messy_register, REGISTER_FIELDS, required=["name"])

    assert table.skipped == [(10, TOTAL)]
    assert all(row.row_number not in (6, 8, 11) for row in table.rows)


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (["总计", None, None], "序号"),
        (["", "小 计", None], "姓名"),
        (["", "", "共计："], "手机"),
        (["合计（人）", "", "5"], "序号"),
    ],
)
def test_read_table_skips_total_rows_however_written(tmp_path, row, where):
    path = simple_sheet(tmp_path / "t.xlsx", [["序号", "姓名", "手机"], [1, "王伟", "138"], row])

    table = read_table(path, {"name": ("姓名",), "phone": ("手机",)})

    assert [r.row_number for r in table.rows] == [2], where
    assert table.skipped == [(3, TOTAL)]


def test_read_table_skips_repeated_header_rows(tmp_path):
    path = simple_sheet(tmp_path / "pages.xlsx", [
        ["姓名", "手机"], ["王伟", "138"], ["姓名", "手机"], ["李娜", "139"],
    ])

    table = read_table(path, {"name": ("姓名",), "phone": ("手机",)})

    assert [r.values["name"] for r in table.rows] == ["王伟", "李娜"]
    assert table.skipped == [(3, "重复的表头行，已跳过")]


def test_read_table_keeps_numbers_dates_and_booleans_as_readable_text(tmp_path):
    path = simple_sheet(tmp_path / "types.xlsx", [
        ["姓名", "手机", "出生日期", "到会时间", "连任", "身份证号"],
        ["王伟", 13800138000.0, dt.date(1970, 1, 2), dt.datetime(2024, 3, 1, 9, 30), True, "41092819700102001X"],
    ])
    fields = {"name": ("姓名",), "phone": ("手机",), "birth": ("出生日期",),
              "arrived": ("到会时间",), "again": ("连任",), "id": ("身份证号",)}

    (row,) = read_table(path, fields).rows

    assert row.values == {"name": "王伟", "phone": "13800138000", "birth": "1970-01-02",
                          "arrived": "2024-03-01 09:30", "again": "是", "id": "41092819700102001X"}


def test_read_table_prefers_exact_header_over_one_that_starts_with_the_alias(tmp_path):
    path = simple_sheet(tmp_path / "t.xlsx", [
        ["姓名拼音", "姓名", "联系电话号码"], ["wang wei", "王伟", "138"],
    ])

    table = read_table(path, {"name": ("姓名",), "phone": ("联系电话",)})

    assert table.columns == {"name": "姓名", "phone": "联系电话号码"}
    assert table.rows[0].values == {"name": "王伟", "phone": "138"}


def test_read_table_uses_the_first_alias_when_a_sheet_has_several(tmp_path):
    path = simple_sheet(tmp_path / "t.xlsx", [["姓名", "联系电话", "手机"], ["王伟", "0393-1", "138"]])

    table = read_table(path, {"name": ("姓名",), "phone": ("手机", "联系电话")})

    assert table.rows[0].values["phone"] == "138"


def test_read_table_gives_empty_text_for_optional_columns_missing_from_the_sheet(tmp_path):
    path = simple_sheet(tmp_path / "t.xlsx", [["姓名", "手机"], ["王伟", "138"]])

    table = read_table(path, {"name": ("姓名",), "phone": ("手机",), "note": ("备注",)})

    assert table.columns == {"name": "姓名", "phone": "手机"}
    assert table.rows[0].values == {"name": "王伟", "phone": "138", "note": ""}


def test_read_table_ignores_a_row_naming_only_one_field_above_the_header(tmp_path):
    path = simple_sheet(tmp_path / "t.xlsx", [
        ["姓名"], [None], ["序号", "姓名", "手机"], [1, "王伟", "138"],
    ])

    table = read_table(path, {"name": ("姓名",), "phone": ("手机",)})

    assert table.header_row == 3
    assert [r.row_number for r in table.rows] == [4]


def test_read_table_does_not_take_label_and_value_cells_for_a_header(tmp_path):
    path = simple_sheet(tmp_path / "t.xlsx", [
        ["姓名：张某", "联系电话：0393-1234567", "日期：2024-03-01"],
        ["姓名", "联系电话"],
        ["王伟", "138"],
    ])

    table = read_table(path, {"name": ("姓名",), "phone": ("联系电话",), "date": ("日期",)})

    assert table.header_row == 2
    assert table.rows == [SheetRow(3, {"name": "王伟", "phone": "138", "date": ""})]


def test_read_table_reads_a_table_that_does_not_start_in_column_a(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"] = "姓名", "手机"
    ws["C4"], ws["D4"] = "王伟", "138"
    ws["D5"] = "139"
    path = save(wb, tmp_path / "offset.xlsx")

    table = read_table(path, {"name": ("姓名",), "phone": ("手机",)})

    assert table.header_row == 3
    assert table.rows == [SheetRow(4, {"name": "王伟", "phone": "138"}),
                          SheetRow(5, {"name": "", "phone": "139"})]


def test_read_table_treats_header_cells_merged_downwards_as_a_two_row_header(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "联系方式", None])
    ws.append([None, None, "手机", "座机"])
    ws.append([1, "王伟", "138", "0393-1"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:D1")
    path = save(wb, tmp_path / "two-storey.xlsx")

    upper = read_table(path, {"name": ("姓名",), "contact": ("联系方式",)})
    lower = read_table(path, {"name": ("姓名",), "mobile": ("手机",), "landline": ("座机",)})

    assert upper.header_row == 1
    assert upper.rows == [SheetRow(3, {"name": "王伟", "contact": "138"})]
    assert lower.header_row == 2
    assert lower.rows == [SheetRow(3, {"name": "王伟", "mobile": "138", "landline": "0393-1"})]


def test_read_table_uses_first_sheet_with_a_header_unless_a_sheet_is_named(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由县人大常委会选联工委制发"])
    second = wb.create_sheet("城关镇")
    second.append(["姓名", "手机"])
    second.append(["王伟", "138"])
    third = wb.create_sheet("八公桥镇")
    third.append(["姓名", "手机"])
    third.append(["赵敏", "137"])
    path = save(wb, tmp_path / "sheets.xlsx")

    assert read_table(path, {"name": ("姓名",), "phone": ("手机",)}).sheet_name == "城关镇"
    named = read_table(path, {"name": ("姓名",), "phone": ("手机",)}, sheet="八公桥镇")
    assert named.sheet_name == "八公桥镇"
    assert named.rows[0].values["name"] == "赵敏"


def test_read_table_reads_500_rows_with_merged_delegation_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["县人大代表名册"])
    ws.append(["序号", "代表团", "姓名", "手机", "备注"])
    for i in range(500):
        ws.append([i + 1, "城关镇" if i % 10 == 0 else None, f"代表{i}", f"138{i:08d}", "备注"])
    for start in range(3, 503, 10):
        ws.merge_cells(f"B{start}:B{start + 9}")
    path = save(wb, tmp_path / "big.xlsx")

    table = read_table(path, REGISTER_FIELDS)

    assert len(table.rows) == 500
    assert {row.values["delegation"] for row in table.rows} == {"城关镇"}


# ---------------------------------------------------------------------------- reading: errors


def test_read_table_missing_file_names_the_file(tmp_path):
    with pytest.raises(WorkbookError, match="找不到文件") as error:
        read_table(tmp_path / "不存在的名册.xlsx", REGISTER_FIELDS)
    assert "不存在的名册.xlsx" in str(error.value)


def test_read_table_rejects_a_text_file_named_xlsx(tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_text("姓名,手机\n王伟,138\n", encoding="utf-8")

    with pytest.raises(WorkbookError) as error:
        read_table(path, REGISTER_FIELDS)

    assert "名册.xlsx" in str(error.value)
    assert "不是有效的 Excel 工作簿（.xlsx）" in str(error.value)


def test_read_table_rejects_random_bytes(tmp_path):
    path = tmp_path / "损坏.xlsx"
    path.write_bytes(os.urandom(4096))

    with pytest.raises(WorkbookError, match="损坏.xlsx.*不是有效的 Excel 工作簿"):
        read_table(path, REGISTER_FIELDS)


def test_read_table_asks_to_resave_an_unreadable_xls(tmp_path):
    path = tmp_path / "旧名册.xls"
    path.write_bytes(b"not really a workbook")

    with pytest.raises(WorkbookError, match=r"旧名册.xls.*另存为 \.xlsx"):
        read_table(path, REGISTER_FIELDS)


def test_read_table_rejects_a_folder(tmp_path):
    folder = tmp_path / "名册.xlsx"
    folder.mkdir()

    with pytest.raises(WorkbookError, match="名册.xlsx"):
        read_table(folder, REGISTER_FIELDS)


def test_read_table_without_recognisable_header_lists_expected_columns(tmp_path):
    path = simple_sheet(tmp_path / "乱表.xlsx", [["甲", "乙"], ["1", "2"]])

    with pytest.raises(WorkbookError) as error:
        read_table(path, REGISTER_FIELDS, required=["name", "phone"])

    message = str(error.value)
    assert "乱表.xlsx" in message
    assert "找不到表头" in message
    assert "姓名（或 代表姓名）、手机（或 联系电话）" in message


def test_read_table_names_required_columns_missing_from_the_header(tmp_path):
    path = simple_sheet(tmp_path / "缺列.xlsx", [["代表团", "姓名", "性别"], ["城关镇", "王伟", "男"]], "名单")

    with pytest.raises(WorkbookError) as error:
        read_table(path, REGISTER_FIELDS, required=["name", "phone"])

    assert str(error.value) == "缺列.xlsx：工作表“名单”第 1 行的表头缺少列：手机（或 联系电话）"


def test_read_table_missing_sheet_lists_the_sheets_there_are(tmp_path):
    path = simple_sheet(tmp_path / "名册.xlsx", [["姓名", "手机"]], "城关镇")

    with pytest.raises(WorkbookError) as error:
        read_table(path, REGISTER_FIELDS, sheet="八公桥镇")

    assert str(error.value) == "名册.xlsx 中没有名为“八公桥镇”的工作表（现有：城关镇）"


def test_read_table_empty_workbook_says_so(tmp_path):
    path = save(openpyxl.Workbook(), tmp_path / "空表.xlsx")

    with pytest.raises(WorkbookError, match="空表.xlsx 是空的工作簿"):
        read_table(path, REGISTER_FIELDS)


def test_read_table_rejects_required_keys_that_are_not_fields(messy_register):
    with pytest.raises(ValueError):
        read_table(messy_register, REGISTER_FIELDS, required=["id_number"])


# ------------------------------------------------------------------------------------ writing

COLUMNS = [
    Column("seq", "序号", 6, "int"),
    Column("name", "姓名", 10),
    Column("phone", "手机", 14),
    Column("id_number", "身份证号", 22),
    Column("amount", "补贴金额", 12, "money"),
    Column("birth", "出生日期", 12, "date"),
    Column("visited", "接待时间", 18, "datetime"),
    Column("note", "备注", 30),
]


def register_rows():
    yield {"seq": 1, "name": "王伟", "phone": "13800138000", "id_number": "410928197001020012",
           "amount": Decimal("120.50"), "birth": dt.date(1970, 1, 2),
           "visited": dt.datetime(2024, 3, 1, 9, 30), "note": "=不是公式"}
    yield {"seq": 2, "name": "李娜", "phone": 13900139000, "id_number": None, "amount": 80,
           "birth": None, "visited": None, "note": "连任\x07代表"}


def test_write_workbook_writes_a_styled_frozen_filtered_header(tmp_path):
    path = tmp_path / "out" / "名册.xlsx"

    write_workbook(path, [SheetSpec("代表名册", COLUMNS, register_rows())])

    ws = openpyxl.load_workbook(path)["代表名册"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in ws[1])
    assert all(c.fill.fgColor.rgb.endswith("DDEBF7") for c in ws[1])
    assert all(c.border.bottom.style == "thin" for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H3"
    assert ws.column_dimensions["A"].width == 6
    assert ws.column_dimensions["D"].width == 22
    assert ws.column_dimensions["H"].width == 30


def test_write_workbook_sets_up_a4_printing_with_repeated_header(tmp_path):
    path = tmp_path / "名册.xlsx"

    write_workbook(path, [SheetSpec("竖版", COLUMNS, []), SheetSpec("横版", COLUMNS, [], landscape=True)])

    wb = openpyxl.load_workbook(path)
    portrait, landscape = wb["竖版"], wb["横版"]
    assert portrait.page_setup.paperSize == 9
    assert portrait.page_setup.orientation == "portrait"
    assert landscape.page_setup.orientation == "landscape"
    assert portrait.print_title_rows == "$1:$1"
    assert portrait.sheet_properties.pageSetUpPr.fitToPage
    assert (portrait.page_setup.fitToWidth or 1) == 1  # left out of the file when 1, the default
    assert portrait.page_setup.fitToHeight == 0
    assert "&P" in portrait.oddFooter.center.text


def test_write_workbook_keeps_phone_and_id_numbers_as_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "名册.xlsx"

    write_workbook(path, [SheetSpec("代表名册", COLUMNS, register_rows())])

    ws = openpyxl.load_workbook(path)["代表名册"]
    first = {col.key: cell for col, cell in zip(COLUMNS, ws[2])}
    second = {col.key: cell for col, cell in zip(COLUMNS, ws[3])}
    assert first["phone"].value == "13800138000"
    assert first["id_number"].value == "410928197001020012"
    assert second["phone"].value == "13900139000"  # given as an int, still text
    assert first["phone"].number_format == "@"
    assert first["seq"].value == 1
    assert first["amount"].value == 120.5
    assert first["amount"].number_format == "#,##0.00"
    assert first["birth"].value == dt.datetime(1970, 1, 2)
    assert first["birth"].number_format == "yyyy-mm-dd"
    assert first["visited"].value == dt.datetime(2024, 3, 1, 9, 30)
    assert second["birth"].value is None


def test_write_workbook_keeps_text_starting_with_equals_as_text(tmp_path):
    path = tmp_path / "名册.xlsx"

    write_workbook(path, [SheetSpec("代表名册", COLUMNS, register_rows())])

    cell = openpyxl.load_workbook(path)["代表名册"]["H2"]
    assert cell.value == "=不是公式"
    assert cell.data_type == "s"


def test_write_workbook_drops_control_characters_excel_cannot_store(tmp_path):
    path = tmp_path / "名册.xlsx"

    write_workbook(path, [SheetSpec("代表名册", COLUMNS, register_rows())])

    assert openpyxl.load_workbook(path)["代表名册"]["H3"].value == "连任代表"


def test_write_workbook_puts_heading_above_header_and_freezes_below_it(tmp_path):
    path = tmp_path / "名册.xlsx"

    write_workbook(path, [SheetSpec("代表名册", COLUMNS, register_rows(), heading="濮阳县人大代表名册")])

    ws = openpyxl.load_workbook(path)["代表名册"]
    assert ws["A1"].value == "濮阳县人大代表名册"
    assert ws["A1"].font.b
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:H1"]
    assert [c.value for c in ws[2]] == [c.header for c in COLUMNS]
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.auto_filter.ref == "A2:H4"


def test_a_printed_sheet_can_carry_a_line_under_its_title_a_total_row_and_lines_to_sign(tmp_path):
    path = tmp_path / "签领表.xlsx"
    columns = [Column("name", "姓名", 10), Column("days", "天数", 8, "number"), Column("amount", "金额", 12, "money")]
    rows = [{"name": "王秀兰", "days": Decimal("3.5"), "amount": Decimal("350.00")},
            {"name": "李建国", "days": Decimal("1"), "amount": Decimal("100.01")}]

    write_workbook(path, [SheetSpec("签领表", columns, rows, heading="2026年11月误工补贴签领表",
                                    subheading="标准：100.00 元/天", totals=[{"name": "合计", "amount": Decimal("450.01")}],
                                    notes=["经办人：＿＿＿＿　审核人：＿＿＿＿"], row_height=lambda row: 30,
                                    page_header="草稿（未确认，不作发放凭据）")])

    ws = openpyxl.load_workbook(path)["签领表"]
    assert [ws["A1"].value, ws["A2"].value] == ["2026年11月误工补贴签领表", "标准：100.00 元/天"]
    assert [c.value for c in ws[3]] == ["姓名", "天数", "金额"]
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert [ws["B4"].value, ws["B5"].value] == [3.5, 1] and ws["B4"].number_format == "General"
    assert ws.row_dimensions[4].height == ws.row_dimensions[5].height == 30
    assert ws["A6"].value == "合计" and ws["C6"].value == 450.01 and ws["A6"].font.b
    assert ws.auto_filter.ref == "A3:C5"  # the total row is not filtered with the rows
    assert ws["A8"].value.startswith("经办人：") and "A8:C8" in [str(r) for r in ws.merged_cells.ranges]
    assert ws.oddHeader.center.text == "草稿（未确认，不作发放凭据）"


def test_write_workbook_adds_metadata_as_last_sheet(tmp_path):
    path = tmp_path / "名册.xlsx"

    write_workbook(path, [SheetSpec("代表名册", COLUMNS, register_rows())],
                   metadata={"导出时间": "2024-03-01 09:30", "操作员": "测试员"})

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["代表名册", "元数据"]
    assert list(wb["元数据"].values) == [("项目", "内容"), ("导出时间", "2024-03-01 09:30"), ("操作员", "测试员")]


def test_write_workbook_makes_sheet_names_valid_and_unique(tmp_path):
    path = tmp_path / "名册.xlsx"
    long_title = "濮阳县第十七届人民代表大会代表履职情况统计表（2024年度）"

    write_workbook(path, [SheetSpec("城关/八公桥", COLUMNS, []), SheetSpec("城关/八公桥", COLUMNS, []),
                          SheetSpec(long_title, COLUMNS, [])])

    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["城关_八公桥", "城关_八公桥(2)", long_title[:31]]


def test_write_workbook_round_trips_through_read_table(tmp_path):
    path = tmp_path / "名册.xlsx"
    write_workbook(path, [SheetSpec("代表名册", COLUMNS, register_rows(), heading="名册")])

    table = read_table(path, {c.key: (c.header,) for c in COLUMNS}, required=["name"])

    assert table.header_row == 2
    assert table.rows[0].values == {
        "seq": "1", "name": "王伟", "phone": "13800138000", "id_number": "410928197001020012",
        "amount": "120.5", "birth": "1970-01-02", "visited": "2024-03-01 09:30", "note": "=不是公式",
    }


def test_write_workbook_failure_in_rows_leaves_existing_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(b"previous export")
    temp = tmp_path / "temp"  # where the writer streams the rows of each sheet
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    def failing_rows():
        yield from register_rows()
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError, match="数据库连接中断"):
        write_workbook(path, [SheetSpec("代表名册", COLUMNS, failing_rows())], metadata={"a": "b"})

    assert path.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["temp", "名册.xlsx"]
    assert list(temp.iterdir()) == []


def test_write_workbook_into_an_unwritable_place_raises_file_write_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")

    with pytest.raises(FileWriteError, match="无法写入文件"):
        write_workbook(blocker / "名册.xlsx", [SheetSpec("代表名册", COLUMNS, register_rows())])


def test_write_workbook_shows_aware_datetimes_in_local_time(tmp_path):
    path = tmp_path / "名册.xlsx"
    moment = dt.datetime(2024, 3, 1, 1, 30, tzinfo=dt.timezone.utc)

    write_workbook(path, [SheetSpec("记录", [Column("at", "时间", 18, "datetime")], [{"at": moment}])])

    cell = openpyxl.load_workbook(path)["记录"]["A2"]
    assert cell.value == moment.astimezone().replace(tzinfo=None)


def test_column_rejects_unknown_kind():
    with pytest.raises(ValueError):
        Column("x", "某列", kind="percent")


def test_text_a_spreadsheet_would_take_for_a_formula_is_written_as_text(tmp_path):
    from station_app.io.excel_write import Column, SheetSpec, write_workbook

    path = tmp_path / "f.xlsx"
    rows = [{"note": "=1+1", "n": 1}, {"note": "平常的话", "n": 2}, {"note": "+86 电话"}, {"note": "-3 户"},
            {"note": "@某人"}, {"note": "又一句"}]
    write_workbook(path, [SheetSpec("表", [Column("note", "备注", 20), Column("n", "数", 6, "int")], rows)])
    ws = openpyxl.load_workbook(path)["表"]
    cells = [ws.cell(row, 1) for row in range(2, 8)]
    assert [c.value for c in cells] == ["=1+1", "平常的话", "+86 电话", "-3 户", "@某人", "又一句"]
    assert all(c.data_type == "s" for c in cells)
    # marked to stay text when edited in Excel; the marking of one cell does not leak into the others
    assert [bool(c.quotePrefix) for c in cells] == [True, False, True, True, True, False]
    assert ws["B2"].value == 1 and not ws["B2"].quotePrefix


def test_a_sheet_can_carry_a_native_bar_chart_and_the_writer_returns_rows_and_checksum(tmp_path):
    from station_app.io.excel_write import BarChartSpec, Column, SheetSpec, cell_checksum, write_workbook

    path = tmp_path / "c.xlsx"
    rows = [{"k": "合计", "v": 9}, {"k": "站内接待", "v": 5}, {"k": "电话", "v": 4}]
    chart = BarChartSpec("渠道", "k", ["v"], lambda r: r["k"] != "合计", anchor="D2")
    written = write_workbook(path, [SheetSpec("表", [Column("k", "项目"), Column("v", "本月", kind="int")], rows,
                                              heading="标题", charts=[chart])],
                             metadata=lambda w: {"行数": str(w.rows["表"]), "校验和": w.checksum})
    wb = openpyxl.load_workbook(path)
    assert len(wb["表"]._charts) == 1
    assert written.rows == {"表": 3}
    assert written.checksum == cell_checksum([("表", [["合计", 9], ["站内接待", 5], ["电话", 4]])])
    assert [[c.value for c in row] for row in wb["元数据"].iter_rows(min_row=2)] == [
        ["行数", "3"], ["校验和", written.checksum]]


def test_text_shaped_like_markup_is_written_as_the_text_it_is(tmp_path):
    from station_app.io.sync_workbook import TableSheet, read_tables, write_tables

    texts = ["<r>群众说 a & b < c</r>", "<r><t>x</t></r>", "<r>", "平常 <b>话</b>"]
    path = tmp_path / "m.xlsx"
    write_workbook(path, [SheetSpec("表", [Column("note", "备注", 20)], [{"note": t} for t in texts],
                                    heading="<r>标题</r>")])
    ws = openpyxl.load_workbook(path)["表"]
    assert ws["A1"].value == "<r>标题</r>"
    assert [ws.cell(row, 1).value for row in range(3, 7)] == texts
    assert [r.values["note"] for r in read_table(path, {"note": ("备注",)}).rows] == texts

    written = tmp_path / "t.xlsx"
    write_tables(written, [TableSheet("t", ["a", "b"], [[t, "1"] for t in texts])], {"format": "test"})
    back = read_tables(written)
    assert back.rows["t"] == [[t, "1"] for t in texts] and back.checksum == back.manifest["checksum"]


def test_a_number_excel_cannot_show_is_left_blank(tmp_path):
    path = tmp_path / "n.xlsx"
    rows = [{"a": float("nan"), "b": "NaN"}, {"a": float("inf"), "b": Decimal("-Infinity")}, {"a": 2.5, "b": "3"}]
    write_workbook(path, [SheetSpec("表", [Column("a", "甲", kind="number"), Column("b", "乙", kind="money")], rows)])
    ws = openpyxl.load_workbook(path)["表"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [[None, None], [None, None], [2.5, 3]]
