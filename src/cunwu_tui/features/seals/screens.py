"""F5 用印登记: the register with filters and search, a new entry with its
rules, the detail of an entry, 作废 (void) and correction, monthly counts,
the month's ledger in one key, and the chain check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Select, Static

from cunwu_tui.domain import inputs
from cunwu_tui.features.seals.actions import SealAction
from cunwu_tui.features.seals.numbers import MEETING_TYPES
from cunwu_tui.ui.screens.actions import ActionKey, bindings, key_line, key_of, keys_by_id, with_keys
from cunwu_tui.ui.screens.guard import Guarded

from cunwu_tui.ui.screens.verify import VerifyMixin
from cunwu_tui.ui.screens.base import AppScreen, DetailScreen
from cunwu_tui.ui.screens.exporting import Exporter
from cunwu_tui.ui.screens.modal import ModalForm, PinPrompt
from cunwu_tui.ui.widgets import FieldError, Form, PagedTable, field_row, fit, screen_text

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.seals.service import ChainCheck, SealUseInfo

OUTSIDER = 0  # the 经办人 choice "村外人员"
YES_NO = ("全部", "是", "否")
VOID_FILTERS = ("全部", "仅作废", "不含作废")


def short_number(number: str) -> str:
    """村委〔2026〕第015号 -> 村委015 (the list's column; the year is in the date)."""
    try:
        from cunwu_tui.features.seals.numbers import parse_number

        short, _year, seq = parse_number(number)
    except ValueError:
        return number
    return f"{short}{seq:03d}"


def seal_lines(services, today, check: ChainCheck | None) -> Text:
    """The 工作台 panel: a broken chain first, then today's uses."""
    t = Text()
    if check is not None and not check.ok:
        t.append(screen_text(check.message) + "请按 F5 后按 V 重新校验，并报告村务监督委员会。\n", style="bold")
    waiting = services.seal_register.pending_count()  # ten years may hold many: counted, the first 3 read
    if waiting:
        first = services.seal_register.pending(limit=3)
        t.append(
            f"待审批 {waiting} 条（审批人输入密码前不得用印）："
            + "、".join(f"{short_number(u.number)}（{u.approver_name}）" for u in first)
            + ("等" if waiting > len(first) else "")
            + "\n",
            style="bold",
        )
    uses = services.seal_register.on_day(today)
    if not uses:
        t.append("今天还没有用印登记。")
        return t
    valid = [u for u in uses if not u.voided]
    t.append(f"今天用印 {len(valid)} 次，共 {sum(u.copies for u in valid)} 份：\n")
    for u in uses[-5:]:
        mark = "（作废）" if u.voided else ""
        t.append(f"{u.used_at:%H:%M}　{u.number}{mark}　{fit(u.title, 24)}　{u.applicant_text}\n")
    if len(uses) > 5:
        t.append(f"另有 {len(uses) - 5} 条，按 F5 查看。", style="dim")
    t.rstrip()
    return t


def render_entry(u: SealUseInfo) -> Text:
    t = Text()
    t.append(f"{u.number}　", style="bold")
    t.append("【已作废】" if u.voided else "【待审批】" if u.pending else "【有效】", style="bold")
    t.append("\n")
    t.append(f"印章：{u.seal_name}　用印时间：{u.used_at:%Y-%m-%d %H:%M}\n")
    t.append(f"文件名称：{screen_text(u.title)}\n")
    t.append(f"用印事由：{screen_text(u.purpose)}\n")
    t.append(f"份数：{u.copies}　送往单位：{screen_text(u.destination)}\n")
    t.append(f"经办人：{u.applicant_text}　审批人：{u.approval_text}　监印人：{u.keeper_name}\n")
    if u.pending:
        t.append(f"待审批：审批人本人输入密码前不得用印（按 {seal_key(SealAction.APPROVE)} 审批）。\n", style="bold")
    if u.major:
        t.append(f"重大事项：是。会议决议：{screen_text(u.meeting_text)}\n")
    else:
        t.append("重大事项：否\n")
    if u.note:
        t.append(f"备注：{screen_text(u.note)}\n")
    if u.refers_to_number:
        t.append(f"更正：{u.refers_to_number}（已作废）\n")
    t.append(f"登记：{u.operator_name}　{u.recorded_at:%Y-%m-%d %H:%M}", style="dim")
    if u.approved_at is not None:
        t.append(f"　审批：{u.approved_by}本人确认　{u.approved_at:%Y-%m-%d %H:%M}", style="dim")
    elif not u.needs_approval:
        t.append("　（本版以前的登记：审批人未输入密码）", style="dim")
    t.append("\n")
    if u.voided:
        when = f"{u.voided_at:%Y-%m-%d %H:%M}" if u.voided_at else ""
        t.append(f"\n作废：{when}　{u.voided_by}\n", style="bold")
        t.append(f"原因：{screen_text(u.void_reason)}\n")
        if u.corrected_by_number:
            t.append(f"已重新登记为 {u.corrected_by_number}\n")
        else:
            t.append(f"尚未重新登记（如需要，按 {seal_key(SealAction.CORRECT)} 重新登记）\n", style="dim")
    return t


class SealRegisterScreen(VerifyMixin, AppScreen):
    DEFAULT_CSS = """
    #seal-filter { height: 1; padding: 0 1; }
    #seal-search { margin: 0; }
    #seal-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("n", "new", "登记", show=False),
        Binding("slash", "search", "搜索", show=False),
        Binding("s", "next_seal", "印章", show=False),
        Binding("m", "month", "月份", show=False),
        Binding("j", "next_major", "重大事项", show=False),
        Binding("x", "next_void", "作废", show=False),
        Binding("t", "counts", "统计", show=False),
        Binding("e", "export", "导出", show=False),
        Binding("v", "verify", "校验", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="seal-filter", classes="hint")
        yield Input(placeholder="搜索文件名称或经办人（/ 到这里，回车或下键回到列表）", id="seal-search")
        yield PagedTable(id="seal-table", cursor_type="row", zebra_stripes=False)
        yield Static(
            "N 登记　回车 详情　S 印章　M 月份　J 重大　X 作废　T 统计　E 导出台账　V 校验",
            classes="hint",
            id="seal-keys",
        )

    def on_mount(self) -> None:
        self.seal_id: int | None = None
        self.month = ""
        self.major = "全部"
        self.voided = "全部"
        self._exporter = Exporter(self, group="seal-export")
        table = self.query_one("#seal-table", DataTable)
        table.add_columns("编号", "用印时间", "文件名称", "经办人", "审批人", "份数", "标记")
        table.focus()
        self.refresh_data()

    # -- the list -------------------------------------------------------------
    def _seals(self):
        return self.services.seals.list() if self.services else []

    def refresh_data(self) -> None:
        if self.services is None:
            return
        search = self.query_one("#seal-search", Input).value
        filters: dict[str, Any] = dict(
            seal_id=self.seal_id,
            month=self.month or None,
            major=None if self.major == "全部" else self.major == "是",
            voided=None if self.voided == "全部" else self.voided == "仅作废",
            search=search,
        )
        # a page at a time, newest first (years of them would take seconds to lay out); totals of all
        services = self.services

        def fetch(offset: int, limit: int):
            infos = services.seal_register.list(**filters, limit=limit + 1, offset=offset)
            return infos[:limit], len(infos) > limit

        def add(u) -> None:
            style = "dim strike" if u.voided else ""
            mark = "作废" if u.voided else "待审批" if u.pending else ("重大" if u.major else "")
            table.add_row(
                Text(short_number(u.number), style=style),
                f"{u.used_at:%m-%d %H:%M}",
                Text(fit(u.title, 20), style=style),
                Text(fit(u.applicant_name, 8)),
                fit(u.approver_name, 6),
                str(u.copies),
                Text(mark, style="bold" if u.voided or u.pending else ""),
                key=str(u.id),
            )

        table = self.query_one("#seal-table", PagedTable)
        infos = table.show(fetch, add, keep_cursor=True)
        total, copies = (
            (len(infos), sum(u.copies for u in infos if not u.voided))
            if not table.more and table.loaded == len(infos)  # the whole list is this one page
            else self.services.seal_register.tally(**filters)
        )
        seal = next((s.short_name or s.name for s in self._seals() if s.id == self.seal_id), "全部")
        text = (
            f"印章：{seal}　月份：{self.month or '全部'}　重大：{self.major}　作废：{self.voided}"
            f"　共 {total} 条，{copies} 份"
        )
        if table.more:
            text += "（向下翻看更早的）"
        if not infos:
            text += "。按 N 登记。" if not (search or self.month or self.seal_id) else ""
        self.query_one("#seal-filter", Static).update(text)

    @on(Input.Changed, "#seal-search")
    def _typed(self) -> None:
        self.refresh_data()

    @on(Input.Submitted, "#seal-search")
    def _back_to_list(self) -> None:
        self.query_one("#seal-table", DataTable).focus()

    def on_key(self, event) -> None:
        search = self.query_one("#seal-search", Input)
        if event.key in ("down", "escape") and search.has_focus:
            self.query_one("#seal-table", DataTable).focus()
            event.stop()

    def action_search(self) -> None:
        self.query_one("#seal-search", Input).focus()

    def action_next_seal(self) -> None:
        ids: list[int | None] = [None, *[s.id for s in self._seals()]]
        self.seal_id = ids[(ids.index(self.seal_id) + 1) % len(ids)] if self.seal_id in ids else None
        self.refresh_data()

    def action_next_major(self) -> None:
        self.major = YES_NO[(YES_NO.index(self.major) + 1) % len(YES_NO)]
        self.refresh_data()

    def action_next_void(self) -> None:
        self.voided = VOID_FILTERS[(VOID_FILTERS.index(self.voided) + 1) % len(VOID_FILTERS)]
        self.refresh_data()

    def action_month(self) -> None:
        def chosen(month: str | None) -> None:
            if month is not None:
                self.month = month
                self.refresh_data()

        self.app.push_screen(MonthDialog(self.month), chosen)

    @on(DataTable.RowSelected, "#seal-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(SealUseDetailScreen(int(event.row_key.value or 0)))

    def action_new(self) -> None:
        def saved(use_id: int | None) -> None:
            self.refresh_data()
            if use_id:
                self.app.push_screen(SealUseDetailScreen(use_id))

        self.app.push_screen(SealUseForm(self.live, {"seal_id": self.seal_id} if self.seal_id else None), saved)

    def action_counts(self) -> None:
        year = int(self.month[:4]) if self.month else self.app.today().year
        self.app.push_screen(CountsDialog(self.live, year))

    # -- the month's ledger ------------------------------------------------
    def action_export(self) -> None:
        from cunwu_tui.services.export import default_month
        from cunwu_tui.ui.screens.exporting import export_ledger

        month = self.month or default_month(self.app.today())
        hint = "打开后按 A4 横向打印，签字后报乡镇(街道)。"
        export_ledger(self._exporter, self.live, month, "seals", "用印登记台账", hint)


_S = SealAction
# The one table of the seal use detail's keys: BINDINGS, the key line, the
# refusals and F1's help are built from it; which actions an entry allows
# now is decided by features.seals.actions.
SEAL_KEYS: tuple[ActionKey, ...] = (
    ActionKey(_S.APPROVE, "A", "审批", "approve", "审批（审批人输入密码）"),
    ActionKey(_S.VOID, "W", "作废", "void"),
    ActionKey(_S.CORRECT, "R", "重新登记", "again"),
)
SEAL_BACK_HINT = "Esc 返回　（登记不能修改或删除）"


def seal_key(action: SealAction) -> str:
    """The key the seal use detail does ``action`` with."""
    return key_of(SEAL_KEYS, action)


def seal_keys_by_id() -> dict[str, str]:
    """Action id -> key, for F1's help."""
    return keys_by_id(SEAL_KEYS)


class SealUseDetailScreen(DetailScreen):
    BINDINGS = bindings(SEAL_KEYS)

    BODY_ID, KEYS_ID = "seal-detail", "seal-detail-keys"

    def __init__(self, use_id: int):
        super().__init__()
        self.use_id = use_id

    def refresh_data(self) -> None:
        if self.services is None:
            return
        self.info = self.services.seal_register.get(self.use_id)
        self.query_one("#seal-detail", Static).update(render_entry(self.info))
        keys = key_line(SEAL_KEYS, self.info.actions, SEAL_BACK_HINT)
        self.query_one("#seal-detail-keys", Static).update("　".join(keys))

    def _allowed(self, action: SealAction) -> bool:
        if action in self.info.actions:
            return True
        self.notify(screen_text(with_keys(self.info.why_not(action), SEAL_KEYS)), severity="warning")
        return False

    def action_approve(self) -> None:
        if not self._allowed(_S.APPROVE):
            return
        self.app.push_screen(ApproveForm(self.live, self.info), lambda _: self.refresh_data())

    def action_void(self) -> None:
        if not self._allowed(_S.VOID):
            return

        def done(result: Any) -> None:
            self.refresh_data()
            if result:
                from cunwu_tui.ui.screens.dialogs import ConfirmDialog

                def answer(yes: bool | None) -> None:
                    if yes:
                        self.action_again()

                self.app.push_screen(
                    ConfirmDialog(
                        f"{self.info.number} 已作废",
                        "作废记录已保存，原登记保留并标为作废。\n要重新登记一条正确的用印记录吗？（原内容已带入，可修改）",
                    ),
                    answer,
                )

        self.app.push_screen(VoidForm(self.live, self.info), done)

    def action_again(self) -> None:
        if not self._allowed(_S.CORRECT):
            return
        u = self.info
        defaults = {
            "seal_id": u.seal_id,
            "used_at": f"{u.used_at:%Y-%m-%d %H:%M}",
            "title": u.title,
            "purpose": u.purpose,
            "copies": str(u.copies),
            "destination": u.destination,
            "applicant_id": OUTSIDER if u.applicant_outsider else u.applicant_id,
            "applicant_name": u.applicant_name if u.applicant_outsider else "",
            "approver_id": u.approver_id,
            "keeper_id": u.keeper_id,
            "major": u.major,
            "meeting_type": u.meeting_type,
            "meeting_date": f"{u.meeting_date:%Y-%m-%d}" if u.meeting_date else "",
            "meeting_ref": u.meeting_ref,
            "note": u.note,
            "refers_to_id": u.id,
            "refers_to_number": u.number,
        }

        def saved(use_id: int | None) -> None:
            if use_id:
                self.app.pop_screen()
                self.app.push_screen(SealUseDetailScreen(use_id))
            else:
                self.refresh_data()

        self.app.push_screen(SealUseForm(self.live, defaults), saved)


class SealUseForm(ModalForm):
    """用印登记. ``defaults`` prefill it (a correction of a voided entry)."""

    LIMITS = {
        "title": inputs.TITLE,
        "purpose": inputs.LINE,
        "destination": inputs.TITLE,
        "note": inputs.LINE,
        "meeting_ref": inputs.SHORT,
        "applicant_name": inputs.NAME,
    }

    DEFAULT_CSS = """
    #seal-fields { height: auto; max-height: 17; }
    #meeting { height: auto; }
    """

    def __init__(self, services: Services, defaults: dict | None = None):
        super().__init__(services)
        self.defaults = defaults or {}

    def compose(self) -> ComposeResult:
        d = self.defaults
        now = self.services.now()
        seals = self.services.seals.list(active_only=True)
        self._seals = {s.id: s for s in seals}
        staff = self.services.staff.list(active_only=True)
        people = [(f"{p.name}　{p.roles_text}" if p.roles_text else p.name, p.id) for p in staff]
        seal_id = d.get("seal_id") if d.get("seal_id") in self._seals else Select.NULL
        applicant = d.get("applicant_id")
        applicant = applicant if applicant in {p.id for p in staff} | {OUTSIDER} else Select.NULL
        keeper = d.get("keeper_id")
        if keeper is None and seal_id is not Select.NULL:
            keeper = self._seals[seal_id].keeper_id  # type: ignore[index]  # a seal is chosen
        keeper = keeper if keeper in {p.id for p in staff} else Select.NULL
        with Form(classes="dialog", id="seal-form"):
            if d.get("refers_to_number"):
                yield Static(f"重新登记（更正 {d['refers_to_number']}）", classes="title")
            else:
                yield Static("用印登记", classes="title")
            with VerticalScroll(id="seal-fields"):
                yield from field_row(
                    "印章",
                    "seal",
                    Select([(s.name, s.id) for s in seals], value=seal_id, prompt="请选择", compact=True),
                )
                yield from field_row(
                    "用印时间",
                    "used_at",
                    Input(d.get("used_at") or f"{now:%Y-%m-%d %H:%M}", placeholder="年-月-日 时:分"),
                )
                yield from field_row("文件名称", "title", Input(d.get("title", ""), placeholder="必填"))
                yield from field_row("用印事由", "purpose", Input(d.get("purpose", ""), placeholder="必填"))
                yield from field_row("份数", "copies", Input(d.get("copies", "1"), max_length=3))
                yield from field_row(
                    "送往单位",
                    "destination",
                    Input(d.get("destination", ""), placeholder="如：柳河镇人民政府、本村存档"),
                )
                yield from field_row(
                    "经办人",
                    "applicant",
                    Select(
                        [*people, ("村外人员（填写姓名）", OUTSIDER)], value=applicant, prompt="请选择", compact=True
                    ),
                )
                name = Input(d.get("applicant_name", ""), placeholder="村外经办人的姓名")
                yield from field_row("村外经办人", "applicant_name", name)
                yield from field_row("审批人", "approver", Select([], prompt="请先选择印章", compact=True))
                yield from field_row(
                    "审批人密码",
                    "approver_pin",
                    Input(password=True, max_length=64, placeholder="审批人本人输入；不在场则留空，存为待审批"),
                )
                yield from field_row("监印人", "keeper", Select(people, value=keeper, prompt="请选择", compact=True))
                yield from field_row(
                    "重大事项",
                    "major",
                    Select(
                        [("否", "否"), ("是（须经会议研究决定）", "是")],
                        value="是" if d.get("major") else "否",
                        allow_blank=False,
                        compact=True,
                    ),
                )
                with Vertical(id="meeting"):
                    yield from field_row(
                        "会议类型",
                        "meeting_type",
                        Select(
                            [(m, m) for m in MEETING_TYPES],
                            value=d.get("meeting_type") if d.get("meeting_type") in MEETING_TYPES else Select.NULL,
                            prompt="请选择",
                            compact=True,
                        ),
                    )
                    yield from field_row(
                        "会议日期",
                        "meeting_date",
                        Input(d.get("meeting_date", ""), placeholder="年-月-日，不晚于用印日期"),
                    )
                    yield from field_row(
                        "决议/记录编号",
                        "meeting_ref",
                        Input(d.get("meeting_ref", ""), placeholder="会议决议文号或会议记录编号"),
                    )
                yield from field_row("备注", "note", Input(d.get("note", ""), placeholder="可不填"))
            yield FieldError("refers_to")
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        d = self.defaults
        self._fill_approvers(d.get("approver_id"))
        self._show_outsider()
        self._show_meeting()
        self._last_seal = self.picked("seal")
        first = "#f-title" if d.get("seal_id") in self._seals else "#f-seal"
        self.query_one(first).focus()

    def _fill_approvers(self, wanted: int | None = None) -> None:
        approver = self.query_one("#f-approver", Select)
        seal_id = self.picked("seal")
        seal = self._seals.get(seal_id) if seal_id is not None else None
        if seal is None:
            approver.set_options([])
            approver.prompt = "请先选择印章"
            return
        people = self.services.seal_register.approvers(seal.id)
        approver.set_options([(name, pid) for pid, name in people])
        approver.prompt = f"请选择（{seal.approver_role}）" if people else f"没有在岗的{seal.approver_role}"
        if wanted in {pid for pid, _ in people}:
            approver.value = wanted
        elif len(people) == 1:
            approver.value = people[0][0]

    def _show_outsider(self) -> None:
        outsider = self.picked("applicant") == OUTSIDER
        row = self.query_one("#f-applicant_name", Input).parent
        if row is not None:
            row.display = outsider

    def _show_meeting(self) -> None:
        self.query_one("#meeting").display = self.picked("major") == "是"

    @on(Select.Changed, "#f-seal")
    def _seal_changed(self) -> None:
        if self.picked("seal") == getattr(self, "_last_seal", None):
            return  # the initial value, or chosen again
        self._last_seal = self.picked("seal")
        self._fill_approvers()
        seal = self._seals.get(self.picked("seal"))
        keeper = self.query_one("#f-keeper", Select)
        if seal is not None and seal.keeper_id is not None:
            try:
                keeper.value = seal.keeper_id  # the seal's keeper stamps, by default
            except Exception:
                pass

    @on(Select.Changed, "#f-applicant")
    def _applicant_changed(self) -> None:
        self._show_outsider()

    @on(Select.Changed, "#f-major")
    def _major_changed(self) -> None:
        self._show_meeting()

    def save(self) -> int:
        pin = self.value("approver_pin")
        self.query_one("#f-approver_pin", Input).value = ""  # a PIN never stays on screen after a try
        applicant = self.picked("applicant")
        outsider = applicant == OUTSIDER
        major = self.picked("major") == "是"
        info = self.services.seal_register.add(
            seal_id=self.picked("seal"),
            title=self.value("title"),
            purpose=self.value("purpose"),
            copies=self.value("copies"),
            destination=self.value("destination"),
            applicant_id=None if outsider else applicant,
            applicant_name=self.value("applicant_name") if outsider else "",
            approver_id=self.picked("approver"),
            keeper_id=self.picked("keeper"),
            used_at=self.value("used_at"),
            major=major,
            meeting_type=self.picked("meeting_type") or "" if major else "",
            meeting_date=self.value("meeting_date") if major else None,
            meeting_ref=self.value("meeting_ref") if major else "",
            note=self.value("note"),
            refers_to_id=self.defaults.get("refers_to_id"),
            approver_pin=pin,
        )
        if info.pending:
            self.notify(
                f"已登记：{info.number}，待{info.approver_name}审批：审批前不得用印"
                f"（F5 详情按 {seal_key(SealAction.APPROVE)} 审批）。",
                timeout=8,
            )
        else:
            self.notify(f"已登记：{info.number}（{info.approved_by}已审批）")
        return info.id


class VoidForm(ModalForm):
    LIMITS = {"reason": inputs.TITLE}

    def __init__(self, services: Services, info: SealUseInfo):
        super().__init__(services)
        self.info = info

    def compose(self) -> ComposeResult:
        i = self.info
        with Form(classes="dialog"):
            yield Static(f"作废 {i.number}：{fit(i.title, 40)}", classes="title")
            yield Static(
                "原登记不删除、不修改，在列表和台账中标为作废；作废本身也记入登记簿和操作日志。", classes="hint"
            )
            yield from field_row("作废原因", "reason", Input(placeholder="必填，如：文件名称填错，已重新登记"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-reason", Input).focus()

    def save(self):
        return self.services.seal_register.void(self.info.id, self.value("reason"))


class ApproveForm(PinPrompt):
    """审批 of an entry saved 待审批: its approver types their own PIN."""

    def __init__(self, services: Services, info: SealUseInfo):
        super().__init__(
            services,
            f"审批 {info.number}",
            f"{fit(info.title, 40)}　{info.copies}份　经办人：{info.applicant_text}\n"
            f"请审批人{info.approver_name}本人输入个人密码；审批时间记入登记簿。",
            "审批人密码",
            "approver_pin",
        )
        self.info = info

    def act(self, pin: str):
        info = self.services.seal_register.approve(self.info.id, pin)
        self.notify(f"{info.number} 已由{info.approved_by}审批。")
        return info


class MonthDialog(ModalForm):
    """The month filter: 2026-10, or empty for every month."""

    GUARD = False

    def __init__(self, month: str):
        super().__init__(None)  # type: ignore[arg-type]
        self.month = month

    def compose(self) -> ComposeResult:
        with Form(classes="dialog"):
            yield Static("按月份筛选", classes="title")
            yield from field_row(
                "月份", "month", Input(self.month, placeholder="如 2026-10；清空则显示全部", max_length=8)
            )
            yield FieldError("form")
            yield from self.buttons()

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("确定（回车）", id="save", compact=True)
            yield Button("取消（Esc）", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#f-month", Input).focus()

    @on(Input.Submitted, "#f-month")
    def _enter(self) -> None:
        self.action_save()

    def save(self) -> str:
        from cunwu_tui.errors import ValidationError
        from cunwu_tui.ledgers.engine import Period

        text = self.value("month").strip()
        if not text:
            return ""
        try:
            return Period.parse(text).iso
        except ValueError as exc:
            raise ValidationError({"month": str(exc)}) from None


class CountsDialog(Guarded, ModalScreen[None]):
    """Uses per seal per month of a year (voided entries apart); left and
    right change the year."""

    DEFAULT_CSS = """
    CountsDialog > .dialog { width: 64; }
    #counts-table { height: auto; max-height: 16; }
    """
    BINDINGS = [
        Binding("escape,enter,t", "close", "关闭"),
        Binding("left", "year(-1)", "上一年", show=False),
        Binding("right", "year(1)", "下一年", show=False),
    ]

    def __init__(self, services: Services, year: int):
        super().__init__()
        self.services = services
        self.year = year

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("", id="counts-title", classes="title")
            yield DataTable(id="counts-table", cursor_type="none", zebra_stripes=False)
            yield Static("", id="counts-note", classes="hint")

    def on_mount(self) -> None:
        self.show()

    def action_year(self, step: int) -> None:
        self.year += step
        self.show()

    def show(self) -> None:
        counts = self.services.seal_register.counts(self.year)
        seals = {s.name: (s.short_name or s.name) for s in self.services.seals.list()}
        table = self.query_one("#counts-table", DataTable)
        table.clear(columns=True)
        table.add_columns("月份", *[seals.get(r.seal, r.seal) for r in counts.rows], "合计")
        for m in range(12):
            cells = [r.months[m] for r in counts.rows]
            table.add_row(f"{m + 1}月", *[str(c) if c else "" for c in cells], str(sum(cells)) if sum(cells) else "")
        totals = [r.total for r in counts.rows]
        table.add_row(
            Text("合计", style="bold"),
            *[Text(str(t), style="bold") for t in totals],
            Text(str(sum(totals)), style="bold"),
        )
        self.query_one("#counts-title", Static).update(f"{self.year}年用印次数（不含作废）　左右键换年份，Esc 关闭")
        copies = "　".join(f"{seals.get(r.seal, r.seal)} {r.copies}份" for r in counts.rows)
        voided = sum(r.voided for r in counts.rows)
        self.query_one("#counts-note", Static).update(f"盖印份数：{copies}。另有作废 {voided} 条。")

    def action_close(self) -> None:
        self.dismiss(None)


HELP = """\
用印登记（F5）中：N 登记，回车查看，/ 搜索文件名称或经办人；
  S 按印章、M 按月份、J 按重大事项、X 按作废筛选；T 每月用印次数；
  E 导出用印登记台账（筛选的月份，未筛选时为上个月）；
  V 校验登记是否被改动。
  登记时审批人在场，由审批人本人在“审批人密码”一栏输入密码；不在场的
  留空，保存为“待审批”，审批前不得用印。
  详情页：{seal[approve]} 审批（审批人输入本人密码），
  {seal[void]} 作废（须写原因，原登记保留），{seal[correct]} 作废后重新登记。
  登记不能修改或删除。"""


def help_text() -> str:
    """F1's section on these screens, their keys from their own tables."""
    return HELP.format(seal=seal_keys_by_id())


def dashboard_panel(services, app) -> Text:
    """The 工作台 panel (cunwu_tui/feature.py Panel): the chain checked after start first."""
    return seal_lines(services, services.today(), getattr(app, "seal_check", None))
