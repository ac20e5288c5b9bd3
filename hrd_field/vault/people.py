"""Small reads about people for the editors that link them (by alias only)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.i18n import _
from .repository import Filters
from .vault import Vault


@dataclass(frozen=True)
class PersonLink:
    """What a linking editor may show of a person: the alias, never the identity fields."""

    id: str
    alias: str
    mission_id: str | None


def find_people(vault: Vault, text: str, limit: int = 20) -> list[PersonLink]:
    """People whose records match ``text`` (full-text), by alias."""
    rows = vault.records.rows(Filters(type="person"), text=text, order_by="title",
                              descending=False, limit=limit)
    return [PersonLink(r.id, r.title, r.mission_id) for r in rows]


def linked_people(vault: Vault, ids: list[str]) -> list[PersonLink]:
    """The linked people in order; a deleted one keeps its place, marked as deleted."""
    out = []
    for person_id in ids:
        if vault.records.exists(person_id):
            person = vault.records.get(person_id)
            out.append(PersonLink(person_id, str(getattr(person, "alias", "")),
                                  person.mission_id))
        else:
            out.append(PersonLink(person_id, _("(deleted)"), None))
    return out
