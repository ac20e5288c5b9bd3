"""The generated editor and the list filters follow the issue-14 model: new fields appear
without hand-made widgets, a consent contradiction is explained beside consent to act, and
the lists offer one filter per coded field the model marks filterable."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hrd_field.core.display import filter_fields
from hrd_field.gui.form_fields import CheckListField, CodeField

from .conftest import unlock


def test_reprisal_editor_shows_new_fields_and_consent_contradiction(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    editor = window.workspace.new_record("reprisal_incident")
    editors = editor.form.form.editors
    for name in ("persons_concerned", "persons_not_shared", "charges", "sentence", "review"):
        assert name in editors, name
    assert isinstance(editors["charges"], CheckListField)
    to_act = editors["consent_to_act"]
    assert isinstance(to_act, CodeField)
    to_act.set_value("raise_confidentially")
    editor.validate_now()
    label = editor.form.form.all_errors()["consent_to_act"]
    assert label.isVisibleTo(editor)
    assert "consent is not marked as obtained" in label.text()
    consent = editors["consent"]
    scope = consent.editors["scope"]
    consent.editors["obtained"].set_value(True)
    scope.editors["share_with_hq"].set_value(True)
    editor.validate_now()
    assert "Raise the case with the State" in label.text()  # beside the field it concerns
    scope.editors["raise_with_state"].set_value(True)
    editor.validate_now()
    assert not label.isVisibleTo(editor)


def test_list_filters_come_from_the_model(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    for record_type in ("person", "consultation", "threat_report"):
        window.workspace.show_section(record_type)
        view = window.workspace.lists[record_type]
        if view.filters is None:
            view.filter_toggle.setChecked(True)
        vocabs = [v for v, _label in filter_fields(record_type)]
        assert list(view.f_terms) == vocabs
        assert vocabs  # e.g. rights defended, professions, situations, threat types
    view = window.workspace.lists["person"]
    combo = view.f_terms["profession"]
    combo.setCurrentIndex(combo.findData("journalist"))
    assert view.current_filters().terms == {"profession": "journalist"}
    assert Qt  # keeps the import used when the file is read alone
