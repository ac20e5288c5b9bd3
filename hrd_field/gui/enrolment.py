"""Enrolment with headquarters inside the app: compare fingerprints aloud, then accept.

The HQ profile arrives on a USB stick. It is self-signed, so what makes it trusted is a
person at HQ reading its fingerprint aloud (phone, in person) and it matching what is on
screen here. HQ in turn needs this laptop's public key for ``hq device add``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..bundle.profile import HqProfile, load_profile
from ..core.errors import UserError
from ..core.i18n import _
from . import file_dialogs
from .fit import grow_to_fit
from .session import VaultSession
from .tasks import Failure
from .widgets import isolate, scale_font

MAX_PROFILE_BYTES = 1 << 20


def enrolment_text(profile: HqProfile | None) -> str:
    """The status bar's words for this laptop's link to HQ."""
    if profile is None:
        return _("Not enrolled with headquarters")
    host = urlsplit(profile.intake_url).hostname if profile.intake_url else ""
    if not host:
        return _("Enrolled with {organisation} (USB only)").format(
            organisation=isolate(profile.organisation))
    return _("Enrolled with {organisation} (syncs to {host})").format(
        organisation=isolate(profile.organisation), host=isolate(host))


def grouped(fingerprint: str) -> str:
    """Groups of four, spaced for reading aloud (the fingerprint is base32, dash-joined)."""
    letters = fingerprint.replace("-", "").replace(" ", "")
    return "  ".join(letters[i:i + 4] for i in range(0, len(letters), 4))


def _big(text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    label.setFont(font)
    scale_font(label, 1.6)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # letters, not words
    label.setWordWrap(True)
    return label


class EnrolmentDialog(QDialog):
    enrolled = Signal(object)  # HqProfile

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Headquarters"))
        self._session = session
        self._data: bytes | None = None
        self._enrolled: HqProfile | None = None
        self.public_key = ""
        layout = QVBoxLayout(self)

        own = QGroupBox(_("This laptop"))
        own_layout = QVBoxLayout(own)
        own_hint = QLabel(_("Headquarters needs this laptop's key to accept its bundles. "
                            "Copy the key for them, and read the fingerprint aloud so they "
                            "can check it."))
        own_hint.setWordWrap(True)
        self.own_fingerprint = _big("…")
        self.own_fingerprint.setAccessibleName(_("This laptop's fingerprint"))
        copy_row = QHBoxLayout()
        self.copy_button = QPushButton(_("Copy this laptop's key"))
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        own_layout.addWidget(own_hint)
        own_layout.addWidget(self.own_fingerprint)
        own_layout.addLayout(copy_row)
        layout.addWidget(own)

        hq = QGroupBox(_("Headquarters"))
        hq_layout = QVBoxLayout(hq)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Enrolment status"))
        self.open_button = QPushButton(_("Open HQ profile…"))
        self.open_button.setAccessibleName(_("Open the profile file headquarters gave you"))
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_button)
        open_row.addStretch(1)
        self.organisation = QLabel()
        self.organisation.setObjectName("viewHeading")
        scale_font(self.organisation, 1.3)
        self.organisation.setWordWrap(True)
        self.hq_fingerprint = _big()
        self.hq_fingerprint.setAccessibleName(_("Headquarters' fingerprint"))
        self.compare = QLabel(_("Ask headquarters to read their fingerprint aloud. Accept only "
                                "if every group matches."))
        self.compare.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        hq_layout.addWidget(self.status)
        hq_layout.addLayout(open_row)
        hq_layout.addWidget(self.organisation)
        hq_layout.addWidget(self.hq_fingerprint)
        hq_layout.addWidget(self.compare)
        hq_layout.addWidget(self.message)
        layout.addWidget(hq)

        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton(_("The fingerprints match — enrol"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("primary")
        self.refuse_button = buttons.addButton(_("They differ — refuse"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        layout.addWidget(buttons)

        self.copy_button.clicked.connect(self._copy)
        self.open_button.clicked.connect(self._choose)
        self.accept_button.clicked.connect(self._accept_profile)
        self.refuse_button.clicked.connect(self._refuse)
        self.close_button.clicked.connect(self.reject)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self._show_candidate(None)
        session.enrolment(self._loaded, parent=self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)

    def _loaded(self, state: tuple[HqProfile | None, str]) -> None:
        profile, public_key = state
        from ..bundle.minisign import PublicKey

        self._enrolled = profile
        self.public_key = public_key
        self.own_fingerprint.setText(grouped(PublicKey.from_base64(public_key).fingerprint()))
        self.status.setText(enrolment_text(profile))
        grow_to_fit(self)  # wrapped text changed: grow rather than cut it

    def _copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self.public_key and clipboard is not None:
            clipboard.setText(self.public_key)  # a public key: nothing secret in it
            self.copy_button.setText(_("Copied"))

    def _choose(self) -> None:
        path = file_dialogs.open_file(self, _("HQ profile"),
                                      _("HQ profile (*.json);;All files (*)"))
        if path:
            self.open_profile(Path(path))

    def open_profile(self, path: Path) -> None:
        """Read and verify the profile; show who it names, for the comparison aloud."""
        self.message.clear()
        try:
            if path.stat().st_size > MAX_PROFILE_BYTES:
                raise UserError(_("This is not an HQ profile."))
            data = path.read_bytes()
            profile = load_profile(data)
        except (OSError, UserError) as exc:
            self._show_candidate(None)
            self.message.setText(str(exc) if isinstance(exc, UserError) else
                                 _("Could not read the file: {reason}.").format(
                                     reason=exc.strerror or type(exc).__name__))
            return
        self._data = data
        self._show_candidate(profile)

    def _show_candidate(self, profile: HqProfile | None) -> None:
        shown = profile is not None
        for w in (self.organisation, self.hq_fingerprint, self.compare, self.accept_button,
                  self.refuse_button):
            w.setVisible(shown)
        if profile is not None:
            self.organisation.setText(profile.organisation)
            self.hq_fingerprint.setText(grouped(profile.fingerprint))
            self._warn_if_key_changed(profile)
            self.accept_button.setDefault(False)
            self.refuse_button.setFocus()
        else:
            self._data = None
        grow_to_fit(self)

    def _warn_if_key_changed(self, profile: HqProfile) -> None:
        from ..sync.identity import key_changed

        enrolled = self._enrolled
        if enrolled is None or not key_changed(enrolled, profile):
            self.accept_button.setText(_("The fingerprints match — enrol"))
            return
        self.message.setText(_(
            "Warning: this laptop is enrolled with {organisation} under another key. A "
            "profile with a new key is what someone who wants to read your bundles would "
            "hand you: accept it only if headquarters told you, in person or by phone, that "
            "their key changed, and every group below matches what they read.").format(
                organisation=isolate(enrolled.organisation)))
        self.accept_button.setText(_("Their key changed and every group matches — enrol"))

    def _refuse(self) -> None:
        self._show_candidate(None)
        if self._enrolled is None:
            self.message.setText(_("Not enrolled. Ask headquarters for their profile again."))
        else:
            self.message.setText(_("Nothing changed: this laptop stays enrolled with "
                                   "{organisation}.").format(
                                       organisation=isolate(self._enrolled.organisation)))

    def _accept_profile(self) -> None:
        if self._data is None:
            return
        self.accept_button.setEnabled(False)
        self._session.enrol(self._data, self._done, self._failed, parent=self)

    def _done(self, profile: HqProfile) -> None:
        self._enrolled = profile
        self.message.clear()
        self.accept_button.setEnabled(True)
        self._show_candidate(None)
        self.status.setText(enrolment_text(profile))
        self.enrolled.emit(profile)

    def _failed(self, failure: Failure) -> None:
        self.accept_button.setEnabled(True)
        self.message.setText(failure)
