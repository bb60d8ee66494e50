"""What every "actions decided once" rule shares (issue #17).

A domain module says which actions a record allows as values of its own
enum (stable ids: ``CaseAction``, ``SealAction``, ``NoticeAction``,
``DutyAction``) and why one is refused. Nothing here knows a key: a
message that asks for an action names it with a ``Mention`` inside a
``Prompt``, and whoever shows it adds its key (a screen) or only the words
(a service, the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable


@dataclass(frozen=True)
class Mention:
    """An action (or a screen, by a plain string) named inside a message, in words."""

    target: Enum | str
    words: str


@dataclass(frozen=True)
class Prompt:
    """A message that may ask for an action: plain words and mentions.
    ``words()`` is the text without keys (services, the CLI); a screen
    renders each mention with its key (``render``)."""

    parts: tuple[str | Mention, ...]

    def words(self) -> str:
        return "".join(p if isinstance(p, str) else p.words for p in self.parts)

    def render(self, mention: Callable[[Mention], str]) -> str:
        return "".join(p if isinstance(p, str) else mention(p) for p in self.parts)

    @property
    def action(self) -> Enum | None:
        """The action the message asks for first (None: wait, or elsewhere)."""
        return next((p.target for p in self.parts if isinstance(p, Mention) and isinstance(p.target, Enum)), None)

    def __bool__(self) -> bool:
        return bool(self.parts)


NO_PROMPT = Prompt(())


def prompt(*parts: str | Mention) -> Prompt:
    return Prompt(tuple(parts))
