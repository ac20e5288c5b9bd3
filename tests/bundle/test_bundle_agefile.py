"""Our age v1 implementation against an independent one (pyrage, the Rust age crate) and
the STREAM edge cases of chunk boundaries. The CCTV vectors (test_bundle_cctv.py) and the
stock ``age`` tool (test_bundle_interop.py) check it further."""

from __future__ import annotations

import io

import pyrage
import pytest

from hrd_field.bundle import agefile
from hrd_field.bundle.errors import BundleError
from hrd_field.vault import stream

SIZES = [0, 1, stream.CHUNK_SIZE - 1, stream.CHUNK_SIZE, stream.CHUNK_SIZE + 1,
         3 * stream.CHUNK_SIZE, 3 * stream.CHUNK_SIZE + 7]


def _ours(plaintext: bytes, recipients: list[str], piece: int = 1000) -> bytes:
    out = io.BytesIO()
    agefile.encrypt((plaintext[i : i + piece] for i in range(0, len(plaintext), piece)),
                    out, recipients)
    return out.getvalue()


def test_keys_read_as_pyrage_reads_them() -> None:
    identity = pyrage.x25519.Identity.generate()
    assert agefile.recipient_of(str(identity)) == str(identity.to_public())
    ours = agefile.new_identity()
    assert str(pyrage.x25519.Identity.from_str(ours).to_public()) == agefile.recipient_of(ours)
    text, public = str(identity), str(identity.to_public())
    flipped = text[:-1] + ("P" if text[-1] != "P" else "Q")  # checksum no longer matches
    for bad in (text.lower(), flipped, public, "AGE-SECRET-KEY-1QQQQ"):
        with pytest.raises(ValueError):
            agefile.parse_identity(bad)
    for bad in (public.upper(), public[:-1] + ("q" if public[-1] != "q" else "p"), text):
        with pytest.raises(ValueError):
            agefile.parse_recipient(bad)


@pytest.mark.parametrize("size", SIZES)
def test_pyrage_opens_ours_and_we_open_pyrage(size: int) -> None:
    plaintext = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    other = agefile.recipient_of(agefile.new_identity())
    assert pyrage.decrypt(_ours(plaintext, [other, recipient]), [identity]) == plaintext
    theirs = pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(recipient)])
    got = bytearray()
    assert agefile.decrypt(io.BytesIO(theirs), [str(identity)], got.extend) == recipient
    assert bytes(got) == plaintext
    assert len(_ours(plaintext, [recipient])) == agefile.encrypted_size(
        size, len(agefile.read_header(io.BytesIO(_ours(b"", [recipient])))[0].raw))


@pytest.mark.parametrize("cut", [1, stream.TAG_SIZE, stream.SEALED_CHUNK])
def test_a_stream_cut_at_a_chunk_boundary_is_refused(cut: int) -> None:
    identity = agefile.new_identity()
    data = _ours(b"z" * (2 * stream.CHUNK_SIZE + 5), [agefile.recipient_of(identity)])
    tail = len(data) - (2 * stream.CHUNK_SIZE + 5 + 3 * stream.TAG_SIZE)
    for end in (len(data) - cut, tail + stream.SEALED_CHUNK, tail + 2 * stream.SEALED_CHUNK):
        with pytest.raises(BundleError) as info:
            agefile.decrypt(io.BytesIO(data[:end]), [identity], lambda _chunk: None)
        assert info.value.code == "corrupt"
