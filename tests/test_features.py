"""One folder per feature (#17): every installed feature's declaration
resolves, and a new register added as one folder and one line reaches the
whole app: the facade, the 登记簿 menu (by real keys at 80x24), F1 help,
the palette, the 工作台, the 操作日志, ``cunwu demo`` and the ledgers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cunwu_tui.feature import Feature, features, load

TESTS = Path(__file__).resolve().parent


def test_every_feature_resolves():
    found = features()
    assert [f.id for f in found] == ["lookup", "residents", "notices", "seals", "cases", "duty"]
    for f in found:
        assert isinstance(f, Feature)
        for ref in (f.install, f.ledger_lines, f.demo, f.help, f.evidence) + tuple(
            p.screen for p in f.places if p.screen
        ):
            if ref:
                assert load(ref) is not None, ref
        if f.ledgers:
            load(f.ledgers)
        if f.panel is not None:
            assert callable(load(f.panel.render))


def test_a_feature_declared_under_another_name_is_refused(monkeypatch):
    import dataclasses

    import cunwu_tui.features.seals as seals
    from cunwu_tui import feature

    monkeypatch.setattr(seals, "FEATURE", dataclasses.replace(seals.FEATURE, id="stamps"))
    feature.features.cache_clear()
    try:
        with pytest.raises(TypeError, match="cunwu_tui.features.seals.FEATURE"):
            feature.features()
    finally:
        monkeypatch.undo()
        feature.features.cache_clear()
    assert [f.id for f in feature.features()][3] == "seals"


def test_a_backups_summary_counts_what_the_features_name(services):
    """The restore question's 内容 line: the kernel's 人员 and 操作日志 around
    each feature's main tables (Feature.counted), counted from the manifest."""
    from cunwu_tui.services.backup import shown_registers

    shown = dict(shown_registers())
    assert list(shown)[0] == "staff" and list(shown)[-1] == "audit_log"
    assert {"resident", "notice", "seal_use", "case_record", "duty_log", "duty_handover"} <= set(shown)
    for f in features():
        for table, label in f.counted.items():
            assert shown[table] == label


def test_places_ids_and_keys_are_unique_and_ordered():
    from cunwu_tui.ui.places import PLACES

    ids = [p.id for p in PLACES]
    assert len(set(ids)) == len(ids)
    keys = [p.key for p in PLACES if p.key]
    assert keys == sorted(keys, key=lambda k: int(k[1:])) and len(set(keys)) == len(keys)
    for p in PLACES:  # a place opened from a main screen follows it
        if p.within:
            assert ids.index(p.within) < ids.index(p.id)


def test_the_kernel_imports_no_feature():
    """The layers contract says it; this says it the way a reader checks:
    no module of the kernel (all but features/, cli.py and __main__.py)
    names a feature's module in an import (type-only imports under
    TYPE_CHECKING aside)."""
    import ast

    root = TESTS.parent / "src" / "cunwu_tui"
    for path in root.rglob("*.py"):
        if "features" in path.relative_to(root).parts or path.name in ("cli.py", "__main__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                typing_only |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cunwu_tui.features"):
                pytest.fail(f"{path.relative_to(root)} imports {node.module}")
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("cunwu_tui.features"), path


