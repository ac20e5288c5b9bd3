"""The editor of one record: generated form, validation beside fields, autosave, finalise."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core import display
from ..core.i18n import N_, _, ngettext
from ..core.mission_defaults import with_mission_defaults
from ..core.records import SECTIONS, Mission, Record, ReprisalIncident, ThreatReport
from ..core.validation import normalise, validate
from ..core.vocab import RECORD_TYPE
from .attachments import AttachmentPanel
from .consent_presets import ConsentPresets
from .date_input import DateInput
from .dates import format_number, ui_locale
from .form import Form, FormContext
from .form_fields import BoolField, DerivedField, IntField
from .links import PersonLinks
from .nested_forms import SubForm
from .record_form import RecordForm
from .session import VaultSession
from .widgets import CodeCombo, chain_tab_order, scale_font, visual_order

# Wording that fits a group: a consultation's consent is given by the people in the room.
GROUP_WORDING = {
    "consultation": {"consent.scope": N_("What the participants agreed to")},
}

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
        self.draft_restored = draft_restored
        self.question: QMessageBox | None = None  # the open question, if any (tests read it)
        self._focused_once = False
        # Dates, numbers and the calendar in the chosen language, one convention for all.
        self.setLocale(ui_locale())

        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("editorHeading")
        scale_font(self.heading, 1.25)
        self.heading.setWordWrap(True)
        self.version = QLabel()
        self.version.setObjectName("muted")
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setAccessibleName(_("Save status"))
        head.addWidget(self.heading, 1)
        head.addWidget(self.status_label)
        # "Unsaved changes" and "New — not saved yet" must not read as one sentence
        head.addSpacing(self.fontMetrics().averageCharWidth() * 3)
        head.addWidget(self.version)
        outer.addLayout(head)

        banner_row = QHBoxLayout()
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.discard_button = QPushButton(_("Discard the draft…"))
        self.discard_button.setAccessibleName(_("Discard the recovered draft"))
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.discard_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.banner.hide()
        self.discard_button.hide()
        outer.addLayout(banner_row)

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
        self._apply_wording(record.TYPE)
        self.links: PersonLinks | None = None
        self.consent_presets: ConsentPresets | None = None
        self.met_note: QLabel | None = None
        body = QWidget()
        body_layout = QVBoxLayout(body)
        for section, box in self.form.sections.items():
            body_layout.addWidget(box)
            section_layout = box.layout()
            if section == "incident" and isinstance(record, ThreatReport) \
                    and isinstance(section_layout, QFormLayout):
                self.links = PersonLinks(session)
                section_layout.insertRow(0, self.links)
            if section == "reprisal" and isinstance(section_layout, QFormLayout):
                self.met_note = QLabel()
                self.met_note.setObjectName("muted")
                self.met_note.setWordWrap(True)
                self.met_note.hide()
                section_layout.addRow(self.met_note)
            if section == "consent" and isinstance(box, QGroupBox):
                box.setProperty("prominent", True)
                intro = QLabel(_(
                    "Consent decides what leaves this laptop. Without consent to share with "
                    "headquarters, this record stays here. Names and contact details leave "
                    "only with consent to share identity."))
                intro.setWordWrap(True)
                layout = box.layout()
                consent = self.form.form.editors.get("consent")
                if layout is not None:
                    layout.setContentsMargins(12, 18, 12, 12)
                    if isinstance(layout, QFormLayout):
                        layout.insertRow(0, intro)
                        if isinstance(consent, Form):
                            self.consent_presets = ConsentPresets(consent, self._record_date)
                            usual = QLabel(_("Usual answers"))
                            usual.setBuddy(self.consent_presets.combo)
                            usual.setWordWrap(True)
                            layout.insertRow(1, usual, self.consent_presets.combo)
                            self.form.loaded.connect(self.consent_presets.show_matching)
        self.attachments = AttachmentPanel(session)
        title = SECTIONS["files"]  # the label, not the key, is what gets translated
        files = QGroupBox(_(title))
        files.setObjectName("section_files")
        QVBoxLayout(files).addWidget(self.attachments)
        body_layout.addWidget(files)
        body_layout.addStretch(1)
        body.setMaximumWidth(body.fontMetrics().averageCharWidth() * 130)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setWidget(body)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not an invisible Tab stop
        outer.addWidget(self.scroll_area, 1)

        self.problems = QLabel()
        self.problems.setObjectName("fieldError")
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName(_("Problems to fix before saving"))
        self.problems.hide()
        outer.addWidget(self.problems)

        buttons = QHBoxLayout()
        self.explain = QLabel(_(
            "Save keeps your work as a draft you can change. Finalise marks it ready for "
            "headquarters: only final records are exported."))
        self.explain.setObjectName("muted")
        self.explain.setWordWrap(True)
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setAccessibleName(_("Delete this record"))
        self.finalise_button = QPushButton(_("Finalise"))
        self.finalise_button.setAccessibleName(_("Save as final"))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("primary")
        self.save_button.setAccessibleName(_("Save"))
        self.close_button = QPushButton(_("Close"))
        self.close_button.setAccessibleName(_("Close the editor"))
        buttons.addWidget(self.explain, 1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.finalise_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

        self._load(record)
        if draft_restored:
            self.banner.setText(_("Unsaved changes were recovered from an autosaved draft. "
                                  "Save to keep them, or discard the draft."))
            self.banner.show()
            self.discard_button.show()

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()

        self.form.changed.connect(self._edited)
        self.form.structure_changed.connect(self.order_tabs)
        if self.form.fold is not None:
            self.form.fold.header.toggled.connect(lambda _on: self.order_tabs())
        self.mission.currentIndexChanged.connect(self._edited)
        self.mission.currentIndexChanged.connect(lambda _i: self._load_mission_dates())
        self.attachments.changed.connect(self._edited)
        if self.links is not None:
            self.links.changed.connect(self._edited)
            self.links.met_mission.connect(self._person_met_mission)
        self.save_button.clicked.connect(lambda: self.save(final=False))
        self.finalise_button.clicked.connect(lambda: self.save(final=True))
        self.close_button.clicked.connect(self.request_close)
        self.delete_button.clicked.connect(self._delete)
        self.discard_button.clicked.connect(self._ask_discard)
        # Ctrl+Enter saves too, wherever the cursor is: a text field's Enter (a new line in
        # notes) has no Ctrl, so the two never meet. Return is the main key, Enter the keypad's.
        for keys in self.save_keys():
            QShortcut(keys, self, lambda: self.save(final=False))
        self.validate_now()
        self.order_tabs()

    @staticmethod
    def save_keys() -> list[QKeySequence]:
        return [QKeySequence(QKeySequence.StandardKey.Save), QKeySequence("Ctrl+Return"),
                QKeySequence("Ctrl+Enter")]

    def _apply_wording(self, record_type: str) -> None:
        for path, label in GROUP_WORDING.get(record_type, {}).items():
            form: Form | None = self.form.form
            *parents, name = path.split(".")
            for part in parents:
                nested = form.editors.get(part) if form is not None else None
                form = nested if isinstance(nested, Form) else None
            editor = form.editors.get(name) if form is not None else None
            if isinstance(editor, SubForm) and isinstance(editor.widget, QGroupBox):
                editor.widget.setTitle(_(label))
                editor.widget.setAccessibleName(_(label))

    # -- keyboard ----------------------------------------------------------------------------
    def order_tabs(self) -> None:
        """Tab follows what the eye reads: heading banner, mission, form, files, buttons."""
        chain_tab_order(visual_order(self))

    def first_field(self) -> QWidget | None:
        form_widgets = visual_order(self.scroll_area)
        return form_widgets[0] if form_widgets else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.is_new and not self._focused_once:
            self._focused_once = True
            first = self.first_field()
            if first is not None:  # New puts the cursor where typing starts
                QTimer.singleShot(0, first, lambda: first.setFocus(Qt.FocusReason.TabFocusReason))

    # -- state -------------------------------------------------------------------------------
    def _record_date(self) -> str | None:
        """The record's own date when it has a full one (a consultation's day)."""
        date = getattr(self.current(), "date", None)
        return date if isinstance(date, str) and len(date) == 10 and \
            QDate.fromString(date, "yyyy-MM-dd").isValid() else None

    def _load_mission_dates(self) -> None:
        """Calendars open at the mission's dates (the days this record most likely has)."""
        mission_id = self.base.id if isinstance(self.base, Mission) else self.mission.code()
        if mission_id and not (isinstance(self.base, Mission) and self.is_new):
            self.session.get(mission_id, self._mission_dates, lambda _f: None, parent=self)

    def _name_mission(self, mission: Record) -> None:
        index = self.mission.findData(mission.id)
        if index >= 0:
            self.mission.setItemText(index, display.title(mission) or _("(untitled)"))

    def _mission_dates(self, mission: Record) -> None:
        start = getattr(mission, "start_date", None) or getattr(mission, "end_date", None)
        hint = QDate.fromString(start, "yyyy-MM-dd") if start else QDate()
        for field in self.findChildren(DateInput):
            field.hint = hint if hint.isValid() else None

    def take_mission_defaults(self, mission: Record) -> None:
        """The current mission's country and dates, come after the editor opened; only
        while nothing is typed yet (they never replace the user's own values)."""
        if isinstance(mission, Mission) and self.is_new and not self.dirty \
                and self.base.mission_id == mission.id:
            self.form.load(with_mission_defaults(self.current(), mission))

    def _load(self, record: Record) -> None:
        self.form.load(record)
        if record.mission_id and self.mission.findData(record.mission_id) < 0:
            # A mission made a moment ago may not be in the list yet: keep the link.
            self.mission.blockSignals(True)
            self.mission.addItem("…", record.mission_id)
            self.mission.blockSignals(False)
            self.session.get(record.mission_id, self._name_mission, lambda _f: None,
                             parent=self)
        self.mission.set_code(record.mission_id)
        self._load_mission_dates()
        self.attachments.set_refs(list(record.attachments))
        if self.links is not None and isinstance(record, ThreatReport):
            self.links.set_value(list(record.person_ids), record.mission_id)
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
        # A never-saved record can still be thrown away (its draft), after a question.
        self.delete_button.setText(_("Discard…") if self.is_new else _("Delete…"))
        self.delete_button.setAccessibleName(_("Discard this new record") if self.is_new
                                             else _("Delete this record"))
        self.delete_button.setEnabled(True)
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
        if self.links is not None:
            self.links.set_mission(self.mission.code())

    def _show_derived(self, record: Record) -> None:
        """Values the app works out (a mission's region) follow the fields they come from."""
        for name, editor in self.form.form.editors.items():
            if isinstance(editor, DerivedField):
                editor.set_value(getattr(record, name))
            elif isinstance(editor, IntField) and not editor.spin.hasFocus() \
                    and editor.value() != getattr(record, name):
                editor.set_value(getattr(record, name))  # at least the organisations named

    def final_status(self, _record: Record) -> str:
        """The status "Finalise" gives (HQ's communications are "sent" instead)."""
        return "final"

    def finalise_tips(self) -> tuple[str, str]:
        """What Finalise does, and why it is off once done."""
        return (_("Final records can be exported to headquarters."),
                _("This record is already final; Save keeps it final."))

    def validate_now(self, final: bool | None = None) -> bool:
        record = self.current()
        self._show_derived(record)
        final_status = self.final_status(record)
        if final or (final is None and record.status == final_status):
            record.status = final_status
        errors = validate(record)
        unplaced = self.form.show_errors(errors)
        if errors:
            lines = [ngettext("Cannot save: {n} problem — see the marked field.",
                              "Cannot save: {n} problems — see the marked fields.",
                              len(errors)).format(n=format_number(len(errors)))]
            lines += [str(e) for e in unplaced[:3]]
            self.problems.setText("\n".join(lines))
            self.problems.show()
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(lines[0])
        else:
            self.problems.setText("")
            self.problems.hide()
            self.save_button.setEnabled(True)
            self.save_button.setToolTip(_("Shortcuts: {keys}").format(keys=", ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText)
                for k in self.save_keys()[:2])))
        already_final = self.base.status == self.final_status(self.base) and not self.is_new
        self.finalise_button.setEnabled(not errors and not already_final)
        what, done = self.finalise_tips()
        self.finalise_button.setToolTip(done if already_final else what)
        return not errors

    # -- links -------------------------------------------------------------------------------
    def _person_met_mission(self, alias: str) -> None:
        """A reprisal against someone recorded during this mission: the gravest case, so the
        box is ticked for the user to confirm, with the reason beside it."""
        editor = self.form.form.editors.get("met_this_mission")
        if not isinstance(self.base, ReprisalIncident) or not isinstance(editor, BoolField):
            return
        if not editor.value():
            editor.box.setChecked(True)
        if self.met_note is not None:
            self.met_note.setText(_(
                "Ticked because {alias} was recorded during this mission. Untick it if "
                "they did not meet the mission.").format(alias=alias))
            self.met_note.show()

    # -- saving ------------------------------------------------------------------------------
    def save(self, *, final: bool) -> None:
        if not self.validate_now(final=final):
            return
        record = self.current()
        if final:
            record.status = self.final_status(record)
        self.save_button.setEnabled(False)
        self.finalise_button.setEnabled(False)
        self.status_label.setText(_("Saving…"))
        self.session.save(record, self.is_new, self._saved, self._save_failed, parent=self)

    def _saved(self, record: Record) -> None:
        self.base = copy.deepcopy(record)
        self.is_new = False
        self.dirty = False
        self.draft_restored = False
        self.banner.hide()
        self.discard_button.hide()
        self._show_header(record)
        self.status_label.setText(_("Saved at {time}").format(
            time=self.locale().toString(QTime.currentTime(), "HH:mm:ss")))
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
                    time=self.locale().toString(QTime.currentTime(), "HH:mm:ss")))

        self.session.save_draft(record, done, lambda msg: self.status_label.setText(
            _("Autosave failed: {reason}").format(reason=msg)), parent=self)

    # -- questions ---------------------------------------------------------------------------
    def _ask(self, title: str, text: str, info: str,
             choices: list[tuple[str, QMessageBox.ButtonRole, Callable[[], None] | None]],
             default: int = 0) -> QMessageBox:
        """A question that does not block the event loop (window-modal, answered by signal)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(info)
        actions: dict[QAbstractButton, Callable[[], None] | None] = {}
        for i, (label, role, action) in enumerate(choices):
            button = box.addButton(label, role)
            actions[button] = action
            if i == default:
                box.setDefaultButton(button)
            if role == QMessageBox.ButtonRole.RejectRole:
                box.setEscapeButton(button)

        def answered(button: QAbstractButton) -> None:
            self.question = None
            action = actions.get(button)
            if action is not None:
                action()

        box.buttonClicked.connect(answered)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.question = box
        box.open()
        return box

    def _where_drafts_live(self) -> str:
        if self.is_new:
            return _("Your changes are kept as an encrypted draft in this vault. The new "
                     "record opens again by itself the next time you unlock the vault; it "
                     "appears in the list once you save it.")
        return _("Your changes are kept as an encrypted draft in this vault. They come back "
                 "when you open this record again, or by themselves at the next unlock.")

    def request_close(self) -> None:
        """Close; with unsaved changes, ask (keep them as a draft, discard them, or stay)."""
        if not self.dirty:
            self._finish()
            return
        if self.question is not None:
            self.question.raise_()
            return
        self._ask(_("Unsaved changes"), _("This record has changes that are not saved."),
                  self._where_drafts_live(),
                  [(_("Keep the draft and close"), QMessageBox.ButtonRole.AcceptRole,
                    self._keep_draft_and_close),
                   (_("Discard the changes"), QMessageBox.ButtonRole.DestructiveRole,
                    self._discard),
                   (_("Go back to the record"), QMessageBox.ButtonRole.RejectRole, None)])

    def _keep_draft_and_close(self) -> None:
        self.autosave()
        self._finish()

    def _ask_discard(self) -> None:
        self._ask(_("Discard the draft"),
                  _("Discard the unsaved changes of this record?") if not self.is_new else
                  _("Discard this new record? It was never saved."),
                  _("The draft is removed from the vault. This cannot be undone."),
                  [(_("Discard"), QMessageBox.ButtonRole.DestructiveRole, self._discard),
                   (_("Keep it"), QMessageBox.ButtonRole.RejectRole, None)], default=1)

    def _discard(self) -> None:
        """The draft leaves the vault; a new record is gone, a saved one is back as saved."""
        self.dirty = False
        self._autosave.stop()
        record_id = self.base.id
        self.session.discard_draft(record_id)
        self._finish()

    def _delete(self) -> None:
        if self.is_new:
            self._ask_discard()
            return
        self._ask(_("Delete record"),
                  _("Delete this record? A tombstone stays so it is not exported again."), "",
                  [(_("Delete"), QMessageBox.ButtonRole.DestructiveRole, self._delete_now),
                   (_("Keep it"), QMessageBox.ButtonRole.RejectRole, None)], default=1)

    def _delete_now(self) -> None:
        self.session.delete(self.base.id, self.base.TYPE, lambda _v: self._finish(),
                            parent=self)

    def _finish(self) -> None:
        self._autosave.stop()
        self._validate_timer.stop()
        self.closed.emit()

    def discard_on_lock(self) -> None:
        """Drop the editor without touching the vault (it is being locked)."""
        self._autosave.stop()
        self._validate_timer.stop()
        if self.question is not None:
            self.question.close()
            self.question = None
        for field in self.form.masked_fields():
            field.hide_again()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            # Never closes silently: with unsaved changes this asks first.
            self.request_close()
            return
        super().keyPressEvent(event)
