"""Public notices (公示): posted with a truthful start, an end computed from
the working-day calendar, objections on record, and a result — never ended
early or quietly. Numbered 公示〔2026〕第001号 per year."""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from cunwu_tui.db.models import Notice, NoticeObjection, NoticePerson, ObjectionOutcome
from cunwu_tui.domain import inputs
from cunwu_tui.features.notices import rules
from cunwu_tui.domain.actions import Prompt
from cunwu_tui.features.notices.actions import NoticeAction, NoticeFacts, notice_actions, refusal
from cunwu_tui.features.notices.actions import why_not as notice_why_not
from cunwu_tui.services.core import Core, ValidationError

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.lookup.service import CatalogService
    from cunwu_tui.services.settings import SettingsService


@dataclass(frozen=True)
class PersonLine:
    seq: int
    name: str
    group: str
    id_number: str
    amount: Decimal | None
    note: str


@dataclass(frozen=True)
class ObjectionInfo:
    id: int
    notice_id: int
    received_at: datetime
    from_name: str
    content: str
    received_by: str
    handling: str = ""
    result: str = ""  # 成立 / 不成立 / "" (not yet handled)
    answered_at: datetime | None = None

    @property
    def who(self) -> str:
        return self.from_name or "匿名"


@dataclass(frozen=True)
class NoticeInfo:
    id: int
    number: str
    title: str
    kind: str
    round: str
    places: tuple[str, ...]
    start_at: datetime
    length: int
    unit: str
    end: date
    provisional: bool
    provisional_reason: str
    status: str
    days_left: int
    workdays_left: int
    summary: str
    photo_path: str
    backdate_reason: str
    matter_code: str
    case_ref: str
    case_step: int | None
    previous_id: int | None
    operator_name: str
    created_at: datetime
    closed_at: datetime | None
    result: str
    result_note: str
    withdrawn_at: datetime | None
    withdraw_reason: str
    objections: int
    open_objections: int
    persons: int
    ends_today: bool = False

    @property
    def period_text(self) -> str:
        end = f"{self.end:%Y-%m-%d}" + ("（预计）" if self.provisional else "")
        return f"{self.start_at:%Y-%m-%d %H:%M} 至 {end}"

    @property
    def length_text(self) -> str:
        return f"{self.length}{'个' if self.unit == '工作日' else ''}{self.unit}"

    @property
    def facts(self) -> NoticeFacts:
        """What ``features.notices.actions`` decides this notice's actions on."""
        return NoticeFacts(
            status=self.status,
            start_at=self.start_at,
            end=self.end,
            ends_today=self.ends_today,
            open_objections=self.open_objections,
            result=self.result,
        )

    @property
    def actions(self) -> tuple[NoticeAction, ...]:
        """What the notice allows now, in the order offered."""
        return notice_actions(self.facts)

    def why_not(self, action: NoticeAction) -> Prompt:
        """Why ``action`` is refused now (empty when it is allowed)."""
        return notice_why_not(self.facts, action)

    @property
    def result_text(self) -> str:
        if self.withdrawn_at:
            return f"撤回：{self.withdraw_reason}"
        return self.result


def number(year: int, seq: int) -> str:
    return f"公示〔{year}〕第{seq:03d}号"


def parse_moment(text: str | datetime | date, what: str = "时间") -> datetime:
    """``2026-11-23 09:00`` or ``2026-11-23`` (then 08:00, the start of the
    working day); ValueError with a Chinese message."""
    return inputs.moment(
        text,
        what,
        inputs.Window(),
        date_only_at=time(8, 0),  # type: ignore[return-value]
        example="2026-11-23 09:00",
    )


