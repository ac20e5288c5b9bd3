"""Writing and reading bundles: round trip, atomic and checked writes, size estimates."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from helpers.bundle_testkit import COUNTS, RECORDS, CommitSink, Keys, attempt, source

from hrd_field.bundle import (
    AttachmentSource,
    MemberMismatch,
    WriteFailed,
    WrittenBundle,
    estimate_bundle_size,
    read_bundle,
    remove_partial_bundles,
    write_bundle,
)
from hrd_field.bundle.manifest import parse
from hrd_field.vault import fsutil


def _write(out: Path, keys: Keys, **overrides: Any) -> WrittenBundle:
    args: dict[str, Any] = dict(
        signing_key=keys.device,
        recipients=keys.recipients,
        sequence=1,
        previous_manifest_sha256=None,
        records_jsonl=RECORDS,
        attachments=[source(b"one"), source(os.urandom(70_000))],
        app_version="0.1.0",
        schema_version=1,
        counts=COUNTS,
    )
    args.update(overrides)
    return write_bundle(out, **args)


@pytest.mark.parametrize("which", [0, 1])
def test_round_trip_with_either_identity(
    which: int, keys: Keys, written: WrittenBundle, attachments: list[bytes]
) -> None:
    sink = CommitSink()
    verified = read_bundle(written.path, identities=[keys.identities[which]], sink=sink)
    sink.commit()
    assert sink.records_jsonl == RECORDS
    assert sink.attachments == {hashlib.sha256(a).hexdigest(): a for a in attachments}
    assert verified.recipient == keys.recipients[which]
    assert verified.manifest == written.manifest
    assert verified.manifest_bytes == written.manifest_bytes
    assert verified.manifest_sha256 == written.manifest_sha256
    assert verified.signer == keys.device.public_key()
    assert sink.calls == ["manifest", "records"] + ["attachment"] * len(attachments)


def test_manifest_fields(keys: Keys, written: WrittenBundle, attachments: list[bytes]) -> None:
    m = parse(written.manifest_bytes)
    obj = m.to_json_obj()
    assert obj["format"] == "hrd-field-bundle" and obj["format_version"] == 1
    assert re.fullmatch(r"[0-9a-f-]{36}", m.bundle_id) and m.bundle_id[14] == "4"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m.created_at)
    assert base64.b64decode(obj["device_public_key"]) == keys.device.public_key().raw
    assert m.device_key_id == keys.device.public_key().key_id_hex
    assert m.sequence == 7 and m.previous_manifest_sha256 == "ab" * 32
    assert list(m.recipients) == sorted(keys.recipients)
    assert m.abandoned_sequences == (3, 5)
    assert m.app_version == "0.1.0" and m.schema_version == 2
    assert dict(m.counts) == {**COUNTS, "attachments": len(attachments)}
    assert [x.name for x in m.members] == ["records.jsonl"] + [
        f"attachments/{hashlib.sha256(a).hexdigest()}" for a in attachments
    ]
    assert [x.size for x in m.members] == [len(RECORDS)] + [len(a) for a in attachments]
    # Canonical: sorted keys, no whitespace, non-ASCII kept.
    assert written.manifest_bytes.startswith(b'{"abandoned_sequences":[3,5],"app_version"')
    assert written.size == written.path.stat().st_size


def test_file_is_private_and_randomly_named(keys: Keys, tmp_path: Path) -> None:
    a, b = _write(tmp_path, keys), _write(tmp_path, keys)
    for w in (a, b):
        assert re.fullmatch(r"[0-9a-f]{32}\.hrdb", w.path.name)
        assert stat.S_IMODE(w.path.stat().st_mode) == 0o600
    assert a.path != b.path
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([a.path.name, b.path.name])


def test_read_from_unseekable_stream_with_short_reads(keys: Keys, bundle_bytes: bytes) -> None:
    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = memoryview(data)

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            n = min(size if size >= 0 else len(self._data), 1000)
            out, self._data = self._data[:n].tobytes(), self._data[n:]
            return out

    sink = CommitSink()
    read_bundle(Trickle(bundle_bytes), identities=keys.identities, sink=sink)  # type: ignore[arg-type]
    assert sink.records_jsonl == RECORDS


def test_duplicate_attachments_are_exported_once(keys: Keys, tmp_path: Path) -> None:
    w = _write(tmp_path, keys, attachments=[source(b"same"), source(b"same")])
    assert len(w.manifest.attachment_members) == 1
    assert w.manifest.counts["attachments"] == 1


def test_empty_bundle(keys: Keys, tmp_path: Path) -> None:
    w = _write(tmp_path, keys, records_jsonl=b"", attachments=[], counts={})
    error, sink = attempt(w.path, keys.identities[:1])
    assert error is None and sink.records_jsonl == b"" and sink.attachments == {}


@pytest.mark.parametrize(
    "overrides",
    [
        {"recipients": ["age1notarecipient"]},
        {"recipients": []},
        {"counts": {"attachments": 5}},
        {"attachments": [AttachmentSource("A" * 64, 1, lambda: io.BytesIO(b"x"))]},
        {"sequence": 0},
        {"abandoned_sequences": [1]},
    ],
)
def test_bad_arguments_write_nothing(keys: Keys, tmp_path: Path, overrides: dict[str, Any]) -> None:
    with pytest.raises((ValueError, Exception)):
        _write(tmp_path, keys, **overrides)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [b"changed!", b"short", b"longer than declared"],
    ids=["same-size-other-content", "shorter", "longer"],
)
def test_attachment_differing_from_its_hash_aborts(
    keys: Keys, tmp_path: Path, content: bytes
) -> None:
    declared = source(b"original")
    bad = AttachmentSource(declared.sha256, declared.size, lambda: io.BytesIO(content))
    with pytest.raises(MemberMismatch):
        _write(tmp_path, keys, attachments=[source(os.urandom(100_000)), bad])
    assert list(tmp_path.iterdir()) == []


def test_unreadable_attachment_aborts(keys: Keys, tmp_path: Path) -> None:
    def missing() -> io.BytesIO:
        raise FileNotFoundError(2, "No such file or directory")

    with pytest.raises(MemberMismatch):
        _write(tmp_path, keys, attachments=[AttachmentSource("0" * 64, 1, missing)])
    assert list(tmp_path.iterdir()) == []


class _FailingFile(io.RawIOBase):
    """Stands in for the .part file: fails (or silently drops data) after ``limit`` bytes."""

    def __init__(self, real: Any, limit: int, silent: bool) -> None:
        self._real, self._limit, self._silent = real, limit, silent
        self._count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._count += len(data)
        if self._count > self._limit:
            if self._silent:
                return len(data)  # like a lost buffer: claims success
            raise OSError(28, "No space left on device")
        return int(self._real.write(data))

    def fileno(self) -> int:
        return int(self._real.fileno())

    def flush(self) -> None:
        self._real.flush()

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._real.close()


@pytest.mark.parametrize("silent", [False, True], ids=["enospc", "silent-loss"])
@pytest.mark.parametrize("limit", [0, 100, 70_000])
def test_disk_full_leaves_no_file(
    keys: Keys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, silent: bool
) -> None:
    real_open = fsutil.create_exclusive
    monkeypatch.setattr(
        fsutil, "create_exclusive",
        lambda path, buffering: _FailingFile(real_open(path), limit, silent)
    )
    with pytest.raises(WriteFailed) as info:
        _write(tmp_path, keys)
    assert info.value.code == "write_failed"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_real_enospc_from_dev_full(
    keys: Keys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dev_full(path: Path, buffering: int) -> Any:
        path.touch(mode=0o600)  # so the cleanup has something to remove
        return open("/dev/full", "wb")

    monkeypatch.setattr(fsutil, "create_exclusive", dev_full)
    with pytest.raises(WriteFailed) as info:
        _write(tmp_path, keys)
    assert "space" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_directory(keys: Keys, tmp_path: Path) -> None:
    with pytest.raises(WriteFailed):
        _write(tmp_path / "nope", keys)


def test_remove_partial_bundles(tmp_path: Path) -> None:
    (tmp_path / "a.hrdb.part").write_bytes(b"x")
    (tmp_path / "b.hrdb").write_bytes(b"x")
    assert remove_partial_bundles(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["b.hrdb"]


@pytest.mark.parametrize(
    "sizes,recipients",
    [([], 1), ([0], 1), ([511, 512, 513], 2), ([65_536 * 2 - 600], 1), ([10] * 300, 3)],
)
def test_estimate_is_a_tight_upper_bound(
    keys: Keys, tmp_path: Path, sizes: list[int], recipients: int
) -> None:
    extra = [str(k) for k in keys.recipients] + [keys.outsider_recipient]
    blobs = [os.urandom(n) for n in sizes]
    w = _write(
        tmp_path, keys, attachments=[source(b) for b in blobs], recipients=extra[:recipients]
    )
    estimate = estimate_bundle_size(
        records_size=len(RECORDS), attachment_sizes=sizes, recipients=recipients,
        count_keys=len(COUNTS),
    )
    assert w.size <= estimate <= w.size + 16 * 1024
