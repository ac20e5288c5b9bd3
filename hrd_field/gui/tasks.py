"""Run work off the GUI thread, and get results back on it.

Two executors, never mixed:

* the **vault worker**, one thread that owns the vault connection (SQLCipher connections
  are not shared across threads here): reads, writes, crypto, filling the outbox;
* the **network executor**, a daemon thread per job for HTTP (uploads, receipts). A socket
  that never answers may block it for as long as its timeout, so nothing there may hold
  the vault: locking only ever queues behind vault work.

Feature code never touches threads: it submits a callable with callbacks that run on the
GUI thread. A task submitted with a ``parent`` QObject lives as long as that parent: when
the parent is deleted (editor closed, view rebuilt on a language switch) the task is
abandoned and its answer is dropped, like anki's ``QueryOp``.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QMetaObject, QObject, Signal, Slot
from shiboken6 import isValid

from ..core.errors import UserError
from ..core.i18n import _

T = TypeVar("T")


class Cancelled(Exception):
    pass


class FailureKind(enum.Enum):
    CANCELLED = enum.auto()
    LOCKED = enum.auto()
    WRONG_PASSPHRASE = enum.auto()
    DAMAGED = enum.auto()  # the vault's files are damaged or belong to another vault
    IN_USE = enum.auto()
    REFUSED = enum.auto()  # invalid input, a conflict, a refusal the user can act on
    FILE = enum.auto()
    BUG = enum.auto()


class Failure(str):
    """A translated one-line message that also says what kind of failure it was.

    It is a ``str`` so a failure can be shown wherever text is expected."""

    kind: FailureKind

    def __new__(cls, message: str, kind: FailureKind = FailureKind.REFUSED) -> Failure:
        self = super().__new__(cls, message)
        self.kind = kind
        return self

    @property
    def message(self) -> str:
        return str.__str__(self)


Classifier = Callable[[UserError], FailureKind]


def _default_kind(_exc: UserError) -> FailureKind:
    return FailureKind.REFUSED


def failure_of(exc: BaseException, classify: Classifier = _default_kind) -> Failure:
    """The one place exceptions become what a person reads; a bug shows its kind only,
    never its content (which could hold record data)."""
    if isinstance(exc, Cancelled):
        return Failure(str(exc) or _("Cancelled."), FailureKind.CANCELLED)
    if isinstance(exc, UserError):
        return Failure(str(exc), classify(exc))
    if isinstance(exc, OSError):
        return Failure(_("Could not read or write a file: {reason}.").format(
            reason=exc.strerror or type(exc).__name__), FailureKind.FILE)
    return Failure(_("Unexpected error ({kind}).").format(kind=type(exc).__name__),
                   FailureKind.BUG)


@dataclass(eq=False)
class Task:
    """Handle for a submitted task: cancellation and progress reporting."""

    cancel_event: threading.Event = field(default_factory=threading.Event)
    progress_cb: Callable[[int, int], None] | None = None
    abandoned: bool = False
    on_cancel: list[Callable[[], None]] = field(default_factory=list)

    def cancel(self) -> None:
        self.cancel_event.set()
        for hook in self.on_cancel:
            hook()

    def abandon(self) -> None:
        """Stop and drop the answer: nobody is waiting for it any more."""
        self.abandoned = True
        self.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


@dataclass(eq=False)
class _Delivery:
    task: Task
    parent: QObject | None
    on_success: Callable[[Any], None] | None
    on_failure: Callable[[Failure], None] | None
    network: bool
    link: QMetaObject.Connection | None = None


class TaskRunner(QObject):
    """The vault worker and the network executor, and delivery back to the GUI thread."""

    _finished = Signal(object, object, bool)  # delivery, value, ok
    _progressed = Signal(object, object, object)  # Python ints: sizes above 2 GiB
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault")
        self._pending = 0
        self._live: set[Task] = set()
        self._network_live: set[Task] = set()
        self.classify: Classifier = _default_kind
        self._finished.connect(self._deliver)
        self._progressed.connect(self._deliver_progress)

    # -- submitting --------------------------------------------------------------------------
    def submit(self, fn: Callable[..., T], *args: Any,
               on_success: Callable[[T], None] | None = None,
               on_failure: Callable[[Failure], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None,
               with_task: bool = False, parent: QObject | None = None,
               read: bool = False) -> Task:
        """Run ``fn(*args)`` on the vault worker; with ``with_task`` it also receives the
        Task. Callbacks run on the GUI thread, and not at all once ``parent`` is gone.

        ``read``: ``fn`` only reads (a list's page, a search). Abandoned before its turn, it
        is not run at all: each keystroke of a search replaces the last one's query, and on
        an HQ store in PostgreSQL a first search opens every record (seconds), so queries
        nobody waits for must not queue ahead of the one that matters. Writes always run."""
        task, delivery = self._prepare(on_success, on_failure, on_progress, parent, False)
        self._pool.submit(self._run, fn, args, task, delivery, with_task, read)
        return task

    def submit_network(self, fn: Callable[..., T], *args: Any,
                       on_success: Callable[[T], None] | None = None,
                       on_failure: Callable[[Failure], None] | None = None,
                       parent: QObject | None = None) -> Task:
        """Run ``fn(task, *args)`` on its own daemon thread, never on the vault worker.

        The function must not touch the vault; ``task.on_cancel`` hooks let it close its
        connection when the task is cancelled (on lock)."""
        task, delivery = self._prepare(on_success, on_failure, None, parent, True)
        self._network_live.add(task)
        thread = threading.Thread(target=self._run, args=(fn, (task, *args), task, delivery,
                                                          False),
                                  name="network", daemon=True)
        thread.start()
        return task

    def _prepare(self, on_success: Callable[[Any], None] | None,
                 on_failure: Callable[[Failure], None] | None,
                 on_progress: Callable[[int, int], None] | None, parent: QObject | None,
                 network: bool) -> tuple[Task, _Delivery]:
        task = Task()
        if not network:
            self._live.add(task)
            self._pending += 1
            if self._pending == 1:
                self.busy_changed.emit(True)
        if on_progress is not None:
            task.progress_cb = lambda done, total: self._progressed.emit(
                (task, on_progress), done, total)
        delivery = _Delivery(task, parent, on_success, on_failure, network)
        if parent is not None:
            # Deleting the parent stops the work and drops its answer.
            delivery.link = parent.destroyed.connect(task.abandon)
        return task, delivery

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...], task: Task,
             delivery: _Delivery, with_task: bool, read: bool = False) -> None:
        if read and task.abandoned:
            self._finished.emit(delivery, None, True)  # counted as done; nobody gets it
            return
        try:
            value = fn(*args, task) if with_task else fn(*args)
        except Exception as exc:  # every failure goes to the GUI, as a Failure
            self._finished.emit(delivery, failure_of(exc, self.classify), False)
        else:
            self._finished.emit(delivery, value, True)

    # -- delivering --------------------------------------------------------------------------
    @Slot(object, object, bool)
    def _deliver(self, delivery: _Delivery, value: Any, ok: bool) -> None:
        task = delivery.task
        if delivery.network:
            self._network_live.discard(task)
        else:
            self._live.discard(task)
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)
        if delivery.parent is not None and not isValid(delivery.parent):
            return
        if delivery.link is not None:
            QObject.disconnect(delivery.link)
        if task.abandoned:
            return
        callback = delivery.on_success if ok else delivery.on_failure
        if callback is not None:
            callback(value)

    @Slot(object, object, object)
    def _deliver_progress(self, pair: tuple[Task, Callable[[int, int], None]], done: int,
                          total: int) -> None:
        task, callback = pair
        if not task.abandoned:
            callback(done, total)

    # -- stopping ----------------------------------------------------------------------------
    def cancel_all(self) -> None:
        """Ask running and queued vault work to stop, and abandon every network job (before
        locking: a lock must not wait behind a long import, an attachment or a socket)."""
        for task in list(self._network_live):
            task.abandon()
        self._network_live.clear()
        for task in list(self._live):
            task.cancel()

    def wait_idle(self) -> None:
        """Block until queued vault work is done (used at shutdown only)."""
        self._pool.submit(lambda: None).result()

    def shutdown(self) -> None:
        for task in list(self._network_live):
            task.abandon()
        self._pool.shutdown(wait=True)
