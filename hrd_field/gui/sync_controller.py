"""Background sync: when HQ is reachable, everything waiting goes, without babysitting.

Tries on demand, when the network comes back (Qt's network information), and on a timer;
after a failure it waits longer each time (with jitter). Work runs on the vault worker,
so the window never freezes; the outbox lives in the vault, so it resumes after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTime, QTimer, Signal
from PySide6.QtNetwork import QNetworkInformation

from ..core.errors import UserError
from ..core.i18n import _, ngettext
from ..vault.vault import Vault
from .session import VaultSession
from .tasks import Task

if TYPE_CHECKING:
    from ..sync.outbox import SyncReport

PERIOD_MS = 5 * 60_000


@dataclass(frozen=True)
class SyncState:
    text: str
    waiting: int
    syncing: bool = False
    online: bool | None = None


def _sync(vault: Vault, task: Task) -> tuple[SyncReport | None, int]:
    # Imported here: the HTTP stack costs ~200 ms of start-up and is needed only to sync.
    from ..sync.client import IntakeClient
    from ..sync.identity import device_key, enrolled_profile
    from ..sync.outbox import sync_once

    try:
        profile = enrolled_profile(vault)
    except UserError:
        return None, 0
    if not profile.intake_url:
        return None, len(vault.exports.waiting())
    with IntakeClient(profile, device_key(vault), attempts=2) as client:
        report = sync_once(vault, client, progress=task.progress_cb, cancel=task.cancel_event)
    return report, len(vault.exports.waiting())


def _backoff(attempts: int) -> float:
    from ..sync.outbox import backoff

    return backoff(attempts)


class SyncController(QObject):
    state_changed = Signal(object)  # SyncState
    finished = Signal(object)  # SyncReport | None

    def __init__(self, session: VaultSession, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self._task: Task | None = None
        self._failures = 0
        self.last_success: str | None = None
        self._network = None
        if QNetworkInformation.loadDefaultBackend():
            self._network = QNetworkInformation.instance()
        if self._network is not None:
            self._network.reachabilityChanged.connect(self._reachability)

    def start(self) -> None:
        self._failures = 0
        self._timer.start(2_000)  # shortly after unlock, not during it

    def stop(self) -> None:
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online and self._session.is_open:
            self._failures = 0
            self.sync_now()

    def sync_now(self) -> None:
        if self._task is not None or not self._session.is_open:
            return
        self.state_changed.emit(SyncState(_("Syncing with headquarters…"), 0, syncing=True))
        self._task = self._session.call_with_task(_sync, self._done, self._failed,
                                                  self._progress)

    def _progress(self, done: int, total: int) -> None:
        self.state_changed.emit(SyncState(_("Syncing: {done} of {total} bundles").format(
            done=done, total=total), total - done, syncing=True))

    def _done(self, result: tuple[SyncReport | None, int]) -> None:
        self._task = None
        report, waiting = result
        if report is None:
            text = _("Not enrolled with headquarters") if waiting == 0 else ngettext(
                "{n} bundle waiting (no intake address)",
                "{n} bundles waiting (no intake address)", waiting).format(n=waiting)
            self.state_changed.emit(SyncState(text, waiting))
            self.finished.emit(None)
            return
        if report.offline or not report.ok:
            self._failures += 1
            delay_ms = int(_backoff(self._failures) * 1000)
            text = ngettext("Offline — {n} bundle waiting", "Offline — {n} bundles waiting",
                            waiting).format(n=waiting) if report.offline else \
                _("Sync problem: {why}").format(why=(report.errors or [""])[0])
            self.state_changed.emit(SyncState(text, waiting, online=not report.offline))
            self._timer.start(max(10_000, delay_ms))
        else:
            self._failures = 0
            self.last_success = QTime.currentTime().toString("HH:mm")
            text = _("Last sync {time}").format(time=self.last_success) if not waiting else \
                ngettext("{n} bundle waiting", "{n} bundles waiting", waiting).format(n=waiting)
            self.state_changed.emit(SyncState(text, waiting, online=True))
            self._timer.start(PERIOD_MS)
        self.finished.emit(report)

    def _failed(self, message: str) -> None:
        self._task = None
        self._failures += 1
        self.state_changed.emit(SyncState(_("Sync failed: {why}").format(why=message), 0))
        self._timer.start(max(10_000, int(_backoff(self._failures) * 1000)))
        self.finished.emit(None)
