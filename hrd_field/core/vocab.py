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
FIELD_RECORD_TYPES = ("mission", "person", "consultation", "threat_report", "reprisal_incident")
"""The types a field vault holds: the keys of ``records.RECORD_TYPES``, here for code that
needs only the codes (the window's menus: the record classes are not loaded before the
lock screen is shown)."""
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
# What used to be one list of "groups at risk" mixed what defenders defend, what they do and
# who they are (and repeated gender): three lists now, each answering one question. The old
# codes are mapped in core/legacy.py.
RIGHTS_DEFENDED = _vocab(
    "rights_defended", N_("Rights defended or field of work"),
    ("womens_rights", N_("Women's rights")),
    ("lgbti_rights", N_("Rights of LGBTI persons")),
    ("land_environment", N_("Land and environmental rights")),
    ("climate", N_("Climate justice")),
    ("indigenous_rights", N_("Indigenous peoples' rights")),
    ("business_human_rights", N_("Business and human rights")),
    ("labour_rights", N_("Labour rights")),
    ("anti_corruption", N_("Anti-corruption")),
    ("escr", N_("Economic, social and cultural rights")),
    ("disability_rights", N_("Rights of persons with disabilities")),
    ("minority_rights", N_("Minority rights")),
    ("migrants_rights", N_("Migrants' and refugees' rights")),
    ("childrens_rights", N_("Children's rights")),
    ("civil_political_rights", N_("Civil and political rights")),
    ("other", N_("Other")),
)
PROFESSION = _vocab(
    "profession", N_("Profession or role"),
    ("lawyer", N_("Lawyer")),
    ("journalist", N_("Journalist or blogger")),
    ("trade_unionist", N_("Trade unionist")),
    ("academic", N_("Academic")),
    ("health_worker", N_("Health worker")),
    ("student", N_("Student")),
    ("community_leader", N_("Community leader or volunteer")),
    ("ngo_staff", N_("Staff of a non-governmental organisation")),
    ("whistle_blower", N_("Whistle-blower")),
    ("other", N_("Other")),
)
SITUATION = _vocab(
    "situation", N_("Situation or identity"),
    ("indigenous", N_("Indigenous person")),
    ("minority", N_("Member of a minority")),
    ("lgbti", N_("LGBTI person")),
    ("child", N_("Child")),
    ("older_person", N_("Older person")),
    ("disability", N_("Person with disabilities")),
    ("migrant_displaced", N_("Migrant, refugee or displaced person")),
    ("remote_area", N_("In a remote or isolated area")),
    ("in_detention", N_("In detention")),
    ("in_exile", N_("In exile")),
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
# Online and offline are channels, not types: an online smear campaign is a smear campaign
# through the online channel. Who acted is the perpetrator, not part of the type.
THREAT_TYPE = _vocab(
    "threat_type", N_("Type of threat or violation"),
    ("threat_intimidation_harassment", N_("Threat, intimidation or harassment")),
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
    ("unlawful_surveillance", N_("Unlawful surveillance")),
    ("travel_ban", N_("Travel ban")),
    ("citizenship_stripping", N_("Stripping of citizenship")),
    ("raid_confiscation", N_("Raid or confiscation")),
    ("economic_pressure", N_("Dismissal or economic pressure")),
    ("family_community_exclusion", N_("Exclusion or repudiation by family or community")),
    ("digital_attack", N_("Hacking or other digital attack")),
    ("attack_at_un_premises", N_("Attack or intimidation at UN premises or meetings")),
    ("other", N_("Other")),
)
CHARGE = _vocab(
    "charge", N_("Pretext or charge used"),
    ("counter_terrorism", N_("Terrorism or extremism")),
    ("national_security", N_("National security, treason or espionage")),
    ("defamation", N_("Defamation, insult or false information")),
    ("foreign_agent_funding", N_("Foreign-agent or foreign-funding laws")),
    ("unregistered_organisation", N_("Unregistered or banned organisation")),
    ("public_order", N_("Public order, unlawful assembly or protest")),
    ("cybercrime", N_("Cybercrime")),
    ("tax_financial", N_("Tax or financial offences")),
    ("trespass_property", N_("Trespass, usurpation or damage to property")),
    ("incitement", N_("Incitement or hate speech")),
    ("immigration", N_("Immigration or residence offences")),
    ("other", N_("Other")),
)
SENTENCE = _vocab(
    "sentence", N_("Sentence"),
    ("pending", N_("Proceedings pending")),
    ("acquitted", N_("Acquitted or charges dropped")),
    ("fine", N_("Fine")),
    ("suspended", N_("Suspended sentence or probation")),
    ("prison_under_5", N_("Prison, less than 5 years")),
    ("prison_5_to_10", N_("Prison, 5 to 10 years")),
    ("prison_over_10", N_("Prison, more than 10 years or life")),
    ("death_penalty", N_("Death penalty")),
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
    ("state_judiciary", N_("State: prosecutor or judiciary")),
    ("state_media", N_("State-run media")),
    ("state_local_officials", N_("State: local officials")),
    ("state_national_officials", N_("State: national officials")),
    ("state_intelligence", N_("State: intelligence services")),
    ("business", N_("Business or company")),
    ("business_contractor", N_("Parent company, affiliate or contractor of a business")),
    ("private_security", N_("Private security company")),
    ("financial_institution", N_("Financial institution")),
    ("armed_group", N_("Armed group")),
    ("criminal_group", N_("Criminal group")),
    ("community_religious_leaders", N_("Community or religious leaders")),
    ("fundamentalist_nationalist", N_("Fundamentalist or nationalist movement")),
    ("community_members", N_("Community members")),
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
    ("other_special_procedures", N_("Other special procedures")),
    ("peace_operation", N_("UN peace operation or political mission")),
    ("ohchr_field_presence", N_("OHCHR field presence or UN country team")),
    ("african_commission", N_("African Commission on Human and Peoples' Rights")),
    ("inter_american_commission", N_("Inter-American Commission on Human Rights")),
    ("council_of_europe", N_("Council of Europe")),
    ("osce_odihr", N_("OSCE/ODIHR")),
    ("european_union", N_("European Union")),
    ("african_court", N_("African Court on Human and Peoples' Rights")),
    ("inter_american_court", N_("Inter-American Court of Human Rights")),
    ("european_court", N_("European Court of Human Rights")),
    ("asean_ichr", N_("ASEAN Intergovernmental Commission on Human Rights")),
    ("arab_committee", N_("Arab Human Rights Committee")),
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
CONSULTATION_THEME = _vocab(
    "consultation_theme", N_("Themes"),
    ("protection", N_("Protection and security of defenders")),
    ("criminalisation", N_("Criminalisation and judicial harassment")),
    ("reprisals", N_("Reprisals for cooperation with the UN")),
    ("gender_based_violence", N_("Gender-based violence against defenders")),
    ("online_safety", N_("Online harassment and digital security")),
    ("civic_space", N_("Civic space, registration and funding")),
    ("land_environment", N_("Land, environment and climate")),
    ("business_human_rights", N_("Business and human rights")),
    ("indigenous_rights", N_("Indigenous peoples' rights")),
    ("lgbti_rights", N_("Rights of LGBTI persons")),
    ("wellbeing", N_("Well-being and psychosocial support")),
    ("recognition", N_("Recognition and stigmatisation of defenders")),
    ("participation", N_("Participation in public decision-making")),
    ("other", N_("Other")),
)
REVIEW_REASON = _vocab(
    "review_reason", N_("Needs review"),
    ("consent_contradiction", N_("Consent to act contradicts the consent scope")),
)
