"""Migration step: release-1 vocabulary codes → the current model, in every stored body.

Runs inside the migration's transaction (all or nothing). The mapping itself is
``core.legacy.upgrade`` (pure, shared with the HQ importer and other HQ backends); here it
is applied to the live records (re-indexing their filter terms), the autosaved drafts and,
in an HQ store, the received history. Consent is never changed: contradictions are flagged.
In an HQ store, links to people HQ never received become "person not shared" stubs.
"""

from __future__ import annotations

import json
from typing import Any

from ..core import codec, indexing, legacy, linking
from ..core.records import ThreatReport


def _upgraded(body: str) -> dict[str, Any] | None:
    if not body or body == "{}":
        return None
    data: dict[str, Any] = json.loads(body)
    legacy.upgrade(data)
    return data


def split_vocabularies(conn: Any) -> None:
    role = conn.execute("SELECT value FROM meta WHERE key = 'role'").fetchone()
    at_hq = role is not None and role[0] == "hq"
    rows = conn.execute("SELECT seq, body FROM records WHERE deleted = 0").fetchall()
    upgraded = {seq: _upgraded(body) for seq, body in rows}
    genders = {d["id"]: d.get("gender") for d in upgraded.values()
               if d is not None and d.get("type") == "person"}
    for (seq, old_body) in rows:
        data = upgraded[seq]
        if data is None:
            continue
        record = codec.from_trusted(data)
        if isinstance(record, ThreatReport):
            if at_hq:
                linking.resolve_at_hq(record, {pid: genders[pid] for pid in record.person_ids
                                               if pid in genders})
            else:
                linking.fill_persons_concerned(record, genders)
        body = codec.dumps(record)
        if body == old_body:
            continue
        conn.execute("UPDATE records SET body = ? WHERE seq = ?", (body, seq))
        conn.execute("DELETE FROM record_terms WHERE record_seq = ?", (seq,))
        conn.executemany("INSERT INTO record_terms (vocab, code, record_seq) VALUES (?, ?, ?)",
                         [(v, code, seq) for v, code in indexing.terms(record)])
    for record_id, body in conn.execute("SELECT record_id, body FROM drafts").fetchall():
        data = _upgraded(body)
        if data is not None:
            conn.execute("UPDATE drafts SET body = ? WHERE record_id = ?",
                         (codec.dumps(codec.from_trusted(data)), record_id))
    # HQ history keeps what each device sent, with today's codes (comparisons of a version
    # sent again stay exact: the importer upgrades incoming records the same way).
    for record_id, version, body in conn.execute(
            "SELECT record_id, version, body FROM hq_versions").fetchall():
        data = _upgraded(body)
        if data is not None:
            conn.execute("UPDATE hq_versions SET body = ? WHERE record_id = ? AND version = ?",
                         (codec.dumps(codec.from_trusted(data)), record_id, version))
