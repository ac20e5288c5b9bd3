"""What only a PostgreSQL-backed HQ has: numbered schema migrations, one database per HQ,
the key store beside it, sealed contents (what a dump reveals), least-privileged roles,
exact sequence checks under concurrent imports, clear errors when the database is away.

Runs against a real throwaway cluster (tests/helpers/pgcluster.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from helpers.hqkit import (
    CANARY,
    PASSPHRASE,
    World,
    exists,
    export,
    files_containing,
    jsonl,
    make_world,
    ok,
    person,
    repo_counts,
    sign_bundle,
    threat,
)
from helpers.pgcluster import PG_BIN

from hrd_field.core.errors import UserError
from hrd_field.core.records import Mission
from hrd_field.hq import pg_schema
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore
from hrd_field.vault.queries import Filters

LEGAL = "Zainab Legalname-Qx9"
CONTACT = "+000 555 4242"


@pytest.fixture
def database(pg_cluster: Any) -> str:
    from helpers.hqdb import new_hq_database

    class _Request:  # new_hq_database only asks for the cluster
        def getfixturevalue(self, name: str) -> Any:
            return pg_cluster

    url = new_hq_database(_Request(), "postgresql")  # type: ignore[arg-type]
    assert url is not None
    return url


@pytest.fixture
def world(tmp_path: Path, database: str) -> World:
    p = person("Oriole", legal_name=LEGAL, contact=CONTACT, notes=f"{CANARY} met in Kisumu")
    return make_world(tmp_path / "w", records=[p, threat(f"{CANARY} threat",
                                                         person_ids=[p.id])],
                      database=database)


def dump(url: str) -> bytes:
    proc = subprocess.run([str(PG_BIN / "pg_dump"), "--dbname", url], capture_output=True,
                          check=True, timeout=120)
    return proc.stdout


def test_the_keys_stay_in_the_store_directory_and_the_dump_shows_no_content(
        world: World, database: str) -> None:
    attachment = os.urandom(50_000) + CANARY.encode()
    with world.vault() as vault:
        person_id = vault.records.rows(limit=10)[-1].id
        vault.add_attachment(person_id, io.BytesIO(attachment), filename="scan.pdf")
    [bundle] = export(world.field, world.root / "out")
    with world.store() as store:
        outcome = import_bundle(store, bundle)
        assert outcome.status == "imported", outcome.message
        assert store.backend == "postgresql"
        identity = store.identities()[0]
        seed = store.signing_key().seed().hex()
    data = dump(database)
    assert b"report_records" in data and b"threat_report" in data  # the dump is real
    for secret in (CANARY, LEGAL, CONTACT, "Oriole", "Kisumu", identity, seed):
        assert secret.encode() not in data, secret
    assert attachment[:64] not in data
    # HQ's keys are in the store directory, sealed under the passphrase; no plaintext there.
    assert sorted(p.name for p in world.store_dir.iterdir()) == [
        "hq-secrets", "hq.key", "quarantine"]
    assert files_containing(world.store_dir, [identity.encode(), seed.encode(),
                                               CANARY.encode()]) == []


def test_two_stores_on_one_database_are_refused(world: World, database: str,
                                                tmp_path: Path) -> None:
    res = world.hrd("hq", "init", "--store", tmp_path / "second", "--database", database)
    assert res.returncode == 1, res
    assert res.stderr.startswith("error: ") and "another HQ store" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "second" / "hq.key").exists()
    # A store opened against a database another store owns is refused too.
    other_db = database + "_other"
    subprocess.run([str(PG_BIN / "psql"), "-X", "-q", "-d", database, "-c",
                    f'CREATE DATABASE "{other_db.rsplit("/", 1)[1]}"'], check=True)
    ok(world.hrd("hq", "init", "--store", tmp_path / "third", "--database", other_db))
    res = world.hrd("record", "list", "--store", world.store_dir, "--database", other_db)
    assert res.returncode == 1 and "another HQ store" in res.stderr, res


def test_unreachable_database_is_a_clear_error(world: World, tmp_path: Path) -> None:
    nowhere = "postgresql://hq@127.0.0.1:1/hq"
    res = world.hrd("hq", "init", "--store", tmp_path / "new", "--database", nowhere)
    assert res.returncode == 1, res
    assert "Cannot reach the HQ database hq@127.0.0.1:1/hq" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr and res.stderr.count("\n") == 1
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())
    res = world.hrd("hq", "gaps", "--store", world.store_dir, "--database",
                    "postgresql://user:s3cret-pw@127.0.0.1:1/hq")
    assert res.returncode == 1 and "Cannot reach the HQ database" in res.stderr, res
    assert "s3cret-pw" not in res.stderr  # never print the password


def test_migrations_upgrade_a_database_with_data(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.create_database("migrate_old")
    with psycopg.connect(url, autocommit=True) as conn:
        assert pg_schema.migrate(conn, target=1) == 1
        conn.execute("INSERT INTO hq_devices (name, public_key, status, added_at) VALUES"
                     " ('old-laptop', 'KEY', 'active', '2026-01-01T00:00:00Z')")
        conn.execute("INSERT INTO hq_records (id, type, version, status, created_at,"
                     " updated_at, sealed, country, region) VALUES ('r1', 'mission', 1,"
                     " 'final', 'x', 'x', '\\x00', 'KE', 'africa')")
        assert pg_schema.version(conn) == 1
        assert pg_schema.migrate(conn) == len(pg_schema.STEPS)
        assert pg_schema.migrate(conn) == len(pg_schema.STEPS)  # again: nothing to do
        assert pg_schema.version(conn) == len(pg_schema.STEPS)
        assert conn.execute("SELECT name FROM hq_devices").fetchall() == [("old-laptop",)]
        assert conn.execute("SELECT region, count(*) FROM report_records GROUP BY region"
                            ).fetchall() == [("africa", 1)]
        numbers = [r[0] for r in conn.execute(
            "SELECT version FROM hq_schema_migrations ORDER BY version")]
        assert numbers == list(range(1, len(pg_schema.STEPS) + 1))


def test_a_store_opened_on_an_older_schema_is_migrated(world: World, pg_cluster: Any) -> None:
    """A database left at schema version 1 (with this store's id) is brought up to date when
    the store opens it."""
    from hrd_field.hq import keystore

    older = pg_cluster.create_database("older_schema")
    store_id = keystore.read(world.store_dir, PASSPHRASE)["store_id"]
    with psycopg.connect(older, autocommit=True) as conn:
        assert pg_schema.migrate(conn, target=1) == 1
        conn.execute("INSERT INTO hq_instance (store_id, created_at) VALUES (%s, 'x')",
                     (store_id,))
    with HqStore.open(world.store_dir, PASSPHRASE, database=older) as store:
        assert store.repo.devices() == []  # the other database's registry
    with psycopg.connect(older, autocommit=True) as conn:
        assert pg_schema.version(conn) == len(pg_schema.STEPS)


def _transplant(source: str, target: str, table: str, columns: str,
                select: str | None = None) -> None:
    """Rows of ``source`` copied into ``target`` as they are (sealed values included)."""
    with psycopg.connect(source) as a, psycopg.connect(target) as b, \
            a.cursor().copy(f"COPY ({select or f'SELECT {columns} FROM {table}'}) TO STDOUT"
                            ) as out, \
            b.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as into:
        for block in out:
            into.write(block)


V7_RECORD_COLUMNS = ("id, type, version, deleted, status, mission_id, country, region,"
                     " event_date, risk_level, case_status, urgency, flagged, created_at,"
                     " updated_at, sealed")


def test_an_hq_database_whose_terms_are_rows_keeps_them_after_the_migration(
        world: World, pg_cluster: Any, tmp_path: Path) -> None:
    """Issue 18 moved each record's (vocabulary, code) terms from rows of hq_record_terms
    (schema 7) into its own row. A database made before keeps every term: filters, the
    codes column of lists, the report views and the hq_record_terms rows read as before,
    and imports go on."""
    from hrd_field.hq import keystore

    reports = [threat(f"{CANARY} report {i}") for i in range(4)]
    for i, report in enumerate(reports):
        report.threat_types = ["death_threat", "smear_campaign"] if i % 2 else ["abduction"]
    first = sign_bundle(tmp_path / "1", world.field.key, world.recipients, 1, jsonl(reports))
    with world.store() as store:
        assert import_bundle(store, first).status == "imported"
    older = pg_cluster.create_database("terms_as_rows")
    with psycopg.connect(older, autocommit=True) as conn:
        assert pg_schema.migrate(conn, target=7) == 7
        conn.execute("INSERT INTO hq_instance (store_id, created_at) VALUES (%s, 'x')",
                     (keystore.read(world.store_dir, PASSPHRASE)["store_id"],))
    # the rows schema 7 held, as this store's import made them
    _transplant(world.database, older, "hq_devices",
                "public_key, name, status, revoked_after_seq, added_at")
    for table, columns in (("hq_bundles", "device_key, seq, bundle_id, manifest_sha256,"
                                          " previous_manifest_sha256, imported_at, summary"),
                           ("hq_versions", "record_id, version, type, device_key, bundle_id,"
                                           " seq, consent_scope, body_fingerprint, sealed,"
                                           " received_at"),
                           ("hq_owners", "record_id, device_key, type, mission_id"),
                           ("hq_records", V7_RECORD_COLUMNS),
                           ("hq_record_terms", "record_id, vocab, code")):
        _transplant(world.database, older, table, columns)
    # sealed as schema 7's code sealed a row: one JSON object of title, body and text
    with world.store() as store, psycopg.connect(older) as conn:
        for rid, version, sealed in conn.execute("SELECT id, version, sealed FROM hq_records"
                                                 ).fetchall():
            parts = store.repo._open_record(rid, version, sealed)  # type: ignore[attr-defined]
            conn.execute("UPDATE hq_records SET sealed = %s WHERE id = %s", (
                store.repo.sealer.seal(  # type: ignore[attr-defined]
                    json.dumps(parts, ensure_ascii=False).encode(), f"record:{rid}:{version}"),
                rid))
    terms = "SELECT record_id, vocab, code FROM hq_record_terms ORDER BY 1, 2, 3"
    report_sql = ("SELECT code, count(*) FROM report_terms WHERE vocab = 'threat_type'"
                  " GROUP BY code ORDER BY code")
    with psycopg.connect(older) as conn:
        assert conn.execute("SELECT count(*) FROM hq_record_terms").fetchone()[0] >= 6
        before = conn.execute(terms).fetchall()
        reported = conn.execute(report_sql).fetchall()
    assert reported == [("abduction", 2), ("death_threat", 2), ("smear_campaign", 2)]

    with HqStore.open(world.store_dir, PASSPHRASE, database=older) as store:
        with psycopg.connect(older) as conn:
            assert pg_schema.version(conn) == len(pg_schema.STEPS)
            assert conn.execute(terms).fetchall() == before
            assert conn.execute(report_sql).fetchall() == reported
        found = store.repo.rows(Filters(terms={"threat_type": "death_threat"}), limit=10)
        assert sorted(r.id for r in found) == sorted(r.id for r in reports[1::2])
        assert {r.codes for r in found} == {("death_threat", "smear_campaign")}
        assert store.repo.count(Filters(terms={"threat_type": "abduction"})) == 2
        assert store.repo.report("SELECT count(*) FROM report_terms WHERE code = ?",
                                 ("abduction",)) == [(2,)]
        # imports go on: a new version's codes replace the old ones
        changed = reports[0]
        changed.version, changed.threat_types = 2, ["smear_campaign"]
        second = sign_bundle(tmp_path / "2", world.field.key, world.recipients, 2,
                             jsonl([changed]))
        assert import_bundle(store, second).status == "imported"
        assert store.repo.count(Filters(terms={"threat_type": "abduction"})) == 1
        assert changed.id in {r.id for r in store.repo.rows(
            Filters(terms={"threat_type": "smear_campaign"}), limit=10)}
        assert len(store.repo.search(CANARY, limit=10)) == 4
        assert store.repo.get(reports[1].id).description == reports[1].description
        assert {r.title for r in store.repo.rows(Filters(type="threat_report"))} == {
            r.title for r in store.repo.rows(Filters(type="threat_report"), text=CANARY)}


def test_concurrent_imports_of_one_sequence_import_it_once(world: World, tmp_path: Path) -> None:
    """Two processes' worth of stores (two pools) race the same sequence number, twenty
    times: one import, one duplicate; and two different bundles under one number: one
    import, one equivocation alarm."""
    device = world.field
    stores = [world.store(), world.store()]
    try:
        for seq in range(1, 21):
            same = sign_bundle(tmp_path / f"s{seq}", device.key, world.recipients, seq,
                               jsonl([person(f"Same {seq}")]))
            results = _race(stores, [same, same])
            assert sorted(results) == ["duplicate", "imported"], (seq, results)
        first = sign_bundle(tmp_path / "a", device.key, world.recipients, 21,
                            jsonl([person("Version A")]))
        second = sign_bundle(tmp_path / "b", device.key, world.recipients, 21,
                             jsonl([person("Version B")]))
        assert sorted(_race(stores, [first, second])) == ["equivocation", "imported"]
        counts = repo_counts(stores[0])
        assert counts["hq_bundles"] == 21 and counts["hq_alarms"] == 1
        assert stores[0].repo.gaps()[world.device_name] == []
    finally:
        for store in stores:
            store.close()


def _race(stores: list[HqStore], paths: list[Path]) -> list[str]:
    barrier = threading.Barrier(len(paths))
    out: list[str] = []

    def run(store: HqStore, path: Path) -> None:
        barrier.wait()
        out.append(import_bundle(store, path).status)

    threads = [threading.Thread(target=run, args=(s, p)) for s, p in zip(stores, paths)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def _roles(pg_cluster: Any, database: str) -> dict[str, str]:
    name = database.rsplit("/", 1)[1]
    pg_cluster.psql(pg_schema.ROLES_SQL, database=name)
    urls = {}
    for role, group in (("intake_1", "hrd_intake"), ("analyst_1", "hrd_analyst")):
        pg_cluster.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
                        f" '{role}') THEN CREATE ROLE {role} LOGIN IN ROLE {group}; END IF;"
                        " END $$;", database=name)
        urls[role] = pg_cluster.url(name, role)
    return urls


def test_least_privileged_roles(world: World, database: str, pg_cluster: Any,
                                tmp_path: Path) -> None:
    urls = _roles(pg_cluster, database)
    [bundle] = export(world.field, world.root / "out")
    # The intake imports, but reads no casework and manages no device.
    with HqStore.open(world.store_dir, PASSPHRASE, database=urls["intake_1"]) as intake:
        assert import_bundle(intake, bundle).status == "imported"
        with pytest.raises(UserError, match="may not do this"):
            intake.repo.add_device("sneaky", "A" * 44)
    with HqStore.open(world.store_dir, PASSPHRASE) as admin:  # the owner
        casework = admin.repo.create(Mission(title="HQ-only", country="KE", status="final"))
    with HqStore.open(world.store_dir, PASSPHRASE, database=urls["intake_1"]) as intake:
        assert exists(intake, casework.id)  # missions are field records: visible
    # Casework (communications to States, …) is hidden from the intake by row security.
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("INSERT INTO hq_records (id, type, version, status, created_at,"
                     " updated_at, sealed, terms) VALUES ('c1', 'communication', 1, 'final',"
                     " 'x', 'x', '\\x00', '{reply_assessment:no_reply}')")
    count = "SELECT count(*) FROM hq_records WHERE type = 'communication'"
    its_terms = "SELECT vocab, code FROM hq_record_terms WHERE record_id = 'c1'"
    with psycopg.connect(urls["intake_1"], autocommit=True) as conn:
        assert conn.execute(count).fetchone() == (0,)
        assert conn.execute(its_terms).fetchall() == []  # nor through the terms view
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM report_records")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM hq_bundles")
    # Analysts read and write records, not devices.
    with HqStore.open(world.store_dir, PASSPHRASE, database=urls["analyst_1"]) as analyst:
        assert len(analyst.repo.rows(Filters(type="mission"))) == 1
        assert analyst.repo.report("SELECT count(*) FROM report_records WHERE type = ?",
                                   ("mission",)) == [(1,)]
        note = analyst.repo.get(casework.id)
        note.notes = "follow up in March"
        analyst.repo.update(note)
        with pytest.raises(UserError, match="may not do this"):
            analyst.repo.revoke_device(world.device_name, None)
    with psycopg.connect(urls["analyst_1"], autocommit=True) as conn:
        assert conn.execute(count).fetchone() == (1,)
        assert conn.execute(its_terms).fetchall() == [("reply_assessment", "no_reply")]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM hq_bundles")


def test_documented_role_sql_is_the_code_s() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "hq-team.md").read_text("utf-8")
    assert pg_schema.ROLES_SQL in doc, "copy 'hrd-field hq db-roles' into docs/hq-team.md"


def test_report_sql_is_translated_for_psycopg_outside_literals() -> None:
    from hrd_field.hq.postgres import for_tool, portable_sql

    assert portable_sql("SELECT count(*) FROM report_records WHERE type = ? AND"
                        " updated_at LIKE '2026%' AND title = 'why?' OR x = ?") == (
        "SELECT count(*) FROM report_records WHERE type = %s AND"
        " updated_at LIKE '2026%%' AND title = 'why?' OR x = %s")
    assert portable_sql("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"
    address, env = for_tool("postgresql://hq:s3cret@db.example:5432/hrd?sslmode=verify-full")
    assert "s3cret" not in address and env["PGPASSWORD"] == "s3cret"
    assert "sslmode=verify-full" in address and "host=db.example" in address
