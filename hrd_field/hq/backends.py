"""Which HQ backends this installation has.

The desktop build (packaging/) leaves PostgreSQL out: psycopg's binary libpq and its own
OpenSSL were a sixteenth of the app, for a team setup that runs on a server anyway. There,
``--database`` must say how to get it rather than fail with an import error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..core.errors import UserError
from ..core.i18n import _

_POSTGRES_MODULES = ("psycopg", "psycopg_pool", "psycopg_binary")


class NoPostgres(UserError):
    def __init__(self) -> None:
        super().__init__(_(
            "This build of HRD Field has no PostgreSQL support. Run an HQ on PostgreSQL from "
            "the Python package instead (pip install hrd-field), then use 'hrd-field hq … "
            "--database' there (see docs/hq-team.md)."))


@contextlib.contextmanager
def postgres_required() -> Iterator[None]:
    """Around the import of ``hq.postgres``: a missing psycopg becomes ``NoPostgres``."""
    try:
        yield
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in _POSTGRES_MODULES:
            raise
        raise NoPostgres() from None
