"""The unit of work: every write runs in one transaction together with its
audit record. Services hand plain dataclasses to callers, never ORM rows."""

from __future__ import annotations

import contextvars
import dataclasses
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterator, cast

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cunwu_tui.db.engine import write_intent
from cunwu_tui.db.models import AuditLog
from cunwu_tui.domain.workdays import WorkCalendar
from cunwu_tui.errors import SaveError as SaveError, ValidationError as ValidationError  # re-exported

log = logging.getLogger("cunwu.services")

SYSTEM_OPERATOR = "系统"


@dataclass(frozen=True)
class Operator:
    id: int | None
    name: str
    phone: str = ""


def to_json(value: Any) -> str:
    if value is None:
        return ""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif hasattr(value, "model_dump"):
        value = value.model_dump()

    def default(o: Any) -> Any:
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        if isinstance(o, (set, frozenset, tuple)):
            return list(o)
        return str(o)

    return json.dumps(value, ensure_ascii=False, default=default, sort_keys=True)


def _no_raw_controls(session: Session, _context: Any, _instances: Any) -> None:
    """Whatever a service forgot to clean, no NUL, ESC or other control
    character reaches a register (domain/inputs.strip_controls)."""
    from cunwu_tui.domain.inputs import strip_controls

    for obj in list(session.new) + list(session.dirty):
        for key, value in vars(obj).items():
            if isinstance(value, str) and not key.startswith("_") and not value.isprintable():
                cleaned = strip_controls(value)
                if cleaned != value:
                    setattr(obj, key, cleaned)


def _evidence_links(core: "Core") -> Callable[[Session, Any], None]:
    """after_flush: a link in its register's chain for every row of an
    evidence table the flush added or changed (db/evidence.py), read back
    through the write's own connection: same transaction as the rows."""

    def listener(session: Session, _context: Any) -> None:
        from cunwu_tui.db.evidence import append_links
        from cunwu_tui.domain.evidence import ADDED, CHANGED, EVIDENCE

        changes = cast(
            "list[tuple[str, int, str]]",
            [
                (obj.__tablename__, getattr(obj, "id", None), op)
                for op, objs in ((ADDED, session.new), (CHANGED, session.dirty))
                for obj in objs
                if getattr(obj, "__tablename__", None) in EVIDENCE
            ],
        )
        if changes:
            # the registers' heads, read once per write (its later flushes reuse them)
            heads = session.info.setdefault("cunwu_evidence_heads", {})
            append_links(session.connection(), changes, core.now(), heads)

    return listener


def _why(exc: Exception) -> str:
    """What went wrong with a write, in words where the database says so
    (the other window's write outlasting the wait, a server gone); else the
    error's name, as before."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return "与数据库服务器的连接断了，请检查网络后再保存一次"
        code = getattr(exc.orig, "sqlstate", None)
        if code == "55P03" or "database is locked" in str(exc.orig):  # lock_timeout / SQLite's busy timeout
            return "另一个窗口正在保存，等了一会儿仍未完成，请稍后再保存一次"
        if code is not None and code.startswith("08"):  # connection exceptions
            return "与数据库服务器的连接断了，请检查网络后再保存一次"
    return type(exc).__name__


Clock = Callable[[], datetime]


def day_clock(day: date) -> Clock:
    """A clock whose day is ``day`` and whose time of day is the real one:
    the app started for a given day (tests; ``CunwuApp(today=...)``)."""
    return lambda: datetime.combine(day, datetime.now().time())


class Core:
    """Holds the engine, the current operator, the clock and the working-day
    calendar: the one source of "now" and of working days for every service
    (and, through the facade, for the screens)."""

    def __init__(self, engine: Engine, clock: Clock | None = None):
        self.engine = engine
        self.operator: Operator | None = None
        # None: the real time. Set through Services.set_clock: tests fix the
        # day, the demo lays out a village's past month.
        self.clock: Clock | None = clock
        # The package's calendar until HolidayService.load() adds the years
        # entered in Settings and the files shipped in data/holidays/.
        self.calendar: WorkCalendar = WorkCalendar()
        # The session of the write running in this thread, if any: reads and
        # nested writes inside it use it, so a write never waits on a second
        # connection of its own (SQLite would block it for the busy timeout).
        self._session: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
            f"cunwu_write_{id(self)}", default=None
        )

    def now(self) -> datetime:
        return self.clock() if self.clock else datetime.now()

    def today(self) -> date:
        return self.now().date()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE). Commits on success, rolls
        back everything, audit record included, on any error. A write inside
        a write joins it: one transaction, committed by the outer one."""
        current = self._session.get()
        if current is not None:
            yield current
            return
        token = write_intent.set(True)
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                event.listen(session, "before_flush", _no_raw_controls)
                event.listen(session, "after_flush", _evidence_links(self))
                session_token = self._session.set(session)
                try:
                    yield session
                    session.commit()
                except (ValidationError, SaveError):
                    session.rollback()
                    raise
                except Exception as exc:
                    session.rollback()
                    log.exception("write failed")
                    raise SaveError(f"保存失败，未作任何改动：{_why(exc)}") from exc
                finally:
                    self._session.reset(session_token)
        finally:
            write_intent.reset(token)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read; inside a write, that write's own session (it sees what the
        write has added so far)."""
        current = self._session.get()
        if current is not None:
            yield current
            return
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def audit(
        self,
        session: Session,
        entity: str,
        entity_id: Any,
        action: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        op = self.operator
        session.add(
            AuditLog(
                at=self.now(),
                operator_id=op.id if op else None,
                operator_name=op.name if op else SYSTEM_OPERATOR,
                entity=entity,
                entity_id="" if entity_id is None else str(entity_id),
                action=action,
                before=to_json(before),
                after=to_json(after),
            )
        )
