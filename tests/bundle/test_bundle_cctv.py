"""The C2SP CCTV age test vectors against our pre-check + pyrage, and against the reader.

Each vector: a textual header (``expect:``, ``payload:``, ``identity:``, ``armored:``,
``compressed:``…), a blank line, then the age file. We support X25519 identities only and no
armor, so vectors that need a post-quantum identity, a passphrase or armor must be refused
(``not_for_us`` / ``not_a_bundle``) rather than decrypted.
"""

from __future__ import annotations

import hashlib
import io
import os
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest
from helpers.bundle_testkit import CommitSink

from hrd_field.bundle import BundleError, read_bundle
from hrd_field.bundle.agefile import decrypt

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "age-cctv"
if not VECTORS.is_dir():
    VECTORS = Path(os.environ.get("HRD_CCTV_DIR", "/work/shared/testdata/age-cctv"))


@dataclass
class Vector:
    name: str
    expect: str
    payload: str | None
    identities: list[str]  # the X25519 ones; others are not supported here
    armored: bool
    body: bytes


def _load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    meta: dict[str, list[str]] = {}
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        meta.setdefault(key, []).append(value)
    if meta.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    return Vector(
        name=path.name,
        expect=meta["expect"][0],
        payload=meta.get("payload", [None])[0],
        identities=[i for i in meta.get("identity", []) if i.startswith("AGE-SECRET-KEY-1")],
        armored=meta.get("armored") == ["yes"],
        body=body,
    )


def _vectors() -> list[Vector]:
    if not VECTORS.is_dir():
        return []
    return [_load(p) for p in sorted(VECTORS.iterdir()) if p.is_file() and p.suffix != ".md"]


ALL = _vectors()
pytestmark = pytest.mark.skipif(not ALL, reason=f"CCTV vectors not found at {VECTORS}")
A_STRANGER = str(pyrage.x25519.Identity.generate())


def _allowed(v: Vector) -> set[str]:
    if v.armored or v.expect == "armor failure":
        return {"not_a_bundle"}
    if v.expect == "success":
        return set() if v.identities else {"not_for_us"}
    if v.expect == "no match":
        return {"not_for_us"}
    if v.expect == "HMAC failure":
        return {"corrupt"}
    if v.expect == "payload failure":
        return {"corrupt"}
    # Header failures. A malformed stanza of a type we do not support (scrypt, post-quantum)
    # cannot be told from one meant for someone else.
    allowed = {"corrupt", "not_a_bundle", "header_too_large", "too_many_recipients"}
    if not v.identities or v.name.startswith(("scrypt", "hybrid")):
        allowed.add("not_for_us")
    return allowed


def test_vectors_present() -> None:
    assert len(ALL) >= 140


@pytest.mark.parametrize("vector", ALL, ids=[v.name for v in ALL])
def test_age_layer(vector: Vector) -> None:
    released = hashlib.sha256()
    start = time.monotonic()
    try:
        decrypt(io.BytesIO(vector.body), vector.identities or [A_STRANGER], released.update)
    except BundleError as exc:
        outcome = exc.code
    else:
        outcome = "success"
    assert time.monotonic() - start < 5
    allowed = _allowed(vector) or {"success"}
    assert outcome in allowed, f"{vector.name}: expect {vector.expect}, got {outcome}"
    if outcome == "success" or (outcome == "corrupt" and vector.expect == "payload failure"):
        # CCTV: everything released, even before a failure, must match the payload hash.
        assert released.hexdigest() == vector.payload


@pytest.mark.parametrize("vector", ALL, ids=[v.name for v in ALL])
def test_reader_never_crashes_or_accepts(vector: Vector) -> None:
    sink = CommitSink()
    start = time.monotonic()
    with pytest.raises(BundleError):
        read_bundle(io.BytesIO(vector.body), identities=vector.identities or [A_STRANGER],
                    sink=sink)
    assert time.monotonic() - start < 5
    assert sink.calls == []
