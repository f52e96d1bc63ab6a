"""The command line's backup verbs: ``backup --out FILE`` and ``restore FILE`` (services/backup.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from station_app.cli import EXIT_BAD_INPUT, EXIT_OK, _context
from station_app.i18n import tr


def add_parsers(verbs) -> None:
    """backup, restore."""
    backup = verbs.add_parser("backup", help=tr("把数据库备份到一个文件（如 U 盘）"), description=tr(
        "用 SQLite 的在线备份把本机数据库完整复制到 --out 文件，程序开着也可以。PostgreSQL 服务器上的数据库请用 pg_dump 备份。"))
    backup.add_argument("--out", type=Path, required=True, metavar="FILE", help=tr("备份文件"))
    backup.set_defaults(run=_backup)
    restore = verbs.add_parser("restore", help=tr("用备份文件恢复数据库（先备份当前数据库）"), description=tr(
        "检查文件是本程序的数据库且不比本程序新，先把当前数据库备份到备份文件夹，再用它替换当前数据库。"
        "默认先询问，--yes 不询问。"))
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--yes", action="store_true", help=tr("不询问，直接恢复"))
    restore.set_defaults(run=_restore)


def describe(facts) -> str:
    """One line about a database file: its date, station, people and visits."""
    return tr("{date}，{station}，代表 {people} 人，接待登记 {visits} 条", date=f"{facts.taken_at:%Y-%m-%d %H:%M}",
              station=facts.station or tr("未命名站点"), people=facts.people, visits=facts.visits)


def _backup(args: argparse.Namespace) -> int:
    from station_app.services import backup

    facts = backup.backup_to(_context(args), args.out)
    print(tr("已备份到 {file}（{size:.1f} MB）：{what}", file=args.out, size=facts.size / 1e6, what=describe(facts)))
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from station_app.services import backup

    ctx = _context(args)
    chosen = backup.inspect_file(args.file)
    current = backup.current_facts(ctx)
    print(tr("备份文件：{what}", what=describe(chosen)))
    print(tr("当前数据库：{what}", what=describe(current)))
    if not args.yes:
        print(tr("恢复后当前数据库将被备份文件替换（替换前先备份到备份文件夹）。确定恢复吗？[y/N] "), end="", flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes", "是"):
            print(tr("未恢复，数据库没有改变。"))
            return EXIT_BAD_INPUT
    result = backup.restore(ctx, args.file)
    print(tr("已恢复。恢复前的数据库备份在 {path}", path=result.safety_copy))
    if result.upgraded_copy:
        print(tr("备份文件来自较早版本，已升级；升级前的副本在 {path}", path=result.upgraded_copy))
    return EXIT_OK
