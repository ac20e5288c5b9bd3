"""One process of ``bench/hq_import.py``: imports bundles with the ``hrd_field`` of the tree
on ``PYTHONPATH`` (this one, or ``--against`` another) and times each step itself.

Reads one JSON command a line on stdin, answers one JSON line on stdout:

- ``{"op": "init", "store": DIR, "database": URL or null}``: a new HQ store made by this
  tree's code (its own schema); answers its signed profile (base64) for the field vault;
- ``{"op": "add_device", "store": DIR, "name": NAME, "key": KEY}``: the bench's laptop;
- ``{"op": "import", "store": DIR, "bundle": FILE}``: ``hq.importer.import_bundle``;
- ``{"op": "import_many", "store": DIR, "bundles": [FILE, …], "jobs": N}``: all of them as
  ``hrd-field hq import --jobs N`` does (``hq.import_many``: each file's manifest read to
  order them, then one after another in this process, or N worker processes forked from
  it once the store is closed here); CPU time includes the workers';
- ``{"op": "floor", "store": DIR, "bundle": FILE}``: the same bundle decrypted, verified
  and parsed as the importer does (``hq.record_lines``), stored nowhere;
- ``{"op": "check", "store": DIR, "records": N}``: every record held once, some found by
  a word of their title;
- ``{"op": "close"}``.

With ``--memory-security-off`` SQLCipher's ``cipher_memory_security`` is turned off in this
process: never a shipped configuration, a figure for the decision issue 18 asks for.

With ``--lookaside`` each connection gets a lookaside of 2,000 slots of 1,200 bytes
(SQLite's default is 40 larger slots and small ones) through ``sqlite3_db_config``, reached
with ctypes at the connection object's handle: an experiment, never shipped code. With
memory security on, every allocation the lookaside cannot serve is locked and unlocked by
two system calls, and the default lookaside is used up by the prepared statements an HQ
store keeps; this shows what a binding (or a build) with a larger one would give.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PASSPHRASE = "bench HQ import passphrase"


class _Keep:
    """A bundle sink that keeps the records' bytes and nothing else."""

    def __init__(self) -> None:
        self.data = b""

    def accept_manifest(self, verified: object) -> None:
        pass

    def records(self, data: bytes) -> None:
        self.data = bytes(data)

    def begin_attachment(self, sha256: str, size: int) -> None:
        pass

    def attachment_data(self, chunk: bytes) -> None:
        pass

    def end_attachment(self, sha256: str) -> None:
        pass


def _memory_security_off() -> None:
    import sqlcipher3

    from hrd_field.vault import database

    class Connection(sqlcipher3.dbapi2.Connection):  # type: ignore[misc]
        def execute(self, sql: str, *args: Any) -> Any:
            if sql == "PRAGMA cipher_memory_security = ON":
                sql = "PRAGMA cipher_memory_security = OFF"
            return super().execute(sql, *args)

    connect = sqlcipher3.connect
    database.sqlcipher3.connect = (  # type: ignore[attr-defined]
        lambda *a, **k: connect(*a, factory=Connection, **k))


def _larger_lookaside() -> None:
    import ctypes
    import glob

    import sqlcipher3

    from hrd_field.vault import database

    library = ctypes.CDLL(glob.glob(os.path.join(os.path.dirname(sqlcipher3.__file__),
                                                 "_sqlite3*.so"))[0])
    connect = sqlcipher3.connect

    def with_lookaside(*args: Any, **kwargs: Any) -> Any:
        conn = connect(*args, **kwargs)
        # pysqlite's Connection starts with PyObject_HEAD, then the sqlite3 pointer
        handle = ctypes.c_void_p.from_address(id(conn) + 2 * ctypes.sizeof(ctypes.c_void_p))
        lookaside = 1001  # SQLITE_DBCONFIG_LOOKASIDE
        if library.sqlite3_db_config(handle, lookaside, None, ctypes.c_int(1200),
                                     ctypes.c_int(2000)) != 0:
            raise RuntimeError("sqlite3_db_config(LOOKASIDE) refused")
        return conn

    database.sqlcipher3.connect = with_lookaside  # type: ignore[attr-defined]


