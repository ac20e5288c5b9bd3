"""Helpers for the HQ tests (import with ``from hqkit import ...``).

Everything here works on real files: SQLCipher stores and vaults in temporary directories,
bundles written by the product's writer (or hand-made with the same ustar framing and
encrypted with pyrage, for hostile cases), the real ``hrd-field`` CLI in a subprocess.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage

from helpers import PASSPHRASE, bundle_testkit
from helpers.cli import Result, cli_env
from helpers.cli import ok as ok  # re-exported for the test modules
from hrd_field.bundle import AttachmentSource, SigningKey, ustar, write_bundle
from hrd_field.bundle.agefile import recipient_of
from hrd_field.bundle.manifest import canonical_json
from hrd_field.bundle.writer import build_manifest, trusted_comment
from hrd_field.core import codec
from hrd_field.core.records import (
    Consent,
    ConsentScope,
    Consultation,
    Mission,
    Person,
    Record,
    ThreatReport,
)
from hrd_field.hq.store import HqStore
from hrd_field.sync.exporter import plan_export, write_export
from hrd_field.sync.identity import device_key, enrol
from hrd_field.vault.queries import NotFound
from hrd_field.vault.vault import Vault

CANARY = "Qx7-canary-Zebulon-4471"
"""Put in record text; must never be found in clear in any file on disk."""

STATUSES = frozenset({"imported", "duplicate", "unknown_device", "revoked", "equivocation",
                      "suspect", "rejected"})
COUNTED = ("records", "hq_versions", "hq_bundles", "hq_abandoned", "attachments", "blobs",
           "blob_chunks", "hq_alarms", "hq_quarantine", "records_fts", "record_terms")


# --- the CLI ---------------------------------------------------------------------------------


def cli_argv(*args: str | os.PathLike[str], passfile: Path) -> list[str]:
    return [sys.executable, "-m", "hrd_field", *map(str, args), "--passphrase-file",
            str(passfile)]


def hrd(*args: str | os.PathLike[str], passfile: Path, timeout: float = 120) -> Result:
    """Run ``hrd-field ARGS --passphrase-file FILE`` and capture everything."""
    proc = subprocess.run(cli_argv(*args, passfile=passfile), capture_output=True,
                          env=cli_env(), timeout=timeout, check=False)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


# --- records ---------------------------------------------------------------------------------


def consent(*, obtained: bool = True, hq: bool = True, identity: bool = True) -> Consent:
    return Consent(obtained=obtained, method="verbal" if obtained else None,
                   date="2025-03-01" if obtained else None,
                   scope=ConsentScope(share_with_hq=hq and obtained,
                                      share_identity_with_hq=identity and hq and obtained))


def person(alias: str, *, notes: str = "", legal_name: str = "", contact: str = "",
           obtained: bool = True, hq: bool = True, identity: bool = True,
           status: str = "final") -> Person:
    return Person(alias=alias, notes=notes, legal_name=legal_name, contact=contact,
                  status=status, consent=consent(obtained=obtained, hq=hq, identity=identity))


def threat(description: str, *, person_ids: Sequence[str] = ()) -> ThreatReport:
    return ThreatReport(description=description, person_ids=list(person_ids), status="final",
                        unnamed_group="" if person_ids else "journalists of a local radio",
                        threat_types=["smear_campaign"], consent=consent())


def consultation(summary: str) -> Consultation:
    return Consultation(summary=summary, date="2025-02-11", status="final", consent=consent())


def mission(title: str) -> Mission:
    return Mission(title=title, country="KE", status="final")


def jsonl(records: Iterable[Record]) -> bytes:
    return b"".join(codec.dumps(r).encode("utf-8") + b"\n" for r in records)


def counts_of(records: Iterable[Record]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in records:
        out[r.TYPE] = out.get(r.TYPE, 0) + 1
    return out


# --- a field device and an HQ -----------------------------------------------------------------


@dataclass
class FieldDevice:
    """A field vault enrolled with an HQ (closed; open it when needed)."""

    name: str
    vault_dir: Path
    key: SigningKey  # device_key(vault): signs the device's bundles

    @property
    def public(self) -> str:
        return self.key.public_key().to_base64()

    def vault(self) -> Vault:
        return Vault.unlock(self.vault_dir, PASSPHRASE)


@dataclass
class World:
    """An HQ store and its first enrolled field device, all closed."""

    root: Path
    store_dir: Path
    passfile: Path
    profile: bytes  # the signed HQ profile devices enrol with
    identity: str  # HQ's age identity (AGE-SECRET-KEY-1…)
    recipients: tuple[str, ...]
    field: FieldDevice
    database: str | None = None  # the PostgreSQL URL of a PostgreSQL-backed HQ

    @property
    def vault_dir(self) -> Path:
        return self.field.vault_dir

    @property
    def device(self) -> SigningKey:
        return self.field.key

    @property
    def device_name(self) -> str:
        return self.field.name

    def store(self) -> HqStore:
        return HqStore.open(self.store_dir, PASSPHRASE)

    def vault(self) -> Vault:
        return self.field.vault()

    def hrd(self, *args: str | os.PathLike[str], timeout: float = 120) -> Result:
        return hrd(*args, passfile=self.passfile, timeout=timeout)

    def add_device(self, name: str, *, records: Sequence[Record] = (), register: bool = True,
                   store: HqStore | None = None) -> FieldDevice:
        """Another field vault enrolled with this HQ (registered at HQ unless told not to)."""
        vault_dir = self.root / f"field-{name}"
        with Vault.create(vault_dir, PASSPHRASE) as vault:
            enrol(vault, self.profile)
            key = device_key(vault)
            if records:
                vault.records.create_many(list(records))
        if register:
            if store is not None:
                store.repo.add_device(name, key.public_key().to_base64())
            else:
                with self.store() as opened:
                    opened.repo.add_device(name, key.public_key().to_base64())
        return FieldDevice(name, vault_dir, key)


def make_world(root: Path, *, device_name: str = "laptop-1", register: bool = True,
               records: Sequence[Record] = (), database: str | None = None) -> World:
    """``database``: a PostgreSQL URL for a PostgreSQL-backed HQ (None: embedded)."""
    root.mkdir(parents=True, exist_ok=True)
    passfile = root / "passphrase.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    store_dir = root / "hq"
    with HqStore.init(store_dir, PASSPHRASE, "UN HQ (test)", database=database) as store:
        profile = store.profile().sign(store.signing_key())
        identity = store.identities()[0]
        recipients = tuple(store.recipients())
    world = World(root, store_dir, passfile, profile, identity, recipients,
                  FieldDevice(device_name, root / "field", SigningKey.generate()), database)
    world.field = world.add_device(device_name, records=records, register=register)
    return world


def export(device: FieldDevice, out_dir: Path, *, since_last: bool = False,
           max_size: int = 32 << 20) -> list[Path]:
    """Run the product's exporter in-process; returns the bundle paths in sequence order."""
    with device.vault() as vault:
        plan = plan_export(vault, since_last=since_last)
        written = write_export(vault, plan, out_dir, max_size=max_size)
    return [b.path for b in written]


