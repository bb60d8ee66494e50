"""The matter catalog (事项目录): what each matter needs, step by step.

The catalog lives in ``data/matters/*.toml`` (one file per category, UTF-8),
one ``[[matter]]`` table per matter. Everything in it is taken from the five
source documents (seeds); a matter described by several seeds keeps each
seed's variant, and every document, step, time limit, notice and fact names
the seed it comes from whenever the matter has more than one seed.

Validation follows an explicit, hand-written schema (``_MATTER``, ``_STEP``
...): an unknown field, a missing required field, a wrong type, a value
outside its list, a duplicate code or steps not numbered 1..n raise
``CatalogError`` with a Chinese message naming the file and the field path,
e.g. ``data/matters/minsheng.toml：第3个事项（MS-DIBAO）的 documents[2].form
取值无效："原价"，应为 原件/复印件/原件及复印件``. Positions are counted
from 1, as a clerk counts them.

Steps form one numbered sequence per seed (a variant): within the steps of
one seed, ``order`` runs 1, 2, ... n in file order. Branches (有异议,
急难型 ...) are steps of the same sequence carrying a ``branch`` label.

Pure Python: no textual, sqlalchemy or openpyxl here.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from cunwu_tui.domain.search import normalize_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

__all__ = [
    "CatalogError",
    "Fact",
    "Document",
    "TimeLimit",
    "Notice",
    "Step",
    "Matter",
    "Catalog",
    "FORMS",
    "TIME_UNITS",
    "NOTICE_UNITS",
    "ROUNDS",
    "ORDER_NOTE",
    "RULES_CATEGORY",
    "NOTICE_EXEMPTIONS",
    "SeedOrder",
    "CATEGORIES",
    "parse_matters",
    "load_catalog",
    "default_catalog_dir",
    "normalize_text",
]

FORMS: tuple[str, ...] = ("原件", "复印件", "原件及复印件", "")
TIME_UNITS: tuple[str, ...] = ("日", "工作日", "个月", "小时")
NOTICE_UNITS: tuple[str, ...] = ("日", "工作日")
ROUNDS: tuple[str, ...] = ("", "第一次", "第二次", "长期")
ORDER_NOTE = "流程图顺序按文意重排"
NO_LENGTH = "来源未写公示期限"
NOT_A_NOTICE = "本步不是公示"
NOTICE_EXEMPTIONS: tuple[str, ...] = (NO_LENGTH, NOT_A_NOTICE)
"""Why a step that mentions 公示/公开 carries no notice length:
来源未写公示期限 -- the step is a notice the flow waits on (it has a
``notice`` table) but its seed gives no period, so the clerk enters the
period when posting it; 本步不是公示 -- the step only prepares, refers to or
files a notice (确定公开内容, 整理归档, 按“四议两公开”程序 ...) and has no
``notice`` table."""

CATEGORIES: tuple[str, ...] = (
    "党建工作",
    "村级重大事项决策",
    "日常管理",
    "平安建设",
    "农村集体资产管理",
    "阳光公开",
    "民生保障",
    "生态环境保护",
    "城乡建设管理",
    "机关工作",
    "制度",
)
"""Display order of the categories. Other category names load too; they
sort after these."""

RULES_CATEGORY = "制度"
"""The office's own rules (首问负责制 ...): reference entries shown in F3,
never a matter to take in."""

_CODE_RE = re.compile(r"^[A-Z]{2,4}(?:-[A-Z0-9]+)+$")
_SEED_RE = re.compile(r"^[0-9]{3}_[0-9a-f]{16}\.txt$")


class CatalogError(Exception):
    """The catalog could not be loaded; the message (Chinese) says where."""


# ---------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Fact:
    """One sentence taken from a seed: a condition, a risk point, a note ..."""

    text: str
    seed: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Document:
    """A document the applicant brings (所需资料/申请材料)."""

    name: str
    form: str = ""
    count: int | None = None
    note: str = ""
    seed: str = ""


@dataclass(frozen=True)
class TimeLimit:
    """A time limit: ``value`` ``unit`` (日, 工作日, 个月, 小时); 0 日 is
    the same day (当日)."""

    value: int
    unit: str
    text: str = ""
    step: int | None = None
    seed: str = ""


@dataclass(frozen=True)
class Notice:
    """A public notice (公示/公开): length in 日 or 工作日, round, place."""

    text: str = ""
    length: int | None = None
    unit: str = ""
    round: str = ""
    where: str = ""
    seed: str = ""


@dataclass(frozen=True)
class Step:
    """One step of a flow. ``branch`` is empty on the main line."""

    order: int
    text: str
    actor: str = ""
    branch: str = ""
    next_on_branch: int | None = None
    notice: Notice | None = None
    time_limit: TimeLimit | None = None
    note: str = ""
    seed: str = ""
    notice_exempt: str = ""
    after: tuple[str, ...] = ()
    """Branch steps only: the branch labels after which this step's branch
    is offered (e.g. 无异议 after 支出型困难's 公示). Empty: offered when the
    flow reaches the branch block."""

    @property
    def notice_rule(self) -> bool:
        """The step is a notice with its period from the source."""
        return self.notice is not None and self.notice.length is not None


@dataclass(frozen=True)
class SeedOrder:
    """The order in which a seed lists a variant's steps, when the catalog
    reordered them (a flattened flowchart): ``steps`` are the catalog's step
    numbers in the seed's own order."""

    seed: str
    steps: tuple[int, ...]


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    category: str
    seeds: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    guidance_unit: str = ""
    handled_by: tuple[str, ...] = ()
    where: str = ""
    fees: str = ""
    conditions: tuple[Fact, ...] = ()
    documents: tuple[Document, ...] = ()
    steps: tuple[Step, ...] = ()
    time_limits: tuple[TimeLimit, ...] = ()
    notices: tuple[Notice, ...] = ()
    supervision: tuple[Fact, ...] = ()
    risk_points: tuple[Fact, ...] = ()
    prevention: tuple[Fact, ...] = ()
    notes: tuple[Fact, ...] = ()
    order_note: str = ""
    seed_orders: tuple[SeedOrder, ...] = ()
    source: str = field(default="", compare=False)
    """The catalog file the matter was read from (for messages)."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def is_rule(self) -> bool:
        """An office rule (制度), for reference only: never taken in as a case."""
        return self.category == RULES_CATEGORY

    def match_rank(self, query: str) -> int | None:
        """How well the query names this matter, whitespace and half/fullwidth
        ignored: 0 a name or alias equals it, 1 one starts with it, 2 one
        contains it, 3 it contains one; None when it does not match."""
        q = normalize_text(query)
        if not q:
            return None
        best = None
        for n in self.names:
            n = normalize_text(n)
            if q == n:
                rank = 0
            elif n.startswith(q):
                rank = 1
            elif q in n:
                rank = 2
            elif n in q:
                rank = 3
            else:
                continue
            best = rank if best is None else min(best, rank)
        return best

    def matches(self, query: str) -> bool:
        """Whether the query names this matter (see ``match_rank``)."""
        return self.match_rank(query) is not None

    def seed_of(self, item: Any) -> str:
        """The seed an item comes from (its own, else the matter's only one)."""
        own = getattr(item, "seed", "")
        if own:
            return own
        return self.seeds[0] if len(self.seeds) == 1 else ""

    def variants(self) -> tuple[str, ...]:
        """The seeds that give this matter a flow, in the order of ``seeds``."""
        used = {self.seed_of(s) for s in self.steps}
        return tuple(s for s in self.seeds if s in used)

    def steps_for(self, seed: str) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if self.seed_of(s) == seed)

    def documents_for(self, seed: str) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if self.seed_of(d) == seed)

    def all_notices(self) -> tuple[Notice, ...]:
        """The matter's notices and those attached to its steps."""
        out = list(self.notices)
        for s in self.steps:
            if s.notice is not None:
                out.append(s.notice)
        return tuple(out)

    def seed_order_text(self, seed: str) -> str:
        """The seed's own order of a reordered variant, quoted: its step
        texts as the seed lists them ("" when not reordered)."""
        so = next((o for o in self.seed_orders if o.seed == seed or (not o.seed and len(self.seeds) == 1)), None)
        if so is None:
            return ""
        by_order = {s.order: s for s in self.steps_for(seed)}
        texts: list[str] = []
        for n in so.steps:  # one box of the flowchart may serve two steps (终止): quoted once
            if n in by_order and (not texts or texts[-1] != by_order[n].text):
                texts.append(by_order[n].text)
        return "／".join(texts)

    def all_time_limits(self) -> tuple[TimeLimit, ...]:
        out = list(self.time_limits)
        for s in self.steps:
            if s.time_limit is not None:
                out.append(s.time_limit)
        return tuple(out)


