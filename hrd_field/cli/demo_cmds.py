"""hrd-field demo-data: fill a vault with realistic synthetic records."""

from __future__ import annotations

import argparse
import secrets
import sys

from ..core.errors import UserError
from ..core.i18n import _, ngettext
from .common import add_vault_options, open_vault

BATCH = 5_000


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo-data", help="add synthetic demo records (fictional people)")
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--seed", type=int, default=None,
                   help="the same seed gives the same records (default: a new one each run)")
    add_vault_options(p, store=False)
    p.set_defaults(func=cmd_demo_data)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from ..core.faults import crash_point
    from ..core.records import Record
    from ..demo import generate

    if not 1 <= args.count <= 1_000_000:
        raise UserError(_("--count must be between 1 and {max}.").format(max=1_000_000))
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise UserError(_("--seed must be between 0 and {max}.").format(max=2**63 - 1))
    seed = args.seed if args.seed is not None else secrets.randbits(63)
    added = present = 0
    with open_vault(args) as v:
        batch: list[Record] = []

        def flush() -> int:
            # Records a killed earlier run with this seed already saved are skipped, so
            # running it again completes the set instead of failing on a duplicate id.
            fresh = [r for r in batch if not v.records.exists(r.id)]
            if fresh:
                v.records.create_many(fresh)
            batch.clear()
            return len(fresh)

        for done, record in enumerate(generate(args.count, seed=seed, author=v.actor), 1):
            batch.append(record)
            if len(batch) >= BATCH:
                added += flush()
                crash_point("demo.batch_saved")
                if sys.stderr.isatty():
                    print(f"\r{done}/{args.count}", end="", file=sys.stderr, flush=True)
        if batch:
            added += flush()
        present = args.count - added
    print(ngettext("{n} demo record added.", "{n} demo records added.", added).format(n=added))
    if present:
        print(ngettext("{n} was already in the vault (same --seed).",
                       "{n} were already in the vault (same --seed).", present).format(
            n=present))
    return 0
