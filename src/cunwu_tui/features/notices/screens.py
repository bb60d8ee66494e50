"""F7 公示: the notices by status with their countdown, a new notice, the
detail with its list and objection log, and the list for the notice board."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from cunwu_tui.ui.screens.base import AppScreen, DetailScreen
from cunwu_tui.domain import inputs
from cunwu_tui.features.notices import rules
from cunwu_tui.features.notices.actions import NoticeAction
from cunwu_tui.ui.screens.actions import ActionKey, bindings, key_line, key_of, keys_by_id, with_keys
from cunwu_tui.ui.screens.modal import ModalForm
from cunwu_tui.ui.widgets import CheckList, FieldError, Form, PagedTable, blank_select, field_row, key_id, screen_text

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.notices.service import NoticeInfo

FILTERS = ("全部", rules.RUNNING, rules.EXPIRED, rules.PENDING, rules.CLOSED, rules.WITHDRAWN)


def remaining(i: NoticeInfo) -> str:
    if i.status == rules.RUNNING:
        if i.ends_today:
            return "今天期满"
        return f"{i.days_left}日/{i.workdays_left}工作日"
    if i.status == rules.EXPIRED:
        return "待登记结果"
    if i.status == rules.PENDING:
        return f"{i.start_at:%m-%d %H:%M}开始"
    return i.result_text[:10]


class NoticesScreen(AppScreen):
    BINDINGS = [
        Binding("n", "new", "新建", show=False),
        Binding("s", "next_filter", "筛选", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="notice-filter", classes="hint")
        yield PagedTable(id="notice-table", cursor_type="row", zebra_stripes=False)
        yield Static("N 新建公示　回车 查看、登记异议、结束　S 按状态筛选", classes="hint")

    def on_mount(self) -> None:
        self.filter = "全部"
        table = self.query_one("#notice-table", DataTable)
        table.add_columns("编号", "标题", "状态", "结束", "剩余", "异议")
        table.focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.services is None:
            return
        status = None if self.filter == "全部" else self.filter
        # a page at a time (ten years of notices would take seconds to lay out); the total of all
        services, totals = self.services, []

        def fetch(offset: int, limit: int):
            infos, total = services.notices.page(status, limit, offset=offset)
            totals.append(total)
            return infos, offset + len(infos) < total

        def add(i) -> None:
            title = screen_text(i.title)
            if len(title) > 16:
                title = title[:15] + "⋯"
            style = "bold" if i.status == rules.EXPIRED or (i.status == rules.RUNNING and i.days_left <= 1) else ""
            table.add_row(
                i.number[i.number.index("第") :] if "第" in i.number else i.number,
                Text(title),
                Text(i.status, style=style),
                f"{i.end:%m-%d}" + ("预计" if i.provisional else ""),
                Text(remaining(i), style=style),
                str(i.objections) if i.objections else "",
                key=str(i.id),
            )

        table = self.query_one("#notice-table", PagedTable)
        infos = table.show(fetch, add)
        self.query_one("#notice-filter", Static).update(
            f"筛选：{self.filter}（S 切换）　共 {totals[0]} 条"
            + ("" if infos else "。按 N 新建公示。")
            + ("（向下翻看更早的）" if table.more else "")
        )

    def action_next_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.refresh_data()

    @on(DataTable.RowSelected, "#notice-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(NoticeDetailScreen(key_id(event.row_key)))

    def action_new(self) -> None:
        def saved(notice_id: int | None) -> None:
            self.refresh_data()
            if notice_id:
                self.app.push_screen(NoticeDetailScreen(notice_id))

        self.app.push_screen(NoticeForm(self.live), saved)


def render_notice(i: NoticeInfo, persons, objections) -> Text:
    from cunwu_tui.domain.idcard import mask_id_number

    t = Text()
    t.append(f"{i.number}　{screen_text(i.title)}\n", style="bold")
    t.append(f"状态：{i.status}")
    if i.status == rules.RUNNING:
        t.append(f"（还剩 {remaining(i)}）")
    elif i.status == rules.EXPIRED:
        t.append(f"（请按 {notice_key(NoticeAction.CLOSE)} 登记结果）", style="bold")
    if i.result_text:
        t.append(f"　结果：{screen_text(i.result_text)}")
    t.append("\n")
    t.append(f"类别：{i.kind}" + (f"　轮次：{i.round}" if i.round else "") + f"　地点：{'、'.join(i.places)}\n")
    t.append(f"公示期：{i.period_text}（{i.length_text}）\n")
    if i.provisional:
        t.append(f"预计：{i.provisional_reason}\n", style="dim")
    if i.backdate_reason:
        t.append(f"补录原因：{screen_text(i.backdate_reason)}\n")
    if i.summary:
        t.append(f"内容：{screen_text(i.summary)}\n")
    if i.photo_path:
        t.append(f"张贴照片：{i.photo_path}\n")
    if i.result_note:
        t.append(f"结果说明：{screen_text(i.result_note)}\n")
    if i.case_ref:
        step = f" 第{i.case_step}步" if i.case_step else ""
        t.append(f"关联办件：{i.case_ref}{step}（登记结果后该步才能完成）\n")
    t.append(f"经办人：{i.operator_name}　登记于 {i.created_at:%Y-%m-%d %H:%M}\n")
    if persons:
        t.append(f"\n【名单】{len(persons)}人（身份证号已隐去中间部分）\n", style="bold")
        for p in persons:
            parts = [
                p.name,
                p.group,
                mask_id_number(p.id_number) if p.id_number else "",
                f"{p.amount}元" if p.amount is not None else "",
                p.note,
            ]
            t.append(f"{p.seq}. " + "　".join(x for x in parts if x) + "\n")
    t.append(f"\n【异议登记】{len(objections)}条\n", style="bold")
    if not objections:
        t.append("暂无异议。\n", style="dim")
    for n, o in enumerate(objections, 1):
        t.append(f"{n}. {o.received_at:%m-%d %H:%M}　{o.who}　接收：{o.received_by}\n")
        t.append(f"   内容：{screen_text(o.content)}\n")
        if o.result:
            answered = f"　答复：{o.answered_at:%m-%d %H:%M}" if o.answered_at else "　未答复"
            t.append(f"   核实：{o.result}　{screen_text(o.handling)}{answered}\n")
        else:
            t.append(f"   尚未处理（按 {notice_key(NoticeAction.HANDLE)} 登记处理结果）\n", style="bold")
    return t


_N = NoticeAction
# The one table of the notice detail's keys: BINDINGS, the key line, the
# refusals and F1's help are built from it; which actions a notice allows
# now is decided by features.notices.actions.
NOTICE_KEYS: tuple[ActionKey, ...] = (
    ActionKey(_N.OBJECTION, "O", "登记异议", "objection"),
    ActionKey(_N.HANDLE, "H", "处理异议", "handle"),
    ActionKey(_N.CLOSE, "C", "结束", "close_notice", "结束公示"),
    ActionKey(_N.WITHDRAW, "W", "撤回", "withdraw"),
    ActionKey(_N.BOARD_LIST, "L", "公示名单", "board_list"),
)
NOTICE_BACK_HINT = "Esc 返回"


def notice_key(action: NoticeAction) -> str:
    """The key the notice detail does ``action`` with."""
    return key_of(NOTICE_KEYS, action)


def notice_keys_by_id() -> dict[str, str]:
    """Action id -> key, for F1's help."""
    return keys_by_id(NOTICE_KEYS)


