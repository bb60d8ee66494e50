"""Residents (村(居)民): the applicants of cases, entered once and reused.

An identity is a 居民身份证 number (validated: GB 11643 check digit, a real
birth date) or another document's type and number. Lists show ID and phone
numbers masked; the full numbers are for the case file only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, intersect, or_
from sqlmodel import Session, col, select

from cunwu_tui.db.models import Resident, ResidentMerge, ResidentSearchChar
from cunwu_tui.domain import inputs
from cunwu_tui.services.core import Core, ValidationError

if TYPE_CHECKING:
    from cunwu_tui.services import Services

ID_CARD = "居民身份证"
ID_TYPES: tuple[str, ...] = (
    ID_CARD,
    "户口簿",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "护照",
    "其他证件",
)


@dataclass(frozen=True)
class ResidentInfo:
    id: int
    name: str
    id_type: str
    id_number: str
    phone: str
    group: str
    address: str
    note: str
    merged_into: int | None = None  # a duplicate registration: the one kept
    merge_reason: str = ""

    @property
    def masked_id(self) -> str:
        return masked_id(self.id_type, self.id_number)

    @property
    def masked_phone(self) -> str:
        if not self.phone:
            return ""
        from cunwu_tui.domain.phone import mask_phone

        return mask_phone(self.phone)

    @property
    def label(self) -> str:
        """王桂英（一组，140431********2027）: how a list names a resident."""
        parts = [p for p in (self.group, self.masked_id) if p]
        return f"{self.name}（{'，'.join(parts)}）" if parts else self.name


def masked_id(id_type: str, id_number: str) -> str:
    """An ID number for lists: no more than the first 6 and last 4 characters."""
    if not id_number:
        return ""
    if id_type == ID_CARD:
        from cunwu_tui.domain.idcard import mask_id_number

        return mask_id_number(id_number)
    n = id_number
    return n[:2] + "*" * max(0, len(n) - 4) + n[-2:] if len(n) > 4 else "*" * len(n)


def resident_info(r: Resident, merge: ResidentMerge | None = None) -> ResidentInfo:
    """A resident row as callers see it (merged into ``merge.kept_id`` when
    ``merge`` is given); cases use it for the applicant's masked numbers."""
    assert r.id is not None
    return ResidentInfo(
        r.id,
        r.name,
        r.id_type,
        r.id_number,
        r.phone,
        r.group_name,
        r.address,
        r.note,
        merge.kept_id if merge else None,
        merge.reason if merge else "",
    )


def _audit(i: ResidentInfo) -> dict[str, Any]:
    """A resident as the operation log records it (the log masks ID and
    phone numbers when it shows them)."""
    return {
        "name": i.name,
        "id_type": i.id_type,
        "id_number": i.id_number,
        "phone": i.phone,
        "group": i.group,
        "address": i.address,
        "note": i.note,
    }


def _index(s: Session, residents: list[tuple[int, str]]) -> None:
    """The search index's rows for (id, name): what ``_named`` reads."""
    pairs = [{"ch": ch, "resident_id": rid} for rid, name in residents for ch in inputs.search_chars(name)]
    if pairs:
        s.connection().execute(insert(ResidentSearchChar), pairs)


def _named(q: str) -> Any:
    """Residents whose name holds ``q`` (a search key): read from the few
    holding every typed character (resident_search_char), not from all."""
    named = col(Resident.name).icontains(q, autoescape=inputs.like_escaped(q))
    chars = inputs.probe_chars(q)  # the name is compared too: a few characters narrow enough
    if not chars:  # digits only: no name holds them in practice, compared as before
        return named
    holding = [select(ResidentSearchChar.resident_id).where(ResidentSearchChar.ch == ch) for ch in chars]
    return and_(col(Resident.id).in_(holding[0] if len(holding) == 1 else intersect(*holding)), named)


@dataclass(frozen=True)
class ResidentPage:
    items: tuple[ResidentInfo, ...]
    total: int
    offset: int
    limit: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


def _one_line(text: str) -> str:
    return inputs.clean(text)


