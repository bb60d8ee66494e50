"""F3 事项查询: one search box, results as you type, a matter's detail, the
一次性告知书, and the village's own additions to the catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from cunwu_tui.features.lookup.catalog import FORMS, RULES_CATEGORY
from cunwu_tui.ui.screens.guard import Guarded

from cunwu_tui.ui.screens.base import AppScreen, DetailScreen
from cunwu_tui.ui.screens.modal import ModalForm
from cunwu_tui.ui.widgets import CheckList, FieldError, Form, field_row, screen_text

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.lookup.service import LocalMatterInfo, MatterView

PLACEHOLDER = "事项名称、拼音或首字母、材料名称，如：低保、dibao、dbsq、残疾证"


class LookupScreen(AppScreen):
    """Search box on top, results below; Enter opens a matter."""

    BINDINGS = [
        Binding("ctrl+n", "new_local", "新增本村事项", key_display="^N", show=False),  # named in the status line
        Binding("escape", "focus_search", "搜索框", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="q")
        yield Static("正在载入事项目录，请稍候。", id="status", classes="hint")
        yield OptionList(id="results")

    def on_mount(self) -> None:
        self._codes: list[str] = []
        self.query_one("#q", Input).focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        services = self.services
        if services is None:
            return
        if services.catalog.ready:
            self.show_results()
        else:
            self.load_catalog()

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def load_catalog(self) -> None:
        try:
            self.live.catalog.warm()
        except Exception as exc:
            import logging

            logging.getLogger("cunwu.ui").exception("catalog failed to load")
            from cunwu_tui.logsetup import log_path

            message = str(exc) if any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)) else type(exc).__name__
            self.app.call_from_thread(self._status, f"事项目录载入失败：{message}。详细信息见日志：{log_path()}")
            return
        self.app.call_from_thread(self.show_results)

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    @on(Input.Changed, "#q")
    def _typed(self) -> None:
        if self.services is not None and self.services.catalog.ready:
            self.show_results()

    def show_results(self) -> None:
        catalog = self.live.catalog
        query = self.query_one("#q", Input).value.strip()
        results = self.query_one("#results", OptionList)
        results.clear_options()
        if not query:
            cat = catalog.catalog()
            matters = [m for c in cat.categories() for m in cat.in_category(c)]
            self._codes = [m.code for m in matters]
            results.add_options([Option(self._line(m.name, f"〔{m.category}〕"), id=m.code) for m in matters])
            self._status(f"共 {len(matters)} 个事项。输入关键词；下键进入结果，回车查看；Ctrl+N 新增本村事项。")
        else:
            hits = catalog.search(query)
            self._codes = [h.code for h in hits]
            results.add_options([Option(self._line(h.name, h.reason or f"〔{h.category}〕"), id=h.code) for h in hits])
            self._status(
                f"找到 {len(hits)} 个事项。下键进入结果，回车查看。"
                if hits
                else "没有找到。换个说法试试：事项名称、拼音首字母或所需材料。"
            )
        if self._codes:
            results.highlighted = 0

    def _line(self, name: str, note: str) -> Text:
        """One line per result: the name, then why it matched, cut to fit."""
        from rich.cells import cell_len

        width = max(20, self.query_one("#results", OptionList).size.width - 4 or 74)
        name, note = screen_text(name), "　" + screen_text(note)
        room = width - cell_len(name)
        if cell_len(note) > room:
            while note and cell_len(note) > room - 1:
                note = note[:-1]
            note = note + "⋯" if len(note) > 1 else ""
        text = Text(name)
        text.append(note, style="dim")
        return text

    @on(Input.Submitted, "#q")
    def _open_first(self) -> None:
        results = self.query_one("#results", OptionList)
        if self._codes:
            self.open_matter(self._codes[results.highlighted or 0])

    @on(OptionList.OptionSelected, "#results")
    def _open_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_matter(event.option.id)

    def on_key(self, event) -> None:
        q = self.query_one("#q", Input)
        results = self.query_one("#results", OptionList)
        if event.key == "down" and q.has_focus and self._codes:
            results.focus()
            event.stop()
        elif event.key == "up" and results.has_focus and not results.highlighted:
            q.focus()  # from the first result back to the search box
            event.stop()

    def action_focus_search(self) -> None:
        self.query_one("#q", Input).focus()

    def open_matter(self, code: str) -> None:
        self.app.push_screen(MatterScreen(code))

    def action_new_local(self) -> None:
        if self.services is None:
            return

        def saved(code: str | None) -> None:
            if code:
                self.refresh_data()
                self.open_matter(code)

        self.app.push_screen(LocalMatterForm(self.services), saved)


# --------------------------------------------------------------------------


def render_view(v: MatterView) -> Text:
    """The matter's detail as it reads on screen."""
    t = _render(v)
    return Text(screen_text(t.plain), spans=t.spans)  # same length: spans stay valid


