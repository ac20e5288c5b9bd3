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

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import FieldError
from ..core.fields import SHORT_TEXT_MAX
from ..core.i18n import _
from ..core.records import SECTIONS, PartialDate, Record
from ..core.schema import hints, unwrap_optional
from ..core.validation import normalise
from ..core.vocab import VOCABULARIES
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
from .widgets import focus_after

# Fields the editor window handles itself (envelope, status, links, attachments).
HANDLED_ELSEWHERE = {"id", "created_at", "updated_at", "version", "author", "status",
                     "mission_id", "attachments", "person_ids"}
# Sections in reading order; consent comes right after what the record is about.
SECTION_ORDER = ["first", "mission", "person", "identity", "consultation", "participants",
                 "content", "gender", "follow_up", "incident", "reprisal", "assessment",
                 "consent", "more", "record"]
# What a facilitator types during the session, on the first screen, in this order; the
# record type's other fields of these sections fold into "More details". Names the model
# does not have are skipped, so the model can change without breaking the editor.
FIRST_SCREEN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "consultation": (("date", "place", "format", "participants", "topics", "summary",
                      "organisations"),
                     ("consultation", "participants", "content")),
}
# Nested values this small are laid out on one row (labels above their fields).
INLINE_MAX_FIELDS = 4
LABEL_COLUMN_CHARS = 22  # longer labels wrap
INLINE_FIELD_CHARS = 28  # room one inline field needs, in average characters
INLINE_LINE_PX = 960  # what a 1366-pixel screen leaves the form beside the navigation


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
    structure_changed = Signal()  # rows added or removed: the Tab order must follow

    def __init__(self, cls: type, prefix: str, context: FormContext, skip: set[str],
                 blank_numbers: bool = False):
        super().__init__()
        self.blank_numbers = blank_numbers
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
            if isinstance(editor, RowsForm):
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
                # A wrapped label is laid out at a width it guesses; Arabic lost its last
                # letters that way. Give it the width of its text, up to a column's worth.
                metrics = lab.fontMetrics()
                lab.setMinimumWidth(min(metrics.horizontalAdvance(label) + 4,
                                        metrics.averageCharWidth() * LABEL_COLUMN_CHARS))
                layout.addRow(lab, holder)

    def inline(self) -> bool:
        """Small values of short fields (a place, counts by gender, a follow-up action)."""
        return 0 < len(self.rows) <= INLINE_MAX_FIELDS and all(
            isinstance(e, FieldEditor) and not isinstance(e, LongTextField | LinesField |
                                                           CheckListField | MaskedField)
            for e in self.editors.values())

    def fill_inline(self, layout: QVBoxLayout) -> None:
        """Each label above its field, each error below it; as many on a line as fit a
        laptop screen at this font size (large fonts get two per line)."""
        layout.setContentsMargins(0, 0, 0, 0)
        per_line = len(self.rows)
        char = max(1, QLabel().fontMetrics().averageCharWidth())
        while per_line > 2 and per_line * char * INLINE_FIELD_CHARS > INLINE_LINE_PX:
            per_line -= 1
        for start in range(0, len(self.rows), per_line):
            grid = QGridLayout()
            grid.setContentsMargins(0, 0, 0, 0)
            for column, (_name, label, widget, error, _section) in enumerate(
                    self.rows[start:start + per_line]):
                if widget.metaObject().className() == "QCheckBox":
                    grid.addWidget(widget, 1, column, Qt.AlignmentFlag.AlignVCenter)
                else:
                    lab = QLabel(label)
                    lab.setBuddy(widget)
                    lab.setWordWrap(True)
                    grid.addWidget(lab, 0, column)
                    grid.addWidget(widget, 1, column)
                grid.addWidget(error, 2, column)
                grid.setColumnStretch(column, 1)
            layout.addLayout(grid)

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
        if self.inline():  # a titled line across the form, no frame around it
            self._box: QWidget = QWidget()
            self._box.setProperty("fullRow", True)
            column = QVBoxLayout(self._box)
            column.setContentsMargins(0, 0, 0, 0)
            heading = QLabel(title)
            heading.setObjectName("inlineTitle")
            heading.setWordWrap(True)
            column.addWidget(heading)
            lines = QVBoxLayout()
            self.fill_inline(lines)
            column.addLayout(lines)
        else:
            self._box = QGroupBox(title)
            self.fill_layout(QFormLayout(self._box), self.rows)
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
            line = QVBoxLayout()
            self.form.fill_inline(line)
            outer.addLayout(line)
        else:
            layout = QFormLayout()
            self.form.fill_layout(layout, self.form.rows)
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
            form.fill_inline(QVBoxLayout(inner))
        else:
            form.fill_layout(QFormLayout(inner), form.rows)
        remove = QPushButton(_("Remove"))
        remove.setAccessibleName(_("Remove this entry"))
        remove.clicked.connect(lambda: self._remove(form))
        row.addWidget(inner, 1)
        row.addWidget(remove, 0, Qt.AlignmentFlag.AlignBottom)
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


