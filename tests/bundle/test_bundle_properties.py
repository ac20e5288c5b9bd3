"""Property tests: random damage to a valid bundle is either harmless or a ``BundleError``."""

from __future__ import annotations

from typing import Any

from helpers.bundle_testkit import Keys, attempt, decrypt, encrypt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def mutations(draw: st.DrawFn, size: int) -> list[tuple[str, int, int, bytes]]:
    ops = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "overwrite", "dup"]))
        pos = draw(st.integers(0, max(0, size - 1)))
        length = draw(st.integers(1, 600))
        data = draw(st.binary(min_size=1, max_size=64))
        ops.append((kind, pos, length, data))
    return ops


def apply(data: bytes, ops: list[tuple[str, int, int, bytes]]) -> bytes:
    buf = bytearray(data)
    for kind, pos, length, extra in ops:
        pos = min(pos, max(0, len(buf) - 1))
        if kind == "flip" and buf:
            buf[pos] ^= 1 << (length % 8)
        elif kind == "truncate":
            del buf[pos:]
        elif kind == "insert":
            buf[pos:pos] = extra
        elif kind == "delete":
            del buf[pos : pos + length]
        elif kind == "overwrite":
            buf[pos : pos + len(extra)] = extra
        elif kind == "dup":
            buf[pos:pos] = buf[pos : pos + length]
    return bytes(buf)


def _content(sink: Any) -> tuple[Any, ...]:
    assert sink.verified is not None
    return (sink.verified.manifest_bytes, sink.records_jsonl, sorted(sink.attachments.items()))


@SETTINGS
@given(data=st.data())
def test_ciphertext_mutations(keys: Keys, small_bundle: bytes, data: st.DataObject) -> None:
    error, original = attempt(small_bundle, keys.identities[:1])
    assert error is None
    mutated = apply(small_bundle, data.draw(mutations(len(small_bundle))))
    error, sink = attempt(mutated, keys.identities[:1])  # anything but BundleError escapes
    if error is None:
        assert _content(sink) == _content(original)
    else:
        assert not sink.committed


@SETTINGS
@given(data=st.data())
def test_plaintext_mutations(keys: Keys, small_bundle: bytes, data: st.DataObject) -> None:
    """Damage inside the encryption (as a key holder could): signature and hashes catch it."""
    tar = decrypt(small_bundle, keys.identities[0])
    _, original = attempt(small_bundle, keys.identities[:1])
    mutated = apply(tar, data.draw(mutations(len(tar))))
    error, sink = attempt(encrypt(mutated, keys.recipients[:1]), keys.identities[:1])
    if error is None:
        assert _content(sink) == _content(original)
    else:
        assert not sink.committed
