"""Serve ``Intake(store, url, rate=RateLimit(...), ...).app()`` under uvicorn.

For tests that need what ``hrd-field hq serve`` does not expose (a small rate limit, a
short read timeout).
Usage: intake_server.py --store DIR --passphrase-file FILE --port N --url URL
                        [--capacity C] [--per-second R] [--max-upload BYTES]
                        [--read-timeout SECONDS]
Loopback only. Stopped by the test that started it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from hrd_field.hq.intake import DEFAULT_MAX_UPLOAD, Intake, RateLimit
from hrd_field.hq.serving import server_options
from hrd_field.hq.store import HqStore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--passphrase-file", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--capacity", type=float, default=60.0)
    parser.add_argument("--per-second", type=float, default=2.0)
    parser.add_argument("--max-upload", type=int, default=DEFAULT_MAX_UPLOAD)
    parser.add_argument("--read-timeout", type=float, default=None)
    args = parser.parse_args()
    secret = args.passphrase_file.read_text("utf-8").rstrip("\n")
    with HqStore.open(args.store, secret) as store:
        extra = {} if args.read_timeout is None else {"read_timeout": args.read_timeout}
        intake = Intake(store, args.url, max_upload=args.max_upload,
                        rate=RateLimit(capacity=args.capacity, per_second=args.per_second),
                        **extra)
        uvicorn.run(intake.app(), host="127.0.0.1", port=args.port, access_log=False,
                    log_level="warning", timeout_graceful_shutdown=5, **server_options())


if __name__ == "__main__":
    main()
