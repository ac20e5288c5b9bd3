"""The translation layer every user-visible string goes through.

Core code marks strings with ``N_`` where they are defined (vocabulary labels, messages) and
translates them with ``_`` when they are shown, so the language can change at runtime.
Catalogs are gettext ``.po`` files (``i18n/``, installed as ``hrd_field.catalogs``),
compiled in memory when a language is chosen.
"""

from __future__ import annotations

import gettext
import io
from functools import cache

from ..assets import asset_dir

DOMAIN = "hrd_field"
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog for ``language``, or no translation (English) if there is none."""
    try:
        source = asset_dir("catalogs").joinpath(f"{language}/LC_MESSAGES/{DOMAIN}.po")
        data = source.read_bytes()
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    parsed = read_po(io.BytesIO(data), locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, parsed, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def set_language(language: str) -> None:
    """Switch the catalog used by ``_``; unknown languages fall back to English."""
    global _translation, _language
    base = language.replace("-", "_").split("_")[0]
    _translation = catalog(base)
    _language = base


def language() -> str:
    return _language


def is_rtl(lang: str | None = None) -> bool:
    return (lang or _language).split("_")[0] in RTL_LANGUAGES


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message
