"""The seal register (用印登记): every use of a seal on record with its
approval, numbered per seal per year, append-only and tamper-evident.

- An entry is checked against every rule before anything is written: the
  approver holds the role that approves this seal and is not the applicant,
  a major matter (重大事项) names the meeting that decided it, the time is
  not in the future.
- Its number (村委〔2026〕第015号) is allocated inside the write
  transaction (BEGIN IMMEDIATE), so two instances never give the same one,
  and a voided number is never given again.
- Nothing written is ever changed: a void (作废) is its own record; the
  voided entry stays, marked. Each record is a link of a hash chain over its
  content and the previous link (``features.seals.numbers``), anchored in the
  operation log written in the same transaction; ``verify`` names the first
  record that does not match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import builtins
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from cunwu_tui.db.models import Approval, AuditLog, Seal, SealPending, SealTally, SealUse, SealVoid, Staff
from cunwu_tui.domain import inputs
from cunwu_tui.features.seals import numbers as rules
from cunwu_tui.domain.actions import Prompt
from cunwu_tui.features.seals.actions import SealAction, SealFacts, refusal, seal_actions
from cunwu_tui.features.seals.actions import why_not as seal_why_not
from cunwu_tui.domain.roles import name_key, split_roles
from cunwu_tui.services.core import Core, ValidationError
from cunwu_tui.services.identity import SEAL_USE, Confirmed

if TYPE_CHECKING:
    from cunwu_tui.services import Services

log = logging.getLogger("cunwu.seal_register")

AUDIT_ENTITY = "seal_use"
CHECKPOINT = "seal_chain_checkpoint"  # setting: where the last clean check of the hash chain ended
TALLY_KEY = "all"  # seal_tally's one row: the whole register
_TALLY = (
    select(func.count(col(SealUse.id)), func.coalesce(func.sum(SealUse.copies).filter(col(SealVoid.id).is_(None)), 0))
    .select_from(SealUse)
    .join(SealVoid, col(SealVoid.use_id) == col(SealUse.id), isouter=True)
)


def _count(s: Session, q: Any) -> tuple[int, int]:
    n, copies = s.exec(q).one()
    return int(n), int(copies or 0)


def _pending_ids(s: Session) -> set[int]:
    """The entries waiting for their approver, read from the register and
    the approvals themselves (what seal_pending keeps)."""
    approved = (
        select(Approval.id)
        .where(
            Approval.subject_table == AUDIT_ENTITY,
            Approval.kind == SEAL_USE,
            col(Approval.subject_id) == col(SealUse.id),
        )
        .exists()
    )
    voided = select(SealVoid.id).where(col(SealVoid.use_id) == col(SealUse.id)).exists()
    q = select(SealUse.id).where(SealUse.needs_approval == True, ~approved, ~voided)  # noqa: E712
    return {int(i) for i in s.exec(q) if i is not None}


def _settle(s: Session, use_id: int) -> None:
    """The entry no longer waits for its approver (approved or voided)."""
    row = s.get(SealPending, use_id)
    if row is not None:
        s.delete(row)


def _move_tally(s: Session, entries: int, copies: int) -> None:
    """Move the register's kept totals (in the caller's write)."""
    row = s.get(SealTally, TALLY_KEY)
    if row is None:  # first entry (or never counted): from the register itself, this entry included
        s.flush()
        n, c = _count(s, _TALLY)
        s.add(SealTally(key=TALLY_KEY, entries=n, copies=c))
    else:
        row.entries += entries
        row.copies += copies
        s.add(row)


REGISTERED, VOIDED = "新增", "作废"
OUTSIDER = "（村外）"

# Content columns covered by each record's hash (everything but the hashes).
USE_FIELDS: tuple[str, ...] = (
    "id",
    "chain_seq",
    "seal_id",
    "seal_name",
    "year",
    "seq",
    "number",
    "used_at",
    "title",
    "purpose",
    "copies",
    "destination",
    "applicant_id",
    "applicant_name",
    "applicant_outsider",
    "approver_id",
    "approver_name",
    "major",
    "meeting_type",
    "meeting_date",
    "meeting_ref",
    "keeper_id",
    "keeper_name",
    "note",
    "refers_to_id",
    "operator_id",
    "operator_name",
    "recorded_at",
)
VOID_FIELDS: tuple[str, ...] = (
    "id",
    "chain_seq",
    "use_id",
    "number",
    "reason",
    "operator_id",
    "operator_name",
    "recorded_at",
)


@dataclass(frozen=True)
class SealUseInfo:
    id: int
    number: str
    seal_id: int
    seal_name: str
    used_at: datetime
    title: str
    purpose: str
    copies: int
    destination: str
    applicant_id: int | None
    applicant_name: str
    applicant_outsider: bool
    approver_id: int
    approver_name: str
    major: bool
    meeting_type: str
    meeting_date: date | None
    meeting_ref: str
    keeper_id: int
    keeper_name: str
    note: str
    refers_to_id: int | None
    refers_to_number: str
    corrected_by_number: str
    operator_name: str
    recorded_at: datetime
    voided: bool
    void_reason: str
    voided_at: datetime | None
    voided_by: str
    # Approval in person (#13): the approver typed their own PIN.
    approved_at: datetime | None = None
    approved_by: str = ""
    needs_approval: bool = False  # entered after PINs existed: approval in person required

    @property
    def facts(self) -> SealFacts:
        """What ``features.seals.actions`` decides this entry's actions on."""
        return SealFacts(
            number=self.number,
            needs_approval=self.needs_approval,
            approved_at=self.approved_at,
            approved_by=self.approved_by,
            voided_at=(self.voided_at or self.recorded_at) if self.voided else None,
            corrected_by=self.corrected_by_number,
        )

    @property
    def actions(self) -> tuple[SealAction, ...]:
        """What the entry allows now (approve, void, correct), in the order offered."""
        return seal_actions(self.facts)

    def why_not(self, action: SealAction) -> Prompt:
        """Why ``action`` is refused now (empty when it is allowed)."""
        return seal_why_not(self.facts, action)

    @property
    def pending(self) -> bool:
        """待审批: entered without the approver's PIN and not approved since."""
        return self.facts.pending

    @property
    def approval_text(self) -> str:
        """审批人 as the register shows it: who approved and when, or that it waits."""
        if self.approved_at is not None:
            return f"{self.approved_by}（{self.approved_at:%m-%d %H:%M}）"
        if self.pending:
            return f"{self.approver_name}（待审批）"
        return self.approver_name

    @property
    def applicant_text(self) -> str:
        return self.applicant_name + (OUTSIDER if self.applicant_outsider else "")

    @property
    def meeting_text(self) -> str:
        """两委联席会议，2026-10-12，纪要〔2026〕4号; '' for general business."""
        if not self.major:
            return ""
        when = f"{self.meeting_date:%Y-%m-%d}" if self.meeting_date else ""
        return "，".join(x for x in (self.meeting_type, when, self.meeting_ref) if x)

    @property
    def status(self) -> str:
        return "作废" if self.voided else "待审批" if self.pending else "有效"

    @property
    def remark(self) -> str:
        """备注/作废说明 of the ledger: the note, what it corrects, the void."""
        parts = []
        if self.voided:
            parts.append(
                f"【作废】{self.void_reason}（{self.voided_at:%Y-%m-%d} {self.voided_by}，原登记{self.copies}份）"
                if self.voided_at
                else f"【作废】{self.void_reason}"
            )
            if self.corrected_by_number:
                parts.append(f"已重新登记为 {self.corrected_by_number}")
        if self.refers_to_number:
            parts.append(f"更正 {self.refers_to_number}")
        if self.pending:
            parts.append("待审批：审批人输入本人密码前不得用印")
        elif self.approved_at is not None and self.approved_at > self.recorded_at + timedelta(minutes=1):
            parts.append(f"{self.recorded_at:%m-%d %H:%M}登记，{self.approved_at:%m-%d %H:%M}审批")
        if self.note:
            parts.append(self.note)
        return "；".join(parts)


