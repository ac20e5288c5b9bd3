"""A form generated from a record dataclass: one mechanism for every record type.

Fields are grouped by their ``section`` metadata; nested dataclasses become sub-forms,
optional ones a checkable group, lists of dataclasses a list of rows. Values go in with
``load`` and come out with ``collect``; validation errors are shown beside their field.
"""

from __future__ import annotations

import copy
import dataclasses
import typing
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import FieldError
from ..core.fields import SHORT_TEXT_MAX
from ..core.i18n import _
from ..core.records import SECTIONS, Record
from ..core.schema import hints, unwrap_optional
from .clipboard import SensitiveClipboard
from .form_fields import (
    BoolField,
    CheckListField,
    CodeField,
    DateField,
    FieldEditor,
    IntField,
    LinesField,
    LongTextField,
    MaskedField,
    TextField,
)

# Fields the editor window handles itself (envelope, status, links, attachments).
HANDLED_ELSEWHERE = {"id", "created_at", "updated_at", "version", "author", "status",
                     "mission_id", "attachments", "person_ids"}
# Sections in reading order; consent comes right after what the record is about.
SECTION_ORDER = ["mission", "person", "identity", "consultation", "participants", "content",
                 "gender", "follow_up", "incident", "reprisal", "assessment", "consent",
                 "record"]


