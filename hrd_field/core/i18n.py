"""The translation layer every user-visible string goes through.

Core code marks strings with ``N_`` where they are defined (vocabulary labels, messages) and
translates them with ``_`` when they are shown, so the language can change at runtime.
Catalogs are gettext ``.po`` files (``i18n/``, installed as ``hrd_field.catalogs``),
compiled in memory when a language is chosen.
"""

from __future__ import annotations

import gettext
import io
import os
import sys
from collections.abc import Mapping
from functools import cache

from ..assets import asset_dir

DOMAIN = "hrd_field"
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

_translation: gettext.NullTranslations | None = gettext.NullTranslations()
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
    """Switch the catalog used by ``_``; unknown languages fall back to English. The
    catalog is compiled when the first message needs it (a command that prints only JSON
    never does)."""
    global _translation, _language
    _language = _base(language)
    _translation = None


def _current() -> gettext.NullTranslations:
    global _translation
    if _translation is None:
        _translation = catalog(_language)
    return _translation


def _base(name: str) -> str:
    """``fr`` from ``fr_CA.UTF-8``, ``ar`` from ``ar_EG@latin``, ``zh`` from ``zh-Hans``."""
    return name.replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()


def language_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the environment asks for, read as gettext reads it: ``LANGUAGE``, a
    list of preferences (``de:fr``), unless the locale is ``C``/``POSIX`` (then English),
    then the first set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``. Only our languages count;
    None when the environment names none of them (the caller asks the system)."""
    env = os.environ if environ is None else environ
    locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    if locale.split(".")[0] in ("C", "POSIX"):
        return "en"
    for name in [*env.get("LANGUAGE", "").split(":"), locale]:
        if name and _base(name) in UN_LANGUAGES:
            return _base(name)
    return None


def system_language() -> str:
    """The language a person gets unless they chose one: the environment's (above), on
    Windows the display language of their account, else English."""
    found = language_from_environment()
    if found is not None:
        return found
    if sys.platform == "win32":
        import ctypes
        import locale

        ui = locale.windows_locale.get(ctypes.windll.kernel32.GetUserDefaultUILanguage(), "")
        if _base(ui) in UN_LANGUAGES:
            return _base(ui)
    return "en"


def language() -> str:
    return _language


def is_rtl(lang: str | None = None) -> bool:
    return (lang or _language).split("_")[0] in RTL_LANGUAGES


def _(message: str) -> str:
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message
