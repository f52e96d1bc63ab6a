"""The command line's verbs of the month and the county: the month's report, the station's sync export,
the county's merge and what it sends back, and the county's demo. Each parses its arguments and calls
one service, with the helpers of :mod:`station_app.cli`."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from station_app.cli import EXIT_BAD_INPUT, EXIT_OK, _context, _date, _Parser
from station_app.i18n import tr


def add_parsers(verbs) -> None:
    """sync …, report, county report."""
    _sync_parser(verbs)
    _report_parser(verbs)


def _sync_parser(verbs) -> None:
    sync = verbs.add_parser("sync", help=tr("县站同步：站点导出报送文件，县里合并；县里导出名册与节假日，站点导入"),
                            description=tr(
        "县站同步。站点：sync export --out 报送.xlsx 导出上次导出以来新增或修改的记录（身份证号总是隐去中间几位，"
        "电话除非设置允许也隐去）。县里（设置为县级汇总模式）：sync merge 文件… 合并各站的报送文件，逐个文件报告新增、"
        "更新、未变、较旧忽略和拒绝的原因；有文件被拒绝时退出码为 2。"))
    sverbs = sync.add_subparsers(dest="sync_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    exp = sverbs.add_parser("export", help=tr("导出本站的报送文件（默认为上次导出以来的变动）"), description=tr(
        "导出本站的报送文件：默认为上次导出以来新增或修改的记录（第一次为全部）；--since 为自某日以来的变动；"
        "--from 和 --to 为这段日期内的变动；--resend 把上次导出的记录重新导出一份。"))
    exp.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help=tr("输出的 Excel 文件"))
    exp.add_argument("--since", metavar="YYYY-MM-DD", help=tr("自这一天以来的变动"))
    exp.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=tr("起始日期"))
    exp.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=tr("截止日期"))
    exp.add_argument("--resend", action="store_true", help=tr("重新发送上次导出的记录"))
    exp.set_defaults(run=_sync_export)
    merge = sverbs.add_parser("merge", help=tr("合并各站的报送文件（县级汇总模式）"), description=tr(
        "合并各站的报送文件，每个文件单独一个事务：被拒绝的文件一条也不写入，不影响其他文件。"))
    merge.add_argument("files", nargs="+", type=Path, metavar="FILE.xlsx")
    merge.set_defaults(run=_sync_merge)
    rexp = sverbs.add_parser("registry-export", help=tr("导出代表名册与节假日，发给各站"), description=tr(
        "导出站点、代表团、代表小组、代表、窗口单位和节假日表，供各站用 sync registry-import 导入。"))
    rexp.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help=tr("输出的 Excel 文件"))
    rexp.set_defaults(run=_sync_registry_export)
    rimp = sverbs.add_parser("registry-import", help=tr("导入县里发来的代表名册与节假日"), description=tr(
        "导入县里发来的代表名册与节假日：按编号匹配，较新的覆盖较旧的，旧版本留在历史中；同一文件导入两次不变。"))
    rimp.add_argument("file", type=Path, metavar="FILE.xlsx")
    rimp.set_defaults(run=_sync_registry_import)


def _report_parser(verbs) -> None:
    report = verbs.add_parser("report", help=tr("把一个月的工作报表导出为 Excel（汇总、接待、交办、值班、补贴、履职）"),
                              description=tr(
        "本月报表：--month 这个月的汇总（与上月、本年累计对比，附图表）和接待登记、交办台账、值班与考勤、误工补贴、"
        "履职统计各表，写到 --out 的 .xlsx。默认为本站；--station 给出站点代码则为那个站（县里合并各站数据后使用）。"))
    report.add_argument("--month", required=True, metavar="YYYY-MM", help=tr("月份"))
    report.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help=tr("输出的 Excel 文件"))
    report.add_argument("--station", metavar="CODE", help=tr("站点代码（默认本站）"))
    report.add_argument("--year-to-date", action="store_true", help=tr("明细表从 1 月起到这个月末（年报给 12 月）"))
    report.set_defaults(run=_report)
    county = verbs.add_parser("county", help=tr("县级：全县报表"), description=tr("县级：全县报表"))
    county_verbs = county.add_subparsers(dest="county_verb", metavar=tr("操作"), parser_class=_Parser, required=True)
    creport = county_verbs.add_parser("report", help=tr("把全县一个月的工作报表导出为 Excel，另有各站对比表"),
                                      description=tr(
        "全县报表：数据库里所有站点这个月的汇总（与上月、本年累计对比，附图表）、各明细表，以及每站一行的“各站”对比表。"))
    creport.add_argument("--month", required=True, metavar="YYYY-MM", help=tr("月份"))
    creport.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help=tr("输出的 Excel 文件"))
    creport.add_argument("--year-to-date", action="store_true", help=tr("明细表从 1 月起到这个月末（年报给 12 月）"))
    creport.set_defaults(run=_county_report)


def demo_county(args: argparse.Namespace) -> int:
    from station_app.services.county_demo import fill_county_demo

    today = _date(args.today, "--today ") if args.today else None
    started = time.perf_counter()
    summaries = fill_county_demo(_context(args), seed=args.seed, today=today)
    for summary in summaries:
        print(_summary_line(summary))
    print(tr("已建立县级汇总演示数据库：合并了 {n} 个站点的报送文件。用时 {sec:.1f} 秒。", n=len(summaries),
             sec=time.perf_counter() - started))
    return EXIT_OK


def _summary_line(summary) -> str:
    if summary.refused:
        return tr("{file}：拒绝。{reason}", file=summary.path.name, reason=summary.reason)
    return tr("{file}（{station}）：新增 {added}，更新 {updated}，未变 {unchanged}，较旧忽略 {older}",
              file=summary.path.name, station=summary.station_name or summary.station_code, added=summary.added,
              updated=summary.updated, unchanged=summary.unchanged, older=summary.older_ignored)


def _sync_export(args: argparse.Namespace) -> int:
    from station_app.services import sync

    if args.resend and (args.since or args.start or args.end):
        print(tr("错误：--resend 不能与 --since、--from、--to 同时使用"), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.since and (args.start or args.end):
        print(tr("错误：--since 不能与 --from、--to 同时使用"), file=sys.stderr)
        return EXIT_BAD_INPUT
    result = sync.export_changes(
        _context(args), args.out, since=_date(args.since, "--since ") if args.since else None,
        start=_date(args.start, "--from ") if args.start else None, end=_date(args.end, "--to ") if args.end else None,
        resend=args.resend)
    print(tr("已导出报送文件 {path}：{n} 条记录。", path=result.path, n=result.total))
    return EXIT_OK


def _sync_merge(args: argparse.Namespace) -> int:
    from station_app.services import sync

    summaries = sync.merge_files(_context(args), args.files)
    for summary in summaries:
        print(_summary_line(summary))
    refused = sum(s.refused for s in summaries)
    print(tr("共 {n} 个文件：合并 {ok} 个，拒绝 {bad} 个。", n=len(summaries), ok=len(summaries) - refused, bad=refused))
    return EXIT_BAD_INPUT if refused else EXIT_OK


def _sync_registry_export(args: argparse.Namespace) -> int:
    from station_app.services import sync

    result = sync.export_registry(_context(args), args.out)
    print(tr("已导出代表名册与节假日 {path}：{n} 条记录。", path=result.path, n=result.total))
    return EXIT_OK


def _sync_registry_import(args: argparse.Namespace) -> int:
    from station_app.services import sync

    summary = sync.merge_registry(_context(args), args.file)
    print(_summary_line(summary))
    return EXIT_BAD_INPUT if summary.refused else EXIT_OK


def _report_said(written) -> str:
    from station_app.services import money

    found = written.summary
    return tr("已导出 {station}{month}工作报表：接待 {visits} 批 {people} 人次，交办 {issued} 件，空岗 {empty} 个，"
              "误工补贴 {subsidy} 元；{sheets} 张表，到 {file}", station=found.station_name, month=found.month.label,
              visits=found.this.visits, people=found.this.people, issued=found.this.referrals_issued,
              empty=found.this.empty_posts, subsidy=money.format_yuan(found.this.subsidy_paid),
              sheets=len(written.rows), file=written.path)


def _report(args: argparse.Namespace) -> int:
    from station_app.services import report

    ctx = _context(args)
    station_id = report.station_by_code(ctx, args.station) if args.station else ctx.station_id
    print(_report_said(report.write_month_report(ctx, args.month, args.out, station_id, county=False,
                                                  year_to_date=args.year_to_date)))
    return EXIT_OK


def _county_report(args: argparse.Namespace) -> int:
    from station_app.services import report

    print(_report_said(report.write_month_report(_context(args), args.month, args.out, None, county=True,
                                                  year_to_date=args.year_to_date)))
    return EXIT_OK
