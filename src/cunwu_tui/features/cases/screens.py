"""F4 受理登记: the case list (在办 / 即将到期 / 逾期 / 办结 / 不予受理),
the intake form, and a case's detail: its steps as a checklist, the
decisions at branches, outcomes, 否定报备 and 信访 follow-ups, the timeline.

Screens call ``services.cases`` and show plain data; every form keeps what
was typed when the service refuses it and shows why at the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from cunwu_tui.ui.screens import actions
from cunwu_tui.ui.screens.actions import ActionKey, keys_by_id
from cunwu_tui.ui.screens.base import AppScreen, DetailScreen
from cunwu_tui.domain import inputs
from cunwu_tui.features.cases.actions import NOTICES_SCREEN, RUNNING, CaseAction, Prompt
from cunwu_tui.ui.screens.modal import ModalForm
from cunwu_tui.ui.widgets import (
    CheckList,
    FieldError,
    Form,
    PagedTable,
    blank_select,
    cut,
    field_row,
    key_id,
    screen_text,
)

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.cases.service import CaseDetail, CaseIntake, CaseRow, IntakeDefaults

# Mirrors cunwu_tui.features.cases.rules (kept here so the screen imports nothing heavy).
FILTERS = ("在办", "即将到期", "逾期", "办结", "不予受理", "全部")
CHANNELS = ("来访", "来电", "来信", "网上", "上级交办")
KINDS = ("即办件", "承诺件", "上报件")
ID_TYPES = (
    "居民身份证",
    "户口簿",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "护照",
    "其他证件",
)


def remaining(r: CaseRow, today) -> Text:
    """What a list shows in 剩余: 逾期N天 (bold, in words, not by colour alone)."""
    if r.next_due is None:
        return Text(r.status if r.status != "在办" else "")
    days = (r.next_due - today).days
    if r.overdue:
        return Text(f"逾期{(today - r.next_due).days}天", style="bold red")
    if days == 0:
        return Text("今天到期", style="bold")
    return Text(f"{days}天", style="bold" if r.soon else "")


class CasesScreen(AppScreen):
    BINDINGS = [
        Binding("n", "new", "新建受理", show=False),
        Binding("s", "next_filter", "筛选", show=False),
        Binding("slash", "search", "查找", show=False),
        Binding("escape", "table", "列表", show=False),
        Binding("r", "residents", "居民", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="查找：编号、姓名、身份证号后4位、事项（按 / 进入，Esc 回到列表）", id="case-q")
        yield Static("", id="case-filter", classes="hint")
        yield PagedTable(id="case-table", cursor_type="row", zebra_stripes=False)
        yield Static("N 新建受理　回车 办理　S 筛选　/ 查找　R 居民登记", classes="hint")

    def on_mount(self) -> None:
        self.filter = FILTERS[0]
        self.filter_chosen = False  # S pressed: the filter also limits a search
        table = self.query_one("#case-table", DataTable)
        table.add_columns("编号", "申请人", "事项", "状态", "期限", "剩余")
        table.focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.services is None:
            return
        today = self.app.today()  # type: ignore[attr-defined]
        query = self.query_one("#case-q", Input).value
        active = self.active_filter(query)
        services = self.services
        first: list = []

        def fetch(offset: int, limit: int):
            page = services.cases.page(active, query, today, offset, limit)
            if not offset:
                first.append(page)
            return page.rows, page.more

        def add(r) -> None:
            style = "bold" if r.overdue else ""
            table.add_row(
                Text(r.number[r.number.index("第") :] if "第" in r.number else r.number, style=style),
                Text(cut(r.applicant, 8)),
                Text(cut(r.matter_name, 22)),
                Text(r.status, style=style),
                r.due_text,
                remaining(r, today),
                key=str(r.id),
            )

        table = self.query_one("#case-table", PagedTable)
        rows = table.show(fetch, add)
        page = first[0]
        count = f"{page.total} 件" if page.total is not None else f"{len(rows)} 件{'以上' if page.more else ''}"
        if query.strip() and not self.filter_chosen:
            text = f"查找范围：全部状态（S 选择筛选）　找到 {count}"
        else:
            text = f"筛选：{active}（S 切换）　" + (f"找到 {count}" if query.strip() else f"共 {count}")
        if page.more:
            text += "（向下翻看更多）"
        if not rows:
            text += "。按 N 新建受理。" if active == "在办" and not query else ""
        self.query_one("#case-filter", Static).update(text)

    @on(Input.Changed, "#case-q")
    def _typed(self) -> None:
        self.refresh_data()

    @on(Input.Submitted, "#case-q")
    def _to_table(self) -> None:
        self.query_one("#case-table", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#case-q", Input).focus()

    def action_table(self) -> None:
        self.query_one("#case-table", DataTable).focus()

    def active_filter(self, query: str) -> str:
        """A search looks in every status unless a filter was chosen with S."""
        return self.filter if (self.filter_chosen or not query.strip()) else FILTERS[-1]

    def action_residents(self) -> None:
        from cunwu_tui.features.residents.screens import ResidentsScreen

        self.app.push_screen(ResidentsScreen(lambda case_id: self.app.push_screen(CaseDetailScreen(case_id))))

    def action_next_filter(self) -> None:
        if self.filter_chosen or not self.query_one("#case-q", Input).value.strip():
            self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.filter_chosen = True
        self.refresh_data()

    @on(DataTable.RowSelected, "#case-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(CaseDetailScreen(key_id(event.row_key)))

    def action_new(self) -> None:
        self.open_intake()

    def open_intake(self, code: str = "", seed: str | None = None) -> None:
        def saved(case_id: int | None) -> None:
            self.refresh_data()
            if case_id:
                self.app.push_screen(CaseDetailScreen(case_id, offer_letter=True))

        self.app.push_screen(IntakeForm(self.live, code, seed), saved)


# ---------------------------------------------------------------------------
# Intake


class DocChecks(CheckList):
    """The documents checklist: ``[X]1.名称`` with no space, so a long name
    wraps under itself instead of leaving the box alone on a line."""

    @staticmethod
    def _prompt(label: str, on: bool) -> Text:
        return Text(f"[{'X' if on else ' '}]{label}")


class IntakeForm(ModalForm):
    """新建受理: matter (search as in F3), applicant (search or new), channel,
    首问人, kind, time limit, documents received, note."""

    LIMITS = {"note": inputs.LINE}

    BINDINGS = [Binding("ctrl+r", "new_resident", "新居民", key_display="^R")]

    def __init__(
        self,
        services: Services,
        code: str = "",
        seed: str | None = None,
        prefill: dict[str, str] | None = None,
        post: Callable[[CaseIntake], CaseRow] | None = None,
    ):
        """``prefill``: 受理渠道 ``channel`` and 备注 ``note`` to start with
        (an intake started from a duty log entry says where it came from).
        ``post``: the service call that saves it (from a duty log entry:
        ``duty.take_in``, which links the entry in the same transaction)."""
        super().__init__(services)
        self.prefill = prefill or {}
        self.post = post or services.cases.add
        self.code = code
        self.seed: str | None = seed
        self.defaults: IntakeDefaults | None = None
        self.resident_id: int | None = None
        self._matter_codes: list[str] = []
        self._resident_ids: list[int] = []
        self._chosen_text = ""

    def compose(self) -> ComposeResult:
        op = self.services.operator
        staff = self.services.staff.list(active_only=True)
        with Form(classes="dialog", id="intake-form"):
            yield Static("新建受理登记　Ctrl+S 保存　Esc 取消", classes="title")
            with VerticalScroll(id="intake-fields"):
                yield from field_row("事项", "matter", Input(placeholder="名称或拼音首字母，如 dbsq；下键选择"))
                yield OptionList(id="matter-results", classes="picks")
                yield Static("", id="matter-chosen", classes="hint")
                yield from field_row(
                    "来源", "seed", Select([], prompt="（本事项只有一个来源）", compact=True, allow_blank=True)
                )
                yield from field_row(
                    "申请人", "resident", Input(placeholder="姓名或身份证号后4位；下键选择；Ctrl+R 登记新居民")
                )
                yield OptionList(id="resident-results", classes="picks")
                yield Static("", id="resident-chosen", classes="hint")
                yield from field_row("受理渠道", "channel", blank_select(CHANNELS, "来访"))
                yield from field_row(
                    "首问人",
                    "first_officer",
                    Select(
                        [(p.name, p.id) for p in staff],
                        value=op.id if op and op.id in {p.id for p in staff} else Select.NULL,
                        prompt="请选择",
                        compact=True,
                    ),
                )
                yield from field_row("办件类型", "kind", blank_select(KINDS, "承诺件"))
                yield from field_row("承诺时限", "limit", Input(placeholder="天数；即办件不填", max_length=3))
                yield from field_row("时限单位", "unit", blank_select(("日", "工作日"), "工作日"))
                yield CheckList(
                    [("按信访件办理（信访工作条例：15日内决定是否受理，60日内办结）", "petition", False)],
                    id="f-petition",
                    classes="one",
                )
                yield Label("已收材料（空格键勾选；未勾选的列入一次性告知书）", id="docs-label")
                yield DocChecks([], id="f-documents", classes="docs")
                yield FieldError("documents")
                yield from field_row("材料页数", "pages", Input(placeholder="按勾选顺序填每项页数，空格分开，如 2 1 3"))
                yield from field_row("备注", "note", Input(placeholder="可不填"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-matter", Input).focus()
        if self.prefill.get("channel") in CHANNELS:
            self.query_one("#f-channel", Select).value = self.prefill["channel"]
        if self.prefill.get("note"):
            self.query_one("#f-note", Input).value = self.prefill["note"]
        if self.code:
            self.choose_matter(self.code, self.seed)
        self.query_one("#matter-results").display = False
        self.query_one("#resident-results").display = False

    # -- matter ---------------------------------------------------------------
    @on(Input.Changed, "#f-matter")
    def _matter_typed(self, event: Input.Changed) -> None:
        results = self.query_one("#matter-results", OptionList)
        results.clear_options()
        q = event.value.strip()
        if not q or not self.services.catalog.ready:
            results.display = False
            if q:
                self.query_one("#matter-chosen", Static).update("事项目录正在载入，请稍候再输入。")
            return
        hits = [h for h in self.services.catalog.search(q, 30) if h.category != "制度"][:20]  # rules: F3 only
        self.query_one("#matter-chosen", Static).update(
            self._chosen_text if hits else "没有找到。换个说法试试：事项名称、拼音首字母或所需材料。"
        )
        self._matter_codes = [h.code for h in hits]
        results.add_options([Option(cut(h.name, 56), id=h.code) for h in hits])
        results.display = bool(hits)
        if hits:
            results.highlighted = 0

    @on(Input.Submitted, "#f-matter")
    def _matter_enter(self) -> None:
        if self._matter_codes:
            results = self.query_one("#matter-results", OptionList)
            self.choose_matter(self._matter_codes[results.highlighted or 0])

    @on(OptionList.OptionSelected, "#matter-results")
    def _matter_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.choose_matter(event.option.id)

    def choose_matter(self, code: str, seed: str | None = None) -> None:
        self.code = code
        self.defaults = d = self.services.cases.intake_defaults(code, seed)
        self.seed = d.seed
        self.query_one("#matter-results").display = False
        self._chosen_text = f"已选：{screen_text(d.name)}（{len(d.documents)}项材料，{d.steps}个步骤）"
        self.query_one("#matter-chosen", Static).update(self._chosen_text)
        sel = self.query_one("#f-seed", Select)
        if len(d.variants) > 1:
            sel.set_options([(cut(title, 40), s) for s, title in d.variants])
            sel.value = d.seed
        else:
            sel.set_options([])
        docs = self.query_one("#f-documents", CheckList)
        docs.set_choices([(f"{i + 1}.{screen_text(line)}", str(i), False) for i, line in enumerate(d.documents)])
        if d.limit and not self.query_one("#f-limit", Input).value:
            self.query_one("#f-limit", Input).value = str(d.limit.value)
            self.query_one("#f-unit", Select).value = d.limit.unit
        if d.petition:
            pet = self.query_one("#f-petition", CheckList)
            if "petition" not in pet.selected:
                pet.highlighted = 0
                pet.action_toggle()
        self.query_one("#docs-label", Label).update(
            "已收材料（空格键勾选；未勾选的列入一次性告知书）" if d.documents else "本事项目录未列所需材料。"
        )
        self.query_one("#f-resident", Input).focus()

    @on(Select.Changed, "#f-seed")
    def _seed_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.seed and self.code:
            self.choose_matter(self.code, event.value)

    # -- applicant --------------------------------------------------------------
    @on(Input.Changed, "#f-resident")
    def _resident_typed(self, event: Input.Changed) -> None:
        results = self.query_one("#resident-results", OptionList)
        results.clear_options()
        q = event.value.strip()
        if not q:
            results.display = False
            return
        found = self.services.residents.search(q, 20)
        self._resident_ids = [r.id for r in found]
        results.add_options([Option(cut(r.label, 56), id=str(r.id)) for r in found])
        results.add_option(Option("＋ 登记新居民（Ctrl+R）", id="new"))
        results.display = True
        results.highlighted = 0

    @on(Input.Submitted, "#f-resident")
    def _resident_enter(self) -> None:
        results = self.query_one("#resident-results", OptionList)
        if results.display and results.option_count:
            opt = results.get_option_at_index(results.highlighted or 0)
            self._pick_resident(opt.id or "")

    @on(OptionList.OptionSelected, "#resident-results")
    def _resident_picked(self, event: OptionList.OptionSelected) -> None:
        self._pick_resident(event.option.id or "")

    def _pick_resident(self, value: str) -> None:
        if value == "new":
            self.action_new_resident()
            return
        r = self.services.residents.get(int(value))
        if r is None:
            return
        self.resident_id = r.id
        self.query_one("#resident-results").display = False
        self.query_one("#resident-chosen", Static).update(f"已选：{screen_text(r.label)}")
        self.query_one("#f-channel", Select).focus()

    def action_new_resident(self) -> None:
        def saved(resident_id: int | None) -> None:
            if resident_id:
                self._pick_resident(str(resident_id))

        self.app.push_screen(ResidentForm(self.services, self.query_one("#f-resident", Input).value), saved)

    def on_key(self, event) -> None:
        """Down from a search box into its results, up from the first result back."""
        for box, results in (("#f-matter", "#matter-results"), ("#f-resident", "#resident-results")):
            inp, lst = self.query_one(box, Input), self.query_one(results, OptionList)
            if event.key == "down" and inp.has_focus and lst.display and lst.option_count:
                lst.focus()
                event.stop()
            elif event.key == "up" and lst.has_focus and not lst.highlighted:
                inp.focus()
                event.stop()

    # -- save -------------------------------------------------------------------
    def save(self) -> int:
        from cunwu_tui.errors import ValidationError

        if not self.code:
            raise ValidationError({"matter": "请先选择要办理的事项：输入名称或拼音首字母，按回车选定。"})
        docs = self.query_one("#f-documents", CheckList)
        n = len(self.defaults.documents) if self.defaults else 0
        received = [str(i) in docs.selected for i in range(n)]
        officer = self.query_one("#f-first_officer", Select).value
        from cunwu_tui.features.cases.service import CaseIntake

        row = self.post(
            CaseIntake(
                matter_code=self.code,
                resident_id=self.resident_id,
                channel=self.choice("channel"),
                first_officer_id=officer if isinstance(officer, int) else None,
                kind=self.choice("kind"),
                received=received,
                note=self.value("note"),
                limit_value=self.value("limit"),
                limit_unit=self.choice("unit") or "日",
                petition="petition" in self.query_one("#f-petition", CheckList).selected,
                seed=self.seed,
                pages=self.value("pages"),
            )
        )
        return row.id


class ResidentForm(ModalForm):
    """登记新居民: validated ID number or another document."""

    LIMITS = {"name": inputs.NAME, "group": inputs.NAME, "address": inputs.TITLE, "note": inputs.LINE}

    def __init__(self, services: Services, typed: str = ""):
        super().__init__(services)
        self.typed = typed.strip()

    def compose(self) -> ComposeResult:
        digits = self.typed if any(ch.isdigit() for ch in self.typed) else ""
        with Form(classes="dialog", id="resident-form"):
            yield Static("登记新居民", classes="title")
            yield from field_row("姓名", "name", Input("" if digits else self.typed, placeholder="必填"))
            yield from field_row("证件类型", "id_type", blank_select(ID_TYPES, "居民身份证"))
            yield from field_row("证件号码", "id_number", Input(digits, placeholder="18位身份证号，末位可为X"))
            yield from field_row("联系电话", "phone", Input(placeholder="手机或座机，可不填"))
            yield from field_row("村民小组", "group", Input(placeholder="如：一组"))
            yield from field_row("住址", "address", Input(placeholder="可不填"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def save(self) -> int:
        return self.services.residents.add(
            self.value("name"),
            self.choice("id_type") or "居民身份证",
            self.value("id_number"),
            self.value("phone"),
            self.value("group"),
            self.value("address"),
        ).id


# ---------------------------------------------------------------------------
# Small forms of the detail: declared once, built by one class


class SimpleForm(ModalForm):
    """A title, a few fields and a save function. ``fields``: (field, label,
    kind, default, options/placeholder) with kind input / select / check /
    pin (a leader's own PIN, typed by them, never shown)."""

    def __init__(
        self, services: Services, title: str, fields: list[tuple], save: Callable[[dict], Any], hint: str = ""
    ):
        super().__init__(services)
        self._title, self._fields, self._save, self._hint = title, fields, save, hint

    def compose(self) -> ComposeResult:
        with Form(classes="dialog"):
            yield Static(screen_text(self._title), classes="title")
            if self._hint:
                yield Static(screen_text(self._hint), classes="hint")
            for field, label, kind, default, extra in self._fields:
                if kind == "select":
                    options = extra
                    if options and isinstance(options[0], tuple):
                        yield from field_row(
                            label,
                            field,
                            Select(
                                options,
                                value=default if default is not None else Select.NULL,
                                prompt="请选择",
                                compact=True,
                                allow_blank=True,
                            ),
                        )
                    else:
                        yield from field_row(label, field, blank_select(options, default or ""))
                elif kind == "check":
                    yield CheckList([(label, "yes", bool(default))], id=f"f-{field}", classes="one")
                    yield FieldError(field)
                elif kind == "pin":
                    yield from field_row(
                        label, field, Input(password=True, max_length=64, placeholder=extra or "本人输入个人密码")
                    )
                else:
                    yield from field_row(label, field, Input(default or "", placeholder=extra or ""))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        for w in self.query("Input, Select, CheckList"):
            if w.focusable:
                w.focus()
                break

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter goes to the next field; on the last field it saves."""
        inputs = list(self.query("Input, Select, CheckList"))
        if event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    def save(self):
        values: dict[str, Any] = {}
        for field, _label, kind, _default, _extra in self._fields:
            if kind == "select":
                v = self.query_one(f"#f-{field}", Select).value
                values[field] = None if v is Select.BLANK or v == Select.NULL else v
            elif kind == "check":
                values[field] = "yes" in self.query_one(f"#f-{field}", CheckList).selected
            else:
                values[field] = self.value(field)
                if kind == "pin":  # a PIN never stays on screen after a try
                    self.query_one(f"#f-{field}", Input).value = ""
        return self._save(values) or True


class LateDocumentsForm(ModalForm):
    """补交材料: tick the documents brought now; who took them, when."""

    def __init__(self, services: Services, case_id: int, detail: CaseDetail, today):
        super().__init__(services)
        self.case_id, self.detail, self.today = case_id, detail, today

    def compose(self) -> ComposeResult:
        op = self.services.operator
        staff = self.services.staff.list(active_only=True)
        missing = [
            (f"{i + 1}.{screen_text(doc.name)}", str(i), False)
            for i, doc in enumerate(self.detail.documents)
            if not doc.received
        ]
        with Form(classes="dialog", id="late-form"):
            yield Static("补交材料　Ctrl+S 保存　Esc 取消", classes="title")
            yield Label("本次收到的材料（空格键勾选）")
            yield DocChecks(missing, id="f-documents", classes="docs")
            yield FieldError("documents")
            yield from field_row(
                "收件人",
                "received_by",
                Select(
                    [(p.name, p.id) for p in staff],
                    value=op.id if op and op.id in {p.id for p in staff} else Select.NULL,
                    prompt="请选择",
                    compact=True,
                ),
            )
            yield from field_row("收到日期", "on", Input(placeholder=f"不填为今天；如 {self.today:%Y-%m-%d}"))
            yield from field_row("说明", "note", Input(placeholder="可不填，如：本人送来"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-documents", CheckList).focus()

    def save(self):
        picked = [int(v) for v in self.query_one("#f-documents", CheckList).selected]
        return self.services.cases.receive_documents(
            self.case_id, picked, self.picked("received_by"), self.value("on"), self.value("note")
        )


# ---------------------------------------------------------------------------
# Detail


MARKS = {"已办": "[X]", "当前": "[>]", "待办": "[ ]", "未走": "[-]"}


CaseKey = ActionKey  # one row of CASE_KEYS


_A = CaseAction
# The one table of the case detail's keys: BINDINGS, the key line, the
# refusals and F1's help are built from it; which actions a case allows now
# is decided by features.cases.actions.
CASE_KEYS: tuple[CaseKey, ...] = (
    CaseKey(_A.COMPLETE_STEP, "D", "办理本步", "step"),
    CaseKey(_A.CHOOSE_BRANCH, "B", "选择办理情况", "branch"),
    CaseKey(_A.GO_BACK, "R", "退回", "go_back"),
    CaseKey(_A.POST_NOTICE, "G", "发布公示", "notice"),
    CaseKey(_A.LETTER, "P", "告知书", "letter"),
    CaseKey(_A.ESCALATE, "T", "上报转办", "escalate"),
    CaseKey(_A.FEEDBACK, "F", "反馈", "feedback"),
    CaseKey(_A.CONCLUDE, "J", "办结", "conclude"),
    CaseKey(_A.REFUSE, "X", "不予受理", "refuse"),
    CaseKey(_A.LEADER_OPINION, "L", "领导意见", "leader"),
    CaseKey(_A.TOLD, "W", "书面告知", "told"),
    CaseKey(_A.RETURN_MATERIALS, "M", "退还材料", "materials"),
    CaseKey(_A.ACCEPT, "A", "受理", "accept"),
    CaseKey(_A.POSTPONE, "E", "延期", "extend"),
    CaseKey(_A.REVIEW, "V", "复查复核", "review"),
    CaseKey(_A.VOID, "Z", "作废", "void"),
    CaseKey(_A.LATE_DOCUMENTS, "C", "补交", "late_documents"),
    CaseKey(_A.RECEIPT, "K", "回执", "receipt"),
    CaseKey(_A.REFUSAL_PAPER, "Y", "不予受理告知书", "refusal_paper"),
)
CASE_KEY: dict[CaseAction, ActionKey] = {CaseAction(k.action): k for k in CASE_KEYS}
NOTICES_KEY = "F7"  # the 公示 screen, named in a notice step's message
BACK_HINT = "Esc 返回"


def case_key(action: CaseAction) -> str:
    """The key the case detail screen does ``action`` with."""
    return CASE_KEY[action].key


def case_keys_by_id() -> dict[str, str]:
    """Action id -> key, for texts that name the keys (F1's help)."""
    return keys_by_id(CASE_KEYS)


def with_keys(p: Prompt) -> str:
    """A service's message with each action it names preceded by its key."""
    return actions.with_keys(p, CASE_KEYS, {NOTICES_SCREEN: NOTICES_KEY})


def render_case(d: CaseDetail, today) -> Text:
    r = d.row
    t = Text()
    t.append(f"{r.number}　{screen_text(r.matter_name)}\n", style="bold")
    t.append(
        f"申请人：{r.applicant}（{r.applicant_masked_id}）"
        + (f"　电话：{d.applicant_phone_masked}" if d.applicant_phone_masked else "")
        + "\n"
    )
    t.append(
        f"{r.kind}{'（信访件）' if r.petition else ''}　渠道：{r.channel}　首问人：{r.first_officer}　受理：{r.received_at:%Y-%m-%d %H:%M}\n"
    )
    status = Text(f"状态：{r.status}", style="bold")
    if r.overdue:
        status.append("（已逾期）", style="bold red")
    t.append_text(status)
    if d.limit_text:
        t.append(f"　时限：{d.limit_text}")
    t.append("\n")
    if r.status in RUNNING:
        if d.choices:
            t.append(
                f"下一步：请按 {case_key(_A.CHOOSE_BRANCH)} 选择办理情况（"
                + "／".join(screen_text(c.text) for c in d.choices)
                + "）\n",
                style="bold",
            )
        elif d.current_step is not None:
            cur = next((x for x in d.steps if x.order == d.current_step), None)
            if cur is not None:
                how = f"（按 {case_key(_A.COMPLETE_STEP)} 登记办理）" if d.can_complete_step else ""
                t.append(f"下一步：第{cur.order}步 {screen_text(cur.text)}{how}\n", style="bold")
        elif d.finished_steps and d.steps:
            t.append(f"步骤已全部完成，请按 {case_key(_A.CONCLUDE)} 登记办结。\n", style="bold")
        if d.notice_prompt:
            t.append(screen_text(with_keys(d.notice_prompt)) + "\n", style="bold")
    if d.result:
        t.append(f"办理结果：{screen_text(d.result)}\n")
    if d.void_reason:
        t.append(f"作废原因：{screen_text(d.void_reason)}（编号保留，不再使用）\n", style="bold")
    if d.deadlines:
        t.append("\n【期限】\n", style="bold")
        for x in d.deadlines:
            line = x.text(today)
            style = "bold red" if x.open and x.date < today else ("bold" if x.open else "dim")
            t.append(("　" if x.office else "　（信访人）") + screen_text(line) + "\n", style=style)
    if d.escalation:
        e = d.escalation
        t.append(
            f"\n{e.mode}至：{screen_text(e.to)}" + (f"　催办日期：{e.chase_on:%Y-%m-%d}" if e.chase_on else "") + "\n"
        )
        if e.feedback:
            t.append(f"反馈：{screen_text(e.feedback)}\n")
    if d.refusal:
        f = d.refusal
        t.append(f"\n【否定报备】{f.kind}\n", style="bold")
        t.append(f"理由：{screen_text(f.reason)}\n依据：{screen_text(f.basis)}\n")
        if f.beyond_authority:
            op = f.leader_opinion
            if op:
                said = f"，意见：{screen_text(op)}"
            elif f.opinion_given:  # agreed without a word
                said = f"，意见：{'同意' if f.agree else '不同意'}"
            else:
                said = f"，尚未登记意见（{case_key(_A.LEADER_OPINION)}）"
            t.append(f"报领导审核：{f.leader}{said}\n")
        t.append(f"书面告知：{f.told_on:%Y-%m-%d}\n" if f.told_on else f"书面告知：尚未登记（{case_key(_A.TOLD)}）\n")
        if f.materials:
            t.append(f"退还材料：{screen_text(f.materials)}，签收人：{f.signed_by}\n")
    t.append(f"\n【办理步骤】{d.seed_title}\n", style="bold")
    if not d.steps:
        t.append("本事项目录未列办理步骤。\n", style="dim")
    for s in d.steps:
        style = "bold" if s.state == "当前" else ("dim" if s.state == "未走" else "")
        branch = f"〔{s.branch}〕" if s.branch else ""
        extra = []
        if s.needs_notice:
            extra.append("须公示")
        if s.limit_text:
            extra.append(f"时限{s.limit_text}")
        line = f"{MARKS.get(s.state, '[ ]')} {s.order}.{branch}{screen_text(s.text)}" + (
            f"（{'，'.join(extra)}）" if extra else ""
        )
        t.append(line + "\n", style=style)
        if s.done_at:
            t.append(
                f"      {s.done_at:%m-%d %H:%M} {s.done_by}" + (f"：{screen_text(s.note)}" if s.note else "") + "\n",
                style="dim",
            )
        if s.notice_text:
            t.append(f"      {screen_text(s.notice_text)}\n", style="dim")
    missing = d.missing
    t.append("\n【材料】", style="bold")
    if not d.documents:
        t.append("本事项目录未列所需材料。\n")
    else:
        open_ = r.status in RUNNING
        t.append(
            f"已收 {len(d.documents) - len(missing)} 项，尚缺 {len(missing)} 项"
            + (
                f"（{case_key(_A.LATE_DOCUMENTS) + ' 登记补交，' if open_ else ''}"
                f"{case_key(_A.LETTER)} 打印一次性告知书）"
                if missing
                else ""
            )
            + "\n"
        )
        for doc in d.documents:
            late = f"（{doc.received_on:%m-%d} 补交，{doc.received_by}收）" if doc.received_on else ""
            t.append(f"{'[X]' if doc.received else '[ ]'} {screen_text(doc.name)}{late}\n")
    if d.missing_reason:
        t.append(f"缺材料办结理由：{screen_text(d.missing_reason)}\n")
    if d.note:
        t.append(f"\n备注：{screen_text(d.note)}\n")
    t.append("\n【办理记录】\n", style="bold")
    for item in d.timeline:
        t.append(
            f"{item.at:%m-%d %H:%M} {item.operator} {item.what}"
            + (f"：{screen_text(item.text)}" if item.text else "")
            + "\n"
        )
    return t


class CaseDetailScreen(DetailScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "返回", show=False),
        *actions.bindings(CASE_KEYS),
    ]

    BODY_ID, KEYS_ID = "case-detail", "case-keys"

    def __init__(self, case_id: int, offer_letter: bool = False):
        super().__init__()
        self.case_id = case_id
        self.offer_letter = offer_letter

    def shown(self) -> None:
        if self.offer_letter:
            self.action_receipt(then=self._offer_letter)

    def _offer_letter(self, _r=None) -> None:
        if not self.detail.missing:
            return
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.action_letter()

        self.app.push_screen(
            ConfirmDialog(
                f"已受理：{self.detail.row.number}",
                f"尚缺 {len(self.detail.missing)} 项材料。现在出具一次性告知书（列明全部尚缺材料）吗？",
            ),
            answer,
        )

    def _show_paper(self, paper, then=None) -> None:
        from cunwu_tui.errors import ValidationError
        from cunwu_tui.features.lookup.screens import LetterDialog

        try:
            path = self.live.cases.write_paper(paper)
        except ValidationError as exc:
            self.app.push_screen(LetterDialog(paper.text, "", next(iter(exc.errors.values()))), then)
            return
        self.app.push_screen(LetterDialog(paper.text, str(path.resolve())), then)

    def action_receipt(self, then=None) -> None:
        """收件回执: printed at intake and on demand (K)."""
        if _A.RECEIPT not in self.detail.actions:
            self.notify("该办件已作废。", severity="warning")
            return
        self._show_paper(self.live.cases.receipt(self.case_id, self.app.today()), then)  # type: ignore[attr-defined]

    def action_refusal_paper(self) -> None:
        """不予受理（确认）告知书 (Y); W then records when it was handed over."""
        if not self._allowed(_A.REFUSAL_PAPER):
            return
        self._show_paper(self.live.cases.refusal_paper(self.case_id, self.app.today()))  # type: ignore[attr-defined]

    def refresh_data(self) -> None:
        if self.services is None:
            return
        today = self.app.today()  # type: ignore[attr-defined]
        self.detail = d = self.services.cases.detail(self.case_id, today)
        self.query_one("#case-detail", Static).update(render_case(d, today))
        self.query_one("#case-keys", Static).update("　".join(self.keys()))

    def keys(self) -> list[str]:
        """The key line: the actions the case allows now (features.cases.actions), in its order."""
        return actions.key_line(CASE_KEYS, self.detail.actions, BACK_HINT)

    def _allowed(self, action: CaseAction) -> bool:
        if action in self.detail.actions:
            return True
        self.notify(screen_text(with_keys(self.detail.why_not(action))), severity="warning")
        return False

    def _form(self, title: str, fields: list[tuple], save: Callable[[dict], Any], hint: str = "") -> None:
        self.app.push_screen(SimpleForm(self.live, title, fields, save, hint), lambda _r: self.refresh_data())

    # -- steps ----------------------------------------------------------------
    def action_step(self) -> None:
        if not self._allowed(_A.COMPLETE_STEP):
            return
        d = self.detail
        step = next(s for s in d.steps if s.order == d.current_step)
        cases = self.live.cases
        self._form(
            f"办理第{step.order}步：{step.text}",
            [("note", "办理情况", "input", "", "可不填，如：已入户调查")],
            lambda v: cases.complete_step(self.case_id, step.order, v["note"]),
            with_keys(d.notice_prompt) or (f"本步时限：{step.limit_text}" if step.limit_text else ""),
        )

    def action_branch(self) -> None:
        if not self._allowed(_A.CHOOSE_BRANCH):
            return
        d = self.detail
        choices = d.choices
        options = [(c.text, i) for i, c in enumerate(choices)]
        cases = self.live.cases

        def save(v):
            from cunwu_tui.errors import ValidationError

            if v["choice"] is None:
                raise ValidationError({"choice": "请选择办理情况。"})
            c = choices[v["choice"]]
            return cases.choose(self.case_id, c.label, c.first_step, v["note"])

        self._form(
            "选择办理情况",
            [("choice", "办理情况", "select", None, options), ("note", "说明", "input", "", "可不填")],
            save,
            "按实际情况选择本件走哪一条流程。",
        )

    def action_go_back(self) -> None:
        if not self._allowed(_A.GO_BACK):
            return
        d = self.detail
        options = [(cut(f"第{s.order}步 {s.text}", 50), s.order) for s in d.steps if s.state in ("已办", "当前")]
        cases = self.live.cases

        def save(v):
            from cunwu_tui.errors import ValidationError

            if v["back_step"] is None:
                raise ValidationError({"back_step": "请选择退回到哪一步。"})
            return cases.go_back(self.case_id, v["back_step"], v["reason"])

        self._form(
            "退回重办",
            [
                ("back_step", "退回到", "select", None, options),
                ("reason", "原因", "input", "", "必填，如：公示有异议，重新调查核实"),
            ],
            save,
        )

    def action_notice(self) -> None:
        if not self._allowed(_A.POST_NOTICE):
            return
        from cunwu_tui.features.notices.screens import NoticeForm

        cases = self.live.cases
        defaults = cases.notice_defaults(self.case_id)

        def post(**notice):  # the notice and its link on the case: one transaction
            return cases.post_notice(self.case_id, **notice)

        self.app.push_screen(NoticeForm(self.live, defaults, post), lambda _: self.refresh_data())

    def action_letter(self) -> None:
        from cunwu_tui.errors import ValidationError
        from cunwu_tui.features.lookup.screens import LetterDialog

        letter = self.live.cases.letter(self.case_id, self.app.today())  # type: ignore[attr-defined]
        try:
            path = self.live.catalog.write_letter(letter)
        except ValidationError as exc:
            self.app.push_screen(LetterDialog(letter.text, "", next(iter(exc.errors.values()))))
            return
        self.app.push_screen(LetterDialog(letter.text, str(path.resolve())))

    # -- outcomes ---------------------------------------------------------------
    def action_escalate(self) -> None:
        if not self._allowed(_A.ESCALATE):
            return
        cases = self.live.cases
        self._form(
            "上报 / 转办",
            [
                ("mode", "方式", "select", "上报", ("上报", "转办")),
                ("to", "上报/转办至", "input", "", "如：柳河镇民政办"),
                ("chase", "催办日期", "input", "", "到这天仍无反馈就催办，如 2026-12-10"),
                ("note", "说明", "input", "", "可不填"),
            ],
            lambda v: cases.escalate(self.case_id, v["mode"] or "", v["to"], v["chase"], v["note"]),
        )

    def action_feedback(self) -> None:
        if not self._allowed(_A.FEEDBACK):
            return
        cases = self.live.cases
        self._form(
            "登记反馈",
            [("feedback", "反馈内容", "input", "", "必填")],
            lambda v: cases.feedback(self.case_id, v["feedback"]),
        )

    def action_conclude(self) -> None:
        if not self._allowed(_A.CONCLUDE):
            return
        d = self.detail
        left = sum(1 for s in d.steps if s.state in ("当前", "待办"))
        cases = self.live.cases
        fields = [("result", "办理结果", "input", "", "必填，如：已审核通过，上报镇民政办")]
        hints = []
        if left and not d.finished_steps:
            hints.append(f"还有 {left} 个步骤未登记，办结后不能再办理。")
        if d.missing:
            fields.append(("missing_reason", "缺材料理由", "input", "", "必填：为何缺材料仍办结"))
            hints.append(
                f"还缺 {len(d.missing)} 项材料：{'、'.join(d.missing)}。理由记入办理记录和受理登记台账；"
                f"材料已交来的，请先按 {case_key(_A.LATE_DOCUMENTS)} 登记补交。"
            )
        self._form(
            "办结",
            fields,
            lambda v: cases.conclude(self.case_id, v["result"], v.get("missing_reason", "")),
            "".join(hints),
        )

    def action_late_documents(self) -> None:
        if not self._allowed(_A.LATE_DOCUMENTS):
            return
        today = self.app.today()  # type: ignore[attr-defined]
        self.app.push_screen(
            LateDocumentsForm(self.live, self.case_id, self.detail, today), lambda _r: self.refresh_data()
        )

    def action_refuse(self) -> None:
        if not self._allowed(_A.REFUSE):
            return
        cases = self.live.cases
        leaders = cases.refusal_leaders()
        self._form(
            "否定报备：不予受理 / 不予确认",
            [
                ("refusal_kind", "类型", "select", "不予受理", ("不予受理", "不予确认")),
                ("reason", "理由", "input", "", "必填"),
                ("basis", "依据", "input", "", "必填：法律法规或政策条款"),
                ("beyond", "超出经办人权限，报领导审核（领导3日内提出意见）", "check", False, None),
                ("leader", "报审领导", "select", None, leaders),
            ],
            lambda v: cases.refuse(
                self.case_id, v["refusal_kind"] or "", v["reason"], v["basis"], v["beyond"], v["leader"]
            ),
            "否定报备制：写明理由和依据，10个工作日内书面告知申请人；申请人要求退还材料的，签收后退还。",
        )

    def action_leader(self) -> None:
        if not self._allowed(_A.LEADER_OPINION):
            return
        cases = self.live.cases
        who = cases.refusal_leader(self.case_id)
        name = who[1] if who else "领导"
        self._form(
            "登记领导意见",
            [
                ("agree", "意见", "select", "同意", ("同意", "不同意")),
                ("opinion", "说明", "input", "", "不同意时必填"),
                ("leader_pin", f"{name}的密码", "pin", "", f"{name}本人输入个人密码"),
            ],
            lambda v: cases.leader_opinion(self.case_id, v["agree"] != "不同意", v["opinion"], v["leader_pin"]),
            f"领导意见须由{name}本人输入密码确认。领导不同意不予受理的，本件恢复在办。",
        )

    def action_told(self) -> None:
        if not self._allowed(_A.TOLD):
            return
        cases = self.live.cases
        today = self.app.today()  # type: ignore[attr-defined]
        self._form(
            "登记书面告知",
            [
                ("told_on", "告知日期", "input", f"{today:%Y-%m-%d}", ""),
                ("how", "告知方式", "input", "书面告知书当面送达", ""),
            ],
            lambda v: cases.refusal_told(self.case_id, v["told_on"], v["how"]),
        )

    def action_materials(self) -> None:
        if not self._allowed(_A.RETURN_MATERIALS):
            return
        cases = self.live.cases
        today = self.app.today()  # type: ignore[attr-defined]
        self._form(
            "退还材料（签收）",
            [
                ("materials", "退还的材料", "input", "", "必填"),
                ("signed_by", "签收人", "input", self.detail.row.applicant, "申请人或代领人"),
                ("returned_on", "退还日期", "input", f"{today:%Y-%m-%d}", ""),
            ],
            lambda v: cases.return_materials(self.case_id, v["materials"], v["signed_by"], v["returned_on"]),
        )

    def action_void(self) -> None:
        if not self._allowed(_A.VOID):
            return
        cases = self.live.cases
        self._form(
            "作废本件",
            [("void_reason", "作废原因", "input", "", "必填，如：重复登记，见第0012号")],
            lambda v: cases.void(self.case_id, v["void_reason"]),
            "登记有误的（如申请人选错、重复登记）才作废；作废后记录和编号保留，编号不再使用。正确的请重新受理。",
        )

    # -- 信访 -------------------------------------------------------------------
    def action_accept(self) -> None:
        if not self._allowed(_A.ACCEPT):
            return
        cases = self.live.cases
        today = self.app.today()  # type: ignore[attr-defined]
        self._form(
            "信访：决定受理",
            [
                ("accepted_on", "受理日期", "input", f"{today:%Y-%m-%d}", ""),
                ("told_on", "告知信访人日期", "input", f"{today:%Y-%m-%d}", "书面告知的日期"),
            ],
            lambda v: cases.accept_petition(self.case_id, v["accepted_on"], v["told_on"]),
            f"受理之日起60日内办结。不予受理的，按 {case_key(_A.REFUSE)} 登记否定报备。",
        )

    def action_extend(self) -> None:
        if not self._allowed(_A.POSTPONE):
            return
        cases = self.live.cases
        if not self.detail.row.petition:
            due = next((t for t in self.detail.deadlines if t.open and t.what.startswith("承诺办结")), None)
            self._form(
                "延期（报领导审批）",
                [
                    (
                        "new_due",
                        "新的办结日期",
                        "input",
                        "",
                        f"晚于 {due.date:%Y-%m-%d}，如 2026-12-20" if due else "如 2026-12-20",
                    ),
                    ("reason", "延期理由", "input", "", "必填，并告知申请人"),
                    ("leader", "审批领导", "select", None, cases.refusal_leaders()),
                    ("told", "已告知申请人延时办理的理由", "check", False, None),
                    ("leader_pin", "领导密码", "pin", "", "审批领导本人输入个人密码"),
                ],
                lambda v: cases.postpone(
                    self.case_id, v["new_due"], v["reason"], v["leader"], v["told"], v["leader_pin"]
                ),
                "限时办结制：确需延时的，报领导审批（领导本人输入密码），并告知当事人延时办理的理由。",
            )
            return
        self._form(
            "信访：延长办理期限",
            [
                ("days", "延长天数", "input", "30", "不超过30日"),
                ("reason", "延期理由", "input", "", "必填，并告知信访人"),
                ("leader", "审批领导", "select", None, cases.refusal_leaders()),
                ("leader_pin", "领导密码", "pin", "", "审批领导本人输入个人密码"),
            ],
            lambda v: cases.extend_petition(self.case_id, v["days"], v["reason"], v["leader"], v["leader_pin"]),
            "延长办理期限须经领导批准（领导本人输入密码），并告知信访人延期理由。",
        )

    def action_review(self) -> None:
        if not self._allowed(_A.REVIEW):
            return
        cases = self.live.cases
        today = self.app.today()  # type: ignore[attr-defined]
        self._form(
            "信访：复查 / 复核",
            [
                ("level", "类别", "select", "复查", ("复查", "复核")),
                ("requested_on", "申请日期", "input", f"{today:%Y-%m-%d}", ""),
                ("answered_on", "意见日期", "input", "", "登记申请时不填；收到意见后填写"),
                ("text", "意见", "input", "", "可不填"),
            ],
            lambda v: cases.review(self.case_id, v["level"] or "", v["requested_on"], v["answered_on"], v["text"]),
            "信访人收到书面答复30日内可申请复查，复查意见30日内作出；复核同。",
        )


HELP = """\
受理登记（F4）中：N 新建受理，S 筛选（在办、即将到期、逾期、办结、
  不予受理、全部），/ 查找（编号、姓名、身份证号后4位、事项；没按 S
  选筛选时在全部状态中查找），回车办理，R 居民登记。
  新建受理：事项和申请人都是边输入边查找，下键选择、回车选定；
  Ctrl+R 登记新居民；空格键勾选已收材料，未勾选的列入一次性告知书；
  材料页数按勾选顺序填写。保存后出具收件回执。
  办件页：{complete_step} 办理本步（按顺序），{choose_branch} 选择办理情况（只列走得到的分支），
  {go_back} 退回到已办步骤，{post_notice} 发布本步要求的公示（期满且无异议后才能完成本步；
  异议成立的，先 {go_back} 退回重新调查核实，再 {post_notice} 发布下一轮），
  {late_documents} 补交材料，{receipt} 收件回执，{letter} 一次性告知书，
  {escalate} 上报/转办（写明催办日期），{feedback} 登记反馈，
  {postpone} 延期（新日期、理由、审批领导本人输密码），{conclude} 办结（缺材料
  须写明理由），{refuse} 不予受理/不予确认（否定报备：写明理由和依据）；之后
  {refusal_paper} 不予受理告知书，{leader_opinion} 领导意见，{told} 书面告知（送达日期），{return_materials} 退还材料
  （签收）。信访件：{accept} 决定受理，{postpone} 延期（不超过30日，须写理由），
  {review} 复查/复核。{void} 作废登记有误的办件（写明原因，编号保留）。
  办件记录不能修改或删除。
  居民登记：/ 查找（姓名、身份证号后4位、电话后4位、村民小组），
  PgDn/PgUp 翻页，回车详情（全部办件）；
  详情页 E 更正，H 合并重复登记。"""


def help_text() -> str:
    """F1's section on these screens, their keys from their own tables."""
    return HELP.format(**case_keys_by_id())


def dashboard_panel(services, app) -> Text:
    """今日到期 / 逾期 / 即将到期 counts (refusals and petitions included) and
    the oldest overdue case."""
    today = services.today()
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
