"""The bundle manifest: canonical JSON encoding and strict parsing of untrusted bytes.

The manifest is signed as exact bytes, so its encoding is canonical (sorted keys, no
whitespace, UTF-8) and the parser accepts only canonical bytes: one manifest, one hash.
Unknown keys are rejected; a new field means a new ``format_version``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from hrd_field.core.i18n import _

from .errors import BadManifest, TooLarge, printable
from .limits import DEFAULT_LIMITS, Limits

FORMAT = "hrd-field-bundle"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.minisig"
RECORDS_NAME = "records.jsonl"
ATTACHMENT_PREFIX = "attachments/"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_ATTACHMENT = re.compile(r"attachments/([0-9a-f]{64})")
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_KEY_ID = re.compile(r"[0-9A-F]{16}")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
# Bech32 lower case; long enough for post-quantum recipients should we ever use them.
_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{20,2000}")
_APP_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}")
_COUNT_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_SAFE_INT = 2**53 - 1
MAX_RECIPIENTS = 32
MAX_COUNT_KEYS = 64
MAX_ABANDONED = 10_000
FIELDS = frozenset({
    "format", "format_version", "bundle_id", "created_at", "device_public_key",
    "device_key_id", "sequence", "previous_manifest_sha256", "recipients",
    "abandoned_sequences", "app_version", "schema_version", "counts", "members",
})


@dataclass(frozen=True)
class Member:
    name: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size}

    @property
    def attachment_sha256(self) -> str | None:
        match = _ATTACHMENT.fullmatch(self.name)
        return match.group(1) if match else None


def attachment_name(sha256_hex: str) -> str:
    return ATTACHMENT_PREFIX + sha256_hex


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_bundle_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Manifest:
    bundle_id: str
    created_at: str
    device_public_key: bytes
    device_key_id: str
    sequence: int
    previous_manifest_sha256: str | None
    recipients: tuple[str, ...]
    abandoned_sequences: tuple[int, ...]
    app_version: str
    schema_version: int
    counts: Mapping[str, int]
    members: tuple[Member, ...]
    format: str = field(default=FORMAT)
    format_version: int = field(default=FORMAT_VERSION)

    def __post_init__(self) -> None:
        # Frozen all the way down: a verified manifest must not change after the check.
        object.__setattr__(self, "counts", MappingProxyType(dict(self.counts)))

    def to_json_obj(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "format_version": self.format_version,
            "bundle_id": self.bundle_id,
            "created_at": self.created_at,
            "device_public_key": base64.b64encode(self.device_public_key).decode("ascii"),
            "device_key_id": self.device_key_id,
            "sequence": self.sequence,
            "previous_manifest_sha256": self.previous_manifest_sha256,
            "recipients": list(self.recipients),
            "abandoned_sequences": list(self.abandoned_sequences),
            "app_version": self.app_version,
            "schema_version": self.schema_version,
            "counts": dict(self.counts),
            "members": [m.to_json() for m in self.members],
        }

    def to_bytes(self) -> bytes:
        """Canonical encoding; ``parse(m.to_bytes()) == m`` for every valid manifest."""
        return canonical_json(self.to_json_obj())

    @property
    def created_at_unix(self) -> int:
        stamp = datetime.strptime(self.created_at, "%Y-%m-%dT%H:%M:%SZ")
        return int(stamp.replace(tzinfo=UTC).timestamp())

    @property
    def records_member(self) -> Member:
        return self.members[0]

    @property
    def attachment_members(self) -> tuple[Member, ...]:
        return self.members[1:]

    def validate(self, limits: Limits = DEFAULT_LIMITS) -> None:
        """Raise ``BadManifest``/``TooLarge`` unless every field is well formed."""
        _check_fields(self, limits)


def canonical_json(obj: object) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _bad(reason: str) -> BadManifest:
    return BadManifest(reason=reason)


def _pairs_no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _bad(_("the key {key} appears twice").format(key=printable(key, 40)))
        out[key] = value
    return out


def _no_floats(text: str) -> Any:
    raise _bad(_("numbers must be integers"))


def _no_constants(text: str) -> Any:
    raise _bad(_("{name} is not allowed").format(name=printable(text, 20)))


def _is_int(value: object) -> bool:
    # bool is an int subclass in Python; JSON true is not a number.
    return isinstance(value, int) and not isinstance(value, bool)


def _int_field(obj: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = obj[key]
    if not _is_int(value) or not low <= value <= high:
        raise _bad(_("{key} must be an integer from {low} to {high}").format(
            key=key, low=low, high=high))
    return int(value)


def _str_field(obj: Mapping[str, Any], key: str, pattern: re.Pattern[str]) -> str:
    value = obj[key]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _bad(_("{key} is malformed").format(key=key))
    return value


def parse(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Manifest:
    """Parse untrusted manifest bytes; raise ``BadManifest`` or ``TooLarge``."""
    if len(data) > limits.max_manifest_bytes:
        raise TooLarge(what=MANIFEST_NAME, size=len(data), limit=limits.max_manifest_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(_("not valid UTF-8")) from exc
    try:
        obj = json.loads(
            text,
            object_pairs_hook=_pairs_no_duplicates,
            parse_float=_no_floats,
            parse_constant=_no_constants,
        )
    except json.JSONDecodeError as exc:
        raise _bad(_("not valid JSON (line {line}, column {col})").format(
            line=exc.lineno, col=exc.colno)) from exc
    except (RecursionError, ValueError) as exc:
        # ValueError: e.g. an integer with thousands of digits.
        raise _bad(_("not valid JSON")) from exc
    manifest = _from_obj(obj, limits)
    if manifest.to_bytes() != data:
        raise _bad(_("not in canonical form"))
    return manifest


def _from_obj(obj: object, limits: Limits) -> Manifest:
    if not isinstance(obj, dict):
        raise _bad(_("not a JSON object"))
    if obj.get("format") != FORMAT:
        raise _bad(_("unknown format"))
    if obj.get("format_version") != FORMAT_VERSION or not _is_int(obj.get("format_version")):
        raise _bad(_("unsupported format version"))
    keys = set(obj)
    if keys != FIELDS:
        unknown = sorted(keys - FIELDS)
        missing = sorted(FIELDS - keys)
        raise _bad(_("unexpected fields {unknown}, missing fields {missing}").format(
            unknown=printable(",".join(unknown), 60), missing=",".join(missing)))
    key_b64 = _str_field(obj, "device_public_key", re.compile(r"[A-Za-z0-9+/]{43}="))
    try:
        device_public_key = base64.b64decode(key_b64, validate=True)
    except binascii.Error as exc:
        raise _bad(_("device_public_key is malformed")) from exc
    previous = obj["previous_manifest_sha256"]
    if previous is not None and (not isinstance(previous, str) or not _HEX64.fullmatch(previous)):
        raise _bad(_("previous_manifest_sha256 is malformed"))
    recipients = obj["recipients"]
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise _bad(_("recipients must be a list of strings"))
    abandoned = obj["abandoned_sequences"]
    if not isinstance(abandoned, list) or not all(_is_int(s) for s in abandoned):
        raise _bad(_("abandoned_sequences must be a list of integers"))
    counts = obj["counts"]
    if not isinstance(counts, dict):
        raise _bad(_("counts must be an object"))
    members = obj["members"]
    if not isinstance(members, list):
        raise _bad(_("members must be a list"))
    if len(members) > limits.max_members + 1:
        raise TooLarge(what="members", size=len(members), limit=limits.max_members)
    manifest = Manifest(
        bundle_id=_str_field(obj, "bundle_id", _UUID4),
        created_at=_str_field(obj, "created_at", _TIMESTAMP),
        device_public_key=device_public_key,
        device_key_id=_str_field(obj, "device_key_id", _KEY_ID),
        sequence=_int_field(obj, "sequence", 1, MAX_SAFE_INT),
        previous_manifest_sha256=previous,
        recipients=tuple(recipients),
        abandoned_sequences=tuple(abandoned),
        app_version=_str_field(obj, "app_version", _APP_VERSION),
        schema_version=_int_field(obj, "schema_version", 1, 2**31 - 1),
        counts=counts,
        members=tuple(_member(m) for m in members),
    )
    _check_fields(manifest, limits)
    return manifest


def _member(obj: object) -> Member:
    if not isinstance(obj, dict) or set(obj) != {"name", "sha256", "size"}:
        raise _bad(_("a member entry must have exactly name, sha256 and size"))
    name, digest, size = obj["name"], obj["sha256"], obj["size"]
    if not isinstance(name, str) or not isinstance(digest, str) or not _is_int(size):
        raise _bad(_("a member entry has a field of the wrong type"))
    return Member(name=name, sha256=digest, size=size)


def _check_fields(m: Manifest, limits: Limits) -> None:
    """Field rules shared by the parser (untrusted input) and the writer (our own input)."""
    if m.format != FORMAT or m.format_version != FORMAT_VERSION:
        raise _bad(_("unsupported format version"))
    if not _UUID4.fullmatch(m.bundle_id) or not _KEY_ID.fullmatch(m.device_key_id):
        raise _bad(_("bundle_id or device_key_id is malformed"))
    try:
        if not _TIMESTAMP.fullmatch(m.created_at):
            raise ValueError(m.created_at)
        datetime.strptime(m.created_at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError as exc:
        raise _bad(_("created_at is not a UTC timestamp")) from exc
    if len(m.device_public_key) != 32:
        raise _bad(_("device_public_key is not 32 bytes"))
    if not _is_int(m.sequence) or not 1 <= m.sequence <= MAX_SAFE_INT:
        raise _bad(_("sequence is out of range"))
    _check_recipients(m.recipients)
    _check_abandoned(m.abandoned_sequences, m.sequence)
    if not _APP_VERSION.fullmatch(m.app_version):
        raise _bad(_("app_version is malformed"))
    _check_members(m.members, limits)
    _check_counts(m.counts, len(m.members) - 1)


def _check_recipients(recipients: Sequence[str]) -> None:
    if not 1 <= len(recipients) <= MAX_RECIPIENTS:
        raise _bad(_("recipients must list 1 to {limit} entries").format(limit=MAX_RECIPIENTS))
    if any(not _RECIPIENT.fullmatch(r) for r in recipients):
        raise _bad(_("a recipient is not an age recipient"))
    if list(recipients) != sorted(set(recipients)):
        raise _bad(_("recipients must be sorted and unique"))


def _check_abandoned(abandoned: Sequence[int], sequence: int) -> None:
    if len(abandoned) > MAX_ABANDONED:
        raise _bad(_("too many abandoned sequences"))
    if any(not _is_int(s) or not 1 <= s < sequence for s in abandoned):
        raise _bad(_("abandoned sequences must be earlier sequence numbers"))
    if list(abandoned) != sorted(set(abandoned)):
        raise _bad(_("abandoned sequences must be sorted and unique"))


def _check_members(members: Sequence[Member], limits: Limits) -> None:
    if not members or members[0].name != RECORDS_NAME:
        raise _bad(_("the first member must be {name}").format(name=RECORDS_NAME))
    if len(members) - 1 > limits.max_members:
        raise TooLarge(what="members", size=len(members) - 1, limit=limits.max_members)
    seen: set[str] = set()
    total = 0
    for index, member in enumerate(members):
        if not _HEX64.fullmatch(member.sha256):
            raise _bad(_("member {name} has a malformed sha256").format(
                name=printable(member.name)))
        if index > 0 and member.attachment_sha256 != member.sha256:
            raise _bad(_("member {name} is not named attachments/<its sha256>").format(
                name=printable(member.name)))
        if member.name in seen:
            raise _bad(_("member {name} appears twice").format(name=printable(member.name)))
        seen.add(member.name)
        cap = limits.max_records_bytes if index == 0 else limits.max_member_bytes
        if not _is_int(member.size) or member.size < 0:
            raise _bad(_("member {name} has a negative size").format(name=printable(member.name)))
        if member.size > cap:
            raise TooLarge(what=printable(member.name), size=member.size, limit=cap)
        total += member.size
    if total > limits.max_total_bytes:
        raise TooLarge(what="members", size=total, limit=limits.max_total_bytes)


def _check_counts(counts: Mapping[str, int], attachments: int) -> None:
    if len(counts) > MAX_COUNT_KEYS:
        raise _bad(_("counts has too many entries"))
    for key, value in counts.items():
        if not isinstance(key, str) or not _COUNT_KEY.fullmatch(key):
            raise _bad(_("counts has a malformed key"))
        if not _is_int(value) or not 0 <= value <= MAX_SAFE_INT:
            raise _bad(_("counts must be non-negative integers"))
    if counts.get("attachments") != attachments:
        raise _bad(_("counts.attachments does not match the attachment members"))
