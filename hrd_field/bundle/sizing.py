"""How big a bundle will be, before writing it, so exports can be split at a maximum size.

Exact for tar and age framing; the manifest is bounded with the longest possible values, so
the estimate is an upper bound that exceeds the real size by at most a few KiB.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import agefile, ustar
from .manifest import FORMAT, FORMAT_VERSION, MAX_SAFE_INT, attachment_name, canonical_json

# Our .minisig is about 350 bytes (two comments, two base64 lines).
SIGNATURE_UPPER_BOUND = 512
X25519_RECIPIENT_LENGTH = 62


def manifest_upper_bound(
    member_sizes: Sequence[int], recipients: int, abandoned_sequences: int, count_keys: int
) -> int:
    obj = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bundle_id": "0" * 36,
        "created_at": "0" * 20,
        "device_public_key": "A" * 44,
        "device_key_id": "0" * 16,
        "sequence": MAX_SAFE_INT,
        "previous_manifest_sha256": "0" * 64,
        "recipients": ["a" * X25519_RECIPIENT_LENGTH] * recipients,
        "abandoned_sequences": [MAX_SAFE_INT] * abandoned_sequences,
        "app_version": "v" * 64,
        "schema_version": 2**31 - 1,
        "counts": {f"{i:x>64}": MAX_SAFE_INT for i in range(count_keys + 1)},
        "members": [
            {"name": attachment_name("0" * 64), "sha256": "0" * 64, "size": size}
            for size in member_sizes
        ],
    }
    return len(canonical_json(obj))


def estimate_bundle_size(
    *,
    records_size: int,
    attachment_sizes: Sequence[int],
    recipients: int = 1,
    abandoned_sequences: int = 0,
    count_keys: int = 16,
) -> int:
    """Upper bound on the size of the file ``write_bundle`` produces for these members.

    ``count_keys`` is the number of record types in ``counts`` (``attachments`` excluded).
    """
    members = [records_size, *attachment_sizes]
    manifest = manifest_upper_bound(members, recipients, abandoned_sequences, count_keys)
    tar = ustar.archive_size([manifest, SIGNATURE_UPPER_BOUND, *members])
    return agefile.encrypted_size(tar, agefile.max_header_size(recipients))
