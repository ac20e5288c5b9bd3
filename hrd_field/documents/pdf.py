"""HTML to PDF through Qt's text engine, offline.

Qt shapes Arabic with HarfBuzz and lays it out right to left, falls back to fonts that cover
Chinese, embeds the subset of every font it uses and keeps the text extractable. The PDF is
rendered into memory; callers write the bytes where they belong (never a half-written file).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Qt
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

_app: QGuiApplication | None = None


def ensure_gui() -> None:
    """A Qt application for text layout; offscreen when there is no display (servers, CLI)."""
    global _app
    if QGuiApplication.instance() is not None:
        return
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(sys.argv[:1])


def render_pdf(html: str, *, title: str, rtl: bool = False) -> bytes:
    """Render ``html`` on A4 pages and return the PDF's bytes."""
    ensure_gui()
    document = QTextDocument()
    option = document.defaultTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl
                            else Qt.LayoutDirection.LeftToRight)
    document.setDefaultTextOption(option)
    document.setHtml(html)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("HRD Field")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
    document.print_(writer)
    del writer
    buffer.close()
    return bytes(data.data())
