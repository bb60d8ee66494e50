"""Ledger export for the F8 screen and ``cunwu export``: one path for both."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from cunwu_tui.services.core import Core, ValidationError
from cunwu_tui.services.settings import EXPORT_DIR, SettingsService, VillageProfile

if TYPE_CHECKING:
    from cunwu_tui.domain.evidence import Head
    from cunwu_tui.services import Services
    from cunwu_tui.ledgers.engine import Period

DEFAULT_DIR = "exports"


@dataclass(frozen=True)
class LedgerChoice:
    name: str
    title: str


def ledger_choices() -> list[LedgerChoice]:
    from cunwu_tui.ledgers.registers import app_ledgers

    return [LedgerChoice(led.name, led.title) for led in app_ledgers()]


def default_month(today: date) -> str:
    """Last month (YYYY-MM): what the township expects at the start of a month."""
    from cunwu_tui.ledgers.engine import Period

    return Period.previous(today).iso


class ExportService:
    def __init__(self, core: Core, settings: SettingsService, profile: Callable[[], VillageProfile], source: Services):
        self.core = core
        self.settings = settings
        self.profile = profile
        self.source = source

    def default_dir(self) -> Path:
        remembered = self.settings.get(EXPORT_DIR)
        return Path(remembered) if remembered else Path(os.getcwd()) / DEFAULT_DIR

    def export(
        self,
        month: str,
        names: Sequence[str] | None = None,
        out_dir: str | Path | None = None,
        progress: Callable[[int], None] | None = None,
        on_ledger: Callable[[int, Path], None] | None = None,
        remember_dir: bool = False,
        today: date | None = None,
    ) -> list[Path]:
        """Write the chosen ledgers of ``month`` (YYYY-MM) into ``out_dir``.

        Raises ValidationError (Chinese, per field) for a bad month, an unknown
        ledger, an incomplete village profile or a folder that cannot be
        written; a failed ledger leaves no file behind."""
        from cunwu_tui.ledgers.engine import LedgerContext, Period, get_ledger
        from cunwu_tui.domain import inputs
        from cunwu_tui.ledgers.naming import LedgerError, export_ledgers
        from cunwu_tui.ledgers.registers import app_ledgers, declare_ledgers
        from cunwu_tui.services.ledger_rows import ledger_lines

        declare_ledgers()  # get_ledger finds every ledger by name

        errors: dict[str, str] = {}
        period = None
        try:  # a month that has begun, since 1949-10
            first = inputs.month(month, "月份", inputs.past(today or self.core.now().date()))
            period = Period(first.year, first.month)
        except ValueError as exc:
            errors["month"] = str(exc)
        chosen = []
        for name in names or [led.name for led in app_ledgers()]:
            try:
                chosen.append(get_ledger(name))
            except (KeyError, ValueError) as exc:
                errors["ledgers"] = exc.args[0] if exc.args else str(exc)
        if not chosen and "ledgers" not in errors:
            errors["ledgers"] = "请至少选择一种台账。"
        profile = self.profile()
        if not profile.complete:
            errors["profile"] = "请先在设置中填写村(社区)名称和所属乡镇(街道)，台账要署名。"
        folder = Path(out_dir).expanduser() if out_dir else self.default_dir()
        if errors:
            raise ValidationError(errors)
        op = self.core.operator
        assert period is not None
        end, previous = self._evidence_heads(period)
        ctx = LedgerContext(
            village=profile.village,
            township=profile.township,
            operator=op.name if op else "",
            phone=(op.phone if op and op.phone else profile.phone),
            filled_on=today or self.core.today(),
            evidence=tuple(end),
            evidence_previous=tuple(previous),
            exported_at=self.core.now(),
        )
        paths: list[Path] = []
        for ledger in chosen:
            try:
                lines = ledger_lines(self.source, ledger.name, period)
                paths += export_ledgers([ledger], lines, ctx, period, folder, progress=progress)
            except LedgerError as exc:
                done = "" if not paths else "（此前已写好：" + "、".join(p.name for p in paths) + "）"
                raise ValidationError({"out_dir": f"{exc}{done}"}) from None
            if on_ledger is not None:
                on_ledger(len(paths), paths[-1])
        if remember_dir:
            self.settings.set(EXPORT_DIR, str(folder.resolve()))
        return paths

    def _evidence_heads(self, period: Period) -> tuple[list[Head], list[Head]]:
        """The registers' heads at the end of the month and of the month
        before (printed on every ledger: services/evidence.py)."""
        evidence = getattr(self.source, "evidence", None)
        if evidence is None:
            return [], []
        heads: tuple[list[Head], list[Head]] = evidence.month_heads(period.year, period.month)
        return heads
