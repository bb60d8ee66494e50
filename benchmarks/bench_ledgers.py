"""Ledger export speed: ``write_ledger`` against an unstyled openpyxl baseline.

Run: python benchmarks/bench_ledgers.py [--sizes 10000 100000] [--runs 3] [--memory]

For each size, the same pre-built rows of a realistic 10-column ledger
(integer, date, text, wrapped text, money, integer, bool, text, datetime,
text) are written

* by ``write_ledger`` (title rows, borders, 宋体, number formats, 合计 row,
  row heights for wrapped text, page setup), and
* by a bare openpyxl write-only workbook: ``ws.append(row)`` per row, no
  styles (the floor for a streaming xlsx writer in pure Python).

Runs alternate between the two and the best time of each is reported, with
the ratio styled / baseline (target: <= 1.3). ``--memory`` also streams the
largest size from a generator under tracemalloc and prints the peak.
``--no-fast-path`` makes the writer use openpyxl's public ``append`` path
(what it falls back to if openpyxl's internals change).
Write the figures in benchmarks/README.md with the machine and date.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cunwu_tui.ledgers.engine import Column, Ledger, LedgerContext, Period
from cunwu_tui.ledgers.naming import write_ledger

NAMES = ["张建国", "李秀英", "王德明", "赵丽娟", "刘海", "陈晓东", "欧阳明月", "周强"]
MATTERS = [
    "申请开具居住证明",
    "低保年审材料提交，已核对户口簿、身份证及收入证明，待镇民政办审批",
    "宅基地使用情况说明（东侧围墙与邻居存在争议，已现场查看并拍照存档，建议调解）",
    "医保缴费咨询",
    "退役军人优待证申领，材料齐全，已录入系统",
]
NOTES = ["", "加急", "材料已退回补正", "=电话回访", "已办结"]

LEDGER = Ledger(
    name="bench",
    title="便民服务登记台账",
    columns=(
        Column("序号", 6, "integer"),
        Column("受理日期", 11, "date"),
        Column("申请人", 10),
        Column("事项", 36, wrap=True),
        Column("收费（元）", 11, "money", total=True),
        Column("份数", 6, "integer", total=True),
        Column("是否办结", 8, "bool"),
        Column("经办人", 9),
        Column("办结时间", 16, "datetime"),
        Column("备注", 14, wrap=True),
    ),
    rows=lambda source, period: source,
)
CTX = LedgerContext("张庄村", "城关镇", "王小明", "13900001111", date(2026, 12, 1))
PERIOD = Period(2026, 11)


def make_rows(n: int) -> list[tuple]:
    start = date(2026, 1, 1)
    t0 = datetime(2026, 1, 1, 9, 0)
    return [
        (
            i + 1,
            start + timedelta(days=i % 365),
            NAMES[i % len(NAMES)],
            MATTERS[i % len(MATTERS)],
            Decimal(i % 50) * Decimal("2.5"),
            1 + i % 3,
            i % 4 != 0,
            NAMES[(i + 3) % len(NAMES)],
            t0 + timedelta(minutes=37 * i),
            NOTES[i % len(NOTES)] or None,
        )
        for i in range(n)
    ]


def styled(rows: list[tuple], path: Path) -> None:
    write_ledger(LEDGER, CTX, PERIOD, rows, path)


def baseline(rows: list[tuple], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("baseline")
    for row in rows:
        ws.append(row)
    wb.save(path)


def best_of(fn, rows, path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(rows, path)
        times.append(time.perf_counter() - t)
        path.unlink()
    return min(times)


def memory_peak(n: int, folder: Path) -> float:
    import tracemalloc

    rows = make_rows(1000)

    def generate():
        for i in range(n):
            yield rows[i % 1000]

    tracemalloc.start()
    write_ledger(LEDGER, CTX, PERIOD, generate(), folder / "mem.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3, help="runs per size and writer (best is kept)")
    ap.add_argument("--memory", action="store_true", help="also measure peak memory while streaming")
    ap.add_argument("--no-fast-path", action="store_true", help="use openpyxl's public append path")
    args = ap.parse_args()
    if args.no_fast_path:
        from cunwu_tui.ledgers import writer

        writer.FAST_PATH = False

    import openpyxl

    print(
        f"python {platform.python_version()}, openpyxl {openpyxl.__version__}, "
        f"nproc {os.cpu_count()}, {platform.platform()}" + (", public append path" if args.no_fast_path else "")
    )
    print(f"{'rows':>8} {'styled s':>9} {'baseline s':>11} {'ratio':>6} {'styled MB':>10} {'baseline MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.sizes:
            rows = make_rows(n)
            runs = args.runs if n <= 20_000 else max(1, args.runs - 1)
            s_times, b_times = [], []
            for _ in range(runs):  # alternate, so drift hits both alike
                s_times.append(best_of(styled, rows, folder / "s.xlsx", 1))
                b_times.append(best_of(baseline, rows, folder / "b.xlsx", 1))
            styled(rows, folder / "s.xlsx")
            baseline(rows, folder / "b.xlsx")
            s_mb = (folder / "s.xlsx").stat().st_size / 2**20
            b_mb = (folder / "b.xlsx").stat().st_size / 2**20
            s, b = min(s_times), min(b_times)
            print(f"{n:>8} {s:>9.2f} {b:>11.2f} {s / b:>6.2f} {s_mb:>10.1f} {b_mb:>12.1f}", flush=True)
            (folder / "s.xlsx").unlink()
            (folder / "b.xlsx").unlink()
        if args.memory:
            n = max(args.sizes)
            print(f"peak traced memory streaming {n} rows from a generator: {memory_peak(n, folder):.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
