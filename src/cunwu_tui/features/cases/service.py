"""Cases (受理登记): intake, the matter's steps, outcomes, refusals
(否定报备) and petitions (信访). Every write is one transaction with its
append-only CaseEvent and its audit record. Screens, the CLI and the
ledgers get plain dataclasses.

The state of a case (where it stands in its steps, its status, every
deadline) is replayed from its events by ``features.cases.flow`` and
``features.cases.rules``; ``case_record.status``, ``next_due`` and the other
summary columns only summarise them for the lists (rewritten in every
event's transaction by the same replay, see ``_summary_values``)."""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from sqlalchemy import bindparam, exists, false, func, or_, union, update
from sqlalchemy import text as sql_text
from sqlalchemy import Table
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from cunwu_tui.db.models import CaseEvent, CaseRecord, CaseSearchChar, Resident
from cunwu_tui.features.cases import flow as cf
from cunwu_tui.features.cases.actions import (
    NO_PROMPT,
    NOTICES_SCREEN,
    CaseAction,
    CaseFacts,
    Mention,
    Prompt,
    case_actions,
    prompt,
    refusal,
    why_not,
)
from cunwu_tui.features.cases import rules
from cunwu_tui.domain import inputs
from cunwu_tui.features.cases import deadlines as dl
from cunwu_tui.features.residents.service import masked_id as _masked_id
from cunwu_tui.services.core import Core, ValidationError
from cunwu_tui.services.identity import CASE_POSTPONE, PETITION_EXTEND, REFUSAL_OPINION

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.lookup.catalog import Notice as NoticeRule
    from cunwu_tui.features.lookup.service import InformLetter
    from cunwu_tui.services.identity import Confirmed
    from cunwu_tui.features.notices.service import NoticeInfo


@dataclass(frozen=True)
class DocState:
    name: str
    received: bool
    form: str = ""  # 原件 / 复印件 / 原件及复印件 as received ("" not said)
    pages: int | None = None  # pages received (the 收件回执 names them)
    received_on: date | None = None  # brought later (补交材料): when
    received_by: str = ""  # ... and who took them


@dataclass(frozen=True)
class CaseRow:
    """A case in a list: the applicant's ID is masked, the phone left out."""

    id: int
    number: str
    matter_code: str
    matter_name: str
    applicant: str
    applicant_masked_id: str
    channel: str
    kind: str
    petition: bool
    first_officer: str
    received_at: datetime
    status: str
    next_due: date | None
    next_due_what: str
    provisional: bool
    overdue: bool
    soon: bool
    missing_documents: int
    closed_at: datetime | None

    @property
    def due_text(self) -> str:
        if self.next_due is None:
            return ""
        return f"{self.next_due:%m-%d}" + ("预计" if self.provisional else "")


@dataclass(frozen=True)
class StepItem:
    order: int
    text: str
    branch: str
    actor: str
    needs_notice: bool
    state: str  # 已办 / 当前 / 待办 / 未走
    done_at: datetime | None = None
    done_by: str = ""
    note: str = ""
    limit_text: str = ""
    due: date | None = None
    notice_text: str = ""


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    operator: str
    what: str
    text: str


@dataclass(frozen=True)
class IntakeLimit:
    """The time limit the catalog states for a whole matter."""

    value: int
    unit: str  # 日 / 工作日
    text: str


@dataclass(frozen=True)
class IntakeDefaults:
    """What the intake form offers for a matter."""

    code: str
    name: str
    seed: str  # the source the documents and steps come from
    variants: tuple[tuple[str, str], ...]  # (seed, title) of every source
    documents: tuple[str, ...]  # the checklist
    limit: IntakeLimit | None
    petition: bool  # a 信访 matter
    steps: int


@dataclass(frozen=True)
class CaseIntake:
    """A case as taken in at the counter (``CaseService.add``). ``received``:
    a flag per document of the matter's list; ``pages``: the page count of
    each document received, in list order (a string of numbers separated by
    spaces, as typed, or a sequence)."""

    matter_code: str
    resident_id: int | None
    channel: str
    first_officer_id: int | None
    kind: str
    received: Sequence[bool] = ()
    note: str = ""
    limit_value: int | str | None = None
    limit_unit: str = "日"
    petition: bool = False
    seed: str | None = None
    received_at: datetime | None = None
    pages: Sequence[int | None] | str = ()


@dataclass(frozen=True)
class BranchChoice:
    """A way the case can go at a branch: its label, the step it starts at
    (None: the branch ends the steps), and how it reads."""

    label: str
    first_step: int | None
    text: str


@dataclass(frozen=True)
class RefusalInfo:
    """The case's standing 不予受理 / 不予确认 (否定报备) and what followed it."""

    kind: str
    reason: str
    basis: str
    at: datetime
    beyond_authority: bool = False  # put to a leader
    leader: str = ""
    leader_id: int | None = None
    opinion_given: bool = False
    leader_opinion: str = ""  # the opinion's text ("" when none was written)
    agree: bool = True
    told_on: date | None = None  # the written notice handed over
    told_how: str = ""
    materials: str = ""  # materials given back ...
    signed_by: str = ""  # ... signed for by
    returned_on: date | None = None


@dataclass(frozen=True)
class EscalationInfo:
    """The case's latest 上报 / 转办 and its feedback."""

    mode: str
    to: str
    chase_on: date | None
    note: str = ""
    feedback: str = ""


def _data(e: CaseEvent) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(e.data) if e.data else {}
    return data


def refusal_of(events: Sequence[CaseEvent]) -> RefusalInfo | None:
    """The refusal standing after ``events`` (a leader who disagrees reopens the case: None)."""
    from dataclasses import replace

    refusal: RefusalInfo | None = None
    for e in events:
        if e.kind == rules.REFUSE:
            data = _data(e)
            leader_id = data.get("leader_id")
            refusal = RefusalInfo(
                kind=e.label,
                reason=e.text,
                basis=str(data.get("basis", "")),
                at=e.recorded_at,
                beyond_authority=bool(data.get("beyond_authority")),
                leader=str(data.get("leader", "")),
                leader_id=int(leader_id) if leader_id is not None else None,
            )
        elif refusal is not None and e.kind == rules.LEADER_OPINION:
            agree = bool(_data(e).get("agree", True))
            refusal = replace(refusal, opinion_given=True, leader_opinion=e.text, agree=agree) if agree else None
        elif refusal is not None and e.kind == rules.REFUSAL_NOTICE:
            refusal = replace(refusal, told_on=e.on_date, told_how=e.text)
        elif refusal is not None and e.kind == rules.MATERIALS:
            signed_by = str(_data(e).get("signed_by", ""))
            refusal = replace(refusal, materials=e.text, signed_by=signed_by, returned_on=e.on_date)
    return refusal


def escalation_of(events: Sequence[CaseEvent]) -> EscalationInfo | None:
    """The latest 上报 / 转办 among ``events`` and its feedback."""
    from dataclasses import replace

    escalation: EscalationInfo | None = None
    for e in events:
        if e.kind == rules.ESCALATE:
            escalation = EscalationInfo(e.label, e.text, e.on_date, str(_data(e).get("note", "")))
        elif e.kind == rules.FEEDBACK and escalation is not None:
            escalation = replace(escalation, feedback=e.text)
    return escalation


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    resident_id: int
    applicant_phone_masked: str
    seed: str
    seed_title: str
    note: str
    limit_text: str
    documents: tuple[DocState, ...]
    steps: tuple[StepItem, ...]
    current_step: int | None
    choices: tuple[BranchChoice, ...]
    finished_steps: bool
    deadlines: tuple[rules.Tracked, ...]
    timeline: tuple[TimelineItem, ...]
    refusal: RefusalInfo | None
    escalation: EscalationInfo | None
    result: str
    accepted_on: date | None
    extension_days: int
    notice_block: str  # why the current step cannot be completed yet ("" if it can), in words
    linked_notice_id: int | None
    facts: CaseFacts  # what the action rule was given
    actions: tuple[CaseAction, ...]  # what the case allows now, in the order offered
    notice_prompt: Prompt = NO_PROMPT  # notice_block with the action it asks for
    void_reason: str = ""
    conclude_block: str = ""  # why 办结 would be refused now ("" if it would not)
    missing_reason: str = ""  # 办结 with documents still missing: why (on the record and the ledger)

    @property
    def notice_action(self) -> CaseAction | None:
        """The action that moves a step blocked by its notice on (post, send
        back), or None (wait, or enter the notice's result on the 公示 screen)."""
        action = self.notice_prompt.action
        return action if isinstance(action, CaseAction) else None

    @property
    def can_postpone(self) -> bool:
        """延期 (with a leader's approval) applies: an ordinary case still
        running against its promised date."""
        return not self.row.petition and CaseAction.POSTPONE in self.actions

    @property
    def can_complete_step(self) -> bool:
        """办理本步 would be accepted: a current step, no decision due, no notice in the way."""
        return self.facts.can_complete_step

    def why_not(self, action: CaseAction) -> Prompt:
        """Why ``action`` is not possible now (empty when it is)."""
        return why_not(self.facts, action)

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.documents if not d.received)


@dataclass(frozen=True)
class CasePage:
    """A page of a case list: its rows, whether more follow, and the whole
    list's size when it is known without reading it (no search typed)."""

    rows: tuple[CaseRow, ...]
    more: bool
    total: int | None


PAGE = 30  # cases a list reads at a time (ui.widgets.PagedTable reads the next as the cursor goes down)


@dataclass(frozen=True)
class Counts:
    due_today: int
    overdue: int
    soon: int
    oldest_overdue: CaseRow | None
    refusals_open: int


@dataclass(frozen=True)
class RefusalRow:
    number: str
    applicant: str
    matter_name: str
    refused_at: datetime
    kind: str
    reason: str
    basis: str
    beyond_authority: bool
    leader: str
    leader_opinion: str
    leader_due: date | None
    told_on: date | None
    told_due: date
    materials: str
    operator: str


@dataclass(frozen=True)
class CasePaper:
    """A paper handed to the applicant (收件回执, 不予受理告知书): rows of
    (项目, 内容) as printed and shown, the signature line at the foot."""

    kind: str  # 收件回执 / 不予受理告知书
    number: str
    applicant: str
    matter_name: str
    village: str
    township: str
    on: date
    rows: tuple[tuple[str, str], ...]
    closing: str
    unit_label: str = "出具单位"

    @property
    def text(self) -> str:
        lines = [f"{self.township}{self.village}{self.kind}", f"编号：{self.number}", ""]
        for label, value in self.rows:
            lines.append(f"{label or '':　<4}　{value}")
        lines += ["", self.closing]
        return "\n".join(lines)


def _next_deadline(summary: rules.Summary) -> rules.Tracked | None:
    """The open deadline a list shows: the earliest (the first of equals)."""
    open_d = sorted(summary.open_deadlines, key=lambda d: d.date)
    return open_d[0] if open_d else None


SUMMARY_VERSION = 1  # case_record's summary columns as _summary_values writes them (raise to redo them all)
_CASE_TABLE: Table = CaseRecord.__table__  # type: ignore[attr-defined]  # summaries are written through Core
# A character held by fewer cases than this is searched from its own list of
# cases (benchmarks/README.md, #18's fifth round: where the two ways cross).
_RARE = 1000
_WITH_DEADLINE = "_with_deadline"  # internal filter: every case with a deadline running
_FILTER_STATUSES: dict[str, tuple[str, ...]] = {  # the statuses each list shows (None: every status)
    rules.F_OPEN: (rules.OPEN, rules.ESCALATED),
    rules.F_CONCLUDED: (rules.CONCLUDED,),
    rules.F_REFUSED: tuple(rules.REFUSAL_KINDS),
}


def _count_statuses(s: Session, delta: dict[str, int]) -> None:
    """Move the kept per-status counts by ``delta`` (in the caller's write)."""
    for status, d in delta.items():
        if d:
            s.connection().execute(
                sql_text(
                    "INSERT INTO case_status_count (status, n) VALUES (:s, :d) "
                    "ON CONFLICT (status) DO UPDATE SET n = case_status_count.n + :d"
                ),
                {"s": status, "d": d},
            )


