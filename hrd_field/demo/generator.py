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
from collections.abc import Iterator

from ..core.consent import act_contradictions
from ..core.linking import at_least, counts_of, total
from ..core.records import (
    Consultation,
    Cooperation,
    FollowUpAction,
    GenderAnalysis,
    Mission,
    ParticipantCounts,
    Person,
    Record,
    ReprisalIncident,
    RiskAssessment,
    ThreatReport,
)
from ..core.regions import region_of
from ..core.validation import normalise, validate
from .corpus import Texts, all_texts, texts
from .draws import (
    MAX_MISSIONS,
    SPAN_DAYS,
    Draws,
    _countries_in,
    _date,
    _MissionInfo,
    _partial,
    _stamp,
)
from .tables import (
    ACTION,
    AGE_GROUP,
    BUSINESS_SECTOR,
    CASE_STATUS,
    CHANNEL,
    CHARGE,
    CONSENT_TO_ACT,
    CONSULT_SENSITIVITY,
    COOPERATION_HOW,
    COOPERATION_OTHER,
    COUNTRIES,
    COUNTRY_CUM,
    FORMAT,
    GBV_TYPE,
    GENDER,
    GRAVEST,
    INCIDENT_SENSITIVITY,
    JUDICIAL,
    MISSION_DAYS,
    MISSION_KIND,
    MODALITY,
    PERPETRATOR,
    PERSON_SENSITIVITY,
    PRECISION,
    PROFESSION,
    REGIONAL_MECHANISMS,
    REPRISAL_TYPE,
    RIGHTS,
    RISK_LEVEL,
    SENTENCE,
    SITUATION,
    THEME,
    THREAT_TYPE,
    URGENCY_BY_LEVEL,
    Weighted,
)

__all__ = ["demo_batch", "generate"]

# Shares of the records that are not missions.
_SHARE_PERSONS = 0.25
_SHARE_CONSULTATIONS = 0.25
_SHARE_REPRISALS = 0.15  # threats take the rest (about 35 %)



