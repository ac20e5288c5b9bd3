"""The background SHA-256 of large attachments (bundle/hashing.py): the same digest as
hashlib whatever the blocks, bounded, and its helper thread always ends."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from hrd_field.bundle.hashing import BackgroundSha256


def _helpers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bundle-sha256"]


@pytest.mark.parametrize("sizes", [[], [0], [1], [2047, 2048, 2049],
                                   [256 * 1024] * 40, [7, 65_536, 1, 300_000] * 5])
def test_same_digest_as_hashlib(sizes: list[int]) -> None:
    blocks = [os.urandom(n) for n in sizes]
    background = BackgroundSha256(max_pending=2)
    for block in blocks:
        background.update(block)
    assert background.hexdigest() == hashlib.sha256(b"".join(blocks)).hexdigest()
    assert _helpers() == []


def test_abort_ends_the_helper_and_refuses_more() -> None:
    background = BackgroundSha256(max_pending=1)
    for _ in range(5):
        background.update(os.urandom(1 << 20))
    background.abort()
    assert _helpers() == []
    with pytest.raises(ValueError):
        background.update(b"more")
    background.abort()  # twice is harmless


def test_the_producer_waits_instead_of_queueing_without_bound() -> None:
    background = BackgroundSha256(max_pending=3)
    for _ in range(50):
        background.update(os.urandom(64 * 1024))
        assert len(background._pending) <= 3
    assert background.hexdigest()
