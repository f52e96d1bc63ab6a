"""station-app — the command line. Each verb calls one service; without a verb the window opens."""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from station_app import config
from station_app.i18n import language, set_language, tr
from station_app.vocab import FollowUpMethod, ReferralAction, Satisfaction

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
_clock = time.monotonic  # what progress lines measure time with (a test puts its own clock here)


#: argparse's own words (its gettext message ids) in Chinese. With ``--lang en`` argparse keeps its English.
ARGPARSE_CHINESE = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "subcommands": "命令",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中一个",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "这个选项不带值：%r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能给一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的 %(type)s 值",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这一项（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有 %(parser_name)r 这个命令（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


def _argparse_text(message: str) -> str:
    return ARGPARSE_CHINESE.get(message, message) if language() == "zh" else message


def _argparse_plural(singular: str, plural: str, n: int) -> str:
    return _argparse_text(singular if n == 1 else plural)


@contextlib.contextmanager
def _argparse_language() -> Iterator[None]:
    """argparse looks its words up through gettext (``argparse._``, ``argparse.ngettext``) when it builds a
    parser, formats help or reports an error: answer in the chosen language while the command line does that."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _argparse_text, _argparse_plural
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _columns(text: str) -> int:
    """Terminal columns of ``text``: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, wrapping help text by terminal columns, so Chinese lines are not twice too long."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = " ".join(text.split())
        lines, line = [], ""
        for word in _break_points(text):
            if line and _columns(line + word) > width:
                lines.append(line.rstrip())
                line = word.lstrip()
            else:
                line += word
        return lines + [line.rstrip()] if line else lines

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        """argparse lines up the usage's continuation lines under the first by counting characters;
        "用法：" is three characters but six columns wide, so they move right by the difference."""
        prefix = argparse._("usage: ") if prefix is None else prefix
        extra = _columns(prefix) - len(prefix)
        self._width -= extra  # and the lines are that much shorter
        try:
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += extra
        return text.replace("\n ", "\n" + " " * (extra + 1)) if extra > 0 else text

    def format_help(self) -> str:  # "选项:" → "选项：", the colon of the language the heading is in
        lines = super().format_help().split("\n")
        return "\n".join(line[:-1] + "：" if line.endswith(":") and _wide_end(line[:-1] or " ") else line
                         for line in lines)


def _break_points(text: str) -> list[str]:
    """``text`` in the pieces a line may break between: each Chinese character (with the punctuation that
    must not start a line), and each Latin word with the space before it."""
    pieces: list[str] = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if pieces and (ch in "，。、；：！？）」』”’》" or (not wide and ch != " " and not _wide_end(pieces[-1]))):
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def _wide_end(piece: str) -> bool:
    return unicodedata.east_asian_width(piece[-1]) in "WF"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # argparse's own words, prefixed so clerks see what failed
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, tr("参数错误：{message}", message=message) + "\n")


def build_parser() -> argparse.ArgumentParser:
    with _argparse_language():
        return _build_parser()


