"""Run vault and crypto work off the GUI thread, and get results back as signals.

One worker thread owns the vault connection (SQLCipher connections are not shared across
threads here). Feature code never touches threads: it calls ``runner.submit(fn, ...)``
with callbacks that run on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from ..core.errors import UserError
from ..core.i18n import _


class Cancelled(Exception):
    pass


@dataclass(eq=False)
class Task:
    """Handle for a submitted task: cancellation and progress reporting."""

    cancel_event: threading.Event = field(default_factory=threading.Event)
    progress_cb: Callable[[int, int], None] | None = None

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class TaskRunner(QObject):
    """A single worker thread for everything that touches the vault."""

    _finished = Signal(object, object, object)  # callback, value, task
    _progressed = Signal(object, object, object)  # Python ints: sizes above 2 GiB
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault")
        self._pending = 0
        self._live: set[Task] = set()
        self._finished.connect(self._deliver)
        self._progressed.connect(self._deliver_progress)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        with_task: bool = False,
    ) -> Task:
        """Run ``fn(*args)`` on the worker; with ``with_task`` it also receives the Task."""
        task = Task()
        self._live.add(task)
        if on_progress is not None:
            task.progress_cb = lambda done, total: self._progressed.emit(on_progress, done,
                                                                          total)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def job() -> None:
            try:
                value = fn(*args, task) if with_task else fn(*args)
            except Cancelled as exc:
                self._finished.emit(on_failure, _Failure(str(exc) or _("Cancelled.")), task)
            except UserError as exc:
                self._finished.emit(on_failure, _Failure(str(exc), type(exc).__name__), task)
            except OSError as exc:
                self._finished.emit(on_failure, _Failure(_(
                    "Could not read or write a file: {reason}.").format(
                    reason=exc.strerror or type(exc).__name__)), task)
            except Exception as exc:  # a bug: report its kind, never its content
                self._finished.emit(on_failure, _Failure(
                    _("Unexpected error ({kind}).").format(kind=type(exc).__name__)), task)
            else:
                self._finished.emit(on_success, value, task)

        self._pool.submit(job)
        return task

    @Slot(object, object, object)
    def _deliver(self, callback: Any, value: Any, task: Task) -> None:
        self._live.discard(task)
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        if callback is None:
            return
        if isinstance(value, _Failure):
            message = FailureMessage(value.message)
            message.kind = value.kind
            value = message
        try:
            callback(value)
        except RuntimeError as exc:
            # The widget that asked was closed meanwhile (lock, language switch): the
            # answer has nobody to go to, which is fine.
            if "already deleted" not in str(exc):
                raise

    @Slot(object, object, object)
    def _deliver_progress(self, callback: Any, done: int, total: int) -> None:
        callback(done, total)

    def cancel_all(self) -> None:
        """Ask running and queued work to stop (before locking: a lock must not wait
        behind a long import or attachment)."""
        for task in list(self._live):
            task.cancel()

    def wait_idle(self) -> None:
        """Block until queued work is done (used at shutdown only)."""
        self._pool.submit(lambda: None).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


class FailureMessage(str):
    """A translated failure message that also says what kind of failure it was."""

    kind: str = ""


@dataclass(frozen=True)
class _Failure:
    message: str
    kind: str = ""
