"""Every control of the main views has an accessible name and takes keyboard focus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from .conftest import unlock

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView,
               QPlainTextEdit)


def _name(widget: QWidget) -> str:
    name = widget.accessibleName()
    if not name and isinstance(widget, QAbstractButton):
        name = widget.text().replace("&", "")
    return name


def _problems(root: QWidget) -> list[str]:
    out = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget.parentWidget(), QComboBox | QLineEdit | QAbstractItemView):
            continue  # parts of composite widgets (headers, viewports), named by them
        if type(widget).__name__ in ("QScrollBar", "QLineEdit") and \
                widget.objectName().startswith("qt_"):
            continue
        label = f"{type(widget).__name__}({widget.objectName() or '?'}) in " \
                f"{type(widget.parentWidget()).__name__}"
        if not _name(widget):
            out.append("no accessible name: " + label)
        # A button kept out of the Tab order on purpose names the key that does its job.
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and widget.isEnabled() and \
                not widget.property("keyboardEquivalent"):
            out.append("not reachable by keyboard: " + label)
    return out


@pytest.mark.parametrize("language", ["en", "ar"])
def test_main_views_are_named_and_keyboard_reachable(qtbot, make_window, language):
    window = make_window(language=language)
    assert _problems(window.lock_screen) == []
    unlock(qtbot, window)
    ws = window.workspace
    problems = []
    for key in ("mission", "consultation", "threat_report", "reprisal_incident", "person",
                "outbox", "mission_page"):
        ws.show_section(key)
        problems += _problems(ws)
    for record_type in ("mission", "person", "consultation", "threat_report",
                        "reprisal_incident"):
        editor = ws.new_record(record_type)
        problems += _problems(editor)
    problems = sorted(set(problems))
    assert problems == [], "\n".join(problems)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_risk_colours_meet_wcag_aa_on_list_rows():
    from hrd_field.gui.record_model import RISK_COLOUR, RISK_MARK

    for level, colour in RISK_COLOUR.items():
        assert RISK_MARK[level], "risk is never told by colour alone"
        for row_background in ("#ffffff", "#f3f6f9"):  # plain and alternate rows
            assert _contrast(colour, row_background) >= 4.5, (level, row_background)
