"""Property: whatever workbook the importers are given — random cells and types, huge strings, formulas,
thousands of columns, bombs, damaged, encrypted or renamed files — each ends in a clean import or a clear
Chinese StationError, and a refusal leaves the database exactly as it was (issue 12).

Four importers, 1,050 examples in all: the registry (代表名册), the visits log (接待登记), the holiday table
(节假日) and the registry merge of services/sync.py. Workbooks are raw zip XML (tests/hostile_workbooks.py),
a few milliseconds each. Each test prints how many examples it ran.
"""
from __future__ import annotations

import os
import random
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from station_app.db.models import AuditLog, CalendarDay, MergeHistory, Representative, Visit
from station_app.services import registry, sync, work_calendar
from station_app.services.errors import StationError
from station_app.services.reception import VISIT_HEADERS, commit_visit_import, preview_visit_import
from station_app.services.registry import REP_HEADERS
from station_app.services.work_calendar import CALENDAR_HEADERS
from tests import hostile_workbooks as hostile

pytestmark = pytest.mark.sqlite_only("hostile files test the reading, not the database server")

_CJK = re.compile("[\u4e00-\u9fff]")
_SETTINGS = dict(deadline=None, database=None, derandomize=False,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.data_too_large, HealthCheck.large_base_example])

NASTY_TEXT = ["inf", "1e999", "-1e999", "nan", "-5", "0", "1.5", "99999999999999999999", "=1+1",
              '=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "\x1b[31m红\x1b[0m", "\u202egpj.exe", "\x07",
              "合计", "2025-02-30", "2025-03-05 09:30", "2026-10-01", "休", "班", "县", "男", "是", "王伟", "张三",
              "13800000000", "   ", "１２３", "\u200b"]

cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=30),
    st.builds(lambda c, n: c * n, st.sampled_from(["长", "A", "&", "<"]), st.sampled_from([2001, 40_000])),
)


def _headers_of(fields: dict[str, tuple[str, ...]]):
    """The importer's own header (most often, so that rows get checked), a shuffled part of it, or noise."""
    names = [alias for aliases in fields.values() for alias in aliases]
    own = [aliases[0] for aliases in fields.values()]
    return st.one_of(st.just(own), st.just(own), st.permutations(own),
                     st.lists(st.one_of(st.sampled_from(names), st.text(max_size=6)), min_size=1, max_size=12))


def table_workbooks(fields):
    """A header from the importer's own column names (and noise), then rows of random cells."""
    return st.tuples(st.just("table"), _headers_of(fields),
                     st.lists(st.lists(cells, max_size=12), max_size=8), st.booleans())


def wide_workbooks(fields):
    return st.tuples(st.just("wide"), _headers_of(fields), st.integers(200, 3_000), st.booleans())


HOSTILE_FILES = ["corner", "liar", "honest_bomb", "long_shared", "encrypted", "empty", "csv", "random", "truncated",
                 "no_workbook", "fifo", "xls", "big_cell"]