@dataclass(frozen=True)
class ChainCheck:
    """The result of ``verify``: whole, or the first record that does not match."""

    ok: bool
    entries: int
    voids: int
    number: str = ""
    problem: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"用印登记完整：{self.entries} 条登记、{self.voids} 条作废记录，校验一致。"
        return f"用印登记校验不一致：{self.number}：{self.problem}"


@dataclass(frozen=True)
class SealYearRow:
    seal: str
    months: tuple[int, ...]  # valid uses in months 1..12
    total: int
    copies: int
    voided: int


@dataclass(frozen=True)
class YearCounts:
    year: int
    rows: tuple[SealYearRow, ...]


# -- snapshots ------------------------------------------------------------


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(row, n) for n in names}


def _snapshot(u: SealUse, refers_to: str = "") -> dict[str, Any]:
    """An entry in words, as the operation log keeps it (and as verify
    compares it later to name what was changed)."""
    return {
        "number": u.number,
        "seal": u.seal_name,
        "used_at": f"{u.used_at:%Y-%m-%d %H:%M}",
        "document": u.title,
        "purpose": u.purpose,
        "copies": u.copies,
        "destination": u.destination,
        "handler": u.applicant_name + (OUTSIDER if u.applicant_outsider else ""),
        "approver": u.approver_name,
        "major": bool(u.major),
        "meeting_type": u.meeting_type,
        "meeting_date": f"{u.meeting_date:%Y-%m-%d}" if u.meeting_date else "",
        "meeting_ref": u.meeting_ref,
        "keeper": u.keeper_name,
        "note": u.note,
        "refers_to": refers_to,
    }


def _void_snapshot(v: SealVoid) -> dict[str, Any]:
    return {"number": v.number, "void_reason": v.reason}


def _words(key: str) -> str:
    from cunwu_tui.services.audit import FIELD_NAMES

    return FIELD_NAMES.get(key, key)


