"""Composition root: the ``hrd-field`` entry point wires the CLI and, when asked, the GUI.

The CLI never imports Qt; the GUI commands are registered here so ``hrd-field`` with no
command opens the desktop app.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .cli.main import run
from .core.errors import UserError
from .core.i18n import _
from .hardening import keep_memory_private


def _register_gui(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gui = sub.add_parser("gui", help="open the desktop app (the default)")
    gui.add_argument("--vault", metavar="DIR", type=Path, default=None)
    gui.add_argument("--store", metavar="DIR", type=Path, default=None,
                     help="open an HQ store (the HQ workspace) instead of a field vault")
    gui.add_argument("--language", choices=["ar", "zh", "en", "fr", "ru", "es"])
    gui.set_defaults(func=_gui)
    demo = sub.add_parser("demo", help="open the app on a throw-away vault of demo data")
    demo.add_argument("--vault", metavar="DIR", type=Path, default=None,
                      help="keep the demo vault here instead of a temporary folder")
    demo.add_argument("--count", type=int, default=2000)
    demo.add_argument("--hq", action="store_true",
                      help="a populated HQ store instead (devices, bundles, casework)")
    demo.add_argument("--language", choices=["ar", "zh", "en", "fr", "ru", "es"])
    demo.set_defaults(func=_demo)


def _require_gui() -> None:
    """Installed without the desktop extra, say what to install instead of a traceback."""
    try:
        import PySide6  # noqa: F401
    except ImportError as exc:
        raise UserError(_(
            "The desktop app needs the 'gui' extra, which is not installed. Install it "
            "with: pip install 'hrd-field[gui]' (the command line works without it).")) \
            from exc


def _gui(args: argparse.Namespace) -> int:
    _require_gui()
    from .gui.launch import run as run_gui

    return run_gui(args.vault, language=args.language, store_dir=getattr(args, "store", None))


def _demo(args: argparse.Namespace) -> int:
    _require_gui()
    if args.hq:
        from .gui.hq.window import run_hq_demo

        return run_hq_demo(args.vault, language=args.language)
    from .gui.launch import run_demo

    return run_demo(args.vault, args.count, language=args.language)


def main(argv: Sequence[str] | None = None) -> int:
    keep_memory_private()
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--self-test"]:
        from .selftest import run as self_test

        return self_test()
    return run(argv, extra=[_register_gui],
               default=lambda: _gui(argparse.Namespace(vault=None, store=None,
                                                                     language=None)))


if __name__ == "__main__":
    sys.exit(main())
