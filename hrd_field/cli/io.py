"""Input and output helpers shared by the commands: passphrases, JSON in and out."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from ..core.errors import UserError
from ..core.i18n import _

MAX_JSON_INPUT = 16 << 20


def read_secret_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(4096)
    except FileNotFoundError as exc:
        raise UserError(_("Passphrase file not found: {path}").format(path=path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(_("Cannot read the passphrase file {path}.").format(path=path)) from exc
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise UserError(_("The passphrase file {path} is empty.").format(path=path))
    return secret


def passphrase(args: argparse.Namespace, *, confirm: bool = False,
               prompt: str | None = None, file_attr: str = "passphrase_file") -> str:
    """From ``--passphrase-file`` if given, else from a prompt on a terminal."""
    path = getattr(args, file_attr, None)
    if path:
        return read_secret_file(path)
    if not sys.stdin.isatty():
        raise UserError(_("No terminal to ask for the passphrase: use --passphrase-file FILE."))
    first = getpass.getpass(prompt or _("Passphrase: "))
    if confirm:
        again = getpass.getpass(_("Repeat the passphrase: "))
        if first != again:
            raise UserError(_("The two passphrases differ; nothing was changed."))
    return first


def read_json_input(source: str) -> bytes:
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_JSON_INPUT + 1)
        else:
            with open(source, "rb") as fh:
                data = fh.read(MAX_JSON_INPUT + 1)
    except FileNotFoundError as exc:
        raise UserError(_("File not found: {path}").format(path=source)) from exc
    except OSError as exc:
        raise UserError(_("Cannot read {path}: {reason}").format(
            path=source, reason=exc.strerror)) from exc
    if len(data) > MAX_JSON_INPUT:
        raise UserError(_("The input is larger than {mib} MiB.").format(
            mib=MAX_JSON_INPUT >> 20))
    return data


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def existing_file(path: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise UserError(_("File not found: {path}").format(path=path))
    return p
