"""The one date field of every editor: type it, pick it, or take today.

A line edit (Tab leaves it, one keystroke clears it because focus selects everything), a
"Today" button, a calendar (Alt+Down) in the chosen language that opens at the date, at a
hint (the mission's dates) or at today, and a line that says what was understood and at
which precision (full date, month, year) — the record model's precision.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from .dates import (
    Parsed,
    example,
    format_date,
    format_long,
    iso_from,
    parse_date,
    ui_locale,
)


class _SelectAllEdit(QLineEdit):
    """Focus by keyboard or click selects the whole date, so typing replaces it."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        QTimer.singleShot(0, self, self.selectAll)


class CalendarPopup(QFrame):
    """A calendar in a popup frame sized to its contents (never clipped)."""

    picked = Signal(QDate)

    def __init__(self, parent: QWidget):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName(_("Calendar"))
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        layout.addWidget(self.calendar)
        self.calendar.activated.connect(self._pick)
        self.calendar.clicked.connect(self._pick)

    def _pick(self, day: QDate) -> None:
        self.picked.emit(day)
        self.close()

    def open_at(self, anchor: QWidget, day: QDate) -> None:
        loc = ui_locale()
        self.calendar.setLocale(loc)
        self.calendar.setFirstDayOfWeek(loc.firstDayOfWeek())
        self.setLayoutDirection(anchor.layoutDirection())
        self.calendar.setSelectedDate(day)
        self.calendar.setCurrentPage(day.year(), day.month())
        self.adjustSize()
        size = self.sizeHint().expandedTo(self.calendar.sizeHint())
        self.resize(size.width() + 8, size.height() + 8)
        pos = anchor.mapToGlobal(QPoint(0, anchor.height()))
        screen = anchor.screen() or QGuiApplication.primaryScreen()
        if screen is not None:  # keep the whole month on the screen
            area = screen.availableGeometry()
            pos.setX(max(area.left(), min(pos.x(), area.right() - self.width())))
            if pos.y() + self.height() > area.bottom():
                pos.setY(max(area.top(), anchor.mapToGlobal(QPoint(0, 0)).y() - self.height()))
        self.move(pos)
        self.show()
        self.calendar.setFocus()


class DateInput(QWidget):
    """One date, with the precisions the record allows (``("day",)`` for a plain date)."""

    edited = Signal()

    def __init__(self, accessible_name: str, precisions: tuple[str, ...] = ("day",),
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.precisions = precisions
        self.hint: QDate | None = None  # where the calendar opens when the field is empty
        self._parsed: Parsed | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = _SelectAllEdit()
        self.edit.setAccessibleName(accessible_name)
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(example())
        self.edit.setToolTip(_("Type a date ({example}); a month or a year alone where the "
                               "exact day is not known. Ctrl+; puts today, Alt+Down opens "
                               "the calendar.").format(example=example())
                             if len(precisions) > 1 else
                             _("Type a date ({example}). Ctrl+; puts today, Alt+Down opens "
                               "the calendar.").format(example=example()))
        width = self.edit.fontMetrics().horizontalAdvance(example()) + 48
        self.edit.setMinimumWidth(min(width, self.edit.fontMetrics().averageCharWidth() * 40))
        self.today_button = QToolButton()
        self.today_button.setText(_("Today"))
        self.today_button.setAccessibleName(_("Set to today"))
        self.today_button.setToolTip(_("Today (Ctrl+;)"))
        # Out of the Tab order so Tab goes field to field; the keyboard has Ctrl+; and Alt+Down.
        self.today_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.today_button.setProperty("keyboardEquivalent", "Ctrl+;")
        self.calendar_button = QToolButton()
        self.calendar_button.setText("▾")
        self.calendar_button.setAccessibleName(_("Choose from a calendar"))
        self.calendar_button.setToolTip(_("Calendar (Alt+Down)"))
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.setProperty("keyboardEquivalent", "Alt+Down")
        self.understood = QLabel()
        self.understood.setObjectName("muted")
        self.understood.setAccessibleName(_("Date understood"))
        # a date spelled out wraps rather than widen the form (200 %, long languages)
        self.understood.setWordWrap(True)
        row.addWidget(self.edit, 2)
        row.addWidget(self.today_button)
        row.addWidget(self.calendar_button)
        row.addWidget(self.understood, 3)
        self.setFocusProxy(self.edit)
        self._popup: CalendarPopup | None = None

        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._tidy)
        self.today_button.clicked.connect(self.set_today)
        self.calendar_button.clicked.connect(self.open_calendar)
        today = QShortcut(QKeySequence("Ctrl+;"), self.edit)
        today.setContext(Qt.ShortcutContext.WidgetShortcut)
        today.activated.connect(self.set_today)
        self.edit.installEventFilter(self)
        self._show_understood()

    # -- value -------------------------------------------------------------------------------
    def value(self) -> Parsed | None:
        return self._parsed

    def text(self) -> str:
        return self.edit.text().strip()

    def is_valid(self) -> bool:
        """Empty, or understood at a precision this field allows."""
        if not self.text():
            return True
        return self._parsed is not None and self._parsed.precision in self.precisions

    def set_value(self, iso: str | None, precision: str = "day") -> None:
        if not iso:
            self._parsed = None
            self.edit.setText("")
        else:
            part = {"day": 10, "month": 7, "year": 4}.get(precision, 10)
            self._parsed = Parsed(iso[:part], precision)
            self.edit.setText(format_date(iso, precision))
        self._show_understood()

    def set_today(self) -> None:
        self.set_value(QDate.currentDate().toString("yyyy-MM-dd"))
        self.edited.emit()

    # -- typing ------------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        self._parsed = parse_date(text)
        self._show_understood()
        self.edited.emit()

    def _tidy(self) -> None:
        """On leaving, show an understood date in the language's own form."""
        if self._parsed is not None and self._parsed.precision in self.precisions:
            shown = format_date(self._parsed.iso, self._parsed.precision)
            if shown != self.edit.text():
                self.edit.setText(shown)

    def _show_understood(self) -> None:
        text = self.text()
        parsed = self._parsed
        if not text:
            message = ""
            ok = True
        elif parsed is None:
            message = _("Not a date yet — for example {example}").format(example=example())
            ok = False
        elif parsed.precision not in self.precisions:
            message = _("Needs the full date: day, month and year")
            ok = False
        else:
            message = format_long(parsed.iso, parsed.precision)
            if parsed.precision == "month":
                message = _("{date} (month only)").format(date=message)
            elif parsed.precision == "year":
                message = _("{date} (year only)").format(date=message)
            ok = True
        self.understood.setText(message)
        self.understood.setObjectName("muted" if ok else "fieldError")
        self.understood.style().unpolish(self.understood)
        self.understood.style().polish(self.understood)
        self.edit.setAccessibleDescription(message)

    # -- calendar ----------------------------------------------------------------------------
    def open_calendar(self) -> None:
        if self._popup is None:
            self._popup = CalendarPopup(self)
            self._popup.picked.connect(self._picked)
        start = QDate.currentDate()
        if self._parsed is not None:
            start = QDate.fromString(iso_from(self._parsed), "yyyy-MM-dd")
        elif self.hint is not None and self.hint.isValid():
            start = self.hint
        self._popup.open_at(self.edit, start)

    def calendar(self) -> QCalendarWidget | None:
        return self._popup.calendar if self._popup is not None else None

    def _picked(self, day: QDate) -> None:
        self.set_value(day.toString("yyyy-MM-dd"))
        self.edited.emit()
        self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Down and \
                    event.modifiers() & Qt.KeyboardModifier.AltModifier:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)



