"""Small reusable widgets: vocabulary combos, optional dates, the country picker."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QWidget

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


class CodeCombo(QComboBox):
    """A combo over (code, label) pairs; ``None`` is the 'any' / 'not set' entry."""

    def __init__(self, items: list[tuple[str, str]], none_label: str | None,
                 accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        if none_label is not None:
            self.addItem(none_label, None)
        for code, label in items:
            self.addItem(label, code)
        if len(items) > 12:
            self.setEditable(True)  # type to find, with completion
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = self.completer()
            if completer is not None:
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.setCompletionMode(completer.CompletionMode.PopupCompletion)

    def code(self) -> str | None:
        if self.isEditable() and self.currentText() != self.itemText(self.currentIndex()):
            found = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
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
    """A date that may be left empty (shown blank); ISO strings in and out."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
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
