"""F6 值班: who is on duty now and the 带班领导 with phone, the open items
carried over, this shift's log; log an entry, a substitution, a handover in
a few keys. R opens the month's rota (generate, publish, adjust), J the
long-holiday rotas (draw up, file, notify, export)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select, Static, TextArea

from cunwu_tui.domain import inputs
from cunwu_tui.domain.actions import prompt
from cunwu_tui.features.duty.rules import LOG_KINDS, SUB_REASONS
from cunwu_tui.features.duty.actions import HolidayAction, LogAction, RotaAction, redo
from cunwu_tui.ui.screens.actions import ActionKey, bindings, key_line, key_of, keys_by_id, with_keys
from cunwu_tui.ui.screens.guard import Guarded

from cunwu_tui.ui.screens.base import AppScreen, DetailView
from cunwu_tui.ui.screens.modal import ModalForm, PinPrompt
from cunwu_tui.ui.widgets import FieldError, Form, field_row, key_id, fit, screen_text

if TYPE_CHECKING:
    from cunwu_tui.services import Services

WEEKDAYS = "一二三四五六日"


def person(name: str, phone: str) -> str:
    return f"{name} {phone}".strip() if name else "（未排班）"


def now_lines(services, now: datetime) -> Text:
    """Who is on duty and the 带班领导 with phone; a substitution in force."""
    n = services.duty.on_duty(now)
    t = Text()
    t.append("现在值班（夜间）：" if n.night_shift else "现在值班：", style="bold")
    t.append(person(n.person_name, n.person_phone))
    if n.substitution is not None:
        t.append(f"（替{n.scheduled_name}，至{n.substitution.end_at:%H:%M}，{n.substitution.reason}）")
    t.append("　带班领导：", style="bold")
    t.append(person(n.leader_name, n.leader_phone))
    if n.chief_name:
        t.append(f"\n值班领导：{person(n.chief_name, n.chief_phone)}")
    if not n.night_shift:
        tonight = services.duty.days(n.day, n.day)
        if tonight and tonight[0].night_name:
            t.append(f"\n今晚夜间值班（17:30起）：{person(tonight[0].night_name, tonight[0].night_phone)}")
    return t


def reminder_lines(services, now: datetime) -> list[str]:
    """Shifts ended without a handover; handovers waiting for confirmation."""
    lines = []
    missing = services.duty.missing_handovers(now)
    if missing:
        last = missing[-1]
        more = f"（近7天共{len(missing)}个班）" if len(missing) > 1 else ""
        lines.append(f"{last.day:%m-%d}的班（{last.staff_name}）已结束，没有交接班记录{more}：请按 H 补记交接。")
    for h in services.duty.unconfirmed()[:1]:
        lines.append(f"{h.shift_day:%m-%d}的班{h.outgoing_name}已交班，待{h.incoming_name}确认接班（按 C）。")
    return lines


def item_lines(services, limit: int = 4, width: int = 60) -> str:
    items = services.duty.open_items()
    if not items:
        return "没有遗留事项。"
    lines = [f"{i.from_day:%m-%d}　{fit(i.text, width)}" for i in items[:limit]]
    if len(items) > limit:
        lines.append(f"另有 {len(items) - limit} 条，按 F6 后按 X 查看、办结。")
    return "\n".join(lines)


def duty_panel(services, now: datetime) -> Text:
    """The 工作台 panel."""
    t = now_lines(services, now)
    for line in reminder_lines(services, now):
        t.append(
            "\n" + screen_text(line).replace("按 H", "按 F6 后按 H").replace("（按 C）", "（F6 后按 C）"), style="bold"
        )
    items = services.duty.open_items()
    if items:
        t.append(f"\n遗留事项 {len(items)} 条：" + fit("；".join(i.text for i in items), 60))
    return t


def _select(options, value=None, prompt: str = "请选择") -> Select:
    """options: (label, value) pairs."""
    values = [v for _, v in options]
    return Select(options, value=value if value in values else Select.NULL, prompt=prompt, compact=True)


def _people_select(services, role: str | None, value=None) -> Select:
    if role:
        options = [(name, pid) for pid, name in services.duty.candidates(role)]
    else:
        options = [(p.name, p.id) for p in services.staff.list(active_only=True)]
    return _select(options, value)


# -- the forms -----------------------------------------------------------------
class LogForm(ModalForm):
    """值班记录: one entry; an emergency needs the leader told."""

    LIMITS = {"content": inputs.TEXT, "action": inputs.TEXT}

    def compose(self) -> ComposeResult:
        now = self.services.now()
        n = self.services.duty.on_duty(now)
        with Form(classes="dialog", id="log-form"):
            yield Static(
                f"值班记录　值班：{n.person_name or '（未排班）'}　带班领导：{person(n.leader_name, n.leader_phone)}",
                classes="title",
            )
            with VerticalScroll(classes="duty-fields"):
                yield from field_row("类别", "kind", _select([(k, k) for k in LOG_KINDS], "来电"))
                yield from field_row("时间", "at", Input(f"{now:%H:%M}", placeholder="时:分，或 年-月-日 时:分"))
                yield from field_row("情况", "content", Input(placeholder="必填：什么人、什么事"))
                yield from field_row("处理情况", "action", Input(placeholder="怎么处理的，可不填"))
                yield from field_row(
                    "报告带班领导", "leader_told", _select([("未报告", "no"), ("已报告", "yes")], "no")
                )
                yield from field_row("报告时间", "told_at", Input(placeholder="已报告时必填，如 21:45"))
            yield Static("突发事件必须立即报告带班领导，并记下报告时间。", classes="hint")
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-kind", Select).focus()

    def confirm_before_save(self):
        target = self.services.duty.log_target(self.value("at"))
        if not target.elsewhere:
            return None
        where = "不在本班的列表中，" if target.other_shift else ""
        return (
            f"记到{target.day:%m-%d}的班？",
            f"{target.text}\n这条记录将记在该班、{target.staff_name or '操作员'}名下，{where}"
            "导出的值班记录台账按时间列出。\n按 Y 保存，按 N 返回修改时间。",
        )

    def save(self):
        told = self.picked("leader_told") == "yes"
        return self.services.duty.add_log(
            self.picked("kind") or "",
            self.value("content"),
            self.value("action"),
            self.value("at"),
            told,
            self.value("told_at"),
        )


class SubstitutionForm(ModalForm):
    LIMITS = {"note": inputs.TITLE}

    def compose(self) -> ComposeResult:
        now = self.services.now()
        n = self.services.duty.on_duty(now)
        with Form(classes="dialog", id="sub-form"):
            yield Static(f"替班（外出办事、就餐找人替班）　现在值班：{n.person_name or '（未排班）'}", classes="title")
            with VerticalScroll(classes="duty-fields"):
                yield from field_row("开始", "start", Input(f"{now:%H:%M}", placeholder="时:分，或 年-月-日 时:分"))
                yield from field_row("结束", "end", Input(placeholder="如 12:30"))
                yield from field_row("替班人", "by", _people_select(self.services, None))
                yield from field_row("原因", "reason", _select([(r, r) for r in SUB_REASONS]))
                yield from field_row("说明", "note", Input(placeholder="原因选其他时必填"))
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-start", Input).focus()

    def save(self):
        return self.services.duty.add_substitution(
            self.value("start"), self.value("end"), self.picked("by"), self.picked("reason") or "", self.value("note")
        )


class HandoverForm(ModalForm):
    """交接班: the shift being handed over (default: the oldest one that
    ended without a handover), who hands over to whom, the items left open.
    The defaults come from the service and pass its own rules."""

    LIMITS = {"items": inputs.TEXT, "note": inputs.LINE}

    def compose(self) -> ComposeResult:
        now = self.services.now()
        choices = self.services.duty.handover_choices(now)
        plan = self.services.duty.handover_plan(choices[0].day if choices else None, now)
        self.day = plan.day
        still = self.services.duty.open_items()
        options = [(self._choice_label(c), c.day.isoformat()) for c in choices]
        if plan.day.isoformat() not in [v for _, v in options]:
            options.append((f"{plan.day:%m-%d}（星期{WEEKDAYS[plan.day.weekday()]}）", plan.day.isoformat()))
        with Form(classes="dialog", id="handover-form"):
            yield Static(self._title(plan), classes="title", id="handover-title")
            with VerticalScroll(classes="duty-fields"):
                yield from field_row("班次", "day", _select(options, plan.day.isoformat()))
                yield from field_row("交班人", "outgoing", _people_select(self.services, None, plan.outgoing_id))
                yield from field_row("接班人", "incoming", _people_select(self.services, None, plan.incoming_id))
                yield from field_row("交接时间", "at", Input(self._at_text(plan)))
                yield Label("新的遗留事项（每行一条；未办结的旧事项会继续显示）")
                yield TextArea("", id="f-items", classes="items")
                yield FieldError("items")
                yield from field_row("备注", "note", Input(placeholder="可不填，如：夜间平稳"))
                yield from field_row(
                    "接班确认", "confirmed", _select([("接班人当场确认", "yes"), ("稍后由接班人确认", "no")], "yes")
                )
                yield from field_row(
                    "接班人密码",
                    "incoming_pin",
                    Input(password=True, max_length=64, placeholder="当场确认时接班人本人输入（接班人即操作员时不填）"),
                )
            yield Static(self._hint(plan, len(still)), classes="hint", id="handover-hint")
            yield FieldError("form")
            yield from self.buttons()

    @staticmethod
    def _choice_label(c) -> str:
        who = c.staff_name or "未排班"
        return f"{c.day:%m-%d}（星期{WEEKDAYS[c.day.weekday()]}）{who}，" + ("已结束未交接" if c.ended else "本班")

    @staticmethod
    def _title(plan) -> str:
        day = plan.day
        return f"交接班：{day:%Y-%m-%d}（星期{WEEKDAYS[day.weekday()]}）的班" + ("（补记）" if plan.ended else "")

    def _at_text(self, plan) -> str:
        return (
            f"{plan.at:%Y-%m-%d %H:%M}"
            if plan.ended or plan.at.date() != self.services.now().date()
            else f"{plan.at:%H:%M}"
        )

    def _hint(self, plan, still: int = 0) -> str:
        parts = []
        if plan.note:
            parts.append(plan.note)
        if plan.ended:
            parts.append("补记：交接时间默认为该班结束时间，请按实际改。")
        if still:
            parts.append(f"仍未办结的遗留事项 {still} 条，交接后继续显示。")
        return "".join(parts) or "Ctrl+S 保存。"

    def on_mount(self) -> None:
        self.query_one("#f-day", Select).focus()

    @on(Select.Changed, "#f-day")
    def _day_changed(self, event: Select.Changed) -> None:
        if not isinstance(event.value, str) or event.value == self.day.isoformat():
            return
        plan = self.services.duty.handover_plan(date.fromisoformat(event.value))
        self.day = plan.day
        for field, value in (("outgoing", plan.outgoing_id), ("incoming", plan.incoming_id)):
            widget = self.query_one(f"#f-{field}", Select)
            widget.value = value if value is not None else Select.NULL
        self.query_one("#f-at", Input).value = self._at_text(plan)
        self.query_one("#handover-title", Static).update(self._title(plan))
        self.query_one("#handover-hint", Static).update(self._hint(plan, len(self.services.duty.open_items())))

    def save(self):
        pin = self.value("incoming_pin")
        self.query_one("#f-incoming_pin", Input).value = ""  # a PIN never stays on screen after a try
        return self.services.duty.hand_over(
            self.day,
            self.picked("outgoing"),
            self.picked("incoming"),
            self.query_one("#f-items", TextArea).text,
            self.value("note"),
            self.value("at"),
            self.picked("confirmed") == "yes",
            pin,
        )


class ConfirmHandoverForm(PinPrompt):
    """接班确认 by the incoming person in person: their own PIN."""

    def __init__(self, services: Services, handover, items: str):
        h = handover
        super().__init__(
            services,
            f"{h.incoming_name}确认接班",
            f"{h.shift_day:%m-%d}的班，{h.outgoing_name}于{h.handed_at:%m-%d %H:%M}交班。\n"
            f"遗留事项：{screen_text(items)}\n请{h.incoming_name}本人输入个人密码确认。",
            "接班人密码",
        )
        self.handover = handover

    def act(self, pin: str):
        return self.services.duty.confirm(self.handover.id, pin)


class ReasonForm(ModalForm):
    """One line of text (a void reason, a closing note); ``act(text)`` saves."""

    LIMITS = {"reason": inputs.TITLE}

    def __init__(self, services: Services, title: str, label: str, act, placeholder: str = ""):
        super().__init__(services)
        self._title, self._label, self._act, self._placeholder = title, label, act, placeholder

    def compose(self) -> ComposeResult:
        with Form(classes="dialog"):
            yield Static(self._title, classes="title")
            yield from field_row(self._label, "reason", Input(placeholder=self._placeholder))
            yield FieldError("note")
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-reason", Input).focus()

    def save(self):
        from cunwu_tui.errors import ValidationError

        try:
            return self._act(self.value("reason"))
        except ValidationError as exc:  # shown at the one field, whatever the service called it
            raise ValidationError({"reason": "".join(exc.errors.values())}) from None


class SignForm(ModalForm):
    """领导审签 of a long holiday's rota: the leader picks themself and types
    their own PIN."""

    GUARD = False

    def __init__(self, services: Services, rota):
        super().__init__(services)
        self.rota = rota

    def compose(self) -> ComposeResult:
        leaders = self.services.duty.sign_leaders()
        with Form(classes="dialog"):
            yield Static(f"{self.rota.name}值班表：领导审签", classes="title")
            yield Static("审签后才能报上级机关备案。请审签的领导本人选择自己并输入个人密码。", classes="hint")
            yield from field_row("审签领导", "leader", Select(leaders, prompt="请选择", compact=True))
            yield from field_row(
                "领导密码", "leader_pin", Input(password=True, max_length=64, placeholder="审签领导本人输入个人密码")
            )
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-leader", Select).focus()

    def save(self):
        return self.services.duty.sign_holiday_rota(self.rota.id, self.picked("leader"), self.value("leader_pin"))


class WhoForm(ModalForm):
    """Who was on duty at a moment: the rota and the substitutions."""

    GUARD = False

    BINDINGS = [Binding("escape", "cancel", "关闭"), Binding("enter,ctrl+s", "save", "查询", show=False)]

    def compose(self) -> ComposeResult:
        now = self.services.now()
        with Form(classes="dialog"):
            yield Static("查某个时间谁在值班（按值班表和替班记录）", classes="title")
            yield from field_row("时间", "at", Input(f"{now:%Y-%m-%d %H:%M}", placeholder="年-月-日 时:分"))
            yield Static("", id="who-answer")
            yield FieldError("form")
            with Horizontal(classes="buttons"):
                yield Button("查询（回车）", id="save", compact=True)
                yield Button("关闭（Esc）", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#f-at", Input).focus()

    @on(Input.Submitted, "#f-at")
    def _submitted(self, _event) -> None:
        self.action_save()

    def action_save(self) -> None:
        from cunwu_tui.features.seals.numbers import parse_moment
        from cunwu_tui.features.duty.service import on_duty_text

        form = self.query_one(Form)
        try:
            at = parse_moment(self.value("at"), "时间")
        except ValueError as exc:
            form.show_errors({"at": str(exc)})
            return
        form.clear_errors()
        self.query_one("#who-answer", Static).update(Text(screen_text(on_duty_text(self.services.duty.on_duty(at)))))


class ItemsScreen(Guarded, ModalScreen):
    """The open items: Enter closes the chosen one with a note."""

    BINDINGS = [Binding("escape", "close", "关闭")]

    def __init__(self, services: Services):
        super().__init__()
        self.services = services

    def compose(self) -> ComposeResult:
        with Form(classes="dialog"):
            yield Static("遗留事项（回车 办结选中的一条，Esc 关闭）", classes="title")
            yield DataTable(id="items-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#items-table", DataTable)
        table.add_columns("交班日", "事项")
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one("#items-table", DataTable)
        table.clear()
        for i in self.services.duty.open_items():
            table.add_row(f"{i.from_day:%m-%d}", Text(fit(i.text, 60)), key=str(i.id))

    @on(DataTable.RowSelected, "#items-table")
    def _close_item(self, event: DataTable.RowSelected) -> None:
        item_id = key_id(event.row_key)

        def done(result) -> None:
            self.reload()

        self.app.push_screen(
            ReasonForm(
                self.services,
                "办结遗留事项",
                "办理结果",
                lambda text: self.services.duty.close_item(item_id, text),
                "如：已清理",
            ),
            done,
        )

    def action_close(self) -> None:
        self.dismiss(None)


# The one table of each F6 detail's action keys (bindings, key line,
# refusals, F1's help); which actions apply is decided by features.duty.actions.
LOG_KEYS: tuple[ActionKey, ...] = (
    ActionKey(LogAction.TAKE_IN, "N", "受理为办件", "take_in", "受理为办件（F4 新建受理，已填好渠道和来源）"),
)
_R = RotaAction
ROTA_KEYS: tuple[ActionKey, ...] = (
    ActionKey(_R.GENERATE, "G", "生成", "generate"),
    ActionKey(_R.REPLAN, "G", "重新安排", "generate"),  # G on a published month
    ActionKey(_R.PUBLISH, "P", "发布", "publish"),
)


_H = HolidayAction
HOLIDAY_KEYS: tuple[ActionKey, ...] = (
    ActionKey(_H.SIGN, "G", "审签", "sign", "领导审签"),
    ActionKey(_H.FILE, "F", "报备", "file", "报上级机关备案"),
    ActionKey(_H.NOTIFY, "I", "已通知", "notify_all", "已通知到人"),
)


def rota_key(action: RotaAction) -> str:
    """The key the rota screen does ``action`` with."""
    return key_of(ROTA_KEYS, action)


def duty_keys_by_id() -> dict[str, dict[str, str]]:
    """Action id -> key of the rota screens and the log detail, for F1's help."""
    return {"rota": keys_by_id(ROTA_KEYS), "log": keys_by_id(LOG_KEYS), "holiday": keys_by_id(HOLIDAY_KEYS)}


