"""The command line's verbs of the representatives' duty record: activities, suggestions, the record,
the points ranking and the month's stars. Each parses its arguments and calls one service, as the
verbs in :mod:`station_app.cli` do, with that module's helpers."""
from __future__ import annotations

import argparse
from pathlib import Path

from station_app.cli import EXIT_OK, _context, _date, _Parser, _run_import
from station_app.i18n import tr
from station_app.vocab import Satisfaction, SuggestionScope, SuggestionState


def add_parsers(verbs) -> None:
    """ranking, star, record, activities."""
    _points_parser(verbs)
    _record_parser(verbs)
    _activities_parser(verbs)


def add_suggestion_parsers(verbs) -> None:
    """suggestion …, suggestions export."""
    _suggestion_parsers(verbs)


def _record_parser(verbs) -> None:
    record = verbs.add_parser("record", help=tr("代表履职档案：一位代表的 A4 档案页（PDF），或全部代表的汇总（Excel）"),
                              description=tr(
        "代表履职档案：--out 为 .pdf 时打印 --rep 这位代表在 --from 至 --to 期间的履职档案页；为 .xlsx 时导出汇总表，"
        "给 --rep 只含这位代表，不给则含全部代表。--rep 可填编号或姓名；同名的会列出供选择。"))
    record.add_argument("--rep", metavar="ID|NAME", help=tr("代表的编号或姓名"))
    record.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help=tr("起始日期"))
    record.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help=tr("截止日期"))
    record.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx",
                        help=tr("输出的 PDF 或 Excel 文件"))
    record.set_defaults(run=_record)


def _activities_parser(verbs) -> None:
    acts = verbs.add_parser("activities", help=tr("履职活动的导入与导出"), description=tr("履职活动的导入与导出"))
    acts_verbs = acts.add_subparsers(dest="activities_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    aimp = acts_verbs.add_parser("import", help=tr("从 Excel 导入履职活动"), description=tr(
        "从 Excel 导入履职活动（日期、类型、地点、主题、参加代表、缺席代表、通过、未通过代表、备注）：逐行报告拒绝的原因；"
        "同一天、同类型、同主题的活动已有时更新或不变，不会重复；有拒绝行时默认不写入任何数据。"))
    aimp.add_argument("file", type=Path, metavar="FILE.xlsx")
    aimp.add_argument("--skip-bad", "--skip-refused", dest="skip_bad", action="store_true",
                      help=tr("跳过被拒绝的行，导入其余各行"))
    aimp.add_argument("--dry-run", action="store_true", help=tr("只检查并报告，不写入"))
    aimp.set_defaults(run=_activities_import)
    aexp = acts_verbs.add_parser("export", help=tr("把履职活动导出为 Excel"), description=tr(
        "把履职活动导出为 Excel，列与导入相同，导出的文件可原样再导入。"))
    aexp.add_argument("file", type=Path, metavar="FILE.xlsx")
    aexp.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=tr("开始日期"))
    aexp.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=tr("结束日期"))
    aexp.set_defaults(run=_activities_export)


def _points_parser(verbs) -> None:
    ranking = verbs.add_parser("ranking", help=tr("把履职积分排名导出为 Excel（一个月或全年）"), description=tr(
        "把履职积分排名导出为 Excel：每人各项积分、扣分、评议、总分和名次；不给 --month 时是全年排名（各月积分之和，"
        "每月按当月施行的积分规则计算）。可用 --station、--level、--delegation 只排一部分代表。"))
    ranking.add_argument("--year", type=int, required=True, metavar="YYYY", help=tr("年份"))
    ranking.add_argument("--month", type=int, metavar="MM", help=tr("月份（1-12）；不给则为全年"))
    ranking.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help=tr("输出的 Excel 文件"))
    ranking.add_argument("--station", metavar="NAME", help=tr("只排这个联络站的代表（站名或站点编码）"))
    ranking.add_argument("--level", metavar="LEVEL", help=tr("只排这一级的代表，如 县"))
    ranking.add_argument("--delegation", metavar="NAME", help=tr("只排这个代表团的代表"))
    ranking.set_defaults(run=_ranking)
    star = verbs.add_parser("star", help=tr("把一个月的“代表之星”公示打印为 PDF"), description=tr(
        "把一个月的“代表之星”公示打印为 PDF：每个联络站一页，按当月积分评出，积分相同的先比出勤值班、再比接待选民次数。"))
    star.add_argument("--month", required=True, metavar="YYYY-MM", help=tr("月份"))
    star.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=tr("输出的 PDF 文件"))
    star.add_argument("--station", metavar="NAME", help=tr("只打印这个联络站（站名或站点编码）"))
    star.set_defaults(run=_star)


