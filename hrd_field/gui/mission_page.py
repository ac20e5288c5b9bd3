"""What happened during a mission, at a glance; reprisals against people it met come first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import N_, _, ngettext
from ..core.vocab import THREAT_TYPE

if TYPE_CHECKING:  # loaded lazily on the worker (session); a type here, nothing more
    from ..vault.summaries import MissionSummary
from .dates import format_number
from .session import VaultSession
from .widgets import scale_font

PLURALS = {"consultation": N_("Consultations"), "person": N_("People"),
           "threat_report": N_("Threat reports"), "reprisal_incident": N_("Reprisal incidents")}


class MissionPage(QWidget):
    open_requested = Signal(str, str)

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self.mission_id: str | None = None
        # A busy mission at 200 % font is taller than a laptop screen: the page scrolls
        # rather than stretching the window.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget()
        scroll.setWidget(page)
        whole = QVBoxLayout(self)
        whole.setContentsMargins(0, 0, 0, 0)
        whole.addWidget(scroll)
        layout = QVBoxLayout(page)
        self.heading = QLabel(_("No current mission"))
        self.heading.setObjectName("viewHeading")
        scale_font(self.heading, 1.3)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.hint = QLabel(_("Choose the current mission in the toolbar; new records will "
                             "be linked to it."))
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        self.reprisals = QGroupBox(_("Reprisals against people who met this mission"))
        rep_layout = QVBoxLayout(self.reprisals)
        self.flagged = QListWidget()
        self.flagged.setAccessibleName(_("Reprisals against people who met this mission"))
        self.flagged.setMaximumHeight(self.flagged.fontMetrics().lineSpacing() * 8 + 12)
        rep_layout.addWidget(self.flagged)
        layout.addWidget(self.reprisals)

        grid = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for i, (code, heading) in enumerate(PLURALS.items()):
            box = QGroupBox(_(heading))
            inner = QVBoxLayout(box)
            label = QLabel("—")
            label.setObjectName("bigNumber")
            scale_font(label, 2.0)
            label.setAccessibleName(_(heading))
            inner.addWidget(label)
            self.count_labels[code] = label
            grid.addWidget(box, 0, i)
        layout.addLayout(grid)
        self.participants = QLabel()
        self.participants.setWordWrap(True)
        layout.addWidget(self.participants)
        self.threats = QLabel()
        self.threats.setWordWrap(True)
        self.threats.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.threats)
        layout.addStretch(1)
        self.flagged.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole),
                                                  "reprisal_incident"))
        self._show(None)

    def set_mission(self, mission_id: str | None) -> None:
        self.mission_id = mission_id
        self.refresh()

    def refresh(self) -> None:
        if not self.mission_id or not self._session.is_open:
            self._show(None)
            return
        self._session.mission_summary(self.mission_id, self._show, parent=self)

    def _show(self, summary: MissionSummary | None) -> None:
        has = summary is not None
        self.hint.setVisible(not has)
        for w in (self.reprisals, self.participants, self.threats):
            w.setVisible(has)
        if summary is None:
            self.heading.setText(_("No current mission"))
            for label in self.count_labels.values():
                label.setText("—")
            return
        self.heading.setText(summary.title)
        for code, label in self.count_labels.items():
            label.setText(str(summary.counts.get(code, 0)))
        self.flagged.clear()
        for row in summary.flagged:
            item = QListWidgetItem(f"⚑ {row.headline}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.flagged.addItem(item)
        if not summary.flagged:
            self.flagged.addItem(_("None recorded."))
        # The alarm frame is for reprisals only: "None recorded." is good news.
        self.reprisals.setObjectName("alertBox" if summary.flagged else "")
        self.reprisals.style().unpolish(self.reprisals)
        self.reprisals.style().polish(self.reprisals)
        self.reprisals.setTitle(ngettext(
            "{n} reprisal against people who met this mission",
            "{n} reprisals against people who met this mission",
            len(summary.flagged)).format(n=format_number(len(summary.flagged))))
        p = summary.participants
        self.participants.setText(_(
            "Consultation participants: {women} women, {men} men, {nb} non-binary, "
            "{ns} not stated.").format(women=p.get("women", 0), men=p.get("men", 0),
                                       nb=p.get("non_binary", 0), ns=p.get("not_stated", 0)))
        lines = [_("Most frequent threats:")] + [
            "  " + _("{label}: {n}").format(label=THREAT_TYPE.label(code), n=n)
            for code, n in summary.threat_types]
        self.threats.setText("\n".join(lines) if summary.threat_types else "")
