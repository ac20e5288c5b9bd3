"""The field editor for casework records, where "finalise" means what it means at HQ: a
communication is marked as sent (its status vocabulary is draft, sent, closed)."""

from __future__ import annotations

from typing import Any

from ...core.casework import Communication
from ...core.i18n import _
from ...core.records import Record
from ..record_editor import RecordEditor


class CaseworkEditor(RecordEditor):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if isinstance(self.base, Communication):
            self.finalise_button.setText(_("Mark as sent"))
            self.finalise_button.setAccessibleName(_("Save and mark as sent"))
            self.validate_now()  # the tooltips of a communication

    def final_status(self, record: Record) -> str:
        return "sent" if isinstance(record, Communication) else "final"

    def finalise_tips(self) -> tuple[str, str]:
        if isinstance(self.base, Communication):
            return (_("The reply deadline runs from the date sent."),
                    _("This communication was sent; Save keeps it sent."))
        return super().finalise_tips()
