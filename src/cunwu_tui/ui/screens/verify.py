"""V on F5 and F9: every register checked, in a worker, the result said per
register (the seal register's own chain first, then every register's
evidence chain and the triggers); the 工作台 takes the results over."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

if TYPE_CHECKING:
    from cunwu_tui.features.seals.service import ChainCheck
    from cunwu_tui.services import Services


class VerifyMixin:
    """V: check every register (the seal register's own chain first, then
    every register's evidence chain and the triggers) in a worker and say
    the result per register (F5 and F9 both offer it)."""

    if TYPE_CHECKING:  # from the screen it is mixed into
        services: Services | None
        live: Services
        app: Any

    def action_verify(self) -> None:
        self.run_verify()

    @work(thread=True, group="seal-verify", exclusive=True, exit_on_error=False)
    def run_verify(self) -> None:
        try:
            check = self.live.seal_register.verify()
            report = self.live.evidence.verify(full=True)
        except Exception:
            import logging

            from cunwu_tui.logsetup import log_path

            logging.getLogger("cunwu.ui").exception("register check failed")
            self.app.call_from_thread(self._verified, None, None, f"校验未能完成，详细信息见日志：{log_path()}")
            return
        self.app.call_from_thread(self._verified, check, report, "\n".join([check.message, *report.lines()]))

    def _verified(self, check: ChainCheck | None, report, message: str) -> None:
        from cunwu_tui.ui.screens.dialogs import MessageDialog

        if check is not None:
            seal_checked = getattr(self.app, "seal_checked", None)
            if seal_checked is not None:
                seal_checked(check)
        if report is not None:
            evidence_checked = getattr(self.app, "evidence_checked", None)
            if evidence_checked is not None:
                evidence_checked(report)
        whole = check is not None and check.ok and report is not None and report.ok
        title = "各登记簿完整" if whole else "登记簿校验不一致"
        self.app.push_screen(MessageDialog(title, message))
