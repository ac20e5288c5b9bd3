"""What HQ accepts from a device: the decisions, apart from any storage.

Pure functions over small facts the store looks up (SQLCipher today, PostgreSQL later), so
every backend applies the same rules. Each returns ``None`` (accept) or the kind of alarm
that refuses the bundle; the importer raises the alarm and imports nothing from it.

- A record belongs to the device that first sent it. Another device may send versions of it
  only if HQ let both share the record's mission (``hq device share``).
- Versions and sequence numbers only grow by plausible steps: one edit is one version, one
  export of a large vault a few hundred bundles. A jump beyond that is a forged counter
  (e.g. version 2**31 to win every later comparison), not field work.
- A sequence a device declared abandoned is never filled later; each bundle names the
  previous manifest it follows, and two bundles following the same one are a fork.
- After a revocation, a late bundle at or below the cut is imported only if a bundle HQ
  already holds vouches for it (names its manifest as previous): the revoked key may have
  been used to forge the missing ones.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..core.i18n import N_

MAX_VERSION_STEP = 10_000
"""Versions a record may gain between two bundles HQ receives (one per saved edit)."""

MAX_SEQUENCE_STEP = 1_000
"""Sequence numbers a device may skip past the highest one HQ knows (bundles of one big
export, abandoned attempts)."""

MAX_QUARANTINE_PER_SOURCE = 64
"""Bundles an uploading device may have in quarantine, so that no device can fill HQ's disk
with them (imports by hand at HQ are not capped: staff chose those files)."""

# Alarm kinds; each refuses the whole bundle.
FOREIGN_RECORD = "foreign_record"
VERSION_JUMP = "version_jump"
TYPE_CHANGE = "type_change"
ABANDONED_REUSED = "abandoned_reused"
SEQUENCE_JUMP = "sequence_jump"
FORK = "fork"
CHAIN_BREAK = "chain_break"
REVOKED_UNVOUCHED = "revoked_unvouched"
UNKNOWN_DEVICE = "unknown_device"

QUARANTINE_DECISIONS = {
    UNKNOWN_DEVICE: N_("Signed by a device HQ has not registered: kept, still encrypted, "
                       "until the device is registered; then import the file."),
    REVOKED_UNVOUCHED: N_("From a revoked device, and no bundle HQ holds vouches for it: "
                          "kept, still encrypted, for review; import it only after checking "
                          "where it came from (hq import --after-revocation)."),
}
"""Why the importer kept a bundle in quarantine instead of importing it (the inbox and
'hq quarantine' show it)."""


@dataclass(frozen=True)
class HeldRecord:
    """What HQ holds about a record before this bundle."""

    owner: str  # key of the device that first sent it
    version: int  # highest version HQ holds
    type: str
    mission_id: str | None  # the mission it was first sent under (a mission: its own id)


def record_refusal(held: HeldRecord | None, *, sender: str, version: int, record_type: str,
                   sharers: Collection[str] = ()) -> str | None:
    """May ``sender`` deliver this version? ``sharers``: the devices HQ lets share the
    record's mission (empty when it has none)."""
    if held is None:
        return VERSION_JUMP if version > MAX_VERSION_STEP else None
    if held.type != record_type:
        return TYPE_CHANGE
    if sender != held.owner and not (sender in sharers and held.owner in sharers):
        return FOREIGN_RECORD
    if version > held.version + MAX_VERSION_STEP:
        return VERSION_JUMP
    return None


@dataclass(frozen=True)
class ChainFacts:
    """What HQ holds about one device's sequence, around an incoming bundle."""

    top: int = 0
    """Highest sequence HQ has received or seen declared abandoned (0: none)."""
    abandoned: frozenset[int] = frozenset()
    """Sequences declared abandoned (by earlier bundles and by this one)."""
    below: tuple[int, str] | None = None
    """(sequence, manifest sha256) of the nearest bundle HQ holds below this one."""
    above: tuple[int, str | None] | None = None
    """(sequence, previous manifest sha256) of the nearest bundle HQ holds above."""
    same_previous: int | None = None
    """Sequence of another bundle HQ holds that follows the same previous manifest."""
    vouched: bool = False
    """A bundle HQ holds names this bundle's manifest as its previous one."""


def sequence_refusal(seq: int, previous: str | None, manifest_sha256: str,
                     facts: ChainFacts, *, revoked_cut: int | None = None) -> str | None:
    """May this bundle enter the device's chain? ``revoked_cut``: for a revoked device, the
    last sequence HQ still accepts (bundles above it never reach this check)."""
    if seq in facts.abandoned:
        return ABANDONED_REUSED
    if seq > facts.top + MAX_SEQUENCE_STEP:
        return SEQUENCE_JUMP
    if previous is not None and facts.same_previous is not None:
        return FORK
    if facts.below is not None and _only_abandoned_between(facts.below[0], seq,
                                                           facts.abandoned):
        if previous != facts.below[1]:
            return CHAIN_BREAK
    elif facts.below is None and _only_abandoned_between(0, seq, facts.abandoned) \
            and previous is not None:
        return CHAIN_BREAK  # the device's first written bundle follows nothing
    if facts.above is not None and _only_abandoned_between(seq, facts.above[0],
                                                           facts.abandoned):
        if facts.above[1] != manifest_sha256:
            return CHAIN_BREAK
    if revoked_cut is not None and not facts.vouched:
        return REVOKED_UNVOUCHED
    return None


def _only_abandoned_between(low: int, high: int, abandoned: frozenset[int]) -> bool:
    """Every sequence strictly between ``low`` and ``high`` was declared abandoned."""
    return sum(1 for s in abandoned if low < s < high) == max(0, high - low - 1)


def gap_ranges(received: Collection[int], abandoned: Collection[int]) -> list[tuple[int, int]]:
    """Missing sequences up to the highest one known, as inclusive (first, last) ranges;
    linear in what is known, whatever the numbers are."""
    known = sorted(set(received) | set(abandoned))
    ranges: list[tuple[int, int]] = []
    expected = 1
    for seq in known:
        if seq > expected:
            ranges.append((expected, seq - 1))
        expected = max(expected, seq + 1)
    return ranges
