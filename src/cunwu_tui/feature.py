"""What a feature declares, and the list of features (#17).

A feature is one folder under ``cunwu_tui/features/`` (a register such as
用印登记, or the 事项查询): its rules, service, ledgers, screens and demo
data, and in its ``__init__.py`` one ``FEATURE = Feature(...)`` saying what
the app gets from it: its places (screens and their menu entries), how its
services are made, its ledgers and their lines, the names its audit entries
use, its demo filler, its 工作台 panel, its help section and its evidence
tables. ``cunwu_tui/features/__init__.py`` lists the installed features by
name, one line each.

Everything here is plain data: code is named by ``"module:attribute"``
strings and imported when it is first needed (``load``), so the kernel
below the features (the services' facade, the audit log, the exporter, the
demo, the township merge, the app's menu, help and palette) reads this list
without importing a feature's code, the first frame imports no screen but
the 工作台, and the import contracts (pyproject.toml) keep the layers: a
feature imports the kernel, never the other way round.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Mapping

__all__ = ["Feature", "Panel", "Place", "features", "load", "audit_names", "counted_tables", "evidence_specs"]


@dataclass(frozen=True)
class Place:
    """A screen the clerk can go to: a mode's main screen (``screen``), or
    one opened from a main screen (``within``: that place's id, ``action``:
    the action of its main screen that opens it, the same as its key there:
    F4's R opens 居民登记). Function keys F2-F9 are taken by the daily
    screens; the rest are reached through the 登记簿 menu (Ctrl+L) and the
    palette (``key`` None)."""

    id: str  # the app mode for a main screen; unique
    title: str  # 居民登记: the menu, the palette (打开居民登记), help
    about: str  # what is there, a few words: help and the menu
    key: str | None = None  # its own function key ("f4"); None: the menu and the palette only
    label: str = ""  # the footer's short name beside its key (受理)
    screen: str = ""  # a mode's main screen: "module:Class"
    within: str = ""  # or: the place whose main screen opens it ...
    action: str = ""  # ... by this action (its key there)

    @property
    def mode(self) -> str:
        """The app mode it lives in."""
        return self.within or self.id

    @property
    def key_text(self) -> str:
        return self.key.upper() if self.key else ""


@dataclass(frozen=True)
class Panel:
    """A feature's panel on the 工作台 (F2): ``render`` ("module:function")
    takes the open services and the app and returns what the panel shows."""

    id: str
    title: str  # the panel's border title: 办件（F4）
    render: str
    rank: int = 100  # its place among the panels, smaller first


@dataclass(frozen=True)
class Feature:
    id: str  # the folder's name
    title: str
    places: tuple[Place, ...] = ()
    # "module:function" (services) -> None: makes the feature's services and
    # puts them on the facade (services.cases ...), in the order of INSTALLED
    install: str = ""
    # a module whose import declares the feature's ledgers (ledgers.engine.register)
    ledgers: str = ""
    # "module:attribute": {ledger name: function (services, period) -> its typed lines}
    ledger_lines: str = ""
    # the audit log's entity names -> what the 操作日志 calls them
    audit_names: Mapping[str, str] = field(default_factory=dict)
    # "module:function" (DemoContext) -> the report's line: ``cunwu demo``
    demo: str = ""
    panel: Panel | None = None
    # "module:function" () -> F1 help's section on the feature's screens
    help: str = ""
    # "module:attribute": the feature's tables under an evidence chain
    # (domain.evidence.Evidence, frozen once released)
    evidence: str = ""
    # its main tables -> what a clerk calls their rows: a backup's summary
    # (the restore question: 内容：办件 1,204条 ...)
    counted: Mapping[str, str] = field(default_factory=dict)


def load(ref: str) -> Any:
    """The object named by ``"module:attribute"``, imported now."""
    module, _, name = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in name.split(".") if name else ():
        obj = getattr(obj, part)
    return obj


@cache
def features() -> tuple[Feature, ...]:
    """The installed features, in the order of ``cunwu_tui.features.INSTALLED``
    (services are made in that order: a feature comes after those it uses)."""
    names: tuple[str, ...] = load("cunwu_tui.features:INSTALLED")
    out = tuple(load(f"cunwu_tui.features.{name}:FEATURE") for name in names)
    for name, f in zip(names, out):
        if not isinstance(f, Feature) or f.id != name:  # a developer's slip, said at start
            raise TypeError(f"cunwu_tui.features.{name}.FEATURE must be a Feature with id={name!r}")
    return out


def audit_names() -> dict[str, str]:
    """The features' audit entity names (services/audit.py adds the kernel's)."""
    return {k: v for f in features() for k, v in f.audit_names.items()}


def counted_tables() -> dict[str, str]:
    """The features' tables a backup's summary counts (services/backup.py
    adds the kernel's)."""
    return {k: v for f in features() for k, v in f.counted.items()}


def evidence_specs() -> tuple[Any, ...]:
    """The features' evidence tables, in the order of the features."""
    return tuple(spec for f in features() if f.evidence for spec in load(f.evidence))