class NoticeDetailScreen(DetailScreen):
    BINDINGS = bindings(NOTICE_KEYS)
    BODY_ID, KEYS_ID = "notice-detail", "notice-keys"

    def __init__(self, notice_id: int):
        super().__init__()
        self.notice_id = notice_id

    def load(self, services: Services):
        n = services.notices
        self.info = n.get(self.notice_id)
        body = render_notice(self.info, n.persons(self.notice_id), n.objections(self.notice_id))
        return body, key_line(NOTICE_KEYS, self.info.actions, NOTICE_BACK_HINT)

    def _refresh(self, result=None) -> None:
        self.refresh_data()

    def _allowed(self, action: NoticeAction) -> bool:
        if action in self.info.actions:
            return True
        self.notify(screen_text(with_keys(self.info.why_not(action), NOTICE_KEYS)), severity="warning")
        return False

    def action_objection(self) -> None:
        if not self._allowed(_N.OBJECTION):
            return
        self.app.push_screen(ObjectionForm(self.live, self.info), self._refresh)

    def action_handle(self) -> None:
        if not self._allowed(_N.HANDLE):
            return
        open_ = [o for o in self.live.notices.objections(self.notice_id) if not o.result]

        def done(upheld: bool | None) -> None:
            self.refresh_data()
            if upheld:
                from cunwu_tui.ui.screens.dialogs import ConfirmDialog

                def answer(yes: bool | None) -> None:
                    if yes:
                        defaults = self.live.notices.second_round_defaults(self.notice_id)
                        self.app.push_screen(NoticeForm(self.live, defaults), self._after_second)

                self.app.push_screen(
                    ConfirmDialog(
                        "异议成立，本次公示已按「有异议」结束",
                        "请重新调查核实。核实后要发起第二次公示吗？（名单等内容已带入，可修改）",
                    ),
                    answer,
                )

        self.app.push_screen(HandleForm(self.live, open_[0]), done)

    def _after_second(self, notice_id: int | None) -> None:
        if notice_id:
            self.app.pop_screen()
            self.app.push_screen(NoticeDetailScreen(notice_id))

    def action_close_notice(self) -> None:
        if not self._allowed(_N.CLOSE):
            return
        self.app.push_screen(CloseForm(self.live, self.info), self._refresh)

    def action_withdraw(self) -> None:
        if not self._allowed(_N.WITHDRAW):
            return
        self.app.push_screen(WithdrawForm(self.live, self.info), self._refresh)

    def action_board_list(self) -> None:
        from cunwu_tui.errors import ValidationError
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        try:
            path = self.live.notices.write_public_list(self.notice_id)
        except ValidationError as exc:
            self.app.push_screen(MessageDialog("未能保存公示名单", next(iter(exc.errors.values()))))
            return
        self.app.push_screen(
            MessageDialog(
                "公示名单已保存", f"身份证号只显示前6位和后4位，不含电话。打开后按 A4 打印张贴：\n{path.resolve()}"
            )
        )