def _build_parser() -> argparse.ArgumentParser:
    # the duty record's and the county's verbs live beside this module and use its helpers
    from station_app import cli_accounts, cli_backup, cli_county, cli_performance

    parser = _Parser(prog="station-app", description=tr(
        "代表联络站工作台：不带命令时打开窗口。每个命令的写法都是“对象 动作 [目标] [选项]”，"
        "如 reps import 名册.xlsx、referral show 交办单编号、roster print --month 2026-12 --out 值班表.pdf。"))
    parser.add_argument("--db", metavar="URL", help=tr(
        "数据库地址（sqlite:///文件 或 postgresql://用户名:密码@服务器/数据库名），"
        "默认为设置页选定的数据库，未选定时为用户数据目录下的 SQLite 文件"))
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help=tr("提示语言：zh 中文（默认），en 英文"))
    parser.add_argument("--operator", metavar="NAME", help=tr(
        "操作员用户名（默认取环境变量 STATION_APP_OPERATOR）；数据库有了账户后必须给出，密码取环境变量 "
        "STATION_APP_PASSWORD 或在终端中输入。还没有账户时，以此名（或登录名）作为管理员记入修改记录"))
    verbs = parser.add_subparsers(dest="verb", metavar=tr("命令"), parser_class=_Parser)

    demo = verbs.add_parser("demo", help=tr("向空数据库装入演示站点数据"), description=tr("向空数据库装入演示站点数据"))
    demo.add_argument("--seed", type=int, default=2025, help=tr("随机种子，相同种子得到相同数据"))
    demo.add_argument("--today", metavar="YYYY-MM-DD",
                      help=tr("演示数据的“今天”（默认今天）：此前一年的值班和接待，此后两个月的排班"))
    demo.add_argument("--county", action="store_true", help=tr(
        "建立县级汇总数据库：先在临时文件中装入演示站点，导出各站的报送文件，再以县级汇总模式合并到 --db"))
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

    forms = verbs.add_parser("forms", help=tr("打印交办单的三单为 PDF（同 referral forms）"), description=tr(
        "把交办单的交办单、反馈单、回访单（按已办理到的程度填写）写成一个 A4 PDF。同 referral forms。"))
    _forms_arguments(forms)

    ref = verbs.add_parser("referral", help=tr("交办单：查看、办理下一步、打印三单和催办通知"), description=tr(
        "交办单：referral 动作 交办单编号 [选项]。show 查看；办理下一步：sign 签收、feedback 反馈、follow-up 回访、"
        "close 办结、return 退回、reassign 改派、extend 延期，只允许当前状态下合规的一步；forms 打印三单；"
        "reminder 给一个承办单位打印催办通知。也可以把编号写在动作前面：referral 交办单编号 show。"))
    ref_verbs = ref.add_subparsers(dest="action", metavar=tr("动作"), required=True, parser_class=_Parser)
    number_help = tr("交办单编号，如 东监交〔2026〕12号")

    def action(name: str, help_text: str, *, date_help: str | None = None) -> argparse.ArgumentParser:
        sub = ref_verbs.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("number", metavar="REFERRAL_NO", help=number_help)
        if date_help:
            sub.add_argument("--date", metavar="YYYY-MM-DD", help=date_help)
        sub.set_defaults(run=_referral)
        return sub

    action("show", tr("查看交办单：状态、期限、办理经过和下一步可以做什么"))
    sign = action("sign", ReferralAction.SIGN.label, date_help=tr("签收日期（默认今天）"))
    sign.add_argument("--by", default="", metavar="NAME", help=tr("签收人"))
    feedback = action("feedback", tr("记录承办单位的反馈"), date_help=tr("反馈日期（默认今天）"))
    feedback.add_argument("--by", default="", metavar="NAME", help=tr("承办人"))
    feedback.add_argument("--note", default="", metavar="TEXT", help=tr("办理情况"))
    feedback.add_argument("--solved", action=argparse.BooleanOptionalAction, default=True,
                          help=tr("是否已解决（默认已解决）"))
    follow = action("follow-up", tr("记录回访"), date_help=tr("回访日期（默认今天）"))
    follow.add_argument("--by", default="", metavar="NAME", help=tr("回访人"))
    follow.add_argument("--method", choices=FollowUpMethod.values(), default=FollowUpMethod.PHONE.value,
                        metavar="METHOD", help=tr("回访方式：{choices}（默认{default}）",
                                                  choices=" / ".join(FollowUpMethod.values()),
                                                  default=FollowUpMethod.PHONE.value))
    follow.add_argument("--satisfaction", choices=Satisfaction.values(), metavar="LEVEL",
                        help=tr("满意度：{choices}", choices=" / ".join(Satisfaction.values())))
    follow.add_argument("--note", default="", metavar="TEXT", help=tr("群众意见"))
    action("close", ReferralAction.CLOSE.label, date_help=tr("办结日期（默认今天）"))
    back = action("return", tr("承办单位退回"), date_help=tr("退回日期（默认今天）"))
    back.add_argument("--note", default="", metavar="TEXT", help=tr("退回理由"))
    move = action("reassign", tr("改派给另一个承办单位"), date_help=tr("改派日期（默认今天）"))
    move.add_argument("--unit", default="", metavar="UNIT", help=tr("新的承办单位"))
    move.add_argument("--note", default="", metavar="TEXT", help=tr("交办要求"))
    extend = action("extend", ReferralAction.EXTEND.label, date_help=tr("延期的日期（默认今天）"))
    extend.add_argument("--deadline", metavar="YYYY-MM-DD", help=tr("新的期限（必填）"))
    extend.add_argument("--note", default="", metavar="TEXT", help=tr("延期理由"))

    forms_of = ref_verbs.add_parser("forms", help=tr("打印三单为 PDF"), description=tr(
        "把交办单的交办单、反馈单、回访单（按已办理到的程度填写）写成一个 A4 PDF；可一次写多张交办单。"))
    _forms_arguments(forms_of)
    reminder = ref_verbs.add_parser("reminder", help=tr("给一个承办单位打印催办通知"), description=tr(
        "给一个承办单位打印催办通知（A4 PDF），列出它所有已超期的交办单。"))
    reminder.add_argument("--unit", required=True, metavar="UNIT", help=tr("承办单位名称"))
    reminder.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=tr("输出的 PDF 文件"))
    reminder.add_argument("--date", metavar="YYYY-MM-DD", help=tr("按哪一天算超期（默认今天）"))
    reminder.set_defaults(run=_reminder)

    refs = verbs.add_parser("referrals", help=tr("交办台账"), description=tr("交办台账"))
    refs_verbs = refs.add_subparsers(dest="referrals_verb", metavar=tr("操作"), required=True, parser_class=_Parser)
    lexp = refs_verbs.add_parser("export", help=tr("把交办台账导出为 Excel"), description=tr(
        "把交办台账导出为 Excel：编号、交办日期、承办单位、期限、状态，每一次交办的反馈和回访，满意度、用时和是否超期。"))
    lexp.add_argument("file", type=Path, metavar="FILE.xlsx")
    lexp.set_defaults(run=_referrals_export)

    cli_performance.add_suggestion_parsers(verbs)

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
    rprint = roster_verbs.add_parser("print", help=tr("把一个月的值班表打印为 PDF"), description=tr(
        "把一个方案一个月的值班表（A4 横向，附每人值班次数）写成 PDF，与窗口“排班”页的打印相同。"))
    rprint.add_argument("--month", required=True, metavar="YYYY-MM", help=tr("月份"))
    rprint.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=tr("输出的 PDF 文件"))
    rprint.add_argument("--plan", metavar="PLAN", help=tr("方案名称或编号；只有一个方案时可以省略"))
    rprint.set_defaults(run=_roster_print)
    empty = roster_verbs.add_parser("empty-posts", help=tr("把一个月的空岗表打印为 PDF"), description=tr(
        "把本站一个月的空岗（按人、按窗口单位汇总，并逐条列出）写成 PDF，与窗口“值班签到”页的打印相同。"))
    empty.add_argument("--month", required=True, metavar="YYYY-MM", help=tr("月份"))
    empty.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=tr("输出的 PDF 文件"))
    empty.set_defaults(run=_roster_empty_posts)

    _subsidy_parser(verbs)
    cli_performance.add_parsers(verbs)
    cli_county.add_parsers(verbs)
    cli_backup.add_parsers(verbs)
    cli_accounts.add_parsers(verbs)
    return parser


