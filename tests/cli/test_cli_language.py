"""The command line speaks the user's language, chosen as other command-line tools choose it:
LANGUAGE (a list of preferences) unless the locale is "C", then LC_ALL, LC_MESSAGES, LANG.
Errors and the one-time upgrade message appear in French or Arabic; a language we have no
catalog for falls back to English; argparse's usage errors stay usage errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.old_vault import make_v1_vault, old_records

from hrd_field.core.i18n import language_from_environment

NO_LOCALE = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


def _one_error_line(res, prefix: str) -> str:  # type: ignore[no-untyped-def]
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and res.stdout == ""
    [line] = res.stderr.strip().splitlines()
    assert line.startswith(prefix), line
    return line


@pytest.mark.parametrize(("env", "prefix", "words"), [
    ({"LANG": "fr_FR.UTF-8"}, "erreur\u00a0: ", "Il n'y a pas de coffre-fort dans"),
    ({"LC_ALL": "ar_EG.UTF-8"}, "خطأ: ", "لا توجد خزنة في"),
    ({"LANG": "en_GB.UTF-8", "LANGUAGE": "de:fr"}, "erreur\u00a0: ", "coffre-fort"),
    ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "ar_EG.UTF-8"}, "خطأ: ", "خزنة"),
    ({"LC_ALL": "C", "LANGUAGE": "fr"}, "error: ", "There is no vault in"),
    ({"LANG": "de_DE.UTF-8"}, "error: ", "There is no vault in"),
], ids=["LANG-fr", "LC_ALL-ar", "LANGUAGE-list", "LC_MESSAGES", "C-locale", "no-catalog"])
def test_an_error_is_said_in_the_users_language(cli, tmp_path: Path, env: dict[str, str],
                                                prefix: str, words: str) -> None:
    res = cli("record", "list", "--vault", str(tmp_path / "missing"), vault=False,
              env={**NO_LOCALE, **env})
    assert words in _one_error_line(res, prefix)


def test_the_upgrade_message_is_said_in_french(cli, vault_dir: Path) -> None:
    make_v1_vault(vault_dir, old_records())
    res = cli("record", "list", env={**NO_LOCALE, "LANG": "fr_FR.UTF-8"})
    assert res.returncode == 0, res.stderr
    assert "Mise à niveau du coffre-fort" in res.stderr, res.stderr


def test_usage_errors_stay_usage_errors(cli) -> None:
    res = cli("record", "list", "--no-such-option", vault=False,
              env={**NO_LOCALE, "LC_ALL": "ar_EG.UTF-8"})
    assert res.returncode == 2 and "usage:" in res.stderr and "Traceback" not in res.stderr


def test_the_environment_is_read_as_gettext_reads_it() -> None:
    assert language_from_environment({}) is None
    assert language_from_environment({"LANG": "es_MX.UTF-8"}) == "es"
    assert language_from_environment({"LANG": "zh_TW.UTF-8", "LANGUAGE": "ru:en"}) == "ru"
    assert language_from_environment({"LANG": "ru_RU", "LC_ALL": "zh_CN.UTF-8"}) == "zh"
    assert language_from_environment({"LANG": "POSIX", "LANGUAGE": "ar"}) == "en"
    assert language_from_environment({"LANG": "sw_KE.UTF-8"}) is None
    assert language_from_environment({"LANG": "sw_KE.UTF-8", "LANGUAGE": "sw:fr_CA"}) == "fr"
    assert language_from_environment({"LANG": "ar_SA@latin"}) == "ar"
