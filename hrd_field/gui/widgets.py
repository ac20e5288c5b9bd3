"""Small reusable widgets: vocabulary combos, the country picker, the wheel guard."""

from __future__ import annotations

import itertools

# QtCore.Qt read where used: the first read of the Qt namespace makes its ~90 Python enums,
# and the lock screen, which imports this module, needs none of them.
from PySide6 import QtCore
from PySide6.QtCore import QDate, QEvent, QObject, QSize
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QLayout,
    QLayoutItem,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

from ..core.i18n import _, language
from ..core.regions import countries, country_name
from ..core.vocab import VOCABULARIES

NO_DATE = QDate(1900, 1, 1)


def isolate(text: str) -> str:
    """Keep a left-to-right token (a path, a key, a code) whole inside right-to-left text:
    without Unicode isolates, Arabic text would move its slashes and dots around."""
    return f"\u2066{text}\u2069"


def scale_font(widget: QWidget, factor: float) -> None:
    """Make a heading larger relative to the user's font, so font scaling still applies."""
    font = widget.font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(round(font.pixelSize() * factor))
    widget.setFont(font)


class _WheelGuard(QObject):
    """Scrolling a long form over a combo or spin box must scroll the form, not change the
    value: a field without focus hands the wheel to the scroll area around it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        area = watched.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:
            viewport = area.viewport()
            QApplication.sendEvent(viewport if viewport is not None else area, event)
        return True


_WHEEL_GUARD: _WheelGuard | None = None


def guard_wheel(widget: QWidget) -> None:
    """Make ``widget`` take the wheel only once it has focus (clicked or tabbed into)."""
    global _WHEEL_GUARD
    if _WHEEL_GUARD is None:
        _WHEEL_GUARD = _WheelGuard()
    widget.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_WHEEL_GUARD)


class CodeCombo(QComboBox):
    """A combo over (code, label) pairs; ``None`` is the 'any' / 'not set' entry."""

    def __init__(self, items: list[tuple[str, str]], none_label: str | None,
                 accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._fit_chars = 0
        self.setAccessibleName(accessible_name)
        guard_wheel(self)
        # Long entries (country names, vocabulary labels) must not widen the whole form.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        if none_label is not None:
            self.addItem(none_label, None)
        for code, label in items:
            self.addItem(label, code)
        if len(items) > 12:
            self.setEditable(True)  # type to find, with completion
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = self.completer()
            if completer is not None:
                completer.setFilterMode(QtCore.Qt.MatchFlag.MatchContains)
                completer.setCompletionMode(completer.CompletionMode.PopupCompletion)

        self.currentIndexChanged.connect(self._shown_changed)

    def fit_current_text(self, max_chars: int) -> None:
        """As wide as the chosen entry's text, up to ``max_chars`` average characters, for
        bars that wrap (a filter's "Any: …" label in Arabic at 200 % is cut otherwise);
        forms keep the fixed width, so one long country name cannot widen them."""
        self._fit_chars = max_chars
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if not self._fit_chars:
            return hint
        metrics = self.fontMetrics()
        text = min(metrics.horizontalAdvance(self.currentText()),
                   metrics.averageCharWidth() * self._fit_chars)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        wanted = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option,
                                               QSize(text, hint.height()), self)
        return QSize(max(hint.width(), wanted.width()), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.isEditable():
            super().paintEvent(event)
            return
        # Elided rather than cut, and in its own direction: a Russian mission title in the
        # Arabic window keeps its full stop at its end.
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        text = self.fontMetrics().elidedText(option.currentText,
                                             QtCore.Qt.TextElideMode.ElideRight, field.width())
        option.currentText = f"\u2068{text}\u2069"
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._shown_changed()

    def _shown_changed(self) -> None:
        text = self.currentText()
        line = self.lineEdit()
        if line is not None:
            line.setCursorPosition(0)  # a cut label shows its beginning, not its end
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        cut = self.fontMetrics().horizontalAdvance(text) > field.width()
        self.setToolTip(text if cut else "")
        if self._fit_chars:
            self.updateGeometry()

    def code(self) -> str | None:
        if self.isEditable() and self.currentText() != self.itemText(self.currentIndex()):
            found = self.findText(self.currentText(), QtCore.Qt.MatchFlag.MatchFixedString)
            if found < 0:
                return None
            self.setCurrentIndex(found)
        value = self.currentData()
        return value if isinstance(value, str) else None

    def set_code(self, code: str | None) -> None:
        found = self.findData(code)
        self.setCurrentIndex(found if found >= 0 else 0)


def vocab_combo(vocab: str, none_label: str | None, accessible_name: str) -> CodeCombo:
    v = VOCABULARIES[vocab]
    return CodeCombo([(c, v.label(c)) for c in v.codes()], none_label, accessible_name)


def country_combo(none_label: str | None, accessible_name: str) -> CodeCombo:
    lang = language()
    items = sorted(((c, country_name(c, lang)) for c in countries()), key=lambda p: p[1])
    return CodeCombo(items, none_label, accessible_name)


class OptionalDate(QDateEdit):
    """A date that may be left empty (shown blank); ISO strings in and out. Record lists'
    date filters use it; editors use ``date_input.DateInput``."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        guard_wheel(self)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(_("(no date)"))
        self.setDate(NO_DATE)

    def iso(self) -> str | None:
        d = self.date()
        return None if d == NO_DATE else d.toString("yyyy-MM-dd")

    def set_iso(self, value: str | None) -> None:
        d = QDate.fromString(value[:10], "yyyy-MM-dd") if value else QDate()
        self.setDate(d if d.isValid() else NO_DATE)


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & QtCore.Qt.FocusPolicy.TabFocus) and widget.isEnabled() \
        and widget.focusProxy() is None


