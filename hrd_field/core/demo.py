"""Synthetic records for demos and benchmarks: realistic in shape, entirely fictional in content.

``generate(count, seed=...)`` yields missions first, then people, then consultations, threat
reports and reprisal incidents that link to them. Everything is drawn from one
``random.Random(seed)`` (ids and timestamps included), so a seed always gives the same records.

The people, organisations and places are made up: names and place names are built from
syllables, aliases from code words, contact details use reserved numbers and domains
(``+000 555 ...``, ``example.org``). The countries are real ISO codes because regions and HQ
statistics depend on them. Text is composed from hand-written fragments in the six UN
languages, in the style of mission notes.

Pure Python: no Qt, no SQL.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from .records import (
    AttachmentRef,
    Consent,
    ConsentScope,
    Consultation,
    Cooperation,
    FollowUpAction,
    GenderAnalysis,
    Mission,
    PartialDate,
    ParticipantCounts,
    Person,
    Place,
    Record,
    ReprisalIncident,
    RiskAssessment,
    ThreatReport,
)
from .regions import region_of
from .validation import normalise, validate

__all__ = ["LANGUAGES", "demo_batch", "generate"]

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
"""The six UN languages the synthetic text is written in."""

_T = TypeVar("_T")

BASE_DATE = date(2024, 6, 1)
SPAN_DAYS = 730  # records spread over about two years from BASE_DATE
MAX_MISSIONS = 200
_PERMUTATIONS = 512  # cached orders per sequence length, for sample()

# Shares of the records that are not missions.
_SHARE_PERSONS = 0.25
_SHARE_CONSULTATIONS = 0.25
_SHARE_REPRISALS = 0.15  # threats take the rest (about 35 %)


# --- weighted choices --------------------------------------------------------------------------


class _Weighted:
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


_MISSION_KIND = _Weighted(
    ("official_visit", 50), ("follow_up_visit", 15), ("consultation_round", 17),
    ("online_consultation", 10), ("other", 8),
)
_MISSION_DAYS = {
    "official_visit": (8, 14), "follow_up_visit": (3, 6), "consultation_round": (1, 3),
    "online_consultation": (1, 2), "other": (2, 5),
}
_GENDER = _Weighted(
    ("woman", 62), ("man", 28), ("non_binary", 4), ("another_identity", 2),
    ("prefers_not_to_say", 4),
)
_AGE_GROUP = _Weighted(
    ("adult", 68), ("youth", 16), ("older_person", 8), ("child", 3), ("not_stated", 5),
)
_GROUP = _Weighted(
    ("environment_land", 14), ("indigenous_peoples", 9), ("community_leaders", 10),
    ("journalists_bloggers", 8), ("lawyers", 6), ("lgbti_rights", 5), ("migrants_rights", 4),
    ("climate", 5), ("remote_areas", 7), ("anti_corruption", 4), ("business_human_rights", 4),
    ("trade_unionists", 4), ("health_workers", 3), ("whistle_blowers", 2),
    ("defenders_with_disabilities", 2), ("long_term_prisoners", 1), ("child_defenders", 1),
    ("women_defenders", 6),
)
_RISK_LEVEL = _Weighted(("low", 20), ("medium", 40), ("high", 28), ("critical", 12))
_PERSON_SENSITIVITY = _Weighted(
    ("strictly_confidential", 45), ("confidential", 50), ("restricted", 5),
)
_INCIDENT_SENSITIVITY = _Weighted(
    ("strictly_confidential", 55), ("confidential", 42), ("restricted", 3),
)
_CONSULT_SENSITIVITY = _Weighted(
    ("confidential", 60), ("strictly_confidential", 30), ("restricted", 10),
)
_MODALITY = _Weighted(("in_person", 75), ("online", 15), ("phone", 10))
_FORMAT = _Weighted(
    ("women_only_session", 55), ("group", 15), ("individual_interview", 15),
    ("thematic_regional_meeting", 8), ("public_consultation", 7),
)
_THREAT_TYPE = _Weighted(
    ("death_threat", 30), ("judicial_harassment", 26), ("smear_campaign", 24),
    ("online_attack", 18), ("police_harassment", 14), ("threat_against_family", 12),
    ("unlawful_surveillance", 10), ("arbitrary_detention", 10), ("physical_attack", 8),
    ("sexual_gender_based_violence", 7), ("economic_pressure", 6), ("raid_confiscation", 5),
    ("family_community_exclusion", 5), ("travel_ban", 4), ("abduction", 2), ("torture", 2),
    ("attempted_killing", 2), ("enforced_disappearance", 1.5), ("long_prison_sentence", 1.5),
    ("killing", 1), ("citizenship_stripping", 0.5), ("other", 2),
)
_REPRISAL_TYPE = _Weighted(
    ("smear_campaign", 22), ("police_harassment", 18), ("unlawful_surveillance", 16),
    ("travel_ban", 14), ("judicial_harassment", 16), ("arbitrary_detention", 10),
    ("death_threat", 12), ("threat_against_family", 8), ("online_attack", 10),
    ("raid_confiscation", 4), ("economic_pressure", 4), ("physical_attack", 3),
    ("citizenship_stripping", 1), ("enforced_disappearance", 0.5), ("killing", 0.3),
)
_GBV_TYPE = _Weighted(
    ("sexual_gender_based_violence", 30), ("smear_campaign", 25), ("online_attack", 20),
    ("family_community_exclusion", 12), ("threat_against_family", 10), ("death_threat", 6),
)
_CHANNEL = _Weighted(
    ("in_person", 30), ("phone_or_message", 30), ("online", 25),
    ("via_family_or_community", 10), ("letter", 5),
)
_PERPETRATOR = _Weighted(
    ("state_police", 22), ("unknown", 18), ("state_local_officials", 14), ("business", 12),
    ("online_actors", 11), ("state_judiciary", 9), ("armed_group", 7), ("criminal_group", 7),
    ("state_military", 6), ("state_intelligence", 6), ("state_national_officials", 5),
    ("community_religious_leaders", 5), ("family_members", 3), ("financial_institution", 1),
)
_BUSINESS_SECTOR = _Weighted(
    ("extractive", 40), ("agribusiness", 25), ("hydroelectric", 15), ("wood", 12), ("other", 8),
)
_ACTION = _Weighted(
    ("letter_of_allegation", 25), ("urgent_appeal", 15), ("protection_programme", 15),
    ("legal_aid", 14), ("medical_psychosocial", 10), ("relocation", 5), ("press_statement", 4),
)
_CASE_STATUS = _Weighted(("open", 55), ("monitoring", 30), ("closed", 15))
_COOPERATION_OTHER = _Weighted(
    ("previous_sr_visit", 20), ("hrc_session", 22), ("upr", 20), ("treaty_body", 15),
    ("ohchr_field_presence", 23),
)
_REGIONAL_MECHANISMS: dict[str, tuple[str, ...]] = {
    "africa": ("african_commission",),
    "americas": ("inter_american_commission",),
    "europe_central_asia": ("council_of_europe", "osce_odihr", "european_union"),
}
_COOPERATION_HOW = _Weighted(
    ("meeting", 50), ("submission", 25), ("testimony", 18), ("travel_to_geneva", 7),
)
_CONSENT_TO_ACT = _Weighted(
    ("raise_confidentially", 40), ("internal_only", 25), ("sg_report", 25), ("make_public", 10),
)
_CONSENT_METHOD = _Weighted(("verbal", 60), ("written", 28), ("recorded", 12))
_PRECISION = _Weighted(("day", 70), ("month", 20), ("year", 10))
_URGENCY_BY_LEVEL: dict[str, tuple[str, ...]] = {  # drawn uniformly: repeats are weights
    "critical": ("immediate_danger", "immediate_danger", "urgent"),
    "high": ("urgent", "urgent", "routine", "immediate_danger"),
    "medium": ("routine", "routine", "urgent"),
    "low": ("routine",),
}
_GRAVEST = frozenset({"killing", "attempted_killing", "enforced_disappearance"})


# --- countries ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    weight: int
    languages: tuple[str, ...]  # UN languages a mission there would work in
    local: tuple[str, ...]  # other working languages (BCP 47) heard in consultations
    names: dict[str, str]


def _country(code: str, weight: int, languages: str, local: str, names: str) -> _Country:
    """``names`` is "en|fr|es|ru|ar|zh"."""
    en, fr, es, ru, ar, zh = names.split("|")
    return _Country(code, weight, tuple(languages.split()), tuple(local.split()),
                    {"en": en, "fr": fr, "es": es, "ru": ru, "ar": ar, "zh": zh})


_COUNTRIES: tuple[_Country, ...] = (
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
_COUNTRY_CUM = tuple(itertools.accumulate(c.weight for c in _COUNTRIES))


# --- text in the six UN languages -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Texts:
    """Hand-written fragments in one language. ``{loc}`` stands for a locality."""

    sep: str  # between sentences
    list_sep: str  # between items written on one line
    titles: dict[str, str]  # mission kind -> "{c}" country, "{y}" year
    mission_notes: tuple[str, ...]
    summary_open: tuple[str, ...]
    summary_body: tuple[str, ...]
    summary_close: tuple[str, ...]
    concerns: tuple[str, ...]
    recommendations: tuple[str, ...]
    gbv_patterns: tuple[str, ...]
    threat_open: tuple[str, ...]
    threat_body: tuple[str, ...]
    threat_close: tuple[str, ...]
    reprisal_body: tuple[str, ...]
    previous_reprisals: tuple[str, ...]
    person_notes: tuple[str, ...]
    topics: tuple[str, ...]
    actions: tuple[str, ...]
    owners: tuple[str, ...]
    unnamed_groups: tuple[str, ...]
    organisations: tuple[str, ...]  # "{r}": a fictional place name
    localities: tuple[str, ...]  # "{r}": a fictional place name
    admin_areas: tuple[str, ...]
    alias_words: tuple[str, ...]
    tags: tuple[str, ...]
    syllables: tuple[str, ...]  # for fictional place and person names
    family_endings: tuple[str, ...]
    place_endings: tuple[str, ...]
    name_space: str = " "
    capitalise: bool = False
    length: tuple[int, int] = (200, 1200)  # characters in a long paragraph


_EN = _Texts(
    sep=" ", list_sep="; ",
    titles={
        "official_visit": "Country visit to {c}, {y}",
        "follow_up_visit": "Follow-up visit to {c}, {y}",
        "consultation_round": "Consultation with women human rights defenders, {c}, {y}",
        "online_consultation": "Online consultation with defenders in {c}, {y}",
        "other": "Academic visit and seminar, {c}, {y}",
    },
    mission_notes=(
        "The delegation met government officials, the national human rights institution and "
        "civil society in the capital and in two provinces.",
        "Separate sessions were held with women defenders so that they could speak "
        "independently.",
        "There was no connectivity for several days in the rural areas visited; notes were "
        "kept offline and synchronised on return.",
        "The authorities gave assurances that no one would suffer reprisals for meeting the "
        "delegation.",
        "Several meetings were moved at short notice for security reasons.",
        "The end-of-mission statement highlighted the situation of environmental and land "
        "rights defenders.",
        "Shared laptops were wiped before crossing checkpoints on the way back to the capital.",
    ),
    summary_open=(
        "The session was held in {loc} with women defenders from several rural communities; "
        "the facilitators explained the mandate and the rules on confidentiality before "
        "starting.",
        "Participants travelled from remote villages to {loc}, some for more than a day, to "
        "meet the delegation away from the local authorities.",
        "The consultation in {loc} took place in a community centre chosen by the "
        "participants, without any official present.",
        "Before the discussion in {loc} began, each participant was asked how she wished her "
        "information to be used, and several asked not to be named.",
    ),
    summary_body=(
        "The defenders described a steady increase in threats since the last elections, most "
        "of them received by phone or through messaging applications.",
        "Several participants said they had been followed after meetings with the delegation "
        "and that unknown men had photographed their homes.",
        "Land rights defenders explained that the expansion of a mining concession has "
        "divided the community and that those who object are labelled enemies of development.",
        "One participant reported that criminal charges were brought against her after she "
        "denounced irregularities in the municipal budget.",
        "Women journalists described coordinated online campaigns that combine sexualised "
        "insults with false accusations of receiving foreign money.",
        "Participants stressed that threats are often directed at their children and partners "
        "rather than at themselves.",
        "Indigenous women leaders said that community assemblies have excluded them from "
        "decisions on the use of their territory.",
        "Several defenders said that the police refused to register their complaints or "
        "advised them to stop their activities.",
        "Lawyers who represent defenders explained that hearings are repeatedly postponed, "
        "keeping their clients in pre-trial detention for months.",
        "The group noted that the national protection mechanism is slow, centralised in the "
        "capital and rarely reaches rural areas.",
        "Some participants described being stigmatised by religious leaders as a threat to the "
        "family and to traditional values.",
        "Defenders working on sexual and reproductive rights said that their offices had been "
        "raided and their computers confiscated.",
        "Young activists explained that they had lost their jobs after taking part in peaceful "
        "protests.",
        "Participants said that they no longer feel safe travelling to the capital and that "
        "checkpoints are used to identify them.",
    ),
    summary_close=(
        "The facilitators agreed with the participants on a secure way to send further "
        "information and on the follow-up they can expect.",
        "The session ended with a discussion of self-protection measures and of the contacts "
        "to use in an emergency.",
        "Participants asked the mission to raise their concerns with the authorities without "
        "revealing who had spoken.",
        "The delegation explained the communications procedure and the limits of what it can "
        "do.",
    ),
    concerns=(
        "Lack of investigation into threats against women defenders and impunity for the "
        "perpetrators.",
        "Use of criminal law, including anti-terrorism and defamation provisions, to silence "
        "defenders.",
        "Online smear campaigns that target women defenders with sexualised content.",
        "Absence of the protection mechanism in rural and remote areas.",
        "Risk of reprisals against those who met the mission.",
        "Pressure on families and exclusion of women defenders from their communities.",
        "Surveillance of defenders' phones and social media accounts.",
    ),
    recommendations=(
        "Publicly recognise the legitimate work of women human rights defenders at the "
        "highest level.",
        "Investigate promptly and impartially all threats and attacks against defenders.",
        "Design protection measures with the defenders concerned and take gender into account.",
        "Repeal or amend legal provisions used to criminalise peaceful activities.",
        "Guarantee that no one suffers reprisals for cooperating with the United Nations.",
        "Give the national protection mechanism sufficient resources and a presence outside "
        "the capital.",
        "Consult communities before granting concessions on their land and respect their "
        "decisions.",
    ),
    gbv_patterns=(
        "Women defenders are targeted with threats of sexual violence that are rarely made "
        "against their male colleagues.",
        "Smear campaigns question the morality of women defenders and their role as mothers.",
        "Several participants described pressure from relatives to abandon their activism.",
        "Police officers made sexualised remarks during searches and detention.",
        "Manipulated intimate images of women defenders were spread online.",
    ),
    threat_open=(
        "The defender was interviewed in {loc}, in a place of the defender's choosing, and "
        "agreed that the information be recorded.",
        "The incident was reported to the mission in {loc} by the defender's organisation and "
        "later confirmed by the defender.",
        "According to the account given during the meeting in {loc}, the events described "
        "below took place over several weeks.",
        "The information below was gathered in {loc} from the person concerned and two "
        "witnesses.",
    ),
    threat_body=(
        "The defender reported being followed after the meeting with the delegation by two "
        "men on a motorcycle.",
        "Anonymous messages threatened to kill the defender and members of the family if the "
        "complaint was not withdrawn.",
        "A local official publicly accused the defender of working for foreign interests "
        "during a community meeting.",
        "Police officers entered the office of the organisation without a warrant and took "
        "computers and files.",
        "The defender was summoned by the prosecutor's office on charges of defamation after "
        "publishing a report on land grabbing.",
        "Armed men came to the family home at night and asked neighbours where the defender "
        "was staying.",
        "Fake social media accounts circulated photographs of the defender with insults and "
        "the home address.",
        "The defender was held for several hours at a checkpoint and questioned about contacts "
        "with the United Nations.",
        "Security guards of the company threatened the defender during a peaceful protest "
        "against the expansion of the plantation.",
        "The defender's brother was beaten by unidentified men who told him to pass on a "
        "warning.",
        "The defender was dismissed from a teaching post shortly after speaking at a public "
        "hearing.",
        "A travel ban was imposed without explanation, preventing the defender from attending "
        "a meeting abroad.",
        "The defender noticed that the phone had been tampered with and that private "
        "conversations were quoted back in threats.",
        "Community leaders announced that the defender would no longer be admitted to "
        "assemblies.",
    ),
    threat_close=(
        "The defender has not filed a formal complaint for fear of further retaliation.",
        "A complaint was lodged with the police, but no investigation appears to have been "
        "opened.",
        "The defender has temporarily left the area and is staying with relatives.",
        "The organisation has asked for the case to be raised urgently with the authorities.",
        "The defender asked that identity details be shared only with the headquarters team.",
    ),
    reprisal_body=(
        "The threats began a few days after the defender met the Special Rapporteur and spoke "
        "about the situation in the region.",
        "Officials asked the defender who had arranged the meeting with the UN delegation and "
        "what had been said.",
        "State media described the participants in the UN consultation as traitors.",
        "The defender was questioned about information submitted to a treaty body.",
    ),
    previous_reprisals=(
        "The defender was briefly detained after returning from a Human Rights Council session "
        "two years ago.",
        "Relatives were questioned by the police after a previous visit by the Special "
        "Rapporteur.",
        "The organisation's registration was suspended after it submitted information for the "
        "universal periodic review.",
        "No previous reprisals are known, but colleagues who cooperated with the UN have been "
        "harassed.",
    ),
    person_notes=(
        "Coordinates a network of women defenders in several rural municipalities.",
        "Has documented evictions linked to a hydroelectric project since 2019.",
        "Works as a community radio journalist and reports on local corruption.",
        "Accompanies families of disappeared persons in their search and in court.",
        "Prefers to be contacted through the organisation, never directly.",
        "Has received threats repeatedly and moves house frequently.",
        "Leads a youth collective that campaigns for climate justice.",
        "Provides legal aid to detained protesters, often without payment.",
    ),
    topics=(
        "Online harassment", "Criminalisation of defenders", "Land and territory",
        "Protection mechanisms", "Access to justice", "Sexual and reproductive rights",
        "Extractive projects", "Freedom of expression", "Self-protection and digital security",
        "Reprisals for cooperation with the UN", "Stigmatisation by the authorities",
        "Rights of indigenous women",
    ),
    actions=(
        "Send a letter of allegation to the Government",
        "Refer the case to the national protection mechanism",
        "Check on the participants' safety one month after the visit",
        "Share the summary with the HQ desk officer",
        "Contact the organisation about legal aid",
        "Raise the concerns in the end-of-mission statement",
        "Request psychosocial support for the participants",
    ),
    owners=("Mission coordinator", "Human rights officer", "HQ desk officer"),
    unnamed_groups=(
        "Members of a rural women's cooperative", "Participants in the consultation",
        "Residents of a community opposing a mining project",
        "Staff of a local human rights organisation", "Students who joined the protest",
        "Families of disappeared persons",
    ),
    organisations=(
        "{r} Women Defenders Network", "{r} Collective for Land and Life",
        "Association for Human Rights in {r}", "{r} Community Radio", "{r} Legal Aid Centre",
    ),
    localities=("{r}", "Upper {r}", "Lower {r}", "{r} Hill", "{r} Junction"),
    admin_areas=(
        "Northern Province", "Eastern Region", "Central District", "Coastal Province",
        "Western Highlands", "Southern Region",
    ),
    alias_words=(
        "Kestrel", "Cedar", "Lantern", "Harbour", "Sparrow", "Juniper", "Willow", "Falcon",
        "Meadow", "River",
    ),
    tags=("follow-up", "hq-review", "rural", "urgent-appeal", "pattern"),
    syllables=("ka", "lo", "mi", "re", "ta", "sun", "ba", "ve", "ni", "dor", "el", "ra", "tho",
               "wen", "li", "mar"),
    family_endings=("ton", "wood", "ley", "ford", "more"),
    place_endings=("", "", "by", "ton", "well"),
    capitalise=True,
)

_ES = _Texts(
    sep=" ", list_sep="; ",
    titles={
        "official_visit": "Visita oficial: {c}, {y}",
        "follow_up_visit": "Visita de seguimiento: {c}, {y}",
        "consultation_round": "Consulta con defensoras de derechos humanos: {c}, {y}",
        "online_consultation": "Consulta en línea con personas defensoras: {c}, {y}",
        "other": "Visita académica y seminario: {c}, {y}",
    },
    mission_notes=(
        "La delegación se reunió con autoridades del Gobierno, la institución nacional de "
        "derechos humanos y la sociedad civil en la capital y en dos departamentos.",
        "Se celebraron sesiones separadas con defensoras para que pudieran expresarse con "
        "independencia.",
        "No hubo conectividad durante varios días en las zonas rurales visitadas; las notas se "
        "guardaron sin conexión y se sincronizaron al regreso.",
        "Las autoridades aseguraron que nadie sufriría represalias por reunirse con la "
        "delegación.",
        "Varias reuniones se trasladaron con poca antelación por razones de seguridad.",
        "La declaración de fin de misión destacó la situación de las personas defensoras del "
        "medio ambiente y de la tierra.",
        "Las computadoras compartidas se borraron antes de cruzar los retenes de regreso a la "
        "capital.",
    ),
    summary_open=(
        "La sesión se celebró en {loc} con defensoras de varias comunidades rurales; las "
        "facilitadoras explicaron el mandato y las reglas de confidencialidad antes de empezar.",
        "Las participantes viajaron desde veredas alejadas hasta {loc}, algunas durante más de "
        "un día, para reunirse con la delegación lejos de las autoridades locales.",
        "La consulta en {loc} tuvo lugar en un salón comunal elegido por las propias "
        "participantes, sin presencia de funcionarios.",
        "Antes de iniciar la conversación en {loc}, se preguntó a cada participante cómo "
        "deseaba que se utilizara su información y varias pidieron no ser nombradas.",
    ),
    summary_body=(
        "Las defensoras describieron un aumento constante de las amenazas desde las últimas "
        "elecciones, la mayoría recibidas por teléfono o por aplicaciones de mensajería.",
        "Varias participantes afirmaron haber sido seguidas después de reunirse con la "
        "delegación y que hombres desconocidos fotografiaron sus viviendas.",
        "Las defensoras de la tierra explicaron que la ampliación de una concesión minera ha "
        "dividido a la comunidad y que quienes se oponen son señaladas como enemigas del "
        "desarrollo.",
        "Una participante relató que se abrió un proceso penal en su contra después de "
        "denunciar irregularidades en el presupuesto municipal.",
        "Las periodistas describieron campañas coordinadas en redes sociales que combinan "
        "insultos sexualizados con acusaciones falsas de recibir dinero extranjero.",
        "Las participantes subrayaron que las amenazas se dirigen con frecuencia a sus hijos e "
        "hijas y a sus parejas.",
        "Lideresas indígenas señalaron que las asambleas comunitarias las han excluido de las "
        "decisiones sobre el uso de su territorio.",
        "Varias defensoras dijeron que la policía se negó a registrar sus denuncias o les "
        "aconsejó abandonar sus actividades.",
        "Las abogadas que representan a personas defensoras explicaron que las audiencias se "
        "aplazan una y otra vez, lo que mantiene a sus clientes en prisión preventiva durante "
        "meses.",
        "El grupo señaló que el mecanismo nacional de protección es lento, está centralizado "
        "en la capital y rara vez llega a las zonas rurales.",
        "Algunas participantes contaron que líderes religiosos las estigmatizan como una "
        "amenaza para la familia y los valores tradicionales.",
        "Las defensoras de los derechos sexuales y reproductivos denunciaron allanamientos de "
        "sus oficinas y la incautación de sus computadoras.",
        "Jóvenes activistas explicaron que perdieron su empleo después de participar en "
        "protestas pacíficas.",
        "Las participantes dijeron que ya no se sienten seguras al viajar a la capital y que "
        "los retenes se utilizan para identificarlas.",
    ),
    summary_close=(
        "Las facilitadoras acordaron con las participantes un medio seguro para enviar más "
        "información y el seguimiento que pueden esperar.",
        "La sesión terminó con un intercambio sobre medidas de autoprotección y los contactos "
        "de emergencia.",
        "Las participantes pidieron a la misión que planteara sus preocupaciones ante las "
        "autoridades sin revelar quién había hablado.",
        "La delegación explicó el procedimiento de comunicaciones y los límites de su "
        "actuación.",
    ),
    concerns=(
        "Falta de investigación de las amenazas contra defensoras e impunidad de los "
        "responsables.",
        "Uso del derecho penal, incluidas las normas antiterroristas y de difamación, para "
        "silenciar a las personas defensoras.",
        "Campañas de desprestigio en línea dirigidas contra las defensoras con contenido "
        "sexualizado.",
        "Ausencia del mecanismo de protección en las zonas rurales y apartadas.",
        "Riesgo de represalias contra quienes se reunieron con la misión.",
        "Presiones sobre las familias y exclusión de las defensoras de sus comunidades.",
        "Vigilancia de los teléfonos y de las cuentas en redes sociales de las personas "
        "defensoras.",
    ),
    recommendations=(
        "Reconocer públicamente, al más alto nivel, la labor legítima de las defensoras de "
        "derechos humanos.",
        "Investigar con prontitud e imparcialidad todas las amenazas y agresiones contra "
        "personas defensoras.",
        "Diseñar las medidas de protección con las personas beneficiarias y con enfoque de "
        "género.",
        "Derogar o modificar las disposiciones legales utilizadas para criminalizar "
        "actividades pacíficas.",
        "Garantizar que nadie sufra represalias por cooperar con las Naciones Unidas.",
        "Dotar al mecanismo nacional de protección de recursos suficientes y de presencia "
        "fuera de la capital.",
        "Consultar a las comunidades antes de otorgar concesiones en sus tierras y respetar "
        "sus decisiones.",
    ),
    gbv_patterns=(
        "Las defensoras reciben amenazas de violencia sexual que rara vez se dirigen a sus "
        "compañeros.",
        "Las campañas de desprestigio cuestionan la moral de las defensoras y su papel como "
        "madres.",
        "Varias participantes describieron presiones de sus familiares para que abandonaran "
        "su activismo.",
        "Agentes de policía hicieron comentarios sexualizados durante registros y detenciones.",
        "En redes sociales se difundieron imágenes íntimas manipuladas de defensoras.",
    ),
    threat_open=(
        "La persona defensora fue entrevistada en {loc}, en un lugar de su elección, y aceptó "
        "que se registrara la información.",
        "El incidente fue comunicado a la misión en {loc} por la organización de la persona "
        "defensora y confirmado después por ella misma.",
        "Según el relato recogido durante la reunión en {loc}, los hechos descritos a "
        "continuación ocurrieron a lo largo de varias semanas.",
        "La información siguiente se obtuvo en {loc} de la persona afectada y de dos testigos.",
    ),
    threat_body=(
        "La persona defensora denunció que fue seguida por dos hombres en motocicleta después "
        "de la reunión con la delegación.",
        "Mensajes anónimos amenazaron de muerte a la persona defensora y a su familia si no "
        "retiraba la denuncia.",
        "Un funcionario local acusó públicamente a la persona defensora de trabajar para "
        "intereses extranjeros durante una asamblea comunitaria.",
        "Agentes de policía entraron sin orden judicial en la oficina de la organización y se "
        "llevaron computadoras y archivos.",
        "La fiscalía citó a la persona defensora por un delito de difamación tras la "
        "publicación de un informe sobre despojo de tierras.",
        "Hombres armados llegaron de noche a la casa familiar y preguntaron a los vecinos por "
        "su paradero.",
        "Cuentas falsas en redes sociales difundieron fotografías de la persona defensora con "
        "insultos y la dirección de su casa.",
        "La persona defensora fue retenida varias horas en un puesto de control e interrogada "
        "sobre sus contactos con las Naciones Unidas.",
        "Guardias de seguridad de la empresa amenazaron a la persona defensora durante una "
        "protesta pacífica contra la ampliación de la plantación.",
        "Su hermano fue golpeado por hombres no identificados que le pidieron transmitir una "
        "advertencia.",
        "La persona defensora fue despedida de su puesto de docente poco después de intervenir "
        "en una audiencia pública.",
        "Se le impuso una prohibición de viajar sin explicación, lo que le impidió asistir a "
        "una reunión en el extranjero.",
        "La persona defensora notó que su teléfono había sido manipulado y que en las "
        "amenazas se citaban conversaciones privadas.",
        "Líderes comunitarios anunciaron que la persona defensora ya no sería admitida en las "
        "asambleas.",
    ),
    threat_close=(
        "La persona defensora no ha presentado una denuncia formal por temor a nuevas "
        "represalias.",
        "Se presentó una denuncia ante la policía, pero no parece haberse abierto ninguna "
        "investigación.",
        "La persona defensora ha abandonado temporalmente la zona y se aloja con familiares.",
        "La organización pidió que el caso se planteara con urgencia ante las autoridades.",
        "La persona defensora pidió que sus datos de identidad solo se compartieran con el "
        "equipo de la sede.",
    ),
    reprisal_body=(
        "Las amenazas comenzaron pocos días después de que la persona defensora se reuniera "
        "con la Relatoría Especial y hablara de la situación en la región.",
        "Funcionarios preguntaron a la persona defensora quién había organizado la reunión con "
        "la delegación de la ONU y qué se había dicho.",
        "Medios estatales calificaron de traidores a quienes participaron en la consulta de la "
        "ONU.",
        "La persona defensora fue interrogada sobre una comunicación enviada a un órgano de "
        "tratado.",
    ),
    previous_reprisals=(
        "La persona defensora fue detenida brevemente al regresar de un período de sesiones "
        "del Consejo de Derechos Humanos hace dos años.",
        "Sus familiares fueron interrogados por la policía tras una visita anterior de la "
        "Relatoría Especial.",
        "Se suspendió el registro de la organización después de que presentara información "
        "para el examen periódico universal.",
        "No se conocen represalias anteriores, pero colegas que cooperaron con la ONU han sido "
        "hostigados.",
    ),
    person_notes=(
        "Coordina una red de defensoras en varios municipios rurales.",
        "Documenta desde 2019 los desalojos vinculados a un proyecto hidroeléctrico.",
        "Trabaja como periodista en una radio comunitaria e informa sobre corrupción local.",
        "Acompaña a familias de personas desaparecidas en la búsqueda y ante los tribunales.",
        "Prefiere que el contacto se haga a través de la organización y nunca directamente.",
        "Ha recibido amenazas en repetidas ocasiones y cambia de domicilio con frecuencia.",
        "Dirige un colectivo juvenil que trabaja por la justicia climática.",
        "Brinda asesoría jurídica gratuita a manifestantes detenidos.",
    ),
    topics=(
        "Acoso en línea", "Criminalización de personas defensoras", "Tierra y territorio",
        "Mecanismos de protección", "Acceso a la justicia", "Derechos sexuales y reproductivos",
        "Proyectos extractivos", "Libertad de expresión", "Autoprotección y seguridad digital",
        "Represalias por cooperar con la ONU", "Estigmatización por parte de las autoridades",
        "Derechos de las mujeres indígenas",
    ),
    actions=(
        "Enviar una carta de alegación al Gobierno",
        "Remitir el caso al mecanismo nacional de protección",
        "Verificar la seguridad de las participantes un mes después de la visita",
        "Compartir el resumen con la oficial de la sede a cargo del país",
        "Contactar a la organización sobre asistencia jurídica",
        "Incluir las preocupaciones en la declaración de fin de misión",
        "Solicitar apoyo psicosocial para las participantes",
    ),
    owners=("Coordinación de la misión", "Oficial de derechos humanos", "Sede (Ginebra)"),
    unnamed_groups=(
        "Integrantes de una cooperativa de mujeres campesinas", "Participantes en la consulta",
        "Habitantes de una comunidad opuesta a un proyecto minero",
        "Personal de una organización local de derechos humanos",
        "Estudiantes que participaron en la protesta", "Familias de personas desaparecidas",
    ),
    organisations=(
        "Red de Defensoras de {r}", "Colectivo Tierra y Vida de {r}",
        "Asociación de Derechos Humanos de {r}", "Radio Comunitaria {r}",
        "Centro de Asistencia Jurídica de {r}",
    ),
    localities=("{r}", "{r} Alto", "{r} Bajo", "Puerto {r}", "Loma de {r}"),
    admin_areas=(
        "Departamento del Norte", "Provincia Oriental", "Región Central",
        "Departamento de la Costa", "Provincia del Sur", "Región de la Sierra",
    ),
    alias_words=(
        "Colibrí", "Ceiba", "Quetzal", "Jacaranda", "Luciérnaga", "Girasol", "Guacamaya",
        "Montaña", "Semilla", "Aurora",
    ),
    tags=("seguimiento", "zona-rural", "revisión-sede", "llamamiento-urgente", "patrón"),
    syllables=("ma", "ri", "lo", "sa", "ne", "ta", "vi", "do", "ra", "li", "ca", "mi", "so",
               "te", "ña", "ro"),
    family_endings=("ez", "era", "ado", "ana", "illo"),
    place_endings=("", "", "al", "illa", "ito"),
    capitalise=True,
)

_FR = _Texts(
    sep=" ", list_sep=" ; ",
    titles={
        "official_visit": "Visite officielle : {c}, {y}",
        "follow_up_visit": "Visite de suivi : {c}, {y}",
        "consultation_round": "Consultation avec des défenseuses des droits humains : {c}, {y}",
        "online_consultation": "Consultation en ligne avec des défenseurs et défenseuses : "
                               "{c}, {y}",
        "other": "Visite académique et séminaire : {c}, {y}",
    },
    mission_notes=(
        "La délégation a rencontré des membres du Gouvernement, l'institution nationale des "
        "droits de l'homme et la société civile dans la capitale et dans deux provinces.",
        "Des séances distinctes ont été organisées avec les défenseuses afin qu'elles puissent "
        "s'exprimer librement.",
        "Aucune connexion n'était disponible pendant plusieurs jours dans les zones rurales "
        "visitées ; les notes ont été conservées hors ligne et synchronisées au retour.",
        "Les autorités ont assuré que personne ne subirait de représailles pour avoir "
        "rencontré la délégation.",
        "Plusieurs réunions ont été déplacées au dernier moment pour des raisons de sécurité.",
        "La déclaration de fin de mission a mis en lumière la situation des défenseurs de "
        "l'environnement et des droits fonciers.",
        "Les ordinateurs partagés ont été effacés avant le passage des postes de contrôle sur "
        "la route du retour.",
    ),
    summary_open=(
        "La séance s'est tenue à {loc} avec des défenseuses venues de plusieurs communautés "
        "rurales ; les facilitatrices ont présenté le mandat et les règles de confidentialité "
        "avant de commencer.",
        "Les participantes ont voyagé depuis des villages éloignés jusqu'à {loc}, parfois "
        "pendant plus d'une journée, pour rencontrer la délégation loin des autorités locales.",
        "La consultation organisée à {loc} a eu lieu dans une salle communautaire choisie par "
        "les participantes, sans aucun représentant officiel.",
        "Avant la discussion à {loc}, chaque participante a été invitée à préciser l'usage qui "
        "pourrait être fait de ses informations, et plusieurs ont demandé à ne pas être "
        "nommées.",
    ),
    summary_body=(
        "Les défenseuses ont décrit une augmentation constante des menaces depuis les "
        "dernières élections, reçues pour la plupart par téléphone ou par messagerie.",
        "Plusieurs participantes ont déclaré avoir été suivies après leurs rencontres avec la "
        "délégation et que des inconnus avaient photographié leur domicile.",
        "Les défenseuses des droits fonciers ont expliqué que l'extension d'une concession "
        "minière a divisé la communauté et que celles qui s'y opposent sont présentées comme "
        "des ennemies du développement.",
        "Une participante a indiqué avoir fait l'objet de poursuites pénales après avoir "
        "dénoncé des irrégularités dans le budget municipal.",
        "Les participantes ont décrit des campagnes de diffamation en ligne qui mêlent insultes "
        "sexistes et fausses accusations de financement étranger.",
        "Les participantes ont souligné que les menaces visent souvent leurs enfants et leurs "
        "conjoints plutôt qu'elles-mêmes.",
        "Des dirigeantes autochtones ont expliqué que les assemblées communautaires les ont "
        "écartées des décisions sur l'usage de leur territoire.",
        "Plusieurs défenseuses ont affirmé que la police avait refusé d'enregistrer leurs "
        "plaintes ou leur avait conseillé de cesser leurs activités.",
        "Les avocates qui représentent des défenseurs ont expliqué que les audiences sont sans "
        "cesse reportées, ce qui maintient leurs clients en détention provisoire pendant des "
        "mois.",
        "Le groupe a relevé que le mécanisme national de protection est lent, centralisé dans "
        "la capitale et atteint rarement les zones rurales.",
        "Certaines participantes ont raconté être stigmatisées par des chefs religieux comme "
        "une menace pour la famille et les valeurs traditionnelles.",
        "Des défenseuses des droits sexuels et reproductifs ont signalé des perquisitions dans "
        "leurs bureaux et la saisie de leurs ordinateurs.",
        "De jeunes militantes ont expliqué avoir perdu leur emploi après avoir participé à des "
        "manifestations pacifiques.",
        "Les participantes ont dit ne plus se sentir en sécurité lorsqu'elles se rendent dans "
        "la capitale, les postes de contrôle servant à les identifier.",
    ),
    summary_close=(
        "Les facilitatrices sont convenues avec les participantes d'un moyen sûr de "
        "transmettre d'autres informations et du suivi auquel elles peuvent s'attendre.",
        "La séance s'est terminée par un échange sur les mesures d'autoprotection et les "
        "contacts à utiliser en cas d'urgence.",
        "Les participantes ont demandé à la mission de faire part de leurs préoccupations aux "
        "autorités sans révéler qui avait parlé.",
        "La délégation a expliqué la procédure des communications et les limites de son "
        "action.",
    ),
    concerns=(
        "Absence d'enquêtes sur les menaces visant les défenseuses et impunité des auteurs.",
        "Recours au droit pénal, y compris aux lois antiterroristes et sur la diffamation, pour "
        "faire taire les défenseurs.",
        "Campagnes de dénigrement en ligne à caractère sexiste visant les défenseuses.",
        "Absence du mécanisme de protection dans les zones rurales et isolées.",
        "Risque de représailles contre les personnes qui ont rencontré la mission.",
        "Pressions sur les familles et exclusion des défenseuses de leur communauté.",
        "Surveillance des téléphones et des comptes sur les réseaux sociaux des défenseurs.",
    ),
    recommendations=(
        "Reconnaître publiquement, au plus haut niveau, le travail légitime des défenseuses "
        "des droits humains.",
        "Enquêter rapidement et de manière impartiale sur toutes les menaces et attaques "
        "contre les défenseurs.",
        "Concevoir les mesures de protection avec les personnes concernées, en tenant compte "
        "du genre.",
        "Abroger ou modifier les dispositions légales utilisées pour criminaliser des "
        "activités pacifiques.",
        "Garantir que personne ne subisse de représailles pour avoir coopéré avec "
        "l'Organisation des Nations Unies.",
        "Doter le mécanisme national de protection de moyens suffisants et d'une présence hors "
        "de la capitale.",
        "Consulter les communautés avant d'accorder des concessions sur leurs terres et "
        "respecter leurs décisions.",
    ),
    gbv_patterns=(
        "Les défenseuses reçoivent des menaces de violences sexuelles rarement adressées à "
        "leurs collègues masculins.",
        "Les campagnes de dénigrement mettent en cause la moralité des défenseuses et leur "
        "rôle de mères.",
        "Plusieurs participantes ont décrit les pressions de leurs proches pour qu'elles "
        "renoncent à leur engagement.",
        "Des policiers ont tenu des propos à caractère sexuel lors de fouilles et de "
        "détentions.",
        "Des images intimes truquées de défenseuses ont été diffusées en ligne.",
    ),
    threat_open=(
        "La personne concernée a été entendue à {loc}, dans un lieu de son choix, et a accepté "
        "que les informations soient consignées.",
        "L'incident a été signalé à la mission à {loc} par l'organisation de la personne "
        "concernée, puis confirmé par celle-ci.",
        "Selon le récit recueilli lors de la réunion tenue à {loc}, les faits décrits "
        "ci-dessous se sont déroulés sur plusieurs semaines.",
        "Les informations ci-dessous ont été recueillies à {loc} auprès de la personne "
        "concernée et de deux témoins.",
    ),
    threat_body=(
        "La personne concernée a été suivie par deux hommes à moto après la réunion avec la "
        "délégation.",
        "Des messages anonymes menaçaient de mort la personne concernée et sa famille si la "
        "plainte n'était pas retirée.",
        "Un responsable local a publiquement accusé la personne concernée de travailler pour "
        "des intérêts étrangers lors d'une réunion communautaire.",
        "Des policiers sont entrés sans mandat dans les locaux de l'organisation et ont "
        "emporté des ordinateurs et des dossiers.",
        "Le parquet a convoqué la personne concernée pour diffamation après la publication "
        "d'un rapport sur l'accaparement des terres.",
        "Des hommes armés sont venus de nuit au domicile familial et ont interrogé les voisins "
        "sur l'endroit où se trouvait la personne concernée.",
        "De faux comptes sur les réseaux sociaux ont diffusé des photos de la personne "
        "concernée accompagnées d'insultes et de son adresse.",
        "La personne concernée a été retenue plusieurs heures à un poste de contrôle et "
        "interrogée sur ses contacts avec les Nations Unies.",
        "Des agents de sécurité de l'entreprise ont menacé la personne concernée lors d'une "
        "manifestation pacifique contre l'extension de la plantation.",
        "Son frère a été frappé par des inconnus qui lui ont demandé de transmettre un "
        "avertissement.",
        "La personne concernée a perdu son poste d'enseignement peu après avoir pris la parole "
        "lors d'une audience publique.",
        "Une interdiction de voyager lui a été imposée sans explication, l'empêchant de "
        "participer à une réunion à l'étranger.",
        "La personne concernée a constaté que son téléphone avait été manipulé et que des "
        "conversations privées étaient citées dans les menaces.",
        "Des chefs communautaires ont annoncé que la personne concernée ne serait plus admise "
        "aux assemblées.",
    ),
    threat_close=(
        "La personne concernée n'a pas porté plainte officiellement par crainte de nouvelles "
        "représailles.",
        "Une plainte a été déposée auprès de la police, mais aucune enquête ne semble avoir "
        "été ouverte.",
        "La personne concernée a quitté temporairement la région et séjourne chez des proches.",
        "L'organisation a demandé que le cas soit soulevé d'urgence auprès des autorités.",
        "La personne concernée a demandé que son identité ne soit communiquée qu'à l'équipe du "
        "siège.",
    ),
    reprisal_body=(
        "Les menaces ont commencé quelques jours après la rencontre de la personne concernée "
        "avec la délégation du Rapporteur spécial, au cours de laquelle la situation dans la "
        "région a été évoquée.",
        "Des fonctionnaires ont demandé à la personne concernée qui avait organisé la réunion "
        "avec la délégation de l'ONU et ce qui s'y était dit.",
        "Les médias d'État ont qualifié de traîtres les participants à la consultation de "
        "l'ONU.",
        "La personne concernée a été interrogée au sujet d'informations transmises à un organe "
        "conventionnel.",
    ),
    previous_reprisals=(
        "La personne concernée a été brièvement détenue à son retour d'une session du Conseil "
        "des droits de l'homme il y a deux ans.",
        "Des proches ont été interrogés par la police après une précédente visite du "
        "Rapporteur spécial.",
        "L'enregistrement de l'organisation a été suspendu après sa contribution à l'Examen "
        "périodique universel.",
        "Aucune représaille antérieure n'est connue, mais des collègues ayant coopéré avec "
        "l'ONU ont été harcelés.",
    ),
    person_notes=(
        "Coordonne un réseau de défenseuses dans plusieurs communes rurales.",
        "Documente depuis 2019 les expulsions liées à un projet hydroélectrique.",
        "Journaliste dans une radio communautaire, enquête sur la corruption locale.",
        "Accompagne les familles de personnes disparues dans leurs recherches et devant les "
        "tribunaux.",
        "Souhaite que tout contact passe par l'organisation, jamais directement.",
        "A reçu des menaces à plusieurs reprises et change souvent de domicile.",
        "Anime un collectif de jeunes engagés pour la justice climatique.",
        "Fournit une aide juridique, souvent bénévole, aux manifestants détenus.",
    ),
    topics=(
        "Harcèlement en ligne", "Criminalisation des défenseurs", "Terre et territoire",
        "Mécanismes de protection", "Accès à la justice", "Droits sexuels et reproductifs",
        "Projets extractifs", "Liberté d'expression", "Autoprotection et sécurité numérique",
        "Représailles pour coopération avec l'ONU", "Stigmatisation par les autorités",
        "Droits des femmes autochtones",
    ),
    actions=(
        "Envoyer une lettre d'allégation au Gouvernement",
        "Orienter le cas vers le mécanisme national de protection",
        "Prendre des nouvelles des participantes un mois après la visite",
        "Transmettre le résumé au responsable pays au siège",
        "Contacter l'organisation au sujet de l'aide juridique",
        "Reprendre les préoccupations dans la déclaration de fin de mission",
        "Demander un soutien psychosocial pour les participantes",
    ),
    owners=("Coordination de la mission", "Chargée des droits de l'homme", "Siège (Genève)"),
    unnamed_groups=(
        "Membres d'une coopérative de femmes rurales", "Participantes à la consultation",
        "Habitants d'une communauté opposée à un projet minier",
        "Personnel d'une organisation locale de défense des droits humains",
        "Étudiants ayant pris part à la manifestation", "Familles de personnes disparues",
    ),
    organisations=(
        "Réseau des défenseuses de {r}", "Collectif Terre et Vie de {r}",
        "Association des droits humains de {r}", "Radio communautaire de {r}",
        "Clinique juridique de {r}",
    ),
    localities=("{r}", "{r}-Village", "{r}-Plateau", "Bas-{r}", "{r}-Centre"),
    admin_areas=(
        "Province du Nord", "Région de l'Est", "Département du Centre", "Province côtière",
        "Région des Hauts Plateaux", "Province du Sud",
    ),
    alias_words=(
        "Baobab", "Hirondelle", "Lavande", "Fennec", "Étoile", "Acacia", "Mangrove",
        "Colombe", "Rivière", "Aube",
    ),
    tags=("suivi", "zone-rurale", "à-vérifier", "appel-urgent", "tendance"),
    syllables=("ma", "ri", "lo", "sé", "ne", "ta", "vi", "do", "ra", "li", "ca", "mi", "bou",
               "té", "va", "ro"),
    family_endings=("ier", "ard", "eau", "in", "ou"),
    place_endings=("", "", "ac", "ville", "ou"),
    capitalise=True,
)

_RU = _Texts(
    sep=" ", list_sep="; ",
    titles={
        "official_visit": "Официальный визит: {c}, {y} г.",
        "follow_up_visit": "Последующий визит: {c}, {y} г.",
        "consultation_round": "Консультация с правозащитницами: {c}, {y} г.",
        "online_consultation": "Онлайн-консультация с правозащитниками: {c}, {y} г.",
        "other": "Академический визит и семинар: {c}, {y} г.",
    },
    mission_notes=(
        "Делегация встретилась с представителями правительства, национальным правозащитным "
        "учреждением и гражданским обществом в столице и в двух областях.",
        "С правозащитницами были проведены отдельные встречи, чтобы они могли говорить "
        "свободно.",
        "В посещённых сельских районах несколько дней не было связи; записи велись офлайн и "
        "были синхронизированы по возвращении.",
        "Власти заверили, что никто не подвергнется репрессиям за встречи с делегацией.",
        "Несколько встреч пришлось перенести в последний момент по соображениям безопасности.",
        "В заявлении по итогам миссии особое внимание было уделено положению защитников "
        "окружающей среды и земельных прав.",
        "Перед прохождением блокпостов на обратном пути общие ноутбуки были очищены.",
    ),
    summary_open=(
        "Встреча прошла в населённом пункте {loc} с правозащитницами из нескольких сельских "
        "общин; ведущие рассказали о мандате и правилах конфиденциальности.",
        "Участницы добирались до населённого пункта {loc} из отдалённых сёл, некоторые более "
        "суток, чтобы встретиться с делегацией вдали от местных властей.",
        "Консультация в населённом пункте {loc} состоялась в общественном помещении, выбранном "
        "самими участницами, без присутствия официальных лиц.",
        "Перед началом обсуждения в населённом пункте {loc} каждую участницу спросили, как "
        "можно использовать её сведения, и несколько человек попросили не называть их имён.",
    ),
    summary_body=(
        "Правозащитницы рассказали о постоянном росте числа угроз после последних выборов; "
        "большинство угроз поступает по телефону или через мессенджеры.",
        "Несколько участниц сообщили, что после встреч с делегацией за ними следили, а "
        "неизвестные фотографировали их дома.",
        "Защитницы земельных прав объяснили, что расширение горнодобывающей концессии "
        "раскололо общину, а несогласных называют врагами развития.",
        "Одна из участниц сообщила, что против неё возбудили уголовное дело после того, как "
        "она заявила о нарушениях в муниципальном бюджете.",
        "Журналистки описали скоординированные кампании в интернете, сочетающие оскорбления "
        "сексуального характера с ложными обвинениями в иностранном финансировании.",
        "Участницы подчеркнули, что угрозы часто направлены против их детей и супругов, а не "
        "против них самих.",
        "Женщины из числа лидеров коренных народов рассказали, что общинные собрания "
        "отстранили их от решений об использовании их территорий.",
        "Несколько правозащитниц заявили, что полиция отказалась регистрировать их заявления "
        "или посоветовала прекратить деятельность.",
        "Адвокаты, представляющие правозащитников, пояснили, что судебные заседания постоянно "
        "откладываются и их подзащитные месяцами остаются под стражей.",
        "Группа отметила, что национальный механизм защиты работает медленно, сосредоточен в "
        "столице и редко доходит до сельских районов.",
        "Некоторые участницы рассказали, что религиозные лидеры клеймят их как угрозу семье и "
        "традиционным ценностям.",
        "Защитницы сексуальных и репродуктивных прав сообщили об обысках в их офисах и изъятии "
        "компьютеров.",
        "Молодые активистки рассказали, что потеряли работу после участия в мирных акциях "
        "протеста.",
        "Участницы сказали, что больше не чувствуют себя в безопасности в поездках в столицу, "
        "так как на блокпостах их опознают.",
    ),
    summary_close=(
        "Ведущие договорились с участницами о безопасном способе передачи дополнительной "
        "информации и о дальнейших шагах.",
        "Встреча завершилась обсуждением мер самозащиты и контактов на случай чрезвычайной "
        "ситуации.",
        "Участницы попросили миссию довести их обеспокоенность до сведения властей, не "
        "раскрывая, кто говорил.",
        "Делегация разъяснила процедуру сообщений и пределы своих возможностей.",
    ),
    concerns=(
        "Отсутствие расследований угроз в адрес правозащитниц и безнаказанность виновных.",
        "Использование уголовного законодательства, в том числе антиэкстремистских норм и "
        "статей о клевете, чтобы заставить правозащитников замолчать.",
        "Кампании травли в интернете с сексистским содержанием, направленные против "
        "правозащитниц.",
        "Отсутствие механизма защиты в сельских и отдалённых районах.",
        "Риск репрессий в отношении тех, кто встречался с миссией.",
        "Давление на семьи и исключение правозащитниц из жизни общины.",
        "Слежка за телефонами и аккаунтами правозащитников в социальных сетях.",
    ),
    recommendations=(
        "Публично, на самом высоком уровне, признать законность деятельности правозащитниц.",
        "Оперативно и беспристрастно расследовать все угрозы и нападения на правозащитников.",
        "Разрабатывать меры защиты вместе с самими правозащитниками и с учётом гендерных "
        "аспектов.",
        "Отменить или изменить правовые нормы, используемые для преследования за мирную "
        "деятельность.",
        "Гарантировать, что никто не подвергнется репрессиям за сотрудничество с "
        "Организацией Объединённых Наций.",
        "Обеспечить национальный механизм защиты достаточными ресурсами и представительством "
        "за пределами столицы.",
        "Консультироваться с общинами до предоставления концессий на их землях и уважать их "
        "решения.",
    ),
    gbv_patterns=(
        "Правозащитницам угрожают сексуальным насилием, чего почти не происходит с их "
        "коллегами-мужчинами.",
        "Кампании травли ставят под сомнение нравственность правозащитниц и их роль матерей.",
        "Несколько участниц рассказали о давлении со стороны родственников, требующих "
        "отказаться от активизма.",
        "Сотрудники полиции допускали высказывания сексуального характера во время обысков и "
        "задержаний.",
        "В интернете распространялись смонтированные интимные изображения правозащитниц.",
    ),
    threat_open=(
        "Беседа состоялась в населённом пункте {loc}, в безопасном месте по выбору заявителя; "
        "согласие на запись сведений получено.",
        "О случае сообщила миссии в населённом пункте {loc} организация заявителя; позднее "
        "заявитель лично подтвердил эти сведения.",
        "Согласно рассказу, записанному на встрече в населённом пункте {loc}, описанные ниже "
        "события происходили в течение нескольких недель.",
        "Приведённые ниже сведения получены в населённом пункте {loc} от заявителя и двух "
        "свидетелей.",
    ),
    threat_body=(
        "После встречи с делегацией за заявителем следили двое мужчин на мотоцикле.",
        "В анонимных сообщениях заявителю и его семье угрожали убийством, если жалоба не "
        "будет отозвана.",
        "Местный чиновник на общинном собрании публично обвинил заявителя в работе на "
        "иностранные интересы.",
        "Сотрудники полиции без ордера вошли в офис организации и изъяли компьютеры и "
        "документы.",
        "Прокуратура вызвала заявителя по делу о клевете после публикации доклада о захвате "
        "земель.",
        "Вооружённые люди ночью пришли к дому семьи и расспрашивали соседей о местонахождении "
        "заявителя.",
        "Фальшивые аккаунты в социальных сетях распространяли фотографии заявителя с "
        "оскорблениями и домашним адресом.",
        "Заявителя несколько часов удерживали на блокпосту и допрашивали о контактах с "
        "Организацией Объединённых Наций.",
        "Охранники компании угрожали заявителю во время мирного протеста против расширения "
        "плантации.",
        "Брата заявителя избили неизвестные, велев передать предупреждение.",
        "Вскоре после выступления на публичных слушаниях заявителя уволили с должности "
        "преподавателя.",
        "Без объяснения причин был введён запрет на выезд, из-за которого заявитель не смог "
        "принять участие во встрече за рубежом.",
        "Заявитель обнаружил, что телефон был взломан, а в угрозах цитировались частные "
        "разговоры.",
        "Лидеры общины объявили, что заявителя больше не допустят на собрания.",
    ),
    threat_close=(
        "Заявитель не подал официальную жалобу, опасаясь новых репрессий.",
        "Жалоба была подана в полицию, однако расследование, по всей видимости, так и не "
        "начато.",
        "Заявитель временно покинул район и живёт у родственников.",
        "Организация просит срочно поднять этот вопрос перед властями.",
        "Заявитель просит передавать его личные данные только сотрудникам штаб-квартиры.",
    ),
    reprisal_body=(
        "Угрозы начались через несколько дней после встречи заявителя со Специальным "
        "докладчиком, на которой обсуждалось положение в регионе.",
        "Чиновники расспрашивали заявителя о том, кто организовал встречу с делегацией ООН и "
        "что на ней говорилось.",
        "Государственные СМИ назвали участников консультации ООН предателями.",
        "Заявителя допрашивали о сведениях, направленных в договорный орган.",
    ),
    previous_reprisals=(
        "Два года назад заявителя ненадолго задержали по возвращении с сессии Совета по правам "
        "человека.",
        "После предыдущего визита Специального докладчика полиция допрашивала родственников "
        "заявителя.",
        "Регистрация организации была приостановлена после того, как она представила "
        "информацию для универсального периодического обзора.",
        "О прежних репрессиях не известно, но коллег, сотрудничавших с ООН, преследовали.",
    ),
    person_notes=(
        "Координирует сеть правозащитниц в нескольких сельских районах.",
        "С 2019 года документирует выселения, связанные со строительством ГЭС.",
        "Работает журналистом на общинном радио, пишет о местной коррупции.",
        "Сопровождает семьи пропавших без вести в поисках и в судах.",
        "Просит связываться только через организацию, никогда напрямую.",
        "Неоднократно получал(а) угрозы и часто меняет место жительства.",
        "Руководит молодёжной группой, выступающей за климатическую справедливость.",
        "Оказывает юридическую помощь задержанным участникам протестов, часто бесплатно.",
    ),
    topics=(
        "Травля в интернете", "Криминализация правозащитной деятельности", "Земля и территория",
        "Механизмы защиты", "Доступ к правосудию", "Сексуальные и репродуктивные права",
        "Добывающие проекты", "Свобода выражения мнений", "Самозащита и цифровая безопасность",
        "Репрессии за сотрудничество с ООН", "Стигматизация со стороны властей",
        "Права женщин из числа коренных народов",
    ),
    actions=(
        "Направить правительству письмо с утверждениями",
        "Передать дело в национальный механизм защиты",
        "Проверить безопасность участниц через месяц после визита",
        "Передать резюме ответственному сотруднику штаб-квартиры",
        "Связаться с организацией по вопросу юридической помощи",
        "Включить эти вопросы в заявление по итогам миссии",
        "Запросить психосоциальную поддержку для участниц",
    ),
    owners=("Координатор миссии", "Сотрудник по правам человека", "Штаб-квартира (Женева)"),
    unnamed_groups=(
        "Члены сельского женского кооператива", "Участницы консультации",
        "Жители общины, выступающей против горнодобывающего проекта",
        "Сотрудники местной правозащитной организации", "Студенты, участвовавшие в протесте",
        "Семьи пропавших без вести",
    ),
    organisations=(
        "Сеть правозащитниц «{r}»", "Коллектив «Земля и жизнь» ({r})",
        "Правозащитная ассоциация «{r}»", "Общинное радио «{r}»", "Юридическая клиника «{r}»",
    ),
    localities=("{r}",),
    admin_areas=(
        "Северная область", "Восточный район", "Центральная область", "Южная область",
        "Приграничный район", "Горный район",
    ),
    alias_words=(
        "Берёза", "Ласточка", "Рябина", "Звезда", "Сокол", "Ветер", "Ольха", "Заря", "Метель",
        "Иволга",
    ),
    tags=("контроль", "сельская-местность", "проверить", "срочный-призыв", "тенденция"),
    syllables=("ла", "ми", "ра", "зо", "ри", "на", "ве", "ле", "та", "ди", "ка", "до", "сла",
               "ва", "бо", "ру"),
    family_endings=("ова", "ин", "ев", "ская", "енко"),
    place_endings=("овка", "ино", "ово", "ск", "енка"),
    capitalise=True,
)

_AR = _Texts(
    sep=" ", list_sep="؛ ",
    titles={
        "official_visit": "زيارة قطرية رسمية إلى {c}، {y}",
        "follow_up_visit": "زيارة متابعة إلى {c}، {y}",
        "consultation_round": "مشاورة مع المدافعات عن حقوق الإنسان، {c}، {y}",
        "online_consultation": "مشاورة عبر الإنترنت مع المدافعين عن حقوق الإنسان في {c}، {y}",
        "other": "زيارة أكاديمية وندوة، {c}، {y}",
    },
    mission_notes=(
        "التقى الوفد بمسؤولين حكوميين وبالمؤسسة الوطنية لحقوق الإنسان وبممثلي المجتمع المدني "
        "في العاصمة وفي محافظتين.",
        "عُقدت جلسات منفصلة مع المدافعات ليتمكنّ من التعبير عن آرائهن باستقلالية.",
        "لم يتوفر الاتصال بالإنترنت لعدة أيام في المناطق الريفية التي زارها الوفد، فحُفظت "
        "الملاحظات دون اتصال وتمت مزامنتها عند العودة.",
        "أكدت السلطات أن أحداً لن يتعرض للانتقام بسبب لقائه بالوفد.",
        "نُقلت عدة اجتماعات في اللحظة الأخيرة لأسباب أمنية.",
        "سلّط البيان الختامي للبعثة الضوء على وضع المدافعين عن البيئة وعن الحق في الأرض.",
        "مُسحت بيانات الحواسيب المشتركة قبل عبور نقاط التفتيش في طريق العودة إلى العاصمة.",
    ),
    summary_open=(
        "عُقدت الجلسة في {loc} مع مدافعات من عدة مجتمعات ريفية، وشرحت الميسّرات الولاية "
        "وقواعد السرية قبل البدء.",
        "قطعت المشاركات الطريق من قرى نائية إلى {loc}، بعضهن لأكثر من يوم، للقاء الوفد بعيداً "
        "عن السلطات المحلية.",
        "جرت المشاورة في {loc} في قاعة مجتمعية اختارتها المشاركات أنفسهن، دون حضور أي مسؤول "
        "رسمي.",
        "قبل بدء النقاش في {loc}، سُئلت كل مشاركة عن الطريقة التي ترغب في أن تُستخدم بها "
        "معلوماتها، وطلبت عدة مشاركات عدم ذكر أسمائهن.",
    ),
    summary_body=(
        "وصفت المدافعات تزايداً مستمراً في التهديدات منذ الانتخابات الأخيرة، وقد وصل معظمها "
        "عبر الهاتف أو تطبيقات المراسلة.",
        "أفادت عدة مشاركات بأنهن تعرضن للملاحقة بعد لقائهن بالوفد، وبأن رجالاً مجهولين التقطوا "
        "صوراً لمنازلهن.",
        "أوضحت المدافعات عن الحق في الأرض أن توسيع امتياز للتعدين قد قسّم المجتمع، وأن "
        "المعارضات له يوصفن بأنهن عدوات للتنمية.",
        "ذكرت إحدى المشاركات أن دعوى جنائية رُفعت ضدها بعد أن كشفت عن مخالفات في ميزانية "
        "البلدية.",
        "وصفت الصحفيات حملات منسقة على الإنترنت تجمع بين الشتائم ذات الطابع الجنسي والاتهامات "
        "الكاذبة بتلقي أموال أجنبية.",
        "شددت المشاركات على أن التهديدات كثيراً ما تستهدف أطفالهن وأزواجهن بدلاً منهن.",
        "قالت قائدات من الشعوب الأصلية إن الجمعيات المجتمعية استبعدتهن من القرارات المتعلقة "
        "باستخدام أراضيهن.",
        "قالت عدة مدافعات إن الشرطة رفضت تسجيل شكاواهن أو نصحتهن بالتوقف عن نشاطهن.",
        "أوضحت محاميات يمثلن مدافعين عن حقوق الإنسان أن الجلسات تؤجَّل مراراً، مما يُبقي "
        "موكليهن رهن الاحتجاز السابق للمحاكمة لأشهر.",
        "لاحظت المجموعة أن الآلية الوطنية للحماية بطيئة ومتمركزة في العاصمة ونادراً ما تصل إلى "
        "المناطق الريفية.",
        "روت بعض المشاركات أن زعماء دينيين يصمونهن بأنهن خطر على الأسرة والقيم التقليدية.",
        "أبلغت مدافعات عن الحقوق الجنسية والإنجابية عن مداهمة مكاتبهن ومصادرة حواسيبهن.",
        "أوضحت ناشطات شابات أنهن فقدن وظائفهن بعد مشاركتهن في احتجاجات سلمية.",
        "قالت المشاركات إنهن لم يعدن يشعرن بالأمان عند السفر إلى العاصمة، وإن نقاط التفتيش "
        "تُستخدم للتعرف عليهن.",
    ),
    summary_close=(
        "اتفقت الميسّرات مع المشاركات على وسيلة آمنة لإرسال مزيد من المعلومات وعلى المتابعة "
        "التي يمكنهن توقعها.",
        "اختُتمت الجلسة بنقاش حول تدابير الحماية الذاتية وجهات الاتصال في حالات الطوارئ.",
        "طلبت المشاركات من البعثة إثارة شواغلهن مع السلطات دون الكشف عن هوية من تحدثت.",
        "شرح الوفد إجراءات الرسائل وحدود ما يمكنه القيام به.",
    ),
    concerns=(
        "عدم التحقيق في التهديدات الموجهة إلى المدافعات وإفلات الجناة من العقاب.",
        "استخدام القانون الجنائي، بما في ذلك أحكام مكافحة الإرهاب والتشهير، لإسكات المدافعين "
        "عن حقوق الإنسان.",
        "حملات تشويه على الإنترنت ذات طابع جنسي تستهدف المدافعات.",
        "غياب آلية الحماية في المناطق الريفية والنائية.",
        "خطر الانتقام ممن التقوا بالبعثة.",
        "الضغوط على الأسر وإقصاء المدافعات من مجتمعاتهن.",
        "مراقبة هواتف المدافعين وحساباتهم على وسائل التواصل الاجتماعي.",
    ),
    recommendations=(
        "الاعتراف علناً وعلى أعلى مستوى بمشروعية عمل المدافعات عن حقوق الإنسان.",
        "التحقيق الفوري والنزيه في جميع التهديدات والاعتداءات على المدافعين عن حقوق الإنسان.",
        "تصميم تدابير الحماية بالتشاور مع المعنيين بها ومع مراعاة المنظور الجنساني.",
        "إلغاء أو تعديل الأحكام القانونية المستخدمة لتجريم الأنشطة السلمية.",
        "ضمان عدم تعرض أي شخص للانتقام بسبب تعاونه مع الأمم المتحدة.",
        "تزويد الآلية الوطنية للحماية بموارد كافية وبحضور خارج العاصمة.",
        "التشاور مع المجتمعات المحلية قبل منح امتيازات على أراضيها واحترام قراراتها.",
    ),
    gbv_patterns=(
        "تتلقى المدافعات تهديدات بالعنف الجنسي نادراً ما توجَّه إلى زملائهن من الرجال.",
        "تشكك حملات التشويه في أخلاق المدافعات وفي دورهن كأمهات.",
        "وصفت عدة مشاركات ضغوطاً من أقاربهن للتخلي عن نشاطهن.",
        "أدلى أفراد من الشرطة بتعليقات ذات طابع جنسي أثناء التفتيش والاحتجاز.",
        "نُشرت على الإنترنت صور حميمة مفبركة لمدافعات.",
    ),
    threat_open=(
        "أُجريت المقابلة مع الشخص المعني في {loc} في مكان من اختياره، ووافق على تسجيل "
        "المعلومات.",
        "أبلغت منظمة الشخص المعني البعثةَ بالحادثة في {loc}، ثم أكدها الشخص نفسه لاحقاً.",
        "وفقاً للرواية التي قُدمت خلال الاجتماع في {loc}، وقعت الأحداث الموصوفة أدناه على مدى "
        "عدة أسابيع.",
        "جُمعت المعلومات التالية في {loc} من الشخص المعني ومن شاهدين.",
    ),
    threat_body=(
        "أفاد الشخص المعني بأن رجلين على دراجة نارية تعقّباه بعد الاجتماع مع الوفد.",
        "هددت رسائل مجهولة المصدر بقتل الشخص المعني وأفراد أسرته إذا لم تُسحب الشكوى.",
        "اتهم مسؤول محلي الشخص المعني علناً خلال اجتماع مجتمعي بالعمل لصالح جهات أجنبية.",
        "دخل أفراد من الشرطة مكتب المنظمة دون إذن قضائي وصادروا حواسيب وملفات.",
        "استدعت النيابة العامة الشخص المعني بتهمة التشهير بعد نشر تقرير عن الاستيلاء على "
        "الأراضي.",
        "جاء رجال مسلحون ليلاً إلى منزل الأسرة وسألوا الجيران عن مكان وجود الشخص المعني.",
        "نشرت حسابات وهمية على وسائل التواصل الاجتماعي صوراً للشخص المعني مع شتائم وعنوان "
        "منزله.",
        "احتُجز الشخص المعني لعدة ساعات عند نقطة تفتيش واستُجوب بشأن اتصالاته بالأمم المتحدة.",
        "هدد حراس أمن تابعون للشركة الشخص المعني خلال احتجاج سلمي على توسيع المزرعة.",
        "تعرض شقيق الشخص المعني للضرب على يد رجال مجهولين طلبوا منه نقل تحذير.",
        "فُصل الشخص المعني من وظيفته في التدريس بعد وقت قصير من إدلائه بشهادة في جلسة استماع "
        "علنية.",
        "فُرض حظر سفر دون تفسير، مما منع الشخص المعني من حضور اجتماع في الخارج.",
        "لاحظ الشخص المعني أن هاتفه تعرض للعبث وأن محادثات خاصة اقتُبست في رسائل التهديد.",
        "أعلن زعماء المجتمع المحلي أن الشخص المعني لن يُسمح له بعد الآن بحضور الاجتماعات.",
    ),
    threat_close=(
        "لم يقدم الشخص المعني شكوى رسمية خوفاً من مزيد من الانتقام.",
        "قُدمت شكوى إلى الشرطة، لكن لا يبدو أن أي تحقيق قد فُتح.",
        "غادر الشخص المعني المنطقة مؤقتاً ويقيم لدى أقاربه.",
        "طلبت المنظمة إثارة القضية على وجه السرعة مع السلطات.",
        "طلب الشخص المعني ألا تُشارك بيانات هويته إلا مع فريق المقر.",
    ),
    reprisal_body=(
        "بدأت التهديدات بعد أيام قليلة من لقاء الشخص المعني بالمقرر الخاص وحديثه عن الوضع في "
        "المنطقة.",
        "سأل مسؤولون الشخص المعني عمّن رتّب الاجتماع مع وفد الأمم المتحدة وعمّا قيل فيه.",
        "وصفت وسائل الإعلام الرسمية المشاركين في مشاورة الأمم المتحدة بالخونة.",
        "استُجوب الشخص المعني بشأن معلومات قدمها إلى هيئة من هيئات المعاهدات.",
    ),
    previous_reprisals=(
        "احتُجز الشخص المعني لفترة وجيزة لدى عودته من دورة لمجلس حقوق الإنسان قبل عامين.",
        "استجوبت الشرطة أقارب الشخص المعني بعد زيارة سابقة للمقرر الخاص.",
        "عُلّق تسجيل المنظمة بعد أن قدمت معلومات إلى الاستعراض الدوري الشامل.",
        "لا تُعرف أعمال انتقامية سابقة، لكن زملاء تعاونوا مع الأمم المتحدة تعرضوا للمضايقة.",
    ),
    person_notes=(
        "تنسيق شبكة للمدافعات في عدة بلديات ريفية.",
        "توثيق عمليات الإخلاء المرتبطة بمشروع كهرومائي منذ عام 2019.",
        "العمل في إذاعة مجتمعية وإعداد تقارير عن الفساد المحلي.",
        "مرافقة أسر المفقودين في البحث عنهم وأمام المحاكم.",
        "يُفضَّل التواصل عبر المنظمة فقط وليس مباشرة أبداً.",
        "تهديدات متكررة وتغيير متكرر لمكان السكن.",
        "قيادة مجموعة شبابية تناضل من أجل العدالة المناخية.",
        "تقديم المساعدة القانونية للمحتجين المحتجزين، مجاناً في الغالب.",
    ),
    topics=(
        "التحرش عبر الإنترنت", "تجريم المدافعين عن حقوق الإنسان", "الأرض والإقليم",
        "آليات الحماية", "الوصول إلى العدالة", "الحقوق الجنسية والإنجابية",
        "المشاريع الاستخراجية", "حرية التعبير", "الحماية الذاتية والأمن الرقمي",
        "الانتقام بسبب التعاون مع الأمم المتحدة", "الوصم من قبل السلطات",
        "حقوق نساء الشعوب الأصلية",
    ),
    actions=(
        "إرسال رسالة ادعاء إلى الحكومة",
        "إحالة القضية إلى الآلية الوطنية للحماية",
        "الاطمئنان على سلامة المشاركات بعد شهر من الزيارة",
        "مشاركة الملخص مع الموظف المسؤول في المقر",
        "التواصل مع المنظمة بشأن المساعدة القانونية",
        "إدراج الشواغل في البيان الختامي للبعثة",
        "طلب دعم نفسي واجتماعي للمشاركات",
    ),
    owners=("منسق البعثة", "موظف حقوق الإنسان", "المقر (جنيف)"),
    unnamed_groups=(
        "عضوات في تعاونية نسائية ريفية", "المشاركات في المشاورة",
        "سكان مجتمع محلي يعارض مشروعاً للتعدين", "موظفو منظمة محلية لحقوق الإنسان",
        "طلاب شاركوا في الاحتجاج", "أسر أشخاص مفقودين",
    ),
    organisations=(
        "شبكة المدافعات في {r}", "تجمع الأرض والحياة في {r}", "جمعية حقوق الإنسان في {r}",
        "إذاعة {r} المجتمعية", "عيادة {r} القانونية",
    ),
    localities=("قرية {r}", "بلدة {r}", "{r}", "حي {r}"),
    admin_areas=(
        "المحافظة الشمالية", "المنطقة الشرقية", "المحافظة الوسطى", "المحافظة الجنوبية",
        "المنطقة الساحلية", "محافظة الهضاب",
    ),
    alias_words=(
        "نخلة", "ياسمين", "زيتونة", "نجمة", "صقر", "غيمة", "سنبلة", "فجر", "قمر", "وردة",
    ),
    tags=("متابعة", "ريفي", "للمراجعة", "نداء-عاجل", "نمط"),
    syllables=("سا", "لي", "نو", "را", "مي", "دا", "كا", "زي", "ها", "نا", "رو", "في", "بر",
               "تل", "حم", "صا"),
    family_endings=("ي", "ان", "اوي", "ين", "ة"),
    place_endings=("", "ة", "ان", "ين", "ون"),
)

_ZH = _Texts(
    sep="", list_sep="；",
    titles={
        "official_visit": "对{c}的正式国别访问，{y}年",
        "follow_up_visit": "对{c}的后续访问，{y}年",
        "consultation_round": "与{c}妇女人权维护者的磋商，{y}年",
        "online_consultation": "与{c}人权维护者的在线磋商，{y}年",
        "other": "{c}学术访问和研讨会，{y}年",
    },
    mission_notes=(
        "代表团在首都和两个省会见了政府官员、国家人权机构和民间社会代表。",
        "与女性维护者单独举行了会议，使她们能够独立发表意见。",
        "在走访的农村地区，连续数日没有网络，笔记离线保存，返回后再同步。",
        "当局保证，任何人都不会因与代表团会面而遭到报复。",
        "出于安全原因，几次会议临时更换了地点。",
        "访问结束声明突出强调了环境和土地权利维护者的处境。",
        "返回首都途中通过检查站之前，共用的笔记本电脑已清除数据。",
    ),
    summary_open=(
        "本次会议在{loc}举行，参加者是来自多个农村社区的女性人权维护者；主持人在开始前介绍了"
        "任务授权和保密规则。",
        "与会者从偏远村庄赶到{loc}，有些人路上走了一天多，以便在远离地方当局的地方与代表团见面。",
        "{loc}的磋商在与会者自己选定的社区活动室进行，没有任何官员在场。",
        "在{loc}开始讨论之前，主持人询问每位与会者希望如何使用她提供的信息，有几位要求不公开姓名。",
    ),
    summary_body=(
        "维护者们说，自上次选举以来威胁持续增加，大多通过电话或即时通讯软件发来。",
        "几位与会者表示，她们在与代表团见面后遭到跟踪，还有陌生男子拍摄她们的住所。",
        "土地权利维护者解释说，一处采矿特许区的扩张使社区分裂，反对者被称为“发展的敌人”。",
        "一名与会者说，她在揭露市政预算违规问题后被提起刑事诉讼。",
        "女记者们描述了有组织的网络攻击，既有带性别色彩的辱骂，也有关于接受境外资金的不实指控。",
        "与会者强调，威胁往往针对她们的子女和伴侣，而不是她们本人。",
        "土著妇女领袖说，社区大会把她们排除在有关土地使用的决定之外。",
        "几位维护者说，警方拒绝登记她们的报案，甚至劝她们停止活动。",
        "代理人权维护者案件的律师说，庭审一再推迟，使当事人被审前羁押长达数月。",
        "小组指出，国家保护机制效率低下，集中在首都，很少覆盖农村地区。",
        "一些与会者说，宗教领袖把她们污名化为家庭和传统价值观的威胁。",
        "从事性健康和生殖权利工作的维护者报告说，她们的办公室遭到搜查，电脑被没收。",
        "年轻活动人士说，她们在参加和平抗议后丢了工作。",
        "与会者说，她们前往首都时不再感到安全，检查站被用来识别她们的身份。",
    ),
    summary_close=(
        "主持人与与会者商定了安全传递补充信息的方式，并说明了后续跟进安排。",
        "会议最后讨论了自我保护措施和紧急情况下的联系方式。",
        "与会者请代表团向当局转达她们的关切，但不要透露发言者的身份。",
        "代表团介绍了来文程序及其工作的局限。",
    ),
    concerns=(
        "针对女性维护者的威胁未得到调查，施害者逍遥法外。",
        "利用刑法，包括反恐和诽谤条款，压制人权维护者。",
        "针对女性维护者、带有性内容的网络抹黑运动。",
        "农村和偏远地区缺乏保护机制。",
        "与代表团会面者面临遭受报复的风险。",
        "家庭受到施压，女性维护者被排斥在社区之外。",
        "维护者的电话和社交媒体账户受到监控。",
    ),
    recommendations=(
        "在最高层面公开承认女性人权维护者工作的正当性。",
        "对针对人权维护者的一切威胁和攻击进行迅速、公正的调查。",
        "与受保护者共同设计保护措施，并考虑性别因素。",
        "废除或修订被用来将和平活动定罪的法律条款。",
        "确保任何人都不会因与联合国合作而遭到报复。",
        "为国家保护机制提供充足资源，并在首都以外设立机构。",
        "在授予土地特许权之前与社区协商，并尊重社区的决定。",
    ),
    gbv_patterns=(
        "女性维护者受到性暴力威胁，而她们的男性同事很少遇到这种情况。",
        "抹黑运动质疑女性维护者的品德和她们作为母亲的角色。",
        "几位与会者讲述了亲属施压，要她们放弃维权活动。",
        "警察在搜查和拘留期间发表带有性意味的言论。",
        "网上传播了经过篡改的女性维护者私密图像。",
    ),
    threat_open=(
        "在{loc}与当事人进行了面谈，地点由当事人选定，当事人同意记录相关信息。",
        "当事人所在组织在{loc}向代表团报告了这一事件，随后当事人本人予以确认。",
        "根据在{loc}会面时的陈述，以下事件发生在几周之内。",
        "以下信息是在{loc}从当事人及两名证人处收集的。",
    ),
    threat_body=(
        "当事人说，与代表团会面后遭到两名骑摩托车的男子跟踪。",
        "匿名信息威胁说，如果不撤回投诉，就要杀死当事人及其家人。",
        "一名地方官员在社区会议上公开指责当事人为外国势力工作。",
        "警察在没有搜查令的情况下进入该组织办公室，拿走了电脑和档案。",
        "当事人发布一份关于土地掠夺的报告后，被检察院以诽谤罪名传唤。",
        "持枪男子夜间来到当事人家中，向邻居打听其下落。",
        "社交媒体上的虚假账户散布当事人的照片，附有辱骂言论和家庭住址。",
        "当事人在检查站被扣留数小时，被盘问与联合国的接触情况。",
        "在一次反对种植园扩张的和平抗议中，公司保安威胁了当事人。",
        "当事人的兄弟被不明身份的男子殴打，对方让他转达警告。",
        "当事人在公开听证会上发言后不久即被解除教职。",
        "当局在没有任何解释的情况下对当事人实施出境禁令，使其无法出席国外的一次会议。",
        "当事人发现手机被人动过手脚，威胁信息中还引用了私人谈话内容。",
        "社区领袖宣布不再允许当事人参加社区大会。",
    ),
    threat_close=(
        "当事人担心遭到进一步报复，尚未正式报案。",
        "已向警方报案，但似乎尚未立案调查。",
        "当事人已暂时离开该地区，住在亲戚家中。",
        "该组织要求紧急向当局提出此案。",
        "当事人要求身份信息只与总部团队分享。",
    ),
    reprisal_body=(
        "当事人与特别报告员会面并谈及该地区局势后不久，威胁便开始了。",
        "官员询问当事人是谁安排了与联合国代表团的会面，以及会上谈了什么。",
        "官方媒体把参加联合国磋商的人称为“叛徒”。",
        "当事人因向一个条约机构提交材料而被盘问。",
    ),
    previous_reprisals=(
        "两年前，当事人从人权理事会会议回国时曾被短暂拘留。",
        "特别报告员上次访问后，警方曾盘问当事人的亲属。",
        "该组织为普遍定期审议提交材料后，其登记被暂停。",
        "目前不知道此前有过报复，但与联合国合作的同事曾遭到骚扰。",
    ),
    person_notes=(
        "在几个农村市镇协调一个女性维护者网络。",
        "自2019年以来记录与一个水电项目有关的强迫搬迁。",
        "在社区电台担任记者，报道地方腐败问题。",
        "陪同失踪者家属寻人并出庭。",
        "希望只通过所在组织联系，切勿直接联系。",
        "多次受到威胁，经常搬家。",
        "领导一个倡导气候正义的青年团体。",
        "为被拘留的抗议者提供法律援助，通常不收费用。",
    ),
    topics=(
        "网络骚扰", "将人权维护者定罪", "土地与领地", "保护机制", "诉诸司法",
        "性健康和生殖权利", "采掘项目", "言论自由", "自我保护与数字安全",
        "因与联合国合作而遭报复", "当局的污名化", "土著妇女的权利",
    ),
    actions=(
        "向政府发出指控信", "将案件转交国家保护机制", "访问一个月后了解与会者的安全状况",
        "与总部国别负责人分享会议摘要", "就法律援助与该组织联系", "将相关关切写入访问结束声明",
        "为与会者申请心理社会支持",
    ),
    owners=("特派团协调员", "人权干事", "总部（日内瓦）"),
    unnamed_groups=(
        "一个农村妇女合作社的成员", "磋商会的与会者", "反对采矿项目的社区居民",
        "一个地方人权组织的工作人员", "参加抗议的学生", "失踪者家属",
    ),
    organisations=(
        "{r}女性维护者网络", "{r}土地与生命协会", "{r}人权协会", "{r}社区电台",
        "{r}法律援助中心",
    ),
    localities=("{r}村", "{r}镇", "{r}乡", "{r}坪"),
    admin_areas=("北部省", "东部大区", "中部地区", "南部省", "沿海地区", "西部高原地区"),
    alias_words=("木棉", "山茶", "白鹭", "青松", "竹林", "海燕", "晨星", "银杏", "云雀", "杜鹃"),
    tags=("跟进", "农村", "待审核", "紧急呼吁", "趋势"),
    syllables=("青", "石", "河", "山", "桥", "柳", "林", "溪", "岭", "湾", "平", "安", "新",
               "塘", "湖", "云"),
    family_endings=("",),
    place_endings=("",),
    name_space="",
    length=(200, 560),
)

_TEXTS: dict[str, _Texts] = {"ar": _AR, "zh": _ZH, "en": _EN, "fr": _FR, "ru": _RU, "es": _ES}

# Chinese personal names: a surname and one or two given characters.
_ZH_SURNAMES = ("林", "陈", "黄", "周", "吴", "郑", "何", "罗", "梁", "谢", "宋", "唐")
_ZH_GIVEN = ("秀", "丽", "敏", "静", "霞", "燕", "芳", "兰", "梅", "雪", "婷", "慧", "华", "明",
             "晓", "宁")
# Staff on the mission team: fictional names in Latin script.
_STAFF_SYLLABLES = ("an", "be", "ca", "del", "fi", "ga", "ho", "il", "jo", "ka", "lu", "mo",
                    "na", "or", "pe", "sa", "tor", "va")
_STAFF_ENDINGS = ("sen", "ova", "ez", "ier", "ström", "ani", "well", "dottir")

_MEDIA = (
    ("photo_{n:04d}.jpg", "image/jpeg", True),
    ("consultation_{n:03d}.m4a", "audio/mp4", True),
    ("scan_{n:03d}.pdf", "application/pdf", False),
)


# --- dates and times ---------------------------------------------------------------------------

_DAY_MIN = -1200
_DAY_MAX = SPAN_DAYS + 600
_DATES = tuple((BASE_DATE + timedelta(days=d)).isoformat() for d in range(_DAY_MIN, _DAY_MAX))


def _date(day: int) -> str:
    return _DATES[day - _DAY_MIN]


def _stamp(seconds: int, micros: int) -> str:
    """A UTC timestamp ``seconds`` after BASE_DATE, as records.utc_now() formats it."""
    day, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{_date(day)}T{hours:02d}:{minutes:02d}:{secs:02d}.{micros:06d}Z"


def _partial(day: int, precision: str) -> PartialDate:
    text = _date(day)
    if precision == "month":
        text = text[:8] + "01"
    elif precision == "year":
        text = text[:5] + "01-01"
    return PartialDate(date=text, precision=precision)


# --- the generator -----------------------------------------------------------------------------


@dataclass(slots=True)
class _MissionInfo:
    id: str
    country: _Country
    region: str
    lang: str
    kind: str
    start: int
    end: int
    team: tuple[str, ...]
    localities: dict[str, tuple[str, ...]]
    admin_areas: dict[str, tuple[str, ...]]
    people: list[tuple[str, int]] = field(default_factory=list)  # (person id, day created)


class _Generator:
    def __init__(self, seed: int, author: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self._perms: dict[int, list[tuple[int, ...]]] = {}
        self.author = author
        self.media_counter = 0
        self.staff = tuple(self._staff_name() for _ in range(48))
        self.place_roots = {lang: tuple(self._word(lang, 2, 3, t.place_endings)
                                        for _ in range(120))
                            for lang, t in _TEXTS.items()}
        self.organisations = {
            lang: tuple(self.choice(t.organisations).replace(
                "{r}", self.choice(self.place_roots[lang])) for _ in range(80))
            for lang, t in _TEXTS.items()
        }
        self.missions: list[_MissionInfo] = []
        self.mission_cum: list[float] = []

    # -- fast draws: random.Random's own choice/randint/sample dominate the run time --

    def choice(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.rng.random() * len(seq))]

    def randint(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def randrange(self, stop: int) -> int:
        return int(self.rng.random() * stop)

    def sample(self, seq: Sequence[_T], k: int) -> list[_T]:
        """``k`` distinct items of ``seq`` in random order (drawn from cached permutations)."""
        n = len(seq)
        if k * 4 <= n:  # few from many (e.g. people of a mission): draw and reject repeats
            picked: list[int] = []
            while len(picked) < k:
                i = int(self.rng.random() * n)
                if i not in picked:
                    picked.append(i)
            return [seq[i] for i in picked]
        perms = self._perms.get(n)
        if perms is None:
            perms = []
            for _ in range(_PERMUTATIONS):
                shuffled = list(range(n))
                self.rng.shuffle(shuffled)
                perms.append(tuple(shuffled))
            self._perms[n] = perms
        order = perms[int(self.rng.random() * _PERMUTATIONS)]
        return [seq[i] for i in order[:k]]

    # -- small helpers --

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _word(self, lang: str, lo: int, hi: int, endings: Sequence[str]) -> str:
        t = _TEXTS[lang]
        word = "".join(self.choice(t.syllables) for _ in range(self.randint(lo, hi)))
        word += self.choice(endings)
        return word.capitalize() if t.capitalise else word

    def _staff_name(self) -> str:
        given = "".join(self.choice(_STAFF_SYLLABLES) for _ in range(self.randint(2, 3)))
        family = "".join(self.choice(_STAFF_SYLLABLES) for _ in range(self.randint(1, 2)))
        return f"{given.capitalize()} {(family + self.choice(_STAFF_ENDINGS)).capitalize()}"

    def person_name(self, lang: str) -> str:
        if lang == "zh":
            given = "".join(self.choice(_ZH_GIVEN) for _ in range(self.randint(1, 2)))
            return self.choice(_ZH_SURNAMES) + given
        t = _TEXTS[lang]
        given = self._word(lang, 2, 3, ("",))
        family = self._word(lang, 1, 2, t.family_endings)
        return f"{given}{t.name_space}{family}"

    def times(self, day: int, edits: bool = True) -> tuple[str, str, int]:
        """created_at, updated_at and version for a record created on ``day``."""
        rng = self.rng
        created = day * 86_400 + 7 * 3600 + self.randrange(14 * 3600)
        created_at = _stamp(created, self.randrange(1_000_000))
        if not edits or rng.random() < 0.55:
            return created_at, created_at, 1
        updated = created + 600 + self.randrange(45 * 86_400)
        return created_at, _stamp(updated, self.randrange(1_000_000)), self.randint(2, 6)

    def status(self) -> str:
        return "draft" if self.rng.random() < 0.15 else "final"

    def record_lang(self, mission: _MissionInfo) -> str:
        rng = self.rng
        return mission.lang if rng.random() < 0.75 else self.choice(LANGUAGES)

    def paragraph(self, t: _Texts, opens: Sequence[str], body: Sequence[str],
                  closes: Sequence[str], loc: str, extra: Sequence[str] = ()) -> str:
        """An opening, ``extra``, body sentences in random order and a closing, of a length
        drawn from ``t.length`` (never above its upper bound)."""
        lo, hi = t.length
        target = self.randint(lo, hi)
        gap = len(t.sep)
        parts = [self.choice(opens).replace("{loc}", loc), *extra]
        closing = self.choice(closes)
        size = sum(len(p) + gap for p in parts) + len(closing)
        for sentence in self.sample(body, len(body)):
            if size >= target:
                break
            if size + len(sentence) + gap <= hi:
                parts.append(sentence)
                size += len(sentence) + gap
        parts.append(closing)
        return t.sep.join(parts)

    def sentences(self, pool: Sequence[str], lo: int, hi: int, sep: str) -> str:
        return sep.join(self.sample(pool, self.randint(lo, hi)))

    def tags(self, t: _Texts) -> list[str]:
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            return []
        return self.sample(t.tags, 1 if r < 0.9 else 2)

    def place(self, mission: _MissionInfo, lang: str, online: bool = False) -> Place:
        if online:
            return Place(country=mission.country.code)
        return Place(country=mission.country.code,
                     admin_area=self.choice(mission.admin_areas[lang]),
                     locality=self.choice(mission.localities[lang]))

    def consent(self, day: int) -> Consent:
        rng = self.rng
        if rng.random() >= 0.9:
            return Consent(obtained=False)
        share = rng.random() < 0.89
        anonymised = rng.random() < 0.25
        return Consent(
            obtained=True,
            method=_CONSENT_METHOD.pick(rng),
            date=_date(day),
            scope=ConsentScope(
                share_with_hq=share,
                share_identity_with_hq=share and rng.random() < 0.3,
                raise_with_state=rng.random() < 0.4,
                publish_anonymised=anonymised,
                publish_with_name=anonymised and rng.random() < 0.15,
            ),
        )

    def attachments(self, chance: float, added_at: str, kinds: Sequence[int]
                    ) -> list[AttachmentRef]:
        rng = self.rng
        if rng.random() >= chance:
            return []
        out: list[AttachmentRef] = []
        for _ in range(self.randint(1, 2)):
            pattern, media_type, may_identify = _MEDIA[self.choice(kinds)]
            self.media_counter += 1
            out.append(AttachmentRef(
                sha256=f"{rng.getrandbits(256):064x}",
                filename=pattern.format(n=self.media_counter % 10_000),
                media_type=media_type,
                size=self.randint(40_000, 8_000_000),
                added_at=added_at,
                may_identify=may_identify or rng.random() < 0.3,
            ))
        return out

    def pick_mission(self) -> _MissionInfo:
        rng = self.rng
        cum = self.mission_cum
        return self.missions[bisect.bisect(cum, rng.random() * cum[-1])]

    # -- records --

    def mission(self) -> Mission:
        rng = self.rng
        country = _COUNTRIES[bisect.bisect(_COUNTRY_CUM, rng.random() * _COUNTRY_CUM[-1])]
        lang = self.choice(country.languages)
        kind = _MISSION_KIND.pick(rng)
        start = self.randint(30, SPAN_DAYS - 60)
        end = start + self.randint(*_MISSION_DAYS[kind]) - 1
        team = tuple(self.sample(self.staff, self.randint(2, 5)))
        info = _MissionInfo(
            id=self.uid(), country=country, region=region_of(country.code) or "",
            lang=lang, kind=kind, start=start, end=end, team=team,
            localities={
                code: tuple(self.choice(t.localities).replace("{r}", self.choice(
                    self.place_roots[code])) for _ in range(self.randint(2, 6)))
                for code, t in _TEXTS.items()
            },
            admin_areas={code: tuple(self.sample(t.admin_areas, self.randint(1, 3)))
                         for code, t in _TEXTS.items()},
        )
        self.missions.append(info)
        weight = 0.3 if kind in ("online_consultation", "other") else rng.uniform(0.6, 2.0)
        self.mission_cum.append((self.mission_cum[-1] if self.mission_cum else 0.0) + weight)
        t = _TEXTS[lang]
        created_at, _same, _one = self.times(max(start - self.randint(14, 60), 0), edits=False)
        updated_at = _stamp((end + self.randint(1, 30)) * 86_400 + self.randrange(86_400),
                            self.randrange(1_000_000))
        title = t.titles[kind].format(c=country.names[lang], y=_date(start)[:4])
        return Mission(
            id=info.id, created_at=created_at, updated_at=updated_at,
            version=self.randint(2, 8), author=self.author,
            sensitivity="restricted" if rng.random() < 0.7 else "confidential",
            status="final" if rng.random() < 0.9 else "draft",
            tags=self.tags(t),
            title=title, kind=kind, country=country.code,
            start_date=_date(start), end_date=_date(end), team=list(team),
            notes=self.sentences(t.mission_notes, 2, 5, t.sep),
        )

    def person(self) -> Person:
        rng = self.rng
        mission = self.pick_mission()
        lang = self.record_lang(mission)
        t = _TEXTS[lang]
        day = self.randint(mission.start, mission.end)
        created_at, updated_at, version = self.times(day)
        person_id = self.uid()
        mission.people.append((person_id, day))

        gender = _GENDER.pick(rng)
        age = _AGE_GROUP.pick(rng)
        groups: list[str] = []
        if gender == "woman" and rng.random() < 0.9:
            groups.append("women_defenders")
        if age == "child":
            groups.append("child_defenders")
        if gender in ("non_binary", "another_identity") and rng.random() < 0.6:
            groups.append("lgbti_rights")
        for code in _GROUP.pick_many(rng, self.randint(1, 2)):
            if code not in groups:
                groups.append(code)

        legal_name = self.person_name(lang) if rng.random() < 0.45 else ""
        contact = ""
        if rng.random() < 0.3:
            phone = f"+000 555 {self.randrange(10_000):04d}"
            handle = legal_name.lower().replace(" ", ".")
            if handle.isascii() and handle.isprintable() and handle and rng.random() < 0.5:
                contact = f"{handle}@example.org; Signal {phone}"
            else:
                contact = phone
        return Person(
            id=person_id, created_at=created_at, updated_at=updated_at, version=version,
            author=self.author, mission_id=mission.id,
            sensitivity=_PERSON_SENSITIVITY.pick(rng), status=self.status(),
            tags=self.tags(t),
            attachments=self.attachments(0.05, created_at, (0, 2)),
            alias=f"{self.choice(t.alias_words)}-{self.randint(1, 99):02d}",
            legal_name=legal_name, contact=contact,
            gender=gender, age_group=age, groups=groups,
            organisation=self.choice(self.organisations[lang]) if rng.random() < 0.75 else "",
            location=self.place(mission, lang),
            risk_level=_RISK_LEVEL.pick(rng) if rng.random() < 0.95 else None,
            notes=self.sentences(t.person_notes, 1, 3, t.sep),
            consent=self.consent(day),
        )

    def consultation(self) -> Consultation:
        rng = self.rng
        mission = self.pick_mission()
        lang = self.record_lang(mission)
        t = _TEXTS[lang]
        day = self.randint(mission.start, mission.end)
        created_at, updated_at, version = self.times(day + (0 if rng.random() < 0.7
                                                           else self.randint(1, 10)))
        modality = ("online" if mission.kind == "online_consultation"
                    else _MODALITY.pick(rng))
        fmt = _FORMAT.pick(rng)
        participants, organisations = self._participants(fmt)
        languages = [lang]
        if mission.country.local and rng.random() < 0.5:
            languages.append(self.choice(mission.country.local))
        if lang != mission.lang and rng.random() < 0.5:
            languages.append(mission.lang)
        groups = ["women_defenders"] if fmt == "women_only_session" or rng.random() < 0.6 else []
        groups += [g for g in _GROUP.pick_many(rng, self.randint(1, 4)) if g not in groups]
        place = self.place(mission, lang, online=modality != "in_person")
        loc = place.locality or mission.localities[lang][0]
        status = self.status()
        return Consultation(
            id=self.uid(), created_at=created_at, updated_at=updated_at, version=version,
            author=self.author, mission_id=mission.id,
            sensitivity=_CONSULT_SENSITIVITY.pick(rng), status=status, tags=self.tags(t),
            attachments=self.attachments(0.12, created_at, (0, 1, 1, 2)),
            date=_date(day), place=place, modality=modality, format=fmt,
            facilitators=self.sample(mission.team, min(len(mission.team), self.randint(1, 2))),
            languages=languages, interpreter_used=len(languages) > 1,
            participants=participants, organisations_count=organisations, groups=groups,
            topics=self.sample(t.topics, self.randint(2, 5)),
            summary=self.paragraph(t, t.summary_open, t.summary_body, t.summary_close, loc),
            concerns=self.sentences(t.concerns, 1, 3, "\n"),
            recommendations=self.sentences(t.recommendations, 1, 3, "\n"),
            gender_analysis=self._gender_analysis(t, fmt),
            follow_up=self._follow_up(t, mission, day),
            consent=self.consent(day),
        )

    def _participants(self, fmt: str) -> tuple[ParticipantCounts, int]:
        rng = self.rng
        if fmt == "individual_interview":
            counts = ParticipantCounts(women=1) if rng.random() < 0.7 else (
                ParticipantCounts(men=1) if rng.random() < 0.8 else ParticipantCounts(
                    non_binary=1))
            return counts, self.randint(0, 1)
        if fmt == "women_only_session":
            counts = ParticipantCounts(
                women=self.randint(4, 40),
                non_binary=self.randint(0, 2) if rng.random() < 0.2 else 0,
                not_stated=self.randint(0, 3) if rng.random() < 0.2 else 0,
            )
        else:
            size = {"group": (6, 30), "thematic_regional_meeting": (20, 160),
                    "public_consultation": (30, 300)}[fmt]
            total = self.randint(*size)
            women = round(total * rng.uniform(0.35, 0.75))
            non_binary = self.randint(0, max(1, total // 40)) if rng.random() < 0.3 else 0
            not_stated = self.randint(0, max(1, total // 20)) if rng.random() < 0.3 else 0
            counts = ParticipantCounts(
                women=women, men=max(0, total - women - non_binary - not_stated),
                non_binary=non_binary, not_stated=not_stated,
            )
        total = counts.women + counts.men + counts.non_binary + counts.not_stated
        return counts, self.randint(1, max(1, total // 2))

    def _gender_analysis(self, t: _Texts, fmt: str) -> GenderAnalysis:
        rng = self.rng
        if fmt == "women_only_session":
            participation = self.choice(("active", "active", "leading", "some"))
            representation = "all"
            prominence = self.choice(("central", "central", "discussed"))
        else:
            participation = self.choice(("silent", "some", "some", "active", "leading"))
            representation = self.choice(("few", "about_half", "about_half", "most"))
            prominence = self.choice(("not_raised", "mentioned", "mentioned", "discussed",
                                     "central"))
        has_patterns = fmt == "women_only_session" or rng.random() < 0.4
        return GenderAnalysis(
            participation=participation if rng.random() < 0.92 else None,
            representation=representation,
            prominence=prominence,
            gbv_patterns=self.sentences(t.gbv_patterns, 1, 3, t.sep) if has_patterns else "",
            gbv_types=_GBV_TYPE.pick_many(rng, self.randint(1, 3)) if has_patterns else [],
        )

    def _follow_up(self, t: _Texts, mission: _MissionInfo, day: int) -> list[FollowUpAction]:
        rng = self.rng
        out: list[FollowUpAction] = []
        for action in self.sample(t.actions, self.choice((0, 1, 1, 2, 2, 3))):
            owner = self.choice(mission.team) if rng.random() < 0.6 else self.choice(t.owners)
            out.append(FollowUpAction(
                action=action, owner=owner,
                due_date=_date(day + self.randint(7, 90)) if rng.random() < 0.85 else None,
                done=rng.random() < 0.35,
            ))
        return out

    def threat(self, reprisal: bool) -> ThreatReport:
        rng = self.rng
        mission = self.pick_mission()
        lang = self.record_lang(mission)
        t = _TEXTS[lang]
        status = self.status()

        people = mission.people
        linked: list[tuple[str, int]] = []
        if people and rng.random() < 0.9:
            k = 1 if rng.random() < 0.8 else self.randint(2, 3)
            linked = self.sample(people, min(k, len(people)))
        unnamed = ""
        if not linked or rng.random() < 0.1:
            unnamed = self.choice(t.unnamed_groups)
        met_day = max((d for _pid, d in linked), default=mission.start)

        with_whom: list[str] = []
        if reprisal and not (status == "draft" and rng.random() < 0.25):
            if rng.random() < 0.5:
                with_whom.append("this_mission")
                if rng.random() < 0.2:
                    with_whom.append(_COOPERATION_OTHER.pick(rng))
            else:
                regional = _REGIONAL_MECHANISMS.get(mission.region, ())
                if regional and rng.random() < 0.3:
                    with_whom.append(self.choice(regional))
                with_whom += [c for c in _COOPERATION_OTHER.pick_many(rng, self.randint(1, 2))
                              if c not in with_whom][: 2 - len(with_whom)]
        met_this_mission = "this_mission" in with_whom

        if met_this_mission:
            cooperation_day = min(max(met_day, mission.start), mission.end)
            incident = cooperation_day + self.randint(1, 150)
            created = incident + self.randint(0, 30)
        else:
            created = max(self.randint(mission.start, mission.end + 30), met_day)
            incident = created - self.randint(0, 240)
            cooperation_day = incident - self.randint(20, 700)
        created = max(created, met_day)
        created_at, updated_at, version = self.times(created)

        kinds = _REPRISAL_TYPE if reprisal else _THREAT_TYPE
        n_types = self.choice((1, 1, 1, 2, 2, 3))
        threat_types = [] if status == "draft" and rng.random() < 0.3 else kinds.pick_many(
            rng, n_types)
        perpetrators = _PERPETRATOR.pick_many(rng, self.choice((1, 1, 2, 2, 3)))
        sector = None
        if "business" in perpetrators and rng.random() < 0.9:
            sector = _BUSINESS_SECTOR.pick(rng)
        channels = _CHANNEL.pick_many(rng, self.choice((1, 1, 2)))
        if "online_attack" in threat_types and "online" not in channels:
            channels.append("online")

        risk = None
        if status == "final" or rng.random() < 0.5:
            impact = self.randint(2, 5)
            if not _GRAVEST.isdisjoint(threat_types):
                impact = 5
            risk = RiskAssessment(likelihood=self.randint(1, 5), impact=impact)
        level = risk.level if risk else "medium"
        urgency = _URGENCY_BY_LEVEL[level]
        actions: list[str]
        if status == "draft" and rng.random() < 0.5:
            actions = ["none_yet"]
        else:
            actions = _ACTION.pick_many(rng, self.randint(1, 3))
            if level == "critical" and "urgent_appeal" not in actions:
                actions.insert(0, "urgent_appeal")

        precision = _PRECISION.pick(rng)
        if met_this_mission and precision == "year":  # the visit dates it at least to the month
            precision = "month"
        place = self.place(mission, lang)
        extra = [self.choice(t.reprisal_body)] if reprisal else []
        cls: type[ThreatReport] = ReprisalIncident if reprisal else ThreatReport
        record = cls(
            id=self.uid(), created_at=created_at, updated_at=updated_at, version=version,
            author=self.author, mission_id=mission.id,
            sensitivity=_INCIDENT_SENSITIVITY.pick(rng), status=status, tags=self.tags(t),
            attachments=self.attachments(0.08, created_at, (0, 2)),
            person_ids=[pid for pid, _day in linked], unnamed_group=unnamed,
            incident_date=_partial(incident, precision),
            place=place, threat_types=threat_types, channels=channels,
            perpetrators=perpetrators, business_sector=sector,
            description=self.paragraph(t, t.threat_open, t.threat_body, t.threat_close,
                                       place.locality, extra),
            risk=risk, urgency=self.choice(urgency), actions_requested=actions,
            case_status=_CASE_STATUS.pick(rng), consent=self.consent(created),
        )
        if isinstance(record, ReprisalIncident):
            if with_whom:
                when = "day" if met_this_mission else self.choice(("day", "month", "month", "year"))
                how = _COOPERATION_HOW.pick_many(rng, self.choice((1, 1, 2)))
                if met_this_mission and "meeting" not in how:
                    how.insert(0, "meeting")
                record.cooperation = Cooperation(
                    with_whom=with_whom, when=_partial(cooperation_day, when), how=how,
                )
            record.met_this_mission = met_this_mission
            record.consent_to_act = _CONSENT_TO_ACT.pick(rng)
            if rng.random() < 0.3:
                record.previous_reprisals = self.choice(t.previous_reprisals)
        return record


def _plan(count: int) -> tuple[int, int, int, int, int]:
    """How many missions, people, consultations, threats and reprisals make ``count``."""
    if count <= 0:
        return 0, 0, 0, 0, 0
    missions = min(count, MAX_MISSIONS, max(1, count // 50))
    rest = count - missions
    persons = round(rest * _SHARE_PERSONS)
    consultations = round(rest * _SHARE_CONSULTATIONS)
    reprisals = round(rest * _SHARE_REPRISALS)
    threats = rest - persons - consultations - reprisals
    if threats < 0:  # tiny counts: rounding up took too much
        reprisals += threats
        threats = 0
    return missions, persons, consultations, threats, reprisals


def generate(count: int, *, seed: int = 0, author: str = "demo",
             check: bool = False) -> Iterator[Record]:
    """Yield ``count`` synthetic records, missions and people before what links to them.

    The same ``seed`` always yields equal records. With ``check``, every record is also run
    through :func:`validate` and a ``ValueError`` is raised on the first invalid one (the
    generator is built never to produce one; this is for tests and paranoid callers).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    n_missions, n_persons, n_consultations, n_threats, n_reprisals = _plan(count)
    gen = _Generator(seed, author)

    def emit(record: Record) -> Record:
        normalise(record)
        if check:
            errors = validate(record)
            if errors:
                raise ValueError(f"invalid demo {record.type}: {errors}")
        return record

    for _ in range(n_missions):
        yield emit(gen.mission())
    for _ in range(n_persons):
        yield emit(gen.person())
    order = ["c"] * n_consultations + ["t"] * n_threats + ["r"] * n_reprisals
    gen.rng.shuffle(order)
    for kind in order:
        if kind == "c":
            yield emit(gen.consultation())
        else:
            yield emit(gen.threat(reprisal=kind == "r"))


def demo_batch(count: int, seed: int = 0) -> list[Record]:
    """All of :func:`generate` at once, for callers that want a list."""
    # The records hold no reference cycles, but the cyclic collector would rescan the growing
    # list again and again (about 40 % of the time for 100,000 records): pause it meanwhile.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return list(generate(count, seed=seed))
    finally:
        if was_enabled:
            gc.enable()
