"""F5 用印登记: the seal register, its numbers, approvals, voids and its
own hash chain."""

from cunwu_tui.feature import Feature, Panel, Place

FEATURE = Feature(
    id="seals",
    title="用印登记",
    places=(
        Place(
            "seals",
            "用印登记",
            "审批、编号、作废、校验",
            key="f5",
            label="用印",
            screen="cunwu_tui.features.seals.screens:SealRegisterScreen",
        ),
    ),
    install="cunwu_tui.features.seals.service:install",
    ledgers="cunwu_tui.features.seals.ledgers",
    ledger_lines="cunwu_tui.features.seals.lines:LINES",
    audit_names={"seal_use": "用印登记"},
    demo="cunwu_tui.features.seals.demo:fill_seal_uses",
    panel=Panel("seals", "今天的用印（F5）", "cunwu_tui.features.seals.screens:dashboard_panel", rank=40),
    help="cunwu_tui.features.seals.screens:help_text",
    evidence="cunwu_tui.features.seals.evidence:TABLES",
    counted={"seal_use": "用印登记"},
)
