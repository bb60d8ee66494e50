"""Command line: ``cunwu`` opens the TUI; subcommands do the rest.

Arguments are parsed before anything heavy (textual, sqlalchemy, openpyxl)
is imported, so ``cunwu --help`` and ``cunwu --version`` are instant.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from cunwu_tui import __version__

DESCRIPTION = "村务通：村(社区)委会办公室的离线终端应用。不带参数时打开界面。"
EPILOG = """数据库位置：默认在用户数据目录（见 README）；
用 --db 路径 或环境变量 CUNWU_DB 指定其他文件。
示例：
  cunwu                 打开界面
  cunwu demo            填入示例村庄的数据（本月和上月）
  cunwu verify          校验各登记簿是否完整、未被改动
  cunwu duty            现在谁在值班、带班领导及电话（--at 查某个时间）
  cunwu backup --to E:\\村务通备份    备份到U盘
  cunwu restore 备份文件.db          从备份恢复
  cunwu --db 测试.db    使用指定的数据库文件
"""


from cunwu_tui.cli_zh import Parser as _Parser  # noqa: E402  (Chinese usage, sections and errors)
from cunwu_tui.cli_zh import whole_number  # noqa: E402


def _add_db(p: argparse.ArgumentParser, top: bool) -> None:
    p.add_argument(
        "--db",
        metavar="路径",
        default=None if top else argparse.SUPPRESS,
        help="数据库文件路径或 SQLAlchemy URL（默认：环境变量 CUNWU_DB，否则用户数据目录中的 cunwu.db）",
    )


def _add_operator(p: argparse.ArgumentParser, admin: bool = False) -> None:
    who = "管理员" if admin else "操作员"
    p.add_argument(
        "--operator",
        metavar="姓名",
        default="",
        help=f"{who}姓名，默认为上次界面中的操作员；随后输入本人密码，不在终端中时从标准输入读一行",
    )


def _ledger_names() -> str:
    """The registered ledgers, e.g. staff（人员名册）、audit（操作日志） (cheap:
    the declarations import no openpyxl and no database code)."""
    from cunwu_tui.ledgers.registers import app_ledgers

    return "、".join(f"{led.name}（{led.title}）" for led in app_ledgers())


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cunwu",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    parser.add_argument("--version", action="version", version=f"cunwu-tui {__version__}", help="显示版本号并退出")
    _add_db(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    demo = sub.add_parser(
        "demo",
        help="填入示例村庄的数据（本月和上月）",
        add_help=False,
        description="为新用户填入一个虚构村庄的本月和上月数据：人员、印章等。已有数据时不重复填入。",
    )
    demo.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    _add_db(demo, top=False)

    export = sub.add_parser(
        "export",
        help="导出某月的台账（Excel）",
        add_help=False,
        description="把某月的台账导出为 Excel 文件，打印写好的文件路径。",
        # one ledger a line: a name is never wrapped in two
        epilog="可用的台账（--ledger 名称）：\n  " + _ledger_names().replace("、", "\n  "),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    export.add_argument("--month", metavar="年-月", help="月份，如 2026-10（默认：上个月）")
    export.add_argument("--ledger", metavar="名称", action="append", help="台账名称，可重复；默认全部（见下方列表）")
    export.add_argument("--out", metavar="文件夹", help="输出文件夹（默认：当前目录下的 exports）")
    _add_operator(export)
    _add_db(export, top=False)

    lookup = sub.add_parser(
        "lookup",
        help="查询事项：办理条件和所需材料（一次性告知）",
        add_help=False,
        description="按事项名称、拼音、首字母或材料名称查找事项，列出最匹配的几项和第一项的所需材料。",
    )
    lookup.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    lookup.add_argument("keywords", metavar="关键词", nargs="+", help="如：低保、dibao、dbsq、残疾证")
    lookup.add_argument(
        "--limit",
        metavar="N",
        type=whole_number(1, 200, "列出的项数"),
        default=8,
        help="最多列出几项（1至200，默认 8）",
    )
    _add_db(lookup, top=False)

    verify = sub.add_parser(
        "verify",
        help="校验各登记簿是否完整、未被改动",
        add_help=False,
        description="重新计算每个登记簿（用印登记、办件、值班记录、公示、居民、人员、审批、操作日志）"
        "的校验链：每个登记簿打印「完整」和条数，或第一条对不上的记录和问题；"
        "被删除或改动的保护触发器按原样恢复。有问题时以状态 1 退出。",
        epilog="--against：证明登记簿仍是某份导出台账（其「校验」表）或备份说明（.json）"
        "当时所依据的内容；也可直接给校验码，如 用印登记:57:3F2A-91BC-0D4E-7781（可重复）。",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    verify.add_argument(
        "--against",
        metavar="文件或校验码",
        action="append",
        default=[],
        help="导出的台账（.xlsx）、备份说明（.json）或 登记簿:条数:校验码；可重复",
    )
    _add_db(verify, top=False)

    duty = sub.add_parser(
        "duty",
        help="现在（或某个时间）谁在值班、带班领导及电话",
        add_help=False,
        description="按值班表和替班记录，回答某个时间是谁在值班，以及当天的带班领导和电话。",
    )
    duty.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    duty.add_argument("--at", metavar="时间", default="", help='如 "2026-11-22 12:10"（默认：现在）')
    _add_db(duty, top=False)

    merge = sub.add_parser(
        "merge",
        help="乡镇汇总：把多个村的同一种台账合并为一个文件",
        add_help=False,
        description="把多个村(社区)导出的同一种、同一月份的台账合并到一个工作簿，"
        "增加“村(社区)”列，并附各村条数汇总表。",
    )
    merge.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    merge.add_argument("files", metavar="文件", nargs="+", help="各村导出的台账文件（.xlsx）")
    merge.add_argument(
        "--out",
        metavar="文件",
        required=True,
        help="合并后的文件，或一个已有的文件夹（自动取名）；已有同名文件时另存为带编号的文件",
    )
    merge.add_argument("--township", metavar="名称", help="乡镇(街道)名称（默认：取第一个文件里的填报单位）")
    merge.add_argument("--operator", metavar="姓名", default="", help="经办人，写在表尾")
    merge.add_argument("--phone", metavar="电话", default="", help="联系电话，写在表尾")
    merge.add_argument(
        "--previous",
        metavar="文件",
        help="上月的汇总文件：核对各村本月台账的校验码是否与上月报来的衔接（不衔接时警告）",
    )
    _add_db(merge, top=False)

    backup = sub.add_parser(
        "backup",
        help="备份数据库（如备份到U盘）",
        add_help=False,
        description="在软件使用中也能安全地备份：生成经过自检的数据库副本"
        "（〈村名〉_备份_〈时间〉.db）和说明文件（.json，含校验值和各台账条数）。",
        epilog="不加 --to 时备份到 F9 设置中记住的备份位置（未设置时为数据库旁的备份文件夹）。\n"
        "退出状态：0 成功；2 备份位置不存在、只读或空间不足，或找不到数据库；1 数据库自检未通过。",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    backup.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    backup.add_argument("--to", metavar="文件夹", help="备份到这个文件夹，如 E:\\村务通备份")
    _add_operator(backup)
    _add_db(backup, top=False)

    restore = sub.add_parser(
        "restore",
        help="从备份文件恢复数据库",
        add_help=False,
        description="检查备份文件（是否完整、未损坏、是村务通的数据库、与说明文件的校验值一致），"
        "显示其中的内容并询问；确认后先把现在的数据库移到备份文件夹，再换成备份，"
        "旧版本的备份自动升级。其他村务通窗口开着时拒绝恢复。",
        epilog="换了新电脑或硬盘坏了：装好村务通后，一条命令即可：\n"
        "  cunwu restore E:\\村务通备份\\青山村_备份_20261202-180512.db\n"
        "退出状态：0 已恢复；2 文件被拒绝、数据库正在使用或未确认（均未作任何改动）。",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    restore.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    restore.add_argument("file", metavar="备份文件", help="要恢复的备份文件（.db）")
    restore.add_argument("--yes", action="store_true", help="不询问，直接恢复（用于脚本）")
    _add_operator(restore, admin=True)
    _add_db(restore, top=False)

    copy = sub.add_parser(
        "copy",
        help="把数据库复制到 PostgreSQL 服务器（或从服务器复制回文件）",
        add_help=False,
        description="服务大厅多台电脑共用一个数据库时，把本村的数据库文件整个复制到服务器上的空数据库"
        "（或反过来复制回一个新文件）。复制在一个事务中完成：各表条数和各登记簿校验链的末端"
        "两边一致才提交，然后对目标数据库做一次完整校验。源数据库的管理员须输入本人密码。",
        epilog="示例：\n"
        "  cunwu copy --from cunwu.db --to postgresql+psycopg://cunwu@服务器/qingshan\n"
        "  cunwu copy --from postgresql+psycopg://cunwu@服务器/qingshan --to 青山村.db\n"
        "退出状态：0 已复制并校验一致；2 被拒绝（未作任何改动）；1 复制后的校验不一致。",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    copy.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    copy.add_argument("--from", dest="source", metavar="源", required=True, help="要复制的数据库：文件路径或 URL")
    copy.add_argument("--to", dest="target", metavar="目标", required=True, help="空的目标数据库：URL 或新文件的路径")
    _add_operator(copy, admin=True)
    return parser


def _safe_stdout() -> None:
    """Never crash on a console that cannot show a character (GBK on Windows)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def main(argv: Sequence[str] | None = None) -> int:
    _safe_stdout()
    args = build_parser().parse_args(argv)
    from cunwu_tui.logsetup import setup_logging
    from cunwu_tui.paths import resolve_db_url, restrict_umask

    restrict_umask()  # files with personal data: owner-only (POSIX)

    log_file = setup_logging()
    url = resolve_db_url(args.db)
    try:
        if args.command is None:
            from cunwu_tui.ui.app import run_app

            return run_app(url)
        if args.command == "demo":
            return _cmd_demo(url)
        if args.command == "export":
            return _cmd_export(url, args)
        if args.command == "merge":
            return _cmd_merge(args)
        if args.command == "lookup":
            return _cmd_lookup(url, args)
        if args.command == "verify":
            return _cmd_verify(url, args)
        if args.command == "duty":
            return _cmd_duty(url, args)
        if args.command == "backup":
            return _cmd_backup(url, args)
        if args.command == "restore":
            return _cmd_restore(url, args)
        if args.command == "copy":
            return _cmd_copy(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cunwu lookup 低保 | head`: the reader has gone
        _quiet_stdout()
        return 0
    except Exception as exc:
        from cunwu_tui.db.engine import DatabaseError
        from cunwu_tui.errors import SaveError, ValidationError

        if isinstance(exc, ValidationError):  # bad input the service named
            _print_errors(exc)
            return 2
        if isinstance(exc, (DatabaseError, SaveError)):  # a Chinese sentence already
            import logging

            logging.getLogger("cunwu.cli").warning("command refused: %s", type(exc).__name__)
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        import logging  # anything else: never a traceback on the console

        logging.getLogger("cunwu.cli").exception("command failed")
        print(f"出错了：{_describe(exc)}\n详细信息已写入日志：{log_file}", file=sys.stderr)
        return 1
    return 0


def _quiet_stdout() -> None:
    """After a closed pipe: nothing more to write, and no complaint from the
    interpreter flushing stdout at exit (see the Python docs on SIGPIPE)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return text if text and any("\u4e00" <= ch <= "\u9fff" for ch in text) else f"{type(exc).__name__}：{text}"


def _open(url: str):
    from cunwu_tui.services import open_services

    services = open_services(url)
    if services.info.backup:
        print(f"数据库已升级，原文件已备份到：{services.info.backup}")
    for warning in services.info.warnings:
        print(f"警告：{warning}", file=sys.stderr)
    return services


def _read_pin(prompt: str) -> str:
    """The PIN: asked without echo in a terminal, else one line of stdin
    (for a script: ``echo 密码 | cunwu backup --operator 赵丽``)."""
    import getpass

    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        try:
            return getpass.getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            return ""
    try:
        return sys.stdin.readline().rstrip("\r\n")
    except (OSError, ValueError):
        return ""


def _sign_in(services, name: str, admin: bool = False) -> None:
    """Start work as the named person (default: the last operator of the
    TUI), proven by their PIN; ValidationError (exit 2) otherwise."""
    from cunwu_tui.domain.roles import name_key
    from cunwu_tui.errors import ValidationError

    who = "管理员" if admin else "操作员"
    if services.identity.needs_setup():
        raise ValidationError({"operator": "这个数据库还没有管理员和个人密码：请先运行 cunwu 打开界面完成设置。"})
    people = services.identity.people()
    if name.strip():
        person = next((p for p in people if name_key(p.name) == name_key(name)), None)
        if person is None:
            raise ValidationError({"operator": f"没有名为「{name.strip()}」的在岗人员。"})
    else:
        remembered = services.remembered_operator_id()
        person = next((p for p in people if p.id == remembered), None)
        if person is None:
            raise ValidationError({"operator": f"请用 --operator 姓名 指定{who}。"})
    if admin and not person.admin:
        raise ValidationError({"operator": f"{person.name}不是管理员：此命令须由管理员执行。"})
    pin = _read_pin(f"{who}{person.name}的个人密码：")
    services.set_operator(person.id, pin)


def _cmd_demo(url: str) -> int:
    from cunwu_tui.services.demo import fill_demo

    services = _open(url)
    report = fill_demo(services)
    for line in report:
        print(line)
    return 0


def _print_errors(exc) -> None:
    for message in getattr(exc, "errors", {"": str(exc)}).values():
        print(f"错误：{message}", file=sys.stderr)


def _cmd_export(url: str, args) -> int:

    from cunwu_tui.services import ValidationError
    from cunwu_tui.services.export import default_month

    services = _open(url)
    try:
        try:
            _sign_in(services, args.operator)
            paths = services.exports.export(args.month or default_month(services.today()), args.ledger, args.out)
        except ValidationError as exc:
            _print_errors(exc)
            return 2
        for p in paths:
            print(p.resolve())
        return 0
    finally:
        services.close()


def _cmd_lookup(url: str, args) -> int:
    services = _open(url)
    try:
        catalog = services.catalog
        query = " ".join(args.keywords)
        hits = catalog.search(query, limit=max(1, args.limit))
        if not hits:
            print(f"没有找到与「{query}」相关的事项。换个说法试试：事项名称、拼音首字母或所需材料。", file=sys.stderr)
            return 1
        print(f"与「{query}」相关的事项：")
        for i, h in enumerate(hits, 1):
            print(f"{i:>2}. {h.name}〔{h.category}〕" + (f"　{h.reason}" if h.reason else ""))
        view = catalog.view(hits[0].code)
        print()
        print(f"{view.name} 所需材料" + (f"（来源：{view.seed_title}）" if view.variants else "") + "：")
        if not view.documents:
            print("  事项目录未载明。")
        for i, d in enumerate(view.documents, 1):
            print(f"{i:>3}. {d.line}" + ("〔本村补充〕" if d.local else ""))
        if len(view.variants) > 1:
            others = "、".join(t for s, t in view.variants if s != view.seed)
            print(f"\n另有来源：{others}（在界面 F3 中按 V 查看）。")
        return 0
    finally:
        services.close()


def _cmd_verify(url: str, args=None) -> int:
    from cunwu_tui.services.evidence import verify_lines

    services = _open(url)
    try:
        ok, lines = verify_lines(services, list(getattr(args, "against", None) or []))
    finally:
        services.close()
    for line in lines:
        print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def _cmd_duty(url: str, args) -> int:

    from cunwu_tui.features.seals.numbers import parse_moment
    from cunwu_tui.features.duty.service import on_duty_text

    at = None
    if args.at:
        try:
            at = parse_moment(args.at, "时间")
        except ValueError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
    services = _open(url)
    try:
        print(on_duty_text(services.duty.on_duty(at or services.now().replace(second=0, microsecond=0))))
    finally:
        services.close()
    return 0


def _cmd_merge(args) -> int:
    from cunwu_tui.ledgers.merge import merge_ledgers
    from cunwu_tui.ledgers.naming import LedgerError

    try:
        warnings: list[str] = []
        out = merge_ledgers(
            args.files,
            args.out,
            args.township or None,
            operator=args.operator.strip(),
            phone=args.phone.strip(),
            previous=args.previous or None,
            warnings=warnings,
        )
    except LedgerError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(out.resolve())
    for w in warnings:
        print(f"警告：{w}", file=sys.stderr)
    return 0


def _cmd_backup(url: str, args) -> int:
    from cunwu_tui.services import ValidationError
    from cunwu_tui.paths import is_postgres_url, sqlite_file
    from cunwu_tui.services.backup import SERVER_BACKUP, BackupError

    db = sqlite_file(url)
    if is_postgres_url(url):
        print(f"错误：{SERVER_BACKUP}", file=sys.stderr)
        return 2
    if db is None or not db.exists():  # never create an empty database just to back it up
        print(f"错误：找不到数据库文件：{db or url}（用 --db 指定要备份的数据库）。", file=sys.stderr)
        return 2
    services = _open(url)
    try:
        try:
            _sign_in(services, args.operator)
            result = services.backups.backup_now(args.to)
        except ValidationError as exc:
            _print_errors(exc)
            return 2
        except BackupError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 1
    finally:
        services.close()
    print(f"已备份到：{result.path.resolve()}")
    print(f"说明文件：{result.manifest.resolve()}")
    print(f"校验值（sha256）：{result.sha256}")
    return 0


def _cmd_copy(args) -> int:
    from cunwu_tui.db.transfer import describe
    from cunwu_tui.paths import resolve_db_url, sqlite_file
    from cunwu_tui.services import ValidationError
    from cunwu_tui.services.transfer import TransferError, check_source, copy_between

    source, target = resolve_db_url(args.source), resolve_db_url(args.target)
    src_file = sqlite_file(source)
    if src_file is not None and not src_file.exists():  # never create an empty database just to copy it
        print(f"错误：找不到数据库文件：{src_file}", file=sys.stderr)
        return 2
    try:
        check_source(source)
    except TransferError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    services = _open(source)
    try:
        _sign_in(services, args.operator, admin=True)
    except ValidationError as exc:
        _print_errors(exc)
        return 2
    finally:
        services.close()
    try:
        result = copy_between(source, target)
    except TransferError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    for line in describe(result.transfer):
        print(line)
    print("目标数据库的完整校验：")
    for line in result.check_lines:
        print(line)
    if not result.ok:
        print("错误：复制后的数据库校验不一致，请不要使用它，并把日志交给技术人员。", file=sys.stderr)
        return 1
    print("复制完成，两边一致。从现在起请各窗口都使用目标数据库，原来的不要再登记，以免两边不一样。")
    for warning in result.warnings:  # said now, before the windows move to it
        print(f"警告：{warning}", file=sys.stderr)
    return 0


def _cmd_restore(url: str, args) -> int:
    from cunwu_tui.paths import backup_dir_for, is_postgres_url, sqlite_file
    from cunwu_tui.services.backup import SERVER_BACKUP, BackupError, inspect_backup, restore_backup

    db = sqlite_file(url)
    if is_postgres_url(url):
        print(f"错误：{SERVER_BACKUP}", file=sys.stderr)
        return 2
    if db is None:
        print("错误：只能恢复到数据库文件。", file=sys.stderr)
        return 2
    try:
        info = inspect_backup(args.file)
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if db.exists() and db.stat().st_size > 0:
        # Replacing a database that has an administrator: theirs to decide.
        services = _open(url)
        try:
            if not services.identity.needs_setup():
                _sign_in(services, args.operator, admin=True)
        finally:
            services.close()
    print("备份文件检查通过，其中有：")
    print(info.summary())
    if db.exists() and db.stat().st_size > 0:
        print(f"恢复后将替换数据库 {db}（现在的数据库先移到 {backup_dir_for(db)}）。")
    else:
        print(f"将恢复为数据库 {db}。")
    if not args.yes:
        if not (sys.stdin and sys.stdin.isatty()):
            print(
                "错误：恢复会替换现在的数据库，需要确认：请在终端窗口中运行，或加 --yes。未作任何改动。",
                file=sys.stderr,
            )
            return 2
        try:
            answer = input("确认恢复吗？输入 y 回车确认，直接回车取消：")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "是"):
            print("已取消，未作任何改动。")
            return 2
    try:
        result = restore_backup(url, info.path, info.sha256)
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已恢复：{db}")
    if result.set_aside:
        print(f"原来的数据库已移到：{result.set_aside}")
    return 0
