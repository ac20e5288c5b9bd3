"""How report rows are grouped: the groups of a dimension (a vocabulary's terms in their
order, States or visits as found in the data, "not stated" last), the tally of records by
group and period, and the dimensions each record type offers, read from the record model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from ...core.casework import ALL_RECORD_TYPES as RECORD_TYPES
from ...core.i18n import N_, _, language
from ...core.introspect import LIST_NESTED, NESTED, SCALAR, plan
from ...core.regions import country_name
from ...core.vocab import REGION, VOCABULARIES
from .model import MeasureTable, Rate, Report, ReportSpec
from .periods import Period
from .source import CommunicationRow

UNASSIGNED = "not_stated"
REPLY_DAYS = 60
_SKIP_VOCABS = frozenset({"sensitivity", "status", "date_precision", "consent_method"})

GENDER_LABELS = {"women": N_("Women"), "men": N_("Men"), "non_binary": N_("Non-binary"),
                 "not_stated": N_("Not stated")}
JOINT_LABELS = {"joint": N_("Joint with other mandate holders"),
                "not_joint": N_("Sent by this mandate alone")}
UNASSIGNED_LABEL = N_("Not stated")


class Groups:
    """Row keys in display order: the fixed ones first, those found in the data after."""

    def __init__(self, fixed: Sequence[tuple[str, str]] = (), *,
                 label: Callable[[str], str] | None = None):
        self.keys = [k for k, _label in fixed]
        self.labels = {k: lbl for k, lbl in fixed}
        self._label = label
        self._found: set[str] = set()

    def index(self, key: str | None) -> str:
        key = key or UNASSIGNED
        if key not in self.labels:
            self._found.add(key)
        return key

    def ordered(self, used: set[str]) -> tuple[list[str], list[str]]:
        """Keys and labels: fixed keys always, found ones if used, sorted by label."""
        def name(k: str) -> str:
            if k == UNASSIGNED:
                return _(UNASSIGNED_LABEL)
            return self._label(k) if self._label else k
        found = sorted((k for k in self._found if k in used and k != UNASSIGNED), key=name)
        keys = [*self.keys, *found]
        if UNASSIGNED in used and UNASSIGNED not in self.labels:
            keys.append(UNASSIGNED)
        return keys, [_(self.labels[k]) if k in self.labels else name(k) for k in keys]


class Tally:
    """Integer tables per measure, filled by key and period index."""

    def __init__(self, periods: list[Period], groups: Groups):
        self.periods = periods
        self.groups = groups
        self.cells: dict[str, dict[str, list[int]]] = {}
        self.totals: dict[str, list[int]] = {}
        self.labels: dict[str, str] = {}

    def measure(self, name: str, label: str) -> None:
        self.cells.setdefault(name, {})
        self.totals.setdefault(name, [0] * len(self.periods))
        self.labels[name] = label

    def add(self, name: str, key: str | None, period: int, n: int = 1) -> None:
        row = self.cells[name].setdefault(self.groups.index(key), [0] * len(self.periods))
        row[period] += n

    def total(self, name: str, period: int, n: int = 1) -> None:
        self.totals[name][period] += n

    def report(self, spec: ReportSpec, title: str, by: str, *, notes: list[str],
               rates: Sequence[Rate] = (), groups: dict[str, list[tuple[str, str]]] | None = None,
               multi_valued: bool = False, group_titles: dict[str, str] | None = None
               ) -> Report:
        used = {k for rows in self.cells.values() for k, v in rows.items() if any(v)}
        keys, labels = self.groups.ordered(used)
        zero = [0] * len(self.periods)
        measures = {name: MeasureTable(name, self.labels[name],
                                       [list(rows.get(k, zero)) for k in keys],
                                       list(self.totals[name]))
                    for name, rows in self.cells.items()}
        report = Report(spec, title, by, self.periods, keys, labels, measures, list(rates),
                        groups or {}, notes, multi_valued, group_titles or {})
        if spec.public:
            report.withhold_small_counts()
        return report


# --- dimensions -------------------------------------------------------------------------------


def vocab_dimensions(*types: str) -> tuple[str, ...]:
    """Every vocabulary the record types carry (nested fields included), read from the
    model, so that a vocabulary added to a record is a dimension without a change here."""
    found: list[str] = []

    def walk(cls: type) -> None:
        for p in plan(cls):
            if p.meta.get("section") == "record":
                continue
            vocab = p.meta.get("vocab")
            if vocab and vocab not in _SKIP_VOCABS and vocab not in found:
                found.append(vocab)
            if p.kind in (NESTED, LIST_NESTED) and p.nested is not None:
                walk(p.nested)

    for t in types:
        if t in RECORD_TYPES:
            walk(RECORD_TYPES[t])
    return tuple(found)


def single_valued(types: Sequence[str], vocab: str) -> bool:
    """Whether each record of ``types`` holds at most one code of ``vocab`` (one scalar
    field, not inside a list): then the rows of a table add up to its totals."""
    def occurrences(cls: type, in_list: bool) -> list[bool]:
        out: list[bool] = []
        for p in plan(cls):
            if p.meta.get("vocab") == vocab:
                out.append(p.kind == SCALAR and not in_list)
            if p.kind in (NESTED, LIST_NESTED) and p.nested is not None:
                out += occurrences(p.nested, in_list or p.kind == LIST_NESTED)
        return out

    for t in types:
        found = occurrences(RECORD_TYPES[t], False) if t in RECORD_TYPES else [False]
        if found != [True]:
            return False
    return True


def vocab_groups(name: str) -> Groups:
    if name == "region":
        return Groups(REGION.terms)
    vocab = VOCABULARIES.get(name)
    return Groups(vocab.terms if vocab else ())


def _field_vocab(record_type: str, field: str) -> str | None:
    cls = RECORD_TYPES.get(record_type)
    if cls is None:
        return None
    for p in plan(cls):
        if p.name == field:
            vocab = p.meta.get("vocab")
            return str(vocab) if vocab else None
    return None


def _kind_groups() -> Groups:
    vocab = VOCABULARIES.get(_field_vocab("communication", "kind") or "")
    return Groups(vocab.terms if vocab else ())


def assessment_terms() -> tuple[tuple[str, str], ...]:
    cls = RECORD_TYPES.get("communication")
    if cls is not None:
        for p in plan(cls):
            if p.name == "replies" and p.nested is not None:
                for q in plan(p.nested):
                    vocab = VOCABULARIES.get(q.meta.get("vocab") or "")
                    if q.name == "assessment" and vocab is not None:
                        return vocab.terms
    return ()


COMMUNICATION_DIMENSIONS = ("region", "kind", "state", "joint")


def communication_groups(by: str) -> Groups:
    if by == "region":
        return Groups(REGION.terms)
    if by == "kind":
        return _kind_groups()
    if by == "joint":
        return Groups(tuple(JOINT_LABELS.items()))
    if by == "gender":
        return Groups(tuple(GENDER_LABELS.items()))
    lang = language()
    return Groups(label=lambda code: country_name(code, lang))


def communication_key(row: CommunicationRow, by: str) -> str | None:
    if by == "region":
        return row.region
    if by == "kind":
        return row.kind
    if by == "joint":
        return "joint" if row.joint else "not_joint"
    return row.state.upper() if row.state else None


def reply_due_date(row: CommunicationRow) -> str | None:
    """The day a reply is due: the one recorded, else ``REPLY_DAYS`` after sending."""
    if row.reply_due:
        return row.reply_due[:10]
    if not row.sent_on:
        return None
    try:
        return (date.fromisoformat(row.sent_on[:10]) + timedelta(days=REPLY_DAYS)).isoformat()
    except ValueError:
        return None
