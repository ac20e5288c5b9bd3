"""Strict parsing of untrusted manifest bytes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from hrd_field.bundle import BundleError, Limits, WrittenBundle
from hrd_field.bundle.manifest import canonical_json, parse


@pytest.fixture(scope="module")
def good(written: WrittenBundle) -> dict[str, Any]:
    return written.manifest.to_json_obj()


def test_round_trip(written: WrittenBundle) -> None:
    assert parse(written.manifest_bytes) == written.manifest
    assert written.manifest.to_bytes() == written.manifest_bytes


def _member(o: dict[str, Any]) -> dict[str, Any]:
    return o["members"][1]  # type: ignore[no-any-return]


MUTATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "format_version 2": (lambda o: o.update(format_version=2), "bad_manifest"),
    "format_version true": (lambda o: o.update(format_version=True), "bad_manifest"),
    "format_version '1'": (lambda o: o.update(format_version="1"), "bad_manifest"),
    "format": (lambda o: o.update(format="hrd-field-bundle2"), "bad_manifest"),
    "unknown field": (lambda o: o.update(part=1), "bad_manifest"),
    "missing field": (lambda o: o.pop("counts"), "bad_manifest"),
    "bundle_id not uuid4": (lambda o: o.update(bundle_id="x" * 36), "bad_manifest"),
    "created_at not UTC": (lambda o: o.update(created_at="2026-01-01T00:00:00+01:00"),
                           "bad_manifest"),
    "created_at invalid date": (lambda o: o.update(created_at="2026-02-30T00:00:00Z"),
                                "bad_manifest"),
    "public key short": (lambda o: o.update(device_public_key="AAAA"), "bad_manifest"),
    "key id lower": (lambda o: o.update(device_key_id=o["device_key_id"].lower() + "x"),
                     "bad_manifest"),
    "sequence 0": (lambda o: o.update(sequence=0), "bad_manifest"),
    "sequence bool": (lambda o: o.update(sequence=True), "bad_manifest"),
    "sequence huge": (lambda o: o.update(sequence=2**64), "bad_manifest"),
    "previous not hex": (lambda o: o.update(previous_manifest_sha256="zz"), "bad_manifest"),
    "recipients empty": (lambda o: o.update(recipients=[]), "bad_manifest"),
    "recipients unsorted": (lambda o: o.update(recipients=o["recipients"][::-1]),
                            "bad_manifest"),
    "recipient junk": (lambda o: o.update(recipients=["ssh-ed25519 AAAA"]), "bad_manifest"),
    "abandoned not earlier": (lambda o: o.update(abandoned_sequences=[99]), "bad_manifest"),
    "abandoned unsorted": (lambda o: o.update(abandoned_sequences=[5, 3]), "bad_manifest"),
    "app_version junk": (lambda o: o.update(app_version="1.0\n<script>"), "bad_manifest"),
    "counts negative": (lambda o: o["counts"].update(threat=-1), "bad_manifest"),
    "counts attachments wrong": (lambda o: o["counts"].update(attachments=99), "bad_manifest"),
    "counts bad key": (lambda o: o["counts"].update({"A B": 1}), "bad_manifest"),
    "no members": (lambda o: o.update(members=[]), "bad_manifest"),
    "records not first": (lambda o: o["members"].reverse(), "bad_manifest"),
    "name ../x": (lambda o: _member(o).update(name="../x"), "bad_manifest"),
    "name /etc/passwd": (lambda o: _member(o).update(name="/etc/passwd"), "bad_manifest"),
    "name upper hex": (lambda o: _member(o).update(name=_member(o)["name"].upper()),
                       "bad_manifest"),
    "name not its hash": (lambda o: _member(o).update(sha256="0" * 64), "bad_manifest"),
    "member extra key": (lambda o: _member(o).update(mode=0o777), "bad_manifest"),
    "size negative": (lambda o: _member(o).update(size=-1), "bad_manifest"),
    "size float-like": (lambda o: _member(o).update(size="10"), "bad_manifest"),
    "size > 4 GiB": (lambda o: _member(o).update(size=4 * 2**30 + 1), "too_large"),
    "records > 256 MiB": (lambda o: o["members"][0].update(size=256 * 2**20 + 1), "too_large"),
    "duplicate member": (lambda o: o["members"].append(_member(o)), "bad_manifest"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_rejects(good: dict[str, Any], name: str) -> None:
    mutate, code = MUTATIONS[name]
    obj = copy.deepcopy(good)
    mutate(obj)
    with pytest.raises(BundleError) as info:
        parse(canonical_json(obj))
    assert info.value.code == code, str(info.value)


def test_total_size_cap(good: dict[str, Any]) -> None:
    with pytest.raises(BundleError) as info:
        parse(canonical_json(good), Limits(max_total_bytes=10))
    assert info.value.code == "too_large"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"null",
        b"[]",
        b'{"format":"hrd-field-bundle","format":"hrd-field-bundle"}',
        b"\xef\xbb\xbf{}",  # BOM
        b'{"a":"\xff"}',
        b'{"a":"\xed\xa0\x80"}',  # UTF-8-encoded surrogate
        b'{"a":NaN}',
        b'{"a":1.5}',
        b'{"a":' + b"9" * 5000 + b"}",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"a":"\\ud800"}',
    ],
)
def test_rejects_bad_json(data: bytes) -> None:
    with pytest.raises(BundleError) as info:
        parse(data)
    assert info.value.code == "bad_manifest"


def test_rejects_non_canonical(written: WrittenBundle) -> None:
    data = written.manifest_bytes
    for variant in (data + b"\n", b" " + data, data.replace(b'":', b'": ', 1)):
        with pytest.raises(BundleError) as info:
            parse(variant)
        assert info.value.code == "bad_manifest"


def test_size_cap_before_parsing() -> None:
    with pytest.raises(BundleError) as info:
        parse(b" " * (1024 * 1024 + 1))
    assert info.value.code == "too_large"
