"""station-app sync export|merge|registry-export|registry-import, and demo --county."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from station_app.cli import main
from station_app.db.models import Representative, Visit
from station_app.db.session import open_database
from tests.test_cli import english_words


def count(url: str, model) -> int:
    database = open_database(url)
    with database.session() as s:
        n = s.scalar(select(func.count()).select_from(model))
    database.dispose()
    return n


@pytest.mark.parametrize("verb", [["sync"], ["sync", "export"], ["sync", "merge"], ["sync", "registry-export"],
                                  ["sync", "registry-import"]], ids=" ".join)
def test_the_sync_verbs_have_chinese_help(verb, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*verb, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：station-app") and english_words(out) == []


def test_a_station_exports_and_the_county_merges_with_a_summary_and_exit_two_for_a_refused_file(
        demo_url, tmp_path, capsys):
    county = f"sqlite:///{tmp_path / 'county.sqlite'}"
    assert main(["--db", demo_url, "sync", "registry-export", "--out", str(tmp_path / "reg.xlsx")]) == 0
    assert main(["--db", county, "sync", "registry-import", str(tmp_path / "reg.xlsx")]) == 0
    assert count(county, Representative) == 490
    assert main(["--db", demo_url, "sync", "export", "--out", str(tmp_path / "jd.xlsx")]) == 0
    assert "条记录" in capsys.readouterr().out
    assert main(["--db", county, "sync", "merge", str(tmp_path / "jd.xlsx")]) == 2
    assert "县级汇总模式" in capsys.readouterr().err
    database = open_database(county)
    from station_app.services import settings as settings_service
    from station_app.services.context import ServiceContext
    from tests.conftest import TESTER

    ctx = ServiceContext(database, TESTER)
    settings_service.save(ctx, settings_service.read(ctx).replace(county_mode=True))
    database.dispose()
    (tmp_path / "bad.xlsx").write_bytes(b"broken")
    assert main(["--db", county, "sync", "merge", str(tmp_path / "jd.xlsx"), str(tmp_path / "bad.xlsx")]) == 2
    out = capsys.readouterr().out
    assert "jd.xlsx（东河县人大代表监督站）：新增" in out and "bad.xlsx：拒绝" in out and "拒绝 1 个" in out
    assert count(county, Visit) > 5000
    assert main(["--db", county, "sync", "merge", str(tmp_path / "jd.xlsx")]) == 0
    assert "新增 0，更新 0" in capsys.readouterr().out
    assert main(["--db", demo_url, "sync", "export", "--out", str(tmp_path / "r.xlsx"), "--resend"]) == 0
    assert main(["--db", demo_url, "sync", "export", "--out", str(tmp_path / "x.xlsx"), "--resend",
                 "--since", "2026-01-01"]) == 2


def test_demo_county_wants_an_empty_database(demo_url, capsys):
    assert main(["--db", demo_url, "demo", "--county"]) == 2
    assert "只装入空数据库" in capsys.readouterr().err
