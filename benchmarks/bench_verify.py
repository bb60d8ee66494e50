"""How fast the tamper-evidence check is at ten years' scale.

Builds a temporary database (migrated as the app does), then bulk-inserts
faithful rows: N audit log rows (default 300,000), M case events (default
200,000) over M/10 cases and residents, and chains every row with the app's
own chaining functions (db/evidence.chain_existing, as migration 0013 does
for an older database). Then times:

- the full check (``cunwu verify``, F9 V, once a day at start-up),
- the incremental start-up check from the checkpoint the full check left,
- one write through the app (a staff member added: two links).

    python benchmarks/bench_verify.py [--audit 300000] [--events 200000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path


def build(url: str, n_audit: int, n_events: int) -> float:
    from sqlalchemy import text

    from cunwu_tui.db import evidence as db
    from cunwu_tui.domain import evidence as ev
    from cunwu_tui.services import open_services

    s = open_services(url)
    s.close()
    from cunwu_tui.db.engine import make_engine

    engine = make_engine(url)
    n_cases = max(1, n_events // 10)
    t0 = time.perf_counter()
    start = datetime(2017, 1, 3, 9, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (name, phone, roles, active, created_at) "
                "VALUES ('赵丽', '13903510004', '文书', 1, '2017-01-02 09:00:00.000000')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO resident (name, id_type, id_number, phone, group_name, address, note, "
                "created_at) VALUES (:n, '居民身份证', '', '', '一组', '', '', :t)"
            ),
            [{"n": f"居民{i:05d}", "t": str(start)} for i in range(n_cases)],
        )
        conn.execute(
            text(
                "INSERT INTO case_record (year, seq, number, matter_code, matter_name, seed, resident_id, applicant_name,"
                " channel, first_officer_id, first_officer_name, kind, petition, documents, note, received_at,"
                " limit_value, limit_unit, due_date, due_provisional, operator_id, operator_name, recorded_at, status,"
                " next_due, closed_at) VALUES (:y, :q, :num, 'MS-HUKOU-QIANYI', '户口迁移', '', :r, :n, '来访', 1,"
                " '赵丽', '承诺件', 0, '[]', '', :t, 10, '工作日', NULL, 0, 1, '赵丽', :t, '已办结', NULL, :t)"
            ),
            [
                {
                    "y": 2017 + i * 10 // n_cases,
                    "q": i + 1,
                    "num": f"〔{2017 + i * 10 // n_cases}〕第{i + 1:05d}号",
                    "r": i + 1,
                    "n": f"居民{i:05d}",
                    "t": str(start + timedelta(hours=8 * i)),
                }
                for i in range(n_cases)
            ],
        )
        conn.execute(
            text(
                "INSERT INTO case_event (case_id, kind, step, label, on_date, text, data, operator_id, operator_name,"
                " recorded_at) VALUES (:c, 'step', :st, '审核', NULL, '已按规定办理', :d, 1, '赵丽', :t)"
            ),
            [
                {"c": i // 10 + 1, "st": i % 10, "d": json.dumps({"n": i}), "t": str(start + timedelta(minutes=15 * i))}
                for i in range(n_events)
            ],
        )
        conn.execute(
            text(
                "INSERT INTO audit_log (at, operator_id, operator_name, entity, entity_id, action, before, after)"
                " VALUES (:t, 1, '赵丽', 'case', :e, '办理', '', :a)"
            ),
            [
                {
                    "t": str(start + timedelta(minutes=10 * i)),
                    "e": str(i // 3 + 1),
                    "a": json.dumps({"step": i % 10, "text": "已按规定办理"}, ensure_ascii=False),
                }
                for i in range(n_audit)
            ],
        )
        db.chain_existing(conn, list(ev.EVIDENCE), datetime(2026, 12, 1, 9, 0))
    engine.dispose()
    return time.perf_counter() - t0


def main() -> None:
    from cunwu_tui.db.models import Staff

    ap = argparse.ArgumentParser()
    ap.add_argument("--audit", type=int, default=300_000)
    ap.add_argument("--events", type=int, default=200_000)
    args = ap.parse_args()

    from cunwu_tui.services import open_services

    with tempfile.TemporaryDirectory() as tmp:
        url = "sqlite:///" + str(Path(tmp) / "bench.db")
        took = build(url, args.audit, args.events)
        size = (Path(tmp) / "bench.db").stat().st_size / 1e6
        print(
            f"built: {args.audit} audit rows, {args.events} case events, {args.events // 10} cases and residents, "
            f"every row chained, in {took:.1f} s ({size:.0f} MB)"
        )
        s = open_services(url)
        try:
            t0 = time.perf_counter()
            report = s.evidence.verify(full=True)
            full = time.perf_counter() - t0
            assert report.ok, report.lines()
            t0 = time.perf_counter()
            quick = s.evidence.verify(full=False)
            incremental = time.perf_counter() - t0
            assert quick.ok
            writes = []
            for i in range(5):
                t0 = time.perf_counter()
                # the write path itself (a staff row and its audit entry: 2 links), without the
                # administrator's PIN check that StaffService.add does first (scrypt, ~0.1 s by design)
                with s.core.write() as w:
                    row = Staff(name=f"新人{i}", phone="", roles="", active=True, created_at=datetime.now())
                    w.add(row)
                    w.flush()
                    s.core.audit(w, "staff", row.id, "新增", None, {"name": row.name})
                writes.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            after = s.evidence.verify(full=False)
            incremental2 = time.perf_counter() - t0
            assert after.ok
        finally:
            s.close()
        print(f"full verify (every row of every register): {full:.2f} s")
        print(f"incremental verify (start-up, nothing new): {incremental * 1000:.0f} ms")
        print(f"incremental verify (start-up, 5 writes since): {incremental2 * 1000:.0f} ms")
        print(
            f"one write (staff added, 2 links): best {min(writes) * 1000:.1f} ms, "
            f"median {sorted(writes)[2] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