def _index_cases(s: Session, cases: Sequence[tuple[Any, ...]]) -> None:
    """The search index's rows for (id, applicant, matter, code, number)."""
    pairs = [{"c": ch, "i": c[0]} for c in cases for ch in rules.index_chars(*c[1:])]
    if pairs:
        s.connection().execute(
            sql_text("INSERT OR IGNORE INTO case_search_char (ch, case_id) VALUES (:c, :i)")
            if s.connection().dialect.name == "sqlite"
            else sql_text("INSERT INTO case_search_char (ch, case_id) VALUES (:c, :i) ON CONFLICT DO NOTHING"),
            pairs,
        )


def _no_conditions(case_id: Any) -> list[Any]:
    return []


def _light() -> Any:
    """What a list row needs, as plain rows (a page of ORM objects costs
    more than its query): the case's summary columns and the applicant's
    ID (masked in the row). ``CaseService._stored_row`` unpacks them in
    this order."""
    c = CaseRecord.__table__.c  # type: ignore[attr-defined]
    # More columns than sqlmodel's select() has overloads for:
    return select(
        c.id,
        c.number,
        c.matter_code,
        c.matter_name,
        c.applicant_name,
        c.channel,
        c.kind,
        c.petition,  # type: ignore[call-overload]
        c.first_officer_name,
        c.received_at,
        c.status,
        c.next_due,
        c.next_due_what,
        c.next_due_provisional,
        c.missing_documents,
        c.closed_at,
        c.summary_version,
        col(Resident.id_type).label("resident_id_type"),
        col(Resident.id_number).label("resident_id_number"),
    )


def _one_line(text: str) -> str:
    return inputs.clean(text)


def _text(
    value: object,
    field: str,
    label: str,
    limit: int = inputs.LINE,
    required: bool | str = False,
    multiline: bool = False,
) -> str:
    try:
        return inputs.text(value, label, limit, required, multiline)
    except inputs.InputError as exc:
        raise ValidationError({field: str(exc)}) from None


def _date(
    value: str | date | None, field: str, what: str, required: bool = True, window: inputs.Window | None = None
) -> date | None:
    try:
        return inputs.day(value, what, window or inputs.Window(), required, example="2026-12-02")
    except inputs.InputError as exc:
        raise ValidationError({field: str(exc)}) from None


def _docs_of(raw: str, events: Sequence[CaseEvent] = ()) -> tuple[DocState, ...]:
    """The documents as taken in (``[name, received, form?, pages?]``), with
    those brought later (补交材料 events) marked received."""
    try:
        items = json.loads(raw) if raw else []
    except ValueError:
        return ()
    docs = [
        DocState(
            str(it[0]), bool(it[1]), str(it[2]) if len(it) > 2 else "", int(it[3]) if len(it) > 3 and it[3] else None
        )
        for it in items
    ]
    for e in events:
        if e.kind != rules.DOCUMENTS:
            continue
        data = json.loads(e.data) if e.data else {}
        for i in data.get("documents", ()):
            if 0 <= i < len(docs) and not docs[i].received:
                docs[i] = DocState(
                    docs[i].name,
                    True,
                    docs[i].form,
                    data.get("pages", {}).get(str(i)),
                    e.on_date or e.recorded_at.date(),
                    data.get("received_by", ""),
                )
    return tuple(docs)