def _suggestion_parsers(verbs) -> None:
    """``suggestion list|show|route|letter|answer|rate|print`` and ``suggestions export``."""
    sug = verbs.add_parser("suggestion", help=tr("代表建议：列表、查看、研判交付或报送、交办函、答复、评价"),
                           description=tr("代表建议：suggestion 动作 [建议编号] [选项]。list 列表；show 查看；"
                                          "route 研判交付（乡镇）或报送（县级）；letter 发交办函；answer 登记答复；"
                                          "rate 代表评价；print 打印交办函。只允许当前状态下合规的一步，日期按填写的记录。"))
    sug_verbs = sug.add_subparsers(dest="action", metavar=tr("动作"), required=True, parser_class=_Parser)
    listing = sug_verbs.add_parser("list", help=tr("列出代表建议及期限"), description=tr("列出代表建议及期限"))
    listing.add_argument("--state", choices=SuggestionState.values(), metavar="STATE",
                         help=tr("状态：{choices}", choices=" / ".join(SuggestionState.values())))
    listing.add_argument("--scope", choices=SuggestionScope.values(), metavar="SCOPE",
                         help=tr("办理层级：{choices}", choices=" / ".join(SuggestionScope.values())))
    listing.add_argument("--text", default="", metavar="TEXT", help=tr("编号、标题、内容、单位或代表姓名中的字"))
    listing.add_argument("--overdue", action="store_true", help=tr("只列超期的"))
    listing.add_argument("--today", metavar="YYYY-MM-DD", help=tr("按哪一天算期限（默认今天）"))
    listing.set_defaults(run=_suggestion_list)
    number_help = tr("建议编号，如 东监建〔2026〕3号")

    def step(name: str, help_text: str, date_help: str | None = None) -> argparse.ArgumentParser:
        sub = sug_verbs.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("number", metavar="SUGGESTION_NO", help=number_help)
        if date_help:
            sub.add_argument("--date", metavar="YYYY-MM-DD", help=date_help)
        sub.set_defaults(run=_suggestion)
        return sub

    step("show", tr("查看代表建议：状态、期限、办理经过和下一步"))
    route = step("route", tr("研判：交付乡镇或报送县级"), tr("交付或报送的日期（默认今天）"))
    route.add_argument("--scope", required=True, choices=SuggestionScope.values(), metavar="SCOPE",
                       help=tr("办理层级：{choices}", choices=" / ".join(SuggestionScope.values())))
    route.add_argument("--unit", required=True, metavar="UNIT", help=tr("承办单位"))
    step("letter", tr("县级建议：登记发出交办函"), tr("交办函日期（默认今天）"))
    ans = step("answer", tr("登记承办单位的答复"), tr("答复日期（默认今天）"))
    ans.add_argument("--text", required=True, metavar="TEXT", help=tr("答复内容"))
    rate = step("rate", tr("登记代表对答复的评价"), tr("评价日期（默认今天）"))
    rate.add_argument("--rating", required=True, choices=Satisfaction.values(), metavar="LEVEL",
                      help=tr("评价：{choices}", choices=" / ".join(Satisfaction.values())))
    printing = step("print", tr("把交办函打印为 PDF"))
    printing.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=tr("输出的 PDF 文件"))

    sugs = verbs.add_parser("suggestions", help=tr("代表建议台账"), description=tr("代表建议台账"))
    sugs_verbs = sugs.add_subparsers(dest="suggestions_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    sexp = sugs_verbs.add_parser("export", help=tr("把代表建议台账导出为 Excel"), description=tr(
        "把代表建议台账导出为 Excel：编号、各步日期、提出代表、承办单位、状态、评价和超期情况。"))
    sexp.add_argument("file", type=Path, metavar="FILE.xlsx")
    sexp.set_defaults(run=_suggestions_export)


