"""Matter lookup speed: pypinyin import, index build, cache load, keystrokes.

Run: python benchmarks/bench_search.py [--runs 7] [--reps 200] [--names 2000]

On the shipped catalog and on a synthetic one of about ``--names`` names
more (names made by joining halves of real names and aliases, four names
per record, documents and category borrowed from the real records):

(a) importing pypinyin, in a fresh interpreter (median of ``--runs``);
(b) ``SearchIndex.build`` with pypinyin already imported (median of
    ``--runs``), and a fresh interpreter's first ``load_or_build`` without
    a cache (import + build + write);
(c) ``load_or_build`` from a valid cache file, in-process and in a fresh
    interpreter (which must not import pypinyin);
(d) every keystroke of typing each query (``d``, ``di`` ... ``dibao``;
    ``d``, ``db`` ... ``dbsq``; ``残``, ``残疾``, ``残疾证``; ``z`` ...
    ``zdshbz``), each prefix searched ``--reps`` times: median and worst
    over all those searches (every search starts cold: nothing is cached
    between queries).

Write the figures in benchmarks/README.md with the machine and date.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cunwu_tui.features.lookup.catalog import load_catalog
from cunwu_tui.domain.search import SearchIndex, SearchRecord, load_or_build

QUERIES = ["dibao", "dbsq", "残疾证", "zdshbz", "shenqing"]

FRESH_LOAD = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from cunwu_tui.domain.search import SearchRecord, load_or_build
rows = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
records = [SearchRecord(k, n, tuple(a), tuple(d), tuple(e)) for k, n, a, d, e in rows]
t1 = time.perf_counter()
index = load_or_build(records, Path(sys.argv[2]))
t2 = time.perf_counter()
print(json.dumps({"load": t2 - t1, "total": t2 - t0, "pypinyin": "pypinyin" in sys.modules}))
"""


def catalog_records() -> list[SearchRecord]:
    return [
        SearchRecord(
            key=m.code,
            name=m.name,
            aliases=tuple(m.aliases),
            documents=tuple(dict.fromkeys(d.name for d in m.documents)),
            extra=(m.category,),
        )
        for m in load_catalog()
    ]


def synthetic_records(base: list[SearchRecord], names: int) -> list[SearchRecord]:
    pool = [n for r in base for n in (r.name, *r.aliases)]
    out: list[SearchRecord] = []
    i = 0
    while len(out) * 4 < names:
        made = []
        for _ in range(4):
            a, b = pool[i % len(pool)], pool[(i * 7 + 3) % len(pool)]
            made.append(a[: max(1, len(a) // 2)] + b[len(b) // 2 :])
            i += 1
        src = base[len(out) % len(base)]
        aliases = tuple(x for x in dict.fromkeys(made[1:]) if x != made[0])
        out.append(SearchRecord(f"SY-{len(out):04d}", made[0], aliases, src.documents, src.extra))
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"


def fresh(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def bench_catalog(label: str, records: list[SearchRecord], runs: int, reps: int) -> None:
    names = sum(1 + len(r.aliases) for r in records)
    docs = len({d for r in records for d in r.documents})
    print(f"\n== {label}: {len(records)} records, {names} names and aliases, {docs} distinct documents")

    builds = []
    for _ in range(runs):
        t = time.perf_counter()
        index = SearchIndex.build(records)
        builds.append(time.perf_counter() - t)
    print(f"(b) build, pypinyin imported:         median {ms(statistics.median(builds))}")

    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "records.json"
        rows.write_text(
            json.dumps([[r.key, r.name, r.aliases, r.documents, r.extra] for r in records], ensure_ascii=False),
            encoding="utf-8",
        )
        cold = []
        for n in range(runs):
            cache = Path(tmp) / f"cold-{n}.json"
            cold.append(fresh(FRESH_LOAD, str(rows), str(cache))["load"])
        print(
            f"(b) first load_or_build, fresh process (import pypinyin + build + write): median {ms(statistics.median(cold))}"
        )

        cache = Path(tmp) / "search-index.json"
        load_or_build(records, cache)
        size = cache.stat().st_size
        loads = []
        for _ in range(runs):
            t = time.perf_counter()
            load_or_build(records, cache)
            loads.append(time.perf_counter() - t)
        print(
            f"(c) load_or_build from cache, in-process: median {ms(statistics.median(loads))} (cache file {size / 1024:.0f} KiB)"
        )
        warm = [fresh(FRESH_LOAD, str(rows), str(cache)) for _ in range(runs)]
        assert not any(w["pypinyin"] for w in warm), "pypinyin imported on a cache hit"
        print(
            f"(c) load_or_build from cache, fresh process: median {ms(statistics.median(w['load'] for w in warm))}"
            " (pypinyin not imported)"
        )

    print("(d) per keystroke (median / worst over every prefix x reps):")
    everything: list[float] = []
    for query in QUERIES:
        times: list[float] = []
        worst_prefix = ""
        for end in range(1, len(query) + 1):
            prefix = query[:end]
            for _ in range(reps):
                t = time.perf_counter()
                hits = index.search(prefix, limit=50)
                dt = time.perf_counter() - t
                if not times or dt > max(times):
                    worst_prefix = prefix
                times.append(dt)
        everything += times
        print(
            f"    {query:<10} median {ms(statistics.median(times)):>9}   worst {ms(max(times)):>9}"
            f" (at {worst_prefix!r})   {len(hits)} hits for the whole query"
        )
    print(f"    all        median {ms(statistics.median(everything)):>9}   worst {ms(max(everything)):>9}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--names", type=int, default=2000)
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    imports = [
        fresh(
            "import json, time; t = time.perf_counter(); import pypinyin; from pypinyin import pinyin, Style; "
            "print(json.dumps({'t': time.perf_counter() - t}))"
        )["t"]
        for _ in range(args.runs)
    ]
    from importlib.metadata import version

    print(f"(a) import pypinyin {version('pypinyin')}, fresh process: median {ms(statistics.median(imports))}")

    base = catalog_records()
    SearchIndex.build(base[:1])  # import pypinyin here, outside the timings
    bench_catalog("shipped catalog", base, args.runs, args.reps)
    bench_catalog(
        f"synthetic (shipped + {args.names} names)", base + synthetic_records(base, args.names), args.runs, args.reps
    )


if __name__ == "__main__":
    main()
