"""Opening the vault a command works on."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _
from ..vault.paths import default_vault_dir
from ..vault.vault import Vault, require_vault
from .io import passphrase


def add_vault_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vault", metavar="DIR", type=Path, default=None,
                        help="vault directory (default: $HRD_FIELD_VAULT or the user data dir)")
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help="read the passphrase from the first line of FILE")
    parser.add_argument("--store", metavar="DIR", type=Path, default=None,
                        help="work on an HQ store instead of a field vault")


def vault_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "store", None) is not None:
        if args.vault is not None:
            raise UserError(_("Give either --vault or --store, not both."))
        return Path(args.store)
    return args.vault if args.vault is not None else default_vault_dir()


def open_vault(args: argparse.Namespace) -> Vault:
    root = vault_dir(args)
    require_vault(root)  # before prompting, so a missing vault is reported at once
    vault = Vault.unlock(root, passphrase(args))
    if getattr(args, "store", None) is not None and vault.meta("role") != "hq":
        vault.close()
        raise UserError(_("{path} is a field vault, not an HQ store.").format(path=root))
    return vault


def provenance(vault: Vault, record_id: str) -> list[dict[str, object]]:
    """Where each version of a record at HQ came from (device, bundle, sequence)."""
    return [{"version": p.version, "device": p.device, "bundle_id": p.bundle_id,
             "sequence": p.seq, "received_at": p.received_at, "consent_scope": p.consent_scope}
            for p in vault.hq.provenance(record_id)]
