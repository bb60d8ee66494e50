"""cunwu-tui (村务通): an offline terminal app for a Chinese village committee office.

Keep this module free of imports: `cunwu --help` must stay fast.
"""

__version__ = "0.1.0"
