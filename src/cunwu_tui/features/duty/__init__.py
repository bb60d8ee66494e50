"""F6 值班: the monthly rota, the duty log, substitutions, handovers and
the holiday rota (中长假值班表)."""

from cunwu_tui.feature import Feature, Panel, Place

FEATURE = Feature(
    id="duty",
    title="值班",
    places=(
        Place(
            "duty",
            "值班",
            "现在谁值班、值班记录、替班、交接班",
            key="f6",
            label="值班",
            screen="cunwu_tui.features.duty.screens:DutyScreen",
        ),
        Place("rota", "月值班表", "生成、发布、调整、统计、导出", within="duty", action="rota"),
        Place("holiday_rota", "中长假值班表", "编制、领导审签、报备、通知", within="duty", action="holidays"),
    ),
    install="cunwu_tui.features.duty.service:install",
    ledgers="cunwu_tui.features.duty.ledgers",
    ledger_lines="cunwu_tui.features.duty.lines:LINES",
    audit_names={
        "duty_month": "值班表",
        "duty_day": "值班安排",
        "duty_log": "值班记录",
        "duty_substitution": "替班",
        "duty_handover": "交接班",
        "duty_item": "遗留事项",
        "holiday_rota": "中长假值班表",
    },
    demo="cunwu_tui.features.duty.demo:fill_demo_duty",
    panel=Panel("duty", "值班（F6）", "cunwu_tui.features.duty.screens:dashboard_panel", rank=20),
    help="cunwu_tui.features.duty.screens:help_text",
    evidence="cunwu_tui.features.duty.evidence:TABLES",
    counted={"duty_log": "值班记录", "duty_handover": "交接班"},
)
