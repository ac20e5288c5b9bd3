"""What a person would see as broken layout, measured: a window wider or taller than a
1366×768 screen, and text that does not fit its widget (elided, clipped, cut letters).

Text width comes from the widget's own QFontMetrics and is compared with the geometry the
layout gave it; wrapped labels compare heightForWidth with their height.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QToolButton,
    QWidget,
)

SCREEN = QSize(1366, 768)
SLACK = 1  # rounding between metrics and layout


def _where(widget: QWidget) -> str:
    names = []
    w: QWidget | None = widget
    while w is not None and len(names) < 4:
        names.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(names))


def _shown(text: str) -> str:
    """The text as drawn: a single '&' marks a mnemonic and is not drawn."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _really_visible(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0


def text_problems(root: QWidget) -> list[str]:
    out = []
    for label in root.findChildren(QLabel):
        if not _really_visible(label, root) or not label.text() or \
                label.textFormat() == Qt.TextFormat.RichText:
            continue
        rect = label.contentsRect()
        margin = 2 * label.margin() + (label.indent() if label.indent() > 0 else 0)
        metrics = label.fontMetrics()
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + SLACK:
                out.append(f"wrapped label cut ({need}>{label.height()}): "
                           f"{label.text()[:40]!r} in {_where(label)}")
        else:
            widest = max(metrics.horizontalAdvance(line)
                         for line in _shown(label.text()).split("\n"))
            if widest > rect.width() - margin + SLACK:
                out.append(f"label clipped ({widest}>{rect.width()}): "
                           f"{label.text()[:40]!r} in {_where(label)}")
    for view in root.findChildren(QListWidget):
        if view.objectName() != "nav" or not _really_visible(view, root):
            continue
        width = view.viewport().width() - 2 * 14  # the style sheet's item padding
        for i in range(view.count()):
            item = view.item(i)
            shown = view.visualItemRect(item).height()
            flags = Qt.TextFlag.TextWordWrap if view.wordWrap() else Qt.TextFlag.TextSingleLine
            need = view.fontMetrics().boundingRect(QRect(0, 0, width, 10_000), flags,
                                                   item.text())
            if need.width() > width + SLACK or need.height() > shown + SLACK:
                out.append(f"navigation item cut ({need.width()}x{need.height()} in "
                           f"{width}x{shown}): {item.text()!r}")
    for button in root.findChildren(QAbstractButton):
        if not _really_visible(button, root) or not button.text() or \
                isinstance(button.parentWidget(), QTabBar):
            continue
        if isinstance(button, QPushButton | QToolButton | QCheckBox | QRadioButton):
            hint = button.sizeHint().width()
            if hint > button.width() + SLACK:
                out.append(f"button text clipped ({hint}>{button.width()}): "
                           f"{button.text()[:40]!r} in {_where(button)}")
    out += _combo_problems(root)
    return out


def _combo_problems(root: QWidget) -> list[str]:
    """A combo's chosen entry must fit, unless the combo elides it on purpose and says it
    whole in its tooltip (fixed-width form fields holding a long country name)."""
    out = []
    for combo in root.findChildren(QComboBox):
        text = combo.currentText()
        if not _really_visible(combo, root) or not text or combo.toolTip() == text:
            continue
        option = QStyleOptionComboBox()
        option.initFrom(combo)
        option.editable = combo.isEditable()
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo)
        need = combo.fontMetrics().horizontalAdvance(text)
        if need > field.width() + SLACK:
            out.append(f"combo text cut ({need}>{field.width()}): {text[:40]!r} in "
                       f"{_where(combo)}")
    return out


def scroll_problems(root: QWidget, what: str) -> list[str]:
    """Forms scroll up and down, never sideways: a scroll area whose content needs more
    width than it has (a row of fields that does not wrap) is a problem."""
    out = []
    for area in root.findChildren(QScrollArea):
        inner = area.widget()
        if inner is None or not _really_visible(area, root):
            continue
        need = inner.minimumSizeHint().expandedTo(inner.minimumSize()).width()
        room = area.viewport().width()
        if area.horizontalScrollBar().maximum() > 0 or need > room + SLACK:
            widest = max((w for w in inner.findChildren(QWidget) if _really_visible(w, inner)),
                         key=lambda w: w.minimumSizeHint().width(), default=inner)
            out.append(f"{what}: scrolls sideways (needs {need} px, has {room}; widest "
                       f"{_where(widest)} {widest.minimumSizeHint().width()} px)")
    return out


def size_problems(window: QWidget, what: str) -> list[str]:
    need = window.minimumSizeHint().expandedTo(window.minimumSize())
    out = []
    if need.width() > SCREEN.width():
        out.append(f"{what}: needs {need.width()} px wide, the screen has {SCREEN.width()}")
    if need.height() > SCREEN.height():
        out.append(f"{what}: needs {need.height()} px high, the screen has "
                   f"{SCREEN.height()}")
    return out
