"""The seals feature's tables under the register 用印登记's hash chain
(domain/evidence.py says how a chain works; cunwu_tui/feature.py
Feature.evidence). Frozen once released: a column added later is covered
only once listed here, and the digests of rows already written stay valid."""

from __future__ import annotations

from cunwu_tui.domain.evidence import Evidence, evidence_table

REGISTER = "用印登记"

TABLES: tuple[Evidence, ...] = (
    evidence_table(
        "seal_use",
        REGISTER,
        "用印登记",
        "chain_seq seal_id seal_name year seq number used_at title purpose copies destination applicant_id "
        "applicant_name applicant_outsider approver_id approver_name major meeting_type meeting_date meeting_ref "
        "keeper_id keeper_name note refers_to_id operator_id operator_name recorded_at prev_hash hash needs_approval",
    ),
    evidence_table(
        "seal_void",
        REGISTER,
        "作废记录",
        "chain_seq use_id number reason operator_id operator_name recorded_at prev_hash hash",
    ),
)