def _subsidy_parser(verbs) -> None:
    subsidy = verbs.add_parser("subsidy", help=tr("误工补贴：签领表、确认、发放、标准、年度汇总"), description=tr(
        "误工补贴。subsidy --month 2026-11 --out 签领表.xlsx（或 .pdf）写出这个月的签领表：还没有计算的月份先按签到计算草稿；"
        "subsidy confirm / pay / withdraw 改变这个月的状态，规则与窗口“误工补贴”页相同。"))
    subsidy.add_argument("--month", metavar="YYYY-MM", help=tr("月份"))
    subsidy.add_argument("--out", type=Path, metavar="FILE.xlsx|FILE.pdf", help=tr("输出的 Excel 或 PDF 文件"))
    subsidy.add_argument("--meals", action="store_true", help=tr("写出用餐统计，而不是签领表"))
    subsidy.set_defaults(run=_subsidy_sheet)
    sverbs = subsidy.add_subparsers(dest="subsidy_verb", metavar=tr("操作"), parser_class=_Parser)

    def month_verb(name: str, help_text: str, run) -> argparse.ArgumentParser:
        sub = sverbs.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--month", required=True, metavar="YYYY-MM", help=tr("月份"))
        sub.set_defaults(run=run)
        return sub

    month_verb("show", tr("列出这个月的补贴：每人的值班日期、天数、标准和金额"), _subsidy_show)
    confirm = month_verb("confirm", tr("确认这个月的补贴（月底以后；前面的月份须先确认）"), _subsidy_confirm)
    confirm.add_argument("--total", metavar="YUAN", help=tr("审核时看到的合计；签到若已变动使合计不同，则不确认"))
    withdraw = month_verb("withdraw", tr("撤回这个月的确认，回到草稿（未发放时）"), _subsidy_withdraw)
    withdraw.add_argument("--reason", required=True, help=tr("撤回的原因"))
    pay = month_verb("pay", tr("把已确认的这个月标为已发放；此后该月签到锁定"), _subsidy_pay)
    pay.add_argument("--paid-on", metavar="YYYY-MM-DD", help=tr("发放日期（默认今天）"))
    pay.add_argument("--paid-by", metavar="NAME", help=tr("发放人（默认操作员）"))
    year = sverbs.add_parser("year", help=tr("把一年的已发放补贴按人按月导出为 Excel"), description=tr(
        "把一年的已发放补贴按人按月导出为 Excel；加 --since 时另写自那天以来的累计发放（如“去年以来共发放”）。"))
    year.add_argument("--year", type=int, required=True, metavar="YYYY", help=tr("年份"))
    year.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help=tr("输出的 Excel 文件"))
    year.add_argument("--since", metavar="YYYY-MM-DD", help=tr("累计发放的起始日期"))
    year.set_defaults(run=_subsidy_year)
    rates = sverbs.add_parser("rates", help=tr("列出补贴标准，或用 --from 和 --yuan 新设一条"), description=tr(
        "列出本站的补贴标准；用 --from 和 --yuan 新设一条：从那天起按新标准计算，已确认或发放的月份不变。"))
    rates.add_argument("--from", dest="valid_from", metavar="YYYY-MM-DD", help=tr("新标准的起始日期"))
    rates.add_argument("--yuan", metavar="YUAN", help=tr("每天的标准（元）"))
    rates.add_argument("--half-day", action="store_true", help=tr("只值半天（上午或下午）的按一半发放"))
    rates.add_argument("--note", default="", help=tr("备注"))
    rates.set_defaults(run=_subsidy_rates)