class ErrorLabel(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(f"⚠ {message}" if message else "")
        self.setVisible(bool(message))


class Form(QObject):
    """Editors for one dataclass instance (a record or a nested value)."""

    changed = Signal()

    def __init__(self, cls: type, prefix: str, context: FormContext, skip: set[str]):
        super().__init__()
        self.cls = cls
        self.prefix = prefix
        self.context = context
        self.editors: dict[str, FieldEditor | Form | OptionalForm | RowsForm] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.rows: list[tuple[str, str, QWidget, ErrorLabel, str]] = []
        for f in dataclasses.fields(cls):
            if f.name in skip:
                continue
            editor = self._editor_for(f, hints(cls)[f.name])
            self.editors[f.name] = editor
            editor.changed.connect(self.changed.emit)
            error = ErrorLabel()
            self.errors[prefix + f.name] = error
            label = _(f.metadata.get("label", f.name))
            widget = editor.widget
            help_text = f.metadata.get("help")
            if help_text:
                widget.setToolTip(_(help_text))
                widget.setAccessibleDescription(_(help_text))
            self.rows.append((f.name, label, widget, error, f.metadata.get("section", "")))

    def _editor_for(self, f: dataclasses.Field[Any], tp: Any) -> Any:
        meta = f.metadata
        label = _(meta.get("label", f.name))
        inner, optional = unwrap_optional(tp)
        path = self.prefix + f.name
        if typing.get_origin(inner) is list:
            (item,) = typing.get_args(inner)
            if isinstance(item, type) and dataclasses.is_dataclass(item):
                return RowsForm(item, path + ".", self.context, label)
            if meta.get("vocab"):
                return CheckListField(label, meta["vocab"])
            return LinesField(label)
        if isinstance(inner, type) and dataclasses.is_dataclass(inner):
            if optional:
                return OptionalForm(inner, path + ".", self.context, label)
            return SubForm(inner, path + ".", self.context, label)
        if inner is bool:
            return BoolField(label)
        if inner is int:
            return IntField(label, meta.get("minimum"), meta.get("maximum"))
        if meta.get("vocab"):
            return CodeField(label, meta["vocab"], optional)
        if meta.get("format") == "country":
            return CodeField(label, None, optional)
        if meta.get("format") == "date":
            return DateField(label)
        max_length = meta.get("max_length") or SHORT_TEXT_MAX
        if meta.get("identity"):
            return MaskedField(label, max_length, self.context.clipboard,
                               self.context.mask_identity)
        if meta.get("long"):
            return LongTextField(label, max_length)
        return TextField(label, max_length)

    def fill_layout(self, layout: QFormLayout,
                    rows: list[tuple[str, str, QWidget, ErrorLabel, str]]) -> None:
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for _name, label, widget, error, _section in rows:
            holder = QWidget()
            col = QVBoxLayout(holder)
            col.setContentsMargins(0, 0, 0, 0)
            col.setSpacing(2)
            col.addWidget(widget)
            col.addWidget(error)
            if isinstance(widget, QGroupBox) or widget.property("fullRow"):
                layout.addRow(holder)
            elif widget.metaObject().className() == "QCheckBox":
                layout.addRow("", holder)
            else:
                lab = QLabel(label)
                lab.setBuddy(widget)
                lab.setWordWrap(True)
                layout.addRow(lab, holder)

    def load(self, obj: Any) -> None:
        for name, editor in self.editors.items():
            value = getattr(obj, name)
            if isinstance(editor, Form | OptionalForm | RowsForm):
                editor.load(value)
            else:
                editor.set_value(value)

    def collect(self, base: Any) -> Any:
        """A copy of ``base`` with every edited field replaced by the form's value."""
        values = {}
        for name, editor in self.editors.items():
            if isinstance(editor, Form):
                values[name] = editor.collect(getattr(base, name))
            elif isinstance(editor, OptionalForm | RowsForm):
                values[name] = editor.collect()
            else:
                values[name] = editor.value()
        return dataclasses.replace(copy.deepcopy(base), **values)

    def all_errors(self) -> dict[str, ErrorLabel]:
        out = dict(self.errors)
        for editor in self.editors.values():
            if isinstance(editor, Form | OptionalForm | RowsForm):
                out.update(editor.all_errors())
        return out

    def masked_fields(self) -> list[MaskedField]:
        out = [e for e in self.editors.values() if isinstance(e, MaskedField)]
        for editor in self.editors.values():
            if isinstance(editor, Form):
                out += editor.masked_fields()
        return out


class SubForm(Form):
    def __init__(self, cls: type, prefix: str, context: FormContext, title: str):
        super().__init__(cls, prefix, context, set())
        self._box = QGroupBox(title)
        self._box.setAccessibleName(title)
        layout = QFormLayout(self._box)
        self.fill_layout(layout, self.rows)

    @property
    def widget(self) -> QWidget:
        return self._box

    def collect(self, base: Any = None) -> Any:
        return super().collect(base if base is not None else self.cls())


class OptionalForm(QObject):
    """A nested value that may be absent: a group box with a check box in its title."""

    changed = Signal()

    def __init__(self, cls: type, prefix: str, context: FormContext, title: str):
        super().__init__()
        self.cls = cls
        self.form = Form(cls, prefix, context, set())
        self.box = QGroupBox(title)
        self.box.setCheckable(True)
        self.box.setChecked(False)
        self.box.setAccessibleName(title)
        layout = QFormLayout(self.box)
        self.form.fill_layout(layout, self.form.rows)
        self.form.changed.connect(self.changed.emit)
        self.box.toggled.connect(lambda _on: self.changed.emit())

    @property
    def widget(self) -> QWidget:
        return self.box

    def load(self, value: Any) -> None:
        self.box.blockSignals(True)
        self.box.setChecked(value is not None)
        self.box.blockSignals(False)
        self.form.load(value if value is not None else self.cls())

    def collect(self) -> Any:
        return self.form.collect(self.cls()) if self.box.isChecked() else None

    def all_errors(self) -> dict[str, ErrorLabel]:
        return self.form.all_errors()


class RowsForm(QObject):
    """A short list of nested values (follow-up actions): one sub-form per row."""

    changed = Signal()

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
        self._layout.addWidget(self.add_button)
        self._forms: list[tuple[Form, QWidget]] = []

    @property
    def widget(self) -> QWidget:
        return self.box

    def _add_empty(self) -> None:
        self._add(self.cls())
        self.changed.emit()

    def _add(self, value: Any) -> None:
        index = len(self._forms)
        form = Form(self.cls, f"{self.prefix}{index}.", self.context, set())
        form.load(value)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        inner = QWidget()
        grid = QFormLayout(inner)
        form.fill_layout(grid, form.rows)
        remove = QPushButton(_("Remove"))
        remove.setAccessibleName(_("Remove this entry"))
        remove.clicked.connect(lambda: self._remove(form))
        row.addWidget(inner, 1)
        row.addWidget(remove)
        self._rows_layout.addWidget(holder)
        form.changed.connect(self.changed.emit)
        self._forms.append((form, holder))

    def _remove(self, form: Form) -> None:
        values = [f.collect(self.cls()) for f, _h in self._forms if f is not form]
        self.load(values)
        self.changed.emit()

    def load(self, values: Any) -> None:
        for _form, holder in self._forms:
            holder.deleteLater()
        self._forms = []
        for value in values or []:
            self._add(value)

    def collect(self) -> list[Any]:
        return [form.collect(self.cls()) for form, _h in self._forms]

    def all_errors(self) -> dict[str, ErrorLabel]:
        out: dict[str, ErrorLabel] = {}
        for form, _h in self._forms:
            out.update(form.all_errors())
        return out


@dataclasses.dataclass
class FormContext:
    clipboard: SensitiveClipboard
    mask_identity: bool = True


class RecordForm(QObject):
    """The whole record form, laid out in titled sections."""

    changed = Signal()

    def __init__(self, cls: type[Record], context: FormContext):
        super().__init__()
        self.form = Form(cls, "", context, HANDLED_ELSEWHERE)
        self.form.changed.connect(self.changed.emit)
        self.sections: dict[str, QGroupBox] = {}
        by_section: dict[str, list[Any]] = {}
        for row in self.form.rows:
            by_section.setdefault(row[4], []).append(row)
        for section in sorted(by_section, key=lambda s: SECTION_ORDER.index(s)
                              if s in SECTION_ORDER else len(SECTION_ORDER)):
            box = QGroupBox(_(SECTIONS.get(section, section)))
            box.setObjectName(f"section_{section}")
            box.setAccessibleName(_(SECTIONS.get(section, section)))
            layout = QFormLayout(box)
            self.form.fill_layout(layout, by_section[section])
            self.sections[section] = box

    def load(self, record: Record) -> None:
        self.form.load(record)

    def collect(self, base: Record) -> Record:
        return typing.cast(Record, self.form.collect(base))

    def show_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Put each error beside its field; returns those with no field on the form."""
        labels = self.form.all_errors()
        by_path: dict[str, str] = {}
        unplaced = []
        for err in errors:
            target = err.path
            while target and target not in labels:
                target = target.rpartition(".")[0]
            if target:
                by_path.setdefault(target, err.message)
            else:
                unplaced.append(err)
        for path, label in labels.items():
            label.show_message(by_path.get(path))
        return unplaced

    def masked_fields(self) -> list[MaskedField]:
        return self.form.masked_fields()