class _Generator(Draws):
    """The records, built on the draws (``demo.draws``)."""

    def mission(self) -> Mission:
        rng = self.rng
        country = COUNTRIES[bisect.bisect(COUNTRY_CUM, rng.random() * COUNTRY_CUM[-1])]
        lang = self.choice(country.languages)
        kind = MISSION_KIND.pick(rng)
        start = self.randint(30, SPAN_DAYS - 60)
        end = start + self.randint(*MISSION_DAYS[kind]) - 1
        team = tuple(self.sample(self.staff, self.randint(2, 5)))
        info = _MissionInfo(
            id=self.uid(), country=country, region=region_of(country.code) or "",
            lang=lang, kind=kind, start=start, end=end, team=team,
            localities={
                code: tuple(self.choice(t.localities).replace("{r}", self.choice(
                    self.place_roots[code])) for _ in range(self.randint(2, 6)))
                for code, t in all_texts().items()
            },
            admin_areas={code: tuple(self.sample(t.admin_areas, self.randint(1, 3)))
                         for code, t in all_texts().items()},
        )
        self.missions.append(info)
        weight = 0.3 if kind in ("online_consultation", "other") else rng.uniform(0.6, 2.0)
        self.mission_cum.append((self.mission_cum[-1] if self.mission_cum else 0.0) + weight)
        t = texts(lang)
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
        t = texts(lang)
        day = self.randint(mission.start, mission.end)
        created_at, updated_at, version = self.times(day)
        person_id = self.uid()

        gender = GENDER.pick(rng)
        mission.people.append((person_id, day, gender))
        age = AGE_GROUP.pick(rng)
        rights = RIGHTS.pick_many(rng, self.randint(1, 2))
        if gender == "woman" and "womens_rights" not in rights and rng.random() < 0.4:
            rights.append("womens_rights")
        professions = PROFESSION.pick_many(rng, 1) if rng.random() < 0.8 else []
        situations = SITUATION.pick_many(rng, 1) if rng.random() < 0.5 else []
        if age == "child":
            situations.insert(0, "child")
        elif age == "older_person" and "older_person" not in situations:
            situations.append("older_person")
        if gender in ("non_binary", "another_identity") and rng.random() < 0.6:
            if "lgbti" not in situations:
                situations.append("lgbti")
            if "lgbti_rights" not in rights:
                rights.append("lgbti_rights")

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
            sensitivity=PERSON_SENSITIVITY.pick(rng), status=self.status(),
            tags=self.tags(t),
            attachments=self.attachments(0.05, created_at, (0, 2)),
            alias=f"{self.choice(t.alias_words)}-{self.randint(1, 99):02d}",
            legal_name=legal_name, contact=contact,
            gender=gender, age_group=age, rights_defended=rights, professions=professions,
            situations=situations,
            organisation=self.choice(self.organisations[lang]) if rng.random() < 0.75 else "",
            location=self.place(mission, lang),
            risk_level=RISK_LEVEL.pick(rng) if rng.random() < 0.95 else None,
            notes=self.sentences(t.person_notes, 1, 3, t.sep),
            consent=self.consent(day),
        )

    def consultation(self) -> Consultation:
        rng = self.rng
        mission = self.pick_mission()
        lang = self.record_lang(mission)
        t = texts(lang)
        day = self.randint(mission.start, mission.end)
        created_at, updated_at, version = self.times(day + (0 if rng.random() < 0.7
                                                           else self.randint(1, 10)))
        modality = ("online" if mission.kind == "online_consultation"
                    else MODALITY.pick(rng))
        fmt = FORMAT.pick(rng)
        participants, organisations = self._participants(fmt)
        languages = [lang]
        if mission.country.local and rng.random() < 0.5:
            languages.append(self.choice(mission.country.local))
        if lang != mission.lang and rng.random() < 0.5:
            languages.append(mission.lang)
        rights = ["womens_rights"] if fmt == "women_only_session" or rng.random() < 0.5 else []
        rights += [g for g in RIGHTS.pick_many(rng, self.randint(1, 3)) if g not in rights]
        regional = fmt == "thematic_regional_meeting" or modality == "online"
        countries: list[str] = []
        if regional:
            pool = _countries_in(mission.region)
            countries = self.sample(pool, self.randint(min(2, len(pool)), len(pool)))
        place = self.place(mission, lang, online=modality != "in_person")
        loc = place.locality or mission.localities[lang][0]
        status = self.status()
        return Consultation(
            id=self.uid(), created_at=created_at, updated_at=updated_at, version=version,
            author=self.author, mission_id=mission.id,
            sensitivity=CONSULT_SENSITIVITY.pick(rng), status=status, tags=self.tags(t),
            attachments=self.attachments(0.12, created_at, (0, 1, 1, 2)),
            date=_date(day), place=place, modality=modality, format=fmt,
            facilitators=self.sample(mission.team, min(len(mission.team), self.randint(1, 2))),
            languages=languages, interpreter_used=len(languages) > 1,
            participants=participants, organisations_count=organisations,
            first_time_participants=self.randint(0, total(participants) // 3),
            countries_represented=countries,
            countries_count=len(countries) + (self.randint(0, 12) if countries else 0),
            rights_defended=rights,
            professions=PROFESSION.pick_many(rng, self.randint(1, 3)),
            situations=SITUATION.pick_many(rng, self.randint(0, 2)),
            themes=THEME.pick_many(rng, self.randint(1, 3)),
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

    def _gender_analysis(self, t: Texts, fmt: str) -> GenderAnalysis:
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
            gbv_types=GBV_TYPE.pick_many(rng, self.randint(1, 3)) if has_patterns else [],
        )

    def _follow_up(self, t: Texts, mission: _MissionInfo, day: int) -> list[FollowUpAction]:
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
        t = texts(lang)
        status = self.status()

        people = mission.people
        linked: list[tuple[str, int, str]] = []
        if people and rng.random() < 0.9:
            k = 1 if rng.random() < 0.8 else self.randint(2, 3)
            linked = self.sample(people, min(k, len(people)))
        unnamed = ""
        if not linked or rng.random() < 0.1:
            unnamed = self.choice(t.unnamed_groups)
        met_day = max((d for _pid, d, _g in linked), default=mission.start)

        with_whom: list[str] = []
        if reprisal and not (status == "draft" and rng.random() < 0.25):
            if rng.random() < 0.5:
                with_whom.append("this_mission")
                if rng.random() < 0.2:
                    with_whom.append(COOPERATION_OTHER.pick(rng))
            else:
                regional = REGIONAL_MECHANISMS.get(mission.region, ())
                if regional and rng.random() < 0.3:
                    with_whom.append(self.choice(regional))
                with_whom += [c for c in COOPERATION_OTHER.pick_many(rng, self.randint(1, 2))
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

        kinds = REPRISAL_TYPE if reprisal else THREAT_TYPE
        n_types = self.choice((1, 1, 1, 2, 2, 3))
        threat_types = [] if status == "draft" and rng.random() < 0.3 else kinds.pick_many(
            rng, n_types)
        perpetrators = PERPETRATOR.pick_many(rng, self.choice((1, 1, 2, 2, 3)))
        sector = None
        if "business" in perpetrators and rng.random() < 0.9:
            sector = BUSINESS_SECTOR.pick(rng)
        channels = CHANNEL.pick_many(rng, self.choice((1, 1, 2)))
        if "digital_attack" in threat_types and "online" not in channels:
            channels.append("online")
        charges: list[str] = []
        sentence = None
        if not JUDICIAL.isdisjoint(threat_types):
            charges = CHARGE.pick_many(rng, self.choice((1, 1, 2)))
            sentence = SENTENCE.pick(rng)
            if "long_prison_sentence" in threat_types:
                sentence = self.choice(("prison_5_to_10", "prison_over_10"))
        concerned = counts_of(g for _pid, _d, g in linked)
        if unnamed:
            size = self.randint(2, 30)
            women = self.randint(0, size)
            group = ParticipantCounts(women=women, men=size - women)
            concerned = ParticipantCounts(women=concerned.women + group.women,
                                          men=concerned.men + group.men,
                                          non_binary=concerned.non_binary,
                                          not_stated=concerned.not_stated)

        risk = None
        if status == "final" or rng.random() < 0.5:
            impact = self.randint(2, 5)
            if not GRAVEST.isdisjoint(threat_types):
                impact = 5
            risk = RiskAssessment(likelihood=self.randint(1, 5), impact=impact)
        level = risk.level if risk else "medium"
        urgency = URGENCY_BY_LEVEL[level]
        actions: list[str]
        if status == "draft" and rng.random() < 0.5:
            actions = ["none_yet"]
        else:
            actions = ACTION.pick_many(rng, self.randint(1, 3))
            if level == "critical" and "urgent_appeal" not in actions:
                actions.insert(0, "urgent_appeal")

        precision = PRECISION.pick(rng)
        if met_this_mission and precision == "year":  # the visit dates it at least to the month
            precision = "month"
        place = self.place(mission, lang)
        extra = [self.choice(t.reprisal_body)] if reprisal else []
        cls: type[ThreatReport] = ReprisalIncident if reprisal else ThreatReport
        record = cls(
            id=self.uid(), created_at=created_at, updated_at=updated_at, version=version,
            author=self.author, mission_id=mission.id,
            sensitivity=INCIDENT_SENSITIVITY.pick(rng), status=status, tags=self.tags(t),
            attachments=self.attachments(0.08, created_at, (0, 2)),
            person_ids=[pid for pid, _day, _g in linked], unnamed_group=unnamed,
            persons_concerned=at_least(concerned, counts_of(g for _p, _d, g in linked)),
            incident_date=_partial(incident, precision),
            place=place, threat_types=threat_types, channels=channels,
            perpetrators=perpetrators, business_sector=sector, charges=charges,
            sentence=sentence,
            description=self.paragraph(t, t.threat_open, t.threat_body, t.threat_close,
                                       place.locality, extra),
            risk=risk, urgency=self.choice(urgency), actions_requested=actions,
            case_status=CASE_STATUS.pick(rng), consent=self.consent(created),
        )
        if isinstance(record, ReprisalIncident):
            if with_whom:
                when = "day" if met_this_mission else self.choice(("day", "month", "month", "year"))
                how = COOPERATION_HOW.pick_many(rng, self.choice((1, 1, 2)))
                if met_this_mission and "meeting" not in how:
                    how.insert(0, "meeting")
                record.cooperation = Cooperation(
                    with_whom=with_whom, when=_partial(cooperation_day, when), how=how,
                )
            record.met_this_mission = met_this_mission
            # consent to act follows the consent scope (never contradicts it)
            allowed = [(level, weight) for level, weight in CONSENT_TO_ACT.items()
                       if not act_contradictions(level, record.consent)]
            record.consent_to_act = Weighted(*allowed).pick(rng) if allowed else "internal_only"
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

