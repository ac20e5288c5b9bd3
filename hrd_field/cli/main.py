"""The ``hrd-field`` command: parse, run, and turn errors into one clear line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import cast

from .. import __version__
from ..core.errors import RecordInvalid, UserError
from ..core.i18n import _, set_language, system_language
from . import demo_cmds, field_cmds, record_cmds, vault_cmds
from .lazy import LazyParser, add_lazy_parser

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def build_parser(extra: Sequence[Registrar] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrd-field",
        description="Encrypted, offline records for human rights field missions.",
    )
    parser.add_argument("--version", action="version", version=f"hrd-field {__version__}")
    sub = cast("argparse._SubParsersAction[argparse.ArgumentParser]", parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=LazyParser))
    for register in (vault_cmds.register, record_cmds.register, demo_cmds.register,
                     field_cmds.register, _register_hq, *extra):
        register(sub)
    return parser


def _register_hq(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def fill(hq: argparse.ArgumentParser) -> None:
        from . import hq_cmds

        hq_cmds.register(hq)

    add_lazy_parser(sub, "hq", fill, help="headquarters: store, devices, import")


def run(argv: Sequence[str] | None = None, extra: Sequence[Registrar] = (),
        default: Callable[[], int] | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 user-actionable error, 2 usage)."""
    os.umask(0o077)
    # Messages in the language the environment asks for, as other command-line tools do;
    # a command's own --language (reports) then switches it for its output.
    set_language(system_language())
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        if default is None:
            parser.print_help()
            return 2
        func = lambda _args: default()  # noqa: E731 - errors handled like any command
    try:
        return int(func(args))
    except RecordInvalid as exc:
        for err in exc.errors[:20]:
            print(_("invalid: {error}").format(error=err), file=sys.stderr)
        print(_("error: the record is invalid; nothing was saved."), file=sys.stderr)
        return 1
    except UserError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("interrupted; the last completed step was kept."), file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("HRD_FIELD_DEBUG") == "1":
            raise
        # No traceback: frames and messages could carry record content.
        print(_("error: unexpected {kind}; set HRD_FIELD_DEBUG=1 to see details.").format(
            kind=type(exc).__name__), file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv)
