"""People linked to threat reports and reprisal incidents, as HQ may see them.

The field keeps links as ``person_ids``. A linked person whose own record does not leave
the laptop (a draft, or no consent to share it) still counts at HQ: the export replaces the
link with a pseudonymous stub (gender, age group, groups; never a name or a contact), and
every report carries the persons concerned by gender. At HQ no link points to a record HQ
does not hold. Pure functions: the vault, the exporter and both HQ backends call them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Container, Iterable, Mapping

from .records import Consent, ParticipantCounts, Person, PersonStub, ThreatReport

# Person.gender → the four columns the mandate's reports count ("of whom women").
# "Another identity" is counted with non-binary people: gender-diverse, not "not stated".
GENDER_COLUMN = {
    "woman": "women",
    "man": "men",
    "non_binary": "non_binary",
    "another_identity": "non_binary",
    "prefers_not_to_say": "not_stated",
}
COLUMNS = ("women", "men", "non_binary", "not_stated")


def counts_of(genders: Iterable[str | None]) -> ParticipantCounts:
    counts = ParticipantCounts()
    for gender in genders:
        column = GENDER_COLUMN.get(gender or "", "not_stated")
        setattr(counts, column, getattr(counts, column) + 1)
    return counts


def total(counts: ParticipantCounts) -> int:
    return sum(getattr(counts, c) for c in COLUMNS)


def at_least(counts: ParticipantCounts, known: ParticipantCounts) -> ParticipantCounts:
    """``counts`` raised, column by column, to what the linked people alone make: numbers
    entered for a group are kept, and never fall below the people known by name. A
    negative number stays as it came, for validation to refuse rather than mend."""
    return ParticipantCounts(**{c: max(n, getattr(known, c)) if (n := getattr(counts, c)) >= 0
                                else n for c in COLUMNS})


def linked_genders(record: ThreatReport, people: Mapping[str, str | None]) -> list[str | None]:
    """Genders of everyone linked: people by id (None when unknown) and the stubs."""
    return [people.get(pid) for pid in record.person_ids] + [
        s.gender for s in record.persons_not_shared]


def fill_persons_concerned(record: ThreatReport, people: Mapping[str, str | None]) -> None:
    """Derive ``persons_concerned`` from the linked people where they are known."""
    record.persons_concerned = at_least(record.persons_concerned,
                                        counts_of(linked_genders(record, people)))


def may_link(person: Person) -> bool:
    """Whether a stub may carry the person's own id, so HQ can match it when the record
    itself arrives later: only when the person agreed to be shared with HQ (the record stays
    only because it is still a draft)."""
    consent: Consent = person.consent
    return consent.obtained and consent.scope.share_with_hq


def stub_of(person: Person | None, ref: str) -> PersonStub:
    if person is None:  # deleted since it was linked: it still counts, as unknown
        return PersonStub(ref=ref)
    return PersonStub(ref=ref, gender=person.gender, age_group=person.age_group,
                      rights_defended=list(person.rights_defended),
                      professions=list(person.professions),
                      situations=list(person.situations))


def for_hq(record: ThreatReport, *, shared: Container[str],
           people: Mapping[str, Person | None], new_ref: Callable[[], str]) -> ThreatReport:
    """A copy of ``record`` as it may leave for HQ: links to people HQ will hold (``shared``)
    stay; every other link becomes a stub, with a fresh random ``new_ref()`` unless the
    person allows linking. ``persons_concerned`` is completed from everyone linked."""
    out = copy.deepcopy(record)
    genders = {pid: (p.gender if p is not None else None) for pid, p in people.items()}
    fill_persons_concerned(out, genders)
    kept: list[str] = []
    for pid in out.person_ids:
        if pid in shared:
            kept.append(pid)
            continue
        person = people.get(pid)
        ref = pid if person is not None and may_link(person) else new_ref()
        out.persons_not_shared.append(stub_of(person, ref))
    out.person_ids = kept
    return out


def resolved_at_hq(record: ThreatReport, held: Mapping[str, str | None]) -> bool:
    """Whether ``resolve_at_hq`` would leave the record as it is (checked without copying
    it: most threats HQ receives link only people it holds, with their counts made)."""
    return all(pid in held for pid in record.person_ids) and at_least(
        record.persons_concerned, counts_of(linked_genders(record, held))
    ) == record.persons_concerned


def resolve_at_hq(record: ThreatReport, held: Mapping[str, str | None]) -> bool:
    """Turn links to people HQ does not hold into stubs (records from devices that did not
    make stubs yet). ``held``: the linked people HQ holds, id → gender. The id is kept as
    the stub's reference: HQ already had it. Returns whether anything changed."""
    before = (list(record.person_ids), copy.copy(record.persons_concerned))  # numbers
    fill_persons_concerned(record, held)
    missing = [pid for pid in record.person_ids if pid not in held]
    record.person_ids = [pid for pid in record.person_ids if pid in held]
    record.persons_not_shared.extend(PersonStub(ref=pid) for pid in missing)
    return (record.person_ids, record.persons_concerned) != before


LINK_FIELDS = ("person_ids", "persons_not_shared", "persons_concerned")


def comparable(data: dict[str, object]) -> dict[str, object]:
    """A record's JSON object without what the export derives from links: the same version
    exported twice carries fresh random stub references (and may link a person shared in
    between), which is not different content from the device."""
    return {k: v for k, v in data.items() if k not in LINK_FIELDS}


def comparable_json(body: str) -> str:
    """``comparable`` of a stored JSON body, as canonical text (for fingerprints)."""
    import json

    data = json.loads(body)
    if isinstance(data, dict):
        data = comparable(data)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