def _render(v: MatterView) -> Text:
    t = Text()
    t.append(v.name, style="bold")
    t.append(f"　〔{v.category}〕\n", style="dim")
    if v.category == RULES_CATEGORY:
        t.append("本单位的工作制度（来源原文照录），仅供查阅，不是可受理的事项。\n", style="bold")
    if v.aliases:
        t.append(f"又称：{'、'.join(v.aliases)}\n", style="dim")
    if len(v.variants) > 1:
        at = [s for s, _ in v.variants].index(v.seed) + 1
        t.append(f"来源：{v.variants[at - 1][1]}（{at}/{len(v.variants)}，按 V 看其他来源）\n", style="dim")
    elif v.variants:
        t.append(f"来源：{v.variants[0][1]}\n", style="dim")
    elif v.local:
        t.append("来源：本村事项\n", style="dim")

    def section(title: str, items, numbered: bool = True) -> None:
        items = list(items)
        if not items:
            return
        t.append(f"\n【{title}】\n", style="bold")
        for i, item in enumerate(items, 1):
            prefix = f"{i}. " if numbered and len(items) > 1 else ""
            if isinstance(item, Text):
                t.append(prefix)
                t.append_text(item)
                t.append("\n")
            else:
                t.append(f"{prefix}{item}\n")

    section("办理条件", v.conditions)
    docs = []
    for d in v.documents:
        line = Text(d.line)
        if d.local:
            line.append("〔本村补充〕", style="bold")
        docs.append(line)
    if docs:
        section("所需材料", docs)
    else:
        t.append("\n【所需材料】\n", style="bold")
        t.append("事项目录未载明。\n", style="dim")
    if v.where:
        section("办理地点", [v.where], numbered=False)
    section("办理时限", v.time_limits)
    if v.fees:
        section("收费", [v.fees], numbered=False)
    steps = []
    for s in v.steps:
        step = f"{s.order}. "
        if s.branch:
            step += f"〔{s.branch}〕"
        step += s.text
        if s.actor:
            step += f"（{s.actor}）"
        if s.time_limit:
            step += f"　时限：{s.time_limit}"
        if s.note:
            step += f"\n   {s.note}"
        steps.append(step)
    if v.order_note and v.seed_order:
        steps.append(f"（流程图顺序按文意重排；来源原文的先后为：{v.seed_order}）")
    section("办理流程" + ("（流程图顺序按文意重排）" if v.order_note else ""), steps, numbered=False)
    section("公示", v.notices)
    if v.handled_by:
        section("办理层级", ["、".join(v.handled_by)], numbered=False)
    if v.guidance_unit:
        section("指导单位", [v.guidance_unit], numbered=False)
    section("监督管理", v.supervision)
    section("廉政风险点", v.risk_points)
    section("防控措施", v.prevention)
    notes = []
    for n in v.notes:
        line = Text(n.text)
        if n.local:
            line.append("〔本村补充〕", style="bold")
        notes.append(line)
    section("说明", notes)
    return t


