"""A received record's page at HQ reads as the record does in the field: nested items (a
place, participants, follow-up actions) as their own labelled fields, codes and countries
by name, yes or no, in the reader's language — never Python's text of a dict or a list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import PASSPHRASE
from helpers.hqkit import consultation, export, make_world

from hrd_field.core.records import FollowUpAction, ParticipantCounts, Place
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("received_page")
    met = consultation("Consultation with defenders in the north.\n" + "Details. " * 200
                       + "The last line of a long summary.")
    met.place = Place(country="KE")
    met.participants = ParticipantCounts(women=12)
    met.follow_up = [FollowUpAction(action="Call the lawyer", due_date="2025-04-01",
                                    done=True),
                     FollowUpAction(action="Visit the shelter")]
    world = make_world(root / "w", records=[met])
    [bundle] = export(world.field, root / "out")
    with HqStore.open(world.store_dir, PASSPHRASE) as hq:
        assert import_bundle(hq, bundle).status == "imported"
    return world.store_dir, met.id


@pytest.mark.parametrize("language, expected", [
    ("en", ["Country: Kenya", "Women: 12", "Action: Call the lawyer", "Done: Yes",
            "Action: Visit the shelter", "Done: No", "01/04/2025"]),
    ("ar", ["كينيا", "١٢", "Call the lawyer", "Visit the shelter", "نعم", "٤\u200f/٢٠٢٥"]),
])
def test_nested_fields_read_as_labelled_values(
        qtbot: Any, open_hq_store: Callable[..., Any], store: tuple[Path, str],
        language: str, expected: list[str]) -> None:
    ws = open_hq_store(store[0], language).workspace
    ws.show_section("received")
    ws.received.show_record(store[1])
    qtbot.waitUntil(lambda: "Visit the shelter" in ws.received.detail.toPlainText(),
                    timeout=10_000)
    text = ws.received.detail.toPlainText()
    for shown in expected:
        assert shown in text, (shown, text)
    assert "The last line of a long summary." in text  # whole, not cut at 500 characters
    assert "in the north.\nDetails." in text  # its line breaks kept
    for raw in ("{'", "[{", "'action'", "True", "False", "due_date", "women_only"):
        assert raw not in text, (raw, text)
    if language == "en":  # a count nobody gave is left out of a nested item
        assert "Men: 0" not in text
