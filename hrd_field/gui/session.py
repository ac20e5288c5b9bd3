"""The GUI's single way to the vault: named operations on the worker, results by callback.

Widgets call these methods and never see ``Vault`` (an import-linter contract keeps
``hrd_field.vault.vault`` out of every other GUI module). Each operation names what it
does; the work itself lives below the GUI (``vault.lookups``, ``vault.summaries``,
``sync.exporter``, ``sync.outbox``) where the CLI and HQ use the same code. Passing
``parent`` ties the answer to a widget's lifetime: once the widget is deleted, the answer
is dropped (see ``tasks``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from ..core.errors import UserError
from ..core.i18n import _
from . import lazy
from .tasks import Cancelled, Failure, FailureKind, Task, TaskRunner

if TYPE_CHECKING:  # the vault, bundle and sync stacks load after the lock screen shows
    from ..bundle import WrittenBundle
    from ..bundle.profile import HqProfile
    from ..core.records import AttachmentRef, Mission, Record
    from ..sync.errors import SyncError
    from ..sync.exporter import ExportPlan
    from ..sync.outbox import SyncPlan, SyncReport
    from ..sync.transfer import Transfer
    from ..vault import lookups, summaries
    from ..vault import vault as vaults
    from ..vault.ledger import OutboxItem, SentBundle
    from ..vault.queries import Filters, Hit, Row
    from ..vault.summaries import MissionSummary
    from ..vault.vault import Vault
else:
    lookups = lazy.module("hrd_field.vault.lookups")
    summaries = lazy.module("hrd_field.vault.summaries")
    vaults = lazy.module("hrd_field.vault.vault")

T = TypeVar("T")
Done = Callable[[T], None]
OnFailure = Callable[[Failure], None]
Progress = Callable[[int, int], None]


def classify(exc: UserError) -> FailureKind:
    """What kind of failure a vault error is, for screens that react differently."""
    from ..vault.database import NotThisVault
    from ..vault.keyslots import WrongPassphrase
    from ..vault.lock import VaultInUse
    from ..vault.vault import VaultCorrupt

    if isinstance(exc, WrongPassphrase):
        return FailureKind.WRONG_PASSPHRASE
    if isinstance(exc, VaultCorrupt | NotThisVault):
        return FailureKind.DAMAGED
    if isinstance(exc, VaultInUse):
        return FailureKind.IN_USE
    return FailureKind.REFUSED


class VaultSession(QObject):
    unlocked = Signal()
    locked = Signal()
    changed = Signal(str)  # record type whose lists need a refresh ("" = all)
    failed = Signal(object)  # Failure
    busy_changed = Signal(bool)
    # after an unclean shutdown: the check runs beside the work ("" = started, then the
    # problems found, none when the vault is sound)
    integrity_checking = Signal()
    integrity_checked = Signal(list)
    # emitted from the worker as an unlock starts upgrading a vault made by an older release
    upgrading = Signal()

    def __init__(self, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = runner
        runner.classify = classify
        runner.busy_changed.connect(self.busy_changed)
        self.integrity_checked.connect(self._after_check)
        self._vault: Vault | None = None  # touched on the worker thread only
        self._open = threading.Event()
        self.root: Path | None = None

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def create(self, root: Path, passphrase: str, on_done: Done[None],
               on_error: OnFailure) -> None:
        self.load_vault_stack()  # here, on the GUI thread, before the worker needs it
        def job() -> None:
            self._vault = vaults.Vault.create(root, passphrase)
            self._open.set()

        self.root = root
        self._runner.submit(job, on_success=lambda _v: self._did_unlock(on_done),
                            on_failure=on_error)

    def unlock(self, root: Path, passphrase: str, on_done: Done[None],
               on_error: OnFailure) -> None:
        self.load_vault_stack()  # here, on the GUI thread, before the worker needs it
        def job() -> bool:
            from ..hq.kind import refuse_hq_store

            refuse_hq_store(root)  # one on PostgreSQL, by its key store, before the key
            vault = vaults.Vault.unlock(root, passphrase, defer_check=True,
                                        on_upgrade=self.upgrading.emit,
                                        kind=lambda role: refuse_hq_store(root, role))
            self._vault = vault
            self._open.set()
            return self._vault.check_pending

        self.root = root
        self._runner.submit(job, on_success=lambda pending: self._did_unlock(on_done, pending),
                            on_failure=on_error)

    def _did_unlock(self, on_done: Done[None], check_pending: bool = False) -> None:
        on_done(None)
        self.unlocked.emit()
        if check_pending:
            self._check_beside_the_work()

    def _after_check(self, problems: list[str]) -> None:
        if problems and self._vault is not None:
            self._runner.submit(lambda: self._vault_or_fail().db.conn.execute(
                "PRAGMA query_only = ON"))

    def _check_beside_the_work(self) -> None:
        """After an unclean shutdown the vault opens at once and its pages are checked on a
        thread of their own (tens of seconds on a large vault); on damage it turns read-only:
        what is there can still be read and exported, nothing more is written over it."""
        vault = self._vault
        if vault is None:
            return
        self.integrity_checking.emit()

        def run() -> None:
            try:
                problems = vault.check_snapshot().problems
            except (vaults.CheckInterrupted, UserError):
                return  # locked meanwhile: the check runs again at the next unlock
            self.integrity_checked.emit(problems)  # queued to the GUI thread

        threading.Thread(target=run, name="vault-check", daemon=True).start()

    def check_integrity(self, root: Path, passphrase: str, on_done: Done[list[str]],
                        on_error: OnFailure) -> None:
        """Open a vault that refused to unlock, list its problems, close it again."""
        self.load_vault_stack()  # here, on the GUI thread, before the worker needs it
        def job() -> list[str]:
            vault = vaults.Vault.unlock(root, passphrase, refuse_if_damaged=False)
            try:
                return vault.check().problems
            finally:
                vault.close()

        self._runner.submit(job, on_success=on_done, on_failure=on_error)

    def lock(self, on_done: Done[None] | None = None) -> None:
        """Close the vault; the key leaves memory with the Vault object.

        Network work is abandoned, not waited for: it never holds the vault."""
        self._runner.cancel_all()

        def job() -> None:
            if self._vault is not None:
                self._vault.close()
                self._vault = None
            self._open.clear()

        self._runner.submit(job, on_success=lambda _v: self._did_lock(on_done),
                            on_failure=self.failed.emit)

    def _did_lock(self, on_done: Done[None] | None) -> None:
        self.locked.emit()
        if on_done:
            on_done(None)

    def wipe(self, on_done: Done[None]) -> None:
        self._runner.cancel_all()

        def job() -> None:
            if self._vault is not None:
                self._vault.wipe()
                self._vault = None
            self._open.clear()

        def done(_v: None) -> None:
            self.locked.emit()
            on_done(None)

        self._runner.submit(job, on_success=done, on_failure=self.failed.emit)

    def close_now(self) -> None:
        """At application exit: close on the worker and wait for it."""
        self.lock()
        self._runner.wait_idle()

    def wait_idle(self) -> None:
        """Block until queued vault work is done (shutdown, and tests)."""
        self._runner.wait_idle()

    def shutdown(self) -> None:
        self._runner.shutdown()

    # -- the generic way, private: every public operation below has a name ----------------
    @staticmethod
    def load_vault_stack() -> None:
        """Import the vault modules now, on the GUI thread (see ``gui.lazy``): every
        operation that opens a vault calls this first, so the worker never runs a lazy
        import while the GUI thread imports the same module (Python 3.11's lazy loader is
        not thread-safe)."""
        for module in (lookups, summaries, vaults):
            vars(module)  # reading the lazy module's namespace runs its import

    def _vault_or_fail(self) -> Vault:
        if self._vault is None:
            raise Cancelled(_("The vault is locked."))
        return self._vault

    def _query(self, fn: Callable[[Vault], T], on_done: Done[T] | None,
               on_error: OnFailure | None = None, parent: QObject | None = None, *,
               read: bool = False) -> Task:
        return self._runner.submit(lambda: fn(self._vault_or_fail()), on_success=on_done,
                                   on_failure=on_error or self.failed.emit, parent=parent,
                                   read=read)

    def _long(self, fn: Callable[[Vault, Task], T], on_done: Done[T], on_error: OnFailure,
              on_progress: Progress | None = None, parent: QObject | None = None) -> Task:
        """Long work that reports progress and can be cancelled through its Task."""
        return self._runner.submit(lambda task: fn(self._vault_or_fail(), task),
                                   on_success=on_done, on_failure=on_error,
                                   on_progress=on_progress, with_task=True, parent=parent)

    def compute(self, fn: Callable[..., T], *args: Any, on_done: Done[T],
                on_error: OnFailure | None = None, parent: QObject | None = None) -> Task:
        """Work on data already in memory (e.g. reading a photo's EXIF), off the GUI thread.

        It runs on the vault worker so it is ordered with, and cancelled like, vault work; like
        every vault operation it loads the vault modules first (the demo makes its vault here)."""
        self.load_vault_stack()
        return self._runner.submit(fn, *args, on_success=on_done,
                                   on_failure=on_error or self.failed.emit, parent=parent)

    # -- lists and records -----------------------------------------------------------------
    def rows(self, filters: Filters, text: str, order_by: str, descending: bool, limit: int,
             offset: int, on_done: Done[list[Row]], parent: QObject | None = None, *,
             every_match: bool = False) -> Task:
        return self._query(lambda v: v.records.rows(filters, text=text, order_by=order_by,
                                                    descending=descending, limit=limit,
                                                    offset=offset, every_match=every_match),
                           on_done, parent=parent, read=True)

    def count(self, filters: Filters, text: str, on_done: Done[int],
              parent: QObject | None = None) -> Task:
        return self._query(lambda v: v.records.count(filters, text=text), on_done,
                           parent=parent, read=True)

    def first_page(self, filters: Filters, text: str, order_by: str, descending: bool,
                   limit: int, on_done: Done[tuple[int, list[Row]]],
                   parent: QObject | None = None, *, every_match: bool = False) -> Task:
        """``count`` and the first ``rows`` in one trip to the worker (a search as you
        type shows both at once)."""
        return self._query(lambda v: v.records.first_rows(
            filters, text=text, order_by=order_by, descending=descending, limit=limit,
            every_match=every_match), on_done, parent=parent, read=True)

    def search(self, text: str, filters: Filters, on_done: Done[list[Hit]],
               limit: int = 500, parent: QObject | None = None) -> Task:
        return self._query(lambda v: v.records.search(text, filters, limit=limit), on_done,
                           parent=parent, read=True)

    def search_everything(self, text: str, include_identity: bool,
                          on_done: Done[dict[str, list[Hit]]],
                          parent: QObject | None = None) -> Task:
        return self._query(lambda v: lookups.search_everything(
            v, text, include_identity=include_identity), on_done, parent=parent)

    def get(self, record_id: str, on_done: Done[Record], on_error: OnFailure | None = None,
            parent: QObject | None = None) -> Task:
        return self._query(lambda v: v.records.get(record_id), on_done, on_error, parent)

    def record_with_draft(self, record_id: str, on_done: Done[tuple[Record, Record | None]],
                          parent: QObject | None = None) -> Task:
        return self._query(lambda v: lookups.record_with_draft(v, record_id), on_done,
                           parent=parent)

    def mission_titles(self, on_done: Done[list[tuple[str, str]]],
                       parent: QObject | None = None) -> Task:
        return self._query(lookups.mission_titles, on_done, parent=parent)

    def remembered_mission(self, on_done: Done[Mission | None],
                           parent: QObject | None = None) -> Task:
        """The current mission chosen last time (kept in the vault, encrypted), if it
        still exists."""
        return self._query(lookups.remembered_mission, on_done, parent=parent)

    def remember_mission(self, mission_id: str | None) -> Task:
        return self._query(lambda v: lookups.remember_mission(v, mission_id), None)

    def mission_summary(self, mission_id: str, on_done: Done[MissionSummary],
                        on_error: OnFailure | None = None,
                        parent: QObject | None = None) -> Task:
        return self._query(lambda v: summaries.mission_summary(v, mission_id), on_done,
                           on_error, parent)

    def person_aliases(self, ids: list[str], on_done: Done[list[tuple[str, str | None]]],
                       parent: QObject | None = None) -> Task:
        return self._query(lambda v: lookups.person_aliases(v, ids), on_done, parent=parent)

    def find_people(self, text: str, on_done: Done[list[Row]],
                    parent: QObject | None = None) -> Task:
        return self._query(lambda v: lookups.find_people(v, text), on_done, parent=parent)

    def save(self, record: Record, is_new: bool, on_done: Done[Record], on_error: OnFailure,
             parent: QObject | None = None) -> Task:
        def job(v: Vault) -> Record:
            saved = v.records.create(record) if is_new else v.records.update(record)
            v.records.discard_draft(saved.id)
            return saved

        def done(saved: Record) -> None:
            self.changed.emit(saved.TYPE)  # lists refresh even if the editor is gone
            if _alive(parent):
                on_done(saved)

        def failed(failure: Failure) -> None:
            if _alive(parent):
                on_error(failure)

        return self._query(job, done, failed)

    def delete(self, record_id: str, record_type: str, on_done: Done[None],
               parent: QObject | None = None) -> Task:
        def done(_v: None) -> None:
            self.changed.emit(record_type)
            if _alive(parent):
                on_done(None)

        return self._query(lambda v: v.records.delete(record_id), done)

    # -- drafts ----------------------------------------------------------------------------
    def save_draft(self, record: Record, on_done: Done[None] | None = None,
                   on_error: OnFailure | None = None, parent: QObject | None = None) -> Task:
        return self._query(lambda v: v.records.save_draft(record), on_done, on_error, parent)

    def drafts(self, on_done: Done[list[Record]], parent: QObject | None = None) -> Task:
        return self._query(lambda v: v.records.drafts(), on_done, parent=parent)

    def drafts_to_restore(self, on_done: Done[list[tuple[Record, bool]]],
                          parent: QObject | None = None) -> Task:
        return self._query(lookups.drafts_to_restore, on_done, parent=parent)

    def discard_draft(self, record_id: str, on_done: Done[None] | None = None) -> Task:
        return self._query(lambda v: v.records.discard_draft(record_id), on_done)

    # -- attachments -----------------------------------------------------------------------
    def store_attachment(self, opener: Callable[[], BinaryIO], filename: str,
                         media_type: str, on_done: Done[AttachmentRef],
                         on_error: OnFailure, on_progress: Progress | None = None) -> Task:
        def job(v: Vault, task: Task) -> AttachmentRef:
            with opener() as fh:
                total = _size(fh)

                def progress(done: int) -> bool:
                    if task.progress_cb:
                        task.progress_cb(done, total)
                    return not task.cancelled

                return v.store_attachment(fh, filename=filename, media_type=media_type,
                                          progress=progress)

        return self._long(job, on_done, on_error, on_progress)

    def store_bytes(self, data: bytes, filename: str, media_type: str,
                    on_done: Done[AttachmentRef], on_error: OnFailure) -> Task:
        """Store bytes made in memory (e.g. an image with its location stripped)."""
        return self._query(lambda v: v.store_attachment(io.BytesIO(data), filename=filename,
                                                        media_type=media_type),
                           on_done, on_error)

    def attachment_size(self, sha256: str, on_done: Done[int | None]) -> Task:
        return self._query(lambda v: v.attachment_size(sha256), on_done)

    def read_attachment(self, sha256: str, limit: int, on_done: Done[bytes],
                        on_error: OnFailure) -> Task:
        """Read a (small) attachment into memory, e.g. to show an image; never to disk."""
        def job(v: Vault) -> bytes:
            size = v.attachment_size(sha256) or 0
            if size > limit:
                raise UserError(_("This file is too large to show here."))
            with v.open_attachment(sha256) as chunks:
                return b"".join(chunks)

        return self._query(job, on_done, on_error)

    # -- export, outbox, sync (vault halves only: HTTP runs on the network executor) ------
    def plan_export(self, since_last: bool, mission_id: str | None,
                    on_done: Done[ExportPlan], on_error: OnFailure,
                    parent: QObject | None = None) -> Task:
        from ..sync.exporter import plan_export

        return self._query(lambda v: plan_export(v, since_last=since_last,
                                                 mission_id=mission_id),
                           on_done, on_error, parent)

    def write_export(self, plan: ExportPlan, folder: Path,
                     on_done: Done[list[WrittenBundle]], on_error: OnFailure,
                     on_progress: Progress | None = None,
                     parent: QObject | None = None) -> Task:
        from ..sync.exporter import write_export

        def job(v: Vault, task: Task) -> list[WrittenBundle]:
            return write_export(v, plan, folder, progress=task.progress_cb,
                                cancel=task.cancel_event)

        def done(written: list[WrittenBundle]) -> None:
            self.changed.emit("")
            if _alive(parent):
                on_done(written)

        def failed(failure: Failure) -> None:
            if _alive(parent):
                on_error(failure)

        return self._long(job, done, failed, on_progress)

    def outbox_state(self, on_done: Done[tuple[list[SentBundle], dict[int, OutboxItem]]],
                     parent: QObject | None = None) -> Task:
        return self._query(lookups.outbox_state, on_done, parent=parent)

    def sync_prepare(self, on_done: Done[tuple[SyncPlan | None, int, HqProfile | None]],
                     on_error: OnFailure, parent: QObject | None = None) -> Task:
        """Fill the outbox and list what waits: (plan, waiting, profile). No plan when not
        enrolled (no profile) or when HQ gave no intake address (USB only)."""
        def job(v: Vault) -> tuple[SyncPlan | None, int, HqProfile | None]:
            # This runs on the vault worker two seconds after unlock, when someone may be
            # typing a search: a laptop that is not enrolled, or takes bundles by USB, loads
            # no bundle or export code for it.
            if not v.meta("hq_profile"):
                return None, 0, None
            from ..sync.identity import enrolled_profile

            profile = enrolled_profile(v)
            if not profile.intake_url:
                return None, len(v.exports.waiting()), profile
            from ..sync.outbox import prepare_sync

            plan = prepare_sync(v)
            return plan, len(plan.transfers), profile

        return self._query(job, on_done, on_error, parent)

    def sync_settle(self, plan: SyncPlan, item: Transfer, outcome: bytes | SyncError,
                    report: SyncReport, on_done: Done[bool], on_error: OnFailure,
                    parent: QObject | None = None) -> Task:
        """Verify one receipt (or record one failed attempt) and mark what HQ received."""
        from ..sync.outbox import settle

        return self._query(lambda v: settle(v, plan, item, outcome, report), on_done,
                           on_error, parent)

    def waiting_count(self, on_done: Done[int], on_error: OnFailure | None = None,
                      parent: QObject | None = None) -> Task:
        return self._query(lambda v: len(v.exports.waiting()), on_done, on_error, parent)

    # -- enrolment -------------------------------------------------------------------------
    def enrolment(self, on_done: Done[tuple[HqProfile | None, str]],
                  parent: QObject | None = None) -> Task:
        """HQ's profile this laptop is enrolled with (or None), and this laptop's own
        public key for HQ's ``device add``."""
        def job(v: Vault) -> tuple[HqProfile | None, str]:
            from ..sync.identity import current_profile, device_public_key

            return current_profile(v), device_public_key(v).to_base64()

        return self._query(job, on_done, parent=parent)

    def enrol(self, profile_bytes: bytes, on_done: Done[HqProfile], on_error: OnFailure,
              parent: QObject | None = None) -> Task:
        def job(v: Vault) -> HqProfile:
            from ..sync.identity import enrol

            return enrol(v, profile_bytes)

        return self._query(job, on_done, on_error, parent)


def _alive(parent: QObject | None) -> bool:
    return parent is None or isValid(parent)


def _size(fh: BinaryIO) -> int:
    try:
        pos = fh.tell()
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(pos)
        return end
    except OSError:
        return 0