class Catalog:
    """All matters of a catalog folder, in file order."""

    def __init__(self, matters: Iterable[Matter], files: Iterable[Path] = ()):
        self.matters: tuple[Matter, ...] = tuple(matters)
        self.files: tuple[Path, ...] = tuple(files)
        self._by_code = {m.code: m for m in self.matters}

    def __len__(self) -> int:
        return len(self.matters)

    def __iter__(self) -> Iterator[Matter]:
        return iter(self.matters)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def by_code(self, code: str) -> Matter:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"事项目录中没有编码为 {code} 的事项") from None

    def find(self, query: str) -> tuple[Matter, ...]:
        """Matters whose name or an alias matches the query, best first
        (exact, then prefix, then contained; ties in catalog order)."""
        ranked = []
        for i, m in enumerate(self.matters):
            rank = m.match_rank(query)
            if rank is not None:
                ranked.append((rank, i, m))
        return tuple(m for _, _, m in sorted(ranked, key=lambda x: x[:2]))

    def categories(self) -> tuple[str, ...]:
        present = {m.category for m in self.matters}
        known = [c for c in CATEGORIES if c in present]
        other = sorted(present - set(CATEGORIES))
        return tuple(known + other)

    def in_category(self, category: str) -> tuple[Matter, ...]:
        return tuple(m for m in self.matters if m.category == category)


