"""F3 事项查询: the matter catalog (from the seed documents and the
village's own matters), its search, and the 一次性告知书."""

from cunwu_tui.feature import Feature, Place

FEATURE = Feature(
    id="lookup",
    title="事项查询",
    places=(Place("lookup", "事项查询", "一次性告知", "f3", "查询", "cunwu_tui.features.lookup.screens:LookupScreen"),),
    install="cunwu_tui.features.lookup.service:install",
    audit_names={"local_matter": "本村事项", "matter_addition": "事项补充", "inform_letter": "一次性告知书"},
    help="cunwu_tui.features.lookup.screens:help_text",
)
