"""hrd-field demo-data: fill a vault with realistic synthetic records."""

from __future__ import annotations

import argparse
import sys

from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import Record
from .common import add_vault_options, open_vault

BATCH = 5_000


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo-data", help="add synthetic demo records (fictional people)")
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    add_vault_options(p)
    p.set_defaults(func=cmd_demo_data)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from ..demo import generate

    if not 1 <= args.count <= 1_000_000:
        raise UserError(_("--count must be between 1 and {max}.").format(max=1_000_000))
    with open_vault(args) as v:
        batch: list[Record] = []
        done = 0
        for record in generate(args.count, seed=args.seed, author=v.actor):
            batch.append(record)
            if len(batch) >= BATCH:
                v.records.create_many(batch)
                done += len(batch)
                batch = []
                if sys.stderr.isatty():
                    print(f"\r{done}/{args.count}", end="", file=sys.stderr, flush=True)
        if batch:
            v.records.create_many(batch)
    print(_("{n} demo records added.").format(n=args.count))
    return 0
