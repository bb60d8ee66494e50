"""The matter catalog as the office uses it: the shipped catalog
(``data/matters``) plus what the village adds in the database — its own
matters (本村事项) and documents or notes added to any matter. Search
(Chinese, pinyin, initials, aliases, document names) and the plain views the
lookup screen, the 一次性告知书 and the CLI show.

The shipped catalog and the pinyin index load lazily (``warm()`` in a
worker); the additions are keyed by matter code, so they survive an upgrade
of the shipped files."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from sqlmodel import Session, select

from cunwu_tui.domain.inputs import clean as clean_text
from cunwu_tui.db.models import LocalMatter, MatterAddition
from cunwu_tui.services.core import Core, ValidationError

if TYPE_CHECKING:
    from cunwu_tui.services import Services
    from cunwu_tui.features.lookup.catalog import Catalog, Matter, Notice, TimeLimit
    from cunwu_tui.domain.search import SearchRecord
    from cunwu_tui.services.settings import SettingsService
    from cunwu_tui.domain.search import SearchIndex

log = logging.getLogger("cunwu.catalog")

LOCAL_SEED = "本村"
"""The ``seed`` of everything the village added: shown as 本村补充."""
LOCAL_CATEGORY = "本村事项"
LOCAL_PREFIX = "CUN-"
FORMS = ("", "原件", "复印件", "原件及复印件")

SEED_TITLES = {
    "000_df0ea5699719fa07.txt": "八一社区工作流程",
    "001_9b4acdc573c2202a.txt": "乡镇各科室工作流程",
    "002_d87d51b7e53a5638.txt": "沁源县村级组织（社区）履行职责事项流程",
    "003_98d4341f942a07d2.txt": "村(社区)履行职责事项流程（示范文本）",
    "004_6236ee6db6d88bf7.txt": "规范权力运行制度汇编",
    LOCAL_SEED: "本村补充",
}


def seed_title(seed: str) -> str:
    return SEED_TITLES.get(seed, seed)


# --------------------------------------------------------------------------
# Plain data for screens, letters and the CLI


@dataclass(frozen=True)
class DocLine:
    name: str
    form: str = ""
    count: int | None = None
    note: str = ""
    local: bool = False  # added by the village
    addition_id: int | None = None

    @property
    def detail(self) -> str:
        """原件及复印件，2份；说明 — what goes after the name (the form is
        left out when the name already says it)."""
        said = (
            all(w in self.name for w in ("原件", "复印件")) if self.form == "原件及复印件" else self.form in self.name
        )
        parts = [p for p in ("" if said else self.form, f"{self.count}份" if self.count else "") if p]
        text = "，".join(parts)
        if self.note:
            text = f"{text}；{self.note}" if text else self.note
        return text

    @property
    def line(self) -> str:
        return f"{self.name}（{self.detail}）" if self.detail else self.name


@dataclass(frozen=True)
class StepLine:
    order: int
    text: str
    actor: str = ""
    branch: str = ""
    note: str = ""
    time_limit: str = ""
    notice: str = ""


@dataclass(frozen=True)
class NoteLine:
    text: str
    local: bool = False
    addition_id: int | None = None


@dataclass(frozen=True)
class MatterView:
    """One matter as one source (variant) describes it, with the village's
    additions. ``variants`` lists (seed, title) of every source that
    describes the matter; ``seed`` is the one shown."""

    code: str
    name: str
    category: str
    aliases: tuple[str, ...]
    handled_by: tuple[str, ...]
    guidance_unit: str
    where: str
    fees: str
    seed: str
    variants: tuple[tuple[str, str], ...]
    conditions: tuple[str, ...]
    documents: tuple[DocLine, ...]
    steps: tuple[StepLine, ...]
    time_limits: tuple[str, ...]
    notices: tuple[str, ...]
    supervision: tuple[str, ...]
    risk_points: tuple[str, ...]
    prevention: tuple[str, ...]
    notes: tuple[NoteLine, ...]
    order_note: str = ""
    local: bool = False
    seed_order: str = ""  # a reordered flow: the seed's own order, quoted

    @property
    def seed_title(self) -> str:
        return seed_title(self.seed)


@dataclass(frozen=True)
class SearchResult:
    code: str
    name: str
    category: str
    field: str  # name | alias | document | extra
    text: str  # what matched

    @property
    def reason(self) -> str:
        """Why a result matched, when it was not by its name."""
        if self.field == "alias":
            return f"又称：{self.text}"
        if self.field == "document":
            return f"所需材料：{self.text}"
        if self.field == "extra":
            return f"类别：{self.text}"
        return ""


@dataclass(frozen=True)
class InformLetter:
    """一次性告知书: everything a resident must know and bring, at once.
    ``received`` is None for the full list (made from the lookup); from a
    case it holds, per document, whether it was handed in."""

    village: str
    township: str
    office_phone: str
    matter_code: str
    matter_name: str
    applicant: str
    conditions: tuple[str, ...]
    documents: tuple[DocLine, ...]
    received: tuple[bool, ...] | None
    where: str
    when: str
    time_limits: tuple[str, ...]
    fees: str
    clerk: str
    clerk_phone: str
    on: date
    notes: tuple[str, ...] = ()  # the village's own notes on the matter

    @property
    def missing(self) -> tuple[DocLine, ...]:
        if self.received is None:
            return self.documents
        return tuple(d for d, ok in zip(self.documents, self.received) if not ok)

    def rows(self) -> list[tuple[str, str]]:
        """(项目, 内容) rows, as printed and as shown on screen."""
        rows: list[tuple[str, str]] = [("办理事项", self.matter_name)]
        if self.applicant:
            rows.append(("申请人", self.applicant))
        for i, c in enumerate(self.conditions, 1):
            rows.append(("办理条件" if i == 1 else "", f"{i}. {c}" if len(self.conditions) > 1 else c))
        if not self.conditions:
            rows.append(("办理条件", NOT_STATED))
        title = "所需材料" if self.received is None else "尚缺材料"
        docs = self.missing
        for i, d in enumerate(docs, 1):
            rows.append((title if i == 1 else "", f"{i}. {d.line}"))
        if not docs:
            rows.append((title, "材料已齐全。" if self.received is not None else NOT_STATED))
        if self.received is not None and any(self.received):
            got = [d for d, ok in zip(self.documents, self.received) if ok]
            rows.append(("已收材料", "；".join(d.name for d in got)))
        rows.append(("递交地点", self.where))
        rows.append(("递交时间", self.when))
        for i, t in enumerate(self.time_limits, 1):
            rows.append(("办理时限" if i == 1 else "", t))
        if not self.time_limits:
            rows.append(("办理时限", NOT_STATED))
        if self.fees:
            rows.append(("收费", self.fees))
        for i, n in enumerate(self.notes, 1):
            rows.append(("本村说明" if i == 1 else "", n))
        clerk = self.clerk + (f"（联系电话：{self.clerk_phone}）" if self.clerk_phone else "")
        rows.append(("告知人", clerk or "　"))
        return rows

    @property
    def text(self) -> str:
        """The letter as plain text (screen, console)."""
        lines = [f"{self.township}{self.village}一次性告知书", ""]
        for label, value in self.rows():
            lines.append(f"{label or '':　<4}　{value}" if label else f"{'':　<4}　{value}")
        lines += ["", f"告知日期：{self.on.year}年{self.on.month}月{self.on.day}日"]
        return "\n".join(lines)


NOT_STATED = "（事项目录未载明，以乡镇(街道)主管部门的要求为准，告知人核实后另行告知）"


@dataclass(frozen=True)
class AdditionInfo:
    id: int
    matter_code: str
    kind: str
    text: str
    form: str
    count: int | None
    active: bool


@dataclass(frozen=True)
class LocalMatterInfo:
    id: int
    code: str
    name: str
    aliases: tuple[str, ...]
    category: str
    where: str
    fees: str
    time_limit: str
    conditions: tuple[str, ...]
    documents: tuple[str, ...]
    notes: tuple[str, ...]
    active: bool


def _lines(text: str) -> tuple[str, ...]:
    return tuple(s for s in (clean_text(line) for line in clean_text(text, multiline=True).splitlines()) if s)


def _split_aliases(text: str) -> tuple[str, ...]:
    parts = re.split(r"[、，,;；\n]+", clean_text(text, multiline=True))
    return tuple(dict.fromkeys(clean_text(p) for p in parts if clean_text(p)))


def _local_info(row: LocalMatter) -> LocalMatterInfo:
    assert row.id is not None
    return LocalMatterInfo(
        row.id,
        row.code,
        row.name,
        _split_aliases(row.aliases),
        row.category,
        row.where,
        row.fees,
        row.time_limit,
        _lines(row.conditions),
        _lines(row.documents),
        _lines(row.notes),
        row.active,
    )


def _addition_info(row: MatterAddition) -> AdditionInfo:
    assert row.id is not None
    return AdditionInfo(row.id, row.matter_code, row.kind, row.text, row.form, row.count, row.active)


_TIME_LIMIT = re.compile(r"^(当日|当天|即办|(\d{1,3})\s*个?\s*(工作日|日|天|个月|小时))$")


def parse_time_limit(text: str) -> TimeLimit:
    """``5个工作日``, ``7日`` / ``7天``, ``1个月``, ``当日`` -> TimeLimit.

    Raises ValueError with a Chinese message for anything else."""
    from cunwu_tui.features.lookup.catalog import TimeLimit

    raw = clean_text(text)
    m = _TIME_LIMIT.match(raw.replace(" ", ""))
    if not m:
        raise ValueError("时限请写成 数字加单位，如 5个工作日、7日、1个月、当日。")
    if m.group(2) is None:
        return TimeLimit(0, "日", raw)
    unit = {"天": "日"}.get(m.group(3), m.group(3))
    return TimeLimit(int(m.group(2)), unit, raw)


def _time_limit_text(t: TimeLimit) -> str:
    if t.text:
        return t.text
    return "当日" if t.value == 0 else f"{t.value}{'个' if t.unit == '工作日' else ''}{t.unit}"


def _notice_text(n: Notice) -> str:
    parts = []
    if n.round:
        parts.append(f"{n.round}公示")
    if n.length is not None:
        parts.append(f"公示{n.length}{'个' if n.unit == '工作日' else ''}{n.unit}")
    if n.where:
        parts.append(n.where)
    if n.text:
        parts.append(n.text)
    if n.length is None:
        parts.append("公示（来源未写期限，发布时按实际填写）")
    return "，".join(parts)


def view_of(matter: "Matter", seed: str | None = None, additions: Sequence[AdditionInfo] = ()) -> MatterView:
    """The matter as source ``seed`` describes it (default: the first source
    that lists documents, else the first), plus the village's additions."""
    seeds = tuple(s for s in matter.seeds if s != LOCAL_SEED)
    if seed is None or (seed not in seeds and seeds):
        with_docs = [s for s in seeds if any(matter.seed_of(d) == s for d in matter.documents)]
        seed = (with_docs or list(seeds) or [LOCAL_SEED])[0]

    def mine(item: Any) -> bool:
        own = matter.seed_of(item)
        return own in ("", seed)

    docs = [DocLine(d.name, d.form, d.count, d.note) for d in matter.documents if mine(d)]
    notes = [NoteLine(f.text) for f in matter.notes if mine(f)]
    for a in additions:
        if not a.active:
            continue
        if a.kind == "document":
            docs.append(DocLine(a.text, a.form, a.count, "", True, a.id))
        else:
            notes.append(NoteLine(a.text, True, a.id))
    steps = tuple(
        StepLine(
            s.order,
            s.text,
            s.actor,
            s.branch,
            s.note,
            _time_limit_text(s.time_limit) if s.time_limit else "",
            _notice_text(s.notice) if s.notice else "",
        )
        for s in matter.steps
        if mine(s)
    )
    limits = [_time_limit_text(t) for t in matter.time_limits if mine(t)]
    limits += [f"第{s.order}步（{s.text}）：{s.time_limit}" for s in steps if s.time_limit]
    notices = [_notice_text(n) for n in matter.notices if mine(n)]
    notices += [f"第{s.order}步：{s.notice}" for s in steps if s.notice]
    return MatterView(
        code=matter.code,
        name=matter.name,
        category=matter.category,
        aliases=matter.aliases,
        handled_by=matter.handled_by,
        guidance_unit=matter.guidance_unit,
        where=matter.where,
        fees=matter.fees,
        seed=seed,
        variants=tuple((s, seed_title(s)) for s in seeds),
        conditions=tuple(f.text for f in matter.conditions if mine(f)),
        documents=tuple(docs),
        steps=steps,
        time_limits=tuple(limits),
        notices=tuple(n for n in notices if n),
        supervision=tuple(f.text for f in matter.supervision if mine(f)),
        risk_points=tuple(f.text for f in matter.risk_points if mine(f)),
        prevention=tuple(f.text for f in matter.prevention if mine(f)),
        notes=tuple(notes),
        order_note=matter.order_note,
        local=matter.code.startswith(LOCAL_PREFIX),
        seed_order=matter.seed_order_text(seed) if hasattr(matter, "seed_order_text") else "",
    )


