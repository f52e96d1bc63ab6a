"""Workbooks built to hurt: each is refused at once with its own Chinese message naming the file, before
calamine reads it (issue 12: pipes and devices, bombs, too many rows or columns, encrypted, damaged)."""
from __future__ import annotations

import os
import threading
import time
import zipfile

import pytest

from station_app.io import workbook_guard
from station_app.io.excel import WorkbookError, clean_text, read_table, strip_controls
from tests import hostile_workbooks as hostile

FIELDS = {"name": ("姓名",), "phone": ("电话",)}
VISITS = {"at": ("接待时间",), "who": ("来访人",), "people": ("人数",), "content": ("反映问题",)}


def refusal(path, fields=FIELDS) -> str:
    started = time.perf_counter()
    with pytest.raises(WorkbookError) as error:
        read_table(path, fields)
    assert time.perf_counter() - started < 5
    message = str(error.value)
    assert path.name in message and "\n" not in message and len(message) < 300
    return message


def test_a_fifo_named_xlsx_is_refused_at_once_not_read_forever(tmp_path):
    path = tmp_path / "管道.xlsx"
    os.mkfifo(path)
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(refusal(path)), daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # unblock the reader before failing, so the test run can end
        with open(path, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert "不是普通文件" in result[0]


def test_a_device_symlinked_as_xlsx_is_refused_at_once(tmp_path):
    path = tmp_path / "零.xlsx"
    path.symlink_to("/dev/zero")
    assert "不是普通文件" in refusal(path)


def test_an_encrypted_workbook_says_it_has_a_password(tmp_path):
    message = refusal(hostile.encrypted_workbook(tmp_path / "加密.xlsx"))
    assert "设置了打开密码" in message and "取消密码" in message


def test_a_truncated_workbook_says_it_is_damaged(tmp_path):
    whole = hostile.write_xlsx(tmp_path / "完整.xlsx", [["姓名", "电话"], ["王伟", "13800000000"]] * 200)
    damaged = tmp_path / "残缺.xlsx"
    data = whole.read_bytes()
    damaged.write_bytes(data[: len(data) // 2] + data[-200:])
    assert "已损坏" in refusal(damaged)


def test_a_workbook_with_a_flipped_byte_inside_a_sheet_says_it_is_damaged(tmp_path):
    path = hostile.write_xlsx(tmp_path / "坏块.xlsx", [["姓名", "电话"], *[[f"王{i}", "13800000000"] for i in range(300)]])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    assert "已损坏" in refusal(path)


def test_an_empty_file_says_it_is_empty(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert "空文件" in refusal(path)


def test_a_csv_renamed_xlsx_says_it_is_a_text_file(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("姓名,电话\n王伟,13800000000\n", encoding="gbk")
    assert "文本文件" in refusal(path)


def test_a_broken_xls_asks_to_save_as_xlsx(tmp_path):
    path = tmp_path / "旧表.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + os.urandom(2000))
    assert "另存为 .xlsx" in refusal(path)


def test_a_zip_without_a_workbook_is_not_a_workbook(tmp_path):
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "不是有效的 Excel 工作簿" in refusal(path)


def test_two_cells_at_a1_and_xfd1048576_are_refused_by_the_declared_dimension(tmp_path):
    # before the guard calamine tried to fill the rectangle and the process aborted ("capacity overflow")
    assert "1,048,576 行" in refusal(hostile.corner_cells(tmp_path / "角落.xlsx"))


def test_a_sheet_wider_than_the_limit_is_refused(tmp_path):
    path = hostile.write_xlsx(tmp_path / "宽表.xlsx", [["姓名", "电话", *range(400)]])
    assert "超过 256 列" in refusal(path)


def test_rows_past_the_limit_are_refused_while_streaming_without_a_dimension(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_guard, "MAX_ROWS", 5_000)
    path = hostile.million_rows(tmp_path / "长表.xlsx", 6_000, dimension=False)
    assert "超过 5,000 行" in refusal(path, VISITS)


def test_a_liar_zip_that_declares_a_small_size_for_a_huge_sheet_is_damaged(tmp_path):
    path = hostile.sheet_bomb(tmp_path / "说谎.xlsx", 0.05, honest=False)
    assert "已损坏" in refusal(path, VISITS)


def test_a_sheet_bomb_under_the_unpacked_limit_is_stopped_at_the_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_guard, "MAX_ROWS", 20_000)
    path = hostile.sheet_bomb(tmp_path / "炸弹.xlsx", 0.05)  # 50 MB of rows, 400 KB on disk
    assert "超过 20,000 行" in refusal(path, VISITS)


def test_a_sheet_bomb_of_gigabytes_is_refused_by_its_unpacked_size(tmp_path):
    assert "解压后有" in refusal(hostile.sheet_bomb(tmp_path / "大炸弹.xlsx", 1.0), VISITS)


def test_a_shared_string_longer_than_excel_allows_is_refused(tmp_path):
    path = hostile.write_xlsx(tmp_path / "长串.xlsx", [["姓名", "电话"]],
                              shared_strings=hostile._shared_strings_xml(["A" * 5_000_000]))
    assert "32767" in refusal(path)


def test_an_inline_cell_longer_than_excel_allows_is_refused(tmp_path):
    path = hostile.write_xlsx(tmp_path / "长格.xlsx", [["姓名", "电话"], ["王" * 1_000_000, "1"]])
    assert "32767" in refusal(path)


def test_one_long_shared_string_used_by_every_cell_is_refused_by_the_text_it_adds_up_to(tmp_path):
    path = hostile.long_shared_string(tmp_path / "复用.xlsx", characters=30_000, cells=2_000)
    assert "文字超过" in refusal(path, {"who": ("来访人",), "content": ("反映问题",)})


def test_an_ordinary_workbook_under_every_limit_is_read(tmp_path):
    path = hostile.million_rows(tmp_path / "正常.xlsx", 2_000)
    assert len(read_table(path, VISITS).rows) == 2_000


@pytest.mark.parametrize("dirty, clean", [
    ("\x1b[31m王伟\x1b[0m", "王伟"),
    ("王\x00伟", "王伟"),
    ("\u202egpj.exe", "gpj.exe"),
    ("a\x1b]0;标题\x07b", "ab"),
    ("\x9b2J清屏", "清屏"),
    ("李\u200f四\u2066", "李四"),
])
def test_escape_sequences_and_control_characters_are_stripped_from_cells(dirty, clean):
    assert clean_text(dirty) == clean


def test_strip_controls_keeps_line_breaks_and_tabs():
    assert strip_controls("第一行\n第二行\t\x07") == "第一行\n第二行\t"


def test_control_characters_are_stripped_from_what_read_table_returns(tmp_path):
    path = hostile.write_xlsx(tmp_path / "控制符.xlsx", [["姓名", "电话"], ["\x1b[31m王伟\u202e", "138\x1b[0m00000000"]])
    assert read_table(path, FIELDS).rows[0].values == {"name": "王伟", "phone": "13800000000"}
