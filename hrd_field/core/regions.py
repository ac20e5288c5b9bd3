"""Countries and the five regions of the Special Rapporteur on human rights defenders.

The mandate reports its communications by five regions (the ``REGION`` vocabulary in
:mod:`hrd_field.core.vocab`): ``asia_pacific``, ``americas``, ``mena``,
``europe_central_asia`` and ``africa``. These follow OHCHR usage rather than UN M49:
M49 has no "Middle East and North Africa" region, splits Africa into North and
Sub-Saharan, puts Central Asia, the Caucasus, Türkiye, Cyprus and Israel in "Asia",
and gives Antarctica no region at all. No rule can derive one grouping from the other,
so :data:`COUNTRY_REGION` is written out by hand for every ISO 3166-1 alpha-2 code that
pycountry knows. Keeping it explicit makes every choice reviewable and stops a pycountry
or M49 update from silently moving a country between regions; the tests check the
mapping stays total.

Borderline choices (marked "borderline" below):

* ``mena``: the Arab States of the Middle East and North Africa, plus Iran and Israel.
  Mauritania (MR) and Western Sahara (EH) are counted in North Africa, as OHCHR does.
* ``africa``: Sudan (SD), Djibouti (DJ), Somalia (SO) and Comoros (KM) are League of
  Arab States members but covered by OHCHR's Africa work, so they stay in Africa.
* ``europe_central_asia``: Türkiye (TR) and Cyprus (CY) go with Europe (Council of
  Europe members); so do Central Asia, the Caucasus and the Russian Federation.
* ``asia_pacific``: Afghanistan (AF) and Pakistan go with South Asia.
* Dependent territories are placed by geography, where their defenders live and work,
  not by the administering State: French Guiana, the French Antilles and the Dutch and
  British Caribbean are ``americas``, Réunion and Mayotte are ``africa``, Pacific
  territories are ``asia_pacific``. Greenland (GL) therefore goes to ``americas``
  (as in M49) although it is part of the Kingdom of Denmark.
* Uninhabited or mostly uninhabited codes, assigned only so the mapping is total:
  Antarctica (AQ), Bouvet Island (BV) and South Georgia (GS) to ``americas`` (South
  Atlantic; most Antarctic stations are reached from South America); Heard and
  McDonald Islands (HM) and the US Minor Outlying Islands (UM, almost all in the
  Pacific) to ``asia_pacific``; the French Southern Territories (TF) and the British
  Indian Ocean Territory (IO, claimed by Mauritius) to ``africa``; Saint Helena,
  Ascension and Tristan da Cunha (SH) to ``africa`` as in M49.

Pure Python: no Qt, no SQL.
"""

from __future__ import annotations

import functools
import gettext
from typing import Any

REGIONS: tuple[str, ...] = (
    "asia_pacific",
    "americas",
    "mena",
    "europe_central_asia",
    "africa",
)
"""The region codes, in the order of the ``REGION`` vocabulary."""

