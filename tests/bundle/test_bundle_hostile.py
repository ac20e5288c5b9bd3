"""The reader against damaged, forged, forwarded and malicious bundles.

Every case asserts the specific error code and that nothing was committed.
"""

from __future__ import annotations

import base64
import io
import os
import tarfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from helpers.bundle_testkit import (
    CommitSink,
    Keys,
    attempt,
    build_tar,
    decrypt,
    encrypt,
    expect_code,
    make_inner,
)

from hrd_field.bundle import BundleError, SigningKey, UnknownSigner, read_bundle
from hrd_field.bundle.agefile import IO_BLOCK, MAGIC
from hrd_field.bundle.manifest import canonical_json


def _header_length(data: bytes) -> int:
    mac = data.index(b"\n--- ") + 1
    return data.index(b"\n", mac) + 1


def test_sanity_hand_made_bundle_is_accepted(keys: Keys) -> None:
    inner = make_inner(keys)
    error, sink = attempt(encrypt(inner.tar(), keys.recipients), keys.identities)
    assert error is None and sink.committed
    assert sink.records_jsonl == inner.records


# --- outer layer -------------------------------------------------------------------------


def test_truncation_at_many_offsets(keys: Keys, bundle_bytes: bytes) -> None:
    header = _header_length(bundle_bytes)
    size = len(bundle_bytes)
    offsets = sorted(
        {0, 1, len(MAGIC) - 1, len(MAGIC), len(MAGIC) + 5, header // 2, header - 1, header,
         header + 8, header + 15, header + 16, header + 17, header + 100, header + 16 + 65_536,
         header + 16 + 65_536 + 16, header + 16 + 65_552, header + 16 + 65_553,
         size - 1, size - 2, size - 15, size - 16, size - 17, size - 100, size - 1000}
        | {header + 16 + k * (size - header - 16) // 21 for k in range(1, 21)}
    )
    assert len(offsets) >= 40
    for offset in offsets:
        expected = ("not_a_bundle",) if offset < len(MAGIC) else ("corrupt",)
        expect_code(bundle_bytes[:offset], keys.identities, *expected)


def test_single_bit_flips(keys: Keys, bundle_bytes: bytes) -> None:
    header = _header_length(bundle_bytes)
    size = len(bundle_bytes)
    mac = bundle_bytes.rindex(b"--- ", 0, header) + 4
    positions = [
        *(0, 5, len(MAGIC) - 1),  # version line
        *range(len(MAGIC), mac, max(1, (mac - len(MAGIC)) // 25)),  # stanzas
        *(mac, mac + 20, mac + 42, header - 1),  # header MAC
        *(header, header + 15),  # nonce
        *(header + 16, header + 1000, header + 65_551, header + 65_552),  # first chunks
        *(size - 200, size - 17, size - 16, size - 1),  # final chunk and its tag
    ]
    for pos in positions:
        flipped = bytearray(bundle_bytes)
        flipped[pos] ^= 1 << (pos % 8)
        if pos < len(MAGIC):
            expected: tuple[str, ...] = ("not_a_bundle",)
        elif pos < mac - 4:
            expected = ("not_for_us", "corrupt")
        else:
            expected = ("corrupt",)
        expect_code(bytes(flipped), keys.identities, *expected)


def test_wrong_identity_is_not_for_us(keys: Keys, bundle_bytes: bytes) -> None:
    expect_code(bundle_bytes, [keys.outsider_identity], "not_for_us")


def test_forwarded_bundle_is_rejected(keys: Keys, bundle_bytes: bytes) -> None:
    # A legitimate recipient decrypts and re-encrypts the signed content to someone else.
    inner = decrypt(bundle_bytes, keys.identities[0])
    forwarded = encrypt(inner, [keys.outsider_recipient])
    sink = expect_code(forwarded, [keys.outsider_identity], "recipient_mismatch")
    assert sink.calls == []  # not even the manifest was handed over


def test_re_encrypted_to_fewer_recipients_than_listed_is_refused(
    keys: Keys, bundle_bytes: bytes
) -> None:
    # The manifest names the exact recipients; a bundle that no longer matches was
    # re-encrypted by someone who could read it.
    inner = decrypt(bundle_bytes, keys.identities[0])
    expect_code(encrypt(inner, keys.recipients[1:]), keys.identities[1:], "recipient_mismatch")


def test_re_encrypted_to_the_listed_recipients_is_fine(keys: Keys, bundle_bytes: bytes) -> None:
    inner = decrypt(bundle_bytes, keys.identities[0])
    error, _ = attempt(encrypt(inner, keys.recipients), keys.identities[1:])
    assert error is None


def test_encrypted_to_hq_and_an_outsider_is_refused(keys: Keys) -> None:
    # The manifest names HQ only, the age header has one recipient more: forwarded.
    inner = make_inner(keys, recipients=keys.recipients[:1])
    data = encrypt(inner.tar(), [keys.recipients[0], keys.outsider_recipient])
    expect_code(data, keys.identities[:1], "recipient_mismatch")
    expect_code(data, [keys.outsider_identity], "recipient_mismatch")


def test_five_thousand_stanzas_rejected_quickly(keys: Keys) -> None:
    share = base64.b64encode(os.urandom(32)).rstrip(b"=")
    for stanza in (b"-> X25519 " + share + b"\n" + share + b"\n", b"-> a\n\n"):
        header = MAGIC + stanza * 5000 + b"--- " + share + b"\n"
        start = time.monotonic()
        expect_code(header + os.urandom(1000), keys.identities, "too_many_recipients",
                    "header_too_large")
        assert time.monotonic() - start < 2.0


def test_oversized_header_rejected(keys: Keys) -> None:
    share = base64.b64encode(os.urandom(32)).rstrip(b"=")
    long_arg = MAGIC + b"-> X25519 " + b"A" * 70_000 + b"\n"
    expect_code(long_arg, keys.identities, "header_too_large")
    body = b"-> big\n" + (b"A" * 64 + b"\n") * 400 + b"AA\n"
    many_bodies = MAGIC + body * 5 + b"--- " + share + b"\n" + os.urandom(100)
    expect_code(many_bodies, keys.identities, "header_too_large")


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is a plain text file\n", b"\x00" * 4096,
     b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n",
     b"age-encryption.org/v2\n", b"age-encryption.org/v1"],
    ids=["empty", "text", "zeros", "armored", "v2", "magic-without-newline"],
)
def test_not_a_bundle(keys: Keys, data: bytes) -> None:
    expect_code(data, keys.identities, "not_a_bundle")


def test_age_file_without_tar_inside(keys: Keys) -> None:
    expect_code(encrypt(b"just some text", keys.recipients), keys.identities, "not_a_bundle")
    expect_code(encrypt(b"", keys.recipients), keys.identities, "not_a_bundle")


def test_missing_file(keys: Keys, tmp_path: Path) -> None:
    expect_code(tmp_path / "missing.hrdb", keys.identities, "read_failed")


def test_bad_identity_string_is_a_programming_error(bundle_bytes: bytes) -> None:
    with pytest.raises(ValueError):
        read_bundle(io.BytesIO(bundle_bytes), identities=["AGE-SECRET-KEY-1XYZ"],
                    sink=CommitSink())


# --- signature and manifest -------------------------------------------------------------


def test_manifest_signed_by_another_key(keys: Keys) -> None:
    other = SigningKey.generate()
    inner = make_inner(keys, signer=other)
    expect_code(encrypt(inner.tar(), keys.recipients), keys.identities, "bad_signature")
    same_id = SigningKey(other.seed(), keys.device.key_id)  # same key id, other key
    inner = make_inner(keys, signer=same_id)
    expect_code(encrypt(inner.tar(), keys.recipients), keys.identities, "bad_signature")


def test_manifest_altered_after_signing(keys: Keys) -> None:
    inner = make_inner(keys)
    inner.manifest = inner.manifest.replace(b'"sequence":1', b'"sequence":2')
    expect_code(encrypt(inner.tar(), keys.recipients), keys.identities, "bad_signature")


def test_signature_member_garbage(keys: Keys) -> None:
    inner = make_inner(keys)
    for garbage in (b"", b"\xff\xfe", b"untrusted comment: x\nAAAA\ntrusted comment: y\nAAAA\n"):
        inner.signature = garbage
        expect_code(encrypt(inner.tar(), keys.recipients), keys.identities, "bad_signature")


def _set_size(obj: dict[str, Any], size: int) -> None:
    obj["members"][1]["size"] = size


@pytest.mark.parametrize(
    "mutate,manifest_bytes,code",
    [
        (lambda o: o.update(format_version=2), None, "bad_manifest"),
        (lambda o: o.update(format="other"), None, "bad_manifest"),
        (lambda o: o.update(extra=1), None, "bad_manifest"),
        (lambda o: _set_size(o, 2**40), None, "too_large"),
        (lambda o: _set_size(o, -1), None, "bad_manifest"),
        (lambda o: o["members"][1].update(name="../x"), None, "bad_manifest"),
        (lambda o: o["members"][1].update(name="/etc/passwd"), None, "bad_manifest"),
        (lambda o: o["members"].append(o["members"][1]), None, "bad_manifest"),
        (None, b'{"format":"hrd-field-bundle","format":"x"}', "bad_manifest"),
        (None, b'{"format":"hrd-field-bundle\xff"}', "bad_manifest"),
        (None, b"[" * 100_000, "bad_manifest"),
        (None, b"", "bad_manifest"),
    ],
    ids=["format_version", "format", "unknown-field", "huge-size", "negative-size",
         "dotdot-name", "absolute-name", "duplicate-member", "duplicate-key", "invalid-utf8",
         "deep-nesting", "empty"],
)
def test_bad_manifest_correctly_signed(keys: Keys, mutate: Any, manifest_bytes: Any,
                                       code: str) -> None:
    inner = make_inner(keys, mutate=mutate, manifest_bytes=manifest_bytes)
    sink = expect_code(encrypt(inner.tar(), keys.recipients), keys.identities, code)
    assert sink.calls == []


def test_oversized_manifest_member(keys: Keys) -> None:
    inner = make_inner(keys, manifest_bytes=b" " * (1024 * 1024 + 1))
    expect_code(encrypt(inner.tar(), keys.recipients), keys.identities, "too_large")


def test_unknown_signer_raised_by_the_caller(keys: Keys, bundle_bytes: bytes) -> None:
    def registry(verified: Any) -> None:
        raise UnknownSigner(fingerprint=verified.signer.fingerprint())

    sink = CommitSink(trust=registry)
    error, sink = attempt(bundle_bytes, keys.identities, sink)
    assert error is not None and error.code == "unknown_signer"
    assert sink.calls == ["manifest"] and sink.records_jsonl is None


# --- members ------------------------------------------------------------------------------


def _encrypt_members(keys: Keys, members: list[Any]) -> bytes:
    return encrypt(build_tar(members), keys.recipients)


def test_member_hash_mismatch(keys: Keys) -> None:
    inner = make_inner(keys)
    name, data = inner.attachments[1]
    inner.attachments[1] = (name, data[:-1] + bytes([data[-1] ^ 1]))
    sink = expect_code(_encrypt_members(keys, inner.members()), keys.identities,
                       "member_mismatch")
    assert len(sink.attachments) == 1  # the first was handed over, nothing committed


def test_records_hash_mismatch(keys: Keys) -> None:
    inner = make_inner(keys)
    inner.records = inner.records.replace(b"second", b"SECOND")
    sink = expect_code(_encrypt_members(keys, inner.members()), keys.identities,
                       "member_mismatch")
    assert sink.records_jsonl is None


def test_member_size_differs_from_manifest(keys: Keys) -> None:
    inner = make_inner(keys)
    name, data = inner.attachments[0]
    inner.attachments[0] = (name, data + b"!")
    expect_code(_encrypt_members(keys, inner.members()), keys.identities, "member_mismatch")


def test_extra_member(keys: Keys) -> None:
    inner = make_inner(keys)
    members = [*inner.members(), ("attachments/" + "0" * 64, b"smuggled")]
    expect_code(_encrypt_members(keys, members), keys.identities, "unexpected_member")


def test_missing_member(keys: Keys) -> None:
    inner = make_inner(keys)
    expect_code(_encrypt_members(keys, inner.members()[:-1]), keys.identities, "missing_member")
    expect_code(_encrypt_members(keys, inner.members()[:2]), keys.identities, "missing_member")


def test_members_out_of_order(keys: Keys) -> None:
    m = make_inner(keys).members()
    expect_code(_encrypt_members(keys, [m[0], m[1], m[2], m[4], m[3]]), keys.identities,
                "unexpected_member")
    expect_code(_encrypt_members(keys, [m[1], m[0], *m[2:]]), keys.identities, "not_a_bundle")
    expect_code(_encrypt_members(keys, [m[0], m[2], m[1], *m[3:]]), keys.identities,
                "unexpected_member")


def test_duplicate_member(keys: Keys) -> None:
    m = make_inner(keys).members()
    expect_code(_encrypt_members(keys, [*m[:3], m[2], *m[3:]]), keys.identities,
                "unexpected_member")


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "records.jsonl/../../x",
                                  "./records.jsonl", "attachments/../records.jsonl"])
