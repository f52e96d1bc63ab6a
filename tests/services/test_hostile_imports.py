"""Hostile workbooks through the importers (issue 12): one clear Chinese line, or a clean import, and the
database unchanged on every refusal; memory under 500 MB for bombs and a million rows."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station_app.db.models import AuditLog, CalendarDay, Representative, Visit
from station_app.db.session import copy_sqlite
from station_app.services.errors import StationError
from station_app.services.importing import ImportRefused, UnreadableWorkbook
from station_app.services.reception import commit_visit_import, preview_visit_import
from station_app.services.registry import preview_import as preview_registry
from tests import hostile_workbooks as hostile

pytestmark = pytest.mark.sqlite_only("hostile files test the reading, not the database server")

VISIT_HEADER = ["接待时间", "来访人", "人数", "反映问题"]
ROOT = Path(__file__).resolve().parents[2]


def fingerprint(db) -> tuple[int, ...]:
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(model)) for model in
                     (Representative, Visit, CalendarDay, AuditLog))


@pytest.mark.parametrize("people", ["inf", "1e999", "-inf", "nan", "1.5"])
def test_a_visit_with_people_count_inf_or_1e999_is_refused_naming_the_row_and_field(ctx, db, tmp_path, people):
    path = hostile.write_xlsx(tmp_path / "登记.xlsx", [VISIT_HEADER, ["2025-03-05 09:30", "王大妈", people, "路灯坏了"]])
    before = fingerprint(db)
    preview = preview_visit_import(ctx, path)
    with pytest.raises(ImportRefused) as error:
        commit_visit_import(ctx, preview)
    message = str(error.value)
    assert "第 2 行" in message and "人数" in message and "\n" not in message
    assert fingerprint(db) == before


@pytest.mark.parametrize("people, words", [("-3", "1 到 500"), ("1e300", "1 到 500"), ("99999999999", "1 到 500")])
def test_a_negative_or_huge_people_count_is_refused_with_the_range(ctx, tmp_path, people, words):
    path = hostile.write_xlsx(tmp_path / "登记.xlsx", [VISIT_HEADER, ["2025-03-05 09:30", "王大妈", people, "路灯坏了"]])
    [row] = preview_visit_import(ctx, path).rows
    assert row.refused and any(reason.startswith("人数") and words in reason for reason in row.reasons)


def test_a_one_megabyte_cell_is_refused_naming_row_and_field_in_a_short_message(ctx, db, tmp_path, monkeypatch):
    path = hostile.write_xlsx(tmp_path / "登记.xlsx", [VISIT_HEADER, ["2025-03-05 09:30", "王大妈", 1, "长" * 30_000],
                                                       ["2025-03-05 10:30", "路" * 1000, 1, "路灯坏了"]])
    preview = preview_visit_import(ctx, path)
    first, second = preview.rows
    assert first.refused and first.reasons == ["反映问题：内容太长（30000 字，最多 2000 字）"]
    assert second.refused and "来访人：内容太长（1000 字，最多 50 字）" in second.reasons
    with pytest.raises(ImportRefused) as error:
        commit_visit_import(ctx, preview)
    assert "第 2 行" in str(error.value) and len(str(error.value)) < 200
    assert all(len(line) < 400 for line in preview.report_lines())


def test_control_characters_never_reach_the_stored_visit(ctx, db, tmp_path):
    path = hostile.write_xlsx(tmp_path / "登记.xlsx", [VISIT_HEADER,
                                                       ["2025-03-05 09:30", "\x1b[31m王大妈\u202e", 1, "路灯\x00坏了\x1b[0m"]])
    commit_visit_import(ctx, preview_visit_import(ctx, path))
    with db.session() as s:
        assert s.execute(select(Visit.citizen_name, Visit.content)).one() == ("王大妈", "路灯坏了")


def test_an_unreadable_workbook_is_a_station_error_and_changes_nothing(ctx, db, tmp_path):
    before = fingerprint(db)
    with pytest.raises(UnreadableWorkbook) as error:
        preview_registry(ctx, hostile.encrypted_workbook(tmp_path / "名册.xlsx"))
    assert isinstance(error.value, StationError) and "密码" in str(error.value)
    assert fingerprint(db) == before


# --- memory: each file read by the command line in a child process, its peak RSS measured ---------

_CHILD = textwrap.dedent("""
    import json, resource, subprocess, sys
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=240)
    print(json.dumps({"rc": done.returncode, "err": done.stderr[-400:], "out": done.stdout[-400:],
                      "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
""")


@pytest.fixture
def migrated_url(sqlite_template, tmp_path) -> str:
    target = tmp_path / "mem.sqlite"
    copy_sqlite(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory) -> Path:
    """A million visits, every third with 人数 "x", without a <dimension>: the rows must be counted."""
    return hostile.million_rows(tmp_path_factory.mktemp("million") / "百万行.xlsx", bad_every=3, dimension=False)


def peak_rss_of_import(tmp_path, db_url: str, path: Path, *extra: str) -> dict:
    command = [sys.executable, "main.py", "--db", db_url, "visits", "import", str(path), *extra]
    done = subprocess.run([sys.executable, "-c", _CHILD, *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**__import__("os").environ, "STATION_APP_HOME": str(tmp_path / "home")})
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("skip_bad", [False, True], ids=["plain", "skip_bad"])
def test_a_million_rows_are_refused_in_well_under_500_mb(tmp_path, migrated_url, million_rows, skip_bad):
    result = peak_rss_of_import(tmp_path, migrated_url, million_rows, *(["--skip-bad"] if skip_bad else []))
    print(f"million rows{' --skip-bad' if skip_bad else ''}: peak RSS {result['rss_mb']:.0f} MB")
    assert result["rc"] == 2 and "超过 100,000 行" in result["err"], result
    assert result["rss_mb"] < 500


@pytest.mark.slow
@pytest.mark.parametrize("bomb", ["sheet", "sheet_small", "sheet_liar", "shared_strings", "long_shared_string",
                                  "corner"])
def test_bombs_are_refused_in_well_under_500_mb(tmp_path, migrated_url, bomb):
    build = {"sheet": lambda p: hostile.sheet_bomb(p, 2.5), "sheet_small": lambda p: hostile.sheet_bomb(p, 0.45),
             "sheet_liar": lambda p: hostile.sheet_bomb(p, 2.5, honest=False),
             "shared_strings": lambda p: hostile.shared_strings_bomb(p, 5.0),
             "long_shared_string": hostile.long_shared_string, "corner": hostile.corner_cells}[bomb]
    path = build(tmp_path / f"{bomb}.xlsx")
    result = peak_rss_of_import(tmp_path, migrated_url, path)
    print(f"{bomb} bomb ({path.stat().st_size // 1024} KB): peak RSS {result['rss_mb']:.0f} MB")
    assert result["rc"] == 2 and path.name in result["err"], result
    assert result["rss_mb"] < 500