def new_identity() -> tuple[str, str]:
    identity = str(pyrage.x25519.Identity.generate())
    return identity, recipient_of(identity)


# --- bundles ---------------------------------------------------------------------------------


def source(data: bytes) -> AttachmentSource:
    return AttachmentSource(hashlib.sha256(data).hexdigest(), len(data),
                            lambda: io.BytesIO(data))


_SIGNED: dict[bytes, dict[int, str]] = {}
"""Manifest hashes each test key signed, by sequence: a hand-made bundle follows the last
one its key signed below it, as a device's exporter does."""
AUTO = "auto"


def sign_bundle(out_dir: Path, key: SigningKey, recipients: Sequence[str], seq: int,
                records: bytes, *, attachments: Sequence[bytes] = (),
                abandoned: Sequence[int] = (), previous: str | None = AUTO,
                counts: dict[str, int] | None = None) -> Path:
    """A correctly signed and encrypted bundle, whatever ``records`` holds (the writer does
    not look at record content). ``previous``: by default the manifest this key last signed
    below ``seq`` (None if none)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    signed = _SIGNED.setdefault(key.seed(), {})
    if previous == AUTO:
        earlier = [s for s in signed if s < seq and s not in abandoned]
        previous = signed[max(earlier)] if earlier else None
    written = write_bundle(
        out_dir, signing_key=key, recipients=list(recipients), sequence=seq,
        previous_manifest_sha256=previous, records_jsonl=records,
        attachments=[source(a) for a in attachments], abandoned_sequences=list(abandoned),
        app_version="0.1.0", schema_version=1,
        counts=counts if counts is not None else {"person": 1},
    )
    signed.setdefault(seq, written.manifest_sha256)
    return written.path


def signed_manifest(key: SigningKey, seq: int) -> str:
    """The manifest hash of the bundle ``key`` signed as ``seq`` with ``sign_bundle``."""
    return _SIGNED[key.seed()][seq]


def tar_member(name: str, data: bytes, mtime: int = 1_700_000_000) -> bytes:
    return ustar.member_header(name, len(data), mtime) + data + ustar.padding(len(data))


def raw_tar_header(name: bytes, size_field: bytes, mtime: int = 1_700_000_000) -> bytes:
    """A ustar header with any name and size field, with a correct checksum."""
    block = bytearray(ustar.member_header("x", 0, mtime))
    block[0:100] = name.ljust(100, b"\0")[:100]
    block[124:136] = size_field.ljust(12, b"\0")[:12]
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def tar_of(parts: Sequence[bytes]) -> bytes:
    body = b"".join(parts)
    return body + ustar.end_of_archive(len(body))


@dataclass
class Inner(bundle_testkit.Inner):
    """The inner archive, written member by member like the app's own ustar writer."""

    def parts(self) -> list[bytes]:
        return [tar_member(name, data) for name, data in self.members()]

    def tar(self) -> bytes:
        return tar_of(self.parts())


