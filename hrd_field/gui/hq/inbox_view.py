"""The inbox: imported bundles, missing ones (by device) and alarms."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...vault.hq_casework import BundleEntry
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
        layout.addWidget(QLabel(_("Alarms and quarantined bundles")))
        self.alarms = table([_("Time"), _("Alarm"), _("Device"), _("Sequence"), _("Detail")],
                            _("Alarms"))
        layout.addWidget(self.alarms, 1)

    def refresh(self) -> None:
        self.session.inbox(self._show, parent=self)

    def _show(self, data: tuple[list[BundleEntry], dict[str, list[tuple[int, int]]],
                                list[tuple[str, str, str, int | None, str]]]) -> None:
        bundles, gaps, alarms = data
        fill(self.bundles, [[b.device, str(b.seq), b.imported_at[:16].replace("T", " "),
                             str(len(b.summary.get("accepted", []))),
                             _(STATUS_LABELS.get(b.summary.get("status", "imported"),
                                                 N_("imported")))] for b in bundles])
        # ranges, so one absurd sequence number cannot bury the real gaps
        missing = [f"{name}: {', '.join(str(a) if a == b else f'{a}–{b}' for a, b in ranges)}"
                   for name, ranges in gaps.items() if ranges]
        self.gaps.setText(_("Missing bundles: {list}").format(list="; ".join(missing))
                          if missing else _("No bundle is missing."))
        fill(self.alarms, [[a[0][:16].replace("T", " "), a[1], a[2][:16] + "…",
                            "" if a[3] is None else str(a[3]), a[4]] for a in alarms])
