"""The notices feature's tables under the register 公示's hash chain
(domain/evidence.py says how a chain works; cunwu_tui/feature.py
Feature.evidence). Frozen once released: a column added later is covered
only once listed here, and the digests of rows already written stay valid."""

from __future__ import annotations

from cunwu_tui.domain.evidence import Evidence, evidence_table

REGISTER = "公示"

TABLES: tuple[Evidence, ...] = (
    evidence_table(
        "notice",
        REGISTER,
        "公示",
        "year seq title kind round places start_at length unit summary photo_path backdate_reason matter_code "
        "case_ref case_step previous_id operator_id operator_name created_at closed_at result result_note "
        "withdrawn_at withdraw_reason",
        mutable=True,
    ),
    evidence_table("notice_person", REGISTER, "公示名单", "notice_id seq name group_name id_number amount note"),
    evidence_table(
        "notice_objection", REGISTER, "异议", "notice_id received_at from_name content received_by recorded_at"
    ),
    evidence_table(
        "objection_outcome",
        REGISTER,
        "异议处理记录",
        "objection_id handling result answered_at operator_name recorded_at",
    ),
)
