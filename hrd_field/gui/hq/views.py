"""The HQ workspace's views that are not plain record lists: inbox, devices, received
records with their provenance, the deadline board, the reprisals file's notes."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...bundle.minisign import PublicKey
from ...core.casework import REPLY_ASSESSMENT, Communication, Reminder, Reply, ReprisalAnnotation
from ...core.deadlines import DUE_SOON, DUE_SOON_DAYS, OVERDUE, REMINDER_DUE, DueItem
from ...core.i18n import N_, _, language, ngettext
from ...core.introspect import to_plain
from ...core.records import Record
from ...core.regions import country_name
from ...core.vocab import RECORD_TYPE, VOCABULARIES
from ...hq.rules import QUARANTINE_DECISIONS
from ...vault.hq_casework import BundleEntry
from ...vault.hq_tables import Device, Provenance, QuarantineEntry
from ..record_list import RecordListView
from ..record_model import RecordTableModel
from ..widgets import scale_font
from .session import HqSession

STATUS_LABELS = {"imported": N_("imported"), "duplicate": N_("duplicate"),
                 "equivocation": N_("equivocation alarm"), "rejected": N_("rejected")}
Index = QModelIndex | QPersistentModelIndex
RECEIVED_TYPES = ("reprisal_incident", "threat_report", "person", "consultation", "mission")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("viewHeading")
    scale_font(label, 1.3)
    return label


def table(headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setAccessibleName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.verticalHeader().hide()
    # Sized once from the font, not to the contents: measuring thousands of cells on every
    # refresh would cost more than the query.
    width = t.fontMetrics().averageCharWidth()
    for col in range(len(headers)):
        t.horizontalHeader().resizeSection(col, width * max(12, len(headers[col]) + 4))
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def fill(t: QTableWidget, rows: list[list[str]], ids: list[str] | None = None) -> None:
    t.setUpdatesEnabled(False)
    try:
        t.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if ids is not None and c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, ids[r])
                t.setItem(r, c, item)
    finally:
        t.setUpdatesEnabled(True)


# --- inbox ------------------------------------------------------------------------------------


class InboxView(QWidget):
    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Inbox")))
        self.bundles = table([_("Device"), _("Sequence"), _("Imported"), _("Records"),
                              _("Outcome")], _("Imported bundles"))
        layout.addWidget(self.bundles, 2)
        self.gaps = QLabel()
        self.gaps.setWordWrap(True)
        self.gaps.setAccessibleName(_("Missing bundles"))
        layout.addWidget(self.gaps)
        layout.addWidget(QLabel(_("Alarms")))
        self.alarms = table([_("Time"), _("Alarm"), _("Device"), _("Sequence"), _("Detail")],
                            _("Alarms"))
        layout.addWidget(self.alarms, 1)
        layout.addWidget(QLabel(_("Quarantined bundles")))
        self.quarantine = table([_("Received"), _("Sent by"), _("Decision"), _("File")],
                                _("Quarantined bundles"))
        layout.addWidget(self.quarantine, 1)

    def refresh(self) -> None:
        self.session.inbox(self._show, parent=self)

    def _show(self, data: tuple[list[BundleEntry], dict[str, list[tuple[int, int]]],
                                list[tuple[str, str, str, int | None, str]],
                                list[QuarantineEntry]]) -> None:
        bundles, gaps, alarms, kept = data
        fill(self.bundles, [[b.device, str(b.seq), b.imported_at[:16].replace("T", " "),
                             str(len(b.summary.get("accepted", []))),
                             _(STATUS_LABELS.get(b.summary.get("status", "imported"),
                                                 N_("imported")))] for b in bundles])
        # ranges, so one absurd sequence number cannot bury the real gaps
        missing = [f"{name}: {', '.join(str(a) if a == b else f'{a}–{b}' for a, b in ranges)}"
                   for name, ranges in gaps.items() if ranges]
        self.gaps.setText(_("Missing bundles: {list}").format(list="; ".join(missing))
                          if missing else _("No bundle is missing."))
        fill(self.alarms, [[a[0][:16].replace("T", " "), a[1], a[2][:16] + "…",
                            "" if a[3] is None else str(a[3]), a[4]] for a in alarms])
        fill(self.quarantine, [[q.received_at[:16].replace("T", " "),
                                q.sender or _("an import by hand"),
                                _(QUARANTINE_DECISIONS.get(q.reason, q.reason)), q.file_name]
                               for q in kept])


# --- devices ----------------------------------------------------------------------------------


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
        top = QHBoxLayout()
        top.addWidget(heading(_("Devices")))
        top.addStretch(1)
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
        last: dict[str, BundleEntry] = {}
        for b in bundles:
            if b.device not in last or b.seq > last[b.device].seq:
                last[b.device] = b
        rows = []
        for d in devices:
            seen = last.get(d.name)
            status = _("active") if d.status == "active" else _("revoked")
            rows.append([d.name, PublicKey.from_base64(d.public_key).fingerprint(), status,
                         str(seen.seq) if seen else "",
                         seen.imported_at[:16].replace("T", " ") if seen else ""])
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


# --- received records ------------------------------------------------------------------------


def describe(record: Record, origin: list[Provenance]) -> str:
    """A read-only page: provenance and consent scope first, then the record's fields
    (identity fields only when HQ was allowed to receive them, and then masked)."""
    e = html.escape
    provenance, scope_title, content = _("Provenance"), _("Consent scope"), _("Content")
    parts = [f"<h3>{e(RECORD_TYPE.label(record.TYPE))}</h3>", f"<h4>{e(provenance)}</h4>",
             "<ul>"]
    for p in origin:
        parts.append("<li>" + e(_("version {version}: from {device}, bundle {bundle_id}, "
                                  "sequence {sequence}, received {received_at}").format(
            version=p.version, device=p.device, bundle_id=p.bundle_id[:8], sequence=p.seq,
            received_at=p.received_at[:16].replace("T", " "))) + "</li>")
    parts.append("</ul>")
    scope = origin[-1].consent_scope if origin else None
    if scope is not None:
        parts.append(f"<h4>{e(scope_title)}</h4><ul>")
        labels = {"share_with_hq": N_("Share this record with headquarters"),
                  "share_identity_with_hq": N_("Share names and contact details with "
                                               "headquarters"),
                  "raise_with_state": N_("Raise the case with the State"),
                  "publish_anonymised": N_("Publish without names"),
                  "publish_with_name": N_("Publish with name")}
        for key, label in labels.items():
            mark = "✔" if scope.get(key) else "✘"
            parts.append(f"<li>{mark} {e(_(label))}</li>")
        parts.append("</ul>")
    parts.append(f"<h4>{e(content)}</h4><table>")
    identity = {f for f in getattr(type(record), "__dataclass_fields__", {})
                if type(record).__dataclass_fields__[f].metadata.get("identity")}
    fields = type(record).__dataclass_fields__
    for key, value in to_plain(record).items():
        if key in ("attachments", "id", "consent", "created_at", "author") \
                or value in (None, "", [], {}):
            continue
        meta = fields[key].metadata
        vocab = meta.get("vocab")
        if vocab and isinstance(value, str):
            shown = VOCABULARIES[vocab].label(value)
        elif vocab and isinstance(value, list):
            shown = _(", ").join(VOCABULARIES[vocab].label(v) for v in value)
        elif isinstance(value, dict):
            shown = _(", ").join(f"{k}: {v}" for k, v in value.items() if v not in
                                 (None, "", [], 0))
        else:
            shown = str(value)
        if key in identity:
            shown = "••••••"
        label = _(meta.get("label") or key)
        parts.append(f"<tr><td><b>{e(label)}</b></td><td>{e(shown[:500])}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


class ReceivedView(QWidget):
    """The field lists, read-only, with provenance and consent scope beside them."""

    new_communication = Signal(list)  # record ids
    acknowledge = Signal(str)  # record id

    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(_("Received records")))
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Type of record"))
        for code in RECEIVED_TYPES:
            self.kind.addItem(RECORD_TYPE.label(code), code)
        label = QLabel(_("&Type:"))
        label.setBuddy(self.kind)
        top.addStretch(1)
        top.addWidget(label)
        top.addWidget(self.kind)
        self.from_records = QPushButton(_("New &communication from these records"))
        self.ack = QPushButton(_("&Acknowledge…"))
        self.ack.setAccessibleName(_("Write an acknowledgement letter"))
        top.addWidget(self.from_records)
        top.addWidget(self.ack)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.lists = QStackedWidget()
        self.views: dict[str, RecordListView] = {}
        for code in RECEIVED_TYPES:
            view = RecordListView(session, code, "")
            view.heading.hide()
            view.new_button.hide()  # received records are read-only at HQ
            view.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            view.open_requested.connect(lambda rid, _t: self.show_record(rid))
            view.table.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, v=view: self._current(v, cur.row()))
            self.views[code] = view
            self.lists.addWidget(view)
        split.addWidget(self.lists)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(_("Record, provenance and consent"))
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self.kind.currentIndexChanged.connect(self._switch)
        self.from_records.clicked.connect(
            lambda: self.new_communication.emit(self.selected_ids()))
        self.ack.clicked.connect(self._ack)

    def current_view(self) -> RecordListView:
        return self.views[self.kind.currentData()]

    def _switch(self, _i: int) -> None:
        self.lists.setCurrentWidget(self.current_view())
        self.current_view().refresh()

    def refresh(self) -> None:
        self.current_view().refresh()

    def selected_ids(self) -> list[str]:
        view = self.current_view()
        rows = sorted({i.row() for i in view.table.selectionModel().selectedRows()})
        return [rid for r in rows if (rid := view.model.data(
            view.model.index(r, 0), RecordTableModel.IdRole))]

    def _current(self, view: RecordListView, row: int) -> None:
        rid = view.model.data(view.model.index(row, 0), RecordTableModel.IdRole) \
            if row >= 0 else None
        if rid:
            self.show_record(rid)

    def show_record(self, record_id: str) -> None:
        self.session.received(record_id, lambda data: self.detail.setHtml(
            describe(data[0], data[1])), parent=self)

    def _ack(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.acknowledge.emit(ids[0])


# --- the deadline board -----------------------------------------------------------------------


class RowsModel(QAbstractTableModel):
    """Plain rows of text: thousands of board rows without one item object per cell."""

    def __init__(self, headers: list[str], parent: QObject | None = None):
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[str]] = []
        self.ids: list[str] = []

    def set_rows(self, rows: list[list[str]], ids: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.ids = rows, ids
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def board_table(headers: list[str], name: str) -> QTableView:
    view = QTableView()
    view.setModel(RowsModel(headers, view))
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    width = view.fontMetrics().averageCharWidth()
    for col in range(len(headers)):
        view.horizontalHeader().resizeSection(col, width * max(12, len(headers[col]) + 4))
    view.horizontalHeader().setStretchLastSection(True)
    return view


class DeadlinesView(QWidget):
    open_requested = Signal(str, str)

    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(_("Deadlines")))
        top.addStretch(1)
        self.today = QLabel()
        top.addWidget(self.today)
        self.days = QSpinBox()
        self.days.setRange(0, 90)
        self.days.setValue(DUE_SOON_DAYS)
        self.days.setAccessibleName(_("Days ahead"))
        days_label = QLabel(_("Due within (&days):"))
        days_label.setBuddy(self.days)
        top.addWidget(days_label)
        top.addWidget(self.days)
        layout.addLayout(top)
        headers = [_("Reference"), _("State or addressee"), _("Sent on"), _("Reply due"),
                   _("Days"), _("Last reminder")]
        self.tables: dict[str, QTableView] = {}
        self.titles: dict[str, QLabel] = {}
        for category, title in ((DUE_SOON, N_("Reply due soon")),
                                (OVERDUE, N_("Overdue, no reply")),
                                (REMINDER_DUE, N_("Reminder due"))):
            label = QLabel(_(title))
            scale_font(label, 1.1)
            t = board_table(headers, _(title))
            t.activated.connect(lambda idx, t=t: self._open(t, idx.row()))
            self.tables[category], self.titles[category] = t, label
            layout.addWidget(label)
            layout.addWidget(t, 1)
        self.days.valueChanged.connect(lambda _v: self.refresh())

    def refresh(self) -> None:
        self.session.due(self.days.value(), self.show_items, parent=self)

    def show_items(self, data: tuple[date, list[DueItem]]) -> None:
        today, items = data
        self.today.setText(_("Today at HQ: {date}").format(date=today.isoformat()))
        names: dict[str, str] = {}
        lang = language()
        for category, t in self.tables.items():
            group = [i for i in items if i.category == category]
            rows = []
            for i in group:
                who = i.addressee
                if i.state:
                    who = names.get(i.state) or names.setdefault(
                        i.state, country_name(i.state, lang))
                rows.append([i.reference or i.record_id[:8], who, i.sent_on, i.reply_due,
                             str(i.days_left), i.last_reminder or ""])
            self.model(t).set_rows(rows, [i.record_id for i in group])
            self.titles[category].setText(f"{t.accessibleName()} ({len(group)})")

    @staticmethod
    def model(t: QTableView) -> RowsModel:
        model = t.model()
        assert isinstance(model, RowsModel)
        return model

    def _open(self, t: QTableView, row: int) -> None:
        model = self.model(t)
        if 0 <= row < len(model.ids):
            self.open_requested.emit(model.ids[row], "communication")


# --- replies and reminders in two clicks ------------------------------------------------------


class FollowUpDialog(QDialog):
    """A reply received (date, assessment) or a reminder sent (date): today by default."""

    def __init__(self, reply: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Reply received") if reply else _("Reminder sent"))
        form = QFormLayout(self)
        self.when = QLineEdit(date.today().isoformat())
        self.when.setAccessibleName(_("Date"))
        form.addRow(_("&Date (YYYY-MM-DD):"), self.when)
        self.assessment = QComboBox()
        self.assessment.setAccessibleName(_("Assessment of the reply"))
        for code in REPLY_ASSESSMENT.codes():
            self.assessment.addItem(REPLY_ASSESSMENT.label(code), code)
        if reply:
            form.addRow(_("&Assessment:"), self.assessment)
        else:
            self.assessment.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def add_reply(when: str, assessment: str) -> Callable[[Communication], None]:
    def change(c: Communication) -> None:
        c.replies.append(Reply(received_on=when, assessment=assessment))
    return change


def add_reminder(when: str) -> Callable[[Communication], None]:
    def change(c: Communication) -> None:
        c.reminders.append(Reminder(sent_on=when))
    return change


# --- the reprisals file ----------------------------------------------------------------------


class ReprisalNotes(QWidget):
    """HQ's notes on the selected reprisal: SG report (with consent), communications,
    repeat victim. Saved apart from the record."""

    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.record_id: str | None = None
        form = QFormLayout(self)
        self.title = QLabel(_("Select a reprisal incident"))
        self.title.setWordWrap(True)
        form.addRow(self.title)
        self.sg_year = QSpinBox()
        self.sg_year.setRange(2009, 2100)
        self.sg_year.setSpecialValueText(_("not included"))
        self.sg_year.setAccessibleName(_("Secretary-General's report of the year"))
        form.addRow(_("&SG report:"), self.sg_year)
        self.repeat = QCheckBox(_("&Repeat victim"))
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        form.addRow(self.repeat)
        form.addRow(self.earlier)
        self.communications = QLineEdit()
        self.communications.setAccessibleName(_("Linked communications (identifiers)"))
        form.addRow(_("&Communications:"), self.communications)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(_("HQ notes"))
        self.notes.setTabChangesFocus(True)
        form.addRow(_("&Notes:"), self.notes)
        self.save = QPushButton(_("Sa&ve notes"))
        self.save.setObjectName("primary")
        form.addRow(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Message"))
        form.addRow(self.message)
        self.save.clicked.connect(self._save)
        self.setEnabled(False)

    def load(self, record_id: str) -> None:
        self.record_id = record_id
        self.session.received(record_id, self._show, parent=self)
        self.session.earlier_reprisals(record_id, self._earlier, parent=self)

    def _show(self, data: tuple[Record, list[Provenance], ReprisalAnnotation | None]) -> None:
        record, _origin, note = data
        code = getattr(record, "consent_to_act", "")
        self.title.setText(_("Consent to act: {label}").format(
            label=VOCABULARIES["consent_to_act"].label(code)))
        note = note or ReprisalAnnotation(record_id=record.id)
        self.sg_year.setValue(note.sg_report_year or self.sg_year.minimum())
        self.repeat.setChecked(note.repeat_victim)
        self.communications.setText(", ".join(note.communication_ids))
        self.notes.setPlainText(note.notes)
        self.message.clear()
        self.setEnabled(True)

    def _earlier(self, ids: list[str]) -> None:
        self.earlier.setText(ngettext("{n} earlier reprisal against the same person",
                                      "{n} earlier reprisals against the same person",
                                      len(ids)).format(n=len(ids)) if ids else "")
        if ids:
            self.repeat.setChecked(True)

    def _save(self) -> None:
        if self.record_id is None:
            return
        year = self.sg_year.value()
        note = ReprisalAnnotation(
            record_id=self.record_id,
            sg_report_year=None if year == self.sg_year.minimum() else year,
            communication_ids=[c.strip() for c in self.communications.text().split(",")
                               if c.strip()],
            repeat_victim=self.repeat.isChecked(), notes=self.notes.toPlainText())
        self.session.annotate(note, lambda _n: self.message.setText(_("Notes saved.")),
                              self.message.setText, parent=self)