class Fold(QWidget):
    """A section that folds: a header button (Space or a click opens it) over its content;
    while folded, a line says what is inside."""

    def __init__(self, title: str, inside: str, content: QWidget,
                 parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QToolButton()
        self.header.setObjectName("foldHeader")
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.header.setAccessibleName(title)
        self.header.setAccessibleDescription(inside)
        self.inside = QLabel(inside)
        self.inside.setObjectName("muted")
        self.inside.setWordWrap(True)
        self.title = title
        self.content = content
        layout.addWidget(self.header, 0, Qt.AlignmentFlag.AlignLeading)
        layout.addWidget(self.inside)
        layout.addWidget(content)
        self.header.toggled.connect(self.set_open)
        self.set_open(False)

    def set_open(self, shown: bool) -> None:
        self.header.blockSignals(True)
        self.header.setChecked(shown)
        self.header.blockSignals(False)
        self.header.setArrowType(Qt.ArrowType.DownArrow if shown else
                                 Qt.ArrowType.RightArrow if self.layoutDirection() ==
                                 Qt.LayoutDirection.LeftToRight else Qt.ArrowType.LeftArrow)
        self.header.setText(self.title)
        self.content.setVisible(shown)
        self.inside.setVisible(not shown)

    def is_open(self) -> bool:
        return self.header.isChecked()


def _follows_from_the_rest(record: Record, name: str) -> bool:
    """The value is what the app works out from other fields (the number of organisations
    named): nothing the user typed is hidden by folding it."""
    bare = copy.deepcopy(record)
    setattr(bare, name, getattr(type(record)(), name))
    normalise(bare)
    return bool(getattr(bare, name) == getattr(record, name))


@dataclasses.dataclass
class FormContext:
    clipboard: SensitiveClipboard
    mask_identity: bool = True


class RecordForm(QObject):
    """The whole record form, laid out in titled sections."""

    changed = Signal()
    structure_changed = Signal()
    loaded = Signal()  # values were put in without an edit (a record, a draft)

    def __init__(self, cls: type[Record], context: FormContext):
        super().__init__()
        self.form = Form(cls, "", context, HANDLED_ELSEWHERE)
        self.form.changed.connect(self.changed.emit)
        self.form.structure_changed.connect(self.structure_changed.emit)
        self.sections: dict[str, QWidget] = {}
        self.fold: Fold | None = None
        first, folded = FIRST_SCREEN.get(cls.TYPE, ((), ()))
        by_section: dict[str, list[Any]] = {}
        for row in self.form.rows:
            section = row[4]
            if row[0] in first:
                section = "first"
            elif section in folded:
                section = "more"
            by_section.setdefault(section, []).append(row)
        if "first" in by_section:
            by_section["first"].sort(key=lambda r: first.index(r[0]))
        for section in sorted(by_section, key=lambda s: SECTION_ORDER.index(s)
                              if s in SECTION_ORDER else len(SECTION_ORDER)):
            title = (_(SECTIONS.get(folded[0], folded[0])) if section == "first" else
                     _("More details") if section == "more" else
                     _(SECTIONS.get(section, section)))
            box = QGroupBox(title if section != "more" else "")
            box.setObjectName(f"section_{section}")
            box.setAccessibleName(title)
            layout = QFormLayout(box)
            self.form.fill_layout(layout, by_section[section])
            if section == "more":
                names = ", ".join(r[1] for r in by_section[section])
                self.fold = Fold(_("More details"), names, box)
                self.sections[section] = self.fold
            else:
                self.sections[section] = box

    def unfold_if_filled(self, record: Record) -> None:
        """A folded section opens when it holds something (never hide entered data)."""
        if self.fold is None:
            return
        empty = type(record)()
        for name, _label, widget, _e, _s in self.form.rows:
            if self.fold.content.isAncestorOf(widget) and getattr(record, name) != getattr(
                    empty, name) and not _follows_from_the_rest(record, name):
                self.fold.set_open(True)
                return

    def load(self, record: Record) -> None:
        self.form.load(record)
        self.unfold_if_filled(record)
        self.loaded.emit()

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

