"""Field-level validation of records, for the CLI, the bundle reader and the editors alike."""

from __future__ import annotations

import dataclasses
import re
import typing
from datetime import date, datetime
from functools import cache
from typing import Any

from .casework import Communication, Legislation, Recommendation
from .consent import act_contradictions
from .deadlines import reply_due
from .errors import FieldError
from .fields import LIST_MAX
from .i18n import _
from .introspect import LIST, LIST_NESTED, NESTED, SCALAR, plan
from .linking import at_least, counts_of, total
from .records import Consent, Consultation, Mission, Record, ReprisalIncident, ThreatReport
from .regions import is_country, region_of
from .vocab import VOCABULARIES

CONSENT_REVIEW = "consent_contradiction"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# What SQLite and PostgreSQL's bigint hold: the range of an integer field that sets none of
# its own (a version, a size). Beyond it a value cannot be stored, and JSON's 1e30 is an
# integer to the schema.
WHOLE_MIN, WHOLE_MAX = -(2**63), 2**63 - 1
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


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


def _check_format(fmt: str | None, value: str) -> str | None:
    if fmt == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return _("not a valid date (YYYY-MM-DD)")
        if len(value) != 10:
            return _("not a valid date (YYYY-MM-DD)")
    elif fmt == "datetime":
        if not _DATETIME.match(value):
            return _("not a valid UTC time")
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return _("not a valid UTC time")
    elif fmt == "country":
        if not is_country(value):
            return _("not an ISO 3166-1 country code")
    elif fmt == "uuid":
        if not _UUID.match(value):
            return _("not a valid identifier")
    elif fmt == "sha256" and not _SHA256.match(value):
        return _("not a SHA-256 digest")
    return None


def _bounds(meta: typing.Mapping[str, Any]) -> tuple[int, int]:
    lo, hi = meta.get("minimum"), meta.get("maximum")
    return (WHOLE_MIN if lo is None else lo), (WHOLE_MAX if hi is None else hi)


def _check_scalar(path: str, value: Any, meta: typing.Mapping[str, Any],
                  errors: list[FieldError]) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        lo, hi = _bounds(meta)
        if not lo <= value <= hi:
            errors.append(FieldError(path, _("out of range")))
        return
    if isinstance(value, str):
        vocab = meta.get("vocab")
        if vocab:
            if value not in _codes(vocab):
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
            problem = _check_format(meta.get("format"), value)
            if problem:
                errors.append(FieldError(path, problem))


@cache
def _codes(vocab: str) -> frozenset[str]:
    return frozenset(VOCABULARIES[vocab].codes())


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


# The field checks of ``_walk`` as one function per class, made once from the same plans:
# a bulk import validates tens of thousands of records, and the generic walk (re-reading
# each field's metadata for every value) was most of its time. A checker only answers
# whether ``_walk`` would find nothing; when it says no, ``_walk`` runs and words every
# problem. tests/core/test_core_builders.py holds the two against each other.

_Check = typing.Callable[[Any], bool]
_CHECKERS: dict[type, _Check] = {}


def _checker(cls: type) -> _Check:
    found = _CHECKERS.get(cls)
    if found is None:
        found = _CHECKERS[cls] = _make_checker(cls)
    return found


def _make_checker(cls: type) -> _Check:
    # One generated function: a test per field, inline for the commonest kinds (codes,
    # short text), a call to the field's check otherwise. An inline test that fails asks
    # the field's check, so it may only ever be stricter. Names are the dataclass's fields.
    env: dict[str, Any] = {"utf8": _encodable, "all_in": _all_in}
    lines = ["def check(obj):"]
    for i, p in enumerate(plan(cls)):
        env[f"f{i}"] = _field_check(p)
        test = f"f{i}(v)"
        meta = p.meta
        if p.kind == SCALAR and not meta.get("required"):
            if meta.get("vocab"):
                env[f"c{i}"] = _codes(meta["vocab"])
                test = f"v is None or (v in c{i} if type(v) is str else f{i}(v))"
            elif meta.get("format") is None:
                limit = meta.get("max_length")
                length = f"len(v) <= {int(limit)} and " if limit else ""
                test = (f"v is None or (type(v) is str and {length}'\\x00' not in v and"
                        f" (v.isascii() or utf8(v))) or f{i}(v)")
        elif p.kind == LIST and meta.get("vocab") and not meta.get("required"):
            env[f"c{i}"] = _codes(meta["vocab"])
            test = f"(type(v) is list and all_in(v, c{i})) or f{i}(v)"
        lines += [f"    v = obj.{p.name}", f"    if not ({test}):", "        return False"]
    lines.append("    return True")
    exec("\n".join(lines) + "\n", env)  # noqa: S102 - made from the field plans only
    check: _Check = env["check"]
    return check


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape
        return False
    return True


def _all_in(values: list[Any], codes: frozenset[str]) -> bool:
    """A list of codes, none unknown, not too many (what ``_walk`` checks of it)."""
    try:
        return len(values) <= LIST_MAX and codes.issuperset(values)
    except TypeError:  # something unhashable in the list: the field's check decides
        return False


def _nested_ok(value: Any) -> bool:
    return _checker(type(value))(value)


def _field_check(p: Any) -> _Check:
    """True where ``_walk`` would add no error for this field's value."""
    inner: _Check
    if p.kind == NESTED:
        inner = _nested_ok
    elif p.kind in (LIST, LIST_NESTED):
        item_ok = _nested_ok if p.kind == LIST_NESTED else _scalar_check(p.meta)

        def each(value: Any) -> bool:
            if len(value) > LIST_MAX:
                return False
            for item in value:
                if not item_ok(item):
                    return False
            return True
        inner = each
    else:
        inner = _scalar_check(p.meta)
        codes = _codes(p.meta["vocab"]) if p.meta.get("vocab") else None
        if codes is not None and not p.meta.get("required"):
            def coded(value: Any) -> bool:
                if type(value) is str:
                    return value in codes
                return value is None or inner(value)
            return coded
    if p.meta.get("required"):
        def required(value: Any) -> bool:
            if value is None or (isinstance(value, str) and not value.strip()):
                return False
            return inner(value)
        return required

    def optional(value: Any) -> bool:
        return value is None or inner(value)

    return optional


def _scalar_check(meta: typing.Mapping[str, Any]) -> _Check:
    """True where ``_check_scalar`` would add no error."""
    lo, hi = _bounds(meta)
    vocab = meta.get("vocab")
    codes = _codes(vocab) if vocab else None
    limit = meta.get("max_length")
    fmt = meta.get("format")

    def ok(value: Any) -> bool:
        kind = type(value)
        if kind is str:
            if codes is not None:
                return value in codes
            if (limit and len(value) > limit) or "\x00" in value:
                return False
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return False
            return not value or fmt is None or _check_format(fmt, value) is None
        if kind is bool:
            return True
        if kind is int:
            return bool(lo <= value <= hi)
        return False  # anything else: the generic walk decides

    return ok


def _check_consent(consent: Consent, errors: list[FieldError]) -> None:
    scope = consent.scope
    granted = [f.name for f in dataclasses.fields(scope) if getattr(scope, f.name)]
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
    if not _checker(type(record))(record):
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
