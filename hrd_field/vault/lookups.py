"""Small read operations the screens need, each a name instead of a query in the GUI."""

from __future__ import annotations

from ..core.records import Mission, Record
from .ledger import OutboxItem, SentBundle
from .queries import Filters, Row
from .vault import Vault

MAX_MISSIONS = 1000


def mission_titles(vault: Vault) -> list[tuple[str, str]]:
    """(id, title) of every mission, for the current-mission choice and filters."""
    return [(r.id, r.title) for r in vault.records.rows(
        Filters(type="mission"), order_by="event_date", limit=MAX_MISSIONS)]


CURRENT_MISSION = "gui.current_mission"


def remembered_mission(vault: Vault) -> Mission | None:
    mission_id = vault.meta(CURRENT_MISSION)
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
