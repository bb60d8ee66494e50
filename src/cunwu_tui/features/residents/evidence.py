"""The residents feature's tables under the register 居民's hash chain
(domain/evidence.py says how a chain works; cunwu_tui/feature.py
Feature.evidence). Frozen once released: a column added later is covered
only once listed here, and the digests of rows already written stay valid."""

from __future__ import annotations

from cunwu_tui.domain.evidence import Evidence, evidence_table

REGISTER = "居民"

TABLES: tuple[Evidence, ...] = (
    evidence_table(
        "resident",
        REGISTER,
        "居民登记",
        "name id_type id_number phone group_name address note created_at",
        mutable=True,
    ),
    evidence_table(
        "resident_merge", REGISTER, "合并记录", "duplicate_id kept_id reason operator_id operator_name recorded_at"
    ),
)