def _short(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    text = "（空）" if value in (None, "") else str(value)
    return text if len(text) <= 20 else text[:19] + "⋯"


class MeetingRegister(Protocol):
    """The hook for a later 会议记录 register: given a 重大事项's meeting
    (type, date, reference), the reason it is not on record, or "" when it
    is. Until such a register exists (``SealRegisterService.meetings`` is
    None) the three fields are required and kept as typed."""

    def check(self, meeting_type: str, day: date, reference: str) -> str: ...


class SealRegisterService:
    def __init__(self, core: Core, identity: Any = None, meetings: MeetingRegister | None = None):
        self.core = core
        self.identity = identity  # services/identity.IdentityService: approvals in person
        self.meetings = meetings  # a later meeting register plugs in here (MeetingRegister)

    # -- reading ------------------------------------------------------------
    def _infos(self, s: Session, rows: list[tuple[SealUse, SealVoid | None]]) -> list[SealUseInfo]:
        ids = [u.id for u, _ in rows]
        refer_ids = {u.refers_to_id for u, _ in rows if u.refers_to_id}
        numbers: dict[int, str] = {}
        if refer_ids:
            for i, n in s.exec(select(SealUse.id, SealUse.number).where(col(SealUse.id).in_(refer_ids))):
                numbers[i] = n
        corrected: dict[int, str] = {}
        if ids:
            q = select(SealUse.refers_to_id, SealUse.number, SealUse.chain_seq).where(
                col(SealUse.refers_to_id).in_(ids)
            )
            # the first correction of each, sorted here: ORDER BY chain_seq in SQL made SQLite walk the whole
            # register in that order instead of looking the few corrections up by refers_to_id
            for ref, n, _seq in sorted(s.exec(q), key=lambda r: r[2]):
                corrected.setdefault(ref, n)
        approved: dict[int, Approval] = {}
        if ids:
            q = select(Approval).where(
                Approval.subject_table == AUDIT_ENTITY, Approval.kind == SEAL_USE, col(Approval.subject_id).in_(ids)
            )
            for a in s.exec(q.order_by(Approval.id)):
                approved.setdefault(a.subject_id, a)
        return [
            self._info(
                u, v, numbers.get(u.refers_to_id or 0, ""), corrected.get(u.id or 0, ""), approved.get(u.id or 0)
            )
            for u, v in rows
        ]

    @staticmethod
    def _info(
        u: SealUse, v: SealVoid | None, refers: str = "", corrected: str = "", approval: Approval | None = None
    ) -> SealUseInfo:
        assert u.id is not None
        return SealUseInfo(
            id=u.id,
            number=u.number,
            seal_id=u.seal_id,
            seal_name=u.seal_name,
            used_at=u.used_at,
            title=u.title,
            purpose=u.purpose,
            copies=u.copies,
            destination=u.destination,
            applicant_id=u.applicant_id,
            applicant_name=u.applicant_name,
            applicant_outsider=u.applicant_outsider,
            approver_id=u.approver_id,
            approver_name=u.approver_name,
            major=u.major,
            meeting_type=u.meeting_type,
            meeting_date=u.meeting_date,
            meeting_ref=u.meeting_ref,
            keeper_id=u.keeper_id,
            keeper_name=u.keeper_name,
            note=u.note,
            refers_to_id=u.refers_to_id,
            refers_to_number=refers,
            corrected_by_number=corrected,
            operator_name=u.operator_name,
            recorded_at=u.recorded_at,
            voided=v is not None,
            void_reason=v.reason if v else "",
            voided_at=v.recorded_at if v else None,
            voided_by=v.operator_name if v else "",
            approved_at=approval.recorded_at if approval else None,
            approved_by=approval.approver_name if approval else "",
            needs_approval=bool(u.needs_approval),
        )

    def _refused(self, s: Session, use: SealUse, action: SealAction) -> str:
        """Why ``action`` is refused on ``use`` now, read inside the write
        (the words of ``features.seals.actions``; "" when it is allowed)."""
        void = s.exec(select(SealVoid).where(SealVoid.use_id == use.id)).first()
        return refusal(self._infos(s, [(use, void)])[0].facts, action)

    def _query(self) -> Any:
        return select(SealUse, SealVoid).join(SealVoid, col(SealVoid.use_id) == col(SealUse.id), isouter=True)

    def get(self, use_id: int) -> SealUseInfo:
        with self.core.read() as s:
            rows = list(s.exec(self._query().where(SealUse.id == use_id)))
            if not rows:
                raise ValidationError({"entry": "该用印登记不存在。"})
            return self._infos(s, rows)[0]

    def list(
        self,
        seal_id: int | None = None,
        month: str | date | None = None,
        major: bool | None = None,
        voided: bool | None = None,
        search: str = "",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SealUseInfo]:
        """Entries, newest use first (``limit`` of them from ``offset``).
        ``month``: 2026-10 (or any day in it; ValidationError when it is
        not a month); ``search`` matches the document title or the
        applicant's name."""
        q = self._filtered(self._query(), seal_id, month, major, voided, search)
        q = q.order_by(col(SealUse.used_at).desc(), col(SealUse.chain_seq).desc())
        if offset:
            q = q.offset(offset)
        if limit:
            q = q.limit(limit)
        with self.core.read() as s:
            return self._infos(s, list(s.exec(q)))

    def tally(
        self,
        seal_id: int | None = None,
        month: str | date | None = None,
        major: bool | None = None,
        voided: bool | None = None,
        search: str = "",
    ) -> tuple[int, int]:
        """(entries, copies of the entries not voided) that ``list`` with the
        same filters would give, without reading them (F5 shows a page)."""
        with self.core.read() as s:
            if seal_id is None and not month and major is None and voided is None and not search:
                kept = s.get(SealTally, TALLY_KEY)  # the whole register: kept on write
                if kept is not None:
                    return kept.entries, kept.copies
            return _count(s, self._filtered(_TALLY, seal_id, month, major, voided, search))

    @staticmethod
    def _filtered(
        q: Any,
        seal_id: int | None,
        month: str | date | None,
        major: bool | None,
        voided: bool | None,
        search: str | None,
    ) -> Any:
        if seal_id is not None:
            q = q.where(SealUse.seal_id == seal_id)
        if month:
            first = _month_of(month)
            nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            q = q.where(
                SealUse.used_at >= datetime.combine(first, time.min), SealUse.used_at < datetime.combine(nxt, time.min)
            )
        if major is not None:
            q = q.where(SealUse.major == major)
        if voided is True:
            q = q.where(col(SealVoid.id).is_not(None))
        elif voided is False:
            q = q.where(col(SealVoid.id).is_(None))
        text = " ".join(inputs.strip_controls(search or "").split())  # as inputs.search_key: never a NUL
        if text:
            q = q.where(
                or_(
                    col(SealUse.title).icontains(text, autoescape=True),
                    col(SealUse.applicant_name).icontains(text, autoescape=True),
                )
            )
        return q

    def between(self, start: date, end: date) -> builtins.list[SealUseInfo]:
        """Entries used in [start, end), in order of use (the ledger)."""
        q = self._query().where(
            SealUse.used_at >= datetime.combine(start, time.min), SealUse.used_at < datetime.combine(end, time.min)
        )
        q = q.order_by(SealUse.used_at, SealUse.chain_seq)
        with self.core.read() as s:
            return self._infos(s, list(s.exec(q)))

    def on_day(self, day: date) -> builtins.list[SealUseInfo]:
        return self.between(day, day + timedelta(days=1))

    def counts(self, year: int) -> YearCounts:
        """Uses per seal per month of ``year`` (voided entries apart)."""
        lo, hi = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        with self.core.read() as s:
            seals = list(s.exec(select(Seal).order_by(col(Seal.id))))
            q = self._query().where(SealUse.used_at >= lo, SealUse.used_at < hi)
            rows = list(s.exec(q))
        out = []
        for seal in seals:
            mine = [(u, v) for u, v in rows if u.seal_id == seal.id]
            if not seal.active and not mine:
                continue
            months = [0] * 12
            copies = voided = 0
            for u, v in mine:
                if v is not None:
                    voided += 1
                    continue
                months[u.used_at.month - 1] += 1
                copies += u.copies
            out.append(SealYearRow(seal.name, tuple(months), sum(months), copies, voided))
        return YearCounts(year, tuple(out))

    def approvers(self, seal_id: int) -> builtins.list[tuple[int, str]]:
        """Active staff holding the role that approves this seal: (id, name)."""
        with self.core.read() as s:
            seal = s.get(Seal, seal_id)
            if seal is None:
                return []
            people = s.exec(select(Staff).where(Staff.active == True).order_by(Staff.id))  # noqa: E712
            return [(p.id, p.name) for p in people if seal.approver_role in split_roles(p.roles)]

    # -- writing ------------------------------------------------------------
    def add(
        self,
        seal_id: int | None,
        title: str,
        purpose: str,
        copies: int | str,
        destination: str,
        applicant_id: int | None = None,
        applicant_name: str = "",
        approver_id: int | None = None,
        keeper_id: int | None = None,
        used_at: str | datetime | None = None,
        major: bool = False,
        meeting_type: str = "",
        meeting_date: str | date | None = None,
        meeting_ref: str = "",
        note: str = "",
        refers_to_id: int | None = None,
        approver_pin: object = "",
    ) -> SealUseInfo:
        """Register a use of a seal. Every rule refuses with a Chinese
        message at its field and nothing is saved.

        ``approver_pin``: the approver, present, types their own PIN and the
        entry is approved at once; without it the entry is saved 待审批 and
        the seal may not be used until ``approve``."""
        now = self.core.now().replace(microsecond=0)
        f = inputs.Fields()
        title = f.text("title", title, "文件名称", inputs.TITLE, required=True)
        purpose = f.text("purpose", purpose, "用印事由", inputs.LINE, required=True)
        n_copies = f.integer("copies", copies, "份数", 1, 999, unit="份")
        destination = f.text("destination", destination, "送往单位或用途", inputs.TITLE)
        if f.ok("destination") and not destination:
            f.error("destination", "请填写送往单位或用途（如：柳河镇人民政府、本村存档）。")
        note = f.text("note", note, "备注", inputs.LINE, multiline=True)
        when = None
        if used_at is None or (isinstance(used_at, str) and not inputs.clean(used_at)):
            when = now.replace(second=0)
        else:
            when = f.moment("used_at", used_at, "用印时间", inputs.past(now.date()))
        if when is not None and when > now:
            f.error("used_at", f"用印时间不能晚于现在（{now:%Y-%m-%d %H:%M}）。")
        meeting_day = None
        meeting_type = inputs.clean(meeting_type)
        meeting_ref = f.text("meeting_ref", meeting_ref, "决议/记录编号", inputs.SHORT)
        if major:
            if meeting_type not in rules.MEETING_TYPES:
                f.error("meeting_type", "重大事项须经会议研究决定：请选择会议类型。")
            if meeting_date is None or (isinstance(meeting_date, str) and not inputs.clean(meeting_date)):
                f.error("meeting_date", "重大事项须填写会议日期。")
            else:
                meeting_day = f.day("meeting_date", meeting_date, "会议日期", inputs.past(now.date()))
                if meeting_day is not None and when is not None and meeting_day > when.date():
                    f.error("meeting_date", "会议日期不能晚于用印日期：重大事项须先经会议决定，再用印。")
            if f.ok("meeting_ref") and not meeting_ref:
                f.error("meeting_ref", "重大事项须填写会议决议文号或会议记录编号。")
            elif self.meetings is not None and f.ok("meeting_ref") and f.ok("meeting_date") and meeting_day is not None:
                problem = self.meetings.check(meeting_type, meeting_day, meeting_ref)
                if problem:
                    f.error("meeting_ref", problem)
        else:
            meeting_type, meeting_ref = "", ""
        applicant_name = f.text("applicant", applicant_name, "经办人姓名", inputs.NAME)
        errors = f.errors
        op = self.core.operator
        confirmed: Confirmed | None = None
        if (
            not errors
            and str(approver_pin or "").strip()
            and self._may_approve(seal_id, applicant_id, applicant_name, approver_id)
        ):
            confirmed = self.identity.confirm(approver_id, approver_pin, "approver_pin", "审批人")

        with self.core.write() as s:
            seal = s.get(Seal, seal_id) if seal_id is not None else None
            if seal is None:
                errors["seal"] = "请选择印章。"
            elif not seal.active:
                errors["seal"] = f"{seal.name}已停用，不能登记用印。"
            # Applicant: a member of staff, or an outsider by name. A typed
            # name that is an active member's is that member.
            applicant = None
            if applicant_id is not None:
                applicant = s.get(Staff, applicant_id)
                if applicant is None or not applicant.active:
                    errors["applicant"] = "经办人须为在岗人员；村外人员请直接填写姓名。"
                    applicant = None
            elif applicant_name and "applicant" not in errors:
                # "王 某" is 王某: names are compared without spaces or width
                key = name_key(applicant_name)
                applicant = next(
                    (
                        p
                        for p in s.exec(select(Staff).where(Staff.active == True))  # noqa: E712
                        if name_key(p.name) == key
                    ),
                    None,
                )
            elif "applicant" not in errors:
                errors["applicant"] = "请选择经办人，或填写村外经办人的姓名。"
            approver = s.get(Staff, approver_id) if approver_id is not None else None
            if approver_id is None:
                errors["approver"] = "请选择审批人。"
            elif approver is None or not approver.active:
                errors["approver"] = "审批人须为在岗人员。"
            elif seal is not None and seal.approver_role not in split_roles(approver.roles):
                errors["approver"] = f"{seal.name}由{seal.approver_role}审批，{approver.name}不是{seal.approver_role}。"
            elif applicant is not None and applicant.id == approver.id:
                errors["approver"] = "审批人不能是经办人本人：请由其他有审批权的人审批。"
            if keeper_id is None and seal is not None:
                keeper_id = seal.keeper_id
            keeper = s.get(Staff, keeper_id) if keeper_id is not None else None
            if keeper_id is None:
                where = f"{seal.name}尚未指定保管人（可在设置的印章页中指定）" if seal is not None else ""
                errors["keeper"] = "请选择监印人。" + (f"{where}。" if where else "")
            elif keeper is None or not keeper.active:
                errors["keeper"] = "监印人须为在岗人员。"
            refers = None
            if refers_to_id is not None:
                refers = s.get(SealUse, refers_to_id)
                if refers is None:
                    errors["refers_to"] = "要更正的登记不存在。"
                else:
                    why = self._refused(s, refers, SealAction.CORRECT)
                    if why:
                        errors["refers_to"] = why
            if errors:
                raise ValidationError(errors)
            assert seal is not None and when is not None and approver is not None and keeper is not None
            assert n_copies is not None

            # Allocation: inside this write transaction (BEGIN IMMEDIATE).
            year = when.year
            used = s.exec(select(SealUse.seq).where(SealUse.seal_id == seal.id, SealUse.year == year)).all()
            seq = rules.next_seq(list(used))
            position, prev_hash = self._chain_head(s)
            row = SealUse(
                id=(s.exec(select(func.max(SealUse.id))).one() or 0) + 1,
                chain_seq=position + 1,
                seal_id=seal.id,
                seal_name=seal.name,
                year=year,
                seq=seq,
                number=rules.format_number(seal.short_name or seal.name, year, seq),
                used_at=when,
                title=title,
                purpose=purpose,
                copies=n_copies,
                destination=destination,
                applicant_id=applicant.id if applicant else None,
                applicant_name=applicant.name if applicant else applicant_name,
                applicant_outsider=applicant is None,
                approver_id=approver.id,
                approver_name=approver.name,
                major=bool(major),
                meeting_type=meeting_type,
                meeting_date=meeting_day if major else None,
                meeting_ref=meeting_ref,
                keeper_id=keeper.id,
                keeper_name=keeper.name,
                note=note,
                refers_to_id=refers_to_id,
                operator_id=op.id if op else None,
                operator_name=op.name if op else "",
                recorded_at=now,
                prev_hash=prev_hash,
                hash="",
                needs_approval=True,
            )
            row.hash = rules.link_hash(rules.USE, _fields(row, USE_FIELDS), prev_hash)
            s.add(row)
            _move_tally(s, 1, n_copies)
            s.flush()
            snap = _snapshot(row, refers.number if refers else "")
            self.core.audit(
                s, AUDIT_ENTITY, row.number, REGISTERED, None, {**snap, "chain": row.chain_seq, "hash": row.hash}
            )
            approval = None
            if confirmed is not None:
                approval = self.identity.record_approval(
                    s, SEAL_USE, AUDIT_ENTITY, row.id, confirmed, audit=(AUDIT_ENTITY, row.number)
                )
            else:  # 待审批 until its approver types their PIN
                assert row.id is not None
                s.add(SealPending(use_id=row.id))
            info = self._info(row, None, refers.number if refers else "", approval=approval)
        return info

    def _may_approve(
        self, seal_id: int | None, applicant_id: int | None, applicant_name: str, approver_id: int | None
    ) -> bool:
        """Whether the chosen approver could approve this entry at all: only
        then is their PIN checked (otherwise the write names what is wrong
        at its field, and no wrong try is counted)."""
        if approver_id is None:
            return False
        with self.core.read() as s:
            seal = s.get(Seal, seal_id) if seal_id is not None else None
            approver = s.get(Staff, approver_id)
            if seal is None or not seal.active or approver is None or not approver.active:
                return False
            if seal.approver_role not in split_roles(approver.roles):
                return False
            if applicant_id is not None:
                return applicant_id != approver.id
            return not applicant_name or name_key(applicant_name) != name_key(approver.name)

    def approve(self, use_id: int, approver_pin: object, approver_id: int | None = None) -> SealUseInfo:
        """审批 of an entry saved 待审批: the approver named on it types their
        own PIN (identity compared by staff id). Recorded as its own
        append-only approval; the entry stays as written."""
        current = self.get(use_id)
        why = refusal(current.facts, SealAction.APPROVE)  # before the PIN is asked: no wrong try counted
        if why:
            raise ValidationError({"approver_pin": why})
        who = current.approver_id if approver_id is None else approver_id
        if who != current.approver_id:
            raise ValidationError(
                {
                    "approver_pin": f"{current.number} 的审批人是{current.approver_name}："
                    "须由其本人输入密码；换审批人请作废后重新登记。"
                }
            )
        confirmed = self.identity.confirm(who, approver_pin, "approver_pin", "审批人")
        with self.core.write() as s:
            use = s.get(SealUse, use_id)
            assert use is not None  # read above; entries are never deleted
            why = self._refused(s, use, SealAction.APPROVE)
            if why:
                raise ValidationError({"approver_pin": why})
            seal = s.get(Seal, current.seal_id)
            person = s.get(Staff, confirmed.id)
            if seal is not None and person is not None and seal.approver_role not in split_roles(person.roles):
                raise ValidationError(
                    {
                        "approver_pin": f"{seal.name}由{seal.approver_role}审批，"
                        f"{person.name}现在不是{seal.approver_role}。"
                    }
                )
            self.identity.record_approval(
                s, SEAL_USE, AUDIT_ENTITY, use_id, confirmed, audit=(AUDIT_ENTITY, current.number)
            )
            _settle(s, use_id)
        return self.get(use_id)

    def pending_count(self) -> int:
        """How many entries wait for their approver (seal_pending: kept on
        each write, recounted at each checkpoint)."""
        with self.core.read() as s:
            return int(s.exec(select(func.count()).select_from(SealPending)).one())

    def pending(self, limit: int | None = None) -> builtins.list[SealUseInfo]:
        """Entries waiting for their approver (待审批), oldest first (the
        first ``limit``): those seal_pending keeps (the register is not read)."""
        q = self._query().join(SealPending, col(SealPending.use_id) == col(SealUse.id)).order_by(SealUse.chain_seq)
        if limit is not None:
            q = q.limit(limit)
        with self.core.read() as s:
            return [u for u in self._infos(s, list(s.exec(q))) if u.pending]

    def void(self, use_id: int, reason: str) -> SealUseInfo:
        """作废: recorded as its own record; the entry stays as written."""
        f = inputs.Fields()
        reason = f.text("reason", reason, "作废原因", inputs.TITLE, required="作废必须写明原因。")
        f.done()
        now = self.core.now().replace(microsecond=0)
        op = self.core.operator
        with self.core.write() as s:
            use = s.get(SealUse, use_id)
            if use is None:
                raise ValidationError({"reason": "该用印登记不存在。"})
            why = self._refused(s, use, SealAction.VOID)
            if why:
                raise ValidationError({"reason": why})
            position, prev_hash = self._chain_head(s)
            v = SealVoid(
                id=(s.exec(select(func.max(SealVoid.id))).one() or 0) + 1,
                chain_seq=position + 1,
                use_id=use_id,
                number=use.number,
                reason=reason,
                operator_id=op.id if op else None,
                operator_name=op.name if op else "",
                recorded_at=now,
                prev_hash=prev_hash,
                hash="",
            )
            v.hash = rules.link_hash(rules.VOID, _fields(v, VOID_FIELDS), prev_hash)
            s.add(v)
            s.flush()
            _move_tally(s, 0, -use.copies)
            _settle(s, use_id)
            self.core.audit(
                s, AUDIT_ENTITY, use.number, VOIDED, None, {**_void_snapshot(v), "chain": v.chain_seq, "hash": v.hash}
            )
            info = self._infos(s, [(use, v)])[0]
        return info

    @staticmethod
    def _chain_head(s: Session) -> tuple[int, str]:
        """(position, hash) of the last link, (0, GENESIS) when empty."""
        last_use = s.exec(select(SealUse.chain_seq, SealUse.hash).order_by(col(SealUse.chain_seq).desc())).first()
        last_void = s.exec(select(SealVoid.chain_seq, SealVoid.hash).order_by(col(SealVoid.chain_seq).desc())).first()
        heads = [h for h in (last_use, last_void) if h is not None]
        if not heads:
            return 0, rules.GENESIS
        position, hash_ = max(heads, key=lambda h: h[0])
        return int(position), str(hash_)

    # -- verification -------------------------------------------------------
    def verify(self, quick: bool = False) -> ChainCheck:
        """Recompute the chain; the first record that does not match, named
        by its number, with what is wrong (and, where the operation log
        tells, which fields were changed). A clean check leaves a
        checkpoint.

        ``quick`` (the start-up check): only the entries since the last
        checkpoint, continuing its hash, with the numbers of the years they
        fall in and the register's counts; anything off, or no checkpoint,
        and the whole register is checked instead, which names the record.
        The daily full check, V and ``cunwu verify`` check every entry."""
        if quick:
            check = self._verify_since(self._checkpoint())
            if check is not None:
                self._save_checkpoint()
                return check
        check = self._verify_all()
        if check.ok:
            self._save_checkpoint()
        return check

    # checkpoint: {"position": p, "hash": h, "uses": n, "voids": n, "audit": highest log id read}
    def _checkpoint(self) -> dict[str, int | str] | None:
        from cunwu_tui.services.settings import get_setting

        with self.core.read() as s:
            raw = get_setting(s, CHECKPOINT)
        try:
            mark = json.loads(raw) if raw else None
        except ValueError:
            return None
        keys = {"position": int, "hash": str, "uses": int, "voids": int, "audit": int}
        if not isinstance(mark, dict) or any(not isinstance(mark.get(k), v) for k, v in keys.items()):
            return None
        return mark

    def _save_checkpoint(self) -> None:
        """The head as checked now (read afresh: a seal use saved meanwhile
        is simply checked next time)."""
        from cunwu_tui.services.settings import put_setting

        try:
            with self.core.write() as s:
                head = self._head(s)
                if head is None:
                    return
                position, hash_ = head
                mark = {
                    "position": position,
                    "hash": hash_,
                    "uses": s.exec(select(func.count()).select_from(SealUse)).one(),
                    "voids": s.exec(select(func.count()).select_from(SealVoid)).one(),
                    "audit": s.exec(select(func.max(AuditLog.id)).where(AuditLog.entity == AUDIT_ENTITY)).one() or 0,
                }
                put_setting(s, CHECKPOINT, json.dumps(mark))
                kept, real = s.get(SealTally, TALLY_KEY), _count(s, _TALLY)  # the kept totals, recounted
                if kept is None or (kept.entries, kept.copies) != real:
                    kept = kept or SealTally(key=TALLY_KEY)
                    kept.entries, kept.copies = real
                    s.add(kept)
                kept_ids = set(s.exec(select(SealPending.use_id)))  # and the entries waiting, likewise
                real_ids = _pending_ids(s)
                if kept_ids != real_ids:
                    log.warning("seal_pending was off; recounted")
                    for i in kept_ids - real_ids:
                        _settle(s, i)
                    for i in real_ids - kept_ids:
                        s.add(SealPending(use_id=i))
        except Exception:  # a checkpoint only saves time
            log.exception("saving the seal register checkpoint failed")

    @staticmethod
    def _head(s: Session) -> tuple[int, str] | None:
        found = [
            r
            for r in (
                s.exec(
                    select(SealUse.chain_seq, SealUse.hash).order_by(col(SealUse.chain_seq).desc()).limit(1)
                ).first(),
                s.exec(
                    select(SealVoid.chain_seq, SealVoid.hash).order_by(col(SealVoid.chain_seq).desc()).limit(1)
                ).first(),
            )
            if r is not None
        ]
        return max(((int(p), str(h)) for p, h in found), default=None)

    def _verify_since(self, mark: dict[str, Any] | None) -> ChainCheck | None:
        """The entries after the checkpoint; None when the whole register
        must be checked (no checkpoint, or something does not add up)."""
        if mark is None:
            return None
        position, hash0 = int(mark["position"]), str(mark["hash"])
        with self.core.read() as s:
            at = (
                s.exec(select(SealUse.hash).where(SealUse.chain_seq == position)).first()
                or s.exec(select(SealVoid.hash).where(SealVoid.chain_seq == position)).first()
            )
            if at != hash0:
                return None
            uses = list(s.exec(select(SealUse).where(SealUse.chain_seq > position).order_by(SealUse.chain_seq)))
            voids = list(s.exec(select(SealVoid).where(SealVoid.chain_seq > position).order_by(SealVoid.chain_seq)))
            n_uses = s.exec(select(func.count()).select_from(SealUse)).one()
            n_voids = s.exec(select(func.count()).select_from(SealVoid)).one()
            if n_uses != int(mark["uses"]) + len(uses) or n_voids != int(mark["voids"]) + len(voids):
                return None  # an entry before the checkpoint is gone (or one was slipped in)
            logged = list(
                s.exec(
                    select(AuditLog)
                    .where(AuditLog.entity == AUDIT_ENTITY, col(AuditLog.id) > int(mark["audit"]))
                    .order_by(col(AuditLog.id))
                )
            )
            groups = {(u.seal_id, u.year) for u in uses}
            seqs = {
                g: list(s.exec(select(SealUse.seq).where(SealUse.seal_id == g[0], SealUse.year == g[1])))
                for g in groups
            }
            referred = {v.use_id for v in voids}
            numbers = (
                dict(s.exec(select(SealUse.id, SealUse.number).where(col(SealUse.id).in_(referred))).all())
                if referred
                else {}
            )
        links = [
            rules.Link(rules.USE, u.chain_seq, u.number, _fields(u, USE_FIELDS), u.prev_hash, u.hash) for u in uses
        ]
        links += [
            rules.Link(rules.VOID, v.chain_seq, f"{v.number} 的作废记录", _fields(v, VOID_FIELDS), v.prev_hash, v.hash)
            for v in voids
        ]
        anchors = [a for a in (_anchor(row) for row in logged) if a is not None]
        if any(a.position <= position for a in anchors):
            return None
        if rules.verify_chain(links, anchors, start=position, prev=hash0) is not None:
            return None
        if any(rules.missing_seqs(group) for group in seqs.values()):
            return None
        if any(numbers.get(v.use_id) != v.number for v in voids):
            return None
        return ChainCheck(True, n_uses, n_voids)

    def _verify_all(self) -> ChainCheck:
        """Every entry and void in chain order. Rows are read as plain
        tuples (3,000 ORM objects cost about 20 MiB at every first start of
        a day) and each one's hash is checked as it is read, so that the
        links keep no fields (another 6 MiB); a faulty record is read again
        to say what changed."""
        use_t, void_t, log_t = SealUse.__table__, SealVoid.__table__, AuditLog.__table__  # type: ignore[attr-defined]
        links: list[rules.Link] = []
        numbers: dict[int, str] = {}
        by_year: dict[tuple[int, int], list[tuple[int, str]]] = {}
        voided: list[tuple[int, str]] = []
        anchors: list[rules.Anchor] = []
        logged_at: dict[int, int] = {}  # chain position -> the log entry that recorded it first
        with self.core.read() as s:
            conn = s.connection()
            for u in conn.execute(sa_select(use_t).order_by(use_t.c.chain_seq)):
                ok = rules.content_matches(rules.USE, _fields(u, USE_FIELDS), u.prev_hash, u.hash)
                links.append(rules.Link(rules.USE, u.chain_seq, u.number, {}, u.prev_hash, u.hash, ok))
                numbers[u.id] = u.number
                by_year.setdefault((u.seal_id, u.year), []).append((u.seq, u.number))
            for v in conn.execute(sa_select(void_t).order_by(void_t.c.chain_seq)):
                ok = rules.content_matches(rules.VOID, _fields(v, VOID_FIELDS), v.prev_hash, v.hash)
                links.append(rules.Link(rules.VOID, v.chain_seq, f"{v.number} 的作废记录", {}, v.prev_hash, v.hash, ok))
                voided.append((v.use_id, v.number))
            for a in conn.execute(
                sa_select(log_t.c.id, log_t.c.entity_id, log_t.c.action, log_t.c.after)
                .where(log_t.c.entity == AUDIT_ENTITY)
                .order_by(log_t.c.id)
            ):
                anchor = _anchor(a)
                if anchor is not None:
                    anchors.append(anchor)
                    logged_at.setdefault(anchor.position, a.id)
            entries, voids = len(numbers), len(voided)
            fault = rules.verify_chain(links, anchors)
            if fault is not None:
                problem = fault.message
                if (
                    fault.index is not None
                    and fault.code in (rules.CONTENT, rules.ANCHOR)
                    and fault.position in logged_at
                ):
                    then = json.loads(s.get(AuditLog, logged_at[fault.position]).after)  # type: ignore[union-attr]
                    diff = rules.changed_fields(then, self._snapshot_at(s, fault.position), ignore=("chain", "hash"))
                    if diff:
                        problem += (
                            "改动的内容："
                            + "；".join(
                                f"{_words(d.field)}（登记时 {_short(d.then)}，现在 {_short(d.now)}）" for d in diff
                            )
                            + "。"
                        )
                return ChainCheck(False, entries, voids, fault.label, problem)
        # The chain holds; the numbers of each seal's year must too.
        for _, group in sorted(by_year.items()):
            gaps = rules.missing_seqs([seq for seq, _ in group])
            if gaps:
                after = min((g for g in group if g[0] > gaps[0]), key=lambda g: g[0])
                return ChainCheck(False, entries, voids, after[1], f"编号不连续：在它之前缺少第{gaps[0]:03d}号。")
        for use_id, number in voided:
            if numbers.get(use_id) != number:
                return ChainCheck(
                    False,
                    entries,
                    voids,
                    f"{number} 的作废记录",
                    "作废记录指向的登记与编号不一致：登记的编号被改动过。",
                )
        return ChainCheck(True, entries, voids)

    @staticmethod
    def _snapshot_at(s: Session, position: int) -> dict[str, Any]:
        """The entry (or void) at a chain position, in words."""
        u = s.exec(select(SealUse).where(SealUse.chain_seq == position)).first()
        if u is not None:
            refers = s.get(SealUse, u.refers_to_id) if u.refers_to_id else None
            return _snapshot(u, refers.number if refers is not None else "")
        v = s.exec(select(SealVoid).where(SealVoid.chain_seq == position)).first()
        return _void_snapshot(v) if v is not None else {}


def _anchor(a: Any) -> rules.Anchor | None:
    """The chain position and hash an operation-log entry recorded, if any."""
    try:
        data = json.loads(a.after) if a.after else {}
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("chain"), int):
        return None
    label = a.entity_id if a.action == REGISTERED else f"{a.entity_id} 的作废记录"
    return rules.Anchor(data["chain"], label, str(data.get("hash", "")))


def _month_of(month: str | date) -> date:
    try:
        return rules.parse_month(month)
    except ValueError as exc:
        raise ValidationError({"month": str(exc)}) from None


def install(services: Services) -> None:
    """The feature's service on the facade (cunwu_tui/feature.py Feature.install)."""
    services.seal_register = SealRegisterService(services.core, services.identity)
