"""Export to HQ: first show what will leave and what stays, then write with progress."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..bundle import WrittenBundle
from ..core.consent import REASONS
from ..core.i18n import _, ngettext
from ..core.records import RECORD_TYPES
from ..core.vocab import RECORD_TYPE
from ..sync.exporter import ExportPlan
from . import file_dialogs
from .dates import format_number
from .session import VaultSession
from .tasks import Task
from .widgets import isolate

SHOWN = 30  # records named one by one; the rest are counted


def _field_label(record_type: str, name: str) -> str:
    for f in dataclasses.fields(RECORD_TYPES[record_type]):
        if f.name == name:
            return _(str(f.metadata.get("label", name)))
    return name


def _more(n: int) -> list[str]:
    if n <= SHOWN:
        return []
    return ["  " + ngettext("… and {n} more", "… and {n} more", n - SHOWN).format(
        n=n - SHOWN)]


class ExportDialog(QDialog):
    def __init__(self, session: VaultSession, mission_id: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Export for headquarters"))
        self._session = session
        self._mission_id = mission_id
        self._plan: ExportPlan | None = None
        self._task: Task | None = None
        self.written: list[WrittenBundle] = []

        layout = QVBoxLayout(self)
        intro = QLabel(_("Bundles are signed by this laptop and encrypted so that only "
                         "headquarters can open them. Only what consent allows leaves."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.since_last = QRadioButton(_("Only what changed since the last export"))
        self.everything = QRadioButton(_("Everything that may leave"))
        self.since_last.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.since_last)
        group.addButton(self.everything)
        layout.addWidget(self.since_last)
        layout.addWidget(self.everything)
        # a choice's words never wrap: the dialog makes room for them (French at 200 %)
        margins = layout.contentsMargins()
        self.setMinimumWidth(max(560, margins.left() + margins.right() + max(
            self.since_last.sizeHint().width(), self.everything.sizeHint().width())))

        folder_row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("Folder to write the bundles to"))
        self.folder.setPlaceholderText(_("Folder (for example the USB stick)"))
        browse = QPushButton(_("Choose…"))
        browse.setAccessibleName(_("Choose the folder"))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        layout.addLayout(folder_row)

        self.summary = QLabel(_("Working out what would leave…"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName(_("What will leave this laptop"))
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        scroll = QScrollArea()  # long summaries and large fonts scroll instead of clipping
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.summary)
        scroll.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        layout.addWidget(scroll, 1)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Export progress"))
        self.progress.hide()
        layout.addWidget(self.progress)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(_("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.setEnabled(False)
        layout.addWidget(self.buttons)

        browse.clicked.connect(self._choose_folder)
        self.folder.textChanged.connect(self._update_buttons)
        self.since_last.toggled.connect(self._replan)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._cancel)
        self._replan()

    # -- planning ----------------------------------------------------------------------------
    def _replan(self, *_args: object) -> None:
        self._plan = None
        self._update_buttons()
        self.summary.setText(_("Working out what would leave…"))
        self._session.plan_export(self.since_last.isChecked(), self._mission_id,
                                  self._planned, self._failed, parent=self)

    def _planned(self, plan: ExportPlan) -> None:
        self._plan = plan
        lines = [_("Will leave:")] if plan.items else [_("Nothing new to export.")]
        for code, n in sorted(plan.by_type.items()):
            lines.append("  • " + _("{label}: {n}").format(label=RECORD_TYPE.label(code),
                                                         n=format_number(n)))
        if plan.tombstones:
            lines.append("  • " + ngettext("{n} deletion", "{n} deletions",
                                           plan.tombstones).format(
                                               n=format_number(plan.tombstones)))
        if plan.attachment_bytes:
            lines.append("  • " + _("attachments: {size}").format(
                size=self.locale().formattedDataSize(plan.attachment_bytes)))
        if plan.trimmed:
            lines.append("")
            lines.append(_("Leaves without what could identify people:"))
            for t in plan.trimmed[:SHOWN]:
                removed = [_field_label(t.type, name) for name in t.fields] + list(t.files)
                why = _("no consent to share identity") if t.fields else \
                    _("files marked as possibly identifying")
                lines.append("  • " + _("{type} “{title}”: {removed} — {why}").format(
                    type=RECORD_TYPE.label(t.type), title=t.title,
                    removed=_(", ").join(removed), why=why))
            lines += _more(len(plan.trimmed))
        if plan.kept:
            lines.append("")
            lines.append(_("Stays on this laptop:"))
            for k in plan.kept[:SHOWN]:
                lines.append("  • " + _("{type} “{title}” — {why}").format(
                    type=RECORD_TYPE.label(k.type), title=k.title,
                    why=_(REASONS.get(k.reason, k.reason))))
            lines += _more(len(plan.kept))
        self.summary.setText("\n".join(lines))
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        ready = self._plan is not None and not self._plan.empty and bool(self.folder.text())
        self.export_button.setEnabled(ready and self._task is None)

    def _choose_folder(self) -> None:
        chosen = self._ask_folder()
        if chosen:
            self.folder.setText(chosen)

    def _ask_folder(self) -> str:
        return file_dialogs.existing_folder(self, _("Where to write the bundles"))

    # -- writing -----------------------------------------------------------------------------
    def start(self) -> None:
        plan = self._plan
        if plan is None or plan.empty:
            return
        out = Path(self.folder.text())
        self.progress.setRange(0, 0)
        self.progress.show()
        self.export_button.setEnabled(False)
        self.summary.setText(self.summary.text() + "\n\n" + _("Writing bundles…"))

        self._task = self._session.write_export(plan, out, self._done, self._failed,
                                                self._progressed, parent=self)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _done(self, written: list[WrittenBundle]) -> None:
        self._task = None
        self.written = written
        self.progress.hide()
        self.summary.setText(ngettext(
            "{n} bundle written to {folder}. It is encrypted: only headquarters can open it.",
            "{n} bundles written to {folder}. They are encrypted: only headquarters "
            "can open them.", len(written)).format(n=format_number(len(written)),
                                                 folder=isolate(self.folder.text())))
        self.cancel_button.setText(_("Close"))

    def _failed(self, message: str) -> None:
        self._task = None
        self.progress.hide()
        self.summary.setText(_("Export failed: {reason}\nNothing half-written was left "
                               "behind.").format(reason=message))
        self._update_buttons()

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.summary.setText(_("Stopping after the current bundle…"))
            return
        self.reject()