# ---------------------------------------------------------------------------
# Text helpers

# ---------------------------------------------------------------------------
# Schema

_TYPE_NAMES = {str: "文字", int: "整数", list: "列表", dict: "表"}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


@dataclass(frozen=True)
class _Field:
    kind: str  # "str", "int", "strs", "ints", "facts", "table", "tables"
    required: bool = False
    choices: tuple[str, ...] | None = None
    sub: dict[str, "_Field"] | None = None
    positive: bool = False
    nonnegative: bool = False
    nonempty: bool = False


_FACT_FIELDS = {"text": _Field("str", required=True, nonempty=True), "seed": _Field("str")}

_NOTICE = {
    "text": _Field("str"),
    "length": _Field("int", positive=True),
    "unit": _Field("str", choices=NOTICE_UNITS),
    "round": _Field("str", choices=ROUNDS),
    "where": _Field("str"),
    "seed": _Field("str"),
}
_STEP_TIME_LIMIT = {
    "value": _Field("int", required=True, nonnegative=True),
    "unit": _Field("str", required=True, choices=TIME_UNITS),
    "text": _Field("str"),
}
_TIME_LIMIT = {
    "value": _Field("int", required=True, nonnegative=True),
    "unit": _Field("str", required=True, choices=TIME_UNITS),
    "text": _Field("str", required=True, nonempty=True),
    "step": _Field("int", positive=True),
    "seed": _Field("str"),
}
_DOCUMENT = {
    "name": _Field("str", required=True, nonempty=True),
    "form": _Field("str", choices=FORMS),
    "count": _Field("int", positive=True),
    "note": _Field("str"),
    "seed": _Field("str"),
}
_STEP = {
    "order": _Field("int", required=True, positive=True),
    "text": _Field("str", required=True, nonempty=True),
    "actor": _Field("str"),
    "branch": _Field("str"),
    "next_on_branch": _Field("int", positive=True),
    "notice": _Field("table", sub=_NOTICE),
    "time_limit": _Field("table", sub=_STEP_TIME_LIMIT),
    "note": _Field("str"),
    "seed": _Field("str"),
    "notice_exempt": _Field("str", choices=NOTICE_EXEMPTIONS),
    "after": _Field("strs"),
}
_SEED_ORDER = {
    "seed": _Field("str"),
    "steps": _Field("ints", required=True, nonempty=True),
}
_MATTER = {
    "code": _Field("str", required=True, nonempty=True),
    "name": _Field("str", required=True, nonempty=True),
    "aliases": _Field("strs"),
    "category": _Field("str", required=True, nonempty=True),
    "seeds": _Field("strs", required=True, nonempty=True),
    "guidance_unit": _Field("str"),
    "handled_by": _Field("strs"),
    "where": _Field("str"),
    "fees": _Field("str"),
    "conditions": _Field("facts"),
    "documents": _Field("tables", sub=_DOCUMENT),
    "steps": _Field("tables", sub=_STEP),
    "time_limits": _Field("tables", sub=_TIME_LIMIT),
    "notices": _Field("tables", sub=_NOTICE),
    "supervision": _Field("facts"),
    "risk_points": _Field("facts"),
    "prevention": _Field("facts"),
    "notes": _Field("facts"),
    "order_note": _Field("str"),
    "seed_order": _Field("tables", sub=_SEED_ORDER),
}
_CHOICE_SEP = "/"


