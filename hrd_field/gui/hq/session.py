"""The HQ workspace's way to the HQ store: every call runs on the worker thread that owns the
store, results come back by signal. It speaks the field session's language (rows, count,
get, save…) so the generated lists and editors work unchanged, and adds HQ's operations.
Everything goes through the HQ repository interface (either backend) and ``Casework``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject

from ...core.casework import HQ_RECORD_TYPES, Communication, ReprisalAnnotation
from ...core.deadlines import DueItem, today_at
from ...core.errors import UserError
from ...core.i18n import _
from ...core.records import Mission, Record
from ...hq.casework import Casework
from ...hq.kind import require_hq_folder
from ...hq.repository import HqRepository
from ...hq.store import HqStore
from ...vault.hq_casework import BundleEntry
from ...vault.hq_tables import Device, Provenance, QuarantineEntry
from ...vault.queries import Filters, Hit, Row
from ..session import Done, OnFailure, VaultSession, _alive
from ..tasks import Cancelled, Failure, Task, TaskRunner

T = TypeVar("T")


class HqSession(VaultSession):
    def __init__(self, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(runner, parent)
        self._store: HqStore | None = None  # touched on the worker thread only

    # -- lifecycle -----------------------------------------------------------------------------
    def unlock(self, root: Path, passphrase: str, on_done: Done[None],
               on_error: OnFailure, database: str | None = None) -> None:
        """``database``: another address of a PostgreSQL-backed store's database, as
        ``--database`` on the command line."""
        def job() -> None:
            require_hq_folder(root)
            self._store = HqStore.open(root, passphrase, database=database,
                                       on_upgrade=self.upgrading.emit)
            self._open.set()

        self.root = root
        self._runner.submit(job, on_success=lambda _v: self._did_unlock(on_done),
                            on_failure=on_error)

    def create(self, root: Path, passphrase: str, on_done: Done[None],
               on_error: OnFailure) -> None:
        on_error(Failure(_("Create an HQ store with 'hrd-field hq init --store DIR'.")))

    def lock(self, on_done: Done[None] | None = None) -> None:
        self._runner.cancel_all()

        def job() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._open.clear()

        self._runner.submit(job, on_success=lambda _v: self._did_lock(on_done),
                            on_failure=self.failed.emit)

    def _repo(self) -> HqRepository:
        if self._store is None:
            raise Cancelled(_("The HQ store is locked."))
        return self._store.repo

    def _hq(self, fn: Callable[[HqRepository], T], on_done: Done[T] | None,
            on_error: OnFailure | None = None, parent: QObject | None = None, *,
            read: bool = False) -> Task:
        return self._runner.submit(lambda: fn(self._repo()), on_success=on_done,
                                   on_failure=on_error or self.failed.emit, parent=parent,
                                   read=read)

    # -- what the generated lists and editors ask --------------------------------------------
    def rows(self, filters: Filters, text: str, order_by: str, descending: bool, limit: int,
             offset: int, on_done: Done[list[Row]], parent: QObject | None = None, *,
             every_match: bool = False) -> Task:
        return self._hq(lambda r: r.rows(filters, text=text, order_by=order_by,
                                         descending=descending, limit=limit, offset=offset,
                                         every_match=every_match),
                        on_done, parent=parent, read=True)

    def count(self, filters: Filters, text: str, on_done: Done[int],
              parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.count(filters, text=text), on_done, parent=parent,
                        read=True)

    def first_page(self, filters: Filters, text: str, order_by: str, descending: bool,
                   limit: int, on_done: Done[tuple[int, list[Row]]],
                   parent: QObject | None = None, *, every_match: bool = False) -> Task:
        """``count`` and the first ``rows`` in one trip to the worker."""
        return self._hq(lambda r: (r.count(filters, text=text, every_match=every_match),
                                   r.rows(filters, text=text, order_by=order_by,
                                          descending=descending, limit=limit,
                                          every_match=every_match)),
            on_done, parent=parent, read=True)

    def search(self, text: str, filters: Filters, on_done: Done[list[Hit]],
               limit: int = 500, parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.search(text, filters, limit=limit), on_done,
                        parent=parent, read=True)

    def get(self, record_id: str, on_done: Done[Record], on_error: OnFailure | None = None,
            parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.get(record_id), on_done, on_error, parent)

    def record_with_draft(self, record_id: str, on_done: Done[tuple[Record, Record | None]],
                          parent: QObject | None = None) -> Task:
        return self._hq(lambda r: (r.get(record_id), None), on_done, parent=parent)

    def mission_titles(self, on_done: Done[list[tuple[str, str]]],
                       parent: QObject | None = None) -> Task:
        return self._hq(lambda r: [(row.id, row.title) for row in r.rows(
            Filters(type="mission"), order_by="event_date", limit=1000)], on_done,
            parent=parent)

    def remembered_mission(self, on_done: Done[Mission | None],
                           parent: QObject | None = None) -> Task:
        return self.compute(lambda: None, on_done=on_done, parent=parent)

    def remember_mission(self, mission_id: str | None) -> Task:
        return self.compute(lambda: None, on_done=None)  # type: ignore[arg-type]

    def person_aliases(self, ids: list[str], on_done: Done[list[tuple[str, str | None]]],
                       parent: QObject | None = None) -> Task:
        def job(r: HqRepository) -> list[tuple[str, str | None]]:
            out: list[tuple[str, str | None]] = []
            for pid in ids:
                try:
                    out.append((pid, getattr(r.get(pid), "alias", None)))
                except UserError:
                    out.append((pid, None))
            return out

        return self._hq(job, on_done, parent=parent)

    def find_people(self, text: str, on_done: Done[list[Row]],
                    parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.rows(Filters(type="person"), text=text, limit=50),
                        on_done, parent=parent)

    def save(self, record: Record, is_new: bool, on_done: Done[Record], on_error: OnFailure,
             parent: QObject | None = None) -> Task:
        def job(r: HqRepository) -> Record:
            casework = Casework(r)
            return casework.add(record) if is_new else casework.update(record)

        def done(saved: Record) -> None:
            self.changed.emit(saved.TYPE)
            if _alive(parent):
                on_done(saved)

        def failed(failure: Failure) -> None:
            if _alive(parent):
                on_error(failure)

        return self._hq(job, done, failed)

    def delete(self, record_id: str, record_type: str, on_done: Done[None],
               parent: QObject | None = None) -> Task:
        def job(r: HqRepository) -> None:
            if record_type not in HQ_RECORD_TYPES:
                raise UserError(_("Records received from the field are read-only at HQ."))
            r.delete(record_id)

        def done(_v: None) -> None:
            self.changed.emit(record_type)
            on_done(None)

        return self._hq(job, done, parent=parent)

    # HQ's casework is saved when the user saves: no drafts at HQ.
    def save_draft(self, record: Record, on_done: Done[None] | None = None,
                   on_error: OnFailure | None = None, parent: QObject | None = None) -> Task:
        return self.compute(lambda: None, on_done=on_done or (lambda _v: None))

    def drafts(self, on_done: Done[list[Record]], parent: QObject | None = None) -> Task:
        return self.compute(list, on_done=on_done, parent=parent)

    def drafts_to_restore(self, on_done: Done[list[tuple[Record, bool]]],
                          parent: QObject | None = None) -> Task:
        return self.compute(list, on_done=on_done, parent=parent)

    def discard_draft(self, record_id: str, on_done: Done[None] | None = None) -> Task:
        return self.compute(lambda: None, on_done=on_done or (lambda _v: None))

    # -- HQ operations ---------------------------------------------------------------------------
    def due(self, soon_days: int, on_done: Done[tuple[date, list[DueItem]]],
            parent: QObject | None = None) -> Task:
        def job(r: HqRepository) -> tuple[date, list[DueItem]]:
            casework = Casework(r)
            today = today_at(casework.settings().timezone)
            return today, casework.due(today, soon_days)

        return self._hq(job, on_done, parent=parent)

    def today(self, on_done: Done[date], parent: QObject | None = None) -> Task:
        """The calendar day at HQ (its configured time zone)."""
        return self._hq(lambda r: today_at(Casework(r).settings().timezone), on_done,
                        parent=parent)

    def devices(self, on_done: Done[list[Device]], parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.devices(), on_done, parent=parent)

    def add_device(self, name: str, public_key: str, on_done: Done[None],
                   on_error: OnFailure, parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.add_device(name, public_key), on_done, on_error, parent)

    def revoke_device(self, name: str, on_done: Done[None], on_error: OnFailure,
                      parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.revoke_device(name, None), on_done, on_error, parent)

    def inbox(self, on_done: Done[tuple[list[BundleEntry], dict[str, list[tuple[int, int]]],
                                        list[tuple[str, str, str, int | None, str]],
                                        list[QuarantineEntry]]],
              parent: QObject | None = None) -> Task:
        return self._hq(lambda r: (r.bundle_log(), r.gaps(), r.alarms(), r.quarantine_log()),
                        on_done, parent=parent)

    def received(self, record_id: str,
                 on_done: Done[tuple[Record, list[Provenance], ReprisalAnnotation | None]],
                 parent: QObject | None = None) -> Task:
        return self._hq(lambda r: (r.get(record_id), r.provenance(record_id),
                                   r.annotation(record_id)), on_done, parent=parent)

    def annotate(self, note: ReprisalAnnotation, on_done: Done[ReprisalAnnotation],
                 on_error: OnFailure, parent: QObject | None = None) -> Task:
        return self._hq(lambda r: Casework(r).annotate(note), on_done, on_error, parent)

    def earlier_reprisals(self, record_id: str, on_done: Done[list[str]],
                          parent: QObject | None = None) -> Task:
        return self._hq(lambda r: Casework(r).earlier_reprisals(record_id), on_done,
                        parent=parent)

    def communication_from(self, record_ids: list[str], on_done: Done[Communication],
                           on_error: OnFailure, parent: QObject | None = None) -> Task:
        return self._hq(lambda r: Casework(r).communication_from(record_ids), on_done,
                        on_error, parent)

    def new_communication(self, on_done: Done[Communication],
                          parent: QObject | None = None) -> Task:
        return self._hq(lambda r: Casework(r).new_communication(), on_done, parent=parent)

    def follow_up(self, record_id: str, change: Callable[[Communication], None],
                  on_done: Done[Record], on_error: OnFailure,
                  parent: QObject | None = None) -> Task:
        """Apply ``change`` (a reply, a reminder) to the latest version and save it."""
        def job(r: HqRepository) -> Record:
            current = r.get(record_id)
            if not isinstance(current, Communication):
                raise UserError(_("{id} is not a communication.").format(id=record_id))
            change(current)
            return Casework(r).update(current)

        def done(saved: Record) -> None:
            self.changed.emit(saved.TYPE)
            on_done(saved)

        return self._hq(job, done, on_error, parent)

    def acknowledge(self, record_id: str, language: str, out: Path, on_done: Done[Path],
                    on_error: OnFailure, parent: QObject | None = None) -> Task:
        def job(r: HqRepository) -> Path:
            from ...documents import acknowledgement as letters
            from ...vault.fsutil import atomic_write

            casework = Casework(r)
            record = casework.acknowledgement_subject(record_id)
            dates = [p.received_at[:10] for p in r.provenance(record_id)[:1]]
            received = date.fromisoformat(dates[0] if dates else record.created_at[:10])
            reference = record.reference if isinstance(record, Communication) and \
                record.reference else record.id[:8].upper()
            settings = casework.settings()
            letter = letters.compose(language=language, reference=reference,
                                     received_on=received,
                                     today=today_at(settings.timezone),
                                     reply_days=settings.reply_period_days)
            data = letters.render(letter)
            atomic_write(out, data)
            casework.acknowledged(record_id, language, "pdf", letters.digest(data))
            return out

        return self._hq(job, on_done, on_error, parent)

    def counts(self, on_done: Done[dict[str, int]], parent: QObject | None = None) -> Task:
        return self._hq(lambda r: r.counts(), on_done, parent=parent)

    def run_report(self, fn: Callable[[HqRepository], Any], on_done: Done[Any],
                   on_error: OnFailure) -> Task:
        return self._hq(fn, on_done, on_error)
