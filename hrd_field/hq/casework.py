"""HQ casework over the HQ store: the rules that need more than one record.

Links must resolve to records HQ holds (and the people concerned must have agreed to their
case being raised with the State); a reprisal enters the Secretary-General's report only with
consent; the deadline board; communications prefilled from received records. Every read and
write goes through ``CaseworkData`` below, the one place that knows where things are kept.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..core.casework import (
    DEFAULT_REPLY_DAYS,
    HQ_RECORD_TYPES,
    LINKABLE_TYPES,
    Communication,
    Legislation,
    ReprisalAnnotation,
)
from ..core.consent import may_include_in_sg_report, may_raise_with_state
from ..core.deadlines import (
    DEFAULT_TIMEZONE,
    DUE_SOON_DAYS,
    DueItem,
    classify,
    zone,
)
from ..core.errors import FieldError, RecordInvalid, UserError
from ..core.i18n import _
from ..core.records import Person, Record, ReprisalIncident, ThreatReport, utc_now
from ..core.validation import normalise, validate
from ..core.vocab import RECORD_TYPE
from ..vault.hq_casework import OpenCommunication
from .repository import HqRepository


class CaseworkData:
    """The casework's only way to the store: the HQ repository (either backend)."""

    def __init__(self, repo: HqRepository):
        self.repo = repo

    def get(self, record_id: str) -> Record:
        return self.repo.get(record_id)

    def types_of(self, ids: list[str]) -> dict[str, str]:
        return self.repo.types_of(ids)

    def create(self, record: Record) -> Record:
        return self.repo.create(record)

    def create_many(self, records: list[Record]) -> None:
        self.repo.create_many(records)

    def update(self, record: Record) -> Record:
        return self.repo.update(record)

    def open_communications(self) -> list[OpenCommunication]:
        return self.repo.open_communications()

    def annotation(self, record_id: str) -> ReprisalAnnotation | None:
        return self.repo.annotation(record_id)

    def save_annotation(self, note: ReprisalAnnotation) -> None:
        self.repo.save_annotation(note)

    def reprisals_of(self, person_ids: list[str]) -> list[tuple[str, str | None]]:
        return self.repo.reprisals_of(person_ids)

    def record_acknowledgement(self, record_id: str, language: str, fmt: str,
                               sha256: str) -> None:
        self.repo.record_acknowledgement(record_id, language, fmt, sha256)

    def setting(self, key: str) -> str | None:
        return self.repo.setting(key)

    def set_setting(self, key: str, value: str) -> None:
        self.repo.set_setting(key, value)

    def actor(self) -> str:
        return str(getattr(self.repo, "actor", "hq"))


@dataclass(frozen=True)
class Settings:
    reply_period_days: int = DEFAULT_REPLY_DAYS
    timezone: str = DEFAULT_TIMEZONE


