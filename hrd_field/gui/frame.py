"""The frame both workspaces (field and HQ) share: sections on one side, open records in
tabs beside them, the first tab being the list one browses."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStackedWidget, QTabWidget

from ..core.i18n import _


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
