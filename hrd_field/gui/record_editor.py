"""The editor of one record: generated form, validation beside fields, autosave, finalise."""

from __future__ import annotations

import copy
import dataclasses

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core import display
from ..core.i18n import _, ngettext
from ..core.records import Record, ThreatReport
from ..core.validation import normalise, validate
from ..core.vocab import RECORD_TYPE
from .attachments import AttachmentPanel
from .links import PersonLinks
from .record_form import FormContext, RecordForm
from .session import VaultSession
from .widgets import CodeCombo, scale_font

AUTOSAVE_MS = 4_000
VALIDATE_MS = 250


class RecordEditor(QWidget):
    """Edits a copy of a record; the vault changes only on Save, Finalise or autosave."""

    saved = Signal(object)  # the saved Record
    title_changed = Signal(str)
    closed = Signal()

    def __init__(self, session: VaultSession, record: Record, *, is_new: bool,
                 context: FormContext, missions: list[tuple[str, str]],
                 draft_restored: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.base = record
        self.is_new = is_new
        self.dirty = draft_restored

        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("editorHeading")
        scale_font(self.heading, 1.25)
        self.heading.setWordWrap(True)
        self.version = QLabel()
        self.version.setObjectName("muted")
        head.addWidget(self.heading, 1)
        head.addWidget(self.version)
        outer.addLayout(head)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)

        mission_row = QHBoxLayout()
        mission_label = QLabel(_("&Mission"))
        self.mission = CodeCombo(missions, _("— no mission —"), _("Mission"))
        mission_label.setBuddy(self.mission)
        mission_row.addWidget(mission_label)
        mission_row.addWidget(self.mission, 1)
        if record.TYPE != "mission":
            outer.addLayout(mission_row)
        else:
            mission_label.hide()
            self.mission.hide()

        self.form = RecordForm(type(record), context)
        self.links: PersonLinks | None = None
        body = QWidget()
        body_layout = QVBoxLayout(body)
        for section, box in self.form.sections.items():
            body_layout.addWidget(box)
            section_layout = box.layout()
            if section == "incident" and isinstance(record, ThreatReport) \
                    and isinstance(section_layout, QFormLayout):
                self.links = PersonLinks(session)
                section_layout.insertRow(0, self.links)
            if section == "consent":
                box.setProperty("prominent", True)
                intro = QLabel(_(
                    "Consent decides what leaves this laptop. Without consent to share with "
                    "headquarters, this record stays here. Names and contact details leave "
                    "only with consent to share identity."))
                intro.setWordWrap(True)
                layout = box.layout()
                if layout is not None:
                    layout.setContentsMargins(12, 18, 12, 12)
                    if isinstance(layout, QFormLayout):
                        layout.insertRow(0, intro)
        self.attachments = AttachmentPanel(session)
        body_layout.addWidget(self.attachments)
        body_layout.addStretch(1)
        body.setMaximumWidth(body.fontMetrics().averageCharWidth() * 130)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll, 1)

        self.problems = QLabel()
        self.problems.setObjectName("fieldError")
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName(_("Problems to fix before saving"))
        outer.addWidget(self.problems)

        buttons = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setAccessibleName(_("Save status"))
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setAccessibleName(_("Delete this record"))
        self.finalise_button = QPushButton(_("Finalise"))
        self.finalise_button.setAccessibleName(_("Save as final"))
        self.finalise_button.setToolTip(_("Final records can be exported to headquarters."))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("primary")
        self.save_button.setAccessibleName(_("Save"))
        self.close_button = QPushButton(_("Close"))
        self.close_button.setAccessibleName(_("Close the editor"))
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.finalise_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

        self._load(record)
        if draft_restored:
            self.banner.setText(_("Unsaved changes were recovered from an autosaved draft. "
                                  "Save to keep them, or close and discard them."))
            self.banner.show()

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()

        self.form.changed.connect(self._edited)
        self.mission.currentIndexChanged.connect(self._edited)
        self.attachments.changed.connect(self._edited)
        if self.links is not None:
            self.links.changed.connect(self._edited)
        self.save_button.clicked.connect(lambda: self.save(final=False))
        self.finalise_button.clicked.connect(lambda: self.save(final=True))
        self.close_button.clicked.connect(self.request_close)
        self.delete_button.clicked.connect(self._delete)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save(final=False))
        self.validate_now()

    # -- state -------------------------------------------------------------------------------
    def _load(self, record: Record) -> None:
        self.form.load(record)
        self.mission.set_code(record.mission_id)
        self.attachments.set_refs(list(record.attachments))
        if self.links is not None and isinstance(record, ThreatReport):
            self.links.set_value(list(record.person_ids))
        self._show_header(record)

    def _show_header(self, record: Record) -> None:
        kind = RECORD_TYPE.label(record.TYPE)
        title = display.title(record) or _("(untitled)")
        self.heading.setText(_("{kind}: {title}").format(kind=kind, title=title))
        if self.is_new:
            self.version.setText(_("New — not saved yet"))
        else:
            status = _("final") if record.status == "final" else _("draft")
            self.version.setText(_("Version {v} · {status}").format(v=record.version,
                                                                    status=status))
        self.delete_button.setEnabled(not self.is_new)
        self.title_changed.emit(title)

    def current(self) -> Record:
        record = self.form.collect(self.base)
        record = dataclasses.replace(record, mission_id=self.mission.code(),
                                     attachments=self.attachments.refs())
        if self.links is not None and isinstance(record, ThreatReport):
            record.person_ids = self.links.value()
        normalise(record)
        return record

    def _edited(self, *_args: object) -> None:
        self.dirty = True
        self.status_label.setText(_("Unsaved changes"))
        self._validate_timer.start()

    def validate_now(self, final: bool | None = None) -> bool:
        record = self.current()
        if final or (final is None and record.status == "final"):
            record.status = "final"
        errors = validate(record)
        unplaced = self.form.show_errors(errors)
        if errors:
            lines = [ngettext("Cannot save: {n} problem — see the marked field.",
                              "Cannot save: {n} problems — see the marked fields.",
                              len(errors)).format(n=len(errors))]
            lines += [str(e) for e in unplaced[:3]]
            self.problems.setText("\n".join(lines))
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(lines[0])
        else:
            self.problems.setText("")
            self.save_button.setEnabled(True)
            self.save_button.setToolTip("")
        self.finalise_button.setEnabled(not errors)
        return not errors

    # -- saving ------------------------------------------------------------------------------
    def save(self, *, final: bool) -> None:
        if not self.validate_now(final=final):
            return
        record = self.current()
        if final:
            record.status = "final"
        self.save_button.setEnabled(False)
        self.finalise_button.setEnabled(False)
        self.status_label.setText(_("Saving…"))
        self.session.save(record, self.is_new, self._saved, self._save_failed, parent=self)

    def _saved(self, record: Record) -> None:
        self.base = copy.deepcopy(record)
        self.is_new = False
        self.dirty = False
        self.banner.hide()
        self._show_header(record)
        self.status_label.setText(_("Saved at {time}").format(
            time=QTime.currentTime().toString("HH:mm:ss")))
        self.validate_now()
        self.saved.emit(record)

    def _save_failed(self, message: str) -> None:
        self.status_label.setText(_("Not saved: {reason} Your changes are kept as a draft.")
                                  .format(reason=message))
        self.validate_now()
        self.autosave()

    def autosave(self) -> None:
        if not self.dirty or not self.session.is_open:
            return
        record = self.current()

        def done(_v: object) -> None:
            if self.dirty:
                self.status_label.setText(_("Draft autosaved at {time}").format(
                    time=QTime.currentTime().toString("HH:mm:ss")))

        self.session.save_draft(record, done, lambda msg: self.status_label.setText(
            _("Autosave failed: {reason}").format(reason=msg)), parent=self)

    def _delete(self) -> None:
        answer = QMessageBox.question(
            self, _("Delete record"),
            _("Delete this record? A tombstone stays so it is not exported again."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.session.delete(self.base.id, self.base.TYPE, lambda _v: self._finish(),
                                parent=self)

    def request_close(self) -> None:
        """Close; unsaved changes stay as a draft (the vault keeps them encrypted)."""
        if self.dirty:
            self.autosave()
        self._finish()

    def _finish(self) -> None:
        self._autosave.stop()
        self.closed.emit()

    def discard_on_lock(self) -> None:
        """Drop the editor without touching the vault (it is being locked)."""
        self._autosave.stop()
        self._validate_timer.stop()
        for field in self.form.masked_fields():
            field.hide_again()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.request_close()
            return
        super().keyPressEvent(event)