class NoticeForm(ModalForm):
    """新建公示. ``defaults`` (e.g. a second round) prefill the form.
    ``post``: the service call that saves it (a case's notice: the case's
    ``post_notice``, which links it in the same transaction)."""

    LIMITS = {"title": inputs.TITLE, "summary": inputs.TEXT, "backdate_reason": inputs.LINE}

    def __init__(self, services: Services, defaults: dict | None = None, post: Callable[..., NoticeInfo] | None = None):
        super().__init__(services)
        self.defaults = defaults or {}
        self.post = post or services.notices.add
        self._length_touched = bool(defaults)

    def compose(self) -> ComposeResult:
        d = self.defaults
        now = self.services.now()
        with Form(classes="dialog", id="notice-form"):
            yield Static("第二次公示" if d.get("previous_id") else "新建公示", classes="title")
            with VerticalScroll(id="notice-fields"):
                yield from field_row(
                    "标题", "title", Input(d.get("title", ""), placeholder="如：2026年11月低保对象公示")
                )
                yield from field_row("类别", "kind", blank_select(rules.KINDS, d.get("kind", "")))
                yield Label("公示地点（空格键勾选，可多选）")
                places = d.get("places", ("公开栏",))
                yield CheckList([(p, p, p in places) for p in rules.PLACES], id="f-places", classes="places")
                yield FieldError("places")
                yield from field_row("开始时间", "start", Input(f"{now:%Y-%m-%d %H:%M}", placeholder="年-月-日 时:分"))
                yield from field_row("补录原因", "backdate_reason", Input(placeholder="开始日期早于今天时必填"))
                length, unit = rules.DEFAULT_LENGTH
                yield from field_row("期限", "length", Input(str(d.get("length", length)), max_length=3))
                yield from field_row("单位", "unit", blank_select(rules.UNITS, d.get("unit", unit), unit))
                yield from field_row("轮次", "round", blank_select(rules.ROUNDS, d.get("round", "")))
                yield from field_row("内容摘要", "summary", Input(d.get("summary", "")))
                yield Label("名单（每行一人：姓名 组别 身份证号 金额 备注，可从 Excel 粘贴；无名单可不填）")
                yield TextArea(d.get("persons", ""), id="f-persons", classes="lines")
                yield FieldError("persons")
                yield from field_row("张贴照片", "photo_path", Input(placeholder="照片文件路径，可不填"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-title", Input).focus()

    @on(Select.Changed, "#f-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        """The length defaults to the matter's rule for this kind."""
        if self._length_touched or not isinstance(event.value, str):
            return
        n, unit = self.services.notices.default_length(rules.KIND_MATTERS.get(event.value, ""))
        self.query_one("#f-length", Input).value = str(n)
        self.query_one("#f-unit", Select).value = unit

    @on(Input.Changed, "#f-length")
    def _length_typed(self, event: Input.Changed) -> None:
        if self.query_one("#f-length", Input).has_focus:
            self._length_touched = True

    def save(self) -> int:
        d = self.defaults
        kind = self.choice("kind")
        places = list(self.query_one("#f-places", CheckList).selected)
        info = self.post(
            title=self.value("title"),
            kind=kind,
            places=places,
            start=self.value("start"),
            length=self.value("length"),
            unit=self.choice("unit") or rules.DEFAULT_LENGTH[1],
            round=self.choice("round"),
            summary=self.value("summary"),
            persons=self.query_one("#f-persons", TextArea).text,
            photo_path=self.value("photo_path"),
            backdate_reason=self.value("backdate_reason"),
            matter_code=d.get("matter_code") or rules.KIND_MATTERS.get(kind, ""),
            case_ref=d.get("case_ref", ""),
            case_step=d.get("case_step"),
            previous_id=d.get("previous_id"),
        )
        return info.id


class ObjectionForm(ModalForm):
    LIMITS = {"content": inputs.TEXT, "from_name": inputs.NAME, "received_by": inputs.NAME}

    def __init__(self, services: Services, info: NoticeInfo):
        super().__init__(services)
        self.info = info

    def compose(self) -> ComposeResult:
        now = self.services.now()
        op = self.services.operator
        with Form(classes="dialog"):
            yield Static(f"登记异议：{screen_text(self.info.title)}", classes="title")
            yield from field_row("收到时间", "received_at", Input(f"{now:%Y-%m-%d %H:%M}"))
            yield from field_row("异议人", "from_name", Input(placeholder="可不填（匿名）"))
            yield from field_row("内容", "content", Input(placeholder="必填"))
            yield from field_row("接收人", "received_by", Input(op.name if op else ""))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-from_name", Input).focus()

    def save(self):
        return self.services.notices.add_objection(
            self.info.id,
            self.value("received_at"),
            self.value("from_name"),
            self.value("content"),
            self.value("received_by"),
        )


class HandleForm(ModalForm):
    """The handling of one objection; dismisses True when it was upheld."""

    LIMITS = {"handling": inputs.TEXT}

    def __init__(self, services: Services, objection):
        super().__init__(services)
        self.objection = objection

    def compose(self) -> ComposeResult:
        o = self.objection
        with Form(classes="dialog"):
            yield Static(f"处理异议（{o.received_at:%m-%d %H:%M} {o.who}）：{screen_text(o.content)}", classes="title")
            yield from field_row("核实处理", "handling", Input(placeholder="必填：如何核实、结论"))
            yield from field_row("核实结果", "result", blank_select(rules.OBJECTION_RESULTS))
            yield from field_row("答复时间", "answered_at", Input(placeholder="答复异议人的时间；匿名可不填"))
            yield Static("异议成立时，本次公示按「有异议」结束，需重新调查核实后另行公示。", classes="hint")
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-handling", Input).focus()

    def save(self) -> bool:
        info, _ = self.services.notices.handle_objection(
            self.objection.id, self.value("handling"), self.choice("result"), self.value("answered_at") or None
        )
        return info.result == "成立"


class CloseForm(ModalForm):
    def __init__(self, services: Services, info: NoticeInfo):
        super().__init__(services)
        self.info = info

    def compose(self) -> ComposeResult:
        i = self.info
        suggested = rules.HANDLED if i.objections else rules.NO_OBJECTION
        with Form(classes="dialog"):
            yield Static(f"结束公示：{screen_text(i.title)}（期满日 {i.end:%Y-%m-%d}）", classes="title")
            yield from field_row("结果", "result", blank_select(rules.RESULTS, suggested))
            yield from field_row("说明", "note", Input(placeholder="可不填"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-note", Input).focus()

    def save(self):
        return self.services.notices.close(self.info.id, self.choice("result"), self.value("note"))


class WithdrawForm(ModalForm):
    LIMITS = {"reason": inputs.LINE}

    def __init__(self, services: Services, info: NoticeInfo):
        super().__init__(services)
        self.info = info

    def compose(self) -> ComposeResult:
        with Form(classes="dialog"):
            yield Static(f"撤回公示：{screen_text(self.info.title)}", classes="title")
            yield from field_row("撤回原因", "reason", Input(placeholder="必填，记入公示台账"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-reason", Input).focus()

    def save(self):
        return self.services.notices.withdraw(self.info.id, self.value("reason"))


HELP = """\
公示（F7）中：N 新建，S 按状态筛选，回车查看；详情页：{notice[objection]} 登记异议，
  {notice[handle]} 处理异议，{notice[close]} 结束公示（期满当天起），{notice[withdraw]} 撤回（须写原因），
  {notice[board_list]} 保存公示名单（身份证号隐去中间部分、不含电话）以便打印张贴。"""


def help_text() -> str:
    """F1's section on these screens, their keys from their own tables."""
    return HELP.format(notice=notice_keys_by_id())


def dashboard_panel(services, app) -> Text:
    """Notices ending today or within 2 days; notices over without a result."""
    today = services.today()
    lines = []
    for i in services.notices.ending_soon(today):
        when = "今天期满" if i.end == today else f"{i.end:%m-%d}期满"
        extra = f"，异议{i.objections}条" if i.objections else ""
        lines.append(f"{when}　{i.title}{extra}")
    for i in services.notices.without_result(today):
        lines.append(f"{i.end:%m-%d}已期满，未登记结果　{i.title}")
    return Text(screen_text("\n".join(lines) or "近两天没有期满的公示。"))
