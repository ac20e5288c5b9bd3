"""The usual answers of a group about consent, as one choice above the consent fields.

A facilitator closing a consultation asks the room once; the answer is nearly always one
of a few. Choosing it fills the fields below (consent obtained, how, when, what may leave
this laptop), where it can still be changed; a changed field shows "as set below".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDate, QObject

from ..core.i18n import N_, _
from .form import Form
from .form_fields import BoolField, CodeField, DateField
from .widgets import CodeCombo


@dataclass(frozen=True)
class Preset:
    code: str
    label: str
    method: str | None
    shared: frozenset[str]  # the ConsentScope fields agreed to


PRESETS = (
    Preset("verbal_hq", N_("Verbal consent: share with headquarters, without names"),
           "verbal", frozenset({"share_with_hq"})),
    Preset("written_hq", N_("Written consent: share with headquarters, without names"),
           "written", frozenset({"share_with_hq"})),
    Preset("verbal_local", N_("Verbal consent: keep on this laptop only"), "verbal",
           frozenset()),
)


class ConsentPresets(QObject):
    """A combo bound to a consent form; ``date_of_record`` gives the consent's default date
    (the day of the consultation, when the record has one)."""

    def __init__(self, consent: Form, date_of_record: Callable[[], str | None]):
        super().__init__(consent)
        self.consent = consent
        self.date_of_record = date_of_record
        self.combo = CodeCombo([(p.code, _(p.label)) for p in PRESETS], _("— as set below —"),
                               _("Consent: the usual answers"))
        self.combo.setToolTip(_("Fills in the consent fields below; you can still change "
                                "them."))
        self.combo.currentIndexChanged.connect(self._chosen)
        consent.changed.connect(self.show_matching)
        self.show_matching()

    def _editors(self) -> tuple[BoolField, CodeField, DateField, Form]:
        e = self.consent.editors
        obtained, method, date, scope = e["obtained"], e["method"], e["date"], e["scope"]
        assert isinstance(obtained, BoolField) and isinstance(method, CodeField)
        assert isinstance(date, DateField) and isinstance(scope, Form)
        return obtained, method, date, scope

    def _chosen(self, _index: int) -> None:
        preset = next((p for p in PRESETS if p.code == self.combo.code()), None)
        if preset is None:
            return
        obtained, method, date, scope = self._editors()
        obtained.set_value(True)
        method.set_value(preset.method)
        if not date.value():
            date.set_value(self.date_of_record() or
                           QDate.currentDate().toString("yyyy-MM-dd"))
        for name, editor in scope.editors.items():
            if isinstance(editor, BoolField):
                editor.set_value(name in preset.shared)
        self.consent.changed.emit()

    def show_matching(self) -> None:
        """The preset the fields match, or "as set below" once one was changed."""
        obtained, method, _date, scope = self._editors()
        shared = frozenset(name for name, editor in scope.editors.items()
                           if isinstance(editor, BoolField) and editor.value())
        match = next((p.code for p in PRESETS if obtained.value() and
                      method.value() == p.method and shared == p.shared), None)
        if match != self.combo.code():
            self.combo.blockSignals(True)
            self.combo.set_code(match)
            self.combo.blockSignals(False)
