"""A list shows its first rows together with its count, then loads the rest as the view
asks: every row of a long search result comes, in the vault's order."""

from __future__ import annotations

from hrd_field.core.records import Person
from hrd_field.vault.queries import Filters
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, type_text, unlock


def test_every_row_of_a_long_search_result_arrives_in_order(qtbot, make_window, tmp_path):
    vault_dir = tmp_path / "vault"
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        vault.records.create_many([Person(alias=f"Defender {i:03d} Quillon", status="final")
                                   for i in range(450)]
                                  + [Person(alias=f"Other {i}", status="final")
                                     for i in range(5)])
        expected = [r.id for r in vault.records.rows(Filters(type="person"), text="Quillon",
                                                      limit=1000)]
    assert len(expected) == 450
    window = make_window(vault_dir)
    unlock(qtbot, window)
    window.workspace.show_section("person")
    view = window.workspace.lists["person"]
    type_text(qtbot, view.search, "Quillon")
    view.apply()
    qtbot.waitUntil(lambda: view.model.rowCount() == 450 and view.record_id_at(0) is not None,
                    timeout=20_000)
    # Rows past the first ones, in the first page and in later pages, load when asked for.
    for row in (0, 59, 60, 199, 200, 449):
        qtbot.waitUntil(lambda r=row: view.record_id_at(r) is not None, timeout=20_000)
        assert view.record_id_at(row) == expected[row]
    assert [view.record_id_at(r) for r in range(450)] == expected