def _forms_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("numbers", nargs="+", metavar="REFERRAL_NO", help=tr("交办单编号，如 东监交〔2026〕12号"))
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=tr("输出的 PDF 文件"))
    parser.add_argument("--round", type=int, metavar="N", help=tr("只打印第 N 次交办的三单（默认每一次都打印）"))
    parser.set_defaults(run=_forms)


def _context(args: argparse.Namespace):
    """The service context every verb works with: the database (opened and upgraded) and the operator."""
    from station_app.services.accounts import command_line_operator
    from station_app.services.context import OperatorRef, open_context

    ctx = open_context(args.db or config.default_db_url(), OperatorRef.from_environment(args.operator))
    ctx.operator = command_line_operator(ctx, args.operator, _ask_password)
    return ctx


def _ask_password(prompt: str) -> str | None:
    """A password typed at the terminal (not echoed); None when there is no terminal to type it at."""
    import getpass

    if sys.stdin is None or not sys.stdin.isatty():
        return None
    return getpass.getpass(prompt)


def _demo(args: argparse.Namespace) -> int:
    from station_app.services import money
    from station_app.services.demo import fill_demo

    if args.county:
        from station_app.cli_county import demo_county

        return demo_county(args)
    today = _date(args.today, "--today ") if args.today else None
    started = time.perf_counter()
    summary = fill_demo(_context(args), seed=args.seed, today=today)
    print(tr("已装入演示数据：{stations} 个站点，{reps} 位代表（{free} 位无固定收入），{dels} 个代表团，"
             "{groups} 个代表小组，{units} 个窗口单位；两个排班方案共 {turns} 人次已过去的值班及签到；"
             "接待登记 {visits} 条，交办单 {referrals} 件，代表建议 {suggestions} 件；履职活动 {activities} 次；"
             "误工补贴已发放 {months} 个月共 {paid} 元。用时 {sec:.1f} 秒。",
             stations=summary.stations, reps=summary.representatives, free=summary.without_fixed_income,
             dels=summary.delegations, groups=summary.groups, units=summary.window_units, turns=summary.duty_turns,
             visits=summary.visits, referrals=summary.referrals, suggestions=summary.suggestions,
             activities=summary.activities, months=summary.subsidy_months,
             paid=money.format_yuan(summary.subsidy_paid), sec=time.perf_counter() - started))
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


