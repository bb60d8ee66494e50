"""F2 工作台: today, who is working, what needs attention."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from rich.text import Text

from cunwu_tui.feature import Panel, features
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


def backup_lines(status) -> Text:
    """The last good backup; the warning (a failure, too long ago) in bold."""
    t = Text(screen_text("\n".join(status.lines)))
    if status.warning:
        t.append("\n" + screen_text(backup_warning(status)), style="bold red")
    return t


def panels() -> list[Panel]:
    """The features' panels (cunwu_tui/feature.py Feature.panel), in the
    order they declare (``Panel.rank``): 办件, 值班, 公示, 用印."""
    return sorted((f.panel for f in features() if f.panel is not None), key=lambda p: p.rank)


class DashboardScreen(AppScreen):
    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="dashboard"):
            yield Static("正在打开数据库，请稍候。", id="today", classes="title")
            yield Static("", id="attention", classes="panel")
            for panel in panels():
                yield Static("", id=panel.id, classes="panel")
            yield Static("", id="backup", classes="panel")
            yield Static("", id="recent", classes="panel")

    def on_mount(self) -> None:
        self.query_one("#recent").border_title = "最近的修改"
        self.query_one("#attention").border_title = "提醒"
        for panel in panels():
            self.query_one(f"#{panel.id}").border_title = panel.title
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
        from cunwu_tui.feature import load

        for panel in panels():
            self.query_one(f"#{panel.id}", Static).update(load(panel.render)(services, app))
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