def _parse(data: bytes) -> list[Any]:
    """The importer's parse of a records member."""
    try:
        from hrd_field.hq import record_lines
    except ImportError:  # an older tree
        from hrd_field.hq import importer

        return importer._parse_lines(data)  # type: ignore[attr-defined, no-any-return]
    return record_lines.parse_lines(data)


def _import_many(stores: dict[str, Any], cmd: dict[str, Any]) -> dict[str, Any]:
    from hrd_field.hq import import_many

    hq = stores.pop(cmd["store"])
    start, wall = os.times(), time.perf_counter()
    planned = import_many.plan(hq.identities(), [Path(b) for b in cmd["bundles"]])
    if cmd["jobs"] == 1:
        outcomes = [o for _n, o in import_many.import_in_turn(hq, planned)]
        hq.close()
    else:
        reopen = hq.reopener()
        hq.close()  # as the CLI does: the workers open their own connections
        outcomes = [o for _n, o in import_many.import_at_once(reopen, planned, cmd["jobs"])]
    wall = time.perf_counter() - wall
    end = os.times()
    cpu = sum(b - a for a, b in zip(start[:4], end[:4], strict=True))  # with the workers'
    bad = [o.message for o in outcomes if o.status != "imported"]
    return {"status": "imported" if not bad else bad[0], "wall": wall, "cpu": cpu,
            "records": sum(o.counts.get("records", 0) for o in outcomes)}


def main() -> None:
    os.environ.setdefault("HRD_FIELD_TEST_FAST_KDF", "1")
    if "--memory-security-off" in sys.argv:
        _memory_security_off()
    if "--lookaside" in sys.argv:
        _larger_lookaside()
    from hrd_field.bundle import read_bundle
    from hrd_field.hq import importer
    from hrd_field.hq.store import HqStore

    stores: dict[str, Any] = {}

    def store(path: str) -> Any:
        if path not in stores:
            stores[path] = HqStore.open(Path(path), PASSPHRASE)
        return stores[path]

    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "close":
            break
        out: dict[str, Any] = {}
        if op == "init":
            with HqStore.init(Path(cmd["store"]), PASSPHRASE, "Bench HQ",
                              database=cmd["database"]) as made:
                profile = made.profile().sign(made.signing_key())
            print(json.dumps({"profile": base64.b64encode(profile).decode()}), flush=True)
            continue
        hq = store(cmd["store"])
        if op == "add_device":
            hq.repo.add_device(cmd["name"], cmd["key"])
            print(json.dumps({}), flush=True)
            continue
        wall, cpu = time.perf_counter(), time.process_time()
        if op == "import_many":
            out = _import_many(stores, cmd)
            print(json.dumps(out), flush=True)
            continue
        if op == "import":
            outcome = importer.import_bundle(hq, Path(cmd["bundle"]))
            out = {"status": outcome.status, "message": outcome.message,
                   "records": outcome.counts.get("records", 0)}
        elif op == "floor":
            sink = _Keep()
            read_bundle(cmd["bundle"], identities=hq.identities(), sink=sink)
            out = {"records": len(_parse(sink.data))}
        elif op == "check":
            n = cmd["records"]
            held = hq.repo.counts()["records"]
            missing = []
            for row in hq.repo.rows(limit=20):
                word = max(row.title.split(), key=len, default="")
                if len(word) >= 4 and row.id not in {
                        h.id for h in hq.repo.search(word, limit=n + 1)}:
                    missing.append(row.id)
            out = {"ok": held == n and not missing,
                   "detail": f"{held} held of {n}; not found by search: {missing[:3]}"}
        out["wall"] = time.perf_counter() - wall
        out["cpu"] = time.process_time() - cpu
        print(json.dumps(out), flush=True)
    for opened in stores.values():
        opened.close()


if __name__ == "__main__":
    main()
