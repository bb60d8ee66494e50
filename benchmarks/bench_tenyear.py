"""Issue #18: every operation the clerk waits for, on the demo database and on
a ten-year database of a large village (benchmarks/tenyear.py), side by side.

    python benchmarks/bench_tenyear.py [--runs 7] [--rounds 3] [--tenyear /tmp/perf-work/tenyear.db] [--skip-app]

Both databases are built first when missing (the ten-year one takes a few
minutes; pass an existing file to reuse it: it is copied, never written).
Service timings are medians of ``--runs`` runs in one process after one
warm-up run (the screens call exactly these), taken in ``--rounds`` rounds
of the demo and the ten-year database in turn; each figure is the median
of its rounds (a ratio of two figures measured minutes apart moved with
whatever else the machine was doing). Start-up figures are medians
of ``--runs`` fresh interpreters each: the first frame of the app against a
minimal Textual app (Header + 200-row DataTable + Footer) measured the same
way in the same run, and the database ready (worker done opening it); the
app's bytecode is compiled first, as an installed copy has it. Peak
RSS: a fresh interpreter drives the app with Textual's Pilot at 80x24,
signs in, visits F2..F8 ``--runs`` times (timing each key until the
screen has settled: ``pilot.pause()`` returns once every message is
processed) and reports ru_maxrss.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

MINIMAL = r"""
import json, sys, time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import DataTable, Footer, Header
marks = {}