class LogDetailScreen(DetailView, Guarded, ModalScreen):
    """One duty log entry in full; a 来访 or 来信 can be taken in as a case
    (F4's intake form, prefilled), linked both ways."""

    BINDINGS = [Binding("escape", "back", "关闭"), *bindings(LOG_KEYS)]
    SCROLL_ID, SCROLL_CLASSES, BODY_ID, KEYS_ID = "log-detail-scroll", "duty-fields", "log-detail", "log-keys"

    def __init__(self, services: Services, log_id: int):
        super().__init__()
        self._services, self.log_id = services, log_id

    @property
    def services(self) -> Services:
        return self._services

    def compose(self) -> ComposeResult:
        with Form(classes="dialog"):
            yield Static("值班记录", classes="title", id="log-title")
            yield from self.compose_detail()

    def load(self, services: Services):
        e = self.entry = services.duty.log(self.log_id)
        t = Text()
        t.append(f"{e.at:%Y-%m-%d %H:%M}　{e.kind}　{e.shift_day:%m-%d}的班，值班 {e.staff_name}\n", style="bold")
        if e.voided:
            t.append(f"【作废】{screen_text(e.void_reason)}\n", style="bold")
        t.append("情况：", style="bold")
        t.append(screen_text(e.content) + "\n")
        t.append("处理情况：", style="bold")
        t.append((screen_text(e.action) or "（未填）") + "\n")
        t.append("报告带班领导：", style="bold")
        t.append(e.leader_text + "\n")
        if e.case_number:
            t.append("已受理为办件：", style="bold")
            t.append(f"{e.case_number}（F4 中查看）\n")
        t.append(f"记录：{e.operator_name} {e.recorded_at:%m-%d %H:%M}", style="dim")
        return t, key_line(LOG_KEYS, e.actions, "上下键滚动　Esc 关闭")

    def action_back(self) -> None:
        self.dismiss(None)

    def action_take_in(self) -> None:
        from cunwu_tui.features.cases.screens import IntakeForm

        e = self.entry
        if LogAction.TAKE_IN not in e.actions:
            self.notify(screen_text(with_keys(e.why_not(LogAction.TAKE_IN), LOG_KEYS)), severity="warning")
            return

        def saved(case_id) -> None:
            if not isinstance(case_id, int) or isinstance(case_id, bool):
                return
            self.refresh_data()  # load() reads the entry again, its case number with it
            self.notify(f"已受理为 {self.entry.case_number}，在 F4 中办理。")

        def post(intake):  # the case and its link to this entry: one transaction
            return self.services.duty.take_in(e.id, intake)

        prefill = {"channel": e.intake_channel, "note": e.origin_text}
        self.app.push_screen(IntakeForm(self.services, prefill=prefill, post=post), saved)


