"""Command parsers filled in on first use, so ``hrd-field record list`` does not import what
``hrd-field hq …`` needs (the importer, reports, interchange, the HTTP stack)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Filler = Callable[[argparse.ArgumentParser], None]


class LazyParser(argparse.ArgumentParser):
    """A parser whose arguments and subcommands are added by ``filler`` just before it parses
    or prints help; the top-level ``--help`` needs only the command's one-line help."""

    filler: Filler | None = None

    def fill(self) -> None:
        filler, self.filler = self.filler, None
        if filler is not None:
            filler(self)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        self.fill()
        return super().parse_known_args(*args, **kwargs)

    def format_help(self) -> str:
        self.fill()
        return super().format_help()

    def format_usage(self) -> str:
        self.fill()
        return super().format_usage()


def add_lazy_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
                    filler: Filler, **kwargs: Any) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, **kwargs)
    assert isinstance(parser, LazyParser), "the top-level subparsers make LazyParsers"
    parser.filler = filler
    return parser
