"""A form generated from a dataclass: one editor a field, values in with ``load`` and out
with ``collect``, each field's error label beside it. Nested dataclasses become the nested
forms of ``nested_forms``; ``form_layout`` lays the fields out."""

from __future__ import annotations

import copy
import dataclasses
import typing
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.fields import SHORT_TEXT_MAX
from ..core.i18n import _
from ..core.records import PartialDate
from ..core.schema import hints, unwrap_optional
from .clipboard import SensitiveClipboard
from .form_fields import (
    BoolField,
    CheckListField,
    CodeField,
    DateField,
    DerivedField,
    FieldEditor,
    IntField,
    LinesField,
    LongTextField,
    MaskedField,
    PartialDateField,
    TextField,
)
from .form_layout import ErrorLabel, Row

# Nested values this small are laid out on one line (labels above their fields).
INLINE_MAX_FIELDS = 4


@dataclasses.dataclass
class FormContext:
    clipboard: SensitiveClipboard
    mask_identity: bool = True


class Form(QObject):
    """Editors for one dataclass instance (a record or a nested value)."""

    changed = Signal()
    structure_changed = Signal()  # rows added or removed: the Tab order must follow

    def __init__(self, cls: type, prefix: str, context: FormContext, skip: set[str],
                 blank_numbers: bool = False):
        super().__init__()
        self.blank_numbers = blank_numbers
        self.cls = cls
        self.prefix = prefix
        self.context = context
        self.editors: dict[str, Any] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.rows: list[Row] = []
        for f in dataclasses.fields(cls):
            if f.name in skip:
                continue
            editor = self._editor_for(f, hints(cls)[f.name])
            self.editors[f.name] = editor
            editor.changed.connect(self.changed.emit)
            if hasattr(editor, "structure_changed"):
                editor.structure_changed.connect(self.structure_changed.emit)
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
        from .nested_forms import OptionalForm, RowsForm, SubForm  # they are built on Form

        meta = f.metadata
        label = _(meta.get("label", f.name))
        inner, optional = unwrap_optional(tp)
        path = self.prefix + f.name
        if meta.get("derived"):
            return DerivedField(label, meta.get("vocab"))
        if inner is PartialDate:
            return PartialDateField(label)
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
            return IntField(label, meta.get("minimum"), meta.get("maximum"),
                            blank=self.blank_numbers)
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

    def inline(self) -> bool:
        """Small values of short fields (a place, counts by gender, a follow-up action)."""
        return 0 < len(self.rows) <= INLINE_MAX_FIELDS and all(
            isinstance(e, FieldEditor) and not isinstance(e, LongTextField | LinesField |
                                                           CheckListField | MaskedField)
            for e in self.editors.values())

    def load(self, obj: Any) -> None:
        for name, editor in self.editors.items():
            value = getattr(obj, name)
            if isinstance(editor, FieldEditor):
                editor.set_value(value)
            else:  # a nested form
                editor.load(value)

    def collect(self, base: Any) -> Any:
        """A copy of ``base`` with every edited field replaced by the form's value."""
        values = {}
        for name, editor in self.editors.items():
            if isinstance(editor, FieldEditor):
                values[name] = editor.value()
            elif isinstance(editor, Form):
                values[name] = editor.collect(getattr(base, name))
            else:  # an optional value or a list of rows
                values[name] = editor.collect()
        return dataclasses.replace(copy.deepcopy(base), **values)

    def all_errors(self) -> dict[str, ErrorLabel]:
        out = dict(self.errors)
        for editor in self.editors.values():
            if not isinstance(editor, FieldEditor):
                out.update(editor.all_errors())
        return out

    def masked_fields(self) -> list[MaskedField]:
        out = [e for e in self.editors.values() if isinstance(e, MaskedField)]
        for editor in self.editors.values():
            if isinstance(editor, Form):
                out += editor.masked_fields()
        return out
