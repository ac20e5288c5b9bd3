"""The outbox: what was exported, what HQ has confirmed, what is still waiting."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import N_, _
from ..vault.ledger import OutboxItem, SentBundle
from .dates import format_stamp
from .session import VaultSession
from .sync_controller import SyncState
from .widgets import scale_font

STATES = {"reserved": N_("being written"), "written": N_("written"),
          "abandoned": N_("abandoned (write failed)")}


class OutboxView(QWidget):
    sync_requested = Signal()

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        heading = QLabel(_("Outbox"))
        heading.setObjectName("viewHeading")
        scale_font(heading, 1.3)
        self.status = QLabel()
        self.status.setAccessibleName(_("Sync status"))
        self.status.setWordWrap(True)  # a sync problem is told whole here
        self.sync_button = QPushButton(_("Sync now"))
        self.sync_button.setObjectName("primary")
        self.sync_button.setAccessibleName(_("Sync with headquarters now"))
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        top.addWidget(self.sync_button)
        layout.addLayout(top)
        explain = QLabel(_("Bundles are encrypted for headquarters: nobody else, not even this "
                           "laptop, can read them. A bundle leaves the outbox when headquarters "
                           "confirms it with a signed receipt."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(_("Exported bundles"))
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels([_("Sequence"), _("State"), _("Size"),
                                              _("Received by HQ"), _("Attempts")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.sync_button.clicked.connect(self.sync_requested)

    def show_sync_state(self, state: SyncState) -> None:
        self.status.setText(state.text)
        self.sync_button.setEnabled(not state.syncing)

    def refresh(self) -> None:
        if not self._session.is_open:
            self.table.setRowCount(0)
            return
        self._session.outbox_state(self._show, parent=self)

    def _show(self, data: tuple[list[SentBundle], dict[int, OutboxItem]]) -> None:
        bundles, waiting = data
        self.table.setRowCount(len(bundles))
        locale = self.locale()
        for row, b in enumerate(reversed(bundles)):
            item = waiting.get(b.seq)
            attempts = str(getattr(item, "attempts", "")) if item is not None else ""
            error = getattr(item, "last_error", None) if item is not None else None
            cells = [str(b.seq), _(STATES.get(b.state, b.state)),
                     locale.formattedDataSize(b.size or 0) if b.size else "",
                     format_stamp(b.received_at) or _("not yet"), attempts]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if error and col == 4:
                    cell.setToolTip(error)
                self.table.setItem(row, col, cell)
