"""HQ decides without copying a threat whether its links need resolving: the decision must
be the one resolving them would make."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_field.core import linking
from hrd_field.core.records import ParticipantCounts, PersonStub, ThreatReport

_IDS = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(6)]
_GENDERS = st.sampled_from([None, "woman", "man", "non_binary", "another_identity",
                            "prefers_not_to_say"])
_COUNT = st.integers(-1, 4)


@settings(max_examples=500, deadline=None)
@given(linked=st.lists(st.sampled_from(_IDS), unique=True, max_size=4),
       held=st.dictionaries(st.sampled_from(_IDS), _GENDERS, max_size=6),
       stubs=st.lists(_GENDERS, max_size=3),
       counts=st.tuples(_COUNT, _COUNT, _COUNT, _COUNT))
def test_resolved_at_hq_says_what_resolving_would_do(
        linked: list[str], held: dict[str, str | None], stubs: list[str | None],
        counts: tuple[int, int, int, int]) -> None:
    concerned = ParticipantCounts(**dict(zip(linking.COLUMNS, counts, strict=True)))
    threat = ThreatReport(person_ids=linked, persons_concerned=concerned,
                          persons_not_shared=[PersonStub(gender=g) for g in stubs])
    untouched = copy.deepcopy(threat)
    assert linking.resolved_at_hq(threat, held) is not linking.resolve_at_hq(
        copy.deepcopy(threat), held)
    assert threat == untouched