def make_inner(key: SigningKey, recipients: Sequence[str], seq: int, records: bytes, *,
               attachments: Sequence[bytes] = (),
               mutate: Callable[[dict[str, Any]], None] | None = None) -> Inner:
    """A correctly signed inner archive; ``mutate`` edits the manifest before signing."""
    sources = [source(a) for a in attachments]
    manifest = build_manifest(
        device_key=key, recipients=list(recipients), sequence=seq,
        previous_manifest_sha256=None, records_jsonl=records, attachments=sources,
        abandoned_sequences=(), app_version="0.1.0", schema_version=1,
        counts={"person": 1})
    obj = manifest.to_json_obj()
    if mutate is not None:
        mutate(obj)
    data = canonical_json(obj)
    comment = trusted_comment(manifest)
    if mutate is not None:  # sign what the mutated manifest says
        comment = (f"timestamp:{manifest.created_at_unix} bundle:{obj.get('bundle_id')} "
                   f"seq:{obj.get('sequence')}")
    signature = key.sign(data, comment).encode("utf-8")
    return Inner(data, signature, records,
                 [(f"attachments/{s.sha256}", a) for s, a in zip(sources, attachments)])


def encrypt(plaintext: bytes, recipients: Sequence[str]) -> bytes:
    return bytes(pyrage.encrypt(plaintext,
                                [pyrage.x25519.Recipient.from_str(r) for r in recipients]))


def decrypt(ciphertext: bytes, identity: str) -> bytes:
    return bytes(pyrage.decrypt(ciphertext, [pyrage.x25519.Identity.from_str(identity)]))


def write_file(directory: Path, data: bytes, name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or (os.urandom(16).hex() + ".hrdb"))
    path.write_bytes(data)
    return path


def header_length(data: bytes) -> int:
    """Length of the age header, through the MAC line."""
    mac = data.index(b"\n--- ") + 1
    return data.index(b"\n", mac) + 1


def fake_stanzas(n: int) -> bytes:
    share = base64.b64encode(os.urandom(32)).rstrip(b"=")
    stanza = b"-> X25519 " + share + b"\n" + share + b"\n"
    return b"age-encryption.org/v1\n" + stanza * n + b"--- " + share + b"\n" + os.urandom(64)


# --- looking at an HQ store -------------------------------------------------------------------


def snapshot(store: HqStore) -> dict[str, int]:
    """Row counts of everything an import could touch (every table of the embedded store;
    the repository's counts on PostgreSQL)."""
    if store.vault is not None:
        db = store.vault.db
        return {t: int(db.query(f"SELECT count(*) FROM {t}")[0][0]) for t in COUNTED}
    return repo_counts(store)


def repo_counts(store: HqStore) -> dict[str, int]:
    """The counts both backends report, under the embedded store's table names."""
    c = store.repo.counts()
    return {"records": c["records"] + c["tombstones"], "hq_versions": c["versions"],
            "hq_bundles": c["bundles"], "hq_abandoned": c["abandoned"],
            "attachments": c["attachments"], "hq_alarms": c["alarms"],
            "hq_quarantine": c["quarantine"], "hq_receipts": c["receipts"]}


def exists(store: HqStore, record_id: str) -> bool:
    try:
        store.repo.get(record_id)
    except NotFound:
        return False
    return True


def content(store: HqStore) -> dict[str, Any]:
    """What HQ holds, comparable between two stores."""
    db = store.vault.db
    return {
        "records": sorted(tuple(r) for r in db.query(
            "SELECT id, version, deleted, body FROM records")),
        "versions": sorted(tuple(r) for r in db.query(
            "SELECT record_id, version, body FROM hq_versions")),
        "attachments": sorted(tuple(r) for r in db.query(
            "SELECT sha256, size FROM attachments")),
        "bundles": sorted(tuple(r) for r in db.query(
            "SELECT device_key, seq, manifest_sha256 FROM hq_bundles")),
    }


def attachment_bytes(store: HqStore, sha256: str) -> bytes:
    with store.repo.open_attachment(sha256) as chunks:
        return b"".join(chunks)


def files_containing(root: Path, needles: Sequence[bytes]) -> list[str]:
    """Every file under ``root`` whose bytes contain one of ``needles``."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        for needle in needles:
            if needle in data:
                found.append(f"{path} contains {needle!r}")
    return found
