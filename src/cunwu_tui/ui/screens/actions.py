"""How a screen offers the actions a domain rule decides (issue #17).

A detail screen keeps one table of ``ActionKey`` (action -> key, label,
method) and builds from it its bindings (``bindings``), its key line
(``key_line``: the allowed actions, in the domain's order), its refusals
(a domain ``Prompt`` rendered with the keys: ``with_keys``) and F1's help
(``keys_by_id``). Which actions apply is never decided here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Mapping, Sequence

from textual.binding import Binding, BindingType

from cunwu_tui.domain.actions import Mention, Prompt


@dataclass(frozen=True)
class ActionKey:
    """How a screen offers one action: its key, its words (the binding's
    description; on the key line too unless ``hint_label`` says more), and
    the ``action_`` method that does it."""

    action: Enum
    key: str  # as shown ("D"); bound in lower case
    label: str
    method: str
    hint_label: str = ""  # the key line's words, when longer than the label

    @property
    def hint(self) -> str:
        return f"{self.key} {self.hint_label or self.label}"


def bindings(table: Iterable[ActionKey]) -> list[BindingType]:
    """The screen's bindings of its action keys (hidden from the footer).
    Two actions that never apply together may share a key and its method
    (F6's G: generate a draft, or re-plan a published month): bound once."""
    out: dict[str, BindingType] = {}
    for k in table:
        out.setdefault(k.key.lower(), Binding(k.key.lower(), k.method, k.label, show=False))
    return list(out.values())


def by_action(table: Iterable[ActionKey]) -> dict[Enum, ActionKey]:
    return {k.action: k for k in table}


def key_line(table: Sequence[ActionKey], allowed: Iterable[Enum], *tail: str) -> list[str]:
    """The hints of the allowed actions (in the order given), then ``tail``."""
    keys = by_action(table)
    return [keys[a].hint for a in allowed] + list(tail)


def key_of(table: Iterable[ActionKey], action: Enum) -> str:
    """The key a screen does ``action`` with (its table names every action once)."""
    return next(k.key for k in table if k.action is action)


def keys_by_id(table: Iterable[ActionKey]) -> dict[str, str]:
    """Action id -> key, for texts that name the keys (F1's help)."""
    return {str(k.action.value): k.key for k in table}


def with_keys(p: Prompt, table: Iterable[ActionKey], screens: Mapping[str, str] | None = None) -> str:
    """A domain message with each action it names preceded by its key
    ("按 W 作废"); a mention of another screen by name gets that screen's
    key from ``screens``."""
    keys = by_action(table)

    def mention(m: Mention) -> str:
        if isinstance(m.target, Enum) and m.target in keys:
            return f"按 {keys[m.target].key} {m.words}"
        if screens and isinstance(m.target, str) and m.target in screens:
            return f" {screens[m.target]} {m.words}"
        return m.words

    return p.render(mention)
