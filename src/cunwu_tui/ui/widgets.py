"""Small shared widgets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.widgets.data_table import RowKey


class TopBar(Static):
    """One line: app name, village, operator, date. Kept in sync by the app."""

    def on_mount(self) -> None:
        self.update(self.app.top_bar_text())  # type: ignore[attr-defined]


class FieldError(Static):
    """A Chinese message under a field; hidden while empty."""

    def __init__(self, field: str, **kwargs):
        super().__init__("", classes="error", id=f"err-{field}", **kwargs)

    def show(self, message: str) -> None:
        self.update(message)
        self.set_class(bool(message), "-shown")


def field_row(label: str, field: str, widget: Widget) -> ComposeResult:
    """A labelled input with its error line below."""
    widget.id = widget.id or f"f-{field}"
    with Horizontal(classes="row"):
        yield Label(label, classes="label")
        yield widget
    yield FieldError(field)


class Form(Vertical):
    """A container that can show a service ValidationError at its fields."""

    def show_errors(self, errors: dict[str, str]) -> None:
        for err in self.query(FieldError):
            err.show("")
        first = None
        first_line = None
        for field, message in errors.items():
            try:
                line = self.query_one(f"#err-{field}", FieldError)
                line.show(message)
                first_line = first_line or line
            except Exception:
                self.app.notify(message, severity="error")
            try:
                w = self.query_one(f"#f-{field}")
                w.add_class("-invalid")
                if first is None:
                    first = w
                    first_line = (
                        self.query(f"#err-{field}").first(FieldError) if self.query(f"#err-{field}") else first_line
                    )
            except Exception:
                pass
        for w in self.query(".-invalid"):
            if (w.id or "").removeprefix("f-") not in errors:
                w.remove_class("-invalid")
        if first is not None and first.focusable:
            first.focus()
        if first_line is not None:  # shown once laid out: then scrolled into view, below its field
            target = first_line
            self.call_after_refresh(lambda: target.scroll_visible(animate=False))

    def clear_errors(self) -> None:
        self.show_errors({})


def value_of(form: Widget, field: str) -> str:
    return form.query_one(f"#f-{field}", Input).value


def checkbox_line(on: bool | str, label: str):
    """``[X] 名称`` with a hanging indent: a long label wraps under itself,
    never leaving the box alone on the line above (a Text would break at
    the space inside ``[ ]``). ``on`` may be the mark itself (``>``, ``-``)."""
    from rich.table import Table

    mark = on if isinstance(on, str) else ("X" if on else " ")
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=3, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(Text(f"[{mark}]"), Text(label))  # Text: the brackets are not markup
    return grid


class CheckList(OptionList):
    """A list of choices ticked with the space bar (or Enter), drawn as
    ``[X] 名称`` / ``[ ] 名称`` so the state shows in any terminal, 16-colour
    and monochrome included, not by colour alone."""

    BINDINGS = [Binding("space,enter", "toggle", "勾选", show=False)]

    def __init__(self, choices: list[tuple[str, str, bool]] | None = None, **kwargs):
        super().__init__(**kwargs)
        self._labels: dict[str, str] = {}
        self.selected: list[str] = []
        if choices:
            self.set_choices(choices)

    @staticmethod
    def _prompt(label: str, on: bool):
        return checkbox_line(on, label)

    def set_choices(self, choices: list[tuple[str, str, bool]]) -> None:
        """choices: (label, value, selected)."""
        self._labels = {value: label for label, value, _ in choices}
        self.selected = [value for _, value, on in choices if on]
        self.clear_options()
        self.add_options([Option(self._prompt(label, on), id=value) for label, value, on in choices])
        if choices:
            self.highlighted = 0

    def action_toggle(self) -> None:  # type: ignore[override]  # Space on a CheckList, not DOMNode's toggle
        if self.highlighted is None:
            return
        value = self.get_option_at_index(self.highlighted).id or ""
        on = value not in self.selected
        if on:
            self.selected = [v for v in self._labels if v in self.selected or v == value]
        else:
            self.selected = [v for v in self.selected if v != value]
        self.replace_option_prompt(value, self._prompt(self._labels[value], on))


class StepProgress(Static):
    """A progress bar drawn in ASCII, ``[########--------] 1/2 人员名册``,
    so it shows in Windows' legacy console and at 16 colours (Textual's
    ProgressBar draws with half-block glyphs those fonts lack). Hidden until
    the first update."""

    WIDTH = 30

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.display = False
        self.progress = 0
        self.total = 0

    def update_progress(self, progress: int, total: int, label: str = "") -> None:
        self.progress, self.total = progress, total
        filled = self.WIDTH * progress // total if total else 0
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.update(Text(f"[{bar}] {progress}/{total} {label}".rstrip()))
        self.display = True


# Ambiguous-width punctuation (1 column for Rich, often 2 in Chinese
# terminals) in text from the catalog, as fullwidth or ASCII on screen only.
# One character for one, so that styled spans stay where they were.
_SCREEN_SAFE = str.maketrans(
    {
        "“": "「",
        "”": "」",
        "‘": "『",
        "’": "』",
        "…": "⋯",
        "—": "－",
        "·": "・",
        "─": "－",
        "°": "度",
        "×": "x",
        "±": "＋",
        **{chr(0x2460 + i): chr(0xFF11 + i) for i in range(9)},
        "⑩": "〸",
    }
)


def screen_text(text: str) -> str:
    """``text`` with ambiguous-width punctuation replaced, for display."""
    return text.translate(_SCREEN_SAFE)


class PagedTable(DataTable):
    """A list read a page at a time: the first page when shown, the next one
    when the cursor comes within a screenful of the end, so Down and PageDown
    never stop at a page's edge (ten years of a register are never laid out
    at once; a screenful at 80x24 is about 13 rows).

    ``show(fetch, add)``: ``fetch(offset, limit)`` returns (rows, more)
    from the service; ``add(row)`` adds one row to the table. The screen
    keeps its own totals line."""

    PAGE = 30  # rows read at a time: about two screenfuls at 80x24
    MARGIN = 5  # the next page is read this many rows (at least a screenful) before the end

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fetch: Callable[[int, int], tuple[Sequence[Any], bool]] | None = None
        self._add: Callable[[Any], None] = lambda row: None
        self.more = False
        self.loaded = 0

    def show(
        self,
        fetch: Callable[[int, int], tuple[Sequence[Any], bool]],
        add: Callable[[Any], None],
        keep_cursor: bool = False,
    ) -> Sequence[Any]:
        """Empty the table and show the first page; returns its rows.
        ``keep_cursor``: pages are read until the row the cursor was on is
        there again (a refresh deep in the list stays where it was)."""
        keep = self.cursor_row
        self._fetch, self._add = fetch, add
        self.clear()
        self.loaded = 0
        rows = self._read()
        if keep_cursor:
            while self.more and self.row_count <= keep:
                self._read()
            if self.row_count:
                self.move_cursor(row=min(keep, self.row_count - 1))
        return rows

    def _read(self) -> Sequence[Any]:
        if self._fetch is None:
            return ()
        rows, self.more = self._fetch(self.loaded, self.PAGE)
        for row in rows:
            self._add(row)
        self.loaded += len(rows)
        return rows

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.more and event.cursor_row >= self.row_count - max(self.MARGIN, self.size.height):
            self._read()  # the screen hears of the highlight as well


def key_id(key: RowKey) -> int:
    """The id a table row was added under (``key=str(id)``)."""
    assert key.value is not None
    return int(key.value)


def fit(text: str, cells: int) -> str:
    """``text`` cut to ``cells`` terminal columns, with ⋯ when cut (one
    column is left free beside the ⋯)."""
    from rich.cells import cell_len

    text = screen_text(text)
    if cell_len(text) <= cells:
        return text
    while text and cell_len(text) > cells - 2:
        text = text[:-1]
    return text + "⋯"


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, the ⋯ included."""
    from rich.cells import cell_len

    text = screen_text(text)
    if cell_len(text) <= width:
        return text
    while text and cell_len(text) > width - 1:
        text = text[:-1]
    return text + "⋯"


