"""The operator accounts' verbs: ``station-app operator add | list | passwd | role | unlock | void``.

How a run signs in is ``_context`` in cli.py (``accounts.command_line_operator``): until the database has
an account, as an administrator named by --operator (or STATION_APP_OPERATOR, or the login name); after
that as an account, with its password from STATION_APP_PASSWORD or typed at the prompt.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from station_app.cli import EXIT_BAD_INPUT, EXIT_OK, _context, _Parser
from station_app.i18n import tr
from station_app.vocab import Role


def add_parsers(verbs) -> None:
    op = verbs.add_parser("operator", help=tr("操作员账户：新增、列出、改密码、改角色、解锁、作废"), description=tr(
        "操作员账户。第一个账户必须是管理员；有了账户之后，每个命令都要用 --operator 用户名（或环境变量 "
        "STATION_APP_OPERATOR）指明操作员，并给出密码（环境变量 STATION_APP_PASSWORD，或在终端中输入）。"
        "新密码在终端中输入两次；不在终端时从标准输入读一行。"))
    op_verbs = op.add_subparsers(dest="operator_verb", metavar=tr("操作"), parser_class=_Parser, required=True)
    add = op_verbs.add_parser("add", help=tr("新增账户（第一个账户即管理员）"), description=tr("新增账户（第一个账户即管理员）"))
    add.add_argument("username", help=tr("用户名（登录用）"))
    add.add_argument("--name", default="", help=tr("姓名（记入修改记录；默认同用户名）"))
    add.add_argument("--role", choices=[r.value for r in Role], default=None,
                     help=tr("角色：管理员 或 登记员（第一个账户固定为管理员，其后默认登记员）"))
    add.set_defaults(run=_add)
    lst = op_verbs.add_parser("list", help=tr("列出账户"), description=tr("列出账户"))
    lst.add_argument("--all", action="store_true", help=tr("连同已作废的账户"))
    lst.set_defaults(run=_list)
    passwd = op_verbs.add_parser("passwd", help=tr("改密码（管理员可改任何人的，其他人只能改自己的）"),
                                 description=tr("改密码（管理员可改任何人的，其他人只能改自己的）"))
    passwd.add_argument("username", help=tr("用户名"))
    passwd.set_defaults(run=_passwd)
    role = op_verbs.add_parser("role", help=tr("改角色"), description=tr("改角色"))
    role.add_argument("username", help=tr("用户名"))
    role.add_argument("role", choices=[r.value for r in Role], help=tr("管理员 或 登记员"))
    role.set_defaults(run=_role)
    unlock = op_verbs.add_parser("unlock", help=tr("解除因输错密码而锁定的账户"), description=tr("解除因输错密码而锁定的账户"))
    unlock.add_argument("username", help=tr("用户名"))
    unlock.set_defaults(run=_unlock)
    void = op_verbs.add_parser("void", help=tr("作废账户（不能再登录，已做的记录保留其姓名）"),
                               description=tr("作废账户（不能再登录，已做的记录保留其姓名）"))
    void.add_argument("username", help=tr("用户名"))
    void.add_argument("--reason", required=True, help=tr("作废原因"))
    void.set_defaults(run=_void)


def _new_password() -> str | None:
    """Typed twice at a terminal; else the first line of standard input (for scripts)."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(tr("新密码："))
        if getpass.getpass(tr("再输入一次新密码：")) != first:
            print(tr("错误：两次输入的密码不一致"), file=sys.stderr)
            return None
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _add(args: argparse.Namespace) -> int:
    from station_app.services import accounts

    ctx = _context(args)
    first = not accounts.has_accounts(ctx)
    if first and args.role not in (None, Role.ADMIN.value):
        print(tr("错误：第一个账户必须是管理员"), file=sys.stderr)
        return EXIT_BAD_INPUT
    password = _new_password()
    if password is None:
        return EXIT_BAD_INPUT
    if first:
        made = accounts.create_first_admin(ctx, args.username, args.name, password)
        print(tr("已建立管理员账户 {user}（{name}）。此后每个命令都要指明操作员并给出密码。",
                 user=made.username, name=made.name))
        return EXIT_OK
    role = Role(args.role or Role.CLERK.value)
    accounts.add_operator(ctx, args.username, args.name, role, password)
    print(tr("已新增{role}账户 {user}。", role=role.label, user=args.username))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from station_app.services import accounts

    rows = accounts.list_operators(_context(args), include_voided=args.all)
    if not rows:
        print(tr("还没有操作员账户。用 station-app operator add 用户名 建立管理员账户。"))
    for row in rows:
        state = tr("已作废") if row.voided else (
            tr("锁定到 {time}", time=row.locked_until.strftime("%H:%M")) if row.locked_until else tr("正常"))
        print(f"{row.username}\t{row.name}\t{row.role.label}\t{state}")
    return EXIT_OK


def _passwd(args: argparse.Namespace) -> int:
    from station_app.services import accounts

    ctx = _context(args)
    old = None
    if args.username == ctx.operator.username and not ctx.operator.is_admin:
        old = os.environ.get(accounts.PASSWORD_ENV)
        if old is None and sys.stdin is not None and sys.stdin.isatty():
            old = getpass.getpass(tr("原密码："))
    password = _new_password()
    if password is None:
        return EXIT_BAD_INPUT
    accounts.change_password(ctx, args.username, password, old_password=old)
    print(tr("已修改 {user} 的密码。", user=args.username))
    return EXIT_OK


def _role(args: argparse.Namespace) -> int:
    from station_app.services import accounts

    accounts.set_role(_context(args), args.username, args.role)
    print(tr("{user} 的角色已改为{role}。", user=args.username, role=Role(args.role).label))
    return EXIT_OK


def _unlock(args: argparse.Namespace) -> int:
    from station_app.services import accounts

    accounts.unlock(_context(args), args.username)
    print(tr("已解锁 {user}。", user=args.username))
    return EXIT_OK


def _void(args: argparse.Namespace) -> int:
    from station_app.services import accounts

    accounts.void_operator(_context(args), args.username, args.reason)
    print(tr("已作废账户 {user}。", user=args.username))
    return EXIT_OK
