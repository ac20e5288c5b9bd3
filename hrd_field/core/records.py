"""The records a field team keeps: plain dataclasses, declared once with their metadata."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from .fields import TAG_MAX, fld
from .i18n import N_


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return str(uuid.uuid4())


# --- nested value objects -------------------------------------------------------------------


@dataclass(kw_only=True)
class Place:
    country: str | None = fld(N_("Country"), default=None, fmt="country")
    admin_area: str = fld(N_("Administrative area"), default="")
    locality: str = fld(N_("Locality"), default="")


@dataclass(kw_only=True)
class PartialDate:
    """A date known to the day, the month or only the year (``date`` is the period's start)."""

    date: str = fld(N_("Date"), default="", fmt="date", required=True)
    precision: str = fld(N_("Precision"), default="day", vocab="date_precision")


@dataclass(kw_only=True)
class ConsentScope:
    share_with_hq: bool = fld(
        N_("Share this record with headquarters"), default=False,
        help=N_("Without this, the record never leaves this laptop."),
    )
    share_identity_with_hq: bool = fld(
        N_("Share names and contact details with headquarters"), default=False,
        help=N_("Without this, legal names, contacts and identifying files stay here."),
    )
    raise_with_state: bool = fld(N_("Raise the case with the State"), default=False)
    publish_anonymised: bool = fld(N_("Publish without names"), default=False)
    publish_with_name: bool = fld(N_("Publish with name"), default=False)


@dataclass(kw_only=True)
class Consent:
    obtained: bool = fld(N_("Consent obtained"), default=False)
    method: str | None = fld(N_("How consent was given"), default=None, vocab="consent_method")
    date: str | None = fld(N_("Date of consent"), default=None, fmt="date")
    scope: ConsentScope = fld(N_("What the person agreed to"), factory=ConsentScope)


@dataclass(kw_only=True)
class AttachmentRef:
    """Metadata of a file kept encrypted in the vault; the content is addressed by SHA-256."""

    sha256: str = fld(N_("SHA-256"), default="", fmt="sha256", required=True)
    filename: str = fld(N_("File name"), default="", max_length=255)
    media_type: str = fld(N_("Media type"), default="application/octet-stream", max_length=100)
    size: int = fld(N_("Size in bytes"), default=0, minimum=0)
    added_at: str = fld(N_("Added"), default="", fmt="datetime")
    may_identify: bool = fld(
        N_("May identify people (faces, voices, names)"), default=True,
        help=N_("Files that may identify people leave only with consent to share identity."),
    )
    description: str = fld(N_("Description"), default="")


@dataclass(kw_only=True)
class ParticipantCounts:
    women: int = fld(N_("Women"), default=0, minimum=0, maximum=100_000)
    men: int = fld(N_("Men"), default=0, minimum=0, maximum=100_000)
    non_binary: int = fld(N_("Non-binary"), default=0, minimum=0, maximum=100_000)
    not_stated: int = fld(N_("Not stated"), default=0, minimum=0, maximum=100_000)

    def add_person(self, gender: str | None) -> None:
        """Count one more person of this gender (a ``Person.gender`` code; none or any
        other is not stated)."""
        column = _GENDER_COLUMNS.get(gender or "", "not_stated")
        setattr(self, column, getattr(self, column) + 1)


_GENDER_COLUMNS = {"woman": "women", "man": "men", "non_binary": "non_binary"}


@dataclass(kw_only=True)
class GenderAnalysis:
    participation: str | None = fld(
        N_("Level of participation of women"), default=None, vocab="participation"
    )
    representation: str | None = fld(
        N_("Representation of women defenders"), default=None, vocab="representation"
    )
    prominence: str | None = fld(
        N_("Prominence of women's rights on the agenda"), default=None, vocab="prominence"
    )
    gbv_patterns: str = fld(N_("Patterns of gender-based violations"), default="", long=True)
    gbv_types: list[str] = fld(
        N_("Gender-based violations reported"), factory=list, vocab="threat_type"
    )


@dataclass(kw_only=True)
class FollowUpAction:
    action: str = fld(N_("Action"), default="", required=True)
    owner: str = fld(N_("Owner"), default="")
    due_date: str | None = fld(N_("Due date"), default=None, fmt="date")
    done: bool = fld(N_("Done"), default=False)


@dataclass(kw_only=True)
class RiskAssessment:
    likelihood: int = fld(N_("Likelihood (1–5)"), default=1, minimum=1, maximum=5)
    impact: int = fld(N_("Impact (1–5)"), default=1, minimum=1, maximum=5)

    @property
    def level(self) -> str:
        score = self.likelihood * self.impact
        if score >= 16:
            return "critical"
        if score >= 10:
            return "high"
        if score >= 5:
            return "medium"
        return "low"


@dataclass(kw_only=True)
class PersonStub:
    """What HQ may know of a linked person whose own record stays on the laptop (a draft, or
    no consent to share it): no name, no contact, nothing to find the person by. ``ref`` is
    random for each export unless the person agreed to be shared with HQ, so stubs from
    different bundles cannot be matched."""

    ref: str = fld(N_("Reference"), factory=new_id, fmt="uuid", required=True)
    gender: str | None = fld(N_("Gender"), default=None, vocab="gender")
    age_group: str | None = fld(N_("Age group"), default=None, vocab="age_group")
    rights_defended: list[str] = fld(N_("Rights defended or field of work"), factory=list,
                                     vocab="rights_defended")
    professions: list[str] = fld(N_("Profession or role"), factory=list, vocab="profession")
    situations: list[str] = fld(N_("Situation or identity"), factory=list, vocab="situation")


@dataclass(kw_only=True)
class Cooperation:
    with_whom: list[str] = fld(N_("Cooperation with"), factory=list, vocab="cooperation_with")
    when: PartialDate | None = fld(N_("When"), default=None)
    how: list[str] = fld(N_("Form of cooperation"), factory=list, vocab="cooperation_how")


# --- records ----------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Record:
    TYPE: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    HAS_CONSENT: ClassVar[bool] = True

    id: str = fld(N_("Identifier"), factory=new_id, fmt="uuid", section="record")
    created_at: str = fld(N_("Created"), factory=utc_now, fmt="datetime", section="record")
    updated_at: str = fld(N_("Updated"), factory=utc_now, fmt="datetime", section="record")
    version: int = fld(N_("Version"), default=1, minimum=1, section="record")
    author: str = fld(N_("Author"), default="", max_length=200, section="record")
    mission_id: str | None = fld(N_("Mission"), default=None, fmt="uuid", section="record")
    sensitivity: str = fld(
        N_("Sensitivity"), default="confidential", vocab="sensitivity", section="record"
    )
    status: str = fld(N_("Status"), default="draft", vocab="status", section="record")
    tags: list[str] = fld(N_("Tags"), factory=list, max_length=TAG_MAX, section="record")
    attachments: list[AttachmentRef] = fld(N_("Attachments"), factory=list, section="files")

    @property
    def type(self) -> str:
        return self.TYPE


@dataclass(kw_only=True)
class Mission(Record):
    TYPE: ClassVar[str] = "mission"
    LABEL: ClassVar[str] = N_("Mission")
    HAS_CONSENT: ClassVar[bool] = False

    title: str = fld(N_("Title"), default="", required=True, section="mission")
    kind: str = fld(N_("Kind of mission"), default="official_visit", vocab="mission_kind",
                    section="mission")
    country: str | None = fld(N_("Country"), default=None, fmt="country", section="mission")
    region: str | None = fld(N_("Region"), default=None, vocab="region", derived=True,
                             section="mission")
    start_date: str | None = fld(N_("Start date"), default=None, fmt="date", section="mission")
    end_date: str | None = fld(N_("End date"), default=None, fmt="date", section="mission")
    team: list[str] = fld(N_("Team members"), factory=list, max_length=200, section="mission")
    notes: str = fld(N_("Notes"), default="", long=True, section="mission")


@dataclass(kw_only=True)
class Person(Record):
    TYPE: ClassVar[str] = "person"
    LABEL: ClassVar[str] = N_("Person")

    alias: str = fld(N_("Alias"), default="", required=True, max_length=200, section="person",
                     help=N_("The only name shown in lists. Do not use the real name."))
    legal_name: str = fld(N_("Legal name"), default="", identity=True, max_length=300,
                          section="identity")
    contact: str = fld(N_("Contact details"), default="", identity=True, max_length=1000,
                       section="identity")
    gender: str | None = fld(N_("Gender"), default=None, vocab="gender", section="person")
    age_group: str | None = fld(N_("Age group"), default=None, vocab="age_group",
                                section="person")
    rights_defended: list[str] = fld(N_("Rights defended or field of work"), factory=list,
                                     vocab="rights_defended", section="person", filter=True)
    professions: list[str] = fld(N_("Profession or role"), factory=list, vocab="profession",
                                 section="person", filter=True)
    situations: list[str] = fld(N_("Situation or identity"), factory=list, vocab="situation",
                                section="person", filter=True)
    organisation: str = fld(N_("Organisation"), default="", section="person")
    location: Place = fld(N_("Location"), factory=Place, section="person")
    risk_level: str | None = fld(N_("Current risk level"), default=None, vocab="risk_level",
                                 section="person")
    notes: str = fld(N_("Notes"), default="", long=True, section="person")
    consent: Consent = fld(N_("Consent"), factory=Consent, section="consent")


@dataclass(kw_only=True)
class Consultation(Record):
    TYPE: ClassVar[str] = "consultation"
    LABEL: ClassVar[str] = N_("Consultation")

    date: str | None = fld(N_("Date"), default=None, fmt="date", section="consultation")
    place: Place = fld(N_("Place"), factory=Place, section="consultation")
    modality: str = fld(N_("Modality"), default="in_person", vocab="modality",
                        section="consultation")
    format: str = fld(N_("Format"), default="women_only_session", vocab="consultation_format",
                      section="consultation")
    facilitators: list[str] = fld(N_("Facilitators"), factory=list, max_length=200,
                                  section="consultation")
    languages: list[str] = fld(N_("Working languages"), factory=list, max_length=50,
                               section="consultation")
    interpreter_used: bool = fld(N_("Interpreter used"), default=False, section="consultation")
    participants: ParticipantCounts = fld(N_("Participants by gender"),
                                          factory=ParticipantCounts, section="participants")
    organisations: list[str] = fld(
        N_("Organisations represented"), factory=list, max_length=300, section="participants",
        help=N_("Names, one per line. Older records may have only the number."),
    )
    organisations_count: int = fld(N_("Number of organisations"), default=0, minimum=0,
                                   maximum=100_000, section="participants")
    first_time_participants: int = fld(
        N_("Participants contacting the mandate for the first time"), default=0, minimum=0,
        maximum=100_000, section="participants")
    countries_represented: list[str] = fld(
        N_("Countries represented"), factory=list, fmt="country", section="participants",
        help=N_("For regional and online consultations: the countries participants came "
                "from."))
    countries_count: int = fld(
        N_("Number of countries represented"), default=0, minimum=0, maximum=300,
        section="participants",
        help=N_("At least the number of countries listed; more when not all are named."))
    rights_defended: list[str] = fld(N_("Rights defended by participants"), factory=list,
                                     vocab="rights_defended", section="participants",
                                     filter=True)
    professions: list[str] = fld(N_("Professions or roles of participants"), factory=list,
                                 vocab="profession", section="participants", filter=True)
    situations: list[str] = fld(N_("Situations or identities of participants"), factory=list,
                                vocab="situation", section="participants", filter=True)
    themes: list[str] = fld(N_("Themes"), factory=list, vocab="consultation_theme",
                            section="content", filter=True)
    topics: list[str] = fld(N_("Topics discussed"), factory=list, section="content")
    summary: str = fld(N_("Summary notes"), default="", long=True, section="content")
    concerns: str = fld(N_("Main concerns"), default="", long=True, section="content")
    recommendations: str = fld(N_("Recommendations heard"), default="", long=True,
                               section="content")
    gender_analysis: GenderAnalysis = fld(N_("Gender analysis"), factory=GenderAnalysis,
                                          section="gender")
    follow_up: list[FollowUpAction] = fld(N_("Follow-up actions"), factory=list,
                                          section="follow_up")
    consent: Consent = fld(N_("Consent"), factory=Consent, section="consent")


@dataclass(kw_only=True)
class ThreatReport(Record):
    TYPE: ClassVar[str] = "threat_report"
    LABEL: ClassVar[str] = N_("Threat report")

    person_ids: list[str] = fld(N_("Defenders concerned"), factory=list, fmt="uuid",
                                section="incident")
    unnamed_group: str = fld(N_("Unnamed group concerned"), default="", section="incident")
    persons_concerned: ParticipantCounts = fld(
        N_("Persons concerned by gender"), factory=ParticipantCounts, section="incident",
        help=N_("Counted from the linked people when saved; enter the numbers when the "
                "victims are a group."))
    persons_not_shared: list[PersonStub] = fld(
        N_("People not shared with headquarters"), factory=list, section="incident",
        help=N_("Filled at export for linked people whose own record stays on the laptop: "
                "gender, age group and groups only."))
    incident_date: PartialDate | None = fld(N_("Incident date"), default=None,
                                            section="incident")
    place: Place = fld(N_("Place"), factory=Place, section="incident")
    threat_types: list[str] = fld(N_("Types of threat or violation"), factory=list,
                                  vocab="threat_type", section="incident", filter=True)
    channels: list[str] = fld(N_("Channel"), factory=list, vocab="channel", section="incident")
    perpetrators: list[str] = fld(N_("Alleged perpetrators"), factory=list,
                                  vocab="perpetrator", section="incident", filter=True)
    business_sector: str | None = fld(N_("Business sector"), default=None,
                                      vocab="business_sector", section="incident")
    charges: list[str] = fld(N_("Pretext or charge used"), factory=list, vocab="charge",
                             section="incident",
                             help=N_("Where the threat is judicial: what the person is accused "
                                     "of."))
    sentence: str | None = fld(N_("Sentence"), default=None, vocab="sentence",
                               section="incident")
    description: str = fld(N_("Description"), default="", long=True, section="incident")
    risk: RiskAssessment | None = fld(N_("Risk assessment"), default=None, section="assessment")
    urgency: str = fld(N_("Urgency"), default="routine", vocab="urgency", section="assessment")
    actions_requested: list[str] = fld(N_("Action requested"), factory=list,
                                       vocab="action_requested", section="assessment")
    case_status: str = fld(N_("Case status"), default="open", vocab="case_status",
                           section="assessment")
    review: list[str] = fld(
        N_("Needs review"), factory=list, vocab="review_reason", section="consent",
        derived=True, filter=True,
        help=N_("Set when an upgrade found a contradiction; cleared once it is resolved."))
    consent: Consent = fld(N_("Consent"), factory=Consent, section="consent")


@dataclass(kw_only=True)
class ReprisalIncident(ThreatReport):
    TYPE: ClassVar[str] = "reprisal_incident"
    LABEL: ClassVar[str] = N_("Reprisal incident")

    cooperation: Cooperation = fld(N_("Cooperation with the UN or a regional mechanism"),
                                   factory=Cooperation, section="reprisal")
    met_this_mission: bool = fld(N_("The person met this mission"), default=False,
                                 section="reprisal")
    consent_to_act: str = fld(
        N_("Consent to act"), default="internal_only", vocab="consent_to_act",
        section="reprisal",
        help=N_("Must agree with the consent scope: raising the case needs consent to raise "
                "it with the State; the Secretary-General's report and publication need "
                "consent to publish."))
    previous_reprisals: str = fld(N_("Previous reprisals against the same person"), default="",
                                  long=True, section="reprisal")


RECORD_TYPES: dict[str, type[Record]] = {
    cls.TYPE: cls for cls in (Mission, Person, Consultation, ThreatReport, ReprisalIncident)
}

SECTIONS: dict[str, str] = {
    "record": N_("Record"),
    "mission": N_("Mission"),
    "person": N_("Profile"),
    "identity": N_("Identity (hidden by default)"),
    "consultation": N_("Consultation"),
    "participants": N_("Participants"),
    "content": N_("What was said"),
    "gender": N_("Gender analysis"),
    "follow_up": N_("Follow-up"),
    "incident": N_("Incident"),
    "assessment": N_("Assessment and action"),
    "reprisal": N_("Reprisal"),
    "consent": N_("Consent"),
    "files": N_("Files"),
}