class Casework:
    def __init__(self, repo: HqRepository):
        self.data = CaseworkData(repo)

    # -- settings -----------------------------------------------------------------------------
    def settings(self) -> Settings:
        days = self.data.setting("reply_period_days")
        tz = self.data.setting("timezone")
        return Settings(int(days) if days else DEFAULT_REPLY_DAYS, tz or DEFAULT_TIMEZONE)

    def configure(self, *, reply_period_days: int | None = None,
                  timezone: str | None = None) -> Settings:
        if reply_period_days is not None:
            if not 1 <= reply_period_days <= 365:
                raise UserError(_("The reply period must be between 1 and 365 days."))
            self.data.set_setting("reply_period_days", str(reply_period_days))
        if timezone is not None:
            zone(timezone)
            self.data.set_setting("timezone", timezone)
        return self.settings()

    # -- records ------------------------------------------------------------------------------
    def new_communication(self) -> Communication:
        return Communication(reply_period_days=self.settings().reply_period_days)

    def add(self, record: Record) -> Record:
        self.check(record)
        return self.data.create(record)

    def add_many(self, records: Sequence[Record], where: Sequence[str] | None = None) -> None:
        """All or nothing; an error names the line (``where[i]``) of the record it is about."""
        places = list(where) if where is not None else [
            _("Record {n}").format(n=n) for n in range(1, len(records) + 1)]
        batch_ids: dict[str, str] = {}
        for place, record in zip(places, records, strict=True):
            try:
                if record.id in batch_ids:
                    raise UserError(_("the id {id} appears twice").format(id=record.id))
                batch_ids[record.id] = record.TYPE
                normalise(record)
                problems = validate(record)
                if problems:
                    raise RecordInvalid(problems)
            except UserError as exc:
                raise UserError(_("{where}: {why}; nothing was saved.").format(
                    where=place, why=exc)) from exc
        for place, record in zip(places, records, strict=True):
            try:
                self.check(record, also=batch_ids)
            except UserError as exc:
                raise UserError(_("{where}: {why}; nothing was saved.").format(
                    where=place, why=exc)) from exc
        now = utc_now()
        for record in records:
            record.created_at = record.updated_at = now
            record.version = 1
            record.author = record.author or self.data.actor()
        self.data.create_many(list(records))

    def update(self, record: Record) -> Record:
        self.check(record)
        return self.data.update(record)

    def check(self, record: Record, *, also: dict[str, str] | None = None) -> None:
        """Cross-record rules; raises RecordInvalid naming the field."""
        if record.TYPE not in HQ_RECORD_TYPES:
            raise UserError(_("Records received from the field are read-only at HQ."))
        errors: list[FieldError] = []
        if isinstance(record, Communication):
            self._check_links(record.record_ids, "record_ids", LINKABLE_TYPES, errors,
                              also or {}, consent=True)
        elif isinstance(record, Legislation):
            self._check_links(record.communication_ids, "communication_ids",
                              ("communication",), errors, also or {}, consent=False)
        if errors:
            raise RecordInvalid(errors)

    def _check_links(self, ids: list[str], path: str, allowed: tuple[str, ...],
                     errors: list[FieldError], also: dict[str, str], *, consent: bool) -> None:
        found = {**self.data.types_of(ids), **{i: t for i, t in also.items() if i in ids}}
        for i, record_id in enumerate(ids):
            rtype = found.get(record_id)
            if rtype is None:
                errors.append(FieldError(f"{path}.{i}", _(
                    "HQ holds no record with id {id}").format(id=record_id)))
            elif rtype not in allowed:
                errors.append(FieldError(f"{path}.{i}", _(
                    "a {type} cannot be linked here").format(type=RECORD_TYPE.label(rtype))))
            elif consent and record_id not in also and \
                    not may_raise_with_state(self.data.get(record_id)):
                errors.append(FieldError(f"{path}.{i}", _(
                    "the consent recorded for {id} does not allow raising it with the "
                    "State").format(id=record_id)))

    # -- reprisals file -------------------------------------------------------------------------
    def reprisal(self, record_id: str) -> ReprisalIncident:
        record = self.data.get(record_id)
        if not isinstance(record, ReprisalIncident):
            raise UserError(_("{id} is not a reprisal incident.").format(id=record_id))
        return record

    def annotation(self, record_id: str) -> ReprisalAnnotation:
        self.reprisal(record_id)
        return self.data.annotation(record_id) or ReprisalAnnotation(record_id=record_id)

    def annotate(self, note: ReprisalAnnotation) -> ReprisalAnnotation:
        incident = self.reprisal(note.record_id)
        errors: list[FieldError] = []
        if note.sg_report_year is not None:
            if not 2010 <= note.sg_report_year <= 2100:
                errors.append(FieldError("sg_report_year", _("out of range")))
            elif not may_include_in_sg_report(incident):
                raise UserError(_(
                    "The person's consent does not allow including this reprisal in the "
                    "Secretary-General's report (consent to act: {code}); nothing was "
                    "changed.").format(code=incident.consent_to_act))
        self._check_links(note.communication_ids, "communication_ids", ("communication",),
                          errors, {}, consent=False)
        if errors:
            raise RecordInvalid(errors)
        self.data.save_annotation(note)
        return note

    def earlier_reprisals(self, record_id: str) -> list[str]:
        """Reprisals against the same people dated before this one: a repeat victim."""
        incident = self.reprisal(record_id)
        when = incident.incident_date.date if incident.incident_date else None
        return sorted(rid for rid, d in self.data.reprisals_of(incident.person_ids)
                      if rid != record_id and d is not None and when is not None and d < when)

    # -- deadlines ------------------------------------------------------------------------------
    def due(self, today: date, soon_days: int = DUE_SOON_DAYS) -> list[DueItem]:
        items: list[DueItem] = []
        for c in self.data.open_communications():
            reminders = [c.last_reminder] if c.last_reminder else []
            for category in classify(sent_on=c.sent_on, due=c.reply_due, status="sent",
                                     has_reply=False, reminders=reminders, today=today,
                                     soon_days=soon_days):
                items.append(DueItem(
                    c.id, category, c.reference, c.state, c.addressee, c.kind, c.sent_on,
                    c.reply_due, (date.fromisoformat(c.reply_due) - today).days,
                    c.last_reminder))
        items.sort(key=lambda d: (d.reply_due, d.reference))
        return items

    # -- prefill --------------------------------------------------------------------------------
    def communication_from(self, record_ids: Iterable[str]) -> Communication:
        """A draft communication about these received records: State, people, subjects."""
        out = self.new_communication()
        people: dict[str, Person] = {}
        countries: Counter[str] = Counter()
        for record_id in record_ids:
            record = self.data.get(record_id)
            if record.TYPE not in LINKABLE_TYPES:
                raise UserError(_("A {type} cannot be the subject of a communication.").format(
                    type=RECORD_TYPE.label(record.TYPE)))
            out.record_ids.append(record.id)
            if isinstance(record, Person):
                people[record.id] = record
                if record.location.country:
                    countries[record.location.country] += 1
            elif isinstance(record, ThreatReport):
                if record.place.country:
                    countries[record.place.country] += 1
                for pid in record.person_ids:
                    if pid not in people:
                        try:
                            linked = self.data.get(pid)
                        except UserError:
                            continue  # a person HQ was not sent (no consent to share)
                        if isinstance(linked, Person):
                            people[pid] = linked
                if isinstance(record, ReprisalIncident):
                    _add(out.subjects, "reprisal_for_cooperation")
                if not record.person_ids and record.unnamed_group:
                    out.individuals.not_stated += 1
        for person in people.values():
            out.individuals.add_person(person.gender)
            if "womens_rights" in person.rights_defended:  # issue 14: groups were split
                _add(out.subjects, "women_defenders")
        if out.individuals.women:
            _add(out.subjects, "women_defenders")
        if countries:
            out.state = countries.most_common(1)[0][0]
        return out

    # -- acknowledgements -----------------------------------------------------------------------
    def acknowledgement_subject(self, record_id: str) -> Record:
        return copy.deepcopy(self.data.get(record_id))

    def acknowledged(self, record_id: str, language: str, fmt: str, sha256: str) -> None:
        self.data.record_acknowledgement(record_id, language, fmt, sha256)


def _add(codes: list[str], code: str) -> None:
    if code not in codes:
        codes.append(code)
