"""F7 公示: notices with their countdown, objections and the list posted
on the board."""

from cunwu_tui.feature import Feature, Panel, Place

FEATURE = Feature(
    id="notices",
    title="公示",
    places=(
        Place(
            "notices",
            "公示",
            "倒计时、异议登记、公示名单",
            key="f7",
            label="公示",
            screen="cunwu_tui.features.notices.screens:NoticesScreen",
        ),
    ),
    install="cunwu_tui.features.notices.service:install",
    ledgers="cunwu_tui.features.notices.ledgers",
    ledger_lines="cunwu_tui.features.notices.lines:LINES",
    audit_names={"notice": "公示", "notice_objection": "公示异议"},
    demo="cunwu_tui.features.notices.demo:fill_demo_notices",
    panel=Panel("notices", "公示（F7）", "cunwu_tui.features.notices.screens:dashboard_panel", rank=30),
    help="cunwu_tui.features.notices.screens:help_text",
    evidence="cunwu_tui.features.notices.evidence:TABLES",
    counted={"notice": "公示"},
)