class ResidentService:
    def __init__(self, core: Core):
        self.core = core

    def _clean(
        self, name: str, id_type: str, id_number: str, phone: str, group: str, address: str, note: str
    ) -> dict[str, Any]:
        errors: dict[str, str] = {}
        name = _one_line(name)
        if not name:
            errors["name"] = "请填写姓名。"
        elif len(name) > 32:
            errors["name"] = "姓名过长（最多32字）。"
        id_type = _one_line(id_type) or ID_CARD
        if id_type not in ID_TYPES:
            errors["id_type"] = "请选择证件类型。"
        number = _one_line(id_number)
        if id_type == ID_CARD:
            if not number:
                errors["id_number"] = "请填写身份证号；没有身份证的，请选择其他证件类型。"
            else:
                from cunwu_tui.domain.idcard import validate_id_number

                try:
                    number = validate_id_number(number, today=self.core.now().date())
                except ValueError as exc:
                    errors["id_number"] = str(exc)
        elif not number:
            errors["id_number"] = f"请填写{id_type}号码。"
        elif len(number) > 64:
            errors["id_number"] = "证件号码过长。"
        phone = _one_line(phone)
        if phone:
            from cunwu_tui.domain.phone import validate_phone

            try:
                phone = validate_phone(phone)
            except ValueError as exc:
                errors["phone"] = str(exc)
        f = inputs.Fields()
        group = f.text("group", group, "村民小组", inputs.NAME)
        address = f.text("address", address, "住址", inputs.TITLE)
        note = f.text("note", note, "备注", inputs.LINE, multiline=True)
        errors.update(f.errors)
        if errors:
            raise ValidationError(errors)
        return dict(
            name=name, id_type=id_type, id_number=number, phone=phone, group_name=group, address=address, note=note
        )

    def _clash(self, s: Session, id_type: str, number: str, own_id: int | None = None) -> None:
        q = select(Resident).where(Resident.id_type == id_type, Resident.id_number == number)
        if own_id is not None:
            q = q.where(Resident.id != own_id)
        other = s.exec(q).first()
        if other is not None:
            raise ValidationError({"id_number": f"该证件号已登记为「{other.name}」，请直接选用，不要重复登记。"})

    def add(
        self,
        name: str,
        id_type: str = ID_CARD,
        id_number: str = "",
        phone: str = "",
        group: str = "",
        address: str = "",
        note: str = "",
    ) -> ResidentInfo:
        fields = self._clean(name, id_type, id_number, phone, group, address, note)
        with self.core.write() as s:
            self._clash(s, fields["id_type"], fields["id_number"])
            row = Resident(created_at=self.core.now(), **fields)
            s.add(row)
            s.flush()
            assert row.id is not None
            _index(s, [(row.id, row.name)])
            info = resident_info(row)
            self.core.audit(s, "resident", row.id, "新增", None, info)
        return info

    def update(
        self,
        resident_id: int,
        name: str,
        id_type: str = ID_CARD,
        id_number: str = "",
        phone: str = "",
        group: str = "",
        address: str = "",
        note: str = "",
    ) -> ResidentInfo:
        """Correct a resident's details (on the record, before and after)."""
        fields = self._clean(name, id_type, id_number, phone, group, address, note)
        with self.core.write() as s:
            row = s.get(Resident, resident_id)
            if row is None:
                raise ValidationError({"name": "该居民不存在。"})
            self._clash(s, fields["id_type"], fields["id_number"], resident_id)
            before = resident_info(row)
            for k, v in fields.items():
                setattr(row, k, v)
            s.add(row)
            s.flush()
            if row.name != before.name:  # the index follows the name
                s.connection().execute(
                    delete(ResidentSearchChar).where(col(ResidentSearchChar.resident_id) == resident_id)
                )
                _index(s, [(resident_id, row.name)])
            after = resident_info(row)
            if after != before:
                self.core.audit(s, "resident", resident_id, "修改", before, after)
        return after

    def get(self, resident_id: int) -> ResidentInfo | None:
        with self.core.read() as s:
            row = s.get(Resident, resident_id)
            if row is None:
                return None
            merge = s.exec(select(ResidentMerge).where(ResidentMerge.duplicate_id == resident_id)).first()
            return resident_info(row, merge)

    @staticmethod
    def _where(stmt: Any, query: str) -> Any:
        """By name (part of it), 村民小组, ID number (whole, or its last 4 or
        more characters) or phone (whole, or its last 4 or more digits)."""
        q = inputs.search_key(query)
        if not q:
            return stmt
        conds = [_named(q), col(Resident.group_name) == q]
        if len(q) >= 4 and any(ch.isdigit() for ch in q):
            esc = inputs.like_escaped(q)  # % and _ as typed
            conds += [
                col(Resident.id_number).endswith(q, autoescape=esc),
                Resident.id_number == q,
                col(Resident.phone).endswith(q, autoescape=esc),
            ]
        return stmt.where(or_(*conds))

    def search(self, query: str, limit: int = 50) -> list[ResidentInfo]:
        """Residents to pick (for a new case): merged duplicates left out.
        Names that begin with what was typed come first (read through the
        index on name: a surname typed finds its people without reading the
        register), then the other matches, each in name order."""
        merged = select(ResidentMerge.duplicate_id)
        q = inputs.search_key(query)
        with self.core.read() as s:
            kept = select(Resident).where(col(Resident.id).not_in(merged))
            found: list[Resident] = []
            begins = (col(Resident.name) >= q) & (col(Resident.name) < q + "\U0010ffff")
            if q:
                found = list(s.exec(kept.where(begins).order_by(Resident.name, Resident.id).limit(limit)))
            if len(found) < limit:
                rest = self._where(kept, query)
                if q:
                    rest = rest.where(~begins)
                found += s.exec(rest.order_by(Resident.name, Resident.id).limit(limit - len(found)))
            return [resident_info(r) for r in found]

    def page(self, query: str = "", offset: int = 0, limit: int = 20) -> ResidentPage:
        """The register, a page at a time (name order), searched like
        ``search``; merged duplicates are listed too, marked."""
        limit = max(1, limit)
        with self.core.read() as s:
            total = s.exec(self._where(select(func.count()).select_from(Resident), query)).one()
            offset = max(0, min(offset, (max(total, 1) - 1) // limit * limit))
            stmt = self._where(
                select(Resident, ResidentMerge).join(
                    ResidentMerge, col(ResidentMerge.duplicate_id) == col(Resident.id), isouter=True
                ),
                query,
            )
            stmt = stmt.order_by(Resident.name, Resident.id).offset(offset).limit(limit)
            items = tuple(resident_info(r, m) for r, m in s.exec(stmt))
        return ResidentPage(items, int(total), offset, limit)

    def reindex(self) -> int:
        """Residents not in the search index yet (registered by an older
        version, or copied in), indexed; at each start. Returns how many."""
        with self.core.read() as s:
            run = s.connection().execute
            top = run(select(func.max(ResidentSearchChar.resident_id))).scalar() or 0
            missing = [(r[0], r[1]) for r in run(select(Resident.id, Resident.name).where(col(Resident.id) > top))]
        for i in range(0, len(missing), 2000):
            with self.core.write() as s:
                _index(s, missing[i : i + 2000])
        return len(missing)

    def registrations(self, resident_id: int) -> tuple[int, ...]:
        """The resident's own id and those of the duplicates merged into it."""
        with self.core.read() as s:
            dups = s.exec(select(ResidentMerge.duplicate_id).where(ResidentMerge.kept_id == resident_id)).all()
        return (resident_id, *dups)

    def merge(self, duplicate_id: int, kept_id: int | None, reason: str) -> ResidentInfo:
        """A duplicate registration merged into the one kept, with the
        reason: a record of its own (append-only). Nothing is deleted; the
        duplicate's cases are listed with the kept resident."""
        errors: dict[str, str] = {}
        try:
            reason = inputs.text(reason, "合并原因", inputs.LINE)
        except inputs.InputError as exc:
            errors["reason"] = str(exc)
            reason = ""
        if kept_id is None:
            errors["kept"] = "请选择要保留的登记。"
        elif kept_id == duplicate_id:
            errors["kept"] = "不能合并到自己。"
        if not reason and "reason" not in errors:
            errors["reason"] = "请写明合并的原因（如：同一人重复登记，证件号录错）。"
        if errors:
            raise ValidationError(errors)
        op = self.core.operator
        with self.core.write() as s:
            dup, kept = s.get(Resident, duplicate_id), s.get(Resident, kept_id)
            if dup is None or kept is None:
                raise ValidationError({"kept": "该居民不存在。"})
            for rid, field in ((duplicate_id, "kept"), (kept_id, "kept")):
                m = s.exec(select(ResidentMerge).where(ResidentMerge.duplicate_id == rid)).first()
                if m is not None:
                    who = "本登记" if rid == duplicate_id else "要保留的登记"
                    raise ValidationError({field: f"{who}已合并到其他登记，不能再合并。"})
            row = ResidentMerge(
                duplicate_id=duplicate_id,
                kept_id=kept_id,
                reason=reason,
                operator_id=op.id if op else None,
                operator_name=op.name if op else "",
                recorded_at=self.core.now(),
            )
            s.add(row)
            s.flush()
            self.core.audit(
                s,
                "resident",
                duplicate_id,
                "合并",
                _audit(resident_info(dup)),
                {"name": f"合并到 {resident_info(kept).label}", "reason": reason},
            )
            return resident_info(dup, row)


def install(services: Services) -> None:
    """The feature's service on the facade (cunwu_tui/feature.py Feature.install)."""
    services.residents = ResidentService(services.core)
