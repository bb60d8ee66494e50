"""居民登记 (reached from F4 with R): the register of residents, a page at a
time, searched by name, ID number tail, phone tail or 村民小组; one
resident's details with all their cases in every status; corrections (on
the operation log) and merging a duplicate registration with its reason.

ID and phone numbers are masked here as in every list; the correction form
is the only place that shows them whole (to correct them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Select, Static

from cunwu_tui.ui.screens.base import AppScreen, DetailScreen
from cunwu_tui.ui.screens.modal import ModalForm
from cunwu_tui.ui.widgets import FieldError, Form, blank_select, cut, field_row, key_id, screen_text

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.residents.service import ResidentInfo

PAGE = 12
ID_TYPES = (
    "居民身份证",
    "户口簿",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "护照",
    "其他证件",
)


class ResidentsScreen(AppScreen):
    """居民登记 (R on F4). ``open_case(case_id)`` opens a case from a
    resident's history: the cases screen hands it over, so that this module
    does not import the cases screen back."""

    BINDINGS = [
        Binding("slash", "search", "查找", show=False),
        Binding("escape", "back", "返回", show=False),
        Binding("pagedown,right_square_bracket", "next_page", "下一页", show=False),
        Binding("pageup,left_square_bracket", "prev_page", "上一页", show=False),
    ]

    def __init__(self, open_case: Callable[[int], object]):
        super().__init__()
        self.open_case = open_case

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="查找：姓名、身份证号后4位、电话后4位、村民小组（按 / 进入）", id="res-q")
        yield Static("", id="res-info", classes="hint")
        yield DataTable(id="res-table", cursor_type="row", zebra_stripes=False)
        yield Static("回车 详情　/ 查找　PgDn/PgUp 或 ] [ 翻页　Esc 返回受理登记", classes="hint")

    def on_mount(self) -> None:
        self.page_offset = 0
        table = self.query_one("#res-table", DataTable)
        table.add_columns("姓名", "小组", "证件号码", "电话", "备注")
        table.focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.services is None:
            return
        q = self.query_one("#res-q", Input).value
        page = self.services.residents.page(q, self.page_offset, PAGE)
        self.page_offset = page.offset
        table = self.query_one("#res-table", DataTable)
        table.clear()
        for r in page.items:
            mark = "已合并（重复登记）" if r.merged_into else ""
            table.add_row(
                Text(cut(r.name, 10)),
                Text(cut(r.group, 6)),
                r.masked_id,
                r.masked_phone,
                Text(mark, style="dim"),
                key=str(r.id),
            )
        scope = f"查找「{screen_text(q.strip())}」" if q.strip() else "全部居民"
        self.query_one("#res-info", Static).update(f"{scope}：共 {page.total} 人　第 {page.page}/{page.pages} 页")

    @on(Input.Changed, "#res-q")
    def _typed(self) -> None:
        self.page_offset = 0
        self.refresh_data()

    @on(Input.Submitted, "#res-q")
    def _to_table(self) -> None:
        self.query_one("#res-table", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#res-q", Input).focus()

    def action_back(self) -> None:
        if self.query_one("#res-q", Input).has_focus:
            self.query_one("#res-table", DataTable).focus()
            return
        self.app.pop_screen()

    def action_next_page(self) -> None:
        self.page_offset += PAGE
        self.refresh_data()

    def action_prev_page(self) -> None:
        self.page_offset = max(0, self.page_offset - PAGE)
        self.refresh_data()

    @on(DataTable.RowSelected, "#res-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ResidentDetailScreen(key_id(event.row_key), self.open_case))


def render_resident(r: ResidentInfo, kept: ResidentInfo | None, cases, today) -> Text:
    t = Text()
    t.append(f"{screen_text(r.name)}\n", style="bold")
    t.append(f"证件：{r.id_type} {r.masked_id}\n")
    t.append(f"电话：{r.masked_phone or '未登记'}　村民小组：{screen_text(r.group) or '未登记'}\n")
    if r.address:
        t.append(f"住址：{screen_text(r.address)}\n")
    if r.note:
        t.append(f"备注：{screen_text(r.note)}\n")
    if kept is not None:
        t.append(f"已合并到：{screen_text(kept.label)}，原因：{screen_text(r.merge_reason)}\n", style="bold")
    t.append(f"\n【办件】共 {len(cases)} 件（各种状态，含合并的重复登记）\n", style="bold")
    if not cases:
        t.append("没有办件。\n", style="dim")
    return t


class ResidentDetailScreen(DetailScreen):
    DEFAULT_CSS = """
    ResidentDetailScreen #res-scroll { height: auto; max-height: 9; }
    ResidentDetailScreen #res-cases { height: 1fr; }
    """
    BINDINGS = [
        Binding("e", "correct", "更正", show=False),
        Binding("h", "merge", "合并", show=False),
    ]
    # The cases' table below the body takes the keys (Enter opens one).
    SCROLL_ID, BODY_ID, KEYS_ID, SCROLL_FOCUS = "res-scroll", "res-detail", "res-keys", False

    def __init__(self, resident_id: int, open_case: Callable[[int], object]):
        super().__init__()
        self.resident_id = resident_id
        self.open_case = open_case

    def compose_below(self) -> ComposeResult:
        yield DataTable(id="res-cases", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        table = self.query_one("#res-cases", DataTable)
        table.add_columns("编号", "事项", "状态", "受理")
        table.focus()

    def load(self, services: Services):
        today = self.app.today()  # type: ignore[attr-defined]
        res = services.residents
        self.info = r = res.get(self.resident_id)
        if r is None:
            self.app.pop_screen()
            return None
        kept = res.get(r.merged_into) if r.merged_into else None
        self.cases = services.cases.for_residents(res.registrations(self.resident_id), today)
        table = self.query_one("#res-cases", DataTable)
        table.clear()
        for c in self.cases:
            table.add_row(
                c.number[c.number.index("第") :] if "第" in c.number else c.number,
                Text(cut(c.matter_name, 30)),
                c.status,
                f"{c.received_at:%Y-%m-%d}",
                key=str(c.id),
            )
        keys = ["回车 打开办件", "E 更正"] + ([] if r.merged_into else ["H 合并重复登记"]) + ["Esc 返回"]
        return render_resident(r, kept, self.cases, today), keys

    @on(DataTable.RowSelected, "#res-cases")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.open_case(key_id(event.row_key))

    def action_correct(self) -> None:
        assert self.info is not None  # the screen shows a resident
        self.app.push_screen(CorrectForm(self.live, self.info), lambda _r: self.refresh_data())

    def action_merge(self) -> None:
        assert self.info is not None
        if self.info.merged_into:
            self.notify("本登记已合并，不能再合并。", severity="warning")
            return
        self.app.push_screen(MergeForm(self.live, self.info), lambda _r: self.refresh_data())


class CorrectForm(ModalForm):
    """更正居民信息: every change goes on the operation log (before and after)."""

    def __init__(self, services: Services, info: ResidentInfo):
        super().__init__(services)
        self.info = info

    def compose(self) -> ComposeResult:
        r = self.info
        with Form(classes="dialog", id="correct-form"):
            yield Static(f"更正居民信息：{screen_text(r.name)}（改前改后记入操作日志）", classes="title")
            yield from field_row("姓名", "name", Input(r.name))
            yield from field_row("证件类型", "id_type", blank_select(ID_TYPES, r.id_type))
            yield from field_row("证件号码", "id_number", Input(r.id_number))
            yield from field_row("联系电话", "phone", Input(r.phone))
            yield from field_row("村民小组", "group", Input(r.group))
            yield from field_row("住址", "address", Input(r.address))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def save(self):
        return self.services.residents.update(
            self.info.id,
            self.value("name"),
            self.choice("id_type") or "居民身份证",
            self.value("id_number"),
            self.value("phone"),
            self.value("group"),
            self.value("address"),
            self.info.note,
        )


class MergeForm(ModalForm):
    """合并重复登记: this registration is a duplicate of the one kept."""

    def __init__(self, services: Services, info: ResidentInfo):
        super().__init__(services)
        self.info = info

    def compose(self) -> ComposeResult:
        r = self.info
        found: dict[int, ResidentInfo] = {}
        for q in (r.name, r.id_number[-4:] if len(r.id_number) >= 4 else "", r.phone[-4:] if len(r.phone) >= 4 else ""):
            if q:
                found.update({x.id: x for x in self.services.residents.search(q, 50) if x.id != r.id})
        same = list(found.values())
        with Form(classes="dialog", id="merge-form"):
            yield Static(f"合并重复登记：{screen_text(r.label)}", classes="title")
            yield Static("本登记并入要保留的登记；两者和办件都保留，办件在保留的登记下一并列出。", classes="hint")
            yield from field_row(
                "保留的登记",
                "kept",
                Select(
                    [(cut(x.label, 40), x.id) for x in same],
                    prompt="请选择" if same else "没有同名或证件号、电话相近的居民",
                    compact=True,
                    allow_blank=True,
                ),
            )
            yield from field_row("合并原因", "reason", Input(placeholder="必填，如：同一人重复登记，证件号录错"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-kept", Select).focus()

    def save(self):
        return self.services.residents.merge(self.info.id, self.picked("kept"), self.value("reason"))