def _run_import(args: argparse.Namespace, preview_import, commit_import) -> int:
    """Every import verb: read the preview of ``args.file``, print it, and write it unless it is a dry run or
    has refused rows without --skip-bad."""
    ctx = _context(args)
    preview = preview_import(ctx, args.file)
    if not _checked_import(args, preview):
        return EXIT_BAD_INPUT if preview.refused else EXIT_OK
    print(commit_import(ctx, preview, skip_refused=args.skip_bad).summary())
    return EXIT_OK


def _reps_import(args: argparse.Namespace) -> int:
    from station_app.services.registry import commit_import, preview_import

    return _run_import(args, preview_import, commit_import)


def _reps_export(args: argparse.Namespace) -> int:
    from station_app.services.registry import export_representatives

    count = export_representatives(_context(args), args.file)
    print(tr("已导出 {n} 位代表到 {file}", n=count, file=args.file))
    return EXIT_OK


class Progress:
    """How far a long piece of work is, on stderr, once it has taken longer than ``after`` seconds.

    On a terminal one line is rewritten in place ("二维码图片 120/490"), at most ten times a second;
    elsewhere (a log file, a pipe) a line is written every ``every`` seconds, and the last one when done.
    ``then`` is added to the last line when more work follows (e.g. "正在写卡片 PDF…").
    """

    def __init__(self, label: str, *, then: str = "", stream: TextIO | None = None,
                 clock: Callable[[], float] | None = None, after: float = 1.0, every: float = 5.0) -> None:
        self.label, self.then = label, then
        self.stream = stream or sys.stderr
        self.clock, self.after = clock or _clock, after
        self.every = 0.1 if self._terminal() else every
        self.started = self.clock()
        self.shown_at: float | None = None

    def _terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        last = done >= total
        if self.shown_at is None and now - self.started < self.after:
            return
        if not last and self.shown_at is not None and now - self.shown_at < self.every:
            return
        text = f"{self.label} {done}/{total}" + (f"　{self.then}" if last and self.then else "")
        if self._terminal():
            self.stream.write("\r" + text + ("\n" if last else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self.shown_at = now


def _qr(args: argparse.Namespace) -> int:
    from station_app.services.qr import export_codes

    then = tr("正在写卡片 PDF…") if not args.no_cards else ""
    output = export_codes(_context(args), args.out, args.rep, pngs=not args.no_png, cards=not args.no_cards,
                          poster=args.poster, on_duty_keys=args.on_duty, progress=Progress(tr("二维码图片"), then=then))
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

    return _run_import(args, preview_visit_import, commit_visit_import)


def _visits_export(args: argparse.Namespace) -> int:
    from station_app.services.reception import VisitFilter, export_visits

    flt = VisitFilter(start=_date(args.start, "--from ") if args.start else None,
                      end=_date(args.end, "--to ") if args.end else None)
    count = export_visits(_context(args), args.file, flt)
    print(tr("已导出 {n} 条接待记录到 {file}", n=count, file=args.file))
    return EXIT_OK


def _forms(args: argparse.Namespace) -> int:
    from station_app.services.referrals import forms_for

    pages = forms_for(_context(args), args.numbers, args.out, round_number=args.round)
    print(tr("已写出三单 {pages} 页到 {file}", pages=pages, file=args.out))
    return EXIT_OK


def _referrals_export(args: argparse.Namespace) -> int:
    from station_app.services.referrals import export_ledger

    count = export_ledger(_context(args), args.file)
    print(tr("已导出 {n} 件交办单到 {file}", n=count, file=args.file))
    return EXIT_OK


def _reminder(args: argparse.Namespace) -> int:
    from station_app.services.referrals import reminder_for_unit

    today = _date(args.date, "--date ") if args.date else None
    pages = reminder_for_unit(_context(args), args.unit, args.out, today)
    print(tr("已写出给{unit}的催办通知 {pages} 页到 {file}", unit=args.unit, pages=pages, file=args.out))
    return EXIT_OK


#: the command line's own verbs for the referral moves (and "show", which moves nothing)
REFERRAL_ACTIONS: dict[str, ReferralAction | None] = {
    "show": None, "sign": ReferralAction.SIGN, "feedback": ReferralAction.FEEDBACK,
    "follow-up": ReferralAction.FOLLOW_UP, "close": ReferralAction.CLOSE, "return": ReferralAction.RETURN,
    "reassign": ReferralAction.REASSIGN, "extend": ReferralAction.EXTEND,
}
#: what ``referral`` takes after it: the moves above, and the two printouts
REFERRAL_VERBS = (*REFERRAL_ACTIONS, "forms", "reminder")
_GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--lang", "--operator")


def _verb_first(argv: list[str]) -> list[str]:
    """``referral 东监交〔2026〕12号 show`` (the number first, as the command line once took it) becomes
    ``referral show 东监交〔2026〕12号``: every verb takes its object after the action."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GLOBAL_OPTIONS_WITH_VALUE else 1
    if (i + 2 < len(argv) and argv[i] == "referral" and argv[i + 1] not in REFERRAL_VERBS
            and argv[i + 2] in REFERRAL_VERBS):
        return [*argv[:i + 1], argv[i + 2], argv[i + 1], *argv[i + 3:]]
    return argv


def _referral(args: argparse.Namespace) -> int:
    import datetime as dt

    from station_app.i18n import chinese_date
    from station_app.services import referrals
    from station_app.services.errors import ValidationFailed
    from station_app.vocab import ReferralState

    ctx = _context(args)
    date = getattr(args, "date", None)
    day = _date(date, "--date ") if date else dt.date.today()
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


def _month_and_plan(args: argparse.Namespace, ctx) -> tuple[int, int, str]:
    """The month of ``--month`` and the plan of ``--plan``, or the only plan there is."""
    from station_app.services.errors import ValidationFailed
    from station_app.services.roster_output import parse_month
    from station_app.services.roster_plans import list_plans

    year, month = parse_month(args.month)
    if args.plan:
        return year, month, args.plan
    plans = list_plans(ctx)
    if len(plans) == 1:
        return year, month, plans[0].id
    if not plans:
        raise ValidationFailed({"plan": tr("还没有排班方案。请在窗口的“排班”页新建。")})
    raise ValidationFailed({"plan": tr("有 {n} 个排班方案，请用 --plan 指明打印哪一个：{names}", n=len(plans),
                                       names="、".join(plan.name for plan in plans))})


def _roster_print(args: argparse.Namespace) -> int:
    from station_app.services.roster_output import print_month

    ctx = _context(args)
    year, month, plan = _month_and_plan(args, ctx)
    pages = print_month(ctx, plan, year, month, args.out)
    print(tr("已写出 {year}年{month}月值班表 {pages} 页到 {file}", year=year, month=month, pages=pages, file=args.out))
    return EXIT_OK


def _roster_empty_posts(args: argparse.Namespace) -> int:
    from station_app.services.roster_output import parse_month, print_empty_posts

    year, month = parse_month(args.month)
    pages = print_empty_posts(_context(args), year, month, args.out)
    print(tr("已写出 {year}年{month}月空岗表 {pages} 页到 {file}", year=year, month=month, pages=pages, file=args.out))
    return EXIT_OK


def _subsidy_summary(batch) -> str:
    from station_app.services import money

    return tr("{month}误工补贴（{state}）：{people} 人，{days} 天，合计 {total} 元（{capitals}）", month=batch.month.label,
              state=batch.state.label, people=batch.people, days=_days(batch.day_total),
              total=money.format_yuan(batch.total), capitals=money.capitals(batch.total))


def _days(value) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def _subsidy_sheet(args: argparse.Namespace) -> int:
    from station_app.services.errors import ValidationFailed
    from station_app.services.subsidy_output import write_sheet

    if not args.month or not args.out:
        raise ValidationFailed({"month": tr("请用 --month 指明月份、--out 指明输出文件，如 subsidy --month 2026-11 --out 签领表.xlsx")})
    batch = write_sheet(_context(args), args.month, args.out, meals=args.meals)
    print(_subsidy_summary(batch))
    print(tr("已写出{what}到 {file}", what=tr("用餐统计") if args.meals else tr("签领表"), file=args.out))
    return EXIT_OK


def _subsidy_show(args: argparse.Namespace) -> int:
    from station_app.services import money, subsidy

    batch = subsidy.refresh_draft(_context(args), args.month)
    print(_subsidy_summary(batch))
    for line in batch.lines:
        print(f"{line.seq:>3}  {line.name}　{line.delegation}　{line.dates_text}　{_days(line.day_count)}"
              f"　{line.rate_text}　{money.format_yuan(line.amount)}" + (f"　{line.remark}" if line.remark else ""))
    for blocker in batch.blockers:
        print(tr("尚不能确认：{reason}", reason=blocker))
    return EXIT_OK


def _subsidy_confirm(args: argparse.Namespace) -> int:
    from station_app.services import money, subsidy

    total = money.yuan(args.total, "--total") if args.total else None
    print(_subsidy_summary(subsidy.confirm(_context(args), args.month, reviewed_total=total)))
    return EXIT_OK


def _subsidy_withdraw(args: argparse.Namespace) -> int:
    from station_app.services import subsidy

    print(_subsidy_summary(subsidy.withdraw(_context(args), args.month, args.reason)))
    return EXIT_OK


def _subsidy_pay(args: argparse.Namespace) -> int:
    import datetime as dt

    from station_app.services import subsidy

    paid_on = _date(args.paid_on, "--paid-on ") if args.paid_on else dt.date.today()
    print(_subsidy_summary(subsidy.pay(_context(args), args.month, paid_on, args.paid_by or "")))
    return EXIT_OK


def _subsidy_year(args: argparse.Namespace) -> int:
    from station_app.services import money
    from station_app.services.subsidy_output import write_year

    since = _date(args.since, "--since ") if args.since else None
    summary = write_year(_context(args), args.year, args.out, since)
    print(tr("已导出 {year} 年已发放补贴：{people} 人，合计 {total} 元，到 {file}", year=args.year,
             people=len(summary.rows), total=money.format_yuan(summary.total), file=args.out))
    return EXIT_OK


def _subsidy_rates(args: argparse.Namespace) -> int:
    from station_app.services import money, subsidy
    from station_app.services.errors import ValidationFailed

    ctx = _context(args)
    if args.valid_from or args.yuan:
        if not (args.valid_from and args.yuan):
            raise ValidationFailed({"rate": tr("新设标准须同时给出 --from 和 --yuan")})
        subsidy.add_rate(ctx, _date(args.valid_from, "--from "), args.yuan, args.half_day, args.note)
    rows = subsidy.rates(ctx) or [subsidy.DEFAULT]
    for rate in rows:
        start = tr("起始") if rate.id is None else str(rate.valid_from)
        half = tr("半天减半") if rate.half_day_half else tr("半天按全天")
        print(f"{start}　{money.format_yuan(rate.daily_rate)} {tr('元/天')}　{half}" + (f"　{rate.note}" if rate.note else ""))
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


def _language_asked(argv: list[str]) -> str:
    """The language of ``--lang en`` / ``--lang=en`` among the global options (Chinese when none is asked)."""
    asked = "zh"
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            asked = argv[i + 1]
        elif arg.startswith("--lang="):
            asked = arg.split("=", 1)[1]
    return asked


def main(argv: Sequence[str] | None = None) -> int:
    argv = _verb_first(list(sys.argv[1:] if argv is None else argv))
    set_language(_language_asked(argv))  # before the parser is built: its help and errors speak it too
    with _argparse_language():
        args = build_parser().parse_args(argv)
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
        print(tr("错误：{message}", message=config.redact(str(exc))), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # an unexpected failure: say where the log is, never a bare traceback
        from station_app.services.database import safe_error_text

        log.exception("command failed: %s", args.verb)
        print(tr("错误：程序出现意外问题（{error}）。详细信息见日志 {log}", error=config.redact(safe_error_text(exc)),
                 log=config.log_file()), file=sys.stderr)
        return EXIT_FAILED
