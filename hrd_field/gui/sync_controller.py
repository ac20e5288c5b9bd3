"""Background sync: when HQ is reachable, everything waiting goes, without babysitting.

Tries on demand, when the network comes back (Qt's network information), and on a timer;
after a failure it waits longer each time (with jitter). One run alternates between the two
executors: the vault worker fills the outbox and settles each receipt, the network executor
moves each bundle. Locking abandons the network half at once, so a server that never
answers cannot keep the vault open. The outbox lives in the vault: a run cut short resumes
after the next unlock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTime, QTimer, Signal

from ..core.i18n import _, ngettext
from .dates import format_number, ui_locale
from .session import VaultSession
from .tasks import Failure, Task, TaskRunner

if TYPE_CHECKING:  # the HTTP stack costs ~200 ms of start-up and is needed only to sync
    from PySide6.QtNetwork import QNetworkInformation

    from ..bundle.minisign import SigningKey
    from ..bundle.profile import HqProfile
    from ..sync.client import IntakeClient
    from ..sync.errors import SyncError
    from ..sync.outbox import SyncPlan, SyncReport
    from ..sync.transfer import Transfer

PERIOD_MS = 5 * 60_000

ClientFactory = Callable[["HqProfile", "SigningKey"], "IntakeClient"]


def default_client(profile: HqProfile, key: SigningKey) -> IntakeClient:
    from ..sync.client import IntakeClient

    return IntakeClient(profile, key, attempts=2)


@dataclass(frozen=True)
class SyncState:
    text: str
    waiting: int
    syncing: bool = False
    online: bool | None = None


def _backoff(attempts: int) -> float:
    from ..sync.outbox import backoff

    return backoff(attempts)


def _move(task: Task, make_client: ClientFactory, plan: SyncPlan,
          item: Transfer) -> bytes | SyncError:
    """Runs on the network executor: one bundle up, its receipt back. Never the vault."""
    from ..sync.errors import SyncError
    from ..sync.transfer import transfer

    client = make_client(plan.profile, plan.key)

    def close() -> None:
        # Called from the GUI thread on lock; whatever the half-closed client raises in
        # the network thread is dropped with the abandoned task.
        with contextlib.suppress(Exception):
            client.close()

    task.on_cancel.append(close)
    try:
        return transfer(client, item)
    except SyncError as exc:
        return exc
    finally:
        close()


@dataclass
class _Run:
    plan: SyncPlan
    report: SyncReport
    index: int = 0


class SyncController(QObject):
    state_changed = Signal(object)  # SyncState
    finished = Signal(object)  # SyncReport | None

    def __init__(self, session: VaultSession, runner: TaskRunner,
                 make_client: ClientFactory = default_client, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        self._runner = runner
        self._make_client = make_client
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self._task: Task | None = None  # the one step in flight, vault or network
        self._failures = 0
        self.last_success: str | None = None
        self._network: QNetworkInformation | None = None
        self._watching = False

    @property
    def running(self) -> bool:
        return self._task is not None

    def _watch_network(self) -> None:
        """Sync when the network comes back. Loaded at the first unlock, not at start-up:
        QtNetwork and its reachability plugin are not needed to show the lock screen."""
        if self._watching:
            return
        self._watching = True
        from PySide6.QtNetwork import QNetworkInformation

        if QNetworkInformation.loadDefaultBackend():
            self._network = QNetworkInformation.instance()
        if self._network is not None:
            self._network.reachabilityChanged.connect(self._reachability)

    def start(self) -> None:
        self._watch_network()
        self._failures = 0
        self._timer.start(2_000)  # shortly after unlock, not during it

    def stop(self) -> None:
        self._timer.stop()
        if self._task is not None:
            self._task.abandon()
            self._task = None

    def _reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online and self._session.is_open:
            self._failures = 0
            self.sync_now()

    def sync_now(self) -> None:
        if self._task is not None or not self._session.is_open:
            return
        self.state_changed.emit(SyncState(_("Syncing with headquarters…"), 0, syncing=True))
        self._task = self._session.sync_prepare(self._prepared, self._failed)

    def _prepared(self, prepared: tuple[SyncPlan | None, int, HqProfile | None]) -> None:
        plan, waiting, profile = prepared
        if plan is None:
            self._task = None
            if profile is None:
                text = ""  # the enrolment status beside it says so
            elif waiting:
                text = ngettext("{n} bundle waiting: take it to HQ on a USB stick",
                                "{n} bundles waiting: take them to HQ on a USB stick",
                                waiting).format(n=format_number(waiting))
            else:
                text = _("Nothing waiting for headquarters")
            self.state_changed.emit(SyncState(text, waiting))
            self.finished.emit(None)
            return
        from ..sync.outbox import SyncReport

        self._next(_Run(plan, SyncReport(exported=plan.exported)))

    def _next(self, run: _Run) -> None:
        if run.index >= len(run.plan.transfers):
            self._task = self._session.waiting_count(lambda n: self._done(run.report, n),
                                                     self._failed)
            return
        item = run.plan.transfers[run.index]
        self._task = self._runner.submit_network(
            _move, self._make_client, run.plan, item,
            on_success=lambda outcome: self._moved(run, item, outcome),
            on_failure=self._failed)

    def _moved(self, run: _Run, item: Transfer, outcome: bytes | SyncError) -> None:
        def settled(go_on: bool) -> None:
            run.index += 1
            total = len(run.plan.transfers)
            self.state_changed.emit(SyncState(
                _("Syncing: {done} of {total} bundles").format(
                    done=format_number(run.index), total=format_number(total)),
                total - run.index, syncing=True))
            if go_on:
                self._next(run)
            else:  # offline: the rest would fail the same way
                run.index = total
                self._next(run)

        self._task = self._session.sync_settle(run.plan, item, outcome, run.report,
                                               settled, self._failed)

    def _done(self, report: SyncReport, waiting: int) -> None:
        self._task = None
        if report.offline or not report.ok:
            self._failures += 1
            delay_ms = int(_backoff(self._failures) * 1000)
            text = ngettext("Offline — {n} bundle waiting", "Offline — {n} bundles waiting",
                            waiting).format(n=format_number(waiting)) if report.offline else \
                _("Sync problem: {why}").format(why=(report.errors or [""])[0])
            self.state_changed.emit(SyncState(text, waiting, online=not report.offline))
            self._timer.start(max(10_000, delay_ms))
        else:
            self._failures = 0
            self.last_success = ui_locale().toString(QTime.currentTime(), "HH:mm")
            text = _("Last sync {time}").format(time=self.last_success) if not waiting else \
                ngettext("{n} bundle waiting", "{n} bundles waiting", waiting).format(
                    n=format_number(waiting))
            self.state_changed.emit(SyncState(text, waiting, online=True))
            self._timer.start(PERIOD_MS)
        self.finished.emit(report)

    def _failed(self, failure: Failure) -> None:
        self._task = None
        self._failures += 1
        self.state_changed.emit(SyncState(_("Sync failed: {why}").format(why=failure), 0))
        self._timer.start(max(10_000, int(_backoff(self._failures) * 1000)))
        self.finished.emit(None)
