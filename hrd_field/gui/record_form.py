"""The form of a whole record, generated from its dataclass: one mechanism for every record
type. Fields are grouped in titled sections by their ``section`` metadata; a record type may
put what is typed during the session on the first screen and fold the rest away.
"""

from __future__ import annotations

import copy
import typing
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QWidget

from ..core.errors import FieldError
from ..core.i18n import _
from ..core.records import SECTIONS, Record
from ..core.validation import normalise
from .fold import Fold
from .form import Form, FormContext
from .form_fields import MaskedField
from .form_layout import fill_layout

__all__ = ["FormContext", "RecordForm"]  # FormContext: where the windows have imported it

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

def _follows_from_the_rest(record: Record, name: str) -> bool:
    """The value is what the app works out from other fields (the number of organisations
    named): nothing the user typed is hidden by folding it."""
    bare = copy.deepcopy(record)
    setattr(bare, name, getattr(type(record)(), name))
    normalise(bare)
    return bool(getattr(bare, name) == getattr(record, name))


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
            rows = by_section[section]
            if len(rows) == 1 and isinstance(rows[0][2], QGroupBox):
                rows[0][2].setTitle("")  # the section's title names it: one title, not two
                rows[0][2].setProperty("untitled", True)  # and no room kept for a title
            fill_layout(layout, rows)
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
