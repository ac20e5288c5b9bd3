"""The field editor for casework records, where "finalise" means what it means at HQ: a
communication is marked as sent (its status vocabulary is draft, sent, closed)."""

from __future__ import annotations

from typing import Any

from ...core.casework import Communication
from ...core.i18n import _, ngettext
from ...core.records import Record
from ...core.validation import validate
from ..record_editor import RecordEditor


def _final_status(record: Record) -> str:
    return "sent" if isinstance(record, Communication) else "final"


class CaseworkEditor(RecordEditor):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if isinstance(self.base, Communication):
            self.finalise_button.setText(_("Mark as sent"))
            self.finalise_button.setAccessibleName(_("Save and mark as sent"))
            self.finalise_button.setToolTip(_("The reply deadline runs from the date sent."))

    def validate_now(self, final: bool | None = None) -> bool:
        record = self.current()
        if final:
            record.status = _final_status(record)
        errors = validate(record)
        unplaced = self.form.show_errors(errors)
        if errors:
            lines = [ngettext("Cannot save: {n} problem — see the marked field.",
                              "Cannot save: {n} problems — see the marked fields.",
                              len(errors)).format(n=len(errors))]
            lines += [str(e) for e in unplaced[:3]]
            self.problems.setText("\n".join(lines))
        else:
            self.problems.setText("")
        self.save_button.setEnabled(not errors)
        self.finalise_button.setEnabled(not errors)
        return not errors

    def save(self, *, final: bool) -> None:
        if not self.validate_now(final=final):
            return
        record = self.current()
        if final:
            record.status = _final_status(record)
        self.save_button.setEnabled(False)
        self.finalise_button.setEnabled(False)
        self.status_label.setText(_("Saving…"))
        self.session.save(record, self.is_new, self._saved, self._save_failed, parent=self)
