"""The GUI's single way to the vault: every call runs on the worker, results come by signal.

Widgets emit intents and call these methods; only the worker thread touches ``Vault``.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from PySide6.QtCore import QObject, Signal

from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import AttachmentRef, Record
from ..vault.queries import Filters, Hit, Row
from ..vault.vault import Vault
from .tasks import Cancelled, Task, TaskRunner

Callback = Callable[[Any], None]
Failure = Callable[[str], None]


class VaultSession(QObject):
    unlocked = Signal()
    locked = Signal()
    changed = Signal(str)  # record type whose lists need a refresh ("" = all)
    failed = Signal(str)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self._vault: Vault | None = None  # touched on the worker thread only
        self._open = threading.Event()
        self.root: Path | None = None

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def create(self, root: Path, passphrase: str, on_done: Callback, on_error: Failure) -> None:
        def job() -> None:
            self._vault = Vault.create(root, passphrase)
            self._open.set()

        self.root = root
        self.runner.submit(job, on_success=lambda _v: self._did_unlock(on_done),
                           on_failure=on_error)

    def unlock(self, root: Path, passphrase: str, on_done: Callback, on_error: Failure) -> None:
        def job() -> None:
            self._vault = Vault.unlock(root, passphrase)
            self._open.set()

        self.root = root
        self.runner.submit(job, on_success=lambda _v: self._did_unlock(on_done),
                           on_failure=on_error)

    def _did_unlock(self, on_done: Callback) -> None:
        on_done(None)
        self.unlocked.emit()

    def lock(self, on_done: Callback | None = None) -> None:
        """Close the vault; the key leaves memory with the Vault object."""
        self.runner.cancel_all()
        def job() -> None:
            if self._vault is not None:
                self._vault.close()
                self._vault = None
            self._open.clear()

        self.runner.submit(job, on_success=lambda _v: self._did_lock(on_done),
                           on_failure=self.failed.emit)

    def _did_lock(self, on_done: Callback | None) -> None:
        self.locked.emit()
        if on_done:
            on_done(None)

    def wipe(self, on_done: Callback) -> None:
        self.runner.cancel_all()
        def job() -> None:
            if self._vault is not None:
                self._vault.wipe()
                self._vault = None
            self._open.clear()

        def done(_v: Any) -> None:
            self.locked.emit()
            on_done(None)

        self.runner.submit(job, on_success=done, on_failure=self.failed.emit)

    def close_now(self) -> None:
        """At application exit: close on the worker and wait for it."""
        self.lock()
        self.runner.wait_idle()

    # -- calls -----------------------------------------------------------------------------
    def _vault_or_fail(self) -> Vault:
        if self._vault is None:
            raise Cancelled(_("The vault is locked."))
        return self._vault

    def call(self, fn: Callable[[Vault], Any], on_done: Callback | None = None,
             on_error: Failure | None = None) -> Task:
        return self.runner.submit(lambda: fn(self._vault_or_fail()), on_success=on_done,
                                  on_failure=on_error or self.failed.emit)

    def call_with_task(self, fn: Callable[[Vault, Task], Any], on_done: Callback,
                       on_error: Failure,
                       on_progress: Callable[[int, int], None] | None = None) -> Task:
        """Long work that reports progress and can be cancelled through its Task."""
        return self.runner.submit(lambda task: fn(self._vault_or_fail(), task),
                                  on_success=on_done, on_failure=on_error,
                                  on_progress=on_progress, with_task=True)

    def rows(self, filters: Filters, order_by: str, descending: bool, limit: int, offset: int,
             on_done: Callable[[list[Row]], None]) -> Task:
        return self.call(lambda v: v.records.rows(filters, order_by=order_by,
                                                  descending=descending, limit=limit,
                                                  offset=offset), on_done)

    def count(self, filters: Filters, on_done: Callable[[int], None]) -> Task:
        return self.call(lambda v: v.records.count(filters), on_done)

    def search(self, text: str, filters: Filters, on_done: Callable[[list[Hit]], None],
               limit: int = 500) -> Task:
        return self.call(lambda v: v.records.search(text, filters, limit=limit), on_done)

    def get(self, record_id: str, on_done: Callable[[Record], None],
            on_error: Failure | None = None) -> Task:
        return self.call(lambda v: v.records.get(record_id), on_done, on_error)

    def save(self, record: Record, is_new: bool, on_done: Callable[[Record], None],
             on_error: Failure) -> Task:
        def job(v: Vault) -> Record:
            saved = v.records.create(record) if is_new else v.records.update(record)
            v.records.discard_draft(saved.id)
            return saved

        def done(saved: Record) -> None:
            on_done(saved)
            self.changed.emit(saved.TYPE)

        return self.call(job, done, on_error)

    def delete(self, record_id: str, record_type: str, on_done: Callback) -> Task:
        def done(_v: Any) -> None:
            on_done(None)
            self.changed.emit(record_type)

        return self.call(lambda v: v.records.delete(record_id), done)

    def save_draft(self, record: Record, on_done: Callback | None = None,
                   on_error: Failure | None = None) -> Task:
        return self.call(lambda v: v.records.save_draft(record), on_done, on_error)

    def drafts(self, on_done: Callable[[list[Record]], None]) -> Task:
        return self.call(lambda v: v.records.drafts(), on_done)

    def discard_draft(self, record_id: str) -> Task:
        return self.call(lambda v: v.records.discard_draft(record_id))

    def store_attachment(self, opener: Callable[[], BinaryIO], filename: str,
                         media_type: str, on_done: Callable[[AttachmentRef], None],
                       on_error: Failure,
                       on_progress: Callable[[int, int], None] | None = None) -> Task:
        def job(task: Task) -> AttachmentRef:
            v = self._vault_or_fail()
            with opener() as fh:
                total = _size(fh)

                def progress(done: int) -> bool:
                    if task.progress_cb:
                        task.progress_cb(done, total)
                    return not task.cancelled

                return v.store_attachment(fh, filename=filename, media_type=media_type,
                                          progress=progress)

        return self.runner.submit(job, on_success=on_done, on_failure=on_error,
                                  on_progress=on_progress, with_task=True)

    def store_bytes(self, data: bytes, filename: str, media_type: str,
                    on_done: Callable[[AttachmentRef], None], on_error: Failure) -> Task:
        """Store bytes made in memory (e.g. an image with its location stripped)."""
        return self.call(lambda v: v.store_attachment(io.BytesIO(data), filename=filename,
                                                      media_type=media_type), on_done, on_error)

    def read_attachment(self, sha256: str, limit: int, on_done: Callable[[bytes], None],
                        on_error: Failure) -> Task:
        """Read a (small) attachment into memory, e.g. to show an image; never to disk."""
        def job(v: Vault) -> bytes:
            size = v.attachment_size(sha256) or 0
            if size > limit:
                raise UserError(_("This file is too large to show here."))
            with v.open_attachment(sha256) as chunks:
                return b"".join(chunks)

        return self.call(job, on_done, on_error)


def _size(fh: BinaryIO) -> int:
    try:
        pos = fh.tell()
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(pos)
        return end
    except OSError:
        return 0
