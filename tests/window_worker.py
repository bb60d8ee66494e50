"""One window of the service hall, for tests/test_postgres.py's two windows
at once (issue #20): the real app at 80x24 on the database named on the
command line, driven by Textual's Pilot with real keys, as the Pilot tests
drive F5 and F4 (tests/test_app_seals.py, tests/test_app_cases.py).

    python tests/window_worker.py URL SYNC_DIR ME OTHER ROUNDS RESIDENT OTHER_RESIDENT

It signs in (the demo's 赵丽 and PIN), opens F5, says it is ready
(SYNC_DIR/ready-ME) and waits for SYNC_DIR/go. Then ROUNDS times: F5, N, a
seal use of the 村(居)委会印章 titled "ME窗口用印<i>", Ctrl+S; F4, N, a
户口迁移 for RESIDENT, Ctrl+S. It writes what it registered to
SYNC_DIR/done-ME.json and waits for the other window's; then it looks for
the other window's entries the way a clerk would: F5's search for
"OTHER窗口", F4's search for OTHER_RESIDENT, and writes what its screens show
to SYNC_DIR/seen-ME.json.

Every wait is for a condition (a screen, a value, a file), with a deadline
generous for a loaded machine; none is a sleep standing in for one.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Select, Static

from cunwu_tui.domain import pins
from cunwu_tui.features.cases.screens import CaseDetailScreen, CasesScreen, IntakeForm
from cunwu_tui.features.lookup.screens import LetterDialog
from cunwu_tui.features.seals.screens import SealRegisterScreen, SealUseDetailScreen, SealUseForm
from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.dialogs import ConfirmDialog
from cunwu_tui.ui.screens.operator import OperatorScreen

from identity_helpers import PIN
from test_app import SIZE, TODAY, type_text
from test_app_seals import choose

DEADLINE = 180.0  # seconds for any one condition: two apps and the tests of others on two cores

SEAL = "村(居)委会印章"
MATTER = "MS-HUKOU-QIANYI"  # 户口迁移, typed by its initials


async def until(pilot, predicate, what: str, timeout: float = DEADLINE) -> None:
    """Let the app run until ``predicate()`` holds; fail saying ``what``."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            shown = " | ".join(t for t in (str(w.render()).strip() for w in pilot.app.screen.query(Static)) if t)
            raise AssertionError(
                f"not reached within {timeout:.0f} s: {what}; {type(pilot.app.screen).__name__}: {shown}"
            )
        await pilot.pause(0.02)


async def sign_in(pilot) -> None:
    """As test_app.start: the operator the picker offers, the demo PIN."""
    app = pilot.app
    await until(
        pilot, lambda: isinstance(app.screen, OperatorScreen) and bool(app.screen.query("#staff-list")), "picker"
    )
    await pilot.press("enter")
    await pilot.press(*PIN, "enter")
    await until(pilot, lambda: app.ready() and not isinstance(app.screen, OperatorScreen), "signed in")


async def register_seal_use(pilot, title: str) -> str:
    """F5 N: a seal use of SEAL titled ``title``; its number."""
    app = pilot.app
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, SealRegisterScreen), "F5")
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, SealUseForm), "the seal use form")
    form = app.screen
    seal = form.query_one("#f-seal", Select)
    await until(pilot, lambda: seal.has_focus, "the seal field focused")
    wanted = next(s.id for s in app.services.seals.list() if s.name == SEAL)
    await choose(pilot, seal, 2)  # 请选择, 党支部印章, 村(居)委会印章
    await until(pilot, lambda: seal.value == wanted, "the seal chosen")
    await pilot.press("tab", "tab")  # the time stays: now
    await type_text(pilot, title)
    await pilot.press("tab")
    await type_text(pilot, "两个窗口同时登记")
    await pilot.press("tab", "tab")  # one copy
    await type_text(pilot, "本村存档")
    applicant = form.query_one("#f-applicant", Select)
    await choose(pilot, applicant, 1)  # 请选择, 王建国
    await until(pilot, lambda: applicant.value != Select.NULL, "the applicant chosen")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, SealUseDetailScreen), "the saved seal use")
    detail = app.screen
    number = app.services.seal_register.get(detail.use_id).number
    assert number in str(detail.query_one("#seal-detail", Static).render())
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(app.screen, SealRegisterScreen), "back on F5")
    return number


