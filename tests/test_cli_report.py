"""station-app report and county report: the month's workbook from the command line."""
from __future__ import annotations

import openpyxl
import pytest

from station_app.cli import main
from station_app.db.models import Station
from tests.services.test_report import month  # noqa: F401  (the fixture)


@pytest.fixture
def url(db, tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0 and "--station" in capsys.readouterr().out


def test_report_writes_this_stations_month(url, month, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "out" / "十一月.xlsx"
    assert main(["--db", url, "report", "--month", "2026-11", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "东河县人大代表监督站2026年11月工作报表" in said and "接待 3 批 5 人次" in said and "100.00 元" in said
    wb = openpyxl.load_workbook(out)
    assert "各站" not in wb.sheetnames and wb["汇总"]["B3"].value == 3


def test_report_of_a_station_by_its_code_and_an_unknown_code(ctx, url, month, tmp_path, capsys):  # noqa: F811
    with ctx.db.transaction() as s:
        s.add(Station(name="西山乡代表联络站", code="XSX"))
    out = tmp_path / "xsx.xlsx"
    assert main(["--db", url, "report", "--month", "2026-11", "--out", str(out), "--station", "xsx"]) == 0
    assert "西山乡代表联络站2026年11月工作报表：接待 0 批" in capsys.readouterr().out
    assert main(["--db", url, "report", "--month", "2026-11", "--out", str(out), "--station", "NOPE"]) == 2
    said = capsys.readouterr().err
    assert "NOPE" in said and "DHJD、XSX" in said


def test_county_report_adds_the_stations_table(ctx, url, month, tmp_path, capsys):  # noqa: F811
    with ctx.db.transaction() as s:
        s.add(Station(name="西山乡代表联络站", code="XSX"))
    out = tmp_path / "county.xlsx"
    assert main(["--db", url, "county", "report", "--month", "2026-11", "--out", str(out)]) == 0
    assert "全县（2 个站）2026年11月工作报表" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(out)["各站"].iter_rows(min_row=3, values_only=True))
    assert [r[:3] for r in rows] == [("DHJD", "东河县人大代表监督站", 3), ("XSX", "西山乡代表联络站", 0)]


def test_a_bad_month_is_refused_with_exit_2(url, month, tmp_path, capsys):  # noqa: F811
    assert main(["--db", url, "report", "--month", "2026-13", "--out", str(tmp_path / "r.xlsx")]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