# --------------------------------------------------------------------------
# The service


class CatalogService:
    def __init__(
        self,
        core: Core,
        settings: SettingsService | None = None,
        catalog_dir: Path | None = None,
        cache_file: Path | None = None,
    ):
        self.core = core
        self.settings = settings
        self.catalog_dir = catalog_dir
        self._cache_file = cache_file
        self._lock = threading.RLock()
        self._shipped: Catalog | None = None
        self._merged: Catalog | None = None
        self._index: SearchIndex | None = None

    # -- loading ------------------------------------------------------------
    def cache_file(self) -> Path:
        if self._cache_file is None:
            from platformdirs import user_cache_dir

            self._cache_file = Path(user_cache_dir("cunwu-tui", appauthor=False)) / "search-index.json"
        return self._cache_file

    def shipped(self) -> "Catalog":
        """The catalog files (loaded once; CatalogError if they are broken)."""
        with self._lock:
            if self._shipped is None:
                from cunwu_tui.features.lookup.catalog import load_catalog

                self._shipped = load_catalog(self.catalog_dir)
            return self._shipped

    def catalog(self) -> "Catalog":
        """Shipped matters, then the village's own; additions not applied
        (see ``view``)."""
        with self._lock:
            if self._merged is None:
                from cunwu_tui.features.lookup.catalog import Catalog

                shipped = self.shipped()
                own = [self._as_matter(m) for m in self.local_matters() if m.active]
                self._merged = Catalog(list(shipped) + own, shipped.files)
            return self._merged

    def index(self) -> "SearchIndex":
        with self._lock:
            if self._index is None:
                from cunwu_tui.domain.search import load_or_build

                self._index = load_or_build(self._records(), self.cache_file())
            return self._index

    @property
    def ready(self) -> bool:
        """Whether search answers at once (the index is loaded)."""
        return self._index is not None

    def warm(self) -> None:
        """Load the catalog and the search index (slow the first time: call
        it from a worker)."""
        self.index()

    def _changed(self) -> None:
        with self._lock:
            self._merged = None
            self._index = None

    def _records(self) -> list[SearchRecord]:
        from cunwu_tui.domain.search import SearchRecord

        extra_docs: dict[str, list[str]] = {}
        for a in self.additions():
            if a.kind == "document":
                extra_docs.setdefault(a.matter_code, []).append(a.text)
        return [
            SearchRecord(
                key=m.code,
                name=m.name,
                aliases=tuple(m.aliases),
                documents=tuple(dict.fromkeys([d.name for d in m.documents] + extra_docs.get(m.code, []))),
                extra=(m.category,),
            )
            for m in self.catalog()
        ]

    @staticmethod
    def _as_matter(info: LocalMatterInfo) -> "Matter":
        from cunwu_tui.features.lookup.catalog import Document, Fact, Matter

        limits: tuple[TimeLimit, ...] = ()
        if info.time_limit:
            try:
                limits = (replace(parse_time_limit(info.time_limit), seed=LOCAL_SEED),)
            except ValueError:  # stored before validation existed: keep it as a note
                limits = ()
        notes = tuple(Fact(t, LOCAL_SEED) for t in info.notes)
        if info.time_limit and not limits:
            notes += (Fact(f"办理时限：{info.time_limit}", LOCAL_SEED),)
        return Matter(
            code=info.code,
            name=info.name,
            category=info.category or LOCAL_CATEGORY,
            seeds=(LOCAL_SEED,),
            aliases=info.aliases,
            handled_by=("村",),
            where=info.where,
            fees=info.fees,
            conditions=tuple(Fact(t, LOCAL_SEED) for t in info.conditions),
            documents=tuple(Document(t, seed=LOCAL_SEED) for t in info.documents),
            time_limits=limits,
            notes=notes,
        )

    # -- reading ------------------------------------------------------------
    def search(self, query: str, limit: int | None = 50) -> list[SearchResult]:
        catalog = self.catalog()
        out = []
        for hit in self.index().search(query, limit):
            if hit.key in catalog:
                m = catalog.by_code(hit.key)
                out.append(SearchResult(m.code, m.name, m.category, hit.field, hit.text))
        return out

    def matter(self, code: str) -> "Matter":
        """KeyError (Chinese) for an unknown code."""
        return self.catalog().by_code(code)

    def view(self, code: str, seed: str | None = None) -> MatterView:
        return view_of(self.matter(code), seed, self.additions(code))

    def additions(self, code: str | None = None, active_only: bool = True) -> list[AdditionInfo]:
        with self.core.read() as s:
            q = select(MatterAddition).order_by(MatterAddition.id)  # type: ignore[arg-type]
            if code is not None:
                q = q.where(MatterAddition.matter_code == code)
            if active_only:
                q = q.where(MatterAddition.active == True)  # noqa: E712
            return [_addition_info(r) for r in s.exec(q)]

    def local_matters(self) -> list[LocalMatterInfo]:
        with self.core.read() as s:
            return [_local_info(r) for r in s.exec(select(LocalMatter).order_by(LocalMatter.id))]  # type: ignore[arg-type]

    # -- the village's additions ---------------------------------------------
    def _known(self, code: str) -> None:
        if code not in self.catalog():
            raise ValidationError({"text": f"事项目录中没有编码为 {code} 的事项。"})

    def add_document(self, code: str, text: str, form: str = "", count: int | str | None = None) -> AdditionInfo:
        """A document the village also asks for, on a matter of the catalog."""
        from cunwu_tui.domain import inputs

        f = inputs.Fields()
        text = f.text("text", text, "材料名称", inputs.TITLE, required="请填写材料名称。")
        form = inputs.clean(form)
        if form not in FORMS:
            f.error("form", "请选择 原件、复印件 或 原件及复印件。")
        n = f.integer("count", count, "份数", 1, 99, required=False, unit="份")
        f.done()
        return self._add(code, "document", text, form, n)

    def add_note(self, code: str, text: str) -> AdditionInfo:
        """A note of the village on a matter (e.g. where to go, office hours)."""
        from cunwu_tui.domain import inputs

        f = inputs.Fields()
        text = f.text("text", text, "备注内容", inputs.LINE, required="请填写备注内容。")
        f.done()
        return self._add(code, "note", text, "", None)

    def _add(self, code: str, kind: str, text: str, form: str, count: int | None) -> AdditionInfo:
        self._known(code)
        with self.core.write() as s:
            row = MatterAddition(
                matter_code=code, kind=kind, text=text, form=form, count=count, active=True, created_at=self.core.now()
            )
            s.add(row)
            s.flush()
            info = _addition_info(row)
            self.core.audit(s, "matter_addition", row.id, "新增", None, self._audit_view(info))
        self._changed()
        return info

    def withdraw_addition(self, addition_id: int) -> AdditionInfo:
        """Stop showing an addition (kept on record, never deleted)."""
        with self.core.write() as s:
            row = s.get(MatterAddition, addition_id)
            if row is None:
                raise ValidationError({"text": "该补充内容不存在。"})
            before = _addition_info(row)
            if not row.active:
                return before
            row.active = False
            s.add(row)
            s.flush()
            after = _addition_info(row)
            self.core.audit(
                s, "matter_addition", addition_id, "撤销", self._audit_view(before), self._audit_view(after)
            )
        self._changed()
        return after

    def _audit_view(self, a: AdditionInfo) -> dict[str, Any]:
        try:
            name = self.catalog().by_code(a.matter_code).name
        except KeyError:
            name = a.matter_code
        return {
            "name": name,
            "kind": "材料" if a.kind == "document" else "备注",
            "text": a.text,
            "form": a.form,
            "count": a.count,
            "active": a.active,
        }

    def _clean_local(
        self,
        name: str,
        aliases: str,
        category: str,
        where: str,
        fees: str,
        time_limit: str,
        conditions: str,
        documents: str,
        notes: str,
        own_id: int | None,
        s: Session,
    ) -> dict[str, Any]:
        errors: dict[str, str] = {}
        name = clean_text(name)
        if not name:
            errors["name"] = "请填写事项名称。"
        elif len(name) > 128:
            errors["name"] = "事项名称过长（最多128字）。"
        else:
            shipped_names = {m.name for m in self.shipped()}
            if name in shipped_names:
                errors["name"] = f"事项目录中已有「{name}」：请在该事项里添加材料或备注。"
            else:
                q = select(LocalMatter).where(LocalMatter.name == name, LocalMatter.active == True)  # noqa: E712
                if own_id is not None:
                    q = q.where(LocalMatter.id != own_id)
                if s.exec(q).first() is not None:
                    errors["name"] = f"本村事项中已有「{name}」。"
        category = clean_text(category) or LOCAL_CATEGORY
        if len(category) > 32:
            errors["category"] = "类别过长（最多32字）。"
        time_limit = clean_text(time_limit)
        if time_limit:
            try:
                parse_time_limit(time_limit)
            except ValueError as exc:
                errors["time_limit"] = str(exc)
        docs = _lines(documents)
        from cunwu_tui.domain import inputs

        f = inputs.Fields()
        where = f.text("where", where, "办理地点", inputs.TITLE)
        fees = f.text("fees", fees, "收费", inputs.TITLE)
        for field, label, raw in (
            ("conditions", "办理条件", conditions),
            ("documents", "所需材料", documents),
            ("notes", "备注", notes),
            ("aliases", "别名", aliases),
        ):
            f.text(field, raw, label, inputs.TEXT, multiline=True)
        errors.update({k: v for k, v in f.errors.items() if k not in errors})
        if errors:
            raise ValidationError(errors)
        return dict(
            name=name,
            aliases="、".join(_split_aliases(aliases)),
            category=category,
            where=where,
            fees=fees,
            time_limit=time_limit,
            conditions="\n".join(_lines(conditions)),
            documents="\n".join(docs),
            notes="\n".join(_lines(notes)),
        )

    def add_local(
        self,
        name: str,
        aliases: str = "",
        category: str = "",
        where: str = "",
        fees: str = "",
        time_limit: str = "",
        conditions: str = "",
        documents: str = "",
        notes: str = "",
    ) -> LocalMatterInfo:
        """A matter of the village's own (本村事项), numbered CUN-0001, ...;
        multi-line fields take one item per line."""
        with self.core.write() as s:
            fields = self._clean_local(
                name, aliases, category, where, fees, time_limit, conditions, documents, notes, None, s
            )
            n = len(s.exec(select(LocalMatter.id)).all()) + 1
            row = LocalMatter(code=f"{LOCAL_PREFIX}{n:04d}", active=True, created_at=self.core.now(), **fields)
            s.add(row)
            s.flush()
            info = _local_info(row)
            self.core.audit(s, "local_matter", row.code, "新增", None, info)
        self._changed()
        return info

    def update_local(
        self,
        matter_id: int,
        name: str,
        aliases: str = "",
        category: str = "",
        where: str = "",
        fees: str = "",
        time_limit: str = "",
        conditions: str = "",
        documents: str = "",
        notes: str = "",
        active: bool = True,
    ) -> LocalMatterInfo:
        with self.core.write() as s:
            row = s.get(LocalMatter, matter_id)
            if row is None:
                raise ValidationError({"name": "该事项不存在。"})
            before = _local_info(row)
            fields = self._clean_local(
                name, aliases, category, where, fees, time_limit, conditions, documents, notes, matter_id, s
            )
            for k, v in fields.items():
                setattr(row, k, v)
            row.active = active
            s.add(row)
            s.flush()
            after = _local_info(row)
            if after != before:
                self.core.audit(s, "local_matter", row.code, "修改", before, after)
        self._changed()
        return after

    def local_by_code(self, code: str) -> LocalMatterInfo | None:
        with self.core.read() as s:
            row = s.exec(select(LocalMatter).where(LocalMatter.code == code)).first()
            return _local_info(row) if row else None

    # -- 一次性告知书 ----------------------------------------------------------
    def letter(
        self,
        code: str,
        seed: str | None = None,
        applicant: str = "",
        received: Sequence[bool] | None = None,
        today: date | None = None,
    ) -> InformLetter:
        """The 一次性告知书 of a matter (one source's variant plus the
        village's additions). ``received`` (one flag per document of the
        view) makes it list only what is still missing."""
        view = self.view(code, seed)
        profile = self.settings.profile() if self.settings is not None else None
        op = self.core.operator
        village = profile.village if profile else ""
        if received is not None and len(received) != len(view.documents):
            raise ValueError("received must have one flag per document")
        return InformLetter(
            village=village,
            township=profile.township if profile else "",
            office_phone=profile.phone if profile else "",
            matter_code=view.code,
            matter_name=view.name,
            applicant=clean_text(applicant),
            conditions=view.conditions,
            documents=view.documents,
            received=tuple(received) if received is not None else None,
            where=view.where or (f"{village}办公室" if village else "本村(社区)办公室"),
            when="材料备齐后，工作日办公时间内递交"
            + (f"（办公室电话：{profile.phone}）" if profile and profile.phone else "")
            + "。",
            time_limits=view.time_limits,
            fees=view.fees,
            clerk=op.name if op else "",
            clerk_phone=(op.phone if op and op.phone else (profile.phone if profile else "")),
            on=today or self.core.today(),
            notes=tuple(n.text for n in view.notes if n.local),
        )

    def write_letter(self, letter: InformLetter, folder: str | Path | None = None) -> Path:
        """Write the letter as an A4 portrait xlsx into ``folder`` (default:
        the ledger export folder), never over an existing file; the issue is
        put on the record. Raises ValidationError({"out_dir": ...})."""
        from cunwu_tui.features.lookup.letter import LetterView, letter_filename, write_inform_letter
        from cunwu_tui.ledgers.naming import LedgerError, ensure_writable_folder, unique_path

        if folder is None:
            from cunwu_tui.services.export import DEFAULT_DIR
            from cunwu_tui.services.settings import EXPORT_DIR

            remembered = self.settings.get(EXPORT_DIR) if self.settings is not None else ""
            folder = Path(remembered) if remembered else Path.cwd() / DEFAULT_DIR
        try:
            target = ensure_writable_folder(Path(folder).expanduser())
            view = LetterView(
                letter.village,
                letter.township,
                letter.matter_name,
                letter.applicant,
                letter.clerk,
                letter.on,
                tuple(letter.rows()),
            )
            path = write_inform_letter(view, unique_path(target / letter_filename(view)))
        except LedgerError as exc:
            raise ValidationError({"out_dir": str(exc)}) from None
        with self.core.write() as s:
            self.core.audit(
                s,
                "inform_letter",
                letter.matter_code,
                "出具",
                None,
                {"name": letter.matter_name, "applicant": letter.applicant, "file": str(path)},
            )
        return path


def install(services: Services) -> None:
    """The feature's service on the facade (cunwu_tui/feature.py Feature.install)."""
    services.catalog = CatalogService(services.core, services.settings)
