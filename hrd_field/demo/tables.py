"""Weighted code tables and the countries the demo generator draws from: the shape of the
synthetic data (how often each vocabulary code appears), kept apart from the code that uses it."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

# --- weighted choices --------------------------------------------------------------------------


class Weighted:
    """Codes with weights; picking is one ``random()`` and a bisect."""

    __slots__ = ("codes", "cum")

    def __init__(self, *pairs: tuple[str, float]) -> None:
        self.codes = tuple(code for code, _weight in pairs)
        self.cum = tuple(itertools.accumulate(weight for _code, weight in pairs))

    def pick(self, rng: random.Random) -> str:
        return self.codes[bisect.bisect(self.cum, rng.random() * self.cum[-1])]

    def pick_many(self, rng: random.Random, k: int) -> list[str]:
        out: list[str] = []
        k = min(k, len(self.codes))
        while len(out) < k:
            code = self.pick(rng)
            if code not in out:
                out.append(code)
        return out


MISSION_KIND = Weighted(
    ("official_visit", 50), ("follow_up_visit", 15), ("consultation_round", 17),
    ("online_consultation", 10), ("other", 8),
)
MISSION_DAYS = {
    "official_visit": (8, 14), "follow_up_visit": (3, 6), "consultation_round": (1, 3),
    "online_consultation": (1, 2), "other": (2, 5),
}
GENDER = Weighted(
    ("woman", 62), ("man", 28), ("non_binary", 4), ("another_identity", 2),
    ("prefers_not_to_say", 4),
)
AGE_GROUP = Weighted(
    ("adult", 68), ("youth", 16), ("older_person", 8), ("child", 3), ("not_stated", 5),
)
RIGHTS = Weighted(
    ("land_environment", 16), ("indigenous_rights", 9), ("womens_rights", 10),
    ("lgbti_rights", 5), ("migrants_rights", 4), ("climate", 5), ("anti_corruption", 4),
    ("business_human_rights", 5), ("labour_rights", 4), ("escr", 5), ("disability_rights", 2),
    ("minority_rights", 3), ("childrens_rights", 2), ("civil_political_rights", 8),
)
PROFESSION = Weighted(
    ("community_leader", 14), ("journalist", 9), ("lawyer", 7), ("ngo_staff", 12),
    ("trade_unionist", 4), ("health_worker", 3), ("academic", 3), ("student", 4),
    ("whistle_blower", 1),
)
SITUATION = Weighted(
    ("remote_area", 10), ("indigenous", 8), ("minority", 4), ("lgbti", 3), ("disability", 2),
    ("migrant_displaced", 3), ("in_exile", 2), ("in_detention", 1), ("older_person", 1),
)
THEME = Weighted(
    ("protection", 20), ("criminalisation", 14), ("gender_based_violence", 14),
    ("online_safety", 10), ("civic_space", 10), ("land_environment", 12), ("reprisals", 6),
    ("business_human_rights", 6), ("indigenous_rights", 6), ("lgbti_rights", 4),
    ("wellbeing", 6), ("recognition", 6), ("participation", 5),
)
RISK_LEVEL = Weighted(("low", 20), ("medium", 40), ("high", 28), ("critical", 12))
PERSON_SENSITIVITY = Weighted(
    ("strictly_confidential", 45), ("confidential", 50), ("restricted", 5),
)
INCIDENT_SENSITIVITY = Weighted(
    ("strictly_confidential", 55), ("confidential", 42), ("restricted", 3),
)
CONSULT_SENSITIVITY = Weighted(
    ("confidential", 60), ("strictly_confidential", 30), ("restricted", 10),
)
MODALITY = Weighted(("in_person", 75), ("online", 15), ("phone", 10))
FORMAT = Weighted(
    ("women_only_session", 55), ("group", 15), ("individual_interview", 15),
    ("thematic_regional_meeting", 8), ("public_consultation", 7),
)
THREAT_TYPE = Weighted(
    ("death_threat", 30), ("judicial_harassment", 26), ("smear_campaign", 24),
    ("threat_intimidation_harassment", 30), ("digital_attack", 4),
    ("threat_against_family", 12),
    ("unlawful_surveillance", 10), ("arbitrary_detention", 10), ("physical_attack", 8),
    ("sexual_gender_based_violence", 7), ("economic_pressure", 6), ("raid_confiscation", 5),
    ("family_community_exclusion", 5), ("travel_ban", 4), ("abduction", 2), ("torture", 2),
    ("attempted_killing", 2), ("enforced_disappearance", 1.5), ("long_prison_sentence", 1.5),
    ("killing", 1), ("citizenship_stripping", 0.5), ("other", 2),
)
REPRISAL_TYPE = Weighted(
    ("smear_campaign", 22), ("threat_intimidation_harassment", 26), ("unlawful_surveillance", 16),
    ("attack_at_un_premises", 3),
    ("travel_ban", 14), ("judicial_harassment", 16), ("arbitrary_detention", 10),
    ("death_threat", 12), ("threat_against_family", 8), ("digital_attack", 3),
    ("raid_confiscation", 4), ("economic_pressure", 4), ("physical_attack", 3),
    ("citizenship_stripping", 1), ("enforced_disappearance", 0.5), ("killing", 0.3),
)
GBV_TYPE = Weighted(
    ("sexual_gender_based_violence", 30), ("smear_campaign", 25),
    ("threat_intimidation_harassment", 20),
    ("family_community_exclusion", 12), ("threat_against_family", 10), ("death_threat", 6),
)
CHANNEL = Weighted(
    ("in_person", 30), ("phone_or_message", 30), ("online", 25),
    ("via_family_or_community", 10), ("letter", 5),
)
PERPETRATOR = Weighted(
    ("state_police", 22), ("unknown", 18), ("state_local_officials", 14), ("business", 12),
    ("online_actors", 11), ("state_judiciary", 9), ("armed_group", 7), ("criminal_group", 7),
    ("state_military", 6), ("state_intelligence", 6), ("state_national_officials", 5),
    ("community_religious_leaders", 5), ("family_members", 3), ("financial_institution", 1),
    ("state_media", 4), ("fundamentalist_nationalist", 3), ("business_contractor", 3),
    ("private_security", 3), ("community_members", 3),
)
JUDICIAL = frozenset({"judicial_harassment", "arbitrary_detention", "long_prison_sentence"})
CHARGE = Weighted(
    ("counter_terrorism", 18), ("public_order", 18), ("defamation", 14),
    ("foreign_agent_funding", 10), ("national_security", 8), ("cybercrime", 7),
    ("tax_financial", 6), ("trespass_property", 6), ("incitement", 5),
    ("unregistered_organisation", 5), ("immigration", 2), ("other", 3),
)
SENTENCE = Weighted(
    ("pending", 50), ("acquitted", 8), ("fine", 10), ("suspended", 10), ("prison_under_5", 14),
    ("prison_5_to_10", 5), ("prison_over_10", 3),
)
BUSINESS_SECTOR = Weighted(
    ("extractive", 40), ("agribusiness", 25), ("hydroelectric", 15), ("wood", 12), ("other", 8),
)
ACTION = Weighted(
    ("letter_of_allegation", 25), ("urgent_appeal", 15), ("protection_programme", 15),
    ("legal_aid", 14), ("medical_psychosocial", 10), ("relocation", 5), ("press_statement", 4),
)
CASE_STATUS = Weighted(("open", 55), ("monitoring", 30), ("closed", 15))
COOPERATION_OTHER = Weighted(
    ("previous_sr_visit", 20), ("hrc_session", 22), ("upr", 20), ("treaty_body", 15),
    ("ohchr_field_presence", 23), ("other_special_procedures", 8), ("peace_operation", 4),
)
REGIONAL_MECHANISMS: dict[str, tuple[str, ...]] = {
    "africa": ("african_commission", "african_court"),
    "americas": ("inter_american_commission", "inter_american_court"),
    "europe_central_asia": ("council_of_europe", "osce_odihr", "european_union",
                            "european_court"),
    "asia_pacific": ("asean_ichr",),
    "mena": ("arab_committee",),
}
COOPERATION_HOW = Weighted(
    ("meeting", 50), ("submission", 25), ("testimony", 18), ("travel_to_geneva", 7),
)
CONSENT_TO_ACT = {  # weights among the levels the consent scope allows
    "raise_confidentially": 40, "internal_only": 25, "sg_report": 25, "make_public": 10,
}
CONSENT_METHOD = Weighted(("verbal", 60), ("written", 28), ("recorded", 12))
PRECISION = Weighted(("day", 70), ("month", 20), ("year", 10))
URGENCY_BY_LEVEL: dict[str, tuple[str, ...]] = {  # drawn uniformly: repeats are weights
    "critical": ("immediate_danger", "immediate_danger", "urgent"),
    "high": ("urgent", "urgent", "routine", "immediate_danger"),
    "medium": ("routine", "routine", "urgent"),
    "low": ("routine",),
}
GRAVEST = frozenset({"killing", "attempted_killing", "enforced_disappearance"})


# --- countries ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    weight: int
    languages: tuple[str, ...]  # UN languages a mission there would work in
    local: tuple[str, ...]  # other working languages (BCP 47) heard in consultations
    names: dict[str, str]


def _country(code: str, weight: int, languages: str, local: str, names: str) -> Country:
    """``names`` is "en|fr|es|ru|ar|zh"."""
    en, fr, es, ru, ar, zh = names.split("|")
    return Country(code, weight, tuple(languages.split()), tuple(local.split()),
                    {"en": en, "fr": fr, "es": es, "ru": ru, "ar": ar, "zh": zh})


COUNTRIES: tuple[Country, ...] = (
    # The Americas
    _country("CO", 5, "es", "", "Colombia|Colombie|Colombia|Колумбия|كولومبيا|哥伦比亚"),
    _country("MX", 5, "es", "", "Mexico|Mexique|México|Мексика|المكسيك|墨西哥"),
    _country("HN", 3, "es", "", "Honduras|Honduras|Honduras|Гондурас|هندوراس|洪都拉斯"),
    _country("GT", 3, "es", "quc",
             "Guatemala|Guatemala|Guatemala|Гватемала|غواتيمالا|危地马拉"),
    _country("BR", 4, "es en", "pt", "Brazil|Brésil|Brasil|Бразилия|البرازيل|巴西"),
    _country("PE", 3, "es", "qu", "Peru|Pérou|Perú|Перу|بيرو|秘鲁"),
    _country("NI", 2, "es", "",
             "Nicaragua|Nicaragua|Nicaragua|Никарагуа|نيكاراغوا|尼加拉瓜"),
    _country("EC", 2, "es", "qu", "Ecuador|Équateur|Ecuador|Эквадор|إكوادور|厄瓜多尔"),
    # Asia-Pacific
    _country("PH", 4, "en zh", "fil",
             "Philippines|Philippines|Filipinas|Филиппины|الفلبين|菲律宾"),
    _country("KH", 3, "en fr zh", "km", "Cambodia|Cambodge|Camboya|Камбоджа|كمبوديا|柬埔寨"),
    _country("MM", 3, "en zh", "my", "Myanmar|Myanmar|Myanmar|Мьянма|ميانمار|缅甸"),
    _country("IN", 3, "en", "hi", "India|Inde|India|Индия|الهند|印度"),
    _country("NP", 2, "en zh", "ne", "Nepal|Népal|Nepal|Непал|نيبال|尼泊尔"),
    _country("ID", 2, "en zh", "id",
             "Indonesia|Indonésie|Indonesia|Индонезия|إندونيسيا|印度尼西亚"),
    _country("LK", 2, "en", "si ta",
             "Sri Lanka|Sri Lanka|Sri Lanka|Шри-Ланка|سري لانكا|斯里兰卡"),
    _country("MN", 1, "ru zh en", "mn", "Mongolia|Mongolie|Mongolia|Монголия|منغوليا|蒙古"),
    # Middle East and North Africa
    _country("EG", 3, "ar", "", "Egypt|Égypte|Egipto|Египет|مصر|埃及"),
    _country("TN", 2, "ar fr", "", "Tunisia|Tunisie|Túnez|Тунис|تونس|突尼斯"),
    _country("LB", 2, "ar fr en", "", "Lebanon|Liban|Líbano|Ливан|لبنان|黎巴嫩"),
    _country("IQ", 3, "ar", "ku", "Iraq|Iraq|Iraq|Ирак|العراق|伊拉克"),
    _country("JO", 1, "ar en", "", "Jordan|Jordanie|Jordania|Иордания|الأردن|约旦"),
    _country("MA", 2, "ar fr", "", "Morocco|Maroc|Marruecos|Марокко|المغرب|摩洛哥"),
    _country("YE", 1, "ar", "", "Yemen|Yémen|Yemen|Йемен|اليمن|也门"),
    # Africa
    _country("KE", 3, "en", "sw", "Kenya|Kenya|Kenia|Кения|كينيا|肯尼亚"),
    _country("UG", 2, "en", "lg sw", "Uganda|Ouganda|Uganda|Уганда|أوغندا|乌干达"),
    _country("CD", 3, "fr", "ln sw",
             "Democratic Republic of the Congo|République démocratique du Congo|"
             "República Democrática del Congo|Демократическая Республика Конго|"
             "جمهورية الكونغو الديمقراطية|刚果民主共和国"),
    _country("NG", 2, "en", "ha yo", "Nigeria|Nigéria|Nigeria|Нигерия|نيجيريا|尼日利亚"),
    _country("ZW", 2, "en", "sn", "Zimbabwe|Zimbabwe|Zimbabwe|Зимбабве|زمبابوي|津巴布韦"),
    _country("SN", 1, "fr", "wo", "Senegal|Sénégal|Senegal|Сенегал|السنغال|塞内加尔"),
    _country("CM", 2, "fr en", "", "Cameroon|Cameroun|Camerún|Камерун|الكاميرون|喀麦隆"),
    _country("BI", 1, "fr", "rn", "Burundi|Burundi|Burundi|Бурунди|بوروندي|布隆迪"),
    _country("ML", 1, "fr", "bm", "Mali|Mali|Malí|Мали|مالي|马里"),
    # Europe and Central Asia
    _country("RU", 3, "ru", "",
             "Russian Federation|Fédération de Russie|Federación de Rusia|"
             "Российская Федерация|الاتحاد الروسي|俄罗斯联邦"),
    _country("BY", 2, "ru", "be", "Belarus|Bélarus|Belarús|Беларусь|بيلاروس|白俄罗斯"),
    _country("TR", 2, "en", "tr ku", "Türkiye|Türkiye|Türkiye|Турция|تركيا|土耳其"),
    _country("KZ", 2, "ru", "kk",
             "Kazakhstan|Kazakhstan|Kazajstán|Казахстан|كازاخستان|哈萨克斯坦"),
    _country("AZ", 2, "ru en", "az",
             "Azerbaijan|Azerbaïdjan|Azerbaiyán|Азербайджан|أذربيجان|阿塞拜疆"),
    _country("KG", 1, "ru", "ky",
             "Kyrgyzstan|Kirghizistan|Kirguistán|Кыргызстан|قيرغيزستان|吉尔吉斯斯坦"),
    _country("TJ", 1, "ru", "tg",
             "Tajikistan|Tadjikistan|Tayikistán|Таджикистан|طاجيكستان|塔吉克斯坦"),
    _country("GE", 1, "en ru", "ka", "Georgia|Géorgie|Georgia|Грузия|جورجيا|格鲁吉亚"),
    _country("RS", 1, "en", "sr", "Serbia|Serbie|Serbia|Сербия|صربيا|塞尔维亚"),
)
COUNTRY_CUM = tuple(itertools.accumulate(c.weight for c in COUNTRIES))
