"""误工补贴 on paper and in Excel: the month's 签领表 (sign-off sheet), its meals sheet, and the year's summary.

The service layer gathers the facts (``services.subsidy``); the writers in ``io.subsidy_pdf`` and
``io.subsidy_excel`` lay them out. A month with no batch, or a draft, is computed from the
attendance first (``refresh_draft``), so the sheet always shows what the page shows.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from station_app.i18n import tr
from station_app.services import settings as settings_service
from station_app.services import subsidy
from station_app.services.context import ServiceContext
from station_app.services.errors import StationError
from station_app.services.subsidy import Batch, Month

#: what ``write_sheet`` can write, by the file's suffix
SHEET_SUFFIXES = (".pdf", ".xlsx")


def sheet_batch(ctx: ServiceContext, month: Month | str, today: dt.date | None = None) -> Batch:
    """The month as its sheet shows it: a confirmed or paid batch as kept, a draft computed afresh."""
    return subsidy.refresh_draft(ctx, month, today=today)


def write_sheet(ctx: ServiceContext, month: Month | str, path: Path | str, *, meals: bool = False,
                today: dt.date | None = None) -> Batch:
    """The month's 签领表 (or, with ``meals``, its 用餐统计) to ``path``: a PDF for ``.pdf``, a workbook with
    the sign-off sheet, the meals and the day-by-day detail for ``.xlsx``. Returns the batch written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise StationError(tr("签领表只能保存为 PDF 或 Excel（.pdf、.xlsx）：{path}", path=path))
    batch = sheet_batch(ctx, month, today)
    county = settings_service.read(ctx).county_name
    if suffix == ".pdf":
        from station_app.io.subsidy_pdf import write_meals_sheet, write_signoff_sheet

        (write_meals_sheet if meals else write_signoff_sheet)(path, batch, county=county)
    else:
        from station_app.io.subsidy_excel import write_batch_workbook

        write_batch_workbook(path, batch, county=county)
    return batch


def write_year(ctx: ServiceContext, year: int, path: Path | str, since: dt.date | None = None) -> subsidy.YearSummary:
    """The year's paid subsidy per person and month to an Excel workbook, with the running total paid from
    ``since`` on (去年以来共发放) when given."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise StationError(tr("年度汇总只能保存为 Excel（.xlsx）：{path}", path=path))
    summary = subsidy.year_summary(ctx, year)
    running = subsidy.paid_since(ctx, since) if since is not None else None
    from station_app.io.subsidy_excel import write_year_workbook

    write_year_workbook(path, summary, running)
    return summary
