"""F1: every key, and where the data file and the log live."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

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
            "  Ctrl+P    命令面板（输入汉字、拼音或首字母找页面和操作，如 xjsl 新建受理）",
            "  Ctrl+Q    退出",
            "",
            f"登记簿（{MENU_KEY_TEXT}）：上下键选择、回车打开，或直接按前面的数字或字母",
            _wrapped(menu),
        ]
    )


# The detail screens' action keys are placeholders filled from each screen's
# one table: the case detail's as {action id} (ui/screens/cases.CASE_KEYS),
# the others as {screen[action id]} (seal: seal_register.SEAL_KEYS,
# notice: notices.NOTICE_KEYS; rota and log: duty.ROTA_KEYS, LOG_KEYS): see
# help_text(). The global keys and the 登记簿 menu come first, from
# ui/places.PLACES (navigation_text).
KEYS_TEMPLATE = """\
常用操作
  Tab / Shift+Tab   在输入框、列表、按钮之间移动
  上下键            在列表中选择
  回车              确认、打开选中的项目
  Esc               关闭对话框或取消（已填写的表单先询问）
  Ctrl+S            保存当前表单
  Ctrl+B            设置中：立即备份（到U盘等记住的位置）
  N                 在列表中新增（人员、印章）

事项查询（F3）中：直接输入关键词（汉字、全拼、首字母或材料名称），
  下键进入结果，回车查看详情；Ctrl+N 新增本村事项。
  详情页：P 出具一次性告知书（屏幕显示并保存为 Excel 以便打印），
  A 添加材料，B 添加说明，D 撤销本村补充，V 切换来源文件，
  E 编辑本村事项，N 受理本事项（转到受理登记），Esc 返回。

受理登记（F4）中：N 新建受理，S 筛选（在办、即将到期、逾期、办结、
  不予受理、全部），/ 查找（编号、姓名、身份证号后4位、事项；没按 S
  选筛选时在全部状态中查找），回车办理，R 居民登记。
  新建受理：事项和申请人都是边输入边查找，下键选择、回车选定；
  Ctrl+R 登记新居民；空格键勾选已收材料，未勾选的列入一次性告知书；
  材料页数按勾选顺序填写。保存后出具收件回执。
  办件页：{complete_step} 办理本步（按顺序），{choose_branch} 选择办理情况（只列走得到的分支），
  {go_back} 退回到已办步骤，{post_notice} 发布本步要求的公示（期满且无异议后才能完成本步；
  异议成立的，先 {go_back} 退回重新调查核实，再 {post_notice} 发布下一轮），
  {late_documents} 补交材料，{receipt} 收件回执，{letter} 一次性告知书，{escalate} 上报/转办（写明催办日期），
  {feedback} 登记反馈，{postpone} 延期（新日期、理由、审批领导本人输密码），{conclude} 办结（缺材料
  须写明理由），{refuse} 不予受理/不予确认（否定报备：写明理由和依据）；之后
  {refusal_paper} 不予受理告知书，{leader_opinion} 领导意见，{told} 书面告知（送达日期），{return_materials} 退还材料
  （签收）。信访件：{accept} 决定受理，{postpone} 延期（不超过30日，须写理由），
  {review} 复查/复核。{void} 作废登记有误的办件（写明原因，编号保留）。
  办件记录不能修改或删除。
  居民登记：/ 查找（姓名、身份证号后4位、电话后4位、村民小组），
  PgDn/PgUp 翻页，回车详情（全部办件）；详情页 E 更正，H 合并重复登记。

公示（F7）中：N 新建，S 按状态筛选，回车查看；详情页：{notice[objection]} 登记异议，
  {notice[handle]} 处理异议，{notice[close]} 结束公示（期满当天起），{notice[withdraw]} 撤回（须写原因），
  {notice[board_list]} 保存公示名单（身份证号隐去中间部分、不含电话）以便打印张贴。

用印登记（F5）中：N 登记，回车查看，/ 搜索文件名称或经办人；
  S 按印章、M 按月份、J 按重大事项、X 按作废筛选；T 每月用印次数；
  E 导出用印登记台账（筛选的月份，未筛选时为上个月）；V 校验登记是否被改动。
  登记时审批人在场，由审批人本人在“审批人密码”一栏输入密码；不在场的
  留空，保存为“待审批”，审批前不得用印。
  详情页：{seal[approve]} 审批（审批人输入本人密码），{seal[void]} 作废（须写原因，原登记保留），
  {seal[correct]} 作废后重新登记。登记不能修改或删除。

值班（F6）中：L 记录（突发事件须写明何时报告带班领导），T 替班，
  H 交接班（先选班次，默认最早漏记的班；遗留事项每行一条，办结前一直显示），
  C 接班人确认（接班人本人输入密码），X 办结遗留事项，
  V 作废选中的记录（原记录保留），
  W 查某个时间谁值班；回车 看记录详情，来访、来信的详情中 {log[take_in]} 受理为办件。
  R 月值班表：{rota[generate]} 生成（已发布的：从某一天起重新安排，须写原因），{rota[publish]} 发布，
  回车调整（发布后须写原因，记录在案），
  , . 换月，S 统计，E 导出。
  J 中长假值班表：回车编制，G 领导审签（领导本人输入密码），
  F 报上级机关备案（审签后），I 已通知到人，E 导出。

设置（F9）中：再按 F9 切换到下一页；光标在分页标题上时也可用左右键切换，Tab 进入该页。
  人员页：回车编辑，N 新增，P 为选中的人设置/重设密码，M 修改我的密码，
  T 自动锁屏时间；人员和密码的改动须由管理员输入本人密码确认。

个人密码：至少6位数字或8个字；输错几次要等一会儿，连续错6次锁定15分钟
  （管理员重设密码可解锁）。无人操作10分钟自动锁屏，输入本人密码继续。
  延期、领导意见等由审批的领导本人输入密码。"""


def help_text() -> str:
    """Every key, the detail screens' action keys taken from their own tables."""
    from cunwu_tui.ui.screens.cases import case_keys_by_id
    from cunwu_tui.ui.screens.duty import duty_keys_by_id
    from cunwu_tui.ui.screens.notices import notice_keys_by_id
    from cunwu_tui.ui.screens.seal_register import seal_keys_by_id

    return (
        navigation_text()
        + "\n\n"
        + KEYS_TEMPLATE.format(
            **case_keys_by_id(), seal=seal_keys_by_id(), notice=notice_keys_by_id(), **duty_keys_by_id()
        )
    )


class HelpScreen(Guarded, ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "关闭")]

    def compose(self) -> ComposeResult:
        from cunwu_tui.logsetup import log_path
        from cunwu_tui.paths import sqlite_file

        app = self.app
        url = getattr(app, "db_url", "")
        db_file = sqlite_file(url)
        where = f"数据库：{db_file.resolve() if db_file else url}\n日志：{log_path()}"
        with VerticalScroll(classes="dialog"):
            yield Static("帮助（按 Esc 关闭）", classes="title")
            yield Static(help_text(), markup=False)
            yield Static(where, classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
