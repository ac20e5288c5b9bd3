from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from helpers.bundle_testkit import COUNTS, RECORDS, Keys, new_keys, source

from hrd_field.bundle import WrittenBundle, write_bundle


@pytest.fixture(scope="session")
def keys() -> Keys:
    return new_keys(2)


@pytest.fixture(scope="session")
def attachments() -> list[bytes]:
    # Sizes around the 64 KiB age chunk and 512-byte tar block boundaries.
    return [b"", b"x" * 511, os.urandom(64 * 1024 + 1), os.urandom(150_000)]


@pytest.fixture(scope="session")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bundles")


@pytest.fixture(scope="session")
def written(keys: Keys, attachments: list[bytes], bundle_dir: Path) -> WrittenBundle:
    return write_bundle(
        bundle_dir,
        signing_key=keys.device,
        recipients=keys.recipients,
        sequence=7,
        previous_manifest_sha256="ab" * 32,
        records_jsonl=RECORDS,
        attachments=[source(a) for a in attachments],
        abandoned_sequences=[5, 3],
        app_version="0.1.0",
        schema_version=2,
        counts=COUNTS,
    )


@pytest.fixture(scope="session")
def bundle_bytes(written: WrittenBundle) -> bytes:
    return written.path.read_bytes()


@pytest.fixture(scope="session")
def small_bundle(keys: Keys, bundle_dir: Path) -> bytes:
    """One attachment of a few bytes: fast enough to mutate many times."""
    path = write_bundle(
        bundle_dir,
        signing_key=keys.device,
        recipients=keys.recipients[:1],
        sequence=1,
        previous_manifest_sha256=None,
        records_jsonl=b'{"id":"r1"}\n',
        attachments=[(source(b"tiny").sha256, 4, lambda: io.BytesIO(b"tiny"))],
        app_version="0.1.0",
        schema_version=1,
        counts={"consultation": 1},
    ).path
    return path.read_bytes()