def test_path_tricks(keys: Keys, name: str) -> None:
    m = make_inner(keys).members()
    m[2] = (name, make_inner(keys).records)
    expect_code(_encrypt_members(keys, m), keys.identities, "unexpected_member")


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.DIRTYPE,
                                  tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE,
                                  tarfile.CONTTYPE, tarfile.GNUTYPE_LONGNAME,
                                  tarfile.XHDTYPE, tarfile.XGLTYPE, b"V"])
def test_links_devices_directories(keys: Keys, kind: bytes) -> None:
    m = make_inner(keys).members()
    info = tarfile.TarInfo("records.jsonl")
    info.type = kind
    if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
        info.linkname = "/etc/passwd"
    m[2] = info
    expect_code(_encrypt_members(keys, m), keys.identities, "unexpected_member")


def test_pax_and_gnu_extensions_refused(keys: Keys) -> None:
    inner = make_inner(keys)
    pax = build_tar(inner.members(), fmt=tarfile.PAX_FORMAT)
    assert attempt(encrypt(pax, keys.recipients), keys.identities)[0] is None  # no pax needed
    info = tarfile.TarInfo("records.jsonl")
    info.size = len(inner.records)
    info.pax_headers = {"path": "../../etc/cron.d/x"}
    members = inner.members()
    members[2] = (info, inner.records)
    data = build_tar(members, fmt=tarfile.PAX_FORMAT)
    expect_code(encrypt(data, keys.recipients), keys.identities, "unexpected_member")
    gnu = build_tar([*inner.members()[:2], ("a" * 150, b"x")], fmt=tarfile.GNU_FORMAT)
    expect_code(encrypt(gnu, keys.recipients), keys.identities, "not_a_bundle")


