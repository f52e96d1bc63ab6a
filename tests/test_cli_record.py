"""station-app record: one representative's archive page, or the records of one or all in Excel."""
from __future__ import annotations

import openpyxl
import pdfplumber
import pytest

from station_app.cli import main
from tests.services.test_record import people  # noqa: F401  (the fixture)


@pytest.fixture
def url(db, tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as done:
        main(["record", "--help"])
    assert done.value.code == 0 and "--rep" in capsys.readouterr().out


def test_record_by_name_to_a_pdf(url, people, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "out" / "王秀兰.pdf"
    assert main(["--db", url, "record", "--rep", "王秀兰", "--from", "2026-01-01", "--to", "2026-12-31",
                 "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "王秀兰" in said and "接待选民 2 次" in said
    with pdfplumber.open(out) as pdf:
        assert "王秀兰" in pdf.pages[0].extract_text()


def test_record_by_id_and_of_all_to_excel(url, people, tmp_path, capsys):  # noqa: F811
    one, every = tmp_path / "out" / "one.xlsx", tmp_path / "out" / "all.xlsx"
    assert main(["--db", url, "record", "--rep", people["刘丽2"], "--from", "2026-01-01", "--to", "2026-12-31",
                 "--out", str(one)]) == 0
    assert main(["--db", url, "record", "--from", "2026-01-01", "--to", "2026-12-31", "--out", str(every)]) == 0
    assert "4 人" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(one).active.iter_rows(values_only=True))
    assert [r[4] for r in rows[3:-1]] == ["西岭乡代表团"]
    assert len(list(openpyxl.load_workbook(every).active.iter_rows(values_only=True))) == 3 + 4 + 1


@pytest.mark.parametrize("args, words", [
    (["--rep", "刘丽"], ["城关镇代表团", "西岭乡代表团"]),
    (["--rep", "王秀兰", "--from", "2026-05-01", "--to", "2026-04-01"], ["晚于"]),
    (["--rep", "王秀兰", "--from", "2026-13-01"], ["日期"]),
    (["--out", "x.pdf"], ["--rep"]),
    (["--rep", "王秀兰", "--out", "x.docx"], [".pdf", ".xlsx"]),
    (["--rep", "无名氏"], ["找不到"]),
])
def test_wrong_input_is_refused_in_chinese_and_writes_nothing(url, people, tmp_path, capsys, args, words):  # noqa: F811
    base = {"--from": "2026-01-01", "--to": "2026-12-31", "--out": "x.pdf"}
    given = dict(zip(args[::2], args[1::2]))
    merged = {**base, **given}
    merged["--out"] = str(tmp_path / "out" / merged["--out"])
    argv = ["--db", url, "record"] + [x for key, value in merged.items() for x in (key, value)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert all(word in err for word in words), err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