class CaseService:
    def __init__(
        self,
        core: Core,
        settings: Any = None,
        catalog: Any = None,
        residents: Any = None,
        notices: Any = None,
        staff: Any = None,
        identity: Any = None,
    ):
        self.core = core
        self._indexed = True  # searches use case_search_char (tests compare them with a plain reading of every case)
        self.identity = identity  # services/identity.IdentityService: leaders approve in person
        self.settings = settings
        self.catalog = catalog
        self.residents = residents
        self.notices = notices
        self.staff = staff

    # -- the matter's flow ----------------------------------------------------
    def _steps(self, code: str, seed: str) -> tuple[cf.FlowStep, ...]:
        try:
            matter = self.catalog.matter(code)
        except KeyError:
            return ()
        out = []
        for s in matter.steps:
            own = matter.seed_of(s)
            if own not in ("", seed):
                continue
            limit = s.time_limit
            if limit is None:
                limit = next(
                    (t for t in matter.time_limits if t.step == s.order and matter.seed_of(t) in ("", seed)), None
                )
            value, unit = (
                (limit.value, limit.unit) if limit is not None and limit.unit in ("日", "工作日") else (None, "")
            )
            out.append(
                cf.FlowStep(
                    s.order, s.text, s.branch, s.next_on_branch, s.notice is not None, value, unit, s.actor, s.after
                )
            )
        return tuple(out)

    def intake_defaults(self, code: str, seed: str | None = None) -> IntakeDefaults:
        """What the intake form offers for a matter: its sources, its
        documents (the checklist), the time limit the catalog states (if one
        applies to the whole matter) and whether it is a 信访 matter."""
        view = self.catalog.view(code, seed)
        matter = self.catalog.matter(code)
        if getattr(matter, "is_rule", False):
            raise ValidationError({"matter": f"「{matter.name}」是本单位的工作制度，仅供查阅，不是可受理的事项。"})
        limit = next(
            (
                t
                for t in matter.time_limits
                if t.step is None and matter.seed_of(t) in ("", view.seed) and t.unit in ("日", "工作日")
            ),
            None,
        )
        return IntakeDefaults(
            code=view.code,
            name=view.name,
            seed=view.seed,
            variants=view.variants,
            documents=tuple(d.line for d in view.documents),
            limit=IntakeLimit(limit.value, limit.unit, limit.text) if limit else None,
            petition="信访" in view.name or "来信来访" in view.name or any("信访" in a for a in view.aliases),
            steps=len(view.steps),
        )

    # -- intake -----------------------------------------------------------------
    def add(self, intake: CaseIntake) -> CaseRow:
        """Take a case in (the page counts go on the 收件回执)."""
        # One transaction from the checks to the audit record: the matter,
        # the first officer and the applicant are read where they are written.
        with self.core.write():
            return self._add(intake)

    def _add(self, intake: CaseIntake) -> CaseRow:
        matter_code, resident_id, channel = intake.matter_code, intake.resident_id, intake.channel
        first_officer_id, kind, received, note = intake.first_officer_id, intake.kind, intake.received, intake.note
        limit_value, limit_unit, petition, seed = intake.limit_value, intake.limit_unit, intake.petition, intake.seed
        received_at, pages = intake.received_at, intake.pages
        errors: dict[str, str] = {}
        view = None
        try:
            view = self.catalog.view(matter_code, seed)
            if view.category == "制度":
                errors["matter"] = f"「{view.name}」是本单位的工作制度，仅供查阅，不是可受理的事项。"
                view = None
        except (KeyError, ValueError):
            errors["matter"] = "请选择要办理的事项（可输入名称或拼音首字母查找）。"
        if resident_id is None:
            errors["resident"] = "请选择申请人，或登记新的居民。"
        if channel not in rules.CHANNELS:
            errors["channel"] = "请选择受理渠道：" + "/".join(rules.CHANNELS) + "。"
        if kind not in rules.KINDS:
            errors["kind"] = "请选择办件类型：" + "/".join(rules.KINDS) + "。"
        officer = self.staff.get(first_officer_id) if (self.staff and first_officer_id is not None) else None
        if officer is None or not officer.active:
            errors["first_officer"] = "请选择首问人（在岗人员）。"
        f = inputs.Fields()
        unit = limit_unit or "日"
        value = f.integer("limit", limit_value, "办理时限", 1, 366, required=False, unit="日")
        note = f.text("note", note, "备注", inputs.LINE, multiline=True)
        if received_at is not None and not (inputs.OFFICE_EPOCH <= received_at.date() <= self.core.now().date()):
            f.error("received_at", "受理时间不对：应在1949年10月1日之后、今天之前。")
        errors.update(f.errors)
        if unit not in ("日", "工作日"):
            errors["limit"] = "时限单位应为 日 或 工作日。"
        if kind in rules.KINDS[1:] and not petition and value is None and "limit" not in errors:
            errors["limit"] = "限时办结：请填写承诺办结时限（本事项目录未载明的，按本村承诺填写）。"
        docs: tuple[str, ...] = tuple(d.line for d in view.documents) if view else ()
        if view is not None and len(received) not in (0, len(docs)):
            errors["documents"] = "材料清单与事项不符，请重新选择事项。"
        page_list: list[int | None] = []
        if isinstance(pages, str):
            words = inputs.clean(pages).replace("，", " ").replace(",", " ").replace("、", " ").split()
            try:
                page_list = [inputs.integer(w, "材料页数", 1, 999, unit="页") for w in words]
            except inputs.InputError as exc:
                errors["pages"] = f"{exc}按勾选的材料顺序用空格分开，如 2 1 3。"
        else:
            page_list = list(pages)
        n_received = sum(1 for flag in received if flag)
        if page_list and "pages" not in errors:
            if len(page_list) != n_received:
                errors["pages"] = f"已勾选 {n_received} 项材料，页数填了 {len(page_list)} 个：请每项填一个。"
            elif any(p is not None and not (1 <= p <= 999) for p in page_list):
                errors["pages"] = "每项材料的页数应在1到999之间。"
        if errors:
            raise ValidationError(errors)
        assert view is not None and officer is not None and resident_id is not None
        now = self.core.now()
        when = received_at or now
        flags = list(received) if received else [False] * len(docs)
        got = iter(page_list)
        stored = []
        for d_line, doc, flag in zip(docs, view.documents, flags):
            pg = next(got, None) if (flag and page_list) else None
            stored.append([d_line, bool(flag), doc.form, pg])
        due = rules.promised_due(when.date(), kind, None if petition else value, unit, self.core.calendar)
        with self.core.write() as s:
            resident = s.get(Resident, resident_id)
            if resident is None:
                raise ValidationError({"resident": "该居民不存在，请重新选择。"})
            year = when.year
            seq = (s.exec(select(func.max(CaseRecord.seq)).where(CaseRecord.year == year)).one() or 0) + 1
            op = self.core.operator
            row = CaseRecord(
                year=year,
                seq=seq,
                number=dl.case_number(year, seq),
                matter_code=view.code,
                matter_name=view.name,
                seed=view.seed,
                resident_id=resident_id,
                applicant_name=resident.name,
                channel=channel,
                first_officer_id=officer.id,
                first_officer_name=officer.name,
                kind=kind,
                petition=bool(petition),
                documents=json.dumps(stored, ensure_ascii=False),
                note=note,
                received_at=when,
                limit_value=None if petition or kind == rules.KINDS[0] else value,
                limit_unit=unit if value is not None and not petition and kind != rules.KINDS[0] else "",
                due_date=due.date if due else None,
                due_provisional=bool(due and due.provisional),
                operator_id=op.id if op else None,
                operator_name=op.name if op else "",
                recorded_at=now,
            )
            s.add(row)
            s.flush()
            _count_statuses(s, {row.status: 1})
            _index_cases(s, [(row.id, row.applicant_name, row.matter_name, row.matter_code, row.number)])
            # a new case's only event, its intake: replayed as it is, written
            # (and chained) with the audit record by the commit's flush
            events = [self._event(s, row, rules.INTAKE, text=note, flush=False)]
            summary = self._resummarize(s, row, events)
            self.core.audit(
                s,
                "case",
                row.number,
                "受理登记",
                None,
                {
                    "matter": view.name,
                    "applicant": resident.name,
                    "channel": channel,
                    "first_officer": officer.name,
                    "kind": kind + ("（信访）" if petition else ""),
                    "due": row.due_date.isoformat() if row.due_date else "",
                    "missing": "、".join(n for n, f in zip(docs, flags) if not f),
                },
            )
            # the new case's list row, from the write's own replay (no second read)
            added = self._row(row, resident, summary, now.date(), events)
        return added

    def letter(self, case_id: int, today: date | None = None) -> InformLetter:
        """The 一次性告知书 of a case: exactly the documents still missing."""
        with self.core.read() as s:
            row = self._get(s, case_id)
            docs = _docs_of(row.documents, self._events(s, case_id))
            applicant = row.applicant_name
        view = self.catalog.view(row.matter_code, row.seed)
        if len(view.documents) == len(docs):
            received = [d.received for d in docs]
        else:  # the catalog changed since the intake: match by line
            got = {d.name for d in docs if d.received}
            received = [d.line in got for d in view.documents]
        letter: InformLetter = self.catalog.letter(
            row.matter_code, row.seed, applicant, received, today or self.core.now().date()
        )
        return letter

    # -- papers for the applicant ------------------------------------------------
    def _office(self) -> tuple[str, str, str]:
        prof = self.settings.profile() if self.settings is not None else None
        return (
            getattr(prof, "village", "") or "",
            getattr(prof, "township", "") or "",
            getattr(prof, "phone", "") or "",
        )

    def receipt(self, case_id: int, today: date | None = None) -> CasePaper:
        """收件回执 (限时办结制: 写明所收材料名称、页数、办结时间及经办人姓名):
        every document received with 原件/复印件 and pages, the promised
        completion date, the handler's name and phone, the office."""
        d = self.detail(case_id, today)
        r = d.row
        village, township, office_phone = self._office()
        handler = self.staff.get(self._first_officer_id(case_id)) if self.staff is not None else None
        rows: list[tuple[str, str]] = [
            ("办理事项", r.matter_name),
            ("申请人", f"{r.applicant}（{r.applicant_masked_id}）"),
            ("受理时间", f"{r.received_at:%Y-%m-%d %H:%M}"),
            ("办件类型", r.kind + ("（信访件）" if r.petition else "")),
        ]
        got = [doc for doc in d.documents if doc.received]
        for i, doc in enumerate(got, 1):
            form = doc.form or "□原件 □复印件"
            pages = f"{doc.pages}页" if doc.pages else "____页"
            late = f"，{doc.received_on:%Y-%m-%d}补交" if doc.received_on else ""
            rows.append(("所收材料" if i == 1 else "", f"{i}. {doc.name}（{form}，{pages}{late}）"))
        if not got:
            rows.append(("所收材料", "未收到材料。"))
        if d.missing:
            rows.append(("尚缺材料", f"{len(d.missing)}项，见一次性告知书"))
        if r.kind == rules.KINDS[0]:
            due = "即办件，当日办结"
        else:
            promised = next(
                (t for t in d.deadlines if t.what in ("承诺办结", "承诺办结（已延期）", "办结", "办结（已延期）")), None
            )
            due = (
                (f"{promised.date:%Y年%m月%d日}" + ("（预计）" if promised.provisional else ""))
                if promised
                else "按信访工作条例"
            )
        rows.append(("办结时间", due + (f"（{d.limit_text}）" if d.limit_text and r.kind != rules.KINDS[0] else "")))
        rows.append(
            ("经办人", r.first_officer + (f"　电话：{handler.phone}" if handler is not None and handler.phone else ""))
        )
        rows.append(("办理单位", f"{township}{village}" + (f"　电话：{office_phone}" if office_phone else "")))
        gap = "\u3000" * 6
        on = today or self.core.now().date()
        closing = f"申请人签字：{gap}　　经办人签字：{gap}　　日期：{on.year}年{on.month}月{on.day}日"
        return CasePaper("收件回执", r.number, r.applicant, r.matter_name, village, township, on, tuple(rows), closing)

    def refusal_paper(self, case_id: int, today: date | None = None) -> CasePaper:
        """不予受理（确认）告知书 (否定报备制: 理由及根据，书面告知报办人;
        要求退还材料的予以退还并签收): reason, basis, the leader's opinion,
        where the refusal is reported, the materials, date and office."""
        d = self.detail(case_id, today)
        r = d.row
        f = d.refusal
        if not f:
            raise ValidationError({"refusal": "该办件没有登记不予受理（确认），不能出具告知书。"})
        village, township, office_phone = self._office()
        kind = f.kind or rules.REFUSED
        rows: list[tuple[str, str]] = [
            ("申请人", f"{r.applicant}（{r.applicant_masked_id}）"),
            ("申请事项", r.matter_name),
            ("受理时间", f"{r.received_at:%Y-%m-%d %H:%M}"),
            ("决定", kind),
            ("理由", f.reason),
            ("依据", f.basis),
        ]
        if f.beyond_authority:
            if f.opinion_given:
                opinion = f"{'同意' if f.agree else '不同意'}" + (f"（{f.leader_opinion}）" if f.leader_opinion else "")
            else:
                opinion = "尚未提出意见（3日内）"
            rows.append(("领导审核", f"{f.leader}：{opinion}"))
        rows.append(("报备", f"本件已按否定报备制登记备案，并书面报上级机关（{township or '乡镇（街道）'}）。"))
        rows.append(
            (
                "材料",
                "申请人要求退还被否定的申报材料的，予以退还，并签收备查。"
                + (f"已退还：{f.materials}（{f.signed_by}签收）" if f.materials else ""),
            )
        )
        if r.petition:
            rows.append(("信访人", "不予受理的信访事项，请向有权处理的部门提出。"))
        rows.append(("告知单位", f"{township}{village}" + (f"　电话：{office_phone}" if office_phone else "")))
        gap = "\u3000" * 6
        on = today or self.core.now().date()
        closing = f"经办人：{r.first_officer}{gap}　　申请人签收：{gap}　　日期：{on.year}年{on.month}月{on.day}日"
        return CasePaper(
            f"{kind}告知书",
            r.number,
            r.applicant,
            r.matter_name,
            village,
            township,
            on,
            tuple(rows),
            closing,
            unit_label="告知单位",
        )

    def _first_officer_id(self, case_id: int) -> int | None:
        with self.core.read() as s:
            return self._get(s, case_id).first_officer_id

    def write_paper(self, paper: CasePaper, folder: str | Path | None = None) -> Path:
        """The paper as an A4 portrait xlsx in the export folder (never over
        an existing file); its issue goes on the record."""
        from cunwu_tui.features.lookup.letter import PaperView, paper_filename, write_case_paper
        from cunwu_tui.ledgers.naming import LedgerError, ensure_writable_folder, unique_path

        if folder is None:
            from cunwu_tui.services.export import DEFAULT_DIR
            from cunwu_tui.services.settings import EXPORT_DIR

            remembered = self.settings.get(EXPORT_DIR) if self.settings is not None else ""
            folder = Path(remembered) if remembered else Path.cwd() / DEFAULT_DIR
        try:
            target = ensure_writable_folder(Path(folder).expanduser())
            view = PaperView(
                paper.kind,
                paper.number,
                paper.applicant,
                paper.matter_name,
                paper.village,
                paper.township,
                paper.on,
                paper.rows,
                paper.closing,
                paper.unit_label,
            )
            path = write_case_paper(view, unique_path(target / paper_filename(view)))
        except LedgerError as exc:
            raise ValidationError({"out_dir": str(exc)}) from None
        with self.core.write() as s:
            self.core.audit(
                s,
                "case",
                paper.number,
                f"出具{paper.kind}",
                None,
                {"name": paper.kind, "applicant": paper.applicant, "file": str(path)},
            )
        return path

    # -- reading ----------------------------------------------------------------
    def _get(self, s: Session, case_id: int) -> CaseRecord:
        row = s.get(CaseRecord, case_id)
        if row is None:
            raise ValidationError({"case": "该办件不存在。"})
        return row

    def _events(self, s: Session, case_id: int | None) -> list[CaseEvent]:
        return list(s.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))

    @staticmethod
    def _domain_event(e: CaseEvent) -> rules.Event:
        data = json.loads(e.data) if e.data else {}
        return rules.Event(e.kind, e.recorded_at.date(), e.step, e.label, e.on_date, e.text, data)

    def _flow(self, row: CaseRecord) -> cf.Flow:
        return cf.Flow(self._steps(row.matter_code, row.seed))

    @staticmethod
    def _flow_events(events: list[CaseEvent]) -> list[cf.FlowEvent]:
        kinds = {rules.STEP_DONE: cf.DONE, rules.STEP_BRANCH: cf.BRANCH, rules.STEP_BACK: cf.BACK}
        return [cf.FlowEvent(kinds[e.kind], e.step, e.label, e.recorded_at.date()) for e in events if e.kind in kinds]

    def _state(self, row: CaseRecord, events: list[CaseEvent]) -> tuple[cf.Flow, cf.FlowState, rules.Summary]:
        flow = self._flow(row)
        try:
            fstate = flow.replay(self._flow_events(events))
        except cf.FlowError:  # the catalog's steps changed under an old case: show it as it stands
            fstate = flow.initial()
        intake = rules.Intake(row.received_at.date(), row.kind, row.petition, row.due_date, row.due_provisional)
        summary = rules.summarize(intake, [self._domain_event(e) for e in events], self.core.calendar)
        extra: list[rules.Tracked] = []
        if summary.status in (rules.OPEN, rules.ESCALATED) and fstate.current is not None:
            step = flow.step(fstate.current)
            if step.limit_value is not None and fstate.current_since is not None:
                from cunwu_tui.domain import workdays

                d = workdays.due_date(fstate.current_since, step.limit_value, step.limit_unit, self.core.calendar)
                extra.append(rules.Tracked(f"第{step.order}步时限", d.date, d.provisional))
        if extra:
            summary = rules.Summary(
                summary.status,
                summary.refusal_kind,
                summary.deadlines + tuple(extra),
                summary.accepted_on,
                summary.extension_days,
            )
        return flow, fstate, summary

    def _resummarize(self, s: Session, row: CaseRecord, events: list[CaseEvent] | None = None) -> rules.Summary:
        """Rewrite the case's summary columns from the same replay as the
        detail (in the write's transaction, after its event)."""
        if events is None:
            assert row.id is not None
            events = self._events(s, row.id)
        _, fstate, summary = self._state(row, events)
        values = self._summary_values(row, events, fstate, summary)
        before = row.status
        # A Core UPDATE (the ORM's would first look for the row among the
        # session's objects: a third of the write's time), then the same values
        # set on ``row`` as stored, so that nothing is flushed again.
        s.connection().execute(update(_CASE_TABLE).where(_CASE_TABLE.c.id == row.id).values(**values))
        for key, value in values.items():
            set_committed_value(row, key, value)
        if before != values["status"]:
            _count_statuses(s, {before: -1, values["status"]: 1})
        return summary

    def _summary_values(
        self, row: CaseRecord, events: Sequence[CaseEvent], fstate: cf.FlowState, summary: rules.Summary
    ) -> dict[str, Any]:
        closed = None
        if summary.status in (rules.CONCLUDED, rules.REFUSED, rules.VOIDED):
            closed = row.closed_at or self.core.now()
        nd = _next_deadline(summary)
        return {
            "status": summary.status_text(),
            "next_due": summary.next_due,
            "closed_at": closed,
            "next_due_what": nd.what if nd else "",
            "next_due_provisional": bool(nd and nd.provisional),
            "current_step": fstate.current,
            "missing_documents": sum(1 for d in _docs_of(row.documents, events) if not d.received),
            "summary_version": SUMMARY_VERSION,
        }

    def resummarize_all(self, stale_only: bool = True, live_only: bool = False) -> int:
        """Summarise cases again by replaying their events: the ones not yet
        summarised by this version (an upgraded or restored database: the
        app's start-up worker, once; until then the lists replay them), or
        every case with a deadline still running (``live_only``: the holiday
        calendar changed, so working-day deadlines may move). Returns how
        many were rewritten. Not an operation of the clerk's: no audit
        record (the summary columns are not on the record)."""
        with self.core.read() as s:
            q = select(CaseRecord.id)
            if live_only:
                q = q.where(
                    or_(
                        CaseRecord.next_due.is_not(None),  # type: ignore[union-attr]
                        CaseRecord.status.in_((rules.OPEN, rules.ESCALATED)),  # type: ignore[attr-defined]
                    )
                )
            elif stale_only:
                q = q.where(CaseRecord.summary_version < SUMMARY_VERSION)
            ids = list(s.exec(q.order_by(col(CaseRecord.id))))
        table = CaseRecord.__table__  # type: ignore[attr-defined]
        done = 0
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            with self.core.write() as s:
                rows = list(s.exec(select(CaseRecord).where(col(CaseRecord.id).in_(part))))
                events = self._events_of(s, part)
                changes = []
                moved: dict[str, int] = {}
                for row in rows:
                    evs = events.get(row.id, [])
                    _, fstate, summary = self._state(row, evs)
                    values = self._summary_values(row, evs, fstate, summary)
                    if not live_only or any(getattr(row, k) != v for k, v in values.items()):
                        changes.append({"_id": row.id, **values})
                        moved[row.status] = moved.get(row.status, 0) - 1
                        moved[values["status"]] = moved.get(values["status"], 0) + 1
                if changes:  # one statement for the lot (Core: no ORM bookkeeping per row)
                    stmt = (
                        table.update()
                        .where(table.c.id == bindparam("_id"))
                        .values({k: bindparam(k) for k in changes[0] if k != "_id"})
                    )
                    s.connection().execute(stmt, changes)
                    _count_statuses(s, moved)
                    done += len(changes)
        if stale_only and not live_only:  # at each start: the kept counts against the cases themselves
            self._recount()
        return done

    def _recount(self) -> None:
        """case_status_count as the cases say (a copy of an older file, or
        rows added outside the app, would leave it behind); cases not in the
        search index yet, indexed (and residents, for the applicant picker)."""
        self.residents.reindex()
        with self.core.read() as s:
            top = s.connection().execute(sql_text("SELECT MAX(case_id) FROM case_search_char")).scalar() or 0
            missing = (
                s.connection()
                .execute(
                    sql_text(
                        "SELECT id, applicant_name, matter_name, matter_code, number FROM case_record WHERE id > :t"
                    ),
                    {"t": top},
                )
                .all()
            )
        for i in range(0, len(missing), 2000):
            with self.core.write() as s:
                _index_cases(s, [tuple(r) for r in missing[i : i + 2000]])
        with self.core.read() as s:
            real: dict[str, int] = dict(
                s.connection().execute(sql_text("SELECT status, COUNT(*) FROM case_record GROUP BY status")).all()
            )
            kept: dict[str, int] = dict(
                s.connection().execute(sql_text("SELECT status, n FROM case_status_count WHERE n != 0")).all()
            )
        if real != kept:
            import logging

            logging.getLogger("cunwu.cases").warning("case counts kept were off; recounted")
            with self.core.write() as s:
                s.connection().execute(sql_text("DELETE FROM case_status_count"))
                _count_statuses(s, real)

    @staticmethod
    def _events_of(s: Session, ids: Sequence[int | None]) -> dict[int, list[CaseEvent]]:
        events: dict[int, list[CaseEvent]] = {}
        for chunk in range(0, len(ids), 500):  # one query per 500 cases, not one per case
            part = list(ids[chunk : chunk + 500])
            for e in s.exec(select(CaseEvent).where(col(CaseEvent.case_id).in_(part)).order_by(col(CaseEvent.id))):
                events.setdefault(e.case_id, []).append(e)
        return events

    def _row(
        self,
        row: CaseRecord,
        resident: Resident | None,
        summary: rules.Summary,
        today: date,
        events: Sequence[CaseEvent] = (),
    ) -> CaseRow:
        from cunwu_tui.features.residents.service import resident_info

        masked = resident_info(resident).masked_id if resident is not None else ""
        open_d = sorted(summary.open_deadlines, key=lambda d: d.date)
        nd = open_d[0] if open_d else None
        return CaseRow(
            id=row.id or 0,
            number=row.number,
            matter_code=row.matter_code,
            matter_name=row.matter_name,
            applicant=row.applicant_name,
            applicant_masked_id=masked,
            channel=row.channel,
            kind=row.kind,
            petition=row.petition,
            first_officer=row.first_officer_name,
            received_at=row.received_at,
            status=summary.status_text(),
            next_due=nd.date if nd else None,
            next_due_what=nd.what if nd else "",
            provisional=bool(nd and nd.provisional),
            overdue=summary.overdue(today),
            soon=summary.due_within(today, self.core.calendar),
            missing_documents=sum(1 for d in _docs_of(row.documents, events) if not d.received),
            closed_at=row.closed_at,
        )

    def row(self, case_id: int, today: date | None = None) -> CaseRow:
        today = today or self.core.now().date()
        with self.core.read() as s:
            row = self._get(s, case_id)
            events = self._events(s, case_id)
            _, _, summary = self._state(row, events)
            return self._row(row, s.get(Resident, row.resident_id), summary, today, events)

    def list(
        self, filter: str = rules.F_OPEN, query: str = "", today: date | None = None, limit: int = 500
    ) -> list[CaseRow]:
        """The first ``limit`` cases of ``page``'s list."""
        return list(self.page(filter, query, today, 0, limit).rows)

    def page(
        self, filter: str = rules.F_OPEN, query: str = "", today: date | None = None, offset: int = 0, limit: int = PAGE
    ) -> CasePage:
        """Cases by filter (在办 / 即将到期 / 逾期 / 办结 / 不予受理 / 全部),
        searched by number, applicant's name, ID number (whole or its last
        4+ characters) or matter; ``limit`` of them from ``offset``.

        The order: cases with a deadline running first, the nearest first
        (so the overdue ones lead), then the others newest first. Read from
        the summary columns, in two index-ordered parts, so a page costs the
        same on ten years of cases as on a few."""
        today = today or self.core.now().date()
        with self.core.read() as s:
            run = s.connection().execute  # plain rows through Core: the ORM's per-statement work is not needed
            q = inputs.search_key(query)
            conds: list[Any] = []
            held: Callable[[Any], builtins.list[Any]] = _no_conditions  # no characters to look up
            statuses = _FILTER_STATUSES.get(filter)
            if statuses:
                conds.append(CaseRecord.status.in_(statuses))  # type: ignore[attr-defined]
            if q and rules.digit_runs(q, 3) and self._indexed:
                # a number, its digits, an ID number's end: found through indexes, not by reading every case
                conds.append(self._with_digits(run, q))
            elif q:
                esc = inputs.like_escaped(q)  # % and _ as typed
                found = [
                    CaseRecord.number.icontains(q, autoescape=esc),  # type: ignore[attr-defined]
                    CaseRecord.applicant_name.icontains(q, autoescape=esc),  # type: ignore[attr-defined]
                    CaseRecord.matter_name.icontains(q, autoescape=esc),  # type: ignore[attr-defined]
                    CaseRecord.matter_code.icontains(q, autoescape=esc),  # type: ignore[attr-defined]
                ]
                seq = rules.typed_seq(q)
                if seq is not None:
                    found.append(CaseRecord.seq == seq)
                if len(q) >= 4 and any(ch.isdigit() for ch in q):
                    found += [col(Resident.id_number).endswith(q, autoescape=esc), Resident.id_number == q]
                conds.append(or_(*found))
                chars = inputs.probe_chars(q)  # the text is compared too: a few characters narrow enough
                if chars and not any(ch.isascii() and ch.isdigit() for ch in q) and self._indexed:
                    # only the cases holding every typed character (the index kept at intake), not every case
                    held = self._holding(run, chars)
            # a range, not IS NOT NULL: SQLite then reads the few cases through the index on next_due
            running = [CaseRecord.next_due >= date.min]  # type: ignore[operator]
            if filter == rules.F_OVERDUE:
                running = [CaseRecord.next_due >= date.min, CaseRecord.next_due < today]  # type: ignore[operator]
            elif filter == rules.F_SOON:
                running = [
                    CaseRecord.next_due >= today,  # type: ignore[operator]
                    CaseRecord.next_due <= dl.last_day_within(today, rules.SOON_WORKDAYS, self.core.calendar),  # type: ignore[operator]
                ]
            deadline_only = filter in (rules.F_SOON, rules.F_OVERDUE, _WITH_DEADLINE)
            joined = _light().join(Resident, CaseRecord.resident_id == Resident.id)
            # The cases with a deadline running are few (a village's open cases): read through
            # the index on next_due, each checked for the characters ("id + 0": SQLite would
            # otherwise read every case holding them, hundreds for a surname, and sort them).
            with_deadline = [*conds, *held(col(CaseRecord.id) + 0), *running]
            first = joined.where(*with_deadline).order_by(CaseRecord.next_due, CaseRecord.received_at, CaseRecord.id)
            found_rows = list(run(first.offset(offset).limit(limit + 1)))
            if len(found_rows) <= limit and not deadline_only:
                skip = 0
                if offset and not found_rows:  # the page starts among the others: how many came before it
                    skip = (
                        offset
                        - run(select(func.count()).select_from(joined.where(*with_deadline).subquery())).scalar_one()
                    )
                # the others newest first: the cases holding the characters, by id, until a page is full
                rest = joined.where(*conds, *held(col(CaseRecord.id)), CaseRecord.next_due.is_(None)).order_by(  # type: ignore[union-attr]
                    CaseRecord.id.desc()  # type: ignore[union-attr]
                )
                found_rows += list(run(rest.offset(max(skip, 0)).limit(limit + 1 - len(found_rows))))
            more = len(found_rows) > limit
            rows = self._summary_rows(s, found_rows[:limit], today)
            total = None
            if not q and not offset:  # the screen keeps the first page's total
                if deadline_only:  # few: counted through the index on next_due
                    total = run(select(func.count()).select_from(CaseRecord).where(*running)).scalar_one()
                else:  # kept on write, per status
                    kept = sql_text(
                        "SELECT COALESCE(SUM(n), 0) FROM case_status_count"
                        + (" WHERE status IN :s" if statuses else "")
                    )
                    if statuses:
                        kept = kept.bindparams(bindparam("s", expanding=True))
                    total = int(run(kept, {"s": list(statuses)} if statuses else {}).scalar_one())
        if filter == rules.F_OVERDUE:  # a case not summarised yet: its replay decides
            rows = [r for r in rows if r.overdue]
        elif filter == rules.F_SOON:
            rows = [r for r in rows if r.soon and not r.overdue]
        return CasePage(tuple(rows), more, total)

    @staticmethod
    def _holding(run: Callable[..., Any], chars: Sequence[str]) -> Callable[[Any], builtins.list[Any]]:
        """Conditions on a case's id: the case holds every one of ``chars``
        (case_search_char); given the expression of the id to compare.

        Two ways, chosen by how many cases hold the rarest character (counted
        up to ``_RARE`` through the index). Few: the cases holding them all
        are found first (SQLite collects them once per query), from the
        rarest character's cases checked for the others through the index,
        and the list reads just those. Many (户口: thousands of cases on ten
        years): the list reads cases in its own order and checks each
        through the index until a page is full, instead of first collecting
        thousands of ids."""
        counts = ", ".join(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM case_search_char WHERE ch = :c{i} LIMIT {_RARE}) AS h{i})"
            for i in range(len(chars))
        )
        got = run(sql_text(f"SELECT {counts}"), {f"c{i}": ch for i, ch in enumerate(chars)}).one()
        held = dict(zip(chars, (int(n) for n in got)))
        rarest = min(chars, key=lambda ch: (held[ch], ch))
        if held[rarest] < _RARE:
            outer = CaseSearchChar.__table__.alias("held")  # type: ignore[attr-defined]
            probes = [
                exists().where(col(CaseSearchChar.ch) == ch, col(CaseSearchChar.case_id) == outer.c.case_id)
                for ch in chars
                if ch != rarest
            ]
            found = select(outer.c.case_id).where(outer.c.ch == rarest, *probes)
            return lambda case_id: [case_id.in_(found)]
        return lambda case_id: [
            exists().where(col(CaseSearchChar.ch) == ch, col(CaseSearchChar.case_id) == case_id) for ch in chars
        ]

    @classmethod
    def _with_digits(cls, run: Callable[..., Any], q: str) -> Any:
        """The condition of a search holding a run of 3 or more ASCII digits
        (0123, 〔2025〕第0123号, an ID number's end): the same cases as
        comparing the text of each (the number, the applicant, the matter
        and its code, the sequence, the ID number's end), found through
        indexes. A number (deadlines.case_number: 〔year〕第seq号, the
        sequence in rules.SEQ_DIGITS digits) holds each run of digits of the
        search in its year or in its sequence: the cases of those years and
        of those sequences in every year (for the run that fewest numbers
        hold), through the index on (year, seq), and only those compared as
        text. An applicant, matter or code
        holding the search holds its digits: through the character index
        (few cases hold a digit there). An ID number: through the residents."""
        # (two subqueries: SQLite reads a MIN or a MAX alone from the index, both at once by reading every case)
        first, last = run(
            select(
                select(func.min(CaseRecord.year)).scalar_subquery(), select(func.max(CaseRecord.year)).scalar_subquery()
            )
        ).one()
        if first is None:
            return false()
        years = list(range(int(first), int(last) + 1))
        case_id, year, seq = col(CaseRecord.id), col(CaseRecord.year), col(CaseRecord.seq)
        esc = inputs.like_escaped(q)  # % and _ as typed
        number = col(CaseRecord.number).icontains(q, autoescape=esc)
        # the run of digits held by the fewest numbers (a year's thousands of cases
        # against a sequence's one a year); the others are in the text compared
        runs = [(rules.years_holding(r, int(first), int(last)), rules.seqs_holding(r)) for r in rules.digit_runs(q, 3)]
        in_years, seqs = min(runs, key=lambda w: (len(w[0]), len(w[1])))
        ways = [select(case_id).where(year.in_(years), seq > 10**rules.SEQ_DIGITS - 1)]  # longer sequences
        if in_years:
            ways.append(select(case_id).where(year.in_(in_years)))
        if seqs:
            ways.append(select(case_id).where(year.in_(years), seq.in_(seqs)))
        parts = [
            select(case_id).where(case_id.in_(union(*ways)), number),
            select(case_id).where(
                *cls._holding(run, sorted({ch for ch in q if ch.isascii() and ch.isdigit()}))(case_id),
                or_(
                    col(CaseRecord.applicant_name).icontains(q, autoescape=esc),
                    col(CaseRecord.matter_name).icontains(q, autoescape=esc),
                    col(CaseRecord.matter_code).icontains(q, autoescape=esc),
                ),
            ),
        ]
        typed = rules.typed_seq(q)
        if typed is not None:  # 第123号 (as the old lists wrote it)
            parts.append(select(case_id).where(year.in_(years), seq == typed))
        if len(q) >= 4:
            whose = select(Resident.id).where(
                or_(col(Resident.id_number).endswith(q, autoescape=esc), col(Resident.id_number) == q)
            )
            parts.append(select(case_id).where(col(CaseRecord.resident_id).in_(whose)))
        return case_id.in_(union(*parts))

    def _summary_rows(self, s: Session, found: Sequence[Any], today: date) -> builtins.list[CaseRow]:
        """List rows from the summary columns (``found``: rows of ``_light``);
        a case not summarised by this version yet (never after opening) is
        read whole and replayed instead."""
        stale = [row.id for row in found if (row.summary_version or 0) < SUMMARY_VERSION]
        events = self._events_of(s, stale) if stale else {}
        out = []
        for row in found:
            if row.id in events or (row.summary_version or 0) < SUMMARY_VERSION:
                record = self._get(s, row.id)
                evs = events.get(row.id, [])
                _, _, summary = self._state(record, evs)
                out.append(self._row(record, s.get(Resident, record.resident_id), summary, today, evs))
            else:
                out.append(self._stored_row(row, today))
        return out

    def _stored_row(self, row: Any, today: date) -> CaseRow:
        """A list row from a row of ``_light`` (its columns in that order,
        unpacked: a page builds 30 of these, so no name lookups per field)."""
        (
            case_id,
            number,
            matter_code,
            matter_name,
            applicant,
            channel,
            kind,
            petition,
            first_officer,
            received_at,
            status,
            nd,
            next_due_what,
            provisional,
            missing_documents,
            closed_at,
            _version,
            id_type,
            id_number,
        ) = row
        return CaseRow(
            case_id or 0,
            number,
            matter_code,
            matter_name,
            applicant,
            _masked_id(id_type, id_number),
            channel,
            kind,
            petition,
            first_officer,
            received_at,
            status,
            nd,
            next_due_what if nd else "",
            bool(nd and provisional),
            nd is not None and nd < today,
            nd is not None
            and nd >= today
            and dl.working_days_left(today, nd, self.core.calendar) <= rules.SOON_WORKDAYS,
            missing_documents,
            closed_at,
        )

    def for_residents(self, resident_ids: Sequence[int], today: date | None = None) -> builtins.list[CaseRow]:
        """Every case of these registrations (a resident and the duplicates
        merged into it), in every status, newest first."""
        today = today or self.core.now().date()
        with self.core.read() as s:
            found = list(
                s.exec(
                    _light()
                    .join(Resident, CaseRecord.resident_id == Resident.id)
                    .where(CaseRecord.resident_id.in_(list(resident_ids)))  # type: ignore[attr-defined]
                    .order_by(CaseRecord.received_at.desc())  # type: ignore[attr-defined]
                )
            )
            return self._summary_rows(s, found, today)

    def detail(self, case_id: int, today: date | None = None) -> CaseDetail:
        from cunwu_tui.features.lookup.service import seed_title

        today = today or self.core.now().date()
        with self.core.read() as s:
            row = self._get(s, case_id)
            events = self._events(s, case_id)
            resident = s.get(Resident, row.resident_id)
            flow, fstate, summary = self._state(row, events)
            base = self._row(row, resident, summary, today, events)
        from cunwu_tui.features.residents.service import resident_info

        phone = resident_info(resident).masked_phone if resident is not None else ""
        done_info: dict[int, CaseEvent] = {}
        for e in events:
            if e.kind == rules.STEP_DONE and e.step is not None:
                done_info[e.step] = e
        notices = self._notices(row.number)
        items = []
        for st in flow.steps:
            if st.order == fstate.current:
                state = "当前"
            elif st.order in done_info:
                state = "已办"
            elif st.order in fstate.reached or not st.branch:
                state = "待办"
            else:
                state = "未走" if any(st.order < x for x in fstate.reached) and st.branch else "待办"
            done_e = done_info.get(st.order)
            chain = [n for n in notices if n.case_step == st.order]
            items.append(
                StepItem(
                    st.order,
                    st.text,
                    st.branch,
                    st.actor,
                    st.needs_notice,
                    state,
                    done_e.recorded_at if done_e else None,
                    done_e.operator_name if done_e else "",
                    done_e.text if done_e else "",
                    f"{st.limit_value}{'个' if st.limit_unit == '工作日' else ''}{st.limit_unit}"
                    if st.limit_value is not None
                    else "",
                    None,
                    "；".join(
                        f"{n.round or ''}{n.number} {n.status}" + (f"（{n.result_text}）" if n.result_text else "")
                        for n in chain
                    ),
                )
            )
        block, linked = self._step_block(row, events, flow, fstate, notices)
        conclude_block = self._conclude_block(notices)
        docs = _docs_of(row.documents, events)
        refusal = refusal_of(events)
        facts = self._facts(summary, fstate, block, conclude_block, docs, refusal, row.petition)
        result = void_reason = missing_reason = ""
        timeline = []
        for e in events:
            data = _data(e)
            if e.kind == rules.CONCLUDE:
                result = e.text
                missing_reason = data.get("missing_reason", "")
            elif e.kind == rules.VOID:
                void_reason = e.text
            timeline.append(
                TimelineItem(
                    e.recorded_at,
                    e.operator_name,
                    rules.EVENT_NAMES.get(e.kind, e.kind),
                    self._event_text(flow, e, data),
                )
            )
        limit_text = ""
        if row.kind == rules.KINDS[0]:
            limit_text = "即办件，当日办结"
        elif row.limit_value is not None:
            limit_text = f"{row.limit_value}{'个' if row.limit_unit == '工作日' else ''}{row.limit_unit}"
        elif row.petition:
            limit_text = "按信访工作条例"
        return CaseDetail(
            row=base,
            resident_id=row.resident_id,
            applicant_phone_masked=phone,
            seed=row.seed,
            seed_title=seed_title(row.seed),
            note=row.note,
            limit_text=limit_text,
            documents=docs,
            steps=tuple(items),
            current_step=fstate.current,
            choices=tuple(BranchChoice(c.label, c.first_step, c.text) for c in fstate.choices),
            finished_steps=fstate.finished,
            deadlines=summary.deadlines,
            timeline=tuple(timeline),
            refusal=refusal,
            escalation=escalation_of(events),
            result=result,
            accepted_on=summary.accepted_on,
            extension_days=summary.extension_days,
            notice_block=block.words(),
            linked_notice_id=linked,
            facts=facts,
            actions=case_actions(facts),
            notice_prompt=block,
            void_reason=void_reason,
            conclude_block=conclude_block,
            missing_reason=missing_reason,
        )

    @staticmethod
    def _event_text(flow: cf.Flow, e: CaseEvent, data: dict[str, Any]) -> str:
        def step_text(n: int | None) -> str:
            try:
                return f"第{n}步 {flow.step(n).text}" if n is not None else ""
            except KeyError:
                return f"第{n}步"

        extra = f"：{e.text}" if e.text else ""
        if e.kind in (rules.INTAKE, rules.VOID):
            return e.text
        if e.kind == rules.STEP_DONE:
            return step_text(e.step) + extra
        if e.kind == rules.STEP_BRANCH:
            return (e.label or cf.CONTINUE_TEXT) + extra
        if e.kind == rules.STEP_BACK:
            return f"退回到{step_text(e.step)}" + extra
        if e.kind == rules.NOTICE_LINK:
            return f"{step_text(e.step)}：{e.text}"
        if e.kind == rules.ESCALATE:
            chase = f"，催办日期 {e.on_date:%Y-%m-%d}" if e.on_date else ""
            return f"{e.label}至 {e.text}{chase}"
        if e.kind == rules.REFUSE:
            beyond = "，超出经办人权限，报领导审核" if data.get("beyond_authority") else ""
            return f"{e.label}。理由：{e.text}；依据：{data.get('basis', '')}{beyond}"
        if e.kind == rules.LEADER_OPINION:
            return f"{data.get('leader', '')}{'同意' if data.get('agree', True) else '不同意'}不予受理" + extra
        if e.kind == rules.REFUSAL_NOTICE:
            return f"{e.on_date:%Y-%m-%d} 书面告知申请人" + extra if e.on_date else extra
        if e.kind == rules.MATERIALS:
            return f"{e.text}，签收人：{data.get('signed_by', '')}"
        if e.kind == rules.ACCEPT:
            told = data.get("told_on", "")
            return f"{e.on_date:%Y-%m-%d} 决定受理" + (f"，{told} 告知信访人" if told else "")
        if e.kind == rules.EXTEND:
            who = f"，{data['leader']}批准" if data.get("leader") else ""
            return f"延长{data.get('days', '')}日{who}。理由：{e.text}"
        if e.kind == rules.POSTPONE:
            return (
                f"办结期限由 {data.get('from', '')} 延至 {e.on_date:%Y-%m-%d}，{data.get('leader', '')}批准。"
                f"理由：{e.text}（已告知申请人）"
            )
        if e.kind == rules.DOCUMENTS:
            when = f"{e.on_date:%Y-%m-%d} " if e.on_date else ""
            return f"{when}{data.get('received_by', '')}收到：{e.text}" + (
                f"（{data['note']}）" if data.get("note") else ""
            )
        if e.kind == rules.CONCLUDE and data.get("missing"):
            return f"{e.text}。尚缺材料办结：{'、'.join(data['missing'])}；理由：{data.get('missing_reason', '')}"
        if e.kind in (rules.REVIEW_REQUEST, rules.REVIEW_ANSWER):
            return f"{e.label}：{e.on_date:%Y-%m-%d}" + extra if e.on_date else e.label + extra
        return e.text

    def _notices(self, number: str, session: Session | None = None) -> builtins.list[NoticeInfo]:
        if self.notices is None:
            return []
        found: builtins.list[NoticeInfo] = self.notices.for_case(number, session)
        return found

    @staticmethod
    def _reached_at(row: CaseRecord, events: builtins.list[CaseEvent]) -> datetime:
        """When the case arrived at its current step: its last step event
        (done, branch or back), else its intake."""
        flow_kinds = (rules.STEP_DONE, rules.STEP_BRANCH, rules.STEP_BACK)
        last = next((e for e in reversed(events) if e.kind in flow_kinds), None)
        return last.recorded_at if last is not None else row.received_at

    @staticmethod
    def _notice_block(
        number: str, step: int, notices: Sequence[NoticeInfo], reached_at: datetime | None = None
    ) -> tuple[Prompt, int | None]:
        """Why the step cannot pass yet (empty when it can), judged on the
        latest round of the step's notices; a round posted before the case
        last arrived at the step does not serve this arrival."""
        from cunwu_tui.features.notices import rules as nr

        post, back = CaseAction.POST_NOTICE, CaseAction.GO_BACK
        mine = [n for n in notices if n.case_step == step and n.status != nr.WITHDRAWN]
        if not mine:
            return prompt(
                "本步须公示：", Mention(post, "发布公示"), "，公示期满无异议（或异议已处理）后才能完成。"
            ), None
        n = max(mine, key=lambda n: n.id)
        stale = reached_at is not None and n.created_at < reached_at
        if n.status == nr.CLOSED and n.result == nr.UPHELD:
            if reached_at is not None and n.closed_at is not None and reached_at >= n.closed_at:
                return prompt(f"{n.number}有异议成立，已重新办到本步：请", Mention(post, "发布下一轮公示"), "。"), n.id
            return (
                prompt(f"{n.number}有异议成立：请", Mention(back, "退回重新调查核实"), "，再发布下一轮公示。"),
                n.id,
            )
        if stale:
            return prompt(f"{n.number}是退回之前发布的：请", Mention(post, "重新发布本步的公示"), "。"), n.id
        if n.status == nr.CLOSED and n.result in nr.RESULTS:
            return NO_PROMPT, n.id
        if n.status == nr.EXPIRED:
            return prompt(f"{n.number}已期满，请在", Mention(NOTICES_SCREEN, "公示"), "中登记结果后再完成本步。"), n.id
        return prompt(f"{n.number}{n.status}，{n.end:%m-%d}期满，期满并登记结果后才能完成本步。"), n.id

    def _step_block(
        self,
        row: CaseRecord,
        events: builtins.list[CaseEvent],
        flow: cf.Flow,
        fstate: cf.FlowState,
        notices: Sequence[NoticeInfo],
    ) -> tuple[Prompt, int | None]:
        """What keeps the current step from being completed (its notice), and the notice."""
        if fstate.current is None or not flow.step(fstate.current).needs_notice:
            return NO_PROMPT, None
        return self._notice_block(row.number, fstate.current, notices, self._reached_at(row, events))

    @staticmethod
    def _conclude_block(notices: Sequence[NoticeInfo]) -> str:
        running = [n for n in notices if n.status in ("待发布", "公示中", "已期满")]
        return f"{running[0].number}尚未结束，不能办结。" if running else ""

    @staticmethod
    def _facts(
        summary: rules.Summary,
        fstate: cf.FlowState,
        block: Prompt,
        conclude_block: str,
        docs: Sequence[DocState],
        refused: RefusalInfo | None,
        petition: bool,
    ) -> CaseFacts:
        """The plain facts ``features.cases.actions`` decides on."""
        return CaseFacts(
            status=summary.status_text(),
            petition=petition,
            accepted=summary.accepted_on is not None,
            extension_days=summary.extension_days,
            promise_running=any(t.what.startswith("承诺办结") for t in summary.open_deadlines),
            choosing=bool(fstate.choices),
            current_step=fstate.current,
            all_steps_done=fstate.finished,
            notice_block=block,
            conclude_block=conclude_block,
            missing_documents=any(not d.received for d in docs),
            refusal_beyond_authority=refused is not None and refused.beyond_authority,
            refusal_opinion=refused is not None and refused.opinion_given,
            refusal_told=refused is not None and refused.told_on is not None,
        )

    def _check(
        self,
        s: Session,
        row: CaseRecord,
        action: CaseAction,
        field: str,
        events: builtins.list[CaseEvent] | None = None,
    ) -> None:
        """Refuse ``action`` on the case, inside the write (or the read before
        a PIN is asked), with the words ``features.cases.actions`` gives."""
        events = self._events(s, row.id) if events is None else events
        flow, fstate, summary = self._state(row, events)
        notices = self._notices(row.number, s)
        block, _ = self._step_block(row, events, flow, fstate, notices)
        docs = _docs_of(row.documents, events)
        facts = self._facts(
            summary, fstate, block, self._conclude_block(notices), docs, refusal_of(events), row.petition
        )
        why = refusal(facts, action)
        if why:
            raise ValidationError({field: why})

    def notice_gate(
        self, s: Session, case_ref: str, step: int, start_at: datetime, previous_id: int | None = None
    ) -> None:
        """Called inside the write of a notice linked to a case step: the
        case must be at that step, the notice cannot start before the case
        got there, and after an upheld objection the next round needs the
        case sent back and re-worked first, and continues that chain."""
        from cunwu_tui.features.notices import rules as nr

        row = s.exec(select(CaseRecord).where(CaseRecord.number == case_ref)).first()
        if row is None:
            raise ValidationError({"title": f"关联的办件{case_ref}不存在。"})
        events = self._events(s, row.id)
        flow, fstate, summary = self._state(row, events)
        if summary.status not in (rules.OPEN, rules.ESCALATED):
            raise ValidationError({"title": f"办件{case_ref}已{summary.status_text()}，不能再为它发布公示。"})
        if fstate.current != step or not flow.step(step).needs_notice:
            raise ValidationError({"title": f"办件{case_ref}当前不在第{step}步（公示步骤），不能为该步发布公示。"})
        reached = self._reached_at(row, events)
        if start_at.date() < reached.date():
            raise ValidationError(
                {"start": f"办件{case_ref} {reached:%Y-%m-%d} 才办到第{step}步，公示不能早于这一天开始。"}
            )
        mine = [n for n in self._notices(case_ref, s) if n.case_step == step and n.status != nr.WITHDRAWN]
        latest = max(mine, key=lambda n: n.id) if mine else None
        if latest is None:
            return
        if latest.status == nr.CLOSED and latest.result == nr.UPHELD:
            if latest.closed_at is not None and reached < latest.closed_at:
                raise ValidationError(
                    {"title": f"{latest.number}异议成立：请先在办件中退回重新调查核实，再发布下一轮公示。"}
                )
            if previous_id != latest.id:
                raise ValidationError({"title": f"本步上一轮公示{latest.number}异议成立：请接续它发起下一轮公示。"})
            return
        if latest.created_at >= reached:
            raise ValidationError({"title": f"本步已有公示{latest.number}（{latest.status}），不能重复发布。"})

    def notice_defaults(self, case_id: int) -> dict[str, Any]:
        """What the notice form offers for the case's current step: the next
        round of the step's chain after an upheld objection, else a first
        notice with the matter's period."""
        from cunwu_tui.features.notices import rules as nr

        d = self.detail(case_id)
        if d.current_step is None:
            raise ValidationError({"notice": "当前没有需要公示的步骤。"})
        mine = [n for n in self._notices(d.row.number) if n.case_step == d.current_step and n.status != nr.WITHDRAWN]
        latest = max(mine, key=lambda n: n.id) if mine else None
        if latest is not None and latest.status == nr.CLOSED and latest.result == nr.UPHELD:
            out: dict[str, Any] = self.notices.second_round_defaults(latest.id)
            out["round"] = "第二次" if not latest.round or latest.round == "第一次" else latest.round
            return out
        n, unit = self.notices.default_length(d.row.matter_code)
        rule = self._step_notice(d.row.matter_code, d.seed, d.current_step)
        if rule is not None and rule.length and rule.unit in nr.UNITS:
            n, unit = rule.length, rule.unit  # the step's own period from the catalog
        return {
            "title": f"{d.row.matter_name}公示",
            "kind": nr.kind_of_matter(d.row.matter_code),
            "matter_code": d.row.matter_code,
            "case_ref": d.row.number,
            "case_step": d.current_step,
            "length": n,
            "unit": unit,
            "round": rule.round if rule is not None else "",
        }

    def _step_notice(self, code: str, seed: str, order: int) -> NoticeRule | None:
        """The catalog's notice rule of one step of a case's variant (or None)."""
        try:
            matter = self.catalog.matter(code)
        except KeyError:
            return None
        return next((s.notice for s in matter.steps if s.order == order and matter.seed_of(s) in ("", seed)), None)

    # -- writing ----------------------------------------------------------------
    def _event(
        self,
        s: Session,
        row: CaseRecord,
        kind: str,
        step: int | None = None,
        label: str = "",
        on_date: date | None = None,
        text: str = "",
        data: dict[str, Any] | None = None,
        flush: bool = True,
    ) -> CaseEvent:
        """Record an event of ``row`` (flushed, unless the caller knows that
        nothing reads it back before the commit's own flush)."""
        op = self.core.operator
        e = CaseEvent(
            case_id=row.id,
            kind=kind,
            step=step,
            label=label,
            on_date=on_date,
            text=text,
            data=json.dumps(data, ensure_ascii=False, default=str) if data else "",
            operator_id=op.id if op else None,
            operator_name=op.name if op else "",
            recorded_at=self.core.now(),
        )
        s.add(e)
        if flush:
            s.flush()
        return e

    def _open(
        self, s: Session, case_id: int, allowed: Sequence[str] = (rules.OPEN, rules.ESCALATED), field: str = "case"
    ) -> CaseRecord:
        row = self._get(s, case_id)
        _, _, summary = self._state(row, self._events(s, case_id))
        if summary.status not in allowed:
            raise ValidationError({field: f"该办件已{summary.status_text()}，不能再办理此项。"})
        return row

    def _write(
        self,
        case_id: int,
        action: str,
        fn: Callable[[Session, CaseRecord], None],
        allowed: Sequence[str] = (rules.OPEN, rules.ESCALATED),
        field: str = "case",
        audit: dict[str, Any] | None = None,
        gate: CaseAction | None = None,
    ) -> CaseRow:
        """One write of a case: ``gate``, the action being done, is checked
        against ``features.cases.actions`` inside the transaction (without one,
        only the status against ``allowed``)."""
        with self.core.write() as s:
            if gate is None:
                row = self._open(s, case_id, allowed, field)
            else:
                row = self._get(s, case_id)
                self._check(s, row, gate, field)
            fn(s, row)
            summary = self._resummarize(s, row)
            self.core.audit(s, "case", row.number, action, None, {**(audit or {}), "status": summary.status_text()})
        return self.row(case_id)

    def complete_step(self, case_id: int, step: int, note: str = "") -> CaseRow:
        note = _text(note, "note", "办理情况", inputs.LINE)

        def fn(s: Session, row: CaseRecord) -> None:
            _, fstate, _ = self._state(row, self._events(s, row.id))
            if fstate.current != step:
                raise ValidationError({"step": f"请按顺序办理：当前应办第{fstate.current}步。"})
            self._event(s, row, rules.STEP_DONE, step=step, text=note)

        return self._write(
            case_id, "完成步骤", fn, field="step", audit={"step": step, "note": note}, gate=CaseAction.COMPLETE_STEP
        )

    def choose(self, case_id: int, label: str, first_step: int | None = None, note: str = "") -> CaseRow:
        note = _text(note, "note", "说明", inputs.LINE)

        def fn(s: Session, row: CaseRecord) -> None:
            flow, fstate, _ = self._state(row, self._events(s, row.id))
            try:
                flow.apply(fstate, cf.FlowEvent(cf.BRANCH, first_step, label))
            except cf.FlowError as exc:
                raise ValidationError({"step": str(exc)}) from None
            self._event(s, row, rules.STEP_BRANCH, step=first_step, label=label, text=note)

        return self._write(
            case_id,
            "选择办理情况",
            fn,
            field="step",
            audit={"step": label or cf.CONTINUE_TEXT},
            gate=CaseAction.CHOOSE_BRANCH,
        )

    def go_back(self, case_id: int, step: int, reason: str) -> CaseRow:
        reason = _text(
            reason, "reason", "退回原因", inputs.LINE, required="请写明退回的原因（如：公示有异议，重新调查核实）。"
        )

        def fn(s: Session, row: CaseRecord) -> None:
            flow, fstate, _ = self._state(row, self._events(s, row.id))
            try:
                flow.apply(fstate, cf.FlowEvent(cf.BACK, step))
            except cf.FlowError as exc:
                raise ValidationError({"back_step": str(exc)}) from None
            self._event(s, row, rules.STEP_BACK, step=step, text=reason)

        return self._write(
            case_id, "退回步骤", fn, field="back_step", audit={"step": step, "reason": reason}, gate=CaseAction.GO_BACK
        )

    def publish_notice(
        self,
        case_id: int,
        title: str,
        places: str = "公开栏",
        start: str | datetime | None = None,
        length: int | str | None = None,
        unit: str = "日",
        kind: str = "",
    ) -> Any:
        """Post the notice the current step requires, linked to the case, in
        one transaction (``post_notice``; the screens fill the F7 form with
        the case's ``notice_defaults`` and hand it to ``post_notice``)."""
        from cunwu_tui.features.notices import rules as nr

        with self.core.read() as s:
            row = self._open(s, case_id, field="notice")
            flow, fstate, _ = self._state(row, self._events(s, case_id))
        step = fstate.current
        if step is None or not flow.step(step).needs_notice:
            raise ValidationError({"notice": "当前步骤不需要公示。"})
        d = self.notice_defaults(case_id)
        if length in (None, ""):
            length, unit = d["length"], d["unit"]
        return self.post_notice(
            case_id,
            title=title,
            kind=kind or nr.kind_of_matter(row.matter_code),
            places=places,
            start=start or self.core.now(),
            length=length,
            unit=unit,
            round=d.get("round", ""),
            matter_code=row.matter_code,
            case_ref=row.number,
            case_step=step,
            previous_id=d.get("previous_id"),
        )

    def post_notice(self, case_id: int, **notice: Any) -> NoticeInfo:
        """Post a notice for the case's current step (``notice``: the
        arguments of ``NoticeService.add``) and put it on the case's record:
        one user action, one transaction, so a failure leaves neither the
        notice nor its link (nor their audit records)."""
        with self.core.write():
            info: NoticeInfo = self.notices.add(**notice)
            self.link_notice(case_id, info.id)
        return info

    def link_notice(self, case_id: int, notice_id: int) -> CaseRow:
        """Put a notice posted for the current step on the case's record."""
        info = self.notices.get(notice_id)

        def fn(s: Session, row: CaseRecord) -> None:
            flow, fstate, _ = self._state(row, self._events(s, row.id))
            if info.case_ref != row.number or fstate.current is None or info.case_step != fstate.current:
                raise ValidationError({"notice": "该公示不是本件当前步骤的公示。"})
            self._event(
                s,
                row,
                rules.NOTICE_LINK,
                step=info.case_step,
                text=f"{info.number} {info.title}，{info.period_text}",
                data={"notice_id": info.id},
            )

        return self._write(
            case_id, "发布公示", fn, field="notice", audit={"step": info.case_step, "number": info.number}
        )

    def escalate(self, case_id: int, mode: str, to_whom: str, chase_on: str | date | None, note: str = "") -> CaseRow:
        today = self.core.now().date()
        f = inputs.Fields()
        errors = f.errors
        if mode not in rules.ESCALATE_MODES:
            errors["mode"] = "请选择 上报 或 转办。"
        to_whom = f.text(
            "to", to_whom, "上报或转办的单位（人）", inputs.TITLE, required="请填写上报或转办的单位（人）。"
        )
        note = f.text("note", note, "说明", inputs.LINE)
        chase = f.day("chase", chase_on, "催办日期", inputs.planned(today))
        if chase is not None and chase < today:
            errors["chase"] = "催办日期不能早于今天。"
        if errors:
            raise ValidationError(errors)

        def fn(s: Session, row: CaseRecord) -> None:
            self._event(s, row, rules.ESCALATE, label=mode, text=to_whom, on_date=chase, data={"note": note})

        return self._write(case_id, mode, fn, audit={"to": to_whom, "chase": chase}, gate=CaseAction.ESCALATE)

    def feedback(self, case_id: int, text: str) -> CaseRow:
        text = _text(text, "feedback", "反馈内容", inputs.TEXT, required="请填写反馈的内容。", multiline=True)

        def fn(s: Session, row: CaseRecord) -> None:
            self._event(s, row, rules.FEEDBACK, text=text)

        return self._write(case_id, "收到反馈", fn, field="feedback", audit={"text": text}, gate=CaseAction.FEEDBACK)

    def conclude(self, case_id: int, result: str, missing_reason: str = "") -> CaseRow:
        """办结. With documents still missing it asks why: the reason goes on
        the record (and into the 受理登记台账)."""
        result = _text(result, "result", "办理结果", inputs.TEXT, required="请填写办理结果。", multiline=True)
        missing_reason = _text(missing_reason, "missing_reason", "缺材料仍办结的理由", inputs.LINE)
        audit: dict[str, Any] = {"result": result}

        def fn(s: Session, row: CaseRecord) -> None:
            missing = [d.name for d in _docs_of(row.documents, self._events(s, row.id)) if not d.received]
            if missing and not missing_reason:
                raise ValidationError(
                    {
                        "missing_reason": f"还缺 {len(missing)} 项材料：请写明缺材料仍办结的理由"
                        "（如：经核实不需要），或先登记补交材料。"
                    }
                )
            data = {"missing": missing, "missing_reason": missing_reason} if missing else None
            if missing:
                audit.update({"missing": "、".join(missing), "reason": missing_reason})
            self._event(s, row, rules.CONCLUDE, text=result, data=data)

        return self._write(case_id, "办结", fn, field="result", audit=audit, gate=CaseAction.CONCLUDE)

    def receive_documents(
        self,
        case_id: int,
        documents: Sequence[int],
        received_by_id: int | None = None,
        on: str | date | None = None,
        note: str = "",
    ) -> CaseRow:
        """补交材料: documents missing at intake, brought later; which ones
        (their numbers in the case's list, from 0), when, and who took them.
        An append-only event: the intake record is not changed."""
        errors: dict[str, str] = {}
        try:
            note = _text(note, "note", "说明", inputs.LINE)
        except ValidationError as exc:
            errors.update(exc.errors)
            note = ""
        idx = sorted(set(int(i) for i in documents))
        if not idx:
            errors["documents"] = "请勾选补交的材料。"
        person = self.staff.get(received_by_id) if (self.staff and received_by_id is not None) else None
        if received_by_id is None and self.core.operator is not None and self.staff is not None:
            person = self.staff.get(self.core.operator.id)
        if person is None or not person.active:
            errors["received_by"] = "请选择收件人（在岗人员）。"
        try:
            when = (
                _date(on, "on", "收到日期", required=False, window=inputs.past(self.core.now().date()))
                or self.core.now().date()
            )
        except ValidationError as exc:
            errors.update(exc.errors)
            when = None
        if when is not None and when > self.core.now().date():
            errors["on"] = "收到日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)
        assert person is not None  # else errors["received_by"]
        names: list[str] = []

        def fn(s: Session, row: CaseRecord) -> None:
            docs = _docs_of(row.documents, self._events(s, row.id))
            if when is not None and when < row.received_at.date():
                raise ValidationError({"on": "收到日期不能早于受理日期。"})
            for i in idx:
                if i < 0 or i >= len(docs):
                    raise ValidationError({"documents": "材料清单与本件不符，请重新选择。"})
                if docs[i].received:
                    raise ValidationError({"documents": f"「{docs[i].name}」已收到，不用补交。"})
                names.append(docs[i].name)
            self._event(
                s,
                row,
                rules.DOCUMENTS,
                on_date=when,
                text="、".join(names),
                data={
                    "documents": idx,
                    "received_by": person.name,
                    "received_by_id": person.id,
                    **({"note": note} if note else {}),
                },
            )

        return self._write(
            case_id,
            "补交材料",
            fn,
            field="documents",
            audit={"documents": "、".join(names) if names else idx, "received_by": person.name, "start": when},
            gate=CaseAction.LATE_DOCUMENTS,
        )

    def check_leader(self, leader_id: int | None, field: str, purpose: str) -> Any:
        """The leader who approves (a refusal beyond the clerk's authority, a
        延期): active staff holding a leading post. Returns the StaffInfo;
        ValidationError at ``field`` otherwise. The leader's own PIN is
        checked by ``_leader_in_person``."""
        return self.staff.leader(
            leader_id, field, f"{purpose}须由领导审批：请选择审批的领导（书记、主任或带班、值班领导）。"
        )

    def _leader_in_person(self, leader_id: int, pin: object, field: str = "leader_pin") -> Confirmed:
        """The leader, present, types their own PIN (identity by staff id)."""
        approver: Confirmed = self.identity.confirm(leader_id, pin, field, "领导")
        return approver

    def postpone(
        self,
        case_id: int,
        new_due: str | date,
        reason: str,
        leader_id: int | None,
        told: bool = False,
        leader_pin: object = "",
    ) -> CaseRow:
        """延期 of an ordinary case (限时办结制: 确需延时的，报领导审批，并告知
        当事人延时办理的理由): a new promised date later than the current
        one, the reason, the approving leader; 信访件 use ``extend_petition``."""
        errors: dict[str, str] = {}
        try:
            reason = _text(reason, "reason", "延期理由", inputs.LINE)
        except ValidationError as exc:
            errors.update(exc.errors)
            reason = ""
        try:
            due = _date(new_due, "new_due", "新的办结日期", window=inputs.planned(self.core.now().date()))
        except ValidationError as exc:
            errors.update(exc.errors)
            due = None
        if not reason and "reason" not in errors:
            errors["reason"] = "请写明延期的理由（将告知申请人）。"
        if not told:
            errors["told"] = "延期须告知申请人延时办理的理由：告知后再勾选。"
        try:
            leader = self.check_leader(leader_id, "leader", "延期")
        except ValidationError as exc:
            errors.update(exc.errors)
            leader = None
        if errors:
            raise ValidationError(errors)
        with self.core.read() as s:
            row = self._get(s, case_id)
            if row.petition:  # taken in as such, never changes
                raise ValidationError({"new_due": "信访件按信访工作条例延长办理期限。"})
            self._check(s, row, CaseAction.POSTPONE, "new_due")
        approver = self._leader_in_person(leader.id, leader_pin)

        def fn(s: Session, row: CaseRecord) -> None:
            assert due is not None  # else errors["new_due"]
            _, _, summary = self._state(row, self._events(s, row.id))
            current = next((t for t in summary.open_deadlines if t.what.startswith("承诺办结")), None)
            if current is None:
                raise ValidationError({"new_due": "本件没有在办的承诺办结期限，无需延期。"})
            if due <= current.date:
                raise ValidationError({"new_due": f"新的办结日期应晚于现在的期限 {current.date:%Y-%m-%d}。"})
            if due > current.date.replace(year=current.date.year + 1):
                raise ValidationError({"new_due": "延期不能超过一年，请核对日期。"})
            approval = self.identity.record_approval(
                s, CASE_POSTPONE, "case_record", row.id, approver, text=reason, audit=("case", row.number)
            )
            self._event(
                s,
                row,
                rules.POSTPONE,
                on_date=due,
                text=reason,
                data={
                    "leader": leader.name,
                    "leader_id": leader.id,
                    "from": current.date.isoformat(),
                    "told": True,
                    "approval_id": approval.id,
                },
            )

        return self._write(
            case_id,
            "延期",
            fn,
            field="new_due",
            audit={"due": due, "reason": reason, "approver": leader.name},
            gate=CaseAction.POSTPONE,
        )

    def refusal_leaders(self) -> builtins.list[tuple[str, int]]:
        """Who a refusal beyond the clerk's authority can go to: active staff
        holding a leading post. (name, id) pairs."""
        return [(p.name, p.id) for p in self.staff.leaders()]

    def refuse(
        self,
        case_id: int,
        kind: str,
        reason: str,
        basis: str,
        beyond_authority: bool = False,
        leader_id: int | None = None,
    ) -> CaseRow:
        f = inputs.Fields()
        errors = f.errors
        if kind not in rules.REFUSAL_KINDS:
            errors["refusal_kind"] = "请选择 不予受理 或 不予确认。"
        reason = f.text(
            "reason", reason, "理由", inputs.TEXT, multiline=True, required="否定报备：必须写明不予受理（确认）的理由。"
        )
        basis = f.text(
            "basis",
            basis,
            "依据",
            inputs.TEXT,
            multiline=True,
            required="否定报备：必须写明依据（法律法规、政策条款）。",
        )
        leader = None
        if beyond_authority:
            try:
                leader = self.check_leader(leader_id, "leader", "超出经办人权限的不予受理")
            except ValidationError:
                errors["leader"] = "超出经办人权限的，请选择报审的领导（书记、主任或带班、值班领导）。"
        if errors:
            raise ValidationError(errors)

        def fn(s: Session, row: CaseRecord) -> None:
            self._event(
                s,
                row,
                rules.REFUSE,
                label=kind,
                text=reason,
                data={
                    "basis": basis,
                    "beyond_authority": bool(beyond_authority),
                    "leader": leader.name if leader else "",
                    "leader_id": leader.id if leader else None,
                },
            )

        return self._write(
            case_id, kind, fn, field="reason", audit={"reason": reason, "basis": basis}, gate=CaseAction.REFUSE
        )

    def refusal_leader(self, case_id: int) -> tuple[int, str] | None:
        """The leader a refusal was put to: (staff id, name), or None."""
        with self.core.read() as s:
            row = s.get(CaseRecord, case_id)
            refusal = refusal_of(self._events(s, row.id)) if row is not None else None
        if refusal is None or not refusal.beyond_authority or refusal.leader_id is None:
            return None
        return refusal.leader_id, refusal.leader

    def leader_opinion(self, case_id: int, agree: bool, text: str = "", leader_pin: object = "") -> CaseRow:
        """The opinion of the leader the refusal was put to, given by that
        leader in person (their own PIN)."""
        text = _text(text, "opinion", "领导意见", inputs.TEXT, multiline=True)
        with self.core.read() as s:
            row = self._get(s, case_id)
            self._check(s, row, CaseAction.LEADER_OPINION, "opinion")
            refusal = refusal_of(self._events(s, row.id))
        if not agree and not text:
            raise ValidationError({"opinion": "领导不同意不予受理的，请写明意见。"})
        leader_id = refusal.leader_id if refusal is not None else None
        if leader_id is None:
            raise ValidationError({"leader_pin": "该否定报备没有记下报审的领导，无法确认领导本人。"})
        approver = self._leader_in_person(leader_id, leader_pin)

        def fn(s: Session, row: CaseRecord) -> None:
            approval = self.identity.record_approval(
                s, REFUSAL_OPINION, "case_record", row.id, approver, agree=agree, text=text, audit=("case", row.number)
            )
            self._event(
                s,
                row,
                rules.LEADER_OPINION,
                text=text,
                data={
                    "agree": bool(agree),
                    "leader": approver.name,
                    "leader_id": approver.id,
                    "approval_id": approval.id,
                },
            )

        return self._write(
            case_id,
            "领导意见",
            fn,
            field="opinion",
            gate=CaseAction.LEADER_OPINION,
            audit={"result": "同意" if agree else "不同意", "text": text},
        )

    def refusal_told(self, case_id: int, told_on: str | date, how: str = "书面告知") -> CaseRow:
        told = _date(told_on, "told_on", "书面告知日期", window=inputs.past(self.core.now().date()))
        how = _text(how, "how", "告知方式", inputs.SHORT)

        def fn(s: Session, row: CaseRecord) -> None:
            if told is not None and (told > self.core.now().date() or told < row.received_at.date()):
                raise ValidationError({"told_on": "告知日期应在受理之后、今天之前。"})
            self._event(s, row, rules.REFUSAL_NOTICE, on_date=told, text=_one_line(how))

        return self._write(case_id, "书面告知", fn, field="told_on", audit={"end": told}, gate=CaseAction.TOLD)

    def return_materials(self, case_id: int, materials: str, signed_by: str, on: str | date | None = None) -> CaseRow:
        today = self.core.now().date()
        f = inputs.Fields()
        materials = f.text("materials", materials, "退还的材料", inputs.LINE, required="请填写退还的材料。")
        signed_by = f.text(
            "signed_by", signed_by, "签收人", inputs.NAME, required="退还材料须由申请人（或代领人）签收：请填写签收人。"
        )
        when = f.day("returned_on", on, "退还日期", inputs.past(today), required=False) or today
        f.done()

        def fn(s: Session, row: CaseRecord) -> None:
            self._event(s, row, rules.MATERIALS, on_date=when, text=materials, data={"signed_by": signed_by})

        return self._write(
            case_id,
            "退还材料",
            fn,
            field="materials",
            audit={"documents": materials, "applicant": signed_by},
            gate=CaseAction.RETURN_MATERIALS,
        )

    def void(self, case_id: int, reason: str) -> CaseRow:
        """A case taken in by mistake (wrong applicant, entered twice): voided
        with its reason. The record and its number stay; nothing runs on it."""
        reason = _text(
            reason,
            "void_reason",
            "作废原因",
            inputs.LINE,
            required="请写明作废原因（如：重复登记，见〔2026〕第0012号）。",
        )

        def fn(s: Session, row: CaseRecord) -> None:
            self._event(s, row, rules.VOID, text=reason)

        return self._write(
            case_id,
            "作废",
            fn,
            field="void_reason",
            audit={"void_reason": reason},
            gate=CaseAction.VOID,
        )

    # -- 信访 -------------------------------------------------------------------
    def _petition(
        self, s: Session, case_id: int, allowed: Sequence[str] = (rules.OPEN, rules.ESCALATED), field: str = "petition"
    ) -> CaseRecord:
        row = self._open(s, case_id, allowed, field)
        if not row.petition:
            raise ValidationError({field: "该办件不是信访件。"})
        return row

    def accept_petition(self, case_id: int, accepted_on: str | date, told_on: str | date | None = None) -> CaseRow:
        window = inputs.past(self.core.now().date())
        accepted = _date(accepted_on, "accepted_on", "受理日期", window=window)
        told = _date(told_on, "told_on", "告知信访人日期", required=False, window=window)

        def fn(s: Session, row: CaseRecord) -> None:
            if accepted is not None and (accepted < row.received_at.date() or accepted > self.core.now().date()):
                raise ValidationError({"accepted_on": "受理日期应在收到信访事项之后、今天之前。"})
            if told is not None and (told < row.received_at.date() or told > self.core.now().date()):
                raise ValidationError({"told_on": "告知日期应在收到信访事项之后、今天之前。"})
            self._event(s, row, rules.ACCEPT, on_date=accepted, data={"told_on": told.isoformat() if told else ""})

        return self._write(
            case_id, "决定受理", fn, field="accepted_on", audit={"start": accepted}, gate=CaseAction.ACCEPT
        )

    def extend_petition(
        self, case_id: int, days: int | str, reason: str, leader_id: int | None = None, leader_pin: object = ""
    ) -> CaseRow:
        """延长办理期限 of a petition: approved by a leader in person."""
        f = inputs.Fields()
        n = f.integer("days", days, "延长天数", 1, 999, unit="日")  # the 30-day cap: dl.petition_conclusion
        reason = f.text("reason", reason, "延长理由", inputs.LINE, multiline=True)
        try:
            leader = self.check_leader(leader_id, "leader", "延长信访办理期限")
        except ValidationError as exc:
            f.errors.update(exc.errors)
        f.done()
        assert n is not None
        with self.core.read() as s:
            self._petition(s, case_id, field="days")
            self._check(s, self._get(s, case_id), CaseAction.POSTPONE, "days")
        approver = self._leader_in_person(leader.id, leader_pin)

        def fn(s: Session, row: CaseRecord) -> None:
            self._petition(s, case_id, field="days")
            _, _, summary = self._state(row, self._events(s, row.id))
            assert summary.accepted_on is not None  # else the gate refused
            try:
                dl.petition_conclusion(summary.accepted_on, n, reason, calendar=self.core.calendar)
            except ValueError as exc:
                raise ValidationError({"days": str(exc)}) from None
            if n <= 0:
                raise ValidationError({"days": "延长天数应为1到30日。"})
            approval = self.identity.record_approval(
                s, PETITION_EXTEND, "case_record", row.id, approver, text=reason, audit=("case", row.number)
            )
            self._event(
                s,
                row,
                rules.EXTEND,
                text=reason,
                data={"days": n, "leader": approver.name, "leader_id": approver.id, "approval_id": approval.id},
            )

        return self._write(
            case_id, "延期", fn, field="days", audit={"length": n, "reason": reason}, gate=CaseAction.POSTPONE
        )

    def review(
        self, case_id: int, level: str, requested_on: str | date, answered_on: str | date | None = None, text: str = ""
    ) -> CaseRow:
        """A 复查 / 复核: its request (``answered_on`` empty) or its answer."""
        if level not in rules.REVIEW_LEVELS:
            raise ValidationError({"level": "请选择 复查 或 复核。"})
        window = inputs.past(self.core.now().date())
        requested = _date(requested_on, "requested_on", f"申请{level}日期", window=window)
        answered = _date(answered_on, "answered_on", f"{level}意见日期", required=False, window=window)
        text = _text(text, "text", f"{level}意见", inputs.TEXT, multiline=True)
        if answered is not None and requested is not None and answered < requested:
            raise ValidationError({"answered_on": f"{level}意见日期不能早于申请日期。"})

        def fn(s: Session, row: CaseRecord) -> None:
            self._event(
                s,
                row,
                rules.REVIEW_REQUEST if answered is None else rules.REVIEW_ANSWER,
                label=level,
                on_date=answered or requested,
                text=text,
            )

        return self._write(
            case_id,
            f"{level}",
            fn,
            field="requested_on",
            audit={"kind": level, "start": requested, "end": answered},
            gate=CaseAction.REVIEW,
        )

    # -- dashboard and ledgers -----------------------------------------------------
    def counts(self, today: date | None = None) -> Counts:
        today = today or self.core.now().date()
        live = [r for r in self.list(_WITH_DEADLINE, today=today, limit=1_000_000) if r.next_due is not None]
        overdue = [r for r in live if r.overdue]
        oldest = min(overdue, key=lambda r: (r.next_due, r.received_at)) if overdue else None
        return Counts(
            due_today=sum(1 for r in live if r.next_due == today),
            overdue=len(overdue),
            soon=sum(1 for r in live if r.soon and not r.overdue and r.next_due != today),
            oldest_overdue=oldest,
            refusals_open=sum(1 for r in live if r.status in rules.REFUSAL_KINDS),
        )

    def received_between(self, start: date, end: date) -> builtins.list[CaseDetail]:
        """Cases received in [start, end), in number order (受理登记台账)."""
        with self.core.read() as s:
            ids = list(
                s.exec(
                    select(CaseRecord.id)
                    .where(
                        CaseRecord.received_at >= datetime.combine(start, datetime.min.time()),
                        CaseRecord.received_at < datetime.combine(end, datetime.min.time()),
                    )
                    .order_by(CaseRecord.year, CaseRecord.seq)
                )
            )
        return [self.detail(i, end) for i in ids]

    def refusals_between(self, start: date, end: date) -> builtins.list[RefusalRow]:
        """Refusals recorded in [start, end) (否定报备台账)."""
        lo, hi = datetime.combine(start, datetime.min.time()), datetime.combine(end, datetime.min.time())
        out = []
        with self.core.read() as s:
            refs = list(
                s.exec(
                    select(CaseEvent)
                    .where(CaseEvent.kind == rules.REFUSE, CaseEvent.recorded_at >= lo, CaseEvent.recorded_at < hi)
                    .order_by(CaseEvent.recorded_at)
                )
            )
            for ref in refs:
                row = s.get(CaseRecord, ref.case_id)
                assert row is not None  # an event's case (foreign key)
                data = json.loads(ref.data) if ref.data else {}
                later = [e for e in self._events(s, ref.case_id) if e.id > ref.id]
                opinion = next((e for e in later if e.kind == rules.LEADER_OPINION), None)
                told = next((e for e in later if e.kind == rules.REFUSAL_NOTICE), None)
                mats = [e for e in later if e.kind == rules.MATERIALS]
                deadlines = dl.refusal_deadlines(
                    ref.recorded_at.date(), bool(data.get("beyond_authority")), self.core.calendar
                )
                leader_due = deadlines[0].date if data.get("beyond_authority") else None
                opinion_text = ""
                if opinion is not None:
                    od = json.loads(opinion.data) if opinion.data else {}
                    opinion_text = (
                        ("同意" if od.get("agree", True) else "不同意")
                        + (f"：{opinion.text}" if opinion.text else "")
                        + f"（{opinion.recorded_at:%m-%d}）"
                    )
                out.append(
                    RefusalRow(
                        number=row.number,
                        applicant=row.applicant_name,
                        matter_name=row.matter_name,
                        refused_at=ref.recorded_at,
                        kind=ref.label,
                        reason=ref.text,
                        basis=data.get("basis", ""),
                        beyond_authority=bool(data.get("beyond_authority")),
                        leader=data.get("leader", ""),
                        leader_opinion=opinion_text,
                        leader_due=leader_due,
                        told_on=told.on_date if told else None,
                        told_due=deadlines[-1].date,
                        materials="；".join(
                            f"{e.text}（{json.loads(e.data).get('signed_by', '') if e.data else ''}签收，{e.on_date:%m-%d}）"
                            for e in mats
                        ),
                        operator=ref.operator_name,
                    )
                )
        return out


def install(services: Services) -> None:
    """The feature's service on the facade (cunwu_tui/feature.py Feature.install),
    and its hooks: a notice of a case's step is closed only as the case allows;
    holidays entered move the deadlines counted in 工作日."""
    cases = CaseService(
        services.core,
        services.settings,
        services.catalog,
        services.residents,
        services.notices,
        services.staff,
        services.identity,
    )
    services.cases = cases
    services.notices.case_gate = cases.notice_gate
    services.holidays.on_change = lambda: cases.resummarize_all(live_only=True)
