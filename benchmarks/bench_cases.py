"""How fast the case register answers with a village's years of cases.

Builds a temporary database with N cases (default 2,000: several years of a
busy village office), each with a few step events; a tenth still open, a
few refused. Then times what the screens do: the F4 list (在办, 逾期, 全部,
a search), the 工作台 counts, a case's detail and one step written.

    python benchmarks/bench_cases.py [--cases 2000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path


def build(url: str, n: int):
    from cunwu_tui.domain.idcard import check_character
    from cunwu_tui.services import open_services
    from cunwu_tui.features.cases.service import CaseIntake

    s = open_services(url)
    from cunwu_tui.services.demo import DEMO_PIN

    s.identity.setup("赵丽", "13903510004", ["文书"], DEMO_PIN, DEMO_PIN)  # the first administrator, at work
    clerk = s.staff.get(s.operator.id)
    leader = s.staff.add("李秀英", "13903510002", ["主任"], pin=DEMO_PIN, admin_pin=DEMO_PIN)
    clock = [datetime(2023, 1, 3, 9, 0)]
    s.core.clock = lambda: clock[0]
    residents = []
    for i in range(200):
        first = f"140431196{i % 10}0{1 + i % 9}1{i % 10}{i:03d}"[:17]
        residents.append(s.residents.add(f"居民{i:03d}", "居民身份证", first + check_character(first)).id)
    codes = ["MS-ZHUYUAN-BAOXIAO", "MS-HUKOU-QIANYI", "MS-SIWANG-ZHUXIAO", "MS-LIANGXIANG-BUTIE"]
    step = (datetime(2026, 11, 30) - clock[0]) / n
    for i in range(n):
        clock[0] += step
        code = codes[i % len(codes)]
        row = s.cases.add(
            CaseIntake(code, residents[i % len(residents)], "来访", clerk.id, "承诺件", [], "", 10, "工作日")
        )
        d = s.cases.detail(row.id)
        if d.current_step is not None:
            s.cases.complete_step(row.id, d.current_step)
        if i % 25 == 0:
            s.cases.refuse(row.id, "不予受理", "不符合条件", "有关规定", i % 50 == 0, leader.id)
        elif i < n * 0.9:
            s.cases.conclude(row.id, "已办结", "材料已在别处核验")
    s.core.clock = None
    return s


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = "sqlite:///" + str(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        s = build(url, args.cases)
        print(f"built {args.cases} cases in {time.perf_counter() - t0:.1f} s")
        open_ids = [r.id for r in s.cases.list("在办")]
        print(f"open: {len(open_ids)}, with a deadline running: {len(s.cases.list('_with_deadline'))}")
        checks = {
            "list 在办": lambda: s.cases.list("在办"),
            "list 逾期": lambda: s.cases.list("逾期"),
            "list 全部 (500 newest)": lambda: s.cases.list("全部"),
            "search 居民01": lambda: s.cases.list("全部", "居民01"),
            "工作台 counts": lambda: s.cases.counts(),
            "detail": lambda: s.cases.detail(open_ids[0]),
        }
        for name, fn in checks.items():
            best, median = timed(fn, args.runs)
            print(f"{name:24s} best {best * 1000:7.1f} ms   median {median * 1000:7.1f} ms")
        s.close()


if __name__ == "__main__":
    main()