class Minimal(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("编号", "日期", "申请人", "事项", "状态")
        for i in range(200):
            t.add_row(f"〔2026〕第{i:05d}号", "2026-12-06", "王桂英", "最低生活保障认定", "在办")
        self.call_after_refresh(self._frame)

    def _frame(self):
        marks["frame"] = time.perf_counter()
        self.exit()

Minimal().run(headless=True, size=(80, 24))
print(json.dumps({"frame": marks["frame"] - t0}))
"""

# The app's probe is startup.py's (first frame and database ready, one worker).
sys.path.insert(0, str(Path(__file__).parent))
from startup import FIRST_FRAME as APP, as_installed  # noqa: E402

RSS = r"""
import asyncio, json, resource, statistics, sys, time
from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.ui.screens.operator import OperatorScreen
from cunwu_tui.services.demo import DEMO_PIN

async def main():
    app = CunwuApp(sys.argv[1])
    settle = {}
    async with app.run_test(size=(80, 24)) as pilot:
        async def wait(pred, tries=6000):
            for _ in range(tries):
                if pred():
                    return
                await pilot.pause(0.02)
            raise SystemExit("timed out")
        await wait(lambda: isinstance(app.screen, OperatorScreen))
        await pilot.press("enter")
        await pilot.press(*list(DEMO_PIN), "enter")
        await wait(lambda: app.ready() and not isinstance(app.screen, OperatorScreen))
        await wait(lambda: app._startup_done.is_set())
        for _ in range(int(sys.argv[2])):
            for key in ("f2", "f3", "f4", "f5", "f6", "f7", "f8"):
                t0 = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()  # until the screen has processed everything it was sent
                settle.setdefault(key, []).append(time.perf_counter() - t0)
    out = {"rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    out.update({k: statistics.median(v) for k, v in settle.items()})
    print(json.dumps(out))

asyncio.run(main())
"""


def med(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def service_figures(path: Path, runs: int, out_dir: Path) -> dict[str, float]:
    from cunwu_tui.services import open_services
    from cunwu_tui.features.cases.service import CaseIntake
    from cunwu_tui.services.demo import DEMO_PIN
    from cunwu_tui.feature import load
    from cunwu_tui.features.duty.screens import duty_panel
    from cunwu_tui.ui.screens.dashboard import panels

    s = open_services(f"sqlite:///{path}")
    out: dict[str, float] = {}
    try:
        clerk = next(p for p in s.staff.list() if p.name == "赵丽")
        s.set_operator(clerk.id, DEMO_PIN)
        today = date.today()
        page = 30  # what a list reads first (ui.widgets.PagedTable.PAGE); more as the cursor goes down
        for f in ("在办", "即将到期", "逾期", "办结", "全部"):
            out[f"F4 {f}"] = med(lambda: s.cases.page(f, "", today, 0, page), runs)
        out["F4 search 王 in 全部"] = med(lambda: s.cases.page("全部", "王", today, 0, page), runs)
        # a name few cases have: the search reads every case to find them (no index for a part of a name)
        out["F4 search 李秀 in 全部"] = med(lambda: s.cases.page("全部", "李秀", today, 0, page), runs)
        # words of a matter: both characters in thousands of cases on ten years
        out["F4 search 户口 in 全部"] = med(lambda: s.cases.page("全部", "户口", today, 0, page), runs)
        # a case number's digits (one case a year): digits are not in the character index
        out["F4 search 0123 in 全部"] = med(lambda: s.cases.page("全部", "0123", today, 0, page), runs)
        out["F4 全部, the next page"] = med(lambda: s.cases.page("全部", "", today, page, page), runs)
        open_id = s.cases.list("在办", today=today)[0].id
        out["F4 case detail"] = med(lambda: s.cases.detail(open_id, today=today), runs)

        def dashboard():
            now = s.core.now()
            s.settings.profile()
            s.backups.status(now)
            for panel in panels():  # the features' panels (办件, 值班, 公示, 用印), as the 工作台 draws them
                load(panel.render)(s, None)
            s.audit.recent(8, changes_only=True)

        out["工作台 refresh"] = med(dashboard, runs)

        def seal_page():  # what F5 asks: a page, and the totals when there is more
            infos = s.seal_register.list(limit=page + 1)
            return infos, s.seal_register.tally() if len(infos) > page else None

        out["F5 seal list"] = med(seal_page, runs)
        out["F6 duty panel"] = med(lambda: duty_panel(s, s.core.now()), runs)
        out["F7 notice list"] = med(lambda: s.notices.page(None, page), runs)
        nid = s.notices.list()[0].id
        out["F7 notice detail"] = med(
            lambda: (s.notices.get(nid), s.notices.persons(nid), s.notices.objections(nid)), runs
        )
        # what F4's applicant picker asks for as 王 is typed (features/cases/screens.py: the first 20)
        out["F4 applicant search 王"] = med(lambda: s.residents.search("王", 20), runs)
        out["F4 applicant search 秀英 (part of a given name)"] = med(lambda: s.residents.search("秀英", 20), runs)
        out["seal check at start"] = med(lambda: s.seal_register.verify(quick=True), runs)
        out["evidence check at start"] = med(lambda: s.evidence.verify(full=False), runs)
        resident = s.residents.list()[0].id if hasattr(s.residents, "list") else 1
        times = []
        for i in range(runs):
            t0 = time.perf_counter()
            s.cases.add(
                CaseIntake("MS-HUKOU-QIANYI", resident, "来访", clerk.id, "承诺件", [], f"基准{i}", 10, "工作日")
            )
            times.append(time.perf_counter() - t0)
        out["write (case intake)"] = statistics.median(times)
        times = []
        for i in range(max(3, runs // 2)):
            d = out_dir / f"x{i}"
            t0 = time.perf_counter()
            s.exports.export("2026-11", None, out_dir=d, today=today)
            times.append(time.perf_counter() - t0)
            shutil.rmtree(d, ignore_errors=True)
        out["export 2026-11, all ledgers"] = statistics.median(times)
    finally:
        s.close()
    return out


YESTERDAY = r"""
import json, sys
from cunwu_tui.services import open_services
from cunwu_tui.services.evidence import CHECKPOINT
from cunwu_tui.services.settings import put_setting

s = open_services(sys.argv[1])  # (migrates a database made by an older generator)
try:
    s.cases.resummarize_all()
    s.seal_register.verify()
    s.evidence.verify(full=True)
    s.refresh_statistics()  # as the app's daily start-up work leaves them
    mark = json.loads(s.settings.get(CHECKPOINT))
    mark["_full"] = "2000-01-01 00:00:00"
    with s.core.write() as session:
        put_setting(session, CHECKPOINT, json.dumps(mark))
finally:
    s.close()
"""


def as_left_yesterday(path: Path) -> None:
    """The database as the app leaves it at the end of a day: its start-up
    work has run (the checkpoints exist) and the last full check was
    yesterday, so the next start is the first of a day (the daily full check
    runs in its worker): the usual worst case, not the one-off first start.
    In a process of its own: Linux counts a parent's peak memory in the
    peak of the children it starts."""
    subprocess.run([sys.executable, "-c", YESTERDAY, f"sqlite:///{path}"], check=True, capture_output=True)


def startup_figures(path: Path, runs: int) -> dict[str, float]:
    frames, minimal, dbs = [], [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        r = subprocess.run([sys.executable, "-c", MINIMAL], capture_output=True, text=True, check=True)
        minimal.append(json.loads(r.stdout.strip().splitlines()[-1])["frame"])
        r = subprocess.run([sys.executable, "-c", APP, f"sqlite:///{path}"], capture_output=True, text=True, check=True)
        got = json.loads(r.stdout.strip().splitlines()[-1])
        frames.append(got["frame"])
        dbs.append(got["db"])
    return {
        "first frame, minimal app": statistics.median(minimal),
        "first frame": statistics.median(frames),
        "database ready": statistics.median(dbs),
    }


def app_figures(path: Path, runs: int) -> dict[str, float]:
    """Peak RSS after visiting F2..F8 ``runs`` times, and the median time
    from a function key until its screen has settled."""
    r = subprocess.run(
        [sys.executable, "-c", RSS, f"sqlite:///{path}", str(runs)], capture_output=True, text=True, check=True
    )
    got = json.loads(r.stdout.strip().splitlines()[-1])
    names = {
        "f2": "工作台",
        "f3": "事项查询",
        "f4": "受理登记",
        "f5": "用印登记",
        "f6": "值班",
        "f7": "公示",
        "f8": "台账导出",
    }
    out = {f"{k.upper()} {names[k]} until settled": v for k, v in got.items() if k in names}
    out["peak RSS after F2-F8 (MiB)"] = got["rss"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tenyear", default="/tmp/perf-work/tenyear.db")
    ap.add_argument("--rounds", type=int, default=3, help="service figures: rounds, the two databases in turn")
    ap.add_argument("--skip-app", action="store_true", help="service figures only")
    args = ap.parse_args()
    as_installed()
    sys.path.insert(0, str(HERE))
    import tenyear

    src = Path(args.tenyear)
    if not src.exists():
        print(f"building {src} ...", flush=True)
        print(tenyear.build(src), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        demo = tmpd / "demo.db"
        subprocess.run([sys.executable, "-m", "cunwu_tui", "--db", str(demo), "demo"], check=True, capture_output=True)
        big = tmpd / "tenyear.db"
        shutil.copy(src, big)
        for suffix in ("-wal", "-shm"):
            if Path(str(src) + suffix).exists():
                shutil.copy(str(src) + suffix, str(big) + suffix)
        both = (("demo", demo), ("10-year", big))
        results: dict[str, dict[str, float]] = {name: {} for name, _ in both}
        for name, path in both:
            if not args.skip_app:  # before the service runs add rows
                as_left_yesterday(path)
                results[name].update(startup_figures(path, args.runs))
                as_left_yesterday(path)
                results[name].update(app_figures(path, args.runs))
            else:
                as_left_yesterday(path)
        # The services: the two databases in turn, round after round, so that both
        # meet the same moments of the machine; a figure is the median of its rounds.
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _ in both}
        for _ in range(max(1, args.rounds)):
            for name, path in both:
                rounds[name].append(service_figures(path, args.runs, tmpd / f"out-{name}"))
        for name, got in rounds.items():
            results[name].update({key: statistics.median(r[key] for r in got) for key in got[0]})
    print(
        f"\n{datetime.now():%Y-%m-%d %H:%M}, medians of {args.runs} runs (services: the median of {args.rounds} rounds)\n"
    )
    print("| operation | demo | 10-year | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for key in results["10-year"]:
        a, b = results["demo"][key], results["10-year"][key]
        if "MiB" in key:
            print(f"| {key} | {a:.0f} MiB | {b:.0f} MiB | {b / a:.2f} |")
        else:
            print(f"| {key} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / a:.1f}× |")
    for name in ("demo", "10-year"):
        r = results[name]
        if "first frame" in r:
            print(f"{name}: first frame / minimal app = {r['first frame'] / r['first frame, minimal app']:.2f}")


if __name__ == "__main__":
    main()
