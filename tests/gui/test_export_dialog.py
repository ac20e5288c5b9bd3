"""The Export dialog says what will leave and what stays, then writes bundles HQ imports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from hrd_field.core.records import Consent, ConsentScope, Person
from hrd_field.gui.export_dialog import ExportDialog
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore
from hrd_field.sync.identity import device_public_key, enrol
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, unlock


def _person(alias: str, share: bool) -> Person:
    scope = ConsentScope(share_with_hq=share)
    return Person(alias=alias, status="final", consent=Consent(obtained=share, scope=scope))


def test_export_dialog_summarises_then_writes_importable_bundles(qtbot, make_window,
                                                                 tmp_path: Path):
    vault_dir, out = tmp_path / "vault", tmp_path / "usb"
    out.mkdir()
    with HqStore.init(tmp_path / "hq", PASSPHRASE, "HQ") as hq:
        profile = hq.profile().sign(hq.signing_key())
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        enrol(vault, profile)
        device = device_public_key(vault).to_base64()
        vault.records.create(_person("Ceiba-1", True))
        vault.records.create(_person("Ceiba-2", True))
        vault.records.create(_person("Ceiba-3", False))
    with HqStore.open(tmp_path / "hq", PASSPHRASE) as hq:
        hq.vault.hq.add_device("laptop", device)

    window = make_window(vault_dir)
    unlock(qtbot, window)
    dialog = ExportDialog(window.session, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "Will leave" in dialog.summary.text(), timeout=10_000)
    text = dialog.summary.text()
    assert "Person: 2" in text
    assert "Stays on this laptop" in text and "Consent was not obtained" in text
    assert not dialog.export_button.isEnabled(), "no folder chosen yet"

    dialog.folder.setText(str(out))
    assert dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.written), timeout=20_000)
    files = sorted(out.iterdir())
    assert [f.suffix for f in files] == [".hrdb"]

    with HqStore.open(tmp_path / "hq", PASSPHRASE) as hq:
        outcome = import_bundle(hq, files[0])
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["records"] == 2

    # the same records do not leave twice
    dialog2 = ExportDialog(window.session, None, window)
    qtbot.addWidget(dialog2)
    qtbot.waitUntil(lambda: "Nothing new" in dialog2.summary.text(), timeout=10_000)


def test_export_dialog_names_what_it_withholds_and_why(qtbot, make_window, tmp_path: Path):
    import io

    from hrd_field.core.records import Mission

    vault_dir = tmp_path / "vault"
    with HqStore.init(tmp_path / "hq", PASSPHRASE, "HQ") as hq:
        profile = hq.profile().sign(hq.signing_key())
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        enrol(vault, profile)
        photo = vault.store_attachment(io.BytesIO(b"\xff\xd8 not really a photo"),
                                       filename="meeting.jpg", media_type="image/jpeg")
        photo.may_identify = True
        vault.records.create(Mission(title="Visit to Kenya", status="final",
                                     attachments=[photo]))
        scope = ConsentScope(share_with_hq=True)
        vault.records.create(Person(alias="Ceiba-4", legal_name="Amina X", status="final",
                                    consent=Consent(obtained=True, scope=scope)))
        vault.records.create(Person(alias="Ceiba-5", status="draft",
                                    consent=Consent(obtained=True, scope=scope)))

    window = make_window(vault_dir)
    unlock(qtbot, window)
    dialog = ExportDialog(window.session, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "Will leave" in dialog.summary.text(), timeout=10_000)
    text = dialog.summary.text()
    assert "“Visit to Kenya”: meeting.jpg" in text
    assert "“Ceiba-4”: Legal name — no consent to share identity" in text
    assert "“Ceiba-5” — Still a draft" in text
    assert "removed from 0" not in text
