"""station-app activities import|export: the same report as the window, and a file that imports back unchanged."""
from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from station_app.cli import main
from station_app.db.models import Activity
from station_app.db.session import open_database
from tests.test_cli import english_words


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def activities(url: str) -> int:
    database = open_database(url)
    with database.session() as s:
        n = s.scalar(select(func.count()).select_from(Activity).where(Activity.voided_at.is_(None)))
    database.dispose()
    return n


@pytest.mark.parametrize("verb", [["activities"], ["activities", "import"], ["activities", "export"]],
                         ids=" ".join)
def test_the_activities_verbs_have_chinese_help(verb, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*verb, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：station-app") and english_words(out) == []


def test_export_then_import_of_the_demo_changes_nothing_and_a_period_narrows_it(demo_url, tmp_path, capsys):
    stored = activities(demo_url)
    path = tmp_path / "活动.xlsx"
    assert main(["--db", demo_url, "activities", "export", str(path)]) == 0
    assert f"已导出 {stored} 次履职活动" in capsys.readouterr().out
    assert load_workbook(path).active["A2"].value == "日期"
    assert main(["--db", demo_url, "activities", "import", str(path)]) == 0
    assert f"不变 {stored}" in capsys.readouterr().out
    assert activities(demo_url) == stored
    assert main(["--db", demo_url, "activities", "export", str(tmp_path / "三月.xlsx"), "--from", "2026-03-01",
                 "--to", "2026-03-31"]) == 0
    assert 0 < int(capsys.readouterr().out.split("已导出 ")[1].split(" ")[0]) < stored
    assert main(["--db", demo_url, "activities", "export", str(path), "--from", "三月"]) == 2


def test_refused_rows_write_nothing_unless_skipped(demo_url, tmp_path, capsys):
    stored = activities(demo_url)
    wb = Workbook()
    wb.active.append(["日期", "类型", "主题", "参加代表"])
    wb.active.append(["2026-11-30", "视察调研", "命令行导入", "没有这个人"])
    wb.active.append(["2026-11-30", "参加会议", "命令行导入", ""])
    wb.save(tmp_path / "活动.xlsx")
    assert main(["--db", demo_url, "activities", "import", str(tmp_path / "活动.xlsx")]) == 2
    captured = capsys.readouterr()
    assert "活动.xlsx 第 2 行" in captured.out and "没有代表“没有这个人”" in captured.out
    assert "第 3 行" in captured.out and "至少写一位代表" in captured.out
    assert activities(demo_url) == stored
    wb.active.append(["2026-11-30", "学习培训", "命令行导入", unique_name(demo_url)])
    wb.save(tmp_path / "活动.xlsx")
    assert main(["--db", demo_url, "activities", "import", str(tmp_path / "活动.xlsx"), "--skip-refused"]) == 0
    assert "导入完成：新增 1，更新 0，不变 0，拒绝 2。" in capsys.readouterr().out
    assert activities(demo_url) == stored + 1


def test_a_missing_or_broken_file_is_one_line_and_exit_2(url, tmp_path, capsys):
    assert main(["--db", url, "activities", "import", str(tmp_path / "没有.xlsx")]) == 2
    assert "找不到文件" in capsys.readouterr().err
    (tmp_path / "坏.xlsx").write_text("不是表格", encoding="utf-8")
    assert main(["--db", url, "activities", "import", str(tmp_path / "坏.xlsx")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "坏.xlsx" in err


def unique_name(url: str) -> str:
    from station_app.db.models import Representative

    database = open_database(url)
    with database.session() as s:
        name = s.scalar(select(Representative.name).where(Representative.voided_at.is_(None))
                        .group_by(Representative.name).having(func.count() == 1).order_by(Representative.name))
    database.dispose()
    return name
