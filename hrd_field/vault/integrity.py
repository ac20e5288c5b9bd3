"""Is the vault sound? Every encrypted page's authentication, SQLite's structure, the
search index, the audit chain, and the database against the high-water mark of its last
commit (a deleted write-ahead log or an older copy put back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.errors import UserError
from ..core.i18n import _, ngettext
from . import audit, highwater
from .database import DatabaseError
from .highwater import HighWater


class VaultCorrupt(UserError):
    pass


@dataclass(frozen=True)
class CheckReport:
    problems: list[str]
    unclean_shutdown: bool

    @property
    def ok(self) -> bool:
        return not self.problems


class CheckInterrupted(Exception):
    """The vault was locked while :meth:`Vault.check_snapshot` ran: no verdict."""


def check_database(conn: Any, *, full: bool, unclean: bool, read_only: bool,
                   inspecting: bool, high_water: HighWater | None) -> CheckReport:
    """Pages, structure (``full``: SQLite's whole check and the search index, else the
    quick one), the audit chain and, given the mark, the high-water mark, on ``conn``."""
    problems: list[str] = []
    try:
        for row in conn.execute("PRAGMA cipher_integrity_check"):
            problems.append(_("encrypted page check: {detail}").format(detail=row[0]))
        result = [r[0] for r in conn.execute(
            "PRAGMA integrity_check" if full else "PRAGMA quick_check")]
    except DatabaseError as exc:  # a page so damaged that the check itself stops
        problems.append(_("database structure: {detail}").format(detail=exc))
        result = ["ok"]
    if result != ["ok"]:
        problems += [_("database structure: {detail}").format(detail=r) for r in result[:5]]
    if problems:
        return CheckReport(problems, unclean)  # the rest would read noise
    if full and not read_only:
        # FTS5's check is spelled as an INSERT though it writes nothing: an inspected
        # vault lifts its query-only guard for this one statement.
        if inspecting:
            conn.execute("PRAGMA query_only = OFF")
        try:
            conn.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
        except Exception:
            problems.append(_("the search index is inconsistent"))
        finally:
            if inspecting:
                conn.execute("PRAGMA query_only = ON")
    try:
        has_audit = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'"
                                 ).fetchone()
        broken = audit.verify(conn) if has_audit else None
    except DatabaseError as exc:
        problems.append(_("database structure: {detail}").format(detail=exc))
        broken = None
    if broken is not None:
        problems.append(_("the audit log chain is broken at entry {seq}").format(seq=broken))
    if high_water is not None:
        problems += check_high_water(conn, high_water, unclean).problems
    return CheckReport(problems, unclean)


def check_high_water(conn: Any, mark: HighWater, unclean: bool) -> CheckReport:
    """Compare the database with the last commit recorded beside it."""
    try:
        missing = highwater.compare(conn, mark.read())
    except DatabaseError as exc:
        return CheckReport([_("database structure: {detail}").format(detail=exc)], unclean)
    if missing is None:
        return CheckReport([], unclean)
    if missing == 0:
        problem = _("the vault's history differs from its last recorded commit: it was "
                    "replaced by another copy or damaged")
    else:
        problem = ngettext(
            "the vault lacks its last {n} committed change: its write-ahead log "
            "(vault.db-wal) was deleted or damaged, or an older copy was restored",
            "the vault lacks its last {n} committed changes: its write-ahead log "
            "(vault.db-wal) was deleted or damaged, or an older copy was restored",
            missing).format(n=missing)
    return CheckReport([problem], unclean)
