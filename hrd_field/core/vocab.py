"""Controlled vocabularies: stable machine codes with English labels marked for translation.

Codes are what records, bundles and the HQ store carry; they never change once released.
Labels are shown through the translation layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_, _


@dataclass(frozen=True)
class Vocabulary:
    name: str
    title: str
    terms: tuple[tuple[str, str], ...]

    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.terms)

    def __contains__(self, code: object) -> bool:
        return any(code == c for c, _label in self.terms)

    def label(self, code: str) -> str:
        for c, label in self.terms:
            if c == code:
                return _(label)
        return code


def _vocab(name: str, title: str, *terms: tuple[str, str]) -> Vocabulary:
    vocab = Vocabulary(name, title, terms)
    VOCABULARIES[name] = vocab
    return vocab


VOCABULARIES: dict[str, Vocabulary] = {}

RECORD_TYPE = _vocab(
    "record_type", N_("Record type"),
    ("mission", N_("Mission")),
    ("person", N_("Person")),
    ("consultation", N_("Consultation")),
    ("threat_report", N_("Threat report")),
    ("reprisal_incident", N_("Reprisal incident")),
    ("communication", N_("Communication")),
    ("recommendation", N_("Recommendation")),
    ("legislation", N_("Legislation")),
)
STATUS = _vocab(
    "status", N_("Status"),
    ("draft", N_("Draft")),
    ("final", N_("Final")),
)
SENSITIVITY = _vocab(
    "sensitivity", N_("Sensitivity"),
    ("restricted", N_("Restricted")),
    ("confidential", N_("Confidential")),
    ("strictly_confidential", N_("Strictly confidential")),
)
MISSION_KIND = _vocab(
    "mission_kind", N_("Kind of mission"),
    ("official_visit", N_("Official country visit")),
    ("follow_up_visit", N_("Follow-up visit")),
    ("consultation_round", N_("Consultation round")),
    ("online_consultation", N_("Online consultation")),
    ("other", N_("Other")),
)
REGION = _vocab(
    "region", N_("Region"),
    ("asia_pacific", N_("Asia-Pacific")),
    ("americas", N_("The Americas")),
    ("mena", N_("Middle East and North Africa")),
    ("europe_central_asia", N_("Europe and Central Asia")),
    ("africa", N_("Africa")),
)
GENDER = _vocab(
    "gender", N_("Gender"),
    ("woman", N_("Woman")),
    ("man", N_("Man")),
    ("non_binary", N_("Non-binary")),
    ("another_identity", N_("Another identity")),
    ("prefers_not_to_say", N_("Prefers not to say")),
)
AGE_GROUP = _vocab(
    "age_group", N_("Age group"),
    ("child", N_("Child")),
    ("youth", N_("Youth")),
    ("adult", N_("Adult")),
    ("older_person", N_("Older person")),
    ("not_stated", N_("Not stated")),
)
GROUP_AT_RISK = _vocab(
    "group_at_risk", N_("Groups at risk"),
    ("women_defenders", N_("Women human rights defenders")),
    ("lgbti_rights", N_("Defenders of the rights of LGBTI persons")),
    ("child_defenders", N_("Child human rights defenders")),
    ("defenders_with_disabilities", N_("Defenders with disabilities")),
    ("migrants_rights", N_("Defenders of migrants' rights")),
    ("climate", N_("Climate defenders")),
    ("environment_land", N_("Environmental and land rights defenders")),
    ("indigenous_peoples", N_("Indigenous peoples' rights defenders")),
    ("remote_areas", N_("Defenders in remote or isolated areas")),
    ("journalists_bloggers", N_("Journalists and bloggers")),
    ("anti_corruption", N_("Anti-corruption defenders")),
    ("business_human_rights", N_("Defenders working on business and human rights")),
    ("whistle_blowers", N_("Whistle-blowers")),
    ("community_leaders", N_("Community leaders")),
    ("trade_unionists", N_("Trade unionists")),
    ("lawyers", N_("Lawyers")),
    ("health_workers", N_("Health workers")),
    ("long_term_prisoners", N_("Defenders serving long prison terms")),
)
RISK_LEVEL = _vocab(
    "risk_level", N_("Risk level"),
    ("low", N_("Low")),
    ("medium", N_("Medium")),
    ("high", N_("High")),
    ("critical", N_("Critical")),
)
MODALITY = _vocab(
    "modality", N_("Modality"),
    ("in_person", N_("In person")),
    ("online", N_("Online")),
    ("phone", N_("Phone")),
)
CONSULTATION_FORMAT = _vocab(
    "consultation_format", N_("Format"),
    ("individual_interview", N_("Individual interview")),
    ("group", N_("Group consultation")),
    ("women_only_session", N_("Women-only session")),
    ("thematic_regional_meeting", N_("Thematic or regional meeting")),
    ("public_consultation", N_("Public consultation")),
)
DATE_PRECISION = _vocab(
    "date_precision", N_("Date precision"),
    ("day", N_("Exact day")),
    ("month", N_("Month only")),
    ("year", N_("Year only")),
)
THREAT_TYPE = _vocab(
    "threat_type", N_("Type of threat or violation"),
    ("death_threat", N_("Death threat")),
    ("threat_against_family", N_("Threat against family members")),
    ("physical_attack", N_("Physical attack")),
    ("killing", N_("Killing")),
    ("attempted_killing", N_("Attempted killing")),
    ("enforced_disappearance", N_("Enforced disappearance")),
    ("abduction", N_("Abduction or kidnapping")),
    ("arbitrary_detention", N_("Arbitrary arrest or detention")),
    ("judicial_harassment", N_("Judicial harassment (criminalisation, spurious charges)")),
    ("long_prison_sentence", N_("Long prison sentence")),
    ("torture", N_("Torture or ill-treatment")),
    ("sexual_gender_based_violence", N_("Sexual or gender-based violence")),
    ("smear_campaign", N_("Smear campaign, defamation or stigmatisation")),
    ("online_attack", N_("Online attack or harassment")),
    ("unlawful_surveillance", N_("Unlawful surveillance")),
    ("travel_ban", N_("Travel ban")),
    ("citizenship_stripping", N_("Stripping of citizenship")),
    ("raid_confiscation", N_("Raid or confiscation")),
    ("police_harassment", N_("Harassment or intimidation by police")),
    ("economic_pressure", N_("Dismissal or economic pressure")),
    ("family_community_exclusion", N_("Exclusion or repudiation by family or community")),
    ("other", N_("Other")),
)
CHANNEL = _vocab(
    "channel", N_("Channel"),
    ("in_person", N_("In person")),
    ("online", N_("Online")),
    ("phone_or_message", N_("Phone or message")),
    ("letter", N_("Letter")),
    ("via_family_or_community", N_("Via family or community")),
)
PERPETRATOR = _vocab(
    "perpetrator", N_("Alleged perpetrators"),
    ("state_police", N_("State: police")),
    ("state_military", N_("State: military")),
    ("state_judiciary", N_("State: judiciary")),
    ("state_local_officials", N_("State: local officials")),
    ("state_national_officials", N_("State: national officials")),
    ("state_intelligence", N_("State: intelligence services")),
    ("business", N_("Business or company")),
    ("financial_institution", N_("Financial institution")),
    ("armed_group", N_("Armed group")),
    ("criminal_group", N_("Criminal group")),
    ("community_religious_leaders", N_("Community or religious leaders")),
    ("family_members", N_("Family members")),
    ("online_actors", N_("Online actors")),
    ("unknown", N_("Unknown")),
)
BUSINESS_SECTOR = _vocab(
    "business_sector", N_("Business sector"),
    ("extractive", N_("Extractive industries")),
    ("wood", N_("Wood and logging")),
    ("hydroelectric", N_("Hydroelectric")),
    ("agribusiness", N_("Agribusiness")),
    ("other", N_("Other")),
)
URGENCY = _vocab(
    "urgency", N_("Urgency"),
    ("routine", N_("Routine")),
    ("urgent", N_("Urgent")),
    ("immediate_danger", N_("Immediate danger")),
)
ACTION_REQUESTED = _vocab(
    "action_requested", N_("Action requested"),
    ("urgent_appeal", N_("Urgent appeal")),
    ("letter_of_allegation", N_("Letter of allegation")),
    ("press_statement", N_("Press statement")),
    ("protection_programme", N_("Referral to a protection programme")),
    ("relocation", N_("Relocation")),
    ("legal_aid", N_("Legal aid")),
    ("medical_psychosocial", N_("Medical or psychosocial support")),
    ("none_yet", N_("None yet")),
)
CASE_STATUS = _vocab(
    "case_status", N_("Case status"),
    ("open", N_("Open")),
    ("monitoring", N_("Monitoring")),
    ("closed", N_("Closed")),
)
COOPERATION_WITH = _vocab(
    "cooperation_with", N_("Cooperation with"),
    ("this_mission", N_("This mission")),
    ("previous_sr_visit", N_("A previous visit by the Special Rapporteur")),
    ("hrc_session", N_("Human Rights Council session")),
    ("upr", N_("Universal periodic review")),
    ("treaty_body", N_("Treaty body")),
    ("ohchr_field_presence", N_("OHCHR field presence or UN country team")),
    ("african_commission", N_("African Commission on Human and Peoples' Rights")),
    ("inter_american_commission", N_("Inter-American Commission on Human Rights")),
    ("council_of_europe", N_("Council of Europe")),
    ("osce_odihr", N_("OSCE/ODIHR")),
    ("european_union", N_("European Union")),
)
COOPERATION_HOW = _vocab(
    "cooperation_how", N_("Form of cooperation"),
    ("meeting", N_("Meeting")),
    ("submission", N_("Submission of information")),
    ("testimony", N_("Testimony")),
    ("travel_to_geneva", N_("Travel to Geneva")),
)
CONSENT_TO_ACT = _vocab(
    "consent_to_act", N_("Consent to act"),
    ("internal_only", N_("Keep internal only")),
    ("raise_confidentially", N_("Raise with the State confidentially")),
    ("sg_report", N_("Include in the Secretary-General's annual report on reprisals")),
    ("make_public", N_("Make public")),
)
CONSENT_METHOD = _vocab(
    "consent_method", N_("How consent was given"),
    ("verbal", N_("Verbal")),
    ("written", N_("Written")),
    ("recorded", N_("Recorded")),
)
REPRESENTATION = _vocab(
    "representation", N_("Representation of women defenders"),
    ("none", N_("None")),
    ("few", N_("Few")),
    ("about_half", N_("About half")),
    ("most", N_("Most")),
    ("all", N_("All")),
)
PROMINENCE = _vocab(
    "prominence", N_("Prominence of women's rights on the agenda"),
    ("not_raised", N_("Not raised")),
    ("mentioned", N_("Mentioned")),
    ("discussed", N_("Discussed at length")),
    ("central", N_("Central theme")),
)
PARTICIPATION = _vocab(
    "participation", N_("Level of participation of women"),
    ("silent", N_("Present but mostly silent")),
    ("some", N_("Some contributions")),
    ("active", N_("Active participation")),
    ("leading", N_("Led the discussion")),
)