async def take_case_in(pilot, resident: str) -> str:
    """F4 N: 户口迁移 for ``resident``, ten working days; its number."""
    app = pilot.app
    await pilot.press("f4")
    await until(pilot, lambda: isinstance(app.screen, CasesScreen) and app.services.catalog.ready, "F4")
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, IntakeForm), "the intake form")
    form = app.screen
    await until(pilot, lambda: form.query_one("#f-matter", Input).has_focus, "the matter field focused")
    await type_text(pilot, "hkqy")
    await until(pilot, lambda: form.query_one("#matter-results", OptionList).option_count > 0, "matters found")
    await pilot.press("enter")
    await until(pilot, lambda: form.code == MATTER and form.query_one("#f-resident", Input).has_focus, "户口迁移")
    await type_text(pilot, resident)
    await until(pilot, lambda: form.query_one("#resident-results", OptionList).option_count > 1, "the applicant found")
    await pilot.press("enter")
    await until(pilot, lambda: form.resident_id is not None, "the applicant chosen")
    await pilot.press("tab", "tab", "tab")  # 受理渠道, 首问人, 办件类型 -> 承诺时限
    limit = form.query_one("#f-limit", Input)
    await until(pilot, lambda: limit.has_focus, "the time limit focused")
    if not limit.value:
        await type_text(pilot, "10")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, LetterDialog), "the receipt")  # 收件回执
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the letter's question")
    await pilot.press("n")  # no 一次性告知书 this time
    await until(pilot, lambda: isinstance(app.screen, CaseDetailScreen), "the saved case")
    number = app.services.cases.row(app.screen.case_id).number
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(app.screen, CasesScreen), "back on F4")
    return number


def cells(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def search(pilot, screen_key: str, screen_type: type, table_id: str, text: str, rows: int) -> DataTable:
    """On ``screen_key``'s list: / and ``text``, until at least ``rows`` rows show."""
    app = pilot.app
    await pilot.press(screen_key)
    await until(pilot, lambda: isinstance(app.screen, screen_type), screen_key)
    screen = app.screen
    await pilot.press("slash")
    await type_text(pilot, text)
    table = screen.query_one(table_id, DataTable)
    await until(pilot, lambda: table.row_count >= rows, f"{rows} rows for {text} on {screen_key}")
    return table


async def main(url: str, sync: Path, me: str, other: str, rounds: int, resident: str, other_resident: str) -> None:
    app = CunwuApp(url, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, SealRegisterScreen), "F5")
        (sync / f"ready-{me}").write_text("ready")
        await until(pilot, lambda: (sync / "go").exists(), "go")
        began = time.time()
        seals, cases = [], []
        for i in range(rounds):
            seals.append(await register_seal_use(pilot, f"{me}窗口用印{i}"))
            cases.append(await take_case_in(pilot, resident))
        done = {"seals": seals, "cases": cases, "began": began, "ended": time.time()}
        (sync / f"done-{me}.json").write_text(json.dumps(done, ensure_ascii=False), encoding="utf-8")
        await until(pilot, lambda: (sync / f"done-{other}.json").exists(), f"window {other} done")

        table = await search(pilot, "f5", SealRegisterScreen, "#seal-table", f"{other}窗口", rounds)
        seen = {"seal_numbers": cells(table, 0), "seal_titles": cells(table, 2)}
        table = await search(pilot, "f4", CasesScreen, "#case-table", other_resident, rounds)
        seen["case_numbers"] = cells(table, 0)
        (sync / f"seen-{me}.json").write_text(json.dumps(seen, ensure_ascii=False), encoding="utf-8")
        await pilot.press("ctrl+q")


if __name__ == "__main__":
    pins.SCRYPT_N = 2**10  # as tests/conftest.py: the demo's hashes name their own cost
    url, sync, me, other, rounds, resident, other_resident = sys.argv[1:8]
    asyncio.run(main(url, Path(sync), me, other, int(rounds), resident, other_resident))
