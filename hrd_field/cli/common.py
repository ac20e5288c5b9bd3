"""Opening the vault a command works on."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from ..core.errors import UserError
from ..core.i18n import _
from .io import passphrase

if TYPE_CHECKING:
    from ..hq.repository import HqRepository
    from ..hq.store import HqStore
    from ..vault.repository import RecordStore
    from ..vault.vault import Vault

# Every command's module is imported to build the parser: the vault, the HQ store and
# their dependencies are imported by the commands that open them (cli/lazy.py).


def add_vault_options(parser: argparse.ArgumentParser, *, store: bool = True) -> None:
    """``store``: the command also works on an HQ store (``--store``); a field-only one
    (export, sync, attach…) does not offer it."""
    parser.add_argument("--vault", metavar="DIR", type=Path, default=None,
                        help="vault directory (default: $HRD_FIELD_VAULT or the user data dir)")
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help="read the passphrase from the first line of FILE")
    if not store:
        return
    parser.add_argument("--store", metavar="DIR", type=Path, default=None,
                        help="work on an HQ store instead of a field vault")
    parser.add_argument("--database", metavar="URL", default=None,
                        help="with --store on PostgreSQL: connect with this address (e.g. "
                             "your own role) instead of the one given at init")


def say_upgrading() -> None:
    """The first opening after an update may rebuild indexes (a minute on a large vault):
    said before it starts, so nobody takes the wait for a hang and stops it."""
    print(_("Upgrading the vault for this version of HRD Field. This happens once and may "
            "take a minute; do not interrupt it."), file=sys.stderr, flush=True)


def vault_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "store", None) is not None:
        if args.vault is not None:
            raise UserError(_("Give either --vault or --store, not both."))
        return Path(args.store)
    from ..vault.paths import default_vault_dir

    return args.vault if args.vault is not None else default_vault_dir()


def expected_kind(args: argparse.Namespace, root: Path) -> Callable[[str | None], None]:
    """What ``Vault.unlock(kind=…)`` checks before writing: ``--store`` gives an HQ store,
    ``--vault`` (or the default) a field vault; the other kind is refused untouched."""
    from ..hq.kind import refuse_field_vault, refuse_hq_store

    if getattr(args, "store", None) is not None:
        return lambda role: refuse_field_vault(root, role)
    refuse_hq_store(root, cli=True)  # one on PostgreSQL: its key store says so at once
    return lambda role: refuse_hq_store(root, role, cli=True)


def open_vault(args: argparse.Namespace) -> Vault:
    from ..vault.vault import Vault, require_vault

    root = vault_dir(args)
    kind = expected_kind(args, root)
    require_vault(root)  # before prompting, so a missing vault is reported at once
    return Vault.unlock(root, passphrase(args), on_upgrade=say_upgrading, kind=kind)


Records: TypeAlias = "RecordStore | HqRepository"
"""What record commands work on: a field vault's records or an HQ store's repository."""


@contextlib.contextmanager
def open_records(args: argparse.Namespace) -> Iterator[Records]:
    """The records of the field vault, or of the HQ store with ``--store`` (either
    backend)."""
    if getattr(args, "store", None) is None:
        with open_vault(args) as vault:
            yield vault.records
        return
    with open_hq_store(args) as store:
        yield store.repo


def open_hq_store(args: argparse.Namespace) -> HqStore:
    if getattr(args, "vault", None) is not None:
        raise UserError(_("Give either --vault or --store, not both."))
    from ..hq.store import HqStore

    store = HqStore.open(Path(args.store), passphrase(args),
                         database=getattr(args, "database", None), on_upgrade=say_upgrading)
    note_snapshot(store)
    return store


def note_snapshot(store: HqStore) -> None:
    from ..core.records import utc_now

    if store.others_present:
        print(_("note: another process (the intake?) has this HQ store open; this is a "
                "snapshot as of {time} and may already have changed.").format(
            time=utc_now()[:19].replace("T", " ") + " UTC"), file=sys.stderr)


def provenance(records: Records, record_id: str) -> list[dict[str, object]] | None:
    """Where each version of a record at HQ came from (device, bundle, sequence); None for
    a field vault."""
    from ..vault.repository import RecordStore

    if isinstance(records, RecordStore):
        return None
    return [{"version": p.version, "device": p.device, "bundle_id": p.bundle_id,
             "sequence": p.seq, "received_at": p.received_at, "consent_scope": p.consent_scope}
            for p in records.provenance(record_id)]
