"""Tamper evidence (防篡改) for every register: check that each register
still holds exactly what the app wrote (``verify``), quickly at start-up from
the last checkpoint (``verify(full=False)``), the triggers as the migrations
made them (restored, on the record, when missing or altered), and the chain
heads printed on ledgers and backups, against which a later database is
checked (``against``).

What is proven: a row changed, removed, slipped in or swapped outside the
app, a link removed or rewritten, no longer matches its chain; a chain
rewritten as a whole with the app's own code no longer matches a head
printed earlier on an exported ledger or a backup. What is not: anything
written after the last export or backup can be rewritten by someone with the
database and the code.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from sqlalchemy import Connection, text

from cunwu_tui.db import evidence as db
from cunwu_tui.domain import evidence as ev
from cunwu_tui.services.core import Core

if TYPE_CHECKING:
    from cunwu_tui.services import Services

log = logging.getLogger("cunwu.evidence")

CHECKPOINT = "evidence_checkpoint"

# What happened, as the clerk reads it.
CHANGED, DELETED, UNREGISTERED, SWAPPED, REWRITTEN = (
    "被改动",
    "被删除",
    "未经本程序登记的记录",
    "顺序被调换",
    "链被改写",
)


@dataclass(frozen=True)
class RegisterCheck:
    """One register: whole (with counts), or its first problem."""

    register: str
    ok: bool
    rows: int
    links: int
    record: str = ""
    what: str = ""
    detail: str = ""
    more: int = 0

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.register}：完整（{self.rows} 条记录，{self.links} 个校验记录）。"
        more = f"（另有 {self.more} 处不一致）" if self.more else ""
        detail = f"：{self.detail}" if self.detail else ""
        return f"{self.register}：{self.record} {self.what}{detail}{more}"


@dataclass(frozen=True)
class TriggerIssue:
    name: str
    state: str  # 缺失 / 被改动

    @property
    def message(self) -> str:
        return f"保护触发器 {self.name} {self.state}"


@dataclass(frozen=True)
class EvidenceReport:
    registers: tuple[RegisterCheck, ...]
    triggers: tuple[TriggerIssue, ...] = ()
    restored: bool = False
    full: bool = True
    at: datetime | None = None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.registers) and not self.triggers

    @property
    def broken(self) -> tuple[RegisterCheck, ...]:
        return tuple(r for r in self.registers if not r.ok)

    @property
    def trigger_message(self) -> str:
        if not self.triggers:
            return ""
        names = "、".join(f"{t.name}（{t.state}）" for t in self.triggers)
        done = "，已按原样恢复（已记入操作日志）" if self.restored else ""
        return f"数据库的保护触发器被删除或改动过：{names}{done}。这说明有人绕过本程序直接改过数据库文件。"

    def lines(self) -> list[str]:
        out = [r.message for r in self.registers]
        if self.triggers:
            out.append(self.trigger_message)
        return out


@dataclass(frozen=True)
class AgainstCheck:
    """A register against a head printed earlier (a ledger, a backup)."""

    register: str
    count: int
    digest: str
    ok: bool
    problem: str = ""
    source: str = ""

    @property
    def message(self) -> str:
        src = self.source or "所给校验码"
        if self.ok:
            return f"{self.register}：与{src}一致：前 {self.count} 个校验记录未被改写。"
        return f"{self.register}：与{src}不一致：{self.problem}"


@dataclass
class _Problem:
    key: tuple[Any, ...]
    record: str
    what: str
    detail: str = ""


def _field_words(table: str, columns: Sequence[str]) -> str:
    from cunwu_tui.services.audit import FIELD_NAMES

    mine = _TABLE_NAMES.get(table, {})
    return "、".join(dict.fromkeys(mine.get(c) or FIELD_NAMES.get(c) or _EXTRA_NAMES.get(c, c) for c in columns))


_PEOPLE = {"name": "姓名"}
_TABLE_NAMES = {
    "seal_use": {
        "title": "文件名称",
        "applicant_name": "经办人",
        "applicant_id": "经办人",
        "approver_name": "审批人",
        "approver_id": "审批人",
        "keeper_id": "监印人",
        "keeper_name": "监印人",
        "destination": "送往单位",
    },
    "audit_log": {
        "at": "时间",
        "action": "操作",
        "entity": "对象",
        "entity_id": "对象编号",
        "operator_name": "操作员",
        "operator_id": "操作员",
    },
    "resident": _PEOPLE,
    "staff": {**_PEOPLE, "active": "在岗"},
    "notice_person": _PEOPLE,
    "case_record": {"applicant_name": "申请人", "first_officer_name": "首问人", "received_at": "受理时间"},
    "duty_log": {"staff_name": "值班人员", "leader_name": "带班领导", "leader_told": "报告带班领导"},
    "staff_credential": {
        "staff_id": "人员",
        "pin_hash": "个人密码（校验值）",
        "set_at": "设置时间",
        "set_by_id": "设置人",
        "set_by_name": "设置人",
    },
    "approval": {
        "kind": "审批事项",
        "subject_table": "审批对象",
        "subject_id": "审批对象",
        "approver_id": "审批人",
        "approver_name": "审批人",
        "agree": "意见",
        "text": "说明",
        "operator_id": "经办人",
        "operator_name": "经办人",
    },
}


_EXTRA_NAMES = {
    "chain_seq": "链序号",
    "prev_hash": "上一校验值",
    "hash": "校验值",
    "seal_id": "印章",
    "seal_name": "印章",
    "year": "年度",
    "seq": "序号",
    "number": "编号",
    "recorded_at": "登记时间",
    "created_at": "建立时间",
    "operator_id": "经办人",
    "operator_name": "经办人",
    "at": "时间",
    "entity": "对象",
    "entity_id": "对象编号",
    "action": "操作",
    "before": "修改前",
    "after": "修改后",
    "case_id": "所属办件",
    "notice_id": "所属公示",
    "text": "内容",
    "data": "内容",
    "kind": "类别",
    "step": "步骤",
    "label": "事项",
    "on_date": "日期",
    "content": "情况",
    "reason": "原因",
    "note": "备注",
    "name": "姓名",
    "id_number": "证件号码",
    "phone": "电话",
    "group_name": "村民小组",
    "address": "住址",
    "roles": "职务",
    "active": "在岗",
    "title": "标题",
    "admin": "管理员",
    "needs_approval": "须本人审批",
}


class EvidenceService:
    def __init__(self, core: Core, settings: Any = None):
        self.core = core
        self.settings = settings

    # -- naming a record ----------------------------------------------------
    def _label(self, conn: Connection, table: str, row_id: int, gone: bool = False) -> str:
        spec = ev.EVIDENCE[table]
        base = f"{spec.noun}第{row_id}条"
        try:
            if table == "audit_log":
                return f"操作日志第{row_id}条"
            if gone:
                return base

            def one(sql: str, **kw: Any) -> Any:
                return conn.execute(text(sql), {"i": row_id, **kw}).first()

            if table == "seal_use":
                r = one("SELECT number FROM seal_use WHERE id = :i")
                return f"用印登记 {r[0]}" if r else base
            if table == "seal_void":
                r = one("SELECT number FROM seal_void WHERE id = :i")
                return f"{r[0]} 的作废记录" if r else base
            if table == "case_record":
                r = one("SELECT number FROM case_record WHERE id = :i")
                return f"办件{r[0]} 的受理登记" if r else base
            if table == "case_event":
                r = one(
                    "SELECT c.number, (SELECT COUNT(*) FROM case_event e2 WHERE e2.case_id = e.case_id "
                    "AND e2.id <= e.id) FROM case_event e LEFT JOIN case_record c ON c.id = e.case_id "
                    "WHERE e.id = :i"
                )
                return f"办件{r[0]} 的第{r[1]}条办理记录" if r and r[0] else base
            if table == "notice":
                r = one("SELECT year, seq FROM notice WHERE id = :i")
                return f"公示〔{r[0]}〕第{int(r[1]):03d}号" if r else base
            if table in ("notice_person", "notice_objection"):
                r = one(f"SELECT n.year, n.seq FROM {table} x JOIN notice n ON n.id = x.notice_id WHERE x.id = :i")
                return f"公示〔{r[0]}〕第{int(r[1]):03d}号 的{spec.noun}（第{row_id}条）" if r else base
            if table in ("duty_log", "duty_handover"):
                r = one(f"SELECT shift_day FROM {table} WHERE id = :i")
                return f"{str(r[0])[:10]} 的{spec.noun}（第{row_id}条）" if r else base
            if table == "staff":
                r = one("SELECT name FROM staff WHERE id = :i")
                return f"人员 {r[0]}（第{row_id}号）" if r else base
        except Exception:  # a label is a courtesy: never fails the check
            log.exception("label for %s failed", table)
        return base

    # -- the check ------------------------------------------------------------
    def verify(self, full: bool = True, restore: bool = True) -> EvidenceReport:
        """Check every register (``full``: every row; otherwise from the
        last checkpoint, with row counts and highest ids per table) and the
        triggers; missing or altered triggers are restored (``restore``) on
        the record. A clean full check moves the checkpoint."""
        now = self.core.now()
        with self.core.engine.connect() as conn:
            issues = [TriggerIssue(n, s) for n, s in db.trigger_problems(conn)]
            checkpoint = self._checkpoint(conn)
            results = []
            for register in ev.registers():
                result = None
                if not full:
                    result = self._incremental(conn, register, checkpoint.get(register))
                if result is None:
                    result = self._full(conn, register, checkpoint.get(register))
                results.append(result)
            heads = {r: list(db.head(conn, r)[:2]) for r in ev.registers()}
        restored = False
        if issues and restore:
            restored = self.restore_triggers([i.name for i in issues])
        report = EvidenceReport(tuple(results), tuple(issues), restored, full, now)
        if report.ok or not report.broken:
            self._save_checkpoint(heads, full, now, keep=checkpoint)
        return report

    def restore_triggers(self, names: Sequence[str]) -> bool:
        try:
            with self.core.write() as s:
                db.restore_triggers(s.connection(), names)
                self.core.audit(s, "evidence", "triggers", "恢复触发器", None, {"triggers": "、".join(names)})
        except Exception:
            log.exception("restoring triggers failed")
            return False
        log.warning("restored %d protective triggers", len(names))
        return True

    def full_check_due(self, today: date) -> bool:
        """A full check has not been run today (the start-up worker runs one
        with the day's automatic backup)."""
        with self.core.engine.connect() as conn:
            last = self._checkpoint(conn).get("_full", "")
        return not str(last).startswith(today.isoformat())

    # checkpoint: {register: [seq, hash], "_full": iso time of the last clean full check}
    def _checkpoint(self, conn: Connection) -> dict[str, Any]:
        row = conn.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": CHECKPOINT}).first()
        try:
            data = json.loads(row[0]) if row else {}
        except ValueError:
            data = {}
        return data if isinstance(data, dict) else {}

    def _save_checkpoint(self, heads: dict[str, Any], full: bool, now: datetime, keep: dict[str, Any]) -> None:
        from cunwu_tui.services.settings import put_setting

        data = dict(heads)
        data["_full"] = now.isoformat(sep=" ", timespec="seconds") if full else keep.get("_full", "")
        try:
            with self.core.write() as s:
                put_setting(s, CHECKPOINT, json.dumps(data, ensure_ascii=False))
        except Exception:  # a checkpoint only saves time
            log.exception("saving the evidence checkpoint failed")

    def _links(self, conn: Connection, register: str, after: int = 0) -> list[tuple[Any, ...]]:
        return db.raw_rows(
            conn,
            "SELECT seq, table_name, row_id, op, at, row_digest, tags, prev_hash, hash "
            "FROM evidence_link WHERE register_name = ? AND seq > ? ORDER BY seq",
            (register, after),
        )

    def _walk(
        self, conn: Connection, register: str, links: Iterable[tuple[Any, ...]], seq0: int, prev: str
    ) -> _Problem | None:
        expected = seq0
        for seq, table, row_id, op, at, digest, tags, prev_hash, hash_ in links:
            expected += 1
            what = None
            if seq != expected:
                what = f"第 {expected} 个校验记录缺失" if seq > expected else f"校验记录第 {seq} 个重复"
            elif (
                prev_hash != prev
                or ev.link_hash(prev_hash, register, seq, table, row_id, op, at, digest, tags) != hash_
            ):
                what = f"第 {seq} 个校验记录与上一条衔接不上或被改动"
            if what:
                gone = (
                    table in ev.EVIDENCE
                    and not conn.execute(text(f'SELECT 1 FROM "{table}" WHERE id = :i'), {"i": row_id}).first()
                )
                label = self._label(conn, table, row_id, gone) if table in ev.EVIDENCE else f"第{row_id}条"
                return _Problem((0, seq), label, REWRITTEN, what + "：校验记录被删除、插入或改写过。")
            prev = hash_
        return None

    @staticmethod
    def _stream(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Rows straight from the driver, a thousand at a time (db.stream_rows)."""
        return db.stream_rows(conn, sql, params)

    def _full(self, conn: Connection, register: str, mark: Any) -> RegisterCheck:
        # Everything streamed, nothing of ten years held at once: one pass over
        # the links walks the chain; then per table the rows (by id) are merged
        # with each row's latest link (by row id, from the index on table and
        # row). Tags and other rows' digests are read only when a row does not
        # match.
        count = 0
        mark_seq = int(mark[0]) if isinstance(mark, list) and len(mark) == 2 else 0
        at_mark: str | None = None

        def tap(links: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
            nonlocal count, at_mark
            for link in links:
                count += 1
                if count == mark_seq:
                    at_mark = link[8]
                yield link

        links = tap(
            self._stream(
                conn,
                "SELECT seq, table_name, row_id, op, at, row_digest, tags, prev_hash, hash "
                "FROM evidence_link WHERE register_name = ? AND seq > ? ORDER BY seq",
                (register, 0),
            )
        )
        problems: list[_Problem] = []
        chain = self._walk(conn, register, links, 0, ev.GENESIS)
        for _ in links:  # the walk stops at the first fault: count the rest all the same
            pass
        if chain:
            problems.append(chain)
        if mark_seq > 0:
            if mark_seq > count or at_mark != str(mark[1]):
                problems.append(
                    _Problem(
                        (0, mark_seq),
                        f"第 {mark_seq} 个校验记录",
                        REWRITTEN,
                        "与上次校验时不同：校验记录被删除或整条链被重新计算过。",
                    )
                )
        total = 0
        for order, spec in enumerate(ev.tables_of(register), 1):
            cols = ", ".join(f'"{c}"' for c in spec.columns)
            latest = self._stream(  # each row's latest link: SQLite takes row_digest from the MAX(seq) row
                conn,
                "SELECT row_id, MAX(seq), row_digest FROM evidence_link WHERE register_name = ? "
                "AND table_name = ? GROUP BY row_id ORDER BY row_id"
                if conn.dialect.name == "sqlite"
                else "SELECT DISTINCT ON (row_id) row_id, seq, row_digest FROM evidence_link "
                "WHERE register_name = ? AND table_name = ? ORDER BY row_id, seq DESC",
                (register, spec.table),
            )
            link = next(latest, None)
            gone: list[int] = []
            mismatched: dict[int, tuple[str, tuple[Any, ...]]] = {}
            for row in self._stream(conn, f'SELECT id, {cols} FROM "{spec.table}" ORDER BY id'):
                total += 1
                row_id = int(row[0])
                while link is not None and link[0] < row_id:
                    gone.append(int(link[0]))
                    link = next(latest, None)
                kept = None
                if link is not None and link[0] == row_id:
                    kept = link[2]
                    link = next(latest, None)
                digest, _ = ev.row_digest(spec.columns, row[1:], with_tags=False)
                if kept is None:
                    problems.append(
                        _Problem(
                            (order, row_id),
                            self._label(conn, spec.table, row_id),
                            UNREGISTERED,
                            "数据库中有这条记录，但本程序从未登记过它：是绕过本程序加进去的。",
                        )
                    )
                elif kept != digest:
                    mismatched[row_id] = (digest, row)
            while link is not None:
                gone.append(int(link[0]))
                link = next(latest, None)
            by_digest: dict[str, int] = {}
            if mismatched:  # only when something is off: whose content did it take? (first linked first)
                for row_id, digest in self._stream(
                    conn,
                    "SELECT row_id, row_digest FROM evidence_link e WHERE register_name = ? AND "
                    "table_name = ? AND seq = (SELECT MAX(seq) FROM evidence_link f WHERE "
                    "f.register_name = e.register_name AND f.table_name = e.table_name AND "
                    "f.row_id = e.row_id) ORDER BY (SELECT MIN(seq) FROM evidence_link g WHERE "
                    "g.register_name = e.register_name AND g.table_name = e.table_name AND "
                    "g.row_id = e.row_id)",
                    (register, spec.table),
                ):
                    by_digest.setdefault(digest, int(row_id))
            swapped: set[int] = set()
            for row_id, (digest, row) in mismatched.items():
                other = by_digest.get(digest)
                if other is not None and other != row_id:
                    if row_id in swapped:  # its partner named the pair
                        continue
                    swapped.update((row_id, other))
                    problems.append(
                        _Problem(
                            (order, min(row_id, other)),
                            self._label(conn, spec.table, row_id),
                            SWAPPED,
                            f"它现在的内容是原来第{other}条记录的内容：记录的顺序或编号被调换过。",
                        )
                    )
                    continue
                _, now_tags = ev.row_digest(spec.columns, row[1:])
                tags = (
                    conn.execute(
                        text(
                            "SELECT tags FROM evidence_link WHERE register_name = :r AND table_name = :t AND row_id = :i "
                            "ORDER BY seq DESC LIMIT 1"
                        ),
                        {"r": register, "t": spec.table, "i": row_id},
                    ).scalar()
                    or ""
                )
                fields = ev.changed_columns(spec.columns, tags, now_tags)
                detail = f"改动的内容：{_field_words(spec.table, fields)}。" if fields else "内容与登记时不符。"
                problems.append(_Problem((order, row_id), self._label(conn, spec.table, row_id), CHANGED, detail))
            for row_id in gone:
                problems.append(
                    _Problem(
                        (order, row_id),
                        self._label(conn, spec.table, row_id, gone=True),
                        DELETED,
                        "本程序登记过这条记录，数据库中已没有了。",
                    )
                )
        if not problems:
            return RegisterCheck(register, True, total, count)
        problems.sort(key=lambda p: p.key)
        first = problems[0]
        return RegisterCheck(register, False, total, count, first.record, first.what, first.detail, len(problems) - 1)

    def _incremental(self, conn: Connection, register: str, mark: Any) -> RegisterCheck | None:
        """From the checkpoint: the links added since, their rows, and per
        table the row count and highest id against the links. None when
        there is no checkpoint or anything is off (then the full check
        names the record)."""
        if not (isinstance(mark, list) and len(mark) == 2):
            return None
        seq0, hash0 = int(mark[0]), str(mark[1])
        if seq0 > 0:
            row = conn.execute(
                text("SELECT hash FROM evidence_link WHERE register_name = :r AND seq = :s"), {"r": register, "s": seq0}
            ).first()
            if row is None or row[0] != hash0:
                return None
        new = self._links(conn, register, seq0)
        if self._walk(conn, register, new, seq0, hash0 if seq0 else ev.GENESIS):
            return None
        latest: dict[tuple[str, int], tuple[Any, ...]] = {}
        for link in new:
            latest[(link[1], link[2])] = link
        total = 0
        for spec in ev.tables_of(register):
            count, top = conn.execute(text(f'SELECT COUNT(*), MAX(id) FROM "{spec.table}"')).one()
            linked, top_linked = conn.execute(
                text("SELECT COUNT(DISTINCT row_id), MAX(row_id) FROM evidence_link WHERE table_name = :t"),
                {"t": spec.table},
            ).one()
            if count != linked or (top or 0) != (top_linked or 0):
                return None
            total += count
            ids = [row_id for (t, row_id) in latest if t == spec.table]
            rows = db.read_rows(conn, spec.table, ids) if ids else []
            if len(rows) != len(ids):
                return None
            for current in rows:
                digest, _ = ev.row_digest(spec.columns, current[1:], with_tags=False)
                if latest[(spec.table, int(current[0]))][5] != digest:
                    return None
        return RegisterCheck(register, True, total, seq0 + len(new))

    # -- heads ----------------------------------------------------------------
    def heads(self, before: datetime | None = None) -> list[ev.Head]:
        """Each register's head: now, or as of ``before`` (the last link
        with a time before it)."""
        out = []
        with self.core.engine.connect() as conn:
            for register in ev.registers():
                if before is None:
                    seq, hash_, _ = db.head(conn, register)
                else:
                    row = conn.execute(
                        text(
                            # link times never go backwards within a register (db/evidence._later): the
                            # latest time before ``before`` is the highest position (index ix_evidence_link_at)
                            "SELECT seq, hash FROM evidence_link WHERE register_name = :r AND at < :b "
                            "ORDER BY at DESC, seq DESC LIMIT 1"
                        ),
                        {"r": register, "b": ev.at_text(before)},
                    ).first()
                    seq, hash_ = (int(row[0]), str(row[1])) if row else (0, ev.GENESIS)
                out.append(ev.Head(register, seq, hash_))
        return out

    def month_heads(self, year: int, month: int) -> tuple[list[ev.Head], list[ev.Head]]:
        """(heads at the end of the month, heads at the end of the month before)."""
        end = ev.month_boundary(year, month)
        start = datetime(year, month, 1)
        return self.heads(end), self.heads(start)

    def against(self, wanted: Iterable[tuple[str, int, str]], source: str = "") -> list[AgainstCheck]:
        """Prove each register still holds what a head printed earlier was
        made from: its link at that position has that hash and the chain up
        to it recomputes (and the rows it vouches for are checked by
        ``verify``)."""
        out = []
        with self.core.engine.connect() as conn:
            for register, count, digest in wanted:
                links = self._links(conn, register)[:count] if count else []
                if count and len(links) < count:
                    out.append(
                        AgainstCheck(
                            register,
                            count,
                            digest,
                            False,
                            f"现在只有 {len(links)} 个校验记录，少于当时的 {count} 个：记录被删除过。",
                            source,
                        )
                    )
                    continue
                last = links[-1][8] if links else ev.GENESIS
                if ev.short_digest(last) != digest:
                    out.append(
                        AgainstCheck(
                            register,
                            count,
                            digest,
                            False,
                            f"第 {count} 个校验记录的校验码现在是 {ev.short_digest(last)}，当时是 "
                            f"{digest}：登记簿在那之后被改写过（连校验记录一起重新计算过）。",
                            source,
                        )
                    )
                    continue
                fault = self._walk(conn, register, links, 0, ev.GENESIS)
                if fault:
                    out.append(AgainstCheck(register, count, digest, False, f"{fault.record}：{fault.detail}", source))
                    continue
                out.append(AgainstCheck(register, count, digest, True, "", source))
        return out


def read_anchors(path: str) -> tuple[str, list[tuple[str, int, str]]]:
    """The heads printed in a ledger's 校验 sheet (or a backup manifest):
    (what it is, [(register, count, digest)]). ValueError (Chinese)."""
    from pathlib import Path

    p = Path(path)
    if not p.exists():
        raise ValueError(f"找不到文件：{path}。")
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            heads = data["evidence"]
            return f"备份说明 {p.name}", [(r, int(c), ev.short_digest(h)) for r, (c, h) in heads.items()]
        except (ValueError, KeyError, TypeError, OSError):
            raise ValueError(f"{p.name} 不是带校验码的备份说明文件。") from None
    from cunwu_tui.ledgers.anchors import read_sheet

    return read_sheet(p)


def verify_lines(services: Services, against: Sequence[str] = ()) -> tuple[bool, list[str]]:
    """``cunwu verify``: the seal register's own check, every register's
    chain, the triggers, and each ``against`` (a ledger file, a backup
    manifest or 登记簿:条数:校验码). (all whole, lines to print)."""
    lines: list[str] = []
    wanted: list[tuple[str, list[tuple[str, int, str]]]] = []
    ok = True
    for item in against:
        try:
            if ":" in item.replace("：", ":") and not item.lower().endswith((".xlsx", ".json")):
                wanted.append(("", [ev.parse_head(item)]))
            else:
                wanted.append(read_anchors(item))
        except ValueError as exc:
            lines.append(f"错误：{exc}")
            ok = False
    seal = services.seal_register.verify()
    lines.append(seal.message)
    ok = ok and seal.ok
    report = services.evidence.verify(full=True)
    lines += report.lines()
    ok = ok and report.ok
    for source, heads in wanted:
        for check in services.evidence.against(heads, source):
            lines.append(check.message)
            ok = ok and check.ok
    return ok, lines
