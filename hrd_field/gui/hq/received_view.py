"""Received records: the field's lists, read-only, with each record's provenance and
consent scope beside them."""

from __future__ import annotations

import html

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import N_, _
from ...core.introspect import plan
from ...core.records import Record
from ...core.vocab import RECORD_TYPE
from ...vault.hq_tables import Provenance
from ..dates import format_number, format_stamp
from ..record_list import RecordListView
from .record_text import value_html
from .session import HqSession
from .tables import heading_row

RECEIVED_TYPES = ("reprisal_incident", "threat_report", "person", "consultation", "mission")


def describe(record: Record, origin: list[Provenance]) -> str:
    """A read-only page: provenance and consent scope first, then the record's fields
    (identity fields only when HQ was allowed to receive them, and then masked)."""
    e = html.escape
    provenance, scope_title, content = _("Provenance"), _("Consent scope"), _("Content")
    parts = [f"<h3>{e(RECORD_TYPE.label(record.TYPE))}</h3>", f"<h4>{e(provenance)}</h4>",
             "<ul>"]
    for p in origin:
        parts.append("<li>" + e(_("version {version}: from {device}, bundle {bundle_id}, "
                                  "sequence {sequence}, received {received_at}").format(
            version=format_number(p.version), device=p.device, bundle_id=p.bundle_id[:8],
            sequence=format_number(p.seq, grouped=False),
            received_at=format_stamp(p.received_at))) + "</li>")
    parts.append("</ul>")
    scope = origin[-1].consent_scope if origin else None
    if scope is not None:
        parts.append(f"<h4>{e(scope_title)}</h4><ul>")
        labels = {"share_with_hq": N_("Share this record with headquarters"),
                  "share_identity_with_hq": N_("Share names and contact details with "
                                               "headquarters"),
                  "raise_with_state": N_("Raise the case with the State"),
                  "publish_anonymised": N_("Publish without names"),
                  "publish_with_name": N_("Publish with name")}
        for key, label in labels.items():
            mark = "✔" if scope.get(key) else "✘"
            parts.append(f"<li>{mark} {e(_(label))}</li>")
        parts.append("</ul>")
    parts.append(f"<h4>{e(content)}</h4><table>")
    for field in plan(type(record)):
        if field.name in ("attachments", "id", "consent", "created_at", "author"):
            continue
        shown = value_html(getattr(record, field.name), field)
        if not shown:
            continue
        label = _(field.meta.get("label") or field.name)
        parts.append(f"<tr><td><b>{e(label)}</b></td><td>{shown}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


class ReceivedView(QWidget):
    """The field lists, read-only, with provenance and consent scope beside them."""

    new_communication = Signal(list)  # record ids
    acknowledge = Signal(str)  # record id

    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        top = heading_row(_("Received records"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Type of record"))
        for code in RECEIVED_TYPES:
            self.kind.addItem(RECORD_TYPE.label(code), code)
        label = QLabel(_("&Type:"))
        label.setBuddy(self.kind)
        top.addWidget(label)
        top.addWidget(self.kind)
        self.from_records = QPushButton(_("New &communication from these records"))
        self.ack = QPushButton(_("&Acknowledge…"))
        self.ack.setAccessibleName(_("Write an acknowledgement letter"))
        top.addWidget(self.from_records)
        top.addWidget(self.ack)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.lists = QStackedWidget()
        self.views: dict[str, RecordListView] = {}
        for code in RECEIVED_TYPES:
            view = RecordListView(session, code, "")
            view.heading.hide()
            view.new_button.hide()  # received records are read-only at HQ
            view.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            view.open_requested.connect(lambda rid, _t: self.show_record(rid))
            view.table.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, v=view: self._current(v, cur.row()))
            self.views[code] = view
            self.lists.addWidget(view)
        split.addWidget(self.lists)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(_("Record, provenance and consent"))
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self.kind.currentIndexChanged.connect(self._switch)
        self.from_records.clicked.connect(
            lambda: self.new_communication.emit(self.selected_ids()))
        self.ack.clicked.connect(self._ack)

    def current_view(self) -> RecordListView:
        return self.views[self.kind.currentData()]

    def _switch(self, _i: int) -> None:
        self.lists.setCurrentWidget(self.current_view())
        self.current_view().refresh()

    def refresh(self) -> None:
        self.current_view().refresh()

    def selected_ids(self) -> list[str]:
        view = self.current_view()
        rows = sorted({i.row() for i in view.table.selectionModel().selectedRows()})
        return [rid for r in rows if (rid := view.record_id_at(r))]

    def _current(self, view: RecordListView, row: int) -> None:
        rid = view.record_id_at(row)
        if rid:
            self.show_record(rid)

    def show_record(self, record_id: str) -> None:
        self.session.received(record_id, lambda data: self.detail.setHtml(
            describe(data[0], data[1])), parent=self)

    def _ack(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.acknowledge.emit(ids[0])
