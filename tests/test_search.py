"""Quick lookup (事项查询): Chinese text, pinyin, initials, mixtures,
heteronyms, ranking, the JSON form and the cache file.

The hypothesis tests compute pinyin independently of the index: pypinyin's
phrase mode (``lazy_pinyin``), one reading per character, where the index
uses every per-character reading.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cunwu_tui.domain import search as search_mod
from cunwu_tui.features.lookup.catalog import load_catalog, normalize_text
from cunwu_tui.domain.search import (
    INDEX_FORMAT,
    Hit,
    SearchIndex,
    SearchRecord,
    fingerprint,
    load_or_build,
)

REPO = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="module")
def records() -> list[SearchRecord]:
    return catalog_records()


@pytest.fixture(scope="module")
def index(records) -> SearchIndex:
    return SearchIndex.build(records)


@pytest.fixture(scope="module")
def small() -> SearchIndex:
    return SearchIndex.build(
        [
            SearchRecord("P-ZENG", "曾庆红"),
            SearchRecord("P-SHAN", "单田芳"),
            SearchRecord("P-CHONG", "重庆"),
            SearchRecord("P-CHANG", "长安街"),
            SearchRecord("P-HANG", "银行卡"),
            SearchRecord("P-LV", "绿化带"),
            SearchRecord("P-NV", "妇女主任"),
            SearchRecord("P-LATIN", "A级景区2号"),
        ]
    )


def keys(hits: list[Hit]) -> list[str]:
    return [h.key for h in hits]


# ---------------------------------------------------------------------------
# Matching on the real catalog


def test_dibao_exact_alias_first(index):
    hits = index.search("低保")
    assert hits[0].key == "MS-DIBAO"
    assert (hits[0].field, hits[0].text) == ("alias", "低保")


@pytest.mark.parametrize("query", ["dbsq", "dibao", "DiBao", "di bao", "ｄｉｂａｏ", "zdshbz", "dibsq", "dbshenqing"])
def test_pinyin_finds_dibao(index, query):
    assert "MS-DIBAO" in keys(index.search(query))


def test_full_pinyin_of_alias_is_exact(index):
    hits = index.search("dibao")
    assert hits[0].key == "MS-DIBAO"
    assert hits[0].text == "低保"


@pytest.mark.parametrize("query", ["d", "di", "dib", "diba", "dibao"])
def test_last_syllable_prefix(index, query):
    assert "MS-DIBAO" in keys(index.search(query))


def test_pinyin_in_the_middle_of_a_name(index):
    # 最低生活保障: "shenghuo" starts at the third character.
    hits = index.search("shenghuobaozhang")
    assert "MS-DIBAO" in keys(hits)
    assert {h.key: h for h in hits}["MS-DIBAO"].text == "最低生活保障"


def test_document_match(index):
    hits = index.search("残疾证")
    assert set(keys(hits)) == {"MS-DIBAO", "MS-DISHOURU", "MS-LINSHI-JIUZHU", "MS-LIANGXIANG-BUTIE"}
    assert all(h.field == "document" for h in hits)
    assert all("残疾证" in h.text for h in hits)


def test_extra_ranks_last(index):
    hits = index.search("民生保障")
    assert hits, "the category is searchable"
    fields = [h.field for h in hits]
    assert "extra" in fields
    first_extra = fields.index("extra")
    assert all(f == "extra" for f in fields[first_extra:])


def test_one_hit_per_key_and_deterministic(index):
    for query in ["d", "zh", "证明", "shen", "低保"]:
        hits = index.search(query)
        assert len(keys(hits)) == len(set(keys(hits)))
        assert hits == index.search(query)
        assert [h.rank for h in hits] == sorted(h.rank for h in hits)


def test_limit(index):
    all_hits = index.search("d")
    assert len(all_hits) > 10
    assert index.search("d", limit=10) == all_hits[:10]
    assert index.search("d", limit=0) == []


@pytest.mark.parametrize("query", ["", " ", "\u3000", "\t\n"])
def test_blank_query(index, query):
    assert index.search(query) == []


def test_no_match(index):
    assert index.search("xyzxyzq") == []
    assert index.search("不存在的事项名称") == []


def test_non_initial_inner_prefix_does_not_match():
    # Only the last piece may be a bare prefix: "di" is not an initial of
    # 定 (ding), so "dibao" must not find 否定报备.
    idx = SearchIndex.build([SearchRecord("A", "否定报备"), SearchRecord("B", "低保")])
    assert keys(idx.search("dibao")) == ["B"]
    assert keys(idx.search("dingbao")) == ["A"]
    assert keys(idx.search("dbb")) == ["A"]


def test_zh_ch_sh_as_initials():
    idx = SearchIndex.build([SearchRecord("A", "最低生活保障")])
    assert keys(idx.search("zdshbzh")) == ["A"]
    assert keys(idx.search("zdshenghbz")) == ["A"]
    assert keys(idx.search("zhdshbz")) == []  # 最 is zui


# ---------------------------------------------------------------------------
# Heteronyms, ü, non-Chinese characters


@pytest.mark.parametrize(
    "query, key",
    [
        ("zengqinghong", "P-ZENG"),
        ("cengqinghong", "P-ZENG"),
        ("zqh", "P-ZENG"),
        ("cqh", "P-ZENG"),
        ("shantianfang", "P-SHAN"),
        ("dantianfang", "P-SHAN"),
        ("stf", "P-SHAN"),
        ("dtf", "P-SHAN"),
        ("zhongqing", "P-CHONG"),
        ("chongqing", "P-CHONG"),
        ("cq", "P-CHONG"),
        ("changanjie", "P-CHANG"),
        ("zhanganjie", "P-CHANG"),
        ("yinhang", "P-HANG"),
        ("yinxing", "P-HANG"),
        ("yxk", "P-HANG"),
        ("lvhua", "P-LV"),
        ("luhua", "P-LV"),
        ("lühua", "P-LV"),
        ("funvzhuren", "P-NV"),
        ("funuzhuren", "P-NV"),
        ("nvzr", "P-NV"),
        ("ajjq2h", "P-LATIN"),
        ("a级", "P-LATIN"),
        ("2hao", "P-LATIN"),
    ],
)
def test_every_reading_matches(small, query, key):
    assert key in keys(small.search(query))


def test_mixed_chinese_and_latin(index, small):
    assert index.search("低bao")[0].key == "MS-DIBAO"
    assert "P-ZENG" in keys(small.search("曾qh"))


# ---------------------------------------------------------------------------
# Ranking


def test_ranking_order():
    idx = SearchIndex.build(
        [
            SearchRecord("DOC", "其他事项", documents=("低保证明",)),
            SearchRecord("EXTRA", "另一事项", extra=("低保",)),
            SearchRecord("CONTAINS", "城乡低保审核"),
            SearchRecord("PREFIX-LONG", "低保年度复核工作"),
            SearchRecord("PREFIX", "低保复核"),
            SearchRecord("EXACT-ALIAS", "最低生活保障", aliases=("低保",)),
        ]
    )
    assert keys(idx.search("低保")) == ["EXACT-ALIAS", "PREFIX", "PREFIX-LONG", "CONTAINS", "DOC", "EXTRA"]
    # Same order by pinyin (the pinyin match covers the same characters).
    assert keys(idx.search("dibao")) == ["EXACT-ALIAS", "PREFIX", "PREFIX-LONG", "CONTAINS", "DOC", "EXTRA"]


def test_text_before_pinyin_of_same_quality():
    idx = SearchIndex.build([SearchRecord("PY", "大巴车辆"), SearchRecord("TXT", "dab车辆")])
    assert keys(idx.search("dab")) == ["TXT", "PY"]


def test_ties_shorter_then_record_order():
    idx = SearchIndex.build(
        [
            SearchRecord("B", "申请低保材料"),
            SearchRecord("A", "申请低保"),
            SearchRecord("C", "申请低保材料"),
        ]
    )
    assert keys(idx.search("申请")) == ["A", "B", "C"]


def test_name_and_alias_before_document():
    idx = SearchIndex.build(
        [
            SearchRecord("DOC", "甲", documents=("残疾证",)),
            SearchRecord("NAME", "残疾证换领补办"),
        ]
    )
    hits = idx.search("残疾证")
    assert keys(hits) == ["NAME", "DOC"]
    assert [h.field for h in hits] == ["name", "document"]


def test_best_field_of_a_record():
    idx = SearchIndex.build([SearchRecord("A", "城乡低保审核", aliases=("低保",), documents=("低保",))])
    (hit,) = idx.search("低保")
    assert (hit.field, hit.text) == ("alias", "低保")


def test_duplicate_texts_across_records():
    idx = SearchIndex.build(
        [SearchRecord("A", "甲", documents=("户口簿",)), SearchRecord("B", "乙", documents=("户口簿",))]
    )
    assert keys(idx.search("hkb")) == ["A", "B"]


# ---------------------------------------------------------------------------
# Hypothesis: substrings and independently computed pinyin of real names


def _lazy(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chunk: list(chunk))
    assert len(out) == len(text), (text, out)
    return out


@pytest.fixture(scope="module")
def real_names(records):
    return [(r.key, normalize_text(n)) for r in records for n in (r.name, *r.aliases)]


_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_settings
@given(data=st.data())
def test_any_chinese_substring_is_found(index, real_names, data):
    key, name = data.draw(st.sampled_from(real_names))
    i = data.draw(st.integers(0, len(name) - 1))
    j = data.draw(st.integers(i + 1, len(name)))
    assert key in keys(index.search(name[i:j]))


@_settings
@given(data=st.data())
def test_pinyin_of_any_run_is_found(index, real_names, data):
    key, name = data.draw(st.sampled_from(real_names))
    readings = _lazy(name)
    i = data.draw(st.integers(0, len(name) - 1))
    j = data.draw(st.integers(i + 1, min(len(name), i + 8)))
    run = readings[i:j]
    # Per character: full reading or its first letter; the last may be cut.
    pieces = [r if data.draw(st.booleans()) else r[0] for r in run]
    cut = data.draw(st.integers(1, len(pieces[-1])))
    pieces[-1] = pieces[-1][:cut]
    query = "".join(pieces)
    assert key in keys(index.search(query)), (name[i:j], query)


@_settings
@given(data=st.data())
def test_initials_and_full_pinyin_of_whole_names(index, real_names, data):
    key, name = data.draw(st.sampled_from(real_names))
    readings = _lazy(name)
    initials = "".join(r[0] for r in readings)
    full = "".join(readings)
    for query in (initials, full):
        hits = {h.key: h for h in index.search(query)}
        assert key in hits, (name, query)


# ---------------------------------------------------------------------------
# JSON form


def test_json_round_trip(index):
    again = SearchIndex.from_json(index.to_json())
    assert again.fingerprint == index.fingerprint
    assert again.to_json() == index.to_json()
    for query in ["低保", "dbsq", "dibao", "残疾证", "d", "zdshbz", "sh", "证明", "低bao", "2"]:
        assert again.search(query) == index.search(query)


def test_fingerprint(records):
    fp = fingerprint(records)
    assert len(fp) == 64 and fp == fingerprint(list(records))
    assert SearchIndex.build(records[:3]).fingerprint == fingerprint(records[:3])
    changed = [SearchRecord(records[0].key, records[0].name + "x")] + records[1:]
    assert fingerprint(changed) != fp
    assert fingerprint(records[1:]) != fp


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[1, 2, 3]",
        "{}",
        json.dumps({"format": "other"}),
        json.dumps({"format": INDEX_FORMAT, "fingerprint": "x", "pypinyin": "1", "records": [[1]], "readings": {}}),
        json.dumps({"format": INDEX_FORMAT, "fingerprint": "x", "pypinyin": "1", "records": [], "readings": {}}),
        "[" * 100_000,
    ],
)
def test_from_json_rejects_foreign_text(text):
    with pytest.raises(ValueError):
        SearchIndex.from_json(text)


def test_from_json_rejects_edited_records(index):
    data = json.loads(index.to_json())
    data["records"][0][1] = "改过的名称"
    with pytest.raises(ValueError):
        SearchIndex.from_json(json.dumps(data, ensure_ascii=False))


# ---------------------------------------------------------------------------
# Cache file


@pytest.fixture
def few() -> list[SearchRecord]:
    return [
        SearchRecord("MS-DIBAO", "最低生活保障认定", ("低保",), ("残疾证",), ("民生保障",)),
        SearchRecord("P-ZENG", "曾庆红"),
    ]


def _no_build(*args, **kwargs):
    raise AssertionError("pypinyin readings looked up: the cache was not used")


def test_load_or_build_writes_then_reuses(tmp_path, few, monkeypatch):
    cache = tmp_path / "sub" / "search-index.json"
    first = load_or_build(few, cache)
    assert cache.is_file()
    assert first.fingerprint == fingerprint(few)
    assert json.loads(cache.read_text(encoding="utf-8"))["fingerprint"] == fingerprint(few)
    assert [p.name for p in cache.parent.iterdir()] == ["search-index.json"]  # no temp file left

    monkeypatch.setattr(search_mod, "_pinyin_readings", _no_build)
    second = load_or_build(few, cache)
    assert second.fingerprint == first.fingerprint
    assert second.search("cqh") == first.search("cqh") != []


def test_cached_load_does_not_import_pypinyin(tmp_path, few):
    cache = tmp_path / "search-index.json"
    load_or_build(few, cache)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cunwu_tui.domain.search import SearchRecord, load_or_build\n"
        f"records = [SearchRecord(*r) for r in {[(r.key, r.name, r.aliases, r.documents, r.extra) for r in few]!r}]\n"
        f"index = load_or_build(records, Path({str(cache)!r}))\n"
        "assert index.search('dibao')[0].key == 'MS-DIBAO'\n"
        "print('pypinyin' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_module_import_is_cheap():
    code = (
        "import sys\n"
        "import cunwu_tui.domain.search\n"
        "heavy = [m for m in ('pypinyin', 'textual', 'sqlalchemy', 'sqlmodel', 'openpyxl') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rebuilds_when_records_change(tmp_path, few, monkeypatch):
    cache = tmp_path / "search-index.json"
    load_or_build(few, cache)
    calls = []
    real = search_mod._pinyin_readings
    monkeypatch.setattr(search_mod, "_pinyin_readings", lambda chars: calls.append(1) or real(chars))
    more = few + [SearchRecord("P-SHAN", "单田芳")]
    index = load_or_build(more, cache)
    assert calls == [1]
    assert keys(index.search("dtf")) == ["P-SHAN"]
    assert json.loads(cache.read_text(encoding="utf-8"))["fingerprint"] == fingerprint(more)
    load_or_build(more, cache)
    assert calls == [1]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"{not json",
        b"[1, 2]",
        json.dumps({"format": "someone-else", "fingerprint": "x"}).encode(),
        b"[" * 100_000,
    ],
)
def test_corrupt_cache_is_rebuilt(tmp_path, few, content, caplog):
    cache = tmp_path / "search-index.json"
    cache.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="cunwu.search"):
        index = load_or_build(few, cache)
    assert keys(index.search("低保")) == ["MS-DIBAO"]
    assert any(r.name == "cunwu.search" and r.levelno == logging.WARNING for r in caplog.records)
    assert SearchIndex.from_json(cache.read_text(encoding="utf-8")).fingerprint == fingerprint(few)


def test_unwritable_cache_folder(tmp_path, few, caplog):
    # The "folder" is a file: nothing can be written below it (even as root).
    blocker = tmp_path / "cache"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    cache = blocker / "search-index.json"
    with caplog.at_level(logging.WARNING, logger="cunwu.search"):
        index = load_or_build(few, cache)
    assert keys(index.search("zqh")) == ["P-ZENG"]
    assert any("not written" in r.getMessage() for r in caplog.records)
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder"


def test_cache_path_is_a_folder(tmp_path, few, caplog):
    cache = tmp_path / "search-index.json"
    cache.mkdir()
    with caplog.at_level(logging.WARNING, logger="cunwu.search"):
        index = load_or_build(few, cache)
    assert keys(index.search("zqh")) == ["P-ZENG"]
    assert cache.is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["search-index.json"]  # temp file removed


def test_write_failure_leaves_old_cache(tmp_path, few, monkeypatch, caplog):
    cache = tmp_path / "search-index.json"
    cache.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise PermissionError("read-only")

    monkeypatch.setattr(search_mod.os, "replace", boom)
    with caplog.at_level(logging.WARNING, logger="cunwu.search"):
        load_or_build(few, cache)
    assert cache.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["search-index.json"]


# ---------------------------------------------------------------------------
# A catalog the size a village may grow to


def synthetic_records(base: list[SearchRecord], names: int = 2000) -> list[SearchRecord]:
    """Names made by joining halves of real names and aliases, four per
    record, documents borrowed from the real records."""
    pool = [n for r in base for n in (r.name, *r.aliases)]
    out = []
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


def test_synthetic_catalog(records):
    recs = records + synthetic_records(records)
    idx = SearchIndex.build(recs)
    assert sum(1 + len(r.aliases) for r in recs) > 2000
    assert idx.search("低保")[0].key == "MS-DIBAO"
    for query in ["dbsq", "dibao", "残疾证", "zdshbz"]:
        hits = idx.search(query)
        assert len(keys(hits)) == len(set(keys(hits)))
    assert SearchIndex.from_json(idx.to_json()).search("dib") == idx.search("dib")
