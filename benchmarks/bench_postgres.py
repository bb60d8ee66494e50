"""Issue #20: F4, F5 and F7 lists and writes on PostgreSQL against SQLite,
on the ten-year database (benchmarks/tenyear.py).

    python benchmarks/bench_postgres.py --pg URL [--runs 7] [--tenyear /tmp/perf-work/tenyear.db]

URL: an empty database on a server (e.g. from ``CUNWU_PG_DURABLE=1
.ci/postgres.sh start DIR``: a local server with fsync on, as SQLite runs
with synchronous=FULL). The ten-year file is copied (never written), brought
to the app's schema and its start-up work (as bench_tenyear's
as_left_yesterday), then copied onto the server with ``cunwu copy``'s code
(timed) and ANALYZEd there. Reads are medians of ``--runs`` after one
warm-up; writes are medians of ``--runs`` saves, each its own transaction.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def med(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def timed_writes(fn, runs: int) -> float:
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def figures(url: str, runs: int) -> dict[str, float]:
    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import Operator

    s = open_services(url)
    out: dict[str, float] = {}
    try:
        staff = {p.name: p.id for p in s.staff.list()}
        clerk = staff.get("赵丽") or next(iter(staff.values()))
        s.core.operator = Operator(clerk, "赵丽")
        today = date.today()
        page = 30  # ui.widgets.PagedTable's first page
        for f in ("在办", "逾期", "办结", "全部"):
            out[f"F4 {f}"] = med(lambda: s.cases.page(f, "", today, 0, page), runs)
        out["F4 search 王 in 全部"] = med(lambda: s.cases.page("全部", "王", today, 0, page), runs)
        out["F4 全部, the next page"] = med(lambda: s.cases.page("全部", "", today, page, page), runs)
        open_id = s.cases.list("在办", today=today)[0].id
        out["F4 case detail"] = med(lambda: s.cases.detail(open_id, today=today), runs)

        def seal_page():
            infos = s.seal_register.list(limit=page + 1)
            return infos, s.seal_register.tally() if len(infos) > page else None

        out["F5 seal list"] = med(seal_page, runs)
        out["F7 notice list"] = med(lambda: s.notices.page(None, page), runs)
        nid = s.notices.list()[0].id
        out["F7 notice detail"] = med(
            lambda: (s.notices.get(nid), s.notices.persons(nid), s.notices.objections(nid)), runs
        )

        intake = sys.modules[type(s.cases).__module__].CaseIntake
        resident = s.residents.search("王", 1)[0].id
        out["F4 write: case intake"] = timed_writes(
            lambda i: s.cases.add(
                intake("MS-HUKOU-QIANYI", resident, "来访", clerk, "承诺件", [], f"基准{i}", 10, "工作日")
            ),
            runs,
        )
        seal = next(x for x in s.seals.list() if "委会" in x.name)
        approver = next((p.id for p in s.staff.list() if "主任" in p.roles), clerk)
        now = s.core.now()
        out["F5 write: seal use"] = timed_writes(
            lambda i: s.seal_register.add(
                seal.id,
                f"基准{i}",
                "事由",
                1,
                "本村存档",
                applicant_id=clerk,
                approver_id=approver,
                used_at=f"{now:%Y-%m-%d %H:%M}",
            ),
            runs,
        )
        out["F7 write: notice"] = timed_writes(
            lambda i: s.notices.add(
                title=f"基准公示{i}",
                kind="低保",
                places=["公开栏"],
                start=now,
                length=7,
                unit="日",
                persons="张三 三组",
            ),
            runs,
        )
        out["evidence check at start"] = med(lambda: s.evidence.verify(full=False), runs)
    finally:
        s.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", required=True, help="an empty database on a PostgreSQL server")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tenyear", default="/tmp/perf-work/tenyear.db")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_tenyear import as_left_yesterday

    from cunwu_tui.db.engine import make_engine
    from cunwu_tui.services.transfer import copy_between

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "tenyear.db"
        shutil.copy(args.tenyear, big)
        as_left_yesterday(big)
        t0 = time.perf_counter()
        copied = copy_between(f"sqlite:///{big}", args.pg)
        copy_s = time.perf_counter() - t0
        assert copied.ok, copied.check_lines
        engine = make_engine(args.pg)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
        results = {"SQLite": figures(f"sqlite:///{big}", args.runs), "PostgreSQL": figures(args.pg, args.runs)}
    rows = sum(copied.transfer.counts.values())
    print(f"\n{datetime.now():%Y-%m-%d %H:%M}, ten-year database, medians of {args.runs} runs")
    print(f"cunwu copy onto the server: {rows} rows in {copy_s:.0f} s (with the destination's full check)\n")
    print("| operation | SQLite | PostgreSQL | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for key in results["SQLite"]:
        a, b = results["SQLite"][key], results["PostgreSQL"][key]
        print(f"| {key} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / a:.1f}× |")


if __name__ == "__main__":
    main()
