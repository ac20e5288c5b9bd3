"""Field editors: one small widget per kind of field, all with the same interface.

The record editor builds them from the dataclass metadata (``core/fields.py``); nothing
here knows about a particular record type.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _, ngettext
from ..core.records import PartialDate
from ..core.vocab import VOCABULARIES
from .clipboard import SensitiveClipboard
from .date_input import DateInput
from .dates import format_number, iso_from
from .widgets import CodeCombo, country_combo, guard_wheel, vocab_combo


class FieldEditor(QObject):
    """Binds one widget to one value; ``changed`` fires on every user edit."""

    changed = Signal()

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.widget = widget

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextField(FieldEditor):
    def __init__(self, label: str, max_length: int):
        edit = QLineEdit()
        edit.setAccessibleName(label)
        edit.setMaxLength(max_length)
        super().__init__(edit)
        self.edit = edit
        edit.textEdited.connect(self._emit_changed)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText(value or "")


class GrowingTextEdit(QPlainTextEdit):
    """Notes that start a few lines tall and grow with their text (then scroll inside),
    so an empty notes box does not push the fields after it off the first screen."""

    FIRST_LINES = 4
    MOST_LINES = 15

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumHeight(self._height_for(self.FIRST_LINES))
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(lambda _size: self.updateGeometry())

    def _height_for(self, lines: int) -> int:
        margins = self.contentsMargins()
        return (self.fontMetrics().lineSpacing() * lines + margins.top() + margins.bottom()
                + 2 * int(self.document().documentMargin()) + 2)

    def _lines(self) -> int:
        # the plain text layout measures its document in lines, wrapped lines included
        lines = math.ceil(self.document().documentLayout().documentSize().height())
        return min(max(lines + 1, self.FIRST_LINES), self.MOST_LINES)  # + a line to type on

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height_for(self._lines()))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height_for(self.FIRST_LINES))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.setMinimumHeight(self._height_for(self.FIRST_LINES))


class LongTextField(FieldEditor):
    def __init__(self, label: str, max_length: int):
        edit = GrowingTextEdit()
        edit.setAccessibleName(label)
        edit.setTabChangesFocus(True)
        super().__init__(edit)
        self.edit = edit
        self.max_length = max_length
        edit.textChanged.connect(self.changed.emit)

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.blockSignals(True)
        self.edit.setPlainText(value or "")
        self.edit.blockSignals(False)


class LinesField(FieldEditor):
    """A list of short texts, one per line (team members, topics, languages…)."""

    def __init__(self, label: str):
        edit = QPlainTextEdit()
        edit.setAccessibleName(label)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(_("One per line"))
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)
        super().__init__(edit)
        self.edit = edit
        edit.textChanged.connect(self.changed.emit)

    def value(self) -> list[str]:
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def set_value(self, value: Any) -> None:
        self.edit.blockSignals(True)
        self.edit.setPlainText("\n".join(value or []))
        self.edit.blockSignals(False)


class MaskedField(FieldEditor):
    """An identity field: hidden until revealed, copied through the self-clearing clipboard."""

    def __init__(self, label: str, max_length: int, clipboard: SensitiveClipboard,
                 masked: bool = True):
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(label)
        self.edit.setMaxLength(max_length)
        self.reveal = QPushButton(_("Show"))
        self.reveal.setCheckable(True)
        self.reveal.setAccessibleName(_("Show {field}").format(field=label))
        self.copy = QPushButton(_("Copy"))
        self.copy.setAccessibleName(_("Copy {field}").format(field=label))
        self.copy.setToolTip(ngettext(
            "The clipboard is cleared again after {n} second.",
            "The clipboard is cleared again after {n} seconds.",
            clipboard.clear_after_s).format(n=format_number(clipboard.clear_after_s)))
        row.addWidget(self.edit, 1)
        row.addWidget(self.reveal)
        row.addWidget(self.copy)
        super().__init__(box)
        self._clipboard = clipboard
        self.edit.textEdited.connect(self._emit_changed)
        self.reveal.toggled.connect(self._set_revealed)
        self.copy.clicked.connect(lambda: self._clipboard.copy(self.edit.text()))
        # Ctrl+C, Ctrl+X and the context menu's Copy would put the name on the clipboard
        # for good: they go through the self-clearing clipboard too.
        self.edit.installEventFilter(self)
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._set_revealed(not masked)
        self.reveal.setChecked(not masked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() in (QEvent.Type.ShortcutOverride,
                                                     QEvent.Type.KeyPress):
            assert isinstance(event, QKeyEvent)
            copy, cut = event.matches(QKeySequence.StandardKey.Copy), \
                event.matches(QKeySequence.StandardKey.Cut)
            if copy or cut:
                if event.type() == QEvent.Type.KeyPress and \
                        self.edit.echoMode() == QLineEdit.EchoMode.Normal:
                    text = self.edit.selectedText() or self.edit.text()
                    self._clipboard.copy(text)
                    if cut and self.edit.hasSelectedText() and not self.edit.isReadOnly():
                        self.edit.del_()
                        self._emit_changed()
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def _set_revealed(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown
                              else QLineEdit.EchoMode.Password)
        self.reveal.setText(_("Hide") if shown else _("Show"))

    def hide_again(self) -> None:
        self.reveal.setChecked(False)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText(value or "")


class BoolField(FieldEditor):
    def __init__(self, label: str):
        box = QCheckBox(label)
        box.setAccessibleName(label)
        super().__init__(box)
        self.box = box
        box.toggled.connect(self._emit_changed)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.blockSignals(True)
        self.box.setChecked(bool(value))
        self.box.blockSignals(False)


class IntField(FieldEditor):
    """A count or a score. With ``blank`` (inside an optional group) it starts as "—",
    meaning not given, so a default never looks like something the user entered."""

    def __init__(self, label: str, minimum: int | None, maximum: int | None,
                 blank: bool = False):
        spin = QSpinBox()
        spin.setAccessibleName(label)
        low = minimum if minimum is not None else 0
        self.blank = blank
        self.low = low
        spin.setRange(low - 1 if blank else low,
                      maximum if maximum is not None else 1_000_000)
        if blank:
            spin.setSpecialValueText("—")
        spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        guard_wheel(spin)
        super().__init__(spin)
        self.spin = spin
        # Enter in a row of counts: done with the row (set by the row's form).
        self.on_enter: Callable[[], None] | None = None
        spin.valueChanged.connect(self._emit_changed)
        # Typing replaces the number: focus selects it (a "0" must not become "012").
        spin.installEventFilter(self)
        self._align_to_reading_side()

    def _align_to_reading_side(self) -> None:
        """Digits start where the eye starts reading, under the label, away from the step
        buttons. The line edit guesses its direction from its text, and digits (even
        Arabic-Indic ones) read as left-to-right, so Arabic showed them on the left, beside
        the buttons: the side is set absolutely from the widget's direction."""
        align = Qt.AlignmentFlag
        rtl = self.spin.layoutDirection() == Qt.LayoutDirection.RightToLeft
        self.spin.setAlignment((align.AlignRight if rtl else align.AlignLeft)
                               | align.AlignAbsolute | align.AlignVCenter)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.spin:
            return False
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._align_to_reading_side()
        elif event.type() == QEvent.Type.FocusIn:
            QTimer.singleShot(0, self.spin, self.spin.selectAll)
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and self.on_enter is not None:
            self.spin.interpretText()
            self.on_enter()
            return True
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.text().isdigit() and self.is_blank():
            line = self.spin.lineEdit()
            if line is not None:
                line.setText("")  # a digit typed over "—" starts the number
        return False

    def is_blank(self) -> bool:
        return self.blank and self.spin.value() < self.low

    def value(self) -> int | None:
        return None if self.is_blank() else int(self.spin.value())

    def set_value(self, value: Any) -> None:
        self.spin.blockSignals(True)
        if value is None and self.blank:
            self.spin.setValue(self.low - 1)
        else:
            self.spin.setValue(int(value or 0))
        self.spin.blockSignals(False)


