"""The PostgreSQL HQ repository: a team's HQ (several intake workers, analysts at the same
time) on one database, through psycopg 3 and its connection pool.

Record titles and bodies, record history and attachment contents are sealed by HRD Field
(``hq.sealing``) before they are sent; the key stays in the HQ key store. Filters, lists
and reports work on the clear columns (type, dates, places, codes); text search opens the
sealed text of the candidate rows in this process.

Concurrency: every import is one transaction; imports of one device take turns on a
per-device advisory lock (and the (device, sequence) primary key backs it up), imports of
different devices run in parallel. Device status is read fresh on every request.

``PostgresRepository`` is put together from one part per purpose, all on one pool
(``connection.Pooled``): the sealed record rows (``records``), reads and search
(``reads``), analysts' edits (``edits``), imports (``imports``), the bundle log, receipts,
quarantine and alarms (``bundles``), devices and shares (``devices``), attachment contents
(``attachments``), casework (``casework``) and operations (``operations``).
"""

from __future__ import annotations

from .attachments import Attachments
from .bundles import Bundles
from .casework import Casework
from .connection import (
    BACKEND,
    CONNECT_TIMEOUT,
    claim,
    client_tool,
    connect,
    describe,
    for_tool,
    portable_sql,
    unreachable,
)
from .devices import Devices
from .edits import RecordEdits
from .imports import Imports
from .operations import Operations
from .reads import RecordReads

__all__ = ["BACKEND", "CONNECT_TIMEOUT", "PostgresRepository", "claim", "client_tool", "connect",
           "describe", "for_tool", "portable_sql", "unreachable"]


class PostgresRepository(RecordReads, RecordEdits, Imports, Casework, Bundles, Devices,
                         Attachments, Operations):
    """``HqRepository`` on PostgreSQL (see the parts' modules)."""