class MatterScreen(DetailScreen):
    """One matter: conditions, documents, steps, time limits, fees."""

    # Listed in the line above the footer, which keeps to the global keys.
    BINDINGS = [
        Binding("p", "letter", "告知书", show=False),
        Binding("v", "variant", "换来源", show=False),
        Binding("a", "add_document", "加材料", show=False),
        Binding("b", "add_note", "加说明", show=False),
        Binding("d", "withdraw", "撤销补充", show=False),
        Binding("e", "edit_local", "编辑", show=False),
        Binding("n", "intake", "受理", show=False),
    ]

    def __init__(self, code: str):
        super().__init__()
        self.code = code
        self.seed: str | None = None

    def load(self, services: Services):
        self.view = services.catalog.view(self.code, self.seed)
        self.seed = self.view.seed
        rule = self.view.category == RULES_CATEGORY  # the office's rules: to read, never to take in
        keys = ["B 加说明", "D 撤销补充"] if rule else ["N 受理", "P 告知书", "A 加材料", "B 加说明", "D 撤销补充"]
        if len(self.view.variants) > 1:
            keys.append("V 换来源")
        if self.view.local:
            keys.append("E 编辑")
        return render_view(self.view), keys + ["Esc 返回"]

    def action_intake(self) -> None:
        """Take in a case of this matter: F4 with the intake form filled in."""
        if self.view.category == RULES_CATEGORY:
            self.notify("这是本单位的工作制度，仅供查阅，不能受理。", severity="warning")
            return
        app, code, seed = self.app, self.code, self.seed

        def open_form() -> None:
            lists = [s for s in app.screen_stack if hasattr(s, "open_intake")]
            if lists:
                lists[-1].open_intake(code, seed)

        app.action_go("cases")  # type: ignore[attr-defined]
        app.call_after_refresh(open_form)

    def action_variant(self) -> None:
        seeds = [s for s, _ in self.view.variants]
        if len(seeds) > 1:
            self.seed = seeds[(seeds.index(self.view.seed) + 1) % len(seeds)]
            self.refresh_data()
            self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    def action_letter(self) -> None:
        if self.view.category == RULES_CATEGORY:
            self.notify("这是本单位的工作制度，没有一次性告知书。", severity="warning")
            return
        from cunwu_tui.errors import ValidationError

        letter = self.live.catalog.letter(self.code, self.seed, today=self.app.today())  # type: ignore[attr-defined]
        try:
            path = self.live.catalog.write_letter(letter)
        except ValidationError as exc:
            self.app.push_screen(LetterDialog(letter.text, "", next(iter(exc.errors.values()))))
            return
        self.app.push_screen(LetterDialog(letter.text, str(path.resolve())))

    def _after_save(self, saved) -> None:
        if saved:
            self.refresh_data()

    def action_add_document(self) -> None:
        if self.view.category == RULES_CATEGORY:
            self.notify("工作制度没有所需材料。", severity="warning")
            return
        self.app.push_screen(AdditionForm(self.live, self.view, "document"), self._after_save)

    def action_add_note(self) -> None:
        self.app.push_screen(AdditionForm(self.live, self.view, "note"), self._after_save)

    def action_withdraw(self) -> None:
        items = [(d.addition_id, f"材料：{d.name}") for d in self.view.documents if d.local]
        items += [(n.addition_id, f"说明：{n.text}") for n in self.view.notes if n.local and n.addition_id]
        if not items:
            self.notify("这个事项没有本村补充的内容。")
            return
        self.app.push_screen(WithdrawDialog(self.live, items), self._after_save)

    def action_edit_local(self) -> None:
        info = self.live.catalog.local_by_code(self.code)
        if info is None:
            self.notify("只有本村事项可以编辑；目录中的事项可以添加材料或说明。")
            return

        def saved(code: str | None) -> None:
            if code:
                if self.code in self.live.catalog.catalog():
                    self.refresh_data()
                else:  # withdrawn
                    self.app.pop_screen()

        self.app.push_screen(LocalMatterForm(self.live, info), saved)


