"""The frame both workspaces (field and HQ) share: sections on one side, open records in
tabs beside them, the first tab being the list one browses."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeGuard

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from ..core.i18n import _

if TYPE_CHECKING:  # the editor stack (forms, attachments, Pillow) loads on first use
    from .record_editor import RecordEditor


def section_nav(sections: Sequence[tuple[str, str]]) -> QListWidget:
    """One row per (key, label) section; the key is the item's UserRole data."""
    nav = QListWidget()
    nav.setObjectName("nav")
    nav.setAccessibleName(_("Sections"))
    row_height = nav.fontMetrics().height() * 2 + 4
    for key, label in sections:
        item = QListWidgetItem(_(label))
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setSizeHint(QSize(0, row_height))
        nav.addItem(item)
    # Long section names (large fonts, long languages) wrap onto the row's second line
    # instead of being cut to "Curre…".
    nav.setWordWrap(True)
    nav.setTextElideMode(Qt.TextElideMode.ElideNone)
    nav.setMinimumWidth(nav.fontMetrics().averageCharWidth() * 14)
    nav.setMaximumWidth(max(240, nav.fontMetrics().averageCharWidth() * 30))
    return nav


def record_tabs() -> tuple[QTabWidget, QStackedWidget]:
    """Closable tabs of open records, after a first "Browse" tab that cannot be closed."""
    tabs = QTabWidget()
    tabs.setDocumentMode(True)
    tabs.setTabsClosable(True)
    tabs.setAccessibleName(_("Open records"))
    browse = QStackedWidget()
    tabs.addTab(browse, _("Browse"))
    bar = tabs.tabBar()
    bar.setTabButton(0, bar.ButtonPosition.RightSide, None)
    bar.setTabButton(0, bar.ButtonPosition.LeftSide, None)
    return tabs, browse


def is_editor(widget: object) -> TypeGuard[RecordEditor]:
    # Without importing the editor stack: until it is loaded, no editor can exist.
    module = sys.modules.get("hrd_field.gui.record_editor")
    return module is not None and isinstance(widget, module.RecordEditor)


class WorkspaceFrame(QSplitter):
    """The sections (``nav``) beside the tabs (``tabs``; the first, ``browse``, shows the
    current section), and the editors open in the other tabs: titled, closed on request,
    dropped on lock."""

    def __init__(self, sections: Sequence[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.section_keys = [key for key, _label in sections]
        self.nav = section_nav(sections)
        self.addWidget(self.nav)
        self.tabs, self.browse = record_tabs()
        self.addWidget(self.tabs)
        self.setStretchFactor(1, 1)
        self.tabs.tabCloseRequested.connect(self._close_tab)

    def show_section(self, key: str) -> None:
        self.nav.setCurrentRow(self.section_keys.index(key))

    def editors(self) -> list[RecordEditor]:
        # Tab 0 is the browser; every other tab is an editor.
        return [w for i in range(1, self.tabs.count()) if is_editor(w := self.tabs.widget(i))]

    def show_editor(self, record_id: str) -> bool:
        """Bring the editor of this record forward, if one is open."""
        for editor in self.editors():
            if editor.base.id == record_id:
                self.tabs.setCurrentWidget(editor)
                return True
        return False

    def add_editor(self, editor: RecordEditor) -> RecordEditor:
        index = self.tabs.addTab(editor, "")
        editor.title_changed.connect(lambda t, e=editor: self._retitle(e, t))
        editor.closed.connect(lambda e=editor: self._remove_editor(e))
        editor._show_header(editor.base)
        self.tabs.setCurrentIndex(index)
        return editor

    def _retitle(self, editor: RecordEditor, title: str) -> None:
        index = self.tabs.indexOf(editor)
        if index > 0:
            self.tabs.setTabText(index, title if len(title) <= 28 else title[:27] + "…")
            self.tabs.setTabToolTip(index, title)

    def _close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if is_editor(widget):
            widget.request_close()

    def _remove_editor(self, editor: RecordEditor) -> None:
        index = self.tabs.indexOf(editor)
        if index > 0:
            self.tabs.removeTab(index)
        editor.deleteLater()

    def drop_editors(self) -> None:
        """On lock: open editors leave memory; nothing is written."""
        for editor in self.editors():
            editor.discard_on_lock()
            self._remove_editor(editor)
