"""A search as you type that matches more records than a list holds says so, in the
person's language and with the grammar its number takes there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from hrd_field.core.records import Person
from hrd_field.vault.queries import MATCH_CAP
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, give_focus, type_text, unlock

# the words that change with the number: "records" after 1,000 in each language's grammar
# (Russian and Arabic take another form after 1,000 than after 1 or 5)
CAPPED = {
    "en": ("More than 1,000 records match", "record matches"),
    "ru": ("более 1\u00a0000 записей", "записи:"),
    "ar": ("أكثر من", "سجلات"),
    "fr": ("Plus de 1\u202f000 fiches correspondent", "fiche correspond"),
}


@pytest.mark.parametrize("language", sorted(CAPPED))
def test_a_common_word_shows_a_capped_count_in_the_persons_language(
        qtbot, make_window, tmp_path, language):
    vault_dir = tmp_path / "vault"
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        vault.records.create_many([Person(alias=f"Quillon {i}", status="final")
                                   for i in range(MATCH_CAP + 5)]
                                  + [Person(alias="Other", status="final")])
    window = make_window(vault_dir, language=language)
    unlock(qtbot, window)
    window.workspace.show_section("person")
    view = window.workspace.lists["person"]
    qtbot.waitUntil(lambda: view.model.rowCount() == MATCH_CAP + 6, timeout=20_000)
    type_text(qtbot, view.search, "Quillon")
    view.apply()
    qtbot.waitUntil(lambda: view.model.rowCount() == MATCH_CAP + 1, timeout=20_000)
    shown, wrong_form = CAPPED[language]
    text = view.status.text()
    assert shown in text and wrong_form not in text, text
    # a narrower search counts exactly again
    view.search.clear()
    type_text(qtbot, view.search, "Other")
    view.apply()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=20_000)
    assert "1,000" not in view.status.text() and "000" not in view.status.text()


def test_every_match_of_a_common_word_is_one_keypress_away(qtbot, make_window, tmp_path):
    """Someone looking for every mention of a name must reach the oldest one too: the
    capped list offers every match, counted exactly, and the next search is capped again."""
    vault_dir = tmp_path / "vault"
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        oldest = vault.records.create(Person(alias="Quillon the first", status="final")).id
        vault.records.create_many([Person(alias=f"Quillon {i}", status="final")
                                   for i in range(MATCH_CAP + 4)])
    window = make_window(vault_dir, language="en")
    unlock(qtbot, window)
    window.workspace.show_section("person")
    view = window.workspace.lists["person"]
    type_text(qtbot, view.search, "Quillon")
    view.apply()
    qtbot.waitUntil(lambda: view.model.rowCount() == MATCH_CAP + 1, timeout=20_000)
    assert view.every_match.isVisibleTo(window)
    give_focus(qtbot, view.every_match)
    qtbot.keyClick(view.every_match, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.model.rowCount() == MATCH_CAP + 5, timeout=20_000)
    assert view.status.text() == "1,005 records"
    assert not view.every_match.isVisibleTo(window)
    last = view.model.rowCount() - 1
    qtbot.waitUntil(lambda: view.model.row_at(last) is not None, timeout=20_000)
    assert view.record_id_at(last) == oldest  # newest first: the first one made is last
    # another search holds the newest matches only again
    view.search.clear()
    type_text(qtbot, view.search, "Quillon")
    view.apply()
    qtbot.waitUntil(lambda: view.model.rowCount() == MATCH_CAP + 1, timeout=20_000)
    assert view.every_match.isVisibleTo(window)
