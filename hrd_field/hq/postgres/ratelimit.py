"""Each device's request bucket in the database, so the intake's rate limit holds across
every worker of ``hq serve --workers N`` (and intake services on several machines).

One row per device (``hq_request_buckets``, unlogged): the tokens left and when they were
counted, by the database's clock (the workers' clocks may differ). A request locks the row,
refills it for the time passed, and takes a token if there is one, in one short
transaction: two workers counting the same device take turns on the row lock, so no token
is spent twice.
"""

from __future__ import annotations

from .connection import Pooled


class RequestBuckets(Pooled):
    def take_request(self, device_key: str, capacity: float,
                     per_second: float) -> float | None:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_request_buckets (device_key, tokens, at) VALUES"
                         " (%s, %s, clock_timestamp()) ON CONFLICT (device_key) DO NOTHING",
                         (device_key, capacity))
            row = conn.execute(
                "SELECT tokens, extract(epoch FROM clock_timestamp() - at)::float8,"
                " clock_timestamp() FROM hq_request_buckets WHERE device_key = %s"
                " FOR UPDATE", (device_key,)).fetchone()
            if row is None:  # inserted above, and buckets are never deleted
                return 0.0
            tokens = min(capacity, float(row[0]) + max(0.0, float(row[1])) * per_second)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / per_second
            conn.execute("UPDATE hq_request_buckets SET tokens = %s, at = %s WHERE"
                         " device_key = %s",
                         (tokens - 1 if wait == 0 else tokens, row[2], device_key))
        return wait