def _activities_import(args: argparse.Namespace) -> int:
    from station_app.services.activities import commit_activity_import, preview_activity_import

    return _run_import(args, preview_activity_import, commit_activity_import)


def _activities_export(args: argparse.Namespace) -> int:
    from station_app.services.activities import export_activities

    start = _date(args.start, "--from ") if args.start else None
    end = _date(args.end, "--to ") if args.end else None
    count = export_activities(_context(args), args.file, start, end)
    print(tr("已导出 {n} 次履职活动到 {file}", n=count, file=args.file))
    return EXIT_OK


def _suggestion_line(row) -> str:
    from station_app.i18n import chinese_date

    due = ""
    if row.next_step is not None and row.due is not None:
        due = tr("{step}期限 {date}", step=row.next_step.label, date=chinese_date(row.due))
        if row.overdue:
            due += tr("（超期 {n} 天）", n=row.days_late)
    return "　".join(part for part in (row.number, SuggestionState.label_of(row.state), row.title, row.representatives,
                                       row.unit, due) if part)


def _suggestion_list(args: argparse.Namespace) -> int:
    from station_app.services import suggestions

    today = _date(args.today, "--today ") if args.today else None
    rows = suggestions.list_suggestions(_context(args), state=args.state, scope=args.scope, text=args.text,
                                        today=today)
    if args.overdue:
        rows = [r for r in rows if r.overdue]
    for row in rows:
        print(_suggestion_line(row))
    print(tr("共 {n} 件", n=len(rows)))
    return EXIT_OK


def _suggestion(args: argparse.Namespace) -> int:
    import datetime as dt

    from station_app.services import suggestions

    ctx = _context(args)
    date = getattr(args, "date", None)
    day = _date(date, "--date ") if date else dt.date.today()
    key = args.number
    if args.action == "route":
        suggestions.route(ctx, key, args.scope, args.unit, day)
    elif args.action == "letter":
        suggestions.send_letter(ctx, key, day)
    elif args.action == "answer":
        suggestions.answer(ctx, key, day, args.text)
    elif args.action == "rate":
        suggestions.rate(ctx, key, day, args.rating)
    elif args.action == "print":
        pages = suggestions.print_letter(ctx, key, args.out)
        print(tr("已把交办函写入 {file}（{n} 页）", file=args.out, n=pages))
        return EXIT_OK
    detail = suggestions.suggestion_detail(ctx, key)
    print(_suggestion_line(detail.row))
    for event in detail.events:
        print("  " + suggestions.history_line(event.day, event.step, event.note))
    if detail.steps:
        print(tr("下一步可以：{steps}", steps="、".join(s.label for s in detail.steps)))
    return EXIT_OK


def _suggestions_export(args: argparse.Namespace) -> int:
    from station_app.services.suggestions import export_ledger

    count = export_ledger(_context(args), args.file)
    print(tr("已导出 {n} 件代表建议到 {file}", n=count, file=args.file))
    return EXIT_OK


def _points_station(ctx, name: str | None) -> str | None:
    """The id of the station named (by name or code) on the command line."""
    from station_app.services import registry
    from station_app.services.errors import ValidationFailed

    if not name:
        return None
    stations = registry.list_stations(ctx)
    for station in stations:
        if name.strip() in (station.name, station.code):
            return station.id
    raise ValidationFailed({"station": tr("没有“{name}”这个联络站；可选：{names}", name=name,
                                          names="、".join(s.name for s in stations))})