# A register that is not in the app: 会议记录, one folder. Its service keeps
# its meetings in the 操作日志 only (a test needs no new table).
MEETINGS = {
    "__init__.py": """
        from cunwu_tui.feature import Feature, Panel, Place

        _ = "cunwu_tui.features.meetings."

        FEATURE = Feature(
            id="meetings",
            title="会议记录",
            places=(Place("meetings", "会议记录", "会议、决定、签到", screen=_ + "screens:MeetingsScreen"),),
            install=_ + "service:install",
            ledgers=_ + "ledgers",
            ledger_lines=_ + "lines:LINES",
            audit_names={"meeting": "会议记录"},
            demo=_ + "demo:fill",
            panel=Panel("meetings", "会议（Ctrl+L）", _ + "screens:panel", rank=50),
            help=_ + "screens:help_text",
        )
    """,
    "service.py": """
        from dataclasses import dataclass


        @dataclass(frozen=True)
        class Meeting:
            title: str


        class MeetingService:
            def __init__(self, core):
                self.core = core

            def record(self, title):
                with self.core.write() as s:
                    self.core.audit(s, "meeting", title, "新增", after={"title": title})

            def between(self, start, end):
                for e in self.audit.between(start, end):
                    if e.kind == "meeting":
                        yield Meeting(e.entity_id)


        def install(services):
            services.meetings = MeetingService(services.core)
            services.meetings.audit = services.audit
    """,
    "ledgers.py": """
        from dataclasses import dataclass

        from cunwu_tui.ledgers.engine import Column, Ledger, register


        @dataclass(frozen=True)
        class MeetingLine:
            title: str


        def _rows(lines, period):
            for i, line in enumerate(lines, start=1):
                yield (i, line.title)


        MEETINGS = register(
            Ledger(name="meetings", title="会议记录台账", columns=(Column("序号", 6), Column("会议", 30)), rows=_rows)
        )
    """,
    "lines.py": """
        from cunwu_tui.features.meetings.ledgers import MeetingLine


        def meeting_lines(services, period):
            for m in services.meetings.between(period.first_day, period.next_month_first_day):
                yield MeetingLine(m.title)


        LINES = {"meetings": meeting_lines}
    """,
    "demo.py": """
        def fill(ctx):
            ctx.services.meetings.record("两委联席会议")
            return "会议记录 1 次"
    """,
    "screens.py": """
        from textual.binding import Binding
        from textual.widgets import Static

        from cunwu_tui.ui.screens.base import AppScreen


        class MeetingsScreen(AppScreen):
            BINDINGS = [Binding("n", "new", "记会议")]

            def compose_body(self):
                yield Static("会议记录列表", id="meetings-body")

            def action_new(self):
                self.live.meetings.record("村民代表会议")
                self.notify("已记录")


        def panel(services, app):
            return "本月会议：两委联席会议"


        def help_text():
            return "会议记录（Ctrl+L）中：N 记会议。"
    """,
}

PROBE = """
import asyncio, sys
from datetime import date

sys.path.insert(0, {tests!r})
import cunwu_tui.features as pkg

pkg.__path__.append({root!r})
pkg.INSTALLED = (*pkg.INSTALLED, "meetings")  # the one line

from cunwu_tui.ui.places import PLACES, menu_letter
from cunwu_tui.ui.screens.help import help_text
from cunwu_tui.services import open_services
from cunwu_tui.services.demo import fill_demo
from cunwu_tui.services.export import ledger_choices
from cunwu_tui.services.ledger_rows import builders

index = [p.id for p in PLACES].index("meetings")
print("menu", menu_letter(index).upper(), PLACES[index].title)
assert "会议记录（Ctrl+L）中：N 记会议。" in help_text()
assert "meetings" in [c.name for c in ledger_choices()] and "meetings" in builders()

services = open_services({db!r})
report = fill_demo(services, date(2026, 11, 22))
assert "会议记录 1 次" in report, report
assert any(e.entity == "会议记录" for e in services.audit.recent(50)), "audit name"
paths = services.exports.export("2026-11", ["meetings"], {out!r}, today=date(2026, 11, 22))
from python_calamine import CalamineWorkbook

rows = CalamineWorkbook.from_path(str(paths[0])).get_sheet_by_index(0).to_python()
assert any("两委联席会议" in [str(c) for c in r] for r in rows), rows
services.close()
print("services ok")

from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.palette import app_commands
from test_app import SIZE, start, wait_for


async def main():
    app = CunwuApp({db!r}, today=date(2026, 11, 22))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await wait_for(pilot, lambda: "两委联席会议" in str(app.screen.query_one("#meetings").content))
        titles = [c.title for c in app_commands(app, app.screen)]
        assert "打开会议记录" in titles and "记会议" in "".join(titles), titles
        await pilot.press("ctrl+l", menu_letter(index))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MeetingsScreen")
        await pilot.press("n")
        await pilot.pause(0.1)
    print("app ok")


asyncio.run(main())
"""


def test_a_new_register_is_one_folder_and_one_line(tmp_path, db_url):
    root = tmp_path / "extra"
    folder = root / "meetings"
    folder.mkdir(parents=True)
    for name, text in MEETINGS.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    probe = tmp_path / "probe.py"
    db = db_url
    probe.write_text(PROBE.format(tests=str(TESTS), root=str(root), db=db, out=str(tmp_path / "out")), encoding="utf-8")
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("menu ") and lines[0].endswith("会议记录")
    assert lines[1:] == ["services ok", "app ok"]
