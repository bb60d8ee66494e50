"""Monthly ledgers (台账) exported as printable Excel files.

Cheap to import: only the declarations are re-exported here; openpyxl is
loaded when a ledger is written or merged (``naming.write_ledger``,
``naming.export_ledgers``, ``merge.merge_ledgers``).
"""

from cunwu_tui.ledgers.engine import (
    Column,
    Ledger,
    LedgerContext,
    LedgerError,
    Period,
    UnknownLedgerError,
    all_ledgers,
    get_ledger,
    register,
)
from cunwu_tui.ledgers.naming import write_ledger

__all__ = [
    "Column",
    "Ledger",
    "LedgerContext",
    "LedgerError",
    "Period",
    "UnknownLedgerError",
    "all_ledgers",
    "get_ledger",
    "register",
    "write_ledger",
]