# -- the main screen ------------------------------------------------------------
class DutyScreen(AppScreen):
    BINDINGS = [
        Binding("l", "log", "记录", show=False),
        Binding("t", "substitute", "替班", show=False),
        Binding("h", "handover", "交接班", show=False),
        Binding("c", "confirm", "确认接班", show=False),
        Binding("x", "items", "遗留事项", show=False),
        Binding("v", "void", "作废", show=False),
        Binding("w", "who", "某时值班", show=False),
        Binding("r", "rota", "值班表", show=False),
        Binding("j", "holidays", "中长假", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="duty-now", classes="panel")
        yield Static("", id="duty-items", classes="panel")
        yield DataTable(id="duty-log", cursor_type="row")
        yield Static(
            "L 记录　T 替班　H 交接班　C 确认接班　X 遗留事项　V 作废　回车 详情\nW 查某个时间谁值班　R 月值班表　J 中长假值班表",
            classes="hint",
        )

    def on_mount(self) -> None:
        self.query_one("#duty-now").border_title = "值班"
        self.query_one("#duty-items").border_title = "遗留事项"
        table = self.query_one("#duty-log", DataTable)
        table.add_columns("时间", "类别", "情况", "报告领导", "值班")
        table.focus()
        self.refresh_data()

    def now(self) -> datetime:
        return self.live.now()

    def on_resize(self) -> None:
        """Texts are cut to the width: redo the table (its columns only grow by themselves)."""
        if not self.is_mounted or self.services is None or getattr(self, "_width", None) == self.size.width:
            return
        first = getattr(self, "_width", None) is None
        self._width = self.size.width
        if not first:
            table = self.query_one("#duty-log", DataTable)
            table.clear(columns=True)
            table.add_columns("时间", "类别", "情况", "报告领导", "值班")
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.services is None:
            return
        now = self.now()
        t = now_lines(self.services, now)
        for line in reminder_lines(self.services, now):
            t.append("\n" + line, style="bold")
        self.query_one("#duty-now", Static).update(t)
        # Text cut to the terminal's width: wider terminals show more (80 columns: as before).
        wide = max(0, self.size.width - 80)
        self.query_one("#duty-items", Static).update(Text(screen_text(item_lines(self.services, 3, 60 + wide))))
        from cunwu_tui.features.duty.rules import shift_bounds, shift_day

        day = shift_day(now)
        entries = self.services.duty.shift_logs(day)
        subs = self.services.duty.substitutions(*shift_bounds(day))
        table = self.query_one("#duty-log", DataTable)
        table.clear()
        rows: list[tuple[datetime, str, Any]] = [(e.at, "log", e) for e in entries] + [
            (x.start_at, "sub", x) for x in subs
        ]
        for _, kind, e in sorted(rows, key=lambda r: r[0]):
            if kind == "log":
                mark = "（作废）" if e.voided else ""
                table.add_row(
                    f"{e.at:%H:%M}",
                    e.kind,
                    Text(fit(e.content + mark, 34 + wide)),
                    "是" if e.leader_told else "",
                    e.staff_name,
                    key=f"log-{e.id}",
                )
            else:
                mark = "（作废）" if e.voided else ""
                table.add_row(
                    f"{e.start_at:%H:%M}", "替班", Text(fit(e.text + mark, 34 + wide)), "", e.by_name, key=f"sub-{e.id}"
                )
        table.border_title = f"{day:%m-%d}的班：值班记录 {len(entries)} 条" + ("" if rows else "，按 L 记录")

    def _after(self, result=None) -> None:
        self.refresh_data()

    def action_log(self) -> None:
        def done(entry) -> None:
            from cunwu_tui.features.duty.rules import shift_day

            if entry is not None and getattr(entry, "shift_day", None) not in (None, shift_day(self.now())):
                self.notify(f"已记到{entry.shift_day:%m-%d}的班（{entry.staff_name}）。")
            self.refresh_data()

        self.app.push_screen(LogForm(self.live), done)

    def action_substitute(self) -> None:
        self.app.push_screen(SubstitutionForm(self.live), self._after)

    def action_handover(self) -> None:
        self.app.push_screen(HandoverForm(self.live), self._after)

    def action_items(self) -> None:
        self.app.push_screen(ItemsScreen(self.live), self._after)

    @on(DataTable.RowSelected, "#duty-log")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        kind, _, raw = str(event.row_key.value or "").partition("-")
        if kind == "log":
            self.app.push_screen(LogDetailScreen(self.live, int(raw)), self._after)
            return
        from cunwu_tui.features.duty.rules import shift_bounds, shift_day

        sub = next(
            (x for x in self.live.duty.substitutions(*shift_bounds(shift_day(self.now()))) if x.id == int(raw)), None
        )
        if sub is not None:
            text = screen_text(sub.text) + (f"\n说明：{screen_text(sub.note)}" if sub.note else "")
            text += f"\n【作废】{screen_text(sub.void_reason)}" if sub.voided else ""
            self.app.push_screen(
                MessageDialog("替班", text + f"\n记录：{sub.operator_name} {sub.recorded_at:%m-%d %H:%M}")
            )

    def action_confirm(self) -> None:
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog

        waiting = self.live.duty.unconfirmed()
        if not waiting:
            self.app.push_screen(MessageDialog("确认接班", "没有待确认的交接班。"))
            return
        h = waiting[0]
        items = "；".join(i.text for i in h.items if i.open) or "无"
        if self.live.duty.confirm_needs_pin(h.incoming_id):  # someone else at the keyboard
            self.app.push_screen(ConfirmHandoverForm(self.live, h, items), lambda _r: self.refresh_data())
            return

        def answer(yes: bool | None) -> None:
            from cunwu_tui.errors import SaveError, ValidationError

            if yes:
                try:
                    self.live.duty.confirm(h.id)
                except (ValidationError, SaveError) as exc:
                    message = "".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
                    self.app.push_screen(MessageDialog("未能确认接班", message))
            self.refresh_data()

        self.app.push_screen(
            ConfirmDialog(
                f"{h.incoming_name}确认接班？",
                f"{h.shift_day:%m-%d}的班，{h.outgoing_name}于{h.handed_at:%m-%d %H:%M}交班。\n遗留事项：{screen_text(items)}",
            ),
            answer,
        )

    def action_void(self) -> None:
        table = self.query_one("#duty-log", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        kind, _, raw = key.partition("-")
        target = "log" if kind == "log" else "substitution"
        word = "值班记录" if kind == "log" else "替班"
        self.app.push_screen(
            ReasonForm(
                self.live,
                f"作废这条{word}（原记录保留，标为作废）",
                "作废原因",
                lambda text: self.live.duty.void(target, int(raw), text),
                "必填",
            ),
            self._after,
        )

    def action_who(self) -> None:
        self.app.push_screen(WhoForm(self.live))

    def action_rota(self) -> None:
        self.app.push_screen(RotaScreen())

    def action_holidays(self) -> None:
        self.app.push_screen(HolidayScreen())


class _ExportMixin:
    """E on the rota screens: one ledger through the one export worker."""

    def __init__(self, *args, **kwargs) -> None:
        from cunwu_tui.ui.screens.exporting import Exporter

        super().__init__(*args, **kwargs)
        self._exporter = Exporter(self, group="duty-export")  # type: ignore[arg-type]

    def export(self, month: str, ledger: str, title: str) -> None:
        from cunwu_tui.ui.screens.exporting import export_ledger

        hint = "打开后按 A4 打印，签字后报乡镇(街道)。"
        export_ledger(self._exporter, self.live, month, ledger, title, hint)  # type: ignore[attr-defined]


# -- the month's rota -----------------------------------------------------------------
class RotaScreen(_ExportMixin, AppScreen):
    BINDINGS = [
        Binding("escape", "back", "返回", show=False),
        *bindings(ROTA_KEYS),
        Binding("left_square_bracket,comma", "month(-1)", "上月", show=False),
        Binding("right_square_bracket,full_stop", "month(1)", "下月", show=False),
        Binding("s", "summary", "统计", show=False),
        Binding("e", "export_month", "导出", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="rota-head", classes="hint")
        yield DataTable(id="rota-table", cursor_type="row")
        g, p = rota_key(_R.GENERATE), rota_key(_R.PUBLISH)
        yield Static(
            f"{g} 生成（已发布的：从某日起重新安排）　{p} 发布　回车 调整这一天\n, . 换月　S 统计　E 导出　Esc 返回",
            classes="hint",
        )

    def on_mount(self) -> None:
        today = self.app.today()  # type: ignore[attr-defined]
        self.year, self.month = today.year, today.month
        table = self.query_one("#rota-table", DataTable)
        table.add_columns("日期", "星期", "类别", "值班人员", "夜间", "带班领导", "值班领导")
        table.focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.services is None or not hasattr(self, "year"):
            return
        rota = self.services.duty.month(self.year, self.month)
        self.rota = rota
        table = self.query_one("#rota-table", DataTable)
        table.clear()
        today = self.app.today()  # type: ignore[attr-defined]
        for d in rota.days:
            style = "bold" if d.day == today else ""
            table.add_row(
                Text(f"{d.day:%m-%d}", style=style),
                WEEKDAYS[d.day.weekday()],
                d.kind_text,
                d.staff_name or "（空）",
                d.night_name,
                d.leader_name,
                d.chief_name,
                key=d.day.isoformat(),
            )
        if not rota.exists:
            head = f"{rota.label}值班表：还没有生成，按 {rota_key(_R.GENERATE)} 按值班员公平生成。"
        elif rota.status == "已发布":
            head = f"{rota.label}值班表：已于 {rota.published_at:%m-%d %H:%M} 发布（{rota.published_by}）"
            head += f"，发布后调整 {len(rota.changes)} 次" if rota.changes else "，调整须写原因"
        else:
            head = f"{rota.label}值班表：草稿，可调整，按 {rota_key(_R.PUBLISH)} 发布。"
        if not self.services.holidays.covered(self.year):
            again = with_keys(prompt(redo(rota.facts)), ROTA_KEYS)
            head += f"\n{self.year}年节假日安排尚未录入，节假日暂按周末排：在 F9 设置的节假日页中录入后{again}。"
        self.query_one("#rota-head", Static).update(head)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_month(self, step: int) -> None:
        m = self.month + step
        self.year, self.month = self.year + (m - 1) // 12, (m - 1) % 12 + 1
        self.refresh_data()

    def action_generate(self) -> None:
        """G: a new draft, or a published month re-planned from a day on (features.duty.actions)."""
        if _R.REPLAN in self.rota.actions:
            self.app.push_screen(ReplanForm(self.live, self.rota), self._replanned)
            return
        if _R.GENERATE not in self.rota.actions:
            self.notify(screen_text(with_keys(self.rota.why_not(_R.GENERATE), ROTA_KEYS)), severity="warning")
            return
        night = self.rota.night if self.rota.exists else self._previous_night()
        self.app.push_screen(
            GenerateForm(self.live, self.year, self.month, self.rota.leave_lines, night), lambda _r: self.refresh_data()
        )

    def _replanned(self, rota) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        before = len(self.rota.changes)
        self.refresh_data()
        if rota not in (None, True):
            self.app.push_screen(
                MessageDialog(
                    f"{rota.label}值班表已重新安排", f"调整记录 {len(rota.changes) - before} 条，按 S 查看；记录在案。"
                )
            )

    def _previous_night(self) -> bool:
        """A new month keeps the night duty choice of the month before."""
        y, m = (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)
        return self.live.duty.month(y, m).night

    def action_publish(self) -> None:
        from cunwu_tui.errors import ValidationError
        from cunwu_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog

        if _R.PUBLISH not in self.rota.actions:
            self.notify(screen_text(with_keys(self.rota.why_not(_R.PUBLISH), ROTA_KEYS)), severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.live.duty.publish(self.year, self.month)
            except ValidationError as exc:
                self.app.push_screen(MessageDialog("未能发布", next(iter(exc.errors.values()))))
            self.refresh_data()

        warning = self.live.duty.publish_warning(self.year, self.month)
        text = "发布后不能重新生成；调整某一天或从某一天起重新安排（G）须写明原因，记录在案。"
        if warning:
            text = f"{warning}\n\n{text}\n仍要现在发布吗？"
        self.app.push_screen(ConfirmDialog(f"发布{self.rota.label}值班表？", text), answer)

    def action_summary(self) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        lines = [
            f"{n}：共{t}天（工作日{w}，休息日{e}，节假日{h}）" + (f"，夜间{x}次" if self.rota.night else "")
            for n, t, w, e, h, x in self.rota.counts()
        ]
        changes = [screen_text(c.text) for c in self.rota.changes[-6:]]
        text = "\n".join(lines) or "还没有值班表。"
        if changes:
            text += "\n\n发布后的调整：\n" + "\n".join(changes)
        self.app.push_screen(MessageDialog(f"{self.rota.label}值班天数", text))

    def action_export_month(self) -> None:
        self.export(f"{self.year:04d}-{self.month:02d}", "duty_rota", "值班表")

    @on(DataTable.RowSelected, "#rota-table")
    def _edit(self, event: DataTable.RowSelected) -> None:
        day = date.fromisoformat(str(event.row_key.value))
        info = next(d for d in self.rota.days if d.day == day)
        self.app.push_screen(
            DayForm(self.live, info, self.rota.status == "已发布", self.rota.night), lambda _r: self.refresh_data()
        )


class GenerateForm(ModalForm):
    def __init__(self, services: Services, year: int, month: int, leave: str, night: bool = False):
        super().__init__(services)
        self.year, self.month, self.leave, self.night = year, month, leave, night

    def compose(self) -> ComposeResult:
        names = "、".join(n for _, n in self.services.duty.candidates("值班员")) or "（没有）"
        with Form(classes="dialog"):
            yield Static(f"生成{self.year}年{self.month}月值班表（草稿）", classes="title")
            yield Static(f"值班员：{names}。带班领导、值班领导按职务轮流。", classes="hint")
            yield Label("请假和不能值班的日子（每行一条：姓名 开始日期 至 结束日期 原因）")
            yield TextArea(self.leave, id="f-leave", classes="lines")
            yield FieldError("leave")
            yield from field_row(
                "夜间值班",
                "night",
                _select(
                    [("白天值班的人连夜间（8:30至次日8:30）", "no"), ("夜间另排一人（17:30至次日8:30）", "yes")],
                    "yes" if self.night else "no",
                ),
            )
            yield FieldError("month")
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-leave", TextArea).focus()

    def save(self):
        return self.services.duty.generate(
            self.year, self.month, self.query_one("#f-leave", TextArea).text, self.picked("night") == "yes"
        )


class ReplanForm(ModalForm):
    """A published month re-planned from a day on, with a reason; every
    change goes into the change register."""

    def __init__(self, services: Services, rota):
        super().__init__(services)
        self.rota = rota

    def compose(self) -> ComposeResult:
        from datetime import timedelta

        r = self.rota
        first = date(r.year, r.month, 1)
        start = max(first, self.services.now().date() + timedelta(days=1))
        with Form(classes="dialog"):
            yield Static(f"从某一天起重新安排{r.label}值班表（已发布）", classes="title")
            yield Static(
                "这一天起到月底按现在的节假日安排和值班员重新公平安排；之前的日子不变。"
                "每一天的每一处改动都写入调整记录。",
                classes="hint",
            )
            yield from field_row(
                "从哪天起",
                "from_day",
                Input(f"{start:%Y-%m-%d}" if start.month == r.month else "", placeholder="年-月-日"),
            )
            yield from field_row("原因", "reason", Input(placeholder="必填，如：已录入2027年节假日安排"))
            yield Label("请假和不能值班的日子（每行一条：姓名 开始日期 至 结束日期 原因）")
            yield TextArea(r.leave_lines, id="f-leave", classes="lines")
            yield FieldError("leave")
            yield FieldError("form")
            yield Static("Ctrl+S 重新安排，Esc 取消。", classes="hint")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-from_day", Input).focus()

    def save(self):
        return self.services.duty.replan(
            self.rota.year,
            self.rota.month,
            self.value("from_day"),
            self.value("reason"),
            self.query_one("#f-leave", TextArea).text,
        )


class DayForm(ModalForm):
    def __init__(self, services: Services, info, published: bool, night: bool = False):
        super().__init__(services)
        self.info, self.published, self.night = info, published, night

    def compose(self) -> ComposeResult:
        d = self.info
        with Form(classes="dialog"):
            yield Static(f"调整 {d.day:%Y-%m-%d}（星期{WEEKDAYS[d.day.weekday()]}，{d.kind_text}）", classes="title")
            yield from field_row("值班人员", "staff", _people_select(self.services, "值班员", d.staff_id))
            if self.night:
                yield from field_row("夜间值班", "night", _people_select(self.services, "值班员", d.night_id))
            yield from field_row("带班领导", "leader", _people_select(self.services, "带班领导", d.leader_id))
            yield from field_row("值班领导", "chief", _people_select(self.services, "值班领导", d.chief_id))
            yield from field_row(
                "调整原因", "reason", Input(placeholder="已发布的值班表必填" if self.published else "可不填")
            )
            yield FieldError("form")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#f-staff", Select).focus()

    def save(self):
        if self.night:
            return self.services.duty.set_day(
                self.info.day,
                self.picked("staff"),
                self.picked("leader"),
                self.picked("chief"),
                self.value("reason"),
                night_id=self.picked("night"),
            )
        return self.services.duty.set_day(
            self.info.day, self.picked("staff"), self.picked("leader"), self.picked("chief"), self.value("reason")
        )


# -- long holidays ----------------------------------------------------------------------
class HolidayScreen(_ExportMixin, AppScreen):
    BINDINGS = [
        Binding("escape", "back", "返回", show=False),
        *bindings(HOLIDAY_KEYS),
        Binding("e", "export_rota", "导出", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="holiday-table", cursor_type="row")
        with VerticalScroll(id="holiday-scroll"):
            yield Static("", id="holiday-detail")
        yield Static("", id="holiday-next", classes="hint")
        yield Static("", id="holiday-keys", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#holiday-table", DataTable)
        table.add_columns("假期", "日期", "状态")
        table.focus()
        self.refresh_data()

    def _entries(self):
        today = self.app.today()
        rotas = {r.start: r for r in self.services.duty.holiday_rotas()}
        periods = {p.start: p for p in self.services.duty.upcoming_holidays(today)}
        out = []
        for start in sorted(set(rotas) | set(periods)):
            out.append((periods.get(start), rotas.get(start)))
        return out

    def refresh_data(self) -> None:
        if self.services is None:
            return
        table = self.query_one("#holiday-table", DataTable)
        row = table.cursor_row
        table.clear()
        self.entries = self._entries()
        for i, (p, r) in enumerate(self.entries):
            name, start, end = (r.name, r.start, r.end) if r else (p.name, p.start, p.end)
            status = r.short_status if r else "未编制（回车编制）"
            table.add_row(name, f"{start:%Y-%m-%d}至{end:%m-%d}", status, key=str(i))
        if self.entries:
            table.move_cursor(row=min(row, len(self.entries) - 1))
        nxt = self.app.today().year + 1  # type: ignore[attr-defined]
        covered = self.services.holidays.covered(nxt)
        note = self.query_one("#holiday-next", Static)
        note.update(
            ""
            if covered
            else f"{nxt}年节假日安排尚未录入，所以还没有{nxt}年的中长假：国务院公布后在 F9 设置的节假日页中"
            f"录入（或导入文件），回到这里即可编制{nxt}年元旦、春节等假期的值班表。"
        )
        note.display = not covered
        self.show_detail()

    @on(DataTable.RowHighlighted, "#holiday-table")
    def _moved(self, _event) -> None:
        self.show_detail()

    def selected(self):
        table = self.query_one("#holiday-table", DataTable)
        if not getattr(self, "entries", None) or table.row_count == 0:
            return None, None
        return self.entries[min(table.cursor_row, len(self.entries) - 1)]

    def show_detail(self) -> None:
        p, r = self.selected()
        detail = self.query_one("#holiday-detail", Static)
        allowed = r.actions if r is not None else ()
        head = () if r is not None or p is None else ("回车 编制",)
        keys = [*head, *key_line(HOLIDAY_KEYS, allowed), *(("E 导出",) if r is not None else ()), "Esc 返回"]
        self.query_one("#holiday-keys", Static).update("　".join(keys))
        if r is None:
            detail.update(
                "日历中没有即将到来的中长假。"
                if p is None
                else f"{p.text}：还没有值班表。按回车编制（没有月值班表的月份会先生成）。"
            )
            return
        t = Text()
        t.append(f"{r.name}值班表　{r.status_text}\n", style="bold")
        for d in r.days:
            night = f"　夜间 {d.night_name}" if d.night_name else ""
            t.append(
                f"{d.day:%m-%d} {WEEKDAYS[d.day.weekday()]}　值班 {person(d.staff_name, d.staff_phone)}{night}"
                f"　带班 {d.leader_name}　值班领导 {d.chief_name or '（空）'}\n"
            )
        if r.notified_note:
            t.append(f"通知：{screen_text(r.notified_note)}（{r.notified_by}）\n")
        t.append("电话号码见导出的值班表（E）。调整某一天：F6 后按 R，在月值班表中调整。", style="dim")
        detail.update(t)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.RowSelected, "#holiday-table")
    def _create(self, _event) -> None:
        from cunwu_tui.errors import ValidationError
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        p, r = self.selected()
        if r is not None or p is None:
            return
        try:
            self.live.duty.create_holiday_rota(p)
        except ValidationError as exc:
            self.app.push_screen(MessageDialog("未能编制", next(iter(exc.errors.values()))))
        self.refresh_data()

    def _refused(self, r, action: HolidayAction) -> bool:
        """Say why ``action`` is refused now (features.duty.actions' words, with keys)."""
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        why = r.why_not(action)
        if why:
            label = next(k.label for k in HOLIDAY_KEYS if k.action is action)
            self.app.push_screen(MessageDialog(f"现在不能{label}", with_keys(why, HOLIDAY_KEYS)))
        return bool(why)

    def _need_rota(self):
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        _p, r = self.selected()
        if r is None:
            self.app.push_screen(MessageDialog("还没有值班表", "请先按回车编制这个假期的值班表。"))
        return r

    def action_sign(self) -> None:
        r = self._need_rota()
        if r is None:
            return
        if self._refused(r, _H.SIGN):
            return
        self.app.push_screen(SignForm(self.live, r), lambda _x: self.refresh_data())

    def action_file(self) -> None:
        r = self._need_rota()
        if r is None:
            return
        if self._refused(r, _H.FILE):
            return
        profile = self.live.settings.profile()
        self.app.push_screen(
            ReasonForm(
                self.live,
                f"{r.name}值班表报上级机关备案",
                "报送机关",
                lambda text: self.live.duty.file_holiday_rota(r.id, text),
                f"如：{profile.township or '乡镇'}党政办",
            ),
            lambda _x: self.refresh_data(),
        )

    def action_notify_all(self) -> None:
        r = self._need_rota()
        if r is None or self._refused(r, _H.NOTIFY):
            return
        self.app.push_screen(
            ReasonForm(
                self.live,
                f"{r.name}值班表已通知带班领导、值班领导、值班人员",
                "通知方式",
                lambda text: self.live.duty.notify_holiday_rota(r.id, text),
                "如：电话和微信群通知，可不填",
            ),
            lambda _x: self.refresh_data(),
        )

    def action_export_rota(self) -> None:
        r = self._need_rota()
        if r is None:
            return
        self.export(f"{r.start:%Y-%m}", "duty_holiday", "中长假值班表")


HELP = """\
值班（F6）中：L 记录（突发事件须写明何时报告带班领导），T 替班，
  H 交接班（先选班次，默认最早漏记的班；遗留事项每行一条，
  办结前一直显示），C 接班人确认（接班人本人输入密码），
  X 办结遗留事项，V 作废选中的记录（原记录保留），
  W 查某个时间谁值班；回车 看记录详情，
  来访、来信的详情中 {log[take_in]} 受理为办件。
  R 月值班表：{rota[generate]} 生成（已发布的：从某一天起重新安排，须写原因），
  {rota[publish]} 发布，回车调整（发布后须写原因，记录在案），
  , . 换月，S 统计，E 导出。
  J 中长假值班表：回车编制，{holiday[sign]} 领导审签（领导本人输入密码），
  {holiday[file]} 报上级机关备案（审签后），{holiday[notify]} 已通知到人，E 导出。"""


def help_text() -> str:
    """F1's section on these screens, their keys from their own tables."""
    return HELP.format(**duty_keys_by_id())


def dashboard_panel(services, app) -> Text:
    """The 工作台 panel (cunwu_tui/feature.py Panel)."""
    return duty_panel(services, services.now())
