"""F2 工作台: today, who is working, what needs attention."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from rich.text import Text

from cunwu_tui.ui.screens.base import AppScreen
from cunwu_tui.ui.widgets import backup_warning, screen_text


def today_text(info) -> str:
    d = info.date
    if info.provisional:
        kind = "工作日（预计）" if info.is_workday else "休息日（预计）"
    elif info.holiday:
        kind = f"{info.holiday}假期"
    elif info.makeup_workday:
        kind = "调休上班"
    else:
        kind = "工作日" if info.is_workday else "休息日"
    return f"今天是 {d.year}年{d.month}月{d.day}日，{kind}"


def notice_lines(services, today) -> Text:
    """Notices ending today or within 2 days; notices over without a result."""
    lines = []
    for i in services.notices.ending_soon(today):
        when = "今天期满" if i.end == today else f"{i.end:%m-%d}期满"
        extra = f"，异议{i.objections}条" if i.objections else ""
        lines.append(f"{when}　{i.title}{extra}")
    for i in services.notices.without_result(today):
        lines.append(f"{i.end:%m-%d}已期满，未登记结果　{i.title}")
    return Text(screen_text("\n".join(lines) or "近两天没有期满的公示。"))


def case_lines(services, today) -> Text:
    """今日到期 / 逾期 / 即将到期 counts (refusals and petitions included) and
    the oldest overdue case."""
    c = services.cases.counts(today)
    t = Text()
    t.append(f"今日到期 {c.due_today} 件　", style="bold" if c.due_today else "")
    t.append(f"逾期 {c.overdue} 件", style="bold red" if c.overdue else "")
    t.append(f"　即将到期 {c.soon} 件（3个工作日内）")
    if c.refusals_open:
        t.append(f"\n否定报备待办结 {c.refusals_open} 件")
    o = c.oldest_overdue
    if o is not None:
        late = (today - o.next_due).days
        from rich.cells import cell_len

        line = screen_text(f"最早逾期：{o.number} {o.applicant}，{o.next_due_what}逾期{late}天　{o.matter_name}")
        while cell_len(line) > 74:
            line = line[:-2] + "⋯"
        t.append("\n" + line, style="bold")
    return t


def backup_lines(status) -> Text:
    """The last good backup; the warning (a failure, too long ago) in bold."""
    t = Text(screen_text("\n".join(status.lines)))
    if status.warning:
        t.append("\n" + screen_text(backup_warning(status)), style="bold red")
    return t


class DashboardScreen(AppScreen):
    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="dashboard"):
            yield Static("正在打开数据库，请稍候。", id="today", classes="title")
            yield Static("", id="attention", classes="panel")
            yield Static("", id="cases", classes="panel")
            yield Static("", id="duty", classes="panel")
            yield Static("", id="notices", classes="panel")
            yield Static("", id="seals", classes="panel")
            yield Static("", id="backup", classes="panel")
            yield Static("", id="recent", classes="panel")

    def on_mount(self) -> None:
        self.query_one("#recent").border_title = "最近的修改"
        self.query_one("#attention").border_title = "提醒"
        self.query_one("#cases").border_title = "办件（F4）"
        self.query_one("#duty").border_title = "值班（F6）"
        self.query_one("#notices").border_title = "公示（F7）"
        self.query_one("#seals").border_title = "今天的用印（F5）"
        self.query_one("#backup").border_title = "备份（F9）"
        self.refresh_data()

    def refresh_data(self) -> None:
        app = self.app
        services = self.services
        if services is None:
            err = getattr(app, "open_error", "")
            self.query_one("#today", Static).update(err or "正在打开数据库，请稍候。")
            return
        today = app.today()  # type: ignore[attr-defined]
        info = services.holidays.day_info(today)
        op = services.operator
        self.query_one("#today", Static).update(today_text(info) + (f"　操作员：{op.name}" if op else ""))
        notes: list[str] = []
        profile = services.settings.profile()
        if not profile.complete:
            notes.append("尚未填写村(社区)名称和所属乡镇，台账无法署名：请按 F9 设置。")
        if info.provisional:
            notes.append(f"{today.year}年节假日安排尚未录入，今天是否上班按周末推算：请按 F9 设置，在节假日页录入。")
        if today.month >= 11 and not services.holidays.covered(today.year + 1):
            notes.append(
                f"{today.year + 1}年节假日安排尚未录入，跨年的期限将显示为预计：国务院公布后请在 F9 设置中录入。"
            )
        if services.info.backup:
            notes.append(f"数据库已升级，原文件备份在：{services.info.backup}")
        seal_check = getattr(app, "seal_check", None)
        if seal_check is not None and not seal_check.ok:
            notes.append("用印登记校验不一致，登记可能被改动过：详见下方用印栏。")
        notes += evidence_notes(app)
        backup = services.backups.status(services.now())
        if backup.warning:
            notes.append(backup_warning(backup))
        self.query_one("#attention", Static).update("\n".join(notes) or "没有需要处理的提醒。")
        self.query_one("#cases", Static).update(case_lines(services, today))
        from cunwu_tui.ui.screens.duty import duty_panel

        self.query_one("#duty", Static).update(duty_panel(services, services.now()))
        self.query_one("#notices", Static).update(notice_lines(services, today))
        from cunwu_tui.ui.screens.seal_register import seal_lines

        self.query_one("#seals", Static).update(seal_lines(services, today, seal_check))
        self.query_one("#backup", Static).update(backup_lines(backup))
        lines = [
            f"{e.at:%m-%d %H:%M}　{e.operator}　{e.action}{e.entity}" + (f"：{e.subject}" if e.subject else "")
            for e in services.audit.recent(8, changes_only=True)
        ]
        self.query_one("#recent", Static).update("\n".join(lines) or "暂无记录")


def evidence_notes(app) -> list[str]:
    """Per register whose chain does not match, and the triggers found
    missing (this stays until the app is closed: it was restored, but it
    tells that someone edited the file)."""
    out = []
    report = getattr(app, "evidence_check", None)
    if report is not None:
        for r in report.broken:
            out.append(f"{r.register}校验不一致：{r.record} {r.what}。按 F9 再按 V 查看全部。")
    alert = getattr(app, "trigger_alert", "")
    if alert:
        out.append(alert)
    return out
