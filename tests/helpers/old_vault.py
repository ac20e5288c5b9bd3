"""A vault as release 1 of HRD Field left it (schema version 1, real rows): what the first
unlock after an update finds. Built the way that release built it: the real key file, a
SQLCipher database keyed with the data key, only migration step 1 applied, and rows written
into ``records``, ``records_fts``, ``record_terms`` and ``meta`` as that release wrote them."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import PASSPHRASE
from hrd_field.core import codec, indexing
from hrd_field.core.records import Consultation, Mission, Person, Record, ThreatReport, utc_now
from hrd_field.vault import migrations
from hrd_field.vault.database import Database
from hrd_field.vault.keyslots import new_keyfile


def old_records() -> list[Record]:
    mission = Mission(title="Visite au Soudan", country="SD", start_date="2023-05-01",
                      end_date="2023-05-09", status="final", author="old-officer")
    return [
        mission,
        Person(alias="وردة", notes="المدافعات عن حقوق الإنسان", rights_defended=["womens_rights"],
               mission_id=mission.id, author="old-officer"),
        Consultation(summary="她是人权捍卫者", mission_id=mission.id, author="old-officer"),
        ThreatReport(description="Smear campaign after the hearing",
                     threat_types=["smear_campaign"], unnamed_group="lawyers",
                     status="final", author="old-officer"),
    ]


def make_v1_vault(root: Path, records: list[Record]) -> None:
    """A vault as release 1 left it: schema version 1, with real rows."""
    root.mkdir(mode=0o700)
    keyfile, data_key = new_keyfile(PASSPHRASE)
    db = Database(root / "vault.db", data_key, create=True)
    try:
        assert migrations.migrate(db.conn, target=1) == 0
        with db.transaction() as c:
            for key, value in (("vault_id", keyfile.vault_id), ("created_at", utc_now()),
                               ("owner", "old-officer")):
                c.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            for r in records:
                cols = indexing.columns(r)
                seq = c.execute(
                    "INSERT INTO records (id, type, version, mission_id, status, title, "
                    "country, region, event_date, risk_level, case_status, urgency, flagged, "
                    "created_at, updated_at, body) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (r.id, r.TYPE, r.version, r.mission_id, r.status, cols["title"],
                     cols["country"], cols["region"], cols["event_date"], cols["risk_level"],
                     cols["case_status"], cols["urgency"], cols["flagged"], r.created_at,
                     r.updated_at, codec.dumps(r))).lastrowid
                c.execute("INSERT INTO records_fts (rowid, title, text) VALUES (?, ?, ?)",
                          (seq, cols["title"], indexing.search_text(r)))
                c.executemany(
                    "INSERT INTO record_terms (vocab, code, record_seq) VALUES (?, ?, ?)",
                    [(v, code, seq) for v, code in indexing.terms(r)])
        assert migrations.current_version(db.conn) == 1
        db.checkpoint()
    finally:
        db.close()
    key = root / "vault.key"
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(keyfile.to_bytes())


def make_vault_at(root: Path, version: int, *, role: str | None = None) -> None:
    """An empty vault as the release with schema ``version`` left it; ``role="hq"`` makes it
    an embedded HQ store of that release (every release marked HQ stores so in ``meta``)."""
    root.mkdir(mode=0o700)
    keyfile, data_key = new_keyfile(PASSPHRASE)
    db = Database(root / "vault.db", data_key, create=True)
    try:
        migrations.migrate(db.conn, target=version)
        rows = [("vault_id", keyfile.vault_id), ("created_at", utc_now()), ("owner", "old")]
        with db.transaction() as c:
            c.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                          rows + ([("role", role)] if role else []))
        assert migrations.current_version(db.conn) == version
        db.checkpoint()
    finally:
        db.close()
    fd = os.open(root / "vault.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(keyfile.to_bytes())
