"""station-app — the command line. Each verb calls one service; without a verb the window opens."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from station_app import config
from station_app.i18n import set_language, tr
from station_app.vocab import FollowUpMethod, ReferralAction, Satisfaction

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own words, prefixed so clerks see what failed
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, tr("参数错误：{message}", message=message) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="station-app", description=tr("代表联络站工作台：不带命令时打开窗口。"))
    parser.add_argument("--db", metavar="URL", help=tr("数据库地址，默认为用户数据目录下的 SQLite 文件"))
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help=tr("提示语言：zh 中文（默认），en 英文"))
    parser.add_argument("--operator", metavar="NAME", help=tr("操作员姓名，记入每条修改记录（默认取环境变量 STATION_APP_OPERATOR 或登录名）"))
    verbs = parser.add_subparsers(dest="verb", metavar=tr("命令"), parser_class=_Parser)

    demo = verbs.add_parser("demo", help=tr("向空数据库装入演示站点数据"), description=tr("向空数据库装入演示站点数据"))
    demo.add_argument("--seed", type=int, default=2025, help=tr("随机种子，相同种子得到相同数据"))
    demo.set_defaults(run=_demo)

    reps = verbs.add_parser("reps", help=tr("代表名册的导入与导出"), description=tr("代表名册的导入与导出"))
    reps_verbs = reps.add_subparsers(dest="reps_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    imp = reps_verbs.add_parser("import", help=tr("从 Excel 名册导入代表"), description=tr(
        "从 Excel 名册导入代表：自动查找表头，逐行报告拒绝的原因；有拒绝行时默认不写入任何数据。"))
    imp.add_argument("file", type=Path, metavar="FILE.xlsx")
    imp.add_argument("--skip-bad", action="store_true", help=tr("跳过被拒绝的行，导入其余各行"))
    imp.add_argument("--dry-run", action="store_true", help=tr("只检查并报告，不写入"))
    imp.set_defaults(run=_reps_import)
    exp = reps_verbs.add_parser("export", help=tr("把代表名册导出为 Excel"), description=tr("把代表名册导出为 Excel"))
    exp.add_argument("file", type=Path, metavar="FILE.xlsx")
    exp.set_defaults(run=_reps_export)

    qr = verbs.add_parser("qr", help=tr("生成代表二维码图片和卡片 PDF"), description=tr(
        "为每位在任代表生成二维码 PNG，以及可裁剪的 A4 卡片 PDF；可选一站一码海报。"))
    qr.add_argument("--out", type=Path, required=True, metavar="DIR", help=tr("输出文件夹"))
    qr.add_argument("--rep", action="append", metavar="ID", help=tr("只生成这位代表（编号或姓名），可重复"))
    qr.add_argument("--no-png", action="store_true", help=tr("不生成 PNG 图片"))
    qr.add_argument("--no-cards", action="store_true", help=tr("不生成卡片 PDF"))
    qr.add_argument("--poster", action="store_true", help=tr("生成一站一码海报 PDF"))
    qr.add_argument("--on-duty", action="append", metavar="ID", help=tr("海报上列出的值班代表（编号或姓名），可重复"))
    qr.set_defaults(run=_qr)

    visits = verbs.add_parser("visits", help=tr("接待登记的导入与导出"), description=tr("接待登记的导入与导出"))
    visits_verbs = visits.add_subparsers(dest="visits_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    vimp = visits_verbs.add_parser("import", help=tr("导入以往录入 Excel 的接待登记"), description=tr(
        "导入以往录入 Excel 的纸质接待登记：自动查找表头，逐行报告拒绝的原因；有拒绝行时默认不写入任何数据。"))
    vimp.add_argument("file", type=Path, metavar="FILE.xlsx")
    vimp.add_argument("--skip-bad", action="store_true", help=tr("跳过被拒绝的行，导入其余各行"))
    vimp.add_argument("--dry-run", action="store_true", help=tr("只检查并报告，不写入"))
    vimp.set_defaults(run=_visits_import)
    vexp = visits_verbs.add_parser("export", help=tr("把接待登记导出为 Excel"), description=tr("把接待登记导出为 Excel"))
    vexp.add_argument("file", type=Path, metavar="FILE.xlsx")
    vexp.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=tr("开始日期"))
    vexp.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=tr("结束日期"))
    vexp.set_defaults(run=_visits_export)

    forms = verbs.add_parser("forms", help=tr("打印一张交办单的三单为 PDF"), description=tr(
        "把一张交办单的交办单、反馈单、回访单（按已办理到的程度填写）写成一个 A4 PDF。"))
    forms.add_argument("number", metavar="REFERRAL_NO", help=tr("交办单编号，如 东监交〔2026〕12号"))
    forms.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    forms.add_argument("--round", type=int, metavar="N", help=tr("只打印第 N 次交办的三单（默认每一次都打印）"))
    forms.set_defaults(run=_forms)

    ref = verbs.add_parser("referral", help=tr("查看交办单，或办理下一步"), description=tr(
        "查看交办单（show），或办理下一步：sign 签收、feedback 反馈、follow-up 回访、close 办结、return 退回、"
        "reassign 改派、extend 延期。只允许当前状态下合规的一步。"))
    ref.add_argument("number", metavar="REFERRAL_NO", help=tr("交办单编号"))
    ref.add_argument("action", choices=tuple(REFERRAL_ACTIONS), metavar="ACTION",
                     help="show | " + " | ".join(a for a in REFERRAL_ACTIONS if a != "show"))
    ref.add_argument("--date", metavar="YYYY-MM-DD", help=tr("这一步办理的日期（默认今天），记入办理记录和表单"))
    ref.add_argument("--deadline", metavar="YYYY-MM-DD", help=tr("延期时：新的期限"))
    ref.add_argument("--by", default="", help=tr("签收人、承办人或回访人"))
    ref.add_argument("--note", default="", help=tr("办理情况、群众意见、退回或延期理由"))
    ref.add_argument("--solved", action=argparse.BooleanOptionalAction, default=True, help=tr("反馈时：是否已解决"))
    ref.add_argument("--method", choices=FollowUpMethod.values(), default=FollowUpMethod.PHONE.value,
                     help=tr("回访方式"))
    ref.add_argument("--satisfaction", choices=Satisfaction.values(), help=tr("回访时：满意度"))
    ref.add_argument("--unit", default="", help=tr("改派时：新的承办单位"))
    ref.set_defaults(run=_referral)

    refs = verbs.add_parser("referrals", help=tr("交办台账"), description=tr("交办台账"))
    refs_verbs = refs.add_subparsers(dest="referrals_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    lexp = refs_verbs.add_parser("export", help=tr("把交办台账导出为 Excel"), description=tr(
        "把交办台账导出为 Excel：编号、交办日期、承办单位、期限、状态，每一次交办的反馈和回访，满意度、用时和是否超期。"))
    lexp.add_argument("file", type=Path, metavar="FILE.xlsx")
    lexp.set_defaults(run=_referrals_export)

    roster = verbs.add_parser("roster", help=tr("排班：生成、导出、查看方案"), description=tr("排班：生成、导出、查看方案"))
    roster_verbs = roster.add_subparsers(dest="roster_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    gen = roster_verbs.add_parser("generate", help=tr("按方案生成（或重新生成）一段时间的排班"), description=tr(
        "按方案生成一段时间的排班：跳过法定节假日和闭站日，包含调休上班日；今天以前的日期和手工调整保持不变。"))
    gen.add_argument("plan", metavar="PLAN", help=tr("方案名称或编号（见 roster plans）"))
    gen.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help=tr("开始日期"))
    gen.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help=tr("结束日期"))
    gen.set_defaults(run=_roster_generate)
    rexp = roster_verbs.add_parser("export", help=tr("把一个月的值班表导出为 Excel"), description=tr(
        "把一个月的值班表、值班统计和空岗情况导出为 Excel 工作簿。"))
    rexp.add_argument("--month", required=True, metavar="YYYY-MM")
    rexp.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    rexp.add_argument("--plan", metavar="PLAN", help=tr("只导出这个方案（默认全部方案）"))
    rexp.set_defaults(run=_roster_export)
    plans = roster_verbs.add_parser("plans", help=tr("列出排班方案"), description=tr("列出排班方案"))
    plans.set_defaults(run=_roster_plans)
    return parser


def _context(args: argparse.Namespace):
    """The service context every verb works with: the database (opened and upgraded) and the operator."""
    from station_app.services.context import OperatorRef, open_context

    return open_context(args.db or config.default_db_url(), OperatorRef.from_environment(args.operator))


def _demo(args: argparse.Namespace) -> int:
    from station_app.services.demo import fill_demo

    started = time.perf_counter()
    summary = fill_demo(_context(args), seed=args.seed)
    print(tr("已装入演示数据：{stations} 个站点，{reps} 位代表（{free} 位无固定收入），{dels} 个代表团，"
             "{groups} 个代表小组，{units} 个窗口单位；两个排班方案共 {turns} 人次已过去的值班及签到；"
             "接待登记 {visits} 条，交办单 {referrals} 件。用时 {sec:.1f} 秒。",
             stations=summary.stations, reps=summary.representatives, free=summary.without_fixed_income,
             dels=summary.delegations, groups=summary.groups, units=summary.window_units, turns=summary.duty_turns,
             visits=summary.visits, referrals=summary.referrals,
             sec=time.perf_counter() - started))
    return EXIT_OK


def _checked_import(args: argparse.Namespace, preview) -> bool:
    """Print the row report; say whether to go on writing (False: a dry run, or refused rows without --skip-bad)."""
    for line in preview.report_lines():
        print(line)
    print(preview.summary())
    if args.dry_run:
        return False
    if preview.refused and not args.skip_bad:
        first = preview.refused[0]
        print(tr("错误：{file} 第 {row} 行，{reason}；共 {n} 行被拒绝，未写入任何数据（可加 --skip-bad 导入其余各行）",
                 file=args.file, row=first.row_number, reason="；".join(first.reasons), n=len(preview.refused)),
              file=sys.stderr)
    return not preview.refused or args.skip_bad


def _reps_import(args: argparse.Namespace) -> int:
    from station_app.services.registry import commit_import, preview_import

    ctx = _context(args)
    preview = preview_import(ctx, args.file)
    if not _checked_import(args, preview):
        return EXIT_BAD_INPUT if preview.refused else EXIT_OK
    result = commit_import(ctx, preview, skip_refused=args.skip_bad)
    print(result.summary())
    return EXIT_OK


def _reps_export(args: argparse.Namespace) -> int:
    from station_app.services.registry import export_representatives

    count = export_representatives(_context(args), args.file)
    print(tr("已导出 {n} 位代表到 {file}", n=count, file=args.file))
    return EXIT_OK


def _qr(args: argparse.Namespace) -> int:
    from station_app.services.qr import export_codes

    output = export_codes(_context(args), args.out, args.rep, pngs=not args.no_png, cards=not args.no_cards,
                          poster=args.poster, on_duty_keys=args.on_duty)
    if output.pngs:
        print(tr("二维码图片 {n} 张：{dir}", n=len(output.pngs), dir=args.out))
    for path in (output.cards_pdf, output.poster_pdf):
        if path:
            print(path)
    return EXIT_OK


def _date(text: str, field: str):
    from station_app.services.errors import ValidationFailed
    from station_app.services.work_calendar import parse_day

    day = parse_day(text)
    if day is None:
        raise ValidationFailed({field: tr("{field}日期格式不对：“{text}”，应为 YYYY-MM-DD", field=field, text=text)})
    return day


def _visits_import(args: argparse.Namespace) -> int:
    from station_app.services.reception import commit_visit_import, preview_visit_import

    ctx = _context(args)
    preview = preview_visit_import(ctx, args.file)
    if not _checked_import(args, preview):
        return EXIT_BAD_INPUT if preview.refused else EXIT_OK
    result = commit_visit_import(ctx, preview, skip_refused=args.skip_bad)
    print(result.summary())
    return EXIT_OK


def _visits_export(args: argparse.Namespace) -> int:
    from station_app.services.reception import VisitFilter, export_visits

    flt = VisitFilter(start=_date(args.start, "--from ") if args.start else None,
                      end=_date(args.end, "--to ") if args.end else None)
    count = export_visits(_context(args), args.file, flt)
    print(tr("已导出 {n} 条接待记录到 {file}", n=count, file=args.file))
    return EXIT_OK


def _forms(args: argparse.Namespace) -> int:
    from station_app.services.referrals import forms_for

    pages = forms_for(_context(args), [args.number], args.out, round_number=args.round)
    print(tr("已写出三单 {pages} 页到 {file}", pages=pages, file=args.out))
    return EXIT_OK


def _referrals_export(args: argparse.Namespace) -> int:
    from station_app.services.referrals import export_ledger

    count = export_ledger(_context(args), args.file)
    print(tr("已导出 {n} 件交办单到 {file}", n=count, file=args.file))
    return EXIT_OK


#: the command line's own verbs for the referral moves (and "show", which moves nothing)
REFERRAL_ACTIONS: dict[str, ReferralAction | None] = {
    "show": None, "sign": ReferralAction.SIGN, "feedback": ReferralAction.FEEDBACK,
    "follow-up": ReferralAction.FOLLOW_UP, "close": ReferralAction.CLOSE, "return": ReferralAction.RETURN,
    "reassign": ReferralAction.REASSIGN, "extend": ReferralAction.EXTEND,
}


def _referral(args: argparse.Namespace) -> int:
    import datetime as dt

    from station_app.io.pdf import chinese_date
    from station_app.services import referrals
    from station_app.services.errors import ValidationFailed
    from station_app.vocab import ReferralState

    ctx = _context(args)
    day = _date(args.date, "--date ") if args.date else dt.date.today()
    key = args.number
    action = REFERRAL_ACTIONS[args.action]
    if action == ReferralAction.SIGN:
        referrals.sign(ctx, key, day, args.by)
    elif action == ReferralAction.FEEDBACK:
        referrals.record_feedback(ctx, key, args.by, day, args.note, args.solved)
    elif action == ReferralAction.FOLLOW_UP:
        if not args.satisfaction:
            raise ValidationFailed({"satisfaction": tr("回访须写 --satisfaction 满意/基本满意/不满意")})
        referrals.record_follow_up(ctx, key, day, args.by, args.method, args.note, args.satisfaction)
    elif action == ReferralAction.CLOSE:
        referrals.close(ctx, key, day)
    elif action == ReferralAction.RETURN:
        referrals.return_referral(ctx, key, args.note, day)
    elif action == ReferralAction.REASSIGN:
        referrals.reassign(ctx, key, args.unit, day, args.note)
    elif action == ReferralAction.EXTEND:
        if not args.deadline:
            raise ValidationFailed({"deadline": tr("延期须用 --deadline 写明新的期限（--date 是延期的日期）")})
        referrals.extend(ctx, key, _date(args.deadline, "--deadline "), args.note, day)
    detail = referrals.referral_detail(ctx, key)
    s = detail.summary
    print(tr("{number}　{unit}　{state}　期限 {deadline}", number=s.number, unit=s.unit,
             state=ReferralState.label_of(s.state), deadline=chinese_date(s.deadline)))
    for event in detail.events:
        print("  " + referrals.history_line(event.at, event.action, event.note))
    if detail.actions:
        print(tr("下一步可以：{actions}", actions="、".join(a.label for a in detail.actions)))
    return EXIT_OK


def _roster_generate(args: argparse.Namespace) -> int:
    from station_app.services.roster_generation import generate

    start, end = _date(args.start, "--from "), _date(args.end, "--to ")
    report = generate(_context(args), args.plan, start, end)
    for line in report.lines():
        print(line)
    return EXIT_OK


def _roster_export(args: argparse.Namespace) -> int:
    from station_app.services.roster_output import export_month, parse_month

    year, month = parse_month(args.month)
    count = export_month(_context(args), year, month, args.out, args.plan)
    print(tr("已导出 {year}年{month}月值班 {n} 人次到 {file}", year=year, month=month, n=count, file=args.out))
    return EXIT_OK


def _roster_plans(args: argparse.Namespace) -> int:
    from station_app.services.roster_plans import list_plans

    plans = list_plans(_context(args))
    if not plans:
        print(tr("还没有排班方案。请在窗口的“排班”页新建。"))
    for plan in plans:
        print(f"{plan.name}\t{plan.station}\t{plan.description}\t{plan.id}")
    return EXIT_OK


def _user_errors() -> tuple[type[BaseException], ...]:
    from station_app.io.excel import WorkbookError
    from station_app.io.files import FileWriteError
    from station_app.services.errors import StationError

    return StationError, WorkbookError, FileWriteError


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv and argv.index("--lang") + 1 < len(argv):
        set_language(argv[argv.index("--lang") + 1])
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(args.lang or "zh")  # the window, without --lang, opens in the language chosen in its settings
    config.setup_logging()
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        from station_app.app import run_window

        return run_window(args.db, args.lang)
    try:
        return run(args)
    except BrokenPipeError:  # the output went to a pager or `head` that stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except _user_errors() as exc:
        print(tr("错误：{message}", message=exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # an unexpected failure: say where the log is, never a bare traceback
        log.exception("command failed: %s", argv)
        print(tr("错误：程序出现意外问题（{error}）。详细信息见日志 {log}", error=exc, log=config.log_file()),
              file=sys.stderr)
        return EXIT_FAILED