# Sorted by code, grouped by first letter; the comment gives pycountry's English name.
COUNTRY_REGION: dict[str, str] = {
    # A
    "AD": "europe_central_asia",  # Andorra
    "AE": "mena",  # United Arab Emirates
    "AF": "asia_pacific",  # Afghanistan (borderline, see above)
    "AG": "americas",  # Antigua and Barbuda
    "AI": "americas",  # Anguilla
    "AL": "europe_central_asia",  # Albania
    "AM": "europe_central_asia",  # Armenia
    "AO": "africa",  # Angola
    "AQ": "americas",  # Antarctica (borderline, see above)
    "AR": "americas",  # Argentina
    "AS": "asia_pacific",  # American Samoa
    "AT": "europe_central_asia",  # Austria
    "AU": "asia_pacific",  # Australia
    "AW": "americas",  # Aruba
    "AX": "europe_central_asia",  # Åland Islands
    "AZ": "europe_central_asia",  # Azerbaijan
    # B
    "BA": "europe_central_asia",  # Bosnia and Herzegovina
    "BB": "americas",  # Barbados
    "BD": "asia_pacific",  # Bangladesh
    "BE": "europe_central_asia",  # Belgium
    "BF": "africa",  # Burkina Faso
    "BG": "europe_central_asia",  # Bulgaria
    "BH": "mena",  # Bahrain
    "BI": "africa",  # Burundi
    "BJ": "africa",  # Benin
    "BL": "americas",  # Saint Barthélemy
    "BM": "americas",  # Bermuda
    "BN": "asia_pacific",  # Brunei Darussalam
    "BO": "americas",  # Bolivia
    "BQ": "americas",  # Bonaire, Sint Eustatius and Saba
    "BR": "americas",  # Brazil
    "BS": "americas",  # Bahamas
    "BT": "asia_pacific",  # Bhutan
    "BV": "americas",  # Bouvet Island (borderline, see above)
    "BW": "africa",  # Botswana
    "BY": "europe_central_asia",  # Belarus
    "BZ": "americas",  # Belize
    # C
    "CA": "americas",  # Canada
    "CC": "asia_pacific",  # Cocos (Keeling) Islands
    "CD": "africa",  # Congo, The Democratic Republic of the
    "CF": "africa",  # Central African Republic
    "CG": "africa",  # Congo
    "CH": "europe_central_asia",  # Switzerland
    "CI": "africa",  # Côte d'Ivoire
    "CK": "asia_pacific",  # Cook Islands
    "CL": "americas",  # Chile
    "CM": "africa",  # Cameroon
    "CN": "asia_pacific",  # China
    "CO": "americas",  # Colombia
    "CR": "americas",  # Costa Rica
    "CU": "americas",  # Cuba
    "CV": "africa",  # Cabo Verde
    "CW": "americas",  # Curaçao
    "CX": "asia_pacific",  # Christmas Island
    "CY": "europe_central_asia",  # Cyprus (borderline, see above)
    "CZ": "europe_central_asia",  # Czechia
    # D
    "DE": "europe_central_asia",  # Germany
    "DJ": "africa",  # Djibouti (borderline, see above)
    "DK": "europe_central_asia",  # Denmark
    "DM": "americas",  # Dominica
    "DO": "americas",  # Dominican Republic
    "DZ": "mena",  # Algeria
    # E
    "EC": "americas",  # Ecuador
    "EE": "europe_central_asia",  # Estonia
    "EG": "mena",  # Egypt
    "EH": "mena",  # Western Sahara (borderline, see above)
    "ER": "africa",  # Eritrea
    "ES": "europe_central_asia",  # Spain
    "ET": "africa",  # Ethiopia
    # F
    "FI": "europe_central_asia",  # Finland
    "FJ": "asia_pacific",  # Fiji
    "FK": "americas",  # Falkland Islands (Malvinas)
    "FM": "asia_pacific",  # Micronesia, Federated States of
    "FO": "europe_central_asia",  # Faroe Islands
    "FR": "europe_central_asia",  # France
    # G
    "GA": "africa",  # Gabon
    "GB": "europe_central_asia",  # United Kingdom
    "GD": "americas",  # Grenada
    "GE": "europe_central_asia",  # Georgia
    "GF": "americas",  # French Guiana
    "GG": "europe_central_asia",  # Guernsey
    "GH": "africa",  # Ghana
    "GI": "europe_central_asia",  # Gibraltar
    "GL": "americas",  # Greenland (borderline, see above)
    "GM": "africa",  # Gambia
    "GN": "africa",  # Guinea
    "GP": "americas",  # Guadeloupe
    "GQ": "africa",  # Equatorial Guinea
    "GR": "europe_central_asia",  # Greece
    "GS": "americas",  # South Georgia and the South Sandwich Islands (borderline, see above)
    "GT": "americas",  # Guatemala
    "GU": "asia_pacific",  # Guam
    "GW": "africa",  # Guinea-Bissau
    "GY": "americas",  # Guyana
    # H
    "HK": "asia_pacific",  # Hong Kong
    "HM": "asia_pacific",  # Heard Island and McDonald Islands (borderline, see above)
    "HN": "americas",  # Honduras
    "HR": "europe_central_asia",  # Croatia
    "HT": "americas",  # Haiti
    "HU": "europe_central_asia",  # Hungary
    # I
    "ID": "asia_pacific",  # Indonesia
    "IE": "europe_central_asia",  # Ireland
    "IL": "mena",  # Israel (borderline, see above)
    "IM": "europe_central_asia",  # Isle of Man
    "IN": "asia_pacific",  # India
    "IO": "africa",  # British Indian Ocean Territory (borderline, see above)
    "IQ": "mena",  # Iraq
    "IR": "mena",  # Iran (borderline, see above)
    "IS": "europe_central_asia",  # Iceland
    "IT": "europe_central_asia",  # Italy
    # J
    "JE": "europe_central_asia",  # Jersey
    "JM": "americas",  # Jamaica
    "JO": "mena",  # Jordan
    "JP": "asia_pacific",  # Japan
    # K
    "KE": "africa",  # Kenya
    "KG": "europe_central_asia",  # Kyrgyzstan
    "KH": "asia_pacific",  # Cambodia
    "KI": "asia_pacific",  # Kiribati
    "KM": "africa",  # Comoros (borderline, see above)
    "KN": "americas",  # Saint Kitts and Nevis
    "KP": "asia_pacific",  # North Korea
    "KR": "asia_pacific",  # South Korea
    "KW": "mena",  # Kuwait
    "KY": "americas",  # Cayman Islands
    "KZ": "europe_central_asia",  # Kazakhstan
    # L
    "LA": "asia_pacific",  # Laos
    "LB": "mena",  # Lebanon
    "LC": "americas",  # Saint Lucia
    "LI": "europe_central_asia",  # Liechtenstein
    "LK": "asia_pacific",  # Sri Lanka
    "LR": "africa",  # Liberia
    "LS": "africa",  # Lesotho
    "LT": "europe_central_asia",  # Lithuania
    "LU": "europe_central_asia",  # Luxembourg
    "LV": "europe_central_asia",  # Latvia
    "LY": "mena",  # Libya
    # M
    "MA": "mena",  # Morocco
    "MC": "europe_central_asia",  # Monaco
    "MD": "europe_central_asia",  # Moldova
    "ME": "europe_central_asia",  # Montenegro
    "MF": "americas",  # Saint Martin (French part)
    "MG": "africa",  # Madagascar
    "MH": "asia_pacific",  # Marshall Islands
    "MK": "europe_central_asia",  # North Macedonia
    "ML": "africa",  # Mali
    "MM": "asia_pacific",  # Myanmar
    "MN": "asia_pacific",  # Mongolia
    "MO": "asia_pacific",  # Macao
    "MP": "asia_pacific",  # Northern Mariana Islands
    "MQ": "americas",  # Martinique
    "MR": "mena",  # Mauritania (borderline, see above)
    "MS": "americas",  # Montserrat
    "MT": "europe_central_asia",  # Malta
    "MU": "africa",  # Mauritius
    "MV": "asia_pacific",  # Maldives
    "MW": "africa",  # Malawi
    "MX": "americas",  # Mexico
    "MY": "asia_pacific",  # Malaysia
    "MZ": "africa",  # Mozambique
    # N
    "NA": "africa",  # Namibia
    "NC": "asia_pacific",  # New Caledonia
    "NE": "africa",  # Niger
    "NF": "asia_pacific",  # Norfolk Island
    "NG": "africa",  # Nigeria
    "NI": "americas",  # Nicaragua
    "NL": "europe_central_asia",  # Netherlands
    "NO": "europe_central_asia",  # Norway
    "NP": "asia_pacific",  # Nepal
    "NR": "asia_pacific",  # Nauru
    "NU": "asia_pacific",  # Niue
    "NZ": "asia_pacific",  # New Zealand
    # O
    "OM": "mena",  # Oman
    # P
    "PA": "americas",  # Panama
    "PE": "americas",  # Peru
    "PF": "asia_pacific",  # French Polynesia
    "PG": "asia_pacific",  # Papua New Guinea
    "PH": "asia_pacific",  # Philippines
    "PK": "asia_pacific",  # Pakistan
    "PL": "europe_central_asia",  # Poland
    "PM": "americas",  # Saint Pierre and Miquelon
    "PN": "asia_pacific",  # Pitcairn
    "PR": "americas",  # Puerto Rico
    "PS": "mena",  # Palestine, State of
    "PT": "europe_central_asia",  # Portugal
    "PW": "asia_pacific",  # Palau
    "PY": "americas",  # Paraguay
    # Q
    "QA": "mena",  # Qatar
    # R
    "RE": "africa",  # Réunion
    "RO": "europe_central_asia",  # Romania
    "RS": "europe_central_asia",  # Serbia
    "RU": "europe_central_asia",  # Russian Federation
    "RW": "africa",  # Rwanda
    # S
    "SA": "mena",  # Saudi Arabia
    "SB": "asia_pacific",  # Solomon Islands
    "SC": "africa",  # Seychelles
    "SD": "africa",  # Sudan (borderline, see above)
    "SE": "europe_central_asia",  # Sweden
    "SG": "asia_pacific",  # Singapore
    "SH": "africa",  # Saint Helena, Ascension and Tristan da Cunha (borderline, see above)
    "SI": "europe_central_asia",  # Slovenia
    "SJ": "europe_central_asia",  # Svalbard and Jan Mayen
    "SK": "europe_central_asia",  # Slovakia
    "SL": "africa",  # Sierra Leone
    "SM": "europe_central_asia",  # San Marino
    "SN": "africa",  # Senegal
    "SO": "africa",  # Somalia (borderline, see above)
    "SR": "americas",  # Suriname
    "SS": "africa",  # South Sudan
    "ST": "africa",  # Sao Tome and Principe
    "SV": "americas",  # El Salvador
    "SX": "americas",  # Sint Maarten (Dutch part)
    "SY": "mena",  # Syria
    "SZ": "africa",  # Eswatini
    # T
    "TC": "americas",  # Turks and Caicos Islands
    "TD": "africa",  # Chad
    "TF": "africa",  # French Southern Territories (borderline, see above)
    "TG": "africa",  # Togo
    "TH": "asia_pacific",  # Thailand
    "TJ": "europe_central_asia",  # Tajikistan
    "TK": "asia_pacific",  # Tokelau
    "TL": "asia_pacific",  # Timor-Leste
    "TM": "europe_central_asia",  # Turkmenistan
    "TN": "mena",  # Tunisia
    "TO": "asia_pacific",  # Tonga
    "TR": "europe_central_asia",  # Türkiye (borderline, see above)
    "TT": "americas",  # Trinidad and Tobago
    "TV": "asia_pacific",  # Tuvalu
    "TW": "asia_pacific",  # Taiwan
    "TZ": "africa",  # Tanzania
    # U
    "UA": "europe_central_asia",  # Ukraine
    "UG": "africa",  # Uganda
    "UM": "asia_pacific",  # United States Minor Outlying Islands (borderline, see above)
    "US": "americas",  # United States
    "UY": "americas",  # Uruguay
    "UZ": "europe_central_asia",  # Uzbekistan
    # V
    "VA": "europe_central_asia",  # Holy See (Vatican City State)
    "VC": "americas",  # Saint Vincent and the Grenadines
    "VE": "americas",  # Venezuela
    "VG": "americas",  # Virgin Islands, British
    "VI": "americas",  # Virgin Islands, U.S.
    "VN": "asia_pacific",  # Vietnam
    "VU": "asia_pacific",  # Vanuatu
    # W
    "WF": "asia_pacific",  # Wallis and Futuna
    "WS": "asia_pacific",  # Samoa
    # Y
    "YE": "mena",  # Yemen
    "YT": "africa",  # Mayotte
    # Z
    "ZA": "africa",  # South Africa
    "ZM": "africa",  # Zambia
    "ZW": "africa",  # Zimbabwe
}

