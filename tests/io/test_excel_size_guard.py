"""read_table refuses, before reading, a file too large to be a station's list and a zip that unpacks to far more."""
from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from station_app.io import workbook_guard
from station_app.io.excel import WorkbookError, read_table

FIELDS = {"name": ("姓名",), "phone": ("电话",)}


def small_workbook(path):
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["王伟", "13800000000"])
    wb.save(path)
    return path


def test_an_ordinary_workbook_is_read(tmp_path):
    assert read_table(small_workbook(tmp_path / "名册.xlsx"), FIELDS).rows[0].values["name"] == "王伟"


def test_a_file_larger_than_the_limit_is_refused_naming_it(tmp_path, monkeypatch):
    path = small_workbook(tmp_path / "名册.xlsx")
    monkeypatch.setattr(workbook_guard, "MAX_WORKBOOK_BYTES", path.stat().st_size - 1)
    with pytest.raises(WorkbookError, match="名册.xlsx 太大"):
        read_table(path, FIELDS)


def test_a_zip_that_unpacks_to_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))   # 8 MB of zeros: 8 KB on disk
    assert path.stat().st_size < 64 * 1024
    monkeypatch.setattr(workbook_guard, "MAX_UNPACKED_BYTES", 4 * 1024 * 1024)
    with pytest.raises(WorkbookError, match="炸弹.xlsx 解压后有 8 MB"):
        read_table(path, FIELDS)
