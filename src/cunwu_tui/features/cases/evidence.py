"""The cases feature's tables under the register 办件's hash chain
(domain/evidence.py says how a chain works; cunwu_tui/feature.py
Feature.evidence). Frozen once released: a column added later is covered
only once listed here, and the digests of rows already written stay valid."""

from __future__ import annotations

from cunwu_tui.domain.evidence import Evidence, evidence_table

REGISTER = "办件"

TABLES: tuple[Evidence, ...] = (
    # the intake only: status, next_due and closed_at are a summary the app rewrites
    evidence_table(
        "case_record",
        REGISTER,
        "受理登记",
        "year seq number matter_code matter_name seed resident_id applicant_name channel first_officer_id "
        "first_officer_name kind petition documents note received_at limit_value limit_unit due_date "
        "due_provisional operator_id operator_name recorded_at",
    ),
    evidence_table(
        "case_event",
        REGISTER,
        "办理记录",
        "case_id kind step label on_date text data operator_id operator_name recorded_at",
    ),
)