_GETTEXT_DOMAIN = "iso3166-1"


class _NotInCatalog(LookupError):
    """Raised by the end of a translation chain when a message has no translation."""


class _Untranslated(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        raise _NotInCatalog(message)


@functools.cache
def _countries_by_code() -> dict[str, Any]:
    import pycountry  # its catalogs load on first use, not when the app starts

    return {country.alpha_2: country for country in pycountry.countries}


@functools.cache
def _translation(language: str) -> gettext.NullTranslations:
    """pycountry's ISO 3166-1 catalog for ``language``; misses raise ``_NotInCatalog``."""
    import pycountry

    languages = [language]
    if language.split("_")[0] == "zh" and "_" not in language:
        languages.append(f"{language}_CN")  # pycountry ships zh_CN, zh_HK and zh_TW only
    translation = gettext.translation(
        _GETTEXT_DOMAIN, pycountry.LOCALES_DIR, languages=languages, fallback=True
    )
    translation.add_fallback(_Untranslated())
    return translation


def _normalise(code: str) -> str:
    return code.strip().upper()


def region_of(country: str) -> str | None:
    """The mandate region of an ISO 3166-1 alpha-2 code (any case), or None if unknown."""
    return COUNTRY_REGION.get(_normalise(country))


def is_country(code: str) -> bool:
    """Whether ``code`` (any case) is an ISO 3166-1 alpha-2 code known to pycountry."""
    return _normalise(code) in _countries_by_code()


def countries() -> list[str]:
    """All ISO 3166-1 alpha-2 codes known to pycountry, sorted."""
    return sorted(_countries_by_code())


def country_name(code: str, language: str = "en") -> str:
    """The country's common name in ``language``, or ``code`` itself if it is unknown.

    Uses pycountry's bundled gettext catalogs. If the catalog lacks the common name,
    the translated ISO name (then the official name) is used so that the result is at
    least in the right script; failing all three, the English common name.
    """
    country = _countries_by_code().get(_normalise(code))
    if country is None:
        return code
    common: str | None = getattr(country, "common_name", None)
    name: str = country.name
    official: str | None = getattr(country, "official_name", None)
    translation = _translation(language.replace("-", "_"))
    for message in (common, name, official):
        if not message:
            continue
        try:
            return translation.gettext(message)
        except _NotInCatalog:
            continue
    return common or name
