"""Field editors: one small widget per kind of field, all with the same interface.

The record editor builds them from the dataclass metadata (``core/fields.py``); nothing
here knows about a particular record type.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _, ngettext
from ..core.vocab import VOCABULARIES
from .clipboard import SensitiveClipboard
from .widgets import CodeCombo, OptionalDate, country_combo, vocab_combo


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


class LongTextField(FieldEditor):
    def __init__(self, label: str, max_length: int):
        edit = QPlainTextEdit()
        edit.setAccessibleName(label)
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 5)
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
            clipboard.clear_after_s).format(n=clipboard.clear_after_s))
        row.addWidget(self.edit, 1)
        row.addWidget(self.reveal)
        row.addWidget(self.copy)
        super().__init__(box)
        self._clipboard = clipboard
        self.edit.textEdited.connect(self._emit_changed)
        self.reveal.toggled.connect(self._set_revealed)
        self.copy.clicked.connect(lambda: self._clipboard.copy(self.edit.text()))
        self._set_revealed(not masked)
        self.reveal.setChecked(not masked)

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
    def __init__(self, label: str, minimum: int | None, maximum: int | None):
        spin = QSpinBox()
        spin.setAccessibleName(label)
        spin.setRange(minimum if minimum is not None else 0,
                      maximum if maximum is not None else 1_000_000)
        super().__init__(spin)
        self.spin = spin
        spin.valueChanged.connect(self._emit_changed)

    def value(self) -> int:
        return int(self.spin.value())

    def set_value(self, value: Any) -> None:
        self.spin.blockSignals(True)
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
    def __init__(self, label: str):
        edit = OptionalDate(label)
        super().__init__(edit)
        self.edit = edit
        edit.dateChanged.connect(self._emit_changed)

    def value(self) -> str | None:
        return self.edit.iso()

    def set_value(self, value: Any) -> None:
        self.edit.blockSignals(True)
        self.edit.set_iso(value)
        self.edit.blockSignals(False)


class CheckListField(FieldEditor):
    """Several codes of a vocabulary: a searchable list of check boxes."""

    def __init__(self, label: str, vocab: str):
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        v = VOCABULARIES[vocab]
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Type to filter…"))
        self.filter.setAccessibleName(_("Filter {field}").format(field=label))
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName(label)
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

    def _filter(self, text: str) -> None:
        needle = text.casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

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
