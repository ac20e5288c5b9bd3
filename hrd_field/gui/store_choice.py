"""On the lock screen: what to open, a field vault or an HQ store. Before it is unlocked an
embedded HQ store looks exactly like a field vault (both are one encrypted database), so the
person says which; an HQ store is given by its folder, as ``--store DIR`` on the command line
(for a store kept in PostgreSQL, the folder of its keys), and optionally another address of
its database, as ``--database URL``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from . import file_dialogs

FIELD, HQ = "field", "hq"
KINDS = (FIELD, HQ)


class StoreChoice(QWidget):
    """Two radio buttons (one Tab stop, arrow keys between them) and, for an HQ store, its
    folder and database address: rows the lock screen puts in its own form (``rows``), so
    their fields line up with the passphrase."""

    kind_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("storeChoice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        kinds = QHBoxLayout()
        self.field_button = QRadioButton(_("&Field vault"))
        self.hq_button = QRadioButton(_("&HQ store"))
        self.group = QButtonGroup(self)
        for button in (self.field_button, self.hq_button):
            self.group.addButton(button)
            kinds.addWidget(button)
        kinds.addStretch(1)
        self.field_button.setChecked(True)
        layout.addLayout(kinds)

        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("HQ store folder"))
        self.browse = QPushButton(_("&Choose…"))
        self.browse.setAccessibleName(_("Choose the HQ store folder"))
        self.folder_box = QWidget()
        folder_row = QHBoxLayout(self.folder_box)
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        self.folder_label = QLabel(_("F&older"))
        self.folder_label.setBuddy(self.folder)
        self.database = QLineEdit()
        self.database.setAccessibleName(_("Database address"))
        # short, to fit at 200 % font; the whole sentence as tooltip and for screen readers
        self.database.setPlaceholderText(_("Optional"))
        about = _("Optional: another address of its PostgreSQL database")
        self.database.setToolTip(about)
        self.database.setAccessibleDescription(about)
        self.database_label = QLabel(_("&Database"))
        self.database_label.setBuddy(self.database)
        self._hq_only = (self.folder_label, self.folder_box, self.database_label,
                         self.database)
        self._show_hq(False)

        self.hq_button.toggled.connect(self._toggled)
        self.browse.clicked.connect(self._browse)

    def rows(self) -> list[tuple[QLabel, QWidget]]:
        """The HQ store's rows (label, field), for the lock screen's form."""
        return [(self.folder_label, self.folder_box), (self.database_label, self.database)]

    def _show_hq(self, shown: bool) -> None:
        for w in self._hq_only:
            w.setVisible(shown)

    def kind(self) -> str:
        return HQ if self.hq_button.isChecked() else FIELD

    def set_kind(self, kind: str) -> None:
        (self.hq_button if kind == HQ else self.field_button).setChecked(True)
        self._show_hq(kind == HQ)

    def location(self) -> Path | None:
        text = self.folder.text().strip()
        return Path(text).expanduser() if text else None

    def database_address(self) -> str | None:
        return self.database.text().strip() or None

    def set_enabled(self, enabled: bool) -> None:
        for w in (self.field_button, self.hq_button, self.folder, self.browse, self.database):
            w.setEnabled(enabled)

    def _toggled(self, hq: bool) -> None:
        self._show_hq(hq)
        self.kind_changed.emit(HQ if hq else FIELD)

    def _browse(self) -> None:
        chosen = file_dialogs.existing_folder(self, _("HQ store folder"))
        if chosen:
            self.folder.setText(chosen)
