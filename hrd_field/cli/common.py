"""Opening the vault a command works on."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..vault.paths import default_vault_dir
from ..vault.vault import Vault, require_vault
from .io import passphrase


def add_vault_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vault", metavar="DIR", type=Path, default=None,
                        help="vault directory (default: $HRD_FIELD_VAULT or the user data dir)")
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help="read the passphrase from the first line of FILE")


def vault_dir(args: argparse.Namespace) -> Path:
    return args.vault if args.vault is not None else default_vault_dir()


def open_vault(args: argparse.Namespace) -> Vault:
    root = vault_dir(args)
    require_vault(root)  # before prompting, so a missing vault is reported at once
    return Vault.unlock(root, passphrase(args))
