"""F9 设置: village profile, staff, seals, holiday schedules, backups."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static, TabbedContent, TabPane, Tabs, TextArea

from cunwu_tui.errors import SaveError, ValidationError
from cunwu_tui.ui.screens.backup import BackupPageMixin, compose_backup_page
from cunwu_tui.ui.screens.base import AppScreen
from cunwu_tui.ui.screens.verify import VerifyMixin
from cunwu_tui.ui.screens.forms import IdleForm, PinForm, SealForm, StaffForm
from cunwu_tui.ui.widgets import FieldError, Form, field_row

SCHEDULE_HINT = (
    "按国务院通知，每行一项，格式如（2026年的实际安排）：\n国庆节 2026-10-01 至 2026-10-07\n调休上班 2026-10-10"
)


class SettingsScreen(BackupPageMixin, VerifyMixin, AppScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "保存", key_display="^S", show=False),  # the buttons say Ctrl+S; the footer is full
        Binding("n", "new", "新增", show=False),
        Binding("v", "verify_seals", "校验各登记簿", show=False),
        Binding("ctrl+b", "backup_now", "立即备份", key_display="^B", show=False),
        Binding("p", "reset_pin", "设置密码", show=False),
        Binding("m", "my_pin", "修改我的密码", show=False),
        Binding("t", "idle", "自动锁屏", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane("村(社区)信息", id="tab-profile"):
                with Form(id="profile-form"):
                    yield from field_row("村(社区)名称", "village", Input(placeholder="必填，如：青山村"))
                    yield from field_row("所属乡镇(街道)", "township", Input(placeholder="必填，如：柳河镇"))
                    yield from field_row("县(区)", "county", Input())
                    yield from field_row("联系电话", "phone", Input(placeholder="印在台账上"))
                    yield FieldError("form")
                    with Horizontal(classes="buttons"):
                        yield Button("保存（Ctrl+S）", id="save-profile", compact=True)
            with TabPane("人员", id="tab-staff"):
                yield Static(
                    "回车 编辑　N 新增　P 设置/重设密码　M 修改我的密码　T 自动锁屏　V 校验各登记簿\n"
                    "（人员不删除，离岗的改为不在岗；人员和密码的改动须管理员输入密码）",
                    classes="hint",
                )
                yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
            with TabPane("印章", id="tab-seals"):
                yield Static("回车 编辑　N 新增　V 校验各登记簿　（印章不删除，停用的改为不启用）", classes="hint")
                yield DataTable(id="seal-table", cursor_type="row", zebra_stripes=True)
            with TabPane("节假日", id="tab-holidays"):
                with Form(id="holiday-form"):
                    yield Static("", id="coverage", classes="hint")
                    yield from field_row("年份", "year", Input(placeholder="如：2027", max_length=4))
                    yield Static(SCHEDULE_HINT, classes="hint")
                    yield TextArea(id="f-content", soft_wrap=False)
                    yield FieldError("content")
                    yield from field_row("或从文件导入", "path", Input(placeholder="TOML 文件路径，回车导入"))
                    with Horizontal(classes="buttons"):
                        yield Button("保存（Ctrl+S）", id="save-holidays", compact=True)
                        yield Button("导入文件", id="import-holidays", compact=True)
            with TabPane("备份", id="tab-backup"):
                yield from compose_backup_page()

    def on_mount(self) -> None:
        staff = self.query_one("#staff-table", DataTable)
        staff.add_columns("姓名", "联系电话", "职务", "状态", "密码")
        seals = self.query_one("#seal-table", DataTable)
        seals.add_columns("印章", "编号简称", "审批职务", "保管人", "状态")
        self.query_one("#f-content", TextArea).styles.height = 7
        self._tab = "tab-profile"
        self._holidays_loaded = ""
        self.refresh_data()
        self.query_one("#f-village", Input).focus()  # typing goes into the first field; F9 again turns the page

    # -- loading ------------------------------------------------------------
    def refresh_data(self) -> None:
        services = self.services
        if services is None:
            return
        if not self._profile_unsaved():  # never over what is being typed
            p = services.settings.profile()
            for field in ("village", "township", "county", "phone"):
                self.query_one(f"#f-{field}", Input).value = getattr(p, field)
            self._profile_loaded: tuple[str, ...] | None = self._profile_values()
        self._load_staff()
        self._load_seals()
        self._load_coverage()
        self._load_backup()

    def _load_staff(self) -> None:
        table = self.query_one("#staff-table", DataTable)
        row = table.cursor_row
        table.clear()
        for p in self.live.staff.list():
            roles = "、".join((*p.roles, "管理员")) if p.admin else p.roles_text
            table.add_row(
                p.name,
                p.phone,
                roles,
                "在岗" if p.active else "离岗",
                "已设" if p.has_pin else ("未设" if p.active else ""),
                key=str(p.id),
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def _load_seals(self) -> None:
        table = self.query_one("#seal-table", DataTable)
        row = table.cursor_row
        table.clear()
        for s in self.live.seals.list():
            table.add_row(
                s.name,
                s.short_name,
                s.approver_role,
                s.keeper_name or "未指定",
                "启用" if s.active else "停用",
                key=str(s.id),
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def _load_coverage(self) -> None:
        mine = self.live.holidays.schedules()
        own = "、".join(f"{s.year}年（{s.origin}）" for s in mine)
        package = [y for y in self.live.holidays.covered_years() if y not in {s.year for s in mine}]
        span = f"{min(package)}至{max(package)}年" if package else "无"
        extra = f"；另有 {own}" if own else "；其他年份尚未录入"
        self.query_one("#coverage", Static).update(f"已有节假日安排：内置 {span}{extra}。输入年份可查看或修改。")

    # -- unsaved input ---------------------------------------------------------
    PROFILE_FIELDS = ("village", "township", "county", "phone")

    def _profile_values(self) -> tuple[str, ...]:
        return tuple(self.query_one(f"#f-{f}", Input).value for f in self.PROFILE_FIELDS)

    def _profile_unsaved(self) -> bool:
        loaded = getattr(self, "_profile_loaded", None)
        return loaded is not None and self._profile_values() != loaded

    def _holidays_unsaved(self) -> bool:
        return self.query_one("#f-content", TextArea).text.strip() != getattr(self, "_holidays_loaded", "").strip()

    def _page_unsaved(self, tab: str) -> str:
        """What is unsaved on page ``tab``: its name, or ""."""
        if tab == "tab-profile" and self._profile_unsaved():
            return "村(社区)信息"
        if tab == "tab-holidays" and self._holidays_unsaved():
            return "节假日安排"
        return ""

    def has_unsaved(self) -> bool:
        return bool(self._page_unsaved("tab-profile") or self._page_unsaved("tab-holidays"))

    def _discard_page(self, tab: str) -> None:
        if tab == "tab-profile":
            self._profile_loaded = None
            self.refresh_data()
        elif tab == "tab-holidays":
            self.query_one("#f-content", TextArea).text = self._holidays_loaded

    @on(TabbedContent.TabActivated, "#tabs")
    def _page_changed(self, event: TabbedContent.TabActivated) -> None:
        """Leaving a page with unsaved input asks first; N goes back to it."""
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog

        left, new = getattr(self, "_tab", "tab-profile"), event.pane.id or ""
        if new == left:
            return
        what = self._page_unsaved(left)
        self._tab = new
        if not what:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._discard_page(left)
            else:
                self._tab = left
                self.query_one("#tabs", TabbedContent).active = left

        self.app.push_screen(
            ConfirmDialog(
                f"放弃未保存的{what}？", f"{what}改了还没有保存。按 Y 放弃改动，按 N 回到该页（Ctrl+S 保存）。"
            ),
            answer,
        )

    @on(Input.Changed, "#f-year")
    def _year_typed(self, event: Input.Changed) -> None:
        if len(event.value) != 4 or not event.value.isdigit():
            return
        year = int(event.value)
        for s in self.live.holidays.schedules():
            if s.year == year:
                self.query_one("#f-content", TextArea).text = self._holidays_loaded = s.content
                return
        from cunwu_tui.domain import workdays

        package = workdays.package_schedule(year)
        text = workdays.format_schedule_lines(package) if package else ""
        self.query_one("#f-content", TextArea).text = self._holidays_loaded = text

    # -- actions ------------------------------------------------------------
    def next_page(self) -> None:
        tabs = self.query_one(Tabs)
        tabs.action_next_tab()
        self.call_after_refresh(self._focus_page)

    def action_page(self, tab: str) -> None:
        """Show one page (the 登记簿 menu's 人员名单, 节假日安排)."""
        self.query_one("#tabs", TabbedContent).active = tab
        self.call_after_refresh(self._focus_page)

    def _focus_page(self) -> None:
        """The page's first field (or its list), so typing goes somewhere."""
        pane = self.query_one(f"#{self._active_tab()}", TabPane)
        first = next((w for w in pane.query("Input, DataTable, TextArea") if w.focusable), None)
        (first or self.query_one(Tabs)).focus()

    def _active_tab(self) -> str:
        return self.query_one("#tabs", TabbedContent).active

    def action_save(self) -> None:
        tab = self._active_tab()
        if tab == "tab-profile":
            self._save_profile()
        elif tab == "tab-holidays":
            self._save_holidays()
        elif tab == "tab-backup":
            self._save_backup_settings()

    def action_verify_seals(self) -> None:
        """V on any page: the full check of every register."""
        self.action_verify()

    def action_new(self) -> None:
        tab = self._active_tab()
        if tab == "tab-staff":
            self.app.push_screen(StaffForm(self.live), self._after_form)
        elif tab == "tab-seals":
            self.app.push_screen(SealForm(self.live), self._after_form)

    def _staff_on_cursor(self):
        table = self.query_one("#staff-table", DataTable)
        if self._active_tab() != "tab-staff" or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.services.staff.get(int(key or 0))

    def action_reset_pin(self) -> None:
        person = self._staff_on_cursor()
        if person is None:
            return
        if not person.active:
            self.notify(f"{person.name}已离岗，不能设置密码。")
            return
        self.app.push_screen(PinForm(self.live, person), self._after_form)

    def action_my_pin(self) -> None:
        if self._active_tab() == "tab-staff":
            self.app.push_screen(PinForm(self.live), self._after_form)

    def action_idle(self) -> None:
        if self._active_tab() == "tab-staff":
            self.app.push_screen(IdleForm(self.live), self._after_form)

    def _after_form(self, saved: bool | None) -> None:
        if saved:
            self.notify("已保存。")
            self.app.refresh_screen()

    @on(DataTable.RowSelected, "#staff-table")
    def _edit_staff(self, event: DataTable.RowSelected) -> None:
        person = self.live.staff.get(int(event.row_key.value or 0))
        if person:
            self.app.push_screen(StaffForm(self.live, person), self._after_form)

    @on(DataTable.RowSelected, "#seal-table")
    def _edit_seal(self, event: DataTable.RowSelected) -> None:
        seal = next((s for s in self.live.seals.list() if str(s.id) == event.row_key.value), None)
        if seal:
            self.app.push_screen(SealForm(self.live, seal), self._after_form)

    @on(Button.Pressed, "#save-profile")
    def _save_profile(self) -> None:
        form = self.query_one("#profile-form", Form)
        values = {f: self.query_one(f"#f-{f}", Input).value for f in ("village", "township", "county", "phone")}
        from cunwu_tui.services.settings import VillageProfile

        try:
            self.live.settings.save_profile(VillageProfile(**values))
        except (ValidationError, SaveError) as exc:
            form.show_errors(getattr(exc, "errors", {"form": str(exc)}))
            return
        form.clear_errors()
        self._profile_loaded = self._profile_values()
        self.notify("村(社区)信息已保存。")
        self.app.refresh_screen()

    @on(Button.Pressed, "#save-holidays")
    def _save_holidays(self) -> None:
        form = self.query_one("#holiday-form", Form)
        year = self.query_one("#f-year", Input).value.strip()
        text = self.query_one("#f-content", TextArea).text
        try:
            saved = self.live.holidays.save_year(year, text)
        except (ValidationError, SaveError) as exc:
            form.show_errors(getattr(exc, "errors", {"content": str(exc)}))
            return
        form.clear_errors()
        self._holidays_loaded = text
        self.notify(f"{saved.year}年节假日安排已保存。")
        self.app.refresh_screen()

    @on(Input.Submitted, "#f-path")
    @on(Button.Pressed, "#import-holidays")
    def _import_holidays(self) -> None:
        form = self.query_one("#holiday-form", Form)
        path = self.query_one("#f-path", Input).value.strip()
        if not path:
            form.show_errors({"path": "请填写要导入的文件路径。"})
            return
        try:
            saved = self.live.holidays.import_file(path)
        except (ValidationError, SaveError) as exc:
            form.show_errors(getattr(exc, "errors", {"path": str(exc)}))
            return
        form.clear_errors()
        self._holidays_loaded = saved.content
        self.query_one("#f-year", Input).value = str(saved.year)
        self.query_one("#f-content", TextArea).text = saved.content
        self.notify(f"已导入{saved.year}年节假日安排。")
        self.app.refresh_screen()