def test_trailing_data_after_archive(keys: Keys) -> None:
    tar = make_inner(keys).tar()
    expect_code(encrypt(tar + b"\x01", keys.recipients), keys.identities, "unexpected_member")
    expect_code(encrypt(tar + bytes(100_000), keys.recipients), keys.identities, "too_large")
    assert attempt(encrypt(tar + bytes(512), keys.recipients), keys.identities)[0] is None


def test_archive_without_end_marker(keys: Keys) -> None:
    inner = make_inner(keys)
    raw = inner.tar()
    end = raw.rstrip(b"\0")
    body = end + bytes(-len(end) % 512)
    expect_code(encrypt(body, keys.recipients), keys.identities, "corrupt")


def test_corrupt_tar_header_checksum(keys: Keys) -> None:
    tar = bytearray(make_inner(keys).tar())
    third = tar.index(b"records.jsonl\0")
    tar[third + 130] ^= 1  # inside the size field
    expect_code(encrypt(bytes(tar), keys.recipients), keys.identities, "corrupt")


def test_non_zero_padding(keys: Keys) -> None:
    inner = make_inner(keys)
    tar = bytearray(inner.tar())
    pad = 512 + len(inner.manifest)  # first byte of the manifest's padding
    tar[pad] = 1
    expect_code(encrypt(bytes(tar), keys.recipients), keys.identities, "corrupt")


