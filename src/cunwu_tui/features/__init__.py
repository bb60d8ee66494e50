"""The installed features, one line each (cunwu_tui/feature.py says what a
feature declares). In the order their services are made: a feature comes
after the features it uses (cases use lookup's catalog, the residents and
the notices; the duty desk takes a log entry in as a case)."""

INSTALLED: tuple[str, ...] = (
    "lookup",  # F3 事项查询 and the 一次性告知书
    "residents",  # 居民登记 (from F4)
    "notices",  # F7 公示
    "seals",  # F5 用印登记
    "cases",  # F4 受理登记
    "duty",  # F6 值班
)
