"""Synthetic HQ casework over received demo records: about 200 communications over five
years (replies assessed, reminders, follow-up letters, some overdue, some drafts),
recommendations of visits with their implementation history, national legislation.
Entirely fictional; the same seed gives the same records. Pure Python."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from ..core.casework import (
    COMMUNICATION_OUTCOME,
    EFFECT_ON_DEFENDERS,
    LEGISLATION_TOPIC,
    RECOMMENDATION_ADDRESSEE,
    RECOMMENDATION_THEME,
    Communication,
    FollowUpLetter,
    ImplementationChange,
    Legislation,
    LegislativeChange,
    PublicStatement,
    Recommendation,
    RecommendationSource,
    Reminder,
    Reply,
)
from ..core.consent import may_raise_with_state
from ..core.records import Person, Record, ReprisalIncident, ThreatReport

# States the letters go to, weighted roughly like the mandate's regional shares (2017 §30).
STATES = ("CO", "MX", "GT", "HN", "BR", "PE", "IN", "PH", "CN", "BD", "KH", "VN", "EG", "SA",
          "BH", "IR", "TR", "RU", "BY", "AZ", "KZ", "UZ", "KE", "UG", "CD", "ZW", "ET", "NG")
CODES = {"urgent_appeal": "UA", "letter_of_allegation": "AL", "other_letter": "OL"}
MANDATES = ("Special Rapporteur on freedom of expression",
            "Special Rapporteur on the rights to freedom of peaceful assembly and of association",
            "Working Group on Arbitrary Detention",
            "Special Rapporteur on torture",
            "Working Group on discrimination against women and girls",
            "Special Rapporteur on the rights of indigenous peoples")
LAWS = ("Law on non-commercial organisations", "Foreign agents registration act",
        "Cybersecurity and online content decree", "Counter-terrorism (amendment) bill",
        "Public assemblies regulation", "Act on the protection of human rights defenders",
        "Law on access to information", "NGO funding transparency bill")
RECOMMENDATIONS = (
    "Publicly recognise the legitimate role of human rights defenders.",
    "Strengthen the national protection mechanism and consult defenders on its measures.",
    "Investigate promptly every attack against defenders and bring those responsible to "
    "justice.",
    "Review laws on registration and funding of associations to bring them in line with "
    "international standards.",
    "Adopt specific protection measures for women defenders in rural areas.",
    "Ensure that business enterprises carry out human rights due diligence and consult "
    "affected communities.",
    "End the use of counter-terrorism legislation against defenders.",
)


def generate_casework(received: Sequence[Record], *, seed: int = 11, today: date,
                      communications: int = 200, years: int = 5) -> list[Record]:
    """Casework records about ``received`` (what HQ holds), dated up to ``today``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not secrets
    linkable = [r for r in received
                if isinstance(r, ThreatReport | Person) and may_raise_with_state(r)]
    people = {r.id: r for r in received if isinstance(r, Person)}
    start = today - timedelta(days=365 * years)
    out: list[Record] = []
    numbers: dict[tuple[str, str, int], int] = {}
    for i in range(communications):
        # more recent years carry more letters; the last weeks feed the deadline board
        offset = int((rng.random() ** 0.7) * (today - start).days)
        if i < 6:  # replies due this week
            offset = (today - start).days - rng.randint(53, 60)
        elif i < 20:  # recently overdue, and letters still within their 60 days
            offset = (today - start).days - rng.randint(0, 120)
        sent = start + timedelta(days=offset)
        kind = rng.choices(list(CODES), weights=(55, 35, 10))[0]
        state = rng.choice(STATES)
        key = (CODES[kind], state, sent.year)
        numbers[key] = numbers.get(key, 0) + 1
        c = Communication(kind=kind, state=state, status="sent", sent_on=sent.isoformat(),
                          reference=f"{CODES[kind]} {state} {numbers[key]}/{sent.year}",
                          author="demo")
        if rng.random() < 0.3:
            c.joint_with = rng.sample(MANDATES, rng.randint(1, 3))
        if linkable and rng.random() < 0.5:
            for record in rng.sample(linkable, min(len(linkable), rng.randint(1, 2))):
                c.record_ids.append(record.id)
                if isinstance(record, ReprisalIncident):
                    _add(c.subjects, "reprisal_for_cooperation")
                pids = [record.id] if isinstance(record, Person) else \
                    getattr(record, "person_ids", [])
                for pid in pids:
                    gender = getattr(people.get(pid), "gender", None)
                    c.individuals.add_person(gender)
                    if gender == "woman":
                        _add(c.subjects, "women_defenders")
        else:
            c.individuals.women = rng.choice((0, 0, 1, 1, 2, 3))
            c.individuals.men = rng.choice((0, 1, 1, 2))
            c.individuals.not_stated = rng.choice((0, 0, 0, 1, 5))
            if c.individuals.women:
                _add(c.subjects, "women_defenders")
        if rng.random() < 0.12:
            _add(c.subjects, "legislation")
        n = c.individuals.women + c.individuals.men + c.individuals.non_binary \
            + c.individuals.not_stated
        c.summary = f"Allegations concerning {n or 'several'} human rights defenders" \
            " (fictional demo case)."
        due = sent + timedelta(days=c.reply_period_days)
        # States answer about half of the letters (2020 report §13), often late
        if rng.random() < 0.52:
            received_on = sent + timedelta(days=rng.randint(20, 150))
            if received_on <= today:
                c.replies.append(Reply(
                    received_on=received_on.isoformat(),
                    assessment=rng.choices(("none", "general_or_evasive", "incomplete",
                                            "substantive"), weights=(10, 35, 30, 25))[0],
                    reference=f"Note verbale {rng.randint(100, 999)}/{received_on.year}"))
        if not c.replies and due < today:
            for n in range(rng.choice((0, 1, 1, 2))):
                when = due + timedelta(days=7 + 40 * n)
                if when <= today:
                    c.reminders.append(Reminder(sent_on=when.isoformat()))
        if c.replies and rng.random() < 0.15:
            follow = date.fromisoformat(c.replies[0].received_on) + timedelta(days=30)
            if follow <= today:
                c.follow_up_letters.append(FollowUpLetter(
                    sent_on=follow.isoformat(), reference=f"FU {c.reference}"))
        if rng.random() < 0.1:
            c.public_statement = PublicStatement(
                date=(sent + timedelta(days=rng.randint(1, 40))).isoformat(),
                title=f"UN experts alarmed by the situation of defenders in {state}")
        if c.replies and sent.year < today.year - 1:
            c.status = "closed"
            c.outcome = rng.choice(COMMUNICATION_OUTCOME.codes())
        elif not c.replies and (today - sent).days > 365:
            c.status = "closed"  # the desk closes letters left unanswered for a year
            c.outcome = "unknown"
        out.append(c)
    for i in range(3):  # letters being drafted
        out.append(Communication(kind="urgent_appeal", state=rng.choice(STATES),
                                 status="draft", reference=f"UA draft {i + 1}",
                                 author="demo"))

    communication_ids = [c.id for c in out if isinstance(c, Communication)
                         and "legislation" in c.subjects]
    for i in range(40):
        country = rng.choice(STATES)
        visit_year = rng.randint(start.year, today.year - 1)
        rec = Recommendation(
            country=country, text=RECOMMENDATIONS[i % len(RECOMMENDATIONS)],
            source=RecommendationSource(visit=f"Official visit, {visit_year}",
                                        report_symbol=f"A/HRC/{visit_year - 1980}/"
                                                      f"{rng.randint(40, 60)}/Add.1",
                                        paragraph=str(rng.randint(80, 120))),
            addressee=rng.choice(RECOMMENDATION_ADDRESSEE.codes()[:5]),
            theme=rng.choice(RECOMMENDATION_THEME.codes()), author="demo")
        when = date(visit_year, 6, 1)
        status = "not_implemented"
        for _step in range(rng.randint(1, 3)):
            when += timedelta(days=rng.randint(200, 500))
            if when > today:
                break
            status = rng.choice(("not_implemented", "partially_implemented", "implemented",
                                 "no_information")) if status != "implemented" else status
            rec.status_history.append(ImplementationChange(
                date=when.isoformat(), status=status,
                source=rng.choice(("follow-up visit", "government reply",
                                   "civil society report"))))
        out.append(rec)
    for i, title in enumerate(LAWS * 2):
        country = rng.choice(STATES)
        law = Legislation(country=country, title=title, author="demo",
                          kind="bill" if "bill" in title.lower() else rng.choice(
                              ("law", "decree", "regulation")),
                          effect="protective" if "protection" in title.lower() or
                          "access" in title.lower() else EFFECT_ON_DEFENDERS.codes()[0],
                          topics=rng.sample(LEGISLATION_TOPIC.codes()[:8], 2))
        when = start + timedelta(days=rng.randint(0, (today - start).days - 100))
        law.status_history.append(LegislativeChange(date=when.isoformat(), status="draft"))
        if rng.random() < 0.7:
            later = when + timedelta(days=rng.randint(60, 300))
            if later <= today:
                law.status_history.append(LegislativeChange(
                    date=later.isoformat(),
                    status=rng.choice(("adopted", "adopted", "amended", "struck_down"))))
        if communication_ids and i % 2 == 0:
            law.communication_ids = [communication_ids[i % len(communication_ids)]]
        out.append(law)
    return out


def _add(codes: list[str], code: str) -> None:
    if code not in codes:
        codes.append(code)
