"""Preferences: auto-lock, language, privacy defaults. Nothing here is sensitive."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ..core.i18n import N_, _
from .settings import Settings
from .widgets import CodeCombo

LANGUAGES = [("", N_("System default")), ("ar", "العربية"), ("zh", "中文"), ("en", "English"),
             ("fr", "Français"), ("ru", "Русский"), ("es", "Español")]


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.settings = settings
        form = QFormLayout(self)
        self.autolock = QSpinBox()
        self.autolock.setRange(1, 240)
        self.autolock.setSuffix(_(" min"))
        self.autolock.setValue(settings.autolock_minutes)
        self.autolock.setAccessibleName(_("Lock after this many idle minutes"))
        form.addRow(_("Lock after idle time"), self.autolock)
        self.language = CodeCombo([(c, n) for c, n in LANGUAGES[1:]], _(LANGUAGES[0][1]),
                                  _("Language"))
        self.language.set_code(settings.language or None)
        form.addRow(_("Language"), self.language)
        self.hide_identity = QCheckBox(_("Hide names and contact details until revealed"))
        self.hide_identity.setChecked(settings.mask_identity)
        self.hide_identity.setAccessibleName(_("Hide identity fields"))
        form.addRow("", self.hide_identity)
        self.clipboard = QSpinBox()
        self.clipboard.setRange(5, 300)
        self.clipboard.setSuffix(_(" s"))
        self.clipboard.setValue(settings.clipboard_clear_seconds)
        self.clipboard.setAccessibleName(_("Clear copied sensitive text after"))
        form.addRow(_("Clear copied sensitive text after"), self.clipboard)
        note = QLabel(_("These settings are stored unencrypted; they contain nothing about "
                        "your records."))
        note.setWordWrap(True)
        note.setObjectName("muted")
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.settings.autolock_minutes = self.autolock.value()
        self.settings.language = self.language.code() or ""
        self.settings.mask_identity = self.hide_identity.isChecked()
        self.settings.clipboard_clear_seconds = self.clipboard.value()
        self.settings.save()
        super().accept()


def edit_settings(settings: Settings, parent: QWidget, on_saved: Callable[[], None]) -> None:
    """Open the dialog (not modal to the app); ``on_saved`` applies what was saved."""
    dialog = SettingsDialog(settings, parent)
    dialog.accepted.connect(on_saved)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
