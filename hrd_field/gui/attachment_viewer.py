"""A photo shown from memory (never written to disk), with its location if it has one."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QLocale, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from ..core.records import AttachmentRef


def _coordinate(value: float) -> str:
    return QLocale().toString(value, "f", 6)


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
        # The space for the image changes whenever the warning above it does (e.g. after
        # "Remove location"): fit again then, not only when the window is resized.
        viewport = self.scroll_area.viewport()
        if viewport is not None:
            viewport.installEventFilter(self)
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.scroll_area.viewport():
            self._rescale()
        return super().eventFilter(watched, event)

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