def test_manifest_with_canonical_json_only(keys: Keys) -> None:
    def spaced(obj: dict[str, Any]) -> None:
        pass

    inner = make_inner(keys, mutate=spaced)
    import json

    pretty = json.dumps(json.loads(inner.manifest), indent=1).encode()
    inner = make_inner(keys, manifest_bytes=pretty)
    expect_code(encrypt(inner.tar(), keys.recipients), keys.identities, "bad_manifest")
    assert canonical_json(json.loads(pretty)) != pretty


# --- consumer aborts --------------------------------------------------------------------


class _CountingStream(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        out = self._inner.read(size)
        self.consumed += len(out)
        return out


def test_sink_abort_stops_decryption_promptly(keys: Keys, tmp_path: Path) -> None:
    class Boom(Exception):
        pass

    class Aborting(CommitSink):
        def attachment_data(self, chunk: bytes) -> None:
            raise Boom()

    inner = make_inner(keys, attachments=[os.urandom(4 * 1024 * 1024)])
    data = encrypt(inner.tar(), keys.recipients)
    stream = _CountingStream(data)
    sink = Aborting()
    start = time.monotonic()
    with pytest.raises(Boom):
        read_bundle(stream, identities=keys.identities, sink=sink)  # type: ignore[arg-type]
    assert time.monotonic() - start < 2
    # stopped at once (a block or two of read-ahead), not after reading everything
    assert stream.consumed < 4 * IO_BLOCK <= len(data) // 4
    assert not sink.committed
    # And a sink error is not disguised as a bundle error: the next read works normally.
    error, ok = attempt(data, keys.identities)
    assert error is None and ok.committed


def _patch_header(tar: bytes, name: bytes, offset: int, value: bytes) -> bytes:
    """Overwrite a field of the header of member ``name`` and fix its checksum."""
    buf = bytearray(tar)
    start = buf.index(name + b"\0")
    assert start % 512 == 0
    buf[start + offset : start + offset + len(value)] = value
    block = buf[start : start + 512]
    block[148:156] = b" " * 8
    buf[start + 148 : start + 156] = b"%06o\0 " % sum(block)
    return bytes(buf)


@pytest.mark.parametrize(
    "offset,value,code",
    [
        (14, b"junk", "unexpected_member"),  # bytes hidden after the name's NUL
        (345, b"../../", "unexpected_member"),  # ustar prefix field
        (157, b"/etc/passwd", "unexpected_member"),  # link name on a regular file
        (124, b"\x80" + bytes(11), "corrupt"),  # base-256 size
        (124, b"-0000000001\0", "corrupt"),  # signed size
        (257, b"ustar  \0", "corrupt"),  # GNU magic on a later member
    ],
    ids=["name-garbage", "prefix", "linkname", "base256-size", "negative-size", "gnu-magic"],
)
def test_header_field_tricks(keys: Keys, offset: int, value: bytes, code: str) -> None:
    tar = _patch_header(make_inner(keys).tar(), b"records.jsonl", offset, value)
    expect_code(encrypt(tar, keys.recipients), keys.identities, code)


def test_patch_helper_keeps_valid_headers(keys: Keys) -> None:
    tar = _patch_header(make_inner(keys).tar(), b"records.jsonl", 108, b"0000001\0")  # uid
    assert attempt(encrypt(tar, keys.recipients), keys.identities)[0] is None


def test_source_read_error_mid_way(keys: Keys, bundle_bytes: bytes) -> None:
    class Failing(_CountingStream):
        def read(self, size: int = -1) -> bytes:
            if self.consumed > 100_000:
                raise OSError(5, "Input/output error")
            return super().read(size)

    sink = CommitSink()
    with pytest.raises(BundleError) as info:
        read_bundle(Failing(bundle_bytes), identities=keys.identities, sink=sink)  # type: ignore[arg-type]
    assert info.value.code == "read_failed"
    assert not sink.committed


def test_no_threads_left_behind(keys: Keys, bundle_bytes: bytes) -> None:
    before = threading.active_count()
    for data in (bundle_bytes, bundle_bytes[:-5], bundle_bytes[:100_000]):
        attempt(data, keys.identities)
    assert threading.active_count() == before


def test_identities_required(bundle_bytes: bytes) -> None:
    with pytest.raises(ValueError):
        read_bundle(io.BytesIO(bundle_bytes), identities=[], sink=CommitSink())