class CodeField(FieldEditor):
    """A vocabulary code (or a country); optional fields get a 'not set' entry."""

    def __init__(self, label: str, vocab: str | None, optional: bool):
        none = _("— not set —") if optional else None
        combo: CodeCombo = country_combo(none, label) if vocab is None else \
            vocab_combo(vocab, none, label)
        super().__init__(combo)
        self.combo = combo
        combo.currentIndexChanged.connect(self._emit_changed)

    def value(self) -> str | None:
        return self.combo.code()

    def set_value(self, value: Any) -> None:
        self.combo.blockSignals(True)
        self.combo.set_code(value)
        self.combo.blockSignals(False)


class DateField(FieldEditor):
    """A plain date (the full day): ISO out, or the typed text when it is not understood
    so validation can say so beside the field."""

    def __init__(self, label: str):
        edit = DateInput(label, ("day",))
        super().__init__(edit)
        self.edit = edit
        edit.edited.connect(self._emit_changed)

    def value(self) -> str | None:
        parsed = self.edit.value()
        if not self.edit.text():
            return None
        if parsed is None or parsed.precision != "day":
            return self.edit.text()
        return parsed.iso

    def set_value(self, value: Any) -> None:
        self.edit.set_value(value or None)


class PartialDateField(FieldEditor):
    """A date known to the day, the month or the year, in one field (no precision combo:
    what was typed says it, and the field shows what it understood)."""

    def __init__(self, label: str):
        edit = DateInput(label, ("day", "month", "year"))
        super().__init__(edit)
        self.edit = edit
        edit.edited.connect(self._emit_changed)

    def value(self) -> PartialDate | None:
        parsed = self.edit.value()
        if not self.edit.text():
            return None
        if parsed is None:
            return PartialDate(date=self.edit.text(), precision="day")
        return PartialDate(date=iso_from(parsed), precision=parsed.precision)

    def set_value(self, value: Any) -> None:
        if isinstance(value, PartialDate) and value.date:
            self.edit.set_value(value.date, value.precision)
        else:
            self.edit.set_value(None)