class _Checker:
    """Walks one parsed TOML document against the schema, with paths."""

    def __init__(self, source: str):
        self.source = source
        self.where = ""  # "第3个事项（MS-DIBAO）"

    def fail(self, message: str) -> None:
        raise CatalogError(f"{self.source}：{self.where}{message}")

    def check_table(self, table: dict[str, Any], schema: dict[str, _Field], path: str) -> None:
        for key in table:
            if key not in schema:
                known = "、".join(schema)
                at = f"的 {path} " if path else ""
                self.fail(f'{at}含未知字段 "{key}"（可用字段：{known}）')
        for key, spec in schema.items():
            p = f"{path}.{key}" if path else key
            if key not in table:
                if spec.required:
                    self.fail(f"缺少必填字段 {p}")
                continue
            self.check_value(table[key], spec, p)

    def check_value(self, value: Any, spec: _Field, path: str) -> None:
        if spec.kind == "str":
            self.expect(value, str, path)
            if spec.nonempty and not value.strip():
                self.fail(f"的 {path} 不能为空")
            if spec.choices is not None and value not in spec.choices:
                shown = _CHOICE_SEP.join(c for c in spec.choices if c)
                self.fail(f'的 {path} 取值无效："{value}"，应为 {shown}')
        elif spec.kind == "int":
            self.expect(value, int, path)
            if spec.positive and value <= 0:
                self.fail(f"的 {path} 应为正整数，实际为 {value}")
            if spec.nonnegative and value < 0:
                self.fail(f"的 {path} 不能为负数，实际为 {value}")
        elif spec.kind == "strs":
            self.expect(value, list, path)
            if spec.nonempty and not value:
                self.fail(f"的 {path} 不能为空列表")
            for i, item in enumerate(value, 1):
                self.expect(item, str, f"{path}[{i}]")
                if not item.strip():
                    self.fail(f"的 {path}[{i}] 不能为空")
        elif spec.kind == "ints":
            self.expect(value, list, path)
            if spec.nonempty and not value:
                self.fail(f"的 {path} 不能为空列表")
            for i, item in enumerate(value, 1):
                self.expect(item, int, f"{path}[{i}]")
        elif spec.kind == "facts":
            self.expect(value, list, path)
            for i, item in enumerate(value, 1):
                p = f"{path}[{i}]"
                if isinstance(item, dict):
                    self.check_table(item, _FACT_FIELDS, p)
                else:
                    if not isinstance(item, str):
                        self.fail(f"的 {p} 类型应为 文字 或 表（text、seed），实际为 {_type_name(item)}")
                    if not item.strip():
                        self.fail(f"的 {p} 不能为空")
        elif spec.kind == "table":
            self.expect(value, dict, path)
            assert spec.sub is not None
            self.check_table(value, spec.sub, path)
        elif spec.kind == "tables":
            self.expect(value, list, path)
            assert spec.sub is not None
            for i, item in enumerate(value, 1):
                p = f"{path}[{i}]"
                self.expect(item, dict, p)
                self.check_table(item, spec.sub, p)
        else:  # pragma: no cover - schema typo
            raise AssertionError(spec.kind)

    def expect(self, value: Any, kind: type, path: str) -> None:
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.fail(f"的 {path} 类型应为 {_TYPE_NAMES[kind]}，实际为 {_type_name(value)}")