def parse_persons(text: str, today: date | None = None) -> list[tuple[str, str, str, Decimal | None, str]]:
    """One person per line: 姓名 [组别] [身份证号] [金额] [备注], separated by
    tabs, spaces or commas (columns pasted from Excel work). A token is an ID
    number when it starts with 6 digits and has 14 to 18 characters, an
    amount when it is a plain number (元 allowed; shorter than an ID number
    is), the group when it ends in
    组/队/社/片/区/楼/单元, else part of the note.

    ValueError with a Chinese message naming the line."""
    from cunwu_tui.domain.idcard import validate_id_number

    out = []
    for n, raw in enumerate((text or "").splitlines(), 1):
        parts = [p for p in re.split(r"[\t,，;；\s]+", raw.strip()) if p]
        if not parts:
            continue
        name, rest = parts[0], parts[1:]
        if len(name) > 32 or any(ch.isdigit() for ch in name):
            raise ValueError(f"名单第{n}行：第一项应为姓名，而不是 {name}。")
        group = id_number = ""
        amount: Decimal | None = None
        notes: list[str] = []
        for p in rest:
            if re.fullmatch(r"\d{6}[0-9A-Za-z]{8,12}", p):  # meant as an ID number: must be valid
                try:
                    id_number = validate_id_number(p, today=today)
                except ValueError as exc:
                    raise ValueError(f"名单第{n}行（{name}）：{exc}") from None
            elif re.fullmatch(r"\d+(\.\d{1,2})?元?", p) and amount is None:
                amount = Decimal(p.rstrip("元")).quantize(Decimal("0.01"))
            elif not group and re.search(r"(组|队|社|片|区|楼|单元)$", p) and len(p) <= 16:
                group = p
            else:
                notes.append(p)
        out.append((name, group, id_number, amount, " ".join(notes)))
    return out


def _person(r: NoticePerson) -> PersonLine:
    return PersonLine(r.seq, r.name, r.group_name, r.id_number, r.amount, r.note)


