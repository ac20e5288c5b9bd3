"""Small read operations the screens need, each a name instead of a query in the GUI."""

from __future__ import annotations

from collections.abc import Iterator

from ..core.i18n import _
from ..core.records import Mission, Person, Record
from .ledger import OutboxItem, SentBundle
from .queries import MAX_PAGE, Filters, Hit, Row
from .vault import Vault

MAX_MISSIONS = 1000


def mission_titles(vault: Vault) -> list[tuple[str, str]]:
    """(id, title) of every mission, for the current-mission choice and filters."""
    return [(r.id, r.title) for r in vault.records.rows(
        Filters(type="mission"), order_by="event_date", limit=MAX_MISSIONS)]


CURRENT_MISSION = "gui.current_mission"


def remembered_mission(vault: Vault) -> Mission | None:
    """The mission chosen last time; in a vault where none was ever chosen (not even
    "none"), its only mission, which is what someone opening it means to work in."""
    mission_id = vault.meta(CURRENT_MISSION)
    if mission_id is None:
        only = vault.records.rows(Filters(type="mission"), limit=2)
        mission_id = only[0].id if len(only) == 1 else None
    if not mission_id or not vault.records.exists(mission_id):
        return None
    record = vault.records.get(mission_id)
    return record if isinstance(record, Mission) else None


def remember_mission(vault: Vault, mission_id: str | None) -> None:
    vault.set_meta(CURRENT_MISSION, mission_id or "")


def person_aliases(vault: Vault, ids: list[str]) -> list[tuple[str, str | None]]:
    """(id, alias) for linked people; None for a person deleted since."""
    return [(i, str(vault.records.get(i).__dict__.get("alias", "")))
            if vault.records.exists(i) else (i, None) for i in ids]


def find_people(vault: Vault, text: str, limit: int = 20) -> list[Row]:
    return vault.records.rows(Filters(type="person"), text=text, order_by="title",
                              descending=False, limit=limit)


def record_with_draft(vault: Vault, record_id: str) -> tuple[Record, Record | None]:
    """A saved record and the draft of unsaved changes to it, if any."""
    return vault.records.get(record_id), vault.records.draft(record_id)


def drafts_to_restore(vault: Vault) -> list[tuple[Record, bool]]:
    """Drafts left by a lock or a crash, with whether their record was ever saved."""
    return [(d, vault.records.exists(d.id)) for d in vault.records.drafts()]


def outbox_state(vault: Vault) -> tuple[list[SentBundle], dict[int, OutboxItem]]:
    """Every bundle written, and those still waiting for HQ by sequence number."""
    return vault.exports.bundles(), {i.seq: i for i in vault.exports.waiting()}


IDENTITY_SCAN_LIMIT = 20_000


def search_everything(vault: Vault, text: str, *, include_identity: bool,
                      per_type: int = 50) -> dict[str, list[Hit]]:
    """Hits for ``text`` in every kind of record, grouped by record type, best first.

    Identity fields are not in the full-text index (a hit must never show a legal name).
    With ``include_identity`` (the user may reveal names), people whose legal name or
    contact details contain the text are found as well; the hit shows their alias."""
    grouped: dict[str, list[Hit]] = {}
    for hit in vault.records.search(text, limit=per_type * 8):
        bucket = grouped.setdefault(hit.type, [])
        if len(bucket) < per_type:
            bucket.append(hit)
    needle = text.strip().casefold()
    if include_identity and needle:
        people = grouped.setdefault("person", [])
        known = {h.id for h in people}
        for person in _people(vault):
            if len(people) >= per_type:
                break
            if person.id in known:
                continue
            if needle in person.legal_name.casefold() or needle in person.contact.casefold():
                people.append(Hit(person.id, "person", person.alias,
                                  _("(matches a name or contact detail)")))
        if not people:
            del grouped["person"]
    return grouped


def _people(vault: Vault) -> Iterator[Person]:
    for offset in range(0, IDENTITY_SCAN_LIMIT, MAX_PAGE):
        page = vault.records.page(Filters(type="person"), limit=MAX_PAGE, offset=offset)
        yield from (p for p in page if isinstance(p, Person))
        if len(page) < MAX_PAGE:
            return
