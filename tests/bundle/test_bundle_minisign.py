"""minisign-compatible signatures: our own checks (the CLI interop is in test_bundle_interop)."""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hrd_field.bundle import BadSignature, PublicKey, SigningKey
from hrd_field.bundle.minisign import key_id_from_hex, key_id_to_hex, verify

DATA = b'{"manifest":"example"}'


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


def test_sign_and_verify(key: SigningKey) -> None:
    text = key.sign(DATA, "timestamp:1 bundle:x seq:1")
    assert verify(DATA, text, key.public_key()) == "timestamp:1 bundle:x seq:1"
    lines = text.split("\n")
    assert len(lines) == 5 and lines[4] == ""
    assert lines[0].startswith("untrusted comment: ")
    assert base64.b64decode(lines[1])[:2] == b"ED"
    assert lines[2] == "trusted comment: timestamp:1 bundle:x seq:1"


def test_key_round_trips(key: SigningKey) -> None:
    again = SigningKey(key.seed(), key.key_id)
    assert again.public_key() == key.public_key()
    pub = key.public_key()
    assert PublicKey.from_minisign(pub.to_minisign()) == pub
    assert PublicKey.from_base64(pub.to_base64()) == pub
    first_line = f"untrusted comment: minisign public key {pub.key_id_hex.lstrip('0')}\n"
    assert pub.to_minisign().startswith(first_line)
    padded = PublicKey(pub.raw, bytes(7) + b"\x01")
    assert padded.key_id_hex == "0100000000000000"
    assert PublicKey(pub.raw, b"\x01" + bytes(7)).key_id_hex == "0000000000000001"
    assert "public key 1\n" in PublicKey(pub.raw, b"\x01" + bytes(7)).to_minisign()
    assert key_id_from_hex(pub.key_id_hex) == pub.key_id
    assert key_id_to_hex(bytes(range(8))) == "0706050403020100"
    assert "seed" not in repr(key) and key.seed().hex() not in repr(key)


def test_fingerprint_is_readable(key: SigningKey) -> None:
    fp = key.public_key().fingerprint()
    assert re.fullmatch(r"([A-Z2-7]{4}-){5}[A-Z2-7]{4}", fp)
    assert fp != SigningKey.generate().public_key().fingerprint()


def _swap_line(text: str, index: int, value: str) -> str:
    lines = text.split("\n")
    lines[index] = value
    return "\n".join(lines)


def test_rejections(key: SigningKey) -> None:
    text = key.sign(DATA, "comment")
    pub = key.public_key()
    other = SigningKey.generate()
    sig_blob = base64.b64decode(text.split("\n")[1])
    cases = {
        "altered data": (DATA + b" ", text, pub),
        "other key id": (DATA, text, other.public_key()),
        "same id other key": (DATA, text, PublicKey(other.public_key().raw, pub.key_id)),
        "altered trusted comment": (DATA, _swap_line(text, 2, "trusted comment: other"), pub),
        "missing line": (DATA, "\n".join(text.split("\n")[:3]), pub),
        "extra line": (DATA, text + "x\n", pub),
        "bad base64": (DATA, _swap_line(text, 1, "!!!"), pub),
        "short signature": (DATA, _swap_line(text, 1, base64.b64encode(sig_blob[:-1]).decode()),
                            pub),
        "unknown algorithm": (
            DATA, _swap_line(text, 1, base64.b64encode(b"XX" + sig_blob[2:]).decode()), pub),
        "no untrusted prefix": (DATA, _swap_line(text, 0, "comment: x"), pub),
        "CRLF": (DATA, text.replace("\n", "\r\n"), pub),
        "huge": (DATA, text + "x" * 10_000, pub),
        "empty": (DATA, "", pub),
    }
    for name, (data, sig, key_) in cases.items():
        with pytest.raises(BadSignature) as info:
            verify(data, sig, key_)
        assert info.value.code == "bad_signature", name


def test_legacy_algorithm_accepted_for_verification(key: SigningKey) -> None:
    # Build a legacy ("Ed": signature over the raw data) signature by hand.
    private = Ed25519PrivateKey.from_private_bytes(key.seed())
    signature = private.sign(DATA)
    comment = "legacy"
    global_sig = private.sign(signature + comment.encode())
    text = (
        "untrusted comment: x\n"
        + base64.b64encode(b"Ed" + key.key_id + signature).decode() + "\n"
        + f"trusted comment: {comment}\n"
        + base64.b64encode(global_sig).decode() + "\n"
    )
    assert verify(DATA, text, key.public_key()) == comment
    with pytest.raises(BadSignature):
        verify(DATA + b"x", text, key.public_key())


def test_comments_must_be_one_line(key: SigningKey) -> None:
    with pytest.raises(ValueError):
        key.sign(DATA, "two\nlines")
    with pytest.raises(ValueError):
        key.sign(DATA, "x" * 2000)


def test_malformed_public_keys() -> None:
    for text in ("", "untrusted comment: x\n", "untrusted comment: x\nAAAA\n",
                 "x\n" + SigningKey.generate().public_key().to_base64() + "\n"):
        with pytest.raises(BadSignature):
            PublicKey.from_minisign(text)
    with pytest.raises(ValueError):
        PublicKey(b"short", b"12345678")
