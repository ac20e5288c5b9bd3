"""A throw-away HQ store as a newcomer should see it: three demo field devices enrolled,
their bundles written and imported, then five years of casework on what arrived."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

from ..core.casework import LINKABLE_TYPES
from ..core.i18n import _
from ..demo import generate
from ..demo.casework import generate_casework
from ..hq.casework import Casework
from ..hq.importer import import_bundle
from ..hq.store import HqStore
from ..sync.exporter import plan_export, write_export
from ..sync.identity import device_key, enrol
from ..vault.queries import Filters
from ..vault.vault import Vault

DEVICES = ("laptop-bogota", "laptop-nairobi", "laptop-manila")


def make_demo_hq(root: Path, passphrase: str, *, per_device: int = 300,
                 today: date | None = None) -> Path:
    """Create the demo HQ store in ``root / "hq"`` and return that path."""
    store_dir = root / "hq"
    work = root / "field"
    today = today or date.today()
    with HqStore.init(store_dir, passphrase, "OHCHR (demo)") as store:
        profile = store.profile().sign(store.signing_key())
        for i, name in enumerate(DEVICES):
            print(_("Demo device {name}: writing and importing its bundles…").format(
                name=name), file=sys.stderr)
            with Vault.create(work / name, passphrase, actor=name) as vault:
                enrol(vault, profile)
                key = device_key(vault).public_key().to_base64()
                vault.records.create_many(list(generate(per_device, seed=100 + i,
                                                        author=name)))
                written = write_export(vault, plan_export(vault, since_last=False),
                                       work / f"{name}-out")
            store.repo.add_device(name, key)
            for bundle in written:
                import_bundle(store, bundle.path)
        received = [store.repo.get(row.id) for t in LINKABLE_TYPES
                    for row in store.repo.rows(Filters(type=t), limit=1000)]
        Casework(store.repo).add_many(generate_casework(received, today=today))
    shutil.rmtree(work, ignore_errors=True)  # the field side is not part of the demo
    return store_dir
