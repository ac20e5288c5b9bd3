"""Bounds on untrusted bundles, checked before the work they would cost is done."""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    # age header: read at most this much before calling pyrage (its header parser is
    # quadratic in the number of stanzas, see DESIGN.md).
    max_header_bytes: int = 64 * KiB
    max_stanzas: int = 32
    # The age spec does not bound argument lines; post-quantum stanzas need ~1.5 KiB.
    max_stanza_line: int = 4 * KiB
    # Members buffered in memory.
    max_manifest_bytes: int = 1 * MiB
    max_signature_bytes: int = 4 * KiB
    max_records_bytes: int = 256 * MiB
    # Streamed members.
    max_member_bytes: int = 4 * GiB
    max_total_bytes: int = 16 * GiB
    max_members: int = 100_000
    # Zero padding allowed after the end-of-archive marker (tar pads to 10 KiB records).
    max_trailing_zeros: int = 64 * KiB


DEFAULT_LIMITS = Limits()
