"""F4 受理登记: cases with their steps, deadlines, refusals (否定报备)
and petitions (信访)."""

from cunwu_tui.feature import Feature, Panel, Place

FEATURE = Feature(
    id="cases",
    title="受理登记",
    places=(
        Place(
            "cases",
            "受理登记",
            "办件步骤、期限、否定报备、信访",
            key="f4",
            label="受理",
            screen="cunwu_tui.features.cases.screens:CasesScreen",
        ),
    ),
    install="cunwu_tui.features.cases.service:install",
    ledgers="cunwu_tui.features.cases.ledgers",
    ledger_lines="cunwu_tui.features.cases.lines:LINES",
    audit_names={"case": "办件"},
    demo="cunwu_tui.features.cases.demo:fill_demo_cases",
    panel=Panel("cases", "办件（F4）", "cunwu_tui.features.cases.screens:dashboard_panel", rank=10),
    help="cunwu_tui.features.cases.screens:help_text",
    evidence="cunwu_tui.features.cases.evidence:TABLES",
    counted={"case_record": "办件"},
)
