"""The first thing anyone sees: create a vault, or unlock it (or an HQ store). Nothing else
is reachable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from ..core.passphrase import assess, rejection
from .store_choice import FIELD, HQ, StoreChoice
from .widgets import isolate, scale_font


def _passphrase_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    edit.setMinimumWidth(320)
    return edit


class LockScreen(QWidget):
    """Emits ``unlock_requested`` / ``create_requested``; the window does the rest."""

    unlock_requested = Signal(str)
    create_requested = Signal(str)
    check_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        # At 200 % font or in a long language the card may be taller than the screen: it
        # scrolls rather than cutting the explanation.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget()
        page.setObjectName("lockScreen")
        scroll.setWidget(page)
        whole = QVBoxLayout(self)
        whole.setContentsMargins(0, 0, 0, 0)
        whole.addWidget(scroll)
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.card = QFrame()
        self.card.setObjectName("lockCard")
        # 560 px, or more where the font is larger: the two kinds of store stand side by
        # side (Spanish at 200 % cut them)
        self.card.setMaximumWidth(max(560, self.fontMetrics().averageCharWidth() * 72))
        row.addWidget(self.card, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        layout = QVBoxLayout(self.card)
        layout.setSpacing(12)
        self.title = QLabel()
        self.title.setObjectName("lockTitle")
        scale_font(self.title, 1.5)
        self.title.setWordWrap(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setObjectName("lockExplain")
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        self.choice = StoreChoice()
        layout.addWidget(self.choice)

        form = QFormLayout()
        for label, field in self.choice.rows():
            form.addRow(label, field)
        self.passphrase = _passphrase_edit(_("Passphrase"))
        self.repeat = _passphrase_edit(_("Repeat the passphrase"))
        self.passphrase_label = QLabel(_("&Passphrase"))
        self.passphrase_label.setBuddy(self.passphrase)
        self.repeat_label = QLabel(_("&Repeat"))
        self.repeat_label.setBuddy(self.repeat)
        form.addRow(self.passphrase_label, self.passphrase)
        form.addRow(self.repeat_label, self.repeat)
        layout.addLayout(form)

        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setAccessibleName(_("Passphrase strength"))
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        layout.addWidget(self.meter)
        layout.addWidget(self.advice)

        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Status"))
        self.message.setProperty("tone", "neutral")  # before the first polish: see _say
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.check_button = QPushButton(_("Check integrity"))
        self.check_button.setAccessibleName(_("Check the vault's integrity"))
        self.check_button.hide()
        self.go = QPushButton()
        self.go.setDefault(True)
        self.go.setObjectName("primary")
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        buttons.addWidget(self.go)
        layout.addLayout(buttons)

        self.passphrase.textChanged.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self.passphrase.returnPressed.connect(self._submit)
        self.repeat.returnPressed.connect(self._submit)
        self.go.clicked.connect(self._submit)
        self.check_button.clicked.connect(
            lambda: self.check_requested.emit(self.passphrase.text()))
        self.choice.kind_changed.connect(self._kind_changed)
        self.choice.folder.textChanged.connect(self._update)
        self.choice.folder.returnPressed.connect(self._submit)
        self.choice.database.returnPressed.connect(self._submit)
        self._creating = False
        self._field_creating = False
        self._field_location: Path | None = None
        self.set_mode(creating=False, location=None)

    def kind(self) -> str:
        """What the person chose to open: ``FIELD`` or ``HQ``."""
        return self.choice.kind()

    def set_mode(self, *, creating: bool, location: Path | None, kind: str | None = None,
                 hq_location: Path | None = None) -> None:
        """The field vault at ``location`` (``creating``: there is none yet); the HQ store
        folder offered when the person chooses one; ``kind``: which is chosen."""
        self._field_creating, self._field_location = creating, location
        if hq_location is not None:
            self.choice.folder.setText(str(hq_location))
        if kind is not None:
            self.choice.set_kind(kind)
        self._show_kind()
        self.reset()

    def _kind_changed(self, _kind: str) -> None:
        self._show_kind()
        self.message.clear()
        self._update()

    def _show_kind(self) -> None:
        self.choice.setVisible(True)
        if self.kind() == HQ:
            self._creating = False
            self.title.setText(_("Unlock the HQ store"))
            self.explain.setText(_(
                "Give the folder of the HQ store (for a store kept in PostgreSQL, the folder "
                "of its keys)."))
            self.go.setText(_("Unlock"))
            for w in (self.repeat, self.repeat_label, self.meter, self.advice):
                w.setVisible(False)
            for shown in (self.passphrase, self.passphrase_label, self.go):
                shown.setVisible(True)
            return
        creating = self._creating = self._field_creating
        location = self._field_location
        where = isolate(str(location)) if location else ""
        if creating:
            self.title.setText(_("Create your vault"))
            self.explain.setText(_(
                "Everything you record is kept encrypted in a vault on this laptop, at {path}. "
                "Choose a passphrase of several unrelated words.\n\n"
                "If you forget it, nobody can recover the data — not you, not headquarters — "
                "unless headquarters set up a recovery key for this vault.").format(path=where))
            self.go.setText(_("Create vault"))
        else:
            self.title.setText(_("Unlock your vault"))
            self.explain.setText(_("The vault at {path} is locked.").format(path=where))
            self.go.setText(_("Unlock"))
        for w in (self.repeat, self.repeat_label, self.meter, self.advice):
            w.setVisible(creating)
        for shown in (self.passphrase, self.passphrase_label, self.go):
            shown.setVisible(True)

    def _say(self, text: str, *, error: bool = False) -> None:
        """Errors in red; progress and neutral news ("Locked…") in the normal colour."""
        self.message.setText(text)
        tone = "error" if error else "neutral"
        if self.message.property("tone") == tone:
            # Nothing to restyle; and at start-up the style sheet's style (a class PySide6
            # does not know) would make it build ~95 Python enums before the first paint.
            return
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def reset(self, message: str = "") -> None:
        self.passphrase.clear()
        self.repeat.clear()
        self.set_busy(False)
        self._say(message)
        self.check_button.hide()
        self.passphrase.setFocus()
        self._update()

    def set_busy(self, busy: bool, text: str = "") -> None:
        for w in (self.passphrase, self.repeat, self.go):
            w.setEnabled(not busy)
        self.choice.set_enabled(not busy)
        if busy:
            self._say(text)
        else:
            self._update()

    def show_upgrading(self) -> None:
        """Unlocking found a vault made by an older release: its indexes are rebuilt once,
        which may take a minute on a large vault; said so nobody closes the app meanwhile."""
        self.set_busy(True, _(
            "Upgrading the vault for this version of HRD Field. This happens only once and "
            "may take a minute: please do not close the app."))

    def show_preparing(self, text: str) -> None:
        """Nothing to type: the app opens the vault itself (the demo)."""
        self.title.setText(text)
        self.explain.clear()
        for w in (self.passphrase, self.passphrase_label, self.repeat, self.repeat_label,
                  self.meter, self.advice, self.go, self.choice):
            w.setVisible(False)
        self._say(text)

    def show_error(self, message: str, offer_check: bool = False) -> None:
        self.set_busy(False)
        self._say(message, error=True)
        self.check_button.setVisible(offer_check)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _update(self) -> None:
        if not self._creating:
            where = self.kind() == FIELD or self.choice.location() is not None
            self.go.setEnabled(bool(self.passphrase.text()) and self.passphrase.isEnabled()
                               and where)
            return
        strength = assess(self.passphrase.text())
        self.meter.setValue(strength.score)
        self.meter.setFormat(strength.label)
        same = self.passphrase.text() == self.repeat.text()
        differs = bool(self.repeat.text()) and not same
        # Said in words, not only by a disabled button: people type these half-blind.
        self.advice.setText(_("The two passphrases differ.") if differs and
                            strength.acceptable else strength.advice)
        ok = strength.acceptable and same
        self.go.setEnabled(ok and self.passphrase.isEnabled())
        if strength.acceptable and self.repeat.text() and not same:
            self.go.setToolTip(_("The two passphrases differ."))
        elif not strength.acceptable:
            self.go.setToolTip(rejection())  # the words the CLI uses for the same rule
        else:
            self.go.setToolTip("")

    def _submit(self) -> None:
        if not self.go.isEnabled():
            return
        if self._creating:
            self.create_requested.emit(self.passphrase.text())
        else:
            self.unlock_requested.emit(self.passphrase.text())