def _facts(raw: list[Any] | None) -> tuple[Fact, ...]:
    out = []
    for item in raw or ():
        if isinstance(item, str):
            out.append(Fact(item))
        else:
            out.append(Fact(item["text"], item.get("seed", "")))
    return tuple(out)


def _notice(raw: dict[str, Any]) -> Notice:
    return Notice(
        text=raw.get("text", ""),
        length=raw.get("length"),
        unit=raw.get("unit", ""),
        round=raw.get("round", ""),
        where=raw.get("where", ""),
        seed=raw.get("seed", ""),
    )


def _build(raw: dict[str, Any], source: str) -> Matter:
    steps = []
    for s in raw.get("steps", ()):
        tl = s.get("time_limit")
        steps.append(
            Step(
                order=s["order"],
                text=s["text"],
                actor=s.get("actor", ""),
                branch=s.get("branch", ""),
                next_on_branch=s.get("next_on_branch"),
                notice=_notice(s["notice"]) if "notice" in s else None,
                time_limit=(
                    TimeLimit(tl["value"], tl["unit"], tl.get("text", ""), s["order"], s.get("seed", ""))
                    if tl is not None
                    else None
                ),
                note=s.get("note", ""),
                seed=s.get("seed", ""),
                notice_exempt=s.get("notice_exempt", ""),
                after=tuple(s.get("after", ())),
            )
        )
    return Matter(
        code=raw["code"],
        name=raw["name"],
        category=raw["category"],
        seeds=tuple(raw["seeds"]),
        aliases=tuple(raw.get("aliases", ())),
        guidance_unit=raw.get("guidance_unit", ""),
        handled_by=tuple(raw.get("handled_by", ())),
        where=raw.get("where", ""),
        fees=raw.get("fees", ""),
        conditions=_facts(raw.get("conditions")),
        documents=tuple(
            Document(d["name"], d.get("form", ""), d.get("count"), d.get("note", ""), d.get("seed", ""))
            for d in raw.get("documents", ())
        ),
        steps=tuple(steps),
        time_limits=tuple(
            TimeLimit(t["value"], t["unit"], t["text"], t.get("step"), t.get("seed", ""))
            for t in raw.get("time_limits", ())
        ),
        notices=tuple(_notice(n) for n in raw.get("notices", ())),
        supervision=_facts(raw.get("supervision")),
        risk_points=_facts(raw.get("risk_points")),
        prevention=_facts(raw.get("prevention")),
        notes=_facts(raw.get("notes")),
        order_note=raw.get("order_note", ""),
        seed_orders=tuple(SeedOrder(o.get("seed", ""), tuple(o["steps"])) for o in raw.get("seed_order", ())),
        source=source,
    )


