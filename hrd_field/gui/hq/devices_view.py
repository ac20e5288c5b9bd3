"""The device registry: register a device by its public key (fingerprint read aloud),
revoke one, and when each was last heard from."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...bundle.minisign import PublicKey
from ...core.i18n import _
from ...vault.hq_casework import BundleEntry
from ...vault.hq_tables import Device
from ..dates import format_number, format_stamp
from ..widgets import scale_font
from .session import HqSession
from .tables import fill, heading_row, table


class DeviceDialog(QDialog):
    """Register a device: paste or open its public key, read the fingerprint aloud."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Register a device"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Device name"))
        form.addRow(_("&Name:"), self.name)
        self.key = QPlainTextEdit()
        self.key.setAccessibleName(_("Public key"))
        self.key.setTabChangesFocus(True)
        form.addRow(_("&Public key:"), self.key)
        open_button = QPushButton(_("Open a key file…"))
        open_button.clicked.connect(self._open)
        form.addRow("", open_button)
        self.fingerprint = QLabel()
        self.fingerprint.setAccessibleName(_("Fingerprint"))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scale_font(self.fingerprint, 1.4)
        form.addRow(_("Fingerprint (compare aloud):"), self.fingerprint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.key.textChanged.connect(self._check)
        self.name.textChanged.connect(self._check)
        self._check()

    def _open(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Open a key file"))
        if path:
            try:
                with open(path, encoding="utf-8") as fh:
                    self.key.setPlainText(fh.read(4096).strip())
            except (OSError, UnicodeDecodeError):
                self.fingerprint.setText(_("Cannot read this file."))

    def public_key(self) -> str:
        return "".join(self.key.toPlainText().split())

    def _check(self) -> None:
        try:
            fp = PublicKey.from_base64(self.public_key()).fingerprint()
        except Exception:
            fp = ""
        self.fingerprint.setText(fp or _("not a device key"))
        self.ok.setEnabled(bool(fp) and bool(self.name.text().strip()))


class DevicesView(QWidget):
    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        top = heading_row(_("Devices"))
        self.register = QPushButton(_("&Register a device…"))
        self.revoke = QPushButton(_("Re&voke"))
        self.revoke.setAccessibleName(_("Revoke the selected device"))
        top.addWidget(self.register)
        top.addWidget(self.revoke)
        layout.addLayout(top)
        self.table = table([_("Name"), _("Fingerprint"), _("Status"), _("Last sequence"),
                            _("Last seen")], _("Registered devices"))
        layout.addWidget(self.table)
        self.message = QLabel()
        layout.addWidget(self.message)
        self.register.clicked.connect(self._register)
        self.revoke.clicked.connect(self._revoke)

    def refresh(self) -> None:
        def got(devices: list[Device]) -> None:
            self.session.inbox(lambda data: self._show(devices, data[0]), parent=self)

        self.session.devices(got, parent=self)

    def _show(self, devices: list[Device], bundles: list[BundleEntry]) -> None:
        # The highest sequence, and the latest import by its stored time (a device may send
        # an earlier bundle last); each is compared as stored, never as shown.
        last_seq: dict[str, int] = {}
        seen: dict[str, str] = {}
        for b in bundles:
            last_seq[b.device] = max(b.seq, last_seq.get(b.device, b.seq))
            if _utc(b.imported_at) > _utc(seen.get(b.device, "")):
                seen[b.device] = b.imported_at
        rows = []
        for d in devices:
            status = _("active") if d.status == "active" else _("revoked")
            last = format_number(last_seq[d.name], grouped=False) if d.name in last_seq else ""
            rows.append([d.name, PublicKey.from_base64(d.public_key).fingerprint(), status,
                         last, format_stamp(seen.get(d.name))])
        fill(self.table, rows, [d.name for d in devices])

    def _register(self) -> None:
        dialog = DeviceDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.session.add_device(dialog.name.text().strip(), dialog.public_key(),
                                    lambda _v: self.refresh(), self.message.setText,
                                    parent=self)

    def _revoke(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        item = self.table.item(row, 0)
        if item is None:
            return
        name = item.text()
        answer = QMessageBox.question(self, _("Revoke"), _(
            "Stop accepting bundles from {name}?").format(name=name))
        if answer == QMessageBox.StandardButton.Yes:
            self.session.revoke_device(name, lambda _v: self.refresh(), self.message.setText,
                                       parent=self)


def _utc(stamp: str) -> datetime:
    """A stored timestamp as a time to compare (the earliest time if there is none)."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)
