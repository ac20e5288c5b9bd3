"""The translation layer every user-visible string goes through.

Core code marks strings with ``N_`` where they are defined (vocabulary labels, messages) and
translates them with ``_`` when they are shown, so the language can change at runtime.
The catalogs are gettext ``.mo`` files compiled from ``i18n/`` at install time.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "hrd_field"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Switch the catalog used by ``_``; unknown languages fall back to English."""
    global _translation, _language
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
    )
    _language = language


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
