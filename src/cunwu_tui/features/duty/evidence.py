"""The duty feature's tables under the register 值班记录's hash chain
(domain/evidence.py says how a chain works; cunwu_tui/feature.py
Feature.evidence). Frozen once released: a column added later is covered
only once listed here, and the digests of rows already written stay valid."""

from __future__ import annotations

from cunwu_tui.domain.evidence import Evidence, evidence_table

REGISTER = "值班记录"

TABLES: tuple[Evidence, ...] = (
    evidence_table(
        "duty_change",
        REGISTER,
        "值班表变更记录",
        "day role old_name new_name reason operator_id operator_name recorded_at",
    ),
    evidence_table(
        "duty_log",
        REGISTER,
        "值班记录",
        "shift_day at kind content action staff_id staff_name leader_told told_at leader_name refers_to_id "
        "operator_name recorded_at",
    ),
    evidence_table(
        "duty_substitution",
        REGISTER,
        "替班记录",
        "start_at end_at away_id away_name by_id by_name reason note operator_name recorded_at",
    ),
    evidence_table(
        "duty_handover",
        REGISTER,
        "交接班记录",
        "shift_day handed_at outgoing_id outgoing_name incoming_id incoming_name note operator_name recorded_at",
    ),
    evidence_table("duty_item", REGISTER, "遗留事项", "handover_id text recorded_at"),
    evidence_table("duty_item_close", REGISTER, "遗留事项办结记录", "item_id closed_at note operator_name recorded_at"),
    evidence_table(
        "duty_confirm", REGISTER, "接班确认", "handover_id confirmed_at by_id by_name operator_name recorded_at"
    ),
    evidence_table("duty_void", REGISTER, "作废记录", "kind target_id reason operator_name recorded_at"),
    evidence_table("duty_case_link", REGISTER, "转办件记录", "log_id case_id case_number operator_name recorded_at"),
    evidence_table(
        "holiday_rota",
        REGISTER,
        "中长假值班表",
        "name start end filed_at filed_to filed_by notified_at notified_note notified_by created_at",
        mutable=True,
    ),
)