def _check_matter_rules(m: Matter, ck: _Checker) -> None:
    """Rules across fields: code shape, seeds, seed attribution, step order."""
    if not _CODE_RE.match(m.code):
        ck.fail(f'的 code 格式无效："{m.code}"，应为大写字母前缀加短名，如 MS-DIBAO')
    for i, seed in enumerate(m.seeds, 1):
        if not _SEED_RE.match(seed):
            ck.fail(f'的 seeds[{i}] 不是来源文件名："{seed}"（应如 002_d87d51b7e53a5638.txt）')
    if len(set(m.seeds)) != len(m.seeds):
        ck.fail("的 seeds 有重复的来源文件")
    if len(set(m.aliases)) != len(m.aliases) or m.name in m.aliases:
        ck.fail("的 aliases 有重复的名称（或与 name 相同）")
    if m.order_note and m.order_note != ORDER_NOTE:
        ck.fail(f'的 order_note 取值无效："{m.order_note}"，应为 {ORDER_NOTE}')

    many = len(m.seeds) > 1

    def seed_ok(item: Any, path: str) -> None:
        seed = getattr(item, "seed", "")
        if seed and seed not in m.seeds:
            ck.fail(f'的 {path}.seed 不在本事项的 seeds 中："{seed}"')
        if many and not seed:
            ck.fail(f"的 {path}.seed 缺失：本事项有多个来源，每一项都要注明来源文件")

    for key in ("conditions", "supervision", "risk_points", "prevention", "notes"):
        for i, fact in enumerate(getattr(m, key), 1):
            seed_ok(fact, f"{key}[{i}]")
    for i, d in enumerate(m.documents, 1):
        seed_ok(d, f"documents[{i}]")
    for i, n in enumerate(m.notices, 1):
        seed_ok(n, f"notices[{i}]")
        if not n.text:
            ck.fail(f"缺少必填字段 notices[{i}].text")
        if (n.length is None) != (not n.unit):
            ck.fail(f"的 notices[{i}] 的 length 与 unit 应同时填写")
    for i, s in enumerate(m.steps, 1):
        seed_ok(s, f"steps[{i}]")
        if s.notice is not None:
            if s.notice.seed and s.notice.seed != m.seed_of(s):
                ck.fail(f"的 steps[{i}].notice.seed 与该步骤的来源不一致")
            if (s.notice.length is None) != (not s.notice.unit):
                ck.fail(f"的 steps[{i}].notice 的 length 与 unit 应同时填写")
        if s.after and not s.branch:
            ck.fail(f"的 steps[{i}].after 只用于分支步骤（须同时写 branch）")
        if s.notice_exempt == NO_LENGTH and (s.notice is None or s.notice.length is not None):
            ck.fail(f"的 steps[{i}].notice_exempt 为“{NO_LENGTH}”，该步骤应有 notice 且不写 length")
        if s.notice_exempt == NOT_A_NOTICE and s.notice is not None:
            ck.fail(f"的 steps[{i}].notice_exempt 为“{NOT_A_NOTICE}”，该步骤不应有 notice")

    # One sequence 1..n per seed, in file order.
    groups: dict[str, list[tuple[int, Step]]] = {}
    for i, s in enumerate(m.steps, 1):
        groups.setdefault(m.seed_of(s), []).append((i, s))
    for seed, items in groups.items():
        orders = {s.order for _, s in items}
        for expected, (i, s) in enumerate(items, 1):
            if s.order != expected:
                ck.fail(
                    f"的 steps[{i}].order 应为 {expected}，实际为 {s.order}"
                    f"（同一来源 {seed} 的步骤序号须从1起连续编号，依文件顺序）"
                )
        labels = {s.branch for _, s in items if s.branch}
        for i, s in items:
            for label in s.after:
                if label not in labels:
                    ck.fail(f'的 steps[{i}].after 指向不存在的分支："{label}"')
            if s.next_on_branch is not None and s.next_on_branch not in orders:
                ck.fail(f"的 steps[{i}].next_on_branch 指向不存在的步骤：{s.next_on_branch}")
    for i, so in enumerate(m.seed_orders, 1):
        seed_ok(so, f"seed_order[{i}]")
        if not m.order_note:
            ck.fail(f'的 seed_order[{i}] 只用于重排过的流程：请同时写 order_note = "{ORDER_NOTE}"')
        seed_orders = sorted(s.order for _, s in groups.get(m.seed_of(so), []))
        if sorted(so.steps) != seed_orders:
            ck.fail(f"的 seed_order[{i}].steps 应恰好列出该来源的全部步骤序号（1至{len(seed_orders)}各一次）")
    for i, t in enumerate(m.time_limits, 1):
        seed_ok(t, f"time_limits[{i}]")
        if t.step is not None:
            orders = {s.order for _, s in groups.get(m.seed_of(t), [])}
            if t.step not in orders:
                ck.fail(f"的 time_limits[{i}].step 指向不存在的步骤：{t.step}")


