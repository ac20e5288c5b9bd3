"""Composition root: the ``hrd-field`` entry point wires the CLI and, when asked, the GUI."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .cli.main import run


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
