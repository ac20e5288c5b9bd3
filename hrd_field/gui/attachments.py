"""The attachments of one record: the list, what can be done with each file, and removing
where a photo was taken. Adding runs in ``attachment_queue``, showing in ``attachment_viewer``.

Nothing here writes an attachment's content anywhere but into the vault: files are streamed
in by the worker, photos are read into memory to be shown, and a photo's location is
removed in memory. Other files are exported on purpose only, with the command line.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..core.errors import UserError
from ..core.i18n import _
from ..core.media import gps_location, has_metadata, strip_metadata
from ..core.records import AttachmentRef
from .attachment_queue import AddJob, AddQueue
from .attachment_viewer import ImageViewer
from .session import VaultSession

__all__ = ["IMAGE_VIEW_LIMIT", "AttachmentPanel", "ImageViewer"]

IMAGE_VIEW_LIMIT = 64 << 20
"""Larger images are not read into memory to be shown."""

def _human_size(size: int) -> str:
    return QLocale().formattedDataSize(size)


def _clean_copy(data: bytes) -> bytes:
    """strip_metadata, checked: the copy must carry neither a location nor other metadata."""
    clean = strip_metadata(data)
    if gps_location(clean) is not None or has_metadata(clean):
        raise UserError(_("The hidden information could not be removed from this image."))
    return clean


class AttachmentPanel(QWidget):
    """The attachment list of the record being edited; ``changed`` marks the editor dirty."""

    changed = Signal()

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self._refs: list[AttachmentRef] = []
        self._with_location: set[str] = set()
        self._read_only = False
        self._opening: str | None = None
        self.viewer: ImageViewer | None = None
        self._adds = AddQueue(session, self, lambda message: self._show_error(message))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list_widget = QListWidget()
        self.list_widget.setAccessibleName(_("Attachments"))
        self.list_widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_widget.setWordWrap(True)
        self.list_widget.setAlternatingRowColors(True)
        layout.addWidget(self.list_widget, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("&Add…"))
        self.add_button.setAccessibleName(_("Add attachments"))
        self.add_button.setToolTip(_("Add files; they are stored encrypted in the vault."))
        self.view_button = QPushButton(_("&View"))
        self.view_button.setAccessibleName(_("View the selected attachment"))
        self.remove_button = QPushButton(_("&Remove"))
        self.remove_button.setAccessibleName(_("Remove the selected attachment from the record"))
        self.identify_box = QCheckBox(_("May identify people"))
        self.identify_box.setAccessibleName(_("The selected attachment may identify people"))
        self.identify_box.setToolTip(
            _("Files that may identify people leave only with consent to share identity."))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.view_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.identify_box)
        layout.addLayout(buttons)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        self.status.setAccessibleName(_("Attachment status"))
        layout.addWidget(self.status)

        self.add_button.clicked.connect(self.add_files)
        self.view_button.clicked.connect(self.view_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.identify_box.toggled.connect(self._identify_toggled)
        self.list_widget.currentRowChanged.connect(self._selection_changed)
        self.list_widget.itemActivated.connect(lambda _item: self.view_selected())
        self._adds.progressed.connect(self._on_progress)
        self._adds.stored.connect(self._add_done)
        self._adds.failed.connect(self._add_failed)
        self._adds.status.connect(self.status.setText)
        session.locked.connect(self._on_locked)
        self._update_buttons()

    # -- public API --------------------------------------------------------------------
    def set_refs(self, refs: list[AttachmentRef]) -> None:
        """Show these attachments (copies are kept); work still running for others is dropped."""
        self._abandon_work()
        self._refs = [replace(r) for r in refs]
        self._fill(0 if self._refs else -1)
        self.status.clear()

    def refs(self) -> list[AttachmentRef]:
        return [replace(r) for r in self._refs]

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_buttons()
        if self.viewer is not None:
            self.viewer.set_can_edit(not read_only)

    @property
    def with_location(self) -> frozenset[str]:
        """SHA-256 of the attached photos known to carry where they were taken."""
        return frozenset(self._with_location)

    @property
    def busy(self) -> bool:
        return self._adds.busy or self._opening is not None

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress of the file being added (one dialog, reused), if any."""
        return self._adds.progress_dialog

    # -- hooks (overridden in tests) ---------------------------------------------------
    def _choose_files(self) -> list[str]:
        # Qt's own dialog: the desktop's native one records chosen files in its
        # "recently used" list on disk, and file names can be sensitive.
        chosen = QFileDialog.getOpenFileNames(
            self, _("Add attachments"), "", "",
            options=QFileDialog.Option.DontUseNativeDialog)
        return list(chosen[0])

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self.viewer or self, _("Attachments"), message)

    def _show_info(self, message: str) -> None:
        QMessageBox.information(self.viewer or self, _("Attachments"), message)

    # -- list ----------------------------------------------------------------------------
    def _row_text(self, ref: AttachmentRef) -> str:
        details = _("{size}, {media_type}").format(size=_human_size(ref.size),
                                                  media_type=ref.media_type)
        if ref.may_identify:
            details = _("{details} — may identify people").format(details=details)
        if ref.sha256 in self._with_location:
            details = _("{details} — ⚠ contains the location where it was taken").format(
                details=details)
        return _("{name}\n{details}").format(name=ref.filename or _("(no name)"),
                                            details=details)

    def _fill(self, select: int) -> None:
        self.list_widget.blockSignals(True)
        try:
            self.list_widget.clear()
            for ref in self._refs:
                item = QListWidgetItem(self._row_text(ref))
                item.setData(Qt.ItemDataRole.UserRole, ref.sha256)
                item.setToolTip(_("SHA-256: {sha}").format(sha=ref.sha256))
                self.list_widget.addItem(item)
            if 0 <= select < len(self._refs):
                self.list_widget.setCurrentRow(select)
        finally:
            self.list_widget.blockSignals(False)
        self._selection_changed(self.list_widget.currentRow())

    def _refresh_rows(self) -> None:
        for row, ref in enumerate(self._refs):
            item = self.list_widget.item(row)
            if item is not None:
                item.setText(self._row_text(ref))

    def _selected_index(self) -> int:
        row = self.list_widget.currentRow()
        return row if 0 <= row < len(self._refs) else -1

    def _selection_changed(self, _row: int) -> None:
        index = self._selected_index()
        self.identify_box.blockSignals(True)
        self.identify_box.setChecked(index >= 0 and self._refs[index].may_identify)
        self.identify_box.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self._selected_index() >= 0
        editable = not self._read_only
        self.add_button.setEnabled(editable)
        self.view_button.setEnabled(selected)
        self.remove_button.setEnabled(editable and selected)
        self.identify_box.setEnabled(editable and selected)

    def _identify_toggled(self, checked: bool) -> None:
        index = self._selected_index()
        if index < 0 or self._read_only or self._refs[index].may_identify == checked:
            return
        self._refs[index].may_identify = checked
        self._refresh_rows()
        self.changed.emit()

    def remove_selected(self) -> None:
        index = self._selected_index()
        if index < 0 or self._read_only:
            return
        removed = self._refs.pop(index)
        self._fill(min(index, len(self._refs) - 1))
        self.status.setText(_("{name} was removed from this record.").format(
            name=removed.filename or _("(no name)")))
        self.changed.emit()

    def _index_of(self, sha256: str) -> int:
        return next((i for i, r in enumerate(self._refs) if r.sha256 == sha256), -1)

    def _mark_location(self, sha256: str, location: tuple[float, float] | None) -> None:
        if location is not None and sha256 not in self._with_location:
            self._with_location.add(sha256)
            self._refresh_rows()

    # -- add -----------------------------------------------------------------------------
    def add_files(self) -> None:
        if self._read_only or self.busy:
            return
        self._adds.add(self._choose_files())

    def _on_progress(self, job: AddJob, done: int, total: int) -> None:
        self._adds.show_progress(job, done, total)

    def _add_done(self, job: AddJob, ref: AttachmentRef) -> None:
        if not isValid(self):
            return
        head = bytes(job.file.head) if job.file is not None else b""
        job.file = None
        if job.generation != self._adds.generation:
            return  # the panel shows another record now
        if job.cancelled:
            # Stored before the cancellation reached the worker: it stays unlinked.
            self.status.setText(_("Cancelled: nothing was added."))
            return
        if self._index_of(ref.sha256) >= 0:
            self.status.setText(_("{name} is already attached to this record.").format(
                name=job.name))
        else:
            self._refs.append(replace(ref, may_identify=True))
            self._fill(len(self._refs) - 1)
            self.status.setText(_("{name} was added.").format(name=job.name))
            self.changed.emit()
            if ref.media_type.startswith("image/") and head:
                sha = ref.sha256

                def found(location: tuple[float, float] | None) -> None:
                    if self._alive():
                        self._mark_location(sha, location)

                # A photo's EXIF sits at its start: look for a location right away.
                self._session.compute(gps_location, head, on_done=found, parent=self)
        self._adds.start_next()

    def _add_failed(self, job: AddJob, message: str) -> None:
        if not isValid(self) or job.generation != self._adds.generation:
            return
        if job.cancelled:
            self.status.setText(_("Cancelled: nothing was added."))
            return
        self.status.setText(_("{name} was not added.").format(name=job.name))
        self._show_error(message)
        self._adds.start_next()

    # -- view ----------------------------------------------------------------------------
    def view_selected(self) -> None:
        index = self._selected_index()
        if index < 0 or self._opening is not None:
            return
        ref = self._refs[index]
        export = _("To open it with another program, export it with the command line: "
                   "hrd-field attachment get {sha} --out FILE. The exported copy is not "
                   "encrypted: delete it when you no longer need it.").format(sha=ref.sha256)
        if not ref.media_type.startswith("image/"):
            self._show_info(_("{name} cannot be shown here: only images can be shown "
                              "without writing the file to disk. {export}").format(
                name=ref.filename or _("(no name)"), export=export))
            return
        if ref.size > IMAGE_VIEW_LIMIT:
            self._show_info(_("{name} is too large to be shown here (more than {limit}). "
                              "{export}").format(name=ref.filename or _("(no name)"),
                                                 limit=_human_size(IMAGE_VIEW_LIMIT),
                                                 export=export))
            return
        generation = self._adds.generation
        self._opening = ref.sha256
        self.status.setText(_("Opening {name}…").format(name=ref.filename or _("(no name)")))

        def failed(message: str) -> None:
            if self._alive() and generation == self._adds.generation:
                self._opening = None
                self.status.clear()
                self._show_error(message)

        def inspect(data: bytes) -> None:
            if not self._alive():
                return
            self._session.compute(
                gps_location, data,
                on_done=lambda loc: self._open_viewer(generation, ref.sha256, data, loc),
                on_error=failed, parent=self)

        self._session.read_attachment(ref.sha256, IMAGE_VIEW_LIMIT, on_done=inspect,
                                      on_error=failed)

    def _open_viewer(self, generation: int, sha256: str, data: bytes,
                     location: tuple[float, float] | None) -> None:
        if not self._alive() or generation != self._adds.generation:
            return
        self._opening = None
        self.status.clear()
        index = self._index_of(sha256)
        if index < 0:
            return
        self._mark_location(sha256, location)
        self._close_viewer()
        viewer = ImageViewer(data, self._refs[index], location, can_edit=not self._read_only,
                             parent=self)
        viewer.remove_location_requested.connect(lambda: self._remove_location(viewer))
        viewer.finished.connect(lambda _result: self._viewer_closed(viewer))
        self.viewer = viewer
        viewer.open()

    def _viewer_closed(self, viewer: ImageViewer) -> None:
        if self.viewer is viewer:
            self.viewer = None

    def _close_viewer(self) -> None:
        viewer, self.viewer = self.viewer, None
        if viewer is not None and isValid(viewer):
            viewer.close()

    # -- remove location ---------------------------------------------------------------
    def _remove_location(self, viewer: ImageViewer) -> None:
        if self._read_only:
            return
        old = viewer.ref
        generation = self._adds.generation
        viewer.set_busy(True)

        def failed(message: str) -> None:
            if isValid(viewer):
                viewer.set_busy(False)
            if self._alive() and generation == self._adds.generation:  # not after a lock
                self._show_error(message)

        def stored(new: AttachmentRef, clean: bytes) -> None:
            if not self._alive():
                return
            index = self._index_of(old.sha256)
            if generation != self._adds.generation:
                return
            if index < 0:
                failed(_("The attachment is no longer in this record; nothing was changed."))
                return
            updated = replace(self._refs[index], sha256=new.sha256, size=new.size,
                              media_type=new.media_type)
            if self._index_of(new.sha256) >= 0:
                del self._refs[index]  # the clean copy is attached already
                self._fill(self._index_of(new.sha256))
            else:
                self._refs[index] = updated
                self._fill(index)
            self.status.setText(_("The location was removed from {name}.").format(
                name=updated.filename or _("(no name)")))
            self.changed.emit()
            if isValid(viewer):
                viewer.location_removed(updated, clean)

        def cleaned(clean: bytes) -> None:
            if not self._alive():
                return
            self._session.store_bytes(clean, old.filename, old.media_type,
                                      on_done=lambda new: stored(new, clean), on_error=failed)

        self._session.compute(_clean_copy, viewer.data, on_done=cleaned, on_error=failed,
                              parent=self)

    # -- lifetime ------------------------------------------------------------------------
    def _alive(self) -> bool:
        return isValid(self)

    def _abandon_work(self) -> None:
        self._adds.abandon()
        self._opening = None
        self._close_viewer()

    def _on_locked(self) -> None:
        if self._alive():
            self._abandon_work()