def parse_matters(text: str, source_name: str) -> list[Matter]:
    """The matters of one catalog file's text; ``source_name`` is used in
    messages (e.g. ``data/matters/minsheng.toml``)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{source_name}：TOML 格式错误：{exc}") from None
    ck = _Checker(source_name)
    for key in doc:
        if key != "matter":
            ck.fail(f'含未知的顶层字段 "{key}"（只允许 [[matter]]）')
    raw_matters = doc.get("matter", [])
    if not isinstance(raw_matters, list) or not all(isinstance(x, dict) for x in raw_matters):
        ck.fail("的 matter 应写成 [[matter]] 表数组")
    out: list[Matter] = []
    for n, raw in enumerate(raw_matters, 1):
        code = raw.get("code")
        ck.where = f"第{n}个事项（{code}）" if isinstance(code, str) and code else f"第{n}个事项"
        ck.check_table(raw, _MATTER, "")
        matter = _build(raw, source_name)
        _check_matter_rules(matter, ck)
        out.append(matter)
    ck.where = ""
    seen: dict[str, int] = {}
    for n, m in enumerate(out, 1):
        if m.code in seen:
            raise CatalogError(f'{source_name}：第{n}个事项的 code 重复："{m.code}"，已用于第{seen[m.code]}个事项')
        seen[m.code] = n
    return out


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def load_catalog(folder: Path | str | None = None) -> Catalog:
    """All ``*.toml`` files of the folder (default: the shipped catalog),
    read as UTF-8, in file-name order; codes must be unique across files."""
    folder = Path(folder) if folder is not None else default_catalog_dir()
    if not folder.is_dir():
        raise CatalogError(f"{_display(folder)}：事项目录文件夹不存在")
    files = sorted(folder.glob("*.toml"))
    matters: list[Matter] = []
    first_seen: dict[str, tuple[str, int]] = {}
    for path in files:
        shown = _display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CatalogError(f"{shown}：文件不是 UTF-8 编码") from None
        for n, m in enumerate(parse_matters(text, shown), 1):
            if m.code in first_seen:
                other, k = first_seen[m.code]
                raise CatalogError(f'{shown}：第{n}个事项的 code 重复："{m.code}"，已用于 {other} 第{k}个事项')
            first_seen[m.code] = (shown, n)
            matters.append(m)
    return Catalog(matters, files)


def default_catalog_dir() -> Path:
    """``data/matters`` inside the installed package (where the wheel puts
    it), else in the repository checkout."""
    package = Path(__file__).resolve().parents[2]  # cunwu_tui/ (this is features/lookup/catalog.py)
    installed = package / "data" / "matters"
    if installed.is_dir():
        return installed
    return package.parents[1] / "data" / "matters"  # src/cunwu_tui -> the checkout
