"""The inbox: imported bundles, missing ones (by device), alarms, and the bundles kept in
quarantine with the importer's decision."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...hq.rules import QUARANTINE_DECISIONS
from ...vault.hq_casework import BundleEntry
from ...vault.hq_tables import QuarantineEntry
from ..dates import format_number, format_stamp
from .session import HqSession
from .tables import fill, heading, table

STATUS_LABELS = {"imported": N_("imported"), "duplicate": N_("duplicate"),
                 "equivocation": N_("equivocation alarm"), "rejected": N_("rejected")}


class InboxView(QWidget):
    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Inbox")))
        self.bundles = table([_("Device"), _("Sequence"), _("Imported"), _("Records"),
                              _("Outcome")], _("Imported bundles"))
        layout.addWidget(self.bundles, 2)
        self.gaps = QLabel()
        self.gaps.setWordWrap(True)
        self.gaps.setAccessibleName(_("Missing bundles"))
        layout.addWidget(self.gaps)
        layout.addWidget(QLabel(_("Alarms")))
        self.alarms = table([_("Time"), _("Alarm"), _("Device"), _("Sequence"), _("Detail")],
                            _("Alarms"))
        layout.addWidget(self.alarms, 1)
        layout.addWidget(QLabel(_("Quarantined bundles")))
        self.quarantine = table([_("Received"), _("Sent by"), _("Decision"), _("File")],
                                _("Quarantined bundles"))
        layout.addWidget(self.quarantine, 1)

    def refresh(self) -> None:
        self.session.inbox(self._show, parent=self)

    def _show(self, data: tuple[list[BundleEntry], dict[str, list[tuple[int, int]]],
                                list[tuple[str, str, str, int | None, str]],
                                list[QuarantineEntry]]) -> None:
        bundles, gaps, alarms, kept = data
        def seq(n: int) -> str:
            return format_number(n, grouped=False)

        # rows come newest first from the store, ordered by the stored time
        fill(self.bundles, [[b.device, seq(b.seq), format_stamp(b.imported_at),
                             format_number(len(b.summary.get("accepted", []))),
                             _(STATUS_LABELS.get(b.summary.get("status", "imported"),
                                                 N_("imported")))] for b in bundles])
        # ranges, so one absurd sequence number cannot bury the real gaps
        missing = [f"{name}: " + ", ".join(seq(a) if a == b else f"{seq(a)}–{seq(b)}"
                                           for a, b in ranges)
                   for name, ranges in gaps.items() if ranges]
        self.gaps.setText(_("Missing bundles: {list}").format(list="; ".join(missing))
                          if missing else _("No bundle is missing."))
        fill(self.alarms, [[format_stamp(a[0]), a[1], a[2][:16] + "…",
                            "" if a[3] is None else seq(a[3]), a[4]] for a in alarms])
        fill(self.quarantine, [[format_stamp(q.received_at),
                                q.sender or _("an import by hand"),
                                _(QUARANTINE_DECISIONS.get(q.reason, q.reason)), q.file_name]
                               for q in kept])
