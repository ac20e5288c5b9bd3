"""The six reports: what each counts, by which dimensions, with which measures.

Each report folds rows from a :class:`~.source.ReportSource` into a :class:`~.model.Report`.
Groups of a vocabulary are all listed (an empty group shows 0); groups found in the data
(States, visits) are listed as found; records without a value for the dimension go to a
last row "not stated" that appears only when it is not empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...core.errors import UserError
from ...core.i18n import N_, _
from .grouping import (
    COMMUNICATION_DIMENSIONS,
    GENDER_LABELS,
    REPLY_DAYS,
    UNASSIGNED,
    Groups,
    Tally,
    assessment_terms,
    communication_groups,
    communication_key,
    reply_due_date,
    single_valued,
    vocab_dimensions,
    vocab_groups,
)
from .model import PRIMARY, Rate, Report, ReportSpec
from .periods import Period, PeriodIndex, make_periods
from .source import GENDERS, Grouped, ReportSource


@dataclass(frozen=True)
class ReportInfo:
    name: str
    title: str
    dimensions: Callable[[], tuple[str, ...]]
    default_by: str
    build: Callable[[ReportSpec, ReportSource, list[Period], str], Report]


# --- the reports ------------------------------------------------------------------------------


COMMUNICATION_NOTES = (
    N_("A communication counts once, in the period of the day it was sent, however many "
       "mandate holders signed it."),
    N_("Communications not yet sent are not counted; cases not covered by the mandate are "
       "not counted."),
)


def build_communications(spec: ReportSpec, source: ReportSource, periods: list[Period],
                         by: str) -> Report:
    where = PeriodIndex(periods)
    tally = Tally(periods, communication_groups(by))
    tally.measure(PRIMARY, N_("Communications sent"))
    for row in source.communications(spec.date_from.isoformat(), spec.date_to.isoformat()):
        p = where(row.sent_on)
        if p is None:
            continue
        tally.add(PRIMARY, communication_key(row, by), p)
        tally.total(PRIMARY, p)
    return tally.report(spec, _("Communications sent"), by,
                        notes=[_(n) for n in COMMUNICATION_NOTES])


def build_responses(spec: ReportSpec, source: ReportSource, periods: list[Period],
                    by: str) -> Report:
    where = PeriodIndex(periods)
    as_of = (spec.as_of or spec.date_to).isoformat()
    tally = Tally(periods, communication_groups(by))
    measures = (
        (PRIMARY, N_("Communications sent")),
        ("replied", N_("Replied")),
        ("replied_within_deadline", N_("Replied within the deadline")),
        ("deadline_passed", N_("Deadline passed")),
        ("replied_deadline_passed", N_("Replied, of those whose deadline passed")),
    )
    for name, label in measures:
        tally.measure(name, label)
    assessments = list(assessment_terms())
    known = {code for code, _label in assessments}
    rows = source.communications(spec.date_from.isoformat(), spec.date_to.isoformat())
    seen_codes: list[str] = []
    for row in rows:
        for _day, code in row.replies:
            code = code or "not_assessed"
            if code not in known and code not in seen_codes:
                seen_codes.append(code)
    assessments += [(c, N_("Not assessed") if c == "not_assessed" else c) for c in seen_codes]
    for code, label in assessments:
        tally.measure(f"assessment:{code}", label)
    for row in rows:
        p = where(row.sent_on)
        if p is None:
            continue
        key = communication_key(row, by)
        due = reply_due_date(row)
        replies = sorted((day[:10], code) for day, code in row.replies if day[:10] <= as_of)
        passed = due is not None and due < as_of
        values = {
            PRIMARY: 1,
            "replied": int(bool(replies)),
            "replied_within_deadline": int(bool(replies) and due is not None
                                           and replies[0][0] <= due),
            "deadline_passed": int(passed),
            "replied_deadline_passed": int(passed and bool(replies)),
        }
        if replies:
            values[f"assessment:{replies[-1][1] or 'not_assessed'}"] = 1
        for name, n in values.items():
            if n:
                tally.add(name, key, p, n)
                tally.total(name, p, n)
    rates = [
        Rate("response_rate", N_("Response rate (of all sent)"), "replied", PRIMARY),
        Rate("response_rate_deadline_passed",
             N_("Response rate (of those whose deadline passed)"),
             "replied_deadline_passed", "deadline_passed"),
        Rate("within_deadline_rate", N_("Replied within the deadline (of all sent)"),
             "replied_within_deadline", PRIMARY),
    ]
    notes = [_(n) for n in COMMUNICATION_NOTES] + [
        _("Replies and deadlines as known on {day}: a reply received later is not counted; "
          "a deadline passed when it fell before that day.").format(day=as_of),
        _("The deadline is the reply date set on the communication, or {n} days after it "
          "was sent. Replies by assessment count each communication once, by the assessment "
          "of its latest reply.").format(n=REPLY_DAYS),
    ]
    return tally.report(spec, _("Replies of States to communications"), by, rates=rates,
                        groups={"replies_by_assessment": [(c, f"assessment:{c}")
                                                          for c, _label in assessments]},
                        notes=notes,
                        group_titles={"replies_by_assessment": N_("Replies by assessment")})


def build_individuals(spec: ReportSpec, source: ReportSource, periods: list[Period],
                      by: str) -> Report:
    where = PeriodIndex(periods)
    tally = Tally(periods, communication_groups(by))
    tally.measure(PRIMARY, N_("Individuals concerned"))
    if by != "gender":
        for g in GENDERS:
            tally.measure(g, GENDER_LABELS[g])
        tally.measure("communications", N_("Communications sent"))
        tally.measure("concerning_women", N_("Communications concerning women defenders"))
    for row in source.communications(spec.date_from.isoformat(), spec.date_to.isoformat()):
        p = where(row.sent_on)
        if p is None:
            continue
        people = {g: int(row.individuals.get(g, 0)) for g in GENDERS}
        if by == "gender":
            for g, n in people.items():
                if n:
                    tally.add(PRIMARY, g, p, n)
                    tally.total(PRIMARY, p, n)
            continue
        key = communication_key(row, by)
        women = people["women"] > 0 or "women_defenders" in row.subjects
        values = {PRIMARY: sum(people.values()), **people, "communications": 1,
                  "concerning_women": int(women)}
        for name, n in values.items():
            if n:
                tally.add(name, key, p, n)
                tally.total(name, p, n)
    rates = [] if by == "gender" else [
        Rate("percent_women", N_("Women, of individuals concerned"), "women", PRIMARY),
        Rate("percent_concerning_women", N_("Communications concerning women defenders, of "
                                            "all sent"), "concerning_women", "communications"),
    ]
    notes = [_(n) for n in COMMUNICATION_NOTES] + [
        _("Individuals are those named in each communication, by gender; a person named in two "
          "communications is counted twice. A communication concerns women defenders when it "
          "names a woman or is marked as concerning women defenders."),
    ]
    return tally.report(spec, _("Individuals concerned by communications"), by, rates=rates,
                        notes=notes)


def _bounds(periods: list[Period]) -> tuple[list[str], str]:
    return [p.start.isoformat() for p in periods], periods[-1].end.isoformat()


def _received(tally: Tally, name: str, source: ReportSource, periods: list[Period],
              types: Sequence[str], by: str) -> bool:
    """Fill ``name`` from received records; returns whether ``by`` is multi-valued.
    Records without a value (no region, no code of the vocabulary) go to "not stated"."""
    starts, last = _bounds(periods)
    column = {"region": "region", "mission": "mission_id"}.get(by)
    single = column is not None or single_valued(types, by)
    for g in source.grouped(types, starts, last, by=column or by):
        tally.add(name, g.key, g.period, g.n)
        if single:
            tally.total(name, g.period, g.n)
    if not single:
        for g in source.grouped(types, starts, last, by=None):
            tally.total(name, g.period, g.n)
    return not single


THREAT_TYPES = ("threat_report", "reprisal_incident")


def _received_report(spec: ReportSpec, source: ReportSource, periods: list[Period], by: str,
                     types: Sequence[str], title: str, label: str, notes: list[str],
                     groups: Groups | None = None) -> tuple[Tally, bool]:
    tally = Tally(periods, groups or vocab_groups(by))
    tally.measure(PRIMARY, label)
    multi = _received(tally, PRIMARY, source, periods, types, by)
    return tally, multi


MULTI_NOTE = N_("A record with several values of this dimension is counted in each of their "
                "rows, so the rows can add up to more than the total, which counts each record "
                "once.")


def build_threats(spec: ReportSpec, source: ReportSource, periods: list[Period],
                  by: str) -> Report:
    notes = [_("Threat reports and reprisal incidents received from the field, in the period of "
               "the incident's date (a date known only to the month or year counts on its first "
               "day). Records without a date are not counted.")]
    tally, multi = _received_report(spec, source, periods, by, THREAT_TYPES,
                                    _("Threats against defenders"),
                                    N_("Threat reports and reprisal incidents"), notes)
    if multi:
        notes.append(_(MULTI_NOTE))
    return tally.report(spec, _("Threats against defenders"), by, notes=notes,
                        multi_valued=multi)


def build_reprisals(spec: ReportSpec, source: ReportSource, periods: list[Period],
                    by: str) -> Report:
    notes = [_("Reprisal incidents received from the field, in the period of the incident's "
               "date; records without a date are not counted.")]
    tally, multi = _received_report(spec, source, periods, by, ("reprisal_incident",),
                                    _("Reprisals"), N_("Reprisal incidents"), notes)
    if by == "region":
        where = PeriodIndex(periods)
        tally.measure("communications", N_("Communications concerning reprisals"))
        for row in source.communications(spec.date_from.isoformat(),
                                         spec.date_to.isoformat()):
            p = where(row.sent_on)
            if p is not None and "reprisal" in row.subjects:
                tally.add("communications", row.region, p)
                tally.total("communications", p)
        notes.append(_("Communications concerning reprisals are those marked as such, in the "
                       "period they were sent."))
    if multi:
        notes.append(_(MULTI_NOTE))
    return tally.report(spec, _("Reprisals"), by, notes=notes, multi_valued=multi)


PARTICIPANT_PATHS = tuple(f"participants.{g}" for g in GENDERS)


def build_consultations(spec: ReportSpec, source: ReportSource, periods: list[Period],
                        by: str) -> Report:
    starts, last = _bounds(periods)
    groups = Groups() if by == "mission" else vocab_groups(by)
    tally = Tally(periods, groups)
    tally.measure(PRIMARY, N_("Consultations"))
    tally.measure("participants", N_("Participants"))
    for g in GENDERS:
        tally.measure(g, GENDER_LABELS[g])
    tally.measure("women_only", N_("Women-only sessions"))
    column = {"region": "region", "mission": "mission_id"}.get(by)
    types = ("consultation",)
    women_only = ("consultation_format", "women_only_session")

    def add(rows: list[Grouped], *, cells: bool, totals: bool) -> None:
        for g in rows:
            values = {PRIMARY: g.n, "participants": sum(g.sums),
                      **dict(zip(GENDERS, g.sums, strict=True))}
            for measure, n in values.items():
                if cells:
                    tally.add(measure, g.key, g.period, n)
                if totals:
                    tally.total(measure, g.period, n)

    def add_women_only(rows: list[Grouped], *, cells: bool, totals: bool) -> None:
        for g in rows:
            if cells:
                tally.add("women_only", g.key, g.period, g.n)
            if totals:
                tally.total("women_only", g.period, g.n)

    single = column is not None or single_valued(types, by)
    add(source.grouped(types, starts, last, by=column or by, sums=PARTICIPANT_PATHS),
        cells=True, totals=single)
    add_women_only(source.grouped(types, starts, last, by=column or by, where_term=women_only),
                   cells=True, totals=single)
    if not single:
        add(source.grouped(types, starts, last, by=None, sums=PARTICIPANT_PATHS),
            cells=False, totals=True)
        add_women_only(source.grouped(types, starts, last, by=None, where_term=women_only),
                       cells=False, totals=True)
    if by == "mission":
        titles = source.mission_titles(
            k for rows in tally.cells.values() for k in rows if k != UNASSIGNED)
        groups._label = lambda k: titles.get(k) or k
    notes = [_("Consultations received from the field, in the period of their date; "
               "participants as counted by the facilitators, by gender. Consultations "
               "without a date are not counted.")]
    if not single:
        notes.append(_(MULTI_NOTE))
    rates = [Rate("percent_women", N_("Women, of participants"), "women", "participants")]
    return tally.report(spec, _("Consultations with defenders"), by, notes=notes, rates=rates,
                        multi_valued=not single)


REPORTS: dict[str, ReportInfo] = {
    "communications": ReportInfo("communications", N_("Communications sent"),
                                 lambda: COMMUNICATION_DIMENSIONS, "region",
                                 build_communications),
    "responses": ReportInfo("responses", N_("Replies of States to communications"),
                            lambda: COMMUNICATION_DIMENSIONS, "region", build_responses),
    "individuals": ReportInfo("individuals", N_("Individuals concerned by communications"),
                              lambda: (*COMMUNICATION_DIMENSIONS, "gender"), "region",
                              build_individuals),
    "reprisals": ReportInfo("reprisals", N_("Reprisals"),
                            lambda: ("region", *vocab_dimensions("reprisal_incident")),
                            "region", build_reprisals),
    "threats": ReportInfo("threats", N_("Threats against defenders"),
                          lambda: (*vocab_dimensions("threat_report"), "region"),
                          "threat_type", build_threats),
    "consultations": ReportInfo("consultations", N_("Consultations with defenders"),
                                lambda: ("consultation_format", "modality", "region", "mission",
                                         *[v for v in vocab_dimensions("consultation")
                                           if v not in ("consultation_format", "modality")]),
                                "consultation_format", build_consultations),
}


def build_report(spec: ReportSpec, source: ReportSource) -> Report:
    info = REPORTS.get(spec.name)
    if info is None:
        raise UserError(_("Unknown report {name!r}; reports: {names}.").format(
            name=spec.name, names=", ".join(REPORTS)))
    by = spec.by or info.default_by
    dimensions = info.dimensions()
    if by not in dimensions:
        raise UserError(_("The {report} report cannot be grouped by {by!r}; choose one of: "
                          "{choices}.").format(report=spec.name, by=by,
                                                choices=", ".join(dimensions)))
    if spec.min_cell < 1:
        raise UserError(_("--min-cell must be 1 or more."))
    periods = make_periods(spec.date_from, spec.date_to, spec.period, spec.period_start)
    return info.build(spec, source, periods, by)

