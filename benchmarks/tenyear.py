"""A ten-year database of a large village (issue #18), for bench_tenyear.py.

    python benchmarks/tenyear.py /tmp/perf-work/tenyear.db [--scale 1.0]

How it is made:

1. The sample: ``cunwu demo`` (services/demo.py) fills the new database
   through the services: 9 staff with PINs, 9 cases with their events,
   notices with persons and an objection, seal uses and a void, three
   months of duty with logs and handovers, every write with its audit row
   and its evidence links. Its dates are the last weeks before today.
2. The history: faithful bulk copies of those rows for the ten years
   before the sample (2016-10 .. 2026-09; years 2016-2025 for numbered
   registers, so numbers never clash with the sample's 2026 ones), written
   with SQLAlchemy Core inserts of the model tables (so values are stored
   exactly as the app stores them):

   * 5,000 residents (common surnames, valid ID numbers);
   * 22,000 cases: copies of the sample's cases, shifted in time as a
     whole (intake, events, deadlines), a new number and applicant; all but
     the last ~100 copied from the sample's concluded/refused ones (an old
     case is finished), the last ~100 from every sample case (a few are
     still open, some overdue); each gets a few 备注 events so the register
     holds ~210,000 events;
   * 3,000 seal uses (1 in 150 voided, approved in person like the
     sample's) continuing the seal register's own
     hash chain (numbers per seal and year without gaps, the link hash and
     the operation-log anchor computed as the service does);
   * 800 notices with their persons, every second one with an objection
     and its outcome (closed with a result);
   * 3,650 duty days (published months), ~7,000 log entries, ~3,600
     handovers with their confirmations;
   * operation-log rows up to 300,000 (copies of the sample's rows).

   Summary columns of the cases are then computed by the app's own replay
   (the same code every write uses), and every bulk row gets its evidence
   link (db.evidence.chain_existing, as migration 0014 does for an older
   database), so the start-up check finds nothing 未经本程序登记.

Takes a few minutes; the file is about 90-100 MiB.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国秀英伟丽明芳强海桂兰志远德全玉梅春华红军小平文静国庆淑珍凤英立新永刚金花海燕宝山"


def _shift(value, delta: timedelta):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, date):
        return value + timedelta(days=delta.days)
    return value


def build(path: Path, scale: float = 1.0, seed: int = 18) -> dict[str, int]:
    from sqlalchemy import select, text

    from cunwu_tui.db import evidence as dbev
    from cunwu_tui.db import models as m
    from cunwu_tui.db.engine import make_engine
    from cunwu_tui.domain import evidence as ev
    from cunwu_tui.features.seals import numbers as seal_rules
    from cunwu_tui.domain.idcard import check_character
    from cunwu_tui.features.cases.deadlines import case_number
    from cunwu_tui.features.seals import service as sr

    rnd = random.Random(seed)
    if path.exists():
        path.unlink()
    subprocess.run([sys.executable, "-m", "cunwu_tui", "--db", str(path), "demo"], check=True, capture_output=True)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    n_res, n_cases, n_events = int(5000 * scale), int(22000 * scale), int(210000 * scale)
    n_seals, n_notices, n_audit = int(3000 * scale), int(800 * scale), int(300000 * scale)
    first_day = date(2016, 10, 1)
    span_days = (date(2026, 9, 30) - first_day).days
    t = lambda tab: tab.__table__  # noqa: E731

    def rows(conn, model):
        return [dict(r._mapping) for r in conn.execute(select(t(model)).order_by(t(model).c.id))]

    def next_id(conn, model) -> int:
        return int(conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {t(model).name}")).scalar()) + 1

    counts: dict[str, int] = {}
    with engine.begin() as conn:
        # -- residents
        rid0 = next_id(conn, m.Resident)
        res = []
        for i in range(n_res):
            first = f"1404311{1950 + i % 60}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"[:17]
            name = (
                SURNAMES[rnd.randrange(len(SURNAMES))]
                + GIVEN[rnd.randrange(len(GIVEN))]
                + (GIVEN[rnd.randrange(len(GIVEN))] if i % 3 else "")
            )
            res.append(
                {
                    "id": rid0 + i,
                    "name": name,
                    "id_type": "居民身份证",
                    "id_number": first + check_character(first),
                    "phone": f"139{i:08d}",
                    "group_name": f"{1 + i % 8}组",
                    "address": f"{1 + i % 8}组{i % 90 + 1}号",
                    "note": "",
                    "created_at": datetime(2016, 10, 1, 9) + timedelta(hours=i),
                }
            )
        conn.execute(t(m.Resident).insert(), res)
        counts["resident"] = n_res

        # -- cases and events
        cases = rows(conn, m.CaseRecord)
        events = rows(conn, m.CaseEvent)
        by_case: dict[int, list[dict]] = {}
        for e in events:
            by_case.setdefault(e["case_id"], []).append(e)
        finished = [c for c in cases if c["status"] in ("办结", "不予受理", "不予确认") and c["next_due"] is None]
        cid, eid = next_id(conn, m.CaseRecord), next_id(conn, m.CaseEvent)
        per_case_events = sum(len(v) for v in by_case.values()) / len(cases)
        notes_each = max(0, round(n_events / n_cases - per_case_events))
        seqs: dict[int, int] = {}
        case_batch, event_batch = [], []
        for i in range(n_cases):
            tpl = (cases if i >= n_cases - 100 else finished)[i % (len(cases) if i >= n_cases - 100 else len(finished))]
            day = first_day + timedelta(days=span_days * i // n_cases)
            received = datetime.combine(day, tpl["received_at"].time())
            delta = received - tpl["received_at"]
            year = day.year if day.year < 2026 else 2025
            seqs[year] = seqs.get(year, 0) + 1
            r = res[rnd.randrange(n_res)]
            c = {k: _shift(v, delta) for k, v in tpl.items()}
            c.update(
                id=cid,
                year=year,
                seq=seqs[year],
                number=case_number(year, seqs[year]),  # as the app numbers them (4 digits up to 9999)
                summary_version=0,
                resident_id=r["id"],
                applicant_name=r["name"],
            )
            case_batch.append(c)
            evs = by_case.get(tpl["id"], [])
            for j, e in enumerate(evs):
                ne = {k: _shift(v, delta) for k, v in e.items()}
                ne.update(id=eid, case_id=cid)
                eid += 1
                event_batch.append(ne)
                if j == 0:
                    for k in range(notes_each):
                        event_batch.append(
                            {
                                **ne,
                                "id": eid,
                                "kind": "note",
                                "step": None,
                                "label": "",
                                "on_date": None,
                                "text": f"电话联系申请人，告知办理进度（{k + 1}）",
                                "data": "",
                                "recorded_at": ne["recorded_at"] + timedelta(minutes=5 * (k + 1)),
                            }
                        )
                        eid += 1
            cid += 1
            if len(event_batch) > 20000:
                conn.execute(t(m.CaseRecord).insert(), case_batch)
                conn.execute(t(m.CaseEvent).insert(), event_batch)
                case_batch, event_batch = [], []
        if case_batch:
            conn.execute(t(m.CaseRecord).insert(), case_batch)
        if event_batch:
            conn.execute(t(m.CaseEvent).insert(), event_batch)
        counts["case_record"] = n_cases
        counts["case_event"] = eid - 1

        # -- seal uses (the register's own chain continues)
        uses = rows(conn, m.SealUse)
        voids = rows(conn, m.SealVoid)
        seal_audit_tpl = [a for a in rows(conn, m.AuditLog) if a["entity"] == sr.AUDIT_ENTITY]
        tpl_use_audit = next(a for a in seal_audit_tpl if a["action"] == sr.REGISTERED)
        tpl_void_audit = next(a for a in seal_audit_tpl if a["action"] == sr.VOIDED)
        chain = max([u["chain_seq"] for u in uses] + [v["chain_seq"] for v in voids])
        prev = max(uses + voids, key=lambda x: x["chain_seq"])["hash"]
        uid, vid, apid = next_id(conn, m.SealUse), next_id(conn, m.SealVoid), next_id(conn, m.Approval)
        approvals = {a["subject_id"]: a for a in rows(conn, m.Approval) if a["subject_table"] == sr.AUDIT_ENTITY}
        new_approvals = []
        seal_seq: dict[tuple[int, int], int] = {}
        new_uses, new_voids, seal_audits = [], [], []

        class Row:
            def __init__(self, d):
                self.__dict__.update(d)

        for i in range(n_seals):
            tpl = uses[i % len(uses)]
            day = first_day + timedelta(days=span_days * i // n_seals)
            used = datetime.combine(day, tpl["used_at"].time())
            delta = used - tpl["used_at"]
            year = min(day.year, 2025)
            key = (tpl["seal_id"], year)
            seal_seq[key] = seal_seq.get(key, 0) + 1
            chain += 1
            u = {k: _shift(v, delta) for k, v in tpl.items()}
            number = re.sub(r"〔\d{4}〕第\d+号", f"〔{year}〕第{seal_seq[key]:03d}号", tpl["number"])
            u.update(
                id=uid, chain_seq=chain, year=year, seq=seal_seq[key], number=number, refers_to_id=None, prev_hash=prev
            )
            u["hash"] = seal_rules.link_hash(seal_rules.USE, sr._fields(Row(u), sr.USE_FIELDS), prev)
            prev = u["hash"]
            new_uses.append(u)
            if tpl["id"] in approvals:  # given in person at the time, as the sample's was
                a = approvals[tpl["id"]]
                new_approvals.append(
                    {**a, "id": apid, "subject_id": uid, "recorded_at": _shift(a["recorded_at"], delta)}
                )
                apid += 1
            seal_audits.append(
                {
                    **tpl_use_audit,
                    "at": u["recorded_at"],
                    "entity_id": number,
                    "after": json.dumps(
                        {**sr._snapshot(Row(u)), "chain": chain, "hash": u["hash"]}, ensure_ascii=False, sort_keys=True
                    ),
                }
            )
            uid += 1
            if i % 150 == 149:
                chain += 1
                v = {
                    "id": vid,
                    "chain_seq": chain,
                    "use_id": u["id"],
                    "number": number,
                    "reason": "盖章位置错误，重新登记",
                    "operator_id": u["operator_id"],
                    "operator_name": u["operator_name"],
                    "recorded_at": u["recorded_at"] + timedelta(minutes=20),
                    "prev_hash": prev,
                }
                v["hash"] = seal_rules.link_hash(seal_rules.VOID, sr._fields(Row(v), sr.VOID_FIELDS), prev)
                prev = v["hash"]
                new_voids.append(v)
                seal_audits.append(
                    {
                        **tpl_void_audit,
                        "at": v["recorded_at"],
                        "entity_id": number,
                        "after": json.dumps(
                            {**sr._void_snapshot(Row(v)), "chain": chain, "hash": v["hash"]},
                            ensure_ascii=False,
                            sort_keys=True,
                        ),
                    }
                )
                vid += 1
        conn.execute(t(m.SealUse).insert(), new_uses)
        conn.execute(t(m.SealVoid).insert(), new_voids)
        if new_approvals:
            conn.execute(t(m.Approval).insert(), new_approvals)
        counts["seal_use"], counts["seal_void"] = len(new_uses), len(new_voids)

        # -- notices, persons, objections and outcomes
        notices = rows(conn, m.Notice)
        persons = rows(conn, m.NoticePerson)
        objections = rows(conn, m.NoticeObjection)
        outcomes = rows(conn, m.ObjectionOutcome)
        nid, pid, oid, qid = (
            next_id(conn, x) for x in (m.Notice, m.NoticePerson, m.NoticeObjection, m.ObjectionOutcome)
        )
        nseq: dict[int, int] = {}
        nb, pb, ob, qb = [], [], [], []
        ids: dict[int, int] = {}
        for i in range(n_notices):
            tpl = notices[i % len(notices)]
            if i % len(notices) == 0:
                ids = {}
            day = first_day + timedelta(days=span_days * i // n_notices)
            start = datetime.combine(day, tpl["start_at"].time())
            delta = start - tpl["start_at"]
            year = min(day.year, 2025)
            nseq[year] = nseq.get(year, 0) + 1
            n = {k: _shift(v, delta) for k, v in tpl.items()}
            n.update(
                id=nid,
                year=year,
                seq=nseq[year],
                case_ref="",
                case_step=None,
                previous_id=ids.get(tpl["previous_id"]) if tpl["previous_id"] else None,
            )
            if n["closed_at"] is None and n["withdrawn_at"] is None:
                n.update(closed_at=start + timedelta(days=int(tpl["length"]) + 2), result="无异议", result_note="")
            ids[tpl["id"]] = nid
            nb.append(n)
            for p in persons:
                if p["notice_id"] == tpl["id"]:
                    pb.append({**p, "id": pid, "notice_id": nid})
                    pid += 1
            if i % 2 == 0 and objections:
                o = objections[0]
                od = start + timedelta(days=1)
                ob.append({**o, "id": oid, "notice_id": nid, "received_at": od, "recorded_at": od})
                if outcomes:
                    qb.append(
                        {
                            **outcomes[0],
                            "id": qid,
                            "objection_id": oid,
                            "answered_at": od + timedelta(days=1),
                            "recorded_at": od + timedelta(days=1),
                        }
                    )
                    qid += 1
                oid += 1
            nid += 1
        for model, batch in ((m.Notice, nb), (m.NoticePerson, pb), (m.NoticeObjection, ob), (m.ObjectionOutcome, qb)):
            if batch:
                conn.execute(t(model).insert(), batch)
        counts["notice"], counts["notice_objection"] = len(nb), len(ob)

        # -- duty: months, days, logs, handovers and confirmations
        month_tpl = next(r for r in rows(conn, m.DutyMonth) if r["status"] == "已发布")
        day_tpl = rows(conn, m.DutyDay)
        log_tpl = [r for r in rows(conn, m.DutyLog) if r["refers_to_id"] is None]
        hand_tpl = rows(conn, m.DutyHandover)
        conf_tpl = rows(conn, m.DutyConfirm)[0]
        have_months = {(r["year"], r["month"]) for r in rows(conn, m.DutyMonth)}
        mid, did, lid, hid, cfid = (
            next_id(conn, x) for x in (m.DutyMonth, m.DutyDay, m.DutyLog, m.DutyHandover, m.DutyConfirm)
        )
        mb, db_, lb, hb, cb = [], [], [], [], []
        day = first_day
        i = 0
        while day <= date(2026, 9, 30):
            if day.day == 1 and (day.year, day.month) not in have_months:
                gen = datetime.combine(day - timedelta(days=5), datetime.min.time()).replace(hour=10)
                mb.append(
                    {
                        **month_tpl,
                        "id": mid,
                        "year": day.year,
                        "month": day.month,
                        "leave_lines": "",
                        "generated_at": gen,
                        "published_at": gen + timedelta(days=1),
                    }
                )
                mid += 1
            d = day_tpl[i % len(day_tpl)]
            db_.append({**d, "id": did, "day": day, "kind": "工作日" if day.weekday() < 5 else "休息日"})
            did += 1
            for k in range(2 if i % 20 else 1):
                lt = log_tpl[(2 * i + k) % len(log_tpl)]
                at = datetime.combine(day, lt["at"].time())
                lb.append(
                    {
                        **lt,
                        "id": lid,
                        "shift_day": day,
                        "at": at,
                        "recorded_at": at,
                        "told_at": _shift(lt["told_at"], at - lt["at"]),
                    }
                )
                lid += 1
            if i % 50:
                ht = hand_tpl[i % len(hand_tpl)]
                at = datetime.combine(day + timedelta(days=1), ht["handed_at"].time())
                hb.append({**ht, "id": hid, "shift_day": day, "handed_at": at, "recorded_at": at})
                cb.append({**conf_tpl, "id": cfid, "handover_id": hid, "confirmed_at": at, "recorded_at": at})
                hid += 1
                cfid += 1
            day += timedelta(days=1)
            i += 1
        for model, batch in (
            (m.DutyMonth, mb),
            (m.DutyDay, db_),
            (m.DutyLog, lb),
            (m.DutyHandover, hb),
            (m.DutyConfirm, cb),
        ):
            if batch:
                conn.execute(t(model).insert(), batch)
        counts["duty_day"], counts["duty_log"], counts["duty_handover"] = len(db_), len(lb), len(hb)

        # -- the operation log: the seal anchors, then copies of the sample's rows up to n_audit
        audit_tpl = [a for a in rows(conn, m.AuditLog) if a["entity"] != sr.AUDIT_ENTITY]
        aid = next_id(conn, m.AuditLog)
        have = aid - 1
        filler = max(0, n_audit - have - len(seal_audits))
        batch = []
        start = datetime(2016, 10, 1, 8)
        step = timedelta(days=span_days) / max(1, filler)
        for i in range(filler):
            a = audit_tpl[i % len(audit_tpl)]
            batch.append({**a, "id": None, "at": start + step * i})
        batch += [{**a, "id": None} for a in seal_audits]
        batch.sort(key=lambda a: a["at"])
        for a in batch:
            a["id"] = aid
            aid += 1
        for k in range(0, len(batch), 50000):
            conn.execute(t(m.AuditLog).insert(), batch[k : k + 50000])
        counts["audit_log"] = aid - 1

    # -- summaries by the app's own replay, then the evidence links of every bulk row
    from cunwu_tui.services import open_services

    s = open_services(url)
    try:
        resummarize = getattr(s.cases, "resummarize_all", None)
        if resummarize is not None:  # #18: the summary columns, by the same replay as every write
            counts["summarized"] = resummarize()
    finally:
        s.close()
    with engine.begin() as conn:
        counts["links"] = dbev.chain_existing(conn, list(ev.EVIDENCE), datetime(2026, 10, 1, 9, 0))
        # no ANALYZE here: the app keeps the planner's statistics itself (Services.refresh_statistics, daily),
        # and the benchmark's as_left_yesterday runs it, for the demo as for this database
    engine.dispose()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    counts = build(Path(args.path), args.scale)
    size = Path(args.path).stat().st_size / 2**20
    print(
        f"built in {time.perf_counter() - t0:.0f} s, {size:.0f} MiB: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )


if __name__ == "__main__":
    main()
