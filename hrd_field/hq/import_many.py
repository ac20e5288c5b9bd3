"""Many bundles at once: a month of a mission's bundles, brought on a USB stick.

**Order.** Each device's bundles are imported in the order of their sequence numbers,
whatever order the files were named in (their names are random): a threat report links
the people it concerns, and a person sent in an earlier bundle must be held at HQ when
the threat arrives, or its links become pseudonymous stubs for good. Each file's verified
manifest is read first (the start of the file only) to know its device and sequence.

**At once** (an HQ store kept in PostgreSQL): ``jobs`` worker processes, each with its own
connection, take the files in that order. Each bundle is still one transaction of
``import_bundle`` with all its checks. While one bundle of a device is stored, the next
is decrypted, parsed and sealed in another process; it takes its turn to store
(``before_turn``) once the one before it has ended, and its sequence is checked again
then. A bundle carrying attachments waits before it starts instead: it writes them while
it reads, and a transaction waiting for another must hold nothing that one could need.
The workers are forked from this process after the store was unlocked here: they hold
its keys in memory, never receive them through a pipe or a file, and derive nothing from
the passphrase again.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle import BundleError, MemorySink, VerifiedManifest, read_bundle
from ..core.errors import UserError
from ..core.i18n import _
from .importer import ImportOutcome, import_bundle
from .store import HqStore

if TYPE_CHECKING:  # loaded when several imports run at once (~18 ms of every hq command)
    from concurrent.futures import Future
    from multiprocessing.synchronize import Event

MAX_JOBS = 8
"""More processes than this add connections and memory, not speed: the database's disk
and locks are shared by all."""


@dataclass(frozen=True)
class Planned:
    """A file to import, where it stands in the caller's list, and its place in turn."""

    index: int
    path: Path
    device: str | None = None
    """The signer's key; None: the start of the file could not be read (its import says
    why, last)."""
    seq: int = 0
    attachments: bool = False


def plan(identities: Sequence[str], paths: Sequence[Path]) -> list[Planned]:
    """The files in the order they are imported: each device's bundles by sequence, the
    devices as their first file was given; then the files whose manifest could not be
    read, as given."""
    readable: list[Planned] = []
    unreadable: list[Planned] = []
    first: dict[str, int] = {}
    for index, path in enumerate(paths):
        verified = _manifest(identities, path)
        if verified is None:
            unreadable.append(Planned(index, path))
            continue
        device = verified.signer.to_base64()
        first.setdefault(device, index)
        readable.append(Planned(index, path, device, verified.manifest.sequence,
                                bool(verified.manifest.attachment_members)))
    readable.sort(key=lambda p: (first[p.device or ""], p.seq, p.index))
    return readable + unreadable


class _Seen(Exception):
    def __init__(self, verified: VerifiedManifest):
        super().__init__()
        self.verified = verified


def _manifest(identities: Sequence[str], path: Path) -> VerifiedManifest | None:
    """The bundle's verified manifest, read from the start of the file only."""

    def stop(verified: VerifiedManifest) -> None:
        raise _Seen(verified)

    try:
        read_bundle(path, identities=identities, sink=MemorySink(trust=stop))
    except _Seen as seen:
        return seen.verified
    except (BundleError, OSError, ValueError, OverflowError, RecursionError, MemoryError):
        return None  # as import_bundle's verdict on the file will say
    return None  # a bundle always has a manifest: never reached


def default_jobs(files: int) -> int:
    """As many workers as cores (PostgreSQL shares them), no more than files."""
    return max(1, min(files, os.cpu_count() or 1, MAX_JOBS))


def import_in_turn(store: HqStore, planned: Sequence[Planned], *,
                   after_revocation: bool = False) -> Iterator[tuple[int, ImportOutcome]]:
    """One after another in this process: (index in the caller's list, outcome)."""
    for item in planned:
        yield item.index, import_bundle(store, item.path, after_revocation=after_revocation)


def import_at_once(reopen: Callable[[], HqStore], planned: Sequence[Planned], jobs: int, *,
                   after_revocation: bool = False) -> Iterator[tuple[int, ImportOutcome]]:
    """(index in the caller's list, outcome) of each file, as each import ends. ``reopen``
    opens the store in a worker (``HqStore.reopener``). Raises what a worker's import
    raised that is not the bundle's fault (``StoreUnavailable``); the imports still running
    then end first, each whole or not at all."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")  # the keys stay in memory, never pickled
    done = [context.Event() for _ in planned]
    before: list[int | None] = []  # the bundle of the same device to wait for
    last: dict[str, int] = {}
    for n, item in enumerate(planned):
        before.append(last.get(item.device) if item.device is not None else None)
        if item.device is not None:
            last[item.device] = n
    failed: BaseException | None = None
    others = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(min(jobs, len(planned)), mp_context=context,
                               initializer=_start, initargs=(reopen, planned, done, before))
    try:
        running: set[Future[tuple[int, ImportOutcome]]] = {
            pool.submit(_one, n, after_revocation) for n in range(len(planned))}
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                error = future.exception()
                if error is None:
                    yield future.result()
                elif failed is None:  # the others end first: each is whole or nothing
                    failed = error
    except BaseException:
        # Ctrl+C, or the caller stopped: the imports under way end now, rolled back by the
        # database as their connections close; no other file starts
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in set(multiprocessing.active_children()) - others:
            worker.terminate()
        raise
    finally:
        pool.shutdown(wait=True)
    if isinstance(failed, BrokenProcessPool):
        raise UserError(_("An import worker stopped unexpectedly (out of memory?). The "
                          "bundles it was importing were not imported; run the same import "
                          "again.")) from failed
    if failed is not None:
        raise failed


_work: tuple[HqStore, Sequence[Planned], list[int | None]] | Exception | None = None
"""A worker's store and what it was forked with, or why it could not open the store."""
_events: list[Event] = []
"""Set as each file's import ends, in every worker (forked with them)."""


def _start(reopen: Callable[[], HqStore], planned: Sequence[Planned], done: list[Event],
           before: list[int | None]) -> None:
    from multiprocessing.util import Finalize

    global _work, _events
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to decide
    _events = done
    try:
        store = reopen()
    except Exception as exc:  # told with each file (a failed start would only say "broken")
        _work = exc
        return
    Finalize(store, store.close, exitpriority=10)  # run as the worker exits
    _work = (store, planned, before)


def _one(n: int, after_revocation: bool) -> tuple[int, ImportOutcome]:
    try:
        if isinstance(_work, Exception):
            raise _work
        assert _work is not None
        store, planned, before = _work
        item, previous = planned[n], before[n]

        def previous_ended() -> None:
            if previous is not None:
                _events[previous].wait()

        if item.attachments:
            previous_ended()
        return item.index, import_bundle(
            store, item.path, after_revocation=after_revocation,
            before_turn=None if item.attachments else previous_ended)
    finally:
        _events[n].set()  # whatever happened: the device's next bundle goes on
