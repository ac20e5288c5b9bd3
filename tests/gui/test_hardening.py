"""What the app leaves behind (issue 11, items 6, 7, 12 and 14): folder names in Qt's file
dialog history, a name copied with Ctrl+C, HQ's auto-lock policy, dialogs after a lock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from hrd_field.bundle.profile import Policy
from hrd_field.gui import file_dialogs
from hrd_field.gui.clipboard import SensitiveClipboard
from hrd_field.gui.form_fields import MaskedField
from hrd_field.hq.store import HqStore
from hrd_field.sync.identity import enrol
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, unlock

SECRET = "witness-Amina-Wambui-Goma"


def _conf(tmp_path: Path) -> Path:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "config"))
    return Path(QSettings(QSettings.Scope.UserScope, "QtProject").fileName())


def _drive(folder: Path, pick: str | None) -> None:
    """Browse into ``folder`` in the open file dialog, then choose ``pick`` or cancel."""
    def act() -> None:
        shown = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QFileDialog) and w.isVisible()]
        if not shown:  # not up yet
            QTimer.singleShot(100, act)
            return
        dialog = shown[0]
        dialog.setDirectory(str(folder))
        if pick is None:
            dialog.reject()
        else:  # typed into the file name box, as a person would
            name_box = dialog.findChild(QLineEdit, "fileNameEdit")
            assert name_box is not None
            name_box.setText(str(folder / pick))
            dialog.accept()

    QTimer.singleShot(300, act)


def test_file_dialogs_leave_no_folder_names(qtbot, tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    folder = tmp_path / SECRET
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(b"not really a photo")

    _drive(folder, None)  # cancelled: Qt wrote the history all the same
    assert file_dialogs.open_files(None, "Add attachments") == []
    _drive(folder, "photo.jpg")
    assert file_dialogs.open_files(None, "Add attachments") == [str(folder / "photo.jpg")]
    _drive(folder, None)
    assert file_dialogs.existing_folder(None, "Where to write the bundles") == ""
    text = conf.read_text("utf-8", "replace") if conf.exists() else ""
    assert "Amina" not in text and "witness" not in text, text

    # what an older version (or another Qt dialog) left is removed by forget (panic erase)
    conf.write_text(f"[FileDialog]\nhistory=file://{folder}\nlastVisited=file://{folder}\n",
                    "utf-8")
    file_dialogs.forget()
    assert "Amina" not in conf.read_text("utf-8")


def test_ctrl_c_on_a_revealed_identity_field_clears_itself(qtbot) -> None:
    board = QApplication.clipboard()
    board.clear()
    clipboard = SensitiveClipboard(clear_after_ms=300)
    field = MaskedField("Legal name", 200, clipboard, masked=False)
    qtbot.addWidget(field.widget)
    field.widget.show()
    field.set_value("Amina Wambui")
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert board.text() == "Amina Wambui"
    qtbot.waitUntil(lambda: board.text() == "", timeout=5_000)

    field.hide_again()  # masked: nothing to copy at all
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert board.text() == ""


def _enrolled_vault(tmp_path: Path, autolock: int) -> Path:
    with HqStore.init(tmp_path / "hq", PASSPHRASE, "HQ") as hq:
        profile = hq.profile(policy=Policy(autolock_minutes=autolock)).sign(hq.signing_key())
    with Vault.create(tmp_path / "vault", PASSPHRASE) as vault:
        enrol(vault, profile)
    return tmp_path / "vault"


def test_hq_autolock_policy_is_a_ceiling(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(_enrolled_vault(tmp_path, 1), autolock_minutes=240)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.idle.timeout_ms == 60_000, timeout=10_000)
    window.settings.autolock_minutes = 120  # a local change cannot raise it again
    window._settings_saved()
    assert window.idle.timeout_ms == 60_000
    window.settings.autolock_minutes = 1
    window._settings_saved()
    assert window.idle.timeout_ms == 60_000


def test_the_export_dialog_closes_on_lock(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(_enrolled_vault(tmp_path, 5))
    unlock(qtbot, window)
    window.export()
    qtbot.waitUntil(lambda: any(w.isVisible() and type(w).__name__ == "ExportDialog"
                                for w in QApplication.topLevelWidgets()), timeout=10_000)
    window.lock()
    assert not any(w.isVisible() and type(w).__name__ == "ExportDialog"
                   for w in QApplication.topLevelWidgets())
