"""Tests for hrd_field.core.regions: the country → mandate-region mapping and country names."""

from __future__ import annotations

import re

import pycountry
import pytest

from hrd_field.core import regions
from hrd_field.core.regions import (
    COUNTRY_REGION,
    REGIONS,
    countries,
    country_name,
    is_country,
    region_of,
)
from hrd_field.core.vocab import REGION

PYCOUNTRY_CODES = {country.alpha_2 for country in pycountry.countries}

ARABIC = re.compile(r"[\u0600-\u06FF]")
CJK = re.compile(r"[\u4E00-\u9FFF]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def test_regions_match_vocabulary() -> None:
    assert REGIONS == REGION.codes()


def test_every_pycountry_country_has_a_region() -> None:
    for code in PYCOUNTRY_CODES:
        assert COUNTRY_REGION.get(code) in REGIONS, code


def test_mapping_has_no_unknown_codes() -> None:
    assert set(COUNTRY_REGION) - PYCOUNTRY_CODES == set()
    assert len(COUNTRY_REGION) == len(PYCOUNTRY_CODES) == 249


def test_every_region_is_used() -> None:
    assert set(COUNTRY_REGION.values()) == set(REGIONS)


def test_mapping_is_written_sorted_by_code() -> None:
    assert list(COUNTRY_REGION) == sorted(COUNTRY_REGION)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        # Middle East and North Africa
        ("EG", "mena"),
        ("PS", "mena"),
        ("IR", "mena"),
        ("IL", "mena"),
        ("MA", "mena"),
        ("EH", "mena"),
        ("MR", "mena"),
        ("SA", "mena"),
        ("YE", "mena"),
        # Africa, including the borderline Arab League members
        ("KE", "africa"),
        ("SD", "africa"),
        ("SS", "africa"),
        ("DJ", "africa"),
        ("SO", "africa"),
        ("KM", "africa"),
        ("RE", "africa"),
        ("IO", "africa"),
        # Europe and Central Asia
        ("FR", "europe_central_asia"),
        ("KZ", "europe_central_asia"),
        ("UZ", "europe_central_asia"),
        ("GE", "europe_central_asia"),
        ("RU", "europe_central_asia"),
        ("TR", "europe_central_asia"),
        ("CY", "europe_central_asia"),
        # The Americas
        ("MX", "americas"),
        ("BR", "americas"),
        ("HT", "americas"),
        ("GF", "americas"),
        ("GL", "americas"),
        ("AQ", "americas"),
        # Asia-Pacific
        ("PH", "asia_pacific"),
        ("FJ", "asia_pacific"),
        ("AF", "asia_pacific"),
        ("PK", "asia_pacific"),
        ("AU", "asia_pacific"),
        ("NC", "asia_pacific"),
        ("UM", "asia_pacific"),
    ],
)
def test_spot_checks(code: str, region: str) -> None:
    assert region_of(code) == region


def test_region_of_is_case_insensitive() -> None:
    assert region_of("sd") == "africa"
    assert region_of("Eg") == "mena"
    assert region_of(" br ") == "americas"


@pytest.mark.parametrize("code", ["", "XX", "XK", "FRA", "E", "eg1"])
def test_region_of_unknown_is_none(code: str) -> None:
    assert region_of(code) is None


def test_is_country() -> None:
    assert is_country("FR")
    assert is_country("fr")
    assert is_country("ps")
    assert not is_country("XX")
    assert not is_country("FRA")
    assert not is_country("")


def test_countries_sorted_and_complete() -> None:
    codes = countries()
    assert codes == sorted(PYCOUNTRY_CODES)
    assert codes == list(COUNTRY_REGION)


def test_country_name_english() -> None:
    assert country_name("FR") == "France"
    assert country_name("fr") == "France"
    # common_name is preferred over the formal ISO name
    assert country_name("TW") == "Taiwan"
    assert country_name("BO", "en") == "Bolivia"


def test_country_name_unknown_returns_code() -> None:
    assert country_name("XX") == "XX"
    assert country_name("XX", "fr") == "XX"


def test_country_name_french() -> None:
    assert country_name("FR", "fr") == "France"
    assert country_name("DE", "fr") == "Allemagne"
    # Spelled the same in French: must not fall back to a longer official form.
    assert country_name("AF", "fr") == "Afghanistan"


def test_country_name_spanish() -> None:
    assert country_name("DE", "es") == "Alemania"


def test_country_name_arabic() -> None:
    assert ARABIC.search(country_name("EG", "ar"))
    # pycountry's Arabic catalog has no entry for the common name "Iran";
    # the translated ISO name keeps the result in Arabic script.
    assert ARABIC.search(country_name("IR", "ar"))


@pytest.mark.parametrize("language", ["zh", "zh_CN", "zh-CN"])
def test_country_name_chinese(language: str) -> None:
    assert CJK.search(country_name("CN", language))


def test_country_name_russian() -> None:
    assert CYRILLIC.search(country_name("RU", "ru"))


def test_country_name_unknown_language_falls_back_to_english() -> None:
    assert country_name("DE", "xx") == "Germany"


@pytest.mark.parametrize("language", ["ar", "zh", "en", "fr", "ru", "es"])
def test_every_country_has_a_name_in_un_languages(language: str) -> None:
    for code in countries():
        assert country_name(code, language).strip(), (code, language)


def test_translations_are_cached() -> None:
    country_name("FR", "fr")
    assert regions._translation("fr") is regions._translation("fr")
