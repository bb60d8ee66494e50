"""Append-only triggers on both engines (issue #20).

The migrations and ``db/evidence.EXPECTED_TRIGGERS`` write each trigger once,
in SQLite's words (``CREATE TRIGGER t_no_update BEFORE UPDATE ON t BEGIN
SELECT RAISE(ABORT, '...'); END``). On SQLite that text is executed as it
is, so a database already migrated keeps exactly what it has. On PostgreSQL
the same declaration becomes a row trigger calling one PL/pgSQL function,
``cunwu_refuse``, which raises the Chinese message with SQLSTATE 23000
(integrity_constraint_violation: the driver's IntegrityError, as SQLite's
RAISE(ABORT)); a DELETE trigger also gets a statement trigger refusing
TRUNCATE (which SQLite does not have and which skips row triggers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

REFUSE_FUNCTION = "cunwu_refuse"
# The function's body as PostgreSQL keeps it (pg_proc.prosrc), compared at
# the start-up check like the triggers.
REFUSE_BODY = "BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = '23000'; END;"
REFUSE_FUNCTION_SQL = (
    f"CREATE OR REPLACE FUNCTION {REFUSE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $cunwu$ {REFUSE_BODY} $cunwu$"
)

_SQLITE = re.compile(
    r"CREATE TRIGGER (?P<name>\w+) BEFORE (?P<event>UPDATE|DELETE)(?: OF (?P<cols>[\w, ]+?))? ON (?P<table>\w+) "
    r"BEGIN SELECT RAISE\(ABORT, '(?P<message>[^']*)'\); END"
)


@dataclass(frozen=True)
class Refusal:
    """One append-only trigger, as declared in SQLite's words."""

    name: str
    event: str  # UPDATE or DELETE
    columns: str  # "" or "a, b, c" (UPDATE OF)
    table: str
    message: str


def parse(sqlite_sql: str) -> Refusal:
    m = _SQLITE.fullmatch(" ".join(sqlite_sql.split()))
    if m is None:
        raise ValueError(f"not an append-only trigger: {sqlite_sql[:80]}")
    return Refusal(m["name"], m["event"], m["cols"] or "", m["table"], m["message"])


def truncate_name(table: str) -> str:
    return f"{table}_no_truncate"


def postgres_triggers(sqlite_sql: str) -> dict[str, str]:
    """name -> CREATE TRIGGER statement on PostgreSQL (the TRUNCATE one
    too, for a DELETE trigger)."""
    r = parse(sqlite_sql)
    of = f" OF {r.columns}" if r.columns else ""
    call = f"EXECUTE FUNCTION {REFUSE_FUNCTION}('{r.message}')"
    out = {r.name: f"CREATE TRIGGER {r.name} BEFORE {r.event}{of} ON {r.table} FOR EACH ROW {call}"}
    if r.event == "DELETE":
        t = truncate_name(r.table)
        out[t] = f"CREATE TRIGGER {t} BEFORE TRUNCATE ON {r.table} FOR EACH STATEMENT {call}"
    return out


def create(op: Any, sqlite_sql: str) -> None:
    """A migration's ``op.execute(sqlite_sql)`` for either engine."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sqlite_sql)
        return
    op.execute(REFUSE_FUNCTION_SQL)
    for sql in postgres_triggers(sqlite_sql).values():
        op.execute(sql)


def drop(op: Any, name: str, table: str) -> None:
    """A migration's ``DROP TRIGGER IF EXISTS name`` (downgrades) for either engine."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    if name.endswith("_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {truncate_name(table)} ON {table}")


def squash_definition(sql: str) -> str:
    """A trigger definition compared without whitespace, quoting or the
    schema PostgreSQL prefixes to the table (``ON public.t``)."""
    sql = re.sub(r" ON (\w+)\.(\w+) ", r" ON \2 ", " ".join(sql.split()))
    return sql.replace('"', "")