def _ranking(args: argparse.Namespace) -> int:
    from station_app.services import points
    from station_app.services.errors import ValidationFailed
    from station_app.vocab import Level

    if args.month is not None and not 1 <= args.month <= 12:
        raise ValidationFailed({"month": tr("--month 应为 1 到 12 的月份：{month}", month=args.month)})
    level = None
    if args.level:
        level = Level.parse(args.level) or Level.parse(args.level.removesuffix("级"))
        if level is None:
            raise ValidationFailed({"level": tr("没有“{level}”这一级代表；可选：{levels}", level=args.level,
                                                levels="、".join(Level.values()))})
    ctx = _context(args)
    if args.delegation and args.delegation not in points.choices(ctx).delegations:
        raise ValidationFailed({"delegation": tr("没有“{name}”这个代表团", name=args.delegation)})
    filters = points.Filters(_points_station(ctx, args.station), level.value if level else None, args.delegation or None)
    rows = points.export_ranking(ctx, args.out, args.year, args.month, filters)
    print(tr("已导出{period}履职积分排名：{n} 人，到 {file}", period=points.period_label(args.year, args.month), n=len(rows),
             file=args.out))
    for row in rows[:10]:
        print(f"{row.rank:>3}  {row.name}　{row.delegation}　{points.points_text(row.total)} {tr('分')}"
              f"　{row.score.deeds()}")
    return EXIT_OK


def _star(args: argparse.Namespace) -> int:
    from station_app.services import points

    ctx = _context(args)
    printed = points.print_stars(ctx, args.month, args.out, _points_station(ctx, args.station))
    for station in printed:
        names = "、".join(f"{s.name}（{points.points_text(s.total)} {tr('分')}）" for s in station.stars)
        print(f"{station.station}：{names}")
        if station.tied:
            print(tr("　与最后一名积分、值班、接待都相同而未列入：{names}", names="、".join(station.tied)))
    print(tr("已写出{title}公示 {n} 个联络站到 {file}", title=points.notice_title(printed[0].month), n=len(printed),
             file=args.out))
    return EXIT_OK


def _record(args: argparse.Namespace) -> int:
    from station_app.services import record
    from station_app.services.errors import ValidationFailed

    start, end = _date(args.start, tr("起始")), _date(args.end, tr("截止"))
    record.check_period(start, end)
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValidationFailed({"out": tr("--out 应为 .pdf（一位代表的档案页）或 .xlsx（汇总表）：{file}", file=args.out)})
    if suffix == ".pdf" and not args.rep:
        raise ValidationFailed({"rep": tr("打印档案页要用 --rep 指定一位代表（编号或姓名）")})
    ctx = _context(args)
    if suffix == ".pdf":
        found = record.print_record(ctx, args.rep, start, end, args.out)
        t = found.tally
        print(tr("已写出{name}（{delegation}）{period}的履职档案到 {file}", name=found.person.name,
                 delegation=found.person.delegation or found.person.station, period=found.period, file=args.out))
        print(tr("值班 {scheduled} 次，出勤 {attended}，缺勤 {absent}，请假 {leave}，替他人 {stood_in}；接待选民 {visits} 次；"
                 "建议 {suggestions} 件；活动 {activities} 次",
                 scheduled=t.duty_scheduled, attended=t.duty_attended, absent=t.duty_absent, leave=t.duty_leave,
                 stood_in=t.stood_in, visits=t.visits_received, suggestions=t.suggestions_made,
                 activities=t.activity_total))
        return EXIT_OK
    found = record.export_records(ctx, args.out, start, end, rep_id=args.rep or None)
    print(tr("已导出{period}的履职档案汇总：{n} 人，到 {file}", period=record.period_text(start, end), n=len(found.rows),
             file=args.out))
    return EXIT_OK
