"""The translation catalogs are complete, current and safe to format."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from hrd_field.core import i18n

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["ar", "zh", "fr", "ru", "es"]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / "hrd_field"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with open(ROOT / "i18n" / lang / "LC_MESSAGES" / "hrd_field.po", "rb") as fh:
        return read_po(fh, locale=lang)


def test_template_is_up_to_date_with_the_code() -> None:
    with open(ROOT / "i18n" / "hrd_field.pot", "rb") as fh:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id}
    code = _extracted()
    assert code - template == set(), "new strings: run `make i18n`"
    assert template - code == set(), "strings no longer in the code: run `make i18n`"


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete_with_identical_placeholders(lang: str) -> None:
    catalog = _catalog(lang)
    template_ids = {m.id for m in read_po(open(ROOT / "i18n" / "hrd_field.pot", "rb")) if m.id}
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0])) | set(PLACEHOLDER.findall(ids[-1]))
        if message.fuzzy:
            problems.append(("fuzzy", ids[0]))
        if message.id not in template_ids:
            problems.append(("obsolete", ids[0]))
        for text in strings:
            if not text:
                problems.append(("untranslated", ids[0]))
            elif set(PLACEHOLDER.findall(text)) - wanted or (
                    len(ids) == 1 and set(PLACEHOLDER.findall(text)) != wanted):
                problems.append(("placeholders", ids[0]))
    assert not catalog.obsolete, f"{len(catalog.obsolete)} obsolete entries"
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_translation_formats_without_error(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id or "{" not in str(message.id):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        names = {p.strip("{}").split("!")[0].split(":")[0].split(".")[0]
                 for p in PLACEHOLDER.findall(" ".join(ids))}
        values = {n: 1 for n in names if n}
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            text.format(**values)


def test_catalogs_load_and_translate_at_runtime() -> None:
    try:
        for lang, word in [("fr", "Consent"), ("ar", "Unlock"), ("zh", "Save")]:
            i18n.set_language(lang)
            assert i18n._(word) != word
        i18n.set_language("ru")
        assert i18n.ngettext("{n} record", "{n} records", 5) != "{n} records"
    finally:
        i18n.set_language("en")


QT_TEXT_SETTERS = {"setText", "setToolTip", "setWindowTitle", "setPlaceholderText",
                   "setAccessibleName", "setAccessibleDescription", "setTitle", "setFormat",
                   "setSpecialValueText", "setSuffix", "setPrefix", "showMessage"}
QT_TEXT_CLASSES = {"QLabel", "QPushButton", "QAction", "QGroupBox", "QCheckBox",
                   "QRadioButton", "QToolButton", "QListWidgetItem", "QTableWidgetItem"}


def _is_visible_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) \
        and bool(re.search(r"[A-Za-z]{2,}", node.value))


def test_no_visible_string_bypasses_the_translation_layer() -> None:
    offenders = []
    for path in (ROOT / "hrd_field" / "gui").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if (name in QT_TEXT_SETTERS or name in QT_TEXT_CLASSES) and \
                    _is_visible_literal(node.args[0]):
                offenders.append(f"{path.name}:{node.lineno} {node.args[0].value!r}")
    assert offenders == []