def blank_select(options, value: str = "", prompt: str = "请选择") -> Select:
    """A compact Select of plain strings that may be left blank; an empty
    option reads （不填）."""
    return Select(
        [(o or "（不填）", o) for o in options],
        value=value if value in options else Select.NULL,
        prompt=prompt,
        compact=True,
        allow_blank=True,
    )


class KeysFooter(Footer):
    """Textual's Footer without its leak. Every recompose (each change of
    screen or focus) makes new keys, each bound to the footer's ``compact``
    flag; the bindings of the keys it removed stay in the footer's watchers
    until ``compact`` changes, which here it never does, so every visit to a
    screen kept its old keys alive (about 0.4 MiB a visit: 122 MiB after
    seven rounds of F2-F8). The dead ones are dropped after each recompose."""

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", None)  # Textual's reactive watchers (textual/reactive.py)
        if isinstance(watchers, dict):
            for name, bound in watchers.items():
                if isinstance(bound, list):
                    bound[:] = [
                        (node, callback)
                        for node, callback in bound
                        if not getattr(node, "_closing", False) and not getattr(node, "_closed", False)
                    ]


def backup_warning(status: Any) -> str:
    """A BackupStatus's warning as a screen shows it: when it asks for a
    backup to a stick, with the keys that do it (the service says it in words)."""
    from cunwu_tui.services.backup import BACKUP_NOW

    if status.warning_action == BACKUP_NOW and status.warning_fact:
        return f"{status.warning_fact}：请按 F9 设置，在备份页按 Ctrl+B。"
    return str(status.warning)
