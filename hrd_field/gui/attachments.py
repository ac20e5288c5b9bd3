"""The attachments of one record: add files, look at photos, remove where they were taken.

Nothing here writes an attachment's content anywhere but into the vault: files are streamed
in by the worker, photos are read into memory to be shown, and a photo's location is
removed in memory. Other files are exported on purpose only, with the command line.
"""

from __future__ import annotations

import errno
import io
import mimetypes
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import BinaryIO

from PySide6.QtCore import QBuffer, QByteArray, QLocale, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..core.errors import UserError
from ..core.i18n import _
from ..core.media import gps_location, has_metadata, strip_metadata
from ..core.records import AttachmentRef
from .session import VaultSession
from .tasks import Task

IMAGE_VIEW_LIMIT = 64 << 20
"""Larger images are not read into memory to be shown."""

_HEAD_BYTES = 256 << 10
"""The start of an added file, kept in memory to look for a photo's location (EXIF)."""

_PROGRESS_STEPS = 1000


def _human_size(size: int) -> str:
    return QLocale().formattedDataSize(size)


def _coordinate(value: float) -> str:
    return QLocale().toString(value, "f", 6)


class _ReadingFile(io.FileIO):
    """A regular file read by the worker; reports how far it got and keeps its first bytes.

    Opened non-blocking so that a FIFO or device chosen by mistake is refused at once
    instead of hanging the worker (regular files ignore the flag).
    """

    def __init__(self, path: str, report: Callable[[int, int], None]):
        super().__init__(path, "rb", opener=_open_nonblocking)
        try:
            info = os.fstat(self.fileno())
        except OSError:
            self.close()
            raise
        if not stat.S_ISREG(info.st_mode):
            self.close()
            raise OSError(errno.EINVAL, _("not a regular file"))
        self.total = info.st_size
        self.done = 0
        self.head = bytearray()
        self._report = report

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size) or b""
        if data:
            self.done += len(data)
            if len(self.head) < _HEAD_BYTES:
                self.head += data[: _HEAD_BYTES - len(self.head)]
            self._report(self.done, max(self.total, self.done))
        return data


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _readable_problem(path: str) -> str | None:
    """Why this path cannot be added, or None (checked again when the worker opens it)."""
    name = os.path.basename(path) or path
    try:
        info = os.stat(path)
    except OSError as exc:
        return _("The file {name} cannot be read ({reason}). Nothing was added.").format(
            name=name, reason=exc.strerror or type(exc).__name__)
    if not stat.S_ISREG(info.st_mode):
        return _("{name} is not a file that can be attached (it is a folder or a device). "
                 "Nothing was added.").format(name=name)
    if not os.access(path, os.R_OK):
        return _("You are not allowed to read the file {name}. Nothing was added.").format(
            name=name)
    return None


def _clean_copy(data: bytes) -> bytes:
    """strip_metadata, checked: the copy must carry neither a location nor other metadata."""
    clean = strip_metadata(data)
    if gps_location(clean) is not None or has_metadata(clean):
        raise UserError(_("The hidden information could not be removed from this image."))
    return clean


@dataclass(eq=False)
class _AddJob:
    path: str
    name: str
    media_type: str
    generation: int
    task: Task | None = None
    file: _ReadingFile | None = None
    cancelled: bool = False
    finished: bool = False


