"""Field-level validation of records, for the CLI, the bundle reader and the editors alike."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from .casework import Communication, Legislation, Recommendation
from .checkers import checker
from .consent import act_contradictions
from .deadlines import reply_due
from .errors import FieldError
from .fields import LIST_MAX
from .formats import bounds, check_format, codes
from .i18n import _
from .introspect import LIST, LIST_NESTED, NESTED, plan
from .linking import at_least, counts_of, total
from .records import Consent, Consultation, Mission, Record, ReprisalIncident, ThreatReport
from .regions import region_of

CONSENT_REVIEW = "consent_contradiction"


def normalise(record: Record) -> None:
    """Fill derived fields so stored and exported records are consistent."""
    if isinstance(record, Mission):
        if record.country:
            record.country = record.country.upper()
        record.region = region_of(record.country) if record.country else None
    elif isinstance(record, Consultation):
        countries = list(dict.fromkeys(c.upper() for c in record.countries_represented))
        record.countries_represented = countries
        if record.countries_count >= 0:  # negative numbers are refused below, not mended
            record.countries_count = max(record.countries_count, len(countries))
        # Named organisations are counted; the number may be higher (not all were named),
        # and records made before names were kept have only the number.
        if record.organisations_count >= 0:
            record.organisations_count = max(record.organisations_count,
                                             len(record.organisations))
    elif isinstance(record, Communication):
        if record.state:
            record.state = record.state.upper()
        record.region = region_of(record.state) if record.state else None
        record.reply_due = _due_or_none(record.sent_on, record.reply_period_days)
    elif isinstance(record, Recommendation | Legislation):
        if record.country:
            record.country = record.country.upper()
        record.region = region_of(record.country) if record.country else None
        # The current status is the latest dated entry (the list may be in any order).
        if isinstance(record, Recommendation):
            done = max(record.status_history, key=lambda c: c.date, default=None)
            record.implementation_status = done.status if done else None
        else:
            law = max(record.status_history, key=lambda c: c.date, default=None)
            record.legislative_status = law.status if law else None
    if isinstance(record, ThreatReport):
        # the stubs carry their gender; links by id are counted where the people are known
        record.persons_concerned = at_least(
            record.persons_concerned, counts_of(s.gender for s in record.persons_not_shared))


def resolve_review(record: Record) -> None:
    """A person saved the record and its consent no longer contradicts itself: the review
    flag goes, the consent stays as that person left it. (Imports and upgrades never call
    this: only someone editing the record resolves a flag.)"""
    if isinstance(record, ReprisalIncident) and CONSENT_REVIEW in record.review \
            and not act_contradictions(record.consent_to_act, record.consent):
        record.review = [r for r in record.review if r != CONSENT_REVIEW]


def _due_or_none(sent_on: str | None, days: int) -> str | None:
    if not sent_on or not 1 <= days <= 365:
        return None
    try:
        return reply_due(sent_on, days)
    except ValueError:  # reported by validation as a bad date
        return None


def _check_communication(record: Communication, errors: list[FieldError]) -> None:
    if record.status != "draft":
        if not record.sent_on:
            errors.append(FieldError("sent_on", _("a communication that was sent needs the "
                                                  "date it was sent")))
        if not record.state and not record.non_state_addressee.strip():
            errors.append(FieldError("state", _("say to which State (or other addressee) "
                                                "the communication went")))
    dated = [(f"replies.{i}.received_on", r.received_on) for i, r in enumerate(record.replies)]
    dated += [(f"reminders.{i}.sent_on", r.sent_on) for i, r in enumerate(record.reminders)]
    dated += [(f"follow_up_letters.{i}.sent_on", r.sent_on)
              for i, r in enumerate(record.follow_up_letters)]
    for path, when in dated:
        if not record.sent_on:
            errors.append(FieldError(path, _("the communication has no date it was sent")))
        elif when < record.sent_on:
            errors.append(FieldError(path, _("earlier than the date the communication was "
                                             "sent ({date})").format(date=record.sent_on)))


def _check_scalar(path: str, value: Any, meta: typing.Mapping[str, Any],
                  errors: list[FieldError]) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        lo, hi = bounds(meta)
        if not lo <= value <= hi:
            errors.append(FieldError(path, _("out of range")))
        return
    if isinstance(value, str):
        vocab = meta.get("vocab")
        if vocab:
            if value not in codes(vocab):
                errors.append(FieldError(path, _("not one of the allowed codes")))
            return
        limit = meta.get("max_length")
        if limit and len(value) > limit:
            errors.append(FieldError(
                path, _("too long (at most {n} characters)").format(n=limit)))
            return
        if "\x00" in value:
            errors.append(FieldError(path, _("contains a NUL character")))
            return
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate from a JSON escape
                errors.append(FieldError(path, _("contains an invalid character")))
                return
        if value:
            problem = check_format(meta.get("format"), value)
            if problem:
                errors.append(FieldError(path, problem))


def _walk(obj: Any, prefix: str, errors: list[FieldError]) -> None:
    for p in plan(type(obj)):
        value = getattr(obj, p.name)
        path = prefix + p.name
        meta = p.meta
        if meta.get("required") and (value is None or (isinstance(value, str) and
                                                        not value.strip())):
            errors.append(FieldError(path, _("required")))
            continue
        if value is None:
            continue
        if p.kind == NESTED:
            _walk(value, path + ".", errors)
        elif p.kind in (LIST, LIST_NESTED):
            if len(value) > LIST_MAX:
                errors.append(FieldError(
                    path, _("too many entries (at most {n})").format(n=LIST_MAX)))
                continue
            for i, item in enumerate(value):
                if p.kind == LIST_NESTED:
                    _walk(item, f"{path}.{i}.", errors)
                else:
                    _check_scalar(f"{path}.{i}", item, meta, errors)
        else:
            _check_scalar(path, value, meta, errors)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    found = _FIELD_NAMES.get(cls)
    if found is None:
        found = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return found


def _check_consent(consent: Consent, errors: list[FieldError]) -> None:
    scope = consent.scope
    granted = False
    for name in _field_names(type(scope)):
        if getattr(scope, name):
            granted = True
            break
    if granted and not consent.obtained:
        errors.append(FieldError("consent.obtained", _(
            "“Consent obtained” is not ticked, but uses are ticked below: tick it, or untick "
            "them")))
    if scope.share_identity_with_hq and not scope.share_with_hq:
        errors.append(FieldError("consent.scope.share_identity_with_hq", _(
            "sharing identity requires sharing the record with headquarters")))
    if scope.publish_with_name and not scope.publish_anonymised:
        errors.append(FieldError("consent.scope.publish_with_name", _(
            "publishing with name implies agreeing to publication without name")))


def validate(record: Record) -> list[FieldError]:
    """All problems with a record, each tied to its field; an empty list means valid."""
    errors: list[FieldError] = []
    if not checker(type(record))(record):
        _walk(record, "", errors)
        if errors:
            return errors
    if isinstance(record, Mission) and record.start_date and record.end_date:
        if record.end_date < record.start_date:
            errors.append(FieldError("end_date", _("ends before it starts")))
    if record.created_at > record.updated_at:
        errors.append(FieldError("updated_at", _("earlier than the creation time")))
    consent = getattr(record, "consent", None)
    if isinstance(consent, Consent):
        _check_consent(consent, errors)
    if isinstance(record, ThreatReport) and record.status == "final":
        if not record.threat_types:
            errors.append(FieldError("threat_types", _("choose at least one type of threat")))
        if not record.person_ids and not record.persons_not_shared \
                and not record.unnamed_group.strip():
            errors.append(FieldError("person_ids", _(
                "link at least one defender or describe the group concerned")))
    if isinstance(record, ThreatReport) and record.business_sector \
            and "business" not in record.perpetrators:
        errors.append(FieldError("business_sector", _(
            "a business sector is only recorded when a business is an alleged perpetrator")))
    if isinstance(record, ReprisalIncident) and CONSENT_REVIEW not in record.review:
        # A record flagged for review (by an upgrade) may keep its contradiction until a
        # person resolves it; anything new must be consistent.
        errors += [FieldError(path, message) for path, message
                   in act_contradictions(record.consent_to_act, record.consent)]
    if isinstance(record, Consultation):
        people = total(record.participants)
        if record.first_time_participants > people:
            errors.append(FieldError("first_time_participants", _(
                "more than the {n} participants counted").format(n=people)))
    if isinstance(record, Communication):
        _check_communication(record, errors)
    if isinstance(record, ReprisalIncident) and record.status == "final" \
            and not record.cooperation.with_whom:
        errors.append(FieldError("cooperation.with_whom", _(
            "say with which mechanism the person cooperated")))
    return errors