class DerivedField(FieldEditor):
    """A value the app works out (a mission's region from its country): shown, not edited."""

    def __init__(self, label: str, vocab: str | None):
        shown = QLabel()
        shown.setAccessibleName(label)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        super().__init__(shown)
        self.shown = shown
        self.vocab = vocab
        self._value: Any = None

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value
        if value and self.vocab:
            text = VOCABULARIES[self.vocab].label(value)
        else:
            text = str(value) if value else ""
        self.shown.setText(_("{value} (from the country)").format(value=text) if text else
                           _("Set from the country"))


class CheckListField(FieldEditor):
    """Several codes of a vocabulary: a list of check boxes, one Tab stop. Typing in the
    list filters it (the filter box above shows what was typed), Space ticks the item in
    view, Backspace and Esc undo the filter."""

    def __init__(self, label: str, vocab: str):
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        v = VOCABULARIES[vocab]
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Type to filter…"))
        self.filter.setAccessibleName(_("Filter {field}").format(field=label))
        self.filter.setClearButtonEnabled(True)
        # Not a Tab stop of its own: letters typed in the list land here.
        self.filter.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.list = QListWidget()
        self.list.setAccessibleName(label)
        self.list.setAccessibleDescription(_("Type to filter, Space to tick."))
        for code in v.codes():
            item = QListWidgetItem(v.label(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        rows = min(len(v.codes()), 7)
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 8)
        if len(v.codes()) > 7:
            col.addWidget(self.filter)
        else:
            self.filter.hide()
        col.addWidget(self.list)
        super().__init__(box)
        self.filter.textChanged.connect(self._filter)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.list.installEventFilter(self)
        self.list.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.filter.installEventFilter(self)

    def _filter(self, text: str) -> None:
        needle = text.casefold()
        first_visible = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())
            if first_visible is None and not item.isHidden():
                first_visible = item
        current = self.list.currentItem()
        if needle or current is None or current.isHidden():
            # Space acts on the current item: the first match, one the user can see.
            if first_visible is not None:
                self.list.setCurrentItem(first_visible)
            else:
                self.list.setCurrentRow(-1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter:  # clicked into: Tab or Down goes on to the items
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                    and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Down):
                self.list.setFocus(Qt.FocusReason.TabFocusReason)
                return True
            return False
        if watched is not self.list:
            return False
        if event.type() == QEvent.Type.FocusIn and self.list.currentItem() is None:
            self._filter(self.filter.text())  # Space has an item to act on at once
        if event.type() == QEvent.Type.InputMethod and isinstance(event, QInputMethodEvent) \
                and self.filter.isVisibleTo(self.widget):
            if event.commitString():  # Chinese, or any script typed through an input method
                self.filter.setText(self.filter.text() + event.commitString())
            event.accept()
            return True
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) \
                or not isinstance(event, QKeyEvent):
            return False
        key, text = event.key(), event.text()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                          | Qt.KeyboardModifier.KeypadModifier)
        filtering = self.filter.text() != ""
        typed = plain and bool(text) and text.isprintable() and not text.isspace()
        edits_filter = typed or (filtering and key in (Qt.Key.Key_Backspace,
                                                       Qt.Key.Key_Escape))
        if event.type() == QEvent.Type.ShortcutOverride:
            if edits_filter:  # Esc clears the filter, it does not close the editor
                event.accept()
                return True
            return False
        if key == Qt.Key.Key_Space:
            current = self.list.currentItem()
            return current is None or current.isHidden()
        if not self.filter.isVisibleTo(self.widget) or not edits_filter:
            return False
        if key == Qt.Key.Key_Escape:
            self.filter.clear()
        elif key == Qt.Key.Key_Backspace:
            self.filter.setText(self.filter.text()[:-1])
        else:
            self.filter.setText(self.filter.text() + text)
        return True

    def value(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked
                               if item.data(Qt.ItemDataRole.UserRole) in chosen
                               else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
