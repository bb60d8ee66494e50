"""居民登记: the residents cases are registered for (opened from F4)."""

from cunwu_tui.feature import Feature, Place

FEATURE = Feature(
    id="residents",
    title="居民登记",
    places=(Place("residents", "居民登记", "查找、详情、更正、合并重复登记", within="cases", action="residents"),),
    install="cunwu_tui.features.residents.service:install",
    audit_names={"resident": "居民"},
    evidence="cunwu_tui.features.residents.evidence:TABLES",
    counted={"resident": "居民"},
)
