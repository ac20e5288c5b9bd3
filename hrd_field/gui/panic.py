"""Panic erase: deliberate enough not to happen by accident, quick enough under pressure."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from .fit import grow_to_fit
from .widgets import scale_font


class PanicDialog(QDialog):
    """Type one word, then "Erase everything now". Accepting means: erase."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Erase the vault"))
        # TRANSLATORS: the word typed to confirm the panic erase; short, in capitals
        # where the script has them.
        self.word = _("ERASE")
        layout = QVBoxLayout(self)
        heading = QLabel(_("Erase everything in this vault?"))
        heading.setObjectName("viewHeading")
        scale_font(heading, 1.2)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        explain = QLabel(_("This destroys the vault's key: every record, draft and file in it "
                           "becomes unreadable for good, for you too. Records not yet "
                           "received by headquarters are lost."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        prompt = QLabel(_("Type {word} to confirm:").format(word=self.word))
        prompt.setWordWrap(True)
        self.confirm = QLineEdit()
        self.confirm.setAccessibleName(_("Type {word} to confirm").format(word=self.word))
        prompt.setBuddy(self.confirm)
        layout.addWidget(prompt)
        layout.addWidget(self.confirm)
        buttons = QDialogButtonBox()
        self.erase_button = buttons.addButton(_("Erase everything now"),
                                              QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setObjectName("danger")
        self.erase_button.setEnabled(False)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        layout.addWidget(buttons)
        self.confirm.textChanged.connect(self._check)
        self.confirm.returnPressed.connect(self._erase_if_typed)
        self.erase_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self.confirm.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 56)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)

    def _typed(self) -> bool:
        text = self.confirm.text().strip()
        return text in (self.word, "ERASE")  # the English word works in every language

    def _check(self) -> None:
        self.erase_button.setEnabled(self._typed())

    def _erase_if_typed(self) -> None:
        if self._typed():
            self.accept()
