"""HQ casework records: communications to States, visit recommendations, national legislation.

These types exist only at headquarters. They are declared like the field records (one ``fld``
per field, so validation, the JSON Schema, docs/records.md, search and the editors all read
them from here), but they never enter a field vault and never travel in a field bundle.
The field names are part of the public record format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .fields import fld
from .i18n import N_
from .records import RECORD_TYPES, SECTIONS, ParticipantCounts, Record
from .vocab import _vocab

DEFAULT_REPLY_DAYS = 60  # States have 60 days to reply to a communication (2020 report §13)

COMMUNICATION_KIND = _vocab(
    "communication_kind", N_("Kind of communication"),
    ("urgent_appeal", N_("Urgent appeal")),
    ("letter_of_allegation", N_("Letter of allegation")),
    ("other_letter", N_("Other letter")),
)
COMMUNICATION_STATUS = _vocab(
    "communication_status", N_("Status of the communication"),
    ("draft", N_("Draft")),
    ("sent", N_("Sent")),
    ("closed", N_("Closed")),
)
COMMUNICATION_SUBJECT = _vocab(
    "communication_subject", N_("Subject"),
    ("reprisal_for_cooperation", N_("Reprisal for cooperation with the UN")),
    ("legislation", N_("Legislation")),
    ("women_defenders", N_("Women human rights defenders")),
)
REPLY_ASSESSMENT = _vocab(
    "reply_assessment", N_("Assessment of the reply"),
    ("none", N_("No substantive content")),
    ("general_or_evasive", N_("General or evasive")),
    ("incomplete", N_("Incomplete")),
    ("substantive", N_("Substantive")),
)
COMMUNICATION_OUTCOME = _vocab(
    "communication_outcome", N_("Outcome"),
    ("unknown", N_("Not known")),
    ("situation_unchanged", N_("Situation unchanged")),
    ("situation_improved", N_("Situation improved")),
    ("released_or_charges_dropped", N_("Released or charges dropped")),
    ("protection_granted", N_("Protection measures granted")),
    ("investigation_opened", N_("Investigation opened")),
    ("situation_worsened", N_("Situation worsened")),
)
RECOMMENDATION_ADDRESSEE = _vocab(
    "recommendation_addressee", N_("Addressee"),
    ("government", N_("Government")),
    ("parliament", N_("Parliament")),
    ("judiciary", N_("Judiciary")),
    ("national_institution", N_("National human rights institution")),
    ("business", N_("Business")),
    ("civil_society", N_("Civil society")),
    ("international_community", N_("International community and donors")),
    ("un_system", N_("United Nations system")),
    ("other", N_("Other")),
)
RECOMMENDATION_THEME = _vocab(
    "recommendation_theme", N_("Theme"),
    ("legal_framework", N_("Legal framework")),
    ("protection_mechanism", N_("Protection mechanism")),
    ("impunity", N_("Investigation and impunity")),
    ("criminalisation", N_("Criminalisation of defenders")),
    ("women_defenders", N_("Women human rights defenders")),
    ("reprisals", N_("Reprisals")),
    ("business_human_rights", N_("Business and human rights")),
    ("land_environment", N_("Land and environment")),
    ("civic_space", N_("Civic space (association, assembly, expression)")),
    ("other", N_("Other")),
)
IMPLEMENTATION_STATUS = _vocab(
    "implementation_status", N_("Implementation"),
    ("not_implemented", N_("Not implemented")),
    ("partially_implemented", N_("Partially implemented")),
    ("implemented", N_("Implemented")),
    ("no_information", N_("No information")),
)
LEGISLATION_KIND = _vocab(
    "legislation_kind", N_("Kind of text"),
    ("law", N_("Law")),
    ("bill", N_("Bill")),
    ("decree", N_("Decree")),
    ("regulation", N_("Regulation")),
)
LEGISLATIVE_STATUS = _vocab(
    "legislative_status", N_("Legislative status"),
    ("draft", N_("Draft")),
    ("adopted", N_("Adopted")),
    ("amended", N_("Amended")),
    ("repealed", N_("Repealed")),
    ("struck_down", N_("Struck down by a court")),
)
EFFECT_ON_DEFENDERS = _vocab(
    "effect_on_defenders", N_("Effect on defenders"),
    ("restrictive", N_("Restrictive")),
    ("protective", N_("Protective")),
    ("mixed", N_("Mixed")),
)
LEGISLATION_TOPIC = _vocab(
    "legislation_topic", N_("Topics"),
    ("ngo_registration_funding", N_("NGO registration and funding")),
    ("foreign_agents", N_("Foreign agents")),
    ("counter_terrorism", N_("Counter-terrorism and security")),
    ("assembly", N_("Peaceful assembly")),
    ("expression", N_("Freedom of expression")),
    ("cyber", N_("Cybercrime and online content")),
    ("protection_mechanism", N_("Protection of defenders")),
    ("defamation", N_("Defamation and blasphemy")),
    ("other", N_("Other")),
)


# --- nested values ----------------------------------------------------------------------------


@dataclass(kw_only=True)
class Reply:
    received_on: str = fld(N_("Received on"), default="", fmt="date", required=True)
    assessment: str = fld(N_("Assessment of the reply"), default="none",
                          vocab="reply_assessment")
    reference: str = fld(N_("Reference of the reply"), default="", max_length=200)
    summary: str = fld(N_("Summary"), default="", long=True)


@dataclass(kw_only=True)
class Reminder:
    sent_on: str = fld(N_("Sent on"), default="", fmt="date", required=True)
    note: str = fld(N_("Note"), default="")


@dataclass(kw_only=True)
class FollowUpLetter:
    sent_on: str = fld(N_("Sent on"), default="", fmt="date", required=True)
    reference: str = fld(N_("Reference"), default="", max_length=200)
    summary: str = fld(N_("Summary"), default="", long=True)


@dataclass(kw_only=True)
class PublicStatement:
    date: str = fld(N_("Date"), default="", fmt="date", required=True)
    title: str = fld(N_("Title"), default="")
    url: str = fld(N_("Web address"), default="", max_length=2000)


@dataclass(kw_only=True)
class RecommendationSource:
    visit: str = fld(N_("Visit or mission"), default="")
    report_symbol: str = fld(N_("Report symbol"), default="", max_length=100)
    paragraph: str = fld(N_("Paragraph"), default="", max_length=50)


@dataclass(kw_only=True)
class ImplementationChange:
    date: str = fld(N_("Date"), default="", fmt="date", required=True)
    status: str = fld(N_("Implementation"), default="no_information",
                      vocab="implementation_status")
    source: str = fld(N_("Source of the information"), default="")
    notes: str = fld(N_("Notes"), default="", long=True)


@dataclass(kw_only=True)
class LegislativeChange:
    date: str = fld(N_("Date"), default="", fmt="date", required=True)
    status: str = fld(N_("Legislative status"), default="draft", vocab="legislative_status")
    source: str = fld(N_("Source"), default="")
    notes: str = fld(N_("Notes"), default="", long=True)


# --- records ----------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Communication(Record):
    """A letter of the mandate to a State (or a non-State addressee, 2017 report §62)."""

    TYPE: ClassVar[str] = "communication"
    LABEL: ClassVar[str] = N_("Communication")
    HAS_CONSENT: ClassVar[bool] = False

    # The record's own status here is the letter's: draft, sent, closed.
    status: str = fld(N_("Status"), default="draft", vocab="communication_status",
                      section="record")
    kind: str = fld(N_("Kind of communication"), default="urgent_appeal",
                    vocab="communication_kind", section="communication")
    reference: str = fld(N_("Reference"), default="", max_length=100, section="communication",
                         help=N_("For example: UA COL 3/2026"))
    state: str | None = fld(N_("State"), default=None, fmt="country", section="communication")
    non_state_addressee: str = fld(N_("Non-State addressee"), default="",
                                   section="communication",
                                   help=N_("A business or another actor the letter goes to."))
    region: str | None = fld(N_("Region"), default=None, vocab="region", derived=True,
                             section="communication")
    joint_with: list[str] = fld(N_("Joint with (other mandates)"), factory=list,
                                max_length=200, section="communication")
    sent_on: str | None = fld(N_("Sent on"), default=None, fmt="date", section="deadline")
    reply_period_days: int = fld(N_("Days the State has to reply"),
                                 default=DEFAULT_REPLY_DAYS, minimum=1, maximum=365,
                                 section="deadline")
    reply_due: str | None = fld(N_("Reply due"), default=None, fmt="date", derived=True,
                                section="deadline")
    record_ids: list[str] = fld(N_("Records concerned"), factory=list, fmt="uuid",
                                section="concerns",
                                help=N_("Threat reports, reprisals and people held at HQ."))
    individuals: ParticipantCounts = fld(N_("Individuals concerned by gender"),
                                         factory=ParticipantCounts, section="concerns")
    subjects: list[str] = fld(N_("Subjects"), factory=list, vocab="communication_subject",
                              section="concerns")
    summary: str = fld(N_("Summary of the allegations"), default="", long=True,
                       section="concerns")
    replies: list[Reply] = fld(N_("Replies of the State"), factory=list, section="replies")
    reminders: list[Reminder] = fld(N_("Reminders sent"), factory=list, section="replies")
    follow_up_letters: list[FollowUpLetter] = fld(N_("Follow-up letters"), factory=list,
                                                  section="replies")
    public_statement: PublicStatement | None = fld(N_("Public statement or press release"),
                                                   default=None, section="outcome")
    outcome: str | None = fld(N_("Outcome"), default=None, vocab="communication_outcome",
                              section="outcome")
    notes: str = fld(N_("Notes"), default="", long=True, section="outcome")


@dataclass(kw_only=True)
class Recommendation(Record):
    TYPE: ClassVar[str] = "recommendation"
    LABEL: ClassVar[str] = N_("Recommendation")
    HAS_CONSENT: ClassVar[bool] = False

    source: RecommendationSource = fld(N_("Source"), factory=RecommendationSource,
                                       section="recommendation")
    country: str | None = fld(N_("Country"), default=None, fmt="country",
                              section="recommendation")
    region: str | None = fld(N_("Region"), default=None, vocab="region", derived=True,
                             section="recommendation")
    addressee: str = fld(N_("Addressee"), default="government",
                         vocab="recommendation_addressee", section="recommendation")
    theme: str | None = fld(N_("Theme"), default=None, vocab="recommendation_theme",
                            section="recommendation")
    text: str = fld(N_("Text of the recommendation"), default="", long=True, required=True,
                    section="recommendation")
    implementation_status: str | None = fld(
        N_("Implementation"), default=None, vocab="implementation_status", derived=True,
        section="implementation")
    status_history: list[ImplementationChange] = fld(
        N_("Implementation history"), factory=list, section="implementation")


@dataclass(kw_only=True)
class Legislation(Record):
    TYPE: ClassVar[str] = "legislation"
    LABEL: ClassVar[str] = N_("Legislation")
    HAS_CONSENT: ClassVar[bool] = False

    country: str | None = fld(N_("Country"), default=None, fmt="country",
                              section="legislation")
    region: str | None = fld(N_("Region"), default=None, vocab="region", derived=True,
                             section="legislation")
    title: str = fld(N_("Title"), default="", required=True, section="legislation")
    kind: str = fld(N_("Kind of text"), default="law", vocab="legislation_kind",
                    section="legislation")
    reference: str = fld(N_("Official reference"), default="", max_length=200,
                         section="legislation")
    effect: str | None = fld(N_("Effect on defenders"), default=None,
                             vocab="effect_on_defenders", section="legislation")
    topics: list[str] = fld(N_("Topics"), factory=list, vocab="legislation_topic",
                            section="legislation")
    summary: str = fld(N_("Summary"), default="", long=True, section="legislation")
    legislative_status: str | None = fld(N_("Legislative status"), default=None,
                                         vocab="legislative_status", derived=True,
                                         section="history")
    status_history: list[LegislativeChange] = fld(N_("Status history"), factory=list,
                                                  section="history")
    communication_ids: list[str] = fld(N_("Communications about it"), factory=list,
                                       fmt="uuid", section="history")


HQ_RECORD_TYPES: dict[str, type[Record]] = {
    cls.TYPE: cls for cls in (Communication, Recommendation, Legislation)
}
ALL_RECORD_TYPES: dict[str, type[Record]] = {**RECORD_TYPES, **HQ_RECORD_TYPES}

# What a communication may concern: records received from the field.
LINKABLE_TYPES = ("threat_report", "reprisal_incident", "person")

CASEWORK_SECTIONS: dict[str, str] = {
    "communication": N_("Communication"),
    "deadline": N_("Reply deadline"),
    "concerns": N_("Who and what it concerns"),
    "replies": N_("Replies and follow-up"),
    "outcome": N_("Outcome"),
    "recommendation": N_("Recommendation"),
    "implementation": N_("Implementation"),
    "legislation": N_("Legislation"),
    "history": N_("History"),
}


@dataclass(kw_only=True)
class ReprisalAnnotation:
    """What HQ adds to a received reprisal incident. Kept apart from the record, so a later
    version from the field never overwrites it, and never sent back to the field."""

    record_id: str = fld(N_("Reprisal incident"), default="", fmt="uuid", required=True)
    sg_report_year: int | None = fld(
        N_("Included in the Secretary-General's report of"), default=None, minimum=2010,
        maximum=2100)
    communication_ids: list[str] = fld(N_("Communications about it"), factory=list,
                                       fmt="uuid")
    repeat_victim: bool = fld(N_("Repeat victim"), default=False,
                              help=N_("The same person suffered earlier reprisals."))
    notes: str = fld(N_("HQ notes"), default="", long=True)
    updated_at: str = fld(N_("Updated"), default="", fmt="datetime")
SECTIONS.update(CASEWORK_SECTIONS)  # the editors title casework sections like field ones
