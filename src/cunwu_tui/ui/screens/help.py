"""F1: every key, and where the data file and the log live."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cunwu_tui.feature import features
from cunwu_tui.ui.places import MENU_KEY_TEXT, PLACES, function_keys, menu_letter
from cunwu_tui.ui.screens.guard import Guarded


def _wrapped(items: list[str], indent: str = "  ", width: int = 70) -> str:
    from rich.cells import cell_len

    lines, line = [], indent
    for item in items:
        if line.strip() and cell_len(line + "　" + item) > width:
            lines.append(line)
            line = indent
        line += ("　" if line.strip() else "") + item
    return "\n".join([*lines, line])


def navigation_text() -> str:
    """The global keys and the 登记簿 menu, from ui/places.PLACES."""
    keyed = [f"  {p.key_text:<10}{p.title}（{p.about}）" for p in function_keys()]
    menu = [f"{menu_letter(i).upper()} {p.title}" for i, p in enumerate(PLACES)]
    return "\n".join(
        [
            "全局按键（任何界面都可用）",
            "  F1        帮助（本页）",
            *keyed,
            f"  {MENU_KEY_TEXT:<10}登记簿（全部登记簿和页面的目录，见下）",
            "  Ctrl+O    换操作员（选择自己，输入本人密码）；锁屏时由另一人接替",
            "  Ctrl+P    命令面板（输入汉字、拼音或首字母找页面和操作，",
            "            如 xjsl 新建受理）",
            "  Ctrl+Q    退出",
            "",
            f"登记簿（{MENU_KEY_TEXT}）：上下键选择、回车打开，或直接按前面的数字或字母",
            _wrapped(menu),
        ]
    )


# The keys of the app's own screens; each feature's section is its
# screens module's help_text() (cunwu_tui/feature.py Feature.help).
KEYS_TEMPLATE = """\
常用操作
  Tab / Shift+Tab   在输入框、列表、按钮之间移动
  上下键            在列表中选择
  回车              确认、打开选中的项目
  Esc               关闭对话框或取消（已填写的表单先询问）
  Ctrl+S            保存当前表单
  Ctrl+B            设置中：立即备份（到U盘等记住的位置）
  N                 在列表中新增（人员、印章）

设置（F9）中：再按 F9 切换到下一页；光标在分页标题上时
  也可用左右键切换，Tab 进入该页。
  人员页：回车编辑，N 新增，P 为选中的人设置/重设密码，
  M 修改我的密码，T 自动锁屏时间；
  人员和密码的改动须由管理员输入本人密码确认。

个人密码：至少6位数字或8个字；输错几次要等一会儿，连续错6次锁定15分钟
  （管理员重设密码可解锁）。无人操作10分钟自动锁屏，输入本人密码继续。
  延期、领导意见等由审批的领导本人输入密码。"""


def help_text() -> str:
    """Every key: the global ones and the menu, the common keys, each
    feature's section (in the order of their places: F3, F4 ...), then
    设置 and the PINs."""
    from cunwu_tui.feature import load

    common, *rest = KEYS_TEMPLATE.split("\n\n")
    order = {p.id: i for i, p in enumerate(PLACES)}
    sections = [
        load(f.help)()
        for f in sorted(features(), key=lambda f: min((order[p.mode] for p in f.places), default=len(order)))
        if f.help
    ]
    return "\n\n".join([navigation_text(), common, *sections, *rest])


class HelpScreen(Guarded, ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "关闭")]

    def compose(self) -> ComposeResult:
        from cunwu_tui.logsetup import log_path
        from cunwu_tui.paths import shown_url, sqlite_file

        app = self.app
        url = getattr(app, "db_url", "")
        db_file = sqlite_file(url)
        where = f"数据库：{db_file.resolve() if db_file else shown_url(url)}\n日志：{log_path()}"
        with VerticalScroll(classes="dialog"):
            yield Static("帮助（按 Esc 关闭）", classes="title")
            yield Static(help_text(), markup=False)
            yield Static(where, classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
