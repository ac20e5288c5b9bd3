"""Nested values inside a generated form: a sub-form (a place, counts by gender), a value
that may be absent (a risk assessment), and a short list of rows (follow-up actions)."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from ..core.vocab import VOCABULARIES
from .form import Form, FormContext
from .form_fields import FieldEditor, IntField
from .form_layout import ErrorLabel, InlineRow, fill_layout
from .widgets import focus_after


class SubForm(Form):
    def __init__(self, cls: type, prefix: str, context: FormContext, title: str):
        super().__init__(cls, prefix, context, set())
        if self.inline():  # a titled line across the form, no frame around it
            self._box: QWidget = QWidget()
            self._box.setProperty("fullRow", True)
            column = QVBoxLayout(self._box)
            column.setContentsMargins(0, 0, 0, 0)
            heading = QLabel(title)
            heading.setObjectName("inlineTitle")
            heading.setWordWrap(True)
            column.addWidget(heading)
            column.addWidget(InlineRow(self.rows))
        else:
            self._box = QGroupBox(title)
            fill_layout(QFormLayout(self._box), self.rows)
        self._box.setAccessibleName(title)
        counts = [e for e in self.editors.values() if isinstance(e, IntField)]
        if counts and len(counts) == len(self.editors):
            # Participants by gender: "12" women, Enter, and on to the next field; Tab
            # still goes through the other counts for whoever has them.
            for count in counts:
                count.on_enter = lambda: focus_after(self._box)

    @property
    def widget(self) -> QWidget:
        return self._box

    def collect(self, base: Any = None) -> Any:
        return super().collect(base if base is not None else self.cls())


class OptionalForm(QObject):
    """A nested value that may be absent (a risk assessment). Its fields are always enabled
    and start blank; the value exists once something is entered, and "Clear" removes it.
    No check box to tick first: a field that looks editable is editable."""

    changed = Signal()

    def __init__(self, cls: type, prefix: str, context: FormContext, title: str):
        super().__init__()
        self.cls = cls
        self.form = Form(cls, prefix, context, set(), blank_numbers=True)
        self.box = QGroupBox(title)
        self.box.setAccessibleName(title)
        outer = QVBoxLayout(self.box)
        if self.form.inline():
            outer.addWidget(InlineRow(self.form.rows))
        else:
            layout = QFormLayout()
            fill_layout(layout, self.form.rows)
            outer.addLayout(layout)
        foot = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("derived")
        self.summary.setAccessibleName(_("{title}: result").format(title=title))
        self.summary.setWordWrap(True)
        self.clear_button = QPushButton(_("Clear"))
        self.clear_button.setAccessibleName(_("Clear {field}").format(field=title))
        foot.addWidget(self.summary, 1)
        foot.addWidget(self.clear_button)
        outer.addLayout(foot)
        self.form.changed.connect(self._edited)
        self.clear_button.clicked.connect(self._clear)
        self._show_summary()

    @property
    def widget(self) -> QWidget:
        return self.box

    def _edited(self) -> None:
        self._show_summary()
        self.changed.emit()

    def _clear(self) -> None:
        self.load(None)
        self.changed.emit()

    def _blank(self) -> bool:
        empty = self.cls()
        for name, editor in self.form.editors.items():
            if isinstance(editor, IntField):
                if not editor.is_blank():
                    return False
            elif isinstance(editor, FieldEditor) and editor.value() != getattr(empty, name):
                return False
        return True

    def _show_summary(self) -> None:
        value = self.collect()
        self.clear_button.setEnabled(value is not None)
        self.summary.setText(derived_summary(value) if value is not None else
                             _("Not recorded yet: fill in a field to record it."))

    def load(self, value: Any) -> None:
        if value is None:
            for editor in self.form.editors.values():
                if isinstance(editor, FieldEditor):
                    editor.set_value(None if isinstance(editor, IntField) else
                                     getattr(self.cls(), _name_of(self.form, editor)))
        else:
            self.form.load(value)
        self._show_summary()

    def collect(self) -> Any:
        if self._blank():
            return None
        values = {}
        empty = self.cls()
        for name, editor in self.form.editors.items():
            if isinstance(editor, IntField) and editor.is_blank():
                values[name] = getattr(empty, name)  # the other number was given
        return dataclasses.replace(self.form.collect(empty), **values)

    def all_errors(self) -> dict[str, ErrorLabel]:
        return self.form.all_errors()


def _name_of(form: Form, editor: object) -> str:
    return next(name for name, e in form.editors.items() if e is editor)


def derived_summary(value: Any) -> str:
    """What the app works out from a nested value, shown beside it (a risk level)."""
    level = getattr(value, "level", None)
    if isinstance(level, str) and "risk_level" in VOCABULARIES:
        score = getattr(value, "likelihood", 0) * getattr(value, "impact", 0)
        return _("Risk level: {level} ({likelihood} × {impact} = {score})").format(
            level=VOCABULARIES["risk_level"].label(level),
            likelihood=getattr(value, "likelihood", 0), impact=getattr(value, "impact", 0),
            score=score)
    return ""


class RowsForm(QObject):
    """A short list of nested values (follow-up actions): one row of fields per entry.

    A list whose entries start with a line of text (an action) is typed like a list: an
    empty entry always waits at the end (a new one appears as soon as it is used), Enter
    goes to the next entry, and Enter on the empty one moves on past the list. Other lists
    (a reply with its date first) have an Add button."""

    changed = Signal()
    structure_changed = Signal()

    def __init__(self, cls: type, prefix: str, context: FormContext, title: str):
        super().__init__()
        self.cls = cls
        self.prefix = prefix
        self.context = context
        self.box = QGroupBox(title)
        self.box.setAccessibleName(title)
        self._layout = QVBoxLayout(self.box)
        self._rows_layout = QVBoxLayout()
        self._layout.addLayout(self._rows_layout)
        self.add_button = QPushButton(_("Add"))
        self.add_button.setAccessibleName(_("Add to {list}").format(list=title))
        self.add_button.clicked.connect(self._add_empty)
        self._layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeading)
        self._forms: list[tuple[Form, QWidget, QPushButton]] = []
        self.typed = False
        probe = self._add(cls())
        self.typed = probe.inline() and bool(probe.rows) and isinstance(probe.rows[0][2],
                                                                         QLineEdit)
        if self.typed:
            self.add_button.hide()
            self._forms[0][2].hide()
        else:
            self._drop_rows()

    @property
    def widget(self) -> QWidget:
        return self.box

    def _is_blank(self, form: Form) -> bool:
        return bool(form.collect(self.cls()) == self.cls())

    def _entries(self) -> list[Form]:
        """The entries that hold a value (not the empty one waiting at the end)."""
        forms = [f for f, _h, _r in self._forms]
        while self.typed and forms and self._is_blank(forms[-1]):
            forms.pop()
        return forms

    def _add_empty(self) -> None:
        form = self._add(self.cls())
        self.structure_changed.emit()
        self.changed.emit()
        first = form.rows[0][2] if form.rows else None
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)  # type the action straight away

    def _add(self, value: Any) -> Form:
        index = len(self._forms)
        form = Form(self.cls, f"{self.prefix}{index}.", self.context, set())
        form.load(value)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        inner = QWidget()
        if form.inline():
            line = QVBoxLayout(inner)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(InlineRow(form.rows))
        else:
            fill_layout(QFormLayout(inner), form.rows)
        remove = QPushButton(_("Remove"))
        remove.setAccessibleName(_("Remove this entry"))
        remove.clicked.connect(lambda: self._remove(form))
        row.addWidget(inner, 1)
        row.addWidget(remove, 0, Qt.AlignmentFlag.AlignBottom)
        policy = remove.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # entries line up with the empty one
        remove.setSizePolicy(policy)
        if self.typed and self._is_blank(form):
            remove.hide()  # nothing to remove yet (hidden once it has a parent)
        self._rows_layout.addWidget(holder)
        if self.box.isVisible():
            holder.show()  # now, not at the next layout pass: Tab must reach it at once
        form.changed.connect(lambda: self._row_changed(form))
        self._forms.append((form, holder, remove))
        first = form.rows[0][2] if form.rows else None
        if isinstance(first, QLineEdit):
            first.returnPressed.connect(lambda: self._enter_in(form))
        return form

    def _row_changed(self, form: Form) -> None:
        last, _holder, remove = self._forms[-1]
        if self.typed and form is last and not self._is_blank(form):
            remove.show()
            self._add(self.cls())  # the next empty entry is there before Enter or Tab
            self.structure_changed.emit()
        self.changed.emit()

    def _enter_in(self, form: Form) -> None:
        """Enter in an entry's first field: the next entry; Enter on an empty last entry
        moves on past the list, as in a typed list."""
        forms = [f for f, _h, _r in self._forms]
        index = forms.index(form)
        if index + 1 < len(forms):
            forms[index + 1].rows[0][2].setFocus(Qt.FocusReason.TabFocusReason)
        elif self._is_blank(form):
            if not self.typed:
                self._remove_entry(form)
            focus_after(self.box)
        else:
            self._add_empty()

    def _remove(self, form: Form) -> None:
        self._remove_entry(form)
        target = self._forms[-1][0].rows[0][2] if self.typed else self.add_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remove_entry(self, form: Form) -> None:
        values = [f.collect(self.cls()) for f in self._entries() if f is not form]
        self.load(values)
        self.changed.emit()

    def _drop_rows(self) -> None:
        for _form, holder, _remove in self._forms:
            holder.hide()
            holder.deleteLater()
        self._forms = []

    def load(self, values: Any) -> None:
        self._drop_rows()
        for value in values or []:
            self._add(value)
        if self.typed:
            self._add(self.cls())
        self.structure_changed.emit()

    def collect(self) -> list[Any]:
        return [form.collect(self.cls()) for form in self._entries()]

    def all_errors(self) -> dict[str, ErrorLabel]:
        out: dict[str, ErrorLabel] = {}
        for form, _h, _r in self._forms:
            out.update(form.all_errors())
        return out