class AttachmentPanel(QWidget):
    """The attachment list of the record being edited; ``changed`` marks the editor dirty."""

    changed = Signal()
    # (job, bytes done, total) from the worker. Python objects, not C++ ints: files may be
    # larger than 2 GiB, which a 32-bit signal argument cannot carry.
    _progressed = Signal(object, object, object)

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self._refs: list[AttachmentRef] = []
        self._with_location: set[str] = set()
        self._read_only = False
        self._generation = 0
        self._queue: list[str] = []
        self._adding: _AddJob | None = None
        self._opening: str | None = None
        self._progress: QProgressDialog | None = None
        self.viewer: ImageViewer | None = None

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
        self._progressed.connect(self._on_progress)
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
        return self._adding is not None or bool(self._queue) or self._opening is not None

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress of the file being added (one dialog, reused), if any."""
        return self._progress if self._adding is not None else None

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
        self._queue.extend(self._choose_files())
        self._start_next()

    def _start_next(self) -> None:
        while self._queue and self._adding is None:
            path = self._queue.pop(0)
            problem = _readable_problem(path)
            if problem is not None:
                self._show_error(problem)
                continue
            self._begin_add(path)

    def _begin_add(self, path: str) -> None:
        name = os.path.basename(path)
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        job = _AddJob(path=path, name=name, media_type=media_type,
                      generation=self._generation)

        def report(done: int, total: int) -> None:  # on the worker
            self._progressed.emit(job, done, total)

        def opener() -> BinaryIO:  # on the worker
            try:
                job.file = _ReadingFile(path, report)
            except OSError as exc:
                raise UserError(_("The file {name} cannot be read ({reason}). "
                                  "Nothing was added.").format(
                    name=name, reason=exc.strerror or str(exc))) from exc
            return job.file

        dialog = self._progress_dialog()
        dialog.reset()
        dialog.setLabelText(_("Adding {name} to the vault…").format(name=name))
        dialog.setAccessibleName(_("Progress of adding {name}").format(name=name))
        self._adding = job
        dialog.setValue(0)  # shown if it takes longer than the minimum duration
        self.status.setText(_("Adding {name}…").format(name=name))
        job.task = self._session.store_attachment(
            opener, name, media_type,
            on_done=lambda ref: self._add_done(job, ref),
            on_error=lambda message: self._add_failed(job, message))

    def _progress_dialog(self) -> QProgressDialog:
        """One dialog for every file, never deleted while the panel lives: a modal
        QProgressDialog processes events inside setValue(), so the add may finish (and the
        next one start) while setValue() is still on the stack."""
        if self._progress is None:
            dialog = QProgressDialog(self)
            dialog.setWindowTitle(_("Adding an attachment"))
            dialog.setCancelButtonText(_("Cancel"))
            dialog.setRange(0, _PROGRESS_STEPS)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumDuration(400)
            dialog.canceled.connect(self._cancel_current)
            dialog.reset()
            dialog.hide()
            self._progress = dialog
        return self._progress

    def _on_progress(self, job: _AddJob, done: int, total: int) -> None:
        if job is not self._adding or job.finished or self._progress is None:
            return
        if total > 0:
            self._progress.setValue(min(_PROGRESS_STEPS, done * _PROGRESS_STEPS // total))

    def _cancel_current(self) -> None:
        if self._adding is not None:
            self._cancel_add(self._adding)

    def _cancel_add(self, job: _AddJob) -> None:
        if job.finished or job.cancelled:
            return
        job.cancelled = True
        self._queue.clear()
        if job.task is not None:
            job.task.cancel()
        self.status.setText(_("Cancelling…"))

    def _finish(self, job: _AddJob) -> None:
        job.finished = True
        if self._adding is job:
            self._adding = None
            if self._progress is not None and isValid(self._progress):
                self._progress.reset()
                self._progress.hide()

    def _add_done(self, job: _AddJob, ref: AttachmentRef) -> None:
        self._finish(job)
        if not isValid(self):
            return
        head = bytes(job.file.head) if job.file is not None else b""
        job.file = None
        if job.generation != self._generation:
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
        self._start_next()

    def _add_failed(self, job: _AddJob, message: str) -> None:
        self._finish(job)
        job.file = None
        if not isValid(self) or job.generation != self._generation:
            return
        if job.cancelled:
            self.status.setText(_("Cancelled: nothing was added."))
            return
        self.status.setText(_("{name} was not added.").format(name=job.name))
        self._show_error(message)
        self._start_next()

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
        generation = self._generation
        self._opening = ref.sha256
        self.status.setText(_("Opening {name}…").format(name=ref.filename or _("(no name)")))

        def failed(message: str) -> None:
            if self._alive() and generation == self._generation:
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
        if not self._alive() or generation != self._generation:
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
        generation = self._generation
        viewer.set_busy(True)

        def failed(message: str) -> None:
            if isValid(viewer):
                viewer.set_busy(False)
            if self._alive() and generation == self._generation:  # not after a lock
                self._show_error(message)

        def stored(new: AttachmentRef, clean: bytes) -> None:
            if not self._alive():
                return
            index = self._index_of(old.sha256)
            if generation != self._generation:
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
        self._generation += 1
        self._queue.clear()
        job = self._adding
        if job is not None:
            self._cancel_add(job)
            self._finish(job)
        self._opening = None
        self._close_viewer()

    def _on_locked(self) -> None:
        if self._alive():
            self._abandon_work()


class ImageViewer(QDialog):
    """Shows an image held in memory; warns when it says where it was taken."""

    remove_location_requested = Signal()

    def __init__(self, data: bytes, ref: AttachmentRef, location: tuple[float, float] | None,
                 *, can_edit: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.data = data
        self.ref = ref
        self.location = location
        name = ref.filename or _("(no name)")
        self.setWindowTitle(name)
        self.setAccessibleName(_("Image {name}").format(name=name))

        layout = QVBoxLayout(self)
        self.warning = QFrame()
        self.warning.setObjectName("locationWarning")
        self.warning.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.warning)
        icon = QLabel()
        style = self.style()
        icon.setPixmap(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                       .pixmap(QSize(32, 32)))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        self.warning_text = QLabel()
        self.warning_text.setWordWrap(True)
        self.warning_text.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_text.setAlignment(Qt.AlignmentFlag.AlignLeading
                                       | Qt.AlignmentFlag.AlignVCenter)
        font = self.warning_text.font()
        font.setBold(True)
        self.warning_text.setFont(font)
        self.remove_location_button = QPushButton(_("Remove &location"))
        self.remove_location_button.setAccessibleName(
            _("Remove the location and other hidden information from this photo"))
        row.addWidget(icon)
        row.addWidget(self.warning_text, 1)
        row.addWidget(self.remove_location_button)
        layout.addWidget(self.warning)

        self.image_label = QLabel()
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setAccessibleName(_("Image {name}").format(name=name))
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.image_label)
        self.scroll_area.setAccessibleName(_("Image {name}").format(name=name))
        layout.addWidget(self.scroll_area, 1)

        bottom = QHBoxLayout()
        self.fit_box = QCheckBox(_("&Fit to window"))
        self.fit_box.setAccessibleName(_("Fit the image to the window"))
        self.fit_box.setChecked(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setAccessibleName(_("Close the image"))
        bottom.addWidget(self.fit_box)
        bottom.addStretch(1)
        bottom.addWidget(box)
        layout.addLayout(bottom)

        self._pixmap = QPixmap()
        self._set_image(data)
        self.fit_box.toggled.connect(lambda _checked: self._rescale())
        box.rejected.connect(self.reject)
        self.remove_location_button.clicked.connect(self.remove_location_requested.emit)

        if location is not None:
            lat, lon = location
            self.warning_text.setText(_(
                "This photo contains the location where it was taken: {lat}, {lon}. "
                "Anyone who gets the file can see it.").format(
                lat=_coordinate(lat), lon=_coordinate(lon)))
            self.warning.setAccessibleDescription(self.warning_text.text())
            self.remove_location_button.setFocus()
        else:
            self.warning.hide()
        self.set_can_edit(can_edit)
        self.resize(900, 700)

    def _set_image(self, data: bytes) -> None:
        raw = QByteArray(data)
        buffer = QBuffer(raw)
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)  # upright, as the camera meant it
        reader.setDecideFormatFromContent(True)
        image: QImage = reader.read()
        buffer.close()
        if image.isNull():
            self._pixmap = QPixmap()
            self.image_label.setText(_("This image cannot be shown: its format is not "
                                       "supported here, or the file is damaged."))
            self.image_label.setWordWrap(True)
            self.fit_box.setEnabled(False)
        else:
            self._pixmap = QPixmap.fromImage(image)
            self._rescale()

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            return
        area = self.scroll_area.viewport().size()
        if self.fit_box.isChecked() and (self._pixmap.width() > area.width()
                                         or self._pixmap.height() > area.height()):
            shown = self._pixmap.scaled(area, Qt.AspectRatioMode.KeepAspectRatio,
                                        Qt.TransformationMode.SmoothTransformation)
        else:
            shown = self._pixmap
        self.image_label.setPixmap(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    @property
    def image_size(self) -> QSize:
        return self._pixmap.size()

    def set_can_edit(self, can_edit: bool) -> None:
        self.remove_location_button.setEnabled(can_edit)
        self.remove_location_button.setToolTip(
            "" if can_edit else _("Open the record for editing to remove the location."))

    def set_busy(self, busy: bool) -> None:
        self.remove_location_button.setEnabled(not busy)
        if busy:
            self.remove_location_button.setText(_("Removing…"))
        else:
            self.remove_location_button.setText(_("Remove &location"))

    def location_removed(self, ref: AttachmentRef, data: bytes) -> None:
        """The record now keeps the clean copy: say so and show that copy."""
        self.ref = ref
        self.data = data
        self.location = None
        self.remove_location_button.hide()
        self.warning_text.setText(_(
            "The location and the other hidden information were removed: this record now "
            "keeps a clean copy of the photo. Save the record to keep the change."))
        self.warning.setAccessibleDescription(self.warning_text.text())
        self._set_image(data)