class NoticeService:
    def __init__(self, core: Core, settings: SettingsService | None = None, catalog: CatalogService | None = None):
        self.core = core
        self.settings = settings
        self.catalog = catalog
        self.case_gate: Callable[[Any, str, int, datetime, int | None], None] | None = None
        """Set by the facade to ``CaseService.notice_gate``: called in the
        write of a notice linked to a case step, it refuses a notice the case
        step is not ready for (ValidationError)."""

    # -- views -----------------------------------------------------------
    def _info(
        self, s: Session, row: Notice, now: datetime, tallies: dict[int, tuple[int, int, int]] | None = None
    ) -> NoticeInfo:
        assert row.id is not None
        p = rules.period(row.start_at, row.length, row.unit, self.core.calendar)
        st = rules.status(p, now, closed=row.closed_at is not None, withdrawn=row.withdrawn_at is not None)
        cd = (
            rules.countdown(p, now.date(), self.core.calendar)
            if st in (rules.RUNNING, rules.PENDING)
            else rules.Countdown(0, 0, False)
        )
        if tallies is None:
            tallies = self._tallies(s, [row.id])
        objections, handled, persons = tallies.get(row.id, (0, 0, 0))
        return NoticeInfo(
            id=row.id,
            number=number(row.year, row.seq),
            title=row.title,
            kind=row.kind,
            round=row.round,
            places=tuple(x for x in row.places.split("、") if x),
            start_at=row.start_at,
            length=row.length,
            unit=row.unit,
            end=p.end,
            provisional=p.provisional,
            provisional_reason=p.reason,
            status=st,
            days_left=cd.days,
            workdays_left=cd.workdays,
            summary=row.summary,
            photo_path=row.photo_path,
            backdate_reason=row.backdate_reason,
            matter_code=row.matter_code,
            case_ref=row.case_ref,
            case_step=row.case_step,
            previous_id=row.previous_id,
            operator_name=row.operator_name,
            created_at=row.created_at,
            closed_at=row.closed_at,
            result=row.result,
            result_note=row.result_note,
            withdrawn_at=row.withdrawn_at,
            withdraw_reason=row.withdraw_reason,
            objections=objections,
            open_objections=objections - handled,
            persons=persons,
            ends_today=cd.ends_today,
        )

    @staticmethod
    def _tallies(s: Session, ids: Sequence[int] | None) -> dict[int, tuple[int, int, int]]:
        """notice id -> (objections, objections handled, persons), in three
        grouped queries whatever the number of notices (``None``: all)."""
        objections: dict[int, int] = {}
        handled: dict[int, int] = {}
        persons: dict[int, int] = {}
        chunks = [None] if ids is None else [list(ids[i : i + 500]) for i in range(0, len(ids), 500)]
        for part in chunks:
            q1 = select(NoticeObjection.notice_id, func.count()).group_by(col(NoticeObjection.notice_id))
            q2 = (
                select(NoticeObjection.notice_id, func.count())
                .select_from(ObjectionOutcome)
                .join(NoticeObjection)
                .group_by(col(NoticeObjection.notice_id))
            )
            q3 = select(NoticePerson.notice_id, func.count()).group_by(col(NoticePerson.notice_id))
            if part is not None:
                q1 = q1.where(NoticeObjection.notice_id.in_(part))  # type: ignore[attr-defined]
                q2 = q2.where(NoticeObjection.notice_id.in_(part))  # type: ignore[attr-defined]
                q3 = q3.where(NoticePerson.notice_id.in_(part))  # type: ignore[attr-defined]
            for target, q in ((objections, q1), (handled, q2), (persons, q3)):
                for nid, n in s.exec(q):
                    target[nid] = int(n)
        keys = set(objections) | set(persons)
        return {k: (objections.get(k, 0), handled.get(k, 0), persons.get(k, 0)) for k in keys}

    def _infos(self, s: Session, rows: list[Notice], now: datetime, all_rows: bool = False) -> list[NoticeInfo]:
        tallies = self._tallies(s, None if all_rows else [r.id for r in rows if r.id is not None])
        return [self._info(s, r, now, tallies) for r in rows]

    def get(self, notice_id: int, now: datetime | None = None) -> NoticeInfo:
        with self.core.read() as s:
            row = s.get(Notice, notice_id)
            if row is None:
                raise ValidationError({"notice": "该公示不存在。"})
            return self._info(s, row, now or self.core.now())

    def list(self, status: str | None = None, now: datetime | None = None) -> list[NoticeInfo]:
        """Notices, the ones that need attention first: running (ending
        soonest first), expired without a result, pending, then closed and
        withdrawn (newest first)."""
        now = now or self.core.now()
        with self.core.read() as s:
            q = select(Notice).order_by(col(Notice.id))
            if status in (rules.RUNNING, rules.PENDING, rules.EXPIRED):  # neither closed nor withdrawn
                q = q.where(Notice.closed_at.is_(None), Notice.withdrawn_at.is_(None))  # type: ignore[union-attr]
                infos = self._infos(s, list(s.exec(q)), now)
            else:
                infos = self._infos(s, list(s.exec(q)), now, all_rows=True)
        if status:
            infos = [i for i in infos if i.status == status]
        return self._sorted(infos)

    def page(
        self, status: str | None = None, limit: int = 200, now: datetime | None = None, offset: int = 0
    ) -> tuple[builtins.list[NoticeInfo], int]:
        """``limit`` notices of ``list(status)`` from ``offset``, in its
        order, and how many ``list(status)`` has in all; reads only those
        (the live ones are few; closed and withdrawn ones come newest first,
        so SQL takes the ones asked for)."""
        if status in (rules.RUNNING, rules.PENDING, rules.EXPIRED):  # few: not closed, not withdrawn
            infos = self.list(status, now)
            return infos[offset : offset + limit], len(infos)
        now = now or self.core.now()
        closed = Notice.closed_at.is_not(None) & Notice.withdrawn_at.is_(None)  # type: ignore[union-attr]
        withdrawn = Notice.withdrawn_at.is_not(None)  # type: ignore[union-attr]
        with self.core.read() as s:

            def newest(cond: Any, skip: int, n: int) -> builtins.list[Notice]:
                if n <= 0:
                    return []
                q = select(Notice).where(cond).order_by(Notice.start_at.desc(), Notice.id)  # type: ignore[attr-defined]
                return list(s.exec(q.offset(max(skip, 0)).limit(n)))

            def count(cond: Any = None) -> int:
                q = select(func.count()).select_from(Notice)
                return int(s.exec(q if cond is None else q.where(cond)).one())

            if status == rules.CLOSED:
                return self._infos(s, newest(closed, offset, limit), now), count(closed)
            if status == rules.WITHDRAWN:
                return self._infos(s, newest(withdrawn, offset, limit), now), count(withdrawn)
            live = self._sorted(
                self._infos(
                    s,
                    list(
                        s.exec(
                            select(Notice)
                            .where(col(Notice.closed_at).is_(None), col(Notice.withdrawn_at).is_(None))
                            .order_by(col(Notice.id))
                        )
                    ),
                    now,
                )
            )
            out = live[offset : offset + limit]
            skip = offset - len(live)
            n_closed = count(closed) if skip > 0 or len(out) < limit else 0
            rows = newest(closed, skip, limit - len(out))
            rows += newest(withdrawn, skip - n_closed if skip > 0 else 0, limit - len(out) - len(rows))
            out += self._sorted(self._infos(s, rows, now))
            total = count()
        return out, total

    @staticmethod
    def _sorted(infos: builtins.list[NoticeInfo]) -> builtins.list[NoticeInfo]:
        order = {rules.EXPIRED: 0, rules.RUNNING: 1, rules.PENDING: 2, rules.CLOSED: 3, rules.WITHDRAWN: 4}

        def key(i: NoticeInfo) -> tuple[int, float, int]:
            active = i.status in (rules.EXPIRED, rules.RUNNING, rules.PENDING)
            return (order[i.status], i.end.toordinal() if active else -i.start_at.timestamp(), i.id)

        return sorted(infos, key=key)

    def for_case(
        self, case_ref: str, session: Session | None = None, now: datetime | None = None
    ) -> builtins.list[NoticeInfo]:
        """The notices linked to a case, oldest first (in ``session`` when
        the caller is inside a write)."""
        now = now or self.core.now()
        q = select(Notice).where(Notice.case_ref == case_ref).order_by(Notice.id)
        if session is not None:
            return self._infos(session, list(session.exec(q)), now)
        with self.core.read() as s:
            return self._infos(s, list(s.exec(q)), now)

    def between(self, start: date, end: date) -> builtins.list[NoticeInfo]:
        """Notices that start in [start, end), in number order (for the ledger)."""
        lo, hi = datetime.combine(start, time.min), datetime.combine(end, time.min)
        now = self.core.now()
        with self.core.read() as s:
            q = select(Notice).where(Notice.start_at >= lo, Notice.start_at < hi).order_by(Notice.year, Notice.seq)
            return self._infos(s, list(s.exec(q)), now)

    def persons(self, notice_id: int) -> builtins.list[PersonLine]:
        with self.core.read() as s:
            q = select(NoticePerson).where(NoticePerson.notice_id == notice_id).order_by(NoticePerson.seq)
            return [_person(r) for r in s.exec(q)]

    def objections(self, notice_id: int) -> builtins.list[ObjectionInfo]:
        with self.core.read() as s:
            q = (
                select(NoticeObjection, ObjectionOutcome)
                .join(ObjectionOutcome, isouter=True)
                .where(NoticeObjection.notice_id == notice_id)
                .order_by(NoticeObjection.received_at, NoticeObjection.id)
            )
            out = []
            for o, r in s.exec(q):
                out.append(
                    ObjectionInfo(
                        o.id,
                        o.notice_id,
                        o.received_at,
                        o.from_name,
                        o.content,
                        o.received_by,
                        r.handling if r else "",
                        r.result if r else "",
                        r.answered_at if r else None,
                    )
                )
            return out

    def ending_soon(self, today: date, within: int = 2) -> builtins.list[NoticeInfo]:
        now = (
            datetime.combine(today, self.core.now().time())
            if today == self.core.now().date()
            else datetime.combine(today, time(12, 0))
        )
        return [i for i in self.list(rules.RUNNING, now) if (i.end - today).days <= within]

    def without_result(self, today: date) -> builtins.list[NoticeInfo]:
        now = datetime.combine(today, time(23, 59))
        return [i for i in self.list(rules.EXPIRED, now)]

    def default_length(self, matter_code: str = "") -> tuple[int, str]:
        """The length the matter's rule gives (first notice with a length in
        the catalog), else 7 日."""
        if matter_code and self.catalog is not None:
            try:
                m = self.catalog.matter(matter_code)
            except KeyError:
                m = None
            if m is not None:
                for n in m.all_notices():
                    if n.length and n.unit in rules.UNITS:
                        return n.length, n.unit
        return rules.DEFAULT_LENGTH

    # -- writes ----------------------------------------------------------
    def add(
        self,
        title: str,
        kind: str,
        places: Iterable[str] | str,
        start: str | datetime | date,
        length: int | str,
        unit: str,
        round: str = "",
        summary: str = "",
        persons: str = "",
        photo_path: str = "",
        backdate_reason: str = "",
        matter_code: str = "",
        case_ref: str = "",
        case_step: int | None = None,
        previous_id: int | None = None,
    ) -> NoticeInfo:
        """Post a notice. Every rule refuses with a message at its field and
        saves nothing."""
        now = self.core.now()
        f = inputs.Fields()
        errors = f.errors
        title = f.text("title", title, "公示标题", inputs.TITLE, required=True)
        summary = f.text("summary", summary, "公示内容摘要", inputs.TEXT, multiline=True)
        if kind not in rules.KINDS:
            errors["kind"] = "请选择公示类别。"
        if isinstance(places, str):
            places = re.split(r"[、，,;；\s]+", places)
        place_list = tuple(dict.fromkeys(inputs.clean(p)[: inputs.SHORT] for p in places if inputs.clean(p)))
        if not place_list:
            errors["places"] = "请至少选择一个公示地点。"
        start_at = f.moment("start", start, "开始时间", inputs.office(now.date()), date_only_at=time(8, 0))
        backdate_reason = f.text("backdate_reason", backdate_reason, "补录原因", inputs.LINE)
        if start_at is not None and start_at.date() < now.date() and not backdate_reason and f.ok("backdate_reason"):
            f.error("backdate_reason", "开始日期早于今天：请填写补录原因（如：已张贴，今日补登记）。")
        n = f.integer("length", length, "公示期限", 1, 366, unit="日")
        if unit not in rules.UNITS:
            errors["unit"] = "期限单位只能是 日 或 工作日。"
        if n is not None and "unit" not in errors:
            try:
                rules.period(start_at or now, n, unit, self.core.calendar)
            except ValueError as exc:
                errors["length"] = str(exc)
        if round not in rules.ROUNDS:
            errors["round"] = "轮次只能是 第一次、第二次 或 长期。"
        photo_path = f.text("photo_path", photo_path, "照片文件", inputs.LINE).strip('"')
        if photo_path and not Path(photo_path).expanduser().is_file():
            errors["photo_path"] = f"找不到照片文件：{photo_path}"
        people: list[tuple[str, str, str, Decimal | None, str]] = []
        persons = f.text("persons", persons, "公示名单", inputs.LIST, multiline=True)
        try:
            people = parse_persons(persons, today=now.date())
        except ValueError as exc:
            errors["persons"] = str(exc)
        if errors:
            raise ValidationError(errors)
        assert start_at is not None and n is not None
        op = self.core.operator
        with self.core.write() as s:
            if previous_id is not None:
                self._check_next_round(s, previous_id, start_at, case_ref, case_step)
            if case_ref and case_step is not None and self.case_gate is not None:
                self.case_gate(s, case_ref, case_step, start_at, previous_id)
            year = start_at.year
            seq = (s.exec(select(func.max(Notice.seq)).where(Notice.year == year)).one() or 0) + 1
            row = Notice(
                year=year,
                seq=seq,
                title=title,
                kind=kind,
                round=round,
                places="、".join(place_list),
                start_at=start_at,
                length=n,
                unit=unit,
                summary=summary,
                photo_path=photo_path,
                backdate_reason=backdate_reason if start_at.date() < now.date() else "",
                matter_code=matter_code,
                case_ref=case_ref,
                case_step=case_step,
                previous_id=previous_id,
                operator_id=op.id if op else None,
                operator_name=op.name if op else "",
                created_at=now,
            )
            s.add(row)
            s.flush()
            for i, (name, group, idn, amount, note) in enumerate(people, 1):
                s.add(
                    NoticePerson(
                        notice_id=row.id, seq=i, name=name, group_name=group, id_number=idn, amount=amount, note=note
                    )
                )
            s.flush()
            info = self._info(s, row, now)
            self.core.audit(s, "notice", info.number, "发布", None, self._audit(info))
        return info

    @staticmethod
    def _check_next_round(
        s: Session, previous_id: int, start_at: datetime, case_ref: str, case_step: int | None
    ) -> None:
        """A next round answers an upheld objection: the previous round must
        have ended 有异议, and the new one cannot start before that objection
        was decided, nor serve another case step."""
        prev = s.get(Notice, previous_id)
        if prev is None:
            raise ValidationError({"title": "上一轮公示不存在。"})
        if prev.withdrawn_at is not None or prev.closed_at is None or prev.result != rules.UPHELD:
            raise ValidationError(
                {"title": f"上一轮公示{number(prev.year, prev.seq)}没有异议成立，不能发起下一轮公示。"}
            )
        if (case_ref or "") != (prev.case_ref or "") or (prev.case_ref and case_step != prev.case_step):
            raise ValidationError({"title": "下一轮公示应与上一轮关联同一办件的同一步骤。"})
        if start_at.date() < prev.closed_at.date():
            raise ValidationError(
                {"start": f"异议 {prev.closed_at:%Y-%m-%d} 才核实成立，下一轮公示不能早于这一天开始。"}
            )
        later = s.exec(
            select(Notice).where(Notice.previous_id == previous_id, col(Notice.withdrawn_at).is_(None))
        ).first()
        if later is not None:
            raise ValidationError({"title": f"上一轮公示已发起下一轮：{number(later.year, later.seq)}。"})

    def chain(self, notice_id: int) -> builtins.list[NoticeInfo]:
        """The rounds of a notice, first round first (following previous_id
        back and the rounds posted after it)."""
        now = self.core.now()
        with self.core.read() as s:
            row = s.get(Notice, notice_id)
            if row is None:
                return []
            while row.previous_id is not None and (previous := s.get(Notice, row.previous_id)) is not None:
                row = previous
            out = [row]
            while True:
                nxt = s.exec(select(Notice).where(Notice.previous_id == out[-1].id).order_by(col(Notice.id))).first()
                if nxt is None or nxt in out:
                    break
                out.append(nxt)
            return [self._info(s, r, now) for r in out]

    @staticmethod
    def _audit(i: NoticeInfo) -> dict[str, Any]:
        return {
            "name": f"{i.number} {i.title}",
            "category": i.kind,
            "round": i.round,
            "places": list(i.places),
            "start": f"{i.start_at:%Y-%m-%d %H:%M}",
            "length": i.length_text,
            "end": f"{i.end:%Y-%m-%d}" + ("（预计）" if i.provisional else ""),
            "persons": i.persons,
            "status": i.status,
            "result": i.result_text,
        }

    def _gate(
        self, s: Session, notice_id: int, action: NoticeAction, field: str, now: datetime, early_field: str = ""
    ) -> Notice:
        """The notice's row, read inside the write, or ``action`` refused at
        ``field`` (``early_field`` for a notice not started yet) with the
        words of ``features.notices.actions``."""
        row = s.get(Notice, notice_id)
        if row is None:
            raise ValidationError({field: "该公示不存在。"})
        facts = self._info(s, row, now).facts
        why = refusal(facts, action)
        if why:
            raise ValidationError({early_field if early_field and facts.status == rules.PENDING else field: why})
        return row

    def close(self, notice_id: int, result: str, note: str = "") -> NoticeInfo:
        """End a notice on or after its end day, with its result."""
        now = self.core.now()
        with self.core.write() as s:
            row = self._gate(s, notice_id, NoticeAction.CLOSE, "result", now)
            before = self._info(s, row, now)
            if result not in rules.RESULTS:
                raise ValidationError({"result": "请选择结果：无异议 或 有异议已处理。"})
            if result == rules.NO_OBJECTION and before.objections:
                raise ValidationError({"result": f"公示期间收到 {before.objections} 条异议，结果应为 有异议已处理。"})
            if result == rules.HANDLED and not before.objections:
                raise ValidationError({"result": "没有登记异议，结果应为 无异议。"})
            row.closed_at, row.result, row.result_note = now, result, inputs.text(note, "说明", inputs.LINE)
            s.add(row)
            s.flush()
            after = self._info(s, row, now)
            self.core.audit(s, "notice", after.number, "结束", self._audit(before), self._audit(after))
        return after

    def withdraw(self, notice_id: int, reason: str) -> NoticeInfo:
        f = inputs.Fields()
        reason = f.text("reason", reason, "撤回原因", inputs.LINE, required="撤回公示必须写明原因。")
        f.done()
        now = self.core.now()
        with self.core.write() as s:
            row = self._gate(s, notice_id, NoticeAction.WITHDRAW, "reason", now)
            before = self._info(s, row, now)
            row.withdrawn_at, row.withdraw_reason = now, reason
            s.add(row)
            s.flush()
            after = self._info(s, row, now)
            self.core.audit(s, "notice", after.number, "撤回", self._audit(before), self._audit(after))
        return after

    def add_objection(
        self, notice_id: int, received_at: str | datetime, from_name: str, content: str, received_by: str = ""
    ) -> ObjectionInfo:
        now = self.core.now()
        f = inputs.Fields()
        errors = f.errors
        at = (
            f.moment("received_at", received_at, "收到时间", inputs.past(now.date()), date_only_at=time(8, 0))
            if inputs.clean(received_at)
            else now
        )
        content = f.text("content", content, "异议内容", inputs.TEXT, required=True, multiline=True)
        from_name = f.text("from_name", from_name, "异议人姓名", inputs.NAME)
        op = self.core.operator
        received_by = f.text("received_by", received_by, "接收人", inputs.NAME) or (op.name if op else "")
        if not received_by and f.ok("received_by"):
            errors["received_by"] = "请填写接收人。"
        if errors:
            raise ValidationError(errors)
        assert at is not None
        with self.core.write() as s:
            row = self._gate(s, notice_id, NoticeAction.OBJECTION, "content", now, early_field="received_at")
            if at > now:
                raise ValidationError({"received_at": "收到时间不能晚于现在。"})
            if at < row.start_at:
                raise ValidationError({"received_at": f"公示 {row.start_at:%Y-%m-%d %H:%M} 才开始，收到时间不能更早。"})
            o = NoticeObjection(
                notice_id=notice_id,
                received_at=at,
                from_name=from_name,
                content=content,
                received_by=received_by,
                recorded_at=now,
            )
            s.add(o)
            s.flush()
            info = ObjectionInfo(o.id or 0, notice_id, at, from_name, content, received_by)
            self.core.audit(
                s,
                "notice_objection",
                o.id,
                "登记",
                None,
                {"name": number(row.year, row.seq), "from": info.who, "content": content},
            )
        return info

    def handle_objection(
        self, objection_id: int, handling: str, result: str, answered_at: str | date | None = None
    ) -> tuple[ObjectionInfo, NoticeInfo]:
        """Record how an objection was checked and answered. An upheld
        objection (成立) ends the notice as 有异议; the caller offers a
        second-round notice (``second_round_defaults``)."""
        now = self.core.now()
        f = inputs.Fields()
        errors = f.errors
        handling = f.text(
            "handling", handling, "核实处理情况", inputs.TEXT, required="请填写核实处理情况。", multiline=True
        )
        if result not in rules.OBJECTION_RESULTS:
            errors["result"] = "请选择核实结果：成立 或 不成立。"
        answered = None
        if inputs.clean(answered_at):
            answered = f.moment(
                "answered_at", answered_at, "答复时间", inputs.past(now.date()), date_only_at=time(8, 0)
            )
            if answered is not None and answered > now:
                errors["answered_at"] = "答复时间不能晚于现在。"
        if errors:
            raise ValidationError(errors)
        op = self.core.operator
        with self.core.write() as s:
            o = s.get(NoticeObjection, objection_id)
            if o is None:
                raise ValidationError({"handling": "该异议不存在。"})
            if s.exec(select(ObjectionOutcome).where(ObjectionOutcome.objection_id == objection_id)).first():
                raise ValidationError({"handling": "该异议已登记处理结果。"})
            if answered is not None and answered < o.received_at:
                raise ValidationError({"answered_at": "答复时间不能早于收到异议的时间。"})
            notice = self._gate(s, o.notice_id, NoticeAction.HANDLE, "handling", now)
            before = self._info(s, notice, now)
            s.add(
                ObjectionOutcome(
                    objection_id=objection_id,
                    handling=handling,
                    result=result,
                    answered_at=answered,
                    operator_name=op.name if op else "",
                    recorded_at=now,
                )
            )
            if result == "成立":
                notice.closed_at, notice.result = now, rules.UPHELD
                notice.result_note = f"异议成立：{handling}"
                s.add(notice)
            s.flush()
            after = self._info(s, notice, now)
            self.core.audit(
                s,
                "notice_objection",
                objection_id,
                "处理",
                None,
                {
                    "name": after.number,
                    "result": result,
                    "handling": handling,
                    "answered": f"{answered:%Y-%m-%d %H:%M}" if answered else "",
                },
            )
            if result == "成立":
                self.core.audit(s, "notice", after.number, "异议成立", self._audit(before), self._audit(after))
            info = ObjectionInfo(
                o.id or 0, o.notice_id, o.received_at, o.from_name, o.content, o.received_by, handling, result, answered
            )
        return info, after

    def second_round_defaults(self, notice_id: int) -> dict[str, Any]:
        """The form's defaults for the next round after an upheld objection."""
        i = self.get(notice_id)
        people = "\n".join(
            "\t".join(x for x in (p.name, p.group, p.id_number, "" if p.amount is None else f"{p.amount}", p.note) if x)
            for p in self.persons(notice_id)
        )
        return {
            "title": i.title,
            "kind": i.kind,
            "places": i.places,
            "length": i.length,
            "unit": i.unit,
            "round": "第二次",
            "summary": i.summary,
            "persons": people,
            "matter_code": i.matter_code,
            "case_ref": i.case_ref,
            "case_step": i.case_step,
            "previous_id": i.id,
        }

    # -- the list for the notice board --------------------------------------
    def write_public_list(self, notice_id: int, folder: str | Path | None = None) -> Path:
        """The notice as an A4 sheet for the notice board: ID numbers masked,
        no phone numbers. Raises ValidationError({"out_dir": ...})."""
        from cunwu_tui.ledgers.naming import LedgerError, ensure_writable_folder, unique_path
        from cunwu_tui.features.notices.public_list import (
            ListedPerson,
            PublicListView,
            public_list_filename,
            write_public_list,
        )

        info = self.get(notice_id)
        people = self.persons(notice_id)
        profile = self.settings.profile() if self.settings is not None else None
        if folder is None:
            from cunwu_tui.services.export import DEFAULT_DIR
            from cunwu_tui.services.settings import EXPORT_DIR

            remembered = self.settings.get(EXPORT_DIR) if self.settings is not None else ""
            folder = Path(remembered) if remembered else Path.cwd() / DEFAULT_DIR
        try:
            target = ensure_writable_folder(Path(folder).expanduser())
            view = PublicListView(
                info.title,
                info.number,
                info.start_at,
                info.end,
                info.provisional,
                info.length_text,
                profile.village if profile else "",
                profile.township if profile else "",
                profile.phone if profile else "",
                tuple(ListedPerson(p.seq, p.name, p.group, p.id_number, p.amount, p.note) for p in people),
            )
            path = unique_path(target / public_list_filename(view))
            write_public_list(view, path)
        except LedgerError as exc:
            raise ValidationError({"out_dir": str(exc)}) from None
        return path


def install(services: Services) -> None:
    """The feature's service on the facade (cunwu_tui/feature.py Feature.install)."""
    services.notices = NoticeService(services.core, services.settings, services.catalog)