def visual_order(root: QWidget) -> list[QWidget]:
    """The Tab stops under ``root`` in the order they are laid out (reading order; Qt
    mirrors it on screen for right-to-left languages). Qt's default follows the order the
    widgets were created in, which is not what a person sees once rows are inserted."""
    out: list[QWidget] = []

    def visit_widget(widget: QWidget) -> None:
        # Hidden on purpose (not merely added and about to be shown with its layout).
        if widget is not root and widget.isHidden() and widget.testAttribute(
                QtCore.Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
            return
        if widget is not root and _takes_tab(widget):
            out.append(widget)
            if not widget.layout():
                return
        scrolled = getattr(widget, "widget", None)
        if isinstance(widget, QAbstractScrollArea) and callable(scrolled):
            inner = scrolled()
            if isinstance(inner, QWidget):
                visit_widget(inner)
            return
        layout = widget.layout()
        if layout is not None:
            visit_layout(layout)

    def visit_layout(layout: QLayout) -> None:
        items: list[QLayoutItem | None] = []
        if isinstance(layout, QFormLayout):
            for row in range(layout.rowCount()):
                for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                             QFormLayout.ItemRole.SpanningRole):
                    items.append(layout.itemAt(row, role))
        elif isinstance(layout, QGridLayout):
            cells: list[tuple[int, int, int]] = []
            for i in range(layout.count()):
                position = layout.getItemPosition(i)
                cells.append((int(position[0]), int(position[1]), i))  # type: ignore[index]
            # Fields of an inline row come column by column (label, field, error).
            items = [layout.itemAt(i) for _r, _c, i in sorted(cells, key=lambda t: (t[1], t[0]))]
        else:
            items = [layout.itemAt(i) for i in range(layout.count())]
        for item in items:
            if item is None:
                continue
            child = item.widget()
            if child is not None:
                visit_widget(child)
                continue
            inner = item.layout()
            if inner is not None:
                visit_layout(inner)

    visit_widget(root)
    return out


def focus_after(container: QWidget) -> None:
    """Give focus to the first Tab stop after everything inside ``container`` (Enter that
    says "done with this group")."""
    inside = visual_order(container)
    start = inside[-1] if inside else container
    widget = start.nextInFocusChain()
    while widget is not None and widget is not start:
        if widget.isVisible() and _takes_tab(widget) and not (
                widget is container or container.isAncestorOf(widget)):
            widget.setFocus(QtCore.Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()


def chain_tab_order(widgets: list[QWidget]) -> None:
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)