def any_workbook(fields):
    return st.one_of(table_workbooks(fields), table_workbooks(fields), wide_workbooks(fields),
                     st.tuples(st.just("file"), st.sampled_from(HOSTILE_FILES), st.just(0), st.booleans()))


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory) -> dict[str, Path]:
    """The hostile files that cost more than a few milliseconds to build: built once."""
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        "corner": hostile.corner_cells(folder / "corner.xlsx"),
        "liar": hostile.sheet_bomb(folder / "liar.xlsx", 0.05, honest=False),
        "honest_bomb": hostile.sheet_bomb(folder / "bomb.xlsx", 0.6),
        "long_shared": hostile.long_shared_string(folder / "long.xlsx", 30_000, 4_000),
        "encrypted": hostile.encrypted_workbook(folder / "enc.xlsx"),
        "big_cell": hostile.write_xlsx(folder / "big.xlsx", [["姓名", "日期"], ["长" * 300_000, "x"]]),
    }
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "csv.xlsx").write_text("姓名,日期\n王伟,2025-01-01\n", encoding="utf-8")
    (folder / "random.xlsx").write_bytes(random.Random(1).randbytes(3000))
    (folder / "xls.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + random.Random(2).randbytes(3000))
    whole = hostile.write_xlsx(folder / "whole.xlsx", [["姓名", "日期"], *[["王伟", "2025-01-01"]] * 300])
    (folder / "truncated.xlsx").write_bytes(whole.read_bytes()[:1500])
    with zipfile.ZipFile(folder / "no_workbook.xlsx", "w") as archive:
        archive.writestr("a.txt", "x")
    os.mkfifo(folder / "fifo.xlsx")
    files.update({name: folder / f"{name}.xlsx" for name in ("empty", "csv", "random", "truncated", "no_workbook",
                                                             "fifo")})
    files["xls"] = folder / "xls.xls"
    return files


class Runner:
    """Builds each example's file, runs the import, checks the promise, counts the examples and outcomes."""

    def __init__(self, db, folder: Path, prebuilt: dict[str, Path]) -> None:
        self.db, self.folder, self.prebuilt = db, folder, prebuilt
        self.examples = 0
        self.outcomes: dict[str, int] = {}

    def fingerprint(self) -> tuple:
        with self.db.session() as s:
            return tuple(s.scalar(select(func.count()).select_from(m)) for m in
                         (Representative, Visit, CalendarDay, AuditLog, MergeHistory))

    def build(self, example) -> Path:
        kind, header, body, as_csv = example
        if kind == "file":
            return self.prebuilt[header]
        path = self.folder / f"例{self.examples}.xlsx"
        if kind == "wide":
            rows = [header + [f"列{i}" for i in range(body)], ["王伟"] * body]
        else:
            rows = [header, *body]
        if as_csv and kind == "table":
            path.write_text("\n".join(",".join(str(c) for c in row) for row in rows), encoding="utf-8")
            return path
        return hostile.write_xlsx(path, rows)

    def run(self, example, do_import) -> None:
        self.examples += 1
        path = self.build(example)
        before = self.fingerprint()
        try:
            outcome = do_import(path)
        except StationError as exc:
            message = str(exc)
            assert _CJK.search(message), message[:300]
            assert len(message) < 5_000 and not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", message)
            assert self.fingerprint() == before, message[:300]
            outcome = type(exc).__name__
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if path.parent == self.folder:
            path.unlink()

    def report(self, name: str, wanted: int) -> None:
        print(f"\n{name}: {self.examples} hypothesis examples; outcomes {self.outcomes}")
        assert self.examples >= wanted


def _imported(preview_fn, commit_fn, skip: bool):
    def run(path: Path) -> str:
        preview = preview_fn(path)
        commit_fn(preview, skip)
        return "imported"
    return run


def test_registry_import_of_hostile_workbooks_ends_clean_or_with_a_clear_message(ctx, db, tmp_path, prebuilt):
    runner = Runner(db, tmp_path, prebuilt)

    @settings(max_examples=300, **_SETTINGS)
    @given(any_workbook(REP_HEADERS), st.booleans())
    def check(example, skip):
        runner.run(example, _imported(lambda p: registry.preview_import(ctx, p),
                                      lambda pv, s: registry.commit_import(ctx, pv, skip_refused=s), skip))
    check()
    runner.report("registry", 300)


def test_visits_import_of_hostile_workbooks_ends_clean_or_with_a_clear_message(ctx, db, tmp_path, prebuilt):
    runner = Runner(db, tmp_path, prebuilt)

    @settings(max_examples=300, **_SETTINGS)
    @given(any_workbook(VISIT_HEADERS), st.booleans())
    def check(example, skip):
        runner.run(example, _imported(lambda p: preview_visit_import(ctx, p),
                                      lambda pv, s: commit_visit_import(ctx, pv, skip_refused=s), skip))
    check()
    runner.report("visits", 300)


def test_holiday_import_of_hostile_workbooks_ends_clean_or_with_a_clear_message(ctx, db, tmp_path, prebuilt):
    runner = Runner(db, tmp_path, prebuilt)

    @settings(max_examples=250, **_SETTINGS)
    @given(any_workbook(CALENDAR_HEADERS), st.booleans())
    def check(example, skip):
        runner.run(example, _imported(lambda p: work_calendar.preview_calendar_import(ctx, p),
                                      lambda pv, s: work_calendar.commit_calendar_import(ctx, pv, skip_refused=s),
                                      skip))
    check()
    runner.report("holidays", 250)


_TEXT_CELL = re.compile(rb"(<t[^>]*>)([^<]*)(</t>)")


def test_registry_merge_of_hostile_and_tampered_workbooks_ends_clean_or_refused(ctx, db, tmp_path, prebuilt):
    """The county's registry workbook as exported, then tampered with (a cell changed, bytes cut), or any
    hostile file: merged whole, or refused whole with a Chinese reason, the database unchanged."""
    exported = tmp_path / "registry.xlsx"
    sync.export_registry(ctx, exported)
    original = exported.read_bytes()
    runner = Runner(db, tmp_path, prebuilt)

    def tampered(choice: int, replacement: object, cut: int) -> Path:
        path = tmp_path / f"改{runner.examples}.xlsx"
        if choice == 4:
            path.write_bytes(original)  # untouched: merged, and merged again changes nothing
            return path
        if choice == 0:
            path.write_bytes(original[:cut])
            return path
        with zipfile.ZipFile(exported) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                matches = list(_TEXT_CELL.finditer(data))
                if matches and info.filename.startswith("xl/worksheets/"):
                    m = matches[cut % len(matches)]
                    text = str(replacement).replace("&", "&amp;").replace("<", "&lt;").encode()
                    data = data[:m.start(2)] + text + data[m.end(2):]
                target.writestr(info, data)
        return path

    def merge(path: Path) -> str:
        before = runner.fingerprint()
        summary = sync.merge_registry(ctx, path)
        if summary.refused:
            assert _CJK.search(summary.reason) and len(summary.reason) < 2_000, summary.reason[:300]
            assert runner.fingerprint() == before, summary.reason[:300]
            return "refused"
        return "merged"

    @settings(max_examples=200, **_SETTINGS)
    @given(st.one_of(any_workbook(REP_HEADERS),
                     st.tuples(st.just("tampered"), st.integers(0, 4), cells, st.integers(0, len(original)))),
           st.booleans())
    def check(example, _skip):
        if example[0] == "tampered":
            _kind, choice, replacement, cut = example
            path = tampered(choice, replacement, cut)
            example = ("file", "tampered", 0, False)
            runner.prebuilt = {**prebuilt, "tampered": path}
        runner.run(example, merge)

    check()
    runner.report("registry merge", 200)
