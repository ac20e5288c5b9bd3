"""Adding files to the vault, one at a time: a queue, one progress dialog, Cancel.

The worker streams each file into the vault; nothing is copied anywhere else. The start of
each file is kept in memory so a photo's location (EXIF) can be looked for at once.
"""

from __future__ import annotations

import errno
import io
import mimetypes
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import AttachmentRef
from .session import VaultSession
from .tasks import Task

HEAD_BYTES = 256 << 10
"""The start of an added file, kept in memory to look for a photo's location (EXIF)."""

_PROGRESS_STEPS = 1000


class _ReadingFile(io.FileIO):
    """A regular file read by the worker; reports how far it got and keeps its first bytes.

    Opened non-blocking so that a FIFO or device chosen by mistake is refused at once
    instead of hanging the worker (regular files ignore the flag).
    """

    def __init__(self, path: str, report: Callable[[int, int], None]):
        super().__init__(path, "rb", opener=_open_nonblocking)
        try:
            info = os.fstat(self.fileno())
        except OSError:
            self.close()
            raise
        if not stat.S_ISREG(info.st_mode):
            self.close()
            raise OSError(errno.EINVAL, _("not a regular file"))
        self.total = info.st_size
        self.done = 0
        self.head = bytearray()
        self._report = report

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size) or b""
        if data:
            self.done += len(data)
            if len(self.head) < HEAD_BYTES:
                self.head += data[: HEAD_BYTES - len(self.head)]
            self._report(self.done, max(self.total, self.done))
        return data


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _readable_problem(path: str) -> str | None:
    """Why this path cannot be added, or None (checked again when the worker opens it)."""
    name = os.path.basename(path) or path
    try:
        info = os.stat(path)
    except OSError as exc:
        return _("The file {name} cannot be read ({reason}). Nothing was added.").format(
            name=name, reason=exc.strerror or type(exc).__name__)
    if not stat.S_ISREG(info.st_mode):
        return _("{name} is not a file that can be attached (it is a folder or a device). "
                 "Nothing was added.").format(name=name)
    if not os.access(path, os.R_OK):
        return _("You are not allowed to read the file {name}. Nothing was added.").format(
            name=name)
    return None


@dataclass(eq=False)
class AddJob:
    path: str
    name: str
    media_type: str
    generation: int
    task: Task | None = None
    file: _ReadingFile | None = None
    cancelled: bool = False
    finished: bool = False


class AddQueue(QObject):
    """Files chosen to be added; ``stored`` or ``failed`` reports each one, in order."""

    # (job, bytes done, total) from the worker. Python objects, not C++ ints: files may be
    # larger than 2 GiB, which a 32-bit signal argument cannot carry.
    progressed = Signal(object, object, object)
    stored = Signal(object, object)  # (AddJob, AttachmentRef)
    failed = Signal(object, str)  # (AddJob, message)
    status = Signal(str)

    def __init__(self, session: VaultSession, dialog_parent: QWidget,
                 show_error: Callable[[str], None]):
        super().__init__(dialog_parent)
        self._session = session
        self._dialog_parent = dialog_parent
        self._show_error = show_error
        self.generation = 0  # raised when the panel shows another record (or locks)
        self._paths: list[str] = []
        self.current: AddJob | None = None
        self._progress: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None or bool(self._paths)

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress of the file being added (one dialog, reused), if any."""
        return self._progress if self.current is not None else None

    def add(self, paths: list[str]) -> None:
        self._paths.extend(paths)
        self.start_next()

    def start_next(self) -> None:
        while self._paths and self.current is None:
            path = self._paths.pop(0)
            problem = _readable_problem(path)
            if problem is not None:
                self._show_error(problem)
                continue
            self._begin(path)

    def _begin(self, path: str) -> None:
        name = os.path.basename(path)
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        job = AddJob(path=path, name=name, media_type=media_type, generation=self.generation)

        def report(done: int, total: int) -> None:  # on the worker
            self.progressed.emit(job, done, total)

        def opener() -> BinaryIO:  # on the worker
            try:
                job.file = _ReadingFile(path, report)
            except OSError as exc:
                raise UserError(_("The file {name} cannot be read ({reason}). "
                                  "Nothing was added.").format(
                    name=name, reason=exc.strerror or str(exc))) from exc
            return job.file

        dialog = self._dialog()
        dialog.reset()
        dialog.setLabelText(_("Adding {name} to the vault…").format(name=name))
        dialog.setAccessibleName(_("Progress of adding {name}").format(name=name))
        self.current = job
        dialog.setValue(0)  # shown if it takes longer than the minimum duration
        self.status.emit(_("Adding {name}…").format(name=name))
        job.task = self._session.store_attachment(
            opener, name, media_type,
            on_done=lambda ref: self._done(job, ref),
            on_error=lambda message: self._failed(job, message))

    def _dialog(self) -> QProgressDialog:
        """One dialog for every file, never deleted while the panel lives: a modal
        QProgressDialog processes events inside setValue(), so the add may finish (and the
        next one start) while setValue() is still on the stack."""
        if self._progress is None:
            dialog = QProgressDialog(self._dialog_parent)
            dialog.setWindowTitle(_("Adding an attachment"))
            dialog.setCancelButtonText(_("Cancel"))
            dialog.setRange(0, _PROGRESS_STEPS)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumDuration(400)
            dialog.canceled.connect(self.cancel_current)
            dialog.reset()
            dialog.hide()
            self._progress = dialog
        return self._progress

    def show_progress(self, job: AddJob, done: int, total: int) -> None:
        if job is not self.current or job.finished or self._progress is None:
            return
        if total > 0:
            self._progress.setValue(min(_PROGRESS_STEPS, done * _PROGRESS_STEPS // total))

    def cancel_current(self) -> None:
        if self.current is not None:
            self._cancel(self.current)

    def _cancel(self, job: AddJob) -> None:
        if job.finished or job.cancelled:
            return
        job.cancelled = True
        self._paths.clear()
        if job.task is not None:
            job.task.cancel()
        self.status.emit(_("Cancelling…"))

    def _finish(self, job: AddJob) -> None:
        job.finished = True
        if self.current is job:
            self.current = None
            if self._progress is not None and isValid(self._progress):
                self._progress.reset()
                self._progress.hide()

    def _done(self, job: AddJob, ref: AttachmentRef) -> None:
        self._finish(job)
        if isValid(self):
            self.stored.emit(job, ref)

    def _failed(self, job: AddJob, message: str) -> None:
        self._finish(job)
        job.file = None
        if isValid(self):
            self.failed.emit(job, message)

    def abandon(self) -> None:
        """The panel shows another record or the vault locks: drop waiting and running adds."""
        self.generation += 1
        self._paths.clear()
        job = self.current
        if job is not None:
            self._cancel(job)
            self._finish(job)