class LetterDialog(Guarded, ModalScreen[None]):
    """The 一次性告知书 on screen, and where its print file went."""

    BINDINGS = [Binding("escape,enter", "close", "关闭")]

    def __init__(self, text: str, path: str, error: str = ""):
        super().__init__()
        self._text, self._path, self._error = text, path, error

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="letter"):
            # "1. 很长的中文" would wrap after "1.": keep the number with its text
            import re

            yield Static(re.sub(r"(\d+)\. (?=[^\x00-\x7f])", r"\1.", screen_text(self._text)), markup=False)
            if self._path:
                yield Static(f"已保存为 Excel，打开后按 A4 打印：\n{self._path}", markup=False, classes="title")
            else:
                yield Static(f"未能保存：{self._error}", markup=False, classes="error -shown")
            with Horizontal(classes="buttons"):
                yield Button("关闭（Esc）", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#letter").focus()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class AdditionForm(ModalForm):
    """A document or a note the village adds to a matter."""

    def __init__(self, services: Services, view: MatterView, kind: str):
        super().__init__(services)
        self.view, self.kind = view, kind

    def compose(self) -> ComposeResult:
        doc = self.kind == "document"
        with Form(classes="dialog"):
            yield Static(f"{'添加所需材料' if doc else '添加说明'}：{self.view.name}", classes="title")
            if doc:
                yield from field_row("材料名称", "text", Input(placeholder="必填，如：户口簿首页及本人页"))
                yield from field_row(
                    "原件/复印件",
                    "form",
                    Select(
                        [(f, f) for f in FORMS if f],
                        prompt="不写",
                        compact=True,
                    ),
                )
                yield from field_row("份数", "count", Input(placeholder="可不填", max_length=2))
            else:
                yield from field_row("说明", "text", Input(placeholder="必填，如：每周二、周四上午受理"))
                yield FieldError("form")  # (a document's "form" field has its own line)
            yield Static("本村补充的内容会标注〔本村补充〕，升级事项目录后仍然保留。", classes="hint")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-text", Input).focus()

    def save(self):
        if self.kind == "document":
            return self.services.catalog.add_document(
                self.view.code, self.value("text"), self.choice("form"), self.value("count")
            )
        return self.services.catalog.add_note(self.view.code, self.value("text"))


class WithdrawDialog(Guarded, ModalScreen[bool]):
    """Pick one of the village's additions to withdraw (kept on record)."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, services: Services, items: list[tuple[int | None, str]]):
        super().__init__()
        self.services, self.items = services, items

    def compose(self) -> ComposeResult:
        with Form(classes="dialog"):
            yield Static("撤销本村补充（选中后回车；记录保留在操作日志中）", classes="title")
            yield OptionList(*[Option(Text(label), id=str(i)) for i, label in self.items], id="items")
            with Horizontal(classes="buttons"):
                yield Button("取消（Esc）", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#items", OptionList).focus()

    @on(OptionList.OptionSelected, "#items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog

        addition_id = int(event.option.id or 0)

        def answer(yes: bool | None) -> None:
            if yes:
                self.services.catalog.withdraw_addition(addition_id)
                self.dismiss(True)

        self.app.push_screen(ConfirmDialog("撤销这一条？", str(event.option.prompt)), answer)

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)


class LocalMatterForm(ModalForm):
    """新增/编辑本村事项. Dismisses with the matter's code when saved."""

    # What services.catalog.add_local / update_local take, by field name:
    # one-line fields, then one item a line.
    FIELDS = ("name", "aliases", "category", "where", "time_limit", "fees", "conditions", "documents", "notes")

    def __init__(self, services: Services, info: LocalMatterInfo | None = None):
        super().__init__(services)
        self.info = info

    def compose(self) -> ComposeResult:
        i = self.info
        with Form(classes="dialog", id="local-form"):
            yield Static("编辑本村事项" if i else "新增本村事项（目录中没有的事项）", classes="title")
            with VerticalScroll(id="local-fields"):
                yield from field_row("事项名称", "name", Input(i.name if i else "", placeholder="必填"))
                yield from field_row(
                    "别名", "aliases", Input("、".join(i.aliases) if i else "", placeholder="其他叫法，用顿号隔开")
                )
                yield from field_row("类别", "category", Input(i.category if i else "", placeholder="默认：本村事项"))
                yield from field_row("办理地点", "where", Input(i.where if i else ""))
                yield from field_row(
                    "办理时限", "time_limit", Input(i.time_limit if i else "", placeholder="如：5个工作日、7日、当日")
                )
                yield from field_row("收费", "fees", Input(i.fees if i else "", placeholder="如：免费"))
                yield Label("办理条件（每行一条）")
                yield TextArea("\n".join(i.conditions) if i else "", id="f-conditions", classes="lines")
                yield Label("所需材料（每行一种）")
                yield TextArea("\n".join(i.documents) if i else "", id="f-documents", classes="lines")
                yield Label("说明（每行一条）")
                yield TextArea("\n".join(i.notes) if i else "", id="f-notes", classes="lines")
                if i:
                    yield CheckList(
                        [("在用（停用后不再出现在查询中，记录保留）", "active", i.active)], id="f-active", classes="one"
                    )
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def save(self) -> str:
        v = self.values(*self.FIELDS)
        if self.info is None:
            info = self.services.catalog.add_local(**v)
        else:
            active = "active" in self.values("active")["active"]
            info = self.services.catalog.update_local(self.info.id, active=active, **v)
        return info.code


HELP = """\
事项查询（F3）中：直接输入关键词（汉字、全拼、首字母或材料名称），
  下键进入结果，回车查看详情；Ctrl+N 新增本村事项。
  详情页：P 出具一次性告知书（屏幕显示并保存为 Excel 以便打印），
  A 添加材料，B 添加说明，D 撤销本村补充，V 切换来源文件，
  E 编辑本村事项，N 受理本事项（转到受理登记），Esc 返回。"""


def help_text() -> str:
    """F1's section on these screens."""
    return HELP
